#include <config.h>
#include "sdmx/sdmx_int.h"

#include <string.h>

/* Fills the information model (dsd/model.h) from an SDMX-ML 2.1 artefact element. Every
 * string is copied into the arena: the tree is the reader's and goes away with it. What 2.1
 * does not have (3.0 fields) stays absent. */

typedef struct mx {
    core_arena_t *a;
} mx_t;

#define MX_DEPTH 32 /* nested categories, metadata attributes, hierarchical codes */

/* Appends a zeroed element to the arena array *items (len, cap) and returns it. */
#define PUSH(mx, items, len, cap)                                                             \
    (core_arena_grow((mx)->a, (void **)&(items), (len), &(cap), sizeof *(items)),             \
     memset(&(items)[(len)], 0, sizeof *(items)), &(items)[(len)++])

static core_str_t
dup(mx_t *mx, const char *s)
{
    return s ? core_arena_str(mx->a, core_str_c(s)) : CORE_STR_NULL;
}

static core_str_t
attr(mx_t *mx, const xmlNode *n, const char *name)
{
    return n ? dup(mx, sdmx__attr(n, name)) : CORE_STR_NULL;
}

static core_str_t
content(mx_t *mx, const xmlNode *n)
{
    if (n == NULL)
        return CORE_STR_NULL;
    xmlChar *t = xmlNodeGetContent(n);
    core_str_t s = dup(mx, t ? (const char *)t : "");
    xmlFree(t);
    return s;
}

static int
truthy(const char *v, int dflt)
{
    return v == NULL ? dflt : strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
}

static void
add_text(mx_t *mx, const xmlNode *n, dsd_m_text_t **list, size_t *len, size_t *cap)
{
    dsd_m_text_t *t = PUSH(mx, *list, *len, *cap);
    xmlChar *lang = xmlNodeGetLang(n); /* inherited, as the names of answers are picked */
    t->lang = dup(mx, (const char *)lang);
    xmlFree(lang);
    t->text = content(mx, n);
}

static void
read_annotation(mx_t *mx, const xmlNode *n, dsd_m_annotation_t *an)
{
    size_t cap = 0;
    an->id = attr(mx, n, "id");
    for (const xmlNode *c = n->children; c != NULL; c = c->next) {
        if (sdmx__is(c, "AnnotationTitle"))
            an->title = content(mx, c);
        else if (sdmx__is(c, "AnnotationType"))
            an->type = content(mx, c);
        else if (sdmx__is(c, "AnnotationURL"))
            an->url = content(mx, c);
        else if (sdmx__is(c, "AnnotationText"))
            add_text(mx, c, &an->texts, &an->ntexts, &cap);
    }
}

static void
read_common(mx_t *mx, const xmlNode *n, dsd_m_common_t *c)
{
    size_t ncap = 0, dcap = 0, acap = 0;
    c->id = attr(mx, n, "id");
    c->urn = attr(mx, n, "urn");
    c->uri = attr(mx, n, "uri");
    for (const xmlNode *k = n->children; k != NULL; k = k->next) {
        if (sdmx__is(k, "Name")) {
            add_text(mx, k, &c->names, &c->nnames, &ncap);
        } else if (sdmx__is(k, "Description")) {
            add_text(mx, k, &c->descs, &c->ndescs, &dcap);
        } else if (sdmx__is(k, "Annotations")) {
            for (const xmlNode *an = k->children; an != NULL; an = an->next)
                if (sdmx__is(an, "Annotation"))
                    read_annotation(mx, an, PUSH(mx, c->annots, c->nannots, acap));
        }
    }
}

static void
ref_none(dsd_m_ref_t *r)
{
    memset(r, 0, sizeof *r);
    r->ref.kind = DSD_KIND_NONE;
}

/* The reference a holder element (ConceptIdentity, Structure, Source...) makes through its Ref
 * or URN child; dflt is the class a Ref means when it says none. A Ref without agencyID is
 * local: only its id (item) is kept. */
