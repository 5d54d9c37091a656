/* fuzz_stats.c — libFuzzer target for dsms stats' input reading and
 * computation (lib/stats/stats_table.c over lib/stats/stats.c): an analyst's CSV file is
 * untrusted input, read by column names, checked cell by cell, computed and
 * written back as CSV and JSON.
 *
 * Input: the first byte chooses the method (byte & 7, 7 read as 0: 0
 * proportion, 1 rate, 2 dsr, 3 mean, 4 funnel, 5 compare, 6 trend; the
 * byte '7' itself, 0x37, is farrington, lib/stats/farrington_table.c); the
 * second chooses options (bit 0: a funnel for a rate; bit 1: one level, 90%,
 * instead of 95% and 99.8%; bit 2: multiplier 1; bit 3: a benchmark of 10 for
 * compare rather than the column; bits 4-5: polarity; bit 6: a funnel limits
 * table over 1 to 1,000 instead of the rows). The rest is the CSV file.
 *
 * On failure the message must be NUL-terminated, non-empty and name the file
 * ("in.csv:" or "in.csv:LINE:"), with the table left empty. On success: every
 * row has every column; the last column is "note", and an empty cell of a
 * column the method adds has a note; a numeric cell is a finite number
 * written in full;
 * every lowerL is no more than its upperL; for proportion and rate the value
 * lies within its limits, and a proportion's within 0..multiplier; the CSV
 * written reads back, cell for cell, with the CSV reader; the JSON written
 * parses to an array of one object per row with one member per column.
 * For farrington the second byte's bit 0 chooses Noufaily's settings, bit 1
 * the last 2 weeks of each series rather than every week with history, and
 * bit 2 one year back and a window of 1 week (short inputs reach a
 * threshold); on success each alarm is 0 or 1 with a threshold below the
 * count, and every expected value and threshold is 0 or more. */
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/farrington.h"
#include "dsms/stats_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(c)                                                                           \
    do {                                                                                     \
        if (!(c)) {                                                                          \
            fprintf(stderr, "fuzz_stats: %s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
                    #c);                                                                     \
            abort();                                                                         \
        }                                                                                    \
    } while (0)

/* A refusal names the input, or for isr the reference file. */
static void check_failure(const dsms_err *err, const dsms_stats_table *t)
{
    REQUIRE(memchr(err->msg, 0, sizeof err->msg) != NULL);
    REQUIRE(strncmp(err->msg, "in.csv:", 7) == 0 || strncmp(err->msg, "ref.csv:", 8) == 0);
    REQUIRE(t->nrows == 0 && t->ncols == 0 && t->cell == NULL && t->name == NULL);
}

static int col(const dsms_stats_table *t, const char *name)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->name[c], name) == 0) return (int)c;
    return -1;
}

/* Cell (i, c) as a number, NaN when empty. */
static double num(const dsms_stats_table *t, size_t i, int c)
{
    if (c < 0) return NAN;
    const char *s = t->cell[i * t->ncols + (size_t)c];
    return s ? strtod(s, NULL) : NAN;
}

static void check_cells(const dsms_stats_table *t)
{
    REQUIRE(t->ncols >= 2 && t->ninput < t->ncols);
    for (size_t c = 0; c < t->ncols; c++) REQUIRE(t->name[c] != NULL);
    REQUIRE(strcmp(t->name[t->ncols - 1], "note") == 0);
    for (size_t i = 0; i < t->nrows; i++) {
        const char *note = t->cell[i * t->ncols + t->ncols - 1];
        REQUIRE(!note || *note);
        for (size_t c = t->ninput; c + 1 < t->ncols; c++)
            REQUIRE(note || t->cell[i * t->ncols + c]);
    }
    for (size_t i = 0; i < t->nrows * t->ncols; i++) {
        const char *s = t->cell[i];
        if (!s) {
            REQUIRE(!t->num[i]);
            continue;
        }
        if (t->num[i]) {
            char *end;
            double d = strtod(s, &end);
            REQUIRE(*s && *end == '\0' && isfinite(d));
        }
    }
}

