#include <config.h>
#include "sdmx/sdmx_int.h"
#include "dsd/validate.h"

#include <time.h>
#include <yajl/yajl_gen.h>
#include <stdlib.h>
#include <string.h>

/* Loads a data message into the store: reader -> validator -> cube writer. A reader (on a
 * second thread for a large message, see relay.c) emits the events; dsd_valid checks each
 * against the compiled DSD, its codes and constraints (dsd/validate.c); what passes is
 * written in one cube transaction, committed only when nothing was wrong. This file finds
 * what the validator is given (the structure, codes and constraints in the store) and
 * decides who may write: the dataflow the message was sent to, the agreement's constraints,
 * the provider's own series. */

struct loader {
    core_arena_t *a;
    store_view_t *v;
    store_cube_txn_t *t;
    const char *name;
    const dsd_ref_t *flow_override;
    const sdmx_load_opts_t *opts;
    int actions_seen; /* bit per dsd_action met */
    sdmx_counts_t per_action[3];
    store_cube_counts_t at_dataset; /* the counts when the current data set began */
    uint64_t nobs_at_dataset;
    dsd_report_t *report;
    dsd_ref_t flow;
    dsd_structure_t dsd;
    dsd_valid_t *valid; /* NULL until the structure is resolved */
    dsd_action action;
    uint64_t nobs;
    size_t datasets;             /* data sets met */
    uint64_t series_at_dataset;  /* series events when the current data set began */
    uint64_t nseries;            /* series events in all */
    store_cube_t *stored; /* the dataflow's data before this message (NULL: none) */
    int explicit_measures; /* SDMX-ML 2.1 with explicitMeasures="true" */
};

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The code ids of a stored codelist (or the concept ids of a measure dimension's concept
 * scheme), sorted (n SIZE_MAX for a stub: codes unknown). */
static core_rc
build_codes(store_view_t *v, core_arena_t *a, const void *arg, void **value, size_t *n,
            core_err_t *err)
{
    store_artefact_t art;
    core_rc rc = store_artefact_get(v, arg, &art, err);
    if (rc != CORE_OK)
        return rc;
    xmlNode *el = sdmx__parse_stored(a, art.xml, err);
    if (el == NULL)
        return CORE_EBUG;
    core_vec_t ids = {0};
    for (xmlNode *c = el->children; c != NULL; c = c->next)
        if ((sdmx__is(c, "Code") || sdmx__is(c, "Concept")) && sdmx__attr(c, "id"))
            core_vec_push(a, &ids, (void *)sdmx__attr(c, "id"));
    *value = ids.items;
    *n = art.is_stub ? SIZE_MAX : ids.len;
    if (!art.is_stub && ids.len > 0)
        qsort(ids.items, ids.len, sizeof *ids.items, cmp_str);
    return CORE_OK;
}

static core_rc
load_codes(struct loader *l, const dsd_ref_t *cl, dsd_codeset_t *out, core_err_t *err)
{
    void *ids;
    const char *key = core_arena_printf(l->a, "codes %s", dsd_ref_label(l->a, cl));
    core_rc rc = sdmx__cache_get(l->opts->cache, l->v, l->a, key, build_codes, cl, &ids, &out->n,
                                 err);
    out->ids = ids;
    return rc;
}

/* The codes of each component's codelist (n SIZE_MAX: not coded, or a stub; a measure
 * dimension's are its concept scheme's concepts). A codelist that cannot be read fails the
 * load: its codes are not "any code". One stored as an external stub has no codes to check:
 * the report says so, for each component (what). */
static core_rc
component_codes(struct loader *l, const dsd_component_t *comps, size_t n, const char *what,
                dsd_codeset_t **out, core_err_t *err)
{
    dsd_codeset_t *sets = core_arena_zalloc(l->a, (n + 1) * sizeof *sets);
    for (size_t i = 0; i < n; i++) {
        core_err_t e = {0};
        sets[i].n = SIZE_MAX;
        dsd_kind k = comps[i].codelist.kind;
        if (k != DSD_KIND_CODELIST && k != DSD_KIND_CONCEPTSCHEME)
            continue;
        if (load_codes(l, &comps[i].codelist, &sets[i], &e) != CORE_OK)
            /* (the store names a codelist it does not hold: its fault, not the sender's) */
            return core_fail(err, e.code == CORE_ENOTFOUND ? CORE_EBUG : e.code,
                             "%s: the codes of %s, for %s, cannot be read: %s", l->name,
                             dsd_ref_label(l->a, &comps[i].codelist), comps[i].id, e.msg);
        if (sets[i].n == SIZE_MAX)
            dsd_report_add(l->report, DSD_SEV_WARNING, "external-stub", l->name,
                           "codes of %s not checked for %s %s: external stub",
                           dsd_ref_label(l->a, &comps[i].codelist), what, comps[i].id);
    }
    *out = sets;
    return CORE_OK;
}

