#include <config.h>
#include "sdmx/sdmx_int.h"

#include <string.h>

/* /availableconstraint: an Actual content constraint computed from the stored data, listing
 * for each dimension the codes present in the series that match the key (mode=exact), or
 * the codes that remain selectable for a dimension when its own key position is left open
 * (mode=available), the time range covered, and the number of observations. */

struct avail {
    core_arena_t *a;
    const sdmx__plan_t *plan; /* the query over the registry: its cube, providerRef */
    size_t ndims;
    uint8_t **seen;    /* per dimension, a bitmap over code ids */
    size_t *seen_cap;  /* bytes in each bitmap */
    int64_t start, end; /* time range seen */
    uint64_t nobs;
};

static void
mark(struct avail *s, size_t d, uint32_t id)
{
    size_t byte = id / 8;
    if (byte >= s->seen_cap[d]) {
        size_t ncap = s->seen_cap[d] ? s->seen_cap[d] : 64;
        while (ncap <= byte)
            ncap *= 2;
        uint8_t *n = core_arena_zalloc(s->a, ncap);
        if (s->seen_cap[d])
            memcpy(n, s->seen[d], s->seen_cap[d]);
        s->seen[d] = n;
        s->seen_cap[d] = ncap;
    }
    s->seen[d][byte] |= (uint8_t)(1u << (id % 8));
}

/* Walks the series passing f; marks dimension only (or all when only == SIZE_MAX) and,
 * when counting, the time range and observations inside [from, to). */
static core_rc
walk(struct avail *s, const store_key_filter_t *f, size_t only, int count, int64_t from, int64_t to,
     core_err_t *err)
{
    store_series_iter_t *it;
    store_series_t ser;
    core_rc rc = store_series_iter_new(s->plan->cube, f, &it, err);
    while (rc == CORE_OK && (rc = store_series_iter_next(it, &ser, err)) == CORE_OK) {
        int theirs;
        if ((rc = sdmx__plan_provider_matches(s->plan, ser.ids, &theirs, err)) != CORE_OK)
            return rc;
        if (!theirs)
            continue;
        store_obs_t o;
        uint64_t n = 0;
        for (rc = store_obs_first(it, from, to, &o, err); rc == CORE_OK;
             rc = store_obs_next(it, &o, err)) {
            if (count) {
                s->start = n == 0 && s->nobs == 0 ? o.start : (o.start < s->start ? o.start : s->start);
                s->end = o.end > s->end ? o.end : s->end;
                s->nobs++;
            }
            n++;
        }
        if (rc != CORE_ENOTFOUND)
            return rc;
        rc = CORE_OK;
        if (n == 0)
            continue;
        for (size_t d = 0; d < s->ndims; d++)
            if (only == SIZE_MAX || only == d)
                mark(s, d, ser.ids[d]);
    }
    return rc == CORE_ENOTFOUND ? CORE_OK : rc;
}

static void
write_period(core_buf_t *out, const char *el, int64_t t)
{
    char iso[32];
    core_time_iso(t, iso);
    iso[19] = '\0'; /* xs:dateTime, UTC */
    core_buf_printf(out, "<com:%s isInclusive=\"true\">%s</com:%s>", el, iso, el);
}

/* An XML attribute; every value goes through core_buf_add_xml, ids included. */
static void
add_attr(core_buf_t *out, const char *name, core_str_t value)
{
    core_buf_addc(out, ' ');
    core_buf_adds(out, name);
    core_buf_adds(out, "=\"");
    core_buf_add_xml(out, value.ptr, value.len);
    core_buf_addc(out, '"');
}

