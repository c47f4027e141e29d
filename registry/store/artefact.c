#include <config.h>
#include "store_int.h"

#include <string.h>
#include <time.h>

/* An artefact's value: a flags byte, the length of the XML (4 bytes, little-endian), the
 * canonical XML, then the encoded model to the end. */
#define ART_HEAD 5

int
store__art_decode(const void *val, size_t len, store_artefact_t *out)
{
    const unsigned char *p = val;
    out->is_final = out->is_stub = 0;
    out->xml = out->model = CORE_STR_NULL;
    if (len < ART_HEAD)
        return 0;
    size_t xlen = (size_t)p[1] | (size_t)p[2] << 8 | (size_t)p[3] << 16 | (size_t)p[4] << 24;
    if (xlen > len - ART_HEAD)
        return 0;
    out->is_final = (p[0] & STORE_ART_FINAL) != 0;
    out->is_stub = (p[0] & STORE_ART_STUB) != 0;
    out->xml = (core_str_t){(const char *)p + ART_HEAD, xlen};
    out->model = (core_str_t){(const char *)p + ART_HEAD + xlen, len - ART_HEAD - xlen};
    return 1;
}

void
store__art_encode(core_buf_t *out, int is_final, int is_stub, core_str_t xml,
                const dsd_model_t *model)
{
    unsigned char head[ART_HEAD] = {
        (unsigned char)((is_final ? STORE_ART_FINAL : 0) | (is_stub ? STORE_ART_STUB : 0)),
        (unsigned char)xml.len, (unsigned char)(xml.len >> 8), (unsigned char)(xml.len >> 16),
        (unsigned char)(xml.len >> 24)};
    core_buf_add(out, head, sizeof head);
    core_buf_addstr(out, xml);
    dsd_model_encode(model, out);
}

static void
decode_value(const MDB_val *val, store_artefact_t *out)
{
    store__art_decode(val->mv_data, val->mv_size, out);
}

core_rc
store_artefact_model(store_view_t *v, const store_artefact_t *art, const dsd_model_t **out,
                   core_err_t *err)
{
    dsd_model_t *m;
    core_rc rc = dsd_model_decode(v->arena, art->model.ptr, art->model.len, &m, err);
    if (rc == CORE_OK)
        *out = m;
    return rc;
}

core_rc
store_artefact_get(store_view_t *v, const dsd_ref_t *ref, store_artefact_t *out, core_err_t *err)
{
    unsigned char kb[STORE_KEY_MAX];
    size_t kn = store__key(ref, kb, sizeof kb);
    if (kn == 0)
        return core_fail(err, CORE_ENOTFOUND, "identifier too long");
    MDB_val k = {kn, kb}, val;
    int m = mdb_get(v->txn, v->reg->art, &k, &val);
    if (m == MDB_NOTFOUND)
        return core_fail(err, CORE_ENOTFOUND, "%s not found", dsd_ref_label(v->arena, ref));
    if (m != 0)
        return store__fail(err, m, "get");
    out->ref = *ref;
    decode_value(&val, out);
    return CORE_OK;
}

core_rc
store_artefact_scan(store_view_t *v, dsd_kind kind, core_str_t agency, core_str_t id,
                  store_artefact_cb cb, void *ctx, core_err_t *err)
{
    unsigned char prefix[STORE_KEY_MAX];
    size_t plen = 0;
    prefix[plen++] = (unsigned char)kind;
    if (agency.ptr != NULL) {
        if (agency.len + id.len + 3 > sizeof prefix)
            return CORE_OK;
        memcpy(prefix + plen, agency.ptr, agency.len);
        plen += agency.len;
        prefix[plen++] = 0;
        if (id.ptr != NULL) {
            memcpy(prefix + plen, id.ptr, id.len);
            plen += id.len;
            prefix[plen++] = 0;
        }
    }
    MDB_cursor *cur;
    int m = mdb_cursor_open(v->txn, v->reg->art, &cur);
    if (m != 0)
        return store__fail(err, m, "cursor");
    MDB_val k = {plen, prefix}, val;
    core_rc rc = CORE_OK;
    for (m = mdb_cursor_get(cur, &k, &val, MDB_SET_RANGE); m == 0;
         m = mdb_cursor_get(cur, &k, &val, MDB_NEXT)) {
        if (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0)
            break;
        store_artefact_t art;
        if (!store__key_decode(k.mv_data, k.mv_size, &art.ref))
            continue;
        /* agency given but id not: the prefix "kind agency\0" already pins the agency */
        if (id.ptr != NULL && agency.ptr == NULL && !core_str_eq(art.ref.id, id))
            continue;
        decode_value(&val, &art);
        if (cb(ctx, &art))
            break;
    }
    if (m != 0 && m != MDB_NOTFOUND)
        rc = store__fail(err, m, "scan");
    mdb_cursor_close(cur);
    return rc;
}

