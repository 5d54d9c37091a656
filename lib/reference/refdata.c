/* refdata.c — the reference data (refdata.h): each file read by the names in
 * its header, every row checked as it comes, the whole checked for
 * completeness at the end; then written into a store's reference tables, or
 * read back from them through the same checks. */
#include "dsms/refdata.h"
#include "dsms/substances_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dsms/csv.h"
#include "dsms/field.h"
#include "dsms/grow.h"

/* ---- age bands ---- */

static const char *const band_label[DSMS_AGE_BANDS] = {
    "0-4",   "5-9",   "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
    "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"};

const char *dsms_age_band_label(int band)
{
    return band >= 0 && band < DSMS_AGE_BANDS ? band_label[band] : NULL;
}

int dsms_age_band_of(int age)
{
    if (age < 0) return -1;
    return age >= 90 ? DSMS_AGE_BANDS - 1 : age / 5;
}

static int band_of_label(const char *s)
{
    for (int i = 0; i < DSMS_AGE_BANDS; i++)
        if (strcmp(s, band_label[i]) == 0) return i;
    return -1;
}

/* ---- the files ---- */

typedef struct loader loader;
typedef int (*row_fn)(loader *l, const char *const *v, dsms_err *err);
typedef int (*finish_fn)(loader *l, dsms_err *err);

enum { MAX_COLS = 8 };

typedef struct {
    const char *file;  /* its name in the reference directory */
    const char *table; /* its table in the store: the same columns */
    const char *cols[MAX_COLS];
    size_t ncols;
    size_t nrequired;  /* the first nrequired columns must be in the header; the others
                          may be missing, and read as empty */
    row_fn row;
    finish_fn finish;  /* checks of the whole file, or NULL */
    int optional;      /* a missing file holds no rows (files added since stores were made) */
} ref_file;

/* Kinds of coded rows, for the lines where each code was first seen. */
enum {
    K_REGION,
    K_FORCE,
    K_PROBATION,
    K_AREA,
    K_PRISON,
    K_PROVIDER,
    K_REGISTER,
    K_REPORTER,
    K_PARTNERSHIP,
    K_SERIES,
    K_KINDS
};

struct loader {
    dsms_refdata *ref;
    const ref_file *f;
    const char *path;   /* the file, or "store:TABLE" */
    long line;
    size_t cap[K_KINDS];
    long *lines[K_KINDS];                  /* line of each code */
    long (*pop_line)[2][DSMS_AGE_BANDS];   /* per area: line of each population row, 0 if none */
    int last_area;                         /* the area of the row before: rows come grouped */
    long esp_line[DSMS_AGE_BANDS];
};

