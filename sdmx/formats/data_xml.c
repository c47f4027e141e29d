#include <config.h>
#include "sdmx/sdmx_int.h"

#include <stdio.h>
#include <string.h>

/* SDMX-ML 2.1 data messages, GenericData and StructureSpecificData (and their time-series
 * forms), written from what the planner hands over (sdmx__data_t): series by series, or
 * section by section for a cross-section. No store call: codes arrive as strings. */

#define SDMX_NS_GEN "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic"
#define SDMX_NS_SS "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific"

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

/* Whether id may be an xs:ID as it is: an NCName (SDMX ids may begin with a digit and hold
 * '@' or '$'). */
static int
is_ncname(core_str_t id)
{
    if (id.len == 0 || (id.ptr[0] >= '0' && id.ptr[0] <= '9') || id.ptr[0] == '-')
        return 0;
    for (size_t i = 0; i < id.len; i++)
        if (id.ptr[i] == '@' || id.ptr[i] == '$')
            return 0;
    return 1;
}

/* The header's structureID (the IDREF of every DataSet's structureRef): the DSD's id, which
 * clients take it for (rsdmx fetches the DSD of that id); when that id cannot be an xs:ID,
 * agency, id and version joined, with what an NCName cannot hold made '_'. */
static const char *
structure_id(sdmx__data_t *s)
{
    const dsd_ref_t *d = &s->dsd.dsd;
    if (is_ncname(d->id))
        return core_arena_strndup(s->a, d->id.ptr, d->id.len);
    char *id = core_arena_printf(s->a, "_%.*s_%.*s_%.*s", CORE_STR_FMT(d->agency),
                                 CORE_STR_FMT(d->id), CORE_STR_FMT(d->version));
    for (char *p = id; *p; p++)
        if (*p == '@' || *p == '$')
            *p = '_';
    return id;
}

static const char *
obs_dimension(const sdmx__data_t *s)
{
    if (s->xs)
        return s->dsd.dims[s->xs_dim].id;
    return s->flat ? "AllDimensions" : s->dsd.time.id ? s->dsd.time.id : "TIME_PERIOD";
}

const char *
sdmx__ss_namespace(core_arena_t *a, const dsd_ref_t *dsd, const char *obs_dim,
                   int explicit_measure)
{
    return core_arena_printf(a, "%s:ObsLevelDim:%s%s", dsd_ref_urn(a, dsd), obs_dim,
                             explicit_measure ? ":explicit" : "");
}

static const char *
ss_namespace(sdmx__data_t *s)
{
    return sdmx__ss_namespace(s->a, &s->dsd.dsd, obs_dimension(s), 0);
}

static void
header_structure(sdmx__data_t *s, core_buf_t *out, int ss)
{
    const char *sid = structure_id(s);
    ADD_LIT(out, "<mes:Structure structureID=\"");
    core_buf_add_xml(out, sid, strlen(sid));
    core_buf_addc(out, '"');
    if (ss)
        add_attr(out, "namespace", core_str_c(ss_namespace(s)));
    add_attr(out, "dimensionAtObservation", core_str_c(obs_dimension(s)));
    ADD_LIT(out, "><com:StructureUsage>");
    ADD_LIT(out, "<Ref");
    add_attr(out, "agencyID", s->flow.agency);
    add_attr(out, "id", s->flow.id);
    add_attr(out, "version", s->flow.version);
    ADD_LIT(out, "/>");
    ADD_LIT(out, "</com:StructureUsage></mes:Structure></mes:Header>");
}

/* The series attributes a flat observation shows: those its own attributes do not give. */
static core_str_t
flat_series_attrs(core_buf_t *tmp, core_str_t series, core_str_t obs)
{
    dsd_kv_t kv;
    core_buf_reset(tmp);
    while (dsd_attrs_next(&series, &kv))
        if (!dsd_attrs_has(obs, kv.id))
            dsd_attrs_add(tmp, kv.id, kv.value);
    return (core_str_t){tmp->ptr, tmp->len};
}

