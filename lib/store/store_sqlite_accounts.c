/* store_sqlite_accounts.c — the SQLite store's accounts, API tokens, sessions
 * and audit record (store_sqlite_accounts.h, schema 6).
 *
 * Only hashes are kept: of passwords (Argon2id text, made by the caller),
 * of tokens and of CSRF tokens (32 bytes). A statement here is prepared for
 * each call: these are rare next to the records a submission writes. */
#include "store_sqlite_accounts.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dsms/text.h"

/* "PATH: cannot WHAT: why", SQLite's words for why (a constraint names its
 * column; the audit record's triggers say it cannot be changed). */
int dsms_sqlite_fail(sqlite3 *db, const char *path, const char *what, dsms_err *err)
{
    int code = sqlite3_errcode(db) & 0xff;
    const char *why = code == SQLITE_BUSY || code == SQLITE_LOCKED
                          ? "another command is writing to the store; run this one again when "
                            "it has finished"
                          : sqlite3_errmsg(db);
    dsms_err_set(err, "%s: cannot %s: %s", path, what, why);
    return -1;
}

sqlite3_stmt *dsms_sqlite_prep(sqlite3 *db, const char *path, const char *sql, const char *what,
                               dsms_err *err)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
        dsms_sqlite_fail(db, path, what, err);
        sqlite3_finalize(q);
        return NULL;
    }
    return q;
}

/* Step a statement that returns no row, then finalize it: 0, or -1. */
int dsms_sqlite_done(sqlite3 *db, const char *path, sqlite3_stmt *q, const char *what,
                     dsms_err *err)
{
    int rc = sqlite3_step(q);
    if (rc != SQLITE_DONE) dsms_sqlite_fail(db, path, what, err);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? 0 : -1;
}

const char *dsms_sqlite_text(sqlite3_stmt *q, int i)
{
    const char *t = (const char *)sqlite3_column_text(q, i);
    return t ? t : "";
}

double dsms_sqlite_number(sqlite3_stmt *q, int i)
{
    return sqlite3_column_type(q, i) == SQLITE_NULL ? NAN : sqlite3_column_double(q, i);
}

void dsms_sqlite_bind_number(sqlite3_stmt *q, int i, double x)
{
    if (isnan(x))
        sqlite3_bind_null(q, i);
    else
        sqlite3_bind_double(q, i, x);
}

int64_t dsms_sqlite_user_add(sqlite3 *db, const char *path, const dsms_store_user *u,
                             dsms_err *err)
{
    const char *what = "add the account";
    sqlite3_stmt *q =
        dsms_sqlite_prep(db, path,
                         "INSERT INTO users (name, role, scope, password_hash, created_at)"
                         " VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
                         " ON CONFLICT (name) DO NOTHING",
                         what, err);
    if (!q) return -1;
    sqlite3_bind_text(q, 1, u->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, u->role, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, u->scope ? u->scope : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, u->password_hash, -1, SQLITE_STATIC);
    if (dsms_sqlite_done(db, path, q, what, err)) return -1;
    return sqlite3_changes(db) ? sqlite3_last_insert_rowid(db) : 0;
}

int dsms_sqlite_user_each(sqlite3 *db, const char *path, const char *name,
                          dsms_store_user_fn fn, void *ctx, dsms_err *err)
{
    sqlite3_stmt *q =
        dsms_sqlite_prep(db, path,
                         "SELECT u.id, u.name, u.role, u.scope, u.password_hash, u.created_at,"
                         " u.failed_logins, u.locked_until, (SELECT count(*) FROM tokens t"
                         " WHERE t.user_id = u.id AND t.revoked_at IS NULL)"
                         " FROM users u WHERE ?1 IS NULL OR u.name = ?1 ORDER BY u.name",
                         "read the accounts", err);
    if (!q) return -1;
    if (name) sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    int rc = SQLITE_DONE, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        dsms_store_user u = {sqlite3_column_int64(q, 0),      dsms_sqlite_text(q, 1),
                             dsms_sqlite_text(q, 2),          dsms_sqlite_text(q, 3),
                             dsms_sqlite_text(q, 4),          dsms_sqlite_text(q, 5),
                             sqlite3_column_int(q, 6),        sqlite3_column_int64(q, 7),
                             (long)sqlite3_column_int64(q, 8)};
        stop = fn(ctx, &u);
    }
    if (stop >= 0 && rc != SQLITE_ROW && rc != SQLITE_DONE)
        dsms_sqlite_fail(db, path, "read the accounts", err);
    sqlite3_finalize(q);
    if (stop < 0) return dsms_callback_failed(err, "the accounts");
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Run one statement binding id as ?1 (and text as ?2 when not NULL): the
 * rows it changed, or -1. */
