#include <config.h>
#include "sdmx/sdmx_int.h"

#include <pthread.h>

#include <libxml/parser.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>
#include <string.h>

/* SDMX-ML 2.0 data messages are read by turning them into SDMX-ML 2.1 with an XSLT
 * stylesheet, then reading the result like any 2.1 message. GenericData becomes GenericData
 * (concept= becomes id=, Time becomes ObsDimension); CompactData becomes
 * StructureSpecificData (its DSD-specific elements become Series and Obs, their attributes
 * kept). The header's KeyFamilyRef and KeyFamilyAgency name the DSD (version 1.0: SDMX-ML
 * 2.0 has no version there). XSLT needs the whole document as a tree, so 2.0 messages cost
 * memory in proportion to their size, unlike 2.1 ones. */

static const char stylesheet[] =
    "<xsl:stylesheet version='1.0' xmlns:xsl='http://www.w3.org/1999/XSL/Transform'"
    " xmlns:m0='http://www.SDMX.org/resources/SDMXML/schemas/v2_0/message'"
    " xmlns:g0='http://www.SDMX.org/resources/SDMXML/schemas/v2_0/generic'"
    " xmlns:mes='" SDMX_NS_MES "' xmlns:com='" SDMX_NS_COM "'"
    " xmlns:generic='http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic'"
    " xmlns:ss='http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific'"
    " exclude-result-prefixes='m0 g0'>"
    "<xsl:output method='xml' encoding='UTF-8' indent='yes'/>"
    /* the header: identification, and the DSD from KeyFamilyRef/KeyFamilyAgency */
    "<xsl:template name='header'>"
    " <mes:Header>"
    "  <mes:ID><xsl:value-of select='m0:Header/m0:ID'/></mes:ID>"
    "  <mes:Test>false</mes:Test>"
    "  <mes:Prepared><xsl:value-of select='m0:Header/m0:Prepared'/></mes:Prepared>"
    "  <mes:Sender id='{m0:Header/m0:Sender/@id}'/>"
    "  <mes:Structure structureID='S20' dimensionAtObservation='TIME_PERIOD'>"
    "   <com:Structure><Ref agencyID='{(m0:Header/m0:KeyFamilyAgency|.//g0:KeyFamilyRef/../@keyFamilyAgency)[1]}'"
    "        id='{(m0:Header/m0:KeyFamilyRef|.//g0:KeyFamilyRef)[1]}' version='1.0'/></com:Structure>"
    "  </mes:Structure>"
    "  <xsl:if test='m0:Header/m0:DataSetAction'>"
    "   <mes:DataSetAction><xsl:value-of select='m0:Header/m0:DataSetAction'/></mes:DataSetAction>"
    "  </xsl:if>"
    " </mes:Header>"
    "</xsl:template>"
    /* GenericData */
    "<xsl:template match='/m0:GenericData'>"
    " <mes:GenericData><xsl:call-template name='header'/>"
    "  <xsl:for-each select='m0:DataSet'>"
    "   <mes:DataSet structureRef='S20'>"
    "    <xsl:if test='@action'><xsl:attribute name='action'><xsl:value-of select='@action'/></xsl:attribute></xsl:if>"
    "    <xsl:if test='g0:Attributes'><generic:Attributes><xsl:apply-templates select='g0:Attributes/g0:Value'/></generic:Attributes></xsl:if>"
    "    <xsl:apply-templates select='g0:Series'/>"
    "   </mes:DataSet>"
    "  </xsl:for-each>"
    " </mes:GenericData>"
    "</xsl:template>"
    "<xsl:template match='g0:Value'><generic:Value id='{@concept}' value='{@value}'/></xsl:template>"
    "<xsl:template match='g0:Series'>"
    " <generic:Series>"
    "  <generic:SeriesKey><xsl:apply-templates select='g0:SeriesKey/g0:Value'/></generic:SeriesKey>"
    "  <xsl:if test='g0:Attributes'><generic:Attributes><xsl:apply-templates select='g0:Attributes/g0:Value'/></generic:Attributes></xsl:if>"
    "  <xsl:for-each select='g0:Obs'>"
    "   <generic:Obs>"
    "    <generic:ObsDimension value='{normalize-space(g0:Time)}'/>"
    "    <xsl:if test='g0:ObsValue'><generic:ObsValue value='{g0:ObsValue/@value}'/></xsl:if>"
    "    <xsl:if test='g0:Attributes'><generic:Attributes><xsl:apply-templates select='g0:Attributes/g0:Value'/></generic:Attributes></xsl:if>"
    "   </generic:Obs>"
    "  </xsl:for-each>"
    " </generic:Series>"
    "</xsl:template>"
    /* CompactData: DSD-specific DataSet/Series/Obs elements, attributes carried over */
    "<xsl:template match='/m0:CompactData'>"
    " <mes:StructureSpecificData><xsl:call-template name='header'/>"
    "  <xsl:for-each select='*[local-name()=\"DataSet\"]'>"
    "   <mes:DataSet ss:structureRef='S20'>"
    "    <xsl:if test='@action'><xsl:attribute name='ss:action'><xsl:value-of select='@action'/></xsl:attribute></xsl:if>"
    "    <xsl:for-each select='*[local-name()=\"Series\"]'>"
    "     <Series><xsl:copy-of select='@*[namespace-uri()=\"\"]'/>"
    "      <xsl:for-each select='*[local-name()=\"Obs\"]'><Obs><xsl:copy-of select='@*[namespace-uri()=\"\"]'/></Obs></xsl:for-each>"
    "     </Series>"
    "    </xsl:for-each>"
    "   </mes:DataSet>"
    "  </xsl:for-each>"
    " </mes:StructureSpecificData>"
    "</xsl:template>"
    "</xsl:stylesheet>";

