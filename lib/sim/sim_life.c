/* sim_life.c — one simulated person's life, from their first problem use to
 * death or recovery: treatment episodes at successive providers, their
 * interventions and outcome reviews, tests on arrest, court orders, prison and
 * release, and death. The rates are the calibration (docs/simulation.md). */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/grow.h"
#include "sim.h"

const char *const sim_substances[] = {
    "heroin", "methadone_illicit", "other_opiates", "buprenorphine_illicit", "crack",
    "cocaine", "amphetamines", "ecstasy", "cannabis", "synthetic_cannabinoids", "other_nps",
    "ketamine", "benzodiazepines", "alcohol", "other", NULL};
enum { S_HEROIN, S_METHADONE, S_OTHER_OPIATES, S_BUPRENORPHINE, S_CRACK, S_COCAINE,
       S_AMPHETAMINES, S_ECSTASY, S_CANNABIS, S_SYNTHETIC, S_NPS, S_KETAMINE, S_BENZOS,
       S_ALCOHOL, S_OTHER, S_NONE = 255 };

const char *const sim_intervention_types[] = {
    "ost", "other_pharmacological", "psychosocial", "inpatient_detox", "residential_rehab",
    "mutual_aid", "peer_support", "housing_support", "employment_support", "family_support",
    "education_support"};
enum { I_OST, I_PHARM, I_PSYCHOSOCIAL, I_DETOX, I_REHAB, I_MUTUAL_AID, I_PEER, I_HOUSING,
       I_EMPLOYMENT, I_FAMILY, I_EDUCATION, I_N };

const char *const sim_intervention_exits[] = {"completed", "client_left", "withdrawn_by_provider",
                                              "transferred", "client_died"};
enum { X_COMPLETED, X_LEFT, X_WITHDRAWN, X_TRANSFERRED, X_DIED };

const char *const sim_discharge_reasons[] = {
    "", "completed_drug_free", "completed_alcohol_free", "completed_occasional_user",
    "transferred_not_custody", "transferred_custody", "dropped_out", "withdrawn_by_provider",
    "commencement_declined", "client_died"};
enum { D_OPEN, D_DRUG_FREE, D_ALCOHOL_FREE, D_OCCASIONAL, D_TRANSFER, D_CUSTODY, D_DROPPED,
       D_WITHDRAWN, D_DECLINED, D_DIED };

const char *const sim_referral_sources[] = {
    "self", "family_friends", "gp", "hospital", "a_and_e", "mental_health", "social_services",
    "employment_service", "housing_service", "liaison_diversion", "police", "probation",
    "other", "arrest_referral", "court_drr", "prison", "other_treatment"};
enum { R_ARREST = 13, R_COURT, R_PRISON, R_TRANSFER };
static const double referral_weights[] = {52, 4, 12, 4, 1.5, 3, 3, 0.5, 2, 2, 1, 5, 10};

const char *const sim_groups[] = {"opiate", "non_opiate", "non_opiate_alcohol", "alcohol"};

/* Everything that differs by substance group; rates are per year, times in days. */
typedef struct {
    double male, age_mean, age_sd, entrant_age_mean, entrant_age_sd;
    double offender, gap_first, gap_after_drop, represent_6m, desist_after_success;
    double desist, episode_median, episode_sigma, success, transfer, withdrawn, declined;
    double arrest, prison, order, death_misuse, death_other, post_release_death;
    double positive, continuity;
    double abstinent, injecting, housing, work, crime, mh;  /* TOP: at start, or change */
} group_params;

