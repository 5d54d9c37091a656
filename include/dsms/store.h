/* dsms/store.h — the one storage interface of libdsms.
 *
 * Callers see dsms_store and these functions only; each backend fills a table
 * of operations (store_int.h, internal). SQLite (store_sqlite.c) is the
 * embedded default; a PostgreSQL backend adds another operations table
 * without touching the callers. The
 * columns of each data table come from the data set definition: every field
 * but the attributor's initials and date of birth, then the pseudonym and the
 * age on the table's reference date.
 *
 * Values are stored compactly, as the measures engine reads them: a code as
 * its number in its code list (1 for the first), a date as days since
 * 1970-01-01, the pseudonym as 32 bytes. A backend offers a readable form too
 * (for SQLite, a view v_TABLE with codes and dates as text).
 *
 * What a function writes into the store (text, cells, results) is copied
 * there: the caller's pointers are read only during the call. What the store
 * hands to a callback (a row, its strings and cells) is valid only during
 * that call: a callback that keeps any of it copies it. Every function that
 * returns -1 sets err, unless its comment says otherwise. */
#ifndef DSMS_STORE_H
#define DSMS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "dsms/dataset.h"
#include "dsms/diag.h"

typedef struct dsms_store dsms_store;

enum { DSMS_COL_PERSON = -1, DSMS_COL_AGE = -2 };

typedef enum { DSMS_COL_TEXT, DSMS_COL_INT, DSMS_COL_BLOB } dsms_coltype;

typedef struct {
    const char *name;
    dsms_coltype type;
    int field; /* index into the table's fields, or DSMS_COL_PERSON / DSMS_COL_AGE */
} dsms_column;

#define DSMS_MAX_COLUMNS 64

/* The stored columns of a table, in order, into out (room for
 * DSMS_MAX_COLUMNS); returns how many. Their names are static. Cannot fail. */
size_t dsms_store_columns(const dsms_table *t, dsms_column *out);

/* One stored value. s is the caller's in what it writes; in a dsms_scan_fn
 * call, the store's, valid only during that call. */
typedef struct {
    const char *s; /* text or bytes, or NULL for an integer or a null */
    size_t len;
    int64_t i;
    int null, blob;
} dsms_cell;

/* A submission's record. Its text is copied when written; in a
 * dsms_submission_fn call it is the store's, valid only during that call. */
typedef struct {
    int64_t id;
    const char *source, *table, *file, *sha256, *received_at, *by, *status;
    long rows, accepted, quarantined, warnings;
} dsms_submission;

/* Callbacks here return 0 to go on, a positive value to stop early and a
 * negative one on failure: the convention of diag.h ("Callbacks"). */
typedef int (*dsms_submission_fn)(void *ctx, const dsms_submission *s);

enum {
    DSMS_STORE_CREATE = 1,
    DSMS_STORE_READONLY = 2,
    DSMS_STORE_INSPECT = 4,
    DSMS_STORE_CHECK_LATER = 8,
    DSMS_STORE_SERVED = 16
};

/* Open a store: a file path (SQLite), or ":memory:". CREATE makes a new one
 * and refuses an existing file. Opened for writing, a store is first checked
 * for damage and refused when it has any, so that nothing is written into a
 * damaged store. With CHECK_LATER that check is left to
 * dsms_store_damage_check, which the caller runs before writing, alongside
 * its reading if it likes (a store due an upgrade of its schema is still
 * checked at once, before the upgrade writes to it). INSPECT (with READONLY)
 * opens a store whatever its schema version or damage, for
 * dsms_store_check. SERVED is for each of a server's many handles on a store
 * it checked when it started: no damage check at open, and a page cache of
 * 2 MiB instead of 16, so that many connections stay within bounded memory. Each refusal says in words what is wrong with the store
 * and what to do. The handle is the caller's, to close with dsms_store_close
 * (NULL: nothing; a transaction still open is rolled back); where is copied.
 * NULL with err set on failure; a CREATE that fails once it has begun the
 * file may leave it behind, for the caller to remove. */
