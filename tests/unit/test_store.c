#include <config.h>
#include "registry/store/store.h"
#include "registry/store/store_int.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A 3-dimensional cube of NA x NB x NC series, each with YEARS annual observations; key
 * filters are checked against a brute-force walk of the same grid. */
#define NA 7
#define NB 5
#define NC 4
#define YEARS 3

static const char *const codes_a[NA] = {"A0", "A1", "A2", "A3", "A4", "A5", "A6"};
static const char *const codes_b[NB] = {"B0", "B1", "B2", "B3", "B4"};
static const char *const codes_c[NC] = {"C0", "C1", "C2", "C3"};
static const dsd_ref_t flow = {DSD_KIND_DATAFLOW, {"T", 1}, {"DF", 2}, {"1.0", 3}};

static void
period(int year, dsd_period_t *p, unsigned char key[DSD_PERIOD_KEY])
{
    char buf[8];
    snprintf(buf, sizeof buf, "%d", year);
    dsd_period_parse(core_str_c(buf), p, NULL);
    dsd_period_key(p, key);
}

static core_rc
fill(store_t *r)
{
    core_arena_t *a = core_arena_new();
    store_cube_txn_t *t;
    core_err_t err = {0};
    core_rc rc = store_cube_begin(r, a, &t, &err);
    if (rc == CORE_OK)
        rc = store_cube_select(t, &flow, 3, &err);
    /* insert in a scrambled order: code ids follow first appearance, not sort order */
    for (int i = NA - 1; i >= 0 && rc == CORE_OK; i--)
        for (int j = 0; j < NB && rc == CORE_OK; j++)
            for (int k = NC - 1; k >= 0 && rc == CORE_OK; k--)
                for (int y = 0; y < YEARS && rc == CORE_OK; y++) {
                    core_str_t key[3] = {core_str_c(codes_a[i]), core_str_c(codes_b[j]),
                                         core_str_c(codes_c[k])};
                    dsd_period_t p;
                    unsigned char pk[DSD_PERIOD_KEY];
                    period(2000 + y, &p, pk);
                    char v[16], year[8];
                    snprintf(v, sizeof v, "%d", i * 100 + j * 10 + k);
                    snprintf(year, sizeof year, "%d", 2000 + y);
                    int twice;
                    rc = store_cube_put_obs(t, key, pk, core_str_c(year), core_str_c(v), NULL, 0,
                                          &twice, &err);
                }
    if (rc == CORE_OK)
        rc = store_cube_commit(t, &err);
    core_arena_free(a);
    return rc;
}

/* Builds a filter from per-dimension code masks (bit i: code i allowed; 0 for "any"). */
static store_key_filter_t *
make_filter(core_arena_t *a, store_cube_t *c, const unsigned masks[3])
{
    static const char *const *all[3] = {codes_a, codes_b, codes_c};
    static const int n[3] = {NA, NB, NC};
    store_key_filter_t *f = core_arena_zalloc(a, sizeof *f);
    f->ids = core_arena_zalloc(a, 3 * sizeof *f->ids);
    f->n = core_arena_zalloc(a, 3 * sizeof *f->n);
    for (int d = 0; d < 3; d++) {
        if (masks[d] == 0) {
            f->n[d] = SIZE_MAX;
            continue;
        }
        f->ids[d] = core_arena_alloc(a, (size_t)n[d] * sizeof **f->ids);
        for (int i = 0; i < n[d]; i++) {
            uint32_t id;
            if ((masks[d] >> i) & 1 && store_cube_code_id(c, (size_t)d, core_str_c(all[d][i]), &id))
                f->ids[d][f->n[d]++] = id;
        }
        /* sorted, as the data query builds them */
        for (size_t x = 1; x < f->n[d]; x++)
            for (size_t y = x; y > 0 && f->ids[d][y - 1] > f->ids[d][y]; y--) {
                uint32_t tmp = f->ids[d][y];
                f->ids[d][y] = f->ids[d][y - 1];
                f->ids[d][y - 1] = tmp;
            }
    }
    return f;
}

