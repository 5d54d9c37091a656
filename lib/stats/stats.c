/* stats.c — the public-health statistical methods (stats.h): Wilson score
 * limits, exact Poisson and Byar's limits, Dobson's limits for directly
 * standardised rates, Student's t limits for means, funnel-plot control
 * limits, comparison with a benchmark, the chi-squared test for trend and
 * disclosure control. The formulas follow PHE's Technical Guide and the
 * PHEindicatormethods package; docs/statistics.md gives each with its source. */
#include "dsms/stats.h"
#include "dsms/text.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <math.h>

/* 2013 European Standard Population, 0-4 ... 90+ (Eurostat, 2013). */
const double dsms_esp2013[DSMS_ESP_BANDS] = {5000, 5500, 5500, 5500, 6000, 6000, 6500,
                                             7000, 7000, 7000, 7000, 6500, 6000, 5500,
                                             5000, 4000, 2500, 1500, 1000};

/* ---- shared by the methods ---- */

/* GSL's default error handler aborts the process, as when an inverse
 * distribution function fails to converge for an extreme argument. Off, the
 * function returns NaN instead, and the figure is left out: a program must
 * not stop over one cell of a table. Called on every way into GSL (it only
 * sets a pointer). */
static void quiet_gsl(void) { gsl_set_error_handler_off(); }

static int ok_confidence(double c)
{
    quiet_gsl();
    return isfinite(c) && c > 0 && c < 1;
}

/* The two-sided normal quantile: 1.959964 for 0.95, 3.090232 for 0.998. */
static double z_two_sided(double confidence)
{
    return gsl_cdf_ugaussian_Pinv(1 - (1 - confidence) / 2);
}

/* Set both outputs to NaN and report bad input. */
static int refuse2(double *a, double *b)
{
    *a = NAN;
    *b = NAN;
    return -1;
}

static double clamp01(double x) { return x < 0 ? 0 : x > 1 ? 1 : x; }

/* ---- proportions ---- */

int dsms_wilson(double x, double n, double confidence, double *lower, double *upper)
{
    if (!isfinite(x) || !isfinite(n) || n <= 0 || x < 0 || x > n || !ok_confidence(confidence))
        return refuse2(lower, upper);
    /* The usual form, (p + z^2/2n -+ z sqrt(pq/n + z^2/4n^2)) / (1 + z^2/n),
     * divided through by z^2/n (t = n/z^2): no term overflows for a tiny n,
     * and the lower limit, which at a small p is the difference of two nearly
     * equal terms, is taken as their product over their sum. */
    double z = z_two_sided(confidence), t = n / (z * z), p = x / n, q = (n - x) / n;
    double a = p * t + 0.5, b = sqrt(p * q * t + 0.25);
    /* At x = 0 and x = n the limit is exactly 0 or 1; rounding must not move
     * it past the value (as 3e-21 above 0 once did). */
    *lower = x == 0 ? 0 : clamp01(p * p * t / (a + b));
    *upper = x == n ? 1 : clamp01((a + b) / (t + 1));
    return 0;
}

/* ---- counts ---- */

int dsms_poisson_exact(double x, double confidence, double *lower, double *upper)
{
    if (!isfinite(x) || x < 0 || !ok_confidence(confidence)) return refuse2(lower, upper);
    double a = (1 - confidence) / 2;
    /* The chi-squared distribution with 0 degrees of freedom is all at 0. */
    *lower = x > 0 ? gsl_cdf_chisq_Pinv(a, 2 * x) / 2 : 0;
    *upper = gsl_cdf_chisq_Pinv(1 - a, 2 * x + 2) / 2;
    return 0;
}

int dsms_byar(double x, double confidence, double *lower, double *upper)
{
    if (!isfinite(x) || x < 0 || !ok_confidence(confidence)) return refuse2(lower, upper);
    double z = z_two_sided(confidence);
    if (x > 0) {
        double b = 1 - 1 / (9 * x) - z / (3 * sqrt(x));
        /* A negative base has no meaning as a count: no lower limit. */
        *lower = b >= 0 ? x * b * b * b : NAN;
    } else {
        *lower = 0;
    }
    double x1 = x + 1, b = 1 - 1 / (9 * x1) + z / (3 * sqrt(x1));
    *upper = x1 * b * b * b;
    return 0;
}

int dsms_count_limits(double x, double confidence, double *lower, double *upper)
{
    /* Byar's approximation is close enough from 10 events; below, exact. */
    if (isfinite(x) && x < 10) return dsms_poisson_exact(x, confidence, lower, upper);
    return dsms_byar(x, confidence, lower, upper);
}

/* ---- indirectly standardised ratios ---- */

