#include <config.h>
#include "sdmx/sdmx_int.h"

#include <string.h>

/* A data answer produced in chunks: the planner turns the query into a plan over the
 * registry (dataflow, DSD, cube, key filter), reads the store series by series (providers,
 * groups, the change log, cross-sections, labels) and hands each format's writer plain data
 * (sdmx__data_t: codes as strings, attribute blobs, observations). The series iterator of
 * the store is the state, so that the server can write a chunk, wait for the socket, and
 * ask for the next one. */

#define OBS_BATCH_MAX 100000

struct sdmx_data_stream {
    sdmx__data_t d; /* what the writer writes from */
    const sdmx__data_ops_t *ops;
    sdmx__plan_t p;
    store_series_iter_t *it;
    store_series_t series;
    core_str_t *codes; /* current series codes, in DSD order (d.codes) */
    store_obs_t *batch;  /* observations of the current series that will be written */
    size_t nbatch, capbatch;
    int begun, ended, have_series;
    sdmx__xs_entry_t *xs_entries; /* every observation, sorted into sections */
    size_t xs_n, xs_cap, xs_at;
    /* attributes of groups, sorted by (mask, ids); the distinct masks; a series' own
     * attributes merged with its groups' */
    store_group_t *groups;
    size_t ngroups, nmasks;
    uint64_t *masks;
    core_buf_t merged;
    /* updatedAfter: the series come from the change log, deletions follow in a second
     * data set with action Delete */
    store_change_t *changes;
    size_t nchanges, ci, ndeletions;
    uint64_t min_commit;
    /* the snapshot read now (NULL while released) and, after a resume, the arena it and
     * what is read from it live in; where to go on from (see sdmx_data_stream_release) */
    store_t *reg;
    store_view_t *v;
    core_arena_t *va;
    int released, owns_borrowed;
    uint32_t *pending_ids;
    size_t pending_ci;
    uint64_t resumes;
    /* includeHistory: the commits that wrote or deleted values of the answer, in order; the
     * answer walks the series once for each commit's values written (a data set with action
     * Replace), once for its deletions (Delete): set = 2 * commit index + (1 for Delete).
     * The set being read and the one the writer has open; the time of the one being read. */
    uint64_t *hcommits;
    size_t nhcommits, hcap, set, open_set;
    int64_t set_time;
};

static core_rc xs_gather(struct sdmx_data_stream *s, core_err_t *err);

/* Where what is read from the current snapshot goes: the request's arena for the snapshot
 * the answer began with, a snapshot's own arena after a resume (freed when it is let go). */
static core_arena_t *
snap_arena(struct sdmx_data_stream *s)
{
    return s->va != NULL ? s->va : s->p.a;
}

/* A copy in the request's arena; an absent value stays absent. */
static core_str_t
own(struct sdmx_data_stream *s, core_str_t v)
{
    return v.ptr != NULL ? core_arena_str(s->p.a, v) : v;
}

/* ---- the plan ---------------------------------------------------------------------------- */

void
sdmx__query_one(sdmx_structure_query_t *sq, dsd_kind kind, const core_str_t *agency,
                const core_str_t *id, const core_str_t *version)
{
    memset(sq, 0, sizeof *sq);
    sq->kinds = 1u << kind;
    sq->agencies.v = agency->len ? (core_str_t *)agency : NULL;
    sq->agencies.n = agency->len ? 1 : 0;
    sq->ids.v = (core_str_t *)id;
    sq->ids.n = 1;
    sq->latest = version->len == 0;
    sq->versions.v = version->len ? (core_str_t *)version : NULL;
    sq->versions.n = version->len ? 1 : 0;
}

/* Finds the dataflow of the query: agency and version optional (latest). */
static core_rc
find_flow(store_view_t *v, core_arena_t *a, const sdmx_data_query_t *q, dsd_ref_t *out,
          core_err_t *err)
{
    sdmx_structure_query_t sq;
    sdmx__query_one(&sq, DSD_KIND_DATAFLOW, &q->agency, &q->flow, &q->version);
    sdmx_result_t res;
    core_err_t e = {0};
    char qa[SDMX_QUOTE_MAX], qf[SDMX_QUOTE_MAX];
    sdmx_quote(qa, sizeof qa, q->agency, SDMX_QUOTE_PATH);
    sdmx_quote(qf, sizeof qf, q->flow, SDMX_QUOTE_PATH);
    if (sdmx_structure_resolve(v, a, &sq, &res, &e) != CORE_OK)
        return core_fail(err, CORE_ENOTFOUND, "no dataflow %s%s%s", qa, q->agency.len ? "," : "",
                         qf);
    if (res.n > 1)
        return core_fail(err, CORE_ESYNTAX,
                         "several agencies have a dataflow %s; name the agency: AGENCY,%s", qf, qf);
    *out = res.items[0].art.ref;
    return CORE_OK;
}

core_rc
sdmx_data_flow(store_view_t *v, core_arena_t *a, const sdmx_data_query_t *q, dsd_ref_t *out,
               core_err_t *err)
{
    return find_flow(v, a, q, out, err);
}

