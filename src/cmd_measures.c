/* cmd_measures.c — dsms measures: the computed results, for one area (every
 * measure, with intervals and comparisons), for one measure (every area
 * ranked) or all of them, as a table to read at a glance, CSV or JSON.
 * --public reads the rows as public output shows them (dsms_each_public_result:
 * the hidden ones already blanked), so every format prints the same cells. */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "dsms/csv.h"
#include "dsms/field.h"
#include "dsms/grow.h"
#include "dsms/measures.h"
#include "dsms/refdata.h"
#include "dsms/store.h"

static const char help[] =
    "usage: dsms measures --area CODE [--period P] [--breakdown B] [OPTIONS]\n"
    "       dsms measures --measure ID [--period P] [--level area|region] [OPTIONS]\n"
    "       dsms measures --organisation CODE [--period P] [OPTIONS]\n"
    "       dsms measures --all [--period P] --format csv|json [--public]\n"
    "       dsms measures --list\n"
    "\n"
    "Show the results of the last dsms compute.\n"
    "\n"
    "  --area CODE        every measure for an area: a local authority's code or name,\n"
    "                     a region's code, or E92000001 (or 'england') for England\n"
    "  --measure ID       every area ranked on one measure, best first, with England\n"
    "                     and its comparison to England (see --list for the IDs)\n"
    "  --organisation CODE every measure produced for a treatment provider, a prison\n"
    "                     (releases), a police force (tests on arrest) or a probation\n"
    "                     region (orders), by code or name; restricted: never with\n"
    "                     --public\n"
    "  --period P         a financial year (2024-25), 12 months to a quarter's end\n"
    "                     (12m-2024-12) or, for counts, a financial quarter\n"
    "                     (2024-25-Q1); default: the latest financial year the data\n"
    "                     reach the end of (the latest date of any record when dsms\n"
    "                     compute ran is on or after 31 March); the year in progress\n"
    "                     only when none is complete, marked incomplete. Drug-misuse\n"
    "                     deaths are by calendar year (2024) and three pooled\n"
    "                     (2022-2024): their latest three pooled by default\n"
    "  --breakdown B      all (default), substance, sex, age, ethnicity or reason;\n"
    "                     with --area, in a financial year (a rolling 12 months\n"
    "                     carries all only)\n"
    "  --level L          with --measure: rank areas (default), regions, or the\n"
    "                     organisations it is produced for: provider, prison,\n"
    "                     police_force or probation_region (restricted: never with\n"
    "                     --public)\n"
    "  --all              every result: each measure, area, region and England, period\n"
    "                     (or only --period P), breakdown and category; csv or json\n"
    "  --format F         table (default), csv or json\n"
    "  --public           public output, with disclosure control (docs/statistics.md):\n"
    "                     a count from 1 to 5, and whatever would let one be worked\n"
    "                     out by adding or subtracting published figures, is hidden\n"
    "                     with the values built on it: '*' in a table, empty with\n"
    "                     suppressed=1 in csv, null with \"suppressed\": true in json;\n"
    "                     a hidden value is listed unranked (rank '-'). Without it,\n"
    "                     an authorised user's view, with every figure\n"
    "  --headline         with --area: only the headline measures\n"
    "  --list             the measures: ID, unit and what each counts\n"
    "\n"
    "The table fits 100 columns: a long title wraps; under a row, in brackets, why it\n"
    "has no value, its recent trend over the last five financial years where one can\n"
    "be calculated, and 'provisional' where it looks past the period's end\n"
    "(re-presentation within 6 months, say) further than the data yet reach and may\n"
    "still change. 'vs Eng' and 'vs sim' compare the area's 95% interval with\n"
    "England's value and with its comparator group's pooled value: better, similar or\n"
    "worse by the measure's polarity (higher, similar or lower where neither is\n"
    "better); England's own table has no such columns. '-': does not apply. 'by\n"
    "occurrence': drug-misuse deaths counted by date of death for want of a\n"
    "registration date (by_occurrence in csv and json). '#' marks a figure with\n"
    "incomplete history: it looks back before the first financial year the store\n"
    "holds (csv and json: incomplete_history). A ranking ranks the areas with a\n"
    "value; the rest are listed after, with rank '-'.\n"
    "\n"
    "exit status: 0 done; 2 refused (bad arguments, an unknown area, measure or\n"
    "period, no results yet, no store): nothing was printed to standard output.\n";

/* ---- the rows read, owned ------------------------------------------------------- */

typedef struct {
    dsms_result *r;
    size_t n, cap;
    size_t *rank; /* with --measure: each row's rank, 0 for none */
    char **text; /* every string the rows point at */
    size_t ntext, textcap;
} table;

/* A copy of s kept with the table, in *out (NULL for NULL); -1 when memory
 * runs out. */
static int keep(table *t, const char *s, const char **out)
{
    *out = NULL;
    if (!s) return 0;
    if (dsms_room_for((void **)&t->text, &t->textcap, t->ntext, sizeof *t->text, 256)) return -1;
    char *copy = strdup(s);
    if (!copy) return -1;
    *out = t->text[t->ntext++] = copy;
    return 0;
}

/* A result's row, kept; -1 (out of memory) stops the reading with that said
 * (diag.h, "Callbacks"). */
static int collect(void *ctx, const dsms_result *r)
{
    table *t = ctx;
    if (dsms_room_for((void **)&t->r, &t->cap, t->n, sizeof *t->r, 256)) return -1;
    dsms_result c = *r;
    if (keep(t, r->measure, &c.measure) || keep(t, r->area_code, &c.area_code) ||
        keep(t, r->level, &c.level) || keep(t, r->period, &c.period) ||
        keep(t, r->breakdown, &c.breakdown) || keep(t, r->category, &c.category) ||
        keep(t, r->vs_england, &c.vs_england) || keep(t, r->vs_comparators, &c.vs_comparators) ||
        keep(t, r->trend, &c.trend))
        return -1;
    t->r[t->n++] = c;
    return 0;
}

static void table_free(table *t)
{
    for (size_t i = 0; i < t->ntext; i++) free(t->text[i]);
    free(t->text);
    free(t->r);
    free(t->rank);
}

