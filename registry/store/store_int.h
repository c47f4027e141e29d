/* registry/store internals shared by its files. */
#ifndef SDMXD_STORE_INT_H
#define SDMXD_STORE_INT_H

#include "store.h"
#include <lmdb.h>

struct store {
    MDB_env *env;
    MDB_dbi art;   /* artefact key -> flags byte, XML length (u32), canonical XML, model */
    MDB_dbi refs;  /* source key -> target key (dupsort) */
    MDB_dbi rrefs; /* target key -> source key (dupsort) */
    MDB_dbi meta;  /* "commit" -> u64, "mtime" -> i64, "flows" -> u64 */
    MDB_dbi flows, codes, codeids, series, obs, dsattr; /* data cubes: see cube.c */
    MDB_dbi groups;  /* attributes of groups and partial keys: see cube.c */
    MDB_dbi commits; /* u64 commit (big-endian) -> i64 microseconds since the epoch */
    MDB_dbi changes; /* change log: see cube.c */
    MDB_dbi tokens;  /* SHA-256 of a token -> i64 creation time, principal */
    MDB_dbi submissions; /* u64 commit -> the submission's record (JSON) */
    MDB_dbi providers;   /* series key -> agency, NUL, id of the data provider that wrote it */
    MDB_dbi history;     /* observation values replaced or deleted: see cube.c */
    MDB_dbi gone;        /* series deleted whole, with their block: see cube.c */
    int readonly;
};

struct store_view {
    store_t *reg;
    MDB_txn *txn;
    core_arena_t *arena;
    uint64_t commit;
    uint64_t structures; /* the commit that last changed a structure */
    int64_t mtime;
};

/* The layout of the tables; a store written in another one is refused, not misread.
 * 2: observations kept in one record per series (see cube.c); 3: that record keyed by a
 * block number kept in the series record; 4: artefacts stored with their encoded model
 * beside their XML; 5: the history of observations (replaced and deleted values) in a table
 * of its own (3 and 4 are carried over by store_upgrade). */
#define STORE_LAYOUT 5
#define STORE_LAYOUT_PREVIOUS 4
#define STORE_LAYOUT_XML_ONLY 3 /* artefacts kept as SDMX-ML only */

#define STORE_ART_FINAL 0x01
#define STORE_ART_STUB 0x02
#define STORE_KEY_MAX 511 /* LMDB's default maximum key size */

/* Turns an LMDB (or errno) code into err: CORE_ENOSPACE for a full disk, quota or map,
 * CORE_EIO for the rest. */
core_rc store__fail(core_err_t *err, int mdb_rc, const char *what);
/* mdb_txn_begin and mdb_txn_commit of write transactions (LMDB codes): begin gives back the
 * space a failed write left past the store's last page; commit does it at once when the
 * commit failed for lack of space. LMDB frees txn whether the commit succeeds or not. */
int store__write_begin(store_t *r, MDB_txn **txn);
int store__commit(MDB_txn *txn);
/* A counter of the meta table (0 when absent); CORE_EIO when LMDB fails to read it or it is
 * not 8 bytes. */
core_rc store__meta_read(const store_t *r, MDB_txn *txn, const char *name, uint64_t *out,
                         core_err_t *err);
/* Sets a counter of the meta table (an LMDB return code). */
int store__meta_put(const store_t *r, MDB_txn *txn, const char *name, uint64_t x);
/* Encodes ref as kind byte, agency NUL id NUL version; returns the length or 0 when too long. */
size_t store__key(const dsd_ref_t *ref, unsigned char *out, size_t cap);
/* Decodes a key; the strings borrow from key. Returns 0 on a malformed key. */
int store__key_decode(const void *key, size_t len, dsd_ref_t *out);

/* Records commit as the store's latest, with the time it happened (for ETags,
 * Last-Modified and updatedAfter). */
core_rc store__stamp(store_t *r, MDB_txn *txn, uint64_t commit, int structures, core_err_t *err);

/* Opens the store as store_open does; upgrading accepts a store of STORE_LAYOUT_PREVIOUS too. */
core_rc store__open(const char *dir, int readonly, int upgrading, store_t **out, core_err_t *err);
/* The stored value of an artefact (layout STORE_LAYOUT) into out; xml and model borrow from
 * val. Returns 0 when val is malformed. */
int store__art_decode(const void *val, size_t len, store_artefact_t *out);
/* Writes the stored value of an artefact: flags, xml and its encoded model. */
void store__art_encode(core_buf_t *out, int is_final, int is_stub, core_str_t xml,
                     const dsd_model_t *model);

/* Stores one artefact inside txn (see store_structures_put for the rules). */
core_rc store__put_artefact(store_t *r, MDB_txn *txn, const dsd_artefact_t *a, store_put_status *status,
                          dsd_report_t *report, core_err_t *err);

#endif
