#include <config.h>
#include "sdmx/sdmx_int.h"

#include <libxml/parser.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Runs a message reader on a second thread and hands its events to the sink on this one, in
 * batches: parsing (libxml2, yajl, the CSV scanner) and the checks and writes of the sink then
 * take a core each. The sink's write transaction stays on the calling thread, as LMDB wants.
 *
 * A batch is a run of events, each a type byte then its fields: strings as a u32 length and
 * the bytes, counts as u32, lines as i64. The sink sees strings that point into the batch,
 * valid during its callback, which is what the readers promise too. resolve is not batched:
 * the reader waits for the sink's answer, since it needs the DSD to read on. */

#define RELAY_BATCH ((size_t)256 << 10)
#define RELAY_QUEUE 4 /* batches in flight: a bound on the memory between the two threads */
#define RELAY_KV_MAX 1024 /* pairs in one list; the readers pass at most 768 (SDMX-JSON) */

enum ev_type { EV_DATASET = 1, EV_SERIES, EV_OBS, EV_OBS_SAME_KEY, EV_DATASET_END };

struct batch {
    core_buf_t buf;
    struct batch *next;
};

struct relay {
    const dsd_events_t *sink;
    sdmx__reader_fn read;
    core_str_t body;
    const char *name;
    core_arena_t *worker_arena;
    pthread_mutex_t mu;
    pthread_cond_t to_sink, to_reader;
    struct batch *head, *tail, *spare; /* filled batches in order; emptied ones for reuse */
    size_t queued;
    struct batch *cur; /* the reader's batch being filled */
    size_t last_key;   /* in cur, the key of the last observation (SIZE_MAX: none) */
    /* a resolve asked by the reader, answered by the sink */
    int resolve_asked, resolve_answered;
    const dsd_ref_t *resolve_ref; /* the reader's */
    dsd_ref_t resolved;           /* a copy for the sink (its strings in worker_arena) */
    const dsd_structure_t *resolve_out;
    core_rc resolve_rc;
    core_err_t resolve_err;
    int stop;          /* the sink failed: the reader gives up */
    int reader_done;
    core_rc reader_rc;
    core_err_t reader_err;
};

/* ---- the reader's side ------------------------------------------------------------------- */

static char *
put_u32(char *w, size_t n)
{
    uint32_t v = (uint32_t)n;
    memcpy(w, &v, sizeof v);
    return w + sizeof v;
}

static char *
put_str(char *w, core_str_t s)
{
    w = put_u32(w, s.len);
    if (s.len)
        memcpy(w, s.ptr, s.len);
    return w + s.len;
}

static size_t
kvs_size(const dsd_kv_t *kv, size_t n)
{
    size_t size = 4;
    for (size_t i = 0; i < n; i++)
        size += 8 + kv[i].id.len + kv[i].value.len;
    return size;
}

static char *
put_kvs(char *w, const dsd_kv_t *kv, size_t n)
{
    w = put_u32(w, n);
    for (size_t i = 0; i < n; i++) {
        w = put_str(w, kv[i].id);
        w = put_str(w, kv[i].value);
    }
    return w;
}

static char *
put_line(char *w, long line)
{
    int64_t v = line;
    memcpy(w, &v, sizeof v);
    return w + sizeof v;
}

/* Hands the batch being filled to the sink (waiting while the queue is full). */
static core_rc
submit(struct relay *r, core_err_t *err)
{
    pthread_mutex_lock(&r->mu);
    while (r->queued >= RELAY_QUEUE && !r->stop)
        pthread_cond_wait(&r->to_reader, &r->mu);
    int stop = r->stop;
    if (!stop && r->cur != NULL && r->cur->buf.len > 0) {
        r->cur->next = NULL;
        if (r->tail)
            r->tail->next = r->cur;
        else
            r->head = r->cur;
        r->tail = r->cur;
        r->queued++;
        r->cur = NULL;
        pthread_cond_signal(&r->to_sink);
    }
    if (r->cur == NULL && r->spare != NULL) {
        r->cur = r->spare;
        r->spare = r->spare->next;
        r->cur->next = NULL;
    }
    pthread_mutex_unlock(&r->mu);
    if (stop) /* what went wrong is the sink's to say */
        return core_fail(err, CORE_EBUG, "the reader was stopped");
    if (r->cur == NULL) {
        r->cur = calloc(1, sizeof *r->cur);
        if (r->cur == NULL)
            return core_fail(err, CORE_EIO, "out of memory");
    }
    core_buf_reset(&r->cur->buf);
    r->last_key = SIZE_MAX;
    return CORE_OK;
}

