#include <config.h>
#include "dsd/model.h"

#include <stdlib.h>
#include <string.h>

/* What the data side needs of a DSD and of a constraint, compiled from their models. Every
 * string of the result is copied into the caller's arena: a compiled structure is cached
 * past the snapshot its model was read from. */

static const char *
cstr(core_arena_t *a, core_str_t s)
{
    return s.ptr ? core_arena_strndup(a, s.ptr, s.len) : NULL;
}

static dsd_ref_t
ref_copy(core_arena_t *a, dsd_kind kind, const dsd_ref_t *r)
{
    return (dsd_ref_t){kind, core_arena_str(a, r->agency), core_arena_str(a, r->id),
                       core_arena_str(a, r->version)};
}

static long
to_long(core_str_t s, long dflt)
{
    uint64_t x;
    return s.ptr && core_parse_u64(s, &x, NULL) == CORE_OK && x < 1000000000 ? (long)x : dflt;
}

static int
to_double(core_arena_t *a, core_str_t s, double *out)
{
    if (s.ptr == NULL)
        return 0;
    const char *c = cstr(a, s);
    char *end;
    *out = strtod(c, &end);
    return *end == '\0' && end != c;
}

static core_rc
compile_format(core_arena_t *a, const dsd_m_format_t *m, dsd_text_format_t *f, core_err_t *err)
{
    f->type = cstr(a, m->text_type);
    f->min_length = to_long(m->min_length, -1);
    f->max_length = to_long(m->max_length, -1);
    f->decimals = (int)to_long(m->decimals, -1);
    f->pattern = cstr(a, m->pattern);
    f->has_min = to_double(a, m->min_value, &f->min_value);
    f->has_max = to_double(a, m->max_value, &f->max_value);
    return dsd_text_format_compile(a, f, err);
}

/* Whether r names a maintainable (a Ref with agencyID, or a URN). */
static int
names_maintainable(const dsd_m_ref_t *r)
{
    return r->ref.agency.ptr != NULL && r->ref.id.ptr != NULL;
}

/* The codelist of the concept's core representation, for a component that does not say. A
 * concept scheme that cannot be read fails: its codelist is not "no codelist" (any code). */
static core_rc
concept_codelist(core_arena_t *a, const dsd_compile_lookup_t *look, const dsd_m_ref_t *concept,
                 dsd_component_t *c, core_err_t *err)
{
    const dsd_model_t *cs;
    dsd_ref_t scheme = concept->ref;
    scheme.kind = DSD_KIND_CONCEPTSCHEME;
    if (look == NULL)
        return CORE_OK;
    core_rc rc = look->model(look->ctx, &scheme, &cs);
    if (rc != CORE_OK)
        return core_fail(err, rc == CORE_ENOTFOUND ? CORE_EBUG : rc,
                         "%s, the concept scheme of %.*s, cannot be read (%s)",
                         dsd_ref_label(a, &scheme), CORE_STR_FMT(concept->item), core_rc_name(rc));
    const dsd_m_item_t *it = dsd_model_item(cs, concept->item);
    if (it != NULL && names_maintainable(&it->core.enumeration))
        c->codelist = ref_copy(a, DSD_KIND_CODELIST, &it->core.enumeration.ref);
    return CORE_OK;
}

/* Whether id names a MeasureDimension of d. */
static int
measure_dimension(const dsd_m_dsd_t *d, core_str_t id)
{
    for (size_t i = 0; i < d->ndims; i++) {
        const dsd_m_component_t *c = &d->dims[i];
        core_str_t cid = c->c.id.ptr ? c->c.id : c->concept.item;
        if (c->kind == DSD_M_MEASURE_DIMENSION && id.ptr && core_str_eq(cid, id))
            return 1;
    }
    return 0;
}

