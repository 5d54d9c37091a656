/* diag.h — diagnostics (what is wrong with an input row) and library errors.
 *
 * The library never prints: it hands each diagnostic to the caller's sink and
 * returns errors as values. A diagnostic reads
 *   file:line: field: what is wrong (expected ...)
 * and never carries a client attributor. */
#ifndef DSMS_DIAG_H
#define DSMS_DIAG_H

#include <stddef.h>

#include "dataset.h"

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

typedef void (*dsms_diag_fn)(void *ctx, const dsms_diag *d);

/* Copy a field name into d, cut short (on a UTF-8 character boundary) if long. */
void dsms_diag_set_field(dsms_diag *d, const char *field);

/* "file:line: field: message (expected ...)"; returns snprintf's result. */
int dsms_diag_format(const dsms_diag *d, char *buf, size_t n);

typedef struct {
    char msg[512];
} dsms_err;

void dsms_err_set(dsms_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Exit statuses shared by the library's import and the command. */
enum { DSMS_OK = 0, DSMS_PARTIAL = 1, DSMS_REFUSED = 2 };

#endif
