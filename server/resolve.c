#include <config.h>
#include "srv.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* What a structure message references but neither holds nor finds in the store: fetched
 * from an SDMX registry or web service (--resolve-from URL), or stored as external stubs
 * (--lenient) so that the message loads and the checks that need them are said not to run.
 *
 * The fetch is a blocking HTTP/1.0 GET over a plain socket (http:// only; no TLS, no
 * client library in the stack): HTTP/1.0 so that the answer is never chunked, one request a
 * connection. Each fetch has a deadline and a body cap, and all of a message's fetches
 * together have one too; redirects are not followed (to any host); the rounds of references
 * of references and the fetches are capped; and an answer is read by the
 * structure reader as any upload is: a malformed one refuses the whole message. Only the
 * artefacts still missing are taken from an answer: one never replaces what is stored. */

#define RESOLVE_TIMEOUT_MS 10000        /* a whole fetch: connect, ask, read */
#define RESOLVE_MAX_BODY ((size_t)64 << 20)
#define RESOLVE_DEPTH 4                 /* rounds: references of fetched artefacts */
#define RESOLVE_MAX_FETCHES 64
#define RESOLVE_MAX_TOTAL ((size_t)256 << 20) /* all answers of one message together */
#define RESOLVE_TOTAL_MS 60000                /* all fetches of one message together */

struct base {
    char host[256];
    char port[8];
    char path[512]; /* without a trailing slash */
};

core_rc
srv_resolve_check_url(const char *url, core_err_t *err)
{
    const char *p = url;
    if (strncmp(p, "https://", 8) == 0)
        return core_fail(err, CORE_ENOTIMPL,
                         "--resolve-from %s: https is not supported; give an http:// URL (a "
                         "registry on a trusted network, or a local TLS-terminating proxy)",
                         url);
    if (strncmp(p, "http://", 7) != 0)
        return core_fail(err, CORE_ESYNTAX,
                         "--resolve-from takes http://HOST[:PORT]/PATH (the REST API's root, "
                         "as in http://registry.example/rest), not '%s'",
                         url);
    p += 7;
    size_t hl = strcspn(p, ":/?#");
    if (hl == 0 || hl >= sizeof ((struct base *)0)->host || p[hl] == '?' || p[hl] == '#' ||
        strlen(url) >= sizeof ((struct base *)0)->path)
        return core_fail(err, CORE_ESYNTAX, "--resolve-from %s: no host, or one too long", url);
    if (p[hl] == ':') {
        size_t pl = strspn(p + hl + 1, "0123456789");
        if (pl == 0 || pl > 5 || (p[hl + 1 + pl] != '/' && p[hl + 1 + pl] != '\0'))
            return core_fail(err, CORE_ESYNTAX, "--resolve-from %s: the port is not a number",
                             url);
    }
    if (strpbrk(p, "?# \t\r\n") != NULL)
        return core_fail(err, CORE_ESYNTAX,
                         "--resolve-from %s: the URL is the API's root, without a query", url);
    return CORE_OK;
}

static void
parse_base(const char *url, struct base *b)
{
    const char *p = url + 7;
    size_t hl = strcspn(p, ":/");
    memcpy(b->host, p, hl);
    b->host[hl] = '\0';
    p += hl;
    snprintf(b->port, sizeof b->port, "80");
    if (*p == ':') {
        size_t pl = strspn(p + 1, "0123456789");
        snprintf(b->port, sizeof b->port, "%.*s", (int)pl, p + 1);
        p += 1 + pl;
    }
    snprintf(b->path, sizeof b->path, "%s", p);
    size_t n = strlen(b->path);
    while (n > 0 && b->path[n - 1] == '/')
        b->path[--n] = '\0';
}

static int64_t
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until fd is ready for events or the deadline passes; 0 when it did not come. */
static int
wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - now_ms();
        if (left <= 0)
            return 0;
        struct pollfd p = {fd, events, 0};
        int n = poll(&p, 1, (int)left);
        if (n > 0)
            return 1;
        if (n < 0 && errno != EINTR)
            return 0;
    }
}

