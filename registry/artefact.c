#include <config.h>
#include "reg_int.h"

#include <string.h>
#include <time.h>

static void
decode_value(const MDB_val *val, reg_artefact_t *out)
{
    const unsigned char *p = val->mv_data;
    out->is_final = val->mv_size > 0 && (p[0] & REG_ART_FINAL);
    out->is_stub = val->mv_size > 0 && (p[0] & REG_ART_STUB);
    out->xml = val->mv_size > 0 ? (core_str_t){(const char *)p + 1, val->mv_size - 1}
                                : CORE_STR_NULL;
}

core_rc
reg_artefact_get(reg_view_t *v, const dsd_ref_t *ref, reg_artefact_t *out, core_err_t *err)
{
    unsigned char kb[REG_KEY_MAX];
    size_t kn = reg__key(ref, kb, sizeof kb);
    if (kn == 0)
        return core_fail(err, CORE_ENOTFOUND, "identifier too long");
    MDB_val k = {kn, kb}, val;
    int m = mdb_get(v->txn, v->reg->art, &k, &val);
    if (m == MDB_NOTFOUND)
        return core_fail(err, CORE_ENOTFOUND, "%s not found", dsd_ref_label(v->arena, ref));
    if (m != 0)
        return reg__fail(err, m, "get");
    out->ref = *ref;
    decode_value(&val, out);
    return CORE_OK;
}

core_rc
reg_artefact_scan(reg_view_t *v, dsd_kind kind, core_str_t agency, core_str_t id,
                  reg_artefact_cb cb, void *ctx, core_err_t *err)
{
    unsigned char prefix[REG_KEY_MAX];
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
        return reg__fail(err, m, "cursor");
    MDB_val k = {plen, prefix}, val;
    core_rc rc = CORE_OK;
    for (m = mdb_cursor_get(cur, &k, &val, MDB_SET_RANGE); m == 0;
         m = mdb_cursor_get(cur, &k, &val, MDB_NEXT)) {
        if (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0)
            break;
        reg_artefact_t art;
        if (!reg__key_decode(k.mv_data, k.mv_size, &art.ref))
            continue;
        /* agency given but id not: the prefix "kind agency\0" already pins the agency */
        if (id.ptr != NULL && agency.ptr == NULL && !core_str_eq(art.ref.id, id))
            continue;
        decode_value(&val, &art);
        if (cb(ctx, &art))
            break;
    }
    if (m != 0 && m != MDB_NOTFOUND)
        rc = reg__fail(err, m, "scan");
    mdb_cursor_close(cur);
    return rc;
}

static core_rc
refs_walk(reg_view_t *v, MDB_dbi dbi, const dsd_ref_t *ref, core_vec_t *out, core_err_t *err)
{
    unsigned char kb[REG_KEY_MAX];
    size_t kn = reg__key(ref, kb, sizeof kb);
    if (kn == 0)
        return CORE_OK;
    MDB_cursor *cur;
    int m = mdb_cursor_open(v->txn, dbi, &cur);
    if (m != 0)
        return reg__fail(err, m, "cursor");
    MDB_val k = {kn, kb}, val;
    for (m = mdb_cursor_get(cur, &k, &val, MDB_SET_KEY); m == 0;
         m = mdb_cursor_get(cur, &k, &val, MDB_NEXT_DUP)) {
        dsd_ref_t *r = core_arena_alloc(v->arena, sizeof *r);
        if (reg__key_decode(val.mv_data, val.mv_size, r))
            core_vec_push(v->arena, out, r);
    }
    mdb_cursor_close(cur);
    if (m != 0 && m != MDB_NOTFOUND)
        return reg__fail(err, m, "references");
    return CORE_OK;
}

core_rc
reg_refs_children(reg_view_t *v, const dsd_ref_t *ref, core_vec_t *out, core_err_t *err)
{
    return refs_walk(v, v->reg->refs, ref, out, err);
}

core_rc
reg_refs_parents(reg_view_t *v, const dsd_ref_t *ref, core_vec_t *out, core_err_t *err)
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
    unsigned char kb[REG_KEY_MAX];
    size_t kn = reg__key(ref, kb, sizeof kb);
    MDB_val k = {kn, kb}, val;
    return kn != 0 && mdb_get(txn, dbi, &k, &val) == 0;
}

