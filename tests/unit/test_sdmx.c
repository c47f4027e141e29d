#include <config.h>
#include "sdmx/sdmx_int.h"
#include "dsd/model.h"

#include <string.h>
#include "tap.h"

static core_rc
parse(core_arena_t *a, const char *path, const char *query, sdmx_query_t *q, core_err_t *err)
{
    core_err_clear(err);
    return sdmx_query_parse(a, core_str_c(path), core_str_c(query), q, err);
}

static void
test_query(void)
{
    core_arena_t *a = core_arena_new();
    sdmx_query_t q;
    core_err_t err = {0};
    ok(parse(a, "/codelist", "", &q, &err) == CORE_OK && q.structure.latest &&
           q.structure.agencies.n == 0 && q.structure.kinds == 1u << DSD_KIND_CODELIST,
       "defaults: all agencies, all ids, latest");
    ok(parse(a, "codelist/A+B/CL_X/1.0+2.0/X1+X2", "detail=allstubs&references=parents", &q,
             &err) == CORE_OK &&
           q.structure.agencies.n == 2 && q.structure.versions.n == 2 &&
           q.structure.items.n == 2 && q.structure.detail == SDMX_DETAIL_ALLSTUBS &&
           q.structure.references == SDMX_REFS_PARENTS,
       "lists and parameters");
    ok(parse(a, "dataflow/all/all/all", "references=Codelist", &q, &err) == CORE_OK &&
           q.structure.references == SDMX_REFS_KIND &&
           q.structure.ref_kinds == 1u << DSD_KIND_CODELIST && !q.structure.latest &&
           q.structure.versions.n == 0,
       "references to a type; version all");
    ok(parse(a, "organisationscheme", "", &q, &err) == CORE_OK &&
           __builtin_popcount(q.structure.kinds) == 4, "organisationscheme covers four kinds");
    ok(parse(a, "actualconstraint/SDMXD", "", &q, &err) == CORE_OK &&
           q.structure.kinds == 1u << DSD_KIND_CONTENTCONSTRAINT &&
           strcmp(q.structure.constraint_type, "Actual") == 0 &&
           parse(a, "allowedconstraint", "", &q, &err) == CORE_OK &&
           strcmp(q.structure.constraint_type, "Allowed") == 0 &&
           parse(a, "contentconstraint", "", &q, &err) == CORE_OK &&
           q.structure.constraint_type == NULL,
       "allowedconstraint and actualconstraint: content constraints of one type");
    ok(parse(a, "data/SDG", "updatedAfter=2024", &q, &err) == CORE_OK &&
           q.data.updated_after == INT64_C(1704067200) * 1000000 &&
           parse(a, "data/SDG", "updatedAfter=2024-02", &q, &err) == CORE_OK &&
           q.data.updated_after == INT64_C(1706745600) * 1000000 &&
           parse(a, "data/SDG", "updatedAfter=2024-Q1", &q, &err) == CORE_ESYNTAX &&
           parse(a, "data/SDG", "updatedAfter=202", &q, &err) == CORE_ESYNTAX,
       "updatedAfter: a year or a month is its start");
    ok(parse(a, "codelist", "format=sdmx-json&_=123", &q, &err) == CORE_OK &&
           core_str_eq_c(q.format, "sdmx-json"), "format and cache busters");
    ok(parse(a, "nothing", "", &q, &err) == CORE_ENOTFOUND, "unknown resource");
    ok(parse(a, "", "", &q, &err) == CORE_ENOTFOUND, "no resource");
    ok(parse(a, "codelist/A B", "", &q, &err) == CORE_ESYNTAX, "space in an agency");
    ok(parse(a, "codelist/A/B/1.0/C/D", "", &q, &err) == CORE_ESYNTAX, "six segments");
    ok(parse(a, "codelist/A++B", "", &q, &err) == CORE_ESYNTAX, "empty list member");
    ok(parse(a, "dataflow/A/B/1.0/X", "", &q, &err) == CORE_ESYNTAX, "items of a dataflow");
    ok(parse(a, "codelist", "detail=most", &q, &err) == CORE_ESYNTAX, "bad detail");
    ok(parse(a, "codelist", "references=codelists", &q, &err) == CORE_ESYNTAX,
       "bad references");
    ok(parse(a, "codelist", "start=1", &q, &err) == CORE_ESYNTAX, "unknown parameter");
    ok(parse(a, "data/SDG", "", &q, &err) == CORE_OK && q.type == SDMX_QUERY_DATA &&
           core_str_eq_c(q.data.flow, "SDG") && q.data.agency.len == 0 && q.data.nkey == 0,
       "a data query by dataflow id");
    ok(parse(a, "data/IAEG,SDG,1.0/A..SI_POV_DAY1+SI_POV_EMP1./all",
             "startPeriod=2020-Q3&endPeriod=2021&lastNObservations=2&detail=serieskeysonly", &q,
             &err) == CORE_OK &&
           q.data.nkey == 4 && q.data.key[1].n == 0 && q.data.key[2].n == 2 &&
           q.data.last_n == 2 && q.data.detail == SDMX_DATA_SERIESKEYSONLY &&
           q.data.start == 1593561600 && q.data.end == 1640995200,
       "key, periods and parameters");
    ok(parse(a, "data/SDG", "startPeriod=2021&endPeriod=2020", &q, &err) == CORE_ESYNTAX,
       "start after end");
    ok(parse(a, "data/SDG", "startPeriod=2020-Q5", &q, &err) == CORE_ESYNTAX, "bad period");
    ok(parse(a, "data/SDG", "lastNObservations=0", &q, &err) == CORE_ESYNTAX, "lastN 0");
    ok(parse(a, "data/SDG", "includeHistory=true", &q, &err) == CORE_OK && q.data.include_history,
       "includeHistory=true");
    ok(parse(a, "data/SDG", "includeHistory=false", &q, &err) == CORE_OK &&
           !q.data.include_history,
       "includeHistory=false");
    ok(parse(a, "data/SDG", "includeHistory=yes", &q, &err) == CORE_ESYNTAX,
       "includeHistory takes true or false");
    ok(parse(a, "data/A,B,C,D", "", &q, &err) == CORE_ESYNTAX, "four-part flowRef");
    ok(parse(a, "data", "", &q, &err) == CORE_ESYNTAX, "no flowRef");
    core_arena_free(a);
}

