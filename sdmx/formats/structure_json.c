/* SDMX-JSON 1.0 structure messages, converted from the SDMX-ML 2.1 element of each
 * artefact by a table: for each SDMX-ML type, which attributes and children become which
 * JSON properties, and as what (string, number, boolean, URN, local id, nested object). */
#include <config.h>
#include "sdmx/sdmx_int.h"

#include <stdio.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#define URN_PREFIX "urn:sdmx:org.sdmx.infomodel."
#define JSON_MAX_PATH 64

/* What an attribute or child element becomes. */
enum vk {
    VK_STR,      /* attribute value or element text */
    VK_BOOL,     /* xs:boolean */
    VK_INT,      /* integer >= 0 */
    VK_POSINT,   /* integer >= 1 */
    VK_SINT,     /* any integer */
    VK_NUM,      /* decimal */
    VK_OCCURS,   /* integer >= 1 or "unbounded" */
    VK_URN,      /* reference (Ref or URN child) as a URN; def is "package.Class" */
    VK_ID,       /* local reference (Ref with only id) as the plain id */
    VK_LOCALURN, /* local reference as the URN of a sibling inside this artefact; def is the
                    class, depth how many enclosing ids prefix the id */
    VK_MAPURN,   /* item or component of a map's Source/Target scheme, as a URN */
    VK_TEXTS,    /* language group: prop (best match) and prop + "s" (all) */
    VK_EMPTY,    /* presence only: {} */
    VK_OBJ,      /* nested shape */
    VK_FN        /* special handler */
};

struct jctx;
struct shape;

struct rule {
    const char *src;  /* "@attribute", child element local name, or NULL: the element itself */
    const char *prop; /* JSON property */
    unsigned char kind;
    unsigned char many;  /* repeated children become an array */
    unsigned char depth; /* VK_LOCALURN */
    const char *def;     /* attribute default, URN class, or local class */
    const struct shape *sub;
    void (*fn)(struct jctx *c, const xmlNode *el, const struct rule *r);
};

enum {
    S_ID = 1,     /* id attribute */
    S_ANNOT = 2,  /* com:Annotations */
    S_LINKS = 4,  /* links: [{rel: self, urn}] */
    S_NAME = 8,   /* com:Name, com:Description */
    S_MAINT = 16, /* version, agencyID, isFinal, ... */
    S_PUSH = 32,  /* its id prefixes the URNs of what it nests (categories, steps) */
    S_IDENT = S_ID | S_ANNOT | S_LINKS,
    S_NAMEABLE = S_IDENT | S_NAME
};

struct shape {
    unsigned flags;
    const char *cls; /* class in its self URN when the element has no urn attribute */
    const struct rule *rules;
    size_t nrules;
};

struct langset {
    const char **v;
    size_t n, cap;
};

struct jctx {
    yajl_gen g;
    core_arena_t *a;
    const dsd_langpref_t *pref;
    yajl_gen_status st; /* first generator failure */
    /* the maintainable being written, for the URNs of what it holds */
    const char *pkg, *agency, *mid, *version;
    const char *path[JSON_MAX_PATH]; /* ids of the S_PUSH elements enclosing this one */
    size_t npath;
    struct langset seen;   /* every language met, for meta.contentLanguages */
    struct langset picked; /* the languages of the texts chosen, for Content-Language */
};

/* ---- generator -------------------------------------------------------------------- */

static void
note(struct jctx *c, yajl_gen_status st)
{
    if (st != yajl_gen_status_ok && c->st == yajl_gen_status_ok)
        c->st = st;
}

static void
put_str(struct jctx *c, const char *s)
{
    note(c, yajl_gen_string(c->g, (const unsigned char *)s, strlen(s)));
}

static void
put_key(struct jctx *c, const char *k)
{
    put_str(c, k);
}

static void
put_bool(struct jctx *c, int v)
{
    note(c, yajl_gen_bool(c->g, v));
}

static void
put_open(struct jctx *c, int array)
{
    note(c, array ? yajl_gen_array_open(c->g) : yajl_gen_map_open(c->g));
}

static void
put_close(struct jctx *c, int array)
{
    note(c, array ? yajl_gen_array_close(c->g) : yajl_gen_map_close(c->g));
}

/* ---- libxml2 tree ---------------------------------------------------------------------- */

static int
is_el(const xmlNode *n, const char *local)
{
    return n != NULL && n->type == XML_ELEMENT_NODE &&
           (local == NULL || strcmp((const char *)n->name, local) == 0);
}

static const xmlNode *
next_el(const xmlNode *n, const char *local)
{
    for (; n != NULL; n = n->next)
        if (is_el(n, local))
            return n;
    return NULL;
}

static const xmlNode *
child(const xmlNode *n, const char *local)
{
    return n == NULL ? NULL : next_el(n->children, local);
}

/* Attribute value, borrowed from the tree; namespaces ignored, so "lang" finds xml:lang. */
static const char *
attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *p = n->properties; p != NULL; p = p->next)
        if (strcmp((const char *)p->name, name) == 0)
            return p->children != NULL && p->children->content != NULL
                       ? (const char *)p->children->content
                       : "";
    return NULL;
}

/* Text content of n in the arena; trimmed when asked (identifiers, URNs, numbers). */
static const char *
text(struct jctx *c, const xmlNode *n, int trim)
{
    xmlChar *x = xmlNodeGetContent(n);
    core_str_t s = core_str_c(x != NULL ? (const char *)x : "");
    if (trim)
        s = core_str_trim(s);
    char *r = core_arena_strndup(c->a, s.ptr, s.len);
    xmlFree(x);
    return r;
}

/* ---- URNs ------------------------------------------------------------------------------ */

/* URNs hold no white space, but hand-written SDMX-ML sometimes breaks them across lines. */
static const char *
clean_urn(struct jctx *c, const char *s)
{
    size_t n = strlen(s), k = 0;
    char *r = core_arena_alloc(c->a, n + 1);
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            r[k++] = s[i];
    r[k] = '\0';
    return r;
}

/* Whether s starts with a URI scheme: the schema's uri format takes absolute URIs only, so
 * relative structureURL and AnnotationURL values (relative to a file we do not serve) go. */
static int
is_absolute_uri(const char *s)
{
    const char *p = s;
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        return 0;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
           *p == '+' || *p == '-' || *p == '.')
        p++;
    return *p == ':' && strpbrk(s, " \t\r\n\"<>\\^`{|}") == NULL;
}

/* Agencies are named by their own nesting, not by the scheme that lists them. */
static const char *
urn_of(struct jctx *c, const char *pkg, const char *cls, const char *agency, const char *mid,
       const char *ver, const char *item)
{
    if (strcmp(cls, "Agency") == 0 && item != NULL) {
        if (strcmp(agency, "SDMX") == 0)
            return core_arena_printf(c->a, URN_PREFIX "base.Agency=%s", item);
        return core_arena_printf(c->a, URN_PREFIX "base.Agency=%s.%s", agency, item);
    }
    /* SDMX-ML references say class="Attribute"; the URN class is DataAttribute */
    if (strcmp(cls, "Attribute") == 0 && strcmp(pkg, "datastructure") == 0)
        cls = "DataAttribute";
    if (item == NULL)
        return core_arena_printf(c->a, URN_PREFIX "%s.%s=%s:%s(%s)", pkg, cls, agency, mid, ver);
    return core_arena_printf(c->a, URN_PREFIX "%s.%s=%s:%s(%s).%s", pkg, cls, agency, mid, ver,
                             item);
}

/* The first depth ids of the enclosing path, then id, joined by dots. */
static const char *
nested_id(struct jctx *c, size_t depth, const char *id)
{
    core_buf_t b;
    core_buf_init(&b);
    for (size_t i = 0; i < depth && i < c->npath; i++)
        core_buf_printf(&b, "%s.", c->path[i]);
    core_buf_adds(&b, id);
    const char *r = core_arena_strndup(c->a, b.ptr, b.len);
    core_buf_dispose(&b);
    return r;
}

/* URN of something inside the current maintainable. */
static const char *
local_urn(struct jctx *c, const char *cls, size_t depth, const char *id)
{
    if (c->agency == NULL || c->mid == NULL)
        return NULL;
    return urn_of(c, c->pkg, cls, c->agency, c->mid, c->version, nested_id(c, depth, id));
}

/* Package of class cls, from the information model; NULL when dsd does not know it. */
static const char *
package_of(const char *cls)
{
    int is_item;
    const dsd_kind_info_t *ki = dsd_kind_info(dsd_kind_by_class(core_str_c(cls), &is_item));
    return ki != NULL ? ki->package : NULL;
}

/* URN of the reference held by el (a Ref or URN child); def ("codelist.Codelist") names
 * the class when the Ref does not. NULL when el holds no usable reference. */
