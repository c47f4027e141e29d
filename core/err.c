#include <config.h>
#include "core.h"

#include <stdio.h>

core_rc
core_fail(core_err_t *err, core_rc code, const char *fmt, ...)
{
    if (err == NULL || err->code != CORE_OK)
        return code;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

void
core_err_clear(core_err_t *err)
{
    if (err == NULL)
        return;
    err->code = CORE_OK;
    err->msg[0] = '\0';
}

const char *
core_rc_name(core_rc rc)
{
    static const char *const names[] = {
        "OK",      "ENOTFOUND", "ESYNTAX",   "ESEMANTIC", "EAUTH",    "EFORBIDDEN", "ENOTACCEPT",
        "ETOOBIG", "ENOTIMPL",  "ECONFLICT", "EUNAVAIL",  "ENOSPACE", "EIO",        "EBUG",
    };
    if ((size_t)rc < sizeof names / sizeof names[0])
        return names[rc];
    return "E?";
}
