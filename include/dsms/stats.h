/* dsms/stats.h — the public-health statistical methods the measures are published with.
 *
 * Intervals for proportions (Wilson score), counts and crude rates (exact
 * Poisson below 10 events, Byar's from 10), directly standardised rates
 * (Dobson), indirectly standardised ratios, means (Student's t); funnel-plot
 * control limits; comparison with
 * a benchmark; the recent-trend test; disclosure control. Every function takes
 * the confidence level as a fraction (0.95, 0.998) and returns -1, leaving its
 * outputs NaN, for input it cannot use. Distribution quantiles come from GSL;
 * a limit GSL cannot compute (an extreme argument) is NaN, the function still
 * returning 0. Arrays passed in are only read, during the call; outputs are
 * the caller's. docs/statistics.md gives each method's formula and source. */
#ifndef DSMS_STATS_H
#define DSMS_STATS_H

#include <stddef.h>

/* Fewest events for which a directly standardised rate is published. */
#define DSMS_DSR_MIN_EVENTS 10
/* Counts from 1 to this are hidden in public output. */
#define DSMS_DISCLOSURE_MAX 5

/* Wilson score limits of the proportion x/n, as fractions (0..1).
 * -1 when n <= 0, x < 0 or x > n. */
int dsms_wilson(double x, double n, double confidence, double *lower, double *upper);

/* Exact Poisson limits of a count x (from the chi-squared distribution). */
int dsms_poisson_exact(double x, double confidence, double *lower, double *upper);
/* Byar's approximation to the Poisson limits of a count x. The lower limit is
 * NaN (the function still returns 0) where the approximation has none: when
 * 1 - 1/(9x) - z/(3 sqrt x) < 0, as for x = 1 at 99.8%. */
int dsms_byar(double x, double confidence, double *lower, double *upper);
/* Limits of a count as published: exact below 10 events, Byar's from 10. */
int dsms_count_limits(double x, double confidence, double *lower, double *upper);

/* An indirectly standardised ratio's limits: those of the observed count
 * (dsms_count_limits: exact below 10 events, Byar's from 10) over the
 * expected count, as plain ratios (1 where observed equals expected), as
 * PHEindicatormethods' calculate_ISRatio. -1 when expected <= 0 or is not
 * finite, or observed is not a count. */
int dsms_isr(double observed, double expected, double confidence, double *lower, double *upper);

/* Age bands of the 2013 European Standard Population: 0-4, 5-9, ..., 85-89, 90+. */
#define DSMS_ESP_BANDS 19
/* The 2013 European Standard Population by band (it adds up to 100,000), the
 * standard population built in for directly standardised rates. */
extern const double dsms_esp2013[DSMS_ESP_BANDS];

/* Directly standardised rate per `multiplier` over `bands` age bands, with
 * Dobson's limits: count[i] events in pop[i] people, standard[i] the standard
 * population of band i. A band with no people must have no events; it adds
 * nothing. Returns 1, with outputs NaN, when the total count is below
 * DSMS_DSR_MIN_EVENTS (withheld); -1 for bad input. */
int dsms_dsr(const double *count, const double *pop, const double *standard, size_t bands,
             double multiplier, double confidence, double *value, double *lower, double *upper);

/* Mean of n values with Student's t limits (n >= 2); -1 for fewer or a value
 * not finite. */
int dsms_mean(const double *values, size_t n, double confidence, double *mean, double *lower,
              double *upper);
/* The sample standard deviation of n >= 2 values, without overflow on the way
 * (infinite only when the result itself is beyond the largest double); NaN
 * for fewer than 2 values or one not finite. */
double dsms_sd(const double *values, size_t n);
/* The same from a summary: the sum, count and sample standard deviation;
 * -1 when n < 2 or sd < 0. */
int dsms_mean_summary(double sum, double n, double sd, double confidence, double *mean,
                      double *lower, double *upper);