/* Creates the dataflow named with --dataflow when the store does not have it, in the same
 * transaction as the data, so that a refused load leaves no dataflow behind either. */
static core_rc
ensure_flow(struct loader *l, const dsd_ref_t *dsd, core_err_t *err)
{
    store_artefact_t art;
    core_err_t e = {0};
    if (store_artefact_get(l->v, &l->flow, &art, &e) == CORE_OK) {
        dsd_ref_t its;
        if (sdmx_flow_structure(l->v, l->a, &l->flow, &its, &e) == CORE_OK &&
            dsd_ref_eq(&its, dsd))
            return CORE_OK;
        return core_fail(err, CORE_ESEMANTIC, "%s: %s is built on %s, not on %s", l->name,
                         dsd_ref_label(l->a, &l->flow), e.code ? "no DSD" : dsd_ref_label(l->a, &its),
                         dsd_ref_label(l->a, dsd));
    }
    /* the ids checked as a message's would be (sdmx__schema_problem): they go into every
     * answer about the dataflow */
    const char *agency = core_arena_printf(l->a, "%.*s", CORE_STR_FMT(l->flow.agency));
    const char *id = core_arena_printf(l->a, "%.*s", CORE_STR_FMT(l->flow.id));
    const char *version = core_arena_printf(l->a, "%.*s", CORE_STR_FMT(l->flow.version));
    if (!sdmx__id_matches(SDMX_PAT_NESTED_NCNAME, agency) || !sdmx__id_matches(SDMX_PAT_ID, id) ||
        !sdmx__id_matches(SDMX_PAT_VERSION, version))
        return core_fail(err, CORE_ESEMANTIC,
                         "%s: the new dataflow's agency, id or version is off the SDMX-ML 2.1 "
                         "patterns (agency [A-Za-z][A-Za-z0-9_-]* parts joined by dots, id "
                         "[A-Za-z0-9_@$-]+, version [0-9]+ parts joined by dots)",
                         l->name);
    dsd_artefact_t *df = core_arena_zalloc(l->a, sizeof *df);
    df->ref = l->flow;
    df->refs = core_arena_alloc(l->a, sizeof *df->refs);
    df->refs[0] = *dsd;
    df->nrefs = 1;
    core_buf_t b;
    core_buf_init(&b);
    const char *urn = dsd_ref_urn(l->a, &l->flow);
    core_buf_adds(&b, "<str:Dataflow urn=\"");
    core_buf_add_xml(&b, urn, strlen(urn));
    core_buf_adds(&b, "\" agencyID=\"");
    core_buf_add_xml(&b, l->flow.agency.ptr, l->flow.agency.len);
    core_buf_adds(&b, "\" id=\"");
    core_buf_add_xml(&b, l->flow.id.ptr, l->flow.id.len);
    core_buf_adds(&b, "\" version=\"");
    core_buf_add_xml(&b, l->flow.version.ptr, l->flow.version.len);
    core_buf_adds(&b, "\" isFinal=\"false\"><com:Name xml:lang=\"en\">Data of ");
    const char *label = dsd_ref_label(l->a, dsd);
    core_buf_add_xml(&b, label, strlen(label));
    core_buf_adds(&b, "</com:Name><str:Structure><Ref agencyID=\"");
    core_buf_add_xml(&b, dsd->agency.ptr, dsd->agency.len);
    core_buf_adds(&b, "\" id=\"");
    core_buf_add_xml(&b, dsd->id.ptr, dsd->id.len);
    core_buf_adds(&b, "\" version=\"");
    core_buf_add_xml(&b, dsd->version.ptr, dsd->version.len);
    core_buf_adds(&b, "\" class=\"DataStructure\" package=\"datastructure\"/></str:Structure>"
                      "</str:Dataflow>");
    df->xml = core_arena_str(l->a, (core_str_t){b.ptr, b.len});
    core_buf_dispose(&b);
    sdmx_artefact_model(l->a, &df->ref, df->xml, &df->model, NULL); /* as upgrade reads it */
    return store_cube_put_artefact(l->t, df, l->report, err);
}

