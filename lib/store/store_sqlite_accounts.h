/* store_sqlite_accounts.h — the SQLite store's accounts, tokens, sessions and
 * audit record (schema 6), for store_sqlite.c only. Each function is the
 * dsms_store_ function of the same name (store.h) on the connection db of
 * the store at path (named in messages). */
#ifndef DSMS_STORE_SQLITE_ACCOUNTS_H
#define DSMS_STORE_SQLITE_ACCOUNTS_H

#include <sqlite3.h>

#include "store_int.h"

/* Shared by the SQLite store's files. "PATH: cannot WHAT: why" set in err,
 * in SQLite's words (or saying another command is writing), and -1. */
int dsms_sqlite_fail(sqlite3 *db, const char *path, const char *what, dsms_err *err);
/* A statement prepared for one call, or NULL with err set. */
sqlite3_stmt *dsms_sqlite_prep(sqlite3 *db, const char *path, const char *sql, const char *what,
                               dsms_err *err);
/* Step a statement that returns no row, then finalize it: 0, or -1. */
int dsms_sqlite_done(sqlite3 *db, const char *path, sqlite3_stmt *q, const char *what,
                     dsms_err *err);
/* Column i's text, "" for null. */
const char *dsms_sqlite_text(sqlite3_stmt *q, int i);
/* Column i's number, NaN for null; and x bound at i, null for NaN. */
double dsms_sqlite_number(sqlite3_stmt *q, int i);
void dsms_sqlite_bind_number(sqlite3_stmt *q, int i, double x);

int64_t dsms_sqlite_user_add(sqlite3 *db, const char *path, const dsms_store_user *u,
                             dsms_err *err);
int dsms_sqlite_user_each(sqlite3 *db, const char *path, const char *name,
                          dsms_store_user_fn fn, void *ctx, dsms_err *err);
int dsms_sqlite_user_remove(sqlite3 *db, const char *path, int64_t id, dsms_err *err);
int dsms_sqlite_user_passwd(sqlite3 *db, const char *path, int64_t id, const char *hash,
                            dsms_err *err);
int dsms_sqlite_user_logins(sqlite3 *db, const char *path, int64_t id, int failed,
                            int64_t locked_until, dsms_err *err);
int dsms_sqlite_user_last_event(sqlite3 *db, const char *path, const char *action,
                                dsms_store_event_fn fn, void *ctx, dsms_err *err);
int64_t dsms_sqlite_token_add(sqlite3 *db, const char *path, int64_t user_id, const char *label,
                              const unsigned char *hash, dsms_err *err);
int dsms_sqlite_token_revoke(sqlite3 *db, const char *path, int64_t user_id, const char *label,
                             dsms_err *err);
int64_t dsms_sqlite_token_use(sqlite3 *db, const char *path, const unsigned char *hash,
                              int64_t *user_id, int *recorded, dsms_err *err);
int dsms_sqlite_session_add(sqlite3 *db, const char *path, const dsms_store_session *s,
                            dsms_err *err);
int dsms_sqlite_session_find(sqlite3 *db, const char *path, const unsigned char *hash,
                             dsms_store_session *s, dsms_err *err);
int dsms_sqlite_session_touch(sqlite3 *db, const char *path, const unsigned char *hash,
                              int64_t now, dsms_err *err);
int dsms_sqlite_session_remove(sqlite3 *db, const char *path, const unsigned char *hash,
                               int64_t now, dsms_err *err);
int dsms_sqlite_audit_from(sqlite3 *db, const char *path, const char *actor, const char *origin,
                           const char *action, const char *detail, dsms_err *err);
int dsms_sqlite_audit_each(sqlite3 *db, const char *path, const char *since, const char *actor,
                           dsms_audit_fn fn, void *ctx, dsms_err *err);

#endif
