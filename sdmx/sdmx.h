/* sdmx: the SDMX wire. REST query grammar; SDMX-ML 2.1 structure reader; SDMX-ML and
 * SDMX-JSON structure writers; SDMX error messages. libxml2 and yajl stay inside. */
#ifndef SDMXD_SDMX_H
#define SDMXD_SDMX_H

#include "core/core.h"
#include "dsd/dsd.h"
#include "registry/reg.h"

/* ---- what is compiled from structures, kept across requests ------------------------------ */

typedef struct sdmx_cache sdmx_cache_t;

/* A cache of compiled structures for a long-lived process (the server); NULL is a valid
 * cache that keeps nothing (the command line). */
/* Sets up the libraries under sdmx/ (libxml2's globals) before threads use them: called once,
 * before the server's event loops start. */
void sdmx_init(void);
sdmx_cache_t *sdmx_cache_new(void);
void sdmx_cache_free(sdmx_cache_t *c);
/* The cache keeps at most this many bytes of compiled structures (their arenas) unless told
 * otherwise: past it, the entries used least recently are dropped (an entry a request still
 * uses is freed when that request ends). A DSD compiles to a few KiB, a codelist's codes to
 * some bytes per code: 64 MiB holds thousands of them. */
#define SDMX_CACHE_MAX_DEFAULT ((size_t)64 << 20)
/* Sets the bound (bytes, at least one entry is kept whatever its size). */
void sdmx_cache_limit(sdmx_cache_t *c, size_t max_bytes);
/* What the cache keeps now: entries, and their bytes (those dropped but in use not counted). */
void sdmx_cache_stats(sdmx_cache_t *c, size_t *entries, size_t *bytes);

/* ---- reading structure messages ------------------------------------------------------ */

#define SDMX_XML_MAX_DEPTH 256

/* Reads an SDMX-ML 2.1 Structure message from data[len] (not NUL-terminated). Every
 * maintainable artefact becomes a dsd_artefact_t in a. No network, no DTD, no entities:
 * a message with a DOCTYPE is refused. name labels locations in messages. Codes:
 * CORE_ESYNTAX (not well-formed, not a 2.1 Structure message), CORE_ENOTIMPL (SDMX-ML 2.0
 * or 3.0), CORE_ESEMANTIC (an artefact lacks identification; listed in report). */
/* Builds the information model of the stored artefact ref from its canonical SDMX-ML xml
 * (as store_artefact_t gives it) in a; CORE_ESYNTAX when the text cannot be read. */
core_rc sdmx_artefact_model(core_arena_t *a, const dsd_ref_t *ref, core_str_t xml,
                            struct dsd_model **out, core_err_t *err);
core_rc sdmx_structure_read(core_arena_t *a, const char *data, size_t len, const char *name,
                            dsd_artefact_t **arts, size_t *n, dsd_report_t *report,
                            core_err_t *err);

/* How sdmx_scheme_merge makes one item scheme of the one sent and the one stored. */
typedef enum sdmx_merge_mode {
    SDMX_MERGE_PARTIAL, /* the sent one is part of the stored one (isPartial): its items
                         * replace the stored items of the same id, new ones come last; the
                         * stored scheme's own identification, names and flags stay */
    SDMX_MERGE_UNION    /* the sent one is whole: it stands, and the stored items it lacks are
                         * kept after its own */
} sdmx_merge_mode;

/* Merges the item scheme now (as sdmx_structure_read gave it) with the stored one of the
 * same identity, whose canonical SDMX-ML is stored_xml, into out (in a): the canonical XML,
 * model and references of the merged scheme, read back as the reader reads a message;
 * isPartial="true" on it when partial. Items are the scheme's direct children (nested
 * categories move with their top-level category). */
core_rc sdmx_scheme_merge(core_arena_t *a, const dsd_artefact_t *now, core_str_t stored_xml,
                          sdmx_merge_mode mode, int partial, dsd_artefact_t *out,
                          dsd_report_t *report, core_err_t *err);

/* Reads an SDMX-ML 2.1 data message (StructureSpecific or Generic, time series or not) as a
 * stream, calling ev for each data set, series and observation. Same safety rules as the
 * structure reader. CORE_ESYNTAX for XML or message errors; whatever ev returns stops it. */
core_rc sdmx_data_read_xml(core_arena_t *a, const char *data, size_t len, const char *name,
                           const dsd_events_t *ev, core_err_t *err);
