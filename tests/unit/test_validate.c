/* dsd_valid on its own: events against a small structure built here, the store a callback. */
#include <config.h>
#include "dsd/validate.h"
#include "tap.h"

#define REF(k, ag, i) {k, CORE_STR(ag), CORE_STR(i), CORE_STR("1.0")}
#define KV(i, v) {CORE_STR(i), CORE_STR(v)}
#define N(a) (sizeof a / sizeof a[0])

/* TEST:DSD_T(1.0): FREQ.REF_AREA, TIME_PERIOD, OBS_VALUE (numbers); UNIT mandatory on the
 * series, OBS_STATUS mandatory on the observation, COMMENT free text of at most 5 characters
 * on the observation, TITLE on the data set. */
static dsd_component_t dims[] = {
    {.id = "FREQ", .codelist = REF(DSD_KIND_CODELIST, "TEST", "CL_FREQ")},
    {.id = "REF_AREA", .codelist = REF(DSD_KIND_CODELIST, "TEST", "CL_AREA")},
};
static dsd_component_t attrs[] = {
    {.id = "UNIT", .codelist = REF(DSD_KIND_CODELIST, "TEST", "CL_UNIT"),
     .attach = DSD_ATTACH_SERIES, .mandatory = 1},
    {.id = "OBS_STATUS", .codelist = REF(DSD_KIND_CODELIST, "TEST", "CL_STATUS"),
     .attach = DSD_ATTACH_OBS, .mandatory = 1},
    {.id = "COMMENT", .codelist = {DSD_KIND_NONE},
     .format = {"String", -1, 5, NULL, 0, 0, 0, 0, -1}, .attach = DSD_ATTACH_OBS},
    {.id = "TITLE", .codelist = {DSD_KIND_NONE}, .format = {NULL, -1, -1, NULL, 0, 0, 0, 0, -1},
     .attach = DSD_ATTACH_DATASET},
};
static dsd_structure_t dsd = {
    .dsd = REF(DSD_KIND_DATASTRUCTURE, "TEST", "DSD_T"),
    .dims = dims, .ndims = N(dims),
    .time = {.id = "TIME_PERIOD"},
    .measure = {.id = "OBS_VALUE"},
    .attrs = attrs, .nattrs = N(attrs),
};

static const char *const freq_codes[] = {"A", "Q"};
static const char *const area_codes[] = {"DE", "FR", "IT"};
static const char *const unit_codes[] = {"PC", "USD"};
static const char *const status_codes[] = {"A", "E"};
static const dsd_codeset_t dim_codes[] = {{freq_codes, 2}, {area_codes, 3}};
static const dsd_codeset_t attr_codes[] = {{unit_codes, 2}, {status_codes, 2}, {NULL, SIZE_MAX},
                                           {NULL, SIZE_MAX}};

/* CC_T allows DE and FR only */
static const char *region_ids[] = {"REF_AREA"};
static const char *area_allowed[] = {"DE", "FR"};
static const char **region_values[] = {area_allowed};
static size_t region_nvalues[] = {2};
static dsd_region_t regions[] = {{1, region_ids, region_values, region_nvalues, 1}};
static const dsd_constraint_t constraints[] = {
    {"ContentConstraint TEST:CC_T(1.0)", regions, 1, NULL, 0}};

/* The store: A.DE has UNIT stored on the series and OBS_STATUS on every observation. */
static int store_calls;
static void
stored_attrs(void *ctx, const core_str_t *codes, const unsigned char *period,
             void (*each)(void *arg, core_str_t id), void *arg)
{
    (void)ctx;
    store_calls++;
    if (core_str_eq_c(codes[0], "A") && core_str_eq_c(codes[1], "DE"))
        each(arg, core_str_c(period ? "OBS_STATUS" : "UNIT"));
}