static int
connect_to(const struct base *b, int64_t deadline, core_err_t *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    int g = getaddrinfo(b->host, b->port, &hints, &ai);
    if (g != 0) {
        core_fail(err, CORE_EUNAVAIL, "%s: %s", b->host, gai_strerror(g));
        return -1;
    }
    int fd = -1, why = 0;
    for (struct addrinfo *p = ai; p != NULL && fd < 0; p = p->ai_next) {
        fd = socket(p->ai_family, p->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, p->ai_protocol);
        if (fd < 0)
            continue;
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (connect(fd, p->ai_addr, p->ai_addrlen) != 0 &&
            (errno != EINPROGRESS || !wait_fd(fd, POLLOUT, deadline) ||
             getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0)) {
            why = soerr ? soerr : errno == EINPROGRESS ? ETIMEDOUT : errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(ai);
    if (fd < 0)
        core_fail(err, CORE_EUNAVAIL, "cannot connect to %s:%s: %s", b->host, b->port,
                  strerror(why ? why : ECONNREFUSED));
    return fd;
}

static core_rc
send_all(int fd, const char *p, size_t n, int64_t deadline, core_err_t *err)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        } else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (!wait_fd(fd, POLLOUT, deadline))
                return core_fail(err, CORE_EUNAVAIL, "the registry took no request in %d s",
                                 RESOLVE_TIMEOUT_MS / 1000);
        } else {
            return core_fail(err, CORE_EUNAVAIL, "sending the request: %s", strerror(errno));
        }
    }
    return CORE_OK;
}

/* Reads the whole answer (the server closes after it) into b, up to the cap. */
static core_rc
read_all(int fd, core_buf_t *b, int64_t deadline, core_err_t *err)
{
    char chunk[16384];
    for (;;) {
        ssize_t r = recv(fd, chunk, sizeof chunk, 0);
        if (r == 0)
            return CORE_OK;
        if (r > 0) {
            if (b->len + (size_t)r > RESOLVE_MAX_BODY + 65536)
                return core_fail(err, CORE_ETOOBIG, "the answer is larger than %zu bytes",
                                 RESOLVE_MAX_BODY);
            core_buf_add(b, chunk, (size_t)r);
        } else if (errno == EAGAIN || errno == EINTR) {
            if (!wait_fd(fd, POLLIN, deadline))
                return core_fail(err, CORE_EUNAVAIL, "no complete answer within %d s",
                                 RESOLVE_TIMEOUT_MS / 1000);
        } else {
            return core_fail(err, CORE_EUNAVAIL, "reading the answer: %s", strerror(errno));
        }
    }
}

/* Whether the head (status line excluded) has header name with a value other than ok. */
static int
head_has(const char *head, size_t n, const char *name, const char *ok)
{
    size_t nl = strlen(name);
    for (const char *p = head, *end = head + n; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (eol == NULL)
            eol = end;
        if ((size_t)(eol - p) > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            size_t okl = strlen(ok);
            return !((size_t)(eol - v) >= okl && strncasecmp(v, ok, okl) == 0);
        }
        p = eol + 1;
    }
    return 0;
}

/* GET base/path; *body the answer's body (in a) when the status is 200. CORE_ENOTFOUND for
 * a 404; any other status, a redirect, a malformed head: CORE_EUNAVAIL saying which. */