core_rc
sdmx__plan_structure(store_view_t *v, core_arena_t *a, const sdmx_data_query_t *q, sdmx__plan_t *p,
                     core_err_t *err)
{
    memset(p, 0, sizeof *p);
    p->a = a;
    p->q = q;
    dsd_ref_t dsd;
    const dsd_structure_t *c;
    core_rc rc;
    if ((rc = find_flow(v, a, q, &p->flow, err)) != CORE_OK ||
        (rc = sdmx_flow_structure(v, a, &p->flow, &dsd, err)) != CORE_OK ||
        (rc = sdmx__structure_cached(q->cache, v, a, &dsd, &c, err)) != CORE_OK)
        return rc;
    p->dsd = *c; /* a shallow copy: the cache entry is held until the request ends */
    /* the plan may outlive the snapshot (see sdmx_data_stream_release) */
    p->flow.agency = core_arena_str(a, p->flow.agency);
    p->flow.id = core_arena_str(a, p->flow.id);
    p->flow.version = core_arena_str(a, p->flow.version);
    return CORE_OK;
}

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Turns the query key into sorted code ids per dimension; CORE_ENOTFOUND when a position
 * names only codes the cube never saw. */
static core_rc
build_filter(sdmx__plan_t *p, store_key_filter_t **out, core_err_t *err)
{
    const sdmx_data_query_t *q = p->q;
    *out = NULL;
    if (q->nkey == 0)
        return CORE_OK;
    if (q->nkey != p->dsd.ndims)
        return core_fail(err, CORE_ESYNTAX,
                         "the key has %zu positions but %s has %zu dimensions (%s...)", q->nkey,
                         dsd_ref_label(p->a, &p->dsd.dsd), p->dsd.ndims, p->dsd.dims[0].id);
    store_key_filter_t *f = core_arena_zalloc(p->a, sizeof *f);
    f->ids = core_arena_zalloc(p->a, q->nkey * sizeof *f->ids);
    f->n = core_arena_zalloc(p->a, q->nkey * sizeof *f->n);
    for (size_t d = 0; d < q->nkey; d++) {
        if (q->key[d].n == 0) {
            f->n[d] = SIZE_MAX;
            continue;
        }
        f->ids[d] = core_arena_alloc(p->a, q->key[d].n * sizeof **f->ids);
        for (size_t i = 0; i < q->key[d].n; i++) {
            uint32_t id;
            if (store_cube_code_id(p->cube, d, q->key[d].v[i], &id))
                f->ids[d][f->n[d]++] = id;
        }
        char code[SDMX_QUOTE_MAX];
        if (f->n[d] == 0)
            return core_fail(err, CORE_ENOTFOUND, "no data for %s=%s%s", p->dsd.dims[d].id,
                             sdmx_quote(code, sizeof code, q->key[d].v[0], SDMX_QUOTE_PATH),
                             q->key[d].n > 1 ? "..." : "");
        qsort(f->ids[d], f->n[d], sizeof **f->ids, cmp_u32);
    }
    *out = f;
    return CORE_OK;
}

core_rc
sdmx__plan_cube(store_view_t *v, sdmx__plan_t *p, core_err_t *err)
{
    store_key_filter_t *f;
    core_rc rc;
    if ((rc = store_cube_open(v, &p->flow, &p->cube, err)) != CORE_OK ||
        (rc = build_filter(p, &f, err)) != CORE_OK)
        return rc;
    p->filter = f;
    if (p->dsd.ndims > DSD_MAX_DIMS)
        return core_fail(err, CORE_ETOOBIG, "more than %d dimensions", DSD_MAX_DIMS);
    return CORE_OK;
}

/* providerRef: AGENCY,ID or ID, joined with '+'; a series written without a provider matches
 * none. The provider of a deleted series is kept, so that its deletion is still theirs. */
core_rc
sdmx__plan_provider_matches(const sdmx__plan_t *p, const uint32_t *ids, int *yes, core_err_t *err)
{
    const sdmx_strlist_t *want = &p->q->providers;
    *yes = want->n == 0;
    if (*yes)
        return CORE_OK;
    core_str_t agency, id;
    core_rc rc = store_cube_series_provider(p->cube, ids, &agency, &id, err);
    if (rc == CORE_ENOTFOUND)
        return CORE_OK;
    if (rc != CORE_OK)
        return rc;
    for (size_t i = 0; i < want->n && !*yes; i++) {
        core_str_t head, after = core_str_split(want->v[i], ',', &head);
        if (after.ptr == NULL) /* ID alone */
            *yes = core_str_eq(head, id);
        else /* AGENCY,ID */
            *yes = core_str_eq(head, agency) && core_str_eq(after, id);
    }
    return CORE_OK;
}

/* ---- the series -------------------------------------------------------------------------- */

static core_rc advance_any(struct sdmx_data_stream *s, core_err_t *err);

/* The next series of the answer: from the store's scan, or (updatedAfter) from the series
 * the change log names that still exist and pass the key filter. */
static core_rc
advance(struct sdmx_data_stream *s, core_err_t *err)
{
    for (;;) {
        int yes;
        core_rc rc = advance_any(s, err);
        if (rc == CORE_OK)
            rc = sdmx__plan_provider_matches(&s->p, s->series.ids, &yes, err);
        if (rc != CORE_OK || yes)
            return rc;
    }
}

