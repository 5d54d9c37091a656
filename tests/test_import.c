/* test_import.c — what a submission does to the store: counts that add up,
 * one transaction, resubmission replaces, an identical file changes nothing,
 * validate stores nothing, quarantine records, stored encodings, and order
 * of diagnostics across the reader's batches. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dsms/field.h"
#include "support.h"

static const char *HEADER =
    "provider_code,client_ref,episode_ref,initials,date_of_birth,sex,consent,ethnicity,"
    "area_code,referral_date,referral_source,triage_date,first_intervention_date,setting,"
    "substance_1,substance_2,substance_3,age_first_use,injecting_status,housing_need,"
    "employment_status,parent_status,mental_health_need,hep_c_tested,hep_b_vaccinated,"
    "discharge_date,discharge_reason,ost_at_exit\n";

/* One valid episode row; reason picks the discharge. */
static void episode(char *out, size_t n, const char *ref, const char *reason)
{
    snprintf(out, n,
             "P0001,C1,%s,AB,1980-05-06,M,Y,A,E08000025,2025-01-10,gp,2025-01-12,2025-01-15,C,"
             "heroin,crack,,19,current,nfa,unemployed,not_parent,Y,Y,N,%s,%s,%s\n",
             ref, *reason ? "2025-06-01" : "", reason, *reason ? "N" : "");
}

static char *episodes_file(int rows, int bad_every)
{
    size_t cap = (size_t)rows * 256 + 1024, used = 0;
    char *text = malloc(cap);
    used += (size_t)snprintf(text, cap, "%s", HEADER);
    for (int i = 0; i < rows; i++) {
        char ref[32], line[512];
        snprintf(ref, sizeof ref, "E%06d", i);
        episode(line, sizeof line, ref, i % 3 ? "" : "completed_drug_free");
        if (bad_every && i % bad_every == 0) {
            /* A future referral date: an error from the reader. */
            char *p = strstr(line, "2025-01-10");
            memcpy(p, "2027-01-10", 10);
        }
        used += (size_t)snprintf(text + used, cap - used, "%s", line);
    }
    return text;
}

/* The first column of the first row of a query, as text (NULL if none). */
static char *text_of(const char *db, const char *sql)
{
    sqlite3 *h;
    sqlite3_stmt *q;
    char *v = NULL;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, sql, -1, &q, NULL) == SQLITE_OK) {
        if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
            v = strdup((const char *)sqlite3_column_text(q, 0));
        sqlite3_finalize(q);
    }
    sqlite3_close(h);
    return v;
}

/* The same as a number; -1 when there is none. */
static long long scalar(const char *db, const char *sql)
{
    char *t = text_of(db, sql);
    long long v = t ? atoll(t) : -1;
    free(t);
    return v;
}

static const char *db_path(int n)
{
    static char p[600];
    snprintf(p, sizeof p, "%s/store%d.db", support_dir(), n);
    return p;
}

