/* test_chart.c — charts laid out once and drawn twice (dsms/chart.h): what
 * each kind draws and where, its benchmark colours, suppressed figures drawn
 * as suppressed, its title and text alternative, SVG text escaped and whole,
 * and cairo's PNG holding the same colours at the same places as the SVG. */
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dsms/chart.h"
#include "support.h"

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what)) n++;
    return n;
}

static size_t shapes_of(const dsms_drawing *d, dsms_shape_kind kind, uint32_t fill)
{
    size_t n = 0;
    for (size_t i = 0; i < d->nshapes; i++)
        n += d->shapes[i].kind == kind && (fill == DSMS_NONE || d->shapes[i].fill == fill);
    return n;
}

static const dsms_shape *rect_filled(const dsms_drawing *d, uint32_t fill)
{
    for (size_t i = 0; i < d->nshapes; i++)
        if (d->shapes[i].kind == DSMS_SHAPE_RECT && d->shapes[i].fill == fill)
            return &d->shapes[i];
    return NULL;
}

static int has_text(const dsms_drawing *d, const char *t)
{
    for (size_t i = 0; i < d->nshapes; i++)
        if (d->shapes[i].kind == DSMS_SHAPE_TEXT && strcmp(d->shapes[i].text, t) == 0) return 1;
    return 0;
}

/* Every element opened is closed: <svg>, <title>, <desc>, <text>. */
static void whole_svg(const char *svg)
{
    CHECK(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\"", 50) == 0);
    CHECK_INT((long)count(svg, "<text "), (long)count(svg, "</text>"));
    CHECK_INT((long)count(svg, "<svg "), 1);
    CHECK(strstr(svg, "</svg>\n") && strstr(svg, "</svg>\n")[7] == 0);
    CHECK(!strstr(svg, "http://") || count(svg, "http://") == 1); /* only the namespace */
    CHECK(!strstr(svg, "href") && !strstr(svg, "<script") && !strstr(svg, "@import"));
}

/* The colour of the PNG's pixel at (x, y) in points, drawn at scale 2. */
static uint32_t pixel(const char *png, double x, double y)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    uint32_t c = 0xFFFFFFFF;
    if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
        int px = (int)(x * 2), py = (int)(y * 2);
        const unsigned char *data = cairo_image_surface_get_data(s);
        int stride = cairo_image_surface_get_stride(s);
        if (px >= 0 && py >= 0 && px < cairo_image_surface_get_width(s) &&
            py < cairo_image_surface_get_height(s))
            c = *(const uint32_t *)(data + py * stride + px * 4) & 0xFFFFFF;
    }
    cairo_surface_destroy(s);
    return c;
}