int dsms_isr(double observed, double expected, double confidence, double *lower, double *upper)
{
    if (!isfinite(expected) || expected <= 0) return refuse2(lower, upper);
    if (dsms_count_limits(observed, confidence, lower, upper)) return -1;
    *lower /= expected;
    *upper /= expected;
    return 0;
}

/* ---- directly standardised rates ---- */

int dsms_dsr(const double *count, const double *pop, const double *standard, size_t bands,
             double multiplier, double confidence, double *value, double *lower, double *upper)
{
    *value = NAN;
    if (!count || !pop || !standard || bands == 0 || !isfinite(multiplier) || multiplier <= 0 ||
        !ok_confidence(confidence))
        return refuse2(lower, upper);
    double total = 0, wsum = 0, rate = 0, var = 0;
    for (size_t i = 0; i < bands; i++) {
        double x = count[i], n = pop[i], w = standard[i];
        if (!isfinite(x) || !isfinite(n) || !isfinite(w) || x < 0 || n < 0 || w < 0 ||
            (n == 0 && x > 0))
            return refuse2(lower, upper);
        total += x;
        wsum += w;
        if (n == 0) continue; /* no people, no events: nothing to add */
        rate += w * x / n;
        var += w * w * x / (n * n);
    }
    if (wsum <= 0) return refuse2(lower, upper);
    *lower = *upper = NAN;
    if (total < DSMS_DSR_MIN_EVENTS) return 1;
    double ol, ou;
    dsms_count_limits(total, confidence, &ol, &ou);
    /* Dobson: the limits of the total count carried over to the rate through
     * the ratio of the rate's standard error to the count's. */
    double dsr = rate / wsum, se = sqrt(var / (wsum * wsum) / total);
    *value = dsr * multiplier;
    *lower = (dsr + se * (ol - total)) * multiplier;
    *upper = (dsr + se * (ou - total)) * multiplier;
    return 0;
}

/* ---- means ---- */

int dsms_mean_summary(double sum, double n, double sd, double confidence, double *mean,
                      double *lower, double *upper)
{
    *mean = NAN;
    if (!isfinite(sum) || !isfinite(n) || !isfinite(sd) || n < 2 || sd < 0 ||
        !ok_confidence(confidence))
        return refuse2(lower, upper);
    double t = gsl_cdf_tdist_Pinv(1 - (1 - confidence) / 2, n - 1);
    *mean = sum / n;
    *lower = *mean - t * sd / sqrt(n);
    *upper = *mean + t * sd / sqrt(n);
    return 0;
}

/* The sum and the sample standard deviation of n >= 2 finite values, in units
 * of 2^e. Values near the largest double overflow their sum and squares:
 * then the units are a power of two near the largest value, which scales
 * every figure exactly. -1 for a value that is not finite. */
static int moments(const double *values, size_t n, int *e, double *sum, double *sd)
{
    double big = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(values[i])) return -1;
        if (fabs(values[i]) > big) big = fabs(values[i]);
    }
    *e = 0;
    if (big > 1e150) frexp(big, e);
    double s = 0;
    for (size_t i = 0; i < n; i++) s += ldexp(values[i], -*e);
    /* Two passes: the sum of squares about the mean, not the difference of two
     * large sums, keeps the standard deviation accurate. */
    double m = s / (double)n, ss = 0;
    for (size_t i = 0; i < n; i++) {
        double d = ldexp(values[i], -*e) - m;
        ss += d * d;
    }
    *sum = s;
    *sd = sqrt(ss / (double)(n - 1));
    return 0;
}

double dsms_sd(const double *values, size_t n)
{
    int e;
    double sum, sd;
    if (!values || n < 2 || moments(values, n, &e, &sum, &sd)) return NAN;
    return ldexp(sd, e); /* infinite when it does not fit */
}

int dsms_mean(const double *values, size_t n, double confidence, double *mean, double *lower,
              double *upper)
{
    *mean = NAN;
    int e;
    double sum, sd;
    if (!values || n < 2 || moments(values, n, &e, &sum, &sd)) return refuse2(lower, upper);
    int rc = dsms_mean_summary(sum, (double)n, sd, confidence, mean, lower, upper);
    /* Back from units of 2^e; a limit that does not fit is infinite. */
    *mean = ldexp(*mean, e);
    *lower = ldexp(*lower, e);
    *upper = ldexp(*upper, e);
    return rc;
}

/* ---- funnel plots ---- */

int dsms_funnel_proportion(double p0, double n, double confidence, double *lower, double *upper)
{
    if (!isfinite(p0) || !isfinite(n) || p0 < 0 || p0 > 1 || n <= 0 ||
        !ok_confidence(confidence))
        return refuse2(lower, upper);
    /* The proportions p whose Wilson interval at this level has p0 as one
     * end: the Wilson interval of p is the set of q with (p - q)^2 = z^2 q(1-q)/n
     * at its ends, so p = p0 +- z sqrt(p0 (1 - p0) / n). This is
     * PHEindicatormethods' sigma_adjustment (a quadratic in p with
     * k = n/z^2) simplified; the quadratic's two huge, nearly equal terms
     * lost every digit of the limits' spread from n near 1e15. */
    double z = z_two_sided(confidence), half = z * sqrt(p0 * (1 - p0) / n);
    *lower = clamp01(p0 - half);
    *upper = clamp01(p0 + half);
    return 0;
}

