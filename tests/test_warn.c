/* test_warn.c — early warning on stores made for the purpose: the edge cases
 * of finding signals that are awkward to reach from the command line (no
 * reports, only deaths, every report on one day, a prison's reports counted
 * in its area, a substance given twice in one report, ISO weeks and their
 * boundaries, since), the exceedance threshold against dsms_farrington on
 * the same counts, the evidence, and the alerts: every action from every
 * state, and raising that is idempotent and leaves a closed alert alone. */
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dsms/field.h"
#include "dsms/warn.h"
#include "support.h"
#include "warn_int.h"

static const char *EW_HEADER =
    "reporter_code,report_ref,source_type,date_sampled,date_reported,area_code,prison_code,"
    "substances,substance_text,matrix,sold_as,adverse_effects,severity,initials,date_of_birth,"
    "sex\n";
static const char *DEATH_HEADER =
    "death_ref,initials,date_of_birth,sex,area_code,date_of_death,drug_misuse,substances,"
    "registration_date\n";

static int day_of(const char *s) { return (int)dsms_date_parse(s, strlen(s)); }

/* Text that grows, for the CSV files. */
typedef struct {
    char *s;
    size_t n, cap;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (t->n + (size_t)k + 1 > t->cap) {
        t->cap = (t->n + (size_t)k + 1) * 2;
        t->s = realloc(t->s, t->cap);
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
    va_end(ap);
    t->n += (size_t)k;
}

/* A report: sampled on day, reported the day after, in place (an area code,
 * or a prison's when it starts "HMP"). */
static void report(text *t, const char *ref, int day, const char *place, const char *subs,
                   const char *severity)
{
    char s[11], r[11];
    dsms_date_format(day, s);
    dsms_date_format(day + 1, r);
    int prison = strncmp(place, "HMP", 3) == 0;
    add(t, "FEWS,%s,forensic_lab,%s,%s,%s,%s,%s,,powder,,,%s,,,\n", ref, s, r,
        prison ? "" : place, prison ? place : "", subs, severity);
}

/* A store with the reports (may be NULL) and deaths (may be NULL) imported. */
static dsms_store *store_with(const char *reports, const char *deaths)
{
    dsms_store *st = support_store();
    dsms_import_result res[1];
    diag_list diags;
    if (reports) {
        const char *f[] = {support_file("ew.csv", reports)};
        int rc = support_import(st, "FEWS", f, 1, res, &diags, 0);
        CHECK_INT(rc, DSMS_OK);
        if (rc != DSMS_OK && diags.n)
            fprintf(stderr, "  %ld: %s: %s\n", (long)diags.d[0].line, diags.d[0].field,
                    diags.d[0].message);
    }
    if (deaths) {
        const char *f[] = {support_file("deaths.csv", deaths)};
        CHECK_INT(support_import(st, "ONS", f, 1, res, &diags, 0), DSMS_OK);
    }
    return st;
}

static dsms_signal *signals(dsms_store *st, const dsms_warn_opts *o, size_t *n)
{
    dsms_signal *s = NULL;
    dsms_err err = {""};
    int rc = dsms_warn_signals(st, o, &s, n, &err);
    CHECK_INT(rc, 0);
    if (rc) fprintf(stderr, "  dsms_warn_signals: %s\n", err.msg);
    return s;
}

static const dsms_signal *find_key(const dsms_signal *s, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s[i].key, key) == 0) return &s[i];
    return NULL;
}

static size_t count_kind(const dsms_signal *s, size_t n, dsms_signal_kind k)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) c += s[i].kind == k;
    return c;
}

static void opts_all(dsms_warn_opts *o, const char *today)
{
    dsms_warn_opts_init(o, day_of(today));
    o->since = INT_MIN;
}

/* ---- the week: ISO weeks begin on Monday ---- */

