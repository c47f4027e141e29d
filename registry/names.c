/* The names of a stored item scheme's items in a client's language, for labels. */
#include <config.h>
#include "reg.h"

core_rc
reg_item_names(store_view_t *v, core_arena_t *a, const dsd_ref_t *scheme,
                 const dsd_langpref_t *pref, dsd_name_t **out, size_t *n, core_err_t *err)
{
    *out = NULL;
    *n = 0;
    store_artefact_t art;
    const dsd_model_t *m;
    core_err_t e = {0};
    const dsd_kind_info_t *ki = dsd_kind_info(scheme->kind);
    if (ki == NULL || ki->item == NULL || store_artefact_get(v, scheme, &art, &e) != CORE_OK)
        return CORE_OK; /* names are a courtesy: without them, ids stand alone */
    core_rc rc = store_artefact_model(v, &art, &m, err);
    if (rc != CORE_OK)
        return rc;
    const dsd_m_scheme_t *s = &m->scheme;
    *out = core_arena_alloc(a, (s->nitems + 1) * sizeof **out);
    for (size_t i = 0; i < s->nitems; i++) {
        const dsd_m_item_t *it = &s->items[i];
        if (it->c.id.ptr == NULL)
            continue;
        /* the first 32 names, as many as names were ever picked from */
        core_str_t name = dsd_m_text_pick(a, it->c.names, it->c.nnames < 32 ? it->c.nnames : 32,
                                          pref);
        dsd_name_t *nm = &(*out)[(*n)++];
        nm->id = core_arena_strndup(a, it->c.id.ptr, it->c.id.len);
        nm->name = name.ptr ? core_arena_strndup(a, name.ptr, name.len) : NULL;
    }
    dsd_names_sort(*out, *n);
    return CORE_OK;
}

