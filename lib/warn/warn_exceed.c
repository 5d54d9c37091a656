/* warn_exceed.c — exceedance signals: weekly counts of a substance family in
 * an area, and in England, held against their own history by the
 * Farrington flexible method (dsms/farrington.h). Three counts: all
 * early-warning reports, hospital toxicology alone, and deaths with a
 * substance of the family recorded. A report from a prison counts in the
 * prison's area. Only weeks with a count are assessed: a week of none can
 * raise no alarm. Consecutive alarm weeks (a week's gap allowed) are one
 * signal, named by the week it began. The series are shared out among
 * threads, one a processor. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsms/field.h"
#include "warn_int.h"

enum { K_REPORTS, K_TOXICOLOGY, K_DEATHS, KINDS };
static const char *const kind_name[KINDS] = {"reports", "toxicology", "deaths"};
static const char *const kind_title[KINDS] = {"Reports", "Hospital toxicology",
                                              "Drug-related deaths"};

typedef struct {
    const ew_data *d;
    const dsms_warn_opts *o;
    ew_signals *out;
    long *day;            /* the Monday of each week */
    size_t nweeks, nplaces; /* areas, then England */
    double *counts;       /* nplaces x nweeks, one kind and family at a time */
    size_t *by_week, *week_at; /* report indices grouped by week: week w's are
                                  by_week[week_at[w] .. week_at[w + 1]) */
    size_t *tmp;
    dsms_farrington_week *res; /* nweeks */
    size_t from;          /* the first week assessed */
    size_t first;         /* the first week with history enough to be assessed */
    dsms_err *err;
} exceed;

static long week_of(const exceed *x, int day) { return (ew_monday(day) - x->day[0]) / 7; }

static unsigned report_families(const ew_data *d, const ew_report *r)
{
    unsigned bits = 0;
    for (int j = 0; j < r->nsub; j++) bits |= 1u << d->reg.items[r->sub[j]].family;
    return bits;
}

/* Fill counts for one kind and family. */
static void fill(exceed *x, int kind, int family)
{
    const ew_data *d = x->d;
    size_t n = x->nweeks, eng = x->nplaces - 1;
    memset(x->counts, 0, x->nplaces * n * sizeof *x->counts);
    if (kind == K_DEATHS) {
        for (size_t i = 0; i < d->nd; i++) {
            const ew_death *e = &d->d[i];
            long w = week_of(x, e->day);
            if (!(e->families >> family & 1) || w < 0 || (size_t)w >= n) continue;
            if (e->area >= 0 && (size_t)e->area < d->ref.nareas) x->counts[e->area * n + w]++;
            x->counts[eng * n + w]++;
        }
        return;
    }
    for (size_t i = 0; i < d->nr; i++) {
        const ew_report *r = &d->r[i];
        long w = week_of(x, r->sampled);
        if ((kind == K_TOXICOLOGY && !r->hospital) || w < 0 || (size_t)w >= n ||
            !(report_families(d, r) >> family & 1))
            continue;
        if (r->area >= 0) x->counts[(size_t)r->area * n + w]++;
        x->counts[eng * n + w]++;
    }
}

static const char *place_code(const exceed *x, size_t p)
{
    return p + 1 == x->nplaces ? DSMS_ENGLAND_CODE : x->d->ref.areas[p].code;
}

static const char *place_name(const exceed *x, size_t p)
{
    return p + 1 == x->nplaces ? "England" : x->d->ref.areas[p].name;
}

/* The reports behind weeks [w0, w1] of a series, latest first. */
static size_t reports_in(exceed *x, int kind, int family, size_t p, size_t w0, size_t w1)
{
    size_t k = 0;
    for (size_t w = w1 + 1; w-- > w0;)
        for (size_t j = x->week_at[w]; j < x->week_at[w + 1]; j++) {
            const ew_report *r = &x->d->r[x->by_week[j]];
            if ((kind == K_TOXICOLOGY && !r->hospital) ||
                !(report_families(x->d, r) >> family & 1) ||
                (p + 1 < x->nplaces && r->area != (int)p))
                continue;
            x->tmp[k++] = x->by_week[j];
        }
    return k;
}