static void
read_ref(mx_t *mx, const xmlNode *holder, const char *dflt, dsd_m_ref_t *out)
{
    ref_none(out);
    const xmlNode *r = sdmx__child(holder, "Ref");
    if (r != NULL) {
        const char *cls = sdmx__attr(r, "class");
        const char *parent = sdmx__attr(r, "maintainableParentID");
        out->cls = dup(mx, cls);
        if (sdmx__attr(r, "agencyID") == NULL) {
            out->item = attr(mx, r, "id");
            return;
        }
        int is_item;
        dsd_kind kind = dsd_kind_by_class(core_str_c(cls ? cls : dflt ? dflt : ""), &is_item);
        out->ref.kind = kind;
        out->ref.agency = attr(mx, r, "agencyID");
        if (parent != NULL) {
            out->ref.id = dup(mx, parent);
            const char *v = sdmx__attr(r, "maintainableParentVersion");
            out->ref.version = dup(mx, v ? v : "1.0");
            out->item = attr(mx, r, "id");
        } else {
            out->ref.id = attr(mx, r, "id");
            const char *v = sdmx__attr(r, "version");
            out->ref.version = dup(mx, v ? v : "1.0");
        }
        if (out->ref.id.ptr == NULL)
            out->ref.id = CORE_STR("");
        return;
    }
    const xmlNode *u = sdmx__child(holder, "URN");
    if (u == NULL)
        return;
    core_str_t urn = content(mx, u);
    dsd_ref_t ref;
    if (dsd_ref_parse_urn(urn, &ref, NULL) != CORE_OK)
        return;
    out->ref = ref; /* borrows from urn, in the arena */
    const char *close = memchr(urn.ptr, ')', urn.len);
    const char *last = urn.ptr + urn.len;
    while (close != NULL && memchr(close + 1, ')', (size_t)(last - close - 1)) != NULL)
        close = memchr(close + 1, ')', (size_t)(last - close - 1));
    if (close != NULL && close + 1 < last && close[1] == '.')
        out->item = (core_str_t){close + 2, (size_t)(last - close - 2)};
    const char *eq = memchr(urn.ptr, '=', urn.len);
    const char *dot = eq;
    while (dot != NULL && dot > urn.ptr && dot[-1] != '.')
        dot--;
    if (eq != NULL && dot != NULL)
        out->cls = (core_str_t){dot, (size_t)(eq - dot)};
}

static void
read_format(mx_t *mx, const xmlNode *tf, dsd_m_format_t *f)
{
    f->text_type = attr(mx, tf, "textType");
    f->is_sequence = attr(mx, tf, "isSequence");
    f->interval = attr(mx, tf, "interval");
    f->start_value = attr(mx, tf, "startValue");
    f->end_value = attr(mx, tf, "endValue");
    f->time_interval = attr(mx, tf, "timeInterval");
    f->start_time = attr(mx, tf, "startTime");
    f->end_time = attr(mx, tf, "endTime");
    f->min_length = attr(mx, tf, "minLength");
    f->max_length = attr(mx, tf, "maxLength");
    f->min_value = attr(mx, tf, "minValue");
    f->max_value = attr(mx, tf, "maxValue");
    f->decimals = attr(mx, tf, "decimals");
    f->pattern = attr(mx, tf, "pattern");
}

/* A LocalRepresentation or CoreRepresentation; returns whether there was one. enum_class is
 * what its Enumeration refers to when the Ref does not say. */
static int
read_repr(mx_t *mx, const xmlNode *rep, const char *enum_class, dsd_m_repr_t *r)
{
    memset(r, 0, sizeof *r);
    ref_none(&r->enumeration);
    if (rep == NULL)
        return 0;
    const xmlNode *en = sdmx__child(rep, "Enumeration");
    const xmlNode *tf = sdmx__child(rep, "TextFormat");
    const xmlNode *ef = sdmx__child(en, "EnumerationFormat");
    if (ef == NULL)
        ef = sdmx__child(rep, "EnumerationFormat");
    if (en != NULL)
        read_ref(mx, en, enum_class, &r->enumeration);
    if (tf != NULL) {
        r->has_format = 1;
        read_format(mx, tf, &r->format);
    }
    if (ef != NULL) {
        r->has_enum_format = 1;
        read_format(mx, ef, &r->enum_format);
    }
    return 1;
}

/* ---- item schemes ---------------------------------------------------------------------------- */

static void
read_items(mx_t *mx, const xmlNode *n, const char *item, core_str_t parent, size_t *cap,
           dsd_m_scheme_t *s, int depth)
{
    for (const xmlNode *c = n->children; c != NULL; c = c->next) {
        if (!sdmx__is(c, item))
            continue;
        dsd_m_item_t *it = PUSH(mx, s->items, s->nitems, *cap);
        read_common(mx, c, &it->c);
        ref_none(&it->iso_concept);
        dsd_m_ref_t p;
        read_ref(mx, sdmx__child(c, "Parent"), item, &p);
        it->parent = p.item.ptr ? p.item : parent;
        read_repr(mx, sdmx__child(c, "CoreRepresentation"), "Codelist", &it->core);
        const xmlNode *iso = sdmx__child(c, "ISOConceptReference");
        if (iso != NULL) {
            it->iso_concept.ref.kind = DSD_KIND_CONCEPTSCHEME;
            it->iso_concept.ref.agency = content(mx, sdmx__child(iso, "ConceptAgency"));
            it->iso_concept.ref.id = content(mx, sdmx__child(iso, "ConceptSchemeID"));
            it->iso_concept.item = content(mx, sdmx__child(iso, "ConceptID"));
        }
        const xmlNode *contact = sdmx__child(c, "Contact");
        if (contact != NULL)
            it->contact = content(mx, sdmx__child(contact, "Name"));
        if (depth < MX_DEPTH) /* categories and reporting categories nest */
            read_items(mx, c, item, it->c.id, cap, s, depth + 1);
    }
}

/* ---- data structures ---------------------------------------------------------------------- */

