#include <config.h>
#include "sdmx/sdmx_int.h"

#include <libxml/xmlreader.h>
#include <string.h>

#define SDMX_NS_GEN "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic"
#define SDMX_NS_SS "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific"
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"
#define KV_MAX 256

/* An XML attribute name of structure-specific data, and what it is for the current DSD. */
enum ss_class { SS_TIME, SS_MEASURE, SS_DIM, SS_ATTR };
struct ss_name {
    core_str_t id; /* NUL-terminated, in the message's arena */
    enum ss_class cls;
};
#define SS_NAMES 64

/* What an element inside a data set is, by its local name; elements that the reader does not
 * know (annotations) are R_OTHER. Each role may only appear inside the roles that
 * allowed_in() lists: the reader keeps a series' and an observation's values in scratch
 * memory that a Series, Group or Obs starting in the wrong place would reset under them. */
enum role {
    R_OTHER,
    R_DATASET,
    R_SERIES,
    R_GROUP,
    R_OBS,
    R_SERIESKEY, /* generic from here on */
    R_GROUPKEY,
    R_OBSKEY,
    R_ATTRS,
    R_VALUE,
    R_OBSDIM,
    R_OBSVALUE
};

/* A growing list of id/value pairs copied out of the reader (its strings do not last). */
struct kvs {
    dsd_kv_t kv[KV_MAX];
    size_t n;
};

struct data_reader {
    core_arena_t *a;     /* message-lifetime copies (structure ids) */
    core_arena_t *scratch; /* series-lifetime copies, reset per series */
    const char *name;
    const dsd_events_t *ev;
    core_err_t *err;
    sdmx__xml_errors_t xe;
    int generic;
    /* header */
    core_str_t structure_id;
    dsd_ref_t structure;
    int have_structure;
    core_str_t dim_at_obs;
    int explicit_measures; /* the measure dimension's value is each Obs's xsi:type */
    dsd_action header_action;
    const dsd_structure_t *dsd;
    /* current series */
    struct kvs key, attrs;
    /* current observation (generic) */
    struct kvs okey, oattrs;
    core_str_t period, value;
    core_str_t series_period; /* cross-sections give the time on the series */
    int in_series, in_obs;
    int series_told; /* the current series was passed on (its attributes or observations) */
    /* generic: the data set's attributes follow its start tag, so the data set is announced
     * at its first group, series or observation (or its end) */
    int ds_pending;
    dsd_action ds_action;
    /* the role of the open element at each depth inside the data set (1: the data set) */
    unsigned char roles[SDMX_XML_MAX_DEPTH + 1];
    /* structure-specific: what each XML attribute name is for the DSD (see ss_name) */
    struct ss_name names[SS_NAMES];
    size_t nnames;
    unsigned char hint[SS_NAMES]; /* the name met at each position last time */
};

static core_str_t
copy(core_arena_t *a, const xmlChar *s)
{
    return s ? core_arena_str(a, core_str_c((const char *)s)) : CORE_STR_NULL;
}

static core_rc
kvs_add(struct data_reader *r, struct kvs *l, core_str_t id, core_str_t value)
{
    if (l->n == KV_MAX)
        return core_fail(r->err, CORE_ETOOBIG, "%s: more than %d values on one element",
                         r->name, KV_MAX);
    l->kv[l->n].id = id;
    l->kv[l->n].value = value;
    l->n++;
    return CORE_OK;
}

/* The line of the element under the reader (the parser itself has read further on). */
static long
node_line(xmlTextReaderPtr xr)
{
    xmlNode *n = xmlTextReaderCurrentNode(xr);
    return n != NULL ? (long)n->line : (long)xmlTextReaderGetParserLineNumber(xr);
}

static const char *
local(xmlTextReaderPtr xr)
{
    return (const char *)xmlTextReaderConstLocalName(xr);
}

static dsd_action
parse_action(const char *s, dsd_action dflt)
{
    if (s == NULL)
        return dflt;
    if (strcmp(s, "Replace") == 0)
        return DSD_ACTION_REPLACE;
    if (strcmp(s, "Delete") == 0)
        return DSD_ACTION_DELETE;
    return DSD_ACTION_APPEND;
}

/* The reader's error, else a message of its own, once the reader has stopped on one. */
static core_rc
xml_fail(struct data_reader *r, xmlTextReaderPtr xr)
{
    if (r->xe.first[0] != '\0')
        return core_fail(r->err, CORE_ESYNTAX, "%s", r->xe.first);
    return core_fail(r->err, CORE_ESYNTAX,
                     "%s:%ld: the message is not well-formed XML (it ends or breaks inside the "
                     "element that starts here)",
                     r->name, node_line(xr));
}

