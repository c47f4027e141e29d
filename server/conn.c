/* server: the connections under the requests. Accepting under a cap below the file descriptor
 * limit (the longest idle connections closed first to make room); checking a request's route
 * and token when its head has arrived, before h2o reads the body (h2o 2.2.5 reads the whole
 * body before it calls the handler and offers no hook in between); the total of bodies held;
 * the stream caps; closing connections whose client stopped reading; the event loops (one per
 * thread, --threads) and the signals that end them. Every counter is in ctx->use. */
#include <config.h>
#include "srv_int.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <linux/tcp.h> /* struct tcp_info with tcpi_bytes_acked; glibc's <netinet/tcp.h> lacks it */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

/* picohttpparser, h2o 2.2.5's HTTP/1 parser, is built into libh2o-evloop and exported by it,
 * but Debian installs no header for it: its declarations, as in its picohttpparser.h. The
 * guard parses heads with the very parser h2o will, so the two never disagree on where a head
 * ends or which headers announce a body. */
struct phr_header {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
};
int phr_parse_request(const char *buf, size_t len, const char **method, size_t *method_len,
                      const char **path, size_t *path_len, int *minor_version,
                      struct phr_header *headers, size_t *num_headers, size_t last_len);

enum {
    CONN_HEAD, /* waiting for a request head: idle, and evictable */
    CONN_BUSY, /* a request is being read or answered */
    CONN_OTHER /* handed to h2o's HTTP/2 (--http2): not guarded */
};

#define ACCEPT_BATCH 16     /* connections accepted per wake-up of the listener */
#define EVICT_BATCH 16      /* idle connections closed per wake-up at the cap */
#define ACCEPT_RETRY_MS 100 /* pause after accept() ran out of descriptors */
#define LOG_EVERY_MS 60000  /* a repeated warning is logged at most this often */
#define LINGER_MS 10000     /* a refused body is read and dropped this long at most, */
#define LINGER_IDLE_MS 2000 /* or until the client sends nothing for this long */

struct srv_conn {
    h2o_socket_t *sock;
    int fd;
    int refs;               /* the socket's, and one per request holding it */
    int closed;             /* the socket is gone */
    int shut;               /* shutdown() was called: it closes at its next read or write */
    int state;              /* CONN_* */
    int had_body;           /* the current request's head announced a body */
    unsigned char addr[16]; /* the peer, IPv4 mapped into IPv6 */
    size_t head_len;        /* the current request's head, in bytes of the input */
    size_t spool;           /* body bytes reserved in ctx->use.spool for the current request */
    int counting;           /* a chunked body is being read: its bytes are counted */
    size_t body_raw;        /* the bytes of that body read so far, chunk framing included */
    size_t input_after;     /* the size of the input when h2o last returned from reading it */
    core_err_t *refusal;    /* the current request's answer, decided at its head (heap) */
    uint64_t acked;         /* bytes the peer had acknowledged at the last look */
    uint64_t progress_at;   /* when the client was last seen taking its answer (ms) */
    h2o_linklist_t all;     /* every connection */
    h2o_linklist_t idle;    /* CONN_HEAD ones, longest idle first */
    h2o_linklist_t dirty;   /* whose read callback h2o may have set again */
    h2o_timeout_entry_t stall;
};

struct client {
    unsigned char addr[16];
    size_t streams;
};

/* The end of a connection whose request was answered without its body being read: the client
 * may still be sending it, and a close with unread input would reset the connection, perhaps
 * before the client has read the answer. So the socket is kept (a duplicate of its descriptor,
 * h2o having closed its own) with its sending side shut, and what comes is read and dropped
 * for a little while. */
struct drain {
    h2o_socket_t *sock;
    uint64_t until; /* ms */
    size_t dropped;
    h2o_linklist_t all;
    h2o_timeout_entry_t idle;
};

/* --threads N runs N event loops, one per thread, each with its own h2o context. What is per
 * loop and what is shared:
 *  - per loop (struct loop, found through the thread's L): its copy of the listening socket
 *    (one listening descriptor, duplicated: whichever loop is free accepts), its connections
 *    and their lists (all, idle, dirty, lingering), its timers (stall checks, accept retry,
 *    lingering), the wake pipe the signal handler writes to. A connection lives and dies on
 *    the loop that accepted it, so none of these is touched by another thread.
 *  - shared (G, under G.lock): the counters of ctx->use, because the limits are the process's
 *    (connections against the descriptor cap, body bytes spooled, streams in all, streams per
 *    client address: 8 per client is 8 over all loops), the client table behind the
 *    per-client cap, and when each repeated warning was last logged. G.stop is an atomic
 *    store (a signal handler, or a loop that failed) that every loop reads at each turn.
 * A loop at the connection cap pauses its listener and looks again every ACCEPT_RETRY_MS,
 * since connections that close on other loops do not wake it; it evicts only its own idle
 * connections. */
