/* sim_series.c — the published series of the simulated nation (docs/series.md):
 * every series of the catalogue, at every level it is given at, for every
 * period the simulation covers, in the kind of period its publisher uses,
 * written as one file that dsms series import takes, each row saying it is
 * simulated.
 *
 * ONS's drug-misuse deaths are the simulated deaths themselves: those
 * registered in each calendar year the files cover whole, by area of
 * residence, as the engine counts drug_deaths_dsr. No other series has
 * records to agree with (no survey, admission, seizure, purity, disruption,
 * homicide or prison test is simulated as a record), so the others are
 * drawn: each from streams of its own, apart from every stream the records
 * are drawn from, so that writing them changes no record. A series drawn by
 * area is added up from its areas to forces, regions and England, so that
 * counts add up and a rate or percentage is its numerator over its
 * denominator at every level. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/field.h"
#include "dsms/stats.h"
#include "sim.h"

/* Every row's source: plainly not a real publication. */
#define SIM_SERIES_SOURCE "Simulated by dsms: not real data"

/* Streams of the series: their first key is apart from those of the people
 * (slot and generation), areas (0xa4ea...) and background tests (0x7e57...). */
#define SERIES_STREAM 0x5e41e5ull

enum { P_FINANCIAL, P_SURVEY_YEAR, P_REGISTRATION };
enum { M_COUNT, M_AMOUNT, M_RATE, M_SURVEY, M_TESTS, M_NATIONAL, M_DEATHS };

/* How a series is drawn. base is England's figure in the first year at the
 * default size: a year's count or amount, a rate per the unit's base, or a
 * percentage. Counts, amounts and the numerators of rates are of the
 * nation's drug use and its crime, so they scale with the people simulated;
 * percentages do not. */
typedef struct {
    const char *code;
    int model, period;
    double base;
    double need;        /* 0: by population alone; 1: in proportion to an area's need */
    double drift, sd;   /* year on year: the mean and spread of the change in its log */
    int age_lo, age_hi; /* the ages counted in the population (M_SURVEY, M_RATE) */
    double sample;      /* M_SURVEY, M_NATIONAL: England's effective sample, for limits */
} model;

/* England's figures about 2020-21, from the publications the catalogue names:
 * the Crime Survey (year ending March), Smoking, Drinking and Drug Use among
 * Young People (a survey in the autumn term), police recorded neighbourhood
 * crime, the Homicide Index, Hospital Episode Statistics, the seizures and
 * purity statistics, the NCA's disruptions (6,400 the 2024-25 aim, 20% over
 * the baseline), county lines closed, asset recovery and the HMPPS digest. */
static const model models[] = {
    {"drug_use_16_59", M_SURVEY, P_FINANCIAL, 9.2, 0.6, -0.01, 0.04, 16, 59, 25000},
    {"drug_use_16_24", M_SURVEY, P_FINANCIAL, 21.0, 0.4, -0.01, 0.05, 16, 24, 3500},
    {"drug_use_11_15", M_NATIONAL, P_SURVEY_YEAR, 12.0, 0, -0.01, 0.06, 11, 15, 9000},
    {"neighbourhood_crime", M_COUNT, P_FINANCIAL, 850000, 0.5, -0.02, 0.06, 0, 90, 0},
    {"drug_homicides", M_COUNT, P_FINANCIAL, 150, 1.0, 0.0, 0.08, 0, 90, 0},
    {"admissions_poisoning", M_RATE, P_FINANCIAL, 30.0, 0.8, -0.01, 0.03, 0, 90, 0},
    {"admissions_mental", M_RATE, P_FINANCIAL, 12.0, 1.0, 0.0, 0.04, 0, 90, 0},
    {"class_a_seizures", M_COUNT, P_FINANCIAL, 40000, 0.7, 0.02, 0.07, 0, 90, 0},
    {"heroin_purity", M_NATIONAL, P_FINANCIAL, 45.0, 0, 0.0, 0.05, 0, 0, 0},
    {"cocaine_purity", M_NATIONAL, P_FINANCIAL, 62.0, 0, 0.01, 0.04, 0, 0, 0},
    {"ocg_disruptions", M_COUNT, P_FINANCIAL, 5300, 0.6, 0.04, 0.04, 0, 90, 0},
    {"county_lines_closed", M_COUNT, P_FINANCIAL, 1400, 0.8, 0.03, 0.08, 0, 90, 0},
    {"assets_denied", M_AMOUNT, P_FINANCIAL, 250e6, 0.5, 0.03, 0.10, 0, 90, 0},
    {"prison_drug_tests", M_TESTS, P_FINANCIAL, 12.0, 0.4, -0.02, 0.06, 0, 0, 0},
    {"ons_drug_misuse_deaths", M_DEATHS, P_REGISTRATION, 0, 0, 0, 0, 0, 90, 0},
};

