/* report_local.c — the local reports (report_build.h): an area's annual
 * report and profile (against England and its similar areas, trends, its
 * frameworks, expected against actual, a needs assessment, the quality of
 * its providers' data), a partnership's, and a provider's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/report.h"
#include "report_build.h"
#include "report_parts.h"

static const char *england = "E92000001";

/* ---- titles ---- */

static int partnership_of(const rp_data *d, const char *code)
{
    for (size_t i = 0; i < d->ref->npartnerships; i++)
        if (strcmp(d->ref->partnerships[i].code, code) == 0) return (int)i;
    return -1;
}

static int provider_of(const rp_data *d, const char *code)
{
    for (size_t i = 0; i < d->ref->nproviders; i++)
        if (strcmp(d->ref->providers[i].code, code) == 0) return (int)i;
    return -1;
}

static int refuse_code(const dsms_report_request *q, const char *what, const char *listing,
                       dsms_err *err)
{
    if (!q->code || !*q->code)
        dsms_err_set(err, "a report of %s needs its code: dsms report %s CODE", what,
                     q->kind == DSMS_REPORT_AREA ? "area" : q->kind == DSMS_REPORT_PARTNERSHIP
                                                                ? "partnership"
                                                                : "provider");
    else
        dsms_err_set(err, "%s: no such %s in the reference data (%s lists them)", q->code, what,
                     listing);
    return -1;
}

int rp_titles(const rp_data *d, const dsms_report_request *q, char *title, size_t tn,
              char *subtitle, size_t sn, dsms_err *err)
{
    const char *year = d->years[d->year];
    int i;
    switch (q->kind) {
    case DSMS_REPORT_NATIONAL:
        snprintf(title, tn, "Drug strategy: England's annual report, %s", year);
        snprintf(subtitle, sn, "England against the outcomes framework %s", rp_framework_id(q));
        return 0;
    case DSMS_REPORT_AREA:
        if (!q->code || (i = dsms_refdata_area(d->ref, q->code)) < 0)
            return refuse_code(q, "area", "dsms reference show areas", err);
        snprintf(title, tn, "%s: local annual report and profile, %s", d->ref->areas[i].name,
                 year);
        snprintf(subtitle, sn, "%s (%s), %s", d->ref->areas[i].name, q->code,
                 d->ref->regions[d->ref->areas[i].region].name);
        return 0;
    case DSMS_REPORT_PARTNERSHIP:
        if (!q->code || (i = partnership_of(d, q->code)) < 0)
            return refuse_code(q, "partnership", "dsms reference show partnerships", err);
        snprintf(title, tn, "%s: annual report, %s", d->ref->partnerships[i].name, year);
        snprintf(subtitle, sn, "Partnership %s", q->code);
        return 0;
    case DSMS_REPORT_PROVIDER:
        if (!q->code || (i = provider_of(d, q->code)) < 0)
            return refuse_code(q, "provider", "dsms reference show providers", err);
        if (d->public) {
            dsms_err_set(err, "a provider's report is restricted (an organisation's figures are "
                              "never public): --public cannot apply to it");
            return -1;
        }
        snprintf(title, tn, "%s: submissions and figures, %s", d->ref->providers[i].name, year);
        snprintf(subtitle, sn, "Provider %s, in %s", q->code,
                 d->ref->areas[d->ref->providers[i].area].name);
        return 0;
    case DSMS_REPORT_MEASURE: {
        const dsms_measure *m = q->code ? dsms_measure_find(q->code) : NULL;
        if (!m) {
            dsms_err_set(err, "%s: no such measure (dsms measures --list names them)",
                         q->code ? q->code : "(none given)");
            return -1;
        }
        snprintf(title, tn, "%s, %s", m->title, year);
        snprintf(subtitle, sn, "England's areas compared: %s (%s)", m->id, m->unit);
        return 0;
    }
    case DSMS_REPORT_DEFINITIONS:
        snprintf(title, tn, "The measures and their definitions");
        snprintf(subtitle, sn, "What each measure counts, as docs/measures.md defines it");
        return 0;
    case DSMS_REPORT_FRAMEWORK:
        snprintf(title, tn, "The national outcomes framework, %s", year);
        snprintf(subtitle, sn, "England's metrics against their targets and trajectories");
        return 0;
    case DSMS_REPORT_REVIEW:
        snprintf(title, tn, "Drug strategy: annual review, %s", year);
        snprintf(subtitle, sn, "Progress against the strategy's commitments, strand by strand");
        return 0;
    }
    dsms_err_set(err, "no such kind of report");
    return -1;
}