/* Counts, quarantine and order of diagnostics across many batches. */
static void counts_and_batches(void)
{
    dsms_store *st = support_store(); /* store0 */
    char *text = episodes_file(5000, 7);
    const char *f = support_file("many.csv", text);
    free(text);
    dsms_import_result r;
    diag_list d;
    int rc = support_import(st, "P0001", &f, 1, &r, &d, 0);
    CHECK_INT(rc, DSMS_PARTIAL);
    CHECK_INT(r.rows, 5000);
    CHECK_INT(r.quarantined, 715); /* rows 0, 7, ..., 4998 */
    CHECK_INT(r.accepted, 5000 - 715);
    CHECK_INT(r.rows, r.accepted + r.quarantined);
    CHECK_STR(r.table, "episodes");
    CHECK(strlen(r.sha256) == 64);
    CHECK_INT(d.n, SUPPORT_MAX_DIAGS); /* kept the first ones */
    long last = 0;
    int ordered = 1;
    for (int i = 0; i < d.n; i++) {
        ordered &= d.d[i].line >= last;
        last = d.d[i].line;
    }
    CHECK(ordered);
    /* Row 0 (line 2): referral in the future, hence also after triage and first intervention. */
    const dsms_diag *future = support_find(&d, "no_future_dates", NULL);
    CHECK(future && future->line == 2 && strcmp(future->field, "referral_date") == 0);
    int on_line2 = 0, next = 0;
    for (int i = 0; i < d.n; i++) {
        on_line2 += d.d[i].line == 2;
        if (!next && d.d[i].line != 2) next = (int)d.d[i].line;
    }
    CHECK_INT(on_line2, 4);
    CHECK_INT(next, 9);
    dsms_store_close(st);
    const char *db = db_path(0);
    CHECK_INT(scalar(db, "select count(*) from episodes"), 5000 - 715);
    CHECK_INT(scalar(db, "select count(*) from quarantine"), 715);
    CHECK_INT(scalar(db, "select count(*) from quarantine where line % 7 <> 2"), 0);
    CHECK_INT(scalar(db, "select rows_read - accepted - quarantined from submissions"), 0);
    CHECK_INT(scalar(db, "select count(*) from audit where action = 'import'"), 1);
    /* Stored encodings: code numbers, day counts, 32-byte pseudonyms, age. */
    CHECK_INT(scalar(db, "select substance_1 from episodes where episode_ref = 'E000001'"), 1);
    CHECK_INT(scalar(db, "select referral_date from episodes where episode_ref = 'E000001'"),
              dsms_date_parse("2025-01-10", 10));
    CHECK_INT(scalar(db, "select length(person) from episodes where episode_ref = 'E000001'"), 32);
    CHECK_INT(scalar(db, "select age from episodes where episode_ref = 'E000001'"), 44);
    CHECK_INT(scalar(db, "select count(distinct person) from episodes"), 1);
    char *v = text_of(db, "select discharge_reason || ' ' || referral_date || ' ' || line "
                          "from v_episodes where episode_ref = 'E000003'");
    CHECK_STR(v, "completed_drug_free 2025-01-10 5");
    free(v);
    /* A quarantined row keeps its fields without the attributor, with its diagnostics. */
    v = text_of(db, "select record from quarantine where line = 2");
    CHECK(v && strstr(v, "\"episode_ref\":\"E000000\"") && strstr(v, "\"referral_date\":\"2027-01-10\""));
    CHECK(v && !strstr(v, "initials") && !strstr(v, "date_of_birth") && !strstr(v, "1980-05-06"));
    free(v);
    v = text_of(db, "select diagnostics from quarantine where line = 2");
    CHECK(v && strstr(v, "\"rule\":\"no_future_dates\"") && strstr(v, "\"field\":\"referral_date\""));
    free(v);
}

/* Resubmission replaces; an identical file changes nothing; validate stores nothing. */
static void resubmission(void)
{
    dsms_store *st = support_store(); /* store1 */
    const char *db = db_path(1);
    char a[512], b[512], text[2048];
    episode(a, sizeof a, "E1", "");
    episode(b, sizeof b, "E2", "");
    snprintf(text, sizeof text, "%s%s%s", HEADER, a, b);
    const char *f1 = support_file("first.csv", text);
    dsms_import_result r;
    CHECK_INT(support_import(st, "P0001", &f1, 1, &r, NULL, 0), DSMS_OK);
    CHECK_INT(r.accepted, 2);
    int64_t first = r.submission;
    /* The same bytes again: nothing changes but the record of its arrival. */
    CHECK_INT(support_import(st, "P0001", &f1, 1, &r, NULL, 0), DSMS_OK);
    CHECK_INT(r.same_as, first);
    CHECK_INT(scalar(db, "select count(*) from episodes where submission_id <> 1"), 0);
    CHECK_INT(scalar(db, "select count(*) from submissions where status = 'unchanged'"), 1);
    /* The same file from another source is not the same submission. */
    CHECK_INT(support_import(st, "P0002", &f1, 1, &r, NULL, 0), DSMS_PARTIAL);
    CHECK_INT(r.same_as, 0);
    CHECK_INT(r.quarantined, 2); /* provider_code is not P0002's */
    /* A corrected record replaces the earlier one; a new one is added. */
    episode(a, sizeof a, "E1", "completed_alcohol_free");
    episode(b, sizeof b, "E3", "");
    snprintf(text, sizeof text, "%s%s%s", HEADER, a, b);
    const char *f2 = support_file("second.csv", text);
    CHECK_INT(support_import(st, "P0001", &f2, 1, &r, NULL, 0), DSMS_OK);
    CHECK_INT(scalar(db, "select count(*) from episodes"), 3);
    char *v = text_of(db, "select discharge_reason from v_episodes where episode_ref = 'E1'");
    CHECK_STR(v, "completed_alcohol_free");
    free(v);
    CHECK_INT(scalar(db, "select submission_id from episodes where episode_ref = 'E2'"), first);
    /* validate: the same checks, nothing stored. */
    episode(a, sizeof a, "E9", "");
    snprintf(text, sizeof text, "%s%s", HEADER, a);
    const char *f3 = support_file("third.csv", text);
    long long subs = scalar(db, "select count(*) from submissions");
    CHECK_INT(support_import(st, "P0001", &f3, 1, &r, NULL, 1), DSMS_OK);
    CHECK_INT(r.accepted, 1);
    CHECK_INT(scalar(db, "select count(*) from episodes"), 3);
    CHECK_INT(scalar(db, "select count(*) from submissions"), subs);
    dsms_store_close(st);
}

