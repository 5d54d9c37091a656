/* store_sqlite.c — the SQLite backend of the storage interface (store.h).
 *
 * WAL journal, one writer transaction per submission. Data tables are
 * WITHOUT ROWID and keyed by the data set's key fields, so a resubmitted
 * record replaces the old one in place; an upsert that would overwrite a
 * record written by the same submission is refused, which is how duplicate
 * keys within a submission are found without holding keys in memory. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_int.h"
#include "store_sqlite_accounts.h"
#include "store_sqlite_check.h"
#include "store_sqlite_steer.h"
#include "store_sqlite_warn.h"

#define SCHEMA_VERSION "9"
#define MAX_TABLES 16
#define MAX_REF_TABLES 16

/* How long a statement waits for another command's lock before it fails. */
#define BUSY_MS 10000

typedef struct {
    dsms_store base;
    sqlite3 *db;
    /* Per table: an upsert of one record and of DSMS_PUT_MAX records, and the
     * look-up of a record's origin. */
    sqlite3_stmt *put1[MAX_TABLES], *putn[MAX_TABLES], *origin[MAX_TABLES];
    sqlite3_stmt *episode, *quarantine;
    sqlite3_stmt *ref_put[MAX_REF_TABLES]; /* the last insert into each reference table */
    char *path;                            /* as the caller named it, for messages */
    int unchecked; /* opened with DSMS_STORE_CHECK_LATER, not yet found sound */
    char *file;    /* the file, for that check's connection (set when unchecked) */
} sqlite_store;

/* What failed, in words. `what` is a table's name or a statement's text
 * (never shown: users see what dsms was doing, not how). Inside a
 * transaction dsms is writing; outside one it is reading. */
static const char *purpose(sqlite_store *s, const char *what)
{
    static const struct {
        const char *start, *says;
    } statement[] = {{"BEGIN", "cannot start writing to the store"},
                     {"COMMIT", "cannot commit the changes"},
                     {"PRAGMA", "cannot open the store"},
                     {"CREATE", "cannot create the store's tables"},
                     {"ALTER", "cannot upgrade the store to this dsms's schema"},
                     {"SAVEPOINT", "cannot write to the store"},
                     {"RELEASE", "cannot write to the store"},
                     {"ROLLBACK", "cannot undo the changes"}};
    for (size_t i = 0; i < sizeof statement / sizeof statement[0]; i++)
        if (strncmp(what, statement[i].start, strlen(statement[i].start)) == 0)
            return statement[i].says;
    /* Otherwise the table the statement is about. */
    const char *t = what;
    const char *const marks[] = {"INTO ", "FROM ", "UPDATE "};
    for (size_t i = 0; i < 3 && t == what; i++) {
        const char *at = strstr(what, marks[i]);
        if (at) t = at + strlen(marks[i]);
    }
    int writing = !sqlite3_get_autocommit(s->db);
    static const struct {
        const char *table, *write, *read;
    } tables[] = {
        {"submissions", "cannot store the submission", "cannot read the submissions"},
        {"quarantine", "cannot store the rejected rows", "cannot read the quarantine"},
        {"audit", "cannot write the audit record", "cannot read the audit record"},
        {"results", "cannot store the results", "cannot read the results"},
        {"computations", "cannot store the results", "cannot read the results"},
        {"codes", "cannot write the code lists", "cannot read the code lists"},
        {"meta", "cannot record the store's settings", "cannot read the store's settings"},
        {"count", "cannot count the records", "cannot count the records"},
        {"series_values", "cannot store the series' values", "cannot read the series' values"}};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        if (strncmp(t, tables[i].table, strlen(tables[i].table)) == 0)
            return writing ? tables[i].write : tables[i].read;
    size_t n;
    const char *const *ref = dsms_store_ref_tables(&n);
    for (size_t i = 0; i < n; i++)
        if (strncmp(t, ref[i], strlen(ref[i])) == 0)
            return writing ? "cannot store the reference data" : "cannot read the reference data";
    return writing ? "cannot store the submission" : "cannot read the records";
}

/* Why, in words: SQLite's own text only where it is plain. */
static void cause(sqlite_store *s, char *buf, size_t n)
{
    int code = sqlite3_errcode(s->db) & 0xff;
    const char *msg = sqlite3_errmsg(s->db), *path = s->path;
    switch (code) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        snprintf(buf, n, "the store is damaged (%s); nothing was changed: see what is wrong "
                         "with dsms check %s, and restore the store from a backup",
                 sqlite3_errstr(code), path);
        break;
    case SQLITE_READONLY:
        snprintf(buf, n, "the store is read-only to this command: the file %s, or its "
                         "directory (where SQLite keeps %s-wal and %s-shm), is not writable "
                         "by you; nothing was changed",
                 path, path, path);
        break;
    case SQLITE_FULL:
        snprintf(buf, n, "the disk is full; nothing was changed: free some space and run "
                         "the command again");
        break;
    case SQLITE_IOERR:
        snprintf(buf, n, "the disk could not be read or written (%s); nothing was changed: "
                         "check the disk, then run dsms check %s",
                 sqlite3_errstr(code), path);
        break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        snprintf(buf, n, "another command is writing to the store; nothing was changed: run "
                         "this one again when it has finished");
        break;
    case SQLITE_CANTOPEN:
        snprintf(buf, n, "cannot open the store's files (%s, %s-wal, %s-shm): check that you "
                         "can read and write them and their directory",
                 path, path, path);
        break;
    case SQLITE_NOMEM: snprintf(buf, n, "out of memory"); break;
    case SQLITE_CONSTRAINT: snprintf(buf, n, "%s", msg); break; /* names the column */
    default:
        if (strncmp(msg, "no such table: ", 15) == 0 || strncmp(msg, "no such column: ", 16) == 0)
            snprintf(buf, n, "the store has lost its %s %s: it was changed outside dsms or "
                             "is damaged (see what is wrong with dsms check %s)",
                     msg[8] == 't' ? "table" : "column", strchr(msg, ':') + 2, path);
        else
            snprintf(buf, n, "%s", sqlite3_errstr(code));
    }
}

static int fail(sqlite_store *s, dsms_err *err, const char *what)
{
    char why[400];
    cause(s, why, sizeof why);
    dsms_err_set(err, "%s: %s: %s", s->path, purpose(s, what), why);
    return -1;
}

static int exec(dsms_store *st, const char *sql, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) return fail(s, err, sql);
    return 0;
}

/* A commit that fails is rolled back: no transaction is left open behind it. */
static int commit(sqlite_store *s, dsms_err *err)
{
    if (!exec(&s->base, "COMMIT", err)) return 0;
    exec(&s->base, "ROLLBACK", NULL);
    return -1;
}

static int prepare(sqlite_store *s, sqlite3_stmt **stmt, const char *sql, dsms_err *err)
{
    if (*stmt) {
        sqlite3_reset(*stmt);
        sqlite3_clear_bindings(*stmt);
        return 0;
    }
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL) != SQLITE_OK)
        return fail(s, err, sql);
    return 0;
}

/* A one-off statement: prepare, then run_once() after binding. */
static sqlite3_stmt *one_off(sqlite_store *s, const char *sql, const char *what, dsms_err *err)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK) {
        fail(s, err, what);
        return NULL;
    }
    return q;
}

static int run_once(sqlite_store *s, sqlite3_stmt *q, const char *what, dsms_err *err)
{
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? 0 : fail(s, err, what);
}

static void sqlite_close(dsms_store *st)
{
    sqlite_store *s = (sqlite_store *)st;
    for (int i = 0; i < MAX_TABLES; i++) {
        sqlite3_finalize(s->put1[i]);
        sqlite3_finalize(s->putn[i]);
        sqlite3_finalize(s->origin[i]);
    }
    for (int i = 0; i < MAX_REF_TABLES; i++) sqlite3_finalize(s->ref_put[i]);
    sqlite3_finalize(s->episode);
    sqlite3_finalize(s->quarantine);
    sqlite3_close(s->db);
    free(s->path);
    free(s->file);
    free(s);
}

/* Append to a growing SQL text; the schema and statements are short. */
typedef struct {
    char buf[16384];
    size_t n;
} sqlbuf;

static void add(sqlbuf *b, const char *fmt, const char *arg)
{
    int w = snprintf(b->buf + b->n, sizeof b->buf - b->n, fmt, arg);
    if (w > 0) b->n += (size_t)w;
    if (b->n >= sizeof b->buf) b->n = sizeof b->buf - 1;
}

static void key_list(sqlbuf *b, const dsms_table *t, const char *sep_fmt)
{
    int first = 1;
    for (size_t i = 0; i < t->nfields; i++) {
        if (!(t->fields[i].flags & DSMS_F_KEY)) continue;
        add(b, first ? "%s" : sep_fmt, t->fields[i].name);
        first = 0;
    }
}