/* ---- header --------------------------------------------------------------------------- */

static core_rc
header_structure(struct data_reader *r, xmlTextReaderPtr xr)
{
    xmlChar *sid = xmlTextReaderGetAttribute(xr, BAD_CAST "structureID");
    xmlChar *dao = xmlTextReaderGetAttribute(xr, BAD_CAST "dimensionAtObservation");
    xmlChar *em = xmlTextReaderGetAttribute(xr, BAD_CAST "explicitMeasures");
    r->structure_id = copy(r->a, sid);
    r->dim_at_obs = copy(r->a, dao);
    r->explicit_measures = em != NULL && (xmlStrEqual(em, BAD_CAST "true") ||
                                          xmlStrEqual(em, BAD_CAST "1"));
    xmlFree(sid);
    xmlFree(dao);
    xmlFree(em);
    xmlNode *el = xmlTextReaderExpand(xr);
    if (el == NULL)
        return xml_fail(r, xr); /* the header is not well-formed */
    for (xmlNode *c = el->children; c != NULL; c = c->next) {
        int is_flow = sdmx__is(c, "StructureUsage");
        if (!sdmx__is(c, "Structure") && !is_flow)
            continue;
        xmlNode *ref = sdmx__child(c, "Ref");
        xmlNode *urn = sdmx__child(c, "URN");
        if (ref != NULL && sdmx__attr(ref, "agencyID") && sdmx__attr(ref, "id")) {
            const char *ver = sdmx__attr(ref, "version");
            r->structure.kind = is_flow ? DSD_KIND_DATAFLOW : DSD_KIND_DATASTRUCTURE;
            r->structure.agency = copy(r->a, BAD_CAST sdmx__attr(ref, "agencyID"));
            r->structure.id = copy(r->a, BAD_CAST sdmx__attr(ref, "id"));
            r->structure.version = copy(r->a, BAD_CAST(ver ? ver : "1.0"));
            r->have_structure = 1;
        } else if (urn != NULL) {
            xmlChar *t = xmlNodeGetContent(urn);
            core_str_t s = copy(r->a, t);
            xmlFree(t);
            if (dsd_ref_parse_urn(s, &r->structure, r->err) != CORE_OK)
                return CORE_ESYNTAX;
            r->have_structure = 1;
        }
    }
    if (!r->have_structure)
        return core_fail(r->err, CORE_ESYNTAX,
                         "%s:%ld: the header's Structure names no DSD or dataflow", r->name,
                         node_line(xr));
    return CORE_OK;
}

/* ---- structure-specific ------------------------------------------------------------------ */

/* What the XML attribute name is for the DSD. Elements repeat the same names in the same
 * order, so the name met at this position last time is tried first, then the others; a new
 * name is classified once and kept (up to SS_NAMES). */
static struct ss_name
ss_name(struct data_reader *r, const char *name, size_t pos)
{
    size_t h = pos < SS_NAMES ? r->hint[pos] : 0;
    if (h < r->nnames && strcmp(r->names[h].id.ptr, name) == 0)
        return r->names[h];
    for (size_t i = 0; i < r->nnames; i++)
        if (strcmp(r->names[i].id.ptr, name) == 0) {
            if (pos < SS_NAMES)
                r->hint[pos] = (unsigned char)i;
            return r->names[i];
        }
    struct ss_name n = {copy(r->a, BAD_CAST name), SS_ATTR};
    const char *time_id = r->dsd->time.id ? r->dsd->time.id : "TIME_PERIOD";
    if (strcmp(name, time_id) == 0)
        n.cls = SS_TIME;
    else if (r->dsd->measure.id && strcmp(name, r->dsd->measure.id) == 0)
        n.cls = SS_MEASURE;
    else if (dsd_structure_dim(r->dsd, n.id) >= 0)
        n.cls = SS_DIM;
    if (r->nnames < SS_NAMES) {
        if (pos < SS_NAMES)
            r->hint[pos] = (unsigned char)r->nnames;
        r->names[r->nnames++] = n;
    }
    return n;
}

/* Splits the XML attributes of a Series/Obs/DataSet element into dimension values and
 * attribute values by the DSD; time and measure go to period and value. */
