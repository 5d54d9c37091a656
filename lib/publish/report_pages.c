/* report_pages.c — the dashboard's views that are not an annual report
 * (dsms/report.h): one measure across England's areas (its definition and
 * England's trend, every area against England with its interval, the areas
 * ranked, a tile map by region, a funnel plot and the regions), every
 * measure's definition, and the national framework's status with its
 * trajectories. Each is a report like the others, so the same view is a
 * page, a PDF or a workbook, and every figure in it keyed to its result. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_build.h"
#include "report_parts.h"

static const char *england = "E92000001";

static const char *polarity_words(dsms_polarity p)
{
    return p == DSMS_POLARITY_HIGH_GOOD  ? "higher is better"
           : p == DSMS_POLARITY_LOW_GOOD ? "lower is better"
                                             : "neither higher nor lower is better";
}

typedef struct {
    dsms_report *r;
    dsms_report_section *s;
} definition_ctx;

static void definition_line(void *ctx, const char *heading, const char *text)
{
    definition_ctx *c = ctx;
    char head[64];
    snprintf(head, sizeof head, "%s", heading);
    if (head[0] >= 'a' && head[0] <= 'z') head[0] = (char)(head[0] - 'a' + 'A');
    dsms_report_text(c->r, c->s, DSMS_BLOCK_BULLET, "%s: %s", head, text);
}

static void definition(dsms_report *r, const rp_data *d, const dsms_measure *m)
{
    dsms_report_section *s = dsms_report_section_add(r, "Definition", "Definition");
    if (!s) return;
    snprintf(s->anchor, sizeof s->anchor, "definition");
    dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH, "%s (%s), in %s; %s. Domain: %s.", m->title,
                     m->id, m->unit, polarity_words(m->polarity), m->domain);
    definition_ctx c = {r, s};
    if (!dsms_measure_definition(m->id, definition_line, &c))
        dsms_report_text(r, s, DSMS_BLOCK_NOTE, "docs/measures.md gives no table row for %s.",
                         m->id);
    rp_trend(r, s, d, m, england, NULL);
}

/* One place's row of the areas table: the place, its region, the figure
 * with its interval and counts, and the comparison with England. */
static void area_row(dsms_report *r, dsms_report_table *t, const rp_data *d,
                     const dsms_measure *m, const char *code, const char *region)
{
    const rp_row *row = rp_find(d, m, code, NULL);
    if (!row) return;
    dsms_report_cell *c = NULL;
    char key[160], link[64];
    rp_key(row, key, sizeof key);
    if (!(c = dsms_report_row(r, t, key))) return;
    dsms_report_cell_text(r, &c[0], rp_place_name(d, code));
    snprintf(link, sizeof link, "/area/%s", code);
    if (strcmp(rp_level_of(d, code), "region") != 0) dsms_report_cell_link(r, &c[0], link);
    dsms_report_cell_text(r, &c[1], region);
    int dg = rp_digits(m);
    rp_cell(&c[2], row, row->value, dg);
    c[2].bench = strcmp(code, england) == 0 ? DSMS_BENCH_NONE : rp_bench(row);
    rp_cell(&c[3], row, row->lo, dg);
    rp_cell(&c[4], row, row->hi, dg);
    rp_cell(&c[5], row, row->num, 0);
    rp_cell(&c[6], row, row->den, m->kind == DSMS_KIND_RATIO ? 1 : 0);
    if (m->kind == DSMS_KIND_COUNT || m->kind == DSMS_KIND_MEDIAN) c[6].kind = DSMS_CELL_NONE;
}

static void areas_table(dsms_report *r, dsms_report_section *s, const rp_data *d,
                        const dsms_measure *m)
{
    static const char *const heads[] = {"Area", "Region", "Value", "Lower 95%", "Upper 95%",
                                        "Count", "Of"};
    char caption[300];
    snprintf(caption, sizeof caption, "%s (%s): England, its regions and its areas, %s",
             m->title, m->unit, d->years[d->year]);
    dsms_report_table *t = dsms_report_table_add(r, s, caption, 7, heads, NULL);
    if (!t) return;
    area_row(r, t, d, m, england, "");
    for (size_t i = 0; i < d->ref->nregions; i++)
        area_row(r, t, d, m, d->ref->regions[i].code, d->ref->regions[i].name);
    for (size_t i = 0; i < d->ref->nareas; i++)
        area_row(r, t, d, m, d->ref->areas[i].code,
                 d->ref->regions[d->ref->areas[i].region].name);
}

/* The areas in rank order: the best first (the highest, for a measure with
 * no polarity), those with no figure last, by name. */
