/* test_stats.c — the statistical methods (lib/stats/stats.c, lib/stats/stats_table.c)
 * against every figure of the test data published with PHEindicatormethods
 * (tests/stats_vectors.h), at 95% and 99.8%, each to a relative error below
 * 5e-7 (six significant figures); then worked cases of comparison, trend and
 * disclosure with their boundaries, and bad input to every function. */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dsms/csv.h"
#include "dsms/refdata.h"
#include "dsms/stats.h"
#include "dsms/stats_table.h"
#include "stats_vectors.h"

#define NV(a) (sizeof(a) / sizeof((a)[0]))
#define TOLERANCE 5e-7

/* ---- figure by figure, with the largest relative error per method ---- */

enum { M_BYAR, M_WILSON, M_PROP, M_RATE, M_DSR, M_MEAN, M_FUNNEL, M_ISR, M_FDSR, M_COUNT };
static const char *const m_name[M_COUNT] = {"byar", "wilson", "proportion", "rate", "dsr",
                                             "mean", "funnel", "isr",        "funnel dsr"};
static double max_rel[M_COUNT];
static int figures[M_COUNT];

/* got agrees with the published want (NaN: no figure, and none expected). */
static void figure(int m, double got, double want, const char *what, int row)
{
    if (isnan(want)) {
        if (isnan(got)) check_passed++;
        else {
            check_failed++;
            fprintf(stderr, "%s row %d %s: got %.17g, expected no figure\n", m_name[m], row, what,
                    got);
        }
        return;
    }
    figures[m]++;
    double rel = want == 0 ? fabs(got) : fabs(got - want) / fabs(want);
    if (!(rel <= max_rel[m])) max_rel[m] = isnan(rel) ? INFINITY : rel;
    if (rel < TOLERANCE) check_passed++;
    else {
        check_failed++;
        fprintf(stderr, "%s row %d %s: got %.17g, expected %.17g (relative error %.3g)\n",
                m_name[m], row, what, got, want, rel);
    }
}

/* ---- published figures ---- */

static void byar_wilson(void)
{
    for (size_t i = 0; i < NV(bw_vectors); i++) {
        const bw_vector *v = &bw_vectors[i];
        double lo, hi;
        int m = v->method == 'B' ? M_BYAR : M_WILSON;
        int rc = m == M_BYAR ? dsms_byar(v->x, v->confidence, &lo, &hi)
                             : dsms_wilson(v->x, v->n, v->confidence, &lo, &hi);
        CHECK_INT(rc, 0);
        figure(m, lo, v->lower, "lower", (int)i + 1);
        figure(m, hi, v->upper, "upper", (int)i + 1);
    }
}

static void crude(const crude_vector *v, size_t n, int is_rate)
{
    int m = is_rate ? M_RATE : M_PROP;
    for (size_t i = 0; i < n; i++, v++) {
        double lim[2][2] = {{NAN, NAN}, {NAN, NAN}}, value = NAN;
        const double conf[2] = {0.95, 0.998};
        if (!isnan(v->x) && !isnan(v->n)) {
            value = v->x / v->n * v->multiplier;
            for (int l = 0; l < 2; l++) {
                if (is_rate) {
                    CHECK_INT(dsms_count_limits(v->x, conf[l], &lim[l][0], &lim[l][1]), 0);
                    lim[l][0] /= v->n, lim[l][1] /= v->n;
                } else {
                    CHECK_INT(dsms_wilson(v->x, v->n, conf[l], &lim[l][0], &lim[l][1]), 0);
                }
                lim[l][0] *= v->multiplier, lim[l][1] *= v->multiplier;
            }
            /* Exact below 10 events, Byar's from 10, as published. */
            if (is_rate) CHECK_INT(v->method, v->x < 10 ? 'E' : 'B');
        }
        figure(m, value, v->value, "value", (int)i + 1);
        figure(m, lim[0][0], v->lim95[0], "lower95", (int)i + 1);
        figure(m, lim[0][1], v->lim95[1], "upper95", (int)i + 1);
        figure(m, lim[1][0], v->lim998[0], "lower99_8", (int)i + 1);
        figure(m, lim[1][1], v->lim998[1], "upper99_8", (int)i + 1);
    }
}

static const dsr_input *dsr_find(const char *area)
{
    for (size_t k = 0; k < NV(dsr_inputs); k++)
        if (strcmp(dsr_inputs[k].area, area) == 0) return &dsr_inputs[k];
    return NULL;
}

/* testdata_1976's inputs are not published; its 95% limits give Dobson's
 * factor sqrt(var)/O back (the same from either limit), and with it the
 * 99.8% limits follow: one tenth of the published columns. */
static void dsr_1976(const dsr_vector *v, int row)
{
    double o = v->total_count, bl, bu, cl, cu;
    dsms_byar(o, 0.95, &bl, &bu);
    dsms_byar(o, 0.998, &cl, &cu);
    double kl = (v->lim95[0] - v->value) / (bl - o), ku = (v->lim95[1] - v->value) / (bu - o);
    CHECK(fabs(kl - ku) < 1e-9 * ku);
    figure(M_DSR, v->value + kl * (cl - o), v->lim998[0] / 10, "lower99_8 (published / 10)", row);
    figure(M_DSR, v->value + ku * (cu - o), v->lim998[1] / 10, "upper99_8 (published / 10)", row);
    CHECK(fabs(v->value + kl * (cl - o) - v->lim998[0]) > v->value); /* not as published */
}

static void dsr(void)
{
    for (size_t i = 0; i < NV(dsr_vectors); i++) {
        const dsr_vector *v = &dsr_vectors[i];
        const dsr_input *in = dsr_find(v->area);
        if (!in) {
            dsr_1976(v, (int)i + 1);
            continue;
        }
        double count[19], x = 0, n = 0, value, lim[2][2];
        for (int b = 0; b < 19; b++) {
            count[b] = isnan(in->count[b]) ? 0 : in->count[b]; /* empty: no events */
            x += count[b];
            n += in->pop[b];
        }
        figure(M_DSR, x, v->total_count, "total_count", (int)i + 1);
        figure(M_DSR, n, v->total_pop, "total_pop", (int)i + 1);
        double mult = v->multiplier ? v->multiplier : 100000;
        int rc = dsms_dsr(count, in->pop, dsms_esp2013, 19, mult, 0.95, &value, &lim[0][0],
                          &lim[0][1]);
        CHECK_INT(rc, x < DSMS_DSR_MIN_EVENTS ? 1 : 0);
        figure(M_DSR, value, v->value, "value", (int)i + 1);
        dsms_dsr(count, in->pop, dsms_esp2013, 19, mult, 0.998, &value, &lim[1][0], &lim[1][1]);
        figure(M_DSR, lim[0][0], v->lim95[0], "lower95", (int)i + 1);
        figure(M_DSR, lim[0][1], v->lim95[1], "upper95", (int)i + 1);
        figure(M_DSR, lim[1][0], v->lim998[0], "lower99_8", (int)i + 1);
        figure(M_DSR, lim[1][1], v->lim998[1], "upper99_8", (int)i + 1);
    }
}

/* ---- through the table layer, as dsms stats runs ---- */

typedef struct {
    char *text;
    size_t len, cap;
} sbuf;

static void sadd(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sadd(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->text ? b->text + b->len : NULL, b->text ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (b->text && (size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        b->cap = (b->cap + (size_t)n + 1) * 2;
        b->text = realloc(b->text, b->cap);
        if (!b->text) abort();
    }
}

/* Run a method over CSV text; 0 and the table, or -1 and the message. */
static int run_text(dsms_stats_opts *o, const char *text, dsms_stats_table *t, dsms_err *err)
{
    dsms_csv *c = dsms_csv_open_mem(text, strlen(text));
    int rc = dsms_stats_run(o, "in.csv", c, t, err);
    dsms_csv_close(c);
    return rc;
}

static int col_of(const dsms_stats_table *t, const char *name)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->name[c], name) == 0) return (int)c;
    return -1;
}

static const char *cell(const dsms_stats_table *t, size_t row, const char *name)
{
    int c = col_of(t, name);
    return c < 0 || row >= t->nrows ? "(no column)" : t->cell[row * t->ncols + (size_t)c]
                                                          ? t->cell[row * t->ncols + (size_t)c]
                                                          : "";
}

static double cell_num(const dsms_stats_table *t, size_t row, const char *name)
{
    const char *s = cell(t, row, name);
    return *s && *s != '(' ? strtod(s, NULL) : NAN;
}

static void mean(void)
{
    sbuf in = {0};
    sadd(&in, "area,value\n");
    for (size_t i = 0; i < NV(mean_inputs); i++)
        sadd(&in, "%s,%.17g\n", mean_inputs[i].area, mean_inputs[i].value);
    /* "No grouping": every value as one area. */
    for (size_t i = 0; i < NV(mean_inputs); i++) sadd(&in, "all,%.17g\n", mean_inputs[i].value);
    dsms_stats_opts o;
    dsms_stats_opts_init(&o, DSMS_STATS_MEAN);
    dsms_stats_table t;
    dsms_err err = {""};
    CHECK_INT(run_text(&o, in.text, &t, &err), 0);
    CHECK_INT(t.nrows, 3);
    for (size_t i = 0; i < NV(mean_vectors) && i < t.nrows; i++) {
        const mean_vector *v = &mean_vectors[i];
        CHECK_STR(cell(&t, i, "area"), v->area ? v->area : "all");
        figure(M_MEAN, cell_num(&t, i, "count"), v->count, "count", (int)i + 1);
        figure(M_MEAN, cell_num(&t, i, "count") * cell_num(&t, i, "value"), v->sum, "sum",
               (int)i + 1);
        figure(M_MEAN, cell_num(&t, i, "sd"), v->sd, "sd", (int)i + 1);
        figure(M_MEAN, cell_num(&t, i, "value"), v->value, "value", (int)i + 1);
        figure(M_MEAN, cell_num(&t, i, "lower95"), v->lim95[0], "lower95", (int)i + 1);
        figure(M_MEAN, cell_num(&t, i, "upper95"), v->lim95[1], "upper95", (int)i + 1);
        figure(M_MEAN, cell_num(&t, i, "lower99_8"), v->lim998[0], "lower99_8", (int)i + 1);
        figure(M_MEAN, cell_num(&t, i, "upper99_8"), v->lim998[1], "upper99_8", (int)i + 1);
        /* The same from the published summary. */
        double m, lo, hi;
        CHECK_INT(dsms_mean_summary(v->sum, v->count, v->sd, 0.998, &m, &lo, &hi), 0);
        figure(M_MEAN, lo, v->lim998[0], "lower99_8 from the summary", (int)i + 1);
        figure(M_MEAN, hi, v->lim998[1], "upper99_8 from the summary", (int)i + 1);
    }
    dsms_stats_table_free(&t);
    free(in.text);
}

