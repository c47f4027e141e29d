#include <config.h>
#include "sdmx/sdmx_int.h"

#include <libxml/xmlreader.h>
#include <string.h>


struct reader {
    core_arena_t *a;
    const char *name;
    dsd_report_t *report;
    core_err_t *err;
    sdmx__xml_errors_t xe;
    core_vec_t arts;
};

/* The class a Ref means when it does not say, from the element that holds it. */
static const char *
default_class(const xmlNode *holder, dsd_kind owner)
{
    static const struct {
        const char *holder, *cls;
    } defaults[] = {
        {"ConceptIdentity", "Concept"},   {"ConceptRole", "Concept"},
        {"Enumeration", "Codelist"},      {"StructureUsage", "Dataflow"},
        {"DataProvider", "DataProvider"}, {"Target", "Category"},
        {"IncludedCodelist", "Codelist"}, {"Codelist", "Codelist"},
        {"DataStructure", "DataStructure"}, {"Dataflow", "Dataflow"},
        {"MetadataStructure", "MetadataStructure"}, {"Metadataflow", "Metadataflow"},
        {"ProvisionAgreement", "ProvisionAgreement"}, {"Parent", "Category"},
    };
    if (holder == NULL)
        return NULL;
    if (strcmp((const char *)holder->name, "Structure") == 0)
        return owner == DSD_KIND_METADATAFLOW ? "MetadataStructure" : "DataStructure";
    /* the schema fixes a measure dimension's enumeration to a concept scheme */
    const xmlNode *comp = holder->parent ? holder->parent->parent : NULL;
    if (strcmp((const char *)holder->name, "Enumeration") == 0 && comp != NULL &&
        strcmp((const char *)comp->name, "MeasureDimension") == 0)
        return "ConceptScheme";
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if (strcmp((const char *)holder->name, defaults[i].holder) == 0)
            return defaults[i].cls;
    return NULL;
}

static void
add_ref(struct reader *r, dsd_artefact_t *art, core_vec_t *refs, const dsd_ref_t *ref)
{
    if (dsd_ref_eq(ref, &art->ref))
        return;
    for (size_t i = 0; i < refs->len; i++)
        if (dsd_ref_eq(refs->items[i], ref))
            return;
    dsd_ref_t *copy = core_arena_alloc(r->a, sizeof *copy);
    *copy = *ref;
    core_vec_push(r->a, refs, copy);
}

static core_str_t
attr_or(struct reader *r, const xmlNode *n, const char *name, const char *dflt)
{
    const char *v = sdmx__attr(n, name);
    if (v == NULL)
        v = dflt;
    return v ? core_arena_str(r->a, core_str_c(v)) : CORE_STR_NULL;
}

/* A <Ref agencyID=...> to a maintainable, or to an item inside one. Refs without agencyID
 * are local (a dimension of this DSD, a parent code) and are not references. */
static void
ref_element(struct reader *r, dsd_artefact_t *art, core_vec_t *refs, const xmlNode *n)
{
    if (sdmx__attr(n, "agencyID") == NULL)
        return;
    const char *cls = sdmx__attr(n, "class");
    if (cls == NULL)
        cls = default_class(n->parent, art->ref.kind);
    if (cls == NULL) {
        dsd_report_add(r->report, DSD_SEV_ERROR, "reference-class", NULL,
                       "%s:%d: a reference inside %s does not say what it refers to (class)",
                       r->name, n->line, dsd_ref_label(r->a, &art->ref));
        return;
    }
    int is_item;
    dsd_ref_t ref;
    ref.kind = dsd_kind_by_class(core_str_c(cls), &is_item);
    if (ref.kind == DSD_KIND_NONE)
        return; /* e.g. a reference to a component by class Dimension without a parent */
    ref.agency = attr_or(r, n, "agencyID", NULL);
    const char *parent = sdmx__attr(n, "maintainableParentID");
    if (is_item || parent != NULL) {
        if (parent == NULL)
            return;
        ref.id = core_arena_str(r->a, core_str_c(parent));
        ref.version = attr_or(r, n, "maintainableParentVersion", "1.0");
    } else {
        ref.id = attr_or(r, n, "id", "");
        ref.version = attr_or(r, n, "version", "1.0");
    }
    add_ref(r, art, refs, &ref);
}

static void
urn_element(struct reader *r, dsd_artefact_t *art, core_vec_t *refs, const xmlNode *n)
{
    xmlChar *text = xmlNodeGetContent(n);
    if (text == NULL)
        return;
    core_str_t s = core_arena_str(r->a, core_str_c((const char *)text));
    xmlFree(text);
    dsd_ref_t ref;
    core_err_t e = {0};
    if (dsd_ref_parse_urn(s, &ref, &e) != CORE_OK) {
        dsd_report_add(r->report, DSD_SEV_ERROR, "bad-urn", NULL, "%s:%d: %s", r->name, n->line,
                       e.msg);
        return;
    }
    add_ref(r, art, refs, &ref);
}