/* ---- what was asked ----------------------------------------------------------- */

typedef struct {
    const char *area, *measure, *period, *breakdown, *level, *format, *organisation;
    int public, list, headline, all;
} request;

/* An area, region or England by code or name; NULL when none. */
static const char *resolve_area(const dsms_refdata *ref, const char *s, char *name, size_t n)
{
    if (strcasecmp(s, "england") == 0 || strcmp(s, DSMS_ENGLAND_CODE) == 0) {
        snprintf(name, n, "England");
        return DSMS_ENGLAND_CODE;
    }
    for (size_t i = 0; i < ref->nareas; i++)
        if (strcasecmp(ref->areas[i].code, s) == 0 || strcasecmp(ref->areas[i].name, s) == 0) {
            snprintf(name, n, "%s, %s", ref->areas[i].name, ref->regions[ref->areas[i].region].name);
            return ref->areas[i].code;
        }
    for (size_t i = 0; i < ref->nregions; i++)
        if (strcasecmp(ref->regions[i].code, s) == 0 || strcasecmp(ref->regions[i].name, s) == 0) {
            snprintf(name, n, "%s", ref->regions[i].name);
            return ref->regions[i].code;
        }
    return NULL;
}

/* A provider, prison, police force or probation region by code or name: its
 * code; NULL when none. */
static const char *resolve_organisation(const dsms_refdata *ref, const char *s, char *name,
                                        size_t n)
{
    for (size_t k = 0; k < DSMS_ORG_LEVELS; k++) {
        const char *level = dsms_org_levels[k];
        for (size_t i = 0; i < dsms_refdata_orgs(ref, level); i++) {
            const char *code = dsms_refdata_org_code(ref, level, i);
            const char *org = dsms_refdata_org_name(ref, level, i);
            if (strcasecmp(code, s) != 0 && strcasecmp(org, s) != 0) continue;
            char kind[24]; /* "police force" for police_force */
            snprintf(kind, sizeof kind, "%s", level);
            for (char *u = strchr(kind, '_'); u; u = strchr(u, '_')) *u = ' ';
            snprintf(name, n, "%s (%s)", org, kind);
            return code;
        }
    }
    return NULL;
}

static const char *name_of(const dsms_refdata *ref, const char *code)
{
    if (strcmp(code, DSMS_ENGLAND_CODE) == 0) return "England";
    for (size_t i = 0; i < ref->nproviders; i++)
        if (strcmp(ref->providers[i].code, code) == 0) return ref->providers[i].name;
    for (size_t i = 0; i < ref->nprisons; i++)
        if (strcmp(ref->prisons[i].code, code) == 0) return ref->prisons[i].name;
    for (size_t i = 0; i < ref->nforces; i++)
        if (strcmp(ref->forces[i].code, code) == 0) return ref->forces[i].name;
    for (size_t i = 0; i < ref->nprobation; i++)
        if (strcmp(ref->probation[i].code, code) == 0) return ref->probation[i].name;
    for (size_t i = 0; i < ref->nareas; i++)
        if (strcmp(ref->areas[i].code, code) == 0) return ref->areas[i].name;
    for (size_t i = 0; i < ref->nregions; i++)
        if (strcmp(ref->regions[i].code, code) == 0) return ref->regions[i].name;
    return code;
}

/* A period's kind by its label: 3 three calendar years pooled
 * ("2022-2024"), 2 a financial year ("2024-25"), 1 a calendar year
 * ("2024"), 0 any other. */
static int period_kind(const char *p)
{
    size_t n = strlen(p);
    return n == 9 ? 3 : n == 7 ? 2 : n == 4 ? 1 : 0;
}

static int latest_year(void *ctx, const dsms_result *r)
{
    char *buf = ctx;
    int k = period_kind(r->period), have = period_kind(buf);
    if (k && (k > have || (k == have && strcmp(r->period, buf) > 0)))
        snprintf(buf, 24, "%s", r->period);
    return 0;
}

/* For a measure by calendar year (drug-misuse deaths), its latest three
 * years pooled, else its latest single year, into period[24]; left empty
 * for every other measure. */
static int calendar_measure(dsms_store *st, const char *measure, char *period, dsms_err *err)
{
    char latest[24] = "";
    if (!measure) return 0;
    if (dsms_store_each_result(st, &(dsms_result_filter){measure, DSMS_ENGLAND_CODE, NULL, "all"},
                               latest_year, latest, err))
        return -1;
    if (period_kind(latest) == 3 || period_kind(latest) == 1) snprintf(period, 24, "%s", latest);
    return 0;
}

/* Rows in the catalogue's order of measures, then breakdown and category as
 * the engine lists them, rather than alphabetically. */
static size_t measure_index(const char *id)
{
    for (size_t i = 0; i < dsms_measure_count(); i++)
        if (strcmp(dsms_measure_at(i)->id, id) == 0) return i;
    return (size_t)-1;
}

static int category_index(const char *c)
{
    int i = 0;
    for (const char *name; (name = dsms_category_name(i)); i++)
        if (strcmp(name, c) == 0) return i;
    return i;
}

static int catalogue_order(const void *a, const void *b)
{
    const dsms_result *x = a, *y = b;
    size_t i = measure_index(x->measure), j = measure_index(y->measure);
    if (i != j) return i < j ? -1 : 1;
    return category_index(x->category) - category_index(y->category);
}

/* ---- printing ---------------------------------------------------------------- */

/* A row public output hides: its figures are blanked already (NaN, NULL);
 * a table shows '*' where they were. */
static int hidden(const dsms_result *r)
{
    return r->disclosure == DSMS_SUPPRESSED;
}

static void number(char *buf, size_t n, double x, int digits)
{
    if (isnan(x)) snprintf(buf, n, "-");
    else snprintf(buf, n, "%.*f", digits, x);
}

/* A figure of a row: '*' when hidden, '-' when it does not apply. */
static void figure(char *buf, size_t n, const dsms_result *r, double x, int digits)
{
    if (isnan(x) && hidden(r)) snprintf(buf, n, "*");
    else number(buf, n, x, digits);
}