/* "path:line: column: message", the column being the file's column c. */
static int bad(loader *l, dsms_err *err, size_t c, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int bad(loader *l, dsms_err *err, size_t c, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (l->line > 0) dsms_err_set(err, "%s:%ld: %s: %s", l->path, l->line, l->f->cols[c], msg);
    else dsms_err_set(err, "%s: %s: %s", l->path, l->f->cols[c], msg);
    return -1;
}

/* Room for element n in the caller's array of a kind and in the lines of
 * that kind, which always have the same room. */
static int grow_kind(loader *l, int kind, size_t n, void *array, size_t size, dsms_err *err)
{
    if (dsms_room_for_pair(array, size, (void **)&l->lines[kind], sizeof *l->lines[kind],
                           &l->cap[kind], n, 32))
        return dsms_err_set(err, "out of memory"), -1;
    return 0;
}

/* ---- checks of one value ---- */

static int well_formed_code(const char *s, char prefix)
{
    if (strlen(s) != 9 || s[0] != prefix) return 0;
    for (int i = 1; i < 9; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

/* An organisation's code: 1 to 15 letters, digits, '_' or '-'. */
static int org_code(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 15) return 0;
    for (size_t i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", s[i]))
            return 0;
    return 1;
}

static int name_ok(loader *l, size_t c, const char *s, dsms_err *err)
{
    if (!*s) return bad(l, err, c, "empty (expected a name)");
    if (strlen(s) >= sizeof l->ref->regions[0].name)
        return bad(l, err, c, "%zu bytes long (expected at most %zu)", strlen(s),
                   sizeof l->ref->regions[0].name - 1);
    return 0;
}

typedef struct {
    double max;        /* largest allowed (the smallest is 0) */
    int whole;         /* a whole number */
    const char *what;  /* for "(expected ...)" */
} number_rule;

static int field_number(loader *l, size_t c, const char *s, const number_rule *r, double *out,
                  dsms_err *err)
{
    if (dsms_number_parse(s, out))
        return bad(l, err, c, "'%s' is not a number (expected %s)", s, r->what);
    if (*out < 0) return bad(l, err, c, "'%s' is negative (expected %s)", s, r->what);
    if (*out > r->max)
        return bad(l, err, c, "'%s' is more than %g (expected %s)", s, r->max, r->what);
    if (r->whole && *out != floor(*out))
        return bad(l, err, c, "'%s' is not a whole number (expected %s)", s, r->what);
    return 0;
}

static const number_rule prevalence_rule = {
    100, 0, "estimated users per 1,000 aged 15-64, from 0 to 100"};
static const number_rule deprivation_rule = {
    1e6, 0, "an index of multiple deprivation average score, 0 or more"};
static const number_rule people_rule = {1e9, 0, "a number of people, 0 or more"};
static const number_rule capacity_rule = {1e9, 1, "a whole number of people, 0 or more"};

/* ---- look-ups ---- */

static int org_index(const dsms_ref_org *o, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(o[i].code, code) == 0) return (int)i;
    return -1;
}

int dsms_refdata_area(const dsms_refdata *ref, const char *code)
{
    for (size_t i = 0; i < ref->nareas; i++)
        if (strcmp(ref->areas[i].code, code) == 0) return (int)i;
    return -1;
}

const char *const dsms_org_levels[DSMS_ORG_LEVELS] = {"provider", "prison", "police_force",
                                                        "probation_region"};

static int org_level(const char *level)
{
    for (int k = 0; level && k < DSMS_ORG_LEVELS; k++)
        if (strcmp(level, dsms_org_levels[k]) == 0) return k;
    return -1;
}

size_t dsms_refdata_orgs(const dsms_refdata *ref, const char *level)
{
    switch (org_level(level)) {
    case 0: return ref->nproviders;
    case 1: return ref->nprisons;
    case 2: return ref->nforces;
    case 3: return ref->nprobation;
    default: return 0;
    }
}

const char *dsms_refdata_org_code(const dsms_refdata *ref, const char *level, size_t i)
{
    switch (org_level(level)) {
    case 0: return ref->providers[i].code;
    case 1: return ref->prisons[i].code;
    case 2: return ref->forces[i].code;
    case 3: return ref->probation[i].code;
    default: return NULL;
    }
}

const char *dsms_refdata_org_name(const dsms_refdata *ref, const char *level, size_t i)
{
    switch (org_level(level)) {
    case 0: return ref->providers[i].name;
    case 1: return ref->prisons[i].name;
    case 2: return ref->forces[i].name;
    case 3: return ref->probation[i].name;
    default: return NULL;
    }
}

static int prison_index(const dsms_refdata *ref, const char *code)
{
    for (size_t i = 0; i < ref->nprisons; i++)
        if (strcmp(ref->prisons[i].code, code) == 0) return (int)i;
    return -1;
}

static int provider_index(const dsms_refdata *ref, const char *code)
{
    for (size_t i = 0; i < ref->nproviders; i++)
        if (strcmp(ref->providers[i].code, code) == 0) return (int)i;
    return -1;
}

/* A code of the given kind seen before at index `at` (or not, at < 0). */
static int unique(loader *l, int kind, int at, const char *code, dsms_err *err)
{
    if (at < 0) return 0;
    return bad(l, err, 0, "'%s' is a duplicate of line %ld (expected each code once)", code,
               l->lines[kind][at]);
}

/* A reference to a row of another file, which must be there. */
static int refer(loader *l, size_t c, int at, const char *code, const char *file,
                 const char *expected, dsms_err *err)
{
    if (at >= 0) return 0;
    return bad(l, err, c, "'%s' is not in %s (expected %s)", code, file, expected);
}

/* ---- rows ---- */

static int org_row(loader *l, const char *const *v, int kind, dsms_ref_org **orgs, size_t *n,
                   dsms_err *err)
{
    if (kind == K_REGION ? !well_formed_code(v[0], 'E') || strncmp(v[0], "E12", 3) != 0
                         : !org_code(v[0]))
        return bad(l, err, 0, "'%s' is not a %s (expected %s)", v[0],
                   kind == K_REGION ? "region code" : "code",
                   kind == K_REGION ? "an ONS code such as E12000001"
                                    : "1 to 15 letters, digits, '_' or '-'");
    if (unique(l, kind, org_index(*orgs, *n, v[0]), v[0], err) || name_ok(l, 1, v[1], err) ||
        grow_kind(l, kind, *n, orgs, sizeof **orgs, err))
        return -1;
    dsms_ref_org *o = &(*orgs)[*n];
    memset(o, 0, sizeof *o);
    strcpy(o->code, v[0]);
    strcpy(o->name, v[1]);
    l->lines[kind][(*n)++] = l->line;
    return 0;
}

static int region_row(loader *l, const char *const *v, dsms_err *err)
{
    return org_row(l, v, K_REGION, &l->ref->regions, &l->ref->nregions, err);
}

static int force_row(loader *l, const char *const *v, dsms_err *err)
{
    return org_row(l, v, K_FORCE, &l->ref->forces, &l->ref->nforces, err);
}

static int probation_row(loader *l, const char *const *v, dsms_err *err)
{
    return org_row(l, v, K_PROBATION, &l->ref->probation, &l->ref->nprobation, err);
}

static int register_row(loader *l, const char *const *v, dsms_err *err)
{
    return org_row(l, v, K_REGISTER, &l->ref->registers, &l->ref->nregisters, err);
}

static int reporter_row(loader *l, const char *const *v, dsms_err *err)
{
    return org_row(l, v, K_REPORTER, &l->ref->reporters, &l->ref->nreporters, err);
}

/* code, name, region_code, police_force_code, probation_region_code,
 * opiate_crack_per_1000, deprivation_score */
static int area_row(loader *l, const char *const *v, dsms_err *err)
{
    dsms_refdata *ref = l->ref;
    if (!well_formed_code(v[0], 'E'))
        return bad(l, err, 0, "'%s' is not an area code (expected an ONS code such as E08000025)",
                   v[0]);
    dsms_ref_area a = {.region = org_index(ref->regions, ref->nregions, v[2]),
                       .force = org_index(ref->forces, ref->nforces, v[3]),
                       .probation = org_index(ref->probation, ref->nprobation, v[4])};
    if (unique(l, K_AREA, dsms_refdata_area(ref, v[0]), v[0], err) || name_ok(l, 1, v[1], err) ||
        refer(l, 2, a.region, v[2], "regions.csv", "the code of a region listed there", err) ||
        refer(l, 3, a.force, v[3], "police_forces.csv",
              "the code of a police force listed there", err) ||
        refer(l, 4, a.probation, v[4], "probation_regions.csv",
              "the code of a probation region listed there", err) ||
        field_number(l, 5, v[5], &prevalence_rule, &a.opiate_crack_per_1000, err) ||
        field_number(l, 6, v[6], &deprivation_rule, &a.deprivation, err) ||
        grow_kind(l, K_AREA, ref->nareas, &ref->areas, sizeof a, err))
        return -1;
    strcpy(a.code, v[0]);
    strcpy(a.name, v[1]);
    for (int k = 0; k < DSMS_COMPARATORS; k++) a.comparator[k] = -1;
    ref->areas[ref->nareas] = a;
    l->lines[K_AREA][ref->nareas++] = l->line;
    return 0;
}

static const char sexes_expected[] = "M or F";
static const char bands_expected[] = "an age band 0-4, 5-9, ..., 85-89 or 90+";

/* area_code, sex, age_band, population */
static int population_row(loader *l, const char *const *v, dsms_err *err)
{
    dsms_refdata *ref = l->ref;
    int area = l->last_area >= 0 && l->last_area < (int)ref->nareas &&
                       strcmp(ref->areas[l->last_area].code, v[0]) == 0
                   ? l->last_area
                   : dsms_refdata_area(ref, v[0]);
    l->last_area = area;
    int sex = strcmp(v[1], "M") == 0 ? DSMS_SEX_M : strcmp(v[1], "F") == 0 ? DSMS_SEX_F : -1;
    int band = band_of_label(v[2]);
    double n;
    if (refer(l, 0, area, v[0], "areas.csv", "the code of an area listed there", err)) return -1;
    if (sex < 0) return bad(l, err, 1, "'%s' is not a sex (expected %s)", v[1], sexes_expected);
    if (band < 0)
        return bad(l, err, 2, "'%s' is not an age band (expected %s)", v[2], bands_expected);
    if (field_number(l, 3, v[3], &people_rule, &n, err)) return -1;
    if (!l->pop_line) {
        l->pop_line = calloc(ref->nareas ? ref->nareas : 1, sizeof *l->pop_line);
        if (!l->pop_line) return dsms_err_set(err, "out of memory"), -1;
    }
    long *seen = &l->pop_line[area][sex][band];
    if (*seen)
        return bad(l, err, 0, "%s %s %s is a duplicate of line %ld (expected one row for each "
                              "area, sex and age band)", v[0], v[1], v[2], *seen);
    *seen = l->line;
    ref->areas[area].population[sex][band] = n;
    return 0;
}

/* Every area has all 2 x 19 rows, and someone lives there. */
static int population_finish(loader *l, dsms_err *err)
{
    l->line = 0;
    for (size_t a = 0; a < l->ref->nareas; a++) {
        const dsms_ref_area *area = &l->ref->areas[a];
        double total = 0;
        for (int s = 0; s < 2; s++)
            for (int b = 0; b < DSMS_AGE_BANDS; b++) {
                if (!l->pop_line || !l->pop_line[a][s][b])
                    return bad(l, err, 0, "no row for %s, sex %s, age band %s (expected %d rows "
                                          "for each area in areas.csv: sexes M and F, %s each)",
                               area->code, s ? "F" : "M", band_label[b], 2 * DSMS_AGE_BANDS,
                               "age bands 0-4 to 90+");
                total += area->population[s][b];
            }
        if (total <= 0)
            return bad(l, err, 3, "%s has a population of 0 (expected people in every area)",
                       area->code);
    }
    return 0;
}

/* age_band, population */
static int esp_row(loader *l, const char *const *v, dsms_err *err)
{
    int band = band_of_label(v[0]);
    double n;
    if (band < 0)
        return bad(l, err, 0, "'%s' is not an age band (expected %s)", v[0], bands_expected);
    if (l->esp_line[band])
        return bad(l, err, 0, "'%s' is a duplicate of line %ld (expected each band once)", v[0],
                   l->esp_line[band]);
    if (field_number(l, 1, v[1], &people_rule, &n, err)) return -1;
    l->esp_line[band] = l->line;
    l->ref->esp[band] = n;
    return 0;
}

static int esp_finish(loader *l, dsms_err *err)
{
    double total = 0;
    l->line = 0;
    for (int b = 0; b < DSMS_AGE_BANDS; b++) {
        if (!l->esp_line[b])
            return bad(l, err, 0, "no row for %s (expected the %d bands 0-4, 5-9, ..., 90+, once "
                                  "each)", band_label[b], DSMS_AGE_BANDS);
        total += l->ref->esp[b];
    }
    if (fabs(total - 100000) > 1e-6)
        return bad(l, err, 1, "the bands add up to %g (expected 100000: the 2013 European "
                              "Standard Population)", total);
    return 0;
}

int dsms_prison_open_on(const dsms_ref_prison *p, int day)
{
    return day >= p->opened && day <= p->closed;
}

/* An optional date: empty gives `none`. */
static int optional_date(loader *l, size_t c, const char *s, int none, int *out, dsms_err *err)
{
    *out = none;
    if (!*s) return 0;
    int64_t d = dsms_date_parse(s, strlen(s));
    if (d == INT64_MIN)
        return bad(l, err, c, "'%s' is not a date (expected YYYY-MM-DD, or empty)", s);
    *out = (int)d;
    return 0;
}

/* When a prison held people: opened, closed, either may be empty. */
static int prison_dates(loader *l, const char *const *v, dsms_ref_prison *p, dsms_err *err)
{
    if (optional_date(l, 4, v[4], DSMS_OPEN_SINCE_EVER, &p->opened, err) ||
        optional_date(l, 5, v[5], DSMS_OPEN_STILL, &p->closed, err))
        return -1;
    if (p->closed < p->opened)
        return bad(l, err, 5, "'%s' is before opened %s (expected the day the prison closed, "
                              "on or after the day it opened)", v[5], v[4]);
    return 0;
}

/* code, name, area_code, capacity, opened, closed */
static int prison_row(loader *l, const char *const *v, dsms_err *err)
{
    dsms_refdata *ref = l->ref;
    dsms_ref_prison p = {.area = dsms_refdata_area(ref, v[2])};
    double capacity;
    if (!org_code(v[0]))
        return bad(l, err, 0, "'%s' is not a code (expected 1 to 15 letters, digits, '_' or '-')",
                   v[0]);
    if (unique(l, K_PRISON, prison_index(ref, v[0]), v[0], err) || name_ok(l, 1, v[1], err) ||
        refer(l, 2, p.area, v[2], "areas.csv", "the code of an area listed there", err) ||
        field_number(l, 3, v[3], &capacity_rule, &capacity, err) || prison_dates(l, v, &p, err) ||
        grow_kind(l, K_PRISON, ref->nprisons, &ref->prisons, sizeof p, err))
        return -1;
    strcpy(p.code, v[0]);
    strcpy(p.name, v[1]);
    p.capacity = (int)capacity;
    ref->prisons[ref->nprisons] = p;
    l->lines[K_PRISON][ref->nprisons++] = l->line;
    return 0;
}

/* code, name, area_code, prison_code (empty for a community provider) */
static int provider_row(loader *l, const char *const *v, dsms_err *err)
{
    dsms_refdata *ref = l->ref;
    dsms_ref_provider p = {.area = dsms_refdata_area(ref, v[2]),
                           .prison = *v[3] ? prison_index(ref, v[3]) : -1};
    if (!org_code(v[0]))
        return bad(l, err, 0, "'%s' is not a code (expected 1 to 15 letters, digits, '_' or '-')",
                   v[0]);
    if (unique(l, K_PROVIDER, provider_index(ref, v[0]), v[0], err) ||
        name_ok(l, 1, v[1], err) ||
        refer(l, 2, p.area, v[2], "areas.csv", "the code of an area listed there", err) ||
        (*v[3] && refer(l, 3, p.prison, v[3], "prisons.csv",
                        "the code of a prison listed there, or empty for a community provider",
                        err)))
        return -1;
    if (p.prison >= 0 && ref->prisons[p.prison].area != p.area)
        return bad(l, err, 2, "'%s' is not the area of prison %s, %s (expected the prison's "
                              "area for a prison provider)", v[2], v[3],
                   ref->areas[ref->prisons[p.prison].area].code);
    if (grow_kind(l, K_PROVIDER, ref->nproviders, &ref->providers, sizeof p, err)) return -1;
    strcpy(p.code, v[0]);
    strcpy(p.name, v[1]);
    ref->providers[ref->nproviders] = p;
    l->lines[K_PROVIDER][ref->nproviders++] = l->line;
    return 0;
}

/* partnership_code, partnership_name, area_code: one row per member area;
 * a partnership's rows name it alike, and no area twice. Its code is an
 * organisation's (not an area's, so that a scope's code says which it is). */
static int partnership_row(loader *l, const char *const *v, dsms_err *err)
{
    dsms_refdata *ref = l->ref;
    dsms_ref_partnership p = {.area = dsms_refdata_area(ref, v[2])};
    if (!org_code(v[0]) || dsms_refdata_area(ref, v[0]) >= 0)
        return bad(l, err, 0, "'%s' is not a partnership code (expected 1 to 15 letters, "
                              "digits, '_' or '-', not an area's code, such as CDP001)", v[0]);
    if (name_ok(l, 1, v[1], err) ||
        refer(l, 2, p.area, v[2], "areas.csv", "the code of an area listed there", err))
        return -1;
    for (size_t i = 0; i < ref->npartnerships; i++) {
        const dsms_ref_partnership *o = &ref->partnerships[i];
        if (strcmp(o->code, v[0]) != 0) continue;
        if (strcmp(o->name, v[1]) != 0)
            return bad(l, err, 1, "'%s' is not the name given on line %ld, '%s' (expected one "
                                  "name for each partnership)", v[1],
                       l->lines[K_PARTNERSHIP][i], o->name);
        if (o->area == p.area)
            return bad(l, err, 2, "'%s' is a duplicate of line %ld (expected each member area "
                                  "of a partnership once)", v[2], l->lines[K_PARTNERSHIP][i]);
    }
    if (grow_kind(l, K_PARTNERSHIP, ref->npartnerships, &ref->partnerships, sizeof p, err))
        return -1;
    strcpy(p.code, v[0]);
    strcpy(p.name, v[1]);
    ref->partnerships[ref->npartnerships] = p;
    l->lines[K_PARTNERSHIP][ref->npartnerships++] = l->line;
    return 0;
}

const char *const dsms_series_levels[DSMS_SERIES_LEVELS] = {"england", "region", "area",
                                                              "force"};
const char *const dsms_series_units[] = {"count", "percent", "rate_per_100000", "rate_per_1000",
                                         "ratio", "value", NULL};

unsigned dsms_series_level(const char *name)
{
    for (int k = 0; k < DSMS_SERIES_LEVELS; k++)
        if (strcmp(name, dsms_series_levels[k]) == 0) return 1u << k;
    return 0;
}

int dsms_refdata_series(const dsms_refdata *ref, const char *code)
{
    for (size_t i = 0; i < ref->nseries; i++)
        if (strcmp(ref->series[i].code, code) == 0) return (int)i;
    return -1;
}

int dsms_refdata_place(const dsms_refdata *ref, unsigned level, const char *code)
{
    switch (level) {
    case DSMS_LEVEL_ENGLAND: return strcmp(code, DSMS_ENGLAND_CODE) == 0;
    case DSMS_LEVEL_REGION: return org_index(ref->regions, ref->nregions, code) >= 0;
    case DSMS_LEVEL_AREA: return dsms_refdata_area(ref, code) >= 0;
    case DSMS_LEVEL_FORCE: return org_index(ref->forces, ref->nforces, code) >= 0;
    default: return 0;
    }
}

/* A series' code: 1 to 31 lower-case letters, digits or '_', starting with
 * a letter, so that it reads the same in a file, a URL and a column. */
static int series_code(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 31 || s[0] < 'a' || s[0] > 'z') return 0;
    for (size_t i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_", s[i])) return 0;
    return 1;
}

/* Text of at most max - 1 bytes, not empty. */
static int text_ok(loader *l, size_t c, const char *s, size_t max, const char *what,
                   dsms_err *err)
{
    if (!*s) return bad(l, err, c, "empty (expected %s)", what);
    if (strlen(s) >= max)
        return bad(l, err, c, "%zu bytes long (expected at most %zu)", strlen(s), max - 1);
    return 0;
}

/* code, name, unit, polarity, source, levels: one published series. */
static int series_row(loader *l, const char *const *v, dsms_err *err)
{
    dsms_refdata *ref = l->ref;
    dsms_ref_series x;
    memset(&x, 0, sizeof x);
    if (!series_code(v[0]))
        return bad(l, err, 0, "'%s' is not a series code (expected 1 to 31 lower-case letters, "
                              "digits or '_', starting with a letter, such as drug_use_16_59)",
                   v[0]);
    if (unique(l, K_SERIES, dsms_refdata_series(ref, v[0]), v[0], err) ||
        text_ok(l, 1, v[1], sizeof x.name, "the series' name", err))
        return -1;
    int unit = 0;
    while (dsms_series_units[unit] && strcmp(dsms_series_units[unit], v[2]) != 0) unit++;
    if (!dsms_series_units[unit])
        return bad(l, err, 2, "'%s' is not a unit (expected count, percent, rate_per_100000, "
                              "rate_per_1000, ratio or value)", v[2]);
    if (strcmp(v[3], "high") != 0 && strcmp(v[3], "low") != 0 && strcmp(v[3], "none") != 0)
        return bad(l, err, 3, "'%s' is not a polarity (expected high, low or none)", v[3]);
    if (text_ok(l, 4, v[4], sizeof x.source, "the publisher and publication", err)) return -1;
    const char *p = v[5];
    do {
        char one[16];
        size_t n = strcspn(p, ";");
        snprintf(one, sizeof one, "%.*s", n < sizeof one ? (int)n : (int)sizeof one - 1, p);
        unsigned bit = n < sizeof one ? dsms_series_level(one) : 0;
        if (!bit)
            return bad(l, err, 5, "'%.*s' is not a level (expected england, region, area or "
                                  "force, ';' between levels)", (int)n, p);
        if (x.levels & bit)
            return bad(l, err, 5, "'%s' names %s twice (expected each level once)", v[5], one);
        x.levels |= bit;
        p += n;
    } while (*p++);
    if (grow_kind(l, K_SERIES, ref->nseries, &ref->series, sizeof x, err)) return -1;
    snprintf(x.code, sizeof x.code, "%s", v[0]);
    snprintf(x.name, sizeof x.name, "%s", v[1]);
    snprintf(x.unit, sizeof x.unit, "%s", v[2]);
    snprintf(x.polarity, sizeof x.polarity, "%s", v[3]);
    snprintf(x.source, sizeof x.source, "%s", v[4]);
    ref->series[ref->nseries] = x;
    l->lines[K_SERIES][ref->nseries++] = l->line;
    return 0;
}

static int areas_finish(loader *l, dsms_err *err)
{
    l->line = 0;
    if (l->ref->nareas == 0) return bad(l, err, 0, "no areas (expected at least one row)");
    return 0;
}

/* In the order read: each file refers only to files before it. */
static const ref_file files[] = {
    {"regions.csv", "regions", {"code", "name"}, 2, 2, region_row, NULL, 0},
    {"police_forces.csv", "police_forces", {"code", "name"}, 2, 2, force_row, NULL, 0},
    {"probation_regions.csv", "probation_regions", {"code", "name"}, 2, 2, probation_row, NULL,
     0},
    {"areas.csv", "areas",
     {"code", "name", "region_code", "police_force_code", "probation_region_code",
      "opiate_crack_per_1000", "deprivation_score"},
     7, 7, area_row, areas_finish, 0},
    {"population.csv", "population", {"area_code", "sex", "age_band", "population"}, 4, 4,
     population_row, population_finish, 0},
    {"esp2013.csv", "esp2013", {"age_band", "population"}, 2, 2, esp_row, esp_finish, 0},
    {"prisons.csv", "prisons", {"code", "name", "area_code", "capacity", "opened", "closed"}, 6,
     4, prison_row, NULL, 0},
    {"providers.csv", "providers", {"code", "name", "area_code", "prison_code"}, 4, 4,
     provider_row, NULL, 0},
    {"registers.csv", "registers", {"code", "name"}, 2, 2, register_row, NULL, 0},
    {"reporters.csv", "reporters", {"code", "name"}, 2, 2, reporter_row, NULL, 1},
    {"partnerships.csv", "partnerships", {"partnership_code", "partnership_name", "area_code"}, 3,
     3, partnership_row, NULL, 1},
    {"series.csv", "series", {"code", "name", "unit", "polarity", "source", "levels"}, 6, 6,
     series_row, NULL, 1},
};
enum { NFILES = sizeof files / sizeof files[0] };

const char *dsms_refdata_file(size_t i)
{
    return i < NFILES ? files[i].file : NULL;
}

/* ---- reading a file ---- */

/* Where each wanted column is among the header's names; at[k] < 0 if absent,
 * which only an optional column may be. */
static int find_columns(loader *l, size_t n, const char *const *names, int *at, dsms_err *err)
{
    for (size_t k = 0; k < l->f->ncols; k++) {
        at[k] = -1;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(names[i], l->f->cols[k]) != 0) continue;
            if (at[k] >= 0)
                return bad(l, err, k, "named twice in the header (expected each column once)");
            at[k] = (int)i;
        }
        if (at[k] < 0 && k < l->f->nrequired) {
            char all[200] = "";
            for (size_t j = 0; j < l->f->nrequired; j++)
                snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s", j ? ", " : "",
                         l->f->cols[j]);
            return bad(l, err, k, "missing column (expected a header naming %s)", all);
        }
    }
    return 0;
}