static const group_params P[G_N] = {
    [G_OPIATE] = {.male = 0.72, .age_mean = 41, .age_sd = 8, .entrant_age_mean = 32,
                  .entrant_age_sd = 8, .offender = 0.55, .gap_first = 1500, .gap_after_drop = 650,
                  .represent_6m = 0.16, .desist_after_success = 0.55, .desist = 0.025,
                  .episode_median = 620, .episode_sigma = 1.1, .success = 0.30,
                  .transfer = 0.10, .withdrawn = 0.05, .declined = 0.03, .arrest = 0.45,
                  .prison = 0.22, .order = 0.05, .death_misuse = 0.0125, .death_other = 0.006,
                  .post_release_death = 0.006, .positive = 0.85, .continuity = 0.45,
                  .abstinent = 0.32, .injecting = 0.28, .housing = 0.18, .work = 0.10,
                  .crime = 0.30, .mh = 0.62},
    [G_NON_OPIATE] = {.male = 0.73, .age_mean = 30, .age_sd = 8, .entrant_age_mean = 25,
                      .entrant_age_sd = 7, .offender = 0.30, .gap_first = 800,
                      .gap_after_drop = 600, .represent_6m = 0.07, .desist_after_success = 0.78,
                      .desist = 0.08, .episode_median = 150, .episode_sigma = 0.75,
                      .success = 0.54, .transfer = 0.05, .withdrawn = 0.04, .declined = 0.05,
                      .arrest = 0.25, .prison = 0.08, .order = 0.03, .death_misuse = 0.002,
                      .death_other = 0.002, .post_release_death = 0.002, .positive = 0.55,
                      .continuity = 0.38, .abstinent = 0.50, .injecting = 0.02, .housing = 0.08,
                      .work = 0.14, .crime = 0.15, .mh = 0.70},
    [G_NON_OPIATE_ALCOHOL] = {.male = 0.74, .age_mean = 36, .age_sd = 9, .entrant_age_mean = 30,
                              .entrant_age_sd = 8, .offender = 0.30, .gap_first = 800,
                              .gap_after_drop = 600, .represent_6m = 0.09,
                              .desist_after_success = 0.72, .desist = 0.07, .episode_median = 165,
                              .episode_sigma = 0.75, .success = 0.57, .transfer = 0.05,
                              .withdrawn = 0.04, .declined = 0.05, .arrest = 0.22, .prison = 0.08,
                              .order = 0.03, .death_misuse = 0.0025, .death_other = 0.004,
                              .post_release_death = 0.002, .positive = 0.50, .continuity = 0.38,
                              .abstinent = 0.42, .injecting = 0.03, .housing = 0.10,
                              .work = 0.12, .crime = 0.14, .mh = 0.72},
    [G_ALCOHOL] = {.male = 0.60, .age_mean = 46, .age_sd = 11, .entrant_age_mean = 42,
                   .entrant_age_sd = 11, .offender = 0.08, .gap_first = 700,
                   .gap_after_drop = 600, .represent_6m = 0.08, .desist_after_success = 0.75,
                   .desist = 0.07, .episode_median = 170, .episode_sigma = 0.7, .success = 0.59,
                   .transfer = 0.04, .withdrawn = 0.04, .declined = 0.05, .arrest = 0.12,
                   .prison = 0.04, .order = 0.03, .death_misuse = 0.0002, .death_other = 0.012,
                   .post_release_death = 0.001, .positive = 0.08, .continuity = 0.38,
                   .abstinent = 0.38, .injecting = 0.005, .housing = 0.07, .work = 0.25,
                   .crime = 0.04, .mh = 0.65},
};

enum { YEAR = 365, BURN_IN = 25 * 365 };
static const double IN_TREATMENT_RISK = 0.5;  /* hazards of arrest, prison, death in treatment */

#define PUSH(arr) \
    (grow((void **)&(arr).v, &(arr).cap, (arr).n, sizeof *(arr).v), &(arr).v[(arr).n++])

/* Where grow goes when memory runs out: back to sim_live on this thread,
 * which fails. A life allocates nothing but its person's records (kept in
 * the person, which its caller frees), so nothing is lost on the way. */
static _Thread_local jmp_buf *out_of_memory;

static void grow(void **v, int *cap, int n, size_t size)
{
    if (n < *cap) return;
    size_t c = (size_t)*cap;
    void *p = dsms_grow(*v, &c, (size_t)n + 1, size, 8);
    if (!p || c > INT_MAX) longjmp(*out_of_memory, 1);
    *v = p;
    *cap = (int)c;
}

void sim_person_free(sim_person *p)
{
    free(p->ep.v);
    free(p->iv.v);
    free(p->top.v);
    free(p->test.v);
    free(p->order.v);
    free(p->rel.v);
    memset(p, 0, sizeof *p);
}

static void reset(sim_person *p)
{
    p->ep.n = p->iv.n = p->top.n = p->test.n = p->order.n = p->rel.n = 0;
    p->died = 0;
}

static int days(double d) { return d > 1e8 ? 100000000 : (int)d; }

/* ---- who they are -------------------------------------------------------- */

static void pick_substances(sim_rng *r, int g, uint8_t s[3])
{
    static const double opiate[] = {88, 4, 5, 3};
    static const double drug[] = {0, 0, 0, 0, 12, 28, 6, 2, 44, 1, 1, 2, 3, 0, 3};
    s[0] = s[1] = s[2] = S_NONE;
    switch (g) {
    case G_OPIATE:
        s[0] = (uint8_t)sim_pick(r, opiate, 4);
        if (sim_chance(r, 0.55)) s[1] = S_CRACK;
        if (sim_chance(r, 0.18)) s[s[1] == S_NONE ? 1 : 2] = S_ALCOHOL;
        else if (sim_chance(r, 0.15)) s[s[1] == S_NONE ? 1 : 2] = S_BENZOS;
        break;
    case G_NON_OPIATE:
        s[0] = (uint8_t)sim_pick(r, drug, 15);
        if (sim_chance(r, 0.3)) {
            uint8_t t = (uint8_t)sim_pick(r, drug, 15);
            if (t != s[0]) s[1] = t;
        }
        break;
    case G_NON_OPIATE_ALCOHOL:
        s[0] = sim_chance(r, 0.45) ? S_ALCOHOL : (uint8_t)sim_pick(r, drug, 15);
        s[1] = s[0] == S_ALCOHOL ? (uint8_t)sim_pick(r, drug, 15) : S_ALCOHOL;
        break;
    default:
        s[0] = S_ALCOHOL;
    }
}

