/* web_int.h — what the dashboard's files share, internal to libdsms: one
 * request being answered, the page around a view, and the views. */
#ifndef DSMS_WEB_INT_H
#define DSMS_WEB_INT_H

#include <stdio.h>

#include "dsms/accounts.h"
#include "dsms/report.h"
#include "dsms/web.h"

typedef struct {
    dsms_web *w;
    dsms_store *st;
    const dsms_api_request *req;
    dsms_api_response *resp;
    dsms_principal p;            /* who asks: the public unless a live session says */
    char csrf[DSMS_TOKEN_TEXT];  /* the session's token, for its forms and script */
    const char *period;          /* ?period=, checked, or NULL */
    int csv;                     /* ?format=csv: the view's tables, to download */
} web_call;

/* A query parameter's value, or NULL. */
const char *web_q(const web_call *c, const char *name);

/* Answers: each fills in c->resp and returns 0 (-1: out of memory, a bare
 * 500). An error page says what was wrong, in the page's frame. */
int web_error(web_call *c, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int web_redirect(web_call *c, const char *location);
/* Send the memory stream's text (taken) as the answer. */
int web_send(web_call *c, int status, const char *type, char *body, size_t len);

/* A page: web_begin opens it (its head, the skip link, the site's header
 * and navigation, <main>) on a memory stream; web_end closes it and sends
 * it. title is the page's (escaped here). */
typedef struct {
    FILE *f;
    char *buf;
    size_t len;
} web_page;
int web_begin(web_call *c, web_page *pg, const char *title);
int web_end(web_call *c, web_page *pg);
/* Text as HTML, safe in an element and a quoted attribute. */
void web_esc(FILE *f, const char *s);

/* What a view adds to its report: HTML before the report's sections (a
 * form, links), and sections after them, in the document, so that they are
 * in its contents and its CSV. Either may be NULL. */
typedef struct {
    void (*before)(web_call *c, FILE *f, void *ctx);
    void (*more)(web_call *c, dsms_report *r, void *ctx);
    void *ctx;
} web_hooks;

/* A view that is a report: built for the caller (public, or as its role
 * sees the figures), as a page or, with ?format=csv, its tables as CSV.
 * h may be NULL. */
int web_report(web_call *c, dsms_report_kind kind, const char *code, const web_hooks *h);

/* The views of accounts (web_account.c): logging in and out, and the
 * provider's, the partnership's, the national team's and a submission's
 * pages. Each returns as web_send. */
int web_login_page(web_call *c);
int web_login(web_call *c);
int web_logout(web_call *c);
int web_provider_page(web_call *c, const char *code);
int web_submission_page(web_call *c, const char *id);
int web_partnership_page(web_call *c, const char *id);
int web_national_page(web_call *c);
int web_download(web_call *c, const char *kind, const char *code, const char *format);
/* The alerts sections (web_alerts.c): every alert not closed (the national
 * team's page); the issued ones that concern a partnership's areas, or a
 * provider's area. */
void web_alerts_all(web_call *c, dsms_report *r);
/* A line for the top of the national team's page: how many alerts are open. */
void web_alerts_banner(web_call *c, FILE *f);
void web_alerts_partnership(web_call *c, dsms_report *r, const char *id);
void web_alerts_provider(web_call *c, dsms_report *r, const char *code);
/* Where an account goes once logged in ("/national", "/provider/X" ...). */
void web_home(web_call *c, char *buf, size_t n);

#endif
