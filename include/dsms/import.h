/* dsms/import.h — taking a submission: CSV files read, validated, pseudonymised and
 * stored in one transaction, with every rejected row quarantined.
 *
 * Rows read = rows accepted + rows quarantined, for every file. A submission
 * lands whole or not at all; a file identical to an earlier submission of the
 * same source changes nothing. */
#ifndef DSMS_IMPORT_H
#define DSMS_IMPORT_H

#include <stdint.h>

#include "dsms/diag.h"
#include "dsms/pseudo.h"
#include "dsms/store.h"

/* The strings are the caller's, read during dsms_import only. */
typedef struct {
    const char *source;  /* the submitting organisation's code */
    const char *by;      /* who submitted it, for the submission record and audit */
    const char *table;   /* force this table; NULL to recognise it from the header */
    int dry_run;         /* validate only: everything is rolled back */
    int nested;          /* the caller holds a transaction: the submission is a
                            savepoint in it, landing when the caller commits */
    int64_t today;       /* days since 1970-01-01: no date may be later */
    dsms_diag_fn emit;   /* every diagnostic, in file order, on the calling thread,
                            each valid only during the call (some may come before
                            the submission is refused); NULL for none */
    void *emit_ctx;
    int fd;              /* > 0: the one file is read from this descriptor (a file,
                            read from its start; it stays open), files[0] only
                            naming it in diagnostics and the record (an upload) */
} dsms_import_opts;

typedef struct {
    const char *file;    /* the caller's files[i] itself */
    const char *table;   /* the table's name, static */
    long rows, accepted, quarantined, warnings;
    int64_t submission;  /* its submission record's id (rolled back after a dry run) */
    int64_t same_as; /* identical to this earlier submission: nothing changed */
    char sha256[65];
} dsms_import_result;

/* Import n files as one submission; results[i] describes files[i]. A file
 * named "-" is standard input, which must be a file it can read from its
 * start (each file is read twice: its header first, then whole). Returns
 * DSMS_OK (all accepted), DSMS_PARTIAL (some quarantined) or DSMS_REFUSED
 * (nothing stored; err says why, out of memory among the reasons): the
 * transaction, or when nested the savepoint, is rolled back, and results
 * may be partly filled in or untouched. st, key and files are used during
 * the call only; every file it opens is closed (standard input stays open). */
int dsms_import(dsms_store *st, const dsms_key *key, const char *const *files, size_t n,
                const dsms_import_opts *o, dsms_import_result *results, dsms_err *err);

#endif
