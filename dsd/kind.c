#include <config.h>
#include "dsd.h"

#include <string.h>

static const dsd_kind_info_t kinds[DSD_KIND__COUNT] = {
    {DSD_KIND_AGENCYSCHEME, "agencyscheme", "AgencyScheme", "OrganisationSchemes", "base",
     "agencySchemes", "Agency"},
    {DSD_KIND_DATACONSUMERSCHEME, "dataconsumerscheme", "DataConsumerScheme",
     "OrganisationSchemes", "base", "dataConsumerSchemes", "DataConsumer"},
    {DSD_KIND_DATAPROVIDERSCHEME, "dataproviderscheme", "DataProviderScheme",
     "OrganisationSchemes", "base", "dataProviderSchemes", "DataProvider"},
    {DSD_KIND_ORGUNITSCHEME, "organisationunitscheme", "OrganisationUnitScheme",
     "OrganisationSchemes", "base", "organisationUnitSchemes", "OrganisationUnit"},
    {DSD_KIND_DATAFLOW, "dataflow", "Dataflow", "Dataflows", "datastructure", "dataflows", NULL},
    {DSD_KIND_METADATAFLOW, "metadataflow", "Metadataflow", "Metadataflows", "metadatastructure",
     "metadataflows", NULL},
    {DSD_KIND_CATEGORYSCHEME, "categoryscheme", "CategoryScheme", "CategorySchemes",
     "categoryscheme", "categorySchemes", "Category"},
    {DSD_KIND_CATEGORISATION, "categorisation", "Categorisation", "Categorisations",
     "categoryscheme", "categorisations", NULL},
    {DSD_KIND_CODELIST, "codelist", "Codelist", "Codelists", "codelist", "codelists", "Code"},
    {DSD_KIND_HIERARCHICALCODELIST, "hierarchicalcodelist", "HierarchicalCodelist",
     "HierarchicalCodelists", "codelist", "hierarchicalCodelists", NULL},
    {DSD_KIND_CONCEPTSCHEME, "conceptscheme", "ConceptScheme", "Concepts", "conceptscheme",
     "conceptSchemes", "Concept"},
    {DSD_KIND_METADATASTRUCTURE, "metadatastructure", "MetadataStructure", "MetadataStructures",
     "metadatastructure", "metadataStructures", NULL},
    {DSD_KIND_DATASTRUCTURE, "datastructure", "DataStructure", "DataStructures", "datastructure",
     "dataStructures", NULL},
    {DSD_KIND_STRUCTURESET, "structureset", "StructureSet", "StructureSets", "mapping",
     "structureSets", NULL},
    {DSD_KIND_REPORTINGTAXONOMY, "reportingtaxonomy", "ReportingTaxonomy", "ReportingTaxonomies",
     "categoryscheme", "reportingTaxonomies", "ReportingCategory"},
    {DSD_KIND_PROCESS, "process", "Process", "Processes", "process", "processes", NULL},
    {DSD_KIND_ATTACHMENTCONSTRAINT, "attachmentconstraint", "AttachmentConstraint", "Constraints",
     "registry", "attachmentConstraints", NULL},
    {DSD_KIND_CONTENTCONSTRAINT, "contentconstraint", "ContentConstraint", "Constraints",
     "registry", "contentConstraints", NULL},
    {DSD_KIND_PROVISIONAGREEMENT, "provisionagreement", "ProvisionAgreement",
     "ProvisionAgreements", "registry", "provisionAgreements", NULL},
};

