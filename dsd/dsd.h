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
/* Writes "urn:sdmx:org.sdmx.infomodel.codelist.Codelist=SDMX:CL_FREQ(2.0)" into a. */
char *dsd_ref_urn(core_arena_t *a, const dsd_ref_t *r);
/* Writes "Codelist SDMX:CL_FREQ(2.0)" into a, for messages. */
char *dsd_ref_label(core_arena_t *a, const dsd_ref_t *r);
/* Parses an SDMX URN of a maintainable or of an item inside one (the item part is
 * dropped); CORE_ESYNTAX when s is not such a URN. */
core_rc dsd_ref_parse_urn(core_str_t s, dsd_ref_t *out, core_err_t *err);

/* A maintainable artefact as read from a message: identity, flags, the canonical
 * SDMX-ML 2.1 text of its element, and the maintainables it references. */
typedef struct dsd_artefact {
    dsd_ref_t ref;
    int is_final;
    int is_stub;     /* isExternalReference="true": identification only */
    core_str_t xml;  /* canonical SDMX-ML (prefixes mes/str/com), the whole element */
    dsd_ref_t *refs; /* distinct references, self excluded */
    size_t nrefs;
    long line; /* where the element starts in its message, for reports */
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

/* ---- reports ----------------------------------------------------------------------- */

typedef enum dsd_severity { DSD_SEV_ERROR, DSD_SEV_WARNING } dsd_severity;

typedef struct dsd_issue {
    dsd_severity severity;
    const char *rule;     /* stable rule name: "missing-reference" */
    const char *location; /* "SDG_DSD.xml:42", or NULL */
    const char *message;  /* for a statistician */
} dsd_issue_t;

/* Collects issues in an arena; keeps up to max rows and counts the rest. */
typedef struct dsd_report {
    core_arena_t *arena;
    dsd_issue_t *items;
    size_t len, cap, max;
    size_t nerrors, nwarnings, dropped;
} dsd_report_t;

void dsd_report_init(dsd_report_t *r, core_arena_t *a, size_t max);
void dsd_report_add(dsd_report_t *r, dsd_severity sev, const char *rule, const char *location,
                    const char *fmt, ...) CORE_PRINTF(5, 6);

#endif
