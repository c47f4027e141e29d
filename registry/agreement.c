#include <config.h>
#include "reg.h"

#include <string.h>

/* Who may send data for a dataflow: the data providers that a provision agreement links to
 * it (SDMX 2.1: a ProvisionAgreement names a StructureUsage and a DataProvider). Access
 * rules belong to the dataflow's maintainer: an agreement counts only when the dataflow's
 * agency maintains it, a constraint only when the agency of what it is attached to does
 * (see reg_rules_owner). Anyone else's are stored, shown, and ignored. */

static int
names_provider(const dsd_model_t *pa, const dsd_ref_t *scheme, core_str_t provider)
{
    const dsd_m_ref_t *r = &pa->agreement.provider;
    return r->ref.agency.ptr && r->item.ptr && core_str_eq(scheme->agency, r->ref.agency) &&
           core_str_eq(scheme->id, r->ref.id) && core_str_eq(scheme->version, r->ref.version) &&
           core_str_eq(provider, r->item);
}

/* The dataflow the StructureUsage of agreement pa names; 0 when none (or NULL pa). */
static int
agreement_flow(const dsd_model_t *pa, dsd_ref_t *flow)
{
    const dsd_m_ref_t *u = pa ? &pa->agreement.usage : NULL;
    if (u == NULL || u->ref.agency.ptr == NULL || u->ref.id.ptr == NULL || u->item.ptr != NULL ||
        u->ref.kind != DSD_KIND_DATAFLOW)
        return 0;
    *flow = u->ref;
    return 1;
}

/* The model of the stored artefact ref; NULL when it is not stored or cannot be read. */
static const dsd_model_t *
stored_model(store_view_t *v, const dsd_ref_t *ref)
{
    store_artefact_t art;
    const dsd_model_t *m;
    core_err_t e = {0};
    if (store_artefact_get(v, ref, &art, &e) != CORE_OK || store_artefact_model(v, &art, &m, &e))
        return NULL;
    return m;
}

/* The dataflow of the stored agreement pa; 0 when it is not stored or names none. */
static int
stored_agreement_flow(store_view_t *v, const dsd_ref_t *pa, dsd_ref_t *flow)
{
    return agreement_flow(stored_model(v, pa), flow);
}

core_str_t
reg_rules_owner(store_view_t *v, core_arena_t *a, const dsd_ref_t *target)
{
    dsd_ref_t flow;
    if (target->kind != DSD_KIND_PROVISIONAGREEMENT)
        return target->agency;
    (void)a; /* the model is decoded in the view's arena */
    if (!stored_agreement_flow(v, target, &flow) || !core_str_eq(flow.agency, target->agency))
        return CORE_STR_NULL;
    return target->agency;
}

core_rc
reg_agreement_find(store_view_t *v, core_arena_t *a, const dsd_ref_t *flow,
                    const dsd_ref_t *scheme, core_str_t provider, dsd_ref_t *out, core_err_t *err)
{
    core_vec_t parents = {0};
    const dsd_ref_t *ignored = NULL; /* another agency's agreement for this provider */
    core_rc rc = store_refs_parents(v, flow, &parents, err);
    if (rc != CORE_OK)
        return rc;
    for (size_t i = 0; i < parents.len; i++) {
        const dsd_ref_t *p = parents.items[i];
        store_artefact_t art;
        const dsd_model_t *m;
        core_err_t e = {0};
        dsd_ref_t uses;
        if (p->kind != DSD_KIND_PROVISIONAGREEMENT || store_artefact_get(v, p, &art, &e) != CORE_OK)
            continue;
        if ((rc = store_artefact_model(v, &art, &m, err)) != CORE_OK)
            return rc;
        if (!names_provider(m, scheme, provider) || !agreement_flow(m, &uses) ||
            !dsd_ref_eq(&uses, flow))
            continue;
        if (!core_str_eq(p->agency, flow->agency)) {
            ignored = p;
            continue;
        }
        *out = *p;
        return CORE_OK;
    }
    if (ignored != NULL)
        return core_fail(err, CORE_EFORBIDDEN,
                         "no provision agreement links data provider %.*s of %s to %s: %s does "
                         "not count, as only %.*s, the maintainer of the dataflow, grants "
                         "agreements for it",
                         CORE_STR_FMT(provider), dsd_ref_label(a, scheme), dsd_ref_label(a, flow),
                         dsd_ref_label(a, ignored), CORE_STR_FMT(flow->agency));
    return core_fail(err, CORE_EFORBIDDEN,
                     "no provision agreement links data provider %.*s of %s to %s; ask the "
                     "maintainer of the dataflow for one",
                     CORE_STR_FMT(provider), dsd_ref_label(a, scheme), dsd_ref_label(a, flow));
}

