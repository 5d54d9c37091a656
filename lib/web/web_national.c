/* web_national.c — the national team's page: England's report with every
 * figure (the framework's statuses and trajectories, the areas furthest
 * below expected), then what only the national role sees: submissions
 * received from each organisation by month (who is late), the accounts,
 * and the latest of the audit record. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsms/store.h"
#include "web_int.h"

enum { MONTHS = 12, AUDIT_SHOWN = 50, ORGS = 2048 };

typedef struct {
    char code[16];
    char last[11];
    int per[MONTHS];
} org_row;

typedef struct {
    char month[MONTHS][24]; /* "2026-01", oldest first */
    org_row *orgs;
    size_t n;
} received;

static int take_submission(void *ctx, const dsms_submission *s)
{
    received *rv = ctx;
    size_t i = 0;
    while (i < rv->n && strcmp(rv->orgs[i].code, s->source ? s->source : "") != 0) i++;
    if (i == rv->n) {
        if (rv->n == ORGS) return 0;
        snprintf(rv->orgs[rv->n++].code, sizeof rv->orgs[0].code, "%s", s->source ? s->source : "");
    }
    org_row *o = &rv->orgs[i];
    if (s->received_at && strncmp(s->received_at, o->last, 10) > 0)
        snprintf(o->last, sizeof o->last, "%.10s", s->received_at);
    for (size_t m = 0; m < MONTHS && s->received_at; m++)
        if (strncmp(s->received_at, rv->month[m], 7) == 0) o->per[m]++;
    return 0;
}

static int by_code(const void *a, const void *b)
{
    return strcmp(((const org_row *)a)->code, ((const org_row *)b)->code);
}

static void received_table(web_call *c, FILE *f)
{
    received rv = {0};
    rv.orgs = calloc(ORGS, sizeof *rv.orgs);
    if (!rv.orgs) return;
    time_t now = (time_t)c->req->now;
    struct tm tm;
    gmtime_r(&now, &tm);
    int y = tm.tm_year + 1900, m = tm.tm_mon + 1;
    for (int k = MONTHS - 1; k >= 0; k--) {
        snprintf(rv.month[k], sizeof rv.month[k], "%04d-%02d", y % 10000, m);
        if (--m == 0) m = 12, y--;
    }
    dsms_err err = {""};
    dsms_store_each_submission(c->st, take_submission, &rv, &err);
    qsort(rv.orgs, rv.n, sizeof *rv.orgs, by_code);
    fputs("<section id=\"received\" aria-labelledby=\"received-h\"><h2 id=\"received-h\">"
          "Submissions received</h2>\n<p>Each organisation's submissions in each of the last "
          "twelve months. An organisation with none this month or last is marked late.</p>\n"
          "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-labelledby=\"rcv-cap\">"
          "<table class=\"sortable\">\n<caption id=\"rcv-cap\">Submissions by organisation and "
          "month</caption>\n<thead><tr><th scope=\"col\">Organisation</th>", f);
    for (size_t k = 0; k < MONTHS; k++) fprintf(f, "<th scope=\"col\" class=\"num\">%s</th>",
                                                rv.month[k]);
    fputs("<th scope=\"col\">Last received</th><th scope=\"col\">Late</th></tr></thead>\n"
          "<tbody>\n", f);
    for (size_t i = 0; i < rv.n; i++) {
        const org_row *o = &rv.orgs[i];
        int late = o->per[MONTHS - 1] == 0 && o->per[MONTHS - 2] == 0;
        fputs("<tr><th scope=\"row\"><a href=\"/provider/", f);
        web_esc(f, o->code);
        fputs("\">", f);
        web_esc(f, o->code);
        fputs("</a></th>", f);
        for (size_t k = 0; k < MONTHS; k++) fprintf(f, "<td class=\"num\">%d</td>", o->per[k]);
        fputs("<td>", f);
        web_esc(f, o->last);
        fprintf(f, "</td><td>%s</td></tr>\n", late ? "<strong class=\"late\">late</strong>" : "");
    }
    fputs("</tbody>\n</table></div>\n</section>\n", f);
    free(rv.orgs);
}

