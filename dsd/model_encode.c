#include <config.h>
#include "dsd/model.h"
#include "dsd/model_shape.h"

#include <limits.h>
#include <stddef.h>
#include <string.h>

/* The encoding: the format byte, then the model's fields in the order the shapes below list
 * them, the body chosen by the artefact's kind. Numbers are LEB128 varints (ints zigzagged);
 * a string is its length plus one (0: absent) then its bytes; a list is its count then its
 * elements. Every element encodes to at least one byte, so a count past the bytes left is
 * refused before anything is allocated. The shapes are the one description both directions
 * walk, so that a field added to a struct is added once, here. Append fields at the end of a
 * shape and bump DSD_MODEL_FORMAT: stores hold this encoding. */

typedef dsd__field_t field_t;
typedef dsd__shape_t shape_t;

#define STR(T, m) {DSD__F_STR, offsetof(T, m), 0, NULL, #m}
#define INT(T, m) {DSD__F_INT, offsetof(T, m), 0, NULL, #m}
#define DREF(T, m) {DSD__F_DREF, offsetof(T, m), 0, NULL, #m}
#define OBJ(T, m, s) {DSD__F_OBJ, offsetof(T, m), 0, &s, #m}
#define ARR(T, m, n, s) {DSD__F_ARR, offsetof(T, m), offsetof(T, n), &s, #m}
#define STRS(T, m, n) {DSD__F_STRS, offsetof(T, m), offsetof(T, n), NULL, #m}
#define SHAPE(name, T, ...)                                                                   \
    static const field_t name##_fields[] = {__VA_ARGS__};                                     \
    static const shape_t name = {sizeof(T), name##_fields,                                    \
                                 sizeof name##_fields / sizeof name##_fields[0]}

SHAPE(text_s, dsd_m_text_t, STR(dsd_m_text_t, lang), STR(dsd_m_text_t, text));
SHAPE(annot_s, dsd_m_annotation_t, STR(dsd_m_annotation_t, id), STR(dsd_m_annotation_t, title),
      STR(dsd_m_annotation_t, type), STR(dsd_m_annotation_t, url),
      STR(dsd_m_annotation_t, value), ARR(dsd_m_annotation_t, texts, ntexts, text_s));
SHAPE(common_s, dsd_m_common_t, STR(dsd_m_common_t, id), STR(dsd_m_common_t, urn),
      STR(dsd_m_common_t, uri), ARR(dsd_m_common_t, names, nnames, text_s),
      ARR(dsd_m_common_t, descs, ndescs, text_s), ARR(dsd_m_common_t, annots, nannots, annot_s));
SHAPE(ref_s, dsd_m_ref_t, DREF(dsd_m_ref_t, ref), STR(dsd_m_ref_t, item), STR(dsd_m_ref_t, cls));
SHAPE(format_s, dsd_m_format_t, STR(dsd_m_format_t, text_type), STR(dsd_m_format_t, is_sequence),
      STR(dsd_m_format_t, interval), STR(dsd_m_format_t, start_value),
      STR(dsd_m_format_t, end_value), STR(dsd_m_format_t, time_interval),
      STR(dsd_m_format_t, start_time), STR(dsd_m_format_t, end_time),
      STR(dsd_m_format_t, min_length), STR(dsd_m_format_t, max_length),
      STR(dsd_m_format_t, min_value), STR(dsd_m_format_t, max_value),
      STR(dsd_m_format_t, decimals), STR(dsd_m_format_t, pattern),
      STR(dsd_m_format_t, is_multilingual));
SHAPE(repr_s, dsd_m_repr_t, OBJ(dsd_m_repr_t, enumeration, ref_s), INT(dsd_m_repr_t, has_format),
      INT(dsd_m_repr_t, has_enum_format), OBJ(dsd_m_repr_t, format, format_s),
      OBJ(dsd_m_repr_t, enum_format, format_s), STR(dsd_m_repr_t, min_occurs),
      STR(dsd_m_repr_t, max_occurs));

SHAPE(item_s, dsd_m_item_t, OBJ(dsd_m_item_t, c, common_s), STR(dsd_m_item_t, parent),
      OBJ(dsd_m_item_t, core, repr_s), OBJ(dsd_m_item_t, iso_concept, ref_s),
      STR(dsd_m_item_t, contact));
SHAPE(scheme_s, dsd_m_scheme_t, ARR(dsd_m_scheme_t, items, nitems, item_s),
      INT(dsd_m_scheme_t, is_partial), STR(dsd_m_scheme_t, codelist_extension));

SHAPE(rel_s, dsd_m_relation_t, INT(dsd_m_relation_t, type), STRS(dsd_m_relation_t, dims, ndims),
      STR(dsd_m_relation_t, group),
      STRS(dsd_m_relation_t, attachment_groups, nattachment_groups));
SHAPE(comp_s, dsd_m_component_t, OBJ(dsd_m_component_t, c, common_s),
      INT(dsd_m_component_t, kind), INT(dsd_m_component_t, position),
      OBJ(dsd_m_component_t, concept, ref_s), ARR(dsd_m_component_t, roles, nroles, ref_s),
      OBJ(dsd_m_component_t, repr, repr_s), INT(dsd_m_component_t, has_local),
      STR(dsd_m_component_t, assignment), OBJ(dsd_m_component_t, rel, rel_s),
      STRS(dsd_m_component_t, measures, nmeasures));
SHAPE(group_s, dsd_m_group_t, OBJ(dsd_m_group_t, c, common_s), STRS(dsd_m_group_t, dims, ndims),
      OBJ(dsd_m_group_t, attachment_constraint, ref_s));
SHAPE(dsd_s, dsd_m_dsd_t, ARR(dsd_m_dsd_t, dims, ndims, comp_s),
      ARR(dsd_m_dsd_t, measures, nmeasures, comp_s), ARR(dsd_m_dsd_t, attrs, nattrs, comp_s),
      ARR(dsd_m_dsd_t, groups, ngroups, group_s), OBJ(dsd_m_dsd_t, metadata, ref_s),
      OBJ(dsd_m_dsd_t, dim_list, common_s), OBJ(dsd_m_dsd_t, attr_list, common_s),
      OBJ(dsd_m_dsd_t, measure_list, common_s));

SHAPE(tcomp_s, dsd_m_target_comp_t, OBJ(dsd_m_target_comp_t, c, common_s),
      STR(dsd_m_target_comp_t, type), STR(dsd_m_target_comp_t, object_type),
      OBJ(dsd_m_target_comp_t, repr, repr_s));
SHAPE(target_s, dsd_m_target_t, OBJ(dsd_m_target_t, c, common_s),
      ARR(dsd_m_target_t, comps, ncomps, tcomp_s));
SHAPE(mattr_s, dsd_m_mattr_t, OBJ(dsd_m_mattr_t, c, common_s), INT(dsd_m_mattr_t, parent),
      OBJ(dsd_m_mattr_t, concept, ref_s), OBJ(dsd_m_mattr_t, repr, repr_s),
      INT(dsd_m_mattr_t, has_local), STR(dsd_m_mattr_t, min_occurs),
      STR(dsd_m_mattr_t, max_occurs), STR(dsd_m_mattr_t, is_presentational));
SHAPE(report_s, dsd_m_report_t, OBJ(dsd_m_report_t, c, common_s),
      STRS(dsd_m_report_t, targets, ntargets), ARR(dsd_m_report_t, attrs, nattrs, mattr_s));
SHAPE(msd_s, dsd_m_msd_t, ARR(dsd_m_msd_t, targets, ntargets, target_s),
      ARR(dsd_m_msd_t, reports, nreports, report_s));

SHAPE(flow_s, dsd_m_flow_t, OBJ(dsd_m_flow_t, structure, ref_s),
      ARR(dsd_m_flow_t, targets, ntargets, ref_s));
SHAPE(agreement_s, dsd_m_agreement_t, OBJ(dsd_m_agreement_t, usage, ref_s),
      OBJ(dsd_m_agreement_t, provider, ref_s));
SHAPE(categorisation_s, dsd_m_categorisation_t, OBJ(dsd_m_categorisation_t, source, ref_s),
      OBJ(dsd_m_categorisation_t, target, ref_s));

SHAPE(value_s, dsd_m_value_t, STR(dsd_m_value_t, text), STR(dsd_m_value_t, cascade),
      STR(dsd_m_value_t, lang));
SHAPE(trange_s, dsd_m_time_range_t, STR(dsd_m_time_range_t, type),
      STR(dsd_m_time_range_t, start), STR(dsd_m_time_range_t, start_inclusive),
      STR(dsd_m_time_range_t, end), STR(dsd_m_time_range_t, end_inclusive));
SHAPE(member_s, dsd_m_member_t, STR(dsd_m_member_t, id), INT(dsd_m_member_t, is_attribute),
      STR(dsd_m_member_t, include), STR(dsd_m_member_t, remove_prefix),
      ARR(dsd_m_member_t, values, nvalues, value_s), ARR(dsd_m_member_t, time, ntime, trange_s));
SHAPE(region_s, dsd_m_region_t, INT(dsd_m_region_t, include),
      ARR(dsd_m_region_t, members, nmembers, member_s));
SHAPE(key_s, dsd_m_key_t, STR(dsd_m_key_t, include), ARR(dsd_m_key_t, members, nmembers, member_s),
      STR(dsd_m_key_t, valid_from), STR(dsd_m_key_t, valid_to));
SHAPE(keyset_s, dsd_m_keyset_t, INT(dsd_m_keyset_t, included), INT(dsd_m_keyset_t, is_metadata),
      ARR(dsd_m_keyset_t, keys, nkeys, key_s));
SHAPE(constraint_s, dsd_m_constraint_t, STR(dsd_m_constraint_t, type),
      ARR(dsd_m_constraint_t, attachments, nattachments, ref_s),
      ARR(dsd_m_constraint_t, regions, nregions, region_s),
      ARR(dsd_m_constraint_t, keysets, nkeysets, keyset_s),
      STR(dsd_m_constraint_t, release_calendar));

SHAPE(pair_s, dsd_m_pair_t, STR(dsd_m_pair_t, source), STR(dsd_m_pair_t, target));
SHAPE(smap_s, dsd_m_structure_map_t, OBJ(dsd_m_structure_map_t, c, common_s),
      OBJ(dsd_m_structure_map_t, source, ref_s), OBJ(dsd_m_structure_map_t, target, ref_s),
      STR(dsd_m_structure_map_t, is_extension),
      ARR(dsd_m_structure_map_t, comps, ncomps, pair_s),
      STRS(dsd_m_structure_map_t, repr_maps, nrepr_maps));
SHAPE(imap_s, dsd_m_item_map_t, OBJ(dsd_m_item_map_t, c, common_s), STR(dsd_m_item_map_t, type),
      OBJ(dsd_m_item_map_t, source, ref_s), OBJ(dsd_m_item_map_t, target, ref_s),
      ARR(dsd_m_item_map_t, pairs, npairs, pair_s));
SHAPE(sset_s, dsd_m_structure_set_t, ARR(dsd_m_structure_set_t, related, nrelated, ref_s),
      ARR(dsd_m_structure_set_t, maps, nmaps, smap_s),
      ARR(dsd_m_structure_set_t, item_maps, nitem_maps, imap_s));

SHAPE(hcode_s, dsd_m_hcode_t, STR(dsd_m_hcode_t, id), OBJ(dsd_m_hcode_t, code, ref_s),
      INT(dsd_m_hcode_t, parent));
SHAPE(hier_s, dsd_m_hierarchy_t, OBJ(dsd_m_hierarchy_t, c, common_s),
      ARR(dsd_m_hierarchy_t, codes, ncodes, hcode_s));
SHAPE(hcl_s, dsd_m_hcl_t, ARR(dsd_m_hcl_t, codelists, ncodelists, ref_s),
      ARR(dsd_m_hcl_t, hierarchies, nhierarchies, hier_s));

/* What every maintainable has; ref comes first, so that its kind picks the body. */
SHAPE(head_s, dsd_model_t, DREF(dsd_model_t, ref), OBJ(dsd_model_t, c, common_s),
      INT(dsd_model_t, is_final), INT(dsd_model_t, is_external), STR(dsd_model_t, service_url),
      STR(dsd_model_t, structure_url), STR(dsd_model_t, valid_from),
      STR(dsd_model_t, valid_to));

/* The body a kind has, and where it sits in dsd_model_t; NULL shape: none. */
static const shape_t *
body_of(dsd_kind kind, size_t *off)
{
    switch (kind) {
    case DSD_KIND_AGENCYSCHEME:
    case DSD_KIND_DATACONSUMERSCHEME:
    case DSD_KIND_DATAPROVIDERSCHEME:
    case DSD_KIND_ORGUNITSCHEME:
    case DSD_KIND_CATEGORYSCHEME:
    case DSD_KIND_CODELIST:
    case DSD_KIND_CONCEPTSCHEME:
    case DSD_KIND_REPORTINGTAXONOMY:
        *off = offsetof(dsd_model_t, scheme);
        return &scheme_s;
    case DSD_KIND_DATASTRUCTURE:
        *off = offsetof(dsd_model_t, dsd);
        return &dsd_s;
    case DSD_KIND_METADATASTRUCTURE:
        *off = offsetof(dsd_model_t, msd);
        return &msd_s;
    case DSD_KIND_DATAFLOW:
    case DSD_KIND_METADATAFLOW:
        *off = offsetof(dsd_model_t, flow);
        return &flow_s;
    case DSD_KIND_PROVISIONAGREEMENT:
        *off = offsetof(dsd_model_t, agreement);
        return &agreement_s;
    case DSD_KIND_CATEGORISATION:
        *off = offsetof(dsd_model_t, categorisation);
        return &categorisation_s;
    case DSD_KIND_ATTACHMENTCONSTRAINT:
    case DSD_KIND_CONTENTCONSTRAINT:
        *off = offsetof(dsd_model_t, constraint);
        return &constraint_s;
    case DSD_KIND_STRUCTURESET:
        *off = offsetof(dsd_model_t, sset);
        return &sset_s;
    case DSD_KIND_HIERARCHICALCODELIST:
        *off = offsetof(dsd_model_t, hcl);
        return &hcl_s;
    default:
        *off = 0;
        return NULL; /* a process: its steps are not modelled */
    }
}

const shape_t *
dsd__model_head_shape(void)
{
    return &head_s;
}

const shape_t *
dsd__model_body_shape(dsd_kind kind, size_t *off)
{
    return body_of(kind, off);
}

/* ---- encoding ------------------------------------------------------------------------------- */

static void
put_varint(core_buf_t *b, uint64_t x)
{
    unsigned char tmp[10];
    size_t n = 0;
    do {
        unsigned char byte = x & 0x7f;
        x >>= 7;
        tmp[n++] = byte | (x ? 0x80 : 0);
    } while (x);
    core_buf_add(b, tmp, n);
}

static void
put_str(core_buf_t *b, core_str_t s)
{
    if (s.ptr == NULL) {
        put_varint(b, 0);
        return;
    }
    put_varint(b, (uint64_t)s.len + 1);
    core_buf_add(b, s.ptr, s.len);
}

static void
put_dref(core_buf_t *b, const dsd_ref_t *r)
{
    put_varint(b, (uint64_t)r->kind);
    put_str(b, r->agency);
    put_str(b, r->id);
    put_str(b, r->version);
}

static void put_shape(core_buf_t *b, const shape_t *s, const char *base);

static void
put_field(core_buf_t *b, const field_t *f, const char *base)
{
    const char *p = base + f->off;
    switch (f->type) {
    case DSD__F_STR:
        put_str(b, *(const core_str_t *)p);
        break;
    case DSD__F_INT: {
        int64_t v = *(const int *)p;
        put_varint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63)); /* zigzag */
        break;
    }
    case DSD__F_DREF:
        put_dref(b, (const dsd_ref_t *)p);
        break;
    case DSD__F_OBJ:
        put_shape(b, f->sub, p);
        break;
    case DSD__F_ARR: {
        const char *items = *(const char *const *)p;
        size_t n = *(const size_t *)(base + f->off_n);
        put_varint(b, n);
        for (size_t i = 0; i < n; i++)
            put_shape(b, f->sub, items + i * f->sub->size);
        break;
    }
    case DSD__F_STRS: {
        const core_str_t *items = *(const core_str_t *const *)p;
        size_t n = *(const size_t *)(base + f->off_n);
        put_varint(b, n);
        for (size_t i = 0; i < n; i++)
            put_str(b, items[i]);
        break;
    }
    }
}

