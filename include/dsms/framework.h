/* dsms/framework.h — outcomes frameworks as data.
 *
 * A framework is a human-edited YAML file (docs/frameworks.md): its
 * outcomes, and under each its metrics, each with where its figures come from
 * (a measure with its breakdown and category, a series of published
 * statistics, or none yet, saying why), its polarity, its baseline period
 * and its target (a value, a change or a change in percent, due by a
 * period). dsms_framework_read parses and checks one against the measures;
 * what needs the store (a baseline with no figure, a target already met) is
 * checked by the caller. */
#ifndef DSMS_FRAMEWORK_H
#define DSMS_FRAMEWORK_H

#include <stddef.h>

#include "dsms/diag.h"
#include "dsms/measures.h"
#include "dsms/stats.h"
#include "dsms/trajectory.h"

typedef enum { DSMS_FROM_NONE, DSMS_FROM_MEASURE, DSMS_FROM_SERIES } dsms_metric_source;

enum { DSMS_FW_ID = 48, DSMS_FW_TEXT = 400 };

typedef struct {
    char id[DSMS_FW_ID], name[DSMS_FW_TEXT];
    char outcome[DSMS_FW_ID];        /* the outcome it is under */
    char where[DSMS_FW_ID];          /* where the strategy names it ("L1079"), or "" */
    dsms_metric_source source;
    char from[DSMS_FW_ID];           /* the measure's id or the series' code */
    char breakdown[DSMS_FW_ID];      /* a measure's: "all" unless given */
    char category[DSMS_FW_ID];       /* likewise */
    char why_none[DSMS_FW_TEXT];     /* DSMS_FROM_NONE: why there is no source yet */
    char note[DSMS_FW_TEXT];         /* what a reader should know of it, or "" */
    dsms_polarity polarity;
    char baseline[DSMS_PERIOD_LEN];  /* "" when none is set */
    int has_target;
    dsms_target_kind target_kind;
    double target;
    char due[DSMS_PERIOD_LEN];
    int line;                        /* where the metric begins in the file */
} dsms_metric;

/* Most areas a local framework may name. */
enum { DSMS_FW_MAX_AREAS = 64 };

typedef struct {
    char id[DSMS_FW_ID], name[DSMS_FW_TEXT];
    /* Whom it is for: England (nothing given), a partnership (its code, as in
     * partnerships.csv), or areas (their codes); checked against the
     * reference data by the caller. */
    char partnership[DSMS_FW_ID];
    char areas[DSMS_FW_MAX_AREAS][16];
    size_t nareas;
    size_t noutcomes;
    dsms_metric *metrics;            /* in the file's order */
    size_t nmetrics;
} dsms_framework;

/* Read and check the framework in path: YAML that libfyaml parses, with the
 * fields docs/frameworks.md lists and no others; every measure a known one
 * with the breakdown named, every period well formed, every target due after
 * its baseline. 0, or -1 with err set to "path:line: field: what was
 * expected" (the first fault found) and *fw empty. dsms_framework_free
 * frees what it holds. */
int dsms_framework_read(const char *path, dsms_framework *fw, dsms_err *err);
/* The text of the framework file path, NUL-terminated, in *text (the
 * caller's to free) and its length in *len: 0, or -1 with err set when it
 * cannot be read or is too large to be a framework (4 MiB). */
int dsms_framework_text(const char *path, char **text, size_t *len, dsms_err *err);
/* dsms_framework_read of a framework given as text (len bytes, not
 * necessarily NUL-terminated), named name in messages. */
int dsms_framework_parse(const char *text, size_t len, const char *name, dsms_framework *fw,
                         dsms_err *err);
void dsms_framework_free(dsms_framework *fw);

/* Where one metric stands (dsms_framework_status). */
typedef struct {
    const dsms_metric *metric;
    char period[DSMS_PERIOD_LEN]; /* the latest period held against the target, or "" */
    double baseline;              /* the figure for the baseline period; NaN: none */
    double value, lower95, upper95; /* the latest figure and its 95% limits; NaN: none */
    char trend[32];               /* its direction of travel (the trend test), or "" */
    dsms_standing standing;       /* status, target, trajectory and gap (trajectory.h) */
    const char *why;              /* why there is no status: static text, or "" */
    int suppressed;               /* the figure or the baseline's is withheld from the public */
} dsms_metric_status;

