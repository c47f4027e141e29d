#include <config.h>
#include "dsd.h"

#include <stdio.h>
#include <string.h>

void
dsd_report_init(dsd_report_t *r, core_arena_t *a, size_t max)
{
    memset(r, 0, sizeof *r);
    r->arena = a;
    r->max = max;
}

void
dsd_report_add(dsd_report_t *r, dsd_severity sev, const char *rule, const char *location,
               const char *fmt, ...)
{
    if (sev == DSD_SEV_ERROR)
        r->nerrors++;
    else
        r->nwarnings++;
    size_t i = 0;
    while (i < r->nrules && strcmp(r->rules[i].rule, rule) != 0)
        i++;
    if (i == r->nrules && r->nrules < DSD_REPORT_RULES)
        r->rules[r->nrules++].rule = rule;
    if (i < r->nrules)
        r->rules[i].n++;
    if (r->len >= r->max) {
        r->dropped++;
        return;
    }
    core_arena_grow(r->arena, (void **)&r->items, r->len, &r->cap, sizeof *r->items);
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = core_arena_alloc(r->arena, (size_t)(n < 0 ? 0 : n) + 1);
    vsnprintf(msg, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap2);
    va_end(ap2);
    dsd_issue_t *it = &r->items[r->len++];
    it->severity = sev;
    it->rule = rule;
    it->location = location;
    it->message = msg;
}