static core_rc
fetch(const struct base *u, const char *path, core_arena_t *a, core_str_t *body, core_err_t *err)
{
    int64_t deadline = now_ms() + RESOLVE_TIMEOUT_MS;
    int fd = connect_to(u, deadline, err);
    if (fd < 0)
        return CORE_EUNAVAIL;
    core_buf_t b;
    core_buf_init(&b);
    core_buf_printf(&b,
                    "GET %s%s HTTP/1.0\r\nHost: %s:%s\r\n"
                    "Accept: application/vnd.sdmx.structure+xml;version=2.1\r\n"
                    "User-Agent: sdmxd\r\nConnection: close\r\n\r\n",
                    u->path, path, u->host, u->port);
    core_rc rc = send_all(fd, b.ptr, b.len, deadline, err);
    core_buf_reset(&b);
    if (rc == CORE_OK)
        rc = read_all(fd, &b, deadline, err);
    close(fd);
    const char *hend = NULL;
    int status = 0;
    if (rc == CORE_OK) {
        const char *s = core_buf_cstr(&b);
        hend = strstr(s, "\r\n\r\n");
        if (hend == NULL || sscanf(s, "HTTP/1.%*1d %3d", &status) != 1)
            rc = core_fail(err, CORE_EUNAVAIL, "the answer is not HTTP (%zu bytes)", b.len);
    }
    if (rc == CORE_OK && status >= 300 && status < 400)
        rc = core_fail(err, CORE_EUNAVAIL, "it answered a redirect (%d): redirects are not "
                       "followed; give the URL it names",
                       status);
    else if (rc == CORE_OK && status == 404)
        rc = core_fail(err, CORE_ENOTFOUND, "it does not have it (404)");
    else if (rc == CORE_OK && status != 200)
        rc = core_fail(err, CORE_EUNAVAIL, "it answered %d", status);
    size_t hl = hend ? (size_t)(hend - b.ptr) : 0;
    if (rc == CORE_OK && (head_has(b.ptr, hl, "Transfer-Encoding", "identity") ||
                          head_has(b.ptr, hl, "Content-Encoding", "identity")))
        rc = core_fail(err, CORE_EUNAVAIL, "the answer is encoded (it was asked for none)");
    if (rc == CORE_OK && b.len - hl - 4 > RESOLVE_MAX_BODY)
        rc = core_fail(err, CORE_ETOOBIG, "the answer is larger than %zu bytes",
                       RESOLVE_MAX_BODY);
    if (rc == CORE_OK)
        *body = core_arena_str(a, (core_str_t){hend + 4, b.len - hl - 4});
    core_buf_dispose(&b);
    return rc;
}

/* ---- what is missing ------------------------------------------------------------------ */

static int
listed(const dsd_artefact_t *arts, size_t n, const dsd_ref_t *r)
{
    for (size_t i = 0; i < n; i++)
        if (dsd_ref_eq(&arts[i].ref, r))
            return 1;
    return 0;
}

static int
in_list(const core_vec_t *v, const dsd_ref_t *r)
{
    for (size_t i = 0; i < v->len; i++)
        if (dsd_ref_eq(v->items[i], r))
            return 1;
    return 0;
}

/* The references of arts[from..n) that are neither in arts nor in the store, into *out. */
static core_rc
missing_refs(srv_ctx_t *ctx, core_arena_t *a, const dsd_artefact_t *arts, size_t from,
             size_t n, core_vec_t *out, core_err_t *err)
{
    core_arena_t *va = core_arena_new(); /* the view ends before anything is written */
    store_view_t *v;
    core_rc rc = store_view_begin(ctx->reg, va, &v, err);
    for (size_t i = from; rc == CORE_OK && i < n; i++)
        for (size_t j = 0; j < arts[i].nrefs; j++) {
            const dsd_ref_t *r = &arts[i].refs[j];
            store_artefact_t got;
            core_err_t e = {0};
            if (listed(arts, n, r) || in_list(out, r) ||
                store_artefact_get(v, r, &got, &e) == CORE_OK)
                continue;
            dsd_ref_t *copy = core_arena_alloc(a, sizeof *copy);
            *copy = dsd_ref_dup(a, r);
            core_vec_push(a, out, copy);
        }
    core_arena_free(va);
    return rc;
}

/* Appends to *arts the artefacts of more that neither *arts nor the store has (an answer's
 * children too: references=children brings a DSD's codelists along). */
