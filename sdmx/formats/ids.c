#include <config.h>
#include "sdmx/sdmx_int.h"

/* The identification patterns of SDMXCommonReferences.xsd, by hand: an id goes into XML
 * attributes, URNs, DSD-specific schemas and data answers, so one that breaks the pattern is
 * refused when read rather than served back as a message no client can validate. */

static int
id_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '@' || c == '$' || c == '-';
}

static int
ncname_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

static int
ncname_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* One dot-free part of s[0, len) against a pattern. */
static int
part_matches(sdmx_id_pattern p, const char *s, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i < len; i++) {
        int ok = p == SDMX_PAT_VERSION ? (s[i] >= '0' && s[i] <= '9')
                 : p == SDMX_PAT_ID    ? id_char(s[i])
                 : i == 0              ? ncname_start(s[i])
                                       : ncname_char(s[i]);
        if (!ok)
            return 0;
    }
    return 1;
}

int
sdmx__id_matches(sdmx_id_pattern p, const char *s)
{
    if (s == NULL)
        return 0;
    int nested = p == SDMX_PAT_NESTED_NCNAME || p == SDMX_PAT_VERSION;
    const char *start = s;
    for (const char *c = s;; c++) {
        if (*c == '.' && nested) {
            if (!part_matches(p, start, (size_t)(c - start)))
                return 0;
            start = c + 1;
        } else if (*c == '\0') {
            return part_matches(p, start, (size_t)(c - start));
        }
    }
}