/* A series the simulator has no model for is drawn by its unit. */
static const model *model_of(const dsms_ref_series *s)
{
    static const model count = {"", M_COUNT, P_FINANCIAL, 1000, 0.5, 0.0, 0.05, 0, 90, 0};
    static const model amount = {"", M_AMOUNT, P_FINANCIAL, 1e6, 0.5, 0.0, 0.05, 0, 90, 0};
    static const model rate = {"", M_RATE, P_FINANCIAL, 50, 0.5, 0.0, 0.05, 0, 90, 0};
    static const model share = {"", M_SURVEY, P_FINANCIAL, 20, 0.5, 0.0, 0.05, 16, 59, 10000};
    for (size_t i = 0; i < sizeof models / sizeof *models; i++)
        if (strcmp(models[i].code, s->code) == 0) return &models[i];
    if (strcmp(s->unit, "count") == 0) return &count;
    if (strcmp(s->unit, "value") == 0) return &amount;
    if (strncmp(s->unit, "rate_", 5) == 0) return &rate;
    return &share;
}

/* ---- the deaths counted as they are written --------------------------------- */

int sim_deaths_init(sim_deaths *d, size_t nareas, int first_year, int nyears)
{
    d->first_year = first_year;
    d->nyears = nyears;
    d->nareas = nareas;
    d->n = calloc((size_t)nyears * (nareas ? nareas : 1) * DSMS_AGE_BANDS, sizeof *d->n);
    return d->n ? 0 : -1;
}

void sim_deaths_free(sim_deaths *d)
{
    free(d->n);
    d->n = NULL;
}

void sim_deaths_count(sim_deaths *d, int area, int registered, int born, int died)
{
    int y, m, day;
    dsms_date_parts(registered, &y, &m, &day);
    int band = dsms_age_band_of(dsms_age_years(born, died));
    if (!d->n || band < 0 || y < d->first_year || y >= d->first_year + d->nyears) return;
    d->n[((size_t)(y - d->first_year) * d->nareas + (size_t)area) * DSMS_AGE_BANDS +
         (size_t)band] += 1;
}

/* ---- places ----------------------------------------------------------------- */

/* A place's figures for one series and period: added up from its areas. */
typedef struct {
    double num, den, value;      /* value: for M_NATIONAL, or a count's and amount's sum */
    double band[2][DSMS_AGE_BANDS]; /* M_DEATHS: deaths and people by age band */
} cell;

/* People aged lo to hi in an area, from its five-year bands (90+ the last). */
static double people_aged(const dsms_ref_area *a, int lo, int hi)
{
    double n = 0;
    for (int b = 0; b < DSMS_AGE_BANDS; b++) {
        int from = 5 * b, to = b == DSMS_AGE_BANDS - 1 ? 104 : 5 * b + 4;
        int x = lo > from ? lo : from, y = hi < to ? hi : to;
        if (x <= y)
            n += (a->population[0][b] + a->population[1][b]) * (y - x + 1) / (to - from + 1);
    }
    return n;
}

/* A multiplier with mean 1 whose logarithm has spread sigma. */
static double spread(sim_rng *r, double sigma)
{
    return exp(sim_normal(r, 0.0, sigma) - sigma * sigma / 2);
}

typedef struct {
    const dsms_refdata *ref;
    const dsms_sim_options *opt;
    double scale;
    double *need;        /* area -> need relative to the average area */
    double *capacity;    /* area -> the operational capacity of its prisons */
    cell *area, *force, *region, england;
} world;

/* An area's need: its estimated opiate and crack use and its deprivation,
 * each over the average of the areas. */
static int need_build(world *w)
{
    const dsms_refdata *ref = w->ref;
    size_t na = ref->nareas ? ref->nareas : 1;
    w->need = malloc(na * sizeof *w->need);
    w->capacity = calloc(na, sizeof *w->capacity);
    if (!w->need || !w->capacity) return -1;
    double oc = 0, dep = 0;
    for (size_t a = 0; a < ref->nareas; a++) {
        oc += ref->areas[a].opiate_crack_per_1000 / (double)ref->nareas;
        dep += ref->areas[a].deprivation / (double)ref->nareas;
    }
    for (size_t a = 0; a < ref->nareas; a++)
        w->need[a] = 0.5 * (oc > 0 ? ref->areas[a].opiate_crack_per_1000 / oc : 1) +
                     0.5 * (dep > 0 ? ref->areas[a].deprivation / dep : 1);
    for (size_t p = 0; p < ref->nprisons; p++)
        w->capacity[ref->prisons[p].area] += ref->prisons[p].capacity;
    return 0;
}

