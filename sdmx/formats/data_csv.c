#include <config.h>
#include "sdmx/sdmx_int.h"

#include <string.h>

/* SDMX-CSV 1.0 data messages: a row per observation (or per series key, for detail without
 * observations), written from what the planner hands over (sdmx__data_t). No store call:
 * codes arrive as strings, the names of labels=both as sorted lists. */

/* a string literal, without measuring it */
#define ADD_LIT(b, lit) core_buf_add((b), lit, sizeof(lit) - 1)

#define CSV_HINTS 16

/* The format's state, d->fmt_state. */
typedef struct csv_state {
    core_str_t flow; /* the DATAFLOW cell */
    /* attribute values per DSD attribute, of the data set (read once), of the current
     * series (once per series) and of the observation */
    core_str_t *ds, *series, *obs;
    size_t *id_len;                                    /* of each DSD attribute's id */
    size_t obs_hint[CSV_HINTS], other_hint[CSV_HINTS]; /* see spread() */
    /* the current series' cells: DATAFLOW and the key (a row's start), and for each
     * attribute column the cell an observation without its own value gets (offsets into
     * fill, ending at fill_end[i]) */
    core_buf_t prefix, fill;
    size_t *fill_end;
} csv_state_t;

/* Writes v at w as a CSV cell, quoted when it holds a comma, quote or line break; w has room
 * for 2 * v.len + 2 bytes. Returns the end. */
static char *
csv_put(char *w, core_str_t v)
{
    char *start = w;
    for (size_t i = 0; i < v.len; i++) {
        char c = v.ptr[i];
        if (c == ',' || c == '"' || c == '\n' || c == '\r')
            goto quoted;
        *w++ = c;
    }
    return w;
quoted:
    w = start;
    *w++ = '"';
    for (size_t i = 0; i < v.len; i++) {
        if (v.ptr[i] == '"')
            *w++ = '"';
        *w++ = v.ptr[i];
    }
    *w++ = '"';
    return w;
}

static void
csv_field(core_buf_t *out, core_str_t v)
{
    core_buf_reserve(out, 2 * v.len + 2);
    out->len = (size_t)(csv_put(out->ptr + out->len, v) - out->ptr);
}

static int
needs_quotes(core_str_t v)
{
    for (size_t i = 0; i < v.len; i++)
        if (v.ptr[i] == ',' || v.ptr[i] == '"' || v.ptr[i] == '\n' || v.ptr[i] == '\r')
            return 1;
    return 0;
}

/* Writes the cell "id: name" (labels=both) as csv_field would write it joined, straight into
 * out: nothing is allocated per cell, so that an answer's memory does not grow with it. */
static void
csv_named(core_buf_t *out, core_str_t id, core_str_t name)
{
    if (!needs_quotes(id) && !needs_quotes(name)) {
        core_buf_reserve(out, id.len + name.len + 2);
        core_buf_addstr(out, id);
        ADD_LIT(out, ": ");
        core_buf_addstr(out, name);
        return;
    }
    core_buf_reserve(out, 2 * (id.len + name.len) + 6);
    core_buf_addc(out, '"');
    for (int part = 0; part < 2; part++) {
        core_str_t v = part ? name : id;
        for (size_t i = 0; i < v.len; i++) {
            if (v.ptr[i] == '"')
                core_buf_addc(out, '"');
            core_buf_addc(out, v.ptr[i]);
        }
        if (part == 0)
            ADD_LIT(out, ": ");
    }
    core_buf_addc(out, '"');
}

/* A header cell: the id, or with labels=both "ID: concept name". */
static void
csv_column(sdmx__data_t *s, core_buf_t *out, size_t col, const char *id)
{
    core_buf_addc(out, ',');
    const char *name = s->col_names ? s->col_names[col] : NULL;
    if (name == NULL)
        csv_field(out, core_str_c(id));
    else
        csv_named(out, core_str_c(id), core_str_c(name));
}

/* A coded value: the code, or with labels=both "CODE: code name". */
static void
csv_code(core_buf_t *out, const dsd_names_t *names, core_str_t v)
{
    core_buf_addc(out, ',');
    const char *name = names && v.len ? dsd_name_of(names->v, names->n, v) : NULL;
    if (name == NULL)
        csv_field(out, v);
    else
        csv_named(out, v, core_str_c(name));
}

