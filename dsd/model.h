/* dsd/model: the SDMX information model as plain structs, version-neutral: SDMX-ML 2.1 and
 * 3.0 artefacts both map onto it (fields only one version has sit beside the others, empty
 * when the artefact came in the other version). Pure: no I/O. Every value lives in an arena
 * (or borrows from the bytes it was decoded from); nothing here is freed on its own.
 *
 * Conventions: a core_str_t with ptr NULL is absent (an empty string is present); a list is
 * a pointer and a count; a reference whose ref.kind is DSD_KIND_NONE is absent. Nesting
 * (categories in categories, metadata attributes in metadata attributes) is kept as a flat
 * list in document order with each element naming its parent. */
#ifndef SDMXD_DSD_MODEL_H
#define SDMXD_DSD_MODEL_H

#include "core/core.h"
#include "dsd/dsd.h"

/* ---- common parts ----------------------------------------------------------------------- */

/* A text in one language (Name, Description, AnnotationText). */
typedef struct dsd_m_text {
    core_str_t lang; /* xml:lang, absent when the text did not say */
    core_str_t text;
} dsd_m_text_t;

typedef struct dsd_m_annotation {
    core_str_t id;
    core_str_t title;
    core_str_t type;
    core_str_t url;   /* AnnotationURL (2.1), Link (3.0) */
    core_str_t value; /* 3.0 AnnotationValue */
    dsd_m_text_t *texts;
    size_t ntexts;
} dsd_m_annotation_t;

/* Identifiable, nameable and annotable at once: every part is optional. */
typedef struct dsd_m_common {
    core_str_t id;
    core_str_t urn;
    core_str_t uri;
    dsd_m_text_t *names;
    size_t nnames;
    dsd_m_text_t *descs;
    size_t ndescs;
    dsd_m_annotation_t *annots;
    size_t nannots;
} dsd_m_common_t;

/* A reference to a maintainable, or to an object inside one (item: a code, a concept, a
 * category, a provider; or a dotted path for nested ones). cls is the class the reference
 * named when it named one ("Dataflow", "Concept"). */
typedef struct dsd_m_ref {
    dsd_ref_t ref;
    core_str_t item;
    core_str_t cls;
} dsd_m_ref_t;

/* A TextFormat (or EnumerationFormat): the facets as written, so that nothing is lost to
 * number parsing; compilation parses them. */
typedef struct dsd_m_format {
    core_str_t text_type;
    core_str_t is_sequence, interval, start_value, end_value;
    core_str_t time_interval, start_time, end_time;
    core_str_t min_length, max_length, min_value, max_value, decimals, pattern;
    core_str_t is_multilingual; /* 3.0 */
} dsd_m_format_t;

/* A representation: an enumeration (codelist, 3.0 value list, or for MSDs 2.1 a codelist)
 * and/or a text format; 3.0 minOccurs/maxOccurs of arrays. */
typedef struct dsd_m_repr {
    dsd_m_ref_t enumeration;
    int has_format;      /* format holds a TextFormat */
    int has_enum_format; /* enum_format holds an EnumerationFormat */
    dsd_m_format_t format;
    dsd_m_format_t enum_format;
    core_str_t min_occurs, max_occurs; /* 3.0 */
} dsd_m_repr_t;

/* ---- item schemes ------------------------------------------------------------------------- */

/* A code, concept, category, agency, data provider, data consumer or organisation unit. */
typedef struct dsd_m_item {
    dsd_m_common_t c;
    core_str_t parent;     /* the parent item's id (Parent/Ref, or the enclosing category) */
    dsd_m_repr_t core;     /* concepts: CoreRepresentation */
    dsd_m_ref_t iso_concept; /* concepts: ISOConceptReference, as a reference of sorts */
    core_str_t contact;    /* organisations: the first Contact's name, kept minimal */
} dsd_m_item_t;