static void funnel(void)
{
    double sx = 0, sn = 0;
    for (size_t i = 0; i < NV(funnel_inputs); i++)
        sx += funnel_inputs[i].numerator, sn += funnel_inputs[i].denominator;
    double base = sx / sn;
    /* The published baseline is the pooled value, to 6 decimal places. */
    CHECK(fabs(base * 100 - FUNNEL_BASELINE) < 5e-7);
    for (size_t i = 0; i < NV(funnel_vectors); i++) {
        double lo[2], hi[2], n = funnel_vectors[i].population;
        CHECK_INT(dsms_funnel_proportion(base, n, 0.95, &lo[0], &hi[0]), 0);
        CHECK_INT(dsms_funnel_proportion(base, n, 0.998, &lo[1], &hi[1]), 0);
        figure(M_FUNNEL, lo[0] * 100, funnel_vectors[i].lim95[0], "lower95", (int)i + 1);
        figure(M_FUNNEL, hi[0] * 100, funnel_vectors[i].lim95[1], "upper95", (int)i + 1);
        figure(M_FUNNEL, lo[1] * 100, funnel_vectors[i].lim998[0], "lower99_8", (int)i + 1);
        figure(M_FUNNEL, hi[1] * 100, funnel_vectors[i].lim998[1], "upper99_8", (int)i + 1);
    }
    /* Each area's significance, through dsms stats funnel. */
    sbuf in = {0};
    sadd(&in, "numerator,denominator\n");
    for (size_t i = 0; i < NV(funnel_inputs); i++)
        sadd(&in, "%.17g,%.17g\n", funnel_inputs[i].numerator, funnel_inputs[i].denominator);
    dsms_stats_opts o;
    dsms_stats_opts_init(&o, DSMS_STATS_FUNNEL);
    dsms_stats_table t;
    dsms_err err = {""};
    CHECK_INT(run_text(&o, in.text, &t, &err), 0);
    CHECK_INT(t.nrows, NV(funnel_inputs));
    int wrong = 0;
    for (size_t i = 0; i < t.nrows && i < NV(funnel_inputs); i++) {
        const char *want = "not significant";
        switch (funnel_inputs[i].significance) {
        case 'H': want = "high (99.8%)"; break;
        case 'h': want = "high (95%)"; break;
        case 'l': want = "low (95%)"; break;
        case 'L': want = "low (99.8%)"; break;
        }
        if (strcmp(cell(&t, i, "significance"), want) != 0) {
            wrong++;
            fprintf(stderr, "funnel input %zu: %s, expected %s\n", i + 1,
                    cell(&t, i, "significance"), want);
        }
    }
    CHECK_INT(wrong, 0);
    figures[M_FUNNEL] += (int)t.nrows;
    figure(M_FUNNEL, cell_num(&t, 0, "baseline"), FUNNEL_BASELINE, "baseline", 1);
    dsms_stats_table_free(&t);
    free(in.text);
}

/* The rows without a numerator or a denominator keep their columns and get
 * no figures; the others the published ones. */
static void crude_table(const crude_vector *v, size_t n, dsms_stats_method m)
{
    sbuf in = {0};
    sadd(&in, "Area,%s,denominator\n", m == DSMS_STATS_RATE ? "count" : "numerator");
    for (size_t i = 0; i < n; i++) {
        sadd(&in, "%s,", v[i].area);
        if (!isnan(v[i].x)) sadd(&in, "%.17g", v[i].x);
        sadd(&in, ",");
        if (!isnan(v[i].n)) sadd(&in, "%.17g", v[i].n);
        sadd(&in, "\n");
    }
    dsms_stats_opts o;
    dsms_stats_opts_init(&o, m);
    o.multiplier = v[n - 1].multiplier;
    dsms_stats_table t;
    dsms_err err = {""};
    CHECK_INT(run_text(&o, in.text, &t, &err), 0);
    CHECK_INT(t.nrows, n);
    int mi = m == DSMS_STATS_RATE ? M_RATE : M_PROP;
    for (size_t i = 0; i < t.nrows && i < n; i++) {
        CHECK_STR(cell(&t, i, "Area"), v[i].area);
        double k = o.multiplier / v[i].multiplier; /* the rows per 100 scaled up */
        figure(mi, cell_num(&t, i, "value") / k, v[i].value, "value (dsms stats)", (int)i + 1);
        figure(mi, cell_num(&t, i, "lower95") / k, v[i].lim95[0], "lower95 (dsms stats)", (int)i + 1);
        figure(mi, cell_num(&t, i, "upper99_8") / k, v[i].lim998[1], "upper99_8 (dsms stats)",
               (int)i + 1);
    }
    dsms_stats_table_free(&t);
    free(in.text);
}

static void dsr_table(void)
{
    sbuf in = {0};
    sadd(&in, "area,age_band,count,population\n");
    for (size_t k = 0; k < NV(dsr_inputs); k++)
        for (int b = 18; b >= 0; b--) { /* any order */
            sadd(&in, "%s,%s,", dsr_inputs[k].area, dsms_age_band_label(b));
            if (!isnan(dsr_inputs[k].count[b])) sadd(&in, "%g", dsr_inputs[k].count[b]);
            sadd(&in, ",%g\n", dsr_inputs[k].pop[b]);
        }
    dsms_stats_opts o;
    dsms_stats_opts_init(&o, DSMS_STATS_DSR);
    o.multiplier = 10000;
    dsms_stats_table t;
    dsms_err err = {""};
    CHECK_INT(run_text(&o, in.text, &t, &err), 0);
    CHECK_INT(t.nrows, 3);
    for (size_t i = 0; i < t.nrows && i < 3; i++) {
        const dsr_vector *v = &dsr_vectors[i];
        CHECK_STR(cell(&t, i, "area"), v->area);
        figure(M_DSR, cell_num(&t, i, "total_count"), v->total_count, "total_count", (int)i + 1);
        figure(M_DSR, cell_num(&t, i, "value"), v->value, "value (dsms stats)", (int)i + 1);
        figure(M_DSR, cell_num(&t, i, "lower99_8"), v->lim998[0], "lower99_8 (dsms stats)",
               (int)i + 1);
        figure(M_DSR, cell_num(&t, i, "upper95"), v->lim95[1], "upper95 (dsms stats)", (int)i + 1);
    }
    CHECK_STR(cell(&t, 2, "note"), "not published: fewer than 10 events");
    CHECK_STR(cell(&t, 0, "note"), "");
    dsms_stats_table_free(&t);
    free(in.text);
}

/* The built-in standard population is the shipped data/esp2013.csv. */
static void esp(void)
{
    dsms_refdata ref;
    dsms_err err = {""};
    int rc = dsms_refdata_read(&ref, DSMS_TEST_DATADIR, NULL, &err);
    CHECK_INT(rc, 0);
    if (rc) return;
    double sum = 0;
    for (int b = 0; b < DSMS_ESP_BANDS; b++) {
        CHECK(dsms_esp2013[b] == ref.esp[b]);
        sum += dsms_esp2013[b];
    }
    CHECK(sum == 100000);
    CHECK_INT(DSMS_ESP_BANDS, DSMS_AGE_BANDS);
    dsms_refdata_free(&ref);
}

/* ---- worked cases ---- */

static void compare(void)
{
    const dsms_polarity H = DSMS_POLARITY_HIGH_GOOD, L = DSMS_POLARITY_LOW_GOOD,
                        N = DSMS_POLARITY_NONE;
    /* Inside, and exactly on either limit: similar, whatever the polarity. */
    for (int p = 0; p < 3; p++) {
        dsms_polarity pol = p == 0 ? H : p == 1 ? L : N;
        CHECK_INT(dsms_compare(10, 20, 15, pol), DSMS_CMP_SIMILAR);
        CHECK_INT(dsms_compare(10, 20, 10, pol), DSMS_CMP_SIMILAR);
        CHECK_INT(dsms_compare(10, 20, 20, pol), DSMS_CMP_SIMILAR);
        CHECK_INT(dsms_compare(10, 10, 10, pol), DSMS_CMP_SIMILAR);
        CHECK_INT(dsms_compare(NAN, 20, 15, pol), DSMS_CMP_NOT_COMPARED);
        CHECK_INT(dsms_compare(10, NAN, 15, pol), DSMS_CMP_NOT_COMPARED);
        CHECK_INT(dsms_compare(10, 20, NAN, pol), DSMS_CMP_NOT_COMPARED);
        CHECK_INT(dsms_compare(10, 20, INFINITY, pol), DSMS_CMP_NOT_COMPARED);
        CHECK_INT(dsms_compare(20, 10, 15, pol), DSMS_CMP_NOT_COMPARED);
    }
    /* Interval above the benchmark, then below it. */
    CHECK_INT(dsms_compare(10, 20, 9.999, H), DSMS_CMP_BETTER);
    CHECK_INT(dsms_compare(10, 20, 9.999, L), DSMS_CMP_WORSE);
    CHECK_INT(dsms_compare(10, 20, 9.999, N), DSMS_CMP_HIGHER);
    CHECK_INT(dsms_compare(10, 20, 20.001, H), DSMS_CMP_WORSE);
    CHECK_INT(dsms_compare(10, 20, 20.001, L), DSMS_CMP_BETTER);
    CHECK_INT(dsms_compare(10, 20, 20.001, N), DSMS_CMP_LOWER);
    CHECK_INT(dsms_compare(-5, -1, 0, N), DSMS_CMP_LOWER);
    CHECK_STR(dsms_comparison_name(DSMS_CMP_BETTER), "better");
    CHECK_STR(dsms_comparison_name(DSMS_CMP_SIMILAR), "similar");
    CHECK_STR(dsms_comparison_name(DSMS_CMP_WORSE), "worse");
    CHECK_STR(dsms_comparison_name(DSMS_CMP_HIGHER), "higher");
    CHECK_STR(dsms_comparison_name(DSMS_CMP_LOWER), "lower");
    CHECK_STR(dsms_comparison_name(DSMS_CMP_NOT_COMPARED), "not compared");
}

static dsms_trend trend_of(const double *num, const double *den, size_t n, double conf, int rc)
{
    dsms_trend t;
    CHECK_INT(dsms_trend_proportions(num, den, n, conf, &t), rc);
    return t;
}