static void bars(void)
{
    dsms_bar b[] = {{"Better & <Co>", 80, 70, 90, DSMS_BENCH_BETTER},
                    {"Similar", 52, 40, 64, DSMS_BENCH_SIMILAR},
                    {"Worse", 40, 35, 45, DSMS_BENCH_WORSE},
                    {"Hidden", 3, 1, 9, DSMS_BENCH_SUPPRESSED}};
    dsms_bar_chart c = {"Completions", "% of those in treatment", b, 4, 50};
    dsms_drawing d;
    dsms_err err = {""};
    CHECK_INT(dsms_chart_bars(&c, 600, &d, &err), 0);
    CHECK(d.width == 600 && d.height > 100);
    /* one filled bar for each figure shown, in its benchmark's colour */
    const dsms_shape *better = rect_filled(&d, dsms_bench_colour(DSMS_BENCH_BETTER));
    const dsms_shape *worse = rect_filled(&d, dsms_bench_colour(DSMS_BENCH_WORSE));
    CHECK(better && worse && rect_filled(&d, dsms_bench_colour(DSMS_BENCH_SIMILAR)));
    /* lengths in proportion from 0: 80 is twice 40 */
    if (better && worse) CHECK(fabs(better->w - 2 * worse->w) < 1e-9 && better->x == worse->x);
    /* the suppressed figure: said, not drawn as a bar (nor as zero) */
    CHECK(has_text(&d, "* suppressed") && !has_text(&d, "3"));
    CHECK(has_text(&d, "England") && has_text(&d, "0") && has_text(&d, "80"));
    CHECK(strstr(d.alt, "4 areas as bars") && strstr(d.alt, "England 50") &&
          strstr(d.alt, "1 better than England") && strstr(d.alt, "1 suppressed"));
    char *svg = dsms_chart_svg(&d);
    CHECK(svg != NULL);
    if (svg) {
        whole_svg(svg);
        CHECK(strstr(svg, "<title id=\"t\">Completions</title>") != NULL);
        CHECK(strstr(svg, ">Better &amp; &lt;Co&gt;</text>") != NULL);
        CHECK_INT((long)count(svg, "fill=\"#009E73\""), 2); /* the bar and its legend key */
        CHECK_INT((long)count(svg, "stroke-dasharray"), 1); /* England's line */
    }
    free(svg);
    /* cairo draws the same: the better bar's middle is its colour, and a PDF is made */
    char png[600], pdf[600];
    snprintf(png, sizeof png, "%s/bars.png", support_dir());
    snprintf(pdf, sizeof pdf, "%s/bars.pdf", support_dir());
    CHECK_INT(dsms_chart_cairo(&d, png, 0, 2, &err), 0);
    if (better) {
        CHECK_INT(pixel(png, better->x + better->w / 2, better->y + better->h / 2 - 2),
                  dsms_bench_colour(DSMS_BENCH_BETTER));
        CHECK_INT(pixel(png, better->x + better->w + 30, better->y + 2), 0xFFFFFF);
    }
    CHECK_INT(dsms_chart_cairo(&d, pdf, 1, 1, &err), 0);
    FILE *f = fopen(pdf, "rb");
    char head[5] = "";
    CHECK(f && fread(head, 1, 4, f) == 4 && strcmp(head, "%PDF") == 0);
    if (f) fclose(f);
    CHECK_INT(dsms_chart_cairo(&d, "/no/such/dir/x.png", 0, 1, &err), -1);
    CHECK(strstr(err.msg, "/no/such/dir/x.png: cannot draw the chart") != NULL);
    dsms_drawing_free(&d);
    /* nothing to draw */
    dsms_bar_chart none = {"Nothing", "%", b + 3, 1, NAN};
    CHECK_INT(dsms_chart_bars(&none, 600, &d, &err), -1);
    CHECK(strstr(err.msg, "no figure to draw") != NULL);
    none.nbars = 0;
    CHECK_INT(dsms_chart_bars(&none, 600, &d, &err), -1);
}

static void trend(void)
{
    const char *periods[] = {"2020-21", "2021-22", "2022-23", "2023-24", "2024-25"};
    double v[] = {20, 22, NAN, 25, 27}, lo[] = {18, 20, NAN, 23, 25}, hi[] = {22, 24, NAN, 27, 29};
    double traj[] = {NAN, 22, 24, 26, 28};
    dsms_bench b[] = {DSMS_BENCH_SIMILAR, DSMS_BENCH_BETTER, DSMS_BENCH_SUPPRESSED,
                      DSMS_BENCH_WORSE, DSMS_BENCH_NONE};
    dsms_trend_chart c = {"In treatment", "%", periods, v, lo, hi, traj, b, 5};
    dsms_drawing d;
    dsms_err err = {""};
    CHECK_INT(dsms_chart_trend(&c, 500, &d, &err), 0);
    /* a dot for each figure shown; the suppressed one said with "*" */
    CHECK_INT((long)shapes_of(&d, DSMS_SHAPE_DOT, DSMS_NONE), 4);
    CHECK(has_text(&d, "*") && has_text(&d, "2022-23") && has_text(&d, "trajectory"));
    /* the line breaks at the gap; the trajectory is one dashed line */
    size_t solid = 0, dashed = 0;
    for (size_t i = 0; i < d.nshapes; i++)
        if (d.shapes[i].kind == DSMS_SHAPE_PATH) d.shapes[i].dashed ? dashed++ : solid++;
    CHECK_INT((long)solid, 2);
    CHECK_INT((long)dashed, 1);
    /* higher is drawn higher */
    const dsms_shape *first = NULL, *last = NULL;
    for (size_t i = 0; i < d.nshapes; i++)
        if (d.shapes[i].kind == DSMS_SHAPE_DOT) last = &d.shapes[i], first = first ? first : last;
    CHECK(first && last && first->y > last->y && first->x < last->x);
    CHECK(strstr(d.alt, "2020-21 20; 2021-22 22; 2022-23 suppressed; 2023-24 25") != NULL);
    char *svg = dsms_chart_svg(&d);
    if (svg) whole_svg(svg);
    CHECK(svg && count(svg, "<polyline") == 3 && count(svg, "<circle") == 4);
    free(svg);
    dsms_drawing_free(&d);
    double none[] = {NAN, NAN};
    dsms_trend_chart empty = {"Nothing", "%", periods, none, NULL, NULL, NULL, NULL, 2};
    CHECK_INT(dsms_chart_trend(&empty, 500, &d, &err), -1);
}