/* v_TABLE: the table as people read it, codes and dates as text. */
static int create_view(sqlite_store *s, const dsms_table *t, const dsms_column *cols, size_t n,
                       dsms_err *err)
{
    sqlbuf b = {.n = 0};
    add(&b, "CREATE VIEW v_%s AS SELECT submission_id, line", t->name);
    for (size_t i = 0; i < n; i++) {
        const dsms_field *f = cols[i].field >= 0 ? &t->fields[cols[i].field] : NULL;
        if (f && f->type == DSMS_TYPE_CODE) {
            add(&b, ", (SELECT code FROM codes WHERE list = '%s'", f->codes->name);
            add(&b, " AND id = %s)", f->name);
        } else if (f && f->type == DSMS_TYPE_DATE) {
            add(&b, ", date(%s * 86400, 'unixepoch')", f->name);
        } else if (cols[i].type == DSMS_COL_BLOB) {
            add(&b, ", CASE WHEN %s IS NOT NULL", cols[i].name);
            add(&b, " THEN lower(hex(%s)) END", cols[i].name);
        } else {
            add(&b, ", %s", cols[i].name);
        }
        add(&b, " AS %s", cols[i].name);
    }
    add(&b, " FROM %s", t->name);
    return exec(&s->base, b.buf, err);
}

/* The code lists, so that stored code numbers can be read. */
static int fill_codes(sqlite_store *s, dsms_err *err)
{
    size_t n;
    const dsms_codelist *const *cl = dsms_codelists(&n);
    /* OR IGNORE: an upgrade adds the lists and codes the store has not got. */
    sqlite3_stmt *q =
        one_off(s, "INSERT OR IGNORE INTO codes VALUES (?, ?, ?, ?, ?)", "codes", err);
    if (!q) return -1;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < cl[i]->ncodes; k++) {
            const dsms_code *c = &cl[i]->codes[k];
            sqlite3_bind_text(q, 1, cl[i]->name, -1, SQLITE_STATIC);
            sqlite3_bind_int64(q, 2, (sqlite3_int64)k + 1);
            sqlite3_bind_text(q, 3, c->code, -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 4, c->label, -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 5, c->group, -1, SQLITE_STATIC);
            if (sqlite3_step(q) != SQLITE_DONE) {
                sqlite3_finalize(q);
                return fail(s, err, "codes");
            }
            sqlite3_reset(q);
        }
    sqlite3_finalize(q);
    return 0;
}

static int create_table(sqlite_store *s, const dsms_table *t, dsms_err *err)
{
    dsms_column cols[DSMS_MAX_COLUMNS];
    size_t n = dsms_store_columns(t, cols);
    sqlbuf b = {.n = 0};
    add(&b, "CREATE TABLE %s (submission_id INTEGER NOT NULL REFERENCES submissions(id),"
            " line INTEGER NOT NULL", t->name);
    for (size_t i = 0; i < n; i++) {
        add(&b, ", %s", cols[i].name);
        int key = cols[i].field >= 0 && (t->fields[cols[i].field].flags & DSMS_F_KEY);
        static const char *const type[] = {" TEXT", " INTEGER", " BLOB"};
        add(&b, "%s", type[cols[i].type]);
        if (key) add(&b, "%s", " NOT NULL");
    }
    add(&b, "%s", ", PRIMARY KEY (");
    key_list(&b, t, ", %s");
    add(&b, "%s", ")) WITHOUT ROWID");
    if (exec(&s->base, b.buf, err)) return -1;
    return create_view(s, t, cols, n, err);
}

/* The measures' results and the computations that made them (schema 3).
 * A store of schema 2 gains these tables when opened for writing; schema 4
 * adds to them (schema_4 below). */
static const char *results_schema =
    "CREATE TABLE results (measure TEXT NOT NULL, area_code TEXT NOT NULL,"
    " level TEXT NOT NULL, period TEXT NOT NULL, breakdown TEXT NOT NULL,"
    " category TEXT NOT NULL, numerator REAL, denominator REAL, value REAL,"
    " lower95 REAL, upper95 REAL, lower99_8 REAL, upper99_8 REAL, vs_england TEXT,"
    " vs_comparators TEXT, trend TEXT, provisional INTEGER NOT NULL,"
    " PRIMARY KEY (measure, area_code, period, breakdown, category)) WITHOUT ROWID;"
    "CREATE TABLE computations (id INTEGER PRIMARY KEY, at TEXT NOT NULL,"
    " seconds REAL NOT NULL, results INTEGER NOT NULL, detail TEXT NOT NULL);";

/* What schema 4 adds to schema 3, run by a new store after results_schema
 * and by an old one when it is upgraded, so both end the same:
 * - each result's disclosure decision, made by dsms compute (1 hidden from
 *   public output, 0 published); null for the results a schema-3 store
 *   computed before, which public output refuses until computed again;
 * - the mortality registers, the only sources deaths may come from
 *   (registers.csv), holding the one register the shipped data lists until
 *   the reference data is loaded (dsms init, dsms reference load). */
static const char *schema_4 =
    "ALTER TABLE results ADD COLUMN suppressed INTEGER;"
    "CREATE TABLE registers (code TEXT PRIMARY KEY, name TEXT NOT NULL);"
    "INSERT INTO registers VALUES ('ONS', 'Office for National Statistics');";

/* What schema 5 adds, run by a new store and by an old one when upgraded:
 * each result's flag that a death in it was counted by date of death for
 * want of a registration date, and whether it looks back before the store's
 * first data (1) or not (0; so for results computed before); the days a
 * prison opened and closed (optional, YYYY-MM-DD). For a store whose deaths
 * table was made before, the deaths' registration date (the table and its
 * view are made from the data set, so a new store has it already). */
static const char *schema_5 =
    "ALTER TABLE results ADD COLUMN by_occurrence INTEGER;"
    "ALTER TABLE results ADD COLUMN incomplete_history INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE prisons ADD COLUMN opened TEXT;"
    "ALTER TABLE prisons ADD COLUMN closed TEXT;";
static const char *schema_5_deaths =
    "ALTER TABLE deaths ADD COLUMN registration_date INTEGER; DROP VIEW IF EXISTS v_deaths;";

/* What schema 6 adds, run by a new store and by an old one when upgraded:
 * the accounts of the server (their passwords as Argon2id text), their API
 * tokens and their sessions (each token only as its 32-byte hash), the
 * partnerships of areas (partnerships.csv, empty until the reference data
 * is loaded again), and where each line of the audit record came from; the
 * audit record becomes append-only, the store itself refusing to change or
 * remove a line. */
static const char *schema_6 =
    "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    " role TEXT NOT NULL, scope TEXT NOT NULL DEFAULT '', password_hash TEXT NOT NULL,"
    " created_at TEXT NOT NULL, failed_logins INTEGER NOT NULL DEFAULT 0,"
    " locked_until INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE tokens (id INTEGER PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users(id), label TEXT NOT NULL,"
    " hash BLOB NOT NULL UNIQUE, created_at TEXT NOT NULL, last_used_at TEXT,"
    " revoked_at TEXT, UNIQUE (user_id, label));"
    "CREATE TABLE sessions (hash BLOB PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),"
    " csrf BLOB NOT NULL, created_at INTEGER NOT NULL, last_used INTEGER NOT NULL,"
    " expires INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX sessions_user ON sessions (user_id);"
    "CREATE TABLE partnerships (partnership_code TEXT NOT NULL, partnership_name TEXT NOT NULL,"
    " area_code TEXT NOT NULL REFERENCES areas(code), UNIQUE (partnership_code, area_code));"
    "ALTER TABLE audit ADD COLUMN origin TEXT;"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit record cannot be changed'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit record cannot be changed'); END;";

/* What schema 7 adds, run by a new store and by an old one when upgraded:
 * the catalogue of published series (series.csv, empty until the reference
 * data is loaded again) and the series' values, keyed so that a value given
 * again replaces the one before in place, each with the submission and line
 * it came from. */
static const char *schema_7 =
    "CREATE TABLE series (code TEXT PRIMARY KEY, name TEXT NOT NULL, unit TEXT NOT NULL,"
    " polarity TEXT NOT NULL, source TEXT NOT NULL, levels TEXT NOT NULL);"
    "CREATE TABLE series_values (series TEXT NOT NULL, period TEXT NOT NULL,"
    " level TEXT NOT NULL, code TEXT NOT NULL, value REAL NOT NULL, numerator REAL,"
    " denominator REAL, lower REAL, upper REAL, unit TEXT NOT NULL, source TEXT NOT NULL,"
    " as_at TEXT, submission_id INTEGER NOT NULL REFERENCES submissions(id),"
    " line INTEGER NOT NULL, PRIMARY KEY (series, period, level, code)) WITHOUT ROWID;";

/* What schema 8 adds, run by a new store and by an old one when upgraded:
 * the outcomes frameworks loaded (their YAML text whole) and each one's
 * statuses, worked out whenever the results or the series change. */
