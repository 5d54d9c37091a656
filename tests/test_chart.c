/* test_chart.c — charts laid out once and drawn twice (dsms/chart.h): what
 * each kind draws and where, its benchmark colours, suppressed figures drawn
 * as suppressed, its title and text alternative, SVG text escaped and whole,
 * and cairo's PNG holding the same colours at the same places as the SVG.
 * Then each kind on awkward figures: its value axis read back from the tick
 * texts (round steps covering every figure drawn, whiskers from lower to
 * upper on it), suppressed figures neither drawn nor stretching the axis, a
 * single point, every figure 0, and names of 200 characters (cut at a word's
 * end, whole UTF-8, the title wrapped with the rest below it), every text
 * inside the drawing and the SVG well-formed as xmllint reads it, with no
 * style attribute or element. Then tile maps: grouped and in order, inside
 * the drawing, none overlapping, wrapping to the width, labels readable on
 * their tiles, and their tips and links escaped in the SVG. */
#include <cairo.h>
#include <math.h>
#include <signal.h>
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

/* No style attribute or element: a page whose Content-Security-Policy allows no
 * inline style shows the SVG whole. */
static void no_style(const char *svg)
{
    CHECK(!strstr(svg, " style=") && !strstr(svg, "<style"));
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
    no_style(svg);
}

/* ---- what every chart must be, whatever its figures ------------------------------- */

/* The characters of UTF-8 text t (continuation bytes not counted). */
static size_t chars(const char *t)
{
    size_t n = 0;
    for (; *t; t++) n += ((unsigned char)*t & 0xC0) != 0x80;
    return n;
}

/* Whether t is well-formed UTF-8: no character cut short or begun in the middle. */
static int utf8_whole(const char *t)
{
    const unsigned char *p = (const unsigned char *)t;
    while (*p) {
        int more = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2
                 : (*p & 0xF8) == 0xF0 ? 3 : -1;
        if (more < 0) return 0;
        p++;
        for (; more > 0; more--, p++)
            if ((*p & 0xC0) != 0x80) return 0;
    }
    return 1;
}

/* No coordinate of any shape or point is NaN or infinite. */
static void all_finite(const dsms_drawing *d)
{
    size_t bad = 0;
    for (size_t i = 0; i < d->nshapes; i++) {
        const dsms_shape *s = &d->shapes[i];
        bad += !(isfinite(s->x) && isfinite(s->y) && isfinite(s->x2) && isfinite(s->y2) &&
                 isfinite(s->w) && isfinite(s->h) && isfinite(s->r));
    }
    for (size_t i = 0; i < d->npoints; i++)
        bad += !(isfinite(d->points[i].x) && isfinite(d->points[i].y));
    CHECK_INT((long)bad, 0);
    CHECK(isfinite(d->width) && isfinite(d->height) && d->height > 0);
}

/* Every text's estimated extent (0.55 em a character, 0.62 bold) within the drawing's
 * width, and every text whole UTF-8. */
static void texts_inside(const dsms_drawing *d)
{
    size_t out = 0, broken = 0;
    for (size_t i = 0; i < d->nshapes; i++) {
        const dsms_shape *s = &d->shapes[i];
        if (s->kind != DSMS_SHAPE_TEXT) continue;
        double w = (double)chars(s->text) * s->size * (s->bold ? 0.62 : 0.55);
        double left = s->anchor == DSMS_ANCHOR_END      ? s->x - w
                      : s->anchor == DSMS_ANCHOR_MIDDLE ? s->x - w / 2
                                                        : s->x;
        if (left < -1e-6 || left + w > d->width + 1e-6) {
            out++;
            fprintf(stderr, "  text out of the drawing (%.1f to %.1f of %.1f): %.40s\n", left,
                    left + w, d->width, s->text);
        }
        broken += !utf8_whole(s->text);
    }
    CHECK_INT((long)out, 0);
    CHECK_INT((long)broken, 0);
    CHECK(utf8_whole(d->title) && utf8_whole(d->alt));
}

/* How many lines the title was laid out on (its lines are the first shapes: bold, at
 * the title's size, one under the other), and nothing but them above the last one's
 * baseline. */
static size_t title_then_rest(const dsms_drawing *d)
{
    size_t n = 0;
    while (n < d->nshapes && d->shapes[n].kind == DSMS_SHAPE_TEXT && d->shapes[n].bold &&
           d->shapes[n].size == 12 && fabs(d->shapes[n].y - (20 + 15 * (double)n)) < 1e-9)
        n++;
    CHECK(n >= 1 && n <= 3);
    if (!n) return 0;
    double base = d->shapes[n - 1].y;
    size_t above = 0;
    for (size_t i = n; i < d->nshapes; i++) {
        const dsms_shape *s = &d->shapes[i];
        double top = s->kind == DSMS_SHAPE_TEXT   ? s->y - 0.75 * s->size
                     : s->kind == DSMS_SHAPE_DOT  ? s->y - s->r
                     : s->kind == DSMS_SHAPE_LINE ? fmin(s->y, s->y2)
                     : s->kind == DSMS_SHAPE_RECT ? fmin(s->y, s->y + s->h)
                                                  : INFINITY;
        if (top < base) {
            above++;
            fprintf(stderr, "  shape %zu (kind %d) at %.1f above the title's %.1f\n", i,
                    (int)s->kind, top, base);
        }
    }
    for (size_t i = 0; i < d->npoints; i++) above += d->points[i].y < base;
    CHECK_INT((long)above, 0);
    return n;
}

/* The SVG is well-formed XML, as xmllint reads it. */
static int xml_ok(const char *svg)
{
    signal(SIGPIPE, SIG_IGN); /* xmllint missing or stopping early: a failed check */
    FILE *p = popen("xmllint --noout - 2>/dev/null", "w");
    if (!p) return 0;
    fputs(svg, p);
    return pclose(p) == 0;
}

/* What every drawing must be: finite, its texts inside it and whole, written as
 * well-formed SVG. */
static void sound(const dsms_drawing *d)
{
    all_finite(d);
    texts_inside(d);
    char *svg = dsms_chart_svg(d, NULL);
    CHECK(svg != NULL);
    if (svg) {
        whole_svg(svg);
        CHECK(xml_ok(svg));
    }
    free(svg);
}

/* A long text cut to fit: a prefix of the whole, cut at a word's end, then "…". */
static int cut_at_word(const char *shown, const char *whole)
{
    size_t n = strlen(shown), e = strlen("\u2026");
    if (n < e || strcmp(shown + n - e, "\u2026") != 0) return 0;
    n -= e;
    return n > 0 && strncmp(shown, whole, n) == 0 && (whole[n] == ' ' || whole[n] == ',');
}

/* The text shape that shows t, cut or whole (the first), or NULL. */
static const dsms_shape *text_of(const dsms_drawing *d, const char *whole)
{
    for (size_t i = 0; i < d->nshapes; i++) {
        const dsms_shape *s = &d->shapes[i];
        if (s->kind == DSMS_SHAPE_TEXT && (!strcmp(s->text, whole) || cut_at_word(s->text, whole)))
            return s;
    }
    return NULL;
}

/* ---- value axes --------------------------------------------------------------------- */

/* A value axis's ticks as drawn: each grid line (light grey) across the plot and the
 * text just after it, the tick's figure; horizontal: an axis along the bottom (upright
 * grid lines, positions in x), else along the left (positions in y), only the grid
 * lines starting at x = from if that is a number (a column of small multiples), and of
 * those the nth axis drawn (0: the first). */
typedef struct {
    double v[64], p[64];
    size_t n;
} ticks;

static ticks ticks_of(const dsms_drawing *d, int horizontal, double from, size_t nth)
{
    ticks t = {{0}, {0}, 0};
    size_t last = 0, run = 0;
    for (size_t i = 0; i + 1 < d->nshapes && t.n < 64; i++) {
        const dsms_shape *g = &d->shapes[i], *s = &d->shapes[i + 1];
        if (g->kind != DSMS_SHAPE_LINE || g->stroke != 0xDDDDDD || s->kind != DSMS_SHAPE_TEXT)
            continue;
        if (horizontal ? g->x != g->x2 : g->y != g->y2) continue;
        if (!isnan(from) && g->x != from) continue; /* another panel's axis */
        if (t.n && i != last + 2) { /* the next axis */
            if (run++ == nth) break;
            t.n = 0;
        }
        last = i;
        char *end;
        double v = strtod(s->text, &end);
        CHECK(*end == 0);
        t.v[t.n] = v, t.p[t.n++] = horizontal ? s->x : g->y;
        CHECK(horizontal ? s->x == g->x : fabs(s->y - g->y - 10.0 / 3) < 1e-9);
    }
    return t;
}

