/* dsms/farrington.h — outbreak detection in weekly counts: the Farrington
 * method (Farrington et al. 1996) and Noufaily's improvement of it (Noufaily
 * et al. 2012), as farringtonFlexible of the R package surveillance computes
 * them, figure for figure.
 *
 * For each week assessed, a quasi-Poisson log-linear model (with a time trend
 * when it is significant) is fitted to the same weeks of past years, past
 * outbreaks weighted down; the week's expected count and the upper limit of
 * its prediction interval (the threshold) follow, and an alarm is raised when
 * the count is above the threshold. docs/statistics.md describes the method,
 * the two settings and how the figures are checked against R. Arrays passed
 * in are only read, during the call; no state is kept between calls. */
#ifndef DSMS_FARRINGTON_H
#define DSMS_FARRINGTON_H

#include <stddef.h>

#include "dsms/csv.h"
#include "dsms/diag.h"
#include "dsms/stats_table.h"

/* How the threshold is computed from the fitted model. */
typedef enum {
    DSMS_FARRINGTON_DELTA,     /* Farrington's: a normal limit of the transformed count */
    DSMS_FARRINGTON_NB_PLUGIN, /* Noufaily's: a negative binomial quantile at the fitted mean */
    DSMS_FARRINGTON_MUAN       /* the same at the upper limit of the fitted mean */
} dsms_farrington_method;

/* The power transformation of the delta method's limit. */
typedef enum {
    DSMS_FARRINGTON_POWER_TWO_THIRDS, /* "2/3": corrects the skewness (the default) */
    DSMS_FARRINGTON_POWER_HALF,       /* "1/2": stabilises the variance */
    DSMS_FARRINGTON_POWER_NONE        /* "none" */
} dsms_farrington_power;

/* The options, named as farringtonFlexible's control list. */
typedef struct {
    int b;                    /* years back (b), 1 to 30 */
    int w;                    /* half-window in weeks around each reference week (w), 0 to 25 */
    double alpha;             /* the threshold is the upper (1 - alpha) limit; 0 < alpha < 1 */
    int reweight;             /* weight past outbreaks down (reweight) */
    double weights_threshold; /* Anscombe residuals above this are weighted down (> 0) */
    int trend;                /* fit a time trend, kept when the rules allow (trend) */
    double p_threshold_trend; /* the trend is kept when its p-value is below this */
    int limit54_cases;        /* no threshold unless the last limit54_weeks weeks (this */
    int limit54_weeks;        /*   one included) have at least limit54_cases: 5 and 4 */
    dsms_farrington_power power;     /* powertrans */
    int no_periods;           /* seasonal periods of each year (noPeriods), 1 to 52 - 2w */
    int past_weeks_not_included; /* the weeks just before this one left out, 0 to 104 */
    dsms_farrington_method method;   /* thresholdMethod */
} dsms_farrington_opts;

/* The original method, as the surveillance vignette (monitoringCounts) sets it:
 * b 4, w 3, noPeriods 1, weightsThreshold 1, pastWeeksNotIncluded 3,
 * pThresholdTrend 0.05, thresholdMethod delta; and farringtonFlexible's
 * defaults: alpha 0.05, reweighting, trend, limit54 5 cases in 4 weeks,
 * powertrans 2/3. Cannot fail. */
void dsms_farrington_original(dsms_farrington_opts *o);
/* Noufaily's improvement, as the vignette sets it: the same but noPeriods 10,
 * weightsThreshold 2.58, pastWeeksNotIncluded 26, pThresholdTrend 1 (the trend
 * kept whenever the other rules allow), thresholdMethod nbPlugin. */
void dsms_farrington_noufaily(dsms_farrington_opts *o);

/* What became of an assessed week. */
typedef enum {
    DSMS_FARRINGTON_OK,         /* expected, threshold and alarm given */
    DSMS_FARRINGTON_FEW_CASES,  /* fewer than limit54_cases in the last limit54_weeks weeks:
                                 * no expected or threshold, and no alarm (alarm 0) */
    DSMS_FARRINGTON_NO_LIMIT,   /* the threshold cannot be computed (muan's limit beyond the
                                 * numbers a double holds): no expected or threshold, alarm 0 */
    DSMS_FARRINGTON_NO_FIT,     /* the model did not converge, with or without trend, or has
                                 * no degrees of freedom: nothing, the alarm unknown (R's NA) */
    DSMS_FARRINGTON_NO_HISTORY  /* a reference week or its window is before the series'
                                 * start: nothing, the alarm unknown */
} dsms_farrington_status;

/* One assessed week. */
typedef struct {
    double expected;  /* the fitted mean (R's control$expected); NaN unless OK */
    double threshold; /* the upper limit (R's upperbound); NaN unless OK */
    double phi;       /* the overdispersion, at least 1 (R's phiVector); NaN for NO_FIT,
                       * NO_HISTORY, and FEW_CASES (not computed) */
    int alarm;        /* 1 when the count is above the threshold (and not 0); else 0 */
    int trend;        /* 1 when the model kept a time trend */
    dsms_farrington_status status;
} dsms_farrington_week;

/* "assessed", "fewer cases than limit54", "limit beyond range", "model did not
 * converge", "too little history" (also for any other value): static, never NULL. */
const char *dsms_farrington_status_name(dsms_farrington_status s);

/* Check the options: 0, or -1 with err saying which is out of range. */
int dsms_farrington_check(const dsms_farrington_opts *o, dsms_err *err);

/* The first week (index into the series) with enough history for the
 * options: its reference weeks b years back and their windows within the
 * series; n when there is none. The series is n weeks, day[i] the Monday (or
 * any weekday, the same for all) of week i as days since 1970-01-01, each 7
 * days after the one before (unchecked here). */
size_t dsms_farrington_first(const dsms_farrington_opts *o, const long *day, size_t n);

/* Assess weeks first .. first + nweeks - 1 of a series of n weeks: day[i] as
 * above, counts[i] the week's count (a whole number, 0 or more). out holds
 * nweeks entries, the caller's. -1 with err set (out untouched) for bad
 * options, a range beyond the series, days not 7 apart, a count that is
 * negative, not whole or not finite, or no memory; else 0, each week's
 * status saying whether it could be assessed. */
int dsms_farrington(const dsms_farrington_opts *o, const long *day, const double *counts,
                    size_t n, size_t first, size_t nweeks, dsms_farrington_week *out,
                    dsms_err *err);

/* The methods over CSV input, as `dsms stats farrington` runs them: columns
 * series, week and count, found by name among any others; week an ISO week
 * (2024-W07, its Monday) or a date (YYYY-MM-DD, 1900 or later); count a whole
 * number from 0 to 2^53. Rows may come in any order, but each series' weeks
 * must be 7 days apart without gaps or duplicates. Assessed: the last `last`
 * weeks of each series, or with last 0 every week with enough history (the
 * last week alone, with a note, for a series that has none). out: the
 * columns series, week, count (as written), expected, threshold, alarm (0 or
 * 1) and note (why a figure is not given), each series' weeks in order, the
 * series in the order the file first names them; the caller frees it with
 * dsms_stats_table_free. -1 on a problem, err holding "path:line: column:
 * what is wrong (expected ...)" (the first bad row; when every row is good,
 * the lowest line of a gap or duplicate week) or "path: ..." about the whole
 * file, and out empty. csv stays the caller's. */
int dsms_farrington_run(const dsms_farrington_opts *o, size_t last, const char *path,
                        dsms_csv *csv, dsms_stats_table *out, dsms_err *err);

#endif
