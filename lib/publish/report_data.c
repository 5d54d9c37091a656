/* report_data.c — the results a report reads, read once (report_data.h):
 * each measure's rows for whole places in years, kept sorted for lookup;
 * the report's year chosen as `dsms measures` chooses its default; and the
 * figures shown as the command shows them. */
#include "report_data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/grow.h"
#include "dsms/text.h"

/* A financial year "2024-25", a calendar year "2024", pooled "2022-2024". */
static int is_year(const char *p)
{
    size_t n = strlen(p);
    for (size_t i = 0; i < n; i++)
        if (!(p[i] >= '0' && p[i] <= '9') && !(i == 4 && p[i] == '-')) return 0;
    return n == 4 || n == 7 || n == 9;
}

static int is_financial(const char *p)
{
    return strlen(p) == 7 && is_year(p);
}

static void copy_text(char *dst, size_t n, const char *s)
{
    snprintf(dst, n, "%s", s ? s : "");
}

/* A row as the report shows it: withheld only where the report shows the
 * place as the public sees it (a restricted report shows every figure,
 * whatever public output would hide). */
static void row_from(rp_row *o, const dsms_measure *m, const dsms_result *r, int public)
{
    memset(o, 0, sizeof *o);
    o->m = m;
    copy_text(o->area, sizeof o->area, r->area_code);
    copy_text(o->level, sizeof o->level, r->level);
    copy_text(o->period, sizeof o->period, r->period);
    copy_text(o->breakdown, sizeof o->breakdown, r->breakdown);
    copy_text(o->category, sizeof o->category, r->category);
    o->num = r->numerator, o->den = r->denominator, o->value = r->value;
    o->lo = r->lower95, o->hi = r->upper95;
    copy_text(o->vs_england, sizeof o->vs_england, r->vs_england);
    copy_text(o->vs_comparators, sizeof o->vs_comparators, r->vs_comparators);
    copy_text(o->trend, sizeof o->trend, r->trend);
    o->provisional = r->provisional;
    o->suppressed = public && r->disclosure == DSMS_SUPPRESSED;
    o->incomplete = r->incomplete_history;
}

typedef struct {
    rp_data *d;
    const dsms_measure *m;
    int failed;
} loading;

static void note_year(rp_data *d, const char *p)
{
    if (!is_financial(p)) return;
    size_t i = 0;
    while (i < d->nyears && strcmp(d->years[i], p) < 0) i++;
    if ((i < d->nyears && strcmp(d->years[i], p) == 0) || d->nyears == RP_YEARS) return;
    memmove(d->years[i + 1], d->years[i], (d->nyears - i) * sizeof d->years[0]);
    copy_text(d->years[i], sizeof d->years[i], p);
    d->nyears++;
}

int rp_withheld(const rp_data *d, const char *area)
{
    return d->public || (d->viewer && !dsms_policy_unsuppressed(d->viewer, area));
}

/* Whether the report shows r at all: a row of an organisation is never
 * public, and a viewer sees only those of its own organisations. */
static int shown(const rp_data *d, const dsms_result *r)
{
    if (d->public) return !dsms_level_is_organisation(r->level);
    return !d->viewer || dsms_policy_sees_row(d->viewer, r->level, r->area_code);
}

/* r as the report shows it, into o: for a viewer, a place it may not see
 * unsuppressed as public output shows it (dsms_result_public, exactly as
 * the API shows the viewer that row). 0, or 1 when r is not shown. */
static int shown_row(const rp_data *d, const dsms_measure *m, const dsms_result *r, rp_row *o)
{
    if (!shown(d, r)) return 1;
    dsms_result as_public;
    int withheld = rp_withheld(d, r->area_code);
    if (withheld && !d->public) {
        if (dsms_result_public(r, &as_public) != 1) return 1;
        r = &as_public;
    }
    row_from(o, m, r, withheld);
    return 0;
}

static int take(void *ctx, const dsms_result *r)
{
    loading *l = ctx;
    rp_data *d = l->d;
    if (strcmp(r->category, "all") != 0 || !is_year(r->period)) return 0;
    if (dsms_room_for((void **)&d->rows, &d->cap, d->n, sizeof *d->rows, 1024) != 0) {
        l->failed = 1;
        return -1;
    }
    if (shown_row(d, l->m, r, &d->rows[d->n]) == 0) d->n++;
    note_year(d, r->period);
    return 0;
}

static int read_results(const rp_data *d, const dsms_result_filter *f, dsms_result_fn fn, void *ctx,
                        dsms_err *err)
{
    return d->public ? dsms_each_public_result(d->st, f, fn, ctx, err)
                     : dsms_store_each_result(d->st, f, fn, ctx, err);
}

/* The latest financial year the records reach the end of (31 March of its
 * second calendar year), else the latest. */