/* Ticks at a round step (1, 2 or 5 times a power of ten), evenly placed, of some
 * length on the page, from at most lo to at least hi. */
static void round_ticks(const ticks *t, double lo, double hi)
{
    int failed = check_failed;
    CHECK(t->n >= 2 && t->n <= 20);
    if (t->n < 2) return;
    double step = t->v[1] - t->v[0], gap = t->p[1] - t->p[0];
    CHECK(step > 0 && fabs(gap) > 5);
    if (!(step > 0)) return;
    double mant = step / pow(10, floor(log10(step) + 1e-9));
    CHECK(fabs(mant - 1) < 1e-6 || fabs(mant - 2) < 1e-6 || fabs(mant - 5) < 1e-6);
    size_t uneven = 0;
    for (size_t i = 1; i < t->n; i++)
        uneven += fabs(t->v[i] - t->v[i - 1] - step) > step * 1e-6 ||
                  fabs(t->p[i] - t->p[i - 1] - gap) > 1e-6;
    CHECK_INT((long)uneven, 0);
    CHECK(t->v[0] <= lo + step * 1e-6 && t->v[t->n - 1] >= hi - step * 1e-6);
    /* no more than a step beyond the figures either way (when they span a range) */
    if (hi > lo)
        CHECK(t->v[0] > lo - step * (1 + 1e-6) && t->v[t->n - 1] < hi + step * (1 + 1e-6));
    if (check_failed > failed)
        fprintf(stderr, "  ticks %g to %g by %g for %g to %g\n", t->v[0], t->v[t->n - 1], step,
                lo, hi);
}

/* Where v falls on the axis the ticks mark. */
static double on(const ticks *t, double v)
{
    if (t->n < 2) return NAN;
    return t->p[0] + (v - t->v[0]) / (t->v[1] - t->v[0]) * (t->p[1] - t->p[0]);
}

static int near(double a, double b)
{
    return fabs(a - b) < 1e-6;
}

/* Text 200 characters long in UTF-8 of more than one byte a character now and then:
 * `first`, then "Ynys Môn – " over and over. */