dsms_store *dsms_store_open(const char *where, int flags, dsms_err *err);
void dsms_store_close(dsms_store *st);
/* A second, read-only handle on the same store, for a reader on another
 * thread; NULL when the store cannot be opened twice (":memory:"), with err
 * untouched, or on failure, with err set. It is the caller's, to close with
 * dsms_store_close, before or after st. */
dsms_store *dsms_store_reopen(dsms_store *st, dsms_err *err);
/* The damage check of a store opened with CHECK_LATER (0 at once for any
 * other, or once it has passed): SQLite's quick check, on a connection of
 * its own, so another thread may run it while st is in use; -1 with err set
 * when the store is damaged or cannot be read. It writes nothing. Storing
 * results runs it first if it has not passed. */
int dsms_store_damage_check(dsms_store *st, dsms_err *err);

/* Transactions. begin takes the store's write lock (waiting up to the busy
 * timeout for another writer) and opens a transaction; commit ends it; a
 * savepoint is a unit inside it (an import's file) that release keeps and
 * rollback_savepoint undoes. Each returns 0, or -1 with err set (the lock
 * not had, the disk full); a commit that fails rolls the transaction back,
 * and a release that fails undoes its savepoint, so that no failure leaves
 * a transaction open that the caller thinks has ended. The rollbacks cannot
 * fail in any way a caller could act on, and leave the store as it was
 * before. */
int dsms_store_begin(dsms_store *st, dsms_err *err);
int dsms_store_commit(dsms_store *st, dsms_err *err);
void dsms_store_rollback(dsms_store *st);
int dsms_store_savepoint(dsms_store *st, dsms_err *err);
int dsms_store_release(dsms_store *st, dsms_err *err);
void dsms_store_rollback_savepoint(dsms_store *st);
/* A unit inside the caller's transaction (a submission in a bulk import):
 * unnest keeps it (keep 1) or undoes it (keep 0). 0, or -1 with err set;
 * undoing is a rollback: its -1, with err untouched, may be ignored. */
int dsms_store_nest(dsms_store *st, dsms_err *err);
int dsms_store_unnest(dsms_store *st, int keep, dsms_err *err);

/* The reference tables (docs/store.md), in the order they are filled: each
 * refers only to tables before it. Rows go in and come out as text, by column
 * name, so that one operation serves every table. A static array of *n
 * names; cannot fail. */
const char *const *dsms_store_ref_tables(size_t *n);

typedef enum { DSMS_REF_TEXT, DSMS_REF_NUMBER, DSMS_REF_NULL } dsms_ref_kind;

/* One row of a reference table: n columns, each value as text ("" for a
 * null; a number in the shortest text that reads back exactly). value and
 * kind are NULL in the call that gives the column names alone. The row and
 * its text are valid only during the call. */
typedef struct {
    size_t n;
    const char *const *name;
    const char *const *value;
    const dsms_ref_kind *kind;
} dsms_ref_row;

/* 0 go on, positive stop, negative failure (diag.h, "Callbacks"). */
typedef int (*dsms_ref_row_fn)(void *ctx, const dsms_ref_row *row);

/* Remove every row of every reference table, in the caller's transaction:
 * 0, or -1 with err set, the tables emptied before the failure staying empty
 * until the caller rolls back. */
int dsms_store_ref_clear(dsms_store *st, dsms_err *err);
/* Add a row to a reference table: n values (NULL for a null) for the named
 * columns; a numeric column takes a number's text. 0, or -1 with err set and
 * no row added (a table that is not a reference table fails so). */
int dsms_store_ref_put(dsms_store *st, const char *table, size_t n, const char *const *names,
                       const char *const *values, dsms_err *err);
/* Calls fn first with the column names of a reference table, then with each
 * row in the order the rows were put; stops early when fn returns a positive
 * value, fails (-1, err set) when it returns a negative one. */
int dsms_store_ref_each(dsms_store *st, const char *table, dsms_ref_row_fn fn, void *ctx,
                        dsms_err *err);
/* The shortest text (%.15g, or more digits when needed) that reads back as x,
 * in buf. Cannot fail. */
void dsms_number_text(double x, char buf[32]);

/* Calls fn for each reference area code (valid only during that call); fn
 * returns 0 to go on, a positive value to stop early, a negative one on
 * failure (diag.h, "Callbacks"). */