static dsd_valid_t *
validator(core_arena_t *a, dsd_report_t *r, int with_store, int constrain_deletes)
{
    dsd_valid_input_t in = {.name = "msg.xml", .structure = &dsd, .dim_codes = dim_codes,
                            .attr_codes = attr_codes, .constraints = constraints,
                            .nconstraints = N(constraints),
                            .constrain_deletes = constrain_deletes};
    if (with_store)
        in.store = (dsd_valid_store_t){NULL, stored_attrs};
    return dsd_valid_new(a, r, &in);
}

/* The message of the first issue of rule, or NULL. */
static const char *
issue(const dsd_report_t *r, const char *rule)
{
    for (size_t i = 0; i < r->len; i++)
        if (strcmp(r->items[i].rule, rule) == 0)
            return r->items[i].message;
    return NULL;
}

static size_t
count(const dsd_report_t *r, const char *rule)
{
    for (size_t i = 0; i < r->nrules; i++)
        if (strcmp(r->rules[i].rule, rule) == 0)
            return r->rules[i].n;
    return 0;
}

static int
obs(dsd_valid_t *v, const dsd_kv_t *key, size_t nkey, const char *period, const char *value,
    const dsd_kv_t *at, size_t nat, long line, dsd_valid_row_t *row)
{
    core_err_t err = {0};
    core_rc rc = dsd_valid_obs(v, key, nkey, core_str_c(period), core_str_c(value), at, nat, line,
                               row, &err);
    return rc == CORE_OK && row->ok;
}

static void
test_clean(void)
{
    core_arena_t *a = core_arena_new();
    dsd_report_t r;
    dsd_report_init(&r, a, 100);
    dsd_valid_t *v = validator(a, &r, 0, 0);
    dsd_kv_t ds[] = {KV("TITLE", "Test data")};
    dsd_valid_dataset(v, DSD_ACTION_APPEND, ds, 1);
    dsd_kv_t key[] = {KV("REF_AREA", "FR"), KV("FREQ", "A")}; /* not in DSD order */
    dsd_kv_t at[] = {KV("OBS_STATUS", "A"), KV("UNIT", "PC"), KV("COMMENT", "ok"),
                     KV("TITLE", "Test data")};
    dsd_valid_row_t row;
    ok(obs(v, key, 2, "2020", "1.5", at, 4, 3, &row), "a clean observation passes");
    is_str(row.key, "A.FR", "its key printed in DSD order");
    ok(core_str_eq_c(row.codes[0], "A") && core_str_eq_c(row.codes[1], "FR"), "codes in order");
    ok(row.nattrs == 2 && core_str_eq_c(row.attrs[0].id, "OBS_STATUS") &&
           core_str_eq_c(row.attrs[1].id, "COMMENT"),
       "the observation keeps its own attributes");
    ok(row.nseries_attrs == 1 && core_str_eq_c(row.series_attrs[0].id, "UNIT"),
       "UNIT goes to the series");
    ok(row.ndataset_attrs == 1 && core_str_eq_c(row.dataset_attrs[0].id, "TITLE"),
       "TITLE goes to the data set");
    ok(obs(v, key, 2, "2021", "-2", at, 4, 4, &row) && row.nseries_attrs == 0 &&
           row.ndataset_attrs == 0 && row.nattrs == 2,
       "the same series and values again: nothing to store above the observation");
    ok(obs(v, key, 2, "2022", "1e3", NULL, 0, 5, &row) == 0, "OBS_STATUS missing");
    is_str(issue(&r, "missing-attribute"),
           "msg.xml:5: series A.FR: the mandatory attribute OBS_STATUS has no value",
           "missing-attribute names the series and the attribute");
    dsd_valid_end(v);
    ok(r.nerrors == 2, "UNIT on another observation does not count for this one");
    is_str(r.items[r.len - 1].message,
           "msg.xml:5: series A.FR: the mandatory attribute UNIT has no value",
           "the series attribute is reported at the end");
    core_arena_free(a);
}

