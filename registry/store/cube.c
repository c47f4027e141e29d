#include <config.h>
#include "store_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Key layouts (all integers big-endian, so that byte order is numeric order):
 *   flows   artefact key of the dataflow          -> u32 flow number
 *   codes   u32 flow, u16 dim, code bytes         -> u32 id (ids start at 1; the empty
 *                                                     code holds the next free id)
 *   codeids u32 flow, u16 dim, u32 id             -> code bytes
 *   series  u32 flow, u32 id[ndims]               -> u64 commit, u32 block, attribute blob
 *   obs     u32 flow, u32 block                   -> the series' observations in period-key
 *                                                     order, each: period key, u64 commit,
 *                                                     u8 n, period, u16 n, value, u16 n,
 *                                                     attribute blob
 *   dsattr  u32 flow                              -> attribute blob
 *   groups  u32 flow, u32 id[ndims] (0: not in     -> attribute blob
 *           the group's key)
 *   changes u64 commit, series key [, period key] -> 'U' (series added or changed),
 *                                                     'X' (series deleted), 'D' + period
 *                                                     (observation deleted)
 *   history u32 flow, u32 block, period key,     -> u64 commit, u8 how, u8 n, period, u16 n,
 *           u64 commit that replaced or deleted  value, u16 n, attribute blob: a value that
 *           it                                   was stored, from the commit that wrote it to
 *                                                the one that took it away, 'R' (another
 *                                                value took its place) or 'D' (deleted)
 *   gone    series key, u32 block                -> nothing: a series deleted whole, whose
 *                                                history rows are under that block
 * An attribute blob is a run of (u8 id length, id, u16 value length, value).
 * Observations are kept one record per series (a block) rather than one per observation: the
 * series key is stored once instead of on every observation, a load puts a record per series
 * instead of one per observation, and a read walks a block in memory. A block is keyed by a
 * number the series gets when its record is made, which grows with each new series: the
 * blocks of a load then go after every stored one, so LMDB appends them to full pages
 * instead of splitting pages in half. Measured on 2.47 M SDG observations: see
 * docs/performance.md.
 * The history holds only what was taken away: a load of new observations writes none, and
 * an observation given again unchanged writes none. Every version of an observation is then
 * its history rows (in the order of the commits that ended them) and its stored entry, so
 * that the cube as of a commit, or the versions a commit wrote, are read from the series'
 * block and its history rows side by side, both in period-key order (see obs_step). The
 * rows are keyed by the series' block number, not its key, as the observations are (a row
 * is then a third of the size). A series deleted whole has history rows only, found through
 * the gone table: reading versions walks the series and the gone tables side by side, a
 * series deleted and made again being given once per block. */

#define CUBE_MAX_DIMS DSD_MAX_DIMS
#define SERIES_KEY_MAX (4 + 4 * CUBE_MAX_DIMS)
#define OBS_KEY_MAX (SERIES_KEY_MAX + DSD_PERIOD_KEY)
#define BLOCK_KEY 8    /* u32 flow, u32 block */
#define SERIES_HDR 12  /* a series record: u64 commit, u32 block, then the attributes */

typedef struct entry {
    const unsigned char *pkey;
    uint64_t commit;
    core_str_t period, value, attrs;
    size_t len; /* bytes of the whole entry */
} entry_t; /* an observation of a block (see entry_decode) */

struct store_cube_txn {
    store_t *reg;
    core_arena_t *a;
    MDB_txn *txn;
    uint32_t flow;
    size_t ndims;
    uint64_t commit; /* the number this transaction will commit as */
    store_cube_counts_t counts;
    int changed;
    int structures_changed; /* an artefact was stored too (a dataflow made for the data) */
    /* the series of the last observation: consecutive observations of one series (the
     * usual order) skip interning its codes, touching its record and logging it again */
    core_buf_t last_codes; /* each code followed by a NUL */
    unsigned char last_key[SERIES_KEY_MAX];
    int last_valid;
    core_buf_t scratch; /* the record being written */
    core_str_t provider; /* agency, NUL, id; ptr NULL: no provider */
    /* Blocks being written, kept in memory until they are many (then put in key order, see
     * flush_blocks), so that a message which interleaves series (cross-sections, CSV sorted
     * by period) does not rewrite a block for each observation. The heap, not the arena:
     * they come and go within the transaction. */
    core_buf_t blocks;   /* struct block[] */
    size_t nblocks;
    core_buf_t slots;    /* uint32_t[]: open addressing, 1 + index in blocks, 0 empty */
    size_t nslots;
    size_t block_bytes;  /* what the cached blocks hold, for the limit */
    size_t cur_block;    /* the block of last_key; SIZE_MAX: look it up */
    unsigned char touched_key[SERIES_KEY_MAX]; /* the series last touched (touch_series) */
    uint32_t touched_block;
    int touched_valid;
    int touched_logged; /* and its change logged */
    uint32_t last_block;  /* the block of last_key */
    uint64_t next_block;  /* the next block number to give (0: not read yet) */
    /* the change log of this commit, in memory until it is put (see flush_log): entries of
     * u16 key length, key, u16 value length, value; and their offsets */
    core_buf_t log, log_idx;
    /* the id of the code last interned at each dimension: consecutive series share most of
     * their codes, and this spares a lookup of each (codes never change id) */
    uint32_t memo_id[CUBE_MAX_DIMS];
    unsigned char memo_len[CUBE_MAX_DIMS];
    char memo_code[CUBE_MAX_DIMS][32];
    /* what deletions and replacements may touch (see store_cube_set_scope) */
    int scoped;
    store_cube_allow_cb allow;
    void *allow_ctx;
    /* Replace (see store_cube_replace_begin): each series met since, once, found by its key in
     * an open-addressing table (1 + index in rep, 0 empty): linear in the series sent */
    int replacing;
    struct replaced *rep; /* in the arena */
    size_t nrep, caprep;
    core_buf_t rep_slots; /* uint32_t[] */
    size_t nrep_slots;
    /* The ENTRY_SEEN marks of blocks that went to the store (flush_blocks drops them from
     * memory), given back when the block is read again, so that an observation given twice
     * is still told: a bit per entry. seen holds runs of (u32 number of entries, the bits);
     * seen_slots, struct seen_slot[] in open addressing, finds a block's run (block 0: empty
     * slot, as block numbers start at 1; off 0: none, since given back). */
    core_buf_t seen, seen_slots;
    size_t nseen, nseen_slots;
    uint64_t deletions; /* observations whose deletion t logged */
    core_buf_t hist;    /* the history row being written */
    MDB_cursor *hcur;   /* on the history (LMDB closes it with the transaction) */
};

struct block {
    unsigned char key[BLOCK_KEY];
    size_t klen;
    core_buf_t buf;  /* the entries */
    size_t last_off; /* offset of the last entry (SIZE_MAX when none) */
    int dirty;       /* its entries differ from the stored ones: to be put */
    int stored_old;  /* the stored copy has entries marked ENTRY_OLD (put by this t) */
    int logged;      /* its series' change is logged in this t */
    int dels;        /* its series may have deletions in the change log: 1, 0, -1 unknown */
    int marked;      /* an entry may carry ENTRY_SEEN or ENTRY_OLD */
};

/* A series met in a replace: cleared when it was stored and in scope; then its entries are
 * marked ENTRY_OLD until written again, and the attribute ids written since are in given. */
struct replaced {
    unsigned char *key; /* series key, in the arena */
    uint32_t block;
    int cleared;
    core_buf_t given; /* runs of (u8 length, id) */
};

struct seen_slot {
    uint32_t block;
    uint32_t off; /* 1 + offset of its run in seen; 0: none */
};

struct store_cube {
    store_view_t *v;
    uint32_t flow;
    size_t ndims;
    /* the code last looked up at each dimension (ids start at 1; 0: none): series in key
     * order repeat most codes of the one before */
    uint32_t memo_id[CUBE_MAX_DIMS];
    core_str_t memo_code[CUBE_MAX_DIMS];
};

struct store_series_iter {
    store_cube_t *c;
    const store_key_filter_t *filter;
    MDB_cursor *scur;
    core_str_t block; /* the current series' observations (see obs in the key layouts) */
    uint32_t block_no; /* its number, from the series record */
    size_t off;       /* the next entry of block */
    unsigned char key[SERIES_KEY_MAX];
    size_t klen;
    uint32_t ids[CUBE_MAX_DIMS];
    int started, done;
    int seeked; /* key holds where the scan resumes (store_series_iter_seek) */
    int64_t from, to;
    uint64_t min_commit; /* observations stamped before it are skipped */
    /* the versions given (see store_series_iter_versions): the series walk the series and
     * the history tables side by side, the next series of each kept until given */
    store_versions which;
    uint64_t vcommit;
    MDB_cursor *hcur, *gcur; /* on the history, on the series gone */
    int lhave, ldone, hhave, hdone;
    store_series_t lser;
    uint32_t lblock, hblock;
    unsigned char lkey[SERIES_KEY_MAX], hkey[SERIES_KEY_MAX];
    unsigned char hpos[SERIES_KEY_MAX + 4]; /* where the walk of the gone table goes on */
    unsigned char cur[SERIES_KEY_MAX];      /* the series given */
    int cur_gone;                           /* it is gone: its block is no more */
    /* its observations: the next entry of its block and of its history rows to give */
    int l_ok, h_ok, h_started, h_end;
    entry_t le, he;
    uint64_t h_until;
    int h_deleted;
};


static void
put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static uint32_t
get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
put_u64(unsigned char *p, uint64_t v)
{
    put_u32(p, (uint32_t)(v >> 32));
    put_u32(p + 4, (uint32_t)v);
}

static uint64_t
get_u64(const unsigned char *p)
{
    return (uint64_t)get_u32(p) << 32 | get_u32(p + 4);
}

typedef struct series_rec {
    uint64_t commit;
    uint32_t block;
    core_str_t attrs;
} series_rec_t;

/* Decodes a series record; 0 when it is too short to be one. */
static int
series_rec(const MDB_val *v, series_rec_t *out)
{
    if (v->mv_size < SERIES_HDR)
        return 0;
    const unsigned char *p = v->mv_data;
    out->commit = get_u64(p);
    out->block = get_u32(p + 8);
    out->attrs = (core_str_t){(const char *)p + SERIES_HDR, v->mv_size - SERIES_HDR};
    return 1;
}

/* Starts a series record in b: the commit that writes it, then its block number. */
static void
series_header(core_buf_t *b, uint64_t commit, uint32_t block)
{
    unsigned char hdr[SERIES_HDR];
    put_u64(hdr, commit);
    put_u32(hdr + 8, block);
    core_buf_add(b, hdr, SERIES_HDR);
}

static void
block_key(unsigned char *out, uint32_t flow, uint32_t block)
{
    put_u32(out, flow);
    put_u32(out + 4, block);
}

/* new values win; old ones not named again stay */
static void
blob_merge(core_buf_t *out, core_str_t old, const dsd_kv_t *attrs, size_t n)
{
    dsd_kv_t kv;
    while (dsd_attrs_next(&old, &kv)) {
        int replaced = 0;
        for (size_t i = 0; i < n && !replaced; i++)
            replaced = core_str_eq(attrs[i].id, kv.id);
        if (!replaced)
            dsd_attrs_add(out, kv.id, kv.value);
    }
    for (size_t i = 0; i < n; i++)
        if (attrs[i].value.len > 0)
            dsd_attrs_add(out, attrs[i].id, attrs[i].value);
}

/* ---- observation blocks ------------------------------------------------------------------ */

#define ENTRY_FIXED (DSD_PERIOD_KEY + 8 + 1 + 2 + 2)
/* Marks in the commit of an entry, never committed: ENTRY_SEEN, given again unchanged by this
 * transaction (in memory only, for duplicates); ENTRY_OLD, an entry of a series being
 * replaced that was not given again yet (may be put within the transaction, see
 * flush_blocks; store_cube_replace_end deletes those left). */
#define ENTRY_SEEN (UINT64_C(1) << 63)
#define ENTRY_OLD (UINT64_C(1) << 62)
#define ENTRY_MARKS (ENTRY_SEEN | ENTRY_OLD)
/* Past this, the cached blocks go to the store: a bound on the heap a write uses. */
#define BLOCK_CACHE_BYTES ((size_t)32 << 20)

/* Decodes what follows the period key and commit of an entry (n bytes left): period, value
 * and attributes; the bytes it takes, 0 when it is damaged. */
static size_t
tail_decode(const unsigned char *q, size_t n, entry_t *e)
{
    if (n < 5)
        return 0;
    size_t pl = q[0];
    if (n < 5 + pl)
        return 0;
    size_t vl = (size_t)q[1 + pl] << 8 | q[2 + pl];
    if (n < 5 + pl + vl)
        return 0;
    size_t al = (size_t)q[3 + pl + vl] << 8 | q[4 + pl + vl];
    if (n < 5 + pl + vl + al)
        return 0;
    e->period = (core_str_t){(const char *)q + 1, pl};
    e->value = (core_str_t){(const char *)q + 3 + pl, vl};
    e->attrs = (core_str_t){(const char *)q + 5 + pl + vl, al};
    return 5 + pl + vl + al;
}

/* Decodes the entry at p (n bytes left in the block); 0 when it is damaged. */
static int
entry_decode(const unsigned char *p, size_t n, entry_t *e)
{
    const size_t o = DSD_PERIOD_KEY + 8;
    if (n < ENTRY_FIXED)
        return 0;
    size_t tl = tail_decode(p + o, n - o, e);
    if (tl == 0)
        return 0;
    e->pkey = p;
    e->commit = get_u64(p + DSD_PERIOD_KEY);
    e->len = o + tl;
    return 1;
}

static void
entry_obs(const entry_t *e, store_obs_t *out)
{
    out->start = (int64_t)(get_u64(e->pkey) ^ (1ULL << 63));
    out->end = out->start + (int64_t)(uint32_t)~get_u32(e->pkey + 8); /* complemented */
    out->period = e->period;
    out->value = e->value;
    out->attrs = e->attrs;
    out->commit = e->commit;
    out->until = 0;
    out->deleted = 0;
}

