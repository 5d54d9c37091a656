/* chart_paint.h — a drawing painted by cairo onto any surface, for the
 * publish stage's own use: a chart alone (chart_cairo.c) or on a page of a
 * report (report_pdf.c). */
#ifndef DSMS_CHART_PAINT_H
#define DSMS_CHART_PAINT_H

#include <cairo.h>

#include "dsms/chart.h"

/* Paint d on cr with its top left corner at cr's origin: a white ground of
 * the drawing's size, then its shapes in DejaVu Sans. cr's state is as it
 * was afterwards. */
void dsms_chart_paint(cairo_t *cr, const dsms_drawing *d);

#endif