/* ---- an area's summary ---- */

static void benchmarks(dsms_report *r, dsms_report_section *s, const rp_data *d,
                       const char *area)
{
    size_t n[3] = {0};
    char worse[1500] = "", better[1500] = "";
    for (size_t i = 0; i < dsms_measure_count(); i++) {
        const dsms_measure *m = dsms_measure_at(i);
        const rp_row *row = rp_find(d, m, area, NULL);
        if (!row || row->suppressed || m->polarity == DSMS_POLARITY_NONE) continue;
        int k = strcmp(row->vs_england, "better") == 0    ? 0
                : strcmp(row->vs_england, "similar") == 0 ? 1
                : strcmp(row->vs_england, "worse") == 0   ? 2
                                                          : -1;
        if (k < 0) continue;
        n[k]++;
        char *list = k == 0 ? better : k == 2 ? worse : NULL;
        size_t used = list ? strlen(list) : 0;
        if (list && used + 200 < sizeof worse)
            snprintf(list + used, sizeof worse - used, "%s%s", used ? "; " : "", m->title);
    }
    dsms_report_text(r, s, DSMS_BLOCK_BULLET,
                     "Of %zu measures compared with England, %zu %s better, %zu similar and %zu "
                     "worse.",
                     n[0] + n[1] + n[2], n[0], n[0] == 1 ? "is" : "are", n[1], n[2]);
    if (*worse) dsms_report_text(r, s, DSMS_BLOCK_BULLET, "Worse than England: %s.", worse);
    if (*better) dsms_report_text(r, s, DSMS_BLOCK_BULLET, "Better than England: %s.", better);
}

static void movements(dsms_report *r, dsms_report_section *s, const rp_data *d,
                      const char *area)
{
    for (size_t i = 0; i < dsms_measure_count(); i++) {
        const dsms_measure *m = dsms_measure_at(i);
        char moved[200];
        if (!m->headline) continue;
        rp_movement(d, m, area, moved, sizeof moved);
        if (*moved) dsms_report_text(r, s, DSMS_BLOCK_BULLET, "%s %s.", m->title, moved);
    }
}

/* ---- expected against actual ---- */

static void expected_table(dsms_report *r, dsms_report_section *s, const rp_data *d,
                           const char *area)
{
    static const char *const heads[] = {"Measure", "Period", "Observed", "Expected",
                                        "Ratio",   "Lower 95%", "Upper 95%", "Against expected"};
    static const char *const units[] = {NULL, NULL, "", "", "per 100 expected", "", "", NULL};
    dsms_report_table *t = dsms_report_table_add(
        r, s, "Observed against expected from England's rates for the case mix", 8, heads, units);
    for (size_t i = 0; t && i < dsms_measure_count(); i++) {
        const dsms_measure *m = dsms_measure_at(i);
        const rp_row *row = m->kind == DSMS_KIND_RATIO ? rp_find(d, m, area, NULL) : NULL;
        if (!row) continue;
        char key[160];
        rp_key(row, key, sizeof key);
        dsms_report_cell *c = dsms_report_row(r, t, key);
        if (!c) return;
        dsms_report_cell_text(r, &c[0], m->title);
        dsms_report_cell_text(r, &c[1], row->period);
        rp_cell(&c[2], row, row->num, 0);
        rp_cell(&c[3], row, row->den, 1);
        rp_cell(&c[4], row, row->value, 1);
        c[4].bench = rp_bench(row);
        rp_cell(&c[5], row, row->lo, 1);
        rp_cell(&c[6], row, row->hi, 1);
        dsms_report_cell_text(r, &c[7], row->suppressed ? "*"
                                        : *row->vs_england ? row->vs_england
                                                           : "-");
        if (!row->suppressed && !isnan(row->value))
            dsms_report_text(r, s, DSMS_BLOCK_BULLET,
                             "%s: %.1f per 100 expected (95%% CI %.1f to %.1f), %s.", m->title,
                             row->value, row->lo, row->hi,
                             strcmp(row->vs_england, "similar") == 0
                                 ? "within what chance would give"
                             : strcmp(row->vs_england, "better") == 0 ? "better than expected"
                                                                      : "worse than expected");
    }
    dsms_report_text(r, s, DSMS_BLOCK_NOTE,
                     "100 is what England's rates would give the area's own people: better or "
                     "worse when 100 is outside the ratio's 95%% interval.");
}

