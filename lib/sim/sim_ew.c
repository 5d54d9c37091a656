/* sim_ew.c — the simulated nation's early-warning reports (ew_reports): a
 * background of substances found and reactions reported week by week in every
 * area and in prisons, and outbreaks planted on top of it whose first week is
 * known and written down (ew_outbreaks.csv, ew_outbreak_reports.csv), so that
 * a warning system's delay in detecting them, and its false alarms, can be
 * measured against the truth. Every week's reports come from a stream of
 * their own, so a year's file is the same whichever years are written. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/field.h"
#include "sim.h"

/* ---- the substances ---------------------------------------------------------
 * Every substance code the simulation writes is a code of the substance
 * register (data/substances.csv), and all of them are in this table and in
 * the outbreaks' table below: change them here. */

enum { MAX_CODES = 5 };

typedef struct {
    const char *family;            /* the register's family, for the truth file */
    const char *codes[MAX_CODES];  /* found in the background, the first most often */
    const char *sold_as;           /* what its products are sold as when passed off as
                                      another drug; NULL: each as itself */
    double rate;                   /* reports a week per 100,000 adults */
    double prison_rate;            /* reports a week per 1,000 prison places */
    double season;                 /* seasonal swing: 0.3 is 30% above the mean at the peak */
    int peak;                      /* day of the calendar year of the peak */
    int by_need;                   /* spread over areas by opiate and crack use */
    const char *matrix[2];         /* what its products are found as, the first mostly */
    const char *effects[4];        /* the adverse effects it causes, the first most often */
    double severe;                 /* share of its reactions that are severe */
} family;

static const family families[] = {
    {"opioids", {"heroin", "methadone", "buprenorphine", "morphine", "oxycodone"}, NULL,
     0.16, 0.05, 0.10, 20, 1, {"powder", "tablet"},
     {"respiratory_depression", "unconsciousness", "drowsiness", "vomiting"}, 0.35},
    {"cocaine", {"cocaine", "crack"}, NULL, 0.13, 0.02, 0.15, 355, 1,
     {"powder", "other"}, {"cardiac", "agitation", "seizure", "psychosis"}, 0.25},
    {"cannabis", {"cannabis", "thc", "hhc"}, NULL, 0.10, 0.04, 0.10, 190, 0,
     {"herbal", "liquid"}, {"psychosis", "vomiting", "agitation", "cardiac"}, 0.10},
    {"synthetic_cannabinoids", {"mdmb_4en_pinaca", "adb_butinaca", "5f_mdmb_pica",
                                "mdmb_chmica"},
     "spice", 0.03, 0.25, 0.05, 30, 0, {"herbal", "paper"},
     {"seizure", "agitation", "unconsciousness", "psychosis"}, 0.40},
    {"cathinones", {"mephedrone", "alpha_pvp", "3_mmc", "eutylone", "n_ethylpentylone"},
     "mephedrone", 0.03, 0.01, 0.25, 200, 0, {"powder", "tablet"},
     {"agitation", "cardiac", "hyperthermia", "psychosis"}, 0.30},
    {"benzodiazepines", {"bromazolam", "etizolam", "alprazolam", "diazepam", "flualprazolam"},
     "diazepam", 0.07, 0.03, 0.05, 30, 0, {"tablet", "powder"},
     {"drowsiness", "unconsciousness", "respiratory_depression", "other"}, 0.30},
    {"nitazenes", {"isotonitazene", "metonitazene", "protonitazene"}, "heroin", 0.006, 0.002,
     0.0, 0, 1, {"powder", "tablet"},
     {"respiratory_depression", "unconsciousness", "drowsiness", "other"}, 0.70},
    {"phenethylamines", {"mdma", "2c_b", "mda"}, NULL, 0.06, 0.0, 0.35, 190, 0,
     {"tablet", "powder"}, {"hyperthermia", "agitation", "cardiac", "seizure"}, 0.20},
    {"arylcyclohexylamines", {"ketamine", "2f_dck", "methoxetamine"}, NULL, 0.04, 0.005,
     0.20, 190, 0, {"powder", "liquid"}, {"unconsciousness", "drowsiness", "vomiting", "other"},
     0.15},
    {"stimulants_other", {"amphetamine", "methamphetamine"}, NULL, 0.02, 0.005, 0.10,
     190, 0, {"powder", "tablet"}, {"agitation", "cardiac", "psychosis", "other"}, 0.20},
    {"depressants_other", {"pregabalin", "gabapentin", "ghb", "gbl"}, NULL, 0.03,
     0.04, 0.0, 0, 0, {"tablet", "liquid"},
     {"drowsiness", "unconsciousness", "respiratory_depression", "vomiting"}, 0.30},
};
enum { F_N = sizeof families / sizeof *families, F_OPIOIDS = 0, F_COCAINE = 1, F_CANNABIS = 2,
       F_BENZOS = 5, F_DEPRESSANTS = 10 };

