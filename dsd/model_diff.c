#include <config.h>
#include "dsd/model.h"
#include "dsd/model_shape.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The comparison walks the shapes of dsd/model_shape.h, so that every field of the model is
 * compared without a list of them here; what the walk treats apart is named by field: urns
 * (derived), texts (a map by language), lists of identifiables (matched by id), references
 * (one value each). */

#define DIFF_DEPTH 16
#define SHOW_MAX 60     /* bytes of a value that a message shows */
#define NO_INDEX SIZE_MAX

typedef struct seg {
    const char *name; /* the field */
    core_str_t id;    /* the element's id, or absent */
    size_t index;     /* the element's position when it has no id, or NO_INDEX */
} seg_t;

typedef struct diff {
    const dsd_diff_opts_t *o;
    dsd_report_t *report; /* NULL: count only */
    const dsd_ref_t *ref;
    seg_t path[DIFF_DEPTH];
    size_t depth;
    size_t found;
} diff_t;

static const char *
shown(const char *field)
{
    static const struct {
        const char *field, *shown;
    } names[] = {
        {"names", "name"},         {"descs", "description"},   {"annots", "annotation"},
        {"texts", "text"},         {"items", "item"},          {"dims", "dimension"},
        {"attrs", "attribute"},    {"measures", "measure"},    {"groups", "group"},
        {"roles", "role"},         {"structure_url", "structureURL"}, {"service_url", "serviceURL"},
        {"valid_from", "validFrom"}, {"valid_to", "validTo"},  {"is_final", "isFinal"},
        {"is_external", "isExternalReference"},
        {"is_partial", "isPartial"}, {"c", "identification"}, {"core", "core representation"},
        {"repr", "representation"}, {"rel", "attachment"},     {"iso_concept", "ISO concept"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].field, field) == 0)
            return names[i].shown;
    return field;
}

static int
full(const diff_t *d)
{
    return d->found > d->o->max;
}

static void
push(diff_t *d, const char *name, core_str_t id, size_t index)
{
    if (d->depth < DIFF_DEPTH)
        d->path[d->depth] = (seg_t){name, id, index};
    d->depth++;
}

static void
pop(diff_t *d)
{
    d->depth--;
}

/* Backs i off to the start of a UTF-8 character of s. */
static size_t
char_start(core_str_t s, size_t i)
{
    while (i > 0 && i < s.len && ((unsigned char)s.ptr[i] & 0xC0) == 0x80)
        i--;
    return i;
}

static void
show(core_buf_t *b, core_str_t s, size_t from)
{
    if (s.ptr == NULL) {
        core_buf_adds(b, "(none)");
        return;
    }
    size_t end = s.len - from > SHOW_MAX ? char_start(s, from + SHOW_MAX) : s.len;
    core_buf_addc(b, '\'');
    if (from > 0)
        core_buf_adds(b, "…");
    core_buf_add(b, s.ptr + from, end - from);
    if (end < s.len)
        core_buf_adds(b, "…");
    core_buf_addc(b, '\'');
}

/* 'was' → 'now', both from a little before where they part when that is far in. */
static void
show_pair(core_buf_t *b, core_str_t x, core_str_t y)
{
    size_t p = 0;
    while (x.ptr && y.ptr && p < x.len && p < y.len && x.ptr[p] == y.ptr[p])
        p++;
    size_t from = p > 30 ? char_start(x, p - 20) : 0;
    show(b, x, from);
    core_buf_adds(b, " → ");
    show(b, y, from);
}

/* Reports one difference: what detail says of prop, where the path stands. */
static void
differ(diff_t *d, const char *prop, core_buf_t *detail)
{
    d->found++;
    if (d->report == NULL || d->found > d->o->max)
        return;
    core_buf_t b;
    core_buf_init(&b);
    /* the artefact's label first: reports are sorted to their artefacts by it */
    core_buf_adds(&b, dsd_ref_label(d->report->arena, d->ref));
    for (size_t i = 0; i < d->depth && i < DIFF_DEPTH; i++) {
        const seg_t *s = &d->path[i];
        core_buf_printf(&b, " %s", shown(s->name));
        if (s->id.ptr != NULL)
            core_buf_printf(&b, " '%.*s'", CORE_STR_FMT(s->id));
        else if (s->index != NO_INDEX)
            core_buf_printf(&b, " %zu", s->index + 1);
    }
    core_buf_printf(&b, ": %s", prop);
    if (detail != NULL && detail->len > 0) {
        core_buf_addc(&b, ' ');
        core_buf_add(&b, detail->ptr, detail->len);
    }
    dsd_report_add(d->report, d->o->sev, d->o->rule, NULL, "%s", core_buf_cstr(&b));
    core_buf_dispose(&b);
}

