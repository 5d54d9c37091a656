/* store_sqlite_check.c — the SQLite store's health (store_sqlite_check.h).
 *
 * What is wrong with a store is said in words and names the file: a user
 * meets these messages when something has already gone wrong, and must be
 * able to act on them without knowing SQLite. */
#include "store_sqlite_check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- before opening ------------------------------------------------------ */

static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

/* An SQLite file is cut short when it holds fewer bytes than its header's
 * page count says. The count is trusted only when the header marks it valid,
 * and not while a write-ahead log holds pages yet to be copied back. */
static int cut_short(const char *path, const unsigned char *h, off_t size, off_t *want)
{
    char wal[4200];
    struct stat sb;
    snprintf(wal, sizeof wal, "%s-wal", path);
    if (stat(wal, &sb) == 0 && sb.st_size > 0) return 0;
    unsigned long page = (unsigned long)h[16] << 8 | h[17];
    if (page == 1) page = 65536;
    unsigned long pages = be32(h + 28);
    if (pages == 0 || be32(h + 92) != be32(h + 24)) return 0;
    *want = (off_t)page * (off_t)pages;
    return size < *want;
}

/* The directory a path is in, for its permission. */
static void parent_of(const char *path, char *dir, size_t n)
{
    snprintf(dir, n, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash) snprintf(dir, n, ".");
    else if (slash == dir) dir[1] = '\0';
    else *slash = '\0';
}

static int writable(const char *path, dsms_err *err)
{
    char dir[4096];
    if (access(path, W_OK) != 0) {
        dsms_err_set(err, "%s: the store is read-only to you: this command writes to it and you "
                          "have no write permission on the file (chmod u+w %s, or run the "
                          "command as the store's owner); nothing was changed",
                     path, path);
        return -1;
    }
    parent_of(path, dir, sizeof dir);
    if (access(dir, W_OK | X_OK) != 0) {
        dsms_err_set(err, "%s: this command writes to the store and you have no write "
                          "permission on its directory %s, where SQLite keeps the files %s-wal "
                          "and %s-shm beside the store (chmod u+w %s); nothing was changed",
                     path, dir, path, path, dir);
        return -1;
    }
    return 0;
}

/* Even to read a store in WAL mode (header bytes 18 and 19 are 2), SQLite
 * needs its -shm file, and makes it when missing: in the store's directory. */
static int wal_readable(const char *path, const unsigned char *h, dsms_err *err)
{
    char dir[4096], shm[4200];
    snprintf(shm, sizeof shm, "%s-shm", path);
    parent_of(path, dir, sizeof dir);
    if (h[18] != 2 || access(shm, F_OK) == 0 || access(dir, W_OK | X_OK) == 0) return 0;
    dsms_err_set(err, "%s: cannot read the store: SQLite must make the file %s beside it to "
                      "read it, and you have no write permission on its directory %s "
                      "(chmod u+w %s, or run the command as the store's owner)",
                 path, shm, dir, dir);
    return -1;
}

/* The first bytes of the file (up to 100), read through SQLite's own file
 * layer: n of them, or -1 when the file cannot be opened. Never a plain
 * open() and close(): closing any descriptor of a file drops every POSIX
 * lock this process holds on it, those of its other connections to the
 * store too, and another process may then take the store for unused and
 * delete its write-ahead log from under them. SQLite's layer knows the
 * file's other connections and keeps the descriptor until they let go. */
static ssize_t read_header(const char *path, off_t size, unsigned char h[100])
{
    sqlite3_vfs *vfs = sqlite3_vfs_find(NULL);
    sqlite3_file *f = vfs ? calloc(1, (size_t)vfs->szOsFile) : NULL;
    int out = 0;
    if (!f || vfs->xOpen(vfs, path, f, SQLITE_OPEN_READONLY | SQLITE_OPEN_MAIN_DB, &out) !=
                  SQLITE_OK) {
        free(f);
        return -1;
    }
    ssize_t n = size < 100 ? (ssize_t)size : 100;
    int rc = f->pMethods->xRead(f, h, 100, 0);
    if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) n = -1;
    f->pMethods->xClose(f);
    free(f);
    return n;
}