static void pick_initials(sim_rng *r, char out[3])
{
    /* Initial letters weighted roughly as English first names and surnames are. */
    static const double first[26] = {9, 5, 7, 6, 4, 2, 4, 3, 2, 10, 5, 5, 9, 3, 1, 4, 0.1,
                                     5, 8, 5, 0.3, 1, 2, 0.1, 0.5, 0.5};
    static const double last[26] = {4, 11, 7, 5, 2, 4, 5, 8, 1, 3, 3, 5, 9, 3, 2, 7, 0.1,
                                    5, 10, 5, 0.5, 1, 7, 0.1, 1, 0.2};
    out[0] = (char)('A' + sim_pick(r, first, 26));
    out[1] = (char)('A' + sim_pick(r, last, 26));
    out[2] = 0;
}

static void new_person(const sim_ctx *c, sim_rng *r, uint64_t id, int area, int g, int start,
                       int generation, sim_person *p)
{
    static const double ethnicity[] = {80, 2, 5, 1.5, 0.5, 0.7, 1, 1.2, 1.5, 0.5, 0.8, 1.5,
                                       1, 0.5, 0.2, 1, 2};
    const group_params *q = &P[g];
    reset(p);
    p->id = id;
    p->area = area;
    p->group = g;
    p->sex = sim_chance(r, 0.001) ? 2 : sim_chance(r, q->male) ? 0 : 1;
    /* The first generation is already in mid-career when the simulation
     * opens; later ones are new to problem use. */
    double age = generation ? sim_normal(r, q->entrant_age_mean, q->entrant_age_sd)
                            : sim_normal(r, q->age_mean, q->age_sd) -
                                  (double)(c->horizon_start - start) / YEAR;
    if (age < 18) age = 18 + sim_uniform(r) * 3;
    if (age > 80) age = 80 - sim_uniform(r) * 5;
    p->dob = start - days(age * 365.25) - sim_int(r, 0, 364);
    p->consent = !sim_chance(r, 0.05);
    p->ethnicity = sim_pick(r, ethnicity, 17);
    p->offender = sim_chance(r, q->offender);
    pick_initials(r, p->initials);
    pick_substances(r, g, p->substance);
    p->responder = sim_uniform(r);
}

/* ---- treatment ----------------------------------------------------------- */

static int community_provider(const sim_ctx *c, sim_rng *r, int area, int avoid)
{
    int n = c->w->area_nproviders[area];
    const int *v = c->w->area_providers[area];
    int k = sim_int(r, 0, n - 1);
    if (v[k] == avoid && n > 1) k = (k + 1 + sim_int(r, 0, n - 2)) % n;
    return v[k];
}

static int age_at(const sim_person *p, int day) { return (int)((day - p->dob) / 365.25); }

static void add_top(sim_rng *r, sim_person *p, const sim_episode *e, int date, int stage,
                    int improved)
{
    const group_params *q = &P[p->group];
    sim_top *t = PUSH(p->top);
    memset(t, 0, sizeof *t);
    t->date = date;
    t->stage = (uint8_t)stage;
    int using = stage == 0 ? sim_chance(r, 0.9) : !(improved && sim_chance(r, 0.85));
    t->primary_days = (int8_t)(using ? sim_int(r, stage ? 2 : 8, 28) : 0);
    t->crack_days = (int8_t)(p->substance[1] == S_CRACK && using ? sim_int(r, 1, 20) : 0);
    t->alcohol_days = (int8_t)(p->group != G_ALCOHOL && sim_chance(r, 0.4) ? sim_int(r, 1, 20) : 0);
    int injects = e->injecting == 0 && (stage == 0 || !(improved && sim_chance(r, 0.7)));
    t->injected_days = (int8_t)(injects ? sim_int(r, 3, 28) : 0);
    t->shared = (int8_t)(injects && sim_chance(r, 0.15));
    int crime = stage == 0 ? sim_chance(r, q->crime) : !(improved && sim_chance(r, 0.75)) &&
                                                           sim_chance(r, q->crime * 1.3);
    t->shoplifting = (int8_t)(crime && sim_chance(r, 0.7) ? sim_int(r, 1, 20) : 0);
    t->theft = (int8_t)(crime && sim_chance(r, 0.4) ? sim_int(r, 1, 10) : 0);
    t->selling = (int8_t)(crime && sim_chance(r, 0.25) ? sim_int(r, 1, 15) : 0);
    t->assault = (int8_t)(sim_chance(r, 0.05) ? sim_int(r, 1, 3) : 0);
    double base = 9 + 4 * p->responder;
    double gain = stage && improved ? sim_normal(r, 4, 2) : sim_normal(r, 0, 2);
    t->psych = (int8_t)fmin(20, fmax(0, round(base + gain)));
    t->phys = (int8_t)fmin(20, fmax(0, round(base + 1 + gain * 0.6)));
    t->qol = (int8_t)fmin(20, fmax(0, round(base + gain * 0.8)));
    int works = stage == 0 ? sim_chance(r, q->work) : sim_chance(r, q->work + improved * 0.12);
    t->work = (int8_t)(works ? sim_int(r, 4, 20) : 0);
    int housing = e->housing != 2 && (stage == 0 || !(improved && sim_chance(r, 0.6)));
    t->housing_problem = (int8_t)housing;
    t->eviction = (int8_t)(!housing && sim_chance(r, 0.04));
}

