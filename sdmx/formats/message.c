#include <config.h>
#include "sdmx/sdmx_int.h"

#include <string.h>
#include <yajl/yajl_gen.h>

/* ---- text from requests ----------------------------------------------------------------- */

/* The length of the valid UTF-8 character at s[0..n) (RFC 3629: no overlong forms, no
 * surrogates, nothing past U+10FFFF) that XML 1.0 allows as text, or 0. */
static size_t
text_char(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return c >= 0x20 || c == '\t' || c == '\n' || c == '\r' ? 1 : 0;
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (len == 0 || c > 0xF4 || len > n)
        return 0;
    unsigned cp = c & (0x3F >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
        return 0;
    return len;
}

/* Error texts quote what the request sent (keys, codes, file contents, libxml2's excerpts),
 * which need not be UTF-8 nor XML text: each byte that does not start a valid character, and
 * each control character but tab and newlines, becomes U+FFFD, so that the answer stays
 * well-formed JSON and XML. The result is in b (reset first), NUL-terminated. */
static const char *
clean_text(core_buf_t *b, const char *s)
{
    size_t n = strlen(s), start = 0;
    core_buf_reset(b);
    for (size_t i = 0; i < n;) {
        size_t len = text_char((const unsigned char *)s + i, n - i);
        if (len > 0) {
            i += len;
            continue;
        }
        core_buf_add(b, s + start, i - start);
        core_buf_adds(b, "\xEF\xBF\xBD");
        start = ++i;
    }
    core_buf_add(b, s + start, n - start);
    return core_buf_cstr(b);
}

/* Appends s, cleaned and escaped, as XML text. */
static void
add_text_xml(core_buf_t *out, const char *s)
{
    core_buf_t b;
    core_buf_init(&b);
    const char *t = clean_text(&b, s);
    core_buf_add_xml(out, t, strlen(t));
    core_buf_dispose(&b);
}

/* Generates s, cleaned, as a JSON string. */
static void
gen_text(yajl_gen g, const char *s)
{
    core_buf_t b;
    core_buf_init(&b);
    const char *t = clean_text(&b, s);
    yajl_gen_string(g, (const unsigned char *)t, strlen(t));
    core_buf_dispose(&b);
}

void
sdmx_error_write_xml(core_buf_t *out, int sdmx_code, const char *title,
                     const char *const *details, size_t n)
{
    core_buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<mes:Error xmlns:mes=\"" SDMX_NS_MES "\" xmlns:com=\"" SDMX_NS_COM
                       "\">");
    core_buf_printf(out, "<mes:ErrorMessage code=\"%d\"><com:Text xml:lang=\"en\">", sdmx_code);
    add_text_xml(out, title);
    core_buf_adds(out, "</com:Text>");
    for (size_t i = 0; i < n; i++) {
        core_buf_adds(out, "<com:Text xml:lang=\"en\">");
        add_text_xml(out, details[i]);
        core_buf_adds(out, "</com:Text>");
    }
    core_buf_adds(out, "</mes:ErrorMessage></mes:Error>\n");
}

static void
gen_str(yajl_gen g, const char *s)
{
    yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

/* Appends the generated JSON and a newline to out, and frees g. */
static void
gen_finish(yajl_gen g, core_buf_t *out)
{
    const unsigned char *buf;
    size_t len;
    yajl_gen_get_buf(g, &buf, &len);
    core_buf_add(out, buf, len);
    core_buf_addc(out, '\n');
    yajl_gen_free(g);
}

/* "read", "added"... with their counts, as members of the open map. */
static void
gen_counts(yajl_gen g, const char *const *keys, const uint64_t *vals, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        gen_str(g, keys[i]);
        yajl_gen_integer(g, (long long)vals[i]);
    }
}

void
sdmx_error_write_json(core_buf_t *out, int sdmx_code, const char *title,
                      const char *const *details, size_t n)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    yajl_gen_map_open(g);
    gen_str(g, "errors");
    yajl_gen_array_open(g);
    yajl_gen_map_open(g);
    gen_str(g, "code");
    yajl_gen_integer(g, sdmx_code);
    gen_str(g, "title");
    gen_text(g, title);
    if (n > 0) {
        core_buf_t d;
        core_buf_init(&d);
        for (size_t i = 0; i < n; i++) {
            if (i)
                core_buf_addc(&d, '\n');
            core_buf_adds(&d, details[i]);
        }
        gen_str(g, "detail");
        gen_text(g, core_buf_cstr(&d));
        core_buf_dispose(&d);
    }
    yajl_gen_map_close(g);
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    gen_finish(g, out);
}

