/* The information model (dsd/model.h) and its stored encoding, on their own: linked with
 * libdsd.a and libcore.a only. */
#include <config.h>
#include "dsd/model.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static core_arena_t *A;

#define S(lit) CORE_STR(lit)

static dsd_m_text_t *
texts2(const char *en, const char *fr)
{
    dsd_m_text_t *t = core_arena_zalloc(A, 2 * sizeof *t);
    t[0] = (dsd_m_text_t){S("en"), core_str_c(en)};
    t[1] = (dsd_m_text_t){S("fr"), core_str_c(fr)};
    return t;
}

static void
common(dsd_m_common_t *c, const char *id)
{
    c->id = core_str_c(id);
    c->urn = core_str_c(core_arena_printf(A, "urn:test:%s", id));
    c->names = texts2(id, "nom");
    c->nnames = 2;
    c->descs = texts2("a description", "une description");
    c->ndescs = 1;
    c->annots = core_arena_zalloc(A, sizeof *c->annots);
    c->nannots = 1;
    c->annots[0] = (dsd_m_annotation_t){.id = S("A1"), .type = S("NOTE"), .title = S(""),
                                        .texts = texts2("note", "remarque"), .ntexts = 2};
}

static dsd_m_ref_t
mref(dsd_kind kind, const char *id, const char *item)
{
    return (dsd_m_ref_t){{kind, S("SDMX"), core_str_c(id), S("1.0")},
                         item ? core_str_c(item) : CORE_STR_NULL, CORE_STR_NULL};
}

static dsd_m_ref_t
none(void)
{
    return (dsd_m_ref_t){{DSD_KIND_NONE, CORE_STR_NULL, CORE_STR_NULL, CORE_STR_NULL},
                         CORE_STR_NULL, CORE_STR_NULL};
}

static dsd_model_t *
head(dsd_kind kind, const char *id)
{
    dsd_model_t *m = core_arena_zalloc(A, sizeof *m);
    m->ref = (dsd_ref_t){kind, S("SDMX"), core_str_c(id), S("1.0")};
    common(&m->c, id);
    m->is_final = 1;
    m->valid_from = S("2020-01-01");
    return m;
}

static void
repr_enum(dsd_m_repr_t *r, const char *cl)
{
    memset(r, 0, sizeof *r);
    r->enumeration = mref(DSD_KIND_CODELIST, cl, NULL);
}

static void
repr_text(dsd_m_repr_t *r, const char *type)
{
    memset(r, 0, sizeof *r);
    r->enumeration = none();
    r->has_format = 1;
    r->format.text_type = core_str_c(type);
    r->format.max_length = S("10");
    r->format.pattern = S("[A-Z]+");
}

static dsd_model_t *
sample_scheme(dsd_kind kind)
{
    dsd_model_t *m = head(kind, "SCHEME");
    m->scheme.nitems = 3;
    m->scheme.items = core_arena_zalloc(A, 3 * sizeof *m->scheme.items);
    for (size_t i = 0; i < 3; i++) {
        dsd_m_item_t *it = &m->scheme.items[i];
        common(&it->c, i == 0 ? "A" : i == 1 ? "B" : "C");
        it->core.enumeration = none();
        it->iso_concept = none();
    }
    m->scheme.items[2].parent = S("A");
    repr_enum(&m->scheme.items[1].core, "CL_FREQ");
    m->scheme.items[0].iso_concept = mref(DSD_KIND_CONCEPTSCHEME, "ISO", "X");
    m->scheme.is_partial = 1;
    return m;
}

static dsd_m_component_t *
comps(size_t n)
{
    return core_arena_zalloc(A, n * sizeof(dsd_m_component_t));
}

static void
comp(dsd_m_component_t *c, const char *id, int kind, int pos)
{
    common(&c->c, id);
    c->kind = kind;
    c->position = pos;
    c->concept = mref(DSD_KIND_CONCEPTSCHEME, "CS", id);
    c->has_local = 1;
    if (kind == DSD_M_TIME_DIMENSION || kind == DSD_M_PRIMARY_MEASURE)
        repr_text(&c->repr, kind == DSD_M_TIME_DIMENSION ? "ObservationalTimePeriod" : "Double");
    else
        repr_enum(&c->repr, "CL_X");
}

