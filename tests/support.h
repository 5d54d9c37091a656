/* support.h — helpers the library tests share: a scratch directory, files
 * written into it, a fresh store with the shipped reference data, and an
 * import that keeps every diagnostic for the test to inspect. */
#ifndef DSMS_TEST_SUPPORT_H
#define DSMS_TEST_SUPPORT_H

#include "dsms/diag.h"
#include "dsms/import.h"
#include "dsms/pseudo.h"
#include "dsms/store.h"

#define SUPPORT_MAX_DIAGS 256

typedef struct {
    dsms_diag d[SUPPORT_MAX_DIAGS];
    int n;
} diag_list;

/* A new empty directory under $TMPDIR, removed by support_cleanup(). */
const char *support_dir(void);
/* Write text to DIR/name and return the path (static storage, 8 slots). */
const char *support_file(const char *name, const char *text);
/* A fresh SQLite store in the scratch directory with the shipped areas. */
dsms_store *support_store(void);
/* A fixed key, so tests are repeatable. */
const dsms_key *support_key(void);
/* Import files as source (NULL for none) with today = 2026-06-30. */
int support_import(dsms_store *st, const char *source, const char *const *files, size_t n,
                   dsms_import_result *res, diag_list *diags, int dry_run);
/* The first diagnostic with this rule (and field, if given), or NULL. */
const dsms_diag *support_find(const diag_list *d, const char *rule, const char *field);
void support_cleanup(void);

#endif