static int account_row(void *ctx, const dsms_account *a)
{
    FILE *f = ctx;
    fputs("<tr><th scope=\"row\">", f);
    web_esc(f, a->name);
    fputs("</th><td>", f);
    web_esc(f, a->role);
    fputs("</td><td>", f);
    web_esc(f, a->scope);
    fputs("</td><td>", f);
    web_esc(f, a->created_at);
    fprintf(f, "</td><td>%s</td><td class=\"num\">%ld</td></tr>\n", a->locked ? "locked" : "",
            a->tokens);
    return 0;
}

static void accounts_table(web_call *c, FILE *f)
{
    fputs("<section id=\"users\" aria-labelledby=\"users-h\"><h2 id=\"users-h\">Accounts</h2>\n"
          "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-labelledby=\"usr-cap\">"
          "<table class=\"sortable\">\n<caption id=\"usr-cap\">Accounts and their roles</caption>"
          "\n<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Role</th><th scope=\"col\">"
          "Bound to</th><th scope=\"col\">Created</th><th scope=\"col\">Locked</th>"
          "<th scope=\"col\" class=\"num\">API tokens</th></tr></thead>\n<tbody>\n", f);
    dsms_err err = {""};
    dsms_account_each(c->st, NULL, account_row, f, &err);
    fputs("</tbody>\n</table></div>\n<p>Accounts are made and changed with "
          "<code>dsms user</code>.</p>\n</section>\n", f);
}

typedef struct {
    dsms_audit_entry e;
    char at[32], actor[64], action[32], detail[200], origin[48];
} audit_line;

typedef struct {
    audit_line ring[AUDIT_SHOWN];
    size_t n;
} audit_tail;

static int take_event(void *ctx, const dsms_audit_entry *e)
{
    audit_tail *t = ctx;
    audit_line *l = &t->ring[t->n++ % AUDIT_SHOWN];
    snprintf(l->at, sizeof l->at, "%s", e->at ? e->at : "");
    snprintf(l->actor, sizeof l->actor, "%s", e->actor ? e->actor : "");
    snprintf(l->action, sizeof l->action, "%s", e->action ? e->action : "");
    snprintf(l->detail, sizeof l->detail, "%s", e->detail ? e->detail : "");
    snprintf(l->origin, sizeof l->origin, "%s", e->origin ? e->origin : "");
    return 0;
}

static void audit_table(web_call *c, FILE *f)
{
    audit_tail *t = calloc(1, sizeof *t);
    if (!t) return;
    dsms_err err = {""};
    dsms_audit_each(c->st, NULL, NULL, take_event, t, &err);
    fprintf(f, "<section id=\"audit\" aria-labelledby=\"audit-h\"><h2 id=\"audit-h\">"
               "The audit record</h2>\n<p>The latest %zu of %zu events, newest first "
               "(<code>dsms audit</code> and GET /api/v1/audit give them all).</p>\n"
               "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" "
               "aria-labelledby=\"aud-cap\"><table>\n<caption id=\"aud-cap\">Latest events"
               "</caption>\n<thead><tr><th scope=\"col\">When</th><th scope=\"col\">Who</th>"
               "<th scope=\"col\">What</th><th scope=\"col\">Detail</th><th scope=\"col\">From"
               "</th></tr></thead>\n<tbody>\n",
            t->n < AUDIT_SHOWN ? t->n : (size_t)AUDIT_SHOWN, t->n);
    for (size_t k = 0; k < t->n && k < AUDIT_SHOWN; k++) {
        const audit_line *l = &t->ring[(t->n - 1 - k) % AUDIT_SHOWN];
        const char *cells[] = {l->at, l->actor, l->action, l->detail, l->origin};
        fputs("<tr>", f);
        for (size_t i = 0; i < 5; i++) {
            fputs("<td>", f);
            web_esc(f, cells[i]);
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table></div>\n</section>\n", f);
    free(t);
}

static void national_extra(web_call *c, FILE *f, void *ctx)
{
    (void)ctx;
    received_table(c, f);
    accounts_table(c, f);
    audit_table(c, f);
}

int web_national_page(web_call *c)
{
    if (c->p.role == DSMS_ROLE_PUBLIC) return web_redirect(c, "/login");
    if (c->p.role != DSMS_ROLE_NATIONAL)
        return web_error(c, 403, "This page is the national team's.");
    return web_report(c, DSMS_REPORT_NATIONAL, NULL, national_extra, NULL);
}