static dsd_model_t *
sample_dsd(void)
{
    dsd_model_t *m = head(DSD_KIND_DATASTRUCTURE, "DSD");
    dsd_m_dsd_t *d = &m->dsd;
    d->ndims = 3;
    d->dims = comps(3);
    comp(&d->dims[0], "FREQ", DSD_M_DIMENSION, 1);
    comp(&d->dims[1], "REF_AREA", DSD_M_DIMENSION, 2);
    comp(&d->dims[2], "TIME_PERIOD", DSD_M_TIME_DIMENSION, 3);
    d->dims[1].nroles = 1;
    d->dims[1].roles = core_arena_zalloc(A, sizeof *d->dims[1].roles);
    d->dims[1].roles[0] = mref(DSD_KIND_CONCEPTSCHEME, "ROLES", "COUNT");
    d->nmeasures = 1;
    d->measures = comps(1);
    comp(&d->measures[0], "OBS_VALUE", DSD_M_PRIMARY_MEASURE, 0);
    d->nattrs = 4;
    d->attrs = comps(4);
    comp(&d->attrs[0], "UNIT", DSD_M_ATTRIBUTE, 0);
    d->attrs[0].assignment = S("Mandatory");
    d->attrs[0].rel.type = DSD_M_ATTACH_DIMENSIONS;
    d->attrs[0].rel.ndims = 2;
    d->attrs[0].rel.dims = core_arena_zalloc(A, 2 * sizeof(core_str_t));
    d->attrs[0].rel.dims[0] = S("FREQ");
    d->attrs[0].rel.dims[1] = S("REF_AREA");
    comp(&d->attrs[1], "TITLE", DSD_M_ATTRIBUTE, 0);
    d->attrs[1].rel.type = DSD_M_ATTACH_GROUP;
    d->attrs[1].rel.group = S("SIBLING");
    comp(&d->attrs[2], "OBS_STATUS", DSD_M_ATTRIBUTE, 0);
    d->attrs[2].rel.type = DSD_M_ATTACH_MEASURE;
    d->attrs[2].nmeasures = 1;
    d->attrs[2].measures = core_arena_zalloc(A, sizeof(core_str_t));
    d->attrs[2].measures[0] = S("OBS_VALUE");
    comp(&d->attrs[3], "FOOTNOTE", DSD_M_METADATA_ATTRIBUTE_USAGE, 0);
    d->attrs[3].has_local = 0;
    memset(&d->attrs[3].repr, 0, sizeof d->attrs[3].repr);
    d->attrs[3].repr.enumeration = none();
    d->attrs[3].rel.type = DSD_M_ATTACH_OBSERVATION;
    d->ngroups = 1;
    d->groups = core_arena_zalloc(A, sizeof *d->groups);
    common(&d->groups[0].c, "SIBLING");
    d->groups[0].ndims = 1;
    d->groups[0].dims = core_arena_zalloc(A, sizeof(core_str_t));
    d->groups[0].dims[0] = S("REF_AREA");
    d->groups[0].attachment_constraint = none();
    d->metadata = mref(DSD_KIND_METADATASTRUCTURE, "MSD", NULL);
    d->dim_list.id = S("DimensionDescriptor");
    return m;
}

static dsd_model_t *
sample_msd(void)
{
    dsd_model_t *m = head(DSD_KIND_METADATASTRUCTURE, "MSD");
    m->msd.ntargets = 1;
    m->msd.targets = core_arena_zalloc(A, sizeof *m->msd.targets);
    common(&m->msd.targets[0].c, "T1");
    m->msd.targets[0].ncomps = 1;
    m->msd.targets[0].comps = core_arena_zalloc(A, sizeof *m->msd.targets[0].comps);
    dsd_m_target_comp_t *tc = &m->msd.targets[0].comps[0];
    tc->c.id = S("FLOW");
    tc->type = S("IdentifiableObjectTarget");
    tc->object_type = S("Dataflow");
    repr_text(&tc->repr, "URN");
    m->msd.nreports = 1;
    m->msd.reports = core_arena_zalloc(A, sizeof *m->msd.reports);
    dsd_m_report_t *r = &m->msd.reports[0];
    common(&r->c, "R1");
    r->ntargets = 1;
    r->targets = core_arena_zalloc(A, sizeof(core_str_t));
    r->targets[0] = S("T1");
    r->nattrs = 2;
    r->attrs = core_arena_zalloc(A, 2 * sizeof *r->attrs);
    for (int i = 0; i < 2; i++) {
        common(&r->attrs[i].c, i ? "CHILD" : "PARENT");
        r->attrs[i].parent = i - 1;
        r->attrs[i].concept = mref(DSD_KIND_CONCEPTSCHEME, "CS", "X");
        repr_text(&r->attrs[i].repr, "XHTML");
        r->attrs[i].max_occurs = S("unbounded");
        r->attrs[i].is_presentational = i ? CORE_STR_NULL : S("true");
    }
    return m;
}

