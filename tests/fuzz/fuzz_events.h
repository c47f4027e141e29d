/* What the data reader targets share: an events sink over a small hand-built DSD (the demo's
 * migrant stock: REF_AREA, COUNTERPART_AREA, SEX, AGE, TIME_PERIOD, OBS_VALUE, three
 * attributes) that checks the reader's contract on every event. Invariants: data sets open
 * and close in pairs, series and observations come inside one, every slice handed out is
 * readable (each byte is touched, so that the sanitizer sees a slice into freed memory) and
 * no longer than the message, counts stay within the readers' limits; a failing read has a
 * message and the code it returned. Included by one target each: everything is static. */
#ifndef SDMXD_FUZZ_EVENTS_H
#define SDMXD_FUZZ_EVENTS_H

#include <config.h>
#include "sdmx/sdmx.h"

#include <assert.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_sink {
    size_t size;    /* of the message: no slice is longer */
    int in_dataset; /* between dataset and dataset_end */
    int resolved;   /* resolve was called */
    unsigned sum;   /* of every byte seen, so that reading them cannot be optimised out */
    size_t events;
};

static dsd_component_t fuzz_dims[] = {
    {.id = "REF_AREA", .codelist = {.kind = DSD_KIND_CODELIST}},
    {.id = "COUNTERPART_AREA", .codelist = {.kind = DSD_KIND_CODELIST}},
    {.id = "SEX", .codelist = {.kind = DSD_KIND_CODELIST}},
    {.id = "AGE", .codelist = {.kind = DSD_KIND_CODELIST}},
};
static dsd_component_t fuzz_attrs[] = {
    {.id = "UNIT_MEASURE", .attach = DSD_ATTACH_SERIES, .codelist = {.kind = DSD_KIND_CODELIST}},
    {.id = "UNIT_MULT", .attach = DSD_ATTACH_SERIES},
    {.id = "OBS_STATUS", .attach = DSD_ATTACH_OBS, .codelist = {.kind = DSD_KIND_CODELIST}},
};
static const dsd_structure_t fuzz_dsd = {
    .dsd = {DSD_KIND_DATASTRUCTURE, CORE_STR("SDMXD"), CORE_STR("DSD_MIGRANT_STOCK"),
            CORE_STR("1.0")},
    .dims = fuzz_dims,
    .ndims = sizeof fuzz_dims / sizeof fuzz_dims[0],
    .time = {.id = "TIME_PERIOD"},
    .measure = {.id = "OBS_VALUE"},
    .attrs = fuzz_attrs,
    .nattrs = sizeof fuzz_attrs / sizeof fuzz_attrs[0],
};

static void
fuzz_touch(struct fuzz_sink *s, core_str_t v)
{
    assert(v.len <= s->size || v.ptr == NULL);
    assert(v.ptr != NULL || v.len == 0);
    for (size_t i = 0; i < v.len; i++)
        s->sum += (unsigned char)v.ptr[i];
}

static void
fuzz_touch_kvs(struct fuzz_sink *s, const dsd_kv_t *kv, size_t n)
{
    assert(n <= 3 * 256);
    for (size_t i = 0; i < n; i++) {
        /* ids and values are never slices to nothing (a consumer copies them) */
        assert(kv[i].id.ptr != NULL && kv[i].value.ptr != NULL);
        fuzz_touch(s, kv[i].id);
        fuzz_touch(s, kv[i].value);
    }
}

static core_rc
fuzz_resolve(void *ctx, const dsd_ref_t *structure, const dsd_structure_t **out, core_err_t *err)
{
    struct fuzz_sink *s = ctx;
    fuzz_touch(s, structure->agency);
    fuzz_touch(s, structure->id);
    fuzz_touch(s, structure->version);
    s->resolved = 1;
    if (structure->id.len > 0 && structure->id.ptr[0] == '!')
        return core_fail(err, CORE_ENOTFOUND, "no structure %.*s", CORE_STR_FMT(structure->id));
    *out = &fuzz_dsd;
    return CORE_OK;
}

static core_rc
fuzz_dataset(void *ctx, dsd_action action, const dsd_ref_t *structure, const dsd_kv_t *attrs,
             size_t nattrs, core_err_t *err)
{
    struct fuzz_sink *s = ctx;
    (void)err;
    assert(!s->in_dataset && s->resolved);
    assert(action == DSD_ACTION_APPEND || action == DSD_ACTION_REPLACE ||
           action == DSD_ACTION_DELETE);
    fuzz_touch(s, structure->id);
    fuzz_touch_kvs(s, attrs, nattrs);
    s->in_dataset = 1;
    s->events++;
    return CORE_OK;
}

static core_rc
fuzz_series(void *ctx, const dsd_kv_t *key, size_t nkey, const dsd_kv_t *attrs, size_t nattrs,
            long line, core_err_t *err)
{
    struct fuzz_sink *s = ctx;
    (void)err;
    assert(s->in_dataset && line >= 0);
    fuzz_touch_kvs(s, key, nkey);
    fuzz_touch_kvs(s, attrs, nattrs);
    s->events++;
    return CORE_OK;
}

static core_rc
fuzz_obs(void *ctx, const dsd_kv_t *key, size_t nkey, core_str_t period, core_str_t value,
         const dsd_kv_t *attrs, size_t nattrs, long line, core_err_t *err)
{
    struct fuzz_sink *s = ctx;
    assert(s->in_dataset && line >= 0);
    fuzz_touch_kvs(s, key, nkey);
    fuzz_touch(s, period);
    fuzz_touch(s, value);
    fuzz_touch_kvs(s, attrs, nattrs);
    /* a sink may refuse: the reader must stop cleanly */
    if (++s->events > 5000)
        return core_fail(err, CORE_ETOOBIG, "more than 5000 events");
    return CORE_OK;
}

static core_rc
fuzz_dataset_end(void *ctx, core_err_t *err)
{
    struct fuzz_sink *s = ctx;
    (void)err;
    assert(s->in_dataset);
    s->in_dataset = 0;
    return CORE_OK;
}

static void
fuzz_consumed(void *ctx, size_t offset)
{
    struct fuzz_sink *s = ctx;
    assert(offset <= s->size);
}

typedef core_rc (*fuzz_reader_fn)(core_arena_t *a, const char *data, size_t len, const char *name,
                                  const dsd_events_t *ev, core_err_t *err);

/* Runs read over data[size] with the checking sink. */
static int
fuzz_read(fuzz_reader_fn read, const uint8_t *data, size_t size)
{
    core_arena_t *a = core_arena_new();
    struct fuzz_sink s = {.size = size};
    dsd_events_t ev = {&s,       fuzz_resolve,     fuzz_dataset, fuzz_series,
                       fuzz_obs, fuzz_dataset_end, fuzz_consumed};
    core_err_t err = {0};
    core_rc rc = read(a, (const char *)data, size, "fuzz", &ev, &err);
    if (rc == CORE_OK) {
        assert(err.code == CORE_OK);
        assert(!s.in_dataset);
    } else {
        assert(err.code == rc && err.msg[0] != '\0');
    }
    core_arena_free(a);
    return 0;
}

#endif