int dsms_sqlite_file_problem(const char *path, int flags, dsms_err *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT)
            dsms_err_set(err, "%s: no such store (create one with: dsms init %s)", path, path);
        else
            dsms_err_set(err, "%s: cannot reach the store: %s (check the permissions of the "
                              "directories above it)", path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(sb.st_mode)) {
        dsms_err_set(err, "%s: a directory, not a dsms store (name the store's file)", path);
        return -1;
    }
    if (access(path, R_OK) != 0) {
        if (errno == EACCES)
            dsms_err_set(err, "%s: cannot read the store: you have no read permission on the "
                              "file (chmod u+r %s, or run the command as the store's owner)",
                         path, path);
        else
            dsms_err_set(err, "%s: cannot read the store: %s", path, strerror(errno));
        return -1;
    }
    unsigned char h[100] = {0};
    ssize_t n = read_header(path, sb.st_size, h);
    if (n < 0) {
        dsms_err_set(err, "%s: cannot read the store's first page", path);
        return -1;
    }
    off_t want = 0;
    if (sb.st_size == 0) {
        dsms_err_set(err, "%s: an empty file, not a dsms store (dsms init makes a store; if "
                          "this was one, it has been emptied: restore it from a backup)", path);
        return -1;
    }
    if (n < 16 || memcmp(h, "SQLite format 3", 16) != 0) {
        dsms_err_set(err, "%s: not a dsms store (the file is not an SQLite database)", path);
        return -1;
    }
    if (!(flags & DSMS_STORE_INSPECT) &&
        (n < (ssize_t)sizeof h || cut_short(path, h, sb.st_size, &want))) {
        dsms_err_set(err, "%s: the store is damaged: the file has been cut short (%lld bytes "
                          "of %lld); nothing was changed. See what is wrong with dsms check "
                          "%s, and restore the store from a backup",
                     path, (long long)sb.st_size, (long long)(want ? want : 100), path);
        return -1;
    }
    if (!(flags & DSMS_STORE_READONLY)) return writable(path, err);
    return wal_readable(path, h, err);
}

/* ---- the tables ---------------------------------------------------------- */

static const char *const own_tables[] = {"meta",    "submissions", "quarantine", "codes",
                                         "audit",   "results",     "computations", "users",
                                         "tokens",  "sessions",    "series_values", "frameworks", "framework_status"};

static int has_table(sqlite3 *db, const char *name)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                           -1, &q, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Calls fn for each table dsms keeps: its own, the reference tables and
 * the data set's; stops at the first non-zero answer and returns it. */
static const char *each_table(sqlite3 *db, int (*fn)(void *, const char *, int), void *ctx)
{
    size_t nref, ndata;
    const char *const *ref = dsms_store_ref_tables(&nref);
    const dsms_table *data = dsms_tables(&ndata);
    size_t nown = sizeof own_tables / sizeof own_tables[0];
    for (size_t i = 0; i < nown + nref + ndata; i++) {
        const char *name = i < nown          ? own_tables[i]
                           : i < nown + nref ? ref[i - nown]
                                             : data[i - nown - nref].name;
        if (fn(ctx, name, has_table(db, name))) return name;
    }
    return NULL;
}

static int lost(void *ctx, const char *name, int has)
{
    (void)ctx, (void)name;
    return has == 0;
}

const char *dsms_sqlite_lost_table(sqlite3 *db) { return each_table(db, lost, NULL); }

/* ---- dsms check ---------------------------------------------------------- */

typedef struct {
    sqlite3 *db;
    dsms_finding_fn fn;
    void *ctx;
    long found;
    int stop; /* what fn last returned: once not 0, fn is called no more */
} checker;

