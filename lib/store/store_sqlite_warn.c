/* store_sqlite_warn.c — the SQLite store's early-warning tables (schema 9,
 * store_sqlite_warn.h): the substance register (shipped from
 * data/substances.csv, grown by dsms substance add), the alerts the signals
 * raise, keyed by the signal so that finding it again changes the alert
 * instead of adding one, and each alert's changes of state. */
#include "store_sqlite_warn.h"

#include "store_sqlite_accounts.h"

const char *const dsms_sqlite_schema_9 =
    "CREATE TABLE reporters (code TEXT PRIMARY KEY, name TEXT NOT NULL);"
    "CREATE TABLE substances (code TEXT PRIMARY KEY, name TEXT NOT NULL, family TEXT NOT NULL,"
    " synonyms TEXT NOT NULL, legal_status TEXT NOT NULL, first_uk TEXT NOT NULL,"
    " added_at TEXT NOT NULL, added_by TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE alerts (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
    " state TEXT NOT NULL, severity TEXT NOT NULL, substance TEXT NOT NULL,"
    " family TEXT NOT NULL, areas TEXT NOT NULL, period TEXT NOT NULL, title TEXT NOT NULL,"
    " evidence TEXT NOT NULL, raised_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE TABLE alert_events (id INTEGER PRIMARY KEY,"
    " alert INTEGER NOT NULL REFERENCES alerts(id), at TEXT NOT NULL, actor TEXT NOT NULL,"
    " from_state TEXT NOT NULL, to_state TEXT NOT NULL, note TEXT NOT NULL);";

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

static void bind_text(sqlite3_stmt *q, int i, const char *t)
{
    if (t) sqlite3_bind_text(q, i, t, -1, SQLITE_STATIC);
    else sqlite3_bind_null(q, i);
}

/* Step q to its end calling row(q, cb) for each row, as a dsms_store_each_
 * function does (diag.h, "Callbacks"): what is what it reads, e.g. "the
 * alerts". 0, or -1 with err set. */
static int each_row(sqlite3 *db, const char *path, sqlite3_stmt *q, const char *what,
                    int (*row)(sqlite3_stmt *q, void *cb), void *cb, dsms_err *err)
{
    int rc = SQLITE_DONE, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) stop = row(q, cb);
    if (!stop && rc != SQLITE_DONE) dsms_sqlite_fail(db, path, "read", err);
    sqlite3_finalize(q);
    if (stop < 0) return dsms_callback_failed(err, "%s", what);
    return !stop && rc != SQLITE_DONE ? -1 : 0;
}

int dsms_sqlite_substance_put(sqlite3 *db, const char *path, const dsms_stored_substance *s,
                              dsms_err *err)
{
    const char *what = "store the substance";
    sqlite3_stmt *q = dsms_sqlite_prep(
        db, path, "INSERT OR REPLACE INTO substances VALUES (?, ?, ?, ?, ?, ?, coalesce(?, " NOW
        "), ?)", what, err);
    if (!q) return -1;
    const char *text[] = {s->code, s->name, s->family, s->synonyms, s->legal_status, s->first_uk};
    for (int i = 0; i < 6; i++) bind_text(q, i + 1, text[i] ? text[i] : "");
    bind_text(q, 7, s->added_at);
    bind_text(q, 8, s->added_by ? s->added_by : "");
    return dsms_sqlite_done(db, path, q, what, err);
}

typedef struct {
    dsms_stored_substance_fn fn;
    void *ctx;
} substance_cb;

static int substance_row(sqlite3_stmt *q, void *cb)
{
    dsms_stored_substance s = {dsms_sqlite_text(q, 0), dsms_sqlite_text(q, 1),
                               dsms_sqlite_text(q, 2), dsms_sqlite_text(q, 3),
                               dsms_sqlite_text(q, 4), dsms_sqlite_text(q, 5),
                               dsms_sqlite_text(q, 6), dsms_sqlite_text(q, 7)};
    substance_cb *c = cb;
    return c->fn(c->ctx, &s);
}

int dsms_sqlite_each_substance(sqlite3 *db, const char *path, const char *code,
                               dsms_stored_substance_fn fn, void *ctx, dsms_err *err)
{
    sqlite3_stmt *q = dsms_sqlite_prep(db, path,
                                       "SELECT * FROM substances WHERE ?1 IS NULL OR code = ?1"
                                       " ORDER BY code",
                                       "read the substance register", err);
    if (!q) return -1;
    bind_text(q, 1, code);
    substance_cb cb = {fn, ctx};
    return each_row(db, path, q, "the substance register", substance_row, &cb, err);
}

/* The id of the alert of key, or 0 when there is none; -1 with err set. */
static int64_t alert_of_key(sqlite3 *db, const char *path, const char *key, dsms_err *err)
{
    const char *what = "read the alerts";
    sqlite3_stmt *q = dsms_sqlite_prep(db, path, "SELECT id FROM alerts WHERE key = ?", what, err);
    if (!q) return -1;
    bind_text(q, 1, key);
    int rc = sqlite3_step(q);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) id = dsms_sqlite_fail(db, path, what, err);
    sqlite3_finalize(q);
    return id;
}