/* What else a body's sample is often found to hold: the first of these families. */
static const int companions[] = {F_OPIOIDS, F_COCAINE, F_BENZOS, F_DEPRESSANTS, F_CANNABIS};

/* ---- where reports come from ---------------------------------------------- */

enum { PRODUCT, BODY, DEATH };

typedef struct {
    const char *code;              /* the ew_source code */
    const char *reporter;          /* who reports it from an area (from a prison: HMPPS) */
    double area, prison;           /* share of an area's and of a prison's reports */
    int kind;                      /* a product, or from a body (alive or dead) */
    int reaction;                  /* reports an adverse reaction */
    int delay_lo, delay_hi;        /* days from sample to report */
} source;

static const source sources[] = {
    {"forensic_lab", "FEWS", 0.28, 0.45, PRODUCT, 0, 7, 45},
    {"seizure", "NPCC", 0.16, 0.25, PRODUCT, 0, 14, 60},
    {"test_purchase", "FEWS", 0.03, 0.0, PRODUCT, 0, 7, 30},
    {"amnesty_bin", "FEWS", 0.04, 0.10, PRODUCT, 0, 14, 45},
    {"drug_checking", "DCHK", 0.08, 0.0, PRODUCT, 0, 0, 2},
    {"clinician", "RIDR", 0.10, 0.20, PRODUCT, 1, 0, 7},
    {"public", "RIDR", 0.03, 0.0, PRODUCT, 1, 0, 14},
    {"toxicology_hospital", "NPIS", 0.10, 0.0, BODY, 1, 3, 21},
    {"toxicology_post_mortem", "NPSAD", 0.12, 0.0, DEATH, 1, 20, 90},
    {"coroner", "NPSAD", 0.06, 0.0, DEATH, 1, 30, 90},
};
enum { S_N = sizeof sources / sizeof *sources, S_FORENSIC = 0, S_SEIZURE = 1, S_AMNESTY = 3,
       S_CHECKING = 4, S_CLINICIAN = 5, S_HOSPITAL = 7, S_POST_MORTEM = 8,
       MAX_DELAY = 90 };

/* ---- the outbreaks ----------------------------------------------------------- */

enum { O_NITAZENE, O_PRISONS, O_FESTIVAL, O_NOVELTY, O_NEW_MATRIX, O_N, MAX_PLACES = 6 };

typedef struct {
    const char *kind, *family;
    const char *substances[2];     /* codes of the register, as found */
    const char *sold_as, *matrix;  /* what its products are sold as and found as */
    int back;                      /* planted in the run's year this many from its end (but
                                      after three years of history when there are) */
    double per_place;              /* extra reports a week in each place it has reached */
    int reporter_sources[4];       /* the sources of its reports, the first most often */
} outbreak_kind;

static const outbreak_kind kinds[O_N] = {
    [O_NITAZENE] = {"nitazene_cluster", "nitazenes", {"metonitazene", "heroin"}, "heroin",
                    "powder", 2, 1.2, {S_HOSPITAL, S_POST_MORTEM, S_FORENSIC, S_CLINICIAN}},
    [O_PRISONS] = {"prison_wave", "synthetic_cannabinoids", {"adb_butinaca", NULL}, "spice",
                   "paper", 3, 1.5, {S_FORENSIC, S_CLINICIAN, S_SEIZURE, S_AMNESTY}},
    [O_FESTIVAL] = {"festival_novelty", "cathinones", {"3_cmc", NULL}, "mephedrone", "powder",
                    1, 0.8, {S_CHECKING, S_AMNESTY, S_CLINICIAN, S_CHECKING}},
    [O_NOVELTY] = {"novelty", "benzodiazepines", {"desalkylgidazepam", NULL}, "diazepam",
                   "tablet", 4, 1.0, {S_FORENSIC, S_SEIZURE, S_HOSPITAL, S_FORENSIC}},
    [O_NEW_MATRIX] = {"new_matrix", "benzodiazepines", {"desalkylgidazepam", "heroin"},
                      "heroin", "powder", 4, 0.8, {S_FORENSIC, S_POST_MORTEM, S_SEIZURE,
                                                   S_FORENSIC}},
};