/* Compiled once, by the first upload that needs it, whichever event loop it is on. */
static xsltStylesheetPtr compiled;
static xsltSecurityPrefsPtr prefs;
static pthread_once_t compile_once = PTHREAD_ONCE_INIT;

static void
compile(void)
{
    xmlDocPtr doc = xmlReadMemory(stylesheet, (int)sizeof stylesheet - 1, NULL, NULL,
                                  XML_PARSE_NONET);
    compiled = doc ? xsltParseStylesheetDoc(doc) : NULL;
    /* no file or network access from the transformation, whatever the input says */
    prefs = xsltNewSecurityPrefs();
    xsltSetSecurityPrefs(prefs, XSLT_SECPREF_READ_FILE, xsltSecurityForbid);
    xsltSetSecurityPrefs(prefs, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid);
    xsltSetSecurityPrefs(prefs, XSLT_SECPREF_CREATE_DIRECTORY, xsltSecurityForbid);
    xsltSetSecurityPrefs(prefs, XSLT_SECPREF_READ_NETWORK, xsltSecurityForbid);
    xsltSetSecurityPrefs(prefs, XSLT_SECPREF_WRITE_NETWORK, xsltSecurityForbid);
}

static xsltStylesheetPtr
stylesheet_get(void)
{
    pthread_once(&compile_once, compile);
    return compiled;
}

static void
free_result(void *p)
{
    xmlFree(p);
}

/* No file or network access from the transformation, whatever the input says. */
static xsltSecurityPrefsPtr
locked_down(void)
{
    pthread_once(&compile_once, compile);
    return prefs;
}

core_rc
sdmx_convert_20(core_arena_t *a, core_str_t in, const char *name, core_str_t *out, core_err_t *err)
{
    if (in.len > (size_t)INT32_MAX)
        return core_fail(err, CORE_ETOOBIG, "%s: message larger than 2 GiB", name);
    if (sdmx__prolog_has_doctype(in.ptr, in.len))
        return core_fail(err, CORE_ESYNTAX,
                         "%s: DOCTYPE declarations are not accepted in SDMX messages", name);
    xsltStylesheetPtr xsl = stylesheet_get();
    if (xsl == NULL)
        return core_fail(err, CORE_EBUG, "the SDMX-ML 2.0 stylesheet does not compile");
    xmlDocPtr doc = xmlReadMemory(in.ptr, (int)in.len, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == NULL) {
        const xmlError *e = xmlGetLastError();
        return core_fail(err, CORE_ESYNTAX, "%s:%d: %s", name, e ? e->line : 0,
                         e && e->message ? e->message : "not well-formed XML");
    }
    xsltTransformContextPtr ctx = xsltNewTransformContext(xsl, doc);
    xsltSetCtxtSecurityPrefs(locked_down(), ctx);
    xmlDocPtr res = xsltApplyStylesheetUser(xsl, doc, NULL, NULL, NULL, ctx);
    xsltFreeTransformContext(ctx);
    xmlFreeDoc(doc);
    if (res == NULL)
        return core_fail(err, CORE_ESYNTAX, "%s: the SDMX-ML 2.0 message could not be converted",
                         name);
    xmlChar *buf = NULL;
    int len = 0;
    xsltSaveResultToString(&buf, &len, res, xsl);
    xmlFreeDoc(res);
    if (buf == NULL || len <= 0)
        return core_fail(err, CORE_ESYNTAX, "%s: the SDMX-ML 2.0 message holds no data", name);
    core_arena_defer(a, free_result, buf);
    *out = (core_str_t){(const char *)buf, (size_t)len};
    return CORE_OK;
}
