#include <config.h>
#include "dsd.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/uloc.h>

#define LANG_MAX 16
#define LOCALE_MAX 96

/* ICU locale id ("zh_Hans_CN") of a BCP-47 tag, or "" when ICU cannot read it. */
static void
to_locale(const char *tag, size_t len, char out[LOCALE_MAX])
{
    char tmp[LOCALE_MAX];
    UErrorCode st = U_ZERO_ERROR;
    out[0] = '\0';
    if (len == 0 || len >= sizeof tmp)
        return;
    memcpy(tmp, tag, len);
    tmp[len] = '\0';
    int32_t parsed = 0;
    uloc_forLanguageTag(tmp, out, LOCALE_MAX, &parsed, &st);
    if (U_FAILURE(st) || parsed <= 0)
        out[0] = '\0';
}

struct weighted {
    const char *tag;
    double q;
    size_t order;
};

static int
by_weight(const void *pa, const void *pb)
{
    const struct weighted *a = pa, *b = pb;
    if (a->q != b->q)
        return a->q > b->q ? -1 : 1;
    return a->order < b->order ? -1 : (a->order > b->order);
}

static double
parse_q(core_str_t params)
{
    while (params.ptr != NULL) {
        core_str_t p;
        params = core_str_split(params, ';', &p);
        p = core_str_trim(p);
        if (p.len >= 2 && (p.ptr[0] == 'q' || p.ptr[0] == 'Q') && p.ptr[1] == '=') {
            char tmp[16];
            size_t n = p.len - 2 < sizeof tmp - 1 ? p.len - 2 : sizeof tmp - 1;
            memcpy(tmp, p.ptr + 2, n);
            tmp[n] = '\0';
            char *end;
            double q = strtod(tmp, &end);
            if (end == tmp || q < 0 || q > 1)
                return 0;
            return q;
        }
    }
    return 1;
}

void
dsd_langpref_parse(core_arena_t *a, core_str_t header, dsd_langpref_t *out)
{
    struct weighted w[LANG_MAX];
    size_t n = 0, order = 0;
    while (header.ptr != NULL && header.len > 0 && n < LANG_MAX - 1) {
        core_str_t item;
        header = core_str_split(header, ',', &item);
        core_str_t tag, params = core_str_split(item, ';', &tag);
        tag = core_str_trim(tag);
        double q = parse_q(params);
        if (tag.len == 0 || q <= 0 || core_str_eq_c(tag, "*"))
            continue;
        char loc[LOCALE_MAX];
        to_locale(tag.ptr, tag.len, loc);
        if (loc[0] == '\0')
            continue;
        w[n].tag = core_arena_strndup(a, tag.ptr, tag.len);
        w[n].q = q;
        w[n].order = order++;
        n++;
    }
    qsort(w, n, sizeof w[0], by_weight);
    out->tags = core_arena_alloc(a, (n + 1) * sizeof *out->tags);
    for (size_t i = 0; i < n; i++)
        out->tags[i] = w[i].tag;
    out->tags[n] = "en";
    out->ntags = n + 1;
}

static int
find_locale(const char *want, const char *const *langs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char loc[LOCALE_MAX];
        to_locale(langs[i], strlen(langs[i]), loc);
        if (loc[0] != '\0' && strcasecmp(loc, want) == 0)
            return (int)i;
    }
    return -1;
}

int
dsd_langpref_pick(const dsd_langpref_t *pref, const char *const *langs, size_t n)
{
    if (n == 0)
        return -1;
    /* Exact tag, then its ICU parents: zh_Hans_CN -> zh_Hans -> zh. */
    for (size_t p = 0; p < pref->ntags; p++) {
        char loc[LOCALE_MAX];
        to_locale(pref->tags[p], strlen(pref->tags[p]), loc);
        while (loc[0] != '\0') {
            int i = find_locale(loc, langs, n);
            if (i >= 0)
                return i;
            char parent[LOCALE_MAX];
            UErrorCode st = U_ZERO_ERROR;
            uloc_getParent(loc, parent, sizeof parent, &st);
            if (U_FAILURE(st) || strcmp(parent, loc) == 0)
                break;
            memcpy(loc, parent, sizeof loc);
        }
        /* Same language, other region or script: "fr" wanted, "fr-FR" offered. */
        char want_lang[16];
        UErrorCode st = U_ZERO_ERROR;
        to_locale(pref->tags[p], strlen(pref->tags[p]), loc);
        uloc_getLanguage(loc, want_lang, sizeof want_lang, &st);
        if (U_SUCCESS(st) && want_lang[0] != '\0') {
            for (size_t i = 0; i < n; i++) {
                char l2[LOCALE_MAX], have_lang[16];
                UErrorCode st2 = U_ZERO_ERROR;
                to_locale(langs[i], strlen(langs[i]), l2);
                uloc_getLanguage(l2, have_lang, sizeof have_lang, &st2);
                if (U_SUCCESS(st2) && strcasecmp(have_lang, want_lang) == 0)
                    return (int)i;
            }
        }
    }
    return 0;
}
