/* measures.c — the catalogue of measures, and dsms_compute: the store read
 * and linked, every measure counted, and the counts turned into results.
 *
 * Counting (measures_*.c) fills a tally per measure by area; here the areas
 * are added up into regions and England, each cell gets its value and its
 * 95% and 99.8% limits by the measure's kind, each area is compared with
 * England and with the pooled figure of its comparator group, and each
 * proportion's financial-year series gets its recent trend. Measures run on
 * two threads, each with tallies of its own. Last, disclosure control is
 * decided over all the results (measures_public.c) and stored with them. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "measures.h"

#define ALL_BD (DSMS_BY_SUBSTANCE | DSMS_BY_SEX | DSMS_BY_AGE)
#define PEOPLE_BD (DSMS_BY_SEX | DSMS_BY_AGE)

typedef struct {
    dsms_measure m;
    eng_fill fill;
    int arg;
    size_t bands;
} measure_def;

#define PROP(id, title, domain, pol, bd, head, ahead, fill, arg)                              \
    {{id, title, domain, "%", DSMS_KIND_PROPORTION, DSMS_POLARITY_##pol, 100, bd, head, 0, ahead}, \
     fill, arg, 1}

/* Days some measures look past the period's end: a re-presentation, a
 * start after an assessment, an engagement or a death after release. */
#define SIX_MONTHS 182
#define A_YEAR 365

static const measure_def catalogue[] = {
    {{"in_treatment", "Numbers in treatment", "treatment", "people", DSMS_KIND_COUNT,
      DSMS_POLARITY_NONE, 1, ALL_BD, 1, 0, 0},
     eng_in_treatment, 0, 1},
    {{"new_presentations", "New presentations to treatment", "treatment", "people",
      DSMS_KIND_COUNT, DSMS_POLARITY_NONE, 1, ALL_BD, 0, 0, 0},
     eng_new_presentations, 0, 1},
    PROP("effective_treatment", "Effective treatment: retained 12 weeks or left successfully",
         "treatment", HIGH_GOOD, ALL_BD, 0, 0, eng_effective, 0),
    PROP("waiting_3wk", "New presentations who waited under 3 weeks", "treatment", HIGH_GOOD,
         ALL_BD, 1, 0, eng_waiting, 0),
    {{"waiting_median_days", "Median wait from referral to first intervention", "treatment",
      "days", DSMS_KIND_MEDIAN, DSMS_POLARITY_NONE, 1, DSMS_BY_SUBSTANCE, 0, 0, 0},
     eng_waiting, 1, WAIT_BANDS},
    {{"penetration_opiate", "Opiate clients in treatment, of estimated opiate and crack users",
      "treatment", "%", DSMS_KIND_PROPORTION, DSMS_POLARITY_HIGH_GOOD, 100, 0, 0, 1, 0},
     eng_penetration, 0, 1},
    PROP("successful_completion", "Successful completion without re-presentation within 6 months",
         "treatment", HIGH_GOOD, ALL_BD, 1, SIX_MONTHS, eng_exits, EXIT_SUCCESS_6M),
    PROP("sustained_recovery_12m",
         "Successful completion without re-presentation within 12 months", "treatment",
         HIGH_GOOD, ALL_BD, 0, A_YEAR, eng_exits, EXIT_SUCCESS_12M),
    PROP("representation_6m", "Re-presentation within 6 months of successful completion",
         "treatment", LOW_GOOD, ALL_BD, 0, SIX_MONTHS, eng_exits, EXIT_REPRESENTED),
    {{"deaths_in_treatment", "Deaths in treatment, three years pooled", "treatment",
      "per 1,000 in treatment", DSMS_KIND_RATE, DSMS_POLARITY_LOW_GOOD, 1000, ALL_BD, 1, 0, 0},
     eng_deaths_in_treatment, 0, 1},
    PROP("continuity_of_care", "Engaged in community treatment within 3 weeks of prison release",
         "treatment", HIGH_GOOD, ALL_BD, 1, 21, eng_continuity, 0),
    PROP("mutual_aid", "In treatment with mutual-aid or peer support", "treatment", HIGH_GOOD,
         ALL_BD, 0, 0, eng_mutual_aid, 0),
    PROP("top_abstinent", "Abstinent from their primary substance at review", "outcomes",
         HIGH_GOOD, ALL_BD, 0, 0, eng_top_outcome, TOPM_ABSTINENT),
    PROP("top_injecting_stopped", "Stopped injecting at review", "outcomes", HIGH_GOOD, ALL_BD, 0,
         0, eng_top_outcome, TOPM_INJECTING),
    PROP("top_housing_resolved", "Acute housing problem resolved at review", "outcomes",
         HIGH_GOOD, ALL_BD, 0, 0, eng_top_outcome, TOPM_HOUSING),
    PROP("top_employment", "In paid work at review, of those without at start", "outcomes",
         HIGH_GOOD, ALL_BD, 0, 0, eng_top_outcome, TOPM_EMPLOYMENT),
    PROP("top_crime_stopped", "No acquisitive crime at review", "outcomes", HIGH_GOOD, ALL_BD, 0,
         0, eng_top_outcome, TOPM_CRIME),
    PROP("top_mental_health", "Psychological health improved by 3 points or more", "outcomes",
         HIGH_GOOD, ALL_BD, 0, 0, eng_top_outcome, TOPM_MENTAL),
    PROP("test_positive_rate", "Tests on arrest positive for opiates or cocaine", "justice", NONE,
         PEOPLE_BD, 0, 0, eng_tests, TEST_POSITIVE),
    PROP("assessment_attended", "Required assessments attended after a positive test", "justice",
         HIGH_GOOD, PEOPLE_BD, 0, 0, eng_tests, TEST_ATTENDED),
    PROP("cj_into_treatment", "Referred at assessment and into treatment within 28 days",
         "justice", HIGH_GOOD, PEOPLE_BD, 1, 28, eng_tests, TEST_INTO_TREATMENT),
    PROP("drr_completion", "Drug rehabilitation requirements completed", "justice", HIGH_GOOD,
         PEOPLE_BD, 0, 0, eng_drr, 0),
    PROP("reoffending_proxy", "Positive test on arrest within a year of starting treatment",
         "justice", LOW_GOOD, ALL_BD, 0, A_YEAR, eng_reoffending, 0),
    {{"drug_deaths_dsr", "Drug-misuse deaths, directly standardised rate", "harms",
      "per 100,000 (2013 ESP)", DSMS_KIND_DSR, DSMS_POLARITY_LOW_GOOD, 100000, DSMS_BY_SEX, 1, 1,
      0},
     eng_drug_deaths, 0, DSMS_AGE_BANDS},
    {{"drug_deaths_post_release", "Drug-misuse deaths within 4 weeks of prison release", "harms",
      "per 1,000 releases", DSMS_KIND_RATE, DSMS_POLARITY_LOW_GOOD, 1000, ALL_BD, 0, 0, 28},
     eng_post_release_deaths, 0, 1},
    PROP("hep_c_tested", "Tested for hepatitis C, of those who inject or have injected", "harms",
         HIGH_GOOD, ALL_BD, 0, 0, eng_hep_c, 0),
};
#define NMEASURES (sizeof catalogue / sizeof *catalogue)