/* Where to write an event of size bytes, in a batch handed over first when it is full;
 * NULL when the sink has stopped. */
static char *
event_space(struct relay *r, size_t size, core_err_t *err)
{
    if ((r->cur == NULL || r->cur->buf.len >= RELAY_BATCH) && submit(r, err) != CORE_OK)
        return NULL;
    core_buf_reserve(&r->cur->buf, size);
    return r->cur->buf.ptr + r->cur->buf.len;
}

static void
event_done(struct relay *r, const char *end)
{
    r->cur->buf.len = (size_t)(end - r->cur->buf.ptr);
}

/* Whether key is the key of the batch's last observation (written at r->last_key). */
static int
same_key(const struct relay *r, const dsd_kv_t *key, size_t nkey)
{
    if (r->last_key == SIZE_MAX)
        return 0;
    const char *p = r->cur->buf.ptr + r->last_key;
    uint32_t n;
    memcpy(&n, p, 4);
    p += 4;
    if (n != nkey)
        return 0;
    for (size_t i = 0; i < nkey; i++) {
        const core_str_t *s[2] = {&key[i].id, &key[i].value};
        for (size_t j = 0; j < 2; j++) {
            memcpy(&n, p, 4);
            if (n != s[j]->len || memcmp(p + 4, s[j]->ptr, n) != 0)
                return 0;
            p += 4 + n;
        }
    }
    return 1;
}

static core_rc
relay_resolve(void *ctx, const dsd_ref_t *structure, const dsd_structure_t **out, core_err_t *err)
{
    struct relay *r = ctx;
    core_rc rc = submit(r, err); /* the events before it come first */
    if (rc != CORE_OK)
        return rc;
    pthread_mutex_lock(&r->mu);
    r->resolve_ref = structure;
    r->resolve_asked = 1;
    r->resolve_answered = 0;
    pthread_cond_signal(&r->to_sink);
    while (!r->resolve_answered && !r->stop)
        pthread_cond_wait(&r->to_reader, &r->mu);
    int answered = r->resolve_answered;
    pthread_mutex_unlock(&r->mu);
    if (!answered)
        return core_fail(err, CORE_EBUG, "the reader was stopped");
    *out = r->resolve_out;
    if (r->resolve_rc != CORE_OK)
        *err = r->resolve_err;
    return r->resolve_rc;
}

static core_rc
relay_dataset(void *ctx, dsd_action action, const dsd_ref_t *structure, const dsd_kv_t *attrs,
              size_t nattrs, core_err_t *err)
{
    struct relay *r = ctx;
    char *w = event_space(r, 1 + 4 + kvs_size(attrs, nattrs), err);
    if (w == NULL)
        return CORE_EBUG;
    (void)structure; /* the sink was told it by resolve */
    *w++ = EV_DATASET;
    w = put_u32(w, (size_t)action);
    event_done(r, put_kvs(w, attrs, nattrs));
    return CORE_OK;
}

static core_rc
relay_series(void *ctx, const dsd_kv_t *key, size_t nkey, const dsd_kv_t *attrs, size_t nattrs,
             long line, core_err_t *err)
{
    struct relay *r = ctx;
    char *w = event_space(r, 1 + 8 + kvs_size(key, nkey) + kvs_size(attrs, nattrs), err);
    if (w == NULL)
        return CORE_EBUG;
    *w++ = EV_SERIES;
    w = put_line(w, line);
    w = put_kvs(w, key, nkey);
    event_done(r, put_kvs(w, attrs, nattrs));
    return CORE_OK;
}

/* An observation; its key is left out when it is the last one's (a series' observations
 * usually follow each other), and the sink reuses that. */