static core_rc
ss_split(struct data_reader *r, xmlTextReaderPtr xr, core_arena_t *a, struct kvs *dims,
         struct kvs *attrs)
{
    core_rc rc = CORE_OK;
    size_t pos = 0;
    for (int ok = xmlTextReaderMoveToFirstAttribute(xr); ok == 1 && rc == CORE_OK;
         ok = xmlTextReaderMoveToNextAttribute(xr)) {
        if (xmlTextReaderConstNamespaceUri(xr) != NULL)
            continue; /* xsi:type, ss:action and friends */
        struct ss_name n = ss_name(r, local(xr), pos++);
        core_str_t value = copy(a, xmlTextReaderConstValue(xr));
        if (n.cls == SS_TIME)
            r->period = value;
        else if (n.cls == SS_MEASURE)
            r->value = value;
        else if (n.cls == SS_DIM)
            rc = dims ? kvs_add(r, dims, n.id, value) : CORE_OK;
        else
            rc = kvs_add(r, attrs, n.id, value);
    }
    xmlTextReaderMoveToElement(xr);
    return rc;
}

/* The measure dimension of an explicit-measures message: the dimension at the observation
 * when it is one, else (a flat message) the dimension whose values are concepts. -1: none. */
static int
measure_dim(const struct data_reader *r)
{
    int d = r->dim_at_obs.len ? dsd_structure_dim(r->dsd, r->dim_at_obs) : -1;
    for (size_t i = 0; d < 0 && i < r->dsd->ndims; i++)
        if (r->dsd->dims[i].codelist.kind == DSD_KIND_CONCEPTSCHEME)
            d = (int)i;
    return d;
}

/* SDMX 2.1 explicit measures: an Obs says its measure by its type (xsi:type="ns:TFRNSI", one
 * type per measure in the DSD's schema) rather than by an XML attribute named after the
 * measure dimension. The type's local name is the measure dimension's value; a value given as
 * an attribute wins. */
static core_rc
ss_explicit_measure(struct data_reader *r, xmlTextReaderPtr xr)
{
    int d = r->explicit_measures ? measure_dim(r) : -1;
    if (d < 0)
        return CORE_OK;
    core_str_t id = core_str_c(r->dsd->dims[d].id);
    for (size_t i = 0; i < r->okey.n; i++)
        if (core_str_eq(r->okey.kv[i].id, id))
            return CORE_OK;
    for (size_t i = 0; i < r->key.n; i++)
        if (core_str_eq(r->key.kv[i].id, id))
            return CORE_OK;
    xmlChar *t = xmlTextReaderGetAttributeNs(xr, BAD_CAST "type", BAD_CAST XSI_NS);
    if (t == NULL)
        return CORE_OK; /* the key check reports the missing value */
    const xmlChar *colon = xmlStrchr(t, ':');
    core_str_t value = copy(r->scratch, colon ? colon + 1 : t);
    xmlFree(t);
    return kvs_add(r, &r->okey, id, value);
}

/* ---- events ---------------------------------------------------------------------------------- */

static void reset_scratch(struct data_reader *r);

static core_rc
begin_dataset(struct data_reader *r, xmlTextReaderPtr xr)
{
    if (!r->have_structure)
        return core_fail(r->err, CORE_ESYNTAX, "%s: a DataSet before the header names its structure",
                         r->name);
    xmlChar *act = xmlTextReaderGetAttribute(xr, BAD_CAST "action");
    if (act == NULL)
        act = xmlTextReaderGetAttributeNs(xr, BAD_CAST "action", BAD_CAST SDMX_NS_SS);
    dsd_action action = parse_action((const char *)act, r->header_action);
    xmlFree(act);
    core_rc rc = r->ev->resolve(r->ev->ctx, &r->structure, &r->dsd, r->err);
    if (rc != CORE_OK)
        return rc;
    r->nnames = 0; /* names are classified by the DSD */
    if (r->generic) {
        reset_scratch(r);
        r->attrs.n = 0;
        r->ds_pending = 1;
        r->ds_action = action;
        return CORE_OK;
    }
    struct kvs attrs = {.n = 0};
    if ((rc = ss_split(r, xr, r->a, NULL, &attrs)) != CORE_OK)
        return rc;
    return r->ev->dataset(r->ev->ctx, action, &r->structure, attrs.kv, attrs.n, r->err);
}

static core_rc
gen_announce_dataset(struct data_reader *r)
{
    if (!r->ds_pending)
        return CORE_OK;
    r->ds_pending = 0;
    return r->ev->dataset(r->ev->ctx, r->ds_action, &r->structure, r->attrs.kv, r->attrs.n,
                          r->err);
}