static const char *
ref_urn(struct jctx *c, const xmlNode *el, const char *def)
{
    const xmlNode *u = child(el, "URN");
    if (u != NULL)
        return clean_urn(c, text(c, u, 1));
    const xmlNode *ref = child(el, "Ref");
    const char *id = ref != NULL ? attr(ref, "id") : NULL;
    if (id == NULL)
        return NULL;
    const char *cls = attr(ref, "class"), *pkg = attr(ref, "package");
    const char *dot = def != NULL ? strchr(def, '.') : NULL;
    if (cls == NULL && dot != NULL)
        cls = dot + 1;
    if (cls == NULL)
        return NULL;
    if (pkg == NULL)
        pkg = package_of(cls);
    if (pkg == NULL && dot != NULL)
        pkg = core_arena_strndup(c->a, def, (size_t)(dot - def));
    const char *agency = attr(ref, "agencyID"), *parent = attr(ref, "maintainableParentID");
    if (agency == NULL)
        return local_urn(c, cls, 0, id);
    if (pkg == NULL)
        return NULL;
    if (parent != NULL) {
        const char *pv = attr(ref, "maintainableParentVersion");
        return urn_of(c, pkg, cls, agency, parent, pv != NULL ? pv : "1.0", id);
    }
    const char *ver = attr(ref, "version");
    return urn_of(c, pkg, cls, agency, id, ver != NULL ? ver : "1.0", NULL);
}

/* Id of the first Ref under el (GroupDimension nests it in DimensionReference). */
static const char *
ref_id(const xmlNode *el)
{
    for (const xmlNode *n = el->children; n != NULL; n = n->next) {
        if (!is_el(n, NULL))
            continue;
        if (is_el(n, "Ref"))
            return attr(n, "id");
        const char *id = ref_id(n);
        if (id != NULL)
            return id;
    }
    return NULL;
}

/* Item maps name items locally; their URN is the map's Source or Target scheme URN with the
 * scheme's item class ("Codelist" -> "Code") and the item id appended. */
static const char *
map_urn(struct jctx *c, const xmlNode *el, const char *side)
{
    const char *id = ref_id(el);
    const xmlNode *scheme = el->parent != NULL ? child(el->parent->parent, side) : NULL;
    const char *urn = scheme != NULL ? ref_urn(c, scheme, NULL) : NULL;
    const char *eq = urn != NULL ? strchr(urn, '=') : NULL;
    if (id == NULL || eq == NULL)
        return NULL;
    const char *dot = eq;
    while (dot > urn && *dot != '.')
        dot--;
    const xmlNode *ref = child(el, "Ref");
    const char *cls = ref != NULL ? attr(ref, "class") : NULL;
    if (cls == NULL) {
        core_str_t scls = {dot + 1, (size_t)(eq - dot - 1)};
        const dsd_kind_info_t *ki = dsd_kind_info(dsd_kind_by_element(scls));
        cls = ki != NULL && ki->item != NULL ? ki->item : "Dimension";
    }
    return core_arena_printf(c->a, "%.*s.%s%s.%s", (int)(dot - urn), urn, cls, eq, id);
}

/* ---- scalar values ------------------------------------------------------------------ */

/* Whether s is a JSON number (and an integer when want_int), so yajl may copy it. */
static int
is_number(const char *s, int want_int)
{
    const char *p = s;
    if (*p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return 0;
    if (*p == '0' && p[1] >= '0' && p[1] <= '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    if (want_int)
        return *p == '\0';
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (*p < '0' || *p > '9')
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

/* SDMX-ML writes "+5" and " 5 " where JSON cannot. */
static const char *
numeric(struct jctx *c, const char *s)
{
    core_str_t t = core_str_trim(core_str_c(s));
    if (t.len > 0 && t.ptr[0] == '+') {
        t.ptr++;
        t.len--;
    }
    return core_arena_strndup(c->a, t.ptr, t.len);
}

/* Writes prop (unless NULL) and s as kind; nothing when s does not fit the schema's type. */
static void
scalar(struct jctx *c, const char *prop, int kind, const char *s)
{
    const char *v = s;
    int b = 0;
    switch (kind) {
    case VK_BOOL:
        if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
            b = 1;
        else if (strcmp(s, "false") != 0 && strcmp(s, "0") != 0)
            return;
        break;
    case VK_OCCURS:
        if (strcmp(s, "unbounded") == 0)
            break;
        /* an integer from 1 on */
        v = numeric(c, s);
        if (!is_number(v, 1) || v[0] == '-' || strcmp(v, "0") == 0)
            return;
        break;
    case VK_INT:
    case VK_POSINT:
    case VK_SINT:
    case VK_NUM:
        v = numeric(c, s);
        if (!is_number(v, kind != VK_NUM))
            return;
        if ((kind == VK_INT || kind == VK_POSINT) && v[0] == '-')
            return;
        if (kind == VK_POSINT && strcmp(v, "0") == 0)
            return;
        break;
    default:
        break;
    }
    if (prop != NULL)
        put_key(c, prop);
    if (kind == VK_BOOL)
        put_bool(c, b);
    else if (kind == VK_STR || (kind == VK_OCCURS && v == s))
        put_str(c, v);
    else
        note(c, yajl_gen_number(c->g, v, strlen(v)));
}

/* ---- languages ------------------------------------------------------------------------- */

static void
note_lang(core_arena_t *a, struct langset *set, const char *lang)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->v[i], lang) == 0)
            return;
    core_arena_grow(a, (void **)&set->v, set->n, &set->cap, sizeof *set->v);
    set->v[set->n++] = lang;
}

/* The children of el named local, one per language: prop is the best match for the
 * client, prop + "s" maps every language to its text. */
static void
texts(struct jctx *c, const xmlNode *el, const char *local, const char *prop)
{
    size_t n = 0, k = 0;
    for (const xmlNode *t = child(el, local); t != NULL; t = next_el(t->next, local))
        n++;
    if (n == 0)
        return;
    const char **langs = core_arena_alloc(c->a, n * sizeof *langs);
    const char **vals = core_arena_alloc(c->a, n * sizeof *vals);
    for (const xmlNode *t = child(el, local); t != NULL; t = next_el(t->next, local)) {
        const char *lang = attr(t, "lang");
        if (lang == NULL || *lang == '\0')
            lang = "en"; /* xml:lang defaults to English in SDMX-ML */
        size_t j = 0;
        while (j < k && strcmp(langs[j], lang) != 0)
            j++;
        if (j < k)
            continue; /* a JSON object holds one text per language */
        langs[k] = lang;
        vals[k++] = text(c, t, 0);
        note_lang(c->a, &c->seen, lang);
    }
    int best = dsd_langpref_pick(c->pref, langs, k);
    note_lang(c->a, &c->picked, langs[best < 0 ? 0 : best]);
    char plural[32];
    snprintf(plural, sizeof plural, "%ss", prop);
    put_key(c, prop);
    put_str(c, vals[best < 0 ? 0 : best]);
    put_key(c, plural);
    put_open(c, 0);
    for (size_t i = 0; i < k; i++) {
        put_key(c, langs[i]);
        put_str(c, vals[i]);
    }
    put_close(c, 0);
}

/* ---- the table ------------------------------------------------------------------------- */

static void object(struct jctx *c, const xmlNode *el, const struct shape *sh);

static void fn_position(struct jctx *c, const xmlNode *el, const struct rule *r);
static void fn_values(struct jctx *c, const xmlNode *el, const struct rule *r);
static void fn_included(struct jctx *c, const xmlNode *el, const struct rule *r);
static void fn_iso(struct jctx *c, const xmlNode *el, const struct rule *r);
static void fn_ann_links(struct jctx *c, const xmlNode *el, const struct rule *r);

#define RULE(src, prop, kind, many, depth, def, sub, fn)                                           \
    {                                                                                              \
        src, prop, kind, many, depth, def, sub, fn                                                 \
    }
#define A(src, prop, kind) RULE("@" src, prop, kind, 0, 0, NULL, NULL, NULL)
#define AD(src, prop, kind, def) RULE("@" src, prop, kind, 0, 0, def, NULL, NULL)
#define E(src, prop, kind, def) RULE(src, prop, kind, 0, 0, def, NULL, NULL)
#define EM(src, prop, kind, def) RULE(src, prop, kind, 1, 0, def, NULL, NULL)
#define O(src, prop, sub) RULE(src, prop, VK_OBJ, 0, 0, NULL, &sub, NULL)
#define OM(src, prop, sub) RULE(src, prop, VK_OBJ, 1, 0, NULL, &sub, NULL)
#define T(src, prop) RULE(src, prop, VK_TEXTS, 0, 0, NULL, NULL, NULL)
#define L(src, prop, cls, depth) RULE(src, prop, VK_LOCALURN, 0, depth, cls, NULL, NULL)
#define LM(src, prop, cls) RULE(src, prop, VK_LOCALURN, 1, 0, cls, NULL, NULL)
#define F(src, prop, fn) RULE(src, prop, VK_FN, 0, 0, NULL, NULL, fn)
#define SHAPE(flags, cls, rules)                                                                   \
    {                                                                                              \
        flags, cls, rules, sizeof rules / sizeof rules[0]                                          \
    }

