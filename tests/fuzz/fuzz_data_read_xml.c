/* Fuzzes the SDMX-ML 2.1 data reader (generic and structure-specific, time series or not)
 * through the checking sink of fuzz_events.h: balanced data sets, every slice readable, an
 * error with its message. */
#include "fuzz_events.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_read(sdmx_data_read_xml, data, size);
}
