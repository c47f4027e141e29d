#include <config.h>
#include "sdmx/sdmx_int.h"

#include <string.h>

/* SDMX-CSV data reader. SDMX-CSV 1.0: a DATAFLOW column (AGENCY:ID(VERSION)), then one
 * column per component, found by the id in the header row. The 2.0 header (STRUCTURE,
 * STRUCTURE_ID, ACTION) is read too, since exports in the wild use it. labels=both cells
 * ("A: Annual") are cut before ": " where a code is expected; codes and ids never hold a
 * space, so the cut cannot harm a real code.
 *
 * The message is read row by row straight from the caller's bytes: fields point into them
 * unless a doubled quote has to be undone, in which case the row's fields are rebuilt in
 * one scratch buffer sized for that row. Memory is per row, never per file. */

#define CSV_MAX_COLS 256
#define CSV_MAX_FIELD (64 * 1024)

enum col_role {
    COL_FLOW,      /* DATAFLOW, or STRUCTURE_ID in 2.0 */
    COL_STRUCTURE, /* 2.0: dataflow | datastructure | dataprovision */
    COL_ACTION,    /* 2.0: I A M R D */
    COL_DIM,
    COL_TIME,
    COL_MEASURE,
    COL_ATTR
};

struct col {
    core_str_t id; /* header id, labels cut off; lives in the reader's arena */
    enum col_role role;
    int coded; /* values are codes: cut "CODE: label" */
};

struct field {
    const char *ptr; /* the raw bytes, quotes included */
    size_t len;
    int quoted;
    int escaped; /* holds a doubled quote */
};

struct csv_reader {
    core_arena_t *a;
    const char *name;
    const dsd_events_t *ev;
    core_err_t *err;
    const char *start, *p, *end;
    long line;     /* line of p */
    long row_line; /* first line of the row being read */
    struct field raw[CSV_MAX_COLS];
    core_str_t cell[CSV_MAX_COLS];
    size_t nraw;
    core_buf_t scratch;
    struct col cols[CSV_MAX_COLS];
    size_t ncols;
    int version2; /* STRUCTURE/STRUCTURE_ID header */
};

/* Reads one row's raw fields into r->raw; *got is 0 at the end of the data. Blank lines are
 * skipped. */
static core_rc
read_row(struct csv_reader *r, int *got)
{
    *got = 0;
    while (r->p < r->end && (*r->p == '\n' || *r->p == '\r')) {
        if (*r->p == '\n')
            r->line++;
        r->p++;
    }
    if (r->p >= r->end)
        return CORE_OK;
    r->row_line = r->line;
    r->nraw = 0;
    for (;;) {
        if (r->nraw == CSV_MAX_COLS)
            return core_fail(r->err, CORE_ETOOBIG, "%s:%ld: more than %d fields in a row", r->name,
                             r->row_line, CSV_MAX_COLS);
        struct field *f = &r->raw[r->nraw++];
        *f = (struct field){.ptr = r->p};
        if (r->p < r->end && *r->p == '"') {
            long qline = r->line;
            f->quoted = 1;
            r->p++;
            for (;;) {
                if (r->p >= r->end)
                    return core_fail(r->err, CORE_ESYNTAX,
                                     "%s:%ld: a quoted field is not closed (no ending '\"')",
                                     r->name, qline);
                if (*r->p == '"') {
                    if (r->p + 1 < r->end && r->p[1] == '"') {
                        f->escaped = 1;
                        r->p += 2;
                        continue;
                    }
                    r->p++;
                    break;
                }
                if (*r->p == '\n')
                    r->line++;
                r->p++;
            }
            if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
                return core_fail(r->err, CORE_ESYNTAX,
                                 "%s:%ld: '%c' after the closing quote of a field (a field "
                                 "with quotes must be quoted whole, quotes doubled)",
                                 r->name, r->line, *r->p);
        } else {
            /* a quote inside an unquoted field is taken as it is, as Python's csv does */
            while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
                r->p++;
        }
        f->len = (size_t)(r->p - f->ptr);
        if (f->len > CSV_MAX_FIELD)
            return core_fail(r->err, CORE_ETOOBIG, "%s:%ld: a field of more than %d bytes", r->name,
                             r->row_line, CSV_MAX_FIELD);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == '\r')
            r->p++;
        if (r->p < r->end && *r->p == '\n') {
            r->p++;
            r->line++;
        }
        break;
    }
    *got = 1;
    return CORE_OK;
}

