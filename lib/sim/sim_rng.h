/* sim_rng.h — the simulator's random numbers: xoshiro256** streams seeded by
 * splitmix64, so that every simulated person, area and year has its own
 * reproducible stream whatever order they are generated in. */
#ifndef DSMS_SIM_RNG_H
#define DSMS_SIM_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
} sim_rng;

/* A stream for (seed, a, b): independent of every other (a, b). */
void sim_rng_init(sim_rng *r, uint64_t seed, uint64_t a, uint64_t b);
uint64_t sim_next(sim_rng *r);
/* A 64-bit hash of the arguments, for decisions that must not consume a stream. */
uint64_t sim_hash(uint64_t seed, uint64_t a, uint64_t b, uint64_t c);

double sim_uniform(sim_rng *r);                 /* [0, 1) */
int sim_chance(sim_rng *r, double p);           /* 1 with probability p */
int sim_int(sim_rng *r, int lo, int hi);        /* uniform on lo..hi inclusive */
double sim_exponential(sim_rng *r, double mean);
double sim_normal(sim_rng *r, double mean, double sd);
double sim_lognormal(sim_rng *r, double median, double sigma);
int sim_poisson(sim_rng *r, double mean);
/* An index 0..n-1 drawn with the given weights (which need not sum to 1). */
int sim_pick(sim_rng *r, const double *weights, int n);

#endif