/* England's level of a series in year k of the simulation: a seeded start
 * and a random walk from it. */
static double trend(const world *w, size_t s, const model *m, int k)
{
    sim_rng r;
    sim_rng_init(&r, w->opt->seed, SERIES_STREAM << 32 | (uint64_t)s << 20 | 0xfffff, 0);
    double level = spread(&r, 0.04);
    for (int j = 1; j <= k; j++) level *= exp(sim_normal(&r, m->drift, m->sd));
    return level;
}

/* How an area differs, for good, from what its need says. */
static double area_effect(const world *w, size_t s, size_t a)
{
    sim_rng r;
    sim_rng_init(&r, w->opt->seed, SERIES_STREAM << 32 | (uint64_t)s << 20 | a, 0xeff);
    return spread(&r, 0.15);
}

/* The weight of an area's population and need in series s, over England's. */
static double share(const world *w, const model *m, size_t a, double total)
{
    const dsms_ref_area *x = &w->ref->areas[a];
    double pop = people_aged(x, m->age_lo, m->age_hi);
    double f = pow(w->need[a], m->need);
    return total > 0 ? pop * f / total : 0;
}

/* Area a's figures of series s (model m) in year k at England's level t. */
static void draw_area(world *w, size_t s, const model *m, size_t a, int k, double t,
                      double total, cell *c)
{
    const dsms_ref_area *x = &w->ref->areas[a];
    sim_rng r;
    sim_rng_init(&r, w->opt->seed, SERIES_STREAM << 32 | (uint64_t)s << 20 | a,
                 (uint64_t)k + 1);
    double level = t * area_effect(w, s, a) * spread(&r, 0.05);
    double f = pow(w->need[a], m->need);
    switch (m->model) {
    case M_COUNT:
        c->num = sim_poisson(&r, m->base * w->scale * level * share(w, m, a, total));
        break;
    case M_AMOUNT:
        c->num = floor(m->base * w->scale * level * share(w, m, a, total) * spread(&r, 0.8) +
                       0.5);
        break;
    case M_RATE:
        c->den = floor(people_aged(x, m->age_lo, m->age_hi) + 0.5);
        c->num = sim_poisson(&r, m->base / 1e5 * c->den * f / total * w->scale * level);
        break;
    case M_SURVEY: {
        c->den = floor(people_aged(x, m->age_lo, m->age_hi) + 0.5);
        double p = m->base / 100 * f / total * level;
        c->num = floor(c->den * (p < 0.95 ? p : 0.95) + 0.5);
        break;
    }
    case M_TESTS: {
        /* Random tests: about six a year for every ten places; a region
         * without a prison is tested as if it held its share of adults. */
        double places = w->capacity[a] > 0 ? w->capacity[a] : 0;
        c->den = places > 0 ? sim_poisson(&r, places * 0.6 * w->scale) : 0;
        if (places > 0 && c->den < 5) c->den = 5;
        double p = m->base / 100 * f / total * level;
        c->num = c->den ? sim_poisson(&r, c->den * (p < 0.9 ? p : 0.9)) : 0;
        if (c->num > c->den) c->num = c->den;
        break;
    }
    default: break;
    }
}

static void add(cell *to, const cell *c)
{
    to->num += c->num;
    to->den += c->den;
    for (int i = 0; i < 2; i++)
        for (int b = 0; b < DSMS_AGE_BANDS; b++) to->band[i][b] += c->band[i][b];
}