static void
test_reader(void)
{
    static const char msg[] =
        "<?xml version='1.0'?><mes:Structure "
        "xmlns:mes='http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message' "
        "xmlns:s='http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure' "
        "xmlns:c='http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common'><mes:Structures>"
        "<s:Dataflows><s:Dataflow agencyID='A' id='DF' version='1.0' isFinal='true'>"
        "<c:Name xml:lang='en'>Flow &amp; co</c:Name><s:Structure><Ref agencyID='A' "
        "id='DSD'/></s:Structure></s:Dataflow></s:Dataflows></mes:Structures></mes:Structure>";
    core_arena_t *a = core_arena_new();
    dsd_report_t rep;
    dsd_report_init(&rep, a, 10);
    dsd_artefact_t *arts;
    size_t n = 0;
    core_err_t err = {0};
    ok(sdmx_structure_read(a, msg, sizeof msg - 1, "t", &arts, &n, &rep, &err) == CORE_OK &&
           n == 1, "reads a dataflow");
    ok(n == 1 && arts[0].is_final && arts[0].nrefs == 1 &&
           arts[0].refs[0].kind == DSD_KIND_DATASTRUCTURE &&
           core_str_eq_c(arts[0].refs[0].version, "1.0"),
       "the structure reference defaults to a DSD, version 1.0");
    ok(n == 1 && core_str_starts(arts[0].xml, "<str:Dataflow agencyID=\"A\"") &&
           strstr(arts[0].xml.ptr, "Flow &amp; co") != NULL,
       "canonical prefixes, escaping kept");
    static const char dtd[] = "<?xml version='1.0'?>\n<!-- c -->\n<!DOCTYPE x [<!ENTITY e 'x'>]><x/>";
    core_err_clear(&err);
    ok(sdmx_structure_read(a, dtd, sizeof dtd - 1, "t", &arts, &n, &rep, &err) == CORE_ESYNTAX &&
           strstr(err.msg, "DOCTYPE") != NULL,
       "DOCTYPE refused before parsing");
    core_arena_free(a);
}