typedef struct {
    int start, end;                /* first day (a Monday) and last day of its samples */
    int region;                    /* -1: none */
    int place[MAX_PLACES];         /* areas, or prisons for the prison wave */
    int reached[MAX_PLACES];       /* the day it reaches each */
    int nplaces;                   /* 0: anywhere in the nation, by adult population */
    long reports;                  /* written */
    int first_reported;            /* NO_DATE before the first */
} outbreak;

struct sim_ew {
    int reporter[S_N];             /* per source: index into the reporters, -1 for none */
    int hmpps;                     /* the prisons' reporter, -1 for none */
    int run_start, run_end;
    double need_mean;              /* the areas' mean opiate and crack use */
    double dep_mean;               /* and deprivation */
    outbreak ob[O_N];
    int nob;                       /* 0 with the outbreaks turned off */
    char truth[4096 + 32];         /* ew_outbreaks.csv */
    FILE *list;                    /* ew_outbreak_reports.csv */
};

/* ---- days and weeks --------------------------------------------------------- */

/* The Monday of the week of day (1970-01-05 was a Monday). */
static int monday_of(int day) { return day - ((day - 4) % 7 + 7) % 7; }
static int monday_from(int day) { return monday_of(day + 6); }

static double seasonal(const family *f, int day)
{
    if (f->season == 0) return 1;
    int y, m, d;
    dsms_date_parts(day, &y, &m, &d);
    double t = (double)(day - dsms_date_of(y, 1, 1) - f->peak) / 365.25;
    return 1 + f->season * cos(2 * 3.14159265358979 * t);
}

static int draw(sim_rng *r, int n, double decay)
{
    double w[MAX_CODES + 4];
    for (int i = 0; i < n; i++) w[i] = pow(decay, i);
    return sim_pick(r, w, n);
}

static int count_codes(const char *const *v, int max)
{
    int n = 0;
    while (n < max && v[n]) n++;
    return n;
}

/* ---- one report ---------------------------------------------------------------- */

static void add_substance(sim_ew_report *e, const char *code)
{
    for (int i = 0; i < e->nsubstances; i++)
        if (strcmp(e->substances[i], code) == 0) return;
    if (e->nsubstances < 3) e->substances[e->nsubstances++] = code;
}

static void add_effect(sim_ew_report *e, const char *code)
{
    for (int i = 0; i < e->neffects; i++)
        if (strcmp(e->effects[i], code) == 0) return;
    if (e->neffects < 3) e->effects[e->neffects++] = code;
}

/* The parts every report shares: the source's reporter and dates, what the
 * sample was, the reaction and the person. The substances are the caller's. */
static int fill(const struct sim_ew *ew, sim_rng *r, sim_ew_report *e, int s, int prison,
                int day, const family *f)
{
    const source *src = &sources[s];
    e->reporter = prison ? ew->hmpps : ew->reporter[s];
    e->source = src->code;
    e->sampled = day;
    e->reported = day + sim_int(r, src->delay_lo, src->delay_hi);
    e->sold_as = NULL;
    e->severity = NULL;
    e->neffects = 0;
    e->person = 0;
    if (src->kind == PRODUCT) e->matrix = f->matrix[sim_chance(r, 0.75) ? 0 : 1];
    else e->matrix = src->kind == BODY && sim_chance(r, 0.3) ? "urine" : "blood";
    if (src->kind == DEATH) {
        add_effect(e, "death");
        if (sim_chance(r, 0.5)) add_effect(e, f->effects[draw(r, 4, 0.5)]);
        e->severity = "fatal";
    } else if (src->reaction) {
        add_effect(e, f->effects[draw(r, 4, 0.5)]);
        if (sim_chance(r, 0.4)) add_effect(e, f->effects[draw(r, 4, 0.6)]);
        e->severity = sim_chance(r, f->severe) ? "severe"
                      : sim_chance(r, 0.6)      ? "moderate"
                                                : "mild";
    }
    if (src->reaction && sim_chance(r, 0.3)) {
        e->person = 1;
        e->initials[0] = (char)('A' + sim_int(r, 0, 25));
        e->initials[1] = (char)('A' + sim_int(r, 0, 25));
        e->initials[2] = 0;
        double age = sim_normal(r, 33, 10);
        if (age < 16) age = 16 + sim_uniform(r) * 4;
        if (age > 80) age = 80;
        e->dob = day - (int)(age * 365.25);
        e->sex = sim_chance(r, 0.72) ? 0 : sim_chance(r, 0.98) ? 1 : 2;
    }
    return e->reporter;
}