static dsd_model_t *
sample_constraint(void)
{
    dsd_model_t *m = head(DSD_KIND_CONTENTCONSTRAINT, "CC");
    dsd_m_constraint_t *c = &m->constraint;
    c->type = S("Allowed");
    c->nattachments = 1;
    c->attachments = core_arena_zalloc(A, sizeof *c->attachments);
    c->attachments[0] = mref(DSD_KIND_DATAFLOW, "DF", NULL);
    c->nregions = 1;
    c->regions = core_arena_zalloc(A, sizeof *c->regions);
    c->regions[0].include = 1;
    c->regions[0].nmembers = 2;
    c->regions[0].members = core_arena_zalloc(A, 2 * sizeof *c->regions[0].members);
    dsd_m_member_t *kv = &c->regions[0].members[0];
    kv->id = S("REF_AREA");
    kv->nvalues = 2;
    kv->values = core_arena_zalloc(A, 2 * sizeof *kv->values);
    kv->values[0].text = S("GH");
    kv->values[1].text = S("KE");
    kv->values[1].cascade = S("true");
    dsd_m_member_t *tp = &c->regions[0].members[1];
    tp->id = S("TIME_PERIOD");
    tp->ntime = 1;
    tp->time = core_arena_zalloc(A, sizeof *tp->time);
    tp->time[0] = (dsd_m_time_range_t){S("StartPeriod"), S("2000"), S("true"), S("2020"),
                                       S("false")};
    c->nkeysets = 1;
    c->keysets = core_arena_zalloc(A, sizeof *c->keysets);
    c->keysets[0].included = 1;
    c->keysets[0].nkeys = 1;
    c->keysets[0].keys = core_arena_zalloc(A, sizeof *c->keysets[0].keys);
    c->keysets[0].keys[0].nmembers = 1;
    c->keysets[0].keys[0].members = kv;
    return m;
}

static dsd_model_t *
sample_sset(void)
{
    dsd_model_t *m = head(DSD_KIND_STRUCTURESET, "SS");
    dsd_m_structure_set_t *s = &m->sset;
    s->nrelated = 1;
    s->related = core_arena_zalloc(A, sizeof *s->related);
    s->related[0] = mref(DSD_KIND_DATASTRUCTURE, "DSD", NULL);
    s->nmaps = 1;
    s->maps = core_arena_zalloc(A, sizeof *s->maps);
    common(&s->maps[0].c, "SM");
    s->maps[0].source = mref(DSD_KIND_DATASTRUCTURE, "A", NULL);
    s->maps[0].target = mref(DSD_KIND_DATASTRUCTURE, "B", NULL);
    s->maps[0].ncomps = 1;
    s->maps[0].comps = core_arena_zalloc(A, sizeof *s->maps[0].comps);
    s->maps[0].comps[0] = (dsd_m_pair_t){S("FREQ"), S("FREQUENCY")};
    s->nitem_maps = 1;
    s->item_maps = core_arena_zalloc(A, sizeof *s->item_maps);
    s->item_maps[0].type = S("CodelistMap");
    s->item_maps[0].source = mref(DSD_KIND_CODELIST, "CL_A", NULL);
    s->item_maps[0].target = mref(DSD_KIND_CODELIST, "CL_B", NULL);
    s->item_maps[0].npairs = 1;
    s->item_maps[0].pairs = core_arena_zalloc(A, sizeof *s->item_maps[0].pairs);
    s->item_maps[0].pairs[0] = (dsd_m_pair_t){S("A"), S("ANNUAL")};
    return m;
}

