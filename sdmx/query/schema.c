#include <config.h>
#include "sdmx/sdmx_int.h"

#include <string.h>

/* /rest/schema: finds the DSD the context is or uses, compiles it, gathers the codes of its
 * codelists and hands them to the writer of the DSD-specific schema (schema_xsd.c). */

/* The artefact the query names: agency and id as given, the version or the latest. */
static core_rc
find_context(store_view_t *v, core_arena_t *a, const sdmx_schema_query_t *q, dsd_ref_t *out,
             core_err_t *err)
{
    sdmx_structure_query_t sq; /* (the grammar gives a schema query its agency) */
    sdmx__query_one(&sq, q->context, &q->agency, &q->id, &q->version);
    sdmx_result_t res;
    core_err_t e = {0};
    if (sdmx_structure_resolve(v, a, &sq, &res, &e) != CORE_OK || res.n == 0) {
        char qa[SDMX_QUOTE_MAX], qi[SDMX_QUOTE_MAX];
        return core_fail(err, CORE_ENOTFOUND, "no %s %s:%s", dsd_kind_info(q->context)->element,
                         sdmx_quote(qa, sizeof qa, q->agency, SDMX_QUOTE_PATH),
                         sdmx_quote(qi, sizeof qi, q->id, SDMX_QUOTE_PATH));
    }
    *out = res.items[0].art.ref;
    return CORE_OK;
}

/* The DSD of a provision agreement: that of the dataflow it is for. */
static core_rc
agreement_dsd(store_view_t *v, core_arena_t *a, const dsd_ref_t *pa, dsd_ref_t *dsd,
              core_err_t *err)
{
    store_artefact_t art;
    const dsd_model_t *m;
    core_rc rc = store_artefact_get(v, pa, &art, err);
    if (rc == CORE_OK)
        rc = store_artefact_model(v, &art, &m, err);
    if (rc != CORE_OK)
        return rc;
    const dsd_ref_t *usage = &m->agreement.usage.ref;
    if (usage->kind != DSD_KIND_DATAFLOW)
        return core_fail(err, CORE_ESEMANTIC, "%s is not for a dataflow", dsd_ref_label(a, pa));
    return sdmx_flow_structure(v, a, usage, dsd, err);
}

static core_rc
context_dsd(store_view_t *v, core_arena_t *a, const dsd_ref_t *ctx, dsd_ref_t *dsd, core_err_t *err)
{
    switch (ctx->kind) {
    case DSD_KIND_DATAFLOW:
        return sdmx_flow_structure(v, a, ctx, dsd, err);
    case DSD_KIND_PROVISIONAGREEMENT:
        return agreement_dsd(v, a, ctx, dsd, err);
    default:
        *dsd = *ctx;
        return CORE_OK;
    }
}

/* Adds the codes of c's codelist to list, once per codelist; a codelist the store does not
 * have whole leaves the component typed xs:string. */
static void
gather_codes(store_view_t *v, core_arena_t *a, const dsd_component_t *c, core_vec_t *list)
{
    if (c->id == NULL || c->codelist.kind != DSD_KIND_CODELIST)
        return;
    for (size_t i = 0; i < list->len; i++)
        if (dsd_ref_eq(&((sdmx__schema_codes_t *)list->items[i])->codelist, &c->codelist))
            return;
    store_artefact_t art;
    const dsd_model_t *m;
    core_err_t e = {0};
    if (store_artefact_get(v, &c->codelist, &art, &e) != CORE_OK || art.is_stub ||
        store_artefact_model(v, &art, &m, &e) != CORE_OK || m->scheme.is_partial)
        return;
    sdmx__schema_codes_t *cl = core_arena_zalloc(a, sizeof *cl);
    cl->codelist = dsd_ref_dup(a, &c->codelist);
    cl->codes = core_arena_zalloc(a, (m->scheme.nitems + 1) * sizeof *cl->codes);
    for (size_t i = 0; i < m->scheme.nitems; i++)
        if (m->scheme.items[i].c.id.ptr != NULL)
            cl->codes[cl->ncodes++] =
                core_arena_printf(a, "%.*s", CORE_STR_FMT(m->scheme.items[i].c.id));
    core_vec_push(a, list, cl);
}

/* dimensionAtObservation: the time dimension (empty, or its id), AllDimensions, or a
 * dimension of the key. */
static core_rc
obs_dimension(core_arena_t *a, const sdmx_schema_query_t *q, const dsd_structure_t *dsd,
              sdmx__schema_t *s, core_err_t *err)
{
    core_str_t d = q->dim_at_obs;
    if (d.len == 0 || core_str_eq_c(d, dsd->time.id ? dsd->time.id : "TIME_PERIOD"))
        return CORE_OK;
    if (core_str_eq_c(d, "AllDimensions")) {
        s->flat = 1;
        return CORE_OK;
    }
    int dim = dsd_structure_dim(dsd, d);
    if (dim < 0)
        return core_fail(err, CORE_ESYNTAX,
                         "dimensionAtObservation names no dimension of %s (nor AllDimensions)",
                         dsd_ref_label(a, &dsd->dsd));
    s->xs = 1;
    s->xs_dim = (size_t)dim;
    return CORE_OK;
}

core_rc
sdmx_schema_write(store_view_t *v, core_arena_t *a, const sdmx_schema_query_t *q, core_buf_t *out,
                  core_err_t *err)
{
    dsd_ref_t ctx, dsd_ref;
    dsd_structure_t dsd;
    core_rc rc;
    if ((rc = find_context(v, a, q, &ctx, err)) != CORE_OK ||
        (rc = context_dsd(v, a, &ctx, &dsd_ref, err)) != CORE_OK ||
        (rc = sdmx_structure_compile(v, a, &dsd_ref, &dsd, err)) != CORE_OK)
        return rc;
    sdmx__schema_t s;
    memset(&s, 0, sizeof s);
    s.dsd = &dsd;
    s.explicit_measure = q->explicit_measure;
    if ((rc = obs_dimension(a, q, &dsd, &s, err)) != CORE_OK)
        return rc;
    core_vec_t list = {0};
    for (size_t i = 0; i < dsd.ndims; i++)
        gather_codes(v, a, &dsd.dims[i], &list);
    gather_codes(v, a, &dsd.time, &list);
    gather_codes(v, a, &dsd.measure, &list);
    for (size_t i = 0; i < dsd.nattrs; i++)
        gather_codes(v, a, &dsd.attrs[i], &list);
    sdmx__schema_codes_t *codes = core_arena_zalloc(a, (list.len + 1) * sizeof *codes);
    for (size_t i = 0; i < list.len; i++)
        codes[i] = *(sdmx__schema_codes_t *)list.items[i];
    s.codelists = codes;
    s.ncodelists = list.len;
    sdmx__schema_xsd(out, a, &s);
    return CORE_OK;
}
