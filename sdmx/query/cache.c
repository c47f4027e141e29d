#include <config.h>
#include "sdmx/sdmx_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* What is compiled from stored structures (a DSD, a codelist's codes, the constraints of a
 * dataflow) is kept until a structure changes (store_view_structures), or until the entries
 * exceed the cache's bound in bytes: the list is kept in order of use, the most recent first,
 * and the last ones are dropped (SDMX_CACHE_MAX_DEFAULT). Each entry has an arena
 * of its own; a request that uses an entry holds a reference until its own arena is freed,
 * so a streamed answer keeps what it uses even when newer structures replace it. The event
 * loops (serve --threads) share one cache: a lock covers the list and the counts, held while
 * an entry is built (a build may look up another entry, hence recursive), so that two loops
 * never build the same entry; building is rare next to using. */

typedef struct entry {
    struct entry *next;
    char *key;           /* kind and identity */
    uint64_t structures; /* the structure version it was built from */
    core_arena_t *a;
    void *value;
    size_t n;
    size_t bytes; /* of its arena, once built */
    int refs;     /* requests using it */
    int stale;    /* replaced: freed when no request uses it */
} entry_t;

struct sdmx_cache {
    pthread_mutex_t lock;
    entry_t *head;         /* most recently used first */
    size_t max_bytes;      /* the bound */
    size_t entries, bytes; /* of the entries not stale */
};

sdmx_cache_t *
sdmx_cache_new(void)
{
    sdmx_cache_t *c = calloc(1, sizeof *c);
    if (c == NULL)
        abort();
    pthread_mutexattr_t at;
    pthread_mutexattr_init(&at);
    pthread_mutexattr_settype(&at, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&c->lock, &at);
    pthread_mutexattr_destroy(&at);
    c->max_bytes = SDMX_CACHE_MAX_DEFAULT;
    return c;
}

void
sdmx_cache_limit(sdmx_cache_t *c, size_t max_bytes)
{
    pthread_mutex_lock(&c->lock);
    c->max_bytes = max_bytes;
    pthread_mutex_unlock(&c->lock);
}

void
sdmx_cache_stats(sdmx_cache_t *c, size_t *entries, size_t *bytes)
{
    pthread_mutex_lock(&c->lock);
    *entries = c->entries;
    *bytes = c->bytes;
    pthread_mutex_unlock(&c->lock);
}

static void
entry_free(entry_t *e)
{
    core_arena_free(e->a);
    free(e->key);
    free(e);
}

void
sdmx_cache_free(sdmx_cache_t *c)
{
    if (c == NULL)
        return;
    while (c->head != NULL) {
        entry_t *e = c->head;
        c->head = e->next;
        entry_free(e); /* the server stops: no request holds an entry any more */
    }
    pthread_mutex_destroy(&c->lock);
    free(c);
}

struct hold {
    sdmx_cache_t *c;
    entry_t *e;
};

static void
sweep(sdmx_cache_t *c)
{
    for (entry_t **p = &c->head; *p != NULL;) {
        entry_t *e = *p;
        if (e->stale && e->refs == 0) {
            *p = e->next;
            entry_free(e);
        } else {
            p = &e->next;
        }
    }
}

/* No longer found; freed by sweep() once no request uses it. */
static void
retire(sdmx_cache_t *c, entry_t *e)
{
    if (e->stale)
        return;
    e->stale = 1;
    c->entries--;
    c->bytes -= e->bytes;
}

/* Retires the entries used least recently, but keep, until the rest fit the bound. */
static void
evict(sdmx_cache_t *c, const entry_t *keep)
{
    while (c->bytes > c->max_bytes) {
        entry_t *lru = NULL;
        for (entry_t *e = c->head; e != NULL; e = e->next)
            if (!e->stale && e != keep)
                lru = e;
        if (lru == NULL)
            return;
        retire(c, lru);
    }
}

static void
release(void *arg)
{
    struct hold *h = arg;
    pthread_mutex_lock(&h->c->lock);
    h->e->refs--;
    if (h->e->stale && h->e->refs == 0)
        sweep(h->c);
    pthread_mutex_unlock(&h->c->lock);
}

core_rc
sdmx__cache_get(sdmx_cache_t *c, store_view_t *v, core_arena_t *a, const char *key,
                sdmx__build_fn build, const void *arg, void **value, size_t *n, core_err_t *err)
{
    if (c == NULL) /* no cache (command line): build for this request alone */
        return build(v, a, arg, value, n, err);
    uint64_t version = store_view_structures(v);
    entry_t *found = NULL, **found_at = NULL;
    pthread_mutex_lock(&c->lock);
    for (entry_t **p = &c->head; *p != NULL; p = &(*p)->next) {
        entry_t *e = *p;
        if (e->stale || strcmp(e->key, key) != 0)
            continue;
        if (e->structures == version) {
            found = e;
            found_at = p;
        } else {
            retire(c, e); /* built from older structures */
        }
    }
    if (found != NULL && found_at != &c->head) { /* the most recently used comes first */
        *found_at = found->next;
        found->next = c->head;
        c->head = found;
    }
    if (found == NULL) {
        entry_t *e = calloc(1, sizeof *e);
        if (e == NULL)
            abort();
        e->key = strdup(key);
        e->a = core_arena_new();
        e->structures = version;
        core_rc rc = build(v, e->a, arg, &e->value, &e->n, err);
        if (rc != CORE_OK || e->key == NULL) {
            entry_free(e);
            pthread_mutex_unlock(&c->lock);
            return rc != CORE_OK ? rc : core_fail(err, CORE_EIO, "out of memory");
        }
        e->bytes = core_arena_used(e->a);
        e->next = c->head;
        c->head = e;
        c->entries++;
        c->bytes += e->bytes;
        found = e;
        evict(c, found);
    }
    found->refs++;
    struct hold *h = core_arena_alloc(a, sizeof *h);
    h->c = c;
    h->e = found;
    core_arena_defer(a, release, h);
    sweep(c);
    *value = found->value;
    *n = found->n;
    pthread_mutex_unlock(&c->lock);
    return CORE_OK;
}
