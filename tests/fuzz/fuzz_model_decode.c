/* Fuzzes the decoder of the stored model encoding (dsd/model_encode.c): it reads what a store
 * holds. Invariants: a model or CORE_ESYNTAX with a message; a decoded model encodes to bytes
 * that decode again, and encode to the same bytes once more (the encoding is a fixed point
 * after one round). */
#include <config.h>
#include "dsd/model.h"

#include <assert.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    core_arena_t *a = core_arena_new();
    core_err_t err = {0};
    dsd_model_t *m = NULL;
    core_rc rc = dsd_model_decode(a, data, size, &m, &err);
    if (rc != CORE_OK) {
        assert(rc == CORE_ESYNTAX && err.code == rc && err.msg[0] != '\0');
        core_arena_free(a);
        return 0;
    }
    core_buf_t b1, b2;
    core_buf_init(&b1);
    core_buf_init(&b2);
    dsd_model_encode(m, &b1);
    assert(b1.len <= size); /* canonical varints are never longer */
    dsd_model_t *m2 = NULL;
    assert(dsd_model_decode(a, b1.ptr, b1.len, &m2, NULL) == CORE_OK);
    assert(dsd_ref_eq(&m->ref, &m2->ref));
    dsd_model_encode(m2, &b2);
    assert(b1.len == b2.len && memcmp(b1.ptr, b2.ptr, b1.len) == 0);
    core_buf_dispose(&b1);
    core_buf_dispose(&b2);
    core_arena_free(a);
    return 0;
}