/* One data row: its wanted values picked out and handed to the file's row check. */
static int take_row(loader *l, const int *at, const char *const *field, const size_t *len,
                    dsms_err *err)
{
    const char *v[MAX_COLS];
    for (size_t k = 0; k < l->f->ncols; k++) {
        if (at[k] < 0) {
            v[k] = "";
            continue;
        }
        v[k] = field[at[k]];
        if (len && strlen(v[k]) != len[at[k]])
            return bad(l, err, k, "holds a NUL byte (expected text)");
    }
    return l->f->row(l, v, err);
}

static void path_of(char *buf, size_t n, const char *dir, const char *override, const char *file)
{
    if (override) {
        snprintf(buf, n, "%s/%s", override, file);
        if (access(buf, F_OK) == 0) return;
    }
    snprintf(buf, n, "%s/%s", dir, file);
}

static int read_csv(loader *l, const char *path, dsms_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && l->f->optional) return 0;
    if (fd < 0) {
        dsms_err_set(err, "%s: cannot open reference data: %s", path, strerror(errno));
        return -1;
    }
    dsms_csv *c = dsms_csv_open_fd(fd, NULL, NULL);
    dsms_csv_row row;
    int at[MAX_COLS], rc = -1, r;
    l->path = path;
    l->line = 1;
    if (!c || dsms_csv_next(c, &row) != 1) {
        dsms_err_set(err, "%s: file: empty or unreadable (expected a header naming its columns)",
                     path);
        goto done;
    }
    size_t width = row.nfields;
    if (row.status != DSMS_CSV_OK) {
        dsms_err_set(err, "%s:1: header: %s", path, dsms_csv_status_text(row.status));
        goto done;
    }
    if (find_columns(l, row.nfields, row.field, at, err)) goto done;
    while ((r = dsms_csv_next(c, &row)) == 1) {
        l->line = row.line;
        if (row.status != DSMS_CSV_OK) {
            dsms_err_set(err, "%s:%ld: row: %s", path, row.line, dsms_csv_status_text(row.status));
            goto done;
        }
        if (row.nfields != width) {
            dsms_err_set(err, "%s:%ld: row: row has %zu field%s (expected %zu fields, as in the "
                              "header)", path, row.line, row.nfields, row.nfields == 1 ? "" : "s",
                         width);
            goto done;
        }
        if (take_row(l, at, row.field, row.len, err)) goto done;
    }
    if (r < 0) dsms_err_set(err, "%s: read error: %s", path, strerror(errno));
    else rc = l->f->finish ? l->f->finish(l, err) : 0;