static void test_weeks(void)
{
    static const struct {
        const char *day, *monday;
    } cases[] = {
        {"2026-01-05", "2026-01-05"}, /* a Monday is its own */
        {"2026-01-04", "2025-12-29"}, /* the Sunday before is the week before's */
        {"2026-01-11", "2026-01-05"},
        {"1970-01-01", "1969-12-29"}, /* day 0, a Thursday */
        {"1969-12-28", "1969-12-22"}, /* before day 0 */
        {"2020-12-31", "2020-12-28"}, /* week 53 of 2020 */
        {"2021-01-03", "2020-12-28"}, /* still week 53 of 2020, a Sunday of 2021 */
        {"2021-01-04", "2021-01-04"}, /* week 1 of 2021 */
        {"2015-12-31", "2015-12-28"}, /* 2015 had 53 weeks too */
        {"2016-01-03", "2015-12-28"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char got[11];
        dsms_date_format(ew_monday(day_of(cases[i].day)), got);
        CHECK_STR(got, cases[i].monday);
    }
}

/* ---- stores with little or odd data ---- */

static void test_empty(void)
{
    dsms_store *st = store_with(NULL, NULL);
    dsms_warn_opts o;
    opts_all(&o, "2026-06-30");
    size_t n = 99;
    dsms_signal *s = signals(st, &o, &n);
    CHECK_INT(n, 0);
    dsms_signals_free(s, n);
    dsms_store_close(st);
}

/* Deaths alone: no novelty and no cluster; a week of many deaths of an
 * opioid against years of a steady few is an exceedance of deaths, high. */
static void test_only_deaths(void)
{
    text t = {0};
    add(&t, "%s", DEATH_HEADER);
    int first = day_of("2021-05-03"), spike = day_of("2026-06-15");
    int k = 0;
    for (int w = first; w <= spike; w += 7)
        for (int i = 0; i < (w == spike ? 12 : 1 + (w / 7) % 2); i++) {
            char died[11], reg[11];
            dsms_date_format(w + i % 5, died);
            dsms_date_format(w + 7, reg);
            add(&t, "D%d,QZ,1980-01-01,M,E06000001,%s,Y,heroin,%s\n", k++, died, reg);
        }
    dsms_store *st = store_with(NULL, t.s);
    dsms_warn_opts o;
    opts_all(&o, "2026-06-30");
    size_t n;
    dsms_signal *s = signals(st, &o, &n);
    CHECK_INT(count_kind(s, n, DSMS_SIGNAL_NOVELTY), 0);
    CHECK_INT(count_kind(s, n, DSMS_SIGNAL_CLUSTER), 0);
    const dsms_signal *a = find_key(s, n, "exceedance|deaths|opioids|E06000001|2026-06-15");
    const dsms_signal *e = find_key(s, n, "exceedance|deaths|opioids|E92000001|2026-06-15");
    CHECK(a && e);
    CHECK_INT(count_kind(s, n, DSMS_SIGNAL_EXCEEDANCE), 2);
    if (a) {
        CHECK_STR(a->severity, "high");
        CHECK_STR(a->what, "deaths");
        CHECK_STR(a->areas, "E06000001");
        CHECK(a->count == 12 && a->threshold < 12 && a->expected < a->threshold);
        CHECK_INT(a->known, day_of("2026-06-21"));
    }
    dsms_signals_free(s, n);
    /* Registered after today: not yet known, no signal. */
    opts_all(&o, "2026-06-21");
    s = signals(st, &o, &n);
    CHECK_INT(n, 0);
    dsms_signals_free(s, n);
    dsms_store_close(st);
    free(t.s);
}

/* Every report on one day: nothing new (all in the learning weeks), no
 * history for exceedance, and a cluster of the severe ones. */
static void test_one_day(void)
{
    text t = {0};
    add(&t, "%s", EW_HEADER);
    int d = day_of("2026-03-04");
    for (int i = 0; i < 5; i++) {
        char ref[16];
        snprintf(ref, sizeof ref, "R%d", i);
        report(&t, ref, d, "E08000025", "metonitazene", i < 3 ? "severe" : "");
    }
    dsms_store *st = store_with(t.s, NULL);
    dsms_warn_opts o;
    opts_all(&o, "2026-06-30");
    o.learning_weeks = 1;
    size_t n;
    dsms_signal *s = signals(st, &o, &n);
    CHECK_INT(n, 1);
    const dsms_signal *c = find_key(s, n, "cluster|metonitazene|E08000025|2026-03-04");
    CHECK(c != NULL);
    if (c) {
        CHECK_INT(c->reports, 3);
        CHECK_STR(c->title, "3 severe reactions to Metonitazene in Birmingham on one day");
        CHECK_STR(c->severity, "high"); /* a nitazene */
        CHECK_STR(c->period, "2026-03-04");
        CHECK_INT(c->known, d + 1);
        CHECK(isnan(c->threshold));
    }
    dsms_signals_free(s, n);
    dsms_store_close(st);
    free(t.s);
}

/* A substance given twice in one report is one report of it. */
static void test_repeated_substance(void)
{
    text t = {0};
    add(&t, "%s", EW_HEADER);
    int d = day_of("2026-03-04");
    report(&t, "R1", d, "E08000025", "metonitazene;metonitazene", "severe");
    report(&t, "R2", d + 1, "E08000025", "metonitazene", "severe");
    dsms_store *st = store_with(t.s, NULL);
    dsms_warn_opts o;
    opts_all(&o, "2026-06-30");
    size_t n;
    dsms_signal *s = signals(st, &o, &n);
    CHECK_INT(count_kind(s, n, DSMS_SIGNAL_CLUSTER), 0);
    dsms_signals_free(s, n);
    o.cluster_size = 2;
    s = signals(st, &o, &n);
    CHECK_INT(count_kind(s, n, DSMS_SIGNAL_CLUSTER), 1);
    if (n) CHECK_INT(s[0].reports, 2);
    dsms_signals_free(s, n);
    dsms_store_close(st);
    free(t.s);
}

/* The cluster window: size severe reports within days of each other, each
 * next within days of the one before for the cluster to go on. */
static void test_cluster_window(void)
{
    static const struct {
        int at[6], n, size, days, clusters, first_size;
    } cases[] = {
        {{0, 3, 7}, 3, 3, 7, 1, 3},           /* 7 days apart: within 7 */
        {{0, 3, 8}, 3, 3, 7, 0, 0},           /* 8: not */
        {{0, 3, 7}, 3, 3, 6, 0, 0},
        {{0, 3, 7, 14}, 4, 3, 7, 1, 4},       /* then within 7 of the one before: one */
        {{0, 7, 14, 21}, 4, 3, 7, 0, 0},      /* never 3 within 7 */
        {{0, 1}, 2, 3, 7, 0, 0},
        {{0, 1}, 2, 2, 7, 1, 2},
        {{0, 1, 2, 20, 21, 22}, 6, 3, 7, 2, 3}, /* two outbreaks, two signals */
        {{0, 10, 20}, 3, 3, 20, 1, 3},
        {{0, 10, 20}, 3, 3, 10, 0, 0},        /* the first and third 20 apart */
        {{5, 0, 3}, 3, 3, 5, 1, 3},           /* in any order in the file */
    };
    int d = day_of("2026-03-02");
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        text t = {0};
        add(&t, "%s", EW_HEADER);
        for (int i = 0; i < cases[c].n; i++) {
            char ref[16];
            snprintf(ref, sizeof ref, "R%d", i);
            report(&t, ref, d + cases[c].at[i], "E06000001", "metonitazene", "severe");
        }
        dsms_store *st = store_with(t.s, NULL);
        dsms_warn_opts o;
        opts_all(&o, "2026-06-30");
        o.cluster_size = cases[c].size;
        o.cluster_days = cases[c].days;
        size_t n;
        dsms_signal *s = signals(st, &o, &n);
        size_t got = count_kind(s, n, DSMS_SIGNAL_CLUSTER);
        if (got != (size_t)cases[c].clusters) fprintf(stderr, "  cluster case %zu\n", c);
        CHECK_INT(got, cases[c].clusters);
        if (got) CHECK_INT(s[0].reports, cases[c].first_size);
        if (got) CHECK_STR(s[0].period, "2026-03-02");
        dsms_signals_free(s, n);
        dsms_store_close(st);
        free(t.s);
    }
}