static void trend(void)
{
    const double hundred[6] = {100, 100, 100, 100, 100, 100};
    /* 10, 15, 20, 25, 30 of 100: R = 100, N = 500, p = 0.2; T = 350 - 100 x
     * 1500/500 = 50; Sxx = 5500 - 1500^2/500 = 1000; V = 0.16 x 1000 = 160;
     * chi-squared 2500/160 = 15.625 > 9.5495 (99.8%, 1 df); slope 50/1000. */
    const double up[5] = {10, 15, 20, 25, 30}, down[5] = {30, 25, 20, 15, 10};
    dsms_trend t = trend_of(up, hundred, 5, 0.998, 0);
    CHECK_INT(t.kind, DSMS_TREND_INCREASING);
    CHECK(fabs(t.chi_squared - 15.625) < 1e-12);
    CHECK(fabs(t.gradient - 0.05) < 1e-15);
    CHECK(t.reason == NULL);
    t = trend_of(down, hundred, 5, 0.998, 0);
    CHECK_INT(t.kind, DSMS_TREND_DECREASING);
    CHECK(fabs(t.chi_squared - 15.625) < 1e-12);
    CHECK(fabs(t.gradient + 0.05) < 1e-15);
    /* 10, 13, 16, 19, 22: T = 30, p = 0.16, V = 134.4, chi-squared 6.696:
     * significant at 95% (3.841), not at 99.8%. */
    const double mid[5] = {10, 13, 16, 19, 22};
    t = trend_of(mid, hundred, 5, 0.998, 0);
    CHECK_INT(t.kind, DSMS_TREND_NO_CHANGE);
    CHECK(fabs(t.chi_squared - 900 / 134.4) < 1e-12);
    CHECK(fabs(t.gradient - 0.03) < 1e-15);
    CHECK_INT(trend_of(mid, hundred, 5, 0.95, 0).kind, DSMS_TREND_INCREASING);
    CHECK_STR(dsms_trend_name(DSMS_TREND_NO_CHANGE), "no significant change");
    CHECK_STR(dsms_trend_name(DSMS_TREND_INCREASING), "increasing");
    CHECK_STR(dsms_trend_name(DSMS_TREND_DECREASING), "decreasing");
    CHECK_STR(dsms_trend_name(DSMS_TREND_NOT_CALCULATED), "cannot be calculated");
    /* Only the last five points count: a wild first one changes nothing. */
    const double six[6] = {99, 10, 15, 20, 25, 30};
    t = trend_of(six, hundred, 6, 0.998, 0);
    CHECK_INT(t.kind, DSMS_TREND_INCREASING);
    CHECK(fabs(t.chi_squared - 15.625) < 1e-12);
    /* Not calculated, each with its reason. */
    t = trend_of(up, hundred, 4, 0.998, 0);
    CHECK_INT(t.kind, DSMS_TREND_NOT_CALCULATED);
    CHECK_STR(t.reason, "fewer than 5 points");
    CHECK(isnan(t.chi_squared) && isnan(t.gradient));
    const double gap[5] = {10, NAN, 20, 25, 30};
    CHECK_STR(trend_of(gap, hundred, 5, 0.998, 0).reason, "a point is missing");
    const double dgap[5] = {100, 100, NAN, 100, 100};
    CHECK_STR(trend_of(up, dgap, 5, 0.998, 0).reason, "a point is missing");
    const double zero_den[5] = {100, 0, 100, 100, 100}, zeros[5] = {0, 0, 0, 0, 0};
    const double up0[5] = {10, 0, 20, 25, 30};
    CHECK_STR(trend_of(up0, zero_den, 5, 0.998, 0).reason, "a point has a denominator of 0");
    CHECK_STR(trend_of(zeros, hundred, 5, 0.998, 0).reason,
              "every point is 0% or every point is 100%");
    CHECK_STR(trend_of(hundred, hundred, 5, 0.998, 0).reason,
              "every point is 0% or every point is 100%");
    /* Bad input. */
    const double neg[5] = {10, -1, 20, 25, 30}, over[5] = {10, 101, 20, 25, 30};
    const double inf[5] = {10, INFINITY, 20, 25, 30};
    CHECK_INT(trend_of(neg, hundred, 5, 0.998, -1).kind, DSMS_TREND_NOT_CALCULATED);
    trend_of(over, hundred, 5, 0.998, -1);
    trend_of(inf, hundred, 5, 0.998, -1);
    trend_of(up, hundred, 5, 1, -1);
    trend_of(up, hundred, 5, 0, -1);
    trend_of(up, hundred, 5, NAN, -1);
    t = trend_of(NULL, hundred, 5, 0.998, -1);
    CHECK(isnan(t.chi_squared) && isnan(t.gradient));
}

static void disclosure(void)
{
    unsigned char h[6];
    /* 1 to 5 hidden, 0 and 6 shown; standing alone, no second cell. */
    const double a[6] = {0, 1, 5, 6, 3, 100};
    CHECK_INT(dsms_disclose(a, 6, 0, h), 3);
    CHECK(!h[0] && h[1] && h[2] && !h[3] && h[4] && !h[5]);
    /* One hidden and a total: the smallest other non-zero cell (6, not 0). */
    const double b[4] = {0, 40, 3, 6};
    CHECK_INT(dsms_disclose(b, 4, 1, h), 2);
    CHECK(!h[0] && !h[1] && h[2] && h[3]);
    /* Without a total, the one stays alone. */
    CHECK_INT(dsms_disclose(b, 4, 0, h), 1);
    CHECK(!h[0] && !h[1] && h[2] && !h[3]);
    /* Two hidden already protect each other. */
    const double c[4] = {2, 4, 50, 60};
    CHECK_INT(dsms_disclose(c, 4, 1, h), 2);
    CHECK(h[0] && h[1] && !h[2] && !h[3]);
    /* Equal smallest: the first. */
    const double d[4] = {9, 2, 7, 7};
    CHECK_INT(dsms_disclose(d, 4, 1, h), 2);
    CHECK(!h[0] && h[1] && h[2] && !h[3]);
    /* Nothing else to hide. */
    const double e[3] = {3, 0, 0};
    CHECK_INT(dsms_disclose(e, 3, 1, h), 1);
    CHECK(h[0] && !h[1] && !h[2]);
    /* Nothing small: nothing hidden, total or not. */
    const double f[3] = {0, 6, 600};
    CHECK_INT(dsms_disclose(f, 3, 1, h), 0);
    CHECK(!h[0] && !h[1] && !h[2]);
    CHECK_INT(dsms_disclose(NULL, 0, 1, h), 0);
    /* Bad input: everything hidden. */
    const double g[3] = {10, -1, 20}, k[3] = {10, NAN, 20};
    memset(h, 0, sizeof h);
    CHECK(dsms_disclose(g, 3, 0, h) == (size_t)-1);
    CHECK(h[0] && h[1] && h[2]);
    memset(h, 0, sizeof h);
    CHECK(dsms_disclose(k, 3, 1, h) == (size_t)-1);
    CHECK(h[0] && h[1] && h[2]);
    CHECK(dsms_disclose(a, 6, 0, NULL) == (size_t)-1);
}

/* Funnel limits for rates: at each limit the exact Poisson interval of the
 * count just reaches the expected count. */
static void funnel_rate(void)
{
    const double rate = 0.0005, pops[] = {1000, 20000, 1e6};
    for (size_t i = 0; i < NV(pops); i++) {
        for (int l = 0; l < 2; l++) {
            double conf = l ? 0.998 : 0.95, lo, hi, a, b, e = rate * pops[i];
            CHECK_INT(dsms_funnel_rate(rate, pops[i], conf, &lo, &hi), 0);
            CHECK(lo < rate && rate < hi);
            dsms_poisson_exact(hi * pops[i], conf, &a, &b);
            CHECK(fabs(a - e) < 1e-9 * e);
            if (lo > 0) {
                dsms_poisson_exact(lo * pops[i], conf, &a, &b);
                CHECK(fabs(b - e) < 1e-9 * e);
            }
        }
    }
    /* Expected 0.5 events: even 0 events is not significantly low. */
    double lo, hi;
    CHECK_INT(dsms_funnel_rate(0.0005, 1000, 0.95, &lo, &hi), 0);
    CHECK(lo == 0 && hi > 0);
    CHECK_INT(dsms_funnel_rate(0, 1000, 0.95, &lo, &hi), 0);
    CHECK(lo == 0 && hi == 0);
    /* Proportion limits stay within 0..1 and narrow as n grows. */
    double l1, h1, l2, h2;
    dsms_funnel_proportion(0.5, 10, 0.998, &l1, &h1);
    dsms_funnel_proportion(0.5, 1000, 0.998, &l2, &h2);
    CHECK(l1 >= 0 && h1 <= 1 && l1 < l2 && h2 < h1);
    /* A baseline of 0% or 100%: only that value is within the limits. */
    CHECK_INT(dsms_funnel_proportion(0, 100, 0.95, &l1, &h1), 0);
    CHECK(l1 == 0 && h1 == 0);
    CHECK_INT(dsms_funnel_proportion(1, 100, 0.95, &l1, &h1), 0);
    CHECK(fabs(l1 - 1) < 1e-12 && h1 == 1);
}

/* Worked values beyond the published ones. */
static void worked(void)
{
    double lo, hi;
    /* 0 events: the exact lower limit is 0, the upper -ln(0.025). */
    CHECK_INT(dsms_poisson_exact(0, 0.95, &lo, &hi), 0);
    CHECK(lo == 0 && fabs(hi + log(0.025)) < 1e-12);
    CHECK_INT(dsms_count_limits(9, 0.95, &lo, &hi), 0); /* exact */
    double e1, e2;
    dsms_poisson_exact(9, 0.95, &e1, &e2);
    CHECK(lo == e1 && hi == e2);
    CHECK_INT(dsms_byar(0, 0.95, &lo, &hi), 0);
    CHECK(lo == 0 && hi > 0);
    /* Wilson at 0 and at n: the limits reach 0 and 1. */
    CHECK_INT(dsms_wilson(0, 50, 0.95, &lo, &hi), 0);
    CHECK(lo == 0 && hi > 0 && hi < 1);
    CHECK_INT(dsms_wilson(50, 50, 0.95, &lo, &hi), 0);
    CHECK(hi == 1 && lo > 0);
    /* The first fuzz_stats finding: 0 of 51,041 at 90% had a lower limit of
     * 3.4e-21, above the value 0. */
    CHECK_INT(dsms_wilson(0, 51041, 0.90, &lo, &hi), 0);
    CHECK(lo == 0 && hi > 0);
    CHECK_INT(dsms_wilson(51041, 51041, 0.90, &lo, &hi), 0);
    CHECK(hi == 1 && lo < 1);
    /* A band with no people and no events adds nothing; fewer than 10 events
     * is withheld. */
    double cnt[2] = {0, 30}, pop[2] = {0, 1000}, w[2] = {1, 1}, v;
    CHECK_INT(dsms_dsr(cnt, pop, w, 2, 100000, 0.95, &v, &lo, &hi), 0);
    CHECK(fabs(v - 1500) < 1e-9);
    cnt[1] = 9;
    CHECK_INT(dsms_dsr(cnt, pop, w, 2, 100000, 0.95, &v, &lo, &hi), 1);
    CHECK(isnan(v) && isnan(lo) && isnan(hi));
    /* Mean of two equal values: no spread, limits at the mean. */
    const double same[2] = {4, 4};
    CHECK_INT(dsms_mean(same, 2, 0.95, &v, &lo, &hi), 0);
    CHECK(v == 4 && lo == 4 && hi == 4);
}

/* ---- indirectly standardised ratios ---- */

static void every_blank_has_note(const dsms_stats_table *t, const char *what);

/* The PHE test data (testdata_multiarea, whose 55-69 is the 55-59 band, and
 * testdata_refdata): each area's figures worked by hand from the formulas,
 * expected = sum of ref_count / ref_population x population over the bands,
 * the limits of the observed count (exact below 10, Byar's from 10) over
 * it; ratio x 100, and the rate per 100,000 with the reference's crude rate. */
static const struct {
    const char *area;
    double observed, expected, ratio, lim95[2], lim998[2], rate;
} isr_areas[] = {
    {"testdata_big", 895, 835.8835612311743, 107.07232939020275,
     {100.1714771255399, 114.3233287249895}, {96.35155619614437, 118.60070415876287},
     10011.137622091055},
    {"testdata_small", 91, 835.8835612311743, 10.886683770400502,
     {8.765040101829404, 13.366576328418912}, {7.695425528392108, 14.897920510466744},
     1017.8922051511577},
    {"testdata_tiny", 9, 835.8835612311743, 1.0767049882813684,
     {0.4923380825095768, 2.043921455549973}, {0.2933930655068266, 2.7105896514690206},
     100.67065765231229},
};

