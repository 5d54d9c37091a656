/* engine.h — the measures engine's view of the store, inside libdsms.
 *
 * The store is read once into compact typed arrays, one per table, and each
 * person's records are linked by pseudonym: episodes in date order with the
 * treatment journeys they form, interventions and TOP reviews beside their
 * episode, and the person's tests, releases, orders and death. The measures
 * (measures_*.c) read only this, and add what they count to tallies
 * (engine_tally.c) keyed by period, area and breakdown. */
#ifndef DSMS_ENGINE_H
#define DSMS_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "dsms/diag.h"
#include "dsms/measures.h"
#include "dsms/pseudo.h"
#include "dsms/refdata.h"
#include "dsms/store.h"

/* A missing date. An open episode's discharge is DAY_OPEN, after every date. */
#define DAY_NONE INT32_MIN
#define DAY_OPEN INT32_MAX

/* Substance groups, as national statistics report them. */
enum {
    ENG_GROUP_OPIATE,
    ENG_GROUP_NON_OPIATE,
    ENG_GROUP_NON_OPIATE_ALCOHOL,
    ENG_GROUP_ALCOHOL,
    ENG_NGROUPS
};
extern const char *const dsms_group_names[ENG_NGROUPS];

/* Age bands of the age breakdown. */
enum { ENG_NAGE_BANDS = 6 };
extern const char *const dsms_age_breakdown_names[ENG_NAGE_BANDS];
int dsms_age_breakdown(int age); /* -1 when unknown */

/* How an episode ended, from its discharge reason's group. */
enum { ENG_END_OPEN, ENG_END_SUCCESS, ENG_END_TRANSFER, ENG_END_UNSUCCESSFUL, ENG_END_DIED };

typedef struct {
    int32_t person;     /* index into persons */
    int16_t area;       /* index into the reference areas; -1 when unknown */
    int16_t provider;   /* index into the reference providers; -1 when unknown */
    uint8_t sex;        /* 0 unknown, 1 M, 2 F, 3 X */
    uint8_t age;        /* at referral; 255 unknown */
    uint8_t group;      /* ENG_GROUP_* */
    uint8_t end;        /* ENG_END_* */
    uint8_t community;  /* setting is community (C); else prison or secure (P) */
    uint8_t crack;      /* crack named in substance_1, _2 or _3 */
    uint8_t custody_transfer; /* transferred in custody */
    uint8_t ost_at_exit, injecting_ever, hep_c_tested, mental_health_need;
    uint8_t primary;    /* the TOP field (ENG_TOP_*) counting days of substance_1's use */
    uint8_t journey_success; /* the journey ended in a successful completion, in the
                              * community (an exit from prison is no community exit) */
    int32_t referral, first_intervention, discharge;
    int32_t journey_start; /* first intervention of the journey the episode is in;
                            * DAY_NONE for an episode never started (no journey) */
    int32_t journey_end;   /* last discharge of that journey; DAY_OPEN when open,
                            * DAY_NONE when never started */
    uint32_t intervention, nintervention; /* its interventions' range */
    uint32_t top, ntop;                   /* its TOP reviews' range, by date */
    uint32_t seq;                         /* position in the store's key order */
    int32_t top_start, top_review; /* its start TOP and the review compared with it, or -1 */
    uint8_t ethnic;   /* ENG_ETHNIC_* */
    uint8_t reason;   /* discharge reason's code number (1 for the first); 0 none */
    uint8_t needs;    /* ENG_NEED_* flags, as recorded at the episode's start */
    uint8_t presentation; /* a new presentation: a community episode that started, with no
                           * other of the person's in treatment in the 21 days before */
} eng_episode;

