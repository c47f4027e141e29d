#include <config.h>
#include "sdmx/sdmx_int.h"

#include <limits.h>
#include <string.h>
#include <yajl/yajl_parse.h>

/* SDMX-JSON 1.0 data reader, streaming with yajl's callback parser rather than yajl_tree:
 * data messages can be large (a tree costs many times the bytes), and all the reader keeps
 * is the structure, one series key and one observation. The catch is that observations are
 * index tuples into structure.dimensions and structure.attributes, and JSON objects have no
 * order, so the structure (and a data set's action and attributes) may come after the
 * observations that need them. Hence two passes over the bytes the caller holds: the first
 * reads the structure, the links and each data set's action and attributes, skipping the
 * series and observations; the second skips the structure and emits the events. Both
 * passes check the syntax, so a malformed message stops before any event.
 *
 * Both envelopes are read: the final 1.0 one ({"meta", "data": {"structure", "dataSets"}})
 * and the earlier one ({"header", "structure", "dataSets"}) that servers still send. */

#define JSON_MAX_DEPTH 64
#define JSON_MAX_KEY 4096
#define JSON_MAX_COMPS 256
#define JSON_MAX_VALUE (64 * 1024)

enum ctx {
    C_SKIP,
    C_ROOT,
    C_HEADER,
    C_STRUCT,
    C_LINKS,
    C_LINK,
    C_LEVELS, /* structure.dimensions or structure.attributes */
    C_COMPS,  /* ...dimensions.series */
    C_COMP,
    C_VALUES,
    C_VALUE,
    C_NAME, /* a localised name map */
    C_DATASETS,
    C_DATASET,
    C_DS_ATTRS,
    C_SERIES_MAP,
    C_SERIES,
    C_SER_ATTRS,
    C_OBS_MAP,
    C_OBS
};

enum level { L_DATASET, L_SERIES, L_OBS, L__COUNT };

struct frame {
    enum ctx ctx;
    int is_map;
    size_t index;      /* arrays: the element being read */
    size_t koff, klen; /* maps: the current key, in r->path */
    int have_key;
    int attrs;        /* C_LEVELS down to C_VALUE: attributes rather than dimensions */
    enum level level; /* C_COMPS */
};

struct comp {
    core_str_t id;
    core_str_t *values; /* code ids; attribute values without id use their name */
    size_t nvalues, cap;
};

struct comps {
    struct comp *v;
    size_t n, cap;
};

struct link {
    core_str_t rel, urn, href;
};

struct dsinfo {
    dsd_action action;
    long *attr; /* index into the value list, -1 for null; grown as read, so that an
                   empty data set costs little */
    size_t nattr, cap;
};

struct json_reader {
    core_arena_t *a;
    const char *name;
    const dsd_events_t *ev;
    core_err_t *err;
    const char *data;
    size_t len;
    yajl_handle h;
    int at_end; /* in yajl_complete_parse() */
    int pass;   /* 1: structure, 2: events */
    /* where we are */
    struct frame st[JSON_MAX_DEPTH];
    size_t depth;
    core_buf_t path; /* the keys of the open maps, one after another */
    size_t line_off;
    long line;
    /* pass 1 */
    int seen_structure, seen_datasets;
    /* what a message this reader does not read showed of itself, to name it when refused */
    int seen_v2, seen_metadata, seen_artefacts;
    struct comps dims[L__COUNT], attrs[L__COUNT];
    struct comp *cur_comp;
    core_str_t vid, vname; /* the value being read */
    struct link *links;
    size_t nlinks, cap_links;
    struct link cur_link;
    struct dsinfo *ds;
    size_t nds, cap_ds;
    /* pass 2 */
    dsd_ref_t flow;
    const dsd_structure_t *dsd;
    const char *time_id;
    size_t sidx[JSON_MAX_COMPS], nsidx;
    int in_series;
    dsd_kv_t sattrs[JSON_MAX_COMPS];
    size_t nsattrs;
    size_t oidx[JSON_MAX_COMPS], noidx;
    dsd_kv_t oattrs[JSON_MAX_COMPS];
    size_t noattrs;
    core_buf_t value;
    int have_value;
};

/* ---- locations ---------------------------------------------------------------------------- */

