/* chart.c — charts laid out into drawings (dsms/chart.h): the scales and
 * their ticks, the axes, and each kind's shapes. Nothing here knows SVG or
 * cairo; both draw what this lays out, so a chart looks the same in a
 * report, a PDF and the dashboard.
 *
 * Text is measured by an estimate (0.55 em a character, DejaVu Sans's
 * average), since SVG cannot measure it: margins leave room for that. */
#include "dsms/chart.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/grow.h"

#define INK 0x222222u
#define GRID 0xDDDDDDu
#define FONT 10.0
#define TITLE_FONT 12.0
#define MARGIN 8.0

/* ---- benchmark colours: Okabe and Ito's palette, safe for colour-blind readers --- */

dsms_bench dsms_bench_of(const char *word, int suppressed)
{
    static const struct {
        const char *word;
        dsms_bench b;
    } words[] = {{"better", DSMS_BENCH_BETTER}, {"similar", DSMS_BENCH_SIMILAR},
                 {"worse", DSMS_BENCH_WORSE},   {"higher", DSMS_BENCH_HIGHER},
                 {"lower", DSMS_BENCH_LOWER}};
    if (suppressed) return DSMS_BENCH_SUPPRESSED;
    for (size_t i = 0; word && i < sizeof words / sizeof *words; i++)
        if (strcmp(word, words[i].word) == 0) return words[i].b;
    return DSMS_BENCH_NONE;
}

uint32_t dsms_bench_colour(dsms_bench b)
{
    switch (b) {
    case DSMS_BENCH_BETTER: return 0x009E73;  /* bluish green */
    case DSMS_BENCH_SIMILAR: return 0xF0E442; /* yellow */
    case DSMS_BENCH_WORSE: return 0xD55E00;   /* vermilion */
    case DSMS_BENCH_HIGHER: return 0x0072B2;  /* blue */
    case DSMS_BENCH_LOWER: return 0x56B4E9;   /* sky blue */
    case DSMS_BENCH_SUPPRESSED: return DSMS_NONE;
    case DSMS_BENCH_NONE: break;
    }
    return 0xBBBBBB; /* grey */
}

const char *dsms_bench_label(dsms_bench b)
{
    switch (b) {
    case DSMS_BENCH_BETTER: return "better than England";
    case DSMS_BENCH_SIMILAR: return "similar to England";
    case DSMS_BENCH_WORSE: return "worse than England";
    case DSMS_BENCH_HIGHER: return "higher than England";
    case DSMS_BENCH_LOWER: return "lower than England";
    case DSMS_BENCH_SUPPRESSED: return "suppressed (small numbers)";
    case DSMS_BENCH_NONE: break;
    }
    return "not compared";
}

/* ---- shapes ------------------------------------------------------------------------- */

void dsms_drawing_free(dsms_drawing *d)
{
    for (size_t i = 0; i < d->nshapes; i++)
        free(d->shapes[i].text), free(d->shapes[i].tip), free(d->shapes[i].href);
    free(d->shapes);
    free(d->points);
    free(d->title);
    free(d->alt);
    memset(d, 0, sizeof *d);
}

static dsms_shape *shape(dsms_drawing *d, dsms_shape_kind kind)
{
    if (d->oom || dsms_room_for((void **)&d->shapes, &d->cap_shapes, d->nshapes,
                                sizeof *d->shapes, 64)) {
        d->oom = 1;
        return NULL;
    }
    dsms_shape *s = &d->shapes[d->nshapes++];
    *s = (dsms_shape){.kind = kind, .fill = DSMS_NONE, .stroke = DSMS_NONE, .stroke_width = 1};
    return s;
}

static void rect(dsms_drawing *d, double x, double y, double w, double h, uint32_t fill,
                 uint32_t stroke)
{
    dsms_shape *s = shape(d, DSMS_SHAPE_RECT);
    if (s) s->x = x, s->y = y, s->w = w, s->h = h, s->fill = fill, s->stroke = stroke;
}

static void line(dsms_drawing *d, double x, double y, double x2, double y2, uint32_t stroke,
                 double width, int dashed)
{
    dsms_shape *s = shape(d, DSMS_SHAPE_LINE);
    if (s)
        s->x = x, s->y = y, s->x2 = x2, s->y2 = y2, s->stroke = stroke, s->stroke_width = width,
        s->dashed = dashed;
}

static void dot(dsms_drawing *d, double x, double y, double r, uint32_t fill, uint32_t stroke)
{
    dsms_shape *s = shape(d, DSMS_SHAPE_DOT);
    if (s) s->x = x, s->y = y, s->r = r, s->fill = fill, s->stroke = stroke;
}

static void text(dsms_drawing *d, double x, double y, int anchor, double size, int bold,
                 const char *t)
{
    dsms_shape *s = shape(d, DSMS_SHAPE_TEXT);
    if (!s) return;
    s->x = x, s->y = y, s->anchor = anchor, s->size = size, s->bold = bold, s->fill = INK;
    if (!(s->text = strdup(t ? t : ""))) d->oom = 1;
}

/* A polyline through the points of (xs[i], ys[i]) that are numbers; a gap
 * (NaN) ends one line and starts the next. */
static void path(dsms_drawing *d, const double *xs, const double *ys, size_t n, uint32_t stroke,
                 double width, int dashed)
{
    for (size_t i = 0; i < n;) {
        while (i < n && (isnan(xs[i]) || isnan(ys[i]))) i++;
        size_t first = d->npoints;
        for (; i < n && !isnan(xs[i]) && !isnan(ys[i]); i++) {
            if (dsms_room_for((void **)&d->points, &d->cap_points, d->npoints, sizeof *d->points,
                              64)) {
                d->oom = 1;
                return;
            }
            d->points[d->npoints++] = (dsms_point){xs[i], ys[i]};
        }
        if (d->npoints - first < 2) continue;
        dsms_shape *s = shape(d, DSMS_SHAPE_PATH);
        if (s)
            s->first = first, s->npoints = d->npoints - first, s->stroke = stroke,
            s->stroke_width = width, s->dashed = dashed;
    }
}

static double text_width(const char *t, double size)
{
    return (double)strlen(t ? t : "") * size * 0.55;
}

/* t as it fits in width: whole, or cut at a word's end with an ellipsis
 * (buf, n bytes). The whole text is the chart's text alternative's. */
static const char *fit(const char *t, double size, double width, char *buf, size_t n)
{
    if (!t || text_width(t, size) <= width) return t ? t : "";
    size_t keep = (size_t)fmax(0, width / (size * 0.55) - 1);
    if (keep + 4 > n) keep = n - 4;
    size_t cut = keep;
    while (cut > 0 && t[cut] != ' ') cut--;
    if (cut < keep / 2) cut = keep; /* no word end near: cut the word */
    while (cut > 0 && ((unsigned char)t[cut] & 0xC0) == 0x80) cut--; /* whole characters */
    while (cut > 0 && (t[cut - 1] == ' ' || t[cut - 1] == ',')) cut--;
    snprintf(buf, n, "%.*s\u2026", (int)cut, t);
    return buf;
}

