#include <config.h>
#include "sdmx/sdmx_int.h"

#include <string.h>

/* The DSD-specific XML schema of SDMX-ML 2.1 structure-specific data (/rest/schema), for one
 * dimension at the observation: the types DataSetType, SeriesType, ObsType, a GroupType per
 * group and, with the time dimension at the observation, their TimeSeries forms, each a
 * restriction of the base types of SDMXDataStructureSpecific.xsd whose XML attributes are
 * the DSD's components. Where an attribute goes is where the structure-specific writer
 * (data_xml.c) puts it, so that every answer of that writer validates against this schema:
 * data set attributes on DataSet; series and group attributes on Series (time series), on
 * the cross-section's Series when they do not vary along its dimension
 * (sdmx__xs_on_series), else on Obs; everything on Obs when flat. Coded components take an
 * enumeration of their codelist's codes, a numeric primary measure xs:double, the others
 * xs:string. */

#define XSD_NS "http://www.w3.org/2001/XMLSchema"
#define SS_NS "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific"

typedef enum level { AT_DATASET, AT_SERIES, AT_OBS } level;

static void
add_cstr_xml(core_buf_t *out, const char *s)
{
    core_buf_add_xml(out, s, strlen(s));
}

static int
ncname_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

/* The simple type name of a codelist: AGENCY.ID.VERSION as the standard's schemas name them,
 * each character outside an NCName made '_' (the ids are checked at load; stores older than
 * the check may hold others). */