static void add_intervention(sim_person *p, int type, int start, int end, int exit)
{
    sim_intervention *v = PUSH(p->iv);
    v->type = (uint8_t)type;
    v->start = start;
    v->end = end;
    v->exit = (uint8_t)exit;
}

static int exit_for(int reason)
{
    switch (reason) {
    case D_DRUG_FREE: case D_ALCOHOL_FREE: case D_OCCASIONAL: return X_COMPLETED;
    case D_TRANSFER: case D_CUSTODY: return X_TRANSFERRED;
    case D_WITHDRAWN: return X_WITHDRAWN;
    case D_DIED: return X_DIED;
    default: return X_LEFT;
    }
}

/* The interventions and reviews of an episode whose course is now known. */
static void fill_episode(sim_rng *r, sim_person *p, sim_episode *e)
{
    e->i0 = p->iv.n;
    e->t0 = p->top.n;
    if (e->first == NO_DATE) return;
    int g = p->group, end = e->discharge, ex = exit_for(e->reason);
    int success = e->reason >= D_DRUG_FREE && e->reason <= D_OCCASIONAL;
    int improved = success || p->responder < P[g].abstinent + 0.15;
    int len = end == NO_DATE ? 100000 : end - e->first;
    if (g == G_OPIATE) {
        if (sim_chance(r, 0.88)) {
            /* Most come off substitute medication before a planned exit. */
            int stop = success && !e->ost_at_exit ? e->first + len - sim_int(r, 14, 90) : end;
            if (stop != NO_DATE && stop < e->first) stop = e->first;
            add_intervention(p, I_OST, e->first, stop, stop == end ? ex : X_COMPLETED);
        }
        if (sim_chance(r, 0.72))
            add_intervention(p, I_PSYCHOSOCIAL, e->first + sim_int(r, 0, 30), NO_DATE, ex);
    } else {
        add_intervention(p, I_PSYCHOSOCIAL, e->first, NO_DATE, ex);
        if (sim_chance(r, g == G_ALCOHOL ? 0.3 : 0.06))
            add_intervention(p, I_PHARM, e->first + sim_int(r, 0, 14), NO_DATE, ex);
    }
    if (sim_chance(r, g == G_ALCOHOL ? 0.07 : 0.03))
        add_intervention(p, I_DETOX, e->first + sim_int(r, 7, 60), NO_DATE, X_COMPLETED);
    if (sim_chance(r, 0.025))
        add_intervention(p, I_REHAB, e->first + sim_int(r, 30, 120), NO_DATE, X_COMPLETED);
    static const double support[] = {0.28, 0.15, 0.08, 0.07, 0.05, 0.04};
    for (int k = 0; k < 6; k++)
        if (sim_chance(r, support[k]))
            add_intervention(p, I_MUTUAL_AID + k, e->first + sim_int(r, 14, 150), NO_DATE, ex);
    /* Close what the episode's end closes; a short episode never reached some. */
    for (int i = e->i0; i < p->iv.n; i++) {
        sim_intervention *v = &p->iv.v[i];
        int planned = v->type == I_DETOX ? v->start + sim_int(r, 7, 21)
                      : v->type == I_REHAB ? v->start + sim_int(r, 60, 180)
                      : v->type == I_OST || v->type == I_PHARM ? NO_DATE
                      : v->start + sim_int(r, 60, 240);
        if (v->end == NO_DATE) {
            v->end = end;
            if (planned != NO_DATE && (end == NO_DATE || planned < end)) {
                v->end = planned;
                v->exit = X_COMPLETED;
            }
        }
        if (end != NO_DATE && v->start > end) v->start = end, v->end = end;
    }
    if (sim_chance(r, 0.9)) add_top(r, p, e, e->first, 0, 0);
    for (int d = e->first + 182; end == NO_DATE ? d < e->first + 20 * YEAR : d < end - 30;
         d += 182)
        if (sim_chance(r, 0.8)) add_top(r, p, e, d + sim_int(r, -14, 14), 1, improved);
    if (success && sim_chance(r, 0.85)) add_top(r, p, e, end, 2, improved);
    e->ni = p->iv.n - e->i0;
    e->nt = p->top.n - e->t0;
}