/* The count o >= 0 at which f(o, e) = target, for f monotone in o (rising
 * when up, falling otherwise) with the root beyond o = 0: bisection, after
 * doubling an upper bracket. NaN when f fails (NaN) on the way. */
static double solve_count(double (*f)(double o, double e), double e, double target, int up)
{
    double lo = 0, hi = e + 10 * sqrt(e) + 10;
    for (;;) {
        double v = f(hi, e);
        if (isnan(v) || !(up ? v < target : v > target) || hi > 1e300) break;
        lo = hi;
        hi *= 2;
    }
    /* To the last bit: at a large e the limits lie within a millionth of e,
     * and a tolerance relative to e would blur their distance from it. */
    for (int i = 0; i < 200; i++) {
        double mid = lo + (hi - lo) / 2, v = f(mid, e);
        if (mid <= lo || mid >= hi) break;
        if (isnan(v)) return NAN;
        if (up ? v < target : v > target) lo = mid;
        else hi = mid;
    }
    return lo + (hi - lo) / 2;
}

/* With X Poisson of mean e and a count o taken as continuous (through the
 * gamma distribution, as the chi-squared form of the exact limits does):
 * P(X <= o) and P(X >= o). The exact upper limit of o is e where the first is
 * a; the exact lower limit is e where the second is a. */
static double at_most(double o, double e) { return gsl_cdf_gamma_Q(e, o + 1, 1); }
static double at_least(double o, double e) { return o > 0 ? gsl_cdf_gamma_P(e, o, 1) : 1; }

/* From this expected count on, GSL's incomplete gamma function goes wrong
 * below the mean (at e = 1e8, P(X <= e - 3.09 sd) comes out 0.00084 for
 * 0.00100), and the Wilson-Hilferty cube-root approximation of the same
 * probabilities (the one Byar's limits rest on) is within 1e-12 of the
 * exact ones. */
#define FUNNEL_RATE_LARGE 1e6

/* G gamma of shape k: P(G <= e) = Phi(w), through Wilson-Hilferty's w. */
static double wh(double e, double k) { return (cbrt(e / k) - (1 - 1 / (9 * k))) * 3 * sqrt(k); }
static double at_most_wh(double o, double e) { return gsl_cdf_ugaussian_Q(wh(e, o + 1)); }
static double at_least_wh(double o, double e) { return o > 0 ? gsl_cdf_ugaussian_P(wh(e, o)) : 1; }

int dsms_funnel_rate(double rate, double n, double confidence, double *lower, double *upper)
{
    if (!isfinite(rate) || !isfinite(n) || rate < 0 || n <= 0 || !ok_confidence(confidence))
        return refuse2(lower, upper);
    double a = (1 - confidence) / 2, e = rate * n;
    if (!isfinite(e)) return refuse2(lower, upper);
    /* The lowest count not significantly low: its exact upper limit is the
     * expected count e, P(X <= o) = a (0 when even no events reach e). The
     * highest: its exact lower limit is e, P(X >= o) = a. The same curves as
     * PHE's funnels for rates, which find the population for each whole count. */
    int large = e >= FUNNEL_RATE_LARGE;
    double (*most)(double, double) = large ? at_most_wh : at_most;
    double (*least)(double, double) = large ? at_least_wh : at_least;
    double ol = most(0, e) >= a ? 0 : solve_count(most, e, a, 1);
    double ou = e > 0 ? solve_count(least, e, a, 0) : 0;
    *lower = ol / n;
    *upper = ou / n;
    return 0;
}

/* ---- comparison with a benchmark ---- */

dsms_comparison dsms_compare(double lower, double upper, double benchmark, dsms_polarity polarity)
{
    if (isnan(lower) || isnan(upper) || !isfinite(benchmark) || lower > upper)
        return DSMS_CMP_NOT_COMPARED;
    if (benchmark >= lower && benchmark <= upper) return DSMS_CMP_SIMILAR;
    int higher = lower > benchmark; /* the whole interval above the benchmark */
    switch (polarity) {
    case DSMS_POLARITY_HIGH_GOOD: return higher ? DSMS_CMP_BETTER : DSMS_CMP_WORSE;
    case DSMS_POLARITY_LOW_GOOD: return higher ? DSMS_CMP_WORSE : DSMS_CMP_BETTER;
    case DSMS_POLARITY_NONE: break;
    }
    return higher ? DSMS_CMP_HIGHER : DSMS_CMP_LOWER;
}