static void
collect_refs(struct reader *r, dsd_artefact_t *art, core_vec_t *refs, const xmlNode *node,
             int depth)
{
    for (const xmlNode *c = node->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)c->name, "Ref") == 0)
            ref_element(r, art, refs, c);
        else if (strcmp((const char *)c->name, "URN") == 0)
            urn_element(r, art, refs, c);
        else if (depth < SDMX_XML_MAX_DEPTH)
            collect_refs(r, art, refs, c, depth + 1);
    }
}

static void
read_artefact(struct reader *r, dsd_kind kind, const xmlNode *el)
{
    dsd_artefact_t *art = core_arena_zalloc(r->a, sizeof *art);
    art->ref.kind = kind;
    art->ref.agency = attr_or(r, el, "agencyID", NULL);
    art->ref.id = attr_or(r, el, "id", NULL);
    art->ref.version = attr_or(r, el, "version", "1.0");
    art->line = el->line;
    const char *fin = sdmx__attr(el, "isFinal");
    art->is_final = fin && (strcmp(fin, "true") == 0 || strcmp(fin, "1") == 0);
    const char *ext = sdmx__attr(el, "isExternalReference");
    art->is_stub = ext && (strcmp(ext, "true") == 0 || strcmp(ext, "1") == 0);
    if (art->ref.agency.ptr == NULL || art->ref.id.ptr == NULL || art->ref.agency.len == 0 ||
        art->ref.id.len == 0) {
        dsd_report_add(r->report, DSD_SEV_ERROR, "identification", NULL,
                       "%s:%d: a %s without agencyID or id", r->name, el->line,
                       dsd_kind_info(kind)->element);
        return;
    }
    int line = el->line;
    const char *why = sdmx__schema_problem(r->a, kind, el, &line);
    if (why != NULL) {
        dsd_report_add(r->report, DSD_SEV_ERROR, "schema", NULL,
                       "%s:%d: %s: %s, which SDMX-ML 2.1 does not allow", r->name, line,
                       dsd_ref_label(r->a, &art->ref), why);
        return;
    }
    core_vec_t refs = {0};
    collect_refs(r, art, &refs, el, 0);
    art->refs = core_arena_alloc(r->a, (refs.len + 1) * sizeof *art->refs);
    for (size_t i = 0; i < refs.len; i++)
        art->refs[i] = *(dsd_ref_t *)refs.items[i];
    art->nrefs = refs.len;
    core_buf_t b;
    core_buf_init(&b);
    sdmx__canon(&b, el);
    art->xml = core_arena_str(r->a, (core_str_t){b.ptr, b.len});
    core_buf_dispose(&b);
    art->model = sdmx__model_from_xml(r->a, &art->ref, el);
    core_err_t e = {0};
    if (art->model != NULL && dsd_structure_check_patterns(art->model, &e) != CORE_OK)
        dsd_report_add(r->report, DSD_SEV_ERROR, "bad-pattern", NULL, "%s:%d: %s: %s", r->name,
                       el->line, dsd_ref_label(r->a, &art->ref), e.msg);
    core_vec_push(r->a, &r->arts, art);
}

/* Checks the root element: an SDMX-ML 2.1 Structure message, or says what it is. */
static core_rc
check_root(struct reader *r, xmlTextReaderPtr xr)
{
    const char *local = (const char *)xmlTextReaderConstLocalName(xr);
    if (sdmx__reader_in_ns(xr, SDMX_NS_MES) && strcmp(local, "Structure") == 0)
        return CORE_OK;
    const char *what = sdmx__unread_message(r->a, xr);
    if (what != NULL)
        return core_fail(r->err, CORE_ENOTIMPL, "%s: %s, which sdmxd does not read yet",
                         r->name, what);
    return core_fail(r->err, CORE_ESYNTAX,
                     "%s: the root element is %s, not an SDMX-ML 2.1 mes:Structure message",
                     r->name, local);
}

