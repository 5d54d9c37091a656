/* allocate.c — a grant shared out by need (dsms/funding.h,
 * docs/funding.md): each area's indicators of need read from the reference
 * data and the store, combined into its share of England's need, ranked
 * into tranches, and the budget shared in whole pence: minimum and damping
 * as bounds, the rest in proportion to need, exact to the penny. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsms/csv.h"
#include "dsms/framework.h"
#include "dsms/funding.h"

/* ---- need ---------------------------------------------------------------------------------- */

static const dsms_alloc_area *sort_base;

/* Highest need index first, to nine decimals (so that the last bits of a
 * sum do not decide a rank); ties to the lower code. */
static int by_need(const void *x, const void *y)
{
    const dsms_alloc_area *a = &sort_base[*(const size_t *)x], *b = &sort_base[*(const size_t *)y];
    long long p = llround(a->need_index * 1e9), q = llround(b->need_index * 1e9);
    if (p != q) return p > q ? -1 : 1;
    return strcmp(a->code, b->code);
}

int dsms_need_combine(const dsms_formula *f, const double *values, dsms_alloc_area *a, size_t n,
                      dsms_err *err)
{
    double people = 0, weights = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(a[i].people > 0) || !isfinite(a[i].people))
            return dsms_err_set(err, "area %s: no population aged 15-64", a[i].code), -1;
        people += a[i].people;
        a[i].share = 0;
    }
    if (!n) return dsms_err_set(err, "no areas to share among"), -1;
    for (size_t k = 0; k < f->nindicators; k++) weights += f->indicators[k].weight;
    for (size_t k = 0; k < f->nindicators; k++) {
        const dsms_indicator *x = &f->indicators[k];
        const double *v = values + k * n;
        double sum = 0;
        for (size_t i = 0; i < n; i++) {
            if (!(v[i] >= 0) || !isfinite(v[i]))
                return dsms_err_set(err, "indicator %s: area %s's value %g is not 0 or more",
                                    x->id, a[i].code, v[i]),
                       -1;
            sum += x->norm == DSMS_NORM_PER_HEAD ? v[i] * a[i].people : v[i];
        }
        if (!(sum > 0))
            return dsms_err_set(err, "indicator %s: every area's value is 0: it shares nothing",
                                x->id),
                   -1;
        for (size_t i = 0; i < n; i++)
            a[i].share += x->weight / weights *
                          (x->norm == DSMS_NORM_PER_HEAD ? v[i] * a[i].people : v[i]) / sum;
    }
    size_t *order = malloc(n * sizeof *order);
    if (!order) return dsms_err_set(err, "out of memory"), -1;
    for (size_t i = 0; i < n; i++) {
        a[i].need_index = a[i].share / (a[i].people / people);
        order[i] = i;
    }
    sort_base = a;
    qsort(order, n, sizeof *order, by_need);
    size_t t = 0, in_t = 0;
    for (size_t r = 0; r < n; r++) {
        dsms_alloc_area *x = &a[order[r]];
        x->rank = (int)r + 1;
        while (t < f->ntranches && f->tranches[t].areas && in_t == (size_t)f->tranches[t].areas)
            t++, in_t = 0;
        /* past the last tranche: in none (ntranches), never funded */
        x->tranche = (int)t;
        in_t++;
    }
    free(order);
    return 0;
}

/* ---- the allocation in pence ----------------------------------------------------------- */

typedef __int128 wide;
#define NO_CEILING INT64_MAX
/* Shares as whole parts of this: exact arithmetic from here on. */
#define SHARE_UNITS 1e12

static const dsms_alloc_area *rem_base;
static const wide *rem_of;

/* Largest remainder first; ties to the lower code. */
static int by_remainder(const void *x, const void *y)
{
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    if (rem_of[i] != rem_of[j]) return rem_of[i] > rem_of[j] ? -1 : 1;
    return strcmp(rem_base[i].code, rem_base[j].code);
}

static int funded(const dsms_formula *f, const char *period, const dsms_alloc_area *a)
{
    if (!f->ntranches) return 1;
    if (a->tranche >= (int)f->ntranches) return 0;
    const char *from = f->tranches[a->tranche].from;
    return !from[0] || !period || dsms_period_end(from) <= dsms_period_end(period);
}

/* floor or ceiling of x * (10000 + bp) / 10000, x >= 0 */
static int64_t scaled(int64_t x, int32_t bp, int up)
{
    wide num = (wide)x * (10000 + bp);
    wide q = num / 10000;
    if (up && num % 10000) q++;
    return q < 0 ? 0 : (int64_t)q;
}