done:
    dsms_csv_close(c);
    close(fd);
    return rc;
}

/* Every .csv in an override directory must be one of ours: a misspelt name
 * would otherwise be ignored without a word. The first such name in sorted
 * order is reported, so that the message does not depend on the directory. */
static int check_override(const char *override, dsms_err *err)
{
    DIR *d = opendir(override);
    if (!d) {
        dsms_err_set(err, "%s: cannot read reference directory: %s", override, strerror(errno));
        return -1;
    }
    char stray[256] = "";
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 4, ".csv") != 0) continue;
        int known = 0;
        for (size_t i = 0; i < NFILES; i++) known |= strcmp(e->d_name, files[i].file) == 0;
        known |= strcmp(e->d_name, DSMS_SUBSTANCES_FILE) == 0;
        if (!known && (!*stray || strcmp(e->d_name, stray) < 0))
            snprintf(stray, sizeof stray, "%s", e->d_name);
    }
    closedir(d);
    if (!*stray) return 0;
    dsms_err_set(err, "%s/%s: file: not a reference file (expected one of regions.csv, "
                      "police_forces.csv, probation_regions.csv, areas.csv, population.csv, "
                      "esp2013.csv, prisons.csv, providers.csv, registers.csv, reporters.csv, "
                      "partnerships.csv, series.csv, substances.csv)",
                 override, stray);
    return -1;
}