/* Reads an SDMX-CSV 1.0 data message (DATAFLOW column first; the 2.0 STRUCTURE,
 * STRUCTURE_ID and ACTION columns too) row by row, calling ev as sdmx_data_read_xml() does.
 * CORE_ESYNTAX (name:line) for malformed CSV, CORE_ETOOBIG past 256 columns or 64 KiB per
 * field, CORE_ESEMANTIC for a second dataflow; whatever ev returns stops it. */
core_rc sdmx_data_read_csv(core_arena_t *a, const char *data, size_t len, const char *name,
                           const dsd_events_t *ev, core_err_t *err);
/* Reads an SDMX-JSON 1.0 data message (time series, flat or cross-section; the final
 * {meta, data} envelope and the earlier {header, structure, dataSets} one), calling ev.
 * The dataflow comes from the links. CORE_ESYNTAX (name:line and a JSON path) for malformed
 * JSON or indexes outside the structure, CORE_ETOOBIG past the nesting and size limits. */
core_rc sdmx_data_read_json(core_arena_t *a, const char *data, size_t len, const char *name,
                            const dsd_events_t *ev, core_err_t *err);

/* An observation written again as it is stored (value and attributes) is unchanged, not
 * updated. */
typedef struct sdmx_counts {
    uint64_t obs_read, obs_added, obs_updated, obs_unchanged, obs_deleted, series_deleted;
} sdmx_counts_t;

typedef struct sdmx_load_stats {
    dsd_ref_t flow; /* where the data went */
    uint64_t obs_read, obs_added, obs_updated, obs_unchanged, obs_deleted, series_deleted;
    sdmx_counts_t per_action[3]; /* by dsd_action: Append, Replace, Delete */
    int actions;                 /* bit (1 << dsd_action) for each action met */
} sdmx_load_stats_t;

typedef struct sdmx_load_opts {
    const dsd_ref_t *flow;   /* data naming a DSD goes here (created when absent) */
    const dsd_ref_t *target; /* uploads: the data must be for this (stored) dataflow */
    /* uploads: its Allowed constraints apply too, and deletions and replacements touch only
     * the provider's own series (written last by it) that the constraints allow; without
     * it (sdmxd load, the operator) they touch any series */
    const dsd_ref_t *agreement;
    int dry_run;             /* validate and count, store nothing */
    int replace;             /* PUT: each data set replaces the series it names */
    const char *submitter;   /* recorded in the submission log when not NULL */
    /* the data provider writing (provider.ptr NULL: none): each series written remembers
     * it, for providerRef in data queries */
    const dsd_ref_t *provider_scheme;
    core_str_t provider;
    struct sdmx_cache *cache; /* compiled structures kept by the server, or NULL */
    /* Optional: told how far the message has been read (a byte offset into body), so that a
     * caller that mapped a file can drop the pages already read from memory. Called from
     * the thread that parses, which may not be the caller's. */
    void (*consumed)(void *arg, size_t offset);
    void *consumed_arg;
} sdmx_load_opts_t;

/* Validates and stores a data message in one transaction: nothing is written unless every
 * observation fits its DSD; each problem goes to report (CORE_ESEMANTIC). Data that names a
 * DSD goes to opts->flow when given, else to the DSD's only dataflow. */
core_rc sdmx_data_load(store_t *r, core_arena_t *a, core_str_t body, const char *name,
                       const sdmx_load_opts_t *opts, sdmx_load_stats_t *stats,
                       dsd_report_t *report, core_err_t *err);

/* Turns an SDMX-ML 2.0 data message (GenericData, CompactData) into SDMX-ML 2.1 with the
 * project's XSLT stylesheet (no file or network access); the result lives in a. */
core_rc sdmx_convert_20(core_arena_t *a, core_str_t in, const char *name, core_str_t *out,
                        core_err_t *err);

/* What kind of SDMX message data holds, from its root element: "Structure", "GenericData",
 * "StructureSpecificData", ..., "GenericData20" or "CompactData20" for SDMX-ML 2.0 data, or
 * NULL when it is none of these. */
const char *sdmx_message_kind(const char *data, size_t len);
/* Whether the header of an SDMX-ML 2.1 data message says explicitMeasures="true". */
int sdmx_message_explicit_measures(const char *data, size_t len);
/* What an XML message holds, for a statistician: its root element and the first of its
 * children, each with its namespace when that is not the SDMX-ML 2.1 message namespace
 * ("the root element GenericData holding Header, DataSet (namespace urn:x)"); in a. */
const char *sdmx_message_outline(core_arena_t *a, const char *data, size_t len);

/* ---- REST queries ------------------------------------------------------------------ */