static const char *schema_8 =
    "CREATE TABLE frameworks (id TEXT PRIMARY KEY, name TEXT NOT NULL, file TEXT NOT NULL,"
    " text TEXT NOT NULL, loaded_at TEXT NOT NULL, loaded_by TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE framework_status (framework TEXT NOT NULL REFERENCES frameworks(id),"
    " area_code TEXT NOT NULL, period TEXT NOT NULL, seq INTEGER NOT NULL, metric TEXT NOT NULL,"
    " latest INTEGER NOT NULL, baseline REAL, value REAL, lower95 REAL, upper95 REAL,"
    " target REAL, trajectory REAL, gap_people REAL, status TEXT NOT NULL, trend TEXT,"
    " why TEXT NOT NULL, suppressed INTEGER NOT NULL,"
    " PRIMARY KEY (framework, area_code, period, seq)) WITHOUT ROWID;";

static const char *base_schema =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
    /* Reference tables: the columns of their files (refdata.c), rows kept in
     * the order written so that they read back as they came. */
    "CREATE TABLE regions (code TEXT PRIMARY KEY, name TEXT NOT NULL);"
    "CREATE TABLE police_forces (code TEXT PRIMARY KEY, name TEXT NOT NULL);"
    "CREATE TABLE probation_regions (code TEXT PRIMARY KEY, name TEXT NOT NULL);"
    "CREATE TABLE areas (code TEXT PRIMARY KEY, name TEXT NOT NULL,"
    " region_code TEXT NOT NULL REFERENCES regions(code),"
    " police_force_code TEXT NOT NULL REFERENCES police_forces(code),"
    " probation_region_code TEXT NOT NULL REFERENCES probation_regions(code),"
    " opiate_crack_per_1000 REAL NOT NULL, deprivation_score REAL NOT NULL);"
    "CREATE TABLE population (area_code TEXT NOT NULL REFERENCES areas(code),"
    " sex TEXT NOT NULL, age_band TEXT NOT NULL, population REAL NOT NULL,"
    " UNIQUE (area_code, sex, age_band));"
    "CREATE TABLE esp2013 (age_band TEXT PRIMARY KEY, population REAL NOT NULL);"
    "CREATE TABLE prisons (code TEXT PRIMARY KEY, name TEXT NOT NULL,"
    " area_code TEXT NOT NULL REFERENCES areas(code), capacity INTEGER NOT NULL);"
    "CREATE TABLE providers (code TEXT PRIMARY KEY, name TEXT NOT NULL,"
    " area_code TEXT NOT NULL REFERENCES areas(code), prison_code TEXT REFERENCES prisons(code));"
    "CREATE TABLE comparators (area_code TEXT NOT NULL REFERENCES areas(code),"
    " rank INTEGER NOT NULL, comparator_code TEXT NOT NULL REFERENCES areas(code),"
    " distance REAL NOT NULL, PRIMARY KEY (area_code, rank));"
    "CREATE TABLE submissions (id INTEGER PRIMARY KEY, source TEXT NOT NULL,"
    " table_name TEXT NOT NULL, file_name TEXT NOT NULL, sha256 TEXT NOT NULL,"
    " received_at TEXT NOT NULL, submitted_by TEXT NOT NULL, rows_read INTEGER NOT NULL,"
    " accepted INTEGER NOT NULL, quarantined INTEGER NOT NULL, warnings INTEGER NOT NULL,"
    " status TEXT NOT NULL);"
    "CREATE INDEX submissions_sha ON submissions (source, table_name, sha256);"
    "CREATE TABLE quarantine (id INTEGER PRIMARY KEY,"
    " submission_id INTEGER NOT NULL REFERENCES submissions(id), table_name TEXT NOT NULL,"
    " line INTEGER NOT NULL, record TEXT NOT NULL, diagnostics TEXT NOT NULL);"
    "CREATE TABLE codes (list TEXT NOT NULL, id INTEGER NOT NULL, code TEXT NOT NULL,"
    " label TEXT NOT NULL, grp TEXT, PRIMARY KEY (list, id)) WITHOUT ROWID;"
    "CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,"
    " action TEXT NOT NULL, detail TEXT NOT NULL);"
    "INSERT INTO meta VALUES ('schema_version', '" SCHEMA_VERSION "'),"
    " ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));";

static int create_schema(sqlite_store *s, dsms_err *err)
{
    if (exec(&s->base, "BEGIN", err)) return -1;
    if (exec(&s->base, base_schema, err) || exec(&s->base, results_schema, err) ||
        exec(&s->base, schema_4, err) || exec(&s->base, schema_5, err) ||
        exec(&s->base, schema_6, err) || exec(&s->base, schema_7, err) ||
        exec(&s->base, schema_8, err) || exec(&s->base, dsms_sqlite_schema_9, err) ||
        fill_codes(s, err))
        goto bad;
    size_t n;
    const dsms_table *t = dsms_tables(&n);
    for (size_t i = 0; i < n; i++)
        if (create_table(s, &t[i], err)) goto bad;
    return commit(s, err);
bad:
    exec(&s->base, "ROLLBACK", NULL);
    return -1;
}

/* Schema 5's deaths column, and the view of the table made again with it. */
static int upgrade_deaths(sqlite_store *s, dsms_err *err)
{
    const dsms_table *t = dsms_table_find("deaths");
    dsms_column cols[DSMS_MAX_COLUMNS];
    size_t n = dsms_store_columns(t, cols);
    if (exec(&s->base, schema_5_deaths, err)) return -1;
    return create_view(s, t, cols, n, err);
}

/* Schema 9: the early-warning tables, and the new data set table. */
static int upgrade_warn(sqlite_store *s, dsms_err *err)
{
    return exec(&s->base, dsms_sqlite_schema_9, err) || fill_codes(s, err) ||
           create_table(s, dsms_table_find("ew_reports"), err);
}

/* Bring a store of schema 2 to 5, opened for writing, to SCHEMA_VERSION in
 * one transaction: each step adds what its version added, in order. A step
 * for a later version goes at the end. */
static int upgrade(sqlite_store *s, int from, dsms_err *err)
{
    if (exec(&s->base, "BEGIN IMMEDIATE", err)) return -1;
    if ((from < 3 && exec(&s->base, results_schema, err)) ||
        (from < 4 && exec(&s->base, schema_4, err)) ||
        (from < 5 && (exec(&s->base, schema_5, err) || upgrade_deaths(s, err))) ||
        (from < 6 && exec(&s->base, schema_6, err)) ||
        (from < 7 && exec(&s->base, schema_7, err)) ||
        (from < 8 && exec(&s->base, schema_8, err)) ||
        (from < 9 && upgrade_warn(s, err)) ||
        exec(&s->base, "UPDATE meta SET value = '" SCHEMA_VERSION "' WHERE key = 'schema_version'",
             err)) {
        exec(&s->base, "ROLLBACK", NULL);
        return -1;
    }
    return commit(s, err);
}

/* The store's schema version ("" when it records none); -1 when it cannot
 * be read, said in words: an SQLite file without dsms's tables is not a
 * store, and one that cannot answer is damaged or locked away. */
static int read_version(sqlite_store *s, char *version, size_t n, dsms_err *err)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1,
                                &q, NULL);
    if (rc == SQLITE_ERROR && strcmp(sqlite3_errmsg(s->db), "no such table: meta") == 0) {
        dsms_err_set(err, "%s: not a dsms store (an SQLite database without dsms's tables; "
                          "dsms init makes a store)", s->path);
        return -1;
    }
    if (rc != SQLITE_OK) return fail(s, err, "PRAGMA");
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) snprintf(version, n, "%s", (const char *)sqlite3_column_text(q, 0));
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        fail(s, err, "PRAGMA");
        sqlite3_finalize(q);
        return -1;
    }
    sqlite3_finalize(q);
    return 0;
}

/* A store of another schema version: what it is and what to do. */
static int other_version(const char *path, const char *version, dsms_err *err)
{
    int v = atoi(version), ours = atoi(SCHEMA_VERSION);
    if (v <= 0)
        dsms_err_set(err, "%s: not a dsms store (it records no schema version)", path);
    else if (v > ours)
        dsms_err_set(err, "%s: a store of schema version %d, newer than this dsms (which reads "
                          "version %d): use a newer dsms",
                     path, v, ours);
    else if (v < 2)
        dsms_err_set(err, "%s: a store of schema version %d, made before the reference tables: "
                          "too old to upgrade; make a new store with dsms init and import the "
                          "submissions again",
                     path, v);
    else
        dsms_err_set(err, "%s: a store of schema version %d, older than this dsms's %d: it is "
                          "upgraded the next time a command writes to it (dsms import, dsms "
                          "compute or dsms reference load)",
                     path, v, ours);
    return -1;
}

static int check_schema(sqlite_store *s, const char *path, int flags, dsms_err *err)
{
    char version[16] = "";
    if (read_version(s, version, sizeof version, err)) return -1;
    if (strcmp(version, SCHEMA_VERSION) == 0) return 0;
    int old = atoi(version);
    if (old < 2 || old >= atoi(SCHEMA_VERSION) || strlen(version) != 1) old = 0;
    if (old && !(flags & DSMS_STORE_READONLY)) return upgrade(s, old, err);
    return other_version(path, version, err);
}

/* Before a write: SQLite's quick check (every page's structure, not the
 * indexes' agreement with their tables, which the full check of dsms check
 * adds), so that nothing is written into a damaged store. */