static size_t default_year(const rp_data *d)
{
    for (size_t i = d->nyears; i-- > 0;) {
        char ends[24];
        snprintf(ends, sizeof ends, "%04d-03-31", (atoi(d->years[i]) + 1) % 10000);
        if (!*d->data_end || strcmp(ends, d->data_end) <= 0) return i;
    }
    return d->nyears - 1;
}

static int choose_year(rp_data *d, const char *period, dsms_err *err)
{
    if (!d->nyears) {
        dsms_err_set(err, "the store holds no results for a financial year: run dsms compute "
                          "after importing a year's records");
        return -1;
    }
    if (!period) {
        d->year = default_year(d);
    } else {
        size_t i = 0;
        while (i < d->nyears && strcmp(d->years[i], period) != 0) i++;
        if (i == d->nyears) {
            dsms_err_set(err, "--period %s: no results for that financial year; the results "
                              "hold %s to %s",
                         period, d->years[0], d->years[d->nyears - 1]);
            return -1;
        }
        d->year = i;
    }
    for (size_t i = 0; i < d->nyears; i++) {
        int y = atoi(d->years[i]);
        snprintf(d->calendar[i], sizeof d->calendar[i], "%04d", y % 10000);
        snprintf(d->pooled[i], sizeof d->pooled[i], "%04d-%04d", (y - 2) % 10000, y % 10000);
    }
    return 0;
}

static int row_order(const void *a, const void *b)
{
    const rp_row *x = a, *y = b;
    if (x->m != y->m) return x->m < y->m ? -1 : 1;
    int c = strcmp(x->area, y->area);
    return c ? c : strcmp(x->period, y->period);
}

static void as_at(rp_data *d, dsms_err *err)
{
    char when[40] = "";
    int64_t id;
    if (dsms_store_computed_at(d->st, &id, when, sizeof when, err) == 1) when[10] = 0;
    snprintf(d->as_at, sizeof d->as_at, "%s%s%s%s", *when ? "results computed " : "", when,
             *d->data_end ? (*when ? "; records to " : "records to ") : "", d->data_end);
}

int rp_load(rp_data *d, dsms_store *st, const dsms_refdata *ref, const char *period, int public,
            const dsms_principal *viewer, dsms_err *err)
{
    memset(d, 0, sizeof *d);
    d->st = st, d->ref = ref, d->public = public;
    if (viewer && !public) {
        d->viewer_is = *viewer;
        d->viewer = &d->viewer_is;
    }
    if (dsms_store_meta_get(st, DSMS_META_DATA_END, d->data_end, sizeof d->data_end, err) < 0)
        return -1;
    for (size_t i = 0; i < dsms_measure_count(); i++) {
        loading l = {d, dsms_measure_at(i), 0};
        dsms_result_filter f = {.measure = l.m->id, .breakdown = "all"};
        if (read_results(d, &f, take, &l, err) != 0) {
            if (l.failed) dsms_err_set(err, "out of memory reading the results");
            rp_free(d);
            return -1;
        }
    }
    if (choose_year(d, period, err) != 0) {
        rp_free(d);
        return -1;
    }
    qsort(d->rows, d->n, sizeof *d->rows, row_order);
    as_at(d, err);
    return 0;
}

/* ---- a viewer's reading, from the public's ---- */

typedef struct {
    rp_data *d;
    size_t public_rows; /* rows [0, public_rows) are the public's, sorted */
    int failed;
} overlay;

/* A row of the viewer's own: in place of the public's row of the same
 * measure, place and period, or added. */
static int take_own(void *ctx, const dsms_result *r)
{
    overlay *o = ctx;
    rp_data *d = o->d;
    if (strcmp(r->category, "all") != 0 || !is_year(r->period)) return 0;
    const dsms_measure *m = dsms_measure_find(r->measure);
    if (!m) return 0;
    rp_row row;
    if (shown_row(d, m, r, &row) != 0) return 0;
    rp_row *same = bsearch(&row, d->rows, o->public_rows, sizeof *d->rows, row_order);
    if (same) {
        *same = row;
        return 0;
    }
    if (dsms_room_for((void **)&d->rows, &d->cap, d->n, sizeof *d->rows, 1024) != 0) {
        o->failed = 1;
        return -1;
    }
    d->rows[d->n++] = row;
    return 0;
}

int rp_load_for(rp_data *d, const rp_data *public_data, dsms_store *st,
                const dsms_principal *viewer, dsms_err *err)
{
    *d = *public_data;
    d->st = st;
    d->public = 0;
    d->viewer_is = *viewer;
    d->viewer = &d->viewer_is;
    d->cap = d->n ? d->n : 1;
    d->rows = malloc(d->cap * sizeof *d->rows);
    if (!d->rows) {
        dsms_err_set(err, "out of memory reading the results");
        return -1;
    }
    memcpy(d->rows, public_data->rows, d->n * sizeof *d->rows);
    overlay o = {d, d->n, 0};
    /* the viewer's own places and organisations, as stored: the only rows
     * it sees otherwise than the public does (dsms_policy_unsuppressed) */
    for (size_t i = 0; i < viewer->nscope && i < DSMS_SCOPE_MAX; i++) {
        dsms_result_filter f = {.area_code = viewer->scope[i], .breakdown = "all"};
        if (dsms_store_each_result(st, &f, take_own, &o, err) != 0) {
            if (o.failed) dsms_err_set(err, "out of memory reading the results");
            rp_free(d);
            return -1;
        }
    }
    qsort(d->rows, d->n, sizeof *d->rows, row_order);
    return 0;
}