/* The lines a title wraps to within width (at most TITLE_LINES, the last
 * cut with an ellipsis if need be), into lines[]: how many. */
enum { TITLE_LINES = 3 };

static size_t title_lines(const char *t, double width, char lines[TITLE_LINES][256])
{
    /* bold text is wider than the estimate for plain (0.62 em a character) */
    size_t n = 0, per = (size_t)fmax(8, width / (TITLE_FONT * 0.62));
    while (*t && n < TITLE_LINES) {
        size_t len = strlen(t);
        if (len <= per || n + 1 == TITLE_LINES) {
            char cut[256];
            /* fit() measures plain text: narrow its width to the bold estimate */
            snprintf(lines[n++], 256, "%s",
                     fit(t, TITLE_FONT, width * 0.55 / 0.62, cut, sizeof cut));
            break;
        }
        size_t cut = per;
        while (cut > 0 && t[cut] != ' ') cut--;
        if (cut == 0) cut = per;
        while (cut > 1 && ((unsigned char)t[cut] & 0xC0) == 0x80) cut--; /* whole characters */
        snprintf(lines[n++], 256, "%.*s", (int)cut, t);
        t += cut;
        while (*t == ' ') t++;
    }
    return n ? n : 1;
}

/* ---- scales ------------------------------------------------------------------------- */

/* A linear scale from [lo, hi] onto [a, b], with "nice" ticks: steps of 1, 2
 * or 5 times a power of ten, about `want` of them, the ends widened to them. */
typedef struct {
    double lo, hi, a, b, step;
} scale;

