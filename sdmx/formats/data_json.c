#include <config.h>
#include "sdmx/sdmx_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* SDMX-JSON 1.0 data messages, written as the store is read.
 *
 * The message is series-oriented (dimensionAtObservation is the time dimension): every key
 * dimension is a series dimension, a series is keyed "0:1:0" by the indexes of its codes in
 * data.structure.dimensions.series[d].values, an observation by the index of its period in
 * dimensions.observation[0].values, and holds [value, attribute value indexes...].
 *
 * The catch is that data.structure must list the values the indexes refer to, while the
 * answer goes out in chunks as the store is read. So data.dataSets is written first and
 * data.structure after it (JSON object members have no order, and the schema asks for
 * none): each value gets its index the first time it is met, through one small hash table
 * per dimension, per attribute and for the periods, and the tables are written out at the
 * end. Memory grows with the number of distinct values (codes, periods, attribute values),
 * not with the number of observations. Each distinct value is copied into the arena once,
 * since some (a series' attributes merged with its groups') live in buffers that are reused.
 *
 * Attributes: the lists data.structure.attributes.dataSet/series/observation start as the
 * DSD's attributes of that attachment (group attributes are series attributes); an attribute
 * met in a blob of a level whose list lacks it is appended to that list, so that every value
 * the store holds is written. Index arrays stop after their last non-null entry.
 *
 * updatedAfter: what was deleted since follows as a second data set with action Delete, a
 * deleted observation as an empty array, a deleted series with no observations (as the
 * exr-action-delete sample does).
 *
 * Names: the writer has no view of the store, so codelists are out of reach here; every
 * name is the id (the schema requires a name). Values that are not valid ids (free-text
 * attributes) are written with a name only, as the ECB samples do.
 *
 * The format's state is the stream's fmt_state, in the stream's arena: nothing is shared
 * between streams, so streams on different event loops (serve --threads) need no lock. */

#define JSON_DATA_SCHEMA                                                                           \
    "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/data-message/tools/schemas/"      \
    "1.0/sdmx-json-data-schema.json"

/* ---- value tables: value -> index in order of first appearance ------------------------------ */

typedef struct vtab {
    core_str_t *vals; /* index -> value, borrowed from the snapshot */
    size_t n, cap;
    uint32_t *slots; /* open addressing: index + 1, 0 when empty */
    size_t nslots;   /* a power of two, more than twice n */
    size_t last;     /* the index last asked for (0 when none: checked against n) */
} vtab_t;

static uint64_t
hash_str(core_str_t v)
{
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < v.len; i++)
        h = (h ^ (unsigned char)v.ptr[i]) * 1099511628211u;
    return h;
}

static void
vtab_rehash(core_arena_t *a, vtab_t *t)
{
    size_t nslots = t->nslots ? t->nslots * 2 : 16;
    uint32_t *slots = core_arena_zalloc(a, nslots * sizeof *slots);
    for (size_t i = 0; i < t->n; i++) {
        size_t j = (size_t)hash_str(t->vals[i]) & (nslots - 1);
        while (slots[j] != 0)
            j = (j + 1) & (nslots - 1);
        slots[j] = (uint32_t)(i + 1);
    }
    t->slots = slots;
    t->nslots = nslots;
}

/* The index of v in t, adding it when new (*added tells). */
static size_t
vtab_intern(core_arena_t *a, vtab_t *t, core_str_t v, int *added)
{
    *added = 0;
    /* observations of a series mostly repeat the value before */
    if (t->last < t->n && core_str_eq(t->vals[t->last], v))
        return t->last;
    if (2 * (t->n + 1) > t->nslots)
        vtab_rehash(a, t);
    size_t mask = t->nslots - 1;
    for (size_t j = (size_t)hash_str(v) & mask;; j = (j + 1) & mask) {
        uint32_t e = t->slots[j];
        if (e == 0) {
            core_arena_grow(a, (void **)&t->vals, t->n, &t->cap, sizeof *t->vals);
            t->vals[t->n++] = core_arena_str(a, v); /* v may live in a reused buffer */
            t->slots[j] = (uint32_t)t->n;
            *added = 1;
            return t->last = t->n - 1;
        }
        if (core_str_eq(t->vals[e - 1], v))
            return t->last = e - 1;
    }
}