/* ---- writing ------------------------------------------------------------------ */

/* Write e when it was reported in the year being written and sampled in the
 * run; returns the line it took, or -1. */
static long put(sim_out *o, const sim_ew_report *e)
{
    const struct sim_ew *ew = o->ew;
    if (e->reporter < 0 || e->sampled < ew->run_start || e->reported < o->ys ||
        e->reported > o->ye)
        return -1;
    return sim_emit_report(o, e);
}

/* One family's background reports in an area or prison in the week from monday. */
static void background(sim_out *o, sim_rng *r, int fam, int area, int prison, int monday,
                       double mean, uint64_t id)
{
    const family *f = &families[fam];
    int n = sim_poisson(r, mean);
    if (n > 255) n = 255;
    double w[S_N];
    for (int s = 0; s < S_N; s++) w[s] = prison >= 0 ? sources[s].prison : sources[s].area;
    for (int i = 0; i < n; i++) {
        sim_ew_report e;
        e.id = id | (uint64_t)i;
        e.area = area;
        e.prison = prison;
        e.nsubstances = 0;
        int s = sim_pick(r, w, S_N);
        fill(o->ew, r, &e, s, prison >= 0, monday + sim_int(r, 0, 6), f);
        add_substance(&e, f->codes[draw(r, count_codes(f->codes, MAX_CODES), 0.45)]);
        if (sources[s].kind != PRODUCT && sim_chance(r, 0.4)) {
            const family *g = &families[companions[sim_int(r, 0, 4)]];
            add_substance(&e, g->codes[0]);
        }
        if (sim_chance(r, sources[s].kind == PRODUCT ? 0.7 : 0.3))
            e.sold_as = f->sold_as ? f->sold_as : e.substances[0];
        put(o, &e);
    }
}

static uint64_t week_number(int monday) { return (uint64_t)(monday / 7) & 0xffff; }

static void background_weeks(sim_out *o, int from, int to)
{
    const struct sim_ew *ew = o->ew;
    const dsms_refdata *ref = o->w->ref;
    for (size_t a = 0; a < ref->nareas; a++) {
        const dsms_ref_area *x = &ref->areas[a];
        double need = ew->need_mean > 0 ? x->opiate_crack_per_1000 / ew->need_mean : 1;
        double dep = ew->dep_mean > 0 ? 0.7 + 0.3 * x->deprivation / ew->dep_mean : 1;
        for (int m = from; m <= to; m += 7) {
            sim_rng r;
            sim_rng_init(&r, o->c->seed, 0xe700000000ull | a, (uint64_t)m);
            for (int k = 0; k < F_N; k++) {
                const family *f = &families[k];
                double mean = f->rate * o->w->adults[a] / 1e5 * (f->by_need ? need : dep) *
                              seasonal(f, m + 3) * o->scale;
                uint64_t id = 1ull << 56 | (uint64_t)a << 40 | week_number(m) << 16 |
                              (uint64_t)k << 8;
                background(o, &r, k, (int)a, -1, m, mean, id);
            }
        }
    }
    if (ew->hmpps < 0) return;
    for (size_t p = 0; p < ref->nprisons; p++) {
        const dsms_ref_prison *x = &ref->prisons[p];
        /* Some prisons test what they find far more than others; a third hardly at all. */
        sim_rng pr;
        sim_rng_init(&pr, o->c->seed, 0xe71000000000ull | p, 0);
        double keen = sim_chance(&pr, 0.33) ? 0.05 : sim_lognormal(&pr, 1.0, 0.5);
        for (int m = from; m <= to; m += 7) {
            if (!dsms_prison_open_on(x, m) || !dsms_prison_open_on(x, m + 6)) continue;
            sim_rng r;
            sim_rng_init(&r, o->c->seed, 0xe720000000ull | p, (uint64_t)m);
            for (int k = 0; k < F_N; k++) {
                const family *f = &families[k];
                double mean = f->prison_rate * x->capacity / 1000.0 * keen *
                              seasonal(f, m + 3) * o->scale;
                uint64_t id = 2ull << 56 | (uint64_t)p << 40 | week_number(m) << 16 |
                              (uint64_t)k << 8;
                background(o, &r, k, -1, (int)p, m, mean, id);
            }
        }
    }
}

