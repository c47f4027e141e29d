#include <config.h>
#include "srv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct mapping {
    void *addr;
    size_t len;
};

static void
unmap(void *arg)
{
    struct mapping *m = arg;
    munmap(m->addr, m->len);
}

/* The file is mapped, not read: its pages are the kernel's to drop again, so a large
 * message costs the loader little resident memory beyond what it is working on. */
core_rc
srv_read_file(core_arena_t *a, const char *path, size_t max, core_str_t *out, core_err_t *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return core_fail(err, CORE_EIO, "%s: %s", path, strerror(errno));
    struct stat st;
    core_rc rc = CORE_OK;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = core_fail(err, CORE_EIO, "%s: not a regular file", path);
        goto out;
    }
    if ((size_t)st.st_size > max) {
        rc = core_fail(err, CORE_ETOOBIG, "%s: %lld bytes, more than the limit of %zu", path,
                       (long long)st.st_size, max);
        goto out;
    }
    if (st.st_size == 0) {
        *out = (core_str_t){"", 0};
        goto out;
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        rc = core_fail(err, CORE_EIO, "%s: %s", path, strerror(errno));
        goto out;
    }
    madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
    struct mapping *m = core_arena_alloc(a, sizeof *m);
    m->addr = p;
    m->len = (size_t)st.st_size;
    core_arena_defer(a, unmap, m);
    *out = (core_str_t){p, m->len};
out:
    close(fd);
    return rc;
}

/* The item schemes a load merges with the stored ones rather than replaces them with: a
 * partial scheme (isPartial), whose items are added to or replace those of a stored
 * non-final one; and an agency scheme, whose stored agencies stay, so that loading another
 * sender's SDMX:AGENCIES never takes the maintainer away from artefacts already stored. A
 * final stored scheme is not merged: the store compares what is sent with it (a partial
 * one as the subset it is) and refuses a change. */
static core_rc
merge_schemes(store_view_t *v, core_arena_t *a, dsd_artefact_t *arts, size_t n,
              dsd_report_t *report, core_err_t *err)
{
    for (size_t i = 0; i < n; i++) {
        dsd_artefact_t *art = &arts[i];
        const dsd_kind_info_t *k = dsd_kind_info(art->ref.kind);
        if (art->model == NULL || art->is_stub || k == NULL || k->item == NULL)
            continue;
        int partial = art->model->scheme.is_partial;
        if (!partial && art->ref.kind != DSD_KIND_AGENCYSCHEME)
            continue;
        store_artefact_t stored;
        core_err_t missing = {0};
        core_rc rc = store_artefact_get(v, &art->ref, &stored, &missing);
        if (rc == CORE_ENOTFOUND)
            continue;
        if (rc != CORE_OK)
            return core_fail(err, rc, "%s", missing.msg);
        if (stored.is_stub || stored.is_final)
            continue;
        const dsd_model_t *was;
        if ((rc = store_artefact_model(v, &stored, &was, err)) != CORE_OK)
            return rc;
        dsd_artefact_t merged;
        rc = sdmx_scheme_merge(a, art, stored.xml, partial ? SDMX_MERGE_PARTIAL : SDMX_MERGE_UNION,
                               partial && was->scheme.is_partial, &merged, report, err);
        if (rc != CORE_OK)
            return rc;
        *art = merged;
    }
    return CORE_OK;
}