/* Five years of reports at 1 or 2 a week in Birmingham, then spike reports
 * in the week of spike_week from place: the Farrington threshold of that
 * week, figured here from the same weekly counts, is the signal's. */
static void test_exceedance(const char *place, const char *area)
{
    text t = {0};
    add(&t, "%s", EW_HEADER);
    int first = day_of("2021-05-03"), spike = day_of("2026-06-15"), k = 0;
    enum { WEEKS = 270 };
    double counts[WEEKS] = {0};
    long days[WEEKS];
    size_t nweeks = 0;
    for (int w = first; w <= spike; w += 7, nweeks++) {
        int c = w == spike ? 9 : 1 + (int)(nweeks % 2);
        days[nweeks] = w;
        counts[nweeks] = c;
        for (int i = 0; i < c; i++) {
            char ref[16];
            snprintf(ref, sizeof ref, "W%d", k++);
            /* the spike's reports from place, on the week's Sunday and before */
            report(&t, ref, w + 6 - i % 7, w == spike ? place : "E08000025", "4_mec", "");
        }
    }
    dsms_store *st = store_with(t.s, NULL);
    dsms_warn_opts o;
    opts_all(&o, "2026-06-30");
    size_t n;
    dsms_signal *s = signals(st, &o, &n);
    char key[200];
    snprintf(key, sizeof key, "exceedance|reports|cathinones|%s|2026-06-15", area);
    const dsms_signal *a = find_key(s, n, key);
    const dsms_signal *e = find_key(s, n, "exceedance|reports|cathinones|E92000001|2026-06-15");
    CHECK(a != NULL);
    CHECK(e != NULL);
    CHECK_INT(count_kind(s, n, DSMS_SIGNAL_EXCEEDANCE), 2);
    dsms_farrington_week fw;
    dsms_err err = {""};
    CHECK_INT(dsms_farrington(&o.farrington, days, counts, nweeks, nweeks - 1, 1, &fw, &err), 0);
    CHECK(fw.alarm);
    if (e) {
        CHECK(e->count == 9);
        CHECK(fabs(e->threshold - fw.threshold) < 1e-9);
        CHECK(fabs(e->expected - fw.expected) < 1e-9);
        CHECK_STR(e->areas, "");
        CHECK_INT(e->reports, 9);
        CHECK_INT(e->known, spike + 7); /* the Sunday's report, reported on Monday */
        json_t *ev = json_loads(e->evidence, 0, NULL);
        CHECK(ev != NULL);
        CHECK_INT(json_integer_value(json_object_get(ev, "total_reports")), 9);
        CHECK_INT(json_array_size(json_object_get(ev, "reports")), 9);
        CHECK_STR(json_string_value(json_object_get(
                      json_array_get(json_object_get(ev, "reports"), 0), "place")),
                  place);
        json_decref(ev);
    }
    if (a) {
        /* the area's counts are England's when the spike is Birmingham's */
        if (strcmp(area, "E08000025") == 0) CHECK(fabs(a->threshold - fw.threshold) < 1e-9);
        CHECK_STR(a->areas, area);
        CHECK_INT(a->reports, 9);
    }
    dsms_signals_free(s, n);
    /* since: a week after the spike began, it is not returned */
    o.since = spike + 7;
    s = signals(st, &o, &n);
    CHECK_INT(n, 0);
    dsms_signals_free(s, n);
    o.since = spike;
    s = signals(st, &o, &n);
    CHECK_INT(count_kind(s, n, DSMS_SIGNAL_EXCEEDANCE), 2);
    /* the spike from a prison in the North West is 4-MEC's first there, but 4-MEC
     * has been about for years: a region's first is a signal only while the
     * substance is new */
    CHECK_INT(count_kind(s, n, DSMS_SIGNAL_NOVELTY), 0);
    dsms_signals_free(s, n);
    dsms_store_close(st);
    free(t.s);
}