/* ---- similar areas ---- */

static const char *const compared[] = {"successful_completion", "waiting_3wk",
                                       "penetration_opiate_crack", "continuity_of_care",
                                       "deaths_in_treatment"};
enum { NCOMPARED = sizeof compared / sizeof *compared };

static void similar_row(dsms_report *r, dsms_report_table *t, const rp_data *d, int a)
{
    dsms_report_cell *c = dsms_report_row(r, t, d->ref->areas[a].code);
    if (!c) return;
    dsms_report_cell_text(r, &c[0], d->ref->areas[a].name);
    for (size_t k = 0; k < NCOMPARED; k++) {
        const dsms_measure *m = dsms_measure_find(compared[k]);
        const rp_row *row = rp_find(d, m, d->ref->areas[a].code, NULL);
        if (!row) continue;
        rp_cell(&c[1 + k], row, row->value, rp_digits(m));
        c[1 + k].bench = rp_bench(row);
    }
}

static void similar_areas(dsms_report *r, dsms_report_section *s, const rp_data *d, int a)
{
    const char *heads[1 + NCOMPARED] = {"Area"};
    const char *units[1 + NCOMPARED] = {NULL};
    for (size_t k = 0; k < NCOMPARED; k++) {
        heads[1 + k] = dsms_measure_find(compared[k])->title;
        units[1 + k] = dsms_measure_find(compared[k])->unit;
    }
    dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH,
                     "%s's %d most similar areas, nearest first: those closest in estimated "
                     "opiate and crack use, deprivation, size and the shares of the population "
                     "aged 15 to 24 and 65 and over. Colours compare each figure with "
                     "England's.",
                     d->ref->areas[a].name, DSMS_COMPARATORS);
    char caption[200];
    snprintf(caption, sizeof caption, "%s and its similar areas, %s", d->ref->areas[a].name,
             d->years[d->year]);
    dsms_report_table *t = dsms_report_table_add(r, s, caption, 1 + NCOMPARED, heads, units);
    if (!t) return;
    similar_row(r, t, d, a);
    for (size_t k = 0; k < DSMS_COMPARATORS; k++)
        if (d->ref->areas[a].comparator[k] >= 0)
            similar_row(r, t, d, d->ref->areas[a].comparator[k]);
}

/* ---- needs assessment ---- */

/* The area's adults in an age category of the results (five-year bands;
 * 18-24 takes two fifths of 15-19). */
static double people_in(const dsms_ref_area *a, const char *category, int sex)
{
    static const struct {
        const char *name;
        int first, last;
    } bands[] = {{"18-24", 4, 4}, {"25-34", 5, 6},  {"35-44", 7, 8},
                 {"45-54", 9, 10}, {"55-64", 11, 12}, {"65+", 13, DSMS_AGE_BANDS - 1}};
    double n = 0;
    for (int s = 0; s < 2; s++) {
        if (sex >= 0 && s != sex) continue;
        if (!category) {
            n += 0.4 * a->population[s][3];
            for (int b = 4; b < DSMS_AGE_BANDS; b++) n += a->population[s][b];
            continue;
        }
        for (size_t i = 0; i < sizeof bands / sizeof *bands; i++) {
            if (strcmp(bands[i].name, category) != 0) continue;
            if (i == 0) n += 0.4 * a->population[s][3];
            for (int b = bands[i].first; b <= bands[i].last; b++) n += a->population[s][b];
        }
    }
    return n;
}

