/* dsms/web.h — the dashboard: the pages and files `dsms serve` answers
 * outside /api (docs/dashboard.md).
 *
 * Every page is made on the server, so that it reads whole before (and
 * without) its script: a view is a report (dsms/report.h) built for the
 * person asking, from the results as the API shows them to that person
 * (the public's disclosure-controlled; an area's or provider's account
 * its own places unsuppressed; the national role every figure), and
 * written as HTML with its charts as inline SVG, the same drawings as the
 * reports'. The script (web/dsms.js) only adds: sorting tables, uploading
 * with progress. Styles and script are built into the program
 * (dsms/assets.h) and served under /static/; nothing is fetched from
 * elsewhere, and the Content-Security-Policy allows no inline script. */
#ifndef DSMS_WEB_H
#define DSMS_WEB_H

#include "dsms/api.h"
#include "dsms/store.h"

/* What the pages keep between requests (the server's, shared by its
 * threads): the public's reading of the results, until they are computed
 * again. NULL when out of memory. */
typedef struct dsms_web dsms_web;
dsms_web *dsms_web_new(void);
void dsms_web_free(dsms_web *w);

/* Read the public's results of the latest year ahead of the first page
 * that needs them (at start, and after each computation), through st. 0,
 * or -1 with err set (no results yet: nothing to read). */
int dsms_web_warm(dsms_web *w, dsms_store *st, dsms_err *err);

/* Answer a request for a page or file of the dashboard (a path not under
 * /api/), as dsms_api_handle answers the API's: resp is filled in whatever
 * happens. w may be NULL (nothing kept). 0, or -1 when not even an error
 * page could be written (resp is then a bare 500). */
int dsms_web_handle(dsms_web *w, dsms_store *st, const dsms_api_request *req,
                    dsms_api_response *resp);

#endif