static int successful_reason(sim_rng *r, const sim_person *p)
{
    if (p->group == G_ALCOHOL) return D_ALCOHOL_FREE;
    if (p->group != G_OPIATE && p->substance[0] != S_CRACK && sim_chance(r, 0.3))
        return D_OCCASIONAL;
    return D_DRUG_FREE;
}

static sim_episode *open_episode(const sim_world *w, sim_rng *r, sim_person *p, int referral,
                                 int source, int provider)
{
    const group_params *q = &P[p->group];
    sim_episode *e = PUSH(p->ep);
    memset(e, 0, sizeof *e);
    e->seq = p->ep.n;
    e->provider = provider;
    e->referral = referral;
    e->source = (uint8_t)source;
    memcpy(e->substance, p->substance, 3);
    /* Waits: most within days, a long tail (the 3-week measure). */
    double slow = w->effect[p->area].wait;
    int wait1 = source == R_TRANSFER || source == R_PRISON
                    ? sim_int(r, 0, 3)
                    : days(sim_lognormal(r, 4 * slow, 0.9));
    int wait2 = days(sim_lognormal(r, source == R_TRANSFER ? 1 : 3 * slow, 1.0));
    e->triage = sim_chance(r, 0.95) ? referral + wait1 : NO_DATE;
    e->first = (e->triage == NO_DATE ? referral + wait1 : e->triage) + wait2;
    e->discharge = NO_DATE;
    /* Current, previous, never, declined: opiate clients have mostly injected. */
    const double opiate_injecting[] = {q->injecting, 0.36, 0.32, 0.04};
    const double other_injecting[] = {q->injecting, 0.05, 0.9, 0.03};
    const double housing[] = {q->housing * 0.4, q->housing * 0.6, 1 - q->housing};
    const double work[] = {q->work, 0.04, 0.45, 0.3, 0.04, 0.03, 0.02, 0.05};
    static const double parent[] = {0.18, 0.32, 0.46, 0.04};
    e->injecting = (uint8_t)sim_pick(r, p->group == G_OPIATE ? opiate_injecting : other_injecting, 4);
    e->housing = (uint8_t)sim_pick(r, housing, 3);
    e->employment = (uint8_t)sim_pick(r, work, 8);
    e->parent = (uint8_t)sim_pick(r, parent, 4);
    e->mh_need = (uint8_t)sim_chance(r, q->mh);
    e->hep_c = (uint8_t)(e->injecting <= 1 ? (sim_chance(r, 0.8) ? 1 : 2) : 0);
    e->hep_b = (uint8_t)(e->injecting <= 1 ? (sim_chance(r, 0.6) ? 1 : 2) : 0);
    e->age_first_use = (uint8_t)fmax(10, fmin(age_at(p, referral), sim_normal(r, 19, 5)));
    return e;
}

/* ---- the life ------------------------------------------------------------ */

typedef struct {
    const sim_ctx *c;
    sim_rng *r;
    sim_person *p;
    int tend;
} life;

static void record_death(life *L, int date, int misuse)
{
    static const double opiate_mentions[] = {0.75, 0.3, 0.12, 0.04, 0.2, 0.2, 0.03, 0, 0.03, 0,
                                            0.01, 0.01, 0.35, 0.2, 0.05};
    static const double other_mentions[] = {0.02, 0.05, 0.05, 0, 0.25, 0.55, 0.15, 0.05, 0.03,
                                           0.03, 0.05, 0.06, 0.2, 0.25, 0.1};
    sim_person *p = L->p;
    p->died = 1;
    p->death.date = date;
    p->death.misuse = (uint8_t)misuse;
    p->death.substances = 0;
    if (!misuse) return;
    const double *w = p->group == G_OPIATE ? opiate_mentions : other_mentions;
    for (int i = 0; i < 15; i++)
        if (sim_chance(L->r, w[i])) p->death.substances |= 1u << i;
    if (!p->death.substances) p->death.substances = 1u << p->substance[0];
}

static void arrest(life *L, int date, int in_treatment, int *refer_at)
{
    static const double offences[] = {40, 8, 4, 3, 3, 3, 1, 22, 10, 6};
    sim_rng *r = L->r;
    sim_person *p = L->p;
    const group_params *q = &P[p->group];
    sim_test *t = PUSH(p->test);
    memset(t, 0, sizeof *t);
    t->seq = p->test.n;
    t->force = L->c->w->ref->areas[p->area].force;
    t->arrest = date;
    t->test = date + (sim_chance(r, 0.9) ? 0 : 1);
    t->offence = (uint8_t)sim_pick(r, offences, 10);
    int positive = sim_chance(r, in_treatment ? q->positive * 0.7 : q->positive);
    int opiate = p->group == G_OPIATE, cocaine = p->substance[1] == S_CRACK ||
                                               p->substance[0] == S_CRACK ||
                                               p->substance[0] == S_COCAINE;
    t->result = !positive ? 0 : opiate && cocaine ? 3 : opiate ? 1 : 2;
    t->required = (uint8_t)(positive && sim_chance(r, 0.8));
    t->assessment = NO_DATE;
    if (!t->required) return;
    double attend = sim_uniform(r);
    if (attend < 0.22) {
        t->outcome = 3; /* did not attend */
        return;
    }
    t->assessment = t->test + sim_int(r, 1, 10);
    t->outcome = in_treatment || attend > 0.8 ? 2 : 1;
    if (t->outcome == 1 && sim_chance(r, 0.55)) *refer_at = t->assessment + sim_int(r, 0, 28);
}

