/* report_build.c — reports built from the store (dsms/report.h): the source
 * they are read from, the choice of kind, and the national report: the
 * framework's statuses, England's measures by domain, the regions and the
 * areas, what the figures say in words, and the quality of the data. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/report.h"
#include "report_build.h"
#include "report_parts.h"

struct dsms_report_source {
    rp_data d;
};

dsms_report_source *dsms_report_source_open(dsms_store *st, const dsms_refdata *ref,
                                            const char *period, int public, dsms_err *err)
{
    return dsms_report_source_open_as(st, ref, period, public ? &(dsms_principal){0} : NULL,
                                      err);
}

dsms_report_source *dsms_report_source_open_as(dsms_store *st, const dsms_refdata *ref,
                                               const char *period, const dsms_principal *viewer,
                                               dsms_err *err)
{
    int public = viewer && viewer->role == DSMS_ROLE_PUBLIC;
    if (viewer && viewer->role == DSMS_ROLE_NATIONAL) viewer = NULL; /* sees every figure */
    dsms_report_source *src = calloc(1, sizeof *src);
    if (!src) {
        dsms_err_set(err, "out of memory");
        return NULL;
    }
    if (rp_load(&src->d, st, ref, period, public, viewer, err) != 0) {
        free(src);
        return NULL;
    }
    return src;
}

dsms_report_source *dsms_report_source_for(const dsms_report_source *public_src, dsms_store *st,
                                           const dsms_principal *viewer, dsms_err *err)
{
    if (!public_src->d.public || !viewer ||
        (viewer->role != DSMS_ROLE_AREA && viewer->role != DSMS_ROLE_PROVIDER)) {
        dsms_err_set(err, "a reading for an area's or provider's account is made from the "
                          "public's");
        return NULL;
    }
    dsms_report_source *src = calloc(1, sizeof *src);
    if (!src) {
        dsms_err_set(err, "out of memory");
        return NULL;
    }
    if (rp_load_for(&src->d, &public_src->d, st, viewer, err) != 0) {
        free(src);
        return NULL;
    }
    return src;
}

void dsms_report_source_close(dsms_report_source *src)
{
    if (!src) return;
    rp_free(&src->d);
    free(src);
}

const char *dsms_report_source_period(const dsms_report_source *src)
{
    return src->d.years[src->d.year];
}

static const char *const kind_names[] = {"national", "area",    "partnership", "provider",
                                         "review",   "measure", "definitions", "framework"};

int dsms_report_kind_named(const char *name, dsms_report_kind *kind)
{
    for (size_t i = 0; i < sizeof kind_names / sizeof *kind_names; i++)
        if (strcmp(name, kind_names[i]) == 0) {
            *kind = (dsms_report_kind)i;
            return 0;
        }
    return -1;
}

const char *rp_framework_id(const dsms_report_request *q)
{
    return q->framework ? q->framework : "national-2021";
}

/* ---- the national report's commentary ---- */

static const char *england = "E92000001";

static void headline_movements(dsms_report *r, dsms_report_section *s, const rp_data *d)
{
    for (size_t i = 0; i < dsms_measure_count(); i++) {
        const dsms_measure *m = dsms_measure_at(i);
        char moved[200];
        if (!m->headline) continue;
        rp_movement(d, m, england, moved, sizeof moved);
        const rp_row *now = rp_find(d, m, england, NULL);
        int significant = now && (strcmp(now->trend, "increasing") == 0 ||
                                  strcmp(now->trend, "decreasing") == 0);
        if (*moved)
            dsms_report_text(r, s, DSMS_BLOCK_BULLET, "%s %s%s%s.", m->title, moved,
                             significant ? "; the five-year trend is significantly " : "",
                             significant ? now->trend : "");
    }
}