static core_rc
take_new(srv_ctx_t *ctx, core_arena_t *a, dsd_artefact_t **arts, size_t *n,
         const dsd_artefact_t *more, size_t nmore, core_err_t *err)
{
    core_arena_t *va = core_arena_new(); /* the view ends before anything is written */
    store_view_t *v;
    core_rc rc = store_view_begin(ctx->reg, va, &v, err);
    dsd_artefact_t *all = core_arena_alloc(a, (*n + nmore + 1) * sizeof *all);
    memcpy(all, *arts, *n * sizeof *all);
    size_t k = *n;
    for (size_t i = 0; rc == CORE_OK && i < nmore; i++) {
        store_artefact_t got;
        core_err_t e = {0};
        if (!listed(all, k, &more[i].ref) && store_artefact_get(v, &more[i].ref, &got, &e) != CORE_OK)
            all[k++] = more[i];
    }
    core_arena_free(va);
    *arts = all;
    *n = k;
    return rc;
}

/* ---- resolving ---------------------------------------------------------------------------- */

static const char *
ref_path(core_arena_t *a, const dsd_ref_t *r)
{
    const dsd_kind_info_t *k = dsd_kind_info(r->kind);
    return core_arena_printf(a, "/%s/%.*s/%.*s/%.*s?references=children",
                             k ? k->resource : "structure", CORE_STR_FMT(r->agency),
                             CORE_STR_FMT(r->id), CORE_STR_FMT(r->version));
}

/* Whether the identifiers can go into a URL path as they are (SDMX ids and versions can). */
static int
path_safe(core_str_t s)
{
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.' || c == '@' || c == '$'))
            return 0;
    }
    return s.len > 0;
}

core_rc
srv_resolve_missing(srv_ctx_t *ctx, core_arena_t *a, dsd_artefact_t **arts, size_t *n,
                    dsd_report_t *report, core_err_t *err)
{
    struct base u;
    parse_base(ctx->conf.resolve_from, &u);
    size_t from = 0, fetches = 0, bytes = 0;
    int64_t started = now_ms();
    for (int round = 0; round < RESOLVE_DEPTH; round++) {
        core_vec_t missing = {0};
        core_rc rc = missing_refs(ctx, a, *arts, from, *n, &missing, err);
        if (rc != CORE_OK)
            return rc;
        if (missing.len == 0)
            return CORE_OK;
        from = *n;
        for (size_t i = 0; i < missing.len; i++) {
            const dsd_ref_t *r = missing.items[i];
            if (listed(*arts, *n, r))
                continue; /* came with an earlier answer */
            const char *label = dsd_ref_label(a, r);
            if (!path_safe(r->agency) || !path_safe(r->id) || !path_safe(r->version))
                continue; /* not an SDMX identifier: the reference check reports it */
            if (fetches++ == RESOLVE_MAX_FETCHES)
                return core_fail(err, CORE_ETOOBIG,
                                 "more than %d artefacts to fetch from %s; nothing was stored",
                                 RESOLVE_MAX_FETCHES, ctx->conf.resolve_from);
            if (now_ms() - started > RESOLVE_TOTAL_MS)
                return core_fail(err, CORE_EUNAVAIL,
                                 "resolving from %s took more than %d s; nothing was stored",
                                 ctx->conf.resolve_from, RESOLVE_TOTAL_MS / 1000);
            const char *path = ref_path(a, r);
            core_str_t body;
            core_err_t e = {0};
            rc = fetch(&u, path, a, &body, &e);
            if (rc == CORE_OK && (bytes += body.len) > RESOLVE_MAX_TOTAL)
                return core_fail(err, CORE_EUNAVAIL,
                                 "the answers of %s come to more than %zu bytes; nothing was "
                                 "stored",
                                 ctx->conf.resolve_from, RESOLVE_MAX_TOTAL);
            if (rc == CORE_ENOTFOUND) {
                dsd_report_add(report, DSD_SEV_WARNING, "resolve-not-found", NULL,
                               "%s is not at %s%s either: %s", label, ctx->conf.resolve_from,
                               path, e.msg);
                continue;
            }
            if (rc != CORE_OK)
                return core_fail(err, CORE_EUNAVAIL, /* the registry's failing, not the client's */
                                 "resolving %s from %s%s: %s; nothing was stored", label,
                                 ctx->conf.resolve_from, path, e.msg);
            const char *name = core_arena_printf(a, "%s%s", ctx->conf.resolve_from, path);
            dsd_artefact_t *more;
            size_t nmore = 0;
            size_t errors = report->nerrors;
            rc = sdmx_structure_read(a, body.ptr, body.len, name, &more, &nmore, report, &e);
            if (rc != CORE_OK || report->nerrors > errors)
                return core_fail(err, CORE_ESEMANTIC,
                                 "resolving %s: the answer of %s is not a structure message "
                                 "that can be stored: %s; nothing was stored",
                                 label, name, rc != CORE_OK ? e.msg : "see the problems listed");
            size_t before = *n;
            if ((rc = take_new(ctx, a, arts, n, more, nmore, err)) != CORE_OK)
                return rc;
            if (!listed(*arts, *n, r))
                dsd_report_add(report, DSD_SEV_WARNING, "resolve-not-found", NULL,
                               "the answer of %s does not hold %s", name, label);
            for (size_t k = before; k < *n; k++)
                dsd_report_add(report, DSD_SEV_WARNING, "resolved", NULL,
                               "%s was fetched from %s", dsd_ref_label(a, &(*arts)[k].ref),
                               name);
        }
    }
    return CORE_OK;
}