void rp_free(rp_data *d)
{
    free(d->rows);
    memset(d, 0, sizeof *d);
}

/* ---- lookup ---- */

static int calendar_measure(const dsms_measure *m)
{
    return m->kind == DSMS_KIND_DSR;
}

const char *rp_period(const rp_data *d, const dsms_measure *m, const char *level, size_t y)
{
    if (!calendar_measure(m)) return d->years[y];
    return level && strcmp(level, "area") == 0 ? d->pooled[y] : d->calendar[y];
}

const rp_row *rp_find(const rp_data *d, const dsms_measure *m, const char *area,
                      const char *period)
{
    if (!period) period = rp_period(d, m, rp_level_of(d, area), d->year);
    rp_row key;
    key.m = m;
    copy_text(key.area, sizeof key.area, area);
    copy_text(key.period, sizeof key.period, period);
    return bsearch(&key, d->rows, d->n, sizeof *d->rows, row_order);
}

typedef struct {
    const rp_data *d;
    const dsms_measure *m;
    int (*fn)(void *ctx, const rp_row *r);
    void *ctx;
} each_ctx;

static int each_one(void *ctx, const dsms_result *r)
{
    each_ctx *e = ctx;
    if (strcmp(r->breakdown, "all") == 0) return 0;
    rp_row row;
    if (shown_row(e->d, e->m, r, &row) != 0) return 0;
    return e->fn(e->ctx, &row);
}

int rp_each_breakdown(const rp_data *d, const dsms_measure *m, const char *area,
                      const char *period, int (*fn)(void *ctx, const rp_row *r), void *ctx,
                      dsms_err *err)
{
    each_ctx e = {d, m, fn, ctx};
    dsms_result_filter f = {.measure = m->id, .area_code = area, .period = period};
    return read_results(d, &f, each_one, &e, err);
}

const char *rp_place_name(const rp_data *d, const char *code)
{
    if (strcmp(code, "england") == 0 || strcmp(code, "E92000001") == 0) return "England";
    int a = dsms_refdata_area(d->ref, code);
    if (a >= 0) return d->ref->areas[a].name;
    for (size_t i = 0; i < d->ref->nregions; i++)
        if (strcmp(d->ref->regions[i].code, code) == 0) return d->ref->regions[i].name;
    for (size_t i = 0; i < d->ref->nproviders; i++)
        if (strcmp(d->ref->providers[i].code, code) == 0) return d->ref->providers[i].name;
    return "";
}

const char *rp_level_of(const rp_data *d, const char *code)
{
    if (dsms_refdata_area(d->ref, code) >= 0) return "area";
    for (size_t i = 0; i < d->ref->nregions; i++)
        if (strcmp(d->ref->regions[i].code, code) == 0) return "region";
    return "england";
}

/* ---- figures ---- */

int rp_digits(const dsms_measure *m)
{
    return m->kind == DSMS_KIND_COUNT ? 0 : 1;
}

void rp_cell(dsms_report_cell *c, const rp_row *r, double x, int digits)
{
    if (!c) return;
    if (r && r->suppressed && isnan(x)) c->kind = DSMS_CELL_SUPPRESSED;
    else dsms_report_cell_number(c, x, digits);
}

dsms_bench rp_bench(const rp_row *r)
{
    return dsms_bench_of(*r->vs_england ? r->vs_england : NULL, r->suppressed);
}

void rp_key(const rp_row *r, char *buf, size_t n)
{
    snprintf(buf, n, "%s|%s|%s|%s|%s", r->m->id, r->area, r->period,
             *r->breakdown ? r->breakdown : "all", *r->category ? r->category : "all");
}

void rp_show(char *buf, size_t n, double x, int digits)
{
    char plain[64];
    if (isnan(x)) {
        snprintf(buf, n, "-");
        return;
    }
    snprintf(plain, sizeof plain, "%.*f", digits, x);
    /* commas between the thousands of the whole part, from 10,000 up */
    const char *dot = strchr(plain, '.');
    size_t whole = dot ? (size_t)(dot - plain) : strlen(plain), sign = plain[0] == '-';
    size_t o = 0;
    for (size_t i = 0; i < strlen(plain) && o + 2 < n; i++) {
        size_t left = whole - i; /* digits of the whole part from here on */
        if (i > sign && i < whole && left % 3 == 0 && whole - sign > 4) buf[o++] = ',';
        buf[o++] = plain[i];
    }
    buf[o] = 0;
}