/* What some measures look back on before their period (docs/measures.md,
 * "Incomplete history"), and the organisation they are produced for; a
 * measure not listed has neither. */
#define TOP_PAIR_DAYS 245 /* a start TOP up to 8 months before its review */
#define NEW_GAP 21        /* no episode open in the 21 days before: a new presentation */
static const struct {
    const char *id;
    int lookback;
    const char *organisation;
} extras[] = {
    {"in_treatment", 0, "provider"},
    {"new_presentations", NEW_GAP, "provider"},
    {"effective_treatment", 84, "provider"},
    {"waiting_3wk", NEW_GAP, "provider"},
    {"waiting_median_days", NEW_GAP, NULL},
    {"successful_completion", 0, "provider"},
    {"continuity_of_care", 0, "prison"},
    {"top_abstinent", TOP_PAIR_DAYS, NULL},
    {"top_injecting_stopped", TOP_PAIR_DAYS, NULL},
    {"top_housing_resolved", TOP_PAIR_DAYS, NULL},
    {"top_employment", TOP_PAIR_DAYS, NULL},
    {"top_crime_stopped", TOP_PAIR_DAYS, NULL},
    {"top_mental_health", TOP_PAIR_DAYS, NULL},
    {"test_positive_rate", 0, "police_force"},
    {"assessment_attended", 0, "police_force"},
    {"cj_into_treatment", 0, "police_force"},
    {"drr_completion", 0, "probation_region"},
    {"reoffending_proxy", A_YEAR, NULL},
};

static size_t extra_of(const dsms_measure *m)
{
    size_t i = 0;
    while (i < sizeof extras / sizeof *extras && strcmp(extras[i].id, m->id) != 0) i++;
    return i;
}

int dsms_measure_lookback(const dsms_measure *m)
{
    size_t i = extra_of(m);
    return i < sizeof extras / sizeof *extras ? extras[i].lookback : 0;
}

