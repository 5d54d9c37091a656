/* status.c — a framework's metrics held against their targets
 * (dsms_framework_status): each metric drawn from a measure is read from the
 * store's results for its area, breakdown and category, its baseline and
 * latest figures found, and dsms_standing_of (trajectory.h) says where the
 * latest stands; a metric drawn from a series likewise from the series'
 * values held for the place (dsms series import). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/framework.h"
#include "dsms/grow.h"

/* One figure of a metric for a place: a result's or a series value's. */
typedef struct {
    char area[16]; /* the place (dsms_metric_each_place_status) */
    char period[DSMS_PERIOD_LEN];
    double value, lower95, upper95, denominator;
    char trend[32];
    int suppressed; /* withheld from public output */
} held;

/* Every figure the store holds of one metric for one place. */
typedef struct {
    const dsms_metric *m;
    held *f;
    size_t n, cap;
} gathered;

/* The periods a framework reports on by default: financial years
 * ("2024-25"), or calendar years ("2024") for a measure that has no
 * financial years (deaths, by year of registration), or calendar years
 * pooled ("2022-2024") for a place that has no single one (an area's
 * deaths); never rolling twelve months or quarters. A financial year ranks
 * above any calendar year, a calendar year above any pooled years. */
static int rank(const char *p)
{
    size_t n = strlen(p);
    if (dsms_period_end(p) < 0) return 0;
    return n == 7 ? 3 : n == 4 ? 2 : n == 9 ? 1 : 0;
}

static int later(const char *p, const char *than)
{
    int rp = rank(p), rt = rank(than);
    return rp && (rp > rt || (rp == rt && strcmp(p, than) > 0));
}

static int keep(gathered *g, const char *area, const char *period, double value, double lo,
                double hi, double den, const char *trend, int suppressed)
{
    if (isnan(value)) return 0;
    if (dsms_room_for((void **)&g->f, &g->cap, g->n, sizeof *g->f, 16)) return -1;
    held *h = &g->f[g->n++];
    snprintf(h->area, sizeof h->area, "%s", area ? area : "");
    snprintf(h->period, sizeof h->period, "%s", period);
    h->value = value, h->lower95 = lo, h->upper95 = hi, h->denominator = den;
    snprintf(h->trend, sizeof h->trend, "%s", trend ? trend : "");
    h->suppressed = suppressed;
    return 0;
}

static int take(void *ctx, const dsms_result *r)
{
    gathered *g = ctx;
    if (!r->category || strcmp(r->category, g->m->category) != 0) return 0;
    return keep(g, r->area_code, r->period, r->value, r->lower95, r->upper95, r->denominator,
                r->trend, r->disclosure != DSMS_PUBLISHED);
}

static int take_series(void *ctx, const dsms_series_value *v)
{
    return keep(ctx, v->code, v->period, v->value, v->lower, v->upper, v->denominator, NULL, 0);
}

/* Every figure of m for area (NULL: England; "": every place) into g. 0, or
 * -1 with err set. */
static int gather(dsms_store *st, const dsms_metric *m, const char *area, gathered *g,
                  dsms_err *err)
{
    g->m = m, g->n = 0;
    const char *code = !area ? DSMS_ENGLAND_CODE : *area ? area : NULL;
    dsms_result_filter f = {m->from, code, NULL, m->breakdown};
    int rc = m->source == DSMS_FROM_MEASURE ? dsms_store_each_result(st, &f, take, g, err)
             : m->source == DSMS_FROM_SERIES ? dsms_store_each_series(st, m->from, code,
                                                                      take_series, g, err)
                                             : 0;
    return rc ? -1 : 0;
}

static const held *at_period(const gathered *g, const char *period)
{
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->f[i].period, period) == 0) return &g->f[i];
    return NULL;
}