/* A report sampled on the Sunday before the spike's week is the week
 * before's; the Monday's is the spike's. */
static void test_week_boundary(void)
{
    text t = {0};
    add(&t, "%s", EW_HEADER);
    int first = day_of("2021-05-03"), spike = day_of("2026-06-15"), k = 0;
    for (int w = first; w <= spike; w += 7) {
        int c = w == spike ? 9 : 2;
        for (int i = 0; i < c; i++) {
            char ref[16];
            snprintf(ref, sizeof ref, "W%d", k++);
            /* the spike week's reports all on its Monday; the others on Sundays */
            report(&t, ref, w == spike ? w : w + 6, "E08000025", "4_mec", "");
        }
    }
    dsms_store *st = store_with(t.s, NULL);
    dsms_warn_opts o;
    opts_all(&o, "2026-06-30");
    size_t n;
    dsms_signal *s = signals(st, &o, &n);
    const dsms_signal *e = find_key(s, n, "exceedance|reports|cathinones|E92000001|2026-06-15");
    CHECK(e != NULL);
    if (e) CHECK(e->count == 9);
    CHECK_INT(n, 2);
    dsms_signals_free(s, n);
    dsms_store_close(st);
    free(t.s);
}

/* An outbreak of two weeks is one signal, named by its first week, whatever
 * since is: since within it leaves it out (it began before), never makes it
 * a new signal that begins on since. */