/* lowerL <= upperL; value within its limits where that must hold. */
static void check_limits(const dsms_stats_table *t, const dsms_stats_opts *o, double mult)
{
    int cv = col(t, "value");
    for (size_t c = 0; c < t->ncols; c++) {
        if (strncmp(t->name[c], "lower", 5) != 0) continue;
        char up[128];
        snprintf(up, sizeof up, "upper%s", t->name[c] + 5);
        int cu = col(t, up);
        if (cu < 0) continue;
        for (size_t i = 0; i < t->nrows; i++) {
            double lo = num(t, i, (int)c), hi = num(t, i, cu), v = num(t, i, cv);
            if (!isnan(lo) && !isnan(hi)) REQUIRE(lo <= hi);
            if (o->method == DSMS_STATS_PROPORTION && !isnan(v)) {
                REQUIRE(v >= 0 && v <= mult * (1 + 1e-12));
                REQUIRE(lo >= 0 && hi <= mult * (1 + 1e-12));
                REQUIRE(lo <= v * (1 + 1e-9) + 1e-300 && v <= hi * (1 + 1e-9) + 1e-300);
            }
            if ((o->method == DSMS_STATS_RATE || o->method == DSMS_STATS_ISR) && !isnan(v) &&
                !isnan(lo))
                REQUIRE(lo <= v * (1 + 1e-9) + 1e-300 && v <= hi * (1 + 1e-9) + 1e-300);
        }
    }
}

static void check_csv(const dsms_stats_table *t)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    REQUIRE(f);
    REQUIRE(dsms_stats_write_csv(t, f) == 0);
    REQUIRE(fclose(f) == 0);
    dsms_csv *c = dsms_csv_open_mem(text, len);
    REQUIRE(c);
    dsms_csv_row row;
    size_t k = 0;
    while (dsms_csv_next(c, &row) == 1) {
        REQUIRE(row.status == DSMS_CSV_OK);
        REQUIRE(k <= t->nrows);
        REQUIRE(row.nfields == t->ncols);
        for (size_t i = 0; i < t->ncols; i++) {
            const char *want = k == 0 ? t->name[i] : t->cell[(k - 1) * t->ncols + i];
            REQUIRE(strcmp(row.field[i], want ? want : "") == 0);
        }
        k++;
    }
    REQUIRE(k == t->nrows + 1); /* never an empty line: every table has several columns */
    dsms_csv_close(c);
    free(text);
}

static void check_json(const dsms_stats_table *t)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    REQUIRE(f);
    REQUIRE(dsms_stats_write_json(t, f) == 0);
    REQUIRE(fclose(f) == 0);
    json_error_t e;
    json_t *all = json_loadb(text, len, 0, &e);
    REQUIRE(all && json_is_array(all));
    REQUIRE(json_array_size(all) == t->nrows);
    for (size_t i = 0; i < t->nrows; i++) {
        json_t *o = json_array_get(all, i);
        REQUIRE(json_is_object(o) && json_object_size(o) == t->ncols);
        for (size_t c = 0; c < t->ncols; c++) {
            json_t *v = json_object_get(o, t->name[c]);
            const char *s = t->cell[i * t->ncols + c];
            REQUIRE(v);
            if (!s) REQUIRE(json_is_null(v));
            else if (!t->num[i * t->ncols + c])
                REQUIRE(json_is_string(v) && strcmp(json_string_value(v), s) == 0);
            else REQUIRE(json_is_number(v));
        }
    }
    json_decref(all);
    free(text);
}

static void check_farrington(const dsms_stats_table *t)
{
    int cc = col(t, "count"), ce = col(t, "expected"), ct = col(t, "threshold");
    int ca = col(t, "alarm");
    REQUIRE(cc == 2 && ce == 3 && ct == 4 && ca == 5 && t->ninput == 3);
    for (size_t i = 0; i < t->nrows; i++) {
        double n = num(t, i, cc), e = num(t, i, ce), u = num(t, i, ct), a = num(t, i, ca);
        REQUIRE(n >= 0 && n == floor(n));
        REQUIRE(isnan(e) || e >= 0);
        REQUIRE(isnan(u) || u >= 0);
        REQUIRE(isnan(a) || a == 0 || a == 1);
        if (a == 1) REQUIRE(n > 0 && n > u * (1 - 1e-12));
    }
}