/* An area anywhere in the nation, in proportion to its adults. */
static int any_area(const sim_out *o, sim_rng *r)
{
    const dsms_refdata *ref = o->w->ref;
    double total = 0;
    for (size_t a = 0; a < ref->nareas; a++) total += o->w->adults[a];
    double u = sim_uniform(r) * total;
    for (size_t a = 0; a < ref->nareas; a++)
        if ((u -= o->w->adults[a]) < 0) return (int)a;
    return (int)ref->nareas - 1;
}

static family family_of(int k)
{
    for (int i = 0; i < F_N; i++)
        if (strcmp(families[i].family, kinds[k].family) == 0) return families[i];
    return families[0];
}

/* One report of outbreak k in place at on day, from source s. */
static void outbreak_report(sim_out *o, sim_rng *r, int k, int place, int day, int s,
                            uint64_t id, const char *sold_as)
{
    const outbreak_kind *ok = &kinds[k];
    struct sim_ew *ew = o->ew;
    family f = family_of(k);
    f.matrix[0] = f.matrix[1] = ok->matrix;
    sim_ew_report e;
    e.id = id;
    e.area = k == O_PRISONS ? -1 : place;
    e.prison = k == O_PRISONS ? place : -1;
    e.nsubstances = 0;
    fill(ew, r, &e, s, k == O_PRISONS, day, &f);
    for (int i = 0; i < 2; i++)
        if (ok->substances[i]) add_substance(&e, ok->substances[i]);
    if (sources[s].kind == PRODUCT || sim_chance(r, 0.6)) e.sold_as = ok->sold_as;
    if (sold_as) e.sold_as = sold_as;
    /* A nitazene in heroin: every reaction reported is life-threatening. */
    if (k == O_NITAZENE && e.severity && strcmp(e.severity, "fatal")) e.severity = "severe";
    long line = put(o, &e);
    if (line < 0) return;
    outbreak *ob = &ew->ob[k];
    ob->reports++;
    if (ob->first_reported == NO_DATE || e.reported < ob->first_reported)
        ob->first_reported = e.reported;
    if (ew->list) {
        char ref[24];
        sim_ew_ref(e.id, ref, sizeof ref);
        fprintf(ew->list, "%d,%s,%s,%s\n", k + 1, o->period,
                o->w->ref->reporters[e.reporter].code, ref);
    }
}

/* The reports outbreak k adds in the week from monday. */
static void outbreak_week(sim_out *o, int k, int monday)
{
    const outbreak *ob = &o->ew->ob[k];
    const outbreak_kind *ok = &kinds[k];
    if (k == O_PRISONS && !ob->nplaces) return; /* no prison open throughout */
    sim_rng r;
    sim_rng_init(&r, o->c->seed, 0xe7b000000000ull | (uint64_t)k, (uint64_t)monday);
    uint64_t id = 3ull << 56 | (uint64_t)k << 40 | week_number(monday) << 16;
    int seq = 0, first = monday == ob->start;
    double sw[4] = {0.45, 0.25, 0.18, 0.12};
    /* Its first week always has reports: the cluster of reactions within days
     * in the first area, the festival's first finds, the first sample. */
    if (first && k == O_NITAZENE) {
        static const int cluster[] = {S_HOSPITAL, S_CLINICIAN, S_HOSPITAL, S_POST_MORTEM,
                                      S_POST_MORTEM};
        for (int i = 0; i < 5; i++)
            outbreak_report(o, &r, k, ob->place[0], monday + sim_int(&r, 0, 3), cluster[i],
                            id | (uint64_t)seq++, NULL);
    } else if (first) {
        int place = ob->nplaces ? ob->place[0] : any_area(o, &r);
        int day = k == O_FESTIVAL ? monday + sim_int(&r, 4, 6) : monday + sim_int(&r, 0, 4);
        outbreak_report(o, &r, k, place, day, ok->reporter_sources[0], id | (uint64_t)seq++,
                        NULL);
    }
    /* The festival's second week: one found sold as MDMA. */
    if (k == O_FESTIVAL && monday == ob->start + 7)
        outbreak_report(o, &r, k, ob->place[ob->nplaces > 1], monday + 5, S_CHECKING,
                        id | (uint64_t)seq++, "mdma");
    if (!ob->nplaces) {
        int n = sim_poisson(&r, ok->per_place);
        for (int i = 0; i < n; i++)
            outbreak_report(o, &r, k, any_area(o, &r), monday + sim_int(&r, 0, 6),
                            ok->reporter_sources[sim_pick(&r, sw, 4)], id | (uint64_t)seq++,
                            NULL);
        return;
    }
    for (int p = 0; p < ob->nplaces; p++) {
        if (ob->reached[p] > monday + 6) continue;
        int n = sim_poisson(&r, ok->per_place);
        for (int i = 0; i < n; i++) {
            int day = monday + sim_int(&r, 0, 6);
            if (k == O_FESTIVAL) day = monday + sim_int(&r, 4, 6); /* the weekends */
            if (day < ob->reached[p] || day > ob->end) continue;
            outbreak_report(o, &r, k, ob->place[p], day, ok->reporter_sources[sim_pick(&r, sw, 4)],
                            id | (uint64_t)seq++, NULL);
        }
    }
}

