#include <config.h>
#include "sdmx_int.h"

#include <string.h>

/* Reads a Ref (or URN) child of holder as a maintainable reference; *item gets the item id
 * of an item reference. Returns 0 when holder has neither. */
static int
ref_child(const xmlNode *holder, dsd_kind kind, dsd_ref_t *out, const char **item)
{
    *item = NULL;
    const xmlNode *r = sdmx__child(holder, "Ref");
    if (r != NULL && sdmx__attr(r, "agencyID") != NULL) {
        const char *parent = sdmx__attr(r, "maintainableParentID");
        const char *ver = sdmx__attr(r, parent ? "maintainableParentVersion" : "version");
        out->kind = kind;
        out->agency = core_str_c(sdmx__attr(r, "agencyID"));
        out->id = core_str_c(parent ? parent : sdmx__attr(r, "id"));
        out->version = core_str_c(ver ? ver : "1.0");
        *item = parent ? sdmx__attr(r, "id") : NULL;
        return out->id.ptr != NULL;
    }
    const xmlNode *u = sdmx__child(holder, "URN");
    if (u != NULL && u->children != NULL && u->children->content != NULL) {
        core_str_t urn = core_str_c((const char *)u->children->content);
        if (dsd_ref_parse_urn(urn, out, NULL) != CORE_OK)
            return 0;
        const char *dot = strrchr(urn.ptr, ')');
        *item = dot && dot[1] == '.' ? dot + 2 : NULL;
        return 1;
    }
    return 0;
}

/* The codelist of a concept's core representation, for components that do not say. */
static void
concept_codelist(reg_view_t *v, core_arena_t *a, const xmlNode *comp, dsd_component_t *c)
{
    dsd_ref_t scheme;
    const char *concept;
    const xmlNode *ci = sdmx__child(comp, "ConceptIdentity");
    if (ci == NULL || !ref_child(ci, DSD_KIND_CONCEPTSCHEME, &scheme, &concept) || !concept)
        return;
    reg_artefact_t art;
    core_err_t e = {0};
    if (reg_artefact_get(v, &scheme, &art, &e) != CORE_OK)
        return;
    xmlNode *cs = sdmx__parse_stored(a, art.xml, &e);
    for (xmlNode *n = cs ? cs->children : NULL; n != NULL; n = n->next) {
        const char *id = sdmx__is(n, "Concept") ? sdmx__attr(n, "id") : NULL;
        if (id == NULL || strcmp(id, concept) != 0)
            continue;
        const xmlNode *en = sdmx__child(sdmx__child(n, "CoreRepresentation"), "Enumeration");
        const char *item;
        if (en != NULL && ref_child(en, DSD_KIND_CODELIST, &c->codelist, &item))
            c->codelist.kind = DSD_KIND_CODELIST;
        return;
    }
}

static char *
dup_attr(core_arena_t *a, const xmlNode *n, const char *name)
{
    const char *v = sdmx__attr(n, name);
    return v ? core_arena_strndup(a, v, strlen(v)) : NULL;
}

static void
read_component(reg_view_t *v, core_arena_t *a, const xmlNode *el, dsd_component_t *c)
{
    memset(c, 0, sizeof *c);
    c->codelist.kind = DSD_KIND_NONE;
    c->id = dup_attr(a, el, "id");
    const xmlNode *lr = sdmx__child(el, "LocalRepresentation");
    const xmlNode *en = sdmx__child(lr, "Enumeration");
    const xmlNode *tf = sdmx__child(lr, "TextFormat");
    const char *item;
    dsd_ref_t cl;
    if (en != NULL && ref_child(en, DSD_KIND_CODELIST, &cl, &item)) {
        c->codelist = cl;
        c->codelist.kind = DSD_KIND_CODELIST;
        c->codelist.agency = core_arena_str(a, cl.agency);
        c->codelist.id = core_arena_str(a, cl.id);
        c->codelist.version = core_arena_str(a, cl.version);
    } else if (en == NULL && tf == NULL) {
        concept_codelist(v, a, el, c);
        if (c->codelist.kind != DSD_KIND_NONE) {
            c->codelist.agency = core_arena_str(a, c->codelist.agency);
            c->codelist.id = core_arena_str(a, c->codelist.id);
            c->codelist.version = core_arena_str(a, c->codelist.version);
        }
    }
    if (tf != NULL)
        c->text_type = dup_attr(a, tf, "textType");
    if (c->id == NULL) { /* 2.1 lets the concept give the id */
        dsd_ref_t cs;
        const xmlNode *ci = sdmx__child(el, "ConceptIdentity");
        if (ci != NULL && ref_child(ci, DSD_KIND_CONCEPTSCHEME, &cs, &item) && item)
            c->id = core_arena_strndup(a, item, strlen(item));
    }
}

