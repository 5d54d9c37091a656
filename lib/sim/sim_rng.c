/* sim_rng.c — xoshiro256** (Blackman and Vigna) and the few distributions the
 * simulator draws from (sim_rng.h). */
#include "sim_rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t sim_hash(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t x = seed;
    uint64_t h = splitmix64(&x);
    x ^= a * 0xd6e8feb86659fd93u;
    h ^= splitmix64(&x);
    x ^= b * 0xa0761d6478bd642fu;
    h ^= splitmix64(&x);
    x ^= c * 0xe7037ed1a0b428dbu;
    return h ^ splitmix64(&x);
}

void sim_rng_init(sim_rng *r, uint64_t seed, uint64_t a, uint64_t b)
{
    uint64_t x = sim_hash(seed, a, b, 0x5eed);
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

uint64_t sim_next(sim_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

double sim_uniform(sim_rng *r) { return (double)(sim_next(r) >> 11) * 0x1.0p-53; }

int sim_chance(sim_rng *r, double p) { return sim_uniform(r) < p; }

int sim_int(sim_rng *r, int lo, int hi)
{
    return lo + (int)(sim_uniform(r) * (double)(hi - lo + 1));
}

double sim_exponential(sim_rng *r, double mean) { return -mean * log1p(-sim_uniform(r)); }

/* Box-Muller without the cached second value: one stream position per draw
 * keeps every draw's place in the stream independent of earlier branches. */
double sim_normal(sim_rng *r, double mean, double sd)
{
    double u = 1.0 - sim_uniform(r), v = sim_uniform(r);
    return mean + sd * sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

double sim_lognormal(sim_rng *r, double median, double sigma)
{
    return median * exp(sim_normal(r, 0.0, sigma));
}

int sim_poisson(sim_rng *r, double mean)
{
    if (mean > 60) {
        double x = floor(sim_normal(r, mean, sqrt(mean)) + 0.5);
        return x < 0 ? 0 : (int)x;
    }
    double l = exp(-mean), p = 1.0;
    int k = 0;
    do {
        k++;
        p *= sim_uniform(r);
    } while (p > l);
    return k - 1;
}

int sim_pick(sim_rng *r, const double *weights, int n)
{
    double total = 0;
    for (int i = 0; i < n; i++) total += weights[i];
    double x = sim_uniform(r) * total;
    for (int i = 0; i < n - 1; i++) {
        if (x < weights[i]) return i;
        x -= weights[i];
    }
    return n - 1;
}