static core_rc
relay_obs(void *ctx, const dsd_kv_t *key, size_t nkey, core_str_t period, core_str_t value,
          const dsd_kv_t *attrs, size_t nattrs, long line, core_err_t *err)
{
    struct relay *r = ctx;
    size_t size = 1 + 8 + kvs_size(key, nkey) + 8 + period.len + value.len +
                  kvs_size(attrs, nattrs);
    char *w = event_space(r, size, err);
    if (w == NULL)
        return CORE_EBUG;
    int same = same_key(r, key, nkey);
    *w++ = same ? EV_OBS_SAME_KEY : EV_OBS;
    w = put_line(w, line);
    if (!same) {
        r->last_key = (size_t)(w - r->cur->buf.ptr);
        w = put_kvs(w, key, nkey);
    }
    w = put_str(w, period);
    w = put_str(w, value);
    event_done(r, put_kvs(w, attrs, nattrs));
    return CORE_OK;
}

static core_rc
relay_dataset_end(void *ctx, core_err_t *err)
{
    struct relay *r = ctx;
    char *w = event_space(r, 1, err);
    if (w == NULL)
        return CORE_EBUG;
    *w++ = EV_DATASET_END;
    event_done(r, w);
    return CORE_OK;
}

/* Not batched: letting pages go is safe from any thread, at any time. */
static void
relay_consumed(void *ctx, size_t offset)
{
    struct relay *r = ctx;
    if (r->sink->consumed != NULL)
        r->sink->consumed(r->sink->ctx, offset);
}

