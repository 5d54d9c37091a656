/* store_sqlite_steer.h — the SQLite store's outcomes frameworks and their
 * statuses (schema 8), for store_sqlite.c only. Each function is the
 * dsms_store_ function of the same name (store.h) on the connection db of
 * the store at path (named in messages). */
#ifndef DSMS_STORE_SQLITE_STEER_H
#define DSMS_STORE_SQLITE_STEER_H

#include <sqlite3.h>

#include "store_int.h"

int dsms_sqlite_framework_put(sqlite3 *db, const char *path, const dsms_stored_framework *f,
                              dsms_err *err);
int dsms_sqlite_framework_remove(sqlite3 *db, const char *path, const char *id, dsms_err *err);
int dsms_sqlite_each_framework(sqlite3 *db, const char *path, const char *id,
                               dsms_stored_framework_fn fn, void *ctx, dsms_err *err);
int dsms_sqlite_statuses_put(sqlite3 *db, const char *path, const char *framework,
                             const dsms_status_row *rows, size_t n, dsms_err *err);
int dsms_sqlite_each_status(sqlite3 *db, const char *path, const char *framework,
                            const char *area_code, const char *period, dsms_status_fn fn,
                            void *ctx, dsms_err *err);

#endif
