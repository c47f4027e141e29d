/* Fuzzes the server's reading of a request target (server/target.c), then the REST grammar on
 * what it hands over, as route() does. The input is the target as the request line has it
 * ("/rest/data/DF?startPeriod=2020"). Invariants: the split's slices lie inside the input, in
 * order, and give it back ("/rest" path "?" query); the resource is the path's first segment;
 * a target outside /rest yields nothing but its query; the grammar gives a result or an error
 * with a message. */
#include <config.h>
#include "sdmx/sdmx.h"
#include "server/target.h"

#include <assert.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
inside(core_str_t in, core_str_t s)
{
    return s.ptr == NULL || (s.ptr >= in.ptr && s.ptr + s.len <= in.ptr + in.len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    core_str_t in = {(const char *)data, size};
    srv_target_t t;
    srv_target_split(in, &t);
    assert(inside(in, t.path) && inside(in, t.query) && inside(in, t.resource));
    const char *q = memchr(data, '?', size);
    assert((q == NULL) == (t.query.ptr == NULL));
    size_t plen = q ? (size_t)(q - in.ptr) : size;
    if (q != NULL)
        assert(t.query.ptr == q + 1 && t.query.len == size - plen - 1);
    if (!t.rest) {
        assert(t.path.len == 0 && t.resource.len == 0);
        assert(!(plen >= 6 && memcmp(data, "/rest/", 6) == 0) &&
               !(plen == 5 && memcmp(data, "/rest", 5) == 0));
        return 0;
    }
    assert(plen >= 5 && memcmp(data, "/rest", 5) == 0);
    assert(t.path.ptr == in.ptr + 5 && t.path.len == plen - 5);
    assert(t.path.len == 0 || t.path.ptr[0] == '/');
    assert(t.resource.len <= (t.path.len ? t.path.len - 1 : 0));
    assert(memchr(t.resource.ptr ? t.resource.ptr : "", '/', t.resource.len) == NULL);
    if (t.resource.len > 0)
        assert(t.resource.ptr == t.path.ptr + 1 &&
               (t.resource.len + 1 == t.path.len || t.path.ptr[t.resource.len + 1] == '/'));
    core_arena_t *a = core_arena_new();
    sdmx_query_t sq;
    core_err_t err = {0};
    core_rc rc = sdmx_query_parse(a, t.path, t.query, &sq, &err);
    if (rc != CORE_OK)
        assert(err.code == rc && err.msg[0] != '\0');
    core_arena_free(a);
    return 0;
}