int dsms_store_each_area(dsms_store *st, int (*fn)(void *ctx, const char *code), void *ctx,
                         dsms_err *err);

/* Where a stored record came from. */
typedef struct {
    int64_t submission;
    long line;
} dsms_origin;

/* Most records one dsms_store_put takes. */
#define DSMS_PUT_MAX 16

/* Insert or replace n records (n <= DSMS_PUT_MAX) by their keys, written by
 * submission at lines[i]; rows[i] holds record i's cells in column order. A
 * record whose key was already written by a submission numbered `since` or
 * later (an earlier row of the same import) is left as it is: a duplicate.
 * t is one of dsms_tables() itself (a copy is refused). Returns how many records were
 * written, or -1 with err set: when n is neither 1 nor DSMS_PUT_MAX, records
 * written before the failure stay until the caller undoes its savepoint. */
int dsms_store_put(dsms_store *st, const dsms_table *t, int64_t submission, int64_t since,
                   size_t n, const long *lines, const dsms_cell *const *rows, dsms_err *err);
/* Where the stored record with the key in cells (every stored column's, in
 * order; only the key's are read) came from; {0, 0} if none. t is one of
 * dsms_tables() itself (a copy is refused). 0, or -1 with err set. */
int dsms_store_origin(dsms_store *st, const dsms_table *t, const dsms_cell *cells,
                      dsms_origin *o, dsms_err *err);
/* 1 when the episode exists, 0 when not, -1 with err set on error. */
int dsms_store_episode_exists(dsms_store *st, const char *provider, size_t plen,
                              const char *ref, size_t rlen, dsms_err *err);

/* Record a submission as it starts: s's text is copied, and s->id set to
 * its new number. finish_submission writes its counts and status, by s->id,
 * when it ends. Each returns 0, or -1 with err set and nothing written. */
int dsms_store_add_submission(dsms_store *st, dsms_submission *s, dsms_err *err);
int dsms_store_finish_submission(dsms_store *st, const dsms_submission *s, dsms_err *err);
/* Id of an earlier submission of the same file for the same source and table,
 * or 0; -1 with err set on error. */
int64_t dsms_store_same_submission(dsms_store *st, const dsms_submission *s, dsms_err *err);
/* Calls fn for each submission, in order of arrival (diag.h, "Callbacks"); s
 * and its text are valid only during the call. */
int dsms_store_each_submission(dsms_store *st, dsms_submission_fn fn, void *ctx, dsms_err *err);

/* Keep a refused row of a submission, as JSON text (the record's fields;
 * its diagnostics), which is copied: 0, or -1 with err set. */
int dsms_store_quarantine(dsms_store *st, int64_t submission, const char *table, long line,
                          const char *record_json, const char *diagnostics_json, dsms_err *err);

/* A quarantined row, with the submission it came in; its text is valid only
 * during the dsms_quarantined_fn call that is given it. */
typedef struct {
    int64_t submission;
    const char *source, *file, *table;
    long line;
    const char *record_json, *diagnostics_json;
} dsms_quarantined;

/* 0 go on, positive stop, negative failure (diag.h, "Callbacks"). */
typedef int (*dsms_quarantined_fn)(void *ctx, const dsms_quarantined *q);

/* Calls fn for each quarantined row, in submission and line order; only
 * submission's rows when it is not 0, only source's when it is not NULL
 * (diag.h, "Callbacks"). */
int dsms_store_each_quarantined(dsms_store *st, int64_t submission, const char *source,
                                dsms_quarantined_fn fn, void *ctx, dsms_err *err);
/* Add a line to the audit record: who (actor) did what (action, detail), and
 * when. 0, or -1 with err set and nothing added. */
int dsms_store_audit(dsms_store *st, const char *actor, const char *action, const char *detail,
                     dsms_err *err);
/* Rows in a table (for status and tests); -1 with err set on error. */
int64_t dsms_store_count(dsms_store *st, const char *table, dsms_err *err);

/* Calls fn with each record of a data table, in key order, as the cells of
 * the named stored columns (dsms_store_columns) in the order named, or only
 * with the records whose first key field is first_key, when that is not NULL
 * (one organisation's, found through the key); fn
 * returns 0 to go on, a positive value to stop early, a negative one on
 * failure (diag.h, "Callbacks"). The cells and their text are valid only
 * during the call. -1 with err set too when a column is not the table's, or
 * n is 0 or past DSMS_MAX_COLUMNS. The measures engine reads the store so. */