static void loader_free(loader *l)
{
    for (int k = 0; k < K_KINDS; k++) free(l->lines[k]);
    free(l->pop_line);
}

/* The substance register, when DIR or OVERRIDE has one (a store made
 * before the register was shipped, and fixtures, have none). */
static int read_substances(dsms_refdata *ref, const char *dir, const char *override,
                           dsms_err *err)
{
    char a[4096], b[4096];
    snprintf(a, sizeof a, "%s/%s", dir, DSMS_SUBSTANCES_FILE);
    snprintf(b, sizeof b, "%s/%s", override ? override : dir, DSMS_SUBSTANCES_FILE);
    if (access(a, F_OK) != 0 && access(b, F_OK) != 0) return 0;
    return dsms_substances_read(&ref->substances, dir, override, err);
}

int dsms_refdata_read(dsms_refdata *ref, const char *dir, const char *override, dsms_err *err)
{
    memset(ref, 0, sizeof *ref);
    loader l = {.ref = ref};
    int rc = override ? check_override(override, err) : 0;
    for (size_t i = 0; !rc && i < NFILES; i++) {
        char path[4096];
        path_of(path, sizeof path, dir, override, files[i].file);
        l.f = &files[i];
        rc = read_csv(&l, path, err);
    }
    loader_free(&l);
    if (!rc) rc = read_substances(ref, dir, override, err);
    if (rc) {
        dsms_refdata_free(ref);
        return -1;
    }
    if (dsms_comparators_compute(ref)) {
        dsms_refdata_free(ref);
        return dsms_err_set(err, "out of memory computing the comparator groups"), -1;
    }
    return 0;
}

