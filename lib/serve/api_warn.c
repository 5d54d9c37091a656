/* api_warn.c — the alerts of early warning over the API (docs/api.md,
 * "Alerts"): the national team sees every alert in every state; an area
 * account sees the issued alerts that concern its areas, and a provider
 * account those that concern the areas its organisations are in. An alert
 * holds no person: its evidence names reports by their reporter's
 * reference. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "dsms/policy.h"
#include "dsms/warn.h"

/* The areas an account's alerts may concern: an area account's scope, or
 * the areas of a provider account's organisations. */
typedef struct {
    const dsms_principal *p;
    char areas[DSMS_SCOPE_MAX][16];
    size_t n;
    int code, area; /* the reference table's columns */
} reach;

static void reach_add(reach *r, const char *area)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->areas[i], area) == 0) return;
    if (r->n < DSMS_SCOPE_MAX) snprintf(r->areas[r->n++], sizeof r->areas[0], "%s", area);
}

static int org_area_row(void *ctx, const dsms_ref_row *row)
{
    reach *r = ctx;
    if (!row->value) {
        r->code = r->area = -1;
        for (size_t i = 0; i < row->n; i++) {
            if (strcmp(row->name[i], "code") == 0) r->code = (int)i;
            if (strcmp(row->name[i], "area_code") == 0) r->area = (int)i;
        }
        return r->code < 0 || r->area < 0; /* a table without areas: nothing to add */
    }
    for (size_t i = 0; i < r->p->nscope; i++)
        if (strcmp(row->value[r->code], r->p->scope[i]) == 0) reach_add(r, row->value[r->area]);
    return 0;
}

static int reach_of(api_call *c, reach *r, dsms_err *err)
{
    memset(r, 0, sizeof *r);
    r->p = c->p;
    if (c->p->role == DSMS_ROLE_AREA) {
        for (size_t i = 0; i < c->p->nscope; i++) reach_add(r, c->p->scope[i]);
        return 0;
    }
    if (c->p->role != DSMS_ROLE_PROVIDER) return 0;
    return dsms_store_ref_each(c->st, "providers", org_area_row, r, err) ||
           dsms_store_ref_each(c->st, "prisons", org_area_row, r, err);
}

/* Whether the caller may see alert a. */
static int sees(const api_call *c, const reach *r, const dsms_stored_alert *a)
{
    if (c->p->role == DSMS_ROLE_NATIONAL) return 1;
    if (strcmp(a->state, "issued") != 0) return 0;
    for (size_t i = 0; i < r->n; i++)
        if (dsms_alert_concerns(a->areas, r->areas[i])) return 1;
    return 0;
}

typedef struct {
    api_call *c;
    reach r;
    long offset, limit, total;
    json_t *rows;
    char *one; /* /alerts/{id}: the alert's JSON */
    dsms_err *err;
} alerts_read;

static int list_row(void *ctx, const dsms_stored_alert *a)
{
    alerts_read *x = ctx;
    if (!sees(x->c, &x->r, a)) return 0;
    if (x->total++ < x->offset || (long)json_array_size(x->rows) >= x->limit) return 0;
    json_t *o = json_pack("{sIssssssssssssssssssss}", "id", (json_int_t)a->id, "kind", a->kind,
                          "state", a->state, "severity", a->severity, "substance", a->substance,
                          "family", a->family, "areas", a->areas, "began", a->period, "title",
                          a->title, "raised_at", a->raised_at, "updated_at", a->updated_at);
    return o && !json_array_append_new(x->rows, o) ? 0 : -1;
}

static int one_row(void *ctx, const dsms_stored_alert *a)
{
    alerts_read *x = ctx;
    if (!sees(x->c, &x->r, a)) return 1;
    x->one = dsms_alert_json(x->c->st, a, x->err);
    return x->one ? 1 : -1;
}

int api_alerts(api_call *c)
{
    alerts_read x = {.c = c, .rows = json_array()};
    dsms_err err = {""};
    x.err = &err;
    if (!x.rows) return api_bare_500(c->resp);
    if (api_bad_paging(c, &x.offset, &x.limit)) {
        json_decref(x.rows);
        return 0;
    }
    dsms_alert_filter f = {0, api_q(c, "state"), api_q(c, "kind"), api_q(c, "area")};
    if (reach_of(c, &x.r, &err) || dsms_store_each_alert(c->st, &f, list_row, &x, &err)) {
        json_decref(x.rows);
        return api_store_error(c->resp, &err);
    }
    return api_json(c->resp, 200, json_pack("{sIsIsIso}", "total", (json_int_t)x.total,
                                            "offset", (json_int_t)x.offset, "limit",
                                            (json_int_t)x.limit, "alerts", x.rows));
}

int api_alert(api_call *c)
{
    alerts_read x = {.c = c};
    dsms_err err = {""};
    x.err = &err;
    dsms_alert_filter f = {strtoll(c->arg, NULL, 10), NULL, NULL, NULL};
    if (reach_of(c, &x.r, &err) || dsms_store_each_alert(c->st, &f, one_row, &x, &err))
        return api_store_error(c->resp, &err);
    if (!x.one) return api_error(c->resp, 404, "no alert %s", c->arg);
    json_t *j = json_loads(x.one, 0, NULL);
    free(x.one);
    return j ? api_json(c->resp, 200, j) : api_bare_500(c->resp);
}