static int
is_generic(const sdmx__data_t *s)
{
    return s->fmt == SDMX_DATA_GENERIC || s->fmt == SDMX_DATA_GENERIC_TS;
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

static void write_groups(sdmx__data_t *s, core_buf_t *out);
static void write_deletions(sdmx__data_t *s, core_buf_t *out);

/* includeHistory: the data set's action and when its values held (as xs:dateTime, to the
 * microsecond: two commits may fall in one second); nothing otherwise. */
static void
history_attrs(sdmx__data_t *s, core_buf_t *out, int ss)
{
    if (!s->history)
        return;
    int64_t us = s->hist_time, sec = us / 1000000;
    char iso[32], t[48];
    core_time_iso(sec, iso);
    size_t n = strlen(iso);
    snprintf(t, sizeof t, "%.*s.%06lldZ", (int)(n > 0 ? n - 1 : 0), iso,
             (long long)(us - sec * 1000000));
    add_attr(out, ss ? "ss:action" : "action", core_str_c(s->hist_delete ? "Delete" : "Replace"));
    const char *when = s->hist_delete ? "validToDate" : "validFromDate";
    add_attr(out, ss ? core_arena_printf(s->a, "ss:%s", when) : when, core_str_c(t));
}

static void
gen_begin(sdmx__data_t *s, core_buf_t *out)
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
    history_attrs(s, out, 0);
    core_buf_addc(out, '>');
    if (sdmx__data_shows_attrs(s))
        gen_values(out, "Attributes", s->dataset_attrs);
    write_groups(s, out);
}

/* includeHistory: the next data set (the data set's attributes and groups are written once,
 * in the first). */
static void
gen_dataset_next(sdmx__data_t *s, core_buf_t *out)
{
    ADD_LIT(out, "</mes:DataSet><mes:DataSet");
    add_attr(out, "structureRef", core_str_c(structure_id(s)));
    history_attrs(s, out, 0);
    core_buf_addc(out, '>');
}

static void
gen_series_begin(sdmx__data_t *s, core_buf_t *out)
{
    if (s->flat)
        return;
    ADD_LIT(out, "<generic:Series><generic:SeriesKey>");
    for (size_t d = 0; d < s->dsd.ndims; d++)
        put_value(out, 1, core_str_c(s->dsd.dims[d].id), s->codes[d]);
    ADD_LIT(out, "</generic:SeriesKey>");
    if (sdmx__data_shows_attrs(s))
        gen_values(out, "Attributes", s->series_attrs);
}

