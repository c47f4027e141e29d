#include <config.h>
#include "core.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

void
core_time_iso(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
core_time_http(int64_t t, char out[40])
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int
month_index(const char *m)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < 12; i++)
        if (strncmp(m, months[i], 3) == 0)
            return i;
    return -1;
}

core_rc
core_time_parse(core_str_t s, int64_t *out, core_err_t *err)
{
    char buf[64];
    s = core_str_trim(s);
    if (s.len == 0 || s.len >= sizeof buf)
        return core_fail(err, CORE_ESYNTAX, "'%.*s' is not a date", CORE_STR_FMT(s));
    memcpy(buf, s.ptr, s.len);
    buf[s.len] = '\0';
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    char mon[4] = {0}, tz[8] = {0};
    int n = 0;
    /* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
    if (sscanf(buf, "%*3s, %2d %3s %4d %2d:%2d:%2d %7s%n", &tm.tm_mday, mon, &tm.tm_year,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec, tz, &n) == 7 &&
        (size_t)n == s.len && month_index(mon) >= 0 && strcmp(tz, "GMT") == 0) {
        tm.tm_mon = month_index(mon);
        tm.tm_year -= 1900;
        *out = (int64_t)timegm(&tm);
        return CORE_OK;
    }
    /* ISO 8601: 2024-01-31, 2024-01-31T12:00, 2024-01-31T12:00:00(.fff)(Z|+hh:mm) */
    int y, mo, d, h = 0, mi = 0, sec = 0;
    n = 0;
    if (sscanf(buf, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
        return core_fail(err, CORE_ESYNTAX, "'%s' is neither an HTTP date nor an ISO 8601 date", buf);
    const char *p = buf + 10;
    int offset = 0;
    if (*p == 'T' || *p == ' ') {
        int m = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &m) != 2)
            return core_fail(err, CORE_ESYNTAX, "'%s' has a bad time of day", buf);
        p += 1 + m;
        if (*p == ':') {
            if (sscanf(p + 1, "%2d%n", &sec, &m) != 1)
                return core_fail(err, CORE_ESYNTAX, "'%s' has bad seconds", buf);
            p += 1 + m;
            if (*p == '.') {
                p++;
                while (*p >= '0' && *p <= '9')
                    p++;
            }
        }
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om = 0;
            if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &m) == 2 ||
                sscanf(p + 1, "%2d%n", &oh, &m) == 1) {
                offset = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
                p += 1 + m;
            } else {
                return core_fail(err, CORE_ESYNTAX, "'%s' has a bad time zone", buf);
            }
        }
    }
    if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60)
        return core_fail(err, CORE_ESYNTAX, "'%s' is not a valid ISO 8601 date", buf);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    *out = (int64_t)timegm(&tm) - offset;
    return CORE_OK;
}