static long
cur_line(struct json_reader *r)
{
    /* yajl_complete_parse() counts from 0 again: its errors are at the end */
    size_t off = r->at_end ? r->len : yajl_get_bytes_consumed(r->h);
    if (r->at_end && off > 0 && r->data[off - 1] == '\n')
        off--; /* the last line, not the empty one after it */
    if (off > r->len)
        off = r->len;
    for (; r->line_off < off; r->line_off++)
        if (r->data[r->line_off] == '\n')
            r->line++;
    return r->line;
}

/* "/dataSets/0/series/0:1/observations/2" for messages; lives in r->a. */
static const char *
cur_path(struct json_reader *r)
{
    core_buf_t b;
    core_buf_init(&b);
    for (size_t i = 0; i < r->depth; i++) {
        const struct frame *f = &r->st[i];
        if (f->is_map && f->have_key) {
            core_buf_addc(&b, '/');
            core_buf_add(&b, r->path.ptr + f->koff, f->klen);
        } else if (!f->is_map) {
            core_buf_printf(&b, "/%zu", f->index);
        }
    }
    char *s = core_arena_strndup(r->a, b.ptr ? b.ptr : "", b.len);
    core_buf_dispose(&b);
    return s[0] ? s : "/";
}

static int
fail(struct json_reader *r, core_rc code, const char *what)
{
    core_fail(r->err, code, "%s:%ld: at %s: %s", r->name, cur_line(r), cur_path(r), what);
    return 0;
}

static core_str_t
key_of(const struct json_reader *r, const struct frame *f)
{
    return (core_str_t){r->path.ptr + f->koff, f->klen};
}

/* ---- pass 1: structure, links, data set headers ---------------------------------------------- */

static int
level_of(core_str_t k, enum level *out)
{
    if (core_str_ieq_c(k, "dataSet"))
        *out = L_DATASET;
    else if (core_str_eq_c(k, "series"))
        *out = L_SERIES;
    else if (core_str_eq_c(k, "observation"))
        *out = L_OBS;
    else
        return 0;
    return 1;
}

/* The context of a container that opens in parent (key or index as parent says). */
static enum ctx
child_ctx(struct json_reader *r, const struct frame *p, int is_map, struct frame *child)
{
    core_str_t k = p->is_map && p->have_key ? key_of(r, p) : CORE_STR_NULL;
    int one = r->pass == 1;
    switch (p->ctx) {
    case C_ROOT:
        if (!is_map && core_str_eq_c(k, "structures")) {
            r->seen_v2 = 1; /* SDMX-JSON 2.0 data: its data sets are not read as 1.0's */
            return C_SKIP;
        }
        if (!is_map && core_str_eq_c(k, "metadataSets")) {
            r->seen_metadata = 1;
            return C_SKIP;
        }
        if (!is_map && (core_str_eq_c(k, "dataStructures") || core_str_eq_c(k, "codelists") ||
                        core_str_eq_c(k, "conceptSchemes") || core_str_eq_c(k, "dataflows"))) {
            r->seen_artefacts = 1;
            return C_SKIP;
        }
        if (!is_map && core_str_eq_c(k, "dataSets") && r->seen_v2)
            return C_SKIP;
        if (!is_map && core_str_eq_c(k, "dataSets")) {
            r->seen_datasets = 1;
            return C_DATASETS;
        }
        if (core_str_eq_c(k, "data"))
            return C_ROOT;
        if (core_str_eq_c(k, "structure")) {
            r->seen_structure = 1;
            return one ? C_STRUCT : C_SKIP;
        }
        if (core_str_eq_c(k, "header") || core_str_eq_c(k, "meta"))
            return one ? C_HEADER : C_SKIP;
        return C_SKIP;
    case C_HEADER:
    case C_STRUCT:
        if (!is_map && core_str_eq_c(k, "links"))
            return C_LINKS;
        if (p->ctx == C_STRUCT && is_map &&
            (core_str_eq_c(k, "dimensions") || core_str_eq_c(k, "attributes"))) {
            child->attrs = core_str_eq_c(k, "attributes");
            return C_LEVELS;
        }
        return C_SKIP;
    case C_LINKS:
        return is_map ? C_LINK : C_SKIP;
    case C_LEVELS:
        if (!is_map && level_of(k, &child->level)) {
            child->attrs = p->attrs;
            return C_COMPS;
        }
        return C_SKIP;
    case C_COMPS:
        if (!is_map)
            return C_SKIP;
        child->attrs = p->attrs;
        child->level = p->level;
        return C_COMP;
    case C_COMP:
        child->attrs = p->attrs;
        return !is_map && core_str_eq_c(k, "values") ? C_VALUES : C_SKIP;
    case C_VALUES:
        child->attrs = p->attrs;
        return is_map ? C_VALUE : C_SKIP;
    case C_VALUE:
        return is_map && core_str_eq_c(k, "name") ? C_NAME : C_SKIP;
    case C_DATASET:
        if (!is_map && core_str_eq_c(k, "links"))
            return one ? C_LINKS : C_SKIP;
        if (!is_map && core_str_eq_c(k, "attributes"))
            return one ? C_DS_ATTRS : C_SKIP;
        if (is_map && core_str_eq_c(k, "series"))
            return one ? C_SKIP : C_SERIES_MAP;
        if (is_map && core_str_eq_c(k, "observations"))
            return one ? C_SKIP : C_OBS_MAP;
        return C_SKIP;
    case C_DATASETS:
        return is_map ? C_DATASET : C_SKIP;
    case C_SERIES_MAP:
        return is_map ? C_SERIES : C_SKIP;
    case C_SERIES:
        if (!is_map && core_str_eq_c(k, "attributes"))
            return C_SER_ATTRS;
        if (is_map && core_str_eq_c(k, "observations"))
            return C_OBS_MAP;
        return C_SKIP;
    case C_OBS_MAP:
        return is_map ? C_SKIP : C_OBS;
    default:
        return C_SKIP;
    }
}