static int
ids_less(const uint32_t *a, const uint32_t *b)
{
    for (int d = 0; d < 3; d++)
        if (a[d] != b[d])
            return a[d] < b[d];
    return 0;
}

static int
popcount_or(unsigned m, int n)
{
    return m == 0 ? n : __builtin_popcount(m);
}

static void
test_filters(store_t *r)
{
    static const unsigned cases[][3] = {
        {0, 0, 0}, {1u << 3, 0, 0}, {0, 1u << 4, 0}, {0, 0, 1u << 3}, {0x55, 0x0a, 0x5},
        {1u << 6, 1u << 0, 1u << 3}, {0x7f, 0x1f, 0x1}, {0x41, 0x11, 0x9}, {0x2, 0, 0x8},
    };
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        core_arena_t *a = core_arena_new();
        store_view_t *v;
        store_cube_t *c;
        store_series_iter_t *it;
        store_series_t s;
        core_err_t err = {0};
        store_view_begin(r, a, &v, &err);
        store_cube_open(v, &flow, &c, &err);
        store_key_filter_t *f = make_filter(a, c, cases[t]);
        store_series_iter_new(c, f, &it, &err);
        int found = 0, wrong = 0, nobs = 0;
        uint32_t prev[3] = {0, 0, 0};
        int ordered = 1;
        while (store_series_iter_next(it, &s, &err) == CORE_OK) {
            found++;
            wrong += !store_key_filter_allows(f, s.ids, 3);
            if (found > 1 && !ids_less(prev, s.ids))
                ordered = 0;
            memcpy(prev, s.ids, sizeof prev);
            store_obs_t o;
            for (core_rc rc = store_obs_first(it, INT64_MIN, INT64_MAX, &o, &err); rc == CORE_OK;
                 rc = store_obs_next(it, &o, &err))
                nobs++;
        }
        int want = popcount_or(cases[t][0], NA) * popcount_or(cases[t][1], NB) *
                   popcount_or(cases[t][2], NC);
        ok(found == want && wrong == 0 && nobs == want * YEARS && ordered,
           "filter %zu: %d series (want %d), %d observations, in key order", t, found, want, nobs);
        core_arena_free(a);
    }
}

static void
test_periods(store_t *r)
{
    core_arena_t *a = core_arena_new();
    store_view_t *v;
    store_cube_t *c;
    store_series_iter_t *it;
    store_series_t s;
    core_err_t err = {0};
    store_view_begin(r, a, &v, &err);
    store_cube_open(v, &flow, &c, &err);
    store_series_iter_new(c, NULL, &it, &err);
    store_series_iter_next(it, &s, &err);
    int64_t from, to;
    dsd_period_parse_bound(CORE_STR("2001-Q2"), 0, &from, NULL);
    dsd_period_parse_bound(CORE_STR("2001-07"), 1, &to, NULL);
    store_obs_t o;
    int n = 0;
    for (core_rc rc = store_obs_first(it, from, to, &o, &err); rc == CORE_OK;
         rc = store_obs_next(it, &o, &err))
        n++;
    ok(n == 1, "an annual observation overlaps a quarter-to-month window (%d)", n);
    core_arena_free(a);
}

