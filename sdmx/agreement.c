#include <config.h>
#include "sdmx_int.h"

#include <string.h>

/* Who may send data for a dataflow: the data providers that a provision agreement links to
 * it (SDMX 2.1: a ProvisionAgreement names a StructureUsage and a DataProvider). */

static int
names_provider(const xmlNode *pa, const dsd_ref_t *scheme, core_str_t provider)
{
    const xmlNode *r = sdmx__child(sdmx__child(pa, "DataProvider"), "Ref");
    if (r == NULL)
        return 0;
    const char *agency = sdmx__attr(r, "agencyID");
    const char *parent = sdmx__attr(r, "maintainableParentID");
    const char *pver = sdmx__attr(r, "maintainableParentVersion");
    const char *id = sdmx__attr(r, "id");
    return agency && parent && id && core_str_eq_c(scheme->agency, agency) &&
           core_str_eq_c(scheme->id, parent) && core_str_eq_c(scheme->version, pver ? pver : "1.0") &&
           core_str_eq_c(provider, id);
}

core_rc
sdmx_agreement_find(reg_view_t *v, core_arena_t *a, const dsd_ref_t *flow,
                    const dsd_ref_t *scheme, core_str_t provider, dsd_ref_t *out, core_err_t *err)
{
    core_vec_t parents = {0};
    core_rc rc = reg_refs_parents(v, flow, &parents, err);
    if (rc != CORE_OK)
        return rc;
    for (size_t i = 0; i < parents.len; i++) {
        const dsd_ref_t *p = parents.items[i];
        reg_artefact_t art;
        core_err_t e = {0};
        if (p->kind != DSD_KIND_PROVISIONAGREEMENT || reg_artefact_get(v, p, &art, &e) != CORE_OK)
            continue;
        xmlNode *el = sdmx__parse_stored(a, art.xml, err);
        if (el == NULL)
            return CORE_EBUG;
        if (names_provider(el, scheme, provider)) {
            *out = *p;
            return CORE_OK;
        }
    }
    return core_fail(err, CORE_EFORBIDDEN,
                     "no provision agreement links data provider %.*s of %s to %s; ask the "
                     "maintainer of the dataflow for one",
                     CORE_STR_FMT(provider), dsd_ref_label(a, scheme), dsd_ref_label(a, flow));
}

int
sdmx_provider_exists(reg_view_t *v, core_arena_t *a, const dsd_ref_t *scheme, core_str_t provider)
{
    sdmx_name_t *names;
    size_t n;
    core_err_t e = {0};
    dsd_langpref_t pref = {0};
    return sdmx__item_names(v, a, scheme, &pref, &names, &n, &e) == CORE_OK &&
           sdmx__name_of(names, n, provider) != NULL;
}
