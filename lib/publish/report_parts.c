/* report_parts.c — the parts reports share (report_parts.h): tables of a
 * place's measures, its spine chart and trends, regions' bars and areas'
 * funnels, a framework's statuses, the quality of the submissions, and the
 * notes. Figures are those of the results as read (report_data.c), shown to
 * the decimal places the command shows them to. */
#include "report_parts.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/grow.h"
#include "dsms/stats.h"

/* ---- measures against England ---- */

static const char *england_code = "E92000001";

static const char *comparison_word(const char *w)
{
    return w && *w ? w : "-";
}

dsms_report_cell *rp_measure_row(dsms_report *r, dsms_report_table *t, const rp_row *row)
{
    char key[160], title[300];
    rp_key(row, key, sizeof key);
    dsms_report_cell *c = dsms_report_row(r, t, key);
    if (!c) return NULL;
    snprintf(title, sizeof title, "%s (%s)", row->m->title, row->m->unit);
    dsms_report_cell_text(r, &c[0], title);
    snprintf(title, sizeof title, "/measure/%s", row->m->id);
    dsms_report_cell_link(r, &c[0], title);
    return c;
}

void rp_measures_table(dsms_report *r, dsms_report_section *s, const rp_data *d,
                       const char *area, const char *domain, const char *caption)
{
    int is_england = strcmp(area, england_code) == 0;
    static const char *const heads[] = {"Measure", "Period", "Value", "Lower 95%", "Upper 95%",
                                        "Count", "Of", "England", "vs England",
                                        "vs similar areas", "Trend"};
    /* each measure's unit is in its name */
    size_t ncols = is_england ? 7 : 11;
    dsms_report_table *t = dsms_report_table_add(r, s, caption, ncols, heads, NULL);
    if (!t) return;
    for (size_t i = 0; i < dsms_measure_count(); i++) {
        const dsms_measure *m = dsms_measure_at(i);
        if (domain && strcmp(m->domain, domain) != 0) continue;
        const rp_row *row = rp_find(d, m, area, NULL);
        if (!row) continue;
        dsms_report_cell *c = rp_measure_row(r, t, row);
        if (!c) return;
        dsms_report_cell_text(r, &c[1], row->period);
        int dg = rp_digits(m);
        rp_cell(&c[2], row, row->value, dg);
        c[2].bench = is_england ? DSMS_BENCH_NONE : rp_bench(row);
        rp_cell(&c[3], row, row->lo, dg);
        rp_cell(&c[4], row, row->hi, dg);
        rp_cell(&c[5], row, row->num, 0);
        rp_cell(&c[6], row, row->den, m->kind == DSMS_KIND_RATIO ? 1 : 0);
        if (m->kind == DSMS_KIND_COUNT || m->kind == DSMS_KIND_MEDIAN)
            c[6].kind = DSMS_CELL_NONE;
        if (is_england) continue;
        const rp_row *eng = rp_find(d, m, england_code, rp_period(d, m, "england", d->year));
        if (eng) rp_cell(&c[7], eng, eng->value, dg);
        dsms_report_cell_text(r, &c[8], row->suppressed ? "*" : comparison_word(row->vs_england));
        dsms_report_cell_text(r, &c[9],
                              row->suppressed ? "*" : comparison_word(row->vs_comparators));
        dsms_report_cell_text(r, &c[10], row->suppressed ? "*" : comparison_word(row->trend));
    }
}

/* ---- charts ---- */

/* The chart d laid out by a chart function (rc its return): into the
 * section, else a note that there was nothing to draw. */
