/* comparators.c — each area's comparator group: the DSMS_COMPARATORS areas
 * most like it, nearest first, by Euclidean distance between standardised
 * characteristics, the way CIPFA and PHE nearest-neighbour groups are made
 * (docs/reference-data.md says which characteristics and why). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/refdata.h"

static const char *const names[DSMS_CHARACTERISTICS] = {
    "opiate_crack_per_1000", "deprivation_score", "log_population", "share_aged_15_24",
    "share_aged_65_plus"};

/* Every characteristic counts the same once standardised: there is no
 * evidence to rank one above another for treatment need. */
static const double weight[DSMS_CHARACTERISTICS] = {1, 1, 1, 1, 1};

const char *dsms_characteristic_name(int k)
{
    return k >= 0 && k < DSMS_CHARACTERISTICS ? names[k] : NULL;
}

double dsms_area_people(const dsms_ref_area *a, int first, int last)
{
    double n = 0;
    for (int s = 0; s < 2; s++)
        for (int b = first; b <= last && b < DSMS_AGE_BANDS; b++) n += a->population[s][b];
    return n;
}

double dsms_area_people_15_64(const dsms_ref_area *a)
{
    return dsms_area_people(a, dsms_age_band_of(15), dsms_age_band_of(64));
}

double dsms_area_population(const dsms_ref_area *a)
{
    return dsms_area_people(a, 0, DSMS_AGE_BANDS - 1);
}

void dsms_area_characteristics(const dsms_ref_area *a, double out[DSMS_CHARACTERISTICS])
{
    double total = dsms_area_population(a);
    out[0] = a->opiate_crack_per_1000;
    out[1] = a->deprivation;
    /* Size matters by ratio: a city of 1,000,000 is as far from one of 500,000
     * as a borough of 200,000 is from one of 100,000. */
    out[2] = total > 0 ? log(total) : 0;
    out[3] = total > 0 ? dsms_area_people(a, dsms_age_band_of(15), dsms_age_band_of(24)) / total : 0;
    out[4] = total > 0 ? dsms_area_people(a, dsms_age_band_of(65), DSMS_AGE_BANDS - 1) / total : 0;
}

/* Each characteristic as z-scores: (x - mean) / standard deviation over all
 * areas. One that does not vary cannot tell areas apart and counts as 0. */
static void standardise(const dsms_refdata *ref, double *z)
{
    size_t n = ref->nareas;
    for (size_t i = 0; i < n; i++)
        dsms_area_characteristics(&ref->areas[i], &z[i * DSMS_CHARACTERISTICS]);
    for (int k = 0; k < DSMS_CHARACTERISTICS; k++) {
        double mean = 0, var = 0;
        for (size_t i = 0; i < n; i++) mean += z[i * DSMS_CHARACTERISTICS + k];
        mean /= (double)n;
        for (size_t i = 0; i < n; i++) {
            double d = z[i * DSMS_CHARACTERISTICS + k] - mean;
            var += d * d;
        }
        double sd = sqrt(var / (double)n);
        for (size_t i = 0; i < n; i++) {
            double *x = &z[i * DSMS_CHARACTERISTICS + k];
            *x = sd > 0 ? (*x - mean) / sd : 0;
        }
    }
}

typedef struct {
    double d2;         /* squared distance */
    const char *code;  /* ties go to the lower code, so the result never depends on order */
    int area;
} candidate;

static int by_distance(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->d2 != y->d2) return x->d2 < y->d2 ? -1 : 1;
    return strcmp(x->code, y->code);
}

static void nearest(dsms_refdata *ref, const double *z, size_t i, candidate *c)
{
    size_t n = 0;
    const double *zi = &z[i * DSMS_CHARACTERISTICS];
    for (size_t j = 0; j < ref->nareas; j++) {
        if (j == i) continue;
        const double *zj = &z[j * DSMS_CHARACTERISTICS];
        double d2 = 0;
        for (int k = 0; k < DSMS_CHARACTERISTICS; k++)
            d2 += weight[k] * (zi[k] - zj[k]) * (zi[k] - zj[k]);
        c[n++] = (candidate){d2, ref->areas[j].code, (int)j};
    }
    qsort(c, n, sizeof *c, by_distance);
    dsms_ref_area *a = &ref->areas[i];
    for (size_t k = 0; k < DSMS_COMPARATORS; k++) {
        a->comparator[k] = k < n ? c[k].area : -1;
        a->comparator_distance[k] = k < n ? sqrt(c[k].d2) : 0;
    }
}

int dsms_comparators_compute(dsms_refdata *ref)
{
    size_t n = ref->nareas;
    double *z = malloc((n ? n : 1) * DSMS_CHARACTERISTICS * sizeof *z);
    candidate *c = malloc((n ? n : 1) * sizeof *c);
    int rc = z && c ? 0 : -1;
    if (!rc) {
        standardise(ref, z);
        for (size_t i = 0; i < n; i++) nearest(ref, z, i, c);
    } else {
        /* Out of memory: no groups rather than wrong ones. */
        for (size_t i = 0; i < n; i++)
            for (int k = 0; k < DSMS_COMPARATORS; k++) ref->areas[i].comparator[k] = -1;
    }
    free(z);
    free(c);
    return rc;
}