struct targets {
    const dsd_ref_t *refs;
    size_t n;
};

static core_rc
build_constraints(store_view_t *v, core_arena_t *a, const void *arg, void **value, size_t *n,
                  core_err_t *err)
{
    const struct targets *t = arg;
    dsd_constraint_t *c;
    core_rc rc = sdmx_constraints_for(v, a, t->refs, t->n, &c, n, err);
    *value = c;
    return rc;
}

/* The dataflow data of a DSD is stored under: the one named, or the DSD's only one. */
static core_rc
flow_of_dsd(struct loader *l, const dsd_ref_t *dsd, core_err_t *err)
{
    if (l->flow_override != NULL) {
        l->flow = *l->flow_override;
        return ensure_flow(l, dsd, err);
    }
    core_vec_t parents = {0};
    core_rc rc = store_refs_parents(l->v, dsd, &parents, err);
    if (rc != CORE_OK)
        return rc;
    const dsd_ref_t *found = NULL;
    size_t n = 0;
    for (size_t i = 0; i < parents.len; i++) {
        const dsd_ref_t *p = parents.items[i];
        if (p->kind == DSD_KIND_DATAFLOW) {
            found = p;
            n++;
        }
    }
    if (n == 1) {
        l->flow = *found;
        return CORE_OK;
    }
    return core_fail(err, CORE_ESEMANTIC,
                     "%s: the data refers to %s, which has %s dataflow; name the dataflow "
                     "with --dataflow AGENCY:ID(VERSION), or load a dataflow for it first",
                     l->name, dsd_ref_label(l->a, dsd), n == 0 ? "no" : "more than one");
}


/* The validator's view of the store: the attributes stored for a series or observation. */
static void
stored_attrs(void *ctx, const core_str_t *codes, const unsigned char *period,
             void (*each)(void *arg, core_str_t id), void *arg)
{
    struct loader *l = ctx;
    core_str_t blob;
    core_err_t e = {0};
    if (store_cube_stored_attrs(l->stored, codes, period, &blob, &e) != CORE_OK)
        return;
    dsd_kv_t kv;
    while (dsd_attrs_next(&blob, &kv))
        each(arg, kv.id);
}

/* The validator for the compiled DSD: its codes, and the Allowed constraints of the DSD,
 * the dataflow and the agreement (an upload); the stored data for updates. */
static core_rc
start_validator(struct loader *l, core_err_t *err)
{
    dsd_ref_t targets[3] = {l->dsd.dsd, l->flow};
    size_t ntargets = 2;
    if (l->opts->agreement != NULL)
        targets[ntargets++] = *l->opts->agreement;
    struct targets tg = {targets, ntargets};
    const char *key = core_arena_printf(l->a, "constraints %s %s %s", dsd_ref_label(l->a, &targets[0]),
                                        dsd_ref_label(l->a, &targets[1]),
                                        ntargets > 2 ? dsd_ref_label(l->a, &targets[2]) : "-");
    dsd_valid_input_t in = {.name = l->name, .structure = &l->dsd,
                            .constrain_deletes = l->opts->agreement != NULL,
                            .explicit_measures = l->explicit_measures};
    dsd_codeset_t *dims, *attrs;
    core_rc rc;
    if ((rc = component_codes(l, l->dsd.dims, l->dsd.ndims, "dimension", &dims, err)) != CORE_OK ||
        (rc = component_codes(l, l->dsd.attrs, l->dsd.nattrs, "attribute", &attrs, err)) !=
            CORE_OK)
        return rc;
    in.dim_codes = dims;
    in.attr_codes = attrs;
    void *cons;
    rc = sdmx__cache_get(l->opts->cache, l->v, l->a, key, build_constraints, &tg, &cons,
                                 &in.nconstraints, err);
    if (rc != CORE_OK)
        return rc;
    in.constraints = cons;
    core_err_t e = {0};
    if (store_cube_open(l->v, &l->flow, &l->stored, &e) != CORE_OK)
        l->stored = NULL;
    if (l->stored != NULL)
        in.store = (dsd_valid_store_t){l, stored_attrs};
    l->valid = dsd_valid_new(l->a, l->report, &in);
    return CORE_OK;
}

