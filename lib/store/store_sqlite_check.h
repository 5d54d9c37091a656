/* store_sqlite_check.h — the SQLite store's health, for store_sqlite.c only:
 * why a file cannot be opened as a store, which of dsms's tables a store has
 * lost, and the checks of dsms check (dsms_store_check in store.h). */
#ifndef DSMS_STORE_SQLITE_CHECK_H
#define DSMS_STORE_SQLITE_CHECK_H

#include <sqlite3.h>

#include "store_int.h"

/* Before SQLite opens path: -1 with err saying in words why it cannot be a
 * store for this use (missing, a directory, empty, not SQLite, cut short,
 * or not writable when flags ask for writing), else 0. */
int dsms_sqlite_file_problem(const char *path, int flags, dsms_err *err);
/* The first of dsms's tables the store lacks, or NULL when it has them all;
 * NULL too when the list cannot be read (the caller's next step says why). */
const char *dsms_sqlite_lost_table(sqlite3 *db);
/* dsms_store_check for the SQLite store at path, whose schema version
 * should be `version`. */
long dsms_sqlite_check(sqlite3 *db, const char *path, const char *version,
                       const char *key_fingerprint, dsms_finding_fn fn, void *ctx, dsms_err *err);

#endif