/* Writes an entry into b: the attributes are old's with attrs over them. */
static core_rc
entry_encode(core_buf_t *b, const unsigned char *pkey, uint64_t commit, core_str_t period,
             core_str_t value, core_str_t old, const dsd_kv_t *attrs, size_t nattrs,
             core_err_t *err)
{
    if (period.len > 255 || value.len > 65535)
        return core_fail(err, CORE_ETOOBIG, "a period or value too long to store");
    unsigned char c[8];
    put_u64(c, commit);
    core_buf_reset(b);
    core_buf_add(b, pkey, DSD_PERIOD_KEY);
    core_buf_add(b, c, 8);
    core_buf_addc(b, (char)period.len);
    core_buf_add(b, period.ptr, period.len);
    core_buf_addc(b, (char)(value.len >> 8));
    core_buf_addc(b, (char)value.len);
    core_buf_add(b, value.ptr, value.len);
    size_t at = b->len;
    core_buf_add(b, "\0\0", 2);
    blob_merge(b, old, attrs, nattrs);
    size_t al = b->len - at - 2;
    if (al > 65535)
        return core_fail(err, CORE_ETOOBIG, "the attributes of an observation are too long");
    b->ptr[at] = (char)(al >> 8);
    b->ptr[at + 1] = (char)al;
    return CORE_OK;
}

static struct block *
block_at(store_cube_txn_t *t, size_t i)
{
    return (struct block *)(void *)t->blocks.ptr + i;
}

static uint64_t
key_hash(const unsigned char *k, size_t n)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ k[i]) * 1099511628211ULL;
    return h ^ (h >> 29);
}

/* The slot of key in the table: the block's, or the empty one where it goes. */
static uint32_t *
block_slot(store_cube_txn_t *t, const unsigned char *key, size_t klen)
{
    uint32_t *slots = (uint32_t *)(void *)t->slots.ptr;
    size_t mask = t->nslots - 1, j = (size_t)key_hash(key, klen) & mask;
    while (slots[j] != 0) {
        const struct block *b = block_at(t, slots[j] - 1);
        if (b->klen == klen && memcmp(b->key, key, klen) == 0)
            break;
        j = (j + 1) & mask;
    }
    return &slots[j];
}

static void
grow_slots(store_cube_txn_t *t)
{
    size_t n = t->nslots ? 2 * t->nslots : 1024;
    core_buf_reset(&t->slots);
    core_buf_reserve(&t->slots, n * sizeof(uint32_t));
    memset(t->slots.ptr, 0, n * sizeof(uint32_t));
    t->nslots = n;
    for (size_t i = 0; i < t->nblocks; i++) {
        struct block *b = block_at(t, i);
        *block_slot(t, b->key, b->klen) = (uint32_t)i + 1;
    }
}

static size_t
last_entry(const core_buf_t *buf)
{
    size_t off = 0, last = SIZE_MAX;
    entry_t e;
    while (off < buf->len && entry_decode((const unsigned char *)buf->ptr + off,
                                          buf->len - off, &e)) {
        last = off;
        off += e.len;
    }
    return last;
}

/* Whether an entry of the block is marked ENTRY_OLD. */
static int
has_old(const core_buf_t *buf)
{
    entry_t e;
    for (size_t off = 0; off < buf->len; off += e.len) {
        if (!entry_decode((const unsigned char *)buf->ptr + off, buf->len - off, &e))
            return 0;
        if (e.commit & ENTRY_OLD)
            return 1;
    }
    return 0;
}

static void
entry_mark(struct block *b, size_t off, uint64_t commit)
{
    put_u64((unsigned char *)b->buf.ptr + off + DSD_PERIOD_KEY, commit);
    b->marked = 1;
}

/* ---- observations given again unchanged (duplicates) ------------------------------------ */

static struct seen_slot *
seen_slot(store_cube_txn_t *t, uint32_t block)
{
    struct seen_slot *tab = (struct seen_slot *)(void *)t->seen_slots.ptr;
    unsigned char k[4];
    put_u32(k, block);
    size_t mask = t->nseen_slots - 1, j = (size_t)key_hash(k, 4) & mask;
    while (tab[j].block != 0 && tab[j].block != block)
        j = (j + 1) & mask;
    return &tab[j];
}

/* Notes which entries of b (leaving memory) are marked ENTRY_SEEN: bits[n], one per entry. */
static void
seen_keep(store_cube_txn_t *t, const struct block *b, const core_buf_t *bits, size_t n)
{
    if (2 * (t->nseen + 1) > t->nseen_slots) {
        size_t cap = t->nseen_slots ? 2 * t->nseen_slots : 1024, old = t->nseen_slots;
        core_buf_t prev = t->seen_slots;
        core_buf_init(&t->seen_slots);
        core_buf_reserve(&t->seen_slots, cap * sizeof(struct seen_slot));
        memset(t->seen_slots.ptr, 0, cap * sizeof(struct seen_slot));
        t->nseen_slots = cap;
        for (size_t i = 0; i < old; i++) {
            const struct seen_slot *e = (const struct seen_slot *)(void *)prev.ptr + i;
            if (e->block != 0)
                *seen_slot(t, e->block) = *e;
        }
        core_buf_dispose(&prev);
    }
    uint32_t block = get_u32(b->key + 4);
    struct seen_slot *slot = seen_slot(t, block);
    if (slot->block == 0)
        t->nseen++;
    slot->block = block;
    slot->off = (uint32_t)t->seen.len + 1;
    unsigned char c[4];
    put_u32(c, (uint32_t)n);
    core_buf_add(&t->seen, c, 4);
    core_buf_add(&t->seen, bits->ptr, bits->len);
}

/* Marks again ENTRY_SEEN the entries of b (just read from the store) that were when it left
 * memory. */
static void
seen_restore(store_cube_txn_t *t, struct block *b)
{
    if (t->nseen == 0)
        return;
    struct seen_slot *slot = seen_slot(t, get_u32(b->key + 4));
    if (slot->block == 0 || slot->off == 0)
        return;
    const unsigned char *run = (const unsigned char *)t->seen.ptr + slot->off - 1;
    size_t n = get_u32(run), i = 0;
    slot->off = 0; /* in memory again: its marks are there */
    entry_t e;
    for (size_t off = 0; off < b->buf.len && i < n; off += e.len, i++) {
        if (!entry_decode((const unsigned char *)b->buf.ptr + off, b->buf.len - off, &e))
            return;
        if (run[4 + i / 8] >> (i % 8) & 1)
            entry_mark(b, off, e.commit | ENTRY_SEEN);
    }
}

/* The index of the block whose key (see block_key) is bk, read from the store the first
 * time. */
static core_rc
block_of(store_cube_txn_t *t, const unsigned char *bk, size_t klen, size_t *out, core_err_t *err)
{
    if (klen > BLOCK_KEY)
        return core_fail(err, CORE_EBUG, "a block key of %zu bytes", klen);
    if (2 * (t->nblocks + 1) > t->nslots)
        grow_slots(t);
    uint32_t *slot = block_slot(t, bk, klen);
    if (*slot != 0) {
        *out = *slot - 1;
        return CORE_OK;
    }
    MDB_val k = {klen, (void *)bk}, v;
    int m = mdb_get(t->txn, t->reg->obs, &k, &v);
    if (m != 0 && m != MDB_NOTFOUND)
        return store__fail(err, m, "get observations");
    core_buf_reserve(&t->blocks, sizeof(struct block));
    struct block *b = block_at(t, t->nblocks);
    t->blocks.len += sizeof(struct block);
    memcpy(b->key, bk, klen);
    b->klen = klen;
    core_buf_init(&b->buf);
    if (m == 0)
        core_buf_add(&b->buf, v.mv_data, v.mv_size);
    b->last_off = last_entry(&b->buf);
    b->dirty = b->logged = 0;
    b->dels = -1;
    b->stored_old = b->marked = t->replacing && has_old(&b->buf);
    seen_restore(t, b);
    t->block_bytes += sizeof *b + b->buf.len;
    *slot = (uint32_t)++t->nblocks;
    *out = t->nblocks - 1;
    return CORE_OK;
}

/* Keys in LMDB's default order: bytes, then the shorter first. */
static int
cmp_keys(const void *a, size_t alen, const void *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c ? c : (alen > blen) - (alen < blen);
}

/* Puts k in a table being written in key order: appended when it comes after the table's
 * last key (LMDB then fills pages instead of splitting them in half), else an ordinary put. */
static int
put_in_order(MDB_cursor *cur, MDB_val *k, MDB_val *v)
{
    int m = mdb_cursor_put(cur, k, v, MDB_APPEND);
    return m == MDB_KEYEXIST ? mdb_cursor_put(cur, k, v, 0) : m;
}

static int
cmp_block(const void *pa, const void *pb, void *arg)
{
    const struct block *a = block_at(arg, *(const size_t *)pa);
    const struct block *b = block_at(arg, *(const size_t *)pb);
    return cmp_keys(a->key, a->klen, b->key, b->klen);
}

static void
drop_blocks(store_cube_txn_t *t)
{
    for (size_t i = 0; i < t->nblocks; i++)
        core_buf_dispose(&block_at(t, i)->buf);
    t->nblocks = 0;
    t->blocks.len = 0;
    t->block_bytes = 0;
    t->cur_block = SIZE_MAX;
    if (t->nslots)
        memset(t->slots.ptr, 0, t->nslots * sizeof(uint32_t));
}

/* Takes the ENTRY_SEEN marks off b's entries (kept in t->seen unless final: the block
 * leaves memory, the duplicates it could tell must still be told); whether an entry is
 * marked ENTRY_OLD, or 0 when b is damaged. bits is scratch. */
static int
unmark_block(store_cube_txn_t *t, struct block *b, int final, int *old, core_buf_t *bits)
{
    unsigned char *p = (unsigned char *)b->buf.ptr;
    entry_t e;
    size_t i = 0;
    int any = 0;
    *old = 0;
    core_buf_reset(bits);
    for (size_t off = 0; off < b->buf.len; off += e.len, i++) {
        if (!entry_decode(p + off, b->buf.len - off, &e))
            return 0;
        if (i % 8 == 0)
            core_buf_addc(bits, 0);
        *old |= (e.commit & ENTRY_OLD) != 0;
        if (!(e.commit & ENTRY_SEEN))
            continue;
        bits->ptr[i / 8] = (char)((unsigned char)bits->ptr[i / 8] | 1u << (i % 8));
        any = 1;
        put_u64(p + off + DSD_PERIOD_KEY, e.commit & ~ENTRY_SEEN);
    }
    if (any && !final)
        seen_keep(t, b, bits, i);
    return 1;
}

/* Puts the cached blocks that changed in the store, in key order (final: the last time, at
 * commit). A block past the table's last key is appended (MDB_APPEND): LMDB then fills pages
 * instead of splitting them in half. */
static core_rc
flush_blocks(store_cube_txn_t *t, int final, core_err_t *err)
{
    if (t->nblocks == 0)
        return CORE_OK;
    core_buf_t order;
    core_buf_init(&order);
    core_buf_reserve(&order, t->nblocks * sizeof(size_t));
    size_t *idx = (size_t *)(void *)order.ptr;
    for (size_t i = 0; i < t->nblocks; i++)
        idx[i] = i;
    qsort_r(idx, t->nblocks, sizeof *idx, cmp_block, t);
    MDB_cursor *cur = NULL;
    int m = mdb_cursor_open(t->txn, t->reg->obs, &cur);
    int damaged = 0;
    core_buf_t bits;
    core_buf_init(&bits);
    for (size_t i = 0; i < t->nblocks && m == 0 && !damaged; i++) {
        struct block *b = block_at(t, idx[i]);
        int old = 0;
        if (b->marked && !unmark_block(t, b, final, &old, &bits))
            damaged = 1;
        /* an entry still marked ENTRY_OLD is put marked, for store_cube_replace_end */
        if (!b->dirty && !b->stored_old && !old)
            continue; /* as stored */
        MDB_val k = {b->klen, b->key}, v = {b->buf.len, b->buf.ptr};
        if (b->buf.len == 0) {
            m = mdb_del(t->txn, t->reg->obs, &k, NULL);
            m = m == MDB_NOTFOUND ? 0 : m;
            continue;
        }
        m = put_in_order(cur, &k, &v);
    }
    if (cur != NULL)
        mdb_cursor_close(cur);
    core_buf_dispose(&order);
    core_buf_dispose(&bits);
    drop_blocks(t);
    if (damaged)
        return core_fail(err, CORE_EBUG, "stored observations are damaged");
    return m == 0 ? CORE_OK : store__fail(err, m, "put observations");
}

/* Puts entry (encoded) into block b: in period-key order, over an entry of the same period. */
static void
block_put(store_cube_txn_t *t, struct block *b, const core_buf_t *entry, size_t at, size_t old_len)
{
    size_t before = b->buf.len;
    if (at == b->buf.len && old_len == 0) { /* the usual case: the next period */
        core_buf_add(&b->buf, entry->ptr, entry->len);
        b->last_off = at;
    } else {
        core_buf_reserve(&b->buf, entry->len);
        memmove(b->buf.ptr + at + entry->len, b->buf.ptr + at + old_len,
                b->buf.len - at - old_len);
        if (entry->len)
            memcpy(b->buf.ptr + at, entry->ptr, entry->len);
        b->buf.len = b->buf.len - old_len + entry->len;
        b->last_off = last_entry(&b->buf);
    }
    b->dirty = 1;
    t->block_bytes = t->block_bytes - before + b->buf.len;
}

/* Where an entry of period key pkey goes in b: *at its offset, *old the entry there with the
 * same period (len 0 when none). 0 when the block is damaged. */
