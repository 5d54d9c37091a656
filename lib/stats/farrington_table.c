/* farrington_table.c — the Farrington and Noufaily methods over a CSV file of
 * weekly counts (farrington.h), as `dsms stats farrington` runs them.
 *
 * The input has the columns series, week and count, found by name. Rows may
 * come in any order; each series' weeks must follow each other 7 days apart,
 * without gaps or duplicates, for the reference weeks of past years to be
 * found by date. Every row is checked before anything is computed, and the
 * first problem in the file (the lowest line) stops the run: an alarm must
 * never come from a series that was quietly mended. The result is a
 * dsms_stats_table, written as the other methods' are. */
#include "dsms/farrington.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/field.h"
#include "dsms/grow.h"
#include "dsms/text.h"

static const char columns[] = "series,week,count";
static const char count_what[] = "a count: a whole number from 0 to 9007199254740992";

typedef struct {
    char *text;     /* "series\0week\0count\0" */
    const char *week, *count;
    long day;
    double n;
    long line;
} rec;

typedef struct {
    const char *path;
    dsms_err *err;
    long err_line; /* the line of the message in err; LONG_MAX: none yet */
    rec *r;
    size_t nr, cap;
} input;

/* A value quoted in a message: at most 40 bytes, cut on a character
 * boundary, control characters shown as '?'. */
static const char *shown(const char *s, char *buf)
{
    size_t k = 0;
    for (; s[k] && k < 40; k++) buf[k] = (unsigned char)s[k] < 0x20 ? '?' : s[k];
    if (s[k]) {
        while (k > 0 && ((unsigned char)buf[k] & 0xC0) == 0x80) k--;
        buf[k++] = '.', buf[k++] = '.', buf[k++] = '.';
    }
    buf[k] = 0;
    return buf;
}

/* "path:line: column: message", kept when it is the first problem found or
 * on a lower line than that one. */