static void
test_changes(store_t *r)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t before = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    usleep(2000);
    core_arena_t *a = core_arena_new();
    store_cube_txn_t *t;
    core_err_t err = {0};
    store_cube_begin(r, a, &t, &err);
    store_cube_select(t, &flow, 3, &err);
    core_str_t k1[3] = {CORE_STR("A1"), CORE_STR("B1"), CORE_STR("C1")};
    core_str_t k2[3] = {CORE_STR("A2"), CORE_STR("B2"), CORE_STR("C2")};
    core_str_t k3[3] = {CORE_STR("A3"), CORE_STR_NULL, CORE_STR("C3")};
    dsd_period_t p;
    unsigned char pk[DSD_PERIOD_KEY];
    period(2001, &p, pk);
    int twice;
    store_cube_put_obs(t, k1, pk, CORE_STR("2001"), CORE_STR("9.5"), NULL, 0, &twice, &err);
    store_cube_delete(t, k2, pk, &err);
    store_cube_delete(t, k3, NULL, &err); /* A3.*.C3: five whole series */
    const store_cube_counts_t *cnt = store_cube_counts(t);
    ok(cnt->obs_updated == 1 && cnt->obs_deleted == 1 + NB * YEARS && cnt->series_deleted == NB,
       "counts: 1 updated, %llu deleted, %llu series deleted",
       (unsigned long long)cnt->obs_deleted, (unsigned long long)cnt->series_deleted);
    ok(store_cube_commit(t, &err) == CORE_OK, "the change commits");
    core_arena_free(a);

    a = core_arena_new();
    store_view_t *v;
    store_cube_t *c;
    store_view_begin(r, a, &v, &err);
    store_cube_open(v, &flow, &c, &err);
    store_change_t *ch;
    size_t n;
    uint64_t min_commit;
    ok(store_cube_changes(c, before, &ch, &n, &min_commit, &err) == CORE_OK && min_commit > 0,
       "the log has commits after the instant");
    size_t updated = 0, deleted_series = 0, deleted_obs = 0;
    for (size_t i = 0; i < n; i++) {
        updated += (size_t)ch[i].updated;
        deleted_series += (size_t)ch[i].deleted_series;
        deleted_obs += ch[i].nperiods;
    }
    ok(updated == 1 && deleted_series == NB && n == 2 + NB,
       "one series updated, %zu deleted, %zu series in all", deleted_series, n);
    ok(deleted_obs == 1 + NB * YEARS, "every deleted observation listed (%zu)", deleted_obs);
    store_series_iter_t *it;
    store_series_t s;
    store_series_iter_new(c, NULL, &it, &err);
    size_t k = 0;
    while (k < n && !ch[k].updated)
        k++;
    ok(k < n && store_series_iter_at(it, ch[k].ids, min_commit, &s, &err) == CORE_OK,
       "the updated series is there");
    store_obs_t o;
    int nobs = 0;
    for (core_rc rc = store_obs_first(it, INT64_MIN, INT64_MAX, &o, &err); rc == CORE_OK;
         rc = store_obs_next(it, &o, &err))
        nobs += core_str_eq_c(o.value, "9.5");
    ok(nobs == 1, "only the observation written after the instant comes back");
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    ok(store_cube_changes(c, now, &ch, &n, &min_commit, &err) == CORE_OK && n == 0 &&
           min_commit == 0,
       "nothing after now");
    core_arena_free(a);
}

/* ---- the history of observations: the cube as of a commit ---------------------------------- */

static const dsd_ref_t hflow = {DSD_KIND_DATAFLOW, {"T", 1}, {"HIST", 4}, {"1.0", 3}};

/* One write transaction on hflow: ops is a run of "K YEAR VALUE" (put) or "K YEAR -" (delete
 * the observation) or "K - -" (delete the series), separated by ';'. Returns its commit. */
static uint64_t
hwrite(store_t *r, const char *ops)
{
    core_arena_t *a = core_arena_new();
    store_cube_txn_t *t;
    core_err_t err = {0};
    core_rc rc = store_cube_begin(r, a, &t, &err);
    if (rc == CORE_OK)
        rc = store_cube_select(t, &hflow, 1, &err);
    char buf[512];
    snprintf(buf, sizeof buf, "%s", ops);
    for (char *save, *op = strtok_r(buf, ";", &save); op && rc == CORE_OK;
         op = strtok_r(NULL, ";", &save)) {
        char k[16], y[16], v[16];
        if (sscanf(op, "%15s %15s %15s", k, y, v) != 3)
            return 0;
        core_str_t key[1] = {core_str_c(k)};
        dsd_period_t p;
        unsigned char pk[DSD_PERIOD_KEY];
        if (strcmp(y, "-") != 0)
            period(atoi(y), &p, pk);
        int twice;
        if (strcmp(y, "-") == 0)
            rc = store_cube_delete(t, key, NULL, &err);
        else if (strcmp(v, "-") == 0)
            rc = store_cube_delete(t, key, pk, &err);
        else
            rc = store_cube_put_obs(t, key, pk, core_str_c(y), core_str_c(v), NULL, 0, &twice,
                                    &err);
    }
    if (rc == CORE_OK)
        rc = store_cube_commit(t, &err);
    core_arena_free(a);
    if (rc != CORE_OK) {
        printf("# write %s: %s\n", ops, err.msg);
        return 0;
    }
    a = core_arena_new();
    store_view_t *view;
    uint64_t c = store_view_begin(r, a, &view, &err) == CORE_OK ? store_view_commit(view) : 0;
    core_arena_free(a);
    return c;
}

