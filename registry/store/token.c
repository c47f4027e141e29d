#include <config.h>
#include "store_int.h"

#include <string.h>
#include <time.h>

core_rc
store_token_put(store_t *r, const unsigned char hash[STORE_TOKEN_HASH], core_str_t principal,
              core_err_t *err)
{
    MDB_txn *txn;
    int m = store__write_begin(r, &txn);
    if (m != 0)
        return store__fail(err, m, "begin");
    int64_t now = (int64_t)time(NULL);
    unsigned char buf[8 + 512];
    if (principal.len > sizeof buf - 8) {
        mdb_txn_abort(txn);
        return core_fail(err, CORE_ETOOBIG, "principal too long");
    }
    memcpy(buf, &now, 8);
    memcpy(buf + 8, principal.ptr, principal.len);
    MDB_val k = {STORE_TOKEN_HASH, (void *)hash}, v = {8 + principal.len, buf};
    if ((m = mdb_put(txn, r->tokens, &k, &v, MDB_NOOVERWRITE)) != 0) {
        mdb_txn_abort(txn);
        return store__fail(err, m, "put token");
    }
    m = store__commit(txn);
    return m == 0 ? CORE_OK : store__fail(err, m, "commit token");
}

core_rc
store_token_get(store_view_t *v, const unsigned char hash[STORE_TOKEN_HASH], core_str_t *principal,
              core_err_t *err)
{
    MDB_val k = {STORE_TOKEN_HASH, (void *)hash}, val;
    int m = mdb_get(v->txn, v->reg->tokens, &k, &val);
    if (m == MDB_NOTFOUND || (m == 0 && val.mv_size < 8))
        return core_fail(err, CORE_EAUTH, "the token is not known (or was revoked)");
    if (m != 0)
        return store__fail(err, m, "get token");
    *principal = (core_str_t){(const char *)val.mv_data + 8, val.mv_size - 8};
    return CORE_OK;
}

core_rc
store_token_revoke(store_t *r, const unsigned char *hash, core_str_t principal, size_t *n,
                 core_err_t *err)
{
    MDB_txn *txn;
    MDB_cursor *cur;
    *n = 0;
    int m = store__write_begin(r, &txn);
    if (m != 0)
        return store__fail(err, m, "begin");
    if ((m = mdb_cursor_open(txn, r->tokens, &cur)) != 0) {
        mdb_txn_abort(txn);
        return store__fail(err, m, "cursor");
    }
    MDB_val k, v;
    for (m = mdb_cursor_get(cur, &k, &v, MDB_FIRST); m == 0;
         m = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        int match = hash != NULL ? memcmp(k.mv_data, hash, STORE_TOKEN_HASH) == 0
                                 : core_str_eq((core_str_t){(const char *)v.mv_data + 8,
                                                            v.mv_size - 8},
                                               principal);
        if (match && (m = mdb_cursor_del(cur, 0)) == 0)
            (*n)++;
        if (m != 0)
            break;
    }
    mdb_cursor_close(cur);
    if (m != 0 && m != MDB_NOTFOUND) {
        mdb_txn_abort(txn);
        return store__fail(err, m, "revoke");
    }
    m = store__commit(txn);
    return m == 0 ? CORE_OK : store__fail(err, m, "commit");
}

core_rc
store_submissions_scan(store_view_t *v, size_t max, int (*cb)(void *, core_str_t), void *ctx,
                     core_err_t *err)
{
    MDB_cursor *cur;
    int m = mdb_cursor_open(v->txn, v->reg->submissions, &cur);
    if (m != 0)
        return store__fail(err, m, "cursor");
    MDB_val k, val;
    size_t n = 0;
    for (m = mdb_cursor_get(cur, &k, &val, MDB_LAST); m == 0 && n < max;
         m = mdb_cursor_get(cur, &k, &val, MDB_PREV), n++)
        if (cb(ctx, (core_str_t){val.mv_data, val.mv_size}))
            break;
    mdb_cursor_close(cur);
    return m == 0 || m == MDB_NOTFOUND ? CORE_OK : store__fail(err, m, "read submissions");
}
