/* Fuzzes the REST query grammar: path and query string, split at the first '?'.
 * Invariants: a result or an error with a message; lists never have empty members; a data
 * or availability query names a dataflow and an ordered period range; a structure query
 * names the kinds it covers; a schema query the structure it is for. */
#include <config.h>
#include "sdmx/sdmx.h"

#include <assert.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_list(const sdmx_strlist_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        assert(l->v[i].len > 0);
}

static void
check_data(const sdmx_data_query_t *d)
{
    assert(d->flow.len > 0 && d->start < d->end);
    assert(d->updated_after >= 0); /* 0: none; else after 1970, years and months included */
    for (size_t i = 0; i < d->nkey; i++)
        check_list(&d->key[i]);
    check_list(&d->providers);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    core_arena_t *a = core_arena_new();
    core_str_t in = {(const char *)data, size}, path;
    core_str_t query = core_str_split(in, '?', &path);
    sdmx_query_t q;
    core_err_t err = {0};
    core_rc rc = sdmx_query_parse(a, path, query, &q, &err);
    if (rc != CORE_OK) {
        assert(err.code == rc && err.msg[0] != '\0');
    } else if (q.type == SDMX_QUERY_DATA) {
        check_data(&q.data);
    } else if (q.type == SDMX_QUERY_AVAILABILITY) {
        /* (availableconstraint/4 is one: it was taken for a structure query here) */
        check_data(&q.availability.data);
        check_list(&q.availability.refs.agencies);
    } else if (q.type == SDMX_QUERY_SCHEMA) {
        /* a schema names the structure it is for, of a context that has a DSD */
        assert(q.schema.context == DSD_KIND_DATASTRUCTURE || q.schema.context == DSD_KIND_DATAFLOW ||
               q.schema.context == DSD_KIND_PROVISIONAGREEMENT);
        assert(q.schema.agency.len > 0 && q.schema.id.len > 0);
    } else {
        assert(q.type == SDMX_QUERY_STRUCTURE);
        assert(err.code == CORE_OK);
        assert(q.structure.kinds != 0);
        check_list(&q.structure.agencies);
        check_list(&q.structure.ids);
        check_list(&q.structure.versions);
        check_list(&q.structure.items);
        assert(!(q.structure.latest && q.structure.versions.n > 0));
        /* allowedconstraint, actualconstraint: content constraints only, of one type */
        assert(q.structure.constraint_type == NULL ||
               q.structure.kinds == (1u << DSD_KIND_CONTENTCONSTRAINT));
    }
    core_arena_free(a);
    return 0;
}