static int damage_check(sqlite_store *s, dsms_err *err)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, "PRAGMA quick_check(100)", -1, &q, NULL) != SQLITE_OK)
        return fail(s, err, "PRAGMA");
    int rc, damaged = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        damaged |= strcmp((const char *)sqlite3_column_text(q, 0), "ok") != 0;
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) return fail(s, err, "PRAGMA");
    if (!damaged) return 0;
    dsms_err_set(err, "%s: the store is damaged (SQLite's check found problems); "
                      "nothing was changed. See what is wrong with dsms check %s, and "
                      "restore the store from a backup",
                 s->path, s->path);
    return -1;
}

/* The damage check left for later (DSMS_STORE_CHECK_LATER), on a read-only
 * connection of its own. */
static int later_damage_check(dsms_store *st, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    if (!s->unchecked) return 0;
    sqlite_store other = {.path = s->path};
    int rc = sqlite3_open_v2(s->file, &other.db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                             NULL) == SQLITE_OK
                 ? 0
                 : fail(&other, err, "PRAGMA");
    if (!rc) {
        sqlite3_busy_timeout(other.db, BUSY_MS);
        rc = damage_check(&other, err);
    }
    sqlite3_close(other.db);
    if (!rc) s->unchecked = 0;
    return rc;
}

/* Whether the store's schema is the current one (no upgrade due). */
static int current_schema(sqlite_store *s)
{
    char version[16] = "";
    dsms_err ignored;
    return read_version(s, version, sizeof version, &ignored) == 0 &&
           strcmp(version, SCHEMA_VERSION) == 0;
}

/* After the schema check (and any upgrade): every table dsms writes is there. */
static int tables_check(sqlite_store *s, dsms_err *err)
{
    const char *lost = dsms_sqlite_lost_table(s->db);
    if (!lost) return 0;
    dsms_err_set(err, "%s: the store has lost its table %s: it was changed outside dsms or "
                      "is damaged; nothing was changed. See what is wrong with dsms check %s",
                 s->path, lost, s->path);
    return -1;
}

static int meta_get(dsms_store *st, const char *name, char *buf, size_t n, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    sqlite3_stmt *q = one_off(s, "SELECT value FROM meta WHERE key = ?", "meta", err);
    if (!q) return -1;
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) snprintf(buf, n, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    if (rc == SQLITE_ROW) return 1;
    return rc == SQLITE_DONE ? 0 : fail(s, err, "meta");
}

static int meta_set(dsms_store *st, const char *name, const char *value, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    sqlite3_stmt *q = one_off(s, "INSERT OR REPLACE INTO meta VALUES (?, ?)", "meta", err);
    if (!q) return -1;
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
    return run_once(s, q, "meta", err);
}

/* The latest computation's time: the results' "as of". */
static int computed_at(dsms_store *st, int64_t *id, char *buf, size_t n, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    sqlite3_stmt *q = one_off(s, "SELECT id, at FROM computations ORDER BY id DESC LIMIT 1",
                              "computations", err);
    if (!q) return -1;
    int rc = sqlite3_step(q), got = rc == SQLITE_ROW;
    if (got) {
        *id = sqlite3_column_int64(q, 0);
        snprintf(buf, n, "%s", (const char *)sqlite3_column_text(q, 1));
    }
    sqlite3_finalize(q);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) return got;
    return fail(s, err, "computations");
}

static long check(dsms_store *st, const char *key_fingerprint, dsms_finding_fn fn, void *ctx,
                  dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    return dsms_sqlite_check(s->db, s->path, SCHEMA_VERSION, key_fingerprint, fn, ctx, err);
}

/* Position of a reference table in dsms_store_ref_tables(), or -1: table
 * names reach SQL text only after this check. */
static int ref_slot(const char *table, dsms_err *err)
{
    size_t n;
    const char *const *t = dsms_store_ref_tables(&n);
    for (size_t i = 0; i < n && i < MAX_REF_TABLES; i++)
        if (strcmp(t[i], table) == 0) return (int)i;
    dsms_err_set(err, "store: '%s' is not a reference table", table);
    return -1;
}

static int ref_clear(dsms_store *st, dsms_err *err)
{
    size_t n;
    const char *const *t = dsms_store_ref_tables(&n);
    /* Last first: a row goes before the rows it refers to. */
    for (size_t i = n; i-- > 0;) {
        sqlbuf b = {.n = 0};
        add(&b, "DELETE FROM %s", t[i]);
        if (exec(st, b.buf, err)) return -1;
    }
    return 0;
}

static int ref_put(dsms_store *st, const char *table, size_t n, const char *const *names,
                   const char *const *values, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    int slot = ref_slot(table, err);
    if (slot < 0) return -1;
    for (size_t i = 0; i < n; i++)
        if (strchr(names[i], '"')) return dsms_err_set(err, "store: bad column name"), -1;
    sqlbuf b = {.n = 0};
    add(&b, "INSERT INTO %s (", table);
    for (size_t i = 0; i < n; i++) add(&b, i ? ", \"%s\"" : "\"%s\"", names[i]);
    add(&b, "%s", ") VALUES (");
    for (size_t i = 0; i < n; i++) add(&b, "%s", i ? ", ?" : "?");
    add(&b, "%s", ")");
    /* The statement is kept while the same columns come in the same order. */
    sqlite3_stmt **q = &s->ref_put[slot];
    if (*q && strcmp(sqlite3_sql(*q), b.buf) != 0) {
        sqlite3_finalize(*q);
        *q = NULL;
    }
    if (prepare(s, q, b.buf, err)) return -1;
    for (size_t i = 0; i < n; i++) {
        if (values[i]) sqlite3_bind_text(*q, (int)i + 1, values[i], -1, SQLITE_STATIC);
        else sqlite3_bind_null(*q, (int)i + 1);
    }
    int rc = sqlite3_step(*q);
    sqlite3_reset(*q);
    return rc == SQLITE_DONE ? 0 : fail(s, err, table);
}

/* One result row as text: a number in its shortest exact form. */
static void ref_row_text(sqlite3_stmt *q, int i, char *buf, const char **value,
                         dsms_ref_kind *kind)
{
    switch (sqlite3_column_type(q, i)) {
    case SQLITE_NULL:
        *value = "", *kind = DSMS_REF_NULL;
        break;
    case SQLITE_INTEGER:
        snprintf(buf, 32, "%lld", (long long)sqlite3_column_int64(q, i));
        *value = buf, *kind = DSMS_REF_NUMBER;
        break;
    case SQLITE_FLOAT:
        dsms_number_text(sqlite3_column_double(q, i), buf);
        *value = buf, *kind = DSMS_REF_NUMBER;
        break;
    default:
        *value = (const char *)sqlite3_column_text(q, i), *kind = DSMS_REF_TEXT;
        if (!*value) *value = "";
    }
}

enum { REF_MAX_COLUMNS = 16 };

static int ref_each(dsms_store *st, const char *table, dsms_ref_row_fn fn, void *ctx,
                    dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    if (ref_slot(table, err) < 0) return -1;
    sqlbuf b = {.n = 0};
    add(&b, "SELECT * FROM %s ORDER BY rowid", table);
    sqlite3_stmt *q = one_off(s, b.buf, table, err);
    if (!q) return -1;
    size_t n = (size_t)sqlite3_column_count(q);
    if (n > REF_MAX_COLUMNS) n = REF_MAX_COLUMNS;
    const char *name[REF_MAX_COLUMNS], *value[REF_MAX_COLUMNS];
    dsms_ref_kind kind[REF_MAX_COLUMNS];
    char num[REF_MAX_COLUMNS][32];
    for (size_t i = 0; i < n; i++) name[i] = sqlite3_column_name(q, (int)i);
    dsms_ref_row names = {n, name, NULL, NULL};
    int stop = fn(ctx, &names), rc = SQLITE_DONE;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        for (size_t i = 0; i < n; i++) ref_row_text(q, (int)i, num[i], &value[i], &kind[i]);
        dsms_ref_row row = {n, name, value, kind};
        stop = fn(ctx, &row);
    }
    sqlite3_finalize(q);
    if (stop < 0) return dsms_callback_failed(err, "the reference table %s", table);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(s, err, table);
}

static int each_area(dsms_store *st, int (*fn)(void *, const char *), void *ctx, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    sqlite3_stmt *q = one_off(s, "SELECT code FROM areas ORDER BY code", "areas", err);
    if (!q) return -1;
    int rc = SQLITE_DONE, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(q, 0);
        stop = code ? fn(ctx, code) : -1; /* a code is never null: out of memory */
    }
    sqlite3_finalize(q);
    if (stop < 0) return dsms_callback_failed(err, "the areas");
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(s, err, "areas");
}

/* Where t's statements are kept: its place in dsms_tables(), or -1 (err set)
 * for a table that is not one of them, such as a copy. */
static int table_slot(const dsms_table *t, dsms_err *err)
{
    size_t n;
    const dsms_table *all = dsms_tables(&n), *same = dsms_table_find(t->name);
    if (same == t) return (int)(same - all);
    dsms_err_set(err, "%s: not a table of the data set", t->name);
    return -1;
}

