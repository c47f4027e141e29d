#include <config.h>
#include "sdmx.h"

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
        for (size_t i = 0; i < part.len; i++)
            if (!ok(part.ptr[i], i))
                return core_fail(err, CORE_ESYNTAX,
                                 "'%.*s' is not a valid %s (character '%c' is not allowed)",
                                 CORE_STR_FMT(part), what, part.ptr[i]);
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
                     "detail=%.*s is not valid; use full, allstubs, referencestubs, "
                     "allcompletestubs, referencecompletestubs or referencepartial",
                     CORE_STR_FMT(v));
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
                     "references=%.*s is not valid; use none, parents, parentsandsiblings, "
                     "children, descendants, all, or a structure type such as codelist",
                     CORE_STR_FMT(v));
}

static core_rc
parse_params(core_arena_t *a, core_str_t query, sdmx_query_t *out, core_err_t *err)
{
    while (query.ptr != NULL && query.len > 0) {
        core_str_t pair;
        query = core_str_split(query, '&', &pair);
        if (pair.len == 0)
            continue;
        core_str_t name, value = core_str_split(pair, '=', &name);
        name = core_str_urldecode(a, name, 1);
        value = core_str_urldecode(a, value, 1);
        core_rc rc = CORE_OK;
        if (core_str_eq_c(name, "detail"))
            rc = parse_detail(value, &out->structure.detail, err);
        else if (core_str_eq_c(name, "references"))
            rc = parse_references(value, &out->structure, err);
        else if (core_str_eq_c(name, "format"))
            out->format = value;
        else if (name.len > 0 && name.ptr[0] == '_')
            continue; /* cache busters that browser clients add */
        else
            rc = core_fail(err, CORE_ESYNTAX,
                           "unknown parameter '%.*s'; structure queries take detail and "
                           "references",
                           CORE_STR_FMT(name));
        if (rc != CORE_OK)
            return rc;
    }
    return CORE_OK;
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
    if (out->type != SDMX_QUERY_STRUCTURE)
        return core_fail(err, CORE_ENOTIMPL, "%.*s queries are not implemented yet",
                         CORE_STR_FMT(seg[0]));
    sdmx_structure_query_t *q = &out->structure;
    q->kinds = kinds_of_resource(seg[0]);
    if (q->kinds == 0)
        return core_fail(err, CORE_ENOTFOUND,
                         "'%.*s' is not an SDMX 2.1 resource; structure resources are "
                         "codelist, conceptscheme, datastructure, dataflow, ...",
                         CORE_STR_FMT(seg[0]));
    if (nseg > 5)
        return core_fail(err, CORE_ESYNTAX,
                         "too many path segments: a structure query is "
                         "/{resource}/{agencyID}/{resourceID}/{version}/{itemID}");
    core_rc rc = parse_structure_path(a, seg, nseg, q, err);
    if (rc != CORE_OK)
        return rc;
    return parse_params(a, query, out, err);
}