static void test_run_and_since(void)
{
    text t = {0};
    add(&t, "%s", EW_HEADER);
    int first = day_of("2021-05-03"), spike = day_of("2026-06-08"), k = 0;
    for (int w = first; w <= spike + 7; w += 7) {
        int c = w >= spike ? 9 : 2;
        for (int i = 0; i < c; i++) {
            char ref[16];
            snprintf(ref, sizeof ref, "W%d", k++);
            report(&t, ref, w + i % 5, "E08000025", "4_mec", "");
        }
    }
    dsms_store *st = store_with(t.s, NULL);
    dsms_warn_opts o;
    opts_all(&o, "2026-06-30");
    size_t n;
    dsms_signal *s = signals(st, &o, &n);
    CHECK_INT(n, 2);
    const dsms_signal *e = find_key(s, n, "exceedance|reports|cathinones|E92000001|2026-06-08");
    CHECK(e != NULL);
    if (e) CHECK_INT(e->reports, 18);
    dsms_signals_free(s, n);
    for (int since = spike + 1; since <= spike + 7; since += 6) {
        o.since = since;
        s = signals(st, &o, &n);
        CHECK_INT(n, 0);
        for (size_t i = 0; i < n; i++) fprintf(stderr, "  since %d: %s\n", since, s[i].key);
        dsms_signals_free(s, n);
    }
    dsms_store_close(st);
    free(t.s);
}

/* Evidence: at most DSMS_SIGNAL_EVIDENCE reports kept, the total all of them;
 * a cluster in a prison concerns the prison's area. */
static void test_evidence(void)
{
    text t = {0};
    add(&t, "%s", EW_HEADER);
    report(&t, "L0", day_of("2026-01-05"), "E08000025", "metonitazene", "");
    int d = day_of("2026-02-02");
    for (int i = 0; i < 60; i++) {
        char ref[16];
        snprintf(ref, sizeof ref, "N%d", i);
        report(&t, ref, d + i % 20, i < 3 ? "HMP01" : "E06000001", "xylazine", i < 3 ? "severe" : "");
    }
    dsms_store *st = store_with(t.s, NULL);
    dsms_warn_opts o;
    opts_all(&o, "2026-06-30");
    o.learning_weeks = 2;
    size_t n;
    dsms_signal *s = signals(st, &o, &n);
    const dsms_signal *c = find_key(s, n, "novelty|country|xylazine");
    CHECK(c != NULL);
    if (c) {
        CHECK_INT(c->reports, 60);
        CHECK_STR(c->areas, "E08000012;E06000001"); /* HMP01's area first: sampled first */
        json_t *ev = json_loads(c->evidence, 0, NULL);
        CHECK(ev != NULL);
        CHECK_INT(json_integer_value(json_object_get(ev, "total_reports")), 60);
        CHECK_INT(json_array_size(json_object_get(ev, "reports")), DSMS_SIGNAL_EVIDENCE);
        json_decref(ev);
    }
    const dsms_signal *k = find_key(s, n, "cluster|xylazine|HMP01|2026-02-02");
    CHECK(k != NULL);
    if (k) CHECK_STR(k->areas, "E08000012");
    dsms_signals_free(s, n);
    dsms_store_close(st);
    free(t.s);
}

/* ---- alerts ---- */

typedef struct {
    char state[16], evidence[256], updated[32];
} alert_seen;

static int seen_row(void *ctx, const dsms_stored_alert *a)
{
    alert_seen *s = ctx;
    snprintf(s->state, sizeof s->state, "%s", a->state);
    snprintf(s->evidence, sizeof s->evidence, "%s", a->evidence);
    snprintf(s->updated, sizeof s->updated, "%s", a->updated_at);
    return 1;
}

static alert_seen alert_get(dsms_store *st, int64_t id)
{
    alert_seen s = {"", "", ""};
    dsms_alert_filter f = {id, NULL, NULL, NULL};
    dsms_err err = {""};
    CHECK_INT(dsms_store_each_alert(st, &f, seen_row, &s, &err), 0);
    return s;
}

static void state_of(dsms_store *st, int64_t id, char *out, size_t n)
{
    snprintf(out, n, "%s", alert_get(st, id).state);
}