struct loop {
    int id;
    h2o_accept_ctx_t *accept;
    h2o_loop_t *loop;
    h2o_socket_t *listener;
    int accepting;          /* the listener is being read */
    h2o_socket_cb h2o_read; /* h2o's HTTP/1 read callback, learnt at the first accept */
    h2o_linklist_t all, idle, dirty, lingers;
    h2o_timeout_t stall_check, retry, linger_idle;
    h2o_timeout_entry_t retry_entry;
    uint64_t stall_ms;
    size_t conns;      /* this loop's part of ctx->use.conns */
    uint64_t accepted; /* connections accepted so far */
    int listen_fd;     /* the loop's copy of the listening socket, until its thread takes it */
    int wake[2];       /* written by the signal handler (and a failing loop) */
    h2o_socket_t *wake_sock;
    int rc;
    pthread_t thread;
};

static _Thread_local struct loop *L;

static struct {
    srv_ctx_t *ctx;
    void (*loop_start)(h2o_context_t *ctx); /* in each loop's thread, before it runs */
    pthread_mutex_t lock; /* ctx->use, clients, logged_* */
    struct client *clients; /* clients with streams; at most max_streams of them */
    size_t nclients;
    struct loop *loops;
    size_t nloops;
    int stop; /* atomic: the signal that ends the loops (-1: a loop failed) */
    size_t done;           /* threads whose loop has stopped, */
    pthread_cond_t ended;  /* signalled as each stops */
    uint64_t logged_cap, logged_fds, logged_stall, logged_bodies;
} G = {.lock = PTHREAD_MUTEX_INITIALIZER, .ended = PTHREAD_COND_INITIALIZER};

static void
lock(void)
{
    pthread_mutex_lock(&G.lock);
}

static void
unlock(void)
{
    pthread_mutex_unlock(&G.lock);
}

static int
stopping(void)
{
    return __atomic_load_n(&G.stop, __ATOMIC_ACQUIRE) != 0;
}

static void on_accept(h2o_socket_t *listener, const char *err);

/* Whether a warning repeated under load is due again (and notes that it is logged now). Under
 * G.lock. */
static int
log_due(uint64_t *last)
{
    uint64_t now = h2o_now(L->loop);
    if (*last != 0 && now - *last < LOG_EVERY_MS)
        return 0;
    *last = now ? now : 1;
    return 1;
}

/* ---- connections --------------------------------------------------------------------------- */

void
srv__conn_release(srv_conn_t *c)
{
    if (--c->refs == 0)
        free(c);
}

srv_conn_t *
srv__conn_hold(h2o_req_t *req)
{
    h2o_socket_t *sock = req->conn->callbacks->get_socket != NULL
                             ? req->conn->callbacks->get_socket(req->conn)
                             : NULL;
    if (sock == NULL || sock->on_close.data == NULL)
        return NULL;
    srv_conn_t *c = sock->on_close.data;
    if (c->sock != sock || c->closed)
        return NULL;
    c->refs++;
    return c;
}

static void
accept_pause(void)
{
    if (L->accepting) {
        h2o_socket_read_stop(L->listener);
        L->accepting = 0;
    }
}

/* Reads the listener again when below the cap; at the cap, looks again after a while (the
 * connections closing may be another loop's). */
static void
accept_resume(void)
{
    if (L->accepting || stopping() || L->listener == NULL || h2o_timeout_is_linked(&L->retry_entry))
        return;
    lock();
    int room = G.ctx->use.conns < G.ctx->use.max_conns;
    unlock();
    if (!room) {
        h2o_timeout_link(L->loop, &L->retry, &L->retry_entry);
        return;
    }
    h2o_socket_read_start(L->listener, on_accept);
    L->accepting = 1;
}

/* A connection leaves the counts (of this loop and of all). */
static void
conns_sub(void)
{
    L->conns--;
    lock();
    G.ctx->use.conns--;
    unlock();
}

static void
spool_release(srv_conn_t *c)
{
    if (c->spool == 0)
        return;
    lock();
    G.ctx->use.spool -= c->spool;
    unlock();
    c->spool = 0;
}

static void
refusal_clear(srv_conn_t *c)
{
    free(c->refusal);
    c->refusal = NULL;
}

/* Closes c from outside h2o, which keeps the descriptor: shutdown() makes its next read see
 * the end (or its next write fail), and h2o closes it as it would a client's hang-up. hard:
 * an RST at the close, so that the kernel drops what the client left unread. */