/* The reference as published, one band a line: band, ref_count, ref_population. */
static const char isr_reference[] =
    "age_band,ref_count,ref_population\n0-4,10303,50520\n5-9,2824,57173\n10-14,0,60213\n"
    "15-19,3615,54659\n20-24,3641,44345\n25-29,3490,50128\n30-34,3789,62163\n"
    "35-39,3213,67423\n40-44,3031,62899\n45-49,2771,55463\n50-54,3089,60479\n"
    "55-59,3490,49974\n60-64,3595,44140\n65-69,4745,40888\n70-74,5514,37239\n"
    "75-79,7125,30819\n80-84,5694,18136\n85-89,6210,15325\n90+,5757,13918\n";

/* The areas' counts by band, as published (an empty count: none), and the
 * populations, the same in each area. */
static const char *const isr_bands[19] = {"0-4",   "5-9",   "10-14", "15-19", "20-24",
                                          "25-29", "30-34", "35-39", "40-44", "45-49",
                                          "50-54", "55-59", "60-64", "65-69", "70-74",
                                          "75-79", "80-84", "85-89", "90+"};
static const char *const isr_counts[3][19] = {
    {"127", "25", "18", "21", "12", "27", "48", "27", "29", "32", "32", "34", "45", "65", "38",
     "68", "74", "82", "91"},
    {"12", "4", "3", "2", "3", "4", "8", "2", "2", "3", "4", "5", "6", "8", "5", "6", "5", "5",
     "4"},
    {"0", "0", "", "0", "0", "0", "1", "0", "0", "0", "0", "0", "1", "0", "0", "1", "1", "2",
     "3"},
};
static const double isr_pops[19] = {636, 558, 609, 543, 384, 594, 669, 843, 660, 576,
                                    606, 522, 426, 273, 300, 288, 153, 123, 207};

static void isr_check(const dsms_stats_table *t, int rate, double scale)
{
    CHECK_INT(t->nrows, NV(isr_areas));
    for (size_t i = 0; i < NV(isr_areas) && i < t->nrows; i++) {
        int row = (int)i + 1;
        double s = rate ? isr_areas[i].rate / isr_areas[i].ratio : scale;
        CHECK_STR(cell(t, i, "area"), isr_areas[i].area);
        figure(M_ISR, cell_num(t, i, "observed"), isr_areas[i].observed, "observed", row);
        figure(M_ISR, cell_num(t, i, "expected"), isr_areas[i].expected, "expected", row);
        figure(M_ISR, cell_num(t, i, "value"), isr_areas[i].ratio * s, "value", row);
        figure(M_ISR, cell_num(t, i, "lower95"), isr_areas[i].lim95[0] * s, "lower95", row);
        figure(M_ISR, cell_num(t, i, "upper95"), isr_areas[i].lim95[1] * s, "upper95", row);
        figure(M_ISR, cell_num(t, i, "lower99_8"), isr_areas[i].lim998[0] * s, "lower99_8", row);
        figure(M_ISR, cell_num(t, i, "upper99_8"), isr_areas[i].lim998[1] * s, "upper99_8", row);
        CHECK_STR(cell(t, i, "note"), "");
    }
}

static void isr(void)
{
    /* Worked by hand: 0 events in 2.5 expected, 3 in 4.2 (exact), 12 in 7.5 (Byar's). */
    static const struct {
        double o, e, lim95[2], lim998[2];
    } worked_isr[] = {
        {0, 2.5, {0, 1.4755517816455739}, {0, 2.763102111592855}},
        {3, 4.2, {0.14730288640371456, 2.0874459689862674},
         {0.045365089897237844, 3.1100573283781117}},
        {12, 7.5, {0.8258013124105371, 2.7950477404822265},
         {0.5333834653899998, 3.6107945802720534}},
    };
    for (size_t i = 0; i < NV(worked_isr); i++) {
        double lo, hi;
        CHECK_INT(dsms_isr(worked_isr[i].o, worked_isr[i].e, 0.95, &lo, &hi), 0);
        figure(M_ISR, lo, worked_isr[i].lim95[0], "lower95", (int)i + 1);
        figure(M_ISR, hi, worked_isr[i].lim95[1], "upper95", (int)i + 1);
        CHECK_INT(dsms_isr(worked_isr[i].o, worked_isr[i].e, 0.998, &lo, &hi), 0);
        figure(M_ISR, lo, worked_isr[i].lim998[0], "lower99_8", (int)i + 1);
        figure(M_ISR, hi, worked_isr[i].lim998[1], "upper99_8", (int)i + 1);
    }
    double lo, hi;
    CHECK_INT(dsms_isr(1, 0, 0.95, &lo, &hi), -1);
    CHECK(isnan(lo) && isnan(hi));
    CHECK_INT(dsms_isr(1, -1, 0.95, &lo, &hi), -1);
    CHECK(isnan(lo) && isnan(hi));
    CHECK_INT(dsms_isr(1, INFINITY, 0.95, &lo, &hi), -1);
    CHECK(isnan(lo) && isnan(hi));
    CHECK_INT(dsms_isr(-1, 1, 0.95, &lo, &hi), -1);
    CHECK(isnan(lo) && isnan(hi));
    CHECK_INT(dsms_isr(1, 1, 1, &lo, &hi), -1);
    CHECK(isnan(lo) && isnan(hi));

    /* The PHE data, with the reference in the rows and in a file of its own. */
    sbuf in = {0}, joined = {0};
    sadd(&in, "area,age_band,count,population\n");
    sadd(&joined, "area,age_band,count,population,ref_count,ref_population\n");
    for (size_t a = 0; a < 3; a++) {
        for (size_t b = 0; b < 19; b++) {
            sadd(&in, "%s,%s,%s,%.17g\n", isr_areas[a].area, isr_bands[b], isr_counts[a][b],
                 isr_pops[b]);
            /* The reference's line for band b: after the header, line b + 1. */
            const char *p = isr_reference;
            for (size_t k = 0; k <= b; k++) p = strchr(p, '\n') + 1;
            const char *comma = strchr(p, ','), *end = strchr(p, '\n');
            sadd(&joined, "%s,%s,%s,%.17g,%.*s\n", isr_areas[a].area, isr_bands[b],
                 isr_counts[a][b], isr_pops[b], (int)(end - comma - 1), comma + 1);
        }
    }
    for (int variant = 0; variant < 4; variant++) {
        dsms_stats_opts o;
        dsms_stats_opts_init(&o, DSMS_STATS_ISR);
        dsms_csv *ref = NULL;
        if (variant & 1) {
            ref = dsms_csv_open_mem(isr_reference, strlen(isr_reference));
            o.reference = ref;
            o.reference_path = "ref.csv";
        }
        if (variant == 2) o.multiplier = 1;
        if (variant == 3) o.isr_rate = 1;
        dsms_stats_table t;
        dsms_err err = {""};
        CHECK_INT(run_text(&o, variant & 1 ? in.text : joined.text, &t, &err), 0);
        CHECK_STR(err.msg, "");
        isr_check(&t, variant == 3, variant == 2 ? 0.01 : 1);
        dsms_stats_table_free(&t);
        dsms_csv_close(ref);
    }
    free(in.text);
    free(joined.text);

    /* Small cases through the table: 0 events, fewer than 10, a band of no
     * people, and an area whose expected count is 0. */
    dsms_stats_opts o;
    dsms_stats_opts_init(&o, DSMS_STATS_ISR);
    o.multiplier = 1;
    dsms_stats_table t;
    dsms_err err = {""};
    CHECK_INT(run_text(&o, "area,age_band,count,population,ref_count,ref_population\n"
                           "A,young,0,1000,10,4000\nA,old,0,500,30,2000\n"
                           "B,young,3,600,10,4000\nB,old,,280,30,2000\n"
                           "C,young,0,0,10,4000\nC,old,0,100,0,2000\n",
                       &t, &err), 0);
    CHECK_INT(t.nrows, 3);
    /* A: expected 1000 x 10/4000 + 500 x 30/2000 = 2.5 + 7.5 = 10. */
    CHECK(fabs(cell_num(&t, 0, "expected") - 10) < 1e-12);
    CHECK_STR(cell(&t, 0, "value"), "0");
    CHECK_STR(cell(&t, 0, "lower95"), "0");
    figure(M_ISR, cell_num(&t, 0, "upper95"), -log(0.025) / 10, "upper95 of 0", 1);
    /* B: expected 600/400 + 280 x 0.015 = 1.5 + 4.2 = 5.7; 3 events, exact. */
    CHECK(fabs(cell_num(&t, 1, "expected") - 5.7) < 1e-12);
    double e1, e2;
    dsms_poisson_exact(3, 0.998, &e1, &e2);
    figure(M_ISR, cell_num(&t, 1, "lower99_8"), e1 / 5.7, "lower99_8 of 3", 2);
    figure(M_ISR, cell_num(&t, 1, "upper99_8"), e2 / 5.7, "upper99_8 of 3", 2);
    CHECK_STR(cell(&t, 1, "observed"), "3");
    /* C: no expected events: no ratio, and the note says why. */
    CHECK_STR(cell(&t, 2, "expected"), "0");
    CHECK_STR(cell(&t, 2, "value"), "");
    CHECK(strstr(cell(&t, 2, "note"), "expected is 0") != NULL);
    every_blank_has_note(&t, "isr");
    dsms_stats_table_free(&t);
}

/* ---- funnels for ratios and for directly standardised rates ---- */