void rp_place_chart(dsms_report *r, dsms_report_section *s, dsms_drawing *dr, int rc,
                    const char *what)
{
    if (rc == 0 && !dr->oom) {
        dsms_report_chart(r, s, dr);
        return;
    }
    dsms_drawing_free(dr);
    dsms_report_text(r, s, DSMS_BLOCK_NOTE, "%s: no figures to draw.", what);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile(const double *v, size_t n, double q)
{
    double at = q * (double)(n - 1);
    size_t i = (size_t)at;
    return i + 1 < n ? v[i] + (at - (double)i) * (v[i + 1] - v[i]) : v[n - 1];
}

/* The values of m for every area in its report period, sorted: n of them. */
static double *area_values(const rp_data *d, const dsms_measure *m, size_t *n)
{
    double *v = malloc((d->ref->nareas ? d->ref->nareas : 1) * sizeof *v);
    *n = 0;
    if (!v) return NULL;
    const char *period = rp_period(d, m, "area", d->year);
    for (size_t i = 0; i < d->ref->nareas; i++) {
        const rp_row *row = rp_find(d, m, d->ref->areas[i].code, period);
        if (row && !isnan(row->value)) v[(*n)++] = row->value;
    }
    qsort(v, *n, sizeof *v, by_value);
    return v;
}

static int spine_measure(const dsms_measure *m)
{
    return m->kind != DSMS_KIND_COUNT && m->kind != DSMS_KIND_MEDIAN;
}

void rp_spine(dsms_report *r, dsms_report_section *s, const rp_data *d, const char *area)
{
    size_t nm = dsms_measure_count(), n = 0;
    dsms_spine_row *rows = calloc(nm, sizeof *rows);
    char (*labels)[128] = calloc(nm, sizeof *labels);
    if (!rows || !labels) {
        free(rows), free(labels);
        r->oom = 1;
        return;
    }
    for (size_t i = 0; i < nm; i++) {
        const dsms_measure *m = dsms_measure_at(i);
        const rp_row *row = spine_measure(m) ? rp_find(d, m, area, NULL) : NULL;
        const rp_row *eng = row ? rp_find(d, m, england_code,
                                          rp_period(d, m, "england", d->year))
                                : NULL;
        size_t k;
        double *v = eng ? area_values(d, m, &k) : NULL;
        if (v && k >= 2) {
            int low_good = m->polarity == DSMS_POLARITY_LOW_GOOD;
            snprintf(labels[n], sizeof labels[n], "%s", m->title);
            rows[n] = (dsms_spine_row){labels[n],
                                       m->unit,
                                       row->value,
                                       eng->value,
                                       low_good ? v[k - 1] : v[0],
                                       quantile(v, k, low_good ? 0.75 : 0.25),
                                       quantile(v, k, low_good ? 0.25 : 0.75),
                                       low_good ? v[0] : v[k - 1],
                                       rp_bench(row)};
            n++;
        }
        free(v);
    }
    char title[320];
    snprintf(title, sizeof title, "%s against England's areas, %s", rp_place_name(d, area),
             d->years[d->year]);
    dsms_spine_chart c = {title, rp_place_name(d, area), rows, n};
    dsms_drawing dr = {0};
    dsms_err err;
    /* wider than the others, for the measures' names */
    rp_place_chart(r, s, &dr, n ? dsms_chart_spine(&c, RP_CHART_WIDTH * 4 / 3, &dr, &err) : -1,
                "Spine chart");
    free(rows);
    free(labels);
}

/* A trend panel of m for area over the years to the report's: arrays of
 * n = year + 1 values owned by the caller (value, lower, upper, bench). */
typedef struct {
    const char *periods[RP_YEARS];
    double value[RP_YEARS], lower[RP_YEARS], upper[RP_YEARS];
    dsms_bench bench[RP_YEARS];
    char title[320];
} trend_data;

static size_t trend_fill(const rp_data *d, const dsms_measure *m, const char *area,
                         trend_data *t)
{
    size_t n = d->year + 1, any = 0;
    const char *level = rp_level_of(d, area);
    for (size_t y = 0; y < n; y++) {
        t->periods[y] = d->years[y];
        const rp_row *row = rp_find(d, m, area, rp_period(d, m, level, y));
        t->value[y] = row ? row->value : NAN;
        t->lower[y] = row ? row->lo : NAN;
        t->upper[y] = row ? row->hi : NAN;
        t->bench[y] = row ? (row->suppressed ? DSMS_BENCH_SUPPRESSED
                             : strcmp(area, england_code) == 0 ? DSMS_BENCH_NONE
                                                               : rp_bench(row))
                          : DSMS_BENCH_NONE;
        any += row && !isnan(row->value);
    }
    snprintf(t->title, sizeof t->title, "%s", m->title);
    return any ? n : 0;
}

void rp_trend(dsms_report *r, dsms_report_section *s, const rp_data *d, const dsms_measure *m,
              const char *area, const double *trajectory)
{
    trend_data t;
    size_t n = trend_fill(d, m, area, &t);
    snprintf(t.title, sizeof t.title, "%s, %s", m->title, rp_place_name(d, area));
    dsms_trend_chart c = {t.title, m->unit, t.periods, t.value, t.lower, t.upper,
                          trajectory, t.bench, n};
    dsms_drawing dr = {0};
    dsms_err err;
    rp_place_chart(r, s, &dr, n ? dsms_chart_trend(&c, RP_CHART_WIDTH, &dr, &err) : -1, m->title);
}

void rp_multiples(dsms_report *r, dsms_report_section *s, const rp_data *d, const char *area)
{
    size_t nm = dsms_measure_count(), n = 0;
    trend_data *td = calloc(nm, sizeof *td);
    dsms_trend_chart *panels = calloc(nm, sizeof *panels);
    if (!td || !panels) {
        free(td), free(panels);
        r->oom = 1;
        return;
    }
    for (size_t i = 0; i < nm; i++) {
        const dsms_measure *m = dsms_measure_at(i);
        if (!m->headline) continue;
        size_t k = trend_fill(d, m, area, &td[n]);
        if (!k) continue;
        panels[n] = (dsms_trend_chart){td[n].title, m->unit,     td[n].periods, td[n].value,
                                       td[n].lower, td[n].upper, NULL,          td[n].bench,
                                       k};
        n++;
    }
    char title[320];
    snprintf(title, sizeof title, "Headline measures over time, %s", rp_place_name(d, area));
    dsms_multiples_chart c = {title, panels, n, 2};
    dsms_drawing dr = {0};
    dsms_err err;
    rp_place_chart(r, s, &dr, n ? dsms_chart_multiples(&c, RP_CHART_WIDTH, &dr, &err) : -1,
                "Trends");
    free(td);
    free(panels);
}

void rp_region_bars(dsms_report *r, dsms_report_section *s, const rp_data *d,
                    const dsms_measure *m)
{
    size_t nr = d->ref->nregions, n = 0;
    dsms_bar *bars = calloc(nr ? nr : 1, sizeof *bars);
    if (!bars) {
        r->oom = 1;
        return;
    }
    const char *period = rp_period(d, m, "region", d->year);
    for (size_t i = 0; i < nr; i++) {
        const rp_row *row = rp_find(d, m, d->ref->regions[i].code, period);
        if (!row) continue;
        bars[n++] = (dsms_bar){d->ref->regions[i].name, row->value, row->lo, row->hi,
                               row->suppressed ? DSMS_BENCH_SUPPRESSED : rp_bench(row)};
    }
    const rp_row *eng = rp_find(d, m, england_code, rp_period(d, m, "england", d->year));
    char title[300];
    snprintf(title, sizeof title, "%s by region, %s", m->title, period);
    dsms_bar_chart c = {title, m->unit, bars, n, eng ? eng->value : NAN};
    dsms_drawing dr = {0};
    dsms_err err;
    rp_place_chart(r, s, &dr, n ? dsms_chart_bars(&c, RP_CHART_WIDTH, &dr, &err) : -1, m->title);
    free(bars);
}

/* ---- funnel ---- */

typedef struct {
    double *x, *y, *lx, *lo95, *hi95, *lo998, *hi998;
    dsms_bench *bench;
    const char **labels;
} funnel_arrays;

enum { FUNNEL_STEPS = 60, FUNNEL_NAMED = 12 /* outside areas named, the rest counted */ };

static int funnel_limits(const dsms_measure *m, double centre, double x, double conf,
                         double *lo, double *hi)
{
    if (m->kind == DSMS_KIND_PROPORTION) {
        if (dsms_funnel_proportion(centre / 100, x, conf, lo, hi) != 0) return -1;
        *lo *= 100, *hi *= 100;
        return 0;
    }
    /* a ratio against 100 (indirect standardisation), or a rate: the count
     * expected at x, its Poisson limits over x */
    double rate = m->kind == DSMS_KIND_RATIO ? 1 : centre / m->multiplier;
    if (dsms_funnel_rate(rate, x, conf, lo, hi) != 0) return -1;
    double scale = m->kind == DSMS_KIND_RATIO ? 100 : m->multiplier;
    *lo *= scale, *hi *= scale;
    return 0;
}

static void funnel_outliers(dsms_report *r, dsms_report_section *s, const rp_data *d,
                            const dsms_measure *m, const char *period, double centre)
{
    char low[1200] = "", high[1200] = "";
    size_t nlow = 0, nhigh = 0;
    for (size_t i = 0; i < d->ref->nareas; i++) {
        const rp_row *row = rp_find(d, m, d->ref->areas[i].code, period);
        double lo, hi;
        if (!row || isnan(row->value) || !(row->den > 0) ||
            funnel_limits(m, centre, row->den, 0.998, &lo, &hi) != 0)
            continue;
        char *into = row->value < lo ? low : row->value > hi ? high : NULL;
        size_t *count = into == low ? &nlow : &nhigh;
        if (!into) continue;
        size_t used = strlen(into);
        if (*count < FUNNEL_NAMED)
            snprintf(into + used, sizeof low - used, "%s%s (%.1f)", *count ? ", " : "",
                     d->ref->areas[i].name, row->value);
        (*count)++;
    }
    const char *below = m->polarity == DSMS_POLARITY_LOW_GOOD ? "better" : "worse";
    const char *above = m->polarity == DSMS_POLARITY_LOW_GOOD ? "worse" : "better";
    if (m->polarity == DSMS_POLARITY_NONE) below = "lower", above = "higher";
    dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH,
                     "Outside the 99.8%% limits: %zu %s below (%s) and %zu %s above (%s).",
                     nlow, nlow == 1 ? "area" : "areas", below, nhigh,
                     nhigh == 1 ? "area" : "areas", above);
    const char *const side[] = {"Below", "Above"};
    const char *names[] = {low, high};
    size_t count[] = {nlow, nhigh};
    for (int k = 0; k < 2; k++) {
        if (count[k] > FUNNEL_NAMED)
            dsms_report_text(r, s, DSMS_BLOCK_BULLET, "%s: %s and %zu more.", side[k], names[k],
                             count[k] - FUNNEL_NAMED);
        else if (count[k])
            dsms_report_text(r, s, DSMS_BLOCK_BULLET, "%s: %s.", side[k], names[k]);
    }
}

