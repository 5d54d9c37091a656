/* warn_int.h — inside early warning: the reports and deaths read from the
 * store into plain arrays (warn_load.c), which the signals (warn_novelty.c,
 * warn_exceed.c, warn_cluster.c) read and turn into dsms_signal values. */
#ifndef DSMS_WARN_INT_H
#define DSMS_WARN_INT_H

#include <jansson.h>

#include "dsms/refdata.h"
#include "dsms/substances.h"
#include "dsms/warn.h"

enum { EW_SUBS = 6 };           /* substances kept per report */
/* Severity codes as stored (1-based: none, mild, moderate, severe, fatal):
 * from severe a reaction counts towards a cluster. */
enum { EW_SEVERE = 4, EW_FATAL = 5 };

typedef struct {
    int sampled, reported;      /* days since 1970-01-01 */
    int place;                  /* areas first, then prisons (ew_data.nplaces) */
    int area, region;           /* the area (a prison's own) and its region, or -1 */
    int sub[EW_SUBS], nsub;     /* substances identified: register indices */
    int sold_as;                /* register index, or -1 */
    int text;                   /* unmatched substance_text: pool offset, or -1 */
    int reporter, ref;          /* pool offsets */
    unsigned char source;       /* ew_source code, 0-based */
    unsigned char toxicology;   /* the source counts as toxicology */
    unsigned char hospital;     /* hospital toxicology */
    unsigned char matrix;       /* matrix code, 0-based */
    unsigned char product;      /* the matrix is a product, not a body fluid */
    unsigned char severity;     /* 0 none given, then none, mild, moderate, severe, fatal */
    unsigned char matched;      /* sub[] came from matching substance_text */
} ew_report;

typedef struct {
    int day, known;             /* date of death; registered (or died) */
    int area;
    unsigned families;          /* bit per dsms_families index */
} ew_death;

typedef struct {
    dsms_refdata ref;
    dsms_substances reg;
    ew_report *r;
    size_t nr, capr;
    ew_death *d;
    size_t nd, capd;
    char *pool;
    size_t npool, cappool;
    size_t nplaces;             /* areas then prisons */
    int first_report;           /* the earliest day a report was sampled */
    int first_day, last_day;    /* the earliest and latest day sampled, or died */
} ew_data;

/* Read the register, the reference data, the reports and the deaths
 * reported on or before today. 0, or -1 with err set (d freed). */
int ew_load(dsms_store *st, int today, ew_data *d, dsms_err *err);
void ew_free(ew_data *d);

/* A place's code and name: an area's or a prison's. */
const char *ew_place_code(const ew_data *d, int place);
const char *ew_place_name(const ew_data *d, int place);
const char *ew_text(const ew_data *d, int offset);
/* The code of number i (0-based) in the code list of an ew_reports field,
 * "" for none. */
const char *ew_code(const char *field, int i);

/* The signals found so far, grown by ew_add; a signal's evidence is the
 * reports given (indices into d->r), at most DSMS_SIGNAL_EVIDENCE kept. */
typedef struct {
    dsms_signal *s;
    size_t n, cap;
} ew_signals;
dsms_signal *ew_add(ew_signals *out, dsms_signal_kind kind, const char *what);
/* The signal's evidence JSON from its reports (in the order given; the
 * first DSMS_SIGNAL_EVIDENCE) and the members of extra (may be NULL; taken
 * and freed); sets reports and known. 0, or -1 out of memory. */
int ew_evidence(const ew_data *d, dsms_signal *s, const size_t *idx, size_t n, json_t *extra);
/* Append the area of each report (no repeats, at most what fits) to s->areas. */
void ew_areas(const ew_data *d, dsms_signal *s, const size_t *idx, size_t n);

int ew_novelty(const ew_data *d, const dsms_warn_opts *o, ew_signals *out);
int ew_clusters(const ew_data *d, const dsms_warn_opts *o, ew_signals *out);
int ew_exceedance(const ew_data *d, const dsms_warn_opts *o, ew_signals *out, dsms_err *err);

/* Monday of the ISO week of a day. */
int ew_monday(int day);
/* Whether a family is one whose potency makes any signal of it high. */
int ew_potent(int family);
/* Sort report indices by day sampled, then reported, then position. */
void ew_sort_by_day(const ew_data *d, size_t *idx, size_t n);

#endif