/* Turns the raw fields into cells: quotes removed, doubled quotes undone in the scratch
 * buffer, which is sized once for the row so that no cell moves. */
static void
row_cells(struct csv_reader *r)
{
    size_t need = 0;
    for (size_t i = 0; i < r->nraw; i++)
        if (r->raw[i].escaped)
            need += r->raw[i].len;
    core_buf_reset(&r->scratch);
    if (need > 0)
        core_buf_reserve(&r->scratch, need);
    for (size_t i = 0; i < r->nraw; i++) {
        const struct field *f = &r->raw[i];
        if (!f->quoted) {
            r->cell[i] = (core_str_t){f->ptr, f->len};
        } else if (!f->escaped) {
            r->cell[i] = (core_str_t){f->ptr + 1, f->len - 2};
        } else {
            char *out = r->scratch.ptr + r->scratch.len;
            size_t n = 0;
            for (size_t k = 1; k + 1 < f->len; k++) {
                out[n++] = f->ptr[k];
                if (f->ptr[k] == '"')
                    k++; /* the second of a doubled quote */
            }
            r->scratch.len += n;
            r->cell[i] = (core_str_t){out, n};
        }
    }
}

/* "CODE: label" -> "CODE". */
static core_str_t
cut_label(core_str_t s)
{
    for (size_t i = 0; i + 1 < s.len; i++)
        if (s.ptr[i] == ':' && s.ptr[i + 1] == ' ')
            return (core_str_t){s.ptr, i};
    return s;
}

static core_rc
read_header(struct csv_reader *r)
{
    int got;
    core_rc rc = read_row(r, &got);
    if (rc != CORE_OK)
        return rc;
    if (!got)
        return core_fail(r->err, CORE_ESYNTAX, "%s: the file is empty (no header row)", r->name);
    row_cells(r);
    r->ncols = r->nraw;
    int have_flow = 0;
    for (size_t i = 0; i < r->ncols; i++) {
        core_str_t id = core_str_trim(cut_label(r->cell[i]));
        if (id.len == 0)
            return core_fail(r->err, CORE_ESYNTAX, "%s:%ld: column %zu has no name", r->name,
                             r->row_line, i + 1);
        for (size_t k = 0; k < i; k++)
            if (core_str_eq(r->cols[k].id, id))
                return core_fail(r->err, CORE_ESYNTAX, "%s:%ld: column %.*s appears twice", r->name,
                                 r->row_line, CORE_STR_FMT(id));
        r->cols[i].id = core_arena_str(r->a, id);
        r->cols[i].role = COL_ATTR;
        if (core_str_eq_c(id, "DATAFLOW") || core_str_eq_c(id, "STRUCTURE_ID")) {
            r->cols[i].role = COL_FLOW;
            r->version2 = core_str_eq_c(id, "STRUCTURE_ID");
            have_flow++;
        } else if (core_str_eq_c(id, "STRUCTURE")) {
            r->cols[i].role = COL_STRUCTURE;
        } else if (core_str_eq_c(id, "ACTION")) {
            r->cols[i].role = COL_ACTION;
        }
    }
    if (have_flow != 1)
        return core_fail(r->err, CORE_ESYNTAX,
                         "%s:%ld: %s; SDMX-CSV 1.0 starts with a DATAFLOW column holding "
                         "AGENCY:ID(VERSION)",
                         r->name, r->row_line,
                         have_flow ? "more than one DATAFLOW or STRUCTURE_ID column"
                                   : "no DATAFLOW column");
    return CORE_OK;
}