static int by_id(sqlite3 *db, const char *path, const char *sql, int64_t id, const char *t,
                 const char *what, dsms_err *err)
{
    sqlite3_stmt *q = dsms_sqlite_prep(db, path, sql, what, err);
    if (!q) return -1;
    sqlite3_bind_int64(q, 1, id);
    if (t) sqlite3_bind_text(q, 2, t, -1, SQLITE_STATIC);
    if (dsms_sqlite_done(db, path, q, what, err)) return -1;
    return sqlite3_changes(db);
}

/* Several statements as one: inside a savepoint, so that a failure leaves
 * nothing of them, whether or not the caller has a transaction open. */
static int begin(sqlite3 *db, const char *path, const char *what, dsms_err *err)
{
    if (sqlite3_exec(db, "SAVEPOINT accounts", NULL, NULL, NULL) == SQLITE_OK) return 0;
    return dsms_sqlite_fail(db, path, what, err);
}

static int end(sqlite3 *db, const char *path, int rc, const char *what, dsms_err *err)
{
    if (rc >= 0 && sqlite3_exec(db, "RELEASE accounts", NULL, NULL, NULL) == SQLITE_OK)
        return rc;
    if (rc >= 0) dsms_sqlite_fail(db, path, what, err);
    sqlite3_exec(db, "ROLLBACK TO accounts", NULL, NULL, NULL);
    sqlite3_exec(db, "RELEASE accounts", NULL, NULL, NULL);
    return -1;
}

int dsms_sqlite_user_remove(sqlite3 *db, const char *path, int64_t id, dsms_err *err)
{
    const char *what = "remove the account";
    if (begin(db, path, what, err)) return -1;
    int rc = by_id(db, path, "DELETE FROM sessions WHERE user_id = ?1", id, NULL, what, err);
    if (rc >= 0) rc = by_id(db, path, "DELETE FROM tokens WHERE user_id = ?1", id, NULL, what, err);
    if (rc >= 0) rc = by_id(db, path, "DELETE FROM users WHERE id = ?1", id, NULL, what, err);
    return end(db, path, rc, what, err);
}

int dsms_sqlite_user_passwd(sqlite3 *db, const char *path, int64_t id, const char *hash,
                            dsms_err *err)
{
    const char *what = "set the password";
    if (begin(db, path, what, err)) return -1;
    int rc = by_id(db, path, "DELETE FROM sessions WHERE user_id = ?1", id, NULL, what, err);
    if (rc >= 0)
        rc = by_id(db, path,
                   "UPDATE users SET password_hash = ?2, failed_logins = 0, locked_until = 0"
                   " WHERE id = ?1",
                   id, hash, what, err);
    return end(db, path, rc, what, err);
}

int dsms_sqlite_user_logins(sqlite3 *db, const char *path, int64_t id, int failed,
                            int64_t locked_until, dsms_err *err)
{
    const char *what = "record the failed logins";
    sqlite3_stmt *q = dsms_sqlite_prep(
        db, path, "UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?", what, err);
    if (!q) return -1;
    sqlite3_bind_int(q, 1, failed);
    sqlite3_bind_int64(q, 2, locked_until);
    sqlite3_bind_int64(q, 3, id);
    return dsms_sqlite_done(db, path, q, what, err);
}