void sim_ew_year(sim_out *o)
{
    struct sim_ew *ew = o->ew;
    /* Reports reported this year were sampled up to MAX_DELAY days before it. */
    int from = monday_of(o->ys - MAX_DELAY), to = o->ye;
    if (from < monday_of(ew->run_start)) from = monday_of(ew->run_start);
    background_weeks(o, from, to);
    for (int k = 0; k < ew->nob; k++)
        for (int m = ew->ob[k].start; m <= ew->ob[k].end; m += 7)
            if (m >= from && m <= to) outbreak_week(o, k, m);
}

void sim_ew_ref(uint64_t id, char *buf, size_t n)
{
    /* Mixed, one to one, so that a reference says nothing of how it was made. */
    uint64_t z = id + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    snprintf(buf, n, "R%016llX", (unsigned long long)z);
}

/* ---- the plan ------------------------------------------------------------------ */

static int reporter_index(const dsms_refdata *ref, const char *code)
{
    for (size_t i = 0; i < ref->nreporters; i++)
        if (strcmp(ref->reporters[i].code, code) == 0) return (int)i;
    return -1;
}

/* The financial year outbreak k falls in: `back` years from the run's end,
 * but after at least three years of history when the run has them. */
static int year_of(const dsms_sim_options *opt, int k)
{
    int i = opt->years - kinds[k].back, lo = opt->years > 3 ? 3 : opt->years - 1;
    if (i < lo) i = lo;
    if (i > opt->years - 1) i = opt->years - 1;
    return opt->start_year + i;
}

static double need_weight(const sim_out *o, int a)
{
    return o->w->ref->areas[a].opiate_crack_per_1000 * o->w->adults[a];
}

/* Up to n distinct areas drawn by weight (adults, or opiate use), none twice. */
static int pick_areas(const sim_out *o, sim_rng *r, int *out, int n, int by_need)
{
    const dsms_refdata *ref = o->w->ref;
    int got = 0;
    for (int tries = 0; got < n && tries < 50 * n; tries++) {
        double total = 0;
        for (size_t a = 0; a < ref->nareas; a++)
            total += by_need ? need_weight(o, (int)a) : o->w->adults[a];
        double u = sim_uniform(r) * total;
        int pick = (int)ref->nareas - 1;
        for (size_t a = 0; a < ref->nareas; a++)
            if ((u -= by_need ? need_weight(o, (int)a) : o->w->adults[a]) < 0) {
                pick = (int)a;
                break;
            }
        int seen = 0;
        for (int i = 0; i < got; i++) seen |= out[i] == pick;
        if (!seen) out[got++] = pick;
    }
    return got;
}

/* The nitazene cluster: an area drawn by opiate use, then other areas of its
 * region, those of its police force first, each drawn by opiate use, reached
 * a week or so apart. */
