/* registry: everything stored, in one LMDB environment. Artefacts by (kind, agency, id,
 * version) with their references indexed both ways; a commit counter and time for ETags
 * and Last-Modified. No LMDB type crosses this header. */
#ifndef SDMXD_REG_H
#define SDMXD_REG_H

#include "core/core.h"
#include "dsd/dsd.h"
#include "dsd/model.h"

typedef struct reg reg_t;
typedef struct reg_view reg_view_t;

/* Opens (creating when absent and !readonly) the store in directory dir. */
core_rc reg_open(const char *dir, int readonly, reg_t **out, core_err_t *err);
void reg_close(reg_t *r);

/* Begins a consistent read snapshot that lives until a is freed. */
core_rc reg_view_begin(reg_t *r, core_arena_t *a, reg_view_t **out, core_err_t *err);
/* Lets the snapshot go before its arena is freed (its read slot and the pages it pins): no
 * string borrowed from it may be read afterwards, and nothing may be read through v. */
void reg_view_end(reg_view_t *v);
/* The store v reads, to begin a fresh snapshot of it. */
reg_t *reg_view_reg(const reg_view_t *v);
/* Number of write commits that changed something, and the time of the last (epoch s). */
uint64_t reg_view_commit(const reg_view_t *v);
int64_t reg_view_mtime(const reg_view_t *v);
/* The commit that last changed a structure: what is compiled from structures stays valid
 * while it does not change. */
uint64_t reg_view_structures(const reg_view_t *v);

/* A stored artefact; strings borrow from the view's snapshot. Each is stored once: its
 * information model in the version-neutral encoding of dsd/model.h (decoded on demand by
 * reg_artefact_model), and its canonical SDMX-ML 2.1 text, which SDMX-ML answers are
 * written from byte for byte. */
typedef struct reg_artefact {
    dsd_ref_t ref;
    int is_final;
    int is_stub;
    core_str_t xml;
    core_str_t model; /* the encoded model (dsd_model_decode) */
} reg_artefact_t;

/* Decodes art's model into the view's arena; its strings borrow from the snapshot.
 * CORE_ESYNTAX when the stored bytes are not a model this sdmxd reads. */
core_rc reg_artefact_model(reg_view_t *v, const reg_artefact_t *art, const dsd_model_t **out,
                           core_err_t *err);

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

/* Carries the store at dir over from the previous layout (artefacts stored as canonical
 * SDMX-ML only) to this one, in place and in one write transaction: model(ctx, a, ref, xml,
 * &out, err) builds each artefact's model from its stored text (the registry does not read
 * XML). Data, references, tokens, providers, submissions and the change log stay as they
 * are; a store already in this layout is re-encoded. *n tells how many artefacts were
 * rewritten. to_previous (tests only) writes the previous layout instead, to have one. */
typedef core_rc (*reg_model_fn)(void *ctx, core_arena_t *a, const dsd_ref_t *ref, core_str_t xml,
                                dsd_model_t **out, core_err_t *err);
core_rc reg_upgrade(const char *dir, int to_previous, reg_model_fn model, void *ctx, size_t *n,
                    core_err_t *err);

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

/* ---- data cubes ---------------------------------------------------------------------------
 * A dataflow's observations are keyed by (flow number, dimension code ids in DSD order,
 * period key): codes are interned per dimension, so keys are fixed-width and a key filter is
 * a seek-and-skip scan. */

typedef struct reg_cube_txn reg_cube_txn_t;

typedef struct reg_cube_counts {
    uint64_t obs_added, obs_updated, obs_unchanged, obs_deleted, series_deleted;
} reg_cube_counts_t;

/* Begins one write transaction for data; everything until commit is all or nothing. */
core_rc reg_cube_begin(reg_t *r, core_arena_t *a, reg_cube_txn_t **out, core_err_t *err);
/* Selects (creating on first use) the cube of dataflow flow, whose key has ndims dimensions. */
core_rc reg_cube_select(reg_cube_txn_t *t, const dsd_ref_t *flow, size_t ndims, core_err_t *err);
/* Stores one observation (codes[ndims] in DSD order; pkey from dsd_period_key); *twice is
 * set when this transaction had stored it already. An observation stored already with the
 * same period, value and attributes changes nothing: it keeps its commit, is counted
 * unchanged and logs no change. */
core_rc reg_cube_put_obs(reg_cube_txn_t *t, const core_str_t *codes, const unsigned char *pkey,
                         core_str_t period, core_str_t value, const dsd_kv_t *attrs,
                         size_t nattrs, int *twice, core_err_t *err);