static void
put_shape(core_buf_t *b, const shape_t *s, const char *base)
{
    for (size_t i = 0; i < s->nfields; i++)
        put_field(b, &s->fields[i], base);
}

void
dsd_model_encode(const dsd_model_t *m, core_buf_t *out)
{
    unsigned char fmt = DSD_MODEL_FORMAT;
    core_buf_add(out, &fmt, 1);
    put_shape(out, &head_s, (const char *)m);
    size_t off;
    const shape_t *body = body_of(m->ref.kind, &off);
    if (body != NULL)
        put_shape(out, body, (const char *)m + off);
}

/* ---- decoding ------------------------------------------------------------------------------- */

typedef struct dec {
    core_arena_t *a;
    const unsigned char *p, *end;
} dec_t;

static int
get_varint(dec_t *d, uint64_t *out)
{
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (d->p == d->end)
            return 0;
        unsigned char byte = *d->p++;
        if (shift == 63 && byte > 1)
            return 0; /* past 64 bits */
        x |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            *out = x;
            return 1;
        }
    }
    return 0;
}

static int
get_str(dec_t *d, core_str_t *out)
{
    uint64_t n;
    if (!get_varint(d, &n))
        return 0;
    if (n == 0) {
        *out = CORE_STR_NULL;
        return 1;
    }
    if (n - 1 > (uint64_t)(d->end - d->p))
        return 0;
    *out = (core_str_t){(const char *)d->p, (size_t)(n - 1)};
    d->p += n - 1;
    return 1;
}