/* What the iterator gives of hflow for which and commit, as "K:YEAR=VALUE,...;" per series
 * (ALL: each version with [commit,until) and D when deleted), periods in [from, to). */
static const char *
hread(store_t *r, store_versions which, uint64_t commit, int64_t from, int64_t to, char *out,
      size_t cap)
{
    core_arena_t *a = core_arena_new();
    store_view_t *v;
    store_cube_t *c;
    store_series_iter_t *it;
    core_err_t err = {0};
    size_t n = 0;
    out[0] = '\0';
    if (store_view_begin(r, a, &v, &err) != CORE_OK || store_cube_open(v, &hflow, &c, &err) != CORE_OK ||
        store_series_iter_new(c, NULL, &it, &err) != CORE_OK) {
        snprintf(out, cap, "error: %.200s", err.msg);
        core_arena_free(a);
        return out;
    }
    store_series_iter_versions(it, which, commit);
    store_series_t s;
    core_rc rc;
    while ((rc = store_series_iter_next(it, &s, &err)) == CORE_OK) {
        core_str_t code = store_cube_code(c, 0, s.ids[0]);
        n += (size_t)snprintf(out + n, cap - n, "%.*s:", CORE_STR_FMT(code));
        store_obs_t o;
        const char *sep = "";
        for (rc = store_obs_first(it, from, to, &o, &err); rc == CORE_OK;
             rc = store_obs_next(it, &o, &err), sep = ",") {
            n += (size_t)snprintf(out + n, cap - n, "%s%.*s=%.*s", sep, CORE_STR_FMT(o.period),
                                  CORE_STR_FMT(o.value));
            if (which == STORE_VERSIONS_ALL)
                n += (size_t)snprintf(out + n, cap - n, "[%llu,%llu)%s",
                                      (unsigned long long)o.commit, (unsigned long long)o.until,
                                      o.deleted ? "D" : "");
        }
        if (rc != CORE_ENOTFOUND)
            break;
        n += (size_t)snprintf(out + n, cap - n, ";");
    }
    if (rc != CORE_ENOTFOUND)
        snprintf(out, cap, "error: %.200s", err.msg);
    core_arena_free(a);
    return out;
}

/* The history keeps what a commit replaced or deleted, and nothing else (a value given again
 * unchanged, or written and changed within one commit, is no version); the cube as of each
 * commit is read back from it, and so are the values each commit wrote or deleted. */
