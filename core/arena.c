#include <config.h>
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 16384
#define ARENA_ALIGN 16

struct block {
    struct block *next;
    size_t size;
    size_t used;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

struct deferred {
    struct deferred *next;
    void (*fn)(void *);
    void *arg;
};

struct core_arena {
    struct block *head;
    struct deferred *cleanups;
    size_t total;
};

static void *
xmalloc(size_t n)
{
    void *p = malloc(n);
    if (p == NULL) {
        fprintf(stderr, "sdmxd: out of memory (%zu bytes)\n", n);
        abort();
    }
    return p;
}

core_arena_t *
core_arena_new(void)
{
    core_arena_t *a = xmalloc(sizeof *a);
    a->head = NULL;
    a->cleanups = NULL;
    a->total = 0;
    return a;
}

void
core_arena_free(core_arena_t *a)
{
    if (a == NULL)
        return;
    while (a->cleanups != NULL) {
        struct deferred *d = a->cleanups;
        a->cleanups = d->next;
        d->fn(d->arg);
    }
    while (a->head != NULL) {
        struct block *b = a->head;
        a->head = b->next;
        free(b);
    }
    free(a);
}

void *
core_arena_alloc(core_arena_t *a, size_t size)
{
    size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (size == 0)
        size = ARENA_ALIGN;
    struct block *b = a->head;
    if (b == NULL || b->size - b->used < size) {
        size_t bsize = size > ARENA_BLOCK / 4 ? size : ARENA_BLOCK;
        struct block *nb = xmalloc(sizeof *nb + bsize);
        nb->size = bsize;
        nb->used = 0;
        /* A large allocation gets a block of its own behind the current one, so the
         * space left in the current block stays usable. */
        if (b != NULL && bsize != ARENA_BLOCK) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        a->total += bsize;
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += size;
    return p;
}

void *
core_arena_zalloc(core_arena_t *a, size_t size)
{
    void *p = core_arena_alloc(a, size);
    memset(p, 0, size);
    return p;
}

char *
core_arena_strndup(core_arena_t *a, const char *s, size_t len)
{
    char *p = core_arena_alloc(a, len + 1);
    if (len > 0)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

core_str_t
core_arena_str(core_arena_t *a, core_str_t s)
{
    return (core_str_t){core_arena_strndup(a, s.ptr, s.len), s.len};
}

char *
core_arena_printf(core_arena_t *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = core_arena_alloc(a, (size_t)(n < 0 ? 0 : n) + 1);
    vsnprintf(p, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void
core_arena_defer(core_arena_t *a, void (*fn)(void *), void *arg)
{
    struct deferred *d = core_arena_alloc(a, sizeof *d);
    d->fn = fn;
    d->arg = arg;
    d->next = a->cleanups;
    a->cleanups = d;
}

size_t
core_arena_used(const core_arena_t *a)
{
    return a->total;
}

void *
core_arena_grow(core_arena_t *a, void **items, size_t len, size_t *cap, size_t elem)
{
    if (len < *cap)
        return *items;
    size_t ncap = *cap ? *cap * 2 : 8;
    void *n = core_arena_alloc(a, ncap * elem);
    if (len)
        memcpy(n, *items, len * elem);
    *items = n;
    *cap = ncap;
    return n;
}

void
core_vec_push(core_arena_t *a, core_vec_t *v, void *item)
{
    core_arena_grow(a, (void **)&v->items, v->len, &v->cap, sizeof *v->items);
    v->items[v->len++] = item;
}