static core_rc
advance_any(struct sdmx_data_stream *s, core_err_t *err)
{
    if (s->p.q->include_history || (s->changes == NULL && s->p.q->updated_after == 0))
        return store_series_iter_next(s->it, &s->series, err);
    while (s->ci < s->nchanges) {
        store_change_t *ch = &s->changes[s->ci++];
        if (!ch->updated || !store_key_filter_allows(s->p.filter, ch->ids, s->p.dsd.ndims))
            continue;
        core_rc rc = store_series_iter_at(s->it, ch->ids, s->min_commit, &s->series, err);
        if (rc == CORE_ENOTFOUND)
            continue;
        return rc;
    }
    return CORE_ENOTFOUND;
}

/* ---- groups -------------------------------------------------------------------------------- */

/* Groups by mask, then ids (arg: the number of dimensions). */
static int
cmp_group(const void *pa, const void *pb, void *arg)
{
    const store_group_t *a = pa, *b = pb;
    size_t nd = *(const size_t *)arg;
    if (a->mask != b->mask)
        return a->mask < b->mask ? -1 : 1;
    for (size_t d = 0; d < nd; d++)
        if (a->ids[d] != b->ids[d])
            return a->ids[d] < b->ids[d] ? -1 : 1;
    return 0;
}

/* The group equal to probe in the sorted groups, or NULL (bsearch takes no context). */
static const store_group_t *
find_group(const store_group_t *groups, size_t n, const store_group_t *probe, size_t nd)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_group(probe, &groups[mid], &nd);
        if (c == 0)
            return &groups[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

static void
free_buf(void *arg)
{
    core_buf_dispose(arg);
}

static const char *
group_kind(const struct sdmx_data_stream *s, uint64_t mask)
{
    for (size_t i = 0; i < s->p.dsd.ngroups; i++)
        if (s->p.dsd.groups[i].mask == mask && s->p.dsd.groups[i].id != NULL)
            return s->p.dsd.groups[i].id;
    return NULL;
}

/* Whether the group's own dimensions pass the query's key. */
static int
group_in_key(const struct sdmx_data_stream *s, const store_group_t *g)
{
    for (size_t d = 0; d < s->p.dsd.ndims; d++)
        if (((g->mask >> d) & 1) && !store_key_filter_allows_code(s->p.filter, d, g->ids[d]))
            return 0;
    return 1;
}

/* The stored groups of the DSD's kinds, for the formats that write them as Group elements:
 * handed to the writer (those in the key, with their codes), and not merged into series. */
static void
split_typed_groups(struct sdmx_data_stream *s)
{
    if (!sdmx__data_writes_groups(s->d.fmt, s->d.flat, s->d.xs) || s->p.dsd.ngroups == 0)
        return;
    core_arena_t *sa = snap_arena(s);
    sdmx__data_group_t *typed = core_arena_alloc(sa, s->ngroups * sizeof *typed);
    size_t kept = 0, ntyped = 0, nd = s->p.dsd.ndims;
    for (size_t i = 0; i < s->ngroups; i++) {
        const store_group_t *g = &s->groups[i];
        const char *kind = group_kind(s, g->mask);
        if (kind == NULL) {
            s->groups[kept++] = *g;
            continue;
        }
        if (!group_in_key(s, g))
            continue;
        core_str_t *codes = core_arena_zalloc(sa, nd * sizeof *codes);
        for (size_t d = 0; d < nd; d++)
            if ((g->mask >> d) & 1)
                codes[d] = store_cube_code(s->p.cube, d, g->ids[d]);
        typed[ntyped++] = (sdmx__data_group_t){kind, g->mask, codes, g->attrs};
    }
    s->ngroups = kept;
    s->d.groups = typed;
    s->d.ngroups = ntyped;
}

/* Loads the group attributes of the cube, sorted so that a series finds its groups with one
 * binary search per distinct group key layout. */
static core_rc
load_groups(struct sdmx_data_stream *s, core_err_t *err)
{
    s->ngroups = s->nmasks = s->d.ngroups = 0;
    core_rc rc = store_cube_groups(s->p.cube, &s->groups, &s->ngroups, err);
    if (rc != CORE_OK || s->ngroups == 0)
        return rc;
    split_typed_groups(s);
    if (s->ngroups == 0)
        return CORE_OK;
    size_t nd = s->p.dsd.ndims;
    qsort_r(s->groups, s->ngroups, sizeof *s->groups, cmp_group, &nd);
    s->masks = core_arena_alloc(snap_arena(s), s->ngroups * sizeof *s->masks);
    for (size_t i = 0; i < s->ngroups; i++)
        if (s->nmasks == 0 || s->masks[s->nmasks - 1] != s->groups[i].mask)
            s->masks[s->nmasks++] = s->groups[i].mask;
    return CORE_OK;
}

/* The series' own attributes, then those of every group it belongs to (its own win). */
static void
merge_groups(struct sdmx_data_stream *s)
{
    if (s->ngroups == 0)
        return;
    size_t nd = s->p.dsd.ndims;
    uint32_t probe_ids[DSD_MAX_DIMS];
    store_group_t probe = {probe_ids, 0, CORE_STR_NULL};
    core_buf_reset(&s->merged);
    core_buf_addstr(&s->merged, s->series.attrs);
    for (size_t m = 0; m < s->nmasks; m++) {
        probe.mask = s->masks[m];
        for (size_t d = 0; d < nd; d++)
            probe_ids[d] = (probe.mask >> d) & 1 ? s->series.ids[d] : 0;
        const store_group_t *g = find_group(s->groups, s->ngroups, &probe, nd);
        if (g == NULL)
            continue;
        core_str_t blob = g->attrs;
        dsd_kv_t kv;
        while (dsd_attrs_next(&blob, &kv))
            if (!dsd_attrs_has((core_str_t){s->merged.ptr, s->merged.len}, kv.id))
                dsd_attrs_add(&s->merged, kv.id, kv.value);
    }
    s->series.attrs = (core_str_t){s->merged.ptr, s->merged.len};
}

static core_rc history_advance(struct sdmx_data_stream *s, core_err_t *err);

/* Reads the next series that has observations to show into s->batch, its codes and
 * attributes into what the writer sees. */
static core_rc
next_series(struct sdmx_data_stream *s, core_err_t *err)
{
    const sdmx_data_query_t *q = s->p.q;
    for (;;) {
        core_rc rc = q->include_history ? history_advance(s, err) : advance(s, err);
        if (rc != CORE_OK)
            return rc;
        s->nbatch = 0;
        store_obs_t o;
        for (rc = store_obs_first(s->it, q->start, q->end, &o, err); rc == CORE_OK;
             rc = store_obs_next(s->it, &o, err)) {
            if (q->first_n && s->nbatch == q->first_n)
                break;
            if (q->last_n && s->nbatch == q->last_n) {
                memmove(s->batch, s->batch + 1, (s->nbatch - 1) * sizeof *s->batch);
                s->nbatch--;
            }
            if (s->nbatch == OBS_BATCH_MAX)
                return core_fail(err, CORE_ETOOBIG, "a series with more than %d observations",
                                 OBS_BATCH_MAX);
            core_arena_grow(s->p.a, (void **)&s->batch, s->nbatch, &s->capbatch, sizeof *s->batch);
            s->batch[s->nbatch++] = o;
        }
        if (rc != CORE_OK && rc != CORE_ENOTFOUND)
            return rc;
        /* updatedAfter: a series whose attributes changed is shown even without new
         * observations */
        int attrs_changed = s->min_commit != 0 && s->series.commit >= s->min_commit;
        if (s->nbatch == 0 && !attrs_changed)
            continue;
        for (size_t d = 0; d < s->p.dsd.ndims; d++)
            s->codes[d] = store_cube_code(s->p.cube, d, s->series.ids[d]);
        if (q->include_history && s->set % 2 == 1) { /* deleted: their keys only */
            for (size_t i = 0; i < s->nbatch; i++)
                s->batch[i].value = s->batch[i].attrs = CORE_STR_NULL;
            s->series.attrs = CORE_STR_NULL;
            s->d.series_attrs = s->series.attrs;
            return CORE_OK;
        }
        merge_groups(s);
        s->d.series_attrs = s->series.attrs;
        return CORE_OK;
    }
}

/* ---- updatedAfter: the change log ---------------------------------------------------------- */

static core_rc
open_changes(struct sdmx_data_stream *s, core_err_t *err)
{
    core_rc rc = store_cube_changes(s->p.cube, s->p.q->updated_after, &s->changes, &s->nchanges,
                                  &s->min_commit, err);
    if (rc != CORE_OK)
        return rc;
    /* the deletions the query does not select (key, providerRef) are dropped here, once,
     * for every writer */
    for (size_t i = 0; i < s->nchanges; i++) {
        store_change_t *ch = &s->changes[i];
        if (ch->nperiods == 0 && !ch->deleted_series)
            continue;
        int shown = store_key_filter_allows(s->p.filter, ch->ids, s->p.dsd.ndims);
        if (shown && (rc = sdmx__plan_provider_matches(&s->p, ch->ids, &shown, err)) != CORE_OK)
            return rc;
        if (!shown) {
            ch->nperiods = 0;
            ch->deleted_series = 0;
            continue;
        }
        s->ndeletions += ch->nperiods + (size_t)ch->deleted_series;
    }
    return CORE_OK;
}

/* The deletions the writer ends with, their keys read from the current snapshot. */
static void
hand_deletions(struct sdmx_data_stream *s)
{
    if (s->ndeletions == 0)
        return;
    size_t nd = s->p.dsd.ndims, n = 0;
    sdmx__data_deletion_t *dels = core_arena_alloc(s->p.a, s->nchanges * sizeof *dels);
    for (size_t i = 0; i < s->nchanges; i++) {
        const store_change_t *ch = &s->changes[i];
        if (ch->nperiods == 0 && !ch->deleted_series) /* nothing, or not selected */
            continue;
        core_str_t *codes = core_arena_alloc(s->p.a, nd * sizeof *codes);
        for (size_t d = 0; d < nd; d++)
            codes[d] = store_cube_code(s->p.cube, d, ch->ids[d]);
        dels[n++] = (sdmx__data_deletion_t){codes, ch->periods, ch->nperiods, ch->deleted_series};
    }
    s->d.deletions = dels;
    s->d.ndeletions = n;
}

/* ---- includeHistory ------------------------------------------------------------------------ */

/* Adds commit to the sorted commits of the answer (few: one per load that touched it). */
static void
add_commit(struct sdmx_data_stream *s, uint64_t commit)
{
    size_t lo = 0, hi = s->nhcommits;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->hcommits[mid] == commit)
            return;
        if (s->hcommits[mid] < commit)
            lo = mid + 1;
        else
            hi = mid;
    }
    core_arena_grow(s->p.a, (void **)&s->hcommits, s->nhcommits, &s->hcap, sizeof *s->hcommits);
    memmove(s->hcommits + lo + 1, s->hcommits + lo, (s->nhcommits - lo) * sizeof *s->hcommits);
    s->hcommits[lo] = commit;
    s->nhcommits++;
}