int dsms_sqlite_user_last_event(sqlite3 *db, const char *path, const char *action,
                                dsms_store_event_fn fn, void *ctx, dsms_err *err)
{
    /* Since the account was made: a name removed and given again does not
     * inherit the lines of the account that had it before. */
    const char *what = "read the accounts' audit lines";
    sqlite3_stmt *q =
        dsms_sqlite_prep(db, path,
                         "SELECT u.name, max(a.at) FROM users u JOIN audit a ON a.actor = u.name"
                         " AND a.action = ?1 AND a.at >= u.created_at"
                         " GROUP BY u.id ORDER BY u.name",
                         what, err);
    if (!q) return -1;
    sqlite3_bind_text(q, 1, action, -1, SQLITE_STATIC);
    int rc = SQLITE_DONE, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW)
        stop = fn(ctx, dsms_sqlite_text(q, 0), dsms_sqlite_text(q, 1));
    if (stop >= 0 && rc != SQLITE_ROW && rc != SQLITE_DONE) dsms_sqlite_fail(db, path, what, err);
    sqlite3_finalize(q);
    if (stop < 0) return dsms_callback_failed(err, "the accounts' audit lines");
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int64_t dsms_sqlite_token_add(sqlite3 *db, const char *path, int64_t user_id, const char *label,
                              const unsigned char *hash, dsms_err *err)
{
    const char *what = "add the token";
    sqlite3_stmt *q = dsms_sqlite_prep(db, path,
                                       "INSERT INTO tokens (user_id, label, hash, created_at)"
                                       " VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
                                       " ON CONFLICT DO NOTHING",
                                       what, err);
    if (!q) return -1;
    sqlite3_bind_int64(q, 1, user_id);
    sqlite3_bind_text(q, 2, label, -1, SQLITE_STATIC);
    sqlite3_bind_blob(q, 3, hash, 32, SQLITE_STATIC);
    if (dsms_sqlite_done(db, path, q, what, err)) return -1;
    return sqlite3_changes(db) ? sqlite3_last_insert_rowid(db) : 0;
}

int dsms_sqlite_token_revoke(sqlite3 *db, const char *path, int64_t user_id, const char *label,
                             dsms_err *err)
{
    return by_id(db, path,
                 "UPDATE tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
                 " WHERE user_id = ?1 AND label = ?2 AND revoked_at IS NULL",
                 user_id, label, "revoke the token", err);
}

int64_t dsms_sqlite_token_use(sqlite3 *db, const char *path, const unsigned char *hash,
                              int64_t *user_id, int *recorded, dsms_err *err)
{
    /* The time of last use is written at most once a minute: a script's
     * every request would otherwise be a write, one at a time, each synced. */
    const char *what = "read the tokens";
    sqlite3_stmt *q = dsms_sqlite_prep(
        db, path,
        "SELECT id, user_id, last_used_at IS NULL OR last_used_at <"
        " strftime('%Y-%m-%dT%H:%M:%SZ', 'now',"
        " '-" DSMS_STR(DSMS_LAST_USE_SECONDS) " seconds')"
                                              " FROM tokens WHERE hash = ? AND revoked_at IS NULL",
        what, err);
    if (!q) return -1;
    sqlite3_bind_blob(q, 1, hash, 32, SQLITE_STATIC);
    int rc = sqlite3_step(q), stale = 0;
    int64_t id = 0;
    if (rc == SQLITE_ROW) {
        id = sqlite3_column_int64(q, 0);
        *user_id = sqlite3_column_int64(q, 1);
        stale = sqlite3_column_int(q, 2);
        rc = sqlite3_step(q);
    }
    if (rc != SQLITE_DONE) dsms_sqlite_fail(db, path, what, err);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) return -1;
    if (id && stale) {
        q = dsms_sqlite_prep(
            db, path,
            "UPDATE tokens SET last_used_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
            " WHERE id = ?",
            what, err);
        if (!q) return -1;
        sqlite3_bind_int64(q, 1, id);
        rc = sqlite3_step(q);
        sqlite3_finalize(q);
        if (rc != SQLITE_DONE) return dsms_sqlite_fail(db, path, what, err), -1;
        *recorded = 1;
    }
    return id;
}

int dsms_sqlite_session_add(sqlite3 *db, const char *path, const dsms_store_session *s,
                            dsms_err *err)
{
    const char *what = "start the session";
    sqlite3_stmt *q =
        dsms_sqlite_prep(db, path,
                         "INSERT INTO sessions (hash, user_id, csrf, created_at, last_used,"
                         " expires) VALUES (?, ?, ?, ?, ?, ?)",
                         what, err);
    if (!q) return -1;
    sqlite3_bind_blob(q, 1, s->hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, s->user_id);
    sqlite3_bind_blob(q, 3, s->csrf, 32, SQLITE_STATIC);
    sqlite3_bind_int64(q, 4, s->created);
    sqlite3_bind_int64(q, 5, s->last_used);
    sqlite3_bind_int64(q, 6, s->expires);
    return dsms_sqlite_done(db, path, q, what, err);
}

