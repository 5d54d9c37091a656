/* measures.c — the catalogue of measures, and dsms_compute: the store read
 * and linked, every measure counted, the counts turned into results, their
 * disclosure control decided, and the results stored.
 *
 * Counting (measures_*.c) fills a tally per measure by area: the measures
 * over the people in treatment in one pass over everyone, each judging the
 * person's latest episode in each period, the others each in a pass of its
 * own. The tallies become results (measures_results.c): areas added up into
 * regions and England, values, limits, comparisons and trends. Drug-misuse
 * deaths count by calendar year of registration, over periods of their own.
 * Counting runs on two threads, each with tallies of its own; disclosure
 * control (measures_public.c) is decided and the results stored while the
 * counting goes on (see "work" below). */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsms/field.h"
#include "dsms/grow.h"
#include "dsms/measures.h"
#include "engine.h"

#define ALL_BD (DSMS_BY_SUBSTANCE | DSMS_BY_SEX | DSMS_BY_AGE)
#define PEOPLE_BD (DSMS_BY_SEX | DSMS_BY_AGE)
/* Measures of the people in treatment, by ethnicity too. */
#define TREAT_BD (ALL_BD | DSMS_BY_ETHNICITY)

/* A measure is counted by its fill, or, when it is judged over the people
 * in treatment, by its judge in the one pass that serves every such measure
 * (eng_each_in_treatment); FILL(f) or JUDGE(j) names which. */
typedef struct {
    dsms_measure m;
    eng_fill fill;
    eng_judge judge;
    int variant; /* which of its fill's or judge's measures (ENG_EXIT_*, ENG_NEEDM_*, ...) */
    size_t bands;
    int lookback;             /* dsms_measure_lookback (docs/measures.md, "Incomplete history") */
    const char *organisation; /* dsms_measure_organisation */
    int quarterly;            /* dsms_measure_quarterly */
    int calendar;             /* counted by calendar year, over periods of its own */
} measure_def;
#define FILL(f) f, NULL
#define JUDGE(j) NULL, j

#define PROP(id, title, domain, pol, bd, head, ahead, how, variant, ...)                      \
    {.m = {id, title, domain, "%", DSMS_KIND_PROPORTION, DSMS_POLARITY_##pol, 100, bd, head, 0,   \
           ahead},                                                                             \
     how, variant, 1, __VA_ARGS__}

/* A count of people, by the breakdowns bd. */
#define COUNT(id, title, domain, bd, how, variant, ...)                                       \
    {.m = {id, title, domain, "people", DSMS_KIND_COUNT, DSMS_POLARITY_NONE, 1, bd, 0, 0, 0},  \
     how, variant, 1, __VA_ARGS__}

/* Observed against what England's rates would give the area's case mix,
 * x 100 (DSMS_KIND_RATIO), over `cells` case-mix cells: "all" only. */