/* The ethnicity breakdown: the ONS five groups, and not stated (Z or missing). */
enum {
    ENG_ETHNIC_WHITE,
    ENG_ETHNIC_MIXED,
    ENG_ETHNIC_ASIAN,
    ENG_ETHNIC_BLACK,
    ENG_ETHNIC_OTHER,
    ENG_ETHNIC_NOT_STATED,
    ENG_NETHNIC
};
/* Discharge reasons: the reason breakdown has one category per code. */
enum { ENG_NREASONS = 11 };
enum {
    ENG_NEED_NFA = 1,           /* housing_need nfa: no fixed abode, an urgent housing problem */
    ENG_NEED_HOUSING = 2,       /* housing_need nfa or housing_problem */
    ENG_NEED_PARENT = 4,        /* parent_status lives_with_children */
    ENG_NEED_HEP_B = 8,         /* hep_b_vaccinated Y */
    ENG_NEED_CJ_REFERRAL = 16   /* referral_source in the criminal_justice group */
};

typedef struct {
    int32_t start, end; /* DAY_NONE / DAY_OPEN when not given */
    uint8_t recovery_support; /* mutual aid or peer support */
    uint8_t kind;             /* ENG_IV_* flags of its type's group */
} eng_intervention;

enum { ENG_IV_INPATIENT = 1, ENG_IV_RESIDENTIAL = 2, ENG_IV_RECOVERY = 4,
       ENG_IV_MUTUAL_AID = 8 /* recovery_support set: mutual aid or peer support */ };

/* TOP fields used, -1 when not recorded. */
enum {
    ENG_TOP_ALCOHOL, ENG_TOP_OPIATES, ENG_TOP_CRACK, ENG_TOP_COCAINE, ENG_TOP_AMPHETAMINES,
    ENG_TOP_CANNABIS, ENG_TOP_OTHER, ENG_TOP_INJECTED, ENG_TOP_SHOPLIFTING, ENG_TOP_SELLING,
    ENG_TOP_THEFT, ENG_TOP_PSYCH, ENG_TOP_PAID_WORK, ENG_TOP_ACUTE_HOUSING, ENG_NTOP_FIELDS
};

typedef struct {
    int32_t date;
    uint8_t stage; /* ENG_TOP_STAGE_* */
    int8_t v[ENG_NTOP_FIELDS];
} eng_top;

enum { ENG_TOP_STAGE_START = 1, ENG_TOP_STAGE_REVIEW, ENG_TOP_STAGE_EXIT, ENG_TOP_STAGE_POST_EXIT };

typedef struct {
    int32_t person, date; /* test date */
    int32_t assessment;   /* assessment date or DAY_NONE */
    int16_t area, force;  /* force: index into the reference police forces, or -1 */
    uint8_t sex, age;
    uint8_t positive, assessment_required, attended, referred;
} eng_test;

typedef struct {
    int32_t person, date;
    int16_t area, prison; /* prison: index into the reference prisons, or -1 */
    uint8_t sex, age, need, group; /* group: ENG_GROUP_* or 255 */
} eng_release;

typedef struct {
    int32_t person, end;
    int16_t area, probation; /* probation: index into the reference probation regions, or -1 */
    uint8_t sex, age, drr, ended, completed;
    int32_t start; /* DAY_NONE when not given */
} eng_order;

typedef struct {
    int32_t person, date;
    int32_t registered; /* registration date, DAY_NONE when not given */
    int16_t area;
    uint8_t sex, age, misuse;
} eng_death;

/* Each person's records: index ranges into arrays sorted by person. */
typedef struct {
    uint32_t episode, nepisode;
    uint32_t test, ntest;
    uint32_t release, nrelease;
    uint32_t death, ndeath;
} eng_person;

typedef struct {
    const dsms_refdata *ref;
    eng_episode *episodes;
    size_t nepisodes;
    eng_intervention *interventions;
    size_t ninterventions;
    eng_top *tops;
    size_t ntops;
    eng_test *tests;
    size_t ntests;
    eng_release *releases;
    size_t nreleases;
    eng_order *orders;
    size_t norders;
    eng_death *deaths;
    size_t ndeaths;
    eng_person *persons;
    size_t npersons, linked; /* persons; of them, with a pseudonym */
    int32_t first_day, last_day; /* the span of dates in the data */
} eng_data;

/* Read the store into d and link it (engine_load.c, engine_link.c). */
int eng_load(dsms_store *st, const dsms_refdata *ref, eng_data *d, dsms_err *err);