static void funnel(void)
{
    double x[] = {10, 50, 200}, y[] = {150, 95, 70};
    dsms_bench b[] = {DSMS_BENCH_SIMILAR, DSMS_BENCH_SIMILAR, DSMS_BENCH_WORSE};
    const char *labels[] = {"A", "B", "C"};
    double lx[] = {1, 50, 100, 200}, l95[] = {5, 75, 82, 87}, h95[] = {400, 128, 120, 114};
    double l998[] = {0, 62, 72, 80}, h998[] = {700, 146, 133, 124};
    dsms_funnel_chart c = {"Completions against expected", "observed / expected x 100",
                           "expected", x, y, b, labels, 3, 100, lx, l95, h95, l998, h998, 4};
    dsms_drawing d;
    dsms_err err = {""};
    CHECK_INT(dsms_chart_funnel(&c, 500, &d, &err), 0);
    CHECK_INT((long)shapes_of(&d, DSMS_SHAPE_DOT, dsms_bench_colour(DSMS_BENCH_WORSE)), 1);
    CHECK_INT((long)shapes_of(&d, DSMS_SHAPE_DOT, DSMS_NONE), 3);
    size_t dashed = 0, paths = 0;
    for (size_t i = 0; i < d.nshapes; i++)
        if (d.shapes[i].kind == DSMS_SHAPE_PATH) paths++, dashed += d.shapes[i].dashed;
    CHECK_INT((long)paths, 4);
    CHECK_INT((long)dashed, 2);
    CHECK(strstr(d.alt, "3 places by expected") && strstr(d.alt, "2 similar") &&
          strstr(d.alt, "1 worse"));
    /* the benchmark line: 100 drawn between the low and the high points */
    const dsms_shape *a = NULL, *cc = NULL;
    for (size_t i = 0; i < d.nshapes; i++)
        if (d.shapes[i].kind == DSMS_SHAPE_DOT) cc = &d.shapes[i], a = a ? a : cc;
    CHECK(a && cc && a->y < cc->y); /* 150 above 70 */
    char *svg = dsms_chart_svg(&d);
    if (svg) whole_svg(svg);
    free(svg);
    dsms_drawing_free(&d);
}

static void spine(void)
{
    dsms_spine_row r[] = {
        {"Completions", "%", 60, 50, 20, 40, 55, 80, DSMS_BENCH_BETTER},
        {"Deaths", "per 100,000", 30, 40, 90, 60, 35, 10, DSMS_BENCH_BETTER}, /* low is good */
        {"Hidden", "%", 2, 50, 0, 30, 60, 90, DSMS_BENCH_SUPPRESSED},
        {"Waits", "%", 10, 50, 5, 40, 60, 90, DSMS_BENCH_WORSE}};
    dsms_spine_chart c = {"Hartlepool against England", "Hartlepool", r, 4};
    dsms_drawing d;
    dsms_err err = {""};
    CHECK_INT(dsms_chart_spine(&c, 700, &d, &err), 0);
    /* England in the middle of every row: the same x for every thick upright line */
    double cx = NAN;
    size_t england = 0, bad = 0;
    for (size_t i = 0; i < d.nshapes; i++) {
        const dsms_shape *s = &d.shapes[i];
        if (s->kind != DSMS_SHAPE_LINE || s->stroke_width != 1.5) continue;
        if (isnan(cx)) cx = s->x;
        england++, bad += s->x != cx || s->x2 != cx;
    }
    CHECK_INT((long)england, 4);
    CHECK_INT((long)bad, 0);
    /* a dot for each figure shown: better to the right of England, worse to the left,
     * whichever way the measure's polarity runs */
    const dsms_shape *dots[4];
    size_t n = 0;
    for (size_t i = 0; i < d.nshapes && n < 4; i++)
        if (d.shapes[i].kind == DSMS_SHAPE_DOT) dots[n++] = &d.shapes[i];
    CHECK_INT((long)n, 3);
    if (n == 3) {
        CHECK(dots[0]->x > cx && dots[1]->x > cx && dots[2]->x < cx);
        CHECK(dots[0]->fill == dsms_bench_colour(DSMS_BENCH_BETTER));
        CHECK(dots[2]->fill == dsms_bench_colour(DSMS_BENCH_WORSE));
    }
    CHECK(has_text(&d, "*") && !has_text(&d, "2.0"));
    CHECK(strstr(d.alt, "Hidden suppressed (England 50.0") != NULL);
    CHECK(strstr(d.alt, "Deaths 30.0 (England 40.0, better than England)") != NULL);
    char *svg = dsms_chart_svg(&d);
    if (svg) whole_svg(svg);
    free(svg);
    dsms_drawing_free(&d);
    dsms_spine_row none = {"Nothing", "%", NAN, NAN, NAN, NAN, NAN, NAN, DSMS_BENCH_NONE};
    dsms_spine_chart empty = {"Nothing", "X", &none, 1};
    CHECK_INT(dsms_chart_spine(&empty, 700, &d, &err), -1);
}

