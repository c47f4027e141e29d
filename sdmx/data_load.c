#include <config.h>
#include "sdmx_int.h"

#include <math.h>
#include <time.h>
#include <yajl/yajl_gen.h>
#include <stdlib.h>
#include <string.h>

/* Loads a data message into the store: each event is checked against the compiled DSD
 * (dimensions complete, codes in their codelists, periods valid for FREQ, numeric values)
 * and written in one cube transaction, committed only when nothing was wrong. */

struct codes {
    const char **ids; /* sorted */
    size_t n;
    char last[64];    /* the last code found known, so that a series' observations skip the
                         lookup; empty when none */
    size_t last_len;
};

struct loader {
    core_arena_t *a;
    reg_view_t *v;
    reg_cube_txn_t *t;
    const char *name;
    const dsd_ref_t *flow_override;
    const sdmx_load_opts_t *opts;
    int actions_seen; /* bit per dsd_action met */
    sdmx_counts_t per_action[3];
    reg_cube_counts_t at_dataset; /* the counts when the current data set began */
    uint64_t nobs_at_dataset;
    dsd_report_t *report;
    dsd_ref_t flow;
    dsd_structure_t dsd;
    int have_dsd;
    struct codes *dim_codes; /* per dimension; n == SIZE_MAX when not coded */
    core_str_t *dim_ids;     /* the dimensions' ids as slices */
    core_str_t *attr_ids;    /* the attributes' ids as slices */
    size_t attr_hint[16];    /* the attribute met at each position last time */
    int freq_dim;
    dsd_action action;
    uint64_t nobs;
    /* checks beyond the key: attribute codes, constraints, mandatory attributes, duplicates */
    struct codes *attr_codes;      /* per DSD attribute */
    dsd_constraint_t *constraints; /* Allowed constraints of the DSD, dataflow, agreement */
    size_t nconstraints;
    char *verdict_key;             /* the last series key checked against the constraints */
    int verdict;                   /* its verdict: 1 allowed */
    char *reported_key;            /* the last series whose missing attributes were reported */
    uint64_t dataset_mask, group_mask; /* attributes given for everything, for some groups */
    reg_cube_t *stored;            /* the dataflow's data before this message (NULL: none) */
    struct slot *series_masks;     /* series key hash -> attributes given on the series */
    char *mask_key;                /* the key of mask_slot, see series_mask() */
    size_t mask_key_len, mask_key_cap, mask_slot_gen;
    struct slot *mask_slot;
    size_t nseries_masks, capseries_masks;
    /* series whose mandatory attributes were not there at their first observation: a
     * message may give them later (SDMX-JSON puts a series' attributes after its
     * observations), so they are settled at the end */
    struct pending *pending;
    size_t npending, cappending;
    core_buf_t *keybuf; /* see key_string(); in the arena, which outlives the loader */
    /* The key of the last observation, when it passed its checks: the next observations of
     * the same series (the usual order) skip ordering, checking and printing it again. */
    struct {
        int valid;
        size_t nkey;
        core_buf_t *raw;      /* the ids and values as given, the codes, the printed key */
        size_t off[64], len[64]; /* of each id and value as given, in raw (2 per key value) */
        core_str_t codes[64]; /* in DSD order, into raw */
        const char *key;      /* printed, into raw */
        int verdict;          /* of the constraints; -1 not asked yet */
    } cur;
    uint64_t mand_obs, mand_series; /* see mandatory_mask() */
    int numeric_measure;            /* OBS_VALUE must be a number */
    core_buf_t *lifted; /* see lift_attrs(): the series key and values last stored */
    struct slot *lifted_values; /* see check_lifted(): (series, attribute) -> value hash */
    size_t nlifted_values, caplifted_values;
    struct slot *pending_index;
    size_t npending_index, cappending_index;
};

struct pending {
    const char *key;
    long line;
    uint64_t need;
};

/* An open-addressing hash table slot: two independent 64-bit hashes, and a value. */
struct slot {
    uint64_t h1, h2, value;
};

static void
hash2(core_str_t a, core_str_t b, uint64_t *h1, uint64_t *h2)
{
    uint64_t x = 14695981039346656037ULL, y = 0x9E3779B97F4A7C15ULL;
    core_str_t parts[2] = {a, b};
    for (size_t p = 0; p < 2; p++)
        for (size_t i = 0; i < parts[p].len; i++) {
            unsigned char c = (unsigned char)parts[p].ptr[i];
            x = (x ^ c) * 1099511628211ULL;
            y = (y + c) * 0xff51afd7ed558ccdULL;
            y ^= y >> 29;
        }
    *h1 = x | 1; /* 0 marks an empty slot */
    *h2 = y;
}

/* The slot of (h1, h2) in the table, added (value 0) when new; *added tells. */
static struct slot *
slot_of(core_arena_t *a, struct slot **tab, size_t *n, size_t *cap, uint64_t h1, uint64_t h2,
        int *added)
{
    if (2 * (*n + 1) > *cap) {
        size_t ncap = *cap ? *cap * 2 : 1024;
        struct slot *nt = core_arena_zalloc(a, ncap * sizeof *nt);
        for (size_t i = 0; i < *cap; i++) {
            if ((*tab)[i].h1 == 0)
                continue;
            size_t j = (size_t)(*tab)[i].h1 & (ncap - 1);
            while (nt[j].h1 != 0)
                j = (j + 1) & (ncap - 1);
            nt[j] = (*tab)[i];
        }
        *tab = nt;
        *cap = ncap;
    }
    size_t j = (size_t)h1 & (*cap - 1);
    while ((*tab)[j].h1 != 0 && ((*tab)[j].h1 != h1 || (*tab)[j].h2 != h2))
        j = (j + 1) & (*cap - 1);
    *added = (*tab)[j].h1 == 0;
    if (*added) {
        (*tab)[j].h1 = h1;
        (*tab)[j].h2 = h2;
        (*tab)[j].value = 0;
        (*n)++;
    }
    return &(*tab)[j];
}

