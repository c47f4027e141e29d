#include <config.h>
#include "sdmx_int.h"

#include <string.h>

/* A data answer produced in chunks: the series iterator of the store is the state, so that
 * the server can write a chunk, wait for the socket, and ask for the next one. Each format
 * is a small table of functions over that state. */

#define SDMX_NS_GEN "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic"
#define SDMX_NS_SS "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific"
#define OBS_BATCH_MAX 100000

/* ---- shared helpers ---------------------------------------------------------------------- */

/* a string literal, without measuring it */
#define ADD_LIT(b, lit) core_buf_add((b), lit, sizeof(lit) - 1)

static void
add_attr_str(core_buf_t *out, core_str_t name, core_str_t value)
{
    core_buf_addc(out, ' ');
    core_buf_addstr(out, name);
    ADD_LIT(out, "=\"");
    core_buf_add_xml(out, value.ptr, value.len);
    core_buf_addc(out, '"');
}

/* (no printf: it took most of the time of a GenericData answer) */
static void
add_attr(core_buf_t *out, const char *name, core_str_t value)
{
    add_attr_str(out, core_str_c(name), value);
}

/* A key or attribute value: <generic:Value id= value=/> in GenericData, an XML attribute
 * otherwise. */
static void
put_value(core_buf_t *out, int generic, core_str_t id, core_str_t value)
{
    if (!generic) {
        add_attr_str(out, id, value);
        return;
    }
    ADD_LIT(out, "<generic:Value");
    add_attr(out, "id", id);
    add_attr(out, "value", value);
    ADD_LIT(out, "/>");
}

static const char *
structure_id(struct sdmx_data_stream *s)
{
    return core_arena_printf(s->a, "%.*s_%.*s_%.*s", CORE_STR_FMT(s->dsd.dsd.agency),
                             CORE_STR_FMT(s->dsd.dsd.id), CORE_STR_FMT(s->dsd.dsd.version));
}

static core_rc xs_gather(struct sdmx_data_stream *s, core_err_t *err);
static core_rc resume(struct sdmx_data_stream *s, core_err_t *err);

static const char *
obs_dimension(const struct sdmx_data_stream *s)
{
    if (s->xs)
        return s->dsd.dims[s->xs_dim].id;
    return s->flat ? "AllDimensions" : s->dsd.time.id ? s->dsd.time.id : "TIME_PERIOD";
}

static const char *
ss_namespace(struct sdmx_data_stream *s)
{
    return core_arena_printf(s->a, "%s:ObsLevelDim:%s", dsd_ref_urn(s->a, &s->dsd.dsd),
                             obs_dimension(s));
}

static void
header_structure(struct sdmx_data_stream *s, core_buf_t *out, int ss)
{
    const char *sid = structure_id(s);
    core_buf_printf(out, "<mes:Structure structureID=\"");
    core_buf_add_xml(out, sid, strlen(sid));
    core_buf_addc(out, '"');
    if (ss)
        add_attr(out, "namespace", core_str_c(ss_namespace(s)));
    add_attr(out, "dimensionAtObservation", core_str_c(obs_dimension(s)));
    ADD_LIT(out, "><com:StructureUsage>");
    core_buf_printf(out, "<Ref agencyID=\"%.*s\" id=\"%.*s\" version=\"%.*s\"/>",
                    CORE_STR_FMT(s->flow.agency), CORE_STR_FMT(s->flow.id),
                    CORE_STR_FMT(s->flow.version));
    ADD_LIT(out, "</com:StructureUsage></mes:Structure></mes:Header>");
}

static int
show_attrs(const struct sdmx_data_stream *s)
{
    return s->q->detail == SDMX_DATA_FULL || s->q->detail == SDMX_DATA_NODATA;
}

static int
has_attr(core_str_t blob, core_str_t id)
{
    dsd_kv_t kv;
    while (dsd_attrs_next(&blob, &kv))
        if (core_str_eq(kv.id, id))
            return 1;
    return 0;
}

/* The series attributes a flat observation shows: those its own attributes do not give. */
static core_str_t
flat_series_attrs(core_buf_t *tmp, core_str_t series, core_str_t obs)
{
    dsd_kv_t kv;
    core_buf_reset(tmp);
    while (dsd_attrs_next(&series, &kv))
        if (!has_attr(obs, kv.id))
            dsd_attrs_add(tmp, kv.id, kv.value);
    return (core_str_t){tmp->ptr, tmp->len};
}

/* ---- SDMX-ML 2.1 GenericData ------------------------------------------------------------- */

static void
gen_values(core_buf_t *out, const char *wrapper, core_str_t blob)
{
    dsd_kv_t kv;
    if (blob.len == 0)
        return;
    ADD_LIT(out, "<generic:");
    core_buf_adds(out, wrapper);
    core_buf_addc(out, '>');
    while (dsd_attrs_next(&blob, &kv))
        put_value(out, 1, kv.id, kv.value);
    ADD_LIT(out, "</generic:");
    core_buf_adds(out, wrapper);
    core_buf_addc(out, '>');
}

static void write_groups(struct sdmx_data_stream *s, core_buf_t *out);

static void
gen_begin(struct sdmx_data_stream *s, core_buf_t *out)
{
    const char *root = s->fmt == SDMX_DATA_GENERIC_TS ? "GenericTimeSeriesData" : "GenericData";
    core_buf_printf(out,
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mes:%s xmlns:mes=\"" SDMX_NS_MES
                    "\" xmlns:generic=\"" SDMX_NS_GEN "\" xmlns:com=\"" SDMX_NS_COM "\">",
                    root);
    sdmx__header_open(out, &s->h);
    header_structure(s, out, 0);
    const char *sid = structure_id(s);
    ADD_LIT(out, "<mes:DataSet");
    add_attr(out, "structureRef", core_str_c(sid));
    core_buf_addc(out, '>');
    if (show_attrs(s))
        gen_values(out, "Attributes", reg_cube_dataset_attrs(s->cube));
    write_groups(s, out);
}

static void
gen_series_begin(struct sdmx_data_stream *s, core_buf_t *out)
{
    if (s->flat)
        return;
    ADD_LIT(out, "<generic:Series><generic:SeriesKey>");
    for (size_t d = 0; d < s->dsd.ndims; d++)
        put_value(out, 1, core_str_c(s->dsd.dims[d].id), s->codes[d]);
    ADD_LIT(out, "</generic:SeriesKey>");
    if (show_attrs(s))
        gen_values(out, "Attributes", s->series.attrs);
}

/* A flat observation carries the whole key, time included, and the series' attributes. */
static void
gen_flat_obs(struct sdmx_data_stream *s, core_buf_t *out, const reg_obs_t *o)
{
    ADD_LIT(out, "<generic:Obs><generic:ObsKey>");
    for (size_t d = 0; d <= s->dsd.ndims; d++)
        put_value(out, 1,
                  core_str_c(d < s->dsd.ndims ? s->dsd.dims[d].id
                             : s->dsd.time.id ? s->dsd.time.id : "TIME_PERIOD"),
                  d < s->dsd.ndims ? s->codes[d] : o->period);
    ADD_LIT(out, "</generic:ObsKey>");
    if (o->value.len > 0) {
        ADD_LIT(out, "<generic:ObsValue");
        add_attr(out, "value", o->value);
        ADD_LIT(out, "/>");
    }
    if (show_attrs(s) && (s->series.attrs.len || o->attrs.len)) {
        ADD_LIT(out, "<generic:Attributes>");
        core_str_t blobs[2] = {flat_series_attrs(&s->flat_tmp, s->series.attrs, o->attrs),
                               o->attrs};
        for (size_t i = 0; i < 2; i++) {
            dsd_kv_t kv;
            while (dsd_attrs_next(&blobs[i], &kv))
                put_value(out, 1, kv.id, kv.value);
        }
        ADD_LIT(out, "</generic:Attributes>");
    }
    ADD_LIT(out, "</generic:Obs>");
}