static int emit(exceed *x, int kind, int family, size_t p, size_t w0, size_t w1)
{
    const double *c = x->counts + p * x->nweeks;
    const dsms_farrington_week *first = &x->res[w0];
    dsms_signal *g = ew_add(x->out, DSMS_SIGNAL_EXCEEDANCE, kind_name[kind]);
    if (!g) return -1;
    char week[11];
    g->day = (int)x->day[w0];
    dsms_date_format(g->day, week);
    g->count = c[w0];
    g->expected = first->expected;
    g->threshold = first->threshold;
    snprintf(g->key, sizeof g->key, "exceedance|%s|%s|%s|%s", kind_name[kind],
             dsms_families[family].code, place_code(x, p), week);
    snprintf(g->title, sizeof g->title, "%s of %s in %s above the expected: %.0f in the week "
             "of %s (threshold %.2f)", kind_title[kind],
             dsms_families[family].name, place_name(x, p), c[w0], week, first->threshold);
    snprintf(g->family, sizeof g->family, "%s", dsms_families[family].code);
    int high = ew_potent(family) || kind == K_DEATHS;
    json_t *weeks = json_array();
    for (size_t w = w0; w <= w1; w++) {
        const dsms_farrington_week *f = &x->res[w];
        if (f->alarm && c[w] >= 2 * f->threshold && c[w] >= 5) high = 1;
        char at[11];
        dsms_date_format((int)x->day[w], at);
        json_array_append_new(weeks, json_pack("{sssfsoso}", "week", at, "count", c[w],
                                               "expected", f->status ? json_null()
                                                                     : json_real(f->expected),
                                               "threshold", f->status ? json_null()
                                                                      : json_real(f->threshold)));
    }
    snprintf(g->severity, sizeof g->severity, "%s", high ? "high" : "medium");
    if (p + 1 < x->nplaces) snprintf(g->areas, sizeof g->areas, "%s", place_code(x, p));
    json_t *extra = json_pack("{s{sssssssi}so}", "series", "count", kind_name[kind], "family",
                              dsms_families[family].code, "place", place_code(x, p),
                              "weeks_alarmed", (int)(w1 - w0 + 1), "weeks", weeks);
    size_t k = kind == K_DEATHS ? 0 : reports_in(x, kind, family, p, w0, w1);
    int rc = ew_evidence(x->d, g, x->tmp, k, extra);
    if (kind == K_DEATHS) g->known = (int)x->day[w1] + 6;
    return rc;
}

/* Whether the last weeks hold the cases without which the method gives no
 * threshold and so no alarm (limit54): the fit is not worth making. */
static int enough(const dsms_farrington_opts *o, const double *c, size_t w)
{
    double recent = 0;
    for (size_t i = w + 1 > (size_t)o->limit54_weeks ? w + 1 - (size_t)o->limit54_weeks : 0;
         i <= w; i++)
        recent += c[i];
    return recent >= o->limit54_cases;
}

/* Whether an alarm in week w, the first of a run, goes on from an alarm
 * before the first week assessed (since): *yes then, as the run began
 * before since. 0, or -1 with x->err set. */
static int began_before(exceed *x, const double *c, size_t w, int *yes)
{
    *yes = 0;
    for (size_t p = w >= 2 ? w - 2 : 0; p < x->from && !*yes; p++) {
        if (p < x->first || c[p] <= 0 || !enough(&x->o->farrington, c, p)) continue;
        if (dsms_farrington(&x->o->farrington, x->day, c, x->nweeks, p, 1, &x->res[p], x->err))
            return -1;
        *yes = x->res[p].alarm;
    }
    return 0;
}

/* Assess one series (the counts of place p) and emit its runs of alarms:
 * not a run that began before since, which would otherwise be cut short and
 * named by a later week than its own, a signal found as a new one. */
static int series(exceed *x, int kind, int family, size_t p)
{
    const double *c = x->counts + p * x->nweeks;
    size_t n = x->nweeks, run0 = 0, last = 0;
    int in_run = 0, before = 0;
    for (size_t w = x->from; w < n; w++) {
        x->res[w].alarm = 0;
        x->res[w].status = DSMS_FARRINGTON_NO_HISTORY;
        if (c[w] <= 0 || !enough(&x->o->farrington, c, w)) continue;
        if (dsms_farrington(&x->o->farrington, x->day, c, n, w, 1, &x->res[w], x->err)) return -1;
        if (!x->res[w].alarm) continue;
        if (in_run && w - last > 2) {
            if (!before && emit(x, kind, family, p, run0, last)) return -1;
            in_run = 0;
        }
        if (!in_run) {
            run0 = w, in_run = 1;
            if (began_before(x, c, w, &before)) return -1;
        }
        last = w;
    }
    return in_run && !before ? emit(x, kind, family, p, run0, last) : 0;
}

static int group_by_week(exceed *x)
{
    const ew_data *d = x->d;
    x->week_at = calloc(x->nweeks + 1, sizeof *x->week_at);
    x->by_week = malloc((d->nr ? d->nr : 1) * sizeof *x->by_week);
    if (!x->week_at || !x->by_week) return -1;
    for (size_t i = 0; i < d->nr; i++) {
        long w = week_of(x, d->r[i].sampled);
        if (w >= 0 && (size_t)w < x->nweeks) x->week_at[w + 1]++;
    }
    for (size_t w = 0; w < x->nweeks; w++) x->week_at[w + 1] += x->week_at[w];
    size_t *at = malloc((x->nweeks + 1) * sizeof *at);
    if (!at) return -1;
    memcpy(at, x->week_at, (x->nweeks + 1) * sizeof *at);
    for (size_t i = 0; i < d->nr; i++) {
        long w = week_of(x, d->r[i].sampled);
        if (w >= 0 && (size_t)w < x->nweeks) x->by_week[at[w]++] = i;
    }
    free(at);
    return 0;
}