static core_rc
on_resolve(void *ctx, const dsd_ref_t *structure, const dsd_structure_t **out, core_err_t *err)
{
    struct loader *l = ctx;
    if (l->valid != NULL) {
        *out = &l->dsd;
        return CORE_OK;
    }
    dsd_ref_t dsd = *structure;
    core_rc rc;
    if (structure->kind == DSD_KIND_DATAFLOW) {
        l->flow = *structure;
        core_err_t e = {0}; /* a missing dataflow gets the message below */
        rc = sdmx_flow_structure(l->v, l->a, structure, &dsd, &e);
        if (rc != CORE_OK && rc != CORE_ENOTFOUND)
            return core_fail(err, rc, "%s", e.msg);
        if (rc == CORE_OK && l->flow_override != NULL) {
            l->flow = *l->flow_override;
            rc = ensure_flow(l, &dsd, err);
        }
    } else {
        store_artefact_t art;
        core_err_t e = {0};
        if (store_artefact_get(l->v, structure, &art, &e) != CORE_OK)
            return core_fail(err, CORE_ESEMANTIC,
                             "%s: the data refers to %s, which is not in the store; load its "
                             "structure first",
                             l->name, dsd_ref_label(l->a, structure));
        rc = flow_of_dsd(l, structure, err);
    }
    if (rc == CORE_ENOTFOUND)
        return core_fail(err, CORE_ESEMANTIC,
                         "%s: the data refers to %s, which is not in the store; load its "
                         "structure first",
                         l->name, dsd_ref_label(l->a, structure));
    if (rc == CORE_OK && l->opts->target != NULL && !dsd_ref_eq(&l->flow, l->opts->target))
        return core_fail(err, CORE_ESEMANTIC,
                         "%s: the message is data of %s, but it was sent to %s; send it to the "
                         "dataflow it is for",
                         l->name, dsd_ref_label(l->a, &l->flow),
                         dsd_ref_label(l->a, l->opts->target));
    const dsd_structure_t *compiled;
    if (rc != CORE_OK ||
        (rc = sdmx__structure_cached(l->opts->cache, l->v, l->a, &dsd, &compiled, err)) != CORE_OK)
        return rc;
    l->dsd = *compiled;
    if ((rc = start_validator(l, err)) != CORE_OK)
        return rc;
    *out = &l->dsd;
    return CORE_OK;
}

/* ---- who may write --------------------------------------------------------------------- */

/* What an upload may delete (see store_cube_set_scope): a series the constraints allow. */
static int
allows_series(void *ctx, const core_str_t *codes)
{
    const struct loader *l = ctx;
    return l->valid == NULL || dsd_valid_allows(l->valid, codes);
}

/* The series key is not the uploader's to write, replace or delete. */
static void
report_not_owner(struct loader *l, const char *key, long line)
{
    dsd_report_add(l->report, DSD_SEV_ERROR, "not-owner", NULL,
                   "%s:%ld: series %s is not %s's: a data provider writes, replaces and "
                   "deletes only its own series",
                   l->name, line, key, l->opts->submitter ? l->opts->submitter : "this provider");
}

/* A write an upload may not make (CORE_EFORBIDDEN: the series is another provider's) is
 * reported, and the load goes on to find every problem. */
static core_rc
owned_write(struct loader *l, core_rc rc, const char *key, long line, core_err_t *err)
{
    if (rc != CORE_EFORBIDDEN)
        return rc;
    *err = (core_err_t){0};
    report_not_owner(l, key, line);
    return CORE_OK;
}

/* A deletion (pkey NULL: the whole series). In an upload a whole key must be in the
 * constraints (the validator saw to it) and the provider's own series; a partial key deletes
 * only the series that are (see store_cube_set_scope). */
static core_rc
delete_row(struct loader *l, const dsd_valid_row_t *row, const unsigned char *pkey, long line,
           core_err_t *err)
{
    core_err_t e = {0};
    core_rc rc = store_cube_delete(l->t, row->codes, pkey, &e);
    if (rc == CORE_EFORBIDDEN) {
        report_not_owner(l, row->key ? row->key : "?", line);
        return CORE_OK;
    }
    if (rc != CORE_OK)
        return core_fail(err, rc, "%s", e.msg);
    return CORE_OK;
}

