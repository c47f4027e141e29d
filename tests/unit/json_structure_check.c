/* Prints the SDMX-JSON 1.0 structure message for every maintainable of an SDMX-ML 2.1
 * Structure message: json_structure_check FILE ACCEPT-LANGUAGE. It drives
 * sdmx_structure_write_json() through a stand-in for sdmx__artefact_tree() that hands back
 * the elements parsed here, so the writer is checked without the registry. */
#include <config.h>
#include "sdmx/sdmx_int.h"

#include <stdio.h>
#include <string.h>
#include <libxml/parser.h>

#define CHECK_MAX_ARTEFACTS 4096

static sdmx_result_item_t items[CHECK_MAX_ARTEFACTS];
static xmlNode *trees[CHECK_MAX_ARTEFACTS];

/* Stand-in for the lead's implementation: the tree of an item is the element parsed for it. */
xmlNode *
sdmx__artefact_tree(core_arena_t *a, const sdmx_result_item_t *it, core_err_t *err)
{
    (void)a;
    size_t i = (size_t)(it - items);
    if (i >= CHECK_MAX_ARTEFACTS || trees[i] == NULL) {
        core_fail(err, CORE_EBUG, "no tree for item %zu", i);
        return NULL;
    }
    return trees[i];
}

static const xmlNode *
structures(const xmlNode *root)
{
    for (const xmlNode *n = root->children; n != NULL; n = n->next)
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "Structures") == 0)
            return n;
    return NULL;
}

/* Fills items and trees with the maintainables under mes:Structures; returns their count. */
static size_t
collect(const xmlNode *st)
{
    size_t n = 0;
    for (const xmlNode *box = st->children; box != NULL; box = box->next) {
        if (box->type != XML_ELEMENT_NODE)
            continue;
        for (xmlNode *el = box->children; el != NULL; el = el->next) {
            if (el->type != XML_ELEMENT_NODE)
                continue;
            dsd_kind k = dsd_kind_by_element(core_str_c((const char *)el->name));
            if (k == DSD_KIND_NONE || n == CHECK_MAX_ARTEFACTS) {
                fprintf(stderr, "skipped %s\n", (const char *)el->name);
                continue;
            }
            items[n].art.ref.kind = k;
            trees[n++] = el;
        }
    }
    return n;
}

int
main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s STRUCTURE.xml ACCEPT-LANGUAGE\n", argv[0]);
        return 2;
    }
    xmlDoc *doc = xmlReadFile(argv[1], NULL, XML_PARSE_NONET);
    const xmlNode *st = doc != NULL ? structures(xmlDocGetRootElement(doc)) : NULL;
    if (st == NULL) {
        fprintf(stderr, "%s: not an SDMX-ML Structure message\n", argv[1]);
        xmlFreeDoc(doc);
        return 1;
    }
    core_arena_t *a = core_arena_new();
    dsd_langpref_t pref;
    dsd_langpref_parse(a, core_str_c(argv[2]), &pref);
    sdmx_result_t res = {items, collect(st)};
    sdmx_header_t h = {
        .id = "JCHECK", .prepared = 1700000000, .sender = "SDMXD", .receiver = "CHECK"};
    core_buf_t out;
    core_err_t err;
    core_buf_init(&out);
    core_err_clear(&err);
    core_rc rc = sdmx_structure_write_json(&out, a, &res, &h, &pref, &err);
    if (rc == CORE_OK)
        fwrite(out.ptr, 1, out.len, stdout);
    else
        fprintf(stderr, "%s: %s: %s\n", argv[1], core_rc_name(rc), err.msg);
    core_buf_dispose(&out);
    core_arena_free(a);
    xmlFreeDoc(doc);
    xmlCleanupParser();
    return rc == CORE_OK ? 0 : 1;
}
