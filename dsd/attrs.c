#include <config.h>
#include "dsd.h"

/* Attribute blobs: (id length: 1 byte, id, value length: 2 bytes big-endian, value)...,
 * the form the registry stores attribute values in and the data writers read them in. */

void
dsd_attrs_add(core_buf_t *b, core_str_t id, core_str_t value)
{
    unsigned char n = (unsigned char)(id.len > 255 ? 255 : id.len);
    core_buf_addc(b, (char)n);
    core_buf_add(b, id.ptr, n);
    size_t vl = value.len > 65535 ? 65535 : value.len;
    core_buf_addc(b, (char)(vl >> 8));
    core_buf_addc(b, (char)vl);
    core_buf_add(b, value.ptr, vl);
}

int
dsd_attrs_next(core_str_t *blob, dsd_kv_t *kv)
{
    const unsigned char *p = (const unsigned char *)blob->ptr;
    if (blob->len < 3)
        return 0;
    size_t il = p[0];
    if (blob->len < 1 + il + 2)
        return 0;
    size_t vl = (size_t)p[1 + il] << 8 | p[2 + il];
    if (blob->len < 3 + il + vl)
        return 0;
    kv->id = (core_str_t){(const char *)p + 1, il};
    kv->value = (core_str_t){(const char *)p + 3 + il, vl};
    blob->ptr += 3 + il + vl;
    blob->len -= 3 + il + vl;
    return 1;
}

int
dsd_attrs_has(core_str_t blob, core_str_t id)
{
    dsd_kv_t kv;
    while (dsd_attrs_next(&blob, &kv))
        if (core_str_eq(kv.id, id))
            return 1;
    return 0;
}
