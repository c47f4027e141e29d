#include <config.h>
#include "target.h"

void
srv_target_split(core_str_t target, srv_target_t *out)
{
    core_str_t path;
    *out = (srv_target_t){0};
    out->query = core_str_split(target, '?', &path);
    out->rest = core_str_starts(path, "/rest/") || core_str_eq_c(path, "/rest");
    if (!out->rest)
        return;
    out->path = (core_str_t){path.ptr + 5, path.len - 5};
    core_str_t after = {out->path.ptr + (out->path.len > 0), out->path.len ? out->path.len - 1 : 0};
    core_str_split(after, '/', &out->resource);
}