static void
test_rules(void)
{
    core_arena_t *a = core_arena_new();
    dsd_report_t r;
    dsd_report_init(&r, a, 100);
    dsd_valid_t *v = validator(a, &r, 0, 0);
    dsd_kv_t bad_ds[] = {KV("COLOUR", "red")};
    dsd_valid_dataset(v, DSD_ACTION_APPEND, bad_ds, 1);
    is_str(issue(&r, "unknown-attribute"),
           "msg.xml:0: the data set: COLOUR is not an attribute of DataStructure TEST:DSD_T(1.0)",
           "unknown-attribute");
    dsd_kv_t fr[] = {KV("FREQ", "A"), KV("REF_AREA", "FR")};
    dsd_kv_t at[] = {KV("OBS_STATUS", "A"), KV("UNIT", "PC")};
    dsd_valid_row_t row;

    dsd_kv_t xx[] = {KV("FREQ", "A"), KV("REF_AREA", "FR"), KV("SEX", "F")};
    ok(!obs(v, xx, 3, "2020", "1", at, 2, 10, &row), "an unknown dimension refuses the row");
    is_str(issue(&r, "unknown-dimension"),
           "msg.xml:10: SEX is not a dimension of DataStructure TEST:DSD_T(1.0)",
           "unknown-dimension");
    dsd_kv_t partial[] = {KV("FREQ", "A")};
    ok(!obs(v, partial, 1, "2020", "1", at, 2, 11, &row), "a key without REF_AREA");
    is_str(issue(&r, "missing-dimension"),
           "msg.xml:11: the key has no value for dimension REF_AREA", "missing-dimension");
    dsd_kv_t zz[] = {KV("FREQ", "A"), KV("REF_AREA", "ZZ")};
    ok(!obs(v, zz, 2, "2020", "1", at, 2, 12, &row), "an unknown code");
    is_str(issue(&r, "unknown-code"),
           "msg.xml:12: ZZ is not a code of Codelist TEST:CL_AREA(1.0) for dimension REF_AREA",
           "unknown-code for a dimension");
    dsd_kv_t badstatus[] = {KV("OBS_STATUS", "Z"), KV("UNIT", "PC"), KV("COMMENT", "far too long")};
    obs(v, fr, 2, "2020", "1", badstatus, 3, 13, &row);
    ok(r.len >= 5 && strcmp(r.items[4].rule, "unknown-code") == 0 &&
           strcmp(r.items[4].message, "msg.xml:13: series A.FR: Z is not a code of Codelist "
                                      "TEST:CL_STATUS(1.0) for attribute OBS_STATUS") == 0,
       "unknown-code for an attribute");
    is_str(issue(&r, "text-format"),
           "msg.xml:13: series A.FR: attribute COMMENT: 'far too long...' has 12 characters, "
           "more than the 5 allowed",
           "text-format");
    dsd_kv_t it[] = {KV("FREQ", "A"), KV("REF_AREA", "IT")};
    ok(!obs(v, it, 2, "2020", "1", at, 2, 14, &row), "a series outside the constraint");
    obs(v, it, 2, "2021", "1", at, 2, 15, &row);
    is_str(issue(&r, "not-allowed"),
           "msg.xml:14: series A.IT is outside what ContentConstraint TEST:CC_T(1.0) allows",
           "not-allowed");
    ok(count(&r, "not-allowed") == 1, "not-allowed once per series");
    ok(!obs(v, fr, 2, "", "1", at, 2, 16, &row), "no period");
    is_str(issue(&r, "missing-period"), "msg.xml:16: an observation without a time period",
           "missing-period");
    ok(!obs(v, fr, 2, "2020-13", "1", at, 2, 17, &row), "a bad period");
    ok(issue(&r, "bad-period") != NULL && strncmp(issue(&r, "bad-period"), "msg.xml:17: ", 12) == 0,
       "bad-period");
    ok(!obs(v, fr, 2, "2020-Q1", "1", at, 2, 18, &row), "a quarter in an annual series");
    ok(issue(&r, "period-frequency") != NULL &&
           strstr(issue(&r, "period-frequency"), "FREQ=A") != NULL,
       "period-frequency");
    ok(!obs(v, fr, 2, "2020", "1,5", at, 2, 19, &row), "a value that is not a number");
    is_str(issue(&r, "not-numeric"), "msg.xml:19: OBS_VALUE is '1,5', which is not a number",
           "not-numeric");
    ok(obs(v, fr, 2, "2020", "NaN", at, 2, 20, &row), "NaN is a number");
    dsd_valid_duplicate(v, row.key, CORE_STR("2020"), 20);
    is_str(issue(&r, "duplicate-observation"),
           "msg.xml:20: series A.FR has period 2020 twice in this message",
           "duplicate-observation");
    dsd_kv_t usd[] = {KV("OBS_STATUS", "A"), KV("UNIT", "USD")};
    ok(obs(v, fr, 2, "2021", "2", usd, 2, 21, &row) && row.nseries_attrs == 1,
       "another UNIT is stored on the series again");
    is_str(issue(&r, "conflicting-attribute"),
           "msg.xml:21: series A.FR: UNIT is 'USD' here, but another observation of the series "
           "in this message gives it another value",
           "conflicting-attribute");

    /* Q.DE: UNIT given nowhere in the message: reported at the end, at its first row */
    dsd_kv_t q[] = {KV("FREQ", "Q"), KV("REF_AREA", "DE")};
    dsd_kv_t status[] = {KV("OBS_STATUS", "E")};
    ok(obs(v, q, 2, "2020-Q1", "3", status, 1, 30, &row), "a series attribute may come later");
    /* Q.FR: UNIT on the series event after its observations (as SDMX-JSON does) */
    dsd_kv_t qfr[] = {KV("FREQ", "Q"), KV("REF_AREA", "FR")};
    obs(v, qfr, 2, "2020-Q1", "3", status, 1, 31, &row);
    dsd_kv_t unit[] = {KV("UNIT", "PC")};
    core_err_t err = {0};
    ok(dsd_valid_series(v, qfr, 2, unit, 1, 32, &row, &err) == CORE_OK && row.ok &&
           !row.partial && strcmp(row.key, "Q.FR") == 0,
       "a series event");
    size_t before = count(&r, "missing-attribute");
    dsd_valid_end(v);
    ok(count(&r, "missing-attribute") == before + 1, "one series still without UNIT at the end");
    is_str(r.items[r.len - 1].message,
           "msg.xml:30: series Q.DE: the mandatory attribute UNIT has no value",
           "reported with the line of its first observation");
    ok(r.nerrors == r.len, "every issue is an error, and every one was kept");
    core_arena_free(a);
}