static int bad(input *in, long line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int bad(input *in, long line, const char *column, const char *fmt, ...)
{
    if (line >= in->err_line) return -1;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dsms_err_set(in->err, "%s:%ld: %s: %s", in->path, line, column, msg);
    in->err_line = line;
    return -1;
}

/* ---- weeks ---- */

static long floor_mod7(long x) { return ((x % 7) + 7) % 7; }

/* The Monday of ISO week 1 of year y: the week with 4 January in it. */
static long iso_week1(int y)
{
    long jan4 = (long)dsms_date_of(y, 1, 4);
    return jan4 - floor_mod7(jan4 + 3); /* 1970-01-01 was a Thursday: (day + 3) % 7, Monday 0 */
}

/* A week as days since 1970-01-01: an ISO week YYYY-Www (its Monday) or a
 * date YYYY-MM-DD (from 1900). 0, or -1 when it is neither. */
static int parse_week(const char *s, long *day)
{
    size_t n = strlen(s);
    if (n == 8 && s[4] == '-' && s[5] == 'W') {
        int y = 0, w = 0;
        for (int i = 0; i < 8; i++) {
            if (i == 4 || i == 5) continue;
            if (s[i] < '0' || s[i] > '9') return -1;
            if (i < 4) y = y * 10 + (s[i] - '0');
            else w = w * 10 + (s[i] - '0');
        }
        if (y < 1900 || w < 1) return -1;
        long monday = iso_week1(y) + 7L * (w - 1);
        if (monday >= iso_week1(y + 1)) return -1; /* week 53 of a year of 52 */
        *day = monday;
        return 0;
    }
    int64_t d = dsms_date_parse(s, n);
    if (d == INT64_MIN) return -1;
    *day = (long)d;
    return 0;
}

/* ---- counts ---- */

/* A count as written: digits, perhaps a point and zeros after it or an
 * exponent (3, 3.0, 1e3), whole, from 0 to 2^53. */
static int parse_count(input *in, long line, const char *s, double *v)
{
    char b[48];
    if (!*s) return bad(in, line, "count", "is empty (expected %s)", count_what);
    double d;
    if (dsms_stats_number(s, &d))
        return bad(in, line, "count", "'%s' is not a number (expected %s)", shown(s, b),
                   count_what);
    if (d < 0) return bad(in, line, "count", "'%s' is negative (expected %s)", shown(s, b),
                          count_what);
    if (d != floor(d))
        return bad(in, line, "count", "'%s' is not a whole number (expected %s)", shown(s, b),
                   count_what);
    if (d > (double)DSMS_STATS_COUNT_MAX)
        return bad(in, line, "count", "'%s' is more than 9007199254740992 (expected %s)",
                   shown(s, b), count_what);
    *v = d;
    return 0;
}

/* ---- reading ---- */

static int column(const dsms_csv_row *row, const char *name)
{
    for (size_t c = 0; c < row->nfields; c++)
        if (strcmp(row->field[c], name) == 0) return (int)c;
    return -1;
}

static int read_rows(input *in, dsms_csv *csv)
{
    dsms_csv_row row;
    int k = dsms_csv_next(csv, &row);
    if (k < 0) return dsms_err_set(in->err, "%s: read error: %s", in->path, strerror(errno)), -1;
    if (k == 0) {
        dsms_err_set(in->err, "%s: empty (expected a header naming the columns %s)", in->path,
                     columns);
        return -1;
    }
    if (row.status != DSMS_CSV_OK) {
        dsms_err_set(in->err, "%s:1: header: %s (expected a header naming the columns %s)",
                     in->path, dsms_csv_status_text(row.status), columns);
        return -1;
    }
    size_t ncols = row.nfields;
    for (size_t c = 0; c < ncols; c++)
        for (size_t j = 0; j < c; j++)
            if (strcmp(row.field[c], row.field[j]) == 0) {
                char b[48];
                dsms_err_set(in->err, "%s:1: header: column '%s' appears twice (expected each "
                                      "column once)", in->path, shown(row.field[c], b));
                return -1;
            }
    int cs = column(&row, "series"), cw = column(&row, "week"), cc = column(&row, "count");
    if (cs < 0 || cw < 0 || cc < 0) {
        dsms_err_set(in->err, "%s: missing column %s (expected the columns %s)", in->path,
                     cs < 0 ? "series" : cw < 0 ? "week" : "count", columns);
        return -1;
    }
    /* Rows come in line order: the first bad one is the file's first problem. */
    while ((k = dsms_csv_next(csv, &row)) == 1) {
        if (row.status != DSMS_CSV_OK)
            return bad(in, row.line, "row", "%s", dsms_csv_status_text(row.status));
        if (row.nfields != ncols)
            return bad(in, row.line, "row", "row has %zu field%s (expected %zu fields, as in the "
                                            "header)", row.nfields, row.nfields == 1 ? "" : "s",
                       ncols);
        const char *s = row.field[cs], *w = row.field[cw], *n = row.field[cc];
        char b[48];
        for (size_t c = 0; c < ncols; c++)
            if (strlen(row.field[c]) != row.len[c])
                return bad(in, row.line, (int)c == cs ? "series" : (int)c == cw ? "week"
                                         : (int)c == cc ? "count" : "row",
                           "holds a NUL byte (expected text)");
        if (!*s) return bad(in, row.line, "series", "is empty (expected the name of a series)");
        rec r = {.line = row.line};
        if (parse_week(w, &r.day))
            return bad(in, row.line, "week", "'%s' is not a week (expected an ISO week such as "
                                             "2024-W07, or a date YYYY-MM-DD)", shown(w, b));
        if (parse_count(in, row.line, n, &r.n)) return -1;
        size_t ls = strlen(s) + 1, lw = strlen(w) + 1, ln = strlen(n) + 1;
        if (!(r.text = malloc(ls + lw + ln))) goto oom;
        memcpy(r.text, s, ls);
        memcpy(r.text + ls, w, lw);
        memcpy(r.text + ls + lw, n, ln);
        r.week = r.text + ls;
        r.count = r.week + lw;
        if (dsms_room_for((void **)&in->r, &in->cap, in->nr, sizeof *in->r, 256)) {
            free(r.text);
            goto oom;
        }
        in->r[in->nr++] = r;
    }
    if (k < 0) {
        if (errno == ENOMEM) goto oom;
        dsms_err_set(in->err, "%s: read error: %s", in->path, strerror(errno));
        return -1;
    }
    return 0;
oom:
    dsms_err_set(in->err, "%s: out of memory", in->path);
    return -1;
}

/* Series by name, then weeks in order, then lines. */
static int by_series_week(const void *a, const void *b)
{
    const rec *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    if (c) return c;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

typedef struct {
    size_t from, n; /* rows of in->r */
    long first_line;
} group;

static int by_first_line(const void *a, const void *b)
{
    const group *x = a, *y = b;
    return (x->first_line > y->first_line) - (x->first_line < y->first_line);
}

/* The weeks of one series (sorted) follow each other 7 days apart. */
static void check_weekly(input *in, const group *g)
{
    char b1[48], b2[48], b3[48];
    for (size_t i = g->from + 1; i < g->from + g->n; i++) {
        const rec *p = &in->r[i - 1], *r = &in->r[i];
        long gap = r->day - p->day;
        const rec *later = r->line > p->line ? r : p, *earlier = later == r ? p : r;
        if (gap == 0)
            bad(in, later->line, "week", "'%s' is a week series '%s' already has, on line %ld "
                                         "(expected each week of a series once)",
                shown(later->week, b1), shown(r->text, b2), earlier->line);
        else if (gap % 7)
            bad(in, later->line, "week", "'%s' is %ld days from '%s' on line %ld in series '%s' "
                                         "(expected weeks 7 days apart, all on one weekday)",
                shown(later->week, b1), gap, shown(earlier->week, b2), earlier->line,
                shown(r->text, b3));
        else if (gap > 7)
            bad(in, later->line, "week", "series '%s' has no rows for the %ld week%s between '%s' "
                                         "(line %ld) and '%s' (line %ld) (expected every week, "
                                         "without gaps; a week without cases has count 0)",
                shown(r->text, b3), gap / 7 - 1, gap == 14 ? "" : "s", shown(p->week, b1),
                p->line, shown(r->week, b2), r->line);
    }
}

/* ---- output ---- */

typedef struct {
    dsms_stats_table *t;
    int oom;
} out_t;

static void put(out_t *o, size_t row, size_t c, const char *s, int numeric)
{
    dsms_stats_table *t = o->t;
    size_t k = row * t->ncols + c;
    if (!(t->cell[k] = strdup(s))) o->oom = 1;
    t->num[k] = (unsigned char)numeric;
}

static void put_number(out_t *o, size_t row, size_t c, double v)
{
    char b[40];
    snprintf(b, sizeof b, "%.15g", v);
    put(o, row, c, b, 1);
}

static const char *const out_names[] = {"series", "week", "count", "expected", "threshold",
                                        "alarm", "note"};
#define NCOLS (sizeof out_names / sizeof *out_names)

static void put_week(out_t *o, const dsms_farrington_opts *op, size_t row, const rec *r,
                     const dsms_farrington_week *w)
{
    put(o, row, 0, r->text, 0);
    put(o, row, 1, r->week, 0);
    put(o, row, 2, r->count, 1);
    char note[160];
    note[0] = 0;
    switch (w->status) {
    case DSMS_FARRINGTON_OK:
        put_number(o, row, 3, w->expected);
        put_number(o, row, 4, w->threshold);
        break;
    case DSMS_FARRINGTON_FEW_CASES:
        snprintf(note, sizeof note, "fewer than %d cases in the last %d weeks: no threshold",
                 op->limit54_cases, op->limit54_weeks);
        break;
    case DSMS_FARRINGTON_NO_LIMIT:
        snprintf(note, sizeof note, "the threshold is beyond the numbers that can be held");
        break;
    case DSMS_FARRINGTON_NO_FIT:
        snprintf(note, sizeof note, "the model did not converge: no threshold or alarm");
        break;
    case DSMS_FARRINGTON_NO_HISTORY:
        snprintf(note, sizeof note, "too little history: %d year%s back (and %d week%s around) "
                                    "is before the series starts",
                 op->b, op->b == 1 ? "" : "s", op->w, op->w == 1 ? "" : "s");
        break;
    }
    if (w->status == DSMS_FARRINGTON_OK || w->status == DSMS_FARRINGTON_FEW_CASES ||
        w->status == DSMS_FARRINGTON_NO_LIMIT)
        put(o, row, 5, w->alarm ? "1" : "0", 1);
    if (note[0]) put(o, row, 6, note, 0);
}

int dsms_farrington_run(const dsms_farrington_opts *o, size_t last, const char *path,
                        dsms_csv *csv, dsms_stats_table *out, dsms_err *err)
{
    memset(out, 0, sizeof *out);
    if (dsms_farrington_check(o, err)) return -1;
    if (!csv) {
        dsms_err_set(err, "%s: no input (expected a CSV file with the columns %s)", path,
                     columns);
        return -1;
    }
    input in = {.path = path, .err = err, .err_line = LONG_MAX};
    group *g = NULL;
    long *day = NULL;
    double *n = NULL;
    dsms_farrington_week *wk = NULL;
    size_t ng = 0, rows = 0;
    int rc = -1;
    if (read_rows(&in, csv)) goto done;
    if (in.nr) qsort(in.r, in.nr, sizeof *in.r, by_series_week); /* no NULL to qsort */
    for (size_t i = 0; i < in.nr; i++) ng += i == 0 || strcmp(in.r[i].text, in.r[i - 1].text);
    if (in.nr && !(g = calloc(ng, sizeof *g))) goto oom;
    size_t longest = 0;
    for (size_t i = 0, k = 0; i < in.nr; i++) {
        if (i && strcmp(in.r[i].text, in.r[i - 1].text)) k++;
        if (!g[k].n) g[k].from = i, g[k].first_line = in.r[i].line;
        g[k].n++;
        if (in.r[i].line < g[k].first_line) g[k].first_line = in.r[i].line;
        if (g[k].n > longest) longest = g[k].n;
    }
    for (size_t k = 0; k < ng; k++) check_weekly(&in, &g[k]);
    if (in.err_line != LONG_MAX) goto done;
    if (ng) qsort(g, ng, sizeof *g, by_first_line); /* series in the file's order */
    day = malloc((longest ? longest : 1) * sizeof *day);
    n = malloc((longest ? longest : 1) * sizeof *n);
    wk = malloc((longest ? longest : 1) * sizeof *wk);
    if (!day || !n || !wk) goto oom;
    /* The weeks of each series to assess: the last `last`, or those with
     * enough history (the last alone, to say so, when none has). */
    size_t *first = calloc(ng ? ng : 1, sizeof *first);
    if (!first) goto oom;
    for (size_t k = 0; k < ng; k++) {
        for (size_t i = 0; i < g[k].n; i++) day[i] = in.r[g[k].from + i].day;
        size_t f = last ? (last < g[k].n ? g[k].n - last : 0)
                        : dsms_farrington_first(o, day, g[k].n);
        if (f >= g[k].n) f = g[k].n - 1;
        first[k] = f;
        rows += g[k].n - f;
    }
    out->ncols = NCOLS;
    out->ninput = 3;
    out->name = calloc(NCOLS, sizeof *out->name);
    out->cell = calloc(rows ? rows * NCOLS : 1, sizeof *out->cell);
    out->num = calloc(rows ? rows * NCOLS : 1, 1);
    out_t ot = {.t = out};
    if (!out->name || !out->cell || !out->num) {
        free(first);
        goto oom;
    }
    out->nrows = out->cap = rows;
    for (size_t c = 0; c < NCOLS; c++)
        if (!(out->name[c] = strdup(out_names[c]))) ot.oom = 1;
    size_t row = 0;
    for (size_t k = 0; k < ng && !ot.oom; k++) {
        const rec *r = in.r + g[k].from;
        for (size_t i = 0; i < g[k].n; i++) day[i] = r[i].day, n[i] = r[i].n;
        size_t f = first[k], nw = g[k].n - f;
        if (dsms_farrington(o, day, n, g[k].n, f, nw, wk, err)) {
            free(first);
            goto done;
        }
        for (size_t j = 0; j < nw; j++) put_week(&ot, o, row++, &r[f + j], &wk[j]);
    }
    free(first);
    if (ot.oom) goto oom;
    rc = 0;
    goto done;
oom:
    dsms_err_set(err, "%s: out of memory", path);
done:
    for (size_t i = 0; i < in.nr; i++) free(in.r[i].text);
    free(in.r);
    free(g);
    free(day);
    free(n);
    free(wk);
    if (rc) dsms_stats_table_free(out);
    return rc;
}