typedef struct dsd_m_scheme {
    dsd_m_item_t *items;
    size_t nitems;
    int is_partial;
    core_str_t codelist_extension; /* 3.0 CodelistExtension, kept as the codelist URN */
} dsd_m_scheme_t;

/* ---- data structures ---------------------------------------------------------------------- */

typedef enum dsd_m_comp_kind {
    DSD_M_DIMENSION = 0,
    DSD_M_MEASURE_DIMENSION, /* 2.1 */
    DSD_M_TIME_DIMENSION,
    DSD_M_PRIMARY_MEASURE, /* 2.1 */
    DSD_M_MEASURE,         /* 3.0 */
    DSD_M_ATTRIBUTE,
    DSD_M_METADATA_ATTRIBUTE_USAGE /* 3.0 */
} dsd_m_comp_kind;

typedef enum dsd_m_attach {
    DSD_M_ATTACH_NONE = 0,     /* the data set (2.1 None, 3.0 Dataflow) */
    DSD_M_ATTACH_DIMENSIONS,   /* a set of dimensions (series or partial key) */
    DSD_M_ATTACH_GROUP,        /* a group's key */
    DSD_M_ATTACH_MEASURE,      /* 2.1 PrimaryMeasure */
    DSD_M_ATTACH_OBSERVATION   /* 3.0 Observation */
} dsd_m_attach;

/* Where an attribute (or a 3.0 metadata attribute usage) attaches. */
typedef struct dsd_m_relation {
    int type;            /* dsd_m_attach */
    core_str_t *dims;    /* DIMENSIONS: the dimension ids */
    size_t ndims;
    core_str_t group;    /* GROUP: the group id */
    core_str_t *attachment_groups; /* DIMENSIONS: 2.1 AttachmentGroup ids */
    size_t nattachment_groups;
} dsd_m_relation_t;

typedef struct dsd_m_component {
    dsd_m_common_t c;
    int kind;     /* dsd_m_comp_kind */
    int position; /* dimensions: 2.1 position attribute, or 0 when absent */
    dsd_m_ref_t concept;
    dsd_m_ref_t *roles; /* ConceptRole */
    size_t nroles;
    dsd_m_repr_t repr; /* the LocalRepresentation (has_local: whether there is one) */
    int has_local;
    core_str_t assignment; /* attributes: assignmentStatus (2.1) / usage (3.0) */
    dsd_m_relation_t rel;
    core_str_t *measures; /* 3.0 MeasureRelationship: the measure ids */
    size_t nmeasures;
} dsd_m_component_t;

typedef struct dsd_m_group {
    dsd_m_common_t c;
    core_str_t *dims; /* GroupDimension ids, in order */
    size_t ndims;
    dsd_m_ref_t attachment_constraint;
} dsd_m_group_t;

typedef struct dsd_m_dsd {
    dsd_m_component_t *dims; /* dimensions, measure dimensions and the time dimension, in order */
    size_t ndims;
    dsd_m_component_t *measures; /* 2.1: the primary measure; 3.0: the measures */
    size_t nmeasures;
    dsd_m_component_t *attrs; /* attributes and 3.0 metadata attribute usages */
    size_t nattrs;
    dsd_m_group_t *groups;
    size_t ngroups;
    dsd_m_ref_t metadata; /* 3.0 Metadata: the MSD the usages come from */
    dsd_m_common_t dim_list, attr_list, measure_list; /* the lists' ids and annotations */
} dsd_m_dsd_t;

/* ---- metadata structures -------------------------------------------------------------------- */

/* One component of a 2.1 metadata target (IdentifiableObjectTarget, KeyDescriptorValuesTarget,
 * DataSetTarget, ConstraintContentTarget, ReportPeriodTarget). */
typedef struct dsd_m_target_comp {
    dsd_m_common_t c;
    core_str_t type;        /* the element name */
    core_str_t object_type; /* IdentifiableObjectTarget objectType */
    dsd_m_repr_t repr;
} dsd_m_target_comp_t;

typedef struct dsd_m_target {
    dsd_m_common_t c;
    dsd_m_target_comp_t *comps;
    size_t ncomps;
} dsd_m_target_t;