/* Every place's figures of series s in year k (calendar year y for deaths). */
static void draw(world *w, size_t s, const model *m, int k, int y, const sim_deaths *d)
{
    const dsms_refdata *ref = w->ref;
    memset(w->area, 0, ref->nareas * sizeof *w->area);
    memset(w->force, 0, ref->nforces * sizeof *w->force);
    memset(w->region, 0, ref->nregions * sizeof *w->region);
    memset(&w->england, 0, sizeof w->england);
    double t = trend(w, s, m, k);
    if (m->model == M_NATIONAL) {
        sim_rng r;
        sim_rng_init(&r, w->opt->seed, SERIES_STREAM << 32 | (uint64_t)s << 20 | 0xffffe,
                     (uint64_t)k + 1);
        double v = m->base * t * spread(&r, 0.02);
        w->england.value = v < 99 ? v : 99;
        return;
    }
    /* What the areas' weights add up to, so that England's figure is base. */
    double total = 0, den = 0;
    for (size_t a = 0; a < ref->nareas; a++) {
        const dsms_ref_area *x = &ref->areas[a];
        double pop = m->model == M_TESTS ? w->capacity[a] : people_aged(x, m->age_lo, m->age_hi);
        if (m->model == M_COUNT || m->model == M_AMOUNT) total += pop * pow(w->need[a], m->need);
        else total += pop * pow(w->need[a], m->need), den += pop;
    }
    if (m->model != M_COUNT && m->model != M_AMOUNT) total = den > 0 ? total / den : 1;
    for (size_t a = 0; a < ref->nareas; a++) {
        cell *c = &w->area[a];
        const dsms_ref_area *x = &ref->areas[a];
        if (m->model == M_DEATHS) {
            for (int b = 0; b < DSMS_AGE_BANDS; b++) {
                c->band[0][b] = d->n[((size_t)(y - d->first_year) * d->nareas + a) *
                                         DSMS_AGE_BANDS + (size_t)b];
                c->band[1][b] = x->population[0][b] + x->population[1][b];
                c->num += c->band[0][b];
                c->den += c->band[1][b];
            }
        } else {
            draw_area(w, s, m, a, k, t, total, c);
        }
        add(&w->force[x->force], c);
        add(&w->region[x->region], c);
        add(&w->england, c);
    }
}

/* ---- the file --------------------------------------------------------------- */

static double round_to(double v, double step) { return floor(v / step + 0.5) * step; }

/* A number as the file gives it: whole, or to one decimal place. */
static void put(FILE *f, double v, int decimals)
{
    if (isnan(v)) fputc(',', f);
    else fprintf(f, ",%.*f", decimals, decimals ? v : floor(v + 0.5));
}

/* One row: the place's figure of the series in the period. */
static void row(FILE *f, const dsms_ref_series *sr, const model *m, const char *period,
                int level, const char *code, const cell *c, const char *as_at, double people,
                const double *esp)
{
    double value = NAN, num = NAN, den = NAN, lo = NAN, hi = NAN;
    int decimals = 1;
    switch (m->model) {
    case M_COUNT:
    case M_AMOUNT: value = c->num, decimals = 0; break;
    case M_RATE:
        /* A place with no people (not in the shipped data) has no rate to give. */
        value = 0;
        if (c->den <= 0) break;
        num = c->num, den = c->den;
        value = round_to(c->num / c->den * (strcmp(sr->unit, "rate_per_1000") ? 1e5 : 1e3), 0.1);
        break;
    case M_SURVEY:
    case M_TESTS:
        if (c->den > 0) {
            num = c->num, den = c->den;
            value = round_to(100 * c->num / c->den, 0.1);
        } else {
            value = 0;
        }
        if (m->model == M_SURVEY && c->den > 0) {
            /* The survey's limits: its sample shared out by population. */
            double n = m->sample * c->den / people, p = c->num / c->den;
            double h = 196 * sqrt(p * (1 - p) / (n > 1 ? n : 1));
            lo = floor((value - h) * 10) / 10, hi = ceil((value + h) * 10) / 10;
            if (lo < 0) lo = 0;
            if (hi > 100) hi = 100;
        }
        break;
    case M_NATIONAL:
        value = round_to(c->value, 0.1);
        if (m->sample > 0) {
            double p = value / 100, h = 196 * sqrt(p * (1 - p) / m->sample);
            lo = floor((value - h) * 10) / 10, hi = ceil((value + h) * 10) / 10;
        }
        break;
    case M_DEATHS: {
        /* Age-standardised as the engine does (dsms_dsr): ONS withholds
         * limits below DSMS_DSR_MIN_EVENTS deaths, and so do these. */
        value = 0;
        if (c->den <= 0) break;
        num = c->num, den = c->den;
        double v = 0, l, u, esp_total = 0;
        for (int b = 0; b < DSMS_AGE_BANDS; b++) {
            esp_total += esp[b];
            if (c->band[1][b] > 0) v += c->band[0][b] / c->band[1][b] * esp[b];
        }
        value = round_to(v / esp_total * 1e5, 0.1);
        if (dsms_dsr(c->band[0], c->band[1], esp, DSMS_AGE_BANDS, 1e5, 0.95, &v, &l, &u) == 0)
            lo = floor(l * 10) / 10, hi = ceil(u * 10) / 10;
        if (!(lo <= value)) lo = NAN;
        if (!(hi >= value)) hi = NAN;
        break;
    }
    }
    fprintf(f, "%s,%s,%s,%s", sr->code, period, dsms_series_levels[level], code);
    put(f, value, decimals);
    put(f, num, 0);
    put(f, den, 0);
    put(f, lo, 1);
    put(f, hi, 1);
    fprintf(f, ",%s,%s,%s\n", sr->unit, SIM_SERIES_SOURCE, as_at);
}