static const struct shape s_annotation, s_contact, s_text_format, s_enum_format, s_coding_format,
    s_time_format, s_target_format, s_repr, s_time_repr, s_measure_repr, s_target_repr,
    s_idobj_repr, s_code, s_concept, s_category, s_agency, s_provider, s_consumer, s_orgunit,
    s_repcat, s_dsd_comps, s_dim_list, s_dim, s_measure_dim, s_time_dim, s_group, s_attr_list,
    s_attr, s_ryd, s_attr_rel, s_measure_list, s_primary, s_msd_comps, s_md_target, s_cct, s_dst,
    s_kdvt, s_rpt, s_iot, s_report, s_md_attr, s_hierarchy, s_hcode, s_level, s_osmap, s_csmap,
    s_clmap, s_cnmap, s_rtmap, s_hcmap, s_stmap, s_item_map, s_comp_map, s_repmap, s_valuemap,
    s_valuemapping, s_step, s_computation, s_io, s_transition, s_att_attach, s_cc_attach, s_setref,
    s_qds, s_cube, s_cube_key, s_timerange, s_period, s_dks, s_datakey, s_dkv, s_mks, s_mdkey,
    s_mkv, s_mtr, s_mtr_key, s_refperiod, s_relcal;

/* common */

static const struct rule r_annotation[] = {
    A("id", "id", VK_STR),
    E("AnnotationTitle", "title", VK_STR, NULL),
    E("AnnotationType", "type", VK_STR, NULL),
    T("AnnotationText", "text"),
    F("AnnotationURL", "links", fn_ann_links),
};
static const struct rule r_contact[] = {
    T("Name", "name"),
    T("Department", "department"),
    T("Role", "role"),
    EM("Telephone", "telephones", VK_STR, NULL),
    EM("Fax", "faxes", VK_STR, NULL),
    EM("X400", "x400s", VK_STR, NULL),
    EM("URI", "uris", VK_STR, NULL),
    EM("Email", "emails", VK_STR, NULL),
};

/* representations: the schema types facets as numbers, or integers in enumeration formats
 * and from 1 in level coding formats */

static const struct rule r_text_format[] = {
    A("textType", "textType", VK_STR),
    A("isSequence", "isSequence", VK_BOOL),
    A("interval", "interval", VK_NUM),
    A("startValue", "startValue", VK_NUM),
    A("endValue", "endValue", VK_NUM),
    A("timeInterval", "timeInterval", VK_STR),
    A("startTime", "startTime", VK_STR),
    A("endTime", "endTime", VK_STR),
    A("minLength", "minLength", VK_POSINT),
    A("maxLength", "maxLength", VK_POSINT),
    A("minValue", "minValue", VK_NUM),
    A("maxValue", "maxValue", VK_NUM),
    A("decimals", "decimals", VK_POSINT),
    A("pattern", "pattern", VK_STR),
    A("isMultiLingual", "isMultiLingual", VK_BOOL),
};
static const struct rule r_enum_format[] = {
    A("textType", "textType", VK_STR),      A("isSequence", "isSequence", VK_BOOL),
    A("interval", "interval", VK_SINT),     A("startValue", "startValue", VK_SINT),
    A("endValue", "endValue", VK_SINT),     A("timeInterval", "timeInterval", VK_STR),
    A("startTime", "startTime", VK_STR),    A("endTime", "endTime", VK_STR),
    A("minLength", "minLength", VK_POSINT), A("maxLength", "maxLength", VK_POSINT),
    A("minValue", "minValue", VK_SINT),     A("maxValue", "maxValue", VK_SINT),
    A("pattern", "pattern", VK_STR),
};
static const struct rule r_coding_format[] = {
    A("textType", "textType", VK_STR),      A("isSequence", "isSequence", VK_BOOL),
    A("interval", "interval", VK_SINT),     A("startValue", "startValue", VK_POSINT),
    A("endValue", "endValue", VK_POSINT),   A("minLength", "minLength", VK_POSINT),
    A("maxLength", "maxLength", VK_POSINT), A("minValue", "minValue", VK_POSINT),
    A("maxValue", "maxValue", VK_POSINT),   A("pattern", "pattern", VK_STR),
};
static const struct rule r_time_format[] = {
    A("textType", "textType", VK_STR),
    A("startTime", "startTime", VK_STR),
    A("endTime", "endTime", VK_STR),
};
static const struct rule r_target_format[] = {
    A("textType", "textType", VK_STR),
};
static const struct rule r_repr[] = {
    E("Enumeration", "enumeration", VK_URN, "codelist.Codelist"),
    O("EnumerationFormat", "enumerationFormat", s_enum_format),
    O("TextFormat", "textFormat", s_text_format),
};
static const struct rule r_time_repr[] = {
    O("TextFormat", "textFormat", s_time_format),
};
static const struct rule r_measure_repr[] = {
    E("Enumeration", "enumeration", VK_URN, "conceptscheme.ConceptScheme"),
};
static const struct rule r_target_repr[] = {
    O("TextFormat", "textFormat", s_target_format),
};
static const struct rule r_idobj_repr[] = {
    E("Enumeration", "enumeration", VK_URN, "codelist.Codelist"),
    O("TextFormat", "textFormat", s_target_format),
};

/* items */

static const struct rule r_code[] = {
    E("Parent", "parent", VK_ID, NULL),
};
static const struct rule r_concept[] = {
    O("CoreRepresentation", "coreRepresentation", s_repr),
    F("ISOConceptReference", "isoConceptReference", fn_iso),
    L("Parent", "parent", "Concept", 0),
};
static const struct rule r_category[] = {
    OM("Category", "categories", s_category),
};
static const struct rule r_org[] = {
    OM("Contact", "contacts", s_contact),
};
static const struct rule r_orgunit[] = {
    OM("Contact", "contacts", s_contact),
    L("Parent", "parent", "OrganisationUnit", 0),
};
static const struct rule r_repcat[] = {
    EM("StructuralMetadata", "structuralMetadata", VK_URN, "datastructure.DataStructure"),
    EM("ProvisioningMetadata", "provisioningMetadata", VK_URN, "datastructure.Dataflow"),
    OM("ReportingCategory", "reportingCategories", s_repcat),
};

/* data structure */

static const struct rule r_dsd_comps[] = {
    O("AttributeList", "attributeList", s_attr_list),
    O("DimensionList", "dimensionList", s_dim_list),
    OM("Group", "groups", s_group),
    O("MeasureList", "measureList", s_measure_list),
};
static const struct rule r_dim_list[] = {
    OM("Dimension", "dimensions", s_dim),
    OM("MeasureDimension", "measureDimensions", s_measure_dim),
    OM("TimeDimension", "timeDimensions", s_time_dim),
};
static const struct rule r_dim[] = {
    F(NULL, "position", fn_position),
    AD("type", "type", VK_STR, "Dimension"),
    E("ConceptIdentity", "conceptIdentity", VK_URN, "conceptscheme.Concept"),
    EM("ConceptRole", "conceptRoles", VK_URN, "conceptscheme.Concept"),
    O("LocalRepresentation", "localRepresentation", s_repr),
};
static const struct rule r_measure_dim[] = {
    F(NULL, "position", fn_position),
    AD("type", "type", VK_STR, "MeasureDimension"),
    E("ConceptIdentity", "conceptIdentity", VK_URN, "conceptscheme.Concept"),
    EM("ConceptRole", "conceptRoles", VK_URN, "conceptscheme.Concept"),
    O("LocalRepresentation", "localRepresentation", s_measure_repr),
};
static const struct rule r_time_dim[] = {
    F(NULL, "position", fn_position),
    AD("type", "type", VK_STR, "TimeDimension"),
    E("ConceptIdentity", "conceptIdentity", VK_URN, "conceptscheme.Concept"),
    O("LocalRepresentation", "localRepresentation", s_time_repr),
};
static const struct rule r_group[] = {
    EM("GroupDimension", "groupDimensions", VK_ID, NULL),
    E("AttachmentConstraint", "attachmentConstraint", VK_URN, "registry.AttachmentConstraint"),
};
static const struct rule r_attr_list[] = {
    OM("Attribute", "attributes", s_attr),
    OM("ReportingYearStartDay", "reportingYearStartDays", s_ryd),
};
static const struct rule r_attr[] = {
    A("assignmentStatus", "assignmentStatus", VK_STR),
    O("AttributeRelationship", "attributeRelationship", s_attr_rel),
    E("ConceptIdentity", "conceptIdentity", VK_URN, "conceptscheme.Concept"),
    EM("ConceptRole", "conceptRoles", VK_URN, "conceptscheme.Concept"),
    O("LocalRepresentation", "localRepresentation", s_repr),
};
static const struct rule r_ryd[] = {
    A("assignmentStatus", "assignmentStatus", VK_STR),
    O("AttributeRelationship", "attributeRelationship", s_attr_rel),
    E("ConceptIdentity", "conceptIdentity", VK_URN, "conceptscheme.Concept"),
    O("LocalRepresentation", "localRepresentation", s_target_repr),
};
static const struct rule r_attr_rel[] = {
    E("None", "none", VK_EMPTY, NULL),
    EM("Dimension", "dimensions", VK_ID, NULL),
    EM("AttachmentGroup", "attachmentGroups", VK_ID, NULL),
    E("Group", "group", VK_ID, NULL),
    E("PrimaryMeasure", "primaryMeasure", VK_ID, NULL),
};
static const struct rule r_measure_list[] = {
    O("PrimaryMeasure", "primaryMeasure", s_primary),
};
static const struct rule r_primary[] = {
    E("ConceptIdentity", "conceptIdentity", VK_URN, "conceptscheme.Concept"),
    O("LocalRepresentation", "localRepresentation", s_repr),
};

