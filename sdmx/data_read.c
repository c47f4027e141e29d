#include <config.h>
#include "sdmx_int.h"

#include <libxml/xmlreader.h>
#include <string.h>

#define SDMX_NS_GEN "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic"
#define SDMX_NS_SS "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific"
#define KV_MAX 256

/* An XML attribute name of structure-specific data, and what it is for the current DSD. */
enum ss_class { SS_TIME, SS_MEASURE, SS_DIM, SS_ATTR };
struct ss_name {
    core_str_t id; /* NUL-terminated, in the message's arena */
    enum ss_class cls;
};
#define SS_NAMES 64

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
    const char *section; /* generic: "SeriesKey", "Attributes", "ObsKey" ... */
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

/* ---- header --------------------------------------------------------------------------- */

static core_rc
header_structure(struct data_reader *r, xmlTextReaderPtr xr)
{
    xmlChar *sid = xmlTextReaderGetAttribute(xr, BAD_CAST "structureID");
    xmlChar *dao = xmlTextReaderGetAttribute(xr, BAD_CAST "dimensionAtObservation");
    r->structure_id = copy(r->a, sid);
    r->dim_at_obs = copy(r->a, dao);
    xmlFree(sid);
    xmlFree(dao);
    xmlNode *el = xmlTextReaderExpand(xr);
    if (el == NULL)
        return CORE_ESYNTAX;
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
ss_element(struct data_reader *r, xmlTextReaderPtr xr, const char *name)
{
    core_rc rc;
    if (strcmp(name, "Series") == 0 || strcmp(name, "Group") == 0) {
        reset_scratch(r);
        r->key.n = r->attrs.n = 0;
        r->period = r->value = CORE_STR_NULL;
        if ((rc = ss_split(r, xr, r->scratch, &r->key, &r->attrs)) != CORE_OK)
            return rc;
        r->series_period = r->period;
        r->in_series = strcmp(name, "Series") == 0;
        r->series_told = r->attrs.n > 0;
        if (r->attrs.n > 0 || !r->in_series)
            return r->ev->series(r->ev->ctx, r->key.kv, r->key.n, r->attrs.kv, r->attrs.n,
                                 node_line(xr), r->err);
        return CORE_OK;
    }
    if (strcmp(name, "Obs") == 0) {
        if (!r->in_series) { /* flat or cross-sectional data without a series */
            reset_scratch(r);
            r->key.n = 0;
            r->series_period = CORE_STR_NULL;
        }
        r->okey.n = r->oattrs.n = 0;
        r->period = r->series_period;
        r->value = CORE_STR_NULL;
        if ((rc = ss_split(r, xr, r->scratch, &r->okey, &r->oattrs)) != CORE_OK)
            return rc;
        return emit_obs(r, xr);
    }
    return CORE_OK;
}

/* ---- generic --------------------------------------------------------------------------------- */

static core_rc
gen_value(struct data_reader *r, xmlTextReaderPtr xr)
{
    xmlChar *i = xmlTextReaderGetAttribute(xr, BAD_CAST "id");
    xmlChar *v = xmlTextReaderGetAttribute(xr, BAD_CAST "value");
    core_str_t id = copy(r->scratch, i);
    core_str_t value = copy(r->scratch, v);
    xmlFree(i);
    xmlFree(v);
    const char *s = r->section;
    if (s == NULL)
        return CORE_OK;
    if (strcmp(s, "SeriesKey") == 0 || strcmp(s, "GroupKey") == 0)
        return kvs_add(r, &r->key, id, value);
    if (strcmp(s, "ObsKey") == 0)
        return kvs_add(r, &r->okey, id, value);
    if (strcmp(s, "Attributes") == 0)
        return kvs_add(r, r->in_obs ? &r->oattrs : &r->attrs, id, value);
    return CORE_OK;
}

static core_rc
gen_element(struct data_reader *r, xmlTextReaderPtr xr, const char *name)
{
    if (strcmp(name, "Series") == 0 || strcmp(name, "Group") == 0 || strcmp(name, "Obs") == 0) {
        core_rc rc = gen_announce_dataset(r);
        if (rc != CORE_OK)
            return rc;
    }
    if (strcmp(name, "Series") == 0 || strcmp(name, "Group") == 0) {
        reset_scratch(r);
        r->key.n = r->attrs.n = 0;
        r->in_series = 1;
        r->series_told = 0;
    } else if (strcmp(name, "Obs") == 0) {
        if (!r->in_series) {
            reset_scratch(r);
            r->key.n = 0;
        }
        r->in_obs = 1;
        r->okey.n = r->oattrs.n = 0;
        r->period = r->value = CORE_STR_NULL;
    } else if (strcmp(name, "SeriesKey") == 0 || strcmp(name, "GroupKey") == 0 ||
               strcmp(name, "ObsKey") == 0 || strcmp(name, "Attributes") == 0) {
        r->section = name;
    } else if (strcmp(name, "Value") == 0) {
        return gen_value(r, xr);
    } else if (strcmp(name, "ObsDimension") == 0 || strcmp(name, "ObsValue") == 0) {
        xmlChar *v = xmlTextReaderGetAttribute(xr, BAD_CAST "value");
        core_str_t value = copy(r->scratch, v);
        xmlFree(v);
        const char *time_id = r->dsd->time.id ? r->dsd->time.id : "TIME_PERIOD";
        if (strcmp(name, "ObsValue") == 0)
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
gen_end(struct data_reader *r, xmlTextReaderPtr xr, const char *name)
{
    if (strcmp(name, "Attributes") == 0 || strcmp(name, "SeriesKey") == 0 ||
        strcmp(name, "GroupKey") == 0 || strcmp(name, "ObsKey") == 0) {
        r->section = NULL;
        if (strcmp(name, "Attributes") == 0 && r->in_series && !r->in_obs && r->attrs.n > 0) {
            r->series_told = 1;
            return r->ev->series(r->ev->ctx, r->key.kv, r->key.n, r->attrs.kv, r->attrs.n,
                                 node_line(xr), r->err);
        }
    } else if (strcmp(name, "Obs") == 0) {
        r->in_obs = 0;
        return emit_obs(r, xr);
    } else if (strcmp(name, "Series") == 0) {
        return series_end(r, xr);
    } else if (strcmp(name, "Group") == 0) {
        r->in_series = 0;
    }
    return CORE_OK;
}

/* ---- the loop -------------------------------------------------------------------------------- */

static core_rc
check_root(struct data_reader *r, xmlTextReaderPtr xr)
{
    const char *name = local(xr);
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
on_start(struct data_reader *r, xmlTextReaderPtr xr, int *seen_root, int *depth_ds, int *skip)
{
    const char *name = local(xr);
    int depth = xmlTextReaderDepth(xr);
    if (!*seen_root) {
        *seen_root = 1;
        return check_root(r, xr);
    }
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
        *depth_ds = 1;
        return begin_dataset(r, xr);
    }
    if (*depth_ds == 0)
        return CORE_OK;
    return r->generic ? gen_element(r, xr, name) : ss_element(r, xr, name);
}

static core_rc
on_end(struct data_reader *r, xmlTextReaderPtr xr)
{
    if (r->generic)
        return gen_end(r, xr, local(xr));
    return strcmp(local(xr), "Series") == 0 ? series_end(r, xr) : CORE_OK;
}

static core_rc
read_loop(struct data_reader *r, xmlTextReaderPtr xr)
{
    int seen_root = 0, in_ds = 0, skip = 0, ret = xmlTextReaderRead(xr);
    size_t nodes = 0;
    core_rc rc = CORE_OK;
    while (ret == 1 && rc == CORE_OK && r->xe.first[0] == '\0') {
        int type = xmlTextReaderNodeType(xr);
        if (type == XML_READER_TYPE_DOCUMENT_TYPE)
            return core_fail(r->err, CORE_ESYNTAX, "%s: DOCTYPE declarations are not accepted",
                             r->name);
        if (type == XML_READER_TYPE_ELEMENT) {
            if (xmlTextReaderDepth(xr) > SDMX_XML_MAX_DEPTH)
                return core_fail(r->err, CORE_ETOOBIG, "%s: elements nested too deep", r->name);
            rc = on_start(r, xr, &seen_root, &in_ds, &skip);
            /* an empty element gets no end event from the reader */
            if (rc == CORE_OK && in_ds && xmlTextReaderIsEmptyElement(xr) &&
                xmlTextReaderDepth(xr) > 1)
                rc = on_end(r, xr);
        } else if (type == XML_READER_TYPE_END_ELEMENT && in_ds) {
            if (xmlTextReaderDepth(xr) == 1) {
                in_ds = 0;
                rc = gen_announce_dataset(r);
                if (rc == CORE_OK)
                    rc = r->ev->dataset_end(r->ev->ctx, r->err);
            } else {
                rc = on_end(r, xr);
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
        return core_fail(r->err, CORE_ESYNTAX, "%s",
                         r->xe.first[0] ? r->xe.first : "the message is not well-formed XML");
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
    r.scratch = core_arena_new();
    xmlTextReaderPtr xr = xmlReaderForMemory(data, (int)len, NULL, NULL,
                                             XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
    if (xr == NULL) {
        core_arena_free(r.scratch);
        return core_fail(err, CORE_EIO, "%s: cannot start the XML reader", name);
    }
    r.xe.name = name;
    xmlTextReaderSetErrorHandler(xr, sdmx__on_xml_error, &r.xe);
    core_rc rc = read_loop(&r, xr);
    xmlFreeTextReader(xr);
    core_arena_free(r.scratch);
    return rc;
}

const char *
sdmx_message_kind(const char *data, size_t len)
{
    static const char *const kinds[] = {"Structure", "GenericData", "GenericTimeSeriesData",
                                        "StructureSpecificData",
                                        "StructureSpecificTimeSeriesData"};
    if (len > (size_t)INT32_MAX || sdmx__prolog_has_doctype(data, len))
        return NULL;
    xmlTextReaderPtr xr = xmlReaderForMemory(data, (int)len, NULL, NULL,
                                             XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                 XML_PARSE_NOWARNING);
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
    xmlFreeTextReader(xr);
    return kind;
}