int dsms_measure_quarterly(const dsms_measure *m) { return m->kind == DSMS_KIND_COUNT; }

const char *dsms_measure_organisation(const dsms_measure *m)
{
    size_t i = extra_of(m);
    return i < sizeof extras / sizeof *extras ? extras[i].organisation : NULL;
}

int dsms_level_is_organisation(const char *level)
{
    return level && (strcmp(level, "provider") == 0 || strcmp(level, "prison") == 0 ||
                     strcmp(level, "police_force") == 0 || strcmp(level, "probation_region") == 0);
}

size_t dsms_measure_count(void) { return NMEASURES; }

const dsms_measure *dsms_measure_at(size_t i)
{
    return i < NMEASURES ? &catalogue[i].m : NULL;
}

const dsms_measure *dsms_measure_find(const char *id)
{
    for (size_t i = 0; i < NMEASURES; i++)
        if (strcmp(catalogue[i].m.id, id) == 0) return &catalogue[i].m;
    return NULL;
}

/* ---- dsms_compute ---------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The measures shared out between threads: each takes the next one not yet
 * taken, and its rows go into that measure's own list. */
typedef struct {
    const eng_ctx *c;
    size_t nmain;                /* the periods before the quarters */
    const unsigned char *chosen; /* by catalogue position */
    atomic_size_t next;
    eng_rows rows[NMEASURES];
    atomic_int failed;
} work;

/* The organisations a measure is produced for: how many there are. */
static size_t organisations(const dsms_refdata *ref, const char *level)
{
    if (!level) return 0;
    return strcmp(level, "provider") == 0       ? ref->nproviders
           : strcmp(level, "prison") == 0       ? ref->nprisons
           : strcmp(level, "police_force") == 0 ? ref->nforces
                                                : ref->nprobation;
}

/* A measure that is not quarterly sees the periods before the quarters. */
static int one_measure(const eng_ctx *all, size_t nmain, size_t i, eng_rows *rows)
{
    const measure_def *def = &catalogue[i];
    eng_ctx c = *all;
    if (!dsms_measure_quarterly(&def->m)) c.nperiods = nmain;
    eng_tally t;
    if (eng_tally_init(&t, c.nperiods, c.d->ref->nareas, def->bands) ||
        eng_tally_orgs(&t, organisations(c.d->ref, dsms_measure_organisation(&def->m)))) {
        eng_tally_free(&t);
        return -1;
    }
    def->fill(&c, def->arg, &t);
    int rc = eng_results(&c, &def->m, &t, rows);
    eng_tally_free(&t);
    return rc;
}

static void *worker(void *arg)
{
    work *w = arg;
    for (size_t i; (i = atomic_fetch_add(&w->next, 1)) < NMEASURES && !atomic_load(&w->failed);)
        if (w->chosen[i] && one_measure(w->c, w->nmain, i, &w->rows[i])) atomic_store(&w->failed, 1);
    return NULL;
}

/* Every measure into rows (concatenated in catalogue order); -1 when out of memory. */
static int all_measures(const eng_ctx *c, size_t nmain, const unsigned char *chosen,
                        eng_rows *out)
{
    work *w = calloc(1, sizeof *w);
    if (!w) return -1;
    w->c = c;
    w->nmain = nmain;
    w->chosen = chosen;
    pthread_t helper;
    int threaded = pthread_create(&helper, NULL, worker, w) == 0;
    worker(w);
    if (threaded) pthread_join(helper, NULL);
    int rc = atomic_load(&w->failed) ? -1 : 0;
    for (size_t i = 0; i < NMEASURES; i++) {
        for (size_t k = 0; !rc && k < w->rows[i].n; k++) rc = eng_rows_add(out, &w->rows[i].r[k]);
        free(w->rows[i].r);
    }
    free(w);
    return rc;
}

enum { MAX_PERIODS = 256 };

static void report_data(const eng_data *d, dsms_compute_report *rep)
{
    rep->episodes = d->nepisodes;
    rep->interventions = d->ninterventions;
    rep->tops = d->ntops;
    rep->tests = d->ntests;
    rep->releases = d->nreleases;
    rep->orders = d->norders;
    rep->deaths = d->ndeaths;
    rep->persons = d->npersons;
    rep->linked = d->linked;
}