/* Makes the iterator walk the data set s->set, and notes when its commit was made. */
static core_rc
history_pass(struct sdmx_data_stream *s, core_err_t *err)
{
    uint64_t commit = s->hcommits[s->set / 2];
    store_series_iter_versions(s->it, s->set % 2 ? STORE_VERSIONS_DELETED_AT
                                                  : STORE_VERSIONS_WRITTEN_AT,
                               commit);
    core_rc rc = store_view_commit_time(s->v, commit, &s->set_time, err);
    if (rc == CORE_ENOTFOUND) { /* (every commit that wrote data is recorded) */
        s->set_time = 0;
        return CORE_OK;
    }
    return rc;
}

/* The commits that wrote or deleted a value the query selects (updatedAfter: those after
 * it), read in one walk of every version before the answer begins; nothing but them is
 * kept. */
static core_rc
open_history(struct sdmx_data_stream *s, core_err_t *err)
{
    const sdmx_data_query_t *q = s->p.q;
    uint64_t from = 0;
    core_rc rc;
    if (q->updated_after != 0) {
        if ((rc = store_view_first_commit_after(s->v, q->updated_after, &from, err)) != CORE_OK)
            return rc;
        if (from == 0)
            return CORE_OK; /* nothing since */
    }
    store_series_iter_versions(s->it, STORE_VERSIONS_ALL, 0);
    while ((rc = advance(s, err)) == CORE_OK) {
        store_obs_t o;
        for (rc = store_obs_first(s->it, q->start, q->end, &o, err); rc == CORE_OK;
             rc = store_obs_next(s->it, &o, err)) {
            if (o.commit >= from)
                add_commit(s, o.commit);
            if (o.deleted && o.until >= from)
                add_commit(s, o.until);
        }
        if (rc != CORE_ENOTFOUND)
            return rc;
    }
    if (rc != CORE_ENOTFOUND)
        return rc;
    s->set = 0;
    return s->nhcommits > 0 ? history_pass(s, err) : CORE_OK;
}