static core_str_t *
ref_ids(mx_t *mx, const xmlNode *n, const char *holder, size_t *count)
{
    core_str_t *ids = NULL;
    size_t cap = 0;
    *count = 0;
    for (const xmlNode *c = n ? n->children : NULL; c != NULL; c = c->next) {
        if (!sdmx__is(c, holder))
            continue;
        dsd_m_ref_t r;
        read_ref(mx, c, NULL, &r);
        *PUSH(mx, ids, *count, cap) = r.item.ptr ? r.item : r.ref.id;
    }
    return ids;
}

static void
read_component(mx_t *mx, const xmlNode *el, int kind, dsd_m_component_t *c)
{
    size_t cap = 0;
    read_common(mx, el, &c->c);
    c->kind = kind;
    const char *pos = sdmx__attr(el, "position");
    uint64_t p;
    if (pos && core_parse_u64(core_str_c(pos), &p, NULL) == CORE_OK && p < 1000000)
        c->position = (int)p;
    read_ref(mx, sdmx__child(el, "ConceptIdentity"), "Concept", &c->concept);
    for (const xmlNode *k = el->children; k != NULL; k = k->next)
        if (sdmx__is(k, "ConceptRole"))
            read_ref(mx, k, "Concept", PUSH(mx, c->roles, c->nroles, cap));
    /* the schema fixes a measure dimension's enumeration to a concept scheme */
    c->has_local = read_repr(mx, sdmx__child(el, "LocalRepresentation"),
                             kind == DSD_M_MEASURE_DIMENSION ? "ConceptScheme" : "Codelist",
                             &c->repr);
    c->assignment = attr(mx, el, "assignmentStatus");
    const xmlNode *rel = sdmx__child(el, "AttributeRelationship");
    if (rel == NULL)
        return;
    /* the order compilation has always looked in */
    if (sdmx__child(rel, "PrimaryMeasure") != NULL) {
        c->rel.type = DSD_M_ATTACH_MEASURE;
        c->measures = ref_ids(mx, rel, "PrimaryMeasure", &c->nmeasures);
    } else if (sdmx__child(rel, "Dimension") != NULL) {
        c->rel.type = DSD_M_ATTACH_DIMENSIONS;
        c->rel.dims = ref_ids(mx, rel, "Dimension", &c->rel.ndims);
        c->rel.attachment_groups =
            ref_ids(mx, rel, "AttachmentGroup", &c->rel.nattachment_groups);
    } else if (sdmx__child(rel, "Group") != NULL) {
        c->rel.type = DSD_M_ATTACH_GROUP;
        dsd_m_ref_t g;
        read_ref(mx, sdmx__child(rel, "Group"), NULL, &g);
        c->rel.group = g.item;
    }
}

static void
read_dsd(mx_t *mx, const xmlNode *el, dsd_m_dsd_t *d)
{
    size_t dcap = 0, mcap = 0, acap = 0, gcap = 0;
    const xmlNode *comps = sdmx__child(el, "DataStructureComponents");
    ref_none(&d->metadata);
    for (const xmlNode *l = comps ? comps->children : NULL; l != NULL; l = l->next) {
        if (sdmx__is(l, "DimensionList")) {
            read_common(mx, l, &d->dim_list);
            for (const xmlNode *c = l->children; c != NULL; c = c->next) {
                int kind = sdmx__is(c, "Dimension")          ? DSD_M_DIMENSION
                           : sdmx__is(c, "MeasureDimension") ? DSD_M_MEASURE_DIMENSION
                           : sdmx__is(c, "TimeDimension")    ? DSD_M_TIME_DIMENSION
                                                             : -1;
                if (kind >= 0)
                    read_component(mx, c, kind, PUSH(mx, d->dims, d->ndims, dcap));
            }
        } else if (sdmx__is(l, "AttributeList")) {
            read_common(mx, l, &d->attr_list);
            for (const xmlNode *c = l->children; c != NULL; c = c->next)
                if (sdmx__is(c, "Attribute"))
                    read_component(mx, c, DSD_M_ATTRIBUTE, PUSH(mx, d->attrs, d->nattrs, acap));
        } else if (sdmx__is(l, "MeasureList")) {
            read_common(mx, l, &d->measure_list);
            for (const xmlNode *c = l->children; c != NULL; c = c->next)
                if (sdmx__is(c, "PrimaryMeasure"))
                    read_component(mx, c, DSD_M_PRIMARY_MEASURE,
                                   PUSH(mx, d->measures, d->nmeasures, mcap));
        } else if (sdmx__is(l, "Group")) {
            dsd_m_group_t *g = PUSH(mx, d->groups, d->ngroups, gcap);
            size_t cap = 0;
            read_common(mx, l, &g->c);
            ref_none(&g->attachment_constraint);
            for (const xmlNode *c = l->children; c != NULL; c = c->next) {
                if (sdmx__is(c, "GroupDimension")) {
                    dsd_m_ref_t r;
                    read_ref(mx, sdmx__child(c, "DimensionReference"), NULL, &r);
                    *PUSH(mx, g->dims, g->ndims, cap) = r.item;
                } else if (sdmx__is(c, "AttachmentConstraint")) {
                    read_ref(mx, c, "AttachmentConstraint", &g->attachment_constraint);
                }
            }
        }
    }
}