static void
differ_strs(diff_t *d, const char *prop, core_str_t x, core_str_t y)
{
    core_buf_t b;
    core_buf_init(&b);
    if (d->report != NULL)
        show_pair(&b, x, y);
    differ(d, prop, &b);
    core_buf_dispose(&b);
}

static void
differ_note(diff_t *d, const char *prop, const char *what, core_str_t value)
{
    core_buf_t b;
    core_buf_init(&b);
    core_buf_adds(&b, what);
    if (value.ptr != NULL) {
        core_buf_addc(&b, ' ');
        show(&b, value, 0);
    }
    differ(d, prop, &b);
    core_buf_dispose(&b);
}

static void diff_shape(diff_t *d, const dsd__shape_t *s, const char *x, const char *y);

/* ---- texts: a map by language --------------------------------------------------------- */

static core_str_t
lang_of(const dsd_m_text_t *t)
{
    return t->lang.ptr != NULL ? t->lang : core_str_c("en"); /* xml:lang's default */
}

static const dsd_m_text_t *
text_in(const dsd_m_text_t *list, size_t n, core_str_t lang)
{
    for (size_t i = 0; i < n; i++)
        if (core_str_eq(lang_of(&list[i]), lang))
            return &list[i];
    return NULL;
}

static void
diff_texts(diff_t *d, const char *field, const dsd_m_text_t *x, size_t xn,
           const dsd_m_text_t *y, size_t yn)
{
    char prop[64];
    for (size_t i = 0; i < xn && !full(d); i++) {
        core_str_t lang = lang_of(&x[i]);
        snprintf(prop, sizeof prop, "%s (%.*s)", shown(field), CORE_STR_FMT(lang));
        const dsd_m_text_t *t = text_in(y, yn, lang);
        if (t == NULL)
            differ_note(d, prop, "removed", x[i].text);
        else if (!core_str_eq(t->text, x[i].text))
            differ_strs(d, prop, x[i].text, t->text);
    }
    for (size_t i = 0; i < yn && !full(d); i++) {
        core_str_t lang = lang_of(&y[i]);
        snprintf(prop, sizeof prop, "%s (%.*s)", shown(field), CORE_STR_FMT(lang));
        if (text_in(x, xn, lang) == NULL)
            differ_note(d, prop, "added", y[i].text);
    }
}

/* ---- references ---------------------------------------------------------------------- */

static int
is_ref_shape(const dsd__shape_t *s)
{
    return s->nfields > 0 && s->fields[0].type == DSD__F_DREF && strcmp(s->fields[0].name, "ref") == 0;
}

static core_str_t
ref_text(core_arena_t *a, const dsd_m_ref_t *r)
{
    if (r->ref.kind == DSD_KIND_NONE)
        return CORE_STR_NULL;
    const char *s = dsd_ref_label(a, &r->ref);
    if (r->item.ptr != NULL)
        s = core_arena_printf(a, "%s.%.*s", s, CORE_STR_FMT(r->item));
    return core_str_c(s);
}

/* A reference's class is compared only when both wrote it: it defaults from where the
 * reference stands, and the kind it resolved to is compared. */
static int
ref_same(const dsd_m_ref_t *x, const dsd_m_ref_t *y)
{
    if (x->ref.kind == DSD_KIND_NONE || y->ref.kind == DSD_KIND_NONE)
        return x->ref.kind == y->ref.kind;
    return dsd_ref_eq(&x->ref, &y->ref) && core_str_eq(x->item, y->item) &&
           (x->cls.ptr == NULL || y->cls.ptr == NULL || core_str_eq(x->cls, y->cls));
}

static void
diff_ref(diff_t *d, const char *field, const dsd_m_ref_t *x, const dsd_m_ref_t *y)
{
    if (ref_same(x, y))
        return;
    if (d->report == NULL) {
        differ(d, field, NULL);
        return;
    }
    core_arena_t *a = d->report->arena;
    differ_strs(d, shown(field), ref_text(a, x), ref_text(a, y));
}