/* metadata structure */

static const struct rule r_msd_comps[] = {
    OM("MetadataTarget", "metadataTargets", s_md_target),
    OM("ReportStructure", "reportStructures", s_report),
};
static const struct rule r_md_target[] = {
    OM("ConstraintContentTarget", "constraintContentTargets", s_cct),
    OM("DataSetTarget", "dataSetTargets", s_dst),
    OM("IdentifiableObjectTarget", "identifiableObjectTargets", s_iot),
    OM("KeyDescriptorValuesTarget", "keyDescriptorValuesTargets", s_kdvt),
    OM("ReportPeriodTarget", "reportPeriodTargets", s_rpt),
};
static const struct rule r_target[] = {
    O("LocalRepresentation", "localRepresentation", s_target_repr),
};
static const struct rule r_rpt[] = {
    O("LocalRepresentation", "localRepresentation", s_time_repr),
};
static const struct rule r_iot[] = {
    A("objectType", "objectType", VK_STR),
    O("LocalRepresentation", "localRepresentation", s_idobj_repr),
};
static const struct rule r_report[] = {
    OM("MetadataAttribute", "metadataAttributes", s_md_attr),
    LM("MetadataTarget", "metadataTargets", "MetadataTarget"),
};
static const struct rule r_md_attr[] = {
    A("isPresentational", "isPresentational", VK_BOOL),
    A("maxOccurs", "maxOccurs", VK_OCCURS),
    A("minOccurs", "minOccurs", VK_INT),
    E("ConceptIdentity", "conceptIdentity", VK_URN, "conceptscheme.Concept"),
    O("LocalRepresentation", "localRepresentation", s_repr),
    OM("MetadataAttribute", "metadataAttributes", s_md_attr),
};

/* hierarchical codelist */

static const struct rule r_hierarchy[] = {
    AD("leveled", "leveled", VK_BOOL, "false"),
    OM("HierarchicalCode", "hierarchicalCodes", s_hcode),
    O("Level", "level", s_level),
};
static const struct rule r_hcode[] = {
    A("validFrom", "validFrom", VK_STR),
    A("validTo", "validTo", VK_STR),
    A("version", "version", VK_STR),
    E("Code", "code", VK_URN, "codelist.Code"),
    E("CodeID", "codeID", VK_ID, NULL),
    E("CodelistAliasRef", "codelistAliasRef", VK_STR, NULL),
    OM("HierarchicalCode", "hierarchicalCodes", s_hcode),
    L("Level", "level", "Level", 1),
};
static const struct rule r_level[] = {
    O("CodingFormat", "codingFormat", s_coding_format),
    O("Level", "level", s_level),
};

/* structure set */

static const struct rule r_item_map[] = {
    RULE("Source", "source", VK_MAPURN, 0, 0, "Source", NULL, NULL),
    RULE("Target", "target", VK_MAPURN, 0, 0, "Target", NULL, NULL),
};
#define SCHEME_MAP(name, def, item, prop)                                                          \
    static const struct rule name[] = {                                                            \
        E("Source", "source", VK_URN, def),                                                        \
        E("Target", "target", VK_URN, def),                                                        \
        OM(item, prop, s_item_map),                                                                \
    }
SCHEME_MAP(r_osmap, "base.AgencyScheme", "OrganisationMap", "organisationMaps");
SCHEME_MAP(r_csmap, "categoryscheme.CategoryScheme", "CategoryMap", "categoryMaps");
SCHEME_MAP(r_clmap, "codelist.Codelist", "CodeMap", "codeMaps");
SCHEME_MAP(r_cnmap, "conceptscheme.ConceptScheme", "ConceptMap", "conceptMaps");
SCHEME_MAP(r_rtmap, "categoryscheme.ReportingTaxonomy", "ReportingCategoryMap",
           "reportingCategoryMaps");
SCHEME_MAP(r_hcmap, "codelist.Codelist", "HybridCodeMap", "hybridCodeMaps");
static const struct rule r_stmap[] = {
    A("isExtension", "isExtension", VK_BOOL),
    E("Source", "source", VK_URN, "datastructure.DataStructure"),
    E("Target", "target", VK_URN, "datastructure.DataStructure"),
    OM("ComponentMap", "componentMaps", s_comp_map),
};
static const struct rule r_comp_map[] = {
    RULE("Source", "source", VK_MAPURN, 0, 0, "Source", NULL, NULL),
    RULE("Target", "target", VK_MAPURN, 0, 0, "Target", NULL, NULL),
    O("RepresentationMapping", "representationMapping", s_repmap),
};
static const struct rule r_repmap[] = {
    L("CodelistMap", "codelistMap", "CodelistMap", 0),
    O("ToTextFormat", "toTextFormat", s_text_format),
    E("ToValueType", "toValueType", VK_STR, NULL),
    O("ValueMap", "valueMap", s_valuemap),
};
static const struct rule r_valuemap[] = {
    OM("ValueMapping", "valueMappings", s_valuemapping),
};
static const struct rule r_valuemapping[] = {
    A("source", "source", VK_STR),
    A("target", "target", VK_STR),
};

/* process */

static const struct rule r_step[] = {
    O("Computation", "computation", s_computation),
    OM("Input", "inputs", s_io),
    OM("Output", "outputs", s_io),
    OM("ProcessStep", "processSteps", s_step),
    OM("Transition", "transitions", s_transition),
};
static const struct rule r_computation[] = {
    A("localID", "localID", VK_STR),
    A("softwareLanguage", "softwareLanguage", VK_STR),
    A("softwarePackage", "softwarePackage", VK_STR),
    A("softwareVersion", "softwareVersion", VK_STR),
    T("Description", "description"),
};
static const struct rule r_io[] = {
    A("localID", "localID", VK_STR),
    E("ObjectReference", "objectReference", VK_URN, NULL),
};
static const struct rule r_transition[] = {
    A("localID", "localID", VK_STR),
    T("Condition", "condition"),
    L("TargetStep", "targetStep", "ProcessStep", 0),
};

/* constraints */

