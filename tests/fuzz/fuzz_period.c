/* Fuzzes the SDMX time period parser (dsd/period.c) and its companions. Invariants: a result
 * or an error with a message; a period is a non-empty interval [start, end) that overlaps
 * itself, is of its own frequency, and whose key orders it after any period that starts
 * earlier; a query bound parses wherever the period does, the start bound at the period's
 * start and the end bound at its end; the frequency check answers with a message. */
#include <config.h>
#include "dsd/dsd.h"

#include <assert.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    core_str_t s = {(const char *)data, size};
    dsd_period_t p;
    core_err_t err = {0};
    core_rc rc = dsd_period_parse(s, &p, &err);
    if (rc != CORE_OK) {
        assert(err.code == rc && err.msg[0] != '\0');
        core_err_t e2 = {0};
        int64_t b;
        core_rc rb = dsd_period_parse_bound(s, 0, &b, &e2);
        assert(rb == CORE_OK || (e2.code == rb && e2.msg[0] != '\0'));
        return 0;
    }
    assert(p.start < p.end);
    assert(dsd_period_overlaps(&p, p.start, p.end));
    assert(!dsd_period_overlaps(&p, p.end, p.end + 1));
    if (p.freq != '\0') {
        char f[1] = {p.freq};
        core_err_t e = {0};
        assert(dsd_period_check_freq(&p, (core_str_t){f, 1}, &e) == CORE_OK);
    }
    static const char freqs[] = "ASTQMWDHNIB";
    for (size_t i = 0; i < sizeof freqs - 1; i++) {
        core_err_t e = {0};
        core_rc rf = dsd_period_check_freq(&p, (core_str_t){&freqs[i], 1}, &e);
        assert(rf == CORE_OK || (rf == CORE_ESEMANTIC && e.code == rf && e.msg[0] != '\0'));
    }
    unsigned char key[DSD_PERIOD_KEY], before[DSD_PERIOD_KEY];
    dsd_period_key(&p, key);
    dsd_period_t earlier = p;
    if (p.start > INT64_MIN) {
        earlier.start = p.start - 1;
        dsd_period_key(&earlier, before);
        assert(memcmp(before, key, DSD_PERIOD_KEY) < 0);
    }
    int64_t b;
    core_err_t e = {0};
    assert(dsd_period_parse_bound(s, 0, &b, &e) == CORE_OK && b == p.start);
    assert(dsd_period_parse_bound(s, 1, &b, &e) == CORE_OK && b == p.end);
    return 0;
}
