#include <config.h>
#include "dsd.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uregex.h>

static int
is_one_of(const char *t, const char *const *list)
{
    for (; *list != NULL; list++)
        if (strcmp(t, *list) == 0)
            return 1;
    return 0;
}

static size_t
utf8_chars(core_str_t v)
{
    size_t n = 0;
    for (size_t i = 0; i < v.len; i++)
        n += ((unsigned char)v.ptr[i] & 0xC0) != 0x80;
    return n;
}

/* A decimal number: digits, an optional sign, point and (unless integral) exponent. */
static int
number(core_str_t v, int integral, double *out, int *decimals)
{
    char buf[64];
    if (v.len == 0 || v.len >= sizeof buf)
        return 0;
    memcpy(buf, v.ptr, v.len);
    buf[v.len] = '\0';
    const char *dot = strchr(buf, '.');
    *decimals = 0;
    if (dot != NULL)
        for (const char *p = dot + 1; *p >= '0' && *p <= '9'; p++)
            (*decimals)++;
    if (strpbrk(buf, "xXiInN ") != NULL || (integral && strpbrk(buf, ".eE") != NULL))
        return 0;
    char *end;
    *out = strtod(buf, &end);
    return *end == '\0' && isfinite(*out);
}

static void
close_regex(void *re)
{
    uregex_close(re);
}

core_rc
dsd_text_format_compile(core_arena_t *a, dsd_text_format_t *f, core_err_t *err)
{
    if (f->pattern == NULL || f->regex != NULL)
        return CORE_OK;
    UErrorCode st = U_ZERO_ERROR;
    UParseError where;
    URegularExpression *re = uregex_openC(f->pattern, 0, &where, &st);
    if (U_FAILURE(st)) {
        if (re != NULL)
            uregex_close(re);
        return core_fail(err, CORE_ESEMANTIC,
                         "the pattern '%s' is not a regular expression (%s at character %d)",
                         f->pattern, u_errorName(st), (int)where.offset + 1);
    }
    core_arena_defer(a, close_regex, re);
    f->regex = re;
    return CORE_OK;
}

/* The compiled pattern keeps the value being matched: each check matches with its own clone
 * (cheap: the pattern is shared), so that threads can check values of one DSD at once. */
static int
pattern_matches(const dsd_text_format_t *f, core_str_t v)
{
    if (f->regex == NULL)
        return 0; /* never compiled: no value can be said to match */
    UErrorCode st = U_ZERO_ERROR;
    URegularExpression *re = uregex_clone(f->regex, &st);
    if (U_FAILURE(st))
        return 0;
    UText *ut = utext_openUTF8(NULL, v.ptr, (int64_t)v.len, &st);
    uregex_setUText(re, ut, &st);
    int ok = U_SUCCESS(st) && uregex_matches(re, 0, &st) && U_SUCCESS(st);
    utext_close(ut);
    uregex_close(re);
    return ok;
}

/* How many bytes of v to show in a message: at most max, cut at a character's start. */
static int
shown(core_str_t v, size_t max)
{
    size_t n = v.len;
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)v.ptr[n] & 0xC0) == 0x80)
            n--;
    }
    return (int)n;
}

static int
type_check(const char *type, core_str_t v, double *num, int *decimals, char *why, size_t n)
{
    static const char *const integral[] = {"Integer", "Long", "Short", "BigInteger", "Count",
                                           "PositiveInteger", "NegativeInteger",
                                           "NonNegativeInteger", "NonPositiveInteger", NULL};
    static const char *const decimal[] = {"Decimal", "Float", "Double", "Incremental",
                                          "InclusiveValueRange", "ExclusiveValueRange", NULL};
    static const char *const periods[] = {"ObservationalTimePeriod", "StandardTimePeriod",
                                          "BasicTimePeriod", "GregorianTimePeriod",
                                          "GregorianYear", "GregorianYearMonth", "GregorianDay",
                                          "ReportingTimePeriod", "TimeRange", "DateTime",
                                          "Year", "YearMonth", "Date", NULL};
    if (is_one_of(type, integral) || is_one_of(type, decimal)) {
        if (number(v, is_one_of(type, integral), num, decimals))
            return 1;
        snprintf(why, n, "'%.*s' is not %s %s", CORE_STR_FMT(v),
                 is_one_of(type, integral) ? "a whole number, as" : "a number, as", type);
        return 0;
    }
    if (strcmp(type, "Boolean") == 0) {
        if (core_str_eq_c(v, "true") || core_str_eq_c(v, "false") || core_str_eq_c(v, "1") ||
            core_str_eq_c(v, "0"))
            return 1;
        snprintf(why, n, "'%.*s' is not true or false", CORE_STR_FMT(v));
        return 0;
    }
    if (is_one_of(type, periods)) {
        dsd_period_t p;
        int64_t t;
        if (dsd_period_parse(v, &p, NULL) == CORE_OK || core_time_parse(v, &t, NULL) == CORE_OK)
            return 1;
        snprintf(why, n, "'%.*s' is not a date or period, as %s asks", CORE_STR_FMT(v), type);
        return 0;
    }
    if (strcmp(type, "Numeric") == 0) {
        for (size_t i = 0; i < v.len; i++)
            if (v.ptr[i] < '0' || v.ptr[i] > '9') {
                snprintf(why, n, "'%.*s' has characters other than digits", CORE_STR_FMT(v));
                return 0;
            }
    }
    return 1; /* String, Alpha, URI, XHTML...: any text */
}

int
dsd_text_check(const dsd_text_format_t *f, core_str_t v, char *why, size_t n)
{
    double num = 0;
    int decimals = 0, numeric = 0;
    if (f->type != NULL) {
        if (!type_check(f->type, v, &num, &decimals, why, n))
            return 0;
        numeric = number(v, 0, &num, &decimals);
    }
    size_t chars = utf8_chars(v);
    if (f->max_length >= 0 && chars > (size_t)f->max_length) {
        snprintf(why, n, "'%.*s...' has %zu characters, more than the %ld allowed",
                 shown(v, 40), v.ptr, chars, f->max_length);
        return 0;
    }
    if (f->min_length >= 0 && chars < (size_t)f->min_length) {
        snprintf(why, n, "'%.*s' has %zu characters, fewer than the %ld asked", CORE_STR_FMT(v),
                 chars, f->min_length);
        return 0;
    }
    if (numeric && f->has_min && num < f->min_value) {
        snprintf(why, n, "%.*s is below the minimum %g", CORE_STR_FMT(v), f->min_value);
        return 0;
    }
    if (numeric && f->has_max && num > f->max_value) {
        snprintf(why, n, "%.*s is above the maximum %g", CORE_STR_FMT(v), f->max_value);
        return 0;
    }
    if (numeric && f->decimals >= 0 && decimals > f->decimals) {
        snprintf(why, n, "%.*s has %d decimals, more than the %d allowed", CORE_STR_FMT(v),
                 decimals, f->decimals);
        return 0;
    }
    if (f->pattern != NULL && !pattern_matches(f, v)) {
        snprintf(why, n, "'%.*s' does not match the pattern %s", CORE_STR_FMT(v), f->pattern);
        return 0;
    }
    return 1;
}
