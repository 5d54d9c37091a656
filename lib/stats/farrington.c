/* farrington.c — the Farrington and Noufaily outbreak detection methods
 * (farrington.h), step for step as farringtonFlexible of the R package
 * surveillance (1.20) computes them, so that every figure agrees with it.
 *
 * For week k: the reference weeks are the weeks of the same weekday nearest
 * to the same date 1..b years back (29 February going to 1 March). Each
 * reference week and the w weeks either side are the baseline, labelled with
 * the seasonal period noPeriods; with noPeriods > 1 the weeks between two
 * windows are shared out in noPeriods - 1 periods of (nearly) equal length,
 * the first ones a week longer. The current week's window is labelled too,
 * and then week k and the pastWeeksNotIncluded weeks before it are left out.
 *
 * The model, log mu = level of the period (+ slope x weeks), is fitted as R's
 * glm.fit fits a quasi-Poisson GLM: iteratively reweighted least squares
 * from mu = y + 0.1, stopping when the deviance changes by less than 1e-8
 * of itself (+ 0.1), or after 25 iterations (not converged). Every iteration
 * is solved exactly, so the path, and the iteration it stops at, is R's.
 * The design (one level per period, and a slope) makes each weighted least
 * squares a sum over the weeks: the slope from the time and working response
 * centred on their means within each period, the levels from those means. It
 * is the same fit as R's treatment contrasts, in O(weeks) per iteration.
 *
 * R's quirks are kept, as the figures must be its figures:
 * - What glm returns is from the last iteration: the weights (and so the
 *   hat values and the unscaled covariance) from the means before its
 *   update, the residuals from the means after it.
 * - The dispersion phi is max(1, Pearson's chi-squared over the residual
 *   degrees of freedom). After reweighting, farringtonFlexible replaces the
 *   model's working weights with the prior weights omega, so the dispersion
 *   that scales the prediction's standard error and the trend's t test is
 *   sum omega ((y - mu)/mu)^2 / df, not phi.
 * - The trend is kept when b >= 3, its two-sided t test is below
 *   pThresholdTrend, and the prediction with it is no more than the largest
 *   baseline count; otherwise the whole fit is done again without it.
 * - Noufaily's score is (y - eta)/(U - eta), eta the linear predictor.
 * - With fewer than limit54 cases in the last weeks there is no threshold or
 *   expected value, and no alarm; the week is then not fitted beyond what
 *   decides whether R's alarm is FALSE (a model) or NA (none converged). */
#include "dsms/farrington.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "dsms/field.h"

/* R's glm.control(): epsilon and maxit. */
#define GLM_EPSILON 1e-8
#define GLM_MAXIT 25
/* The most seasonal periods: one a week. */
#define MAX_PERIODS 52

void dsms_farrington_original(dsms_farrington_opts *o)
{
    o->b = 4;
    o->w = 3;
    o->alpha = 0.05;
    o->reweight = 1;
    o->weights_threshold = 1;
    o->trend = 1;
    o->p_threshold_trend = 0.05;
    o->limit54_cases = 5;
    o->limit54_weeks = 4;
    o->power = DSMS_FARRINGTON_POWER_TWO_THIRDS;
    o->no_periods = 1;
    o->past_weeks_not_included = 3;
    o->method = DSMS_FARRINGTON_DELTA;
}

void dsms_farrington_noufaily(dsms_farrington_opts *o)
{
    dsms_farrington_original(o);
    o->no_periods = 10;
    o->weights_threshold = 2.58;
    o->past_weeks_not_included = 26;
    o->p_threshold_trend = 1;
    o->method = DSMS_FARRINGTON_NB_PLUGIN;
}

const char *dsms_farrington_status_name(dsms_farrington_status s)
{
    switch (s) {
    case DSMS_FARRINGTON_OK: return "assessed";
    case DSMS_FARRINGTON_FEW_CASES: return "fewer cases than limit54";
    case DSMS_FARRINGTON_NO_LIMIT: return "limit beyond range";
    case DSMS_FARRINGTON_NO_FIT: return "model did not converge";
    case DSMS_FARRINGTON_NO_HISTORY: break;
    }
    return "too little history";
}

