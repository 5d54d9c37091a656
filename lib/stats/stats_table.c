/* stats_table.c — the statistical methods over CSV input (stats_table.h).
 *
 * The input is read whole (a few thousand rows at most, as analysts' files
 * go), its header checked for the method's columns, and every value checked
 * as it is used, the first problem stopping the run: a published figure must
 * never come from a row that was quietly skipped, nor from a number the
 * arithmetic cannot hold (counts are whole, up to 2^53). An empty cell is a
 * missing value: its row's figures are left empty (for dsr, an empty count
 * is 0 events, as in PHEindicatormethods). Every output row ends in a note:
 * wherever a figure is not given, it says why. */
#include "dsms/stats_table.h"

#include <errno.h>
#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/grow.h"
#include "dsms/refdata.h"
#include "dsms/text.h"

/* ---- methods ---- */

static const char *const method_names[DSMS_STATS_METHODS] = {
    "proportion", "rate", "dsr", "mean", "funnel", "compare", "trend", "isr"};

int dsms_stats_method_find(const char *name)
{
    for (int i = 0; i < DSMS_STATS_METHODS; i++)
        if (strcmp(name, method_names[i]) == 0) return i;
    return -1;
}

const char *dsms_stats_method_name(dsms_stats_method m)
{
    return (unsigned)m < DSMS_STATS_METHODS ? method_names[m] : "unknown";
}

void dsms_stats_opts_init(dsms_stats_opts *o, dsms_stats_method m)
{
    memset(o, 0, sizeof *o);
    o->method = m;
    o->multiplier = NAN;
    o->benchmark = NAN;
    o->baseline = NAN;
    o->polarity = DSMS_POLARITY_NONE;
}

/* ---- the run's state ---- */

typedef struct {
    const dsms_stats_opts *o;
    const char *path;
    dsms_err *err;
    const char *expected; /* the method's columns, for messages */
    /* input */
    size_t ncols, nrows, cap;
    char **name;
    char **cell; /* nrows * ncols */
    long *line;
    /* levels in use, as percentages and fractions, and their column suffixes */
    size_t nlevels;
    double pct[DSMS_STATS_MAX_LEVELS], frac[DSMS_STATS_MAX_LEVELS];
    char suffix[DSMS_STATS_MAX_LEVELS][24];
    double multiplier;
    int oom;
    dsms_stats_table *out;
} run;

static void *oom_null(run *r)
{
    r->oom = 1;
    return NULL;
}

static char *dup_text(run *r, const char *s)
{
    char *p = strdup(s);
    return p ? p : oom_null(r);
}

/* A value quoted in a message: at most 40 bytes, cut on a character
 * boundary, control characters shown as '?'. */
static const char *shown(const char *s, char *buf, size_t n)
{
    size_t k = 0, max = n - 4 < 40 ? n - 4 : 40;
    for (; s[k] && k < max; k++) buf[k] = (unsigned char)s[k] < 0x20 ? '?' : s[k];
    if (s[k]) {
        while (k > 0 && ((unsigned char)buf[k] & 0xC0) == 0x80) k--; /* continuation byte */
        buf[k++] = '.', buf[k++] = '.', buf[k++] = '.';
    }
    buf[k] = 0;
    return buf;
}

