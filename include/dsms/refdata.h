/* dsms/refdata.h — the reference data shipped in data/ (regions, areas with their
 * population, need and deprivation, the standard population, providers,
 * prisons, police forces, probation regions, mortality registers, the
 * partnerships of areas, the catalogue of published series): read into
 * memory, checked, given
 * comparator groups, and written into a store at init. A user may replace any
 * file with one of the same shape. Functions here keep no pointer they are
 * given beyond the call. */
#ifndef DSMS_REFDATA_H
#define DSMS_REFDATA_H

#include <limits.h>
#include <stddef.h>

#include "dsms/diag.h"
#include "dsms/store.h"
#include "dsms/substances.h"

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
 * day it opened to the day it closed, both included. 1 or 0; cannot fail. */
int dsms_prison_open_on(const dsms_ref_prison *p, int day);

typedef struct {
    char code[16];
    char name[96];
    int area;               /* the area it serves (for a prison provider, the prison's) */
    int prison;             /* -1 for a community provider, else index into prisons */
} dsms_ref_provider;

/* One member area of a partnership (partnerships.csv): a partnership of
 * areas that commission together, one entry per member area. */
typedef struct {
    char code[16];
    char name[96];
    int area;               /* the member area: index into areas */
} dsms_ref_partnership;

/* One published series the store may hold values of (series.csv;
 * docs/series.md): its code, name, unit (one of dsms_series_units), polarity
 * ("high" when a higher value is better, "low" when lower is, "none") and
 * source, and the geography levels it may be given at, as a set of
 * DSMS_LEVEL_ bits. */
typedef struct {
    char code[32];
    char name[128];
    char unit[16];
    char polarity[8];
    char source[128];
    unsigned levels;
} dsms_ref_series;

enum { DSMS_LEVEL_ENGLAND = 1, DSMS_LEVEL_REGION = 2, DSMS_LEVEL_AREA = 4, DSMS_LEVEL_FORCE = 8 };
#define DSMS_SERIES_LEVELS 4
/* The levels' names in the order of their bits: "england", "region",
 * "area", "force". */
extern const char *const dsms_series_levels[DSMS_SERIES_LEVELS];
/* The bit of a level by its name, 0 for a name that is no level. Cannot fail. */
unsigned dsms_series_level(const char *name);
/* The units a series may have, NULL-terminated: count, percent,
 * rate_per_100000, rate_per_1000, ratio, value. */
extern const char *const dsms_series_units[];
/* The code England has in the reference data (an ONS country code). */
#define DSMS_ENGLAND_CODE "E92000001"

/* The arrays are the refdata's, filled by dsms_refdata_read or _fetch and
 * freed by dsms_refdata_free: a pointer into them (an area, a code, a name)
 * is valid until then. */
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
    dsms_ref_org *reporters; /* the sources early-warning reports may come from */
    size_t nreporters;
    /* The substance register (substances.csv): filled by dsms_refdata_read
     * (empty when the directory has none) and stored by dsms_refdata_store,
     * which keeps the substances added since; dsms_substances_fetch reads a
     * store's (dsms_refdata_fetch leaves it empty). */
    dsms_substances substances;
    dsms_ref_partnership *partnerships; /* by partnership, then member area, as in the file */
    size_t npartnerships;               /* member areas of all partnerships */
    dsms_ref_series *series; /* the series catalogue, in the file's order */
    size_t nseries;
    double esp[DSMS_AGE_BANDS];  /* 2013 European Standard Population, sums to 100,000 */
} dsms_refdata;

/* Label of age band i ("0-4" ... "90+"), a static string, NULL for no such
 * band; and the band of an age in years, -1 for a negative age. */
const char *dsms_age_band_label(int band);
int dsms_age_band_of(int age);