int dsms_farrington_check(const dsms_farrington_opts *o, dsms_err *err)
{
    const char *bad = NULL;
    if (o->b < 1 || o->b > 30) bad = "b (years back) is not from 1 to 30";
    else if (o->w < 0 || o->w > 25) bad = "w (half-window) is not from 0 to 25 weeks";
    else if (!(o->alpha > 0 && o->alpha < 1)) bad = "alpha is not between 0 and 1";
    else if (!(o->weights_threshold > 0) || !isfinite(o->weights_threshold))
        bad = "the weights threshold is not a number more than 0";
    else if (!(o->p_threshold_trend >= 0 && o->p_threshold_trend <= 1))
        bad = "the p-value threshold for the trend is not from 0 to 1";
    else if (o->limit54_cases < 0 || o->limit54_weeks < 1 || o->limit54_weeks > 104)
        bad = "limit54 is not 0 or more cases in 1 to 104 weeks";
    else if ((unsigned)o->power > DSMS_FARRINGTON_POWER_NONE)
        bad = "the power transformation is not 2/3, 1/2 or none";
    else if (o->no_periods < 1 || o->no_periods > MAX_PERIODS - 2 * o->w)
        bad = "noPeriods is not from 1 to 52 - 2w (one period a week at most)";
    else if (o->past_weeks_not_included < 0 || o->past_weeks_not_included > 104)
        bad = "pastWeeksNotIncluded is not from 0 to 104";
    else if ((unsigned)o->method > DSMS_FARRINGTON_MUAN)
        bad = "the threshold method is not delta, nbPlugin or muan";
    if (bad) dsms_err_set(err, "farrington: %s", bad);
    return bad ? -1 : 0;
}

/* ---- reference weeks ---- */

/* Weeks back from day to its reference week `years` years before: the day
 * of the same weekday nearest to the same date that many years back. */
static long weeks_back(long day, int years)
{
    int y, m, d;
    dsms_date_parts(day, &y, &m, &d);
    /* 29 February in a year that has none is 1 March, as R's seq.Date. */
    long target = (long)dsms_date_of(y - years, m, d);
    long diff = day - target; /* about 365 x years: positive */
    return (diff + 3) / 7;    /* to the nearest week: never a tie, diff % 7 != 3.5 */
}

/* Index of week k's reference week `years` back, or -1 before the series. */
static long reference(const long *day, size_t k, int years)
{
    long back = weeks_back(day[k], years);
    return back > (long)k ? -1 : (long)k - back;
}

size_t dsms_farrington_first(const dsms_farrington_opts *o, const long *day, size_t n)
{
    if (o->b < 1 || o->w < 0) return n;
    for (size_t k = 0; k < n; k++) {
        long r = reference(day, k, o->b);
        if (r >= o->w) return k;
    }
    return n;
}

/* ---- the work space of one call ---- */

typedef struct {
    /* the series */
    const double *y_all;
    double *ly_all;  /* log y (0 for y = 0) */
    double *y23_all; /* y^(2/3) */
    signed char *period_all; /* period of each week for the week assessed; 0: left out */
    /* the baseline of the week assessed */
    size_t m;
    double *y, *ly, *y23, *t;
    int *lv;         /* each week's level: its period's place among those present */
    int nlev;        /* periods present */
    int lev_now;     /* the place of the current period (noPeriods), -1 if absent */
    double ymax;
    double t0;       /* the week assessed's time */
    /* one fit */
    double *om;      /* prior weights; NULL: all 1 */
    double *mu, *eta, *wold, *z, *s;
    double s0[MAX_PERIODS], tm[MAX_PERIODS], zm[MAX_PERIODS];
    double coef[MAX_PERIODS + 1], coefold[MAX_PERIODS + 1];
    double sxx;
    int trend, conv;
    long df;
} work;