static void
test_as_of(store_t *r)
{
    char got[1024], want[512];
    MDB_stat st;
    core_arena_t *a = core_arena_new();
    store_view_t *v;
    core_err_t err = {0};
    store_view_begin(r, a, &v, &err);
    mdb_stat(v->txn, r->history, &st);
    size_t before = st.ms_entries; /* (what test_changes took away from the other cube) */
    core_arena_free(a);
    uint64_t c1 = hwrite(r, "K1 2000 1;K1 2001 1;K1 2002 1;K2 2000 5");
    a = core_arena_new();
    store_view_begin(r, a, &v, &err);
    mdb_stat(v->txn, r->history, &st);
    core_arena_free(a);
    ok(st.ms_entries == before, "a load of new observations writes no history (%zu rows)",
       (size_t)(st.ms_entries - before));
    uint64_t c2 = hwrite(r, "K1 2000 1;K1 2001 2;K1 2002 -");
    uint64_t c3 = hwrite(r, "K2 - -;K1 2001 3");
    uint64_t c4 = hwrite(r, "K1 2000 7;K1 2000 8;K1 2003 4;K1 2003 -");
    ok(c1 && c2 == c1 + 1 && c3 == c2 + 1 && c4 == c3 + 1, "four commits (%llu to %llu)",
       (unsigned long long)c1, (unsigned long long)c4);
    a = core_arena_new();
    store_view_begin(r, a, &v, &err);
    mdb_stat(v->txn, r->history, &st);
    core_arena_free(a);
    ok(st.ms_entries - before == 5, "five values taken away, five history rows (%zu)",
       (size_t)(st.ms_entries - before));

    int64_t lo = INT64_MIN, hi = INT64_MAX;
    ok(strcmp(hread(r, STORE_VERSIONS_AS_OF, c1, lo, hi, got, sizeof got),
              "K1:2000=1,2001=1,2002=1;K2:2000=5;") == 0, "as of the load: %s", got);
    ok(strcmp(hread(r, STORE_VERSIONS_AS_OF, c2, lo, hi, got, sizeof got),
              "K1:2000=1,2001=2;K2:2000=5;") == 0, "as of the 2nd commit: %s", got);
    ok(strcmp(hread(r, STORE_VERSIONS_AS_OF, c3, lo, hi, got, sizeof got),
              "K1:2000=1,2001=3;K2:;") == 0, "as of the 3rd, K2 deleted: %s", got);
    ok(strcmp(hread(r, STORE_VERSIONS_AS_OF, c4, lo, hi, got, sizeof got),
              "K1:2000=8,2001=3;K2:;") == 0, "as of the last: %s", got);
    ok(strcmp(hread(r, STORE_VERSIONS_CURRENT, 0, lo, hi, got, sizeof got), "K1:2000=8,2001=3;") ==
           0, "the current values, deleted series not walked: %s", got);
    ok(strcmp(hread(r, STORE_VERSIONS_AS_OF, c1 - 1, lo, hi, got, sizeof got), "K1:;K2:;") == 0,
       "before the load: nothing: %s", got);
    snprintf(want, sizeof want,
             "K1:2000=1[%llu,%llu),2000=8[%llu,0),2001=1[%llu,%llu),2001=2[%llu,%llu),"
             "2001=3[%llu,0),2002=1[%llu,%llu)D;K2:2000=5[%llu,%llu)D;",
             (unsigned long long)c1, (unsigned long long)c4, (unsigned long long)c4,
             (unsigned long long)c1, (unsigned long long)c2, (unsigned long long)c2,
             (unsigned long long)c3, (unsigned long long)c3, (unsigned long long)c1,
             (unsigned long long)c2, (unsigned long long)c1, (unsigned long long)c3);
    ok(strcmp(hread(r, STORE_VERSIONS_ALL, 0, lo, hi, got, sizeof got), want) == 0,
       "every version with its commits: %s", got);
    ok(strcmp(hread(r, STORE_VERSIONS_WRITTEN_AT, c2, lo, hi, got, sizeof got), "K1:2001=2;K2:;") ==
           0, "what the 2nd commit wrote: %s", got);
    ok(strcmp(hread(r, STORE_VERSIONS_DELETED_AT, c2, lo, hi, got, sizeof got), "K1:2002=1;K2:;") ==
           0, "what it deleted: %s", got);
    ok(strcmp(hread(r, STORE_VERSIONS_DELETED_AT, c3, lo, hi, got, sizeof got), "K1:;K2:2000=5;") ==
           0, "what the 3rd deleted: %s", got);
    dsd_period_t p;
    unsigned char pk[DSD_PERIOD_KEY];
    period(2001, &p, pk);
    int64_t from = p.start;
    ok(strcmp(hread(r, STORE_VERSIONS_AS_OF, c1, from, hi, got, sizeof got),
              "K1:2001=1,2002=1;K2:;") == 0, "as of the load, from 2001: %s", got);
    /* deleted, then written again in one commit: a replacement */
    uint64_t c5 = hwrite(r, "K1 2001 -;K1 2001 6");
    snprintf(want, sizeof want, ",2001=3[%llu,%llu),2001=6[%llu,0),", (unsigned long long)c3,
             (unsigned long long)c5, (unsigned long long)c5);
    ok(strstr(hread(r, STORE_VERSIONS_ALL, 0, lo, hi, got, sizeof got), want) != NULL,
       "the value before it was replaced at that commit: %s", got);
    ok(strcmp(hread(r, STORE_VERSIONS_DELETED_AT, c5, lo, hi, got, sizeof got), "K1:;K2:;") == 0,
       "deleted and written again in one commit: not deleted (%s)", got);
    ok(strcmp(hread(r, STORE_VERSIONS_AS_OF, c5, lo, hi, got, sizeof got), "K1:2000=8,2001=6;K2:;") ==
           0, "as of it: %s", got);
    /* a series deleted whole, then made again: each time its own versions */
    uint64_t c6 = hwrite(r, "K2 2000 9");
    snprintf(want, sizeof want, "K2:2000=5[%llu,%llu)D;K2:2000=9[%llu,0);",
             (unsigned long long)c1, (unsigned long long)c3, (unsigned long long)c6);
    ok(strstr(hread(r, STORE_VERSIONS_ALL, 0, lo, hi, got, sizeof got), want) != NULL,
       "a series made again after its deletion: %s", got);
    ok(strcmp(hread(r, STORE_VERSIONS_AS_OF, c2, lo, hi, got, sizeof got),
              "K1:2000=1,2001=2;K2:2000=5;K2:;") == 0 &&
           strcmp(hread(r, STORE_VERSIONS_AS_OF, c6, lo, hi, got, sizeof got),
                  "K1:2000=8,2001=6;K2:;K2:2000=9;") == 0,
       "as of before and after: %s", got);
    /* a history that cannot be read is an error, not fewer versions */
    MDB_dbi saved = r->history;
    r->history = 999;
    char cur[256];
    hread(r, STORE_VERSIONS_CURRENT, 0, lo, hi, cur, sizeof cur);
    hread(r, STORE_VERSIONS_AS_OF, c5, lo, hi, got, sizeof got);
    r->history = saved;
    ok(strncmp(got, "error: store:", 13) == 0, "a failed history cursor: %s", got);
    ok(strcmp(cur, "K1:2000=8,2001=6;K2:2000=9;") == 0,
       "the current values do not read the history: %s",
       cur);
}