static uint64_t mandatory_mask(const struct loader *l, int obs_level);
static int numeric_type(const char *t);

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The code ids of a stored codelist, sorted (n SIZE_MAX for a stub: codes unknown). */
static core_rc
build_codes(reg_view_t *v, core_arena_t *a, const void *arg, void **value, size_t *n,
            core_err_t *err)
{
    reg_artefact_t art;
    core_rc rc = reg_artefact_get(v, arg, &art, err);
    if (rc != CORE_OK)
        return rc;
    xmlNode *el = sdmx__parse_stored(a, art.xml, err);
    if (el == NULL)
        return CORE_EBUG;
    core_vec_t ids = {0};
    for (xmlNode *c = el->children; c != NULL; c = c->next)
        if (sdmx__is(c, "Code") && sdmx__attr(c, "id"))
            core_vec_push(a, &ids, (void *)sdmx__attr(c, "id"));
    *value = ids.items;
    *n = art.is_stub ? SIZE_MAX : ids.len;
    if (!art.is_stub && ids.len > 0)
        qsort(ids.items, ids.len, sizeof *ids.items, cmp_str);
    return CORE_OK;
}

static core_rc
load_codes(struct loader *l, const dsd_ref_t *cl, struct codes *out, core_err_t *err)
{
    void *ids;
    const char *key = core_arena_printf(l->a, "codes %s", dsd_ref_label(l->a, cl));
    core_rc rc = sdmx__cache_get(l->opts->cache, l->v, l->a, key, build_codes, cl, &ids, &out->n,
                                 err);
    out->ids = ids;
    return rc;
}

static int
code_known(struct codes *c, core_str_t code)
{
    if (c->n == SIZE_MAX)
        return 1;
    if (c->last_len > 0 && c->last_len == code.len && memcmp(c->last, code.ptr, code.len) == 0)
        return 1;
    char buf[256];
    if (code.len >= sizeof buf)
        return 0;
    memcpy(buf, code.ptr, code.len);
    buf[code.len] = '\0';
    const char *key = buf;
    if (bsearch(&key, c->ids, c->n, sizeof *c->ids, cmp_str) == NULL)
        return 0;
    if (code.len < sizeof c->last) {
        memcpy(c->last, code.ptr, code.len);
        c->last_len = code.len;
    }
    return 1;
}

/* Creates the dataflow named with --dataflow when the store does not have it, in the same
 * transaction as the data, so that a refused load leaves no dataflow behind either. */
static core_rc
ensure_flow(struct loader *l, const dsd_ref_t *dsd, core_err_t *err)
{
    reg_artefact_t art;
    core_err_t e = {0};
    if (reg_artefact_get(l->v, &l->flow, &art, &e) == CORE_OK) {
        dsd_ref_t its;
        if (sdmx_flow_structure(l->v, l->a, &l->flow, &its, &e) == CORE_OK &&
            dsd_ref_eq(&its, dsd))
            return CORE_OK;
        return core_fail(err, CORE_ESEMANTIC, "%s: %s is built on %s, not on %s", l->name,
                         dsd_ref_label(l->a, &l->flow), e.code ? "no DSD" : dsd_ref_label(l->a, &its),
                         dsd_ref_label(l->a, dsd));
    }
    dsd_artefact_t *df = core_arena_zalloc(l->a, sizeof *df);
    df->ref = l->flow;
    df->refs = core_arena_alloc(l->a, sizeof *df->refs);
    df->refs[0] = *dsd;
    df->nrefs = 1;
    core_buf_t b;
    core_buf_init(&b);
    core_buf_printf(&b, "<str:Dataflow urn=\"%s\" agencyID=\"", dsd_ref_urn(l->a, &l->flow));
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
    return reg_cube_put_artefact(l->t, df, l->report, err);
}

struct targets {
    const dsd_ref_t *refs;
    size_t n;
};

