/* registry: the SDMX registry over the store (registry/store/): who may provide data for
 * what (provision agreements and the access rules of their maintainers), the names of stored
 * items for labels; room for registrations and subscriptions. No wire format is known here:
 * artefacts are read through their stored model. */
#ifndef SDMXD_REG_H
#define SDMXD_REG_H

#include "core/core.h"
#include "dsd/dsd.h"
#include "dsd/model.h"
#include "registry/store/store.h"

/* ---- provision agreements ---------------------------------------------------------------- */

/* The provision agreement that lets provider (an item of the data provider scheme) send
 * data for flow: one maintained by the dataflow's agency whose StructureUsage is flow;
 * CORE_EFORBIDDEN, naming what is missing, when there is none. */
core_rc reg_agreement_find(store_view_t *v, core_arena_t *a, const dsd_ref_t *flow,
                            const dsd_ref_t *scheme, core_str_t provider, dsd_ref_t *out,
                            core_err_t *err);
/* Access rules belong to the maintainer of what they govern: adds one issue of severity
 * sev (rule "foreign-rule") to report for each provision agreement in arts[n] whose dataflow
 * another agency maintains, and for each constraint attached to (referencing) another
 * agency's artefact; for an agreement, the agency of its dataflow, read from arts or the
 * store. Returns the number of issues. */
size_t reg_rules_check(store_view_t *v, core_arena_t *a, const dsd_artefact_t *arts, size_t n,
                        dsd_severity sev, dsd_report_t *report);
/* Whether the stored data provider scheme has the provider. */
int reg_provider_exists(store_view_t *v, core_arena_t *a, const dsd_ref_t *scheme,
                         core_str_t provider);

/* The agency whose provision agreements and allowed constraints count for target: the
 * maintainer of a DSD, dataflow or data provider scheme; for a provision agreement, the
 * maintainer of its dataflow when the agreement is that agency's own, else CORE_STR_NULL
 * (nothing attached to it counts). The result borrows from target. */
core_str_t reg_rules_owner(store_view_t *v, core_arena_t *a, const dsd_ref_t *target);

/* ---- item names -------------------------------------------------------------------------- */

/* The names of the items of a stored item scheme (codes, concepts...), sorted by id, in the
 * language pref picks; none (not an error) when the scheme is not stored. */
core_rc reg_item_names(store_view_t *v, core_arena_t *a, const dsd_ref_t *scheme,
                       const dsd_langpref_t *pref, dsd_name_t **out, size_t *n, core_err_t *err);

#endif