int dsms_sqlite_alert_raise(sqlite3 *db, const char *path, const dsms_stored_alert *a,
                            int64_t *id, int *created, dsms_err *err)
{
    const char *what = "store the alert";
    if ((*id = alert_of_key(db, path, a->key, err)) < 0) return -1;
    *created = *id == 0;
    sqlite3_stmt *q = dsms_sqlite_prep(
        db, path,
        *created ? "INSERT INTO alerts (severity, areas, title, evidence, key, kind, substance,"
                   " family, period, state, raised_at, updated_at)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'new', " NOW ", " NOW ")"
                 : "UPDATE alerts SET severity = ?1, areas = ?2, title = ?3, evidence = ?4,"
                   " updated_at = " NOW " WHERE key = ?5 AND state <> 'closed'"
                   " AND (severity, areas, title, evidence) IS NOT (?1, ?2, ?3, ?4)",
        what, err);
    if (!q) return -1;
    const char *text[] = {a->severity, a->areas,     a->title,  a->evidence, a->key,
                          a->kind,     a->substance, a->family, a->period};
    for (int i = 0; i < (*created ? 9 : 5); i++) bind_text(q, i + 1, text[i] ? text[i] : "");
    if (dsms_sqlite_done(db, path, q, what, err)) return -1;
    if (*created) *id = sqlite3_last_insert_rowid(db);
    return 0;
}

typedef struct {
    dsms_stored_alert_fn fn;
    void *ctx;
} alert_cb;

static int alert_row(sqlite3_stmt *q, void *cb)
{
    dsms_stored_alert a = {sqlite3_column_int64(q, 0), dsms_sqlite_text(q, 1),
                           dsms_sqlite_text(q, 2),      dsms_sqlite_text(q, 3),
                           dsms_sqlite_text(q, 4),      dsms_sqlite_text(q, 5),
                           dsms_sqlite_text(q, 6),      dsms_sqlite_text(q, 7),
                           dsms_sqlite_text(q, 8),      dsms_sqlite_text(q, 9),
                           dsms_sqlite_text(q, 10),     dsms_sqlite_text(q, 11),
                           dsms_sqlite_text(q, 12)};
    alert_cb *c = cb;
    return c->fn(c->ctx, &a);
}

int dsms_sqlite_each_alert(sqlite3 *db, const char *path, const dsms_alert_filter *f,
                           dsms_stored_alert_fn fn, void *ctx, dsms_err *err)
{
    sqlite3_stmt *q = dsms_sqlite_prep(
        db, path,
        "SELECT id, key, kind, state, severity, substance, family, areas, period, title,"
        " evidence, raised_at, updated_at FROM alerts"
        " WHERE (?1 <= 0 OR id = ?1) AND (?2 IS NULL OR state = ?2) AND (?3 IS NULL OR kind = ?3)"
        " AND (?4 IS NULL OR ';' || areas || ';' LIKE '%;' || ?4 || ';%')"
        " ORDER BY period DESC, id DESC",
        "read the alerts", err);
    if (!q) return -1;
    sqlite3_bind_int64(q, 1, f ? f->id : 0);
    bind_text(q, 2, f ? f->state : NULL);
    bind_text(q, 3, f ? f->kind : NULL);
    bind_text(q, 4, f ? f->area : NULL);
    alert_cb cb = {fn, ctx};
    return each_row(db, path, q, "the alerts", alert_row, &cb, err);
}

int dsms_sqlite_alert_move(sqlite3 *db, const char *path, int64_t id, const char *from,
                           const char *to, const char *actor, const char *note, dsms_err *err)
{
    const char *what = "change the alert's state";
    sqlite3_stmt *q = dsms_sqlite_prep(db, path,
                                       "UPDATE alerts SET state = ?3, updated_at = " NOW
                                       " WHERE id = ?1 AND state = ?2",
                                       what, err);
    if (!q) return -1;
    sqlite3_bind_int64(q, 1, id);
    bind_text(q, 2, from);
    bind_text(q, 3, to);
    if (dsms_sqlite_done(db, path, q, what, err)) return -1;
    if (sqlite3_changes(db) == 0) return 0;
    q = dsms_sqlite_prep(db, path,
                         "INSERT INTO alert_events (alert, at, actor, from_state, to_state, note)"
                         " VALUES (?, " NOW ", ?, ?, ?, ?)",
                         what, err);
    if (!q) return -1;
    sqlite3_bind_int64(q, 1, id);
    const char *text[] = {actor, from, to, note};
    for (int i = 0; i < 4; i++) bind_text(q, i + 2, text[i] ? text[i] : "");
    return dsms_sqlite_done(db, path, q, what, err) ? -1 : 1;
}

typedef struct {
    dsms_alert_event_fn fn;
    void *ctx;
} event_cb;

static int event_row(sqlite3_stmt *q, void *cb)
{
    dsms_alert_event e = {sqlite3_column_int64(q, 0), dsms_sqlite_text(q, 1),
                          dsms_sqlite_text(q, 2),      dsms_sqlite_text(q, 3),
                          dsms_sqlite_text(q, 4),      dsms_sqlite_text(q, 5)};
    event_cb *c = cb;
    return c->fn(c->ctx, &e);
}

int dsms_sqlite_each_alert_event(sqlite3 *db, const char *path, int64_t id,
                                 dsms_alert_event_fn fn, void *ctx, dsms_err *err)
{
    sqlite3_stmt *q = dsms_sqlite_prep(db, path,
                                       "SELECT alert, at, actor, from_state, to_state, note"
                                       " FROM alert_events WHERE alert = ? ORDER BY id",
                                       "read the alerts' history", err);
    if (!q) return -1;
    sqlite3_bind_int64(q, 1, id);
    event_cb cb = {fn, ctx};
    return each_row(db, path, q, "the alerts' history", event_row, &cb, err);
}
