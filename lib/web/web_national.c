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

static dsms_report_section *section(dsms_report *r, const char *title, const char *anchor)
{
    dsms_report_section *s = dsms_report_section_add(r, title, title);
    if (s) snprintf(s->anchor, sizeof s->anchor, "%s", anchor);
    return s;
}

static const char *const kinds[] = {"provider", "prison", "police force", "probation"};

/* For each kind of organisation, how many of them sent anything each month. */
static void by_kind(dsms_report *r, dsms_report_section *s, const received *rv)
{
    const char *heads[MONTHS + 2] = {"Organisations", "Of"};
    for (size_t k = 0; k < MONTHS; k++) heads[2 + k] = rv->month[k];
    dsms_report_table *t = dsms_report_table_add(r, s, "Organisations that sent a submission, "
                                                       "by kind and month",
                                                 MONTHS + 2, heads, NULL);
    for (size_t j = 0; t && j < sizeof kinds / sizeof *kinds; j++) {
        size_t of = 0, sent[MONTHS] = {0};
        for (size_t i = 0; i < rv->n; i++) {
            if (strcmp(rv->orgs[i].kind, kinds[j]) != 0) continue;
            of++;
            for (size_t k = 0; k < MONTHS; k++) sent[k] += rv->orgs[i].per[k] > 0;
        }
        dsms_report_cell *c = dsms_report_row(r, t, NULL);
        if (!c) return;
        dsms_report_cell_text(r, &c[0], kinds[j]);
        dsms_report_cell_number(&c[1], (double)of, 0);
        for (size_t k = 0; k < MONTHS; k++) dsms_report_cell_number(&c[2 + k], (double)sent[k], 0);
    }
}

/* The organisations with nothing this month or last: who is late. */
static void late_list(dsms_report *r, dsms_report_section *s, const received *rv, size_t late)
{
    if (!late) {
        dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH, "No organisation is late.");
        return;
    }
    static const char *const heads[] = {"Organisation", "Kind", "Last received"};
    dsms_report_table *t = dsms_report_table_add(r, s, "Late: nothing this month or last",
                                                 3, heads, NULL);
    for (size_t i = 0; t && i < rv->n; i++) {
        const org_row *o = &rv->orgs[i];
        if (o->per[MONTHS - 1] || o->per[MONTHS - 2]) continue;
        dsms_report_cell *c = dsms_report_row(r, t, NULL);
        if (!c) return;
        char name[160], link[48];
        snprintf(name, sizeof name, "%s (%s)", o->name, o->code);
        dsms_report_cell_text(r, &c[0], name);
        snprintf(link, sizeof link, "/provider/%s", o->code);
        if (strcmp(o->kind, "provider") == 0) dsms_report_cell_link(r, &c[0], link);
        dsms_report_cell_text(r, &c[1], o->kind);
        dsms_report_cell_text(r, &c[2], o->last[0] ? o->last : "never");
    }
}

static void received_section(web_call *c, dsms_report *r)
{
    received rv = {0};
    dsms_refdata ref = {0};
    dsms_err err = {""};
    dsms_report_section *s = section(r, "Submissions received", "received");
    if (!s || dsms_refdata_fetch(&ref, c->st, &err) != 0 || organisations(&rv, &ref) != 0) {
        dsms_report_text(r, s, DSMS_BLOCK_NOTE, "The submissions could not be read: %s",
                         err.msg[0] ? err.msg : "out of memory");
        dsms_refdata_free(&ref);
        return;
    }
    months_to(&rv, c->req->now);
    dsms_store_each_submission(c->st, take_submission, &rv, &err);
    size_t late = 0;
    for (size_t i = 0; i < rv.n; i++)
        late += rv.orgs[i].per[MONTHS - 1] == 0 && rv.orgs[i].per[MONTHS - 2] == 0;
    dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH,
                     "Of the %zu organisations that submit, how many sent anything in each of "
                     "the last %d months; %zu have sent nothing this month or last, and are "
                     "listed as late below.", rv.n, MONTHS, late);
    by_kind(r, s, &rv);
    late_list(r, s, &rv, late);
    free(rv.orgs);
    dsms_refdata_free(&ref);
}

typedef struct {
    dsms_report *r;
    dsms_report_table *t;
} account_rows;

static int account_row(void *ctx, const dsms_account *a)
{
    account_rows *ar = ctx;
    dsms_report_cell *c = dsms_report_row(ar->r, ar->t, NULL);
    if (!c) return -1;
    dsms_report_cell_text(ar->r, &c[0], a->name);
    dsms_report_cell_text(ar->r, &c[1], a->role);
    dsms_report_cell_text(ar->r, &c[2], a->scope[0] ? a->scope : "-");
    dsms_report_cell_text(ar->r, &c[3], a->created_at);
    dsms_report_cell_text(ar->r, &c[4], a->locked ? "locked" : "");
    dsms_report_cell_number(&c[5], (double)a->tokens, 0);
    return 0;
}

static void accounts_section(web_call *c, dsms_report *r)
{
    dsms_report_section *s = section(r, "Accounts", "users");
    static const char *const heads[] = {"Name", "Role", "Bound to", "Created", "Locked",
                                        "API tokens"};
    account_rows ar = {r, s ? dsms_report_table_add(r, s, "Accounts and their roles", 6, heads,
                                                    NULL)
                            : NULL};
    dsms_err err = {""};
    if (ar.t) dsms_account_each(c->st, NULL, account_row, &ar, &err);
    dsms_report_text(r, s, DSMS_BLOCK_NOTE, "Accounts are made and changed with dsms user.");
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

static void audit_section(web_call *c, dsms_report *r)
{
    dsms_report_section *s = section(r, "The audit record", "audit");
    audit_tail *t = calloc(1, sizeof *t);
    if (!s || !t) {
        free(t);
        return;
    }
    dsms_err err = {""};
    dsms_audit_each(c->st, NULL, NULL, take_event, t, &err);
    size_t shown = t->n < AUDIT_SHOWN ? t->n : (size_t)AUDIT_SHOWN;
    dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH,
                     "The latest %zu of %zu events, newest first (dsms audit and GET "
                     "/api/v1/audit give them all).", shown, t->n);
    static const char *const heads[] = {"When", "Who", "What", "Detail", "From"};
    dsms_report_table *tb = dsms_report_table_add(r, s, "Latest events", 5, heads, NULL);
    for (size_t k = 0; tb && k < shown; k++) {
        const audit_line *l = &t->ring[(t->n - 1 - k) % AUDIT_SHOWN];
        dsms_report_cell *cl = dsms_report_row(r, tb, NULL);
        if (!cl) break;
        const char *cells[] = {l->at, l->actor, l->action, l->detail, l->origin};
        for (size_t i = 0; i < 5; i++) dsms_report_cell_text(r, &cl[i], cells[i]);
    }
    free(t);
}

static void national_more(web_call *c, dsms_report *r, void *ctx)
{
    (void)ctx;
    web_alerts_all(c, r);
    received_section(c, r);
    accounts_section(c, r);
    audit_section(c, r);
}

static void national_banner(web_call *c, FILE *f, void *ctx)
{
    (void)ctx;
    web_alerts_banner(c, f);
}

int web_national_page(web_call *c)
{
    if (c->p.role == DSMS_ROLE_PUBLIC) return web_redirect(c, "/login");
    if (c->p.role != DSMS_ROLE_NATIONAL)
        return web_error(c, 403, "This page is the national team's.");
    web_hooks h = {national_banner, national_more, NULL};
    return web_report(c, DSMS_REPORT_NATIONAL, NULL, &h);
}