static void funnel_ratio(void)
{
    /* Control limits at an expected count e: the observed counts whose exact
     * interval just reaches e, over e. */
    dsms_stats_opts o;
    dsms_stats_opts_init(&o, DSMS_STATS_FUNNEL);
    o.funnel_ratio = 1;
    dsms_stats_table t;
    dsms_err err = {""};
    CHECK_INT(run_text(&o, "area,observed,expected\nA,0,2.5\nB,3,4.2\nC,12,7.5\nD,40,20\n"
                           "E,5,20\nF,,3\nG,11,10\n",
                       &t, &err), 0);
    CHECK_INT(t.nrows, 7);
    static const double es[] = {2.5, 4.2, 7.5, 20, 20};
    for (size_t i = 0; i < NV(es); i++) {
        double e = es[i], a, b;
        for (int l = 0; l < 2; l++) {
            double conf = l ? 0.998 : 0.95;
            double lo = cell_num(&t, i, l ? "lower99_8" : "lower95"),
                   hi = cell_num(&t, i, l ? "upper99_8" : "upper95");
            CHECK(lo < 1 && 1 < hi);
            dsms_poisson_exact(hi * e, conf, &a, &b);
            CHECK(fabs(a - e) < 1e-9 * e);
            if (lo > 0) {
                dsms_poisson_exact(lo * e, conf, &a, &b);
                CHECK(fabs(b - e) < 1e-9 * e);
            }
        }
        CHECK_STR(cell(&t, i, "baseline"), "1");
    }
    CHECK_STR(cell(&t, 1, "value"), "0.714285714285714");
    /* Significance from the observed count's limits: 40 in 20, Byar's
     * lower limit at 99.8% 23.2 > 20: high; 5 in 20, exact upper 15.7 < 20:
     * low; 11 in 10 is not significant. */
    CHECK_STR(cell(&t, 0, "significance"), "not significant");
    CHECK_STR(cell(&t, 3, "significance"), "high (99.8%)");
    CHECK_STR(cell(&t, 4, "significance"), "low (99.8%)");
    CHECK_STR(cell(&t, 5, "significance"), "");
    CHECK_STR(cell(&t, 5, "note"), "observed is empty");
    CHECK_STR(cell(&t, 6, "significance"), "not significant");
    every_blank_has_note(&t, "funnel ratio");
    dsms_stats_table_free(&t);

    /* The table by observed count, per 100 as for ratios from isr: 1 event
     * is on the lower 95% limit at the expected count of its exact upper
     * limit, 5.5716...; on the upper at -ln(0.975). */
    dsms_stats_opts_init(&o, DSMS_STATS_FUNNEL);
    o.funnel_ratio = 1;
    o.limits = 1, o.from = 1, o.to = 20, o.step = 1;
    o.multiplier = 100;
    CHECK_INT(dsms_stats_run(&o, "(no input)", NULL, &t, &err), 0);
    CHECK_INT(t.nrows, 20);
    CHECK_STR(cell(&t, 0, "baseline"), "100");
    figure(M_FUNNEL, cell_num(&t, 0, "expected_upper95"), -log(0.975), "expected_upper95", 1);
    figure(M_FUNNEL, cell_num(&t, 0, "upper95"), 100 / -log(0.975), "upper95", 1);
    figure(M_FUNNEL, cell_num(&t, 0, "expected_lower99_8"), 9.2334134764515591,
           "expected_lower99_8", 1);
    for (size_t i = 0; i < t.nrows; i++) {
        double x = cell_num(&t, i, "observed"), a, b;
        dsms_poisson_exact(x, 0.95, &a, &b);
        figure(M_FUNNEL, cell_num(&t, i, "expected_lower95"), b, "expected_lower95", (int)i + 1);
        figure(M_FUNNEL, cell_num(&t, i, "lower95"), x / b * 100, "lower95", (int)i + 1);
        figure(M_FUNNEL, cell_num(&t, i, "expected_upper95"), a, "expected_upper95", (int)i + 1);
        figure(M_FUNNEL, cell_num(&t, i, "upper95"), x / a * 100, "upper95", (int)i + 1);
    }
    dsms_stats_table_free(&t);
}

/* The published figures come from a bisection on v = e / (e + x + 1) that
 * stops once its step is below 1e-7: e is then known to a relative error of
 * about 1.2e-7 / (v (1 - v)), more than 5e-7 for the smallest expected
 * counts. Eight figures (the upper limits of 1 and 2 events) differ from the
 * exact ones by more than 5e-7 (up to 4.7e-5); they are checked to the
 * bisection's precision, and the exact figure for 1 event against its
 * closed form, -ln(1 - a). Every other figure agrees to 5e-7. */
static double published_precision(double e, double x)
{
    double v = e / (e + x + 1), t = 1.2e-7 / (v * (1 - v));
    return t > TOLERANCE ? t : TOLERANCE;
}

static void funnel_dsr(void)
{
    /* The baseline, pooled from the published rates. */
    sbuf in = {0};
    sadd(&in, "count,rate\n");
    for (size_t i = 0; i < NV(dsr_funnel_inputs); i++)
        sadd(&in, "%.17g,%.17g\n", dsr_funnel_inputs[i].events, dsr_funnel_inputs[i].rate);
    dsms_stats_opts o;
    dsms_stats_opts_init(&o, DSMS_STATS_FUNNEL);
    o.funnel_dsr = 1, o.years = DSR_FUNNEL_YEARS;
    dsms_stats_table t;
    dsms_err err = {""};
    CHECK_INT(run_text(&o, in.text, &t, &err), 0);
    figure(M_FDSR, cell_num(&t, 0, "baseline"), DSR_FUNNEL_BASELINE, "baseline", 1);
    double base = cell_num(&t, 0, "baseline");
    dsms_stats_table_free(&t);
    free(in.text);

    /* The limits by number of events, from that baseline. */
    o.limits = 1, o.from = 1, o.to = 1360, o.step = 1;
    o.baseline = base;
    CHECK_INT(dsms_stats_run(&o, "(no input)", NULL, &t, &err), 0);
    CHECK_INT(t.nrows, 1360);
    static const char *const cols[2][4] = {
        {"population_lower95", "lower95", "population_upper95", "upper95"},
        {"population_lower99_8", "lower99_8", "population_upper99_8", "upper99_8"}};
    int wide = 0;
    for (size_t i = 0; i < NV(dsr_funnel_vectors); i++) {
        const dsr_funnel_vector *v = &dsr_funnel_vectors[i];
        size_t row = (size_t)v->events - 1;
        CHECK(cell_num(&t, row, "events") == v->events);
        for (int l = 0; l < 2; l++) {
            const double *want = l ? v->lim998 : v->lim95;
            for (int k = 0; k < 4; k++) {
                double got = cell_num(&t, row, cols[l][k]);
                /* The expected count at which the limit is reached. */
                double pop = cell_num(&t, row, cols[l][k & 2]);
                double e = pop * DSR_FUNNEL_YEARS * base / 100000;
                double rel = fabs(got - want[k]) / fabs(want[k]);
                if (!(rel < TOLERANCE) && rel < published_precision(e, v->events)) {
                    wide++;
                    figures[M_FDSR]++;
                    check_passed++;
                    continue;
                }
                figure(M_FDSR, got, want[k], cols[l][k], (int)i + 1);
            }
        }
    }
    CHECK_INT(wide, 8);
    /* 1 event lies on the upper limit where e = -ln(1 - a). */
    figure(M_FDSR, cell_num(&t, 0, "population_upper99_8"),
           -log(0.999) / (base / 100000) / DSR_FUNNEL_YEARS, "population_upper99_8", 1);
    dsms_stats_table_free(&t);

    /* Significance of the published rates, per 100,000 and per 100. */
    for (int per100 = 0; per100 < 2; per100++) {
        sbuf s = {0};
        sadd(&s, "count,rate\n");
        for (size_t i = 0; i < NV(dsr_sig_vectors); i++)
            sadd(&s, "%.17g,%.17g\n", dsr_sig_vectors[i].events,
                 dsr_sig_vectors[i].rate / (per100 ? 1000 : 1));
        sadd(&s, "0,\n");
        dsms_stats_opts_init(&o, DSMS_STATS_FUNNEL);
        o.funnel_dsr = 1, o.years = 1;
        if (per100) o.multiplier = 100;
        CHECK_INT(run_text(&o, s.text, &t, &err), 0);
        CHECK_INT(t.nrows, NV(dsr_sig_vectors) + 1);
        int wrong = 0;
        for (size_t i = 0; i < NV(dsr_sig_vectors) && i < t.nrows; i++) {
            const char *want = "not significant";
            switch (dsr_sig_vectors[i].significance) {
            case 'H': want = "high (99.8%)"; break;
            case 'h': want = "high (95%)"; break;
            case 'l': want = "low (95%)"; break;
            case 'L': want = "low (99.8%)"; break;
            }
            if (strcmp(cell(&t, i, "significance"), want) != 0) {
                wrong++;
                fprintf(stderr, "dsr funnel row %zu: %s, expected %s\n", i + 1,
                        cell(&t, i, "significance"), want);
            }
        }
        CHECK_INT(wrong, 0);
        figures[M_FDSR] += (int)NV(dsr_sig_vectors);
        CHECK_STR(cell(&t, NV(dsr_sig_vectors), "significance"), "");
        CHECK_STR(cell(&t, NV(dsr_sig_vectors), "note"), "rate is empty");
        dsms_stats_table_free(&t);
        free(s.text);
    }
    /* Fewer than 10 events: no significance; no events: no population. */
    dsms_stats_opts_init(&o, DSMS_STATS_FUNNEL);
    o.funnel_dsr = 1, o.years = 2;
    CHECK_INT(run_text(&o, "count,rate\n9,50\n0,0\n100,100\n", &t, &err), 0);
    CHECK_STR(cell(&t, 0, "significance"), "");
    CHECK(strstr(cell(&t, 0, "note"), "fewer than 10 events") != NULL);
    CHECK_STR(cell(&t, 0, "population"), "9000"); /* 9 / 50 x 100,000 over 2 years */
    CHECK_STR(cell(&t, 1, "population"), "");
    CHECK(strstr(cell(&t, 1, "note"), "no events") != NULL);
    /* baseline: 109 events in 118,000 people. */
    figure(M_FDSR, cell_num(&t, 0, "baseline"), 109.0 / 118000 * 100000, "baseline", 1);
    every_blank_has_note(&t, "funnel dsr");
    dsms_stats_table_free(&t);
}

/* ---- numbers the methods cannot handle, and large ones they can ---- */

/* What dsms_stats_number reads, and what it does not. */
static void numbers(void)
{
    static const struct {
        const char *s;
        double v;
    } good[] = {{"0", 0},      {"-0", 0},     {"3.0", 3},       {"1e3", 1000},
                {"1E+3", 1000}, {"2.5e-1", 0.25}, {".5", 0.5},   {"5.", 5},
                {"-4.25", -4.25}, {"9007199254740992", 9007199254740992.0},
                {"1e308", 1e308}, {"1e-300", 1e-300}, {"2.2250738585072014e-308", DBL_MIN}};
    for (size_t i = 0; i < NV(good); i++) {
        double v = NAN;
        CHECK_INT(dsms_stats_number(good[i].s, &v), 0);
        CHECK(v == good[i].v && (v != 0 || !signbit(v))); /* -0 read as 0 */
    }
    static const char *const bad[] = {"",    " 1",    "1 ",   "\t1",  "+1",     "nan",  "NaN",
                                      "inf", "-inf",  "infinity", "0x10", "0x1p3", "1e",   "1e+",
                                      ".",   "-",     "1.2.3", "1,5", "1_000",  "1e400", "-1e400",
                                      "1e-400", "1e-310", "4.9e-324", "1e5x", "--1"};
    for (size_t i = 0; i < NV(bad); i++) {
        double v = 42;
        if (dsms_stats_number(bad[i], &v) == -1) check_passed++;
        else {
            check_failed++;
            fprintf(stderr, "dsms_stats_number('%s') read %g, expected a refusal\n", bad[i], v);
        }
    }
}

/* Every method that reads a count refuses each kind of bad count with the
 * file, line, column and what was expected. */
