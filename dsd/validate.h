/* dsd_valid: the checks of a data message against its compiled DSD, pure. It is given the
 * structure, the codes of its codelists, the Allowed content constraints and a callback for
 * what is already stored; it is told the events of a reader (data set, series, observation),
 * reports every problem into a dsd_report_t, and says for each event what the writer may
 * store: the key in DSD order, the period's key, the attributes at the level they belong to.
 * It writes nothing itself. */
#ifndef SDMXD_DSD_VALIDATE_H
#define SDMXD_DSD_VALIDATE_H

#include "dsd/dsd.h"

/* The codes of a codelist, sorted (strcmp); n SIZE_MAX when they are not known (a stub):
 * any code passes. */
typedef struct dsd_codeset {
    const char *const *ids;
    size_t n;
} dsd_codeset_t;

/* What is stored already: an update need not repeat the mandatory attributes stored. */
typedef struct dsd_valid_store {
    void *ctx;
    /* Calls each(arg, id) for every attribute stored for the series codes (period NULL) or
     * for its observation at period (a dsd_period_key); NULL: nothing is stored. */
    void (*stored_attrs)(void *ctx, const core_str_t *codes, const unsigned char *period,
                         void (*each)(void *arg, core_str_t id), void *arg);
} dsd_valid_store_t;

typedef struct dsd_valid_input {
    const char *name;                    /* the message, for places in reports */
    const dsd_structure_t *structure;    /* outlives the validator */
    const dsd_codeset_t *dim_codes;      /* per dimension; NULL or n SIZE_MAX: not checked */
    const dsd_codeset_t *attr_codes;     /* per attribute; the same */
    const dsd_constraint_t *constraints; /* all must allow a series */
    size_t nconstraints;
    int constrain_deletes; /* a deleted series too (an upload: within its rights) */
    /* SDMX 2.1 explicit measures: each measure's type (in the DSD's schema) stands for the
     * attributes of the measure dimension alone, which the message may then leave out */
    int explicit_measures;
    dsd_valid_store_t store;
} dsd_valid_input_t;

/* What the writer may store for one event, valid until the next call. */
typedef struct dsd_valid_row {
    int ok;                               /* 0: reported, store nothing */
    const core_str_t *codes;              /* the key in DSD order; a partial key has NULL slices */
    int partial;                          /* a series event for a group (or a partial deletion) */
    const char *key;                      /* printed ("A.N.SI_POV_DAY1"), NULL when partial */
    unsigned char period[DSD_PERIOD_KEY]; /* observations */
    /* observations: the attributes the observation keeps, and those the DSD attaches to the
     * series (or a group) or to the data set, to store there; these two are empty when they
     * are what the observation before gave */
    const dsd_kv_t *attrs, *series_attrs, *dataset_attrs;
    size_t nattrs, nseries_attrs, ndataset_attrs;
} dsd_valid_row_t;

typedef struct dsd_valid dsd_valid_t;

/* A validator for one message, in a (which outlives it); reports go to report. */
dsd_valid_t *dsd_valid_new(core_arena_t *a, dsd_report_t *report, const dsd_valid_input_t *in);
/* A data set begins (the action as it will be applied), with its attributes. */
void dsd_valid_dataset(dsd_valid_t *v, dsd_action action, const dsd_kv_t *attrs, size_t nattrs);
/* A series event: its key (possibly partial: a group) and attributes. */
core_rc dsd_valid_series(dsd_valid_t *v, const dsd_kv_t *key, size_t nkey, const dsd_kv_t *attrs,
                         size_t nattrs, long line, dsd_valid_row_t *row, core_err_t *err);
/* An observation event. */
core_rc dsd_valid_obs(dsd_valid_t *v, const dsd_kv_t *key, size_t nkey, core_str_t period,
                      core_str_t value, const dsd_kv_t *attrs, size_t nattrs, long line,
                      dsd_valid_row_t *row, core_err_t *err);
/* The writer found the observation of row (series key, period) twice in the message. */
void dsd_valid_duplicate(dsd_valid_t *v, const char *key, core_str_t period, long line);
/* Whether the constraints allow the series codes (complete, in DSD order); no report. */
int dsd_valid_allows(const dsd_valid_t *v, const core_str_t *codes);
/* The message ended: reports the mandatory series attributes no event gave. */
void dsd_valid_end(dsd_valid_t *v);

#endif