static void long_name(char *buf, size_t n, const char *first)
{
    snprintf(buf, n, "%s", first);
    while (chars(buf) < 200) {
        const char *more = chars(buf) % 3 ? "Ynys Môn – " : "Caerffili, ";
        if (strlen(buf) + strlen(more) >= n) break;
        strcat(buf, more);
    }
    while (chars(buf) > 200) { /* back to 200, a whole character at a time */
        size_t k = strlen(buf);
        while (k > 0 && ((unsigned char)buf[k - 1] & 0xC0) == 0x80) k--;
        buf[k - 1] = 0;
    }
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
    char *svg = dsms_chart_svg(&d, NULL);
    CHECK(svg != NULL);
    if (svg) {
        whole_svg(svg);
        CHECK(strstr(svg, "<title id=\"chart-title\">Completions</title>") != NULL);
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
    char *svg = dsms_chart_svg(&d, NULL);
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
    char *svg = dsms_chart_svg(&d, NULL);
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
    char *svg = dsms_chart_svg(&d, NULL);
    if (svg) whole_svg(svg);
    free(svg);
    dsms_drawing_free(&d);
    dsms_spine_row none = {"Nothing", "%", NAN, NAN, NAN, NAN, NAN, NAN, DSMS_BENCH_NONE};
    dsms_spine_chart empty = {"Nothing", "X", &none, 1};
    CHECK_INT(dsms_chart_spine(&empty, 700, &d, &err), -1);
    /* a row whose England figure is withheld, beside one that has it: the row
     * keeps its label and figures, and nothing is placed at a position that
     * is not a number */
    dsms_spine_row mixed[] = {{"Shown", "%", 60, 50, 20, 40, 55, 80, DSMS_BENCH_BETTER},
                              {"No England", "%", 12, NAN, 5, 9, 14, 20, DSMS_BENCH_NONE}};
    dsms_spine_chart half = {"Half", "Area", mixed, 2};
    CHECK_INT(dsms_chart_spine(&half, 700, &d, &err), 0);
    size_t finite = 1, placed = 0;
    for (size_t i = 0; i < d.nshapes; i++) {
        const dsms_shape *sh = &d.shapes[i];
        finite &= isfinite(sh->x) && isfinite(sh->y) && isfinite(sh->w) && isfinite(sh->h) &&
                  isfinite(sh->x2) && isfinite(sh->y2);
        placed += sh->kind == DSMS_SHAPE_DOT;
    }
    CHECK(finite);
    CHECK_INT((long)placed, 1);
    CHECK(has_text(&d, "No England") && has_text(&d, "12.0"));
    svg = dsms_chart_svg(&d, NULL);
    CHECK(svg && !strstr(svg, "nan") && !strstr(svg, "inf"));
    free(svg);
    dsms_drawing_free(&d);
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
    char *svg = dsms_chart_svg(&d, NULL);
    if (svg) whole_svg(svg);
    free(svg);
    dsms_drawing_free(&d);
}

/* A line in ink from (x, y) to (x2, y2), NaN matching any. */
static size_t ink_lines(const dsms_drawing *d, double x, double y, double x2, double y2)
{
    size_t n = 0;
    for (size_t i = 0; i < d->nshapes; i++) {
        const dsms_shape *s = &d->shapes[i];
        if (s->kind != DSMS_SHAPE_LINE || s->stroke != 0x222222) continue;
        n += (isnan(x) || near(s->x, x)) && (isnan(y) || near(s->y, y)) &&
             (isnan(x2) || near(s->x2, x2)) && (isnan(y2) || near(s->y2, y2));
    }
    return n;
}

/* The number of dots and filled rectangles whose middle lies between y0 and y1. */
static size_t filled_between(const dsms_drawing *d, double y0, double y1)
{
    size_t n = 0;
    for (size_t i = 0; i < d->nshapes; i++) {
        const dsms_shape *s = &d->shapes[i];
        double mid = s->kind == DSMS_SHAPE_RECT ? s->y + s->h / 2 : s->y;
        if ((s->kind == DSMS_SHAPE_DOT || (s->kind == DSMS_SHAPE_RECT && s->fill != DSMS_NONE))
            && mid > y0 && mid < y1)
            n++;
    }
    return n;
}

/* A long title wrapped onto 2 or 3 lines, which read as the title (the last cut with
 * "…" when even three are too few), and the rest of the drawing below them. */
static void wrapped(const dsms_drawing *d, const char *title)
{
    size_t n = title_then_rest(d);
    CHECK(n >= 2);
    char joined[1200] = "";
    for (size_t i = 0; i < n && i < 3; i++) {
        if (i) strcat(joined, " ");
        strncat(joined, d->shapes[i].text, sizeof joined - strlen(joined) - 1);
    }
    CHECK(!strcmp(joined, title) || (n == 3 && cut_at_word(joined, title)));
}

static void bars_edges(void)
{
    dsms_drawing d;
    dsms_err err = {""};
    /* the axis covers every value, limit and England's; the suppressed bar's figures
     * (far beyond the rest) neither drawn nor stretching it */
    dsms_bar b[] = {{"Aberdâr & <Cwm> \"Q\" 'A'", 12.5, 3.2, 27.9, DSMS_BENCH_BETTER},
                    {"Below", -4, -9.5, 1, DSMS_BENCH_WORSE},
                    {"High", 41, 33, 58.3, DSMS_BENCH_SIMILAR},
                    {"Hidden", 99, 90, 120, DSMS_BENCH_SUPPRESSED}};
    dsms_bar_chart c = {"Waits & <days> \"a\" 'b'", "days & <nights>", b, 4, 20};
    CHECK_INT(dsms_chart_bars(&c, 600, &d, &err), 0);
    sound(&d);
    ticks t = ticks_of(&d, 1, NAN, 0);
    round_ticks(&t, -9.5, 58.3);
    for (size_t i = 0; i < 3; i++) {
        /* the bar from 0 to its value; its whisker from lower to upper, with ends */
        const dsms_shape *r = rect_filled(&d, dsms_bench_colour(b[i].bench));
        double from = on(&t, 0), to = on(&t, b[i].value);
        CHECK(r && near(r->x, fmin(from, to)) && near(r->w, fabs(to - from)));
        CHECK_INT((long)ink_lines(&d, on(&t, b[i].lower), NAN, on(&t, b[i].upper), NAN), 1);
        CHECK(ink_lines(&d, on(&t, b[i].lower), NAN, on(&t, b[i].lower), NAN) >= 1);
        CHECK(ink_lines(&d, on(&t, b[i].upper), NAN, on(&t, b[i].upper), NAN) >= 1);
    }
    CHECK(ink_lines(&d, on(&t, 20), NAN, on(&t, 20), NAN) >= 1); /* England */
    const dsms_shape *hidden = text_of(&d, "Hidden");
    CHECK(hidden != NULL);
    if (hidden) CHECK_INT((long)filled_between(&d, hidden->y - 10, hidden->y + 8), 0);
    CHECK(has_text(&d, "* suppressed") && strstr(d.alt, "1 suppressed") != NULL);
    char *svg = dsms_chart_svg(&d, NULL);
    CHECK(svg && strstr(svg, ">Aberdâr &amp; &lt;Cwm&gt; &quot;Q&quot; &#39;A&#39;</text>"));
    CHECK(svg && strstr(svg, "<title id=\"chart-title\">Waits &amp; &lt;days&gt; &quot;a&quot; "
                             "&#39;b&#39;</title>"));
    CHECK(svg && strstr(svg, ">days &amp; &lt;nights&gt;</text>"));
    free(svg);
    dsms_drawing_free(&d);

    /* one bar */
    dsms_bar one = {"Only", 7, 5, 9, DSMS_BENCH_HIGHER};
    dsms_bar_chart single = {"One", "%", &one, 1, NAN};
    CHECK_INT(dsms_chart_bars(&single, 400, &d, &err), 0);
    sound(&d);
    t = ticks_of(&d, 1, NAN, 0);
    round_ticks(&t, 0, 9);
    CHECK_INT((long)ink_lines(&d, on(&t, 5), NAN, on(&t, 9), NAN), 1);
    dsms_drawing_free(&d);

    /* every figure 0: an axis of some length, the bar of no width at 0 */
    dsms_bar zero[] = {{"Zero", 0, 0, 0, DSMS_BENCH_SIMILAR}, {"Nil", 0, 0, 0, DSMS_BENCH_NONE}};
    dsms_bar_chart zeros = {"Zeros", "%", zero, 2, 0};
    CHECK_INT(dsms_chart_bars(&zeros, 400, &d, &err), 0);
    sound(&d);
    t = ticks_of(&d, 1, NAN, 0);
    round_ticks(&t, 0, 0);
    const dsms_shape *r = rect_filled(&d, dsms_bench_colour(DSMS_BENCH_SIMILAR));
    CHECK(r && r->w == 0 && near(r->x, on(&t, 0)));
    dsms_drawing_free(&d);

    /* long names: the title wrapped, names cut at a word's end, the unit cut, and a
     * word too long to cut at its end cut between whole characters */
    char title[400], name[400], unit[400], word[600] = "";
    long_name(title, sizeof title, "Deaths in treatment in ");
    long_name(name, sizeof name, "Isle of Anglesey, ");
    long_name(unit, sizeof unit, "per 100,000 of ");
    for (size_t i = 0; i < 200; i++) strcat(word, "ô");
    dsms_bar many[] = {{name, 30, 20, 40, DSMS_BENCH_BETTER},
                       {word, 20, 10, 30, DSMS_BENCH_WORSE},
                       {"Short", 25, 20, 30, DSMS_BENCH_SIMILAR}};
    dsms_bar_chart longs = {title, unit, many, 3, 25};
    CHECK_INT(dsms_chart_bars(&longs, 600, &d, &err), 0);
    sound(&d);
    wrapped(&d, title);
    const dsms_shape *s = text_of(&d, name);
    CHECK(s && strcmp(s->text, name) != 0); /* cut */
    s = text_of(&d, unit);
    CHECK(s && strcmp(s->text, unit) != 0);
    CHECK(has_text(&d, "Short") && strstr(d.alt, title) == d.alt);
    t = ticks_of(&d, 1, NAN, 0);
    round_ticks(&t, 0, 40);
    dsms_drawing_free(&d);
}

static void trend_edges(void)
{
    dsms_drawing d;
    dsms_err err = {""};
    const char *periods[] = {"P1 & <a>", "P2", "P3", "P4", "P5 \"q\" 'r'"};
    double v[] = {12, 15.5, 31, 9, 14}, lo[] = {10, 13, 28, 7, 11}, hi[] = {14, 18, 35, 11, 17};
    dsms_bench b[] = {DSMS_BENCH_SIMILAR, DSMS_BENCH_BETTER, DSMS_BENCH_SUPPRESSED,
                      DSMS_BENCH_WORSE, DSMS_BENCH_SIMILAR};
    dsms_trend_chart c = {"Trend & <t>", "% \"u\"", periods, v, lo, hi, NULL, b, 5};
    CHECK_INT(dsms_chart_trend(&c, 500, &d, &err), 0);
    sound(&d);
    ticks t = ticks_of(&d, 0, NAN, 0);
    round_ticks(&t, 0, 18); /* axes start at 0; the suppressed period's figures not in it */
    for (size_t i = 0; i < 5; i++) {
        const dsms_shape *label = text_of(&d, periods[i]);
        CHECK(label != NULL);
        if (!label) continue;
        double x = label->x;
        size_t dots = 0, at_value = 0;
        for (size_t k = 0; k < d.nshapes; k++)
            if (d.shapes[k].kind == DSMS_SHAPE_DOT && d.shapes[k].x == x)
                dots++, at_value += near(d.shapes[k].y, on(&t, v[i]));
        size_t whisker = ink_lines(&d, x, on(&t, lo[i]), x, on(&t, hi[i]));
        size_t any = ink_lines(&d, x, NAN, x, NAN), through = 0;
        for (size_t k = 0; k < d.npoints; k++) through += d.points[k].x == x;
        if (i == 2) { /* suppressed: "*", no dot, no whisker, a gap in the line */
            CHECK_INT((long)(dots + any + through), 0);
            CHECK(strstr(d.alt, "; P3 suppressed") && !strstr(d.alt, "31"));
        } else {
            CHECK_INT((long)dots, 1);
            CHECK_INT((long)at_value, 1);
            CHECK_INT((long)whisker, 1);
        }
    }
    CHECK(has_text(&d, "*"));
    char *svg = dsms_chart_svg(&d, NULL);
    CHECK(svg && strstr(svg, ">P1 &amp; &lt;a&gt;</text>") &&
          strstr(svg, ">P5 &quot;q&quot; &#39;r&#39;</text>") &&
          strstr(svg, ">% &quot;u&quot;</text>") && strstr(svg, ">Trend &amp; &lt;t&gt;<"));
    free(svg);
    dsms_drawing_free(&d);

    /* one period */
    const char *one[] = {"2024-25"};
    double ov[] = {5}, ol[] = {4}, oh[] = {6};
    dsms_trend_chart single = {"One", "%", one, ov, ol, oh, NULL, NULL, 1};
    CHECK_INT(dsms_chart_trend(&single, 300, &d, &err), 0);
    sound(&d);
    t = ticks_of(&d, 0, NAN, 0);
    round_ticks(&t, 0, 6);
    const dsms_shape *label = text_of(&d, "2024-25");
    CHECK(label && ink_lines(&d, label->x, on(&t, 4), label->x, on(&t, 6)) == 1);
    CHECK_INT((long)shapes_of(&d, DSMS_SHAPE_DOT, DSMS_NONE), 1);
    dsms_drawing_free(&d);

    /* every figure 0 */
    double z[] = {0, 0, 0};
    dsms_trend_chart zeros = {"Zeros", "%", periods, z, z, z, z, NULL, 3};
    CHECK_INT(dsms_chart_trend(&zeros, 300, &d, &err), 0);
    sound(&d);
    t = ticks_of(&d, 0, NAN, 0);
    round_ticks(&t, 0, 0);
    size_t at0 = 0;
    for (size_t k = 0; k < d.nshapes; k++)
        at0 += d.shapes[k].kind == DSMS_SHAPE_DOT && near(d.shapes[k].y, on(&t, 0));
    CHECK_INT((long)at0, 3);
    dsms_drawing_free(&d);

    /* 16 periods in 240 points, a long title and unit: the title wrapped, the unit cut,
     * the periods named no closer than their widths, the latest always */
    const char *sixteen[16];
    char names[16][16];
    double sv[16];
    for (size_t i = 0; i < 16; i++) {
        snprintf(names[i], sizeof names[i], "%zu-%02zu", 2009 + i, (10 + i) % 100);
        sixteen[i] = names[i], sv[i] = (double)(i % 5);
    }
    char title[400], unit[400];
    long_name(title, sizeof title, "People in treatment for ");
    long_name(unit, sizeof unit, "% of ");
    dsms_trend_chart narrow = {title, unit, sixteen, sv, NULL, NULL, NULL, NULL, 16};
    CHECK_INT(dsms_chart_trend(&narrow, 240, &d, &err), 0);
    sound(&d);
    wrapped(&d, title);
    const dsms_shape *u = text_of(&d, unit);
    CHECK(u && strcmp(u->text, unit) != 0);
    double right = -INFINITY;
    size_t named = 0, overlaps = 0;
    for (size_t i = 0; i < 16; i++) {
        const dsms_shape *p = text_of(&d, names[i]);
        if (!p) continue;
        double w = (double)chars(p->text) * p->size * 0.55;
        overlaps += p->x - w / 2 < right;
        right = p->x + w / 2, named++;
    }
    CHECK(named >= 2 && named < 16);
    CHECK_INT((long)overlaps, 0);
    CHECK(text_of(&d, names[15]) != NULL);
    dsms_drawing_free(&d);
}

static void funnel_edges(void)
{
    dsms_drawing d;
    dsms_err err = {""};
    /* a suppressed place far off the rest: left out, and not stretching the axis */
    double x[] = {20, 80, 150, 40}, y[] = {130, 92, 71, 400};
    dsms_bench b[] = {DSMS_BENCH_SIMILAR, DSMS_BENCH_SIMILAR, DSMS_BENCH_WORSE,
                      DSMS_BENCH_SUPPRESSED};
    double lx[] = {10, 50, 100, 150}, l95[] = {60, 80, 86, 89}, h95[] = {140, 120, 114, 111};
    dsms_funnel_chart c = {"Funnel & <f>", "ratio 'r'", "expected \"e\"", x, y, b, NULL, 4,
                           100, lx, l95, h95, NULL, NULL, 4};
    CHECK_INT(dsms_chart_funnel(&c, 500, &d, &err), 0);
    sound(&d);
    ticks ty = ticks_of(&d, 0, NAN, 0), tx = ticks_of(&d, 1, NAN, 0);
    round_ticks(&ty, 60, 140);
    round_ticks(&tx, 0, 150);
    CHECK_INT((long)shapes_of(&d, DSMS_SHAPE_DOT, DSMS_NONE), 3);
    for (size_t i = 0; i < 3; i++) {
        size_t found = 0;
        for (size_t k = 0; k < d.nshapes; k++)
            found += d.shapes[k].kind == DSMS_SHAPE_DOT && near(d.shapes[k].x, on(&tx, x[i])) &&
                     near(d.shapes[k].y, on(&ty, y[i]));
        CHECK_INT((long)found, 1);
    }
    /* the 95% limits through their points, the benchmark across */
    size_t k95 = 0, off = 0;
    for (size_t i = 0; i < d.nshapes; i++) {
        const dsms_shape *s = &d.shapes[i];
        if (s->kind != DSMS_SHAPE_PATH) continue;
        const double *lim = k95++ ? h95 : l95;
        CHECK_INT((long)s->npoints, 4);
        for (size_t j = 0; j < s->npoints && j < 4; j++)
            off += !near(d.points[s->first + j].x, on(&tx, lx[j])) ||
                   !near(d.points[s->first + j].y, on(&ty, lim[j]));
    }
    CHECK_INT((long)k95, 2);
    CHECK_INT((long)off, 0);
    CHECK(ink_lines(&d, NAN, on(&ty, 100), NAN, on(&ty, 100)) >= 1);
    CHECK(strstr(d.alt, "1 suppressed") != NULL);
    char *svg = dsms_chart_svg(&d, NULL);
    CHECK(svg && strstr(svg, ">Funnel &amp; &lt;f&gt;<") && strstr(svg, ">ratio &#39;r&#39;<") &&
          strstr(svg, ">expected &quot;e&quot;<"));
    free(svg);
    dsms_drawing_free(&d);

    /* one place, no limits */
    double ox[] = {50}, oy[] = {100};
    dsms_funnel_chart single = {"One", "ratio", "expected", ox, oy, NULL, NULL, 1, 100,
                                NULL, NULL, NULL, NULL, NULL, 0};
    CHECK_INT(dsms_chart_funnel(&single, 400, &d, &err), 0);
    sound(&d);
    ty = ticks_of(&d, 0, NAN, 0), tx = ticks_of(&d, 1, NAN, 0);
    round_ticks(&ty, 100, 100);
    round_ticks(&tx, 0, 50);
    CHECK_INT((long)shapes_of(&d, DSMS_SHAPE_DOT, DSMS_NONE), 1);
    dsms_drawing_free(&d);

    /* every figure 0 */
    double z[] = {0, 0};
    dsms_funnel_chart zeros = {"Zeros", "ratio", "expected", z, z, NULL, NULL, 2, 0,
                               z, z, z, z, z, 2};
    CHECK_INT(dsms_chart_funnel(&zeros, 400, &d, &err), 0);
    sound(&d);
    ty = ticks_of(&d, 0, NAN, 0), tx = ticks_of(&d, 1, NAN, 0);
    round_ticks(&ty, 0, 0);
    round_ticks(&tx, 0, 0);
    dsms_drawing_free(&d);

    /* long names */
    char title[400], unit[400], xl[400];
    long_name(title, sizeof title, "Completions against expected in ");
    long_name(unit, sizeof unit, "observed per ");
    long_name(xl, sizeof xl, "expected in ");
    dsms_funnel_chart longs = {title, unit, xl, x, y, NULL, NULL, 3, 100,
                               lx, l95, h95, NULL, NULL, 4};
    CHECK_INT(dsms_chart_funnel(&longs, 500, &d, &err), 0);
    sound(&d);
    wrapped(&d, title);
    CHECK(text_of(&d, unit) && text_of(&d, xl));
    dsms_drawing_free(&d);
}

static void spine_edges(void)
{
    dsms_drawing d, again;
    dsms_err err = {""};
    /* the suppressed figure: not a dot, not moving the row's scale */
    dsms_spine_row r[] = {{"Shown & <s>", "%", 60, 50, 20, 40, 55, 80, DSMS_BENCH_BETTER},
                          {"Hidden \"h\" 'x'", "%", 2, 50, 10, 30, 60, 90,
                           DSMS_BENCH_SUPPRESSED}};
    dsms_spine_chart c = {"Spine & <s>", "Ynys Môn & \"Co\"", r, 2};
    CHECK_INT(dsms_chart_spine(&c, 600, &d, &err), 0);
    sound(&d);
    CHECK_INT((long)shapes_of(&d, DSMS_SHAPE_DOT, DSMS_NONE), 1);
    const dsms_shape *h = text_of(&d, r[1].label);
    CHECK(h != NULL);
    if (h) CHECK_INT((long)filled_between(&d, h->y - 12, h->y + 10) - 2, 0); /* 2 grey bars */
    CHECK(strstr(d.alt, "Hidden \"h\" 'x' suppressed") != NULL);
    r[1].value = 1000; /* far beyond the worst and best */
    CHECK_INT(dsms_chart_spine(&c, 600, &again, &err), 0);
    size_t moved = again.nshapes != d.nshapes;
    for (size_t i = 0; !moved && i < d.nshapes; i++)
        moved += d.shapes[i].x != again.shapes[i].x || d.shapes[i].w != again.shapes[i].w;
    CHECK_INT((long)moved, 0);
    dsms_drawing_free(&again);
    char *svg = dsms_chart_svg(&d, NULL);
    CHECK(svg && strstr(svg, ">Shown &amp; &lt;s&gt;<") &&
          strstr(svg, ">Hidden &quot;h&quot; &#39;x&#39;<") &&
          strstr(svg, ">Ynys Môn &amp; &quot;Co&quot;<"));
    free(svg);
    dsms_drawing_free(&d);

    /* one row; then every figure 0: England in the middle, the dot on it */
    dsms_spine_row one = {"One", "%", 60, 50, 20, 40, 55, 80, DSMS_BENCH_BETTER};
    dsms_spine_chart single = {"One", "Area", &one, 1};
    CHECK_INT(dsms_chart_spine(&single, 500, &d, &err), 0);
    sound(&d);
    CHECK_INT((long)shapes_of(&d, DSMS_SHAPE_DOT, DSMS_NONE), 1);
    dsms_drawing_free(&d);
    dsms_spine_row zero = {"Zero", "%", 0, 0, 0, 0, 0, 0, DSMS_BENCH_SIMILAR};
    dsms_spine_chart zeros = {"Zeros", "Area", &zero, 1};
    CHECK_INT(dsms_chart_spine(&zeros, 500, &d, &err), 0);
    sound(&d);
    const dsms_shape *dot = NULL, *mid = NULL;
    for (size_t i = 0; i < d.nshapes; i++) {
        if (d.shapes[i].kind == DSMS_SHAPE_DOT) dot = &d.shapes[i];
        if (d.shapes[i].kind == DSMS_SHAPE_LINE && d.shapes[i].stroke_width == 1.5)
            mid = &d.shapes[i];
    }
    CHECK(dot && mid && near(dot->x, mid->x));
    dsms_drawing_free(&d);

    /* long names, and more rows than the text alternative holds whole */
    char title[400], area[400], label[400];
    long_name(title, sizeof title, "Ynys Môn against England on ");
    long_name(area, sizeof area, "Ynys Môn, ");
    long_name(label, sizeof label, "Deaths from drug misuse, ");
    dsms_spine_row rows[12];
    for (size_t i = 0; i < 12; i++)
        rows[i] = (dsms_spine_row){label, "%", 30 + (double)i, 40, 90, 60, 35, 10,
                                   DSMS_BENCH_BETTER};
    dsms_spine_chart longs = {title, area, rows, 12};
    CHECK_INT(dsms_chart_spine(&longs, 600, &d, &err), 0);
    sound(&d);
    wrapped(&d, title);
    const dsms_shape *s = text_of(&d, label), *a = text_of(&d, area);
    CHECK(s && strcmp(s->text, label) != 0);
    CHECK(a && strcmp(a->text, area) != 0);
    dsms_drawing_free(&d);
    /* the text alternative, cut where its room ends, whole characters wherever that is */
    const char *firsts[] = {"Deaths, ", "Deaths: ", "Deaths;; ", "Death, ", "Deaths,,, "};
    for (size_t k = 0; k < 5; k++) {
        long_name(label, sizeof label, firsts[k]);
        CHECK_INT(dsms_chart_spine(&longs, 600, &d, &err), 0);
        CHECK(utf8_whole(d.alt));
        dsms_drawing_free(&d);
    }
}

/* The pyramid's share ticks right of the middle: the texts on the line of "0". */
static ticks pyramid_ticks(const dsms_drawing *d)
{
    ticks t = {{0}, {0}, 0};
    const dsms_shape *zero = text_of(d, "0");
    for (size_t i = 0; zero && i < d->nshapes && t.n < 64; i++) {
        const dsms_shape *s = &d->shapes[i];
        if (s->kind == DSMS_SHAPE_TEXT && s->y == zero->y && s->x >= zero->x)
            t.v[t.n] = strtod(s->text, NULL), t.p[t.n++] = s->x;
    }
    return t;
}

static void pyramid_edges(void)
{
    dsms_drawing d;
    dsms_err err = {""};
    /* one band: shares 60% and 40%, the axis covering 60 */
    const char *one[] = {"18+ & <b>"};
    double m[] = {30}, w[] = {20}, em[] = {100}, ew[] = {100};
    dsms_pyramid_chart single = {"One & 'p'", "Area \"a\"", one, m, w, em, ew, 1};
    CHECK_INT(dsms_chart_pyramid(&single, 400, &d, &err), 0);
    sound(&d);
    ticks t = pyramid_ticks(&d);
    round_ticks(&t, 0, 60);
    const dsms_shape *women = rect_filled(&d, 0xCC79A7), *men = rect_filled(&d, 0x0072B2);
    CHECK(women && near(women->x + women->w, on(&t, 40)) && near(women->x, on(&t, 0)));
    CHECK(men && near(men->w, on(&t, 60) - on(&t, 0)));
    char *svg = dsms_chart_svg(&d, NULL);
    CHECK(svg && strstr(svg, ">18+ &amp; &lt;b&gt;<") &&
          strstr(svg, "<title id=\"chart-title\">One &amp; &#39;p&#39;</title>") &&
          strstr(svg, "Area &quot;a&quot;"));
    free(svg);
    dsms_drawing_free(&d);

    /* suppressed bands: said, never a bar of no width */
    const char *bands[] = {"18-29", "30-49", "50+"};
    double sm[] = {10, -1, 20}, sw[] = {-1, 30, 25};
    dsms_pyramid_chart hidden = {"Hidden", "Area", bands, sm, sw, NULL, NULL, 3};
    CHECK_INT(dsms_chart_pyramid(&hidden, 400, &d, &err), 0);
    sound(&d);
    CHECK_INT((long)shapes_of(&d, DSMS_SHAPE_RECT, DSMS_NONE), 4);
    CHECK_INT((long)count(d.alt, "suppressed"), 2);
    size_t stars = 0;
    for (size_t i = 0; i < d.nshapes; i++)
        stars += d.shapes[i].kind == DSMS_SHAPE_TEXT && !strcmp(d.shapes[i].text, "*");
    CHECK_INT((long)stars, 2);
    t = pyramid_ticks(&d);
    round_ticks(&t, 0, 30.0 / 85 * 100);
    dsms_drawing_free(&d);

    /* nobody counted: nothing to draw, said so */
    double z[] = {0, 0, 0};
    dsms_pyramid_chart zeros = {"Zeros", "Area", bands, z, z, z, z, 3};
    CHECK_INT(dsms_chart_pyramid(&zeros, 400, &d, &err), -1);
    CHECK(strstr(err.msg, "no one to draw") != NULL);

    /* long names */
    char title[400], area[400];
    long_name(title, sizeof title, "People in treatment in ");
    long_name(area, sizeof area, "Ynys Môn, ");
    dsms_pyramid_chart longs = {title, area, bands, sm, sw, NULL, NULL, 3};
    CHECK_INT(dsms_chart_pyramid(&longs, 400, &d, &err), 0);
    sound(&d);
    wrapped(&d, title);
    CHECK(strstr(d.alt, area) != NULL);
    dsms_drawing_free(&d);
    /* a title of short words, its third line cut as near the width as can be: measured
     * bold too; and a title of one long word, cut between whole characters */
    char words[400] = "", word[600] = "x"; /* odd: a character across every even cut */
    for (size_t i = 0; i < 100; i++) strcat(words, "a ");
    for (size_t i = 0; i < 200; i++) strcat(word, "ô");
    const char *titles[] = {words, word};
    for (size_t k = 0; k < 2; k++) {
        longs.title = titles[k];
        CHECK_INT(dsms_chart_pyramid(&longs, 240, &d, &err), 0);
        sound(&d);
        CHECK_INT((long)title_then_rest(&d), 3);
        CHECK(strstr(d.shapes[2].text, "\u2026") != NULL);
        dsms_drawing_free(&d);
    }
}

static void multiples_edges(void)
{
    dsms_drawing d;
    dsms_err err = {""};
    char title[400], first[400], failed[400];
    long_name(title, sizeof title, "Measures for ");
    long_name(first, sizeof first, "Completions & <all> in ");
    long_name(failed, sizeof failed, "No figure for ");
    const char *one[] = {"2024-25"}, *three[] = {"P1", "P2", "P3"};
    double ov[] = {5}, ol[] = {4}, oh[] = {6}, z[] = {0, 0, 0}, none[] = {NAN, NAN, NAN};
    double hv[] = {10, 80, 12}, hl[] = {8, 70, 10}, hh[] = {12, 90, 14};
    dsms_bench hb[] = {DSMS_BENCH_NONE, DSMS_BENCH_SUPPRESSED, DSMS_BENCH_NONE};
    dsms_trend_chart p[] = {{first, "%", one, ov, ol, oh, NULL, NULL, 1},
                            {"Zeros 'z'", "%", three, z, z, z, NULL, NULL, 3},
                            {"Hidden \"h\"", "%", three, hv, hl, hh, NULL, hb, 3},
                            {failed, "%", three, none, NULL, NULL, NULL, NULL, 3}};
    dsms_multiples_chart c = {title, p, 4, 2};
    CHECK_INT(dsms_chart_multiples(&c, 600, &d, &err), 0);
    sound(&d);
    wrapped(&d, title);
    /* each panel on its own round axis: one period (0 to 6), all 0, and one whose
     * suppressed period (80, from 70 to 90) is neither drawn nor in its axis */
    double pw = (600 - 8) / 2.0;
    ticks t0 = ticks_of(&d, 0, 56, 0), t1 = ticks_of(&d, 0, 56 + pw, 0);
    ticks t2 = ticks_of(&d, 0, 56, 1); /* the panel under the first */
    round_ticks(&t0, 0, 6);
    round_ticks(&t1, 0, 0);
    round_ticks(&t2, 0, 14);
    CHECK_INT((long)shapes_of(&d, DSMS_SHAPE_DOT, DSMS_NONE), 1 + 3 + 2);
    CHECK(strstr(d.alt, "P2 suppressed") != NULL && !strstr(d.alt, "P2 80"));
    const dsms_shape *f = text_of(&d, failed);
    CHECK(f && strcmp(f->text, failed) != 0 && has_text(&d, "no figure to draw"));
    const dsms_shape *label = text_of(&d, "2024-25");
    CHECK(label && ink_lines(&d, label->x, on(&t0, 4), label->x, on(&t0, 6)) == 1);
    dsms_drawing_free(&d);
}

/* ---- tile maps ---------------------------------------------------------------------- */

/* A tile map's tiles as drawn: its rectangles with a tip, in drawing order. */
typedef struct {
    const dsms_shape *s[256];
    size_t n;
} tiles_drawn;

static tiles_drawn tiles_in(const dsms_drawing *d)
{
    tiles_drawn t = {{0}, 0};
    for (size_t i = 0; i < d->nshapes && t.n < 256; i++)
        if (d->shapes[i].kind == DSMS_SHAPE_RECT && d->shapes[i].tip) t.s[t.n++] = &d->shapes[i];
    return t;
}

/* WCAG's contrast between two colours. */
static double contrast(uint32_t a, uint32_t b)
{
    double l[2];
    for (int k = 0; k < 2; k++) {
        uint32_t c = k ? b : a;
        double sum = 0, weight[3] = {0.2126, 0.7152, 0.0722};
        for (int j = 0; j < 3; j++) {
            double v = (double)((c >> (16 - 8 * j)) & 0xFF) / 255;
            sum += weight[j] * (v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4));
        }
        l[k] = sum;
    }
    return (fmax(l[0], l[1]) + 0.05) / (fmin(l[0], l[1]) + 0.05);
}