/* The areas leading on m: the best three of those better than England. */
static void leaders(dsms_report *r, dsms_report_section *s, const rp_data *d,
                    const dsms_measure *m)
{
    const rp_row *best[3] = {0};
    size_t better = 0;
    int low = m->polarity == DSMS_POLARITY_LOW_GOOD;
    for (size_t i = 0; i < d->ref->nareas; i++) {
        const rp_row *row = rp_find(d, m, d->ref->areas[i].code, NULL);
        if (!row || isnan(row->value) || strcmp(row->vs_england, "better") != 0) continue;
        better++;
        for (size_t k = 0; k < 3; k++) {
            if (best[k] && (low ? row->value >= best[k]->value : row->value <= best[k]->value))
                continue;
            memmove(&best[k + 1], &best[k], (2 - k) * sizeof *best);
            best[k] = row;
            break;
        }
    }
    if (!better) {
        dsms_report_text(r, s, DSMS_BLOCK_BULLET,
                         "%s: no area is significantly better than England.", m->title);
        return;
    }
    char names[600] = "";
    for (size_t k = 0; k < 3 && best[k]; k++) {
        char v[32];
        rp_show(v, sizeof v, best[k]->value, rp_digits(m));
        size_t used = strlen(names);
        snprintf(names + used, sizeof names - used, "%s%s (%s%s)", k ? ", " : "",
                 rp_place_name(d, best[k]->area), v, strcmp(m->unit, "%") == 0 ? "%" : "");
    }
    dsms_report_text(r, s, DSMS_BLOCK_BULLET,
                     "%s: %zu %s significantly better than England; leading: %s.", m->title,
                     better, better == 1 ? "area is" : "areas are", names);
}

/* The areas furthest below expected on a ratio: upper limit under 100 (or,
 * for a measure where lower is better, lower limit over 100), worst first. */
static void below_expected(dsms_report *r, dsms_report_section *s, const rp_data *d,
                           const dsms_measure *m, size_t most)
{
    int low = m->polarity == DSMS_POLARITY_LOW_GOOD;
    const rp_row **rows = calloc(d->ref->nareas ? d->ref->nareas : 1, sizeof *rows);
    if (!rows) {
        r->oom = 1;
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < d->ref->nareas; i++) {
        const rp_row *row = rp_find(d, m, d->ref->areas[i].code, NULL);
        if (row && !isnan(row->value) && (low ? row->lo > 100 : row->hi < 100)) rows[n++] = row;
    }
    for (size_t i = 1; i < n; i++) /* worst first: insertion sort, n is small */
        for (size_t k = i; k > 0 && (low ? rows[k]->value > rows[k - 1]->value
                                         : rows[k]->value < rows[k - 1]->value);
             k--) {
            const rp_row *t = rows[k];
            rows[k] = rows[k - 1], rows[k - 1] = t;
        }
    if (!n) {
        dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH, "No area is significantly %s expected on "
                         "%s.", low ? "above" : "below", m->title);
        free(rows);
        return;
    }
    static const char *const heads[] = {"Area", "Observed", "Expected", "Ratio", "Lower 95%",
                                        "Upper 95%"};
    static const char *const units[] = {NULL, "", "", "per 100 expected", "", ""};
    char caption[300];
    if (n == 1)
        snprintf(caption, sizeof caption, "%s: the one area significantly %s expected",
                 m->title, low ? "above" : "below");
    else
        snprintf(caption, sizeof caption, "%s: the %zu areas furthest %s expected, of %zu",
                 m->title, n < most ? n : most, low ? "above" : "below", n);
    dsms_report_table *t = dsms_report_table_add(r, s, caption, 6, heads, units);
    for (size_t i = 0; t && i < n && i < most; i++) {
        char key[160];
        rp_key(rows[i], key, sizeof key);
        dsms_report_cell *c = dsms_report_row(r, t, key);
        if (!c) break;
        dsms_report_cell_text(r, &c[0], rp_place_name(d, rows[i]->area));
        rp_cell(&c[1], rows[i], rows[i]->num, 0);
        rp_cell(&c[2], rows[i], rows[i]->den, 1);
        rp_cell(&c[3], rows[i], rows[i]->value, 1);
        c[3].bench = rp_bench(rows[i]);
        rp_cell(&c[4], rows[i], rows[i]->lo, 1);
        rp_cell(&c[5], rows[i], rows[i]->hi, 1);
    }
    free(rows);
}