/* a == b for short ids, without a call (two words cover ids of up to 16 bytes) */
static int
eq_short(const char *a, const char *b, size_t n)
{
    if (n < 8) {
        for (size_t i = 0; i < n; i++)
            if (a[i] != b[i])
                return 0;
        return 1;
    }
    uint64_t x, y, u, v;
    memcpy(&x, a, 8);
    memcpy(&y, b, 8);
    memcpy(&u, a + n - 8, 8);
    memcpy(&v, b + n - 8, 8);
    return x == y && u == v && (n <= 16 || memcmp(a + 8, b + 8, n - 16) == 0);
}

/* Spreads an attribute blob over vals, one slot per DSD attribute (ids not in the DSD are
 * not columns). Blobs list their attributes in the same order each time, so the slot of
 * the previous blob's entry at the same place is tried first. */
static void
spread(sdmx__data_t *s, csv_state_t *st, core_str_t blob, core_str_t *vals)
{
    size_t n = s->dsd.nattrs;
    for (size_t i = 0; i < n; i++)
        vals[i] = CORE_STR_NULL;
    /* the j-th entry of an observation's blob is mostly the attribute it was last time */
    size_t *hint = vals == st->obs ? st->obs_hint : st->other_hint;
    dsd_kv_t kv;
    for (size_t j = 0; n > 0 && dsd_attrs_next(&blob, &kv); j++) {
        size_t at = j < CSV_HINTS && hint[j] < n ? hint[j] : 0;
        for (size_t k = 0; k < n; k++) {
            if (kv.id.len == st->id_len[at] &&
                eq_short(kv.id.ptr, s->dsd.attrs[at].id, kv.id.len)) {
                vals[at] = kv.value;
                if (j < CSV_HINTS)
                    hint[j] = at;
                break;
            }
            at = at + 1 == n ? 0 : at + 1;
        }
    }
}

static void
free_csv(void *arg)
{
    csv_state_t *st = arg;
    core_buf_dispose(&st->prefix);
    core_buf_dispose(&st->fill);
}

static void
csv_begin(sdmx__data_t *s, core_buf_t *out)
{
    csv_state_t *st = core_arena_zalloc(s->a, sizeof *st);
    s->fmt_state = st;
    st->flow =
        core_str_c(core_arena_printf(s->a, "%.*s:%.*s(%.*s)", CORE_STR_FMT(s->flow.agency),
                                     CORE_STR_FMT(s->flow.id), CORE_STR_FMT(s->flow.version)));
    size_t n = s->dsd.nattrs + 1;
    st->ds = core_arena_alloc(s->a, n * sizeof *st->ds);
    st->series = core_arena_alloc(s->a, n * sizeof *st->series);
    st->obs = core_arena_alloc(s->a, n * sizeof *st->obs);
    st->id_len = core_arena_alloc(s->a, n * sizeof *st->id_len);
    st->fill_end = core_arena_alloc(s->a, n * sizeof *st->fill_end);
    for (size_t i = 0; i < s->dsd.nattrs; i++)
        st->id_len[i] = strlen(s->dsd.attrs[i].id);
    core_buf_init(&st->prefix);
    core_buf_init(&st->fill);
    core_arena_defer(s->a, free_csv, st);
    spread(s, st, s->dataset_attrs, st->ds);
    spread(s, st, CORE_STR_NULL, st->series);
    size_t col = 0;
    ADD_LIT(out, "DATAFLOW");
    for (size_t d = 0; d < s->dsd.ndims; d++)
        csv_column(s, out, col++, s->dsd.dims[d].id);
    csv_column(s, out, col++, s->dsd.time.id ? s->dsd.time.id : "TIME_PERIOD");
    csv_column(s, out, col++, s->dsd.measure.id);
    if (sdmx__data_shows_attrs(s))
        for (size_t i = 0; i < s->dsd.nattrs; i++)
            csv_column(s, out, col++, s->dsd.attrs[i].id);
    ADD_LIT(out, "\r\n");
}