static dsd_model_t *
sample(dsd_kind kind)
{
    dsd_model_t *m;
    switch (kind) {
    case DSD_KIND_DATASTRUCTURE: return sample_dsd();
    case DSD_KIND_METADATASTRUCTURE: return sample_msd();
    case DSD_KIND_CONTENTCONSTRAINT:
    case DSD_KIND_ATTACHMENTCONSTRAINT: {
        m = sample_constraint();
        m->ref.kind = kind;
        return m;
    }
    case DSD_KIND_STRUCTURESET: return sample_sset();
    case DSD_KIND_DATAFLOW:
    case DSD_KIND_METADATAFLOW:
        m = head(kind, "DF");
        m->flow.structure = mref(kind == DSD_KIND_DATAFLOW ? DSD_KIND_DATASTRUCTURE
                                                           : DSD_KIND_METADATASTRUCTURE,
                                 "DSD", NULL);
        return m;
    case DSD_KIND_PROVISIONAGREEMENT:
        m = head(kind, "PA");
        m->agreement.usage = mref(DSD_KIND_DATAFLOW, "DF", NULL);
        m->agreement.provider = mref(DSD_KIND_DATAPROVIDERSCHEME, "DATA_PROVIDERS", "ILO");
        return m;
    case DSD_KIND_CATEGORISATION:
        m = head(kind, "CAT");
        m->categorisation.source = mref(DSD_KIND_DATAFLOW, "DF", NULL);
        m->categorisation.target = mref(DSD_KIND_CATEGORYSCHEME, "CS", "ECO.GDP");
        return m;
    case DSD_KIND_HIERARCHICALCODELIST:
        m = head(kind, "HCL");
        m->hcl.nhierarchies = 1;
        m->hcl.hierarchies = core_arena_zalloc(A, sizeof *m->hcl.hierarchies);
        m->hcl.hierarchies[0].ncodes = 2;
        m->hcl.hierarchies[0].codes = core_arena_zalloc(A, 2 * sizeof(dsd_m_hcode_t));
        m->hcl.hierarchies[0].codes[0] =
            (dsd_m_hcode_t){S("W"), mref(DSD_KIND_CODELIST, "CL_AREA", "W"), -1};
        m->hcl.hierarchies[0].codes[1] =
            (dsd_m_hcode_t){S("GH"), mref(DSD_KIND_CODELIST, "CL_AREA", "GH"), 0};
        return m;
    case DSD_KIND_PROCESS:
        return head(kind, "PROC");
    default:
        return sample_scheme(kind);
    }
}

static void
test_round_trips(void)
{
    for (int k = 0; k < DSD_KIND__COUNT; k++) {
        const char *name = dsd_kind_info((dsd_kind)k)->element;
        dsd_model_t *m = sample((dsd_kind)k);
        core_buf_t b, b2;
        core_buf_init(&b);
        core_buf_init(&b2);
        dsd_model_encode(m, &b);
        dsd_model_t *d = NULL;
        core_err_t err = {0};
        ok(dsd_model_decode(A, b.ptr, b.len, &d, &err) == CORE_OK, "%s decodes (%s)", name,
           err.msg);
        if (d == NULL)
            continue;
        dsd_model_encode(d, &b2);
        ok(b.len == b2.len && memcmp(b.ptr, b2.ptr, b.len) == 0,
           "%s: the decoded model encodes to the same %zu bytes", name, b.len);
        ok(d->ref.kind == (dsd_kind)k && dsd_ref_eq(&d->ref, &m->ref) && d->is_final &&
               core_str_eq(d->c.names[1].text, S("nom")) &&
               core_str_eq(d->c.annots[0].texts[1].lang, S("fr")) &&
               d->c.annots[0].url.ptr == NULL && d->c.annots[0].title.ptr != NULL &&
               d->c.annots[0].title.len == 0,
           "%s: identity, names and annotations (absent and empty kept apart)", name);
        /* strings borrow from the encoded bytes */
        ok(d->ref.id.ptr >= b.ptr && d->ref.id.ptr < b.ptr + b.len, "%s: strings borrow", name);
        size_t refused = 0;
        for (size_t cut = 0; cut < b.len; cut++) {
            core_err_t e = {0};
            dsd_model_t *t;
            refused += dsd_model_decode(A, b.ptr, cut, &t, &e) == CORE_ESYNTAX && e.msg[0];
        }
        ok(refused == b.len, "%s: each of the %zu truncations refused with a message", name,
           b.len);
        core_buf_addc(&b, 0);
        ok(dsd_model_decode(A, b.ptr, b.len, &d, &err) == CORE_ESYNTAX,
           "%s: a byte past the end refused", name);
        core_buf_dispose(&b);
        core_buf_dispose(&b2);
    }
}