/* The work shared out: each (count, family) pair is one job, taken in turn
 * by whichever worker is free; a worker has its own counts and results and
 * gathers its own signals, put together in the workers' order at the end
 * (dsms_warn_signals then sorts them, so the answer does not depend on who
 * did what). */
typedef struct {
    exceed x;
    ew_signals out;
    dsms_err err;
    atomic_int *next;
    int rc;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    exceed *x = &w->x;
    x->out = &w->out;
    x->err = &w->err;
    x->counts = malloc(x->nplaces * x->nweeks * sizeof *x->counts);
    x->res = malloc(x->nweeks * sizeof *x->res);
    x->tmp = malloc((x->d->nr ? x->d->nr : 1) * sizeof *x->tmp);
    w->rc = x->counts && x->res && x->tmp ? 0 : -1;
    for (int job; !w->rc && (job = atomic_fetch_add(w->next, 1)) < KINDS * DSMS_FAMILIES;) {
        int k = job / DSMS_FAMILIES, f = job % DSMS_FAMILIES;
        fill(x, k, f);
        for (size_t p = 0; p < x->nplaces && !w->rc; p++) w->rc = series(x, k, f, p);
    }
    if (w->rc && !w->err.msg[0]) dsms_err_set(&w->err, "out of memory");
    free(x->counts);
    free(x->res);
    free(x->tmp);
    return NULL;
}

static int workers(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

/* Run the workers over x's shared arrays and put their signals into out. */
static int run(const exceed *x, ew_signals *out, dsms_err *err)
{
    int n = workers(), started = 0, rc = 0;
    atomic_int next = 0;
    worker *w = calloc((size_t)n, sizeof *w);
    pthread_t *t = calloc((size_t)n, sizeof *t);
    if (!w || !t) {
        free(w);
        free(t);
        return dsms_err_set(err, "out of memory"), -1;
    }
    for (int i = 0; i < n; i++) {
        w[i].x = *x;
        w[i].next = &next;
        if (i == 0 || pthread_create(&t[i], NULL, work, &w[i]) != 0) continue;
        started |= 1 << i;
    }
    work(&w[0]); /* this thread is a worker too, and the only one if none started */
    for (int i = 1; i < n; i++)
        if (started >> i & 1) pthread_join(t[i], NULL);
    for (int i = 0; i < n; i++) {
        if (w[i].rc && !rc) {
            *err = w[i].err;
            rc = -1;
        }
        for (size_t k = 0; k < w[i].out.n; k++) {
            dsms_signal *g = rc ? NULL : ew_add(out, w[i].out.s[k].kind, w[i].out.s[k].what);
            if (g) {
                *g = w[i].out.s[k];
                continue;
            }
            free(w[i].out.s[k].evidence);
            if (!rc) dsms_err_set(err, "out of memory");
            rc = -1;
        }
        free(w[i].out.s);
    }
    free(w);
    free(t);
    return rc;
}

int ew_exceedance(const ew_data *d, const dsms_warn_opts *o, ew_signals *out, dsms_err *err)
{
    if (d->nr + d->nd == 0) return 0;
    if (dsms_farrington_check(&o->farrington, err)) return -1;
    int last = d->last_day < o->today ? d->last_day : o->today;
    exceed x = {.d = d, .o = o, .nplaces = d->ref.nareas + 1};
    x.nweeks = (size_t)((ew_monday(last) - ew_monday(d->first_day)) / 7 + 1);
    x.day = malloc(x.nweeks * sizeof *x.day);
    int rc = -1;
    if (x.day)
        for (size_t w = 0; w < x.nweeks; w++) x.day[w] = ew_monday(d->first_day) + 7 * (long)w;
    /* The weeks' days first: grouping the reports by week reads them. */
    if (!x.day || group_by_week(&x)) {
        dsms_err_set(err, "out of memory");
        goto done;
    }
    x.from = x.first = dsms_farrington_first(&o->farrington, x.day, x.nweeks);
    if (o->since > DSMS_DAY_NONE && o->since > x.day[0]) {
        size_t s = (size_t)((ew_monday(o->since) - x.day[0]) / 7);
        if (s > x.from) x.from = s;
    }
    rc = run(&x, out, err);
done:
    free(x.day);
    free(x.by_week);
    free(x.week_at);
    return rc;
}