static int
block_find(const struct block *b, const unsigned char *pkey, size_t *at, entry_t *old)
{
    const unsigned char *p = (const unsigned char *)b->buf.ptr;
    old->len = 0;
    *at = b->buf.len;
    if (b->last_off == SIZE_MAX || memcmp(p + b->last_off, pkey, DSD_PERIOD_KEY) < 0)
        return 1; /* after the last one */
    for (size_t off = 0; off < b->buf.len;) {
        entry_t e;
        if (!entry_decode(p + off, b->buf.len - off, &e))
            return 0;
        int c = memcmp(e.pkey, pkey, DSD_PERIOD_KEY);
        if (c >= 0) {
            *at = off;
            if (c == 0)
                *old = e;
            return 1;
        }
        off += e.len;
    }
    return 1;
}

/* ---- writing ---------------------------------------------------------------------------- */

static void
abort_deferred(void *arg)
{
    store_cube_txn_t *t = arg;
    if (t->txn != NULL)
        mdb_txn_abort(t->txn);
    t->txn = NULL;
    core_buf_dispose(&t->last_codes);
    core_buf_dispose(&t->scratch);
    drop_blocks(t);
    core_buf_dispose(&t->blocks);
    core_buf_dispose(&t->slots);
    core_buf_dispose(&t->log);
    core_buf_dispose(&t->log_idx);
    t->nslots = 0;
    for (size_t i = 0; i < t->nrep; i++)
        core_buf_dispose(&t->rep[i].given);
    t->nrep = t->nrep_slots = 0;
    core_buf_dispose(&t->rep_slots);
    core_buf_dispose(&t->seen);
    core_buf_dispose(&t->seen_slots);
    t->nseen = t->nseen_slots = 0;
    core_buf_dispose(&t->hist);
}

static int
same_series(store_cube_txn_t *t, const core_str_t *codes)
{
    if (!t->last_valid)
        return 0;
    const char *p = t->last_codes.ptr, *end = p + t->last_codes.len;
    for (size_t d = 0; d < t->ndims; d++) {
        if ((size_t)(end - p) < codes[d].len + 1 || memcmp(p, codes[d].ptr, codes[d].len) != 0 ||
            p[codes[d].len] != '\0')
            return 0;
        p += codes[d].len + 1;
    }
    return p == end;
}

static void
remember_series(store_cube_txn_t *t, const core_str_t *codes, const unsigned char *key)
{
    core_buf_reset(&t->last_codes);
    for (size_t d = 0; d < t->ndims; d++) {
        core_buf_addstr(&t->last_codes, codes[d]);
        core_buf_addc(&t->last_codes, '\0');
    }
    memcpy(t->last_key, key, 4 + 4 * t->ndims);
    t->last_valid = 1;
}

core_rc
store_cube_begin(store_t *r, core_arena_t *a, store_cube_txn_t **out, core_err_t *err)
{
    store_cube_txn_t *t = core_arena_zalloc(a, sizeof *t);
    t->reg = r;
    t->a = a;
    int m = store__write_begin(r, &t->txn);
    if (m != 0)
        return store__fail(err, m, "begin data write");
    t->cur_block = SIZE_MAX;
    core_arena_defer(a, abort_deferred, t);
    uint64_t last;
    core_rc rc = store__meta_read(r, t->txn, "commit", &last, err);
    if (rc != CORE_OK)
        return rc; /* (the write is aborted with a) */
    t->commit = last + 1;
    *out = t;
    return CORE_OK;
}

core_rc
store_cube_select(store_cube_txn_t *t, const dsd_ref_t *flow, size_t ndims, core_err_t *err)
{
    t->last_valid = 0;
    memset(t->memo_id, 0, sizeof t->memo_id); /* ids are per dataflow */
    if (ndims == 0 || ndims > CUBE_MAX_DIMS)
        return core_fail(err, CORE_ETOOBIG, "a key of %zu dimensions (at most %d)", ndims,
                         CUBE_MAX_DIMS);
    unsigned char kb[STORE_KEY_MAX];
    size_t kn = store__key(flow, kb, sizeof kb);
    MDB_val k = {kn, kb}, v;
    int m = mdb_get(t->txn, t->reg->flows, &k, &v);
    if (m == 0 && v.mv_size == 8) {
        t->flow = get_u32(v.mv_data);
        t->ndims = get_u32((const unsigned char *)v.mv_data + 4);
        if (t->ndims != ndims)
            return core_fail(err, CORE_ESEMANTIC,
                             "the stored data of this dataflow has %zu dimensions, the message %zu",
                             t->ndims, ndims);
        return CORE_OK;
    }
    if (m != MDB_NOTFOUND)
        return store__fail(err, m, "get flow");
    uint64_t flows;
    core_rc rc = store__meta_read(t->reg, t->txn, "flows", &flows, err);
    if (rc != CORE_OK)
        return rc;
    if (flows >= UINT32_MAX)
        return core_fail(err, CORE_ETOOBIG, "more than 4294967295 dataflows made in this store");
    t->flow = (uint32_t)flows + 1;
    t->ndims = ndims;
    unsigned char fv[8];
    put_u32(fv, t->flow);
    put_u32(fv + 4, (uint32_t)ndims);
    v = (MDB_val){8, fv};
    if ((m = mdb_put(t->txn, t->reg->flows, &k, &v, 0)) != 0 ||
        (m = store__meta_put(t->reg, t->txn, "flows", t->flow)) != 0)
        return store__fail(err, m, "put flow");
    return CORE_OK;
}

static size_t
code_key(unsigned char *out, uint32_t flow, size_t dim, core_str_t code)
{
    put_u32(out, flow);
    out[4] = (unsigned char)(dim >> 8);
    out[5] = (unsigned char)dim;
    memcpy(out + 6, code.ptr, code.len);
    return 6 + code.len;
}

/* The id of code in dim, interning it when create is set; 0 (not an error) when absent. */
static core_rc
code_id(MDB_txn *txn, store_t *r, uint32_t flow, size_t dim, core_str_t code, int create,
        uint32_t *id, core_err_t *err)
{
    unsigned char kb[STORE_KEY_MAX];
    if (code.len == 0 || code.len > STORE_KEY_MAX - 6)
        return core_fail(err, CORE_ESEMANTIC, "a code of %zu characters", code.len);
    MDB_val k = {code_key(kb, flow, dim, code), kb}, v;
    int m = mdb_get(txn, r->codes, &k, &v);
    if (m == 0) {
        *id = get_u32(v.mv_data);
        return CORE_OK;
    }
    if (m != MDB_NOTFOUND)
        return store__fail(err, m, "get code");
    *id = 0;
    if (!create)
        return CORE_OK;
    unsigned char nb[6], ib[4], rk[10];
    MDB_val nk = {code_key(nb, flow, dim, CORE_STR("")), nb}, nv;
    uint32_t next = mdb_get(txn, r->codes, &nk, &nv) == 0 ? get_u32(nv.mv_data) : 1;
    *id = next;
    put_u32(ib, next + 1);
    nv = (MDB_val){4, ib};
    if ((m = mdb_put(txn, r->codes, &nk, &nv, 0)) != 0)
        return store__fail(err, m, "put code counter");
    put_u32(ib, next);
    v = (MDB_val){4, ib};
    if ((m = mdb_put(txn, r->codes, &k, &v, 0)) != 0)
        return store__fail(err, m, "put code");
    memcpy(rk, kb, 6);
    put_u32(rk + 6, next);
    MDB_val rkv = {10, rk}, rv = {code.len, (void *)code.ptr};
    if ((m = mdb_put(txn, r->codeids, &rkv, &rv, 0)) != 0)
        return store__fail(err, m, "put code id");
    return CORE_OK;
}

/* Builds the series key of codes; *found is 0 when a code is unknown and !create. */
static core_rc
series_key(store_cube_txn_t *t, const core_str_t *codes, int create, unsigned char *out,
           int *found, core_err_t *err)
{
    put_u32(out, t->flow);
    *found = 1;
    for (size_t d = 0; d < t->ndims; d++) {
        uint32_t id = t->memo_id[d];
        core_str_t c = codes[d];
        if (id == 0 || t->memo_len[d] != c.len || memcmp(t->memo_code[d], c.ptr, c.len) != 0) {
            core_rc rc = code_id(t->txn, t->reg, t->flow, d, c, create, &id, err);
            if (rc != CORE_OK)
                return rc;
            t->memo_id[d] = c.len < sizeof t->memo_code[d] ? id : 0;
            if (t->memo_id[d] != 0) {
                memcpy(t->memo_code[d], c.ptr, c.len);
                t->memo_len[d] = (unsigned char)c.len;
            }
        }
        if (id == 0)
            *found = 0;
        put_u32(out + 4 + 4 * d, id);
    }
    return CORE_OK;
}

#define LOG_BYTES ((size_t)16 << 20) /* past this, the buffered log goes to the store */

static int
cmp_log(const void *pa, const void *pb, void *arg)
{
    const store_cube_txn_t *t = arg;
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    const unsigned char *x = (const unsigned char *)t->log.ptr + a;
    const unsigned char *y = (const unsigned char *)t->log.ptr + b;
    int c = cmp_keys(x + 2, (size_t)x[0] << 8 | x[1], y + 2, (size_t)y[0] << 8 | y[1]);
    return c != 0 ? c : (a > b) - (a < b); /* the same key: in the order written */
}

/* Puts the buffered change log in key order. Its keys start with this commit's number, so
 * they come after every stored one and LMDB appends them; a key written twice keeps its
 * last value, as a put over it would.
 * The log keeps one entry per series and one per deleted observation: under commit 0 (never
 * a commit's number, so store_cube_changes never reads it) an index gives, for the rest of each
 * key (series key [, period key]), the commit of its entry; a new entry takes the place of
 * the older one. An 'R' note (an observation written again) takes its deletion off the log
 * and is not stored itself. */
static core_rc
flush_log(store_cube_txn_t *t, core_err_t *err)
{
    size_t n = t->log_idx.len / sizeof(size_t);
    size_t *idx = (size_t *)(void *)t->log_idx.ptr;
    if (n == 0)
        return CORE_OK;
    qsort_r(idx, n, sizeof *idx, cmp_log, t);
    MDB_cursor *cur = NULL;
    int m = mdb_cursor_open(t->txn, t->reg->changes, &cur);
    unsigned char ik[8 + OBS_KEY_MAX], pk[8 + OBS_KEY_MAX], c8[8];
    put_u64(c8, t->commit);
    for (size_t i = 0; i < n && m == 0; i++) {
        const unsigned char *e = (const unsigned char *)t->log.ptr + idx[i];
        size_t kl = (size_t)e[0] << 8 | e[1];
        if (i + 1 < n) { /* the same key again later: that one wins */
            const unsigned char *f = (const unsigned char *)t->log.ptr + idx[i + 1];
            if (((size_t)f[0] << 8 | f[1]) == kl && memcmp(f + 2, e + 2, kl) == 0)
                continue;
        }
        MDB_val k = {kl, (void *)(e + 2)}, v = {(size_t)e[2 + kl] << 8 | e[3 + kl],
                                               (void *)(e + 4 + kl)};
        put_u64(ik, 0);
        memcpy(ik + 8, e + 10, kl - 8);
        MDB_val ikv = {kl, ik}, iv;
        int g = mdb_get(t->txn, t->reg->changes, &ikv, &iv);
        if (g != 0 && g != MDB_NOTFOUND) {
            m = g;
            break;
        }
        uint64_t prev = g == 0 && iv.mv_size == 8 ? get_u64(iv.mv_data) : 0;
        int note = v.mv_size > 0 && *(const char *)v.mv_data == 'R';
        if (prev != 0 && (prev != t->commit || note)) { /* the entry this one replaces */
            memcpy(pk, ik, kl);
            put_u64(pk, prev);
            MDB_val pkv = {kl, pk};
            m = mdb_del(t->txn, t->reg->changes, &pkv, NULL);
            m = m == MDB_NOTFOUND ? 0 : m;
        }
        if (note) {
            if (m == 0 && g == 0)
                m = mdb_del(t->txn, t->reg->changes, &ikv, NULL);
            continue;
        }
        if (m == 0)
            m = put_in_order(cur, &k, &v); /* (a key put by an earlier flush: over it) */
        if (m == 0 && prev != t->commit) {
            iv = (MDB_val){8, c8};
            m = mdb_put(t->txn, t->reg->changes, &ikv, &iv, 0);
        }
    }
    if (cur != NULL)
        mdb_cursor_close(cur);
    core_buf_reset(&t->log);
    core_buf_reset(&t->log_idx);
    return m == 0 ? CORE_OK : store__fail(err, m, "log the changes");
}

/* Notes in the change log what this commit did to a series (or one observation of it); the
 * notes are kept in memory and put in key order (see flush_log). */
static core_rc
log_change(store_cube_txn_t *t, const unsigned char *skey, size_t slen, const unsigned char *pkey,
           char type, core_str_t period, core_err_t *err)
{
    unsigned char kb[8 + OBS_KEY_MAX];
    put_u64(kb, t->commit);
    memcpy(kb + 8, skey, slen);
    size_t klen = 8 + slen;
    if (pkey != NULL) {
        memcpy(kb + klen, pkey, DSD_PERIOD_KEY);
        klen += DSD_PERIOD_KEY;
    }
    size_t pl = period.len > 255 ? 255 : period.len, at = t->log.len;
    unsigned char n[2] = {(unsigned char)(klen >> 8), (unsigned char)klen};
    core_buf_add(&t->log, n, 2);
    core_buf_add(&t->log, kb, klen);
    n[0] = (unsigned char)((1 + pl) >> 8);
    n[1] = (unsigned char)(1 + pl);
    core_buf_add(&t->log, n, 2);
    core_buf_addc(&t->log, type);
    core_buf_add(&t->log, period.ptr, pl);
    core_buf_add(&t->log_idx, &at, sizeof at);
    return t->log.len > LOG_BYTES ? flush_log(t, err) : CORE_OK;
}

/* Whether the change log may hold deleted observations of the series sk: then one written
 * again takes its deletion off (see flush_log). This transaction's deletions are not in the
 * index yet: when it made any, the answer is yes. */