void rp_funnel(dsms_report *r, dsms_report_section *s, const rp_data *d, const dsms_measure *m)
{
    size_t na = d->ref->nareas, n = 0;
    const char *period = rp_period(d, m, "area", d->year);
    const rp_row *eng = rp_find(d, m, england_code, rp_period(d, m, "england", d->year));
    double centre = m->kind == DSMS_KIND_RATIO ? 100 : eng ? eng->value : NAN;
    funnel_arrays a = {0};
    size_t cap = na ? na : 1;
    a.x = calloc(cap, sizeof *a.x), a.y = calloc(cap, sizeof *a.y);
    a.bench = calloc(cap, sizeof *a.bench), a.labels = calloc(cap, sizeof *a.labels);
    a.lx = calloc(FUNNEL_STEPS, sizeof *a.lx), a.lo95 = calloc(FUNNEL_STEPS, sizeof *a.lo95);
    a.hi95 = calloc(FUNNEL_STEPS, sizeof *a.hi95);
    a.lo998 = calloc(FUNNEL_STEPS, sizeof *a.lo998);
    a.hi998 = calloc(FUNNEL_STEPS, sizeof *a.hi998);
    double xmax = 0, xmin = INFINITY;
    if (a.x && a.y && a.bench && a.labels && a.lx && a.lo95 && a.hi95 && a.lo998 && a.hi998 &&
        !isnan(centre)) {
        for (size_t i = 0; i < na; i++) {
            const rp_row *row = rp_find(d, m, d->ref->areas[i].code, period);
            if (!row || isnan(row->value) || !(row->den > 0)) continue;
            a.x[n] = row->den, a.y[n] = row->value, a.bench[n] = rp_bench(row);
            a.labels[n] = d->ref->areas[i].name;
            xmax = fmax(xmax, row->den), xmin = fmin(xmin, row->den);
            n++;
        }
    } else if (!isnan(centre)) {
        r->oom = 1;
    }
    /* the limits over the places' span only: at a denominator far smaller
     * than any place's they open so wide that the places would be lost */
    size_t nl = 0;
    double x0 = fmax(1, xmin * 0.8), x1 = xmax * 1.05;
    for (size_t k = 0; n && k < FUNNEL_STEPS; k++) {
        double x = x0 + (x1 - x0) * (double)k / (FUNNEL_STEPS - 1);
        if (funnel_limits(m, centre, x, 0.95, &a.lo95[nl], &a.hi95[nl]) != 0 ||
            funnel_limits(m, centre, x, 0.998, &a.lo998[nl], &a.hi998[nl]) != 0)
            continue;
        a.lx[nl++] = x;
    }
    char title[300];
    snprintf(title, sizeof title, "%s: areas, %s", m->title, period);
    dsms_funnel_chart c = {title,
                           m->unit,
                           m->kind == DSMS_KIND_RATIO ? "expected" : "denominator",
                           a.x,
                           a.y,
                           a.bench,
                           a.labels,
                           n,
                           centre,
                           a.lx,
                           a.lo95,
                           a.hi95,
                           a.lo998,
                           a.hi998,
                           nl};
    dsms_drawing dr = {0};
    dsms_err err;
    rp_place_chart(r, s, &dr, n && nl ? dsms_chart_funnel(&c, RP_CHART_WIDTH, &dr, &err) : -1,
                m->title);
    if (n && nl) funnel_outliers(r, s, d, m, period, centre);
    free(a.x), free(a.y), free(a.bench), free(a.labels), free(a.lx);
    free(a.lo95), free(a.hi95), free(a.lo998), free(a.hi998);
}