/* One codelist of codes ids[] (each named "<id><suffix>"), as a Structure message. */
static const char *
codelist_msg(core_arena_t *a, const char *ids, const char *suffix, int partial)
{
    core_buf_t b;
    core_buf_init(&b);
    core_buf_printf(&b, "<mes:Structure "
                        "xmlns:mes='http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message' "
                        "xmlns:s='http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure' "
                        "xmlns:c='http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common'>"
                        "<mes:Structures><s:Codelists><s:Codelist agencyID='A' id='CL' "
                        "version='1.0'%s><c:Name xml:lang='en'>List%s</c:Name>",
                    partial ? " isPartial='true'" : "", suffix);
    for (const char *p = ids; *p; p++)
        core_buf_printf(&b, "<s:Code id='%c'><c:Name xml:lang='en'>%c%s</c:Name></s:Code>", *p, *p,
                        suffix);
    core_buf_adds(&b, "</s:Codelist></s:Codelists></mes:Structures></mes:Structure>");
    char *out = core_arena_strndup(a, b.ptr, b.len);
    core_buf_dispose(&b);
    return out;
}

static dsd_artefact_t
read_one(core_arena_t *a, const char *msg)
{
    dsd_report_t rep;
    dsd_report_init(&rep, a, 10);
    dsd_artefact_t *arts = NULL;
    size_t n = 0;
    core_err_t err = {0};
    if (sdmx_structure_read(a, msg, strlen(msg), "t", &arts, &n, &rep, &err) != CORE_OK || n != 1)
        return (dsd_artefact_t){0};
    return arts[0];
}

/* The codes of a merged codelist as "id=name id=name". */
static const char *
codes_of(core_arena_t *a, const dsd_artefact_t *art)
{
    core_buf_t b;
    core_buf_init(&b);
    for (size_t i = 0; art->model != NULL && i < art->model->scheme.nitems; i++) {
        const dsd_m_item_t *it = &art->model->scheme.items[i];
        core_buf_printf(&b, "%s%.*s=%.*s", i ? " " : "", CORE_STR_FMT(it->c.id),
                        CORE_STR_FMT(it->c.names[0].text));
    }
    char *out = core_arena_strndup(a, b.ptr ? b.ptr : "", b.len);
    core_buf_dispose(&b);
    return out;
}