static const char *
action_of(store_put_status st)
{
    return st == STORE_PUT_CREATED ? "Append" : st == STORE_PUT_REPLACED ? "Replace" : "Information";
}

void
sdmx_submit_response_write_xml(core_buf_t *out, core_arena_t *a, const sdmx_header_t *h,
                               const dsd_artefact_t *arts, const store_put_status *status,
                               size_t n, core_rc rc, const dsd_report_t *report)
{
    core_buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<mes:RegistryInterface xmlns:mes=\"" SDMX_NS_MES "\" xmlns:reg=\"" SDMX_NS_REG
                       "\" xmlns:com=\"" SDMX_NS_COM "\">");
    sdmx__header_xml(out, h);
    core_buf_adds(out, "<mes:SubmitStructureResponse>");
    for (size_t i = 0; i < n; i++) {
        const char *urn = dsd_ref_urn(a, &arts[i].ref);
        core_buf_printf(out, "<reg:SubmissionResult><reg:SubmittedStructure action=\"%s\">",
                        rc == CORE_OK ? action_of(status[i]) : "Append");
        core_buf_adds(out, "<reg:MaintainableObject><URN>");
        add_text_xml(out, urn);
        core_buf_adds(out, "</URN></reg:MaintainableObject></reg:SubmittedStructure>");
        if (rc == CORE_OK) {
            core_buf_adds(out, "<reg:StatusMessage status=\"Success\"/></reg:SubmissionResult>");
            continue;
        }
        core_buf_adds(out, "<reg:StatusMessage status=\"Failure\">");
        char *label = dsd_ref_label(a, &arts[i].ref);
        size_t mine = 0;
        for (size_t j = 0; j < report->len; j++) {
            const char *m = report->items[j].message;
            if (strstr(m, label) != m)
                continue;
            core_buf_adds(out, "<reg:MessageText><com:Text xml:lang=\"en\">");
            add_text_xml(out, m);
            core_buf_adds(out, "</com:Text></reg:MessageText>");
            mine++;
        }
        if (mine == 0)
            core_buf_adds(out, "<reg:MessageText><com:Text xml:lang=\"en\">Not stored: the "
                               "submission was refused as a whole</com:Text></reg:MessageText>");
        core_buf_adds(out, "</reg:StatusMessage></reg:SubmissionResult>");
    }
    core_buf_adds(out, "</mes:SubmitStructureResponse></mes:RegistryInterface>\n");
}

/* ---- uploads ---------------------------------------------------------------------------- */

static const char *
report_summary(core_arena_t *a, const dsd_report_t *report, size_t i)
{
    return core_arena_printf(a, "%zu problem(s) of rule %s", report->rules[i].n,
                             report->rules[i].rule);
}

void
sdmx_report_write_xml(core_buf_t *out, core_arena_t *a, const char *title,
                      const dsd_report_t *report)
{
    core_buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<mes:Error xmlns:mes=\"" SDMX_NS_MES "\" xmlns:com=\"" SDMX_NS_COM
                       "\"><mes:ErrorMessage code=\"150\"><com:Text xml:lang=\"en\">");
    add_text_xml(out, title);
    core_buf_adds(out, "</com:Text>");
    for (size_t i = 0; i < report->len; i++) {
        const dsd_issue_t *it = &report->items[i];
        char *line = core_arena_printf(a, "[%s] %s", it->rule, it->message);
        core_buf_adds(out, "<com:Text xml:lang=\"en\">");
        add_text_xml(out, line);
        core_buf_adds(out, "</com:Text>");
    }
    for (size_t i = 0; report->dropped > 0 && i < report->nrules; i++) {
        const char *line = report_summary(a, report, i);
        core_buf_adds(out, "<com:Text xml:lang=\"en\">");
        add_text_xml(out, line);
        core_buf_adds(out, "</com:Text>");
    }
    core_buf_adds(out, "</mes:ErrorMessage></mes:Error>\n");
}

static void
gen_kv(yajl_gen g, const char *k, const char *v)
{
    gen_str(g, k);
    gen_text(g, v);
}

void
sdmx_report_write_json(core_buf_t *out, core_arena_t *a, const char *title,
                       const dsd_report_t *report)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    yajl_gen_map_open(g);
    gen_str(g, "errors");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < report->len; i++) {
        yajl_gen_map_open(g);
        gen_str(g, "code");
        yajl_gen_integer(g, 150);
        gen_kv(g, "title", report->items[i].rule);
        gen_kv(g, "detail", report->items[i].message);
        yajl_gen_map_close(g);
    }
    for (size_t i = 0; report->dropped > 0 && i < report->nrules; i++) {
        yajl_gen_map_open(g);
        gen_str(g, "code");
        yajl_gen_integer(g, 150);
        gen_kv(g, "title", report->rules[i].rule);
        gen_kv(g, "detail", report_summary(a, report, i));
        yajl_gen_map_close(g);
    }
    if (report->len == 0) {
        yajl_gen_map_open(g);
        gen_str(g, "code");
        yajl_gen_integer(g, 150);
        gen_kv(g, "title", title);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    gen_finish(g, out);
}