static dsms_signal made_signal(const char *key, const char *evidence)
{
    dsms_signal s;
    memset(&s, 0, sizeof s);
    s.kind = DSMS_SIGNAL_NOVELTY;
    snprintf(s.what, sizeof s.what, "country");
    snprintf(s.key, sizeof s.key, "%s", key);
    snprintf(s.severity, sizeof s.severity, "high");
    snprintf(s.substance, sizeof s.substance, "metonitazene");
    snprintf(s.family, sizeof s.family, "nitazenes");
    snprintf(s.areas, sizeof s.areas, "E06000001");
    snprintf(s.period, sizeof s.period, "2026-02-02");
    snprintf(s.title, sizeof s.title, "a title");
    s.evidence = (char *)evidence;
    return s;
}

/* Every action from every state: what moves, what is refused. */
static void test_state_machine(void)
{
    static const char *const states[] = {"new", "assessed", "issued", "closed"};
    /* the state after each action (assess, issue, close) from each state; "" refused */
    static const char *const to[4][3] = {{"assessed", "issued", "closed"},
                                         {"", "issued", "closed"},
                                         {"", "", "closed"},
                                         {"", "", ""}};
    /* the moves that reach each state from new */
    static const int path[4][2] = {{-1, -1},
                                   {DSMS_ALERT_ASSESS, -1},
                                   {DSMS_ALERT_ISSUE, -1},
                                   {DSMS_ALERT_CLOSE, -1}};
    dsms_store *st = store_with(NULL, NULL);
    dsms_err err = {""};
    int key = 0;
    for (int from = 0; from < 4; from++)
        for (int a = 0; a < 3; a++) {
            char k[32];
            snprintf(k, sizeof k, "test|%d", key++);
            dsms_signal s = made_signal(k, "{\"reports\":[],\"total_reports\":0}");
            dsms_warn_summary sum;
            CHECK_INT(dsms_warn_raise(st, &s, 1, "test", &sum, &err), 0);
            CHECK_INT(sum.created, 1);
            int64_t id = key; /* ids from 1, one per alert raised */
            int undelivered = 0;
            for (int p = 0; p < 2 && path[from][p] >= 0; p++)
                CHECK_INT(dsms_alert_act(st, id, (dsms_alert_action)path[from][p], "test", "why",
                                         &undelivered, &err),
                          1);
            char state[16];
            state_of(st, id, state, sizeof state);
            CHECK_STR(state, states[from]);
            int rc = dsms_alert_act(st, id, (dsms_alert_action)a, "test", "because",
                                    &undelivered, &err);
            state_of(st, id, state, sizeof state);
            if (*to[from][a]) {
                CHECK_INT(rc, 1);
                CHECK_STR(state, to[from][a]);
                /* no outbox or webhook set: issued, to the server's readers only */
                CHECK_INT(undelivered, 0);
            } else {
                CHECK_INT(rc, 0);
                CHECK_STR(state, states[from]);
                CHECK(strstr(err.msg, "cannot be") != NULL);
                CHECK_INT(undelivered, 0);
            }
        }
    /* close needs a note; an alert that is not there is refused */
    int undelivered;
    CHECK_INT(dsms_alert_act(st, 1, DSMS_ALERT_CLOSE, "test", NULL, &undelivered, &err), 0);
    CHECK(strstr(err.msg, "needs a note") != NULL);
    CHECK_INT(dsms_alert_act(st, 1, DSMS_ALERT_CLOSE, "test", "", &undelivered, &err), 0);
    CHECK_INT(dsms_alert_act(st, 999, DSMS_ALERT_ASSESS, "test", NULL, &undelivered, &err), 0);
    CHECK_STR(err.msg, "no alert 999");
    CHECK_INT(dsms_alert_action_find("assess"), DSMS_ALERT_ASSESS);
    CHECK_INT(dsms_alert_action_find("close"), DSMS_ALERT_CLOSE);
    CHECK_INT(dsms_alert_action_find("reopen"), -1);
    CHECK_INT(dsms_alert_action_find(NULL), -1);
    /* the history of alert 2 (new, then issued): one event, with its note */
    dsms_stored_alert a = {0};
    a.id = 2;
    alert_seen seen = alert_get(st, 2);
    a.key = "test|1", a.kind = "novelty", a.state = seen.state, a.severity = "high";
    a.substance = "", a.family = "", a.areas = "", a.period = "", a.title = "";
    a.evidence = seen.evidence, a.raised_at = "", a.updated_at = seen.updated;
    char *json = dsms_alert_json(st, &a, &err);
    json_t *j = json ? json_loads(json, 0, NULL) : NULL;
    json_t *h = json_object_get(j, "history");
    CHECK_INT(json_array_size(h), 1);
    CHECK_STR(json_string_value(json_object_get(json_array_get(h, 0), "to")), "issued");
    CHECK_STR(json_string_value(json_object_get(json_array_get(h, 0), "note")), "because");
    json_decref(j);
    free(json);
    dsms_store_close(st);
}

