#include <config.h>
#include "srv_int.h"
#include "target.h"

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct handler {
    h2o_handler_t super;
    srv_ctx_t *ctx;
};

struct write_job;

/* Per-request state; lives in its arena. The arena lives as long as h2o's request, or longer
 * while a write job of the request is out on the writer thread: h2o's pool and the pool's
 * end hook (request_gone) hold a reference to it each, a job a third (see request_new). */
typedef struct request {
    h2o_req_t *req;
    srv_ctx_t *ctx;
    core_arena_t *a;
    core_arena_t **slot;   /* the arena, shared (h2o_mem_alloc_shared) */
    struct write_job *job; /* out on the writer thread, until it comes back */
    core_arena_t *snap; /* holds the read snapshot, when one is taken (see snapshot()) */
    srv_conn_t *conn;   /* held until the request ends; NULL for none of ours */
    srv_stream_t stream;
    int quiet; /* a refusal at a limit: counted in ctx->use and logged in summary, not here */
    core_buf_t body;
    core_str_t path;  /* below /rest, without the query */
    core_str_t query; /* after '?' */
    core_str_t format_param;
} request_t;

/* One configuration for the process (h2o reads it from every loop, and no one writes it once
 * serving); one h2o context per event loop (--threads), with the loop's own timers. */
static h2o_globalconf_t config;
struct loopctx {
    h2o_context_t h2o;
    h2o_timeout_t snapshot_hold; /* how long a stream keeps its snapshot: see data_hold */
    h2o_multithread_queue_t *queue;
    h2o_multithread_receiver_t writes; /* where the writer hands back this loop's jobs */
    /* streams whose next chunk waits for the loop's next turn (see data_proceed), and the
     * message that wakes the loop for them once it has polled its sockets again */
    h2o_linklist_t waiting;
    h2o_multithread_receiver_t turns;
    h2o_multithread_message_t turn;
    int turn_sent;
};
static struct loopctx *
loop_of(h2o_req_t *req)
{
    return H2O_STRUCT_FROM_MEMBER(struct loopctx, h2o, req->conn->ctx);
}

static const char retry_after[] = "10"; /* seconds, in 503 answers at a limit */
/* SDMX media types are not in h2o's mime map; without this the gzip filter skips them. */
static h2o_mime_attributes_t compressible = {1, H2O_MIME_ATTRIBUTE_PRIORITY_NORMAL};

static void
free_arena_slot(void *p)
{
    core_arena_free(*(core_arena_t **)p);
}

static void
free_body(void *p)
{
    core_buf_dispose(p);
}

static void job_cancel(request_t *r);

/* h2o is done with the request (answered, or its client gone): what it held on its
 * connection is released, and a job still out for it will answer nobody. The arena goes
 * when the job's reference goes too. */
static void
request_gone(void *p)
{
    request_t *r = *(request_t **)p;
    job_cancel(r);
    srv__stream_end(r->ctx, &r->stream);
    if (r->conn != NULL) {
        srv__request_end(r->conn, r->req);
        srv__conn_release(r->conn);
        r->conn = NULL;
    }
    r->req = NULL;
    h2o_mem_release_shared(r->slot);
}

static request_t *
request_new(h2o_req_t *req, srv_ctx_t *ctx)
{
    core_arena_t **slot = h2o_mem_alloc_shared(&req->pool, sizeof *slot, free_arena_slot);
    *slot = core_arena_new();
    request_t *r = core_arena_zalloc(*slot, sizeof *r);
    r->req = req;
    r->ctx = ctx;
    r->a = *slot;
    r->slot = slot;
    r->conn = srv__conn_hold(req);
    core_buf_init(&r->body);
    core_arena_defer(r->a, free_body, &r->body);
    /* the hook's own reference: whichever of the two h2o drops first, r outlives the hook */
    h2o_mem_addref_shared(slot);
    request_t **gone = h2o_mem_alloc_shared(&req->pool, sizeof *gone, request_gone);
    *gone = r;
    return r;
}

static core_str_t
header(h2o_req_t *req, const h2o_token_t *token)
{
    ssize_t i = h2o_find_header(&req->headers, token, -1);
    if (i < 0)
        return CORE_STR_NULL;
    return (core_str_t){req->headers.entries[i].value.base, req->headers.entries[i].value.len};
}

static void
set_header(request_t *r, const h2o_token_t *token, const char *value)
{
    h2o_add_header(&r->req->pool, &r->req->res.headers, token, NULL, value, strlen(value));
}

static void
set_header_str(request_t *r, const char *name, const char *value)
{
    h2o_add_header_by_str(&r->req->pool, &r->req->res.headers, name, strlen(name), 0, NULL,
                          value, strlen(value));
}