/* ---- lists -------------------------------------------------------------------------------- */

/* An element that starts with its identification, so that it is matched by id. */
static int
is_keyed(const dsd__shape_t *s)
{
    return s->nfields > 0 && s->fields[0].type == DSD__F_OBJ && strcmp(s->fields[0].name, "c") == 0;
}

static int
is_text_shape(const dsd__shape_t *s)
{
    return s->nfields == 2 && strcmp(s->fields[0].name, "lang") == 0 &&
           strcmp(s->fields[1].name, "text") == 0;
}

static core_str_t
id_at(const dsd__shape_t *s, const char *list, size_t i)
{
    return ((const dsd_m_common_t *)(list + i * s->size + s->fields[0].off))->id;
}

/* Whether every element has an id of its own: else they are compared by position. */
static int
ids_distinct(const dsd__shape_t *s, const char *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        core_str_t id = id_at(s, list, i);
        if (id.ptr == NULL || id.len == 0)
            return 0;
        if (i > 0 && core_str_eq(id, id_at(s, list, i - 1)))
            return 0;
    }
    return 1;
}

/* The position of id in list[n], looked for from hint on (lists mostly agree in order). */
static size_t
find_id(const dsd__shape_t *s, const char *list, size_t n, core_str_t id, size_t hint)
{
    for (size_t k = 0; k < n; k++) {
        size_t j = (hint + k) % n;
        if (core_str_eq(id_at(s, list, j), id))
            return j;
    }
    return NO_INDEX;
}

static void
diff_keyed(diff_t *d, const dsd__field_t *f, const char *x, size_t xn, const char *y, size_t yn)
{
    const dsd__shape_t *s = f->sub;
    int subset = d->o->subset && d->depth == 0 && strcmp(f->name, "items") == 0;
    int in_order = 1;
    size_t hint = 0, last = 0;
    const char *what = shown(f->name);
    for (size_t i = 0; i < xn && !full(d); i++) {
        core_str_t id = id_at(s, x, i);
        size_t j = yn ? find_id(s, y, yn, id, hint) : NO_INDEX;
        if (j == NO_INDEX) {
            if (!subset) {
                push(d, f->name, id, NO_INDEX);
                differ_note(d, "removed", "", CORE_STR_NULL);
                pop(d);
            }
            continue;
        }
        if (j < last)
            in_order = 0;
        last = j;
        hint = j + 1;
        push(d, f->name, id, NO_INDEX);
        diff_shape(d, s, x + i * s->size, y + j * s->size);
        pop(d);
    }
    hint = 0;
    for (size_t j = 0; j < yn && !full(d); j++) {
        core_str_t id = id_at(s, y, j);
        size_t i = xn ? find_id(s, x, xn, id, hint) : NO_INDEX;
        if (i != NO_INDEX) {
            hint = i + 1;
            continue;
        }
        push(d, f->name, id, NO_INDEX);
        differ_note(d, "added", "", CORE_STR_NULL);
        pop(d);
    }
    if (!in_order && !subset && !full(d)) {
        char prop[64];
        snprintf(prop, sizeof prop, "%s order", what);
        differ_note(d, prop, "changed", CORE_STR_NULL);
    }
}

static void
diff_list(diff_t *d, const dsd__field_t *f, const char *xb, const char *yb)
{
    const char *x = *(const char *const *)(xb + f->off), *y = *(const char *const *)(yb + f->off);
    size_t xn = *(const size_t *)(xb + f->off_n), yn = *(const size_t *)(yb + f->off_n);
    const dsd__shape_t *s = f->sub;
    if (is_text_shape(s)) {
        diff_texts(d, f->name, (const dsd_m_text_t *)x, xn, (const dsd_m_text_t *)y, yn);
        return;
    }
    if (is_keyed(s) && ids_distinct(s, x, xn) && ids_distinct(s, y, yn)) {
        diff_keyed(d, f, x, xn, y, yn);
        return;
    }
    if (xn != yn) {
        char prop[64], count[64];
        snprintf(prop, sizeof prop, "%ss", shown(f->name));
        snprintf(count, sizeof count, "%zu → %zu", xn, yn);
        differ_note(d, prop, count, CORE_STR_NULL);
        return;
    }
    for (size_t i = 0; i < xn && !full(d); i++) {
        push(d, f->name, CORE_STR_NULL, i);
        diff_shape(d, s, x + i * s->size, y + i * s->size);
        pop(d);
    }
}