static void counts(void)
{
    static const struct {
        const char *cell, *why;
    } bad[] = {
        {"2.5", "'2.5' is not a whole number"},
        {"1.5", "'1.5' is not a whole number"},
        {"1e-1", "'1e-1' is not a whole number"},
        {"3.00000000000000001", "'3.00000000000000001' is not a whole number"},
        {"1e308", "'1e308' is more than 9007199254740992"},
        {"9007199254740993", "'9007199254740993' is more than 9007199254740992"},
        {"9007199254740992.5", "'9007199254740992.5' is more than 9007199254740992"},
        {"1e99999999999", "'1e99999999999' is more than 9007199254740992"},
        {"-0", "'-0' has a minus sign"},
        {"-1", "'-1' is negative"},
        {"nan", "'nan' is not a number"},
        {"inf", "'inf' is not a number"},
        {"0x10", "'0x10' is not a number"},
        {"\" 1\"", "' 1' has a space before or after it"},
    };
    static const struct {
        dsms_stats_method m;
        int rate;
        const char *head, *before, *after, *column;
        int line;
    } where[] = {
        {DSMS_STATS_PROPORTION, 0, "numerator,denominator\n1,10\n", "", ",10\n", "numerator", 3},
        {DSMS_STATS_RATE, 0, "count,denominator\n", "", ",10\n", "count", 2},
        {DSMS_STATS_FUNNEL, 1, "count,denominator\n", "", ",10\n", "count", 2},
        {DSMS_STATS_TREND, 0, "area,period,numerator,denominator\n", "A,2020,", ",10\n",
         "numerator", 2},
        {DSMS_STATS_DSR, 0, "area,age_band,count,population\n", "A,0-4,", ",100\n", "count", 2},
    };
    for (size_t w = 0; w < NV(where); w++) {
        for (size_t i = 0; i < NV(bad); i++) {
            char text[200], want[300];
            snprintf(text, sizeof text, "%s%s%s%s", where[w].head, where[w].before, bad[i].cell,
                     where[w].after);
            snprintf(want, sizeof want, "in.csv:%d: %s: %s (expected a count from 0 to "
                     "9007199254740992", where[w].line, where[w].column, bad[i].why);
            dsms_stats_opts o;
            dsms_stats_opts_init(&o, where[w].m);
            o.funnel_rate = where[w].rate;
            dsms_stats_table t;
            dsms_err err = {""};
            CHECK_INT(run_text(&o, text, &t, &err), -1);
            if (strncmp(err.msg, want, strlen(want)) == 0) check_passed++;
            else {
                check_failed++;
                fprintf(stderr, "%s: got \"%s\", expected \"%s...\"\n", text, err.msg, want);
            }
        }
    }
    /* The edges that are counts: 0 and 2^53; 3.0 and 1e3 are whole. */
    dsms_stats_opts o;
    dsms_stats_opts_init(&o, DSMS_STATS_RATE);
    o.multiplier = 1;
    dsms_stats_table t;
    dsms_err err = {""};
    CHECK_INT(run_text(&o, "count,denominator\n0,10\n9007199254740992,9007199254740992\n3.0,1\n"
                           "1e3,1E3\n", &t, &err), 0);
    CHECK_STR(cell(&t, 0, "value"), "0");
    CHECK_STR(cell(&t, 1, "value"), "1");
    CHECK_STR(cell(&t, 2, "value"), "3");
    CHECK_STR(cell(&t, 3, "value"), "1");
    CHECK_STR(cell(&t, 1, "count"), "9007199254740992"); /* as written */
    dsms_stats_table_free(&t);
    /* Denominators and populations stop at 2^53 as well. */
    dsms_stats_opts_init(&o, DSMS_STATS_RATE);
    CHECK_INT(run_text(&o, "count,denominator\n1,9007199254740993\n", &t, &err), -1);
    CHECK_STR(err.msg, "in.csv:2: denominator: '9007199254740993' is more than 9007199254740992 "
                       "(expected a number more than 0 and at most 9007199254740992)");
    CHECK_INT(run_text(&o, "count,denominator\n1,-0\n", &t, &err), -1);
    CHECK_STR(err.msg, "in.csv:2: denominator: '-0' has a minus sign (expected a number more "
                       "than 0 and at most 9007199254740992)");
    dsms_stats_opts_init(&o, DSMS_STATS_FUNNEL);
    CHECK_INT(run_text(&o, "numerator,denominator\n1,1e308\n1,1e308\n", &t, &err), -1);
    CHECK_STR(err.msg, "in.csv:2: denominator: '1e308' is more than 9007199254740992 (expected "
                       "a number more than 0 and at most 9007199254740992)");
    /* A proportion's funnel numerator may carry a fraction (PHE's own funnel
     * data does), but it is still a number within range. */
    CHECK_INT(run_text(&o, "numerator,denominator\n2.5,10\n", &t, &err), 0);
    dsms_stats_table_free(&t);
    CHECK_INT(run_text(&o, "numerator,denominator\n1e308,10\n", &t, &err), -1);
    CHECK_STR(err.msg, "in.csv:2: numerator: '1e308' is more than 9007199254740992 (expected "
                       "a number from 0 to 9007199254740992)");
    o.multiplier = 2e9;
    CHECK_INT(run_text(&o, "numerator,denominator\n1,10\n", &t, &err), -1);
    CHECK_STR(err.msg, "multiplier 2e+09 is out of range (expected a number more than 0 and at "
                       "most 1000000000, such as 100 or 100000)");
}

/* Every empty cell of a column the method adds has a note saying why. */
static void every_blank_has_note(const dsms_stats_table *t, const char *what)
{
    CHECK_STR(t->name[t->ncols - 1], "note");
    for (size_t i = 0; i < t->nrows; i++) {
        const char *note = t->cell[i * t->ncols + t->ncols - 1];
        for (size_t c = t->ninput; c + 1 < t->ncols; c++) {
            if (t->cell[i * t->ncols + c] || note) continue;
            check_failed++;
            fprintf(stderr, "%s row %zu: %s is empty without a note\n", what, i + 1, t->name[c]);
            return;
        }
    }
    check_passed++;
}

/* Where a figure cannot be given, the note says why. */
static void notes(void)
{
    static const struct {
        dsms_stats_method m;
        const char *text;
        size_t row;
        const char *note;
    } cases[] = {
        {DSMS_STATS_PROPORTION, "numerator,denominator\n,10\n", 0, "numerator is empty"},
        {DSMS_STATS_PROPORTION, "numerator,denominator\n1,\n", 0, "denominator is empty"},
        {DSMS_STATS_RATE, "count,denominator\n,\n", 0, "count is empty; denominator is empty"},
        {DSMS_STATS_FUNNEL, "numerator,denominator\n1,10\n,10\n", 1, "numerator is empty"},
        {DSMS_STATS_MEAN, "area,value\nA,1\nB,\n", 0, "one value: no standard deviation or limits"},
        {DSMS_STATS_MEAN, "area,value\nA,1\nB,\n", 1, "no values"},
        {DSMS_STATS_COMPARE, "lower95,upper95,benchmark\n1,2,\n", 0, "benchmark is empty"},
        {DSMS_STATS_COMPARE, "lower95,upper95,benchmark\n,2,1\n", 0, "lower95 is empty"},
        {DSMS_STATS_TREND, "area,period,numerator,denominator\nA,2020,1,10\n", 0,
         "fewer than 5 points"},
        /* Figures beyond a double from numbers in range: 2^53 events in
         * 1e-300 units, per 1e9. */
        {DSMS_STATS_RATE, "count,denominator\n9007199254740992,1e-300\n", 0,
         "a figure is beyond the numbers that can be held"},
        /* Values near the largest double: the mean and sd are given, the
         * limits are beyond. */
        {DSMS_STATS_MEAN, "area,value\nA,1e308\nA,-1e308\nA,1e308\n", 0,
         "a figure is beyond the numbers that can be held"},
    };
    for (size_t i = 0; i < NV(cases); i++) {
        dsms_stats_opts o;
        dsms_stats_opts_init(&o, cases[i].m);
        if (cases[i].m == DSMS_STATS_RATE) o.multiplier = 1e9;
        dsms_stats_table t;
        dsms_err err = {""};
        CHECK_INT(run_text(&o, cases[i].text, &t, &err), 0);
        CHECK_STR(cell(&t, cases[i].row, "note"), cases[i].note);
        every_blank_has_note(&t, cases[i].text);
        if (cases[i].m == DSMS_STATS_TREND) CHECK_STR(cell(&t, 0, "trend"), "cannot be calculated");
        dsms_stats_table_free(&t);
    }
    /* The mean near the largest double: a third of 1e308, sd sqrt(4/3) 1e308. */
    dsms_stats_opts o;
    dsms_stats_opts_init(&o, DSMS_STATS_MEAN);
    dsms_stats_table t;
    dsms_err err = {""};
    CHECK_INT(run_text(&o, "area,value\nA,1e308\nA,-1e308\nA,1e308\n", &t, &err), 0);
    CHECK(fabs(cell_num(&t, 0, "value") / (1e308 / 3) - 1) < 1e-14);
    CHECK(fabs(cell_num(&t, 0, "sd") / 1e308 - sqrt(4.0 / 3)) < 1e-14);
    CHECK_STR(cell(&t, 0, "lower95"), "");
    dsms_stats_table_free(&t);
    /* A complete row has an empty note, null in JSON. */
    dsms_stats_opts_init(&o, DSMS_STATS_PROPORTION);
    CHECK_INT(run_text(&o, "numerator,denominator\n1,10\n", &t, &err), 0);
    CHECK(t.cell[t.ncols - 1] == NULL);
    CHECK_INT(t.ninput, 2);
    dsms_stats_table_free(&t);
}

/* Large counts that are allowed: no overflow, no lost spread. */
static void large(void)
{
    const double n53 = 9007199254740992.0, z95 = 1.959963984540054, z998 = 3.090232306167813;
    double lo, hi, lo2, hi2;
    /* Wilson at x = n = 2^53: n/(n + z^2) below 1, not 1. */
    CHECK_INT(dsms_wilson(n53, n53, 0.95, &lo, &hi), 0);
    CHECK(hi == 1 && lo < 1 && fabs(lo - n53 / (n53 + z95 * z95)) <= 2.3e-16);
    /* 1 of 2^53, against the textbook form in long double. */
    CHECK_INT(dsms_wilson(1, n53, 0.95, &lo, &hi), 0);
    long double x = 1, n = n53, z = z95, z2 = z * z;
    long double root = z * sqrtl(z2 + 4 * x * (n - x) / n), den = 2 * (n + z2);
    CHECK(fabsl(lo / ((2 * x + z2 - root) / den) - 1) < 1e-9);
    CHECK(fabsl(hi / ((2 * x + z2 + root) / den) - 1) < 1e-15);
    /* A tiny denominator (0 of 1e-300) no longer overflows to NaN. */
    CHECK_INT(dsms_wilson(0, 1e-300, 0.95, &lo, &hi), 0);
    CHECK(lo == 0 && hi == 1);
    /* Funnel for a proportion at n = 1e15: p0 -+ z sqrt(p0 (1 - p0) / n). */
    CHECK_INT(dsms_funnel_proportion(0.9, 1e15, 0.95, &lo, &hi), 0);
    double half = z95 * sqrt(0.09 / 1e15);
    CHECK(fabs((0.9 - lo) / half - 1) < 1e-7 && fabs((hi - 0.9) / half - 1) < 1e-7);
    /* Funnel for a rate at e = 0.9 x 2^53: e -+ z sqrt(e) events, each level
     * its own (GSL's gamma function once made them equal). */
    CHECK_INT(dsms_funnel_rate(0.9, n53, 0.95, &lo, &hi), 0);
    CHECK_INT(dsms_funnel_rate(0.9, n53, 0.998, &lo2, &hi2), 0);
    double e = 0.9 * n53;
    CHECK(fabs((e - lo * n53) / (z95 * sqrt(e)) - 1) < 1e-6);
    CHECK(fabs((hi * n53 - e) / (z95 * sqrt(e)) - 1) < 1e-6);
    CHECK(fabs((e - lo2 * n53) / (z998 * sqrt(e)) - 1) < 1e-6);
    CHECK(lo2 < lo && hi < hi2);
    /* Across the change of method at an expected count of 1e6, the lower
     * limit moves by about one event per event, as on either side. */
    double a1, b1, a2, b2;
    CHECK_INT(dsms_funnel_rate(1, 999999, 0.95, &a1, &b1), 0);
    CHECK_INT(dsms_funnel_rate(1, 1000000, 0.95, &a2, &b2), 0);
    CHECK(fabs(a2 * 1000000 - a1 * 999999 - (1 - z95 / 2000)) < 1e-3);
    CHECK(fabs(b2 * 1000000 - b1 * 999999 - (1 + z95 / 2000)) < 1e-3);
    /* Byar's at 2^53 events: x -+ z sqrt(x). */
    CHECK_INT(dsms_byar(n53, 0.95, &lo, &hi), 0);
    CHECK(fabs((n53 - lo) / (z95 * sqrt(n53)) - 1) < 1e-6);
    CHECK(fabs((hi - n53) / (z95 * sqrt(n53)) - 1) < 1e-6);
    /* Means and standard deviations near the largest double. */
    const double huge[3] = {1e308, -1e308, 1e308};
    CHECK(fabs(dsms_sd(huge, 3) / 1e308 - sqrt(4.0 / 3)) < 1e-14);
    double m;
    CHECK_INT(dsms_mean(huge, 3, 0.95, &m, &lo, &hi), 0);
    CHECK(fabs(m / (1e308 / 3) - 1) < 1e-14 && isinf(lo) && isinf(hi));
    CHECK(isnan(dsms_sd(huge, 1)));
}