typedef struct {
    dsms_report *r;
    dsms_report_table *t;
    const dsms_ref_area *a;
    double total, adults;
    char under[600];
} groups;

static int group_row(void *ctx, const rp_row *row)
{
    groups *g = ctx;
    int sex = strcmp(row->breakdown, "sex") == 0;
    if (!sex && strcmp(row->breakdown, "age") != 0) return 0;
    if (sex && strcmp(row->category, "X") == 0) return 0;
    double pop = sex ? people_in(g->a, NULL, strcmp(row->category, "M") == 0 ? DSMS_SEX_M
                                                                              : DSMS_SEX_F)
                     : people_in(g->a, row->category, -1);
    char key[160];
    rp_key(row, key, sizeof key);
    dsms_report_cell *c = dsms_report_row(g->r, g->t, key);
    if (!c) return -1;
    char name[64];
    snprintf(name, sizeof name, "%s %s", sex ? "sex" : "age",
             sex ? (strcmp(row->category, "M") == 0 ? "men" : "women") : row->category);
    dsms_report_cell_text(g->r, &c[0], name);
    rp_cell(&c[1], row, row->num, 0);
    double share = row->num / g->total * 100, pshare = pop / g->adults * 100;
    rp_cell(&c[2], row, row->suppressed ? NAN : share, 1);
    dsms_report_cell_number(&c[3], pshare, 1);
    double index = share / pshare;
    rp_cell(&c[4], row, row->suppressed ? NAN : index, 2);
    if (!row->suppressed && index < 0.8) {
        size_t used = strlen(g->under);
        snprintf(g->under + used, sizeof g->under - used, "%s%s (%.1f%% of those in treatment, "
                 "%.1f%% of adults)", used ? "; " : "", name, share, pshare);
    }
    return 0;
}

static int needs(dsms_report *r, dsms_report_section *s, const rp_data *d, int a,
                 dsms_err *err)
{
    const dsms_ref_area *ar = &d->ref->areas[a];
    const dsms_measure *pen = dsms_measure_find("penetration_opiate_crack");
    const dsms_measure *in = dsms_measure_find("in_treatment");
    const rp_row *p = rp_find(d, pen, ar->code, NULL), *e = rp_find(d, pen, england, NULL);
    const rp_row *people = rp_find(d, in, ar->code, NULL);
    static const char *const heads[] = {"Figure", "Value"};
    static const char *const units[] = {NULL, ""};
    dsms_report_table *t = dsms_report_table_add(r, s, "Population and need", 2, heads, units);
    struct {
        const char *what;
        double x;
        int digits;
        const rp_row *row;
    } lines[] = {
        {"Population aged 15 to 64", dsms_area_people_15_64(ar), 0, NULL},
        {"Adults (18 and over)", people_in(ar, NULL, -1), 0, NULL},
        {"Estimated opiate and crack users", p ? p->den : NAN, 0, NULL},
        {"Estimated users per 1,000 aged 15 to 64", ar->opiate_crack_per_1000, 1, NULL},
        {"Opiate and crack users in treatment", p ? p->num : NAN, 0, p},
        {"Penetration: in treatment, of the estimated users (%)", p ? p->value : NAN, 1, p},
        {"England's penetration (%)", e ? e->value : NAN, 1, e},
        {"Unmet need: estimated users not in treatment", p ? p->den - p->num : NAN, 0, p},
        {"People in treatment (all substances)", people ? people->value : NAN, 0, people},
    };
    for (size_t i = 0; t && i < sizeof lines / sizeof *lines; i++) {
        dsms_report_cell *c = dsms_report_row(r, t, NULL);
        if (!c) break;
        dsms_report_cell_text(r, &c[0], lines[i].what);
        rp_cell(&c[1], lines[i].row, lines[i].x, lines[i].digits);
    }
    if (p && !p->suppressed && !isnan(p->value)) {
        char users[32], unmet[32];
        rp_show(users, sizeof users, p->den, 0);
        rp_show(unmet, sizeof unmet, p->den - p->num, 0);
        dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH,
                         "%.1f%% of the area's estimated %s opiate and crack users were in "
                         "treatment in %s (England %.1f%%): %s were not.",
                         p->value, users, p->period, e ? e->value : NAN, unmet);
    }
    if (!people || people->suppressed || !(people->value > 0)) return 0;
    dsms_report_text(r, s, DSMS_BLOCK_HEADING, "Who is in treatment");
    static const char *const gheads[] = {"Group", "In treatment", "Share in treatment",
                                         "Share of adults", "Representation"};
    static const char *const gunits[] = {NULL, "people", "%", "%", "ratio"};
    groups g = {r, dsms_report_table_add(r, s, "People in treatment by sex and age, against the "
                                               "adult population", 5, gheads, gunits),
                ar, people->value, people_in(ar, NULL, -1), ""};
    if (!g.t) return 0;
    if (rp_each_breakdown(d, in, ar->code, people->period, group_row, &g, err) != 0) return -1;
    dsms_report_text(r, s, DSMS_BLOCK_NOTE,
                     "Representation: the group's share of those in treatment over its share of "
                     "the adult population; under 0.8 is taken as under-represented. 18-24 "
                     "takes two fifths of the population aged 15-19.");
    if (*g.under)
        dsms_report_text(r, s, DSMS_BLOCK_BULLET, "Under-represented in treatment: %s.",
                         g.under);
    return 0;
}

