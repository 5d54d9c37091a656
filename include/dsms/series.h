/* dsms/series.h — the values of published series (docs/series.md): a long
 * CSV file of them checked row by row against the series catalogue and the
 * places of the reference data, and stored whole or not at all. Functions
 * here keep no pointer they are given beyond the call. */
#ifndef DSMS_SERIES_H
#define DSMS_SERIES_H

#include <stdint.h>

#include "dsms/diag.h"
#include "dsms/refdata.h"
#include "dsms/store.h"

/* What an import of series values is given. */
typedef struct {
    const char *file;   /* the CSV file's path, as diagnostics name it */
    const char *source; /* the submission's source; NULL or "" for "published" */
    const char *by;     /* who is importing, for the submission and the audit record */
    int64_t today;      /* days since 1970-01-01: as_at may not be later */
    int store;          /* 0: check only, storing nothing */
    dsms_diag_fn emit;  /* each diagnostic, in line order; may be NULL */
    void *emit_ctx;
} dsms_series_opts;

/* What it did: rows read, rows with errors, values stored, the submission. */
typedef struct {
    long rows, refused, stored;
    int64_t submission;
} dsms_series_result;

/* Read o->file, check every row against ref (its series catalogue and its
 * places), and when every row is good and o->store is set, store them all
 * in one transaction of st's (the caller must have none open), recorded as
 * a submission of table "series" and in the audit record. A value whose
 * series, period, level and code are stored already replaces it.
 * Returns 0 when every row was good (and stored, if asked); 1 when some
 * row or the header was not, each diagnostic handed to o->emit, and nothing
 * stored; -1 with err set when the file cannot be read or the store fails,
 * nothing stored. st may be NULL when o->store is 0. */
int dsms_series_import(dsms_store *st, const dsms_refdata *ref, const dsms_series_opts *o,
                       dsms_series_result *res, dsms_err *err);

/* Whether text is a period a series value may be given for (docs/series.md):
 * YYYY, YYYY-YY, YYYY-YY-Qn, YYYY-MM or YYYY-YYYY. 1 or 0; cannot fail. */
int dsms_series_period_ok(const char *text);

#endif
