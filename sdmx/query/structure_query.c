#include <config.h>
#include "sdmx/sdmx_int.h"

#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

/* The working set of a resolution: artefacts found so far, each once. */
struct found {
    core_arena_t *a;
    sdmx_result_item_t *items;
    size_t n, cap;
};

static sdmx_result_item_t *
found_find(const struct found *f, const dsd_ref_t *ref)
{
    for (size_t i = 0; i < f->n; i++)
        if (dsd_ref_eq(&f->items[i].art.ref, ref))
            return &f->items[i];
    return NULL;
}

static sdmx_result_item_t *
found_add(struct found *f, const store_artefact_t *art, sdmx_show show)
{
    sdmx_result_item_t *it = found_find(f, &art->ref);
    if (it != NULL)
        return it;
    core_arena_grow(f->a, (void **)&f->items, f->n, &f->cap, sizeof *f->items);
    it = &f->items[f->n++];
    memset(it, 0, sizeof *it);
    it->art = *art;
    it->show = show;
    return it;
}

static int
in_list(const sdmx_strlist_t *l, core_str_t s)
{
    if (l->n == 0)
        return 1;
    for (size_t i = 0; i < l->n; i++)
        if (core_str_eq(l->v[i], s))
            return 1;
    return 0;
}

struct match_ctx {
    const sdmx_structure_query_t *q;
    struct found *f;
};

/* Keeps art when agency, id and version match; with "latest", only the highest version of
 * each (agency, id) stays. Scans visit the versions of one id consecutively. */
static int
on_candidate(void *arg, const store_artefact_t *art)
{
    struct match_ctx *m = arg;
    const sdmx_structure_query_t *q = m->q;
    if (!in_list(&q->agencies, art->ref.agency) || !in_list(&q->ids, art->ref.id))
        return 0;
    if (!q->latest) {
        if (in_list(&q->versions, art->ref.version))
            found_add(m->f, art, SDMX_SHOW_FULL);
        return 0;
    }
    if (m->f->n > 0) {
        sdmx_result_item_t *last = &m->f->items[m->f->n - 1];
        if (last->art.ref.kind == art->ref.kind && core_str_eq(last->art.ref.agency, art->ref.agency) &&
            core_str_eq(last->art.ref.id, art->ref.id)) {
            if (dsd_version_cmp(art->ref.version, last->art.ref.version) > 0)
                last->art = *art;
            return 0;
        }
    }
    found_add(m->f, art, SDMX_SHOW_FULL);
    return 0;
}

static core_rc
match(store_view_t *v, const sdmx_structure_query_t *q, struct found *f, core_err_t *err)
{
    struct match_ctx m = {q, f};
    for (unsigned k = 0; k < DSD_KIND__COUNT; k++) {
        if (!(q->kinds & (1u << k)))
            continue;
        core_str_t agency = q->agencies.n == 1 ? q->agencies.v[0] : CORE_STR_NULL;
        core_str_t id = q->agencies.n == 1 && q->ids.n == 1 ? q->ids.v[0] : CORE_STR_NULL;
        core_rc rc = store_artefact_scan(v, (dsd_kind)k, agency, id, on_candidate, &m, err);
        if (rc != CORE_OK)
            return rc;
    }
    return CORE_OK;
}

/* ---- references ---------------------------------------------------------------------- */

typedef core_rc (*walk_fn)(store_view_t *, const dsd_ref_t *, core_vec_t *, core_err_t *);

/* Adds to out every ref reached from start by walk, once (depth 1, or all depths). */
static core_rc
walk(store_view_t *v, core_arena_t *a, walk_fn fn, const dsd_ref_t *start, int transitive,
     core_vec_t *out, core_err_t *err)
{
    core_vec_t todo = {0};
    core_vec_push(a, &todo, (void *)start);
    for (size_t i = 0; i < todo.len; i++) {
        core_vec_t next = {0};
        core_rc rc = fn(v, todo.items[i], &next, err);
        if (rc != CORE_OK)
            return rc;
        for (size_t j = 0; j < next.len; j++) {
            int seen = dsd_ref_eq(next.items[j], start);
            for (size_t k = 0; k < out->len && !seen; k++)
                seen = dsd_ref_eq(out->items[k], next.items[j]);
            if (seen)
                continue;
            core_vec_push(a, out, next.items[j]);
            if (transitive)
                core_vec_push(a, &todo, next.items[j]);
        }
    }
    return CORE_OK;
}

