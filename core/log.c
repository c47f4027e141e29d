#include <config.h>
#include "core.h"

#include <stdio.h>
#include <time.h>

static core_log_level log_min = CORE_LOG_INFO;

void
core_log_set_level(core_log_level min)
{
    log_min = min;
}

void
core_log(core_log_level level, const char *fmt, ...)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    if (level < log_min)
        return;
    char ts[32];
    core_time_iso((int64_t)time(NULL), ts);
    flockfile(stderr); /* one line whole, whichever event loop logs it */
    fprintf(stderr, "%s sdmxd[%s] ", ts, names[level]);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    funlockfile(stderr);
}