/* ---- metadata structures -------------------------------------------------------------------- */

static void
read_mattrs(mx_t *mx, const xmlNode *n, int parent, size_t *cap, dsd_m_report_t *r, int depth)
{
    for (const xmlNode *c = n->children; c != NULL; c = c->next) {
        if (!sdmx__is(c, "MetadataAttribute"))
            continue;
        int self = (int)r->nattrs;
        dsd_m_mattr_t *m = PUSH(mx, r->attrs, r->nattrs, *cap);
        read_common(mx, c, &m->c);
        m->parent = parent;
        read_ref(mx, sdmx__child(c, "ConceptIdentity"), "Concept", &m->concept);
        m->has_local = read_repr(mx, sdmx__child(c, "LocalRepresentation"), "Codelist", &m->repr);
        m->min_occurs = attr(mx, c, "minOccurs");
        m->max_occurs = attr(mx, c, "maxOccurs");
        m->is_presentational = attr(mx, c, "isPresentational");
        if (depth < MX_DEPTH)
            read_mattrs(mx, c, self, cap, r, depth + 1);
    }
}

static void
read_msd(mx_t *mx, const xmlNode *el, dsd_m_msd_t *d)
{
    size_t tcap = 0, rcap = 0;
    const xmlNode *comps = sdmx__child(el, "MetadataStructureComponents");
    for (const xmlNode *l = comps ? comps->children : NULL; l != NULL; l = l->next) {
        if (sdmx__is(l, "MetadataTarget")) {
            dsd_m_target_t *t = PUSH(mx, d->targets, d->ntargets, tcap);
            size_t cap = 0;
            read_common(mx, l, &t->c);
            for (const xmlNode *c = l->children; c != NULL; c = c->next) {
                if (c->type != XML_ELEMENT_NODE || !strstr((const char *)c->name, "Target"))
                    continue;
                dsd_m_target_comp_t *tc = PUSH(mx, t->comps, t->ncomps, cap);
                read_common(mx, c, &tc->c);
                tc->type = dup(mx, (const char *)c->name);
                tc->object_type = attr(mx, c, "objectType");
                read_repr(mx, sdmx__child(c, "LocalRepresentation"), "Codelist", &tc->repr);
            }
        } else if (sdmx__is(l, "ReportStructure")) {
            dsd_m_report_t *r = PUSH(mx, d->reports, d->nreports, rcap);
            size_t cap = 0;
            read_common(mx, l, &r->c);
            r->targets = ref_ids(mx, l, "MetadataTarget", &r->ntargets);
            read_mattrs(mx, l, -1, &cap, r, 0);
        }
    }
}

/* ---- constraints --------------------------------------------------------------------------- */

static void
read_member(mx_t *mx, const xmlNode *kv, dsd_m_member_t *m)
{
    size_t cap = 0, tcap = 0;
    m->id = attr(mx, kv, "id");
    m->is_attribute = sdmx__is(kv, "Attribute");
    m->include = attr(mx, kv, "include");
    for (const xmlNode *c = kv->children; c != NULL; c = c->next) {
        if (sdmx__is(c, "Value")) {
            dsd_m_value_t *v = PUSH(mx, m->values, m->nvalues, cap);
            v->text = content(mx, c);
            v->cascade = attr(mx, c, "cascadeValues");
        } else if (sdmx__is(c, "TimeRange")) {
            for (const xmlNode *p = c->children; p != NULL; p = p->next) {
                if (p->type != XML_ELEMENT_NODE)
                    continue;
                int start = sdmx__is(p, "StartPeriod") || sdmx__is(p, "AfterPeriod");
                dsd_m_time_range_t *t =
                    m->ntime ? &m->time[0] : PUSH(mx, m->time, m->ntime, tcap);
                if (t->type.ptr == NULL || sdmx__is(p, "BeforePeriod") ||
                    sdmx__is(p, "AfterPeriod"))
                    t->type = dup(mx, (const char *)p->name);
                if (start) {
                    t->start = content(mx, p);
                    t->start_inclusive = attr(mx, p, "isInclusive");
                } else {
                    t->end = content(mx, p);
                    t->end_inclusive = attr(mx, p, "isInclusive");
                }
            }
        }
    }
}

static void
read_members(mx_t *mx, const xmlNode *n, dsd_m_member_t **list, size_t *len)
{
    size_t cap = 0;
    for (const xmlNode *c = n->children; c != NULL; c = c->next)
        if (sdmx__is(c, "KeyValue") || sdmx__is(c, "Attribute"))
            read_member(mx, c, PUSH(mx, *list, *len, cap));
}