/* ---- reading in parts (engine_load.c), for the records kept between
 * computations (engine_keep.c) ------------------------------------------------- */

/* The tables read, in the order their people are numbered (episodes,
 * tests, releases, orders, deaths; interventions and TOP reviews have none). */
enum {
    ENG_T_EPISODES, ENG_T_INTERVENTIONS, ENG_T_TOPS, ENG_T_TESTS, ENG_T_RELEASES,
    ENG_T_ORDERS, ENG_T_DEATHS, ENG_NTABLES
};
#define ENG_ALL_TABLES ((1u << ENG_NTABLES) - 1)
/* A table's name in the data set; whether its first key field is the
 * submitting organisation's code (all but the deaths). */
const char *eng_table_name(int t);
int eng_table_by_org(int t);

/* One organisation's rows of a table: [start, start + n), in key order. */
typedef struct {
    char code[24]; /* "" for a table not kept by organisation */
    size_t start, n;
} eng_segment;
typedef struct {
    eng_segment *at;
    size_t n, cap;
} eng_segments;
void eng_segments_free(eng_segments *segs); /* all ENG_NTABLES of them */

/* Pseudonyms numbered in the order first read; a record without one is
 * ENG_UNLINKED. */
#define ENG_UNLINKED (-1)
typedef struct {
    uint8_t key[DSMS_PSEUDONYM_BYTES];
} eng_pseudonym;
typedef struct {
    eng_pseudonym *keys;
    size_t nkeys, keycap;
    int32_t *slots; /* index into keys + 1; 0 empty */
    size_t nslots;
} eng_people;
void eng_people_free(eng_people *p);

/* Read the tables in mask (1 << ENG_T_*) into d: every record, or only one
 * organisation's (first_key, the tables' first key field), each table in key
 * order with its segments in segs[ENG_T_*] (appended to). Each record's
 * person is its pseudonym's number in people (added to), not yet a person:
 * eng_finish numbers them. 0, or -1 with err set and d freed. */
int eng_read(dsms_store *st, const dsms_refdata *ref, eng_people *people, unsigned mask,
             const char *first_key, eng_data *d, eng_segments *segs, dsms_err *err);
/* Number the people of d as read by eng_read (npids: pseudonyms in its
 * people) and find the span of its dates: d is then what eng_load gives. 0,
 * or -1 with err set (out of memory) and d as it was. */
int eng_finish(eng_data *d, size_t npids, dsms_err *err);
/* The records kept between computations (engine_keep.c): brought up to date
 * with the store (under the caller's lock), then copied into d as eng_load
 * would read them. 0, or -1 with err set, when everything is read again the
 * next time. */
int eng_kept_load(dsms_kept *k, dsms_store *st, const dsms_refdata *ref, eng_data *d,
                  dsms_compute_report *rep, dsms_err *err);
/* Give d's arrays back to k for the next computation's copy, and free d. */
void eng_kept_return(dsms_kept *k, eng_data *d);
int eng_link(eng_data *d, dsms_err *err);
/* Each episode's start TOP and its latest review or exit 5 to 8 months on
 * (measures_outcomes.c; called by eng_link). */
void eng_top_pairs(eng_data *d);
/* Each episode of person x (an eng_person), in date order, as the const
 * eng_episode pointer e: for (ENG_EACH_EPISODE(d, x, e)) { ... }. Its index
 * is e - d->episodes. */
#define ENG_EACH_EPISODE(d, x, e)                                                      \
    const eng_episode *e = (d)->episodes + (x)->episode, *const e##_end = e + (x)->nepisode; \
    e < e##_end;                                                                       \
    e++
/* Each episode's presentation flag (measures_treatment.c; called by eng_link). */
void eng_mark_presentations(eng_data *d);
void eng_free(eng_data *d);

/* ---- periods --------------------------------------------------------------- */

