/* report_build.h — the kinds of report, each built by its own file
 * (report_build.c: national; report_local.c: area, partnership, provider;
 * report_review.c: the annual review), from one reading of the store. */
#ifndef DSMS_REPORT_BUILD_H
#define DSMS_REPORT_BUILD_H

#include "dsms/report.h"
#include "report_data.h"

/* The national framework's id the request names, or the default. */
const char *rp_framework_id(const dsms_report_request *q);

/* The report's title and subtitle, once its code is checked: 0, or -1 with
 * err set for a code that names no such place or organisation, or a
 * request that cannot be met (a provider's report in public). */
int rp_titles(const rp_data *d, const dsms_report_request *q, char *title, size_t tn,
              char *subtitle, size_t sn, dsms_err *err);

/* Each kind's sections into r (0, or -1 with err set). */
int rp_area_report(const rp_data *d, const dsms_report_request *q, dsms_report *r,
                   dsms_err *err);
int rp_partnership_report(const rp_data *d, const dsms_report_request *q, dsms_report *r,
                          dsms_err *err);
int rp_provider_report(const rp_data *d, const dsms_report_request *q, dsms_report *r,
                       dsms_err *err);
int rp_review_report(const rp_data *d, const dsms_report_request *q, dsms_report *r,
                     dsms_err *err);
/* report_pages.c: the dashboard's views of one measure, of the definitions
 * and of the national framework (reports too: dsms report measure ID). */
int rp_measure_page(const rp_data *d, const dsms_report_request *q, dsms_report *r,
                    dsms_err *err);
int rp_definitions_page(const rp_data *d, const dsms_report_request *q, dsms_report *r,
                        dsms_err *err);
int rp_framework_page(const rp_data *d, const dsms_report_request *q, dsms_report *r,
                      dsms_err *err);

#endif