/* ---- frameworks for the area ---- */

typedef struct {
    char ids[16][DSMS_FW_ID];
    size_t n;
} id_list;

static int take_id(void *ctx, const dsms_stored_framework *f)
{
    id_list *l = ctx;
    if (l->n < 16) snprintf(l->ids[l->n++], DSMS_FW_ID, "%s", f->id);
    return 0;
}

/* Every loaded framework that is not England's and is for the area. */
static int local_frameworks(dsms_report *r, dsms_report_section *s, const rp_data *d,
                            const char *area, dsms_err *err)
{
    id_list l = {0};
    if (dsms_store_each_framework(d->st, NULL, take_id, &l, err) != 0) return -1;
    for (size_t i = 0; i < l.n; i++) {
        dsms_framework fw;
        int found = dsms_framework_fetch(d->st, l.ids[i], &fw, err);
        if (found < 0) return -1;
        if (!found) continue;
        int mine = 0;
        for (size_t k = 0; k < fw.nareas; k++) mine |= strcmp(fw.areas[k], area) == 0;
        for (size_t k = 0; fw.partnership[0] && k < d->ref->npartnerships; k++)
            mine |= strcmp(d->ref->partnerships[k].code, fw.partnership) == 0 &&
                    strcmp(d->ref->areas[d->ref->partnerships[k].area].code, area) == 0;
        dsms_framework_free(&fw);
        if (mine && rp_framework(r, s, d, l.ids[i], area, 0, NULL, err) < 0) return -1;
    }
    return 0;
}

/* The providers serving an area. */
static size_t area_providers(const rp_data *d, int a, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < d->ref->nproviders && n < max; i++)
        if (d->ref->providers[i].area == a) out[n++] = d->ref->providers[i].code;
    return n;
}

