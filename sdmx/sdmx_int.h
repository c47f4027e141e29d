/* sdmx internals shared by its files. */
#ifndef SDMXD_SDMX_INT_H
#define SDMXD_SDMX_INT_H

#include "sdmx.h"
#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#define SDMX_NS_MES "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
#define SDMX_NS_STR "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
#define SDMX_NS_COM "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"
#define SDMX_NS_REG "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/registry"
#define SDMX_NS_XSI "http://www.w3.org/2001/XMLSchema-instance"

/* Builds a cached value from the structures of v, in a (which the cache owns). */
typedef core_rc (*sdmx__build_fn)(reg_view_t *v, core_arena_t *a, const void *arg, void **value,
                                  size_t *n, core_err_t *err);
/* The value cached under key for the structures of v, built on a miss; it stays valid until
 * the request arena a is freed. With c NULL, builds into a every time. */
core_rc sdmx__cache_get(sdmx_cache_t *c, reg_view_t *v, core_arena_t *a, const char *key,
                        sdmx__build_fn build, const void *arg, void **value, size_t *n,
                        core_err_t *err);
/* The compiled DSD ref, through the cache. */
core_rc sdmx__structure_cached(sdmx_cache_t *c, reg_view_t *v, core_arena_t *a,
                               const dsd_ref_t *ref, const dsd_structure_t **out,
                               core_err_t *err);

/* Whether the prolog (before the root element) declares a DOCTYPE. Checked before libxml2
 * sees the bytes, so that no internal subset (entity bombs, external entities) is parsed. */
int sdmx__prolog_has_doctype(const char *p, size_t len);

/* A data message reader (SDMX-ML, SDMX-JSON or SDMX-CSV): calls ev for what body holds. */
typedef core_rc (*sdmx__reader_fn)(core_arena_t *a, core_str_t body, const char *name,
                                   const dsd_events_t *ev, core_err_t *err);
/* Runs read on a second thread and passes its events to sink on this one, in order, so that
 * reading and what sink does overlap; the same result as read(a, body, name, sink, err). */
core_rc sdmx__relay_read(core_arena_t *a, sdmx__reader_fn read, core_str_t body,
                         const char *name, const dsd_events_t *sink, core_err_t *err);

/* The first error libxml2's reader reports, as "name:line:column: text" on one line; install
 * with xmlTextReaderSetStructuredErrorHandler(xr, sdmx__on_xml_error, &errors). */
typedef struct sdmx__xml_errors {
    const char *name;
    char first[512]; /* empty while none */
} sdmx__xml_errors_t;

void sdmx__on_xml_error(void *arg, xmlErrorPtr error);

/* Whether the node under the reader is in namespace ns. */
int sdmx__reader_in_ns(xmlTextReaderPtr xr, const char *ns);

/* Serialises element node as canonical SDMX-ML: SDMX namespaces under the prefixes mes,
 * str, com, reg (declared by the enclosing message), others declared where used;
 * whitespace-only text and comments dropped. */
void sdmx__canon(core_buf_t *out, const xmlNode *node);

/* Parses a stored canonical artefact; the document is freed with a. Returns the artefact
 * element, or NULL with err set (CORE_EBUG: the store holds what the reader wrote). */
xmlNode *sdmx__parse_stored(core_arena_t *a, core_str_t xml, core_err_t *err);

/* Parses the stored XML of it and shapes it as it asks (stub, complete stub, item filter).
 * The document is freed with a. Returns the artefact element, or NULL with err set. */
xmlNode *sdmx__artefact_tree(core_arena_t *a, const sdmx_result_item_t *it, core_err_t *err);

/* Number of items of it's scheme that survive its item filter. */
size_t sdmx__count_items(core_arena_t *a, const sdmx_result_item_t *it);

/* detail=referencepartial: cuts the codelists and concept schemes in refs[nrefs] down to
 * what the matched artefacts (DSDs, dataflows, provision agreements) use and what their
 * allowed content constraints permit. */
core_rc sdmx__reference_partial(reg_view_t *v, core_arena_t *a, sdmx_result_item_t *matched,
                                size_t nmatched, sdmx_result_item_t *refs, size_t nrefs,
                                core_err_t *err);

/* Writes the SDMX-JSON 1.0 structure message for the SDMX-ML 2.1 artefact elements
 * els[n] of kinds[n] (any order: they are grouped by kind); sdmx_structure_write_json() is
 * this over sdmx__artefact_tree(). The elements are borrowed. CORE_ETOOBIG when nesting
 * passes yajl's depth limit. */
core_rc sdmx__json_from_tree(core_buf_t *out, core_arena_t *a, xmlNode *const *els,
                             const dsd_kind *kinds, size_t n, const sdmx_header_t *h,
                             const dsd_langpref_t *pref, core_err_t *err);

/* An item's id and its name in the best language; both borrow from the parsed scheme. */
typedef struct sdmx_name {
    const char *id;
    const char *name;
} sdmx_name_t;

typedef struct sdmx_names {
    sdmx_name_t *v;
    size_t n;
} sdmx_names_t;

/* The names of the items of a stored item scheme (codes, concepts...), sorted by id, in the
 * language pref picks; none (not an error) when the scheme is not stored. */
core_rc sdmx__item_names(reg_view_t *v, core_arena_t *a, const dsd_ref_t *scheme,
                         const dsd_langpref_t *pref, sdmx_name_t **out, size_t *n,
                         core_err_t *err);
/* The name of id in names[n], or NULL. */
const char *sdmx__name_of(const sdmx_name_t *names, size_t n, core_str_t id);