/* A fitted model, as fitFun returns it. */
typedef struct {
    int trend;
    double phi;     /* max(1, dispersion) */
    double disp_se; /* the dispersion predict.glm and summary.glm use */
} model;

static const double EPS = DBL_EPSILON;

/* exp of the linear predictor held up at DBL_EPSILON, as R's log link. */
static double linkinv(double eta)
{
    double e = exp(eta);
    return e > EPS ? e : EPS;
}

/* The deviance of the means in wk->mu (wk->eta their log), weights om. */
static double deviance(const work *wk)
{
    double dev = 0;
    for (size_t i = 0; i < wk->m; i++) {
        double om = wk->om ? wk->om[i] : 1, y = wk->y[i], mu = wk->mu[i];
        /* log(y / mu), from log y and the linear predictor unless mu is held up */
        double lmu = mu > EPS ? wk->eta[i] : log(mu);
        double d = y > 0 ? y * (wk->ly[i] - lmu) - (y - mu) : mu;
        dev += 2 * om * d;
    }
    return dev;
}

/* The weighted least squares of an iteration, weights wold and response z,
 * from the sums over each period that fit() gathers as it makes them (st, sz:
 * weighted sums of time and response; wk->s0 of weights): the slope from
 * time and response centred within periods, the levels from the periods'
 * means. -1 when a period has no weight, or the slope cannot be told from
 * the levels. */
static int solve(work *wk, const double *st, const double *sz)
{
    int L = wk->nlev;
    for (int l = 0; l < L; l++) {
        if (!(wk->s0[l] > 0)) return -1;
        wk->tm[l] = st[l] / wk->s0[l];
        wk->zm[l] = sz[l] / wk->s0[l];
    }
    double beta = 0;
    if (wk->trend) {
        double sxx = 0, sxz = 0;
        for (size_t i = 0; i < wk->m; i++) {
            int l = wk->lv[i];
            double dt = wk->t[i] - wk->tm[l];
            sxx += wk->wold[i] * dt * dt;
            sxz += wk->wold[i] * dt * (wk->z[i] - wk->zm[l]);
        }
        if (!(sxx > 0)) return -1;
        wk->sxx = sxx;
        beta = sxz / sxx;
        wk->coef[L] = beta;
    }
    for (int l = 0; l < L; l++) wk->coef[l] = wk->zm[l] - beta * wk->tm[l];
    return 0;
}

/* The linear predictors and means of coef, and their deviance. */
static double predictors(work *wk, const double *coef)
{
    double beta = wk->trend ? coef[wk->nlev] : 0, dev = 0;
    for (size_t i = 0; i < wk->m; i++) {
        double eta = coef[wk->lv[i]] + beta * wk->t[i], mu = linkinv(eta), y = wk->y[i];
        wk->eta[i] = eta;
        wk->mu[i] = mu;
        /* y log(y / mu) - (y - mu), log mu from the predictor unless held up */
        double d = y > 0 ? y * (wk->ly[i] - (mu > EPS ? eta : log(mu))) - (y - mu) : mu;
        dev += 2 * (wk->om ? wk->om[i] : 1) * d;
    }
    return dev;
}

/* glm.fit with a quasi-Poisson family and log link. 0 with wk->conv set
 * (0 when 25 iterations did not converge), or -1 when no fit can be made. */
