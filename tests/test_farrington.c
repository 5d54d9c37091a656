/* test_farrington.c — the Farrington and Noufaily methods (lib/stats/farrington.c)
 * against farringtonFlexible of the R package surveillance: every week of every
 * run in tests/farrington_vectors.h (made by tests/farrington_vectors.R), the
 * threshold, expected value and overdispersion each to a relative error below
 * 1e-6, the alarm exactly, and the weeks R gives no alarm for (NA) the same.
 * Then the reference weeks by date, the options, bad input and edge cases. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dsms/farrington.h"
#include "dsms/field.h"
#include "farrington_vectors.h"

#define NV(a) (sizeof(a) / sizeof((a)[0]))
#define TOLERANCE 1e-6

static double max_rel;
static int figures;

static void figure(const fv_run *r, size_t j, const char *what, double got, double want)
{
    double rel = want == 0 ? fabs(got) : fabs(got - want) / fabs(want);
    figures++;
    if (!(rel <= max_rel)) max_rel = isnan(rel) ? INFINITY : rel;
    if (rel < TOLERANCE) check_passed++;
    else {
        check_failed++;
        fprintf(stderr, "%s, %s, week %zu: %s %.17g, R %.17g (relative error %.3g)\n",
                fv_series_list[r->series].name, r->settings, r->first + j + 1, what, got, want,
                rel);
    }
}

static void mismatch(const fv_run *r, size_t j, const char *what)
{
    check_failed++;
    fprintf(stderr, "%s, %s, week %zu: %s\n", fv_series_list[r->series].name, r->settings,
            r->first + j + 1, what);
}

static void opts_of(const fv_run *r, dsms_farrington_opts *o)
{
    dsms_farrington_original(o);
    o->b = r->b;
    o->w = r->w;
    o->alpha = r->alpha;
    o->reweight = r->reweight;
    o->weights_threshold = r->weights_threshold;
    o->trend = r->trend;
    o->p_threshold_trend = r->p_trend;
    o->limit54_cases = r->limit_cases;
    o->limit54_weeks = r->limit_weeks;
    o->power = strcmp(r->powertrans, "1/2") == 0    ? DSMS_FARRINGTON_POWER_HALF
               : strcmp(r->powertrans, "none") == 0 ? DSMS_FARRINGTON_POWER_NONE
                                                    : DSMS_FARRINGTON_POWER_TWO_THIRDS;
    o->no_periods = r->no_periods;
    o->past_weeks_not_included = r->past_weeks;
    o->method = strcmp(r->method, "nbPlugin") == 0 ? DSMS_FARRINGTON_NB_PLUGIN
                : strcmp(r->method, "muan") == 0   ? DSMS_FARRINGTON_MUAN
                                                   : DSMS_FARRINGTON_DELTA;
}

static long *days_of(const fv_series *s)
{
    long *day = malloc(s->n * sizeof *day);
    for (size_t i = 0; i < s->n; i++) day[i] = s->start + 7 * (long)i;
    return day;
}

/* ---- every run against R ---- */