static const struct rule r_att_attach[] = {
    OM("DataSet", "dataSets", s_setref),
    OM("MetadataSet", "metadataSets", s_setref),
    EM("SimpleDataSource", "simpleDataSources", VK_STR, NULL),
    EM("DataStructure", "dataStructures", VK_URN, "datastructure.DataStructure"),
    EM("MetadataStructure", "metadataStructures", VK_URN, "metadatastructure.MetadataStructure"),
    EM("Dataflow", "dataflows", VK_URN, "datastructure.Dataflow"),
    EM("Metadataflow", "metadataflows", VK_URN, "metadatastructure.Metadataflow"),
    EM("ProvisionAgreement", "provisionAgreements", VK_URN, "registry.ProvisionAgreement"),
};
static const struct rule r_cc_attach[] = {
    E("DataProvider", "dataProvider", VK_URN, "base.DataProvider"),
    O("DataSet", "dataSet", s_setref),
    O("MetadataSet", "metadataSet", s_setref),
    E("SimpleDataSource", "simpleDataSource", VK_STR, NULL),
    EM("DataStructure", "dataStructures", VK_URN, "datastructure.DataStructure"),
    EM("MetadataStructure", "metadataStructures", VK_URN, "metadatastructure.MetadataStructure"),
    EM("Dataflow", "dataflows", VK_URN, "datastructure.Dataflow"),
    EM("Metadataflow", "metadataflows", VK_URN, "metadatastructure.Metadataflow"),
    EM("ProvisionAgreement", "provisionAgreements", VK_URN, "registry.ProvisionAgreement"),
    OM("QueryableDataSource", "queryableDataSources", s_qds),
};
static const struct rule r_setref[] = {
    E("DataProvider", "dataProvider", VK_URN, "base.DataProvider"),
    E("ID", "id", VK_STR, NULL),
};
static const struct rule r_qds[] = {
    A("isRESTDatasource", "isRESTDatasource", VK_BOOL),
    A("isWebServiceDatasource", "isWebServiceDatasource", VK_BOOL),
    E("DataURL", "dataURL", VK_STR, NULL),
    E("WADLURL", "wadlURL", VK_STR, NULL),
    E("WSDLURL", "wsdlURL", VK_STR, NULL),
};
static const struct rule r_cube[] = {
    AD("include", "isIncluded", VK_BOOL, "true"),
    OM("Attribute", "attributes", s_cube_key),
    OM("KeyValue", "keyValues", s_cube_key),
};
static const struct rule r_cube_key[] = {
    A("id", "id", VK_STR),
    O("TimeRange", "timeRange", s_timerange),
    F("Value", NULL, fn_values),
};
static const struct rule r_timerange[] = {
    O("AfterPeriod", "afterPeriod", s_period),
    O("BeforePeriod", "beforePeriod", s_period),
    O("EndPeriod", "endPeriod", s_period),
    O("StartPeriod", "startPeriod", s_period),
};
static const struct rule r_period[] = {
    E(NULL, "period", VK_STR, NULL),
    AD("isInclusive", "isInclusive", VK_BOOL, "true"),
};
static const struct rule r_dks[] = {
    A("isIncluded", "isIncluded", VK_BOOL),
    OM("Key", "keys", s_datakey),
};
static const struct rule r_datakey[] = {
    OM("KeyValue", "keyValues", s_dkv),
};
static const struct rule r_dkv[] = {
    A("id", "id", VK_STR),
    E("Value", "value", VK_STR, NULL),
};
static const struct rule r_mks[] = {
    A("isIncluded", "isIncluded", VK_BOOL),
    OM("Key", "keys", s_mdkey),
};
static const struct rule r_mdkey[] = {
    A("metadataTarget", "metadataTarget", VK_STR),
    A("report", "report", VK_STR),
    OM("KeyValue", "keyValues", s_mkv),
};
static const struct rule r_mkv[] = {
    A("id", "id", VK_STR),
    O("DataKey", "dataKey", s_datakey),
    O("DataSet", "dataSet", s_setref),
    E("Object", "object", VK_URN, NULL),
    E("Value", "value", VK_STR, NULL),
};
static const struct rule r_mtr[] = {
    AD("include", "include", VK_BOOL, "true"),
    A("metadataTarget", "metadataTarget", VK_STR),
    A("report", "report", VK_STR),
    OM("Attribute", "attributes", s_cube_key),
    OM("KeyValue", "keyValues", s_mtr_key),
};
static const struct rule r_mtr_key[] = {
    A("id", "id", VK_STR),
    OM("DataKey", "dataKeys", s_datakey),
    OM("DataSet", "dataSets", s_setref),
    EM("Object", "objects", VK_URN, NULL),
    O("TimeRange", "timeRange", s_timerange),
    EM("Value", "values", VK_STR, NULL),
};
static const struct rule r_refperiod[] = {
    A("startTime", "startTime", VK_STR),
    A("endTime", "endTime", VK_STR),
};
static const struct rule r_relcal[] = {
    E("Offset", "offset", VK_STR, NULL),
    E("Periodicity", "periodicity", VK_STR, NULL),
    E("Tolerance", "tolerance", VK_STR, NULL),
};

static const struct shape s_annotation = SHAPE(0, NULL, r_annotation);
static const struct shape s_contact = SHAPE(0, NULL, r_contact);
static const struct shape s_text_format = SHAPE(0, NULL, r_text_format);
static const struct shape s_enum_format = SHAPE(0, NULL, r_enum_format);
static const struct shape s_coding_format = SHAPE(0, NULL, r_coding_format);
static const struct shape s_time_format = SHAPE(0, NULL, r_time_format);
static const struct shape s_target_format = SHAPE(0, NULL, r_target_format);
static const struct shape s_repr = SHAPE(0, NULL, r_repr);
static const struct shape s_time_repr = SHAPE(0, NULL, r_time_repr);
static const struct shape s_measure_repr = SHAPE(0, NULL, r_measure_repr);
static const struct shape s_target_repr = SHAPE(0, NULL, r_target_repr);
static const struct shape s_idobj_repr = SHAPE(0, NULL, r_idobj_repr);
static const struct shape s_code = SHAPE(S_NAMEABLE, "Code", r_code);
static const struct shape s_concept = SHAPE(S_NAMEABLE, "Concept", r_concept);
static const struct shape s_category = SHAPE(S_NAMEABLE | S_PUSH, "Category", r_category);
static const struct shape s_agency = SHAPE(S_NAMEABLE, "Agency", r_org);
static const struct shape s_provider = SHAPE(S_NAMEABLE, "DataProvider", r_org);
static const struct shape s_consumer = SHAPE(S_NAMEABLE, "DataConsumer", r_org);
static const struct shape s_orgunit = SHAPE(S_NAMEABLE, "OrganisationUnit", r_orgunit);
static const struct shape s_repcat = SHAPE(S_NAMEABLE | S_PUSH, "ReportingCategory", r_repcat);
static const struct shape s_dsd_comps = SHAPE(0, NULL, r_dsd_comps);
static const struct shape s_dim_list = SHAPE(S_IDENT, "DimensionDescriptor", r_dim_list);
static const struct shape s_dim = SHAPE(S_IDENT, "Dimension", r_dim);
static const struct shape s_measure_dim = SHAPE(S_IDENT, "MeasureDimension", r_measure_dim);
static const struct shape s_time_dim = SHAPE(S_IDENT, "TimeDimension", r_time_dim);
static const struct shape s_group = SHAPE(S_IDENT, "GroupDimensionDescriptor", r_group);
static const struct shape s_attr_list = SHAPE(S_IDENT, "AttributeDescriptor", r_attr_list);
static const struct shape s_attr = SHAPE(S_IDENT, "DataAttribute", r_attr);
static const struct shape s_ryd = SHAPE(S_IDENT, "ReportingYearStartDay", r_ryd);
static const struct shape s_attr_rel = SHAPE(0, NULL, r_attr_rel);
static const struct shape s_measure_list = SHAPE(S_IDENT, "MeasureDescriptor", r_measure_list);
static const struct shape s_primary = SHAPE(S_IDENT, "PrimaryMeasure", r_primary);
static const struct shape s_msd_comps = SHAPE(0, NULL, r_msd_comps);
static const struct shape s_md_target = SHAPE(S_IDENT | S_PUSH, "MetadataTarget", r_md_target);
static const struct shape s_cct = SHAPE(S_IDENT, "ConstraintContentTarget", r_target);
static const struct shape s_dst = SHAPE(S_IDENT, "DataSetTarget", r_target);
static const struct shape s_kdvt = SHAPE(S_IDENT, "DimensionDescriptorValuesTarget", r_target);
static const struct shape s_rpt = SHAPE(S_IDENT, "ReportPeriodTarget", r_rpt);
static const struct shape s_iot = SHAPE(S_IDENT, "IdentifiableObjectTarget", r_iot);
static const struct shape s_report = SHAPE(S_IDENT | S_PUSH, "ReportStructure", r_report);
static const struct shape s_md_attr = SHAPE(S_IDENT | S_PUSH, "MetadataAttribute", r_md_attr);
static const struct shape s_hierarchy = SHAPE(S_NAMEABLE | S_PUSH, "Hierarchy", r_hierarchy);
static const struct shape s_hcode = SHAPE(S_IDENT | S_PUSH, "HierarchicalCode", r_hcode);
static const struct shape s_level = SHAPE(S_NAMEABLE | S_PUSH, "Level", r_level);
static const struct shape s_osmap = SHAPE(S_NAMEABLE, "OrganisationSchemeMap", r_osmap);
static const struct shape s_csmap = SHAPE(S_NAMEABLE, "CategorySchemeMap", r_csmap);
static const struct shape s_clmap = SHAPE(S_NAMEABLE, "CodelistMap", r_clmap);
static const struct shape s_cnmap = SHAPE(S_NAMEABLE, "ConceptSchemeMap", r_cnmap);
static const struct shape s_rtmap = SHAPE(S_NAMEABLE, "ReportingTaxonomyMap", r_rtmap);
static const struct shape s_hcmap = SHAPE(S_NAMEABLE, "HybridCodelistMap", r_hcmap);
static const struct shape s_stmap = SHAPE(S_NAMEABLE, "StructureMap", r_stmap);
static const struct shape s_item_map = SHAPE(S_ANNOT, NULL, r_item_map);
static const struct shape s_comp_map = SHAPE(S_ANNOT, NULL, r_comp_map);
static const struct shape s_repmap = SHAPE(0, NULL, r_repmap);
static const struct shape s_valuemap = SHAPE(0, NULL, r_valuemap);
static const struct shape s_valuemapping = SHAPE(0, NULL, r_valuemapping);
static const struct shape s_step = SHAPE(S_NAMEABLE | S_PUSH, "ProcessStep", r_step);
static const struct shape s_computation = SHAPE(S_ANNOT, NULL, r_computation);
static const struct shape s_io = SHAPE(S_ANNOT, NULL, r_io);
static const struct shape s_transition = SHAPE(S_IDENT, "Transition", r_transition);
static const struct shape s_att_attach = SHAPE(0, NULL, r_att_attach);
static const struct shape s_cc_attach = SHAPE(0, NULL, r_cc_attach);
static const struct shape s_setref = SHAPE(0, NULL, r_setref);
static const struct shape s_qds = SHAPE(0, NULL, r_qds);
static const struct shape s_cube = SHAPE(0, NULL, r_cube);
static const struct shape s_cube_key = SHAPE(0, NULL, r_cube_key);
static const struct shape s_timerange = SHAPE(0, NULL, r_timerange);
static const struct shape s_period = SHAPE(0, NULL, r_period);
static const struct shape s_dks = SHAPE(0, NULL, r_dks);
static const struct shape s_datakey = SHAPE(0, NULL, r_datakey);
static const struct shape s_dkv = SHAPE(0, NULL, r_dkv);
static const struct shape s_mks = SHAPE(0, NULL, r_mks);
static const struct shape s_mdkey = SHAPE(0, NULL, r_mdkey);
static const struct shape s_mkv = SHAPE(0, NULL, r_mkv);
static const struct shape s_mtr = SHAPE(0, NULL, r_mtr);
static const struct shape s_mtr_key = SHAPE(0, NULL, r_mtr_key);
static const struct shape s_refperiod = SHAPE(0, NULL, r_refperiod);
static const struct shape s_relcal = SHAPE(0, NULL, r_relcal);

