#include <config.h>
#include "dsd/dsd.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static void
test_versions(void)
{
    ok(dsd_version_cmp(CORE_STR("1.10"), CORE_STR("1.9")) > 0, "1.10 > 1.9");
    ok(dsd_version_cmp(CORE_STR("2.0"), CORE_STR("2.0")) == 0, "equal");
    ok(dsd_version_cmp(CORE_STR("1.0"), CORE_STR("1.0.1")) < 0, "more parts is later");
    ok(dsd_version_cmp(CORE_STR("01.2"), CORE_STR("1.2")) == 0, "leading zeros");
}

static void
test_urns(void)
{
    dsd_ref_t r;
    core_err_t err = {0};
    ok(dsd_ref_parse_urn(CORE_STR("urn:sdmx:org.sdmx.infomodel.codelist.Codelist=SDMX:CL_FREQ(2.0)"),
                         &r, &err) == CORE_OK &&
           r.kind == DSD_KIND_CODELIST && core_str_eq_c(r.agency, "SDMX") &&
           core_str_eq_c(r.id, "CL_FREQ") && core_str_eq_c(r.version, "2.0"),
       "codelist URN");
    ok(dsd_ref_parse_urn(
           CORE_STR("urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept=SDMX:CROSS_DOMAIN_CONCEPTS(1.0).FREQ"),
           &r, NULL) == CORE_OK &&
           r.kind == DSD_KIND_CONCEPTSCHEME && core_str_eq_c(r.id, "CROSS_DOMAIN_CONCEPTS"),
       "item URN names its scheme");
    ok(dsd_ref_parse_urn(CORE_STR("urn:x:y"), &r, &err) == CORE_ESYNTAX, "not a URN");
    core_err_clear(&err);
    ok(dsd_ref_parse_urn(CORE_STR("urn:sdmx:org.sdmx.infomodel.codelist.Widget=A:B(1.0)"), &r,
                         &err) == CORE_ESYNTAX,
       "unknown class");
    core_arena_t *a = core_arena_new();
    dsd_ref_t d = {DSD_KIND_DATAFLOW, CORE_STR("SDMXD"), CORE_STR("DF_SDG"), CORE_STR("1.0")};
    is_str(dsd_ref_urn(a, &d), "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=SDMXD:DF_SDG(1.0)",
           "URN of a dataflow");
    is_str(dsd_ref_label(a, &d), "Dataflow SDMXD:DF_SDG(1.0)", "label");
    dsd_ref_t empty = {0};
    is_str(dsd_ref_label(a, &empty), "AgencyScheme without agency or id",
           "a label never prints an empty reference");
    dsd_ref_t no_id = {DSD_KIND_DATASTRUCTURE, CORE_STR_NULL, CORE_STR_NULL, CORE_STR("1.0")};
    is_str(dsd_ref_label(a, &no_id), "DataStructure without agency or id", "nor one with a version only");
    dsd_ref_t no_version = {DSD_KIND_CODELIST, CORE_STR("SDMX"), CORE_STR("CL_FREQ"), CORE_STR_NULL};
    is_str(dsd_ref_label(a, &no_version), "Codelist SDMX:CL_FREQ(no version)", "a missing part is named");
    core_arena_free(a);
    ok(dsd_kind_by_resource(CORE_STR("hierarchicalcodelist")) == DSD_KIND_HIERARCHICALCODELIST,
       "resource names");
    ok(dsd_kind_by_resource(CORE_STR("codelists")) == DSD_KIND_NONE, "unknown resource");
    int is_item;
    ok(dsd_kind_by_class(CORE_STR("DataProvider"), &is_item) == DSD_KIND_DATAPROVIDERSCHEME &&
           is_item, "item classes map to their scheme");
}

static const char *
pick(const char *accept, const char *const *langs, size_t n)
{
    static char out[32];
    core_arena_t *a = core_arena_new();
    dsd_langpref_t pref;
    dsd_langpref_parse(a, core_str_c(accept), &pref);
    int i = dsd_langpref_pick(&pref, langs, n);
    snprintf(out, sizeof out, "%s", i >= 0 ? langs[i] : "-");
    core_arena_free(a);
    return out;
}

static void
test_languages(void)
{
    const char *six[] = {"en", "fr", "es", "ru", "zh", "ar"};
    is_str(pick("fr-CA", six, 6), "fr", "fr-CA falls back to fr");
    is_str(pick("zh-Hans-CN", six, 6), "zh", "zh-Hans-CN falls back to zh");
    is_str(pick("de", six, 6), "en", "no match: the default language");
    is_str(pick("de, es;q=0.5, ar;q=0.8", six, 6), "ar", "q-values order preferences");
    is_str(pick("ES", six, 6), "es", "case does not matter");
    is_str(pick("", six, 6), "en", "no header: en");
    is_str(pick("*", six, 6), "en", "wildcard: en");
    is_str(pick("fr;q=0, es", six, 6), "es", "q=0 excludes");
    const char *regional[] = {"es", "fr-FR"};
    is_str(pick("fr", regional, 2), "fr-FR", "fr matches fr-FR");
    const char *no_en[] = {"ru", "fr"};
    is_str(pick("de", no_en, 2), "ru", "no en: the first");
    is_str(pick("en", NULL, 0), "-", "no texts: nothing");
    is_str(pick("x-klingon-!!!, fr", six, 6), "fr", "garbage tags are skipped");
}