/* The rows of every place of every level series sr is given at. */
static long rows(FILE *f, const world *w, const dsms_ref_series *sr, const model *m,
                 const char *period, const char *as_at, double pop)
{
    const dsms_refdata *ref = w->ref;
    long n = 0;
    const double *esp = ref->esp;
    for (int level = 0; level < DSMS_SERIES_LEVELS; level++) {
        if (!(sr->levels & (1u << level))) continue;
        if (level == 0) {
            row(f, sr, m, period, level, DSMS_ENGLAND_CODE, &w->england, as_at, pop, esp), n++;
            continue;
        }
        size_t count = level == 1 ? ref->nregions : level == 2 ? ref->nareas : ref->nforces;
        for (size_t i = 0; i < count; i++, n++) {
            const cell *c = level == 1 ? &w->region[i] : level == 2 ? &w->area[i] : &w->force[i];
            const char *code = level == 1 ? ref->regions[i].code
                               : level == 2 ? ref->areas[i].code
                                            : ref->forces[i].code;
            row(f, sr, m, period, level, code, c, as_at, pop, esp);
        }
    }
    return n;
}

int sim_series_write(const char *path, const dsms_refdata *ref, const dsms_sim_options *opt,
                     const sim_deaths *d, long *nrows, dsms_err *err)
{
    *nrows = 0;
    world w;
    memset(&w, 0, sizeof w);
    w.ref = ref, w.opt = opt, w.scale = (double)opt->people / DSMS_SIM_DEFAULT_PEOPLE;
    w.area = calloc(ref->nareas ? ref->nareas : 1, sizeof *w.area);
    w.force = calloc(ref->nforces ? ref->nforces : 1, sizeof *w.force);
    w.region = calloc(ref->nregions ? ref->nregions : 1, sizeof *w.region);
    FILE *f = NULL;
    int rc = 0;
    if (!w.area || !w.force || !w.region || need_build(&w)) {
        dsms_err_set(err, "out of memory");
        rc = -1;
    } else if (!(f = fopen(path, "wb"))) {
        dsms_err_set(err, "%s: cannot create: %s", path, strerror(errno));
        rc = -1;
    }
    if (f) fputs("series,period,level,code,value,numerator,denominator,lower,upper,unit,"
                 "source,as_at\n", f);
    double england = 0;
    for (size_t a = 0; a < ref->nareas; a++) england += dsms_area_population(&ref->areas[a]);
    for (size_t s = 0; f && s < ref->nseries; s++) {
        const model *m = model_of(&ref->series[s]);
        for (int k = 0; k < opt->years; k++) {
            int y = opt->start_year + k;
            char period[16], as_at[16];
            if (m->period == P_REGISTRATION) {
                /* A calendar year counts once the files hold all of it. */
                if (k == 0) continue;
                snprintf(period, sizeof period, "%04d", y);
                dsms_date_format(dsms_date_of(y, 12, 31), as_at);
            } else if (m->period == P_SURVEY_YEAR) {
                snprintf(period, sizeof period, "%04d", y);
                dsms_date_format(dsms_date_of(y, 12, 31), as_at);
            } else {
                snprintf(period, sizeof period, "%04d-%02d", y, (y + 1) % 100);
                dsms_date_format(dsms_financial_year_start(y + 1) - 1, as_at);
            }
            draw(&w, s, m, k, y, d);
            /* The survey's sample is shared out by people, of England's. */
            double pop = m->model == M_SURVEY ? w.england.den : england;
            *nrows += rows(f, &w, &ref->series[s], m, period, as_at, pop);
        }
    }
    if (f) {
        int bad = ferror(f) != 0;
        if (fclose(f) || bad) {
            dsms_err_set(err, "%s: write failed: %s", path, strerror(errno));
            rc = -1;
        }
    }
    free(w.need);
    free(w.capacity);
    free(w.area);
    free(w.force);
    free(w.region);
    return rc;
}