/* Merges series-level attribute values into the series of codes (created if absent). */
core_rc reg_cube_put_series(reg_cube_txn_t *t, const core_str_t *codes, const dsd_kv_t *attrs,
                            size_t nattrs, core_err_t *err);
/* Merges attribute values of a group (or any partial key: codes with ptr NULL are not part
 * of it); they apply to every series whose key matches. */
core_rc reg_cube_put_group(reg_cube_txn_t *t, const core_str_t *codes, const dsd_kv_t *attrs,
                           size_t nattrs, core_err_t *err);
/* Replaces the data set's attribute values. */
core_rc reg_cube_put_dataset(reg_cube_txn_t *t, const dsd_kv_t *attrs, size_t nattrs,
                             core_err_t *err);
/* Deletes the observation at pkey, or (pkey NULL) the whole series; codes with ptr NULL
 * match any code of their dimension (among the series in t's scope, see reg_cube_set_scope).
 * Unknown codes delete nothing. CORE_EFORBIDDEN, deleting nothing, when codes is a whole key
 * of a stored series outside the scope. */
core_rc reg_cube_delete(reg_cube_txn_t *t, const core_str_t *codes, const unsigned char *pkey,
                        core_err_t *err);
/* Limits what deletions and replacements in t may touch to the series whose last writer is
 * t's provider (see reg_cube_set_provider; a series written without one is no provider's)
 * and, for deletions, that allow(ctx, codes) accepts (codes[ndims] in DSD order, borrowed for
 * the call; allow NULL accepts all). Without it, t may delete anything (the operator). */
typedef int (*reg_cube_allow_cb)(void *ctx, const core_str_t *codes);
void reg_cube_set_scope(reg_cube_txn_t *t, reg_cube_allow_cb allow, void *ctx);
/* Replace: from here to reg_cube_replace_end, each stored series of the selected cube that
 * t writes (and that its scope allows) is replaced by what t writes of it: reg_cube_replace_end
 * deletes its observations and series attributes that were not written again in between.
 * What is written again unchanged stays as it is, with its commit. */
void reg_cube_replace_begin(reg_cube_txn_t *t);
core_rc reg_cube_replace_end(reg_cube_txn_t *t, core_err_t *err);
/* Stores an artefact (a dataflow created for the data, say) in the same transaction; its
 * references must already be stored. */
core_rc reg_cube_put_artefact(reg_cube_txn_t *t, const dsd_artefact_t *art, dsd_report_t *report,
                              core_err_t *err);
/* Names the data provider (agency of its scheme, provider id) that writes the series touched
 * from now on in t; each series remembers the last provider that wrote it. */
void reg_cube_set_provider(reg_cube_txn_t *t, core_str_t agency, core_str_t id);
const reg_cube_counts_t *reg_cube_counts(const reg_cube_txn_t *t);
/* Commits (stamping the change with the store's next commit number) or aborts. */
core_rc reg_cube_commit(reg_cube_txn_t *t, core_err_t *err);
void reg_cube_abort(reg_cube_txn_t *t);

typedef struct reg_cube reg_cube_t;

/* Opens the cube of flow in the snapshot v; CORE_ENOTFOUND when it holds no data. */
core_rc reg_cube_open(reg_view_t *v, const dsd_ref_t *flow, reg_cube_t **out, core_err_t *err);
size_t reg_cube_ndims(const reg_cube_t *c);
/* The id of code in dimension dim; 0 when the cube has never seen it. */
int reg_cube_code_id(reg_cube_t *c, size_t dim, core_str_t code, uint32_t *id);
/* The code of id in dimension dim (borrowed from the snapshot). */
core_str_t reg_cube_code(reg_cube_t *c, size_t dim, uint32_t id);
/* The data set's attributes, as an attribute blob (see dsd_attrs_next). */
core_str_t reg_cube_dataset_attrs(reg_cube_t *c);
/* The data provider that last wrote the series ids[ndims] (borrowed from the snapshot);
 * CORE_ENOTFOUND when it was written without one. */
core_rc reg_cube_series_provider(reg_cube_t *c, const uint32_t *ids, core_str_t *agency,
                                 core_str_t *id, core_err_t *err);

/* Key filter: for each dimension, sorted code ids, or n == SIZE_MAX for any. */
typedef struct reg_key_filter {
    uint32_t **ids;
    size_t *n;
} reg_key_filter_t;

/* Whether the series ids[ndims] passes f (NULL passes everything). */
int reg_key_filter_allows(const reg_key_filter_t *f, const uint32_t *ids, size_t ndims);
/* Whether code id passes f at dimension dim. */
int reg_key_filter_allows_code(const reg_key_filter_t *f, size_t dim, uint32_t id);

