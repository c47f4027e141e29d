/* Fuzzes the SDMX-ML 2.1 structure reader. Invariants: a result or an error with a message;
 * every artefact has an identity, and its canonical XML, read again inside a message, gives
 * back the same identity, references and text. */
#include <config.h>
#include "sdmx/sdmx.h"

#include <assert.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char head[] =
    "<mes:Structure xmlns:mes=\"http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message\" "
    "xmlns:str=\"http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure\" "
    "xmlns:com=\"http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><mes:Structures><str:X>";
static const char tail[] = "</str:X></mes:Structures></mes:Structure>";

static void
check_round_trip(core_arena_t *a, const dsd_artefact_t *art)
{
    core_buf_t b;
    core_buf_init(&b);
    core_buf_adds(&b, head);
    core_buf_addstr(&b, art->xml);
    core_buf_adds(&b, tail);
    dsd_report_t rep;
    dsd_report_init(&rep, a, 10);
    dsd_artefact_t *again;
    size_t n = 0;
    core_err_t err = {0};
    core_rc rc = sdmx_structure_read(a, b.ptr, b.len, "again", &again, &n, &rep, &err);
    assert(rc == CORE_OK && n == 1);
    assert(dsd_ref_eq(&again[0].ref, &art->ref));
    assert(again[0].nrefs == art->nrefs);
    assert(core_str_eq(again[0].xml, art->xml));
    core_buf_dispose(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    core_arena_t *a = core_arena_new();
    dsd_report_t rep;
    dsd_report_init(&rep, a, 100);
    dsd_artefact_t *arts;
    size_t n = 0;
    core_err_t err = {0};
    core_rc rc = sdmx_structure_read(a, (const char *)data, size, "fuzz", &arts, &n, &rep, &err);
    if (rc == CORE_OK) {
        for (size_t i = 0; i < n; i++) {
            assert(arts[i].ref.agency.len > 0 && arts[i].ref.id.len > 0);
            check_round_trip(a, &arts[i]);
        }
    } else {
        assert(err.code == rc && err.msg[0] != '\0');
    }
    core_arena_free(a);
    return 0;
}