static void
common_headers(request_t *r)
{
    set_header(r, H2O_TOKEN_ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    set_header_str(r, "access-control-expose-headers", "ETag, Last-Modified, Content-Language");
    set_header(r, H2O_TOKEN_VARY, "Accept, Accept-Encoding, Accept-Language");
}

static int
is_head(const request_t *r)
{
    return h2o_memis(r->req->method.base, r->req->method.len, H2O_STRLIT("HEAD"));
}

/* Sends r->body (owned by the arena until the request ends) with status and type. */
static void
reply(request_t *r, int status, const char *reason, const char *media_type)
{
    static h2o_generator_t generator = {NULL, NULL};
    h2o_req_t *req = r->req;
    req->res.status = status;
    req->res.reason = reason;
    req->res.mime_attr = &compressible;
    set_header(r, H2O_TOKEN_CONTENT_TYPE, media_type);
    req->res.content_length = r->body.len;
    h2o_start_response(req, &generator);
    h2o_iovec_t buf = h2o_iovec_init(r->body.ptr, is_head(r) ? 0 : r->body.len);
    h2o_send(req, &buf, buf.len ? 1 : 0, H2O_SEND_STATE_FINAL);
}

/* An SDMX error message in the format the client reads, with the status rc maps to. */
static int
reply_error_status(request_t *r, int status, int sdmx_code, const char *title, const char *msg)
{
    core_buf_reset(&r->body);
    const char *details[1] = {msg};
    size_t n = msg && msg[0] ? 1 : 0;
    int json = srv_prefers_json(r->format_param, header(r->req, H2O_TOKEN_ACCEPT));
    if (json)
        sdmx_error_write_json(&r->body, sdmx_code, title, details, n);
    else
        sdmx_error_write_xml(&r->body, sdmx_code, title, details, n);
    if (status >= 500 && !r->quiet) /* the path without its query: tokens stay out of logs */
        core_log(CORE_LOG_ERROR, "%d %.*s: %s", status,
                 (int)(r->req->query_at != SIZE_MAX ? r->req->query_at : r->req->path.len),
                 r->req->path.base, msg ? msg : "");
    common_headers(r);
    reply(r, status, srv_status_reason(status), json ? "application/json" : "application/xml");
    return 0;
}

static int
reply_error(request_t *r, const core_err_t *err)
{
    core_rc rc = err->code == CORE_OK ? CORE_EBUG : err->code;
    return reply_error_status(r, srv_status_http(rc), srv_status_sdmx(rc), srv_status_title(rc),
                              err->msg);
}

/* 503 at one of the server's limits, with Retry-After. */
static int
reply_unavailable(request_t *r, const core_err_t *err)
{
    r->quiet = 1;
    set_header(r, H2O_TOKEN_RETRY_AFTER, retry_after);
    return reply_error(r, err);
}

/* ---- conditional requests ---------------------------------------------------------------- */

static uint64_t
fnv1a(uint64_t h, core_str_t s)
{
    for (size_t i = 0; i < s.len; i++) {
        h ^= (unsigned char)s.ptr[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Weak: gzip may re-encode the body, the representation stays the same. */
static const char *
make_etag(request_t *r, store_view_t *v, const char *media_type)
{
    uint64_t h = 14695981039346656037ULL;
    h = fnv1a(h, (core_str_t){r->req->path.base, r->req->path.len});
    h = fnv1a(h, core_str_c(media_type));
    h = fnv1a(h, header(r->req, H2O_TOKEN_ACCEPT)); /* media type parameters shape answers */
    h = fnv1a(h, header(r->req, H2O_TOKEN_ACCEPT_LANGUAGE));
    return core_arena_printf(r->a, "W/\"%llu-%016llx\"", (unsigned long long)store_view_commit(v),
                             (unsigned long long)h);
}

static int
etag_matches(core_str_t inm, const char *etag)
{
    core_str_t want = core_str_c(etag);
    core_str_t opaque = {want.ptr + 2, want.len - 2}; /* without W/ */
    while (inm.ptr != NULL) {
        core_str_t tag;
        inm = core_str_split(inm, ',', &tag);
        tag = core_str_trim(tag);
        if (core_str_eq_c(tag, "*"))
            return 1;
        if (core_str_starts(tag, "W/"))
            tag = (core_str_t){tag.ptr + 2, tag.len - 2};
        if (core_str_eq(tag, opaque))
            return 1;
    }
    return 0;
}

/* Sets ETag and Last-Modified; answers 304 and returns 1 when the client's copy is fresh. */
static int
conditional(request_t *r, store_view_t *v, const char *media_type)
{
    const char *etag = make_etag(r, v, media_type);
    set_header(r, H2O_TOKEN_ETAG, etag);
    int64_t mtime = store_view_mtime(v);
    if (mtime > 0) {
        char date[40];
        core_time_http(mtime, date);
        set_header(r, H2O_TOKEN_LAST_MODIFIED, core_arena_strndup(r->a, date, strlen(date)));
    }
    core_str_t inm = header(r->req, H2O_TOKEN_IF_NONE_MATCH);
    core_str_t ims = header(r->req, H2O_TOKEN_IF_MODIFIED_SINCE);
    int fresh = 0;
    if (inm.ptr != NULL) {
        fresh = etag_matches(inm, etag);
    } else if (ims.ptr != NULL && mtime > 0) {
        int64_t since;
        fresh = core_time_parse(ims, &since, NULL) == CORE_OK && since >= mtime;
    }
    if (!fresh)
        return 0;
    common_headers(r);
    r->req->res.status = 304;
    r->req->res.reason = "Not Modified";
    h2o_send_inline(r->req, NULL, 0);
    return 1;
}

static void
free_snapshot(void *p)
{
    core_arena_t **snap = p;
    if (*snap != NULL)
        core_arena_free(*snap);
    *snap = NULL;
}

/* The read snapshot a GET is answered from; NULL when the request has been answered already
 * (the client's copy is fresh: 304; or the store failed). It lives in an arena of its own,
 * so that snapshot_end can let it go as soon as the answer no longer reads the store. */
static store_view_t *
snapshot(request_t *r, const char *media_type)
{
    core_err_t err = {0};
    store_view_t *v;
    if (r->snap == NULL) {
        r->snap = core_arena_new();
        core_arena_defer(r->a, free_snapshot, &r->snap);
    }
    if (store_view_begin(r->ctx->reg, r->snap, &v, &err) != CORE_OK) {
        reply_error(r, &err);
        return NULL;
    }
    return conditional(r, v, media_type) ? NULL : v;
}

/* Ends the snapshot once the whole answer is in r->body: nothing borrowed from the store is
 * read again, and a client slow to take the answer holds no LMDB reader. */
static void
snapshot_end(request_t *r)
{
    free_snapshot(&r->snap);
}

/* ---- routes ---------------------------------------------------------------------------- */

static void
header_for(request_t *r, sdmx_header_t *h)
{
    h->id = core_arena_printf(r->a, "sdmxd-%llu-%llu", (unsigned long long)time(NULL),
                              (unsigned long long)__atomic_add_fetch(&r->ctx->requests, 1,
                                                                    __ATOMIC_RELAXED));
    h->prepared = (int64_t)time(NULL);
    h->sender = "SDMXD";
    h->receiver = NULL;
}

static int
serve_structure(request_t *r, const sdmx_query_t *q)
{
    core_err_t err = {0};
    srv_format f;
    if (srv_negotiate_structure(q->format, header(r->req, H2O_TOKEN_ACCEPT), &f, &err) != CORE_OK)
        return reply_error(r, &err);
    store_view_t *v = snapshot(r, srv_format_media_type(f));
    if (v == NULL)
        return 0;
    sdmx_result_t res;
    if (sdmx_structure_resolve(v, r->a, &q->structure, &res, &err) != CORE_OK)
        return reply_error(r, &err);
    sdmx_header_t h;
    header_for(r, &h);
    core_rc rc;
    if (f == SRV_FMT_STRUCTURE_JSON) {
        dsd_langpref_t pref;
        dsd_langpref_parse(r->a, header(r->req, H2O_TOKEN_ACCEPT_LANGUAGE), &pref);
        const char *chosen = NULL;
        rc = sdmx_structure_write_json(&r->body, r->a, &res, &h, &pref, &chosen, &err);
        if (rc == CORE_OK)
            set_header(r, H2O_TOKEN_CONTENT_LANGUAGE, chosen);
    } else {
        rc = sdmx_structure_write_xml(&r->body, r->a, &res, &h, &err);
    }
    if (rc != CORE_OK)
        return reply_error(r, &err);
    snapshot_end(r);
    common_headers(r);
    reply(r, 200, srv_status_reason(200), srv_format_media_type(f));
    return 0;
}

/* A data answer, streamed: h2o calls proceed when the socket has taken the previous chunk,
 * so a slow reader never makes the server hold more than one chunk. */
struct data_gen {
    h2o_generator_t super;
    request_t *r;
    sdmx_data_stream_t *s;
    int done;
    h2o_timeout_entry_t hold; /* linked while a chunk waits for the client */
    h2o_linklist_t waiting; /* in its loop's list while the next chunk waits its turn */
};

#define DATA_CHUNK (256 * 1024)
/* What the chunks of one turn of a loop add up to at most, when several streams take turns
 * (never less than DATA_CHUNK_MIN each): a turn is what a small answer waits for. */
#define DATA_TURN (512 * 1024)
#define DATA_CHUNK_MIN (64 * 1024)

/* How long a stream keeps its snapshot while its client does not take the next chunk (set
 * before the loops start; each loop's timer is in its struct loopctx). */
static uint64_t snapshot_hold_ms;
/* Past a stream cap, an answer is still given when it is whole within this many bytes. */
#define DATA_SMALL (64 * 1024)

/* The answer is whole, its last chunk in r->body: its place under the stream caps and its
 * snapshot are let go, even while the client is still to take that chunk. */
static void
data_done(struct data_gen *g)
{
    srv__stream_end(g->r->ctx, &g->r->stream);
    sdmx_data_stream_release(g->s); /* the snapshot it went on in, if it was let go */
    snapshot_end(g->r);
}

static void
data_send(struct data_gen *g)
{
    request_t *r = g->r;
    h2o_iovec_t buf = h2o_iovec_init(r->body.ptr, r->body.len);
    h2o_send(r->req, &buf, 1, g->done ? H2O_SEND_STATE_FINAL : H2O_SEND_STATE_IN_PROGRESS);
}


static void
data_release(h2o_timeout_entry_t *entry)
{
    struct data_gen *g = H2O_STRUCT_FROM_MEMBER(struct data_gen, hold, entry);
    sdmx_data_stream_release(g->s);
}

/* After a chunk is built: the whole answer is done, or the snapshot is held for a while
 * (let go at once with --snapshot-hold 0) while the client takes the chunk. */
static void
data_hold(struct data_gen *g)
{
    if (g->done)
        data_done(g);
    else if (snapshot_hold_ms == 0)
        sdmx_data_stream_release(g->s);
    else
        h2o_timeout_link(g->r->req->conn->ctx->loop, &loop_of(g->r->req)->snapshot_hold,
                         &g->hold);
}

static void
data_send_next(struct data_gen *g, size_t want)
{
    request_t *r = g->r;
    core_err_t err = {0};
    core_buf_reset(&r->body);
    if (sdmx_data_stream_fill(g->s, &r->body, want, &g->done, &err) != CORE_OK) {
        core_log(CORE_LOG_ERROR, "data stream: %s", err.msg);
        h2o_send(r->req, NULL, 0, H2O_SEND_STATE_ERROR);
        return;
    }
    data_hold(g);
    data_send(g);
}

static void
data_unhold(struct data_gen *g)
{
    if (h2o_timeout_is_linked(&g->hold))
        h2o_timeout_unlink(&g->hold);
}

/* The loop's next turn: the streams that waited for it build their next chunk. */
static void
on_turn(h2o_multithread_receiver_t *rx, h2o_linklist_t *messages)
{
    struct loopctx *L = H2O_STRUCT_FROM_MEMBER(struct loopctx, turns, rx);
    while (!h2o_linklist_is_empty(messages))
        h2o_linklist_unlink(messages->next);
    L->turn_sent = 0;
    h2o_linklist_t now;
    h2o_linklist_init_anchor(&now);
    h2o_linklist_insert_list(&now, &L->waiting);
    size_t n = 0;
    for (h2o_linklist_t *i = now.next; i != &now; i = i->next)
        n++;
    size_t want = n > 0 ? DATA_TURN / n : DATA_CHUNK;
    want = want > DATA_CHUNK ? DATA_CHUNK : want < DATA_CHUNK_MIN ? DATA_CHUNK_MIN : want;
    while (!h2o_linklist_is_empty(&now)) {
        struct data_gen *g = H2O_STRUCT_FROM_MEMBER(struct data_gen, waiting, now.next);
        h2o_linklist_unlink(&g->waiting);
        data_send_next(g, want);
    }
}

/* The client took a chunk. The next is built at the loop's next turn, after it has polled
 * its sockets again: a client that reads as fast as the loopback lets h2o finish every write
 * at once, and building each next chunk from the write's completion (as h2o calls it, within
 * the same turn) held the loop for the whole answer while small answers waited. */
static void
data_proceed(h2o_generator_t *self, h2o_req_t *req)
{
    struct data_gen *g = (struct data_gen *)self;
    struct loopctx *L = loop_of(req);
    data_unhold(g);
    h2o_linklist_insert(&L->waiting, &g->waiting);
    if (!L->turn_sent) {
        L->turn_sent = 1;
        h2o_multithread_send_message(&L->turns, &L->turn);
    }
}

static void
data_stop(h2o_generator_t *self, h2o_req_t *req)
{
    (void)req; /* the arena, freed with the request, holds everything else */
    struct data_gen *g = (struct data_gen *)self;
    data_unhold(g);
    if (h2o_linklist_is_linked(&g->waiting))
        h2o_linklist_unlink(&g->waiting);
}

static int
serve_data(request_t *r, const sdmx_query_t *q)
{
    core_err_t err = {0};
    sdmx_data_format f;
    sdmx_data_query_t *dq = core_arena_alloc(r->a, sizeof *dq);
    *dq = q->data;
    if (srv_negotiate_data_csv(q->format, header(r->req, H2O_TOKEN_ACCEPT), &f, &dq->csv_labels,
                               &dq->csv_time_normalized, &err) != CORE_OK)
        return reply_error(r, &err);
    dsd_langpref_parse(r->a, header(r->req, H2O_TOKEN_ACCEPT_LANGUAGE), &dq->lang);
    dq->cache = r->ctx->cache;
    store_view_t *v = snapshot(r, sdmx_data_format_media_type(f));
    if (v == NULL)
        return 0;
    sdmx_header_t h;
    header_for(r, &h);
    struct data_gen *g = core_arena_zalloc(r->a, sizeof *g);
    if (sdmx_data_stream_open(v, r->a, dq, f, &h, &g->s, &err) != CORE_OK)
        return reply_error(r, &err);
    g->super.proceed = data_proceed;
    g->super.stop = data_stop;
    g->r = r;
    g->hold.cb = data_release;
    if (!is_head(r)) {
        /* the first chunk before the headers: past a stream cap (global, or per client), only
         * an answer whole in a small first chunk is given, the others are refused */
        int placed = srv__stream_begin(r->ctx, r->conn, &r->stream) == 0;
        if (sdmx_data_stream_fill(g->s, &r->body, placed ? DATA_CHUNK : DATA_SMALL, &g->done,
                                  &err) != CORE_OK)
            return reply_error(r, &err);
        if (!g->done && !placed) {
            srv__stream_refused(r->ctx);
            core_fail(&err, CORE_EUNAVAIL,
                      "the server streams as many large answers as it may (%zu in all, %zu per "
                      "client: --max-streams, --max-client-streams); retry later",
                      r->ctx->conf.max_streams, r->ctx->conf.max_client_streams);
            return reply_unavailable(r, &err);
        }
        data_hold(g);
    }
    common_headers(r);
    r->req->res.status = 200;
    r->req->res.reason = "OK";
    r->req->res.mime_attr = &compressible;
    const char *type = sdmx_data_format_media_type(f);
    if (f == SDMX_DATA_CSV && (dq->csv_labels || dq->csv_time_normalized))
        type = core_arena_printf(r->a, "%s%s%s", type, dq->csv_labels ? ";labels=both" : "",
                                 dq->csv_time_normalized ? ";timeFormat=normalized" : "");
    set_header(r, H2O_TOKEN_CONTENT_TYPE, type);
    h2o_start_response(r->req, &g->super);
    if (is_head(r)) {
        h2o_send(r->req, NULL, 0, H2O_SEND_STATE_FINAL);
        return 0;
    }
    data_send(g);
    return 0;
}

static int
serve_availability(request_t *r, const sdmx_query_t *q)
{
    core_err_t err = {0};
    srv_format f;
    if (srv_negotiate_structure(q->format, header(r->req, H2O_TOKEN_ACCEPT), &f, &err) != CORE_OK)
        return reply_error(r, &err);
    if (f != SRV_FMT_STRUCTURE_XML) {
        core_fail(&err, CORE_ENOTACCEPT, "availability is answered in SDMX-ML 2.1 only, so far");
        return reply_error(r, &err);
    }
    store_view_t *v = snapshot(r, srv_format_media_type(f));
    if (v == NULL)
        return 0;
    sdmx_header_t h;
    header_for(r, &h);
    sdmx_availability_query_t aq = q->availability;
    aq.data.cache = r->ctx->cache;
    if (sdmx_availability_write_xml(v, r->a, &aq, &h, &r->body, &err) != CORE_OK)
        return reply_error(r, &err);
    snapshot_end(r);
    common_headers(r);
    reply(r, 200, srv_status_reason(200), srv_format_media_type(f));
    return 0;
}

/* /rest/schema: the XML schema of structure-specific data for a DSD, a dataflow or a
 * provision agreement. */
static int
serve_schema(request_t *r, const sdmx_query_t *q)
{
    core_err_t err = {0};
    store_view_t *v = snapshot(r, "application/xml");
    if (v == NULL)
        return 0;
    if (sdmx_schema_write(v, r->a, &q->schema, &r->body, &err) != CORE_OK)
        return reply_error(r, &err);
    snapshot_end(r);
    common_headers(r);
    reply(r, 200, "OK", "application/xml");
    return 0;
}

static int
is_xml_type(core_str_t ct)
{
    core_str_t type;
    core_str_split(ct, ';', &type);
    type = core_str_trim(type);
    return type.len == 0 || core_str_ieq_c(type, "application/xml") ||
           core_str_ieq_c(type, "text/xml") ||
           core_str_ieq_c(type, "application/vnd.sdmx.structure+xml");
}

static void
ask_for_token(request_t *r)
{
    set_header(r, H2O_TOKEN_WWW_AUTHENTICATE, "Bearer realm=\"sdmxd\"");
}

/* The principal of the request's token, its strings in r's arena (v may end before it is
 * used); NULL when the request has been answered (401). */
static const srv_principal_t *
principal_of(request_t *r, store_view_t *v, core_str_t *name)
{
    core_err_t err = {0};
    srv_principal_t *p = core_arena_zalloc(r->a, sizeof *p);
    core_str_t who;
    if (srv_authenticate(v, header(r->req, H2O_TOKEN_AUTHORIZATION), &who, &err) == CORE_OK) {
        *name = core_arena_str(r->a, who);
        if (srv_principal_parse(*name, p, &err) == CORE_OK)
            return p;
    }
    ask_for_token(r);
    err.code = CORE_EAUTH;
    reply_error(r, &err);
    return NULL;
}

/* ---- writes: checked on the loop as far as the head and the token go, then done by the
 * writer thread (jobs/writer.c) while the loop serves others; answered when it is back ---- */

struct write_job {
    srv_job_t super;
    request_t *r;
    core_rc rc;
    core_err_t err;
    dsd_report_t report;
    /* structures */
    core_str_t agency; /* the token's agency; ptr NULL for the operator (--allow-writes) */
    dsd_artefact_t *arts;
    size_t n;
    store_put_status *status;
    /* data */
    sdmx_load_opts_t opts;
    sdmx_upload_t u;
    dsd_ref_t flow;
    int put;
};

static void
job_release(srv_job_t *sj)
{
    struct write_job *j = (struct write_job *)sj;
    request_t *r = j->r;
    r->job = NULL;
    h2o_mem_release_shared(r->slot); /* the arena may go with it: j lives there */
}

static void
job_cancel(request_t *r)
{
    if (r->job != NULL && srv__job_cancel(&r->job->super))
        job_release(&r->job->super); /* never begun: it will not come back */
}

/* Hands j to the writer; the request is answered when it comes back (or now, 503, when too
 * many writes are waiting). */
static int
job_submit(request_t *r, struct write_job *j, void (*run)(srv_job_t *), void (*done)(srv_job_t *))
{
    j->r = r;
    j->super.body = (core_str_t){r->req->entity.base, r->req->entity.len};
    j->super.reply_to = &loop_of(r->req)->writes;
    j->super.run = run;
    j->super.done = done;
    j->super.release = job_release;
    dsd_report_init(&j->report, r->a, 1000);
    h2o_mem_addref_shared(r->slot);
    r->job = j;
    core_err_t err = {0};
    if (srv__job_submit(&j->super, &err) != CORE_OK) {
        r->job = NULL;
        h2o_mem_release_shared(r->slot); /* the hook holds another: r stays */
        return reply_unavailable(r, &err);
    }
    return 0;
}

/* The writer could not take the body (no memory for its copy). */
static int
job_failed(request_t *r, const srv_job_t *j)
{
    if (!j->copy_failed)
        return 0;
    core_err_t err = {0};
    core_fail(&err, CORE_EUNAVAIL, "no memory for the request body now; retry later");
    reply_unavailable(r, &err);
    return 1;
}

static void
structure_run(srv_job_t *sj)
{
    struct write_job *j = (struct write_job *)sj;
    j->rc = srv_store_structures(j->r->ctx, j->r->a, sj->own, "request body", j->agency, &j->arts,
                                 &j->n, &j->status, &j->report, &j->err);
}

static void
structure_done(srv_job_t *sj)
{
    struct write_job *j = (struct write_job *)sj;
    request_t *r = j->r;
    if (job_failed(r, sj))
        return;
    core_rc rc = j->rc;
    /* not this token's to write, or a message refused as read (an id off its pattern, a
     * missing reference): an SDMX error lists why */
    int listed = rc == CORE_EFORBIDDEN || (j->n == 0 && rc == CORE_ESEMANTIC && j->report.len);
    /* nothing was read, or the server could not store it (a full disk, say): an SDMX error
     * says why, where the submission's response would only say it was refused */
    if (!listed && (j->n == 0 || srv_status_http(rc) >= 500)) {
        reply_error(r, &j->err);
        return;
    }
    if (listed) {
        int status = srv_status_http(rc);
        const char **details = core_arena_alloc(r->a, (j->report.len + 1) * sizeof *details);
        for (size_t i = 0; i < j->report.len; i++)
            details[i] = j->report.items[i].message;
        core_buf_reset(&r->body);
        int json = srv_prefers_json(r->format_param, header(r->req, H2O_TOKEN_ACCEPT));
        if (json)
            sdmx_error_write_json(&r->body, srv_status_sdmx(rc), j->err.msg, details,
                                  j->report.len);
        else
            sdmx_error_write_xml(&r->body, srv_status_sdmx(rc), j->err.msg, details,
                                 j->report.len);
        common_headers(r);
        reply(r, status, srv_status_reason(status), json ? "application/json" : "application/xml");
        return;
    }
    sdmx_header_t h;
    header_for(r, &h);
    h.receiver = "not_supplied";
    sdmx_submit_response_write_xml(&r->body, r->a, &h, j->arts, j->status, j->n, rc, &j->report);
    int code = srv_status_http(rc);
    if (rc == CORE_OK)
        for (size_t i = 0; i < j->n; i++)
            if (j->status[i] == STORE_PUT_CREATED)
                code = 201;
    common_headers(r);
    reply(r, code, srv_status_reason(code), "application/xml");
}

/* The read view a write's checks on the loop need, in an arena of its own that the caller
 * frees before the write is handed over (an old snapshot would pin the pages it replaces). */
static store_view_t *
check_view(request_t *r, core_arena_t **va)
{
    core_err_t err = {0};
    store_view_t *v;
    *va = core_arena_new();
    if (store_view_begin(r->ctx->reg, *va, &v, &err) != CORE_OK) {
        core_arena_free(*va);
        *va = NULL;
        reply_error(r, &err);
        return NULL;
    }
    return v;
}

static int
submit_structure(request_t *r)
{
    core_err_t err = {0};
    struct write_job *j = core_arena_zalloc(r->a, sizeof *j);
    /* a token decides; without one, only a loopback server started with --allow-writes */
    if (header(r->req, H2O_TOKEN_AUTHORIZATION).len > 0 || !r->ctx->conf.allow_writes) {
        core_arena_t *va;
        store_view_t *v = check_view(r, &va);
        if (v == NULL)
            return 0;
        core_str_t who;
        const srv_principal_t *p = principal_of(r, v, &who);
        core_arena_free(va);
        if (p == NULL)
            return 0;
        if (p->is_provider) {
            core_fail(&err, CORE_EFORBIDDEN,
                      "structures are written with an agency token; %.*s is a data provider",
                      CORE_STR_FMT(who));
            return reply_error(r, &err);
        }
        j->agency = p->agency;
    }
    if (!is_xml_type(header(r->req, H2O_TOKEN_CONTENT_TYPE)))
        return reply_error_status(r, 415, srv_status_sdmx_of_http(415), srv_status_title_of_http(415),
                                  "structures are submitted as SDMX-ML 2.1 "
                                  "(Content-Type: application/xml)");
    return job_submit(r, j, structure_run, structure_done);
}

/* What kind of data body a Content-Type announces: 0 for anything SDMX reads (the readers
 * tell the formats apart by content), -1 for what is not data at all. */
static int
data_type_ok(core_str_t ct)
{
    static const char *const ok[] = {
        "application/xml", "text/xml", "application/json", "text/csv", "application/octet-stream",
        "application/vnd.sdmx.genericdata+xml", "application/vnd.sdmx.structurespecificdata+xml",
        "application/vnd.sdmx.generictimeseriesdata+xml",
        "application/vnd.sdmx.structurespecifictimeseriesdata+xml",
        "application/vnd.sdmx.data+csv", "application/vnd.sdmx.data+json",
    };
    core_str_t type;
    core_str_split(ct, ';', &type);
    type = core_str_trim(type);
    if (type.len == 0)
        return 0;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (core_str_ieq_c(type, ok[i]))
            return 0;
    return -1;
}

/* dryRun=true|false is the one parameter of an upload. */
static core_rc
upload_params(core_str_t query, int *dry_run, core_err_t *err)
{
    *dry_run = 0;
    while (query.ptr != NULL && query.len > 0) {
        core_str_t pair, name;
        query = core_str_split(query, '&', &pair);
        core_str_t value = core_str_split(pair, '=', &name);
        /* a value is never shown: a token put in the query by mistake must not come back */
        char q[SDMX_QUOTE_MAX];
        if (core_str_eq_c(name, "dryRun") && (core_str_eq_c(value, "true") || core_str_eq_c(value, "false")))
            *dry_run = core_str_eq_c(value, "true");
        else if (core_str_eq_c(name, "dryRun"))
            return core_fail(err, CORE_ESYNTAX, "dryRun takes true or false");
        else if (pair.len > 0)
            return core_fail(err, CORE_ESYNTAX,
                             "'%s' is not a parameter of uploads; they take dryRun=true|false",
                             sdmx_quote(q, sizeof q, name, SDMX_QUOTE_NAME));
    }
    return CORE_OK;
}

static int
reply_upload_refused(request_t *r, core_rc rc, const core_err_t *err, const dsd_report_t *report)
{
    if (rc != CORE_ESEMANTIC || report->len == 0)
        return reply_error(r, err);
    int json = srv_prefers_json(r->format_param, header(r->req, H2O_TOKEN_ACCEPT));
    core_buf_reset(&r->body);
    if (json)
        sdmx_report_write_json(&r->body, r->a, err->msg, report);
    else
        sdmx_report_write_xml(&r->body, r->a, err->msg, report);
    common_headers(r);
    reply(r, srv_status_http(rc), srv_status_reason(srv_status_http(rc)),
          json ? "application/json" : "application/xml");
    return 0;
}

static void
upload_run(srv_job_t *sj)
{
    struct write_job *j = (struct write_job *)sj;
    j->opts.consumed = srv_drop_read_pages;
    j->opts.consumed_arg = &sj->pages;
    j->rc = sdmx_data_load(j->r->ctx->reg, j->r->a, sj->own, "request body", &j->opts,
                           &j->u.stats, &j->report, &j->err);
}

static void
upload_done(srv_job_t *sj)
{
    struct write_job *j = (struct write_job *)sj;
    request_t *r = j->r;
    if (job_failed(r, sj))
        return;
    if (j->rc != CORE_OK) {
        reply_upload_refused(r, j->rc, &j->err, &j->report);
        return;
    }
    j->u.report = &j->report;
    j->u.data_url = core_arena_printf(r->a, "/rest/data/%.*s,%.*s,%.*s",
                                      CORE_STR_FMT(j->flow.agency), CORE_STR_FMT(j->flow.id),
                                      CORE_STR_FMT(j->flow.version));
    int json = srv_prefers_json(r->format_param, header(r->req, H2O_TOKEN_ACCEPT));
    if (json) {
        sdmx_upload_write_json(&r->body, r->a, &j->u);
    } else {
        sdmx_header_t h;
        header_for(r, &h);
        h.receiver = "not_supplied";
        sdmx_upload_write_xml(&r->body, r->a, &h, &j->u);
    }
    int code = !j->u.dry_run && j->u.stats.obs_added > 0 ? 201 : 200;
    common_headers(r);
    reply(r, code, srv_status_reason(code), json ? "application/json" : "application/xml");
}

/* Who sends the upload, and what it may write: the token's provider and its agreement for the
 * dataflow (answered when not). The strings are copied into r's arena from v. */
static int
upload_rights(request_t *r, store_view_t *v, const sdmx_query_t *q, struct write_job *j)
{
    core_err_t err = {0};
    core_str_t who;
    const srv_principal_t *p = principal_of(r, v, &who);
    if (p == NULL)
        return -1;
    j->u.submitter = core_arena_strndup(r->a, who.ptr, who.len);
    if (sdmx_data_flow(v, r->a, &q->data, &j->flow, &err) != CORE_OK) {
        reply_error(r, &err);
        return -1;
    }
    j->flow = dsd_ref_dup(r->a, &j->flow);
    if (!p->is_provider) {
        core_fail(&err, CORE_EFORBIDDEN, "data is written with a data provider's token; %.*s is "
                  "an agency", CORE_STR_FMT(who));
        reply_error(r, &err);
        return -1;
    }
    if (reg_agreement_find(v, r->a, &j->flow, &p->scheme, p->provider, &j->u.agreement, &err) !=
        CORE_OK) {
        reply_error(r, &err);
        return -1;
    }
    j->u.agreement = dsd_ref_dup(r->a, &j->u.agreement);
    j->opts = (sdmx_load_opts_t){.target = &j->flow, .agreement = &j->u.agreement,
                                 .dry_run = j->u.dry_run, .replace = j->put,
                                 .submitter = j->u.submitter, .cache = r->ctx->cache,
                                 .provider_scheme = &p->scheme, .provider = p->provider};
    return 0;
}

/* POST (add and update) or PUT (replace) /rest/data/{flowRef}: a provider's upload, checked
 * whole and stored all or nothing. */
static int
submit_data(request_t *r, int put)
{
    core_err_t err = {0};
    sdmx_query_t q;
    struct write_job *j = core_arena_zalloc(r->a, sizeof *j);
    j->put = put;
    if (sdmx_query_parse(r->a, r->path, CORE_STR_NULL, &q, &err) != CORE_OK ||
        upload_params(r->query, &j->u.dry_run, &err) != CORE_OK)
        return reply_error(r, &err);
    if (q.data.nkey > 0) {
        core_fail(&err, CORE_ESYNTAX, "uploads go to /rest/data/{flowRef}, without a key");
        return reply_error(r, &err);
    }
    core_arena_t *va;
    store_view_t *v = check_view(r, &va);
    if (v == NULL)
        return 0;
    int refused = upload_rights(r, v, &q, j);
    core_arena_free(va);
    if (refused)
        return 0;
    if (data_type_ok(header(r->req, H2O_TOKEN_CONTENT_TYPE)) != 0)
        return reply_error_status(r, 415, srv_status_sdmx_of_http(415), srv_status_title_of_http(415),
                                  "data is sent as SDMX-ML 2.1, SDMX-CSV 1.0 or SDMX-JSON 1.0");
    return job_submit(r, j, upload_run, upload_done);
}

static int
collect_submission(void *arg, core_str_t record)
{
    core_buf_t *b = arg;
    if (b->len > 1)
        core_buf_addc(b, ',');
    core_buf_addstr(b, record);
    return 0;
}

/* GET /rest/submissions: the accepted uploads, newest first (JSON). */
static int
list_submissions(request_t *r)
{
    core_err_t err = {0};
    store_view_t *v = snapshot(r, "application/json");
    if (v == NULL)
        return 0;
    core_buf_addc(&r->body, '[');
    if (store_submissions_scan(v, 1000, collect_submission, &r->body, &err) != CORE_OK)
        return reply_error(r, &err);
    snapshot_end(r);
    core_buf_adds(&r->body, "]\n");
    common_headers(r);
    reply(r, 200, srv_status_reason(200), "application/json");
    return 0;
}

static int
preflight(request_t *r)
{
    set_header(r, H2O_TOKEN_ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    set_header_str(r, "access-control-allow-methods", "GET, HEAD, POST, PUT, OPTIONS");
    set_header_str(r, "access-control-allow-headers",
                   "Accept, Accept-Language, Content-Type, Authorization, If-None-Match, "
                   "If-Modified-Since");
    set_header_str(r, "access-control-max-age", "86400");
    r->req->res.status = 204;
    r->req->res.reason = "No Content";
    h2o_send_inline(r->req, NULL, 0);
    return 0;
}

static int
route(request_t *r)
{
    h2o_req_t *req = r->req;
    core_str_t method = {req->method.base, req->method.len};
    if (core_str_eq_c(method, "OPTIONS"))
        return preflight(r);
    srv_target_t t;
    srv_target_split((core_str_t){req->path.base, req->path.len}, &t);
    r->query = t.query;
    if (!t.rest) {
        core_err_t err = {0};
        core_fail(&err, CORE_ENOTFOUND, "the SDMX REST API is under /rest/ (try /rest/dataflow)");
        return reply_error(r, &err);
    }
    r->path = t.path;
    int get = core_str_eq_c(method, "GET") || core_str_eq_c(method, "HEAD");
    core_str_t res = t.resource;
    int put = core_str_eq_c(method, "PUT");
    if (core_str_eq_c(method, "POST") || put) {
        if (core_str_eq_c(res, "data"))
            return submit_data(r, put);
        if (!put && (core_str_eq_c(res, "structure") || dsd_kind_by_resource(res) != DSD_KIND_NONE))
            return submit_structure(r);
    }
    if (get && core_str_eq_c(res, "submissions"))
        return list_submissions(r);
    if (!get) {
        set_header(r, H2O_TOKEN_ALLOW, "GET, HEAD, OPTIONS");
        return reply_error_status(r, 405, srv_status_sdmx_of_http(405), srv_status_title_of_http(405),
                                  "this resource answers GET and HEAD");
    }
    sdmx_query_t q;
    core_err_t err = {0};
    if (sdmx_query_parse(r->a, r->path, r->query, &q, &err) != CORE_OK) {
        /* format= still decides the error's format */
        core_str_t qs = r->query;
        while (qs.ptr != NULL) {
            core_str_t pair, name;
            qs = core_str_split(qs, '&', &pair);
            core_str_t val = core_str_split(pair, '=', &name);
            if (core_str_eq_c(name, "format"))
                r->format_param = val;
        }
        return reply_error(r, &err);
    }
    r->format_param = q.format;
    if (q.type == SDMX_QUERY_DATA)
        return serve_data(r, &q);
    if (q.type == SDMX_QUERY_AVAILABILITY)
        return serve_availability(r, &q);
    if (q.type == SDMX_QUERY_SCHEMA)
        return serve_schema(r, &q);
    return serve_structure(r, &q);
}

core_rc
srv__body_admit(srv_ctx_t *ctx, const srv_head_t *h, int *read, core_err_t *err)
{
    *read = 0;
    srv_target_t t;
    srv_target_split(h->path, &t);
    core_str_t res = t.resource; /* (as route() reads it) */
    int post = core_str_eq_c(h->method, "POST"), put = core_str_eq_c(h->method, "PUT");
    int data = (post || put) && core_str_eq_c(res, "data");
    int structure = post && (core_str_eq_c(res, "structure") ||
                             dsd_kind_by_resource(res) != DSD_KIND_NONE);
    if (!data && !structure) /* as route() sends them */
        return CORE_OK;
    if (h->length != SRV_LENGTH_UNKNOWN && h->length > ctx->conf.max_body)
        return core_fail(err, CORE_ETOOBIG,
                         "the request body has %llu bytes; this server takes at most %zu "
                         "(--max-body)",
                         (unsigned long long)h->length, ctx->conf.max_body);
    /* as submit_structure decides: without a token, only --allow-writes on loopback */
    if (structure && h->authorization.len == 0 && ctx->conf.allow_writes) {
        *read = 1;
        return CORE_OK;
    }
    core_arena_t *a = core_arena_new();
    store_view_t *v;
    core_str_t who;
    core_rc rc = store_view_begin(ctx->reg, a, &v, err);
    if (rc == CORE_OK && srv_authenticate(v, h->authorization, &who, err) != CORE_OK) {
        if (err != NULL)
            err->code = CORE_EAUTH;
        rc = CORE_EAUTH;
    }
    core_arena_free(a);
    *read = rc == CORE_OK;
    return rc;
}

/* A request whose body was left unread: answered with what its head decided. */
static int
refuse_unread(request_t *r, const core_err_t *err)
{
    if (err->code == CORE_EAUTH)
        ask_for_token(r);
    if (err->code == CORE_EUNAVAIL)
        return reply_unavailable(r, err);
    return reply_error(r, err);
}

static int
on_req(h2o_handler_t *self, h2o_req_t *req)
{
    struct handler *h = (struct handler *)self;
    request_t *r = request_new(req, h->ctx);
    core_err_t err = {0};
    if (r->conn != NULL && srv__request_begin(r->conn, req, &err) != CORE_OK)
        return refuse_unread(r, &err);
    /* a chunked body whose framing hid its size from the connection's guard (or one of
     * HTTP/2) */
    if (req->entity.base != NULL && req->entity.len > h->ctx->conf.max_body) {
        core_fail(&err, CORE_ETOOBIG,
                  "the request body has %zu bytes; this server takes at most %zu (--max-body)",
                  req->entity.len, h->ctx->conf.max_body);
        return reply_error(r, &err);
    }
    return route(r);
}

/* ---- listener ------------------------------------------------------------------------------ */

static int
parse_listen(const char *listen, struct sockaddr_in *addr)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    if (colon == NULL || (size_t)(colon - listen) >= sizeof host)
        return -1;
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    if (strcmp(host, "localhost") == 0)
        strcpy(host, "127.0.0.1");
    uint64_t port;
    if (core_parse_u64(core_str_c(colon + 1), &port, NULL) != CORE_OK || port > 65535)
        return -1;
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &addr->sin_addr) == 1 ? 0 : -1;
}

/* In the loop's own thread (see conn.c's loop_sockets): the queue's socket must be its. */
static void
loop_start(h2o_context_t *h2o)
{
    struct loopctx *L = H2O_STRUCT_FROM_MEMBER(struct loopctx, h2o, h2o);
    L->queue = h2o_multithread_create_queue(h2o->loop);
    srv__writer_receiver_init(L->queue, &L->writes);
    h2o_linklist_init_anchor(&L->waiting);
    h2o_multithread_register_receiver(L->queue, &L->turns, on_turn);
}

int
srv_http_run(srv_ctx_t *ctx)
{
    struct sockaddr_in addr;
    if (parse_listen(ctx->conf.listen, &addr) != 0) {
        fprintf(stderr, "sdmxd: --listen takes IPV4:PORT, such as 127.0.0.1:8080 (got '%s')\n",
                ctx->conf.listen);
        return 2;
    }
    if (ctx->conf.allow_writes && (ntohl(addr.sin_addr.s_addr) >> 24) != 127) {
        fprintf(stderr, "sdmxd: --allow-writes is only accepted on a loopback address until "
                        "writes are authenticated\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    h2o_config_init(&config);
    /* above --max-body: the connection guard and the handler refuse a larger body with an
     * SDMX error first, where h2o would answer with a plain-text page */
    config.max_request_entity_size = srv__chunked_limit(ctx->conf.max_body) + 1;
    /* h2o's one HTTP/1 timer covers a request's head and body together (and the idle time
     * between requests): its 10 s cut off an upload of a few MB over a slow link. Slow heads
     * are held in check by the connection cap, which closes idle ones first (conn.c). */
    config.http1.req_timeout = (uint64_t)ctx->conf.request_timeout * 1000;
    /* HTTP/2 of h2o 2.2.5 (the "PRI *" preface and Upgrade: h2c) has no bound on stream resets
     * (CVE-2023-44487): off unless --http2 */
    config.http1.upgrade_to_http2 = ctx->conf.http2;
    h2o_hostconf_t *host = h2o_config_register_host(&config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *path = h2o_config_register_path(host, "/", 0);
    struct handler *h = (struct handler *)h2o_create_handler(path, sizeof *h);
    h->super.on_req = on_req;
    h->ctx = ctx;
    h2o_compress_args_t gz = {.min_size = 256, .gzip = {.quality = 1}, .brotli = {.quality = -1}};
    h2o_compress_register(path, &gz);
    snapshot_hold_ms = ctx->conf.snapshot_hold_ms;
    size_t n = ctx->conf.threads > 0 ? ctx->conf.threads : 1;
    /* kept until the process ends, as h2o keeps what they point to */
    static struct loopctx *loops;
    static h2o_accept_ctx_t *accepts;
    loops = calloc(n, sizeof *loops);
    accepts = calloc(n, sizeof *accepts);
    if (loops == NULL || accepts == NULL) {
        fprintf(stderr, "sdmxd: out of memory\n");
        return 2;
    }
    for (size_t i = 0; i < n; i++) {
        h2o_context_init(&loops[i].h2o, h2o_evloop_create(), &config);
        h2o_timeout_init(loops[i].h2o.loop, &loops[i].snapshot_hold, snapshot_hold_ms);
        accepts[i].ctx = &loops[i].h2o;
        accepts[i].hosts = config.hosts;
    }
    core_err_t err = {0};
    if (srv__writer_start(&err) != CORE_OK) {
        fprintf(stderr, "sdmxd: %s\n", err.msg);
        return 1;
    }
    int code = srv__conn_serve(ctx, accepts, n, &addr, loop_start);
    srv__writer_stop();
    return code;
}
