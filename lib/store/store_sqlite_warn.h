/* store_sqlite_warn.h — the SQLite store's substance register and alerts
 * (schema 9), for store_sqlite.c only. Each function is the dsms_store_
 * function of the same name (store.h) on the connection db of the store at
 * path (named in messages). */
#ifndef DSMS_STORE_SQLITE_WARN_H
#define DSMS_STORE_SQLITE_WARN_H

#include <sqlite3.h>

#include "store_int.h"

/* What schema 9 adds: run by a new store and by an old one when upgraded. */
extern const char *const dsms_sqlite_schema_9;

int dsms_sqlite_substance_put(sqlite3 *db, const char *path, const dsms_stored_substance *s,
                              dsms_err *err);
int dsms_sqlite_each_substance(sqlite3 *db, const char *path, const char *code,
                               dsms_stored_substance_fn fn, void *ctx, dsms_err *err);
int dsms_sqlite_alert_raise(sqlite3 *db, const char *path, const dsms_stored_alert *a,
                            int64_t *id, int *created, dsms_err *err);
int dsms_sqlite_each_alert(sqlite3 *db, const char *path, const dsms_alert_filter *f,
                           dsms_stored_alert_fn fn, void *ctx, dsms_err *err);
int dsms_sqlite_alert_move(sqlite3 *db, const char *path, int64_t id, const char *from,
                           const char *to, const char *actor, const char *note, dsms_err *err);
int dsms_sqlite_each_alert_event(sqlite3 *db, const char *path, int64_t id,
                                 dsms_alert_event_fn fn, void *ctx, dsms_err *err);

#endif
