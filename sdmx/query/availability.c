#include <config.h>
#include "sdmx/sdmx_int.h"

#include <libxml/tree.h>
#include <stdlib.h>
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
write_constraint(struct avail *s, core_buf_t *out, const char *id, core_str_t version,
                 const dsd_ref_t *flow, const dsd_structure_t *dsd, size_t only,
                 const sdmx_availability_query_t *q)
{
    core_buf_adds(out, "<str:ContentConstraint");
    add_attr(out, "agencyID", flow->agency);
    add_attr(out, "id", core_str_c(id));
    add_attr(out, "version", version);
    core_buf_adds(out, " isExternalReference=\"false\" isFinal=\"false\" type=\"Actual\">");
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

/* ---- the item schemes that come with references=, cut to what the constraint uses ---- */

static void
keep_code(core_arena_t *a, core_vec_t *keep, const char *id)
{
    for (size_t i = 0; i < keep->len; i++)
        if (strcmp(keep->items[i], id) == 0)
            return;
    core_vec_push(a, keep, (void *)id);
}

/* A codelist's codes sorted by id, each with its parent (NULL for a top code) and whether
 * the cut keeps it: the codes with data bring their ancestors along in time n log n. */
struct code {
    const char *id, *parent;
    int keep;
};

static int
by_id(const void *pa, const void *pb)
{
    return strcmp(((const struct code *)pa)->id, ((const struct code *)pb)->id);
}

static struct code *
code_find(struct code *codes, size_t n, const char *id)
{
    struct code key = {.id = id};
    return id != NULL ? bsearch(&key, codes, n, sizeof *codes, by_id) : NULL;
}

static size_t
read_codes(core_arena_t *a, const xmlNode *el, struct code **out)
{
    size_t n = 0, cap = 0;
    *out = NULL;
    for (const xmlNode *c = el->children; c != NULL; c = c->next) {
        if (!sdmx__is(c, "Code") || sdmx__attr(c, "id") == NULL)
            continue;
        core_arena_grow(a, (void **)out, n, &cap, sizeof **out);
        const xmlNode *ref = sdmx__child(sdmx__child(c, "Parent"), "Ref");
        (*out)[n++] = (struct code){sdmx__attr(c, "id"), ref ? sdmx__attr(ref, "id") : NULL, 0};
    }
    if (n > 0)
        qsort(*out, n, sizeof **out, by_id);
    return n;
}

/* Marks code and its ancestors kept; a cycle of parents ends, as each is marked once. */
static void
keep_with_ancestors(struct code *codes, size_t n, struct code *c, size_t *nkept)
{
    while (c != NULL && !c->keep) {
        c->keep = 1;
        (*nkept)++;
        c = code_find(codes, n, c->parent);
    }
}

/* Cuts the codelist it to the codes the constraint lists for the dimensions it codes, and
 * their ancestors; a codelist no reported dimension uses stays whole. */
static core_rc
cut_codelist(struct avail *s, const dsd_structure_t *dsd, size_t only, sdmx_result_item_t *it,
             core_err_t *err)
{
    struct code *codes = NULL;
    size_t ncodes = 0, nkept = 0;
    for (size_t d = 0; d < s->ndims; d++) {
        if ((only != SIZE_MAX && only != d) || !dsd_ref_eq(&dsd->dims[d].codelist, &it->art.ref))
            continue;
        if (codes == NULL) {
            xmlNode *el = sdmx__parse_stored(s->a, it->art.xml, err);
            if (el == NULL)
                return CORE_EBUG;
            if ((ncodes = read_codes(s->a, el, &codes)) == 0)
                return CORE_OK;
        }
        for (size_t byte = 0; byte < s->seen_cap[d]; byte++)
            for (unsigned bit = 0; bit < 8; bit++) {
                if (!(s->seen[d][byte] & (1u << bit)))
                    continue;
                core_str_t code = store_cube_code(s->plan->cube, d, (uint32_t)(byte * 8 + bit));
                char *id = core_arena_strndup(s->a, code.ptr, code.len);
                keep_with_ancestors(codes, ncodes, code_find(codes, ncodes, id), &nkept);
            }
    }
    if (codes == NULL || nkept >= ncodes)
        return CORE_OK;
    it->filtered = 1;
    it->nkeep = 0;
    it->keep = core_arena_alloc(s->a, (nkept + 1) * sizeof *it->keep);
    for (size_t i = 0; i < ncodes; i++)
        if (codes[i].keep)
            it->keep[it->nkeep++] = core_str_c(codes[i].id);
    return CORE_OK;
}

struct scan_ctx {
    core_arena_t *a;
    core_vec_t *found; /* sdmx_result_item_t * */
};

static int
on_scheme(void *arg, const store_artefact_t *art)
{
    struct scan_ctx *c = arg;
    sdmx_result_item_t *it = core_arena_zalloc(c->a, sizeof *it);
    it->art = *art;
    core_vec_push(c->a, c->found, it);
    return 0;
}

/* Cuts the concept scheme it to the concepts of the dimensions the constraint reports (the
 * time dimension's too, as it gives the time range). */
static void
cut_concepts(struct avail *s, const dsd_structure_t *dsd, size_t only, sdmx_result_item_t *it)
{
    core_vec_t keep = {0};
    for (size_t d = 0; d <= s->ndims; d++) {
        const dsd_component_t *c = d < s->ndims ? &dsd->dims[d] : &dsd->time;
        if ((only != SIZE_MAX && only != d) || c->concept == NULL ||
            !dsd_ref_eq(&c->concepts, &it->art.ref))
            continue;
        keep_code(s->a, &keep, c->concept);
    }
    if (keep.len == 0)
        return; /* a scheme only attributes use stays whole, as their codelists do */
    it->filtered = 1;
    it->nkeep = keep.len;
    it->keep = core_arena_alloc(s->a, (keep.len + 1) * sizeof *it->keep);
    for (size_t i = 0; i < keep.len; i++)
        it->keep[i] = core_str_c(keep.items[i]);
}

/* The data provider schemes of the providers the query names (AGENCY,ID or ID, the scheme
 * being DATA_PROVIDERS of that agency or of any), cut to them, into out. */
static core_rc
provider_schemes(store_view_t *v, core_arena_t *a, const sdmx_strlist_t *providers,
                 core_vec_t *out, core_err_t *err)
{
    for (size_t i = 0; i < providers->n; i++) {
        core_str_t agency, id = core_str_split(providers->v[i], ',', &agency);
        if (id.ptr == NULL) {
            id = agency;
            agency = CORE_STR_NULL;
        }
        core_vec_t found = {0};
        struct scan_ctx ctx = {a, &found};
        core_rc rc = store_artefact_scan(v, DSD_KIND_DATAPROVIDERSCHEME, agency,
                                         CORE_STR("DATA_PROVIDERS"), on_scheme, &ctx, err);
        if (rc != CORE_OK)
            return rc;
        for (size_t j = 0; j < found.len; j++) {
            sdmx_result_item_t *it = found.items[j];
            int known = 0;
            for (size_t k = 0; k < out->len && !known; k++) {
                sdmx_result_item_t *o = out->items[k];
                if ((known = dsd_ref_eq(&o->art.ref, &it->art.ref)) != 0) {
                    core_str_t *keep = core_arena_alloc(a, (o->nkeep + 1) * sizeof *keep);
                    memcpy(keep, o->keep, o->nkeep * sizeof *keep);
                    keep[o->nkeep] = id;
                    o->keep = keep;
                    o->nkeep++;
                }
            }
            if (known)
                continue;
            it->show = SDMX_SHOW_FULL;
            it->filtered = 1;
            it->keep = core_arena_alloc(a, sizeof *it->keep);
            it->keep[0] = id;
            it->nkeep = 1;
            if (sdmx__count_items(a, it) > 0)
                core_vec_push(a, out, it);
        }
    }
    return CORE_OK;
}

/* The constraint, and the structures that references= asks for: the dataflow and what it
 * uses (all), or those of one type, item schemes cut to what the constraint uses; in the
 * order an SDMX-ML Structure message lists them. */
static core_rc
with_references(store_view_t *v, core_arena_t *a, const sdmx_availability_query_t *q,
                struct avail *s, size_t only, const store_artefact_t *constraint,
                sdmx_result_t *out, core_err_t *err)
{
    const dsd_ref_t *flow = &s->plan->flow;
    sdmx_result_t refs = {0};
    core_vec_t schemes = {0};
    if (q->refs.references != SDMX_REFS_NONE) {
        sdmx_structure_query_t sq = q->refs;
        /* what the constraint leans on is at any depth below its dataflow (the DSD's
         * codelists), unlike references=codelist on the dataflow itself */
        sq.references = SDMX_REFS_DESCENDANTS;
        sq.kinds = 1u << DSD_KIND_DATAFLOW;
        sq.agencies = (sdmx_strlist_t){(core_str_t *)&flow->agency, 1};
        sq.ids = (sdmx_strlist_t){(core_str_t *)&flow->id, 1};
        sq.versions = (sdmx_strlist_t){(core_str_t *)&flow->version, 1};
        core_rc rc = sdmx_structure_resolve(v, a, &sq, &refs, err);
        if (rc != CORE_OK)
            return rc;
        int want_providers = q->refs.references != SDMX_REFS_KIND ||
                             (q->refs.ref_kinds & (1u << DSD_KIND_DATAPROVIDERSCHEME));
        if (want_providers &&
            (rc = provider_schemes(v, a, &q->data.providers, &schemes, err)) != CORE_OK)
            return rc;
    }
    out->items = core_arena_zalloc(a, (refs.n + schemes.len + 1) * sizeof *out->items);
    out->n = 0;
    for (size_t i = 0; i < refs.n; i++) {
        /* a type asked for alone: the dataflow itself is only the starting point */
        if (q->refs.references == SDMX_REFS_KIND &&
            !(q->refs.ref_kinds & (1u << refs.items[i].art.ref.kind)))
            continue;
        sdmx_result_item_t *it = &out->items[out->n++];
        *it = refs.items[i];
        core_rc rc;
        if (it->art.ref.kind == DSD_KIND_CODELIST && it->show == SDMX_SHOW_FULL &&
            (rc = cut_codelist(s, &s->plan->dsd, only, it, err)) != CORE_OK)
            return rc;
        if (it->art.ref.kind == DSD_KIND_CONCEPTSCHEME && it->show == SDMX_SHOW_FULL)
            cut_concepts(s, &s->plan->dsd, only, it);
    }
    for (size_t i = 0; i < schemes.len; i++)
        out->items[out->n++] = *(sdmx_result_item_t *)schemes.items[i];
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

/* Computes the availability of q into s (whose plan p is), and its constraint, identified
 * as id and version in the dataflow's agency, into art; CORE_ENOTFOUND without data. */
static core_rc
avail_run(store_view_t *v, core_arena_t *a, const sdmx_availability_query_t *q, const char *id,
          core_str_t version, sdmx__plan_t *p, struct avail *s, size_t *only,
          store_artefact_t *art, core_err_t *err)
{
    /* the planner resolves the dataflow, its DSD and the key filter, and finds 404s */
    core_rc rc;
    if ((rc = sdmx__plan_structure(v, a, &q->data, p, err)) != CORE_OK ||
        (rc = sdmx__plan_cube(v, p, err)) != CORE_OK)
        return rc;
    *s = (struct avail){.a = a, .plan = p, .ndims = p->dsd.ndims};
    s->seen = core_arena_zalloc(a, s->ndims * sizeof *s->seen);
    s->seen_cap = core_arena_zalloc(a, s->ndims * sizeof *s->seen_cap);
    if ((rc = walk(s, p->filter, SIZE_MAX, 1, q->data.start, q->data.end, err)) != CORE_OK)
        return rc;
    /* a data query would show no series: every series with an observation in the periods
     * counts one (availability takes no updatedAfter) */
    if (s->nobs == 0)
        return core_fail(err, CORE_ENOTFOUND, "no data matches the query");
    if ((rc = component_index(a, &p->dsd, q->component, only, err)) != CORE_OK)
        return rc;
    if (q->available && p->filter != NULL) {
        /* a dimension's choices are what the other positions of the key leave open */
        for (size_t d = 0; d < s->ndims; d++) {
            if (*only != SIZE_MAX && *only != d)
                continue;
            store_key_filter_t relaxed = *p->filter;
            relaxed.n = core_arena_alloc(a, s->ndims * sizeof *relaxed.n);
            memcpy(relaxed.n, p->filter->n, s->ndims * sizeof *relaxed.n);
            relaxed.n[d] = SIZE_MAX;
            rc = walk(s, &relaxed, d, 0, q->data.start, q->data.end, err);
            if (rc != CORE_OK)
                return rc;
        }
    }
    core_buf_t cc;
    core_buf_init(&cc);
    write_constraint(s, &cc, id, version, &p->flow, &p->dsd, *only, q);
    *art = (store_artefact_t){
        .ref = {DSD_KIND_CONTENTCONSTRAINT, p->flow.agency, core_str_c(id), version},
        .xml = core_arena_str(a, (core_str_t){cc.ptr, cc.len}),
    };
    core_buf_dispose(&cc);
    return CORE_OK;
}

core_rc
sdmx__actual_constraint(store_view_t *v, core_arena_t *a, const dsd_ref_t *flow, const char *id,
                        store_artefact_t *out, core_err_t *err)
{
    sdmx_availability_query_t q = {
        .data = {.agency = flow->agency, .flow = flow->id, .version = flow->version,
                 .start = INT64_MIN, .end = INT64_MAX},
    };
    sdmx__plan_t p;
    struct avail s;
    size_t only;
    return avail_run(v, a, &q, id, flow->version, &p, &s, &only, out, err);
}

core_rc
sdmx_availability_write_xml(store_view_t *v, core_arena_t *a, const sdmx_availability_query_t *q,
                            const sdmx_header_t *h, core_buf_t *out, core_err_t *err)
{
    sdmx__plan_t p;
    struct avail s;
    size_t only;
    store_artefact_t art;
    sdmx_result_t res;
    core_rc rc;
    if ((rc = avail_run(v, a, q, "CC_AVAILABILITY", CORE_STR("1.0"), &p, &s, &only, &art,
                        err)) != CORE_OK ||
        (rc = with_references(v, a, q, &s, only, &art, &res, err)) != CORE_OK)
        return rc;
    return sdmx_structure_write_xml(out, a, &res, h, err);
}
