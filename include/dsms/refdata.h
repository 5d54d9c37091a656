/* dsms/refdata.h — the reference data shipped in data/ (regions, areas with their
 * population, need and deprivation, the standard population, providers,
 * prisons, police forces, probation regions, mortality registers): read into
 * memory, checked, given
 * comparator groups, and written into a store at init. A user may replace any
 * file with one of the same shape. */
#ifndef DSMS_REFDATA_H
#define DSMS_REFDATA_H

#include <limits.h>
#include <stddef.h>

#include "dsms/diag.h"
#include "dsms/store.h"

enum { DSMS_AGE_BANDS = 19 };  /* 0-4, 5-9, ..., 85-89, 90+ (2013 ESP bands) */
enum { DSMS_COMPARATORS = 15 };  /* comparator group size */
enum { DSMS_SEX_M = 0, DSMS_SEX_F = 1 };

typedef struct {
    char code[16];
    char name[96];
} dsms_ref_org;  /* a region, police force, probation region or mortality register */

typedef struct {
    char code[16];
    char name[96];
    int region;             /* index into regions */
    int force;              /* index into forces */
    int probation;          /* index into probation regions */
    double opiate_crack_per_1000;  /* estimated users per 1,000 aged 15-64 */
    double deprivation;     /* index of multiple deprivation, average score */
    double population[2][DSMS_AGE_BANDS];  /* by sex (DSMS_SEX_M/F) and band */
    int comparator[DSMS_COMPARATORS];      /* the most similar areas, nearest first */
    double comparator_distance[DSMS_COMPARATORS];
} dsms_ref_area;

typedef struct {
    char code[16];
    char name[96];
    int area;               /* where it is: index into areas */
    int capacity;           /* operational capacity (people) */
    int opened, closed;     /* days since 1970-01-01 it first and last held people:
                               DSMS_OPEN_SINCE_EVER / DSMS_OPEN_STILL when not given */
} dsms_ref_prison;

enum { DSMS_OPEN_SINCE_EVER = INT_MIN, DSMS_OPEN_STILL = INT_MAX };

/* Whether a prison holds people on a day (days since 1970-01-01): from the
 * day it opened to the day it closed, both included. */
int dsms_prison_open_on(const dsms_ref_prison *p, int day);

typedef struct {
    char code[16];
    char name[96];
    int area;               /* the area it serves (for a prison provider, the prison's) */
    int prison;             /* -1 for a community provider, else index into prisons */
} dsms_ref_provider;

typedef struct {
    dsms_ref_org *regions;
    size_t nregions;
    dsms_ref_area *areas;
    size_t nareas;
    dsms_ref_org *forces;
    size_t nforces;
    dsms_ref_org *probation;
    size_t nprobation;
    dsms_ref_prison *prisons;
    size_t nprisons;
    dsms_ref_provider *providers;
    size_t nproviders;
    dsms_ref_org *registers; /* the sources deaths may come from */
    size_t nregisters;
    double esp[DSMS_AGE_BANDS];  /* 2013 European Standard Population, sums to 100,000 */
} dsms_refdata;

/* Label of age band i ("0-4" ... "90+"), and the band of an age in years. */
const char *dsms_age_band_label(int band);
int dsms_age_band_of(int age);

/* Read every reference file from DIR. A file the user supplies in OVERRIDE
 * (may be NULL) under the same name takes the place of DIR's. Every row is
 * checked (codes well formed and unique, references resolve, numbers in
 * range, population complete) and the first problem is reported as
 * file:line: field: problem. Comparator groups are computed (comparators.c). */
int dsms_refdata_read(dsms_refdata *ref, const char *dir, const char *override,
                      dsms_err *err);
void dsms_refdata_free(dsms_refdata *ref);

/* Look-ups by code; -1 when unknown. */
int dsms_refdata_area(const dsms_refdata *ref, const char *code);

/* The kinds of organisation results are produced for, by their level name:
 * "provider", "prison", "police_force", "probation_region". */
#define DSMS_ORG_LEVELS 4
extern const char *const dsms_org_levels[DSMS_ORG_LEVELS];
/* How many organisations of a level the reference data holds (0 for a name
 * that is no such level), and the code and name of the i-th (i below that). */
size_t dsms_refdata_orgs(const dsms_refdata *ref, const char *level);
const char *dsms_refdata_org_code(const dsms_refdata *ref, const char *level, size_t i);
const char *dsms_refdata_org_name(const dsms_refdata *ref, const char *level, size_t i);

/* Name of the i-th reference file in the order they are read (regions.csv
 * first: each file refers only to those before it); NULL past the last. */
const char *dsms_refdata_file(size_t i);

/* Read back what dsms_refdata_store wrote, through the same checks, with the
 * comparator groups as stored (not computed again). */
int dsms_refdata_fetch(dsms_refdata *ref, dsms_store *st, dsms_err *err);

/* Write all of it into the store's reference tables, replacing what was there. */
int dsms_refdata_store(const dsms_refdata *ref, dsms_store *st, dsms_err *err);

/* Read DIR and write it into ST: what init and validation without a store use. */
int dsms_refdata_load(dsms_store *st, const char *dir, dsms_err *err);

/* Compute each area's comparator group from its characteristics (comparators.c).
 * With fewer than DSMS_COMPARATORS + 1 areas, the places left over hold -1. */
void dsms_comparators_compute(dsms_refdata *ref);

/* The characteristics comparator groups are computed from, in this order
 * (docs/reference-data.md): opiate and crack users per 1,000 aged 15-64,
 * deprivation score, natural log of total population, share of the
 * population aged 15-24, share aged 65 and over. */
enum { DSMS_CHARACTERISTICS = 5 };
const char *dsms_characteristic_name(int k);
void dsms_area_characteristics(const dsms_ref_area *a, double out[DSMS_CHARACTERISTICS]);
/* Total population of an area, both sexes, all ages. */
double dsms_area_population(const dsms_ref_area *a);
/* People of both sexes in age bands first..last (inclusive) of an area. */
double dsms_area_people(const dsms_ref_area *a, int first, int last);
/* People aged 15 to 64 in an area: the population that the estimates of
 * opiate and crack users, per 1,000, are of. */
double dsms_area_people_15_64(const dsms_ref_area *a);

#endif