/* maintainables, indexed by dsd_kind */

static const struct rule m_agencies[] = {
    AD("isPartial", "isPartial", VK_BOOL, "false"),
    OM("Agency", "agencies", s_agency),
};
static const struct rule m_consumers[] = {
    AD("isPartial", "isPartial", VK_BOOL, "false"),
    OM("DataConsumer", "dataConsumers", s_consumer),
};
static const struct rule m_providers[] = {
    AD("isPartial", "isPartial", VK_BOOL, "false"),
    OM("DataProvider", "dataProviders", s_provider),
};
static const struct rule m_orgunits[] = {
    AD("isPartial", "isPartial", VK_BOOL, "false"),
    OM("OrganisationUnit", "organisationUnits", s_orgunit),
};
static const struct rule m_dataflow[] = {
    E("Structure", "structure", VK_URN, "datastructure.DataStructure"),
};
static const struct rule m_metadataflow[] = {
    E("Structure", "structure", VK_URN, "metadatastructure.MetadataStructure"),
};
static const struct rule m_categories[] = {
    AD("isPartial", "isPartial", VK_BOOL, "false"),
    OM("Category", "categories", s_category),
};
static const struct rule m_categorisation[] = {
    E("Source", "source", VK_URN, "datastructure.Dataflow"),
    E("Target", "target", VK_URN, "categoryscheme.Category"),
};
static const struct rule m_codelist[] = {
    AD("isPartial", "isPartial", VK_BOOL, "false"),
    OM("Code", "codes", s_code),
};
static const struct rule m_hcl[] = {
    F("IncludedCodelist", "includedCodelists", fn_included),
    OM("Hierarchy", "hierarchies", s_hierarchy),
};
static const struct rule m_concepts[] = {
    AD("isPartial", "isPartial", VK_BOOL, "false"),
    OM("Concept", "concepts", s_concept),
};
static const struct rule m_msd[] = {
    O("MetadataStructureComponents", "metadataStructureComponents", s_msd_comps),
};
static const struct rule m_dsd[] = {
    O("DataStructureComponents", "dataStructureComponents", s_dsd_comps),
};
static const struct rule m_structureset[] = {
    EM("RelatedStructure", "relatedStructures", VK_URN, "datastructure.DataStructure"),
    OM("CategorySchemeMap", "categorySchemeMaps", s_csmap),
    OM("CodelistMap", "codelistMaps", s_clmap),
    OM("ConceptSchemeMap", "conceptSchemeMaps", s_cnmap),
    OM("HybridCodelistMap", "hybridCodelistMaps", s_hcmap),
    OM("OrganisationSchemeMap", "organisationSchemeMaps", s_osmap),
    OM("ReportingTaxonomyMap", "reportingTaxonomyMaps", s_rtmap),
    OM("StructureMap", "structureMaps", s_stmap),
};
static const struct rule m_taxonomy[] = {
    AD("isPartial", "isPartial", VK_BOOL, "false"),
    OM("ReportingCategory", "reportingCategories", s_repcat),
};
static const struct rule m_process[] = {
    OM("ProcessStep", "processSteps", s_step),
};
static const struct rule m_attachment[] = {
    O("ConstraintAttachment", "constraintAttachment", s_att_attach),
    OM("DataKeySet", "dataKeySets", s_dks),
    OM("MetadataKeySet", "metadataKeySets", s_mks),
};
static const struct rule m_content[] = {
    AD("type", "type", VK_STR, "Actual"),
    O("ConstraintAttachment", "constraintAttachment", s_cc_attach),
    OM("CubeRegion", "cubeRegions", s_cube),
    OM("DataKeySet", "dataKeySets", s_dks),
    OM("MetadataKeySet", "metadataKeySets", s_mks),
    OM("MetadataTargetRegion", "metadataTargetRegions", s_mtr),
    O("ReferencePeriod", "referencePeriod", s_refperiod),
    O("ReleaseCalendar", "releaseCalendar", s_relcal),
};
static const struct rule m_provision[] = {
    E("StructureUsage", "structureUsage", VK_URN, "datastructure.Dataflow"),
    E("DataProvider", "dataProvider", VK_URN, "base.DataProvider"),
};

#define MAINT S_NAMEABLE | S_MAINT
static const struct shape maintainables[DSD_KIND__COUNT] = {
    [DSD_KIND_AGENCYSCHEME] = SHAPE(MAINT, NULL, m_agencies),
    [DSD_KIND_DATACONSUMERSCHEME] = SHAPE(MAINT, NULL, m_consumers),
    [DSD_KIND_DATAPROVIDERSCHEME] = SHAPE(MAINT, NULL, m_providers),
    [DSD_KIND_ORGUNITSCHEME] = SHAPE(MAINT, NULL, m_orgunits),
    [DSD_KIND_DATAFLOW] = SHAPE(MAINT, NULL, m_dataflow),
    [DSD_KIND_METADATAFLOW] = SHAPE(MAINT, NULL, m_metadataflow),
    [DSD_KIND_CATEGORYSCHEME] = SHAPE(MAINT, NULL, m_categories),
    [DSD_KIND_CATEGORISATION] = SHAPE(MAINT, NULL, m_categorisation),
    [DSD_KIND_CODELIST] = SHAPE(MAINT, NULL, m_codelist),
    [DSD_KIND_HIERARCHICALCODELIST] = SHAPE(MAINT, NULL, m_hcl),
    [DSD_KIND_CONCEPTSCHEME] = SHAPE(MAINT, NULL, m_concepts),
    [DSD_KIND_METADATASTRUCTURE] = SHAPE(MAINT, NULL, m_msd),
    [DSD_KIND_DATASTRUCTURE] = SHAPE(MAINT, NULL, m_dsd),
    [DSD_KIND_STRUCTURESET] = SHAPE(MAINT, NULL, m_structureset),
    [DSD_KIND_REPORTINGTAXONOMY] = SHAPE(MAINT, NULL, m_taxonomy),
    [DSD_KIND_PROCESS] = SHAPE(MAINT, NULL, m_process),
    [DSD_KIND_ATTACHMENTCONSTRAINT] = SHAPE(MAINT, NULL, m_attachment),
    [DSD_KIND_CONTENTCONSTRAINT] = SHAPE(MAINT, NULL, m_content),
    [DSD_KIND_PROVISIONAGREEMENT] = SHAPE(MAINT, NULL, m_provision),
};