static void
test_merge(void)
{
    core_arena_t *a = core_arena_new();
    dsd_artefact_t stored = read_one(a, codelist_msg(a, "AB", "", 0));
    dsd_artefact_t part = read_one(a, codelist_msg(a, "BC", "2", 1));
    ok(stored.model != NULL && part.model != NULL && part.model->scheme.is_partial,
       "two codelists read, the second partial");
    dsd_report_t rep;
    dsd_report_init(&rep, a, 10);
    core_err_t err = {0};
    dsd_artefact_t out;
    ok(sdmx_scheme_merge(a, &part, stored.xml, SDMX_MERGE_PARTIAL, 0, &out, &rep, &err) ==
           CORE_OK, "a partial codelist merges (%s)", err.msg);
    is_str(codes_of(a, &out), "A=A B=B2 C=C2", "its codes replace the stored ones, new ones last");
    ok(!out.model->scheme.is_partial && strstr(out.xml.ptr, "isPartial") == NULL &&
           core_str_eq_c(out.model->c.names[0].text, "List"),
       "the stored scheme's own name stays, and it is whole");
    ok(sdmx_scheme_merge(a, &part, stored.xml, SDMX_MERGE_UNION, 0, &out, &rep, &err) ==
           CORE_OK, "a union merges");
    is_str(codes_of(a, &out), "B=B2 C=C2 A=A", "the sent codes stand, the stored one it lacks "
                                               "comes after");
    ok(core_str_eq_c(out.model->c.names[0].text, "List2"), "the sent scheme's name stands");
    /* a code without id never reaches the merge: the reader refuses it, as the schema does */
    static const char bad[] =
        "<mes:Structure xmlns:mes='http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message' "
        "xmlns:s='http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure' "
        "xmlns:c='http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common'>"
        "<mes:Structures><s:Codelists><s:Codelist agencyID='A' id='CL' version='1.0' "
        "isPartial='true'><c:Name xml:lang='en'>L</c:Name><s:Code><c:Name xml:lang='en'>x"
        "</c:Name></s:Code></s:Codelist></s:Codelists></mes:Structures></mes:Structure>";
    dsd_artefact_t *arts = NULL;
    size_t n = 0;
    dsd_report_init(&rep, a, 10);
    core_err_clear(&err);
    core_rc rc = sdmx_structure_read(a, bad, sizeof bad - 1, "t", &arts, &n, &rep, &err);
    ok(rc != CORE_OK && rep.nerrors >= 1 &&
           strstr(rep.items[0].message, "Codelist A:CL(1.0): a Code without its id") != NULL,
       "a code without id is refused, with the reason (%s)",
       rep.len ? rep.items[0].message : err.msg);
    core_arena_free(a);
}

/* Issue 10: a MeasureDimension's enumeration is a concept scheme, class or not; an attribute of
 * it alone is marked; an explicit-measures cross-section gives the measure by xsi:type. */
static const char measure_dsd[] =
    "<?xml version='1.0'?><mes:Structure "
    "xmlns:mes='http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message' "
    "xmlns:s='http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure' "
    "xmlns:c='http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common'><mes:Structures>"
    "<s:DataStructures><s:DataStructure agencyID='A' id='DSD' version='1.0'>"
    "<c:Name xml:lang='en'>D</c:Name><s:DataStructureComponents><s:DimensionList>"
    "<s:Dimension id='AREA'><s:ConceptIdentity><Ref agencyID='A' maintainableParentID='CS' "
    "maintainableParentVersion='1.0' id='AREA'/></s:ConceptIdentity><s:LocalRepresentation>"
    "<s:Enumeration><Ref agencyID='A' id='CL_AREA' version='1.0'/></s:Enumeration>"
    "</s:LocalRepresentation></s:Dimension>"
    "<s:MeasureDimension id='M'><s:ConceptIdentity><Ref agencyID='A' maintainableParentID='CS' "
    "maintainableParentVersion='1.0' id='M'/></s:ConceptIdentity><s:LocalRepresentation>"
    "<s:Enumeration><Ref agencyID='A' id='MEASURES' version='1.0'/></s:Enumeration>"
    "</s:LocalRepresentation></s:MeasureDimension>"
    "<s:TimeDimension id='TIME_PERIOD'><s:ConceptIdentity><Ref agencyID='A' "
    "maintainableParentID='CS' maintainableParentVersion='1.0' id='TIME_PERIOD'/>"
    "</s:ConceptIdentity></s:TimeDimension></s:DimensionList><s:AttributeList>"
    "<s:Attribute id='DECIMALS' assignmentStatus='Mandatory'><s:ConceptIdentity><Ref "
    "agencyID='A' maintainableParentID='CS' maintainableParentVersion='1.0' id='DECIMALS'/>"
    "</s:ConceptIdentity><s:AttributeRelationship><s:Dimension><Ref id='M'/></s:Dimension>"
    "</s:AttributeRelationship></s:Attribute>"
    "<s:Attribute id='UNIT' assignmentStatus='Mandatory'><s:ConceptIdentity><Ref "
    "agencyID='A' maintainableParentID='CS' maintainableParentVersion='1.0' id='UNIT'/>"
    "</s:ConceptIdentity><s:AttributeRelationship><s:Dimension><Ref id='AREA'/></s:Dimension>"
    "<s:Dimension><Ref id='M'/></s:Dimension></s:AttributeRelationship></s:Attribute>"
    "</s:AttributeList><s:MeasureList><s:PrimaryMeasure id='OBS_VALUE'><s:ConceptIdentity>"
    "<Ref agencyID='A' maintainableParentID='CS' maintainableParentVersion='1.0' "
    "id='OBS_VALUE'/></s:ConceptIdentity></s:PrimaryMeasure></s:MeasureList>"
    "</s:DataStructureComponents></s:DataStructure></s:DataStructures></mes:Structures>"
    "</mes:Structure>";