const char *dsms_comparison_name(dsms_comparison c)
{
    switch (c) {
    case DSMS_CMP_BETTER: return "better";
    case DSMS_CMP_SIMILAR: return "similar";
    case DSMS_CMP_WORSE: return "worse";
    case DSMS_CMP_HIGHER: return "higher";
    case DSMS_CMP_LOWER: return "lower";
    case DSMS_CMP_NOT_COMPARED: break;
    }
    return "not compared";
}

/* ---- recent trend ---- */

static int trend_not(dsms_trend *out, const char *reason, int rc)
{
    out->kind = DSMS_TREND_NOT_CALCULATED;
    out->chi_squared = NAN;
    out->gradient = NAN;
    out->reason = reason;
    return rc;
}

int dsms_trend_proportions(const double *num, const double *den, size_t n, double confidence,
                           dsms_trend *out)
{
    if (!ok_confidence(confidence) || (n && (!num || !den)))
        return trend_not(out, "bad input", -1);
    for (size_t i = 0; i < n; i++) {
        if (isinf(num[i]) || isinf(den[i]) || num[i] < 0 || den[i] < 0 || num[i] > den[i])
            return trend_not(out, "bad input", -1);
    }
    if (n < DSMS_TREND_POINTS)
        return trend_not(out, "fewer than " DSMS_STR(DSMS_TREND_POINTS) " points", 0);
    const double *r = num + n - DSMS_TREND_POINTS, *d = den + n - DSMS_TREND_POINTS;
    double R = 0, F = 0, N = 0, sx = 0;
    for (int i = 0; i < DSMS_TREND_POINTS; i++) {
        if (isnan(r[i]) || isnan(d[i])) return trend_not(out, "a point is missing", 0);
        if (d[i] == 0) return trend_not(out, "a point has a denominator of 0", 0);
        R += r[i];
        F += d[i] - r[i]; /* the failures: exact for whole counts up to 2^53 */
        N += d[i];
        sx += d[i] * (i + 1); /* scores 1 to 5, oldest first */
    }
    /* Sums about the mean score, not differences of large sums, and the
     * score sum over the smaller of successes and failures (t for one is -t
     * for the other): with counts near 2^53 the textbook form loses every
     * digit, and a test would depend on which way the proportion is put. */
    double xbar = sx / N, sxx_c = 0, t = 0;
    for (int i = 0; i < DSMS_TREND_POINTS; i++) {
        double dx = (i + 1) - xbar;
        sxx_c += d[i] * dx * dx;
        t += (R <= F ? r[i] : -(d[i] - r[i])) * dx;
    }
    double v = (R / N) * (F / N) * sxx_c;
    if (!(v > 0)) return trend_not(out, "every point is 0% or every point is 100%", 0);
    out->chi_squared = t * t / v;
    /* t / sxx_c is the slope of the weighted least-squares line through the
     * proportions: the change in the proportion from one point to the next. */
    out->gradient = t / sxx_c;
    out->reason = NULL;
    if (out->chi_squared > gsl_cdf_chisq_Pinv(confidence, 1))
        out->kind = t > 0 ? DSMS_TREND_INCREASING : DSMS_TREND_DECREASING;
    else out->kind = DSMS_TREND_NO_CHANGE;
    return 0;
}

const char *dsms_trend_name(dsms_trend_kind k)
{
    switch (k) {
    case DSMS_TREND_INCREASING: return "increasing";
    case DSMS_TREND_DECREASING: return "decreasing";
    case DSMS_TREND_NO_CHANGE: return "no significant change";
    case DSMS_TREND_NOT_CALCULATED: break;
    }
    return "cannot be calculated";
}

/* ---- disclosure control ---- */

size_t dsms_disclose(const double *counts, size_t n, int has_total, unsigned char *hide)
{
    if (!hide) return n ? (size_t)-1 : 0;
    size_t hidden = 0;
    for (size_t i = 0; i < n; i++) {
        if (!counts || !isfinite(counts[i]) || counts[i] < 0) {
            for (size_t j = 0; j < n; j++) hide[j] = 1;
            return (size_t)-1;
        }
        hide[i] = counts[i] > 0 && counts[i] <= DSMS_DISCLOSURE_MAX;
        hidden += hide[i];
    }
    /* One hidden cell and a total: the total less the others gives it away,
     * so hide the next smallest too. Two or more hidden already protect each
     * other. */
    if (has_total && hidden == 1) {
        size_t pick = n;
        for (size_t i = 0; i < n; i++)
            if (!hide[i] && counts[i] > 0 && (pick == n || counts[i] < counts[pick])) pick = i;
        if (pick < n) hide[pick] = 1, hidden++;
    }
    return hidden;
}
