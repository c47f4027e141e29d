#include <config.h>
#include "sdmx/sdmx_int.h"

#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

static const char wrap_open[] = "<w xmlns:mes=\"" SDMX_NS_MES "\" xmlns:str=\"" SDMX_NS_STR
                                "\" xmlns:com=\"" SDMX_NS_COM "\" xmlns:reg=\"" SDMX_NS_REG
                                "\" xmlns:xsi=\"" SDMX_NS_XSI "\">";
static const char wrap_close[] = "</w>";

static void
free_doc(void *doc)
{
    xmlFreeDoc(doc);
}

xmlNode *
sdmx__parse_stored(core_arena_t *a, core_str_t xml, core_err_t *err)
{
    core_buf_t b;
    core_buf_init(&b);
    core_buf_add(&b, wrap_open, sizeof wrap_open - 1);
    core_buf_addstr(&b, xml);
    core_buf_add(&b, wrap_close, sizeof wrap_close - 1);
    xmlDoc *doc = xmlReadMemory(b.ptr, (int)b.len, NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    core_buf_dispose(&b);
    if (doc == NULL) {
        core_fail(err, CORE_EBUG, "a stored artefact could not be parsed back");
        return NULL;
    }
    core_arena_defer(a, free_doc, doc);
    xmlNode *root = xmlDocGetRootElement(doc);
    for (xmlNode *c = root->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return c;
    core_fail(err, CORE_EBUG, "a stored artefact is empty");
    return NULL;
}

static void
drop(xmlNode *n)
{
    xmlUnlinkNode(n);
    xmlFreeNode(n);
}

/* The children the 2.1 schema requires of an artefact even as a stub: a ProvisionAgreement
 * without its StructureUsage and DataProvider is not valid SDMX-ML. */
static int
schema_required(dsd_kind kind, const xmlNode *c)
{
    return kind == DSD_KIND_PROVISIONAGREEMENT &&
           (sdmx__is(c, "StructureUsage") || sdmx__is(c, "DataProvider"));
}

/* A stub keeps identification, names and what the schema requires; a complete stub also
 * descriptions and annotations. */
static void
make_stub(xmlNode *el, dsd_kind kind, int complete)
{
    xmlNode *c = el->children;
    while (c != NULL) {
        xmlNode *next = c->next;
        int keep = sdmx__is(c, "Name") || schema_required(kind, c) ||
                   (complete && (sdmx__is(c, "Description") || sdmx__is(c, "Annotations")));
        if (!keep)
            drop(c);
        c = next;
    }
    xmlSetProp(el, BAD_CAST "isExternalReference", BAD_CAST "true");
}

/* The ids an item filter keeps, sorted: a cut to thousands of codes (the codes with data)
 * checks each item in log time. */
struct keepset {
    core_str_t *ids;
    size_t n;
};

static int
by_str(const void *pa, const void *pb)
{
    return core_str_cmp(*(const core_str_t *)pa, *(const core_str_t *)pb);
}

static int
keepset_has(const struct keepset *k, core_str_t s)
{
    return bsearch(&s, k->ids, k->n, sizeof *k->ids, by_str) != NULL;
}

/* An item is kept when the query names its id, or its path of ids from the top of a nested
 * scheme ("POP.MIG", as categorisations and URNs name a category). */
static int
kept(const struct keepset *k, const char *id, core_str_t path)
{
    return id != NULL && (keepset_has(k, core_str_c(id)) || keepset_has(k, path));
}

/* Removes the items not kept under node (keeping the ancestors of kept ones, for nested
 * schemes); returns how many items remain. path holds the dotted ids down to node. */
static size_t
filter_items(xmlNode *node, const char *item, const struct keepset *k, core_buf_t *path)
{
    size_t remain = 0, at = path->len;
    xmlNode *c = node->children;
    while (c != NULL) {
        xmlNode *next = c->next;
        if (sdmx__is(c, item)) {
            const char *id = sdmx__attr(c, "id");
            path->len = at;
            if (at > 0)
                core_buf_addc(path, '.');
            core_buf_adds(path, id != NULL ? id : "");
            size_t mine = path->len;
            size_t below = filter_items(c, item, k, path);
            path->len = mine;
            if (below == 0 && !kept(k, id, (core_str_t){path->ptr, path->len}))
                drop(c);
            else
                remain += below + 1;
        }
        c = next;
    }
    path->len = at;
    return remain;
}

static size_t
apply_filter(core_arena_t *a, xmlNode *el, const sdmx_result_item_t *it)
{
    const dsd_kind_info_t *ki = dsd_kind_info(it->art.ref.kind);
    if (ki->item == NULL)
        return 0;
    struct keepset k = {core_arena_alloc(a, (it->nkeep + 1) * sizeof *k.ids), it->nkeep};
    if (it->nkeep > 0) {
        memcpy(k.ids, it->keep, it->nkeep * sizeof *k.ids);
        qsort(k.ids, k.n, sizeof *k.ids, by_str);
    }
    core_buf_t path;
    core_buf_init(&path);
    size_t n = filter_items(el, ki->item, &k, &path);
    core_buf_dispose(&path);
    xmlSetProp(el, BAD_CAST "isPartial", BAD_CAST "true");
    return n;
}

xmlNode *
sdmx__artefact_tree(core_arena_t *a, const sdmx_result_item_t *it, core_err_t *err)
{
    xmlNode *el = sdmx__parse_stored(a, it->art.xml, err);
    if (el == NULL)
        return NULL;
    if (it->show != SDMX_SHOW_FULL)
        make_stub(el, it->art.ref.kind, it->show == SDMX_SHOW_COMPLETESTUB);
    else if (it->filtered)
        apply_filter(a, el, it);
    return el;
}

size_t
sdmx__count_items(core_arena_t *a, const sdmx_result_item_t *it)
{
    core_err_t e = {0};
    xmlNode *el = sdmx__parse_stored(a, it->art.xml, &e);
    return el ? apply_filter(a, el, it) : 0;
}