static void plan_nitazene(const sim_out *o, sim_rng *r, outbreak *ob)
{
    const dsms_refdata *ref = o->w->ref;
    int home;
    pick_areas(o, r, &home, 1, 1);
    const dsms_ref_area *h = &ref->areas[home];
    ob->region = h->region;
    ob->place[0] = home;
    ob->reached[0] = ob->start;
    ob->nplaces = 1;
    for (int pass = 0; pass < 2 && ob->nplaces < 5; pass++)
        for (;;) {
            double total = 0;
            for (size_t a = 0; a < ref->nareas; a++) {
                const dsms_ref_area *x = &ref->areas[a];
                int taken = 0;
                for (int i = 0; i < ob->nplaces; i++) taken |= ob->place[i] == (int)a;
                if (!taken && x->region == h->region && (x->force == h->force) != pass)
                    total += need_weight(o, (int)a) + 1e-9;
            }
            if (total <= 0 || ob->nplaces >= 5) break;
            double u = sim_uniform(r) * total;
            int pick = -1, last = -1;
            for (size_t a = 0; a < ref->nareas && pick < 0; a++) {
                const dsms_ref_area *x = &ref->areas[a];
                int taken = 0;
                for (int i = 0; i < ob->nplaces; i++) taken |= ob->place[i] == (int)a;
                if (taken || x->region != h->region || (x->force == h->force) == pass) continue;
                last = (int)a;
                if ((u -= need_weight(o, (int)a) + 1e-9) < 0) pick = (int)a;
            }
            if (pick < 0) pick = last; /* u left over by rounding */
            if (pick < 0) break;
            ob->place[ob->nplaces] = pick;
            ob->reached[ob->nplaces] = ob->start + 7 * ob->nplaces + sim_int(r, 0, 6);
            ob->nplaces++;
        }
}

/* The prison wave: five prisons open throughout, drawn by size, reached a
 * fortnight apart. */
static void plan_prisons(const sim_out *o, sim_rng *r, outbreak *ob)
{
    const dsms_refdata *ref = o->w->ref;
    double total = 0;
    for (size_t p = 0; p < ref->nprisons; p++)
        if (dsms_prison_open_on(&ref->prisons[p], ob->start) &&
            dsms_prison_open_on(&ref->prisons[p], ob->end))
            total += ref->prisons[p].capacity + 1;
    for (int tries = 0; total > 0 && ob->nplaces < 5 && tries < 500; tries++) {
        double u = sim_uniform(r) * total;
        for (size_t p = 0; p < ref->nprisons; p++) {
            const dsms_ref_prison *x = &ref->prisons[p];
            if (!dsms_prison_open_on(x, ob->start) || !dsms_prison_open_on(x, ob->end)) continue;
            if ((u -= x->capacity + 1) >= 0) continue;
            int seen = 0;
            for (int i = 0; i < ob->nplaces; i++) seen |= ob->place[i] == (int)p;
            if (!seen) {
                ob->place[ob->nplaces] = (int)p;
                ob->reached[ob->nplaces] = ob->start + 14 * ob->nplaces;
                ob->nplaces++;
            }
            break;
        }
    }
}

static void plan(struct sim_ew *ew, const sim_out *o, const dsms_sim_options *opt)
{
    sim_rng r;
    sim_rng_init(&r, opt->seed, 0xe7b1a0000000ull, 0);
    for (int k = 0; k < O_N; k++) {
        outbreak *ob = &ew->ob[k];
        int y = year_of(opt, k), ys = (int)dsms_financial_year_start(y);
        ob->region = -1;
        ob->first_reported = NO_DATE;
        switch (k) {
        case O_NITAZENE:
            ob->start = monday_from(ys + 7 * sim_int(&r, 8, 36));
            ob->end = ob->start + 10 * 7 - 1;
            plan_nitazene(o, &r, ob);
            break;
        case O_PRISONS:
            ob->start = monday_from(ys + 7 * sim_int(&r, 4, 30));
            ob->end = ob->start + 14 * 7 - 1;
            plan_prisons(o, &r, ob);
            break;
        case O_FESTIVAL:
            ob->start = monday_from((int)dsms_date_of(y, 6, 1));
            ob->end = (int)dsms_date_of(y, 8, 31);
            ob->nplaces = pick_areas(o, &r, ob->place, 4, 0);
            for (int i = 0; i < ob->nplaces; i++) ob->reached[i] = ob->start;
            break;
        case O_NOVELTY:
            ob->start = monday_from(ys + 7 * sim_int(&r, 2, 16));
            ob->end = ew->run_end;
            break;
        case O_NEW_MATRIX:
            /* Half a year after it first appeared, or as near as the run allows. */
            ob->start = ew->ob[O_NOVELTY].start + 26 * 7;
            if (ob->start > ew->run_end - 8 * 7)
                ob->start = monday_of(ew->ob[O_NOVELTY].start +
                                      (ew->run_end - ew->ob[O_NOVELTY].start) / 2);
            ob->end = ew->run_end;
            break;
        }
        if (ob->end > ew->run_end) ob->end = ew->run_end;
    }
    ew->nob = O_N;
}