static void
conn_shutdown(srv_conn_t *c, int hard)
{
    if (c->closed || c->shut)
        return;
    c->shut = 1;
    if (h2o_linklist_is_linked(&c->idle))
        h2o_linklist_unlink(&c->idle);
    if (hard) {
        struct linger l = {1, 0};
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    shutdown(c->fd, SHUT_RDWR);
}

static void
conn_idle(srv_conn_t *c)
{
    c->state = CONN_HEAD;
    if (!h2o_linklist_is_linked(&c->idle) && !c->shut)
        h2o_linklist_insert(&L->idle, &c->idle);
}

static void
conn_busy(srv_conn_t *c, int state)
{
    c->state = state;
    if (h2o_linklist_is_linked(&c->idle))
        h2o_linklist_unlink(&c->idle);
}

static void
linger_end(struct drain *l)
{
    if (h2o_timeout_is_linked(&l->idle))
        h2o_timeout_unlink(&l->idle);
    h2o_linklist_unlink(&l->all);
    h2o_socket_close(l->sock);
    free(l);
    conns_sub();
    accept_resume();
}

static void
linger_timeout(h2o_timeout_entry_t *e)
{
    linger_end(H2O_STRUCT_FROM_MEMBER(struct drain, idle, e));
}

/* The socket is not read by h2o (H2O_SOCKET_FLAG_DONT_READ): what comes is read here into a
 * scratch buffer and dropped, a few reads a turn. */
static void
linger_read(h2o_socket_t *sock, const char *err)
{
    static _Thread_local char sink[64 * 1024]; /* per loop: dropped, never read */
    struct drain *l = sock->data;
    int end = err != NULL;
    for (int i = 0; i < 16 && !end; i++) {
        ssize_t n = read(h2o_socket_get_fd(sock), sink, sizeof sink);
        if (n > 0) {
            l->dropped += (size_t)n;
            continue;
        }
        end = n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
        break;
    }
    if (end || l->dropped > G.ctx->conf.max_body || h2o_now(L->loop) >= l->until) {
        linger_end(l);
        return;
    }
    h2o_timeout_unlink(&l->idle);
    h2o_timeout_link(L->loop, &L->linger_idle, &l->idle);
}

/* Called as h2o is about to close c after an answer given without reading the body. */
static void
linger_start(srv_conn_t *c)
{
    int fd = fcntl(c->fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return;
    struct drain *l = calloc(1, sizeof *l);
    if (l == NULL) {
        close(fd);
        return;
    }
    int small = 64 * 1024; /* what is dropped need not come fast */
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    shutdown(fd, SHUT_WR); /* the answer, then its end */
    l->sock = h2o_evloop_socket_create(
        L->loop, fd, H2O_SOCKET_FLAG_IS_ACCEPTED_CONNECTION | H2O_SOCKET_FLAG_DONT_READ);
    l->sock->data = l;
    l->until = h2o_now(L->loop) + LINGER_MS;
    l->idle.cb = linger_timeout;
    h2o_linklist_insert(&L->lingers, &l->all);
    h2o_timeout_link(L->loop, &L->linger_idle, &l->idle);
    h2o_socket_read_start(l->sock, linger_read);
    L->conns++;
    lock();
    G.ctx->use.conns++; /* over the cap perhaps, for a little while */
    unlock();
}

/* Closes up to n connections to make room, lingering ones first, then the longest idle;
 * returns how many. */
static size_t
evict_idle(size_t n)
{
    size_t done = 0;
    while (done < n && !h2o_linklist_is_empty(&L->lingers)) {
        linger_end(H2O_STRUCT_FROM_MEMBER(struct drain, all, L->lingers.next));
        done++;
    }
    while (done < n && !h2o_linklist_is_empty(&L->idle)) {
        srv_conn_t *c = H2O_STRUCT_FROM_MEMBER(srv_conn_t, idle, L->idle.next);
        conn_shutdown(c, 0); /* unlinks it */
        done++;
    }
    lock();
    G.ctx->use.evicted += done;
    unlock();
    return done;
}

/* sock->on_close: h2o has closed the socket. */
static void
conn_closed(void *data)
{
    srv_conn_t *c = data;
    c->closed = 1;
    h2o_linklist_unlink(&c->all);
    if (h2o_linklist_is_linked(&c->idle))
        h2o_linklist_unlink(&c->idle);
    if (h2o_linklist_is_linked(&c->dirty))
        h2o_linklist_unlink(&c->dirty);
    if (h2o_timeout_is_linked(&c->stall))
        h2o_timeout_unlink(&c->stall);
    spool_release(c);
    refusal_clear(c);
    conns_sub();
    accept_resume();
    srv__conn_release(c);
}

/* ---- the body guard -------------------------------------------------------------------------- */

/* Checks the request head at offset off of c's input, once it is whole: when it announces a
 * body, its route and token decide whether h2o may read it. When not, the headers announcing
 * the body are renamed in place (same length) before h2o parses the head, so h2o sees a request
 * without a body: it never reads one, and the handler answers what was decided here. */
static void
guard_head(srv_conn_t *c, size_t off)
{
    h2o_buffer_t *in = c->sock->input;
    if (in == NULL || in->size <= off)
        return;
    size_t len = in->size - off;
    if (len > H2O_MAX_REQLEN) /* as h2o parses: a longer head is refused by h2o itself */
        len = H2O_MAX_REQLEN;
    struct phr_header hs[H2O_MAX_HEADERS];
    size_t nh = H2O_MAX_HEADERS;
    const char *method, *path;
    size_t method_len, path_len;
    int minor;
    int n = phr_parse_request(in->bytes + off, len, &method, &method_len, &path, &path_len, &minor,
                              hs, &nh, 0);
    if (n <= 0) /* incomplete (looked at again with more input), or malformed (h2o refuses it) */
        return;
    conn_busy(c, CONN_BUSY);
    c->head_len = (size_t)n;
    srv_head_t h = {.method = {method, method_len},
                    .path = {path, path_len},
                    .authorization = CORE_STR_NULL,
                    .length = 0};
    int body = 0, have_length = 0, chunked = 0;
    for (size_t i = 0; i < nh; i++) {
        core_str_t name = {hs[i].name, hs[i].name_len}, value = {hs[i].value, hs[i].value_len};
        if (name.ptr == NULL) /* a folded line, part of the previous header */
            continue;
        if (core_str_ieq_c(name, "transfer-encoding")) {
            body = chunked = 1;
        } else if (core_str_ieq_c(name, "content-length")) {
            if (!have_length) { /* h2o reads by the first of them */
                have_length = 1;
                if (core_parse_u64(core_str_trim(value), &h.length, NULL) != CORE_OK)
                    h.length = SRV_LENGTH_UNKNOWN; /* h2o answers 400; admitted only as chunked */
            }
            body = 1;
        } else if (core_str_ieq_c(name, "authorization") && h.authorization.ptr == NULL) {
            h.authorization = value;
        }
    }
    if (chunked)
        h.length = SRV_LENGTH_UNKNOWN;
    if (!body || (!chunked && h.length == 0))
        return;
    c->had_body = 1;
    srv_ctx_t *ctx = G.ctx;
    core_err_t err = {0};
    int read = 0;
    core_rc rc = srv__body_admit(ctx, &h, &read, &err);
    if (rc == CORE_OK && read) {
        /* a chunked body is counted at the largest it may grow to */
        size_t need = h.length == SRV_LENGTH_UNKNOWN ? ctx->conf.max_body : (size_t)h.length;
        lock();
        int room = ctx->use.spool + need <= ctx->conf.max_spool;
        if (room)
            ctx->use.spool += need;
        unlock();
        if (room) {
            c->spool = need;
            c->counting = h.length == SRV_LENGTH_UNKNOWN;
            c->body_raw = in->size - off - c->head_len;
            c->input_after = in->size;
            return;
        }
        rc = core_fail(&err, CORE_EUNAVAIL,
                       "the server holds as many request bodies as it may (%zu bytes, "
                       "--max-spool); retry later",
                       ctx->conf.max_spool);
    }
    for (size_t i = 0; i < nh; i++) {
        core_str_t name = {hs[i].name, hs[i].name_len};
        if (name.ptr != NULL &&
            (core_str_ieq_c(name, "transfer-encoding") || core_str_ieq_c(name, "content-length"))) {
            char *p = (char *)hs[i].name; /* in c's input, which h2o parses next */
            memset(p, '-', name.len);
            p[0] = 'x';
        }
    }
    if (rc != CORE_OK) {
        c->refusal = malloc(sizeof *c->refusal);
        if (c->refusal != NULL)
            *c->refusal = err;
        lock();
        uint64_t refused = ++ctx->use.refused_bodies;
        int due = log_due(&G.logged_bodies);
        unlock();
        if (due)
            core_log(CORE_LOG_INFO, "answered %llu request(s) before reading their body (%s)",
                     (unsigned long long)refused, core_rc_name(rc));
    }
}

/* The most a chunked body may come to on the wire, framing included, before the guard ends
 * it: above --max-body by what chunk sizes and line ends may add, so that only a body over
 * --max-body is refused (by the handler, from its decoded length, when the framing let it
 * through). h2o's own limit is one byte more: the guard always sees the excess first. */
size_t
srv__chunked_limit(size_t max_body)
{
    size_t slack = max_body / 8 + 4096;
    return max_body <= SIZE_MAX - slack - 1 ? max_body + slack : SIZE_MAX - 1;
}

/* A chunked body past the limit: h2o would answer with a plain-text page of its own, so the
 * SDMX error is written here, before h2o reads on, and the connection ends lingering (the
 * client may be sending still). */
static void
refuse_oversized(srv_conn_t *c)
{
    char detail[160];
    snprintf(detail, sizeof detail,
             "the request body (chunked) is larger than this server takes: at most %zu bytes "
             "(--max-body)",
             G.ctx->conf.max_body);
    const char *details[] = {detail};
    core_buf_t body, msg;
    core_buf_init(&body);
    core_buf_init(&msg);
    sdmx_error_write_xml(&body, srv_status_sdmx(CORE_ETOOBIG), srv_status_title(CORE_ETOOBIG),
                         details, 1);
    core_buf_printf(&msg,
                    "HTTP/1.1 %d %s\r\ncontent-type: application/xml\r\ncontent-length: %zu\r\n"
                    "connection: close\r\n\r\n",
                    srv_status_http(CORE_ETOOBIG), srv_status_reason(srv_status_http(CORE_ETOOBIG)),
                    body.len);
    core_buf_add(&msg, body.ptr, body.len);
    /* nothing of this request's answer was written yet, and a few hundred bytes fit in any
     * socket buffer */
    ssize_t w = send(c->fd, msg.ptr, msg.len, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)w;
    core_buf_dispose(&body);
    core_buf_dispose(&msg);
    c->counting = 0;
    lock();
    G.ctx->use.refused_bodies++;
    unlock();
    linger_start(c);
}

/* h2o's read callback, wrapped: the head is checked before h2o parses it, and a chunked body
 * is counted as it comes. */
static void
guard_read(h2o_socket_t *sock, const char *err)
{
    srv_conn_t *c = sock->on_close.data;
    c->refs++;
    if (err == NULL && c->counting && sock->input != NULL) {
        /* (only the socket adds to the input between two reads of h2o's) */
        if (sock->input->size > c->input_after)
            c->body_raw += sock->input->size - c->input_after;
        if (c->body_raw > srv__chunked_limit(G.ctx->conf.max_body)) {
            refuse_oversized(c);
            err = "request body over --max-body"; /* h2o closes its side of the connection */
        }
    }
    if (err == NULL && c->state == CONN_HEAD && !c->shut)
        guard_head(c, 0);
    L->h2o_read(sock, err);
    if (!c->closed) {
        c->input_after = sock->input != NULL ? sock->input->size : 0;
        if (sock->_cb.read == L->h2o_read)
            sock->_cb.read = guard_read;
        else if (sock->_cb.read != NULL && sock->_cb.read != guard_read)
            conn_busy(c, CONN_OTHER); /* a prior-knowledge HTTP/2 preface, with --http2 */
    }
    srv__conn_release(c);
}

/* Puts the guard back in front of h2o when h2o has set its own read callback again, which it
 * does when it starts reading the next request (h2o_socket_read_start). */
static void
guard_wrap(srv_conn_t *c)
{
    if (!c->closed && L->h2o_read != NULL && c->sock->_cb.read == L->h2o_read)
        c->sock->_cb.read = guard_read;
}

/* After every turn of the loop: h2o reads again only at the next turn's poll. */
static void
guard_wrap_dirty(void)
{
    while (!h2o_linklist_is_empty(&L->dirty)) {
        srv_conn_t *c = H2O_STRUCT_FROM_MEMBER(srv_conn_t, dirty, L->dirty.next);
        h2o_linklist_unlink(&c->dirty);
        guard_wrap(c);
    }
}

/* ---- requests ------------------------------------------------------------------------------ */

static uint64_t
bytes_acked(int fd)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    memset(&ti, 0, sizeof ti);
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
        len < offsetof(struct tcp_info, tcpi_bytes_acked) + sizeof ti.tcpi_bytes_acked)
        return UINT64_MAX; /* unknown: taken as progress, never as a stall */
    return ti.tcpi_bytes_acked;
}