static void
read_constraint(mx_t *mx, const xmlNode *el, dsd_m_constraint_t *cc)
{
    size_t acap = 0, rcap = 0, kcap = 0;
    cc->type = attr(mx, el, "type");
    for (const xmlNode *c = el->children; c != NULL; c = c->next) {
        if (sdmx__is(c, "ConstraintAttachment")) {
            for (const xmlNode *h = c->children; h != NULL; h = h->next)
                if (h->type == XML_ELEMENT_NODE)
                    read_ref(mx, h, (const char *)h->name,
                             PUSH(mx, cc->attachments, cc->nattachments, acap));
        } else if (sdmx__is(c, "CubeRegion")) {
            dsd_m_region_t *r = PUSH(mx, cc->regions, cc->nregions, rcap);
            r->include = truthy(sdmx__attr(c, "include"), 1);
            read_members(mx, c, &r->members, &r->nmembers);
        } else if (sdmx__is(c, "DataKeySet") || sdmx__is(c, "MetadataKeySet")) {
            dsd_m_keyset_t *ks = PUSH(mx, cc->keysets, cc->nkeysets, kcap);
            size_t cap = 0;
            ks->included = truthy(sdmx__attr(c, "isIncluded"), 1);
            ks->is_metadata = sdmx__is(c, "MetadataKeySet");
            for (const xmlNode *k = c->children; k != NULL; k = k->next) {
                if (!sdmx__is(k, "Key"))
                    continue;
                dsd_m_key_t *key = PUSH(mx, ks->keys, ks->nkeys, cap);
                read_members(mx, k, &key->members, &key->nmembers);
                key->valid_from = attr(mx, k, "validFrom");
                key->valid_to = attr(mx, k, "validTo");
            }
        } else if (sdmx__is(c, "ReleaseCalendar")) {
            core_str_t p = content(mx, sdmx__child(c, "Periodicity"));
            core_str_t o = content(mx, sdmx__child(c, "Offset"));
            core_str_t t = content(mx, sdmx__child(c, "Tolerance"));
            cc->release_calendar = core_str_c(core_arena_printf(
                mx->a, "%.*s %.*s %.*s", CORE_STR_FMT(p), CORE_STR_FMT(o), CORE_STR_FMT(t)));
        }
    }
}

/* ---- structure sets, hierarchical codelists --------------------------------------------------- */

static void
read_pairs(mx_t *mx, const xmlNode *n, const char *item, dsd_m_pair_t **list, size_t *len)
{
    size_t cap = 0;
    for (const xmlNode *c = n->children; c != NULL; c = c->next) {
        if (!sdmx__is(c, item))
            continue;
        dsd_m_ref_t s, t;
        read_ref(mx, sdmx__child(c, "Source"), NULL, &s);
        read_ref(mx, sdmx__child(c, "Target"), NULL, &t);
        dsd_m_pair_t *p = PUSH(mx, *list, *len, cap);
        p->source = s.item;
        p->target = t.item;
    }
}

static void
read_sset(mx_t *mx, const xmlNode *el, dsd_m_structure_set_t *s)
{
    static const struct {
        const char *map, *item;
    } item_maps[] = {{"CodelistMap", "CodeMap"},
                     {"CategorySchemeMap", "CategoryMap"},
                     {"ConceptSchemeMap", "ConceptMap"},
                     {"OrganisationSchemeMap", "OrganisationMap"},
                     {"ReportingTaxonomyMap", "ReportingCategoryMap"}};
    size_t rcap = 0, mcap = 0, icap = 0;
    for (const xmlNode *c = el->children; c != NULL; c = c->next) {
        if (sdmx__is(c, "RelatedStructure")) {
            read_ref(mx, c, NULL, PUSH(mx, s->related, s->nrelated, rcap));
        } else if (sdmx__is(c, "StructureMap")) {
            dsd_m_structure_map_t *m = PUSH(mx, s->maps, s->nmaps, mcap);
            size_t cap = 0;
            read_common(mx, c, &m->c);
            read_ref(mx, sdmx__child(c, "Source"), NULL, &m->source);
            read_ref(mx, sdmx__child(c, "Target"), NULL, &m->target);
            m->is_extension = attr(mx, c, "isExtension");
            read_pairs(mx, c, "ComponentMap", &m->comps, &m->ncomps);
            for (const xmlNode *k = c->children; k != NULL; k = k->next) {
                if (!sdmx__is(k, "ComponentMap"))
                    continue;
                dsd_m_ref_t rm;
                read_ref(mx, sdmx__child(sdmx__child(k, "RepresentationMapping"),
                                         "CodelistMap"),
                         NULL, &rm);
                *PUSH(mx, m->repr_maps, m->nrepr_maps, cap) =
                    rm.item.ptr ? rm.item : CORE_STR("");
            }
        } else {
            for (size_t i = 0; i < sizeof item_maps / sizeof item_maps[0]; i++) {
                if (!sdmx__is(c, item_maps[i].map))
                    continue;
                dsd_m_item_map_t *m = PUSH(mx, s->item_maps, s->nitem_maps, icap);
                read_common(mx, c, &m->c);
                m->type = dup(mx, item_maps[i].map);
                read_ref(mx, sdmx__child(c, "Source"), NULL, &m->source);
                read_ref(mx, sdmx__child(c, "Target"), NULL, &m->target);
                read_pairs(mx, c, item_maps[i].item, &m->pairs, &m->npairs);
            }
        }
    }
}

