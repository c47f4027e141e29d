#include <config.h>
#include "srv.h"

#include <getopt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

/* Tokens: 32 random bytes shown once as hex; the store keeps only their SHA-256, so a copy of
 * the store gives no write access. The hash is the lookup key; the comparison that follows
 * is constant-time all the same. */

void
srv_token_hash(core_str_t token, unsigned char out[STORE_TOKEN_HASH])
{
    unsigned int n = 0;
    EVP_Digest(token.ptr, token.len, out, &n, EVP_sha256(), NULL);
}

static int
token_new(char out[65])
{
    unsigned char raw[32];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return -1;
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    return 0;
}

core_rc
srv_principal_parse(core_str_t s, srv_principal_t *out, core_err_t *err)
{
    memset(out, 0, sizeof *out);
    core_str_t kind, rest = core_str_split(s, ' ', &kind);
    if (rest.ptr != NULL && core_str_eq_c(kind, "agency") && rest.len > 0) {
        out->agency = rest;
        return CORE_OK;
    }
    if (rest.ptr != NULL && core_str_eq_c(kind, "provider")) {
        /* AGENCY:SCHEME(VERSION).PROVIDER: the provider is after the last '.' */
        const char *dot = NULL;
        for (size_t i = 0; i < rest.len; i++)
            if (rest.ptr[i] == '.' && i > 0 && rest.ptr[i - 1] == ')')
                dot = rest.ptr + i;
        if (dot != NULL &&
            dsd_ref_parse_short((core_str_t){rest.ptr, (size_t)(dot - rest.ptr)},
                                DSD_KIND_DATAPROVIDERSCHEME, &out->scheme) &&
            dot + 1 < rest.ptr + rest.len) {
            out->is_provider = 1;
            out->provider = (core_str_t){dot + 1, (size_t)(rest.ptr + rest.len - dot - 1)};
            out->agency = out->scheme.agency;
            return CORE_OK;
        }
    }
    return core_fail(err, CORE_ESYNTAX,
                     "'%.*s' is neither AGENCY:SCHEME(VERSION).PROVIDER nor an agency id",
                     CORE_STR_FMT(s));
}

core_rc
srv_authenticate(store_view_t *v, core_str_t authorization, core_str_t *principal, core_err_t *err)
{
    if (authorization.len == 0)
        return core_fail(err, CORE_EAUTH,
                         "writes need a token: send the header Authorization: Bearer TOKEN "
                         "(tokens come from 'sdmxd token add')");
    core_str_t scheme, token = core_str_split(core_str_trim(authorization), ' ', &scheme);
    if (token.ptr == NULL || !core_str_ieq_c(scheme, "Bearer"))
        return core_fail(err, CORE_EAUTH, "only Bearer tokens are accepted");
    token = core_str_trim(token);
    unsigned char h[STORE_TOKEN_HASH], again[STORE_TOKEN_HASH];
    srv_token_hash(token, h);
    core_rc rc = store_token_get(v, h, principal, err);
    if (rc != CORE_OK)
        return rc;
    srv_token_hash(token, again);
    return CRYPTO_memcmp(h, again, sizeof h) == 0
               ? CORE_OK
               : core_fail(err, CORE_EAUTH, "the token is not known (or was revoked)");
}

/* ---- sdmxd token add|revoke ------------------------------------------------------------- */

static const char usage_token[] =
    "usage: sdmxd token add --db DIR (--provider AGENCY:SCHEME(VERSION).ID | --agency ID)\n"
    "       sdmxd token revoke --db DIR (TOKEN | --provider ... | --agency ID)\n"
    "\n"
    "add prints a new write token once; the store keeps only its hash. A provider token\n"
    "writes the data of dataflows a provision agreement links the provider to; an agency\n"
    "token writes structures maintained by the agency. revoke removes one token, or every\n"
    "token of a provider or agency.\n";

static int
token_add(srv_ctx_t *ctx, core_str_t principal)
{
    core_arena_t *a = core_arena_new();
    core_err_t err = {0};
    srv_principal_t p;
    store_view_t *v;
    int rc = 1;
    if (srv_principal_parse(principal, &p, &err) != CORE_OK ||
        store_view_begin(ctx->reg, a, &v, &err) != CORE_OK) {
        fprintf(stderr, "sdmxd: %s\n", err.msg);
        goto out;
    }
    if (p.is_provider && !reg_provider_exists(v, a, &p.scheme, p.provider)) {
        fprintf(stderr, "sdmxd: %s has no data provider %.*s; load it first\n",
                dsd_ref_label(a, &p.scheme), CORE_STR_FMT(p.provider));
        goto out;
    }
    char token[65];
    unsigned char h[STORE_TOKEN_HASH];
    if (token_new(token) != 0) {
        fprintf(stderr, "sdmxd: no randomness for a token\n");
        goto out;
    }
    srv_token_hash(core_str_c(token), h);
    if (store_token_put(ctx->reg, h, principal, &err) != CORE_OK) {
        fprintf(stderr, "sdmxd: %s\n", err.msg);
        goto out;
    }
    printf("%s\n", token);
    fprintf(stderr, "sdmxd: token for %.*s (shown once; keep it secret)\n",
            CORE_STR_FMT(principal));
    rc = 0;
out:
    core_arena_free(a);
    return rc;
}

static int
token_revoke(srv_ctx_t *ctx, const char *token, core_str_t principal)
{
    unsigned char h[STORE_TOKEN_HASH];
    core_err_t err = {0};
    size_t n;
    if (token != NULL)
        srv_token_hash(core_str_c(token), h);
    if (store_token_revoke(ctx->reg, token ? h : NULL, principal, &n, &err) != CORE_OK) {
        fprintf(stderr, "sdmxd: %s\n", err.msg);
        return 1;
    }
    fprintf(stderr, "sdmxd: %zu token(s) revoked\n", n);
    return n > 0 ? 0 : 1;
}

int
srv_token_cli(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"provider", required_argument, NULL, 'p'},
        {"agency", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *provider = NULL, *agency = NULL;
    int c;
    optind = 1;
    if (argc < 2 || (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "revoke") != 0)) {
        fputs(usage_token, argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
        return argc >= 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
    }
    int add = strcmp(argv[1], "add") == 0;
    while ((c = getopt_long(argc - 1, argv + 1, "d:p:a:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'p': provider = optarg; break;
        case 'a': agency = optarg; break;
        case 'h': fputs(usage_token, stdout); return 0;
        default: fputs(usage_token, stderr); return 2;
        }
    }
    const char *token = optind < argc - 1 ? argv[1 + optind] : NULL;
    if (db == NULL || (provider != NULL) + (agency != NULL) + (!add && token != NULL) != 1) {
        fputs(usage_token, stderr);
        return 2;
    }
    char principal[512];
    if (provider || agency)
        snprintf(principal, sizeof principal, "%s %s", provider ? "provider" : "agency",
                 provider ? provider : agency);
    srv_ctx_t ctx = {.conf = {.db = db}};
    core_err_t err = {0};
    if (store_open(db, 0, &ctx.reg, &err) != CORE_OK) {
        fprintf(stderr, "sdmxd: %s\n", err.msg);
        return 2;
    }
    int rc = add ? token_add(&ctx, core_str_c(principal))
                 : token_revoke(&ctx, token, token ? CORE_STR_NULL : core_str_c(principal));
    store_close(ctx.reg);
    return rc;
}