/* A refused file refuses the whole submission. */
static void refusal_is_atomic(void)
{
    dsms_store *st = support_store(); /* store2 */
    const char *db = db_path(2);
    char a[512], text[2048];
    episode(a, sizeof a, "E1", "");
    snprintf(text, sizeof text, "%s%s", HEADER, a);
    const char *files[3] = {support_file("ok.csv", text),
                            support_file("bad.csv", "provider_code,episode_ref\nP1,E2\n"), NULL};
    dsms_import_result r[2];
    diag_list d;
    CHECK_INT(support_import(st, "P0001", files, 2, r, &d, 0), DSMS_REFUSED);
    CHECK(d.n >= 1 && strstr(d.d[d.n - 1].message, "bad.csv:1: header: required columns missing"));
    CHECK_INT(scalar(db, "select count(*) from episodes"), 0);
    CHECK_INT(scalar(db, "select count(*) from submissions"), 0);
    /* Duplicate header names, a header with bad quoting, no header at all. */
    const char *dup = support_file("dup.csv", "provider_code,provider_code,episode_ref\n");
    CHECK_INT(support_import(st, "P0001", &dup, 1, r, &d, 0), DSMS_REFUSED);
    CHECK(strstr(d.d[d.n - 1].message, "column named twice") != NULL);
    const char *quote = support_file("quote.csv", "provider_code,\"episode_ref\n");
    CHECK_INT(support_import(st, "P0001", &quote, 1, r, &d, 0), DSMS_REFUSED);
    static const char nul_header[] = "provider_code\0x,episode_ref\nP1,E1\n";
    const char *nul = support_file("nul.csv", "");
    FILE *fn = fopen(nul, "wb");
    fwrite(nul_header, 1, sizeof nul_header - 1, fn);
    fclose(fn);
    CHECK_INT(support_import(st, "P0001", &nul, 1, r, &d, 0), DSMS_REFUSED);
    CHECK(strstr(d.d[d.n - 1].message, "NUL byte") != NULL);
    const char *empty = support_file("empty.csv", "");
    CHECK_INT(support_import(st, "P0001", &empty, 1, r, &d, 0), DSMS_REFUSED);
    CHECK(strstr(d.d[d.n - 1].message, "empty file") != NULL);
    /* A file may not be read as a table whose required columns it lacks. */
    dsms_err err = {""};
    dsms_import_opts o = {.source = "P0001", .by = "t", .table = "deaths",
                          .today = dsms_date_parse("2026-06-30", 10)};
    CHECK_INT(dsms_import(st, support_key(), files, 1, &o, r, &err), DSMS_REFUSED);
    CHECK(strstr(err.msg, "death_ref") != NULL);
    CHECK_INT(scalar(db, "select count(*) from episodes"), 0);
    dsms_store_close(st);
}

