#include <config.h>
#include "dsd.h"

static int
is_digits(core_str_t s)
{
    if (s.len == 0)
        return 0;
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] < '0' || s.ptr[i] > '9')
            return 0;
    return 1;
}

static int
cmp_part(core_str_t a, core_str_t b)
{
    if (is_digits(a) && is_digits(b)) {
        while (a.len > 1 && a.ptr[0] == '0') {
            a.ptr++;
            a.len--;
        }
        while (b.len > 1 && b.ptr[0] == '0') {
            b.ptr++;
            b.len--;
        }
        if (a.len != b.len)
            return a.len < b.len ? -1 : 1;
    }
    return core_str_cmp(a, b);
}

int
dsd_version_cmp(core_str_t a, core_str_t b)
{
    while (a.ptr != NULL || b.ptr != NULL) {
        core_str_t pa = CORE_STR_NULL, pb = CORE_STR_NULL;
        if (a.ptr != NULL)
            a = core_str_split(a, '.', &pa);
        if (b.ptr != NULL)
            b = core_str_split(b, '.', &pb);
        int c = cmp_part(pa, pb);
        if (c != 0)
            return c;
    }
    return 0;
}
