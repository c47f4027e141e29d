#include <config.h>
#include "srv.h"

#include <stdlib.h>
#include <string.h>

const char *
srv_format_media_type(srv_format f)
{
    switch (f) {
    case SRV_FMT_STRUCTURE_XML: return "application/vnd.sdmx.structure+xml;version=2.1";
    case SRV_FMT_STRUCTURE_JSON: return "application/vnd.sdmx.structure+json;version=1.0.0";
    default: return "application/octet-stream";
    }
}

/* One media range of an Accept header, with the version parameter and q. */
struct range {
    core_str_t type;
    core_str_t version;
    double q;
};

static core_str_t
param_value(core_str_t params, const char *name, int *found)
{
    *found = 0;
    while (params.ptr != NULL) {
        core_str_t p;
        params = core_str_split(params, ';', &p);
        core_str_t k, v = core_str_split(core_str_trim(p), '=', &k);
        if (v.ptr != NULL && core_str_ieq_c(core_str_trim(k), name)) {
            *found = 1;
            v = core_str_trim(v);
            if (v.len >= 2 && v.ptr[0] == '"' && v.ptr[v.len - 1] == '"')
                v = (core_str_t){v.ptr + 1, v.len - 2};
            return v;
        }
    }
    return CORE_STR_NULL;
}

static struct range
parse_range(core_str_t item)
{
    struct range r;
    core_str_t params = core_str_split(item, ';', &r.type);
    r.type = core_str_trim(r.type);
    int found;
    r.version = param_value(params, "version", &found);
    core_str_t q = param_value(params, "q", &found);
    r.q = 1;
    if (found) {
        char tmp[16];
        size_t n = q.len < sizeof tmp - 1 ? q.len : sizeof tmp - 1;
        memcpy(tmp, q.ptr, n);
        tmp[n] = '\0';
        r.q = strtod(tmp, NULL);
    }
    return r;
}

/* What a media range selects among the structure formats (SRV_FMT_NONE: nothing). */
static srv_format
structure_format_of(const struct range *r)
{
    int v_any = r->version.len == 0;
    if (core_str_ieq_c(r->type, "application/vnd.sdmx.structure+xml"))
        return v_any || core_str_eq_c(r->version, "2.1") ? SRV_FMT_STRUCTURE_XML : SRV_FMT_NONE;
    if (core_str_ieq_c(r->type, "application/vnd.sdmx.structure+json"))
        return v_any || core_str_eq_c(r->version, "1.0.0") || core_str_eq_c(r->version, "1.0")
                   ? SRV_FMT_STRUCTURE_JSON
                   : SRV_FMT_NONE;
    if (core_str_ieq_c(r->type, "application/json"))
        return SRV_FMT_STRUCTURE_JSON;
    if (core_str_ieq_c(r->type, "application/xml") || core_str_ieq_c(r->type, "text/xml") ||
        core_str_ieq_c(r->type, "*/*") || core_str_ieq_c(r->type, "application/*"))
        return SRV_FMT_STRUCTURE_XML;
    return SRV_FMT_NONE;
}

static core_rc
from_format_param(core_str_t f, srv_format *out, core_err_t *err)
{
    if (core_str_ieq_c(f, "sdmx-2.1") || core_str_ieq_c(f, "structure") ||
        core_str_ieq_c(f, "sdmx") || core_str_ieq_c(f, "xml")) {
        *out = SRV_FMT_STRUCTURE_XML;
        return CORE_OK;
    }
    if (core_str_ieq_c(f, "sdmx-json") || core_str_ieq_c(f, "json") ||
        core_str_ieq_c(f, "jsonstructure")) {
        *out = SRV_FMT_STRUCTURE_JSON;
        return CORE_OK;
    }
    return core_fail(err, CORE_ENOTACCEPT,
                     "that format= is not available for structures; use sdmx-2.1, structure, "
                     "sdmx-json or json");
}

core_rc
srv_negotiate_structure(core_str_t format_param, core_str_t accept, srv_format *out,
                        core_err_t *err)
{
    if (format_param.len > 0)
        return from_format_param(format_param, out, err);
    accept = core_str_trim(accept);
    if (accept.len == 0) {
        *out = SRV_FMT_STRUCTURE_XML;
        return CORE_OK;
    }
    srv_format best = SRV_FMT_NONE;
    double best_q = 0;
    int best_specific = 0;
    core_str_t rest = accept;
    while (rest.ptr != NULL) {
        core_str_t item;
        rest = core_str_split(rest, ',', &item);
        struct range r = parse_range(item);
        srv_format f = structure_format_of(&r);
        int specific = r.type.len > 0 && r.type.ptr[r.type.len - 1] != '*';
        /* Equal q: the first listed wins, except that a named type beats a wildcard. */
        if (f != SRV_FMT_NONE && r.q > 0 &&
            (r.q > best_q || (r.q == best_q && specific && !best_specific))) {
            best = f;
            best_q = r.q;
            best_specific = specific;
        }
    }
    char quoted[SDMX_QUOTE_MAX];
    if (best == SRV_FMT_NONE)
        return core_fail(err, CORE_ENOTACCEPT,
                         "none of the media types in Accept (%s) can be produced; structures "
                         "are available as %s and %s",
                         sdmx_quote(quoted, sizeof quoted, accept, SDMX_QUOTE_PATH),
                         srv_format_media_type(SRV_FMT_STRUCTURE_XML),
                         srv_format_media_type(SRV_FMT_STRUCTURE_JSON));
    *out = best;
    return CORE_OK;
}