/* Columns in any order, extra columns warned about, a BOM and CRLF accepted. */
static void header_variants(void)
{
    dsms_store *st = support_store(); /* store3 */
    const char *text =
        "\xEF\xBB\xBF" "consent,episode_ref,provider_code,note,area_code,referral_date,"
        "referral_source,setting,substance_1,initials,date_of_birth,sex\r\n"
        "N,E1,P0001,hello,E09000012,2025-03-01,self,C,cannabis,,,\r\n"
        "y,E2,P0001,,E09000012,2025-03-01,SELF,c,Cannabis,ab,1990-01-01,f\r\n";
    const char *f = support_file("order.csv", text);
    dsms_import_result r;
    diag_list d;
    CHECK_INT(support_import(st, "P0001", &f, 1, &r, &d, 0), DSMS_OK);
    CHECK_INT(r.accepted, 2);
    CHECK_INT(r.warnings, 1);
    const dsms_diag *w = support_find(&d, "header", "note");
    CHECK(w && w->severity == DSMS_WARNING && w->line == 1);
    dsms_store_close(st);
    const char *db = db_path(3);
    CHECK_INT(scalar(db, "select count(*) from episodes where person is null"), 1);
    CHECK_INT(scalar(db, "select count(*) from v_episodes where person is null"), 1);
    CHECK_INT(scalar(db, "select length(person) from v_episodes where person is not null"), 64);
    char *v = text_of(db, "select referral_source || setting || substance_1 || sex from v_episodes "
                          "where episode_ref = 'E2'");
    CHECK_STR(v, "selfCcannabisF");
    free(v);
}

/* The same key in two files of one import is a duplicate; in a later import it replaces. */
static void duplicates_across_files(void)
{
    dsms_store *st = support_store(); /* store4 */
    char a[512], b[512], text[2048];
    episode(a, sizeof a, "E1", "");
    episode(b, sizeof b, "E2", "");
    snprintf(text, sizeof text, "%s%s", HEADER, a);
    const char *f1 = support_file("one.csv", text);
    snprintf(text, sizeof text, "%s%s%s", HEADER, b, a);
    const char *f2 = support_file("two.csv", text);
    const char *files[] = {f1, f2};
    dsms_import_result r[2];
    diag_list d;
    CHECK_INT(support_import(st, "P0001", files, 2, r, &d, 0), DSMS_PARTIAL);
    CHECK_INT(r[0].accepted, 1);
    CHECK_INT(r[1].accepted, 1);
    CHECK_INT(r[1].quarantined, 1);
    const dsms_diag *dup = support_find(&d, "unique_key", "episode_ref");
    CHECK(dup && dup->line == 3 && strstr(dup->message, "line 2 of ") &&
          strstr(dup->message, "one.csv in this submission"));
    /* A later import of the second file replaces E1 and adds nothing twice. */
    CHECK_INT(support_import(st, "P0001", &f2, 1, r, &d, 0), DSMS_OK);
    CHECK_INT(r[0].accepted, 2);
    dsms_store_close(st);
    CHECK_INT(scalar(db_path(4), "select count(*) from episodes"), 2);
}

/* Duplicates found inside and across the store's multi-record writes. */
static void duplicates_in_chunks(void)
{
    dsms_store *st = support_store(); /* store5 */
    size_t cap = 100 * 300, used = 0;
    char *text = malloc(cap), line[512], ref[32];
    used += (size_t)snprintf(text, cap, "%s", HEADER);
    for (int i = 0; i < 100; i++) {
        /* Every tenth row repeats the key of the row nine lines before it. */
        snprintf(ref, sizeof ref, "E%d", i % 10 == 9 ? i - 9 : i);
        episode(line, sizeof line, ref, "");
        used += (size_t)snprintf(text + used, cap - used, "%s", line);
    }
    const char *f = support_file("dups.csv", text);
    free(text);
    dsms_import_result r;
    diag_list d;
    CHECK_INT(support_import(st, "P0001", &f, 1, &r, &d, 0), DSMS_PARTIAL);
    CHECK_INT(r.accepted, 90);
    CHECK_INT(r.quarantined, 10);
    CHECK_INT(d.n, 10);
    int right = 0;
    for (int k = 0; k < d.n; k++) {
        char want[96];
        long dup_line = 2 + 10 * k + 9;
        snprintf(want, sizeof want, "the same record is at line %ld of this submission",
                 dup_line - 9);
        right += d.d[k].line == dup_line && strstr(d.d[k].message, want) != NULL;
    }
    CHECK_INT(right, 10);
    dsms_store_close(st);
    CHECK_INT(scalar(db_path(5), "select count(*) from episodes"), 90);
    CHECK_INT(scalar(db_path(5), "select max(line) from episodes"), 100);
}

int main(void)
{
    counts_and_batches();
    resubmission();
    refusal_is_atomic();
    header_variants();
    duplicates_across_files();
    duplicates_in_chunks();
    support_cleanup();
    return check_summary();
}