static core_str_t
dup(struct json_reader *r, const char *s, size_t n)
{
    return core_arena_str(r->a, (core_str_t){s, n});
}

static void
comp_add_value(struct json_reader *r, core_str_t v)
{
    struct comp *c = r->cur_comp;
    core_arena_grow(r->a, (void **)&c->values, c->nvalues, &c->cap, sizeof *c->values);
    c->values[c->nvalues++] = v;
}

static int
p1_scalar(struct json_reader *r, struct frame *f, int is_null, const char *s, size_t n)
{
    core_str_t k = f->is_map && f->have_key ? key_of(r, f) : CORE_STR_NULL;
    switch (f->ctx) {
    case C_HEADER:
        /* meta.schema names the version: a 2.0 data message is refused as what it is before
         * its data sets, laid out otherwise, are read as 1.0's */
        if (core_str_eq_c(k, "schema") && !is_null && memmem(s, n, "/2.0", 4) != NULL)
            r->seen_v2 = 1;
        return 1;
    case C_LINK:
        if (is_null)
            return 1;
        if (core_str_eq_c(k, "rel"))
            r->cur_link.rel = dup(r, s, n);
        else if (core_str_eq_c(k, "urn"))
            r->cur_link.urn = dup(r, s, n);
        else if (core_str_eq_c(k, "href"))
            r->cur_link.href = dup(r, s, n);
        return 1;
    case C_COMP:
        if (core_str_eq_c(k, "id") && !is_null)
            r->cur_comp->id = dup(r, s, n);
        return 1;
    case C_VALUES: /* attribute values may be null */
        if (!is_null || !f->attrs)
            return fail(r, CORE_ESYNTAX,
                        f->attrs ? "a value must be an object or null"
                                 : "a dimension value must be an object with an id");
        comp_add_value(r, CORE_STR_NULL);
        return 1;
    case C_VALUE:
        if (core_str_eq_c(k, "id") && !is_null)
            r->vid = dup(r, s, n);
        else if (core_str_eq_c(k, "name") && !is_null)
            r->vname = dup(r, s, n);
        return 1;
    case C_NAME:
        if (r->vname.ptr == NULL && !is_null)
            r->vname = dup(r, s, n);
        return 1;
    case C_DATASET:
        if (core_str_eq_c(k, "action") && !is_null) {
            core_str_t v = {s, n};
            struct dsinfo *d = &r->ds[r->nds - 1];
            if (core_str_eq_c(v, "Replace"))
                d->action = DSD_ACTION_REPLACE;
            else if (core_str_eq_c(v, "Delete"))
                d->action = DSD_ACTION_DELETE;
            else if (core_str_eq_c(v, "Append") || core_str_eq_c(v, "Information") ||
                     core_str_eq_c(v, "Merge"))
                d->action = DSD_ACTION_APPEND;
            else
                return fail(r, CORE_ESYNTAX,
                            core_arena_printf(r->a,
                                              "action '%.*s' is not Information, Append, "
                                              "Replace or Delete",
                                              (int)(n > 64 ? 64 : n), s));
        }
        return 1;
    case C_DS_ATTRS: {
        struct dsinfo *d = &r->ds[r->nds - 1];
        uint64_t v = 0;
        if (!is_null && core_parse_u64((core_str_t){s, n}, &v, NULL) != CORE_OK)
            return fail(r, CORE_ESYNTAX, "an attribute index must be a whole number or null");
        if (d->nattr < JSON_MAX_COMPS) {
            core_arena_grow(r->a, (void **)&d->attr, d->nattr, &d->cap, sizeof *d->attr);
            d->attr[d->nattr++] = is_null || v > (uint64_t)LONG_MAX ? -1 : (long)v;
        }
        return 1;
    }
    default:
        return 1;
    }
}

