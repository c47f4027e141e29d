/* dsd: the SDMX information model, pure (no I/O, no storage): artefact kinds and their
 * names, references, versions, languages (ICU), reports. */
#ifndef SDMXD_DSD_H
#define SDMXD_DSD_H

#include "core/core.h"

/* Maintainable artefact kinds, in the order SDMX-ML 2.1 lists them inside mes:Structures,
 * so that sorting by kind gives the order a Structure message needs. The numbers are
 * stored in LMDB keys: append, never renumber. */
typedef enum dsd_kind {
    DSD_KIND_AGENCYSCHEME = 0,
    DSD_KIND_DATACONSUMERSCHEME,
    DSD_KIND_DATAPROVIDERSCHEME,
    DSD_KIND_ORGUNITSCHEME,
    DSD_KIND_DATAFLOW,
    DSD_KIND_METADATAFLOW,
    DSD_KIND_CATEGORYSCHEME,
    DSD_KIND_CATEGORISATION,
    DSD_KIND_CODELIST,
    DSD_KIND_HIERARCHICALCODELIST,
    DSD_KIND_CONCEPTSCHEME,
    DSD_KIND_METADATASTRUCTURE,
    DSD_KIND_DATASTRUCTURE,
    DSD_KIND_STRUCTURESET,
    DSD_KIND_REPORTINGTAXONOMY,
    DSD_KIND_PROCESS,
    DSD_KIND_ATTACHMENTCONSTRAINT,
    DSD_KIND_CONTENTCONSTRAINT,
    DSD_KIND_PROVISIONAGREEMENT,
    DSD_KIND__COUNT,
    DSD_KIND_NONE = 255
} dsd_kind;

typedef struct dsd_kind_info {
    dsd_kind kind;
    const char *resource;  /* REST path segment: "codelist" */
    const char *element;   /* SDMX-ML 2.1 element: "Codelist" */
    const char *container; /* its parent element in mes:Structures: "Codelists" */
    const char *package;   /* URN package: "codelist" */
    const char *json;      /* SDMX-JSON 1.0 property under data: "codelists" */
    const char *item;      /* item element of an item scheme ("Code"), or NULL */
} dsd_kind_info_t;

/* Describes kind; NULL for an unknown kind. */
const dsd_kind_info_t *dsd_kind_info(dsd_kind kind);
/* Finds a kind by REST resource name ("codelist"), DSD_KIND_NONE when unknown. */
dsd_kind dsd_kind_by_resource(core_str_t resource);
/* Finds a kind by SDMX-ML element name ("Codelist"), DSD_KIND_NONE when unknown. */
dsd_kind dsd_kind_by_element(core_str_t element);
/* Finds the maintainable kind that holds objects of class cls ("Code" -> codelist,
 * "Codelist" -> codelist, "Dimension" -> data structure); DSD_KIND_NONE when unknown.
 * *is_item tells whether cls names something inside a maintainable. */
dsd_kind dsd_kind_by_class(core_str_t cls, int *is_item);

/* Identity of a maintainable artefact. Strings borrow from whoever built it. */
typedef struct dsd_ref {
    dsd_kind kind;
    core_str_t agency;
    core_str_t id;
    core_str_t version;
} dsd_ref_t;

int dsd_ref_eq(const dsd_ref_t *a, const dsd_ref_t *b);
/* The same reference with its strings copied into a. */
dsd_ref_t dsd_ref_dup(core_arena_t *a, const dsd_ref_t *r);
/* Writes "urn:sdmx:org.sdmx.infomodel.codelist.Codelist=SDMX:CL_FREQ(2.0)" into a. */
char *dsd_ref_urn(core_arena_t *a, const dsd_ref_t *r);
/* Writes "Codelist SDMX:CL_FREQ(2.0)" into a, for messages. */
char *dsd_ref_label(core_arena_t *a, const dsd_ref_t *r);
/* Parses an SDMX URN of a maintainable or of an item inside one (the item part is
 * dropped); CORE_ESYNTAX when s is not such a URN. */
core_rc dsd_ref_parse_urn(core_str_t s, dsd_ref_t *out, core_err_t *err);

/* Parses the short form AGENCY:ID(VERSION) (SDMX-CSV, command lines); the version is 1.0
 * when absent. Strings borrow from s. Returns 0 when s is not of that form. */
int dsd_ref_parse_short(core_str_t s, dsd_kind kind, dsd_ref_t *out);

/* A maintainable artefact as read from a message: identity, flags, the canonical
 * SDMX-ML 2.1 text of its element, its model, and the maintainables it references. */
