/* dsms/warn.h — early warning (docs/early-warning.md): the signals found in
 * the early-warning reports and the deaths, and the alerts they raise.
 *
 * Three kinds of signal. Novelty: a substance identified for the first time
 * in the country or in a region, or in a new matrix, or sold as something it
 * has not been sold as before; and a name reported that the substance
 * register does not know, after matching. Exceedance: a week's count of
 * reports, deaths or hospital toxicology of a substance family in an area
 * (or England) above the Farrington flexible threshold from its own
 * history. Cluster: several severe reactions to one substance in one place
 * within a few days. Each signal is named by a key, so that finding it again
 * changes its alert instead of adding one. */
#ifndef DSMS_WARN_H
#define DSMS_WARN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dsms/diag.h"
#include "dsms/farrington.h"
#include "dsms/store.h"

typedef enum { DSMS_SIGNAL_NOVELTY, DSMS_SIGNAL_EXCEEDANCE, DSMS_SIGNAL_CLUSTER } dsms_signal_kind;
/* "novelty", "exceedance", "cluster"; NULL out of range. Cannot fail. */
const char *dsms_signal_kind_name(dsms_signal_kind k);

typedef struct {
    int today;          /* days since 1970-01-01: what was reported after it is not seen */
    int since;          /* signals that begin before it are not returned (INT_MIN: all) */
    int learning_weeks; /* the data's first weeks: what they show is known, not new (52) */
    int cluster_size;   /* severe reactions that make a cluster (3) */
    int cluster_days;   /* within this many days of each other (7) */
    dsms_farrington_opts farrington; /* exceedance: the Noufaily settings, alpha 0.001 */
} dsms_warn_opts;
/* The defaults above, for today. Cannot fail. */
void dsms_warn_opts_init(dsms_warn_opts *o, int today);

/* A signal. Its text is the signal's own; evidence is JSON: the reports
 * behind it (at most DSMS_SIGNAL_EVIDENCE of them, and how many there were)
 * and, for an exceedance, the week's count, expected count and threshold. */
enum { DSMS_SIGNAL_EVIDENCE = 50 };
typedef struct {
    dsms_signal_kind kind;
    char what[16];      /* novelty: country, region, matrix, sold_as, unregistered;
                           exceedance: reports, deaths, toxicology; cluster: severe */
    char key[200];
    char severity[8];   /* low, medium, high */
    char substance[48]; /* the register's code; "" for a family's exceedance */
    char family[32];
    char areas[256];    /* the areas concerned, codes separated by ';' */
    char period[12];    /* the day it began, YYYY-MM-DD (a week: its Monday) */
    char title[240];
    int day;            /* the day it began */
    int known;          /* the day it could first be known: its latest report's */
    int reports;        /* reports behind it */
    double count, expected, threshold; /* exceedance: the first alarm week's; else NaN */
    char *evidence;
} dsms_signal;

/* Find every signal in the store's reports and deaths. *out (n of them,
 * ordered by the day they began, then key) is the caller's to free with
 * dsms_signals_free. 0, or -1 with err set and nothing returned. */
int dsms_warn_signals(dsms_store *st, const dsms_warn_opts *o, dsms_signal **out, size_t *n,
                      dsms_err *err);
void dsms_signals_free(dsms_signal *s, size_t n);

/* What raising the signals did. */
typedef struct {
    size_t signals, created, updated;
} dsms_warn_summary;
/* Raise an alert for each signal (dsms_store_alert_raise) in one
 * transaction, and audit the run by actor. 0, or -1 with err set and
 * nothing changed. */
int dsms_warn_raise(dsms_store *st, const dsms_signal *s, size_t n, const char *actor,
                    dsms_warn_summary *sum, dsms_err *err);

/* The alert states and the moves between them: assess (new to assessed),
 * issue (new or assessed to issued), close (any but closed to closed). */
typedef enum { DSMS_ALERT_ASSESS, DSMS_ALERT_ISSUE, DSMS_ALERT_CLOSE } dsms_alert_action;
/* The action of a name ("assess", "issue", "close"); -1 for none. Cannot fail. */
int dsms_alert_action_find(const char *name);

/* Where an issued alert goes: a directory that receives a JSON file an
 * alert, and a web address it is posted to; either may be NULL. The
 * store's settings keep them (dsms alerts config). */
typedef struct {
    const char *outbox, *webhook;
} dsms_alert_delivery;
/* The delivery the store's settings name, its text in buf (n bytes). 0, or
 * -1 with err set. */
int dsms_alert_delivery_get(dsms_store *st, dsms_alert_delivery *d, char *buf, size_t n,
                            dsms_err *err);

/* Move alert id by action, by actor, with a note (required for close), in
 * one transaction with its audit line; an issued alert is then delivered.
 * 1 done; 0 when there is no such alert or its state does not allow the
 * action (err says which); -1 with err set on failure. An issued alert
 * goes to the outbox and webhook the store's settings name, if any; a
 * delivery that fails after the move leaves the move made: *undelivered is
 * set and err says why (dsms_alert_deliver tries again). */
int dsms_alert_act(dsms_store *st, int64_t id, dsms_alert_action action, const char *actor,
                   const char *note, int *undelivered, dsms_err *err);
/* Deliver alert id (issued) to the store's outbox and webhook, audited as
 * actor's: 0, or -1 with err set (also when neither is set). The outbox
 * file is written whole or not at all. */
int dsms_alert_deliver(dsms_store *st, int64_t id, const char *actor, dsms_err *err);

/* Whether a list of area codes separated by ';' (an alert's areas) holds
 * code. Cannot fail. */
int dsms_alert_concerns(const char *areas, const char *code);

/* The alert as JSON text (its history included), the caller's to free. */
char *dsms_alert_json(dsms_store *st, const dsms_stored_alert *a, dsms_err *err);

/* Notifications of new substances for international early warning
 * (docs/early-warning.md, "International reporting"): every issued novelty
 * alert of a substance new to the country, as CSV with the fields of the
 * EU Early Warning System's reporting form (format "eu") or of UNODC's
 * Early Warning Advisory (format "unodc"), or both as JSON ("json").
 * 0, or -1 with err set. */
int dsms_warn_export(dsms_store *st, const char *format, FILE *f, dsms_err *err);

#endif
