/* chart_svg.c — a drawing written as SVG (dsms/chart.h): one <svg> element
 * that fetches nothing from elsewhere (no fonts, no styles, no scripts),
 * with role="img", a <title> and a <desc> holding the text alternative, so
 * that a screen reader says what the chart shows. */
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

char *dsms_chart_svg(const dsms_drawing *d, const char *id)
{
    out o = {0};
    if (!id) id = "chart";
    put(&o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"%.0fpt\""
        " height=\"%.0fpt\" viewBox=\"0 0 %.0f %.0f\""
        " font-family=\"DejaVu Sans, Verdana, sans-serif\""
        " aria-labelledby=\"",
        d->width, d->height, d->width, d->height);
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
    for (size_t i = 0; i < d->nshapes; i++) shape(&o, d, &d->shapes[i]);
    put(&o, "</svg>\n");
    if (o.oom) {
        free(o.s);
        return NULL;
    }
    return o.s;
}