static void
gen_obs(struct sdmx_data_stream *s, core_buf_t *out, const reg_obs_t *o)
{
    if (s->flat) {
        gen_flat_obs(s, out, o);
        return;
    }
    ADD_LIT(out, "<generic:Obs><generic:ObsDimension");
    add_attr(out, "value", o->period);
    ADD_LIT(out, "/>");
    if (o->value.len > 0) {
        ADD_LIT(out, "<generic:ObsValue");
        add_attr(out, "value", o->value);
        ADD_LIT(out, "/>");
    }
    if (show_attrs(s))
        gen_values(out, "Attributes", o->attrs);
    ADD_LIT(out, "</generic:Obs>");
}

static void
gen_series_end(struct sdmx_data_stream *s, core_buf_t *out)
{
    if (!s->flat)
        ADD_LIT(out, "</generic:Series>");
}

static void
gen_end(struct sdmx_data_stream *s, core_buf_t *out)
{
    const char *root = s->fmt == SDMX_DATA_GENERIC_TS ? "GenericTimeSeriesData" : "GenericData";
    core_buf_printf(out, "</mes:DataSet></mes:%s>\n", root);
}

static const format_ops_t generic_ops = {gen_begin, gen_series_begin, gen_obs, gen_series_end,
                                         gen_end};

/* ---- SDMX-ML 2.1 StructureSpecificData ----------------------------------------------------- */

static void
ss_attrs(core_buf_t *out, core_str_t blob)
{
    dsd_kv_t kv;
    while (dsd_attrs_next(&blob, &kv))
        add_attr_str(out, kv.id, kv.value);
}

static const char *
ss_root(const struct sdmx_data_stream *s)
{
    return s->fmt == SDMX_DATA_SS_TS ? "StructureSpecificTimeSeriesData" : "StructureSpecificData";
}

static void
ss_begin(struct sdmx_data_stream *s, core_buf_t *out)
{
    const char *ns = ss_namespace(s);
    core_buf_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mes:%s xmlns:mes=\"" SDMX_NS_MES
                         "\" xmlns:ss=\"" SDMX_NS_SS "\" xmlns:com=\"" SDMX_NS_COM
                         "\" xmlns:xsi=\"" SDMX_NS_XSI "\" xmlns:ns1=\"",
                    ss_root(s));
    core_buf_add_xml(out, ns, strlen(ns));
    ADD_LIT(out, "\">");
    sdmx__header_open(out, &s->h);
    header_structure(s, out, 1);
    ADD_LIT(out, "<mes:DataSet");
    add_attr(out, "ss:structureRef", core_str_c(structure_id(s)));
    add_attr(out, "xsi:type",
             core_str_c(s->fmt == SDMX_DATA_SS_TS ? "ns1:TimeSeriesDataSetType" : "ns1:DataSetType"));
    add_attr(out, "ss:dataScope", CORE_STR("DataStructure"));
    if (show_attrs(s))
        ss_attrs(out, reg_cube_dataset_attrs(s->cube));
    core_buf_addc(out, '>');
    write_groups(s, out);
}

static void
ss_series_begin(struct sdmx_data_stream *s, core_buf_t *out)
{
    if (s->flat)
        return;
    ADD_LIT(out, "<Series");
    for (size_t d = 0; d < s->dsd.ndims; d++)
        add_attr(out, s->dsd.dims[d].id, s->codes[d]);
    if (show_attrs(s))
        ss_attrs(out, s->series.attrs);
    core_buf_addc(out, '>');
}

static void
ss_obs(struct sdmx_data_stream *s, core_buf_t *out, const reg_obs_t *o)
{
    ADD_LIT(out, "<Obs");
    for (size_t d = 0; s->flat && d < s->dsd.ndims; d++)
        add_attr(out, s->dsd.dims[d].id, s->codes[d]);
    if (s->flat && show_attrs(s))
        ss_attrs(out, flat_series_attrs(&s->flat_tmp, s->series.attrs, o->attrs));
    add_attr(out, s->dsd.time.id ? s->dsd.time.id : "TIME_PERIOD", o->period);
    if (o->value.len > 0)
        add_attr(out, s->dsd.measure.id, o->value);
    if (show_attrs(s))
        ss_attrs(out, o->attrs);
    ADD_LIT(out, "/>");
}

static void
ss_series_end(struct sdmx_data_stream *s, core_buf_t *out)
{
    if (!s->flat)
        ADD_LIT(out, "</Series>");
}

static void
ss_end(struct sdmx_data_stream *s, core_buf_t *out)
{
    core_buf_printf(out, "</mes:DataSet></mes:%s>\n", ss_root(s));
}

static const format_ops_t ss_ops = {ss_begin, ss_series_begin, ss_obs, ss_series_end, ss_end};

/* ---- SDMX-CSV 1.0 ---------------------------------------------------------------------------- */

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

/* A header cell: the id, or with labels=both "ID: concept name". */
static void
csv_column(struct sdmx_data_stream *s, core_buf_t *out, size_t col, const char *id)
{
    core_buf_addc(out, ',');
    const char *name = s->col_names ? s->col_names[col] : NULL;
    if (name == NULL) {
        csv_field(out, core_str_c(id));
        return;
    }
    csv_field(out, core_str_c(core_arena_printf(s->a, "%s: %s", id, name)));
}

/* A coded value: the code, or with labels=both "CODE: code name". */
static void
csv_code(struct sdmx_data_stream *s, core_buf_t *out, const sdmx_names_t *names, core_str_t v)
{
    core_buf_addc(out, ',');
    const char *name = names && v.len ? sdmx__name_of(names->v, names->n, v) : NULL;
    if (name == NULL) {
        csv_field(out, v);
        return;
    }
    csv_field(out, core_str_c(core_arena_printf(s->a, "%.*s: %s", CORE_STR_FMT(v), name)));
}

/* Spreads an attribute blob over vals, one slot per DSD attribute (ids not in the DSD are
 * not columns). Blobs list their attributes in the same order each time, so the slot of
 * the previous blob's entry at the same place is tried first. */
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