static void
read_attribute(reg_view_t *v, core_arena_t *a, const xmlNode *el, dsd_component_t *c)
{
    read_component(v, a, el, c);
    const char *status = sdmx__attr(el, "assignmentStatus");
    c->mandatory = status != NULL && strcmp(status, "Mandatory") == 0;
    const xmlNode *rel = sdmx__child(el, "AttributeRelationship");
    c->attach = DSD_ATTACH_DATASET;
    if (sdmx__child(rel, "PrimaryMeasure") != NULL) {
        c->attach = DSD_ATTACH_OBS;
    } else if (sdmx__child(rel, "Dimension") != NULL) {
        c->attach = DSD_ATTACH_SERIES;
    } else if (sdmx__child(rel, "Group") != NULL) {
        c->attach = DSD_ATTACH_GROUP;
        const xmlNode *r = sdmx__child(sdmx__child(rel, "Group"), "Ref");
        c->group = r ? dup_attr(a, r, "id") : NULL;
    }
}

static size_t
count_children(const xmlNode *n, const char *local)
{
    size_t k = 0;
    for (const xmlNode *c = n ? n->children : NULL; c != NULL; c = c->next)
        k += sdmx__is(c, local);
    return k;
}

core_rc
sdmx_structure_compile(reg_view_t *v, core_arena_t *a, const dsd_ref_t *ref, dsd_structure_t *out,
                       core_err_t *err)
{
    reg_artefact_t art;
    core_rc rc = reg_artefact_get(v, ref, &art, err);
    if (rc != CORE_OK)
        return rc;
    if (art.is_stub)
        return core_fail(err, CORE_ESEMANTIC, "%s is only a stub in the store",
                         dsd_ref_label(a, ref));
    xmlNode *el = sdmx__parse_stored(a, art.xml, err);
    if (el == NULL)
        return CORE_EBUG;
    memset(out, 0, sizeof *out);
    out->dsd = *ref;
    const xmlNode *comps = sdmx__child(el, "DataStructureComponents");
    const xmlNode *dl = sdmx__child(comps, "DimensionList");
    const xmlNode *al = sdmx__child(comps, "AttributeList");
    const xmlNode *ml = sdmx__child(comps, "MeasureList");
    size_t nd = count_children(dl, "Dimension") + count_children(dl, "MeasureDimension");
    out->dims = core_arena_zalloc(a, (nd + 1) * sizeof *out->dims);
    for (const xmlNode *c = dl ? dl->children : NULL; c != NULL; c = c->next) {
        if (sdmx__is(c, "Dimension") || sdmx__is(c, "MeasureDimension"))
            read_component(v, a, c, &out->dims[out->ndims++]);
        else if (sdmx__is(c, "TimeDimension"))
            read_component(v, a, c, &out->time);
    }
    const xmlNode *pm = sdmx__child(ml, "PrimaryMeasure");
    if (pm != NULL)
        read_component(v, a, pm, &out->measure);
    size_t na = count_children(al, "Attribute");
    out->attrs = core_arena_zalloc(a, (na + 1) * sizeof *out->attrs);
    for (const xmlNode *c = al ? al->children : NULL; c != NULL; c = c->next)
        if (sdmx__is(c, "Attribute"))
            read_attribute(v, a, c, &out->attrs[out->nattrs++]);
    if (out->ndims == 0 || out->measure.id == NULL)
        return core_fail(err, CORE_ESEMANTIC, "%s has no dimension or no primary measure",
                         dsd_ref_label(a, ref));
    return CORE_OK;
}

core_rc
sdmx_flow_structure(reg_view_t *v, core_arena_t *a, const dsd_ref_t *flow, dsd_ref_t *dsd,
                    core_err_t *err)
{
    core_vec_t kids = {0};
    reg_artefact_t art;
    core_rc rc = reg_artefact_get(v, flow, &art, err);
    if (rc != CORE_OK)
        return rc;
    if ((rc = reg_refs_children(v, flow, &kids, err)) != CORE_OK)
        return rc;
    for (size_t i = 0; i < kids.len; i++) {
        dsd_ref_t *k = kids.items[i];
        if (k->kind == DSD_KIND_DATASTRUCTURE) {
            *dsd = *k;
            return CORE_OK;
        }
    }
    return core_fail(err, CORE_ESEMANTIC, "%s names no data structure", dsd_ref_label(a, flow));
}