/* Decimal places shown: none for a count of people, one for the rest. */
static int digits_of(const dsms_measure *m)
{
    return m->kind == DSMS_KIND_COUNT ? 0 : 1;
}

static void interval(char *buf, size_t n, const dsms_result *r, int digits)
{
    if (hidden(r)) snprintf(buf, n, "*");
    else if (isnan(r->lower95) || isnan(r->upper95)) snprintf(buf, n, "-");
    else snprintf(buf, n, "%.*f-%.*f", digits, r->lower95, digits, r->upper95);
}

/* "count / of" (for a ratio, observed / expected, to one decimal), or the
 * count alone where there is no denominator. A hidden
 * row's denominator shows only when it is a population or estimate, which
 * dsms_result_hide keeps. */
static void counts(char *buf, size_t n, const dsms_result *r)
{
    const dsms_measure *m = dsms_measure_find(r->measure);
    int per_count = m && (m->kind == DSMS_KIND_COUNT || m->kind == DSMS_KIND_MEDIAN);
    char a[24], b[24];
    figure(a, sizeof a, r, r->numerator, 0);
    figure(b, sizeof b, r, r->denominator, m && m->kind == DSMS_KIND_RATIO); /* expected */
    if (!hidden(r) && isnan(r->value) && !(r->denominator > 0)) snprintf(buf, n, "-");
    else if (per_count || (!hidden(r) && isnan(r->denominator))) snprintf(buf, n, "%s", a);
    else snprintf(buf, n, "%s / %s", a, b);
}

static const char *label(const dsms_result *r, const char *s)
{
    return s ? s : hidden(r) ? "*" : "-";
}

/* The footnote under a table with a row marked '#'. */
static void history_note(const table *t)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->r[i].incomplete_history) {
            printf("\n# incomplete history: looks back before the first financial year the store\n"
                   "  holds, so may be understated\n");
            return;
        }
}

/* England's row for the same measure, period and category, or NULL. */
static const dsms_result *england(const table *eng, const dsms_result *r)
{
    for (size_t i = 0; i < eng->n; i++)
        if (strcmp(eng->r[i].measure, r->measure) == 0 &&
            strcmp(eng->r[i].category, r->category) == 0 &&
            strcmp(eng->r[i].breakdown, r->breakdown) == 0)
            return &eng->r[i];
    return NULL;
}

/* ---- periods ------------------------------------------------------------- */

/* A period's first and last day: "2024-25" April to March, "12m-2024-12"
 * the 12 months to December; 0 when it is neither. */
static int period_span(const char *p, int64_t *start, int64_t *end)
{
    int y, m;
    char tail;
    if (sscanf(p, "12m-%4d-%2d%c", &y, &m, &tail) == 2 && m >= 1 && m <= 12) {
        *end = dsms_add_months(dsms_date_of(y, m, 1), 1) - 1;
    } else if (strlen(p) == 7 && sscanf(p, "%4d-", &y) == 1) {
        *end = dsms_financial_year_start(y + 1) - 1;
    } else {
        return 0;
    }
    *start = dsms_add_months(*end + 1, -12);
    return 1;
}

/* The periods the results hold, in order: financial years, then rolling. */
typedef struct {
    char p[256][24];
    size_t n;
} periods;

static int add_period(void *ctx, const dsms_result *r)
{
    periods *ps = ctx;
    for (size_t i = 0; i < ps->n; i++)
        if (strcmp(ps->p[i], r->period) == 0) return 0;
    if (ps->n < sizeof ps->p / sizeof *ps->p) snprintf(ps->p[ps->n++], 24, "%s", r->period);
    return 0;
}

static int period_order(const void *a, const void *b)
{
    const char *x = a, *y = b;
    int rx = strncmp(x, "12m-", 4) == 0, ry = strncmp(y, "12m-", 4) == 0;
    return rx != ry ? rx - ry : strcmp(x, y);
}

static int read_periods(dsms_store *st, periods *ps, dsms_err *err)
{
    ps->n = 0;
    int rc = dsms_store_each_result(st, &(dsms_result_filter){"in_treatment", DSMS_ENGLAND_CODE,
                                                              NULL, "all"},
                                    add_period, ps, err);
    if (!rc) /* and the calendar years of drug-misuse deaths */
        rc = dsms_store_each_result(st, &(dsms_result_filter){"drug_deaths_dsr", DSMS_ENGLAND_CODE,
                                                              NULL, "all"},
                                    add_period, ps, err);
    qsort(ps->p, ps->n, sizeof *ps->p, period_order);
    return rc;
}

static int holds(const periods *ps, const char *period)
{
    for (size_t i = 0; i < ps->n; i++)
        if (strcmp(ps->p[i], period) == 0) return 1;
    return 0;
}

/* A period label's kind, for listing: financial years, calendar years (and
 * three pooled), quarters, rolling 12 months. */
enum { LIST_YEAR, LIST_CALENDAR, LIST_QUARTER, LIST_ROLLING };

static int list_kind(const char *p)
{
    if (strncmp(p, "12m-", 4) == 0) return LIST_ROLLING;
    if (strstr(p, "-Q")) return LIST_QUARTER;
    return period_kind(p) == 2 ? LIST_YEAR : LIST_CALENDAR;
}

/* "financial years 2023-24, 2024-25 and 2025-26; calendar years (drug-misuse
 * deaths) 2024 and 2025; quarters 2023-24-Q1 to 2025-26-Q2; 12 months to a
 * quarter's end, 12m-2024-06 to 12m-2025-12": every kind the results hold,
 * years named, the others as a span. */