typedef struct dsd_m_mattr {
    dsd_m_common_t c;
    int parent; /* index of the enclosing metadata attribute in the same list, -1 at the top */
    dsd_m_ref_t concept;
    dsd_m_repr_t repr;
    int has_local;
    core_str_t min_occurs, max_occurs, is_presentational;
} dsd_m_mattr_t;

typedef struct dsd_m_report {
    dsd_m_common_t c;
    core_str_t *targets; /* the MetadataTarget ids it applies to */
    size_t ntargets;
    dsd_m_mattr_t *attrs;
    size_t nattrs;
} dsd_m_report_t;

typedef struct dsd_m_msd {
    dsd_m_target_t *targets;
    size_t ntargets;
    dsd_m_report_t *reports; /* 2.1 ReportStructure; 3.0 has one MetadataAttributeList */
    size_t nreports;
} dsd_m_msd_t;

/* ---- usages and relations -------------------------------------------------------------------- */

/* Dataflow, metadataflow: the structure they use; 3.0 metadataflow targets. */
typedef struct dsd_m_flow {
    dsd_m_ref_t structure;
    dsd_m_ref_t *targets;
    size_t ntargets;
} dsd_m_flow_t;

typedef struct dsd_m_agreement {
    dsd_m_ref_t usage;    /* StructureUsage: a dataflow or metadataflow */
    dsd_m_ref_t provider; /* DataProvider */
} dsd_m_agreement_t;

typedef struct dsd_m_categorisation {
    dsd_m_ref_t source;
    dsd_m_ref_t target; /* a category */
} dsd_m_categorisation_t;

/* ---- constraints --------------------------------------------------------------------------- */

typedef struct dsd_m_value {
    core_str_t text;
    core_str_t cascade; /* cascadeValues */
    core_str_t lang;    /* 3.0 multilingual values */
} dsd_m_value_t;

/* A time range of a cube region member: BeforePeriod, AfterPeriod or StartPeriod/EndPeriod. */
typedef struct dsd_m_time_range {
    core_str_t type; /* the element name: "BeforePeriod", "AfterPeriod", "StartPeriod"... */
    core_str_t start, start_inclusive, end, end_inclusive;
} dsd_m_time_range_t;

/* A KeyValue or Attribute of a cube region: the values it takes, or a time range. */
typedef struct dsd_m_member {
    core_str_t id;
    int is_attribute; /* Attribute rather than KeyValue */
    core_str_t include;       /* the member's own include attribute, as written */
    core_str_t remove_prefix; /* 3.0 removePrefix */
    dsd_m_value_t *values;
    size_t nvalues;
    dsd_m_time_range_t *time; /* 0 or 1 */
    size_t ntime;
} dsd_m_member_t;

typedef struct dsd_m_region {
    int include; /* include="true" (the default) */
    dsd_m_member_t *members;
    size_t nmembers;
} dsd_m_region_t;

typedef struct dsd_m_key {
    core_str_t include; /* 3.0 Key include */
    dsd_m_member_t *members; /* each with one value */
    size_t nmembers;
    core_str_t valid_from, valid_to;
} dsd_m_key_t;

typedef struct dsd_m_keyset {
    int included;    /* isIncluded */
    int is_metadata; /* a MetadataKeySet rather than a DataKeySet */
    dsd_m_key_t *keys;
    size_t nkeys;
} dsd_m_keyset_t;

typedef struct dsd_m_constraint {
    core_str_t type; /* 2.1 type ("Allowed", "Actual"); 3.0: the element's kind, role */
    dsd_m_ref_t *attachments; /* ConstraintAttachment / ConstrainedArtefact */
    size_t nattachments;
    dsd_m_region_t *regions;
    size_t nregions;
    dsd_m_keyset_t *keysets;
    size_t nkeysets;
    core_str_t release_calendar; /* periodicity, offset, tolerance joined by spaces, when given */
} dsd_m_constraint_t;