typedef struct {
    char label[DSMS_PERIOD_LEN]; /* 2024-25 for a financial year, 12m-2024-12 for 12 months
                                  * to Dec 2024 */
    int32_t start, end; /* inclusive days */
    int financial_year; /* the year it starts in, or 0 for a rolling period or a quarter */
    int quarter;        /* 1 to 4 for a financial quarter (2024-25-Q1), else 0 */
    int calendar;       /* calendar years it spans (1 or 3 pooled), 0 for the others */
} eng_period;

/* Financial years and rolling 12 months (to each quarter's end) that the data
 * cover, then the financial quarters (last, so that a measure that is not
 * quarterly stops before them); n at most max, *nmain of them not quarters. */
size_t eng_periods(const eng_data *d, eng_period *out, size_t max, size_t *nmain);
/* Calendar years ("2023") and three pooled ("2021-2023") wholly covered: from
 * data_start (the first financial year's start) to the data's last day. */
size_t eng_calendar_periods(const eng_data *d, int32_t data_start, eng_period *out, size_t max);

/* ---- tallies ----------------------------------------------------------------- */

/* Breakdowns and their categories; a tally has a slot for each. */
enum {
    ENG_BD_ALL,
    ENG_BD_SUBSTANCE,
    ENG_BD_SEX,
    ENG_BD_AGE,
    ENG_BD_ETHNICITY,
    ENG_BD_REASON,
    ENG_NBREAKDOWNS
};
enum {
    ENG_CAT_ALL = 0,
    ENG_CAT_GROUP = 1,                          /* + ENG_GROUP_* */
    ENG_CAT_SEX = ENG_CAT_GROUP + ENG_NGROUPS,  /* + sex - 1 */
    ENG_CAT_AGE = ENG_CAT_SEX + 3,              /* + age band */
    ENG_NCATS = ENG_CAT_AGE + ENG_NAGE_BANDS,   /* the categories every tally has */
    ENG_CAT_ETHNIC = ENG_NCATS,                 /* + ENG_ETHNIC_*: tallies of ENG_NCATS_ETHNIC+ */
    ENG_NCATS_ETHNIC = ENG_CAT_ETHNIC + ENG_NETHNIC,
    ENG_CAT_REASON = ENG_NCATS_ETHNIC,          /* + reason - 1: tallies of ENG_NCATS_ALL */
    ENG_NCATS_ALL = ENG_CAT_REASON + ENG_NREASONS
};
extern const char *const dsms_breakdown_names[ENG_NBREAKDOWNS];

/* Numerators and denominators by period, area (the reference areas, then one
 * slot for records with no area, counted in England only), category and
 * band: one band for most measures; the age bands of a standardised rate,
 * or the days of a median's distribution. */
typedef struct {
    size_t nperiods, nareas, nbands;
    double *num, *den;
    size_t ncats; /* ENG_NCATS, ENG_NCATS_ETHNIC or ENG_NCATS_ALL: the categories it holds */
    uint32_t *occurrence; /* by slot, bands aside: records dated by a fallback date */
    size_t norgs;        /* organisations, "all" only: 0 for a measure of none */
    double *onum, *oden; /* by period, organisation and band */
    int mix;             /* the bands are case-mix cells (eng_tally_add; DSMS_KIND_RATIO) */
    int mix_time;        /* the time-in-treatment band of what is added next, for a tally
                          * of ENG_MIX_CELLS * ENG_MIX_TIME_BANDS bands */
} eng_tally;

/* The case mix an expected figure is standardised for (DSMS_KIND_RATIO):
 * substance group x sex (M, F) x age band, and one cell for whom any of
 * those is not known (or of sex X); for successful completions, each of
 * these again by time in treatment (ENG_MIX_TIME_BANDS: under 6 months, 6
 * to 12, 12 to 24, 24 and over). */
enum {
    ENG_MIX_CELLS = ENG_NGROUPS * 2 * ENG_NAGE_BANDS + 1,
    ENG_MIX_TIME_BANDS = 4
};
/* The time-in-treatment band of days in treatment. */
int eng_mix_time(int32_t days);

/* The categories a tally needs for these breakdowns (DSMS_BY_*): those up
 * to the last breakdown's, in the order of the ENG_CAT_* slots. */