/* The tile (of t) that a text's middle lies in, or NULL. */
static const dsms_shape *tile_under(const tiles_drawn *t, const dsms_shape *s)
{
    double y = s->y - s->size / 3;
    for (size_t i = 0; i < t->n; i++)
        if (s->x > t->s[i]->x && s->x < t->s[i]->x + t->s[i]->w && y > t->s[i]->y &&
            y < t->s[i]->y + t->s[i]->h)
            return t->s[i];
    return NULL;
}

/* n tiles, each inside the drawing, no two overlapping, and every text in a tile (its
 * label, its "*") within it and readable on its fill (white when it has none): a
 * contrast of 4.5 to 1 or more. How many texts lay in tiles. */
static size_t tiles_sound(const dsms_drawing *d, size_t n)
{
    tiles_drawn t = tiles_in(d);
    CHECK_INT((long)t.n, (long)n);
    size_t outside = 0, overlaps = 0, faint = 0, cramped = 0, texts = 0;
    for (size_t i = 0; i < t.n; i++) {
        const dsms_shape *a = t.s[i];
        outside += !(a->w > 0 && a->h > 0 && a->x >= 0 && a->y >= 0 &&
                     a->x + a->w <= d->width + 1e-9 && a->y + a->h <= d->height + 1e-9);
        for (size_t k = i + 1; k < t.n; k++) {
            const dsms_shape *b = t.s[k];
            overlaps += a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h &&
                        b->y < a->y + a->h;
        }
    }
    for (size_t i = 0; i < d->nshapes; i++) {
        const dsms_shape *s = &d->shapes[i], *under;
        if (s->kind != DSMS_SHAPE_TEXT || !(under = tile_under(&t, s))) continue;
        texts++;
        double w = (double)chars(s->text) * s->size * (s->bold ? 0.62 : 0.55);
        double left = s->anchor == DSMS_ANCHOR_MIDDLE ? s->x - w / 2
                      : s->anchor == DSMS_ANCHOR_END  ? s->x - w
                                                      : s->x;
        cramped += left < under->x || left + w > under->x + under->w;
        double c = contrast(s->fill, under->fill == DSMS_NONE ? 0xFFFFFF : under->fill);
        if (c < 4.5) {
            faint++;
            fprintf(stderr, "  \"%s\" %06X on %06X: %.2f to 1\n", s->text, (unsigned)s->fill,
                    (unsigned)under->fill, c);
        }
    }
    CHECK_INT((long)outside, 0);
    CHECK_INT((long)overlaps, 0);
    CHECK_INT((long)cramped, 0);
    CHECK_INT((long)faint, 0);
    return texts;
}

