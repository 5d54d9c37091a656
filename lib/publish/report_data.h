/* report_data.h — what the report builders read from the store, read once:
 * every result for the whole of each place ("all") in a financial year, a
 * calendar year or pooled years, as public output shows it when the report
 * is public; the financial years the results hold; the report's period and
 * the date its data are as at. And how the builders show a figure: to the
 * decimal places `dsms measures` and `dsms framework show` use, so that
 * every format gives the same numbers they do. */
#ifndef DSMS_REPORT_DATA_H
#define DSMS_REPORT_DATA_H

#include <stddef.h>

#include "dsms/framework.h"
#include "dsms/measures.h"
#include "dsms/policy.h"
#include "dsms/refdata.h"
#include "dsms/report.h"
#include "dsms/store.h"

/* One result row as a report reads it (breakdown and category "all", or
 * those given for a breakdown row). */
typedef struct {
    const dsms_measure *m;
    char area[16], level[20], period[DSMS_PERIOD_LEN], breakdown[16], category[32];
    double num, den, value, lo, hi;
    char vs_england[16], vs_comparators[16], trend[48];
    int provisional, suppressed, incomplete;
} rp_row;

enum { RP_YEARS = 32 };

typedef struct {
    dsms_store *st;
    const dsms_refdata *ref;
    int public;
    /* who the report is shown to, when not everyone (public) nor a restricted
     * audience (NULL): each place as dsms_policy_unsuppressed lets them see it */
    const dsms_principal *viewer;
    dsms_principal viewer_is;
    rp_row *rows; /* sorted by measure, area, period */
    size_t n, cap;
    char years[RP_YEARS][DSMS_PERIOD_LEN]; /* financial years held, oldest first */
    size_t nyears;
    size_t year;                      /* the report's: index into years */
    /* for each year, the calendar year it begins in ("2024") and the three
     * calendar years to that pooled ("2022-2024") */
    char calendar[RP_YEARS][DSMS_PERIOD_LEN], pooled[RP_YEARS][DSMS_PERIOD_LEN];
    char as_at[96];                   /* "computed 2026-12-01; records to 2026-03-31" */
    char data_end[16];
} rp_data;

/* Read the results into d. period: a financial year the results hold, or
 * NULL for the latest complete one (the latest when none is complete).
 * viewer (not public): shown to this principal, each row as the API shows
 * it them; NULL: every figure. Refuses (-1, err set) a period with no
 * results, a store with none, and a public report from results computed
 * before disclosure was decided. */
int rp_load(rp_data *d, dsms_store *st, const dsms_refdata *ref, const char *period, int public,
            const dsms_principal *viewer, dsms_err *err);
/* The public's reading public_data as viewer (an area's or a provider's
 * account) sees it: the same, but for the places and organisations it is
 * bound to, read as stored; through st. Row for row what rp_load gives
 * viewer, without reading every result again. 0, or -1 with err set. */
int rp_load_for(rp_data *d, const rp_data *public_data, dsms_store *st,
                const dsms_principal *viewer, dsms_err *err);
/* Whether the report shows area's figures as the public sees them. */
int rp_withheld(const rp_data *d, const char *area);
void rp_free(rp_data *d);

/* The period of m's figure for a place of level in the report's year (the
 * financial year; for a measure of calendar years, the year or, for an
 * area, the pooled years), or of year index y. */
const char *rp_period(const rp_data *d, const dsms_measure *m, const char *level, size_t y);
/* The row of m for area in period (NULL: rp_period of the report's year),
 * or NULL when the results hold none. */
const rp_row *rp_find(const rp_data *d, const dsms_measure *m, const char *area,
                      const char *period);
/* The breakdown rows of m for area in period, read from the store as the
 * report shows them: calls fn for each. 0, or -1 with err set. */
int rp_each_breakdown(const rp_data *d, const dsms_measure *m, const char *area,
                      const char *period, int (*fn)(void *ctx, const rp_row *r), void *ctx,
                      dsms_err *err);

/* Names: England, a region's or an area's ("" when unknown). */
const char *rp_place_name(const rp_data *d, const char *code);
const char *rp_level_of(const rp_data *d, const char *code);

/* ---- figures as the tables show them ---- */

/* Decimal places of a measure's value and limits: none for a count of
 * people, one otherwise (as `dsms measures` shows them). */
int rp_digits(const dsms_measure *m);
/* Set cell c to x: suppressed when the row is withheld, none when NaN. */
void rp_cell(dsms_report_cell *c, const rp_row *r, double x, int digits);
/* The benchmark of a row against England. */
dsms_bench rp_bench(const rp_row *r);
/* The row's key for a table (measure|area|period|breakdown|category). */
void rp_key(const rp_row *r, char *buf, size_t n);
/* x for the words of a report: to digits decimals, with commas between
 * the thousands from 10,000 up ("12.3", "9876", "277,803"); "-" for NaN.
 * Tables show numbers as `dsms measures` does, without commas. */
void rp_show(char *buf, size_t n, double x, int digits);

#endif