static core_rc
refs_walk(store_view_t *v, MDB_dbi dbi, const dsd_ref_t *ref, core_vec_t *out, core_err_t *err)
{
    unsigned char kb[STORE_KEY_MAX];
    size_t kn = store__key(ref, kb, sizeof kb);
    if (kn == 0)
        return CORE_OK;
    MDB_cursor *cur;
    int m = mdb_cursor_open(v->txn, dbi, &cur);
    if (m != 0)
        return store__fail(err, m, "cursor");
    MDB_val k = {kn, kb}, val;
    for (m = mdb_cursor_get(cur, &k, &val, MDB_SET_KEY); m == 0;
         m = mdb_cursor_get(cur, &k, &val, MDB_NEXT_DUP)) {
        dsd_ref_t *r = core_arena_alloc(v->arena, sizeof *r);
        if (store__key_decode(val.mv_data, val.mv_size, r))
            core_vec_push(v->arena, out, r);
    }
    mdb_cursor_close(cur);
    if (m != 0 && m != MDB_NOTFOUND)
        return store__fail(err, m, "references");
    return CORE_OK;
}

core_rc
store_refs_children(store_view_t *v, const dsd_ref_t *ref, core_vec_t *out, core_err_t *err)
{
    return refs_walk(v, v->reg->refs, ref, out, err);
}

core_rc
store_refs_parents(store_view_t *v, const dsd_ref_t *ref, core_vec_t *out, core_err_t *err)
{
    return refs_walk(v, v->reg->rrefs, ref, out, err);
}

/* ---- writing ------------------------------------------------------------------------ */

static int
in_message(const dsd_artefact_t *arts, size_t n, const dsd_ref_t *ref)
{
    for (size_t i = 0; i < n; i++)
        if (dsd_ref_eq(&arts[i].ref, ref))
            return 1;
    return 0;
}

static int
exists(MDB_txn *txn, MDB_dbi dbi, const dsd_ref_t *ref)
{
    unsigned char kb[STORE_KEY_MAX];
    size_t kn = store__key(ref, kb, sizeof kb);
    MDB_val k = {kn, kb}, val;
    return kn != 0 && mdb_get(txn, dbi, &k, &val) == 0;
}

static void
check_references(store_t *r, MDB_txn *txn, const dsd_artefact_t *arts, size_t n,
                 dsd_report_t *report)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < arts[i].nrefs; j++) {
            const dsd_ref_t *t = &arts[i].refs[j];
            if (in_message(arts, n, t) || exists(txn, r->art, t))
                continue;
            dsd_report_add(report, DSD_SEV_ERROR, "missing-reference", NULL,
                           "%s (line %ld) references %s, which is neither in this message nor "
                           "in the store",
                           dsd_ref_label(report->arena, &arts[i].ref), arts[i].line,
                           dsd_ref_label(report->arena, t));
        }
    }
}

static core_rc
delete_refs(store_t *r, MDB_txn *txn, MDB_val *key, core_err_t *err)
{
    MDB_cursor *cur;
    int m = mdb_cursor_open(txn, r->refs, &cur);
    if (m != 0)
        return store__fail(err, m, "cursor");
    MDB_val k = *key, val;
    for (m = mdb_cursor_get(cur, &k, &val, MDB_SET_KEY); m == 0;
         m = mdb_cursor_get(cur, &k, &val, MDB_NEXT_DUP)) {
        MDB_val back_k = val, back_v = *key;
        int d = mdb_del(txn, r->rrefs, &back_k, &back_v);
        if (d != 0 && d != MDB_NOTFOUND) {
            mdb_cursor_close(cur);
            return store__fail(err, d, "delete reverse reference");
        }
    }
    mdb_cursor_close(cur);
    m = mdb_del(txn, r->refs, key, NULL);
    if (m != 0 && m != MDB_NOTFOUND)
        return store__fail(err, m, "delete references");
    return CORE_OK;
}

/* The first differences a message lists when a final artefact would change. */
#define DIFF_SHOWN 10

