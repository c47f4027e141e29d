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
                    const struct sockaddr_in *addr);

/* The connection req came on, held until srv__conn_release; NULL for none of ours. */
srv_conn_t *srv__conn_hold(h2o_req_t *req);
void srv__conn_release(srv_conn_t *c);
/* A request on c reaches the handler: CORE_OK, or the answer decided when its head arrived
 * (its body unread; the connection closes after the answer). */
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

#endif