/* Classes of things that live inside a maintainable, by the maintainable that holds them. */
static const struct {
    const char *cls;
    dsd_kind kind;
} item_classes[] = {
    {"Agency", DSD_KIND_AGENCYSCHEME},
    {"DataConsumer", DSD_KIND_DATACONSUMERSCHEME},
    {"DataProvider", DSD_KIND_DATAPROVIDERSCHEME},
    {"OrganisationUnit", DSD_KIND_ORGUNITSCHEME},
    {"Category", DSD_KIND_CATEGORYSCHEME},
    {"Code", DSD_KIND_CODELIST},
    {"Concept", DSD_KIND_CONCEPTSCHEME},
    {"ReportingCategory", DSD_KIND_REPORTINGTAXONOMY},
    {"Hierarchy", DSD_KIND_HIERARCHICALCODELIST},
    {"HierarchicalCode", DSD_KIND_HIERARCHICALCODELIST},
    {"Level", DSD_KIND_HIERARCHICALCODELIST},
    {"Dimension", DSD_KIND_DATASTRUCTURE},
    {"TimeDimension", DSD_KIND_DATASTRUCTURE},
    {"MeasureDimension", DSD_KIND_DATASTRUCTURE},
    {"Attribute", DSD_KIND_DATASTRUCTURE},
    {"PrimaryMeasure", DSD_KIND_DATASTRUCTURE},
    {"GroupDimensionDescriptor", DSD_KIND_DATASTRUCTURE},
    {"DimensionDescriptor", DSD_KIND_DATASTRUCTURE},
    {"AttributeDescriptor", DSD_KIND_DATASTRUCTURE},
    {"MeasureDescriptor", DSD_KIND_DATASTRUCTURE},
    {"MetadataTarget", DSD_KIND_METADATASTRUCTURE},
    {"ReportStructure", DSD_KIND_METADATASTRUCTURE},
    {"MetadataAttribute", DSD_KIND_METADATASTRUCTURE},
    {"IdentifiableObjectTarget", DSD_KIND_METADATASTRUCTURE},
    {"DimensionDescriptorValuesTarget", DSD_KIND_METADATASTRUCTURE},
    {"DataSetTarget", DSD_KIND_METADATASTRUCTURE},
    {"ConstraintContentTarget", DSD_KIND_METADATASTRUCTURE},
    {"ReportPeriodTarget", DSD_KIND_METADATASTRUCTURE},
    {"ProcessStep", DSD_KIND_PROCESS},
    {"Transition", DSD_KIND_PROCESS},
    {"CodelistMap", DSD_KIND_STRUCTURESET},
    {"CategorySchemeMap", DSD_KIND_STRUCTURESET},
    {"ConceptSchemeMap", DSD_KIND_STRUCTURESET},
    {"OrganisationSchemeMap", DSD_KIND_STRUCTURESET},
    {"StructureMap", DSD_KIND_STRUCTURESET},
    {"HybridCodelistMap", DSD_KIND_STRUCTURESET},
    {"ReportingTaxonomyMap", DSD_KIND_STRUCTURESET},
};

const dsd_kind_info_t *
dsd_kind_info(dsd_kind kind)
{
    if ((unsigned)kind >= DSD_KIND__COUNT)
        return NULL;
    return &kinds[kind];
}

dsd_kind
dsd_kind_by_resource(core_str_t resource)
{
    for (size_t i = 0; i < DSD_KIND__COUNT; i++)
        if (core_str_eq_c(resource, kinds[i].resource))
            return kinds[i].kind;
    return DSD_KIND_NONE;
}

dsd_kind
dsd_kind_by_element(core_str_t element)
{
    for (size_t i = 0; i < DSD_KIND__COUNT; i++)
        if (core_str_eq_c(element, kinds[i].element))
            return kinds[i].kind;
    return DSD_KIND_NONE;
}

dsd_kind
dsd_kind_by_class(core_str_t cls, int *is_item)
{
    *is_item = 0;
    dsd_kind k = dsd_kind_by_element(cls);
    if (k != DSD_KIND_NONE)
        return k;
    *is_item = 1;
    for (size_t i = 0; i < sizeof item_classes / sizeof item_classes[0]; i++)
        if (core_str_eq_c(cls, item_classes[i].cls))
            return item_classes[i].kind;
    *is_item = 0;
    return DSD_KIND_NONE;
}

int
dsd_ref_eq(const dsd_ref_t *a, const dsd_ref_t *b)
{
    return a->kind == b->kind && core_str_eq(a->agency, b->agency) && core_str_eq(a->id, b->id) &&
           core_str_eq(a->version, b->version);
}