static void against_r(void)
{
    size_t weeks = 0, alarms = 0, na = 0, few = 0;
    for (size_t v = 0; v < NV(fv_runs); v++) {
        const fv_run *r = &fv_runs[v];
        const fv_series *s = &fv_series_list[r->series];
        dsms_farrington_opts o;
        opts_of(r, &o);
        long *day = days_of(s);
        dsms_farrington_week *out = calloc(r->count, sizeof *out);
        dsms_err err = {""};
        int rc = dsms_farrington(&o, day, s->counts, s->n, r->first, r->count, out, &err);
        CHECK_INT(rc, 0);
        if (rc) fprintf(stderr, "%s, %s: %s\n", s->name, r->settings, err.msg);
        for (size_t j = 0; !rc && j < r->count; j++) {
            const dsms_farrington_week *g = &out[j];
            weeks++;
            if (r->alarm[j] < 0) {
                /* R's NA: no model converged (its expected is left at 0). */
                na++;
                if (g->status == DSMS_FARRINGTON_NO_FIT) check_passed++;
                else mismatch(r, j, "R has no alarm (NA), dsms has one");
                continue;
            }
            if (g->status == DSMS_FARRINGTON_NO_FIT || g->status == DSMS_FARRINGTON_NO_HISTORY) {
                mismatch(r, j, dsms_farrington_status_name(g->status));
                continue;
            }
            alarms += r->alarm[j] == 1;
            if (g->alarm == r->alarm[j]) check_passed++;
            else mismatch(r, j, g->alarm ? "alarm, R has none" : "no alarm, R has one");
            if (isnan(r->threshold[j])) {
                few += g->status == DSMS_FARRINGTON_FEW_CASES;
                if (isnan(g->threshold) && isnan(g->expected) &&
                    g->status != DSMS_FARRINGTON_OK)
                    check_passed++;
                else mismatch(r, j, "a threshold where R has none");
                continue;
            }
            if (g->status != DSMS_FARRINGTON_OK) {
                mismatch(r, j, dsms_farrington_status_name(g->status));
                continue;
            }
            figure(r, j, "threshold", g->threshold, r->threshold[j]);
            figure(r, j, "expected", g->expected, r->expected[j]);
            figure(r, j, "phi", g->phi, r->phi[j]);
        }
        free(out);
        free(day);
    }
    printf("farrington: %zu runs, %zu weeks (%zu alarms, %zu without a threshold, %zu NA), "
           "%d figures, largest relative error %.3g\n",
           NV(fv_runs), weeks, alarms, few, na, figures, max_rel);
    CHECK(na > 0 && few > 0 && alarms > 0);
}

/* The same weeks one at a time, as a caller assessing only the last week does. */
static void one_week_at_a_time(void)
{
    const fv_run *r = &fv_runs[1];
    const fv_series *s = &fv_series_list[r->series];
    dsms_farrington_opts o;
    opts_of(r, &o);
    long *day = days_of(s);
    dsms_farrington_week all[8], one;
    dsms_err err;
    CHECK_INT(dsms_farrington(&o, day, s->counts, s->n, r->first, 8, all, &err), 0);
    for (size_t j = 0; j < 8; j++) {
        CHECK_INT(dsms_farrington(&o, day, s->counts, r->first + j + 1, r->first + j, 1, &one,
                                  &err), 0);
        CHECK(memcmp(&one, &all[j], sizeof one) == 0 ||
              (one.threshold == all[j].threshold && one.alarm == all[j].alarm));
    }
    free(day);
}

/* ---- reference weeks by date ---- */

static void first_week(void)
{
    dsms_farrington_opts o;
    dsms_farrington_original(&o);
    /* Mondays from 2015-01-05. Four years back from week k is 208 or 209 weeks
     * back (1461 days: 208.7 weeks, to the nearest Monday 209); the window
     * needs w = 3 weeks before it. */
    long day[300];
    for (size_t i = 0; i < NV(day); i++) day[i] = (long)dsms_date_of(2015, 1, 5) + 7 * (long)i;
    size_t f = dsms_farrington_first(&o, day, NV(day));
    CHECK(f >= 211 && f <= 213);
    double counts[300];
    for (size_t i = 0; i < NV(counts); i++) counts[i] = 3 + (double)(i % 5);
    dsms_farrington_week out[300];
    dsms_err err;
    CHECK_INT(dsms_farrington(&o, day, counts, 300, 0, 300, out, &err), 0);
    for (size_t k = 0; k < 300; k++)
        if ((k < f) != (out[k].status == DSMS_FARRINGTON_NO_HISTORY)) {
            check_failed++;
            fprintf(stderr, "week %zu of 300 (first %zu): %s\n", k, f,
                    dsms_farrington_status_name(out[k].status));
        }
    CHECK_INT(dsms_farrington_first(&o, day, 200), 200);
    CHECK_INT(dsms_farrington_first(&o, day, 0), 0);
    /* 29 February 2016 (a Monday) one year back is 1 March 2015, a Sunday; the
     * nearest Monday is 2 March 2015, 52 weeks back (not 23 February, nearest
     * to 28 February). From 2 March 2015 the first week with a year of history
     * is the week of 29 February 2016. */
    o.b = 1;
    o.w = 0;
    long mar[60];
    for (size_t i = 0; i < NV(mar); i++) mar[i] = (long)dsms_date_of(2015, 3, 2) + 7 * (long)i;
    CHECK_INT(dsms_farrington_first(&o, mar, NV(mar)), (dsms_date_of(2016, 2, 29) - mar[0]) / 7);
}