typedef struct reg_series {
    const uint32_t *ids; /* ndims code ids */
    core_str_t attrs;    /* attribute blob */
    uint64_t commit;     /* when its record (its attributes) last changed */
} reg_series_t;

typedef struct reg_obs {
    core_str_t period;
    core_str_t value;
    core_str_t attrs;
    int64_t start, end; /* from the period key */
} reg_obs_t;

typedef struct reg_series_iter reg_series_iter_t;
/* Iterates the series that pass filter (NULL: all), in key order. */
core_rc reg_series_iter_new(reg_cube_t *c, const reg_key_filter_t *filter,
                            reg_series_iter_t **out, core_err_t *err);
/* CORE_OK with the next series, CORE_ENOTFOUND at the end. */
core_rc reg_series_iter_next(reg_series_iter_t *it, reg_series_t *out, core_err_t *err);
/* Makes the next reg_series_iter_next give the first series at or after ids[ndims] that
 * passes the filter (to resume a scan in another snapshot). */
void reg_series_iter_seek(reg_series_iter_t *it, const uint32_t *ids);
/* Observations of the current series of it that overlap [from, to), in time order. */
core_rc reg_obs_first(reg_series_iter_t *it, int64_t from, int64_t to, reg_obs_t *out,
                      core_err_t *err);
core_rc reg_obs_next(reg_series_iter_t *it, reg_obs_t *out, core_err_t *err);

/* What changed in a series after an instant: observations added or changed (updated), the
 * series deleted, observations deleted (their periods, as text). */
typedef struct reg_change {
    uint32_t *ids; /* ndims code ids */
    int updated, deleted_series;
    core_str_t *periods;
    size_t nperiods, cap;
} reg_change_t;

/* The series of c changed by commits made after after_us (microseconds since the epoch),
 * in key order, read from the change log; *min_commit is the first such commit (0: none). */
core_rc reg_cube_changes(reg_cube_t *c, int64_t after_us, reg_change_t **out, size_t *n,
                         uint64_t *min_commit, core_err_t *err);
/* Positions it on the series ids (CORE_ENOTFOUND when it no longer exists); then
 * reg_obs_first/next give only observations stamped at min_commit or later. */
core_rc reg_series_iter_at(reg_series_iter_t *it, const uint32_t *ids, uint64_t min_commit,
                           reg_series_t *out, core_err_t *err);

/* The attribute values stored for a series (pkey NULL) or one of its observations;
 * CORE_ENOTFOUND when not stored. */
core_rc reg_cube_stored_attrs(reg_cube_t *c, const core_str_t *codes, const unsigned char *pkey,
                              core_str_t *out, core_err_t *err);

/* Attribute values stored for a partial key: ids[d] is 0 where d is not part of it. */
typedef struct reg_group {
    uint32_t *ids;
    uint64_t mask; /* bit d set when dimension d is part of the key */
    core_str_t attrs;
} reg_group_t;

/* Every group of c (the list lives in the snapshot's arena). */
core_rc reg_cube_groups(reg_cube_t *c, reg_group_t **out, size_t *n, core_err_t *err);

/* ---- who may write: tokens, and what they wrote -------------------------------------------- */

#define REG_TOKEN_HASH 32

/* Stores the hash of a new token for principal ("provider SDMXD:DATA_PROVIDERS(1.0).ILO" or
 * "agency SDMXD"); the token itself is never stored. */
core_rc reg_token_put(reg_t *r, const unsigned char hash[REG_TOKEN_HASH], core_str_t principal,
                      core_err_t *err);
/* The principal of the token whose hash is given (borrowed from v); CORE_ENOTFOUND otherwise. */
core_rc reg_token_get(reg_view_t *v, const unsigned char hash[REG_TOKEN_HASH],
                      core_str_t *principal, core_err_t *err);
/* Revokes one token (by hash) or every token of a principal; *n tells how many went. */
core_rc reg_token_revoke(reg_t *r, const unsigned char *hash, core_str_t principal, size_t *n,
                         core_err_t *err);

/* Records an accepted submission in the same transaction as its data (record: JSON). */
core_rc reg_cube_log_submission(reg_cube_txn_t *t, core_str_t record, core_err_t *err);
/* Calls cb with each submission record, newest first, until cb returns non-zero or max. */
core_rc reg_submissions_scan(reg_view_t *v, size_t max, int (*cb)(void *, core_str_t),
                             void *ctx, core_err_t *err);

#endif
