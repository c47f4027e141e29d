/* registry/store: everything stored, in one LMDB environment. Artefacts by (kind, agency, id,
 * version) with their references indexed both ways; a commit counter and time for ETags
 * and Last-Modified. No LMDB type crosses this header. */
#ifndef SDMXD_STORE_H
#define SDMXD_STORE_H

#include "core/core.h"
#include "dsd/dsd.h"
#include "dsd/model.h"

typedef struct store store_t;
typedef struct store_view store_view_t;

/* Opens (creating when absent and !readonly) the store in directory dir. */
core_rc store_open(const char *dir, int readonly, store_t **out, core_err_t *err);
void store_close(store_t *r);

/* Begins a consistent read snapshot that lives until a is freed. */
core_rc store_view_begin(store_t *r, core_arena_t *a, store_view_t **out, core_err_t *err);
/* Lets the snapshot go before its arena is freed (its read slot and the pages it pins): no
 * string borrowed from it may be read afterwards, and nothing may be read through v. */
void store_view_end(store_view_t *v);
/* The store v reads, to begin a fresh snapshot of it. */
store_t *store_view_reg(const store_view_t *v);
/* Number of write commits that changed something, and the time of the last (epoch s). */
uint64_t store_view_commit(const store_view_t *v);
int64_t store_view_mtime(const store_view_t *v);
/* The commit that last changed a structure: what is compiled from structures stays valid
 * while it does not change. */
uint64_t store_view_structures(const store_view_t *v);

/* A stored artefact; strings borrow from the view's snapshot. Each is stored once: its
 * information model in the version-neutral encoding of dsd/model.h (decoded on demand by
 * store_artefact_model), and its canonical SDMX-ML 2.1 text, which SDMX-ML answers are
 * written from byte for byte. */
typedef struct store_artefact {
    dsd_ref_t ref;
    int is_final;
    int is_stub;
    core_str_t xml;
    core_str_t model; /* the encoded model (dsd_model_decode) */
} store_artefact_t;

/* Decodes art's model into the view's arena; its strings borrow from the snapshot.
 * CORE_ESYNTAX when the stored bytes are not a model this sdmxd reads. */
core_rc store_artefact_model(store_view_t *v, const store_artefact_t *art, const dsd_model_t **out,
                           core_err_t *err);

/* Finds exactly ref; CORE_ENOTFOUND when absent. */
core_rc store_artefact_get(store_view_t *v, const dsd_ref_t *ref, store_artefact_t *out,
                         core_err_t *err);
/* Calls cb for each artefact of kind whose agency and id equal the given ones (a NULL ptr
 * matches all), in key order; cb returns non-zero to stop. */
typedef int (*store_artefact_cb)(void *ctx, const store_artefact_t *art);
core_rc store_artefact_scan(store_view_t *v, dsd_kind kind, core_str_t agency, core_str_t id,
                          store_artefact_cb cb, void *ctx, core_err_t *err);

/* Appends to out (dsd_ref_t *, in the view's arena) the artefacts ref references
 * (children) or that reference it (parents). */
core_rc store_refs_children(store_view_t *v, const dsd_ref_t *ref, core_vec_t *out, core_err_t *err);
core_rc store_refs_parents(store_view_t *v, const dsd_ref_t *ref, core_vec_t *out, core_err_t *err);

/* Carries the store at dir over from an earlier layout (4: no history of observations; 3:
 * artefacts stored as canonical SDMX-ML only) to this one, in place and in one write
 * transaction: model(ctx, a, ref, xml, &out, err) builds each artefact's model from its
 * stored text (the registry does not read XML). Data, references, tokens, providers,
 * submissions and the change log stay as they are; the history of observations starts empty;
 * a store already in this layout is re-encoded. *n tells how many artefacts were rewritten.
 * to_previous (tests only) writes the previous layout (4) instead, to have one. */
typedef core_rc (*store_model_fn)(void *ctx, core_arena_t *a, const dsd_ref_t *ref, core_str_t xml,
                                dsd_model_t **out, core_err_t *err);
core_rc store_upgrade(const char *dir, int to_previous, store_model_fn model, void *ctx, size_t *n,
                    core_err_t *err);

typedef enum store_put_status {
    STORE_PUT_CREATED,
    STORE_PUT_REPLACED,
    STORE_PUT_UNCHANGED
} store_put_status;