int rp_area_report(const rp_data *d, const dsms_report_request *q, dsms_report *r,
                   dsms_err *err)
{
    int a = dsms_refdata_area(d->ref, q->code);
    const char *code = d->ref->areas[a].code;
    dsms_report_section *sum = dsms_report_section_add(r, "Summary", "Summary");
    char people[32];
    rp_show(people, sizeof people, dsms_area_people_15_64(&d->ref->areas[a]), 0);
    dsms_report_text(r, sum, DSMS_BLOCK_PARAGRAPH,
                     "%s, in %s: %s people aged 15 to 64. Its figures for %s against England, "
                     "its region and its %d most similar areas. Data as at %s.",
                     d->ref->areas[a].name, d->ref->regions[d->ref->areas[a].region].name,
                     people, d->years[d->year], DSMS_COMPARATORS, d->as_at);
    dsms_report_text(r, sum, DSMS_BLOCK_HEADING, "What the figures say");
    benchmarks(r, sum, d, code);
    movements(r, sum, d, code);
    dsms_report_section *cmp = dsms_report_section_add(r, "Compared with England", "Compared");
    rp_spine(r, cmp, d, code);
    char caption[300];
    snprintf(caption, sizeof caption, "%s's measures, %s", d->ref->areas[a].name,
             d->years[d->year]);
    rp_measures_table(r, cmp, d, code, NULL, caption);
    rp_multiples(r, dsms_report_section_add(r, "Trends", "Trends"), d, code);
    dsms_report_section *fws = dsms_report_section_add(r, "Framework status", "Framework");
    if (rp_framework(r, fws, d, rp_framework_id(q), code, 1, NULL, err) < 0 ||
        local_frameworks(r, fws, d, code, err) != 0)
        return -1;
    expected_table(r, dsms_report_section_add(r, "Expected against actual", "Expected"), d,
                   code);
    similar_areas(r, dsms_report_section_add(r, "Similar areas", "Similar areas"), d, a);
    if (needs(r, dsms_report_section_add(r, "Needs assessment", "Needs"), d, a, err) != 0)
        return -1;
    const char *providers[64];
    size_t np = area_providers(d, a, providers, 64);
    dsms_report_section *dq = dsms_report_section_add(r, "Data quality", "Data quality");
    if (!np) {
        dsms_report_text(r, dq, DSMS_BLOCK_PARAGRAPH, "No provider in the reference data serves "
                                                      "the area.");
        return 0;
    }
    return rp_quality(r, dq, d, providers, np, code, err);
}

/* ---- a partnership ---- */

int rp_partnership_report(const rp_data *d, const dsms_report_request *q, dsms_report *r,
                          dsms_err *err)
{
    int members[64];
    size_t n = 0;
    for (size_t i = 0; i < d->ref->npartnerships && n < 64; i++)
        if (strcmp(d->ref->partnerships[i].code, q->code) == 0)
            members[n++] = d->ref->partnerships[i].area;
    dsms_report_section *sum = dsms_report_section_add(r, "Summary", "Summary");
    dsms_report_text(r, sum, DSMS_BLOCK_PARAGRAPH,
                     "The partnership's %zu %s, compared with England for %s. Data as at %s.", n,
                     n == 1 ? "area" : "areas", d->years[d->year], d->as_at);
    const char *heads[1 + NCOMPARED] = {"Area"};
    const char *units[1 + NCOMPARED] = {NULL};
    for (size_t k = 0; k < NCOMPARED; k++) {
        heads[1 + k] = dsms_measure_find(compared[k])->title;
        units[1 + k] = dsms_measure_find(compared[k])->unit;
    }
    dsms_report_table *t = dsms_report_table_add(r, sum, "The partnership's areas",
                                                 1 + NCOMPARED, heads, units);
    for (size_t i = 0; t && i < n; i++) similar_row(r, t, d, members[i]);
    dsms_report_section *fws = dsms_report_section_add(r, "Framework status", "Framework");
    for (size_t i = 0; i < n; i++) {
        const char *code = d->ref->areas[members[i]].code;
        if (local_frameworks(r, fws, d, code, err) != 0 ||
            rp_framework(r, fws, d, rp_framework_id(q), code, 0, NULL, err) < 0)
            return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const dsms_ref_area *a = &d->ref->areas[members[i]];
        dsms_report_section *s = dsms_report_section_add(r, a->name, a->name);
        benchmarks(r, s, d, a->code);
        rp_spine(r, s, d, a->code);
        char caption[300];
        snprintf(caption, sizeof caption, "%s's measures, %s", a->name, d->years[d->year]);
        rp_measures_table(r, s, d, a->code, NULL, caption);
        expected_table(r, s, d, a->code);
        dsms_report_text(r, s, DSMS_BLOCK_HEADING, "Similar areas");
        similar_areas(r, s, d, members[i]);
        if (needs(r, s, d, members[i], err) != 0) return -1;
    }
    return 0;
}

/* ---- a provider ---- */

typedef struct {
    dsms_report *r;
    dsms_report_table *t;
    const char *code;
} submissions;

