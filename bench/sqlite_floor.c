/* sqlite_floor.c — the cost of storing the benchmark's rows in SQLite alone,
 * with nothing read, checked or pseudonymised: the same table shape as
 * dsms's episodes (30 columns, WITHOUT ROWID, keyed upsert), the same pragmas,
 * one prepared statement of PER rows, one transaction. It is what a program
 * that only writes these rows would take; bench/import.sh prints it beside
 * dsms's figures, with one row per statement and with dsms's sixteen. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int run(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK) return 0;
    fprintf(stderr, "sqlite_floor: %s: %s\n", sql, msg);
    sqlite3_free(msg);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: sqlite_floor ROWS PER DBFILE\n");
        return 2;
    }
    long rows = atol(argv[1]);
    int per = atoi(argv[2]);
    if (per < 1 || per > 64 || rows % per) {
        fprintf(stderr, "sqlite_floor: PER must be 1 to 64 and divide ROWS\n");
        return 2;
    }
    argv[2] = argv[3];
    sqlite3 *db;
    remove(argv[2]);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (sqlite3_open_v2(argv[2], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        return 1;
    static char sql[65536] = "CREATE TABLE t (submission_id INTEGER, line INTEGER";
    for (int i = 2; i < 30; i++) {
        char col[32];
        snprintf(col, sizeof col, ", c%d", i);
        strcat(sql, col);
    }
    strcat(sql, ", PRIMARY KEY (c2, c4)) WITHOUT ROWID");
    if (run(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                " PRAGMA cache_size = -16384;") || run(db, sql))
        return 1;
    strcpy(sql, "INSERT INTO t VALUES ");
    for (int r = 0; r < per; r++) {
        strcat(sql, r ? ", (?, ?" : "(?, ?");
        for (int i = 2; i < 30; i++) strcat(sql, ", ?");
        strcat(sql, ")");
    }
    strcat(sql, " ON CONFLICT (c2, c4) DO UPDATE SET submission_id = excluded.submission_id");
    for (int i = 2; i < 30; i++) {
        char set[48];
        snprintf(set, sizeof set, ", c%d = excluded.c%d", i, i);
        strcat(sql, set);
    }
    strcat(sql, " WHERE t.submission_id < 1");
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK || run(db, "BEGIN")) return 1;
    double t0 = now();
    static unsigned char person[64][32];
    static char ref[64][32], cref[64][32];
    for (long r = 0; r < rows;) {
        for (int k = 0; k < per; k++, r++) {
            int at = k * 30;
            snprintf(ref[k], sizeof ref[k], "E%08ld", r);
            snprintf(cref[k], sizeof cref[k], "C%07ld", r);
            sqlite3_bind_int64(q, at + 1, 1);
            sqlite3_bind_int64(q, at + 2, r + 2);
            sqlite3_bind_text(q, at + 3, "P0001", 5, SQLITE_STATIC);
            sqlite3_bind_text(q, at + 4, cref[k], -1, SQLITE_STATIC);
            sqlite3_bind_text(q, at + 5, ref[k], -1, SQLITE_STATIC);
            for (int i = 5; i < 28; i++) /* codes and dates, as dsms stores them */
                sqlite3_bind_int64(q, at + i + 1, i % 5 == 0 ? 19800 + r % 300 : i % 7 + 1);
            memcpy(person[k], &r, sizeof r);
            sqlite3_bind_blob(q, at + 29, person[k], sizeof person[k], SQLITE_STATIC);
            sqlite3_bind_int64(q, at + 30, 40);
        }
        if (sqlite3_step(q) != SQLITE_DONE) return 1;
        sqlite3_reset(q);
    }
    if (run(db, "COMMIT")) return 1;
    double secs = now() - t0;
    printf("SQLite alone, %ld rows of the same shape, %d per statement: %.2f s, %.0f rows/s\n",
           rows, per, secs, (double)rows / secs);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return 0;
}
