#include <config.h>
#include "sdmx/sdmx_int.h"

#include <string.h>

/* What referencepartial needs to know of the matched artefacts: the components of their
 * DSDs (component id, codelist, concept) and the values their allowed constraints allow. */
struct component {
    const char *id;
    dsd_ref_t codelist; /* kind DSD_KIND_NONE when not coded */
    dsd_ref_t scheme;   /* concept scheme of the concept identity */
    const char *concept;
};

struct allowed {
    const char *component;
    const char *value;
    int include;
};

struct partial {
    core_arena_t *a;
    store_view_t *v;
    core_vec_t components; /* struct component * */
    core_vec_t allowed;    /* struct allowed * */
    core_vec_t seen;       /* dsd_ref_t * already read */
};

static int
seen_before(struct partial *p, const dsd_ref_t *ref)
{
    for (size_t i = 0; i < p->seen.len; i++)
        if (dsd_ref_eq(p->seen.items[i], ref))
            return 1;
    dsd_ref_t *copy = core_arena_alloc(p->a, sizeof *copy);
    *copy = *ref;
    core_vec_push(p->a, &p->seen, copy);
    return 0;
}

static int
ref_of(const xmlNode *holder, dsd_kind kind, dsd_ref_t *out, const char **item)
{
    const xmlNode *r = sdmx__child(holder, "Ref");
    *item = NULL;
    if (r == NULL || sdmx__attr(r, "agencyID") == NULL)
        return 0;
    const char *parent = sdmx__attr(r, "maintainableParentID");
    out->kind = kind;
    out->agency = core_str_c(sdmx__attr(r, "agencyID"));
    if (parent != NULL) {
        const char *pv = sdmx__attr(r, "maintainableParentVersion");
        out->id = core_str_c(parent);
        out->version = core_str_c(pv ? pv : "1.0");
        *item = sdmx__attr(r, "id");
    } else {
        const char *ver = sdmx__attr(r, "version");
        out->id = core_str_c(sdmx__attr(r, "id") ? sdmx__attr(r, "id") : "");
        out->version = core_str_c(ver ? ver : "1.0");
    }
    return 1;
}

static void
read_component(struct partial *p, const xmlNode *el)
{
    struct component *c = core_arena_zalloc(p->a, sizeof *c);
    c->id = sdmx__attr(el, "id");
    c->codelist.kind = DSD_KIND_NONE;
    c->scheme.kind = DSD_KIND_NONE;
    const char *item;
    const xmlNode *enumr = sdmx__child(sdmx__child(el, "LocalRepresentation"), "Enumeration");
    if (enumr != NULL && !ref_of(enumr, DSD_KIND_CODELIST, &c->codelist, &item))
        c->codelist.kind = DSD_KIND_NONE;
    const xmlNode *ci = sdmx__child(el, "ConceptIdentity");
    if (ci != NULL && ref_of(ci, DSD_KIND_CONCEPTSCHEME, &c->scheme, &c->concept)) {
        if (c->id == NULL)
            c->id = c->concept;
    } else {
        c->scheme.kind = DSD_KIND_NONE;
    }
    if (c->id != NULL)
        core_vec_push(p->a, &p->components, c);
}

/* The components of a DSD, or of a metadata structure (its targets and its metadata
 * attributes, which nest). */
static void
read_components(struct partial *p, const xmlNode *node, int depth)
{
    static const char *const kinds[] = {
        "Dimension", "TimeDimension", "MeasureDimension", "Attribute", "PrimaryMeasure",
        "MetadataAttribute", "IdentifiableObjectTarget", "DimensionDescriptorValuesTarget",
        "DataSetTarget", "ConstraintContentTarget", "ReportPeriodTarget"};
    for (const xmlNode *c = node->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        int is_component = 0;
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
            is_component |= sdmx__is(c, kinds[i]);
        if (is_component && sdmx__attr(c, "id") != NULL)
            read_component(p, c);
        if (is_component ? sdmx__is(c, "MetadataAttribute") && depth < 32 : depth < 4)
            read_components(p, c, depth + 1);
    }
}

static void
read_constraint(struct partial *p, const xmlNode *cc)
{
    const char *type = sdmx__attr(cc, "type");
    if (type == NULL || strcmp(type, "Allowed") != 0)
        return;
    for (const xmlNode *cr = cc->children; cr != NULL; cr = cr->next) {
        if (!sdmx__is(cr, "CubeRegion"))
            continue;
        const char *inc = sdmx__attr(cr, "include");
        int include = inc == NULL || strcmp(inc, "true") == 0 || strcmp(inc, "1") == 0;
        for (const xmlNode *kv = cr->children; kv != NULL; kv = kv->next) {
            if (!sdmx__is(kv, "KeyValue") && !sdmx__is(kv, "Attribute"))
                continue;
            for (const xmlNode *val = kv->children; val != NULL; val = val->next) {
                if (!sdmx__is(val, "Value"))
                    continue;
                struct allowed *al = core_arena_alloc(p->a, sizeof *al);
                al->component = sdmx__attr(kv, "id");
                xmlChar *t = xmlNodeGetContent(val);
                al->value = core_arena_strndup(p->a, (const char *)t, strlen((const char *)t));
                xmlFree(t);
                al->include = include;
                if (al->component != NULL)
                    core_vec_push(p->a, &p->allowed, al);
            }
        }
    }
}

/* Reads art (and, for dataflows, metadataflows and provision agreements, what they are
 * built on) and the allowed constraints attached to each. The walk goes down only: a DSD's
 * other dataflows, and the constraints on them, say nothing of this artefact. */