static void list_periods(const periods *ps, char *buf, size_t n)
{
    static const char *const names[] = {"financial years", "calendar years (drug-misuse deaths)",
                                         "quarters", "12 months to a quarter's end,"};
    size_t o = 0;
    buf[0] = 0;
    for (int k = LIST_YEAR; k <= LIST_ROLLING; k++) {
        size_t of[256], m = 0;
        for (size_t i = 0; i < ps->n; i++)
            if (list_kind(ps->p[i]) == k) of[m++] = i;
        if (!m || o >= n) continue;
        o += (size_t)snprintf(buf + o, n - o, "%s%s ", o ? "; " : "", names[k]);
        if (k == LIST_QUARTER || k == LIST_ROLLING) {
            if (o < n) o += (size_t)snprintf(buf + o, n - o, "%s to %s", ps->p[of[0]], ps->p[of[m - 1]]);
            continue;
        }
        for (size_t i = 0; i < m && o < n; i++)
            o += (size_t)snprintf(buf + o, n - o, "%s%s", i == 0 ? "" : i + 1 == m ? " and " : ", ",
                                  ps->p[of[i]]);
    }
}

/* The latest financial year the data reach the end of (the store records
 * how far they reached when the results were computed); without that
 * record, or when no year is complete, the latest year. *complete says
 * which. */
static void default_period(const periods *ps, const char *data_end, char *out, int *complete)
{
    int64_t end_data = *data_end ? dsms_date_parse(data_end, strlen(data_end)) : INT64_MIN;
    out[0] = 0;
    *complete = 0;
    for (size_t i = 0; i < ps->n; i++) {
        int64_t start, end;
        if (strncmp(ps->p[i], "12m-", 4) == 0 || !period_span(ps->p[i], &start, &end)) continue;
        int done = end_data == INT64_MIN || end <= end_data;
        if (done || !*complete) snprintf(out, 24, "%s", ps->p[i]), *complete = done;
    }
}

/* ---- the area table: 100 columns ------------------------------------------ */

enum { WIDTH = 100, MEASURE_W = 34 };

/* Words of s into lines of at most w characters: the first n bytes of s
 * that fit, ending at a space; the next line starts after it. */
static size_t fit(const char *s, size_t w)
{
    size_t len = strlen(s);
    if (len <= w) return len;
    size_t cut = w;
    while (cut > 0 && s[cut] != ' ') cut--;
    return cut ? cut : w;
}

/* Why a row has no value, in the words of the measure. */
static const char *why_none(const dsms_result *r, const dsms_measure *m, int64_t data_start)
{
    if (!isnan(r->value) || hidden(r)) return NULL;
    int64_t start, end;
    if (strcmp(m->id, "deaths_in_treatment") == 0 && period_span(r->period, &start, &end) &&
        dsms_add_months(end + 1, -36) < data_start)
        return "no value: needs three years of data, as deaths are pooled over three years";
    if (m->kind == DSMS_KIND_DSR && r->numerator < DSMS_DSR_MIN_EVENTS)
        return "no value: fewer than 10 deaths; the standardised rate is withheld below 10";
    if (r->denominator == 0 || isnan(r->denominator))
        return "no value: no one in the denominator";
    return "no value";
}

/* A recent trend could be calculated (five financial years with a value). */
static int has_trend(const dsms_result *r)
{
    return r->trend && strcmp(r->trend, "cannot be calculated") != 0;
}

static void trend_legend(int any)
{
    if (!any)
        printf("No recent trend: none can be calculated for these rows (it needs a value in "
               "each\nof the last five financial years).\n");
}

/* Under a row: the rest of its title, then why it has no value, its trend
 * where one could be calculated, and whether it is provisional. */
static void row_notes(const char *rest, const dsms_result *r, const dsms_measure *m,
                      int64_t data_start)
{
    while (*rest) {
        while (*rest == ' ') rest++;
        size_t k = fit(rest, MEASURE_W - 2);
        printf("  %.*s\n", (int)k, rest);
        rest += k;
    }
    char text[256] = "";
    const char *why = why_none(r, m, data_start);
    int trend = has_trend(r);
    snprintf(text, sizeof text, "%s%s%s%s%s%s", why ? why : "", why && trend ? "; " : "",
             trend ? "trend: " : "", trend ? r->trend : "",
             r->provisional && (why || trend) ? "; " : "", r->provisional ? "provisional" : "");
    if (r->by_occurrence)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s%s", *text ? "; " : "",
                 "some deaths by date of occurrence, for want of a registration date");
    if (r->incomplete_history)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s%s", *text ? "; " : "",
                 "# incomplete history");
    if (*text) printf("    (%s)\n", text);
}

/* A comparison in a column of 7: "not compared" (no value here, or none to
 * compare with) is '-', as everything that does not apply. */
static void comparison(char *buf, size_t n, const dsms_result *r, const char *s)
{
    int none = (isnan(r->value) && !hidden(r)) || (s && strcmp(s, "not compared") == 0);
    snprintf(buf, n, "%s", none ? "-" : label(r, s));
}

/* The comparison columns a table has: none for England, England's value and
 * vs England for a region (it has no comparator group), and vs similar
 * areas too for an area; the last column is not padded. */
static void tail(char *buf, size_t n, int level, const char *ev, const char *ve, const char *vs)
{
    if (level == 0) buf[0] = 0;
    else if (level == 1) snprintf(buf, n, "  %7s  %s", ev, ve);
    else snprintf(buf, n, "  %7s  %-7s  %s", ev, ve, vs);
}

/* A row's figures as every table shows them. */
typedef struct {
    char value[24], ci[40], counts[64], vs_england[24], vs_comparators[24];
} cells;

static void format_cells(cells *c, const dsms_result *r, int digits)
{
    figure(c->value, sizeof c->value, r, r->value, digits);
    interval(c->ci, sizeof c->ci, r, digits);
    counts(c->counts, sizeof c->counts, r);
    comparison(c->vs_england, sizeof c->vs_england, r, r->vs_england);
    comparison(c->vs_comparators, sizeof c->vs_comparators, r, r->vs_comparators);
}

/* The breakdowns besides "all", in the order of their DSMS_BY_* flags. */
static const char *const breakdown_names[] = {"substance", "sex", "age", "ethnicity", "reason"};
#define NBREAKDOWN_NAMES (sizeof breakdown_names / sizeof *breakdown_names)

/* A breakdown's DSMS_BY_* flag; 0 for "all". */
static unsigned breakdown_bit(const char *name)
{
    for (unsigned i = 0; i < NBREAKDOWN_NAMES; i++)
        if (strcmp(name, breakdown_names[i]) == 0) return 1u << i;
    return 0;
}