/* Stores arts[n] in one write transaction, all or nothing. Every reference must resolve
 * in arts or in the store; a final artefact may not change content. Each problem is added
 * to report; then nothing is written and the result is CORE_ESEMANTIC (references) or
 * CORE_ECONFLICT (final content). status[n] tells what happened to each. */
core_rc store_structures_put(store_t *r, const dsd_artefact_t *arts, size_t n,
                           store_put_status *status, dsd_report_t *report, core_err_t *err);

/* ---- data cubes ---------------------------------------------------------------------------
 * A dataflow's observations are keyed by (flow number, dimension code ids in DSD order,
 * period key): codes are interned per dimension, so keys are fixed-width and a key filter is
 * a seek-and-skip scan. */

typedef struct store_cube_txn store_cube_txn_t;

typedef struct store_cube_counts {
    uint64_t obs_added, obs_updated, obs_unchanged, obs_deleted, series_deleted;
} store_cube_counts_t;

/* Begins one write transaction for data; everything until commit is all or nothing. */
core_rc store_cube_begin(store_t *r, core_arena_t *a, store_cube_txn_t **out, core_err_t *err);
/* Selects (creating on first use) the cube of dataflow flow, whose key has ndims dimensions. */
core_rc store_cube_select(store_cube_txn_t *t, const dsd_ref_t *flow, size_t ndims, core_err_t *err);
/* Stores one observation (codes[ndims] in DSD order; pkey from dsd_period_key); *twice is
 * set when this transaction had stored it already. An observation stored already with the
 * same period, value and attributes changes nothing: it keeps its commit, is counted
 * unchanged and logs no change. */
core_rc store_cube_put_obs(store_cube_txn_t *t, const core_str_t *codes, const unsigned char *pkey,
                         core_str_t period, core_str_t value, const dsd_kv_t *attrs,
                         size_t nattrs, int *twice, core_err_t *err);
/* Merges series-level attribute values into the series of codes (created if absent). */
core_rc store_cube_put_series(store_cube_txn_t *t, const core_str_t *codes, const dsd_kv_t *attrs,
                            size_t nattrs, core_err_t *err);
/* Merges attribute values of a group (or any partial key: codes with ptr NULL are not part
 * of it); they apply to every series whose key matches. */
core_rc store_cube_put_group(store_cube_txn_t *t, const core_str_t *codes, const dsd_kv_t *attrs,
                           size_t nattrs, core_err_t *err);
/* Replaces the data set's attribute values. */
core_rc store_cube_put_dataset(store_cube_txn_t *t, const dsd_kv_t *attrs, size_t nattrs,
                             core_err_t *err);
/* Deletes the observation at pkey, or (pkey NULL) the whole series; codes with ptr NULL
 * match any code of their dimension (among the series in t's scope, see store_cube_set_scope).
 * Unknown codes delete nothing. CORE_EFORBIDDEN, deleting nothing, when codes is a whole key
 * of a stored series outside the scope. */
core_rc store_cube_delete(store_cube_txn_t *t, const core_str_t *codes, const unsigned char *pkey,
                        core_err_t *err);
/* Limits what deletions and replacements in t may touch to the series whose last writer is
 * t's provider (see store_cube_set_provider; a series written without one is no provider's)
 * and, for deletions, that allow(ctx, codes) accepts (codes[ndims] in DSD order, borrowed for
 * the call; allow NULL accepts all). Without it, t may delete anything (the operator). */
typedef int (*store_cube_allow_cb)(void *ctx, const core_str_t *codes);
void store_cube_set_scope(store_cube_txn_t *t, store_cube_allow_cb allow, void *ctx);
/* Replace: from here to store_cube_replace_end, each stored series of the selected cube that
 * t writes (and that its scope allows) is replaced by what t writes of it: store_cube_replace_end
 * deletes its observations and series attributes that were not written again in between.
 * What is written again unchanged stays as it is, with its commit. */
void store_cube_replace_begin(store_cube_txn_t *t);
core_rc store_cube_replace_end(store_cube_txn_t *t, core_err_t *err);
/* Stores an artefact (a dataflow created for the data, say) in the same transaction; its
 * references must already be stored. */