/* updatedAfter reads the commits and the change log through cursors: a cursor that fails
 * (here: a table handle LMDB does not know) is an error that reaches the caller, never "no
 * changes" (which the data query would answer with a 404). */
static void
test_changes_cursor_error(store_t *r)
{
    core_arena_t *a = core_arena_new();
    store_view_t *v;
    store_cube_t *c;
    core_err_t err = {0};
    store_view_begin(r, a, &v, &err);
    store_cube_open(v, &flow, &c, &err);
    store_change_t *ch;
    size_t n = 0;
    uint64_t min_commit = 0;
    MDB_dbi saved = r->commits;
    r->commits = 999; /* not a table of this environment */
    core_rc rc = store_cube_changes(c, 0, &ch, &n, &min_commit, &err);
    r->commits = saved;
    ok(rc == CORE_EIO && strstr(err.msg, "store:") != NULL,
       "a failed cursor on the commits is an error (%d: %s)", rc, err.msg);
    core_err_clear(&err);
    saved = r->changes;
    r->changes = 999;
    rc = store_cube_changes(c, 0, &ch, &n, &min_commit, &err);
    r->changes = saved;
    ok(rc == CORE_EIO, "a failed cursor on the change log is an error (%d: %s)", rc, err.msg);
    core_err_clear(&err);
    ok(store_cube_changes(c, 0, &ch, &n, &min_commit, &err) == CORE_OK && n > 0,
       "with the tables back, the changes read (%zu series)", n);
    core_arena_free(a);
}