static int
may_have_deletions(store_cube_txn_t *t, const unsigned char *sk, size_t slen)
{
    if (t->deletions > 0)
        return 1;
    unsigned char ik[8 + SERIES_KEY_MAX];
    put_u64(ik, 0);
    memcpy(ik + 8, sk, slen);
    MDB_cursor *cur;
    if (mdb_cursor_open(t->txn, t->reg->changes, &cur) != 0)
        return 1;
    MDB_val k = {8 + slen, ik}, v;
    int m = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    if (m == 0 && k.mv_size == 8 + slen && memcmp(k.mv_data, ik, 8 + slen) == 0)
        m = mdb_cursor_get(cur, &k, &v, MDB_NEXT); /* past the series' own entry */
    int yes = m == 0 && k.mv_size > 8 + slen && memcmp(k.mv_data, ik, 8 + slen) == 0;
    mdb_cursor_close(cur);
    return yes;
}

/* ---- the history of observations ---------------------------------------------------------- */

#define HIST_KEY (BLOCK_KEY + DSD_PERIOD_KEY + 8)
#define HIST_HDR 9 /* u64 commit that wrote it, u8 how */

static void
hist_key(unsigned char *out, uint32_t flow, uint32_t block, const unsigned char *pkey, uint64_t end)
{
    block_key(out, flow, block);
    memcpy(out + BLOCK_KEY, pkey, DSD_PERIOD_KEY);
    put_u64(out + BLOCK_KEY + DSD_PERIOD_KEY, end);
}

/* Turns the history row of the observation pkey (of block) that this commit ended, when there
 * is one, into how: an observation written again after its deletion in this commit was
 * replaced, one deleted after its replacement was deleted. */
static core_rc
history_mark(store_cube_txn_t *t, uint32_t block, const unsigned char *pkey, char how,
             core_err_t *err)
{
    unsigned char kb[HIST_KEY];
    hist_key(kb, t->flow, block, pkey, t->commit);
    MDB_val k = {HIST_KEY, kb}, v;
    int m = mdb_get(t->txn, t->reg->history, &k, &v);
    if (m == MDB_NOTFOUND || (m == 0 && (v.mv_size < HIST_HDR ||
                                         ((const char *)v.mv_data)[8] == how)))
        return CORE_OK;
    if (m != 0)
        return store__fail(err, m, "get history");
    core_buf_reset(&t->hist);
    core_buf_add(&t->hist, v.mv_data, v.mv_size);
    t->hist.ptr[8] = how;
    v = (MDB_val){t->hist.len, t->hist.ptr};
    m = mdb_put(t->txn, t->reg->history, &k, &v, 0);
    return m == 0 ? CORE_OK : store__fail(err, m, "put history");
}

/* Keeps the stored entry e of block, which this commit replaces (how 'R') or deletes ('D'),
 * as a history row. An entry this very commit wrote was never seen by a reader: it has no
 * version of its own (a deletion marks the row of the value before it). */
static core_rc
history_put(store_cube_txn_t *t, uint32_t block, const entry_t *e, char how, core_err_t *err)
{
    uint64_t start = e->commit & ~ENTRY_MARKS;
    if (start == t->commit)
        return how == 'D' ? history_mark(t, block, e->pkey, how, err) : CORE_OK;
    unsigned char kb[HIST_KEY], c8[8];
    hist_key(kb, t->flow, block, e->pkey, t->commit);
    MDB_val k = {HIST_KEY, kb};
    const size_t o = DSD_PERIOD_KEY + 8;
    put_u64(c8, start);
    core_buf_reset(&t->hist);
    core_buf_add(&t->hist, c8, 8);
    core_buf_addc(&t->hist, how);
    core_buf_add(&t->hist, e->pkey + o, e->len - o);
    MDB_val v = {t->hist.len, t->hist.ptr};
    int m = t->hcur != NULL ? 0 : mdb_cursor_open(t->txn, t->reg->history, &t->hcur);
    /* blocks are numbered as series are made: the rows of a load that changes the series of
     * the previous one come after the stored ones, appended, filling pages */
    if (m == 0)
        m = put_in_order(t->hcur, &k, &v);
    return m == 0 ? CORE_OK : store__fail(err, m, "put history");
}

/* The first commit made at or after the instant us (0 when none) in txn. */
static int
first_commit_since(store_t *r, MDB_txn *txn, int64_t us, uint64_t *out)
{
    MDB_cursor *cur;
    *out = 0;
    int m = mdb_cursor_open(txn, r->commits, &cur);
    if (m != 0)
        return m;
    MDB_val k, v;
    for (m = mdb_cursor_get(cur, &k, &v, MDB_LAST); m == 0;
         m = mdb_cursor_get(cur, &k, &v, MDB_PREV)) {
        int64_t t;
        if (v.mv_size != sizeof t || k.mv_size != 8)
            continue;
        memcpy(&t, v.mv_data, sizeof t);
        if (t < us)
            break;
        *out = get_u64(k.mv_data);
    }
    mdb_cursor_close(cur);
    return m == MDB_NOTFOUND ? 0 : m;
}

/* Drops the series gone whose history rows all went. */
static int
prune_gone(store_t *r, MDB_txn *txn)
{
    MDB_cursor *g, *h;
    int m = mdb_cursor_open(txn, r->gone, &g);
    if (m != 0)
        return m;
    if ((m = mdb_cursor_open(txn, r->history, &h)) != 0) {
        mdb_cursor_close(g);
        return m;
    }
    MDB_val k, v;
    for (m = mdb_cursor_get(g, &k, &v, MDB_FIRST); m == 0; m = mdb_cursor_get(g, &k, &v, MDB_NEXT)) {
        if (k.mv_size < 8)
            continue;
        unsigned char bk[BLOCK_KEY];
        const unsigned char *p = k.mv_data;
        block_key(bk, get_u32(p), get_u32(p + k.mv_size - 4));
        MDB_val hk = {BLOCK_KEY, bk}, hv;
        int f = mdb_cursor_get(h, &hk, &hv, MDB_SET_RANGE);
        if (f != 0 && f != MDB_NOTFOUND)
            break;
        if (f == MDB_NOTFOUND || hk.mv_size < BLOCK_KEY || memcmp(hk.mv_data, bk, BLOCK_KEY) != 0)
            if ((m = mdb_cursor_del(g, 0)) != 0)
                break;
    }
    mdb_cursor_close(h);
    mdb_cursor_close(g);
    return m == MDB_NOTFOUND ? 0 : m;
}

core_rc
store_history_prune(store_t *r, int64_t before_us, uint64_t *n, core_err_t *err)
{
    MDB_txn *txn;
    *n = 0;
    int m = store__write_begin(r, &txn);
    if (m != 0)
        return store__fail(err, m, "begin write");
    uint64_t cut = 0, last;
    core_rc rc = store__meta_read(r, txn, "commit", &last, err);
    if (rc != CORE_OK) {
        mdb_txn_abort(txn);
        return rc;
    }
    MDB_cursor *cur = NULL;
    if ((m = first_commit_since(r, txn, before_us, &cut)) == 0 &&
        (m = mdb_cursor_open(txn, r->history, &cur)) == 0) {
        if (cut == 0)
            cut = last + 1; /* every commit was made before: all of it goes */
        MDB_val k, v;
        for (m = mdb_cursor_get(cur, &k, &v, MDB_FIRST); m == 0;
             m = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
            if (k.mv_size != HIST_KEY ||
                get_u64((const unsigned char *)k.mv_data + BLOCK_KEY + DSD_PERIOD_KEY) >= cut)
                continue;
            if ((m = mdb_cursor_del(cur, 0)) != 0)
                break;
            (*n)++;
        }
        m = m == MDB_NOTFOUND ? 0 : m;
        mdb_cursor_close(cur);
    }
    if (m == 0 && *n > 0)
        m = prune_gone(r, txn);
    rc = m == 0 ? CORE_OK : store__fail(err, m, "prune the history");
    /* the answers with history change: a commit of their own, for their ETags */
    if (rc == CORE_OK && *n > 0)
        rc = store__stamp(r, txn, last + 1, 0, err);
    if (rc != CORE_OK) {
        mdb_txn_abort(txn);
        return rc;
    }
    m = store__commit(txn);
    return m == 0 ? CORE_OK : store__fail(err, m, "commit");
}

void
store_cube_set_provider(store_cube_txn_t *t, core_str_t agency, core_str_t id)
{
    char *p = core_arena_alloc(t->a, agency.len + 1 + id.len);
    memcpy(p, agency.ptr, agency.len);
    p[agency.len] = '\0';
    memcpy(p + agency.len + 1, id.ptr, id.len);
    t->provider = (core_str_t){p, agency.len + 1 + id.len};
    t->last_valid = t->touched_valid = 0;
}

void
store_cube_set_scope(store_cube_txn_t *t, store_cube_allow_cb allow, void *ctx)
{
    t->scoped = 1;
    t->allow = allow;
    t->allow_ctx = ctx;
}

/* Whether the stored series skey is in t's scope (see store_cube_set_scope): written last by
 * t's provider and, when ask, accepted by t->allow. */
static core_rc
in_scope(store_cube_txn_t *t, const unsigned char *skey, size_t slen, int ask, int *yes,
         core_err_t *err)
{
    *yes = 1;
    if (!t->scoped)
        return CORE_OK;
    MDB_val k = {slen, (void *)skey}, v;
    int m = mdb_get(t->txn, t->reg->providers, &k, &v);
    if (m != 0 && m != MDB_NOTFOUND)
        return store__fail(err, m, "get series provider");
    *yes = m == 0 && t->provider.ptr != NULL && v.mv_size == t->provider.len &&
           memcmp(v.mv_data, t->provider.ptr, v.mv_size) == 0;
    if (!*yes || !ask || t->allow == NULL)
        return CORE_OK;
    core_str_t codes[CUBE_MAX_DIMS];
    unsigned char kb[10];
    for (size_t d = 0; d < t->ndims; d++) {
        put_u32(kb, get_u32(skey));
        kb[4] = (unsigned char)(d >> 8);
        kb[5] = (unsigned char)d;
        memcpy(kb + 6, skey + 4 + 4 * d, 4);
        k = (MDB_val){10, kb};
        if ((m = mdb_get(t->txn, t->reg->codeids, &k, &v)) != 0)
            return m == MDB_NOTFOUND ? core_fail(err, CORE_EBUG, "a series of unknown codes")
                                     : store__fail(err, m, "get code");
        codes[d] = (core_str_t){v.mv_data, v.mv_size}; /* (valid until the next write) */
    }
    *yes = t->allow(t->allow_ctx, codes);
    return CORE_OK;
}

static core_rc
stamp_provider(store_cube_txn_t *t, const unsigned char *skey, size_t slen, core_err_t *err)
{
    if (t->provider.ptr == NULL)
        return CORE_OK;
    MDB_val k = {slen, (void *)skey}, v;
    int m = mdb_get(t->txn, t->reg->providers, &k, &v);
    if (m == 0 && v.mv_size == t->provider.len &&
        memcmp(v.mv_data, t->provider.ptr, v.mv_size) == 0)
        return CORE_OK; /* theirs already */
    if (m != 0 && m != MDB_NOTFOUND)
        return store__fail(err, m, "get series provider");
    /* an upload does not take over another provider's series (what it may write, it could
     * then delete); a series loaded without a provider becomes the first uploader's */
    if (m == 0 && t->scoped)
        return core_fail(err, CORE_EFORBIDDEN, "another data provider's series");
    v = (MDB_val){t->provider.len, (void *)t->provider.ptr};
    m = mdb_put(t->txn, t->reg->providers, &k, &v, 0);
    t->changed = 1;
    return m == 0 ? CORE_OK : store__fail(err, m, "put series provider");
}

/* A number for a new series' block: one more than any given before. */
static core_rc
new_block(store_cube_txn_t *t, uint32_t *out, core_err_t *err)
{
    if (t->next_block == 0) {
        uint64_t blocks;
        core_rc rc = store__meta_read(t->reg, t->txn, "blocks", &blocks, err);
        if (rc != CORE_OK)
            return rc;
        t->next_block = blocks + 1;
    }
    if (t->next_block > UINT32_MAX)
        return core_fail(err, CORE_ETOOBIG, "more than 4294967295 series made in this store");
    *out = (uint32_t)t->next_block++;
    return CORE_OK;
}

/* ---- replace ------------------------------------------------------------------------------ */

void
store_cube_replace_begin(store_cube_txn_t *t)
{
    t->replacing = 1;
    t->nrep = 0;
    if (t->nrep_slots)
        memset(t->rep_slots.ptr, 0, t->nrep_slots * sizeof(uint32_t));
    t->last_valid = t->touched_valid = 0;
}

static uint32_t *
rep_slot(store_cube_txn_t *t, const unsigned char *key, size_t klen)
{
    uint32_t *slots = (uint32_t *)(void *)t->rep_slots.ptr;
    size_t mask = t->nrep_slots - 1, j = (size_t)key_hash(key, klen) & mask;
    while (slots[j] != 0 && memcmp(t->rep[slots[j] - 1].key, key, klen) != 0)
        j = (j + 1) & mask; /* (one cube: every key has the same length) */
    return &slots[j];
}

/* The replace's record of the series key, made when new (*added). */
static struct replaced *
replaced_of(store_cube_txn_t *t, const unsigned char *key, size_t klen, int *added)
{
    if (2 * (t->nrep + 1) > t->nrep_slots) {
        size_t n = t->nrep_slots ? 2 * t->nrep_slots : 1024;
        core_buf_reset(&t->rep_slots);
        core_buf_reserve(&t->rep_slots, n * sizeof(uint32_t));
        memset(t->rep_slots.ptr, 0, n * sizeof(uint32_t));
        t->nrep_slots = n;
        for (size_t i = 0; i < t->nrep; i++)
            *rep_slot(t, t->rep[i].key, klen) = (uint32_t)i + 1;
    }
    uint32_t *slot = rep_slot(t, key, klen);
    *added = *slot == 0;
    if (!*added)
        return &t->rep[*slot - 1];
    core_arena_grow(t->a, (void **)&t->rep, t->nrep, &t->caprep, sizeof *t->rep);
    struct replaced *r = &t->rep[t->nrep++];
    r->key = (unsigned char *)core_arena_strndup(t->a, (const char *)key, klen);
    r->block = 0;
    r->cleared = 0;
    core_buf_init(&r->given);
    *slot = (uint32_t)t->nrep;
    return r;
}