static void court_order(life *L, int date, int *refer_at)
{
    sim_rng *r = L->r;
    sim_person *p = L->p;
    sim_order *o = PUSH(p->order);
    o->seq = p->order.n;
    o->type = p->group == G_ALCOHOL ? 1 : sim_chance(L->r, 0.92) ? 0 : 2;
    o->start = date;
    int len = sim_chance(r, 0.6) ? 182 : sim_chance(r, 0.6) ? 365 : 548;
    double u = sim_uniform(r);
    o->outcome = u < 0.56 ? 0 : u < 0.86 ? 1 : 2;
    o->end = o->outcome == 0 ? date + len : date + sim_int(r, 30, len - 1);
    if (refer_at && sim_chance(r, 0.8)) *refer_at = date + sim_int(r, 0, 14);
}

static int pick_prison(life *L)
{
    const sim_world *w = L->c->w;
    int region = w->ref->areas[L->p->area].region;
    int n = w->region_nprisons[region];
    const int *v = w->region_prisons[region];
    if (!n) return sim_int(L->r, 0, (int)w->ref->nprisons - 1);
    double weights[64];
    int m = n < 64 ? n : 64;
    for (int i = 0; i < m; i++) weights[i] = w->ref->prisons[v[i]].capacity + 1.0;
    return v[sim_pick(L->r, weights, m)];
}

/* Prison i of a region's list v (or of all prisons when v is NULL), if it
 * is open on both days; else -1. */
static int open_both(const dsms_refdata *ref, const int *v, int i, int from, int to)
{
    int k = v ? v[i] : i;
    const dsms_ref_prison *p = &ref->prisons[k];
    return dsms_prison_open_on(p, from) && dsms_prison_open_on(p, to) ? k : -1;
}

/* Capacity-weighted choice, by u in [0, 1), among the n prisons of v (or all)
 * open on both days; -1 when none is. */
static int open_prison_among(const dsms_refdata *ref, const int *v, int n, int from, int to,
                             double u)
{
    double total = 0, seen = 0;
    int last = -1;
    for (int i = 0; i < n; i++) {
        int k = open_both(ref, v, i, from, to);
        if (k >= 0) total += ref->prisons[k].capacity + 1.0, last = k;
    }
    for (int i = 0; i < n; i++) {
        int k = open_both(ref, v, i, from, to);
        if (k >= 0 && (seen += ref->prisons[k].capacity + 1.0) > u * total) return k;
    }
    return last;  /* none open, or rounding left u * total at the very end */
}

/* Nobody is held in a prison before it opened or after it closed: a spell
 * drawn for one is moved to a prison of the region open all through it, or
 * else one elsewhere in England; failing that, one open on the day of release.
 * The choice is a hash, not a draw, so no other record changes. */
static int open_prison(life *L, int prison, int reception, int release)
{
    const dsms_refdata *ref = L->c->w->ref;
    if (dsms_prison_open_on(&ref->prisons[prison], reception) &&
        dsms_prison_open_on(&ref->prisons[prison], release))
        return prison;
    int region = ref->areas[L->p->area].region, n = L->c->w->region_nprisons[region];
    const int *v = L->c->w->region_prisons[region];
    double u = (double)(sim_hash(L->c->seed, L->p->id, (uint64_t)L->p->rel.n,
                                 (uint64_t)release) >> 11) * 0x1.0p-53;
    int from[] = {reception, release};
    for (int k = 0; k < 2; k++) {
        int q = open_prison_among(ref, v, n, from[k], release, u);
        if (q < 0) q = open_prison_among(ref, NULL, (int)ref->nprisons, from[k], release, u);
        if (q >= 0) return q;
    }
    return prison;  /* no prison open that day in the reference data */
}