/* Flat and cross-sectional messages carry the time period as a key value. */
static core_rc
merge_key(struct data_reader *r, struct kvs *key, const struct kvs *more)
{
    const char *time_id = r->dsd->time.id ? r->dsd->time.id : "TIME_PERIOD";
    for (size_t i = 0; i < more->n; i++) {
        if (core_str_eq_c(more->kv[i].id, time_id)) {
            r->period = more->kv[i].value;
            continue;
        }
        core_rc rc = kvs_add(r, key, more->kv[i].id, more->kv[i].value);
        if (rc != CORE_OK)
            return rc;
    }
    return CORE_OK;
}

static core_rc
emit_obs(struct data_reader *r, xmlTextReaderPtr xr)
{
    struct kvs key; /* (not zeroed: 8 kB an observation) */
    key.n = 0;
    core_rc rc;
    if ((rc = merge_key(r, &key, &r->key)) != CORE_OK ||
        (rc = merge_key(r, &key, &r->okey)) != CORE_OK)
        return rc;
    r->series_told = 1;
    return r->ev->obs(r->ev->ctx, key.kv, key.n, r->period, r->value, r->oattrs.kv, r->oattrs.n,
                      node_line(xr), r->err);
}

/* A series element ends. One that gave neither attributes nor observations still names a
 * key, which matters in a Delete data set: the whole series goes. */
static core_rc
series_end(struct data_reader *r, xmlTextReaderPtr xr)
{
    int told = r->series_told;
    r->in_series = r->series_told = 0;
    if (told)
        return CORE_OK;
    return r->ev->series(r->ev->ctx, r->key.kv, r->key.n, NULL, 0, node_line(xr), r->err);
}

static void
reset_scratch(struct data_reader *r)
{
    core_arena_free(r->scratch);
    r->scratch = core_arena_new();
}

static core_rc
ss_element(struct data_reader *r, xmlTextReaderPtr xr, enum role role)
{
    core_rc rc;
    if (role == R_SERIES || role == R_GROUP) {
        reset_scratch(r);
        r->key.n = r->attrs.n = 0;
        r->period = r->value = CORE_STR_NULL;
        if ((rc = ss_split(r, xr, r->scratch, &r->key, &r->attrs)) != CORE_OK)
            return rc;
        r->series_period = r->period;
        r->in_series = role == R_SERIES;
        r->series_told = r->attrs.n > 0;
        if (r->attrs.n > 0 || !r->in_series)
            return r->ev->series(r->ev->ctx, r->key.kv, r->key.n, r->attrs.kv, r->attrs.n,
                                 node_line(xr), r->err);
        return CORE_OK;
    }
    if (role == R_OBS) {
        if (!r->in_series) { /* flat or cross-sectional data without a series */
            reset_scratch(r);
            r->key.n = 0;
            r->series_period = CORE_STR_NULL;
        }
        r->okey.n = r->oattrs.n = 0;
        r->period = r->series_period;
        r->value = CORE_STR_NULL;
        if ((rc = ss_split(r, xr, r->scratch, &r->okey, &r->oattrs)) != CORE_OK ||
            (rc = ss_explicit_measure(r, xr)) != CORE_OK)
            return rc;
        return emit_obs(r, xr);
    }
    return CORE_OK;
}

/* ---- generic --------------------------------------------------------------------------------- */

/* The value attribute of a generic element, which the schema requires: a key or attribute
 * without a value is refused rather than passed on as a slice to nothing. */
static core_rc
gen_required(struct data_reader *r, xmlTextReaderPtr xr, const char *attr, core_str_t *out)
{
    xmlChar *v = xmlTextReaderGetAttribute(xr, BAD_CAST attr);
    if (v == NULL)
        return core_fail(r->err, CORE_ESYNTAX, "%s:%ld: a generic:%s without its %s attribute",
                         r->name, node_line(xr), local(xr), attr);
    *out = copy(r->scratch, v);
    xmlFree(v);
    return CORE_OK;
}

/* A generic:Value, in the key or attributes that hold it (parent), itself in grand. */
static core_rc
gen_value(struct data_reader *r, xmlTextReaderPtr xr, enum role parent, enum role grand)
{
    core_str_t id, value;
    core_rc rc;
    if ((rc = gen_required(r, xr, "id", &id)) != CORE_OK ||
        (rc = gen_required(r, xr, "value", &value)) != CORE_OK)
        return rc;
    if (parent == R_SERIESKEY || parent == R_GROUPKEY)
        return kvs_add(r, &r->key, id, value);
    if (parent == R_OBSKEY)
        return kvs_add(r, &r->okey, id, value);
    return kvs_add(r, grand == R_OBS ? &r->oattrs : &r->attrs, id, value);
}

