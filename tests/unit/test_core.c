#include <config.h>
#include "core/core.h"
#include "tap.h"

static void
test_str(void)
{
    core_str_t head, rest = core_str_split(CORE_STR("a+b+c"), '+', &head);
    ok(core_str_eq_c(head, "a") && core_str_eq_c(rest, "b+c"), "split takes the first part");
    rest = core_str_split(CORE_STR("abc"), '+', &head);
    ok(rest.ptr == NULL && core_str_eq_c(head, "abc"), "split without separator");
    ok(core_str_eq_c(core_str_trim(CORE_STR("  x \n")), "x"), "trim");
    ok(core_str_cmp(CORE_STR("ab"), CORE_STR("abc")) < 0, "shorter prefix sorts first");
    uint64_t v = 0;
    core_err_t err = {0};
    ok(core_parse_u64(CORE_STR("18446744073709551615"), &v, &err) == CORE_OK &&
           v == UINT64_MAX, "largest u64 parses");
    core_err_clear(&err);
    ok(core_parse_u64(CORE_STR("18446744073709551616"), &v, &err) == CORE_ESYNTAX,
       "overflow is a syntax error");
    ok(strstr(err.msg, "too large") != NULL, "overflow message says so");
    core_err_clear(&err);
    ok(core_parse_u64(CORE_STR("12a"), &v, &err) == CORE_ESYNTAX, "letters refused");
    ok(core_parse_u64(CORE_STR(""), &v, NULL) == CORE_ESYNTAX, "empty refused");
    core_arena_t *a = core_arena_new();
    ok(core_str_eq_c(core_str_urldecode(a, CORE_STR("IAEG%2DSDGs%20x+y"), 1), "IAEG-SDGs x y"),
       "url decoding with + as space");
    ok(core_str_eq_c(core_str_urldecode(a, CORE_STR("a+b%2"), 0), "a+b%2"),
       "+ kept in paths, broken escape kept");
    core_arena_free(a);
}

static int deferred_runs;

static void
count_run(void *arg)
{
    (void)arg;
    deferred_runs++;
}

static void
test_arena(void)
{
    core_arena_t *a = core_arena_new();
    char *small = core_arena_alloc(a, 10);
    char *big = core_arena_alloc(a, 100000);
    memset(big, 1, 100000);
    char *after = core_arena_alloc(a, 10);
    ok(small && big && after && ((uintptr_t)after % 16) == 0, "allocations are aligned");
    ok(core_arena_used(a) >= 100000, "big blocks are counted");
    is_str(core_arena_printf(a, "%s-%d", "x", 42), "x-42", "printf into the arena");
    core_arena_defer(a, count_run, NULL);
    core_arena_defer(a, count_run, NULL);
    core_arena_free(a);
    ok(deferred_runs == 2, "deferred cleanups run at free");
    core_vec_t v = {0};
    a = core_arena_new();
    for (int i = 0; i < 100; i++)
        core_vec_push(a, &v, (void *)(intptr_t)i);
    ok(v.len == 100 && (intptr_t)v.items[99] == 99, "vectors grow");
    core_arena_free(a);
}

static void
test_buf(void)
{
    core_buf_t b;
    core_buf_init(&b);
    core_buf_add_xml(&b, "a<b & \"c\" 'd'", 14);
    is_str(core_buf_cstr(&b), "a&lt;b &amp; &quot;c&quot; 'd'", "xml escaping");
    core_buf_reset(&b);
    for (int i = 0; i < 1000; i++)
        core_buf_printf(&b, "%d,", i);
    ok(b.len == 3890, "printf appends and grows (%zu)", b.len);
    core_buf_dispose(&b);
}

static void
test_time(void)
{
    int64_t t;
    core_err_t err = {0};
    ok(core_time_parse(CORE_STR("Sun, 06 Nov 1994 08:49:37 GMT"), &t, &err) == CORE_OK &&
           t == 784111777, "HTTP date");
    ok(core_time_parse(CORE_STR("1994-11-06T08:49:37Z"), &t, NULL) == CORE_OK && t == 784111777,
       "ISO 8601 with Z");
    ok(core_time_parse(CORE_STR("1994-11-06T09:49:37+01:00"), &t, NULL) == CORE_OK &&
           t == 784111777, "ISO 8601 with offset");
    ok(core_time_parse(CORE_STR("1994-11-06T08:49:37.250"), &t, NULL) == CORE_OK &&
           t == 784111777, "ISO 8601 with fraction, no zone (UTC)");
    ok(core_time_parse(CORE_STR("1994-11-06"), &t, NULL) == CORE_OK && t == 784080000,
       "a date alone");
    ok(core_time_parse(CORE_STR("1994-13-06"), &t, NULL) == CORE_ESYNTAX, "month 13 refused");
    ok(core_time_parse(CORE_STR("yesterday"), &t, NULL) == CORE_ESYNTAX, "words refused");
    char buf[40];
    core_time_http(784111777, buf);
    is_str(buf, "Sun, 06 Nov 1994 08:49:37 GMT", "HTTP date out");
    core_time_iso(784111777, buf);
    is_str(buf, "1994-11-06T08:49:37Z", "ISO out");
}

int
main(void)
{
    test_str();
    test_arena();
    test_buf();
    test_time();
    return tap_done();
}