/* Once the DSD is known: which column is what. */
static void
classify(struct csv_reader *r, const dsd_structure_t *dsd)
{
    const char *time_id = dsd->time.id ? dsd->time.id : "TIME_PERIOD";
    for (size_t i = 0; i < r->ncols; i++) {
        struct col *c = &r->cols[i];
        if (c->role != COL_ATTR)
            continue;
        int d = dsd_structure_dim(dsd, c->id);
        const dsd_component_t *at;
        if (d >= 0) {
            c->role = COL_DIM;
            c->coded = dsd->dims[d].codelist.kind != DSD_KIND_NONE;
        } else if (core_str_eq_c(c->id, time_id)) {
            c->role = COL_TIME;
        } else if (core_str_eq_c(c->id, dsd->measure.id)) {
            c->role = COL_MEASURE;
        } else if ((at = dsd_structure_attr(dsd, c->id)) != NULL) {
            c->coded = at->codelist.kind != DSD_KIND_NONE;
        }
    }
}

static dsd_action
row_action(core_str_t s)
{
    s = cut_label(core_str_trim(s));
    if (core_str_ieq_c(s, "R") || core_str_ieq_c(s, "Replace"))
        return DSD_ACTION_REPLACE;
    if (core_str_ieq_c(s, "D") || core_str_ieq_c(s, "Delete"))
        return DSD_ACTION_DELETE;
    return DSD_ACTION_APPEND; /* I, A, M, empty */
}

/* The structure the row names: DATAFLOW (1.0) or STRUCTURE + STRUCTURE_ID (2.0). */
static core_rc
row_structure(struct csv_reader *r, dsd_ref_t *out, core_str_t *text)
{
    out->kind = DSD_KIND_DATAFLOW;
    for (size_t i = 0; i < r->ncols; i++) {
        core_str_t v = core_str_trim(r->cell[i]);
        if (r->cols[i].role == COL_FLOW) {
            *text = cut_label(v);
        } else if (r->cols[i].role == COL_STRUCTURE && r->version2) {
            v = cut_label(v);
            if (core_str_ieq_c(v, "datastructure"))
                out->kind = DSD_KIND_DATASTRUCTURE;
            else if (!core_str_ieq_c(v, "dataflow"))
                return core_fail(r->err, CORE_ENOTIMPL,
                                 "%s:%ld: STRUCTURE '%.*s' is not supported; use dataflow or "
                                 "datastructure",
                                 r->name, r->row_line, CORE_STR_FMT(v));
        }
    }
    if (!dsd_ref_parse_short(*text, out->kind, out))
        return core_fail(r->err, CORE_ESYNTAX, "%s:%ld: %s '%.*s' is not AGENCY:ID(VERSION)",
                         r->name, r->row_line, r->version2 ? "STRUCTURE_ID" : "DATAFLOW",
                         CORE_STR_FMT(*text));
    return CORE_OK;
}

static core_rc
emit_row(struct csv_reader *r)
{
    dsd_kv_t key[CSV_MAX_COLS], attrs[CSV_MAX_COLS];
    size_t nkey = 0, nattrs = 0;
    core_str_t period = CORE_STR_NULL, value = CORE_STR_NULL;
    for (size_t i = 0; i < r->ncols; i++) {
        const struct col *c = &r->cols[i];
        core_str_t v = c->coded ? cut_label(r->cell[i]) : r->cell[i];
        switch (c->role) {
        case COL_DIM:
            if (v.len > 0)
                key[nkey++] = (dsd_kv_t){c->id, v};
            break;
        case COL_TIME:
            period = v;
            break;
        case COL_MEASURE:
            value = v;
            break;
        case COL_ATTR:
            if (v.len > 0)
                attrs[nattrs++] = (dsd_kv_t){c->id, v};
            break;
        default:
            break;
        }
    }
    return r->ev->obs(r->ev->ctx, key, nkey, period, value, attrs, nattrs, r->row_line, r->err);
}