/* How many differences there are in content between the stored prev and a (0: none): the
 * models compared (dsd_model_diff: urns and the order of texts do not count), a partial
 * scheme as the subset it is. With report, the first DIFF_SHOWN are listed in it, as sev. An
 * artefact without a model (made without a reader) compares by its text and flags. */
static size_t
content_diff(const store_artefact_t *prev, const dsd_artefact_t *a, dsd_report_t *report,
             dsd_severity sev)
{
    if (core_str_eq(prev->xml, a->xml) && prev->is_final == a->is_final)
        return 0;
    const char *rule = sev == DSD_SEV_ERROR ? "final-changed" : "final-kept";
    if (a->model == NULL)
        return 1;
    core_arena_t *scratch = core_arena_new();
    dsd_model_t *was;
    core_err_t ignored = {0};
    size_t n = 1;
    if (dsd_model_decode(scratch, prev->model.ptr, prev->model.len, &was, &ignored) == CORE_OK) {
        dsd_diff_opts_t o = {.subset = a->model->scheme.is_partial,
                             .max = report != NULL ? DIFF_SHOWN : 0,
                             .sev = sev,
                             .rule = rule};
        n = dsd_model_diff(was, a->model, &o, report);
        if (report != NULL && n > DIFF_SHOWN)
            dsd_report_add(report, sev, rule, NULL, "%s: and more differences", dsd_ref_label(report->arena, &a->ref));
    } else if (report != NULL) {
        dsd_report_add(report, sev, rule, NULL, "%s: its stored model cannot be read (%s); its SDMX-ML differs",
                       dsd_ref_label(report->arena, &a->ref), ignored.msg);
    }
    core_arena_free(scratch);
    return n;
}

core_rc
store__put_artefact(store_t *r, MDB_txn *txn, const dsd_artefact_t *a, store_put_status *status,
                  dsd_report_t *report, core_err_t *err)
{
    unsigned char kb[STORE_KEY_MAX];
    size_t kn = store__key(&a->ref, kb, sizeof kb);
    if (kn == 0) {
        dsd_report_add(report, DSD_SEV_ERROR, "identifier-too-long", NULL,
                       "%s: agency, id and version are too long to store",
                       dsd_ref_label(report->arena, &a->ref));
        return CORE_ESEMANTIC;
    }
    MDB_val k = {kn, kb}, old;
    int m = mdb_get(txn, r->art, &k, &old);
    if (m == 0) {
        store_artefact_t prev;
        decode_value(&old, &prev);
        if (a->is_stub && !prev.is_stub) {
            *status = STORE_PUT_UNCHANGED; /* a stub never hides the full artefact */
            return CORE_OK;
        }
        if (content_diff(&prev, a, NULL, DSD_SEV_ERROR) == 0) {
            *status = STORE_PUT_UNCHANGED;
            return CORE_OK;
        }
        if (prev.is_final && !prev.is_stub && a->keep_stored) {
            dsd_report_add(report, DSD_SEV_WARNING, "final-kept", NULL,
                           "%s is final in the store with other content: the stored one is "
                           "kept, and this message's copy is not stored",
                           dsd_ref_label(report->arena, &a->ref));
            content_diff(&prev, a, report, DSD_SEV_WARNING);
            *status = STORE_PUT_UNCHANGED;
            return CORE_OK;
        }
        if (prev.is_final && !prev.is_stub) {
            dsd_report_add(report, DSD_SEV_ERROR, "final-changed", NULL,
                           "%s is final in the store and this message changes its content; "
                           "publish the change under a new version",
                           dsd_ref_label(report->arena, &a->ref));
            content_diff(&prev, a, report, DSD_SEV_ERROR);
            return CORE_ECONFLICT;
        }
        if (a->model != NULL && a->model->scheme.is_partial && !prev.is_stub) {
            /* its items are merged into the stored scheme before it comes here (sdmx_scheme_merge);
             * one that was not would drop the items it leaves out */
            dsd_report_add(report, DSD_SEV_ERROR, "partial-replace", NULL,
                           "%s: a partial scheme (isPartial) cannot replace the stored one",
                           dsd_ref_label(report->arena, &a->ref));
            return CORE_ECONFLICT;
        }
        *status = STORE_PUT_REPLACED;
        core_rc rc = delete_refs(r, txn, &k, err);
        if (rc != CORE_OK)
            return rc;
    } else if (m == MDB_NOTFOUND) {
        *status = STORE_PUT_CREATED;
    } else {
        return store__fail(err, m, "get");
    }
    if (a->xml.len > UINT32_MAX) {
        dsd_report_add(report, DSD_SEV_ERROR, "artefact-too-large", NULL,
                       "%s: its SDMX-ML is larger than 4 GiB",
                       dsd_ref_label(report->arena, &a->ref));
        return CORE_ESEMANTIC;
    }
    /* an artefact made without a reader (a dataflow created for data) gets a model of its
     * identity and flags */
    dsd_model_t head = {.ref = a->ref, .is_final = a->is_final, .is_external = a->is_stub};
    core_buf_t b;
    core_buf_init(&b);
    store__art_encode(&b, a->is_final, a->is_stub, a->xml, a->model ? a->model : &head);
    MDB_val val = {b.len, b.ptr};
    m = mdb_put(txn, r->art, &k, &val, 0);
    core_buf_dispose(&b);
    if (m != 0)
        return store__fail(err, m, "put artefact");
    for (size_t j = 0; j < a->nrefs; j++) {
        unsigned char tb[STORE_KEY_MAX];
        size_t tn = store__key(&a->refs[j], tb, sizeof tb);
        if (tn == 0)
            continue;
        MDB_val tk = {tn, tb}, sk = {kn, kb};
        if ((m = mdb_put(txn, r->refs, &sk, &tk, MDB_NODUPDATA)) != 0 && m != MDB_KEYEXIST)
            return store__fail(err, m, "put reference");
        if ((m = mdb_put(txn, r->rrefs, &tk, &sk, MDB_NODUPDATA)) != 0 && m != MDB_KEYEXIST)
            return store__fail(err, m, "put reverse reference");
    }
    return CORE_OK;
}

