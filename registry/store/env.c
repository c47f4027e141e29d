#include <config.h>
#include "store_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

/* Address space only: the data file grows as pages are written (pwrite), never to this. */
#define STORE_MAP_SIZE ((size_t)64 << 30)

core_rc
store__fail(core_err_t *err, int mdb_rc, const char *what)
{
    /* LMDB gives errno values back as they are: a write that meets a full disk or quota
     * fails in mdb_put (spilling pages) or in the commit (its writes and fsync); the commit
     * writes the meta page last, so the store stays as it was. */
    switch (mdb_rc) {
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
        return core_fail(err, CORE_ENOSPACE,
                         "no space left for the store (%s: %s); nothing of this write was stored",
                         what, mdb_strerror(mdb_rc));
    case MDB_MAP_FULL:
        return core_fail(err, CORE_ENOSPACE,
                         "the store is full: its map of %zu GiB is used up (%s: %s); nothing of "
                         "this write was stored",
                         STORE_MAP_SIZE >> 30, what, mdb_strerror(mdb_rc));
    case MDB_TXN_FULL:
        return core_fail(err, CORE_ETOOBIG, "store: %s: %s", what, mdb_strerror(mdb_rc));
    default:
        return core_fail(err, CORE_EIO, "store: %s: %s", what, mdb_strerror(mdb_rc));
    }
}

size_t
store__key(const dsd_ref_t *ref, unsigned char *out, size_t cap)
{
    size_t n = 1 + ref->agency.len + 1 + ref->id.len + 1 + ref->version.len;
    if (n > cap)
        return 0;
    unsigned char *p = out;
    *p++ = (unsigned char)ref->kind;
    memcpy(p, ref->agency.ptr, ref->agency.len);
    p += ref->agency.len;
    *p++ = 0;
    memcpy(p, ref->id.ptr, ref->id.len);
    p += ref->id.len;
    *p++ = 0;
    if (ref->version.len)
        memcpy(p, ref->version.ptr, ref->version.len);
    return n;
}

int
store__key_decode(const void *key, size_t len, dsd_ref_t *out)
{
    const char *p = key, *end = p + len;
    if (len < 3)
        return 0;
    out->kind = (dsd_kind)(unsigned char)*p++;
    const char *z = memchr(p, 0, (size_t)(end - p));
    if (z == NULL)
        return 0;
    out->agency = (core_str_t){p, (size_t)(z - p)};
    p = z + 1;
    z = memchr(p, 0, (size_t)(end - p));
    if (z == NULL)
        return 0;
    out->id = (core_str_t){p, (size_t)(z - p)};
    p = z + 1;
    out->version = (core_str_t){p, (size_t)(end - p)};
    return 1;
}

core_rc
store__meta_read(const store_t *r, MDB_txn *txn, const char *name, uint64_t *out, core_err_t *err)
{
    MDB_val k = {strlen(name), (void *)name}, v;
    *out = 0;
    int m = mdb_get(txn, r->meta, &k, &v);
    if (m == MDB_NOTFOUND)
        return CORE_OK;
    if (m != 0)
        return store__fail(err, m, name);
    if (v.mv_size != sizeof *out)
        return core_fail(err, CORE_EIO, "the store's counter %s has %zu bytes, not %zu", name,
                         v.mv_size, sizeof *out);
    memcpy(out, v.mv_data, sizeof *out);
    return CORE_OK;
}

int
store__meta_put(const store_t *r, MDB_txn *txn, const char *name, uint64_t x)
{
    MDB_val k = {strlen(name), (void *)name}, v = {sizeof x, &x};
    return mdb_put(txn, r->meta, &k, &v, 0);
}