int dsms_allocate(const dsms_formula *f, const char *period, int64_t budget, dsms_alloc_area *a,
                  size_t n, dsms_err *err)
{
    int64_t *w = calloc(n, sizeof *w), *lo = calloc(n, sizeof *lo), *hi = calloc(n, sizeof *hi);
    int *state = calloc(n, sizeof *state); /* 0 free, 1 at its lower bound, 2 at its upper */
    wide *rem = calloc(n, sizeof *rem);
    size_t *order = calloc(n, sizeof *order);
    int rc = -1;
    char b1[32], b2[32];
    if (!w || !lo || !hi || !state || !rem || !order) {
        dsms_err_set(err, "out of memory");
        goto done;
    }
    wide least = 0, most = 0;
    int unbounded = 0;
    for (size_t i = 0; i < n; i++) {
        a[i].funded = funded(f, period, &a[i]);
        w[i] = a[i].funded ? llround(a[i].share * SHARE_UNITS) : 0;
        lo[i] = f->minimum, hi[i] = NO_CEILING;
        if (f->damping && a[i].previous >= 0) {
            int64_t fl = scaled(a[i].previous, f->floor_bp, 1);
            int64_t ce = scaled(a[i].previous, f->ceiling_bp, 0);
            lo[i] = fl > lo[i] ? fl : lo[i];
            hi[i] = ce > f->minimum ? ce : f->minimum; /* the minimum beats the ceiling */
            if (hi[i] < lo[i]) hi[i] = lo[i];
        }
        least += lo[i];
        if (!w[i]) state[i] = 1;
        else if (hi[i] == NO_CEILING) unbounded = 1;
        else most += hi[i];
        if (!w[i]) most += lo[i];
    }
    if ((wide)f->minimum * (wide)n > budget) {
        dsms_amount_text(budget, b1);
        dsms_amount_text(f->minimum * (int64_t)n, b2);
        dsms_err_set(err, "the budget %s is less than %zu areas' minimum (%s in all)", b1, n, b2);
        goto done;
    }
    if (least > budget) {
        dsms_amount_text(budget, b1);
        dsms_amount_text((int64_t)least, b2);
        dsms_err_set(err, "the budget %s is less than the minimums and the floors of the "
                          "damping (%s in all)", b1, b2);
        goto done;
    }
    if (!unbounded && most < budget) {
        dsms_amount_text(budget, b1);
        dsms_amount_text((int64_t)most, b2);
        dsms_err_set(err, "the budget %s is more than the formula can pay (%s: every funded area "
                          "at its ceiling, every other at its minimum or floor)", b1, b2);
        goto done;
    }
    /* Fix areas at their bounds, the side that is further out first, until
     * the rest, shared in proportion to need, are within theirs. */
    wide R, W;
    for (;;) {
        R = budget, W = 0;
        for (size_t i = 0; i < n; i++) {
            if (state[i] == 1) R -= lo[i];
            else if (state[i] == 2) R -= hi[i];
            else W += w[i];
        }
        if (!W) break;
        wide below = 0, above = 0;
        for (size_t i = 0; i < n; i++) {
            if (state[i]) continue;
            wide x = R * w[i];
            if (x < (wide)lo[i] * W) below += (wide)lo[i] * W - x;
            if (hi[i] != NO_CEILING && x > (wide)hi[i] * W) above += x - (wide)hi[i] * W;
        }
        if (!below && !above) break;
        for (size_t i = 0; i < n; i++) {
            if (state[i]) continue;
            wide x = R * w[i];
            if (below >= above && x < (wide)lo[i] * W) state[i] = 1;
            if (below < above && hi[i] != NO_CEILING && x > (wide)hi[i] * W) state[i] = 2;
        }
    }
    size_t nfree = 0;
    wide given = 0;
    for (size_t i = 0; i < n; i++) {
        if (state[i] == 1) a[i].allocation = lo[i];
        else if (state[i] == 2) a[i].allocation = hi[i];
        else {
            a[i].allocation = (int64_t)(R * w[i] / W);
            rem[i] = R * w[i] % W;
            order[nfree++] = i;
        }
        given += a[i].allocation;
    }
    rem_base = a, rem_of = rem;
    qsort(order, nfree, sizeof *order, by_remainder);
    for (size_t k = 0; given < budget && k < nfree; k++, given++) a[order[k]].allocation++;
    if (given != budget) {
        dsms_err_set(err, "the allocations sum to %lld pence, not the budget's %lld",
                     (long long)given, (long long)budget);
        goto done;
    }
    rc = 0;
done:
    free(w), free(lo), free(hi), free(state), free(rem), free(order);
    return rc;
}