static core_rc
bump_commit(store_t *r, MDB_txn *txn, core_err_t *err)
{
    uint64_t commit;
    core_rc rc = store__meta_read(r, txn, "commit", &commit, err);
    return rc != CORE_OK ? rc : store__stamp(r, txn, commit + 1, 1, err);
}

core_rc
store_structures_put(store_t *r, const dsd_artefact_t *arts, size_t n, store_put_status *status,
                   dsd_report_t *report, core_err_t *err)
{
    MDB_txn *txn = NULL;
    core_rc rc = CORE_OK;
    int m = store__write_begin(r, &txn);
    if (m != 0)
        return store__fail(err, m, "begin write");
    check_references(r, txn, arts, n, report);
    if (report->nerrors > 0) {
        rc = core_fail(err, CORE_ESEMANTIC, "%zu unresolved reference(s)", report->nerrors);
        goto out;
    }
    int changed = 0, conflict = 0;
    for (size_t i = 0; i < n; i++) {
        rc = store__put_artefact(r, txn, &arts[i], &status[i], report, err);
        if (rc == CORE_ECONFLICT) {
            conflict = 1;
            continue;
        }
        if (rc != CORE_OK && rc != CORE_ESEMANTIC)
            goto out;
        if (rc == CORE_ESEMANTIC)
            conflict = 2;
        changed |= status[i] != STORE_PUT_UNCHANGED;
    }
    if (conflict) {
        rc = conflict == 1 ? core_fail(err, CORE_ECONFLICT, "final artefacts would change")
                           : core_fail(err, CORE_ESEMANTIC, "artefacts cannot be stored");
        goto out;
    }
    rc = CORE_OK;
    if (changed && (rc = bump_commit(r, txn, err)) != CORE_OK)
        goto out;
    m = store__commit(txn);
    txn = NULL;
    if (m != 0)
        rc = store__fail(err, m, "commit");
out:
    if (txn != NULL)
        mdb_txn_abort(txn);
    return rc;
}

/* ---- carrying a store over ---------------------------------------------------------------- */

typedef struct old_art {
    MDB_val key, val;
} old_art_t;

/* The artefacts of the store, copied into a (a write transaction's pages move as it writes). */
static core_rc
copy_artefacts(store_t *r, MDB_txn *txn, core_arena_t *a, old_art_t **out, size_t *n,
               core_err_t *err)
{
    MDB_cursor *cur;
    size_t cap = 0;
    int m = mdb_cursor_open(txn, r->art, &cur);
    if (m != 0)
        return store__fail(err, m, "cursor");
    MDB_val k, val;
    *out = NULL;
    *n = 0;
    for (m = mdb_cursor_get(cur, &k, &val, MDB_FIRST); m == 0;
         m = mdb_cursor_get(cur, &k, &val, MDB_NEXT)) {
        core_arena_grow(a, (void **)out, *n, &cap, sizeof **out);
        old_art_t *o = &(*out)[(*n)++];
        o->key = (MDB_val){k.mv_size, core_arena_strndup(a, k.mv_data, k.mv_size)};
        o->val = (MDB_val){val.mv_size, core_arena_strndup(a, val.mv_data, val.mv_size)};
    }
    mdb_cursor_close(cur);
    return m == MDB_NOTFOUND ? CORE_OK : store__fail(err, m, "read artefacts");
}