/* INSERT ... VALUES (...) x rows ... ON CONFLICT (key) DO UPDATE ... WHERE the
 * stored record is older than `since`: a record of this import is never
 * overwritten, which is how duplicates are found. */
static int prepare_put(sqlite_store *s, const dsms_table *t, size_t rows, sqlite3_stmt **q,
                       dsms_err *err)
{
    dsms_column cols[DSMS_MAX_COLUMNS];
    size_t n = dsms_store_columns(t, cols);
    sqlbuf b = {.n = 0};
    add(&b, "INSERT INTO %s (submission_id, line", t->name);
    for (size_t i = 0; i < n; i++) add(&b, ", %s", cols[i].name);
    add(&b, "%s", ") VALUES ");
    for (size_t r = 0; r < rows; r++) {
        add(&b, "%s", r ? ", (?, ?" : "(?, ?");
        for (size_t i = 0; i < n; i++) add(&b, "%s", ", ?");
        add(&b, "%s", ")");
    }
    add(&b, "%s", " ON CONFLICT (");
    key_list(&b, t, ", %s");
    add(&b, "%s", ") DO UPDATE SET submission_id = excluded.submission_id, line = excluded.line");
    for (size_t i = 0; i < n; i++) {
        add(&b, ", %s = ", cols[i].name);
        add(&b, "excluded.%s", cols[i].name);
    }
    add(&b, " WHERE %s.submission_id < ?", t->name);
    return prepare(s, q, b.buf, err);
}

static int prepare_origin(sqlite_store *s, const dsms_table *t, sqlite3_stmt **q, dsms_err *err)
{
    sqlbuf b = {.n = 0};
    add(&b, "SELECT submission_id, line FROM %s WHERE ", t->name);
    key_list(&b, t, " = ? AND %s");
    add(&b, "%s", " = ?");
    return prepare(s, q, b.buf, err);
}

static void bind_cell(sqlite3_stmt *q, int at, const dsms_cell *c)
{
    if (c->null) sqlite3_bind_null(q, at);
    else if (c->blob) sqlite3_bind_blob(q, at, c->s, (int)c->len, SQLITE_STATIC);
    else if (c->s) sqlite3_bind_text(q, at, c->s, (int)c->len, SQLITE_STATIC);
    else sqlite3_bind_int64(q, at, c->i);
}

static int origin(dsms_store *st, const dsms_table *t, const dsms_cell *cells, dsms_origin *o,
                  dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    int slot = table_slot(t, err);
    if (slot < 0) return -1;
    if (!s->origin[slot] && prepare_origin(s, t, &s->origin[slot], err)) return -1;
    dsms_column cols[DSMS_MAX_COLUMNS];
    size_t n = dsms_store_columns(t, cols);
    sqlite3_stmt *q = s->origin[slot];
    int at = 1;
    for (size_t i = 0; i < n; i++)
        if (cols[i].field >= 0 && (t->fields[cols[i].field].flags & DSMS_F_KEY))
            bind_cell(q, at++, &cells[i]);
    int rc = sqlite3_step(q);
    *o = rc == SQLITE_ROW ? (dsms_origin){sqlite3_column_int64(q, 0),
                                         (long)sqlite3_column_int64(q, 1)}
                          : (dsms_origin){0, 0};
    sqlite3_reset(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(s, err, t->name);
}

static int put(dsms_store *st, const dsms_table *t, int64_t submission, int64_t since, size_t n,
               const long *lines, const dsms_cell *const *rows, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    int slot = table_slot(t, err);
    if (slot < 0) return -1;
    /* Many records per statement: a third less work for SQLite per record. */
    sqlite3_stmt **q = n == DSMS_PUT_MAX ? &s->putn[slot] : &s->put1[slot];
    if (!*q && prepare_put(s, t, n == DSMS_PUT_MAX ? DSMS_PUT_MAX : 1, q, err)) return -1;
    if (n != DSMS_PUT_MAX && n != 1) {
        /* A short tail goes one record at a time. */
        int written = 0;
        for (size_t r = 0; r < n; r++) {
            int w = put(st, t, submission, since, 1, &lines[r], &rows[r], err);
            if (w < 0) return -1;
            written += w;
        }
        return written;
    }
    int ncols = (sqlite3_bind_parameter_count(*q) - 1) / (int)n - 2;
    int at = 1;
    for (size_t r = 0; r < n; r++) {
        sqlite3_bind_int64(*q, at++, submission);
        sqlite3_bind_int64(*q, at++, lines[r]);
        for (int i = 0; i < ncols; i++) bind_cell(*q, at++, &rows[r][i]);
    }
    sqlite3_bind_int64(*q, at, since);
    int rc = sqlite3_step(*q);
    sqlite3_reset(*q);
    if (rc != SQLITE_DONE) return fail(s, err, t->name);
    return sqlite3_changes(s->db);
}

static int episode_exists(dsms_store *st, const char *provider, size_t plen, const char *ref,
                          size_t rlen, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    if (prepare(s, &s->episode,
                "SELECT 1 FROM episodes WHERE provider_code = ? AND episode_ref = ?", err))
        return -1;
    sqlite3_bind_text(s->episode, 1, provider, (int)plen, SQLITE_STATIC);
    sqlite3_bind_text(s->episode, 2, ref, (int)rlen, SQLITE_STATIC);
    int rc = sqlite3_step(s->episode);
    sqlite3_reset(s->episode);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) return 0;
    return fail(s, err, "episodes");
}

static int add_submission(dsms_store *st, dsms_submission *sub, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    sqlite3_stmt *q = one_off(s,
                              "INSERT INTO submissions (source, table_name, file_name, sha256,"
                              " received_at, submitted_by, rows_read, accepted, quarantined,"
                              " warnings, status) VALUES (?, ?, ?, '',"
                              " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?, 0, 0, 0, 0, 'importing')",
                              "submissions", err);
    if (!q) return -1;
    sqlite3_bind_text(q, 1, sub->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, sub->table, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, sub->file, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, sub->by, -1, SQLITE_STATIC);
    if (run_once(s, q, "submissions", err)) return -1;
    sub->id = sqlite3_last_insert_rowid(s->db);
    return 0;
}

static int finish_submission(dsms_store *st, const dsms_submission *sub, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    sqlite3_stmt *q = one_off(s,
                              "UPDATE submissions SET sha256 = ?, rows_read = ?, accepted = ?,"
                              " quarantined = ?, warnings = ?, status = ? WHERE id = ?",
                              "submissions", err);
    if (!q) return -1;
    sqlite3_bind_text(q, 1, sub->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, sub->rows);
    sqlite3_bind_int64(q, 3, sub->accepted);
    sqlite3_bind_int64(q, 4, sub->quarantined);
    sqlite3_bind_int64(q, 5, sub->warnings);
    sqlite3_bind_text(q, 6, sub->status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 7, sub->id);
    return run_once(s, q, "submissions", err);
}

static int64_t same_submission(dsms_store *st, const dsms_submission *sub, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    sqlite3_stmt *q = one_off(s,
                              "SELECT min(id) FROM submissions WHERE source = ? AND table_name = ?"
                              " AND sha256 = ? AND id <> ? AND status <> 'unchanged'",
                              "submissions", err);
    if (!q) return -1;
    sqlite3_bind_text(q, 1, sub->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, sub->table, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, sub->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 4, sub->id);
    int rc = sqlite3_step(q);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? id : fail(s, err, "submissions");
}

static const char *col_text(sqlite3_stmt *q, int i)
{
    const char *t = (const char *)sqlite3_column_text(q, i);
    return t ? t : "";
}

static int each_submission(dsms_store *st, dsms_submission_fn fn, void *ctx, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    sqlite3_stmt *q = one_off(s,
                              "SELECT id, source, table_name, file_name, sha256, received_at,"
                              " submitted_by, status, rows_read, accepted, quarantined, warnings"
                              " FROM submissions ORDER BY id",
                              "submissions", err);
    if (!q) return -1;
    int rc = SQLITE_DONE, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        dsms_submission sub = {
            sqlite3_column_int64(q, 0), col_text(q, 1), col_text(q, 2), col_text(q, 3),
            col_text(q, 4), col_text(q, 5), col_text(q, 6), col_text(q, 7),
            (long)sqlite3_column_int64(q, 8), (long)sqlite3_column_int64(q, 9),
            (long)sqlite3_column_int64(q, 10), (long)sqlite3_column_int64(q, 11)};
        stop = fn(ctx, &sub);
    }
    sqlite3_finalize(q);
    if (stop < 0) return dsms_callback_failed(err, "the submissions");
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(s, err, "submissions");
}

static int quarantine(dsms_store *st, int64_t submission, const char *table, long line,
                      const char *record, const char *diags, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    if (prepare(s, &s->quarantine,
                "INSERT INTO quarantine (submission_id, table_name, line, record, diagnostics)"
                " VALUES (?, ?, ?, ?, ?)",
                err))
        return -1;
    sqlite3_bind_int64(s->quarantine, 1, submission);
    sqlite3_bind_text(s->quarantine, 2, table, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s->quarantine, 3, line);
    sqlite3_bind_text(s->quarantine, 4, record, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->quarantine, 5, diags, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s->quarantine);
    sqlite3_reset(s->quarantine);
    return rc == SQLITE_DONE ? 0 : fail(s, err, "quarantine");
}