core_rc
srv_store_structures(srv_ctx_t *ctx, core_arena_t *a, core_str_t body, const char *name,
                     core_str_t agency, dsd_artefact_t **arts, size_t *n,
                     store_put_status **status, dsd_report_t *report, core_err_t *err)
{
    *n = 0;
    *status = NULL;
    core_rc rc = sdmx_structure_read(a, body.ptr, body.len, name, arts, n, report, err);
    if (rc != CORE_OK)
        return rc;
    if (*n == 0)
        return core_fail(err, CORE_ESEMANTIC, "%s: the message holds no structure", name);
    for (size_t i = 0; i < *n; i++)
        (*arts)[i].keep_stored = ctx->conf.keep_final;
    for (size_t i = 0; agency.ptr != NULL && i < *n; i++)
        if (!core_str_eq((*arts)[i].ref.agency, agency))
            dsd_report_add(report, DSD_SEV_ERROR, "not-maintainer", NULL,
                           "%s is maintained by %.*s; the token of agency %.*s cannot write it",
                           dsd_ref_label(a, &(*arts)[i].ref), CORE_STR_FMT((*arts)[i].ref.agency),
                           CORE_STR_FMT(agency));
    /* what the message references and the store lacks: fetched, or stubbed (not for a token
     * the message is refused anyway) */
    if (ctx->conf.resolve_from != NULL && report->nerrors == 0 &&
        (rc = srv_resolve_missing(ctx, a, arts, n, report, err)) != CORE_OK)
        return rc;
    if (ctx->conf.lenient && report->nerrors == 0 &&
        (rc = srv_stub_missing(ctx, a, arts, n, report, err)) != CORE_OK)
        return rc;
    *status = core_arena_zalloc(a, (*n + 1) * sizeof **status);
    /* Agreements and constraints for another agency's artefacts: refused for a token, only
     * noted for the operator (they are stored, and count for nothing). The read view lives
     * in its own arena so that it ends before the write begins; the readers of the rules
     * check them again, so a change in between opens nothing. */
    core_arena_t *va = core_arena_new();
    store_view_t *v;
    rc = store_view_begin(ctx->reg, va, &v, err);
    if (rc == CORE_OK)
        rc = merge_schemes(v, a, *arts, *n, report, err);
    if (rc == CORE_OK)
        reg_rules_check(v, va, *arts, *n, agency.ptr != NULL ? DSD_SEV_ERROR : DSD_SEV_WARNING,
                         report);
    core_arena_free(va);
    if (rc != CORE_OK)
        return rc;
    if (report->nerrors > 0)
        return core_fail(err, CORE_EFORBIDDEN,
                         "the token of agency %.*s cannot write this message (%zu problem(s)); "
                         "nothing was stored",
                         CORE_STR_FMT(agency), report->nerrors);
    return store_structures_put(ctx->reg, *arts, *n, *status, report, err);
}

static void
print_report(const char *file, const core_err_t *err, const dsd_report_t *report)
{
    /* a full disk is not the file's fault: it was not stored, and may be loaded again */
    fprintf(stderr, "%s: %s: %s\n", file, err->code == CORE_ENOSPACE ? "not stored" : "rejected",
            err->msg);
    for (size_t i = 0; i < report->len; i++)
        fprintf(stderr, "  - %s\n", report->items[i].message);
    if (report->dropped)
        fprintf(stderr, "  ... and %zu more\n", report->dropped);
}

/* --provider: a provider of a stored scheme, so that a typo is not recorded as a provider */
static core_rc
load_provider(srv_ctx_t *ctx, core_arena_t *a, const char *arg, srv_principal_t *out,
              core_err_t *err)
{
    core_str_t s = core_str_c(core_arena_printf(a, "provider %s", arg));
    core_err_t ignored = {0};
    if (srv_principal_parse(s, out, &ignored) != CORE_OK)
        return core_fail(err, CORE_ESYNTAX, "--provider takes AGENCY:SCHEME(VERSION).ID, not '%s'",
                         arg);
    store_view_t *v;
    core_rc rc = store_view_begin(ctx->reg, a, &v, err);
    if (rc != CORE_OK)
        return rc;
    if (!reg_provider_exists(v, a, &out->scheme, out->provider))
        return core_fail(err, CORE_ENOTFOUND, "--provider: %s has no data provider %.*s",
                         dsd_ref_label(a, &out->scheme), CORE_STR_FMT(out->provider));
    return CORE_OK;
}

void
srv_drop_read_pages(void *arg, size_t offset)
{
    srv_read_pages_t *rp = arg;
    if (offset > rp->len) /* never past the mapping, whatever a reader says */
        offset = rp->len;
    size_t page = (size_t)sysconf(_SC_PAGESIZE), end = offset / page * page;
    if (end < rp->dropped + ((size_t)8 << 20))
        return;
    madvise((void *)(rp->base + rp->dropped), end - rp->dropped, MADV_DONTNEED);
    rp->dropped = end;
}

