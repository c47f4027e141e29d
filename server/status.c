#include <config.h>
#include "srv.h"

int
srv_status_http(core_rc rc)
{
    switch (rc) {
    case CORE_OK: return 200;
    case CORE_ENOTFOUND: return 404;
    case CORE_ESYNTAX: return 400;
    case CORE_ESEMANTIC: return 400;
    case CORE_EAUTH: return 401;
    case CORE_EFORBIDDEN: return 403;
    case CORE_ENOTACCEPT: return 406;
    case CORE_ETOOBIG: return 413;
    case CORE_ENOTIMPL: return 501;
    case CORE_ECONFLICT: return 409;
    case CORE_EUNAVAIL: return 503;
    case CORE_ENOSPACE: return 507; /* RFC 4918: Insufficient Storage */
    case CORE_EIO:
    case CORE_EBUG: return 500;
    }
    return 500;
}

/* SDMX 2.1 web service error codes (SDMX 2.1 Section 07, error handling). A full store is
 * SDMX 503 (service unavailable): the request was sound and the write can be sent again once
 * the operator has made room, while 500 would say the server failed at something. */
int
srv_status_sdmx(core_rc rc)
{
    switch (rc) {
    case CORE_ENOTFOUND: return 100;
    case CORE_EAUTH: return 110;
    case CORE_EFORBIDDEN: return 110;
    case CORE_ETOOBIG: return 130;
    case CORE_ESYNTAX: return 140;
    case CORE_ESEMANTIC: return 150;
    case CORE_ECONFLICT: return 150;
    case CORE_ENOTACCEPT: return 406;
    case CORE_ENOTIMPL: return 501;
    case CORE_EUNAVAIL: return 503;
    case CORE_ENOSPACE: return 503;
    default: return 500;
    }
}

const char *
srv_status_title(core_rc rc)
{
    switch (rc) {
    case CORE_ENOTFOUND: return "No results found";
    case CORE_EAUTH: return "Unauthorized";
    case CORE_EFORBIDDEN: return "Forbidden";
    case CORE_ETOOBIG: return "Too large";
    case CORE_ESYNTAX: return "Syntax error";
    case CORE_ESEMANTIC: return "Semantic error";
    case CORE_ECONFLICT: return "Conflict with stored final artefacts";
    case CORE_ENOTACCEPT: return "Not acceptable";
    case CORE_ENOTIMPL: return "Not implemented";
    case CORE_EUNAVAIL: return "Service unavailable";
    case CORE_ENOSPACE: return "Service unavailable: insufficient storage";
    default: return "Internal server error";
    }
}