static core_rc
references_of(store_view_t *v, core_arena_t *a, const sdmx_structure_query_t *q,
              const dsd_ref_t *ref, core_vec_t *out, core_err_t *err)
{
    core_rc rc = CORE_OK;
    switch (q->references) {
    case SDMX_REFS_NONE:
        break;
    case SDMX_REFS_CHILDREN:
        rc = walk(v, a, store_refs_children, ref, 0, out, err);
        break;
    case SDMX_REFS_DESCENDANTS:
        rc = walk(v, a, store_refs_children, ref, 1, out, err);
        break;
    case SDMX_REFS_PARENTS:
        rc = walk(v, a, store_refs_parents, ref, 0, out, err);
        break;
    case SDMX_REFS_PARENTSANDSIBLINGS:
    case SDMX_REFS_ALL: {
        core_vec_t parents = {0};
        if ((rc = walk(v, a, store_refs_parents, ref, 0, &parents, err)) != CORE_OK)
            break;
        for (size_t i = 0; i < parents.len && rc == CORE_OK; i++) {
            core_vec_push(a, out, parents.items[i]);
            rc = walk(v, a, store_refs_children, parents.items[i], 0, out, err);
        }
        if (rc == CORE_OK && q->references == SDMX_REFS_ALL)
            rc = walk(v, a, store_refs_children, ref, 1, out, err);
        break;
    }
    case SDMX_REFS_KIND: {
        /* The artefacts of that type used by, or using, the match, however indirectly:
         * dataflow?references=codelist finds the codelists of its DSD. */
        core_vec_t all = {0};
        if ((rc = walk(v, a, store_refs_children, ref, 1, &all, err)) == CORE_OK)
            rc = walk(v, a, store_refs_parents, ref, 1, &all, err);
        for (size_t i = 0; i < all.len; i++)
            if (q->ref_kinds & (1u << ((dsd_ref_t *)all.items[i])->kind))
                core_vec_push(a, out, all.items[i]);
        break;
    }
    }
    return rc;
}

static sdmx_show
reference_show(sdmx_detail d)
{
    switch (d) {
    case SDMX_DETAIL_ALLSTUBS:
    case SDMX_DETAIL_REFERENCESTUBS:
        return SDMX_SHOW_STUB;
    case SDMX_DETAIL_ALLCOMPLETESTUBS:
    case SDMX_DETAIL_REFERENCECOMPLETESTUBS:
        return SDMX_SHOW_COMPLETESTUB;
    default:
        return SDMX_SHOW_FULL;
    }
}

static sdmx_show
match_show(sdmx_detail d)
{
    if (d == SDMX_DETAIL_ALLSTUBS)
        return SDMX_SHOW_STUB;
    if (d == SDMX_DETAIL_ALLCOMPLETESTUBS)
        return SDMX_SHOW_COMPLETESTUB;
    return SDMX_SHOW_FULL;
}

static int
by_identity(const void *pa, const void *pb)
{
    const dsd_ref_t *a = &((const sdmx_result_item_t *)pa)->art.ref;
    const dsd_ref_t *b = &((const sdmx_result_item_t *)pb)->art.ref;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    int c = core_str_cmp(a->agency, b->agency);
    if (c == 0)
        c = core_str_cmp(a->id, b->id);
    if (c == 0)
        c = dsd_version_cmp(a->version, b->version);
    return c;
}

core_rc
sdmx_structure_resolve(store_view_t *v, core_arena_t *a, const sdmx_structure_query_t *q,
                       sdmx_result_t *out, core_err_t *err)
{
    struct found f = {.a = a};
    core_rc rc = match(v, q, &f, err);
    if (rc != CORE_OK)
        return rc;
    size_t nmatched = 0;
    for (size_t i = 0; i < f.n; i++) {
        sdmx_result_item_t *it = &f.items[i];
        it->show = match_show(q->detail);
        if (q->items.n > 0) {
            it->filtered = 1;
            it->keep = q->items.v;
            it->nkeep = q->items.n;
            if (sdmx__count_items(a, it) == 0)
                continue;
        }
        f.items[nmatched++] = *it;
    }
    f.n = nmatched;
    if (f.n == 0)
        return core_fail(err, CORE_ENOTFOUND, "no artefact matches the query");
    sdmx_show rshow = reference_show(q->detail);
    for (size_t i = 0; i < nmatched; i++) {
        core_vec_t refs = {0};
        if ((rc = references_of(v, a, q, &f.items[i].art.ref, &refs, err)) != CORE_OK)
            return rc;
        for (size_t j = 0; j < refs.len; j++) {
            store_artefact_t art;
            core_err_t e = {0};
            if (store_artefact_get(v, refs.items[j], &art, &e) == CORE_OK)
                found_add(&f, &art, rshow);
        }
    }
    if (q->detail == SDMX_DETAIL_REFERENCEPARTIAL &&
        (rc = sdmx__reference_partial(v, a, f.items, nmatched, f.items + nmatched,
                                      f.n - nmatched, err)) != CORE_OK)
        return rc;
    qsort(f.items, f.n, sizeof *f.items, by_identity);
    out->items = f.items;
    out->n = f.n;
    return CORE_OK;
}
