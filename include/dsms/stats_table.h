/* dsms/stats_table.h — the statistical methods (stats.h) over a CSV file, as
 * `dsms stats` runs them: the input read by its column names and checked row
 * by row, each method computed, and the result kept as a table of text cells
 * to be written as CSV or JSON. docs/statistics.md describes each method's
 * columns. */
#ifndef DSMS_STATS_TABLE_H
#define DSMS_STATS_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "dsms/csv.h"
#include "dsms/diag.h"
#include "dsms/stats.h"

typedef enum {
    DSMS_STATS_PROPORTION, /* numerator,denominator: Wilson */
    DSMS_STATS_RATE,       /* count,denominator: exact Poisson below 10, Byar's from 10 */
    DSMS_STATS_DSR,        /* area,age_band,count,population: Dobson, 2013 ESP */
    DSMS_STATS_MEAN,       /* area,value: Student's t */
    DSMS_STATS_FUNNEL,     /* numerator (or count),denominator: control limits */
    DSMS_STATS_COMPARE,    /* lowerL,upperL and a benchmark */
    DSMS_STATS_TREND,      /* area,period,numerator,denominator: chi-squared for trend */
    DSMS_STATS_ISR,        /* area,age_band,count,population and the reference's counts and
                            * populations: indirectly standardised ratio or rate */
    DSMS_STATS_METHODS
} dsms_stats_method;

/* The method called name, or -1. A method's name is a static string
 * ("unknown" for a value out of range). */
int dsms_stats_method_find(const char *name);
const char *dsms_stats_method_name(dsms_stats_method m);

#define DSMS_STATS_MAX_LEVELS 4
/* The largest multiplier: per thousand million. */
#define DSMS_STATS_MULTIPLIER_MAX 1000000000
/* The largest count, denominator or population: 2^53. Every whole number up
 * to it is held exactly in a double; past it, 9007199254740993 would be read
 * as 9007199254740992. Denominators and populations stop there too, so that
 * no sum over a file's rows overflows. */
#define DSMS_STATS_COUNT_MAX 9007199254740992
/* The most points of a funnel's limits (FROM:TO:STEP). */
#define DSMS_STATS_MAX_STEPS 100000

typedef struct {
    dsms_stats_method method;
    /* Confidence levels as percentages (95, 99.8); none: the method's default
     * (95 and 99.8; 99.8 alone for trend). */
    double level[DSMS_STATS_MAX_LEVELS];
    size_t nlevels;
    double multiplier;        /* NaN: the method's default */
    double benchmark;         /* compare: NaN to take each row's benchmark column */
    dsms_polarity polarity;   /* compare */
    int funnel_rate;          /* funnel: 1 for a rate (count,denominator) */
    int funnel_ratio;         /* funnel: 1 for a ratio (observed,expected); baseline 1 */
    int funnel_dsr;           /* funnel: 1 for a directly standardised rate (count,rate) */
    double years;             /* funnel_dsr: years of data pooled in each rate (> 0) */
    int isr_rate;             /* isr: 1 for the rate, ratio x the reference's crude rate */
    dsms_csv *reference;      /* isr: age_band,ref_count,ref_population, or NULL to take
                               * ref_count,ref_population from the input's rows */
    const char *reference_path; /* its name in messages */
    double baseline;          /* funnel: in output units (x multiplier); NaN: pooled */
    int limits;               /* funnel: 1 for a table of limits over denominators */
    double from, to, step;    /* that table's range; step 0: 100 points, evenly on a log scale */
} dsms_stats_opts;

/* Options with every default (cannot fail). */
void dsms_stats_opts_init(dsms_stats_opts *o, dsms_stats_method m);

/* A result: named columns, rows of text cells (NULL: no value). A cell marked
 * numeric is a finite number written as text (%.15g for computed values,
 * more digits where a limit would otherwise look equal to its value; as
 * written for input values). The first ninput columns are the input's, as
 * written; the last is always "note": empty, or why a figure of the row is
 * not given. No other cell is empty without a note. The table owns its names
 * and cells, valid until dsms_stats_table_free. */
typedef struct {
    size_t ncols, nrows, cap;
    size_t ninput;
    char **name;
    char **cell;          /* nrows * ncols */
    unsigned char *num;   /* nrows * ncols */
} dsms_stats_table;

/* A number as dsms stats reads one: an optional minus, decimal digits with
 * at most one point, an optional exponent (2.5, 1e3, -0.4); no spaces, plus
 * sign, hexadecimal, infinity or NaN, and nothing beyond a double's range
 * or so near 0 that it would lose digits. 0 and *out set; -1 if not, *out
 * untouched. */
int dsms_stats_number(const char *s, double *out);

/* Run a method over CSV input (path names it in messages). csv may be NULL
 * only for a funnel limits table with a baseline given (or for a ratio's,
 * whose baseline is 1). o, path and csv are
 * used during the call only; csv stays the caller's to close. On success the
 * caller frees out with dsms_stats_table_free. On a problem, err
 * holds "path:line: column: what is wrong (expected ...)" (or "path: ..."
 * about the whole file, "path: out of memory") and -1 is returned, with out
 * empty (nothing to free). */
int dsms_stats_run(const dsms_stats_opts *o, const char *path, dsms_csv *csv,
                   dsms_stats_table *out, dsms_err *err);
/* Free t's names and cells and leave it empty (freeing it again is harmless);
 * t itself is the caller's. */
void dsms_stats_table_free(dsms_stats_table *t);

/* Write a result as CSV (header and rows), or as a JSON array of objects
 * (numbers as numbers, no value as null). f stays the caller's, open. -1 on a
 * write error (for JSON also out of memory), when f may hold part of it. */
int dsms_stats_write_csv(const dsms_stats_table *t, FILE *f);
int dsms_stats_write_json(const dsms_stats_table *t, FILE *f);

#endif