typedef enum sdmx_detail {
    SDMX_DETAIL_FULL,
    SDMX_DETAIL_ALLSTUBS,
    SDMX_DETAIL_REFERENCESTUBS,
    SDMX_DETAIL_ALLCOMPLETESTUBS,
    SDMX_DETAIL_REFERENCECOMPLETESTUBS,
    SDMX_DETAIL_REFERENCEPARTIAL
} sdmx_detail;

typedef enum sdmx_references {
    SDMX_REFS_NONE,
    SDMX_REFS_PARENTS,
    SDMX_REFS_PARENTSANDSIBLINGS,
    SDMX_REFS_CHILDREN,
    SDMX_REFS_DESCENDANTS,
    SDMX_REFS_ALL,
    SDMX_REFS_KIND /* a specific resource type, in ref_kinds */
} sdmx_references;

typedef struct sdmx_strlist {
    core_str_t *v; /* n == 0 means "all" */
    size_t n;
} sdmx_strlist_t;

typedef struct sdmx_structure_query {
    uint32_t kinds; /* bit (1u << dsd_kind) for each kind the resource covers */
    sdmx_strlist_t agencies;
    sdmx_strlist_t ids;
    sdmx_strlist_t versions; /* n == 0: all versions */
    int latest;              /* version "latest" */
    sdmx_strlist_t items;    /* itemID; n == 0: all items */
    sdmx_detail detail;
    sdmx_references references;
    uint32_t ref_kinds;
    /* allowedconstraint, actualconstraint: the content constraints of that type ("Allowed",
     * "Actual"; the Actual ones also derived from the stored data); NULL: any */
    const char *constraint_type;
} sdmx_structure_query_t;

typedef enum sdmx_query_type {
    SDMX_QUERY_STRUCTURE,
    SDMX_QUERY_DATA,
    SDMX_QUERY_AVAILABILITY,
    SDMX_QUERY_SCHEMA,
    SDMX_QUERY_METADATA
} sdmx_query_type;

typedef enum sdmx_data_detail {
    SDMX_DATA_FULL,
    SDMX_DATA_DATAONLY,
    SDMX_DATA_SERIESKEYSONLY,
    SDMX_DATA_NODATA
} sdmx_data_detail;

/* /data/{flowRef}/{key}/{providerRef} and its parameters. */
typedef struct sdmx_data_query {
    core_str_t agency;  /* empty: any */
    core_str_t flow;
    core_str_t version; /* empty: latest */
    sdmx_strlist_t *key; /* per key position, values ORed with '+'; n == 0 wildcard */
    size_t nkey;         /* 0 for "all" */
    sdmx_strlist_t providers;
    int64_t start, end;  /* [start, end) from startPeriod/endPeriod */
    uint64_t first_n, last_n; /* 0: no limit */
    core_str_t dim_at_obs; /* empty: TIME_PERIOD */
    sdmx_data_detail detail;
    int64_t updated_after; /* microseconds since the epoch; 0: none */
    int include_history;   /* includeHistory=true: every value, a data set per commit */
    /* SDMX-CSV media type parameters, set by negotiation */
    int csv_labels;           /* labels=both: "ID: name" headers and "CODE: name" values */
    int csv_time_normalized;  /* timeFormat=normalized: periods as ISO 8601 dates */
    dsd_langpref_t lang;      /* for the names of labels=both */
    struct sdmx_cache *cache; /* compiled structures kept by the server, or NULL */
} sdmx_data_query_t;

/* /availableconstraint/{flowRef}/{key}/{providerRef}/{componentID}?mode=... */
typedef struct sdmx_availability_query {
    sdmx_data_query_t data; /* flow, key, providers, startPeriod, endPeriod */
    core_str_t component;   /* empty or "all": every dimension */
    int available;          /* mode=available (default exact) */
    sdmx_structure_query_t refs; /* references: the structures to add (references only) */
} sdmx_availability_query_t;

/* /schema/{context}/{agencyID}/{resourceID}/{version}?dimensionAtObservation=&explicitMeasure= */
typedef struct sdmx_schema_query {
    dsd_kind context;       /* DSD_KIND_DATASTRUCTURE, _DATAFLOW or _PROVISIONAGREEMENT */
    core_str_t agency, id;
    core_str_t version;     /* empty: latest */
    core_str_t dim_at_obs;  /* empty: the time dimension */
    int explicit_measure;
} sdmx_schema_query_t;

typedef struct sdmx_query {
    sdmx_query_type type;
    sdmx_schema_query_t schema;
    sdmx_structure_query_t structure;
    sdmx_data_query_t data;
    sdmx_availability_query_t availability;
    core_str_t format;     /* the non-standard format= parameter, or empty */
    core_str_t resource;   /* first path segment */
} sdmx_query_t;

