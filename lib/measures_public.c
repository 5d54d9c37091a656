/* measures_public.c — disclosure control over results for public output.
 *
 * Small counts can identify people, so a public table hides every count
 * from 1 to 5 and the values built on it, and, where a breakdown's
 * categories add up to a published total, a second category, so that the
 * first cannot be had by subtraction. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "measures.h"

static int small(double x)
{
    return x >= 1 && x <= DSMS_DISCLOSURE_MAX;
}

static int same_group(const dsms_result *a, const dsms_result *b)
{
    return strcmp(a->measure, b->measure) == 0 && strcmp(a->area_code, b->area_code) == 0 &&
           strcmp(a->period, b->period) == 0 && strcmp(a->breakdown, b->breakdown) == 0;
}

/* Rows [from, to) are one breakdown's categories. */
static size_t disclose_group(const dsms_result *rows, size_t from, size_t to, unsigned char *hide)
{
    const dsms_measure *m = dsms_measure_find(rows[from].measure);
    int counted = m && !m->estimated_denominator && m->kind != DSMS_KIND_COUNT &&
                  m->kind != DSMS_KIND_MEDIAN;
    size_t n = to - from, hidden = 0;
    double *num = malloc(n * sizeof *num);
    if (!num) { /* hide the lot rather than risk showing a small number */
        memset(hide + from, 1, n);
        return n;
    }
    for (size_t i = 0; i < n; i++) num[i] = isnan(rows[from + i].numerator) ? 0 : rows[from + i].numerator;
    int total = strcmp(rows[from].breakdown, "all") != 0;
    dsms_disclose(num, n, 0, hide + from);
    for (size_t i = 0; i < n; i++) {
        if (counted && small(rows[from + i].denominator)) hide[from + i] = 1;
        hidden += hide[from + i];
    }
    if (total && hidden == 1) { /* the smallest other cell with anything in it */
        size_t best = n;
        for (size_t i = 0; i < n; i++) {
            double den = counted ? rows[from + i].denominator : 0;
            if (hide[from + i] || !(num[i] > 0 || den > 0)) continue;
            double best_den = best < n && counted ? rows[from + best].denominator : 0;
            if (best == n || num[i] < num[best] || (num[i] == num[best] && den < best_den))
                best = i;
        }
        if (best < n) hide[from + best] = 1, hidden++;
    }
    free(num);
    return hidden;
}

size_t dsms_results_disclose(const dsms_result *rows, size_t n, unsigned char *hide)
{
    size_t hidden = 0;
    memset(hide, 0, n);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && same_group(&rows[i], &rows[j])) j++;
        hidden += disclose_group(rows, i, j, hide);
        i = j;
    }
    return hidden;
}

void dsms_result_hide(dsms_result *r)
{
    const dsms_measure *m = dsms_measure_find(r->measure);
    r->numerator = NAN;
    if (!m || !m->estimated_denominator) r->denominator = NAN;
    r->value = r->lower95 = r->upper95 = r->lower99_8 = r->upper99_8 = NAN;
    r->vs_england = r->vs_comparators = NULL;
}