static core_rc
gen_element(struct data_reader *r, xmlTextReaderPtr xr, enum role role, enum role parent,
            enum role grand)
{
    core_rc rc;
    if (role == R_SERIES || role == R_GROUP || role == R_OBS) {
        if ((rc = gen_announce_dataset(r)) != CORE_OK)
            return rc;
    }
    if (role == R_ATTRS && parent == R_DATASET && !r->ds_pending)
        return core_fail(r->err, CORE_ESYNTAX,
                         "%s:%ld: the data set's generic:Attributes come after its first "
                         "Group, Series or Obs; they must come before",
                         r->name, node_line(xr));
    if (role == R_SERIES || role == R_GROUP) {
        reset_scratch(r);
        r->key.n = r->attrs.n = 0;
        r->in_series = 1;
        r->series_told = 0;
    } else if (role == R_OBS) {
        if (parent == R_DATASET) { /* flat: the key is all on the observation */
            reset_scratch(r);
            r->key.n = 0;
        }
        r->in_obs = 1;
        r->okey.n = r->oattrs.n = 0;
        r->period = r->value = CORE_STR_NULL;
    } else if (role == R_VALUE) {
        return gen_value(r, xr, parent, grand);
    } else if (role == R_OBSDIM || role == R_OBSVALUE) {
        core_str_t value;
        if ((rc = gen_required(r, xr, "value", &value)) != CORE_OK)
            return rc;
        const char *time_id = r->dsd->time.id ? r->dsd->time.id : "TIME_PERIOD";
        if (role == R_OBSVALUE)
            r->value = value;
        else if (r->dim_at_obs.len == 0 || core_str_eq_c(r->dim_at_obs, time_id))
            r->period = value;
        else
            return kvs_add(r, &r->okey, r->dim_at_obs, value);
    }
    return CORE_OK;
}

/* Generic elements end: a series' attributes once its key and attributes are read, an
 * observation once all its parts are. */
static core_rc
gen_end(struct data_reader *r, xmlTextReaderPtr xr, enum role role, enum role parent)
{
    if (role == R_ATTRS && (parent == R_SERIES || parent == R_GROUP) && r->attrs.n > 0) {
        r->series_told = 1;
        return r->ev->series(r->ev->ctx, r->key.kv, r->key.n, r->attrs.kv, r->attrs.n,
                             node_line(xr), r->err);
    }
    if (role == R_OBS) {
        r->in_obs = 0;
        return emit_obs(r, xr);
    }
    if (role == R_SERIES)
        return series_end(r, xr);
    if (role == R_GROUP)
        r->in_series = 0;
    return CORE_OK;
}

/* ---- nesting ------------------------------------------------------------------------------- */

static enum role
role_of(const struct data_reader *r, const char *name)
{
    static const struct {
        const char *name;
        enum role role;
    } roles[] = {
        {"Series", R_SERIES},       {"Group", R_GROUP},       {"Obs", R_OBS},
        {"SeriesKey", R_SERIESKEY}, {"GroupKey", R_GROUPKEY}, {"ObsKey", R_OBSKEY},
        {"Attributes", R_ATTRS},    {"Value", R_VALUE},       {"ObsDimension", R_OBSDIM},
        {"ObsValue", R_OBSVALUE},
    };
    size_t n = r->generic ? sizeof roles / sizeof roles[0] : 3;
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, roles[i].name) == 0)
            return roles[i].role;
    return R_OTHER;
}

/* Whether an element of role may start inside one of role parent. */
static int
allowed_in(enum role role, enum role parent)
{
    switch (role) {
    case R_OTHER: return 1;
    case R_SERIES:
    case R_GROUP: return parent == R_DATASET;
    case R_OBS: return parent == R_DATASET || parent == R_SERIES;
    case R_SERIESKEY: return parent == R_SERIES;
    case R_GROUPKEY: return parent == R_GROUP;
    case R_OBSKEY: return parent == R_OBS;
    case R_ATTRS:
        return parent == R_DATASET || parent == R_SERIES || parent == R_GROUP || parent == R_OBS;
    case R_VALUE:
        return parent == R_SERIESKEY || parent == R_GROUPKEY || parent == R_OBSKEY ||
               parent == R_ATTRS;
    case R_OBSDIM:
    case R_OBSVALUE: return parent == R_OBS;
    default: return 0;
    }
}

/* An element starts inside the data set, at depth >= 2: takes its role, refuses it where it
 * does not belong, then hands it to the format. */