/* Parses a REST path below /rest/ ("codelist/SDMX/CL_FREQ/latest") and its query string
 * (without '?'). Strings live in a. CORE_ESYNTAX with a precise message on bad syntax,
 * CORE_ENOTFOUND for an unknown resource, CORE_ENOTIMPL for parts of the API not built.
 * Messages name a bad parameter but never show its value (a token sent by mistake must not
 * come back), and quote path segments through sdmx_quote. */
core_rc sdmx_query_parse(core_arena_t *a, core_str_t path, core_str_t query, sdmx_query_t *out,
                         core_err_t *err);
/* Part of the request (a parameter name, a path segment) as an error message may show it:
 * at most max bytes, else the first max/3 and "...", each byte that is not printable ASCII
 * shown as '?'. Writes into buf (SDMX_QUOTE_MAX bytes hold any max up to 64) and returns it. */
#define SDMX_QUOTE_MAX 72
const char *sdmx_quote(char *buf, size_t size, core_str_t s, size_t max);
/* Names up to this long are shown whole in messages; longer ones are cut. */
#define SDMX_QUOTE_NAME 24
#define SDMX_QUOTE_PATH 64

/* ---- resolving structure queries ------------------------------------------------------ */

typedef enum sdmx_show { SDMX_SHOW_FULL, SDMX_SHOW_STUB, SDMX_SHOW_COMPLETESTUB } sdmx_show;

typedef struct sdmx_result_item {
    store_artefact_t art;
    sdmx_show show;
    int filtered;     /* only the items in keep are shown (item query, referencepartial) */
    core_str_t *keep; /* item ids to keep when filtered */
    size_t nkeep;
} sdmx_result_item_t;

typedef struct sdmx_result {
    sdmx_result_item_t *items; /* in message order: kind, agency, id, version */
    size_t n;
} sdmx_result_t;

/* Resolves q against the snapshot v: matched artefacts, then the references asked for,
 * each shown as detail says. Result lives in a. CORE_ENOTFOUND when nothing matches. */
core_rc sdmx_structure_resolve(store_view_t *v, core_arena_t *a, const sdmx_structure_query_t *q,
                               sdmx_result_t *out, core_err_t *err);

/* ---- data structures ------------------------------------------------------------------- */

/* Compiles the stored DSD ref into what the data side needs; the result lives in a.
 * CORE_ENOTFOUND when absent, CORE_ESEMANTIC when it is a stub or has no key. */
core_rc sdmx_structure_compile(store_view_t *v, core_arena_t *a, const dsd_ref_t *ref,
                               dsd_structure_t *out, core_err_t *err);
/* The Allowed content constraints attached to any of targets (a DSD, a dataflow, a provision
 * agreement) by the agency whose rules count for it (the DSD's or dataflow's maintainer; for
 * an agreement, its dataflow's, when the agreement is that agency's own), compiled; the
 * result lives in a. */
core_rc sdmx_constraints_for(store_view_t *v, core_arena_t *a, const dsd_ref_t *targets,
                             size_t ntargets, dsd_constraint_t **out, size_t *n, core_err_t *err);
/* The DSD of the stored dataflow flow. */
core_rc sdmx_flow_structure(store_view_t *v, core_arena_t *a, const dsd_ref_t *flow, dsd_ref_t *dsd,
                            core_err_t *err);

/* ---- writing ------------------------------------------------------------------------ */

typedef struct sdmx_header {
    const char *id;     /* message id */
    int64_t prepared;   /* epoch seconds */
    const char *sender; /* sender id */
    const char *receiver; /* receiver id, or NULL (RegistryInterface requires one) */
} sdmx_header_t;

/* SDMX-ML 2.1 Structure message with every artefact of res. */
core_rc sdmx_structure_write_xml(core_buf_t *out, core_arena_t *a, const sdmx_result_t *res,
                                 const sdmx_header_t *h, core_err_t *err);
/* SDMX-JSON 1.0 structure message; localised name/description follow pref. Unless NULL,
 * *content_language gets the languages of the texts chosen ("fr, en"), in a. */
core_rc sdmx_structure_write_json(core_buf_t *out, core_arena_t *a, const sdmx_result_t *res,
                                  const sdmx_header_t *h, const dsd_langpref_t *pref,
                                  const char **content_language, core_err_t *err);