static int fit(work *wk, int trend)
{
    size_t m = wk->m;
    int np = wk->nlev + trend;
    wk->trend = trend;
    long nok = 0;
    for (size_t i = 0; i < m; i++) nok += !wk->om || wk->om[i] > 0;
    wk->df = nok - np;
    for (size_t i = 0; i < m; i++) {
        wk->mu[i] = wk->y[i] + 0.1;
        wk->eta[i] = log(wk->mu[i]);
    }
    double devold = deviance(wk);
    int have_old = 0;
    wk->conv = 0;
    for (int iter = 1; iter <= GLM_MAXIT; iter++) {
        double st[MAX_PERIODS], sz[MAX_PERIODS];
        for (int l = 0; l < wk->nlev; l++) wk->s0[l] = st[l] = sz[l] = 0;
        for (size_t i = 0; i < m; i++) {
            double om = wk->om ? wk->om[i] : 1, mu = wk->mu[i];
            /* mu.eta = mu and variance = mu: weight om mu, z = eta + (y - mu)/mu */
            double w = om * mu, z = wk->eta[i] + (wk->y[i] - mu) / mu;
            int l = wk->lv[i];
            wk->wold[i] = w;
            wk->z[i] = z;
            wk->s0[l] += w;
            st[l] += w * wk->t[i];
            sz[l] += w * z;
        }
        if (solve(wk, st, sz)) return -1;
        for (int j = 0; j < np; j++)
            if (!isfinite(wk->coef[j])) return 0; /* R: non-finite coefficients, stops */
        double dev = predictors(wk, wk->coef);
        if (!isfinite(dev)) {
            /* Step halving towards the last coefficients, as glm.fit. */
            if (!have_old) return -1;
            for (int ii = 1; !isfinite(dev); ii++) {
                if (ii > GLM_MAXIT) return -1;
                for (int j = 0; j < np; j++) wk->coef[j] = (wk->coef[j] + wk->coefold[j]) / 2;
                dev = predictors(wk, wk->coef);
            }
        }
        if (fabs(dev - devold) / (fabs(dev) + 0.1) < GLM_EPSILON) {
            wk->conv = 1;
            break;
        }
        devold = dev;
        memcpy(wk->coefold, wk->coef, (size_t)np * sizeof *wk->coef);
        have_old = 1;
    }
    return 0;
}

/* summary.glm's dispersion: sum of weight x working residual^2 over the
 * residual degrees of freedom, weights wold (or, for farringtonFlexible's
 * replaced weights, om). */
static double dispersion(const work *wk, const double *weight)
{
    double sum = 0;
    for (size_t i = 0; i < wk->m; i++) {
        double w = weight ? weight[i] : 1;
        if (!(w > 0)) continue;
        double r = (wk->y[i] - wk->mu[i]) / wk->mu[i];
        sum += w * r * r;
    }
    return sum / (double)wk->df;
}

/* Leverage of baseline week i in the last fit. */
static double hat(const work *wk, size_t i)
{
    int l = wk->lv[i];
    double v = 1 / wk->s0[l];
    if (wk->trend) {
        double dt = wk->t[i] - wk->tm[l];
        v += dt * dt / wk->sxx;
    }
    double h = wk->wold[i] * v;
    return h > 1 - 10 * EPS ? 1 : h;
}

/* algo.farrington.fitGLM.flexible: 1 with *md filled, 0 when no model
 * converged (R's NULL), -1 when none can be fitted. */
static int fit_model(work *wk, const dsms_farrington_opts *o, int trend, model *md)
{
    wk->om = NULL;
    int rc = fit(wk, trend);
    if (rc < 0 && !trend) return -1;
    if (rc < 0 || !wk->conv) {
        if (!trend) return 0;
        trend = 0;
        if (fit(wk, 0) < 0) return -1;
        if (!wk->conv) return 0;
    }
    if (wk->df <= 0) return -1;
    double phi = fmax(dispersion(wk, wk->wold), 1);
    if (!o->reweight) {
        md->trend = trend;
        md->phi = phi;
        md->disp_se = dispersion(wk, wk->wold);
        return 1;
    }
    /* Anscombe residuals, and their weights: s^-2 above the threshold, 1
     * below, scaled to add up to the number of weeks. */
    double sum = 0;
    for (size_t i = 0; i < wk->m; i++) {
        double mu = wk->mu[i];
        double a = 1.5 * (wk->y23[i] * pow(mu, -1.0 / 6) - sqrt(mu));
        double s = a / sqrt(phi * (1 - hat(wk, i)));
        if (isnan(s)) return -1;
        wk->s[i] = s > o->weights_threshold ? 1 / (s * s) : 1;
        sum += wk->s[i];
    }
    double gamma = (double)wk->m / sum;
    for (size_t i = 0; i < wk->m; i++) wk->s[i] *= gamma;
    wk->om = wk->s;
    if (fit(wk, trend) < 0 || wk->df <= 0) return -1; /* its convergence is not checked */
    md->trend = trend;
    md->phi = fmax(dispersion(wk, wk->wold), 1);
    md->disp_se = dispersion(wk, wk->om);
    return 1;
}