/* A prison spell from reception; returns the release date (or the death). */
static int prison_spell(life *L, int reception, int *continuity_at)
{
    sim_rng *r = L->r;
    sim_person *p = L->p;
    const group_params *q = &P[p->group];
    int prison = pick_prison(L);
    int release = reception + 1 + days(sim_lognormal(r, 100, 0.9));
    prison = open_prison(L, prison, reception, release);
    int need = p->group == G_OPIATE ? sim_chance(r, 0.92) : sim_chance(r, 0.6);
    int in_treatment = need && sim_chance(r, p->group == G_OPIATE ? 0.8 : 0.5);
    int provider = L->c->w->prison_provider[prison];
    if (in_treatment && provider >= 0 && p->ep.n < 200) {
        int referral = reception + sim_int(r, 0, 5);
        if (referral > release) referral = release;
        sim_episode *e = open_episode(L->c->w, r, p, referral, R_PRISON, provider);
        /* A short sentence compresses the wait: the order of dates still holds. */
        if (e->first > release) e->first = release;
        if (e->triage != NO_DATE && e->triage > e->first) e->triage = e->first;
        e->discharge = release;
        e->reason = D_TRANSFER;
        e->ost_at_exit = (uint8_t)(p->group == G_OPIATE && sim_chance(r, 0.7));
        fill_episode(r, p, e);
    }
    sim_release *x = PUSH(p->rel);
    x->prison = prison;
    x->seq = p->rel.n;
    x->reception = reception;
    x->release = release;
    x->need = (uint8_t)need;
    x->group = (uint8_t)p->group;
    x->in_treatment = (uint8_t)in_treatment;
    double pick_up = q->continuity * L->c->w->effect[p->area].continuity;
    if (need && sim_chance(r, in_treatment ? pick_up * 1.15 : pick_up * 0.5))
        *continuity_at = release + sim_int(r, 0, 21);
    else if (need && sim_chance(r, 0.2))
        *continuity_at = release + sim_int(r, 22, 120);
    if (sim_chance(r, q->post_release_death)) {
        record_death(L, release + sim_int(r, 1, 28), 1);
        return release;
    }
    return release;
}

/* The course of one episode from its first intervention; returns the day
 * treatment ended and sets *next to what happens then. An episode is always
 * followed to its end, even past the last year written: what a year shows of
 * a person must not depend on which year is being written. */
enum { NEXT_OUT, NEXT_TRANSFER, NEXT_PRISON, NEXT_GONE };

static int treat(life *L, sim_episode *e, int *next)
{
    sim_rng *r = L->r;
    sim_person *p = L->p;
    const group_params *q = &P[p->group];
    if (sim_chance(r, q->declined)) {
        e->first = NO_DATE;
        e->discharge = e->referral + sim_int(r, 14, 60);
        /* A referral closed after more than six weeks lapsed (the client
         * stopped coming); one closed sooner was declined. */
        e->reason = e->discharge - e->referral > 42 ? D_DROPPED : D_DECLINED;
        *next = NEXT_OUT;
        return e->discharge;
    }
    int t = e->first;
    int end = t + 1 + days(sim_lognormal(r, q->episode_median * (0.6 + 0.8 * p->responder),
                                         q->episode_sigma));
    for (;;) {
        double k = IN_TREATMENT_RISK;
        int a = p->offender ? t + days(sim_exponential(r, YEAR / (q->arrest * k))) : 100000000;
        int pr = p->offender ? t + days(sim_exponential(r, YEAR / (q->prison * k))) : 100000000;
        int d = t + days(sim_exponential(r, YEAR / (q->death_misuse * k + q->death_other)));
        int first = end;
        if (a < first) first = a;
        if (pr < first) first = pr;
        if (d < first) first = d;
        if (first == a && a < end) {
            int ignored = NO_DATE;
            arrest(L, a, 1, &ignored);
            t = a;
            continue;
        }
        if (first == pr && pr < end) {
            e->discharge = pr;
            e->reason = D_CUSTODY;
            *next = NEXT_PRISON;
            return pr;
        }
        if (first == d && d < end) {
            double misuse = q->death_misuse * k;
            record_death(L, d, sim_chance(r, misuse / (misuse + q->death_other)));
            /* Most providers record the death; some discharge later, unaware. */
            if (sim_chance(r, 0.8)) e->discharge = d + sim_int(r, 0, 14), e->reason = D_DIED;
            else e->discharge = d + sim_int(r, 30, 120), e->reason = D_DROPPED;
            *next = NEXT_GONE;
            return d;
        }
        e->discharge = end;
        double u = sim_uniform(r);
        double s = q->success * (0.5 + p->responder) * L->c->w->effect[p->area].success;
        if (s > 0.9) s = 0.9;
        if (u < s) {
            e->reason = (uint8_t)successful_reason(r, p);
            e->ost_at_exit = (uint8_t)(p->group == G_OPIATE && sim_chance(r, 0.1));
        } else if (u < s + q->transfer) {
            e->reason = D_TRANSFER;
            e->ost_at_exit = (uint8_t)(p->group == G_OPIATE && sim_chance(r, 0.8));
            *next = NEXT_TRANSFER;
            return end;
        } else {
            e->reason = u < s + q->transfer + q->withdrawn ? D_WITHDRAWN : D_DROPPED;
            e->ost_at_exit = (uint8_t)(p->group == G_OPIATE && sim_chance(r, 0.5));
        }
        *next = NEXT_OUT;
        return end;
    }
}