/* farrington, with its own options and reader. */
static int farrington(unsigned bits, const char *text, size_t len)
{
    dsms_farrington_opts o;
    if (bits & 1) dsms_farrington_noufaily(&o);
    else dsms_farrington_original(&o);
    if (bits & 4) o.b = 1, o.w = 1;
    dsms_csv *c = dsms_csv_open_mem(text, len);
    REQUIRE(c);
    dsms_stats_table t;
    dsms_err err = {""};
    int rc = dsms_farrington_run(&o, bits & 2 ? 2 : 0, "in.csv", c, &t, &err);
    dsms_csv_close(c);
    if (rc) {
        REQUIRE(rc == -1);
        check_failure(&err, &t);
        return 0;
    }
    check_cells(&t);
    check_farrington(&t);
    check_csv(&t);
    check_json(&t);
    dsms_stats_table_free(&t);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    if (data[0] == '7') return farrington(data[1], (const char *)data + 2, size - 2);
    /* The low bits choose among the first seven methods; the top two pick
     * isr (01) or a funnel's ratio (10) or dsr (11) type, so that inputs
     * written before those stay what they were. */
    unsigned top = data[0] >> 6;
    dsms_stats_method m = (dsms_stats_method)((data[0] & 7) % 7);
    if (top == 1) m = DSMS_STATS_ISR;
    unsigned bits = data[1];
    dsms_stats_opts o;
    dsms_stats_opts_init(&o, m);
    o.funnel_rate = bits & 1;
    if (m == DSMS_STATS_FUNNEL && top == 2) o.funnel_rate = 0, o.funnel_ratio = 1;
    if (m == DSMS_STATS_FUNNEL && top == 3) o.funnel_rate = 0, o.funnel_dsr = 1, o.years = 3;
    if (m == DSMS_STATS_ISR) o.isr_rate = (bits & 8) != 0;
    if (bits & 2) o.level[0] = 90, o.nlevels = 1;
    else if (m != DSMS_STATS_TREND) o.level[0] = 95, o.level[1] = 99.8, o.nlevels = 2;
    if ((bits & 4) && m != DSMS_STATS_MEAN && m != DSMS_STATS_COMPARE) o.multiplier = 1;
    if (bits & 8) o.benchmark = 10;
    o.polarity = (dsms_polarity)(((bits >> 4) & 3) % 3);
    if ((bits & 64) && m == DSMS_STATS_FUNNEL) o.limits = 1, o.from = 1, o.to = 1000;

    /* isr with bit 0: the input, a form feed, then the reference. */
    const char *text = (const char *)data + 2, *ff = NULL;
    size_t len = size - 2;
    if (m == DSMS_STATS_ISR && (bits & 1) && (ff = memchr(text, '\f', len))) {
        o.reference = dsms_csv_open_mem(ff + 1, len - (size_t)(ff - text) - 1);
        o.reference_path = "ref.csv";
        REQUIRE(o.reference);
        len = (size_t)(ff - text);
    }
    dsms_csv *c = dsms_csv_open_mem(text, len);
    REQUIRE(c);
    dsms_stats_table t;
    dsms_err err = {""};
    int rc = dsms_stats_run(&o, "in.csv", c, &t, &err);
    dsms_csv_close(c);
    dsms_csv_close(o.reference);
    if (rc) {
        REQUIRE(rc == -1);
        check_failure(&err, &t);
        return 0;
    }
    double mult = isnan(o.multiplier) ? 100 : o.multiplier;
    check_cells(&t);
    check_limits(&t, &o, mult);
    check_csv(&t);
    check_json(&t);
    dsms_stats_table_free(&t);
    return 0;
}