static const char *
codelist_type(core_arena_t *a, const dsd_ref_t *cl)
{
    char *name = core_arena_printf(a, "%.*s.%.*s.%.*s", CORE_STR_FMT(cl->agency),
                                   CORE_STR_FMT(cl->id), CORE_STR_FMT(cl->version));
    for (char *p = name; *p; p++)
        if (!ncname_char(*p))
            *p = '_';
    if (!((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z')))
        name[0] = 'C';
    return name;
}

static const sdmx__schema_codes_t *
codes_of(const sdmx__schema_t *s, const dsd_component_t *c)
{
    for (size_t i = 0; c->codelist.kind != DSD_KIND_NONE && i < s->ncodelists; i++)
        if (dsd_ref_eq(&s->codelists[i].codelist, &c->codelist))
            return &s->codelists[i];
    return NULL;
}

/* Whether the primary measure is numeric: the text types dsd/validate.c checks values of as
 * numbers (and none, 2.1's default). */
static int
numeric_measure(const dsd_component_t *m)
{
    static const char *const types[] = {
        "Double", "Float",      "Decimal", "Integer",         "Long",
        "Short",  "BigInteger", "Count",   "PositiveInteger", "Numeric"};
    if (m->text_type == NULL)
        return 1;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(m->text_type, types[i]) == 0)
            return 1;
    return 0;
}

/* A coded component takes its codelist's enumeration; a numeric primary measure xs:double
 * (what the loader checks its values against: a number, or NaN, whatever the DSD's numeric
 * type); anything else xs:string. */
static const char *
type_of(core_arena_t *a, const sdmx__schema_t *s, const dsd_component_t *c)
{
    const sdmx__schema_codes_t *codes = codes_of(s, c);
    if (codes != NULL)
        return codelist_type(a, &codes->codelist);
    if (c == &s->dsd->measure && c->codelist.kind == DSD_KIND_NONE && numeric_measure(c))
        return "xs:double";
    return "xs:string";
}

static void
attribute(core_buf_t *out, const char *name, const char *type, const char *use)
{
    core_buf_adds(out, "<xs:attribute name=\"");
    add_cstr_xml(out, name);
    core_buf_adds(out, "\" type=\"");
    add_cstr_xml(out, type);
    core_buf_adds(out, "\" use=\"");
    core_buf_adds(out, use);
    core_buf_adds(out, "\"/>");
}

static void
component(core_buf_t *out, core_arena_t *a, const sdmx__schema_t *s, const dsd_component_t *c,
          const char *use)
{
    attribute(out, c->id, type_of(a, s, c), use);
}

static const char *
time_id(const sdmx__schema_t *s)
{
    return s->dsd->time.id ? s->dsd->time.id : "TIME_PERIOD";
}

static level
level_of(const sdmx__schema_t *s, const dsd_component_t *c)
{
    if (c->attach == DSD_ATTACH_DATASET)
        return AT_DATASET;
    if (s->flat)
        return AT_OBS;
    if (s->xs)
        return sdmx__xs_on_series(s->dsd, c, s->xs_dim) ? AT_SERIES : AT_OBS;
    return c->attach == DSD_ATTACH_OBS ? AT_OBS : AT_SERIES;
}

static void
attributes_at(core_buf_t *out, core_arena_t *a, const sdmx__schema_t *s, level at)
{
    for (size_t i = 0; i < s->dsd->nattrs; i++)
        if (level_of(s, &s->dsd->attrs[i]) == at)
            component(out, a, s, &s->dsd->attrs[i], "optional");
}

static void
open_type(core_buf_t *out, const char *name, const char *base, int abstract)
{
    core_buf_adds(out, "<xs:complexType name=\"");
    add_cstr_xml(out, name);
    core_buf_adds(out, abstract ? "\" abstract=\"true\">" : "\">");
    core_buf_adds(out, "<xs:complexContent><xs:restriction base=\"");
    add_cstr_xml(out, base);
    core_buf_adds(out, "\"><xs:sequence><xs:element ref=\"common:Annotations\" minOccurs=\"0\"/>");
}

static void
close_type(core_buf_t *out)
{
    core_buf_adds(out, "</xs:restriction></xs:complexContent></xs:complexType>");
}

static int
has_groups(const sdmx__schema_t *s)
{
    return !s->flat && !s->xs && s->dsd->ngroups > 0;
}

/* DataSetType or TimeSeriesDataSetType: groups, then series (or flat observations). */
static void
data_set_type(core_buf_t *out, core_arena_t *a, const sdmx__schema_t *s, int ts)
{
    open_type(out, ts ? "TimeSeriesDataSetType" : "DataSetType",
              ts ? "dsd:TimeSeriesDataSetType" : "dsd:DataSetType", 0);
    core_buf_adds(out, "<xs:element name=\"DataProvider\" type=\"common:DataProviderReferenceType\""
                       " form=\"unqualified\" minOccurs=\"0\"/>");
    if (has_groups(s))
        core_buf_adds(out, "<xs:element name=\"Group\" type=\"GroupType\" form=\"unqualified\" "
                           "minOccurs=\"0\" maxOccurs=\"unbounded\"/>");
    core_buf_adds(out, "<xs:choice minOccurs=\"0\">");
    if (s->flat)
        core_buf_adds(out, "<xs:element name=\"Obs\" type=\"ObsType\" form=\"unqualified\" "
                           "maxOccurs=\"unbounded\"/>");
    else
        core_buf_printf(out,
                        "<xs:element name=\"Series\" type=\"%s\" form=\"unqualified\" "
                        "maxOccurs=\"unbounded\"/>",
                        ts ? "TimeSeriesType" : "SeriesType");
    core_buf_adds(out, "</xs:choice></xs:sequence>");
    attributes_at(out, a, s, AT_DATASET);
    close_type(out);
}

/* The abstract GroupType, the enumeration of the group ids, and a type per group: its
 * dimensions and the attributes attached to it. */
static void
group_types(core_buf_t *out, core_arena_t *a, const sdmx__schema_t *s)
{
    if (!has_groups(s))
        return;
    open_type(out, "GroupType", "dsd:GroupType", 1);
    core_buf_adds(out, "</xs:sequence><xs:attribute name=\"type\" type=\"GroupType.ID\" "
                       "use=\"optional\"/><xs:anyAttribute namespace=\"##local\"/>");
    close_type(out);
    core_buf_adds(out, "<xs:simpleType name=\"GroupType.ID\"><xs:restriction "
                       "base=\"common:IDType\">");
    for (size_t g = 0; g < s->dsd->ngroups; g++) {
        core_buf_adds(out, "<xs:enumeration value=\"");
        add_cstr_xml(out, s->dsd->groups[g].id);
        core_buf_adds(out, "\"/>");
    }
    core_buf_adds(out, "</xs:restriction></xs:simpleType>");
    for (size_t g = 0; g < s->dsd->ngroups; g++) {
        const dsd_group_t *gr = &s->dsd->groups[g];
        open_type(out, gr->id, "GroupType", 0);
        core_buf_adds(out, "</xs:sequence>");
        for (size_t d = 0; d < s->dsd->ndims && d < 64; d++)
            if ((gr->mask >> d) & 1)
                component(out, a, s, &s->dsd->dims[d], "required");
        for (size_t i = 0; i < s->dsd->nattrs; i++) {
            const dsd_component_t *c = &s->dsd->attrs[i];
            if (c->attach == DSD_ATTACH_GROUP && c->group && strcmp(c->group, gr->id) == 0)
                component(out, a, s, c, "optional");
        }
        core_buf_adds(out, "<xs:attribute name=\"type\" type=\"GroupType.ID\" use=\"optional\" "
                           "fixed=\"");
        add_cstr_xml(out, gr->id);
        core_buf_adds(out, "\"/>");
        close_type(out);
    }
}

/* SeriesType or TimeSeriesType: the key but the observation's dimension (the time period
 * of a cross-section's section), and the attributes that do not vary along it. */
static void
series_type(core_buf_t *out, core_arena_t *a, const sdmx__schema_t *s, int ts)
{
    open_type(out, ts ? "TimeSeriesType" : "SeriesType",
              ts ? "dsd:TimeSeriesType" : "dsd:SeriesType", 0);
    core_buf_printf(out,
                    "<xs:element name=\"Obs\" type=\"%s\" form=\"unqualified\" "
                    "minOccurs=\"0\" maxOccurs=\"unbounded\"/></xs:sequence>",
                    ts ? "TimeSeriesObsType" : "ObsType");
    for (size_t d = 0; d < s->dsd->ndims; d++)
        if (!s->xs || d != s->xs_dim)
            component(out, a, s, &s->dsd->dims[d], "required");
    if (s->xs)
        attribute(out, time_id(s), "common:ObservationalTimePeriodType", "required");
    attributes_at(out, a, s, AT_SERIES);
    close_type(out);
}

/* ObsType or TimeSeriesObsType: the observation's dimension (every one when flat), the
 * primary measure and the attributes that vary with it. */
static void
obs_type(core_buf_t *out, core_arena_t *a, const sdmx__schema_t *s, int ts)
{
    open_type(out, ts ? "TimeSeriesObsType" : "ObsType",
              ts ? "dsd:TimeSeriesObsType" : "dsd:ObsType", 0);
    core_buf_adds(out, "</xs:sequence>");
    for (size_t d = 0; s->flat && d < s->dsd->ndims; d++)
        component(out, a, s, &s->dsd->dims[d], "required");
    if (s->xs)
        component(out, a, s, &s->dsd->dims[s->xs_dim], "required");
    else
        attribute(out, time_id(s), "common:ObservationalTimePeriodType", "required");
    if (s->dsd->measure.id != NULL)
        component(out, a, s, &s->dsd->measure, "optional");
    attributes_at(out, a, s, AT_OBS);
    close_type(out);
}

/* A simple type per codelist: the enumeration of its codes. */
static void
codelist_types(core_buf_t *out, core_arena_t *a, const sdmx__schema_t *s)
{
    for (size_t i = 0; i < s->ncodelists; i++) {
        const sdmx__schema_codes_t *cl = &s->codelists[i];
        core_buf_adds(out, "<xs:simpleType name=\"");
        add_cstr_xml(out, codelist_type(a, &cl->codelist));
        core_buf_adds(out, "\"><xs:restriction base=\"xs:string\">");
        for (size_t k = 0; k < cl->ncodes; k++) {
            core_buf_adds(out, "<xs:enumeration value=\"");
            add_cstr_xml(out, cl->codes[k]);
            core_buf_adds(out, "\"/>");
        }
        core_buf_adds(out, "</xs:restriction></xs:simpleType>");
    }
}

void
sdmx__schema_xsd(core_buf_t *out, core_arena_t *a, const sdmx__schema_t *s)
{
    const char *obs = s->flat ? "AllDimensions" : s->xs ? s->dsd->dims[s->xs_dim].id : time_id(s);
    const char *ns = sdmx__ss_namespace(a, &s->dsd->dsd, obs, s->explicit_measure);
    core_buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xs:schema xmlns:xs=\"" XSD_NS
                       "\" xmlns:dsd=\"" SS_NS "\" xmlns:common=\"" SDMX_NS_COM "\" xmlns=\"");
    add_cstr_xml(out, ns);
    core_buf_adds(out, "\" targetNamespace=\"");
    add_cstr_xml(out, ns);
    core_buf_adds(
        out, "\" elementFormDefault=\"qualified\" attributeFormDefault=\"unqualified\">"
             "<xs:import namespace=\"" SS_NS "\" schemaLocation=\"SDMXDataStructureSpecific.xsd\"/>"
             "<xs:import namespace=\"" SDMX_NS_COM "\" schemaLocation=\"SDMXCommon.xsd\"/>");
    codelist_types(out, a, s);
    int ts = !s->flat && !s->xs;
    for (int pass = 0; pass <= ts; pass++) { /* the time-series forms after the plain ones */
        data_set_type(out, a, s, pass);
        if (pass == 0)
            group_types(out, a, s);
        if (!s->flat)
            series_type(out, a, s, pass);
        obs_type(out, a, s, pass);
    }
    core_buf_adds(out, "</xs:schema>\n");
}
