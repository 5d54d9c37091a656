/* status.c — a framework's metrics held against their targets
 * (dsms_framework_status): each metric drawn from a measure is read from the
 * store's results for its area, breakdown and category, its baseline and
 * latest figures found, and dsms_standing_of (trajectory.h) says where the
 * latest stands; a metric drawn from a series likewise from the series'
 * values held for the place (dsms series import). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dsms/framework.h"

/* What the results hold of one metric for one area. */
typedef struct {
    const dsms_metric *m;
    const char *want;        /* the period asked for, or NULL: the latest financial year */
    dsms_metric_status *out;
    double denominator;      /* of the latest figure */
} reading;

/* The periods a framework reports on by default: financial years
 * ("2024-25"), or calendar years ("2024") for a measure that has no
 * financial years (deaths, by year of registration); never rolling twelve
 * months or quarters. A financial year ranks above any calendar year. */
static int rank(const char *p)
{
    size_t n = strlen(p);
    return (n == 7 || n == 4) && dsms_period_end(p) >= 0 ? (int)n : 0;
}

static int later(const char *p, const char *than)
{
    int rp = rank(p), rt = rank(than);
    return rp && (rp > rt || (rp == rt && strcmp(p, than) > 0));
}

/* One figure of the metric in a period: the baseline's, the latest, both
 * or neither. */
static void figure(reading *g, const char *period, double value, double lo, double hi,
                   double den, const char *trend)
{
    if (strcmp(period, g->m->baseline) == 0) g->out->baseline = value;
    int latest = g->want ? strcmp(period, g->want) == 0 : later(period, g->out->period);
    if (!latest || isnan(value)) return;
    snprintf(g->out->period, sizeof g->out->period, "%s", period);
    g->out->value = value;
    g->out->lower95 = lo;
    g->out->upper95 = hi;
    g->denominator = den;
    snprintf(g->out->trend, sizeof g->out->trend, "%s", trend ? trend : "");
}

static int take(void *ctx, const dsms_result *r)
{
    reading *g = ctx;
    if (r->category && strcmp(r->category, g->m->category) == 0)
        figure(g, r->period, r->value, r->lower95, r->upper95, r->denominator, r->trend);
    return 0;
}

static int take_series(void *ctx, const dsms_series_value *v)
{
    figure(ctx, v->period, v->value, v->lower, v->upper, v->denominator, NULL);
    return 0;
}

/* What one person is worth in the measure's figures: 1 in a count, 1 of the
 * denominator in a proportion or crude rate; a standardised rate or a median
 * is not in people. */
static dsms_figure figure_of(const dsms_measure *me, const dsms_metric_status *s, double den,
                             int32_t day)
{
    dsms_figure x = {s->value, s->lower95, s->upper95, day, NAN, NAN};
    if (!me) return x;
    if (me->kind == DSMS_KIND_COUNT) x.denominator = 1, x.per = 1;
    if (me->kind == DSMS_KIND_PROPORTION || me->kind == DSMS_KIND_RATE)
        x.denominator = den, x.per = me->multiplier;
    return x;
}

static int one_metric(dsms_store *st, const dsms_metric *m, const char *area, const char *period,
                      dsms_metric_status *out, dsms_err *err)
{
    *out = (dsms_metric_status){.metric = m, .baseline = NAN, .value = NAN, .lower95 = NAN,
                                .upper95 = NAN, .why = ""};
    out->standing = (dsms_standing){.target = NAN, .trajectory = NAN, .gap_people = NAN,
                                    .reason = ""};
    if (m->source == DSMS_FROM_NONE) return out->why = "no source yet", 0;
    const dsms_measure *me = m->source == DSMS_FROM_MEASURE ? dsms_measure_find(m->from) : NULL;
    if (m->source == DSMS_FROM_MEASURE && !me) return out->why = "not a measure of this dsms", 0;
    reading g = {m, period, out, NAN};
    dsms_result_filter f = {m->from, area ? area : DSMS_ENGLAND_CODE, NULL, m->breakdown};
    if (me ? dsms_store_each_result(st, &f, take, &g, err)
           : dsms_store_each_series(st, m->from, f.area_code, take_series, &g, err))
        return -1;
    if (!out->period[0])
        return out->why = me ? "no figure in the results" : "no value of its series held", 0;
    if (!m->has_target) return out->why = "no target", 0;
    dsms_goal goal = {out->baseline, (int32_t)dsms_period_end(m->baseline), m->target_kind,
                      m->target, (int32_t)dsms_period_end(m->due)};
    dsms_figure x = figure_of(me, out, g.denominator, (int32_t)dsms_period_end(out->period));
    if (!me) x.denominator = x.per = NAN; /* a published figure: not counted in people here */
    dsms_standing_of(&goal, &x, &out->standing);
    out->why = out->standing.reason;
    return 0;
}

int dsms_framework_status(dsms_store *st, const dsms_framework *fw, const char *area,
                          const char *period, dsms_metric_status *out, dsms_err *err)
{
    for (size_t i = 0; i < fw->nmetrics; i++)
        if (one_metric(st, &fw->metrics[i], area, period, &out[i], err)) return -1;
    return 0;
}