/* Live from start until death or desistance, returning that day, or NO_DATE
 * when the person is still living their life after tend. */
static int live_one(life *L, int start)
{
    sim_rng *r = L->r;
    sim_person *p = L->p;
    const group_params *q = &P[p->group];
    int t = start, refer_at = NO_DATE, source = -1, provider = -1, after_success = 0;
    double gap = q->gap_first;
    while (t <= L->tend && !p->died && p->ep.n < 200) {
        int entry = refer_at != NO_DATE ? refer_at : t + days(sim_exponential(r, gap));
        if (after_success) {
            entry = sim_chance(r, q->represent_6m) ? t + sim_int(r, 1, 182)
                    : sim_chance(r, q->desist_after_success) ? 100000000
                    : t + 183 + days(sim_exponential(r, 3 * YEAR));
            after_success = 0;
        }
        int a = p->offender ? t + days(sim_exponential(r, YEAR / q->arrest)) : 100000000;
        int pr = p->offender ? t + days(sim_exponential(r, YEAR / q->prison)) : 100000000;
        int o = p->offender ? t + days(sim_exponential(r, YEAR / q->order)) : 100000000;
        int d = t + days(sim_exponential(r, YEAR / (q->death_misuse + q->death_other)));
        int x = t + days(sim_exponential(r, YEAR / q->desist));
        int first = entry;
        if (a < first) first = a;
        if (pr < first) first = pr;
        if (o < first) first = o;
        if (d < first) first = d;
        if (x < first) first = x;
        if (first > L->tend) return NO_DATE;
        if (first == d) {
            record_death(L, d, sim_chance(r, q->death_misuse / (q->death_misuse + q->death_other)));
            return d;
        }
        if (first == x) return x; /* recovered for good, or moved on */
        refer_at = NO_DATE;
        if (first == a) {
            arrest(L, a, 0, &refer_at);
            source = R_ARREST;
            t = a;
            continue;
        }
        if (first == o) {
            court_order(L, o, &refer_at);
            source = R_COURT;
            t = o;
            continue;
        }
        if (first == pr) {
            int cont = NO_DATE;
            t = prison_spell(L, pr, &cont);
            if (cont != NO_DATE) refer_at = cont, source = R_PRISON;
            gap = q->gap_after_drop;
            continue;
        }
        /* Into treatment: a journey of one or more episodes. */
        if (source < 0) source = sim_pick(r, referral_weights, 13);
        int next = NEXT_TRANSFER;
        int at = entry;
        while (next == NEXT_TRANSFER && p->ep.n < 200) {
            provider = community_provider(L->c, r, p->area, provider);
            sim_episode *e = open_episode(L->c->w, r, p, at, source, provider);
            int ended = treat(L, e, &next);
            fill_episode(r, p, &p->ep.v[p->ep.n - 1]);
            at = ended + sim_int(r, 0, 7);
            source = R_TRANSFER;
            t = ended;
        }
        source = -1;
        if (next == NEXT_GONE) return p->died ? p->death.date : NO_DATE;
        if (next == NEXT_PRISON) {
            int cont = NO_DATE;
            t = prison_spell(L, t, &cont);
            if (cont != NO_DATE) refer_at = cont, source = R_PRISON;
        }
        const sim_episode *last = &p->ep.v[p->ep.n - 1];
        after_success = last->reason >= D_DRUG_FREE && last->reason <= D_OCCASIONAL;
        gap = q->gap_after_drop;
    }
    return p->died ? p->death.date : t > L->tend ? NO_DATE : t;
}

static void live_slot(const sim_ctx *c, uint64_t slot, int area, int group, sim_person *p,
                      int tend, void (*each)(void *ctx, sim_person *p), void *ctx)
{
    sim_rng r;
    sim_rng_init(&r, c->seed, slot, 0);
    /* The slot's first person began before the simulated years; each later one
     * arrives some time after the one before has gone. */
    int start = c->horizon_start - sim_int(&r, 0, BURN_IN);
    for (int g = 0; start <= tend && g < 1000; g++) {
        sim_rng life_rng;
        sim_rng_init(&life_rng, c->seed, slot, (uint64_t)g + 1);
        new_person(c, &life_rng, slot * 1000 + (uint64_t)g, area, group, start, g, p);
        life L = {c, &life_rng, p, tend};
        int gone = live_one(&L, start);
        each(ctx, p);
        if (gone == NO_DATE) break; /* still here after tend */
        start = gone + 1 + days(sim_exponential(&r, 1.5 * YEAR));
    }
}

int sim_live(const sim_ctx *c, uint64_t slot, int area, int group, sim_person *p, int tend,
             void (*each)(void *ctx, sim_person *p), void *ctx)
{
    jmp_buf here;
    out_of_memory = &here;
    int rc = setjmp(here) ? -1 : (live_slot(c, slot, area, group, p, tend, each, ctx), 0);
    out_of_memory = NULL;
    return rc;
}