/* ---- options ---- */

static void options(void)
{
    dsms_farrington_opts o, n;
    dsms_farrington_original(&o);
    dsms_farrington_noufaily(&n);
    CHECK(o.b == 4 && o.w == 3 && o.no_periods == 1 && o.weights_threshold == 1 &&
          o.past_weeks_not_included == 3 && o.p_threshold_trend == 0.05 &&
          o.method == DSMS_FARRINGTON_DELTA && o.alpha == 0.05 && o.reweight && o.trend &&
          o.limit54_cases == 5 && o.limit54_weeks == 4 &&
          o.power == DSMS_FARRINGTON_POWER_TWO_THIRDS);
    CHECK(n.b == 4 && n.w == 3 && n.no_periods == 10 && n.weights_threshold == 2.58 &&
          n.past_weeks_not_included == 26 && n.p_threshold_trend == 1 &&
          n.method == DSMS_FARRINGTON_NB_PLUGIN && n.alpha == 0.05);
    dsms_err err = {""};
    CHECK_INT(dsms_farrington_check(&o, &err), 0);
    CHECK_INT(dsms_farrington_check(&n, &err), 0);
    /* Each option out of range, one at a time, is refused with its name. */
#define REFUSED(field, value, word)                                                   \
    do {                                                                              \
        dsms_farrington_opts x = o;                                                   \
        x.field = value;                                                              \
        err.msg[0] = 0;                                                               \
        CHECK_INT(dsms_farrington_check(&x, &err), -1);                               \
        if (!strstr(err.msg, word)) {                                                 \
            check_failed++;                                                           \
            fprintf(stderr, "%s = %s: message '%s' lacks '%s'\n", #field, #value,     \
                    err.msg, word);                                                   \
        }                                                                             \
    } while (0)
    REFUSED(b, 0, "b (years back)");
    REFUSED(b, 31, "b (years back)");
    REFUSED(w, -1, "w (half-window)");
    REFUSED(w, 26, "w (half-window)");
    REFUSED(alpha, 0, "alpha");
    REFUSED(alpha, 1, "alpha");
    REFUSED(alpha, NAN, "alpha");
    REFUSED(weights_threshold, 0, "weights threshold");
    REFUSED(weights_threshold, INFINITY, "weights threshold");
    REFUSED(p_threshold_trend, -0.1, "trend");
    REFUSED(p_threshold_trend, NAN, "trend");
    REFUSED(limit54_cases, -1, "limit54");
    REFUSED(limit54_weeks, 0, "limit54");
    REFUSED(power, (dsms_farrington_power)7, "power");
    REFUSED(no_periods, 0, "noPeriods");
    REFUSED(no_periods, 47, "noPeriods"); /* 52 - 2w = 46 for w = 3 */
    REFUSED(past_weeks_not_included, -1, "pastWeeksNotIncluded");
    REFUSED(past_weeks_not_included, 105, "pastWeeksNotIncluded");
    REFUSED(method, (dsms_farrington_method)9, "threshold method");
#undef REFUSED
    o.no_periods = 46;
    CHECK_INT(dsms_farrington_check(&o, &err), 0);
    for (int s = 0; s <= DSMS_FARRINGTON_NO_HISTORY + 1; s++)
        CHECK(dsms_farrington_status_name((dsms_farrington_status)s)[0] != 0);
}

/* ---- bad input and edge cases ---- */