typedef int (*dsms_scan_fn)(void *ctx, const dsms_cell *cells);
int dsms_store_scan(dsms_store *st, const dsms_table *t, const char *first_key,
                    const char *const *columns, size_t n, dsms_scan_fn fn, void *ctx,
                    dsms_err *err);

/* Whether a result may be published: decided by dsms compute for every
 * result of a measure and period together (measures_public.c). Undecided is
 * the zero value, so a row no one decided on is never shown as public. */
typedef enum {
    DSMS_UNDECIDED = 0, /* computed before the store kept the decision (schema 3) */
    DSMS_PUBLISHED,
    DSMS_SUPPRESSED
} dsms_disclosure;

/* One row of the measures' results (docs/measures.md): a measure for an
 * area (England, a region or a local area) in a period, for one category
 * of one breakdown. A number that does not apply is NaN (stored as null);
 * a label that does not apply is NULL. Its text is the source's in what is
 * stored (dsms_result_source), and valid only during a dsms_result_fn call
 * in what is read. */
typedef struct {
    const char *measure, *area_code, *level, *period, *breakdown, *category;
    double numerator, denominator, value, lower95, upper95, lower99_8, upper99_8;
    const char *vs_england, *vs_comparators, *trend;
    int provisional; /* the measure looks past the period's end further than the data reach */
    dsms_disclosure disclosure; /* stored as suppressed: 0, 1, or null when undecided */
    int by_occurrence; /* a death counted by date of death, having no registration date */
    int incomplete_history; /* the measure looks back before the store's first data */
} dsms_result;

/* 0 go on, positive stop, negative failure (diag.h, "Callbacks"). */
typedef int (*dsms_result_fn)(void *ctx, const dsms_result *r);

/* Which results to read: a NULL member matches anything (the filter itself
 * must not be NULL). */
typedef struct {
    const char *measure, *area_code, *period, *breakdown;
} dsms_result_filter;

/* Where dsms_store_put_results takes the results from, batch by batch: each
 * call sets the next batch (*n rows from *rows, in any order, kept until the
 * next call) and returns 0, *n 0 when there is no more; or returns -1 to
 * abandon the lot (nothing is stored). It may wait for its rows: the
 * results are stored while later ones are still being computed. */
typedef int (*dsms_result_source)(void *ctx, const dsms_result **rows, size_t *n);

/* The store setting that holds the latest date the records reached when the
 * results were computed (YYYY-MM-DD): a period ending after it is not yet
 * complete. */
#define DSMS_META_DATA_END "results_data_end"

/* The computation recorded beside its results: its source sets it before
 * saying there is no more. data_end, when not "", is stored as the setting
 * DSMS_META_DATA_END in the results' transaction. */
typedef struct {
    double seconds;
    char detail[256];
    char data_end[16];
} dsms_computation;

/* Replace the stored results of the named measures (every measure when
 * measures is NULL) with the source's, in one transaction of its own (the
 * caller must have none open), and record the computation (log) beside them.
 * 0, or -1 with err set and the stored results as they were: the transaction
 * is rolled back. */
int dsms_store_put_results(dsms_store *st, dsms_result_source next, void *ctx,
                           const char *const *measures, size_t nmeasures,
                           const dsms_computation *log, dsms_err *err);
/* Calls fn for each stored result matching f (all when f is NULL), ordered by measure, area,
 * period, breakdown and category; stops early when fn returns a positive
 * value, fails (-1, err set) when it returns a negative one. */
int dsms_store_each_result(dsms_store *st, const dsms_result_filter *f, dsms_result_fn fn,
                           void *ctx, dsms_err *err);

/* When the latest computation stored its results (the time dsms_store_put_results
 * recorded, "YYYY-MM-DDTHH:MM:SSZ"), and its number, which each computation's
 * is above the one before's: 1, the time in buf (n bytes, cut short to fit)
 * and the number in *id when results were ever computed, 0 when not, -1 with
 * err set on error; buf and *id are written only for 1. */