int
srv_prefers_json(core_str_t format_param, core_str_t accept)
{
    srv_format f;
    sdmx_data_format df;
    core_err_t e = {0};
    if (srv_negotiate_structure(format_param, accept, &f, &e) == CORE_OK)
        return f == SRV_FMT_STRUCTURE_JSON;
    core_err_clear(&e);
    return srv_negotiate_data(format_param, accept, &df, &e) == CORE_OK && df == SDMX_DATA_JSON;
}

/* ---- data ------------------------------------------------------------------------------- */

static const struct {
    const char *type;
    const char *version; /* NULL: any */
    sdmx_data_format f;
} data_types[] = {
    {"application/vnd.sdmx.genericdata+xml", "2.1", SDMX_DATA_GENERIC},
    {"application/vnd.sdmx.generictimeseriesdata+xml", "2.1", SDMX_DATA_GENERIC_TS},
    {"application/vnd.sdmx.structurespecificdata+xml", "2.1", SDMX_DATA_SS},
    {"application/vnd.sdmx.structurespecifictimeseriesdata+xml", "2.1", SDMX_DATA_SS_TS},
    {"application/vnd.sdmx.data+csv", "1.0.0", SDMX_DATA_CSV},
    {"text/csv", NULL, SDMX_DATA_CSV},
    {"application/vnd.sdmx.data+json", "1.0.0", SDMX_DATA_JSON},
    {"application/json", NULL, SDMX_DATA_JSON},
    {"application/xml", NULL, SDMX_DATA_GENERIC},
    {"text/xml", NULL, SDMX_DATA_GENERIC},
    {"application/*", NULL, SDMX_DATA_GENERIC},
    {"*/*", NULL, SDMX_DATA_GENERIC},
};

static const struct {
    const char *alias;
    sdmx_data_format f;
} data_aliases[] = {
    {"genericdata", SDMX_DATA_GENERIC},
    {"generic", SDMX_DATA_GENERIC},
    {"sdmx-2.1", SDMX_DATA_GENERIC},
    {"generictimeseriesdata", SDMX_DATA_GENERIC_TS},
    {"structurespecificdata", SDMX_DATA_SS},
    {"compact", SDMX_DATA_SS},
    {"structurespecifictimeseriesdata", SDMX_DATA_SS_TS},
    {"csv", SDMX_DATA_CSV},
    {"csvfile", SDMX_DATA_CSV},
    {"sdmx-csv", SDMX_DATA_CSV},
    {"jsondata", SDMX_DATA_JSON},
    {"sdmx-json", SDMX_DATA_JSON},
    {"json", SDMX_DATA_JSON},
};

/* labels=both and timeFormat=normalized on an SDMX-CSV media range. */
static void
csv_params(core_str_t item, int *labels, int *normalized)
{
    core_str_t type, params = core_str_split(item, ';', &type);
    int found;
    *labels = core_str_eq_c(param_value(params, "labels", &found), "both");
    *normalized = core_str_eq_c(param_value(params, "timeFormat", &found), "normalized");
}

core_rc
srv_negotiate_data(core_str_t format_param, core_str_t accept, sdmx_data_format *out,
                   core_err_t *err)
{
    int labels, normalized;
    return srv_negotiate_data_csv(format_param, accept, out, &labels, &normalized, err);
}

core_rc
srv_negotiate_data_csv(core_str_t format_param, core_str_t accept, sdmx_data_format *out,
                       int *labels, int *normalized, core_err_t *err)
{
    *labels = *normalized = 0;
    if (format_param.len > 0) {
        for (size_t i = 0; i < sizeof data_aliases / sizeof data_aliases[0]; i++)
            if (core_str_ieq_c(format_param, data_aliases[i].alias)) {
                *out = data_aliases[i].f;
                return CORE_OK;
            }
        return core_fail(err, CORE_ENOTACCEPT,
                         "that format= is not available for data; use genericdata, "
                         "structurespecificdata, generictimeseriesdata, "
                         "structurespecifictimeseriesdata, csv or jsondata");
    }
    accept = core_str_trim(accept);
    if (accept.len == 0) {
        *out = SDMX_DATA_GENERIC;
        return CORE_OK;
    }
    double best_q = 0;
    int found = 0, best_specific = 0;
    core_str_t rest = accept;
    while (rest.ptr != NULL) {
        core_str_t item;
        rest = core_str_split(rest, ',', &item);
        struct range r = parse_range(item);
        int specific = r.type.len > 0 && r.type.ptr[r.type.len - 1] != '*';
        for (size_t i = 0; i < sizeof data_types / sizeof data_types[0]; i++) {
            if (!core_str_ieq_c(r.type, data_types[i].type))
                continue;
            if (r.version.len && data_types[i].version &&
                !core_str_eq_c(r.version, data_types[i].version))
                continue;
            if (r.q > 0 && (r.q > best_q || (r.q == best_q && specific && !best_specific))) {
                *out = data_types[i].f;
                csv_params(item, labels, normalized);
                best_q = r.q;
                best_specific = specific;
                found = 1;
            }
        }
    }
    char quoted[SDMX_QUOTE_MAX];
    if (!found)
        return core_fail(err, CORE_ENOTACCEPT,
                         "none of the media types in Accept (%s) can be produced for data; "
                         "try %s or %s",
                         sdmx_quote(quoted, sizeof quoted, accept, SDMX_QUOTE_PATH),
                         sdmx_data_format_media_type(SDMX_DATA_GENERIC),
                         sdmx_data_format_media_type(SDMX_DATA_CSV));
    return CORE_OK;
}