void dsms_refdata_free(dsms_refdata *ref)
{
    free(ref->regions);
    free(ref->areas);
    free(ref->forces);
    free(ref->probation);
    free(ref->prisons);
    free(ref->providers);
    free(ref->registers);
    free(ref->reporters);
    free(ref->partnerships);
    free(ref->series);
    dsms_substances_free(&ref->substances);
    memset(ref, 0, sizeof *ref);
}

/* ---- the store ---- */

static int put(dsms_store *st, const char *table, size_t n, const char *const *names,
               const char *const *values, dsms_err *err)
{
    return dsms_store_ref_put(st, table, n, names, values, err);
}

static int store_orgs(dsms_store *st, const char *table, const dsms_ref_org *o, size_t n,
                      dsms_err *err)
{
    static const char *const names[] = {"code", "name"};
    for (size_t i = 0; i < n; i++) {
        const char *v[] = {o[i].code, o[i].name};
        if (put(st, table, 2, names, v, err)) return -1;
    }
    return 0;
}

static int store_area(const dsms_refdata *ref, const dsms_ref_area *a, dsms_store *st,
                      dsms_err *err)
{
    static const char *const names[] = {"code", "name", "region_code", "police_force_code",
                                        "probation_region_code", "opiate_crack_per_1000",
                                        "deprivation_score"};
    char rate[32], dep[32];
    dsms_number_text(a->opiate_crack_per_1000, rate);
    dsms_number_text(a->deprivation, dep);
    const char *v[] = {a->code, a->name, ref->regions[a->region].code, ref->forces[a->force].code,
                       ref->probation[a->probation].code, rate, dep};
    return put(st, "areas", 7, names, v, err);
}