int sim_ew_start(sim_out *o, const dsms_sim_options *opt, const char *root, dsms_err *err)
{
    const dsms_refdata *ref = o->w->ref;
    o->ew = NULL;
    if (opt->no_early_warning || !ref->nreporters) return 0;
    struct sim_ew *ew = calloc(1, sizeof *ew);
    if (!ew) return dsms_err_set(err, "out of memory"), -1;
    for (int s = 0; s < S_N; s++) ew->reporter[s] = reporter_index(ref, sources[s].reporter);
    ew->hmpps = reporter_index(ref, "HMPPS");
    ew->run_start = (int)dsms_financial_year_start(opt->start_year);
    ew->run_end = (int)dsms_financial_year_start(opt->start_year + opt->years) - 1;
    for (size_t a = 0; a < ref->nareas; a++) {
        ew->need_mean += ref->areas[a].opiate_crack_per_1000 / (double)ref->nareas;
        ew->dep_mean += ref->areas[a].deprivation / (double)ref->nareas;
    }
    o->ew = ew;
    if (opt->no_outbreaks || !ref->nareas) return 0;
    plan(ew, o, opt);
    snprintf(ew->truth, sizeof ew->truth, "%s/ew_outbreaks.csv", root);
    char path[4096 + 40];
    snprintf(path, sizeof path, "%s/ew_outbreak_reports.csv", root);
    if (!(ew->list = fopen(path, "wb"))) {
        dsms_err_set(err, "%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    fputs("outbreak,period,reporter_code,report_ref\n", ew->list);
    return 0;
}

static void codes_of(FILE *f, const outbreak *ob, int k, const dsms_refdata *ref)
{
    for (int i = 0; i < ob->nplaces; i++)
        if (k != O_PRISONS)
            fprintf(f, "%s%s", i ? ";" : "", ref->areas[ob->place[i]].code);
    fputc(',', f);
    for (int i = 0; i < ob->nplaces; i++)
        if (k == O_PRISONS)
            fprintf(f, "%s%s", i ? ";" : "", ref->prisons[ob->place[i]].code);
    fputc(',', f);
}

int sim_ew_finish(sim_out *o, int ok, int *outbreaks, dsms_err *err)
{
    struct sim_ew *ew = o->ew;
    *outbreaks = 0;
    if (!ew) return 0;
    int rc = 0;
    if (ew->list && fclose(ew->list) && ok) {
        dsms_err_set(err, "ew_outbreak_reports.csv: write failed");
        rc = -1;
    }
    FILE *f = ok && !rc && ew->nob ? fopen(ew->truth, "wb") : NULL;
    if (ok && !rc && ew->nob && !f) {
        dsms_err_set(err, "%s: cannot create: %s", ew->truth, strerror(errno));
        rc = -1;
    }
    if (f) {
        const dsms_refdata *ref = o->w->ref;
        fputs("id,kind,family,substances,sold_as,matrix,region,areas,prisons,start_date,"
              "end_date,per_week,reports,first_reported\n", f);
        for (int k = 0; k < ew->nob; k++) {
            const outbreak *ob = &ew->ob[k];
            const outbreak_kind *x = &kinds[k];
            char start[16], end[16], first[16] = "";
            dsms_date_format(ob->start, start);
            dsms_date_format(ob->end, end);
            if (ob->first_reported != NO_DATE) dsms_date_format(ob->first_reported, first);
            fprintf(f, "%d,%s,%s,%s%s%s,%s,%s,%s,", k + 1, x->kind, x->family, x->substances[0],
                    x->substances[1] ? ";" : "", x->substances[1] ? x->substances[1] : "",
                    x->sold_as, x->matrix, ob->region >= 0 ? ref->regions[ob->region].code : "");
            codes_of(f, ob, k, ref);
            fprintf(f, "%s,%s,%.1f,%ld,%s\n", start, end,
                    x->per_place * (ob->nplaces ? ob->nplaces : 1), ob->reports, first);
        }
        if (fclose(f)) {
            dsms_err_set(err, "%s: write failed", ew->truth);
            rc = -1;
        }
        *outbreaks = ew->nob;
    }
    free(ew);
    o->ew = NULL;
    return rc;
}