/* Looked at every quarter of the stall timeout while a request is answered: a client that has
 * acknowledged no byte of its answer for the whole timeout, while h2o waits to write to it, has
 * stopped reading; it is closed, which frees the request, its memory and its snapshot. */
static void
on_stall_check(h2o_timeout_entry_t *e)
{
    srv_conn_t *c = H2O_STRUCT_FROM_MEMBER(srv_conn_t, stall, e);
    if (c->closed || c->shut)
        return;
    uint64_t now = h2o_now(L->loop);
    if (!h2o_socket_is_writing(c->sock)) {
        c->progress_at = now; /* not waiting for the client */
    } else {
        uint64_t acked = bytes_acked(c->fd);
        if (acked == UINT64_MAX || acked != c->acked) {
            c->acked = acked;
            c->progress_at = now;
        } else if (now - c->progress_at >= L->stall_ms) {
            lock();
            uint64_t n = ++G.ctx->use.stalled;
            int due = log_due(&G.logged_stall);
            unlock();
            if (due)
                core_log(CORE_LOG_INFO,
                         "closed %llu connection(s) whose client read nothing for %u s "
                         "(--stall-timeout)",
                         (unsigned long long)n, G.ctx->conf.stall_timeout);
            conn_shutdown(c, 1);
            return;
        }
    }
    h2o_timeout_link(L->loop, &L->stall_check, &c->stall);
}

