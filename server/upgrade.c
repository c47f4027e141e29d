#include <config.h>
#include "srv.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

/* sdmxd upgrade: carries a store written by an earlier release (layout 4: without the table
 * of the history of observations; layout 3: artefacts kept as their SDMX-ML 2.1 text only)
 * over to this one (each artefact with its information model, a history table), in place. The registry walks the store; the SDMX-ML reader here builds the models, since the
 * registry reads no XML. */

static const char usage_upgrade[] =
    "usage: sdmxd upgrade --db DIR\n"
    "\n"
    "Carries the store at DIR, written by an earlier sdmxd, over to the layout this sdmxd\n"
    "reads, in place and all at once: every stored artefact is read again from its SDMX-ML\n"
    "and stored with its information model. Data, tokens, data providers, submissions and\n"
    "the change log stay as they are; the history of observations (includeHistory) starts\n"
    "empty. Stop the server that serves DIR first. A store in the\n"
    "current layout is re-encoded, which changes nothing it answers.\n";

static core_rc
build_model(void *ctx, core_arena_t *a, const dsd_ref_t *ref, core_str_t xml, dsd_model_t **out,
            core_err_t *err)
{
    (void)ctx;
    return sdmx_artefact_model(a, ref, xml, out, err);
}

int
srv_upgrade_cli(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        /* tests only: write the previous layout, to have a store of the previous release */
        {"to-previous", no_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL;
    int to_previous = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'P': to_previous = 1; break;
        case 'h': fputs(usage_upgrade, stdout); return 0;
        default: fputs(usage_upgrade, stderr); return 2;
        }
    }
    if (db == NULL || optind < argc) {
        fputs(usage_upgrade, stderr);
        return 2;
    }
    sdmx_init();
    core_err_t err = {0};
    size_t n;
    if (store_upgrade(db, to_previous, build_model, NULL, &n, &err) != CORE_OK) {
        fprintf(stderr, "sdmxd: upgrade of %s failed, nothing was changed: %s\n", db, err.msg);
        return 1;
    }
    printf("sdmxd: %s: %zu artefact(s) stored in the %s layout\n", db, n,
           to_previous ? "previous" : "current");
    return 0;
}

static const char usage_prune[] =
    "usage: sdmxd prune-history --db DIR --before INSTANT\n"
    "\n"
    "Bounds the history of observations (includeHistory): drops from the store at DIR the\n"
    "values that commits made before INSTANT (an ISO 8601 date-time or an HTTP date)\n"
    "replaced or deleted, in one transaction. The data stored now stays as it is; the\n"
    "versions older than INSTANT are then no longer all answered. The store may be served\n"
    "meanwhile.\n";

int
srv_prune_history_cli(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"before", required_argument, NULL, 'b'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *before = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:b:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'b': before = optarg; break;
        case 'h': fputs(usage_prune, stdout); return 0;
        default: fputs(usage_prune, stderr); return 2;
        }
    }
    if (db == NULL || before == NULL || optind < argc) {
        fputs(usage_prune, stderr);
        return 2;
    }
    core_err_t err = {0};
    int64_t t;
    if (core_time_parse(core_str_c(before), &t, &err) != CORE_OK) {
        fprintf(stderr, "sdmxd: --before takes an ISO 8601 date-time or an HTTP date: %s\n",
                err.msg);
        return 2;
    }
    store_t *r;
    uint64_t n = 0;
    if (store_open(db, 0, &r, &err) != CORE_OK) {
        fprintf(stderr, "sdmxd: %s\n", err.msg);
        return 1;
    }
    core_rc rc = store_history_prune(r, t * 1000000, &n, &err);
    store_close(r);
    if (rc != CORE_OK) {
        fprintf(stderr, "sdmxd: pruning the history of %s failed, nothing was changed: %s\n", db,
                err.msg);
        return 1;
    }
    printf("sdmxd: %s: %llu value(s) dropped from the history\n", db, (unsigned long long)n);
    return 0;
}
