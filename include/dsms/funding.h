/* dsms/funding.h — grants shared out by need, and payments for outcomes
 * (docs/funding.md).
 *
 * A need formula (YAML) names indicators of need, from the reference data,
 * the store's results or its series, each with a weight and a way of being
 * normalised; a minimum for every area; tranches of areas by rank of need,
 * each funded from a period on; and damping against last year's allocation.
 * dsms_allocate shares a budget out by it, exactly to the penny. A tariff
 * (YAML) pays for outcomes in the results: per person counted, per point of
 * improvement over a baseline, capped per area, scaled down to a pot.
 * Amounts are whole pence in int64_t throughout. Functions here keep no
 * pointer they are given beyond the call. */
#ifndef DSMS_FUNDING_H
#define DSMS_FUNDING_H

#include <stddef.h>
#include <stdint.h>

#include "dsms/diag.h"
#include "dsms/measures.h"
#include "dsms/refdata.h"
#include "dsms/stats.h"
#include "dsms/store.h"

enum { DSMS_FUND_ID = 48, DSMS_FUND_TEXT = 400, DSMS_FUND_TRANCHES = 16 };

/* The largest amount dsms takes: just under a million million pounds. */
#define DSMS_AMOUNT_MAX ((int64_t)100000000000000)

/* An amount of money in pounds as people write it: digits, with commas
 * between thousands if at all (780,000,000), and up to two decimals
 * (780000000.5, 780,000,000.00); no sign, symbol, spaces or suffix. 0 with
 * *pence set, or -1. Cannot fail otherwise. */
int dsms_amount_parse(const char *s, int64_t *pence);
/* pence as pounds with two decimals ("780000000.00", "-12.05"); buf holds at
 * least 32 bytes. Cannot fail. */
void dsms_amount_text(int64_t pence, char *buf);

typedef enum { DSMS_NEED_REFERENCE, DSMS_NEED_MEASURE, DSMS_NEED_SERIES } dsms_need_source;
typedef enum { DSMS_NORM_PER_HEAD, DSMS_NORM_SHARE } dsms_need_norm;

/* One indicator of need. */
typedef struct {
    char id[DSMS_FUND_ID];
    dsms_need_source source;
    /* the reference data's field (deprivation_score, opiate_crack_per_1000,
     * population, population_15_64), the measure's id or the series' code */
    char from[DSMS_FUND_ID];
    char breakdown[DSMS_FUND_ID], category[DSMS_FUND_ID]; /* a measure's: "all" unless given */
    unsigned level;           /* a series': DSMS_LEVEL_AREA or DSMS_LEVEL_FORCE */
    char period[DSMS_PERIOD_LEN]; /* its own period, or "": the allocation's */
    double weight;            /* above 0 */
    dsms_need_norm norm;
    int missing_england;      /* an area with no value takes England's; else refused */
    int line;
} dsms_indicator;

/* Areas ranked by need from rank first on, funded from a period on. */
typedef struct {
    char name[DSMS_FUND_ID];
    int areas;                    /* how many; 0: every area left */
    char from[DSMS_PERIOD_LEN];   /* the first period it is funded in, or "": always */
    int line;
} dsms_tranche;

typedef struct {
    char id[DSMS_FUND_ID], name[DSMS_FUND_TEXT], source[DSMS_FUND_TEXT];
    dsms_indicator *indicators;   /* in the file's order */
    size_t nindicators;
    int64_t minimum;              /* pence every area gets at least; 0 */
    dsms_tranche tranches[DSMS_FUND_TRANCHES];
    size_t ntranches;             /* 0: one tranche of every area, always funded */
    int damping;                  /* whether floor and ceiling apply */
    int32_t floor_bp, ceiling_bp; /* the least and most change on last year's, in
                                     hundredths of a percent (-500: -5%) */
} dsms_formula;

/* Read and check the need formula in path (docs/funding.md): 0, or -1 with
 * err set to "path:line: field: what was expected" and *f empty.
 * dsms_formula_free frees what it holds. */
int dsms_formula_read(const char *path, dsms_formula *f, dsms_err *err);
/* dsms_formula_read of a formula given as text (len bytes), named name in
 * messages. */
int dsms_formula_parse(const char *text, size_t len, const char *name, dsms_formula *f,
                       dsms_err *err);
/* Frees what a formula holds and empties it. */
void dsms_formula_free(dsms_formula *f);

/* One area in an allocation. The caller sets code, people and previous (and
 * values, for dsms_need_combine); the rest is computed. */
typedef struct {
    const char *code;       /* the caller's */
    double people;          /* population aged 15-64: what per-head indicators are of */
    int64_t previous;       /* last year's allocation in pence, or -1: none given */
    double share;           /* its share of England's need (all areas sum to 1) */
    double need_index;      /* need per head against England's: share over population share */
    int rank;               /* 1: the highest need index; ties by code */
    int tranche;            /* index into the formula's tranches (0 when it has none) */
    int funded;             /* its tranche is funded in the period */
    int64_t allocation;     /* pence */
} dsms_alloc_area;