static core_rc
compile_component(core_arena_t *a, const dsd_compile_lookup_t *look, const dsd_m_dsd_t *d,
                  const dsd_m_component_t *m, dsd_component_t *c, core_err_t *err)
{
    memset(c, 0, sizeof *c);
    c->codelist.kind = DSD_KIND_NONE;
    c->concepts.kind = DSD_KIND_NONE;
    c->id = cstr(a, m->c.id);
    int has_concept = names_maintainable(&m->concept) && m->concept.item.ptr != NULL;
    if (has_concept) {
        c->concepts = ref_copy(a, DSD_KIND_CONCEPTSCHEME, &m->concept.ref);
        c->concept = cstr(a, m->concept.item);
    }
    const dsd_m_repr_t *r = &m->repr;
    const dsd_m_ref_t *en = &r->enumeration;
    int has_enum = en->ref.kind != DSD_KIND_NONE || en->ref.agency.ptr || en->item.ptr;
    if (m->has_local && names_maintainable(en)) /* a measure dimension's: a concept scheme */
        c->codelist = ref_copy(a, en->ref.kind == DSD_KIND_CONCEPTSCHEME ? DSD_KIND_CONCEPTSCHEME
                                                                          : DSD_KIND_CODELIST,
                               &en->ref);
    else if (!(m->has_local && (has_enum || r->has_format)) && has_concept) {
        core_rc rc = concept_codelist(a, look, &m->concept, c, err);
        if (rc != CORE_OK)
            return rc;
    }
    c->format.min_length = c->format.max_length = -1;
    c->format.decimals = -1;
    if (c->id == NULL) /* 2.1 lets the concept give the id */
        c->id = c->concept;
    if (m->has_local && r->has_format) {
        c->text_type = cstr(a, r->format.text_type);
        core_err_t e = {0};
        if (compile_format(a, &r->format, &c->format, &e) != CORE_OK)
            return core_fail(err, e.code, "%s: %s", c->id ? c->id : "a component", e.msg);
    }
    if (m->kind != DSD_M_ATTRIBUTE)
        return CORE_OK;
    c->mandatory = core_str_eq_c(m->assignment, "Mandatory");
    c->by_measure = m->rel.type == DSD_M_ATTACH_DIMENSIONS && m->rel.ndims == 1 &&
                    measure_dimension(d, m->rel.dims[0]);
    switch (m->rel.type) {
    case DSD_M_ATTACH_MEASURE:
    case DSD_M_ATTACH_OBSERVATION: c->attach = DSD_ATTACH_OBS; break;
    case DSD_M_ATTACH_DIMENSIONS: c->attach = DSD_ATTACH_SERIES; break;
    case DSD_M_ATTACH_GROUP:
        c->attach = DSD_ATTACH_GROUP;
        c->group = cstr(a, m->rel.group);
        break;
    default: c->attach = DSD_ATTACH_DATASET; break;
    }
    return CORE_OK;
}

core_rc
dsd_structure_compile(core_arena_t *a, const dsd_model_t *m, const dsd_compile_lookup_t *look,
                      dsd_structure_t *out, core_err_t *err)
{
    const dsd_m_dsd_t *d = &m->dsd;
    core_rc rc = CORE_OK;
    memset(out, 0, sizeof *out);
    out->dsd = ref_copy(a, m->ref.kind, &m->ref);
    out->dims = core_arena_zalloc(a, (d->ndims + 1) * sizeof *out->dims);
    for (size_t i = 0; i < d->ndims && rc == CORE_OK; i++) {
        if (d->dims[i].kind == DSD_M_TIME_DIMENSION)
            rc = compile_component(a, look, d, &d->dims[i], &out->time, err);
        else
            rc = compile_component(a, look, d, &d->dims[i], &out->dims[out->ndims++], err);
    }
    for (size_t i = 0; i < d->nmeasures && rc == CORE_OK; i++) {
        if (d->measures[i].kind == DSD_M_PRIMARY_MEASURE) {
            rc = compile_component(a, look, d, &d->measures[i], &out->measure, err);
            break;
        }
    }
    out->attrs = core_arena_zalloc(a, (d->nattrs + 1) * sizeof *out->attrs);
    for (size_t i = 0; i < d->nattrs && rc == CORE_OK; i++) {
        if (d->attrs[i].kind != DSD_M_ATTRIBUTE)
            continue;
        dsd_component_t *c = &out->attrs[out->nattrs++];
        rc = compile_component(a, look, d, &d->attrs[i], c, err);
        for (size_t k = 0; c->attach == DSD_ATTACH_SERIES && k < d->attrs[i].rel.ndims; k++) {
            core_str_t id = d->attrs[i].rel.dims[k];
            int dim = id.ptr ? dsd_structure_dim(out, id) : -1;
            if (dim >= 0 && dim < 64) /* (c->dims is a 64-bit mask, as DSD_MAX_DIMS allows) */
                c->dims |= UINT64_C(1) << dim;
        }
    }
    if (rc != CORE_OK)
        return rc;
    out->groups = core_arena_zalloc(a, (d->ngroups + 1) * sizeof *out->groups);
    for (size_t i = 0; i < d->ngroups; i++) {
        dsd_group_t *g = &out->groups[out->ngroups++];
        g->id = cstr(a, d->groups[i].c.id);
        for (size_t k = 0; k < d->groups[i].ndims; k++) {
            core_str_t id = d->groups[i].dims[k];
            int dim = id.ptr ? dsd_structure_dim(out, id) : -1;
            if (dim >= 0 && dim < DSD_MAX_DIMS)
                g->mask |= UINT64_C(1) << dim;
        }
    }
    if (out->ndims == 0 || out->measure.id == NULL)
        return core_fail(err, CORE_ESEMANTIC, "%s has no dimension or no primary measure",
                         dsd_ref_label(a, &m->ref));
    return CORE_OK;
}