dsd_ref_t
dsd_ref_dup(core_arena_t *a, const dsd_ref_t *r)
{
    return (dsd_ref_t){r->kind, core_arena_str(a, r->agency), core_arena_str(a, r->id),
                       core_arena_str(a, r->version)};
}

char *
dsd_ref_urn(core_arena_t *a, const dsd_ref_t *r)
{
    const dsd_kind_info_t *ki = dsd_kind_info(r->kind);
    return core_arena_printf(a, "urn:sdmx:org.sdmx.infomodel.%s.%s=%.*s:%.*s(%.*s)",
                             ki ? ki->package : "?", ki ? ki->element : "?",
                             CORE_STR_FMT(r->agency), CORE_STR_FMT(r->id),
                             CORE_STR_FMT(r->version));
}

char *
dsd_ref_label(core_arena_t *a, const dsd_ref_t *r)
{
    const dsd_kind_info_t *ki = dsd_kind_info(r->kind);
    const char *kind = ki ? ki->element : "artefact";
    /* a reference that lost its parts says so, rather than print "Codelist :()" */
    if (r->id.len == 0 && r->agency.len == 0)
        return core_arena_printf(a, "%s without agency or id", kind);
    return core_arena_printf(a, "%s %.*s:%.*s(%.*s)", kind,
                             r->agency.len ? (int)r->agency.len : 9,
                             r->agency.len ? r->agency.ptr : "no agency",
                             r->id.len ? (int)r->id.len : 5, r->id.len ? r->id.ptr : "no id",
                             r->version.len ? (int)r->version.len : 10,
                             r->version.len ? r->version.ptr : "no version");
}

core_rc
dsd_ref_parse_urn(core_str_t s, dsd_ref_t *out, core_err_t *err)
{
    static const char prefix[] = "urn:sdmx:org.sdmx.infomodel.";
    s = core_str_trim(s);
    if (!core_str_starts(s, prefix))
        goto bad;
    core_str_t rest = {s.ptr + sizeof prefix - 1, s.len - (sizeof prefix - 1)};
    core_str_t pkg_cls, tail = core_str_split(rest, '=', &pkg_cls);
    if (tail.ptr == NULL)
        goto bad;
    /* package.Class: the class is after the last dot */
    const char *dot = NULL;
    for (size_t i = 0; i < pkg_cls.len; i++)
        if (pkg_cls.ptr[i] == '.')
            dot = pkg_cls.ptr + i;
    if (dot == NULL)
        goto bad;
    core_str_t cls = {dot + 1, (size_t)(pkg_cls.ptr + pkg_cls.len - dot - 1)};
    int is_item;
    out->kind = dsd_kind_by_class(cls, &is_item);
    if (out->kind == DSD_KIND_NONE)
        return core_fail(err, CORE_ESYNTAX, "URN '%.*s' names an unknown class", CORE_STR_FMT(s));
    core_str_t agency, idver = core_str_split(tail, ':', &agency);
    if (idver.ptr == NULL)
        goto bad;
    core_str_t id, ver = core_str_split(idver, '(', &id);
    if (ver.ptr == NULL)
        goto bad;
    core_str_t version, after = core_str_split(ver, ')', &version);
    if (after.ptr == NULL || id.len == 0 || agency.len == 0)
        goto bad;
    out->agency = agency;
    out->id = id;
    out->version = version;
    return CORE_OK;
bad:
    return core_fail(err, CORE_ESYNTAX, "'%.*s' is not an SDMX URN", CORE_STR_FMT(s));
}

int
dsd_ref_parse_short(core_str_t s, dsd_kind kind, dsd_ref_t *out)
{
    core_str_t agency, rest = core_str_split(s, ':', &agency);
    if (rest.ptr == NULL || agency.len == 0)
        return 0;
    core_str_t id, ver = core_str_split(rest, '(', &id);
    out->kind = kind;
    out->agency = agency;
    out->id = id;
    out->version = CORE_STR("1.0");
    if (ver.ptr != NULL) {
        if (ver.len < 2 || ver.ptr[ver.len - 1] != ')')
            return 0;
        out->version = (core_str_t){ver.ptr, ver.len - 1};
    }
    return id.len > 0 && memchr(id.ptr, ')', id.len) == NULL;
}
