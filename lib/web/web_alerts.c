/* web_alerts.c — early-warning alerts on the dashboard's pages: the national
 * team's page lists every alert not yet closed, newest first; a
 * partnership's and a provider's page the issued alerts that concern their
 * areas, so that an issued alert reaches the people of the areas it names
 * when they next look. */
#include <stdlib.h>
#include <string.h>

#include "dsms/refdata.h"
#include "dsms/warn.h"
#include "web_int.h"

enum { ALERTS_SHOWN = 100 };

typedef struct {
    dsms_report *r;
    dsms_report_table *t;
    const char *const *areas; /* NULL: every alert not closed */
    size_t nareas;
    size_t n;
} alert_rows;

static int concerns(const alert_rows *a, const char *list)
{
    for (size_t i = 0; i < a->nareas; i++)
        if (dsms_alert_concerns(list, a->areas[i])) return 1;
    return 0;
}

static int alert_row(void *ctx, const dsms_stored_alert *al)
{
    alert_rows *a = ctx;
    if (a->areas ? !concerns(a, al->areas) : strcmp(al->state, "closed") == 0) return 0;
    if (a->n++ >= ALERTS_SHOWN) return 0;
    dsms_report_cell *c = dsms_report_row(a->r, a->t, NULL);
    if (!c) return -1;
    char areas[512]; /* "; " between codes, so that a long list can wrap */
    size_t o = 0;
    for (const char *s = al->areas; *s && o + 3 < sizeof areas; s++) {
        areas[o++] = *s;
        if (*s == ';') areas[o++] = ' ';
    }
    areas[o] = 0;
    const char *text[] = {al->period, al->kind,  al->state,
                          al->severity, al->title, o ? areas : "England"};
    dsms_report_cell_number(&c[0], (double)al->id, 0);
    for (size_t i = 0; i < 6; i++) dsms_report_cell_text(a->r, &c[i + 1], text[i]);
    return 0;
}

static void alerts_section(web_call *c, dsms_report *r, const char *const *areas, size_t n)
{
    dsms_report_section *s = dsms_report_section_add(r, "Early-warning alerts", "Alerts");
    if (!s) return;
    snprintf(s->anchor, sizeof s->anchor, "alerts");
    static const char *const heads[] = {"Alert", "Began", "Kind", "State", "Severity", "What",
                                        "Areas"};
    alert_rows a = {r, dsms_report_table_add(r, s, areas ? "Alerts issued for these areas"
                                                          : "Alerts not yet closed",
                                             7, heads, NULL),
                    areas, n, 0};
    dsms_alert_filter f = {0, areas ? "issued" : NULL, NULL, NULL};
    dsms_err err = {""};
    if (a.t) dsms_store_each_alert(c->st, &f, alert_row, &a, &err);
    if (!a.n)
        dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH, areas ? "No alert has been issued that "
                                                             "concerns these areas."
                                                           : "No alert is open.");
    else if (a.n > ALERTS_SHOWN)
        dsms_report_text(r, s, DSMS_BLOCK_NOTE, "The latest %d of %zu (dsms alerts list and GET "
                         "/api/v1/alerts give them all).", ALERTS_SHOWN, a.n);
    dsms_report_text(r, s, DSMS_BLOCK_NOTE,
                     "Alerts come from early-warning reports and deaths (docs/early-warning.md); "
                     "the national team assesses, issues and closes them with dsms alerts.");
}

void web_alerts_all(web_call *c, dsms_report *r) { alerts_section(c, r, NULL, 0); }

typedef struct {
    long open, fresh, high;
} tally;

static int count_row(void *ctx, const dsms_stored_alert *a)
{
    tally *t = ctx;
    if (strcmp(a->state, "closed") == 0) return 0;
    t->open++;
    t->fresh += strcmp(a->state, "new") == 0;
    t->high += strcmp(a->severity, "high") == 0;
    return 0;
}

void web_alerts_banner(web_call *c, FILE *f)
{
    tally t = {0};
    dsms_err err = {""};
    if (dsms_store_each_alert(c->st, NULL, count_row, &t, &err) || !t.open) return;
    fprintf(f, "<p class=\"banner\"><a href=\"#alerts\">Early warning: %ld %s not yet "
               "closed</a>, %ld new, %ld of high severity.</p>\n",
            t.open, t.open == 1 ? "alert" : "alerts", t.fresh, t.high);
}

void web_alerts_partnership(web_call *c, dsms_report *r, const char *id)
{
    dsms_refdata ref = {0};
    dsms_err err = {""};
    const char *areas[DSMS_SCOPE_MAX];
    size_t n = 0;
    if (dsms_refdata_fetch(&ref, c->st, &err)) return;
    for (size_t i = 0; i < ref.npartnerships && n < DSMS_SCOPE_MAX; i++)
        if (strcmp(ref.partnerships[i].code, id) == 0)
            areas[n++] = ref.areas[ref.partnerships[i].area].code;
    alerts_section(c, r, areas, n);
    dsms_refdata_free(&ref);
}

void web_alerts_provider(web_call *c, dsms_report *r, const char *code)
{
    dsms_refdata ref = {0};
    dsms_err err = {""};
    const char *area = NULL;
    if (dsms_refdata_fetch(&ref, c->st, &err)) return;
    for (size_t i = 0; i < ref.nproviders; i++)
        if (strcmp(ref.providers[i].code, code) == 0) area = ref.areas[ref.providers[i].area].code;
    for (size_t i = 0; i < ref.nprisons; i++)
        if (strcmp(ref.prisons[i].code, code) == 0) area = ref.areas[ref.prisons[i].area].code;
    alerts_section(c, r, &area, area ? 1 : 0);
    dsms_refdata_free(&ref);
}
