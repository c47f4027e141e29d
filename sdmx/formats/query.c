#include <config.h>
#include "sdmx/sdmx_int.h"

#include <stdio.h>
#include <string.h>

#define ALL_KINDS ((1u << DSD_KIND__COUNT) - 1)
#define ORG_KINDS                                                                              \
    ((1u << DSD_KIND_AGENCYSCHEME) | (1u << DSD_KIND_DATACONSUMERSCHEME) |                     \
     (1u << DSD_KIND_DATAPROVIDERSCHEME) | (1u << DSD_KIND_ORGUNITSCHEME))
#define QUERY_MAX_LIST 256

/* Resource names that cover several kinds, beside one per kind. */
static uint32_t
kinds_of_resource(core_str_t res)
{
    if (core_str_eq_c(res, "structure"))
        return ALL_KINDS;
    if (core_str_eq_c(res, "organisationscheme"))
        return ORG_KINDS;
    dsd_kind k = dsd_kind_by_resource(res);
    return k == DSD_KIND_NONE ? 0 : 1u << k;
}

static int
is_item_scheme_set(uint32_t kinds)
{
    for (unsigned k = 0; k < DSD_KIND__COUNT; k++)
        if ((kinds & (1u << k)) && dsd_kind_info((dsd_kind)k)->item == NULL)
            return 0;
    return 1;
}

const char *
sdmx_quote(char *buf, size_t size, core_str_t s, size_t max)
{
    size_t keep = s.len <= max ? s.len : max / 3, n = 0;
    if (size == 0)
        return buf;
    for (size_t i = 0; i < keep && n + 1 < size; i++)
        buf[n++] = s.ptr[i] >= 0x20 && s.ptr[i] < 0x7f ? s.ptr[i] : '?';
    for (size_t i = 0; keep < s.len && i < 3 && n + 1 < size; i++)
        buf[n++] = '.';
    buf[n] = '\0';
    return buf;
}

/* Error messages quote what the client sent through these: a path segment, a parameter
 * name (never a parameter's value). */
#define QUOTE_PATH(buf, s) sdmx_quote(buf, sizeof buf, s, SDMX_QUOTE_PATH)
#define QUOTE_NAME(buf, s) sdmx_quote(buf, sizeof buf, s, SDMX_QUOTE_NAME)

typedef int (*char_ok_fn)(char c, size_t pos);

static int
agency_char(char c, size_t pos)
{
    (void)pos;
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.';
}

static int
id_char(char c, size_t pos)
{
    (void)pos;
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '@' || c == '$' || c == '-' || c == '.';
}

static int
version_char(char c, size_t pos)
{
    (void)pos;
    return (c >= '0' && c <= '9') || c == '.';
}

/* Parses "all", or a '+'-separated list of values whose characters pass ok. */
static core_rc
parse_list(core_arena_t *a, core_str_t seg, const char *what, char_ok_fn ok, sdmx_strlist_t *out,
           core_err_t *err)
{
    out->v = NULL;
    out->n = 0;
    if (seg.len == 0 || core_str_eq_c(seg, "all") || core_str_eq_c(seg, "*"))
        return CORE_OK;
    out->v = core_arena_alloc(a, QUERY_MAX_LIST * sizeof *out->v);
    while (seg.ptr != NULL) {
        core_str_t part;
        seg = core_str_split(seg, '+', &part);
        if (part.len == 0)
            return core_fail(err, CORE_ESYNTAX, "empty value in the %s list", what);
        for (size_t i = 0; i < part.len; i++) {
            if (ok(part.ptr[i], i))
                continue;
            char q[SDMX_QUOTE_MAX], c[8];
            unsigned char bad = (unsigned char)part.ptr[i];
            if (bad >= 0x20 && bad < 0x7f)
                snprintf(c, sizeof c, "'%c'", bad);
            else
                snprintf(c, sizeof c, "0x%02X", bad);
            return core_fail(err, CORE_ESYNTAX, "'%s' is not a valid %s (character %s is not "
                             "allowed)", QUOTE_PATH(q, part), what, c);
        }
        if (out->n == QUERY_MAX_LIST)
            return core_fail(err, CORE_ETOOBIG, "more than %d values in the %s list",
                             QUERY_MAX_LIST, what);
        out->v[out->n++] = part;
    }
    return CORE_OK;
}

