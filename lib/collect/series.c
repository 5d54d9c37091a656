/* series.c — published series' values (series.h): every row of the file is
 * checked and held in memory first, so that a file with any error stores
 * nothing, and a good one is written in one transaction. */
#include "dsms/series.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checksum.h"
#include "dsms/csv.h"
#include "dsms/field.h"
#include "dsms/grow.h"

/* The columns of the file, in the order of the documented header. */
enum { C_SERIES, C_PERIOD, C_LEVEL, C_CODE, C_VALUE, C_NUMERATOR, C_DENOMINATOR, C_LOWER,
       C_UPPER, C_UNIT, C_SOURCE, C_AS_AT, NCOLS };
static const char *const column[NCOLS] = {"series",    "period",      "level", "code",
                                          "value",     "numerator",   "denominator",
                                          "lower",     "upper",       "unit",  "source",
                                          "as_at"};
enum { NREQUIRED = C_VALUE + 1 }; /* series, period, level, code and value */

/* One good row, its text copied out of the reader's. */
typedef struct {
    char series[32], period[16], level[16], code[16], unit[16], source[128], as_at[16];
    double value, numerator, denominator, lower, upper;
    long line;
} row;

/* A diagnostic kept until the whole file is read, to be handed on in line order. */
typedef struct {
    long line;
    size_t order;
    char field[32];
    char message[320];
    char expected[480];
} finding;

typedef struct {
    const dsms_series_opts *o;
    const dsms_refdata *ref;
    row *rows;
    size_t nrows, cap_rows;
    finding *found;
    size_t nfound, cap_found;
    int oom;
} reader;

static void note(reader *r, long line, const char *field, const char *expected, const char *fmt,
                 ...) __attribute__((format(printf, 5, 6)));
static void note(reader *r, long line, const char *field, const char *expected, const char *fmt,
                 ...)
{
    if (dsms_room_for((void **)&r->found, &r->cap_found, r->nfound, sizeof *r->found, 16)) {
        r->oom = 1;
        return;
    }
    finding *f = &r->found[r->nfound];
    f->line = line;
    f->order = r->nfound++;
    snprintf(f->field, sizeof f->field, "%s", field);
    snprintf(f->expected, sizeof f->expected, "%s", expected);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof f->message, fmt, ap);
    va_end(ap);
}

/* ---- checks of one value ---- */

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

static int year_of(const char *s)
{
    int y = atoi(s);
    return y >= 1900 && y <= 2100 ? y : 0;
}

int dsms_series_period_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 4 || !digits(s, 4) || !year_of(s)) return 0;
    int y = atoi(s);
    if (n == 4) return 1;
    if (s[4] != '-') return 0;
    if (n == 9) { /* YYYY-YYYY: a pooled range of calendar years */
        int to = digits(s + 5, 4) ? year_of(s + 5) : 0;
        return to > y && to - y <= 10;
    }
    if (n != 7 && n != 10) return 0;
    if (!digits(s + 5, 2)) return 0;
    int two = atoi(s + 5);
    int financial = two == (y + 1) % 100;
    if (n == 7) return financial || (two >= 1 && two <= 12); /* YYYY-YY or YYYY-MM */
    return financial && s[7] == '-' && s[8] == 'Q' && s[9] >= '1' && s[9] <= '4';
}

/* Copy text into a field of a row, or say that it is too long. */
static int copy(reader *r, long line, const char *field, const char *s, char *to, size_t n)
{
    if (strlen(s) < n) {
        memcpy(to, s, strlen(s) + 1);
        return 0;
    }
    note(r, line, field, "shorter text", "%zu bytes long (at most %zu)", strlen(s), n - 1);
    return -1;
}

/* An optional number: NaN when empty; 0 good, -1 noted. */
static int optional_number(reader *r, long line, int c, const char *s, double *out)
{
    *out = NAN;
    if (!*s) return 0;
    if (dsms_number_parse(s, out) == 0) return 0;
    note(r, line, column[c], "a number, or empty", "'%s' is not a number", s);
    return -1;
}

static const char *levels_text(unsigned levels, char *buf, size_t n)
{
    buf[0] = '\0';
    int k, left = 0;
    for (k = 0; k < DSMS_SERIES_LEVELS; k++) left += !!(levels & (1u << k));
    for (k = 0; k < DSMS_SERIES_LEVELS; k++) {
        if (!(levels & (1u << k))) continue;
        left--;
        snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", dsms_series_levels[k],
                 left > 1 ? ", " : left == 1 ? " or " : "");
    }
    return buf;
}