static void
read_hcodes(mx_t *mx, const xmlNode *n, int parent, size_t *cap, dsd_m_hierarchy_t *h,
            int depth)
{
    for (const xmlNode *c = n->children; c != NULL; c = c->next) {
        if (!sdmx__is(c, "HierarchicalCode"))
            continue;
        int self = (int)h->ncodes;
        dsd_m_hcode_t *hc = PUSH(mx, h->codes, h->ncodes, *cap);
        hc->id = attr(mx, c, "id");
        hc->parent = parent;
        const xmlNode *code = sdmx__child(c, "Code");
        read_ref(mx, code ? code : sdmx__child(c, "CodeID"), "Code", &hc->code);
        if (depth < MX_DEPTH)
            read_hcodes(mx, c, self, cap, h, depth + 1);
    }
}

static void
read_hcl(mx_t *mx, const xmlNode *el, dsd_m_hcl_t *hcl)
{
    size_t ccap = 0, hcap = 0;
    for (const xmlNode *c = el->children; c != NULL; c = c->next) {
        if (sdmx__is(c, "IncludedCodelist")) {
            read_ref(mx, c, "Codelist", PUSH(mx, hcl->codelists, hcl->ncodelists, ccap));
        } else if (sdmx__is(c, "Hierarchy")) {
            dsd_m_hierarchy_t *h = PUSH(mx, hcl->hierarchies, hcl->nhierarchies, hcap);
            size_t cap = 0;
            read_common(mx, c, &h->c);
            read_hcodes(mx, c, -1, &cap, h, 0);
        }
    }
}

/* ---- what the SDMX-ML 2.1 schema requires ------------------------------------------------ */

static const char *
pattern_name(sdmx_id_pattern p)
{
    switch (p) {
    case SDMX_PAT_ID:
        return "an IDType ([A-Za-z0-9_@$-]+)";
    case SDMX_PAT_NCNAME:
        return "an NCNameIDType ([A-Za-z][A-Za-z0-9_-]*)";
    case SDMX_PAT_NESTED_NCNAME:
        return "a NestedNCNameIDType ([A-Za-z][A-Za-z0-9_-]* parts joined by dots)";
    case SDMX_PAT_VERSION:
        return "a VersionType ([0-9]+ parts joined by dots)";
    }
    return "";
}

typedef struct problem {
    core_arena_t *a;
    const char *why;
    int line;
} problem_t;

/* Records the first problem only: one reason is enough to refuse, and the first is the one
 * a reader finds in the file. */
static void
complain(problem_t *pb, const xmlNode *n, const char *why)
{
    if (pb->why == NULL) {
        pb->why = why;
        pb->line = n->line;
    }
}

static void
check_attr(problem_t *pb, const xmlNode *n, const char *name, sdmx_id_pattern p, int required)
{
    const char *v = sdmx__attr(n, name);
    if (v == NULL) {
        if (required)
            complain(pb, n, core_arena_printf(pb->a, "a %s without its %s", n->name, name));
        return;
    }
    if (!sdmx__id_matches(p, v))
        complain(pb, n, core_arena_printf(pb->a, "the %s \"%.64s\" of a %s is not %s", name, v,
                                          n->name, pattern_name(p)));
}

static void
check_named(problem_t *pb, const xmlNode *n)
{
    if (sdmx__child(n, "Name") == NULL)
        complain(pb, n, core_arena_printf(pb->a, "a %s without a Name", n->name));
}

/* The order every nameable element has in 2.1: Annotations?, Name+, Description*, the rest;
 * what is out of its place, or NULL. phase: 0 at the start, 1 after Annotations, 2 in the
 * names, 3 in the descriptions, 4 past them. */
static const char *
misplaced(const xmlNode *c, int *phase)
{
    int was = *phase;
    if (sdmx__is(c, "Annotations")) {
        *phase = 1;
        return was > 0 ? "Annotations after the Name" : NULL;
    }
    if (sdmx__is(c, "Name")) {
        *phase = 2;
        return was > 2 ? "a Name after the Description or the content" : NULL;
    }
    if (sdmx__is(c, "Description")) {
        *phase = 3;
        return was < 2 || was > 3 ? "a Description out of its place after the Name" : NULL;
    }
    *phase = 4;
    return NULL;
}

static void
check_order(problem_t *pb, const xmlNode *n)
{
    int phase = 0;
    for (const xmlNode *c = n->children; c != NULL && pb->why == NULL; c = c->next) {
        const char *bad = c->type == XML_ELEMENT_NODE ? misplaced(c, &phase) : NULL;
        if (bad != NULL)
            complain(pb, c, core_arena_printf(pb->a, "%s of a %s", bad, n->name));
    }
}