core_rc
srv__request_begin(srv_conn_t *c, h2o_req_t *req, core_err_t *err)
{
    if (c->state == CONN_OTHER || req->version >= 0x200)
        return CORE_OK;
    c->counting = 0; /* the body is whole */
    c->acked = UINT64_MAX;
    c->progress_at = h2o_now(L->loop);
    if (!h2o_timeout_is_linked(&c->stall))
        h2o_timeout_link(L->loop, &L->stall_check, &c->stall);
    if (c->had_body) /* the body, read or not, is not kept in the input past this request */
        req->http1_is_persistent = 0;
    if (c->refusal == NULL)
        return CORE_OK;
    if (err != NULL)
        *err = *c->refusal;
    return c->refusal->code;
}

void
srv__request_end(srv_conn_t *c, h2o_req_t *req)
{
    if (c->state == CONN_OTHER || req->version >= 0x200)
        return;
    if (h2o_timeout_is_linked(&c->stall))
        h2o_timeout_unlink(&c->stall);
    if (c->refusal != NULL && !c->closed && !c->shut && !req->http1_is_persistent)
        linger_start(c);
    spool_release(c);
    refusal_clear(c);
    c->had_body = 0;
    size_t used = c->head_len + req->entity.len;
    c->head_len = 0;
    if (c->closed || c->shut)
        return;
    conn_idle(c);
    if (!h2o_linklist_is_linked(&c->dirty))
        h2o_linklist_insert(&L->dirty, &c->dirty);
    /* h2o disposes the request before it drops it from the input and parses what follows: a
     * pipelined head already there is checked now, as guard_read would have */
    if (req->http1_is_persistent && c->sock->input != NULL && c->sock->input->size > used)
        guard_head(c, used);
}

/* ---- streams ------------------------------------------------------------------------------- */