/* Marks every entry of the block of series skey ENTRY_OLD: to go unless given again. */
static core_rc
mark_old(store_cube_txn_t *t, const unsigned char *skey, uint32_t block, core_err_t *err)
{
    unsigned char bk[BLOCK_KEY];
    block_key(bk, get_u32(skey), block);
    size_t bi;
    core_rc rc = block_of(t, bk, BLOCK_KEY, &bi, err);
    if (rc != CORE_OK)
        return rc;
    struct block *b = block_at(t, bi);
    entry_t e;
    for (size_t off = 0; off < b->buf.len; off += e.len) {
        if (!entry_decode((const unsigned char *)b->buf.ptr + off, b->buf.len - off, &e))
            return core_fail(err, CORE_EBUG, "stored observations are damaged");
        entry_mark(b, off, (e.commit & ~ENTRY_SEEN) | ENTRY_OLD);
    }
    return CORE_OK;
}

/* Whether id is in given, a run of (u8 length, id). */
static int
attr_given(core_str_t given, core_str_t id)
{
    while (given.len > 0) {
        size_t n = (unsigned char)given.ptr[0];
        if (given.len < 1 + n)
            return 0;
        if (n == id.len && memcmp(given.ptr + 1, id.ptr, n) == 0)
            return 1;
        given.ptr += 1 + n;
        given.len -= 1 + n;
    }
    return 0;
}

/* In a replace, the series skey is written: the first time, a stored series in scope has its
 * observations marked to go (another provider's, or one loaded without a provider, is only
 * written to); the attribute ids given are noted. */
static core_rc
replace_series(store_cube_txn_t *t, const unsigned char *skey, size_t slen, const dsd_kv_t *attrs,
               size_t nattrs, core_err_t *err)
{
    int added;
    struct replaced *r = replaced_of(t, skey, slen, &added);
    if (added) {
        MDB_val k = {slen, (void *)skey}, v;
        series_rec_t rec;
        int m = mdb_get(t->txn, t->reg->series, &k, &v), yes = 0;
        if (m != 0 && m != MDB_NOTFOUND)
            return store__fail(err, m, "get series");
        core_rc rc;
        if (m == 0 && series_rec(&v, &rec) &&
            (rc = in_scope(t, skey, slen, 0, &yes, err)) != CORE_OK)
            return rc;
        if (yes) {
            r->cleared = 1;
            r->block = rec.block;
            if ((rc = mark_old(t, skey, rec.block, err)) != CORE_OK)
                return rc;
        }
    }
    for (size_t i = 0; i < nattrs && r->cleared; i++) {
        core_str_t id = attrs[i].id;
        if (id.len <= 255 && !attr_given((core_str_t){r->given.ptr, r->given.len}, id)) {
            core_buf_addc(&r->given, (char)id.len);
            core_buf_add(&r->given, id.ptr, id.len);
        }
    }
    return CORE_OK;
}

static core_rc log_deleted(store_cube_txn_t *t, const unsigned char *skey, size_t slen,
                           uint32_t block, const entry_t *e, core_err_t *err);

/* The end of a replaced series: the observations not given again go, and so do the series
 * attributes not given again. */
static core_rc
finish_replaced(store_cube_txn_t *t, struct replaced *r, core_err_t *err)
{
    size_t slen = 4 + 4 * t->ndims;
    unsigned char bk[BLOCK_KEY];
    block_key(bk, get_u32(r->key), r->block);
    size_t bi;
    core_rc rc = block_of(t, bk, BLOCK_KEY, &bi, err);
    if (rc != CORE_OK)
        return rc;
    struct block *b = block_at(t, bi);
    unsigned char *p = (unsigned char *)b->buf.ptr;
    size_t w = 0, len = b->buf.len;
    entry_t e;
    for (size_t off = 0; off < len; off += e.len) {
        if (!entry_decode(p + off, len - off, &e))
            return core_fail(err, CORE_EBUG, "stored observations are damaged");
        if (e.commit & ENTRY_OLD) { /* (logged before the bytes move) */
            if ((rc = log_deleted(t, r->key, slen, r->block, &e, err)) != CORE_OK)
                return rc;
            continue;
        }
        if (w != off)
            memmove(p + w, p + off, e.len);
        w += e.len;
    }
    if (w != len) {
        b->buf.len = w;
        b->last_off = last_entry(&b->buf);
        b->dirty = 1;
        t->block_bytes -= len - w;
    }
    MDB_val k = {slen, r->key}, v;
    series_rec_t rec;
    int m = mdb_get(t->txn, t->reg->series, &k, &v);
    if (m == MDB_NOTFOUND)
        return CORE_OK;
    if (m != 0)
        return store__fail(err, m, "get series");
    if (!series_rec(&v, &rec))
        return core_fail(err, CORE_EBUG, "a stored series record is damaged");
    core_buf_t nb;
    core_buf_init(&nb);
    series_header(&nb, t->commit, rec.block);
    core_str_t blob = rec.attrs;
    dsd_kv_t kv;
    while (dsd_attrs_next(&blob, &kv))
        if (attr_given((core_str_t){r->given.ptr, r->given.len}, kv.id))
            dsd_attrs_add(&nb, kv.id, kv.value);
    if (nb.len - SERIES_HDR != rec.attrs.len) { /* some were not given again */
        v = (MDB_val){nb.len, nb.ptr};
        m = mdb_put(t->txn, t->reg->series, &k, &v, 0);
        t->changed = 1;
        rc = m != 0 ? store__fail(err, m, "put series")
                    : log_change(t, r->key, slen, NULL, 'U', CORE_STR_NULL, err);
    }
    core_buf_dispose(&nb);
    return rc;
}

core_rc
store_cube_replace_end(store_cube_txn_t *t, core_err_t *err)
{
    core_rc rc = CORE_OK;
    for (size_t i = 0; i < t->nrep && rc == CORE_OK; i++) {
        if (t->rep[i].cleared)
            rc = finish_replaced(t, &t->rep[i], err);
        if (rc == CORE_OK && t->block_bytes > BLOCK_CACHE_BYTES)
            rc = flush_blocks(t, 0, err);
    }
    for (size_t i = 0; i < t->nrep; i++)
        core_buf_dispose(&t->rep[i].given);
    t->nrep = 0;
    t->replacing = 0;
    t->last_valid = t->touched_valid = 0;
    return rc;
}

/* ---- writing series and observations ------------------------------------------------------ */

/* Merges attrs into the series record and stamps it with this commit when that changes it (a
 * new series gets its record and block number); the series becomes the provider's. *block is
 * its block number. */
static core_rc
touch_series(store_cube_txn_t *t, const unsigned char *skey, size_t slen, const dsd_kv_t *attrs,
             size_t nattrs, uint32_t *block, core_err_t *err)
{
    core_rc rc;
    /* (whether a replace may clear it depends on who wrote it: before it becomes ours) */
    if (t->replacing && (rc = replace_series(t, skey, slen, attrs, nattrs, err)) != CORE_OK)
        return rc;
    if ((rc = stamp_provider(t, skey, slen, err)) != CORE_OK)
        return rc;
    MDB_val k = {slen, (void *)skey}, v;
    series_rec_t old = {0};
    int m = mdb_get(t->txn, t->reg->series, &k, &v);
    if (m != 0 && m != MDB_NOTFOUND)
        return store__fail(err, m, "get series");
    int exists = m == 0 && series_rec(&v, &old);
    memcpy(t->touched_key, skey, slen);
    t->touched_valid = 1;
    t->touched_logged = 0;
    if (exists && nattrs == 0) {
        *block = t->touched_block = old.block;
        return CORE_OK; /* nothing new to say about a known series */
    }
    if (!exists && (rc = new_block(t, &old.block, err)) != CORE_OK)
        return rc;
    *block = t->touched_block = old.block;
    core_buf_t b;
    core_buf_init(&b);
    series_header(&b, t->commit, old.block);
    blob_merge(&b, exists ? old.attrs : CORE_STR_NULL, attrs, nattrs);
    if (exists && b.len - SERIES_HDR == old.attrs.len &&
        memcmp(b.ptr + SERIES_HDR, old.attrs.ptr, old.attrs.len) == 0) {
        core_buf_dispose(&b);
        return CORE_OK; /* the attributes it has already */
    }
    v = (MDB_val){b.len, b.ptr};
    m = mdb_put(t->txn, t->reg->series, &k, &v, 0);
    core_buf_dispose(&b);
    t->changed = 1;
    if (m != 0)
        return store__fail(err, m, "put series");
    t->touched_logged = 1;
    return log_change(t, skey, slen, NULL, 'U', CORE_STR_NULL, err);
}

core_rc
store_cube_put_series(store_cube_txn_t *t, const core_str_t *codes, const dsd_kv_t *attrs,
                    size_t nattrs, core_err_t *err)
{
    unsigned char sk[SERIES_KEY_MAX];
    int found;
    core_rc rc = series_key(t, codes, 1, sk, &found, err);
    if (rc != CORE_OK)
        return rc;
    uint32_t block;
    return touch_series(t, sk, 4 + 4 * t->ndims, attrs, nattrs, &block, err);
}

/* Whether the encoded entry x says what the stored entry e says (its commit aside). */
static int
same_entry(const core_buf_t *x, const entry_t *e)
{
    const size_t o = DSD_PERIOD_KEY + 8;
    return x->len == e->len && memcmp(x->ptr, e->pkey, DSD_PERIOD_KEY) == 0 &&
           memcmp(x->ptr + o, e->pkey + o, e->len - o) == 0;
}

core_rc
store_cube_put_obs(store_cube_txn_t *t, const core_str_t *codes, const unsigned char *pkey,
                 core_str_t period, core_str_t value, const dsd_kv_t *attrs, size_t nattrs,
                 int *twice, core_err_t *err)
{
    *twice = 0;
    size_t slen = 4 + 4 * t->ndims;
    core_rc rc;
    if (!same_series(t, codes)) {
        unsigned char sk[SERIES_KEY_MAX];
        int found;
        if ((rc = series_key(t, codes, 1, sk, &found, err)) != CORE_OK)
            return rc;
        /* a series whose record this commit just touched (its attributes came first) is
         * the provider's and known already */
        uint32_t block = t->touched_block;
        int touched = t->touched_valid && memcmp(t->touched_key, sk, slen) == 0;
        if (!touched && (rc = touch_series(t, sk, slen, NULL, 0, &block, err)) != CORE_OK)
            return rc;
        remember_series(t, codes, sk);
        t->last_block = block;
        t->cur_block = SIZE_MAX;
    }
    if (t->cur_block == SIZE_MAX) {
        unsigned char bk[BLOCK_KEY];
        block_key(bk, t->flow, t->last_block);
        if ((rc = block_of(t, bk, BLOCK_KEY, &t->cur_block, err)) != CORE_OK)
            return rc;
        if (t->touched_valid && t->touched_logged && memcmp(t->touched_key, t->last_key, slen) == 0)
            block_at(t, t->cur_block)->logged = 1; /* (a new series, or new attributes) */
    }
    struct block *b = block_at(t, t->cur_block);
    size_t at;
    entry_t old;
    if (!block_find(b, pkey, &at, &old))
        return core_fail(err, CORE_EBUG, "stored observations are damaged");
    uint64_t marks = old.len ? old.commit & ENTRY_MARKS : 0, was = old.commit & ~ENTRY_MARKS;
    /* stamped by this very transaction, or given again unchanged in it: the message gave the
     * observation already (an entry of a series being replaced was not given yet) */
    *twice = old.len > 0 && !(marks & ENTRY_OLD) &&
             (was == t->commit || (marks & ENTRY_SEEN));
    /* an update keeps the attributes it does not name (SDMX Append semantics); a replacement
     * has only those it names */
    rc = entry_encode(&t->scratch, pkey, t->commit, period, value,
                      old.len && !(marks & ENTRY_OLD) ? old.attrs : CORE_STR_NULL, attrs, nattrs,
                      err);
    if (rc != CORE_OK)
        return rc;
    if (old.len > 0 && !*twice && same_entry(&t->scratch, &old)) {
        entry_mark(b, at, was | ENTRY_SEEN); /* unchanged: its commit stays, nothing logged */
        t->counts.obs_unchanged++;
        return t->block_bytes > BLOCK_CACHE_BYTES ? flush_blocks(t, 0, err) : CORE_OK;
    }
    /* a stored value it changes becomes history (before block_put moves its bytes); one this
     * transaction wrote is not stored yet, and the same value again changes nothing */
    if (old.len > 0 && was != t->commit && !same_entry(&t->scratch, &old) &&
        (rc = history_put(t, t->last_block, &old, 'R', err)) != CORE_OK)
        return rc;
    block_put(t, b, &t->scratch, at, old.len);
    if (old.len == 0) {
        t->counts.obs_added++;
        if (b->dels < 0)
            b->dels = may_have_deletions(t, t->last_key, slen);
        if (b->dels && ((rc = log_change(t, t->last_key, slen, pkey, 'R', CORE_STR_NULL, err)) !=
                            CORE_OK ||
                        (rc = history_mark(t, t->last_block, pkey, 'R', err)) != CORE_OK))
            return rc;
    } else if (!*twice) {
        t->counts.obs_updated++;
    }
    t->changed = 1;
    if (!b->logged) {
        if ((rc = log_change(t, t->last_key, slen, NULL, 'U', CORE_STR_NULL, err)) != CORE_OK)
            return rc;
        b->logged = 1;
    }
    return t->block_bytes > BLOCK_CACHE_BYTES ? flush_blocks(t, 0, err) : CORE_OK;
}