/* The latest period ranked (rank), or NULL. */
static const held *latest(const gathered *g)
{
    const held *best = NULL;
    for (size_t i = 0; i < g->n; i++)
        if (later(g->f[i].period, best ? best->period : "")) best = &g->f[i];
    return best;
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

static void empty(const dsms_metric *m, dsms_metric_status *out, const char *why)
{
    *out = (dsms_metric_status){.metric = m, .baseline = NAN, .value = NAN, .lower95 = NAN,
                                .upper95 = NAN, .why = why};
    out->standing = (dsms_standing){.target = NAN, .trajectory = NAN, .gap_people = NAN,
                                    .reason = ""};
}

/* Why a metric has no figure at all: static text, "" when it has a source. */
static const char *no_source(const dsms_metric *m)
{
    if (m->source == DSMS_FROM_NONE) return "no source yet";
    if (m->source == DSMS_FROM_MEASURE && !dsms_measure_find(m->from))
        return "not a measure of this dsms";
    return "";
}

/* Why a metric with a source has no status: it has no figure. */
static const char *none_held(const dsms_metric *m)
{
    return m->source == DSMS_FROM_MEASURE ? "no figure in the results"
                                          : "no value of its series held";
}

/* m's figure h held against its target, with g's baseline. */
static void stand(const gathered *g, const held *h, dsms_metric_status *out)
{
    const dsms_metric *m = g->m;
    const dsms_measure *me = m->source == DSMS_FROM_MEASURE ? dsms_measure_find(m->from) : NULL;
    empty(m, out, "");
    const held *base = at_period(g, m->baseline);
    if (base) out->baseline = base->value;
    snprintf(out->period, sizeof out->period, "%s", h->period);
    out->value = h->value, out->lower95 = h->lower95, out->upper95 = h->upper95;
    snprintf(out->trend, sizeof out->trend, "%s", h->trend);
    out->suppressed = h->suppressed || (base && base->suppressed);
    if (!m->has_target) return (void)(out->why = "no target");
    dsms_goal goal = {out->baseline, (int32_t)dsms_period_end(m->baseline), m->target_kind,
                      m->target, (int32_t)dsms_period_end(m->due)};
    dsms_figure x = figure_of(me, out, h->denominator, (int32_t)dsms_period_end(h->period));
    if (!me) x.denominator = x.per = NAN; /* a published figure: not counted in people here */
    dsms_standing_of(&goal, &x, &out->standing);
    out->why = out->standing.reason;
}

int dsms_framework_status(dsms_store *st, const dsms_framework *fw, const char *area,
                          const char *period, dsms_metric_status *out, dsms_err *err)
{
    gathered g = {0};
    int rc = 0;
    for (size_t i = 0; !rc && i < fw->nmetrics; i++) {
        const dsms_metric *m = &fw->metrics[i];
        const char *why = no_source(m);
        empty(m, &out[i], why);
        if (*why || (rc = gather(st, m, area, &g, err))) continue;
        const held *h = period ? at_period(&g, period) : latest(&g);
        if (h) stand(&g, h, &out[i]);
        else out[i].why = none_held(m);
    }
    free(g.f);
    return rc;
}

/* The statuses of g's figures (one place's), as dsms_metric_each_place_status
 * says; why: why the metric has no figure at all, when it has no source. */
typedef int (*status_fn)(void *ctx, const dsms_metric_status *s, int latest);

static int statuses_of(const gathered *g, const char *why, status_fn fn, void *ctx)
{
    dsms_metric_status s;
    const held *last = *why ? NULL : latest(g);
    if (!last) {
        empty(g->m, &s, *why ? why : none_held(g->m));
        return fn(ctx, &s, 1);
    }
    int rc = 0;
    for (size_t k = 0; !rc && k < g->n; k++) {
        if (!rank(g->f[k].period)) continue;
        stand(g, &g->f[k], &s);
        rc = fn(ctx, &s, &g->f[k] == last);
    }
    return rc;
}

/* A status handed on with its place. */
typedef struct {
    dsms_place_status_fn fn;
    void *ctx;
    const char *area;
} place_ctx;

static int at_place(void *ctx, const dsms_metric_status *s, int latest)
{
    place_ctx *p = ctx;
    return p->fn(p->ctx, p->area, s, latest);
}

static int by_area(const void *a, const void *b)
{
    return strcmp(((const held *)a)->area, ((const held *)b)->area);
}

int dsms_metric_each_place_status(dsms_store *st, const dsms_metric *m,
                                  const char *const *codes, size_t ncodes,
                                  dsms_place_status_fn fn, void *ctx, dsms_err *err)
{
    gathered all = {m, NULL, 0, 0};
    dsms_err_clear(err);
    const char *why = no_source(m);
    if (!*why && gather(st, m, "", &all, err)) return free(all.f), -1;
    if (all.n) qsort(all.f, all.n, sizeof *all.f, by_area);
    place_ctx p = {fn, ctx, NULL};
    int rc = 0;
    for (size_t i = 0; !rc && i < ncodes; i++) {
        size_t lo = 0, hi = all.n;
        while (lo < hi) { /* the first of the place's figures */
            size_t mid = lo + (hi - lo) / 2;
            if (strcmp(all.f[mid].area, codes[i]) < 0) lo = mid + 1;
            else hi = mid;
        }
        size_t end = lo;
        while (end < all.n && strcmp(all.f[end].area, codes[i]) == 0) end++;
        gathered g = {m, end > lo ? all.f + lo : NULL, end - lo, 0};
        p.area = codes[i];
        rc = statuses_of(&g, why, at_place, &p);
    }
    free(all.f);
    return rc < 0 ? dsms_callback_failed(err, "the framework's statuses") : 0;
}

const char *dsms_metric_travel(const char *trend)
{
    if (strcmp(trend, "no significant change") == 0) return "no change";
    return *trend && strcmp(trend, "cannot be calculated") != 0 ? trend : "-";
}

const char *dsms_metric_status_text(const dsms_metric_status *s)
{
    return s->why[0] && s->standing.status == DSMS_STATUS_NOT_ASSESSABLE
               ? s->why
               : dsms_status_name(s->standing.status);
}

int dsms_metric_digits(double x)
{
    return fabs(x) >= 100 ? 0 : 1;
}