static struct client *
client_find(const unsigned char addr[16])
{
    for (size_t i = 0; i < G.nclients; i++)
        if (memcmp(G.clients[i].addr, addr, 16) == 0)
            return &G.clients[i];
    return NULL;
}

/* Under G.lock: the table and the counts are all loops'. */
static int
stream_take(srv_ctx_t *ctx, srv_conn_t *c, srv_stream_t *s)
{
    if (ctx->use.streams >= ctx->conf.max_streams || G.clients == NULL)
        return -1;
    if (c != NULL) {
        struct client *cl = client_find(c->addr);
        if (cl != NULL && cl->streams >= ctx->conf.max_client_streams)
            return -1;
        if (cl == NULL) { /* fewer clients than streams: there is room */
            cl = &G.clients[G.nclients++];
            memcpy(cl->addr, c->addr, 16);
            cl->streams = 0;
        }
        cl->streams++;
        memcpy(s->addr, c->addr, 16);
        s->counted = 2;
    } else {
        s->counted = 1;
    }
    ctx->use.streams++;
    return 0;
}

int
srv__stream_begin(srv_ctx_t *ctx, srv_conn_t *c, srv_stream_t *s)
{
    if (s->counted)
        return 0;
    lock();
    int rc = stream_take(ctx, c, s);
    unlock();
    return rc;
}

void
srv__stream_refused(srv_ctx_t *ctx)
{
    lock();
    ctx->use.refused_streams++;
    unlock();
}

void
srv__stream_end(srv_ctx_t *ctx, srv_stream_t *s)
{
    if (!s->counted)
        return;
    lock();
    if (s->counted == 2) {
        struct client *cl = client_find(s->addr);
        if (cl != NULL && --cl->streams == 0)
            *cl = G.clients[--G.nclients];
    }
    s->counted = 0;
    ctx->use.streams--;
    unlock();
}

/* ---- accepting ------------------------------------------------------------------------------ */

static void
conn_open(int fd, const struct sockaddr_storage *ss)
{
    srv_conn_t *c = calloc(1, sizeof *c);
    if (c == NULL) {
        close(fd);
        lock();
        G.ctx->use.conns--; /* the place on_accept took */
        unlock();
        return;
    }
    c->fd = fd;
    c->refs = 1;
    c->acked = UINT64_MAX;
    c->stall.cb = on_stall_check;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
        c->addr[10] = c->addr[11] = 0xff;
        memcpy(c->addr + 12, &sin->sin_addr, 4);
    } else if (ss->ss_family == AF_INET6) {
        memcpy(c->addr, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
    }
    c->sock = h2o_evloop_socket_create(L->loop, fd, H2O_SOCKET_FLAG_IS_ACCEPTED_CONNECTION);
    c->sock->on_close.cb = conn_closed;
    c->sock->on_close.data = c;
    h2o_linklist_insert(&L->all, &c->all);
    L->conns++; /* ctx->use.conns counted it before accept() */
    L->accepted++;
    conn_idle(c);
    h2o_accept(L->accept, c->sock);
    if (L->h2o_read == NULL && c->sock->_cb.read != NULL)
        L->h2o_read = c->sock->_cb.read;
    guard_wrap(c);
}

static void
on_accept_retry(h2o_timeout_entry_t *e)
{
    (void)e;
    accept_resume();
}

static void
on_accept(h2o_socket_t *listener, const char *err)
{
    if (err != NULL)
        return;
    srv_usage_t *u = &G.ctx->use;
    /* with several loops, one connection per wake-up: the listener stays ready while more
     * wait, and the loops (all woken) share them instead of the first taking a batch */
    int batch = G.nloops > 1 ? 1 : ACCEPT_BATCH;
    for (int i = 0; i < batch; i++) {
        /* a place under the cap is taken before accept(), so that loops accepting at once
         * cannot pass it together */
        lock();
        int full = u->conns >= u->max_conns;
        if (!full)
            u->conns++;
        size_t open = u->conns;
        int due = full && log_due(&G.logged_cap);
        unlock();
        if (full) {
            /* at the cap: the longest idle connections make room; the new ones wait in the
             * backlog until connections close, and are not read meanwhile */
            size_t n = evict_idle(EVICT_BATCH);
            accept_pause();
            accept_resume(); /* at the cap: looks again in a while */
            if (due)
                core_log(CORE_LOG_WARN,
                         "%zu connections open, the cap (below the file descriptor limit): "
                         "closing the longest idle ones (%zu now), new ones wait",
                         open, n);
            return;
        }
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        int fd = accept4(h2o_socket_get_fd(listener), (struct sockaddr *)&ss, &len,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            int e = errno;
            lock();
            open = --u->conns;
            due = (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) &&
                  log_due(&G.logged_fds);
            unlock();
            if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
                /* descriptors ran out below the cap (the store and uploads use some): make
                 * room, and wait a little rather than spin on a listener that stays ready */
                size_t n = evict_idle(EVICT_BATCH);
                accept_pause();
                if (!h2o_timeout_is_linked(&L->retry_entry))
                    h2o_timeout_link(L->loop, &L->retry, &L->retry_entry);
                if (due)
                    core_log(CORE_LOG_WARN,
                             "accept: %s with %zu connections open: closing the longest idle "
                             "ones (%zu now)",
                             strerror(e), open, n);
            }
            return; /* EAGAIN: none waiting (or another loop took it) */
        }
        conn_open(fd, &ss);
    }
}