struct seen {
    const dsd_structure_t *dsd;
    char keys[4][64];
    size_t nobs;
};

static core_rc
seen_resolve(void *ctx, const dsd_ref_t *ref, const dsd_structure_t **out, core_err_t *err)
{
    (void)ref, (void)err;
    *out = ((struct seen *)ctx)->dsd;
    return CORE_OK;
}

static core_rc
seen_dataset(void *ctx, dsd_action act, const dsd_ref_t *ref, const dsd_kv_t *attrs, size_t n,
             core_err_t *err)
{
    (void)ctx, (void)act, (void)ref, (void)attrs, (void)n, (void)err;
    return CORE_OK;
}

static core_rc
seen_series(void *ctx, const dsd_kv_t *key, size_t nkey, const dsd_kv_t *attrs, size_t n,
            long line, core_err_t *err)
{
    (void)ctx, (void)key, (void)nkey, (void)attrs, (void)n, (void)line, (void)err;
    return CORE_OK;
}

static core_rc
seen_obs(void *ctx, const dsd_kv_t *key, size_t nkey, core_str_t period, core_str_t value,
         const dsd_kv_t *attrs, size_t n, long line, core_err_t *err)
{
    (void)period, (void)attrs, (void)n, (void)line, (void)err;
    struct seen *s = ctx;
    if (s->nobs < 4) {
        char *k = s->keys[s->nobs];
        k[0] = '\0';
        for (size_t i = 0; i < nkey; i++)
            snprintf(k + strlen(k), 64 - strlen(k), "%.*s=%.*s;", CORE_STR_FMT(key[i].id),
                     CORE_STR_FMT(key[i].value));
        snprintf(k + strlen(k), 64 - strlen(k), "%.*s", CORE_STR_FMT(value));
    }
    s->nobs++;
    return CORE_OK;
}

static core_rc
seen_end(void *ctx, core_err_t *err)
{
    (void)ctx, (void)err;
    return CORE_OK;
}

