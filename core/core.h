/* core: arena, string slices, growable buffers, error codes, logging.
 * Under everything; depends on libc only. */
#ifndef SDMXD_CORE_H
#define SDMXD_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef UNIT_TESTING
#define CORE_STATIC
#else
#define CORE_STATIC static
#endif

#define CORE_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* ---- errors ------------------------------------------------------------ */

typedef enum core_rc {
    CORE_OK = 0,
    CORE_ENOTFOUND,  /* no result (SDMX 100) */
    CORE_ESYNTAX,    /* malformed query or message (SDMX 140) */
    CORE_ESEMANTIC,  /* well-formed but invalid (SDMX 150) */
    CORE_EAUTH,      /* no or bad credentials (SDMX 110) */
    CORE_EFORBIDDEN, /* authenticated but not allowed (403) */
    CORE_ENOTACCEPT, /* no acceptable representation (406) */
    CORE_ETOOBIG,    /* a size limit was passed (SDMX 130, 413) */
    CORE_ENOTIMPL,   /* not implemented (SDMX 501) */
    CORE_ECONFLICT,  /* would replace final content (409) */
    CORE_EUNAVAIL,   /* temporarily unavailable (SDMX 503) */
    CORE_ENOSPACE,   /* the store's disk or map is full; nothing was written (507) */
    CORE_EIO,        /* storage or system failure (SDMX 500) */
    CORE_EBUG        /* internal invariant broken (SDMX 500) */
} core_rc;

#define CORE_ERR_MSG_MAX 1024

typedef struct core_err {
    core_rc code;
    char msg[CORE_ERR_MSG_MAX];
} core_err_t;

/* Records code and message in err (when err is non-NULL and holds no error yet: the first
 * failure wins) and returns code. */
core_rc core_fail(core_err_t *err, core_rc code, const char *fmt, ...) CORE_PRINTF(3, 4);
void core_err_clear(core_err_t *err);
/* Short stable name of a code ("ENOTFOUND"), for logs and tests. */
const char *core_rc_name(core_rc rc);

/* ---- string slices ----------------------------------------------------- */

typedef struct core_str {
    const char *ptr;
    size_t len;
} core_str_t;

#define CORE_STR(lit) ((core_str_t){(lit), sizeof(lit) - 1})
#define CORE_STR_NULL ((core_str_t){NULL, 0})
#define CORE_STR_FMT(s) (int)(s).len, (s).ptr

core_str_t core_str_c(const char *cstr);
int core_str_eq(core_str_t a, core_str_t b);
int core_str_eq_c(core_str_t a, const char *cstr);
int core_str_ieq_c(core_str_t a, const char *cstr);
int core_str_cmp(core_str_t a, core_str_t b);
int core_str_starts(core_str_t s, const char *prefix);
core_str_t core_str_trim(core_str_t s);
/* Splits s at the first sep: *head gets what precedes it, the return value what follows.
 * Without sep, *head is s and the result has ptr NULL. */
core_str_t core_str_split(core_str_t s, char sep, core_str_t *head);
/* Parses a non-negative decimal integer; CORE_ESYNTAX on anything else or overflow. */
core_rc core_parse_u64(core_str_t s, uint64_t *out, core_err_t *err);
/* Decodes %XX and (when plus_is_space) '+'; the result lives in a. */
struct core_arena;
core_str_t core_str_urldecode(struct core_arena *a, core_str_t s, int plus_is_space);

/* ---- arena -------------------------------------------------------------- */

typedef struct core_arena core_arena_t;

core_arena_t *core_arena_new(void);
/* Runs the deferred cleanups (last registered first), then frees every block. */
void core_arena_free(core_arena_t *a);
/* Aborts the process when memory is exhausted, as h2o's pool does. */
void *core_arena_alloc(core_arena_t *a, size_t size);
void *core_arena_zalloc(core_arena_t *a, size_t size);
char *core_arena_strndup(core_arena_t *a, const char *s, size_t len);
core_str_t core_arena_str(core_arena_t *a, core_str_t s);
char *core_arena_printf(core_arena_t *a, const char *fmt, ...) CORE_PRINTF(2, 3);
/* Registers fn(arg) to run when the arena is freed. */
void core_arena_defer(core_arena_t *a, void (*fn)(void *), void *arg);
size_t core_arena_used(const core_arena_t *a);
/* Makes room for one more element in the arena array *items of len elements of elem bytes
 * with capacity *cap (doubling it, the old copy left to the arena); returns *items. */
void *core_arena_grow(core_arena_t *a, void **items, size_t len, size_t *cap, size_t elem);

/* ---- growable buffers ---------------------------------------------------- */

typedef struct core_buf {
    char *ptr;
    size_t len;
    size_t cap;
} core_buf_t;

void core_buf_init(core_buf_t *b);
void core_buf_dispose(core_buf_t *b);
void core_buf_reset(core_buf_t *b);
void core_buf_reserve(core_buf_t *b, size_t extra);
void core_buf_add(core_buf_t *b, const void *data, size_t len);
void core_buf_adds(core_buf_t *b, const char *cstr);
void core_buf_addstr(core_buf_t *b, core_str_t s);
void core_buf_addc(core_buf_t *b, char c);
void core_buf_printf(core_buf_t *b, const char *fmt, ...) CORE_PRINTF(2, 3);
void core_buf_vprintf(core_buf_t *b, const char *fmt, va_list ap);
/* Appends s escaped for XML text and double-quoted attribute values (& < > "). */
void core_buf_add_xml(core_buf_t *b, const char *s, size_t len);
/* Returns the content NUL-terminated (the NUL is not counted in len). */
const char *core_buf_cstr(core_buf_t *b);
/* Hands the storage to the caller (free() it); the buffer is left empty. */
char *core_buf_take(core_buf_t *b, size_t *len);

/* ---- small vectors of pointers (heap or arena-free) ------------------------ */

typedef struct core_vec {
    void **items;
    size_t len;
    size_t cap;
} core_vec_t;

void core_vec_push(core_arena_t *a, core_vec_t *v, void *item);

/* ---- logging -------------------------------------------------------------- */

typedef enum core_log_level { CORE_LOG_DEBUG, CORE_LOG_INFO, CORE_LOG_WARN, CORE_LOG_ERROR } core_log_level;
void core_log_set_level(core_log_level min);
void core_log(core_log_level level, const char *fmt, ...) CORE_PRINTF(2, 3);

/* ---- time ------------------------------------------------------------------- */

/* Formats t (seconds since the epoch, UTC) as "2024-01-31T12:00:00Z" / an HTTP date. */
void core_time_iso(int64_t t, char out[32]);
void core_time_http(int64_t t, char out[40]);
/* Parses an HTTP date (RFC 7231 IMF-fixdate) or, leniently, an ISO 8601 timestamp. */
core_rc core_time_parse(core_str_t s, int64_t *out, core_err_t *err);

#endif