static void pyramid(void)
{
    const char *bands[] = {"18-29", "30-49", "50+"};
    double men[] = {10, 40, 20}, women[] = {5, -1, 25}; /* women 30-49 suppressed */
    double em[] = {100, 300, 100}, ew[] = {100, 300, 100};
    dsms_pyramid_chart c = {"People in treatment", "Hartlepool", bands, men, women, em, ew, 3};
    dsms_drawing d;
    dsms_err err = {""};
    CHECK_INT(dsms_chart_pyramid(&c, 500, &d, &err), 0);
    /* five bars (the suppressed one said with "*"), England's two outlines */
    CHECK_INT((long)shapes_of(&d, DSMS_SHAPE_RECT, DSMS_NONE), 5);
    CHECK_INT((long)shapes_of(&d, DSMS_SHAPE_PATH, DSMS_NONE), 2);
    CHECK(has_text(&d, "*") && has_text(&d, "men") && has_text(&d, "women"));
    /* widths in proportion to the shares: men 30-49 (40) four times men 18-29 (10) */
    const dsms_shape *r[5];
    size_t n = 0;
    for (size_t i = 0; i < d.nshapes && n < 5; i++)
        if (d.shapes[i].kind == DSMS_SHAPE_RECT) r[n++] = &d.shapes[i];
    if (n == 5) {
        CHECK(fabs(r[2]->w - 4 * r[0]->w) < 1e-9); /* bands bottom up, men then women */
        CHECK(r[0]->x + r[0]->w <= r[1]->x + 1e-9); /* men left of women */
        CHECK(r[0]->y > r[2]->y);                   /* the youngest at the bottom */
    }
    /* shares of the 100 counted, the suppressed band in none */
    CHECK(strstr(d.alt, "18-29 men 10.0%, women 5.0%; 30-49 men 40.0%, women suppressed") !=
          NULL);
    dsms_drawing_free(&d);
    double zero[] = {0, 0, 0};
    dsms_pyramid_chart none = {"Nobody", "X", bands, zero, zero, NULL, NULL, 3};
    CHECK_INT(dsms_chart_pyramid(&none, 500, &d, &err), -1);
}

static void multiples(void)
{
    const char *periods[] = {"2023-24", "2024-25"};
    double a[] = {10, 12}, b[] = {50, 45}, none[] = {NAN, NAN};
    dsms_trend_chart p[] = {{"A", "%", periods, a, NULL, NULL, NULL, NULL, 2},
                            {"B", "%", periods, b, NULL, NULL, NULL, NULL, 2},
                            {"C", "%", periods, none, NULL, NULL, NULL, NULL, 2}};
    dsms_multiples_chart c = {"Three measures", p, 3, 2};
    dsms_drawing d;
    dsms_err err = {""};
    CHECK_INT(dsms_chart_multiples(&c, 600, &d, &err), 0);
    CHECK_INT((long)shapes_of(&d, DSMS_SHAPE_DOT, DSMS_NONE), 4);
    CHECK(has_text(&d, "A") && has_text(&d, "B") && has_text(&d, "no figure to draw"));
    /* A and B side by side, C below them */
    double ya = NAN, yb = NAN, yc = NAN, xa = NAN, xb = NAN;
    for (size_t i = 0; i < d.nshapes; i++) {
        const dsms_shape *s = &d.shapes[i];
        if (s->kind != DSMS_SHAPE_TEXT) continue;
        if (!strcmp(s->text, "A")) ya = s->y, xa = s->x;
        if (!strcmp(s->text, "B")) yb = s->y, xb = s->x;
        if (!strcmp(s->text, "C")) yc = s->y;
    }
    CHECK(ya == yb && xb > xa && yc > ya && d.height > yc);
    CHECK(strstr(d.alt, "A: % from 2023-24 to 2024-25; 2023-24 10; 2024-25 12") != NULL);
    char *svg = dsms_chart_svg(&d);
    if (svg) whole_svg(svg);
    free(svg);
    dsms_drawing_free(&d);
}

int main(void)
{
    bars();
    pyramid();
    multiples();
    spine();
    trend();
    funnel();
    support_cleanup();
    dsms_chart_fonts_release(); /* for the leak check */
    return check_summary();
}