static double nice_step(double span, int want)
{
    double raw = span / want, p = pow(10, floor(log10(raw))), f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

static scale scale_of(double lo, double hi, double a, double b, int want)
{
    if (!(hi > lo)) hi = lo + (lo == 0 ? 1 : fabs(lo) * 0.1), lo -= hi - lo == 0 ? 1 : 0;
    double step = nice_step(hi - lo, want);
    scale s = {floor(lo / step) * step, ceil(hi / step) * step, a, b, step};
    return s;
}

static double at(const scale *s, double v)
{
    return s->a + (v - s->lo) / (s->hi - s->lo) * (s->b - s->a);
}

/* A tick's label: whole when the step is, else to as many decimals as the
 * step needs. */
static void tick_label(double v, double step, char *buf, size_t n)
{
    int decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    snprintf(buf, n, "%.*f", decimals, fabs(v) < step / 1e6 ? 0.0 : v);
}

/* The figures' range: every value and limit that is a number. */
static int range_of(const double *const *arrays, size_t narrays, size_t n, double *lo, double *hi)
{
    *lo = INFINITY, *hi = -INFINITY;
    for (size_t k = 0; k < narrays; k++)
        for (size_t i = 0; arrays[k] && i < n; i++)
            if (isfinite(arrays[k][i])) {
                if (arrays[k][i] < *lo) *lo = arrays[k][i];
                if (arrays[k][i] > *hi) *hi = arrays[k][i];
            }
    return *lo <= *hi;
}

/* A value axis along the bottom (horizontal) or the left (vertical), with
 * grid lines across the plot [x0, x1] x [y0, y1]. */
static void axis(dsms_drawing *d, const scale *s, int horizontal, double x0, double y0, double x1,
                 double y1, const char *label)
{
    char buf[48], name[256];
    for (double v = s->lo; v <= s->hi + s->step / 2; v += s->step) {
        double p = at(s, v);
        tick_label(v, s->step, buf, sizeof buf);
        if (horizontal) {
            line(d, p, y0, p, y1, GRID, 0.5, 0);
            text(d, p, y1 + FONT + 2, DSMS_ANCHOR_MIDDLE, FONT, 0, buf);
        } else {
            line(d, x0, p, x1, p, GRID, 0.5, 0);
            text(d, x0 - 4, p + FONT / 3, DSMS_ANCHOR_END, FONT, 0, buf);
        }
    }
    if (horizontal) {
        line(d, x0, y1, x1, y1, INK, 1, 0);
        text(d, (x0 + x1) / 2, y1 + 2 * FONT + 6, DSMS_ANCHOR_MIDDLE, FONT, 0,
             fit(label, FONT, x1 - x0, name, sizeof name));
    } else {
        line(d, x0, y0, x0, y1, INK, 1, 0);
        text(d, x0, y0 - 6, DSMS_ANCHOR_START, FONT, 0,
             fit(label, FONT, d->width - MARGIN - x0, name, sizeof name));
    }
}

static int begin(dsms_drawing *d, const char *title, double width, dsms_err *err)
{
    memset(d, 0, sizeof *d);
    d->width = width;
    if (!(d->title = strdup(title ? title : ""))) {
        dsms_err_set(err, "out of memory laying out a chart");
        return -1;
    }
    char lines[TITLE_LINES][256] = {""};
    size_t n = title_lines(d->title, width - 2 * MARGIN, lines);
    for (size_t i = 0; i < n; i++)
        text(d, MARGIN, MARGIN + TITLE_FONT + (TITLE_FONT + 3) * (double)i, DSMS_ANCHOR_START,
             TITLE_FONT, 1, lines[i]);
    return 0;
}

/* A title of more than one line: the rest of the drawing, laid out below
 * a title of one, moved down by the lines added (the title's are the first
 * shapes). */
static void below_title(dsms_drawing *d)
{
    char lines[TITLE_LINES][256];
    size_t n = title_lines(d->title, d->width - 2 * MARGIN, lines);
    double extra = (TITLE_FONT + 3) * (double)(n - 1);
    if (n < 2) return;
    for (size_t i = n; i < d->nshapes; i++) d->shapes[i].y += extra, d->shapes[i].y2 += extra;
    for (size_t i = 0; i < d->npoints; i++) d->points[i].y += extra;
    d->height += extra;
}

/* A text cut where its buffer ran out may end inside a character: drop that part, so
 * that the text alternative is whole UTF-8 (as SVG must be). */
static void whole_chars(char *t)
{
    size_t n = strlen(t), k = n;
    while (k > 0 && ((unsigned char)t[k - 1] & 0xC0) == 0x80) k--;
    if (k == 0) return;
    unsigned char lead = (unsigned char)t[k - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (n - (k - 1) < need) t[k - 1] = 0;
}

/* The text alternative, then the end: 0, or -1 with err set (out of memory). */
static int finish(dsms_drawing *d, const char *alt, dsms_err *err)
{
    below_title(d);
    if (!d->oom && !(d->alt = strdup(alt))) d->oom = 1;
    if (d->alt) whole_chars(d->alt);
    if (!d->oom) return 0;
    dsms_drawing_free(d);
    dsms_err_set(err, "out of memory laying out a chart");
    return -1;
}

/* A key for each benchmark used, from the left on the baseline y, on to another row
 * where the next would pass the drawing's edge (and its name cut where even a row of
 * its own is too narrow): the last row's baseline. */
static double legend(dsms_drawing *d, const dsms_bench *used, size_t n, double y)
{
    double x = MARGIN;
    for (size_t i = 0; i < n; i++) {
        const char *label = dsms_bench_label(used[i]);
        uint32_t c = dsms_bench_colour(used[i]);
        double w = FONT + 4 + text_width(label, FONT);
        if (x > MARGIN && x + w > d->width - MARGIN) x = MARGIN, y += FONT + 6;
        char cut[64];
        rect(d, x, y - FONT + 1, FONT, FONT, c == DSMS_NONE ? 0xFFFFFF : c, INK);
        text(d, x + FONT + 4, y, DSMS_ANCHOR_START, FONT, 0,
             fit(label, FONT, d->width - MARGIN - x - FONT - 4, cut, sizeof cut));
        x += w + 8;
    }
    return y;
}

/* The benchmarks among n, in their order, each once. */
static size_t benches_used(const dsms_bench *b, size_t n, dsms_bench *out)
{
    size_t k = 0;
    for (int want = DSMS_BENCH_NONE; want <= DSMS_BENCH_SUPPRESSED; want++)
        for (size_t i = 0; b && i < n; i++)
            if (b[i] == (dsms_bench)want) {
                out[k++] = (dsms_bench)want;
                break;
            }
    return k;
}

static void appendf(char *buf, size_t n, size_t *at_, const char *fmt, double v)
{
    if (*at_ >= n) return;
    int k = snprintf(buf + *at_, n - *at_, fmt, v);
    if (k > 0) *at_ += (size_t)k;
}

/* ---- bars --------------------------------------------------------------------------- */

int dsms_chart_bars(const dsms_bar_chart *c, double width, dsms_drawing *d, dsms_err *err)
{
    double *v = malloc((c->nbars + 1) * 3 * sizeof *v);
    if (!v) return dsms_err_set(err, "out of memory laying out a chart"), -1;
    for (size_t i = 0; i < c->nbars; i++) {
        int hidden = c->bars[i].bench == DSMS_BENCH_SUPPRESSED;
        v[i] = hidden ? NAN : c->bars[i].value;
        v[c->nbars + i] = hidden ? NAN : c->bars[i].lower;
        v[2 * c->nbars + i] = hidden ? NAN : c->bars[i].upper;
    }
    const double *arrays[] = {v, v + c->nbars, v + 2 * c->nbars, &c->england};
    double lo, hi;
    int any = range_of(arrays, 3, c->nbars, &lo, &hi);
    if (any && isfinite(c->england)) lo = fmin(lo, c->england), hi = fmax(hi, c->england);
    free(v);
    if (!c->nbars || !any) return dsms_err_set(err, "a bar chart with no figure to draw"), -1;
    if (begin(d, c->title, width, err)) return -1;
    double names = MARGIN;
    for (size_t i = 0; i < c->nbars; i++)
        names = fmax(names, text_width(c->bars[i].label, FONT) + MARGIN + 4);
    names = fmin(names, width * 0.4); /* a long name is cut, not let push the bars off */
    double row = FONT + 8, top = MARGIN + TITLE_FONT + 2 * FONT + 8;
    double x0 = names + 4, x1 = width - MARGIN - 40, y1 = top + row * (double)c->nbars;
    scale s = scale_of(fmin(lo, 0), hi, x0, x1, 5);
    axis(d, &s, 1, x0, top - 4, x1, y1, c->unit);
    for (size_t i = 0; i < c->nbars; i++) {
        const dsms_bar *b = &c->bars[i];
        double y = top + row * (double)i;
        char name[256];
        text(d, names, y + FONT, DSMS_ANCHOR_END, FONT, 0,
             fit(b->label, FONT, names - MARGIN, name, sizeof name));
        if (b->bench == DSMS_BENCH_SUPPRESSED || isnan(b->value)) {
            rect(d, x0, y + 2, x1 - x0, row - 4, DSMS_NONE, GRID);
            text(d, x0 + 4, y + FONT, DSMS_ANCHOR_START, FONT, 0,
                 b->bench == DSMS_BENCH_SUPPRESSED ? "* suppressed" : "no figure");
            continue;
        }
        double from = at(&s, fmax(s.lo, 0)), to = at(&s, b->value);
        rect(d, fmin(from, to), y + 2, fabs(to - from), row - 4, dsms_bench_colour(b->bench),
             INK);
        if (isfinite(b->lower) && isfinite(b->upper)) {
            double ym = y + row / 2;
            line(d, at(&s, b->lower), ym, at(&s, b->upper), ym, INK, 1, 0);
            line(d, at(&s, b->lower), ym - 3, at(&s, b->lower), ym + 3, INK, 1, 0);
            line(d, at(&s, b->upper), ym - 3, at(&s, b->upper), ym + 3, INK, 1, 0);
        }
    }
    if (isfinite(c->england)) {
        line(d, at(&s, c->england), top - 4, at(&s, c->england), y1, INK, 1.5, 1);
        text(d, at(&s, c->england), top - 6, DSMS_ANCHOR_MIDDLE, FONT, 0, "England");
    }
    dsms_bench used[8];
    dsms_bench *each = malloc((c->nbars ? c->nbars : 1) * sizeof *each);
    size_t nused = 0;
    if (each) {
        for (size_t i = 0; i < c->nbars; i++) each[i] = c->bars[i].bench;
        nused = benches_used(each, c->nbars, used);
        free(each);
    } else d->oom = 1;
    d->height = legend(d, used, nused, y1 + 3 * FONT + 12) + MARGIN;
    char alt[1024];
    size_t o = (size_t)snprintf(alt, sizeof alt, "%s: %zu areas as bars (%s)", d->title,
                                c->nbars, c->unit ? c->unit : "");
    if (isfinite(c->england)) appendf(alt, sizeof alt, &o, "; England %g", c->england);
    for (size_t k = 0; k < nused; k++) {
        size_t count = 0;
        for (size_t i = 0; i < c->nbars; i++) count += c->bars[i].bench == used[k];
        if (o < sizeof alt)
            o += (size_t)snprintf(alt + o, sizeof alt - o, "; %zu %s", count,
                                  dsms_bench_label(used[k]));
    }
    return finish(d, alt, err);
}

/* ---- trends ------------------------------------------------------------------------- */

int dsms_chart_trend(const dsms_trend_chart *c, double width, dsms_drawing *d, dsms_err *err)
{
    /* a suppressed period's figures as none: not drawn (no dot, whisker or line through
     * it) and not stretching the axis, which would hint at them */
    double *shown = malloc((c->n ? c->n : 1) * 3 * sizeof *shown);
    if (!shown) return dsms_err_set(err, "out of memory laying out a chart"), -1;
    double *value = shown, *lower = c->lower ? shown + c->n : NULL;
    double *upper = c->upper ? shown + 2 * c->n : NULL;
    for (size_t i = 0; i < c->n; i++) {
        int hidden = c->bench && c->bench[i] == DSMS_BENCH_SUPPRESSED;
        value[i] = hidden ? NAN : c->value[i];
        if (lower) lower[i] = hidden ? NAN : c->lower[i];
        if (upper) upper[i] = hidden ? NAN : c->upper[i];
    }
    const double *arrays[] = {value, lower, upper, c->trajectory};
    double lo, hi;
    if (!c->n || !range_of(arrays, 4, c->n, &lo, &hi)) {
        free(shown);
        return dsms_err_set(err, "a trend with no figure to draw"), -1;
    }
    if (begin(d, c->title, width, err)) return free(shown), -1;
    double top = MARGIN + TITLE_FONT + 2 * FONT + 8, height = 180;
    double x0 = MARGIN + 48, x1 = width - MARGIN - 8, y1 = top + height;
    scale s = scale_of(fmin(lo, 0), hi, y1, top, 5);
    axis(d, &s, 0, x0, top, x1, y1, c->unit);
    line(d, x0, y1, x1, y1, INK, 1, 0);
    double *xs = malloc(c->n * 2 * sizeof *xs);
    if (!xs) d->oom = 1;
    /* a period's label every `every` points, so that none overlaps the next */
    double label_w = 0, spacing = c->n > 1 ? (x1 - x0 - 40) / (double)(c->n - 1) : x1 - x0;
    for (size_t i = 0; i < c->n; i++) label_w = fmax(label_w, text_width(c->periods[i], FONT));
    size_t every = (size_t)ceil((label_w + 6) / spacing);
    if (every < 1) every = 1;
    for (size_t i = 0; xs && i < c->n; i++) {
        xs[i] = c->n == 1 ? (x0 + x1) / 2
                          : x0 + 20 + (x1 - x0 - 40) * (double)i / (double)(c->n - 1);
        xs[c->n + i] = isfinite(value[i]) ? at(&s, value[i]) : NAN;
        if ((c->n - 1 - i) % every == 0) /* the latest always named */
            text(d, xs[i], y1 + FONT + 4, DSMS_ANCHOR_MIDDLE, FONT, 0, c->periods[i]);
        if (lower && upper && isfinite(lower[i]) && isfinite(upper[i]))
            line(d, xs[i], at(&s, lower[i]), xs[i], at(&s, upper[i]), INK, 1, 0);
    }
    if (xs) path(d, xs, xs + c->n, c->n, INK, 1.5, 0);
    if (xs && c->trajectory) {
        double *ty = malloc(c->n * sizeof *ty);
        for (size_t i = 0; ty && i < c->n; i++)
            ty[i] = isfinite(c->trajectory[i]) ? at(&s, c->trajectory[i]) : NAN;
        if (ty) path(d, xs, ty, c->n, 0x0072B2, 1.5, 1);
        else d->oom = 1;
        free(ty);
    }
    for (size_t i = 0; xs && i < c->n; i++) {
        dsms_bench b = c->bench ? c->bench[i] : DSMS_BENCH_NONE;
        if (b == DSMS_BENCH_SUPPRESSED)
            text(d, xs[i], y1 - 4, DSMS_ANCHOR_MIDDLE, FONT, 1, "*");
        else if (!isnan(xs[c->n + i])) dot(d, xs[i], xs[c->n + i], 4, dsms_bench_colour(b), INK);
    }
    free(xs);
    free(shown);
    d->height = y1 + 2 * FONT + 8 + MARGIN;
    if (c->trajectory) {
        line(d, MARGIN, d->height, MARGIN + 20, d->height, 0x0072B2, 1.5, 1);
        text(d, MARGIN + 24, d->height + FONT / 3, DSMS_ANCHOR_START, FONT, 0, "trajectory");
        d->height += FONT + MARGIN;
    }
    char alt[1024];
    size_t o = (size_t)snprintf(alt, sizeof alt, "%s: %s from %s to %s", d->title,
                                c->unit ? c->unit : "", c->periods[0], c->periods[c->n - 1]);
    for (size_t i = 0; i < c->n && o < sizeof alt; i++) {
        int hidden = c->bench && c->bench[i] == DSMS_BENCH_SUPPRESSED;
        if (hidden)
            o += (size_t)snprintf(alt + o, sizeof alt - o, "; %s suppressed", c->periods[i]);
        else if (isfinite(c->value[i]))
            o += (size_t)snprintf(alt + o, sizeof alt - o, "; %s %g", c->periods[i], c->value[i]);
    }
    return finish(d, alt, err);
}

/* ---- funnels ------------------------------------------------------------------------ */

int dsms_chart_funnel(const dsms_funnel_chart *c, double width, dsms_drawing *d, dsms_err *err)
{
    /* a suppressed place is left out of the axes as well as the dots: an axis stretched
     * to take it in would hint at where it lies */
    double *shown = malloc((c->n ? c->n : 1) * 2 * sizeof *shown);
    if (!shown) return dsms_err_set(err, "out of memory laying out a chart"), -1;
    for (size_t i = 0; i < c->n; i++) {
        int hidden = c->bench && c->bench[i] == DSMS_BENCH_SUPPRESSED;
        shown[i] = hidden ? NAN : c->x[i], shown[c->n + i] = hidden ? NAN : c->y[i];
    }
    const double *ys[] = {shown + c->n, c->lo95, c->hi95, c->lo998, c->hi998};
    size_t ns[] = {c->n, c->nlimits, c->nlimits, c->nlimits, c->nlimits};
    double lo = INFINITY, hi = -INFINITY, xlo, xhi, l, h;
    for (size_t k = 0; k < 5; k++)
        if (range_of(&ys[k], 1, ns[k], &l, &h)) lo = fmin(lo, l), hi = fmax(hi, h);
    const double *xs_in[] = {shown};
    int any = c->n && lo <= hi && range_of(xs_in, 1, c->n, &xlo, &xhi);
    free(shown);
    if (!any) return dsms_err_set(err, "a funnel plot with no point to draw"), -1;
    if (begin(d, c->title, width, err)) return -1;
    double top = MARGIN + TITLE_FONT + 2 * FONT + 8, height = 240;
    double x0 = MARGIN + 48, x1 = width - MARGIN - 8, y1 = top + height;
    scale sy = scale_of(fmin(lo, c->benchmark), fmax(hi, c->benchmark), y1, top, 5);
    scale sx = scale_of(0, xhi, x0, x1, 5);
    axis(d, &sy, 0, x0, top, x1, y1, c->unit);
    axis(d, &sx, 1, x0, top, x1, y1, c->x_label);
    line(d, x0, at(&sy, c->benchmark), x1, at(&sy, c->benchmark), INK, 1.5, 0);
    const double *limits[] = {c->lo998, c->hi998, c->lo95, c->hi95};
    double *px = malloc((c->nlimits + 1) * 2 * sizeof *px);
    for (size_t k = 0; px && k < 4; k++) {
        if (!limits[k]) continue;
        for (size_t i = 0; i < c->nlimits; i++) {
            px[i] = isfinite(c->limit_x[i]) && c->limit_x[i] <= sx.hi ? at(&sx, c->limit_x[i])
                                                                      : NAN;
            px[c->nlimits + i] = isfinite(limits[k][i]) && limits[k][i] >= sy.lo &&
                                         limits[k][i] <= sy.hi
                                     ? at(&sy, limits[k][i])
                                     : NAN;
        }
        path(d, px, px + c->nlimits, c->nlimits, INK, k < 2 ? 1 : 0.75, k >= 2);
    }
    if (!px && c->nlimits) d->oom = 1;
    free(px);
    for (size_t i = 0; i < c->n; i++) {
        dsms_bench b = c->bench ? c->bench[i] : DSMS_BENCH_NONE;
        if (b == DSMS_BENCH_SUPPRESSED || !isfinite(c->x[i]) || !isfinite(c->y[i])) continue;
        dot(d, at(&sx, c->x[i]), at(&sy, c->y[i]), 3.5, dsms_bench_colour(b), INK);
    }
    dsms_bench used[8];
    size_t nused = benches_used(c->bench, c->n, used);
    d->height = legend(d, used, nused, y1 + 3 * FONT + 12) + MARGIN;
    char alt[1024];
    size_t o = (size_t)snprintf(alt, sizeof alt,
                                "%s: %zu places by %s against %s, around %g, with control "
                                "limits at 95%% (dashed) and 99.8%%",
                                d->title, c->n, c->x_label ? c->x_label : "",
                                c->unit ? c->unit : "", c->benchmark);
    for (size_t k = 0; k < nused && o < sizeof alt; k++) {
        size_t count = 0;
        for (size_t i = 0; i < c->n; i++) count += c->bench[i] == used[k];
        o += (size_t)snprintf(alt + o, sizeof alt - o, "; %zu %s", count,
                              dsms_bench_label(used[k]));
    }
    return finish(d, alt, err);
}

/* ---- spine charts ------------------------------------------------------------------- */

/* Where v falls in a row of the spine, centred on England's value: from cx
 * half a width each way, the worst end to the left. */
typedef struct {
    double cx, half, england, spread, sign;
} spine_scale;

static spine_scale spine_of(const dsms_spine_row *r, double cx, double half)
{
    spine_scale s = {cx, half, r->england, 0, r->best >= r->worst ? 1 : -1};
    /* a suppressed figure does not widen the row: that would hint at it */
    const double ends[] = {r->worst, r->best,
                           r->bench == DSMS_BENCH_SUPPRESSED ? NAN : r->value};
    for (size_t i = 0; i < 3; i++)
        if (isfinite(ends[i])) s.spread = fmax(s.spread, fabs(ends[i] - r->england));
    if (!(s.spread > 0)) s.spread = 1;
    return s;
}

static double spine_at(const spine_scale *s, double v)
{
    return s->cx + s->sign * (v - s->england) / s->spread * s->half;
}

static void figure_text(char *buf, size_t n, double v)
{
    if (!isfinite(v)) snprintf(buf, n, "-");
    else snprintf(buf, n, fabs(v) >= 100 ? "%.0f" : "%.1f", v);
}

static void spine_row(dsms_drawing *d, const dsms_spine_row *r, double y, double row,
                      double cols[3], double cx, double half)
{
    char buf[32], label[256];
    double mid = y + row / 2;
    text(d, cols[0], mid + FONT / 3, DSMS_ANCHOR_START, FONT, 0,
         fit(r->label, FONT, cols[1] - cols[0] - 40, label, sizeof label));
    int hidden = r->bench == DSMS_BENCH_SUPPRESSED;
    figure_text(buf, sizeof buf, r->value);
    text(d, cols[1], mid + FONT / 3, DSMS_ANCHOR_END, FONT, 0, hidden ? "*" : buf);
    figure_text(buf, sizeof buf, r->england);
    text(d, cols[2], mid + FONT / 3, DSMS_ANCHOR_END, FONT, 0, buf);
    /* England's figure is the row's middle: with none (withheld, or none
     * yet) there is nothing to place the others against */
    if (!isfinite(r->england)) return;
    spine_scale s = spine_of(r, cx, half);
    if (isfinite(r->worst) && isfinite(r->best)) {
        double a = spine_at(&s, r->worst), b = spine_at(&s, r->best);
        rect(d, fmin(a, b), y + 3, fabs(b - a), row - 6, 0xE6E6E6, DSMS_NONE);
    }
    if (isfinite(r->q25) && isfinite(r->q75)) {
        double a = spine_at(&s, r->q25), b = spine_at(&s, r->q75);
        rect(d, fmin(a, b), y + 3, fabs(b - a), row - 6, 0xAAAAAA, DSMS_NONE);
    }
    line(d, cx, y + 1, cx, y + row - 1, INK, 1.5, 0);
    if (!hidden && isfinite(r->value))
        dot(d, spine_at(&s, r->value), mid, row / 2 - 3, dsms_bench_colour(r->bench), INK);
}

int dsms_chart_spine(const dsms_spine_chart *c, double width, dsms_drawing *d, dsms_err *err)
{
    size_t shown = 0;
    for (size_t i = 0; i < c->n; i++) shown += isfinite(c->rows[i].england);
    if (!shown) return dsms_err_set(err, "a spine chart with no England figure to draw"), -1;
    if (begin(d, c->title, width, err)) return -1;
    double labels = 0;
    for (size_t i = 0; i < c->n; i++) labels = fmax(labels, text_width(c->rows[i].label, FONT));
    labels = fmin(labels, width * 0.4);
    double cols[3] = {MARGIN, MARGIN + labels + 56, MARGIN + labels + 112};
    double x0 = cols[2] + 12, x1 = width - MARGIN, half = (x1 - x0) / 2, cx = x0 + half;
    double row = FONT + 10, top = MARGIN + TITLE_FONT + 2 * FONT + 10;
    char area[256]; /* bold: fit() measures plain text, so narrower by the bold estimate */
    text(d, cols[1], top - 6, DSMS_ANCHOR_END, FONT, 1,
         fit(c->area ? c->area : "area", FONT, (cols[1] - MARGIN) * 0.55 / 0.62, area,
             sizeof area));
    text(d, cols[2], top - 6, DSMS_ANCHOR_END, FONT, 1, "England");
    text(d, x0, top - 6, DSMS_ANCHOR_START, FONT, 0, "worst");
    text(d, cx, top - 6, DSMS_ANCHOR_MIDDLE, FONT, 0, "England");
    text(d, x1, top - 6, DSMS_ANCHOR_END, FONT, 0, "best");
    for (size_t i = 0; i < c->n; i++)
        spine_row(d, &c->rows[i], top + row * (double)i, row, cols, cx, half);
    double y1 = top + row * (double)c->n;
    dsms_bench *each = malloc((c->n ? c->n : 1) * sizeof *each), used[8];
    size_t nused = 0;
    for (size_t i = 0; each && i < c->n; i++) each[i] = c->rows[i].bench;
    if (each) nused = benches_used(each, c->n, used);
    else d->oom = 1;
    free(each);
    d->height = legend(d, used, nused, y1 + FONT + 8) + MARGIN;
    char alt[2048];
    size_t o = (size_t)snprintf(alt, sizeof alt, "%s: %zu measures of %s against England",
                                d->title, c->n, c->area ? c->area : "the area");
    for (size_t i = 0; i < c->n && o < sizeof alt; i++) {
        const dsms_spine_row *r = &c->rows[i];
        char v[32], e[32];
        figure_text(v, sizeof v, r->value), figure_text(e, sizeof e, r->england);
        o += (size_t)snprintf(alt + o, sizeof alt - o, "; %s %s (England %s, %s)", r->label,
                              r->bench == DSMS_BENCH_SUPPRESSED ? "suppressed" : v, e,
                              dsms_bench_label(r->bench));
    }
    return finish(d, alt, err);
}

/* ---- population pyramids ------------------------------------------------------------ */

/* Each band's share of all the counts that are numbers (a suppressed band,
 * -1, counts in none), in percent: NaN for a suppressed band. */
static void shares(const double *men, const double *women, size_t n, double *out)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += (men[i] > 0 ? men[i] : 0) + (women[i] > 0 ? women[i] : 0);
    for (size_t i = 0; i < n; i++) {
        out[i] = men[i] < 0 || !(total > 0) ? NAN : men[i] / total * 100;
        out[n + i] = women[i] < 0 || !(total > 0) ? NAN : women[i] / total * 100;
    }
}

/* England's shares as a stepped outline on one side (sign -1 men, +1 women). */
static void outline(dsms_drawing *d, const double *share, size_t n, double cx, double per,
                    double sign, double bottom, double row)
{
    double *xy = malloc(4 * n * sizeof *xy);
    if (!xy) return (void)(d->oom = 1);
    for (size_t i = 0; i < n; i++) {
        double x = cx + sign * (isfinite(share[i]) ? share[i] : 0) * per;
        xy[2 * i] = xy[2 * i + 1] = x;
        xy[2 * n + 2 * i] = bottom - row * (double)i;
        xy[2 * n + 2 * i + 1] = bottom - row * (double)(i + 1);
    }
    path(d, xy, xy + 2 * n, 2 * n, INK, 1.25, 0);
    free(xy);
}

int dsms_chart_pyramid(const dsms_pyramid_chart *c, double width, dsms_drawing *d,
                       dsms_err *err)
{
    double *s = malloc((c->n ? c->n : 1) * 4 * sizeof *s);
    if (!s) return dsms_err_set(err, "out of memory laying out a chart"), -1;
    double *eng = s + 2 * c->n, most = 0;
    shares(c->men, c->women, c->n, s);
    if (c->england_men && c->england_women) shares(c->england_men, c->england_women, c->n, eng);
    else for (size_t i = 0; i < 2 * c->n; i++) eng[i] = NAN;
    for (size_t i = 0; i < 4 * c->n; i++)
        if (isfinite(s[i])) most = fmax(most, s[i]);
    if (!c->n || !(most > 0)) {
        free(s);
        return dsms_err_set(err, "a pyramid with no one to draw"), -1;
    }
    if (begin(d, c->title, width, err)) return free(s), -1;
    double row = FONT + 6, top = MARGIN + TITLE_FONT + 2 * FONT + 10, labels = 0;
    for (size_t i = 0; i < c->n; i++) labels = fmax(labels, text_width(c->bands[i], FONT));
    double x0 = MARGIN + labels + 8, x1 = width - MARGIN, cx = (x0 + x1) / 2;
    scale sx = scale_of(0, most, 0, 1, 4);
    double bottom = top + row * (double)c->n, per = (x1 - cx - 8) / sx.hi;
    text(d, cx - 8, top - 6, DSMS_ANCHOR_END, FONT, 1, "men");
    text(d, cx + 8, top - 6, DSMS_ANCHOR_START, FONT, 1, "women");
    for (size_t i = 0; i < c->n; i++) {
        double y = bottom - row * (double)(i + 1);
        text(d, MARGIN, y + row / 2 + FONT / 3, DSMS_ANCHOR_START, FONT, 0, c->bands[i]);
        for (int side = 0; side < 2; side++) {
            double v = s[(size_t)side * c->n + i], sign = side ? 1 : -1;
            if (isnan(v)) {
                text(d, cx + sign * 12, y + row / 2 + FONT / 3,
                     side ? DSMS_ANCHOR_START : DSMS_ANCHOR_END, FONT, 1, "*");
                continue;
            }
            double w = v * per;
            rect(d, side ? cx : cx - w, y + 1, w, row - 2, side ? 0xCC79A7 : 0x0072B2, DSMS_NONE);
        }
    }
    line(d, cx, top - 2, cx, bottom, INK, 1, 0);
    outline(d, eng, c->n, cx, per, -1, bottom, row);
    outline(d, eng + c->n, c->n, cx, per, 1, bottom, row);
    char buf[32];
    for (double v = sx.lo; v <= sx.hi + sx.step / 2; v += sx.step) {
        tick_label(v, sx.step, buf, sizeof buf);
        text(d, cx - v * per, bottom + FONT + 2, DSMS_ANCHOR_MIDDLE, FONT, 0, buf);
        if (v > 0) text(d, cx + v * per, bottom + FONT + 2, DSMS_ANCHOR_MIDDLE, FONT, 0, buf);
    }
    char note[128]; /* centred on the middle, within the drawing however narrow */
    text(d, cx, bottom + 2 * FONT + 6, DSMS_ANCHOR_MIDDLE, FONT, 0,
         fit("% of the area's people; the outline: England's", FONT,
             2 * fmin(cx, width - cx) - 2 * MARGIN, note, sizeof note));
    d->height = bottom + 2 * FONT + 6 + MARGIN;
    char alt[2048];
    size_t o = (size_t)snprintf(alt, sizeof alt, "%s: %s's people by age band and sex",
                                d->title, c->area ? c->area : "the area");
    for (size_t i = 0; i < c->n && o < sizeof alt; i++) {
        char m[32], w[32];
        snprintf(m, sizeof m, isnan(s[i]) ? "suppressed" : "%.1f%%", s[i]);
        snprintf(w, sizeof w, isnan(s[c->n + i]) ? "suppressed" : "%.1f%%", s[c->n + i]);
        o += (size_t)snprintf(alt + o, sizeof alt - o, "; %s men %s, women %s", c->bands[i], m,
                              w);
    }
    free(s);
    return finish(d, alt, err);
}

/* ---- small multiples ---------------------------------------------------------------- */

/* Copy sub's shapes into d, moved by (dx, dy). */
static void merge(dsms_drawing *d, const dsms_drawing *sub, double dx, double dy)
{
    for (size_t i = 0; i < sub->nshapes && !d->oom; i++) {
        const dsms_shape *from = &sub->shapes[i];
        if (from->kind == DSMS_SHAPE_PATH) {
            double *xy = malloc(2 * from->npoints * sizeof *xy);
            if (!xy) return (void)(d->oom = 1);
            for (size_t k = 0; k < from->npoints; k++)
                xy[k] = sub->points[from->first + k].x + dx,
                xy[from->npoints + k] = sub->points[from->first + k].y + dy;
            path(d, xy, xy + from->npoints, from->npoints, from->stroke, from->stroke_width,
                 from->dashed);
            free(xy);
            continue;
        }
        dsms_shape *to = shape(d, from->kind);
        if (!to) return;
        *to = *from;
        to->x += dx, to->y += dy, to->x2 += dx, to->y2 += dy;
        to->text = to->tip = to->href = NULL; /* each drawing owns its own */
        if ((from->text && !(to->text = strdup(from->text))) ||
            (from->tip && !(to->tip = strdup(from->tip))) ||
            (from->href && !(to->href = strdup(from->href))))
            d->oom = 1;
    }
}

int dsms_chart_multiples(const dsms_multiples_chart *c, double width, dsms_drawing *d,
                         dsms_err *err)
{
    size_t columns = c->columns ? c->columns : 1;
    if (!c->n) return dsms_err_set(err, "small multiples with no panel"), -1;
    if (begin(d, c->title, width, err)) return -1;
    double pw = (width - MARGIN) / (double)columns, top = MARGIN + TITLE_FONT + 16, y = top;
    double row_height = 0;
    char alt[4096];
    size_t o = (size_t)snprintf(alt, sizeof alt, "%s: %zu small trends", d->title, c->n);
    for (size_t i = 0; i < c->n; i++) {
        dsms_drawing sub;
        dsms_err why = {""};
        if (i % columns == 0 && i) y += row_height, row_height = 0;
        if (dsms_chart_trend(&c->panels[i], pw, &sub, &why)) {
            if (strstr(why.msg, "out of memory")) d->oom = 1;
            char name[256];
            text(d, MARGIN + pw * (double)(i % columns), y + TITLE_FONT, DSMS_ANCHOR_START,
                 FONT, 0, fit(c->panels[i].title, FONT, pw - 2 * MARGIN, name, sizeof name));
            text(d, MARGIN + pw * (double)(i % columns), y + 2 * TITLE_FONT + 4,
                 DSMS_ANCHOR_START, FONT, 0, "no figure to draw");
            row_height = fmax(row_height, 3 * TITLE_FONT);
            continue;
        }
        merge(d, &sub, pw * (double)(i % columns), y - MARGIN);
        row_height = fmax(row_height, sub.height);
        if (o < sizeof alt) o += (size_t)snprintf(alt + o, sizeof alt - o, "; %s", sub.alt);
        dsms_drawing_free(&sub);
    }
    d->height = y + row_height + MARGIN;
    return finish(d, alt, err);
}

/* ---- tile maps ---------------------------------------------------------------------- */

#define TILE 26.0     /* a tile's side */
#define TILE_GAP 2.0  /* between tiles */
#define TILE_FONT 8.0 /* a tile's label */
#define BLOCK_GAP 14.0 /* between groups' blocks, across */

/* A growing text (the text alternative of a tile map, which names every area). */
typedef struct {
    char *s;
    size_t n, cap;
    int oom;
} words;

static void say(words *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(words *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (w->oom || k < 0 || dsms_room_for((void **)&w->s, &w->cap, w->n + (size_t)k, 1, 256)) {
        w->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(w->s + w->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    w->n += (size_t)k;
}

/* WCAG's relative luminance of a colour. */
static double luminance(uint32_t c)
{
    double sum = 0;
    static const double weight[3] = {0.2126, 0.7152, 0.0722};
    for (int k = 0; k < 3; k++) {
        double v = (double)((c >> (16 - 8 * k)) & 0xFF) / 255.0;
        sum += weight[k] * (v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4));
    }
    return sum;
}

/* Black or white, whichever stands out more against fill: the lesser of the two is
 * at least 4.58 to 1 whatever the fill (a fill of luminance 0.18 gives that either
 * way), past the 4.5 that WCAG asks of small text. */
static uint32_t ink_on(uint32_t fill)
{
    double l = luminance(fill);
    return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? 0x000000 : 0xFFFFFF;
}

/* The last shape added, to set what the helpers above do not (or NULL, out of memory). */
static dsms_shape *last(dsms_drawing *d)
{
    return d->oom || !d->nshapes ? NULL : &d->shapes[d->nshapes - 1];
}

/* The last shape added given a tip and a link (copies; either may be NULL). */
static void tag(dsms_drawing *d, const char *tip, const char *href)
{
    dsms_shape *s = last(d);
    if (!s) return;
    if ((tip && !(s->tip = strdup(tip))) || (href && !(s->href = strdup(href)))) d->oom = 1;
}

/* A group of tiles: its name, how many, and its block as laid out: columns of tiles,
 * width and height (its heading and its grid). */
typedef struct {
    const char *name;
    size_t n, cols;
    double w, h;
} tile_group;

static const char *group_of(const dsms_tile *t)
{
    return t->group ? t->group : "";
}

/* The benchmarks in the order a reader takes them: the comparisons, then what has
 * none. */
static const dsms_bench tile_order[] = {DSMS_BENCH_BETTER, DSMS_BENCH_SIMILAR,
                                        DSMS_BENCH_WORSE,  DSMS_BENCH_HIGHER,
                                        DSMS_BENCH_LOWER,  DSMS_BENCH_NONE,
                                        DSMS_BENCH_SUPPRESSED};

/* The groups of c's tiles in the order they first come, each laid out as a block
 * no wider than avail: a grid about square, but as wide as its heading if it has
 * the tiles for that. How many groups. */
static size_t tile_groups(const dsms_tilemap_chart *c, double avail, tile_group *g)
{
    size_t ng = 0;
    for (size_t i = 0; i < c->n; i++) {
        size_t k = 0;
        while (k < ng && strcmp(g[k].name, group_of(&c->tiles[i])) != 0) k++;
        if (k == ng) g[ng++] = (tile_group){.name = group_of(&c->tiles[i])};
        g[k].n++;
    }
    double pitch = TILE + TILE_GAP;
    size_t most = (size_t)fmax(1, floor((avail + TILE_GAP) / pitch));
    for (size_t k = 0; k < ng; k++) {
        double head = text_width(g[k].name, FONT) * 0.62 / 0.55; /* bold */
        size_t cols = (size_t)ceil(sqrt((double)g[k].n));
        size_t wide = (size_t)ceil((head + TILE_GAP) / pitch);
        if (wide > cols) cols = wide;
        if (cols > g[k].n) cols = g[k].n;
        if (cols > most) cols = most;
        size_t rows = (g[k].n + cols - 1) / cols;
        g[k].cols = cols;
        g[k].w = fmin(avail, fmax((double)cols * pitch - TILE_GAP, head));
        g[k].h = FONT + 4 + (double)rows * pitch - TILE_GAP;
    }
    return ng;
}

/* What a tile's tip says: "name: figure (benchmark)", or that it is suppressed (its
 * figure never said); malloc'd, or NULL when out of memory. */
static char *tile_tip(const dsms_tile *t)
{
    const char *name = t->name ? t->name : t->code ? t->code : "";
    char v[32];
    figure_text(v, sizeof v, t->value);
    const char *fmt = t->bench == DSMS_BENCH_SUPPRESSED ? "%s: %s" : "%s: %s (%s)";
    const char *fig = t->bench == DSMS_BENCH_SUPPRESSED ? dsms_bench_label(t->bench)
                      : isfinite(t->value)              ? v
                                                        : "no figure";
    int k = snprintf(NULL, 0, fmt, name, fig, dsms_bench_label(t->bench));
    char *tip = k < 0 ? NULL : malloc((size_t)k + 1);
    if (tip) snprintf(tip, (size_t)k + 1, fmt, name, fig, dsms_bench_label(t->bench));
    return tip;
}

/* A tile at (x, y): filled in its benchmark's colour, or an outlined gap and "*" when
 * suppressed; its label in black or white, whichever reads against the fill; its tip
 * and link on each of its shapes, so that SVG makes them one. */
static void tile(dsms_drawing *d, const dsms_tile *t, double x, double y)
{
    int hidden = t->bench == DSMS_BENCH_SUPPRESSED;
    uint32_t fill = hidden ? DSMS_NONE : dsms_bench_colour(t->bench);
    char *tip = tile_tip(t);
    if (!tip) d->oom = 1;
    rect(d, x, y, TILE, TILE, fill, INK);
    dsms_shape *s = last(d);
    if (s) s->stroke_width = hidden ? 1 : 0.5;
    tag(d, tip, t->href);
    if (t->label && *t->label) {
        char cut[64]; /* bold: fit() measures plain text, so narrower by the bold estimate */
        text(d, x + TILE / 2, y + TILE / 2 + TILE_FONT / 3, DSMS_ANCHOR_MIDDLE, TILE_FONT, 1,
             fit(t->label, TILE_FONT, (TILE - 4) * 0.55 / 0.62, cut, sizeof cut));
        if ((s = last(d))) s->fill = ink_on(hidden ? 0xFFFFFF : fill);
        tag(d, tip, t->href);
    }
    if (hidden) {
        text(d, x + TILE - 3, y + TILE_FONT + 1, DSMS_ANCHOR_END, TILE_FONT, 1, "*");
        tag(d, tip, t->href);
    }
    free(tip);
}

/* The text alternative: how many areas, then for each group how many of each
 * benchmark, naming them, so that it says what the picture shows. */
static void tile_alt(const dsms_tilemap_chart *c, const char *title, const tile_group *g,
                     size_t ng, words *w)
{
    say(w, "%s: %zu areas in %zu groups, each a tile in its benchmark's colour", title,
        c->n, ng);
    for (size_t k = 0; k < ng; k++) {
        say(w, ". %s, %zu %s:", g[k].name, g[k].n, g[k].n == 1 ? "area" : "areas");
        int first = 1;
        for (size_t b = 0; b < sizeof tile_order / sizeof *tile_order; b++) {
            size_t count = 0;
            for (size_t i = 0; i < c->n; i++)
                count += c->tiles[i].bench == tile_order[b] &&
                         strcmp(group_of(&c->tiles[i]), g[k].name) == 0;
            if (!count) continue;
            say(w, "%s %zu %s: ", first ? "" : ";", count, dsms_bench_label(tile_order[b]));
            size_t said = 0;
            for (size_t i = 0; i < c->n; i++) {
                const dsms_tile *t = &c->tiles[i];
                if (t->bench != tile_order[b] || strcmp(group_of(t), g[k].name) != 0) continue;
                say(w, "%s%s", said++ ? ", " : "", t->name ? t->name : t->code ? t->code : "");
            }
            first = 0;
        }
    }
    say(w, ".");
}

int dsms_chart_tilemap(const dsms_tilemap_chart *c, double width, dsms_drawing *d,
                       dsms_err *err)
{
    if (!c->n || !c->tiles) return dsms_err_set(err, "a tile map with no area to draw"), -1;
    tile_group *g = malloc(c->n * sizeof *g);
    if (!g) return dsms_err_set(err, "out of memory laying out a chart"), -1;
    double avail = width - 2 * MARGIN, pitch = TILE + TILE_GAP;
    size_t ng = tile_groups(c, avail, g);
    if (begin(d, c->title, width, err)) return free(g), -1;
    double top = MARGIN + TITLE_FONT + 10, x = MARGIN, y = top, row_h = 0;
    for (size_t k = 0; k < ng; k++) {
        /* a block that would pass the edge starts the next row (unless it is the first
         * on its row: it was made no wider than the room) */
        if (x > MARGIN && x + g[k].w > width - MARGIN + 1e-9)
            x = MARGIN, y += row_h + FONT + 4, row_h = 0;
        char head[256];
        text(d, x, y + FONT, DSMS_ANCHOR_START, FONT, 1,
             fit(g[k].name, FONT, g[k].w * 0.55 / 0.62, head, sizeof head));
        size_t at_ = 0;
        for (size_t i = 0; i < c->n; i++) {
            if (strcmp(group_of(&c->tiles[i]), g[k].name) != 0) continue;
            tile(d, &c->tiles[i], x + (double)(at_ % g[k].cols) * pitch,
                 y + FONT + 4 + (double)(at_ / g[k].cols) * pitch);
            at_++;
        }
        x += g[k].w + BLOCK_GAP;
        row_h = fmax(row_h, g[k].h);
    }
    dsms_bench present[sizeof tile_order / sizeof *tile_order];
    size_t npresent = 0;
    for (size_t b = 0; b < sizeof tile_order / sizeof *tile_order; b++)
        for (size_t i = 0; i < c->n; i++)
            if (c->tiles[i].bench == tile_order[b]) {
                present[npresent++] = tile_order[b];
                break;
            }
    d->height = legend(d, present, npresent, y + row_h + FONT + 10) + MARGIN;
    words alt = {0};
    tile_alt(c, d->title, g, ng, &alt);
    free(g);
    if (alt.oom) d->oom = 1;
    int rc = finish(d, alt.s ? alt.s : "", err);
    free(alt.s);
    return rc;
}