static core_rc
ds_element(struct data_reader *r, xmlTextReaderPtr xr, int depth)
{
    const char *name = local(xr);
    enum role parent = r->roles[depth - 1], role = role_of(r, name);
    r->roles[depth] = (unsigned char)role;
    if (!allowed_in(role, parent)) {
        const xmlChar *pname = NULL;
        xmlNode *n = xmlTextReaderCurrentNode(xr);
        if (n != NULL && n->parent != NULL)
            pname = n->parent->name;
        const char *pfx = r->generic ? "generic:" : "";
        return core_fail(r->err, CORE_ESYNTAX, "%s:%ld: %s%s is not allowed inside %s%s", r->name,
                         node_line(xr), pfx, name, parent == R_DATASET ? "the " : pfx,
                         parent == R_DATASET ? "DataSet" : pname ? (const char *)pname : "?");
    }
    return r->generic ? gen_element(r, xr, role, parent, r->roles[depth - 2])
                      : ss_element(r, xr, role);
}

static core_rc
ds_end(struct data_reader *r, xmlTextReaderPtr xr, int depth)
{
    enum role role = r->roles[depth];
    if (r->generic)
        return gen_end(r, xr, role, r->roles[depth - 1]);
    return role == R_SERIES ? series_end(r, xr) : CORE_OK;
}

/* ---- the loop -------------------------------------------------------------------------------- */

const char *
sdmx__unread_message(core_arena_t *a, xmlTextReaderPtr xr)
{
    const char *name = local(xr);
    int metadata = strcmp(name, "GenericMetadata") == 0 ||
                   strcmp(name, "StructureSpecificMetadata") == 0 ||
                   strcmp(name, "MetadataSet") == 0;
    const char *version = sdmx__reader_in_ns(xr, SDMX_NS_MES)      ? "2.1"
                          : sdmx__reader_in_ns(xr, SDMX_NS_30_MES) ? "3.0"
                          : sdmx__reader_in_ns(xr, SDMX_NS_20_MES) ? "2.0"
                                                                   : NULL;
    if (version == NULL || (strcmp(version, "2.1") == 0 && !metadata))
        return NULL; /* not SDMX-ML at all, or a message that is read */
    const char *what = metadata                             ? "reference metadata"
                       : strcmp(name, "Structure") == 0     ? "structure"
                       : strstr(name, "Data") != NULL       ? "data"
                                                            : NULL;
    if (what == NULL)
        return core_arena_printf(a, "an SDMX-ML %s %s message", version, name);
    return core_arena_printf(a, "an SDMX-ML %s %s message (%s)", version, what, name);
}

static core_rc
check_root(struct data_reader *r, xmlTextReaderPtr xr)
{
    const char *name = local(xr);
    const char *what = sdmx__unread_message(r->a, xr);
    if (what != NULL && !sdmx__reader_in_ns(xr, SDMX_NS_20_MES)) /* 2.0 data is converted */
        return core_fail(r->err, CORE_ENOTIMPL, "%s: %s, which sdmxd does not read yet",
                         r->name, what);
    if (!sdmx__reader_in_ns(xr, SDMX_NS_MES))
        return core_fail(r->err, CORE_ESYNTAX, "%s: %s is not an SDMX-ML 2.1 data message",
                         r->name, name);
    if (strcmp(name, "GenericData") == 0 || strcmp(name, "GenericTimeSeriesData") == 0) {
        r->generic = 1;
        return CORE_OK;
    }
    if (strcmp(name, "StructureSpecificData") == 0 ||
        strcmp(name, "StructureSpecificTimeSeriesData") == 0)
        return CORE_OK;
    return core_fail(r->err, CORE_ESYNTAX, "%s: %s is not an SDMX-ML 2.1 data message", r->name,
                     name);
}

static core_rc
on_start(struct data_reader *r, xmlTextReaderPtr xr, int *seen_root, int *in_ds, int *skip)
{
    const char *name = local(xr);
    int depth = xmlTextReaderDepth(xr);
    if (!*seen_root) {
        *seen_root = 1;
        return check_root(r, xr);
    }
    if (*in_ds)
        return ds_element(r, xr, depth);
    if (depth == 2 && sdmx__reader_in_ns(xr, SDMX_NS_MES) && strcmp(name, "Structure") == 0) {
        *skip = 1;
        return header_structure(r, xr);
    }
    if (depth == 2 && sdmx__reader_in_ns(xr, SDMX_NS_MES) && strcmp(name, "DataSetAction") == 0) {
        xmlChar *t = xmlTextReaderReadString(xr);
        r->header_action = parse_action((const char *)t, DSD_ACTION_APPEND);
        xmlFree(t);
        return CORE_OK;
    }
    if (depth == 1 && sdmx__reader_in_ns(xr, SDMX_NS_MES) && strcmp(name, "DataSet") == 0) {
        *in_ds = 1;
        r->roles[1] = R_DATASET;
        return begin_dataset(r, xr);
    }
    return CORE_OK;
}