struct dsd_model;
typedef struct dsd_artefact {
    dsd_ref_t ref;
    int is_final;
    int is_stub;     /* isExternalReference="true": identification only */
    core_str_t xml;  /* canonical SDMX-ML (prefixes mes/str/com), the whole element */
    struct dsd_model *model; /* the information model of it (dsd/model.h), or NULL */
    dsd_ref_t *refs; /* distinct references, self excluded */
    size_t nrefs;
    long line; /* where the element starts in its message, for reports */
    int keep_stored; /* when the store has it final with other content: keep the stored one
                      * (noted with the differences) rather than refuse the message */
} dsd_artefact_t;

/* ---- versions ---------------------------------------------------------------- */

/* Compares SDMX versions numerically part by part ("1.10" > "1.9"); falls back to bytes
 * for parts that are not numbers. */
int dsd_version_cmp(core_str_t a, core_str_t b);

/* ---- languages ----------------------------------------------------------------- */

/* A client's language preferences, best first, canonical BCP-47 tags. */
typedef struct dsd_langpref {
    const char **tags;
    size_t ntags;
} dsd_langpref_t;

/* Parses an Accept-Language header (q-values honoured, "*" ignored) into a, always ending
 * with the default language "en". */
void dsd_langpref_parse(core_arena_t *a, core_str_t accept_language, dsd_langpref_t *out);
/* Picks the best of langs[n] for pref with BCP-47 fallback ("fr-CA" -> "fr",
 * "zh-Hans-CN" -> "zh"); returns an index into langs, or -1 when n is 0. With no
 * match it picks "en", then the first. */
int dsd_langpref_pick(const dsd_langpref_t *pref, const char *const *langs, size_t n);

/* ---- time periods ---------------------------------------------------------------- */

/* The forms of SDMX 2.1 ObservationalTimePeriodType: Gregorian (2020, 2020-07, 2020-07-14),
 * standard reporting periods (2020-A1, 2020-S1, 2020-T1, 2020-Q3, 2020-M07, 2020-W27,
 * 2020-D195), date-times (2020-07-14T12:00:00, with or without zone) and time ranges
 * (2020-07-14/P3M, 2020-07-14T12:00:00/PT1H). */
typedef enum dsd_period_form {
    DSD_PERIOD_YEAR,      /* 2020 */
    DSD_PERIOD_MONTH,     /* 2020-07 (Gregorian year-month) */
    DSD_PERIOD_DAY,       /* 2020-07-14 */
    DSD_PERIOD_DATETIME,  /* 2020-07-14T12:00:00(Z|+hh:mm) */
    DSD_PERIOD_REPORTING, /* 2020-A1, -S1, -T1, -Q3, -M07, -W27, -D195 */
    DSD_PERIOD_RANGE      /* start/duration */
} dsd_period_form;

typedef struct dsd_period {
    dsd_period_form form;
    char freq;     /* SDMX FREQ code the period is: 'A','S','T','Q','M','W','D', 'I'
                      (date-time: FREQ H and N accept it), 'N' (range) */
    int64_t start; /* first instant, seconds since the epoch, UTC */
    int64_t end;   /* first instant after the period */
} dsd_period_t;

#define DSD_PERIOD_KEY 12

/* Parses an SDMX time period. Weeks are ISO 8601 weeks (2020-W53 exists, 2021-W53 does
 * not); reporting periods use a reporting year that starts on 1 January. CORE_ESYNTAX with
 * a message naming the value otherwise. */
core_rc dsd_period_parse(core_str_t s, dsd_period_t *out, core_err_t *err);
/* Parses a startPeriod/endPeriod query parameter: any period form; for an end, the period's
 * end is used. */
core_rc dsd_period_parse_bound(core_str_t s, int is_end, int64_t *out, core_err_t *err);
/* Writes a key of DSD_PERIOD_KEY bytes that sorts as bytes in time order: the start
 * (8 bytes, big-endian, sign bit flipped), then the length in seconds complemented (4 bytes),
 * so that at one start the longer period comes first: 2020 before 2020-Q1 before 2020-01. */
void dsd_period_key(const dsd_period_t *p, unsigned char out[DSD_PERIOD_KEY]);
/* Whether p overlaps [from, to) (the SDMX 2.1 startPeriod/endPeriod rule). */
int dsd_period_overlaps(const dsd_period_t *p, int64_t from, int64_t to);
/* Whether p is a period of the frequency whose SDMX code is freq ("A", "Q", "M", ...);
 * CORE_ESEMANTIC with a message ("2020-Q1 is a quarterly period but the series has FREQ=A
 * (annual)") otherwise. Unknown FREQ codes pass. */