static const char *const place_expected[] = {
    "E92000001, England's code",
    "the ONS code of a region listed in regions.csv, such as E12000001",
    "the ONS code of an area listed in areas.csv, such as E08000025",
    "the code of a police force listed in police_forces.csv, such as F01"};

/* A value within what its unit allows. */
static void value_range(reader *r, long line, const dsms_ref_series *x, double v, const char *s)
{
    if (strcmp(x->unit, "value") == 0) return;
    if (v < 0)
        note(r, line, "value", "0 or more", "'%s' is negative for a series in %s", s, x->unit);
    else if (strcmp(x->unit, "percent") == 0 && v > 100)
        note(r, line, "value", "a percentage from 0 to 100", "'%s' is more than 100", s);
}

/* One data row, v[c] the text of column c ("" when the column is absent). */
static void check_row(reader *r, long line, const char *const *v)
{
    row w;
    memset(&w, 0, sizeof w);
    w.line = line;
    size_t before = r->nfound;
    int x = -1;
    if (!*v[C_SERIES])
        note(r, line, "series", "a series code listed in series.csv", "empty");
    else if ((x = dsms_refdata_series(r->ref, v[C_SERIES])) < 0)
        note(r, line, "series",
             "a series code listed in series.csv; dsms series catalogue lists them",
             "'%s' is not in the series catalogue", v[C_SERIES]);
    if (!dsms_series_period_ok(v[C_PERIOD]))
        note(r, line, "period",
             "YYYY, YYYY-YY (financial year), YYYY-YY-Qn, YYYY-MM or YYYY-YYYY",
             "'%s' is not a period", v[C_PERIOD]);
    unsigned level = dsms_series_level(v[C_LEVEL]);
    const dsms_ref_series *s = x >= 0 ? &r->ref->series[x] : NULL;
    char buf[96];
    if (!level)
        note(r, line, "level", "england, region, area or force", "'%s' is not a level",
             v[C_LEVEL]);
    else if (s && !(s->levels & level))
        note(r, line, "level", levels_text(s->levels, buf, sizeof buf),
             "'%s' is not a level %s is given at", v[C_LEVEL], s->code);
    if (level) {
        int k = 0;
        while ((1u << k) != level) k++;
        if (!dsms_refdata_place(r->ref, level, v[C_CODE]))
            note(r, line, "code", place_expected[k], "'%s' is not %s code in the reference data",
                 v[C_CODE], k == 0 ? "England's" : k == 1 ? "a region" : k == 2 ? "an area"
                                                                          : "a police force");
    }
    int value_ok = 0;
    if (!*v[C_VALUE]) note(r, line, "value", "a number", "empty");
    else if (dsms_number_parse(v[C_VALUE], &w.value)) note(r, line, "value", "a number",
                                                "'%s' is not a number", v[C_VALUE]);
    else {
        value_ok = 1;
        if (s) value_range(r, line, s, w.value, v[C_VALUE]);
    }
    optional_number(r, line, C_NUMERATOR, v[C_NUMERATOR], &w.numerator);
    if (!optional_number(r, line, C_DENOMINATOR, v[C_DENOMINATOR], &w.denominator) &&
        !isnan(w.denominator) && w.denominator <= 0)
        note(r, line, "denominator", "more than 0", "'%s' is not more than 0",
             v[C_DENOMINATOR]);
    int lower_ok = !optional_number(r, line, C_LOWER, v[C_LOWER], &w.lower);
    int upper_ok = !optional_number(r, line, C_UPPER, v[C_UPPER], &w.upper);
    if (value_ok && lower_ok && !isnan(w.lower) && w.lower > w.value)
        note(r, line, "lower", "at most the value", "'%s' is more than the value '%s'",
             v[C_LOWER], v[C_VALUE]);
    if (value_ok && upper_ok && !isnan(w.upper) && w.upper < w.value)
        note(r, line, "upper", "at least the value", "'%s' is less than the value '%s'",
             v[C_UPPER], v[C_VALUE]);
    if (s && *v[C_UNIT] && strcmp(v[C_UNIT], s->unit) != 0) {
        snprintf(buf, sizeof buf, "%s, the unit of %s in series.csv, or empty", s->unit,
                 s->code);
        note(r, line, "unit", buf, "'%s' is not the series' unit", v[C_UNIT]);
    }
    if (*v[C_AS_AT]) {
        int64_t day = dsms_date_parse(v[C_AS_AT], strlen(v[C_AS_AT]));
        if (day == INT64_MIN)
            note(r, line, "as_at", "a date, YYYY-MM-DD, or empty", "'%s' is not a date",
                 v[C_AS_AT]);
        else if (day > r->o->today)
            note(r, line, "as_at", "a date not in the future", "'%s' is after today",
                 v[C_AS_AT]);
    }
    if (r->nfound > before || !s) return;
    if (copy(r, line, "series", v[C_SERIES], w.series, sizeof w.series) ||
        copy(r, line, "period", v[C_PERIOD], w.period, sizeof w.period) ||
        copy(r, line, "level", v[C_LEVEL], w.level, sizeof w.level) ||
        copy(r, line, "code", v[C_CODE], w.code, sizeof w.code) ||
        copy(r, line, "source", *v[C_SOURCE] ? v[C_SOURCE] : s->source, w.source,
             sizeof w.source) ||
        copy(r, line, "as_at", v[C_AS_AT], w.as_at, sizeof w.as_at))
        return;
    memcpy(w.unit, s->unit, sizeof w.unit);
    if (dsms_room_for((void **)&r->rows, &r->cap_rows, r->nrows, sizeof *r->rows, 64)) {
        r->oom = 1;
        return;
    }
    r->rows[r->nrows++] = w;
}