static int
p1_open(struct json_reader *r, struct frame *f)
{
    if (f->ctx == C_COMP) {
        struct comps *l = f->attrs ? &r->attrs[f->level] : &r->dims[f->level];
        if (l->n == JSON_MAX_COMPS)
            return fail(r, CORE_ETOOBIG, "more than 256 components at one level");
        core_arena_grow(r->a, (void **)&l->v, l->n, &l->cap, sizeof *l->v);
        r->cur_comp = &l->v[l->n++];
        *r->cur_comp = (struct comp){.id = CORE_STR_NULL};
    } else if (f->ctx == C_VALUE) {
        r->vid = r->vname = CORE_STR_NULL;
    } else if (f->ctx == C_LINK) {
        r->cur_link = (struct link){.rel = CORE_STR_NULL};
    } else if (f->ctx == C_DATASET) {
        core_arena_grow(r->a, (void **)&r->ds, r->nds, &r->cap_ds, sizeof *r->ds);
        r->ds[r->nds++] = (struct dsinfo){.action = DSD_ACTION_APPEND};
    }
    return 1;
}

static int
p1_close(struct json_reader *r, struct frame *f)
{
    if (f->ctx == C_VALUE) {
        /* a key needs a code; an attribute value without either is taken as null */
        if (r->vid.ptr == NULL && r->vname.ptr == NULL && !f->attrs)
            return fail(r, CORE_ESYNTAX, "a dimension value without an id");
        comp_add_value(r, r->vid.ptr ? r->vid : r->vname);
    } else if (f->ctx == C_LINK && (r->cur_link.urn.ptr != NULL || r->cur_link.href.ptr != NULL)) {
        core_arena_grow(r->a, (void **)&r->links, r->nlinks, &r->cap_links, sizeof *r->links);
        r->links[r->nlinks++] = r->cur_link;
    } else if (f->ctx == C_COMP && r->cur_comp->id.ptr == NULL) {
        return fail(r, CORE_ESYNTAX, "a component without an id");
    }
    return 1;
}

/* ---- pass 2: events -----------------------------------------------------------------------------
 */

/* Parses "0:3:1" into n indexes, one per component of l. */
static int
parse_key(struct json_reader *r, core_str_t key, const struct comps *l, const char *lname,
          size_t *idx, size_t *n)
{
    *n = 0;
    core_str_t rest = key;
    while (rest.ptr != NULL && l->n > 0) {
        core_str_t part;
        rest = core_str_split(rest, ':', &part);
        uint64_t v;
        if (*n == l->n || core_parse_u64(part, &v, NULL) != CORE_OK)
            return fail(r, CORE_ESYNTAX,
                        core_arena_printf(r->a,
                                          "key '%.*s' does not fit the %zu dimension(s) of "
                                          "structure.dimensions.%s",
                                          CORE_STR_FMT(key), l->n, lname));
        if (v >= l->v[*n].nvalues)
            return fail(r, CORE_ESYNTAX,
                        core_arena_printf(r->a,
                                          "key '%.*s': index %llu but dimension %.*s has %zu "
                                          "value(s)",
                                          CORE_STR_FMT(key), (unsigned long long)v,
                                          CORE_STR_FMT(l->v[*n].id), l->v[*n].nvalues));
        idx[(*n)++] = (size_t)v;
    }
    if (*n != l->n || (l->n == 0 && key.len > 0 && !core_str_eq_c(key, "0")))
        return fail(r, CORE_ESYNTAX,
                    core_arena_printf(r->a,
                                      "key '%.*s' does not fit the %zu dimension(s) of "
                                      "structure.dimensions.%s",
                                      CORE_STR_FMT(key), l->n, lname));
    return 1;
}