/* timeFormat=normalized: the period's start as an ISO 8601 date (a date-time when the period
 * is finer than a day), so that periods of every frequency sort and compare as text. */
static void
csv_time(sdmx__data_t *s, core_buf_t *out, const store_obs_t *o)
{
    if (!s->q->csv_time_normalized || o->period.len == 0) {
        core_buf_addc(out, ',');
        csv_field(out, o->period);
        return;
    }
    char iso[32];
    core_time_iso(o->start, iso);
    int timed = memchr(o->period.ptr, 'T', o->period.len) != NULL;
    iso[timed ? 19 : 10] = '\0';
    core_buf_printf(out, ",%s", iso);
}

/* The cells every row of the series shares: its start (DATAFLOW, the key) and, for each
 * attribute, the series' value else the data set's, for rows without their own. */
static void
csv_series_begin(sdmx__data_t *s, core_buf_t *out)
{
    csv_state_t *st = s->fmt_state;
    (void)out;
    spread(s, st, s->series_attrs, st->series);
    core_buf_reset(&st->prefix);
    core_buf_addstr(&st->prefix, st->flow);
    for (size_t d = 0; d < s->dsd.ndims; d++)
        csv_code(&st->prefix, s->dim_names ? &s->dim_names[d] : NULL, s->codes[d]);
    core_buf_reset(&st->fill);
    for (size_t i = 0; sdmx__data_shows_attrs(s) && i < s->dsd.nattrs; i++) {
        core_str_t v = st->series[i].ptr ? st->series[i] : st->ds[i];
        csv_code(&st->fill, s->attr_names ? &s->attr_names[i] : NULL, v);
        st->fill_end[i] = st->fill.len;
    }
}

/* A row: the series' start, the period and value, then each attribute cell, the
 * observation's own or the series' (written once for the row, with one reservation). */
static void
csv_obs(sdmx__data_t *s, core_buf_t *out, const store_obs_t *o)
{
    csv_state_t *st = s->fmt_state;
    size_t nattrs = sdmx__data_shows_attrs(s) ? s->dsd.nattrs : 0;
    if (nattrs)
        spread(s, st, o->attrs, st->obs);
    if (s->q->csv_time_normalized || s->attr_names != NULL) {
        core_buf_addstr(out, (core_str_t){st->prefix.ptr, st->prefix.len});
        csv_time(s, out, o);
        core_buf_addc(out, ',');
        csv_field(out, o->value);
        for (size_t i = 0; i < nattrs; i++) {
            core_str_t v = st->obs[i].ptr      ? st->obs[i]
                           : st->series[i].ptr ? st->series[i]
                                               : st->ds[i];
            csv_code(out, s->attr_names ? &s->attr_names[i] : NULL, v);
        }
        ADD_LIT(out, "\r\n");
        return;
    }
    size_t need = st->prefix.len + st->fill.len + 2 * (o->period.len + o->value.len) + 8;
    for (size_t i = 0; i < nattrs; i++)
        need += st->obs[i].ptr ? 2 * st->obs[i].len + 3 : 0;
    core_buf_reserve(out, need);
    char *w = out->ptr + out->len;
    memcpy(w, st->prefix.ptr, st->prefix.len);
    w += st->prefix.len;
    *w++ = ',';
    w = csv_put(w, o->period);
    *w++ = ',';
    w = csv_put(w, o->value);
    for (size_t i = 0, from = 0; i < nattrs; from = st->fill_end[i++]) {
        if (st->obs[i].ptr == NULL) {
            memcpy(w, st->fill.ptr + from, st->fill_end[i] - from);
            w += st->fill_end[i] - from;
        } else {
            *w++ = ',';
            w = csv_put(w, st->obs[i]);
        }
    }
    *w++ = '\r';
    *w++ = '\n';
    out->len = (size_t)(w - out->ptr);
}

/* (SDMX-CSV 1.0 has no way to say what was deleted) */
static void
csv_nothing(sdmx__data_t *s, core_buf_t *out)
{
    (void)s;
    (void)out;
}

const sdmx__data_ops_t sdmx__csv_data_ops = {csv_begin,   csv_series_begin, csv_obs,
                                             csv_nothing, csv_nothing,      NULL, NULL};