/* The measures a breakdown leaves out of the table, wrapped at 100 columns. */
static void not_broken_down(const char *breakdown)
{
    unsigned bit = breakdown_bit(breakdown);
    char text[2048];
    size_t o = (size_t)snprintf(text, sizeof text, "Not broken down by %s:", breakdown), n = 0;
    for (size_t i = 0; i < dsms_measure_count() && o < sizeof text; i++)
        if (!(dsms_measure_at(i)->breakdowns & bit))
            o += (size_t)snprintf(text + o, sizeof text - o, "%s %s", n++ ? "," : "",
                                  dsms_measure_at(i)->id);
    if (!n) return;
    for (const char *p = text; *p;) {
        size_t k = fit(p, WIDTH - 2);
        printf("%s%.*s\n", p == text ? "" : "  ", (int)k, p);
        p += k;
        while (*p == ' ') p++;
    }
}

static void print_area_table(const table *t, const table *eng, const char *title,
                             const char *period, const char *state, int64_t data_start)
{
    const char *lv = t->n ? t->r[0].level : "area";
    int level = strcmp(lv, "england") == 0 ? 0 : strcmp(lv, "region") == 0 ? 1 : 2;
    int w = MEASURE_W + (level == 0 ? 12 : level == 1 ? 9 : 0), cw = level == 0 ? 17 : 15;
    char end[64];
    printf("%s: %s%s\n\n", title, period, state);
    tail(end, sizeof end, level, "England", "vs Eng", "vs sim");
    printf("%-*s %7s  %11s  %*s%s\n", w, "measure", "value", "95% CI", cw, "count / of", end);
    const char *last = "";
    int any_trend = 0;
    for (size_t i = 0; i < t->n; i++) {
        const dsms_result *r = &t->r[i], *e = england(eng, r);
        const dsms_measure *m = dsms_measure_find(r->measure);
        if (!m) continue;
        int d = digits_of(m);
        char ev[24] = "-", name[160];
        cells c;
        format_cells(&c, r, d);
        if (e) figure(ev, sizeof ev, e, e->value, d);
        tail(end, sizeof end, level, ev, c.vs_england, c.vs_comparators);
        any_trend |= has_trend(r);
        const char *text = m->title;
        if (strcmp(r->breakdown, "all") != 0) { /* the title once, then each category */
            if (strcmp(last, m->id) != 0) printf("%s\n", m->title);
            last = m->id;
            snprintf(name, sizeof name, "  %s", r->category);
            text = name;
        }
        size_t k = fit(text, (size_t)w);
        printf("%-*.*s %7s  %11s  %*s%s\n", w, (int)k, text, c.value, c.ci, cw, c.counts, end);
        row_notes(text + k, r, m, data_start);
    }
    printf("\n95%% CI: the 95%% confidence interval; '-': does not apply.\n");
    if (level == 1)
        printf("vs Eng: the region's 95%% interval against England's value: better, similar or\n"
               "worse.\n");
    if (level == 2)
        printf("vs Eng, vs sim: the 95%% interval against England's value and against the\n"
               "pooled value of similar areas (the comparator group): better, similar or worse.\n");
    trend_legend(any_trend);
    if (t->n && strcmp(t->r[0].breakdown, "all") != 0) not_broken_down(t->r[0].breakdown);
    history_note(t);
}

/* ---- the ranking: 100 columns --------------------------------------------- */

static void rank_text(char *buf, size_t n, const table *t, size_t i)
{
    if (t->rank && t->rank[i]) snprintf(buf, n, "%zu", t->rank[i]);
    else snprintf(buf, n, "-");
}

static void print_rank_table(const table *t, const dsms_refdata *ref, const dsms_measure *m,
                             const char *period, const dsms_result *eng, const char *state)
{
    int d = digits_of(m), provisional = 0, occurrence = 0, any_trend = 0;
    char rk[24];
    cells c;
    for (size_t i = 0; i < t->n; i++) {
        provisional |= t->r[i].provisional;
        occurrence |= t->r[i].by_occurrence;
    }
    printf("%s (%s): %s%s%s\n", m->title, m->unit, period, state,
           provisional ? " (provisional)" : "");
    if (occurrence)
        printf("Some deaths counted by date of occurrence, for want of a registration date: "
               "see by_occurrence in csv.\n");
    if (eng) {
        format_cells(&c, eng, d);
        printf("England %s (95%% CI %s; %s)\n", c.value, c.ci, c.counts);
    }
    printf("\n%4s  %-9s %-27s %7s  %11s  %15s  %-7s  %s\n", "rank", "code", "name", "value",
           "95% CI", "count / of", "vs Eng", "vs sim");
    for (size_t i = 0; i < t->n; i++) {
        const dsms_result *r = &t->r[i];
        format_cells(&c, r, d);
        rank_text(rk, sizeof rk, t, i);
        printf("%4s  %-9s %-27.27s %7s  %11s  %15s  %-7s  %s\n", rk, r->area_code,
               name_of(ref, r->area_code), c.value, c.ci, c.counts, c.vs_england,
               c.vs_comparators);
        if (has_trend(r)) printf("      (trend: %s)\n", r->trend);
        any_trend |= has_trend(r);
    }
    trend_legend(any_trend);
    history_note(t);
}

static void csv_text(const char *s)
{
    if (s) dsms_csv_put(stdout, s);
}

static void csv_number(double x)
{
    if (!isnan(x)) printf("%.10g", x);
}

