/* Fuzzes content negotiation: the Accept header for structures and data (server/negotiate.c)
 * and Accept-Language (dsd/lang.c). The input is "format\nheader" (no newline: no format=).
 * Invariants: a format that exists or CORE_ENOTACCEPT with a message; the language
 * preference ends with "en", holds no empty tag, and picks a language of the list given. */
#include <config.h>
#include "server/srv.h"

#include <assert.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    core_str_t in = {(const char *)data, size}, format = CORE_STR_NULL;
    const char *nl = memchr(data, '\n', size);
    if (nl != NULL) {
        format = (core_str_t){in.ptr, (size_t)(nl - in.ptr)};
        in = (core_str_t){nl + 1, size - format.len - 1};
    }
    srv_format sf;
    core_err_t err = {0};
    core_rc rc = srv_negotiate_structure(format, in, &sf, &err);
    if (rc == CORE_OK)
        assert(sf == SRV_FMT_STRUCTURE_XML || sf == SRV_FMT_STRUCTURE_JSON);
    else
        assert(rc == CORE_ENOTACCEPT && err.code == rc && err.msg[0] != '\0');
    sdmx_data_format df;
    int labels = -1, normalized = -1;
    core_err_clear(&err);
    rc = srv_negotiate_data_csv(format, in, &df, &labels, &normalized, &err);
    if (rc == CORE_OK)
        assert(df >= SDMX_DATA_GENERIC && df <= SDMX_DATA_JSON);
    else
        assert(rc == CORE_ENOTACCEPT && err.code == rc && err.msg[0] != '\0');
    assert((labels == 0 || labels == 1) && (normalized == 0 || normalized == 1));
    (void)srv_prefers_json(format, in);

    core_arena_t *a = core_arena_new();
    dsd_langpref_t pref;
    dsd_langpref_parse(a, in, &pref);
    assert(pref.ntags >= 1 && strcmp(pref.tags[pref.ntags - 1], "en") == 0);
    for (size_t i = 0; i < pref.ntags; i++)
        assert(pref.tags[i] != NULL && pref.tags[i][0] != '\0');
    static const char *const langs[] = {"fr", "en", "zh-Hans", "es-419", "de-CH"};
    for (size_t n = 0; n <= sizeof langs / sizeof langs[0]; n++) {
        int pick = dsd_langpref_pick(&pref, langs, n);
        assert(n == 0 ? pick == -1 : pick >= 0 && (size_t)pick < n);
    }
    /* a language the client names comes first when the list has it */
    int pick = dsd_langpref_pick(&pref, (const char *const *)pref.tags, pref.ntags);
    assert(pick >= 0 && (size_t)pick < pref.ntags);
    core_arena_free(a);
    return 0;
}