static void
test_measure_dimension(void)
{
    core_arena_t *a = core_arena_new();
    dsd_report_t rep;
    dsd_report_init(&rep, a, 10);
    dsd_artefact_t *arts;
    size_t n = 0;
    core_err_t err = {0};
    ok(sdmx_structure_read(a, measure_dsd, sizeof measure_dsd - 1, "t", &arts, &n, &rep, &err) ==
           CORE_OK && n == 1 && arts[0].model != NULL,
       "reads a DSD with a measure dimension (%s)", err.msg);
    int scheme_ref = 0, codelist_ref = 0;
    for (size_t i = 0; n == 1 && i < arts[0].nrefs; i++) {
        scheme_ref |= arts[0].refs[i].kind == DSD_KIND_CONCEPTSCHEME &&
                      core_str_eq_c(arts[0].refs[i].id, "MEASURES");
        codelist_ref |= arts[0].refs[i].kind == DSD_KIND_CODELIST &&
                        core_str_eq_c(arts[0].refs[i].id, "MEASURES");
    }
    ok(scheme_ref && !codelist_ref,
       "its enumeration without a class references a concept scheme, not a codelist");
    dsd_structure_t s;
    ok(n == 1 && dsd_structure_compile(a, arts[0].model, NULL, &s, &err) == CORE_OK &&
           s.ndims == 2 && s.dims[1].codelist.kind == DSD_KIND_CONCEPTSCHEME &&
           core_str_eq_c(s.dims[1].codelist.id, "MEASURES") &&
           s.dims[0].codelist.kind == DSD_KIND_CODELIST,
       "compiled: the measure dimension's codes are the scheme's concepts");
    ok(s.nattrs == 2 && s.attrs[0].by_measure && !s.attrs[1].by_measure,
       "an attribute of the measure dimension alone is marked, one of two dimensions is not");

    static const char xs[] =
        "<?xml version='1.0'?><mes:StructureSpecificData "
        "xmlns:mes='http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message' "
        "xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance' xmlns:n='urn:x' "
        "xmlns:c='http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common'><mes:Header>"
        "<mes:ID>X</mes:ID><mes:Structure structureID='S' dimensionAtObservation='M' "
        "explicitMeasures='%s'><c:Structure><Ref agencyID='A' id='DSD' version='1.0'/>"
        "</c:Structure></mes:Structure></mes:Header><mes:DataSet>"
        "<Series AREA='BE' TIME_PERIOD='2007'><Obs xsi:type='n:TFR' OBS_VALUE='1.82'/>"
        "<Obs xsi:type='LEX' OBS_VALUE='80.2'/><Obs xsi:type='n:TFR' M='DEATHS' OBS_VALUE='9'/>"
        "</Series></mes:DataSet></mes:StructureSpecificData>";
    for (int explicit = 1; explicit >= 0; explicit--) {
        char *msg = core_arena_printf(a, xs, explicit ? "true" : "false");
        struct seen seen = {.dsd = &s};
        dsd_events_t ev = {&seen, seen_resolve, seen_dataset, seen_series, seen_obs, seen_end,
                           NULL};
        core_err_clear(&err);
        ok(sdmx_message_explicit_measures(msg, strlen(msg)) == explicit,
           "the header says explicitMeasures=%s", explicit ? "true" : "false");
        ok(sdmx_data_read_xml(a, msg, strlen(msg), "t", &ev, &err) == CORE_OK && seen.nobs == 3,
           "three observations read (%s)", err.msg);
        if (explicit)
            ok(strcmp(seen.keys[0], "AREA=BE;M=TFR;1.82") == 0 &&
                   strcmp(seen.keys[1], "AREA=BE;M=LEX;80.2") == 0 &&
                   strcmp(seen.keys[2], "AREA=BE;M=DEATHS;9") == 0,
               "explicit measures: the type's local name is the measure, an attribute wins "
               "(%s | %s | %s)", seen.keys[0], seen.keys[1], seen.keys[2]);
        else
            ok(strcmp(seen.keys[0], "AREA=BE;1.82") == 0 &&
                   strcmp(seen.keys[2], "AREA=BE;M=DEATHS;9") == 0,
               "without explicit measures xsi:type says nothing of the key (%s)", seen.keys[0]);
    }
    core_arena_free(a);
}