static core_rc
read_context(struct partial *p, const dsd_ref_t *ref, int depth, core_err_t *err)
{
    if (depth > 3 || seen_before(p, ref))
        return CORE_OK;
    store_artefact_t art;
    core_err_t e = {0};
    if (store_artefact_get(p->v, ref, &art, &e) != CORE_OK)
        return CORE_OK;
    xmlNode *el = sdmx__parse_stored(p->a, art.xml, err);
    if (el == NULL)
        return CORE_EBUG;
    if (ref->kind == DSD_KIND_DATASTRUCTURE || ref->kind == DSD_KIND_METADATASTRUCTURE)
        read_components(p, el, 0);
    core_vec_t rel = {0};
    core_rc rc;
    if ((rc = store_refs_parents(p->v, ref, &rel, err)) != CORE_OK)
        return rc;
    /* only the constraints of the agency whose rules count for ref narrow it (the same
     * rule as validation: sdmx_constraints_for) */
    core_str_t owner = reg_rules_owner(p->v, p->a, ref);
    for (size_t i = 0; i < rel.len; i++) {
        dsd_ref_t *r = rel.items[i];
        if (r->kind != DSD_KIND_CONTENTCONSTRAINT || owner.ptr == NULL ||
            !core_str_eq(r->agency, owner) || seen_before(p, r))
            continue;
        store_artefact_t c;
        if (store_artefact_get(p->v, r, &c, &e) != CORE_OK)
            continue;
        xmlNode *cel = sdmx__parse_stored(p->a, c.xml, err);
        if (cel == NULL)
            return CORE_EBUG;
        read_constraint(p, cel);
    }
    if (ref->kind != DSD_KIND_DATAFLOW && ref->kind != DSD_KIND_METADATAFLOW &&
        ref->kind != DSD_KIND_PROVISIONAGREEMENT)
        return CORE_OK;
    core_vec_t kids = {0};
    if ((rc = store_refs_children(p->v, ref, &kids, err)) != CORE_OK)
        return rc;
    for (size_t i = 0; i < kids.len; i++) {
        dsd_ref_t *r = kids.items[i];
        if ((r->kind == DSD_KIND_DATASTRUCTURE || r->kind == DSD_KIND_DATAFLOW ||
             r->kind == DSD_KIND_METADATASTRUCTURE || r->kind == DSD_KIND_METADATAFLOW) &&
            (rc = read_context(p, r, depth + 1, err)) != CORE_OK)
            return rc;
    }
    return CORE_OK;
}

static void
keep_value(core_arena_t *a, core_vec_t *keep, const char *value)
{
    for (size_t i = 0; i < keep->len; i++)
        if (strcmp(keep->items[i], value) == 0)
            return;
    core_vec_push(a, keep, (void *)value);
}

static int
excluded(struct partial *p, const char *component, const char *value)
{
    for (size_t i = 0; i < p->allowed.len; i++) {
        struct allowed *al = p->allowed.items[i];
        if (!al->include && strcmp(al->component, component) == 0 && strcmp(al->value, value) == 0)
            return 1;
    }
    return 0;
}

/* Codes of a codelist that the constraints allow for the components it codes; returns 0
 * (and keeps the codelist whole) when no constraint speaks of those components. */
static int
allowed_codes(struct partial *p, const dsd_ref_t *cl, core_vec_t *keep)
{
    int constrained = 0;
    for (size_t i = 0; i < p->components.len; i++) {
        struct component *c = p->components.items[i];
        if (c->codelist.kind == DSD_KIND_NONE || !dsd_ref_eq(&c->codelist, cl))
            continue;
        for (size_t j = 0; j < p->allowed.len; j++) {
            struct allowed *al = p->allowed.items[j];
            if (!al->include || strcmp(al->component, c->id) != 0)
                continue;
            constrained = 1;
            if (!excluded(p, c->id, al->value))
                keep_value(p->a, keep, al->value);
        }
    }
    return constrained;
}

static void
used_concepts(struct partial *p, const dsd_ref_t *scheme, core_vec_t *keep)
{
    for (size_t i = 0; i < p->components.len; i++) {
        struct component *c = p->components.items[i];
        if (c->scheme.kind != DSD_KIND_NONE && c->concept != NULL &&
            dsd_ref_eq(&c->scheme, scheme))
            keep_value(p->a, keep, c->concept);
    }
}

static void
set_keep(core_arena_t *a, sdmx_result_item_t *it, const core_vec_t *keep)
{
    it->filtered = 1;
    it->nkeep = keep->len;
    it->keep = core_arena_alloc(a, (keep->len + 1) * sizeof *it->keep);
    for (size_t i = 0; i < keep->len; i++)
        it->keep[i] = core_str_c(keep->items[i]);
}

core_rc
sdmx__reference_partial(store_view_t *v, core_arena_t *a, sdmx_result_item_t *matched,
                        size_t nmatched, sdmx_result_item_t *refs, size_t nrefs, core_err_t *err)
{
    struct partial p = {.a = a, .v = v};
    for (size_t i = 0; i < nmatched; i++) {
        core_rc rc = read_context(&p, &matched[i].art.ref, 0, err);
        if (rc != CORE_OK)
            return rc;
    }
    for (size_t i = 0; i < nrefs; i++) {
        sdmx_result_item_t *it = &refs[i];
        core_vec_t keep = {0};
        if (it->art.ref.kind == DSD_KIND_CODELIST) {
            if (allowed_codes(&p, &it->art.ref, &keep))
                set_keep(a, it, &keep);
        } else if (it->art.ref.kind == DSD_KIND_CONCEPTSCHEME) {
            used_concepts(&p, &it->art.ref, &keep);
            if (keep.len > 0)
                set_keep(a, it, &keep);
        }
    }
    return CORE_OK;
}