/* The linear predictor at the week assessed and its unscaled variance. */
static void predict(const work *wk, double *eta0, double *v0)
{
    int p = wk->lev_now;
    *eta0 = wk->coef[p];
    *v0 = 1 / wk->s0[p];
    if (wk->trend) {
        double dt = wk->t0 - wk->tm[p];
        *eta0 += wk->coef[wk->nlev] * wk->t0;
        *v0 += dt * dt / wk->sxx;
    }
}

/* ---- quantiles of the count's distribution (R's qpois and qnbinom) ---- */

/* The smallest x with cdf(x) >= p, searched from a start near it. */
static double discrete_quantile(double p, double mean, double sd, double size, double prob)
{
    double x = floor(mean + sd * gsl_cdf_ugaussian_Pinv(p));
    if (!(x >= 0)) x = 0;
#define CDF(k) (size > 0 ? gsl_cdf_negative_binomial_P((unsigned)(k), prob, size) \
                         : gsl_cdf_poisson_P((unsigned)(k), mean))
    if (x > 4e9) return NAN;
    if (CDF(x) >= p) {
        while (x > 0 && CDF(x - 1) >= p) x--;
    } else {
        do {
            x++;
            if (x > 4e9) return NAN;
        } while (CDF(x) < p);
    }
#undef CDF
    return x;
}

static double qpois(double p, double lambda)
{
    if (!(lambda > 0)) return 0;
    return discrete_quantile(p, lambda, sqrt(lambda), 0, 0);
}

/* Negative binomial with mean mu and variance phi mu (phi > 1): size
 * mu/(phi - 1), prob 1/phi. */
static double qnbinom(double p, double mu, double phi)
{
    if (!(mu > 0)) return 0;
    return discrete_quantile(p, mu, sqrt(mu * phi), mu / (phi - 1), 1 / phi);
}

/* ---- one week ---- */

/* Lay out week k's baseline in wk: the periods of R's blocks() and the weeks
 * left out. 0, or -1 when the history is too short. */
static int baseline(work *wk, const dsms_farrington_opts *o, const long *day, size_t k)
{
    int b = o->b, w = o->w, p = o->no_periods;
    long ref[31];
    ref[0] = (long)k;
    for (int j = 1; j <= b; j++) {
        ref[j] = reference(day, k, j);
        if (ref[j] < w) return -1;
    }
    long lo = ref[b] - w;
    signed char *per = wk->period_all;
    for (long i = lo; i <= (long)k; i++) per[i] = 0;
    for (long i = (long)k - w; i <= (long)k; i++)
        if (i >= 0) per[i] = (signed char)p;
    for (int j = 1; j <= b; j++) {
        long r = ref[j];
        for (long i = r - w; i <= r + w; i++) per[i] = (signed char)p;
        if (p == 1) continue;
        /* The weeks between this window and the next are shared out in p - 1
         * periods, the first ones a week longer when they do not divide. */
        long period = ref[j - 1] - 2 * w - 1 - r, len = period / (p - 1), rest = period % (p - 1);
        long at = r + w + 1;
        for (int q = 1; q < p; q++) {
            long l = len + (q <= rest);
            for (long i = at; i < at + l; i++) per[i] = (signed char)q;
            at += l;
        }
    }
    for (long i = (long)k - o->past_weeks_not_included; i <= (long)k; i++)
        if (i >= 0) per[i] = 0;
    /* The weeks left in, in order; their levels numbered by period. */
    int place[MAX_PERIODS + 1];
    for (int q = 0; q <= p; q++) place[q] = 0;
    for (long i = lo; i <= (long)k; i++) place[(int)per[i]] = 1;
    int L = 0;
    for (int q = 1; q <= p; q++) place[q] = place[q] ? L++ : -1;
    wk->nlev = L;
    wk->lev_now = place[p];
    size_t m = 0;
    long first = -1;
    wk->ymax = 0;
    for (long i = lo; i <= (long)k; i++) {
        if (!per[i]) continue;
        if (first < 0) first = i;
        wk->y[m] = wk->y_all[i];
        wk->ly[m] = wk->ly_all[i];
        wk->y23[m] = wk->y23_all[i];
        wk->t[m] = (double)(day[i] - day[first]) / 7;
        wk->lv[m] = place[(int)per[i]];
        if (wk->y[m] > wk->ymax) wk->ymax = wk->y[m];
        m++;
    }
    wk->m = m;
    wk->t0 = first < 0 ? 0 : (double)(day[k] - day[first]) / 7;
    return 0;
}

