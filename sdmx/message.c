#include <config.h>
#include "sdmx_int.h"

#include <string.h>
#include <yajl/yajl_gen.h>

void
sdmx_error_write_xml(core_buf_t *out, int sdmx_code, const char *title,
                     const char *const *details, size_t n)
{
    core_buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<mes:Error xmlns:mes=\"" SDMX_NS_MES "\" xmlns:com=\"" SDMX_NS_COM
                       "\">");
    core_buf_printf(out, "<mes:ErrorMessage code=\"%d\"><com:Text xml:lang=\"en\">", sdmx_code);
    core_buf_add_xml(out, title, strlen(title));
    core_buf_adds(out, "</com:Text>");
    for (size_t i = 0; i < n; i++) {
        core_buf_adds(out, "<com:Text xml:lang=\"en\">");
        core_buf_add_xml(out, details[i], strlen(details[i]));
        core_buf_adds(out, "</com:Text>");
    }
    core_buf_adds(out, "</mes:ErrorMessage></mes:Error>\n");
}

static void
gen_str(yajl_gen g, const char *s)
{
    yajl_gen_string(g, (const unsigned char *)s, strlen(s));
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
    gen_str(g, title);
    if (n > 0) {
        core_buf_t d;
        core_buf_init(&d);
        for (size_t i = 0; i < n; i++) {
            if (i)
                core_buf_addc(&d, '\n');
            core_buf_adds(&d, details[i]);
        }
        gen_str(g, "detail");
        gen_str(g, core_buf_cstr(&d));
        core_buf_dispose(&d);
    }
    yajl_gen_map_close(g);
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    const unsigned char *buf;
    size_t len;
    yajl_gen_get_buf(g, &buf, &len);
    core_buf_add(out, buf, len);
    core_buf_addc(out, '\n');
    yajl_gen_free(g);
}

static const char *
action_of(reg_put_status st)
{
    return st == REG_PUT_CREATED ? "Append" : st == REG_PUT_REPLACED ? "Replace" : "Information";
}

void
sdmx_submit_response_write_xml(core_buf_t *out, core_arena_t *a, const sdmx_header_t *h,
                               const dsd_artefact_t *arts, const reg_put_status *status,
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
        core_buf_add_xml(out, urn, strlen(urn));
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
            core_buf_add_xml(out, m, strlen(m));
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