/* Appends value v of the attribute at position pos of level to out, unless the value is
 * null or pos is beyond the attributes (ECB's own samples carry spare positions). */
static int
attr_lookup(struct json_reader *r, enum level level, size_t pos, uint64_t v, dsd_kv_t *out,
            size_t *nout)
{
    const struct comps *l = &r->attrs[level];
    if (pos >= l->n)
        return 1;
    const struct comp *c = &l->v[pos];
    if (v >= c->nvalues)
        return fail(r, CORE_ESYNTAX,
                    core_arena_printf(r->a, "index %llu but attribute %.*s has %zu value(s)",
                                      (unsigned long long)v, CORE_STR_FMT(c->id), c->nvalues));
    if (c->values[v].ptr == NULL)
        return 1;
    out[(*nout)++] = (dsd_kv_t){c->id, c->values[v]};
    return 1;
}

/* The same for an index as the message writes it (a number or null). */
static int
attr_value(struct json_reader *r, enum level level, size_t pos, int is_null, const char *s,
           size_t n, dsd_kv_t *out, size_t *nout)
{
    uint64_t v;
    if (is_null)
        return 1;
    if (core_parse_u64((core_str_t){s, n}, &v, NULL) != CORE_OK)
        return fail(r, CORE_ESYNTAX, "an attribute index must be a whole number or null");
    return attr_lookup(r, level, pos, v, out, nout);
}

static core_rc
resolve(struct json_reader *r)
{
    if (r->dsd != NULL)
        return CORE_OK;
    core_rc rc = r->ev->resolve(r->ev->ctx, &r->flow, &r->dsd, r->err);
    if (rc == CORE_OK)
        r->time_id = r->dsd->time.id ? r->dsd->time.id : "TIME_PERIOD";
    return rc;
}

static void
key_add(struct json_reader *r, const struct comp *c, core_str_t v, dsd_kv_t *key, size_t *n,
        core_str_t *period)
{
    if (core_str_eq_c(c->id, r->time_id))
        *period = v;
    else
        key[(*n)++] = (dsd_kv_t){c->id, v};
}

static int
emit_obs(struct json_reader *r)
{
    dsd_kv_t key[3 * JSON_MAX_COMPS];
    size_t n = 0;
    core_str_t period = CORE_STR_NULL;
    const struct comps *ds = &r->dims[L_DATASET], *se = &r->dims[L_SERIES], *ob = &r->dims[L_OBS];
    for (size_t i = 0; i < ds->n; i++)
        if (ds->v[i].nvalues > 0)
            key_add(r, &ds->v[i], ds->v[i].values[0], key, &n, &period);
    for (size_t i = 0; r->in_series && i < r->nsidx; i++)
        key_add(r, &se->v[i], se->v[i].values[r->sidx[i]], key, &n, &period);
    for (size_t i = 0; i < r->noidx; i++)
        key_add(r, &ob->v[i], ob->v[i].values[r->oidx[i]], key, &n, &period);
    core_str_t value = r->have_value ? (core_str_t){r->value.ptr, r->value.len} : CORE_STR("");
    core_rc rc =
        r->ev->obs(r->ev->ctx, key, n, period, value, r->oattrs, r->noattrs, cur_line(r), r->err);
    return rc == CORE_OK;
}

