#include <config.h>
#include "dsd.h"

#include <stdlib.h>
#include <string.h>

int
dsd_structure_dim(const dsd_structure_t *s, core_str_t id)
{
    for (size_t i = 0; i < s->ndims; i++)
        if (core_str_eq_c(id, s->dims[i].id))
            return (int)i;
    return -1;
}

const dsd_component_t *
dsd_structure_attr(const dsd_structure_t *s, core_str_t id)
{
    for (size_t i = 0; i < s->nattrs; i++)
        if (core_str_eq_c(id, s->attrs[i].id))
            return &s->attrs[i];
    return NULL;
}

static const core_str_t *
value_of(const dsd_kv_t *key, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (core_str_eq_c(key[i].id, id))
            return &key[i].value;
    return NULL;
}

/* v against c, as strcmp would order them */
static int
cmp_str_c(const void *key, const void *elem)
{
    const core_str_t *v = key;
    const char *c = *(const char *const *)elem;
    int d = strncmp(v->ptr, c, v->len);
    return d != 0 ? d : -(c[v->len] != '\0'); /* c longer: v comes first */
}

static int
region_matches(const dsd_region_t *r, const dsd_kv_t *key, size_t n)
{
    for (size_t i = 0; i < r->n; i++) {
        const core_str_t *v = value_of(key, n, r->ids[i]);
        if (v != NULL && bsearch(v, r->values[i], r->nvalues[i], sizeof *r->values[i],
                                 cmp_str_c) == NULL)
            return 0;
    }
    return 1;
}

int
dsd_constraint_allows(const dsd_constraint_t *c, const dsd_kv_t *key, size_t n)
{
    int has_include = 0, included = 0;
    for (size_t i = 0; i < c->nregions; i++) {
        const dsd_region_t *r = &c->regions[i];
        if (r->include) {
            has_include = 1;
            included = included || region_matches(r, key, n);
        } else if (region_matches(r, key, n)) {
            return 0;
        }
    }
    if (has_include && !included)
        return 0;
    for (size_t i = 0; i < c->nkeys; i++)
        if (region_matches(&c->keys[i], key, n))
            return 1;
    return c->nkeys == 0;
}