static void
test_fields(void)
{
    core_buf_t b;
    core_buf_init(&b);
    dsd_model_encode(sample_dsd(), &b);
    dsd_model_t *d;
    ok(dsd_model_decode(A, b.ptr, b.len, &d, NULL) == CORE_OK, "DSD decodes");
    const dsd_m_dsd_t *s = &d->dsd;
    ok(s->ndims == 3 && s->dims[2].kind == DSD_M_TIME_DIMENSION && s->dims[1].position == 2 &&
           core_str_eq(s->dims[1].roles[0].item, S("COUNT")),
       "dimensions: kinds, positions, roles");
    ok(core_str_eq(s->dims[0].repr.enumeration.ref.id, S("CL_X")) &&
           s->dims[0].repr.enumeration.ref.kind == DSD_KIND_CODELIST &&
           s->measures[0].repr.has_format &&
           core_str_eq(s->measures[0].repr.format.text_type, S("Double")) &&
           core_str_eq(s->measures[0].repr.format.max_length, S("10")),
       "representations: enumeration and text format");
    ok(s->attrs[0].rel.type == DSD_M_ATTACH_DIMENSIONS && s->attrs[0].rel.ndims == 2 &&
           core_str_eq(s->attrs[0].rel.dims[1], S("REF_AREA")) &&
           core_str_eq(s->attrs[0].assignment, S("Mandatory")) &&
           s->attrs[1].rel.type == DSD_M_ATTACH_GROUP &&
           core_str_eq(s->attrs[1].rel.group, S("SIBLING")) &&
           s->attrs[3].kind == DSD_M_METADATA_ATTRIBUTE_USAGE &&
           core_str_eq(s->attrs[2].measures[0], S("OBS_VALUE")),
       "attributes: relationships, status, 3.0 usages");
    ok(s->ngroups == 1 && core_str_eq(s->groups[0].dims[0], S("REF_AREA")) &&
           dsd_m_ref_absent(&s->groups[0].attachment_constraint) &&
           !dsd_m_ref_absent(&s->metadata),
       "groups and the 3.0 metadata structure");
    core_buf_reset(&b);
    dsd_model_encode(sample_msd(), &b);
    ok(dsd_model_decode(A, b.ptr, b.len, &d, NULL) == CORE_OK && d->msd.nreports == 1 &&
           d->msd.reports[0].attrs[1].parent == 0 && d->msd.reports[0].attrs[0].parent == -1 &&
           core_str_eq(d->msd.targets[0].comps[0].object_type, S("Dataflow")),
       "MSD: nested metadata attributes keep their parent, targets their object type");
    core_buf_reset(&b);
    dsd_model_encode(sample_scheme(DSD_KIND_CODELIST), &b);
    ok(dsd_model_decode(A, b.ptr, b.len, &d, NULL) == CORE_OK &&
           dsd_model_item(d, S("C")) != NULL &&
           core_str_eq(dsd_model_item(d, S("C"))->parent, S("A")) &&
           dsd_model_item(d, S("Z")) == NULL,
       "codelist: items found by id, with their parent");
    dsd_langpref_t fr;
    dsd_langpref_parse(A, S("fr"), &fr);
    ok(core_str_eq(dsd_m_text_pick(A, d->c.names, d->c.nnames, &fr), S("nom")) &&
           dsd_m_text_pick(A, d->c.names, 0, &fr).ptr == NULL,
       "text pick by language");
    core_buf_dispose(&b);
}

static void
test_malformed(void)
{
    core_err_t err = {0};
    dsd_model_t *d;
    ok(dsd_model_decode(A, "", 0, &d, &err) == CORE_ESYNTAX, "empty refused");
    core_err_clear(&err);
    ok(dsd_model_decode(A, "\x02", 1, &d, &err) == CORE_ESYNTAX && strstr(err.msg, "format"),
       "another format refused: %s", err.msg);
    /* kind 200: no such kind */
    static const char bad_kind[] = "\x01\xc8\x01\x01\x01\x01";
    ok(dsd_model_decode(A, bad_kind, sizeof bad_kind - 1, &d, NULL) == CORE_ESYNTAX,
       "unknown kind refused");
    /* a codelist whose item count says 2^40 */
    core_buf_t b;
    core_buf_init(&b);
    dsd_model_t *m = head(DSD_KIND_PROCESS, "P");
    dsd_model_encode(m, &b);
    b.ptr[1] = DSD_KIND_CODELIST;
    static const unsigned char huge[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x20};
    core_buf_add(&b, huge, sizeof huge);
    ok(dsd_model_decode(A, b.ptr, b.len, &d, NULL) == CORE_ESYNTAX,
       "a count past the bytes left refused before allocating");
    core_buf_reset(&b);
    static const unsigned char overlong[] = {1, 0xff, 0xff, 0xff, 0xff, 0xff,
                                             0xff, 0xff, 0xff, 0xff, 0x7f};
    ok(dsd_model_decode(A, overlong, sizeof overlong, &d, NULL) == CORE_ESYNTAX,
       "a varint past 64 bits refused");
    /* every byte flipped, one at a time: refused or decoded, never a crash */
    dsd_model_encode(sample_dsd(), &b);
    size_t decoded = 0;
    for (size_t i = 1; i < b.len; i++) {
        char *copy = core_arena_alloc(A, b.len);
        memcpy(copy, b.ptr, b.len);
        copy[i] ^= (char)0xa5;
        decoded += dsd_model_decode(A, copy, b.len, &d, NULL) == CORE_OK;
    }
    ok(decoded < b.len, "flipped bytes: %zu of %zu still decode, none crash", decoded, b.len);
    core_buf_dispose(&b);
}