static int
p2_scalar(struct json_reader *r, struct frame *f, int is_null, const char *s, size_t n)
{
    if (f->ctx == C_SER_ATTRS) {
        if (f->index >= JSON_MAX_COMPS)
            return 1;
        return attr_value(r, L_SERIES, f->index, is_null, s, n, r->sattrs, &r->nsattrs);
    }
    if (f->ctx != C_OBS)
        return 1;
    if (f->index == 0) {
        if (n > JSON_MAX_VALUE)
            return fail(r, CORE_ETOOBIG, "an observation value longer than 64 KiB");
        core_buf_reset(&r->value);
        if (!is_null)
            core_buf_add(&r->value, s, n);
        r->have_value = !is_null;
        return 1;
    }
    if (f->index - 1 >= JSON_MAX_COMPS)
        return 1;
    return attr_value(r, L_OBS, f->index - 1, is_null, s, n, r->oattrs, &r->noattrs);
}

static int
p2_open(struct json_reader *r, struct frame *f, const struct frame *p)
{
    if (f->ctx == C_DATASET) {
        struct dsinfo *d = &r->ds[p->index];
        dsd_kv_t attrs[JSON_MAX_COMPS];
        size_t n = 0;
        if (resolve(r) != CORE_OK)
            return 0;
        for (size_t i = 0; i < d->nattr; i++)
            if (d->attr[i] >= 0 && !attr_lookup(r, L_DATASET, i, (uint64_t)d->attr[i], attrs, &n))
                return 0;
        return r->ev->dataset(r->ev->ctx, d->action, &r->flow, attrs, n, r->err) == CORE_OK;
    }
    if (f->ctx == C_SERIES) {
        r->in_series = 1;
        r->nsattrs = 0;
        return parse_key(r, key_of(r, p), &r->dims[L_SERIES], "series", r->sidx, &r->nsidx);
    }
    if (f->ctx == C_OBS) {
        r->noattrs = 0;
        r->have_value = 0;
        return parse_key(r, key_of(r, p), &r->dims[L_OBS], "observation", r->oidx, &r->noidx);
    }
    return 1;
}

static int
p2_close(struct json_reader *r, struct frame *f)
{
    switch (f->ctx) {
    case C_OBS:
        return emit_obs(r);
    case C_SER_ATTRS: {
        if (r->nsattrs == 0)
            return 1;
        dsd_kv_t key[JSON_MAX_COMPS * 2];
        size_t n = 0;
        core_str_t period = CORE_STR_NULL;
        const struct comps *ds = &r->dims[L_DATASET], *se = &r->dims[L_SERIES];
        for (size_t i = 0; i < ds->n; i++)
            if (ds->v[i].nvalues > 0)
                key_add(r, &ds->v[i], ds->v[i].values[0], key, &n, &period);
        for (size_t i = 0; i < r->nsidx; i++)
            key_add(r, &se->v[i], se->v[i].values[r->sidx[i]], key, &n, &period);
        return r->ev->series(r->ev->ctx, key, n, r->sattrs, r->nsattrs, cur_line(r), r->err) ==
               CORE_OK;
    }
    case C_SERIES:
        r->in_series = 0;
        return 1;
    case C_DATASET:
        return r->ev->dataset_end(r->ev->ctx, r->err) == CORE_OK;
    default:
        return 1;
    }
}

/* ---- yajl callbacks: keep the path, hand each event to the pass --------------------------------
 */

static int
scalar(struct json_reader *r, int is_null, const char *s, size_t n)
{
    if (r->depth == 0)
        return fail(r, CORE_ESYNTAX, "an SDMX-JSON message is an object");
    struct frame *f = &r->st[r->depth - 1];
    int ok = f->ctx == C_SKIP ? 1
             : r->pass == 1   ? p1_scalar(r, f, is_null, s, n)
                              : p2_scalar(r, f, is_null, s, n);
    if (!f->is_map)
        f->index++;
    return ok;
}

static int
on_null(void *ctx)
{
    return scalar(ctx, 1, "", 0);
}

static int
on_boolean(void *ctx, int v)
{
    return v ? scalar(ctx, 0, "true", 4) : scalar(ctx, 0, "false", 5);
}

static int
on_number(void *ctx, const char *s, size_t n)
{
    return scalar(ctx, 0, s, n);
}

static int
on_string(void *ctx, const unsigned char *s, size_t n)
{
    return scalar(ctx, 0, (const char *)s, n);
}

