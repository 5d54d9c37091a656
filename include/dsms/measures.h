/* dsms/measures.h — the measures the strategies are judged on, and their computation.
 *
 * dsms_measure_at() walks the catalogue (docs/measures.md defines each one as
 * implemented); dsms_compute() reads the store, links people, builds their
 * treatment journeys, computes every measure for England, each region and
 * each area, for each financial year and rolling 12 months, with intervals,
 * comparisons and trends, and replaces the store's results with them. */
#ifndef DSMS_MEASURES_H
#define DSMS_MEASURES_H

#include <stddef.h>

#include "dsms/diag.h"
#include "dsms/refdata.h"
#include "dsms/stats.h"
#include "dsms/store.h"

typedef enum {
    DSMS_KIND_COUNT,      /* a number of people: no interval */
    DSMS_KIND_PROPORTION, /* numerator / denominator as a percentage, Wilson limits */
    DSMS_KIND_RATE,       /* per multiplier, exact Poisson or Byar's limits */
    DSMS_KIND_DSR,        /* directly standardised rate, Dobson's limits */
    DSMS_KIND_MEDIAN,     /* a median in days: no interval */
    DSMS_KIND_RATIO       /* observed over expected x 100 (indirect standardisation by the
                           * case mix: numerator observed, denominator expected), Byar's
                           * limits, exact below 10 events */
} dsms_measure_kind;

/* Breakdowns a measure is produced by, besides "all". */
enum {
    DSMS_BY_SUBSTANCE = 1, DSMS_BY_SEX = 2, DSMS_BY_AGE = 4,
    DSMS_BY_ETHNICITY = 8, /* the ONS five groups and not stated */
    DSMS_BY_REASON = 16     /* discharge reason: referrals_not_started only */
};

/* A measure of the catalogue; its strings are static. */
typedef struct dsms_measure_s {
    const char *id;
    const char *title;  /* what it is, in a few words */
    const char *domain; /* treatment, outcomes, justice or harms */
    const char *unit;   /* "people", "%", "per 1,000 ...", "days" */
    dsms_measure_kind kind;
    dsms_polarity polarity;
    double multiplier;
    unsigned breakdowns;
    int headline;            /* shown in the headline table */
    int estimated_denominator; /* the denominator is an estimate or a population, not a count */
    int lookahead;           /* days past the period's end it looks (re-presentation...) */
} dsms_measure;

/* These three take a measure of the catalogue (matched by address, else by
 * id) and cannot fail; for any other they return 0, 0 and NULL.
 *
 * What a measure looks back on before its period's start, in days: a row
 * whose period starts less than that after the first day of the first
 * financial year the store holds is flagged incomplete_history (0: none). */
int dsms_measure_lookback(const dsms_measure *m);
/* Whether a measure is produced for financial quarters too: the counts of
 * people in treatment and new to it. */
int dsms_measure_quarterly(const dsms_measure *m);
/* The level of the organisations a measure is produced for ("provider",
 * "prison", "police_force", "probation_region", static), or NULL when it
 * belongs to none. */
const char *dsms_measure_organisation(const dsms_measure *m);
/* 1 when a result's level is an organisation's: restricted, never public
 * (0 for NULL). */
int dsms_level_is_organisation(const char *level);

/* The catalogue: static, never freed; these cannot fail. */
size_t dsms_measure_count(void);
const dsms_measure *dsms_measure_at(size_t i); /* NULL past the last */
const dsms_measure *dsms_measure_find(const char *id); /* NULL for no such measure */

/* The categories of the breakdowns in the order results are made: "all",
 * the substance groups, the sexes, the age bands, the ethnic groups, the
 * discharge reasons; static strings, NULL past the last. */
const char *dsms_category_name(int i);

/* ---- disclosure control (measures_public.c, docs/statistics.md) ---- */

/* What dsms_results_suppress decided. */
typedef struct {
    size_t rows, primary, secondary; /* secondary: hidden to protect another */
    size_t groups;                   /* (measure, period) groups decided */
} dsms_disclosure_report;

/* Decide, for every row, whether public output may show it, and set its
 * disclosure. Rows are taken together by (measure, period), in any order;
 * ref gives each area's region. Primary: a numerator, or a counted
 * denominator, from 1 to DSMS_DISCLOSURE_MAX. Secondary: more rows until
 * no relation public output publishes (a breakdown's categories within the
 * area's "all", areas within their region, regions and areas within
 * England, for every category and geography) gives a hidden numerator or
 * counted denominator back, exactly or as at most DSMS_DISCLOSURE_MAX; and
 * a count two measures share (the people in treatment, the new
 * presentations) hidden in both or in neither. Only the rows' disclosure
 * is changed; ref is read during the call only, and rep filled in.
 * Returns 0, or -1 when out of memory, with every row suppressed. */
int dsms_results_suppress(dsms_result *rows, size_t n, const dsms_refdata *ref,
                          dsms_disclosure_report *rep);

