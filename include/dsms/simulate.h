/* dsms/simulate.h — a simulated nation: people who use drugs and alcohol living
 * through treatment, arrest, court, prison and death in England's areas,
 * written as the CSV submissions each provider, prison, police force,
 * probation region and the mortality supplier would send, one per
 * organisation per financial year. Same options and seed, same bytes. */
#ifndef DSMS_SIMULATE_H
#define DSMS_SIMULATE_H

#include <stdint.h>

#include "dsms/diag.h"
#include "dsms/refdata.h"

typedef struct {
    long people;          /* people with a treatment need at any one time */
    int years;            /* financial years to write */
    int start_year;       /* the first: 2021 is April 2021 to March 2022 */
    uint64_t seed;
    double error_rate;    /* share of rows given a planted error (0 for none) */
    const char *out;      /* directory to create; must not exist */
    /* Told, from the calling thread, of each year's people as they are
     * lived (period "2024-25", valid only during the call, done of total);
     * NULL for none. */
    void (*progress)(void *ctx, const char *period, long done, long total);
    void *progress_ctx;
    int no_early_warning; /* write no early-warning reports (ew_reports) */
    int no_outbreaks;     /* early-warning reports without the planted outbreaks */
} dsms_sim_options;

enum { DSMS_SIM_TABLES = 8 };

typedef struct {
    long files, rows, planted;
    long series;                       /* values of published series in series.csv */
    long table_rows[DSMS_SIM_TABLES];  /* in data-set table order */
    int outbreaks;                     /* early-warning outbreaks planted */
} dsms_sim_summary;

/* The default number of people: about 300,000 in treatment a year. */
enum { DSMS_SIM_DEFAULT_PEOPLE = 800000 };

/* Write the nation into o->out (built in a sibling temporary directory,
 * OUT.partial-PID, and renamed into place; on failure that directory is
 * removed with everything in it, so nothing is left behind). 0, or -1 with
 * err set: bad options or reference data, o->out or OUT.partial-PID already
 * there (neither is then touched), out of memory, a file that could not be
 * written; sum, zeroed first, then counts nothing useful. ref and o are
 * used during the call only. Layout:
 *   OUT/YYYY-YY/SOURCE/TABLE.csv   one submission per organisation per year
 *   OUT/manifest.csv               period,source,table,file,rows
 *   OUT/planted.csv                file,line,table,field,kind (with errors)
 *   OUT/series.csv                 the nation's published series, simulated
 *                                  (docs/series.md)
 *   OUT/ew_outbreaks.csv           the early-warning outbreaks planted: id, kind,
 *                                  where, first week and more (docs/simulation.md)
 *   OUT/ew_outbreak_reports.csv    outbreak,period,reporter_code,report_ref of
 *                                  every report an outbreak added */
int dsms_simulate(const dsms_refdata *ref, const dsms_sim_options *o, dsms_sim_summary *sum,
                  dsms_err *err);

#endif