/* The identification patterns of the 2.1 schema (SDMXCommonReferences.xsd). */
static void
test_ids(void)
{
    static const struct {
        sdmx_id_pattern p;
        const char *s;
        int ok;
    } cases[] = {
        {SDMX_PAT_ID, "CL_FREQ", 1},          {SDMX_PAT_ID, "$A@1-b", 1},
        {SDMX_PAT_ID, "010", 1},              {SDMX_PAT_ID, "", 0},
        {SDMX_PAT_ID, "A.B", 0},              {SDMX_PAT_ID, "A&B", 0},
        {SDMX_PAT_ID, "A B", 0},              {SDMX_PAT_ID, "A\"B", 0},
        {SDMX_PAT_NCNAME, "CL_FREQ", 1},      {SDMX_PAT_NCNAME, "1CL", 0},
        {SDMX_PAT_NCNAME, "_T", 0},           {SDMX_PAT_NCNAME, "A$", 0},
        {SDMX_PAT_NESTED_NCNAME, "ESTAT", 1}, {SDMX_PAT_NESTED_NCNAME, "SDMX.UNSD-1", 1},
        {SDMX_PAT_NESTED_NCNAME, "A.", 0},    {SDMX_PAT_NESTED_NCNAME, ".A", 0},
        {SDMX_PAT_NESTED_NCNAME, "A..B", 0},  {SDMX_PAT_NESTED_NCNAME, "A.1B", 0},
        {SDMX_PAT_NESTED_NCNAME, "A&B", 0},   {SDMX_PAT_VERSION, "1.0", 1},
        {SDMX_PAT_VERSION, "2", 1},           {SDMX_PAT_VERSION, "1.0.12", 1},
        {SDMX_PAT_VERSION, "1.0a", 0},        {SDMX_PAT_VERSION, "1..0", 0},
        {SDMX_PAT_VERSION, "", 0},            {SDMX_PAT_VERSION, "1.", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ok(sdmx__id_matches(cases[i].p, cases[i].s) == cases[i].ok, "pattern %d %s \"%s\"",
           (int)cases[i].p, cases[i].ok ? "takes" : "refuses", cases[i].s);
    ok(!sdmx__id_matches(SDMX_PAT_ID, NULL), "no id matches nothing");
}

/* /schema/{context}/{agencyID}/{resourceID}/{version} */
static void
test_schema_query(void)
{
    core_arena_t *a = core_arena_new();
    sdmx_query_t q;
    core_err_t err = {0};
    ok(parse(a, "schema/dataflow/SDMXD/DF_SDG/1.0", "dimensionAtObservation=REF_AREA", &q,
             &err) == CORE_OK &&
           q.type == SDMX_QUERY_SCHEMA && q.schema.context == DSD_KIND_DATAFLOW &&
           core_str_eq_c(q.schema.id, "DF_SDG") && core_str_eq_c(q.schema.version, "1.0") &&
           core_str_eq_c(q.schema.dim_at_obs, "REF_AREA") && !q.schema.explicit_measure,
       "a schema query");
    ok(parse(a, "schema/provisionagreement/SDMXD/PA/latest", "explicitMeasure=true", &q,
             &err) == CORE_OK &&
           q.schema.context == DSD_KIND_PROVISIONAGREEMENT && q.schema.version.len == 0 &&
           q.schema.explicit_measure,
       "latest and explicitMeasure");
    ok(parse(a, "schema/datastructure/SDMXD/DSD", "", &q, &err) == CORE_OK &&
           q.schema.context == DSD_KIND_DATASTRUCTURE && q.schema.version.len == 0,
       "the version may be left out");
    ok(parse(a, "schema/codelist/SDMXD/CL/1.0", "", &q, &err) == CORE_ESYNTAX, "bad context");
    ok(parse(a, "schema/metadataflow/SDMXD/M/1.0", "", &q, &err) == CORE_ENOTIMPL,
       "metadata contexts are not built");
    ok(parse(a, "schema/dataflow/A%26B/DF/1.0", "", &q, &err) == CORE_ESYNTAX &&
           strstr(err.msg, "'A&B' is not an agency id") != NULL,
       "an agency off its pattern, quoted as path segments are");
    ok(parse(a, "schema/dataflow/A/DF/1.x", "", &q, &err) == CORE_ESYNTAX, "a bad version");
    ok(parse(a, "schema/dataflow/A/DF/1.0", "dimensionAtObservation=%3C", &q, &err) ==
           CORE_ESYNTAX,
       "a bad dimensionAtObservation");
    ok(parse(a, "schema/dataflow/A/DF/1.0", "explicitMeasure=1", &q, &err) == CORE_ESYNTAX,
       "a bad explicitMeasure");
    ok(parse(a, "schema/dataflow/A", "", &q, &err) == CORE_ESYNTAX, "too few segments");
    core_arena_free(a);
}

int
main(void)
{
    test_query();
    test_reader();
    test_merge();
    test_measure_dimension();
    test_ids();
    test_schema_query();
    return tap_done();
}
