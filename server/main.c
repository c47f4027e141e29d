#include <config.h>
#include "srv.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_main[] =
    "usage: sdmxd COMMAND [OPTIONS]\n"
    "\n"
    "An SDMX 2.1 data and metadata server.\n"
    "\n"
    "commands:\n"
    "  load   --db DIR [--dataflow AGENCY:ID(VERSION)] [--provider ...] FILE...\n"
    "                             load SDMX-ML 2.1 structure and data messages into DIR\n"
    "  validate --db DIR FILE...  check data messages as load would; store nothing\n"
    "  serve  --db DIR [--listen HOST:PORT] [--allow-writes]\n"
    "                             serve the SDMX 2.1 REST API under /rest/\n"
    "  token  add|revoke --db DIR ...\n"
    "                             write tokens for data providers and agencies\n"
    "  upgrade --db DIR           carry a store of an earlier sdmxd over, in place\n"
    "  prune-history --db DIR --before INSTANT\n"
    "                             drop the values replaced or deleted before INSTANT\n"
    "\n"
    "'sdmxd COMMAND --help' tells more about a command.\n";

#define RESOLVE_HELP                                                                      \
    "  --resolve-from URL  what a structure message references and neither holds nor the\n"   \
    "                      store has is fetched from the SDMX REST API at URL (http://\n"     \
    "                      only; GET URL/codelist/AGENCY/ID/VERSION?references=children,\n"  \
    "                      10 s and 64 MiB a fetch, 4 rounds, no redirects) and checked\n"   \
    "                      and stored with the message, or the message is refused whole\n"  \
    "  --lenient           what is still missing is stored as an external stub\n"           \
    "                      (isExternalReference), with a note at load and in every data\n"  \
    "                      validation that could not check codes against it\n"

static const char usage_load[] =
    "usage: sdmxd load --db DIR [--dataflow AGENCY:ID(VERSION)]\n"
    "                  [--provider AGENCY:SCHEME(VERSION).ID] [--resolve-from URL]\n"
    "                  [--lenient] [--keep-final] FILE...\n"
    "\n"
    "Loads SDMX-ML 2.1 messages into the store at DIR (created if absent): Structure\n"
    "messages, and data messages (StructureSpecific or Generic, time series or not); the\n"
    "kind is read from the content. Each file is stored in one transaction: a file with a\n"
    "dangling reference, a change to a final artefact, data that does not fit its DSD, or\n"
    "malformed XML is rejected whole, with a report on stderr, and the store is left as it\n"
    "was. Data that names a DSD goes to --dataflow, or to the DSD's only dataflow.\n"
    "With --provider, the series loaded are recorded as that data provider's (a provider\n"
    "of a stored data provider scheme), as an upload with its token would be; data queries\n"
    "select them with their providerRef.\n"
    RESOLVE_HELP
    "  --keep-final        a final artefact the store already has with other content (the\n"
    "                      same codelist, id and version, exported otherwise) keeps the\n"
    "                      stored content: the message's copy is not stored, and a note\n"
    "                      lists how it differs; without it the message is refused\n"
    "Exits 0 when every file was stored, 1 otherwise.\n";

static const char usage_validate[] =
    "usage: sdmxd validate --db DIR [--dataflow AGENCY:ID(VERSION)] FILE...\n"
    "\n"
    "Checks data messages against the structures in DIR exactly as load and uploads do, and\n"
    "reports every problem on stderr; stores nothing. Exits 0 when every file is valid.\n";