void rp_movement(const rp_data *d, const dsms_measure *m, const char *area, char *buf,
                 size_t n)
{
    buf[0] = 0;
    if (d->year == 0) return;
    const char *level = rp_level_of(d, area);
    const rp_row *now = rp_find(d, m, area, rp_period(d, m, level, d->year));
    const rp_row *before = rp_find(d, m, area, rp_period(d, m, level, d->year - 1));
    if (!now || !before || isnan(now->value) || isnan(before->value)) return;
    int dg = rp_digits(m);
    char a[32], b[32];
    rp_show(a, sizeof a, before->value, dg);
    rp_show(b, sizeof b, now->value, dg);
    /* a percentage's sign with each figure; a rate's unit once, at the end */
    int percent = strcmp(m->unit, "%") == 0;
    int named = !percent && m->kind != DSMS_KIND_COUNT;
    char unit[80];
    snprintf(unit, sizeof unit, "%s%s", named ? " " : "", named ? m->unit : "");
    const char *sign = percent ? "%" : "";
    if (strcmp(a, b) == 0)
        snprintf(buf, n, "was unchanged at %s%s%s in %s", b, sign, unit, now->period);
    else
        snprintf(buf, n, "%s from %s%s in %s to %s%s%s in %s",
                 now->value > before->value ? "rose" : "fell", a, sign, before->period, b, sign,
                 unit, now->period);
}