static const char *tile_group_name(const dsms_tile *t)
{
    return t->group ? t->group : "";
}

/* The tiles of each group together, as given: the groups in the order they first
 * come, each group's tiles in its order, row by row, in a block under its heading
 * (its name, bold, at the block's left), no two blocks overlapping. How many rows of
 * blocks (headings at different heights). */
static size_t tiles_grouped(const dsms_drawing *d, const dsms_tile *tiles, size_t n)
{
    const char *groups[64];
    size_t ng = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < ng && strcmp(groups[k], tile_group_name(&tiles[i]))) k++;
        if (k == ng && ng < 64) groups[ng++] = tile_group_name(&tiles[i]);
    }
    tiles_drawn t = tiles_in(d);
    double box[64][4], heads[64];
    size_t k = 0, wrong = 0, misplaced = 0, unheaded = 0, overlaps = 0, rows = 0;
    for (size_t g = 0; g < ng; g++) {
        box[g][0] = box[g][1] = INFINITY, box[g][2] = box[g][3] = -INFINITY;
        size_t first = k;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(tile_group_name(&tiles[i]), groups[g]) || k >= t.n) continue;
            const dsms_shape *s = t.s[k], *prev = k > first ? t.s[k - 1] : NULL;
            const char *name = tiles[i].name ? tiles[i].name : tiles[i].code;
            wrong += strncmp(s->tip, name, strlen(name)) || s->tip[strlen(name)] != ':';
            if (prev)
                misplaced += !((s->y == prev->y && s->x > prev->x) ||
                               (s->y > prev->y && s->x == box[g][0]));
            box[g][0] = fmin(box[g][0], s->x), box[g][1] = fmin(box[g][1], s->y);
            box[g][2] = fmax(box[g][2], s->x + s->w), box[g][3] = fmax(box[g][3], s->y + s->h);
            k++;
        }
        const dsms_shape *head = NULL;
        for (size_t i = 0; i < d->nshapes && !head; i++) {
            const dsms_shape *s = &d->shapes[i];
            if (s->kind == DSMS_SHAPE_TEXT && s->bold && s->x == box[g][0] &&
                s->y < box[g][1] && s->y > box[g][1] - 16 &&
                (!strcmp(s->text, groups[g]) || cut_at_word(s->text, groups[g])))
                head = s;
        }
        unheaded += !head;
        heads[g] = head ? head->y : NAN;
        size_t seen = 0;
        for (size_t h = 0; h < g; h++) seen += heads[h] == heads[g];
        rows += !seen;
        for (size_t h = 0; h < g; h++)
            overlaps += box[g][0] < box[h][2] && box[h][0] < box[g][2] &&
                        box[g][1] < box[h][3] && box[h][1] < box[g][3];
    }
    CHECK_INT((long)k, (long)n);
    CHECK_INT((long)wrong, 0);
    CHECK_INT((long)misplaced, 0);
    CHECK_INT((long)unheaded, 0);
    CHECK_INT((long)overlaps, 0);
    return rows;
}