/* A full disk, quota or map is CORE_ENOSPACE (507), saying so; other failures stay EIO. */
static void
test_storage_errors(void)
{
    core_err_t err = {0};
    ok(store__fail(&err, ENOSPC, "commit data") == CORE_ENOSPACE && err.code == CORE_ENOSPACE &&
           strstr(err.msg, "no space left for the store") != NULL &&
           strstr(err.msg, "No space left on device") != NULL,
       "ENOSPC: %s", err.msg);
    core_err_clear(&err);
    ok(store__fail(&err, EDQUOT, "commit") == CORE_ENOSPACE, "EDQUOT: %s", err.msg);
    core_err_clear(&err);
    ok(store__fail(&err, MDB_MAP_FULL, "put observations") == CORE_ENOSPACE &&
           strstr(err.msg, "the store is full") != NULL,
       "MDB_MAP_FULL: %s", err.msg);
    core_err_clear(&err);
    ok(store__fail(&err, MDB_TXN_FULL, "put") == CORE_ETOOBIG, "MDB_TXN_FULL: %s", err.msg);
    core_err_clear(&err);
    ok(store__fail(&err, MDB_CORRUPTED, "get") == CORE_EIO, "MDB_CORRUPTED: %s", err.msg);
    core_err_clear(&err);
    ok(store__fail(&err, EIO, "commit") == CORE_EIO, "EIO: %s", err.msg);
}

static off_t
file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

static int
file_extend(const char *path, off_t size)
{
    int fd = open(path, O_WRONLY);
    int rc = fd >= 0 && ftruncate(fd, size) == 0 ? 0 : -1;
    if (fd >= 0)
        close(fd);
    return rc;
}

/* A data file longer than the pages in use (a store written through MDB_WRITEMAP: the whole
 * map, sparse; or pages a failed write left) is cut at open, the data kept. */
static void
test_trim(const char *dir)
{
    char path[256];
    snprintf(path, sizeof path, "%s/data.mdb", dir);
    off_t used = file_size(path), big = (off_t)1 << 30;
    ok(used > 0 && used < big, "data.mdb holds %lld bytes, its pages", (long long)used);
    ok(file_extend(path, big) == 0, "data.mdb extended to 1 GiB (sparse)");
    store_t *r;
    core_err_t err = {0};
    ok(store_open(dir, 1, &r, &err) == CORE_OK && file_size(path) == big,
       "a read-only open leaves the file as it is");
    store_close(r);
    ok(store_open(dir, 0, &r, &err) == CORE_OK, "the store opens for writing");
    ok(file_size(path) == used, "data.mdb cut back to %lld bytes (now %lld)", (long long)used,
       (long long)file_size(path));
    core_arena_t *a = core_arena_new();
    store_view_t *v;
    store_cube_t *c;
    ok(store_view_begin(r, a, &v, &err) == CORE_OK && store_cube_open(v, &flow, &c, &err) == CORE_OK,
       "the cube is still there");
    core_arena_free(a);
    ok(file_extend(path, big) == 0, "data.mdb extended again, store open");
    ok(fill(r) == CORE_OK, "a write commits");
    off_t after = file_size(path);
    ok(after >= used && after < big, "the write began by cutting the file (%lld bytes)",
       (long long)after);
    store_close(r);
}

int
main(void)
{
    char dir[] = "/tmp/sdmxd-test-registry-XXXXXX";
    if (mkdtemp(dir) == NULL)
        return 1;
    store_t *r;
    core_err_t err = {0};
    ok(store_open(dir, 0, &r, &err) == CORE_OK, "store opens");
    ok(fill(r) == CORE_OK, "a %d-series cube is written", NA * NB * NC);
    test_filters(r);
    test_periods(r);
    test_changes(r);
    test_changes_cursor_error(r);
    test_as_of(r);
    store_close(r);
    test_storage_errors();
    test_trim(dir);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
    return tap_done();
}