static core_rc
parse_detail(core_str_t v, sdmx_detail *out, core_err_t *err)
{
    static const struct {
        const char *name;
        sdmx_detail d;
    } t[] = {
        {"full", SDMX_DETAIL_FULL},
        {"allstubs", SDMX_DETAIL_ALLSTUBS},
        {"referencestubs", SDMX_DETAIL_REFERENCESTUBS},
        {"allcompletestubs", SDMX_DETAIL_ALLCOMPLETESTUBS},
        {"referencecompletestubs", SDMX_DETAIL_REFERENCECOMPLETESTUBS},
        {"referencepartial", SDMX_DETAIL_REFERENCEPARTIAL},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (core_str_ieq_c(v, t[i].name)) {
            *out = t[i].d;
            return CORE_OK;
        }
    return core_fail(err, CORE_ESYNTAX,
                     "the value of detail is not valid; use full, allstubs, referencestubs, "
                     "allcompletestubs, referencecompletestubs or referencepartial");
}

static core_rc
parse_references(core_str_t v, sdmx_structure_query_t *q, core_err_t *err)
{
    static const struct {
        const char *name;
        sdmx_references r;
    } t[] = {
        {"none", SDMX_REFS_NONE},
        {"parents", SDMX_REFS_PARENTS},
        {"parentsandsiblings", SDMX_REFS_PARENTSANDSIBLINGS},
        {"children", SDMX_REFS_CHILDREN},
        {"descendants", SDMX_REFS_DESCENDANTS},
        {"all", SDMX_REFS_ALL},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (core_str_ieq_c(v, t[i].name)) {
            q->references = t[i].r;
            return CORE_OK;
        }
    char lower[64];
    if (v.len < sizeof lower) {
        for (size_t i = 0; i < v.len; i++)
            lower[i] = (char)(v.ptr[i] >= 'A' && v.ptr[i] <= 'Z' ? v.ptr[i] + 32 : v.ptr[i]);
        uint32_t kinds = kinds_of_resource((core_str_t){lower, v.len});
        if (kinds != 0 && !core_str_eq_c((core_str_t){lower, v.len}, "structure")) {
            q->references = SDMX_REFS_KIND;
            q->ref_kinds = kinds;
            return CORE_OK;
        }
    }
    return core_fail(err, CORE_ESYNTAX,
                     "the value of references is not valid; use none, parents, "
                     "parentsandsiblings, children, descendants, all, or a structure type such "
                     "as codelist");
}

typedef core_rc (*param_fn)(core_arena_t *a, core_str_t name, core_str_t value,
                           sdmx_query_t *out, core_err_t *err);

/* Calls fn for each name=value of the query string, both URL-decoded, until one fails. */
static core_rc
each_param(core_arena_t *a, core_str_t query, param_fn fn, sdmx_query_t *out, core_err_t *err)
{
    while (query.ptr != NULL && query.len > 0) {
        core_str_t pair;
        query = core_str_split(query, '&', &pair);
        if (pair.len == 0)
            continue;
        core_str_t name, value = core_str_split(pair, '=', &name);
        core_rc rc = fn(a, core_str_urldecode(a, name, 1), core_str_urldecode(a, value, 1), out,
                        err);
        if (rc != CORE_OK)
            return rc;
    }
    return CORE_OK;
}

static core_rc
structure_param(core_arena_t *a, core_str_t name, core_str_t value, sdmx_query_t *out,
                core_err_t *err)
{
    (void)a;
    if (core_str_eq_c(name, "detail"))
        return parse_detail(value, &out->structure.detail, err);
    if (core_str_eq_c(name, "references"))
        return parse_references(value, &out->structure, err);
    if (core_str_eq_c(name, "format")) {
        out->format = value;
        return CORE_OK;
    }
    if (name.len > 0 && name.ptr[0] == '_')
        return CORE_OK; /* cache busters that browser clients add */
    char q[SDMX_QUOTE_MAX];
    return core_fail(err, CORE_ESYNTAX,
                     "unknown parameter '%s'; structure queries take detail and references",
                     QUOTE_NAME(q, name));
}

static core_rc
parse_structure_path(core_arena_t *a, core_str_t *seg, size_t nseg, sdmx_structure_query_t *q,
                     core_err_t *err)
{
    core_rc rc;
    core_str_t agency = nseg > 1 ? seg[1] : CORE_STR_NULL;
    core_str_t id = nseg > 2 ? seg[2] : CORE_STR_NULL;
    core_str_t version = nseg > 3 ? seg[3] : CORE_STR("latest");
    core_str_t item = nseg > 4 ? seg[4] : CORE_STR_NULL;
    if ((rc = parse_list(a, agency, "agency id", agency_char, &q->agencies, err)) != CORE_OK ||
        (rc = parse_list(a, id, "resource id", id_char, &q->ids, err)) != CORE_OK)
        return rc;
    if (core_str_eq_c(version, "latest") || version.len == 0) {
        q->latest = 1;
    } else if ((rc = parse_list(a, version, "version", version_char, &q->versions, err)) !=
               CORE_OK) {
        return rc;
    }
    if ((rc = parse_list(a, item, "item id", id_char, &q->items, err)) != CORE_OK)
        return rc;
    if (q->items.n > 0 && !is_item_scheme_set(q->kinds))
        return core_fail(err, CORE_ESYNTAX,
                         "an item id can only be given for item schemes (codelist, "
                         "conceptscheme, categoryscheme, agencyscheme, ...), not for %.*s",
                         CORE_STR_FMT(seg[0]));
    return CORE_OK;
}

/* flowRef: ID, AGENCY,ID or AGENCY,ID,VERSION ("all" and "latest" allowed). */
static core_rc
parse_flow_ref(core_str_t s, sdmx_data_query_t *d, core_err_t *err)
{
    core_str_t parts[3];
    size_t n = 0;
    while (s.ptr != NULL && n < 3) {
        s = core_str_split(s, ',', &parts[n]);
        n++;
    }
    if (s.ptr != NULL || n == 0)
        return core_fail(err, CORE_ESYNTAX, "a flowRef is ID, AGENCY,ID or AGENCY,ID,VERSION");
    d->flow = n == 1 ? parts[0] : parts[1];
    d->agency = n >= 2 && !core_str_eq_c(parts[0], "all") ? parts[0] : CORE_STR_NULL;
    d->version = n == 3 && !core_str_eq_c(parts[2], "latest") ? parts[2] : CORE_STR_NULL;
    char q[SDMX_QUOTE_MAX];
    for (size_t i = 0; i < d->flow.len; i++)
        if (!id_char(d->flow.ptr[i], i))
            return core_fail(err, CORE_ESYNTAX, "'%s' is not a valid dataflow id",
                             QUOTE_PATH(q, d->flow));
    if (d->flow.len == 0)
        return core_fail(err, CORE_ESYNTAX, "the flowRef names no dataflow");
    return CORE_OK;
}

/* A key: positions separated by '.', each empty (any) or codes joined by '+'. */
static core_rc
parse_key(core_arena_t *a, core_str_t s, sdmx_data_query_t *d, core_err_t *err)
{
    if (s.len == 0 || core_str_eq_c(s, "all"))
        return CORE_OK;
    size_t n = 1;
    for (size_t i = 0; i < s.len; i++)
        n += s.ptr[i] == '.';
    if (n > DSD_MAX_DIMS)
        return core_fail(err, CORE_ETOOBIG, "a key of %zu positions", n);
    d->key = core_arena_zalloc(a, n * sizeof *d->key);
    d->nkey = n;
    for (size_t i = 0; i < n; i++) {
        core_str_t part;
        s = core_str_split(s, '.', &part);
        if (part.len == 0)
            continue;
        core_rc rc = parse_list(a, part, "key value", id_char, &d->key[i], err);
        if (rc != CORE_OK)
            return rc;
    }
    return CORE_OK;
}

/* providerRef: AGENCY,ID or ID (an agency id, then a provider id) */
static int
provider_char(char c, size_t pos)
{
    return c == ',' ? pos > 0 : agency_char(c, pos);
}

static core_rc
check_providers(const sdmx_strlist_t *l, core_err_t *err)
{
    for (size_t i = 0; i < l->n; i++) {
        core_str_t head, after = core_str_split(l->v[i], ',', &head);
        char q[SDMX_QUOTE_MAX];
        if (after.ptr != NULL && (after.len == 0 || memchr(after.ptr, ',', after.len)))
            return core_fail(err, CORE_ESYNTAX,
                             "'%s' is not a providerRef: AGENCY,PROVIDER or PROVIDER",
                             QUOTE_PATH(q, l->v[i]));
    }
    return CORE_OK;
}

/* The {flowRef}/{key}/{providerRef} that data and availability queries share. */
static core_rc
parse_flow_key_provider(core_arena_t *a, core_str_t *seg, size_t nseg, sdmx_data_query_t *d,
                        core_err_t *err)
{
    core_rc rc = parse_flow_ref(seg[1], d, err);
    if (rc == CORE_OK && nseg > 2)
        rc = parse_key(a, seg[2], d, err);
    if (rc == CORE_OK && nseg > 3)
        rc = parse_list(a, seg[3], "provider", provider_char, &d->providers, err);
    if (rc == CORE_OK)
        rc = check_providers(&d->providers, err);
    return rc;
}

static core_rc
parse_u64_param(core_str_t name, core_str_t value, uint64_t *out, core_err_t *err)
{
    if (core_parse_u64(value, out, NULL) != CORE_OK || *out == 0)
        return core_fail(err, CORE_ESYNTAX, "%.*s takes a positive whole number",
                         CORE_STR_FMT(name));
    return CORE_OK;
}

/* updatedAfter=2024 or 2024-01, as some clients send: the start of that year or month
 * (a date, 2024-01-31, core_time_parse reads already). */
static core_rc
updated_after_period(core_str_t value, int64_t *out)
{
    int ok = value.len == 4 || (value.len == 7 && value.ptr[4] == '-');
    for (size_t i = 0; ok && i < value.len; i++)
        ok = i == 4 || (value.ptr[i] >= '0' && value.ptr[i] <= '9');
    if (!ok)
        return CORE_ESYNTAX;
    return dsd_period_parse_bound(value, 0, out, NULL);
}

/* startPeriod, endPeriod: the period parser's message quotes the value, so it is not passed on. */
static core_rc
parse_period_param(core_str_t name, core_str_t value, int is_end, int64_t *out, core_err_t *err)
{
    core_err_t e = {0};
    if (dsd_period_parse_bound(value, is_end, out, &e) == CORE_OK)
        return CORE_OK;
    return core_fail(err, e.code == CORE_OK ? CORE_ESYNTAX : e.code,
                     "%.*s takes an SDMX time period, such as 2020, 2020-S1, 2020-Q1, 2020-01, "
                     "2020-W05 or 2020-01-31",
                     CORE_STR_FMT(name));
}

static core_rc
data_param(core_arena_t *a, core_str_t name, core_str_t value, sdmx_query_t *out,
           core_err_t *err)
{
    sdmx_data_query_t *d = &out->data;
    (void)a;
    if (core_str_eq_c(name, "startPeriod"))
        return parse_period_param(name, value, 0, &d->start, err);
    if (core_str_eq_c(name, "endPeriod"))
        return parse_period_param(name, value, 1, &d->end, err);
    if (core_str_eq_c(name, "firstNObservations"))
        return parse_u64_param(name, value, &d->first_n, err);
    if (core_str_eq_c(name, "lastNObservations"))
        return parse_u64_param(name, value, &d->last_n, err);
    if (core_str_eq_c(name, "dimensionAtObservation")) {
        d->dim_at_obs = value;
        return CORE_OK;
    }
    if (core_str_eq_c(name, "updatedAfter")) {
        int64_t t;
        core_err_t e = {0}; /* its message quotes the value */
        if (core_time_parse(value, &t, &e) != CORE_OK &&
            updated_after_period(value, &t) != CORE_OK)
            return core_fail(err, CORE_ESYNTAX, "updatedAfter takes an ISO 8601 date-time, such "
                             "as 2024-01-31T12:00:00Z, a date, a year or a month (2024, "
                             "2024-01), or an HTTP date");
        d->updated_after = t * 1000000; /* microseconds, as commits are stamped */
        return t > 0 ? CORE_OK : core_fail(err, CORE_ESYNTAX, "updatedAfter before 1970");
    }
    if (core_str_eq_c(name, "includeHistory")) {
        d->include_history = core_str_eq_c(value, "true");
        return d->include_history || core_str_eq_c(value, "false")
                   ? CORE_OK
                   : core_fail(err, CORE_ESYNTAX, "includeHistory takes true or false");
    }
    if (core_str_eq_c(name, "detail")) {
        static const char *const names[] = {"full", "dataonly", "serieskeysonly", "nodata"};
        for (size_t i = 0; i < 4; i++)
            if (core_str_ieq_c(value, names[i])) {
                d->detail = (sdmx_data_detail)i;
                return CORE_OK;
            }
        return core_fail(err, CORE_ESYNTAX,
                         "the value of detail is not valid for data; use full, dataonly, "
                         "serieskeysonly or nodata");
    }
    if (core_str_eq_c(name, "format")) {
        out->format = value;
        return CORE_OK;
    }
    if (name.len > 0 && name.ptr[0] == '_')
        return CORE_OK;
    char q[SDMX_QUOTE_MAX];
    return core_fail(err, CORE_ESYNTAX,
                     "unknown parameter '%s'; data queries take startPeriod, endPeriod, "
                     "firstNObservations, lastNObservations, dimensionAtObservation, detail, "
                     "updatedAfter and includeHistory",
                     QUOTE_NAME(q, name));
}

static core_rc
parse_data(core_arena_t *a, core_str_t *seg, size_t nseg, core_str_t query, sdmx_query_t *out,
           core_err_t *err)
{
    sdmx_data_query_t *d = &out->data;
    d->start = INT64_MIN;
    d->end = INT64_MAX;
    if (nseg < 2)
        return core_fail(err, CORE_ESYNTAX, "a data query names a dataflow: /data/{flowRef}");
    if (nseg > 4)
        return core_fail(err, CORE_ESYNTAX,
                         "too many path segments: a data query is /data/{flowRef}/{key}/{providerRef}");
    core_rc rc = parse_flow_key_provider(a, seg, nseg, d, err);
    if (rc == CORE_OK)
        rc = each_param(a, query, data_param, out, err);
    if (rc == CORE_OK && d->start >= d->end)
        rc = core_fail(err, CORE_ESYNTAX, "startPeriod is after endPeriod");
    return rc;
}

static core_rc
availability_param(core_arena_t *a, core_str_t name, core_str_t value, sdmx_query_t *out,
                   core_err_t *err)
{
    if (core_str_eq_c(name, "mode")) {
        if (!core_str_eq_c(value, "exact") && !core_str_eq_c(value, "available"))
            return core_fail(err, CORE_ESYNTAX,
                             "the value of mode is not valid; use exact or available");
        out->availability.available = core_str_eq_c(value, "available");
        return CORE_OK;
    }
    if (core_str_eq_c(name, "references")) {
        /* none, all (every structure the constraint leans on), or one structure type */
        sdmx_structure_query_t *r = &out->availability.refs;
        if (core_str_eq_c(value, "all")) {
            r->references = SDMX_REFS_DESCENDANTS;
            return CORE_OK;
        }
        core_rc rc = parse_references(value, r, err);
        if (rc == CORE_OK && r->references != SDMX_REFS_NONE && r->references != SDMX_REFS_KIND)
            rc = core_fail(err, CORE_ESYNTAX,
                           "the value of references is not valid for availability; use none, "
                           "all or a structure type such as codelist");
        return rc;
    }
    if (core_str_eq_c(name, "startPeriod") || core_str_eq_c(name, "endPeriod") ||
        core_str_eq_c(name, "format") || (name.len > 0 && name.ptr[0] == '_'))
        return data_param(a, name, value, out, err);
    char q[SDMX_QUOTE_MAX];
    return core_fail(err, CORE_ESYNTAX,
                     "unknown parameter '%s'; availability queries take mode, references, "
                     "startPeriod and endPeriod",
                     QUOTE_NAME(q, name));
}

static core_rc
parse_availability(core_arena_t *a, core_str_t *seg, size_t nseg, core_str_t query,
                   sdmx_query_t *out, core_err_t *err)
{
    sdmx_data_query_t *d = &out->data;
    d->start = INT64_MIN;
    d->end = INT64_MAX;
    if (nseg < 2 || nseg > 5)
        return core_fail(err, CORE_ESYNTAX,
                         "an availability query is "
                         "/availableconstraint/{flowRef}/{key}/{providerRef}/{componentID}");
    core_rc rc = parse_flow_key_provider(a, seg, nseg, d, err);
    if (nseg > 4)
        out->availability.component = seg[4];
    if (rc == CORE_OK)
        rc = each_param(a, query, availability_param, out, err);
    if (rc == CORE_OK && d->start >= d->end)
        rc = core_fail(err, CORE_ESYNTAX, "startPeriod is after endPeriod");
    out->availability.data = *d;
    return rc;
}

/* ---- /schema/{context}/{agencyID}/{resourceID}/{version} ---------------------------------- */

/* Ids longer than this are refused before they are looked up. */
#define SCHEMA_ID_MAX 255

/* Whether s (not NUL-terminated) matches the 2.1 pattern p and is not too long. */
static int
schema_id_ok(core_arena_t *a, sdmx_id_pattern p, core_str_t s)
{
    return s.len > 0 && s.len <= SCHEMA_ID_MAX && memchr(s.ptr, '\0', s.len) == NULL &&
           sdmx__id_matches(p, core_arena_printf(a, "%.*s", CORE_STR_FMT(s)));
}

static core_rc
schema_param(core_arena_t *a, core_str_t name, core_str_t value, sdmx_query_t *out,
             core_err_t *err)
{
    sdmx_schema_query_t *q = &out->schema;
    if (core_str_eq_c(name, "dimensionAtObservation")) {
        if (!core_str_eq_c(value, "AllDimensions") && !schema_id_ok(a, SDMX_PAT_NCNAME, value))
            return core_fail(err, CORE_ESYNTAX,
                             "the value of dimensionAtObservation is not valid; use the id of "
                             "a dimension or AllDimensions");
        q->dim_at_obs = value;
        return CORE_OK;
    }
    if (core_str_eq_c(name, "explicitMeasure")) {
        if (!core_str_eq_c(value, "true") && !core_str_eq_c(value, "false"))
            return core_fail(err, CORE_ESYNTAX,
                             "the value of explicitMeasure is not valid; use true or false");
        q->explicit_measure = core_str_eq_c(value, "true");
        return CORE_OK;
    }
    if (core_str_eq_c(name, "format")) {
        out->format = value;
        return CORE_OK;
    }
    if (name.len > 0 && name.ptr[0] == '_')
        return CORE_OK;
    char quoted[SDMX_QUOTE_MAX];
    return core_fail(err, CORE_ESYNTAX,
                     "unknown parameter '%s'; schema queries take dimensionAtObservation and "
                     "explicitMeasure",
                     QUOTE_NAME(quoted, name));
}

static core_rc
parse_schema(core_arena_t *a, core_str_t *seg, size_t nseg, core_str_t query, sdmx_query_t *out,
             core_err_t *err)
{
    sdmx_schema_query_t *q = &out->schema;
    if (nseg < 4 || nseg > 5)
        return core_fail(err, CORE_ESYNTAX,
                         "a schema query is /schema/{context}/{agencyID}/{resourceID}/{version}");
    if (core_str_eq_c(seg[1], "datastructure"))
        q->context = DSD_KIND_DATASTRUCTURE;
    else if (core_str_eq_c(seg[1], "dataflow"))
        q->context = DSD_KIND_DATAFLOW;
    else if (core_str_eq_c(seg[1], "provisionagreement"))
        q->context = DSD_KIND_PROVISIONAGREEMENT;
    else if (core_str_eq_c(seg[1], "metadatastructure") || core_str_eq_c(seg[1], "metadataflow"))
        return core_fail(err, CORE_ENOTIMPL, "schemas of reference metadata are not written yet");
    else
        return core_fail(err, CORE_ESYNTAX,
                         "the context of a schema query is datastructure, dataflow or "
                         "provisionagreement");
    char quoted[SDMX_QUOTE_MAX];
    if (!schema_id_ok(a, SDMX_PAT_NESTED_NCNAME, seg[2]))
        return core_fail(err, CORE_ESYNTAX, "'%s' is not an agency id",
                         QUOTE_PATH(quoted, seg[2]));
    if (!schema_id_ok(a, SDMX_PAT_ID, seg[3]))
        return core_fail(err, CORE_ESYNTAX, "'%s' is not an SDMX id", QUOTE_PATH(quoted, seg[3]));
    q->agency = seg[2];
    q->id = seg[3];
    if (nseg == 5 && !core_str_eq_c(seg[4], "latest")) {
        if (!schema_id_ok(a, SDMX_PAT_VERSION, seg[4]))
            return core_fail(err, CORE_ESYNTAX, "'%s' is not a version (1.0) nor latest",
                             QUOTE_PATH(quoted, seg[4]));
        q->version = seg[4];
    }
    return each_param(a, query, schema_param, out, err);
}

core_rc
sdmx_query_parse(core_arena_t *a, core_str_t path, core_str_t query, sdmx_query_t *out,
                 core_err_t *err)
{
    memset(out, 0, sizeof *out);
    core_str_t seg[8];
    size_t nseg = 0;
    while (path.len > 0 && path.ptr[0] == '/') {
        path.ptr++;
        path.len--;
    }
    while (path.len > 0 && path.ptr[path.len - 1] == '/')
        path.len--;
    while (path.ptr != NULL && path.len > 0) {
        if (nseg == sizeof seg / sizeof seg[0])
            return core_fail(err, CORE_ESYNTAX, "too many path segments");
        core_str_t s;
        path = core_str_split(path, '/', &s);
        seg[nseg++] = core_str_urldecode(a, s, 0);
    }
    if (nseg == 0)
        return core_fail(err, CORE_ENOTFOUND, "no resource in the path; try /rest/dataflow");
    out->resource = seg[0];
    if (core_str_eq_c(seg[0], "data"))
        out->type = SDMX_QUERY_DATA;
    else if (core_str_eq_c(seg[0], "availableconstraint"))
        out->type = SDMX_QUERY_AVAILABILITY;
    else if (core_str_eq_c(seg[0], "schema"))
        out->type = SDMX_QUERY_SCHEMA;
    else if (core_str_eq_c(seg[0], "metadata"))
        out->type = SDMX_QUERY_METADATA;
    else
        out->type = SDMX_QUERY_STRUCTURE;
    if (out->type == SDMX_QUERY_DATA)
        return parse_data(a, seg, nseg, query, out, err);
    if (out->type == SDMX_QUERY_AVAILABILITY)
        return parse_availability(a, seg, nseg, query, out, err);
    if (out->type == SDMX_QUERY_SCHEMA)
        return parse_schema(a, seg, nseg, query, out, err);
    if (out->type != SDMX_QUERY_STRUCTURE)
        return core_fail(err, CORE_ENOTIMPL, "%.*s queries are not implemented yet",
                         CORE_STR_FMT(seg[0]));
    sdmx_structure_query_t *q = &out->structure;
    q->kinds = kinds_of_resource(seg[0]);
    if (core_str_eq_c(seg[0], "allowedconstraint") || core_str_eq_c(seg[0], "actualconstraint")) {
        /* REST 1.3: the content constraints of one type */
        q->kinds = 1u << DSD_KIND_CONTENTCONSTRAINT;
        q->constraint_type = seg[0].ptr[1] == 'l' ? "Allowed" : "Actual";
    }
    char quoted[SDMX_QUOTE_MAX];
    if (q->kinds == 0)
        return core_fail(err, CORE_ENOTFOUND,
                         "'%s' is not an SDMX 2.1 resource; structure resources are "
                         "codelist, conceptscheme, datastructure, dataflow, ...",
                         QUOTE_PATH(quoted, seg[0]));
    if (nseg > 5)
        return core_fail(err, CORE_ESYNTAX,
                         "too many path segments: a structure query is "
                         "/{resource}/{agencyID}/{resourceID}/{version}/{itemID}");
    core_rc rc = parse_structure_path(a, seg, nseg, q, err);
    if (rc != CORE_OK)
        return rc;
    return each_param(a, query, structure_param, out, err);
}