static void *
reader_main(void *arg)
{
    struct relay *r = arg;
    dsd_events_t ev = {r,         relay_resolve,     relay_dataset, relay_series,
                       relay_obs, relay_dataset_end, relay_consumed};
    core_err_t err = {0};
    core_rc rc = r->read(r->worker_arena, r->body, r->name, &ev, &err);
    if (rc == CORE_OK)
        rc = submit(r, &err); /* the last events */
    pthread_mutex_lock(&r->mu);
    r->reader_done = 1;
    r->reader_rc = rc;
    r->reader_err = err;
    pthread_cond_signal(&r->to_sink);
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* ---- the sink's side ----------------------------------------------------------------------- */

struct cursor {
    const char *p, *end;
};

static size_t
get_u32(struct cursor *c)
{
    uint32_t v;
    memcpy(&v, c->p, sizeof v);
    c->p += sizeof v;
    return v;
}

static core_str_t
get_str(struct cursor *c)
{
    size_t n = get_u32(c);
    core_str_t s = {c->p, n};
    c->p += n;
    return s;
}

/* Reads a list of pairs into kv (room for RELAY_KV_MAX); SIZE_MAX when there are more. */
static size_t
get_kvs(struct cursor *c, dsd_kv_t *kv)
{
    size_t n = get_u32(c);
    for (size_t i = 0; i < n; i++) {
        dsd_kv_t x = {get_str(c), get_str(c)};
        if (i < RELAY_KV_MAX)
            kv[i] = x;
    }
    return n <= RELAY_KV_MAX ? n : SIZE_MAX;
}

static long
get_line(struct cursor *c)
{
    int64_t v;
    memcpy(&v, c->p, sizeof v);
    c->p += sizeof v;
    return (long)v;
}


/* Passes the events of one batch to the sink. */
static core_rc
play(struct relay *r, const core_buf_t *b, core_err_t *err)
{
    const dsd_events_t *s = r->sink;
    struct cursor c = {b->ptr, b->ptr + b->len};
    dsd_kv_t key[RELAY_KV_MAX], attrs[RELAY_KV_MAX], obs_key[RELAY_KV_MAX];
    size_t nobs_key = 0;
    core_rc rc = CORE_OK;
    while (c.p < c.end && rc == CORE_OK) {
        enum ev_type t = (enum ev_type)(unsigned char)*c.p++;
        size_t na = 0, nk = 0;
        long line = 0;
        if (t == EV_DATASET) {
            dsd_action action = (dsd_action)get_u32(&c);
            if ((na = get_kvs(&c, attrs)) != SIZE_MAX)
                rc = s->dataset(s->ctx, action, &r->resolved, attrs, na, err);
        } else if (t == EV_SERIES) {
            line = get_line(&c);
            if ((nk = get_kvs(&c, key)) != SIZE_MAX && (na = get_kvs(&c, attrs)) != SIZE_MAX)
                rc = s->series(s->ctx, key, nk, attrs, na, line, err);
        } else if (t == EV_OBS || t == EV_OBS_SAME_KEY) {
            line = get_line(&c);
            if (t == EV_OBS)
                nk = nobs_key = get_kvs(&c, obs_key);
            core_str_t period = get_str(&c), value = get_str(&c);
            if (nobs_key != SIZE_MAX && (na = get_kvs(&c, attrs)) != SIZE_MAX)
                rc = s->obs(s->ctx, obs_key, nobs_key, period, value, attrs, na, line, err);
        } else if (t == EV_DATASET_END) {
            rc = s->dataset_end(s->ctx, err);
        } else {
            rc = core_fail(err, CORE_EBUG, "a relayed event of unknown type %d", (int)t);
        }
        if (rc == CORE_OK && (na == SIZE_MAX || nk == SIZE_MAX || nobs_key == SIZE_MAX))
            rc = core_fail(err, CORE_ETOOBIG, "%s:%ld: more than %d values on one element",
                           r->name, line, RELAY_KV_MAX);
    }
    return rc;
}

/* Takes batches and resolve requests until the reader is done or the sink fails. */
static core_rc
drain(struct relay *r, core_err_t *err)
{
    core_rc rc = CORE_OK;
    pthread_mutex_lock(&r->mu);
    for (;;) {
        if (r->head != NULL) {
            struct batch *b = r->head;
            r->head = b->next;
            if (r->head == NULL)
                r->tail = NULL;
            r->queued--;
            pthread_cond_signal(&r->to_reader);
            pthread_mutex_unlock(&r->mu);
            rc = play(r, &b->buf, err);
            pthread_mutex_lock(&r->mu);
            b->next = r->spare;
            r->spare = b;
            if (rc != CORE_OK)
                break;
        } else if (r->resolve_asked) {
            r->resolve_asked = 0;
            r->resolved = *r->resolve_ref;
            pthread_mutex_unlock(&r->mu);
            core_err_t e = {0};
            core_rc q = r->sink->resolve(r->sink->ctx, &r->resolved, &r->resolve_out, &e);
            pthread_mutex_lock(&r->mu);
            r->resolve_rc = q;
            r->resolve_err = e;
            r->resolve_answered = 1;
            pthread_cond_signal(&r->to_reader);
        } else if (r->reader_done) {
            break;
        } else {
            pthread_cond_wait(&r->to_sink, &r->mu);
        }
    }
    if (rc != CORE_OK) {
        r->stop = 1;
        pthread_cond_signal(&r->to_reader);
    }
    pthread_mutex_unlock(&r->mu);
    return rc;
}

static void
free_batches(struct batch *b)
{
    while (b != NULL) {
        struct batch *next = b->next;
        core_buf_dispose(&b->buf);
        free(b);
        b = next;
    }
}

static void
free_worker_arena(void *arg)
{
    core_arena_free(arg);
}

void
sdmx_init(void)
{
    xmlInitParser();
}

core_rc
sdmx__relay_read(core_arena_t *a, sdmx__reader_fn read, core_str_t body, const char *name,
                 const dsd_events_t *sink, core_err_t *err)
{
    struct relay r = {.sink = sink, .read = read, .body = body, .name = name};
    /* what the reader keeps (structure ids) is in its own arena, which the sink may point to
     * until a's end; an arena serves one thread */
    r.worker_arena = core_arena_new();
    core_arena_defer(a, free_worker_arena, r.worker_arena);
    xmlInitParser(); /* libxml2's globals, before a second thread uses it */
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.to_sink, NULL);
    pthread_cond_init(&r.to_reader, NULL);
    pthread_t th;
    if (pthread_create(&th, NULL, reader_main, &r) != 0) {
        core_rc rc = read(a, body, name, sink, err); /* no thread: read here */
        pthread_mutex_destroy(&r.mu);
        pthread_cond_destroy(&r.to_sink);
        pthread_cond_destroy(&r.to_reader);
        return rc;
    }
    core_rc rc = drain(&r, err);
    pthread_join(th, NULL);
    if (rc == CORE_OK && r.reader_rc != CORE_OK) {
        *err = r.reader_err;
        rc = r.reader_rc;
    }
    free_batches(r.head);
    free_batches(r.spare);
    if (r.cur != NULL)
        free_batches(r.cur);
    pthread_mutex_destroy(&r.mu);
    pthread_cond_destroy(&r.to_sink);
    pthread_cond_destroy(&r.to_reader);
    return rc;
}
