/* server: the process. CLI, h2o listeners, routing, content negotiation, status mapping. */
#ifndef SDMXD_SRV_H
#define SDMXD_SRV_H

#include "core/core.h"
#include "dsd/dsd.h"
#include "registry/store/store.h"
#include "sdmx/sdmx.h"

#define SRV_DEFAULT_LISTEN "127.0.0.1:8080"
#define SRV_MAX_BODY ((size_t)64 << 20)
#define SRV_SNAPSHOT_HOLD_MS 1000
#define SRV_SPOOL_BODIES 4       /* --max-spool defaults to this many bodies of --max-body */
#define SRV_STALL_TIMEOUT 30     /* seconds an answer may wait for its client to read */
#define SRV_REQUEST_TIMEOUT 120  /* seconds for a request to arrive (h2o's own is 10) */
#define SRV_MAX_STREAMS 512      /* half the store's 1024 LMDB readers (registry/store/env.c) */
#define SRV_MAX_CLIENT_STREAMS 8 /* streamed answers at once per client address */
#define SRV_MAX_THREADS 64       /* --threads at most */
/* Without --threads: as many event loops as cores (1), or one (0). */
#define SRV_THREADS_CORES 1
#define SRV_THREADS_DEFAULT_TEXT "the number of cores"

typedef struct srv_conf {
    const char *db;
    const char *listen;
    int allow_writes;
    size_t max_body;
    size_t max_spool;          /* request body bytes held at once, all connections together */
    unsigned stall_timeout;    /* seconds; a client that reads nothing for as long is closed */
    unsigned request_timeout;  /* seconds a request (head and body) may take to arrive */
    size_t max_streams;        /* streamed answers being produced at once */
    size_t max_client_streams; /* the same, per client address */
    int http2;                 /* --http2: h2o 2.2.5's HTTP/2, open to rapid reset */
    const char *dataflow;      /* --dataflow AGENCY:ID(VERSION) for data that names a DSD */
    const char *provider; /* --provider AGENCY:SCHEME(VERSION).ID: who the loaded data is from */
    int validate_only;    /* sdmxd validate: check, store nothing */
    uint64_t snapshot_hold_ms; /* a stalled answer lets its snapshot go after this (0: at once) */
    unsigned threads;          /* event loops, one per thread (--threads) */
    const char *resolve_from; /* --resolve-from URL: fetch what structures reference (resolve.c) */
    int lenient;              /* --lenient: store what is still missing as external stubs */
    int keep_final;           /* --keep-final: a final artefact stored with other content is
                               * kept, the message's copy noted, not refused */
} srv_conf_t;

/* What the server holds now and what it turned away: the counter of every limit, in one
 * place (server/conn.c keeps them). */
typedef struct srv_usage {
    size_t conns;             /* open client connections */
    size_t max_conns;         /* their cap, below the file descriptor limit */
    size_t spool;             /* body bytes reserved by the requests reading them */
    size_t streams;           /* streamed answers being produced */
    uint64_t evicted;         /* idle connections closed to make room for new ones */
    uint64_t stalled;         /* connections closed because their client stopped reading */
    uint64_t refused_bodies;  /* requests answered before their body was read */
    uint64_t refused_streams; /* data queries answered 503 at a stream cap */
} srv_usage_t;

typedef struct srv_ctx {
    srv_conf_t conf;
    store_t *reg;
    sdmx_cache_t *cache; /* compiled structures, kept until structures change */
    uint64_t requests;   /* served so far, for message ids */
    srv_usage_t use;
} srv_ctx_t;

/* What the client asked for and what we can give. */
typedef enum srv_format {
    SRV_FMT_NONE = 0,
    SRV_FMT_STRUCTURE_XML,
    SRV_FMT_STRUCTURE_JSON
} srv_format;

/* Chooses a structure representation from format= (wins when present) or Accept.
 * CORE_ENOTACCEPT when nothing acceptable can be produced. */
core_rc srv_negotiate_structure(core_str_t format_param, core_str_t accept, srv_format *out,
                                core_err_t *err);
/* Chooses a data representation from format= or Accept; CORE_ENOTACCEPT otherwise. */
core_rc srv_negotiate_data(core_str_t format_param, core_str_t accept, sdmx_data_format *out,
                           core_err_t *err);
/* The same, with the SDMX-CSV parameters labels=both and timeFormat=normalized. */
core_rc srv_negotiate_data_csv(core_str_t format_param, core_str_t accept, sdmx_data_format *out,
                               int *labels, int *normalized, core_err_t *err);