static int store_population(const dsms_ref_area *a, dsms_store *st, dsms_err *err)
{
    static const char *const names[] = {"area_code", "sex", "age_band", "population"};
    for (int s = 0; s < 2; s++)
        for (int b = 0; b < DSMS_AGE_BANDS; b++) {
            char n[32];
            dsms_number_text(a->population[s][b], n);
            const char *v[] = {a->code, s == DSMS_SEX_M ? "M" : "F", band_label[b], n};
            if (put(st, "population", 4, names, v, err)) return -1;
        }
    return 0;
}

static int store_esp(const dsms_refdata *ref, dsms_store *st, dsms_err *err)
{
    static const char *const names[] = {"age_band", "population"};
    for (int b = 0; b < DSMS_AGE_BANDS; b++) {
        char n[32];
        dsms_number_text(ref->esp[b], n);
        const char *v[] = {band_label[b], n};
        if (put(st, "esp2013", 2, names, v, err)) return -1;
    }
    return 0;
}

static int store_places(const dsms_refdata *ref, dsms_store *st, dsms_err *err)
{
    static const char *const prison_names[] = {"code",     "name",   "area_code",
                                               "capacity", "opened", "closed"};
    static const char *const provider_names[] = {"code", "name", "area_code", "prison_code"};
    for (size_t i = 0; i < ref->nprisons; i++) {
        const dsms_ref_prison *p = &ref->prisons[i];
        char cap[32], opened[16], closed[16];
        snprintf(cap, sizeof cap, "%d", p->capacity);
        if (p->opened != DSMS_OPEN_SINCE_EVER) dsms_date_format(p->opened, opened);
        if (p->closed != DSMS_OPEN_STILL) dsms_date_format(p->closed, closed);
        const char *v[] = {p->code, p->name, ref->areas[p->area].code, cap,
                           p->opened != DSMS_OPEN_SINCE_EVER ? opened : NULL,
                           p->closed != DSMS_OPEN_STILL ? closed : NULL};
        if (put(st, "prisons", 6, prison_names, v, err)) return -1;
    }
    for (size_t i = 0; i < ref->nproviders; i++) {
        const dsms_ref_provider *p = &ref->providers[i];
        const char *v[] = {p->code, p->name, ref->areas[p->area].code,
                           p->prison >= 0 ? ref->prisons[p->prison].code : NULL};
        if (put(st, "providers", 4, provider_names, v, err)) return -1;
    }
    return 0;
}

static int store_comparators(const dsms_refdata *ref, const dsms_ref_area *a, dsms_store *st,
                             dsms_err *err)
{
    static const char *const names[] = {"area_code", "rank", "comparator_code", "distance"};
    for (int k = 0; k < DSMS_COMPARATORS && a->comparator[k] >= 0; k++) {
        char rank[16], dist[32];
        snprintf(rank, sizeof rank, "%d", k + 1);
        dsms_number_text(a->comparator_distance[k], dist);
        const char *v[] = {a->code, rank, ref->areas[a->comparator[k]].code, dist};
        if (put(st, "comparators", 4, names, v, err)) return -1;
    }
    return 0;
}

static int store_partnerships(const dsms_refdata *ref, dsms_store *st, dsms_err *err)
{
    static const char *const names[] = {"partnership_code", "partnership_name", "area_code"};
    for (size_t i = 0; i < ref->npartnerships; i++) {
        const dsms_ref_partnership *p = &ref->partnerships[i];
        const char *v[] = {p->code, p->name, ref->areas[p->area].code};
        if (put(st, "partnerships", 3, names, v, err)) return -1;
    }
    return 0;
}

