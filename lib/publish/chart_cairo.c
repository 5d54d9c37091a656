/* chart_cairo.c — a drawing drawn by cairo (dsms/chart.h): into a PDF page
 * the drawing's size in points, or a PNG image at a given scale, with the
 * shapes exactly as chart_svg.c writes them, in DejaVu Sans; and painted
 * onto a page of a report's PDF (chart_paint.h). */
#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <math.h>

#include "chart_paint.h"

static void colour(cairo_t *cr, uint32_t c)
{
    cairo_set_source_rgb(cr, ((c >> 16) & 0xFF) / 255.0, ((c >> 8) & 0xFF) / 255.0,
                         (c & 0xFF) / 255.0);
}

/* Fill, then stroke, the current path, as the shape says. */
static void finish(cairo_t *cr, const dsms_shape *s)
{
    if (s->fill != DSMS_NONE) {
        colour(cr, s->fill);
        if (s->stroke != DSMS_NONE) cairo_fill_preserve(cr);
        else cairo_fill(cr);
    }
    if (s->stroke != DSMS_NONE) {
        static const double dash[] = {4, 3};
        colour(cr, s->stroke);
        cairo_set_line_width(cr, s->stroke_width);
        cairo_set_dash(cr, dash, s->dashed ? 2 : 0, 0);
        cairo_stroke(cr);
    }
    cairo_new_path(cr);
}

static void text(cairo_t *cr, const dsms_shape *s)
{
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           s->bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, s->size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s->text ? s->text : "", &e);
    double x = s->x - (s->anchor == DSMS_ANCHOR_MIDDLE ? e.x_advance / 2
                       : s->anchor == DSMS_ANCHOR_END  ? e.x_advance
                                                       : 0);
    colour(cr, s->fill == DSMS_NONE ? 0 : s->fill);
    cairo_move_to(cr, x, s->y);
    cairo_show_text(cr, s->text ? s->text : "");
    cairo_new_path(cr);
}

void dsms_chart_paint(cairo_t *cr, const dsms_drawing *d)
{
    cairo_save(cr);
    colour(cr, 0xFFFFFF);
    cairo_rectangle(cr, 0, 0, d->width, d->height);
    cairo_fill(cr);
    for (size_t i = 0; i < d->nshapes; i++) {
        const dsms_shape *s = &d->shapes[i];
        switch (s->kind) {
        case DSMS_SHAPE_RECT: cairo_rectangle(cr, s->x, s->y, s->w, s->h); break;
        case DSMS_SHAPE_LINE:
            cairo_move_to(cr, s->x, s->y);
            cairo_line_to(cr, s->x2, s->y2);
            break;
        case DSMS_SHAPE_DOT: cairo_arc(cr, s->x, s->y, s->r, 0, 2 * M_PI); break;
        case DSMS_SHAPE_PATH:
            for (size_t k = 0; k < s->npoints; k++)
                (k ? cairo_line_to : cairo_move_to)(cr, d->points[s->first + k].x,
                                                    d->points[s->first + k].y);
            break;
        case DSMS_SHAPE_TEXT: text(cr, s); continue;
        }
        finish(cr, s);
    }
    cairo_restore(cr);
}

int dsms_chart_cairo(const dsms_drawing *d, const char *path, int pdf, double scale,
                     dsms_err *err)
{
    if (!(scale > 0 && scale <= 8)) scale = 1;
    cairo_surface_t *sf =
        pdf ? cairo_pdf_surface_create(path, d->width, d->height)
            : cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(d->width * scale),
                                         (int)ceil(d->height * scale));
    cairo_t *cr = cairo_create(sf);
    if (!pdf) cairo_scale(cr, scale, scale);
    if (pdf) cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, d->title);
    dsms_chart_paint(cr, d);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    if (!st && !pdf) st = cairo_surface_write_to_png(sf, path);
    cairo_surface_finish(sf);
    if (!st) st = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
    if (!st) return 0;
    dsms_err_set(err, "%s: cannot draw the chart: %s", path, cairo_status_to_string(st));
    return -1;
}

void dsms_chart_fonts_release(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}
