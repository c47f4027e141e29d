#include <config.h>
#include "sdmx/sdmx_int.h"

#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

/* Refs by identity (kind, agency, id, version), each with a number; open addressing. */
struct refset {
    struct refslot {
        const dsd_ref_t *ref; /* NULL: empty */
        size_t val;
    } *slots;
    size_t n, cap; /* cap: 0 or a power of two above 2n */
};

static uint64_t
hash_str(uint64_t h, core_str_t s)
{
    for (size_t i = 0; i < s.len; i++)
        h = (h ^ (unsigned char)s.ptr[i]) * 1099511628211ull;
    return (h ^ 0xff) * 1099511628211ull; /* ends the field: ("AB","C") != ("A","BC") */
}

static uint64_t
ref_hash(const dsd_ref_t *r)
{
    uint64_t h = (14695981039346656037ull ^ (unsigned)r->kind) * 1099511628211ull;
    return hash_str(hash_str(hash_str(h, r->agency), r->id), r->version);
}

static struct refslot *
refset_slot(struct refslot *slots, size_t cap, const dsd_ref_t *ref)
{
    size_t i = (size_t)ref_hash(ref) & (cap - 1);
    while (slots[i].ref != NULL && !dsd_ref_eq(slots[i].ref, ref))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

/* The number kept for ref, or NULL when ref is not in s. */
static size_t *
refset_find(const struct refset *s, const dsd_ref_t *ref)
{
    if (s->cap == 0)
        return NULL;
    struct refslot *slot = refset_slot(s->slots, s->cap, ref);
    return slot->ref != NULL ? &slot->val : NULL;
}

/* Adds ref (borrowed: it must outlive s) with val; returns 0 when it was there already. */
static int
refset_add(core_arena_t *a, struct refset *s, const dsd_ref_t *ref, size_t val)
{
    if (refset_find(s, ref) != NULL)
        return 0;
    if (2 * (s->n + 1) > s->cap) {
        size_t ncap = s->cap ? 2 * s->cap : 64;
        struct refslot *n = core_arena_zalloc(a, ncap * sizeof *n);
        for (size_t i = 0; i < s->cap; i++)
            if (s->slots[i].ref != NULL)
                *refset_slot(n, ncap, s->slots[i].ref) = s->slots[i];
        s->slots = n;
        s->cap = ncap;
    }
    *refset_slot(s->slots, s->cap, ref) = (struct refslot){ref, val};
    s->n++;
    return 1;
}

/* The working set of a resolution: artefacts found so far. The matches are appended as the
 * scans find them (each once); references are added through index, by identity, so that
 * each is kept once however often the walk reaches it. */
struct found {
    core_arena_t *a;
    sdmx_result_item_t *items;
    size_t n, cap;
    struct refset index; /* ref -> position in items, built by found_index */
};

static sdmx_result_item_t *
found_push(struct found *f, const store_artefact_t *art, sdmx_show show)
{
    core_arena_grow(f->a, (void **)&f->items, f->n, &f->cap, sizeof *f->items);
    sdmx_result_item_t *it = &f->items[f->n++];
    memset(it, 0, sizeof *it);
    it->art = *art;
    it->show = show;
    return it;
}

static void
found_key(struct found *f, size_t i)
{
    dsd_ref_t *key = core_arena_alloc(f->a, sizeof *key);
    *key = f->items[i].art.ref;
    refset_add(f->a, &f->index, key, i);
}

/* Indexes the matches, once they are settled (latest versions chosen, item filters cut). */
static void
found_index(struct found *f)
{
    for (size_t i = 0; i < f->n; i++)
        found_key(f, i);
}

static int
found_has(const struct found *f, const dsd_ref_t *ref)
{
    return refset_find(&f->index, ref) != NULL;
}

static void
found_add(struct found *f, const store_artefact_t *art, sdmx_show show)
{
    if (found_has(f, &art->ref))
        return;
    found_push(f, art, show);
    found_key(f, f->n - 1);
}

static int
in_list(const sdmx_strlist_t *l, core_str_t s)
{
    if (l->n == 0)
        return 1;
    for (size_t i = 0; i < l->n; i++)
        if (core_str_eq(l->v[i], s))
            return 1;
    return 0;
}

struct match_ctx {
    const sdmx_structure_query_t *q;
    struct found *f;
};

/* The type of a stored content constraint, from its start tag (the schema's default is
 * Actual). */
static int
is_constraint_type(const store_artefact_t *art, const char *type)
{
    const char *end = art->xml.len > 0 ? memchr(art->xml.ptr, '>', art->xml.len) : NULL;
    size_t n = end != NULL ? (size_t)(end - art->xml.ptr) : art->xml.len;
    static const char attr[] = " type=\"";
    for (size_t i = 0; i + sizeof attr - 1 <= n; i++)
        if (memcmp(art->xml.ptr + i, attr, sizeof attr - 1) == 0) {
            size_t tl = strlen(type), at = i + sizeof attr - 1;
            return at + tl < n && memcmp(art->xml.ptr + at, type, tl) == 0 &&
                   art->xml.ptr[at + tl] == '"';
        }
    return strcmp(type, "Actual") == 0;
}

/* Keeps art when agency, id and version match; with "latest", only the highest version of
 * each (agency, id) stays. Scans visit the versions of one id consecutively. */
static int
on_candidate(void *arg, const store_artefact_t *art)
{
    struct match_ctx *m = arg;
    const sdmx_structure_query_t *q = m->q;
    if (!in_list(&q->agencies, art->ref.agency) || !in_list(&q->ids, art->ref.id))
        return 0;
    if (q->constraint_type != NULL && art->ref.kind == DSD_KIND_CONTENTCONSTRAINT &&
        !is_constraint_type(art, q->constraint_type))
        return 0;
    if (!q->latest) {
        if (in_list(&q->versions, art->ref.version))
            found_push(m->f, art, SDMX_SHOW_FULL);
        return 0;
    }
    if (m->f->n > 0) {
        sdmx_result_item_t *last = &m->f->items[m->f->n - 1];
        if (last->art.ref.kind == art->ref.kind && core_str_eq(last->art.ref.agency, art->ref.agency) &&
            core_str_eq(last->art.ref.id, art->ref.id)) {
            if (dsd_version_cmp(art->ref.version, last->art.ref.version) > 0)
                last->art = *art;
            return 0;
        }
    }
    found_push(m->f, art, SDMX_SHOW_FULL);
    return 0;
}

static core_rc
match(store_view_t *v, const sdmx_structure_query_t *q, struct found *f, core_err_t *err)
{
    struct match_ctx m = {q, f};
    for (unsigned k = 0; k < DSD_KIND__COUNT; k++) {
        if (!(q->kinds & (1u << k)))
            continue;
        core_str_t agency = q->agencies.n == 1 ? q->agencies.v[0] : CORE_STR_NULL;
        core_str_t id = q->agencies.n == 1 && q->ids.n == 1 ? q->ids.v[0] : CORE_STR_NULL;
        core_rc rc = store_artefact_scan(v, (dsd_kind)k, agency, id, on_candidate, &m, err);
        if (rc != CORE_OK)
            return rc;
    }
    return CORE_OK;
}

/* ---- actualconstraint: the Actual constraints derived from the stored data ----------- */

struct flows_ctx {
    core_arena_t *a;
    const sdmx_structure_query_t *q;
    core_vec_t flows; /* dsd_ref_t *: the dataflows whose derived constraint the query names */
};

static int
on_flow(void *arg, const store_artefact_t *art)
{
    struct flows_ctx *c = arg;
    const sdmx_structure_query_t *q = c->q;
    if (!in_list(&q->agencies, art->ref.agency))
        return 0;
    if (!q->latest && !in_list(&q->versions, art->ref.version))
        return 0;
    if (q->latest && c->flows.len > 0) {
        dsd_ref_t *last = c->flows.items[c->flows.len - 1];
        if (core_str_eq(last->agency, art->ref.agency) && core_str_eq(last->id, art->ref.id)) {
            if (dsd_version_cmp(art->ref.version, last->version) > 0)
                *last = art->ref;
            return 0;
        }
    }
    dsd_ref_t *r = core_arena_alloc(c->a, sizeof *r);
    *r = art->ref;
    core_vec_push(c->a, &c->flows, r);
    return 0;
}

/* Adds to f the Actual constraint of each dataflow with data that q names: CC_ACTUAL_ and
 * the dataflow's id, in its agency and version. Each reads all of its dataflow's data, as
 * /availableconstraint does. */
static core_rc
derive_actual(store_view_t *v, core_arena_t *a, const sdmx_structure_query_t *q,
              struct found *f, core_err_t *err)
{
    struct flows_ctx c = {.a = a, .q = q};
    core_str_t agency = q->agencies.n == 1 ? q->agencies.v[0] : CORE_STR_NULL;
    core_rc rc = store_artefact_scan(v, DSD_KIND_DATAFLOW, agency, CORE_STR_NULL, on_flow, &c,
                                     err);
    for (size_t i = 0; i < c.flows.len && rc == CORE_OK; i++) {
        const dsd_ref_t *flow = c.flows.items[i];
        char *id = core_arena_printf(a, "CC_ACTUAL_%.*s", CORE_STR_FMT(flow->id));
        if (!in_list(&q->ids, core_str_c(id)))
            continue;
        store_artefact_t art;
        core_err_t e = {0};
        rc = sdmx__actual_constraint(v, a, flow, id, &art, &e);
        if (rc == CORE_ENOTFOUND || rc == CORE_ESEMANTIC) {
            rc = CORE_OK; /* no data, or no DSD to read it with: nothing to derive */
            continue;
        }
        if (rc != CORE_OK)
            return core_fail(err, rc, "%s", e.msg);
        int stored = 0;
        for (size_t j = 0; j < f->n && !stored; j++)
            stored = dsd_ref_eq(&f->items[j].art.ref, &art.ref);
        if (!stored)
            found_push(f, &art, SDMX_SHOW_FULL);
    }
    return rc;
}

/* ---- references ----------------------------------------------------------------------
 * A references walk on a large store may reach thousands of artefacts, and each matched
 * artefact starts one: what was reached is kept in hash sets (never scanned), the children
 * of an artefact are read once per answer (as a sibling, or on the way down) however many
 * matches reach it, and the links read in one answer are counted against REFS_MAX_LINKS,
 * past which the answer is a 413: a walk costs at most a few times the links it covers. */

#define REFS_MAX_LINKS 1000000
#define ALL_REF_KINDS ((1u << DSD_KIND__COUNT) - 1)

struct walk {
    store_view_t *v;
    core_arena_t *a;
    struct refset descended; /* refs the descendants walk has reached, over all matches */
    struct refset siblings;  /* parents whose children were read, over all matches */
    size_t links;            /* references read in this resolution */
    core_vec_t out;          /* refs reached; repeats allowed (found_add keeps each once) */
};

typedef core_rc (*links_fn)(store_view_t *, const dsd_ref_t *, core_vec_t *, core_err_t *);

/* Appends to into the refs one link from ref (children or parents) of the kinds given. */
static core_rc
step(struct walk *w, links_fn fn, const dsd_ref_t *ref, uint32_t kinds, core_vec_t *into,
     core_err_t *err)
{
    core_vec_t next = {0};
    core_rc rc = fn(w->v, ref, &next, err);
    if (rc != CORE_OK)
        return rc;
    w->links += next.len;
    if (w->links > REFS_MAX_LINKS)
        return core_fail(err, CORE_ETOOBIG,
                         "the references asked for pass %d links between artefacts; ask for "
                         "fewer artefacts or fewer references",
                         REFS_MAX_LINKS);
    for (size_t i = 0; i < next.len; i++)
        if (kinds & (1u << ((const dsd_ref_t *)next.items[i])->kind))
            core_vec_push(w->a, into, next.items[i]);
    return CORE_OK;
}

/* ---- references of an item query: those that concern the items asked for ---------- */

/* Whether item (an item reference's id: "POP.MIG" in a nested scheme) is one of those the
 * match keeps, by its path or, as the item filter does, by its own id. */
static int
is_kept_item(const sdmx_result_item_t *it, const char *item)
{
    const char *last = strrchr(item, '.');
    for (size_t i = 0; i < it->nkeep; i++)
        if (core_str_eq_c(it->keep[i], item) ||
            (last != NULL && core_str_eq_c(it->keep[i], last + 1)))
            return 1;
    return 0;
}

/* Scans the references under node for those to an item of it's scheme: *names is set
 * when there is one, *kept when one is an item it keeps. */
static void
item_refs(const xmlNode *node, const sdmx_result_item_t *it, int depth, int *names, int *kept)
{
    const dsd_ref_t *s = &it->art.ref;
    for (const xmlNode *c = node->children; c != NULL && !*kept; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (sdmx__is(c, "Ref")) {
            const char *parent = sdmx__attr(c, "maintainableParentID");
            const char *agency = sdmx__attr(c, "agencyID");
            const char *version = sdmx__attr(c, "maintainableParentVersion");
            const char *id = sdmx__attr(c, "id");
            if (parent == NULL || agency == NULL || id == NULL ||
                !core_str_eq_c(s->id, parent) || !core_str_eq_c(s->agency, agency) ||
                !core_str_eq_c(s->version, version != NULL ? version : "1.0"))
                continue;
            *names = 1;
            *kept = is_kept_item(it, id);
        } else if (sdmx__is(c, "URN")) {
            xmlChar *text = xmlNodeGetContent(c);
            core_str_t urn = core_str_c(text != NULL ? (const char *)text : "");
            dsd_ref_t r;
            const char *close = text != NULL ? strchr((const char *)text, ')') : NULL;
            if (close != NULL && close[1] == '.' &&
                dsd_ref_parse_urn(urn, &r, NULL) == CORE_OK && dsd_ref_eq(&r, s)) {
                *names = 1;
                *kept = is_kept_item(it, close + 2);
            }
            xmlFree(text);
        } else if (depth < SDMX_XML_MAX_DEPTH) {
            item_refs(c, it, depth + 1, names, kept);
        }
    }
}

/* Of the artefacts in refs that reference the item query's match it, keeps those that name
 * one of its items, or none of its items at all (a DSD using a whole codelist): a category's
 * categorisations, not its scheme's. */
static core_rc
concerning_items(struct walk *w, const sdmx_result_item_t *it, core_vec_t *refs, core_err_t *err)
{
    size_t n = 0;
    for (size_t i = 0; i < refs->len; i++) {
        store_artefact_t art;
        core_err_t e = {0};
        if (store_artefact_get(w->v, refs->items[i], &art, &e) != CORE_OK)
            continue;
        xmlNode *el = sdmx__parse_stored(w->a, art.xml, err);
        if (el == NULL)
            return CORE_EBUG;
        int names = 0, kept = 0;
        item_refs(el, it, 0, &names, &kept);
        if (!names || kept)
            refs->items[n++] = refs->items[i];
    }
    refs->len = n;
    return CORE_OK;
}

/* The artefacts one link up from the match it, of the kinds given, into into. */
static core_rc
parents_of(struct walk *w, const sdmx_result_item_t *it, uint32_t kinds, core_vec_t *into,
           core_err_t *err)
{
    core_vec_t parents = {0};
    core_rc rc = step(w, store_refs_parents, &it->art.ref, kinds, &parents, err);
    if (rc == CORE_OK && it->filtered)
        rc = concerning_items(w, it, &parents, err);
    for (size_t i = 0; i < parents.len && rc == CORE_OK; i++)
        core_vec_push(w->a, into, parents.items[i]);
    return rc;
}

/* Whether a reference under node names ref (by Ref or URN; the class is not compared). */
static int
tree_names(const xmlNode *node, const dsd_ref_t *ref, int depth)
{
    for (const xmlNode *c = node->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (sdmx__is(c, "Ref")) {
            const char *agency = sdmx__attr(c, "agencyID");
            const char *parent = sdmx__attr(c, "maintainableParentID");
            const char *id = parent != NULL ? parent : sdmx__attr(c, "id");
            const char *version =
                sdmx__attr(c, parent != NULL ? "maintainableParentVersion" : "version");
            if (agency != NULL && id != NULL && core_str_eq_c(ref->agency, agency) &&
                core_str_eq_c(ref->id, id) &&
                core_str_eq_c(ref->version, version != NULL ? version : "1.0"))
                return 1;
        } else if (sdmx__is(c, "URN")) {
            xmlChar *text = xmlNodeGetContent(c);
            dsd_ref_t r;
            int same = text != NULL &&
                       dsd_ref_parse_urn(core_str_c((const char *)text), &r, NULL) == CORE_OK &&
                       dsd_ref_eq(&r, ref);
            xmlFree(text);
            if (same)
                return 1;
        } else if (depth < SDMX_XML_MAX_DEPTH && tree_names(c, ref, depth + 1)) {
            return 1;
        }
    }
    return 0;
}

/* A constraint derived from the data (actualconstraint) is not stored, and neither are its
 * references: its one is the dataflow it is attached to. */
static void
derived_flow(struct walk *w, const sdmx_result_item_t *it, core_vec_t *kids)
{
    core_err_t e = {0};
    xmlNode *el = sdmx__parse_stored(w->a, it->art.xml, &e);
    dsd_ref_t *flow = core_arena_alloc(w->a, sizeof *flow);
    const char *item;
    if (el != NULL &&
        sdmx__ref_child(sdmx__child(sdmx__child(el, "ConstraintAttachment"), "Dataflow"),
                        DSD_KIND_DATAFLOW, flow, &item)) {
        *flow = dsd_ref_dup(w->a, flow); /* it borrowed from the tree */
        core_vec_push(w->a, kids, flow);
    }
}

/* The artefacts one link down from the match it, of the kinds given, into into; for an item
 * query, those that the items asked for (or the scheme itself) reference: a concept's
 * codelist, not every concept's. */
static core_rc
children_of(struct walk *w, const sdmx_result_item_t *it, uint32_t kinds, core_vec_t *into,
            core_err_t *err)
{
    core_vec_t kids = {0};
    core_rc rc = step(w, store_refs_children, &it->art.ref, kinds, &kids, err);
    if (rc != CORE_OK)
        return rc;
    if (it->art.model.len == 0 && it->art.ref.kind == DSD_KIND_CONTENTCONSTRAINT &&
        (kinds & (1u << DSD_KIND_DATAFLOW)))
        derived_flow(w, it, &kids);
    xmlNode *el = NULL;
    sdmx_result_item_t items = *it; /* its items, whatever detail shows of them */
    items.show = SDMX_SHOW_FULL;
    if (it->filtered && kids.len > 0 && (el = sdmx__artefact_tree(w->a, &items, err)) == NULL)
        return CORE_EBUG;
    for (size_t i = 0; i < kids.len; i++)
        if (el == NULL || tree_names(el, kids.items[i], 0))
            core_vec_push(w->a, into, kids.items[i]);
    return CORE_OK;
}

/* What the match it uses, and what that uses, at any depth: each ref reached is walked once
 * in the whole resolution, whichever match reached it first. */
static core_rc
descend(struct walk *w, const sdmx_result_item_t *it, core_err_t *err)
{
    core_vec_t todo = {0};
    dsd_ref_t *start = core_arena_alloc(w->a, sizeof *start);
    *start = it->art.ref;
    if (!refset_add(w->a, &w->descended, start, 0))
        return CORE_OK;
    core_vec_push(w->a, &todo, start);
    for (size_t i = 0; i < todo.len; i++) {
        core_vec_t next = {0};
        core_rc rc = i == 0 ? children_of(w, it, ALL_REF_KINDS, &next, err)
                            : step(w, store_refs_children, todo.items[i], ALL_REF_KINDS, &next,
                                   err);
        if (rc != CORE_OK)
            return rc;
        for (size_t j = 0; j < next.len; j++)
            if (refset_add(w->a, &w->descended, next.items[j], 0)) {
                core_vec_push(w->a, &w->out, next.items[j]);
                core_vec_push(w->a, &todo, next.items[j]);
            }
    }
    return CORE_OK;
}

/* The refs of ref that q->references asks for, into w->out. A resource name asks for the
 * artefacts of that type one link away, either way (the first-level table of the REST
 * specification): a dataflow's DSD, not the DSD's codelists. */
static core_rc
references_of(struct walk *w, const sdmx_structure_query_t *q, const sdmx_result_item_t *it,
              core_err_t *err)
{
    core_rc rc = CORE_OK;
    switch (q->references) {
    case SDMX_REFS_NONE:
        break;
    case SDMX_REFS_CHILDREN:
        rc = children_of(w, it, ALL_REF_KINDS, &w->out, err);
        break;
    case SDMX_REFS_DESCENDANTS:
        rc = descend(w, it, err);
        break;
    case SDMX_REFS_PARENTS:
        rc = parents_of(w, it, ALL_REF_KINDS, &w->out, err);
        break;
    case SDMX_REFS_PARENTSANDSIBLINGS:
    case SDMX_REFS_ALL: {
        core_vec_t parents = {0};
        rc = parents_of(w, it, ALL_REF_KINDS, &parents, err);
        for (size_t i = 0; i < parents.len && rc == CORE_OK; i++) {
            core_vec_push(w->a, &w->out, parents.items[i]);
            /* a DSD that uses twenty of the matched codelists is read once */
            if (refset_add(w->a, &w->siblings, parents.items[i], 0))
                rc = step(w, store_refs_children, parents.items[i], ALL_REF_KINDS, &w->out,
                          err);
        }
        if (rc == CORE_OK && q->references == SDMX_REFS_ALL)
            rc = descend(w, it, err);
        break;
    }
    case SDMX_REFS_KIND:
        rc = children_of(w, it, q->ref_kinds, &w->out, err);
        if (rc == CORE_OK)
            rc = parents_of(w, it, q->ref_kinds, &w->out, err);
        break;
    }
    return rc;
}

static sdmx_show
reference_show(sdmx_detail d)
{
    switch (d) {
    case SDMX_DETAIL_ALLSTUBS:
    case SDMX_DETAIL_REFERENCESTUBS:
        return SDMX_SHOW_STUB;
    case SDMX_DETAIL_ALLCOMPLETESTUBS:
    case SDMX_DETAIL_REFERENCECOMPLETESTUBS:
        return SDMX_SHOW_COMPLETESTUB;
    default:
        return SDMX_SHOW_FULL;
    }
}

static sdmx_show
match_show(sdmx_detail d)
{
    if (d == SDMX_DETAIL_ALLSTUBS)
        return SDMX_SHOW_STUB;
    if (d == SDMX_DETAIL_ALLCOMPLETESTUBS)
        return SDMX_SHOW_COMPLETESTUB;
    return SDMX_SHOW_FULL;
}

static int
by_identity(const void *pa, const void *pb)
{
    const dsd_ref_t *a = &((const sdmx_result_item_t *)pa)->art.ref;
    const dsd_ref_t *b = &((const sdmx_result_item_t *)pb)->art.ref;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    int c = core_str_cmp(a->agency, b->agency);
    if (c == 0)
        c = core_str_cmp(a->id, b->id);
    if (c == 0)
        c = dsd_version_cmp(a->version, b->version);
    return c;
}

core_rc
sdmx_structure_resolve(store_view_t *v, core_arena_t *a, const sdmx_structure_query_t *q,
                       sdmx_result_t *out, core_err_t *err)
{
    struct found f = {.a = a};
    core_rc rc = match(v, q, &f, err);
    if (rc == CORE_OK && q->constraint_type != NULL && strcmp(q->constraint_type, "Actual") == 0)
        rc = derive_actual(v, a, q, &f, err);
    if (rc != CORE_OK)
        return rc;
    size_t nmatched = 0;
    for (size_t i = 0; i < f.n; i++) {
        sdmx_result_item_t *it = &f.items[i];
        it->show = match_show(q->detail);
        if (q->items.n > 0) {
            it->filtered = 1;
            it->keep = q->items.v;
            it->nkeep = q->items.n;
            if (sdmx__count_items(a, it) == 0)
                continue;
        }
        f.items[nmatched++] = *it;
    }
    f.n = nmatched;
    if (f.n == 0)
        return core_fail(err, CORE_ENOTFOUND, "no artefact matches the query");
    found_index(&f);
    sdmx_show rshow = reference_show(q->detail);
    struct walk w = {.v = v, .a = a};
    for (size_t i = 0; i < nmatched; i++)
        if ((rc = references_of(&w, q, &f.items[i], err)) != CORE_OK)
            return rc;
    for (size_t j = 0; j < w.out.len; j++) {
        store_artefact_t art;
        core_err_t e = {0};
        if (!found_has(&f, w.out.items[j]) &&
            store_artefact_get(v, w.out.items[j], &art, &e) == CORE_OK)
            found_add(&f, &art, rshow);
    }
    if (q->detail == SDMX_DETAIL_REFERENCEPARTIAL &&
        (rc = sdmx__reference_partial(v, a, f.items, nmatched, f.items + nmatched,
                                      f.n - nmatched, err)) != CORE_OK)
        return rc;
    qsort(f.items, f.n, sizeof *f.items, by_identity);
    out->items = f.items;
    out->n = f.n;
    return CORE_OK;
}