/* ---- a framework ---- */

/* One metric's status as a row. withheld: a public report's status drawn
 * from a figure disclosure control withholds, shown as the API shows it to
 * the public: every figure withheld, and why. */
static void framework_row(dsms_report *r, dsms_report_table *t, const dsms_metric_status *st,
                          const char *fw_id, const char *area, int withheld)
{
    const dsms_metric *m = st->metric;
    const dsms_standing *g = &st->standing;
    char key[200];
    snprintf(key, sizeof key, "%s|%s|%s|%s", fw_id, area, m->id, st->period);
    dsms_report_cell *c = dsms_report_row(r, t, key);
    if (!c) return;
    dsms_report_cell_text(r, &c[0], m->name);
    dsms_report_cell_text(r, &c[1], st->period[0] ? st->period : "-");
    double figures[] = {st->value, st->lower95, st->upper95, st->baseline, g->target,
                        g->trajectory};
    for (size_t i = 0; i < 6; i++) {
        size_t col = i < 4 ? i + 2 : i + 2 + 1;
        if (withheld) c[col].kind = DSMS_CELL_SUPPRESSED;
        else dsms_report_cell_number(&c[col], figures[i], dsms_metric_digits(figures[i]));
    }
    dsms_report_cell_text(r, &c[6], m->has_target ? m->due : "-");
    if (withheld) c[9].kind = DSMS_CELL_SUPPRESSED;
    else dsms_report_cell_number(&c[9], g->gap_people, 0);
    dsms_report_cell_text(r, &c[10], withheld ? "-" : dsms_metric_travel(st->trend));
    dsms_report_cell_text(r, &c[11], withheld ? "withheld by disclosure control"
                                              : dsms_metric_status_text(st));
    if (withheld) return;
    c[11].bench = g->status == DSMS_STATUS_ACHIEVED || g->status == DSMS_STATUS_ON_TRACK
                      ? DSMS_BENCH_BETTER
                  : g->status == DSMS_STATUS_OFF_TRACK ? DSMS_BENCH_WORSE
                                                       : DSMS_BENCH_NONE;
}

/* Each metric's stored status in each year to the report's (a financial
 * year, else the calendar year it begins in): its figures by year. */
typedef struct {
    char period[RP_YEARS][DSMS_PERIOD_LEN];
    const char *periods[RP_YEARS];
    double value[RP_YEARS], lower[RP_YEARS], upper[RP_YEARS], trajectory[RP_YEARS];
    dsms_bench bench[RP_YEARS];
    size_t figures;
} metric_history;

static void history_take(metric_history *h, size_t y, const dsms_metric_status *st,
                         int public)
{
    if (!st->period[0] || h->period[y][0]) return;
    int withheld = public && st->suppressed; /* public: the place is shown as to the public */
    snprintf(h->period[y], sizeof h->period[y], "%s", st->period);
    h->value[y] = withheld ? NAN : st->value;
    h->lower[y] = withheld ? NAN : st->lower95, h->upper[y] = withheld ? NAN : st->upper95;
    h->trajectory[y] = withheld ? NAN : st->standing.trajectory;
    h->bench[y] = withheld ? DSMS_BENCH_SUPPRESSED : DSMS_BENCH_NONE;
    h->figures += withheld || !isnan(st->value);
}

static int metric_histories(const rp_data *d, const dsms_framework *fw, const char *area,
                            metric_history *h, dsms_err *err)
{
    dsms_metric_status *s = calloc(fw->nmetrics, sizeof *s);
    char(*why)[DSMS_FW_TEXT] = calloc(fw->nmetrics, sizeof *why);
    int rc = s && why ? 0 : -1;
    if (rc) dsms_err_set(err, "out of memory reading a framework's statuses");
    for (size_t i = 0; i < fw->nmetrics; i++)
        for (size_t y = 0; y < RP_YEARS; y++)
            h[i].value[y] = h[i].lower[y] = h[i].upper[y] = h[i].trajectory[y] = NAN;
    for (size_t y = 0; rc == 0 && y <= d->year; y++) {
        char calendar[DSMS_PERIOD_LEN];
        snprintf(calendar, sizeof calendar, "%.4s", d->years[y]);
        const char *labels[] = {d->years[y], calendar};
        for (size_t k = 0; rc == 0 && k < 2; k++) {
            rc = dsms_framework_stored(d->st, fw, area, labels[k], s, why, err);
            for (size_t i = 0; rc == 0 && i < fw->nmetrics; i++)
                history_take(&h[i], y, &s[i], rp_withheld(d, area));
        }
        for (size_t i = 0; i < fw->nmetrics; i++)
            h[i].periods[y] = h[i].period[y][0] ? h[i].period[y] : d->years[y];
    }
    free(s);
    free(why);
    return rc;
}