static int
series_matches(const store_cube_txn_t *t, const unsigned char *key, const uint32_t *want)
{
    for (size_t d = 0; d < t->ndims; d++)
        if (want[d] != 0 && get_u32(key + 4 + 4 * d) != want[d])
            return 0;
    return 1;
}

/* The keys (copies) of the selected flow's series whose codes are want's (0: any code). */
static core_rc
matching_series(store_cube_txn_t *t, const uint32_t *want, core_vec_t *out, core_err_t *err)
{
    size_t slen = 4 + 4 * t->ndims;
    unsigned char fk[4];
    put_u32(fk, t->flow);
    MDB_cursor *cur;
    int m = mdb_cursor_open(t->txn, t->reg->series, &cur);
    if (m != 0)
        return store__fail(err, m, "cursor");
    MDB_val k = {4, fk}, v;
    for (m = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); m == 0;
         m = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size != slen || memcmp(k.mv_data, fk, 4) != 0)
            break;
        if (series_matches(t, k.mv_data, want))
            core_vec_push(t->a, out, core_arena_strndup(t->a, k.mv_data, slen));
    }
    mdb_cursor_close(cur);
    return m == 0 || m == MDB_NOTFOUND ? CORE_OK : store__fail(err, m, "scan series");
}

/* A group's attributes are part of every series it covers: their records are stamped with
 * this commit and logged, so that updatedAfter shows them. This walks the dataflow's
 * series, once per group whose attributes change. */
static core_rc
touch_group_series(store_cube_txn_t *t, const unsigned char *gk, core_err_t *err)
{
    uint32_t want[CUBE_MAX_DIMS];
    for (size_t d = 0; d < t->ndims; d++)
        want[d] = get_u32(gk + 4 + 4 * d);
    size_t slen = 4 + 4 * t->ndims;
    core_vec_t hits = {0};
    core_rc rc = matching_series(t, want, &hits, err);
    if (rc != CORE_OK)
        return rc;
    MDB_val v;
    int m;
    for (size_t i = 0; i < hits.len; i++) {
        MDB_val sk = {slen, hits.items[i]};
        if ((m = mdb_get(t->txn, t->reg->series, &sk, &v)) != 0)
            return store__fail(err, m, "get series");
        if (v.mv_size < 8)
            continue;
        core_buf_reset(&t->scratch);
        unsigned char c[8];
        put_u64(c, t->commit);
        core_buf_add(&t->scratch, c, 8);
        core_buf_add(&t->scratch, (const unsigned char *)v.mv_data + 8, v.mv_size - 8);
        v = (MDB_val){t->scratch.len, t->scratch.ptr};
        if ((m = mdb_put(t->txn, t->reg->series, &sk, &v, 0)) != 0)
            return store__fail(err, m, "put series");
        if ((rc = log_change(t, hits.items[i], slen, NULL, 'U', CORE_STR_NULL, err)) != CORE_OK)
            return rc;
    }
    return CORE_OK;
}

core_rc
store_cube_put_group(store_cube_txn_t *t, const core_str_t *codes, const dsd_kv_t *attrs,
                   size_t nattrs, core_err_t *err)
{
    unsigned char gk[SERIES_KEY_MAX];
    put_u32(gk, t->flow);
    for (size_t d = 0; d < t->ndims; d++) {
        uint32_t id = 0;
        if (codes[d].ptr != NULL) {
            core_rc rc = code_id(t->txn, t->reg, t->flow, d, codes[d], 1, &id, err);
            if (rc != CORE_OK)
                return rc;
        }
        put_u32(gk + 4 + 4 * d, id);
    }
    MDB_val k = {4 + 4 * t->ndims, gk}, v;
    core_str_t old = CORE_STR_NULL;
    if (mdb_get(t->txn, t->reg->groups, &k, &v) == 0)
        old = (core_str_t){v.mv_data, v.mv_size};
    core_buf_t b;
    core_buf_init(&b);
    blob_merge(&b, old, attrs, nattrs);
    int same = b.len == old.len && (b.len == 0 || memcmp(b.ptr, old.ptr, b.len) == 0);
    v = (MDB_val){b.len, b.ptr};
    int m = b.len && !same ? mdb_put(t->txn, t->reg->groups, &k, &v, 0) : 0;
    core_buf_dispose(&b);
    if (m != 0)
        return store__fail(err, m, "put group attributes");
    if (same)
        return CORE_OK;
    t->changed = 1;
    return touch_group_series(t, gk, err);
}

core_rc
store_cube_put_dataset(store_cube_txn_t *t, const dsd_kv_t *attrs, size_t nattrs, core_err_t *err)
{
    unsigned char fk[4];
    put_u32(fk, t->flow);
    core_buf_t b;
    core_buf_init(&b);
    blob_merge(&b, CORE_STR_NULL, attrs, nattrs);
    MDB_val k = {4, fk}, v;
    int m = b.len ? mdb_get(t->txn, t->reg->dsattr, &k, &v) : 0;
    int same = m == 0 && b.len && v.mv_size == b.len && memcmp(v.mv_data, b.ptr, b.len) == 0;
    if (m == MDB_NOTFOUND)
        m = 0;
    if (m == 0 && b.len && !same) {
        v = (MDB_val){b.len, b.ptr};
        m = mdb_put(t->txn, t->reg->dsattr, &k, &v, 0);
        t->changed = 1;
    }
    core_buf_dispose(&b);
    return m == 0 ? CORE_OK : store__fail(err, m, "put data set attributes");
}

/* ---- deleting ----------------------------------------------------------------------------- */

/* Logs the deletion of an observation. */
static core_rc
log_deleted(store_cube_txn_t *t, const unsigned char *skey, size_t slen, uint32_t block,
            const entry_t *e, core_err_t *err)
{
    t->counts.obs_deleted++;
    t->deletions++;
    t->changed = 1;
    core_rc rc = history_put(t, block, e, 'D', err);
    return rc != CORE_OK ? rc : log_change(t, skey, slen, e->pkey, 'D', e->period, err);
}

/* Deletes one observation of the series (pkey) or all of them and the series (pkey NULL). */
static core_rc
delete_series_obs(store_cube_txn_t *t, const unsigned char *skey, size_t slen,
                  const unsigned char *pkey, core_err_t *err)
{
    MDB_val sk = {slen, (void *)skey}, sv;
    series_rec_t rec;
    int m = mdb_get(t->txn, t->reg->series, &sk, &sv);
    if (m == MDB_NOTFOUND)
        return CORE_OK; /* never stored, or deleted already */
    if (m != 0)
        return store__fail(err, m, "get series");
    if (!series_rec(&sv, &rec))
        return core_fail(err, CORE_EBUG, "a stored series record is damaged");
    unsigned char bk[BLOCK_KEY];
    block_key(bk, get_u32(skey), rec.block);
    size_t bi;
    core_rc rc = block_of(t, bk, BLOCK_KEY, &bi, err);
    if (rc != CORE_OK)
        return rc;
    struct block *b = block_at(t, bi);
    b->dels = 1;
    entry_t e;
    if (pkey != NULL) {
        size_t at;
        if (!block_find(b, pkey, &at, &e))
            return core_fail(err, CORE_EBUG, "stored observations are damaged");
        if (e.len == 0)
            return CORE_OK;
        if ((rc = log_deleted(t, skey, slen, rec.block, &e, err)) != CORE_OK)
            return rc;
        core_buf_t none = {0};
        block_put(t, b, &none, at, e.len);
        return CORE_OK;
    }
    for (size_t off = 0; off < b->buf.len; off += e.len) {
        if (!entry_decode((const unsigned char *)b->buf.ptr + off, b->buf.len - off, &e))
            return core_fail(err, CORE_EBUG, "stored observations are damaged");
        if ((rc = log_deleted(t, skey, slen, rec.block, &e, err)) != CORE_OK)
            return rc;
    }
    t->block_bytes -= b->buf.len;
    b->buf.len = 0;
    b->last_off = SIZE_MAX;
    b->dirty = 1;
    m = mdb_del(t->txn, t->reg->series, &sk, NULL);
    if (m == MDB_NOTFOUND)
        return CORE_OK;
    if (m != 0)
        return store__fail(err, m, "delete series");
    /* its history stays under its block: the gone table finds it */
    unsigned char gk[SERIES_KEY_MAX + 4];
    memcpy(gk, skey, slen);
    put_u32(gk + slen, rec.block);
    MDB_val gkv = {slen + 4, gk}, none = {0, gk};
    if ((m = mdb_put(t->txn, t->reg->gone, &gkv, &none, 0)) != 0)
        return store__fail(err, m, "put gone series");
    t->counts.series_deleted++;
    t->changed = 1;
    return log_change(t, skey, slen, NULL, 'X', CORE_STR_NULL, err);
}

core_rc
store_cube_delete(store_cube_txn_t *t, const core_str_t *codes, const unsigned char *pkey,
                core_err_t *err)
{
    t->last_valid = 0; /* the series record may go: the next observation touches it again */
    t->touched_valid = 0;
    uint32_t want[CUBE_MAX_DIMS];
    int wildcard = 0;
    for (size_t d = 0; d < t->ndims; d++) {
        want[d] = 0;
        if (codes[d].ptr == NULL) {
            wildcard = 1;
            continue;
        }
        core_rc rc = code_id(t->txn, t->reg, t->flow, d, codes[d], 0, &want[d], err);
        if (rc != CORE_OK)
            return rc;
        if (want[d] == 0)
            return CORE_OK; /* a code never stored: nothing to delete */
    }
    unsigned char sk[SERIES_KEY_MAX];
    size_t slen = 4 + 4 * t->ndims;
    put_u32(sk, t->flow);
    int yes;
    core_rc rc;
    if (!wildcard) {
        for (size_t d = 0; d < t->ndims; d++)
            put_u32(sk + 4 + 4 * d, want[d]);
        MDB_val k = {slen, sk}, v;
        int m = mdb_get(t->txn, t->reg->series, &k, &v);
        if (m == MDB_NOTFOUND)
            return CORE_OK;
        if (m != 0)
            return store__fail(err, m, "get series");
        if ((rc = in_scope(t, sk, slen, 1, &yes, err)) != CORE_OK)
            return rc;
        if (!yes)
            return core_fail(err, CORE_EFORBIDDEN, "the series is not the provider's to delete");
        return delete_series_obs(t, sk, slen, pkey, err);
    }
    /* wildcards: the flow's series that match, among those in scope */
    core_vec_t victims = {0};
    if ((rc = matching_series(t, want, &victims, err)) != CORE_OK)
        return rc;
    for (size_t i = 0; i < victims.len; i++) {
        if ((rc = in_scope(t, victims.items[i], slen, 1, &yes, err)) != CORE_OK)
            return rc;
        if (yes && (rc = delete_series_obs(t, victims.items[i], slen, pkey, err)) != CORE_OK)
            return rc;
    }
    return CORE_OK;
}

core_rc
store_cube_put_artefact(store_cube_txn_t *t, const dsd_artefact_t *art, dsd_report_t *report,
                      core_err_t *err)
{
    store_put_status st;
    core_rc rc = store__put_artefact(t->reg, t->txn, art, &st, report, err);
    if (rc == CORE_OK && st != STORE_PUT_UNCHANGED)
        t->changed = t->structures_changed = 1;
    return rc;
}

core_rc
store_cube_log_submission(store_cube_txn_t *t, core_str_t record, core_err_t *err)
{
    unsigned char k8[8];
    put_u64(k8, t->commit);
    MDB_val k = {8, k8}, v = {record.len, (void *)record.ptr};
    int m = mdb_put(t->txn, t->reg->submissions, &k, &v, 0);
    t->changed = 1;
    return m == 0 ? CORE_OK : store__fail(err, m, "log the submission");
}

const store_cube_counts_t *
store_cube_counts(const store_cube_txn_t *t)
{
    return &t->counts;
}

core_rc
store_cube_commit(store_cube_txn_t *t, core_err_t *err)
{
    int m;
    core_rc rc0 = t->replacing ? store_cube_replace_end(t, err) : CORE_OK;
    if (rc0 == CORE_OK)
        rc0 = flush_blocks(t, 1, err);
    if (rc0 == CORE_OK)
        rc0 = flush_log(t, err);
    if (rc0 != CORE_OK)
        return rc0;
    if (t->next_block != 0 &&
        (m = store__meta_put(t->reg, t->txn, "blocks", t->next_block - 1)) != 0)
        return store__fail(err, m, "put the block counter");
    if (t->changed) {
        core_rc rc = store__stamp(t->reg, t->txn, t->commit, t->structures_changed, err);
        if (rc != CORE_OK)
            return rc;
    }
    m = store__commit(t->txn);
    t->txn = NULL;
    return m == 0 ? CORE_OK : store__fail(err, m, "commit data");
}

void
store_cube_abort(store_cube_txn_t *t)
{
    abort_deferred(t);
}

/* ---- reading ------------------------------------------------------------------------------ */

core_rc
store_cube_open(store_view_t *v, const dsd_ref_t *flow, store_cube_t **out, core_err_t *err)
{
    unsigned char kb[STORE_KEY_MAX];
    size_t kn = store__key(flow, kb, sizeof kb);
    MDB_val k = {kn, kb}, val;
    int m = mdb_get(v->txn, v->reg->flows, &k, &val);
    if (m == MDB_NOTFOUND || kn == 0)
        return core_fail(err, CORE_ENOTFOUND, "no data stored for %s",
                         dsd_ref_label(v->arena, flow));
    if (m != 0)
        return store__fail(err, m, "get flow");
    store_cube_t *c = core_arena_zalloc(v->arena, sizeof *c);
    c->v = v;
    c->flow = get_u32(val.mv_data);
    c->ndims = get_u32((const unsigned char *)val.mv_data + 4);
    *out = c;
    return CORE_OK;
}

size_t
store_cube_ndims(const store_cube_t *c)
{
    return c->ndims;
}

