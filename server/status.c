/* server: the one table of statuses. Every answer's HTTP status, SDMX error code and title
 * come from the error code behind it; the SDMX codes are SDMX 2.1 Section 07's (web services,
 * error handling). */
#include <config.h>
#include "srv.h"

#define STATUS_HTTP_ONLY ((core_rc)-1)

static const struct status {
    core_rc rc;
    int http;
    int sdmx;
    const char *title;
} statuses[] = {
    {CORE_OK, 200, 0, "OK"},
    {CORE_ENOTFOUND, 404, 100, "No results found"},
    {CORE_EAUTH, 401, 110, "Unauthorized"},
    {CORE_EFORBIDDEN, 403, 110, "Forbidden"},
    {CORE_ETOOBIG, 413, 130, "Too large"},
    {CORE_ESYNTAX, 400, 140, "Syntax error"},
    {CORE_ESEMANTIC, 400, 150, "Semantic error"},
    {CORE_ECONFLICT, 409, 150, "Conflict with stored final artefacts"},
    {CORE_ENOTACCEPT, 406, 406, "Not acceptable"},
    {CORE_ENOTIMPL, 501, 501, "Not implemented"},
    {CORE_EUNAVAIL, 503, 503, "Service unavailable"},
    /* RFC 4918's Insufficient Storage; SDMX 503, since the request was sound and can be sent
     * again once the operator has made room, where 500 would say the server failed */
    {CORE_ENOSPACE, 507, 503, "Service unavailable: insufficient storage"},
    {CORE_EIO, 500, 500, "Internal server error"},
    {CORE_EBUG, 500, 500, "Internal server error"},
    /* refusals of HTTP's own, before any SDMX question is asked */
    {STATUS_HTTP_ONLY, 405, 501, "Method not allowed"},
    {STATUS_HTTP_ONLY, 415, 140, "Unsupported Media Type"},
};

static const struct status *
status_of(core_rc rc)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (statuses[i].rc == rc)
            return &statuses[i];
    return status_of(CORE_EBUG);
}

static const struct status *
status_of_http(int http)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (statuses[i].http == http)
            return &statuses[i];
    return status_of(CORE_EBUG);
}

int
srv_status_http(core_rc rc)
{
    return status_of(rc)->http;
}

int
srv_status_sdmx(core_rc rc)
{
    return status_of(rc)->sdmx;
}

const char *
srv_status_title(core_rc rc)
{
    return status_of(rc)->title;
}

int
srv_status_sdmx_of_http(int http)
{
    return status_of_http(http)->sdmx;
}

const char *
srv_status_title_of_http(int http)
{
    return status_of_http(http)->title;
}

/* The reason phrase of an HTTP status (RFC 9110), for the status line of HTTP/1.1. */
const char *
srv_status_reason(int http)
{
    switch (http) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 507: return "Insufficient Storage";
    default: return "Internal Server Error";
    }
}
