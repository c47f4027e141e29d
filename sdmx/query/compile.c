#include <config.h>
#include "sdmx/sdmx_int.h"

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

/* The model of a stored artefact, decoded in the view's arena. */
static core_rc
stored_model(store_view_t *v, const dsd_ref_t *ref, const dsd_model_t **out, core_err_t *err)
{
    store_artefact_t art;
    core_rc rc = store_artefact_get(v, ref, &art, err);
    return rc != CORE_OK ? rc : store_artefact_model(v, &art, out, err);
}

static core_rc
lookup_model(void *ctx, const dsd_ref_t *ref, const dsd_model_t **out)
{
    core_err_t e = {0};
    return stored_model(ctx, ref, out, &e);
}

core_rc
sdmx_structure_compile(store_view_t *v, core_arena_t *a, const dsd_ref_t *ref, dsd_structure_t *out,
                       core_err_t *err)
{
    store_artefact_t art;
    const dsd_model_t *m;
    core_rc rc = store_artefact_get(v, ref, &art, err);
    if (rc != CORE_OK)
        return rc;
    if (art.is_stub)
        return core_fail(err, CORE_ESEMANTIC, "%s is only a stub in the store",
                         dsd_ref_label(a, ref));
    if ((rc = store_artefact_model(v, &art, &m, err)) != CORE_OK)
        return rc;
    dsd_compile_lookup_t look = {v, lookup_model};
    rc = dsd_structure_compile(a, m, &look, out, err);
    out->dsd = dsd_ref_dup(a, ref); /* the result may outlive the caller's strings (cache) */
    return rc;
}

core_rc
sdmx_flow_structure(store_view_t *v, core_arena_t *a, const dsd_ref_t *flow, dsd_ref_t *dsd,
                    core_err_t *err)
{
    core_vec_t kids = {0};
    store_artefact_t art;
    core_rc rc = store_artefact_get(v, flow, &art, err);
    if (rc != CORE_OK)
        return rc;
    if ((rc = store_refs_children(v, flow, &kids, err)) != CORE_OK)
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


/* ---- allowed content constraints ---------------------------------------------------------- */

core_rc
sdmx_constraints_for(store_view_t *v, core_arena_t *a, const dsd_ref_t *targets, size_t ntargets,
                     dsd_constraint_t **out, size_t *n, core_err_t *err)
{
    core_vec_t seen = {0}, found = {0};
    for (size_t t = 0; t < ntargets; t++) {
        core_vec_t parents = {0};
        core_str_t owner = reg_rules_owner(v, a, &targets[t]);
        if (owner.ptr == NULL)
            continue;
        core_rc rc = store_refs_parents(v, &targets[t], &parents, err);
        if (rc != CORE_OK)
            return rc;
        for (size_t i = 0; i < parents.len; i++) {
            const dsd_ref_t *p = parents.items[i];
            int dup = 0;
            for (size_t j = 0; j < seen.len && !dup; j++)
                dup = dsd_ref_eq(seen.items[j], p);
            store_artefact_t art;
            const dsd_model_t *m;
            core_err_t e = {0};
            /* another agency's constraint on this target counts for nothing (it may still
             * count for a later target that agency owns) */
            if (dup || p->kind != DSD_KIND_CONTENTCONSTRAINT || !core_str_eq(p->agency, owner) ||
                store_artefact_get(v, p, &art, &e) != CORE_OK)
                continue;
            core_vec_push(a, &seen, (void *)p);
            if ((rc = store_artefact_model(v, &art, &m, err)) != CORE_OK)
                return rc;
            if (!core_str_eq_c(m->constraint.type, "Allowed"))
                continue;
            dsd_constraint_t *c = core_arena_zalloc(a, sizeof *c);
            if ((rc = dsd_constraint_compile(a, m, c, err)) != CORE_OK)
                return rc;
            c->label = dsd_ref_label(a, p);
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
build_structure(store_view_t *v, core_arena_t *a, const void *arg, void **value, size_t *n,
                core_err_t *err)
{
    dsd_structure_t *s = core_arena_zalloc(a, sizeof *s);
    core_rc rc = sdmx_structure_compile(v, a, arg, s, err);
    *value = s;
    *n = 1;
    return rc;
}

core_rc
sdmx__structure_cached(sdmx_cache_t *c, store_view_t *v, core_arena_t *a, const dsd_ref_t *ref,
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
