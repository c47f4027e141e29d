/* dsd/model_shape: the shapes of dsd/model.h's structs, one description that the encoding
 * (model_encode.c) and the comparison (model_diff.c) both walk, so that a field added to a
 * struct is added once. Internal to dsd/. */
#ifndef SDMXD_DSD_MODEL_SHAPE_H
#define SDMXD_DSD_MODEL_SHAPE_H

#include <stddef.h>

#include "dsd/model.h"

typedef enum dsd__ftype {
    DSD__F_STR,  /* a core_str_t */
    DSD__F_INT,  /* an int */
    DSD__F_DREF, /* a dsd_ref_t */
    DSD__F_OBJ,  /* a struct of shape sub */
    DSD__F_ARR,  /* a list of structs of shape sub */
    DSD__F_STRS  /* a list of core_str_t */
} dsd__ftype;

typedef struct dsd__shape dsd__shape_t;

typedef struct dsd__field {
    dsd__ftype type;
    size_t off;               /* of the value (ARR, STRS: of the pointer) */
    size_t off_n;             /* ARR, STRS: of the count */
    const dsd__shape_t *sub;  /* OBJ, ARR: the element's shape */
    const char *name;         /* the struct member's name, for messages */
} dsd__field_t;

struct dsd__shape {
    size_t size;
    const dsd__field_t *fields;
    size_t nfields;
};

/* What every maintainable has (ref, common parts, flags). */
const dsd__shape_t *dsd__model_head_shape(void);
/* The body kind has, and its offset in dsd_model_t; NULL when it has none. */
const dsd__shape_t *dsd__model_body_shape(dsd_kind kind, size_t *off);

#endif