/* ---- structure sets and maps --------------------------------------------------------------- */

typedef struct dsd_m_pair {
    core_str_t source;
    core_str_t target;
} dsd_m_pair_t;

/* A 2.1 StructureMap or 3.0 StructureMap: component maps between two structures. */
typedef struct dsd_m_structure_map {
    dsd_m_common_t c;
    dsd_m_ref_t source, target;
    core_str_t is_extension;
    dsd_m_pair_t *comps; /* ComponentMap: source and target component ids */
    size_t ncomps;
    core_str_t *repr_maps; /* each ComponentMap's RepresentationMapping, as a URN or empty */
    size_t nrepr_maps;
} dsd_m_structure_map_t;

/* A 2.1 CodelistMap, CategorySchemeMap, ConceptSchemeMap, OrganisationSchemeMap, or a 3.0
 * RepresentationMap: item pairs between two schemes. */
typedef struct dsd_m_item_map {
    dsd_m_common_t c;
    core_str_t type; /* the element name */
    dsd_m_ref_t source, target;
    dsd_m_pair_t *pairs;
    size_t npairs;
} dsd_m_item_map_t;

typedef struct dsd_m_structure_set {
    dsd_m_ref_t *related; /* RelatedStructure */
    size_t nrelated;
    dsd_m_structure_map_t *maps;
    size_t nmaps;
    dsd_m_item_map_t *item_maps;
    size_t nitem_maps;
} dsd_m_structure_set_t;

/* ---- hierarchical codelists, kept minimal --------------------------------------------------- */

typedef struct dsd_m_hcode {
    core_str_t id;
    dsd_m_ref_t code;
    int parent; /* index in the hierarchy's list, -1 at the top */
} dsd_m_hcode_t;

typedef struct dsd_m_hierarchy {
    dsd_m_common_t c;
    dsd_m_hcode_t *codes;
    size_t ncodes;
} dsd_m_hierarchy_t;

typedef struct dsd_m_hcl {
    dsd_m_ref_t *codelists; /* IncludedCodelist */
    size_t ncodelists;
    dsd_m_hierarchy_t *hierarchies;
    size_t nhierarchies;
} dsd_m_hcl_t;

/* ---- the maintainable ----------------------------------------------------------------------- */

/* One maintainable artefact. ref gives kind and identity (c.id equals ref.id); the body of
 * its kind is filled, the others stay empty (a stub has none). */
typedef struct dsd_model {
    dsd_ref_t ref;
    dsd_m_common_t c;
    int is_final;       /* 2.1 isFinal; 3.0: a version without extension */
    int is_external;    /* isExternalReference: identification only */
    core_str_t service_url, structure_url;
    core_str_t valid_from, valid_to;
    dsd_m_scheme_t scheme; /* codelists, concept, category and organisation schemes */
    dsd_m_dsd_t dsd;
    dsd_m_msd_t msd;
    dsd_m_flow_t flow;
    dsd_m_agreement_t agreement;
    dsd_m_categorisation_t categorisation;
    dsd_m_constraint_t constraint;
    dsd_m_structure_set_t sset;
    dsd_m_hcl_t hcl;
} dsd_model_t;

/* Whether r is absent (kind DSD_KIND_NONE). */
int dsd_m_ref_absent(const dsd_m_ref_t *r);
/* Finds the item id in m's scheme; NULL when absent. The result borrows from m. */
const dsd_m_item_t *dsd_model_item(const dsd_model_t *m, core_str_t id);
/* Picks the text of list[n] best for pref (dsd_langpref_pick; a text without lang counts as
 * "en"); CORE_STR_NULL when n is 0. Scratch lives in a; the result borrows from list. */
core_str_t dsd_m_text_pick(core_arena_t *a, const dsd_m_text_t *list, size_t n,
                           const dsd_langpref_t *pref);

/* ---- compilation (dsd/compile.c) ------------------------------------------------------------ */