/* Raises the soft file descriptor limit to the hard one and sets the connection cap below it,
 * leaving room for the store, logs, the listener and the files uploads use. */
static void
fd_limit_raise(srv_usage_t *u)
{
    struct rlimit rl;
    rlim_t fds = 1024;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        fds = rl.rlim_cur;
        if (rl.rlim_cur < rl.rlim_max) {
            struct rlimit want = {rl.rlim_max, rl.rlim_max};
            if (want.rlim_cur == RLIM_INFINITY || want.rlim_cur > ((rlim_t)1 << 20))
                want.rlim_cur = (rlim_t)1 << 20;
            if (setrlimit(RLIMIT_NOFILE, &want) == 0)
                fds = want.rlim_cur;
        }
    }
    if (fds == RLIM_INFINITY || fds > ((rlim_t)1 << 20))
        fds = (rlim_t)1 << 20;
    size_t reserve = fds >= 512 ? 64 : (size_t)fds / 4;
    u->max_conns = (size_t)fds > reserve + 8 ? (size_t)fds - reserve : 8;
    core_log(CORE_LOG_INFO, "file descriptors: %llu; connections up to %zu",
             (unsigned long long)fds, u->max_conns);
}

/* The listening descriptor, shared by the loops (each reads a duplicate of it). */
static int
listen_on(const struct sockaddr_in *addr)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), on = 1;
    if (fd < 0)
        return -1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        bind(fd, (const struct sockaddr *)addr, sizeof *addr) != 0 || listen(fd, SOMAXCONN) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* ---- signals and the loops ------------------------------------------------------------------- */

/* Every loop is woken: each reads its own pipe and sees G.stop. */
static void
loops_wake(void)
{
    for (size_t i = 0; i < G.nloops; i++) {
        unsigned char b = 1;
        if (write(G.loops[i].wake[1], &b, 1) < 0) {
            /* the pipe is full: the loop is woken already */
        }
    }
}

static void
on_signal(int sig)
{
    int saved = errno;
    __atomic_store_n(&G.stop, sig, __ATOMIC_RELEASE);
    loops_wake();
    errno = saved;
}

static void
on_wake_read(h2o_socket_t *sock, const char *err)
{
    if (err == NULL)
        h2o_buffer_consume(&sock->input, sock->input->size);
}