/* The tile whose tip begins with name. */
static const dsms_shape *tile_named(const dsms_drawing *d, const char *name)
{
    tiles_drawn t = tiles_in(d);
    for (size_t i = 0; i < t.n; i++)
        if (!strncmp(t.s[i]->tip, name, strlen(name)) && t.s[i]->tip[strlen(name)] == ':')
            return t.s[i];
    return NULL;
}

/* The text drawn in tile s whose text is t, or NULL. */
static const dsms_shape *text_in(const dsms_drawing *d, const dsms_shape *tile, const char *t)
{
    tiles_drawn one = {{tile}, 1};
    for (size_t i = 0; i < d->nshapes; i++)
        if (d->shapes[i].kind == DSMS_SHAPE_TEXT && !strcmp(d->shapes[i].text, t) &&
            tile_under(&one, &d->shapes[i]))
            return &d->shapes[i];
    return NULL;
}

static void tilemap(void)
{
    dsms_tile t[] = {
        {"E06000001", "HPL", "Hartlepool", "North East", 61.2, DSMS_BENCH_BETTER, NULL},
        {"E09000001", "CoL", "City of London", "London", 40, DSMS_BENCH_SIMILAR, NULL},
        {"E06000002", "MBR", "Middlesbrough", "North East", 30.5, DSMS_BENCH_WORSE, NULL},
        {"E09000002", "BAR", "Barking and Dagenham", "London", 3.7, DSMS_BENCH_SUPPRESSED, NULL},
        {"E06000003", "RCC", "Redcar and Cleveland", "North East", NAN, DSMS_BENCH_NONE, NULL},
        {"E06000060", "BKM", "Buckinghamshire", "South East", 12.5, DSMS_BENCH_HIGHER, NULL},
        {"E09000003", "BNT", "Barnet", "London", 17.25, DSMS_BENCH_LOWER, NULL},
        {"E06000004", "STK", "Stockton-on-Tees", "North East", 44.4, DSMS_BENCH_BETTER, NULL}};
    dsms_tilemap_chart c = {"Completions by area", t, 8};
    dsms_drawing d;
    dsms_err err = {""};
    CHECK_INT(dsms_chart_tilemap(&c, 500, &d, &err), 0);
    sound(&d);
    CHECK_INT((long)tiles_sound(&d, 8), 8 + 1); /* every label, and the "*" */
    CHECK_INT((long)tiles_grouped(&d, t, 8), 1);
    CHECK_INT((long)title_then_rest(&d), 1);
    /* a tile in its benchmark's colour, said in its tip */
    const dsms_shape *hpl = tile_named(&d, "Hartlepool"), *bkm = tile_named(&d, "Buckinghamshire");
    const dsms_shape *bar = tile_named(&d, "Barking and Dagenham");
    const dsms_shape *rcc = tile_named(&d, "Redcar and Cleveland");
    CHECK(hpl && hpl->fill == dsms_bench_colour(DSMS_BENCH_BETTER) &&
          !strcmp(hpl->tip, "Hartlepool: 61.2 (better than England)") && !hpl->href);
    CHECK(bkm && bkm->fill == dsms_bench_colour(DSMS_BENCH_HIGHER));
    /* on blue, the label white; on yellow, black */
    CHECK(bkm && text_in(&d, bkm, "BKM") && text_in(&d, bkm, "BKM")->fill == 0xFFFFFF);
    const dsms_shape *col = tile_named(&d, "City of London");
    CHECK(col && text_in(&d, col, "CoL") && text_in(&d, col, "CoL")->fill == 0x000000);
    /* the suppressed area: an outlined gap and "*", its figure said nowhere */
    CHECK(bar && bar->fill == DSMS_NONE && bar->stroke != DSMS_NONE && text_in(&d, bar, "*"));
    CHECK(bar && !strcmp(bar->tip, "Barking and Dagenham: suppressed (small numbers)"));
    CHECK(!has_text(&d, "3.7") && !strstr(d.alt, "3.7"));
    /* no figure: said so, the tile in its benchmark's colour */
    CHECK(rcc && !strcmp(rcc->tip, "Redcar and Cleveland: no figure (not compared)") &&
          rcc->fill == dsms_bench_colour(DSMS_BENCH_NONE));
    /* a legend of the benchmarks present */
    for (dsms_bench b = DSMS_BENCH_NONE; b <= DSMS_BENCH_SUPPRESSED; b++)
        CHECK(has_text(&d, dsms_bench_label(b)));
    CHECK(strstr(d.alt, "Completions by area: 8 areas in 3 groups") != NULL);
    CHECK(strstr(d.alt, "North East, 4 areas: 2 better than England: Hartlepool, "
                        "Stockton-on-Tees; 1 worse than England: Middlesbrough; 1 not "
                        "compared: Redcar and Cleveland. London, 3 areas: 1 similar to England: "
                        "City of London; 1 lower than England: Barnet; 1 suppressed (small "
                        "numbers): Barking and Dagenham. South East, 1 area: 1 higher than "
                        "England: Buckinghamshire.") != NULL);
    char *svg = dsms_chart_svg(&d, "tm");
    CHECK(svg != NULL);
    if (svg) {
        /* a tile, its label and its "*" one group, named by the tip; no link */
        CHECK_INT((long)count(svg, "<g><title>"), 8);
        CHECK(strstr(svg, "<g><title>Hartlepool: 61.2 (better than England)</title>\n<rect "));
        CHECK(!strstr(svg, "<a ") && !strstr(svg, "3.7"));
    }
    free(svg);
    /* cairo draws the tiles (and nothing of their tips): a corner of each its colour,
     * the suppressed one's white */
    char png[600];
    snprintf(png, sizeof png, "%s/tiles.png", support_dir());
    CHECK_INT(dsms_chart_cairo(&d, png, 0, 2, &err), 0);
    if (hpl && bar) {
        CHECK_INT(pixel(png, hpl->x + 3, hpl->y + hpl->h - 3),
                  dsms_bench_colour(DSMS_BENCH_BETTER));
        CHECK_INT(pixel(png, bar->x + 3, bar->y + bar->h - 3), 0xFFFFFF);
    }
    dsms_drawing_free(&d);
    dsms_drawing_free(&d); /* harmless twice */
    /* nothing to draw */
    c.n = 0;
    CHECK_INT(dsms_chart_tilemap(&c, 500, &d, &err), -1);
    CHECK(strstr(err.msg, "a tile map with no area to draw") != NULL);
    dsms_tilemap_chart none = {"None", NULL, 3};
    CHECK_INT(dsms_chart_tilemap(&none, 500, &d, &err), -1);
}