static dsd_model_t *concepts_cs; /* what the lookup finds */

static core_rc
find_model(void *ctx, const dsd_ref_t *ref, const dsd_model_t **out)
{
    (void)ctx;
    if (ref->kind != DSD_KIND_CONCEPTSCHEME || !core_str_eq(ref->id, S("CS")) ||
        concepts_cs == NULL)
        return CORE_ENOTFOUND;
    *out = concepts_cs;
    return CORE_OK;
}

static void
test_compile(void)
{
    dsd_model_t *m = sample_dsd();
    /* FREQ says nothing of its representation: its concept's core representation counts */
    m->dsd.dims[0].has_local = 0;
    memset(&m->dsd.dims[0].repr, 0, sizeof m->dsd.dims[0].repr);
    m->dsd.dims[0].repr.enumeration = none();
    m->dsd.dims[1].c.id = CORE_STR_NULL; /* the concept gives the id */
    concepts_cs = sample_scheme(DSD_KIND_CONCEPTSCHEME);
    concepts_cs->scheme.items[0].c.id = S("FREQ");
    repr_enum(&concepts_cs->scheme.items[0].core, "CL_FREQ");
    dsd_compile_lookup_t look = {NULL, find_model};
    dsd_structure_t s;
    core_err_t err = {0};
    ok(dsd_structure_compile(A, m, &look, &s, &err) == CORE_OK, "DSD compiles (%s)", err.msg);
    ok(s.ndims == 2 && s.time.id && strcmp(s.time.id, "TIME_PERIOD") == 0 &&
           strcmp(s.dims[1].id, "REF_AREA") == 0 && strcmp(s.measure.id, "OBS_VALUE") == 0,
       "key dimensions, the time dimension apart, the measure, ids from concepts");
    ok(s.dims[0].codelist.kind == DSD_KIND_CODELIST &&
           core_str_eq(s.dims[0].codelist.id, S("CL_FREQ")) &&
           core_str_eq(s.dims[1].codelist.id, S("CL_X")) &&
           core_str_eq(s.dims[1].concepts.id, S("CS")) && strcmp(s.dims[1].concept, "REF_AREA") == 0,
       "codelists: local, else the concept's");
    ok(s.measure.format.max_length == 10 && s.measure.format.min_length == -1 &&
           strcmp(s.measure.text_type, "Double") == 0 && strcmp(s.measure.format.pattern, "[A-Z]+") == 0,
       "text formats parsed");
    ok(s.nattrs == 3 && s.attrs[0].attach == DSD_ATTACH_SERIES && s.attrs[0].mandatory &&
           s.attrs[1].attach == DSD_ATTACH_GROUP && strcmp(s.attrs[1].group, "SIBLING") == 0 &&
           s.attrs[2].attach == DSD_ATTACH_OBS && !s.attrs[2].mandatory,
       "attributes: attachment and status; metadata attribute usages left out");
    ok(s.ngroups == 1 && s.groups[0].mask == 2, "groups: the dimensions they name");
    ok(dsd_structure_compile(A, m, NULL, &s, NULL) == CORE_OK &&
           s.dims[0].codelist.kind == DSD_KIND_NONE,
       "without a lookup, no codelist from the concept");
    dsd_model_t *lost = concepts_cs;
    concepts_cs = NULL;
    core_err_clear(&err);
    ok(dsd_structure_compile(A, m, &look, &s, &err) == CORE_EBUG &&
           strstr(err.msg, "concept scheme") && strstr(err.msg, "FREQ"),
       "a concept scheme that cannot be read fails the compilation, not 'any code' (%s)",
       err.msg);
    concepts_cs = lost;
    dsd_model_t *empty = head(DSD_KIND_DATASTRUCTURE, "EMPTY");
    core_err_clear(&err);
    ok(dsd_structure_compile(A, empty, NULL, &s, &err) == CORE_ESEMANTIC && strstr(err.msg, "EMPTY"),
       "a DSD without dimensions refused: %s", err.msg);

    dsd_model_t *cm = sample_constraint();
    cm->constraint.regions[0].members[0].values[0].text = S("ZW"); /* sorted on compile */
    dsd_constraint_t c;
    ok(dsd_constraint_compile(A, cm, &c, NULL) == CORE_OK && c.nregions == 1 && c.nkeys == 1 &&
           c.regions[0].include && c.regions[0].n == 2 &&
           strcmp(c.regions[0].values[0][0], "KE") == 0 &&
           strcmp(c.regions[0].values[0][1], "ZW") == 0 && c.regions[0].nvalues[1] == 0 &&
           strcmp(c.label, "ContentConstraint SDMX:CC(1.0)") == 0,
       "constraint: regions with sorted values, keys, label");
    dsd_kv_t key[] = {{S("REF_AREA"), S("KE")}};
    ok(dsd_constraint_allows(&c, key, 1), "the compiled constraint allows a key it lists");
    cm->constraint.keysets[0].is_metadata = 1;
    ok(dsd_constraint_compile(A, cm, &c, NULL) == CORE_OK && c.nkeys == 0,
       "metadata key sets are not data keys");
    ok(dsd_constraint_compile(A, m, &c, NULL) == CORE_EBUG, "a DSD is no constraint");
}