/* ---- indicators' values ---------------------------------------------------------------- */

typedef struct {
    const dsms_refdata *ref;
    const dsms_indicator *x;
    const char *period;
    double *v;       /* by area */
    double *force;   /* by police force (series at force level) */
    double england;
} gather;

static int take_result(void *ctx, const dsms_result *r)
{
    gather *g = ctx;
    if (!r->category || strcmp(r->category, g->x->category) != 0) return 0;
    if (strcmp(r->area_code, DSMS_ENGLAND_CODE) == 0) g->england = r->value;
    int i = dsms_refdata_area(g->ref, r->area_code);
    if (i >= 0) g->v[i] = r->value;
    return 0;
}

static int take_series(void *ctx, const dsms_series_value *s)
{
    gather *g = ctx;
    if (strcmp(s->period, g->period) != 0) return 0;
    if (strcmp(s->level, "england") == 0) g->england = s->value;
    else if (strcmp(s->level, "area") == 0) {
        int i = dsms_refdata_area(g->ref, s->code);
        if (i >= 0) g->v[i] = s->value;
    } else if (strcmp(s->level, "force") == 0) {
        for (size_t f = 0; f < g->ref->nforces; f++)
            if (strcmp(g->ref->forces[f].code, s->code) == 0) g->force[f] = s->value;
    }
    return 0;
}

static double reference_value(const dsms_ref_area *a, const char *field)
{
    if (strcmp(field, "deprivation_score") == 0) return a->deprivation;
    if (strcmp(field, "opiate_crack_per_1000") == 0) return a->opiate_crack_per_1000;
    if (strcmp(field, "population") == 0) return dsms_area_population(a);
    return dsms_area_people_15_64(a);
}

static int one_indicator(dsms_store *st, const dsms_refdata *ref, const dsms_indicator *x,
                         const char *period, double *v, dsms_err *err)
{
    size_t n = ref->nareas;
    for (size_t i = 0; i < n; i++) v[i] = NAN;
    if (x->source == DSMS_NEED_REFERENCE) {
        for (size_t i = 0; i < n; i++) v[i] = reference_value(&ref->areas[i], x->from);
        return 0;
    }
    const char *p = x->period[0] ? x->period : period;
    if (!p)
        return dsms_err_set(err, "indicator %s: no period (give --period, or the indicator its "
                                 "own period:)", x->id), -1;
    if (!st) return dsms_err_set(err, "indicator %s: no store to read it from", x->id), -1;
    gather g = {ref, x, p, v, NULL, NAN};
    int count = 0, rc;
    if (x->source == DSMS_NEED_MEASURE) {
        dsms_result_filter q = {x->from, NULL, p, x->breakdown};
        rc = dsms_store_each_result(st, &q, take_result, &g, err);
    } else {
        int s = dsms_refdata_series(ref, x->from);
        if (s < 0)
            return dsms_err_set(err, "indicator %s: '%s' is not in the series catalogue "
                                     "(series.csv)", x->id, x->from), -1;
        if (!(ref->series[s].levels & x->level))
            return dsms_err_set(err, "indicator %s: series %s is not given at %s level", x->id,
                                x->from, x->level == DSMS_LEVEL_AREA ? "area" : "force"), -1;
        count = strcmp(ref->series[s].unit, "count") == 0 ||
                strcmp(ref->series[s].unit, "value") == 0;
        g.force = malloc((ref->nforces + 1) * sizeof *g.force);
        if (!g.force) return dsms_err_set(err, "out of memory"), -1;
        for (size_t f = 0; f < ref->nforces; f++) g.force[f] = NAN;
        rc = dsms_store_each_series(st, x->from, NULL, take_series, &g, err);
    }
    /* A force's figure: its areas take it as it is when it is a rate, or
     * shared by their people aged 15-64 when it is a count; England's
     * count likewise over England's people. */
    double england_people = 0;
    for (size_t i = 0; i < n; i++) england_people += dsms_area_people_15_64(&ref->areas[i]);
    for (size_t i = 0; !rc && x->level == DSMS_LEVEL_FORCE && i < n; i++) {
        const dsms_ref_area *a = &ref->areas[i];
        double force_people = 0;
        for (size_t j = 0; count && j < n; j++)
            if (ref->areas[j].force == a->force)
                force_people += dsms_area_people_15_64(&ref->areas[j]);
        v[i] = g.force[a->force] * (count ? dsms_area_people_15_64(a) / force_people : 1);
    }
    free(g.force);
    if (rc) return -1;
    for (size_t i = 0; i < n; i++) {
        if (!isnan(v[i])) continue;
        const dsms_ref_area *a = &ref->areas[i];
        if (x->missing_england && !isnan(g.england)) {
            v[i] = count ? g.england * dsms_area_people_15_64(a) / england_people : g.england;
            continue;
        }
        return dsms_err_set(err, "indicator %s (line %d): no value of %s for area %s (%s) in %s%s",
                            x->id, x->line, x->from, a->code, a->name, p,
                            x->missing_england ? ", nor for England"
                                               : " (missing: england takes England's)"),
               -1;
    }
    return 0;
}