static const char usage_serve[] =
    "usage: sdmxd serve --db DIR [--listen HOST:PORT] [--allow-writes] [--max-body BYTES]\n"
    "                   [--max-spool BYTES] [--stall-timeout SECONDS] [--request-timeout S]\n"
    "                   [--max-streams N] [--max-client-streams N] [--http2]\n"
    "                   [--snapshot-hold MS] [--threads N] [--resolve-from URL]\n"
    "                   [--lenient]\n"
    "\n"
    "Serves the store at DIR over HTTP/1.1 (the SDMX 2.1 REST API under /rest/) until\n"
    "SIGTERM or SIGINT, which it logs before it exits with status 0.\n"
    "  --listen HOST:PORT  address to listen on (default " SRV_DEFAULT_LISTEN ")\n"
    "  --allow-writes      accept POST /rest/structure submissions without a token; only\n"
    "                      on a loopback address\n"
    "  --max-body BYTES    largest request body accepted (default 64 MiB)\n"
    "  --max-spool BYTES   request bodies held at once, all clients together; past it an\n"
    "                      upload is answered 503 before its body is read (default 4 times\n"
    "                      --max-body)\n"
    "  --stall-timeout S   a client that takes no byte of its answer for S seconds is\n"
    "                      disconnected (default 30)\n"
    "  --request-timeout S a request (its head and its body) must arrive within S seconds,\n"
    "                      and a kept-alive connection is closed after S idle (default 120:\n"
    "                      a 64 MiB upload at 4.5 Mbit/s)\n"
    "  --max-streams N     data answers being streamed at once (default 512)\n"
    "  --max-client-streams N\n"
    "                      the same, per client address (default 8); past either, a data\n"
    "                      query whose answer is larger than 64 KiB is answered 503\n"
    "  --http2             also serve HTTP/2 (prior knowledge and Upgrade: h2c). UNSAFE:\n"
    "                      h2o 2.2.5 does not bound stream resets (CVE-2023-44487), and the\n"
    "                      limits on bodies and connections above apply to HTTP/1.1 only\n"
    "  --snapshot-hold MS  how long a data answer whose client does not read keeps its\n"
    "                      snapshot of the store; then the answer goes on from a fresh\n"
    "                      one at its next series (default 1000; 0: after every chunk)\n"
    "  --threads N         event loops, one per thread, sharing the limits above (default\n"
    "                      " SRV_THREADS_DEFAULT_TEXT ")\n"
    RESOLVE_HELP
    "See docs/operations.md for the limits.\n";

/* Without --threads: one event loop per core (SRV_THREADS_CORES), or one. */
static unsigned
srv_threads_default(void)
{
    if (!SRV_THREADS_CORES)
        return 1;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > SRV_MAX_THREADS ? SRV_MAX_THREADS : (unsigned)n;
}

static const char *
opt_name(const struct option *opts, int c)
{
    for (; opts->name != NULL; opts++)
        if (opts->val == c)
            return opts->name;
    return "?";
}