/* ---- the format's state --------------------------------------------------------------------- */

enum { LV_DATASET, LV_SERIES, LV_OBS, LV__COUNT };

typedef struct jattr {
    core_str_t id;
    vtab_t values;
} jattr_t;

/* The attributes of one attachment level, and the value indexes of the blob being written. */
typedef struct jlevel {
    jattr_t *attrs;
    size_t n, cap;
    long *idx; /* per attribute: value index, -1 when the blob has none */
    size_t capidx;
} jlevel_t;

typedef struct span {
    int64_t start, end; /* first instant, first instant after */
} span_t;

typedef struct jstate {
    sdmx__data_t *s;
    vtab_t *dims;   /* per key dimension: the codes met */
    vtab_t periods; /* the periods met */
    span_t *spans;  /* per period */
    size_t capspans;
    jlevel_t lv[LV__COUNT];
    int show_attrs, show_obs;
    size_t nobs; /* observations written in the current series */
    uint64_t set_series; /* d->nseries when the data set began (includeHistory) */
} jstate_t;

static jstate_t *
state_of(sdmx__data_t *s)
{
    return s->fmt_state; /* set by json_begin, which the stream calls first */
}

/* The position of attribute id in lv, appended when absent. */
static size_t
level_attr(core_arena_t *a, jlevel_t *lv, core_str_t id)
{
    for (size_t i = 0; i < lv->n; i++)
        if (core_str_eq(lv->attrs[i].id, id))
            return i;
    core_arena_grow(a, (void **)&lv->attrs, lv->n, &lv->cap, sizeof *lv->attrs);
    memset(&lv->attrs[lv->n], 0, sizeof *lv->attrs);
    lv->attrs[lv->n].id = core_arena_str(a, id);
    core_arena_grow(a, (void **)&lv->idx, lv->n, &lv->capidx, sizeof *lv->idx);
    lv->idx[lv->n] = -1;
    return lv->n++;
}

/* Sets lv->idx from blob; returns the number of entries worth writing (after the last
 * non-null one). */
static size_t
level_index(core_arena_t *a, jlevel_t *lv, core_str_t blob)
{
    for (size_t i = 0; i < lv->n; i++)
        lv->idx[i] = -1;
    size_t used = 0;
    dsd_kv_t kv;
    while (dsd_attrs_next(&blob, &kv)) {
        if (kv.value.len == 0)
            continue;
        size_t i = level_attr(a, lv, kv.id);
        int added;
        lv->idx[i] = (long)vtab_intern(a, &lv->attrs[i].values, kv.value, &added);
        if (i + 1 > used)
            used = i + 1;
    }
    return used;
}

/* ---- JSON output ---------------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at p[0..n), 0 when invalid. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < len || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return len;
}

/* A JSON string; bytes that are not UTF-8 become U+FFFD. */
static void
put_str(core_buf_t *out, core_str_t v)
{
    const unsigned char *p = (const unsigned char *)v.ptr;
    size_t run = 0; /* start of the bytes not yet copied */
    core_buf_addc(out, '"');
    for (size_t i = 0; i < v.len;) {
        unsigned char c = p[i];
        size_t n = c >= 0x20 && c != '"' && c != '\\' ? utf8_len(p + i, v.len - i) : 0;
        if (n > 0) {
            i += n;
            continue;
        }
        core_buf_add(out, p + run, i - run);
        if (c == '"' || c == '\\') {
            core_buf_addc(out, '\\');
            core_buf_addc(out, (char)c);
        } else if (c == '\n')
            core_buf_adds(out, "\\n");
        else if (c == '\t')
            core_buf_adds(out, "\\t");
        else if (c == '\r')
            core_buf_adds(out, "\\r");
        else if (c < 0x20)
            core_buf_printf(out, "\\u%04x", c);
        else
            core_buf_adds(out, "\\ufffd");
        run = ++i;
    }
    core_buf_add(out, p + run, v.len - run);
    core_buf_addc(out, '"');
}