static void
write_constraint(struct avail *s, core_buf_t *out, const dsd_ref_t *flow,
                 const dsd_structure_t *dsd, size_t only, const sdmx_availability_query_t *q)
{
    core_buf_adds(out, "<str:ContentConstraint");
    add_attr(out, "agencyID", flow->agency);
    core_buf_adds(out, " id=\"CC_AVAILABILITY\" version=\"1.0\" "
                       "isExternalReference=\"false\" isFinal=\"false\" type=\"Actual\">");
    core_buf_printf(out,
                    "<com:Annotations><com:Annotation id=\"obs_count\"><com:AnnotationTitle>%llu"
                    "</com:AnnotationTitle><com:AnnotationType>sdmx_metrics</com:AnnotationType>"
                    "</com:Annotation></com:Annotations>",
                    (unsigned long long)s->nobs);
    core_buf_adds(out, "<com:Name xml:lang=\"en\">Data available in ");
    core_buf_add_xml(out, flow->id.ptr, flow->id.len);
    core_buf_printf(out, " (mode %s)</com:Name>", q->available ? "available" : "exact");
    core_buf_adds(out, "<str:ConstraintAttachment><str:Dataflow><Ref");
    add_attr(out, "agencyID", flow->agency);
    add_attr(out, "id", flow->id);
    add_attr(out, "version", flow->version);
    core_buf_adds(out, " class=\"Dataflow\" package=\"datastructure\"/></str:Dataflow>"
                       "</str:ConstraintAttachment><str:CubeRegion include=\"true\">");
    for (size_t d = 0; d < s->ndims; d++) {
        if (only != SIZE_MAX && only != d)
            continue;
        core_buf_adds(out, "<com:KeyValue");
        add_attr(out, "id", core_str_c(dsd->dims[d].id));
        core_buf_addc(out, '>');
        for (size_t byte = 0; byte < s->seen_cap[d]; byte++)
            for (unsigned bit = 0; bit < 8; bit++)
                if (s->seen[d][byte] & (1u << bit)) {
                    core_str_t code = store_cube_code(s->plan->cube, d, (uint32_t)(byte * 8 + bit));
                    core_buf_adds(out, "<com:Value>");
                    core_buf_add_xml(out, code.ptr, code.len);
                    core_buf_adds(out, "</com:Value>");
                }
        core_buf_adds(out, "</com:KeyValue>");
    }
    if (s->nobs > 0 && (only == SIZE_MAX || only == s->ndims)) {
        core_buf_adds(out, "<com:KeyValue");
        add_attr(out, "id", core_str_c(dsd->time.id ? dsd->time.id : "TIME_PERIOD"));
        core_buf_adds(out, "><com:TimeRange>");
        write_period(out, "StartPeriod", s->start);
        write_period(out, "EndPeriod", s->end - 1);
        core_buf_adds(out, "</com:TimeRange></com:KeyValue>");
    }
    core_buf_adds(out, "</str:CubeRegion></str:ContentConstraint>");
}

/* The component to report: SIZE_MAX for all, ndims for the time dimension. */
static core_rc
component_index(core_arena_t *a, const dsd_structure_t *dsd, core_str_t id, size_t *out,
                core_err_t *err)
{
    *out = SIZE_MAX;
    if (id.len == 0 || core_str_eq_c(id, "all"))
        return CORE_OK;
    int d = dsd_structure_dim(dsd, id);
    if (d >= 0) {
        *out = (size_t)d;
        return CORE_OK;
    }
    if (dsd->time.id && core_str_eq_c(id, dsd->time.id)) {
        *out = dsd->ndims;
        return CORE_OK;
    }
    char q[SDMX_QUOTE_MAX];
    return core_fail(err, CORE_ESYNTAX, "%s is not a dimension of %s",
                     sdmx_quote(q, sizeof q, id, SDMX_QUOTE_PATH), dsd_ref_label(a, &dsd->dsd));
}

static int
by_kind(const void *pa, const void *pb)
{
    const sdmx_result_item_t *a = pa, *b = pb;
    return (int)a->art.ref.kind - (int)b->art.ref.kind;
}

/* The constraint, and the structures that references= asks for: the dataflow and what it
 * uses (all), or those of one type; in the order an SDMX-ML Structure message lists them. */
