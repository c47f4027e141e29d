/* sdmx internals shared by its files. */
#ifndef SDMXD_SDMX_INT_H
#define SDMXD_SDMX_INT_H

#include "sdmx.h"
#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#define SDMX_NS_MES "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
#define SDMX_NS_20_MES "http://www.SDMX.org/resources/SDMXML/schemas/v2_0/message"
#define SDMX_NS_30_MES "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message"
#define SDMX_NS_STR "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
#define SDMX_NS_COM "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"
#define SDMX_NS_REG "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/registry"
#define SDMX_NS_XSI "http://www.w3.org/2001/XMLSchema-instance"

/* Builds a cached value from the structures of v, in a (which the cache owns). */
typedef core_rc (*sdmx__build_fn)(store_view_t *v, core_arena_t *a, const void *arg, void **value,
                                  size_t *n, core_err_t *err);
/* The value cached under key for the structures of v, built on a miss; it stays valid until
 * the request arena a is freed. With c NULL, builds into a every time. */
core_rc sdmx__cache_get(sdmx_cache_t *c, store_view_t *v, core_arena_t *a, const char *key,
                        sdmx__build_fn build, const void *arg, void **value, size_t *n,
                        core_err_t *err);
/* The compiled DSD ref, through the cache. */
core_rc sdmx__structure_cached(sdmx_cache_t *c, store_view_t *v, core_arena_t *a,
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

/* The Actual content constraint of the stored data of dataflow flow (as /availableconstraint
 * computes it, for the whole dataflow), identified as agency:id(version) of the dataflow's
 * agency and version; the result lives in a. CORE_ENOTFOUND when the dataflow has no data. */
core_rc sdmx__actual_constraint(store_view_t *v, core_arena_t *a, const dsd_ref_t *flow,
                                const char *id, store_artefact_t *out, core_err_t *err);

/* detail=referencepartial: cuts the codelists and concept schemes in refs[nrefs] down to
 * what the matched artefacts (DSDs, dataflows, provision agreements) use and what their
 * allowed content constraints permit. */
/* A structure query of one maintainable of kind: agency (empty: any), id, and version (empty:
 * the latest). The lists borrow agency, id and version. */
void sdmx__query_one(sdmx_structure_query_t *sq, dsd_kind kind, const core_str_t *agency,
                     const core_str_t *id, const core_str_t *version);

core_rc sdmx__reference_partial(store_view_t *v, core_arena_t *a, sdmx_result_item_t *matched,
                                size_t nmatched, sdmx_result_item_t *refs, size_t nrefs,
                                core_err_t *err);

/* Writes the SDMX-JSON 1.0 structure message for the SDMX-ML 2.1 artefact elements
 * els[n] of kinds[n] (any order: they are grouped by kind); sdmx_structure_write_json() is
 * this over sdmx__artefact_tree(). The elements are borrowed. CORE_ETOOBIG when nesting
 * passes yajl's depth limit. */
core_rc sdmx__json_from_tree(core_buf_t *out, core_arena_t *a, xmlNode *const *els,
                             const dsd_kind *kinds, size_t n, const sdmx_header_t *h,
                             const dsd_langpref_t *pref, const char **content_language,
                             core_err_t *err);


/* Reads a Ref (or URN) child of holder (which may be NULL) as a maintainable reference of
 * kind (a URN says its own); *item gets the item id of an item reference. The result
 * borrows from the tree. Returns 0 when holder has neither. */
int sdmx__ref_child(const xmlNode *holder, dsd_kind kind, dsd_ref_t *out, const char **item);
/* The information model of the artefact element el, whose identity is ref (sdmx/formats/model_xml.c);
 * everything is copied into a. */
dsd_model_t *sdmx__model_from_xml(core_arena_t *a, const dsd_ref_t *ref, const xmlNode *el);

/* The identification patterns of the SDMX-ML 2.1 schema (SDMXCommonReferences.xsd). */
typedef enum sdmx_id_pattern {
    SDMX_PAT_ID,            /* IDType [A-Za-z0-9_@$\-]+ */
    SDMX_PAT_NCNAME,        /* NCNameIDType [A-Za-z][A-Za-z0-9_\-]* */
    SDMX_PAT_NESTED_NCNAME, /* NestedNCNameIDType: NCNameIDType parts joined by dots */
    SDMX_PAT_VERSION,       /* VersionType [0-9]+(\.[0-9]+)* */
} sdmx_id_pattern;
int sdmx__id_matches(sdmx_id_pattern p, const char *s);
/* Why the artefact element el would not validate against the SDMX-ML 2.1 schema once served
 * back (an id off its pattern, a missing Name, a DSD without dimension or measure), with the
 * line in *line; NULL when nothing is known wrong. The reason lives in a. */
const char *sdmx__schema_problem(core_arena_t *a, dsd_kind kind, const xmlNode *el, int *line);


/* First child element of node with local name, or NULL. */
xmlNode *sdmx__child(const xmlNode *node, const char *local);
/* Attribute value (borrowed from the tree) or NULL. */
const char *sdmx__attr(const xmlNode *node, const char *name);
int sdmx__is(const xmlNode *node, const char *local);

/* Whether the attribute c of s sits on the Series of a cross-section on dims[xs], not on its
 * observations: it is attached to dimensions (or to a group) that leave dims[xs] out. The
 * structure-specific writer and the DSD-specific schema (schema_xsd.c) both follow it. */
int sdmx__xs_on_series(const dsd_structure_t *s, const dsd_component_t *c, size_t xs);

/* ---- DSD-specific schemas (schema_xsd.c) -------------------------------------------------- */

/* The codes of one codelist, for the simple type coded components take. */
typedef struct sdmx__schema_codes {
    dsd_ref_t codelist;
    const char **codes;
    size_t ncodes;
} sdmx__schema_codes_t;

/* What a DSD-specific schema is written from: the compiled DSD, the dimension at the
 * observation (flat: AllDimensions; xs: dims[xs_dim]; neither: the time dimension), and the
 * codes of the codelists its components take (a codelist not among them: xs:string). */
typedef struct sdmx__schema {
    const dsd_structure_t *dsd;
    int flat, xs;
    size_t xs_dim;
    int explicit_measure;
    const sdmx__schema_codes_t *codelists;
    size_t ncodelists;
} sdmx__schema_t;

/* The namespace of structure-specific data of dsd with dimension obs_dim at the observation,
 * as data messages declare it and the schema has it as target (in a). */
const char *sdmx__ss_namespace(core_arena_t *a, const dsd_ref_t *dsd, const char *obs_dim,
                               int explicit_measure);
/* Writes the XML schema of structure-specific data for s: it imports the SDMX-ML 2.1
 * SDMXDataStructureSpecific.xsd and SDMXCommon.xsd from beside it. */
void sdmx__schema_xsd(core_buf_t *out, core_arena_t *a, const sdmx__schema_t *s);

/* Writes the message header element (mes:Header) for h. */
void sdmx__header_xml(core_buf_t *out, const sdmx_header_t *h);
/* The same, left open for the elements that follow Sender/Receiver (data headers). */
void sdmx__header_open(core_buf_t *out, const sdmx_header_t *h);

/* ---- data answers: the plan over the registry (query) ----------------------------------- */

/* A data query turned into a plan over the registry: the dataflow, its compiled DSD, the
 * cube and the key filter. Made in two steps, so that what the DSD alone refutes is said
 * before the store is asked for the cube. Lives in a; the cube borrows from the snapshot. */
typedef struct sdmx__plan {
    core_arena_t *a;
    const sdmx_data_query_t *q;
    dsd_ref_t flow;       /* in a: it outlives the snapshot */
    dsd_structure_t dsd;  /* a shallow copy of the cached compilation */
    store_cube_t *cube;     /* of the current snapshot */
    const store_key_filter_t *filter; /* NULL: every series */
} sdmx__plan_t;

/* The dataflow of q (agency and version optional: latest) and its compiled DSD. */
core_rc sdmx__plan_structure(store_view_t *v, core_arena_t *a, const sdmx_data_query_t *q,
                             sdmx__plan_t *p, core_err_t *err);
/* The cube of p's dataflow in v and the key filter of the query; CORE_ENOTFOUND when a
 * key position names only codes the cube never saw, CORE_ETOOBIG past DSD_MAX_DIMS dimensions. */
core_rc sdmx__plan_cube(store_view_t *v, sdmx__plan_t *p, core_err_t *err);
/* Whether the series ids passes the query's providerRef (every series when it is all). */
core_rc sdmx__plan_provider_matches(const sdmx__plan_t *p, const uint32_t *ids, int *yes,
                                    core_err_t *err);

/* ---- data answers: what the planner hands each format's writer (formats) ---------------- */

/* A group written as a Group element (SDMX-ML time series): its type and its key, the codes
 * of the dimensions in mask (the others are not set). */
typedef struct sdmx__data_group {
    const char *type;
    uint64_t mask;
    const core_str_t *codes;
    core_str_t attrs;
} sdmx__data_group_t;

/* What was deleted from a series since updatedAfter: the series, or periods of it. */
typedef struct sdmx__data_deletion {
    const core_str_t *codes;
    const core_str_t *periods;
    size_t nperiods;
    int whole_series;
} sdmx__data_deletion_t;

/* An observation of a cross-section, with its series' key (code ids give the order) and
 * attributes. */
typedef struct sdmx__xs_entry {
    const uint32_t *ids;
    const core_str_t *codes;
    store_obs_t obs;
    core_str_t series_attrs;
} sdmx__xs_entry_t;

/* What a data writer writes from: plain data the planner fills in, no handle on the store.
 * Strings borrow from the snapshot being read or from a. */
typedef struct sdmx__data {
    core_arena_t *a;
    const sdmx_data_query_t *q;
    sdmx_data_format fmt;
    sdmx_header_t h;
    dsd_ref_t flow;
    dsd_structure_t dsd;
    int flat;      /* dimensionAtObservation=AllDimensions: no series, full keys on Obs */
    int xs;        /* dimensionAtObservation is the dimension xs_dim: a cross-section */
    size_t xs_dim;
    core_str_t dataset_attrs;  /* attribute blob, in a */
    const core_str_t *codes;   /* the current series' key, in DSD order */
    core_str_t series_attrs;   /* its own attributes merged with its groups' */
    const sdmx__data_group_t *groups; /* the Group elements to write, in the key */
    size_t ngroups;
    const sdmx__data_deletion_t *deletions; /* set before end */
    size_t ndeletions;
    /* SDMX-CSV labels=both (else NULL): names of codes per dimension and attribute, of
     * concepts per column (dimensions, time, measure, attributes) */
    const dsd_names_t *dim_names, *attr_names;
    const char **col_names;
    /* includeHistory: the data set written is what one commit wrote (action Replace, valid
     * from its time) or deleted (Delete, valid to it) */
    int history, hist_delete;
    int64_t hist_time; /* microseconds since the epoch */
    uint64_t nseries, nobs; /* written so far */
    void *fmt_state;        /* a format's own state, in a */
    core_buf_t flat_tmp;    /* scratch for flat and cross-section attributes */
} sdmx__data_t;

/* Whether the query's detail shows attributes. */
static inline int
sdmx__data_shows_attrs(const sdmx__data_t *d)
{
    return d->q->detail == SDMX_DATA_FULL || d->q->detail == SDMX_DATA_NODATA;
}

/* A data format's writer: called with begin, then for each series series_begin, obs for
 * each observation shown, series_end, and last end (which writes d->deletions); with
 * includeHistory, dataset_next between the data sets. A format
 * that writes cross-sections has section: it writes the section of entries[at...n) that
 * begins at at, and returns where the next begins. */
typedef struct sdmx__data_ops {
    void (*begin)(sdmx__data_t *d, core_buf_t *out);
    void (*series_begin)(sdmx__data_t *d, core_buf_t *out);
    void (*obs)(sdmx__data_t *d, core_buf_t *out, const store_obs_t *o);
    void (*series_end)(sdmx__data_t *d, core_buf_t *out);
    void (*end)(sdmx__data_t *d, core_buf_t *out);
    size_t (*section)(sdmx__data_t *d, core_buf_t *out, const sdmx__xs_entry_t *entries,
                      size_t n, size_t at);
    /* includeHistory: ends the data set written and begins the next (d->hist_*); NULL for a
     * format that cannot say when values held */
    void (*dataset_next)(sdmx__data_t *d, core_buf_t *out);
} sdmx__data_ops_t;

/* The writers: SDMX-ML 2.1 generic and structure-specific (data_xml.c), SDMX-CSV 1.0
 * (data_csv.c), SDMX-JSON 1.0 (data_json.c). */
extern const sdmx__data_ops_t sdmx__generic_data_ops, sdmx__ss_data_ops, sdmx__csv_data_ops,
    sdmx__json_data_ops;
/* The writer of format f. */
const sdmx__data_ops_t *sdmx__data_ops(sdmx_data_format f);
/* Whether format f writes the stored groups of the DSD's kinds as Group elements (else
 * they are merged into their series) with dimensionAtObservation given flat and xs. */
int sdmx__data_writes_groups(sdmx_data_format f, int flat, int xs);

/* What the root element under xr makes of a message no reader of sdmxd takes yet ("an SDMX-ML
 * 3.0 data message"), in a; NULL for an SDMX-ML 2.1 structure or data message. */
const char *sdmx__unread_message(core_arena_t *a, xmlTextReaderPtr xr);

#endif