static void
test_store_and_groups(void)
{
    core_arena_t *a = core_arena_new();
    dsd_report_t r;
    dsd_report_init(&r, a, 100);
    dsd_valid_t *v = validator(a, &r, 1, 1);
    dsd_valid_dataset(v, DSD_ACTION_APPEND, NULL, 0);
    dsd_kv_t de[] = {KV("FREQ", "A"), KV("REF_AREA", "DE")};
    dsd_valid_row_t row;
    store_calls = 0;
    ok(obs(v, de, 2, "2020", "1", NULL, 0, 3, &row), "an update need not repeat what is stored");
    ok(store_calls == 2, "the store was asked for the series and the observation");
    dsd_kv_t fr[] = {KV("FREQ", "A"), KV("REF_AREA", "FR")};
    ok(!obs(v, fr, 2, "2020", "1", NULL, 0, 4, &row), "A.FR has nothing stored");
    dsd_kv_t group[] = {KV("REF_AREA", "FR")};
    dsd_kv_t unit[] = {KV("UNIT", "PC")};
    core_err_t err = {0};
    ok(dsd_valid_series(v, group, 1, unit, 1, 5, &row, &err) == CORE_OK && row.ok && row.partial &&
           row.key == NULL && row.codes[0].ptr == NULL,
       "a group: a partial key");
    dsd_valid_end(v);
    ok(count(&r, "missing-attribute") == 1, "UNIT on a group counts for the series at the end");

    dsd_valid_dataset(v, DSD_ACTION_DELETE, NULL, 0);
    dsd_kv_t it[] = {KV("FREQ", "A"), KV("REF_AREA", "IT")};
    ok(dsd_valid_series(v, it, 2, NULL, 0, 6, &row, &err) == CORE_OK && !row.ok,
       "an upload may not delete outside its constraints");
    ok(count(&r, "not-allowed") == 1, "not-allowed for the deletion");
    ok(obs(v, de, 2, "2020", "x", NULL, 0, 7, &row) && !row.partial,
       "a deleted observation's value is not checked");
    ok(obs(v, group, 1, "2020", "", NULL, 0, 8, &row) && row.partial && row.key == NULL,
       "a partial deletion");
    core_str_t allowed[] = {CORE_STR("A"), CORE_STR("FR")}, refused[] = {CORE_STR("A"),
                                                                         CORE_STR("IT")};
    ok(dsd_valid_allows(v, allowed) && !dsd_valid_allows(v, refused), "dsd_valid_allows");
    core_arena_free(a);
}