int
store_cube_code_id(store_cube_t *c, size_t dim, core_str_t code, uint32_t *id)
{
    core_err_t e = {0};
    return code_id(c->v->txn, c->v->reg, c->flow, dim, code, 0, id, &e) == CORE_OK && *id != 0;
}

core_str_t
store_cube_code(store_cube_t *c, size_t dim, uint32_t id)
{
    if (dim < CUBE_MAX_DIMS && id != 0 && c->memo_id[dim] == id)
        return c->memo_code[dim];
    unsigned char kb[10];
    put_u32(kb, c->flow);
    kb[4] = (unsigned char)(dim >> 8);
    kb[5] = (unsigned char)dim;
    put_u32(kb + 6, id);
    MDB_val k = {10, kb}, v;
    if (mdb_get(c->v->txn, c->v->reg->codeids, &k, &v) != 0)
        return CORE_STR("?");
    core_str_t code = {v.mv_data, v.mv_size};
    if (dim < CUBE_MAX_DIMS) {
        c->memo_id[dim] = id;
        c->memo_code[dim] = code; /* the map's bytes: valid as long as the view */
    }
    return code;
}

core_str_t
store_cube_dataset_attrs(store_cube_t *c)
{
    unsigned char fk[4];
    put_u32(fk, c->flow);
    MDB_val k = {4, fk}, v;
    if (mdb_get(c->v->txn, c->v->reg->dsattr, &k, &v) != 0)
        return CORE_STR_NULL;
    return (core_str_t){v.mv_data, v.mv_size};
}

core_rc
store_cube_series_provider(store_cube_t *c, const uint32_t *ids, core_str_t *agency, core_str_t *id,
                         core_err_t *err)
{
    unsigned char kb[SERIES_KEY_MAX];
    put_u32(kb, c->flow);
    for (size_t d = 0; d < c->ndims; d++)
        put_u32(kb + 4 + 4 * d, ids[d]);
    MDB_val k = {4 + 4 * c->ndims, kb}, v;
    int m = mdb_get(c->v->txn, c->v->reg->providers, &k, &v);
    if (m == MDB_NOTFOUND)
        return CORE_ENOTFOUND;
    if (m != 0)
        return store__fail(err, m, "get series provider");
    const char *p = v.mv_data, *nul = memchr(p, '\0', v.mv_size);
    if (nul == NULL)
        return core_fail(err, CORE_EBUG, "a series provider record without its separator");
    *agency = (core_str_t){p, (size_t)(nul - p)};
    *id = (core_str_t){nul + 1, v.mv_size - (size_t)(nul - p) - 1};
    return CORE_OK;
}

static void
close_cursors(void *arg)
{
    store_series_iter_t *it = arg;
    if (it->scur)
        mdb_cursor_close(it->scur);
    if (it->hcur)
        mdb_cursor_close(it->hcur);
    if (it->gcur)
        mdb_cursor_close(it->gcur);
}

core_rc
store_series_iter_new(store_cube_t *c, const store_key_filter_t *filter, store_series_iter_t **out,
                    core_err_t *err)
{
    store_series_iter_t *it = core_arena_zalloc(c->v->arena, sizeof *it);
    it->c = c;
    it->filter = filter;
    int m = mdb_cursor_open(c->v->txn, c->v->reg->series, &it->scur);
    core_arena_defer(c->v->arena, close_cursors, it);
    if (m != 0)
        return store__fail(err, m, "cursor");
    it->klen = 4 + 4 * c->ndims;
    put_u32(it->key, c->flow);
    memset(it->key + 4, 0, it->klen - 4);
    *out = it;
    return CORE_OK;
}

int
store_key_filter_allows_code(const store_key_filter_t *f, size_t d, uint32_t id)
{
    if (f == NULL || f->n[d] == SIZE_MAX)
        return 1;
    for (size_t i = 0; i < f->n[d]; i++)
        if (f->ids[d][i] == id)
            return 1;
    return 0;
}

int
store_key_filter_allows(const store_key_filter_t *f, const uint32_t *ids, size_t ndims)
{
    for (size_t d = 0; d < ndims; d++)
        if (!store_key_filter_allows_code(f, d, ids[d]))
            return 0;
    return 1;
}

/* The smallest allowed id above id in dimension d (0 when none). */
static uint32_t
next_allowed(const store_key_filter_t *f, size_t d, uint32_t id)
{
    if (f->n[d] == SIZE_MAX)
        return id == UINT32_MAX ? 0 : id + 1;
    for (size_t i = 0; i < f->n[d]; i++)
        if (f->ids[d][i] > id)
            return f->ids[d][i];
    return 0;
}

static uint32_t
first_allowed(const store_key_filter_t *f, size_t d)
{
    return f->n[d] == SIZE_MAX ? 0 : (f->n[d] ? f->ids[d][0] : UINT32_MAX);
}

/* Moves it->key to the smallest key above ids that could pass the filter, bumping dimension
 * d (or an earlier one); returns 0 when no such key exists. */
static int
skip_to(store_series_iter_t *it, const uint32_t *ids, size_t d)
{
    const store_key_filter_t *f = it->filter;
    for (size_t e = d + 1; e-- > 0;) {
        uint32_t nx = next_allowed(f, e, ids[e]);
        if (nx == 0)
            continue;
        for (size_t i = 0; i < e; i++)
            put_u32(it->key + 4 + 4 * i, ids[i]);
        put_u32(it->key + 4 + 4 * e, nx);
        for (size_t i = e + 1; i < it->c->ndims; i++)
            put_u32(it->key + 4 + 4 * i, first_allowed(f, i));
        return 1;
    }
    return 0;
}

/* The series record v of the iterator's current series, to out. */
static core_rc
series_out(store_series_iter_t *it, const MDB_val *v, store_series_t *out, core_err_t *err)
{
    series_rec_t rec;
    if (!series_rec(v, &rec))
        return core_fail(err, CORE_EBUG, "a stored series record is damaged");
    out->ids = it->ids;
    out->commit = rec.commit;
    out->attrs = rec.attrs;
    it->block_no = rec.block;
    return CORE_OK;
}

static core_rc versions_next(store_series_iter_t *it, store_series_t *out, core_err_t *err);

static core_rc
live_next(store_series_iter_t *it, store_series_t *out, core_err_t *err)
{
    const store_key_filter_t *f = it->filter;
    size_t nd = it->c->ndims;
    MDB_val k, v;
    int m;
    if (it->done)
        return CORE_ENOTFOUND;
    if (!it->started && f != NULL && !it->seeked)
        for (size_t d = 0; d < nd; d++)
            put_u32(it->key + 4 + 4 * d, first_allowed(f, d));
    it->seeked = 0;
    for (;;) {
        if (!it->started) {
            k = (MDB_val){it->klen, it->key};
            m = mdb_cursor_get(it->scur, &k, &v, MDB_SET_RANGE);
            it->started = 1;
        } else {
            m = mdb_cursor_get(it->scur, &k, &v, MDB_NEXT);
        }
        if (m == MDB_NOTFOUND || (m == 0 && memcmp(k.mv_data, it->key, 4) != 0)) {
            it->done = 1;
            return CORE_ENOTFOUND;
        }
        if (m != 0)
            return store__fail(err, m, "scan series");
        const unsigned char *p = k.mv_data;
        size_t bad = SIZE_MAX;
        for (size_t d = 0; d < nd; d++) {
            it->ids[d] = get_u32(p + 4 + 4 * d);
            if (bad == SIZE_MAX && !store_key_filter_allows_code(f, d, it->ids[d]))
                bad = d;
        }
        if (bad == SIZE_MAX) {
            memcpy(it->key, p, it->klen);
            return series_out(it, &v, out, err);
        }
        if (!skip_to(it, it->ids, bad)) {
            it->done = 1;
            return CORE_ENOTFOUND;
        }
        it->started = 0; /* seek */
    }
}

core_rc
store_series_iter_next(store_series_iter_t *it, store_series_t *out, core_err_t *err)
{
    return it->which == STORE_VERSIONS_CURRENT ? live_next(it, out, err)
                                               : versions_next(it, out, err);
}

void
store_series_iter_seek(store_series_iter_t *it, const uint32_t *ids)
{
    put_u32(it->key, it->c->flow);
    for (size_t d = 0; d < it->c->ndims; d++)
        put_u32(it->key + 4 + 4 * d, ids[d]);
    it->started = 0;
    it->done = 0;
    it->seeked = 1;
    memcpy(it->hpos, it->key, it->klen);
    memset(it->hpos + it->klen, 0, 4);
    it->lhave = it->ldone = it->hhave = it->hdone = 0;
}

void
store_series_iter_versions(store_series_iter_t *it, store_versions which, uint64_t commit)
{
    uint32_t first[CUBE_MAX_DIMS] = {0};
    it->which = which;
    it->vcommit = commit;
    store_series_iter_seek(it, first);
}

/* The key after k (klen bytes, the flow's 4 first); 0 when none. */
static int
key_successor(unsigned char *k, size_t klen)
{
    for (size_t i = klen; i-- > 4;)
        if (++k[i] != 0)
            return 1;
    return 0;
}

/* The next series gone (at or after it->hpos) that passes the filter, to hkey and hblock. */
static core_rc
gone_next(store_series_iter_t *it, core_err_t *err)
{
    int m;
    size_t gl = it->klen + 4;
    if (it->gcur == NULL &&
        (m = mdb_cursor_open(it->c->v->txn, it->c->v->reg->gone, &it->gcur)) != 0)
        return store__fail(err, m, "cursor");
    for (;;) {
        MDB_val k = {gl, it->hpos}, v;
        m = mdb_cursor_get(it->gcur, &k, &v, MDB_SET_RANGE);
        if (m == MDB_NOTFOUND ||
            (m == 0 && (k.mv_size != gl || memcmp(k.mv_data, it->hpos, 4) != 0))) {
            it->hdone = 1;
            return CORE_ENOTFOUND;
        }
        if (m != 0)
            return store__fail(err, m, "scan gone series");
        memcpy(it->hpos, k.mv_data, gl);
        memcpy(it->hkey, k.mv_data, it->klen);
        it->hblock = get_u32(it->hpos + it->klen);
        int pass = 1;
        for (size_t d = 0; d < it->c->ndims && pass; d++)
            pass = store_key_filter_allows_code(it->filter, d, get_u32(it->hkey + 4 + 4 * d));
        if (!key_successor(it->hpos, gl))
            it->hdone = 1; /* (after this one) */
        if (pass) {
            it->hhave = 1;
            return CORE_OK;
        }
        if (it->hdone)
            return CORE_ENOTFOUND;
    }
}

/* The next series of the store or gone, in key order (a series gone before the same one
 * made again). */
static core_rc
versions_next(store_series_iter_t *it, store_series_t *out, core_err_t *err)
{
    core_rc rc;
    if (!it->lhave && !it->ldone) {
        rc = live_next(it, &it->lser, err);
        if (rc == CORE_ENOTFOUND)
            it->ldone = 1;
        else if (rc != CORE_OK)
            return rc;
        else {
            it->lhave = 1;
            memcpy(it->lkey, it->key, it->klen);
            it->lblock = it->block_no;
        }
    }
    if (!it->hhave && !it->hdone && (rc = gone_next(it, err)) != CORE_OK && rc != CORE_ENOTFOUND)
        return rc;
    if (!it->lhave && !it->hhave)
        return CORE_ENOTFOUND;
    int c = !it->lhave ? 1 : !it->hhave ? -1 : memcmp(it->lkey, it->hkey, it->klen);
    if (c < 0) {
        memcpy(it->cur, it->lkey, it->klen);
        *out = it->lser;
        it->block_no = it->lblock;
        it->cur_gone = 0;
        it->lhave = 0;
    } else {
        memcpy(it->cur, it->hkey, it->klen);
        *out = (store_series_t){0};
        it->block_no = it->hblock;
        it->cur_gone = 1;
        it->hhave = 0;
    }
    for (size_t d = 0; d < it->c->ndims; d++)
        it->ids[d] = get_u32(it->cur + 4 + 4 * d);
    out->ids = it->ids;
    return CORE_OK;
}

/* Whether it gives the version [start, until) of an observation (until 0: stored still). */
static int
version_wanted(const store_series_iter_t *it, uint64_t start, uint64_t until, int deleted)
{
    uint64_t c = it->vcommit;
    switch (it->which) {
    case STORE_VERSIONS_AS_OF: return start <= c && (until == 0 || until > c);
    case STORE_VERSIONS_WRITTEN_AT: return start == c;
    case STORE_VERSIONS_DELETED_AT: return until == c && deleted;
    default: return 1;
    }
}

static int
overlaps(const store_series_iter_t *it, const entry_t *e)
{
    store_obs_t o;
    entry_obs(e, &o);
    return o.start < it->to && o.end > it->from;
}

/* Decodes a history row of the series it->cur; 0 when it is not one. */
static int
hist_decode(const store_series_iter_t *it, const MDB_val *k, const MDB_val *v, entry_t *e,
            uint64_t *until, int *deleted)
{
    const unsigned char *kp = k->mv_data, *vp = v->mv_data;
    (void)it;
    if (k->mv_size != HIST_KEY || v->mv_size < HIST_HDR ||
        tail_decode(vp + HIST_HDR, v->mv_size - HIST_HDR, e) == 0)
        return 0;
    e->pkey = kp + BLOCK_KEY;
    e->commit = get_u64(vp);
    e->len = 0;
    *until = get_u64(kp + BLOCK_KEY + DSD_PERIOD_KEY);
    *deleted = vp[8] == 'D';
    return 1;
}

