/* registry: everything stored, in one LMDB environment. Artefacts by (kind, agency, id,
 * version) with their references indexed both ways; a commit counter and time for ETags
 * and Last-Modified. No LMDB type crosses this header. */
#ifndef SDMXD_REG_H
#define SDMXD_REG_H

#include "core/core.h"
#include "dsd/dsd.h"

typedef struct reg reg_t;
typedef struct reg_view reg_view_t;

/* Opens (creating when absent and !readonly) the store in directory dir. */
core_rc reg_open(const char *dir, int readonly, reg_t **out, core_err_t *err);
void reg_close(reg_t *r);

/* Begins a consistent read snapshot that lives until a is freed. */
core_rc reg_view_begin(reg_t *r, core_arena_t *a, reg_view_t **out, core_err_t *err);
/* Number of write commits that changed something, and the time of the last (epoch s). */
uint64_t reg_view_commit(const reg_view_t *v);
int64_t reg_view_mtime(const reg_view_t *v);

/* A stored artefact; strings borrow from the view's snapshot. */
typedef struct reg_artefact {
    dsd_ref_t ref;
    int is_final;
    int is_stub;
    core_str_t xml;
} reg_artefact_t;

/* Finds exactly ref; CORE_ENOTFOUND when absent. */
core_rc reg_artefact_get(reg_view_t *v, const dsd_ref_t *ref, reg_artefact_t *out,
                         core_err_t *err);
/* Calls cb for each artefact of kind whose agency and id equal the given ones (a NULL ptr
 * matches all), in key order; cb returns non-zero to stop. */
typedef int (*reg_artefact_cb)(void *ctx, const reg_artefact_t *art);
core_rc reg_artefact_scan(reg_view_t *v, dsd_kind kind, core_str_t agency, core_str_t id,
                          reg_artefact_cb cb, void *ctx, core_err_t *err);

/* Appends to out (dsd_ref_t *, in the view's arena) the artefacts ref references
 * (children) or that reference it (parents). */
core_rc reg_refs_children(reg_view_t *v, const dsd_ref_t *ref, core_vec_t *out, core_err_t *err);
core_rc reg_refs_parents(reg_view_t *v, const dsd_ref_t *ref, core_vec_t *out, core_err_t *err);

typedef enum reg_put_status {
    REG_PUT_CREATED,
    REG_PUT_REPLACED,
    REG_PUT_UNCHANGED
} reg_put_status;

/* Stores arts[n] in one write transaction, all or nothing. Every reference must resolve
 * in arts or in the store; a final artefact may not change content. Each problem is added
 * to report; then nothing is written and the result is CORE_ESEMANTIC (references) or
 * CORE_ECONFLICT (final content). status[n] tells what happened to each. */
core_rc reg_structures_put(reg_t *r, const dsd_artefact_t *arts, size_t n,
                           reg_put_status *status, dsd_report_t *report, core_err_t *err);

#endif
