/* The structure cache (sdmx/query/cache.c): bounded in bytes, least recently used dropped
 * first, an entry in use kept until its request ends (issue 10: it was an unbounded list). */
#include <config.h>
#include "sdmx/sdmx_int.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int builds;

/* A value of 10 KiB holding its key, so that a freed or mixed-up entry shows. */
static core_rc
build(store_view_t *v, core_arena_t *a, const void *arg, void **value, size_t *n, core_err_t *err)
{
    (void)v;
    (void)err;
    builds++;
    char *s = core_arena_zalloc(a, 10 * 1024);
    snprintf(s, 64, "%s", (const char *)arg);
    *value = s;
    *n = 1;
    return CORE_OK;
}

static const char *
get(sdmx_cache_t *c, store_view_t *v, core_arena_t *a, const char *key)
{
    void *value = NULL;
    size_t n;
    return sdmx__cache_get(c, v, a, key, build, key, &value, &n, NULL) == CORE_OK ? value : NULL;
}

int
main(void)
{
    char dir[] = "/tmp/sdmxd-test-cache-XXXXXX";
    if (mkdtemp(dir) == NULL)
        return 1;
    store_t *r;
    store_view_t *v;
    core_err_t err = {0};
    core_arena_t *va = core_arena_new();
    ok(store_open(dir, 0, &r, &err) == CORE_OK && store_view_begin(r, va, &v, &err) == CORE_OK,
       "a store and a view (%s)", err.msg);
    sdmx_cache_t *c = sdmx_cache_new();
    size_t entries, bytes;
    sdmx_cache_stats(c, &entries, &bytes);
    ok(entries == 0 && bytes == 0, "a new cache is empty");
    sdmx_cache_limit(c, 100 * 1024); /* 10 entries of 10 KiB */

    /* a request holds "k0" while 200 others are built */
    core_arena_t *held = core_arena_new();
    const char *k0 = get(c, v, held, "k0");
    char key[32];
    for (int i = 1; i <= 200; i++) {
        core_arena_t *a = core_arena_new();
        snprintf(key, sizeof key, "k%d", i);
        const char *got = get(c, v, a, key);
        if (got == NULL || strcmp(got, key) != 0)
            ok(0, "entry %s holds its own value", key);
        core_arena_free(a);
    }
    sdmx_cache_stats(c, &entries, &bytes);
    ok(builds == 201 && bytes <= 100 * 1024 && entries > 0 && entries <= 10,
       "201 built, %zu kept in %zu bytes: the bound holds", entries, bytes);
    ok(strcmp(k0, "k0") == 0, "an entry dropped while in use is still whole for its request");
    core_arena_free(held); /* (the sanitizers would see it freed twice, or never) */

    /* the most recent ones are kept; one used again moves to the front */
    core_arena_t *a = core_arena_new();
    builds = 0;
    ok(strcmp(get(c, v, a, "k200"), "k200") == 0 && builds == 0, "the last one is a hit");
    ok(strcmp(get(c, v, a, "k1"), "k1") == 0 && builds == 1, "an old one is built again");
    builds = 0;
    for (int i = 200; i > 200 - (int)entries + 2; i--) {
        snprintf(key, sizeof key, "k%d", i);
        get(c, v, a, key);
    }
    ok(builds == 0, "the entries used recently are all still there");
    ok(strcmp(get(c, v, a, "k1"), "k1") == 0 && builds == 0, "and so is the one used again");
    core_arena_free(a);

    sdmx_cache_limit(c, 1);
    a = core_arena_new();
    ok(strcmp(get(c, v, a, "big"), "big") == 0, "an entry larger than the bound is still served");
    sdmx_cache_stats(c, &entries, &bytes);
    ok(entries == 1, "and is the only one kept (%zu)", entries);
    core_arena_free(a);

    sdmx_cache_free(c);
    core_arena_free(va);
    store_close(r);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
    return tap_done();
}