static void print_csv(const table *t, int public, const dsms_refdata *ref)
{
    printf("%smeasure,area_code,area_name,level,period,breakdown,category,numerator,"
           "denominator,value,lower95,upper95,lower99_8,upper99_8,vs_england,vs_comparators,"
           "trend,provisional,by_occurrence,incomplete_history%s\n",
           t->rank ? "rank," : "", public ? ",suppressed" : "");
    for (size_t i = 0; i < t->n; i++) {
        const dsms_result *r = &t->r[i];
        if (t->rank && t->rank[i]) printf("%zu", t->rank[i]);
        if (t->rank) putchar(',');
        const char *text[] = {r->measure, r->area_code, name_of(ref, r->area_code), r->level,
                              r->period, r->breakdown, r->category};
        for (size_t k = 0; k < 7; k++) csv_text(text[k]), putchar(',');
        const double num[] = {r->numerator, r->denominator, r->value, r->lower95,
                              r->upper95, r->lower99_8, r->upper99_8};
        for (size_t k = 0; k < 7; k++) csv_number(num[k]), putchar(',');
        csv_text(r->vs_england), putchar(',');
        csv_text(r->vs_comparators), putchar(',');
        csv_text(r->trend);
        printf(",%d,%d,%d", r->provisional, r->by_occurrence, r->incomplete_history);
        if (public) printf(",%d", hidden(r));
        putchar('\n');
    }
}

static json_t *json_number(double x)
{
    return isnan(x) ? json_null() : json_real(x);
}

static json_t *json_label(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* The rows as JSON; -1 (nothing printed) when memory runs out. */
static int print_json(const table *t, int public, const dsms_refdata *ref)
{
    json_t *a = json_array();
    int bad = !a;
    for (size_t i = 0; i < t->n; i++) {
        const dsms_result *r = &t->r[i];
        const dsms_measure *m = dsms_measure_find(r->measure);
        json_t *o = json_object();
        if (t->rank) bad |= json_object_set_new(o, "rank", t->rank[i] ? json_integer((json_int_t)t->rank[i])
                                                               : json_null());
        bad |= json_object_set_new(o, "measure", json_string(r->measure));
        bad |= json_object_set_new(o, "title", json_label(m ? m->title : NULL));
        bad |= json_object_set_new(o, "unit", json_label(m ? m->unit : NULL));
        bad |= json_object_set_new(o, "area_code", json_string(r->area_code));
        bad |= json_object_set_new(o, "area_name", json_string(name_of(ref, r->area_code)));
        bad |= json_object_set_new(o, "level", json_string(r->level));
        bad |= json_object_set_new(o, "period", json_string(r->period));
        bad |= json_object_set_new(o, "breakdown", json_string(r->breakdown));
        bad |= json_object_set_new(o, "category", json_string(r->category));
        bad |= json_object_set_new(o, "numerator", json_number(r->numerator));
        bad |= json_object_set_new(o, "denominator", json_number(r->denominator));
        bad |= json_object_set_new(o, "value", json_number(r->value));
        bad |= json_object_set_new(o, "lower95", json_number(r->lower95));
        bad |= json_object_set_new(o, "upper95", json_number(r->upper95));
        bad |= json_object_set_new(o, "lower99_8", json_number(r->lower99_8));
        bad |= json_object_set_new(o, "upper99_8", json_number(r->upper99_8));
        bad |= json_object_set_new(o, "vs_england", json_label(r->vs_england));
        bad |= json_object_set_new(o, "vs_comparators", json_label(r->vs_comparators));
        bad |= json_object_set_new(o, "trend", json_label(r->trend));
        bad |= json_object_set_new(o, "provisional", json_boolean(r->provisional));
        bad |= json_object_set_new(o, "by_occurrence", json_boolean(r->by_occurrence));
        bad |= json_object_set_new(o, "incomplete_history", json_boolean(r->incomplete_history));
        if (public) bad |= json_object_set_new(o, "suppressed", json_boolean(hidden(r)));
        bad |= json_array_append_new(a, o);
    }
    char *text = bad ? NULL
                     : json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(a);
    if (!text) return -1;
    puts(text);
    free(text);
    return 0;
}

static void print_list(void)
{
    printf("%-26s %-24s %s\n", "id", "unit", "what it counts");
    for (size_t i = 0; i < dsms_measure_count(); i++) {
        const dsms_measure *m = dsms_measure_at(i);
        printf("%-26s %-24s %s\n", m->id, m->unit, m->title);
    }
}

/* ---- the command ---------------------------------------------------------------- */

static int parse(int argc, char **argv, request *q)
{
    static const struct option opts[] = {
        {"area", required_argument, NULL, 'a'},   {"measure", required_argument, NULL, 'm'},
        {"period", required_argument, NULL, 'p'}, {"breakdown", required_argument, NULL, 'b'},
        {"level", required_argument, NULL, 'l'},  {"format", required_argument, NULL, 'f'},
        {"public", no_argument, NULL, 'P'},       {"list", no_argument, NULL, 'L'},
        {"headline", no_argument, NULL, 'H'},     {"all", no_argument, NULL, 'A'},
        {"organisation", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},         {0, 0, 0, 0}};
    *q = (request){.breakdown = "all", .level = "area", .format = "table"};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'a': q->area = optarg; break;
        case 'o': q->organisation = optarg; break;
        case 'm': q->measure = optarg; break;
        case 'p': q->period = optarg; break;
        case 'b': q->breakdown = optarg; break;
        case 'l': q->level = optarg; break;
        case 'f': q->format = optarg; break;
        case 'P': q->public = 1; break;
        case 'L': q->list = 1; break;
        case 'H': q->headline = 1; break;
        case 'A': q->all = 1; break;
        case 'h': fputs(help, stdout); return 1;
        default: fputs(help, stderr); return DSMS_REFUSED;
        }
    }
    if (optind < argc) return cli_error("measures: unexpected argument '%s'", argv[optind]);
    if (q->list) return 0;
    if ((q->area != NULL) + (q->organisation != NULL) + (q->measure != NULL) + q->all != 1)
        return cli_error("measures: give --area CODE, --organisation CODE, --measure ID or --all "
                         "(one of them)");
    const char *formats[] = {"table", "csv", "json"};
    int ok = 0;
    for (int i = 0; i < 3; i++) ok |= strcmp(q->format, formats[i]) == 0;
    if (!ok) return cli_error("measures: --format '%s' (expected table, csv or json)", q->format);
    if (q->all && strcmp(q->format, "table") == 0)
        return cli_error("measures: --all writes every result, as csv or json (add --format "
                         "csv or --format json)");
    if (strcmp(q->breakdown, "all") != 0 && !breakdown_bit(q->breakdown))
        return cli_error("measures: --breakdown '%s' (expected all, substance, sex, age, "
                         "ethnicity or reason)",
                         q->breakdown);
    int organisation = dsms_level_is_organisation(q->level);
    if (strcmp(q->level, "area") && strcmp(q->level, "region") && !organisation)
        return cli_error("measures: --level '%s' (expected area, region, provider, prison, "
                         "police_force or probation_region)", q->level);
    if (q->public && (organisation || q->organisation))
        return cli_error("measures: an organisation's results are restricted, never public "
                         "output: leave out --public, or ask for an area");
    if (q->measure && !dsms_measure_find(q->measure))
        return cli_error("measures: '%s' is not a measure (dsms measures --list shows them)",
                         q->measure);
    return 0;
}