/* ---- events: validated, then written ------------------------------------------------------ */

static core_rc
on_dataset(void *ctx, dsd_action action, const dsd_ref_t *structure, const dsd_kv_t *attrs,
           size_t nattrs, core_err_t *err)
{
    struct loader *l = ctx;
    (void)structure;
    if (l->valid == NULL)
        return core_fail(err, CORE_EBUG, "%s: a data set before its structure", l->name);
    if (l->opts->replace && action != DSD_ACTION_DELETE)
        action = DSD_ACTION_REPLACE;
    l->action = action;
    l->actions_seen |= 1 << action;
    l->at_dataset = *store_cube_counts(l->t);
    l->nobs_at_dataset = l->nobs;
    l->series_at_dataset = l->nseries;
    l->datasets++;
    dsd_valid_dataset(l->valid, action, attrs, nattrs);
    core_rc rc = store_cube_select(l->t, &l->flow, l->dsd.ndims, err);
    if (rc == CORE_OK && action == DSD_ACTION_REPLACE)
        store_cube_replace_begin(l->t); /* each series met replaces the stored one */
    if (rc == CORE_OK && nattrs > 0 && action != DSD_ACTION_DELETE)
        rc = store_cube_put_dataset(l->t, attrs, nattrs, err);
    return rc;
}

static core_rc
on_series(void *ctx, const dsd_kv_t *key, size_t nkey, const dsd_kv_t *attrs, size_t nattrs,
          long line, core_err_t *err)
{
    struct loader *l = ctx;
    dsd_valid_row_t row;
    l->nseries++;
    core_rc rc = dsd_valid_series(l->valid, key, nkey, attrs, nattrs, line, &row, err);
    if (rc != CORE_OK || !row.ok)
        return rc;
    if (row.partial) /* a group, or the series of a cross-section */
        return l->action == DSD_ACTION_DELETE || nattrs == 0
                   ? CORE_OK
                   : store_cube_put_group(l->t, row.codes, attrs, nattrs, err);
    if (l->action == DSD_ACTION_DELETE)
        return delete_row(l, &row, NULL, line, err);
    if (nattrs == 0) /* a key alone: nothing to add or replace */
        return CORE_OK;
    /* writes go on after a problem: the transaction is dropped at the end, and writing keeps
     * duplicates detectable (see on_obs) */
    return owned_write(l, store_cube_put_series(l->t, row.codes, attrs, nattrs, err), row.key,
                       line, err);
}

static core_rc
on_obs(void *ctx, const dsd_kv_t *key, size_t nkey, core_str_t period, core_str_t value,
       const dsd_kv_t *attrs, size_t nattrs, long line, core_err_t *err)
{
    struct loader *l = ctx;
    dsd_valid_row_t row;
    core_rc rc = dsd_valid_obs(l->valid, key, nkey, period, value, attrs, nattrs, line, &row, err);
    if (rc != CORE_OK)
        return rc;
    l->nobs++;
    if (!row.ok)
        return CORE_OK; /* reported: the reader goes on, nothing will be written */
    if (l->action == DSD_ACTION_DELETE)
        return delete_row(l, &row, row.period, line, err);
    /* attributes of the series or the data set that came on the observation go there */
    if (row.nseries_attrs > 0)
        rc = owned_write(l, store_cube_put_series(l->t, row.codes, row.series_attrs,
                                                row.nseries_attrs, err),
                         row.key, line, err);
    if (rc == CORE_OK && row.ndataset_attrs > 0)
        rc = store_cube_put_dataset(l->t, row.dataset_attrs, row.ndataset_attrs, err);
    if (rc != CORE_OK)
        return rc;
    int twice = 0;
    rc = owned_write(l, store_cube_put_obs(l->t, row.codes, row.period, period, value, row.attrs,
                                         row.nattrs, &twice, err),
                     row.key, line, err);
    if (rc == CORE_OK && twice)
        dsd_valid_duplicate(l->valid, row.key, period, line);
    return rc;
}