/* Funnel-plot control limits, as fractions, for a proportion with baseline
 * p0 (0..1) at denominator n: the limits of PHE's funnel plot method (Wilson
 * score limits turned round: the proportions whose Wilson interval at
 * `confidence` just reaches p0), held within 0..1. */
int dsms_funnel_proportion(double p0, double n, double confidence, double *lower, double *upper);
/* Funnel-plot control limits for a rate with baseline events per unit
 * `rate` at denominator n (in units), as rates per unit: the counts whose
 * exact Poisson interval at `confidence` just reaches the expected count
 * rate * n, over n. */
int dsms_funnel_rate(double rate, double n, double confidence, double *lower, double *upper);

typedef enum {
    DSMS_POLARITY_NONE,      /* neither direction is better */
    DSMS_POLARITY_HIGH_GOOD, /* higher is better */
    DSMS_POLARITY_LOW_GOOD   /* lower is better */
} dsms_polarity;

typedef enum {
    DSMS_CMP_NOT_COMPARED, /* no interval or no benchmark */
    DSMS_CMP_BETTER,
    DSMS_CMP_SIMILAR,
    DSMS_CMP_WORSE,
    DSMS_CMP_HIGHER,
    DSMS_CMP_LOWER
} dsms_comparison;

/* Similar when the benchmark lies inside [lower, upper] (inclusive);
 * otherwise better or worse by polarity, or higher or lower without one.
 * Cannot fail: not compared when a limit is NaN, lower > upper or the
 * benchmark is not finite. */
dsms_comparison dsms_compare(double lower, double upper, double benchmark, dsms_polarity polarity);
/* "better", "similar", "worse", "higher", "lower", "not compared" (also for
 * any other value): a static string, never NULL. */
const char *dsms_comparison_name(dsms_comparison c);

typedef enum {
    DSMS_TREND_NOT_CALCULATED,
    DSMS_TREND_INCREASING,
    DSMS_TREND_DECREASING,
    DSMS_TREND_NO_CHANGE
} dsms_trend_kind;

typedef struct {
    dsms_trend_kind kind;
    double chi_squared; /* NaN when not calculated */
    double gradient;    /* change in the proportion (0..1) per point: the slope of the
                         * least-squares line through the five proportions weighted
                         * by their denominators; NaN when not calculated */
    const char *reason; /* why not calculated, a static string; NULL when calculated */
} dsms_trend;

/* Points used by the recent-trend test: the last five. */
#define DSMS_TREND_POINTS 5

/* The recent trend of a series of proportions num[i]/den[i] in time order:
 * the chi-squared test for linear trend over the last DSMS_TREND_POINTS
 * points, significant at `confidence` (0.998 as published). A missing point
 * is NaN in num or den; the trend is then not calculated, as it is for fewer
 * than DSMS_TREND_POINTS points, a denominator of 0, or every point 0% or
 * every point 100%. -1 (kind DSMS_TREND_NOT_CALCULATED) for bad input: a
 * negative or infinite value, num > den, or confidence outside (0, 1). *out
 * is filled in whatever the result. */
int dsms_trend_proportions(const double *num, const double *den, size_t n, double confidence,
                           dsms_trend *out);
/* "increasing", "decreasing", "no significant change", "cannot be calculated"
 * (also for any other value): a static string, never NULL. */
const char *dsms_trend_name(dsms_trend_kind k);

/* Disclosure control over n cells that add up to a published total
 * (has_total non-zero) or stand alone: hide[i] = 1 for each count from 1 to
 * DSMS_DISCLOSURE_MAX, then, where a total is published and exactly one cell
 * is hidden, the smallest other non-zero cell too (the first of equals), so
 * the total does not give the first away. hide is the caller's, n cells.
 * Returns how many cells are hidden; (size_t)-1 for a negative or non-finite
 * count, with every cell hidden, as the safe side (nothing written when hide
 * is NULL). */
size_t dsms_disclose(const double *counts, size_t n, int has_total, unsigned char *hide);

#endif
