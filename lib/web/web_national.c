/* web_national.c — the national team's page: England's report with every
 * figure (the framework's statuses and trajectories, the areas furthest
 * below expected), then what only the national role sees: submissions
 * received from each organisation by month (who is late), the accounts,
 * and the latest of the audit record. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsms/refdata.h"
#include "dsms/store.h"
#include "web_int.h"

enum { MONTHS = 6, AUDIT_SHOWN = 50 };

/* An organisation that submits: its code, name and kind, its latest
 * submission and how many it made in each month shown. */
typedef struct {
    const char *code, *name, *kind;
    char last[11];
    int per[MONTHS];
} org_row;

typedef struct {
    char month[MONTHS][24]; /* "2026-01", oldest first */
    org_row *orgs;          /* by code */
    size_t n;
} received;

static int by_code(const void *a, const void *b)
{
    return strcmp(((const org_row *)a)->code, ((const org_row *)b)->code);
}

static int take_submission(void *ctx, const dsms_submission *s)
{
    received *rv = ctx;
    org_row key = {.code = s->source ? s->source : ""};
    org_row *o = bsearch(&key, rv->orgs, rv->n, sizeof *rv->orgs, by_code);
    if (!o || !s->received_at) return 0;
    if (strncmp(s->received_at, o->last, 10) > 0)
        snprintf(o->last, sizeof o->last, "%.10s", s->received_at);
    for (size_t m = 0; m < MONTHS; m++)
        if (strncmp(s->received_at, rv->month[m], 7) == 0) o->per[m]++;
    return 0;
}

/* Every organisation the reference data says submits: providers, prisons,
 * police forces and probation regions. */
static int organisations(received *rv, const dsms_refdata *ref)
{
    size_t n = ref->nproviders + ref->nprisons + ref->nforces + ref->nprobation;
    rv->orgs = calloc(n ? n : 1, sizeof *rv->orgs);
    if (!rv->orgs) return -1;
    for (size_t i = 0; i < ref->nproviders; i++)
        rv->orgs[rv->n++] = (org_row){.code = ref->providers[i].code,
                                      .name = ref->providers[i].name, .kind = "provider"};
    for (size_t i = 0; i < ref->nprisons; i++)
        rv->orgs[rv->n++] = (org_row){.code = ref->prisons[i].code, .name = ref->prisons[i].name,
                                      .kind = "prison"};
    for (size_t i = 0; i < ref->nforces; i++)
        rv->orgs[rv->n++] = (org_row){.code = ref->forces[i].code, .name = ref->forces[i].name,
                                      .kind = "police force"};
    for (size_t i = 0; i < ref->nprobation; i++)
        rv->orgs[rv->n++] = (org_row){.code = ref->probation[i].code,
                                      .name = ref->probation[i].name, .kind = "probation"};
    qsort(rv->orgs, rv->n, sizeof *rv->orgs, by_code);
    return 0;
}

static void months_to(received *rv, int64_t now)
{
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    int y = tm.tm_year + 1900, m = tm.tm_mon + 1;
    for (int k = MONTHS - 1; k >= 0; k--) {
        snprintf(rv->month[k], sizeof rv->month[k], "%04d-%02d", y % 10000, m);
        if (--m == 0) m = 12, y--;
    }
}

static void received_table(web_call *c, FILE *f)
{
    received rv = {0};
    dsms_refdata ref = {0};
    dsms_err err = {""};
    if (dsms_refdata_fetch(&ref, c->st, &err) != 0 || organisations(&rv, &ref) != 0) {
        dsms_refdata_free(&ref);
        return;
    }
    months_to(&rv, c->req->now);
    dsms_store_each_submission(c->st, take_submission, &rv, &err);
    size_t late = 0;
    for (size_t i = 0; i < rv.n; i++)
        late += rv.orgs[i].per[MONTHS - 1] == 0 && rv.orgs[i].per[MONTHS - 2] == 0;
    fprintf(f, "<section id=\"received\" aria-labelledby=\"received-h\"><h2 id=\"received-h\">"
               "Submissions received</h2>\n<p>Each organisation's submissions in each of the "
               "last %d months. %zu of %zu organisations have sent none this month or last: "
               "they are marked late.</p>\n"
               "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" "
               "aria-labelledby=\"rcv-cap\"><table class=\"received\">\n<caption id=\"rcv-cap\">"
               "Submissions by organisation and month</caption>\n<thead><tr>"
               "<th scope=\"col\">Organisation</th><th scope=\"col\">Kind</th>",
            MONTHS, late, rv.n);
    for (size_t k = 0; k < MONTHS; k++)
        fprintf(f, "<th scope=\"col\" class=\"num\">%s</th>", rv.month[k]);
    fputs("<th scope=\"col\">Last received</th><th scope=\"col\">Late</th></tr></thead>\n"
          "<tbody>\n", f);
    for (size_t i = 0; i < rv.n; i++) {
        const org_row *o = &rv.orgs[i];
        fputs("<tr><th scope=\"row\">", f);
        if (strcmp(o->kind, "provider") == 0) {
            fputs("<a href=\"/provider/", f);
            web_esc(f, o->code);
            fputs("\">", f);
        }
        web_esc(f, o->name);
        fputs(" (", f);
        web_esc(f, o->code);
        fputs(strcmp(o->kind, "provider") == 0 ? ")</a></th><td>" : ")</th><td>", f);
        web_esc(f, o->kind);
        fputs("</td>", f);
        for (size_t k = 0; k < MONTHS; k++) fprintf(f, "<td>%d</td>", o->per[k]);
        fprintf(f, "<td>%s</td><td>%s</td></tr>\n", o->last[0] ? o->last : "never",
                o->per[MONTHS - 1] == 0 && o->per[MONTHS - 2] == 0 ? "late" : "");
    }
    fputs("</tbody>\n</table></div>\n</section>\n", f);
    free(rv.orgs);
    dsms_refdata_free(&ref);
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