core_rc dsd_period_check_freq(const dsd_period_t *p, core_str_t freq, core_err_t *err);

/* ---- data structures, compiled ------------------------------------------------------- */

/* The most key dimensions a DSD may have (time excluded): a key is a set of them in one
 * 64-bit word (groups, partial keys, the cube's key index), so this cannot grow alone. */
#define DSD_MAX_DIMS 64

typedef enum dsd_attach {
    DSD_ATTACH_DATASET, /* AttributeRelationship/None */
    DSD_ATTACH_GROUP,   /* to a group's key */
    DSD_ATTACH_SERIES,  /* to dimensions (a series or a part of its key) */
    DSD_ATTACH_OBS      /* to the primary measure */
} dsd_attach;

/* A TextFormat: the type of uncoded values and their facets. */
typedef struct dsd_text_format {
    const char *type;      /* "Double", "String", "DateTime"... or NULL */
    long min_length;       /* -1: none (lengths count characters) */
    long max_length;
    const char *pattern;   /* an XML Schema regular expression (whole value), or NULL */
    int has_min, has_max;
    double min_value, max_value;
    int decimals;          /* -1: none */
    struct URegularExpression *regex; /* pattern compiled by dsd_text_format_compile, or NULL */
} dsd_text_format_t;

/* Compiles f's pattern (ICU) once, for every value dsd_text_check will see; the regular
 * expression is closed with a. CORE_ESEMANTIC, naming the pattern and ICU's reason, when ICU
 * cannot read it. Nothing to do without a pattern. */
core_rc dsd_text_format_compile(core_arena_t *a, dsd_text_format_t *f, core_err_t *err);
/* Whether value fits f; when not, why says how, for a statistician. A pattern that was not
 * compiled (dsd_text_format_compile) lets no value through. Safe from several threads. */
int dsd_text_check(const dsd_text_format_t *f, core_str_t value, char *why, size_t whylen);

/* A dimension, the time dimension, the measure or an attribute. Strings live in the arena
 * of whoever compiled the structure. */
typedef struct dsd_component {
    const char *id;
    dsd_ref_t codelist;    /* kind DSD_KIND_NONE when not coded; a measure dimension's
                              is a concept scheme (DSD_KIND_CONCEPTSCHEME) */
    const char *text_type; /* TextFormat textType ("Double", "String", ...) or NULL */
    dsd_text_format_t format; /* the local TextFormat (type NULL and no facets: none) */
    dsd_attach attach;     /* attributes only */
    int mandatory;         /* attributes: assignmentStatus="Mandatory" */
    const char *group;     /* attributes attached to a group */
    uint64_t dims;         /* attributes attached to dimensions: bit d for each dims[d] named */
    dsd_ref_t concepts;    /* the concept scheme of its concept identity (kind NONE: none) */
    const char *concept;   /* the concept's id */
    int by_measure;        /* attributes: related to the measure dimension alone */
} dsd_component_t;

/* What the data side needs of a DSD: its key in order, the time dimension, the measure and
 * the attributes with their attachment. */
typedef struct dsd_structure {
    dsd_ref_t dsd;
    dsd_component_t *dims; /* key dimensions in key order, time dimension excluded */
    size_t ndims;
    dsd_component_t time;    /* id NULL when the DSD has none */
    dsd_component_t measure; /* the primary measure */
    dsd_component_t *attrs;
    size_t nattrs;
    struct dsd_group *groups; /* the DSD's groups */
    size_t ngroups;
} dsd_structure_t;

/* A group of a DSD: its id and the key dimensions it names (bit d for dims[d]). */
typedef struct dsd_group {
    const char *id;
    uint64_t mask;
} dsd_group_t;

/* Index of the dimension id in s, or -1. */
int dsd_structure_dim(const dsd_structure_t *s, core_str_t id);
/* The attribute id of s, or NULL. */
const dsd_component_t *dsd_structure_attr(const dsd_structure_t *s, core_str_t id);

/* ---- allowed content constraints, compiled ------------------------------------------------- */

/* One cube region or data key: for each component named, the values it takes. */
typedef struct dsd_region {
    int include;
    const char **ids;     /* component ids */
    const char ***values; /* values[i][0..nvalues[i]) for ids[i], sorted (strcmp) */
    size_t *nvalues;
    size_t n;
} dsd_region_t;

/* An Allowed content constraint: its cube regions and its data key set (keys are regions
 * with one value per component). */
