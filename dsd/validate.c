#include <config.h>
#include "validate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The checks of sdmx_data_load, without the store: dimensions complete, codes in their
 * codelists, keys inside the constraints, mandatory attributes, text formats, periods valid
 * for FREQ, numeric values, one value per series attribute. */

/* The attributes of one observation sorted by level at most; more are kept as they came. */
#define LIFT_MAX 64
/* Sets of attributes are 64-bit masks (one per series, one per pending series...): each
 * attribute the mandatory checks follow (mandatory, not on the data set) has a bit, the others
 * none, so that a DSD may have any number of attributes, up to MASK_BITS of them mandatory. */
#define MASK_BITS 64
/* The longest key (pairs of id and value as given) kept for the observations that follow. */
#define CUR_MAX_KEY 32

struct codes {
    const char *const *ids; /* sorted */
    size_t n;               /* SIZE_MAX: any code */
    char last[64];          /* the last code found known, so that a series' observations skip
                               the lookup; empty when none */
    size_t last_len;
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

struct dsd_valid {
    core_arena_t *a;
    dsd_report_t *report;
    const char *name;
    const dsd_structure_t *dsd;
    const dsd_constraint_t *constraints;
    size_t nconstraints;
    int constrain_deletes;
    dsd_valid_store_t store;
    struct codes *dim_codes;    /* per dimension */
    struct codes *attr_codes;   /* per attribute */
    core_str_t *dim_ids;        /* the dimensions' ids as slices */
    core_str_t *attr_ids;       /* the attributes' ids as slices */
    int *attr_bit;              /* per attribute, its bit in the masks, or -1 (see MASK_BITS) */
    size_t bit_attr[MASK_BITS]; /* per bit, its attribute */
    size_t nbits;
    int too_many_mandatory; /* more than MASK_BITS: refused, see mandatory_bits() */
    size_t attr_hint[16];   /* the attribute met at each position last time */
    int freq_dim;
    int numeric_measure; /* OBS_VALUE must be a number */
    dsd_action action;
    char *verdict_key;                 /* the last series key checked against the constraints */
    int verdict;                       /* its verdict: 1 allowed */
    char *reported_key;                /* the last series whose missing attributes were reported */
    uint64_t dataset_mask, group_mask; /* attributes given for everything, for some groups */
    uint64_t mand_obs, mand_series;    /* see mandatory_mask() */
    uint64_t exempt, attrs_met; /* mandatory attributes explicit measures spare; attributes met */
    int explicit_measures;      /* the message gives its measures explicitly (xsi:type) */
    struct slot *series_masks;         /* series key hash -> attributes given on the series */
    char *mask_key;                    /* the key of mask_slot, see series_mask() */
    size_t mask_key_len, mask_key_cap, mask_slot_gen;
    struct slot *mask_slot;
    size_t nseries_masks, capseries_masks;
    /* series whose mandatory attributes were not there at their first observation: a
     * message may give them later (SDMX-JSON puts a series' attributes after its
     * observations), so they are settled at the end */
    struct pending *pending;
    size_t npending, cappending;
    struct slot *pending_index;
    size_t npending_index, cappending_index;
    core_buf_t *keybuf; /* see key_string() */
    /* The key of the last observation, when it passed its checks: the next observations of
     * the same series (the usual order) skip ordering, checking and printing it again. */
    struct {
        int valid;
        size_t nkey;
        core_buf_t *raw; /* the ids and values as given, the codes, the printed key */
        /* of each id and value as given, in raw (2 per key value) */
        size_t off[2 * CUR_MAX_KEY], len[2 * CUR_MAX_KEY];
        core_str_t codes[DSD_MAX_DIMS]; /* in DSD order, into raw */
        const char *key;                /* printed, into raw */
        int verdict;                    /* of the constraints; -1 not asked yet */
    } cur;
    core_str_t given[DSD_MAX_DIMS]; /* the key of the event in DSD order, when not cur's */
    core_buf_t *lifted;             /* see lift_attrs(): the series key and values last stored */
    struct slot *lifted_values;     /* see check_lifted(): (series, attribute) -> value hash */
    size_t nlifted_values, caplifted_values;
    dsd_kv_t own[LIFT_MAX], up[LIFT_MAX], ds[LIFT_MAX]; /* see lift_attrs() */
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

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
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

static int
numeric_type(const char *t)
{
    static const char *const types[] = {
        "Double", "Float",      "Decimal", "Integer",         "Long",
        "Short",  "BigInteger", "Count",   "PositiveInteger", "Numeric"};
    if (t == NULL)
        return 1; /* the primary measure of SDMX 2.1 defaults to numbers */
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(t, types[i]) == 0)
            return 1;
    return 0;
}

/* Gives each mandatory attribute (but those of the data set) its bit, in DSD order, and
 * sets the masks of those due on each observation and on each series. */
static void
mandatory_bits(dsd_valid_t *v)
{
    const dsd_structure_t *s = v->dsd;
    v->attr_bit = core_arena_alloc(v->a, (s->nattrs + 1) * sizeof *v->attr_bit);
    for (size_t i = 0; i < s->nattrs; i++) {
        const dsd_component_t *c = &s->attrs[i];
        v->attr_bit[i] = -1;
        if (!c->mandatory || c->attach == DSD_ATTACH_DATASET)
            continue;
        if (v->nbits == MASK_BITS) {
            v->too_many_mandatory = 1;
            continue;
        }
        v->bit_attr[v->nbits] = i;
        v->attr_bit[i] = (int)v->nbits;
        if (v->explicit_measures && c->by_measure)
            v->exempt |= UINT64_C(1) << v->nbits; /* followed, not required */
        else if (c->attach == DSD_ATTACH_OBS)
            v->mand_obs |= UINT64_C(1) << v->nbits;
        else
            v->mand_series |= UINT64_C(1) << v->nbits;
        v->nbits++;
    }
}

/* The mask of attribute k alone (0 when the mandatory checks need not follow it). */
static uint64_t
attr_mask(const dsd_valid_t *v, size_t k)
{
    return v->attr_bit[k] >= 0 ? UINT64_C(1) << v->attr_bit[k] : 0;
}

static void
free_buf(void *b)
{
    core_buf_dispose(b);
}

static core_buf_t *
arena_buf(core_arena_t *a)
{
    core_buf_t *b = core_arena_zalloc(a, sizeof *b);
    core_arena_defer(a, free_buf, b);
    return b;
}

/* Per component, its codes (n SIZE_MAX for none) and its id as a slice. */
static void
init_codes(core_arena_t *a, const dsd_component_t *comps, size_t n, const dsd_codeset_t *sets,
           struct codes **codes, core_str_t **ids)
{
    *codes = core_arena_zalloc(a, (n + 1) * sizeof **codes);
    *ids = core_arena_alloc(a, (n + 1) * sizeof **ids);
    for (size_t i = 0; i < n; i++) {
        (*ids)[i] = core_str_c(comps[i].id);
        (*codes)[i].n = SIZE_MAX;
        if (sets != NULL && sets[i].n != SIZE_MAX) {
            (*codes)[i].ids = sets[i].ids;
            (*codes)[i].n = sets[i].n;
        }
    }
}

dsd_valid_t *
dsd_valid_new(core_arena_t *a, dsd_report_t *report, const dsd_valid_input_t *in)
{
    dsd_valid_t *v = core_arena_zalloc(a, sizeof *v);
    const dsd_structure_t *s = in->structure;
    v->a = a;
    v->report = report;
    v->name = in->name;
    v->dsd = s;
    v->constraints = in->constraints;
    v->nconstraints = in->nconstraints;
    v->constrain_deletes = in->constrain_deletes;
    v->store = in->store;
    init_codes(a, s->dims, s->ndims, in->dim_codes, &v->dim_codes, &v->dim_ids);
    init_codes(a, s->attrs, s->nattrs, in->attr_codes, &v->attr_codes, &v->attr_ids);
    v->freq_dim = -1;
    for (size_t d = 0; d < s->ndims; d++)
        if (strcmp(s->dims[d].id, "FREQ") == 0)
            v->freq_dim = (int)d;
    for (size_t i = 0; i < 16; i++)
        v->attr_hint[i] = SIZE_MAX;
    v->explicit_measures = in->explicit_measures;
    mandatory_bits(v);
    v->numeric_measure = numeric_type(s->measure.text_type);
    v->keybuf = arena_buf(a);
    v->cur.raw = arena_buf(a);
    v->lifted = arena_buf(a);
    return v;
}

/* ---- attributes ------------------------------------------------------------------------ */

/* The DSD attribute of attrs[i], or NULL. The same attributes come in the same order on
 * every observation, so the one met at position i last time is tried first. */
static const dsd_component_t *
attr_at(dsd_valid_t *v, const dsd_kv_t *attrs, size_t i)
{
    const dsd_component_t *c;
    if (i < 16 && v->attr_hint[i] < v->dsd->nattrs &&
        core_str_eq(attrs[i].id, v->attr_ids[v->attr_hint[i]]))
        return &v->dsd->attrs[v->attr_hint[i]];
    if ((c = dsd_structure_attr(v->dsd, attrs[i].id)) != NULL && i < 16)
        v->attr_hint[i] = (size_t)(c - v->dsd->attrs);
    return c;
}

/* Checks each attribute value (a DSD attribute; its code in the codelist, or its text
 * format) and returns the set of DSD attributes given (see MASK_BITS). */
static uint64_t
check_attrs(dsd_valid_t *v, const dsd_kv_t *attrs, size_t n, const char *what, const char *key,
            long line)
{
    uint64_t mask = 0;
    for (size_t i = 0; i < n; i++) {
        const dsd_component_t *c = attr_at(v, attrs, i);
        if (c == NULL) {
            dsd_report_add(v->report, DSD_SEV_ERROR, "unknown-attribute", NULL,
                           "%s:%ld: %s%s: %.*s is not an attribute of %s", v->name, line, what, key,
                           CORE_STR_FMT(attrs[i].id), dsd_ref_label(v->a, &v->dsd->dsd));
            continue;
        }
        size_t k = (size_t)(c - v->dsd->attrs);
        mask |= attr_mask(v, k);
        char why[256];
        if (attrs[i].value.len > 0 && !code_known(&v->attr_codes[k], attrs[i].value))
            dsd_report_add(v->report, DSD_SEV_ERROR, "unknown-code", NULL,
                           "%s:%ld: %s%s: %.*s is not a code of %s for attribute %s", v->name, line,
                           what, key, CORE_STR_FMT(attrs[i].value),
                           dsd_ref_label(v->a, &c->codelist), c->id);
        else if (attrs[i].value.len > 0 && c->codelist.kind == DSD_KIND_NONE &&
                 !dsd_text_check(&c->format, attrs[i].value, why, sizeof why))
            dsd_report_add(v->report, DSD_SEV_ERROR, "text-format", NULL,
                           "%s:%ld: %s%s: attribute %s: %s", v->name, line, what, key, c->id, why);
    }
    v->attrs_met |= mask;
    return mask;
}

/* The attributes given on the series key so far. */
static uint64_t *
series_mask(dsd_valid_t *v, const char *key)
{
    uint64_t h1, h2;
    int added;
    size_t len = strlen(key);
    /* a series' observations come together: its slot is the last one asked for */
    if (v->mask_key != NULL && v->mask_key_len == len && memcmp(v->mask_key, key, len) == 0 &&
        v->mask_slot_gen == v->capseries_masks)
        return &v->mask_slot->value;
    hash2((core_str_t){key, len}, CORE_STR_NULL, &h1, &h2);
    struct slot *s =
        slot_of(v->a, &v->series_masks, &v->nseries_masks, &v->capseries_masks, h1, h2, &added);
    if (len > v->mask_key_cap) {
        v->mask_key_cap = len * 2 + 16;
        v->mask_key = core_arena_alloc(v->a, v->mask_key_cap);
    }
    memcpy(v->mask_key, key, len);
    v->mask_key_len = len;
    v->mask_slot = s;
    v->mask_slot_gen = v->capseries_masks; /* a rehash moves slots */
    return &s->value;
}

/* ---- constraints ----------------------------------------------------------------------- */

int
dsd_valid_allows(const dsd_valid_t *v, const core_str_t *codes)
{
    dsd_kv_t kv[DSD_MAX_DIMS];
    for (size_t d = 0; d < v->dsd->ndims && d < DSD_MAX_DIMS; d++)
        kv[d] = (dsd_kv_t){v->dim_ids[d], codes[d]};
    for (size_t i = 0; i < v->nconstraints; i++)
        if (!dsd_constraint_allows(&v->constraints[i], kv, v->dsd->ndims))
            return 0;
    return 1;
}

/* The constraints' verdict on a series, reported once per series. */
static int
check_constraints(dsd_valid_t *v, const core_str_t *codes, const char *key, long line)
{
    if (v->nconstraints == 0)
        return 1;
    if (v->verdict_key != NULL && strcmp(v->verdict_key, key) == 0)
        return v->verdict;
    dsd_kv_t kv[DSD_MAX_DIMS];
    for (size_t d = 0; d < v->dsd->ndims; d++)
        kv[d] = (dsd_kv_t){v->dim_ids[d], codes[d]};
    v->verdict_key = core_arena_strndup(v->a, key, strlen(key));
    v->verdict = 1;
    for (size_t i = 0; i < v->nconstraints && v->verdict; i++) {
        if (dsd_constraint_allows(&v->constraints[i], kv, v->dsd->ndims))
            continue;
        v->verdict = 0;
        dsd_report_add(v->report, DSD_SEV_ERROR, "not-allowed", NULL,
                       "%s:%ld: series %s is outside what %s allows", v->name, line, key,
                       v->constraints[i].label);
    }
    return v->verdict;
}

/* ---- mandatory attributes -------------------------------------------------------------- */

struct stored {
    const dsd_valid_t *v;
    uint64_t mask;
};

static void
add_stored(void *arg, core_str_t id)
{
    struct stored *s = arg;
    const dsd_component_t *c = dsd_structure_attr(s->v->dsd, id);
    if (c != NULL)
        s->mask |= attr_mask(s->v, (size_t)(c - s->v->dsd->attrs));
}

/* The attributes already stored for the series and the observation: an update need not
 * repeat them. */
static uint64_t
stored_mask(dsd_valid_t *v, const core_str_t *codes, const unsigned char *pkey)
{
    struct stored s = {v, 0};
    for (int level = 0; level < 2; level++)
        v->store.stored_attrs(v->store.ctx, codes, level ? pkey : NULL, add_stored, &s);
    return s.mask;
}

static void
report_missing(dsd_valid_t *v, const char *key, long line, uint64_t missing)
{
    for (size_t b = 0; b < v->nbits; b++)
        if ((missing >> b) & 1)
            dsd_report_add(v->report, DSD_SEV_ERROR, "missing-attribute", NULL,
                           "%s:%ld: series %s: the mandatory attribute %s has no value", v->name,
                           line, key, v->dsd->attrs[v->bit_attr[b]].id);
}

/* Mandatory attributes: an observation's own must be on it (or stored with it); a series'
 * may come on the series, a group or the data set, in this message or already stored; those
 * still missing are settled by dsd_valid_end(). */
static int
check_mandatory(dsd_valid_t *v, const core_str_t *codes, const unsigned char *pkey, const char *key,
                uint64_t obs_mask, long line)
{
    uint64_t have = obs_mask | v->dataset_mask | v->group_mask | *series_mask(v, key);
    uint64_t need = (v->mand_obs | v->mand_series) & ~have;
    if (need != 0 && v->store.stored_attrs != NULL)
        need &= ~stored_mask(v, codes, pkey);
    uint64_t obs_missing = need & v->mand_obs;
    if (obs_missing != 0 && (v->reported_key == NULL || strcmp(v->reported_key, key) != 0)) {
        report_missing(v, key, line, obs_missing);
        v->reported_key = core_arena_strndup(v->a, key, strlen(key));
    }
    uint64_t series_missing = need & v->mand_series;
    if (series_missing != 0) {
        uint64_t h1, h2;
        int added;
        hash2(core_str_c(key), CORE_STR_NULL, &h1, &h2);
        slot_of(v->a, &v->pending_index, &v->npending_index, &v->cappending_index, h1, h2, &added);
        if (added) {
            core_arena_grow(v->a, (void **)&v->pending, v->npending, &v->cappending,
                            sizeof *v->pending);
            v->pending[v->npending++] =
                (struct pending){core_arena_strndup(v->a, key, strlen(key)), line, series_missing};
        }
    }
    return obs_missing == 0;
}

void
dsd_valid_end(dsd_valid_t *v)
{
    for (size_t i = 0; i < v->npending; i++) {
        struct pending *p = &v->pending[i];
        uint64_t have = v->dataset_mask | v->group_mask | *series_mask(v, p->key);
        if (p->need & ~have)
            report_missing(v, p->key, p->line, p->need & ~have);
    }
    for (size_t i = 0; i < v->dsd->nattrs; i++)
        if (attr_mask(v, i) & v->exempt & ~v->attrs_met)
            dsd_report_add(v->report, DSD_SEV_WARNING, "explicit-measure-attribute", v->name,
                           "the mandatory attribute %s (of the measure dimension alone) was not "
                           "given: with explicit measures the measure's type stands for it",
                           v->dsd->attrs[i].id);
}

/* ---- keys ------------------------------------------------------------------------------ */

/* Puts the key's values in DSD order; reports what is missing, unknown or not coded right.
 * Returns 0 when the key cannot be used. Partial keys (groups, deletions) leave NULLs. */
static int
order_key(dsd_valid_t *v, const dsd_kv_t *key, size_t n, core_str_t *codes, int partial, long line)
{
    const dsd_structure_t *s = v->dsd;
    int ok = 1;
    for (size_t d = 0; d < s->ndims; d++)
        codes[d] = CORE_STR_NULL;
    for (size_t i = 0; i < n; i++) {
        /* messages mostly give the key in DSD order: try the same position first */
        int d = i < s->ndims && core_str_eq(key[i].id, v->dim_ids[i])
                    ? (int)i
                    : dsd_structure_dim(s, key[i].id);
        if (d < 0) {
            if (s->time.id && core_str_eq_c(key[i].id, s->time.id))
                continue;
            dsd_report_add(v->report, DSD_SEV_ERROR, "unknown-dimension", NULL,
                           "%s:%ld: %.*s is not a dimension of %s", v->name, line,
                           CORE_STR_FMT(key[i].id), dsd_ref_label(v->a, &s->dsd));
            ok = 0;
            continue;
        }
        codes[d] = key[i].value;
        if (!code_known(&v->dim_codes[d], key[i].value)) {
            dsd_report_add(v->report, DSD_SEV_ERROR, "unknown-code", NULL,
                           "%s:%ld: %.*s is not a code of %s for dimension %s", v->name, line,
                           CORE_STR_FMT(key[i].value), dsd_ref_label(v->a, &s->dims[d].codelist),
                           s->dims[d].id);
            ok = 0;
        }
    }
    for (size_t d = 0; d < s->ndims && !partial; d++) {
        if (codes[d].ptr == NULL) {
            dsd_report_add(v->report, DSD_SEV_ERROR, "missing-dimension", NULL,
                           "%s:%ld: the key has no value for dimension %s", v->name, line,
                           s->dims[d].id);
            ok = 0;
        }
    }
    return ok;
}

/* The series key as text ("A.N.SI_POV_DAY1..."), in a buffer reused for each observation,
 * so that memory does not grow with the message: valid until the next call. */
static const char *
key_string(dsd_valid_t *v, const core_str_t *codes)
{
    core_buf_reset(v->keybuf);
    for (size_t d = 0; d < v->dsd->ndims; d++) {
        if (d)
            core_buf_addc(v->keybuf, '.');
        core_buf_addstr(v->keybuf, codes[d]);
    }
    return core_buf_cstr(v->keybuf);
}

/* Whether key is the key of the last observation (see struct dsd_valid's cur). */
static int
same_key(const dsd_valid_t *v, const dsd_kv_t *key, size_t nkey)
{
    if (!v->cur.valid || nkey != v->cur.nkey)
        return 0;
    const char *raw = v->cur.raw->ptr;
    for (size_t i = 0; i < nkey; i++) {
        const core_str_t *s[2] = {&key[i].id, &key[i].value};
        for (size_t j = 0; j < 2; j++)
            if (s[j]->len != v->cur.len[2 * i + j] ||
                memcmp(s[j]->ptr, raw + v->cur.off[2 * i + j], s[j]->len) != 0)
                return 0;
    }
    return 1;
}

/* Keeps a checked key (complete, codes ordered) for the observations that follow. */
static void
remember_key(dsd_valid_t *v, const dsd_kv_t *key, size_t nkey, const core_str_t *codes)
{
    core_buf_t *raw = v->cur.raw;
    size_t coff[DSD_MAX_DIMS];
    v->cur.valid = nkey <= CUR_MAX_KEY;
    if (!v->cur.valid)
        return;
    core_buf_reset(raw);
    for (size_t i = 0; i < nkey; i++) {
        const core_str_t *s[2] = {&key[i].id, &key[i].value};
        for (size_t j = 0; j < 2; j++) {
            v->cur.off[2 * i + j] = raw->len;
            v->cur.len[2 * i + j] = s[j]->len;
            core_buf_addstr(raw, *s[j]);
        }
    }
    for (size_t d = 0; d < v->dsd->ndims; d++) {
        coff[d] = raw->len;
        core_buf_addstr(raw, codes[d]);
    }
    size_t koff = raw->len;
    core_buf_adds(raw, key_string(v, codes));
    core_buf_addc(raw, '\0');
    for (size_t d = 0; d < v->dsd->ndims; d++)
        v->cur.codes[d] = (core_str_t){raw->ptr + coff[d], codes[d].len};
    v->cur.key = raw->ptr + koff;
    v->cur.nkey = nkey;
    v->cur.verdict = -1;
}

/* ---- events ---------------------------------------------------------------------------- */

void
dsd_valid_dataset(dsd_valid_t *v, dsd_action action, const dsd_kv_t *attrs, size_t nattrs)
{
    v->action = action;
    v->cur.valid = 0;
    core_buf_reset(v->lifted); /* this data set may clear what the last one stored */
    v->lifted_values = NULL;   /* (the old table stays in the arena) */
    v->nlifted_values = v->caplifted_values = 0;
    v->dataset_mask |= check_attrs(v, attrs, nattrs, "the data set", "", 0);
}

core_rc
dsd_valid_series(dsd_valid_t *v, const dsd_kv_t *key, size_t nkey, const dsd_kv_t *attrs,
                 size_t nattrs, long line, dsd_valid_row_t *row, core_err_t *err)
{
    *row = (dsd_valid_row_t){.codes = v->given};
    if (v->dsd->ndims > DSD_MAX_DIMS)
        return core_fail(err, CORE_ETOOBIG, "more than %d dimensions", DSD_MAX_DIMS);
    if (v->too_many_mandatory)
        return core_fail(err, CORE_ETOOBIG, "%s has more than %d mandatory attributes",
                         dsd_ref_label(v->a, &v->dsd->dsd), MASK_BITS);
    if (!order_key(v, key, nkey, v->given, 1, line))
        return CORE_OK;
    for (size_t d = 0; d < v->dsd->ndims; d++)
        row->partial |= v->given[d].ptr == NULL;
    const char *k = key_string(v, v->given);
    uint64_t mask = check_attrs(v, attrs, nattrs, row->partial ? "a group" : "series ",
                                row->partial ? "" : k, line);
    row->ok = 1;
    if (row->partial) { /* a group, or the series of a cross-section */
        v->group_mask |= mask;
        return CORE_OK;
    }
    row->key = k;
    *series_mask(v, k) |= mask;
    if (v->action == DSD_ACTION_DELETE)
        row->ok = !v->constrain_deletes || check_constraints(v, v->given, k, line);
    else if (nattrs > 0)                         /* (a key alone adds or replaces nothing) */
        check_constraints(v, v->given, k, line); /* the write goes on: see dsd_valid_duplicate */
    return CORE_OK;
}

static int
is_plain_decimal(core_str_t v)
{
    /* [+-]digits[.digits] is a finite number whatever strtod would say */
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

/* Only what is not a plain decimal (exponents, NaN, odd forms) goes through strtod. */
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

/* The period and the value of an observation: reports and returns 0 when wrong. */
static int
check_period_value(dsd_valid_t *v, const core_str_t *codes, core_str_t period, core_str_t value,
                   long line, dsd_period_t *p)
{
    int ok = 1;
    core_err_t pe = {0};
    if (period.len == 0) {
        dsd_report_add(v->report, DSD_SEV_ERROR, "missing-period", NULL,
                       "%s:%ld: an observation without a time period", v->name, line);
        ok = 0;
    } else if (dsd_period_parse(period, p, &pe) != CORE_OK) {
        dsd_report_add(v->report, DSD_SEV_ERROR, "bad-period", NULL, "%s:%ld: %s", v->name, line,
                       pe.msg);
        ok = 0;
    } else if (v->freq_dim >= 0 && codes[v->freq_dim].ptr != NULL &&
               dsd_period_check_freq(p, codes[v->freq_dim], &pe) != CORE_OK) {
        dsd_report_add(v->report, DSD_SEV_ERROR, "period-frequency", NULL, "%s:%ld: %s", v->name,
                       line, pe.msg);
        ok = 0;
    }
    if (v->action != DSD_ACTION_DELETE && value.len > 0 && v->numeric_measure &&
        !is_number(value)) {
        dsd_report_add(v->report, DSD_SEV_ERROR, "not-numeric", NULL,
                       "%s:%ld: %s is '%.*s', which is not a number", v->name, line,
                       v->dsd->measure.id, CORE_STR_FMT(value));
        ok = 0;
    }
    return ok;
}

/* An attribute of the series (or of the data set: key "") that came on an observation:
 * every observation of the message that gives it must give the same value. */
static void
check_lifted(dsd_valid_t *v, const char *key, const dsd_kv_t *kv, long line)
{
    if (kv->value.len == 0)
        return; /* not given on this row */
    uint64_t h1, h2, hv, unused;
    int added;
    hash2((core_str_t){key, strlen(key) + 1}, kv->id, &h1, &h2); /* (the NUL separates) */
    hash2(kv->value, CORE_STR_NULL, &hv, &unused);
    struct slot *s =
        slot_of(v->a, &v->lifted_values, &v->nlifted_values, &v->caplifted_values, h1, h2, &added);
    if (added)
        s->value = hv;
    else if (s->value != hv)
        dsd_report_add(v->report, DSD_SEV_ERROR, "conflicting-attribute", NULL,
                       "%s:%ld: %s%s: %.*s is '%.*s' here, but another observation of the %s "
                       "in this message gives it another value",
                       v->name, line, *key ? "series " : "the data set", key, CORE_STR_FMT(kv->id),
                       CORE_STR_FMT(kv->value), *key ? "series" : "data set");
}

/* SDMX-CSV rows and flat messages carry every attribute on each observation. Those the DSD
 * attaches to the series (or a group, or the data set) are stored there, so that they are
 * written at their level and not repeated on every observation; they are stored again only
 * when they differ from the last observation's, and must not differ between observations of
 * one series. nattrs is at most LIFT_MAX. */
static void
lift_attrs(dsd_valid_t *v, const char *key, const dsd_kv_t *attrs, size_t nattrs, long line,
           dsd_valid_row_t *row)
{
    size_t nup = 0, nds = 0, nown = 0;
    for (size_t i = 0; i < nattrs; i++) {
        const dsd_component_t *c = attr_at(v, attrs, i);
        dsd_attach a = c ? c->attach : DSD_ATTACH_OBS;
        if (a == DSD_ATTACH_OBS)
            v->own[nown++] = attrs[i];
        else if (a == DSD_ATTACH_DATASET)
            v->ds[nds++] = attrs[i];
        else
            v->up[nup++] = attrs[i];
    }
    row->attrs = v->own;
    row->nattrs = nown;
    if (nup + nds == 0)
        return;
    core_buf_t sig;
    core_buf_init(&sig);
    core_buf_adds(&sig, key);
    for (size_t i = 0; i < nup + nds; i++) {
        const dsd_kv_t *kv = i < nup ? &v->up[i] : &v->ds[i - nup];
        core_buf_addc(&sig, '\0');
        core_buf_addstr(&sig, kv->id);
        core_buf_addc(&sig, '=');
        core_buf_addstr(&sig, kv->value);
    }
    int same = sig.len == v->lifted->len && memcmp(sig.ptr, v->lifted->ptr, sig.len) == 0;
    core_buf_reset(v->lifted);
    core_buf_add(v->lifted, sig.ptr, sig.len);
    core_buf_dispose(&sig);
    if (same)
        return;
    for (size_t i = 0; i < nup + nds; i++)
        check_lifted(v, i < nup ? key : "", i < nup ? &v->up[i] : &v->ds[i - nup], line);
    row->series_attrs = v->up;
    row->nseries_attrs = nup;
    row->dataset_attrs = v->ds;
    row->ndataset_attrs = nds;
}

core_rc
dsd_valid_obs(dsd_valid_t *v, const dsd_kv_t *key, size_t nkey, core_str_t period, core_str_t value,
              const dsd_kv_t *attrs, size_t nattrs, long line, dsd_valid_row_t *row,
              core_err_t *err)
{
    const core_str_t *codes = v->cur.codes;
    *row = (dsd_valid_row_t){.attrs = attrs, .nattrs = nattrs};
    if (v->dsd->ndims > DSD_MAX_DIMS)
        return core_fail(err, CORE_ETOOBIG, "more than %d dimensions", DSD_MAX_DIMS);
    if (v->too_many_mandatory)
        return core_fail(err, CORE_ETOOBIG, "%s has more than %d mandatory attributes",
                         dsd_ref_label(v->a, &v->dsd->dsd), MASK_BITS);
    int deleting = v->action == DSD_ACTION_DELETE;
    int ok = !deleting && same_key(v, key, nkey);
    if (!ok) {
        v->cur.valid = 0;
        ok = order_key(v, key, nkey, v->given, deleting, line);
        codes = v->given;
        if (ok && !deleting) {
            remember_key(v, key, nkey, v->given);
            codes = v->cur.valid ? v->cur.codes : v->given;
        }
    }
    row->codes = codes;
    const char *k = v->cur.valid ? v->cur.key : NULL;
    dsd_period_t p;
    ok &= check_period_value(v, codes, period, value, line, &p);
    if (ok) /* (ok: the period parsed) */
        dsd_period_key(&p, row->period);
    if (ok && deleting) {
        int whole = 1;
        for (size_t d = 0; d < v->dsd->ndims; d++)
            whole &= codes[d].ptr != NULL;
        row->partial = !whole;
        row->key = whole ? key_string(v, codes) : NULL;
        row->ok = !whole || !v->constrain_deletes || check_constraints(v, codes, row->key, line);
        return CORE_OK;
    }
    if (ok) {
        if (k == NULL)
            k = key_string(v, codes);
        uint64_t mask = check_attrs(v, attrs, nattrs, "series ", k, line);
        int verdict = v->cur.valid && v->cur.verdict >= 0 ? v->cur.verdict
                                                          : check_constraints(v, codes, k, line);
        if (v->cur.valid)
            v->cur.verdict = verdict;
        ok &= verdict;
        ok &= check_mandatory(v, codes, row->period, k, mask, line);
    }
    if (!ok)
        return CORE_OK; /* nothing will be written; the reader goes on to find every problem */
    if (k == NULL || !v->cur.valid)
        k = key_string(v, codes);
    row->key = k;
    if (nattrs <= LIFT_MAX)
        lift_attrs(v, k, attrs, nattrs, line, row);
    row->ok = 1;
    return CORE_OK;
}

void
dsd_valid_duplicate(dsd_valid_t *v, const char *key, core_str_t period, long line)
{
    dsd_report_add(v->report, DSD_SEV_ERROR, "duplicate-observation", NULL,
                   "%s:%ld: series %s has period %.*s twice in this message", v->name, line, key,
                   CORE_STR_FMT(period));
}