static core_rc
check_layout(store_t *r, MDB_txn *txn, const char *dir, int upgrading, core_err_t *err)
{
    uint64_t layout;
    core_rc rc = store__meta_read(r, txn, "layout", &layout, err);
    if (rc != CORE_OK)
        return rc;
    int earlier = layout == STORE_LAYOUT_PREVIOUS || layout == STORE_LAYOUT_XML_ONLY;
    if (layout == STORE_LAYOUT || (upgrading && earlier))
        return CORE_OK;
    MDB_stat st, arts;
    int m;
    if ((m = mdb_stat(txn, r->obs, &st)) != 0 || (m = mdb_stat(txn, r->art, &arts)) != 0)
        return store__fail(err, m, "stat");
    /* a store of an earlier release: no history table, or artefacts without their model */
    if (earlier || (layout == 0 && arts.ms_entries > 0))
        return core_fail(err, CORE_EIO,
                         "%s was written by an earlier sdmxd (store layout %llu; this sdmxd "
                         "reads %d): carry it over with 'sdmxd upgrade --db %s' (artefacts are "
                         "re-read and stored anew; data, tokens, providers and the change log "
                         "stay as they are; the history of observations starts empty)",
                         dir, (unsigned long long)layout, STORE_LAYOUT, dir);
    if (layout != 0 || st.ms_entries > 0)
        return core_fail(err, CORE_EIO,
                         "%s holds data in another layout (%llu; this sdmxd reads %d): load "
                         "the data again into a new store",
                         dir, (unsigned long long)layout, STORE_LAYOUT);
    if (r->readonly)
        return CORE_OK;
    m = store__meta_put(r, txn, "layout", STORE_LAYOUT);
    return m == 0 ? CORE_OK : store__fail(err, m, "put layout");
}

/* A store once opened with MDB_WRITEMAP has a data file as long as the map (64 GiB, sparse),
 * and a write that failed (or a process killed while committing) may have left pages past the
 * last one in use, holding disk space nothing refers to: the file is cut to the pages in use,
 * so that its size is what it holds. Called inside a write transaction, so no other writer
 * runs; readers never look past the last page of their snapshot. Best effort: a store that is
 * not cut still works. */
static void
trim_file(MDB_env *env)
{
    MDB_envinfo info;
    MDB_stat st;
    mdb_filehandle_t fd;
    struct stat sb;
    if (mdb_env_info(env, &info) != 0 || mdb_env_stat(env, &st) != 0 ||
        mdb_env_get_fd(env, &fd) != 0 || fstat(fd, &sb) != 0)
        return;
    off_t used = ((off_t)info.me_last_pgno + 1) * (off_t)st.ms_psize;
    if (sb.st_size > used && ftruncate(fd, used) != 0)
        core_log(CORE_LOG_WARN, "store: cannot cut data.mdb to the %lld bytes in use: %s",
                 (long long)used, strerror(errno));
}

int
store__write_begin(store_t *r, MDB_txn **txn)
{
    int m = mdb_txn_begin(r->env, NULL, 0, txn);
    if (m == 0)
        trim_file(r->env);
    return m;
}

/* Whether the file system of the store has (all but) no room left for us: under 1 MiB. */
static int
disk_full(MDB_env *env)
{
    mdb_filehandle_t fd;
    struct statvfs st;
    if (mdb_env_get_fd(env, &fd) != 0 || fstatvfs(fd, &st) != 0)
        return 0;
    return (unsigned long long)st.f_bavail * st.f_frsize < ((unsigned long long)1 << 20);
}

/* Whether data.mdb has grown to the process's file size limit (ulimit -f): a write cut short
 * there is EIO to LMDB too. */
