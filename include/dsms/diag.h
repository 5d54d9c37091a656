/* dsms/diag.h — diagnostics (what is wrong with an input row) and library errors.
 *
 * The library never prints: it hands each diagnostic to the caller's sink and
 * returns errors as values. A diagnostic reads
 *   file:line: field: what is wrong (expected ...)
 * and never carries a client attributor. Functions here keep no pointer they
 * are given beyond the call. */
#ifndef DSMS_DIAG_H
#define DSMS_DIAG_H

#include <stddef.h>

#include "dsms/dataset.h"

typedef struct {
    const char *file;
    long line;          /* 0 when the diagnostic is about the whole file */
    const char *table;
    char field[64];     /* "" when about the whole row or file */
    const char *rule;   /* rule id, or "type"/"required"/"csv"/"header" */
    dsms_severity severity;
    char message[320];
    char expected[480];
} dsms_diag;

/* A diagnostic's sink: d, and the strings it points to, are valid only during
 * the call; a sink that keeps one copies it. */
typedef void (*dsms_diag_fn)(void *ctx, const dsms_diag *d);

/* Copy a field name into d, cut short (on a UTF-8 character boundary) if long.
 * Cannot fail. */
void dsms_diag_set_field(dsms_diag *d, const char *field);

/* "file:line: field: message (expected ...)" in buf, n bytes (cut short, and
 * NUL-terminated when n > 0); returns snprintf's result, the length the whole
 * line needs. Cannot fail. */
int dsms_diag_format(const dsms_diag *d, char *buf, size_t n);

typedef struct {
    char msg[512];
} dsms_err;

/* Put a message in e (nothing when e is NULL), printf-style, cut short to
 * fit msg. Cannot fail. */
void dsms_err_set(dsms_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Callbacks. Every library function that calls a caller's function for each
 * thing it reads (the store's iterators, store.h; dsms_each_public_result;
 * the check's findings) follows one convention. The callback returns
 *   0           to go on;
 *   a positive  to stop early: not a failure, the function returns 0;
 *   a negative  on failure: the function stops and returns -1 with err set.
 * A callback with its own words for the failure puts them in the function's
 * err (the caller passes err in ctx). One that leaves err empty failed for
 * want of memory, and the function says so: "out of memory reading the
 * results". The function empties err before its first call, so that it can
 * tell. */
/* Empty err (when not NULL): done before the first call of a callback.
 * Cannot fail. */
void dsms_err_clear(dsms_err *e);
/* The function's end after its callback returned rc < 0: always -1, with err
 * (when not NULL) saying "out of memory reading WHAT" unless the callback put
 * a message there. */
int dsms_callback_failed(dsms_err *e, const char *what_fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Exit statuses shared by the library's import and the command. */
enum { DSMS_OK = 0, DSMS_PARTIAL = 1, DSMS_REFUSED = 2 };

#endif