static int
get_dref(dec_t *d, dsd_ref_t *r)
{
    uint64_t kind;
    if (!get_varint(d, &kind) || (kind >= DSD_KIND__COUNT && kind != DSD_KIND_NONE))
        return 0;
    r->kind = (dsd_kind)kind;
    return get_str(d, &r->agency) && get_str(d, &r->id) && get_str(d, &r->version);
}

/* A count of elements still to come: each takes a byte at least. */
static int
get_count(dec_t *d, size_t *n)
{
    uint64_t x;
    if (!get_varint(d, &x) || x > (uint64_t)(d->end - d->p))
        return 0;
    *n = (size_t)x;
    return 1;
}

static int get_shape(dec_t *d, const shape_t *s, char *base);

static int
get_field(dec_t *d, const field_t *f, char *base)
{
    char *p = base + f->off;
    switch (f->type) {
    case DSD__F_STR:
        return get_str(d, (core_str_t *)p);
    case DSD__F_INT: {
        uint64_t z;
        if (!get_varint(d, &z))
            return 0;
        int64_t v = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
        if (v < INT_MIN || v > INT_MAX)
            return 0;
        *(int *)p = (int)v;
        return 1;
    }
    case DSD__F_DREF:
        return get_dref(d, (dsd_ref_t *)p);
    case DSD__F_OBJ:
        return get_shape(d, f->sub, p);
    case DSD__F_ARR: {
        size_t n;
        if (!get_count(d, &n))
            return 0;
        char *items = n ? core_arena_zalloc(d->a, n * f->sub->size) : NULL;
        for (size_t i = 0; i < n; i++)
            if (!get_shape(d, f->sub, items + i * f->sub->size))
                return 0;
        *(char **)p = items;
        *(size_t *)(base + f->off_n) = n;
        return 1;
    }
    case DSD__F_STRS: {
        size_t n;
        if (!get_count(d, &n))
            return 0;
        core_str_t *items = n ? core_arena_zalloc(d->a, n * sizeof *items) : NULL;
        for (size_t i = 0; i < n; i++)
            if (!get_str(d, &items[i]))
                return 0;
        *(core_str_t **)p = items;
        *(size_t *)(base + f->off_n) = n;
        return 1;
    }
    }
    return 0;
}

