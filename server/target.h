/* server/target: a request's target (its path with the query, as the request line gives it)
 * split the way the routes read it, with no h2o: what route() answers and what
 * srv__body_admit() lets in are decided from the same split. Pure; fuzzed by
 * tests/fuzz/fuzz_rest_target.c. */
#ifndef SDMXD_SRV_TARGET_H
#define SDMXD_SRV_TARGET_H

#include "core/core.h"

typedef struct srv_target {
    int rest;            /* the path is /rest or under /rest/: the SDMX REST API */
    core_str_t path;     /* the path after /rest ("/data/DF_SDG/all"; empty for /rest) */
    core_str_t query;    /* after the first '?' (ptr NULL without one) */
    core_str_t resource; /* the first segment of path ("data"), possibly empty */
} srv_target_t;

/* Splits target; every slice borrows from it. A path outside /rest has rest 0 and the
 * rest of out empty but its query. */
void srv_target_split(core_str_t target, srv_target_t *out);

#endif
