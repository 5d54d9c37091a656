/* report_parts.h — the parts the reports share (report_parts.c): a place's
 * measures against England as a table and a spine chart, trends, a
 * framework's statuses, the quality of the submissions, and the notes. Each
 * adds to a section of the report; a chart with nothing to draw is left out
 * with a note saying so. */
#ifndef DSMS_REPORT_PARTS_H
#define DSMS_REPORT_PARTS_H

#include "report_data.h"

/* Width of a chart in points: the text width of an A4 page. */
#define RP_CHART_WIDTH 480.0

/* The chart dr laid out by a chart function (rc its return): into the
 * section, else a note that there was nothing to draw (what). */
void rp_place_chart(dsms_report *r, dsms_report_section *s, dsms_drawing *dr, int rc,
                    const char *what);
/* A new row of t for a result: its key, and the measure's title with its
 * unit in the first cell; NULL when out of memory. */
dsms_report_cell *rp_measure_row(dsms_report *r, dsms_report_table *t, const rp_row *row);
/* A table of the place's measures in domain (NULL: all), one row each:
 * value, limits, counts, England's value, the comparisons and the trend. */
void rp_measures_table(dsms_report *r, dsms_report_section *s, const rp_data *d,
                       const char *area, const char *domain, const char *caption);
/* The place's measures against the spread of England's areas. */
void rp_spine(dsms_report *r, dsms_report_section *s, const rp_data *d, const char *area);
/* One measure's trend over the years for the place (trajectory: one value a
 * year or NULL). */
void rp_trend(dsms_report *r, dsms_report_section *s, const rp_data *d, const dsms_measure *m,
              const char *area, const double *trajectory);
/* Small multiples of the headline measures' trends for the place. */
void rp_multiples(dsms_report *r, dsms_report_section *s, const rp_data *d, const char *area);
/* m for each region as bars, with England's line. */
void rp_region_bars(dsms_report *r, dsms_report_section *s, const rp_data *d,
                    const dsms_measure *m);
/* m for every area as a funnel plot around England's value, with the
 * areas outside the 99.8% limits named. */
void rp_funnel(dsms_report *r, dsms_report_section *s, const rp_data *d, const dsms_measure *m);

/* The loaded framework fw_id's statuses for a place, as `dsms framework
 * show` gives them, with a trend chart of each metric that has a target.
 * Counts of the statuses go into counts (indexed by dsms_status) when not
 * NULL. 0; 1 when the framework is not for the place (a paragraph says
 * so); -1 with err set when it is not loaded or on a store error. */
int rp_framework(dsms_report *r, dsms_report_section *s, const rp_data *d, const char *fw_id,
                 const char *area, int charts, size_t *counts, dsms_err *err);

/* Submissions received and rows quarantined, by kind of data, by reason
 * and by month (from the nsources sources given; all when none), and the
 * figures that are provisional or have incomplete history for place (NULL:
 * none). 0, or -1 with err set. */
int rp_quality(dsms_report *r, dsms_report_section *s, const rp_data *d,
               const char *const *sources, size_t nsources, const char *place, dsms_err *err);

/* The notes: the measures' definitions, sources and disclosure control. */
void rp_notes(dsms_report *r, const rp_data *d);

/* "rose from 12.0% to 14.5%" or "fell ..." or "was unchanged at ...": how
 * m's figure for area moved into the report's year, or "" when either year
 * has no figure. */
void rp_movement(const rp_data *d, const dsms_measure *m, const char *area, char *buf,
                 size_t n);

#endif