typedef struct {
    const rp_data *d;
    const char *metric;
    size_t off, on, assessed;
} off_track;

static int count_off(void *ctx, const dsms_status_row *row)
{
    off_track *o = ctx;
    if (strcmp(row->metric, o->metric) != 0 || dsms_refdata_area(o->d->ref, row->area_code) < 0)
        return 0;
    if (strcmp(row->status, "off track") == 0) o->off++, o->assessed++;
    else if (strcmp(row->status, "not yet assessable") != 0) o->on++, o->assessed++;
    return 0;
}

/* How many areas are off trajectory, for each metric of the framework
 * with a target. */
static int areas_off_track(dsms_report *r, dsms_report_section *s, const rp_data *d,
                           const char *fw_id, dsms_err *err)
{
    dsms_framework fw;
    int found = dsms_framework_fetch(d->st, fw_id, &fw, err);
    if (found <= 0) return found;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < fw.nmetrics; i++) {
        if (!fw.metrics[i].has_target) continue;
        off_track o = {d, fw.metrics[i].id, 0, 0, 0};
        rc = dsms_store_each_status(d->st, fw.id, NULL, NULL, count_off, &o, err);
        if (rc == 0 && o.assessed)
            dsms_report_text(r, s, DSMS_BLOCK_BULLET,
                             "%s: %zu of %zu areas with a status are off their trajectory.",
                             fw.metrics[i].name, o.off, o.assessed);
    }
    dsms_framework_free(&fw);
    return rc;
}

static void status_summary(dsms_report *r, dsms_report_section *s, const size_t *counts)
{
    dsms_report_text(r, s, DSMS_BLOCK_BULLET,
                     "Against the framework's targets: %zu achieved, %zu on track and %zu off "
                     "track; %zu metrics are not yet assessable (no target, no source yet, or "
                     "no figure).",
                     counts[DSMS_STATUS_ACHIEVED], counts[DSMS_STATUS_ON_TRACK],
                     counts[DSMS_STATUS_OFF_TRACK], counts[DSMS_STATUS_NOT_ASSESSABLE]);
}

/* ---- the national report ---- */

static const char *const domains[][3] = {{"treatment", "Treatment", "Treatment"},
                                         {"outcomes", "Outcomes at review", "Outcomes"},
                                         {"justice", "Criminal justice", "Criminal justice"},
                                         {"harms", "Health harms and deaths", "Harms"}};

static void domain_sections(dsms_report *r, const rp_data *d)
{
    for (size_t k = 0; k < sizeof domains / sizeof *domains; k++) {
        dsms_report_section *s = dsms_report_section_add(r, domains[k][1], domains[k][2]);
        char caption[200];
        snprintf(caption, sizeof caption, "%s: England, %s", domains[k][1], d->years[d->year]);
        rp_measures_table(r, s, d, england, domains[k][0], caption);
        for (size_t i = 0; i < dsms_measure_count(); i++) {
            const dsms_measure *m = dsms_measure_at(i);
            if (strcmp(m->domain, domains[k][0]) == 0 && m->headline &&
                m->kind != DSMS_KIND_COUNT && m->kind != DSMS_KIND_MEDIAN)
                rp_region_bars(r, s, d, m);
        }
    }
}