static void
on_consumed(void *ctx, size_t offset)
{
    const struct loader *l = ctx;
    if (l->opts->consumed != NULL)
        l->opts->consumed(l->opts->consumed_arg, offset);
}

static core_rc
on_dataset_end(void *ctx, core_err_t *err)
{
    struct loader *l = ctx;
    if (l->nobs == l->nobs_at_dataset && l->nseries == l->series_at_dataset)
        dsd_report_add(l->report, DSD_SEV_WARNING, "empty-data-set", l->name,
                       "data set %zu holds no series and no observations: it changes nothing",
                       l->datasets);
    /* a replace deletes what was not sent again: its deletions count with it */
    core_rc rc = l->action == DSD_ACTION_REPLACE ? store_cube_replace_end(l->t, err) : CORE_OK;
    if (rc != CORE_OK)
        return rc;
    const store_cube_counts_t *now = store_cube_counts(l->t);
    sdmx_counts_t *c = &l->per_action[l->action];
    c->obs_read += l->nobs - l->nobs_at_dataset;
    c->obs_added += now->obs_added - l->at_dataset.obs_added;
    c->obs_updated += now->obs_updated - l->at_dataset.obs_updated;
    c->obs_unchanged += now->obs_unchanged - l->at_dataset.obs_unchanged;
    c->obs_deleted += now->obs_deleted - l->at_dataset.obs_deleted;
    c->series_deleted += now->series_deleted - l->at_dataset.series_deleted;
    return CORE_OK;
}

#define RELAY_MIN ((size_t)256 << 10)

/* The first byte of body that is not white space (after a UTF-8 BOM), or 0: it tells the
 * formats apart ('<' SDMX-ML, '{' SDMX-JSON, anything else SDMX-CSV). */
static char
first_byte(core_str_t body)
{
    size_t i = body.len >= 3 && memcmp(body.ptr, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < body.len && (body.ptr[i] == ' ' || body.ptr[i] == '\t' || body.ptr[i] == '\r' ||
                            body.ptr[i] == '\n'))
        i++;
    return i < body.len ? body.ptr[i] : 0;
}

static core_rc
read_any(core_arena_t *a, core_str_t body, const char *name, const dsd_events_t *ev,
         core_err_t *err)
{
    char first = first_byte(body);
    if (first == '<')
        return sdmx_data_read_xml(a, body.ptr, body.len, name, ev, err);
    if (first == '{')
        return sdmx_data_read_json(a, body.ptr, body.len, name, ev, err);
    return sdmx_data_read_csv(a, body.ptr, body.len, name, ev, err);
}

/* A message read whole without a data set in it is refused, saying what it held instead (a
 * DataSet in another namespace, say): storing nothing and calling it a load would hide it. */
static core_rc
no_data_set(struct loader *l, core_str_t body, core_err_t *err)
{
    char first = first_byte(body);
    const char *found =
        first == '<'   ? sdmx_message_outline(l->a, body.ptr, body.len)
        : first == '{' ? "an SDMX-JSON message without a data set (dataSets empty or absent)"
                       : "an SDMX-CSV message without a row of data";
    return core_fail(err, CORE_ESEMANTIC,
                     "%s: no data set in the message, so nothing was stored; it holds %s "
                     "(data sets are DataSet elements in the SDMX-ML 2.1 message namespace)",
                     l->name, found);
}

static const char *
action_name(int seen)
{
    switch (seen) {
    case 1 << DSD_ACTION_APPEND: return "Append";
    case 1 << DSD_ACTION_REPLACE: return "Replace";
    case 1 << DSD_ACTION_DELETE: return "Delete";
    default: return "Mixed";
    }
}