typedef struct {
    const rp_row *row;
    const char *name, *region, *code;
    int low_first;
} ranked;

static int rank_order(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    double vx = x->row && !x->row->suppressed ? x->row->value : NAN;
    double vy = y->row && !y->row->suppressed ? y->row->value : NAN;
    int nx = isnan(vx), ny = isnan(vy);
    if (nx != ny) return nx - ny;
    if (!nx && vx != vy) return (vx < vy) == x->low_first ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Every area ranked, with its figure, interval and comparison with England. */
static void ranking(dsms_report *r, dsms_report_section *s, const rp_data *d,
                    const dsms_measure *m)
{
    size_t na = d->ref->nareas;
    ranked *rk = calloc(na ? na : 1, sizeof *rk);
    if (!rk) {
        r->oom = 1;
        return;
    }
    const char *period = rp_period(d, m, "area", d->year);
    for (size_t i = 0; i < na; i++)
        rk[i] = (ranked){rp_find(d, m, d->ref->areas[i].code, period), d->ref->areas[i].name,
                         d->ref->regions[d->ref->areas[i].region].name, d->ref->areas[i].code,
                         m->polarity == DSMS_POLARITY_LOW_GOOD};
    qsort(rk, na, sizeof *rk, rank_order);
    static const char *const heads[] = {"Rank", "Area", "Region", "Value", "Lower 95%",
                                        "Upper 95%"};
    char caption[300];
    snprintf(caption, sizeof caption, "%s: areas ranked, %s, %s first", m->title, period,
             m->polarity == DSMS_POLARITY_LOW_GOOD    ? "the lowest (best)"
             : m->polarity == DSMS_POLARITY_HIGH_GOOD ? "the highest (best)"
                                                      : "the highest");
    dsms_report_table *t = dsms_report_table_add(r, s, caption, 6, heads, NULL);
    int dg = rp_digits(m);
    for (size_t i = 0, place = 0; t && i < na; i++) {
        const rp_row *row = rk[i].row;
        if (!row) continue;
        char key[160], link[64];
        rp_key(row, key, sizeof key);
        dsms_report_cell *c = dsms_report_row(r, t, key);
        if (!c) break;
        /* equal figures share a rank; a row with no figure has none (the
         * figures come first, so the row before a figure has one) */
        int figure = !isnan(row->value) && !row->suppressed;
        if (figure && (place == 0 || rk[i - 1].row->value != row->value)) place = i + 1;
        if (figure) dsms_report_cell_number(&c[0], (double)place, 0);
        dsms_report_cell_text(r, &c[1], rk[i].name);
        snprintf(link, sizeof link, "/area/%s", rk[i].code);
        dsms_report_cell_link(r, &c[1], link);
        dsms_report_cell_text(r, &c[2], rk[i].region);
        rp_cell(&c[3], row, row->value, dg);
        c[3].bench = rp_bench(row);
        rp_cell(&c[4], row, row->lo, dg);
        rp_cell(&c[5], row, row->hi, dg);
    }
    free(rk);
}

/* A tile's label: the first three letters of the area's name ("Bir" for
 * Birmingham), or none when it does not start with three; the name itself
 * is the tile's tip and in the chart's words. */
static void tile_label(const char *name, char out[4])
{
    size_t n = 0;
    while (n < 3 && ((name[n] >= 'A' && name[n] <= 'Z') || (name[n] >= 'a' && name[n] <= 'z')))
        n++;
    memcpy(out, name, n == 3 ? 3 : 0);
    out[n == 3 ? 3 : 0] = 0;
}

/* Every area as a tile in its region, coloured against England. */
static void tile_map(dsms_report *r, dsms_report_section *s, const rp_data *d,
                     const dsms_measure *m)
{
    size_t na = d->ref->nareas, n = 0;
    dsms_tile *tiles = calloc(na ? na : 1, sizeof *tiles);
    char(*links)[32] = calloc(na ? na : 1, sizeof *links);
    char(*labels)[4] = calloc(na ? na : 1, sizeof *labels);
    if (!tiles || !links || !labels) {
        free(tiles);
        free(links);
        free(labels);
        r->oom = 1;
        return;
    }
    const char *period = rp_period(d, m, "area", d->year);
    for (size_t g = 0; g < d->ref->nregions; g++)
        for (size_t i = 0; i < na; i++) {
            const dsms_ref_area *a = &d->ref->areas[i];
            if (a->region != (int)g) continue;
            const rp_row *row = rp_find(d, m, a->code, period);
            size_t k = n++;
            snprintf(links[k], sizeof links[k], "/area/%s", a->code);
            tile_label(a->name, labels[k]);
            tiles[k] = (dsms_tile){a->code, labels[k][0] ? labels[k] : NULL, a->name,
                                   d->ref->regions[g].name,
                                   row ? row->value : NAN,
                                   !row ? DSMS_BENCH_NONE
                                   : row->suppressed ? DSMS_BENCH_SUPPRESSED
                                                     : rp_bench(row),
                                   r->links ? links[k] : NULL};
        }
    char title[300];
    snprintf(title, sizeof title, "%s: areas against England by region, %s", m->title, period);
    dsms_tilemap_chart c = {title, tiles, n};
    dsms_drawing dr = {0};
    dsms_err err;
    rp_place_chart(r, s, &dr, n ? dsms_chart_tilemap(&c, RP_CHART_WIDTH, &dr, &err) : -1,
                   m->title);
    free(tiles);
    free(links);
    free(labels);
}

static dsms_report_section *section(dsms_report *r, const char *title, const char *anchor)
{
    dsms_report_section *s = dsms_report_section_add(r, title, title);
    if (s) snprintf(s->anchor, sizeof s->anchor, "%s", anchor);
    return s;
}

int rp_measure_page(const rp_data *d, const dsms_report_request *q, dsms_report *r,
                    dsms_err *err)
{
    (void)err;
    const dsms_measure *m = dsms_measure_find(q->code);
    dsms_report_section *s = section(r, "Compare areas", "areas");
    if (s) {
        dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH,
                         "Each area's figure with its 95%% confidence interval, coloured by "
                         "how it compares with England's.");
        areas_table(r, s, d, m);
    }
    if ((s = section(r, "Map", "map"))) tile_map(r, s, d, m);
    if ((s = section(r, "Rankings", "rank"))) {
        rp_funnel(r, s, d, m);
        ranking(r, s, d, m);
        rp_region_bars(r, s, d, m);
    }
    definition(r, d, m);
    return 0;
}

