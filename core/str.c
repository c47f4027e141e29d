#include <config.h>
#include "core.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

core_str_t
core_str_c(const char *cstr)
{
    return (core_str_t){cstr, cstr ? strlen(cstr) : 0};
}

int
core_str_eq(core_str_t a, core_str_t b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

int
core_str_eq_c(core_str_t a, const char *cstr)
{
    return core_str_eq(a, core_str_c(cstr));
}

int
core_str_ieq_c(core_str_t a, const char *cstr)
{
    size_t n = strlen(cstr);
    return a.len == n && (n == 0 || strncasecmp(a.ptr, cstr, n) == 0);
}

int
core_str_cmp(core_str_t a, core_str_t b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    if (c != 0)
        return c;
    return a.len < b.len ? -1 : a.len > b.len;
}

int
core_str_starts(core_str_t s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

core_str_t
core_str_trim(core_str_t s)
{
    while (s.len && isspace((unsigned char)s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len && isspace((unsigned char)s.ptr[s.len - 1]))
        s.len--;
    return s;
}

core_str_t
core_str_split(core_str_t s, char sep, core_str_t *head)
{
    const char *p = s.len ? memchr(s.ptr, sep, s.len) : NULL;
    if (p == NULL) {
        *head = s;
        return CORE_STR_NULL;
    }
    head->ptr = s.ptr;
    head->len = (size_t)(p - s.ptr);
    return (core_str_t){p + 1, s.len - head->len - 1};
}

core_rc
core_parse_u64(core_str_t s, uint64_t *out, core_err_t *err)
{
    uint64_t v = 0;
    if (s.len == 0)
        return core_fail(err, CORE_ESYNTAX, "empty number");
    for (size_t i = 0; i < s.len; i++) {
        unsigned d = (unsigned char)s.ptr[i] - '0';
        if (d > 9)
            return core_fail(err, CORE_ESYNTAX, "'%.*s' is not a whole number", CORE_STR_FMT(s));
        if (v > (UINT64_MAX - d) / 10)
            return core_fail(err, CORE_ESYNTAX, "'%.*s' is too large", CORE_STR_FMT(s));
        v = v * 10 + d;
    }
    *out = v;
    return CORE_OK;
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

core_str_t
core_str_urldecode(core_arena_t *a, core_str_t s, int plus_is_space)
{
    char *out = core_arena_alloc(a, s.len + 1);
    size_t n = 0;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (c == '%' && i + 2 < s.len && hexval(s.ptr[i + 1]) >= 0 && hexval(s.ptr[i + 2]) >= 0) {
            out[n++] = (char)(hexval(s.ptr[i + 1]) * 16 + hexval(s.ptr[i + 2]));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out[n++] = ' ';
        } else {
            out[n++] = c;
        }
    }
    out[n] = '\0';
    return (core_str_t){out, n};
}