int dsms_store_computed_at(dsms_store *st, int64_t *id, char *buf, size_t n, dsms_err *err);

/* One value of a published series (docs/series.md): the series' code, the
 * period, the geography level and the place's code (its key), the value and
 * what may come with it (NaN where not given), the unit, the source, the
 * day it was published as at ("" when not given), and where it came from.
 * Its text is the caller's in what is stored, and the store's, valid only
 * during a dsms_series_fn call, in what is read. */
typedef struct {
    const char *series, *period, *level, *code;
    double value, numerator, denominator, lower, upper;
    const char *unit, *source, *as_at;
    int64_t submission;
    long line;
} dsms_series_value;
/* 0 go on, positive stop, negative failure (diag.h, "Callbacks"). */
typedef int (*dsms_series_fn)(void *ctx, const dsms_series_value *v);
/* Store a series value, replacing any stored with the same key, in the
 * caller's transaction: 0, or -1 with err set and nothing written. */
int dsms_store_series_put(dsms_store *st, const dsms_series_value *v, dsms_err *err);
/* Calls fn for each stored series value, ordered by series, level, code and
 * period; only series' when it is not NULL, only the place code's when it is
 * not NULL (diag.h, "Callbacks"). */
int dsms_store_each_series(dsms_store *st, const char *series, const char *code,
                           dsms_series_fn fn, void *ctx, dsms_err *err);

/* ---- outcomes frameworks and their statuses (schema 8) ---- */

/* A framework as the store holds it (dsms framework load): its id and name,
 * the file it was read from, its YAML text whole, and when and by whom it was
 * loaded (set by the store). Its text is the caller's in what is stored, the
 * store's, valid only during a dsms_stored_framework_fn call, in what is
 * read. */
typedef struct {
    const char *id, *name, *file, *text, *loaded_at, *loaded_by;
} dsms_stored_framework;
/* 0 go on, positive stop, negative failure (diag.h, "Callbacks"). */
typedef int (*dsms_stored_framework_fn)(void *ctx, const dsms_stored_framework *f);
/* Store a framework, replacing one of the same id and its statuses, in the
 * caller's transaction: 0, or -1 with err set. */
int dsms_store_framework_put(dsms_store *st, const dsms_stored_framework *f, dsms_err *err);
/* Remove the framework id and its statuses, in the caller's transaction: 1
 * when it was there, 0 when not, -1 with err set. */
int dsms_store_framework_remove(dsms_store *st, const char *id, dsms_err *err);
/* Calls fn for each stored framework in order of id, only id's when it is
 * not NULL (diag.h, "Callbacks"). */
int dsms_store_each_framework(dsms_store *st, const char *id, dsms_stored_framework_fn fn,
                              void *ctx, dsms_err *err);

/* One metric of a stored framework held against its target for a place in
 * a period (docs/frameworks.md, "Statuses"): the metric's position in the
 * framework (seq, from 0) and id, whether the period is the latest the
 * metric has a figure for there, the figures (NaN where there is none), the
 * status (trajectory.h's dsms_status_name), the direction of travel and why
 * there is no status ("" when there is one), and whether a figure it is
 * drawn from is withheld from public output. A metric with no figure at all
 * for the place has one row, of period "", marked latest. Text as for
 * dsms_stored_framework. */
typedef struct {
    const char *framework, *area_code, *period, *metric;
    int seq, latest;
    double baseline, value, lower95, upper95, target, trajectory, gap_people;
    const char *status, *trend, *why;
    int suppressed;
} dsms_status_row;
/* 0 go on, positive stop, negative failure (diag.h, "Callbacks"). */
typedef int (*dsms_status_fn)(void *ctx, const dsms_status_row *r);
/* Replace the statuses of framework with the n rows given, in the caller's
 * transaction: 0, or -1 with err set. */
int dsms_store_statuses_put(dsms_store *st, const char *framework, const dsms_status_row *rows,
                            size_t n, dsms_err *err);
/* Calls fn for each stored status of framework, ordered by place and seq:
 * only area_code's when it is not NULL; only period's when it is not NULL,
 * else each metric's latest (diag.h, "Callbacks"). */
