/* dsms/chart.h — charts drawn once: a chart's figures are laid out into a
 * drawing (shapes and text on a canvas of points, docs/charts.md), and the
 * same drawing is written as SVG (for HTML and the dashboard) or drawn by
 * cairo (PDF and PNG). A chart says what it shows in words too: its title
 * and a text alternative go with every drawing.
 *
 * Benchmark colours are those of the public health profiles' kinds (better,
 * similar, worse; higher, similar, lower for a measure with no polarity),
 * in a palette safe for colour-blind readers; a suppressed figure is drawn
 * as suppressed (an outlined gap and "*"), never as zero. */
#ifndef DSMS_CHART_H
#define DSMS_CHART_H

#include <stddef.h>
#include <stdint.h>

#include "dsms/diag.h"

/* ---- the drawing ---------------------------------------------------------------------- */

typedef enum {
    DSMS_SHAPE_RECT,  /* x, y, w, h */
    DSMS_SHAPE_LINE,  /* from (x, y) to (x2, y2) */
    DSMS_SHAPE_DOT,   /* a circle at (x, y) of radius r */
    DSMS_SHAPE_TEXT,  /* text at (x, y), its baseline; anchored start, middle or end */
    DSMS_SHAPE_PATH   /* a polyline through points [first, first + npoints) */
} dsms_shape_kind;

enum { DSMS_ANCHOR_START, DSMS_ANCHOR_MIDDLE, DSMS_ANCHOR_END };

/* Colours as 0xRRGGBB; DSMS_NONE: not filled or not stroked. */
#define DSMS_NONE 0xFFFFFFFFu

typedef struct {
    dsms_shape_kind kind;
    double x, y, x2, y2, w, h, r;
    uint32_t fill, stroke;
    double stroke_width;
    int dashed;
    int anchor;  /* DSMS_ANCHOR_* (text) */
    double size; /* font size in points (text) */
    int bold;
    char *text;  /* owned (text), or NULL */
    size_t first, npoints;
    /* What a pointer over the shape or a screen reader is told of it, and where
     * following it leads (a URL): owned, or NULL (as most shapes have). Only SVG
     * writes them; cairo draws the shape alone. */
    char *tip, *href;
} dsms_shape;

typedef struct {
    double x, y;
} dsms_point;

/* A chart laid out: width and height in points, the title and the text
 * alternative (owned), the shapes in drawing order, the points of paths. */
typedef struct {
    double width, height;
    char *title, *alt;
    dsms_shape *shapes;
    size_t nshapes, cap_shapes;
    dsms_point *points;
    size_t npoints, cap_points;
    int oom; /* a shape could not be added: the drawing is incomplete */
} dsms_drawing;

/* Free what d holds and empty it (freeing twice is harmless). */
void dsms_drawing_free(dsms_drawing *d);

/* ---- benchmark colours ------------------------------------------------------------- */

typedef enum {
    DSMS_BENCH_NONE,       /* not compared */
    DSMS_BENCH_BETTER,
    DSMS_BENCH_SIMILAR,
    DSMS_BENCH_WORSE,
    DSMS_BENCH_HIGHER,     /* a measure with no polarity */
    DSMS_BENCH_LOWER,
    DSMS_BENCH_SUPPRESSED  /* withheld by disclosure control */
} dsms_bench;

/* A comparison's word as the results store it ("better", "similar",
 * "worse", "higher", "lower", "not compared"), or NULL, as a dsms_bench. */
dsms_bench dsms_bench_of(const char *word, int suppressed);
uint32_t dsms_bench_colour(dsms_bench b);
/* Its name for a legend or a text alternative ("better than England"...):
 * static text. */
const char *dsms_bench_label(dsms_bench b);

/* ---- chart kinds ------------------------------------------------------------------- */

/* One bar: a place's figure with its 95% limits (NaN: none) and its
 * benchmark. */
typedef struct {
    const char *label;
    double value, lower, upper;
    dsms_bench bench;
} dsms_bar;

/* Areas as horizontal bars with interval whiskers, and England's value as a
 * line down the chart. */
typedef struct {
    const char *title, *unit;      /* the unit names the value axis */
    const dsms_bar *bars;
    size_t nbars;
    double england;                /* NaN: no line */
} dsms_bar_chart;

/* A figure over periods with its 95% limits, and a target's trajectory
 * where there is one (NaN where none). */
typedef struct {
    const char *title, *unit;
    const char *const *periods;
    const double *value, *lower, *upper, *trajectory;
    const dsms_bench *bench;       /* each point's benchmark, or NULL */
    size_t n;
} dsms_trend_chart;

/* Places as points (x: the denominator or the expected count; y: the
 * value), around the benchmark, with control limits at 95% and 99.8%
 * evaluated at npoints values of x (lower and upper each). */