/* "path:line: column: message" about row i's column c. */
static int bad(run *r, size_t i, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int bad(run *r, size_t i, const char *column, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dsms_err_set(r->err, "%s:%ld: %s: %s", r->path, r->line[i], column, msg);
    return -1;
}

static void free_input(run *r);

/* ---- reading the input ---- */

static int read_header(run *r, const dsms_csv_row *row)
{
    if (row->status != DSMS_CSV_OK) {
        dsms_err_set(r->err, "%s:1: header: %s (expected a header naming the columns %s)",
                     r->path, dsms_csv_status_text(row->status), r->expected);
        return -1;
    }
    r->name = calloc(row->nfields, sizeof *r->name);
    if (!r->name) return oom_null(r), -1;
    r->ncols = row->nfields;
    for (size_t c = 0; c < row->nfields; c++) {
        char b[48];
        if (strlen(row->field[c]) != row->len[c]) {
            dsms_err_set(r->err, "%s:1: header: column %zu holds a NUL byte (expected a name)",
                         r->path, c + 1);
            return -1;
        }
        for (size_t k = 0; k < c; k++) {
            if (strcmp(r->name[k], row->field[c]) == 0) {
                dsms_err_set(r->err, "%s:1: header: column '%s' appears twice (expected each "
                                     "column once)", r->path, shown(row->field[c], b, sizeof b));
                return -1;
            }
        }
        if (!(r->name[c] = dup_text(r, row->field[c]))) return -1;
    }
    return 0;
}

static int read_row(run *r, const dsms_csv_row *row)
{
    if (row->status != DSMS_CSV_OK) {
        dsms_err_set(r->err, "%s:%ld: row: %s", r->path, row->line,
                     dsms_csv_status_text(row->status));
        return -1;
    }
    if (row->nfields != r->ncols) {
        dsms_err_set(r->err, "%s:%ld: row: row has %zu field%s (expected %zu fields, as in the "
                             "header)", r->path, row->line, row->nfields,
                     row->nfields == 1 ? "" : "s", r->ncols);
        return -1;
    }
    if (dsms_room_for_pair((void **)&r->cell, r->ncols * sizeof *r->cell, (void **)&r->line,
                           sizeof *r->line, &r->cap, r->nrows, 64))
        return oom_null(r), -1;
    char **v = r->cell + r->nrows * r->ncols;
    for (size_t c = 0; c < r->ncols; c++) v[c] = NULL;
    r->line[r->nrows++] = row->line;
    for (size_t c = 0; c < r->ncols; c++) {
        if (strlen(row->field[c]) != row->len[c])
            return bad(r, r->nrows - 1, r->name[c], "holds a NUL byte (expected a value)");
        if (!(v[c] = dup_text(r, row->field[c]))) return -1;
    }
    return 0;
}

static int read_input(run *r, dsms_csv *csv)
{
    dsms_csv_row row;
    int k = dsms_csv_next(csv, &row);
    if (k < 0) return dsms_err_set(r->err, "%s: read error: %s", r->path, strerror(errno)), -1;
    if (k == 0) {
        dsms_err_set(r->err, "%s: empty (expected a header naming the columns %s)", r->path,
                     r->expected);
        return -1;
    }
    if (read_header(r, &row)) return -1;
    while ((k = dsms_csv_next(csv, &row)) == 1)
        if (read_row(r, &row)) return -1;
    if (k < 0) return dsms_err_set(r->err, "%s: read error: %s", r->path, strerror(errno)), -1;
    return 0;
}

static int column(const run *r, const char *name)
{
    for (size_t c = 0; c < r->ncols; c++)
        if (strcmp(r->name[c], name) == 0) return (int)c;
    return -1;
}

static int need(run *r, const char *name, int *at)
{
    if ((*at = column(r, name)) >= 0) return 0;
    dsms_err_set(r->err, "%s: missing column %s (expected %s)", r->path, name, r->expected);
    return -1;
}

static const char *value(const run *r, size_t i, int c) { return r->cell[i * r->ncols + c]; }

/* ---- numbers ---- */

/* The largest count (DSMS_STATS_COUNT_MAX), as a double and as text. */
#define COUNT_MAX ((double)DSMS_STATS_COUNT_MAX)
#define COUNT_MAX_TEXT DSMS_STR(DSMS_STATS_COUNT_MAX)

/* A number as people write it: an optional minus, digits with at most one
 * decimal point, an optional exponent (1e3, 2.5E-1). Spaces, a plus sign,
 * hexadecimal, infinities and NaN are not numbers. */
typedef struct {
    int minus;
    const char *digits; /* the mantissa: digits and at most one '.' */
    size_t len;
    long long exp;      /* the exponent, held within +-1e9 */
    int nonzero;        /* a digit other than 0 in the mantissa */
} numtext;

static int split_number(const char *s, numtext *t)
{
    const char *p = s;
    t->minus = *p == '-';
    p += t->minus;
    t->digits = p;
    t->nonzero = 0;
    size_t nd = 0;
    for (int point = 0; (*p >= '0' && *p <= '9') || (*p == '.' && !point); p++) {
        if (*p == '.') point = 1;
        else nd++, t->nonzero |= *p != '0';
    }
    if (nd == 0) return -1;
    t->len = (size_t)(p - t->digits);
    t->exp = 0;
    if (*p == 'e' || *p == 'E') {
        int neg = *++p == '-';
        if (*p == '-' || *p == '+') p++;
        if (!(*p >= '0' && *p <= '9')) return -1;
        for (; *p >= '0' && *p <= '9'; p++)
            if (t->exp < 1000000000) t->exp = t->exp * 10 + (*p - '0');
        if (neg) t->exp = -t->exp;
    }
    return *p ? -1 : 0;
}

typedef enum { WHOLE, NOT_WHOLE, TOO_BIG } count_form;

/* Whether the number written is whole and no more than COUNT_MAX, judged from
 * its digits: strtod would read 9007199254740993 as 2^53 and
 * 3.00000000000000001 as 3. "3.0" and "1e3" are whole. */
static count_form whole_count(const numtext *t, double *v)
{
    const char *d = t->digits, *dot = memchr(d, '.', t->len);
    /* The number is 0.D x 10^point, D its digits from the first that is not 0. */
    long long point = t->exp + (long long)(dot ? (size_t)(dot - d) : t->len);
    size_t i = 0, last = 0, sig = 0;
    for (; i < t->len && (d[i] == '0' || d[i] == '.'); i++) point -= d[i] == '0';
    *v = 0;
    if (i == t->len) return WHOLE; /* all zeros */
    for (size_t k = i; k < t->len; k++)
        if (d[k] != '.') sig++, last = d[k] != '0' ? sig : last; /* last: up to the final non-zero */
    if (point > 16) return TOO_BIG;
    /* The whole part, n, from the first point digits; a fraction after it
     * when there are more significant digits than that. */
    unsigned long long n = 0;
    long long taken = 0;
    for (size_t k = i; k < t->len && taken < point; k++)
        if (d[k] != '.') n = n * 10 + (unsigned)(d[k] - '0'), taken++;
    for (; taken < point; taken++) n *= 10;
    int fraction = point < (long long)last;
    if (n > (unsigned long long)COUNT_MAX || (n == (unsigned long long)COUNT_MAX && fraction))
        return TOO_BIG;
    if (fraction) return NOT_WHOLE;
    *v = (double)n;
    return WHOLE;
}

int dsms_stats_number(const char *s, double *out)
{
    numtext t;
    if (split_number(s, &t)) return -1;
    errno = 0;
    double d = strtod(s, NULL);
    /* Beyond the largest double, or so close to 0 that it would be read as 0
     * or lose digits. */
    if (!isfinite(d) || (errno == ERANGE && t.nonzero && fabs(d) < DBL_MIN)) return -1;
    *out = d == 0 ? 0 : d; /* -0 is 0 */
    return 0;
}

typedef enum { COUNT, DENOMINATOR, SIZE, VALUE } number_kind;

/* What each kind of number must be, for messages. */
static const char *const kind_what[] = {
    "a count from 0 to " COUNT_MAX_TEXT,
    "a number more than 0 and at most " COUNT_MAX_TEXT,
    "a number from 0 to " COUNT_MAX_TEXT,
    "a number",
};

/* Row i's number in column c: 0 and *v set; 1 when empty (missing), *v NaN;
 * -1 with the message when not a number of the kind wanted. */
static int cell_number(run *r, size_t i, int c, number_kind kind, double *v)
{
    const char *s = value(r, i, c), *what = kind_what[kind], *col = r->name[c];
    char b[48];
    numtext t;
    *v = NAN;
    if (!*s) return 1;
    shown(s, b, sizeof b);
    size_t n = strlen(s);
    if (strchr(" \t", s[0]) || strchr(" \t", s[n - 1]))
        return bad(r, i, col, "'%s' has a space before or after it (expected %s, without "
                              "spaces)", b, what);
    if (split_number(s, &t)) return bad(r, i, col, "'%s' is not a number (expected %s)", b, what);
    if (kind != VALUE && t.minus)
        return bad(r, i, col, t.nonzero ? "'%s' is negative (expected %s)"
                                        : "'%s' has a minus sign (expected %s)", b, what);
    if (kind == COUNT) {
        switch (whole_count(&t, v)) {
        case WHOLE: return 0;
        case NOT_WHOLE:
            *v = NAN;
            return bad(r, i, col, "'%s' is not a whole number (expected %s)", b, what);
        case TOO_BIG:
            *v = NAN;
            return bad(r, i, col, "'%s' is more than " COUNT_MAX_TEXT " (expected %s)", b, what);
        }
    }
    if (dsms_stats_number(s, v)) {
        int huge = isinf(strtod(s, NULL));
        *v = NAN;
        return bad(r, i, col, huge ? "'%s' is too large to be held (expected %s)"
                                   : "'%s' is too close to 0 to be held (expected %s)", b, what);
    }
    if (kind == DENOMINATOR && *v == 0)
        return *v = NAN, bad(r, i, col, "'%s' is 0 (expected %s)", b, what);
    /* 2^53 + 1 reads as 2^53: the digits decide. */
    double w;
    if (kind != VALUE && (*v > COUNT_MAX || (*v == COUNT_MAX && whole_count(&t, &w) == TOO_BIG)))
        return *v = NAN,
               bad(r, i, col, "'%s' is more than " COUNT_MAX_TEXT " (expected %s)", b, what);
    return 0;
}

/* ---- the output table ---- */

static int out_col(run *r, const char *name)
{
    dsms_stats_table *t = r->out;
    char **n = realloc(t->name, (t->ncols + 1) * sizeof *n);
    if (!n) return oom_null(r), -1;
    t->name = n;
    if (!(n[t->ncols] = dup_text(r, name))) return -1;
    return (int)t->ncols++;
}

/* The limit columns: lower and upper for each level in turn ("lower95",
 * "upper95", "lower99_8", "upper99_8"). */
static int out_limit_cols(run *r)
{
    for (size_t l = 0; l < r->nlevels; l++) {
        char n[48];
        snprintf(n, sizeof n, "lower%s", r->suffix[l]);
        if (out_col(r, n) < 0) return -1;
        snprintf(n, sizeof n, "upper%s", r->suffix[l]);
        if (out_col(r, n) < 0) return -1;
    }
    return 0;
}

/* The input's columns first, kept as they are, unless one has the name of a
 * column the method adds (one of added, or with_limits, lowerL or upperL):
 * that would leave two columns of one name. */
static int out_input_cols(run *r, const char *const *added, size_t nadded, int with_limits)
{
    for (size_t c = 0; c < r->ncols; c++) {
        const char *n = r->name[c];
        int clash = 0;
        for (size_t k = 0; k < nadded; k++) clash |= strcmp(n, added[k]) == 0;
        for (size_t l = 0; with_limits && l < r->nlevels; l++)
            clash |= ((strncmp(n, "lower", 5) == 0 || strncmp(n, "upper", 5) == 0) &&
                      strcmp(n + 5, r->suffix[l]) == 0);
        if (clash) {
            dsms_err_set(r->err, "%s: column %s is one that %s adds to the output (expected it "
                                 "renamed or left out)", r->path, n,
                         dsms_stats_method_name(r->o->method));
            return -1;
        }
        if (out_col(r, n) < 0) return -1;
    }
    r->out->ninput = r->ncols;
    return 0;
}

static long out_row(run *r)
{
    dsms_stats_table *t = r->out;
    if (dsms_room_for_pair((void **)&t->cell, t->ncols * sizeof *t->cell, (void **)&t->num,
                           t->ncols * sizeof *t->num, &t->cap, t->nrows, 64))
        return oom_null(r), -1;
    for (size_t c = 0; c < t->ncols; c++) {
        t->cell[t->nrows * t->ncols + c] = NULL;
        t->num[t->nrows * t->ncols + c] = 0;
    }
    return (long)t->nrows++;
}

static void set_text(run *r, long row, size_t c, const char *s, int numeric)
{
    size_t k = (size_t)row * r->out->ncols + c;
    free(r->out->cell[k]);
    r->out->cell[k] = dup_text(r, s);
    r->out->num[k] = (unsigned char)numeric;
}

/* Add a reason to output row o's note, its last column: why a figure of the
 * row is not given. Reasons are joined by "; ", each once. */
static void note(run *r, long o, const char *why)
{
    size_t k = (size_t)o * r->out->ncols + r->out->ncols - 1;
    const char *had = r->out->cell[k];
    if (had && strstr(had, why)) return;
    size_t n = had ? strlen(had) + 2 : 0, m = strlen(why);
    char *s = malloc(n + m + 1);
    if (!s) {
        oom_null(r);
        return;
    }
    if (had) memcpy(s, had, n - 2), memcpy(s + n - 2, "; ", 2);
    memcpy(s + n, why, m + 1);
    free(r->out->cell[k]);
    r->out->cell[k] = s;
    r->out->num[k] = 0;
}

/* "numerator is empty" for column c. */
static void note_empty(run *r, long o, int c)
{
    char why[300];
    snprintf(why, sizeof why, "%s is empty", r->name[c]);
    note(r, o, why);
}

/* Said of a figure that came out infinite or NaN from input that was in
 * range: a tiny denominator under a large count, say. */
static const char beyond[] = "a figure is beyond the numbers that can be held";

/* v as text: 15 significant digits, or 17 where 15 would make it look equal
 * to ref (a limit to its value or baseline) when it is not. */
static void format(double v, double ref, char *b, size_t n)
{
    snprintf(b, n, "%.15g", v == 0 ? 0 : v); /* no "-0" */
    if (isfinite(ref) && v != ref) {
        char t[40];
        snprintf(t, sizeof t, "%.15g", ref == 0 ? 0 : ref);
        if (strcmp(b, t) == 0) snprintf(b, n, "%.17g", v);
    }
}

/* A computed number, apart from ref (see format). Not finite: no number, and
 * the row's note says why unless it already does. */
static void set_num_apart(run *r, long row, size_t c, double v, double ref)
{
    if (!isfinite(v)) {
        size_t k = (size_t)row * r->out->ncols + r->out->ncols - 1;
        if (!r->out->cell[k]) note(r, row, beyond);
        return;
    }
    char b[40];
    format(v, ref, b, sizeof b);
    set_text(r, row, c, b, 1);
}

static void set_num(run *r, long row, size_t c, double v) { set_num_apart(r, row, c, v, NAN); }

/* A whole number written in full (a total count may pass 15 digits). */
static void set_whole(run *r, long row, size_t c, double v)
{
    char b[40];
    if (!(isfinite(v) && v == floor(v) && fabs(v) < 1e18)) {
        set_num(r, row, c, v);
        return;
    }
    snprintf(b, sizeof b, "%.0f", v == 0 ? 0 : v);
    set_text(r, row, c, b, 1);
}

/* An input value, numeric when it reads as a number. */
static void set_input(run *r, long row, size_t c, const char *s)
{
    double d;
    if (*s) set_text(r, row, c, s, dsms_stats_number(s, &d) == 0);
}

/* Copy input row i into output row o's first columns. */
static void copy_input(run *r, long o, size_t i)
{
    for (size_t c = 0; c < r->ncols; c++) set_input(r, o, c, value(r, i, c));
}

/* Limits at every level, times m, into the columns from first on (as
 * out_limit_cols made them), each kept apart from ref (times m). */
static void set_limits(run *r, long o, size_t first, const double *lo, const double *hi, double m,
                       double ref)
{
    for (size_t l = 0; l < r->nlevels; l++) {
        set_num_apart(r, o, first + 2 * l, lo[l] * m, ref * m);
        set_num_apart(r, o, first + 2 * l + 1, hi[l] * m, ref * m);
    }
}

/* ---- areas (groups of rows) ---- */

typedef struct {
    size_t n, cap;
    const char **name; /* into the input cells */
    size_t *first;     /* the first row of each */
} areas;

/* The index of area s, added if new (row i first naming it); -1 if no memory. */
static long area_of(run *r, areas *a, const char *s, size_t i)
{
    for (size_t k = a->n; k-- > 0;)
        if (strcmp(a->name[k], s) == 0) return (long)k;
    if (dsms_room_for_pair((void **)&a->name, sizeof *a->name, (void **)&a->first,
                           sizeof *a->first, &a->cap, a->n, 32))
        return oom_null(r), -1;
    a->name[a->n] = s;
    a->first[a->n] = i;
    return (long)a->n++;
}

/* Row i's count of events (column cx; empty: none) and population (cn) in
 * one age band: 0, or -1 with the fault said (an empty population, events
 * among no people). */
static int band_counts(run *r, size_t i, int cx, int cn, double *x, double *n)
{
    char b1[48];
    int mx = cell_number(r, i, cx, COUNT, x);
    if (mx < 0 || cell_number(r, i, cn, SIZE, n) < 0) return -1;
    if (isnan(*n))
        return bad(r, i, "population",
                   "empty (expected the number of people, from 0 to " COUNT_MAX_TEXT ")");
    if (mx) *x = 0; /* an empty count: no events */
    if (*n == 0 && *x > 0)
        return bad(r, i, "count", "%s events among no people (expected 0 where population is 0)",
                   shown(value(r, i, cx), b1, sizeof b1));
    return 0;
}

/* The area of row i, as area_of, with its item in the per-area array *d
 * (size bytes each, room for *cap) made, and zeroed when the area is new:
 * its number, or -1 (out of memory said). */
static long area_slot(run *r, areas *a, const char *s, size_t i, void **d, size_t *cap,
                      size_t size)
{
    long k = area_of(r, a, s, i);
    if (k < 0) return -1;
    if (dsms_room_for(d, cap, (size_t)k, size, 32)) return r->oom = 1, -1;
    if ((size_t)k == a->n - 1 && a->first[k] == i) memset((char *)*d + (size_t)k * size, 0, size);
    return k;
}

static void areas_free(areas *a)
{
    free(a->name);
    free(a->first);
}

/* ---- proportion and rate ---- */

/* Row i's numerator (column cx) above its denominator (cn), as written. */
static int over(run *r, size_t i, int cx, int cn)
{
    char b1[48], b2[48];
    return bad(r, i, r->name[cx], "%s is more than the denominator %s (expected a numerator no "
               "more than its denominator)", shown(value(r, i, cx), b1, sizeof b1),
               shown(value(r, i, cn), b2, sizeof b2));
}

/* A numerator of kind xk (cx) and its denominator of kind dk (cn) of row i:
 * 0 with both; 1 with one missing; -1 on a problem. A proportion's numerator
 * may not pass its denominator. */
static int count_and_denominator(run *r, size_t i, int cx, int cn, number_kind xk,
                                 number_kind dk, int proportion, double *x, double *n)
{
    int mx = cell_number(r, i, cx, xk, x);
    if (mx < 0) return -1;
    int mn = cell_number(r, i, cn, dk, n);
    if (mn < 0) return -1;
    if (proportion && !mx && !mn && *x > *n) return over(r, i, cx, cn);
    return mx || mn;
}

static void note_missing(run *r, long o, size_t i, int cx, int cn)
{
    if (!*value(r, i, cx)) note_empty(r, o, cx);
    if (!*value(r, i, cn)) note_empty(r, o, cn);
}

static int crude(run *r, int is_rate)
{
    int cx, cn;
    if (need(r, is_rate ? "count" : "numerator", &cx) || need(r, "denominator", &cn)) return -1;
    static const char *const add[] = {"value", "note"};
    if (out_input_cols(r, add, 2, 1)) return -1;
    int cv = out_col(r, "value");
    if (cv < 0 || out_limit_cols(r) || out_col(r, "note") < 0) return -1;
    for (size_t i = 0; i < r->nrows; i++) {
        double x, n, lo[DSMS_STATS_MAX_LEVELS], hi[DSMS_STATS_MAX_LEVELS];
        int m = count_and_denominator(r, i, cx, cn, COUNT, DENOMINATOR, !is_rate, &x, &n);
        if (m < 0) return -1;
        long o = out_row(r);
        if (o < 0) return -1;
        copy_input(r, o, i);
        if (m) { /* a missing value: no figures */
            note_missing(r, o, i, cx, cn);
            continue;
        }
        for (size_t l = 0; l < r->nlevels; l++) {
            if (is_rate) {
                dsms_count_limits(x, r->frac[l], &lo[l], &hi[l]);
                lo[l] /= n, hi[l] /= n;
            } else {
                dsms_wilson(x, n, r->frac[l], &lo[l], &hi[l]);
            }
        }
        set_num(r, o, (size_t)cv, x / n * r->multiplier);
        set_limits(r, o, (size_t)cv + 1, lo, hi, r->multiplier, x / n);
    }
    return 0;
}

/* ---- directly standardised rates ---- */

typedef struct {
    double count[DSMS_ESP_BANDS], pop[DSMS_ESP_BANDS];
    long line[DSMS_ESP_BANDS];
} dsr_area;

static int band_of(const char *s)
{
    for (int b = 0; b < DSMS_ESP_BANDS; b++)
        if (strcmp(s, dsms_age_band_label(b)) == 0) return b;
    return -1;
}

static int dsr_out(run *r, const areas *a, const dsr_area *d)
{
    int first = out_col(r, "area");
    if (first < 0 || out_col(r, "total_count") < 0 || out_col(r, "total_population") < 0 ||
        out_col(r, "value") < 0 || out_limit_cols(r) ||
        out_col(r, "note") < 0)
        return -1;
    for (size_t k = 0; k < a->n; k++) {
        double x = 0, n = 0, v = NAN, lo[DSMS_STATS_MAX_LEVELS], hi[DSMS_STATS_MAX_LEVELS];
        int withheld = 0;
        for (int b = 0; b < DSMS_ESP_BANDS; b++) x += d[k].count[b], n += d[k].pop[b];
        for (size_t l = 0; l < r->nlevels; l++) {
            int rc = dsms_dsr(d[k].count, d[k].pop, dsms_esp2013, DSMS_ESP_BANDS, r->multiplier,
                              r->frac[l], &v, &lo[l], &hi[l]);
            withheld = rc == 1;
            if (rc < 0) {
                dsms_err_set(r->err, "%s: area %s: its rate cannot be calculated (expected "
                                     "counts and populations within range)", r->path,
                             a->name[k]);
                return -1;
            }
        }
        long o = out_row(r);
        if (o < 0) return -1;
        set_text(r, o, 0, a->name[k], 0);
        if (withheld)
            note(r, o, "not published: fewer than " DSMS_STR(DSMS_DSR_MIN_EVENTS) " events");
        set_whole(r, o, 1, x);
        set_num(r, o, 2, n);
        set_num(r, o, 3, v);
        set_limits(r, o, 4, lo, hi, 1, v);
    }
    return 0;
}

static int dsr(run *r)
{
    int ca, cb, cx, cn;
    if (need(r, "area", &ca) || need(r, "age_band", &cb) || need(r, "count", &cx) ||
        need(r, "population", &cn))
        return -1;
    areas a = {0};
    dsr_area *d = NULL;
    size_t dcap = 0;
    int rc = -1;
    for (size_t i = 0; i < r->nrows; i++) {
        char b1[48], b2[48];
        const char *band = value(r, i, cb), *area = value(r, i, ca);
        int b = band_of(band);
        double x, n;
        if (!*area) {
            bad(r, i, "area", "empty (expected the area the row is about)");
            goto done;
        }
        if (b < 0) {
            bad(r, i, "age_band", "'%s' is not an age band (expected one of 0-4, 5-9, ..., 85-89, "
                "90+: the 2013 European Standard Population's)", shown(band, b1, sizeof b1));
            goto done;
        }
        if (band_counts(r, i, cx, cn, &x, &n)) goto done;
        long k = area_slot(r, &a, area, i, (void **)&d, &dcap, sizeof *d);
        if (k < 0) goto done;
        if (d[k].line[b]) {
            bad(r, i, "age_band", "a second row for area %s, band %s (expected one, as on line %ld)",
                shown(area, b2, sizeof b2), band, d[k].line[b]);
            goto done;
        }
        d[k].line[b] = r->line[i];
        d[k].count[b] = x;
        d[k].pop[b] = n;
    }
    for (size_t k = 0; k < a.n; k++) {
        for (int b = 0; b < DSMS_ESP_BANDS; b++) {
            if (d[k].line[b]) continue;
            char b1[48];
            dsms_err_set(r->err, "%s: area %s has no row for age band %s (expected a row for each "
                                 "of the 19 bands 0-4, 5-9, ..., 85-89, 90+)", r->path,
                         shown(a.name[k], b1, sizeof b1), dsms_age_band_label(b));
            goto done;
        }
    }
    rc = dsr_out(r, &a, d);
done:
    free(d);
    areas_free(&a);
    return rc;
}

/* ---- indirectly standardised ratios and rates ---- */

/* One reference band: its rate, from ref_count over ref_population. */
typedef struct {
    const char *band; /* into the cells of the run that read it */
    double count, pop;
    long line;
} ref_band;

/* The reference's band called s among n, or -1. */
static long ref_find(const ref_band *b, size_t n, const char *s)
{
    for (size_t k = 0; k < n; k++)
        if (strcmp(b[k].band, s) == 0) return (long)k;
    return -1;
}

/* The bands of the reference file: one row per age band, each once, every
 * reference population more than 0. rr holds the file's cells. */
static int isr_reference(run *r, run *rr, ref_band **out, size_t *nout)
{
    int cb, cx, cn;
    if (read_input(rr, r->o->reference) || need(rr, "age_band", &cb) ||
        need(rr, "ref_count", &cx) || need(rr, "ref_population", &cn))
        return -1;
    ref_band *b = calloc(rr->nrows + 1, sizeof *b);
    if (!b) return oom_null(r), -1;
    *out = b;
    for (size_t i = 0; i < rr->nrows; i++) {
        const char *band = value(rr, i, cb);
        char b1[48];
        if (!*band) return bad(rr, i, "age_band", "empty (expected the age band the row is about)");
        long k = ref_find(b, *nout, band);
        if (k >= 0)
            return bad(rr, i, "age_band", "a second row for band %s (expected one, as on line "
                       "%ld)", shown(band, b1, sizeof b1), b[k].line);
        ref_band *x = &b[(*nout)++];
        x->band = band;
        x->line = rr->line[i];
        if (cell_number(rr, i, cx, COUNT, &x->count) < 0 ||
            cell_number(rr, i, cn, DENOMINATOR, &x->pop) < 0)
            return -1;
        if (isnan(x->count))
            return bad(rr, i, "ref_count", "empty (expected the reference's count of events "
                       "in the band)");
        if (isnan(x->pop))
            return bad(rr, i, "ref_population", "empty (expected the reference's population in "
                       "the band)");
    }
    return 0;
}

/* A row's area (its index) and age band. */
typedef struct {
    size_t area;
    const char *band;
    size_t row;
} band_row;

static int by_area_band(const void *a, const void *b)
{
    const band_row *p = a, *q = b;
    if (p->area != q->area) return (p->area > q->area) - (p->area < q->area);
    int c = strcmp(p->band, q->band);
    return c ? c : (p->row > q->row) - (p->row < q->row);
}

/* Sums over one area's bands. */
typedef struct {
    double observed, expected, ref_count, ref_pop;
    size_t bands;
} isr_area;

static int isr_out(run *r, const areas *a, const isr_area *d)
{
    if (out_col(r, "area") < 0 || out_col(r, "observed") < 0 || out_col(r, "expected") < 0 ||
        out_col(r, "value") < 0 || out_limit_cols(r) || out_col(r, "note") < 0)
        return -1;
    for (size_t k = 0; k < a->n; k++) {
        long o = out_row(r);
        if (o < 0) return -1;
        const isr_area *x = &d[k];
        set_text(r, o, 0, a->name[k], 0);
        set_whole(r, o, 1, x->observed);
        set_num(r, o, 2, x->expected);
        if (!(x->expected > 0)) {
            note(r, o, "expected is 0 (no population, or no events in the reference): no ratio");
            continue;
        }
        /* The rate: the ratio times the reference's crude rate over the
         * area's bands (PHEindicatormethods' calculate_ISRate). */
        double scale = r->multiplier * (r->o->isr_rate ? x->ref_count / x->ref_pop : 1);
        double lo[DSMS_STATS_MAX_LEVELS], hi[DSMS_STATS_MAX_LEVELS];
        for (size_t l = 0; l < r->nlevels; l++)
            dsms_isr(x->observed, x->expected, r->frac[l], &lo[l], &hi[l]);
        double v = x->observed / x->expected;
        set_num(r, o, 3, v * scale);
        set_limits(r, o, 4, lo, hi, scale, v);
    }
    return 0;
}

static int isr(run *r)
{
    const dsms_stats_opts *o = r->o;
    int ca, cb, cx, cn, crx = -1, crn = -1;
    if (need(r, "area", &ca) || need(r, "age_band", &cb) || need(r, "count", &cx) ||
        need(r, "population", &cn))
        return -1;
    if (!o->reference && (need(r, "ref_count", &crx) || need(r, "ref_population", &crn)))
        return -1;
    run rr = {.o = o, .path = o->reference_path ? o->reference_path : "(reference)",
              .err = r->err, .expected = "age_band,ref_count,ref_population"};
    ref_band *ref = NULL;
    size_t nref = 0;
    areas a = {0};
    isr_area *d = NULL;
    size_t dcap = 0;
    /* Each row's area and band, sorted, to find a band given twice. */
    band_row *rows = malloc((r->nrows + 1) * sizeof *rows);
    int rc = -1;
    if (!rows) {
        r->oom = 1;
        goto done;
    }
    if (o->reference && isr_reference(r, &rr, &ref, &nref)) {
        r->oom |= rr.oom;
        goto done;
    }
    for (size_t i = 0; i < r->nrows; i++) {
        char b1[48];
        const char *band = value(r, i, cb), *area = value(r, i, ca);
        double x, n, rx = NAN, rn = NAN;
        if (!*area) {
            bad(r, i, "area", "empty (expected the area the row is about)");
            goto done;
        }
        if (!*band) {
            bad(r, i, "age_band", "empty (expected the age band the row is about)");
            goto done;
        }
        if (band_counts(r, i, cx, cn, &x, &n)) goto done;
        if (o->reference) {
            long b;
            if ((b = ref_find(ref, nref, band)) < 0) {
                bad(r, i, "age_band", "'%s' is not a band of the reference %s (expected one of "
                    "its age bands)", shown(band, b1, sizeof b1), rr.path);
                goto done;
            }
            rx = ref[b].count, rn = ref[b].pop;
        } else {
            if (cell_number(r, i, crx, COUNT, &rx) < 0 ||
                cell_number(r, i, crn, DENOMINATOR, &rn) < 0)
                goto done;
            if (isnan(rx)) {
                bad(r, i, "ref_count", "empty (expected the reference's count of events in the "
                    "band)");
                goto done;
            }
            if (isnan(rn)) {
                bad(r, i, "ref_population", "empty (expected the reference's population in the "
                    "band)");
                goto done;
            }
        }
        long k = area_slot(r, &a, area, i, (void **)&d, &dcap, sizeof *d);
        if (k < 0) goto done;
        rows[i] = (band_row){(size_t)k, band, i};
        isr_area *s = &d[k];
        s->observed += x;
        /* The events the area would have at the reference's rate in the band. */
        s->expected += rx / rn * n;
        s->ref_count += rx;
        s->ref_pop += rn;
        s->bands++;
    }
    qsort(rows, r->nrows, sizeof *rows, by_area_band);
    for (size_t j = 1; j < r->nrows; j++) {
        if (rows[j].area == rows[j - 1].area && strcmp(rows[j].band, rows[j - 1].band) == 0) {
            char b1[48], b2[48];
            bad(r, rows[j].row, "age_band", "a second row for area %s, band %s (expected one, as "
                "on line %ld)", shown(a.name[rows[j].area], b1, sizeof b1),
                shown(rows[j].band, b2, sizeof b2), r->line[rows[j - 1].row]);
            goto done;
        }
    }
    /* With a reference, each area has a row for each of its bands. */
    for (size_t k = 0; o->reference && k < a.n; k++) {
        if (d[k].bands == nref) continue;
        for (size_t j = 0; j < nref; j++) {
            size_t i = a.first[k];
            for (; i < r->nrows; i++)
                if (strcmp(value(r, i, ca), a.name[k]) == 0 &&
                    strcmp(value(r, i, cb), ref[j].band) == 0)
                    break;
            if (i < r->nrows) continue;
            char b1[48], b2[48];
            dsms_err_set(r->err, "%s: area %s has no row for age band %s (expected a row for each "
                                 "band of the reference %s)", r->path,
                         shown(a.name[k], b1, sizeof b1), shown(ref[j].band, b2, sizeof b2),
                         rr.path);
            goto done;
        }
    }
    rc = isr_out(r, &a, d);
done:
    free(rows);
    free(ref);
    free(d);
    areas_free(&a);
    free_input(&rr);
    return rc;
}

/* ---- means ---- */

static int mean(run *r)
{
    int ca, cv;
    if (need(r, "area", &ca) || need(r, "value", &cv)) return -1;
    areas a = {0};
    size_t *group = malloc((r->nrows + 1) * sizeof *group);
    double *v = malloc((r->nrows + 1) * sizeof *v);
    int rc = -1;
    if (!group || !v) {
        r->oom = 1;
        goto done;
    }
    for (size_t i = 0; i < r->nrows; i++) {
        long k = area_of(r, &a, value(r, i, ca), i);
        if (k < 0 || cell_number(r, i, cv, VALUE, &v[i]) < 0) goto done;
        group[i] = (size_t)k;
    }
    if (out_col(r, "area") < 0 || out_col(r, "count") < 0 || out_col(r, "sd") < 0 ||
        out_col(r, "value") < 0 || out_limit_cols(r) || out_col(r, "note") < 0)
        goto done;
    double *mine = malloc((r->nrows + 1) * sizeof *mine);
    if (!mine) {
        r->oom = 1;
        goto done;
    }
    for (size_t k = 0; k < a.n; k++) {
        size_t n = 0;
        double m = NAN, lo[DSMS_STATS_MAX_LEVELS], hi[DSMS_STATS_MAX_LEVELS];
        for (size_t i = a.first[k]; i < r->nrows; i++)
            if (group[i] == k && !isnan(v[i])) mine[n++] = v[i]; /* empty values left out */
        for (size_t l = 0; l < r->nlevels; l++)
            dsms_mean(mine, n, r->frac[l], &m, &lo[l], &hi[l]);
        if (n == 1) m = mine[0];
        long o = out_row(r);
        if (o < 0) break;
        set_text(r, o, 0, a.name[k], 0);
        if (n == 0) note(r, o, "no values");
        if (n == 1) note(r, o, "one value: no standard deviation or limits");
        set_num(r, o, 1, (double)n);
        set_num(r, o, 2, dsms_sd(mine, n));
        set_num(r, o, 3, m);
        set_limits(r, o, 4, lo, hi, 1, m);
    }
    free(mine);
    rc = 0;
done:
    free(group);
    free(v);
    areas_free(&a);
    return rc;
}

/* ---- funnel plots ---- */

/* The columns a funnel adds after the input's: first (its value, or the
 * population a rate stands for), the baseline, the limits, significance and
 * a note; *col is first's. */
static int funnel_columns(run *r, const char *first, int *col)
{
    const char *const add[] = {first, "baseline", "significance", "note"};
    if (out_input_cols(r, add, 4, 1)) return -1;
    *col = out_col(r, first);
    return *col < 0 || out_col(r, "baseline") < 0 || out_limit_cols(r) ||
                   out_col(r, "significance") < 0 || out_col(r, "note") < 0
               ? -1
               : 0;
}


static int funnel_limits(run *r, double base, double n, size_t l, double *lo, double *hi)
{
    if (r->o->funnel_rate) return dsms_funnel_rate(base, n, r->frac[l], lo, hi);
    return dsms_funnel_proportion(base, n, r->frac[l], lo, hi);
}

/* "high (99.8%)" ... "not significant" ... "low (99.8%)": the widest limits
 * a value lies beyond. On a limit is not beyond it. */
static const char *significance(run *r, double p, const double *lo, const double *hi, char *buf,
                                size_t n)
{
    size_t order[DSMS_STATS_MAX_LEVELS];
    for (size_t l = 0; l < r->nlevels; l++) {
        size_t k = l;
        while (k > 0 && r->pct[order[k - 1]] < r->pct[l]) order[k] = order[k - 1], k--;
        order[k] = l;
    }
    for (size_t j = 0; j < r->nlevels; j++) {
        size_t l = order[j];
        const char *side = p > hi[l] ? "high" : p < lo[l] ? "low" : NULL;
        if (side) {
            snprintf(buf, n, "%s (%g%%)", side, r->pct[l]);
            return buf;
        }
    }
    return "not significant";
}

static int funnel_table(run *r, double base)
{
    const dsms_stats_opts *o = r->o;
    if (out_col(r, "denominator") < 0 || out_col(r, "baseline") < 0 ||
        out_limit_cols(r) || out_col(r, "note") < 0)
        return -1;
    double prev = NAN;
    size_t points = o->step > 0 ? (size_t)floor((o->to - o->from) / o->step + 1e-9) + 1 : 100;
    for (size_t j = 0; j < points; j++) {
        double n = o->step > 0 ? o->from + (double)j * o->step
                   : points == 1 || o->to == o->from
                       ? o->from
                       : o->from * pow(o->to / o->from, (double)j / (double)(points - 1));
        if (!(o->step > 0) && o->from >= 1) n = round(n);
        if (n == prev) continue; /* rounding made two points one */
        prev = n;
        double lo[DSMS_STATS_MAX_LEVELS], hi[DSMS_STATS_MAX_LEVELS];
        for (size_t l = 0; l < r->nlevels; l++) funnel_limits(r, base, n, l, &lo[l], &hi[l]);
        long row = out_row(r);
        if (row < 0) return -1;
        set_num(r, row, 0, n);
        set_num(r, row, 1, base * r->multiplier);
        set_limits(r, row, 2, lo, hi, r->multiplier, base);
    }
    return 0;
}

/* The levels from the widest in: the order significance is decided in. */
static void widest_first(const run *r, size_t *order)
{
    for (size_t l = 0; l < r->nlevels; l++) {
        size_t k = l;
        while (k > 0 && r->pct[order[k - 1]] < r->pct[l]) order[k] = order[k - 1], k--;
        order[k] = l;
    }
}

/* A count's significance against a baseline, as PHEindicatormethods'
 * assign_funnel_significance for ratios and rates: high when the lower limit
 * of the count (exact below 10 events, Byar's from 10) over its denominator
 * n is above the baseline, low when the upper limit is below it, at the
 * widest level that says so. */
static const char *count_significance(run *r, double x, double n, double base, char *buf,
                                      size_t len)
{
    size_t order[DSMS_STATS_MAX_LEVELS];
    widest_first(r, order);
    for (size_t j = 0; j < r->nlevels; j++) {
        size_t l = order[j];
        double lo, hi;
        dsms_count_limits(x, r->frac[l], &lo, &hi);
        const char *side = lo / n > base ? "high" : hi / n < base ? "low" : NULL;
        if (side) {
            snprintf(buf, len, "%s (%g%%)", side, r->pct[l]);
            return buf;
        }
    }
    return "not significant";
}

/* The columns of a table of limits by count: per level, the denominator at
 * which the count lies on the lower limit (what_lowerL), that limit, then
 * the same for the upper. */
static int count_table_cols(run *r, const char *first, const char *what)
{
    if (out_col(r, first) < 0 || out_col(r, "baseline") < 0) return -1;
    for (size_t l = 0; l < r->nlevels; l++) {
        char n[64];
        snprintf(n, sizeof n, "%s_lower%s", what, r->suffix[l]);
        if (out_col(r, n) < 0) return -1;
        snprintf(n, sizeof n, "lower%s", r->suffix[l]);
        if (out_col(r, n) < 0) return -1;
        snprintf(n, sizeof n, "%s_upper%s", what, r->suffix[l]);
        if (out_col(r, n) < 0) return -1;
        snprintf(n, sizeof n, "upper%s", r->suffix[l]);
        if (out_col(r, n) < 0) return -1;
    }
    return out_col(r, "note") < 0 ? -1 : 0;
}

/* The limits by count, as PHEindicatormethods' calculate_funnel_limits for
 * ratios and rates: for each whole count x from FROM to TO, the expected
 * counts at which x lies on a control limit: on the lower one where x's
 * exact upper limit is the expected count, on the upper one where its exact
 * lower limit is. For a ratio those expected counts are the table's
 * denominators and x over them the limits; for a rate (base events per
 * unit) the population is the expected count over base, per year of the
 * years pooled, and the limit x over the whole population. */
static int count_table(run *r, double base, int ratio)
{
    const dsms_stats_opts *o = r->o;
    if (count_table_cols(r, ratio ? "observed" : "events", ratio ? "expected" : "population"))
        return -1;
    double prev = NAN;
    size_t points = o->step > 0 ? (size_t)floor((o->to - o->from) / o->step + 1e-9) + 1 : 100;
    for (size_t j = 0; j < points; j++) {
        double x = o->step > 0 ? o->from + (double)j * o->step
                   : points == 1 || o->to == o->from
                       ? o->from
                       : o->from * pow(o->to / o->from, (double)j / (double)(points - 1));
        x = round(x); /* counts are whole */
        if (x == prev) continue;
        prev = x;
        long row = out_row(r);
        if (row < 0) return -1;
        set_num(r, row, 0, x);
        set_num(r, row, 1, ratio ? r->multiplier : base * r->multiplier);
        for (size_t l = 0; l < r->nlevels; l++) {
            double el, eu; /* exact lower and upper limits of x */
            dsms_poisson_exact(x, r->frac[l], &el, &eu);
            /* The lower control limit is reached at the larger expected count. */
            double d_lo = ratio ? eu : eu / base / o->years,
                   d_hi = ratio ? el : el / base / o->years;
            double m = ratio ? r->multiplier : r->multiplier / o->years;
            size_t c = 2 + 4 * l;
            set_num(r, row, c, d_lo);
            set_num_apart(r, row, c + 1, x / d_lo * m, ratio ? 1 : base * r->multiplier);
            set_num(r, row, c + 2, d_hi);
            set_num_apart(r, row, c + 3, x / d_hi * m, ratio ? 1 : base * r->multiplier);
        }
    }
    return 0;
}

/* Ratios of observed to expected counts, as indirectly standardised ratios
 * (PHEindicatormethods' ratio_type "isr" with multiplier 100, "count"
 * without): the baseline is 1. */
static int funnel_ratio(run *r, int have_input)
{
    if (!have_input) return count_table(r, 1, 1);
    int cx, cn;
    if (need(r, "observed", &cx) || need(r, "expected", &cn)) return -1;
    for (size_t i = 0; i < r->nrows; i++) {
        double x, n;
        if (count_and_denominator(r, i, cx, cn, COUNT, DENOMINATOR, 0, &x, &n) < 0) return -1;
    }
    if (r->o->limits) return count_table(r, 1, 1);
    int cv;
    if (funnel_columns(r, "value", &cv)) return -1;
    for (size_t i = 0; i < r->nrows; i++) {
        double x, n, lo[DSMS_STATS_MAX_LEVELS], hi[DSMS_STATS_MAX_LEVELS];
        int missing = count_and_denominator(r, i, cx, cn, COUNT, DENOMINATOR, 0, &x, &n);
        long row = out_row(r);
        if (row < 0) return -1;
        copy_input(r, row, i);
        set_num(r, row, (size_t)cv + 1, r->multiplier);
        if (missing) {
            note_missing(r, row, i, cx, cn);
            continue;
        }
        /* The control limits at this expected count: a rate of 1 event per
         * expected event. */
        for (size_t l = 0; l < r->nlevels; l++)
            dsms_funnel_rate(1, n, r->frac[l], &lo[l], &hi[l]);
        set_num(r, row, (size_t)cv, x / n * r->multiplier);
        set_limits(r, row, (size_t)cv + 2, lo, hi, r->multiplier, 1);
        char b[48];
        set_text(r, row, (size_t)cv + 2 + 2 * r->nlevels,
                 count_significance(r, x, n, 1, b, sizeof b), 0);
    }
    return 0;
}

/* Directly standardised rates pooled over --years years, each with its
 * count of events: the population is derived from them, count over rate,
 * as PHEindicatormethods does for rate_type "dsr" (none for no events). */
static int funnel_dsr(run *r, int have_input)
{
    const dsms_stats_opts *o = r->o;
    double base = o->baseline / r->multiplier;
    int cx = -1, cv = -1;
    if (have_input) {
        if (need(r, "count", &cx) || need(r, "rate", &cv)) return -1;
        double sx = 0, sn = 0;
        for (size_t i = 0; i < r->nrows; i++) {
            double x, v;
            int m = count_and_denominator(r, i, cx, cv, COUNT, SIZE, 0, &x, &v);
            if (m < 0) return -1;
            if (m) continue;
            if (v == 0 && x > 0) {
                char b1[48];
                return bad(r, i, "rate", "0 with %s events (expected a rate more than 0 where "
                           "there are events)", shown(value(r, i, cx), b1, sizeof b1));
            }
            if (x > 0) sx += x, sn += x / v; /* in units of the multiplier */
        }
        if (isnan(base)) {
            if (!(sn > 0) || !isfinite(sn)) {
                dsms_err_set(r->err, "%s: no row has both count and rate with events (expected "
                                     "at least one, for the baseline, or --baseline)", r->path);
                return -1;
            }
            base = sx / sn / r->multiplier;
        }
    }
    if (!isfinite(base) || base <= 0) {
        dsms_err_set(r->err, "%s: baseline %.15g is out of range (expected a rate more than 0)",
                     r->path, base * r->multiplier);
        return -1;
    }
    if (o->limits) return count_table(r, base, 0);
    int cp;
    if (funnel_columns(r, "population", &cp)) return -1;
    for (size_t i = 0; i < r->nrows; i++) {
        double x, v, lo[DSMS_STATS_MAX_LEVELS], hi[DSMS_STATS_MAX_LEVELS];
        int missing = count_and_denominator(r, i, cx, cv, COUNT, SIZE, 0, &x, &v);
        long row = out_row(r);
        if (row < 0) return -1;
        copy_input(r, row, i);
        set_num(r, row, (size_t)cp + 1, base * r->multiplier);
        if (missing) {
            note_missing(r, row, i, cx, cv);
            continue;
        }
        if (x == 0) {
            note(r, row, "no events: no population can be derived from the rate");
            continue;
        }
        double n = x / v * r->multiplier; /* the population over all the years */
        int all = 1;
        for (size_t l = 0; l < r->nlevels; l++) {
            dsms_funnel_rate(base, n, r->frac[l], &lo[l], &hi[l]);
            all &= isfinite(lo[l] * r->multiplier) && isfinite(hi[l] * r->multiplier);
        }
        if (!all) note(r, row, "control limits cannot be calculated at this population");
        set_num(r, row, (size_t)cp, n / o->years);
        set_limits(r, row, (size_t)cp + 2, lo, hi, r->multiplier, base);
        if (!all) continue;
        if (x < DSMS_DSR_MIN_EVENTS) {
            note(r, row, "fewer than " DSMS_STR(DSMS_DSR_MIN_EVENTS) " events: no significance "
                 "for a directly standardised rate");
            continue;
        }
        char b[48];
        set_text(r, row, (size_t)cp + 2 + 2 * r->nlevels,
                 count_significance(r, x, n, base, b, sizeof b), 0);
    }
    return 0;
}

static int funnel(run *r, int have_input)
{
    const dsms_stats_opts *o = r->o;
    if (o->funnel_ratio) return funnel_ratio(r, have_input);
    if (o->funnel_dsr) return funnel_dsr(r, have_input);
    int rate = o->funnel_rate, cx = -1, cn = -1;
    /* A rate's events are a count. A proportion's numerator may carry a
     * fraction: PHE's own funnel data derives numerators from a percentage
     * of the denominator (35078.488 of 41980). */
    number_kind xk = rate ? COUNT : SIZE;
    double base = o->baseline / r->multiplier;
    if (have_input) {
        if (need(r, rate ? "count" : "numerator", &cx) || need(r, "denominator", &cn)) return -1;
        double sx = 0, sn = 0;
        for (size_t i = 0; i < r->nrows; i++) {
            double x, n;
            int m = count_and_denominator(r, i, cx, cn, xk, DENOMINATOR, !rate, &x, &n);
            if (m < 0) return -1;
            if (!m) sx += x, sn += n; /* no overflow: each is at most 2^53 */
        }
        if (isnan(base)) {
            if (!(sn > 0)) {
                dsms_err_set(r->err, "%s: no row has both %s and denominator (expected at least "
                                     "one, for the baseline, or --baseline)", r->path,
                             r->name[cx]);
                return -1;
            }
            base = sx / sn;
        }
    }
    if (!isfinite(base) || base < 0 || (!rate && base > 1)) {
        dsms_err_set(r->err, "%s: baseline %.15g is out of range (expected %s)", r->path,
                     base * r->multiplier,
                     rate ? "a rate, 0 or more" : "a proportion from 0 to the multiplier");
        return -1;
    }
    if (o->limits) return funnel_table(r, base);
    int cv;
    if (funnel_columns(r, "value", &cv)) return -1;
    for (size_t i = 0; i < r->nrows; i++) {
        double x, n, lo[DSMS_STATS_MAX_LEVELS], hi[DSMS_STATS_MAX_LEVELS];
        int missing = count_and_denominator(r, i, cx, cn, xk, DENOMINATOR, !rate, &x, &n);
        long row = out_row(r);
        if (row < 0) return -1;
        copy_input(r, row, i);
        set_num(r, row, (size_t)cv + 1, base * r->multiplier);
        if (missing) {
            note_missing(r, row, i, cx, cn);
            continue;
        }
        int all = 1;
        for (size_t l = 0; l < r->nlevels; l++) {
            funnel_limits(r, base, n, l, &lo[l], &hi[l]);
            all &= isfinite(lo[l] * r->multiplier) && isfinite(hi[l] * r->multiplier);
        }
        /* Without every limit, the row cannot be placed against them. */
        if (!all) note(r, row, "control limits cannot be calculated at this denominator");
        set_num(r, row, (size_t)cv, x / n * r->multiplier);
        set_limits(r, row, (size_t)cv + 2, lo, hi, r->multiplier, base);
        char b[48];
        if (all)
            set_text(r, row, (size_t)cv + 2 + 2 * r->nlevels,
                     significance(r, x / n, lo, hi, b, sizeof b), 0);
    }
    return 0;
}

/* ---- comparison with a benchmark ---- */

static int compare(run *r)
{
    const dsms_stats_opts *o = r->o;
    int lo[DSMS_STATS_MAX_LEVELS], hi[DSMS_STATS_MAX_LEVELS], cb = -1;
    char names[DSMS_STATS_MAX_LEVELS][48];
    for (size_t l = 0; l < r->nlevels; l++) {
        char ln[48], hn[48];
        snprintf(ln, sizeof ln, "lower%s", r->suffix[l]);
        snprintf(hn, sizeof hn, "upper%s", r->suffix[l]);
        /* The first level's interval decides "comparison"; the others, when
         * their columns are there, add a comparison each. */
        if (l == 0) {
            if (need(r, ln, &lo[l]) || need(r, hn, &hi[l])) return -1;
        } else {
            lo[l] = column(r, ln);
            hi[l] = column(r, hn);
        }
        snprintf(names[l], sizeof names[l], "comparison%s", l ? r->suffix[l] : "");
    }
    if (isnan(o->benchmark) && need(r, "benchmark", &cb)) return -1;
    const char *add[DSMS_STATS_MAX_LEVELS + 1];
    for (size_t l = 0; l < r->nlevels; l++) add[l] = names[l];
    add[r->nlevels] = "note";
    if (out_input_cols(r, add, r->nlevels + 1, 0)) return -1;
    int out[DSMS_STATS_MAX_LEVELS];
    for (size_t l = 0; l < r->nlevels; l++)
        if ((out[l] = lo[l] >= 0 && hi[l] >= 0 ? out_col(r, names[l]) : -2) == -1) return -1;
    if (out_col(r, "note") < 0) return -1;
    for (size_t i = 0; i < r->nrows; i++) {
        double b = o->benchmark;
        if (cb >= 0 && cell_number(r, i, cb, VALUE, &b) < 0) return -1;
        long row = out_row(r);
        if (row < 0) return -1;
        copy_input(r, row, i);
        for (size_t l = 0; l < r->nlevels; l++) {
            if (out[l] < 0) continue;
            double a, z;
            int ma = cell_number(r, i, lo[l], VALUE, &a),
                mz = ma < 0 ? -1 : cell_number(r, i, hi[l], VALUE, &z);
            if (ma < 0 || mz < 0) return -1;
            if (a > z) {
                char b1[48], b2[48];
                return bad(r, i, r->name[lo[l]], "%s is above the upper limit %s (expected lower "
                           "no more than upper)", shown(value(r, i, lo[l]), b1, sizeof b1),
                           shown(value(r, i, hi[l]), b2, sizeof b2));
            }
            /* "not compared", and the note says what is missing. */
            if (ma) note_empty(r, row, lo[l]);
            if (mz) note_empty(r, row, hi[l]);
            if (isnan(b)) note_empty(r, row, cb);
            set_text(r, row, (size_t)out[l],
                     dsms_comparison_name(dsms_compare(a, z, b, o->polarity)), 0);
        }
    }
    return 0;
}

/* ---- recent trend ---- */

typedef struct {
    const char *period;
    double num, den;
    size_t row;
} point;

static int by_period(const void *a, const void *b)
{
    const point *p = a, *q = b;
    int c = strcmp(p->period, q->period);
    return c ? c : (p->row > q->row) - (p->row < q->row);
}

static int trend(run *r)
{
    int ca, cp, cx, cn;
    if (need(r, "area", &ca) || need(r, "period", &cp) || need(r, "numerator", &cx) ||
        need(r, "denominator", &cn))
        return -1;
    areas a = {0};
    point *pts = malloc((r->nrows + 1) * sizeof *pts);
    size_t *group = malloc((r->nrows + 1) * sizeof *group);
    double *num = malloc((r->nrows + 1) * sizeof *num), *den = malloc((r->nrows + 1) * sizeof *den);
    int rc = -1;
    if (!pts || !group || !num || !den) {
        r->oom = 1;
        goto done;
    }
    for (size_t i = 0; i < r->nrows; i++) {
        double x, n;
        long k = area_of(r, &a, value(r, i, ca), i);
        if (k < 0) goto done;
        if (!*value(r, i, cp)) {
            bad(r, i, "period", "empty (expected the period of the point, such as 2024/25)");
            goto done;
        }
        if (count_and_denominator(r, i, cx, cn, COUNT, SIZE, 1, &x, &n) < 0) goto done;
        group[i] = (size_t)k;
    }
    if (out_col(r, "area") < 0 || out_col(r, "from") < 0 || out_col(r, "to") < 0 ||
        out_col(r, "trend") < 0 || out_col(r, "chi_squared") < 0 || out_col(r, "gradient") < 0 ||
        out_col(r, "note") < 0)
        goto done;
    for (size_t k = 0; k < a.n; k++) {
        size_t n = 0;
        for (size_t i = a.first[k]; i < r->nrows; i++) {
            if (group[i] != k) continue;
            pts[n] = (point){value(r, i, cp), NAN, NAN, i};
            cell_number(r, i, cx, COUNT, &pts[n].num);
            cell_number(r, i, cn, SIZE, &pts[n].den);
            n++;
        }
        /* Periods in order by their text: time order for 2019, 2019/20,
         * 2019-06 and 2019 Q1 alike. */
        qsort(pts, n, sizeof *pts, by_period);
        for (size_t j = 1; j < n; j++) {
            if (strcmp(pts[j].period, pts[j - 1].period) == 0) {
                char b1[48], b2[48];
                bad(r, pts[j].row, "period", "a second row for area %s, period %s (expected one, "
                    "as on line %ld)", shown(a.name[k], b1, sizeof b1),
                    shown(pts[j].period, b2, sizeof b2), r->line[pts[j - 1].row]);
                goto done;
            }
        }
        for (size_t j = 0; j < n; j++) num[j] = pts[j].num, den[j] = pts[j].den;
        dsms_trend t;
        dsms_trend_proportions(num, den, n, r->frac[0], &t);
        long row = out_row(r);
        if (row < 0) goto done;
        set_text(r, row, 0, a.name[k], 0);
        size_t from = n > DSMS_TREND_POINTS ? n - DSMS_TREND_POINTS : 0;
        if (n) set_text(r, row, 1, pts[from].period, 0), set_text(r, row, 2, pts[n - 1].period, 0);
        set_text(r, row, 3, dsms_trend_name(t.kind), 0);
        if (t.reason) note(r, row, t.reason);
        set_num(r, row, 4, t.chi_squared);
        set_num(r, row, 5, t.gradient * r->multiplier);
    }
    rc = 0;
done:
    free(pts);
    free(group);
    free(num);
    free(den);
    areas_free(&a);
    return rc;
}

/* ---- the run ---- */

static const char *expected_columns(const dsms_stats_opts *o)
{
    switch (o->method) {
    case DSMS_STATS_PROPORTION: return "numerator,denominator";
    case DSMS_STATS_RATE: return "count,denominator";
    case DSMS_STATS_DSR: return "area,age_band,count,population";
    case DSMS_STATS_MEAN: return "area,value";
    case DSMS_STATS_FUNNEL:
        if (o->funnel_ratio) return "observed,expected (a funnel for a ratio)";
        if (o->funnel_dsr)
            return "count,rate (a funnel for a directly standardised rate)";
        return o->funnel_rate ? "count,denominator (a funnel for a rate)"
                              : "numerator,denominator (a funnel for a proportion)";
    case DSMS_STATS_COMPARE:
        return isnan(o->benchmark) ? "lower and upper limits such as lower95,upper95, and "
                                     "benchmark (or --benchmark)"
                                   : "lower and upper limits such as lower95,upper95";
    case DSMS_STATS_TREND: return "area,period,numerator,denominator";
    case DSMS_STATS_ISR:
        return o->reference ? "area,age_band,count,population"
                            : "area,age_band,count,population,ref_count,ref_population";
    case DSMS_STATS_METHODS: break;
    }
    return "";
}

/* The levels in use, checked, with their column suffixes: 99.8 -> "99_8". */
static int levels(run *r)
{
    const dsms_stats_opts *o = r->o;
    static const double both[] = {95, 99.8}, trend_level[] = {99.8};
    const double *p = o->level;
    size_t n = o->nlevels;
    if (n == 0) {
        int t = o->method == DSMS_STATS_TREND;
        p = t ? trend_level : both;
        n = t ? 1 : 2;
    }
    if (n > DSMS_STATS_MAX_LEVELS || (o->method == DSMS_STATS_TREND && n != 1)) {
        dsms_err_set(r->err, "%s: %zu confidence levels (expected %s)", r->path, n,
                     o->method == DSMS_STATS_TREND ? "one, for trend" : "1 to 4");
        return -1;
    }
    for (size_t l = 0; l < n; l++) {
        if (!isfinite(p[l]) || p[l] <= 0 || p[l] >= 100) {
            dsms_err_set(r->err, "confidence %g is out of range (expected a percentage between "
                                 "0 and 100, such as 95 or 99.8)", p[l]);
            return -1;
        }
        for (size_t k = 0; k < l; k++) {
            if (p[k] == p[l]) {
                dsms_err_set(r->err, "confidence %g is given twice (expected each level once)",
                             p[l]);
                return -1;
            }
        }
        r->pct[l] = p[l];
        r->frac[l] = p[l] / 100;
        snprintf(r->suffix[l], sizeof r->suffix[l], "%.10g", p[l]);
        for (char *s = r->suffix[l]; *s; s++)
            if (*s == '.') *s = '_';
    }
    r->nlevels = n;
    return 0;
}

static double default_multiplier(const dsms_stats_opts *o)
{
    switch (o->method) {
    case DSMS_STATS_PROPORTION: return 100;
    case DSMS_STATS_FUNNEL:
        return o->funnel_ratio ? 1 : o->funnel_rate || o->funnel_dsr ? 100000 : 100;
    case DSMS_STATS_ISR: return o->isr_rate ? 100000 : 100;
    case DSMS_STATS_TREND: return 100;
    case DSMS_STATS_RATE:
    case DSMS_STATS_DSR: return 100000;
    default: return 1;
    }
}

static void free_input(run *r)
{
    for (size_t i = 0; i < r->nrows * r->ncols; i++) free(r->cell[i]);
    for (size_t c = 0; c < r->ncols; c++) free(r->name[c]);
    free(r->cell);
    free(r->name);
    free(r->line);
}

int dsms_stats_run(const dsms_stats_opts *o, const char *path, dsms_csv *csv,
                   dsms_stats_table *out, dsms_err *err)
{
    run r = {.o = o, .path = path, .err = err, .out = out};
    memset(out, 0, sizeof *out);
    r.expected = expected_columns(o);
    r.multiplier = isnan(o->multiplier) ? default_multiplier(o) : o->multiplier;
    int rc = -1;
    if ((unsigned)o->method >= DSMS_STATS_METHODS) {
        dsms_err_set(err, "%s: unknown method", path);
        return -1;
    }
    if (!isfinite(r.multiplier) || r.multiplier <= 0 || r.multiplier > DSMS_STATS_MULTIPLIER_MAX) {
        dsms_err_set(err, "multiplier %g is out of range (expected a number more than 0 and at "
                          "most " DSMS_STR(DSMS_STATS_MULTIPLIER_MAX) ", such as 100 or 100000)",
                      r.multiplier);
        return -1;
    }
    if (levels(&r)) return -1;
    if (o->method == DSMS_STATS_FUNNEL && o->limits &&
        (!isfinite(o->from) || !isfinite(o->to) || !isfinite(o->step) || o->from <= 0 ||
         o->to < o->from || o->to > COUNT_MAX || o->step < 0 ||
         (o->step > 0 && (o->to - o->from) / o->step > DSMS_STATS_MAX_STEPS))) {
        dsms_err_set(err, "limits %g:%g:%g are out of range (expected FROM:TO[:STEP], 0 < FROM <= "
                          "TO <= " COUNT_MAX_TEXT ", at most " DSMS_STR(DSMS_STATS_MAX_STEPS)
                          " steps)",
                     o->from, o->to,
                     o->step);
        return -1;
    }
    int funnel_kinds = !!o->funnel_rate + !!o->funnel_ratio + !!o->funnel_dsr;
    if (o->method == DSMS_STATS_FUNNEL &&
        (funnel_kinds > 1 || (o->funnel_dsr && !(isfinite(o->years) && o->years > 0)) ||
         (!o->funnel_dsr && o->years != 0) || (o->funnel_ratio && !isnan(o->baseline)))) {
        dsms_err_set(err, "%s: funnel options do not go together (expected one type; --years, "
                          "more than 0, with dsr alone; no --baseline for a ratio, whose "
                          "baseline is 1)", path);
        return -1;
    }
    if (o->method == DSMS_STATS_FUNNEL && o->limits && (o->funnel_ratio || o->funnel_dsr) &&
        o->from < 1) {
        dsms_err_set(err, "limits from %g are out of range (expected counts of events from 1 "
                          "for a funnel for a %s)", o->from,
                     o->funnel_ratio ? "ratio" : "directly standardised rate");
        return -1;
    }
    if (!csv && !(o->method == DSMS_STATS_FUNNEL && o->limits &&
                  (!isnan(o->baseline) || o->funnel_ratio))) {
        dsms_err_set(err, "%s: no input (expected a CSV file with the columns %s)", path,
                     r.expected);
        return -1;
    }
    if (csv && read_input(&r, csv)) goto done;
    switch (o->method) {
    case DSMS_STATS_PROPORTION: rc = crude(&r, 0); break;
    case DSMS_STATS_RATE: rc = crude(&r, 1); break;
    case DSMS_STATS_DSR: rc = dsr(&r); break;
    case DSMS_STATS_MEAN: rc = mean(&r); break;
    case DSMS_STATS_FUNNEL: rc = funnel(&r, csv != NULL); break;
    case DSMS_STATS_COMPARE: rc = compare(&r); break;
    case DSMS_STATS_TREND: rc = trend(&r); break;
    case DSMS_STATS_ISR: rc = isr(&r); break;
    case DSMS_STATS_METHODS: break;
    }
done:
    if (r.oom) {
        dsms_err_set(err, "%s: out of memory", path);
        rc = -1;
    }
    free_input(&r);
    if (rc) dsms_stats_table_free(out);
    return rc;
}

void dsms_stats_table_free(dsms_stats_table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++) free(t->cell[i]);
    for (size_t c = 0; c < t->ncols; c++) free(t->name[c]);
    free(t->cell);
    free(t->num);
    free(t->name);
    memset(t, 0, sizeof *t);
}