/* Whether the client would rather read JSON than XML (for error bodies). */
int srv_prefers_json(core_str_t format_param, core_str_t accept);
const char *srv_format_media_type(srv_format f);

/* HTTP status, SDMX error code and title for rc (server/status.c, the one table). */
int srv_status_http(core_rc rc);
int srv_status_sdmx(core_rc rc);
const char *srv_status_title(core_rc rc);
/* The SDMX code and title of an answer with HTTP status http (405 and 415 have no core_rc);
 * of the first error code that maps to it otherwise. */
int srv_status_sdmx_of_http(int http);
const char *srv_status_title_of_http(int http);
/* The reason phrase of an HTTP status. */
const char *srv_status_reason(int http);

/* Loads files into the store at conf->db; prints a report per file on stderr; returns the
 * process exit code. */
int srv_load_files(const srv_conf_t *conf, char **files, int nfiles);
/* Maps a whole file read-only (bounded by max bytes) until a is freed. */
core_rc srv_read_file(core_arena_t *a, const char *path, size_t max, core_str_t *out,
                      core_err_t *err);
/* The pages of a message mapped in memory (a file, or the writer's copy of a body) that its
 * reader is done with, dropped in 8 MB steps: as sdmx_load_opts_t.consumed, with arg a
 * srv_read_pages_t. A mapped file's page read again is mapped again. */
typedef struct srv_read_pages {
    const char *base;
    size_t len, dropped;
} srv_read_pages_t;
void srv_drop_read_pages(void *arg, size_t offset);
/* server/resolve.c. Checks a --resolve-from URL (http:// only). */
core_rc srv_resolve_check_url(const char *url, core_err_t *err);
/* Fetches from ctx->conf.resolve_from what *arts reference and neither hold nor find in the
 * store (references=children, rounds capped), appending what was missing to *arts; an
 * unreachable, slow, oversized or malformed answer fails the whole message. */
core_rc srv_resolve_missing(srv_ctx_t *ctx, core_arena_t *a, dsd_artefact_t **arts, size_t *n,
                            dsd_report_t *report, core_err_t *err);
/* Appends an external stub for each reference still missing, with a note for each. */
core_rc srv_stub_missing(srv_ctx_t *ctx, core_arena_t *a, dsd_artefact_t **arts, size_t *n,
                         dsd_report_t *report, core_err_t *err);
/* Stores the structures of one message; fills a report and statuses. When agency is given
 * (an agency token wrote them), every artefact must be maintained by it, and so must every
 * dataflow its agreements are for and everything its constraints are attached to
 * (CORE_EFORBIDDEN, nothing stored); without (the operator), such rules are stored with a
 * warning in report, and count for nothing (reg_rules_check). */
core_rc srv_store_structures(srv_ctx_t *ctx, core_arena_t *a, core_str_t body, const char *name,
                             core_str_t agency, dsd_artefact_t **arts, size_t *n,
                             store_put_status **status, dsd_report_t *report, core_err_t *err);

/* ---- who may write ---------------------------------------------------------------------- */

/* A token's holder: a data provider (scheme and id) or an agency. Strings borrow. */
typedef struct srv_principal {
    int is_provider;
    dsd_ref_t scheme;    /* the data provider scheme */
    core_str_t provider; /* the provider's id */
    core_str_t agency;   /* the agency (of the scheme, for providers) */
} srv_principal_t;

/* Parses "provider AGENCY:SCHEME(VERSION).ID" or "agency ID". */
core_rc srv_principal_parse(core_str_t s, srv_principal_t *out, core_err_t *err);
void srv_token_hash(core_str_t token, unsigned char out[STORE_TOKEN_HASH]);
/* The principal of an "Authorization: Bearer TOKEN" header; CORE_EAUTH when missing or
 * unknown. The principal borrows from v. */
core_rc srv_authenticate(store_view_t *v, core_str_t authorization, core_str_t *principal,
                         core_err_t *err);
/* sdmxd token add|revoke; returns the exit code. */
int srv_token_cli(int argc, char **argv);
/* sdmxd upgrade --db DIR (server/upgrade.c); returns the exit code. */
int srv_upgrade_cli(int argc, char **argv);
/* sdmxd prune-history --db DIR --before INSTANT (server/upgrade.c); returns the exit code. */
int srv_prune_history_cli(int argc, char **argv);

/* Serves HTTP/1.1 until SIGTERM or SIGINT (logged; then 0) or a failure of the event loop
 * (logged; then 1); returns the exit code. */
int srv_http_run(srv_ctx_t *ctx);

#endif
