/* incentive.c — payment for outcomes (dsms/funding.h, docs/funding.md), as
 * the 2013 payment-by-results pilots and the 2015 Health Premium Incentive
 * paid: each area's figures for each outcome of a tariff read from the
 * store's results, what they earn per person and per point of improvement,
 * capped, and a pot shared pro rata to the penny when they earn more. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/funding.h"

typedef __int128 wide;

static const dsms_payment *pay_base;
static const wide *pay_rem;

/* Largest remainder first; ties to the lower area code, then the outcome
 * first in the tariff. */
static int by_remainder(const void *x, const void *y)
{
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    if (pay_rem[i] != pay_rem[j]) return pay_rem[i] > pay_rem[j] ? -1 : 1;
    int c = strcmp(pay_base[i].area, pay_base[j].area);
    if (c) return c;
    size_t a = pay_base[i].outcome, b = pay_base[j].outcome;
    return (a > b) - (a < b);
}

/* What one area earns by one outcome is at most the largest amount dsms
 * takes, so that no sum of them overflows. */
static int64_t at_most(wide x)
{
    return x > DSMS_AMOUNT_MAX ? DSMS_AMOUNT_MAX : (int64_t)x;
}

static void earn(const dsms_outcome_tariff *o, dsms_payment *p)
{
    p->earned = 0, p->improvement_micro = 0, p->note = "";
    if (isnan(p->value) && isnan(p->numerator)) {
        p->note = "no figure in the period";
        return;
    }
    wide earned = 0;
    if (o->per_person) {
        if (isnan(p->numerator)) p->note = "no count of people";
        else earned += (wide)o->per_person * llround(fmax(p->numerator, 0));
    }
    p->earned = at_most(earned);
    if (!o->per_point) return;
    if (isnan(p->baseline) || isnan(p->value)) {
        p->note = isnan(p->value) ? "no figure in the period" : "no figure in the baseline";
        return;
    }
    /* to a millionth of a point, so that 47.3 - 45.1 is 2.2 and not a hair under */
    int64_t micro = llround((p->value - p->baseline) * 1e6);
    if (!o->higher_better) micro = -micro;
    p->improvement_micro = micro;
    if (micro <= 0) {
        if (!p->earned) p->note = "no improvement";
        return;
    }
    if (micro < o->threshold_micro) {
        if (!p->earned) p->note = "improvement below the threshold";
        return;
    }
    earned += (wide)o->per_point * micro / 1000000; /* down to the penny */
    p->earned = at_most(earned);
}

int dsms_incentive_pay(const dsms_tariff *t, dsms_payment *rows, size_t n)
{
    wide total = 0;
    for (size_t i = 0; i < n; i++) {
        const dsms_outcome_tariff *o = &t->outcomes[rows[i].outcome];
        earn(o, &rows[i]);
        rows[i].capped = o->cap >= 0 && rows[i].earned > o->cap ? o->cap : rows[i].earned;
        rows[i].paid = rows[i].capped;
        total += rows[i].capped;
    }
    if (t->pot < 0 || total <= t->pot) return 0;
    /* pot * capped / total each, the pence left over to the largest remainders */
    wide *rem = calloc(n + 1, sizeof *rem);
    size_t *order = calloc(n + 1, sizeof *order);
    if (!rem || !order) {
        free(rem), free(order);
        return -1;
    }
    wide given = 0;
    for (size_t i = 0; i < n; i++) {
        wide x = (wide)t->pot * rows[i].capped;
        rows[i].paid = (int64_t)(x / total);
        rem[i] = x % total;
        order[i] = i;
        given += rows[i].paid;
    }
    pay_base = rows, pay_rem = rem;
    qsort(order, n, sizeof *order, by_remainder);
    for (size_t k = 0; given < t->pot && k < n; k++, given++) rows[order[k]].paid++;
    free(rem), free(order);
    return 0;
}

typedef struct {
    const dsms_refdata *ref;
    const dsms_outcome_tariff *o;
    dsms_payment *rows;      /* this outcome's row of area 0; area i's is rows[i * stride] */
    size_t stride;
    int baseline;            /* the baseline's figures, not the period's */
} gather;

static int take(void *ctx, const dsms_result *r)
{
    gather *g = ctx;
    if (!r->category || strcmp(r->category, g->o->category) != 0) return 0;
    int i = dsms_refdata_area(g->ref, r->area_code);
    if (i < 0) return 0;
    dsms_payment *p = &g->rows[(size_t)i * g->stride];
    if (g->baseline) p->baseline = r->value;
    else p->value = r->value, p->numerator = r->numerator;
    return 0;
}

int dsms_incentive_rows(dsms_store *st, const dsms_refdata *ref, const dsms_tariff *t,
                        const char *period, dsms_payment **rows, dsms_err *err)
{
    size_t n = ref->nareas * t->noutcomes;
    dsms_payment *p = calloc(n + 1, sizeof *p);
    if (!p) return dsms_err_set(err, "out of memory"), -1;
    for (size_t i = 0; i < ref->nareas; i++)
        for (size_t k = 0; k < t->noutcomes; k++)
            p[i * t->noutcomes + k] = (dsms_payment){ref->areas[i].code, k, NAN, NAN, NAN, 0,
                                                     0, 0, 0, ""};
    for (size_t k = 0; k < t->noutcomes; k++) {
        const dsms_outcome_tariff *o = &t->outcomes[k];
        gather g = {ref, o, p + k, t->noutcomes, 0};
        dsms_result_filter q = {o->measure, NULL, period, o->breakdown};
        int rc = dsms_store_each_result(st, &q, take, &g, err);
        if (!rc && o->per_point) {
            g.baseline = 1;
            q.period = o->baseline;
            rc = dsms_store_each_result(st, &q, take, &g, err);
        }
        if (rc) {
            free(p);
            return -1;
        }
    }
    *rows = p;
    return 0;
}