static void bad_input(void)
{
    dsms_farrington_opts o;
    dsms_farrington_original(&o);
    enum { N = 300 };
    long day[N];
    double c[N];
    for (size_t i = 0; i < N; i++) day[i] = 16440 + 7 * (long)i, c[i] = (double)(i % 7);
    dsms_farrington_week out[N];
    dsms_err err = {""};
#define REFUSED(call, word)                                                              \
    do {                                                                                 \
        err.msg[0] = 0;                                                                  \
        CHECK_INT(call, -1);                                                             \
        if (!strstr(err.msg, word)) {                                                    \
            check_failed++;                                                              \
            fprintf(stderr, "%s:%d: message '%s' lacks '%s'\n", __FILE__, __LINE__,      \
                    err.msg, word);                                                      \
        }                                                                                \
    } while (0)
    c[10] = -1;
    REFUSED(dsms_farrington(&o, day, c, N, 250, 50, out, &err), "count of week 11 is -1");
    c[10] = NAN;
    REFUSED(dsms_farrington(&o, day, c, N, 250, 50, out, &err), "count of week 11 is nan");
    c[10] = INFINITY;
    REFUSED(dsms_farrington(&o, day, c, N, 250, 50, out, &err), "count of week 11");
    c[10] = 2.5;
    REFUSED(dsms_farrington(&o, day, c, N, 250, 50, out, &err), "expected a whole number");
    c[10] = 3;
    day[20] += 1;
    REFUSED(dsms_farrington(&o, day, c, N, 250, 50, out, &err), "week 21 is 8 days after");
    day[20] -= 8;
    REFUSED(dsms_farrington(&o, day, c, N, 250, 50, out, &err), "week 21 is 0 days after");
    day[20] += 7;
    REFUSED(dsms_farrington(&o, day, c, N, 250, 51, out, &err), "not within the series");
    REFUSED(dsms_farrington(&o, day, c, N, 301, 0, out, &err), "not within the series");
    REFUSED(dsms_farrington(&o, day, c, N, 0, 1, NULL, &err), "not within the series");
    o.b = 0;
    REFUSED(dsms_farrington(&o, day, c, N, 250, 50, out, &err), "b (years back)");
    dsms_farrington_original(&o);
#undef REFUSED
    /* Refused input leaves out untouched. */
    out[0].status = (dsms_farrington_status)77;
    c[0] = -1;
    CHECK_INT(dsms_farrington(&o, day, c, N, 0, 1, out, &err), -1);
    CHECK_INT(out[0].status, 77);
    c[0] = 0;
    /* Nothing to assess is no error; nor is NULL err. */
    CHECK_INT(dsms_farrington(&o, day, c, N, N, 0, NULL, NULL), 0);
    c[5] = -3;
    CHECK_INT(dsms_farrington(&o, day, c, N, 0, 1, out, NULL), -1);
    c[5] = 5;

    /* Too short: every week has too little history, nothing given. */
    CHECK_INT(dsms_farrington(&o, day, c, 200, 0, 200, out, &err), 0);
    int all = 1;
    for (size_t i = 0; i < 200; i++)
        all &= out[i].status == DSMS_FARRINGTON_NO_HISTORY && isnan(out[i].threshold) &&
               isnan(out[i].expected) && !out[i].alarm;
    CHECK(all);

    /* All zeros: fewer than 5 cases, no threshold, no alarm. With limit54 at 0
     * cases the model's mean falls towards 0 and converges (on the original's
     * 28 weeks), the threshold tiny (the 2/3 power: near mu^(1/4)), no alarm. */
    double z[N] = {0};
    CHECK_INT(dsms_farrington(&o, day, z, N, 250, 50, out, &err), 0);
    all = 1;
    for (size_t i = 0; i < 50; i++)
        all &= out[i].status == DSMS_FARRINGTON_FEW_CASES && isnan(out[i].threshold) &&
               !out[i].alarm;
    CHECK(all);
    o.limit54_cases = 0;
    CHECK_INT(dsms_farrington(&o, day, z, N, 250, 50, out, &err), 0);
    all = 1;
    for (size_t i = 0; i < 50; i++)
        all &= out[i].status == DSMS_FARRINGTON_OK && out[i].threshold >= 0 &&
               out[i].threshold < 0.01 && out[i].expected < 1e-9 && !out[i].alarm &&
               out[i].phi == 1;
    CHECK(all);
    /* An outbreak after years of zeros: an alarm. */
    z[N - 1] = 6;
    CHECK_INT(dsms_farrington(&o, day, z, N, N - 1, 1, out, &err), 0);
    CHECK(out[0].status == DSMS_FARRINGTON_OK && out[0].alarm == 1);
    /* Noufaily's model over four years of zeros converges just in time (25
     * iterations); over five it does not: no alarm can be given (R's NA). */
    dsms_farrington_noufaily(&o);
    CHECK_INT(dsms_farrington(&o, day, z, N, N - 1, 1, out, &err), 0);
    CHECK(out[0].status == DSMS_FARRINGTON_OK && out[0].alarm == 1);
    o.b = 5;
    long day2[400];
    double z2[400] = {0};
    for (size_t i = 0; i < 400; i++) day2[i] = 16440 + 7 * (long)i;
    z2[399] = 6;
    CHECK_INT(dsms_farrington(&o, day2, z2, 400, 399, 1, out, &err), 0);
    CHECK(out[0].status == DSMS_FARRINGTON_NO_FIT && !out[0].alarm && isnan(out[0].threshold));

    /* A huge count far above its history: an alarm, figures finite. */
    dsms_farrington_original(&o);
    c[N - 1] = 1e9;
    CHECK_INT(dsms_farrington(&o, day, c, N, N - 1, 1, out, &err), 0);
    CHECK(out[0].status == DSMS_FARRINGTON_OK && out[0].alarm == 1 &&
          isfinite(out[0].threshold) && out[0].threshold < 100);
}