/* Bad input to every function: -1, outputs NaN. */
#define BAD2(call)                                   \
    do {                                             \
        double lo = 0, hi = 0;                       \
        CHECK_INT(call, -1);                         \
        CHECK(isnan(lo) && isnan(hi));               \
    } while (0)
#define BAD3(call)                                   \
    do {                                             \
        double v = 0, lo = 0, hi = 0;                \
        CHECK_INT(call, -1);                         \
        CHECK(isnan(v) && isnan(lo) && isnan(hi));   \
    } while (0)

static void bad_input(void)
{
    const double confs[] = {0, 1, -0.5, 95, NAN, INFINITY};
    for (size_t i = 0; i < NV(confs); i++) {
        double c = confs[i];
        BAD2(dsms_wilson(5, 10, c, &lo, &hi));
        BAD2(dsms_poisson_exact(5, c, &lo, &hi));
        BAD2(dsms_byar(15, c, &lo, &hi));
        BAD2(dsms_count_limits(15, c, &lo, &hi));
        BAD2(dsms_funnel_proportion(0.5, 10, c, &lo, &hi));
        BAD2(dsms_funnel_rate(0.5, 10, c, &lo, &hi));
        const double vals[3] = {1, 2, 3}, cnt[2] = {10, 20}, pop[2] = {100, 100};
        BAD3(dsms_mean(vals, 3, c, &v, &lo, &hi));
        BAD3(dsms_mean_summary(6, 3, 1, c, &v, &lo, &hi));
        BAD3(dsms_dsr(cnt, pop, pop, 2, 100000, c, &v, &lo, &hi));
    }
    BAD2(dsms_wilson(5, 0, 0.95, &lo, &hi));
    BAD2(dsms_wilson(5, -10, 0.95, &lo, &hi));
    BAD2(dsms_wilson(-1, 10, 0.95, &lo, &hi));
    BAD2(dsms_wilson(11, 10, 0.95, &lo, &hi));
    BAD2(dsms_wilson(NAN, 10, 0.95, &lo, &hi));
    BAD2(dsms_wilson(5, INFINITY, 0.95, &lo, &hi));
    BAD2(dsms_poisson_exact(-1, 0.95, &lo, &hi));
    BAD2(dsms_poisson_exact(NAN, 0.95, &lo, &hi));
    BAD2(dsms_poisson_exact(INFINITY, 0.95, &lo, &hi));
    BAD2(dsms_byar(-1, 0.95, &lo, &hi));
    BAD2(dsms_byar(NAN, 0.95, &lo, &hi));
    BAD2(dsms_count_limits(-3, 0.95, &lo, &hi));
    BAD2(dsms_count_limits(INFINITY, 0.95, &lo, &hi));
    BAD2(dsms_funnel_proportion(-0.1, 10, 0.95, &lo, &hi));
    BAD2(dsms_funnel_proportion(1.1, 10, 0.95, &lo, &hi));
    BAD2(dsms_funnel_proportion(0.5, 0, 0.95, &lo, &hi));
    BAD2(dsms_funnel_proportion(NAN, 10, 0.95, &lo, &hi));
    BAD2(dsms_funnel_rate(-1, 10, 0.95, &lo, &hi));
    BAD2(dsms_funnel_rate(0.1, -10, 0.95, &lo, &hi));
    BAD2(dsms_funnel_rate(0.1, INFINITY, 0.95, &lo, &hi));
    BAD2(dsms_funnel_rate(1e300, 1e300, 0.95, &lo, &hi));
    const double one[1] = {3}, nan2[2] = {1, NAN};
    BAD3(dsms_mean(one, 1, 0.95, &v, &lo, &hi));
    BAD3(dsms_mean(NULL, 3, 0.95, &v, &lo, &hi));
    BAD3(dsms_mean(nan2, 2, 0.95, &v, &lo, &hi));
    BAD3(dsms_mean_summary(6, 1, 1, 0.95, &v, &lo, &hi));
    BAD3(dsms_mean_summary(6, 3, -1, 0.95, &v, &lo, &hi));
    BAD3(dsms_mean_summary(NAN, 3, 1, 0.95, &v, &lo, &hi));
    const double c2[2] = {10, 20}, p2[2] = {100, 100}, w2[2] = {1, 1};
    const double cneg[2] = {-1, 20}, p0[2] = {0, 100}, pneg[2] = {100, -1}, wneg[2] = {-1, 1};
    const double cnan[2] = {NAN, 20}, wz[2] = {0, 0};
    BAD3(dsms_dsr(NULL, p2, w2, 2, 100000, 0.95, &v, &lo, &hi));
    BAD3(dsms_dsr(c2, p2, w2, 0, 100000, 0.95, &v, &lo, &hi));
    BAD3(dsms_dsr(cneg, p2, w2, 2, 100000, 0.95, &v, &lo, &hi));
    BAD3(dsms_dsr(cnan, p2, w2, 2, 100000, 0.95, &v, &lo, &hi));
    BAD3(dsms_dsr(c2, p0, w2, 2, 100000, 0.95, &v, &lo, &hi)); /* events among no people */
    BAD3(dsms_dsr(c2, pneg, w2, 2, 100000, 0.95, &v, &lo, &hi));
    BAD3(dsms_dsr(c2, p2, wneg, 2, 100000, 0.95, &v, &lo, &hi));
    BAD3(dsms_dsr(c2, p2, wz, 2, 100000, 0.95, &v, &lo, &hi));
    BAD3(dsms_dsr(c2, p2, w2, 2, 0, 0.95, &v, &lo, &hi));
    BAD3(dsms_dsr(c2, p2, w2, 2, NAN, 0.95, &v, &lo, &hi));
}