/* The submission log's record: who sent what, and what it did. */
static core_str_t
submission_record(struct loader *l, const sdmx_load_stats_t *st)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    char when[32];
    core_time_iso((int64_t)time(NULL), when);
    const char *flow = dsd_ref_urn(l->a, &l->flow);
    const char *keys[] = {"time", "submitter", "dataflow", "action"};
    const char *vals[] = {when, l->opts->submitter, flow, action_name(l->actions_seen)};
    yajl_gen_map_open(g);
    for (size_t i = 0; i < 4; i++) {
        yajl_gen_string(g, (const unsigned char *)keys[i], strlen(keys[i]));
        yajl_gen_string(g, (const unsigned char *)vals[i], strlen(vals[i]));
    }
    const char *nkeys[] = {"observationsRead",      "observationsAdded",   "observationsUpdated",
                           "observationsUnchanged", "observationsDeleted", "seriesDeleted"};
    uint64_t nvals[] = {st->obs_read,      st->obs_added,   st->obs_updated,
                        st->obs_unchanged, st->obs_deleted, st->series_deleted};
    for (size_t i = 0; i < 6; i++) {
        yajl_gen_string(g, (const unsigned char *)nkeys[i], strlen(nkeys[i]));
        yajl_gen_integer(g, (long long)nvals[i]);
    }
    yajl_gen_map_close(g);
    const unsigned char *buf;
    size_t len;
    yajl_gen_get_buf(g, &buf, &len);
    core_str_t rec = core_arena_str(l->a, (core_str_t){(const char *)buf, len});
    yajl_gen_free(g);
    return rec;
}

core_rc
sdmx_data_load(store_t *r, core_arena_t *a, core_str_t body, const char *name,
               const sdmx_load_opts_t *opts, sdmx_load_stats_t *stats, dsd_report_t *report,
               core_err_t *err)
{
    struct loader l = {.a = a, .name = name, .flow_override = opts->flow, .opts = opts,
                       .report = report};
    core_rc rc = store_view_begin(r, a, &l.v, err);
    if (rc != CORE_OK)
        return rc;
    if ((rc = store_cube_begin(r, a, &l.t, err)) != CORE_OK)
        return rc;
    if (opts->provider.ptr != NULL)
        store_cube_set_provider(l.t, opts->provider_scheme->agency, opts->provider);
    if (opts->agreement != NULL) /* an upload: deletes as it writes, within its rights */
        store_cube_set_scope(l.t, allows_series, &l);
    dsd_events_t ev = {&l, on_resolve, on_dataset, on_series, on_obs, on_dataset_end, NULL};
    if (opts->consumed != NULL)
        ev.consumed = on_consumed; /* (not for a converted 2.0 message: another buffer) */
    const char *kind = body.len && body.ptr[0] != '{' ? sdmx_message_kind(body.ptr, body.len) : NULL;
    l.explicit_measures = kind != NULL && strncmp(kind, "StructureSpecific", 17) == 0 &&
                          sdmx_message_explicit_measures(body.ptr, body.len);
    if (kind != NULL && strstr(kind, "20") != NULL) {
        if ((rc = sdmx_convert_20(a, body, name, &body, err)) != CORE_OK) {
            store_cube_abort(l.t);
            return rc;
        }
        ev.consumed = NULL;
        /* places in reports are those of the converted message, an element a line */
        l.name = name = core_arena_printf(a, "%s (as SDMX-ML 2.1)", name);
    }
    /* a large message is parsed on a second core while this one checks and writes */
    rc = body.len >= RELAY_MIN ? sdmx__relay_read(a, read_any, body, name, &ev, err)
                               : read_any(a, body, name, &ev, err);
    if (rc == CORE_OK && l.datasets == 0)
        rc = no_data_set(&l, body, err);
    if (rc == CORE_OK && l.valid != NULL)
        dsd_valid_end(l.valid);
    if (rc == CORE_OK && report->nerrors > 0)
        rc = core_fail(err, CORE_ESEMANTIC, "%s: %zu problem(s); nothing was stored", name,
                       report->nerrors);
    if (rc != CORE_OK) {
        store_cube_abort(l.t);
        return rc;
    }
    const store_cube_counts_t *c = store_cube_counts(l.t);
    stats->obs_read = l.nobs;
    stats->obs_added = c->obs_added;
    stats->obs_updated = c->obs_updated;
    stats->obs_unchanged = c->obs_unchanged;
    stats->obs_deleted = c->obs_deleted;
    stats->series_deleted = c->series_deleted;
    stats->flow = l.flow;
    memcpy(stats->per_action, l.per_action, sizeof l.per_action);
    stats->actions = l.actions_seen;
    if (opts->dry_run) {
        store_cube_abort(l.t);
        return CORE_OK;
    }
    if (opts->submitter != NULL &&
        (rc = store_cube_log_submission(l.t, submission_record(&l, stats), err)) != CORE_OK)
        return rc;
    return store_cube_commit(l.t, err);
}