int dsms_store_each_status(dsms_store *st, const char *framework, const char *area_code,
                           const char *period, dsms_status_fn fn, void *ctx, dsms_err *err);

/* What must change with the results and the series, in the same
 * transaction: set by a caller above the store (the frameworks' statuses,
 * lib/steer), run by dsms_store_put_results before it commits and by
 * dsms_store_derive. 0, or -1 with err set, which abandons the transaction.
 * NULL takes it away. */
typedef int (*dsms_store_derive_fn)(void *ctx, dsms_store *st, dsms_err *err);
void dsms_store_set_derive(dsms_store *st, dsms_store_derive_fn fn, void *ctx);
/* Run what was set, in the caller's transaction: 0 when nothing was set. */
int dsms_store_derive(dsms_store *st, dsms_err *err);

/* The meta setting that holds the store's key fingerprint (key_store.h). */
#define DSMS_META_KEY_FINGERPRINT "key_fingerprint"

/* A value of the store's own settings (schema version, key fingerprint):
 * 1 and the value in buf (n bytes, cut short to fit) when set, 0 when not,
 * -1 with err set on error; buf is written only for 1. */
int dsms_store_meta_get(dsms_store *st, const char *name, char *buf, size_t n, dsms_err *err);
/* Set a setting, in the caller's transaction if there is one: 0, or -1 with
 * err set and the setting as it was. */
int dsms_store_meta_set(dsms_store *st, const char *name, const char *value, dsms_err *err);

/* One problem dsms_store_check found: which check ("integrity", "tables",
 * "schema", "counts", "orphans", "key", "results") and what is wrong, in words.
 * Both are valid only during the dsms_finding_fn call. */
typedef struct {
    const char *check;
    const char *message;
} dsms_finding;

/* 0 go on, positive stop, negative failure (diag.h, "Callbacks"). */
typedef int (*dsms_finding_fn)(void *ctx, const dsms_finding *f);

/* Check a store: the backend's own integrity check, then dsms's invariants
 * (docs/store.md): every submission's rows read = accepted + quarantined,
 * every record's submission exists, the key fingerprint is recorded (and is
 * key_fingerprint's, when that is not NULL), and the results are no older
 * than the latest submission. Calls fn for each finding; returns how many
 * there were (those before fn stopped it, when it did), or -1 (err set) when
 * fn failed. A check that could not run is itself a finding. Writes nothing. */
long dsms_store_check(dsms_store *st, const char *key_fingerprint, dsms_finding_fn fn, void *ctx,
                      dsms_err *err);

/* ---- accounts, API tokens, sessions and the audit record (schema 6) ----
 *
 * What serve/accounts.c keeps (dsms/accounts.h): the store holds hashes
 * only (a password's Argon2id text, a token's 32-byte hash), never a
 * password or a token itself. Times of sessions and locks are seconds since
 * 1970 as the caller gives them; the others are the store's clock, as ISO
 * 8601 text. */

/* An account as stored. In a dsms_store_user_fn call its text is the
 * store's, valid only during that call. */
typedef struct {
    int64_t id;
    const char *name, *role, *scope; /* scope: codes separated by spaces, "" for none */
    const char *password_hash;       /* crypto_pwhash_str's text */
    const char *created_at;
    int failed_logins;
    int64_t locked_until; /* seconds since 1970; 0 when not locked */
    long tokens;          /* tokens not revoked */
} dsms_store_user;

/* 0 go on, positive stop, negative failure (diag.h, "Callbacks"). */
typedef int (*dsms_store_user_fn)(void *ctx, const dsms_store_user *u);

/* Add an account (u's name, role, scope and password_hash, copied; its
 * other members are ignored): its new id, or 0 when the name is taken
 * (err untouched), or -1 with err set and nothing added. */
int64_t dsms_store_user_add(dsms_store *st, const dsms_store_user *u, dsms_err *err);
/* Calls fn for each account by name, or only name's when it is not NULL
 * (diag.h, "Callbacks"); 0, or -1 with err set. */
int dsms_store_user_each(dsms_store *st, const char *name, dsms_store_user_fn fn, void *ctx,
                         dsms_err *err);