#define RATIO(id, title, pol, ahead, how, variant, cells, ...)                                 \
    {.m = {id, title, "expected", "observed / expected x 100", DSMS_KIND_RATIO,              \
           DSMS_POLARITY_##pol, 100, 0, 0, 0, ahead},                                          \
     how, variant, cells, __VA_ARGS__}

/* Days some measures look past the period's end: a re-presentation, a
 * start after an assessment, an engagement or a death after release. */
#define SIX_MONTHS 182
#define A_YEAR 365
#define DRR_DAYS (WAIT_BANDS - 1)
#define THREE_WEEKS_DAYS 21
/* Days some measures look back before the period's start (.lookback). */
#define TOP_PAIR_DAYS 245 /* a start TOP up to 8 months before its review */
#define NEW_GAP 21        /* no episode open in the 21 days before: a new presentation */
#define EFFECTIVE_DAYS 84 /* retained 12 weeks */

/* Each measure's entry: its public description (dsms_measure), how it is
 * counted, then what only some measures have: the days it looks back, the
 * organisations it is produced for, financial quarters (the counts of people
 * the data set reference asks for quarterly), and calendar years. */

static const measure_def catalogue[] = {
    {.m = {"in_treatment", "Numbers in treatment", "treatment", "people", DSMS_KIND_COUNT,
           DSMS_POLARITY_NONE, 1, TREAT_BD, 1, 0, 0},
     JUDGE(eng_in_treatment), 0, 1, .organisation = "provider", .quarterly = 1},
    {.m = {"in_treatment_secure", "Numbers in treatment in prisons and secure settings",
           "treatment", "people", DSMS_KIND_COUNT, DSMS_POLARITY_NONE, 1, TREAT_BD, 0, 0, 0},
     FILL(eng_in_treatment_secure), 0, 1, .organisation = "provider", .quarterly = 1},
    {.m = {"new_presentations", "New presentations to treatment", "treatment", "people",
           DSMS_KIND_COUNT, DSMS_POLARITY_NONE, 1, TREAT_BD, 0, 0, 0},
     FILL(eng_new_presentations), 0, 1, .lookback = NEW_GAP, .organisation = "provider",
     .quarterly = 1},
    PROP("effective_treatment", "Effective treatment: retained 12 weeks or left successfully",
         "treatment", HIGH_GOOD, TREAT_BD, 0, 0, JUDGE(eng_effective), 0,
         .lookback = EFFECTIVE_DAYS, .organisation = "provider"),
    PROP("waiting_3wk", "New presentations who waited under 3 weeks", "treatment", HIGH_GOOD,
         TREAT_BD, 1, 0, FILL(eng_waiting), 0, .lookback = NEW_GAP, .organisation = "provider"),
    {.m = {"waiting_median_days", "Median wait from referral to first intervention", "treatment",
           "days", DSMS_KIND_MEDIAN, DSMS_POLARITY_NONE, 1, DSMS_BY_SUBSTANCE, 0, 0, 0},
     FILL(eng_waiting), 1, WAIT_BANDS, .lookback = NEW_GAP},
    {.m = {"penetration_opiate_crack",
           "Opiate and crack users in treatment, of the estimated number", "treatment", "%",
           DSMS_KIND_PROPORTION, DSMS_POLARITY_HIGH_GOOD, 100, 0, 0, 1, 0},
     FILL(eng_penetration), 0, 1},
    PROP("successful_completion", "Successful completion without re-presentation within 6 months",
         "treatment", HIGH_GOOD, TREAT_BD, 1, SIX_MONTHS, FILL(eng_exits), ENG_EXIT_SUCCESS_6M,
         .organisation = "provider"),
    PROP("sustained_recovery_12m",
         "Successful completion without re-presentation within 12 months", "treatment",
         HIGH_GOOD, TREAT_BD, 0, A_YEAR, FILL(eng_exits), ENG_EXIT_SUCCESS_12M),
    PROP("representation_6m", "Re-presentation within 6 months of successful completion",
         "treatment", LOW_GOOD, TREAT_BD, 0, SIX_MONTHS, FILL(eng_exits), ENG_EXIT_REPRESENTED),
    {.m = {"deaths_in_treatment", "Deaths in treatment, three years pooled", "treatment",
           "per 1,000 in treatment", DSMS_KIND_RATE, DSMS_POLARITY_LOW_GOOD, 1000, TREAT_BD, 1, 0,
           0},
     FILL(eng_deaths_in_treatment), 0, 1},
    PROP("continuity_of_care", "Engaged in community treatment within 3 weeks of prison release",
         "treatment", HIGH_GOOD, ALL_BD, 1, 21, FILL(eng_continuity), 0, .organisation = "prison"),
    PROP("mutual_aid", "In treatment with mutual-aid or peer support", "treatment", HIGH_GOOD,
         TREAT_BD, 0, 0, JUDGE(eng_mutual_aid), 0),
    PROP("top_abstinent", "Abstinent from their primary substance at review", "outcomes",
         HIGH_GOOD, ALL_BD, 0, 0, FILL(eng_top_outcome), ENG_TOPM_ABSTINENT,
         .lookback = TOP_PAIR_DAYS),
    PROP("top_injecting_stopped", "Stopped injecting at review", "outcomes", HIGH_GOOD, ALL_BD, 0,
         0, FILL(eng_top_outcome), ENG_TOPM_INJECTING, .lookback = TOP_PAIR_DAYS),
    PROP("top_housing_resolved", "Acute housing problem resolved at review", "outcomes", HIGH_GOOD,
         ALL_BD, 0, 0, FILL(eng_top_outcome), ENG_TOPM_HOUSING, .lookback = TOP_PAIR_DAYS),
    PROP("top_employment", "In paid work at review, of those without at start", "outcomes",
         HIGH_GOOD, ALL_BD, 0, 0, FILL(eng_top_outcome), ENG_TOPM_EMPLOYMENT,
         .lookback = TOP_PAIR_DAYS),
    PROP("top_crime_stopped", "No acquisitive crime at review", "outcomes", HIGH_GOOD, ALL_BD, 0,
         0, FILL(eng_top_outcome), ENG_TOPM_CRIME, .lookback = TOP_PAIR_DAYS),
    PROP("top_mental_health", "Psychological health improved by 3 points or more", "outcomes",
         HIGH_GOOD, ALL_BD, 0, 0, FILL(eng_top_outcome), ENG_TOPM_MENTAL,
         .lookback = TOP_PAIR_DAYS),
    PROP("test_positive_rate", "Tests on arrest positive for opiates or cocaine", "justice", NONE,
         PEOPLE_BD, 0, 0, FILL(eng_tests), ENG_TEST_POSITIVE, .organisation = "police_force"),
    PROP("assessment_attended", "Required assessments attended after a positive test", "justice",
         HIGH_GOOD, PEOPLE_BD, 0, 0, FILL(eng_tests), ENG_TEST_ATTENDED,
         .organisation = "police_force"),
    PROP("cj_into_treatment", "Referred at assessment and into treatment within 28 days",
         "justice", HIGH_GOOD, PEOPLE_BD, 1, 28, FILL(eng_tests), ENG_TEST_INTO_TREATMENT,
         .organisation = "police_force"),
    PROP("drr_completion", "Drug rehabilitation requirements completed", "justice", HIGH_GOOD,
         PEOPLE_BD, 0, 0, FILL(eng_drr), 0, .organisation = "probation_region"),
    PROP("reoffending_proxy", "Positive test on arrest within a year of starting treatment",
         "justice", LOW_GOOD, ALL_BD, 0, A_YEAR, JUDGE(eng_reoffending), 0, .lookback = A_YEAR),
    {.m = {"drug_deaths_dsr", "Drug-misuse deaths, directly standardised rate", "harms",
           "per 100,000 (2013 ESP)", DSMS_KIND_DSR, DSMS_POLARITY_LOW_GOOD, 100000, DSMS_BY_SEX, 1,
           1, 0},
     FILL(eng_drug_deaths), 0, DSMS_AGE_BANDS, .calendar = 1},
    {.m = {"drug_deaths_post_release", "Drug-misuse deaths within 4 weeks of prison release",
           "harms", "per 1,000 releases", DSMS_KIND_RATE, DSMS_POLARITY_LOW_GOOD, 1000, ALL_BD, 0,
           0, 28},
     FILL(eng_post_release_deaths), 0, 1},
    PROP("hep_c_tested", "Tested for hepatitis C, of those who inject or have injected", "harms",
         HIGH_GOOD, TREAT_BD, 0, 0, JUDGE(eng_hep_c), 0),
    /* measures_needs.c */
    COUNT("housing_need", "In treatment with a housing need (no fixed abode or a housing problem)",
          "treatment", TREAT_BD, JUDGE(eng_needs), ENG_NEEDM_HOUSING),
    COUNT("housing_nfa", "In treatment with no fixed abode (an urgent housing problem)",
          "treatment", TREAT_BD, JUDGE(eng_needs), ENG_NEEDM_NFA),
    COUNT("parents_with_children", "In treatment and living with their own children", "treatment",
          TREAT_BD, JUDGE(eng_needs), ENG_NEEDM_PARENT),
    PROP("opiate_long_term", "Opiate clients in treatment for 2 years or more", "treatment", NONE,
         DSMS_BY_SEX | DSMS_BY_AGE | DSMS_BY_ETHNICITY, 0, 0, JUDGE(eng_opiate_long_term), 0,
         .lookback = 2 * A_YEAR),
    COUNT("inpatient_detox", "In treatment with inpatient detoxification in the period",
          "treatment", TREAT_BD, JUDGE(eng_needs), ENG_NEEDM_INPATIENT),
    COUNT("residential_rehab", "In treatment with residential rehabilitation in the period",
          "treatment", TREAT_BD, JUDGE(eng_needs), ENG_NEEDM_RESIDENTIAL),
    COUNT("recovery_support", "In treatment with any recovery-support intervention", "treatment",
          TREAT_BD, JUDGE(eng_needs), ENG_NEEDM_RECOVERY),
    COUNT("cj_referrals", "New presentations referred by criminal justice", "justice", TREAT_BD,
          FILL(eng_cj_referrals), 0),
    PROP("drr_treatment_3wk",
         "Drug rehabilitation requirements started in treatment within 3 weeks", "justice",
         HIGH_GOOD, PEOPLE_BD, 0, THREE_WEEKS_DAYS, FILL(eng_drr_to_treatment), 0),
    {.m = {"drr_treatment_median_days",
           "Median days from a drug rehabilitation requirement's start to " "treatment", "justice",
           "days", DSMS_KIND_MEDIAN, DSMS_POLARITY_NONE, 1, 0, 0, 0, DRR_DAYS},
     FILL(eng_drr_to_treatment), 1, WAIT_BANDS},
    {.m = {"referrals_not_started", "Referrals closed without starting treatment", "treatment",
           "referrals", DSMS_KIND_COUNT, DSMS_POLARITY_NONE, 1, DSMS_BY_REASON, 0, 0, 0},
     FILL(eng_referrals_not_started), 0, 1, .organisation = "provider"},
    PROP("hep_b_vaccinated", "Vaccinated against hepatitis B, of those who inject or have injected",
         "harms", HIGH_GOOD, TREAT_BD, 0, 0, JUDGE(eng_needs), ENG_NEEDM_HEP_B),
    /* expected against actual (measures_results.c, "Expected against actual") */
    RATIO("successful_completion_vs_expected",
          "Successful completions against those expected from the case mix", HIGH_GOOD,
          SIX_MONTHS, FILL(eng_exits), ENG_EXIT_SUCCESS_6M, ENG_MIX_CELLS * ENG_MIX_TIME_BANDS,
          .lookback = 0),
    RATIO("continuity_of_care_vs_expected",
          "Engaged in treatment after prison against those expected from the case mix",
          HIGH_GOOD, 21, FILL(eng_continuity), 0, ENG_MIX_CELLS, .lookback = 0),
    RATIO("deaths_in_treatment_vs_expected",
          "Deaths in treatment against those expected from the case mix, three years pooled",
          LOW_GOOD, 0, FILL(eng_deaths_in_treatment), 0, ENG_MIX_CELLS, .lookback = 0),
    RATIO("new_presentations_vs_need",
          "New presentations for opiates or crack against those expected from the need",
          HIGH_GOOD, 0, FILL(eng_penetration), ENG_PEN_NEW, 1, .lookback = NEW_GAP),
};
#define NMEASURES (sizeof catalogue / sizeof *catalogue)

/* The catalogue entry of m (by address; by id for a copy), or NULL. */
static const measure_def *def_of(const dsms_measure *m)
{
    for (size_t i = 0; i < NMEASURES; i++)
        if (&catalogue[i].m == m) return &catalogue[i];
    for (size_t i = 0; i < NMEASURES; i++)
        if (strcmp(catalogue[i].m.id, m->id) == 0) return &catalogue[i];
    return NULL;
}

int dsms_measure_lookback(const dsms_measure *m)
{
    const measure_def *def = def_of(m);
    return def ? def->lookback : 0;
}

int dsms_measure_quarterly(const dsms_measure *m)
{
    const measure_def *def = def_of(m);
    return def && def->quarterly;
}

const char *dsms_measure_organisation(const dsms_measure *m)
{
    const measure_def *def = def_of(m);
    return def ? def->organisation : NULL;
}

int dsms_level_is_organisation(const char *level)
{
    for (size_t k = 0; level && k < DSMS_ORG_LEVELS; k++)
        if (strcmp(level, dsms_org_levels[k]) == 0) return 1;
    return 0;
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

/* Counting, disclosure control and storing go on at once. Two threads
 * count the measures, taking the next task not yet taken: the judged
 * measures' pass first, then each measure counted by a fill. Measures that
 * share a count (dsms_measures_share) are one unit of disclosure control;
 * most measures are a unit of their own. As soon as every measure of a unit
 * is counted, the thread that counted the last decides the unit's
 * disclosure control and hands it to the calling thread, which stores the
 * units as they come, in the one transaction that replaces the earlier
 * results. */
typedef struct {
    eng_rows rows; /* its measures' rows, once it is ready */
    size_t left;   /* its measures not yet counted */
    int ready, taken;
} unit;

typedef struct {
    const eng_ctx *c;
    const unsigned char *chosen; /* by catalogue position */
    const dsms_refdata *ref;
    const dsms_compute_report *rep; /* its progress callback, called by the storing thread */
    atomic_size_t next;             /* the next task to take */
    atomic_int failed;              /* out of memory counting or deciding */
    atomic_int stopped;             /* storing failed: count no more */
    eng_rows rows[NMEASURES];       /* each measure's rows, until its unit takes them */
    size_t unit_of[NMEASURES];      /* the position of its unit's first measure */
    unit units[NMEASURES];          /* by the position of their first measure */
    pthread_mutex_t lock;           /* over what follows, and the units' state */
    pthread_cond_t changed;
    size_t done, total, nunits, nready, ntaken;
    size_t told;    /* the measures counted, as the progress last told */
    int said_store; /* the progress told that only storing is left */
    size_t primary, secondary, results;
    double deciding; /* seconds spent deciding disclosure control, over the threads */
    double t0, decided; /* when the computation began, and when the last unit was ready */
    dsms_result *given; /* the unit being stored, freed when the next is asked for */
    dsms_computation log;
} work;

/* What a measure is computed over: one that is not quarterly sees the
 * periods before the quarters. */
static eng_ctx measure_ctx(const eng_ctx *all, const measure_def *def)
{
    eng_ctx c = *all;
    if (!def->quarterly) c.nperiods = all->nlatest; /* before the quarters */
    if (def->calendar)
        c.periods = all->calendar, c.nperiods = all->ncalendar, c.latest = NULL, c.nlatest = 0;
    return c;
}

/* An empty tally for the measure over c's periods; -1 out of memory. */
static int measure_tally(const eng_ctx *c, const measure_def *def, eng_tally *t)
{
    if (eng_tally_init(t, c->nperiods, c->d->ref->nareas, eng_tally_cats(def->m.breakdowns),
                       def->bands) == 0 &&
        eng_tally_orgs(t, dsms_refdata_orgs(c->d->ref, def->organisation)) == 0) {
        t->mix = def->m.kind == DSMS_KIND_RATIO && def->bands > 1;
        return 0;
    }
    eng_tally_free(t);
    return -1;
}

static int one_measure(const eng_ctx *all, size_t i, eng_rows *rows)
{
    const measure_def *def = &catalogue[i];
    eng_ctx c = measure_ctx(all, def);
    eng_tally t;
    if (measure_tally(&c, def, &t)) return -1;
    def->fill(&c, def->variant, &t);
    int rc = eng_results(&c, &def->m, &t, rows);
    eng_tally_free(&t);
    return rc;
}

/* The chosen measures that are judged over the people in treatment, in one
 * pass over them (over the quarters too when one of them is quarterly);
 * returns how many, or -1 out of memory. */
static long judged_measures(const eng_ctx *all, const unsigned char *chosen, eng_rows *rows)
{
    eng_ctx c[NMEASURES];
    eng_tally t[NMEASURES];
    eng_judged m[NMEASURES];
    size_t at[NMEASURES], n = 0;
    eng_ctx pass = *all;
    pass.nperiods = all->nlatest;
    int rc = 0;
    for (size_t i = 0; !rc && i < NMEASURES; i++) {
        const measure_def *def = &catalogue[i];
        if (!chosen[i] || !def->judge) continue;
        c[n] = measure_ctx(all, def);
        if (measure_tally(&c[n], def, &t[n])) {
            rc = -1;
            break;
        }
        if (c[n].nperiods > pass.nperiods) pass.nperiods = c[n].nperiods;
        m[n] = (eng_judged){def->judge, def->variant, &t[n]};
        at[n++] = i;
    }
    if (!rc && n) eng_each_in_treatment(&pass, m, n);
    for (size_t k = 0; k < n; k++) {
        if (!rc) rc = eng_results(&c[k], &catalogue[at[k]].m, &t[k], &rows[at[k]]);
        eng_tally_free(&t[k]);
    }
    return rc ? -1 : (long)n;
}

static void say(const dsms_compute_report *rep, const char *stage, size_t done, size_t total)
{
    if (rep->progress) rep->progress(rep->progress_ctx, stage, done, total);
}

static size_t unit_root(const size_t *parent, size_t i)
{
    while (parent[i] != i) i = parent[i];
    return i;
}

/* Each chosen measure's unit: the measures joined, directly or through
 * others, by a shared count. */
static void make_units(work *w)
{
    size_t parent[NMEASURES];
    for (size_t i = 0; i < NMEASURES; i++) parent[i] = i;
    for (size_t i = 0; i < NMEASURES; i++)
        for (size_t k = 0; w->chosen[i] && k < i; k++)
            if (w->chosen[k] && dsms_measures_share(catalogue[i].m.id, catalogue[k].m.id)) {
                size_t a = unit_root(parent, i), b = unit_root(parent, k);
                parent[a > b ? a : b] = a < b ? a : b;
            }
    for (size_t i = 0; i < NMEASURES; i++) {
        if (!w->chosen[i]) continue;
        size_t u = w->unit_of[i] = unit_root(parent, i);
        w->nunits += w->units[u].left++ == 0;
    }
}

static int append_rows(eng_rows *to, eng_rows *from)
{
    if (to->n + from->n > to->cap) {
        dsms_result *r = dsms_grow(to->r, &to->cap, to->n + from->n, sizeof *r, from->n);
        if (!r) return -1;
        to->r = r;
    }
    if (from->n) memcpy(to->r + to->n, from->r, from->n * sizeof *from->r);
    to->n += from->n;
    free(from->r);
    *from = (eng_rows){0};
    return 0;
}

/* Gather unit u's rows, decide its disclosure control, and mark it ready. */
static void decide(work *w, size_t u)
{
    double t = now();
    unit *un = &w->units[u];
    int rc = 0;
    for (size_t i = u; i < NMEASURES; i++)
        if (w->chosen[i] && w->unit_of[i] == u && append_rows(&un->rows, &w->rows[i])) rc = -1;
    dsms_disclosure_report dr = {0};
    if (!rc) rc = dsms_results_suppress(un->rows.r, un->rows.n, w->ref, &dr);
    pthread_mutex_lock(&w->lock);
    if (rc) atomic_store(&w->failed, 1);
    un->ready = 1;
    w->primary += dr.primary, w->secondary += dr.secondary;
    w->deciding += now() - t;
    if (++w->nready == w->nunits) w->decided = now();
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
}

/* These n measures are counted: decide each unit they complete. */
static void counted(work *w, const size_t *which, size_t n)
{
    size_t ready[NMEASURES], nready = 0;
    pthread_mutex_lock(&w->lock);
    w->done += n;
    for (size_t k = 0; k < n; k++) {
        size_t u = w->unit_of[which[k]];
        if (--w->units[u].left == 0) ready[nready++] = u;
    }
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
    for (size_t k = 0; k < nready; k++) decide(w, ready[k]);
}

static int stopping(work *w)
{
    return atomic_load(&w->failed) || atomic_load(&w->stopped);
}

/* Take tasks until none is left: task 0 is the judged measures' pass, task
 * i + 1 catalogue measure i when it has a fill. */
static void take_measures(work *w)
{
    int ok = 1;
    for (size_t k; ok && (k = atomic_fetch_add(&w->next, 1)) <= NMEASURES && !stopping(w);) {
        size_t which[NMEASURES], n = 0;
        if (k == 0) {
            ok = judged_measures(w->c, w->chosen, w->rows) >= 0;
            for (size_t i = 0; i < NMEASURES; i++)
                if (w->chosen[i] && catalogue[i].judge) which[n++] = i;
        } else if (w->chosen[k - 1] && catalogue[k - 1].fill) {
            ok = one_measure(w->c, k - 1, &w->rows[k - 1]) == 0;
            which[n++] = k - 1;
        }
        if (ok && n) counted(w, which, n);
    }
    if (ok) return;
    pthread_mutex_lock(&w->lock); /* out of memory: wake the storing thread */
    atomic_store(&w->failed, 1);
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
}

static void *worker(void *arg)
{
    take_measures(arg);
    return NULL;
}

/* The store's source (dsms_result_source): the next unit ready, waiting
 * for one while the measures are counted. */
static int next_unit(void *ctx, const dsms_result **rows, size_t *n)
{
    work *w = ctx;
    free(w->given);
    w->given = NULL;
    pthread_mutex_lock(&w->lock);
    while (!atomic_load(&w->failed)) {
        size_t u = 0;
        while (u < NMEASURES && !(w->units[u].ready && !w->units[u].taken)) u++;
        if (u < NMEASURES) {
            unit *un = &w->units[u];
            un->taken = 1, w->ntaken++;
            if (!un->rows.n) { /* a unit of no rows is no batch */
                free(un->rows.r);
                un->rows = (eng_rows){0};
                continue;
            }
            int storing = w->done == w->total && !w->said_store; /* all counted */
            w->said_store |= storing;
            w->given = un->rows.r;
            *rows = un->rows.r, *n = un->rows.n;
            w->results += un->rows.n;
            un->rows = (eng_rows){0};
            pthread_mutex_unlock(&w->lock);
            if (storing) say(w->rep, "store", 0, 0);
            return 0;
        }
        if (w->ntaken == w->nunits) {
            w->log.seconds = (w->nunits ? w->decided : now()) - w->t0;
            *n = 0;
            pthread_mutex_unlock(&w->lock);
            return 0;
        }
        if (w->done != w->told && !w->said_store) { /* told outside the lock, then looked again */
            size_t done = w->told = w->done;
            pthread_mutex_unlock(&w->lock);
            say(w->rep, "measures", done, w->total);
            pthread_mutex_lock(&w->lock);
            continue;
        }
        pthread_cond_wait(&w->changed, &w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return -1;
}

static work *work_new(const eng_ctx *c, const unsigned char *chosen, const dsms_refdata *ref,
                      const dsms_compute_report *rep)
{
    work *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    if (pthread_mutex_init(&w->lock, NULL)) {
        free(w);
        return NULL;
    }
    if (pthread_cond_init(&w->changed, NULL)) {
        pthread_mutex_destroy(&w->lock);
        free(w);
        return NULL;
    }
    w->c = c, w->chosen = chosen, w->ref = ref, w->rep = rep;
    w->total = rep->measures;
    w->told = SIZE_MAX;
    make_units(w);
    return w;
}

static void work_free(work *w)
{
    for (size_t i = 0; i < NMEASURES; i++) {
        free(w->rows[i].r);
        free(w->units[i].rows.r);
    }
    free(w->given);
    pthread_cond_destroy(&w->changed);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

/* Count every chosen measure, decide disclosure control and store the
 * results, replacing the earlier ones; -1 (err set) on failure, when the
 * store's earlier results stay as they were. */
static int count_and_store(dsms_store *st, const eng_ctx *c, const unsigned char *chosen,
                           const char *const *ids, size_t nids, dsms_compute_report *rep,
                           const char *detail, const char *data_end, double t0,
                           dsms_err *err)
{
    work *w = work_new(c, chosen, c->d->ref, rep);
    if (!w) {
        dsms_err_set(err, "engine: out of memory computing the measures");
        return -1;
    }
    snprintf(w->log.detail, sizeof w->log.detail, "%s", detail);
    snprintf(w->log.data_end, sizeof w->log.data_end, "%s", data_end);
    w->t0 = t0;
    pthread_t helper[2];
    size_t nhelpers = 0;
    for (size_t k = 0; k < 2; k++)
        nhelpers += pthread_create(&helper[nhelpers], NULL, worker, w) == 0;
    double start = now();
    if (!nhelpers) take_measures(w); /* no thread to be had: count first, then store */
    int rc = dsms_store_put_results(st, next_unit, w, ids, nids, &w->log, err);
    if (rc) atomic_store(&w->stopped, 1);
    for (size_t k = 0; k < nhelpers; k++) pthread_join(helper[k], NULL);
    if (atomic_load(&w->failed)) dsms_err_set(err, "engine: out of memory computing the measures");
    double end = now();
    if (!w->nunits || !w->decided) w->decided = end;
    rep->measure_seconds = w->decided - start;
    rep->store_seconds = end - w->decided;
    rep->disclosure_seconds = w->deciding;
    rep->primary = w->primary, rep->secondary = w->secondary;
    rep->results = w->results;
    work_free(w);
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

/* The store's damage check (dsms_store_damage_check), when it was left for
 * later, on a thread of its own while the records are read: nothing is
 * written before it has passed. */
typedef struct {
    dsms_store *st;
    pthread_t thread;
    int running, rc;
    dsms_err err;
} damage_job;

static void *check_damage(void *arg)
{
    damage_job *j = arg;
    j->rc = dsms_store_damage_check(j->st, &j->err);
    return NULL;
}

static void damage_start(damage_job *j, dsms_store *st)
{
    *j = (damage_job){.st = st};
    j->running = pthread_create(&j->thread, NULL, check_damage, j) == 0;
    if (!j->running) check_damage(j); /* no thread to be had: now */
}

/* Wait for the check; -1 with its err when the store is damaged. A damaged
 * store's message is the one to give, whatever else failed on the way. */
static int damage_wait(damage_job *j, dsms_err *err)
{
    if (j->running) pthread_join(j->thread, NULL);
    j->running = 0;
    if (j->rc) *err = j->err;
    return j->rc;
}

/* dsms_compute, reading every record (kept NULL) or through kept. */
static int compute(dsms_store *st, dsms_kept *kept, const char *const *only, size_t nonly,
                   dsms_compute_report *rep, dsms_err *err)
{
    dsms_compute_report keep = *rep;
    memset(rep, 0, sizeof *rep);
    rep->progress = keep.progress, rep->progress_ctx = keep.progress_ctx;
    unsigned char chosen[NMEASURES];
    if (choose(only, nonly, chosen, &rep->measures, err)) return -1;
    dsms_refdata ref;
    eng_data d;
    eng_period *periods = calloc(2 * MAX_PERIODS, sizeof *periods);
    double t0 = now();
    if (!periods) {
        dsms_err_set(err, "out of memory");
        return -1;
    }
    damage_job damage;
    damage_start(&damage, st);
    /* The load reads on two connections; holding the write lock meanwhile
     * keeps any import from committing between their reads, so both see the
     * same records. Nothing is written: the lock is let go before linking,
     * and taken again by the storing once the first results are ready. */
    if (dsms_store_begin(st, err) || dsms_refdata_fetch(&ref, st, err)) {
        dsms_store_rollback(st);
        damage_wait(&damage, err);
        free(periods);
        return -1;
    }
    say(rep, "load", 0, 0);
    int rc = kept ? eng_kept_load(kept, st, &ref, &d, rep, err) : eng_load(st, &ref, &d, err);
    dsms_store_rollback(st);
    double t1 = now();
    say(rep, "link", 0, 0);
    if (!rc) rc = eng_link(&d, err);
    if (damage_wait(&damage, err)) rc = -1;
    double t2 = now();
    if (!rc) {
        report_data(&d, rep);
        size_t nmain;
        eng_ctx c = {.d = &d, .periods = periods};
        c.nperiods = eng_periods(&d, periods, MAX_PERIODS, &nmain);
        c.data_start = c.nperiods ? periods[0].start : 0;
        c.calendar = periods + MAX_PERIODS;
        c.ncalendar = c.nperiods ? eng_calendar_periods(&d, c.data_start, periods + MAX_PERIODS,
                                                        MAX_PERIODS)
                                 : 0;
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
        char detail[256], end[16] = "";
        if (d.last_day != DAY_NONE) dsms_date_format(d.last_day, end);
        snprintf(detail, sizeof detail, "%zu episodes, %zu people, %zu periods", d.nepisodes,
                 d.npersons, rep->periods);
        /* The measures chosen, with those that share a count with them. */
        const char *ids[NMEASURES];
        size_t nids = 0;
        for (size_t i = 0; only && i < NMEASURES; i++)
            if (chosen[i]) ids[nids++] = catalogue[i].m.id;
        if (!latest) {
            dsms_err_set(err, "engine: out of memory computing the measures");
            rc = -1;
        } else
            rc = count_and_store(st, &c, chosen, only ? ids : NULL, nids, rep, detail, end, t0,
                                 err);
        free(latest);
    }
    rep->load_seconds = t1 - t0, rep->link_seconds = t2 - t1;
    free(periods);
    if (kept) eng_kept_return(kept, &d);
    else eng_free(&d);
    dsms_refdata_free(&ref);
    return rc;
}

int dsms_compute(dsms_store *st, const char *const *only, size_t nonly,
                 dsms_compute_report *rep, dsms_err *err)
{
    return compute(st, NULL, only, nonly, rep, err);
}

int dsms_compute_kept(dsms_store *st, dsms_kept *k, const char *const *only, size_t nonly,
                      dsms_compute_report *rep, dsms_err *err)
{
    return compute(st, k, only, nonly, rep, err);
}