/* ---- the whole file ---- */

static int by_key(const void *a, const void *b)
{
    const row *x = a, *y = b;
    int c = strcmp(x->series, y->series);
    if (!c) c = strcmp(x->period, y->period);
    if (!c) c = strcmp(x->level, y->level);
    if (!c) c = strcmp(x->code, y->code);
    if (!c) c = (x->line > y->line) - (x->line < y->line);
    return c;
}

/* A key given twice: the later line is the duplicate of the first. */
static void duplicates(reader *r)
{
    if (r->nrows < 2) return;
    row *sorted = malloc(r->nrows * sizeof *sorted);
    if (!sorted) {
        r->oom = 1;
        return;
    }
    memcpy(sorted, r->rows, r->nrows * sizeof *sorted);
    qsort(sorted, r->nrows, sizeof *sorted, by_key);
    for (size_t i = 1, first = 0; i < r->nrows; i++) {
        row a = sorted[first], b = sorted[i];
        a.line = b.line = 0;
        if (by_key(&a, &b) != 0) {
            first = i;
            continue;
        }
        note(r, sorted[i].line, "code", "each series, period, level and code once in a file",
             "%s %s %s %s is a duplicate of line %ld", sorted[i].series, sorted[i].period,
             sorted[i].level, sorted[i].code, sorted[first].line);
    }
    free(sorted);
}

static int by_line(const void *a, const void *b)
{
    const finding *x = a, *y = b;
    if (x->line != y->line) return (x->line > y->line) - (x->line < y->line);
    return (x->order > y->order) - (x->order < y->order);
}

static void tap(void *ctx, const unsigned char *buf, size_t n)
{
    dsms_checksum_add(ctx, buf, n);
}

/* The header: where each column is (at[c] < 0 when absent); problems noted. */
static void read_header(reader *r, const dsms_csv_row *h, int *at)
{
    for (int c = 0; c < NCOLS; c++) at[c] = -1;
    for (size_t i = 0; i < h->nfields; i++) {
        int c = 0;
        while (c < NCOLS && strcmp(h->field[i], column[c]) != 0) c++;
        if (c == NCOLS)
            note(r, 1, "header", "the columns series, period, level, code, value, numerator, "
                                 "denominator, lower, upper, unit, source, as_at",
                 "'%.64s' is not a column of series values", h->field[i]);
        else if (at[c] >= 0)
            note(r, 1, "header", "each column once", "'%s' is named twice", column[c]);
        else at[c] = (int)i;
    }
    for (int c = 0; c < NREQUIRED; c++)
        if (at[c] < 0)
            note(r, 1, column[c], "a header naming series, period, level, code and value",
                 "missing column");
}

static int read_file(reader *r, int fd, dsms_checksum *sum, long *nrows, dsms_err *err)
{
    dsms_csv *c = dsms_csv_open_fd(fd, tap, sum);
    if (!c) return dsms_err_set(err, "out of memory"), -1;
    dsms_csv_row row;
    int at[NCOLS], got = dsms_csv_next(c, &row), rc = 0;
    if (got != 1) {
        dsms_csv_close(c);
        if (got < 0) {
            dsms_err_set(err, "%s: read error: %s", r->o->file, strerror(errno));
            return -1;
        }
        note(r, 1, "header", "a header naming series, period, level, code and value",
             "the file is empty");
        return 0;
    }
    size_t width = row.nfields;
    if (row.status != DSMS_CSV_OK) {
        note(r, 1, "header", "a header of comma-separated column names", "%s",
             dsms_csv_status_text(row.status));
        dsms_csv_close(c);
        return 0;
    }
    read_header(r, &row, at);
    int header_ok = r->nfound == 0;
    while ((got = dsms_csv_next(c, &row)) == 1 && !r->oom) {
        ++*nrows;
        if (row.status != DSMS_CSV_OK) {
            note(r, row.line, "row", "a well-formed CSV row", "%s",
                 dsms_csv_status_text(row.status));
            continue;
        }
        if (row.nfields != width) {
            note(r, row.line, "row", "as many fields as the header", "%zu field%s, not %zu",
                 row.nfields, row.nfields == 1 ? "" : "s", width);
            continue;
        }
        if (!header_ok) continue;
        const char *v[NCOLS];
        for (int k = 0; k < NCOLS; k++) v[k] = at[k] >= 0 ? row.field[at[k]] : "";
        check_row(r, row.line, v);
    }
    if (got < 0) {
        dsms_err_set(err, "%s: read error: %s", r->o->file, strerror(errno));
        rc = -1;
    }
    dsms_csv_close(c);
    return rc;
}