/* The booleans and dates of a maintainable, which the schema types xs:boolean and
 * xs:dateTime. */
static void
check_values(problem_t *pb, const xmlNode *n)
{
    static const char *const booleans[] = {"isFinal", "isExternalReference", "isPartial"};
    for (size_t i = 0; i < sizeof booleans / sizeof booleans[0]; i++) {
        const char *v = sdmx__attr(n, booleans[i]);
        if (v != NULL && strcmp(v, "true") != 0 && strcmp(v, "false") != 0 &&
            strcmp(v, "1") != 0 && strcmp(v, "0") != 0)
            complain(pb, n, core_arena_printf(pb->a, "the %s \"%.32s\" of a %s is not true "
                                                     "or false", booleans[i], v, n->name));
    }
    static const char *const dates[] = {"validFrom", "validTo"};
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        const char *v = sdmx__attr(n, dates[i]);
        int64_t t;
        core_err_t e = {0};
        if (v != NULL && (strlen(v) < 19 || v[10] != 'T' ||
                          core_time_parse(core_str_c(v), &t, &e) != CORE_OK))
            complain(pb, n, core_arena_printf(pb->a, "the %s \"%.32s\" of a %s is not an "
                                                     "xs:dateTime", dates[i], v, n->name));
    }
}

/* The attributes MaintainableType has (and isPartial of item schemes, type of constraints):
 * any other one the schema refuses. Namespaced ones (xml:, xsi:) are left alone. */
static void
check_attr_names(problem_t *pb, const xmlNode *n)
{
    static const char *const known[] = {"id",           "urn",        "uri",
                                        "agencyID",     "version",    "validFrom",
                                        "validTo",      "isFinal",    "isExternalReference",
                                        "serviceURL",   "structureURL", "isPartial",
                                        "type"};
    for (const xmlAttr *at = n->properties; at != NULL && pb->why == NULL; at = at->next) {
        if (at->ns != NULL)
            continue;
        size_t i = 0;
        while (i < sizeof known / sizeof known[0] && strcmp((const char *)at->name, known[i]))
            i++;
        if (i == sizeof known / sizeof known[0])
            complain(pb, n, core_arena_printf(pb->a, "a %s with an attribute %.64s", n->name,
                                              (const char *)at->name));
    }
}

/* An item scheme holds its items and nothing else; item ids are unique among siblings. */
static void
check_scheme_children(problem_t *pb, const xmlNode *n, const char *item)
{
    for (const xmlNode *c = n->children; c != NULL && pb->why == NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || sdmx__is(c, "Annotations") || sdmx__is(c, "Name") ||
            sdmx__is(c, "Description"))
            continue;
        if (!sdmx__is(c, item)) {
            complain(pb, c, core_arena_printf(pb->a, "a %s inside a %s", c->name, n->name));
            return;
        }
        const char *id = sdmx__attr(c, "id");
        for (const xmlNode *d = c->next; id != NULL && d != NULL; d = d->next) {
            const char *other = sdmx__is(d, item) ? sdmx__attr(d, "id") : NULL;
            if (other != NULL && strcmp(other, id) == 0) {
                complain(pb, d, core_arena_printf(pb->a, "two %ss with the id \"%.64s\" in a %s",
                                                  item, id, n->name));
                return;
            }
        }
    }
}

/* Items (nested for categories and reporting categories): an id each, NCName for agencies,
 * which name simple types in DSD-specific schemas. */
static void
check_items(problem_t *pb, const xmlNode *n, const char *item, int depth)
{
    sdmx_id_pattern p = strcmp(item, "Agency") == 0 ? SDMX_PAT_NCNAME : SDMX_PAT_ID;
    for (const xmlNode *c = n->children; c != NULL && pb->why == NULL; c = c->next) {
        if (!sdmx__is(c, item))
            continue;
        check_attr(pb, c, "id", p, 1);
        check_named(pb, c);
        check_order(pb, c);
        if (depth < MX_DEPTH)
            check_items(pb, c, item, depth + 1);
    }
}

/* Components name attributes and elements of structure-specific data (NCNames); the schema
 * wants at least one dimension and the primary measure. */
static void
check_dsd(problem_t *pb, const xmlNode *el)
{
    const xmlNode *comps = sdmx__child(el, "DataStructureComponents");
    for (const xmlNode *l = comps ? comps->children : NULL; l != NULL; l = l->next) {
        int is_dims = sdmx__is(l, "DimensionList"), is_measures = sdmx__is(l, "MeasureList");
        if (!is_dims && !is_measures && !sdmx__is(l, "AttributeList"))
            continue;
        int ncomps = 0;
        for (const xmlNode *c = l->children; c != NULL; c = c->next) {
            if (c->type != XML_ELEMENT_NODE || sdmx__is(c, "Annotations"))
                continue;
            check_attr(pb, c, "id", SDMX_PAT_NCNAME, 0);
            ncomps++;
        }
        if (ncomps == 0 && is_dims)
            complain(pb, l, "a DimensionList without a dimension");
        if (ncomps == 0 && is_measures)
            complain(pb, l, "a MeasureList without its PrimaryMeasure");
    }
}