/* Remove account id with its sessions and tokens: 1, 0 when there is no
 * such account, or -1 with err set and nothing removed. */
int dsms_store_user_remove(dsms_store *st, int64_t id, dsms_err *err);
/* Set account id's password hash (copied), clear its failed logins and its
 * lock, and end its sessions: 1, 0 when there is no such account, or -1 with
 * err set and nothing changed. */
int dsms_store_user_passwd(dsms_store *st, int64_t id, const char *password_hash,
                           dsms_err *err);
/* Record account id's failed logins since the last success and the time its
 * lock ends (0: none): 0, or -1 with err set. */
int dsms_store_user_logins(dsms_store *st, int64_t id, int failed, int64_t locked_until,
                           dsms_err *err);
/* 0 go on, positive stop, negative failure (diag.h, "Callbacks"); text valid during the call. */
typedef int (*dsms_store_event_fn)(void *ctx, const char *name, const char *at);
/* Calls fn, by name, for each account with a line of the audit record of action by it (its
 * name the actor) since the account was made, with the latest such line's time: the record
 * read once whole, as it has no index by actor (not for every request). 0, or -1 with err
 * set. */
int dsms_store_user_last_event(dsms_store *st, const char *action, dsms_store_event_fn fn,
                               void *ctx, dsms_err *err);

/* Add an API token of account user_id under label (copied), by its 32-byte
 * hash: its new id, 0 when the account has a token of that label already
 * (revoked or not) or the hash is taken (err untouched), or -1 with err set
 * and nothing added. */
int64_t dsms_store_token_add(dsms_store *st, int64_t user_id, const char *label,
                             const unsigned char hash[32], dsms_err *err);
/* Revoke account user_id's token of label: 1, 0 when it has no such token
 * not yet revoked, or -1 with err set. */
int dsms_store_token_revoke(dsms_store *st, int64_t user_id, const char *label, dsms_err *err);
/* How often, at most, the last use of a session or token is written
 * (seconds): more often would make every request with one a write. */
#define DSMS_LAST_USE_SECONDS 60

/* The token of a 32-byte hash, when not revoked: its id, its account's in
 * *user_id, and its last use recorded as now (the store's clock) when the
 * one recorded is DSMS_LAST_USE_SECONDS old or more, *recorded then 1
 * (else 0); 0 when
 * there is none such, or -1 with err set. */
int64_t dsms_store_token_use(dsms_store *st, const unsigned char hash[32], int64_t *user_id,
                             int *recorded, dsms_err *err);

/* A session as stored: the hashes of its token and of its CSRF token, the
 * account, and its times (seconds since 1970). */
typedef struct {
    unsigned char hash[32], csrf[32];
    int64_t user_id, created, last_used, expires;
} dsms_store_session;

/* Add a session (copied): 0, or -1 with err set and nothing added. */
int dsms_store_session_add(dsms_store *st, const dsms_store_session *s, dsms_err *err);
/* The session of a 32-byte hash into *s: 1, 0 when there is none (s
 * untouched), or -1 with err set. */
int dsms_store_session_find(dsms_store *st, const unsigned char hash[32], dsms_store_session *s,
                            dsms_err *err);
/* Record a session's last use at now: 0 (also when there is no such
 * session), or -1 with err set. */
int dsms_store_session_touch(dsms_store *st, const unsigned char hash[32], int64_t now,
                             dsms_err *err);
/* Remove a session, and every session of any account that expired before
 * now: 0 (also when there is no such session), or -1 with err set. */
int dsms_store_session_remove(dsms_store *st, const unsigned char hash[32], int64_t now,
                              dsms_err *err);

/* Add a line to the audit record as dsms_store_audit does, with where it
 * came from: a remote address, or "cli" (origin NULL: not recorded). 0, or
 * -1 with err set and nothing added. The record is append-only: the store
 * refuses to change or remove a line of it. */
int dsms_store_audit_from(dsms_store *st, const char *actor, const char *origin,
                          const char *action, const char *detail, dsms_err *err);

/* One line of the audit record: its text is the store's, valid only during
 * the dsms_audit_fn call ("" for an origin not recorded). */
typedef struct {
    int64_t id;
    const char *at, *actor, *action, *detail, *origin;
} dsms_audit_entry;