static int store_series(const dsms_refdata *ref, dsms_store *st, dsms_err *err)
{
    static const char *const names[] = {"code", "name", "unit", "polarity", "source", "levels"};
    for (size_t i = 0; i < ref->nseries; i++) {
        const dsms_ref_series *x = &ref->series[i];
        char levels[64] = "";
        for (int k = 0; k < DSMS_SERIES_LEVELS; k++)
            if (x->levels & (1u << k))
                snprintf(levels + strlen(levels), sizeof levels - strlen(levels), "%s%s",
                         *levels ? ";" : "", dsms_series_levels[k]);
        const char *v[] = {x->code, x->name, x->unit, x->polarity, x->source, levels};
        if (put(st, "series", 6, names, v, err)) return -1;
    }
    return 0;
}

static int store_all(const dsms_refdata *ref, dsms_store *st, dsms_err *err)
{
    if (dsms_store_ref_clear(st, err) ||
        store_orgs(st, "regions", ref->regions, ref->nregions, err) ||
        store_orgs(st, "police_forces", ref->forces, ref->nforces, err) ||
        store_orgs(st, "probation_regions", ref->probation, ref->nprobation, err))
        return -1;
    for (size_t i = 0; i < ref->nareas; i++)
        if (store_area(ref, &ref->areas[i], st, err)) return -1;
    for (size_t i = 0; i < ref->nareas; i++)
        if (store_population(&ref->areas[i], st, err)) return -1;
    if (store_esp(ref, st, err) || store_places(ref, st, err) ||
        store_orgs(st, "registers", ref->registers, ref->nregisters, err) ||
        store_orgs(st, "reporters", ref->reporters, ref->nreporters, err) ||
        store_partnerships(ref, st, err) || store_series(ref, st, err) ||
        dsms_substances_store(&ref->substances, st, err))
        return -1;
    for (size_t i = 0; i < ref->nareas; i++)
        if (store_comparators(ref, &ref->areas[i], st, err)) return -1;
    return 0;
}

/* In a savepoint: all or nothing inside the caller's transaction, and one
 * transaction of its own (not one a row) when the caller has none. */
int dsms_refdata_store(const dsms_refdata *ref, dsms_store *st, dsms_err *err)
{
    if (dsms_store_savepoint(st, err)) return -1;
    if (store_all(ref, st, err)) {
        dsms_store_rollback_savepoint(st);
        return -1;
    }
    return dsms_store_release(st, err);
}

int dsms_refdata_load(dsms_store *st, const char *dir, dsms_err *err)
{
    dsms_refdata ref;
    if (dsms_refdata_read(&ref, dir, NULL, err)) return -1;
    int rc = dsms_refdata_store(&ref, st, err);
    dsms_refdata_free(&ref);
    return rc;
}

/* ---- reading back from a store ---- */

typedef struct {
    loader *l;
    int at[MAX_COLS];
    dsms_err *err; /* the store's err: a row's failure is said there (diag.h) */
} fetch_ctx;

static int fetch_row(void *ctx, const dsms_ref_row *row)
{
    fetch_ctx *f = ctx;
    if (!row->value) {
        if (find_columns(f->l, row->n, row->name, f->at, f->err)) return -1;
        return 0;
    }
    f->l->line++;
    if (take_row(f->l, f->at, row->value, NULL, f->err)) return -1;
    return 0;
}

/* area_code, rank, comparator_code, distance: computed, so only sanity checked. */
static int comparator_row(void *ctx, const dsms_ref_row *row)
{
    fetch_ctx *f = ctx;
    dsms_refdata *ref = f->l->ref;
    if (row->n != 4) {
        dsms_err_set(f->err, "%s: row: %zu columns (expected 4)", f->l->path, row->n);
        return -1;
    }
    if (!row->value) return 0;
    f->l->line++;
    int area = dsms_refdata_area(ref, row->value[0]);
    int rank = atoi(row->value[1]);
    int other = dsms_refdata_area(ref, row->value[2]);
    double d;
    if (area < 0 || other < 0 || rank < 1 || rank > DSMS_COMPARATORS ||
        dsms_number_parse(row->value[3], &d)) {
        dsms_err_set(f->err, "%s:%ld: row: %s %s %s %s is not a comparator (expected two "
                             "reference areas, a rank 1 to %d and a distance)",
                     f->l->path, f->l->line, row->value[0], row->value[1], row->value[2],
                     row->value[3], DSMS_COMPARATORS);
        return -1;
    }
    ref->areas[area].comparator[rank - 1] = other;
    ref->areas[area].comparator_distance[rank - 1] = d;
    return 0;
}

int dsms_refdata_fetch(dsms_refdata *ref, dsms_store *st, dsms_err *err)
{
    memset(ref, 0, sizeof *ref);
    loader l = {.ref = ref};
    char path[64];
    int rc = 0;
    for (size_t i = 0; !rc && i <= NFILES; i++) {
        const char *table = i < NFILES ? files[i].table : "comparators";
        fetch_ctx f = {&l, {0}, err};
        snprintf(path, sizeof path, "store:%s", table);
        l.f = i < NFILES ? &files[i] : NULL;
        l.path = path;
        l.line = 0;
        rc = dsms_store_ref_each(st, table, i < NFILES ? fetch_row : comparator_row, &f, err);
        if (!rc && l.f && l.f->finish) rc = l.f->finish(&l, err);
    }
    loader_free(&l);
    if (rc) dsms_refdata_free(ref);
    return rc ? -1 : 0;
}