/* Read every reference file from DIR. A file the user supplies in OVERRIDE
 * (may be NULL) under the same name takes the place of DIR's. Every row is
 * checked (codes well formed and unique, references resolve, numbers in
 * range, population complete) and the first problem is reported as
 * file:line: field: problem. Comparator groups are computed (comparators.c).
 * 0, with ref's arrays the caller's to free with dsms_refdata_free; or -1
 * with err set and ref empty (freeing it then is harmless). ref is
 * overwritten: what it held before is not freed. dsms_refdata_free frees the
 * arrays and empties ref (not ref itself), so that freeing twice is harmless. */
int dsms_refdata_read(dsms_refdata *ref, const char *dir, const char *override,
                      dsms_err *err);
void dsms_refdata_free(dsms_refdata *ref);

/* Look-ups by code: an index into ref->areas, -1 when unknown. */
int dsms_refdata_area(const dsms_refdata *ref, const char *code);
/* An index into ref->series, -1 when unknown. */
int dsms_refdata_series(const dsms_refdata *ref, const char *code);
/* Whether code is a place of the level (a DSMS_LEVEL_ bit) in the reference
 * data: England's code, a region's, an area's or a police force's. 1 or 0;
 * cannot fail. */
int dsms_refdata_place(const dsms_refdata *ref, unsigned level, const char *code);

/* The kinds of organisation results are produced for, by their level name:
 * "provider", "prison", "police_force", "probation_region". */
#define DSMS_ORG_LEVELS 4
extern const char *const dsms_org_levels[DSMS_ORG_LEVELS];
/* How many organisations of a level the reference data holds (0 for a name
 * that is no such level), and the code and name of the i-th (i below that):
 * ref's, valid until dsms_refdata_free; NULL for a name that is no level. */
size_t dsms_refdata_orgs(const dsms_refdata *ref, const char *level);
const char *dsms_refdata_org_code(const dsms_refdata *ref, const char *level, size_t i);
const char *dsms_refdata_org_name(const dsms_refdata *ref, const char *level, size_t i);

/* Name of the i-th reference file in the order they are read (regions.csv
 * first: each file refers only to those before it), a static string; NULL
 * past the last. */
const char *dsms_refdata_file(size_t i);

/* Read back what dsms_refdata_store wrote, through the same checks, with the
 * comparator groups as stored (not computed again). 0 or -1 (err set), with
 * ref owned and left as dsms_refdata_read leaves it. */
int dsms_refdata_fetch(dsms_refdata *ref, dsms_store *st, dsms_err *err);

/* Write all of it into the store's reference tables, replacing what was there,
 * in a savepoint: 0, or -1 with err set and nothing of it written (the
 * savepoint undone). */
int dsms_refdata_store(const dsms_refdata *ref, dsms_store *st, dsms_err *err);

/* Read DIR and write it into ST: what init and validation without a store use.
 * 0, or -1 with err set and nothing written, as dsms_refdata_store. */
int dsms_refdata_load(dsms_store *st, const char *dir, dsms_err *err);

/* Compute each area's comparator group from its characteristics (comparators.c).
 * With fewer than DSMS_COMPARATORS + 1 areas, the places left over hold -1.
 * 0, or -1 when out of memory, with every group left empty (all -1). */
int dsms_comparators_compute(dsms_refdata *ref);

/* The characteristics comparator groups are computed from, in this order
 * (docs/reference-data.md): opiate and crack users per 1,000 aged 15-64,
 * deprivation score, natural log of total population, share of the
 * population aged 15-24, share aged 65 and over. A characteristic's name is
 * a static string, NULL for k out of range. None of these can fail. */
enum { DSMS_CHARACTERISTICS = 5 };
const char *dsms_characteristic_name(int k);
void dsms_area_characteristics(const dsms_ref_area *a, double out[DSMS_CHARACTERISTICS]);
/* Total population of an area, both sexes, all ages. These three cannot fail. */
double dsms_area_population(const dsms_ref_area *a);
/* People of both sexes in age bands first..last (inclusive, first 0 or more)
 * of an area. */
double dsms_area_people(const dsms_ref_area *a, int first, int last);
/* People aged 15 to 64 in an area: the population that the estimates of
 * opiate and crack users, per 1,000, are of. */
double dsms_area_people_15_64(const dsms_ref_area *a);

#endif