static void
test_cut(void)
{
    core_arena_t *a = core_arena_new();
    dsd_report_t r;
    dsd_report_init(&r, a, 3);
    dsd_valid_t *v = validator(a, &r, 0, 0);
    dsd_valid_dataset(v, DSD_ACTION_APPEND, NULL, 0);
    dsd_kv_t fr[] = {KV("FREQ", "A"), KV("REF_AREA", "FR")};
    dsd_kv_t at[] = {KV("OBS_STATUS", "A"), KV("UNIT", "PC")};
    dsd_valid_row_t row;
    for (long i = 0; i < 10; i++)
        obs(v, fr, 2, "2020-X", "1", at, 2, 10 + i, &row);
    for (long i = 0; i < 2; i++)
        obs(v, fr, 2, "2020", "one", at, 2, 20 + i, &row);
    ok(r.len == 3 && r.dropped == 9 && r.nerrors == 12, "3 rows kept, 9 dropped, 12 counted");
    ok(count(&r, "bad-period") == 10 && count(&r, "not-numeric") == 2, "counts per rule");
    ok(strncmp(r.items[2].message, "msg.xml:12: ", 12) == 0, "the third row is line 12");
    core_arena_free(a);
}

/* Issue 10: with explicit measures, a mandatory attribute of the measure dimension alone may be
 * left out (the measure's type stands for it), with a note; otherwise it is still required. */
static void
test_explicit_measures(void)
{
    attrs[0].by_measure = 1; /* UNIT, as if attached to a measure dimension alone */
    for (int explicit = 1; explicit >= 0; explicit--) {
        core_arena_t *a = core_arena_new();
        dsd_report_t r;
        dsd_report_init(&r, a, 100);
        dsd_valid_input_t in = {.name = "msg.xml", .structure = &dsd, .dim_codes = dim_codes,
                                .attr_codes = attr_codes, .explicit_measures = explicit};
        dsd_valid_t *v = dsd_valid_new(a, &r, &in);
        dsd_valid_dataset(v, DSD_ACTION_APPEND, NULL, 0);
        dsd_kv_t key[] = {KV("FREQ", "A"), KV("REF_AREA", "IT")};
        dsd_kv_t at[] = {KV("OBS_STATUS", "A")};
        dsd_valid_row_t row;
        int passed = obs(v, key, 2, "2020", "1.5", at, 1, 3, &row);
        dsd_valid_end(v);
        if (explicit)
            ok(passed && r.nerrors == 0 && issue(&r, "explicit-measure-attribute") != NULL &&
                   strstr(issue(&r, "explicit-measure-attribute"), "UNIT") != NULL,
               "explicit measures: UNIT not required, and said so");
        else
            ok(count(&r, "missing-attribute") == 1 && issue(&r, "explicit-measure-attribute") ==
                                                          NULL,
               "without explicit measures UNIT is still required");
        core_arena_free(a);
    }
    attrs[0].by_measure = 0;
}

int
main(void)
{
    test_explicit_measures();
    test_clean();
    test_rules();
    test_store_and_groups();
    test_cut();
    return tap_done();
}