/* -1 with err set when memory runs out (nothing printed). */
static int output(const request *q, const table *t, const dsms_refdata *ref, dsms_err *err)
{
    if (strcmp(q->format, "csv") == 0) print_csv(t, q->public, ref);
    else if (strcmp(q->format, "json") == 0 && print_json(t, q->public, ref))
        return dsms_err_set(err, "out of memory writing the results as JSON"), -1;
    return 0;
}

/* A row's place in the ranking, all qsort needs to know: the key rises from
 * best to worst (the value where lower is better, else the value negated:
 * highest first without a polarity); rows with no value shown (none, or
 * hidden) come after, then ties by code. */
typedef struct {
    double key;
    const char *code;
    size_t row;
} rank_key;

static int rank_key_cmp(const void *a, const void *b)
{
    const rank_key *p = a, *q = b;
    if (isnan(p->key) != isnan(q->key)) return isnan(p->key) ? 1 : -1;
    if (!isnan(p->key) && p->key != q->key) return p->key < q->key ? -1 : 1;
    return strcmp(p->code, q->code);
}

/* Keep the rows of one level and rank them: only a value shown is ranked
 * (a hidden one is blank already), so a rank says nothing of a hidden value. */
static int rank(table *t, const char *level, const dsms_measure *m)
{
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->r[i].level, level) == 0) t->r[k++] = t->r[i];
    t->n = k;
    rank_key *order = malloc((k ? k : 1) * sizeof *order);
    dsms_result *rows = malloc((k ? k : 1) * sizeof *rows);
    t->rank = calloc(k ? k : 1, sizeof *t->rank);
    int rc = order && rows && t->rank ? 0 : -1;
    if (!rc) {
        int sign = m->polarity == DSMS_POLARITY_LOW_GOOD ? 1 : -1;
        for (size_t i = 0; i < k; i++)
            order[i] = (rank_key){sign * t->r[i].value, t->r[i].area_code, i};
        qsort(order, k, sizeof *order, rank_key_cmp);
        for (size_t i = 0; i < k; i++) rows[i] = t->r[order[i].row];
        if (k) memcpy(t->r, rows, k * sizeof *rows);
        for (size_t i = 0; i < k && !isnan(t->r[i].value); i++) t->rank[i] = i + 1;
    }
    free(order);
    free(rows);
    return rc;
}

static void headline_only(table *t)
{
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++) {
        const dsms_measure *m = dsms_measure_find(t->r[i].measure);
        if (m && m->headline) t->r[k++] = t->r[i];
    }
    t->n = k;
}

/* Rows matching f: as public output shows them with --public; else every
 * figure, as an authorised user sees them, nothing marked hidden. */
static int read_rows(dsms_store *st, const request *q, const dsms_result_filter *f, table *t,
                     dsms_err *err)
{
    if (q->public) return dsms_each_public_result(st, f, collect, t, err);
    size_t from = t->n;
    int rc = dsms_store_each_result(st, f, collect, t, err);
    for (size_t i = from; i < t->n; i++) t->r[i].disclosure = DSMS_PUBLISHED;
    return rc;
}

/* The start of the earliest period the results hold. */
static int64_t first_start(const periods *ps)
{
    int64_t first = INT64_MAX, start, end;
    for (size_t i = 0; i < ps->n; i++)
        if (period_span(ps->p[i], &start, &end) && start < first) first = start;
    return first;
}

/* --breakdown where it does not apply: a rolling period (it carries "all"
 * only), or a ranking on a measure not broken down so. */
static int breakdown_refused(const request *q, const char *period, dsms_err *err)
{
    if (strcmp(q->breakdown, "all") == 0) return 0;
    if (strncmp(period, "12m-", 4) == 0 || strstr(period, "-Q")) {
        dsms_err_set(err, "measures: --breakdown %s: period %s is a %s, which carries 'all' "
                          "only (expected a financial year, such as 2024-25)",
                     q->breakdown, period, strstr(period, "-Q") ? "quarter" : "rolling 12 months");
        return -1;
    }
    const dsms_measure *m = q->measure ? dsms_measure_find(q->measure) : NULL;
    if (!m) return 0;
    char has[64] = "";
    unsigned want = breakdown_bit(q->breakdown);
    for (unsigned i = 0; i < NBREAKDOWN_NAMES; i++)
        if (m->breakdowns & (1u << i))
            snprintf(has + strlen(has), sizeof has - strlen(has), "%s%s", *has ? ", " : "",
                     breakdown_names[i]);
    if (!(m->breakdowns & want))
        dsms_err_set(err, "measures: --breakdown %s: %s has no %s breakdown (%s%s)",
                     q->breakdown, m->id, q->breakdown, *has ? "it has: " : "it has none but all",
                     has);
    else
        dsms_err_set(err, "measures: --breakdown %s goes with --area (a ranking compares the "
                          "areas' 'all')", q->breakdown);
    return -1;
}

/* A ranking of organisations the measure is not produced for. */
static int level_refused(const request *q, dsms_err *err)
{
    const dsms_measure *m = q->measure ? dsms_measure_find(q->measure) : NULL;
    if (!m || !dsms_level_is_organisation(q->level)) return 0;
    const char *by = dsms_measure_organisation(m);
    if (by && strcmp(by, q->level) == 0) return 0;
    if (by)
        dsms_err_set(err, "measures: %s is produced by %s, not by %s (expected --level %s, area "
                          "or region)", m->id, by, q->level, by);
    else
        dsms_err_set(err, "measures: %s is produced by no organisation (expected --level area "
                          "or region)", m->id);
    return -1;
}