static int national(const rp_data *d, const dsms_report_request *q, dsms_report *r,
                    dsms_err *err)
{
    const char *fw = rp_framework_id(q);
    size_t counts[8] = {0};
    dsms_report_section *sum = dsms_report_section_add(r, "Summary", "Summary");
    dsms_report_section *fws = dsms_report_section_add(r, "The outcomes framework", "Framework");
    if (rp_framework(r, fws, d, fw, england, 1, counts, err) < 0) return -1;
    dsms_report_text(r, sum, DSMS_BLOCK_PARAGRAPH,
                     "England's figures for %s, against the outcomes framework %s and across "
                     "its regions and %zu areas. Data as at %s.",
                     d->years[d->year], fw, d->ref->nareas, d->as_at);
    dsms_report_text(r, sum, DSMS_BLOCK_HEADING, "What the figures say");
    status_summary(r, sum, counts);
    if (areas_off_track(r, sum, d, fw, err) < 0) return -1;
    headline_movements(r, sum, d);
    static const char *const led[] = {"successful_completion", "waiting_3wk",
                                      "continuity_of_care"};
    for (size_t i = 0; i < sizeof led / sizeof *led; i++)
        leaders(r, sum, d, dsms_measure_find(led[i]));
    domain_sections(r, d);
    dsms_report_section *areas = dsms_report_section_add(r, "Areas against expected", "Areas");
    static const char *const ratios[] = {"successful_completion_vs_expected",
                                         "continuity_of_care_vs_expected",
                                         "deaths_in_treatment_vs_expected"};
    for (size_t i = 0; i < sizeof ratios / sizeof *ratios; i++) {
        const dsms_measure *m = dsms_measure_find(ratios[i]);
        rp_funnel(r, areas, d, m);
        below_expected(r, areas, d, m, 10);
        if (i == 0) below_expected(r, sum, d, m, 5);
    }
    rp_funnel(r, areas, d, dsms_measure_find("successful_completion"));
    dsms_report_section *dq = dsms_report_section_add(r, "Data quality and completeness",
                                                      "Data quality");
    return rp_quality(r, dq, d, NULL, 0, england, err);
}

/* ---- building ---- */

const char *dsms_report_source_year(const dsms_report_source *src, size_t i)
{
    return i < src->d.nyears ? src->d.years[i] : NULL;
}

int dsms_report_build(dsms_report_source *src, const dsms_report_request *q, dsms_report *r,
                      dsms_err *err)
{
    return dsms_report_build_on(src, src->d.st, q, r, err);
}

int dsms_report_build_on(const dsms_report_source *src, dsms_store *st,
                         const dsms_report_request *q, dsms_report *r, dsms_err *err)
{
    rp_data on = src->d; /* the rows shared, read only; the store this thread's */
    on.st = st;
    const rp_data *d = &on;
    char title[300], subtitle[300];
    int rc = rp_titles(d, q, title, sizeof title, subtitle, sizeof subtitle, err);
    dsms_report_init(r, kind_names[q->kind], title, subtitle, d->as_at, d->public);
    r->links = q->links;
    if (rc != 0) return -1;
    switch (q->kind) {
    case DSMS_REPORT_NATIONAL: rc = national(d, q, r, err); break;
    case DSMS_REPORT_AREA: rc = rp_area_report(d, q, r, err); break;
    case DSMS_REPORT_PARTNERSHIP: rc = rp_partnership_report(d, q, r, err); break;
    case DSMS_REPORT_PROVIDER: rc = rp_provider_report(d, q, r, err); break;
    case DSMS_REPORT_REVIEW: rc = rp_review_report(d, q, r, err); break;
    case DSMS_REPORT_MEASURE: rc = rp_measure_page(d, q, r, err); break;
    case DSMS_REPORT_DEFINITIONS: rc = rp_definitions_page(d, q, r, err); break;
    case DSMS_REPORT_FRAMEWORK: rc = rp_framework_page(d, q, r, err); break;
    }
    if (rc == 0) rp_notes(r, d);
    if (rc == 0 && r->oom) {
        dsms_err_set(err, "out of memory building the report");
        rc = -1;
    }
    return rc < 0 ? -1 : 0;
}