/* The table layer's messages: file, line and column. */
static void table_errors(void)
{
    static const struct {
        dsms_stats_method m;
        const char *text, *message;
    } cases[] = {
        {DSMS_STATS_PROPORTION, "", "in.csv: empty (expected a header naming the columns "
                                    "numerator,denominator)"},
        {DSMS_STATS_PROPORTION, "numerator,denom\n1,2\n",
         "in.csv: missing column denominator (expected numerator,denominator)"},
        {DSMS_STATS_PROPORTION, "numerator,denominator\n1,2\nx,2\n",
         "in.csv:3: numerator: 'x' is not a number (expected a count from 0 to 9007199254740992)"},
        {DSMS_STATS_PROPORTION, "numerator,denominator\n-1,2\n",
         "in.csv:2: numerator: '-1' is negative (expected a count from 0 to 9007199254740992)"},
        {DSMS_STATS_PROPORTION, "numerator,denominator\n3,2\n",
         "in.csv:2: numerator: 3 is more than the denominator 2 (expected a numerator no more "
         "than its denominator)"},
        {DSMS_STATS_PROPORTION, "numerator,denominator\n1,0\n",
         "in.csv:2: denominator: '0' is 0 (expected a number more than 0 and at most "
         "9007199254740992)"},
        {DSMS_STATS_RATE, "count,denominator\n1,inf\n",
         "in.csv:2: denominator: 'inf' is not a number (expected a number more than 0 and at most "
         "9007199254740992)"},
        {DSMS_STATS_RATE, "count,denominator\n1,2,3\n",
         "in.csv:2: row: row has 3 fields (expected 2 fields, as in the header)"},
        {DSMS_STATS_RATE, "count,denominator,value\n1,2,3\n",
         "in.csv: column value is one that rate adds to the output (expected it renamed or left "
         "out)"},
        {DSMS_STATS_RATE, "count,count\n1,2\n",
         "in.csv:1: header: column 'count' appears twice (expected each column once)"},
        {DSMS_STATS_DSR, "area,age_band,count,population\nA,0-4,1,100\n",
         "in.csv: area A has no row for age band 5-9 (expected a row for each of the 19 bands "
         "0-4, 5-9, ..., 85-89, 90+)"},
        {DSMS_STATS_DSR, "area,age_band,count,population\nA,55-69,1,100\n",
         "in.csv:2: age_band: '55-69' is not an age band (expected one of 0-4, 5-9, ..., 85-89, "
         "90+: the 2013 European Standard Population's)"},
        {DSMS_STATS_DSR, "area,age_band,count,population\nA,0-4,1,100\nA,0-4,1,100\n",
         "in.csv:3: age_band: a second row for area A, band 0-4 (expected one, as on line 2)"},
        {DSMS_STATS_DSR, "area,age_band,count,population\nA,0-4,1,0\n",
         "in.csv:2: count: 1 events among no people (expected 0 where population is 0)"},
        {DSMS_STATS_MEAN, "area,value\nA,1e999\n",
         "in.csv:2: value: '1e999' is too large to be held (expected a number)"},
        {DSMS_STATS_FUNNEL, "numerator,denominator\n,10\n",
         "in.csv: no row has both numerator and denominator (expected at least one, for the "
         "baseline, or --baseline)"},
        {DSMS_STATS_COMPARE, "area,lower95,upper95\nA,1,2\n",
         "in.csv: missing column benchmark (expected lower and upper limits such as "
         "lower95,upper95, and benchmark (or --benchmark))"},
        {DSMS_STATS_COMPARE, "area,lower95,upper95,benchmark\nA,3,2,1\n",
         "in.csv:2: lower95: 3 is above the upper limit 2 (expected lower no more than upper)"},
        {DSMS_STATS_TREND, "area,period,numerator,denominator\nA,2020,1,2\nA,2020,1,2\n",
         "in.csv:3: period: a second row for area A, period 2020 (expected one, as on line 2)"},
        {DSMS_STATS_TREND, "area,period,numerator,denominator\nA,\"20\"20\",1,2\n",
         "in.csv:2: row: malformed quoting (a quote inside an unquoted field, text after a "
         "closing quote, or a stray carriage return)"},
    };
    for (size_t i = 0; i < NV(cases); i++) {
        dsms_stats_opts o;
        dsms_stats_opts_init(&o, cases[i].m);
        dsms_stats_table t;
        dsms_err err = {""};
        CHECK_INT(run_text(&o, cases[i].text, &t, &err), -1);
        CHECK_STR(err.msg, cases[i].message);
        CHECK(t.nrows == 0 && t.ncols == 0 && t.cell == NULL);
    }
    /* isr, with the reference in the rows or in its own file, and the
     * funnels for ratios and for directly standardised rates. */
    static const char isr_head[] = "area,age_band,count,population,ref_count,ref_population\n";
    static const struct {
        int kind; /* 0 isr, 1 isr with ref.csv, 2 funnel ratio, 3 funnel dsr */
        const char *text, *reference, *message;
    } more[] = {
        {0, "area,age_band,count,population\nA,0-4,1,2\n", NULL,
         "in.csv: missing column ref_count (expected area,age_band,count,population,ref_count,"
         "ref_population)"},
        {0, "A,0-4,1,2,3,0\n", NULL,
         "in.csv:2: ref_population: '0' is 0 (expected a number more than 0 and at most "
         "9007199254740992)"},
        {0, "A,0-4,1,2,3,4\nA,5-9,1,2,3,4\nA,0-4,1,2,3,4\n", NULL,
         "in.csv:4: age_band: a second row for area A, band 0-4 (expected one, as on line 2)"},
        {0, "A,0-4,x,2,3,4\n", NULL,
         "in.csv:2: count: 'x' is not a number (expected a count from 0 to 9007199254740992)"},
        {0, "A,0-4,1.5,2,3,4\n", NULL,
         "in.csv:2: count: '1.5' is not a whole number (expected a count from 0 to "
         "9007199254740992)"},
        {0, "A,0-4,1,2,,4\n", NULL,
         "in.csv:2: ref_count: empty (expected the reference's count of events in the band)"},
        {0, "A,0-4,1,2,3,\n", NULL,
         "in.csv:2: ref_population: empty (expected the reference's population in the band)"},
        {0, "A,0-4,1,,3,4\n", NULL,
         "in.csv:2: population: empty (expected the number of people, from 0 to "
         "9007199254740992)"},
        {0, "A,,1,2,3,4\n", NULL,
         "in.csv:2: age_band: empty (expected the age band the row is about)"},
        {0, ",0-4,1,2,3,4\n", NULL,
         "in.csv:2: area: empty (expected the area the row is about)"},
        {0, "A,0-4,1,0,3,4\n", NULL,
         "in.csv:2: count: 1 events among no people (expected 0 where population is 0)"},
        {0, "A,0-4,-1,2,3,4\n", NULL,
         "in.csv:2: count: '-1' is negative (expected a count from 0 to 9007199254740992)"},
        {1, "area,age_band,count,population\nA,0-4,1,2\n",
         "age_band,ref_count,ref_population\n0-4,1,100\n5-9,2,100\n",
         "in.csv: area A has no row for age band 5-9 (expected a row for each band of the "
         "reference ref.csv)"},
        {1, "area,age_band,count,population\nA,0-4,1,2\nA,10-14,1,2\n",
         "age_band,ref_count,ref_population\n0-4,1,100\n5-9,2,100\n",
         "in.csv:3: age_band: '10-14' is not a band of the reference ref.csv (expected one of "
         "its age bands)"},
        {1, "area,age_band,count,population\nA,0-4,1,2\n",
         "age_band,ref_count,ref_population\n0-4,1,100\n0-4,2,100\n",
         "ref.csv:3: age_band: a second row for band 0-4 (expected one, as on line 2)"},
        {1, "area,age_band,count,population\nA,0-4,1,2\n",
         "age_band,ref_count,ref_population\n0-4,1,0\n",
         "ref.csv:2: ref_population: '0' is 0 (expected a number more than 0 and at most "
         "9007199254740992)"},
        {1, "area,age_band,count,population\nA,0-4,1,2\n", "age_band,ref_count\n0-4,1\n",
         "ref.csv: missing column ref_population (expected age_band,ref_count,ref_population)"},
        {1, "area,age_band,count,population\nA,0-4,1,2\n", "",
         "ref.csv: empty (expected a header naming the columns age_band,ref_count,"
         "ref_population)"},
        {2, "observed,expected\n1,0\n", NULL,
         "in.csv:2: expected: '0' is 0 (expected a number more than 0 and at most "
         "9007199254740992)"},
        {2, "observed,expected\n1.5,2\n", NULL,
         "in.csv:2: observed: '1.5' is not a whole number (expected a count from 0 to "
         "9007199254740992)"},
        {2, "count,expected\n1,2\n", NULL,
         "in.csv: missing column observed (expected observed,expected (a funnel for a ratio))"},
        {3, "count,rate\n1,0\n", NULL,
         "in.csv:2: rate: 0 with 1 events (expected a rate more than 0 where there are events)"},
        {3, "count,rate\n0,0\n", NULL,
         "in.csv: no row has both count and rate with events (expected at least one, for the "
         "baseline, or --baseline)"},
        {3, "count,rate\n1,-2\n", NULL,
         "in.csv:2: rate: '-2' is negative (expected a number from 0 to 9007199254740992)"},
        {3, "count,value\n1,2\n", NULL,
         "in.csv: missing column rate (expected count,rate (a funnel for a directly "
         "standardised rate))"},
    };
    for (size_t i = 0; i < NV(more); i++) {
        dsms_stats_opts o;
        dsms_stats_opts_init(&o, more[i].kind < 2 ? DSMS_STATS_ISR : DSMS_STATS_FUNNEL);
        o.funnel_ratio = more[i].kind == 2;
        if (more[i].kind == 3) o.funnel_dsr = 1, o.years = 3;
        if (more[i].reference) {
            o.reference = dsms_csv_open_mem(more[i].reference, strlen(more[i].reference));
            o.reference_path = "ref.csv";
        }
        sbuf in = {0};
        sadd(&in, "%s%s", more[i].kind == 0 && more[i].text[0] != 'a' ? isr_head : "",
             more[i].text);
        dsms_stats_table t;
        dsms_err err = {""};
        CHECK_INT(run_text(&o, in.text, &t, &err), -1);
        CHECK_STR(err.msg, more[i].message);
        CHECK(t.nrows == 0 && t.ncols == 0 && t.cell == NULL);
        dsms_csv_close(o.reference);
        free(in.text);
    }
    /* Funnel options that do not go together, and limits from below 1. */
    {
        dsms_stats_opts o;
        dsms_stats_table t;
        dsms_err err = {""};
        dsms_stats_opts_init(&o, DSMS_STATS_FUNNEL);
        o.funnel_dsr = 1; /* no years */
        CHECK_INT(run_text(&o, "count,rate\n1,2\n", &t, &err), -1);
        CHECK(strstr(err.msg, "funnel options do not go together") != NULL);
        dsms_stats_opts_init(&o, DSMS_STATS_FUNNEL);
        o.funnel_ratio = 1, o.funnel_rate = 1;
        CHECK_INT(run_text(&o, "observed,expected\n1,2\n", &t, &err), -1);
        dsms_stats_opts_init(&o, DSMS_STATS_FUNNEL);
        o.funnel_ratio = 1, o.baseline = 2;
        CHECK_INT(run_text(&o, "observed,expected\n1,2\n", &t, &err), -1);
        dsms_stats_opts_init(&o, DSMS_STATS_FUNNEL);
        o.funnel_ratio = 1, o.limits = 1, o.from = 0.5, o.to = 10;
        CHECK_INT(dsms_stats_run(&o, "(no input)", NULL, &t, &err), -1);
        CHECK_STR(err.msg, "limits from 0.5 are out of range (expected counts of events from 1 "
                           "for a funnel for a ratio)");
        dsms_stats_opts_init(&o, DSMS_STATS_FUNNEL);
        o.funnel_dsr = 1, o.years = 3, o.limits = 1, o.from = 1, o.to = 10;
        CHECK_INT(dsms_stats_run(&o, "(no input)", NULL, &t, &err), -1); /* no baseline */
    }
    /* Levels and multipliers out of range. */
    dsms_stats_opts o;
    dsms_stats_table t;
    dsms_err err = {""};
    dsms_stats_opts_init(&o, DSMS_STATS_TREND);
    o.level[0] = 95, o.level[1] = 99.8, o.nlevels = 2;
    CHECK_INT(run_text(&o, "area,period,numerator,denominator\n", &t, &err), -1);
    CHECK_STR(err.msg, "in.csv: 2 confidence levels (expected one, for trend)");
    dsms_stats_opts_init(&o, DSMS_STATS_PROPORTION);
    o.level[0] = 100, o.nlevels = 1;
    CHECK_INT(run_text(&o, "numerator,denominator\n", &t, &err), -1);
    dsms_stats_opts_init(&o, DSMS_STATS_PROPORTION);
    o.multiplier = 0;
    CHECK_INT(run_text(&o, "numerator,denominator\n", &t, &err), -1);
    /* A header alone: no rows, the columns all the same. */
    dsms_stats_opts_init(&o, DSMS_STATS_PROPORTION);
    o.level[0] = 90, o.nlevels = 1;
    CHECK_INT(run_text(&o, "numerator,denominator\n", &t, &err), 0);
    CHECK_INT(t.nrows, 0);
    CHECK_INT(t.ncols, 6);
    CHECK_STR(t.name[3], "lower90");
    CHECK_STR(t.name[5], "note");
    dsms_stats_table_free(&t);
}

int main(void)
{
    byar_wilson();
    crude(prop_vectors, NV(prop_vectors), 0);
    crude(rate_vectors, NV(rate_vectors), 1);
    crude_table(prop_vectors, 8, DSMS_STATS_PROPORTION);         /* proportions of 1 */
    crude_table(prop_vectors + 8, 11, DSMS_STATS_PROPORTION);    /* percentages, missing */
    crude_table(rate_vectors, 8, DSMS_STATS_RATE);               /* per 100 */
    crude_table(rate_vectors + 8, 12, DSMS_STATS_RATE);          /* per 100,000, missing */
    dsr();
    dsr_table();
    esp();
    mean();
    funnel();
    funnel_rate();
    isr();
    funnel_ratio();
    funnel_dsr();
    compare();
    trend();
    disclosure();
    worked();
    bad_input();
    table_errors();
    numbers();
    counts();
    notes();
    large();
    int total = 0;
    for (int m = 0; m < M_COUNT; m++) {
        printf("%-10s %4d checks of published figures, largest relative error %.2g\n", m_name[m],
               figures[m], max_rel[m]);
        total += figures[m];
    }
    printf("%d checks of published figures in all\n", total);
    return check_summary();
}