static void
diff_strs(diff_t *d, const char *field, const core_str_t *x, size_t xn, const core_str_t *y,
          size_t yn)
{
    int same = xn == yn;
    for (size_t i = 0; same && i < xn; i++)
        same = core_str_eq(x[i], y[i]);
    if (same)
        return;
    core_buf_t bx, by;
    core_buf_init(&bx);
    core_buf_init(&by);
    for (size_t i = 0; i < xn; i++)
        core_buf_printf(&bx, "%s%.*s", i ? " " : "", CORE_STR_FMT(x[i]));
    for (size_t i = 0; i < yn; i++)
        core_buf_printf(&by, "%s%.*s", i ? " " : "", CORE_STR_FMT(y[i]));
    differ_strs(d, shown(field), (core_str_t){bx.ptr ? bx.ptr : "", bx.len},
                (core_str_t){by.ptr ? by.ptr : "", by.len});
    core_buf_dispose(&bx);
    core_buf_dispose(&by);
}

/* ---- fields ------------------------------------------------------------------------------- */

static void
diff_int(diff_t *d, const char *field, int x, int y)
{
    if (x == y)
        return;
    char detail[64];
    if (strncmp(field, "is_", 3) == 0 || strncmp(field, "has_", 4) == 0)
        snprintf(detail, sizeof detail, "%s → %s", x ? "true" : "false", y ? "true" : "false");
    else
        snprintf(detail, sizeof detail, "%d → %d", x, y);
    differ_note(d, shown(field), detail, CORE_STR_NULL);
}

static void
diff_field(diff_t *d, const dsd__field_t *f, const char *xb, const char *yb)
{
    const char *x = xb + f->off, *y = yb + f->off;
    switch (f->type) {
    case DSD__F_STR:
        if (strcmp(f->name, "urn") == 0)
            return; /* derived from the identity */
        if (!core_str_eq(*(const core_str_t *)x, *(const core_str_t *)y))
            differ_strs(d, shown(f->name), *(const core_str_t *)x, *(const core_str_t *)y);
        return;
    case DSD__F_INT:
        if (d->o->subset && strcmp(f->name, "is_partial") == 0)
            return;
        diff_int(d, f->name, *(const int *)x, *(const int *)y);
        return;
    case DSD__F_DREF: {
        const dsd_m_ref_t rx = {.ref = *(const dsd_ref_t *)x}, ry = {.ref = *(const dsd_ref_t *)y};
        diff_ref(d, f->name, &rx, &ry);
        return;
    }
    case DSD__F_OBJ:
        if (is_ref_shape(f->sub)) {
            diff_ref(d, f->name, (const dsd_m_ref_t *)x, (const dsd_m_ref_t *)y);
            return;
        }
        if (strcmp(f->name, "c") == 0) { /* the identification: its fields speak for it */
            diff_shape(d, f->sub, x, y);
            return;
        }
        push(d, f->name, CORE_STR_NULL, NO_INDEX);
        diff_shape(d, f->sub, x, y);
        pop(d);
        return;
    case DSD__F_ARR:
        diff_list(d, f, xb, yb);
        return;
    case DSD__F_STRS:
        diff_strs(d, f->name, *(const core_str_t *const *)x, *(const size_t *)(xb + f->off_n),
                  *(const core_str_t *const *)y, *(const size_t *)(yb + f->off_n));
        return;
    }
}

static void
diff_shape(diff_t *d, const dsd__shape_t *s, const char *x, const char *y)
{
    for (size_t i = 0; i < s->nfields && !full(d); i++)
        diff_field(d, &s->fields[i], x, y);
}

size_t
dsd_model_diff(const dsd_model_t *was, const dsd_model_t *now, const dsd_diff_opts_t *o,
               dsd_report_t *report)
{
    diff_t d = {.o = o, .report = report, .ref = &now->ref};
    diff_shape(&d, dsd__model_head_shape(), (const char *)was, (const char *)now);
    size_t off;
    const dsd__shape_t *body = dsd__model_body_shape(now->ref.kind, &off);
    if (body != NULL && was->ref.kind == now->ref.kind)
        diff_shape(&d, body, (const char *)was + off, (const char *)now + off);
    return d.found;
}
