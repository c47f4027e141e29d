#include <config.h>
#include "dsd/model.h"

#include <stdlib.h>
#include <string.h>

int
dsd_m_ref_absent(const dsd_m_ref_t *r)
{
    return r->ref.kind == DSD_KIND_NONE;
}

const dsd_m_item_t *
dsd_model_item(const dsd_model_t *m, core_str_t id)
{
    for (size_t i = 0; i < m->scheme.nitems; i++)
        if (core_str_eq(m->scheme.items[i].c.id, id))
            return &m->scheme.items[i];
    return NULL;
}

core_str_t
dsd_m_text_pick(core_arena_t *a, const dsd_m_text_t *list, size_t n, const dsd_langpref_t *pref)
{
    if (n == 0)
        return CORE_STR_NULL;
    const char **langs = core_arena_alloc(a, n * sizeof *langs);
    for (size_t i = 0; i < n; i++)
        langs[i] = list[i].lang.ptr ? core_arena_strndup(a, list[i].lang.ptr, list[i].lang.len)
                                    : "en";
    int i = dsd_langpref_pick(pref, langs, n);
    return i >= 0 ? list[i].text : CORE_STR_NULL;
}

static int
cmp_name(const void *pa, const void *pb)
{
    return strcmp(((const dsd_name_t *)pa)->id, ((const dsd_name_t *)pb)->id);
}

void
dsd_names_sort(dsd_name_t *names, size_t n)
{
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_name);
}

const char *
dsd_name_of(const dsd_name_t *names, size_t n, core_str_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = core_str_cmp(core_str_c(names[mid].id), id);
        if (c == 0)
            return names[mid].name;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