/* The next wanted history row of the current series into it->he (it->h_ok). */
static core_rc
hist_step(store_series_iter_t *it, core_err_t *err)
{
    unsigned char bk[BLOCK_KEY];
    block_key(bk, it->c->flow, it->block_no);
    while (!it->h_ok && !it->h_end) {
        MDB_val k, v;
        int m;
        if (!it->h_started) {
            k = (MDB_val){BLOCK_KEY, bk};
            m = mdb_cursor_get(it->hcur, &k, &v, MDB_SET_RANGE);
            it->h_started = 1;
        } else {
            m = mdb_cursor_get(it->hcur, &k, &v, MDB_NEXT);
        }
        if (m == MDB_NOTFOUND ||
            (m == 0 && (k.mv_size < BLOCK_KEY || memcmp(k.mv_data, bk, BLOCK_KEY) != 0))) {
            it->h_end = 1;
            break;
        }
        if (m != 0)
            return store__fail(err, m, "read history");
        if (!hist_decode(it, &k, &v, &it->he, &it->h_until, &it->h_deleted))
            return core_fail(err, CORE_EBUG, "a history row is damaged");
        it->h_ok = version_wanted(it, it->he.commit, it->h_until, it->h_deleted) &&
                   overlaps(it, &it->he);
    }
    return CORE_OK;
}

/* obs_step for versions: the series' block and its history rows merged in period-key order. */
static core_rc
versions_step(store_series_iter_t *it, core_err_t *err)
{
    const unsigned char *p = (const unsigned char *)it->block.ptr;
    while (!it->l_ok && it->off < it->block.len) {
        if (!entry_decode(p + it->off, it->block.len - it->off, &it->le))
            return core_fail(err, CORE_EBUG, "a stored observation is damaged");
        it->off += it->le.len;
        it->l_ok = version_wanted(it, it->le.commit, 0, 0) && overlaps(it, &it->le);
    }
    if (it->hcur == NULL) {
        int m = mdb_cursor_open(it->c->v->txn, it->c->v->reg->history, &it->hcur);
        if (m != 0)
            return store__fail(err, m, "cursor");
    }
    return hist_step(it, err);
}

static core_rc
versions_obs(store_series_iter_t *it, store_obs_t *out, core_err_t *err)
{
    core_rc rc = versions_step(it, err);
    if (rc != CORE_OK)
        return rc;
    if (!it->l_ok && !it->h_ok)
        return CORE_ENOTFOUND;
    int c = !it->l_ok ? 1 : !it->h_ok ? -1 : memcmp(it->le.pkey, it->he.pkey, DSD_PERIOD_KEY);
    if (c < 0 || (c == 0 && it->which != STORE_VERSIONS_ALL)) { /* (then only one is wanted) */
        entry_obs(&it->le, out);
        it->l_ok = 0;
        it->h_ok = it->h_ok && c != 0;
        return CORE_OK;
    }
    entry_obs(&it->he, out); /* a history row: older than the stored entry of its period */
    out->until = it->h_until;
    out->deleted = it->h_deleted;
    it->h_ok = 0;
    return CORE_OK;
}

/* Steps through the current series' block (first: read it) to the next observation that
 * overlaps [from, to) and is recent enough. */
static core_rc
obs_step(store_series_iter_t *it, int first, store_obs_t *out, core_err_t *err)
{
    if (first) {
        unsigned char bk[BLOCK_KEY];
        block_key(bk, it->c->flow, it->block_no);
        MDB_val k = {BLOCK_KEY, bk}, v;
        /* a series gone has its history only; what a commit deleted is in the history */
        int live = it->which == STORE_VERSIONS_CURRENT ||
                   (!it->cur_gone && it->which != STORE_VERSIONS_DELETED_AT);
        int m = live ? mdb_get(it->c->v->txn, it->c->v->reg->obs, &k, &v) : MDB_NOTFOUND;
        if (m != 0 && m != MDB_NOTFOUND)
            return store__fail(err, m, "get observations");
        it->block = m == 0 ? (core_str_t){v.mv_data, v.mv_size} : CORE_STR_NULL;
        it->off = 0;
        it->l_ok = it->h_ok = it->h_started = it->h_end = 0;
    }
    if (it->which != STORE_VERSIONS_CURRENT)
        return versions_obs(it, out, err);
    const unsigned char *p = (const unsigned char *)it->block.ptr;
    while (it->off < it->block.len) {
        entry_t e;
        if (!entry_decode(p + it->off, it->block.len - it->off, &e))
            return core_fail(err, CORE_EBUG, "a stored observation is damaged");
        it->off += e.len;
        if (e.commit < it->min_commit)
            continue;
        entry_obs(&e, out);
        if (out->start < it->to && out->end > it->from)
            return CORE_OK;
    }
    return CORE_ENOTFOUND;
}

core_rc
store_obs_first(store_series_iter_t *it, int64_t from, int64_t to, store_obs_t *out, core_err_t *err)
{
    it->from = from;
    it->to = to;
    return obs_step(it, 1, out, err);
}

core_rc
store_obs_next(store_series_iter_t *it, store_obs_t *out, core_err_t *err)
{
    return obs_step(it, 0, out, err);
}

/* ---- the change log ------------------------------------------------------------------------ */

/* The first commit made after the instant after_us (microseconds) into *first; 0 when none.
 * A failed read is an error, not "no commit": that would answer "nothing changed". */
static core_rc
first_commit_after(store_view_t *v, int64_t after_us, uint64_t *first, core_err_t *err)
{
    MDB_cursor *cur;
    *first = 0;
    int m = mdb_cursor_open(v->txn, v->reg->commits, &cur);
    if (m != 0)
        return store__fail(err, m, "cursor");
    MDB_val k, val;
    /* commits are few and recent ones are asked for: walk back from the newest */
    for (m = mdb_cursor_get(cur, &k, &val, MDB_LAST); m == 0;
         m = mdb_cursor_get(cur, &k, &val, MDB_PREV)) {
        int64_t us;
        if (val.mv_size != sizeof us || k.mv_size != 8)
            continue;
        memcpy(&us, val.mv_data, sizeof us);
        if (us <= after_us)
            break;
        *first = get_u64(k.mv_data);
    }
    mdb_cursor_close(cur);
    return m == 0 || m == MDB_NOTFOUND ? CORE_OK : store__fail(err, m, "read the commits");
}

core_rc
store_view_first_commit_after(store_view_t *v, int64_t after_us, uint64_t *commit, core_err_t *err)
{
    return first_commit_after(v, after_us, commit, err);
}

static int
cmp_change(const void *pa, const void *pb, void *arg)
{
    const store_change_t *a = pa, *b = pb;
    size_t n = *(const size_t *)arg;
    for (size_t d = 0; d < n; d++)
        if (a->ids[d] != b->ids[d])
            return a->ids[d] < b->ids[d] ? -1 : 1;
    return 0;
}

static store_change_t *
change_for(store_cube_t *c, store_change_t **list, size_t *n, size_t *cap, const unsigned char *sk)
{
    /* the log is in commit order; a series touched often repeats, so look back a little */
    for (size_t i = *n; i-- > 0 && i + 64 > *n;) {
        int same = 1;
        for (size_t d = 0; d < c->ndims && same; d++)
            same = (*list)[i].ids[d] == get_u32(sk + 4 + 4 * d);
        if (same)
            return &(*list)[i];
    }
    core_arena_grow(c->v->arena, (void **)list, *n, cap, sizeof **list);
    store_change_t *ch = &(*list)[(*n)++];
    memset(ch, 0, sizeof *ch);
    ch->ids = core_arena_alloc(c->v->arena, c->ndims * sizeof *ch->ids);
    for (size_t d = 0; d < c->ndims; d++)
        ch->ids[d] = get_u32(sk + 4 + 4 * d);
    return ch;
}

/* Folds the entries of a sorted list that name the same series into one. */
static size_t
merge_changes(store_cube_t *c, store_change_t *list, size_t n)
{
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        if (out > 0 && memcmp(list[out - 1].ids, list[i].ids, c->ndims * sizeof *list->ids) == 0) {
            store_change_t *m = &list[out - 1];
            m->updated |= list[i].updated;
            m->deleted_series |= list[i].deleted_series;
            for (size_t j = 0; j < list[i].nperiods; j++) {
                core_arena_grow(c->v->arena, (void **)&m->periods, m->nperiods, &m->cap,
                                sizeof *m->periods);
                m->periods[m->nperiods++] = list[i].periods[j];
            }
            continue;
        }
        list[out++] = list[i];
    }
    return out;
}

core_rc
store_cube_changes(store_cube_t *c, int64_t after_us, store_change_t **out, size_t *n,
                 uint64_t *min_commit, core_err_t *err)
{
    *out = NULL;
    *n = 0;
    core_rc rc0 = first_commit_after(c->v, after_us, min_commit, err);
    if (rc0 != CORE_OK || *min_commit == 0)
        return rc0;
    MDB_cursor *cur;
    int m = mdb_cursor_open(c->v->txn, c->v->reg->changes, &cur);
    if (m != 0)
        return store__fail(err, m, "cursor");
    unsigned char start[8];
    put_u64(start, *min_commit);
    MDB_val k = {8, start}, v;
    size_t cap = 0, slen = 4 + 4 * c->ndims;
    for (m = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); m == 0;
         m = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        const unsigned char *p = k.mv_data;
        if (k.mv_size < 8 + slen || get_u32(p + 8) != c->flow || v.mv_size < 1)
            continue;
        store_change_t *ch = change_for(c, out, n, &cap, p + 8);
        char type = *(const char *)v.mv_data;
        if (type == 'U') {
            ch->updated = 1;
        } else if (type == 'X') {
            ch->deleted_series = 1;
        } else if (type == 'D') {
            core_arena_grow(c->v->arena, (void **)&ch->periods, ch->nperiods, &ch->cap,
                            sizeof *ch->periods);
            ch->periods[ch->nperiods++] =
                (core_str_t){(const char *)v.mv_data + 1, v.mv_size - 1};
        }
    }
    mdb_cursor_close(cur);
    if (m != 0 && m != MDB_NOTFOUND)
        return store__fail(err, m, "read the change log");
    if (*n == 0)
        return CORE_OK; /* (commits that changed no data: a submission sent again) */
    size_t nd = c->ndims;
    qsort_r(*out, *n, sizeof **out, cmp_change, &nd);
    *n = merge_changes(c, *out, *n);
    return CORE_OK;
}

core_rc
store_series_iter_at(store_series_iter_t *it, const uint32_t *ids, uint64_t min_commit,
                   store_series_t *out, core_err_t *err)
{
    put_u32(it->key, it->c->flow);
    for (size_t d = 0; d < it->c->ndims; d++) {
        put_u32(it->key + 4 + 4 * d, ids[d]);
        it->ids[d] = ids[d];
    }
    it->min_commit = min_commit;
    MDB_val k = {it->klen, it->key}, v;
    int m = mdb_get(it->c->v->txn, it->c->v->reg->series, &k, &v);
    if (m == MDB_NOTFOUND)
        return CORE_ENOTFOUND;
    if (m != 0)
        return store__fail(err, m, "get series");
    return series_out(it, &v, out, err);
}

core_rc
store_cube_groups(store_cube_t *c, store_group_t **out, size_t *n, core_err_t *err)
{
    *out = NULL;
    *n = 0;
    MDB_cursor *cur;
    int m = mdb_cursor_open(c->v->txn, c->v->reg->groups, &cur);
    if (m != 0)
        return store__fail(err, m, "cursor");
    unsigned char fk[4];
    put_u32(fk, c->flow);
    MDB_val k = {4, fk}, v;
    size_t cap = 0;
    for (m = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); m == 0;
         m = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 4 + 4 * c->ndims || memcmp(k.mv_data, fk, 4) != 0)
            break;
        core_arena_grow(c->v->arena, (void **)out, *n, &cap, sizeof **out);
        store_group_t *g = &(*out)[(*n)++];
        g->ids = core_arena_alloc(c->v->arena, c->ndims * sizeof *g->ids);
        g->mask = 0;
        for (size_t d = 0; d < c->ndims; d++) {
            g->ids[d] = get_u32((const unsigned char *)k.mv_data + 4 + 4 * d);
            if (g->ids[d] != 0)
                g->mask |= UINT64_C(1) << d;
        }
        g->attrs = (core_str_t){v.mv_data, v.mv_size};
    }
    mdb_cursor_close(cur);
    if (m != 0 && m != MDB_NOTFOUND)
        return store__fail(err, m, "read groups");
    return CORE_OK;
}

core_rc
store_cube_stored_attrs(store_cube_t *c, const core_str_t *codes, const unsigned char *pkey,
                      core_str_t *out, core_err_t *err)
{
    unsigned char kb[OBS_KEY_MAX];
    *out = CORE_STR_NULL;
    put_u32(kb, c->flow);
    for (size_t d = 0; d < c->ndims; d++) {
        uint32_t id;
        if (!store_cube_code_id(c, d, codes[d], &id))
            return CORE_ENOTFOUND;
        put_u32(kb + 4 + 4 * d, id);
    }
    size_t slen = 4 + 4 * c->ndims;
    MDB_val k = {slen, kb}, v;
    series_rec_t rec;
    int m = mdb_get(c->v->txn, c->v->reg->series, &k, &v);
    if (m == 0 && !series_rec(&v, &rec))
        return core_fail(err, CORE_EBUG, "a stored series record is damaged");
    if (m == 0 && pkey == NULL)
        *out = rec.attrs;
    unsigned char bk[BLOCK_KEY];
    if (m == 0 && pkey != NULL) {
        block_key(bk, c->flow, rec.block);
        k = (MDB_val){BLOCK_KEY, bk};
        m = mdb_get(c->v->txn, c->v->reg->obs, &k, &v);
    }
    if (m == 0 && pkey != NULL) {
        m = MDB_NOTFOUND;
        entry_t e;
        for (size_t off = 0; off < v.mv_size && m == MDB_NOTFOUND; off += e.len) {
            if (!entry_decode((const unsigned char *)v.mv_data + off, v.mv_size - off, &e))
                return core_fail(err, CORE_EBUG, "a stored observation is damaged");
            if (memcmp(e.pkey, pkey, DSD_PERIOD_KEY) == 0) {
                *out = e.attrs;
                m = 0;
            }
        }
    }
    if (m == MDB_NOTFOUND)
        return CORE_ENOTFOUND;
    return m == 0 ? CORE_OK : store__fail(err, m, "get stored attributes");
}