static int each_quarantined(dsms_store *st, int64_t submission, const char *source,
                            dsms_quarantined_fn fn, void *ctx, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    sqlite3_stmt *q = one_off(s,
                              "SELECT q.submission_id, s.source, s.file_name, q.table_name, q.line,"
                              " q.record, q.diagnostics FROM quarantine q"
                              " JOIN submissions s ON s.id = q.submission_id"
                              " WHERE (?1 = 0 OR q.submission_id = ?1) AND (?2 IS NULL OR s.source = ?2)"
                              " ORDER BY q.submission_id, q.line",
                              "quarantine", err);
    if (!q) return -1;
    sqlite3_bind_int64(q, 1, submission);
    if (source) sqlite3_bind_text(q, 2, source, -1, SQLITE_STATIC);
    int rc = SQLITE_DONE, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        dsms_quarantined row = {sqlite3_column_int64(q, 0), col_text(q, 1), col_text(q, 2),
                                col_text(q, 3), (long)sqlite3_column_int64(q, 4), col_text(q, 5),
                                col_text(q, 6)};
        stop = fn(ctx, &row);
    }
    sqlite3_finalize(q);
    if (stop < 0) return dsms_callback_failed(err, "the quarantine");
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(s, err, "quarantine");
}

static int audit(dsms_store *st, const char *actor, const char *action, const char *detail,
                 dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    sqlite3_stmt *q = one_off(s,
                              "INSERT INTO audit (at, actor, action, detail) VALUES"
                              " (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?, ?, ?)",
                              "audit", err);
    if (!q) return -1;
    sqlite3_bind_text(q, 1, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, detail, -1, SQLITE_STATIC);
    return run_once(s, q, "audit", err);
}

static int64_t count(dsms_store *st, const char *table, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", table);
    sqlite3_stmt *q = NULL;
    if (strchr(table, '"') || sqlite3_prepare_v2(s->db, sql, -1, &q, NULL))
        return fail(s, err, "count");
    int64_t n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
    sqlite3_finalize(q);
    return n < 0 ? fail(s, err, "count") : n;
}

/* "SELECT c1, c2 FROM t [WHERE key1 = ?] ORDER BY key": column names reach
 * SQL text only after they are found among the table's stored columns. */
static int scan_sql(const dsms_table *t, int by_first_key, const char *const *columns, size_t n,
                    sqlbuf *b, dsms_err *err)
{
    dsms_column cols[DSMS_MAX_COLUMNS];
    size_t ncols = dsms_store_columns(t, cols);
    add(b, "%s", "SELECT ");
    for (size_t i = 0; i < n; i++) {
        size_t c = 0;
        while (c < ncols && strcmp(cols[c].name, columns[i]) != 0) c++;
        if (c == ncols) {
            dsms_err_set(err, "store: %s has no column '%s'", t->name, columns[i]);
            return -1;
        }
        add(b, i ? ", %s" : "%s", columns[i]);
    }
    add(b, " FROM %s", t->name);
    for (size_t i = 0; by_first_key && i < t->nfields; i++)
        if (t->fields[i].flags & DSMS_F_KEY) {
            add(b, " WHERE %s = ?", t->fields[i].name);
            break;
        }
    add(b, "%s", " ORDER BY ");
    key_list(b, t, ", %s");
    return 0;
}

/* One column of the current row. Through sqlite3_value: each column_*
 * call would look the column up again, and a national scan reads tens of
 * millions of cells. */
static void cell_of(sqlite3_stmt *q, int i, dsms_cell *c)
{
    sqlite3_value *v = sqlite3_column_value(q, i);
    *c = (dsms_cell){0};
    switch (sqlite3_value_type(v)) {
    case SQLITE_NULL: c->null = 1; break;
    case SQLITE_INTEGER: c->i = sqlite3_value_int64(v); break;
    case SQLITE_BLOB:
        c->s = sqlite3_value_blob(v);
        c->len = (size_t)sqlite3_value_bytes(v);
        c->blob = 1;
        break;
    default:
        c->s = (const char *)sqlite3_value_text(v);
        c->len = (size_t)sqlite3_value_bytes(v);
    }
}

static int scan(dsms_store *st, const dsms_table *t, const char *first_key,
                const char *const *columns, size_t n, dsms_scan_fn fn, void *ctx, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    sqlbuf b = {0};
    dsms_cell cells[DSMS_MAX_COLUMNS];
    if (n == 0 || n > DSMS_MAX_COLUMNS) {
        dsms_err_set(err, "store: scan of %zu columns", n);
        return -1;
    }
    if (scan_sql(t, first_key != NULL, columns, n, &b, err)) return -1;
    sqlite3_stmt *q = one_off(s, b.buf, t->name, err);
    if (!q) return -1;
    if (first_key) sqlite3_bind_text(q, 1, first_key, -1, SQLITE_STATIC);
    int rc = SQLITE_DONE, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        for (size_t i = 0; i < n; i++) cell_of(q, (int)i, &cells[i]);
        stop = fn(ctx, cells);
    }
    sqlite3_finalize(q);
    if (stop < 0) return dsms_callback_failed(err, "the %s", t->name);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(s, err, t->name);
}

static void bind_label(sqlite3_stmt *q, int at, const char *t)
{
    if (t) sqlite3_bind_text(q, at, t, -1, SQLITE_STATIC);
    else sqlite3_bind_null(q, at);
}

static int put_result(sqlite3_stmt *q, const dsms_result *r)
{
    const char *text[] = {r->measure, r->area_code, r->level, r->period, r->breakdown, r->category};
    const double num[] = {r->numerator, r->denominator, r->value, r->lower95,
                          r->upper95,   r->lower99_8,   r->upper99_8};
    int at = 1;
    for (size_t i = 0; i < sizeof text / sizeof *text; i++) bind_label(q, at++, text[i]);
    for (size_t i = 0; i < sizeof num / sizeof *num; i++) dsms_sqlite_bind_number(q, at++, num[i]);
    bind_label(q, at++, r->vs_england);
    bind_label(q, at++, r->vs_comparators);
    bind_label(q, at++, r->trend);
    sqlite3_bind_int(q, at++, r->provisional != 0);
    if (r->disclosure == DSMS_UNDECIDED) sqlite3_bind_null(q, at++);
    else sqlite3_bind_int(q, at++, r->disclosure == DSMS_SUPPRESSED);
    sqlite3_bind_int(q, at++, r->by_occurrence != 0);
    sqlite3_bind_int(q, at, r->incomplete_history != 0);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int result_key_cmp(const void *a, const void *b)
{
    const dsms_result *x = *(const dsms_result *const *)a, *y = *(const dsms_result *const *)b;
    int r = strcmp(x->measure, y->measure);
    if (!r) r = strcmp(x->area_code, y->area_code);
    if (!r) r = strcmp(x->period, y->period);
    if (!r) r = strcmp(x->breakdown, y->breakdown);
    return r ? r : strcmp(x->category, y->category);
}

/* Remove the results to be replaced: all, or the named measures'. */
static int clear_results(sqlite_store *s, const char *const *measures, size_t n, dsms_err *err)
{
    if (!measures) return exec(&s->base, "DELETE FROM results", err);
    sqlite3_stmt *q = NULL;
    if (prepare(s, &q, "DELETE FROM results WHERE measure = ?", err)) return -1;
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        sqlite3_bind_text(q, 1, measures[i], -1, SQLITE_STATIC);
        rc = sqlite3_step(q) == SQLITE_DONE ? 0 : fail(s, err, "results");
        sqlite3_reset(q);
    }
    sqlite3_finalize(q);
    return rc;
}

/* One batch, in key order: the table's B-tree is then appended to rather
 * than split all over, several times faster for a national computation. */
static int put_batch(sqlite_store *s, sqlite3_stmt *q, const dsms_result *rows, size_t n,
                     dsms_err *err)
{
    const dsms_result **order = malloc((n ? n : 1) * sizeof *order);
    if (!order) {
        dsms_err_set(err, "out of memory storing the results");
        return -1;
    }
    for (size_t i = 0; i < n; i++) order[i] = &rows[i];
    qsort(order, n, sizeof *order, result_key_cmp);
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) rc = put_result(q, order[i]) ? fail(s, err, "results") : 0;
    free(order);
    return rc;
}

static int log_computation(sqlite_store *s, const dsms_computation *log, int64_t results,
                           dsms_err *err)
{
    sqlite3_stmt *q = NULL;
    if (prepare(s, &q,
                "INSERT INTO computations (at, seconds, results, detail)"
                " VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?, ?, ?)",
                err))
        return -1;
    sqlite3_bind_double(q, 1, log->seconds);
    sqlite3_bind_int64(q, 2, results);
    sqlite3_bind_text(q, 3, log->detail, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q) == SQLITE_DONE ? 0 : fail(s, err, "computations");
    sqlite3_finalize(q);
    return rc;
}

