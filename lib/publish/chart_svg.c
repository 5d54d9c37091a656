/* chart_svg.c — a drawing written as SVG (dsms/chart.h): one <svg> element
 * that fetches nothing from elsewhere (no fonts, no styles, no scripts),
 * with role="img", a <title> and a <desc> holding the text alternative, so
 * that a screen reader says what the chart shows. Colours and fonts are
 * attributes, never a style attribute or element, so that a page whose
 * Content-Security-Policy allows no inline style shows it whole. Shapes
 * with a tip or a link (a tile map's tiles) are written inside an <a> or a
 * <g> whose <title> is the tip. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/chart.h"

typedef struct {
    char *s;
    size_t n, cap;
    int oom;
} out;

static void put(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(out *o, const char *fmt, ...)
{
    for (int tries = 0; !o->oom && tries < 2; tries++) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(o->s ? o->s + o->n : NULL, o->s ? o->cap - o->n : 0, fmt, ap);
        va_end(ap);
        if (k < 0) o->oom = 1;
        else if (o->s && (size_t)k < o->cap - o->n) {
            o->n += (size_t)k;
            return;
        } else {
            size_t cap = (o->cap + (size_t)k + 1) * 2;
            char *s = realloc(o->s, cap);
            if (!s) o->oom = 1;
            else o->s = s, o->cap = cap;
        }
    }
}

/* Text with &, <, >, " and ' written as entities. */
static void put_text(out *o, const char *t)
{
    for (; t && *t; t++) {
        switch (*t) {
        case '&': put(o, "&amp;"); break;
        case '<': put(o, "&lt;"); break;
        case '>': put(o, "&gt;"); break;
        case '"': put(o, "&quot;"); break;
        case '\'': put(o, "&#39;"); break;
        default: put(o, "%c", *t);
        }
    }
}

static void paint(out *o, const char *what, uint32_t c)
{
    if (c == DSMS_NONE) put(o, " %s=\"none\"", what);
    else put(o, " %s=\"#%06X\"", what, (unsigned)c);
}

static void stroke(out *o, const dsms_shape *s)
{
    paint(o, "stroke", s->stroke);
    if (s->stroke != DSMS_NONE) put(o, " stroke-width=\"%.2f\"", s->stroke_width);
    if (s->dashed) put(o, " stroke-dasharray=\"4 3\"");
}

static void shape(out *o, const dsms_drawing *d, const dsms_shape *s)
{
    static const char *const anchors[] = {"start", "middle", "end"};
    switch (s->kind) {
    case DSMS_SHAPE_RECT:
        put(o, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"", s->x, s->y, s->w,
            s->h);
        paint(o, "fill", s->fill);
        stroke(o, s);
        put(o, "/>\n");
        break;
    case DSMS_SHAPE_LINE:
        put(o, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"", s->x, s->y, s->x2, s->y2);
        stroke(o, s);
        put(o, "/>\n");
        break;
    case DSMS_SHAPE_DOT:
        put(o, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\"", s->x, s->y, s->r);
        paint(o, "fill", s->fill);
        stroke(o, s);
        put(o, "/>\n");
        break;
    case DSMS_SHAPE_TEXT:
        put(o, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"%.1f\" text-anchor=\"%s\"%s", s->x,
            s->y, s->size, anchors[s->anchor >= 0 && s->anchor <= 2 ? s->anchor : 0],
            s->bold ? " font-weight=\"bold\"" : "");
        paint(o, "fill", s->fill);
        put(o, ">");
        put_text(o, s->text);
        put(o, "</text>\n");
        break;
    case DSMS_SHAPE_PATH:
        put(o, "<polyline points=\"");
        for (size_t i = 0; i < s->npoints; i++)
            put(o, "%s%.2f,%.2f", i ? " " : "", d->points[s->first + i].x,
                d->points[s->first + i].y);
        put(o, "\" fill=\"none\"");
        stroke(o, s);
        put(o, "/>\n");
        break;
    }
}

static int same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Shapes from i that carry the tip and link of shape i (a tile, its label and its
 * "*"), written as one: a link (<a href>) when they lead somewhere, else a group,
 * named by the tip as a <title>, so that a pointer anywhere over them shows it and
 * a screen reader hears one name for one link. Where the next shape starts. */
static size_t tagged(out *o, const dsms_drawing *d, size_t i)
{
    const dsms_shape *s = &d->shapes[i];
    size_t end = i + 1;
    while (end < d->nshapes && same(d->shapes[end].tip, s->tip) &&
           same(d->shapes[end].href, s->href))
        end++;
    if (s->href) {
        put(o, "<a href=\"");
        put_text(o, s->href);
        put(o, "\">");
    } else put(o, "<g>");
    if (s->tip) {
        put(o, "<title>");
        put_text(o, s->tip);
        put(o, "</title>");
    }
    put(o, "\n");
    for (; i < end; i++) shape(o, d, &d->shapes[i]);
    put(o, s->href ? "</a>\n" : "</g>\n");
    return end;
}

char *dsms_chart_svg(const dsms_drawing *d, const char *id)
{
    out o = {0};
    if (!id) id = "chart";
    /* an image's parts are not its own to a screen reader: a drawing with links is a
     * group, so that they can be reached */
    int links = 0;
    for (size_t i = 0; i < d->nshapes && !links; i++) links = d->shapes[i].href != NULL;
    put(&o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"%s\" width=\"%.0fpt\""
        " height=\"%.0fpt\" viewBox=\"0 0 %.0f %.0f\""
        " font-family=\"DejaVu Sans, Verdana, sans-serif\""
        " aria-labelledby=\"",
        links ? "group" : "img", d->width, d->height, d->width, d->height);
    put_text(&o, id);
    put(&o, "-title\" aria-describedby=\"");
    put_text(&o, id);
    put(&o, "-desc\">\n<title id=\"");
    put_text(&o, id);
    put(&o, "-title\">");
    put_text(&o, d->title);
    put(&o, "</title>\n<desc id=\"");
    put_text(&o, id);
    put(&o, "-desc\">");
    put_text(&o, d->alt);
    put(&o, "</desc>\n<rect width=\"100%%\" height=\"100%%\" fill=\"#FFFFFF\"/>\n");
    for (size_t i = 0; i < d->nshapes;) {
        if (d->shapes[i].tip || d->shapes[i].href) i = tagged(&o, d, i);
        else shape(&o, d, &d->shapes[i++]);
    }
    put(&o, "</svg>\n");
    if (o.oom) {
        free(o.s);
        return NULL;
    }
    return o.s;
}