size_t eng_tally_cats(unsigned breakdowns);
/* A tally with ncats categories (eng_tally_cats): the slots of a category
 * past them are not held, and adding to one adds nothing. */
int eng_tally_init(eng_tally *t, size_t nperiods, size_t nareas, size_t ncats, size_t nbands);
void eng_tally_free(eng_tally *t);
/* Slots for norgs organisations (eng_tally_free frees them); -1 out of memory. */
int eng_tally_orgs(eng_tally *t, size_t norgs);
/* Add to organisation org's slot, when the tally has organisations and org
 * is one (-1: not in the reference data); eng_tally_org_on in every period
 * holding day. */
void eng_tally_org(eng_tally *t, size_t period, int org, double num, double den);
/* Add to the "all" slot and to the substance group, sex and age band slots
 * that are known (group 255, sex 0 and age 255 are unknown); in a case-mix
 * tally (mix), to the "all" slot's band of the case-mix cell only. */
void eng_tally_add(eng_tally *t, size_t period, int area, int group, int sex, int age,
                   double num, double den);
/* eng_tally_add for an episode's area, group, sex and age, and its
 * ethnicity when the tally holds the ethnicity breakdown. */
void eng_tally_episode(eng_tally *t, size_t period, const eng_episode *e, double num, double den);
/* Add to one category of a tally that holds it (band 0). */
void eng_tally_cat(eng_tally *t, size_t period, int area, int cat, double num, double den);
/* Who a record counts as in a tally: where, and in which categories. */
typedef struct {
    int area, group, sex, age;
} eng_who;

struct eng_ctx_s;
/* eng_tally_add in every period holding day (a financial year and the rolling
 * periods around it). */
void eng_tally_on(const struct eng_ctx_s *c, eng_tally *t, int32_t day, eng_who w, double num,
                  double den);
void eng_tally_org_on(const struct eng_ctx_s *c, eng_tally *t, int32_t day, int org, double num,
                      double den);
/* The slot of band 0 of a category; its bands follow it. */
size_t eng_tally_slot(const eng_tally *t, size_t period, int area, int cat);

/* ---- measures ------------------------------------------------------------------ */

/* What every measure is computed over. */
typedef struct eng_ctx_s {
    const eng_data *d;
    const eng_period *periods;
    size_t nperiods;
    int32_t data_start; /* first day of the first financial year held */
    const int32_t *latest; /* by person, then period: eng_latest_in, or -1 */
    size_t nlatest; /* the periods latest holds, those before the quarters; eng_latest
                     * works out the rest */
    const eng_period *calendar; /* eng_calendar_periods, for measures by calendar year */
    size_t ncalendar;
} eng_ctx;

/* A measure's counting: fills t for every period; variant says which of the
 * measures the function counts (ENG_EXIT_*, ENG_TOPM_*, ...; 0 for one alone). */
typedef void (*eng_fill)(const eng_ctx *c, int variant, eng_tally *t);

/* A person in community treatment in a period, as the measures over the
 * people in treatment see them. */
typedef struct {
    size_t person, period;
    const eng_episode *e; /* their latest community episode in the period */
    unsigned interventions; /* ENG_IV_* of the interventions open in the period in their
                             * community episodes in treatment then */
} eng_in;
/* A measure over the people in treatment in each period: called with the
 * measure's variant, it sets the numerator and denominator to count for the
 * person, where their latest episode says, or returns 0 to leave them out. */
typedef int (*eng_judge)(const eng_ctx *c, int variant, const eng_in *in, double *num,
                         double *den);
#define ENG_JUDGE(name) \
    int name(const eng_ctx *c, int variant, const eng_in *in, double *num, double *den)
/* Measures judged over the people in treatment, counted in one pass: each
 * judge into its own tally, for the periods that tally holds. */