static void tilemap_edges(void)
{
    dsms_drawing d, wide;
    dsms_err err = {""};
    /* 200 areas in England's 9 regions, every 13th from the 6th suppressed and every 11th with no
     * figure: as narrow as a phone, and as wide as a page */
    static const char *regions[] = {"North East", "North West", "Yorkshire and The Humber",
                                    "East Midlands", "West Midlands", "East of England",
                                    "London", "South East", "South West"};
    static const size_t sizes[] = {12, 23, 15, 9, 14, 11, 33, 64, 19};
    static dsms_tile many[200];
    static char names[200][16], labels[200][8];
    size_t n = 0;
    for (size_t r = 0; r < 9; r++)
        for (size_t k = 0; k < sizes[r]; k++, n++) {
            snprintf(names[n], sizeof names[n], "Area %03zu", n);
            snprintf(labels[n], sizeof labels[n], "A%zu", n);
            dsms_bench b = n % 13 == 5 ? DSMS_BENCH_SUPPRESSED : (dsms_bench)(1 + n % 5);
            many[n] = (dsms_tile){"E0", labels[n], names[n], regions[r],
                                  n % 11 == 3 ? NAN : (double)n / 3, b, NULL};
        }
    CHECK_INT((long)n, 200);
    dsms_tilemap_chart c = {"Completions by upper-tier local authority, 2024-25", many, 200};
    CHECK_INT(dsms_chart_tilemap(&c, 320, &d, &err), 0);
    CHECK_INT(dsms_chart_tilemap(&c, 700, &wide, &err), 0);
    sound(&d);
    sound(&wide);
    CHECK_INT((long)tiles_sound(&d, 200), 200 + 15);
    CHECK_INT((long)tiles_sound(&wide, 200), 200 + 15);
    size_t rows = tiles_grouped(&d, many, 200), wide_rows = tiles_grouped(&wide, many, 200);
    /* the narrow map wraps to more rows of blocks, the wide one uses its width */
    CHECK(rows >= 4 && wide_rows >= 2 && wide_rows < rows);
    CHECK(d.height > wide.height);
    double right = 0;
    tiles_drawn tw = tiles_in(&wide);
    for (size_t i = 0; i < tw.n; i++) right = fmax(right, tw.s[i]->x + tw.s[i]->w);
    CHECK(right > 600);
    /* every area named in the text alternative, whatever its width */
    size_t unnamed = 0;
    for (size_t i = 0; i < 200; i++) unnamed += !strstr(d.alt, names[i]);
    CHECK_INT((long)unnamed, 0);
    CHECK(strstr(d.alt, "South East, 64 areas: ") != NULL);
    CHECK(!strcmp(d.alt, wide.alt));
    dsms_drawing_free(&wide);
    dsms_drawing_free(&d);
    /* narrower still: a region's block no wider than the room */
    CHECK_INT(dsms_chart_tilemap(&c, 160, &d, &err), 0);
    sound(&d);
    CHECK_INT((long)tiles_sound(&d, 200), 200 + 15);
    CHECK_INT((long)tiles_grouped(&d, many, 200), 9);
    dsms_drawing_free(&d);

    /* a group of one, alone on a narrow drawing, its heading cut to the room */
    dsms_tile one = {"E06000053", "IoS", "Isles of Scilly", "South West and the Isles beyond",
                     2, DSMS_BENCH_SIMILAR, NULL};
    dsms_tilemap_chart single = {"One", &one, 1};
    CHECK_INT(dsms_chart_tilemap(&single, 120, &d, &err), 0);
    sound(&d);
    CHECK_INT((long)tiles_sound(&d, 1), 1);
    CHECK_INT((long)tiles_grouped(&d, &one, 1), 1);
    const dsms_shape *head = text_of(&d, one.group);
    CHECK(head && strcmp(head->text, one.group) != 0);
    CHECK(strstr(d.alt, "South West and the Isles beyond, 1 area: 1 similar to England: "
                        "Isles of Scilly.") != NULL);
    dsms_drawing_free(&d);

    /* names of 200 characters in UTF-8, a label of more than four characters (cut), one
     * of none, and a tile with no name (its code said) and no group */
    char title[400], name[400], group[400];
    long_name(title, sizeof title, "Completions in ");
    long_name(name, sizeof name, "Ynys Môn, ");
    long_name(group, sizeof group, "Cymru a ");
    dsms_tile longs[] = {{"W1", "Môn", name, group, 5, DSMS_BENCH_WORSE, NULL},
                         {"W2", "Caerffili", "Caerffili", group, 6, DSMS_BENCH_BETTER, NULL},
                         {"W3", NULL, "Ceredigion", group, 7, DSMS_BENCH_LOWER, NULL},
                         {"W4", "W4", NULL, NULL, 8, DSMS_BENCH_HIGHER, NULL}};
    dsms_tilemap_chart lc = {title, longs, 4};
    CHECK_INT(dsms_chart_tilemap(&lc, 320, &d, &err), 0);
    sound(&d);
    wrapped(&d, title);
    CHECK_INT((long)tiles_sound(&d, 4), 3);
    CHECK_INT((long)tiles_grouped(&d, longs, 4), 2);
    head = text_of(&d, group);
    CHECK(head && strcmp(head->text, group) != 0);
    const dsms_shape *mon = tile_named(&d, name), *caer = tile_named(&d, "Caerffili");
    CHECK(mon && text_in(&d, mon, "Môn") && strstr(mon->tip, name) == mon->tip);
    CHECK(caer && !text_in(&d, caer, "Caerffili")); /* cut to fit */
    CHECK(tile_named(&d, "W4") && strstr(d.alt, ", 1 area: 1 higher than England: W4."));
    CHECK(strstr(d.alt, name) != NULL);
    dsms_drawing_free(&d);

    /* links and tips escaped in SVG: a tile with a link is one, named by its tip */
    dsms_tile linked[] = {
        {"E1", "YM&", "Ynys Môn & <Co> \"q\" 'a'", "R & <r>", 5, DSMS_BENCH_BETTER,
         "/areas/E1?m=1&x=<2>\"'"},
        {"E2", "B", "Plain", "R & <r>", 6, DSMS_BENCH_SUPPRESSED, "/areas/E2"},
        {"E3", "C", "Unlinked", "R & <r>", 7, DSMS_BENCH_SIMILAR, NULL}};
    dsms_tilemap_chart lk = {"Links", linked, 3};
    CHECK_INT(dsms_chart_tilemap(&lk, 320, &d, &err), 0);
    all_finite(&d);
    texts_inside(&d);
    CHECK_INT((long)tiles_sound(&d, 3), 4);
    const dsms_shape *e1 = tile_named(&d, "Ynys Môn & <Co> \"q\" 'a'");
    CHECK(e1 && e1->href && !strcmp(e1->href, "/areas/E1?m=1&x=<2>\"'"));
    char *svg = dsms_chart_svg(&d, NULL);
    CHECK(svg != NULL);
    if (svg) {
        CHECK(xml_ok(svg));
        no_style(svg);
        CHECK(strstr(svg, "role=\"group\"") && !strstr(svg, "role=\"img\""));
        CHECK(strstr(svg, "<a href=\"/areas/E1?m=1&amp;x=&lt;2&gt;&quot;&#39;\"><title>Ynys "
                          "Môn &amp; &lt;Co&gt; &quot;q&quot; &#39;a&#39;: 5.0 (better than "
                          "England)</title>\n<rect ") != NULL);
        CHECK(strstr(svg, ">YM&amp;</text>\n</a>") != NULL);
        /* the suppressed tile: its rectangle, label and "*" in one link */
        CHECK(strstr(svg, "<a href=\"/areas/E2\"><title>Plain: suppressed (small numbers)"
                          "</title>\n<rect ") != NULL);
        CHECK_INT((long)count(svg, "<a href="), 2);
        CHECK_INT((long)count(svg, "</a>"), 2);
        CHECK_INT((long)count(svg, "<g><title>Unlinked: 7.0 (similar to England)</title>"), 1);
        CHECK(strstr(svg, ">R &amp; &lt;r&gt;</text>") != NULL);
    }
    free(svg);
    /* cairo draws them as any other */
    char png[600];
    snprintf(png, sizeof png, "%s/links.png", support_dir());
    CHECK_INT(dsms_chart_cairo(&d, png, 0, 2, &err), 0);
    if (e1) CHECK_INT(pixel(png, e1->x + 3, e1->y + 3), dsms_bench_colour(DSMS_BENCH_BETTER));
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
    bars_edges();
    trend_edges();
    funnel_edges();
    spine_edges();
    pyramid_edges();
    multiples_edges();
    tilemap();
    tilemap_edges();
    support_cleanup();
    dsms_chart_fonts_release(); /* for the leak check */
    return check_summary();
}