/* Raising the same signals again changes their alerts, adds none; a closed
 * alert is neither reopened nor changed. */
static void test_raise(void)
{
    dsms_store *st = store_with(NULL, NULL);
    dsms_err err = {""};
    dsms_signal s[2] = {made_signal("a|1", "{\"total_reports\":1}"),
                        made_signal("a|2", "{\"total_reports\":1}")};
    dsms_warn_summary sum;
    CHECK_INT(dsms_warn_raise(st, s, 2, "test", &sum, &err), 0);
    CHECK_INT(sum.signals, 2);
    CHECK_INT(sum.created, 2);
    CHECK_INT(sum.updated, 0);
    CHECK_INT(dsms_warn_raise(st, s, 2, "test", &sum, &err), 0);
    CHECK_INT(sum.created, 0);
    CHECK_INT(sum.updated, 2);
    int undelivered;
    CHECK_INT(dsms_alert_act(st, 2, DSMS_ALERT_CLOSE, "test", "a duplicate", &undelivered, &err),
              1);
    alert_seen before = alert_get(st, 2);
    s[0].evidence = s[1].evidence = "{\"total_reports\":5}";
    CHECK_INT(dsms_warn_raise(st, s, 2, "test", &sum, &err), 0);
    CHECK_INT(sum.created, 0);
    alert_seen open = alert_get(st, 1), closed = alert_get(st, 2);
    CHECK_STR(open.evidence, "{\"total_reports\":5}");
    CHECK_STR(open.state, "new");
    CHECK_STR(closed.state, "closed");
    CHECK_STR(closed.evidence, before.evidence);
    CHECK_STR(closed.updated, before.updated);
    dsms_store_close(st);
}

/* The export lists each value of the reports once, a value that is part of
 * another's name (etonitazene, metonitazene) as well as the other. */
static void test_export(void)
{
    dsms_store *st = store_with(NULL, NULL);
    dsms_err err = {""};
    dsms_signal s = made_signal("novelty|country|xylazine",
                                "{\"total_reports\":3,\"reports\":["
                                "{\"sold_as\":\"metonitazene\",\"severity\":\"fatal\"},"
                                "{\"sold_as\":\"etonitazene\",\"severity\":\"mild\"},"
                                "{\"sold_as\":\"metonitazene\",\"severity\":\"severe\"}]}");
    snprintf(s.substance, sizeof s.substance, "xylazine");
    dsms_warn_summary sum;
    CHECK_INT(dsms_warn_raise(st, &s, 1, "test", &sum, &err), 0);
    int undelivered;
    CHECK_INT(dsms_alert_act(st, 1, DSMS_ALERT_ISSUE, "test", NULL, &undelivered, &err), 1);
    FILE *f = tmpfile();
    CHECK_INT(dsms_warn_export(st, "json", f, &err), 0);
    rewind(f);
    json_t *j = json_loadf(f, 0, NULL);
    fclose(f);
    json_t *a = json_array_get(j, 0);
    CHECK_INT(json_array_size(j), 1);
    CHECK_STR(json_string_value(json_object_get(a, "sold_as")), "metonitazene;etonitazene");
    CHECK_STR(json_string_value(json_object_get(a, "severe_or_fatal")), "2");
    CHECK_STR(json_string_value(json_object_get(a, "name")), "Xylazine");
    /* class C from 2025-01-15; first identified 2026-02-02 */
    CHECK_STR(json_string_value(json_object_get(a, "legal_status")), "Class C");
    json_decref(j);
    dsms_store_close(st);
}

int main(void)
{
    test_weeks();
    test_empty();
    test_only_deaths();
    test_one_day();
    test_repeated_substance();
    test_cluster_window();
    test_exceedance("E08000025", "E08000025");
    test_exceedance("HMP01", "E08000012"); /* a prison's reports count in its area */
    test_week_boundary();
    test_run_and_since();
    test_evidence();
    test_state_machine();
    test_raise();
    test_export();
    support_cleanup();
    return check_summary();
}