/* The data set that ends, and its last announcements. */
static core_rc
dataset_end(struct data_reader *r)
{
    core_rc rc = gen_announce_dataset(r);
    return rc == CORE_OK ? r->ev->dataset_end(r->ev->ctx, r->err) : rc;
}

static core_rc
read_loop(struct data_reader *r, xmlTextReaderPtr xr)
{
    int seen_root = 0, in_ds = 0, skip = 0, ret = xmlTextReaderRead(xr);
    size_t nodes = 0;
    core_rc rc = CORE_OK;
    while (ret == 1 && rc == CORE_OK && r->xe.first[0] == '\0') {
        int type = xmlTextReaderNodeType(xr), depth = xmlTextReaderDepth(xr);
        if (type == XML_READER_TYPE_DOCUMENT_TYPE)
            return core_fail(r->err, CORE_ESYNTAX, "%s: DOCTYPE declarations are not accepted",
                             r->name);
        if (type == XML_READER_TYPE_ELEMENT) {
            if (depth > SDMX_XML_MAX_DEPTH)
                return core_fail(r->err, CORE_ETOOBIG, "%s: elements nested too deep", r->name);
            int was_in_ds = in_ds;
            rc = on_start(r, xr, &seen_root, &in_ds, &skip);
            /* an empty element gets no end event from the reader */
            if (rc == CORE_OK && in_ds && xmlTextReaderIsEmptyElement(xr)) {
                if (!was_in_ds) { /* <DataSet/> */
                    in_ds = 0;
                    rc = dataset_end(r);
                } else {
                    rc = ds_end(r, xr, depth);
                }
            }
        } else if (type == XML_READER_TYPE_END_ELEMENT && in_ds) {
            if (depth == 1) {
                in_ds = 0;
                rc = dataset_end(r);
            } else {
                rc = ds_end(r, xr, depth);
            }
        }
        if (rc != CORE_OK)
            break;
        ret = skip ? xmlTextReaderNext(xr) : xmlTextReaderRead(xr);
        long consumed;
        if (r->ev->consumed != NULL && (++nodes & 0x3fff) == 0 &&
            (consumed = xmlTextReaderByteConsumed(xr)) > 0)
            r->ev->consumed(r->ev->ctx, (size_t)consumed);
        skip = 0;
    }
    if (rc != CORE_OK)
        return rc;
    if (ret < 0 || r->xe.first[0] != '\0')
        return xml_fail(r, xr);
    if (!seen_root)
        return core_fail(r->err, CORE_ESYNTAX, "%s: no XML element found", r->name);
    return CORE_OK;
}