void
sdmx_upload_write_json(core_buf_t *out, core_arena_t *a, const sdmx_upload_t *u)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    yajl_gen_map_open(g);
    gen_kv(g, "dataflow", dsd_ref_urn(a, &u->stats.flow));
    gen_kv(g, "provisionAgreement", dsd_ref_urn(a, &u->agreement));
    gen_kv(g, "submitter", u->submitter);
    gen_str(g, "dryRun");
    yajl_gen_bool(g, u->dry_run);
    const char *keys[] = {"read", "added", "updated", "unchanged", "deleted"};
    uint64_t vals[] = {u->stats.obs_read, u->stats.obs_added, u->stats.obs_updated,
                       u->stats.obs_unchanged, u->stats.obs_deleted};
    gen_str(g, "observations");
    yajl_gen_map_open(g);
    gen_counts(g, keys, vals, 5);
    yajl_gen_map_close(g);
    gen_str(g, "seriesDeleted");
    yajl_gen_integer(g, (long long)u->stats.series_deleted);
    static const char *const actions[] = {"Append", "Replace", "Delete"};
    gen_str(g, "actions");
    yajl_gen_map_open(g);
    for (int i = 0; i < 3; i++) {
        if (!(u->stats.actions & (1 << i)))
            continue;
        const sdmx_counts_t *c = &u->stats.per_action[i];
        const char *k[] = {"read", "added", "updated", "unchanged", "deleted", "seriesDeleted"};
        uint64_t v[] = {c->obs_read,      c->obs_added,   c->obs_updated,
                        c->obs_unchanged, c->obs_deleted, c->series_deleted};
        gen_str(g, actions[i]);
        yajl_gen_map_open(g);
        gen_counts(g, k, v, 6);
        yajl_gen_map_close(g);
    }
    yajl_gen_map_close(g);
    if (u->report != NULL && u->report->nwarnings > 0) {
        gen_str(g, "warnings");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < u->report->len; i++)
            if (u->report->items[i].severity == DSD_SEV_WARNING)
                gen_str(g, u->report->items[i].message);
        yajl_gen_array_close(g);
    }
    yajl_gen_map_close(g);
    gen_finish(g, out);
}

/* SDMX-ML 2.1 has no data submission response; a registration of the data against its
 * provision agreement is the nearest, with the counts in the status message. */
void
sdmx_upload_write_xml(core_buf_t *out, core_arena_t *a, const sdmx_header_t *h,
                      const sdmx_upload_t *u)
{
    core_buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<mes:RegistryInterface xmlns:mes=\"" SDMX_NS_MES "\" xmlns:reg=\"" SDMX_NS_REG
                       "\" xmlns:com=\"" SDMX_NS_COM "\">");
    sdmx__header_xml(out, h);
    core_buf_adds(out, "<mes:SubmitRegistrationsResponse><reg:RegistrationStatus><reg:Registration>"
                       "<reg:ProvisionAgreement><URN>");
    const char *pa = dsd_ref_urn(a, &u->agreement);
    add_text_xml(out, pa);
    core_buf_adds(out, "</URN></reg:ProvisionAgreement><reg:Datasource><reg:SimpleDataSource>");
    add_text_xml(out, u->data_url);
    core_buf_adds(out, "</reg:SimpleDataSource></reg:Datasource></reg:Registration>"
                       "<reg:StatusMessage status=\"Success\"><reg:MessageText>"
                       "<com:Text xml:lang=\"en\">");
    char *msg = core_arena_printf(
        a,
        "%s%llu observations read: %llu added, %llu updated, %llu deleted, %llu unchanged; %llu "
        "series deleted",
        u->dry_run ? "dry run, nothing stored: " : "", (unsigned long long)u->stats.obs_read,
        (unsigned long long)u->stats.obs_added, (unsigned long long)u->stats.obs_updated,
        (unsigned long long)u->stats.obs_deleted, (unsigned long long)u->stats.obs_unchanged,
        (unsigned long long)u->stats.series_deleted);
    add_text_xml(out, msg);
    core_buf_adds(out, "</com:Text></reg:MessageText></reg:StatusMessage></reg:RegistrationStatus>"
                       "</mes:SubmitRegistrationsResponse></mes:RegistryInterface>\n");
}