core_rc store_cube_put_artefact(store_cube_txn_t *t, const dsd_artefact_t *art, dsd_report_t *report,
                              core_err_t *err);
/* Names the data provider (agency of its scheme, provider id) that writes the series touched
 * from now on in t; each series remembers the last provider that wrote it. */
void store_cube_set_provider(store_cube_txn_t *t, core_str_t agency, core_str_t id);
const store_cube_counts_t *store_cube_counts(const store_cube_txn_t *t);
/* Commits (stamping the change with the store's next commit number) or aborts. */
core_rc store_cube_commit(store_cube_txn_t *t, core_err_t *err);
void store_cube_abort(store_cube_txn_t *t);

typedef struct store_cube store_cube_t;

/* Opens the cube of flow in the snapshot v; CORE_ENOTFOUND when it holds no data. */
core_rc store_cube_open(store_view_t *v, const dsd_ref_t *flow, store_cube_t **out, core_err_t *err);
size_t store_cube_ndims(const store_cube_t *c);
/* The id of code in dimension dim; 0 when the cube has never seen it. */
int store_cube_code_id(store_cube_t *c, size_t dim, core_str_t code, uint32_t *id);
/* The code of id in dimension dim (borrowed from the snapshot). */
core_str_t store_cube_code(store_cube_t *c, size_t dim, uint32_t id);
/* The data set's attributes, as an attribute blob (see dsd_attrs_next). */
core_str_t store_cube_dataset_attrs(store_cube_t *c);
/* The data provider that last wrote the series ids[ndims] (borrowed from the snapshot);
 * CORE_ENOTFOUND when it was written without one. */
core_rc store_cube_series_provider(store_cube_t *c, const uint32_t *ids, core_str_t *agency,
                                 core_str_t *id, core_err_t *err);

/* Key filter: for each dimension, sorted code ids, or n == SIZE_MAX for any. */
typedef struct store_key_filter {
    uint32_t **ids;
    size_t *n;
} store_key_filter_t;

/* Whether the series ids[ndims] passes f (NULL passes everything). */
int store_key_filter_allows(const store_key_filter_t *f, const uint32_t *ids, size_t ndims);
/* Whether code id passes f at dimension dim. */
int store_key_filter_allows_code(const store_key_filter_t *f, size_t dim, uint32_t id);

typedef struct store_series {
    const uint32_t *ids; /* ndims code ids */
    core_str_t attrs;    /* attribute blob */
    uint64_t commit;     /* when its record (its attributes) last changed */
} store_series_t;

typedef struct store_obs {
    core_str_t period;
    core_str_t value;
    core_str_t attrs;
    int64_t start, end; /* from the period key */
    uint64_t commit;    /* the commit that wrote this value */
    uint64_t until;     /* the commit that replaced or deleted it; 0: stored still */
    int deleted;        /* until deleted it (else another value took its place) */
} store_obs_t;

typedef struct store_series_iter store_series_iter_t;
/* Iterates the series that pass filter (NULL: all), in key order. */
core_rc store_series_iter_new(store_cube_t *c, const store_key_filter_t *filter,
                            store_series_iter_t **out, core_err_t *err);
/* CORE_OK with the next series, CORE_ENOTFOUND at the end. */
core_rc store_series_iter_next(store_series_iter_t *it, store_series_t *out, core_err_t *err);
/* Makes the next store_series_iter_next give the first series at or after ids[ndims] that
 * passes the filter (to resume a scan in another snapshot). */
void store_series_iter_seek(store_series_iter_t *it, const uint32_t *ids);
/* Which values of the observations an iterator gives: the history keeps every value that a
 * commit replaced or deleted (see store_obs_t's commit and until). Other than CURRENT, the
 * series are those of the store and those deleted since (the latter without attributes or
 * a commit: only their history is left). */
typedef enum store_versions {
    STORE_VERSIONS_CURRENT,    /* the values stored (the default) */
    STORE_VERSIONS_AS_OF,      /* the values stored just after commit: the cube as of it */
    STORE_VERSIONS_WRITTEN_AT, /* the values commit wrote, stored still or not */
    STORE_VERSIONS_DELETED_AT, /* the values commit deleted */
    STORE_VERSIONS_ALL         /* every value ever stored, the older first */
} store_versions;
/* Makes it give the versions which of commit (ignored for CURRENT and ALL), from its first
 * series on. */