static int
parse_common(int argc, char **argv, srv_conf_t *conf, const char *usage)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"listen", required_argument, NULL, 'l'},
        {"allow-writes", no_argument, NULL, 'w'},
        {"max-body", required_argument, NULL, 'm'},
        {"dataflow", required_argument, NULL, 'f'},
        {"provider", required_argument, NULL, 'p'},
        {"max-spool", required_argument, NULL, 'S'},
        {"stall-timeout", required_argument, NULL, 'T'},
        {"request-timeout", required_argument, NULL, 'R'},
        {"max-streams", required_argument, NULL, 'M'},
        {"max-client-streams", required_argument, NULL, 'C'},
        {"http2", no_argument, NULL, '2'},
        {"snapshot-hold", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 'N'},
        {"resolve-from", required_argument, NULL, 'r'},
        {"lenient", no_argument, NULL, 'L'},
        {"keep-final", no_argument, NULL, 'K'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:l:whm:f:p:s:S:T:R:M:C:N:2r:LK", opts, NULL)) != -1) {
        switch (c) {
        case 'f': conf->dataflow = optarg; break;
        case 'p': conf->provider = optarg; break;
        case 'd': conf->db = optarg; break;
        case 'l': conf->listen = optarg; break;
        case 'w': conf->allow_writes = 1; break;
        case 'm':
        case 'S':
        case 'T':
        case 'R':
        case 'M':
        case 'C': {
            uint64_t v;
            if (core_parse_u64(core_str_c(optarg), &v, NULL) != CORE_OK || v == 0 ||
                v > (c == 'T' || c == 'R' ? 86400 : SIZE_MAX / 2)) {
                fprintf(stderr, "sdmxd: --%s takes a positive number%s\n", opt_name(opts, c),
                        c == 'T' || c == 'R' ? " of seconds (at most a day)" : "");
                return 2;
            }
            if (c == 'm')
                conf->max_body = (size_t)v;
            else if (c == 'S')
                conf->max_spool = (size_t)v;
            else if (c == 'T')
                conf->stall_timeout = (unsigned)v;
            else if (c == 'R')
                conf->request_timeout = (unsigned)v;
            else if (c == 'M')
                conf->max_streams = (size_t)v;
            else
                conf->max_client_streams = (size_t)v;
            break;
        }
        case 's': {
            uint64_t v;
            if (core_parse_u64(core_str_c(optarg), &v, NULL) != CORE_OK || v > 3600000) {
                fprintf(stderr, "sdmxd: --snapshot-hold takes milliseconds (0 to 3600000)\n");
                return 2;
            }
            conf->snapshot_hold_ms = v;
            break;
        }
        case 'N': {
            uint64_t v;
            if (core_parse_u64(core_str_c(optarg), &v, NULL) != CORE_OK || v == 0 ||
                v > SRV_MAX_THREADS) {
                fprintf(stderr, "sdmxd: --threads takes a number of event loops (1 to %d)\n",
                        SRV_MAX_THREADS);
                return 2;
            }
            conf->threads = (unsigned)v;
            break;
        }
        case '2': conf->http2 = 1; break;
        case 'r': {
            core_err_t e = {0};
            if (srv_resolve_check_url(optarg, &e) != CORE_OK) {
                fprintf(stderr, "sdmxd: %s\n", e.msg);
                return 2;
            }
            conf->resolve_from = optarg;
            break;
        }
        case 'L': conf->lenient = 1; break;
        case 'K': conf->keep_final = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (conf->db == NULL) {
        fprintf(stderr, "sdmxd: --db DIR is required\n\n%s", usage);
        return 2;
    }
    if (conf->max_spool == 0)
        conf->max_spool = conf->max_body <= SIZE_MAX / SRV_SPOOL_BODIES
                              ? conf->max_body * SRV_SPOOL_BODIES
                              : conf->max_body;
    if (conf->max_spool < conf->max_body) {
        fprintf(stderr, "sdmxd: --max-spool (%zu) is below --max-body (%zu): no upload of the "
                        "largest size could be read\n",
                conf->max_spool, conf->max_body);
        return 2;
    }
    return -1;
}

int
main(int argc, char **argv)
{
    srv_conf_t conf = {.listen = SRV_DEFAULT_LISTEN,
                       .max_body = SRV_MAX_BODY,
                       .stall_timeout = SRV_STALL_TIMEOUT,
                       .request_timeout = SRV_REQUEST_TIMEOUT,
                       .max_streams = SRV_MAX_STREAMS,
                       .max_client_streams = SRV_MAX_CLIENT_STREAMS,
                       .snapshot_hold_ms = SRV_SNAPSHOT_HOLD_MS};
    /* a file size limit (ulimit -f) makes a write that passes it fail with EFBIG, reported
     * like a full disk, instead of killing the process */
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        fputs(usage_main, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "load") == 0) {
        int rc = parse_common(argc - 1, argv + 1, &conf, usage_load);
        if (rc >= 0)
            return rc;
        if (optind + 1 > argc - 1) {
            fprintf(stderr, "sdmxd: no file to load\n\n%s", usage_load);
            return 2;
        }
        return srv_load_files(&conf, argv + 1 + optind, argc - 1 - optind);
    }
    if (strcmp(cmd, "validate") == 0) {
        int rc = parse_common(argc - 1, argv + 1, &conf, usage_validate);
        if (rc >= 0)
            return rc;
        if (optind + 1 > argc - 1) {
            fprintf(stderr, "sdmxd: no file to validate\n\n%s", usage_validate);
            return 2;
        }
        conf.validate_only = 1;
        return srv_load_files(&conf, argv + 1 + optind, argc - 1 - optind);
    }
    if (strcmp(cmd, "token") == 0)
        return srv_token_cli(argc - 1, argv + 1);
    if (strcmp(cmd, "upgrade") == 0)
        return srv_upgrade_cli(argc - 1, argv + 1);
    if (strcmp(cmd, "prune-history") == 0)
        return srv_prune_history_cli(argc - 1, argv + 1);
    if (strcmp(cmd, "serve") == 0) {
        int rc = parse_common(argc - 1, argv + 1, &conf, usage_serve);
        if (rc >= 0)
            return rc;
        if (conf.keep_final) { /* a sender may not have the server drop what it sent */
            fprintf(stderr, "sdmxd: --keep-final is an option of load; submissions that would "
                            "change a final artefact are refused (409)\n");
            return 2;
        }
        if (conf.threads == 0)
            conf.threads = srv_threads_default();
        srv_ctx_t ctx = {.conf = conf};
        core_err_t err = {0};
        if (store_open(conf.db, 0, &ctx.reg, &err) != CORE_OK) {
            fprintf(stderr, "sdmxd: %s\n", err.msg);
            return 2;
        }
        sdmx_init();
        ctx.cache = sdmx_cache_new();
        rc = srv_http_run(&ctx);
        sdmx_cache_free(ctx.cache);
        store_close(ctx.reg);
        return rc;
    }
    fprintf(stderr, "sdmxd: unknown command '%s'\n\n%s", cmd, usage_main);
    return 2;
}
