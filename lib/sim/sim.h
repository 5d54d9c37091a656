/* sim.h — inside the simulator: one simulated person's life as records
 * (sim_life.c), the reference data arranged for drawing from, and the sinks
 * the records are written into (sim_emit.c, simulate.c). */
#ifndef DSMS_SIM_H
#define DSMS_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dsms/dataset.h"
#include "dsms/refdata.h"
#include "dsms/simulate.h"
#include "sim_rng.h"

enum { G_OPIATE, G_NON_OPIATE, G_NON_OPIATE_ALCOHOL, G_ALCOHOL, G_N };
enum { NO_DATE = -1 };

typedef struct {
    int start, end;           /* end NO_DATE: open */
    uint8_t type, exit;       /* indexes into sim_intervention_types / exits */
} sim_intervention;

typedef struct {
    int date;
    uint8_t stage;            /* 0 start, 1 review, 2 exit */
    int8_t primary_days, crack_days, alcohol_days, injected_days, shared;
    int8_t shoplifting, theft, selling, assault;
    int8_t psych, phys, qol, work, housing_problem, eviction;
} sim_top;

typedef struct {
    int provider, seq;
    int referral, triage, first, discharge;
    uint8_t reason, source, substance[3], injecting, housing, employment, parent;
    uint8_t mh_need, hep_c, hep_b, ost_at_exit, age_first_use;
    int i0, ni, t0, nt;       /* ranges in the person's interventions and reviews */
} sim_episode;

typedef struct {
    int force, seq, arrest, test, assessment;
    uint8_t offence, result, required, outcome;  /* outcome 0: none */
} sim_test;

typedef struct {
    int seq, start, end;
    uint8_t type, outcome;
} sim_order;

typedef struct {
    int prison, seq, reception, release;
    uint8_t need, group, in_treatment;
} sim_release;

typedef struct {
    int date;
    uint8_t misuse;
    uint32_t substances;      /* bit i: sim_substances[i] mentioned */
} sim_death;

#define SIM_ARRAY(T) struct { T *v; int n, cap; }

typedef struct {
    uint64_t id;              /* unique across the nation: slot and generation */
    int area, group, sex, dob, consent, ethnicity, offender;
    char initials[3];
    uint8_t substance[3];     /* this person's usual substances (sim_substances) */
    double responder;         /* 0..1: how well treatment goes for them */
    SIM_ARRAY(sim_episode) ep;
    SIM_ARRAY(sim_intervention) iv;
    SIM_ARRAY(sim_top) top;
    SIM_ARRAY(sim_test) test;
    SIM_ARRAY(sim_order) order;
    SIM_ARRAY(sim_release) rel;
    int died;
    sim_death death;
} sim_person;

/* Places differ beyond chance: each area's services complete more or fewer
 * treatments, see people sooner or later, and pick up more or fewer prison
 * leavers. Multipliers with mean 1, drawn from the seed. */
typedef struct {
    double success, wait, continuity;
} sim_area_effect;

/* The reference data arranged for drawing: per area its community providers,
 * per region its prisons, per prison its healthcare provider. */
typedef struct {
    const dsms_refdata *ref;
    int **area_providers;     /* area -> provider indexes */
    int *area_nproviders;
    int **region_prisons;
    int *region_nprisons;
    int *prison_provider;     /* prison -> provider, or -1 */
    double *adults;           /* area -> population aged 18 and over */
    sim_area_effect *effect;  /* area -> how its services differ from the average */
} sim_world;

typedef struct {
    uint64_t seed;
    const sim_world *w;
    int horizon_start;        /* first day of the first simulated year */
} sim_ctx;

extern const char *const sim_substances[];
extern const char *const sim_intervention_types[];
extern const char *const sim_intervention_exits[];
extern const char *const sim_discharge_reasons[];
extern const char *const sim_referral_sources[];
extern const char *const sim_groups[];

/* Start a fresh person in slot (area, group) at generation g and live their
 * life from their start until tend (days since 1970); records are kept in p.
 * -1 when memory runs out (p's records are then partial: free them), else 0. */
int sim_live(const sim_ctx *c, uint64_t slot, int area, int group, sim_person *p,
              int tend, void (*each)(void *ctx, sim_person *p), void *ctx);
void sim_person_free(sim_person *p);

