#include <config.h>
#include "sdmx/sdmx.h"
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

int
main(void)
{
    test_query();
    test_reader();
    return tap_done();
}