static const char *metric_unit(const rp_data *d, const dsms_metric *mt)
{
    const dsms_measure *m =
        mt->source == DSMS_FROM_MEASURE ? dsms_measure_find(mt->from) : NULL;
    int k = mt->source == DSMS_FROM_SERIES ? dsms_refdata_series(d->ref, mt->from) : -1;
    return m ? m->unit : k >= 0 ? d->ref->series[k].unit : "";
}

enum { PANELS = 6 }; /* small multiples a chart: three rows of two */

/* Each metric with a target as a trend with its trajectory; the others
 * with a figure as small multiples, six to a chart. */
static void framework_charts(dsms_report *r, dsms_report_section *s, const rp_data *d,
                             const dsms_framework *fw, const char *area, dsms_err *err)
{
    metric_history *h = calloc(fw->nmetrics ? fw->nmetrics : 1, sizeof *h);
    dsms_trend_chart *panels = calloc(fw->nmetrics ? fw->nmetrics : 1, sizeof *panels);
    size_t n = d->year + 1, np = 0;
    if (!h || !panels || metric_histories(d, fw, area, h, err) != 0) {
        if (!h || !panels) r->oom = 1;
        free(h), free(panels);
        return;
    }
    for (size_t i = 0; i < fw->nmetrics; i++) {
        const dsms_metric *mt = &fw->metrics[i];
        dsms_trend_chart c = {mt->name,    metric_unit(d, mt), h[i].periods, h[i].value,
                              h[i].lower,  h[i].upper,        NULL,          h[i].bench, n};
        if (!h[i].figures) continue;
        if (!mt->has_target) {
            panels[np++] = c;
            continue;
        }
        c.trajectory = h[i].trajectory;
        dsms_drawing dr = {0};
        dsms_err why;
        rp_place_chart(r, s, &dr, dsms_chart_trend(&c, RP_CHART_WIDTH, &dr, &why), mt->name);
    }
    for (size_t first = 0; first < np; first += PANELS) {
        size_t k = np - first < PANELS ? np - first : PANELS;
        char title[320];
        snprintf(title, sizeof title, "The metrics with no target, %s (%zu to %zu of %zu)",
                 rp_place_name(d, area), first + 1, first + k, np);
        dsms_multiples_chart c = {title, panels + first, k, 2};
        dsms_drawing dr = {0};
        dsms_err why;
        rp_place_chart(r, s, &dr, dsms_chart_multiples(&c, RP_CHART_WIDTH, &dr, &why), title);
    }
    free(h);
    free(panels);
}

int rp_framework(dsms_report *r, dsms_report_section *s, const rp_data *d, const char *fw_id,
                 const char *area, int charts, size_t *counts, dsms_err *err)
{
    dsms_framework fw;
    int found = dsms_framework_fetch(d->st, fw_id, &fw, err);
    if (found < 0) return -1;
    if (!found) {
        dsms_err_set(err, "--framework %s: no such framework is loaded (dsms framework list "
                          "lists those that are; dsms framework load FILE loads one)",
                     fw_id);
        return -1;
    }
    dsms_metric_status *st = calloc(fw.nmetrics ? fw.nmetrics : 1, sizeof *st);
    char(*why)[DSMS_FW_TEXT] = calloc(fw.nmetrics ? fw.nmetrics : 1, sizeof *why);
    int latest = d->year + 1 == d->nyears;
    int rc = st && why ? 0 : -1;
    if (rc) dsms_err_set(err, "out of memory reading a framework's statuses");
    dsms_err quiet;
    if (rc == 0 && dsms_framework_stored(d->st, &fw, area, latest ? NULL : d->years[d->year],
                                         st, why, &quiet) != 0) {
        dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH, "%s has no statuses for %s: %s.", fw.name,
                         rp_place_name(d, area), quiet.msg);
        rc = 1;
    }
    if (rc == 0) {
        static const char *const heads[] = {"Metric",   "Period",     "Value",   "Lower 95%",
                                            "Upper 95%", "Baseline", "Due",     "Target",
                                            "Trajectory", "Gap",     "Trend",   "Status"};
        static const char *const units[] = {NULL, NULL, "", "", "", "", NULL, "", "",
                                            "people", NULL, NULL};
        char caption[600];
        snprintf(caption, sizeof caption, "%s: %s, %s", fw.id, fw.name, rp_place_name(d, area));
        dsms_report_table *t = dsms_report_table_add(r, s, caption, 12, heads, units);
        for (size_t i = 0; t && i < fw.nmetrics; i++) {
            int withheld = rp_withheld(d, area) && st[i].suppressed;
            framework_row(r, t, &st[i], fw.id, area, withheld);
            if (counts) counts[withheld ? DSMS_STATUS_NOT_ASSESSABLE : st[i].standing.status]++;
        }
        dsms_report_text(r, s, DSMS_BLOCK_NOTE,
                         "Each metric's figure is for its latest period with one; figures from "
                         "100 up are shown whole, the rest to one decimal. Gap: the people "
                         "short of the trajectory.");
        if (charts) framework_charts(r, s, d, &fw, area, err);
    }
    free(st);
    free(why);
    dsms_framework_free(&fw);
    return rc;
}

