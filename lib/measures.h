/* measures.h — the measures the strategies are judged on, and their computation.
 *
 * dsms_measure_at() walks the catalogue (docs/measures.md defines each one as
 * implemented); dsms_compute() reads the store, links people, builds their
 * treatment journeys, computes every measure for England, each region and
 * each area, for each financial year and rolling 12 months, with intervals,
 * comparisons and trends, and replaces the store's results with them. */
#ifndef DSMS_MEASURES_H
#define DSMS_MEASURES_H

#include <stddef.h>

#include "diag.h"
#include "stats.h"
#include "store.h"

typedef enum {
    DSMS_KIND_COUNT,      /* a number of people: no interval */
    DSMS_KIND_PROPORTION, /* numerator / denominator as a percentage, Wilson limits */
    DSMS_KIND_RATE,       /* per multiplier, exact Poisson or Byar's limits */
    DSMS_KIND_DSR,        /* directly standardised rate, Dobson's limits */
    DSMS_KIND_MEDIAN      /* a median in days: no interval */
} dsms_measure_kind;

/* England's code, beside its regions' and areas' in the results. */
#define DSMS_ENGLAND_CODE "E92000001"

/* Breakdowns a measure is produced by, besides "all". */
enum { DSMS_BY_SUBSTANCE = 1, DSMS_BY_SEX = 2, DSMS_BY_AGE = 4 };

typedef struct dsms_measure_s {
    const char *id;
    const char *title;  /* what it is, in a few words */
    const char *domain; /* treatment, outcomes, justice or harms */
    const char *unit;   /* "people", "%", "per 1,000 ...", "days" */
    dsms_measure_kind kind;
    dsms_polarity polarity;
    double multiplier;
    unsigned breakdowns;
    int headline;            /* shown in the headline table */
    int estimated_denominator; /* the denominator is an estimate or a population, not a count */
    int lookahead;           /* days past the period's end it looks (re-presentation...) */
} dsms_measure;

size_t dsms_measure_count(void);
const dsms_measure *dsms_measure_at(size_t i); /* NULL past the last */
const dsms_measure *dsms_measure_find(const char *id);

/* The categories of the breakdowns in the order results are made: "all",
 * the substance groups, the sexes, the age bands; NULL past the last. */
const char *dsms_category_name(int i);

/* Disclosure control for public output over rows in the order
 * dsms_store_each_result gives them: hide[i] = 1 for each row whose
 * numerator, or counted denominator, is from 1 to DSMS_DISCLOSURE_MAX; then
 * within each breakdown of a measure, area and period whose categories add up
 * to the published "all" row, where exactly one category is hidden, the
 * smallest other one too. Returns how many rows are hidden. */
size_t dsms_results_disclose(const dsms_result *rows, size_t n, unsigned char *hide);
/* Blank what a hidden row would give away: its counts (a population or
 * estimate stays), value, limits and comparisons. */
void dsms_result_hide(dsms_result *r);

/* What a computation did, for the person who ran it. */
typedef struct {
    size_t episodes, interventions, tops, tests, releases, orders, deaths;
    size_t persons, linked; /* people; of them, linked by pseudonym */
    size_t measures, periods, results;
    char first_period[24], last_period[24];
    double load_seconds, link_seconds, measure_seconds, store_seconds;
} dsms_compute_report;

/* Recompute the measures from the store and replace their results: every
 * measure when only is NULL, else the nonly measures it names, keeping the
 * other measures' results. The reference data is read from the store. */
int dsms_compute(dsms_store *st, const char *const *only, size_t nonly,
                 dsms_compute_report *rep, dsms_err *err);

#endif