static void nothing(dsms_farrington_week *r, dsms_farrington_status s)
{
    r->expected = r->threshold = r->phi = NAN;
    r->alarm = r->trend = 0;
    r->status = s;
}

static void assess(work *wk, const dsms_farrington_opts *o, const long *day, size_t k,
                   dsms_farrington_week *r)
{
    if (baseline(wk, o, day, k)) return nothing(r, DSMS_FARRINGTON_NO_HISTORY);
    if (wk->m == 0 || wk->lev_now < 0) return nothing(r, DSMS_FARRINGTON_NO_FIT);
    double recent = 0;
    for (long i = (long)k - o->limit54_weeks + 1; i <= (long)k; i++)
        if (i >= 0) recent += wk->y_all[i];
    int enough = recent >= o->limit54_cases;
    model md;
    if (!enough) {
        /* R's alarm is FALSE when a first model converges, else NA. */
        wk->om = NULL;
        int got = 0;
        if (o->trend && fit(wk, 1) == 0 && wk->conv) got = 1;
        if (!got && fit(wk, 0) == 0 && wk->conv) got = 1;
        return nothing(r, got ? DSMS_FARRINGTON_FEW_CASES : DSMS_FARRINGTON_NO_FIT);
    }
    /* With b < 3 the trend is never kept, and the model R ends with is the one
     * fitted without it. */
    int rc = fit_model(wk, o, o->trend && o->b >= 3, &md);
    if (rc <= 0) return nothing(r, DSMS_FARRINGTON_NO_FIT);
    double eta0, v0;
    int kept = 0;
    if (md.trend) {
        predict(wk, &eta0, &v0);
        double t = wk->coef[wk->nlev] / sqrt(md.disp_se / wk->sxx);
        double pv = 2 * gsl_cdf_tdist_P(-fabs(t), (double)wk->df);
        kept = pv < o->p_threshold_trend && linkinv(eta0) <= wk->ymax;
        if (!kept && fit_model(wk, o, 0, &md) <= 0) return nothing(r, DSMS_FARRINGTON_NO_FIT);
    }
    predict(wk, &eta0, &v0);
    double se = sqrt(md.disp_se * v0), y = wk->y_all[k], z = gsl_cdf_ugaussian_Pinv(1 - o->alpha);
    double fitted, upper, score;
    if (o->method == DSMS_FARRINGTON_DELTA) {
        double mu0 = linkinv(eta0), se_mu = se * mu0;
        double tau = md.phi + se_mu * se_mu / mu0, sd, e;
        switch (o->power) {
        case DSMS_FARRINGTON_POWER_NONE: sd = sqrt(mu0 * tau), e = 1; break;
        case DSMS_FARRINGTON_POWER_HALF: sd = sqrt(1.0 / 4 * tau), e = 1.0 / 2; break;
        default: sd = sqrt(4.0 / 9 * pow(mu0, 1.0 / 3) * tau), e = 2.0 / 3; break;
        }
        fitted = mu0;
        /* The larger limit that is a number (R sorts them, NA first): the
         * lower one when alpha > 0.5; a negative base gives NaN. */
        double lo = pow(pow(mu0, e) - z * sd, 1 / e), hi = pow(pow(mu0, e) + z * sd, 1 / e);
        upper = isnan(lo) ? hi : isnan(hi) ? lo : fmax(lo, hi);
        score = (y - mu0) / (upper - mu0);
    } else {
        double mq = o->method == DSMS_FARRINGTON_NB_PLUGIN ? exp(eta0) : exp(eta0 + se * z);
        fitted = exp(eta0);
        if (isinf(mq)) upper = NAN;
        else upper = md.phi > 1 ? qnbinom(1 - o->alpha, mq, md.phi) : qpois(1 - o->alpha, mq);
        score = (y - eta0) / (upper - eta0);
    }
    if (isnan(upper)) {
        nothing(r, DSMS_FARRINGTON_NO_LIMIT);
        r->phi = md.phi;
        r->trend = kept;
        return;
    }
    r->expected = fitted;
    r->threshold = upper;
    r->phi = md.phi;
    r->trend = kept;
    r->alarm = score > 1 && y != 0;
    r->status = DSMS_FARRINGTON_OK;
}