const char *
sdmx__schema_problem(core_arena_t *a, dsd_kind kind, const xmlNode *el, int *line)
{
    problem_t pb = {a, NULL, 0};
    check_attr(&pb, el, "agencyID", SDMX_PAT_NESTED_NCNAME, 1);
    /* codelists, concept schemes and category schemes name simple types in DSD-specific
     * schemas: NCNames */
    sdmx_id_pattern idp = kind == DSD_KIND_CODELIST || kind == DSD_KIND_CONCEPTSCHEME ||
                                  kind == DSD_KIND_CATEGORYSCHEME
                              ? SDMX_PAT_NCNAME
                              : SDMX_PAT_ID;
    check_attr(&pb, el, "id", idp, 1);
    check_attr(&pb, el, "version", SDMX_PAT_VERSION, 0);
    check_named(&pb, el);
    check_order(&pb, el);
    check_values(&pb, el);
    check_attr_names(&pb, el);
    const dsd_kind_info_t *ki = dsd_kind_info(kind);
    if (ki != NULL && ki->item != NULL) {
        check_scheme_children(&pb, el, ki->item);
        check_items(&pb, el, ki->item, 0);
    }
    if (kind == DSD_KIND_DATASTRUCTURE)
        check_dsd(&pb, el);
    *line = pb.line;
    return pb.why;
}

/* ---- the maintainable ----------------------------------------------------------------------- */

dsd_model_t *
sdmx__model_from_xml(core_arena_t *a, const dsd_ref_t *ref, const xmlNode *el)
{
    mx_t mx = {a};
    dsd_model_t *m = core_arena_zalloc(a, sizeof *m);
    m->ref = *ref;
    read_common(&mx, el, &m->c);
    m->is_final = truthy(sdmx__attr(el, "isFinal"), 0);
    m->is_external = truthy(sdmx__attr(el, "isExternalReference"), 0);
    m->service_url = attr(&mx, el, "serviceURL");
    m->structure_url = attr(&mx, el, "structureURL");
    m->valid_from = attr(&mx, el, "validFrom");
    m->valid_to = attr(&mx, el, "validTo");
    const dsd_kind_info_t *ki = dsd_kind_info(ref->kind);
    ref_none(&m->flow.structure);
    ref_none(&m->agreement.usage);
    ref_none(&m->agreement.provider);
    ref_none(&m->categorisation.source);
    ref_none(&m->categorisation.target);
    switch (ref->kind) {
    case DSD_KIND_DATASTRUCTURE:
        read_dsd(&mx, el, &m->dsd);
        break;
    case DSD_KIND_METADATASTRUCTURE:
        read_msd(&mx, el, &m->msd);
        break;
    case DSD_KIND_DATAFLOW:
    case DSD_KIND_METADATAFLOW:
        read_ref(&mx, sdmx__child(el, "Structure"),
                 ref->kind == DSD_KIND_DATAFLOW ? "DataStructure" : "MetadataStructure",
                 &m->flow.structure);
        break;
    case DSD_KIND_PROVISIONAGREEMENT:
        read_ref(&mx, sdmx__child(el, "StructureUsage"), "Dataflow", &m->agreement.usage);
        read_ref(&mx, sdmx__child(el, "DataProvider"), "DataProvider", &m->agreement.provider);
        break;
    case DSD_KIND_CATEGORISATION:
        read_ref(&mx, sdmx__child(el, "Source"), NULL, &m->categorisation.source);
        read_ref(&mx, sdmx__child(el, "Target"), "Category", &m->categorisation.target);
        break;
    case DSD_KIND_CONTENTCONSTRAINT:
    case DSD_KIND_ATTACHMENTCONSTRAINT:
        read_constraint(&mx, el, &m->constraint);
        break;
    case DSD_KIND_STRUCTURESET:
        read_sset(&mx, el, &m->sset);
        break;
    case DSD_KIND_HIERARCHICALCODELIST:
        read_hcl(&mx, el, &m->hcl);
        break;
    default:
        if (ki != NULL && ki->item != NULL) {
            size_t cap = 0;
            m->scheme.is_partial = truthy(sdmx__attr(el, "isPartial"), 0);
            read_items(&mx, el, ki->item, CORE_STR_NULL, &cap, &m->scheme, 0);
        }
        break;
    }
    return m;
}

core_rc
sdmx_artefact_model(core_arena_t *a, const dsd_ref_t *ref, core_str_t xml, dsd_model_t **out,
                    core_err_t *err)
{
    xmlNode *el = sdmx__parse_stored(a, xml, err);
    if (el == NULL)
        return core_fail(err, CORE_ESYNTAX, "%s: its stored SDMX-ML cannot be read",
                         dsd_ref_label(a, ref));
    *out = sdmx__model_from_xml(a, ref, el);
    return CORE_OK;
}