/* ---- output (sim_emit.c, simulate.c) ---- */

enum { T_EPISODES, T_INTERVENTIONS, T_TOP, T_RELEASES, T_TESTS, T_ORDERS, T_DEATHS, T_EW, T_N };

typedef struct {
    char *buf;
    size_t len, cap;
    long lines;               /* data lines so far: the next is line lines + 2 */
    int table;
    const char *source;
} sim_sink;

enum { SIM_FIELD_SLOTS = 512 };  /* more than the fields the writer names */

typedef struct {
    const char *name;
    int table, index;
} sim_field_slot;

/* Drug-misuse deaths as the records give them: by calendar year of
 * registration, area of residence and age band at death (sim_series.c). */
typedef struct {
    int first_year, nyears;
    size_t nareas;
    double *n;                /* [year - first_year][area][band] */
} sim_deaths;

typedef struct {
    const sim_world *w;
    const sim_ctx *c;
    const dsms_table *tables[T_N];
    sim_field_slot field_slots[SIM_FIELD_SLOTS];
    sim_sink *sinks[T_N];     /* per provider, provider, provider, prison, force, probation
                                 region; one for deaths; per reporter */
    int start_year, year, ys, ye;
    char period[16];
    double error_rate;
    double scale;             /* people simulated / the default: for background volumes */
    FILE *planted;
    long nplanted;
    sim_deaths *deaths;       /* the drug-misuse deaths written, for ONS's series */
    struct sim_ew *ew;        /* early-warning reports and their outbreaks (sim_ew.c); NULL
                                 for none */
    int failed;               /* out of memory or a write failed */
} sim_out;

/* Write everything of p that its organisations would submit for o->year. */
void sim_emit_person(void *out, sim_person *p);
/* Tests on arrest of people outside the simulated cohort (mostly negative). */
void sim_emit_background(sim_out *o, int area);

/* ---- early-warning reports (sim_ew.c) ---- */

/* One early-warning report as its reporter submits it. Codes are the data
 * set's (ew_source, matrix, adverse_effect, severity) and the substance
 * register's, as static strings. */
typedef struct {
    uint64_t id;              /* unique in the run: gives the report_ref */
    int reporter;             /* index into the reference data's reporters */
    int area, prison;         /* exactly one of them is -1 */
    int sampled, reported;
    const char *source, *matrix, *sold_as, *severity; /* sold_as, severity NULL: not given */
    const char *substances[3];
    int nsubstances;
    const char *effects[3];
    int neffects;
    int person;               /* a linked person: initials, dob, sex below */
    char initials[3];
    int dob, sex;
} sim_ew_report;

/* Plan the run's outbreaks and open the truth files in root: 0, or -1 with
 * err set. Leaves o->ew NULL when the options ask for no reports. */
int sim_ew_start(sim_out *o, const dsms_sim_options *opt, const char *root, dsms_err *err);
/* Write the reports of the year being written (o->year) into their sinks. */
void sim_ew_year(sim_out *o);
/* Write the truth about the outbreaks and free everything: 0, or -1 with err
 * set (when ok is 0, only free). *outbreaks: how many were planted. */
int sim_ew_finish(sim_out *o, int ok, int *outbreaks, dsms_err *err);
/* The report_ref of report id: "R" and 16 hex digits, one to one with id. */
void sim_ew_ref(uint64_t id, char *buf, size_t n);
/* Write one report into its reporter's sink (sim_emit.c); returns the line it
 * took, or -1 when the row as written will be rejected. */
long sim_emit_report(sim_out *o, const sim_ew_report *r);

/* ---- published series (sim_series.c) ---- */

/* Room for the deaths registered in nyears calendar years from first_year:
 * -1 when memory runs out. */
int sim_deaths_init(sim_deaths *d, size_t nareas, int first_year, int nyears);
void sim_deaths_free(sim_deaths *d);
/* One drug-misuse death of a person born on `born` who died on `died`. */
void sim_deaths_count(sim_deaths *d, int area, int registered, int born, int died);
/* Write every series of ref's catalogue for the nation to path (docs/series.md);
 * *rows: the values written. 0, or -1 with err set. */
int sim_series_write(const char *path, const dsms_refdata *ref, const dsms_sim_options *opt,
                     const sim_deaths *d, long *rows, dsms_err *err);

#endif
