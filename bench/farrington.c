/* farrington.c — time the Farrington and Noufaily methods over many series, as
 * an outbreak scan of every area and substance family does: by default 1,500
 * series of 520 weeks (ten years), every week with enough history assessed,
 * then the last week alone of each.
 *
 *   bench_farrington [SERIES [WEEKS]]
 *
 * The series are made here from a fixed seed: seasonal Poisson counts with a
 * mean from 0.2 to 20 a week (a third of them sparse), and a few outbreaks. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dsms/farrington.h"

static uint64_t state = 0x9E3779B97F4A7C15u;

static double uniform(void)
{
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    return (double)(state >> 11) / 9007199254740992.0;
}

static double poisson(double mean)
{
    /* Inversion: the means here are small. */
    double u = uniform(), p = exp(-mean), c = p, k = 0;
    while (u > c && k < 1000) p *= mean / ++k, c += p;
    return k;
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    size_t ns = argc > 1 ? (size_t)atol(argv[1]) : 1500;
    size_t nw = argc > 2 ? (size_t)atol(argv[2]) : 520;
    long *day = malloc(nw * sizeof *day);
    double *counts = malloc(ns * nw * sizeof *counts);
    dsms_farrington_week *out = malloc(nw * sizeof *out);
    if (!day || !counts || !out) return 1;
    for (size_t i = 0; i < nw; i++) day[i] = 16440 + 7 * (long)i; /* Mondays from 2015-01-05 */
    for (size_t s = 0; s < ns; s++) {
        double base = s % 3 == 0 ? 0.2 + uniform() : 1 + 19 * uniform();
        for (size_t i = 0; i < nw; i++) {
            double mean = base * exp(0.5 * sin(2 * 3.141592653589793 * (double)i / 52.18));
            if (uniform() < 0.01) mean *= 4;
            counts[s * nw + i] = poisson(mean);
        }
    }
    const char *names[] = {"original", "noufaily"};
    for (int m = 0; m < 2; m++) {
        dsms_farrington_opts o;
        if (m == 0) dsms_farrington_original(&o);
        else dsms_farrington_noufaily(&o);
        size_t first = dsms_farrington_first(&o, day, nw), weeks = 0, alarms = 0, ok = 0;
        double t0 = seconds();
        for (size_t s = 0; s < ns; s++) {
            dsms_err err;
            if (dsms_farrington(&o, day, counts + s * nw, nw, first, nw - first, out, &err)) {
                fprintf(stderr, "bench_farrington: %s\n", err.msg);
                return 1;
            }
            for (size_t j = 0; j < nw - first; j++) {
                weeks++;
                alarms += (size_t)out[j].alarm;
                ok += out[j].status == DSMS_FARRINGTON_OK;
            }
        }
        double t = seconds() - t0;
        printf("%s: %zu series x %zu weeks, %zu weeks assessed (%zu with a threshold, %zu "
               "alarms) in %.2f s of processor time: %.1f us a week\n",
               names[m], ns, nw, weeks, ok, alarms, t, t / (double)weeks * 1e6);
        /* The last week alone of each series, as a weekly scan does. */
        t0 = seconds();
        for (size_t s = 0; s < ns; s++) {
            dsms_err err;
            if (dsms_farrington(&o, day, counts + s * nw, nw, nw - 1, 1, out, &err)) return 1;
        }
        t = seconds() - t0;
        printf("%s: the last week of each series in %.3f s of processor time: %.1f us a "
               "series\n", names[m], t, t / (double)ns * 1e6);
    }
    free(day);
    free(counts);
    free(out);
    return 0;
}