static int audit(dsms_store *st, const dsms_series_opts *o, const char *source,
                 const dsms_series_result *res, dsms_err *err)
{
    json_t *d = json_pack("{s:s, s:s, s:I, s:I}", "source", source, "file", o->file,
                          "submission", (json_int_t)res->submission, "rows",
                          (json_int_t)res->rows);
    char *s = d ? json_dumps(d, JSON_COMPACT) : NULL;
    json_decref(d);
    int rc = s ? dsms_store_audit(st, o->by ? o->by : "", "series import", s, err)
               : (dsms_err_set(err, "out of memory"), -1);
    free(s);
    return rc;
}

static int store_rows(dsms_store *st, reader *r, const char *sha, dsms_series_result *res,
                      dsms_err *err)
{
    const dsms_series_opts *o = r->o;
    const char *source = o->source && *o->source ? o->source : "published";
    if (dsms_store_begin(st, err)) return -1;
    dsms_submission sub = {0, source, "series", o->file, sha, NULL, o->by ? o->by : "",
                           "importing", 0, 0, 0, 0};
    if (dsms_store_add_submission(st, &sub, err)) goto bad;
    res->submission = sub.id;
    for (size_t i = 0; i < r->nrows; i++) {
        const row *w = &r->rows[i];
        dsms_series_value v = {w->series, w->period,      w->level, w->code,  w->value,
                               w->numerator, w->denominator, w->lower, w->upper, w->unit,
                               w->source, w->as_at,       sub.id,   w->line};
        if (dsms_store_series_put(st, &v, err)) goto bad;
    }
    res->stored = (long)r->nrows;
    sub.status = "accepted";
    sub.rows = res->rows;
    sub.accepted = res->stored;
    if (dsms_store_finish_submission(st, &sub, err) || audit(st, o, source, res, err) ||
        dsms_store_derive(st, err)) /* what is worked out from the series, kept in step */
        goto bad;
    return dsms_store_commit(st, err);
bad:
    dsms_store_rollback(st);
    res->stored = 0;
    res->submission = 0;
    return -1;
}

int dsms_series_import(dsms_store *st, const dsms_refdata *ref, const dsms_series_opts *o,
                       dsms_series_result *res, dsms_err *err)
{
    memset(res, 0, sizeof *res);
    if (sodium_init() < 0) return dsms_err_set(err, "cannot start libsodium"), -1;
    int fd = open(o->file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return dsms_err_set(err, "%s: cannot open: %s", o->file, strerror(errno)), -1;
    reader r = {.o = o, .ref = ref};
    dsms_checksum sum;
    dsms_checksum_init(&sum);
    int rc = read_file(&r, fd, &sum, &res->rows, err);
    close(fd);
    if (!rc && !r.oom) duplicates(&r);
    if (!rc && r.oom) rc = (dsms_err_set(err, "out of memory"), -1);
    if (!rc && r.nfound) {
        qsort(r.found, r.nfound, sizeof *r.found, by_line);
        long last = -1;
        for (size_t i = 0; i < r.nfound; i++) {
            const finding *f = &r.found[i];
            res->refused += f->line > 1 && f->line != last;
            last = f->line;
            if (!o->emit) continue;
            dsms_diag d = {o->file, f->line, "series", "", "series", DSMS_ERROR, "", ""};
            dsms_diag_set_field(&d, f->field);
            snprintf(d.message, sizeof d.message, "%s", f->message);
            snprintf(d.expected, sizeof d.expected, "%s", f->expected);
            o->emit(o->emit_ctx, &d);
        }
        rc = 1;
    }
    if (!rc && o->store) {
        char sha[DSMS_CHECKSUM_HEX];
        dsms_checksum_hex(&sum, sha);
        rc = store_rows(st, &r, sha, res, err);
    }
    free(r.rows);
    free(r.found);
    return rc;
}