/* ---- lenient: external stubs ---------------------------------------------------------------- */

core_rc
srv_stub_missing(srv_ctx_t *ctx, core_arena_t *a, dsd_artefact_t **arts, size_t *n,
                 dsd_report_t *report, core_err_t *err)
{
    core_vec_t missing = {0};
    core_rc rc = missing_refs(ctx, a, *arts, 0, *n, &missing, err);
    if (rc != CORE_OK || missing.len == 0)
        return rc;
    core_buf_t b;
    core_buf_init(&b);
    core_buf_adds(&b, "<mes:Structure xmlns:mes=\"http://www.sdmx.org/resources/sdmxml/schemas/"
                      "v2_1/message\" xmlns:str=\"http://www.sdmx.org/resources/sdmxml/schemas/"
                      "v2_1/structure\" xmlns:com=\"http://www.sdmx.org/resources/sdmxml/"
                      "schemas/v2_1/common\"><mes:Structures>");
    size_t stubs = 0;
    for (size_t i = 0; i < missing.len; i++) {
        const dsd_ref_t *r = missing.items[i];
        const dsd_kind_info_t *k = dsd_kind_info(r->kind);
        if (k == NULL || !path_safe(r->agency) || !path_safe(r->id) || !path_safe(r->version))
            continue; /* the reference check reports it */
        core_buf_printf(&b,
                        "<str:%s><str:%s id=\"%.*s\" agencyID=\"%.*s\" version=\"%.*s\" "
                        "isExternalReference=\"true\"><com:Name xml:lang=\"en\">%.*s (external, "
                        "not resolved)</com:Name></str:%s></str:%s>",
                        k->container, k->element, CORE_STR_FMT(r->id), CORE_STR_FMT(r->agency),
                        CORE_STR_FMT(r->version), CORE_STR_FMT(r->id), k->element, k->container);
        dsd_report_add(report, DSD_SEV_WARNING, "external-stub", NULL,
                       "%s is neither in this message nor in the store%s: stored as an external "
                       "stub (--lenient); what needs its content is not checked%s",
                       dsd_ref_label(a, r),
                       ctx->conf.resolve_from ? " nor at --resolve-from" : "",
                       r->kind == DSD_KIND_CODELIST ? " (its codes, in data)" : "");
        stubs++;
    }
    core_buf_adds(&b, "</mes:Structures></mes:Structure>");
    if (stubs > 0) {
        dsd_artefact_t *more;
        size_t nmore = 0;
        core_str_t xml = core_arena_str(a, (core_str_t){b.ptr, b.len});
        rc = sdmx_structure_read(a, xml.ptr, xml.len, "external stubs", &more, &nmore, report,
                                 err);
        if (rc == CORE_OK)
            rc = take_new(ctx, a, arts, n, more, nmore, err);
    }
    core_buf_dispose(&b);
    return rc;
}