/* Handles the element under the reader; *skip tells the loop to jump over its subtree. */
static core_rc
on_element(struct reader *r, xmlTextReaderPtr xr, int *seen_root, int *skip)
{
    int depth = xmlTextReaderDepth(xr);
    *skip = 0;
    if (depth > SDMX_XML_MAX_DEPTH)
        return core_fail(r->err, CORE_ETOOBIG, "%s: elements nested deeper than %d", r->name,
                         SDMX_XML_MAX_DEPTH);
    if (!*seen_root) {
        *seen_root = 1;
        return check_root(r, xr);
    }
    if (depth != 3 || !sdmx__reader_in_ns(xr, SDMX_NS_STR))
        return CORE_OK;
    core_str_t local = core_str_c((const char *)xmlTextReaderConstLocalName(xr));
    dsd_kind kind = dsd_kind_by_element(local);
    if (kind == DSD_KIND_NONE)
        return CORE_OK;
    xmlNode *el = xmlTextReaderExpand(xr);
    if (el == NULL)
        return CORE_OK; /* the error handler has the reason */
    read_artefact(r, kind, el);
    *skip = 1;
    return CORE_OK;
}

static core_rc
read_loop(struct reader *r, xmlTextReaderPtr xr)
{
    int seen_root = 0, skip = 0, ret = xmlTextReaderRead(xr);
    while (ret == 1 && r->xe.first[0] == '\0') {
        int type = xmlTextReaderNodeType(xr);
        if (type == XML_READER_TYPE_DOCUMENT_TYPE)
            return core_fail(r->err, CORE_ESYNTAX,
                             "%s: DOCTYPE declarations are not accepted in SDMX messages "
                             "(entities and DTDs are refused for safety)",
                             r->name);
        if (type == XML_READER_TYPE_ELEMENT) {
            core_rc rc = on_element(r, xr, &seen_root, &skip);
            if (rc != CORE_OK)
                return rc;
        }
        ret = skip ? xmlTextReaderNext(xr) : xmlTextReaderRead(xr);
        skip = 0;
    }
    if (ret < 0 || r->xe.first[0] != '\0')
        return core_fail(r->err, CORE_ESYNTAX, "%s",
                         r->xe.first[0] ? r->xe.first : "the message is not well-formed XML");
    if (!seen_root)
        return core_fail(r->err, CORE_ESYNTAX, "%s: no XML element found", r->name);
    return CORE_OK;
}

int
sdmx__prolog_has_doctype(const char *p, size_t len)
{
    const char *end = p + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
            p++;
        } else if (end - p >= 2 && p[0] == '<' && p[1] == '?') {
            const char *q = memmem(p, (size_t)(end - p), "?>", 2);
            if (q == NULL)
                return 0;
            p = q + 2;
        } else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
            const char *q = memmem(p, (size_t)(end - p), "-->", 3);
            if (q == NULL)
                return 0;
            p = q + 3;
        } else {
            return end - p >= 9 && memcmp(p, "<!DOCTYPE", 9) == 0;
        }
    }
    return 0;
}

core_rc
sdmx_structure_read(core_arena_t *a, const char *data, size_t len, const char *name,
                    dsd_artefact_t **arts, size_t *n, dsd_report_t *report, core_err_t *err)
{
    struct reader r = {.a = a, .name = name, .report = report, .err = err};
    if (len > (size_t)INT32_MAX)
        return core_fail(err, CORE_ETOOBIG, "%s: message larger than 2 GiB", name);
    if (sdmx__prolog_has_doctype(data, len))
        return core_fail(err, CORE_ESYNTAX,
                         "%s: DOCTYPE declarations are not accepted in SDMX messages "
                         "(entities and DTDs are refused for safety)",
                         name);
    /* No NOENT (entities stay unexpanded), no DTDLOAD, no NONET exceptions. */
    int opts = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT;
    r.xe.name = name;
    /* errors libxml2 raises outside the parser (encodings, I/O) come here too, not to stderr */
    xmlStructuredErrorFunc old = xmlStructuredError;
    void *old_arg = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc(&r.xe, sdmx__on_xml_error);
    xmlTextReaderPtr xr = xmlReaderForMemory(data, (int)len, NULL, NULL, opts);
    core_rc rc;
    if (xr == NULL) {
        rc = core_fail(err, CORE_EIO, "%s: cannot start the XML reader", name);
    } else {
        xmlTextReaderSetStructuredErrorHandler(xr, sdmx__on_xml_error, &r.xe);
        rc = read_loop(&r, xr);
        xmlFreeTextReader(xr);
    }
    xmlSetStructuredErrorFunc(old_arg, old);
    if (rc != CORE_OK)
        return rc;
    if (report->nerrors > 0)
        return core_fail(err, CORE_ESEMANTIC, "%s: %zu problem(s) in the message", name,
                         report->nerrors);
    *arts = core_arena_alloc(a, (r.arts.len + 1) * sizeof **arts);
    for (size_t i = 0; i < r.arts.len; i++)
        (*arts)[i] = *(dsd_artefact_t *)r.arts.items[i];
    *n = r.arts.len;
    return CORE_OK;
}