/* ---- the quality of the submissions ---- */

typedef struct {
    char name[96];
    long count;
    char example[200];
} tally;

typedef struct {
    tally *t;
    size_t n, cap;
    int failed;
} tallies;

static void tally_add(tallies *ts, const char *name, long k, const char *example)
{
    for (size_t i = 0; i < ts->n; i++)
        if (strcmp(ts->t[i].name, name) == 0) {
            ts->t[i].count += k;
            return;
        }
    if (dsms_room_for((void **)&ts->t, &ts->cap, ts->n, sizeof *ts->t, 16) != 0) {
        ts->failed = 1;
        return;
    }
    tally *t = &ts->t[ts->n++];
    snprintf(t->name, sizeof t->name, "%s", name);
    snprintf(t->example, sizeof t->example, "%s", example ? example : "");
    t->count = k;
}

typedef struct {
    const char *const *sources;
    size_t nsources;
    tallies kinds, months, reasons;
    long submissions, rows, accepted, quarantined;
} quality;

static int wanted(const quality *q, const char *source)
{
    for (size_t i = 0; i < q->nsources; i++)
        if (strcmp(q->sources[i], source) == 0) return 1;
    return q->nsources == 0;
}

static int take_submission(void *ctx, const dsms_submission *sub)
{
    quality *q = ctx;
    if (!wanted(q, sub->source)) return 0;
    q->submissions++;
    q->rows += sub->rows, q->accepted += sub->accepted, q->quarantined += sub->quarantined;
    tally_add(&q->kinds, sub->table, sub->quarantined, NULL);
    char month[8];
    snprintf(month, sizeof month, "%.7s", sub->received_at);
    tally_add(&q->months, month, sub->rows, NULL);
    return q->kinds.failed || q->months.failed ? -1 : 0;
}

/* "field: rule" of a quarantined row's first error, and its message. */
static int take_quarantined(void *ctx, const dsms_quarantined *row)
{
    quality *q = ctx;
    if (!wanted(q, row->source)) return 0;
    json_t *a = json_loads(row->diagnostics_json, 0, NULL);
    json_t *g = a ? json_array_get(a, 0) : NULL;
    for (size_t i = 0; a && i < json_array_size(a); i++) {
        json_t *e = json_array_get(a, i);
        const char *severity = json_string_value(json_object_get(e, "severity"));
        if (severity && strcmp(severity, "error") == 0) {
            g = e;
            break;
        }
    }
    char name[96];
    const char *field = g ? json_string_value(json_object_get(g, "field")) : NULL;
    const char *rule = g ? json_string_value(json_object_get(g, "rule")) : NULL;
    snprintf(name, sizeof name, "%s: %s%s%s", row->table, field && *field ? field : "row",
             rule ? ", " : "", rule ? rule : "");
    tally_add(&q->reasons, name, 1, g ? json_string_value(json_object_get(g, "message")) : "");
    json_decref(a);
    return q->reasons.failed ? -1 : 0;
}

static int by_count(const void *a, const void *b)
{
    const tally *x = a, *y = b;
    return (x->count < y->count) - (x->count > y->count);
}

static void tally_table(dsms_report *r, dsms_report_section *s, const char *caption,
                        const char *what, const char *count_name, tallies *ts, int sort,
                        int examples)
{
    if (sort) qsort(ts->t, ts->n, sizeof *ts->t, by_count);
    const char *heads[] = {what, count_name, "Example"};
    static const char *const units[] = {NULL, "rows", NULL};
    dsms_report_table *t = dsms_report_table_add(r, s, caption, examples ? 3 : 2, heads, units);
    for (size_t i = 0; t && i < ts->n; i++) {
        dsms_report_cell *c = dsms_report_row(r, t, NULL);
        if (!c) return;
        dsms_report_cell_text(r, &c[0], ts->t[i].name);
        dsms_report_cell_number(&c[1], (double)ts->t[i].count, 0);
        if (examples) dsms_report_cell_text(r, &c[2], ts->t[i].example);
    }
}

static void flags_paragraph(dsms_report *r, dsms_report_section *s, const rp_data *d,
                            const char *place)
{
    size_t provisional = 0, incomplete = 0, shown = 0;
    for (size_t i = 0; i < dsms_measure_count(); i++) {
        const rp_row *row = rp_find(d, dsms_measure_at(i), place, NULL);
        if (!row) continue;
        shown++;
        provisional += row->provisional != 0;
        incomplete += row->incomplete != 0;
    }
    dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH,
                     "Of the %zu measures %s has a figure for in %s, %zu %s provisional (the "
                     "measure looks past the period's end further than the records reach) and "
                     "%zu %s an incomplete history (it looks back before the first year the "
                     "store holds).",
                     shown, rp_place_name(d, place), d->years[d->year], provisional,
                     provisional == 1 ? "is" : "are", incomplete,
                     incomplete == 1 ? "has" : "have");
}