/* 0 go on, positive stop, negative failure (diag.h, "Callbacks"). */
typedef int (*dsms_audit_fn)(void *ctx, const dsms_audit_entry *e);

/* Calls fn for each line of the audit record at or after since (ISO 8601
 * text, compared as text; NULL for all) by actor (NULL for anyone), oldest
 * first (diag.h, "Callbacks"); 0, or -1 with err set. */
int dsms_store_audit_each(dsms_store *st, const char *since, const char *actor,
                          dsms_audit_fn fn, void *ctx, dsms_err *err);

/* ---- early warning: the substance register and alerts (schema 9) ---- */

/* A substance of the register as the store holds it: the columns of
 * data/substances.csv (docs/early-warning.md), and when and by whom it was
 * added ("" for the shipped register's). Text as for dsms_stored_framework. */
typedef struct {
    const char *code, *name, *family, *synonyms, *legal_status, *first_uk, *added_at, *added_by;
} dsms_stored_substance;
/* 0 go on, positive stop, negative failure (diag.h, "Callbacks"). */
typedef int (*dsms_stored_substance_fn)(void *ctx, const dsms_stored_substance *s);
/* Store a substance, replacing one of the same code, in the caller's
 * transaction (added_at NULL: now): 0, or -1 with err set. */
int dsms_store_substance_put(dsms_store *st, const dsms_stored_substance *s, dsms_err *err);
/* Calls fn for each substance in order of code, only code's when it is not
 * NULL (diag.h, "Callbacks"). */
int dsms_store_each_substance(dsms_store *st, const char *code, dsms_stored_substance_fn fn,
                              void *ctx, dsms_err *err);

/* An alert (docs/early-warning.md, "Alerts"): the signal that raised it,
 * named by its key (the same signal found again is the same alert), its
 * kind (novelty, exceedance, cluster), state (new, assessed, issued,
 * closed), severity (low, medium, high), the substance or family and the
 * areas (semicolon-separated codes) it concerns, the week or day it began
 * (period), a one-line title, its evidence as JSON, and when it was raised
 * and last changed (set by the store). Text as for dsms_stored_framework. */
typedef struct {
    int64_t id;
    const char *key, *kind, *state, *severity, *substance, *family, *areas, *period, *title,
        *evidence, *raised_at, *updated_at;
} dsms_stored_alert;
typedef int (*dsms_stored_alert_fn)(void *ctx, const dsms_stored_alert *a);
/* Raise the alert a (its id, state, raised_at and updated_at are ignored)
 * in the caller's transaction: a new alert in state new when no alert has
 * its key; else the alert of that key takes a's severity, areas, title and
 * evidence unless it is closed. *id is the alert's id, *created 1 when it
 * is new. 0, or -1 with err set. */
int dsms_store_alert_raise(dsms_store *st, const dsms_stored_alert *a, int64_t *id, int *created,
                           dsms_err *err);
/* Which alerts dsms_store_each_alert reads: only id's (id > 0), only those
 * in state (not NULL), of kind (not NULL), concerning area (not NULL); most
 * recently begun first. */
typedef struct {
    int64_t id;
    const char *state, *kind, *area;
} dsms_alert_filter;
int dsms_store_each_alert(dsms_store *st, const dsms_alert_filter *f, dsms_stored_alert_fn fn,
                          void *ctx, dsms_err *err);
/* Move alert id from state from to state to, by actor, with a note, in the
 * caller's transaction, and keep the change in its history: 1 done, 0 when
 * there is no such alert or it is not in state from, -1 with err set. */
int dsms_store_alert_move(dsms_store *st, int64_t id, const char *from, const char *to,
                          const char *actor, const char *note, dsms_err *err);
/* One change of an alert's state: text as for dsms_stored_framework. */
typedef struct {
    int64_t alert;
    const char *at, *actor, *from, *to, *note;
} dsms_alert_event;
typedef int (*dsms_alert_event_fn)(void *ctx, const dsms_alert_event *e);
/* Calls fn for each change of alert id's state, oldest first. */
int dsms_store_each_alert_event(dsms_store *st, int64_t id, dsms_alert_event_fn fn, void *ctx,
                                dsms_err *err);

#endif
