/* Fuzzes the SDMX-ML 2.1 data reader (generic and structure-specific, time series or not)
 * through the checking sink of fuzz_events.h: balanced data sets, every slice readable, an
 * error with its message; and the outline a refusal shows of a message without a data set
 * (always a string, whatever the bytes). */
#include "fuzz_events.h"

#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    core_arena_t *a = core_arena_new();
    const char *outline = sdmx_message_outline(a, (const char *)data, size);
    if (outline == NULL || strlen(outline) == 0)
        abort();
    core_arena_free(a);
    return fuzz_read(sdmx_data_read_xml, data, size);
}