static int put_results(dsms_store *st, dsms_result_source next, void *ctx,
                       const char *const *measures, size_t nmeasures,
                       const dsms_computation *log, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    const char *lost = "the results were not computed: nothing was stored";
    const dsms_result *rows = NULL;
    size_t n = 0;
    /* The write lock is taken once there is something to write. */
    if (later_damage_check(st, err)) return -1;
    if (next(ctx, &rows, &n)) {
        dsms_err_set(err, "%s", lost);
        return -1;
    }
    if (exec(st, "BEGIN IMMEDIATE", err)) return -1;
    sqlite3_stmt *q = NULL;
    int64_t stored = 0;
    int rc = clear_results(s, measures, nmeasures, err) ||
             prepare(s, &q, "INSERT INTO results VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                     err);
    while (!rc && n) {
        rc = put_batch(s, q, rows, n, err);
        stored += (int64_t)n;
        if (!rc && next(ctx, &rows, &n)) {
            dsms_err_set(err, "%s", lost);
            rc = -1;
        }
    }
    sqlite3_finalize(q);
    if (!rc) rc = log_computation(s, log, stored, err);
    if (!rc && *log->data_end) rc = meta_set(st, DSMS_META_DATA_END, log->data_end, err);
    if (!rc) rc = dsms_store_derive(st, err);
    if (!rc) return commit(s, err);
    exec(st, "ROLLBACK", NULL);
    return -1;
}

static const char *col_label(sqlite3_stmt *q, int i)
{
    return (const char *)sqlite3_column_text(q, i);
}

static dsms_disclosure disclosure_of(sqlite3_stmt *q, int i)
{
    if (sqlite3_column_type(q, i) == SQLITE_NULL) return DSMS_UNDECIDED;
    return sqlite3_column_int(q, i) ? DSMS_SUPPRESSED : DSMS_PUBLISHED;
}

/* The query of each_result for the filters given: ?1 measure, ?2 area,
 * ?3 period, ?4 breakdown, each condition only when given, so that SQLite
 * finds the rows through the key (measure, area_code, period, ...). The key
 * leads to rows only from its first column on: a query that names a later
 * column but not the one before it would read every row above. So the values
 * of the column left out are walked instead, one seek each (a loose index
 * scan): the measures for an area's results of one period, 61 ms to 6 ms
 * nationally (docs/store.md); a measure's areas for one period's ranking. */
static void results_query(const dsms_result_filter *f, char *sql, size_t n)
{
    const char *want[] = {f->measure, f->area_code, f->period, f->breakdown};
    static const char *const column[] = {"measure", "area_code", "period", "breakdown"};
    static const char *const areas =
        "WITH RECURSIVE k(v) AS (SELECT min(area_code) FROM results WHERE measure = ?1"
        " UNION ALL SELECT (SELECT min(area_code) FROM results WHERE measure = ?1"
        " AND area_code > v) FROM k WHERE v IS NOT NULL) ";
    static const char *const measures =
        "WITH RECURSIVE k(v) AS (SELECT min(measure) FROM results UNION ALL"
        " SELECT (SELECT min(measure) FROM results WHERE measure > v) FROM k"
        " WHERE v IS NOT NULL) ";
    const char *walk = f->measure && !f->area_code && (f->period || f->breakdown) ? areas
                       : !f->measure && f->area_code                          ? measures
                                                                              : NULL;
    size_t o = (size_t)snprintf(
        sql, n,
        "%sSELECT measure, area_code, level, period, breakdown, category, numerator, denominator,"
        " value, lower95, upper95, lower99_8, upper99_8, vs_england, vs_comparators, trend,"
        " provisional, suppressed, by_occurrence, incomplete_history FROM %s WHERE 1",
        walk ? walk : "",
        !walk ? "results" : walk == areas ? "k CROSS JOIN results ON area_code = v"
                                          : "k CROSS JOIN results ON measure = v");
    for (int i = 0; i < (int)(sizeof want / sizeof *want); i++)
        if (want[i]) o += (size_t)snprintf(sql + o, n - o, " AND %s = ?%d", column[i], i + 1);
    snprintf(sql + o, n - o, "%s", " ORDER BY measure, area_code, period, breakdown, category");
}

static int each_result(dsms_store *st, const dsms_result_filter *f, dsms_result_fn fn, void *ctx,
                       dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    const char *want[] = {f->measure, f->area_code, f->period, f->breakdown};
    char sql[2048];
    results_query(f, sql, sizeof sql);
    sqlite3_stmt *q = one_off(s, sql, "results", err);
    if (!q) return -1;
    for (int i = 0; i < (int)(sizeof want / sizeof *want); i++)
        if (want[i]) bind_label(q, i + 1, want[i]);
    int rc = SQLITE_DONE, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        dsms_result r = {
            col_label(q, 0),           col_label(q, 1),           col_label(q, 2),
            col_label(q, 3),           col_label(q, 4),           col_label(q, 5),
            dsms_sqlite_number(q, 6),  dsms_sqlite_number(q, 7),  dsms_sqlite_number(q, 8),
            dsms_sqlite_number(q, 9),  dsms_sqlite_number(q, 10), dsms_sqlite_number(q, 11),
            dsms_sqlite_number(q, 12), col_label(q, 13),          col_label(q, 14),
            col_label(q, 15),          sqlite3_column_int(q, 16), disclosure_of(q, 17),
            sqlite3_column_int(q, 18), sqlite3_column_int(q, 19)};
        stop = fn(ctx, &r);
    }
    sqlite3_finalize(q);
    if (stop < 0) return dsms_callback_failed(err, "the results");
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(s, err, "results");
}

/* ---- published series (schema 7) ---- */

static int series_put(dsms_store *st, const dsms_series_value *v, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    sqlite3_stmt *q = one_off(s, "INSERT OR REPLACE INTO series_values VALUES"
                                 " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              "series_values", err);
    if (!q) return -1;
    const char *text[] = {v->series, v->period, v->level, v->code};
    for (int i = 0; i < 4; i++) sqlite3_bind_text(q, i + 1, text[i], -1, SQLITE_STATIC);
    const double num[] = {v->value, v->numerator, v->denominator, v->lower, v->upper};
    for (int i = 0; i < 5; i++) dsms_sqlite_bind_number(q, i + 5, num[i]);
    sqlite3_bind_text(q, 10, v->unit, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 11, v->source, -1, SQLITE_STATIC);
    if (v->as_at && *v->as_at) sqlite3_bind_text(q, 12, v->as_at, -1, SQLITE_STATIC);
    else sqlite3_bind_null(q, 12);
    sqlite3_bind_int64(q, 13, v->submission);
    sqlite3_bind_int64(q, 14, v->line);
    return run_once(s, q, "series_values", err);
}

static int each_series(dsms_store *st, const char *series, const char *code, dsms_series_fn fn,
                       void *ctx, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    sqlite3_stmt *q = one_off(s, "SELECT series, period, level, code, value, numerator,"
                                 " denominator, lower, upper, unit, source, as_at,"
                                 " submission_id, line FROM series_values"
                                 " WHERE (?1 IS NULL OR series = ?1) AND (?2 IS NULL OR code = ?2)"
                                 " ORDER BY series, CASE level WHEN 'england' THEN 0"
                                 " WHEN 'region' THEN 1 WHEN 'area' THEN 2 ELSE 3 END,"
                                 " code, period",
                              "series_values", err);
    if (!q) return -1;
    if (series) sqlite3_bind_text(q, 1, series, -1, SQLITE_STATIC);
    if (code) sqlite3_bind_text(q, 2, code, -1, SQLITE_STATIC);
    int rc = SQLITE_DONE, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        dsms_series_value v = {
            dsms_sqlite_text(q, 0),      dsms_sqlite_text(q, 1),           dsms_sqlite_text(q, 2),
            dsms_sqlite_text(q, 3),      dsms_sqlite_number(q, 4),         dsms_sqlite_number(q, 5),
            dsms_sqlite_number(q, 6),    dsms_sqlite_number(q, 7),         dsms_sqlite_number(q, 8),
            dsms_sqlite_text(q, 9),      dsms_sqlite_text(q, 10),          dsms_sqlite_text(q, 11),
            sqlite3_column_int64(q, 12), (long)sqlite3_column_int64(q, 13)};
        stop = fn(ctx, &v);
    }
    sqlite3_finalize(q);
    if (stop < 0) return dsms_callback_failed(err, "the series");
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(s, err, "series_values");
}

/* Accounts, tokens, sessions and the audit record: store_sqlite_accounts.c;
 * frameworks and their statuses: store_sqlite_steer.c. */
#define DB(st) ((sqlite_store *)(st))->db, ((sqlite_store *)(st))->path

static int framework_put(dsms_store *st, const dsms_stored_framework *f, dsms_err *err)
{
    return dsms_sqlite_framework_put(DB(st), f, err);
}

static int framework_remove(dsms_store *st, const char *id, dsms_err *err)
{
    return dsms_sqlite_framework_remove(DB(st), id, err);
}

