#include <config.h>
#include "sdmx_int.h"
core_rc
sdmx_structure_write_json(core_buf_t *out, core_arena_t *a, const sdmx_result_t *res,
                          const sdmx_header_t *h, const dsd_langpref_t *pref, core_err_t *err)
{
    (void)out; (void)a; (void)res; (void)h; (void)pref;
    return core_fail(err, CORE_ENOTIMPL, "json later");
}