/* The next series of the data set being read, or of the next data set. */
static core_rc
history_advance(struct sdmx_data_stream *s, core_err_t *err)
{
    for (;;) {
        if (s->set / 2 >= s->nhcommits)
            return CORE_ENOTFOUND;
        core_rc rc = advance(s, err);
        if (rc != CORE_ENOTFOUND)
            return rc;
        if (++s->set / 2 >= s->nhcommits)
            return CORE_ENOTFOUND;
        if ((rc = history_pass(s, err)) != CORE_OK)
            return rc;
    }
}

/* What the writer says of the data set that the next series belongs to. */
static void
history_set(struct sdmx_data_stream *s)
{
    s->d.history = 1;
    s->d.hist_delete = s->set % 2 == 1;
    s->d.hist_time = s->set_time;
    s->open_set = s->set;
}

/* includeHistory is answered where a data set can say when its values held: SDMX-ML 2.1 and
 * SDMX-JSON 1.0. */
static core_rc
check_history(struct sdmx_data_stream *s, core_err_t *err)
{
    if (!s->p.q->include_history)
        return CORE_OK;
    if (s->d.fmt == SDMX_DATA_CSV)
        return core_fail(err, CORE_ENOTACCEPT,
                         "includeHistory=true is answered in SDMX-ML 2.1 (genericdata, "
                         "structurespecificdata) and SDMX-JSON: SDMX-CSV 1.0 cannot say when a "
                         "value held");
    if (s->ops->dataset_next == NULL)
        return core_fail(err, CORE_ENOTIMPL,
                         "includeHistory=true is not answered in this format yet");
    if (s->p.q->dim_at_obs.len > 0 && !core_str_eq_c(s->p.q->dim_at_obs, "AllDimensions") &&
        !core_str_eq_c(s->p.q->dim_at_obs, s->p.dsd.time.id ? s->p.dsd.time.id : "TIME_PERIOD"))
        return core_fail(err, CORE_ENOTIMPL,
                         "includeHistory=true with a cross-section is not implemented yet");
    return CORE_OK;
}

/* ---- opening ------------------------------------------------------------------------------- */

/* TIME_PERIOD (the default), AllDimensions (flat, in the SDMX-ML formats that allow it) or
 * another dimension: a cross-section, in the formats that allow it. */
