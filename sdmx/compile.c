#include <config.h>
#include "sdmx_int.h"

#include <stdlib.h>
#include <string.h>

int
sdmx__ref_child(const xmlNode *holder, dsd_kind kind, dsd_ref_t *out, const char **item)
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
    if (ci == NULL || !sdmx__ref_child(ci, DSD_KIND_CONCEPTSCHEME, &scheme, &concept) || !concept)
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
        if (en != NULL && sdmx__ref_child(en, DSD_KIND_CODELIST, &c->codelist, &item))
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

static dsd_ref_t
ref_copy(core_arena_t *a, const dsd_ref_t *r)
{
    return (dsd_ref_t){r->kind, core_arena_str(a, r->agency), core_arena_str(a, r->id),
                       core_arena_str(a, r->version)};
}

static long
long_attr(const xmlNode *n, const char *name, long dflt)
{
    const char *v = sdmx__attr(n, name);
    uint64_t x;
    return v && core_parse_u64(core_str_c(v), &x, NULL) == CORE_OK && x < 1000000000 ? (long)x
                                                                                      : dflt;
}

static int
double_attr(const xmlNode *n, const char *name, double *out)
{
    const char *v = sdmx__attr(n, name);
    char *end;
    if (v == NULL)
        return 0;
    *out = strtod(v, &end);
    return *end == '\0' && end != v;
}

static void
read_text_format(core_arena_t *a, const xmlNode *tf, dsd_text_format_t *f)
{
    f->type = dup_attr(a, tf, "textType");
    f->min_length = long_attr(tf, "minLength", -1);
    f->max_length = long_attr(tf, "maxLength", -1);
    f->decimals = (int)long_attr(tf, "decimals", -1);
    f->pattern = dup_attr(a, tf, "pattern");
    f->has_min = double_attr(tf, "minValue", &f->min_value);
    f->has_max = double_attr(tf, "maxValue", &f->max_value);
}