static void
test_report(void)
{
    core_arena_t *a = core_arena_new();
    dsd_report_t r;
    dsd_report_init(&r, a, 2);
    for (int i = 0; i < 5; i++)
        dsd_report_add(&r, DSD_SEV_ERROR, "rule", NULL, "problem %d", i);
    dsd_report_add(&r, DSD_SEV_WARNING, "rule", NULL, "warning");
    ok(r.len == 2 && r.dropped == 4 && r.nerrors == 5 && r.nwarnings == 1,
       "report keeps max rows and counts the rest");
    is_str(r.items[1].message, "problem 1", "messages formatted");
    core_arena_free(a);
}

static int
fits(const dsd_text_format_t *f, const char *v)
{
    char why[256];
    return dsd_text_check(f, core_str_c(v), why, sizeof why);
}

static void
test_text_formats(void)
{
    dsd_text_format_t d = {"Double", -1, -1, NULL, 1, 1, 0, 100, 2, NULL};
    ok(fits(&d, "12.5") && fits(&d, "0") && fits(&d, "100"), "doubles within bounds");
    ok(!fits(&d, "100.5") && !fits(&d, "-1"), "bounds refuse");
    ok(!fits(&d, "1.234"), "too many decimals");
    ok(!fits(&d, "twelve") && !fits(&d, "NaN") && !fits(&d, "0x10") && !fits(&d, "inf"),
       "not numbers");
    dsd_text_format_t i = {"Integer", -1, -1, NULL, 0, 0, 0, 0, -1, NULL};
    ok(fits(&i, "42") && !fits(&i, "4.2") && !fits(&i, "4e2"), "integers");
    core_arena_t *a = core_arena_new();
    dsd_text_format_t s = {"String", 2, 5, "[A-Z]+", 0, 0, 0, 0, -1, NULL};
    ok(dsd_text_format_compile(a, &s, NULL) == CORE_OK && s.regex != NULL, "a pattern compiles");
    ok(fits(&s, "ABC") && !fits(&s, "A") && !fits(&s, "ABCDEF") && !fits(&s, "abc"),
       "lengths and pattern");
    dsd_text_format_t u = {"String", -1, 3, NULL, 0, 0, 0, 0, -1, NULL};
    ok(fits(&u, "\xc3\xa9t\xc3\xa9"), "lengths count characters, not bytes");
    dsd_text_format_t t = {"DateTime", -1, -1, NULL, 0, 0, 0, 0, -1, NULL};
    ok(fits(&t, "2024-06-01") && fits(&t, "2024-06-01T12:00:00Z") && fits(&t, "2020-Q3") &&
           !fits(&t, "June 2024"),
       "dates and periods");
    dsd_text_format_t b = {"Boolean", -1, -1, NULL, 0, 0, 0, 0, -1, NULL};
    ok(fits(&b, "true") && !fits(&b, "yes"), "booleans");
    char why[256];
    dsd_text_check(&d, CORE_STR("100.5"), why, sizeof why);
    is_str(why, "100.5 is above the maximum 100", "the reason reads well");

    /* robustness: a value is a slice, not a C string; a pattern is compiled once */
    dsd_text_format_t three = {"String", -1, 3, NULL, 0, 0, 0, 0, -1, NULL};
    char *raw = malloc(10); /* exactly 10 bytes, no NUL: the sanitizers see any over-read */
    memcpy(raw, "ABCDEFGHIJ", 10);
    ok(!dsd_text_check(&three, (core_str_t){raw, 10}, why, sizeof why), "10 characters > 3");
    is_str(why, "'ABCDEFGHIJ...' has 10 characters, more than the 3 allowed",
           "the message shows the value's own bytes only");
    memcpy(raw, "ABCDEFGHI\xc3", 10); /* the 10th byte alone is no character */
    dsd_text_format_t hex = {"String", -1, -1, "[A-J]+", 0, 0, 0, 0, -1, NULL};
    ok(dsd_text_format_compile(a, &hex, NULL) == CORE_OK &&
           dsd_text_check(&hex, (core_str_t){raw, 9}, why, sizeof why) &&
           !dsd_text_check(&hex, (core_str_t){raw, 10}, why, sizeof why),
       "a pattern matches the slice, not what follows it");
    free(raw);
    dsd_text_format_t bad = {"String", -1, -1, "[A-Z", 0, 0, 0, 0, -1, NULL};
    core_err_t err = {0};
    ok(dsd_text_format_compile(a, &bad, &err) == CORE_ESEMANTIC && bad.regex == NULL &&
           strstr(err.msg, "'[A-Z'") && strstr(err.msg, "U_REGEX_"),
       "a pattern ICU cannot read is refused, with ICU's reason (%s)", err.msg);
    ok(!fits(&bad, "ABC"), "and lets no value through if used anyway");
    core_arena_free(a);
}

int
main(void)
{
    test_text_formats();
    test_versions();
    test_urns();
    test_languages();
    test_report();
    return tap_done();
}