typedef struct {
    const char *title, *unit, *x_label;
    const double *x, *y;
    const dsms_bench *bench;
    const char *const *labels;     /* each place's name, or NULL */
    size_t n;
    double benchmark;
    const double *limit_x, *lo95, *hi95, *lo998, *hi998;
    size_t nlimits;
} dsms_funnel_chart;

/* One row of a spine chart: a measure's figure for the area, England's,
 * and the spread of England's areas from the worst to the best (lowest to
 * highest for a measure with no polarity) with the quartiles between. */
typedef struct {
    const char *label, *unit;
    double value, england, worst, q25, q75, best;
    dsms_bench bench;
} dsms_spine_row;

/* An area's measures against England, one row each, as the public health
 * profiles draw them: England in the middle of every row, the range of
 * England's areas as a grey bar with the quartiles darker, the worst to the
 * left, and the area's figure a dot in its benchmark colour. */
typedef struct {
    const char *title, *area;
    const dsms_spine_row *rows;
    size_t n;
} dsms_spine_chart;

/* People by age band and sex as a population pyramid: each band's share of
 * the area's people, men to the left and women to the right, youngest at
 * the bottom, with England's shares as an outline (NaN: none). Counts are
 * given; a suppressed band (-1) is drawn as suppressed. */
typedef struct {
    const char *title, *area;
    const char *const *bands;
    const double *men, *women;           /* the area's counts by band */
    const double *england_men, *england_women; /* England's counts, or NULL */
    size_t n;
} dsms_pyramid_chart;

/* Small multiples: one small trend for each of n panels, in a grid of
 * `columns`, every panel on its own value axis. */
typedef struct {
    const char *title;
    const dsms_trend_chart *panels;
    size_t n, columns;
} dsms_multiples_chart;

/* One area of a tile map: its code (E08000025), a short label drawn in its
 * tile (2 to 4 characters, or NULL: none), its name (said in the tile's tip
 * and the text alternative; NULL: its code), its region (tiles of one group
 * are drawn together), its figure (NaN: none), its benchmark, and where its
 * tile leads in SVG (a URL, or NULL: nowhere). */
typedef struct {
    const char *code, *label, *name, *group;
    double value;
    dsms_bench bench;
    const char *href;
} dsms_tile;

/* Every area as a square tile in its benchmark colour (a suppressed one an
 * outlined tile with "*"), a block of tiles for each group under its name (in
 * the order the groups first come), the blocks flowing left to right and on
 * to the next row within the width. Each tile's tip says "name: figure
 * (benchmark)"; the text alternative says, group by group, how many areas are
 * of each benchmark and names them. */
typedef struct {
    const char *title;
    const dsms_tile *tiles;
    size_t n;
} dsms_tilemap_chart;

/* Lay a chart out into d (emptied first), width points wide (the height
 * follows from what is drawn): 0, or -1 with err set when out of memory or
 * when there is nothing to draw (no bar, no period, no point, or no figure
 * that is a number; for a tile map, no area). */
int dsms_chart_bars(const dsms_bar_chart *c, double width, dsms_drawing *d, dsms_err *err);
int dsms_chart_trend(const dsms_trend_chart *c, double width, dsms_drawing *d, dsms_err *err);
int dsms_chart_funnel(const dsms_funnel_chart *c, double width, dsms_drawing *d, dsms_err *err);
int dsms_chart_spine(const dsms_spine_chart *c, double width, dsms_drawing *d, dsms_err *err);
int dsms_chart_pyramid(const dsms_pyramid_chart *c, double width, dsms_drawing *d,
                       dsms_err *err);
int dsms_chart_multiples(const dsms_multiples_chart *c, double width, dsms_drawing *d,
                         dsms_err *err);
int dsms_chart_tilemap(const dsms_tilemap_chart *c, double width, dsms_drawing *d,
                       dsms_err *err);

/* ---- writing and drawing ----------------------------------------------------------- */

/* The drawing as one SVG element (text, malloc'd; the caller frees it), with
 * role="img" (role="group" when a shape links somewhere, so that its links
 * can be reached), sized in points as it was laid out, named by its title and
 * described by its text alternative, whose elements' ids are ID-title and
 * ID-desc (id: unique on the page the SVG goes into; NULL: "chart"),
 * fetching nothing from elsewhere, with no style attribute or element;
 * NULL when out of memory. Consecutive shapes with the same tip and link (a
 * tile, its label and its "*") are written as one: inside an <a href> when
 * they link, else a <g>, whose <title> is the tip. */
char *dsms_chart_svg(const dsms_drawing *d, const char *id);
/* The drawing drawn by cairo into path, as PDF (pdf set) or PNG (at scale
 * pixels a point): 0, or -1 with err set. */
int dsms_chart_cairo(const dsms_drawing *d, const char *path, int pdf, double scale,
                     dsms_err *err);

/* Give back what cairo and fontconfig keep for the whole process once text
 * has been drawn (their caches of fonts), so that a leak check at exit
 * sees nothing: call it once, last, when nothing more will be drawn. */
void dsms_chart_fonts_release(void);

#endif