/* ---- special values --------------------------------------------------------------------- */

/* Position of a dimension: its attribute, else its rank among the DimensionList's
 * dimensions, which is what SDMX-ML defines it to be. */
static void
fn_position(struct jctx *c, const xmlNode *el, const struct rule *r)
{
    const char *pos = attr(el, "position");
    if (pos != NULL) {
        scalar(c, r->prop, VK_INT, pos);
        return;
    }
    long rank = 1;
    for (const xmlNode *n = el->prev; n != NULL; n = n->prev)
        if (is_el(n, "Dimension") || is_el(n, "MeasureDimension") || is_el(n, "TimeDimension"))
            rank++;
    put_key(c, r->prop);
    note(c, yajl_gen_integer(c->g, rank));
}

/* Region values: those with cascadeValues="true" go to cascadeValues, the others to values. */
static void
fn_values(struct jctx *c, const xmlNode *el, const struct rule *r)
{
    static const char *const props[2] = {"values", "cascadeValues"};
    for (int cascade = 0; cascade < 2; cascade++) {
        int open = 0;
        for (const xmlNode *v = child(el, r->src); v != NULL; v = next_el(v->next, r->src)) {
            const char *cv = attr(v, "cascadeValues");
            if ((cv != NULL && (strcmp(cv, "true") == 0 || strcmp(cv, "1") == 0)) != cascade)
                continue;
            if (!open) {
                put_key(c, props[cascade]);
                put_open(c, 1);
                open = 1;
            }
            put_str(c, text(c, v, 1));
        }
        if (open)
            put_close(c, 1);
    }
}

/* IncludedCodelist elements become one object from alias (or id) to URN. */
static void
fn_included(struct jctx *c, const xmlNode *el, const struct rule *r)
{
    int open = 0;
    for (const xmlNode *ic = child(el, r->src); ic != NULL; ic = next_el(ic->next, r->src)) {
        const char *urn = ref_urn(c, ic, "codelist.Codelist");
        const char *alias = attr(ic, "alias");
        const xmlNode *ref = child(ic, "Ref");
        if (alias == NULL && ref != NULL)
            alias = attr(ref, "id");
        if (urn == NULL || alias == NULL)
            continue;
        if (!open) {
            put_key(c, r->prop);
            put_open(c, 0);
            open = 1;
        }
        put_key(c, alias);
        put_str(c, urn);
    }
    if (open)
        put_close(c, 0);
}

/* ISO 11179 reference as a concept URN; "1.0" is SDMX-ML's default reference version. */
static void
fn_iso(struct jctx *c, const xmlNode *el, const struct rule *r)
{
    const xmlNode *iso = child(el, r->src);
    const xmlNode *ag = child(iso, "ConceptAgency"), *cs = child(iso, "ConceptSchemeID"),
                  *id = child(iso, "ConceptID");
    if (ag == NULL || cs == NULL || id == NULL)
        return;
    put_key(c, r->prop);
    put_str(c, urn_of(c, "conceptscheme", "Concept", text(c, ag, 1), text(c, cs, 1), "1.0",
                      text(c, id, 1)));
}

/* AnnotationURL becomes a link with relation self, as the schema describes. */
static void
fn_ann_links(struct jctx *c, const xmlNode *el, const struct rule *r)
{
    int open = 0;
    for (const xmlNode *u = child(el, r->src); u != NULL; u = next_el(u->next, r->src)) {
        const char *href = text(c, u, 1);
        if (!is_absolute_uri(href))
            continue;
        if (!open) {
            put_key(c, r->prop);
            put_open(c, 1);
            open = 1;
        }
        put_open(c, 0);
        put_key(c, "href");
        put_str(c, href);
        put_key(c, "rel");
        put_str(c, "self");
        put_close(c, 0);
    }
    if (open)
        put_close(c, 1);
}

/* ---- conversion ------------------------------------------------------------------------ */

/* String value of element n for kind (NULL when it holds none); numbers and booleans are
 * returned as text for scalar(). */
static const char *
element_value(struct jctx *c, const struct rule *r, const xmlNode *n)
{
    switch (r->kind) {
    case VK_URN:
        return ref_urn(c, n, r->def);
    case VK_ID:
        return ref_id(n);
    case VK_LOCALURN: {
        const char *id = ref_id(n);
        return id != NULL ? local_urn(c, r->def, r->depth, id) : NULL;
    }
    case VK_MAPURN:
        return map_urn(c, n, r->def);
    default:
        return text(c, n, 1);
    }
}

static void
one(struct jctx *c, const struct rule *r, const xmlNode *n, const char *prop)
{
    if (r->kind == VK_OBJ) {
        if (prop != NULL)
            put_key(c, prop);
        object(c, n, r->sub);
        return;
    }
    if (r->kind == VK_EMPTY) {
        put_key(c, prop);
        put_open(c, 0);
        put_close(c, 0);
        return;
    }
    const char *v = element_value(c, r, n);
    if (v == NULL)
        return;
    int k = r->kind;
    if (k == VK_URN || k == VK_ID || k == VK_LOCALURN || k == VK_MAPURN)
        k = VK_STR;
    scalar(c, prop, k, v);
}

static void
apply(struct jctx *c, const xmlNode *el, const struct rule *r)
{
    if (r->kind == VK_FN) {
        r->fn(c, el, r);
        return;
    }
    if (r->kind == VK_TEXTS) {
        texts(c, el, r->src, r->prop);
        return;
    }
    if (r->src == NULL) {
        one(c, r, el, r->prop);
        return;
    }
    if (r->src[0] == '@') {
        const char *v = attr(el, r->src + 1);
        if (v == NULL)
            v = r->def;
        if (v != NULL)
            scalar(c, r->prop, r->kind, v);
        return;
    }
    const xmlNode *first = child(el, r->src);
    if (first == NULL)
        return;
    if (!r->many) {
        one(c, r, first, r->prop);
        return;
    }
    put_key(c, r->prop);
    put_open(c, 1);
    for (const xmlNode *n = first; n != NULL; n = next_el(n->next, r->src))
        one(c, r, n, NULL);
    put_close(c, 1);
}

static void
annotations(struct jctx *c, const xmlNode *el)
{
    const xmlNode *anns = child(el, "Annotations");
    const xmlNode *first = child(anns, "Annotation");
    if (first == NULL)
        return;
    put_key(c, "annotations");
    put_open(c, 1);
    for (const xmlNode *n = first; n != NULL; n = next_el(n->next, "Annotation"))
        object(c, n, &s_annotation);
    put_close(c, 1);
}

/* links: the element's own URN (urn attribute, else derived from where it sits) and, for
 * external references, where the full structure is. */
static void
self_link(struct jctx *c, const xmlNode *el, const struct shape *sh)
{
    const char *urn = attr(el, "urn"), *id = attr(el, "id");
    const char *href = (sh->flags & S_MAINT) ? attr(el, "structureURL") : NULL;
    const char *uri = attr(el, "uri");
    if (href != NULL && !is_absolute_uri(href))
        href = NULL;
    if (uri != NULL && !is_absolute_uri(uri))
        uri = NULL;
    if (urn != NULL)
        urn = clean_urn(c, urn);
    else if ((sh->flags & S_MAINT) && c->agency != NULL)
        urn = urn_of(c, c->pkg, sh->cls, c->agency, c->mid, c->version, NULL);
    else if (!(sh->flags & S_MAINT) && sh->cls != NULL && id != NULL)
        urn = local_urn(c, sh->cls, c->npath, id);
    if (urn == NULL && href == NULL)
        return;
    put_key(c, "links");
    put_open(c, 1);
    put_open(c, 0);
    put_key(c, "rel");
    put_str(c, "self");
    if (urn != NULL) {
        put_key(c, "urn");
        put_str(c, urn);
    }
    if (href != NULL) {
        put_key(c, "href");
        put_str(c, href);
    }
    if (uri != NULL) {
        put_key(c, "uri");
        put_str(c, uri);
    }
    put_close(c, 0);
    put_close(c, 1);
}

static void
maintainable_head(struct jctx *c, const xmlNode *el)
{
    put_key(c, "version");
    put_str(c, c->version);
    if (c->agency != NULL) {
        put_key(c, "agencyID");
        put_str(c, c->agency);
    }
    const char *ext = attr(el, "isExternalReference"), *fin = attr(el, "isFinal");
    scalar(c, "isExternalReference", VK_BOOL, ext != NULL ? ext : "false");
    scalar(c, "isFinal", VK_BOOL, fin != NULL ? fin : "false");
    const char *from = attr(el, "validFrom"), *to = attr(el, "validTo");
    if (from != NULL)
        scalar(c, "validFrom", VK_STR, from);
    if (to != NULL)
        scalar(c, "validTo", VK_STR, to);
}