static void
signals_catch(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

/* Stops accepting and closes every connection of the loop; waits a little for h2o to dispose of
 * their requests, so that their snapshots end before the store is closed. */
static void
conns_close(void)
{
    accept_pause();
    if (h2o_timeout_is_linked(&L->retry_entry))
        h2o_timeout_unlink(&L->retry_entry);
    h2o_socket_close(L->listener);
    L->listener = NULL;
    while (!h2o_linklist_is_empty(&L->lingers))
        linger_end(H2O_STRUCT_FROM_MEMBER(struct drain, all, L->lingers.next));
    for (h2o_linklist_t *n = L->all.next; n != &L->all; n = n->next)
        conn_shutdown(H2O_STRUCT_FROM_MEMBER(srv_conn_t, all, n), 1);
    uint64_t deadline = h2o_now(L->loop) + 2000;
    while (L->conns > 0 && h2o_now(L->loop) < deadline)
        if (h2o_evloop_run(L->loop, 100) != 0 && errno != EINTR)
            break;
}

/* Sets up loop l over its h2o context (in the starting thread, before any loop runs). */
static int
loop_init(struct loop *l, int id, h2o_accept_ctx_t *accept, int listen_fd)
{
    l->id = id;
    l->accept = accept;
    l->loop = accept->ctx->loop;
    l->wake[0] = l->wake[1] = -1;
    h2o_linklist_init_anchor(&l->all);
    h2o_linklist_init_anchor(&l->idle);
    h2o_linklist_init_anchor(&l->dirty);
    h2o_linklist_init_anchor(&l->lingers);
    l->stall_ms = (uint64_t)G.ctx->conf.stall_timeout * 1000;
    h2o_timeout_init(l->loop, &l->stall_check, l->stall_ms / 4 > 100 ? l->stall_ms / 4 : 100);
    h2o_timeout_init(l->loop, &l->retry, ACCEPT_RETRY_MS);
    h2o_timeout_init(l->loop, &l->linger_idle, LINGER_IDLE_MS);
    l->retry_entry.cb = on_accept_retry;
    int fd = fcntl(listen_fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (pipe2(l->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        close(fd);
        return -1;
    }
    l->listen_fd = fd;
    return 0;
}

/* The loop's sockets are made in its own thread: h2o gives a socket the buffer allocator of
 * the thread that creates it (thread-local, unlocked), so a socket made here for another
 * loop would share this thread's allocator with that loop's, and their reads would race. */
static void
loop_sockets(void)
{
    L->listener = h2o_evloop_socket_create(L->loop, L->listen_fd, H2O_SOCKET_FLAG_DONT_READ);
    h2o_socket_read_start(L->listener, on_accept);
    L->accepting = 1;
    L->wake_sock = h2o_evloop_socket_create(L->loop, L->wake[0], 0);
    h2o_socket_read_start(L->wake_sock, on_wake_read);
    if (G.loop_start != NULL)
        G.loop_start(L->accept->ctx);
}

/* Runs loop l in the calling thread until G.stop; closes its connections. */
static void *
loop_run(void *arg)
{
    L = arg;
    loop_sockets();
    while (!stopping()) {
        /* -1 with EINTR: a signal came during the wait (SIGSTOP and SIGCONT, a debugger or
         * strace attaching, a cgroup freeze): the loop goes on */
        if (h2o_evloop_run(L->loop, INT32_MAX) != 0 && errno != EINTR) {
            core_log(CORE_LOG_ERROR, "event loop %d failed: %s; stopping", L->id,
                     strerror(errno));
            L->rc = 1;
            int none = 0;
            __atomic_compare_exchange_n(&G.stop, &none, -1, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE);
            loops_wake();
            break;
        }
        guard_wrap_dirty();
    }
    int sig = __atomic_load_n(&G.stop, __ATOMIC_ACQUIRE);
    if (L->id == 0 && sig > 0) {
        lock();
        size_t open = G.ctx->use.conns;
        unlock();
        core_log(CORE_LOG_INFO, "%s received: stopping (%zu connection(s) open)",
                 sig == SIGINT ? "SIGINT" : "SIGTERM", open);
    }
    conns_close();
    h2o_socket_close(L->wake_sock);
    L->wake_sock = NULL;
    /* one turn more: h2o frees the sockets closed above */
    h2o_evloop_run(L->loop, 0);
    return NULL;
}

/* A thread of its own for loop arg. Once its loop has stopped, the thread does not end but
 * waits for the process to: h2o 2.2.5 keeps a per-thread free list of memory pool chunks that
 * only the thread could free, and that a thread ending would leak. */
static void *
loop_thread(void *arg)
{
    loop_run(arg);
    lock();
    G.done++;
    pthread_cond_signal(&G.ended);
    unlock();
    for (;;)
        pause(); /* every signal is blocked in this thread */
    return NULL;
}

int
srv__conn_serve(srv_ctx_t *ctx, h2o_accept_ctx_t *accepts, size_t n, const struct sockaddr_in *addr,
                void (*loop_start)(h2o_context_t *ctx))
{
    G.ctx = ctx;
    G.loop_start = loop_start;
    fd_limit_raise(&ctx->use);
    G.clients = calloc(ctx->conf.max_streams, sizeof *G.clients);
    G.loops = calloc(n, sizeof *G.loops);
    if (G.clients == NULL || G.loops == NULL) {
        fprintf(stderr, "sdmxd: out of memory\n");
        free(G.clients);
        free(G.loops);
        return 2;
    }
    int fd = listen_on(addr);
    if (fd < 0) {
        fprintf(stderr, "sdmxd: cannot listen on %s: %s\n", ctx->conf.listen, strerror(errno));
        free(G.clients);
        free(G.loops);
        return 2;
    }
    for (; G.nloops < n; G.nloops++) {
        if (loop_init(&G.loops[G.nloops], (int)G.nloops, &accepts[G.nloops], fd) != 0) {
            fprintf(stderr, "sdmxd: cannot set up event loop %zu: %s\n", G.nloops,
                    strerror(errno));
            return 2; /* the process ends: nothing to close */
        }
    }
    close(fd);
    signals_catch();
    core_log(CORE_LOG_INFO, "serving with %zu event loop(s)", n);
    printf("sdmxd: serving %s on http://%s/rest/ (try http://%s/rest/dataflow)\n", ctx->conf.db,
           ctx->conf.listen, ctx->conf.listen);
    fflush(stdout);
    /* the other threads take no signal: the handler runs in this one, whose wait it cuts */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    size_t started = 1;
    for (; started < n; started++) {
        int e = pthread_create(&G.loops[started].thread, NULL, loop_thread, &G.loops[started]);
        if (e != 0) {
            core_log(CORE_LOG_ERROR, "cannot start event loop %zu: %s; stopping", started,
                     strerror(e));
            G.loops[0].rc = 1;
            __atomic_store_n(&G.stop, -1, __ATOMIC_RELEASE);
            loops_wake();
            break;
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    loop_run(&G.loops[0]);
    int rc = 0;
    char per[256];
    size_t at = 0;
    per[0] = 0;
    lock();
    while (G.done + 1 < started)
        pthread_cond_wait(&G.ended, &G.lock);
    unlock();
    for (size_t i = 0; i < G.nloops; i++) {
        if (G.loops[i].rc != 0)
            rc = 1;
        if (at < sizeof per)
            at += (size_t)snprintf(per + at, sizeof per - at, "%s%llu", i ? ", " : "",
                                   (unsigned long long)G.loops[i].accepted);
    }
    core_log(CORE_LOG_INFO, "connections accepted per event loop: %s", per);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    for (size_t i = 0; i < G.nloops; i++) {
        close(G.loops[i].wake[1]);
    }
    free(G.clients);
    G.clients = NULL;
    free(G.loops);
    G.loops = NULL;
    G.nloops = 0;
    return rc;
}