static int
open_container(struct json_reader *r, int is_map)
{
    if (r->depth == JSON_MAX_DEPTH)
        return fail(r, CORE_ETOOBIG, "nested more than 64 deep");
    struct frame *f = &r->st[r->depth];
    *f = (struct frame){.is_map = is_map, .koff = r->path.len};
    if (r->depth == 0) {
        if (!is_map)
            return fail(r, CORE_ESYNTAX, "an SDMX-JSON message is an object");
        f->ctx = C_ROOT;
    } else {
        struct frame *p = &r->st[r->depth - 1];
        f->ctx = p->ctx == C_SKIP ? C_SKIP : child_ctx(r, p, is_map, f);
    }
    /* handled before the frame counts, so that a message's path ends at the key */
    int ok = f->ctx == C_SKIP ? 1
             : r->pass == 1   ? p1_open(r, f)
             : r->depth == 0  ? 1
                              : p2_open(r, f, &r->st[r->depth - 1]);
    r->depth++;
    return ok;
}

static int
close_container(struct json_reader *r)
{
    struct frame *f = &r->st[r->depth - 1];
    int ok = f->ctx == C_SKIP ? 1 : r->pass == 1 ? p1_close(r, f) : p2_close(r, f);
    r->depth--;
    r->path.len = f->koff;
    if (r->depth > 0 && !r->st[r->depth - 1].is_map)
        r->st[r->depth - 1].index++;
    return ok;
}

static int
on_start_map(void *ctx)
{
    return open_container(ctx, 1);
}

static int
on_start_array(void *ctx)
{
    return open_container(ctx, 0);
}

static int
on_end(void *ctx)
{
    return close_container(ctx);
}

static int
on_map_key(void *ctx, const unsigned char *k, size_t n)
{
    struct json_reader *r = ctx;
    struct frame *f = &r->st[r->depth - 1];
    if (n > JSON_MAX_KEY)
        return fail(r, CORE_ETOOBIG, "a key longer than 4096 bytes");
    r->path.len = f->koff;
    core_buf_add(&r->path, k, n);
    f->klen = n;
    f->have_key = 1;
    return 1;
}

static const yajl_callbacks callbacks = {
    on_null,      on_boolean, NULL,   NULL,           on_number, on_string,
    on_start_map, on_map_key, on_end, on_start_array, on_end,
};

static core_rc
run_pass(struct json_reader *r, int pass)
{
    r->pass = pass;
    r->depth = 0;
    r->line = 1;
    r->line_off = 0;
    core_buf_reset(&r->path);
    r->h = yajl_alloc(&callbacks, NULL, r);
    if (r->h == NULL)
        return core_fail(r->err, CORE_EIO, "%s: cannot start the JSON parser", r->name);
    r->at_end = 0;
    yajl_status st = yajl_parse(r->h, (const unsigned char *)r->data, r->len);
    if (st == yajl_status_ok) {
        r->at_end = 1;
        st = yajl_complete_parse(r->h);
    }
    core_rc rc = CORE_OK;
    if (st == yajl_status_client_canceled) {
        rc = r->err != NULL && r->err->code != CORE_OK ? r->err->code : CORE_ESYNTAX;
        if (r->err == NULL || r->err->code == CORE_OK)
            core_fail(r->err, CORE_ESYNTAX, "%s: the JSON reader stopped", r->name);
    } else if (st != yajl_status_ok) {
        unsigned char *msg = yajl_get_error(r->h, 0, NULL, 0);
        size_t n = msg ? strlen((const char *)msg) : 0;
        while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
            n--;
        rc = core_fail(r->err, CORE_ESYNTAX, "%s:%ld: at %s: not well-formed JSON: %.*s", r->name,
                       cur_line(r), cur_path(r), (int)n, msg ? (const char *)msg : "");
        if (msg)
            yajl_free_error(r->h, msg);
    }
    yajl_free(r->h);
    r->h = NULL;
    return rc;
}

/* ---- the dataflow ---------------------------------------------------------------------------- */