static void finding(checker *c, const char *check, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void finding(checker *c, const char *check, const char *fmt, ...)
{
    if (c->stop) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dsms_finding f = {check, msg};
    c->stop = c->fn(c->ctx, &f);
    c->found++;
}

/* A check that could not run is itself a finding: the store could not
 * answer, which on a store that opened means damage. */
static void could_not(checker *c, const char *check, const char *what)
{
    int code = sqlite3_errcode(c->db) & 0xff;
    finding(c, check, "cannot check %s: %s%s", what, sqlite3_errstr(code),
            code == SQLITE_CORRUPT || code == SQLITE_NOTADB ? " (the store is damaged)" : "");
}

/* One query's rows; NULL (and a finding) when it cannot be prepared. */
static sqlite3_stmt *query(checker *c, const char *check, const char *what, const char *sql)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(c->db, sql, -1, &q, NULL) != SQLITE_OK) {
        could_not(c, check, what);
        sqlite3_finalize(q);
        return NULL;
    }
    return q;
}

static void done(checker *c, sqlite3_stmt *q, int rc, const char *check, const char *what)
{
    if (rc != SQLITE_DONE) could_not(c, check, what);
    sqlite3_finalize(q);
}

static const char *text(sqlite3_stmt *q, int i)
{
    const char *t = (const char *)sqlite3_column_text(q, i);
    return t ? t : "";
}

static void integrity(checker *c)
{
    sqlite3_stmt *q = query(c, "integrity", "the file's structure", "PRAGMA integrity_check(100)");
    if (!q) return;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *t = text(q, 0);
        if (strcmp(t, "ok") == 0) continue;
        if (strncmp(t, "*** in database main ***\n", 25) == 0) t += 25;
        /* A row may hold several problems, a line each. */
        for (const char *end; *t; t = *end ? end + 1 : end) {
            end = strchr(t, '\n');
            if (!end) end = t + strlen(t);
            finding(c, "integrity", "damaged: %.*s", (int)(end - t), t);
        }
    }
    done(c, q, rc, "integrity", "the file's structure");
}

static int report_lost(void *ctx, const char *name, int has)
{
    checker *c = ctx;
    if (has == 0) finding(c, "tables", "the table %s is missing", name);
    return 0;
}

static void schema(checker *c, const char *version)
{
    sqlite3_stmt *q = query(c, "schema", "the schema version",
                            "SELECT value FROM meta WHERE key = 'schema_version'");
    if (!q) return;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW && strcmp(text(q, 0), version) != 0)
        finding(c, "schema", "the store is of schema version %s; this dsms reads version %s",
                text(q, 0), version);
    else if (rc == SQLITE_DONE) finding(c, "schema", "the store records no schema version");
    done(c, q, rc == SQLITE_ROW ? SQLITE_DONE : rc, "schema", "the schema version");
}

static void counts(checker *c)
{
    sqlite3_stmt *q = query(c, "counts", "the submissions' counts",
                            "SELECT id, file_name, rows_read, accepted, quarantined FROM submissions"
                            " WHERE rows_read <> accepted + quarantined ORDER BY id");
    if (!q) return;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        finding(c, "counts",
                "submission %lld (%s): %lld rows read, but %lld accepted + %lld quarantined "
                "= %lld: rows are missing from its count",
                (long long)sqlite3_column_int64(q, 0), text(q, 1),
                (long long)sqlite3_column_int64(q, 2), (long long)sqlite3_column_int64(q, 3),
                (long long)sqlite3_column_int64(q, 4),
                (long long)(sqlite3_column_int64(q, 3) + sqlite3_column_int64(q, 4)));
    done(c, q, rc, "counts", "the submissions' counts");
}

/* Records whose submission does not exist, per table (names come from the
 * data set definition, never from the store). */