static void
read_component(reg_view_t *v, core_arena_t *a, const xmlNode *el, dsd_component_t *c)
{
    memset(c, 0, sizeof *c);
    c->codelist.kind = DSD_KIND_NONE;
    c->concepts.kind = DSD_KIND_NONE;
    c->id = dup_attr(a, el, "id");
    const xmlNode *cid = sdmx__child(el, "ConceptIdentity");
    const char *concept;
    dsd_ref_t cs;
    if (cid != NULL && sdmx__ref_child(cid, DSD_KIND_CONCEPTSCHEME, &cs, &concept) && concept) {
        c->concepts = ref_copy(a, &cs);
        c->concepts.kind = DSD_KIND_CONCEPTSCHEME;
        c->concept = core_arena_strndup(a, concept, strlen(concept));
    }
    const xmlNode *lr = sdmx__child(el, "LocalRepresentation");
    const xmlNode *en = sdmx__child(lr, "Enumeration");
    const xmlNode *tf = sdmx__child(lr, "TextFormat");
    const char *item;
    dsd_ref_t cl;
    if (en != NULL && sdmx__ref_child(en, DSD_KIND_CODELIST, &cl, &item)) {
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
    c->format.min_length = c->format.max_length = -1;
    c->format.decimals = -1;
    if (tf != NULL) {
        c->text_type = dup_attr(a, tf, "textType");
        read_text_format(a, tf, &c->format);
    }
    if (c->id == NULL) /* 2.1 lets the concept give the id */
        c->id = c->concept;
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

/* A Group: its id and the dimensions its GroupDimensions reference. */
static void
read_group(core_arena_t *a, const xmlNode *el, const dsd_structure_t *s, dsd_group_t *g)
{
    g->id = dup_attr(a, el, "id");
    g->mask = 0;
    for (const xmlNode *c = el->children; c != NULL; c = c->next) {
        const xmlNode *r = sdmx__child(sdmx__child(c, "DimensionReference"), "Ref");
        const char *id = sdmx__is(c, "GroupDimension") && r != NULL ? sdmx__attr(r, "id") : NULL;
        int d = id ? dsd_structure_dim(s, core_str_c(id)) : -1;
        if (d >= 0 && d < 64)
            g->mask |= UINT64_C(1) << d;
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
    out->dsd = ref_copy(a, ref); /* the result may outlive the caller's strings (cache) */
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
    out->groups = core_arena_zalloc(a, (count_children(comps, "Group") + 1) * sizeof *out->groups);
    for (const xmlNode *c = comps ? comps->children : NULL; c != NULL; c = c->next)
        if (sdmx__is(c, "Group"))
            read_group(a, c, out, &out->groups[out->ngroups++]);
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

static int
cmp_name(const void *pa, const void *pb)
{
    return strcmp(((const sdmx_name_t *)pa)->id, ((const sdmx_name_t *)pb)->id);
}

static const char *
best_name(core_arena_t *a, const xmlNode *item, const dsd_langpref_t *pref)
{
    const char *langs[32], *texts[32];
    size_t n = 0;
    for (const xmlNode *c = item->children; c != NULL && n < 32; c = c->next) {
        if (!sdmx__is(c, "Name"))
            continue;
        xmlChar *lang = xmlNodeGetLang(c);
        xmlChar *text = xmlNodeGetContent(c);
        langs[n] = core_arena_strndup(a, lang ? (const char *)lang : "en",
                                      lang ? strlen((const char *)lang) : 2);
        texts[n] = core_arena_strndup(a, text ? (const char *)text : "",
                                      text ? strlen((const char *)text) : 0);
        xmlFree(lang);
        xmlFree(text);
        n++;
    }
    int i = dsd_langpref_pick(pref, langs, n);
    return i >= 0 ? texts[i] : NULL;
}

static void
collect_names(core_arena_t *a, const xmlNode *node, const char *item, const dsd_langpref_t *pref,
              core_vec_t *out, int depth)
{
    for (const xmlNode *c = node->children; c != NULL; c = c->next) {
        if (!sdmx__is(c, item) || sdmx__attr(c, "id") == NULL)
            continue;
        sdmx_name_t *nm = core_arena_alloc(a, sizeof *nm);
        nm->id = sdmx__attr(c, "id");
        nm->name = best_name(a, c, pref);
        core_vec_push(a, out, nm);
        if (depth < 16)
            collect_names(a, c, item, pref, out, depth + 1); /* nested categories */
    }
}

core_rc
sdmx__item_names(reg_view_t *v, core_arena_t *a, const dsd_ref_t *scheme,
                 const dsd_langpref_t *pref, sdmx_name_t **out, size_t *n, core_err_t *err)
{
    *out = NULL;
    *n = 0;
    reg_artefact_t art;
    core_err_t e = {0};
    const dsd_kind_info_t *ki = dsd_kind_info(scheme->kind);
    if (ki == NULL || ki->item == NULL || reg_artefact_get(v, scheme, &art, &e) != CORE_OK)
        return CORE_OK; /* names are a courtesy: without them, ids stand alone */
    xmlNode *el = sdmx__parse_stored(a, art.xml, err);
    if (el == NULL)
        return CORE_EBUG;
    core_vec_t names = {0};
    collect_names(a, el, ki->item, pref, &names, 0);
    *out = core_arena_alloc(a, (names.len + 1) * sizeof **out);
    for (size_t i = 0; i < names.len; i++)
        (*out)[i] = *(sdmx_name_t *)names.items[i];
    *n = names.len;
    qsort(*out, *n, sizeof **out, cmp_name);
    return CORE_OK;
}

const char *
sdmx__name_of(const sdmx_name_t *names, size_t n, core_str_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = core_str_cmp(core_str_c(names[mid].id), id);
        if (c == 0)
            return names[mid].name;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* ---- allowed content constraints ---------------------------------------------------------- */

static int
cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
read_region(core_arena_t *a, const xmlNode *el, const char *item, int include, dsd_region_t *r)
{
    size_t n = 0;
    for (const xmlNode *c = el->children; c != NULL; c = c->next)
        n += sdmx__is(c, item);
    r->include = include;
    r->ids = core_arena_zalloc(a, (n + 1) * sizeof *r->ids);
    r->values = core_arena_zalloc(a, (n + 1) * sizeof *r->values);
    r->nvalues = core_arena_zalloc(a, (n + 1) * sizeof *r->nvalues);
    for (const xmlNode *c = el->children; c != NULL; c = c->next) {
        if (!sdmx__is(c, item) || sdmx__attr(c, "id") == NULL)
            continue;
        size_t nv = 0;
        for (const xmlNode *v = c->children; v != NULL; v = v->next)
            nv += sdmx__is(v, "Value");
        r->ids[r->n] = sdmx__attr(c, "id");
        r->values[r->n] = core_arena_zalloc(a, (nv + 1) * sizeof **r->values);
        for (const xmlNode *v = c->children; v != NULL; v = v->next) {
            if (!sdmx__is(v, "Value"))
                continue;
            xmlChar *t = xmlNodeGetContent(v);
            r->values[r->n][r->nvalues[r->n]++] =
                core_arena_strndup(a, (const char *)t, strlen((const char *)t));
            xmlFree(t);
        }
        qsort(r->values[r->n], r->nvalues[r->n], sizeof **r->values, cmp_cstr);
        r->n++;
    }
}

static int
truthy(const char *v, int dflt)
{
    return v == NULL ? dflt : strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
}

static void
read_constraint(core_arena_t *a, const xmlNode *cc, dsd_constraint_t *out)
{
    size_t nr = 0, nk = 0;
    for (const xmlNode *c = cc->children; c != NULL; c = c->next) {
        nr += sdmx__is(c, "CubeRegion");
        if (sdmx__is(c, "DataKeySet"))
            for (const xmlNode *k = c->children; k != NULL; k = k->next)
                nk += sdmx__is(k, "Key");
    }
    out->regions = core_arena_zalloc(a, (nr + 1) * sizeof *out->regions);
    out->keys = core_arena_zalloc(a, (nk + 1) * sizeof *out->keys);
    for (const xmlNode *c = cc->children; c != NULL; c = c->next) {
        if (sdmx__is(c, "CubeRegion")) {
            read_region(a, c, "KeyValue", truthy(sdmx__attr(c, "include"), 1),
                        &out->regions[out->nregions++]);
        } else if (sdmx__is(c, "DataKeySet") && truthy(sdmx__attr(c, "isIncluded"), 1)) {
            for (const xmlNode *k = c->children; k != NULL; k = k->next)
                if (sdmx__is(k, "Key"))
                    read_region(a, k, "KeyValue", 1, &out->keys[out->nkeys++]);
        }
    }
}

core_rc
sdmx_constraints_for(reg_view_t *v, core_arena_t *a, const dsd_ref_t *targets, size_t ntargets,
                     dsd_constraint_t **out, size_t *n, core_err_t *err)
{
    core_vec_t seen = {0}, found = {0};
    for (size_t t = 0; t < ntargets; t++) {
        core_vec_t parents = {0};
        core_str_t owner = sdmx__rules_owner(v, a, &targets[t]);
        if (owner.ptr == NULL)
            continue;
        core_rc rc = reg_refs_parents(v, &targets[t], &parents, err);
        if (rc != CORE_OK)
            return rc;
        for (size_t i = 0; i < parents.len; i++) {
            const dsd_ref_t *p = parents.items[i];
            int dup = 0;
            for (size_t j = 0; j < seen.len && !dup; j++)
                dup = dsd_ref_eq(seen.items[j], p);
            reg_artefact_t art;
            core_err_t e = {0};
            /* another agency's constraint on this target counts for nothing (it may still
             * count for a later target that agency owns) */
            if (dup || p->kind != DSD_KIND_CONTENTCONSTRAINT || !core_str_eq(p->agency, owner) ||
                reg_artefact_get(v, p, &art, &e) != CORE_OK)
                continue;
            core_vec_push(a, &seen, (void *)p);
            xmlNode *el = sdmx__parse_stored(a, art.xml, err);
            if (el == NULL)
                return CORE_EBUG;
            const char *type = sdmx__attr(el, "type");
            if (type == NULL || strcmp(type, "Allowed") != 0)
                continue;
            dsd_constraint_t *c = core_arena_zalloc(a, sizeof *c);
            c->label = dsd_ref_label(a, p);
            read_constraint(a, el, c);
            core_vec_push(a, &found, c);
        }
    }
    *out = core_arena_alloc(a, (found.len + 1) * sizeof **out);
    for (size_t i = 0; i < found.len; i++)
        (*out)[i] = *(dsd_constraint_t *)found.items[i];
    *n = found.len;
    return CORE_OK;
}

static core_rc
build_structure(reg_view_t *v, core_arena_t *a, const void *arg, void **value, size_t *n,
                core_err_t *err)
{
    dsd_structure_t *s = core_arena_zalloc(a, sizeof *s);
    core_rc rc = sdmx_structure_compile(v, a, arg, s, err);
    *value = s;
    *n = 1;
    return rc;
}

core_rc
sdmx__structure_cached(sdmx_cache_t *c, reg_view_t *v, core_arena_t *a, const dsd_ref_t *ref,
                       const dsd_structure_t **out, core_err_t *err)
{
    const char *key = core_arena_printf(a, "dsd %s", dsd_ref_label(a, ref));
    void *value;
    size_t n;
    core_rc rc = sdmx__cache_get(c, v, a, key, build_structure, ref, &value, &n, err);
    if (rc == CORE_OK)
        *out = value;
    return rc;
}