int dsms_need_values(dsms_store *st, const dsms_refdata *ref, const dsms_formula *f,
                     const char *period, double **values, dsms_err *err)
{
    *values = malloc((f->nindicators * ref->nareas + 1) * sizeof **values);
    if (!*values) return dsms_err_set(err, "out of memory"), -1;
    for (size_t k = 0; k < f->nindicators; k++)
        if (one_indicator(st, ref, &f->indicators[k], period, *values + k * ref->nareas, err)) {
            free(*values);
            *values = NULL;
            return -1;
        }
    return 0;
}

/* ---- last year's allocation -------------------------------------------------------------- */

static int previous_rows(const char *path, dsms_csv *c, dsms_alloc_area *a, size_t n,
                         long *line_of, dsms_err *err)
{
    dsms_csv_row row;
    int got = dsms_csv_next(c, &row);
    if (got <= 0 || row.status || row.nfields != 2 || strcmp(row.field[0], "area_code") != 0 ||
        strcmp(row.field[1], "amount") != 0)
        return dsms_err_set(err, "%s:1: header: expected area_code,amount", path), -1;
    while ((got = dsms_csv_next(c, &row)) == 1) {
        if (row.status)
            return dsms_err_set(err, "%s:%ld: row: %s", path, row.line,
                                dsms_csv_status_text(row.status)), -1;
        if (row.nfields == 1 && !row.len[0]) continue; /* a blank line */
        if (row.nfields != 2)
            return dsms_err_set(err, "%s:%ld: row: expected 2 fields (area_code,amount), not %zu",
                                path, row.line, row.nfields), -1;
        size_t i = 0;
        while (i < n && strcmp(a[i].code, row.field[0]) != 0) i++;
        if (i == n)
            return dsms_err_set(err, "%s:%ld: area_code: '%.40s' is not an area of the "
                                     "reference data", path, row.line, row.field[0]), -1;
        if (line_of[i])
            return dsms_err_set(err, "%s:%ld: area_code: %s is given twice (as on line %ld)",
                                path, row.line, a[i].code, line_of[i]), -1;
        line_of[i] = row.line;
        if (!row.len[1]) continue; /* none given: not damped */
        if (dsms_amount_parse(row.field[1], &a[i].previous))
            return dsms_err_set(err, "%s:%ld: amount: '%.40s' is not an amount (expected pounds: "
                                     "digits, commas between thousands, up to two decimals)",
                                path, row.line, row.field[1]), -1;
    }
    if (got < 0) return dsms_err_set(err, "%s: cannot read it: %s", path, strerror(errno)), -1;
    for (size_t i = 0; i < n; i++)
        if (!line_of[i])
            return dsms_err_set(err, "%s: area_code: no row for %s (every area needs one; an "
                                     "empty amount for none)", path, a[i].code), -1;
    return 0;
}

int dsms_previous_read(const char *path, dsms_alloc_area *a, size_t n, dsms_err *err)
{
    for (size_t i = 0; i < n; i++) a[i].previous = -1;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return dsms_err_set(err, "%s: cannot open it: %s", path, strerror(errno)), -1;
    dsms_csv *c = dsms_csv_open_fd(fd, NULL, NULL);
    long *line_of = calloc(n + 1, sizeof *line_of);
    int rc = c && line_of ? previous_rows(path, c, a, n, line_of, err)
                          : (dsms_err_set(err, "out of memory"), -1);
    if (rc)
        for (size_t i = 0; i < n; i++) a[i].previous = -1;
    free(line_of);
    dsms_csv_close(c);
    close(fd);
    return rc;
}
