/* validate.h — field and row rules of the data set, applied to one row.
 *
 * The submission rules that need the store or the rest of the file (unique
 * keys, known episodes) are applied by import.c; everything a single row can
 * show is here. */
#ifndef DSMS_VALIDATE_H
#define DSMS_VALIDATE_H

#include <stdint.h>

#include "dsms/dataset.h"
#include "dsms/diag.h"
#include "dsms/field.h"

typedef struct {
    const dsms_table *table;
    const char *file;
    const char *source;  /* submitting organisation; NULL to skip the check */
    int64_t today;       /* days since 1970-01-01 */
    int (*area_known)(void *ctx, const char *code, size_t len);
    void *area_ctx;
    /* Whether an organisation code is in the table's reference list (org_ref);
     * NULL to skip. Checked row by row only when source is NULL: a source is
     * checked once, for the whole file, by dsms_source_check. */
    int (*org_known)(void *ctx, const char *code, size_t len);
    void *org_ctx;
    /* Whether a code is in the reference list of that name (prisons, substances);
     * NULL to skip (REF_KNOWN rules). */
    int (*ref_known)(void *ctx, const char *list, const char *code, size_t len);
    void *ref_ctx;
    dsms_diag_fn emit;
    void *emit_ctx;
    /* Filled by dsms_rowcheck_prepare: each rule's fields as indices. */
    int rule_a[64], rule_b[64];
} dsms_rowcheck;

/* Resolve the table's rule field names once, before the first row. */
void dsms_rowcheck_prepare(dsms_rowcheck *ck);

typedef struct {
    int errors, warnings;
} dsms_tally;

/* Report a diagnostic through ck->emit and count it. */
void dsms_report(const dsms_rowcheck *ck, dsms_tally *tally, long line, const char *field,
                 const char *rule, dsms_severity sev, const char *expected, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/* Parse every field of a row (raw[i]/len[i] for table field i; raw NULL for a
 * column the file does not have) into v, then apply the table's row rules. */
void dsms_validate_row(const dsms_rowcheck *ck, long line, const char *const *raw,
                       const size_t *len, dsms_value *v, dsms_tally *tally);

/* Whether source may submit table t: 1 when known(ctx, source) says it is in
 * the table's reference list (t->org_ref), 0 when not, with msg saying what
 * it is not, which file lists those that are, and what to do. */
int dsms_source_check(const dsms_table *t, const char *source,
                      int (*known)(void *ctx, const char *code, size_t len), void *ctx,
                      char *msg, size_t n);

#endif