static core_rc
check_dim_at_obs(struct sdmx_data_stream *s, core_err_t *err)
{
    const sdmx_data_query_t *q = s->p.q;
    const dsd_structure_t *dsd = &s->p.dsd;
    sdmx_data_format fmt = s->d.fmt;
    core_str_t d = q->dim_at_obs;
    const char *time_id = dsd->time.id ? dsd->time.id : "TIME_PERIOD";
    if (d.len == 0 || core_str_eq_c(d, time_id))
        return CORE_OK;
    int ts = fmt == SDMX_DATA_GENERIC_TS || fmt == SDMX_DATA_SS_TS;
    if (core_str_eq_c(d, "AllDimensions")) {
        if (ts)
            return core_fail(err, CORE_ESYNTAX,
                             "time-series formats have %s at the observation; ask "
                             "genericdata or structurespecificdata for AllDimensions",
                             time_id);
        if (fmt == SDMX_DATA_JSON && q->updated_after)
            return core_fail(err, CORE_ENOTIMPL,
                             "updatedAfter with dimensionAtObservation=AllDimensions in "
                             "SDMX-JSON is not implemented yet: deletions are written as series");
        s->d.flat = 1;
        core_buf_init(&s->d.flat_tmp);
        core_arena_defer(s->p.a, free_buf, &s->d.flat_tmp);
        return CORE_OK;
    }
    int dim = dsd_structure_dim(dsd, d);
    if (dim < 0)
        return core_fail(err, CORE_ESYNTAX,
                         "dimensionAtObservation names no dimension of %s (nor AllDimensions)",
                         dsd_ref_label(s->p.a, &dsd->dsd));
    if (ts || fmt == SDMX_DATA_JSON)
        return core_fail(err, ts ? CORE_ESYNTAX : CORE_ENOTIMPL,
                         "a cross-section on %.*s is answered in genericdata, "
                         "structurespecificdata or csv%s",
                         CORE_STR_FMT(d), ts ? "" : " (not yet in SDMX-JSON)");
    if (q->updated_after)
        return core_fail(err, CORE_ENOTIMPL,
                         "updatedAfter with a cross-section (dimensionAtObservation=%.*s) is not "
                         "implemented yet: deletions are written as time series",
                         CORE_STR_FMT(d));
    s->d.xs = 1;
    s->d.xs_dim = (size_t)dim;
    core_buf_init(&s->d.flat_tmp); /* the writer gathers a section's series attributes there */
    core_arena_defer(s->p.a, free_buf, &s->d.flat_tmp);
    return CORE_OK;
}

static const char *
concept_name(struct sdmx_data_stream *s, store_view_t *v, const dsd_component_t *c, core_err_t *err)
{
    dsd_names_t names = {0};
    if (c->concepts.kind == DSD_KIND_NONE || c->concept == NULL ||
        reg_item_names(v, s->p.a, &c->concepts, &s->p.q->lang, &names.v, &names.n, err) !=
            CORE_OK)
        return NULL;
    return dsd_name_of(names.v, names.n, core_str_c(c->concept));
}

/* labels=both: the names of every column's concept and of every coded value's code. */
static core_rc
load_labels(struct sdmx_data_stream *s, store_view_t *v, core_err_t *err)
{
    const dsd_structure_t *dsd = &s->p.dsd;
    const dsd_langpref_t *lang = &s->p.q->lang;
    core_arena_t *a = s->p.a;
    size_t nd = dsd->ndims, na = dsd->nattrs, col = 0;
    dsd_names_t *dim_names = core_arena_zalloc(a, (nd + 1) * sizeof *dim_names);
    dsd_names_t *attr_names = core_arena_zalloc(a, (na + 1) * sizeof *attr_names);
    const char **col_names = core_arena_zalloc(a, (nd + na + 2) * sizeof *col_names);
    s->d.dim_names = dim_names;
    s->d.attr_names = attr_names;
    s->d.col_names = col_names;
    for (size_t d = 0; d < nd; d++) {
        const dsd_component_t *c = &dsd->dims[d];
        col_names[col++] = concept_name(s, v, c, err);
        if (c->codelist.kind != DSD_KIND_NONE &&
            reg_item_names(v, a, &c->codelist, lang, &dim_names[d].v, &dim_names[d].n, err) !=
                CORE_OK)
            return CORE_EBUG;
    }
    col_names[col++] = concept_name(s, v, &dsd->time, err);
    col_names[col++] = concept_name(s, v, &dsd->measure, err);
    for (size_t i = 0; i < na; i++) {
        const dsd_component_t *c = &dsd->attrs[i];
        col_names[col++] = concept_name(s, v, c, err);
        if (c->codelist.kind != DSD_KIND_NONE &&
            reg_item_names(v, a, &c->codelist, lang, &attr_names[i].v, &attr_names[i].n, err) !=
                CORE_OK)
            return CORE_EBUG;
    }
    return CORE_OK;
}