/* The definitions: one table a domain, each measure's row of docs/measures.md. */
typedef struct {
    dsms_report *r;
    dsms_report_cell *c;
} defn_cells;

static void definition_cell(void *ctx, const char *heading, const char *text)
{
    defn_cells *dc = ctx;
    size_t col = strstr(heading, "numerator") || strcmp(heading, "observed") == 0 ? 4
                 : strstr(heading, "denominator")                                 ? 5
                 : strcmp(heading, "breakdowns") == 0                             ? 6
                                                                                  : 0;
    if (col) dsms_report_cell_text(dc->r, &dc->c[col], text);
}

int rp_definitions_page(const rp_data *d, const dsms_report_request *q, dsms_report *r,
                        dsms_err *err)
{
    (void)d, (void)q, (void)err;
    static const char *const domains[][2] = {{"treatment", "Treatment and recovery"},
                                             {"outcomes", "Outcomes"},
                                             {"justice", "Criminal justice"},
                                             {"harms", "Harms"}};
    static const char *const heads[] = {"Measure", "Id",          "Unit",      "Polarity",
                                        "Numerator", "Denominator", "Breakdowns"};
    for (size_t k = 0; k < sizeof domains / sizeof *domains; k++) {
        dsms_report_section *s = section(r, domains[k][1], domains[k][0]);
        dsms_report_table *t =
            s ? dsms_report_table_add(r, s, domains[k][1], 7, heads, NULL) : NULL;
        for (size_t i = 0; t && i < dsms_measure_count(); i++) {
            const dsms_measure *m = dsms_measure_at(i);
            if (strcmp(m->domain, domains[k][0]) != 0) continue;
            dsms_report_cell *c = dsms_report_row(r, t, NULL);
            if (!c) break;
            char link[64];
            snprintf(link, sizeof link, "/measure/%s", m->id);
            dsms_report_cell_text(r, &c[0], m->title);
            dsms_report_cell_link(r, &c[0], link);
            dsms_report_cell_text(r, &c[1], m->id);
            dsms_report_cell_text(r, &c[2], m->unit);
            dsms_report_cell_text(r, &c[3], polarity_words(m->polarity));
            defn_cells dc = {r, c};
            dsms_measure_definition(m->id, definition_cell, &dc);
        }
    }
    return 0;
}

int rp_framework_page(const rp_data *d, const dsms_report_request *q, dsms_report *r,
                      dsms_err *err)
{
    dsms_report_section *s = section(r, "Status", "framework");
    if (!s) return 0;
    return rp_framework(r, s, d, rp_framework_id(q), england, 1, NULL, err) < 0 ? -1 : 0;
}