/* ---- comparison by content (dsd/model_diff.c) -------------------------------------------- */

/* A copy of m that shares nothing with it: through the stored encoding. */
static dsd_model_t *
copy(const dsd_model_t *m)
{
    core_buf_t b;
    core_buf_init(&b);
    dsd_model_encode(m, &b);
    char *bytes = core_arena_strndup(A, b.ptr, b.len);
    dsd_model_t *d = NULL;
    dsd_model_decode(A, bytes, b.len, &d, NULL);
    core_buf_dispose(&b);
    return d;
}

static size_t
diff_report(const dsd_model_t *was, const dsd_model_t *now, int subset, size_t max,
            dsd_report_t *r)
{
    if (r != NULL)
        dsd_report_init(r, A, 100);
    dsd_diff_opts_t o = {.subset = subset, .max = max, .sev = DSD_SEV_ERROR, .rule = "changed"};
    return dsd_model_diff(was, now, &o, r);
}

static const char *
first_msg(const dsd_report_t *r)
{
    return r->len > 0 ? r->items[0].message : "(none)";
}

static void
test_diff_schemes(void)
{
    dsd_report_t r;
    dsd_model_t *was = sample_scheme(DSD_KIND_CODELIST);
    was->scheme.is_partial = 0;
    dsd_model_t *now = copy(was);
    ok(diff_report(was, now, 0, 10, &r) == 0 && r.len == 0, "a copy has the same content");

    for (size_t i = 0; i < now->scheme.nitems; i++)
        now->scheme.items[i].c.urn = CORE_STR_NULL;
    now->c.urn = S("urn:elsewhere");
    dsd_m_text_t swap = now->c.names[0];
    now->c.names[0] = now->c.names[1];
    now->c.names[1] = swap;
    ok(diff_report(was, now, 0, 10, &r) == 0, "urns and the order of names do not count");
    now->c.names[1].lang = CORE_STR_NULL; /* xml:lang's default is en */
    ok(diff_report(was, now, 0, 10, &r) == 0, "a name without xml:lang is the English one");

    now->scheme.items[1].c.names[1].text = S("Nom");
    ok(diff_report(was, now, 0, 10, &r) == 1, "a changed name is one difference");
    is_str(first_msg(&r), "Codelist SDMX:SCHEME(1.0) item 'B': name (fr) 'nom' → 'Nom'",
           "it says which item, which property, which language, from what to what");
    now->scheme.items[1].c.names[1].text = S("nom");

    now->scheme.items[2].parent = S("B");
    ok(diff_report(was, now, 0, 10, &r) == 1 &&
           strcmp(first_msg(&r), "Codelist SDMX:SCHEME(1.0) item 'C': parent 'A' → 'B'") == 0,
       "a moved item: %s", first_msg(&r));
    now->scheme.items[2].parent = S("A");

    now->scheme.items[1].core.enumeration.ref.version = S("2.0");
    ok(diff_report(was, now, 0, 10, &r) == 1 && strstr(first_msg(&r), "item 'B' core "
                                                       "representation: enumeration "
                                                       "'Codelist SDMX:CL_FREQ(1.0)' → "
                                                       "'Codelist SDMX:CL_FREQ(2.0)'"),
       "a changed reference names both: %s", first_msg(&r));
    now->scheme.items[1].core.enumeration.ref.version = S("1.0");

    now->scheme.items[0].c.annots[0].texts[0].text = S("another note");
    ok(diff_report(was, now, 0, 10, &r) == 1 &&
           strstr(first_msg(&r), "item 'A' annotation 1: text (en) 'note' → 'another note'"),
       "an annotation's text: %s", first_msg(&r));
    now->scheme.items[0].c.annots[0].texts[0].text = S("note");

    /* a partial scheme: the items it gives must be the stored ones; the others are no change */
    dsd_model_t *part = copy(was);
    part->scheme.is_partial = 1;
    part->scheme.items = &part->scheme.items[1];
    part->scheme.nitems = 1;
    ok(diff_report(was, part, 1, 10, &r) == 0, "a partial subset is no change");
    ok(diff_report(was, part, 0, 10, &r) == 3, "as a whole scheme it drops two items and "
                                               "says isPartial (%zu)", r.len);
    ok(r.len == 3 && strstr(r.items[0].message, "item 'A': removed"), "removed: %s",
       first_msg(&r));
    part->scheme.items[0].c.descs[0].text = S("changed");
    ok(diff_report(was, part, 1, 10, &r) == 1 && strstr(first_msg(&r), "item 'B': description "
                                                        "(en) 'a description' → 'changed'"),
       "a partial scheme's changed item is a change: %s", first_msg(&r));
    part->scheme.items[0].c.descs[0].text = S("a description");
    part->scheme.items[0].c.id = S("D");
    ok(diff_report(was, part, 1, 10, &r) == 1 && strstr(first_msg(&r), "item 'D': added"),
       "a partial scheme's new item is a change: %s", first_msg(&r));

    /* order, long texts, the limit */
    dsd_model_t *order = copy(was);
    dsd_m_item_t first = order->scheme.items[0];
    order->scheme.items[0] = order->scheme.items[2];
    order->scheme.items[2] = first;
    ok(diff_report(was, order, 0, 10, &r) == 1 && strstr(first_msg(&r), "item order"),
       "the items in another order: %s", first_msg(&r));
    dsd_model_t *longer = copy(was);
    longer->c.descs[0].text = S("A long description that goes on and on past what a message "
                                "shows, and ends one way");
    was->c.descs[0].text = S("A long description that goes on and on past what a message "
                             "shows, and ends another way");
    ok(diff_report(was, longer, 0, 10, &r) == 1 && strstr(first_msg(&r), "'…") &&
           strstr(first_msg(&r), "ends another way' → '…") && strstr(first_msg(&r), "ends one way'"),
       "a long text is shown from a little before where it parts: %s", first_msg(&r));
    for (size_t i = 0; i < longer->scheme.nitems; i++)
        longer->scheme.items[i].c.names[0].text = S("renamed");
    ok(diff_report(was, longer, 0, 2, &r) == 3 && r.len == 2, "the search stops past max");
    ok(diff_report(was, longer, 0, 0, NULL) == 1, "counted without a report, stopping at the "
                                                  "first");
}

