#include <config.h>
#include "dsd.h"

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