/* Which measures to compute; -1 naming one that is not a measure. */
static int choose(const char *const *only, size_t nonly, unsigned char *chosen, size_t *n,
                  dsms_err *err)
{
    memset(chosen, !only, NMEASURES);
    for (size_t i = 0; only && i < nonly; i++) {
        size_t k = 0;
        while (k < NMEASURES && strcmp(catalogue[k].m.id, only[i]) != 0) k++;
        if (k == NMEASURES) {
            dsms_err_set(err, "'%s' is not a measure (dsms measures --list shows them)", only[i]);
            return -1;
        }
        chosen[k] = 1;
    }
    /* Measures that share a count with a chosen one are decided with it
     * (disclosure control), so they are computed again too. */
    for (int more = 1; more;) {
        more = 0;
        for (size_t i = 0; i < NMEASURES; i++)
            for (size_t k = 0; !chosen[i] && k < NMEASURES; k++)
                if (chosen[k] && dsms_measures_share(catalogue[i].m.id, catalogue[k].m.id))
                    chosen[i] = 1, more = 1;
    }
    *n = 0;
    for (size_t i = 0; i < NMEASURES; i++) *n += chosen[i];
    return 0;
}

int dsms_compute(dsms_store *st, const char *const *only, size_t nonly,
                 dsms_compute_report *rep, dsms_err *err)
{
    memset(rep, 0, sizeof *rep);
    unsigned char chosen[NMEASURES];
    if (choose(only, nonly, chosen, &rep->measures, err)) return -1;
    dsms_refdata ref;
    eng_data d;
    eng_rows rows = {0};
    eng_period *periods = calloc(MAX_PERIODS, sizeof *periods);
    double t0 = now();
    if (!periods) {
        dsms_err_set(err, "out of memory");
        return -1;
    }
    /* The load reads on two connections; holding the write lock meanwhile
     * keeps any import from committing between their reads, so both see the
     * same records. Nothing is written: the lock is let go before counting. */
    if (dsms_store_begin(st, err) || dsms_refdata_fetch(&ref, st, err)) {
        dsms_store_rollback(st);
        free(periods);
        return -1;
    }
    int rc = eng_load(st, &ref, &d, err);
    dsms_store_rollback(st);
    double t1 = now();
    if (!rc) rc = eng_link(&d, err);
    double t2 = now(), t3 = t2;
    if (!rc) {
        report_data(&d, rep);
        size_t nmain;
        eng_ctx c = {&d, periods, eng_periods(&d, periods, MAX_PERIODS, &nmain), 0, NULL, 0};
        c.data_start = c.nperiods ? periods[0].start : 0;
        rep->periods = nmain, rep->quarters = c.nperiods - nmain;
        if (c.nperiods) {
            snprintf(rep->first_period, sizeof rep->first_period, "%s", periods[0].label);
            for (size_t p = 0; p < c.nperiods; p++)
                if (periods[p].financial_year)
                    snprintf(rep->last_period, sizeof rep->last_period, "%s", periods[p].label);
        }
        /* Quarters are few measures' periods: their latest episodes are
         * worked out as needed (eng_latest), not held. */
        int32_t *latest = eng_latest_table(&d, periods, nmain);
        c.latest = latest;
        c.nlatest = nmain;
        if (!latest || all_measures(&c, nmain, chosen, &rows)) {
            dsms_err_set(err, "engine: out of memory computing the measures");
            rc = -1;
        }
        free(latest);
        t3 = now();
    }
    double t3d = t3;
    if (!rc) { /* decided once here, for every view of the results after */
        dsms_disclosure_report dr;
        if (dsms_results_suppress(rows.r, rows.n, &ref, &dr)) {
            dsms_err_set(err, "engine: out of memory deciding disclosure control");
            rc = -1;
        }
        rep->primary = dr.primary, rep->secondary = dr.secondary;
        t3d = now();
    }
    if (!rc) {
        char detail[256];
        snprintf(detail, sizeof detail, "%zu episodes, %zu people, %zu periods", d.nepisodes,
                 d.npersons, rep->periods);
        /* The measures chosen, with those that share a count with them. */
        const char *ids[NMEASURES];
        size_t nids = 0;
        for (size_t i = 0; only && i < NMEASURES; i++)
            if (chosen[i]) ids[nids++] = catalogue[i].m.id;
        rc = dsms_store_put_results(st, rows.r, rows.n, only ? ids : NULL, nids, t3d - t0,
                                    detail, err);
        rep->results = rows.n;
    }
    double t4 = now();
    rep->load_seconds = t1 - t0, rep->link_seconds = t2 - t1;
    rep->measure_seconds = t3 - t2, rep->disclosure_seconds = t3d - t3;
    rep->store_seconds = t4 - t3d;
    free(rows.r);
    free(periods);
    eng_free(&d);
    dsms_refdata_free(&ref);
    return rc;
}
