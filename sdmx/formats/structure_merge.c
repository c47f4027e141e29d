#include <config.h>
#include "sdmx/sdmx_int.h"

#include <string.h>

/* One item scheme made of two: for a load that sends part of a non-final scheme
 * (isPartial), or an agency scheme that lacks agencies the store keeps. The merge works on
 * the artefacts' trees (structures are small; data never takes this path), and its result
 * is read back as a message would be, so that its canonical XML, model and references are
 * exactly what the structure reader makes of such a scheme. */

static xmlNode *
find_item(xmlNode *scheme, const char *item, const char *id)
{
    for (xmlNode *c = scheme->children; c != NULL; c = c->next) {
        const char *cid = sdmx__is(c, item) ? sdmx__attr(c, "id") : NULL;
        if (cid != NULL && strcmp(cid, id) == 0)
            return c;
    }
    return NULL;
}

/* Puts the items of over into base: in place of base's item of the same id when over wins,
 * else only those base lacks, after base's own. */
static void
overlay_items(xmlNode *base, const xmlNode *over, const char *item, int over_wins)
{
    for (const xmlNode *c = over->children; c != NULL; c = c->next) {
        const char *id = sdmx__is(c, item) ? sdmx__attr(c, "id") : NULL;
        if (id == NULL)
            continue;
        xmlNode *mine = find_item(base, item, id);
        if (mine != NULL && !over_wins)
            continue;
        xmlNode *copy = xmlDocCopyNode((xmlNode *)c, base->doc, 1);
        if (copy == NULL)
            continue;
        if (mine != NULL) {
            xmlReplaceNode(mine, copy);
            xmlFreeNode(mine);
        } else {
            xmlAddChild(base, copy);
        }
    }
}

/* Whether every item of the sent scheme has an id: one without cannot be merged. */
static int
items_named(const xmlNode *scheme, const char *item, const dsd_artefact_t *now, core_arena_t *a,
            dsd_report_t *report)
{
    int ok = 1;
    for (const xmlNode *c = scheme->children; c != NULL; c = c->next)
        if (sdmx__is(c, item) && sdmx__attr(c, "id") == NULL) {
            dsd_report_add(report, DSD_SEV_ERROR, "item-id", NULL,
                           "%s: a %s without id cannot be merged into the stored scheme",
                           dsd_ref_label(a, &now->ref), item);
            ok = 0;
        }
    return ok;
}

/* Reads the canonical element el back as the only artefact of a Structure message. */
static core_rc
read_back(core_arena_t *a, const dsd_artefact_t *now, const xmlNode *el, dsd_artefact_t *out,
          dsd_report_t *report, core_err_t *err)
{
    const dsd_kind_info_t *k = dsd_kind_info(now->ref.kind);
    core_buf_t b;
    core_buf_init(&b);
    core_buf_printf(&b,
                    "<mes:Structure xmlns:mes=\"%s\" xmlns:str=\"%s\" xmlns:com=\"%s\" "
                    "xmlns:reg=\"%s\" xmlns:xsi=\"%s\"><mes:Structures><str:%s>",
                    SDMX_NS_MES, SDMX_NS_STR, SDMX_NS_COM, SDMX_NS_REG, SDMX_NS_XSI,
                    k->container);
    sdmx__canon(&b, el);
    core_buf_printf(&b, "</str:%s></mes:Structures></mes:Structure>", k->container);
    dsd_artefact_t *arts;
    size_t n = 0;
    const char *name = core_arena_printf(a, "%s merged", dsd_ref_label(a, &now->ref));
    core_rc rc = sdmx_structure_read(a, b.ptr, b.len, name, &arts, &n, report, err);
    core_buf_dispose(&b);
    if (rc != CORE_OK)
        return rc;
    if (n != 1 || !dsd_ref_eq(&arts[0].ref, &now->ref))
        return core_fail(err, CORE_EBUG, "%s: the merged scheme does not read back", name);
    *out = arts[0];
    out->line = now->line;
    return CORE_OK;
}

core_rc
sdmx_scheme_merge(core_arena_t *a, const dsd_artefact_t *now, core_str_t stored_xml,
                  sdmx_merge_mode mode, int partial, dsd_artefact_t *out, dsd_report_t *report,
                  core_err_t *err)
{
    const dsd_kind_info_t *k = dsd_kind_info(now->ref.kind);
    if (k == NULL || k->item == NULL)
        return core_fail(err, CORE_EBUG, "%s is not an item scheme",
                         dsd_ref_label(a, &now->ref));
    /* the trees go with their own arena; the result is read back into a */
    core_arena_t *trees = core_arena_new();
    xmlNode *stored = sdmx__parse_stored(trees, stored_xml, err);
    xmlNode *sent = stored != NULL ? sdmx__parse_stored(trees, now->xml, err) : NULL;
    core_rc rc = CORE_EBUG;
    if (sent != NULL && !items_named(sent, k->item, now, a, report)) {
        rc = core_fail(err, CORE_ESEMANTIC, "%s: items without id",
                       dsd_ref_label(a, &now->ref));
    } else if (sent != NULL) {
        xmlNode *base = mode == SDMX_MERGE_PARTIAL ? stored : sent;
        overlay_items(base, mode == SDMX_MERGE_PARTIAL ? sent : stored, k->item,
                      mode == SDMX_MERGE_PARTIAL);
        if (partial)
            xmlSetProp(base, (const xmlChar *)"isPartial", (const xmlChar *)"true");
        else
            xmlUnsetProp(base, (const xmlChar *)"isPartial");
        rc = read_back(a, now, base, out, report, err);
    }
    core_arena_free(trees);
    return rc;
}