/* The properties every identifiable, nameable and maintainable shares, in the order of the
 * published samples. */
static void
head(struct jctx *c, const xmlNode *el, const struct shape *sh)
{
    const char *id = attr(el, "id");
    if ((sh->flags & S_ID) && id != NULL)
        scalar(c, "id", VK_STR, id);
    if (sh->flags & S_MAINT)
        maintainable_head(c, el);
    if (sh->flags & S_NAME) {
        if (child(el, "Name") != NULL)
            texts(c, el, "Name", "name");
        else if (id != NULL)
            scalar(c, "name", VK_STR, id); /* the schema requires a name */
        texts(c, el, "Description", "description");
    }
    if (sh->flags & S_ANNOT)
        annotations(c, el);
    if (sh->flags & S_LINKS)
        self_link(c, el, sh);
}

static void
object(struct jctx *c, const xmlNode *el, const struct shape *sh)
{
    put_open(c, 0);
    head(c, el, sh);
    const char *id = attr(el, "id");
    int pushed = (sh->flags & S_PUSH) && id != NULL && c->npath < JSON_MAX_PATH;
    if (pushed)
        c->path[c->npath++] = id;
    for (size_t i = 0; i < sh->nrules; i++)
        apply(c, el, &sh->rules[i]);
    if (pushed)
        c->npath--;
    put_close(c, 0);
}

/* One artefact: sets the maintainable context its URNs need, then walks its shape. */
static void
json_artefact(struct jctx *c, const xmlNode *el, dsd_kind kind)
{
    const dsd_kind_info_t *ki = dsd_kind_info(kind);
    struct shape sh = maintainables[kind];
    const char *ver = attr(el, "version");
    sh.cls = ki->element;
    c->pkg = ki->package;
    c->agency = attr(el, "agencyID");
    c->mid = attr(el, "id");
    c->version = ver != NULL ? ver : "1.0";
    c->npath = 0;
    object(c, el, &sh);
}

/* ---- message ----------------------------------------------------------------------------- */

static void
data(struct jctx *c, xmlNode *const *els, const dsd_kind *kinds, size_t n)
{
    put_open(c, 0);
    for (int k = 0; k < DSD_KIND__COUNT; k++) {
        int open = 0;
        for (size_t i = 0; i < n; i++) {
            if (kinds[i] != (dsd_kind)k || els[i] == NULL)
                continue;
            if (!open) {
                put_key(c, dsd_kind_info((dsd_kind)k)->json);
                put_open(c, 1);
                open = 1;
            }
            json_artefact(c, els[i], (dsd_kind)k);
        }
        if (open)
            put_close(c, 1);
    }
    put_close(c, 0);
}

/* BCP 47 tags are case-insensitive; the schema's pattern only takes lower case. */
static const char *
lower_tag(struct jctx *c, const char *tag)
{
    char *t = core_arena_strndup(c->a, tag, strlen(tag));
    for (char *p = t; *p != '\0'; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return t;
}

/* The languages of set, the client's best match first: repeated picks order them by
 * preference, then English, then as met; lower-case tags, in c's arena. */
static const char **
by_preference(struct jctx *c, const struct langset *set)
{
    size_t n = set->n, k = 0;
    const char **rest = core_arena_alloc(c->a, (n ? n : 1) * sizeof *rest);
    const char **out = core_arena_alloc(c->a, (n ? n : 1) * sizeof *out);
    if (n > 0)
        memcpy(rest, set->v, n * sizeof *rest);
    while (n > 0) {
        int best = dsd_langpref_pick(c->pref, rest, n);
        size_t b = best < 0 ? 0 : (size_t)best;
        out[k++] = lower_tag(c, rest[b]);
        memmove(rest + b, rest + b + 1, (n - b - 1) * sizeof *rest);
        n--;
    }
    return out;
}

static void
content_languages(struct jctx *c)
{
    const char **langs = by_preference(c, &c->seen);
    put_key(c, "contentLanguages");
    put_open(c, 1);
    if (c->seen.n == 0)
        put_str(c, "en");
    for (size_t i = 0; i < c->seen.n; i++)
        put_str(c, langs[i]);
    put_close(c, 1);
}

/* Content-Language: the languages of the texts the answer chose, best match first; "en"
 * when it holds no text (SDMX-ML's default language). */
static const char *
chosen_languages(struct jctx *c)
{
    if (c->picked.n == 0)
        return "en";
    const char **langs = by_preference(c, &c->picked);
    core_buf_t b;
    core_buf_init(&b);
    for (size_t i = 0; i < c->picked.n; i++) {
        if (i > 0)
            core_buf_adds(&b, ", ");
        core_buf_adds(&b, langs[i]);
    }
    const char *s = core_arena_strndup(c->a, b.ptr, b.len);
    core_buf_dispose(&b);
    return s;
}

static void
meta(struct jctx *c, const sdmx_header_t *h)
{
    char prepared[32];
    core_time_iso(h->prepared, prepared);
    put_open(c, 0);
    put_key(c, "id");
    put_str(c, h->id != NULL ? h->id : "IREF");
    put_key(c, "test");
    put_bool(c, 0);
    put_key(c, "prepared");
    put_str(c, prepared);
    content_languages(c);
    put_key(c, "sender");
    put_open(c, 0);
    put_key(c, "id");
    put_str(c, h->sender != NULL ? h->sender : "sdmxd");
    put_close(c, 0);
    if (h->receiver != NULL) {
        put_key(c, "receivers");
        put_open(c, 1);
        put_open(c, 0);
        put_key(c, "id");
        put_str(c, h->receiver);
        put_close(c, 0);
        put_close(c, 1);
    }
    put_close(c, 0);
}

static core_rc
gen_fail(core_err_t *err, yajl_gen_status st)
{
    if (st == yajl_max_depth_exceeded)
        return core_fail(err, CORE_ETOOBIG, "structure nests deeper than SDMX-JSON output allows");
    return core_fail(err, CORE_EBUG, "SDMX-JSON generator failed (yajl status %d)", (int)st);
}

static void
copy_gen(core_buf_t *out, yajl_gen g)
{
    const unsigned char *buf;
    size_t len;
    if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
        core_buf_add(out, buf, len);
}

core_rc
sdmx__json_from_tree(core_buf_t *out, core_arena_t *a, xmlNode *const *els, const dsd_kind *kinds,
                     size_t n, const sdmx_header_t *h, const dsd_langpref_t *pref,
                     const char **content_language, core_err_t *err)
{
    struct jctx c;
    core_rc rc = CORE_OK;
    memset(&c, 0, sizeof c);
    c.a = a;
    c.pref = pref;
    yajl_gen gdata = yajl_gen_alloc(NULL), gmeta = yajl_gen_alloc(NULL);
    if (gdata == NULL || gmeta == NULL) {
        rc = core_fail(err, CORE_EIO, "out of memory for the SDMX-JSON generator");
        goto out;
    }
    /* data first: meta.contentLanguages lists the languages it met */
    c.g = gdata;
    data(&c, els, kinds, n);
    c.g = gmeta;
    meta(&c, h);
    if (content_language != NULL)
        *content_language = chosen_languages(&c);
    if (c.st != yajl_gen_status_ok) {
        rc = gen_fail(err, c.st);
        goto out;
    }
    core_buf_adds(out, "{\"meta\":");
    copy_gen(out, gmeta);
    core_buf_adds(out, ",\"data\":");
    copy_gen(out, gdata);
    core_buf_adds(out, "}");
out:
    if (gdata != NULL)
        yajl_gen_free(gdata);
    if (gmeta != NULL)
        yajl_gen_free(gmeta);
    return rc;
}

core_rc
sdmx_structure_write_json(core_buf_t *out, core_arena_t *a, const sdmx_result_t *res,
                          const sdmx_header_t *h, const dsd_langpref_t *pref,
                          const char **content_language, core_err_t *err)
{
    size_t n = res->n;
    xmlNode **els = core_arena_zalloc(a, (n ? n : 1) * sizeof *els);
    dsd_kind *kinds = core_arena_zalloc(a, (n ? n : 1) * sizeof *kinds);
    for (size_t i = 0; i < n; i++) {
        core_err_t e;
        core_err_clear(&e);
        els[i] = sdmx__artefact_tree(a, &res->items[i], &e);
        if (els[i] == NULL)
            return core_fail(err, e.code != CORE_OK ? e.code : CORE_EBUG, "%s", e.msg);
        kinds[i] = res->items[i].art.ref.kind;
    }
    return sdmx__json_from_tree(out, a, els, kinds, n, h, pref, content_language, err);
}