static void
check_references(reg_t *r, MDB_txn *txn, const dsd_artefact_t *arts, size_t n,
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
delete_refs(reg_t *r, MDB_txn *txn, MDB_val *key, core_err_t *err)
{
    MDB_cursor *cur;
    int m = mdb_cursor_open(txn, r->refs, &cur);
    if (m != 0)
        return reg__fail(err, m, "cursor");
    MDB_val k = *key, val;
    for (m = mdb_cursor_get(cur, &k, &val, MDB_SET_KEY); m == 0;
         m = mdb_cursor_get(cur, &k, &val, MDB_NEXT_DUP)) {
        MDB_val back_k = val, back_v = *key;
        int d = mdb_del(txn, r->rrefs, &back_k, &back_v);
        if (d != 0 && d != MDB_NOTFOUND) {
            mdb_cursor_close(cur);
            return reg__fail(err, d, "delete reverse reference");
        }
    }
    mdb_cursor_close(cur);
    m = mdb_del(txn, r->refs, key, NULL);
    if (m != 0 && m != MDB_NOTFOUND)
        return reg__fail(err, m, "delete references");
    return CORE_OK;
}

core_rc
reg__put_artefact(reg_t *r, MDB_txn *txn, const dsd_artefact_t *a, reg_put_status *status,
                  dsd_report_t *report, core_err_t *err)
{
    unsigned char kb[REG_KEY_MAX];
    size_t kn = reg__key(&a->ref, kb, sizeof kb);
    if (kn == 0) {
        dsd_report_add(report, DSD_SEV_ERROR, "identifier-too-long", NULL,
                       "%s: agency, id and version are too long to store",
                       dsd_ref_label(report->arena, &a->ref));
        return CORE_ESEMANTIC;
    }
    MDB_val k = {kn, kb}, old;
    int m = mdb_get(txn, r->art, &k, &old);
    if (m == 0) {
        reg_artefact_t prev;
        decode_value(&old, &prev);
        if (a->is_stub && !prev.is_stub) {
            *status = REG_PUT_UNCHANGED; /* a stub never hides the full artefact */
            return CORE_OK;
        }
        if (core_str_eq(prev.xml, a->xml) && prev.is_final == a->is_final) {
            *status = REG_PUT_UNCHANGED;
            return CORE_OK;
        }
        if (prev.is_final && !prev.is_stub) {
            dsd_report_add(report, DSD_SEV_ERROR, "final-changed", NULL,
                           "%s is final in the store and this message changes its content; "
                           "publish the change under a new version",
                           dsd_ref_label(report->arena, &a->ref));
            return CORE_ECONFLICT;
        }
        *status = REG_PUT_REPLACED;
        core_rc rc = delete_refs(r, txn, &k, err);
        if (rc != CORE_OK)
            return rc;
    } else if (m == MDB_NOTFOUND) {
        *status = REG_PUT_CREATED;
    } else {
        return reg__fail(err, m, "get");
    }
    MDB_val val = {a->xml.len + 1, NULL};
    if ((m = mdb_put(txn, r->art, &k, &val, MDB_RESERVE)) != 0)
        return reg__fail(err, m, "put artefact");
    unsigned char *p = val.mv_data;
    p[0] = (unsigned char)((a->is_final ? REG_ART_FINAL : 0) | (a->is_stub ? REG_ART_STUB : 0));
    memcpy(p + 1, a->xml.ptr, a->xml.len);
    for (size_t j = 0; j < a->nrefs; j++) {
        unsigned char tb[REG_KEY_MAX];
        size_t tn = reg__key(&a->refs[j], tb, sizeof tb);
        if (tn == 0)
            continue;
        MDB_val tk = {tn, tb}, sk = {kn, kb};
        if ((m = mdb_put(txn, r->refs, &sk, &tk, MDB_NODUPDATA)) != 0 && m != MDB_KEYEXIST)
            return reg__fail(err, m, "put reference");
        if ((m = mdb_put(txn, r->rrefs, &tk, &sk, MDB_NODUPDATA)) != 0 && m != MDB_KEYEXIST)
            return reg__fail(err, m, "put reverse reference");
    }
    return CORE_OK;
}

static core_rc
bump_commit(reg_t *r, MDB_txn *txn, core_err_t *err)
{
    return reg__stamp(r, txn, reg__meta_get(r, txn, "commit") + 1, 1, err);
}

core_rc
reg_structures_put(reg_t *r, const dsd_artefact_t *arts, size_t n, reg_put_status *status,
                   dsd_report_t *report, core_err_t *err)
{
    MDB_txn *txn = NULL;
    core_rc rc = CORE_OK;
    int m = reg__write_begin(r, &txn);
    if (m != 0)
        return reg__fail(err, m, "begin write");
    check_references(r, txn, arts, n, report);
    if (report->nerrors > 0) {
        rc = core_fail(err, CORE_ESEMANTIC, "%zu unresolved reference(s)", report->nerrors);
        goto out;
    }
    int changed = 0, conflict = 0;
    for (size_t i = 0; i < n; i++) {
        rc = reg__put_artefact(r, txn, &arts[i], &status[i], report, err);
        if (rc == CORE_ECONFLICT) {
            conflict = 1;
            continue;
        }
        if (rc != CORE_OK && rc != CORE_ESEMANTIC)
            goto out;
        if (rc == CORE_ESEMANTIC)
            conflict = 2;
        changed |= status[i] != REG_PUT_UNCHANGED;
    }
    if (conflict) {
        rc = conflict == 1 ? core_fail(err, CORE_ECONFLICT, "final artefacts would change")
                           : core_fail(err, CORE_ESEMANTIC, "artefacts cannot be stored");
        goto out;
    }
    rc = CORE_OK;
    if (changed && (rc = bump_commit(r, txn, err)) != CORE_OK)
        goto out;
    m = reg__commit(txn);
    txn = NULL;
    if (m != 0)
        rc = reg__fail(err, m, "commit");
out:
    if (txn != NULL)
        mdb_txn_abort(txn);
    return rc;
}