static void
test_diff_structures(void)
{
    dsd_report_t r;
    dsd_model_t *was = sample_dsd(), *now = copy(was);
    ok(diff_report(was, now, 0, 10, &r) == 0, "a DSD's copy has the same content");
    now->dsd.dims[1].repr.enumeration.ref.id = S("CL_AREA");
    now->dsd.attrs[0].rel.ndims = 1;
    now->is_final = 0;
    ok(diff_report(was, now, 0, 10, &r) == 3, "three differences (%zu)", r.len);
    ok(r.len == 3 && strstr(r.items[0].message, "isFinal true → false"), "%s", first_msg(&r));
    ok(r.len == 3 && strstr(r.items[1].message, "dimension 'REF_AREA' representation: "
                                                "enumeration 'Codelist SDMX:CL_X(1.0)' → "
                                                "'Codelist SDMX:CL_AREA(1.0)'"),
       "%s", r.len > 1 ? r.items[1].message : "");
    ok(r.len == 3 && strstr(r.items[2].message, "attribute 'UNIT' attachment: dimension "
                                                "'FREQ REF_AREA' → 'FREQ'"),
       "%s", r.len > 2 ? r.items[2].message : "");
    dsd_model_t *msd = sample_msd(), *msd2 = copy(msd);
    ok(diff_report(msd, msd2, 0, 10, &r) == 0, "an MSD's copy has the same content");
}

int
main(void)
{
    A = core_arena_new();
    test_round_trips();
    test_fields();
    test_malformed();
    test_compile();
    test_diff_schemes();
    test_diff_structures();
    core_arena_free(A);
    return tap_done();
}
