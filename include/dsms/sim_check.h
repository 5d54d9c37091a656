/* dsms/sim_check.h — calibration of a simulated nation: simple figures computed
 * straight from the files dsms simulate wrote (no store), per financial year,
 * and the targets with the tolerances each figure should fall within. */
#ifndef DSMS_SIM_CHECK_H
#define DSMS_SIM_CHECK_H

#include <stddef.h>

#include "dsms/diag.h"
#include "dsms/refdata.h"

/* Substance groups, in this order: opiate, non_opiate, non_opiate_alcohol, alcohol
 * (static strings). */
enum { DSMS_SIM_GROUPS = 4 };
extern const char *const dsms_sim_group_names[DSMS_SIM_GROUPS];

/* One financial year's counts. People are client attributors (initials, date
 * of birth, sex) for consent Y episodes, provider_code + client_ref for
 * consent N ones; each episode is taken as last submitted. */
typedef struct {
    char period[16];               /* "2023-24" */
    int year;                      /* 2023: 1 April 2023 to 31 March 2024 */
    long in_treatment;             /* people with a community episode open in the year, first
                                      intervention on or before its end */
    long group[DSMS_SIM_GROUPS];   /* of those, by the group of their latest episode */
    long completed[DSMS_SIM_GROUPS]; /* latest discharge in the year successful (opiate:
                                        not on OST at exit), no new referral in 182 days */
    long new_episodes;             /* first intervention in the year, not a transfer */
    long waited_3wk;               /* of those, first intervention within 21 days of referral */
    long releases_need;            /* prison releases in the year with a treatment need */
    long continuity;               /* of those, in community treatment within 21 days */
    long deaths, drug_deaths;      /* deaths registered in the year; drug-misuse deaths */
    long drug_deaths_calendar;     /* drug-misuse deaths registered in the calendar year the
                                      financial year starts in; -1 unless the files hold all
                                      of it */
    double *opiate_rate;           /* per area (reference order): opiate people in treatment
                                      per 1,000 aged 15-64, by their latest episode's area;
                                      nareas values, freed by dsms_sim_figures_free */
    double spearman;               /* rank correlation of opiate_rate with the areas'
                                      opiate_crack_per_1000 */
    int spread_areas;              /* areas with at least DSMS_SIM_SPREAD_MIN opiate people */
    double spread;                 /* among them, the highest opiate completion rate over
                                      the lowest; NaN with fewer than 20 such areas */
} dsms_sim_year;

enum { DSMS_SIM_SPREAD_MIN = 300 };

typedef struct {
    dsms_sim_year *year;           /* nyears, in order of period; freed by
                                      dsms_sim_figures_free */
    int nyears;
    size_t nareas;
    long people;                   /* people simulated, for scaling to the nation */
    long rows, skipped;            /* rows read from the tables used; rows left out as
                                      unreadable (a ragged row or a date that is not one) */
} dsms_sim_figures;

/* Read the tree DIR that dsms simulate wrote (its manifest.csv names the files)
 * and compute the figures of every year in it. ref is the reference data it
 * was simulated with; people the --people it was simulated with (0 for the
 * default), used only to scale deaths to the nation. dir and ref are used
 * during the call only, and every file it opens is closed. On success free
 * *out with dsms_sim_figures_free. -1 with err set (a file missing or
 * unreadable, a manifest or header not as dsms simulate writes them, out of
 * memory), *out then empty (nothing to free). */
int dsms_sim_calibration(const char *dir, const dsms_refdata *ref, long people,
                         dsms_sim_figures *out, dsms_err *err);
/* Free what *f holds and leave it empty (freeing it again is harmless). */
void dsms_sim_figures_free(dsms_sim_figures *f);

/* A figure the simulation is calibrated to, and the range it should be in;
 * its strings are static. */
typedef struct {
    const char *id;
    const char *label;
    double lo, hi;
    const char *format;            /* printf format of the value */
} dsms_sim_target;

/* The targets, in the order they are printed: a static array of *n, never
 * freed. Cannot fail. */
const dsms_sim_target *dsms_sim_targets(size_t *n);
/* The value of target t for year y of f (y below f->nyears, unchecked); NaN
 * for an unknown t or a figure with no value (a share of none). */
double dsms_sim_value(const dsms_sim_figures *f, int y, size_t t);
/* 1 when v is within the target's range, 0 when outside or NaN. */
int dsms_sim_within(const dsms_sim_target *t, double v);
/* Target t's figure for year y of f against its range (y and t in range,
 * unchecked): 1 within, 0 outside or NaN (a figure that should have a value
 * and has none fails), -1 when it cannot be assessed: the spread between
 * areas with fewer than 20 areas of DSMS_SIM_SPREAD_MIN opiate people (too
 * few areas at this scale). */
int dsms_sim_assess(const dsms_sim_figures *f, int y, size_t t);

#endif