typedef struct dsd_constraint {
    const char *label; /* "ContentConstraint SDMXD:CC_DF_SDG(1.0)", for reports */
    dsd_region_t *regions;
    size_t nregions;
    dsd_region_t *keys; /* included keys; a key must match one when there are any */
    size_t nkeys;
} dsd_constraint_t;


/* ---- data events: what every data reader emits ------------------------------------------ */

typedef struct dsd_kv {
    core_str_t id;
    core_str_t value;
} dsd_kv_t;

/* Attribute blobs, a sequence of id/value pairs in one string (ids up to 255 bytes, values
 * up to 65535: longer ones are cut): how the registry stores a series', group's,
 * observation's or data set's attribute values, and how the data writers read them. */
/* Appends one attribute value to a blob. */
void dsd_attrs_add(core_buf_t *b, core_str_t id, core_str_t value);
/* Walks an attribute blob: returns 0 at the end, else fills kv and advances *blob. */
int dsd_attrs_next(core_str_t *blob, dsd_kv_t *kv);
/* Whether the blob has a value for attribute id. */
int dsd_attrs_has(core_str_t blob, core_str_t id);

/* Whether the key (component id/value pairs) is allowed by c: inside an included region (when
 * c has any), outside every excluded one, and one of its keys (when it lists keys).
 * Components a region names but the key lacks do not count against it. */
int dsd_constraint_allows(const dsd_constraint_t *c, const dsd_kv_t *key, size_t n);

typedef enum dsd_action {
    DSD_ACTION_APPEND,  /* Append, Information, Merge: add or update */
    DSD_ACTION_REPLACE, /* the series in the message replace those stored */
    DSD_ACTION_DELETE
} dsd_action;

/* Callbacks a reader calls in document order; each returns CORE_OK to go on. Slices borrow
 * from the reader and are valid during the call only. Observation keys are always complete:
 * the reader merges series, group and observation-level dimension values. */
typedef struct dsd_events {
    void *ctx;
    /* Compiles the structure a data set names (a DSD, or a dataflow's DSD); the reader
     * uses it to tell dimensions from attributes. The result must outlive the message. */
    core_rc (*resolve)(void *ctx, const dsd_ref_t *structure, const dsd_structure_t **out,
                       core_err_t *err);
    /* A data set begins; structure names its DSD or dataflow (kind tells which). */
    core_rc (*dataset)(void *ctx, dsd_action action, const dsd_ref_t *structure,
                       const dsd_kv_t *attrs, size_t nattrs, core_err_t *err);
    /* Series-level attribute values for the (possibly partial) key. */
    core_rc (*series)(void *ctx, const dsd_kv_t *key, size_t nkey, const dsd_kv_t *attrs,
                      size_t nattrs, long line, core_err_t *err);
    /* One observation: full key (time excluded), period, value (may be empty), attributes. */
    core_rc (*obs)(void *ctx, const dsd_kv_t *key, size_t nkey, core_str_t period,
                   core_str_t value, const dsd_kv_t *attrs, size_t nattrs, long line,
                   core_err_t *err);
    core_rc (*dataset_end)(void *ctx, core_err_t *err);
    /* Optional (NULL: not told): the reader is past the first offset bytes of the message
     * and will not look at them again, so the sink may let their memory go. */
    void (*consumed)(void *ctx, size_t offset);
} dsd_events_t;

/* ---- reports ----------------------------------------------------------------------- */

typedef enum dsd_severity { DSD_SEV_ERROR, DSD_SEV_WARNING } dsd_severity;

typedef struct dsd_issue {
    dsd_severity severity;
    const char *rule;     /* stable rule name: "missing-reference" */
    const char *location; /* "SDG_DSD.xml:42", or NULL */
    const char *message;  /* for a statistician */
} dsd_issue_t;

#define DSD_REPORT_RULES 32

/* Collects issues in an arena; keeps up to max rows and counts every issue per rule. */
typedef struct dsd_report {
    core_arena_t *arena;
    dsd_issue_t *items;
    size_t len, cap, max;
    size_t nerrors, nwarnings, dropped;
    struct {
        const char *rule;
        size_t n;
    } rules[DSD_REPORT_RULES];
    size_t nrules;
} dsd_report_t;

void dsd_report_init(dsd_report_t *r, core_arena_t *a, size_t max);
void dsd_report_add(dsd_report_t *r, dsd_severity sev, const char *rule, const char *location,
                    const char *fmt, ...) CORE_PRINTF(5, 6);

#endif