static core_rc
build_constraints(reg_view_t *v, core_arena_t *a, const void *arg, void **value, size_t *n,
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
    core_rc rc = reg_refs_parents(l->v, dsd, &parents, err);
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

static core_rc
on_resolve(void *ctx, const dsd_ref_t *structure, const dsd_structure_t **out, core_err_t *err)
{
    struct loader *l = ctx;
    if (l->have_dsd) {
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
        reg_artefact_t art;
        core_err_t e = {0};
        if (reg_artefact_get(l->v, structure, &art, &e) != CORE_OK)
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
    l->dim_codes = core_arena_zalloc(l->a, l->dsd.ndims * sizeof *l->dim_codes);
    l->dim_ids = core_arena_alloc(l->a, (l->dsd.ndims + 1) * sizeof *l->dim_ids);
    for (size_t d = 0; d < l->dsd.ndims; d++)
        l->dim_ids[d] = core_str_c(l->dsd.dims[d].id);
    l->freq_dim = -1;
    for (size_t d = 0; d < l->dsd.ndims; d++) {
        l->dim_codes[d].n = SIZE_MAX;
        if (strcmp(l->dsd.dims[d].id, "FREQ") == 0)
            l->freq_dim = (int)d;
        if (l->dsd.dims[d].codelist.kind == DSD_KIND_CODELIST) {
            core_err_t e = {0};
            if (load_codes(l, &l->dsd.dims[d].codelist, &l->dim_codes[d], &e) != CORE_OK)
                l->dim_codes[d].n = SIZE_MAX;
        }
    }
    l->attr_codes = core_arena_zalloc(l->a, (l->dsd.nattrs + 1) * sizeof *l->attr_codes);
    l->attr_ids = core_arena_alloc(l->a, (l->dsd.nattrs + 1) * sizeof *l->attr_ids);
    for (size_t i = 0; i < l->dsd.nattrs; i++)
        l->attr_ids[i] = core_str_c(l->dsd.attrs[i].id);
    for (size_t i = 0; i < 16; i++)
        l->attr_hint[i] = SIZE_MAX;
    for (size_t i = 0; i < l->dsd.nattrs; i++) {
        l->attr_codes[i].n = SIZE_MAX;
        core_err_t e = {0};
        if (l->dsd.attrs[i].codelist.kind == DSD_KIND_CODELIST &&
            load_codes(l, &l->dsd.attrs[i].codelist, &l->attr_codes[i], &e) != CORE_OK)
            l->attr_codes[i].n = SIZE_MAX;
    }
    dsd_ref_t targets[3] = {l->dsd.dsd, l->flow};
    size_t ntargets = 2;
    if (l->opts->agreement != NULL)
        targets[ntargets++] = *l->opts->agreement;
    struct targets tg = {targets, ntargets};
    const char *key = core_arena_printf(l->a, "constraints %s %s %s", dsd_ref_label(l->a, &targets[0]),
                                        dsd_ref_label(l->a, &targets[1]),
                                        ntargets > 2 ? dsd_ref_label(l->a, &targets[2]) : "-");
    void *cons;
    rc = sdmx__cache_get(l->opts->cache, l->v, l->a, key, build_constraints, &tg, &cons,
                         &l->nconstraints, err);
    if (rc != CORE_OK)
        return rc;
    l->constraints = cons;
    core_err_t e = {0};
    if (reg_cube_open(l->v, &l->flow, &l->stored, &e) != CORE_OK)
        l->stored = NULL;
    l->mand_obs = mandatory_mask(l, 1);
    l->mand_series = mandatory_mask(l, 0);
    l->numeric_measure = numeric_type(l->dsd.measure.text_type);
    l->cur.valid = 0;
    l->have_dsd = 1;
    *out = &l->dsd;
    return CORE_OK;
}

/* ---- checks beyond the key ------------------------------------------------------------------ */

/* Checks each attribute value (a DSD attribute; its code in the codelist) and returns the
 * set of DSD attributes given, one bit each (the first 64). */
/* The DSD attribute of attrs[i], or NULL. The same attributes come in the same order on
 * every observation, so the one met at position i last time is tried first. */
static const dsd_component_t *
attr_at(struct loader *l, const dsd_kv_t *attrs, size_t i)
{
    const dsd_component_t *c;
    if (i < 16 && l->attr_hint[i] < l->dsd.nattrs &&
        core_str_eq(attrs[i].id, l->attr_ids[l->attr_hint[i]]))
        return &l->dsd.attrs[l->attr_hint[i]];
    if ((c = dsd_structure_attr(&l->dsd, attrs[i].id)) != NULL && i < 16)
        l->attr_hint[i] = (size_t)(c - l->dsd.attrs);
    return c;
}

static uint64_t
check_attrs(struct loader *l, const dsd_kv_t *attrs, size_t n, const char *what, const char *key,
            long line)
{
    uint64_t mask = 0;
    for (size_t i = 0; i < n; i++) {
        const dsd_component_t *c = attr_at(l, attrs, i);
        if (c == NULL) {
            dsd_report_add(l->report, DSD_SEV_ERROR, "unknown-attribute", NULL,
                           "%s:%ld: %s%s: %.*s is not an attribute of %s", l->name, line, what, key,
                           CORE_STR_FMT(attrs[i].id), dsd_ref_label(l->a, &l->dsd.dsd));
            continue;
        }
        size_t k = (size_t)(c - l->dsd.attrs);
        if (k < 64)
            mask |= UINT64_C(1) << k;
        char why[256];
        if (attrs[i].value.len > 0 && !code_known(&l->attr_codes[k], attrs[i].value))
            dsd_report_add(l->report, DSD_SEV_ERROR, "unknown-code", NULL,
                           "%s:%ld: %s%s: %.*s is not a code of %s for attribute %s", l->name,
                           line, what, key, CORE_STR_FMT(attrs[i].value),
                           dsd_ref_label(l->a, &c->codelist), c->id);
        else if (attrs[i].value.len > 0 && c->codelist.kind == DSD_KIND_NONE &&
                 !dsd_text_check(&c->format, attrs[i].value, why, sizeof why))
            dsd_report_add(l->report, DSD_SEV_ERROR, "text-format", NULL,
                           "%s:%ld: %s%s: attribute %s: %s", l->name, line, what, key, c->id,
                           why);
    }
    return mask;
}

static uint64_t *
series_mask(struct loader *l, const char *key)
{
    uint64_t h1, h2;
    int added;
    size_t len = strlen(key);
    /* a series' observations come together: its slot is the last one asked for */
    if (l->mask_key != NULL && l->mask_key_len == len && memcmp(l->mask_key, key, len) == 0 &&
        l->mask_slot_gen == l->capseries_masks)
        return &l->mask_slot->value;
    hash2((core_str_t){key, len}, CORE_STR_NULL, &h1, &h2);
    struct slot *s = slot_of(l->a, &l->series_masks, &l->nseries_masks, &l->capseries_masks, h1,
                             h2, &added);
    if (len > l->mask_key_cap) {
        l->mask_key_cap = len * 2 + 16;
        l->mask_key = core_arena_alloc(l->a, l->mask_key_cap);
    }
    memcpy(l->mask_key, key, len);
    l->mask_key_len = len;
    l->mask_slot = s;
    l->mask_slot_gen = l->capseries_masks; /* a rehash moves slots */
    return &s->value;
}

/* The constraints' verdict on a series, reported once per series. */
static int
check_constraints(struct loader *l, const core_str_t *codes, const char *key, long line)
{
    if (l->nconstraints == 0)
        return 1;
    if (l->verdict_key != NULL && strcmp(l->verdict_key, key) == 0)
        return l->verdict;
    dsd_kv_t kv[64];
    for (size_t d = 0; d < l->dsd.ndims; d++)
        kv[d] = (dsd_kv_t){core_str_c(l->dsd.dims[d].id), codes[d]};
    l->verdict_key = core_arena_strndup(l->a, key, strlen(key));
    l->verdict = 1;
    for (size_t i = 0; i < l->nconstraints && l->verdict; i++) {
        if (dsd_constraint_allows(&l->constraints[i], kv, l->dsd.ndims))
            continue;
        l->verdict = 0;
        dsd_report_add(l->report, DSD_SEV_ERROR, "not-allowed", NULL,
                       "%s:%ld: series %s is outside what %s allows", l->name, line, key,
                       l->constraints[i].label);
    }
    return l->verdict;
}

/* The attributes already stored for the series and the observation: an update need not
 * repeat them. */
static uint64_t
stored_mask(struct loader *l, const core_str_t *codes, const unsigned char *pkey)
{
    uint64_t mask = 0;
    for (int level = 0; level < 2 && l->stored != NULL; level++) {
        core_str_t blob;
        core_err_t e = {0};
        if (reg_cube_stored_attrs(l->stored, codes, level ? pkey : NULL, &blob, &e) != CORE_OK)
            continue;
        dsd_kv_t kv;
        while (reg_attrs_next(&blob, &kv)) {
            const dsd_component_t *c = dsd_structure_attr(&l->dsd, kv.id);
            if (c != NULL && c - l->dsd.attrs < 64)
                mask |= UINT64_C(1) << (c - l->dsd.attrs);
        }
    }
    return mask;
}

static uint64_t
mandatory_mask(const struct loader *l, int obs_level)
{
    uint64_t m = 0;
    for (size_t i = 0; i < l->dsd.nattrs && i < 64; i++) {
        const dsd_component_t *c = &l->dsd.attrs[i];
        if (c->mandatory && c->attach != DSD_ATTACH_DATASET &&
            (c->attach == DSD_ATTACH_OBS) == obs_level)
            m |= UINT64_C(1) << i;
    }
    return m;
}

static void
report_missing(struct loader *l, const char *key, long line, uint64_t missing)
{
    for (size_t i = 0; i < l->dsd.nattrs && i < 64; i++)
        if ((missing >> i) & 1)
            dsd_report_add(l->report, DSD_SEV_ERROR, "missing-attribute", NULL,
                           "%s:%ld: series %s: the mandatory attribute %s has no value", l->name,
                           line, key, l->dsd.attrs[i].id);
}

/* Mandatory attributes: an observation's own must be on it (or stored with it); a series'
 * may come on the series, a group or the data set, in this message or already stored; those
 * still missing are settled by settle_mandatory() at the end. */
static int
check_mandatory(struct loader *l, const core_str_t *codes, const unsigned char *pkey,
                const char *key, uint64_t obs_mask, long line)
{
    uint64_t have = obs_mask | l->dataset_mask | l->group_mask | *series_mask(l, key);
    uint64_t need = (l->mand_obs | l->mand_series) & ~have;
    if (need != 0 && l->stored != NULL)
        need &= ~stored_mask(l, codes, pkey);
    uint64_t obs_missing = need & l->mand_obs;
    if (obs_missing != 0 && (l->reported_key == NULL || strcmp(l->reported_key, key) != 0)) {
        report_missing(l, key, line, obs_missing);
        l->reported_key = core_arena_strndup(l->a, key, strlen(key));
    }
    uint64_t series_missing = need & l->mand_series;
    if (series_missing != 0) {
        uint64_t h1, h2;
        int added;
        hash2(core_str_c(key), CORE_STR_NULL, &h1, &h2);
        slot_of(l->a, &l->pending_index, &l->npending_index, &l->cappending_index, h1, h2, &added);
        if (added) {
            core_arena_grow(l->a, (void **)&l->pending, l->npending, &l->cappending,
                            sizeof *l->pending);
            l->pending[l->npending++] =
                (struct pending){core_arena_strndup(l->a, key, strlen(key)), line, series_missing};
        }
    }
    return obs_missing == 0;
}

static void
settle_mandatory(struct loader *l)
{
    for (size_t i = 0; i < l->npending; i++) {
        struct pending *p = &l->pending[i];
        uint64_t have = l->dataset_mask | l->group_mask | *series_mask(l, p->key);
        if (p->need & ~have)
            report_missing(l, p->key, p->line, p->need & ~have);
    }
}

static core_rc
on_dataset(void *ctx, dsd_action action, const dsd_ref_t *structure, const dsd_kv_t *attrs,
           size_t nattrs, core_err_t *err)
{
    struct loader *l = ctx;
    (void)structure;
    if (l->opts->replace && action != DSD_ACTION_DELETE)
        action = DSD_ACTION_REPLACE;
    l->action = action;
    l->actions_seen |= 1 << action;
    l->at_dataset = *reg_cube_counts(l->t);
    l->nobs_at_dataset = l->nobs;
    l->cur.valid = 0;
    core_buf_reset(l->lifted); /* this data set may clear what the last one stored */
    l->lifted_values = NULL;   /* (the old table stays in the arena) */
    l->nlifted_values = l->caplifted_values = 0;
    l->dataset_mask |= check_attrs(l, attrs, nattrs, "the data set", "", 0);
    core_rc rc = reg_cube_select(l->t, &l->flow, l->dsd.ndims, err);
    if (rc == CORE_OK && action == DSD_ACTION_REPLACE)
        reg_cube_replace_begin(l->t); /* each series met replaces the stored one */
    if (rc == CORE_OK && nattrs > 0 && action != DSD_ACTION_DELETE)
        rc = reg_cube_put_dataset(l->t, attrs, nattrs, err);
    return rc;
}

/* Puts the key's values in DSD order; reports what is missing, unknown or not coded right.
 * Returns 0 when the key cannot be used. Partial keys (groups, deletions) leave NULLs. */
static int
order_key(struct loader *l, const dsd_kv_t *key, size_t n, core_str_t *codes, int partial,
          long line)
{
    int ok = 1;
    for (size_t d = 0; d < l->dsd.ndims; d++)
        codes[d] = CORE_STR_NULL;
    for (size_t i = 0; i < n; i++) {
        /* messages mostly give the key in DSD order: try the same position first */
        int d = i < l->dsd.ndims && core_str_eq(key[i].id, l->dim_ids[i])
                    ? (int)i
                    : dsd_structure_dim(&l->dsd, key[i].id);
        if (d < 0) {
            if (l->dsd.time.id && core_str_eq_c(key[i].id, l->dsd.time.id))
                continue;
            dsd_report_add(l->report, DSD_SEV_ERROR, "unknown-dimension", NULL,
                           "%s:%ld: %.*s is not a dimension of %s", l->name, line,
                           CORE_STR_FMT(key[i].id), dsd_ref_label(l->a, &l->dsd.dsd));
            ok = 0;
            continue;
        }
        codes[d] = key[i].value;
        if (!code_known(&l->dim_codes[d], key[i].value)) {
            dsd_report_add(l->report, DSD_SEV_ERROR, "unknown-code", NULL,
                           "%s:%ld: %.*s is not a code of %s for dimension %s", l->name, line,
                           CORE_STR_FMT(key[i].value),
                           dsd_ref_label(l->a, &l->dsd.dims[d].codelist), l->dsd.dims[d].id);
            ok = 0;
        }
    }
    for (size_t d = 0; d < l->dsd.ndims && !partial; d++) {
        if (codes[d].ptr == NULL) {
            dsd_report_add(l->report, DSD_SEV_ERROR, "missing-dimension", NULL,
                           "%s:%ld: the key has no value for dimension %s", l->name, line,
                           l->dsd.dims[d].id);
            ok = 0;
        }
    }
    return ok;
}

/* The series key as text ("A.N.SI_POV_DAY1..."), in a buffer reused for each observation,
 * so that memory does not grow with the message: valid until the next call. */
static const char *
key_string(struct loader *l, const core_str_t *codes)
{
    core_buf_reset(l->keybuf);
    for (size_t d = 0; d < l->dsd.ndims; d++) {
        if (d)
            core_buf_addc(l->keybuf, '.');
        core_buf_addstr(l->keybuf, codes[d]);
    }
    return core_buf_cstr(l->keybuf);
}

/* Whether key is the key of the last observation (see struct loader's cur). */
static int
same_key(const struct loader *l, const dsd_kv_t *key, size_t nkey)
{
    if (!l->cur.valid || nkey != l->cur.nkey)
        return 0;
    const char *raw = l->cur.raw->ptr;
    for (size_t i = 0; i < nkey; i++) {
        const core_str_t *s[2] = {&key[i].id, &key[i].value};
        for (size_t j = 0; j < 2; j++)
            if (s[j]->len != l->cur.len[2 * i + j] ||
                memcmp(s[j]->ptr, raw + l->cur.off[2 * i + j], s[j]->len) != 0)
                return 0;
    }
    return 1;
}

/* Keeps a checked key (complete, codes ordered) for the observations that follow. */
static void
remember_key(struct loader *l, const dsd_kv_t *key, size_t nkey, const core_str_t *codes)
{
    core_buf_t *raw = l->cur.raw;
    size_t coff[64];
    l->cur.valid = nkey <= 32;
    if (!l->cur.valid)
        return;
    core_buf_reset(raw);
    for (size_t i = 0; i < nkey; i++) {
        const core_str_t *s[2] = {&key[i].id, &key[i].value};
        for (size_t j = 0; j < 2; j++) {
            l->cur.off[2 * i + j] = raw->len;
            l->cur.len[2 * i + j] = s[j]->len;
            core_buf_addstr(raw, *s[j]);
        }
    }
    for (size_t d = 0; d < l->dsd.ndims; d++) {
        coff[d] = raw->len;
        core_buf_addstr(raw, codes[d]);
    }
    size_t koff = raw->len;
    core_buf_adds(raw, key_string(l, codes));
    core_buf_addc(raw, '\0');
    for (size_t d = 0; d < l->dsd.ndims; d++)
        l->cur.codes[d] = (core_str_t){raw->ptr + coff[d], codes[d].len};
    l->cur.key = raw->ptr + koff;
    l->cur.nkey = nkey;
    l->cur.verdict = -1;
}

/* What an upload may delete (see reg_cube_set_scope): a series the constraints allow. */
static int
allows_series(void *ctx, const core_str_t *codes)
{
    struct loader *l = ctx;
    dsd_kv_t kv[64];
    for (size_t d = 0; d < l->dsd.ndims && d < 64; d++)
        kv[d] = (dsd_kv_t){l->dim_ids[d], codes[d]};
    for (size_t i = 0; i < l->nconstraints; i++)
        if (!dsd_constraint_allows(&l->constraints[i], kv, l->dsd.ndims))
            return 0;
    return 1;
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
 * constraints and the provider's own series; a partial key deletes only the series that
 * are (see reg_cube_set_scope). */
static core_rc
delete_key(struct loader *l, const core_str_t *codes, const unsigned char *pkey, long line,
           core_err_t *err)
{
    int whole = 1;
    for (size_t d = 0; d < l->dsd.ndims; d++)
        whole &= codes[d].ptr != NULL;
    const char *k = whole ? key_string(l, codes) : NULL;
    if (whole && l->opts->agreement != NULL && !check_constraints(l, codes, k, line))
        return CORE_OK; /* reported */
    core_err_t e = {0};
    core_rc rc = reg_cube_delete(l->t, codes, pkey, &e);
    if (rc == CORE_EFORBIDDEN) {
        report_not_owner(l, k ? key_string(l, codes) : "?", line);
        return CORE_OK;
    }
    if (rc != CORE_OK)
        return core_fail(err, rc, "%s", e.msg);
    return CORE_OK;
}

static core_rc
on_series(void *ctx, const dsd_kv_t *key, size_t nkey, const dsd_kv_t *attrs, size_t nattrs,
          long line, core_err_t *err)
{
    struct loader *l = ctx;
    core_str_t codes[64];
    if (l->dsd.ndims > 64)
        return core_fail(err, CORE_ETOOBIG, "more than 64 dimensions");
    if (!order_key(l, key, nkey, codes, 1, line))
        return CORE_OK;
    int partial = 0;
    for (size_t d = 0; d < l->dsd.ndims; d++)
        partial |= codes[d].ptr == NULL;
    const char *k = key_string(l, codes);
    uint64_t mask = check_attrs(l, attrs, nattrs, partial ? "a group" : "series ",
                                partial ? "" : k, line);
    if (partial) { /* a group, or the series of a cross-section */
        l->group_mask |= mask;
        return l->action == DSD_ACTION_DELETE || nattrs == 0
                   ? CORE_OK
                   : reg_cube_put_group(l->t, codes, attrs, nattrs, err);
    }
    *series_mask(l, k) |= mask;
    if (l->action == DSD_ACTION_DELETE)
        return delete_key(l, codes, NULL, line, err);
    if (nattrs == 0) /* a key alone: nothing to add or replace */
        return CORE_OK;
    check_constraints(l, codes, k, line);
    /* writes go on after a problem: the transaction is dropped at the end, and writing keeps
     * duplicates detectable (see on_obs) */
    return owned_write(l, reg_cube_put_series(l->t, codes, attrs, nattrs, err), k, line, err);
}

static int
numeric_type(const char *t)
{
    static const char *const types[] = {"Double", "Float", "Decimal", "Integer", "Long", "Short",
                                        "BigInteger", "Count", "PositiveInteger", "Numeric"};
    if (t == NULL)
        return 1; /* the primary measure of SDMX 2.1 defaults to numbers */
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(t, types[i]) == 0)
            return 1;
    return 0;
}

/* A plain decimal ([+-]digits[.digits]) is a finite number whatever strtod would say; only
 * the rest (exponents, NaN, odd forms) goes through strtod. */
static int
is_plain_decimal(core_str_t v)
{
    size_t i = v.len > 0 && (v.ptr[0] == '-' || v.ptr[0] == '+'), digits = 0, dots = 0;
    for (; i < v.len; i++) {
        if (v.ptr[i] >= '0' && v.ptr[i] <= '9')
            digits++;
        else if (v.ptr[i] == '.' && dots++ == 0)
            continue;
        else
            return 0;
    }
    return digits > 0 && v.len < 300;
}

static int
is_number(core_str_t v)
{
    char buf[64];
    if (is_plain_decimal(v))
        return 1;
    if (v.len == 0 || v.len >= sizeof buf)
        return 0;
    memcpy(buf, v.ptr, v.len);
    buf[v.len] = '\0';
    if (strcmp(buf, "NaN") == 0)
        return 1;
    char *end;
    double d = strtod(buf, &end);
    return *end == '\0' && isfinite(d) && buf[0] != ' ' && strchr(buf, 'x') == NULL &&
           strchr(buf, 'X') == NULL && strpbrk(buf, "iInN") == NULL;
}

/* An attribute of the series (or of the data set: key "") that came on an observation:
 * every observation of the message that gives it must give the same value. */
static void
check_lifted(struct loader *l, const char *key, const dsd_kv_t *kv, long line)
{
    if (kv->value.len == 0)
        return; /* not given on this row */
    uint64_t h1, h2, hv, unused;
    int added;
    hash2((core_str_t){key, strlen(key) + 1}, kv->id, &h1, &h2); /* (the NUL separates) */
    hash2(kv->value, CORE_STR_NULL, &hv, &unused);
    struct slot *s = slot_of(l->a, &l->lifted_values, &l->nlifted_values, &l->caplifted_values,
                             h1, h2, &added);
    if (added)
        s->value = hv;
    else if (s->value != hv)
        dsd_report_add(l->report, DSD_SEV_ERROR, "conflicting-attribute", NULL,
                       "%s:%ld: %s%s: %.*s is '%.*s' here, but another observation of the %s "
                       "in this message gives it another value",
                       l->name, line, *key ? "series " : "the data set", key,
                       CORE_STR_FMT(kv->id), CORE_STR_FMT(kv->value),
                       *key ? "series" : "data set");
}

/* SDMX-CSV rows and flat messages carry every attribute on each observation. Those the DSD
 * attaches to the series (or a group, or the data set) are stored there, so that they are
 * written at their level and not repeated on every observation; they are stored again only
 * when they differ from the last observation's, and must not differ between observations of
 * one series. nattrs is at most LIFT_MAX. */
#define LIFT_MAX 64
static core_rc
lift_attrs(struct loader *l, const core_str_t *codes, const char *key, const dsd_kv_t *attrs,
           size_t nattrs, dsd_kv_t *obs, size_t *nobs, long line, core_err_t *err)
{
    dsd_kv_t up[LIFT_MAX], ds[LIFT_MAX];
    size_t nup = 0, nds = 0;
    *nobs = 0;
    for (size_t i = 0; i < nattrs; i++) {
        const dsd_component_t *c = attr_at(l, attrs, i);
        dsd_attach a = c ? c->attach : DSD_ATTACH_OBS;
        if (a == DSD_ATTACH_OBS)
            obs[(*nobs)++] = attrs[i];
        else if (a == DSD_ATTACH_DATASET)
            ds[nds++] = attrs[i];
        else
            up[nup++] = attrs[i];
    }
    if (nup + nds == 0)
        return CORE_OK;
    core_buf_t sig;
    core_buf_init(&sig);
    core_buf_adds(&sig, key);
    for (size_t i = 0; i < nup + nds; i++) {
        const dsd_kv_t *kv = i < nup ? &up[i] : &ds[i - nup];
        core_buf_addc(&sig, '\0');
        core_buf_addstr(&sig, kv->id);
        core_buf_addc(&sig, '=');
        core_buf_addstr(&sig, kv->value);
    }
    int same = sig.len == l->lifted->len && memcmp(sig.ptr, l->lifted->ptr, sig.len) == 0;
    core_buf_reset(l->lifted);
    core_buf_add(l->lifted, sig.ptr, sig.len);
    core_buf_dispose(&sig);
    if (same)
        return CORE_OK;
    for (size_t i = 0; i < nup + nds; i++)
        check_lifted(l, i < nup ? key : "", i < nup ? &up[i] : &ds[i - nup], line);
    core_rc rc = nup ? owned_write(l, reg_cube_put_series(l->t, codes, up, nup, err), key, line,
                                   err)
                     : CORE_OK;
    if (rc == CORE_OK && nds)
        rc = reg_cube_put_dataset(l->t, ds, nds, err);
    return rc;
}

static core_rc
on_obs(void *ctx, const dsd_kv_t *key, size_t nkey, core_str_t period, core_str_t value,
       const dsd_kv_t *attrs, size_t nattrs, long line, core_err_t *err)
{
    struct loader *l = ctx;
    core_str_t given[64];
    const core_str_t *codes = l->cur.codes;
    if (l->dsd.ndims > 64)
        return core_fail(err, CORE_ETOOBIG, "more than 64 dimensions");
    l->nobs++;
    int deleting = l->action == DSD_ACTION_DELETE;
    int ok = !deleting && same_key(l, key, nkey);
    if (!ok) {
        l->cur.valid = 0;
        ok = order_key(l, key, nkey, given, deleting, line);
        codes = given;
        if (ok && !deleting) {
            remember_key(l, key, nkey, given);
            codes = l->cur.valid ? l->cur.codes : given;
        }
    }
    const char *k = l->cur.valid ? l->cur.key : NULL;
    dsd_period_t p;
    core_err_t pe = {0};
    if (period.len == 0) {
        dsd_report_add(l->report, DSD_SEV_ERROR, "missing-period", NULL,
                       "%s:%ld: an observation without a time period", l->name, line);
        ok = 0;
    } else if (dsd_period_parse(period, &p, &pe) != CORE_OK) {
        dsd_report_add(l->report, DSD_SEV_ERROR, "bad-period", NULL, "%s:%ld: %s", l->name, line,
                       pe.msg);
        ok = 0;
    } else if (l->freq_dim >= 0 && codes[l->freq_dim].ptr != NULL &&
               dsd_period_check_freq(&p, codes[l->freq_dim], &pe) != CORE_OK) {
        dsd_report_add(l->report, DSD_SEV_ERROR, "period-frequency", NULL, "%s:%ld: %s", l->name,
                       line, pe.msg);
        ok = 0;
    }
    if (!deleting && value.len > 0 && l->numeric_measure && !is_number(value)) {
        dsd_report_add(l->report, DSD_SEV_ERROR, "not-numeric", NULL,
                       "%s:%ld: %s is '%.*s', which is not a number", l->name, line,
                       l->dsd.measure.id, CORE_STR_FMT(value));
        ok = 0;
    }
    unsigned char pkey[DSD_PERIOD_KEY];
    if (ok) /* (ok: the period parsed) */
        dsd_period_key(&p, pkey);
    if (ok && !deleting) {
        if (k == NULL)
            k = key_string(l, codes);
        uint64_t mask = check_attrs(l, attrs, nattrs, "series ", k, line);
        int verdict = l->cur.valid && l->cur.verdict >= 0 ? l->cur.verdict
                                                          : check_constraints(l, codes, k, line);
        if (l->cur.valid)
            l->cur.verdict = verdict;
        ok &= verdict;
        ok &= check_mandatory(l, codes, pkey, k, mask, line);
    }
    if (!ok)
        return CORE_OK; /* keep reading to report every problem; nothing will be written */
    if (deleting)
        return delete_key(l, codes, pkey, line, err);
    if (k == NULL || !l->cur.valid)
        k = key_string(l, codes);
    dsd_kv_t own[LIFT_MAX];
    if (nattrs <= LIFT_MAX) { /* (more are kept as they came) */
        size_t nown;
        core_rc rc = lift_attrs(l, codes, k, attrs, nattrs, own, &nown, line, err);
        if (rc != CORE_OK)
            return rc;
        attrs = own;
        nattrs = nown;
    }
    int twice;
    twice = 0;
    core_rc rc = owned_write(
        l, reg_cube_put_obs(l->t, codes, pkey, period, value, attrs, nattrs, &twice, err), k,
        line, err);
    if (rc == CORE_OK && twice)
        dsd_report_add(l->report, DSD_SEV_ERROR, "duplicate-observation", NULL,
                       "%s:%ld: series %s has period %.*s twice in this message", l->name, line,
                       k, CORE_STR_FMT(period));
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
    /* a replace deletes what was not sent again: its deletions count with it */
    core_rc rc = l->action == DSD_ACTION_REPLACE ? reg_cube_replace_end(l->t, err) : CORE_OK;
    if (rc != CORE_OK)
        return rc;
    const reg_cube_counts_t *now = reg_cube_counts(l->t);
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

/* Picks the reader from the first byte that is not white space (after a UTF-8 BOM):
 * '<' SDMX-ML, '{' SDMX-JSON, anything else SDMX-CSV. */
static core_rc
read_any(core_arena_t *a, core_str_t body, const char *name, const dsd_events_t *ev,
         core_err_t *err)
{
    size_t i = body.len >= 3 && memcmp(body.ptr, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < body.len && (body.ptr[i] == ' ' || body.ptr[i] == '\t' || body.ptr[i] == '\r' ||
                            body.ptr[i] == '\n'))
        i++;
    if (i < body.len && body.ptr[i] == '<')
        return sdmx_data_read_xml(a, body.ptr, body.len, name, ev, err);
    if (i < body.len && body.ptr[i] == '{')
        return sdmx_data_read_json(a, body.ptr, body.len, name, ev, err);
    return sdmx_data_read_csv(a, body.ptr, body.len, name, ev, err);
}

static void
free_buf(void *b)
{
    core_buf_dispose(b);
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
sdmx_data_load(reg_t *r, core_arena_t *a, core_str_t body, const char *name,
               const sdmx_load_opts_t *opts, sdmx_load_stats_t *stats, dsd_report_t *report,
               core_err_t *err)
{
    struct loader l = {.a = a, .name = name, .flow_override = opts->flow, .opts = opts,
                       .report = report};
    l.keybuf = core_arena_zalloc(a, sizeof *l.keybuf);
    core_arena_defer(a, free_buf, l.keybuf);
    l.cur.raw = core_arena_zalloc(a, sizeof *l.cur.raw);
    core_arena_defer(a, free_buf, l.cur.raw);
    l.lifted = core_arena_zalloc(a, sizeof *l.lifted);
    core_arena_defer(a, free_buf, l.lifted);
    core_rc rc = reg_view_begin(r, a, &l.v, err);
    if (rc != CORE_OK)
        return rc;
    if ((rc = reg_cube_begin(r, a, &l.t, err)) != CORE_OK)
        return rc;
    if (opts->provider.ptr != NULL)
        reg_cube_set_provider(l.t, opts->provider_scheme->agency, opts->provider);
    if (opts->agreement != NULL) /* an upload: deletes as it writes, within its rights */
        reg_cube_set_scope(l.t, allows_series, &l);
    dsd_events_t ev = {&l, on_resolve, on_dataset, on_series, on_obs, on_dataset_end, NULL};
    if (opts->consumed != NULL)
        ev.consumed = on_consumed; /* (not for a converted 2.0 message: another buffer) */
    const char *kind = body.len && body.ptr[0] != '{' ? sdmx_message_kind(body.ptr, body.len) : NULL;
    if (kind != NULL && strstr(kind, "20") != NULL) {
        if ((rc = sdmx_convert_20(a, body, name, &body, err)) != CORE_OK) {
            reg_cube_abort(l.t);
            return rc;
        }
        ev.consumed = NULL;
        /* places in reports are those of the converted message, an element a line */
        l.name = name = core_arena_printf(a, "%s (as SDMX-ML 2.1)", name);
    }
    /* a large message is parsed on a second core while this one checks and writes */
    rc = body.len >= RELAY_MIN ? sdmx__relay_read(a, read_any, body, name, &ev, err)
                               : read_any(a, body, name, &ev, err);
    if (rc == CORE_OK && l.have_dsd)
        settle_mandatory(&l);
    if (rc == CORE_OK && report->nerrors > 0)
        rc = core_fail(err, CORE_ESEMANTIC, "%s: %zu problem(s); nothing was stored", name,
                       report->nerrors);
    if (rc != CORE_OK) {
        reg_cube_abort(l.t);
        return rc;
    }
    const reg_cube_counts_t *c = reg_cube_counts(l.t);
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
        reg_cube_abort(l.t);
        return CORE_OK;
    }
    if (opts->submitter != NULL &&
        (rc = reg_cube_log_submission(l.t, submission_record(&l, stats), err)) != CORE_OK)
        return rc;
    return reg_cube_commit(l.t, err);
}