/* A flat observation carries the whole key, time included, and the series' attributes. */
static void
gen_flat_obs(sdmx__data_t *s, core_buf_t *out, const store_obs_t *o)
{
    ADD_LIT(out, "<generic:Obs><generic:ObsKey>");
    for (size_t d = 0; d <= s->dsd.ndims; d++)
        put_value(out, 1,
                  core_str_c(d < s->dsd.ndims ? s->dsd.dims[d].id
                             : s->dsd.time.id ? s->dsd.time.id
                                              : "TIME_PERIOD"),
                  d < s->dsd.ndims ? s->codes[d] : o->period);
    ADD_LIT(out, "</generic:ObsKey>");
    if (o->value.len > 0) {
        ADD_LIT(out, "<generic:ObsValue");
        add_attr(out, "value", o->value);
        ADD_LIT(out, "/>");
    }
    if (sdmx__data_shows_attrs(s) && (s->series_attrs.len || o->attrs.len)) {
        ADD_LIT(out, "<generic:Attributes>");
        core_str_t blobs[2] = {flat_series_attrs(&s->flat_tmp, s->series_attrs, o->attrs),
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
gen_obs(sdmx__data_t *s, core_buf_t *out, const store_obs_t *o)
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
    if (sdmx__data_shows_attrs(s))
        gen_values(out, "Attributes", o->attrs);
    ADD_LIT(out, "</generic:Obs>");
}

static void
gen_series_end(sdmx__data_t *s, core_buf_t *out)
{
    if (!s->flat)
        ADD_LIT(out, "</generic:Series>");
}

static void
gen_end(sdmx__data_t *s, core_buf_t *out)
{
    const char *root = s->fmt == SDMX_DATA_GENERIC_TS ? "GenericTimeSeriesData" : "GenericData";
    write_deletions(s, out);
    core_buf_printf(out, "</mes:DataSet></mes:%s>\n", root);
}

/* ---- SDMX-ML 2.1 StructureSpecificData ----------------------------------------------------- */

static void
ss_attrs(core_buf_t *out, core_str_t blob)
{
    dsd_kv_t kv;
    while (dsd_attrs_next(&blob, &kv))
        add_attr_str(out, kv.id, kv.value);
}

static const char *
ss_root(const sdmx__data_t *s)
{
    return s->fmt == SDMX_DATA_SS_TS ? "StructureSpecificTimeSeriesData" : "StructureSpecificData";
}

static void
ss_begin(sdmx__data_t *s, core_buf_t *out)
{
    const char *ns = ss_namespace(s);
    core_buf_printf(out,
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mes:%s xmlns:mes=\"" SDMX_NS_MES
                    "\" xmlns:ss=\"" SDMX_NS_SS "\" xmlns:com=\"" SDMX_NS_COM
                    "\" xmlns:xsi=\"" SDMX_NS_XSI "\" xmlns:ns1=\"",
                    ss_root(s));
    core_buf_add_xml(out, ns, strlen(ns));
    ADD_LIT(out, "\">");
    sdmx__header_open(out, &s->h);
    header_structure(s, out, 1);
    ADD_LIT(out, "<mes:DataSet");
    add_attr(out, "ss:structureRef", core_str_c(structure_id(s)));
    add_attr(
        out, "xsi:type",
        core_str_c(s->fmt == SDMX_DATA_SS_TS ? "ns1:TimeSeriesDataSetType" : "ns1:DataSetType"));
    add_attr(out, "ss:dataScope", CORE_STR("DataStructure"));
    history_attrs(s, out, 1);
    if (sdmx__data_shows_attrs(s))
        ss_attrs(out, s->dataset_attrs);
    core_buf_addc(out, '>');
    write_groups(s, out);
}

static void
ss_dataset_next(sdmx__data_t *s, core_buf_t *out)
{
    ADD_LIT(out, "</mes:DataSet><mes:DataSet");
    add_attr(out, "ss:structureRef", core_str_c(structure_id(s)));
    add_attr(
        out, "xsi:type",
        core_str_c(s->fmt == SDMX_DATA_SS_TS ? "ns1:TimeSeriesDataSetType" : "ns1:DataSetType"));
    add_attr(out, "ss:dataScope", CORE_STR("DataStructure"));
    history_attrs(s, out, 1);
    core_buf_addc(out, '>');
}

static void
ss_series_begin(sdmx__data_t *s, core_buf_t *out)
{
    if (s->flat)
        return;
    ADD_LIT(out, "<Series");
    for (size_t d = 0; d < s->dsd.ndims; d++)
        add_attr(out, s->dsd.dims[d].id, s->codes[d]);
    if (sdmx__data_shows_attrs(s))
        ss_attrs(out, s->series_attrs);
    core_buf_addc(out, '>');
}

static void
ss_obs(sdmx__data_t *s, core_buf_t *out, const store_obs_t *o)
{
    ADD_LIT(out, "<Obs");
    for (size_t d = 0; s->flat && d < s->dsd.ndims; d++)
        add_attr(out, s->dsd.dims[d].id, s->codes[d]);
    if (s->flat && sdmx__data_shows_attrs(s))
        ss_attrs(out, flat_series_attrs(&s->flat_tmp, s->series_attrs, o->attrs));
    add_attr(out, s->dsd.time.id ? s->dsd.time.id : "TIME_PERIOD", o->period);
    if (o->value.len > 0)
        add_attr(out, s->dsd.measure.id, o->value);
    if (sdmx__data_shows_attrs(s))
        ss_attrs(out, o->attrs);
    ADD_LIT(out, "/>");
}

static void
ss_series_end(sdmx__data_t *s, core_buf_t *out)
{
    if (!s->flat)
        ADD_LIT(out, "</Series>");
}

static void
ss_end(sdmx__data_t *s, core_buf_t *out)
{
    write_deletions(s, out);
    core_buf_printf(out, "</mes:DataSet></mes:%s>\n", ss_root(s));
}

/* ---- groups and deletions ------------------------------------------------------------------ */

static void
write_groups(sdmx__data_t *s, core_buf_t *out)
{
    int generic = is_generic(s);
    for (size_t i = 0; i < s->ngroups && sdmx__data_shows_attrs(s); i++) {
        const sdmx__data_group_t *g = &s->groups[i];
        core_buf_adds(out, generic ? "<generic:Group" : "<Group");
        if (generic)
            add_attr(out, "type", core_str_c(g->type));
        else
            add_attr(out, "xsi:type", core_str_c(core_arena_printf(s->a, "ns1:%s", g->type)));
        if (generic)
            ADD_LIT(out, "><generic:GroupKey>");
        for (size_t d = 0; d < s->dsd.ndims; d++)
            if ((g->mask >> d) & 1)
                put_value(out, generic, core_str_c(s->dsd.dims[d].id), g->codes[d]);
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

/* Flat (AllDimensions) deletions, as the data set before them is written: each deleted
 * observation an Obs with its whole key, a deleted series an Obs with the key alone (no
 * period: all of it). */
static void
flat_deletions(sdmx__data_t *s, core_buf_t *out, const sdmx__data_deletion_t *del, int generic)
{
    if (del->whole_series) {
        ADD_LIT(out, "<");
        core_buf_adds(out, generic ? "generic:Obs><generic:ObsKey>" : "Obs");
        for (size_t d = 0; d < s->dsd.ndims; d++)
            put_value(out, generic, core_str_c(s->dsd.dims[d].id), s->codes[d]);
        core_buf_adds(out, generic ? "</generic:ObsKey></generic:Obs>" : "/>");
        return;
    }
    store_obs_t gone = {0};
    for (size_t j = 0; j < del->nperiods; j++) {
        gone.period = del->periods[j];
        if (generic)
            gen_obs(s, out, &gone);
        else
            ss_obs(s, out, &gone);
    }
}

/* The observations and series deleted since updatedAfter, as a data set with action Delete. */
static void
write_deletions(sdmx__data_t *s, core_buf_t *out)
{
    int generic = is_generic(s);
    const char *time_id = s->dsd.time.id ? s->dsd.time.id : "TIME_PERIOD";
    if (s->ndeletions == 0)
        return;
    const char *sid = structure_id(s);
    if (generic) {
        ADD_LIT(out, "</mes:DataSet><mes:DataSet");
        add_attr(out, "structureRef", core_str_c(sid));
        ADD_LIT(out, " action=\"Delete\">");
    } else {
        ADD_LIT(out, "</mes:DataSet><mes:DataSet");
        add_attr(out, "ss:structureRef", core_str_c(sid));
        add_attr(out, "xsi:type",
                 core_str_c(s->fmt == SDMX_DATA_SS_TS ? "ns1:TimeSeriesDataSetType"
                                                      : "ns1:DataSetType"));
        ADD_LIT(out, " ss:action=\"Delete\">");
    }
    store_obs_t gone = {0};
    for (size_t i = 0; i < s->ndeletions; i++) {
        const sdmx__data_deletion_t *del = &s->deletions[i];
        s->codes = del->codes;
        s->series_attrs = CORE_STR_NULL;
        if (s->flat) {
            flat_deletions(s, out, del, generic);
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
        for (size_t j = 0; j < del->nperiods && !del->whole_series; j++) {
            gone.period = del->periods[j];
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

/* ---- cross-sections ---------------------------------------------------------------------- */

static int
same_section(const sdmx__data_t *s, const sdmx__xs_entry_t *a, const sdmx__xs_entry_t *b)
{
    for (size_t d = 0; d < s->dsd.ndims; d++)
        if (d != s->xs_dim && a->ids[d] != b->ids[d])
            return 0;
    return a->obs.start == b->obs.start && a->obs.end == b->obs.end;
}

int
sdmx__xs_on_series(const dsd_structure_t *s, const dsd_component_t *c, size_t xs)
{
    uint64_t dims = 0;
    if (c == NULL || xs >= 64)
        return 0;
    if (c->attach == DSD_ATTACH_SERIES)
        dims = c->dims;
    for (size_t g = 0; c->attach == DSD_ATTACH_GROUP && c->group && g < s->ngroups; g++)
        if (strcmp(s->groups[g].id, c->group) == 0)
            dims = s->groups[g].mask;
    return dims != 0 && !((dims >> xs) & 1);
}

/* Whether the attribute id of a series goes on the cross-section's Series element
 * (structure-specific only: the DSD-specific schema has it there, and not on Obs). */
static int
on_xs_series(const sdmx__data_t *s, core_str_t id, int generic)
{
    return !generic && sdmx__xs_on_series(&s->dsd, dsd_structure_attr(&s->dsd, id), s->xs_dim);
}

/* The attributes of a cross-section's Series: the series' attributes that do not vary
 * along the cross-section's dimension (structure-specific only). */
static void
xs_series_attrs(sdmx__data_t *s, core_buf_t *out, const sdmx__xs_entry_t *e)
{
    if (!sdmx__data_shows_attrs(s))
        return;
    core_str_t blob = flat_series_attrs(&s->flat_tmp, e->series_attrs, e->obs.attrs);
    dsd_kv_t kv;
    while (dsd_attrs_next(&blob, &kv))
        if (on_xs_series(s, kv.id, 0))
            add_attr_str(out, kv.id, kv.value);
}

static void
xs_attrs(sdmx__data_t *s, core_buf_t *out, const sdmx__xs_entry_t *e, int generic)
{
    if (!sdmx__data_shows_attrs(s))
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
            if (i == 1 || !on_xs_series(s, kv.id, generic))
                put_value(out, generic, kv.id, kv.value);
    }
    if (generic)
        ADD_LIT(out, "</generic:Attributes>");
}

/* One section: every dimension but the cross-section's and the period, then one
 * observation per code of that dimension, which carries the series' attributes. */
static size_t
xs_section(sdmx__data_t *s, core_buf_t *out, const sdmx__xs_entry_t *entries, size_t n, size_t at)
{
    const sdmx__xs_entry_t *first = &entries[at];
    int generic = s->fmt == SDMX_DATA_GENERIC;
    const char *time_id = s->dsd.time.id ? s->dsd.time.id : "TIME_PERIOD";
    const dsd_component_t *xd = &s->dsd.dims[s->xs_dim];
    core_buf_adds(out, generic ? "<generic:Series><generic:SeriesKey>" : "<Series");
    for (size_t d = 0; d < s->dsd.ndims; d++)
        if (d != s->xs_dim)
            put_value(out, generic, core_str_c(s->dsd.dims[d].id), first->codes[d]);
    put_value(out, generic, core_str_c(time_id), first->obs.period);
    if (!generic)
        xs_series_attrs(s, out, first);
    core_buf_adds(out, generic ? "</generic:SeriesKey>" : ">");
    size_t i = at;
    for (; i < n && same_section(s, first, &entries[i]); i++) {
        const sdmx__xs_entry_t *e = &entries[i];
        core_str_t code = e->codes[s->xs_dim];
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

const sdmx__data_ops_t sdmx__generic_data_ops = {
    gen_begin, gen_series_begin, gen_obs, gen_series_end, gen_end, xs_section, gen_dataset_next};
const sdmx__data_ops_t sdmx__ss_data_ops = {
    ss_begin, ss_series_begin, ss_obs, ss_series_end, ss_end, xs_section, ss_dataset_next};

/* ---- the formats ----------------------------------------------------------------------------- */

const sdmx__data_ops_t *
sdmx__data_ops(sdmx_data_format f)
{
    switch (f) {
    case SDMX_DATA_GENERIC:
    case SDMX_DATA_GENERIC_TS:
        return &sdmx__generic_data_ops;
    case SDMX_DATA_SS:
    case SDMX_DATA_SS_TS:
        return &sdmx__ss_data_ops;
    case SDMX_DATA_CSV:
        return &sdmx__csv_data_ops;
    case SDMX_DATA_JSON:
        return &sdmx__json_data_ops;
    }
    return &sdmx__generic_data_ops;
}

/* Time series in SDMX-ML have Group elements: there, a stored group whose dimensions are
 * those of one of the DSD's groups is written as such, and not merged into its series. */
int
sdmx__data_writes_groups(sdmx_data_format f, int flat, int xs)
{
    return !flat && !xs && f != SDMX_DATA_CSV && f != SDMX_DATA_JSON;
}

const char *
sdmx_data_format_media_type(sdmx_data_format f)
{
    switch (f) {
    case SDMX_DATA_GENERIC:
        return "application/vnd.sdmx.genericdata+xml;version=2.1";
    case SDMX_DATA_GENERIC_TS:
        return "application/vnd.sdmx.generictimeseriesdata+xml;version=2.1";
    case SDMX_DATA_SS:
        return "application/vnd.sdmx.structurespecificdata+xml;version=2.1";
    case SDMX_DATA_SS_TS:
        return "application/vnd.sdmx.structurespecifictimeseriesdata+xml;version=2.1";
    case SDMX_DATA_CSV:
        return "application/vnd.sdmx.data+csv;version=1.0.0";
    case SDMX_DATA_JSON:
        return "application/vnd.sdmx.data+json;version=1.0.0";
    }
    return "application/octet-stream";
}
