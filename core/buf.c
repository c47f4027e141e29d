#include <config.h>
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
core_buf_init(core_buf_t *b)
{
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
}

void
core_buf_dispose(core_buf_t *b)
{
    free(b->ptr);
    core_buf_init(b);
}

void
core_buf_reset(core_buf_t *b)
{
    b->len = 0;
}

void
core_buf_reserve(core_buf_t *b, size_t extra)
{
    if (b->cap - b->len > extra)
        return;
    size_t ncap = b->cap ? b->cap : 256;
    while (ncap - b->len <= extra)
        ncap *= 2;
    char *n = realloc(b->ptr, ncap);
    if (n == NULL) {
        fprintf(stderr, "sdmxd: out of memory (%zu bytes)\n", ncap);
        abort();
    }
    b->ptr = n;
    b->cap = ncap;
}

void
core_buf_add(core_buf_t *b, const void *data, size_t len)
{
    core_buf_reserve(b, len);
    if (len)
        memcpy(b->ptr + b->len, data, len);
    b->len += len;
}

void
core_buf_adds(core_buf_t *b, const char *cstr)
{
    core_buf_add(b, cstr, strlen(cstr));
}

void
core_buf_addstr(core_buf_t *b, core_str_t s)
{
    core_buf_add(b, s.ptr, s.len);
}

void
core_buf_addc(core_buf_t *b, char c)
{
    core_buf_reserve(b, 1);
    b->ptr[b->len++] = c;
}

void
core_buf_vprintf(core_buf_t *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n > 0) {
        core_buf_reserve(b, (size_t)n + 1);
        vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

void
core_buf_printf(core_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    core_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void
core_buf_add_xml(core_buf_t *b, const char *s, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        const char *rep;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\r': rep = "&#13;"; break;
        default: continue;
        }
        core_buf_add(b, s + start, i - start);
        core_buf_adds(b, rep);
        start = i + 1;
    }
    core_buf_add(b, s + start, len - start);
}

const char *
core_buf_cstr(core_buf_t *b)
{
    core_buf_reserve(b, 1);
    b->ptr[b->len] = '\0';
    return b->ptr;
}

char *
core_buf_take(core_buf_t *b, size_t *len)
{
    core_buf_cstr(b);
    char *p = b->ptr;
    if (len)
        *len = b->len;
    core_buf_init(b);
    return p;
}