/* ---- writing ---- */

int dsms_stats_write_csv(const dsms_stats_table *t, FILE *f)
{
    for (size_t c = 0; c < t->ncols; c++) {
        if (c) putc(',', f);
        dsms_csv_put(f, t->name[c]);
    }
    putc('\n', f);
    for (size_t i = 0; i < t->nrows; i++) {
        for (size_t c = 0; c < t->ncols; c++) {
            if (c) putc(',', f);
            const char *s = t->cell[i * t->ncols + c];
            if (s) dsms_csv_put(f, s);
        }
        putc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

/* A numeric cell as a JSON number: whole numbers of up to 18 digits as
 * integers, written exactly (a count up to 2^53 has 16), the rest as reals. */
static json_t *json_number(const char *s)
{
    const char *p = *s == '-' ? s + 1 : s;
    size_t digits = strspn(p, "0123456789");
    if (!p[digits] && digits > 0 && digits <= 18) return json_integer(strtoll(s, NULL, 10));
    return json_real(strtod(s, NULL));
}

int dsms_stats_write_json(const dsms_stats_table *t, FILE *f)
{
    json_t *all = json_array();
    int rc = all ? 0 : -1;
    for (size_t i = 0; i < t->nrows && !rc; i++) {
        json_t *o = json_object();
        if (!o || json_array_append_new(all, o)) rc = -1;
        for (size_t c = 0; c < t->ncols && !rc; c++) {
            const char *s = t->cell[i * t->ncols + c];
            json_t *v = !s ? json_null() : t->num[i * t->ncols + c] ? json_number(s)
                                                                   : json_string(s);
            if (!v || json_object_set_new(o, t->name[c], v)) rc = -1;
        }
    }
    if (!rc && json_dumpf(all, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15)))
        rc = -1;
    if (!rc) putc('\n', f);
    json_decref(all);
    return rc || ferror(f) ? -1 : 0;
}
