#include <config.h>
#include "sdmx/sdmx_int.h"

#include <string.h>

void
sdmx__header_xml(core_buf_t *out, const sdmx_header_t *h)
{
    sdmx__header_open(out, h);
    core_buf_adds(out, "</mes:Header>");
}

void
sdmx__header_open(core_buf_t *out, const sdmx_header_t *h)
{
    char ts[32];
    core_time_iso(h->prepared, ts);
    ts[19] = '\0'; /* xs:dateTime without zone reads as UTC for every client we know */
    core_buf_adds(out, "<mes:Header><mes:ID>");
    core_buf_add_xml(out, h->id, strlen(h->id));
    core_buf_printf(out, "</mes:ID><mes:Test>false</mes:Test><mes:Prepared>%s</mes:Prepared>",
                    ts);
    core_buf_adds(out, "<mes:Sender id=\"");
    core_buf_add_xml(out, h->sender, strlen(h->sender));
    core_buf_adds(out, "\"/>");
    if (h->receiver != NULL) {
        core_buf_adds(out, "<mes:Receiver id=\"");
        core_buf_add_xml(out, h->receiver, strlen(h->receiver));
        core_buf_adds(out, "\"/>");
    }
}

static void
write_artefact(core_buf_t *out, core_arena_t *a, const sdmx_result_item_t *it, core_err_t *err,
               core_rc *rc)
{
    if (it->show == SDMX_SHOW_FULL && !it->filtered) {
        core_buf_addstr(out, it->art.xml);
        return;
    }
    xmlNode *el = sdmx__artefact_tree(a, it, err);
    if (el == NULL) {
        *rc = CORE_EBUG;
        return;
    }
    sdmx__canon(out, el);
}

core_rc
sdmx_structure_write_xml(core_buf_t *out, core_arena_t *a, const sdmx_result_t *res,
                         const sdmx_header_t *h, core_err_t *err)
{
    core_rc rc = CORE_OK;
    core_buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<mes:Structure xmlns:mes=\"" SDMX_NS_MES "\" xmlns:str=\"" SDMX_NS_STR
                       "\" xmlns:com=\"" SDMX_NS_COM "\" xmlns:xsi=\"" SDMX_NS_XSI "\">");
    sdmx__header_xml(out, h);
    core_buf_adds(out, "<mes:Structures>");
    const char *open = NULL;
    for (size_t i = 0; i < res->n && rc == CORE_OK; i++) {
        const char *container = dsd_kind_info(res->items[i].art.ref.kind)->container;
        if (open == NULL || strcmp(open, container) != 0) {
            if (open != NULL)
                core_buf_printf(out, "</str:%s>", open);
            core_buf_printf(out, "<str:%s>", container);
            open = container;
        }
        write_artefact(out, a, &res->items[i], err, &rc);
    }
    if (open != NULL)
        core_buf_printf(out, "</str:%s>", open);
    core_buf_adds(out, "</mes:Structures></mes:Structure>\n");
    return rc;
}