static core_rc
read_rows(struct csv_reader *r)
{
    core_rc rc;
    if ((rc = read_header(r)) != CORE_OK)
        return rc;
    dsd_ref_t first = {0};
    core_str_t first_text = CORE_STR_NULL;
    const dsd_structure_t *dsd = NULL;
    dsd_action action = DSD_ACTION_APPEND;
    int action_col = -1;
    for (size_t i = 0; i < r->ncols; i++)
        if (r->cols[i].role == COL_ACTION && r->version2)
            action_col = (int)i;
    for (size_t rows = 1;; rows++) {
        int got;
        if ((rc = read_row(r, &got)) != CORE_OK)
            return rc;
        if (!got)
            break;
        if (r->ev->consumed != NULL && (rows & 0x3fff) == 0)
            r->ev->consumed(r->ev->ctx, (size_t)(r->p - r->start));
        if (r->nraw != r->ncols)
            return core_fail(r->err, CORE_ESYNTAX, "%s:%ld: %zu fields where the header has %zu",
                             r->name, r->row_line, r->nraw, r->ncols);
        row_cells(r);
        dsd_ref_t ref;
        core_str_t text;
        if ((rc = row_structure(r, &ref, &text)) != CORE_OK)
            return rc;
        dsd_action act = action_col >= 0 ? row_action(r->cell[action_col]) : DSD_ACTION_APPEND;
        if (dsd == NULL) {
            first_text = core_arena_str(r->a, text);
            if (!dsd_ref_parse_short(first_text, ref.kind, &first))
                return core_fail(r->err, CORE_EBUG, "%s: DATAFLOW reparse", r->name);
            if ((rc = r->ev->resolve(r->ev->ctx, &first, &dsd, r->err)) != CORE_OK)
                return rc;
            classify(r, dsd);
            action = act;
            if ((rc = r->ev->dataset(r->ev->ctx, action, &first, NULL, 0, r->err)) != CORE_OK)
                return rc;
        } else if (!core_str_eq(text, first_text) || ref.kind != first.kind) {
            return core_fail(r->err, CORE_ESEMANTIC,
                             "%s:%ld: this row is for %.*s but the first row is for %.*s; load "
                             "one dataflow per file",
                             r->name, r->row_line, CORE_STR_FMT(text), CORE_STR_FMT(first_text));
        } else if (act != action) {
            /* SDMX-CSV 2.0 gives the action per row; the events give it per data set */
            action = act;
            if ((rc = r->ev->dataset_end(r->ev->ctx, r->err)) != CORE_OK ||
                (rc = r->ev->dataset(r->ev->ctx, action, &first, NULL, 0, r->err)) != CORE_OK)
                return rc;
        }
        if ((rc = emit_row(r)) != CORE_OK)
            return rc;
    }
    if (dsd == NULL)
        return core_fail(r->err, CORE_ESYNTAX, "%s: a header row but no data rows", r->name);
    return r->ev->dataset_end(r->ev->ctx, r->err);
}

core_rc
sdmx_data_read_csv(core_arena_t *a, const char *data, size_t len, const char *name,
                   const dsd_events_t *ev, core_err_t *err)
{
    struct csv_reader *r = core_arena_zalloc(a, sizeof *r);
    r->a = a;
    r->name = name;
    r->ev = ev;
    r->err = err;
    r->start = r->p = data;
    r->end = data + len;
    r->line = 1;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        r->p += 3;
    core_buf_init(&r->scratch);
    core_rc rc = read_rows(r);
    core_buf_dispose(&r->scratch);
    return rc;
}