static void
csv_spread(struct sdmx_data_stream *s, core_str_t blob, core_str_t *vals)
{
    size_t n = s->dsd.nattrs;
    for (size_t i = 0; i < n; i++)
        vals[i] = CORE_STR_NULL;
    /* the j-th entry of an observation's blob is mostly the attribute it was last time */
    size_t *hint = vals == s->csv_obs ? s->csv_obs_hint : s->csv_other_hint;
    dsd_kv_t kv;
    for (size_t j = 0; n > 0 && dsd_attrs_next(&blob, &kv); j++) {
        size_t at = j < CSV_HINTS && hint[j] < n ? hint[j] : 0;
        for (size_t k = 0; k < n; k++) {
            if (kv.id.len == s->csv_id_len[at] &&
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
    struct sdmx_data_stream *s = arg;
    core_buf_dispose(&s->csv_prefix);
    core_buf_dispose(&s->csv_fill);
}

static void
csv_begin(struct sdmx_data_stream *s, core_buf_t *out)
{
    s->csv_flow = core_str_c(core_arena_printf(s->a, "%.*s:%.*s(%.*s)",
                                               CORE_STR_FMT(s->flow.agency),
                                               CORE_STR_FMT(s->flow.id),
                                               CORE_STR_FMT(s->flow.version)));
    size_t n = s->dsd.nattrs + 1;
    s->csv_ds = core_arena_alloc(s->a, n * sizeof *s->csv_ds);
    s->csv_series = core_arena_alloc(s->a, n * sizeof *s->csv_series);
    s->csv_obs = core_arena_alloc(s->a, n * sizeof *s->csv_obs);
    s->csv_id_len = core_arena_alloc(s->a, n * sizeof *s->csv_id_len);
    s->csv_fill_end = core_arena_alloc(s->a, n * sizeof *s->csv_fill_end);
    for (size_t i = 0; i < s->dsd.nattrs; i++)
        s->csv_id_len[i] = strlen(s->dsd.attrs[i].id);
    core_buf_init(&s->csv_prefix);
    core_buf_init(&s->csv_fill);
    core_arena_defer(s->a, free_csv, s);
    csv_spread(s, reg_cube_dataset_attrs(s->cube), s->csv_ds);
    csv_spread(s, CORE_STR_NULL, s->csv_series);
    size_t col = 0;
    ADD_LIT(out, "DATAFLOW");
    for (size_t d = 0; d < s->dsd.ndims; d++)
        csv_column(s, out, col++, s->dsd.dims[d].id);
    csv_column(s, out, col++, s->dsd.time.id ? s->dsd.time.id : "TIME_PERIOD");
    csv_column(s, out, col++, s->dsd.measure.id);
    if (show_attrs(s))
        for (size_t i = 0; i < s->dsd.nattrs; i++)
            csv_column(s, out, col++, s->dsd.attrs[i].id);
    ADD_LIT(out, "\r\n");
}

/* timeFormat=normalized: the period's start as an ISO 8601 date (a date-time when the period
 * is finer than a day), so that periods of every frequency sort and compare as text. */
static void
csv_time(struct sdmx_data_stream *s, core_buf_t *out, const reg_obs_t *o)
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
csv_series_begin(struct sdmx_data_stream *s, core_buf_t *out)
{
    (void)out;
    csv_spread(s, s->series.attrs, s->csv_series);
    core_buf_reset(&s->csv_prefix);
    core_buf_addstr(&s->csv_prefix, s->csv_flow);
    for (size_t d = 0; d < s->dsd.ndims; d++)
        csv_code(s, &s->csv_prefix, s->dim_names ? &s->dim_names[d] : NULL, s->codes[d]);
    core_buf_reset(&s->csv_fill);
    for (size_t i = 0; show_attrs(s) && i < s->dsd.nattrs; i++) {
        core_str_t v = s->csv_series[i].ptr ? s->csv_series[i] : s->csv_ds[i];
        csv_code(s, &s->csv_fill, s->attr_names ? &s->attr_names[i] : NULL, v);
        s->csv_fill_end[i] = s->csv_fill.len;
    }
}

/* A row: the series' start, the period and value, then each attribute cell, the
 * observation's own or the series' (written once for the row, with one reservation). */
static void
csv_obs(struct sdmx_data_stream *s, core_buf_t *out, const reg_obs_t *o)
{
    size_t nattrs = show_attrs(s) ? s->dsd.nattrs : 0;
    if (nattrs)
        csv_spread(s, o->attrs, s->csv_obs);
    if (s->q->csv_time_normalized || s->attr_names != NULL) {
        core_buf_addstr(out, (core_str_t){s->csv_prefix.ptr, s->csv_prefix.len});
        csv_time(s, out, o);
        core_buf_addc(out, ',');
        csv_field(out, o->value);
        for (size_t i = 0; i < nattrs; i++) {
            core_str_t v = s->csv_obs[i].ptr ? s->csv_obs[i]
                           : s->csv_series[i].ptr ? s->csv_series[i]
                                                  : s->csv_ds[i];
            csv_code(s, out, s->attr_names ? &s->attr_names[i] : NULL, v);
        }
        ADD_LIT(out, "\r\n");
        return;
    }
    size_t need = s->csv_prefix.len + s->csv_fill.len + 2 * (o->period.len + o->value.len) + 8;
    for (size_t i = 0; i < nattrs; i++)
        need += s->csv_obs[i].ptr ? 2 * s->csv_obs[i].len + 3 : 0;
    core_buf_reserve(out, need);
    char *w = out->ptr + out->len;
    memcpy(w, s->csv_prefix.ptr, s->csv_prefix.len);
    w += s->csv_prefix.len;
    *w++ = ',';
    w = csv_put(w, o->period);
    *w++ = ',';
    w = csv_put(w, o->value);
    for (size_t i = 0, from = 0; i < nattrs; from = s->csv_fill_end[i++]) {
        if (s->csv_obs[i].ptr == NULL) {
            memcpy(w, s->csv_fill.ptr + from, s->csv_fill_end[i] - from);
            w += s->csv_fill_end[i] - from;
        } else {
            *w++ = ',';
            w = csv_put(w, s->csv_obs[i]);
        }
    }
    *w++ = '\r';
    *w++ = '\n';
    out->len = (size_t)(w - out->ptr);
}

static void
csv_nothing(struct sdmx_data_stream *s, core_buf_t *out)
{
    (void)s;
    (void)out;
}

static const format_ops_t csv_ops = {csv_begin, csv_series_begin, csv_obs, csv_nothing,
                                     csv_nothing};

/* ---- the stream ------------------------------------------------------------------------------ */

/* Where what is read from the current snapshot goes: the request's arena for the snapshot
 * the answer began with, a snapshot's own arena after a resume (freed when it is let go). */
static core_arena_t *
snap_arena(struct sdmx_data_stream *s)
{
    return s->va != NULL ? s->va : s->a;
}

static const format_ops_t *
ops_of(sdmx_data_format f)
{
    switch (f) {
    case SDMX_DATA_GENERIC:
    case SDMX_DATA_GENERIC_TS: return &generic_ops;
    case SDMX_DATA_SS:
    case SDMX_DATA_SS_TS: return &ss_ops;
    case SDMX_DATA_CSV: return &csv_ops;
    case SDMX_DATA_JSON: return &sdmx__json_data_ops;
    }
    return &generic_ops;
}

/* Finds the dataflow of the query: agency and version optional (latest). */
static core_rc
find_flow(reg_view_t *v, core_arena_t *a, const sdmx_data_query_t *q, dsd_ref_t *out,
          core_err_t *err)
{
    sdmx_structure_query_t sq;
    memset(&sq, 0, sizeof sq);
    sq.kinds = 1u << DSD_KIND_DATAFLOW;
    sq.agencies.v = q->agency.len ? (core_str_t *)&q->agency : NULL;
    sq.agencies.n = q->agency.len ? 1 : 0;
    sq.ids.v = (core_str_t *)&q->flow;
    sq.ids.n = 1;
    sq.latest = q->version.len == 0;
    sq.versions.v = q->version.len ? (core_str_t *)&q->version : NULL;
    sq.versions.n = q->version.len ? 1 : 0;
    sdmx_result_t res;
    core_err_t e = {0};
    char qa[SDMX_QUOTE_MAX], qf[SDMX_QUOTE_MAX];
    sdmx_quote(qa, sizeof qa, q->agency, SDMX_QUOTE_PATH);
    sdmx_quote(qf, sizeof qf, q->flow, SDMX_QUOTE_PATH);
    if (sdmx_structure_resolve(v, a, &sq, &res, &e) != CORE_OK)
        return core_fail(err, CORE_ENOTFOUND, "no dataflow %s%s%s", qa, q->agency.len ? "," : "",
                         qf);
    if (res.n > 1)
        return core_fail(err, CORE_ESYNTAX,
                         "several agencies have a dataflow %s; name the agency: AGENCY,%s", qf, qf);
    *out = res.items[0].art.ref;
    return CORE_OK;
}

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Turns the query key into sorted code ids per dimension; CORE_ENOTFOUND when a position
 * names only codes the cube never saw. */
static core_rc
build_filter(struct sdmx_data_stream *s, reg_key_filter_t **out, core_err_t *err)
{
    const sdmx_data_query_t *q = s->q;
    *out = NULL;
    if (q->nkey == 0)
        return CORE_OK;
    if (q->nkey != s->dsd.ndims)
        return core_fail(err, CORE_ESYNTAX,
                         "the key has %zu positions but %s has %zu dimensions (%s...)", q->nkey,
                         dsd_ref_label(s->a, &s->dsd.dsd), s->dsd.ndims, s->dsd.dims[0].id);
    reg_key_filter_t *f = core_arena_zalloc(s->a, sizeof *f);
    f->ids = core_arena_zalloc(s->a, q->nkey * sizeof *f->ids);
    f->n = core_arena_zalloc(s->a, q->nkey * sizeof *f->n);
    for (size_t d = 0; d < q->nkey; d++) {
        if (q->key[d].n == 0) {
            f->n[d] = SIZE_MAX;
            continue;
        }
        f->ids[d] = core_arena_alloc(s->a, q->key[d].n * sizeof **f->ids);
        for (size_t i = 0; i < q->key[d].n; i++) {
            uint32_t id;
            if (reg_cube_code_id(s->cube, d, q->key[d].v[i], &id))
                f->ids[d][f->n[d]++] = id;
        }
        char code[SDMX_QUOTE_MAX];
        if (f->n[d] == 0)
            return core_fail(err, CORE_ENOTFOUND, "no data for %s=%s%s", s->dsd.dims[d].id,
                             sdmx_quote(code, sizeof code, q->key[d].v[0], SDMX_QUOTE_PATH),
                             q->key[d].n > 1 ? "..." : "");
        qsort(f->ids[d], f->n[d], sizeof **f->ids, cmp_u32);
    }
    *out = f;
    return CORE_OK;
}

/* The next series of the answer: from the store's scan, or (updatedAfter) from the series
 * the change log names that still exist and pass the key filter. */
/* providerRef: AGENCY,ID or ID, joined with '+'; a series written without a provider matches
 * none. The provider of a deleted series is kept, so that its deletion is still theirs. */
core_rc
sdmx__provider_matches(struct sdmx_data_stream *s, const uint32_t *ids, int *yes,
                       core_err_t *err)
{
    const sdmx_strlist_t *want = &s->q->providers;
    *yes = want->n == 0;
    if (*yes)
        return CORE_OK;
    core_str_t agency, id;
    core_rc rc = reg_cube_series_provider(s->cube, ids, &agency, &id, err);
    if (rc == CORE_ENOTFOUND)
        return CORE_OK;
    if (rc != CORE_OK)
        return rc;
    for (size_t i = 0; i < want->n && !*yes; i++) {
        core_str_t head, after = core_str_split(want->v[i], ',', &head);
        if (after.ptr == NULL) /* ID alone */
            *yes = core_str_eq(head, id);
        else /* AGENCY,ID */
            *yes = core_str_eq(head, agency) && core_str_eq(after, id);
    }
    return CORE_OK;
}

static core_rc advance_any(struct sdmx_data_stream *s, core_err_t *err);

static core_rc
advance(struct sdmx_data_stream *s, core_err_t *err)
{
    for (;;) {
        int yes;
        core_rc rc = advance_any(s, err);
        if (rc == CORE_OK)
            rc = sdmx__provider_matches(s, s->series.ids, &yes, err);
        if (rc != CORE_OK || yes)
            return rc;
    }
}

static core_rc
advance_any(struct sdmx_data_stream *s, core_err_t *err)
{
    if (s->changes == NULL && s->q->updated_after == 0)
        return reg_series_iter_next(s->it, &s->series, err);
    while (s->ci < s->nchanges) {
        reg_change_t *ch = &s->changes[s->ci++];
        if (!ch->updated || !reg_key_filter_allows(s->filter, ch->ids, s->dsd.ndims))
            continue;
        core_rc rc = reg_series_iter_at(s->it, ch->ids, s->min_commit, &s->series, err);
        if (rc == CORE_ENOTFOUND)
            continue;
        return rc;
    }
    return CORE_ENOTFOUND;
}

/* Groups by mask, then ids (arg: the number of dimensions). */
static int
cmp_group(const void *pa, const void *pb, void *arg)
{
    const reg_group_t *a = pa, *b = pb;
    size_t nd = *(const size_t *)arg;
    if (a->mask != b->mask)
        return a->mask < b->mask ? -1 : 1;
    for (size_t d = 0; d < nd; d++)
        if (a->ids[d] != b->ids[d])
            return a->ids[d] < b->ids[d] ? -1 : 1;
    return 0;
}

/* The group equal to probe in the sorted groups, or NULL (bsearch takes no context). */
static const reg_group_t *
find_group(const reg_group_t *groups, size_t n, const reg_group_t *probe, size_t nd)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_group(probe, &groups[mid], &nd);
        if (c == 0)
            return &groups[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

static void
free_merged(void *arg)
{
    core_buf_dispose(arg);
}

/* Time series in SDMX-ML have Group elements: there, a stored group whose dimensions are
 * those of one of the DSD's groups is written as such, and not merged into its series. */
static int
writes_groups(const struct sdmx_data_stream *s)
{
    return !s->flat && !s->xs && s->fmt != SDMX_DATA_CSV && s->fmt != SDMX_DATA_JSON;
}

static const char *
group_kind(const struct sdmx_data_stream *s, uint64_t mask)
{
    for (size_t i = 0; i < s->dsd.ngroups; i++)
        if (s->dsd.groups[i].mask == mask && s->dsd.groups[i].id != NULL)
            return s->dsd.groups[i].id;
    return NULL;
}

static void
split_typed_groups(struct sdmx_data_stream *s)
{
    if (!writes_groups(s) || s->dsd.ngroups == 0)
        return;
    s->typed = core_arena_alloc(snap_arena(s), s->ngroups * sizeof *s->typed);
    s->typed_id = core_arena_alloc(snap_arena(s), s->ngroups * sizeof *s->typed_id);
    size_t kept = 0;
    for (size_t i = 0; i < s->ngroups; i++) {
        const char *kind = group_kind(s, s->groups[i].mask);
        if (kind == NULL) {
            s->groups[kept++] = s->groups[i];
            continue;
        }
        s->typed_id[s->ntyped] = kind;
        s->typed[s->ntyped++] = s->groups[i];
    }
    s->ngroups = kept;
}

/* Whether the group's own dimensions pass the query's key. */
static int
group_in_key(const struct sdmx_data_stream *s, const reg_group_t *g)
{
    for (size_t d = 0; d < s->dsd.ndims; d++)
        if (((g->mask >> d) & 1) && !reg_key_filter_allows_code(s->filter, d, g->ids[d]))
            return 0;
    return 1;
}

static void
write_groups(struct sdmx_data_stream *s, core_buf_t *out)
{
    int generic = s->fmt == SDMX_DATA_GENERIC || s->fmt == SDMX_DATA_GENERIC_TS;
    for (size_t i = 0; i < s->ntyped && show_attrs(s); i++) {
        const reg_group_t *g = &s->typed[i];
        if (!group_in_key(s, g))
            continue;
        core_buf_adds(out, generic ? "<generic:Group" : "<Group");
        if (generic)
            add_attr(out, "type", core_str_c(s->typed_id[i]));
        else
            add_attr(out, "xsi:type", core_str_c(core_arena_printf(s->a, "ns1:%s", s->typed_id[i])));
        if (generic)
            ADD_LIT(out, "><generic:GroupKey>");
        for (size_t d = 0; d < s->dsd.ndims; d++)
            if ((g->mask >> d) & 1)
                put_value(out, generic, core_str_c(s->dsd.dims[d].id),
                          reg_cube_code(s->cube, d, g->ids[d]));
        if (generic) {
            ADD_LIT(out, "</generic:GroupKey>");
            gen_values(out, "Attributes", g->attrs);
            ADD_LIT(out, "</generic:Group>");
        } else {
            ss_attrs(out, g->attrs);
            ADD_LIT(out, "/>");
        }
    }
}

/* Loads the group attributes of the cube, sorted so that a series finds its groups with one
 * binary search per distinct group key layout. */
static core_rc
load_groups(struct sdmx_data_stream *s, core_err_t *err)
{
    s->ngroups = s->nmasks = s->ntyped = 0;
    core_rc rc = reg_cube_groups(s->cube, &s->groups, &s->ngroups, err);
    if (rc != CORE_OK || s->ngroups == 0)
        return rc;
    split_typed_groups(s);
    if (s->ngroups == 0)
        return CORE_OK;
    size_t nd = s->dsd.ndims;
    qsort_r(s->groups, s->ngroups, sizeof *s->groups, cmp_group, &nd);
    s->masks = core_arena_alloc(snap_arena(s), s->ngroups * sizeof *s->masks);
    for (size_t i = 0; i < s->ngroups; i++)
        if (s->nmasks == 0 || s->masks[s->nmasks - 1] != s->groups[i].mask)
            s->masks[s->nmasks++] = s->groups[i].mask;
    return CORE_OK;
}


/* The series' own attributes, then those of every group it belongs to (its own win). */
static void
merge_groups(struct sdmx_data_stream *s)
{
    if (s->ngroups == 0)
        return;
    size_t nd = s->dsd.ndims;
    uint32_t probe_ids[64];
    reg_group_t probe = {probe_ids, 0, CORE_STR_NULL};
    core_buf_reset(&s->merged);
    core_buf_addstr(&s->merged, s->series.attrs);
    for (size_t m = 0; m < s->nmasks; m++) {
        probe.mask = s->masks[m];
        for (size_t d = 0; d < nd; d++)
            probe_ids[d] = (probe.mask >> d) & 1 ? s->series.ids[d] : 0;
        const reg_group_t *g = find_group(s->groups, s->ngroups, &probe, nd);
        if (g == NULL)
            continue;
        core_str_t blob = g->attrs;
        dsd_kv_t kv;
        while (dsd_attrs_next(&blob, &kv))
            if (!has_attr((core_str_t){s->merged.ptr, s->merged.len}, kv.id))
                dsd_attrs_add(&s->merged, kv.id, kv.value);
    }
    s->series.attrs = (core_str_t){s->merged.ptr, s->merged.len};
}

/* Reads the next series that has observations to show into s->batch. */
static core_rc
next_series(struct sdmx_data_stream *s, core_err_t *err)
{
    for (;;) {
        core_rc rc = advance(s, err);
        if (rc != CORE_OK)
            return rc;
        s->nbatch = 0;
        reg_obs_t o;
        for (rc = reg_obs_first(s->it, s->q->start, s->q->end, &o, err); rc == CORE_OK;
             rc = reg_obs_next(s->it, &o, err)) {
            if (s->q->first_n && s->nbatch == s->q->first_n)
                break;
            if (s->q->last_n && s->nbatch == s->q->last_n) {
                memmove(s->batch, s->batch + 1, (s->nbatch - 1) * sizeof *s->batch);
                s->nbatch--;
            }
            if (s->nbatch == OBS_BATCH_MAX)
                return core_fail(err, CORE_ETOOBIG, "a series with more than %d observations",
                                 OBS_BATCH_MAX);
            core_arena_grow(s->a, (void **)&s->batch, s->nbatch, &s->capbatch, sizeof *s->batch);
            s->batch[s->nbatch++] = o;
        }
        if (rc != CORE_OK && rc != CORE_ENOTFOUND)
            return rc;
        /* updatedAfter: a series whose attributes changed is shown even without new
         * observations */
        int attrs_changed = s->min_commit != 0 && s->series.commit >= s->min_commit;
        if (s->nbatch == 0 && !attrs_changed)
            continue;
        for (size_t d = 0; d < s->dsd.ndims; d++)
            s->codes[d] = reg_cube_code(s->cube, d, s->series.ids[d]);
        merge_groups(s);
        return CORE_OK;
    }
}

static core_rc
open_changes(struct sdmx_data_stream *s, core_err_t *err)
{
    core_rc rc = reg_cube_changes(s->cube, s->q->updated_after, &s->changes, &s->nchanges,
                                  &s->min_commit, err);
    if (rc != CORE_OK)
        return rc;
    /* the deletions the query does not select (key, providerRef) are dropped here, once,
     * for every writer */
    for (size_t i = 0; i < s->nchanges; i++) {
        reg_change_t *ch = &s->changes[i];
        if (ch->nperiods == 0 && !ch->deleted_series)
            continue;
        int shown = reg_key_filter_allows(s->filter, ch->ids, s->dsd.ndims);
        if (shown && (rc = sdmx__provider_matches(s, ch->ids, &shown, err)) != CORE_OK)
            return rc;
        if (!shown) {
            ch->nperiods = 0;
            ch->deleted_series = 0;
            continue;
        }
        s->ndeletions += ch->nperiods + (size_t)ch->deleted_series;
    }
    return CORE_OK;
}

/* Flat (AllDimensions) deletions, as the data set before them is written: each deleted
 * observation an Obs with its whole key, a deleted series an Obs with the key alone (no
 * period: all of it). */
static void
flat_deletions(struct sdmx_data_stream *s, core_buf_t *out, const reg_change_t *ch, int generic)
{
    if (ch->deleted_series) {
        ADD_LIT(out, "<");
        core_buf_adds(out, generic ? "generic:Obs><generic:ObsKey>" : "Obs");
        for (size_t d = 0; d < s->dsd.ndims; d++)
            put_value(out, generic, core_str_c(s->dsd.dims[d].id), s->codes[d]);
        core_buf_adds(out, generic ? "</generic:ObsKey></generic:Obs>" : "/>");
        return;
    }
    reg_obs_t gone = {0};
    for (size_t j = 0; j < ch->nperiods; j++) {
        gone.period = ch->periods[j];
        if (generic)
            gen_obs(s, out, &gone);
        else
            ss_obs(s, out, &gone);
    }
}

/* The observations and series deleted since updatedAfter, as a data set with action Delete
 * (SDMX-ML only: SDMX-CSV 1.0 has no way to say it). */
static void
write_deletions(struct sdmx_data_stream *s, core_buf_t *out)
{
    int generic = s->fmt == SDMX_DATA_GENERIC || s->fmt == SDMX_DATA_GENERIC_TS;
    const char *time_id = s->dsd.time.id ? s->dsd.time.id : "TIME_PERIOD";
    if (s->ndeletions == 0 || (!generic && s->fmt != SDMX_DATA_SS && s->fmt != SDMX_DATA_SS_TS))
        return;
    const char *sid = structure_id(s);
    if (generic) {
        ADD_LIT(out, "</mes:DataSet><mes:DataSet");
        add_attr(out, "structureRef", core_str_c(sid));
        ADD_LIT(out, " action=\"Delete\">");
    } else {
        ADD_LIT(out, "</mes:DataSet><mes:DataSet");
        add_attr(out, "ss:structureRef", core_str_c(sid));
        add_attr(out, "xsi:type", core_str_c(s->fmt == SDMX_DATA_SS_TS ? "ns1:TimeSeriesDataSetType"
                                                                        : "ns1:DataSetType"));
        ADD_LIT(out, " ss:action=\"Delete\">");
    }
    reg_obs_t gone = {0};
    for (size_t i = 0; i < s->nchanges; i++) {
        reg_change_t *ch = &s->changes[i];
        if (ch->nperiods == 0 && !ch->deleted_series) /* nothing, or not selected */
            continue;
        for (size_t d = 0; d < s->dsd.ndims; d++)
            s->codes[d] = reg_cube_code(s->cube, d, ch->ids[d]);
        s->series.attrs = CORE_STR_NULL;
        if (s->flat) {
            flat_deletions(s, out, ch, generic);
            continue;
        }
        if (generic) {
            gen_series_begin(s, out);
        } else {
            ADD_LIT(out, "<Series");
            for (size_t d = 0; d < s->dsd.ndims; d++)
                add_attr(out, s->dsd.dims[d].id, s->codes[d]);
            core_buf_addc(out, '>');
        }
        for (size_t j = 0; j < ch->nperiods && !ch->deleted_series; j++) {
            gone.period = ch->periods[j];
            if (generic) {
                gen_obs(s, out, &gone);
            } else {
                ADD_LIT(out, "<Obs");
                add_attr(out, time_id, gone.period);
                ADD_LIT(out, "/>");
            }
        }
        core_buf_adds(out, generic ? "</generic:Series>" : "</Series>");
    }
}

/* TIME_PERIOD (the default), AllDimensions (flat, in the SDMX-ML formats that allow it) or
 * another dimension: a cross-section, in the formats that allow it. */
static core_rc
check_dim_at_obs(struct sdmx_data_stream *s, core_err_t *err)
{
    core_str_t d = s->q->dim_at_obs;
    const char *time_id = s->dsd.time.id ? s->dsd.time.id : "TIME_PERIOD";
    if (d.len == 0 || core_str_eq_c(d, time_id))
        return CORE_OK;
    int ts = s->fmt == SDMX_DATA_GENERIC_TS || s->fmt == SDMX_DATA_SS_TS;
    if (core_str_eq_c(d, "AllDimensions")) {
        if (ts)
            return core_fail(err, CORE_ESYNTAX,
                             "time-series formats have %s at the observation; ask "
                             "genericdata or structurespecificdata for AllDimensions",
                             time_id);
        if (s->fmt == SDMX_DATA_JSON && s->q->updated_after)
            return core_fail(err, CORE_ENOTIMPL,
                             "updatedAfter with dimensionAtObservation=AllDimensions in "
                             "SDMX-JSON is not implemented yet: deletions are written as series");
        s->flat = 1;
        core_buf_init(&s->flat_tmp);
        core_arena_defer(s->a, free_merged, &s->flat_tmp);
        return CORE_OK;
    }
    int dim = dsd_structure_dim(&s->dsd, d);
    if (dim < 0)
        return core_fail(err, CORE_ESYNTAX,
                         "dimensionAtObservation names no dimension of %s (nor AllDimensions)",
                         dsd_ref_label(s->a, &s->dsd.dsd));
    if (ts || s->fmt == SDMX_DATA_JSON)
        return core_fail(err, ts ? CORE_ESYNTAX : CORE_ENOTIMPL,
                         "a cross-section on %.*s is answered in genericdata, "
                         "structurespecificdata or csv%s",
                         CORE_STR_FMT(d), ts ? "" : " (not yet in SDMX-JSON)");
    if (s->q->updated_after)
        return core_fail(err, CORE_ENOTIMPL,
                         "updatedAfter with a cross-section (dimensionAtObservation=%.*s) is not "
                         "implemented yet: deletions are written as time series",
                         CORE_STR_FMT(d));
    s->xs = 1;
    s->xs_dim = (size_t)dim;
    core_buf_init(&s->flat_tmp); /* xs_attrs gathers a section's series attributes there */
    core_arena_defer(s->a, free_merged, &s->flat_tmp);
    return CORE_OK;
}

static const char *
concept_name(struct sdmx_data_stream *s, reg_view_t *v, const dsd_component_t *c, core_err_t *err)
{
    sdmx_names_t names = {0};
    if (c->concepts.kind == DSD_KIND_NONE || c->concept == NULL ||
        sdmx__item_names(v, s->a, &c->concepts, &s->q->lang, &names.v, &names.n, err) != CORE_OK)
        return NULL;
    return sdmx__name_of(names.v, names.n, core_str_c(c->concept));
}

/* labels=both: the names of every column's concept and of every coded value's code. */
static core_rc
load_labels(struct sdmx_data_stream *s, reg_view_t *v, core_err_t *err)
{
    size_t nd = s->dsd.ndims, na = s->dsd.nattrs, col = 0;
    s->dim_names = core_arena_zalloc(s->a, (nd + 1) * sizeof *s->dim_names);
    s->attr_names = core_arena_zalloc(s->a, (na + 1) * sizeof *s->attr_names);
    s->col_names = core_arena_zalloc(s->a, (nd + na + 2) * sizeof *s->col_names);
    for (size_t d = 0; d < nd; d++) {
        const dsd_component_t *c = &s->dsd.dims[d];
        s->col_names[col++] = concept_name(s, v, c, err);
        if (c->codelist.kind != DSD_KIND_NONE &&
            sdmx__item_names(v, s->a, &c->codelist, &s->q->lang, &s->dim_names[d].v,
                             &s->dim_names[d].n, err) != CORE_OK)
            return CORE_EBUG;
    }
    s->col_names[col++] = concept_name(s, v, &s->dsd.time, err);
    s->col_names[col++] = concept_name(s, v, &s->dsd.measure, err);
    for (size_t i = 0; i < na; i++) {
        const dsd_component_t *c = &s->dsd.attrs[i];
        s->col_names[col++] = concept_name(s, v, c, err);
        if (c->codelist.kind != DSD_KIND_NONE &&
            sdmx__item_names(v, s->a, &c->codelist, &s->q->lang, &s->attr_names[i].v,
                             &s->attr_names[i].n, err) != CORE_OK)
            return CORE_EBUG;
    }
    return CORE_OK;
}

core_rc
sdmx_data_flow(reg_view_t *v, core_arena_t *a, const sdmx_data_query_t *q, dsd_ref_t *out,
               core_err_t *err)
{
    return find_flow(v, a, q, out, err);
}

static core_rc
compile_cached(struct sdmx_data_stream *s, reg_view_t *v, const dsd_ref_t *dsd, core_err_t *err)
{
    const dsd_structure_t *c;
    core_rc rc = sdmx__structure_cached(s->q->cache, v, s->a, dsd, &c, err);
    if (rc == CORE_OK)
        s->dsd = *c; /* a shallow copy: the cache entry is held until the request ends */
    return rc;
}

core_rc
sdmx_data_stream_open(reg_view_t *v, core_arena_t *a, const sdmx_data_query_t *q,
                      sdmx_data_format fmt, const sdmx_header_t *h, sdmx_data_stream_t **out,
                      core_err_t *err)
{
    struct sdmx_data_stream *s = core_arena_zalloc(a, sizeof *s);
    s->a = a;
    s->q = q;
    s->fmt = fmt;
    s->ops = ops_of(fmt);
    s->h = *h;
    dsd_ref_t dsd;
    core_rc rc;
    s->reg = reg_view_reg(v);
    s->v = v;
    if ((rc = find_flow(v, a, q, &s->flow, err)) != CORE_OK ||
        (rc = sdmx_flow_structure(v, a, &s->flow, &dsd, err)) != CORE_OK ||
        (rc = compile_cached(s, v, &dsd, err)) != CORE_OK)
        return rc;
    /* the stream may outlive the snapshot (see sdmx_data_stream_release) */
    s->flow.agency = core_arena_str(a, s->flow.agency);
    s->flow.id = core_arena_str(a, s->flow.id);
    s->flow.version = core_arena_str(a, s->flow.version);
    if ((rc = check_dim_at_obs(s, err)) != CORE_OK)
        return rc;
    if ((rc = reg_cube_open(v, &s->flow, &s->cube, err)) != CORE_OK)
        return rc;
    reg_key_filter_t *f;
    if ((rc = build_filter(s, &f, err)) != CORE_OK)
        return rc;
    if ((rc = reg_series_iter_new(s->cube, f, &s->it, err)) != CORE_OK)
        return rc;
    s->filter = f;
    s->codes = core_arena_zalloc(a, s->dsd.ndims * sizeof *s->codes);
    s->pending_ids = core_arena_zalloc(a, s->dsd.ndims * sizeof *s->pending_ids);
    core_buf_init(&s->merged); /* (allocates nothing until a series is merged with groups) */
    core_arena_defer(a, free_merged, &s->merged);
    if (s->dsd.ndims > 64)
        return core_fail(err, CORE_ETOOBIG, "more than 64 dimensions");
    if ((rc = load_groups(s, err)) != CORE_OK)
        return rc;
    if (fmt == SDMX_DATA_CSV && q->csv_labels && (rc = load_labels(s, v, err)) != CORE_OK)
        return rc;
    if (q->updated_after != 0 && (rc = open_changes(s, err)) != CORE_OK)
        return rc;
    rc = next_series(s, err);
    if (rc == CORE_ENOTFOUND && s->ndeletions == 0)
        return core_fail(err, CORE_ENOTFOUND, "no data matches the query");
    if (rc != CORE_OK && rc != CORE_ENOTFOUND)
        return rc;
    s->have_series = rc == CORE_OK;
    if (s->xs && fmt != SDMX_DATA_CSV && (rc = xs_gather(s, err)) != CORE_OK)
        return rc;
    *out = s;
    return CORE_OK;
}

/* ---- cross-sections ---------------------------------------------------------------------- */

/* A cross-section groups observations by every dimension but one, and by period: unlike a
 * time series, it cannot be read off the store in key order, so the answer is gathered and
 * sorted first (bounded: XS_MAX observations). */
#define XS_MAX 1000000 /* 88 bytes each, plus a key and attributes per series */

struct xs_entry {
    uint32_t *ids;
    reg_obs_t obs;
    core_str_t series_attrs;
};

struct xs_order {
    size_t ndims, skip; /* skip: the cross-section's dimension, compared last */
};

static int
cmp_xs(const void *pa, const void *pb, void *arg)
{
    const struct xs_entry *a = pa, *b = pb;
    const struct xs_order *o = arg;
    for (size_t d = 0; d < o->ndims; d++)
        if (d != o->skip && a->ids[d] != b->ids[d])
            return a->ids[d] < b->ids[d] ? -1 : 1;
    if (a->obs.start != b->obs.start)
        return a->obs.start < b->obs.start ? -1 : 1;
    if (a->obs.end != b->obs.end)
        return a->obs.end > b->obs.end ? -1 : 1;
    return a->ids[o->skip] < b->ids[o->skip] ? -1 : a->ids[o->skip] > b->ids[o->skip];
}

/* Gathers the observations the stream would show, series by series, before the answer
 * starts, so that a cross-section too large is refused with a status. */
static core_rc
xs_gather(struct sdmx_data_stream *s, core_err_t *err)
{
    size_t nd = s->dsd.ndims;
    while (s->have_series) {
        /* the series' key and attributes, shared by its observations */
        uint32_t *ids = core_arena_alloc(s->a, nd * sizeof *ids);
        memcpy(ids, s->series.ids, nd * sizeof *ids);
        core_str_t attrs = core_arena_str(s->a, s->series.attrs);
        for (size_t i = 0; i < s->nbatch; i++) {
            if (s->xs_n == XS_MAX)
                return core_fail(err, CORE_ETOOBIG,
                                 "a cross-section of more than %d observations; narrow the key "
                                 "or the periods",
                                 XS_MAX);
            core_arena_grow(s->a, (void **)&s->xs_entries, s->xs_n, &s->xs_cap,
                            sizeof *s->xs_entries);
            struct xs_entry *e = &s->xs_entries[s->xs_n++];
            e->ids = ids;
            e->obs = s->batch[i];
            e->series_attrs = attrs;
        }
        core_rc rc = next_series(s, err);
        if (rc == CORE_ENOTFOUND)
            break;
        if (rc != CORE_OK)
            return rc;
    }
    struct xs_order order = {nd, s->xs_dim};
    qsort_r(s->xs_entries, s->xs_n, sizeof *s->xs_entries, cmp_xs, &order);
    return CORE_OK;
}

static int
same_section(const struct sdmx_data_stream *s, const struct xs_entry *a, const struct xs_entry *b)
{
    for (size_t d = 0; d < s->dsd.ndims; d++)
        if (d != s->xs_dim && a->ids[d] != b->ids[d])
            return 0;
    return a->obs.start == b->obs.start && a->obs.end == b->obs.end;
}

static void
xs_attrs(struct sdmx_data_stream *s, core_buf_t *out, const struct xs_entry *e, int generic)
{
    if (!show_attrs(s))
        return;
    core_str_t blobs[2] = {flat_series_attrs(&s->flat_tmp, e->series_attrs, e->obs.attrs),
                           e->obs.attrs};
    if (generic && blobs[0].len == 0 && blobs[1].len == 0)
        return;
    if (generic)
        ADD_LIT(out, "<generic:Attributes>");
    for (size_t i = 0; i < 2; i++) {
        dsd_kv_t kv;
        while (dsd_attrs_next(&blobs[i], &kv))
            put_value(out, generic, kv.id, kv.value);
    }
    if (generic)
        ADD_LIT(out, "</generic:Attributes>");
}

/* One section: every dimension but the cross-section's and the period, then one
 * observation per code of that dimension, which carries the series' attributes. */
static size_t
xs_section(struct sdmx_data_stream *s, core_buf_t *out, size_t at)
{
    const struct xs_entry *first = &s->xs_entries[at];
    int generic = s->fmt == SDMX_DATA_GENERIC;
    const char *time_id = s->dsd.time.id ? s->dsd.time.id : "TIME_PERIOD";
    const dsd_component_t *xd = &s->dsd.dims[s->xs_dim];
    core_buf_adds(out, generic ? "<generic:Series><generic:SeriesKey>" : "<Series");
    for (size_t d = 0; d < s->dsd.ndims; d++)
        if (d != s->xs_dim)
            put_value(out, generic, core_str_c(s->dsd.dims[d].id),
                      reg_cube_code(s->cube, d, first->ids[d]));
    put_value(out, generic, core_str_c(time_id), first->obs.period);
    core_buf_adds(out, generic ? "</generic:SeriesKey>" : ">");
    size_t i = at;
    for (; i < s->xs_n && same_section(s, first, &s->xs_entries[i]); i++) {
        const struct xs_entry *e = &s->xs_entries[i];
        core_str_t code = reg_cube_code(s->cube, s->xs_dim, e->ids[s->xs_dim]);
        if (s->q->detail == SDMX_DATA_SERIESKEYSONLY || s->q->detail == SDMX_DATA_NODATA)
            continue;
        if (generic) {
            ADD_LIT(out, "<generic:Obs><generic:ObsDimension");
            add_attr(out, "id", core_str_c(xd->id));
            add_attr(out, "value", code);
            ADD_LIT(out, "/>");
            if (e->obs.value.len > 0) {
                ADD_LIT(out, "<generic:ObsValue");
                add_attr(out, "value", e->obs.value);
                ADD_LIT(out, "/>");
            }
            xs_attrs(s, out, e, 1);
            ADD_LIT(out, "</generic:Obs>");
        } else {
            ADD_LIT(out, "<Obs");
            add_attr(out, xd->id, code);
            if (e->obs.value.len > 0)
                add_attr(out, s->dsd.measure.id, e->obs.value);
            xs_attrs(s, out, e, 0);
            ADD_LIT(out, "/>");
        }
        s->nobs++;
    }
    core_buf_adds(out, generic ? "</generic:Series>" : "</Series>");
    s->nseries++;
    return i;
}

static core_rc
xs_fill(struct sdmx_data_stream *s, core_buf_t *out, size_t want, int *done, core_err_t *err)
{
    (void)err;
    if (!s->begun) {
        s->ops->begin(s, out);
        s->begun = 1;
    }
    while (s->xs_at < s->xs_n && out->len < want)
        s->xs_at = xs_section(s, out, s->xs_at);
    if (s->xs_at == s->xs_n && !s->ended) {
        s->ops->end(s, out);
        s->ended = 1;
    }
    *done = s->ended;
    return CORE_OK;
}

/* ---- letting the snapshot go ----------------------------------------------------------------
 * A stream reads one snapshot while its client keeps up. When it is released (the server
 * does so when a client stalls), what it still needs from the snapshot is copied, the
 * position is kept as the key of the next series, and the snapshot is ended; the next fill
 * begins a fresh one and goes on from that key. So every series is written whole from one
 * snapshot, but an answer released on the way may show series of two states of the store:
 * series written after the position in between appear, series deleted do not. */

/* A copy in the request's arena; an absent value stays absent. */
static core_str_t
own(struct sdmx_data_stream *s, core_str_t v)
{
    return v.ptr != NULL ? core_arena_str(s->a, v) : v;
}

static void
own_changes(struct sdmx_data_stream *s)
{
    for (size_t i = 0; i < s->nchanges; i++)
        for (size_t j = 0; j < s->changes[i].nperiods; j++)
            s->changes[i].periods[j] = own(s, s->changes[i].periods[j]);
}

static void
own_cross_section(struct sdmx_data_stream *s)
{
    for (size_t i = s->xs_at; i < s->xs_n; i++) {
        reg_obs_t *o = &s->xs_entries[i].obs;
        o->period = own(s, o->period);
        o->value = own(s, o->value);
        o->attrs = own(s, o->attrs);
    }
}

/* Copies what the stream keeps across snapshots and still borrows from the current one. */
static void
own_borrowed(struct sdmx_data_stream *s)
{
    if (s->owns_borrowed)
        return;
    s->owns_borrowed = 1;
    own_changes(s);
    if (s->xs && s->fmt != SDMX_DATA_CSV)
        own_cross_section(s);
    if (s->fmt == SDMX_DATA_CSV && s->begun)
        for (size_t i = 0; i < s->dsd.nattrs; i++)
            s->csv_ds[i] = own(s, s->csv_ds[i]);
}

void
sdmx_data_stream_release(sdmx_data_stream_t *s)
{
    if (s->released || s->v == NULL)
        return;
    if (!s->ended)
        own_borrowed(s);
    if (s->have_series && !s->ended) {
        memcpy(s->pending_ids, s->series.ids, s->dsd.ndims * sizeof *s->pending_ids);
        s->pending_ci = s->ci > 0 ? s->ci - 1 : 0;
    }
    s->cube = NULL;
    s->it = NULL;
    if (s->va != NULL) {
        core_arena_free(s->va); /* ends the snapshot, closes its cursor */
        s->va = NULL;
    } else {
        reg_view_end(s->v);
    }
    s->v = NULL;
    s->released = 1;
}

uint64_t
sdmx_data_stream_resumes(const sdmx_data_stream_t *s)
{
    return s->resumes;
}

static void
free_resumed(void *arg)
{
    struct sdmx_data_stream *s = arg;
    if (s->va != NULL)
        core_arena_free(s->va);
    s->va = NULL;
}

/* A fresh snapshot, positioned on the series the stream was to write next (or the first
 * after it, when that one is gone). */
static core_rc
resume(struct sdmx_data_stream *s, core_err_t *err)
{
    core_arena_t *va = core_arena_new();
    reg_view_t *v;
    core_rc rc = reg_view_begin(s->reg, va, &v, err);
    if (rc != CORE_OK) {
        core_arena_free(va);
        return rc;
    }
    if (s->resumes == 0)
        core_arena_defer(s->a, free_resumed, s); /* a request that ends in the middle */
    s->va = va;
    s->v = v;
    s->released = 0;
    s->resumes++;
    if ((rc = reg_cube_open(v, &s->flow, &s->cube, err)) != CORE_OK ||
        (rc = reg_series_iter_new(s->cube, s->filter, &s->it, err)) != CORE_OK ||
        (rc = load_groups(s, err)) != CORE_OK)
        return rc;
    if ((s->xs && s->fmt != SDMX_DATA_CSV) || !s->have_series)
        return CORE_OK;
    if (s->q->updated_after != 0)
        s->ci = s->pending_ci;
    else
        reg_series_iter_seek(s->it, s->pending_ids);
    rc = next_series(s, err);
    if (rc == CORE_ENOTFOUND) {
        s->have_series = 0;
        return CORE_OK;
    }
    return rc;
}

core_rc
sdmx_data_stream_fill(sdmx_data_stream_t *s, core_buf_t *out, size_t want, int *done,
                      core_err_t *err)
{
    *done = 0;
    core_rc rc;
    if (s->released && (rc = resume(s, err)) != CORE_OK)
        return rc;
    if (s->xs && s->fmt != SDMX_DATA_CSV)
        return xs_fill(s, out, want, done, err);
    if (!s->begun) {
        s->ops->begin(s, out);
        s->begun = 1;
    }
    while (s->have_series && out->len < want) {
        s->ops->series_begin(s, out);
        int obs = s->q->detail != SDMX_DATA_SERIESKEYSONLY && s->q->detail != SDMX_DATA_NODATA;
        for (size_t i = 0; obs && i < s->nbatch; i++)
            s->ops->obs(s, out, &s->batch[i]);
        if (!obs && s->fmt == SDMX_DATA_CSV && s->nbatch > 0)
            s->ops->obs(s, out, &(reg_obs_t){0}); /* a key row per series */
        s->ops->series_end(s, out);
        s->nseries++;
        s->nobs += s->nbatch;
        rc = next_series(s, err);
        if (rc == CORE_ENOTFOUND)
            s->have_series = 0;
        else if (rc != CORE_OK)
            return rc;
    }
    if (!s->have_series && !s->ended) {
        write_deletions(s, out);
        s->ops->end(s, out);
        s->ended = 1;
    }
    *done = s->ended;
    return CORE_OK;
}

const char *
sdmx_data_format_media_type(sdmx_data_format f)
{
    switch (f) {
    case SDMX_DATA_GENERIC: return "application/vnd.sdmx.genericdata+xml;version=2.1";
    case SDMX_DATA_GENERIC_TS: return "application/vnd.sdmx.generictimeseriesdata+xml;version=2.1";
    case SDMX_DATA_SS: return "application/vnd.sdmx.structurespecificdata+xml;version=2.1";
    case SDMX_DATA_SS_TS:
        return "application/vnd.sdmx.structurespecifictimeseriesdata+xml;version=2.1";
    case SDMX_DATA_CSV: return "application/vnd.sdmx.data+csv;version=1.0.0";
    case SDMX_DATA_JSON: return "application/vnd.sdmx.data+json;version=1.0.0";
    }
    return "application/octet-stream";
}