/* How compilation fetches the model of an artefact another one references (the concept
 * scheme of a component without a representation of its own); CORE_ENOTFOUND when it is not
 * there. The model must live as long as the compilation. */
typedef struct dsd_compile_lookup {
    void *ctx;
    core_rc (*model)(void *ctx, const dsd_ref_t *ref, const dsd_model_t **out);
} dsd_compile_lookup_t;

/* Compiles the data structure m into out: key dimensions in order, the time dimension, the
 * primary measure, attributes with their attachment, groups. Codelists a component does not
 * name come from its concept's core representation, through look (may be NULL). Everything
 * is copied into a. CORE_ESEMANTIC when m has no dimension or no primary measure, or a pattern
 * that ICU cannot compile. */
core_rc dsd_structure_compile(core_arena_t *a, const dsd_model_t *m,
                              const dsd_compile_lookup_t *look, dsd_structure_t *out,
                              core_err_t *err);
/* Whether every pattern of the data structure m's local text formats is a regular expression
 * ICU can compile (what dsd_structure_compile will do): CORE_ESEMANTIC naming the component,
 * the pattern and ICU's reason otherwise. Other kinds pass. */
core_rc dsd_structure_check_patterns(const dsd_model_t *m, core_err_t *err);
/* Compiles the content constraint m (whatever its type: the caller picks Allowed ones) into
 * out: its cube regions and the keys of its included data key sets, values sorted. Copied
 * into a. CORE_EBUG when m is not a content constraint. */
core_rc dsd_constraint_compile(core_arena_t *a, const dsd_model_t *m, dsd_constraint_t *out,
                               core_err_t *err);

/* ---- the stored encoding ---------------------------------------------------------------------- */

/* The version of the encoding, its first byte. Decoding refuses any other. */
#define DSD_MODEL_FORMAT 1

/* Appends m's encoding to out. */
void dsd_model_encode(const dsd_model_t *m, core_buf_t *out);
/* Decodes data[len] into a model in a; its strings borrow from data (which must outlive
 * it). CORE_ESYNTAX on anything malformed: a wrong format byte, a truncated or overlong
 * encoding, counts past the end, an unknown kind. */
core_rc dsd_model_decode(core_arena_t *a, const void *data, size_t len, dsd_model_t **out,
                         core_err_t *err);

/* ---- comparison (dsd/model_diff.c) ------------------------------------------------------- */

/* How dsd_model_diff compares. subset: now is a partial item scheme (isPartial), so each of
 * its items must equal the stored one and the items it leaves out are no change. */
typedef struct dsd_diff_opts {
    int subset;
    size_t max;       /* differences to report; the search stops at max + 1 */
    dsd_severity sev; /* of the report's items */
    const char *rule;
} dsd_diff_opts_t;

/* Compares was and now by content: ids, names and descriptions in every language (in any
 * order), annotations, representations, references, the item hierarchy, every field of the
 * model; urns, derived from the identity, are not compared. Items and components are
 * matched by id. Adds a message for each of the first o->max differences to report (may be
 * NULL: only counted), such as "Codelist SDG:CL_AREA(1.0) item 'GH': name (fr) 'X' → 'Y'".
 * Returns the number found, at most o->max + 1 (0: the same content). */
size_t dsd_model_diff(const dsd_model_t *was, const dsd_model_t *now, const dsd_diff_opts_t *o,
                      dsd_report_t *report);

/* ---- item names, for labels ------------------------------------------------------------ */

/* An item's id and its name in one language. */
typedef struct dsd_name {
    const char *id;
    const char *name;
} dsd_name_t;

/* The names of an item scheme's items, sorted by id. */
typedef struct dsd_names {
    dsd_name_t *v;
    size_t n;
} dsd_names_t;

/* Sorts names[n] by id. */
void dsd_names_sort(dsd_name_t *names, size_t n);
/* The name of id in names[n] (sorted by id), or NULL. */
const char *dsd_name_of(const dsd_name_t *names, size_t n, core_str_t id);

#endif