/* The first local TextFormat of comps[n] whose pattern ICU cannot compile, told in err. */
static core_rc
check_patterns(core_arena_t *a, const dsd_m_component_t *comps, size_t n, core_err_t *err)
{
    for (size_t i = 0; i < n; i++) {
        const dsd_m_component_t *m = &comps[i];
        if (!m->has_local || !m->repr.has_format || m->repr.format.pattern.ptr == NULL)
            continue;
        dsd_text_format_t f = {.pattern = cstr(a, m->repr.format.pattern)};
        core_err_t e = {0};
        if (dsd_text_format_compile(a, &f, &e) != CORE_OK) {
            core_str_t id = m->c.id.ptr ? m->c.id : m->concept.item;
            return core_fail(err, e.code, "%.*s: %s", CORE_STR_FMT(id), e.msg);
        }
    }
    return CORE_OK;
}

core_rc
dsd_structure_check_patterns(const dsd_model_t *m, core_err_t *err)
{
    if (m->ref.kind != DSD_KIND_DATASTRUCTURE)
        return CORE_OK;
    core_arena_t *a = core_arena_new();
    const dsd_m_dsd_t *d = &m->dsd;
    core_rc rc = check_patterns(a, d->dims, d->ndims, err);
    if (rc == CORE_OK)
        rc = check_patterns(a, d->measures, d->nmeasures, err);
    if (rc == CORE_OK)
        rc = check_patterns(a, d->attrs, d->nattrs, err);
    core_arena_free(a);
    return rc;
}

/* ---- allowed content constraints ---------------------------------------------------------- */

static int
cmp_cstr(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void
compile_region(core_arena_t *a, const dsd_m_member_t *members, size_t n, int include,
               dsd_region_t *r)
{
    r->include = include;
    r->ids = core_arena_zalloc(a, (n + 1) * sizeof *r->ids);
    r->values = core_arena_zalloc(a, (n + 1) * sizeof *r->values);
    r->nvalues = core_arena_zalloc(a, (n + 1) * sizeof *r->nvalues);
    for (size_t i = 0; i < n; i++) {
        const dsd_m_member_t *m = &members[i];
        if (m->is_attribute || m->id.ptr == NULL)
            continue;
        r->ids[r->n] = cstr(a, m->id);
        r->values[r->n] = core_arena_zalloc(a, (m->nvalues + 1) * sizeof **r->values);
        for (size_t v = 0; v < m->nvalues; v++)
            r->values[r->n][r->nvalues[r->n]++] = cstr(a, m->values[v].text);
        qsort(r->values[r->n], r->nvalues[r->n], sizeof **r->values, cmp_cstr);
        r->n++;
    }
}

core_rc
dsd_constraint_compile(core_arena_t *a, const dsd_model_t *m, dsd_constraint_t *out,
                       core_err_t *err)
{
    const dsd_m_constraint_t *c = &m->constraint;
    if (m->ref.kind != DSD_KIND_CONTENTCONSTRAINT)
        return core_fail(err, CORE_EBUG, "%s is not a content constraint",
                         dsd_ref_label(a, &m->ref));
    size_t nk = 0;
    for (size_t i = 0; i < c->nkeysets; i++)
        nk += c->keysets[i].nkeys;
    memset(out, 0, sizeof *out);
    out->label = dsd_ref_label(a, &m->ref);
    out->regions = core_arena_zalloc(a, (c->nregions + 1) * sizeof *out->regions);
    out->keys = core_arena_zalloc(a, (nk + 1) * sizeof *out->keys);
    for (size_t i = 0; i < c->nregions; i++)
        compile_region(a, c->regions[i].members, c->regions[i].nmembers, c->regions[i].include,
                       &out->regions[out->nregions++]);
    for (size_t i = 0; i < c->nkeysets; i++) {
        const dsd_m_keyset_t *ks = &c->keysets[i];
        if (!ks->included || ks->is_metadata)
            continue;
        for (size_t k = 0; k < ks->nkeys; k++)
            compile_region(a, ks->keys[k].members, ks->keys[k].nmembers, 1,
                           &out->keys[out->nkeys++]);
    }
    return CORE_OK;
}