core_rc
sdmx_data_stream_open(store_view_t *v, core_arena_t *a, const sdmx_data_query_t *q,
                      sdmx_data_format fmt, const sdmx_header_t *h, sdmx_data_stream_t **out,
                      core_err_t *err)
{
    struct sdmx_data_stream *s = core_arena_zalloc(a, sizeof *s);
    s->d.a = a;
    s->d.q = q;
    s->d.fmt = fmt;
    s->d.h = *h;
    s->ops = sdmx__data_ops(fmt);
    s->reg = store_view_reg(v);
    s->v = v;
    core_rc rc;
    if ((rc = sdmx__plan_structure(v, a, q, &s->p, err)) != CORE_OK ||
        (rc = check_dim_at_obs(s, err)) != CORE_OK ||
        (rc = sdmx__plan_cube(v, &s->p, err)) != CORE_OK ||
        (rc = store_series_iter_new(s->p.cube, s->p.filter, &s->it, err)) != CORE_OK)
        return rc;
    s->d.flow = s->p.flow;
    s->d.dsd = s->p.dsd;
    /* the data set's attributes are written at the start; copied, they outlive a release */
    s->d.dataset_attrs = own(s, store_cube_dataset_attrs(s->p.cube));
    s->codes = core_arena_zalloc(a, s->p.dsd.ndims * sizeof *s->codes);
    s->d.codes = s->codes;
    s->pending_ids = core_arena_zalloc(a, s->p.dsd.ndims * sizeof *s->pending_ids);
    core_buf_init(&s->merged); /* (allocates nothing until a series is merged with groups) */
    core_arena_defer(a, free_buf, &s->merged);
    if ((rc = load_groups(s, err)) != CORE_OK)
        return rc;
    if (fmt == SDMX_DATA_CSV && q->csv_labels && (rc = load_labels(s, v, err)) != CORE_OK)
        return rc;
    if ((rc = check_history(s, err)) != CORE_OK)
        return rc;
    if (q->include_history)
        rc = open_history(s, err);
    else if (q->updated_after != 0)
        rc = open_changes(s, err);
    if (rc != CORE_OK)
        return rc;
    rc = next_series(s, err);
    if (rc == CORE_ENOTFOUND && s->ndeletions == 0)
        return core_fail(err, CORE_ENOTFOUND, "no data matches the query");
    if (rc != CORE_OK && rc != CORE_ENOTFOUND)
        return rc;
    s->have_series = rc == CORE_OK;
    if (s->d.xs && fmt != SDMX_DATA_CSV && (rc = xs_gather(s, err)) != CORE_OK)
        return rc;
    *out = s;
    return CORE_OK;
}

/* ---- cross-sections ---------------------------------------------------------------------- */

/* A cross-section groups observations by every dimension but one, and by period: unlike a
 * time series, it cannot be read off the store in key order, so the answer is gathered and
 * sorted first (bounded: XS_MAX observations). */
#define XS_MAX 1000000 /* 96 bytes each, plus a key and attributes per series */

struct xs_order {
    size_t ndims, skip; /* skip: the cross-section's dimension, compared last */
};

static int
cmp_xs(const void *pa, const void *pb, void *arg)
{
    const sdmx__xs_entry_t *a = pa, *b = pb;
    const struct xs_order *o = arg;
    for (size_t d = 0; d < o->ndims; d++)
        if (d != o->skip && a->ids[d] != b->ids[d])
            return a->ids[d] < b->ids[d] ? -1 : 1;
    if (a->obs.start != b->obs.start)
        return a->obs.start < b->obs.start ? -1 : 1;
    if (a->obs.end != b->obs.end)
        return a->obs.end > b->obs.end ? -1 : 1;
    return a->ids[o->skip] < b->ids[o->skip] ? -1 : a->ids[o->skip] > b->ids[o->skip];
}

/* Gathers the observations the stream would show, series by series, before the answer
 * starts, so that a cross-section too large is refused with a status. A series' key and
 * attributes are copied into the request's arena: a release keeps them. */
static core_rc
xs_gather(struct sdmx_data_stream *s, core_err_t *err)
{
    size_t nd = s->p.dsd.ndims;
    core_arena_t *a = s->p.a;
    while (s->have_series) {
        /* the series' key and attributes, shared by its observations */
        uint32_t *ids = core_arena_alloc(a, nd * sizeof *ids);
        memcpy(ids, s->series.ids, nd * sizeof *ids);
        core_str_t *codes = core_arena_alloc(a, nd * sizeof *codes);
        for (size_t d = 0; d < nd; d++)
            codes[d] = core_arena_str(a, s->codes[d]);
        core_str_t attrs = core_arena_str(a, s->series.attrs);
        for (size_t i = 0; i < s->nbatch; i++) {
            if (s->xs_n == XS_MAX)
                return core_fail(err, CORE_ETOOBIG,
                                 "a cross-section of more than %d observations; narrow the key "
                                 "or the periods",
                                 XS_MAX);
            core_arena_grow(a, (void **)&s->xs_entries, s->xs_n, &s->xs_cap, sizeof *s->xs_entries);
            s->xs_entries[s->xs_n++] = (sdmx__xs_entry_t){ids, codes, s->batch[i], attrs};
        }
        core_rc rc = next_series(s, err);
        if (rc == CORE_ENOTFOUND)
            break;
        if (rc != CORE_OK)
            return rc;
    }
    struct xs_order order = {nd, s->d.xs_dim};
    qsort_r(s->xs_entries, s->xs_n, sizeof *s->xs_entries, cmp_xs, &order);
    return CORE_OK;
}

static core_rc
xs_fill(struct sdmx_data_stream *s, core_buf_t *out, size_t want, int *done, core_err_t *err)
{
    (void)err;
    if (!s->begun) {
        s->ops->begin(&s->d, out);
        s->begun = 1;
    }
    while (s->xs_at < s->xs_n && out->len < want)
        s->xs_at = s->ops->section(&s->d, out, s->xs_entries, s->xs_n, s->xs_at);
    if (s->xs_at == s->xs_n && !s->ended) {
        s->ops->end(&s->d, out);
        s->ended = 1;
    }
    *done = s->ended;
    return CORE_OK;
}

/* ---- letting the snapshot go ----------------------------------------------------------------
 * A stream reads one snapshot while its client keeps up. When it is released (the server
 * does so when a client stalls), what it still needs from the snapshot is copied, the
 * position is kept as the key of the next series, and the snapshot is ended; the next fill
 * begins a fresh one and goes on from that key. So every series is written whole from one
 * snapshot, but an answer released on the way may show series of two states of the store:
 * series written after the position in between appear, series deleted do not. */