static int submission_row(void *ctx, const dsms_submission *sub)
{
    submissions *s = ctx;
    if (strcmp(sub->source, s->code) != 0) return 0;
    dsms_report_cell *c = dsms_report_row(s->r, s->t, NULL);
    if (!c) return -1;
    char when[24];
    snprintf(when, sizeof when, "%.10s", sub->received_at);
    dsms_report_cell_text(s->r, &c[0], when);
    dsms_report_cell_text(s->r, &c[1], sub->table);
    dsms_report_cell_text(s->r, &c[2], sub->file);
    char link[48];
    snprintf(link, sizeof link, "/submissions/%lld", (long long)sub->id);
    dsms_report_cell_link(s->r, &c[2], link);
    dsms_report_cell_number(&c[3], (double)sub->rows, 0);
    dsms_report_cell_number(&c[4], (double)sub->accepted, 0);
    dsms_report_cell_number(&c[5], (double)sub->quarantined, 0);
    dsms_report_cell_text(s->r, &c[6], sub->status);
    return 0;
}

/* The store gives submissions in the order they came: a provider looks for
 * its latest first. */
static void latest_first(dsms_report_table *t)
{
    for (size_t i = 0, j = t->nrows; i + 1 < j; i++, j--) {
        dsms_report_cell *a = &t->cells[i * t->ncolumns], *b = &t->cells[(j - 1) * t->ncolumns];
        for (size_t k = 0; k < t->ncolumns; k++) {
            dsms_report_cell c = a[k];
            a[k] = b[k], b[k] = c;
        }
        char *key = t->keys[i];
        t->keys[i] = t->keys[j - 1], t->keys[j - 1] = key;
    }
}

static void provider_measures(dsms_report *r, dsms_report_section *s, const rp_data *d,
                              const char *code, const char *area)
{
    static const char *const heads[] = {"Measure", "Value", "Lower 95%", "Upper 95%", "Count",
                                        "Of",      "Area",  "England"};
    dsms_report_table *t = dsms_report_table_add(r, s, "The provider's measures, against its "
                                                       "area and England", 8, heads, NULL);
    for (size_t i = 0; t && i < dsms_measure_count(); i++) {
        const dsms_measure *m = dsms_measure_at(i);
        const rp_row *row = rp_find(d, m, code, d->years[d->year]);
        if (!row) continue;
        dsms_report_cell *c = rp_measure_row(r, t, row);
        if (!c) return;
        int dg = rp_digits(m);
        rp_cell(&c[1], row, row->value, dg);
        rp_cell(&c[2], row, row->lo, dg);
        rp_cell(&c[3], row, row->hi, dg);
        rp_cell(&c[4], row, row->num, 0);
        if (m->kind != DSMS_KIND_COUNT && m->kind != DSMS_KIND_MEDIAN)
            rp_cell(&c[5], row, row->den, 0);
        const rp_row *ar = rp_find(d, m, area, NULL), *en = rp_find(d, m, england, NULL);
        if (ar) rp_cell(&c[6], ar, ar->value, dg);
        if (en) rp_cell(&c[7], en, en->value, dg);
    }
}

int rp_provider_report(const rp_data *d, const dsms_report_request *q, dsms_report *r,
                       dsms_err *err)
{
    int p = provider_of(d, q->code);
    const char *area = d->ref->areas[d->ref->providers[p].area].code;
    const char *code = d->ref->providers[p].code;
    dsms_report_section *sub = dsms_report_section_add(r, "Submissions", "Submissions");
    if (sub) snprintf(sub->anchor, sizeof sub->anchor, "submissions");
    if (rp_quality(r, sub, d, &code, 1, NULL, err) != 0) return -1;
    static const char *const heads[] = {"Received", "Kind of data", "File", "Rows",
                                        "Accepted", "Quarantined", "Status"};
    submissions s = {r, dsms_report_table_add(r, sub, "Each submission, the latest first", 7,
                                              heads, NULL),
                     code};
    if (s.t && dsms_store_each_submission(d->st, submission_row, &s, err) != 0) return -1;
    if (s.t) latest_first(s.t);
    dsms_report_section *fig = dsms_report_section_add(r, "Figures", "Figures");
    if (fig) snprintf(fig->anchor, sizeof fig->anchor, "figures");
    provider_measures(r, fig, d, code, area);
    return 0;
}