static void
put_cstr(core_buf_t *out, const char *s)
{
    put_str(out, core_str_c(s));
}

static void
put_uint(core_buf_t *out, uint64_t n)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + n % 10);
        n /= 10;
    } while (n > 0);
    core_buf_add(out, tmp + i, sizeof tmp - i);
}

/* An index array: idx[0..n), -1 written as null. */
static void
put_indexes(core_buf_t *out, const long *idx, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            core_buf_addc(out, ',');
        if (idx[i] < 0)
            core_buf_adds(out, "null");
        else
            put_uint(out, (uint64_t)idx[i]);
    }
}

/* Whether v ends at i, after an optional exponent ("e-5") starting there. */
static int
exponent_ends(core_str_t v, size_t i)
{
    if (i < v.len && (v.ptr[i] == 'e' || v.ptr[i] == 'E')) {
        i++;
        if (i < v.len && (v.ptr[i] == '+' || v.ptr[i] == '-'))
            i++;
        size_t d = i;
        while (i < v.len && v.ptr[i] >= '0' && v.ptr[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    return i == v.len;
}

/* Whether v is a JSON number as written (RFC 8259 grammar). */
static int
json_number_syntax(core_str_t v)
{
    size_t i = 0;
    if (i < v.len && v.ptr[i] == '-')
        i++;
    if (i < v.len && v.ptr[i] == '0')
        i++;
    else if (i < v.len && v.ptr[i] >= '1' && v.ptr[i] <= '9')
        while (i < v.len && v.ptr[i] >= '0' && v.ptr[i] <= '9')
            i++;
    else
        return 0;
    if (i < v.len && v.ptr[i] == '.') {
        size_t d = ++i;
        while (i < v.len && v.ptr[i] >= '0' && v.ptr[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    return exponent_ends(v, i);
}

/* Whether v is a decimal number in the looser forms SDMX data carry ("+1.5", ".5", "5."):
 * digits with an optional sign, point and exponent; no hex, no inf, no nan. */
static int
decimal_syntax(core_str_t v)
{
    size_t i = 0, digits = 0;
    if (i < v.len && (v.ptr[i] == '+' || v.ptr[i] == '-'))
        i++;
    for (; i < v.len && v.ptr[i] >= '0' && v.ptr[i] <= '9'; i++)
        digits++;
    if (i < v.len && v.ptr[i] == '.')
        for (i++; i < v.len && v.ptr[i] >= '0' && v.ptr[i] <= '9'; i++)
            digits++;
    if (digits == 0)
        return 0;
    return exponent_ends(v, i);
}

/* The observation value: a number when it is a finite number (as written when that is JSON,
 * else the shortest form that reads back the same), null when empty or NaN, else a string. */
static void
put_obs_value(core_arena_t *a, core_buf_t *out, core_str_t v)
{
    if (v.len == 0 || (v.len == 3 && core_str_ieq_c(v, "nan"))) {
        core_buf_adds(out, "null");
        return;
    }
    int json = json_number_syntax(v);
    if (!json && !decimal_syntax(v)) {
        put_str(out, v);
        return;
    }
    if (json && memchr(v.ptr, 'e', v.len) == NULL && memchr(v.ptr, 'E', v.len) == NULL) {
        core_buf_addstr(out, v); /* no exponent: finite, and a JSON number as written */
        return;
    }
    char tmp[64];
    char *z = v.len < sizeof tmp ? tmp : core_arena_alloc(a, v.len + 1);
    memcpy(z, v.ptr, v.len);
    z[v.len] = '\0';
    double d = strtod(z, NULL);
    if (!isfinite(d)) { /* 1e999: no JSON number holds it */
        put_str(out, v);
        return;
    }
    if (json) {
        core_buf_addstr(out, v);
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, d);
        if (strtod(tmp, NULL) == d || prec == 17)
            break;
    }
    core_buf_adds(out, tmp);
}

/* Whether v fits the schema's pattern for value ids, ^[A-Za-z0-9_@$-]+$. */
static int
is_value_id(core_str_t v)
{
    if (v.len == 0)
        return 0;
    for (size_t i = 0; i < v.len; i++) {
        char c = v.ptr[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '@' || c == '$' || c == '-'))
            return 0;
    }
    return 1;
}

/* {"id":v,"name":v}, or {"name":v} when v cannot be an id. */
static void
put_value(core_buf_t *out, core_str_t v)
{
    core_buf_addc(out, '{');
    if (is_value_id(v)) {
        core_buf_adds(out, "\"id\":");
        put_str(out, v);
        core_buf_addc(out, ',');
    }
    core_buf_adds(out, "\"name\":");
    put_str(out, v);
    core_buf_addc(out, '}');
}

static void
put_instant(core_buf_t *out, const char *key, int64_t t)
{
    char iso[32];
    core_time_iso(t, iso);
    if (strlen(iso) != 20) /* years outside 0001-9999 have no RFC 3339 form */
        return;
    core_buf_printf(out, ",\"%s\":\"%s\"", key, iso);
}

/* ---- the message ---------------------------------------------------------------------------- */

static const char *
time_id(const sdmx__data_t *s)
{
    return s->dsd.time.id ? s->dsd.time.id : "TIME_PERIOD";
}

static void
put_links(sdmx__data_t *s, core_buf_t *out)
{
    core_buf_adds(out, "[{\"urn\":");
    put_cstr(out, dsd_ref_urn(s->a, &s->flow));
    core_buf_adds(out, ",\"rel\":\"dataflow\"},{\"urn\":");
    put_cstr(out, dsd_ref_urn(s->a, &s->dsd.dsd));
    core_buf_adds(out, ",\"rel\":\"datastructure\"}]");
}

static void
put_meta(sdmx__data_t *s, core_buf_t *out)
{
    char prepared[32];
    core_time_iso(s->h.prepared, prepared);
    core_buf_adds(out, "{\"meta\":{\"schema\":\"" JSON_DATA_SCHEMA "\",\"id\":");
    put_cstr(out, s->h.id != NULL ? s->h.id : "IREF");
    core_buf_adds(out, ",\"test\":false,\"prepared\":");
    put_cstr(out, prepared);
    core_buf_adds(out, ",\"sender\":{\"id\":");
    put_cstr(out, s->h.sender != NULL ? s->h.sender : "sdmxd");
    core_buf_addc(out, '}');
    if (s->h.receiver != NULL) {
        core_buf_adds(out, ",\"receivers\":[{\"id\":");
        put_cstr(out, s->h.receiver);
        core_buf_adds(out, "}]");
    }
    core_buf_addc(out, '}');
}

static size_t
period_index(sdmx__data_t *s, jstate_t *st, core_str_t period, int64_t start,
             int64_t end)
{
    int added;
    size_t p = vtab_intern(s->a, &st->periods, period, &added);
    if (added) {
        core_arena_grow(s->a, (void **)&st->spans, p, &st->capspans, sizeof *st->spans);
        st->spans[p] = (span_t){start, end};
    }
    return p;
}

/* 0:1:0, the codes of a series key as indexes */
static void
put_key_indexes(sdmx__data_t *s, jstate_t *st, core_buf_t *out, const core_str_t *codes)
{
    for (size_t d = 0; d < s->dsd.ndims; d++) {
        int added;
        if (d > 0)
            core_buf_addc(out, ':');
        put_uint(out, vtab_intern(s->a, &st->dims[d], codes[d], &added));
    }
}

static void
put_series_key(sdmx__data_t *s, jstate_t *st, core_buf_t *out, const core_str_t *codes)
{
    core_buf_addc(out, '"');
    put_key_indexes(s, st, out, codes);
    core_buf_addc(out, '"');
}

/* The data set's action (and, with includeHistory, when its values held: validFrom for
 * what a commit wrote, validTo for what it deleted, to the microsecond), then a comma. */
static void
put_history(sdmx__data_t *s, core_buf_t *out)
{
    if (!s->history) {
        core_buf_adds(out, "\"action\":\"Information\",");
        return;
    }
    int64_t us = s->hist_time, sec = us / 1000000;
    char iso[32];
    core_time_iso(sec, iso);
    size_t n = strlen(iso);
    core_buf_printf(out, "\"action\":\"%s\",\"%s\":\"%.*s.%06lldZ\",",
                    s->hist_delete ? "Delete" : "Replace",
                    s->hist_delete ? "validTo" : "validFrom", (int)(n > 0 ? n - 1 : 0), iso,
                    (long long)(us - sec * 1000000));
}

static void
json_begin(sdmx__data_t *s, core_buf_t *out)
{
    jstate_t *st = core_arena_zalloc(s->a, sizeof *st);
    st->s = s;
    s->fmt_state = st;
    st->dims = core_arena_zalloc(s->a, s->dsd.ndims * sizeof *st->dims);
    st->show_attrs = s->q->detail == SDMX_DATA_FULL || s->q->detail == SDMX_DATA_NODATA;
    st->show_obs = s->q->detail != SDMX_DATA_SERIESKEYSONLY && s->q->detail != SDMX_DATA_NODATA;
    if (st->show_attrs)
        for (size_t i = 0; i < s->dsd.nattrs; i++) {
            const dsd_component_t *c = &s->dsd.attrs[i];
            /* flat (AllDimensions): no series, so every attribute but the data set's is
             * the observation's */
            int lv = c->attach == DSD_ATTACH_DATASET       ? LV_DATASET
                     : c->attach == DSD_ATTACH_OBS || s->flat ? LV_OBS
                                                              : LV_SERIES;
            level_attr(s->a, &st->lv[lv], core_str_c(c->id));
        }

    put_meta(s, out);
    core_buf_adds(out, ",\"data\":{\"dataSets\":[{");
    put_history(s, out);
    core_buf_adds(out, "\"links\":");
    put_links(s, out);
    if (st->show_attrs) {
        jlevel_t *lv = &st->lv[LV_DATASET];
        size_t n = level_index(s->a, lv, s->dataset_attrs);
        core_buf_adds(out, ",\"attributes\":[");
        put_indexes(out, lv->idx, n);
        core_buf_addc(out, ']');
    }
    core_buf_adds(out, s->flat ? ",\"observations\":{" : ",\"series\":{");
}

static void
json_series_begin(sdmx__data_t *s, core_buf_t *out)
{
    jstate_t *st = state_of(s);
    if (s->flat)
        return;
    if (s->nseries > st->set_series)
        core_buf_addc(out, ',');
    put_series_key(s, st, out, s->codes);
    core_buf_adds(out, ":{");
    const char *sep = "";
    if (st->show_attrs) {
        jlevel_t *lv = &st->lv[LV_SERIES];
        size_t n = level_index(s->a, lv, s->series_attrs);
        core_buf_adds(out, "\"attributes\":[");
        put_indexes(out, lv->idx, n);
        core_buf_addc(out, ']');
        sep = ",";
    }
    if (st->show_obs)
        core_buf_printf(out, "%s\"observations\":{", sep);
    st->nobs = 0;
}

static void
json_obs(sdmx__data_t *s, core_buf_t *out, const store_obs_t *o)
{
    jstate_t *st = state_of(s);
    size_t p = period_index(s, st, o->period, o->start, o->end);
    if (st->nobs++ > 0)
        core_buf_addc(out, ',');
    core_buf_addc(out, '"');
    if (s->flat) { /* the whole key, the period last */
        put_key_indexes(s, st, out, s->codes);
        core_buf_addc(out, ':');
    }
    put_uint(out, p);
    core_buf_adds(out, "\":[");
    if (s->history && s->hist_delete) { /* (includeHistory) a deleted observation: [] */
        core_buf_addc(out, ']');
        return;
    }
    put_obs_value(s->a, out, o->value);
    if (st->show_attrs) {
        jlevel_t *lv = &st->lv[LV_OBS];
        core_str_t blob = o->attrs;
        if (s->flat) { /* the series' attributes, then the observation's, which win */
            core_buf_reset(&s->flat_tmp);
            core_buf_addstr(&s->flat_tmp, s->series_attrs);
            core_buf_addstr(&s->flat_tmp, o->attrs);
            blob = (core_str_t){s->flat_tmp.ptr, s->flat_tmp.len};
        }
        size_t n = level_index(s->a, lv, blob);
        if (n > 0) {
            core_buf_addc(out, ',');
            put_indexes(out, lv->idx, n);
        }
    }
    core_buf_addc(out, ']');
}

static void
json_series_end(sdmx__data_t *s, core_buf_t *out)
{
    jstate_t *st = state_of(s);
    if (!s->flat)
        core_buf_adds(out, st->show_obs ? "}}" : "}");
}

/* updatedAfter: the observations and series deleted since, as a second data set with action
 * Delete (a deleted observation is an empty array, a deleted series has no observations). */
static void
put_deletions(sdmx__data_t *s, jstate_t *st, core_buf_t *out)
{
    if (s->ndeletions == 0)
        return;
    core_buf_adds(out, ",{\"action\":\"Delete\",\"links\":");
    put_links(s, out);
    core_buf_adds(out, ",\"series\":{");
    int first = 1;
    for (size_t i = 0; i < s->ndeletions; i++) {
        const sdmx__data_deletion_t *del = &s->deletions[i];
        if (!first)
            core_buf_addc(out, ',');
        first = 0;
        put_series_key(s, st, out, del->codes);
        core_buf_addc(out, ':');
        if (del->whole_series) {
            core_buf_adds(out, "{}");
            continue;
        }
        core_buf_adds(out, "{\"observations\":{");
        for (size_t j = 0; j < del->nperiods; j++) {
            if (j > 0)
                core_buf_addc(out, ',');
            core_buf_addc(out, '"');
            put_uint(out, period_index(s, st, del->periods[j], 0, 0));
            core_buf_adds(out, "\":[]");
        }
        core_buf_adds(out, "}}");
    }
    core_buf_adds(out, "}}");
}

/* includeHistory: the next data set (the data set's attributes are the first one's). */
static void
json_dataset_next(sdmx__data_t *s, core_buf_t *out)
{
    jstate_t *st = state_of(s);
    core_buf_adds(out, "}},{");
    put_history(s, out);
    core_buf_adds(out, "\"links\":");
    put_links(s, out);
    core_buf_adds(out, s->flat ? ",\"observations\":{" : ",\"series\":{");
    st->set_series = s->nseries;
    st->nobs = 0;
}

static void
put_dimension(core_buf_t *out, const char *id, size_t pos)
{
    core_buf_adds(out, "{\"id\":");
    put_cstr(out, id);
    core_buf_adds(out, ",\"name\":");
    put_cstr(out, id);
    core_buf_adds(out, ",\"keyPosition\":");
    put_uint(out, pos);
    core_buf_adds(out, ",\"values\":[");
}

static void
put_attributes(sdmx__data_t *s, core_buf_t *out, const jlevel_t *lv, int level)
{
    core_buf_addc(out, '[');
    for (size_t i = 0; i < lv->n; i++) {
        const jattr_t *at = &lv->attrs[i];
        if (i > 0)
            core_buf_addc(out, ',');
        core_buf_adds(out, "{\"id\":");
        put_str(out, at->id);
        core_buf_adds(out, ",\"name\":");
        put_str(out, at->id);
        core_buf_adds(out, ",\"relationship\":");
        if (level == LV_DATASET)
            core_buf_adds(out, "{\"none\":{}}");
        else if (level == LV_OBS) {
            core_buf_adds(out, "{\"primaryMeasure\":");
            put_cstr(out, s->dsd.measure.id ? s->dsd.measure.id : "OBS_VALUE");
            core_buf_addc(out, '}');
        } else {
            /* the compiled DSD keeps the attachment level, not the dimensions named: a
             * series attribute is said to depend on the whole series key */
            core_buf_adds(out, "{\"dimensions\":[");
            for (size_t d = 0; d < s->dsd.ndims; d++) {
                if (d > 0)
                    core_buf_addc(out, ',');
                put_cstr(out, s->dsd.dims[d].id);
            }
            core_buf_adds(out, "]}");
        }
        core_buf_adds(out, ",\"values\":[");
        for (size_t v = 0; v < at->values.n; v++) {
            if (v > 0)
                core_buf_addc(out, ',');
            put_value(out, at->values.vals[v]);
        }
        core_buf_adds(out, "]}");
    }
    core_buf_addc(out, ']');
}

static void
json_end(sdmx__data_t *s, core_buf_t *out)
{
    jstate_t *st = state_of(s);
    core_buf_adds(out, "}}");
    put_deletions(s, st, out);
    core_buf_adds(out, "],\"structure\":{\"links\":");
    put_links(s, out);
    /* flat: the key dimensions are the observation's too, before the period */
    core_buf_adds(out, s->flat ? ",\"dimensions\":{\"dataSet\":[],\"series\":[],\"observation\":["
                               : ",\"dimensions\":{\"dataSet\":[],\"series\":[");
    for (size_t d = 0; d < s->dsd.ndims; d++) {
        if (d > 0)
            core_buf_addc(out, ',');
        put_dimension(out, s->dsd.dims[d].id, d);
        for (size_t v = 0; v < st->dims[d].n; v++) {
            if (v > 0)
                core_buf_addc(out, ',');
            put_value(out, st->dims[d].vals[v]);
        }
        core_buf_adds(out, "]}");
    }
    core_buf_adds(out, s->flat ? "," : "],\"observation\":[");
    put_dimension(out, time_id(s), s->dsd.ndims);
    for (size_t p = 0; p < st->periods.n; p++) {
        core_str_t v = st->periods.vals[p];
        if (p > 0)
            core_buf_addc(out, ',');
        core_buf_adds(out, "{\"id\":");
        put_str(out, v);
        core_buf_adds(out, ",\"name\":");
        put_str(out, v);
        if (st->spans[p].end > st->spans[p].start) {
            put_instant(out, "start", st->spans[p].start);
            put_instant(out, "end", st->spans[p].end - 1);
        }
        core_buf_addc(out, '}');
    }
    core_buf_adds(out, "]}]},\"attributes\":{\"dataSet\":");
    put_attributes(s, out, &st->lv[LV_DATASET], LV_DATASET);
    core_buf_adds(out, ",\"series\":");
    put_attributes(s, out, &st->lv[LV_SERIES], LV_SERIES);
    core_buf_adds(out, ",\"observation\":");
    put_attributes(s, out, &st->lv[LV_OBS], LV_OBS);
    core_buf_adds(out, "}}}}\n");
}

const sdmx__data_ops_t sdmx__json_data_ops = {json_begin,      json_series_begin, json_obs,
                                              json_series_end, json_end,          NULL,
                                              json_dataset_next};