/* ".../dataflow/ECB/EXR/1.0" -> Dataflow ECB:EXR(1.0); the same for datastructure. */
static int
ref_from_href(core_str_t href, dsd_ref_t *out)
{
    static const struct {
        const char *seg;
        dsd_kind kind;
    } kinds[] = {{"/dataflow/", DSD_KIND_DATAFLOW}, {"/datastructure/", DSD_KIND_DATASTRUCTURE}};
    for (size_t k = 0; k < 2; k++) {
        size_t sl = strlen(kinds[k].seg);
        for (size_t i = 0; i + sl <= href.len; i++) {
            if (memcmp(href.ptr + i, kinds[k].seg, sl) != 0)
                continue;
            core_str_t rest = {href.ptr + i + sl, href.len - i - sl};
            for (size_t j = 0; j < rest.len; j++)
                if (rest.ptr[j] == '?' || rest.ptr[j] == '#')
                    rest.len = j;
            core_str_t agency, id, version = CORE_STR("1.0");
            rest = core_str_split(rest, '/', &agency);
            if (rest.ptr == NULL || agency.len == 0)
                return 0;
            rest = core_str_split(rest, '/', &id);
            if (rest.ptr != NULL && rest.len > 0)
                core_str_split(rest, '/', &version);
            if (id.len == 0 || version.len == 0)
                return 0;
            *out = (dsd_ref_t){kinds[k].kind, agency, id, version};
            return 1;
        }
    }
    return 0;
}

/* The dataflow the message is for: a dataflow link (urn, else href) anywhere, else a data
 * structure link. */
static core_rc
find_flow(struct json_reader *r)
{
    int best = 0; /* 2: dataflow, 1: data structure */
    for (size_t i = 0; i < r->nlinks && best < 2; i++) {
        const struct link *l = &r->links[i];
        dsd_ref_t ref;
        core_err_t e = {0};
        int ok = (l->urn.ptr != NULL && dsd_ref_parse_urn(l->urn, &ref, &e) == CORE_OK) ||
                 (l->href.ptr != NULL && ref_from_href(l->href, &ref));
        if (!ok)
            continue;
        int score = ref.kind == DSD_KIND_DATAFLOW ? 2 : ref.kind == DSD_KIND_DATASTRUCTURE;
        if (score > best) {
            best = score;
            r->flow = ref;
        }
    }
    if (best == 0)
        return core_fail(r->err, CORE_ESYNTAX,
                         "%s: the message names no dataflow: structure.links needs a link with "
                         "rel \"dataflow\" and a urn or href (or a data structure's)",
                         r->name);
    return CORE_OK;
}

/* A message of a kind this reader does not read, named as what it is. */
static core_rc
not_read(struct json_reader *r)
{
    if (r->seen_metadata)
        return core_fail(r->err, CORE_ENOTIMPL,
                         "%s: an SDMX-JSON reference metadata message (data.metadataSets): "
                         "reference metadata is not read yet",
                         r->name);
    if (r->seen_artefacts)
        return core_fail(r->err, CORE_ESYNTAX,
                         "%s: an SDMX-JSON%s structure message: structures are loaded as "
                         "SDMX-ML 2.1",
                         r->name, r->seen_v2 ? " 2.0" : "");
    return core_fail(r->err, CORE_ENOTIMPL,
                     "%s: an SDMX-JSON 2.0 data message: SDMX-JSON 2.0 is not read yet; send "
                     "SDMX-JSON 1.0, SDMX-CSV or SDMX-ML 2.1",
                     r->name);
}

core_rc
sdmx_data_read_json(core_arena_t *a, const char *data, size_t len, const char *name,
                    const dsd_events_t *ev, core_err_t *err)
{
    struct json_reader *r = core_arena_zalloc(a, sizeof *r);
    r->a = a;
    r->name = name;
    r->ev = ev;
    r->err = err;
    r->data = data;
    r->len = len;
    core_buf_init(&r->path);
    core_buf_init(&r->value);
    core_rc rc = run_pass(r, 1);
    if (rc == CORE_OK && (r->seen_v2 || r->seen_metadata || r->seen_artefacts))
        rc = not_read(r);
    if (rc == CORE_OK && (!r->seen_structure || !r->seen_datasets))
        rc = core_fail(err, CORE_ESYNTAX,
                       "%s: no %s: not an SDMX-JSON 1.0 data message (structure messages are "
                       "loaded as SDMX-ML)",
                       name, r->seen_structure ? "dataSets" : "structure");
    if (rc == CORE_OK)
        rc = find_flow(r);
    if (rc == CORE_OK)
        rc = run_pass(r, 2);
    core_buf_dispose(&r->path);
    core_buf_dispose(&r->value);
    return rc;
}