static int
get_shape(dec_t *d, const shape_t *s, char *base)
{
    for (size_t i = 0; i < s->nfields; i++)
        if (!get_field(d, &s->fields[i], base))
            return 0;
    return 1;
}

core_rc
dsd_model_decode(core_arena_t *a, const void *data, size_t len, dsd_model_t **out,
                 core_err_t *err)
{
    dec_t d = {a, data, (const unsigned char *)data + len};
    if (len == 0 || d.p[0] != DSD_MODEL_FORMAT)
        return core_fail(err, CORE_ESYNTAX, "stored model: format %d, this sdmxd reads %d",
                         len ? d.p[0] : -1, DSD_MODEL_FORMAT);
    d.p++;
    dsd_model_t *m = core_arena_zalloc(a, sizeof *m);
    if (!get_shape(&d, &head_s, (char *)m) || m->ref.kind == DSD_KIND_NONE)
        return core_fail(err, CORE_ESYNTAX, "stored model: truncated or malformed head");
    size_t off;
    const shape_t *body = body_of(m->ref.kind, &off);
    if (body != NULL && !get_shape(&d, body, (char *)m + off))
        return core_fail(err, CORE_ESYNTAX, "stored model of %s: truncated or malformed",
                         dsd_ref_label(a, &m->ref));
    if (d.p != d.end)
        return core_fail(err, CORE_ESYNTAX, "stored model of %s: %zu bytes past its end",
                         dsd_ref_label(a, &m->ref), (size_t)(d.end - d.p));
    *out = m;
    return CORE_OK;
}