core_rc
sdmx_data_read_xml(core_arena_t *a, const char *data, size_t len, const char *name,
                   const dsd_events_t *ev, core_err_t *err)
{
    if (len > (size_t)INT32_MAX)
        return core_fail(err, CORE_ETOOBIG, "%s: message larger than 2 GiB", name);
    if (sdmx__prolog_has_doctype(data, len))
        return core_fail(err, CORE_ESYNTAX,
                         "%s: DOCTYPE declarations are not accepted in SDMX messages", name);
    struct data_reader r = {.a = a, .name = name, .ev = ev, .err = err};
    r.xe.name = name;
    /* errors libxml2 raises outside the parser (encodings, I/O) come here too, not to stderr */
    xmlStructuredErrorFunc old = xmlStructuredError;
    void *old_arg = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc(&r.xe, sdmx__on_xml_error);
    core_rc rc;
    xmlTextReaderPtr xr = xmlReaderForMemory(data, (int)len, NULL, NULL,
                                             XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
    if (xr == NULL) {
        rc = core_fail(err, CORE_EIO, "%s: cannot start the XML reader", name);
    } else {
        r.scratch = core_arena_new();
        xmlTextReaderSetStructuredErrorHandler(xr, sdmx__on_xml_error, &r.xe);
        rc = read_loop(&r, xr);
        xmlFreeTextReader(xr);
        core_arena_free(r.scratch);
    }
    xmlSetStructuredErrorFunc(old_arg, old);
    return rc;
}

/* A reader for a quick look at a message's first elements, quiet: the reader proper reports
 * what is wrong with it. NULL for what it never reads (past 2 GiB, a DOCTYPE). */
struct peek {
    sdmx__xml_errors_t ignored;
    xmlStructuredErrorFunc old;
    void *old_arg;
};

static xmlTextReaderPtr
peek_open(struct peek *p, const char *data, size_t len)
{
    *p = (struct peek){.ignored = {.name = ""}, .old = xmlStructuredError,
                       .old_arg = xmlStructuredErrorContext};
    if (len > (size_t)INT32_MAX || sdmx__prolog_has_doctype(data, len))
        return NULL;
    xmlSetStructuredErrorFunc(&p->ignored, sdmx__on_xml_error);
    return xmlReaderForMemory(data, (int)len, NULL, NULL,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static void
peek_close(struct peek *p, xmlTextReaderPtr xr)
{
    xmlFreeTextReader(xr);
    xmlSetStructuredErrorFunc(p->old_arg, p->old);
}

const char *
sdmx_message_kind(const char *data, size_t len)
{
    static const char *const kinds[] = {"Structure", "GenericData", "GenericTimeSeriesData",
                                        "StructureSpecificData",
                                        "StructureSpecificTimeSeriesData"};
    struct peek p;
    xmlTextReaderPtr xr = peek_open(&p, data, len);
    const char *kind = NULL;
    while (xr != NULL && xmlTextReaderRead(xr) == 1) {
        if (xmlTextReaderNodeType(xr) != XML_READER_TYPE_ELEMENT)
            continue;
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0] && sdmx__reader_in_ns(xr, SDMX_NS_MES); i++)
            if (strcmp(local(xr), kinds[i]) == 0)
                kind = kinds[i];
        if (sdmx__reader_in_ns(xr, "http://www.SDMX.org/resources/SDMXML/schemas/v2_0/message")) {
            if (strcmp(local(xr), "GenericData") == 0)
                kind = "GenericData20";
            else if (strcmp(local(xr), "CompactData") == 0)
                kind = "CompactData20";
        }
        break;
    }
    peek_close(&p, xr);
    return kind;
}

int
sdmx_message_explicit_measures(const char *data, size_t len)
{
    struct peek p;
    xmlTextReaderPtr xr = peek_open(&p, data, len);
    int yes = 0, depth;
    while (xr != NULL && xmlTextReaderRead(xr) == 1) {
        if (xmlTextReaderNodeType(xr) != XML_READER_TYPE_ELEMENT ||
            (depth = xmlTextReaderDepth(xr)) > 2)
            continue;
        if (depth == 1 && strcmp(local(xr), "Header") != 0)
            break; /* past the header */
        if (depth == 2 && strcmp(local(xr), "Structure") == 0) {
            xmlChar *em = xmlTextReaderGetAttribute(xr, BAD_CAST "explicitMeasures");
            yes = em != NULL && (xmlStrEqual(em, BAD_CAST "true") || xmlStrEqual(em, BAD_CAST "1"));
            xmlFree(em);
            break;
        }
    }
    peek_close(&p, xr);
    return yes;
}

/* "name (namespace ns)", or the name alone in the SDMX-ML 2.1 message namespace. */
static void
outline_name(core_buf_t *b, xmlTextReaderPtr xr)
{
    const char *ns = (const char *)xmlTextReaderConstNamespaceUri(xr);
    core_buf_adds(b, local(xr));
    if (ns == NULL)
        core_buf_adds(b, " (in no namespace)");
    else if (strcmp(ns, SDMX_NS_MES) != 0)
        core_buf_printf(b, " (namespace %.120s)", ns);
}

const char *
sdmx_message_outline(core_arena_t *a, const char *data, size_t len)
{
    struct peek p;
    xmlTextReaderPtr xr = peek_open(&p, data, len);
    core_buf_t b;
    core_buf_init(&b);
    size_t children = 0;
    while (xr != NULL && xmlTextReaderRead(xr) == 1 && children < 6) {
        if (xmlTextReaderNodeType(xr) != XML_READER_TYPE_ELEMENT)
            continue;
        int depth = xmlTextReaderDepth(xr);
        if (depth == 0) {
            core_buf_adds(&b, "the root element ");
            outline_name(&b, xr);
        } else if (depth == 1) {
            core_buf_adds(&b, children++ == 0 ? " holding " : ", ");
            outline_name(&b, xr);
        }
    }
    if (b.len == 0)
        core_buf_adds(&b, "no element that can be read");
    else if (children == 0)
        core_buf_adds(&b, " with nothing in it");
    peek_close(&p, xr);
    const char *out = core_arena_strndup(a, b.ptr, b.len);
    core_buf_dispose(&b);
    return out;
}
