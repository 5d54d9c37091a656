/* store_sqlite_steer.c — the SQLite store's outcomes frameworks and their
 * statuses (schema 8, store_sqlite_steer.h): each framework's YAML text as it
 * was loaded, and one row per metric, place and period that lib/steer worked
 * out from the results and series in the same transaction as they changed,
 * so that what reads a status never works it out again. */
#include "store_sqlite_steer.h"

#include <math.h>

#include "store_sqlite_accounts.h"

static void bind_text(sqlite3_stmt *q, int i, const char *t)
{
    if (t) sqlite3_bind_text(q, i, t, -1, SQLITE_STATIC);
    else sqlite3_bind_null(q, i);
}

static int clear_statuses(sqlite3 *db, const char *path, const char *id, dsms_err *err)
{
    const char *what = "replace the framework's statuses";
    sqlite3_stmt *q =
        dsms_sqlite_prep(db, path, "DELETE FROM framework_status WHERE framework = ?", what, err);
    if (!q) return -1;
    bind_text(q, 1, id);
    return dsms_sqlite_done(db, path, q, what, err);
}

int dsms_sqlite_framework_put(sqlite3 *db, const char *path, const dsms_stored_framework *f,
                              dsms_err *err)
{
    const char *what = "store the framework";
    if (clear_statuses(db, path, f->id, err)) return -1;
    sqlite3_stmt *q = dsms_sqlite_prep(
        db, path,
        "INSERT OR REPLACE INTO frameworks VALUES (?, ?, ?, ?,"
        " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?)",
        what, err);
    if (!q) return -1;
    const char *text[] = {f->id, f->name, f->file, f->text, f->loaded_by};
    for (int i = 0; i < 5; i++) bind_text(q, i + 1, text[i] ? text[i] : "");
    return dsms_sqlite_done(db, path, q, what, err);
}

int dsms_sqlite_framework_remove(sqlite3 *db, const char *path, const char *id, dsms_err *err)
{
    const char *what = "remove the framework";
    if (clear_statuses(db, path, id, err)) return -1;
    sqlite3_stmt *q = dsms_sqlite_prep(db, path, "DELETE FROM frameworks WHERE id = ?", what, err);
    if (!q) return -1;
    bind_text(q, 1, id);
    if (dsms_sqlite_done(db, path, q, what, err)) return -1;
    return sqlite3_changes(db) > 0;
}

int dsms_sqlite_each_framework(sqlite3 *db, const char *path, const char *id,
                               dsms_stored_framework_fn fn, void *ctx, dsms_err *err)
{
    const char *what = "read the frameworks";
    sqlite3_stmt *q = dsms_sqlite_prep(db, path,
                                       "SELECT id, name, file, text, loaded_at, loaded_by"
                                       " FROM frameworks WHERE ?1 IS NULL OR id = ?1 ORDER BY id",
                                       what, err);
    if (!q) return -1;
    bind_text(q, 1, id);
    int rc = SQLITE_DONE, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        dsms_stored_framework f = {dsms_sqlite_text(q, 0), dsms_sqlite_text(q, 1),
                                   dsms_sqlite_text(q, 2), dsms_sqlite_text(q, 3),
                                   dsms_sqlite_text(q, 4), dsms_sqlite_text(q, 5)};
        stop = fn(ctx, &f);
    }
    if (!stop && rc != SQLITE_DONE) dsms_sqlite_fail(db, path, what, err);
    sqlite3_finalize(q);
    if (stop < 0) return dsms_callback_failed(err, "the frameworks");
    return !stop && rc != SQLITE_DONE ? -1 : 0;
}

static int put_status(sqlite3_stmt *q, const dsms_status_row *r)
{
    const char *text[] = {r->framework, r->area_code, r->period};
    for (int i = 0; i < 3; i++) bind_text(q, i + 1, text[i]);
    sqlite3_bind_int(q, 4, r->seq);
    bind_text(q, 5, r->metric);
    sqlite3_bind_int(q, 6, r->latest != 0);
    const double num[] = {r->baseline, r->value,      r->lower95,   r->upper95,
                          r->target,   r->trajectory, r->gap_people};
    for (int i = 0; i < 7; i++) dsms_sqlite_bind_number(q, i + 7, num[i]);
    bind_text(q, 14, r->status);
    bind_text(q, 15, r->trend && *r->trend ? r->trend : NULL);
    bind_text(q, 16, r->why ? r->why : "");
    sqlite3_bind_int(q, 17, r->suppressed != 0);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : -1;
}

int dsms_sqlite_statuses_put(sqlite3 *db, const char *path, const char *framework,
                             const dsms_status_row *rows, size_t n, dsms_err *err)
{
    const char *what = "store the framework's statuses";
    if (clear_statuses(db, path, framework, err)) return -1;
    sqlite3_stmt *q = dsms_sqlite_prep(
        db, path, "INSERT INTO framework_status VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", what,
        err);
    if (!q) return -1;
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++)
        if (put_status(q, &rows[i])) rc = dsms_sqlite_fail(db, path, what, err);
    sqlite3_finalize(q);
    return rc;
}

int dsms_sqlite_each_status(sqlite3 *db, const char *path, const char *framework,
                            const char *area_code, const char *period, dsms_status_fn fn,
                            void *ctx, dsms_err *err)
{
    const char *what = "read the framework's statuses";
    sqlite3_stmt *q = dsms_sqlite_prep(
        db, path,
        "SELECT framework, area_code, period, metric, seq, latest, baseline, value, lower95,"
        " upper95, target, trajectory, gap_people, status, trend, why, suppressed"
        " FROM framework_status WHERE framework = ?1 AND (?2 IS NULL OR area_code = ?2)"
        " AND (CASE WHEN ?3 IS NULL THEN latest = 1 ELSE period = ?3 END)"
        " ORDER BY area_code, seq",
        what, err);
    if (!q) return -1;
    bind_text(q, 1, framework);
    bind_text(q, 2, area_code);
    bind_text(q, 3, period);
    int rc = SQLITE_DONE, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        dsms_status_row r = {
            dsms_sqlite_text(q, 0),    dsms_sqlite_text(q, 1),    dsms_sqlite_text(q, 2),
            dsms_sqlite_text(q, 3),    sqlite3_column_int(q, 4),  sqlite3_column_int(q, 5),
            dsms_sqlite_number(q, 6),  dsms_sqlite_number(q, 7),  dsms_sqlite_number(q, 8),
            dsms_sqlite_number(q, 9),  dsms_sqlite_number(q, 10), dsms_sqlite_number(q, 11),
            dsms_sqlite_number(q, 12), dsms_sqlite_text(q, 13),   dsms_sqlite_text(q, 14),
            dsms_sqlite_text(q, 15),   sqlite3_column_int(q, 16)};
        stop = fn(ctx, &r);
    }
    if (!stop && rc != SQLITE_DONE) dsms_sqlite_fail(db, path, what, err);
    sqlite3_finalize(q);
    if (stop < 0) return dsms_callback_failed(err, "the framework's statuses");
    return !stop && rc != SQLITE_DONE ? -1 : 0;
}