typedef struct {
    eng_judge judge;
    int variant;
    eng_tally *t;
} eng_judged;
void eng_each_in_treatment(const eng_ctx *c, const eng_judged *m, size_t n);
/* measures_treatment.c */
ENG_JUDGE(eng_in_treatment);
void eng_in_treatment_secure(const eng_ctx *c, int variant, eng_tally *t);
void eng_new_presentations(const eng_ctx *c, int variant, eng_tally *t);
void eng_waiting(const eng_ctx *c, int variant, eng_tally *t);
ENG_JUDGE(eng_effective);
enum { ENG_PEN_IN_TREATMENT, ENG_PEN_NEW };
void eng_penetration(const eng_ctx *c, int variant, eng_tally *t);
enum { ENG_EXIT_SUCCESS_6M, ENG_EXIT_SUCCESS_12M, ENG_EXIT_REPRESENTED };
void eng_exits(const eng_ctx *c, int variant, eng_tally *t);
void eng_deaths_in_treatment(const eng_ctx *c, int variant, eng_tally *t);
void eng_continuity(const eng_ctx *c, int variant, eng_tally *t);
ENG_JUDGE(eng_mutual_aid);
ENG_JUDGE(eng_hep_c);
/* measures_needs.c */
enum {
    ENG_NEEDM_HOUSING,
    ENG_NEEDM_NFA,
    ENG_NEEDM_PARENT,
    ENG_NEEDM_INPATIENT,
    ENG_NEEDM_RESIDENTIAL,
    ENG_NEEDM_RECOVERY,
    ENG_NEEDM_HEP_B
};
ENG_JUDGE(eng_needs);
ENG_JUDGE(eng_opiate_long_term);
void eng_cj_referrals(const eng_ctx *c, int variant, eng_tally *t);
void eng_drr_to_treatment(const eng_ctx *c, int variant, eng_tally *t);
void eng_referrals_not_started(const eng_ctx *c, int variant, eng_tally *t);
/* measures_outcomes.c */
enum {
    ENG_TOPM_ABSTINENT,
    ENG_TOPM_INJECTING,
    ENG_TOPM_HOUSING,
    ENG_TOPM_EMPLOYMENT,
    ENG_TOPM_CRIME,
    ENG_TOPM_MENTAL
};
void eng_top_outcome(const eng_ctx *c, int variant, eng_tally *t);
/* measures_justice.c */
enum { ENG_TEST_POSITIVE, ENG_TEST_ATTENDED, ENG_TEST_INTO_TREATMENT };
void eng_tests(const eng_ctx *c, int variant, eng_tally *t);
void eng_drr(const eng_ctx *c, int variant, eng_tally *t);
ENG_JUDGE(eng_reoffending);
/* measures_harm.c */
void eng_drug_deaths(const eng_ctx *c, int variant, eng_tally *t);
void eng_post_release_deaths(const eng_ctx *c, int variant, eng_tally *t);

/* Bands of a median's distribution: days 0 to WAIT_BANDS - 1, the last
 * holding every longer wait. */
#define WAIT_BANDS 92

/* Result rows as they are made (measures_results.c). */
typedef struct {
    dsms_result *r;
    size_t n, cap;
} eng_rows;

int eng_rows_add(eng_rows *rows, const dsms_result *r);
/* The rows of measure m from its filled tally t. */
struct dsms_measure_s;
int eng_results(const eng_ctx *c, const struct dsms_measure_s *m, const eng_tally *t,
                eng_rows *rows);


/* Shared by the measures: the person's latest community episode in
 * treatment in [start, end] (open on a day of it, first intervention by its
 * end), or -1. */
long eng_latest_in(const eng_data *d, const eng_person *x, int32_t start, int32_t end);
/* The person's new presentation in [start, end] (new_presentations), or -1. */
long eng_new_presentation(const eng_data *d, const eng_person *x, int32_t start, int32_t end);
/* eng_latest_in for every person and period (person by person), once for all the
 * measures (NULL when out of memory); and its look-up. */
int32_t *eng_latest_table(const eng_data *d, const eng_period *periods, size_t n);
static inline long eng_latest(const eng_ctx *c, size_t person, size_t period)
{
    if (period < c->nlatest) return c->latest[person * c->nlatest + period];
    return eng_latest_in(c->d, &c->d->persons[person], c->periods[period].start,
                         c->periods[period].end);
}

#endif