/* The dataflow of agreement pa, read from arts[n] when the message holds it, else from the
 * store. */
static int
find_agreement_flow(store_view_t *v, const dsd_artefact_t *arts, size_t n, const dsd_ref_t *pa,
                    dsd_ref_t *flow)
{
    for (size_t i = 0; i < n; i++)
        if (dsd_ref_eq(&arts[i].ref, pa))
            return agreement_flow(arts[i].model, flow);
    return stored_agreement_flow(v, pa, flow);
}

static const char *
consequence(dsd_severity sev)
{
    return sev == DSD_SEV_ERROR ? "" : "; stored, but it does not count";
}

/* The references of constraint c that another agency owns, one issue each. */
static size_t
check_constraint(store_view_t *v, core_arena_t *a, const dsd_artefact_t *arts, size_t n,
                 const dsd_artefact_t *c, dsd_severity sev, dsd_report_t *report)
{
    size_t found = 0;
    const char *label = dsd_ref_label(a, &c->ref);
    for (size_t i = 0; i < c->nrefs; i++) {
        const dsd_ref_t *t = &c->refs[i];
        dsd_ref_t flow;
        if (t->kind == DSD_KIND_PROVISIONAGREEMENT &&
            find_agreement_flow(v, arts, n, t, &flow)) {
            if (core_str_eq(flow.agency, c->ref.agency))
                continue;
            dsd_report_add(report, sev, "foreign-rule", NULL,
                           "%s is attached to %s, an agreement for %s, which is maintained by "
                           "%.*s; only %.*s sets the constraints of its data%s",
                           label, dsd_ref_label(a, t), dsd_ref_label(a, &flow),
                           CORE_STR_FMT(flow.agency), CORE_STR_FMT(flow.agency),
                           consequence(sev));
        } else if (!core_str_eq(t->agency, c->ref.agency)) {
            dsd_report_add(report, sev, "foreign-rule", NULL,
                           "%s is attached to %s, which is maintained by %.*s; only %.*s sets "
                           "the constraints of it%s",
                           label, dsd_ref_label(a, t), CORE_STR_FMT(t->agency),
                           CORE_STR_FMT(t->agency), consequence(sev));
        } else {
            continue;
        }
        found++;
    }
    return found;
}

size_t
reg_rules_check(store_view_t *v, core_arena_t *a, const dsd_artefact_t *arts, size_t n,
                 dsd_severity sev, dsd_report_t *report)
{
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
        const dsd_artefact_t *art = &arts[i];
        dsd_ref_t flow;
        switch (art->ref.kind) {
        case DSD_KIND_PROVISIONAGREEMENT:
            if (!agreement_flow(art->model, &flow) ||
                core_str_eq(flow.agency, art->ref.agency))
                break;
            dsd_report_add(report, sev, "foreign-rule", NULL,
                           "%s is an agreement for %s, which is maintained by %.*s; only %.*s "
                           "grants agreements for it%s",
                           dsd_ref_label(a, &art->ref), dsd_ref_label(a, &flow),
                           CORE_STR_FMT(flow.agency), CORE_STR_FMT(flow.agency),
                           consequence(sev));
            found++;
            break;
        case DSD_KIND_CONTENTCONSTRAINT:
        case DSD_KIND_ATTACHMENTCONSTRAINT:
            found += check_constraint(v, a, arts, n, art, sev, report);
            break;
        default:
            break;
        }
    }
    return found;
}

int
reg_provider_exists(store_view_t *v, core_arena_t *a, const dsd_ref_t *scheme, core_str_t provider)
{
    dsd_name_t *names;
    size_t n;
    core_err_t e = {0};
    dsd_langpref_t pref = {0};
    return reg_item_names(v, a, scheme, &pref, &names, &n, &e) == CORE_OK &&
           dsd_name_of(names, n, provider) != NULL;
}