/* Rewrites one artefact whose stored value is o->val in layout from. */
static core_rc
rewrite(store_t *r, MDB_txn *txn, core_arena_t *a, const old_art_t *o, uint64_t from,
        int to_previous, store_model_fn model, void *ctx, core_err_t *err)
{
    store_artefact_t art;
    const unsigned char *p = o->val.mv_data;
    if (!store__key_decode(o->key.mv_data, o->key.mv_size, &art.ref))
        return core_fail(err, CORE_EIO, "store: a malformed artefact key");
    if (from == STORE_LAYOUT_XML_ONLY) {
        /* layout 3: a flags byte, then the XML */
        if (o->val.mv_size < 1)
            return core_fail(err, CORE_EIO, "store: an empty artefact record");
        art.is_final = (p[0] & STORE_ART_FINAL) != 0;
        art.is_stub = (p[0] & STORE_ART_STUB) != 0;
        art.xml = (core_str_t){(const char *)p + 1, o->val.mv_size - 1};
    } else if (!store__art_decode(p, o->val.mv_size, &art)) {
        return core_fail(err, CORE_EIO, "store: a malformed record of %s",
                         dsd_ref_label(a, &art.ref));
    }
    (void)to_previous; /* (layout 4 stores artefacts as this one does) */
    core_buf_t b;
    core_buf_init(&b);
    dsd_model_t *m;
    core_rc rc = model(ctx, a, &art.ref, art.xml, &m, err);
    if (rc != CORE_OK) {
        core_buf_dispose(&b);
        return rc;
    }
    m->ref = art.ref;
    store__art_encode(&b, art.is_final, art.is_stub, art.xml, m);
    MDB_val k = o->key, val = {b.len, b.ptr};
    int mr = mdb_put(txn, r->art, &k, &val, 0);
    core_buf_dispose(&b);
    return mr == 0 ? CORE_OK : store__fail(err, mr, "put artefact");
}

core_rc
store_upgrade(const char *dir, int to_previous, store_model_fn model, void *ctx, size_t *n,
            core_err_t *err)
{
    store_t *r;
    *n = 0;
    core_rc rc = store__open(dir, 0, 1, &r, err);
    if (rc != CORE_OK)
        return rc;
    core_arena_t *a = core_arena_new();
    MDB_txn *txn = NULL;
    old_art_t *arts = NULL;
    size_t count = 0;
    int m = store__write_begin(r, &txn);
    if (m != 0) {
        rc = store__fail(err, m, "begin write");
        goto out;
    }
    uint64_t from;
    if ((rc = store__meta_read(r, txn, "layout", &from, err)) != CORE_OK)
        goto out;
    if (from != STORE_LAYOUT && from != STORE_LAYOUT_PREVIOUS && from != STORE_LAYOUT_XML_ONLY) {
        rc = core_fail(err, CORE_EIO, "%s: store layout %llu cannot be carried over", dir,
                       (unsigned long long)from);
        goto out;
    }
    if ((rc = copy_artefacts(r, txn, a, &arts, &count, err)) != CORE_OK)
        goto out;
    for (size_t i = 0; i < count; i++)
        if ((rc = rewrite(r, txn, a, &arts[i], from, to_previous, model, ctx, err)) != CORE_OK)
            goto out;
    /* the previous layout has no history tables (this one's opening makes them, empty) */
    if (to_previous &&
        ((m = mdb_drop(txn, r->history, 1)) != 0 || (m = mdb_drop(txn, r->gone, 1)) != 0)) {
        rc = store__fail(err, m, "drop the history");
        goto out;
    }
    if ((m = store__meta_put(r, txn, "layout", to_previous ? STORE_LAYOUT_PREVIOUS : STORE_LAYOUT)) !=
        0) {
        rc = store__fail(err, m, "put layout");
        goto out;
    }
    m = store__commit(txn);
    txn = NULL;
    if (m != 0)
        rc = store__fail(err, m, "commit");
    else
        *n = count;
out:
    if (txn != NULL)
        mdb_txn_abort(txn);
    core_arena_free(a);
    store_close(r);
    return rc;
}