/* Each area's share of need from its indicators' values: values[k * n + i]
 * is indicator k's value for area i (0 or more). Per head: the value times
 * the area's people; share: the value as it is; each indicator's figures
 * over their sum over the areas, weighted. Then the need index, the rank
 * and the tranche of each. 0, or -1 with err set (a negative value, an
 * indicator summing to 0, no people). */
int dsms_need_combine(const dsms_formula *f, const double *values, dsms_alloc_area *a, size_t n,
                      dsms_err *err);

/* Share budget pence out over a's n areas (need combined), funding the
 * tranches whose period has begun by period (NULL: every tranche):
 * each area at least the minimum and, where a previous allocation is given
 * and the formula damps, within its floor and ceiling of it; the rest in
 * proportion to the funded areas' shares; whole pence by the largest
 * remainder, ties to the lower code; the allocations sum to budget exactly.
 * 0, or -1 with err set when it cannot be done (budget below the minimums
 * and floors, or above what the ceilings allow). */
int dsms_allocate(const dsms_formula *f, const char *period, int64_t budget, dsms_alloc_area *a,
                  size_t n, dsms_err *err);

/* Each reference area's indicator values for an allocation in period (NULL:
 * every indicator must give its own), from ref and the store st (NULL when
 * no indicator needs it): values as dsms_need_combine takes them
 * (nindicators * ref->nareas), the caller's to free. 0, or -1 with err
 * naming the area and the indicator with no value (unless the formula says
 * to take England's). */
int dsms_need_values(dsms_store *st, const dsms_refdata *ref, const dsms_formula *f,
                     const char *period, double **values, dsms_err *err);

/* Last year's allocation (CSV, header area_code,amount; amounts as
 * dsms_amount_parse takes them) into a[i].previous for a's n areas: every
 * area once, no other. 0, or -1 with err "path:line: column: what". */
int dsms_previous_read(const char *path, dsms_alloc_area *a, size_t n, dsms_err *err);

/* ---- payment for outcomes ------------------------------------------------------------ */

/* What one outcome pays. */
typedef struct {
    char id[DSMS_FUND_ID];
    char measure[DSMS_FUND_ID], breakdown[DSMS_FUND_ID], category[DSMS_FUND_ID];
    int64_t per_person;            /* pence per person in the numerator; 0 none */
    int64_t per_point;             /* pence per point of improvement; 0 none */
    char baseline[DSMS_PERIOD_LEN]; /* what improvement is over (with per_point) */
    int64_t threshold_micro;       /* least improvement paid for, in millionths of a point */
    int64_t cap;                   /* most pence an area earns by it, or -1 */
    int higher_better;             /* the measure's polarity: 1 high, 0 low */
    int line;
} dsms_outcome_tariff;

typedef struct {
    char id[DSMS_FUND_ID], name[DSMS_FUND_TEXT], source[DSMS_FUND_TEXT];
    dsms_outcome_tariff *outcomes;
    size_t noutcomes;
    int64_t pot;                   /* the most paid in all, or -1: no limit */
} dsms_tariff;

/* Read and check the tariff in path (docs/funding.md): every measure and
 * breakdown known, every outcome paying something, a baseline with a payment
 * for improvement. 0, or -1 with err set to "path:line: field: what was
 * expected" and *t empty. */
int dsms_tariff_read(const char *path, dsms_tariff *t, dsms_err *err);
/* dsms_tariff_read of a tariff given as text (len bytes), named name in
 * messages. */
int dsms_tariff_parse(const char *text, size_t len, const char *name, dsms_tariff *t,
                      dsms_err *err);
/* Frees what a tariff holds and empties it. */
void dsms_tariff_free(dsms_tariff *t);

/* One area's figures for one outcome, and what it is paid. */
typedef struct {
    const char *area;        /* the caller's */
    size_t outcome;          /* index into the tariff's outcomes */
    double numerator, value, baseline; /* NaN: none in the results */
    int64_t improvement_micro; /* in millionths of a point, the polarity's way; 0 none */
    int64_t earned, capped, paid; /* pence: by the tariff, after its cap, after the pot */
    const char *note;        /* static text: why it earned nothing, or "" */
} dsms_payment;

/* What each row earns, its cap, and the pot shared pro rata when the
 * capped earnings exceed it (largest remainder, ties by area then outcome):
 * the total paid is then the pot exactly. Cannot fail: 0. */
int dsms_incentive_pay(const dsms_tariff *t, dsms_payment *rows, size_t n);

/* The rows (ref->nareas areas by the tariff's outcomes, area-major) read
 * from the store's results for period: the caller's to free. 0, or -1 with
 * err set on a store error. */
int dsms_incentive_rows(dsms_store *st, const dsms_refdata *ref, const dsms_tariff *t,
                        const char *period, dsms_payment **rows, dsms_err *err);

#endif