static void
own_changes(struct sdmx_data_stream *s)
{
    for (size_t i = 0; i < s->nchanges; i++)
        for (size_t j = 0; j < s->changes[i].nperiods; j++)
            s->changes[i].periods[j] = own(s, s->changes[i].periods[j]);
}

static void
own_cross_section(struct sdmx_data_stream *s)
{
    for (size_t i = s->xs_at; i < s->xs_n; i++) {
        store_obs_t *o = &s->xs_entries[i].obs;
        o->period = own(s, o->period);
        o->value = own(s, o->value);
        o->attrs = own(s, o->attrs);
    }
}

/* Copies what the stream keeps across snapshots and still borrows from the current one. */
static void
own_borrowed(struct sdmx_data_stream *s)
{
    if (s->owns_borrowed)
        return;
    s->owns_borrowed = 1;
    own_changes(s);
    if (s->d.xs && s->d.fmt != SDMX_DATA_CSV)
        own_cross_section(s);
}

void
sdmx_data_stream_release(sdmx_data_stream_t *s)
{
    if (s->released || s->v == NULL)
        return;
    if (!s->ended)
        own_borrowed(s);
    if (s->have_series && !s->ended) {
        memcpy(s->pending_ids, s->series.ids, s->p.dsd.ndims * sizeof *s->pending_ids);
        s->pending_ci = s->ci > 0 ? s->ci - 1 : 0;
    }
    s->p.cube = NULL;
    s->it = NULL;
    if (s->va != NULL) {
        core_arena_free(s->va); /* ends the snapshot, closes its cursor */
        s->va = NULL;
    } else {
        store_view_end(s->v);
    }
    s->v = NULL;
    s->released = 1;
}

uint64_t
sdmx_data_stream_resumes(const sdmx_data_stream_t *s)
{
    return s->resumes;
}

static void
free_resumed(void *arg)
{
    struct sdmx_data_stream *s = arg;
    if (s->va != NULL)
        core_arena_free(s->va);
    s->va = NULL;
}

/* A fresh snapshot, positioned on the series the stream was to write next (or the first
 * after it, when that one is gone). */
static core_rc
resume(struct sdmx_data_stream *s, core_err_t *err)
{
    core_arena_t *va = core_arena_new();
    store_view_t *v;
    core_rc rc = store_view_begin(s->reg, va, &v, err);
    if (rc != CORE_OK) {
        core_arena_free(va);
        return rc;
    }
    if (s->resumes == 0)
        core_arena_defer(s->p.a, free_resumed, s); /* a request that ends in the middle */
    s->va = va;
    s->v = v;
    s->released = 0;
    s->resumes++;
    if ((rc = store_cube_open(v, &s->p.flow, &s->p.cube, err)) != CORE_OK ||
        (rc = store_series_iter_new(s->p.cube, s->p.filter, &s->it, err)) != CORE_OK ||
        (rc = load_groups(s, err)) != CORE_OK)
        return rc;
    if ((s->d.xs && s->d.fmt != SDMX_DATA_CSV) || !s->have_series)
        return CORE_OK;
    if (s->p.q->include_history && (rc = history_pass(s, err)) != CORE_OK)
        return rc;
    if (s->p.q->updated_after != 0 && !s->p.q->include_history)
        s->ci = s->pending_ci;
    else
        store_series_iter_seek(s->it, s->pending_ids);
    rc = next_series(s, err);
    if (rc == CORE_ENOTFOUND) {
        s->have_series = 0;
        return CORE_OK;
    }
    return rc;
}

/* ---- filling --------------------------------------------------------------------------------- */

core_rc
sdmx_data_stream_fill(sdmx_data_stream_t *s, core_buf_t *out, size_t want, int *done,
                      core_err_t *err)
{
    *done = 0;
    core_rc rc;
    if (s->released && (rc = resume(s, err)) != CORE_OK)
        return rc;
    if (s->d.xs && s->d.fmt != SDMX_DATA_CSV)
        return xs_fill(s, out, want, done, err);
    int history = s->p.q->include_history;
    if (!s->begun) {
        if (history)
            history_set(s);
        s->ops->begin(&s->d, out);
        s->begun = 1;
    }
    sdmx_data_detail detail = s->p.q->detail;
    int obs = detail != SDMX_DATA_SERIESKEYSONLY && detail != SDMX_DATA_NODATA;
    while (s->have_series && out->len < want) {
        if (history && s->set != s->open_set) {
            history_set(s);
            s->ops->dataset_next(&s->d, out);
        }
        s->ops->series_begin(&s->d, out);
        for (size_t i = 0; obs && i < s->nbatch; i++)
            s->ops->obs(&s->d, out, &s->batch[i]);
        if (!obs && s->d.fmt == SDMX_DATA_CSV && s->nbatch > 0)
            s->ops->obs(&s->d, out, &(store_obs_t){0}); /* a key row per series */
        s->ops->series_end(&s->d, out);
        s->d.nseries++;
        s->d.nobs += s->nbatch;
        rc = next_series(s, err);
        if (rc == CORE_ENOTFOUND)
            s->have_series = 0;
        else if (rc != CORE_OK)
            return rc;
    }
    if (!s->have_series && !s->ended) {
        hand_deletions(s);
        s->ops->end(&s->d, out);
        s->ended = 1;
    }
    *done = s->ended;
    return CORE_OK;
}