int rp_quality(dsms_report *r, dsms_report_section *s, const rp_data *d,
               const char *const *sources, size_t nsources, const char *place, dsms_err *err)
{
    quality q = {.sources = sources, .nsources = nsources};
    int rc = dsms_store_each_submission(d->st, take_submission, &q, err);
    const char *one = nsources == 1 ? sources[0] : NULL;
    if (rc == 0) rc = dsms_store_each_quarantined(d->st, 0, one, take_quarantined, &q, err);
    if (rc == 0) {
        dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH,
                         "%ld %s received%s%s: %ld rows read, %ld accepted and %ld quarantined "
                         "(%.1f%%).",
                         q.submissions, q.submissions == 1 ? "submission" : "submissions",
                         one ? " from " : nsources ? " from the area's providers" : "",
                         one ? one : "", q.rows, q.accepted,
                         q.quarantined,
                         q.rows ? 100.0 * (double)q.quarantined / (double)q.rows : 0.0);
        tally_table(r, s, "Rows quarantined by kind of data", "Kind of data", "Quarantined",
                    &q.kinds, 0, 0);
        if (q.reasons.n)
            tally_table(r, s, "Rows quarantined by reason (the first error of each row)",
                        "Reason", "Rows", &q.reasons, 1, 1);
        else
            dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH, "No row was quarantined.");
        tally_table(r, s, "Rows received by month of receipt", "Month", "Rows", &q.months, 0,
                    0);
        if (place) flags_paragraph(r, s, d, place);
    }
    if (q.kinds.failed || q.months.failed || q.reasons.failed) r->oom = 1;
    free(q.kinds.t), free(q.months.t), free(q.reasons.t);
    return rc;
}

/* ---- notes ---- */

static const char *kind_words(dsms_measure_kind k)
{
    switch (k) {
    case DSMS_KIND_COUNT: return "a count of people; no interval";
    case DSMS_KIND_PROPORTION: return "a percentage, with Wilson score limits";
    case DSMS_KIND_RATE: return "a crude rate, with exact Poisson or Byar's limits";
    case DSMS_KIND_DSR: return "a directly standardised rate (2013 ESP), with Dobson's limits";
    case DSMS_KIND_MEDIAN: return "a median in days; no interval";
    case DSMS_KIND_RATIO:
        return "observed against expected from England's rates for the case mix, x 100, "
               "with Byar's limits (exact below 10)";
    }
    return "";
}

void rp_notes(dsms_report *r, const rp_data *d)
{
    dsms_report_section *s = &r->notes;
    dsms_report_text(r, s, DSMS_BLOCK_HEADING, "Definitions");
    static const char *const heads[] = {"Measure", "Title", "Unit", "Kind"};
    dsms_report_table *t = dsms_report_table_add(r, s, "The measures", 4, heads, NULL);
    for (size_t i = 0; t && i < dsms_measure_count(); i++) {
        const dsms_measure *m = dsms_measure_at(i);
        dsms_report_cell *c = dsms_report_row(r, t, NULL);
        if (!c) break;
        dsms_report_cell_text(r, &c[0], m->id);
        dsms_report_cell_text(r, &c[1], m->title);
        dsms_report_cell_text(r, &c[2], m->unit);
        dsms_report_cell_text(r, &c[3], kind_words(m->kind));
    }
    dsms_report_text(r, s, DSMS_BLOCK_HEADING, "Comparisons");
    dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH,
                     "An area is better or worse than England when England's value lies "
                     "outside the area's 95%% confidence interval, and similar otherwise; for a "
                     "measure with no polarity, higher or lower. The same test against the figure "
                     "of its 15 most similar areas pooled gives \"vs similar areas\". The trend "
                     "of a percentage is the chi-squared test for linear trend over the last "
                     "five financial years, significant at 99.8%%.");
    dsms_report_text(r, s, DSMS_BLOCK_HEADING, "Sources");
    dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH,
                     "Record-level submissions from treatment providers, police forces, "
                     "probation regions, prisons and the registers of deaths, validated against "
                     "the dsms data set and pseudonymised as they were received; population, "
                     "need and published series from the reference data. Data as at %s.",
                     d->as_at);
    dsms_report_text(r, s, DSMS_BLOCK_HEADING, "Disclosure control");
    if (r->public)
        dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH,
                         "Counts from 1 to 5 are withheld, with any figure that would give one "
                         "back (a rate or percentage drawn from it, a count that the others of "
                         "its group add up to). Withheld figures are shown as *. They are never "
                         "shown as zero.");
    else
        dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH,
                         "This report is restricted: its figures are not disclosure-controlled "
                         "and it is not for publication. dsms report --public gives the "
                         "publishable version.");
}