/* 1 when measures a and b publish a count in common (docs/statistics.md):
 * their disclosure must be decided together. Cannot fail. */
int dsms_measures_share(const char *a, const char *b);

/* Blank what a hidden row would give away: its counts (a population or
 * estimate stays), value, limits and comparisons (their strings set to NULL,
 * not freed). Cannot fail. */
void dsms_result_hide(dsms_result *r);

/* What public output shows of one stored result r: 1 with *shown (r, and
 * blanked by dsms_result_hide when suppressed) to show; 0 for a row never
 * shown in public (an organisation's: restricted); -1 for a row whose
 * disclosure was never decided (computed before the store kept it), which
 * cannot be shown. *shown's strings are r's. Sets no error: each caller says
 * it in its own words. */
int dsms_result_public(const dsms_result *r, dsms_result *shown);

/* Calls fn for each stored result matching f as public output shows it:
 * a suppressed row blanked by dsms_result_hide (its disclosure still says
 * so). The row and its strings are valid only during the call. Every public
 * view reads results through this. Refuses (-1, err set) on reaching a
 * matching row computed before the store kept disclosure decisions: fn has
 * then seen the rows before it, in the store's order, and not that one. fn
 * returns 0 to go on, a positive value to stop early, a negative one on
 * failure (diag.h, "Callbacks"). -1 with err set too on a store error. */
int dsms_each_public_result(dsms_store *st, const dsms_result_filter *f, dsms_result_fn fn,
                            void *ctx, dsms_err *err);

/* Room for a period's label and its NUL: "2024-25", "12m-2024-12", "2024-25-Q1",
 * "2021-2023". */
#define DSMS_PERIOD_LEN 24

/* What a computation did, for the person who ran it. */
typedef struct {
    size_t episodes, interventions, tops, tests, releases, orders, deaths;
    size_t persons, linked; /* people; of them, linked by pseudonym */
    size_t measures, periods, results;
    size_t quarters; /* financial quarters, beside the periods (counts only) */
    size_t primary, secondary; /* results hidden from public output */
    char first_period[DSMS_PERIOD_LEN], last_period[DSMS_PERIOD_LEN];
    /* Wall time: reading, linking, counting (with disclosure control and
     * storing alongside), and storing what was left after the last measure;
     * disclosure_seconds is the time deciding disclosure control, over the
     * threads, inside measure_seconds. */
    double load_seconds, link_seconds, measure_seconds, disclosure_seconds, store_seconds;
    /* dsms_compute_kept: whether every record was read, and if not, how many
     * organisations' records (a table's, or a provider's episodes with their
     * interventions and reviews) were read again. */
    int read_all;
    size_t reread;
    /* Set (or zeroed) by the caller before dsms_compute, kept by it: called from the
     * calling thread at each stage ("load", "link", "measures" done of
     * total, "store": static strings); NULL for none. */
    void (*progress)(void *ctx, const char *stage, size_t done, size_t total);
    void *progress_ctx;
} dsms_compute_report;

/* Recompute the measures from the store and replace their results: every
 * measure when only is NULL, else the nonly measures it names, keeping the
 * other measures' results. The reference data is read from the store. rep's
 * progress callback and its context are the caller's, kept as they are; the
 * rest of rep is filled in. only's names are read during the call only. It
 * takes the store's write lock in transactions of its own: the caller must
 * hold none. Returns 0, or -1 with err set (an unknown measure, a damaged or
 * unreadable store, out of memory, a failed write): then the store's earlier
 * results, and the date the records reached (DSMS_META_DATA_END, store.h),
 * stay as they were. */
int dsms_compute(dsms_store *st, const char *const *only, size_t nonly,
                 dsms_compute_report *rep, dsms_err *err);

/* Records kept in memory between computations, for a process that computes
 * again and again (dsms serve): the first computation reads every record;
 * each later one reads again only the records of the organisations that
 * submitted since (a submission changes only its own organisation's records
 * of its table), and everything when the reference data changed or a
 * submission named no organisation. The results are those dsms_compute
 * gives, to the last digit. Costs about the memory of the records as the
 * engine holds them (some 200 MB for five years of a nation). NULL when out
 * of memory; dsms_kept_free frees it. One computation at a time uses it. */
typedef struct dsms_kept dsms_kept;
dsms_kept *dsms_kept_new(void);
void dsms_kept_free(dsms_kept *k);
/* Bring k up to date with the store without computing (a server, as it
 * starts, so that its first computation reads only what changed since). It
 * takes the store's write lock while it reads: the caller must hold none.
 * 0, or -1 with err set, when the next computation reads every record. */
int dsms_kept_read(dsms_kept *k, dsms_store *st, dsms_err *err);
/* dsms_compute, reading the store through k. Returns as dsms_compute; after
 * a failure, the next computation reads every record again. */
int dsms_compute_kept(dsms_store *st, dsms_kept *k, const char *const *only, size_t nonly,
                      dsms_compute_report *rep, dsms_err *err);

#endif