int dsms_farrington(const dsms_farrington_opts *o, const long *day, const double *counts,
                    size_t n, size_t first, size_t nweeks, dsms_farrington_week *out,
                    dsms_err *err)
{
    gsl_set_error_handler_off();
    if (dsms_farrington_check(o, err)) return -1;
    if (!day || !counts || (nweeks && !out) || first > n || nweeks > n - first) {
        dsms_err_set(err, "farrington: weeks %zu to %zu are not within the series of %zu weeks",
                     first + 1, first + nweeks, n);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        double c = counts[i];
        if (!(c >= 0) || !isfinite(c) || c != floor(c)) {
            dsms_err_set(err, "farrington: the count of week %zu is %g (expected a whole number, "
                              "0 or more)", i + 1, c);
            return -1;
        }
        if (i && day[i] - day[i - 1] != 7) {
            dsms_err_set(err, "farrington: week %zu is %ld days after the one before (expected "
                              "7: weekly, without gaps)", i + 1, day[i] - day[i - 1]);
            return -1;
        }
    }
    if (nweeks == 0) return 0;
    /* Eleven arrays of doubles, the periods and levels: all a week's baseline
     * can need, allocated once for every week assessed. */
    work wk;
    memset(&wk, 0, sizeof wk);
    size_t nd = 11;
    double *mem = malloc(n * nd * sizeof *mem);
    int *lv = malloc(n * sizeof *lv);
    signed char *per = malloc(n);
    if (!mem || !lv || !per) {
        free(mem), free(lv), free(per);
        dsms_err_set(err, "farrington: out of memory");
        return -1;
    }
    double *d = mem;
    wk.ly_all = d, d += n;
    wk.y23_all = d, d += n;
    wk.y = d, d += n;
    wk.ly = d, d += n;
    wk.y23 = d, d += n;
    wk.t = d, d += n;
    wk.mu = d, d += n;
    wk.eta = d, d += n;
    wk.wold = d, d += n;
    wk.z = d, d += n;
    wk.s = d;
    wk.lv = lv;
    wk.period_all = per;
    wk.y_all = counts;
    /* Logs and 2/3 powers of the counts, from the earliest week a baseline can
     * reach (a reference week is at most 53 weeks a year back): assessing only
     * the last week of a long series then costs what that week needs. */
    size_t reach = (size_t)(53 * o->b + o->w + 2), from = first > reach ? first - reach : 0;
    for (size_t i = from; i < n; i++) {
        wk.ly_all[i] = counts[i] > 0 ? log(counts[i]) : 0;
        wk.y23_all[i] = pow(counts[i], 2.0 / 3);
    }
    for (size_t j = 0; j < nweeks; j++) assess(&wk, o, day, first + j, &out[j]);
    free(mem);
    free(lv);
    free(per);
    return 0;
}