static core_rc
with_references(store_view_t *v, core_arena_t *a, const sdmx_availability_query_t *q,
                const dsd_ref_t *flow, const store_artefact_t *constraint, sdmx_result_t *out,
                core_err_t *err)
{
    sdmx_result_t refs = {0};
    if (q->refs.references != SDMX_REFS_NONE) {
        sdmx_structure_query_t sq = q->refs;
        sq.kinds = 1u << DSD_KIND_DATAFLOW;
        sq.agencies = (sdmx_strlist_t){(core_str_t *)&flow->agency, 1};
        sq.ids = (sdmx_strlist_t){(core_str_t *)&flow->id, 1};
        sq.versions = (sdmx_strlist_t){(core_str_t *)&flow->version, 1};
        core_rc rc = sdmx_structure_resolve(v, a, &sq, &refs, err);
        if (rc != CORE_OK)
            return rc;
    }
    out->items = core_arena_zalloc(a, (refs.n + 1) * sizeof *out->items);
    out->n = 0;
    for (size_t i = 0; i < refs.n; i++) {
        int is_flow = refs.items[i].art.ref.kind == DSD_KIND_DATAFLOW;
        /* a type asked for alone: the dataflow itself is only the starting point */
        if (is_flow && q->refs.references == SDMX_REFS_KIND &&
            !(q->refs.ref_kinds & (1u << DSD_KIND_DATAFLOW)))
            continue;
        out->items[out->n++] = refs.items[i];
    }
    out->items[out->n].art = *constraint;
    out->items[out->n].show = SDMX_SHOW_FULL;
    out->n++;
    /* stable for equal kinds: insertion keeps the resolver's order */
    for (size_t i = 1; i < out->n; i++)
        for (size_t j = i; j > 0 && by_kind(&out->items[j - 1], &out->items[j]) > 0; j--) {
            sdmx_result_item_t t = out->items[j];
            out->items[j] = out->items[j - 1];
            out->items[j - 1] = t;
        }
    return CORE_OK;
}

core_rc
sdmx_availability_write_xml(store_view_t *v, core_arena_t *a, const sdmx_availability_query_t *q,
                            const sdmx_header_t *h, core_buf_t *out, core_err_t *err)
{
    sdmx__plan_t p;
    /* the planner resolves the dataflow, its DSD and the key filter, and finds 404s */
    core_rc rc;
    if ((rc = sdmx__plan_structure(v, a, &q->data, &p, err)) != CORE_OK ||
        (rc = sdmx__plan_cube(v, &p, err)) != CORE_OK)
        return rc;
    struct avail s = {.a = a, .plan = &p, .ndims = p.dsd.ndims};
    s.seen = core_arena_zalloc(a, s.ndims * sizeof *s.seen);
    s.seen_cap = core_arena_zalloc(a, s.ndims * sizeof *s.seen_cap);
    if ((rc = walk(&s, p.filter, SIZE_MAX, 1, q->data.start, q->data.end, err)) != CORE_OK)
        return rc;
    /* a data query would show no series: every series with an observation in the periods
     * counts one (availability takes no updatedAfter) */
    if (s.nobs == 0)
        return core_fail(err, CORE_ENOTFOUND, "no data matches the query");
    size_t only;
    if ((rc = component_index(a, &p.dsd, q->component, &only, err)) != CORE_OK)
        return rc;
    if (q->available && p.filter != NULL) {
        /* a dimension's choices are what the other positions of the key leave open */
        for (size_t d = 0; d < s.ndims; d++) {
            if (only != SIZE_MAX && only != d)
                continue;
            store_key_filter_t relaxed = *p.filter;
            relaxed.n = core_arena_alloc(a, s.ndims * sizeof *relaxed.n);
            memcpy(relaxed.n, p.filter->n, s.ndims * sizeof *relaxed.n);
            relaxed.n[d] = SIZE_MAX;
            rc = walk(&s, &relaxed, d, 0, q->data.start, q->data.end, err);
            if (rc != CORE_OK)
                return rc;
        }
    }
    core_buf_t cc;
    core_buf_init(&cc);
    write_constraint(&s, &cc, &p.flow, &p.dsd, only, q);
    store_artefact_t art = {
        .ref = {DSD_KIND_CONTENTCONSTRAINT, p.flow.agency, CORE_STR("CC_AVAILABILITY"),
                CORE_STR("1.0")},
        .xml = core_arena_str(a, (core_str_t){cc.ptr, cc.len}),
    };
    core_buf_dispose(&cc);
    sdmx_result_t res;
    if ((rc = with_references(v, a, q, &p.flow, &art, &res, err)) != CORE_OK)
        return rc;
    return sdmx_structure_write_xml(out, a, &res, h, err);
}
