/* server, between its own files: the connections (conn.c) and the requests on them (http.c).
 * h2o types cross here, never in srv.h. */
#ifndef SDMXD_SRV_INT_H
#define SDMXD_SRV_INT_H

#include "srv.h"

#include <h2o.h>
#include <netinet/in.h>

/* One client connection: its socket, its state between requests, its timers. */
typedef struct srv_conn srv_conn_t;

#define SRV_LENGTH_UNKNOWN UINT64_MAX /* a chunked body, or a length h2o will refuse */

/* A request head as it arrived, before h2o reads the body it announces. Strings borrow from
 * the connection's input. */
typedef struct srv_head {
    core_str_t method;
    core_str_t path; /* with the query */
    core_str_t authorization;
    uint64_t length; /* the body's announced length, or SRV_LENGTH_UNKNOWN */
} srv_head_t;

/* Decides, from its head alone, whether the body of a request is to be read (*read = 1).
 * CORE_OK with *read = 0 when the route takes no body: the request is answered as if it had
 * none. Otherwise the code and message to answer with (CORE_EAUTH, CORE_ETOOBIG...), the body
 * unread. In http.c, with the routes. */
core_rc srv__body_admit(srv_ctx_t *ctx, const srv_head_t *h, int *read, core_err_t *err);

/* Listens on addr and runs n event loops, one per thread (the caller's is the first), loop i
 * accepting into accepts[i]'s context (raising the file limit first), until a terminating
 * signal or a failure; returns the exit code. */
int srv__conn_serve(srv_ctx_t *ctx, h2o_accept_ctx_t *accepts, size_t n,
                    const struct sockaddr_in *addr, void (*loop_start)(h2o_context_t *ctx));

/* The connection req came on, held until srv__conn_release; NULL for none of ours. */
srv_conn_t *srv__conn_hold(h2o_req_t *req);
void srv__conn_release(srv_conn_t *c);
/* A request on c reaches the handler: CORE_OK, or the answer decided when its head arrived
 * (its body unread; the connection closes after the answer). */
/* The most bytes a chunked body may take on the wire before the guard refuses it. */
size_t srv__chunked_limit(size_t max_body);
core_rc srv__request_begin(srv_conn_t *c, h2o_req_t *req, core_err_t *err);
/* The request is disposed: what it held is released and c waits for the next head. */
void srv__request_end(srv_conn_t *c, h2o_req_t *req);

/* A streamed answer's place under the stream caps (global and per client address). */
typedef struct srv_stream {
    int counted;
    unsigned char addr[16];
} srv_stream_t;

/* Takes a place for an answer on c (c may be NULL: the global cap only); -1 past a cap. */
int srv__stream_begin(srv_ctx_t *ctx, srv_conn_t *c, srv_stream_t *s);
/* Counts an answer refused at a stream cap (ctx->use.refused_streams). */
void srv__stream_refused(srv_ctx_t *ctx);
/* Gives the place back; does nothing when s holds none. */
void srv__stream_end(srv_ctx_t *ctx, srv_stream_t *s);

/* ---- the writer thread (jobs/writer.c) ------------------------------------------------------
 * Every write transaction of the server runs on one thread of its own, so that no event loop
 * waits for a write. A job is handed over from a loop with the request body it reads; the
 * writer copies the body first, runs the job, then hands it back to the loop of reply_to,
 * which calls done (unless the job was cancelled) and then release. */
typedef struct srv_job srv_job_t;
struct srv_job {
    h2o_multithread_message_t msg; /* back to the submitting loop */
    h2o_linklist_t link;           /* in the writer's queue */
    h2o_multithread_receiver_t *reply_to;
    core_str_t body;          /* the request's, borrowed until the writer has copied it */
    core_str_t own;           /* the writer's copy, what run reads (gone after run) */
    srv_read_pages_t pages;   /* for dropping own's pages behind the reader */
    void (*run)(srv_job_t *j);     /* on the writer thread */
    void (*done)(srv_job_t *j);    /* on the loop: answer the request */
    void (*release)(srv_job_t *j); /* on the loop, last: drop what the job holds */
    int state, cancelled, copy_failed;
};

/* Starts and stops (after the job running, if any) the writer thread. */
core_rc srv__writer_start(core_err_t *err);
void srv__writer_stop(void);
/* Queues j; CORE_EUNAVAIL when too many writes are waiting already. */
core_rc srv__job_submit(srv_job_t *j, core_err_t *err);
/* The request of j is gone: done will not be called. Returns 1 when j was still queued (it
 * never runs and will not come back: release it now), 0 when it will come back to release;
 * waits while the writer is copying the body, never while it writes. */
int srv__job_cancel(srv_job_t *j);
/* Sets up rx, on a loop's queue q, as where jobs come back. */
void srv__writer_receiver_init(h2o_multithread_queue_t *q, h2o_multithread_receiver_t *rx);

#endif