int dsms_sqlite_session_find(sqlite3 *db, const char *path, const unsigned char *hash,
                             dsms_store_session *s, dsms_err *err)
{
    const char *what = "read the sessions";
    sqlite3_stmt *q =
        dsms_sqlite_prep(db, path,
                         "SELECT user_id, csrf, created_at, last_used, expires FROM sessions"
                         " WHERE hash = ?",
                         what, err);
    if (!q) return -1;
    sqlite3_bind_blob(q, 1, hash, 32, SQLITE_STATIC);
    int rc = sqlite3_step(q), found = 0;
    if (rc == SQLITE_ROW && sqlite3_column_bytes(q, 1) == 32) {
        memcpy(s->hash, hash, 32);
        s->user_id = sqlite3_column_int64(q, 0);
        memcpy(s->csrf, sqlite3_column_blob(q, 1), 32);
        s->created = sqlite3_column_int64(q, 2);
        s->last_used = sqlite3_column_int64(q, 3);
        s->expires = sqlite3_column_int64(q, 4);
        found = 1;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) dsms_sqlite_fail(db, path, what, err);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : -1;
}

int dsms_sqlite_session_touch(sqlite3 *db, const char *path, const unsigned char *hash,
                              int64_t now, dsms_err *err)
{
    const char *what = "record the session's use";
    sqlite3_stmt *q =
        dsms_sqlite_prep(db, path, "UPDATE sessions SET last_used = ? WHERE hash = ?", what, err);
    if (!q) return -1;
    sqlite3_bind_int64(q, 1, now);
    sqlite3_bind_blob(q, 2, hash, 32, SQLITE_STATIC);
    return dsms_sqlite_done(db, path, q, what, err);
}

int dsms_sqlite_session_remove(sqlite3 *db, const char *path, const unsigned char *hash,
                               int64_t now, dsms_err *err)
{
    const char *what = "end the session";
    sqlite3_stmt *q =
        dsms_sqlite_prep(db, path, "DELETE FROM sessions WHERE hash = ? OR expires < ?", what, err);
    if (!q) return -1;
    sqlite3_bind_blob(q, 1, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, now);
    return dsms_sqlite_done(db, path, q, what, err);
}

int dsms_sqlite_audit_from(sqlite3 *db, const char *path, const char *actor, const char *origin,
                           const char *action, const char *detail, dsms_err *err)
{
    const char *what = "write the audit record";
    sqlite3_stmt *q =
        dsms_sqlite_prep(db, path,
                         "INSERT INTO audit (at, actor, action, detail, origin) VALUES"
                         " (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?, ?, ?, ?)",
                         what, err);
    if (!q) return -1;
    sqlite3_bind_text(q, 1, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, detail ? detail : "", -1, SQLITE_STATIC);
    if (origin) sqlite3_bind_text(q, 4, origin, -1, SQLITE_STATIC);
    return dsms_sqlite_done(db, path, q, what, err);
}

int dsms_sqlite_audit_each(sqlite3 *db, const char *path, const char *since, const char *actor,
                           dsms_audit_fn fn, void *ctx, dsms_err *err)
{
    const char *what = "read the audit record";
    sqlite3_stmt *q =
        dsms_sqlite_prep(db, path,
                         "SELECT id, at, actor, action, detail, origin FROM audit"
                         " WHERE (?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR actor = ?2)"
                         " ORDER BY id",
                         what, err);
    if (!q) return -1;
    if (since) sqlite3_bind_text(q, 1, since, -1, SQLITE_STATIC);
    if (actor) sqlite3_bind_text(q, 2, actor, -1, SQLITE_STATIC);
    int rc = SQLITE_DONE, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        dsms_audit_entry e = {sqlite3_column_int64(q, 0), dsms_sqlite_text(q, 1),
                              dsms_sqlite_text(q, 2),     dsms_sqlite_text(q, 3),
                              dsms_sqlite_text(q, 4),     dsms_sqlite_text(q, 5)};
        stop = fn(ctx, &e);
    }
    if (stop >= 0 && rc != SQLITE_ROW && rc != SQLITE_DONE) dsms_sqlite_fail(db, path, what, err);
    sqlite3_finalize(q);
    if (stop < 0) return dsms_callback_failed(err, "the audit record");
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}