static void orphans_in(checker *c, const char *table)
{
    char sql[512], what[128];
    snprintf(sql, sizeof sql,
             "SELECT count(*), min(submission_id), max(submission_id) FROM %s t WHERE NOT EXISTS"
             " (SELECT 1 FROM submissions s WHERE s.id = t.submission_id)",
             table);
    snprintf(what, sizeof what, "the records of %s", table);
    sqlite3_stmt *q = query(c, "orphans", what, sql);
    if (!q) return;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW && sqlite3_column_int64(q, 0) > 0)
        finding(c, "orphans",
                "%lld record%s of %s refer to submissions that do not exist (numbers %lld to "
                "%lld): where they came from is lost",
                (long long)sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 0) == 1 ? "" : "s",
                table, (long long)sqlite3_column_int64(q, 1),
                (long long)sqlite3_column_int64(q, 2));
    done(c, q, rc == SQLITE_ROW ? SQLITE_DONE : rc, "orphans", what);
}

static void orphans(checker *c)
{
    size_t n;
    const dsms_table *t = dsms_tables(&n);
    for (size_t i = 0; i < n; i++)
        if (has_table(c->db, t[i].name) == 1) orphans_in(c, t[i].name);
    if (has_table(c->db, "quarantine") == 1) orphans_in(c, "quarantine");
}

static void key(checker *c, const char *key_fingerprint)
{
    sqlite3_stmt *q = query(c, "key", "the key fingerprint",
                            "SELECT value FROM meta WHERE key = '" DSMS_META_KEY_FINGERPRINT "'");
    if (!q) return;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_DONE)
        finding(c, "key",
                "the store records no key fingerprint (it was made before dsms recorded one): "
                "the next dsms import records the fingerprint of the key it is given");
    else if (rc == SQLITE_ROW && key_fingerprint && strcmp(text(q, 0), key_fingerprint) != 0)
        finding(c, "key",
                "the key file is not the store's key: its fingerprint is %s, the store's is %s",
                key_fingerprint, text(q, 0));
    done(c, q, rc == SQLITE_ROW ? SQLITE_DONE : rc, "key", "the key fingerprint");
}

/* Times are stored as UTC text (YYYY-MM-DDTHH:MM:SSZ), which sorts as time.
 * An unchanged resubmission changes no record, so it does not count. */
static void results(checker *c)
{
    sqlite3_stmt *q = query(c, "results", "the results' age",
                            "SELECT (SELECT max(at) FROM computations),"
                            " (SELECT max(received_at) FROM submissions"
                            " WHERE status <> 'unchanged')");
    if (!q) return;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL &&
        sqlite3_column_type(q, 1) != SQLITE_NULL && strcmp(text(q, 0), text(q, 1)) < 0)
        finding(c, "results",
                "the results are older than the records: last computed %s, but a submission "
                "arrived %s (run dsms compute)",
                text(q, 0), text(q, 1));
    done(c, q, rc == SQLITE_ROW ? SQLITE_DONE : rc, "results", "the results' age");
}

/* A file cut short is said as such: SQLite would only find pages missing. */
static void length(checker *c, const char *path)
{
    struct stat sb;
    unsigned char h[100] = {0};
    off_t want = 0;
    if (stat(path, &sb) == 0 && read_header(path, sb.st_size, h) == (ssize_t)sizeof h &&
        cut_short(path, h, sb.st_size, &want))
        finding(c, "integrity", "damaged: the file has been cut short (%lld bytes of %lld)",
                (long long)sb.st_size, (long long)want);
}

long dsms_sqlite_check(sqlite3 *db, const char *path, const char *version,
                       const char *key_fingerprint, dsms_finding_fn fn, void *ctx, dsms_err *err)
{
    checker c = {db, fn, ctx, 0, 0};
    if (strcmp(path, ":memory:") != 0) length(&c, path);
    integrity(&c);
    each_table(db, report_lost, &c);
    if (has_table(db, "meta") == 1) {
        schema(&c, version);
        key(&c, key_fingerprint);
    }
    if (has_table(db, "submissions") == 1) {
        counts(&c);
        orphans(&c);
        if (has_table(db, "computations") == 1) results(&c);
    }
    return c.stop < 0 ? dsms_callback_failed(err, "the store's findings") : c.found;
}