/* The CSV reader: columns by name, rows in any order, weeks as ISO weeks or
 * dates, and the figures those of the function. */
static void table(void)
{
    char buf[40000];
    size_t len = (size_t)snprintf(buf, sizeof buf, "count,extra,week,series\n");
    for (int i = 259; i >= 0; i--) {
        int y, m, d;
        long day = (long)dsms_date_of(2015, 1, 5) + 7L * i;
        dsms_date_parts(day, &y, &m, &d);
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%d,x,%04d-%02d-%02d,s\n",
                                3 + i % 5 + (i == 259) * 20, y, m, d);
    }
    dsms_csv *csv = dsms_csv_open_mem(buf, len);
    dsms_farrington_opts o;
    dsms_farrington_original(&o);
    dsms_stats_table t;
    dsms_err err = {""};
    CHECK_INT(dsms_farrington_run(&o, 2, "in.csv", csv, &t, &err), 0);
    dsms_csv_close(csv);
    CHECK_INT(t.ncols, 7);
    CHECK_INT(t.nrows, 2);
    CHECK_INT(t.ninput, 3);
    if (t.ncols == 7 && t.nrows == 2) {
        CHECK_STR(t.name[0], "series");
        CHECK_STR(t.name[5], "alarm");
        CHECK_STR(t.name[6], "note");
        CHECK_STR(t.cell[7 + 1], "2019-12-23");
        CHECK_STR(t.cell[7 + 2], "27");
        CHECK_STR(t.cell[7 + 5], "1");
        CHECK(t.cell[7 + 6] == NULL);
        long day[260];
        double n[260];
        for (int i = 0; i < 260; i++)
            day[i] = (long)dsms_date_of(2015, 1, 5) + 7L * i, n[i] = 3 + i % 5 + (i == 259) * 20;
        dsms_farrington_week w;
        CHECK_INT(dsms_farrington(&o, day, n, 260, 259, 1, &w, &err), 0);
        char want[40];
        snprintf(want, sizeof want, "%.15g", w.threshold);
        CHECK_STR(t.cell[7 + 4], want);
    }
    dsms_stats_table_free(&t);
    const char *gap = "series,week,count\na,2024-W01,1\na,2024-W03,1\n";
    csv = dsms_csv_open_mem(gap, strlen(gap));
    CHECK_INT(dsms_farrington_run(&o, 0, "in.csv", csv, &t, &err), -1);
    dsms_csv_close(csv);
    CHECK(strncmp(err.msg, "in.csv:3: week: series 'a' has no rows for the 1 week", 53) == 0);
    CHECK(t.nrows == 0 && t.cell == NULL && t.name == NULL);
}

int main(void)
{
    against_r();
    one_week_at_a_time();
    first_week();
    options();
    bad_input();
    table();
    return check_summary();
}
