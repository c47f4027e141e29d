#include <config.h>
#include "sdmx/sdmx_int.h"

#include <libxml/xmlreader.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *href;
    const char *prefix;
} known_ns[] = {
    {SDMX_NS_MES, "mes"},
    {SDMX_NS_STR, "str"},
    {SDMX_NS_COM, "com"},
    {SDMX_NS_REG, "reg"},
    {SDMX_NS_XSI, "xsi"},
    {"http://www.w3.org/XML/1998/namespace", "xml"},
};

static const char *
known_prefix(const xmlNs *ns)
{
    if (ns == NULL || ns->href == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof known_ns / sizeof known_ns[0]; i++)
        if (strcmp((const char *)ns->href, known_ns[i].href) == 0)
            return known_ns[i].prefix;
    return NULL;
}

/* Writes prefix:name for an element or attribute; a foreign namespace gets the prefix
 * "ns" and is declared on the element that uses it (*declare). */
static void
qname(core_buf_t *out, const xmlNs *ns, const xmlChar *name, const xmlNs **declare)
{
    const char *p = known_prefix(ns);
    if (ns != NULL && p == NULL) {
        p = "ns";
        if (declare)
            *declare = ns;
    }
    if (p != NULL) {
        core_buf_adds(out, p);
        core_buf_addc(out, ':');
    }
    core_buf_adds(out, (const char *)name);
}

static int
whitespace_only(const xmlChar *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

static void
canon_attrs(core_buf_t *out, const xmlNode *node, const xmlNs **declare)
{
    for (const xmlAttr *a = node->properties; a != NULL; a = a->next) {
        core_buf_addc(out, ' ');
        qname(out, a->ns, a->name, declare);
        core_buf_adds(out, "=\"");
        for (const xmlNode *t = a->children; t != NULL; t = t->next)
            if (t->content)
                core_buf_add_xml(out, (const char *)t->content, strlen((const char *)t->content));
        core_buf_addc(out, '"');
    }
}

void
sdmx__canon(core_buf_t *out, const xmlNode *node)
{
    if (node->type != XML_ELEMENT_NODE)
        return;
    const xmlNs *declare = NULL;
    core_buf_addc(out, '<');
    qname(out, node->ns, node->name, &declare);
    size_t attrs_at = out->len;
    canon_attrs(out, node, &declare);
    if (declare != NULL) {
        /* One foreign namespace per element is all SDMX structures ever carry. */
        core_buf_t decl;
        core_buf_init(&decl);
        core_buf_adds(&decl, " xmlns:ns=\"");
        core_buf_add_xml(&decl, (const char *)declare->href, strlen((const char *)declare->href));
        core_buf_addc(&decl, '"');
        core_buf_reserve(out, decl.len);
        memmove(out->ptr + attrs_at + decl.len, out->ptr + attrs_at, out->len - attrs_at);
        memcpy(out->ptr + attrs_at, decl.ptr, decl.len);
        out->len += decl.len;
        core_buf_dispose(&decl);
    }
    int has_content = 0;
    for (const xmlNode *c = node->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            if (!has_content)
                core_buf_addc(out, '>');
            has_content = 1;
            sdmx__canon(out, c);
        } else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
                   !whitespace_only(c->content)) {
            if (!has_content)
                core_buf_addc(out, '>');
            has_content = 1;
            core_buf_add_xml(out, (const char *)c->content, strlen((const char *)c->content));
        }
    }
    if (!has_content) {
        core_buf_adds(out, "/>");
        return;
    }
    core_buf_adds(out, "</");
    qname(out, node->ns, node->name, NULL);
    core_buf_addc(out, '>');
}

xmlNode *
sdmx__child(const xmlNode *node, const char *local)
{
    for (xmlNode *c = node ? node->children : NULL; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, local) == 0)
            return c;
    return NULL;
}

const char *
sdmx__attr(const xmlNode *node, const char *name)
{
    for (const xmlAttr *a = node->properties; a != NULL; a = a->next)
        if (a->ns == NULL && strcmp((const char *)a->name, name) == 0 && a->children &&
            a->children->content)
            return (const char *)a->children->content;
    return NULL;
}

int
sdmx__is(const xmlNode *node, const char *local)
{
    return node != NULL && node->type == XML_ELEMENT_NODE &&
           strcmp((const char *)node->name, local) == 0;
}

void
sdmx__on_xml_error(void *arg, xmlErrorPtr x)
{
    sdmx__xml_errors_t *e = arg;
    if (x == NULL || x->level < XML_ERR_ERROR || e->first[0] != '\0')
        return;
    const char *msg = x->message ? x->message : "not well-formed XML";
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    int len = x->line > 0 ? snprintf(e->first, sizeof e->first, "%s:%d:%d: %.*s", e->name,
                                     x->line, x->int2, (int)n, msg)
                          : snprintf(e->first, sizeof e->first, "%s: %.*s", e->name, (int)n, msg);
    /* libxml2 puts a second line under some messages ("Bytes: 0xFF ..."): one line */
    for (int i = 0; i < len && i < (int)sizeof e->first; i++)
        if (e->first[i] == '\n')
            e->first[i] = ' ';
}

int
sdmx__reader_in_ns(xmlTextReaderPtr xr, const char *ns)
{
    const xmlChar *u = xmlTextReaderConstNamespaceUri(xr);
    return u != NULL && strcmp((const char *)u, ns) == 0;
}