static int each_framework(dsms_store *st, const char *id, dsms_stored_framework_fn fn, void *ctx,
                          dsms_err *err)
{
    return dsms_sqlite_each_framework(DB(st), id, fn, ctx, err);
}

static int statuses_put(dsms_store *st, const char *framework, const dsms_status_row *rows,
                        size_t n, dsms_err *err)
{
    return dsms_sqlite_statuses_put(DB(st), framework, rows, n, err);
}

static int each_status(dsms_store *st, const char *framework, const char *area_code,
                       const char *period, dsms_status_fn fn, void *ctx, dsms_err *err)
{
    return dsms_sqlite_each_status(DB(st), framework, area_code, period, fn, ctx, err);
}

static int substance_put(dsms_store *st, const dsms_stored_substance *sb, dsms_err *err)
{
    return dsms_sqlite_substance_put(DB(st), sb, err);
}

static int each_substance(dsms_store *st, const char *code, dsms_stored_substance_fn fn,
                          void *ctx, dsms_err *err)
{
    return dsms_sqlite_each_substance(DB(st), code, fn, ctx, err);
}

static int alert_raise(dsms_store *st, const dsms_stored_alert *a, int64_t *id, int *created,
                       dsms_err *err)
{
    return dsms_sqlite_alert_raise(DB(st), a, id, created, err);
}

static int each_alert(dsms_store *st, const dsms_alert_filter *f, dsms_stored_alert_fn fn,
                      void *ctx, dsms_err *err)
{
    return dsms_sqlite_each_alert(DB(st), f, fn, ctx, err);
}

static int alert_move(dsms_store *st, int64_t id, const char *from, const char *to,
                      const char *actor, const char *note, dsms_err *err)
{
    return dsms_sqlite_alert_move(DB(st), id, from, to, actor, note, err);
}

static int each_alert_event(dsms_store *st, int64_t id, dsms_alert_event_fn fn, void *ctx,
                            dsms_err *err)
{
    return dsms_sqlite_each_alert_event(DB(st), id, fn, ctx, err);
}

static int64_t user_add(dsms_store *st, const dsms_store_user *u, dsms_err *err)
{
    return dsms_sqlite_user_add(DB(st), u, err);
}

static int user_each(dsms_store *st, const char *name, dsms_store_user_fn fn, void *ctx,
                     dsms_err *err)
{
    return dsms_sqlite_user_each(DB(st), name, fn, ctx, err);
}

static int user_remove(dsms_store *st, int64_t id, dsms_err *err)
{
    return dsms_sqlite_user_remove(DB(st), id, err);
}

static int user_passwd(dsms_store *st, int64_t id, const char *hash, dsms_err *err)
{
    return dsms_sqlite_user_passwd(DB(st), id, hash, err);
}

static int user_logins(dsms_store *st, int64_t id, int failed, int64_t until, dsms_err *err)
{
    return dsms_sqlite_user_logins(DB(st), id, failed, until, err);
}

static int64_t token_add(dsms_store *st, int64_t user_id, const char *label,
                         const unsigned char *hash, dsms_err *err)
{
    return dsms_sqlite_token_add(DB(st), user_id, label, hash, err);
}

static int token_revoke(dsms_store *st, int64_t user_id, const char *label, dsms_err *err)
{
    return dsms_sqlite_token_revoke(DB(st), user_id, label, err);
}

static int64_t token_use(dsms_store *st, const unsigned char *hash, int64_t *user_id,
                         int *recorded, dsms_err *err)
{
    return dsms_sqlite_token_use(DB(st), hash, user_id, recorded, err);
}

static int session_add(dsms_store *st, const dsms_store_session *ses, dsms_err *err)
{
    return dsms_sqlite_session_add(DB(st), ses, err);
}

static int session_find(dsms_store *st, const unsigned char *hash, dsms_store_session *ses,
                        dsms_err *err)
{
    return dsms_sqlite_session_find(DB(st), hash, ses, err);
}

static int session_touch(dsms_store *st, const unsigned char *hash, int64_t now, dsms_err *err)
{
    return dsms_sqlite_session_touch(DB(st), hash, now, err);
}

static int session_remove(dsms_store *st, const unsigned char *hash, int64_t now, dsms_err *err)
{
    return dsms_sqlite_session_remove(DB(st), hash, now, err);
}

static int audit_from(dsms_store *st, const char *actor, const char *origin, const char *action,
                      const char *detail, dsms_err *err)
{
    return dsms_sqlite_audit_from(DB(st), actor, origin, action, detail, err);
}

static int audit_each(dsms_store *st, const char *since, const char *actor, dsms_audit_fn fn,
                      void *ctx, dsms_err *err)
{
    return dsms_sqlite_audit_each(DB(st), since, actor, fn, ctx, err);
}

static int user_last_event(dsms_store *st, const char *action, dsms_store_event_fn fn,
                           void *ctx, dsms_err *err)
{
    return dsms_sqlite_user_last_event(DB(st), action, fn, ctx, err);
}

static dsms_store *reopen(dsms_store *st, dsms_err *err)
{
    sqlite_store *s = (sqlite_store *)st;
    const char *path = sqlite3_db_filename(s->db, "main");
    if (!path || !*path) return NULL; /* in memory: nothing to open again */
    return dsms_store_sqlite_open(path, DSMS_STORE_READONLY, err);
}

static const struct dsms_store_ops sqlite_ops = {
    sqlite_close, reopen, later_damage_check, exec, ref_clear, ref_put, ref_each, each_area,
    put, origin, episode_exists, add_submission, finish_submission, same_submission,
    each_submission, quarantine, each_quarantined, audit, count, scan, put_results,
    each_result, meta_get, meta_set, check, user_add, user_each, user_remove, user_passwd,
    user_logins, token_add, token_revoke, token_use, session_add, session_find, session_touch,
    session_remove, audit_from, audit_each, computed_at, series_put, each_series,
    framework_put, framework_remove, each_framework, statuses_put, each_status,
    user_last_event, substance_put, each_substance, alert_raise, each_alert, alert_move,
    each_alert_event};

dsms_store *dsms_store_sqlite_open(const char *path, int flags, dsms_err *err)
{
    int memory = strcmp(path, ":memory:") == 0;
    if ((flags & DSMS_STORE_CREATE) && !memory && access(path, F_OK) == 0) {
        dsms_err_set(err, "%s: already exists; refusing to overwrite a store", path);
        return NULL;
    }
    if (flags & DSMS_STORE_INSPECT) flags |= DSMS_STORE_READONLY;
    if (!(flags & DSMS_STORE_CREATE) && !memory && dsms_sqlite_file_problem(path, flags, err))
        return NULL;
    sqlite_store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        dsms_err_set(err, "out of memory");
        return NULL;
    }
    s->base.ops = &sqlite_ops;
    /* One thread uses a connection: no per-call locking, no memory statistics. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    int oflags = SQLITE_OPEN_NOMUTEX | ((flags & DSMS_STORE_READONLY)
                                            ? SQLITE_OPEN_READONLY
                                            : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (sqlite3_open_v2(path, &s->db, oflags, NULL) != SQLITE_OK) {
        fail(s, err, "PRAGMA");
        sqlite_close(&s->base);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, BUSY_MS);
    /* WAL keeps readers (reports, the server) going while a submission is
     * written. synchronous=FULL: a submission reported as stored is on disk,
     * through a power cut too (one fsync a commit). A fixed 16 MiB page cache
     * keeps memory flat however large the submission. */
    const char *pragmas = (flags & DSMS_STORE_READONLY)
                              ? "PRAGMA foreign_keys = ON;"
                          : (flags & DSMS_STORE_SERVED)
                              ? "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                                " PRAGMA foreign_keys = ON; PRAGMA cache_size = -2048;"
                                " PRAGMA temp_store = MEMORY;"
                              : "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                                " PRAGMA foreign_keys = ON; PRAGMA cache_size = -16384;"
                                " PRAGMA temp_store = MEMORY;";
    /* A store opened for writing is checked for damage first; the check
     * reads every page (0.7 s for a year of a nation, docs/store.md). */
    int writing = !(flags & (DSMS_STORE_READONLY | DSMS_STORE_CREATE)) && !memory;
    int checked = (flags & DSMS_STORE_SERVED) && current_schema(s); /* by the server */
    if (exec(&s->base, pragmas, err)) {
        sqlite_close(&s->base);
        return NULL;
    }
    s->unchecked = writing && (flags & DSMS_STORE_CHECK_LATER) && current_schema(s);
    /* The check runs on another thread: it must not ask this connection. */
    if (s->unchecked && !(s->file = strdup(sqlite3_db_filename(s->db, "main")))) {
        dsms_err_set(err, "out of memory");
        sqlite_close(&s->base);
        return NULL;
    }
    if ((writing && !s->unchecked && !checked && damage_check(s, err)) ||
        (!(flags & DSMS_STORE_INSPECT) &&
         ((flags & DSMS_STORE_CREATE) ? create_schema(s, err)
                                      : check_schema(s, path, flags, err))) ||
        (writing && tables_check(s, err))) {
        sqlite_close(&s->base);
        return NULL;
    }
    return &s->base;
}