/* Each of fw's metrics held against its target for area (NULL: England) in
 * period (NULL: the latest financial year the results have for the metric),
 * from the store's results: out[i] for fw->metrics[i]. A metric drawn from a
 * series or with no source, or whose figures are not in the results, is not
 * yet assessable and says why. 0, or -1 with err set on a store error. */
int dsms_framework_status(dsms_store *st, const dsms_framework *fw, const char *area,
                          const char *period, dsms_metric_status *out, dsms_err *err);

/* How a status is shown, by the command and the reports alike (static text,
 * or s's; these cannot fail): its direction of travel in a word ("no
 * change" for no significant change, "-" for none); its status, or why it
 * has none when it is not yet assessable; and the decimal places of one of
 * its figures: none from 100 up, else one. */
const char *dsms_metric_travel(const char *trend);
const char *dsms_metric_status_text(const dsms_metric_status *s);
int dsms_metric_digits(double x);
/* Each status of metric m for each of the n places codes, its figures read
 * once for all of them: for each place, one status for each financial or
 * calendar year (or pooled years) it has a figure for, latest set for the
 * latest; a place with no figure at all, one with no period and latest set,
 * saying why. Text in s is valid during the call. 0, or -1 with err set on
 * a store error or a failed callback (diag.h, "Callbacks"). */
typedef int (*dsms_place_status_fn)(void *ctx, const char *area, const dsms_metric_status *s,
                                    int latest);
int dsms_metric_each_place_status(dsms_store *st, const dsms_metric *m,
                                  const char *const *codes, size_t n, dsms_place_status_fn fn,
                                  void *ctx, dsms_err *err);

/* ---- frameworks loaded into the store (restatus.c) ---- */

/* Whether fw (read from path) holds against the reference data: the
 * partnership or areas it is for are there, and each series metric's series
 * is in the catalogue with the polarity it gives. 0, or -1 with err set to
 * "path[:line]: field: what was expected". */
int dsms_framework_check_ref(const char *path, const dsms_framework *fw, const dsms_refdata *ref,
                             dsms_err *err);
/* Load each of the n frameworks (read and checked as dsms_framework_read
 * does, against ref's places too) into st, each replacing a framework of
 * its id, and work out their statuses, all in one transaction: nothing is
 * loaded unless every one is sound. by is who loads them (the audit record).
 * 0, or -1 with err set ("path:line: field: ..." for a fault). */
int dsms_framework_load(dsms_store *st, const char *const *paths, size_t n, const char *by,
                        dsms_err *err);
/* Load, in the caller's transaction, every framework for England in
 * the .yaml files of DIR/frameworks (those shipped with the reference data), in order of
 * file name, and work out the statuses; *loaded says how many. A framework
 * for a partnership or areas (a template) is left for its partnership to
 * load. 0, or -1 with err set. */
int dsms_framework_load_shipped(dsms_store *st, const char *dir, const dsms_refdata *ref,
                                const char *by, size_t *loaded, dsms_err *err);
/* The loaded framework id, read from the store into *fw (dsms_framework_free
 * frees it): 1, or 0 when none of that id is loaded (*fw empty), or -1 with
 * err set. */
int dsms_framework_fetch(dsms_store *st, const char *id, dsms_framework *fw, dsms_err *err);
/* The stored statuses of fw (a loaded framework) for the place area, in
 * period (NULL: each metric's latest), into s[0..fw->nmetrics): a metric
 * with no stored status says why (no source yet, no figure in the period);
 * why holds the text s[i].why points to, one per metric. 0, or -1 with err
 * set on a store error or when no status at all is stored for the place
 * (the framework is not for it). */
int dsms_framework_stored(dsms_store *st, const dsms_framework *fw, const char *area,
                          const char *period, dsms_metric_status *s, char (*why)[DSMS_FW_TEXT],
                          dsms_err *err);
/* Work out every loaded framework's statuses again, for England, each
 * region and each area when it is England's, else for its areas, and replace
 * them, in the caller's transaction: the dsms_store_derive_fn lib/steer
 * sets with dsms_framework_attach. */
int dsms_framework_restatus(void *ctx, dsms_store *st, dsms_err *err);
/* Have st work the statuses out again whenever its results or series
 * change (dsms_store_set_derive). */
void dsms_framework_attach(dsms_store *st);

/* The last day (days since 1970) of a period label: a calendar year "2024",
 * calendar years pooled "2022-2024" (up to ten), a financial year "2024-25",
 * a financial quarter "2024-25-Q1". -1 when the
 * label is none of these. Cannot fail otherwise. */
int64_t dsms_period_end(const char *label);

#endif