static int
at_file_limit(MDB_env *env)
{
    struct rlimit lim;
    mdb_filehandle_t fd;
    struct stat sb;
    if (getrlimit(RLIMIT_FSIZE, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY ||
        mdb_env_get_fd(env, &fd) != 0 || fstat(fd, &sb) != 0)
        return 0;
    return (unsigned long long)sb.st_size + 65536 >= (unsigned long long)lim.rlim_cur;
}

int
store__commit(MDB_txn *txn)
{
    MDB_env *env = mdb_txn_env(txn);
    int m = mdb_txn_commit(txn);
    /* A write that the disk cuts short (part of a batch of pages written) is EIO to LMDB,
     * and a full disk can make fsync fail with EIO too: when the disk is then full, it is
     * the reason. Asked before the pages written are given back. */
    if (m == EIO && disk_full(env))
        m = ENOSPC;
    else if (m == EIO && at_file_limit(env))
        m = EFBIG;
    MDB_txn *again;
    if ((m == ENOSPC || m == EDQUOT || m == EFBIG) && mdb_txn_begin(env, NULL, 0, &again) == 0) {
        trim_file(env); /* give the failed commit's pages back to the file system now */
        mdb_txn_abort(again);
    }
    return m;
}

core_rc
store_open(const char *dir, int readonly, store_t **out, core_err_t *err)
{
    return store__open(dir, readonly, 0, out, err);
}

core_rc
store__open(const char *dir, int readonly, int upgrading, store_t **out, core_err_t *err)
{
    if (!readonly && mkdir(dir, 0755) != 0 && errno != EEXIST)
        return core_fail(err, CORE_EIO, "cannot create store directory %s: %s", dir,
                         strerror(errno));
    store_t *r = calloc(1, sizeof *r);
    if (r == NULL)
        return core_fail(err, CORE_EIO, "out of memory");
    r->readonly = readonly;
    MDB_txn *txn = NULL;
    core_rc rc;
    int m;
    if ((m = mdb_env_create(&r->env)) != 0) {
        rc = store__fail(err, m, "create environment");
        goto fail;
    }
    mdb_env_set_maxdbs(r->env, 32);
    mdb_env_set_maxreaders(r->env, 1024);
    mdb_env_set_mapsize(r->env, STORE_MAP_SIZE);
    /* MDB_NOTLS: a streamed response keeps its read transaction across event-loop turns.
     * No MDB_WRITEMAP: through a writable map, a page dirtied where the disk has no room left
     * kills the process with SIGBUS; with write(2), LMDB gets ENOSPC back and the write fails
     * as an error (docs/performance.md measures what WRITEMAP saved: heap, not time). */
    unsigned flags = MDB_NOTLS | (readonly ? MDB_RDONLY : 0);
    if ((m = mdb_env_open(r->env, dir, flags, 0644)) != 0) {
        rc = core_fail(err, m == ENOSPC ? CORE_ENOSPACE : CORE_EIO, "cannot open store %s: %s", dir,
                       mdb_strerror(m));
        goto fail;
    }
    if ((m = mdb_txn_begin(r->env, NULL, readonly ? MDB_RDONLY : 0, &txn)) != 0) {
        rc = store__fail(err, m, "begin");
        goto fail;
    }
    unsigned create = readonly ? 0 : MDB_CREATE;
    if ((m = mdb_dbi_open(txn, "art", create, &r->art)) != 0 ||
        (m = mdb_dbi_open(txn, "refs", create | MDB_DUPSORT, &r->refs)) != 0 ||
        (m = mdb_dbi_open(txn, "rrefs", create | MDB_DUPSORT, &r->rrefs)) != 0 ||
        (m = mdb_dbi_open(txn, "meta", create, &r->meta)) != 0 ||
        (m = mdb_dbi_open(txn, "flows", create, &r->flows)) != 0 ||
        (m = mdb_dbi_open(txn, "codes", create, &r->codes)) != 0 ||
        (m = mdb_dbi_open(txn, "codeids", create, &r->codeids)) != 0 ||
        (m = mdb_dbi_open(txn, "series", create, &r->series)) != 0 ||
        (m = mdb_dbi_open(txn, "obs", create, &r->obs)) != 0 ||
        (m = mdb_dbi_open(txn, "dsattr", create, &r->dsattr)) != 0 ||
        (m = mdb_dbi_open(txn, "groups", create, &r->groups)) != 0 ||
        (m = mdb_dbi_open(txn, "commits", create, &r->commits)) != 0 ||
        (m = mdb_dbi_open(txn, "changes", create, &r->changes)) != 0 ||
        (m = mdb_dbi_open(txn, "tokens", create, &r->tokens)) != 0 ||
        (m = mdb_dbi_open(txn, "submissions", create, &r->submissions)) != 0 ||
        (m = mdb_dbi_open(txn, "providers", create, &r->providers)) != 0 ||
        (m = mdb_dbi_open(txn, "history", create, &r->history)) != 0 ||
        (m = mdb_dbi_open(txn, "gone", create, &r->gone)) != 0) {
        rc = m == MDB_NOTFOUND ? core_fail(err, CORE_EIO, "%s is not an sdmxd store", dir)
                               : store__fail(err, m, "open tables");
        goto fail;
    }
    if ((rc = check_layout(r, txn, dir, upgrading, err)) != CORE_OK)
        goto fail;
    if (!readonly)
        trim_file(r->env);
    m = store__commit(txn);
    txn = NULL;
    if (m != 0) {
        rc = store__fail(err, m, "commit");
        goto fail;
    }
    *out = r;
    return CORE_OK;
fail:
    if (txn != NULL)
        mdb_txn_abort(txn);
    if (r->env != NULL)
        mdb_env_close(r->env);
    free(r);
    return rc;
}

void
store_close(store_t *r)
{
    if (r == NULL)
        return;
    mdb_env_close(r->env);
    free(r);
}

static void
view_end(void *arg)
{
    store_view_end(arg);
}

void
store_view_end(store_view_t *v)
{
    if (v->txn != NULL)
        mdb_txn_abort(v->txn);
    v->txn = NULL;
}

store_t *
store_view_reg(const store_view_t *v)
{
    return v->reg;
}

core_rc
store_view_begin(store_t *r, core_arena_t *a, store_view_t **out, core_err_t *err)
{
    MDB_txn *txn;
    int m = mdb_txn_begin(r->env, NULL, MDB_RDONLY, &txn);
    if (m != 0)
        return store__fail(err, m, "begin read");
    store_view_t *v = core_arena_zalloc(a, sizeof *v);
    v->reg = r;
    v->txn = txn;
    v->arena = a;
    core_arena_defer(a, view_end, v);
    uint64_t mtime;
    core_rc rc;
    if ((rc = store__meta_read(r, txn, "commit", &v->commit, err)) != CORE_OK ||
        (rc = store__meta_read(r, txn, "structures", &v->structures, err)) != CORE_OK ||
        (rc = store__meta_read(r, txn, "mtime", &mtime, err)) != CORE_OK)
        return rc; /* (the arena ends the transaction) */
    v->mtime = (int64_t)mtime;
    *out = v;
    return CORE_OK;
}

uint64_t
store_view_commit(const store_view_t *v)
{
    return v->commit;
}

uint64_t
store_view_structures(const store_view_t *v)
{
    return v->structures;
}

int64_t
store_view_mtime(const store_view_t *v)
{
    return v->mtime;
}

core_rc
store__stamp(store_t *r, MDB_txn *txn, uint64_t commit, int structures, core_err_t *err)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t now = (uint64_t)ts.tv_sec;
    int64_t us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    unsigned char ck[8];
    for (int i = 0; i < 8; i++)
        ck[i] = (unsigned char)(commit >> (56 - 8 * i));
    MDB_val hk = {8, ck}, hv = {sizeof us, &us};
    int m = store__meta_put(r, txn, "commit", commit);
    if (m == 0)
        m = store__meta_put(r, txn, "mtime", now);
    if (m == 0)
        m = mdb_put(txn, r->commits, &hk, &hv, 0);
    if (m == 0 && structures)
        m = store__meta_put(r, txn, "structures", commit);
    return m == 0 ? CORE_OK : store__fail(err, m, "record the commit");
}

core_rc
store_view_commit_time(store_view_t *v, uint64_t commit, int64_t *us, core_err_t *err)
{
    unsigned char ck[8];
    for (int i = 0; i < 8; i++)
        ck[i] = (unsigned char)(commit >> (56 - 8 * i));
    MDB_val k = {8, ck}, val;
    int m = mdb_get(v->txn, v->reg->commits, &k, &val);
    if (m == MDB_NOTFOUND || (m == 0 && val.mv_size != sizeof *us))
        return core_fail(err, CORE_ENOTFOUND, "no commit %llu", (unsigned long long)commit);
    if (m != 0)
        return store__fail(err, m, "get commit");
    memcpy(us, val.mv_data, sizeof *us);
    return CORE_OK;
}