/* A single calendar year (drug-misuse deaths) asked of an area, or of a
 * ranking of areas: areas have three years pooled only. */
static int calendar_refused(const request *q, const dsms_refdata *ref, const char *code,
                            const char *period, dsms_err *err)
{
    if (period_kind(period) != 1) return 0;
    int area = q->measure && strcmp(q->level, "area") == 0;
    for (size_t i = 0; code && !area && i < ref->nareas; i++)
        area = strcmp(ref->areas[i].code, code) == 0;
    if (!area) return 0;
    int y = atoi(period);
    dsms_err_set(err, "measures: period %s is a single calendar year, which drug-misuse deaths "
                      "have for England and the regions only; an area has them over three "
                      "years pooled (expected such as %d-%d, or --level region)",
                 period, y - 2, y);
    return -1;
}

static int run(dsms_store *st, const request *q, const dsms_refdata *ref, dsms_err *err)
{
    char period[24] = "", title[160] = "";
    const char *code = NULL;
    if (q->area && !(code = resolve_area(ref, q->area, title, sizeof title))) {
        dsms_err_set(err, "measures: '%s' is not an area, region or England (expected a code "
                          "or name from dsms reference list areas)", q->area);
        return -1;
    }
    if (q->organisation &&
        !(code = resolve_organisation(ref, q->organisation, title, sizeof title))) {
        dsms_err_set(err, "measures: '%s' is not a provider, prison, police force or probation "
                          "region (expected a code or name from dsms reference show "
                          "providers, prisons, police_forces or probation_regions)", q->organisation);
        return -1;
    }
    const char *place = q->area ? q->area : q->organisation;
    periods ps;
    char data_end[32] = "", state[96] = "", held[1024];
    int complete = 1;
    if (read_periods(st, &ps, err) ||
        dsms_store_meta_get(st, DSMS_META_DATA_END, data_end, sizeof data_end, err) < 0)
        return -1;
    if (q->period) snprintf(period, sizeof period, "%s", q->period);
    else if (calendar_measure(st, q->measure, period, err)) return -1;
    if (!*period) default_period(&ps, data_end, period, &complete);
    if (!*period && !q->all) {
        dsms_err_set(err, "measures: the store has no results (run dsms compute first)");
        return -1;
    }
    int64_t start, end;
    if (*data_end && period_span(period, &start, &end) &&
        end > dsms_date_parse(data_end, strlen(data_end)))
        snprintf(state, sizeof state, " (incomplete: the data reach %s)", data_end);
    list_periods(&ps, held, sizeof held);
    if (breakdown_refused(q, period, err) || calendar_refused(q, ref, code, period, err) ||
        level_refused(q, err))
        return -1;
    table t = {0}, eng = {0};
    dsms_result_filter f = {q->measure, code, period, q->area ? q->breakdown : "all"};
    if (q->all) f = (dsms_result_filter){NULL, NULL, q->period, NULL};
    int rc = read_rows(st, q, &f, &t, err);
    if (!rc && place)
        rc = read_rows(st, q, &(dsms_result_filter){NULL, DSMS_ENGLAND_CODE, period, q->breakdown},
                       &eng, err);
    if (!rc && t.n == 0 && (!q->all || q->period)) {
        const dsms_measure *m = q->measure ? dsms_measure_find(q->measure) : NULL;
        if (holds(&ps, period) && q->area)
            dsms_err_set(err, "measures: %s has no results by %s for %s: no one was counted "
                              "there in that period (--breakdown all shows its figures)",
                         title, q->breakdown, period);
        else if (m && m->kind == DSMS_KIND_DSR && !q->period)
            dsms_err_set(err, "measures: %s has no results: drug-misuse deaths are counted by "
                              "calendar year of registration, and the data cover no whole "
                              "calendar year (the results hold: %s)",
                         m->id, *held ? held : "none");
        else
            dsms_err_set(err, "measures: no results for period '%s' (expected one the results "
                              "hold: %s)", period, *held ? held : "none");
        rc = -1;
    }
    if (!rc && place && q->headline) headline_only(&t);
    if (!rc && place && t.n) qsort(t.r, t.n, sizeof *t.r, catalogue_order);
    if (!rc && q->measure) {
        const dsms_measure *m = dsms_measure_find(q->measure);
        const dsms_result *e = NULL;
        for (size_t i = 0; i < t.n; i++)
            if (strcmp(t.r[i].level, "england") == 0) e = &t.r[i];
        dsms_result england_row = e ? *e : (dsms_result){0};
        rc = rank(&t, q->level, m);
        if (rc) dsms_err_set(err, "out of memory");
        else if (strcmp(q->format, "table") == 0)
            print_rank_table(&t, ref, m, period, e ? &england_row : NULL, state);
        else rc = output(q, &t, ref, err);
    } else if (!rc) {
        if (strcmp(q->format, "table") == 0) print_area_table(&t, &eng, title, period, state,
                                                              first_start(&ps));
        else rc = output(q, &t, ref, err);
    }
    table_free(&t);
    table_free(&eng);
    return rc;
}

int cmd_measures(int argc, char **argv, cli_env *env)
{
    request q;
    int rc = parse(argc, argv, &q);
    if (rc) return rc == 1 ? 0 : rc;
    if (q.list) return print_list(), 0;
    dsms_err err = {""};
    dsms_store *st = dsms_store_open(env->store, DSMS_STORE_READONLY, &err);
    if (!st) return cli_error("%s", err.msg);
    dsms_refdata ref;
    rc = dsms_refdata_fetch(&ref, st, &err);
    if (!rc) {
        rc = run(st, &q, &ref, &err);
        dsms_refdata_free(&ref);
    }
    dsms_store_close(st);
    return rc ? cli_error("%s", err.msg) : 0;
}