/* SDMX error messages (SDMX-ML 2.1 mes:Error, SDMX-JSON 1.0 errors) with SDMX code
 * sdmx_code, a title and a detail text; details[n] adds one message each. */
void sdmx_error_write_xml(core_buf_t *out, int sdmx_code, const char *title,
                          const char *const *details, size_t n);
void sdmx_error_write_json(core_buf_t *out, int sdmx_code, const char *title,
                           const char *const *details, size_t n);

/* SDMX-ML 2.1 RegistryInterface/SubmitStructureResponse: one SubmissionResult per
 * artefact (Success, or Failure with report's messages when rc is not CORE_OK). */
void sdmx_submit_response_write_xml(core_buf_t *out, core_arena_t *a, const sdmx_header_t *h,
                                    const dsd_artefact_t *arts, const store_put_status *status,
                                    size_t n, core_rc rc, const dsd_report_t *report);

/* ---- data answers ------------------------------------------------------------------------- */

typedef enum sdmx_data_format {
    SDMX_DATA_GENERIC,
    SDMX_DATA_GENERIC_TS,
    SDMX_DATA_SS,
    SDMX_DATA_SS_TS,
    SDMX_DATA_CSV,
    SDMX_DATA_JSON
} sdmx_data_format;

typedef struct sdmx_data_stream sdmx_data_stream_t;

/* Resolves q against v and positions on the first series to show. CORE_ENOTFOUND when no
 * dataflow or no data matches, CORE_ESYNTAX for a key that does not fit the DSD. */
core_rc sdmx_data_stream_open(store_view_t *v, core_arena_t *a, const sdmx_data_query_t *q,
                              sdmx_data_format fmt, const sdmx_header_t *h,
                              sdmx_data_stream_t **out, core_err_t *err);
/* Appends the answer to out until it holds at least want bytes or the answer ends (*done). */
core_rc sdmx_data_stream_fill(sdmx_data_stream_t *s, core_buf_t *out, size_t want, int *done,
                              core_err_t *err);
/* Lets the stream's snapshot go between two fills (a client that stalls must not pin the
 * store's pages or hold a read slot); the next fill goes on from a fresh snapshot at the
 * next series. */
void sdmx_data_stream_release(sdmx_data_stream_t *s);
/* How many times the stream went on from a fresh snapshot. */
uint64_t sdmx_data_stream_resumes(const sdmx_data_stream_t *s);
const char *sdmx_data_format_media_type(sdmx_data_format f);

/* The Actual content constraint of q computed from the stored data, as an SDMX-ML 2.1
 * Structure message (codes per dimension, time range, observation count as annotation). */
core_rc sdmx_availability_write_xml(store_view_t *v, core_arena_t *a,
                                    const sdmx_availability_query_t *q, const sdmx_header_t *h,
                                    core_buf_t *out, core_err_t *err);


/* ---- uploads ---------------------------------------------------------------------------- */

typedef struct sdmx_upload {
    sdmx_load_stats_t stats;
    dsd_ref_t agreement;   /* the provision agreement that allowed it */
    const char *submitter; /* the token's principal */
    const char *data_url;  /* where the data can be read */
    int dry_run;
    const dsd_report_t *report; /* its warnings are listed (an empty data set, say), or NULL */
} sdmx_upload_t;

/* An accepted upload: a JSON summary, or an SDMX-ML SubmitRegistrationsResponse. */
void sdmx_upload_write_json(core_buf_t *out, core_arena_t *a, const sdmx_upload_t *u);
void sdmx_upload_write_xml(core_buf_t *out, core_arena_t *a, const sdmx_header_t *h,
                           const sdmx_upload_t *u);
/* A refused upload: every problem of the report (SDMX error 150), then counts per rule when
 * the report was cut short. */
void sdmx_report_write_xml(core_buf_t *out, core_arena_t *a, const char *title,
                           const dsd_report_t *report);
void sdmx_report_write_json(core_buf_t *out, core_arena_t *a, const char *title,
                            const dsd_report_t *report);

/* The XML schema of structure-specific data for the DSD that q's context is or uses
 * (sdmx/query/schema.c); CORE_ENOTFOUND when there is none, CORE_ESYNTAX when
 * dimensionAtObservation names no dimension of it. */
core_rc sdmx_schema_write(store_view_t *v, core_arena_t *a, const sdmx_schema_query_t *q,
                          core_buf_t *out, core_err_t *err);

/* The dataflow a data query names (latest version when none is given). */
core_rc sdmx_data_flow(store_view_t *v, core_arena_t *a, const sdmx_data_query_t *q, dsd_ref_t *out,
                       core_err_t *err);

#endif