static core_rc
load_data(srv_ctx_t *ctx, core_arena_t *a, core_str_t body, const char *file,
          dsd_report_t *report, core_err_t *err)
{
    dsd_ref_t flow, *flowp = NULL;
    if (ctx->conf.dataflow != NULL) {
        if (!dsd_ref_parse_short(core_str_c(ctx->conf.dataflow), DSD_KIND_DATAFLOW, &flow))
            return core_fail(err, CORE_ESYNTAX, "--dataflow takes AGENCY:ID(VERSION), not '%s'",
                             ctx->conf.dataflow);
        flowp = &flow;
    }
    sdmx_load_stats_t st;
    sdmx_load_opts_t opts = {.flow = flowp, .dry_run = ctx->conf.validate_only};
    srv_read_pages_t rp = {body.ptr, body.len, 0};
    if (body.len > 0) { /* srv_read_file mapped it */
        opts.consumed = srv_drop_read_pages;
        opts.consumed_arg = &rp;
    }
    srv_principal_t provider;
    if (ctx->conf.provider != NULL) {
        core_rc rc = load_provider(ctx, a, ctx->conf.provider, &provider, err);
        if (rc != CORE_OK)
            return rc;
        opts.provider_scheme = &provider.scheme;
        opts.provider = provider.provider;
    }
    core_rc rc = sdmx_data_load(ctx->reg, a, body, file, &opts, &st, report, err);
    if (rc == CORE_OK)
        printf("%s: %s%llu observations %s %s (%llu new, %llu updated, %llu deleted)\n", file,
               opts.dry_run ? "valid: " : "", (unsigned long long)st.obs_read,
               opts.dry_run ? "for" : "into", dsd_ref_label(a, &st.flow),
               (unsigned long long)st.obs_added, (unsigned long long)st.obs_updated,
               (unsigned long long)st.obs_deleted);
    return rc;
}

static int
load_one(srv_ctx_t *ctx, const char *file)
{
    core_arena_t *a = core_arena_new();
    core_err_t err = {0};
    dsd_report_t report;
    dsd_report_init(&report, a, 1000);
    core_str_t body;
    dsd_artefact_t *arts;
    size_t n = 0;
    store_put_status *status;
    core_rc rc = srv_read_file(a, file, (size_t)4 << 30, &body, &err);
    const char *kind = rc == CORE_OK ? sdmx_message_kind(body.ptr, body.len) : NULL;
    /* SDMX-JSON and SDMX-CSV are data only: anything that is not XML goes to the data
     * readers, which tell JSON from CSV by the first byte */
    size_t at = rc == CORE_OK && body.len >= 3 && memcmp(body.ptr, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (rc == CORE_OK && at < body.len &&
           (body.ptr[at] == ' ' || body.ptr[at] == '\t' || body.ptr[at] == '\r' ||
            body.ptr[at] == '\n'))
        at++;
    int not_xml = rc == CORE_OK && (at == body.len || body.ptr[at] != '<');
    int is_data = not_xml || (kind != NULL && strcmp(kind, "Structure") != 0);
    if (rc == CORE_OK && is_data)
        rc = load_data(ctx, a, body, file, &report, &err);
    else if (rc == CORE_OK && ctx->conf.validate_only)
        rc = core_fail(&err, CORE_ENOTIMPL, "%s: validate checks data messages; structures are "
                       "checked by load", file);
    else if (rc == CORE_OK)
        rc = srv_store_structures(ctx, a, body, file, CORE_STR_NULL, &arts, &n, &status, &report,
                                  &err);
    if (rc != CORE_OK)
        print_report(file, &err, &report);
    for (size_t i = 0; rc == CORE_OK && i < report.len; i++)
        if (report.items[i].severity == DSD_SEV_WARNING)
            fprintf(stderr, "%s: note: %s\n", file, report.items[i].message);
    if (rc == CORE_OK && !is_data) {
        size_t created = 0, replaced = 0;
        for (size_t i = 0; i < n; i++) {
            created += status[i] == STORE_PUT_CREATED;
            replaced += status[i] == STORE_PUT_REPLACED;
        }
        printf("%s: %zu artefacts (%zu new, %zu replaced, %zu unchanged)\n", file, n, created,
               replaced, n - created - replaced);
    }
    core_arena_free(a);
    return rc == CORE_OK ? 0 : 1;
}

int
srv_load_files(const srv_conf_t *conf, char **files, int nfiles)
{
    srv_ctx_t ctx = {.conf = *conf};
    core_err_t err = {0};
    if (store_open(conf->db, 0, &ctx.reg, &err) != CORE_OK) {
        fprintf(stderr, "sdmxd: %s\n", err.msg);
        return 2;
    }
    int failed = 0;
    for (int i = 0; i < nfiles; i++)
        failed += load_one(&ctx, files[i]);
    store_close(ctx.reg);
    return failed ? 1 : 0;
}