void store_series_iter_versions(store_series_iter_t *it, store_versions which, uint64_t commit);
/* The first commit made after the instant after_us (microseconds since the epoch); 0 when
 * none. */
core_rc store_view_first_commit_after(store_view_t *v, int64_t after_us, uint64_t *commit,
                                      core_err_t *err);
/* Bounds the history: drops the values that commits made before the instant before_us
 * (microseconds since the epoch) replaced or deleted, in one write transaction (*n: how
 * many). What is stored stays; the versions of before the instant are then no longer all
 * there (includeHistory, the cube as of an earlier commit show what is left). */
core_rc store_history_prune(store_t *r, int64_t before_us, uint64_t *n, core_err_t *err);
/* When commit was made (microseconds since the epoch); CORE_ENOTFOUND for no commit. */
core_rc store_view_commit_time(store_view_t *v, uint64_t commit, int64_t *us, core_err_t *err);
/* Observations of the current series of it that overlap [from, to), in time order. */
core_rc store_obs_first(store_series_iter_t *it, int64_t from, int64_t to, store_obs_t *out,
                      core_err_t *err);
core_rc store_obs_next(store_series_iter_t *it, store_obs_t *out, core_err_t *err);

/* What changed in a series after an instant: observations added or changed (updated), the
 * series deleted, observations deleted (their periods, as text). */
typedef struct store_change {
    uint32_t *ids; /* ndims code ids */
    int updated, deleted_series;
    core_str_t *periods;
    size_t nperiods, cap;
} store_change_t;

/* The series of c changed by commits made after after_us (microseconds since the epoch),
 * in key order, read from the change log; *min_commit is the first such commit (0: none). */
core_rc store_cube_changes(store_cube_t *c, int64_t after_us, store_change_t **out, size_t *n,
                         uint64_t *min_commit, core_err_t *err);
/* Positions it on the series ids (CORE_ENOTFOUND when it no longer exists); then
 * store_obs_first/next give only observations stamped at min_commit or later. */
core_rc store_series_iter_at(store_series_iter_t *it, const uint32_t *ids, uint64_t min_commit,
                           store_series_t *out, core_err_t *err);

/* The attribute values stored for a series (pkey NULL) or one of its observations;
 * CORE_ENOTFOUND when not stored. */
core_rc store_cube_stored_attrs(store_cube_t *c, const core_str_t *codes, const unsigned char *pkey,
                              core_str_t *out, core_err_t *err);

/* Attribute values stored for a partial key: ids[d] is 0 where d is not part of it. */
typedef struct store_group {
    uint32_t *ids;
    uint64_t mask; /* bit d set when dimension d is part of the key */
    core_str_t attrs;
} store_group_t;

/* Every group of c (the list lives in the snapshot's arena). */
core_rc store_cube_groups(store_cube_t *c, store_group_t **out, size_t *n, core_err_t *err);

/* ---- who may write: tokens, and what they wrote -------------------------------------------- */

#define STORE_TOKEN_HASH 32

/* Stores the hash of a new token for principal ("provider SDMXD:DATA_PROVIDERS(1.0).ILO" or
 * "agency SDMXD"); the token itself is never stored. */
core_rc store_token_put(store_t *r, const unsigned char hash[STORE_TOKEN_HASH], core_str_t principal,
                      core_err_t *err);
/* The principal of the token whose hash is given (borrowed from v); CORE_ENOTFOUND otherwise. */
core_rc store_token_get(store_view_t *v, const unsigned char hash[STORE_TOKEN_HASH],
                      core_str_t *principal, core_err_t *err);
/* Revokes one token (by hash) or every token of a principal; *n tells how many went. */
core_rc store_token_revoke(store_t *r, const unsigned char *hash, core_str_t principal, size_t *n,
                         core_err_t *err);

/* Records an accepted submission in the same transaction as its data (record: JSON). */
core_rc store_cube_log_submission(store_cube_txn_t *t, core_str_t record, core_err_t *err);
/* Calls cb with each submission record, newest first, until cb returns non-zero or max. */
core_rc store_submissions_scan(store_view_t *v, size_t max, int (*cb)(void *, core_str_t),
                             void *ctx, core_err_t *err);

#endif