/* Reads a Ref (or URN) child of holder (which may be NULL) as a maintainable reference of
 * kind (a URN says its own); *item gets the item id of an item reference. The result
 * borrows from the tree. Returns 0 when holder has neither. */
int sdmx__ref_child(const xmlNode *holder, dsd_kind kind, dsd_ref_t *out, const char **item);
/* The information model of the artefact element el, whose identity is ref (sdmx/model_xml.c);
 * everything is copied into a. */
dsd_model_t *sdmx__model_from_xml(core_arena_t *a, const dsd_ref_t *ref, const xmlNode *el);

/* The agency whose provision agreements and allowed constraints count for target: the
 * maintainer of a DSD, dataflow or data provider scheme; for a provision agreement, the
 * maintainer of its dataflow when the agreement is that agency's own, else CORE_STR_NULL
 * (nothing attached to it counts). The result borrows from target. */
core_str_t sdmx__rules_owner(reg_view_t *v, core_arena_t *a, const dsd_ref_t *target);

/* First child element of node with local name, or NULL. */
xmlNode *sdmx__child(const xmlNode *node, const char *local);
/* Attribute value (borrowed from the tree) or NULL. */
const char *sdmx__attr(const xmlNode *node, const char *name);
int sdmx__is(const xmlNode *node, const char *local);

/* Writes the message header element (mes:Header) for h. */
void sdmx__header_xml(core_buf_t *out, const sdmx_header_t *h);
/* The same, left open for the elements that follow Sender/Receiver (data headers). */
void sdmx__header_open(core_buf_t *out, const sdmx_header_t *h);

/* ---- data answers: the stream state that each format's functions write from ---------- */

struct sdmx_data_stream;

typedef struct format_ops {
    void (*begin)(struct sdmx_data_stream *s, core_buf_t *out);
    void (*series_begin)(struct sdmx_data_stream *s, core_buf_t *out);
    void (*obs)(struct sdmx_data_stream *s, core_buf_t *out, const reg_obs_t *o);
    void (*series_end)(struct sdmx_data_stream *s, core_buf_t *out);
    void (*end)(struct sdmx_data_stream *s, core_buf_t *out);
} format_ops_t;

struct sdmx_data_stream {
    core_arena_t *a;
    const sdmx_data_query_t *q;
    const format_ops_t *ops;
    sdmx_data_format fmt;
    sdmx_header_t h;
    dsd_ref_t flow;
    dsd_structure_t dsd;
    reg_cube_t *cube;
    reg_series_iter_t *it;
    reg_series_t series;
    core_str_t *codes;   /* current series codes, in DSD order */
    reg_obs_t *batch;    /* observations of the current series that will be written */
    size_t nbatch, capbatch;
    int begun, ended, have_series;
    uint64_t nseries, nobs;
    void *fmt_state; /* a format's own state, in the arena */
    int flat;        /* dimensionAtObservation=AllDimensions: no series, full keys on Obs */
    int xs;          /* dimensionAtObservation is the dimension xs_dim: a cross-section */
    size_t xs_dim;
    struct xs_entry *xs_entries; /* every observation, sorted into sections */
    size_t xs_n, xs_cap, xs_at;
    /* SDMX-CSV: the DATAFLOW cell; attribute values per DSD attribute, of the data set
     * (read once), of the current series (once per series) and of the observation */
    core_str_t csv_flow;
    core_str_t *csv_ds, *csv_series, *csv_obs;
    size_t *csv_id_len; /* of each DSD attribute's id */
#define CSV_HINTS 16
    size_t csv_obs_hint[CSV_HINTS], csv_other_hint[CSV_HINTS]; /* see csv_spread() */
    /* the current series' cells: DATAFLOW and the key (a row's start), and for each
     * attribute column the cell an observation without its own value gets (offsets into
     * csv_fill, ending at csv_fill_end[i]) */
    core_buf_t csv_prefix, csv_fill;
    size_t *csv_fill_end;
    /* SDMX-CSV labels=both: names of codes per dimension and attribute, of concepts per
     * column (dimensions, time, measure, attributes) */
    struct sdmx_names *dim_names, *attr_names;
    const char **col_names;
    core_buf_t flat_tmp;
    /* attributes of groups, sorted by (mask, ids); the distinct masks; a series' own
     * attributes merged with its groups' */
    reg_group_t *groups;
    size_t ngroups, nmasks;
    /* groups of the DSD's kinds, written as Group elements in SDMX-ML (not merged) */
    reg_group_t *typed;
    const char **typed_id;
    size_t ntyped;
    uint64_t *masks;
    core_buf_t merged;
    /* updatedAfter: the series come from the change log, deletions follow in a second
     * data set with action Delete */
    const reg_key_filter_t *filter;
    reg_change_t *changes;
    size_t nchanges, ci, ndeletions;
    uint64_t min_commit;
    /* the snapshot read now (NULL while released) and, after a resume, the arena it and
     * what is read from it live in; where to go on from (see sdmx_data_stream_release) */
    reg_t *reg;
    reg_view_t *v;
    core_arena_t *va;
    int released, owns_borrowed;
    uint32_t *pending_ids;
    size_t pending_ci;
    uint64_t resumes;
};

/* The SDMX-JSON 1.0 data format (data_json.c). */
extern const format_ops_t sdmx__json_data_ops;

/* Whether the series ids passes the query's providerRef (every series when it is all). */
core_rc sdmx__provider_matches(struct sdmx_data_stream *s, const uint32_t *ids, int *yes,
                               core_err_t *err);

#endif
