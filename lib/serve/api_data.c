/* api_data.c — the API's answers from the reference data, the measures
 * catalogue, the frameworks, the submissions with their quarantine, the
 * audit record and the accounts. A
 * submission is shown only to whom the policy lets read its source; to anyone
 * else it does not exist (404), so that a number says nothing of another's.
 * A quarantined row is shown as submitted but for the attributor's fields
 * (initials, date of birth), which are never answered. */
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "dsms/accounts.h"
#include "dsms/measures.h"

/* ---- reference data ----------------------------------------------------------------- */

int api_reference_list(api_call *c)
{
    size_t n;
    const char *const *t = dsms_store_ref_tables(&n);
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) json_array_append_new(a, json_string(t[i]));
    return api_json(c->resp, 200, json_pack("{so}", "tables", a));
}

typedef struct {
    json_t *columns, *rows;
    const char *code; /* only this row's */
    int failed;
} ref_read;

static int ref_row(void *ctx, const dsms_ref_row *row)
{
    ref_read *r = ctx;
    if (!row->value) {
        for (size_t i = 0; i < row->n; i++)
            json_array_append_new(r->columns, json_string(row->name[i]));
        return 0;
    }
    if (r->code && !(row->n && strcmp(row->name[0], "code") == 0 &&
                     strcmp(row->value[0], r->code) == 0))
        return 0;
    json_t *o = json_object();
    if (!o) return -1;
    for (size_t i = 0; i < row->n; i++) {
        json_t *v = row->kind[i] == DSMS_REF_NULL     ? json_null()
                    : row->kind[i] == DSMS_REF_NUMBER ? json_real(strtod(row->value[i], NULL))
                                                      : json_string(row->value[i]);
        json_object_set_new(o, row->name[i], v);
    }
    return json_array_append_new(r->rows, o) ? -1 : 0;
}

int api_reference(api_call *c)
{
    size_t n, i;
    const char *const *t = dsms_store_ref_tables(&n);
    for (i = 0; i < n && strcmp(t[i], c->arg) != 0; i++) {}
    if (i == n) return api_error(c->resp, 404, "no such reference table (see /api/v1/reference)");
    ref_read r = {json_array(), json_array(), api_q(c, "code"), 0};
    dsms_err err = {""};
    if (!r.columns || !r.rows || dsms_store_ref_each(c->st, t[i], ref_row, &r, &err)) {
        json_decref(r.columns);
        json_decref(r.rows);
        return api_store_error(c->resp, &err);
    }
    if (r.code && json_array_size(r.rows) == 0) {
        json_decref(r.columns);
        json_decref(r.rows);
        return api_error(c->resp, 404, "no row of that code in %s", t[i]);
    }
    return api_json(c->resp, 200, json_pack("{sssoso}", "table", t[i], "columns", r.columns,
                                             "rows", r.rows));
}

/* ---- the measures catalogue --------------------------------------------------------- */

static const char *kind_name(dsms_measure_kind k)
{
    static const char *const names[] = {"count", "proportion", "rate", "dsr", "median", "ratio"};
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "?";
}

static const char *polarity_name(dsms_polarity p)
{
    return p == DSMS_POLARITY_HIGH_GOOD ? "higher is better"
           : p == DSMS_POLARITY_LOW_GOOD ? "lower is better"
                                         : "neither";
}

int api_measures(api_call *c)
{
    static const struct {
        unsigned bit;
        const char *name;
    } by[] = {{DSMS_BY_SUBSTANCE, "substance"}, {DSMS_BY_SEX, "sex"}, {DSMS_BY_AGE, "age"},
              {DSMS_BY_ETHNICITY, "ethnicity"}, {DSMS_BY_REASON, "reason"}};
    json_t *a = json_array();
    for (size_t i = 0; a && i < dsms_measure_count(); i++) {
        const dsms_measure *m = dsms_measure_at(i);
        json_t *b = json_array();
        json_array_append_new(b, json_string("all"));
        for (size_t k = 0; k < sizeof by / sizeof *by; k++)
            if (m->breakdowns & by[k].bit) json_array_append_new(b, json_string(by[k].name));
        const char *org = dsms_measure_organisation(m);
        json_t *o = json_pack("{ssssssssssssso*sosbsosb}", "id", m->id, "title", m->title,
                              "domain", m->domain, "unit", m->unit, "kind", kind_name(m->kind),
                              "polarity", polarity_name(m->polarity), "multiplier",
                              m->multiplier > 0 ? json_real(m->multiplier) : json_null(),
                              "breakdowns", b, "headline", m->headline, "organisation",
                              org ? json_string(org) : json_null(), "quarterly",
                              dsms_measure_quarterly(m));
        if (!o || json_array_append_new(a, o)) {
            json_decref(a);
            return api_error(c->resp, 500, "out of memory");
        }
    }
    return api_json(c->resp, 200, json_pack("{so}", "measures", a));
}


/* ---- submissions -------------------------------------------------------------------- */

static json_t *submission_json(const dsms_submission *s)
{
    return json_pack("{sIssssssssssssss sisisisi}", "id", (json_int_t)s->id, "source",
                     s->source ? s->source : "", "table", s->table ? s->table : "", "file",
                     s->file ? s->file : "", "sha256", s->sha256 ? s->sha256 : "", "received_at",
                     s->received_at ? s->received_at : "", "by", s->by ? s->by : "", "status",
                     s->status ? s->status : "", "rows", (int)s->rows, "accepted",
                     (int)s->accepted, "quarantined", (int)s->quarantined, "warnings",
                     (int)s->warnings);
}

typedef struct {
    const api_call *c;
    const char *source; /* only this source's */
    int64_t id;         /* only this one (0: all) */
    long offset, limit, total;
    json_t *list;
    const char *since;  /* only those received at or after this time (ISO 8601 text) */
} sub_read;

static int sub_row(void *ctx, const dsms_submission *s)
{
    sub_read *r = ctx;
    if (r->id && s->id != r->id) return 0;
    if (r->source && strcmp(s->source ? s->source : "", r->source) != 0) return 0;
    /* ISO 8601 text in UTC orders as its times do, a day before any time of it */
    if (r->since && strcmp(s->received_at ? s->received_at : "", r->since) < 0) return 0;
    if (!dsms_policy_allows(r->c->p, DSMS_RES_SUBMISSIONS, DSMS_ACT_READ, s->source)) return 0;
    long at = r->total++;
    if (at < r->offset || at >= r->offset + r->limit) return 0;
    json_t *o = submission_json(s);
    return !o || json_array_append_new(r->list, o) ? -1 : 0;
}

int api_bad_paging(api_call *c, long *offset, long *limit)
{
    *limit = api_count(c, "limit", 100);
    *offset = api_count(c, "offset", 0);
    if (*limit < 1 || *limit > 10000) {
        api_error(c->resp, 400, "parameter 'limit': not valid (expected 1 to 10000)");
        return 1;
    }
    return 0;
}

int api_submissions(api_call *c)
{
    sub_read r = {c, api_q(c, "source"), 0, 0, 0, 0, json_array(), api_q(c, "since")};
    if (api_bad_paging(c, &r.offset, &r.limit)) return json_decref(r.list), 0;
    if (r.since && !dsms_audit_time_ok(r.since)) {
        json_decref(r.list);
        return api_error(c->resp, 400, "parameter 'since': not a time (expected YYYY-MM-DD or "
                                       "YYYY-MM-DDTHH:MM:SSZ)");
    }
    dsms_err err = {""};
    if (!r.list || dsms_store_each_submission(c->st, sub_row, &r, &err)) {
        json_decref(r.list);
        return api_store_error(c->resp, &err);
    }
    return api_json(c->resp, 200, json_pack("{sIsIsIso}", "total", (json_int_t)r.total, "offset",
                                            (json_int_t)r.offset, "limit", (json_int_t)r.limit,
                                            "submissions", r.list));
}

/* The submission of the path, if the caller may see it: its JSON in *out,
 * or 1 with 404 answered. */
static int visible_submission(api_call *c, json_t **out)
{
    sub_read r = {c, NULL, strtoll(c->arg, NULL, 10), 0, 1, 0, json_array(), NULL};
    dsms_err err = {""};
    if (!r.list || dsms_store_each_submission(c->st, sub_row, &r, &err)) {
        json_decref(r.list);
        api_store_error(c->resp, &err);
        return 1;
    }
    if (r.id <= 0 || json_array_size(r.list) != 1) {
        json_decref(r.list);
        api_error(c->resp, 404, "no submission %s", c->arg);
        return 1;
    }
    *out = json_incref(json_array_get(r.list, 0));
    json_decref(r.list);
    return 0;
}

int api_submission(api_call *c)
{
    json_t *s;
    if (visible_submission(c, &s)) return c->resp->body ? 0 : -1;
    return api_json(c->resp, 200, s);
}

typedef struct {
    long offset, limit, total;
    json_t *rows;
} q_read;

/* The submitted record without what would name a person. */
static json_t *record_shown(const char *text)
{
    static const char *const hidden[] = {"initials", "date_of_birth", "person", "pseudonym"};
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    if (!json_is_object(j)) {
        json_decref(j);
        return json_null();
    }
    for (size_t i = 0; i < sizeof hidden / sizeof *hidden; i++) json_object_del(j, hidden[i]);
    return j;
}

static int q_row(void *ctx, const dsms_quarantined *q)
{
    q_read *r = ctx;
    long at = r->total++;
    if (at < r->offset || at >= r->offset + r->limit) return 0;
    json_t *d = q->diagnostics_json ? json_loads(q->diagnostics_json, 0, NULL) : NULL;
    json_t *o = json_pack("{sisssoso}", "line", (int)q->line, "table", q->table ? q->table : "",
                          "record", record_shown(q->record_json), "diagnostics",
                          d ? d : json_null());
    return !o || json_array_append_new(r->rows, o) ? -1 : 0;
}

int api_quarantine(api_call *c)
{
    json_t *s;
    if (visible_submission(c, &s)) return c->resp->body ? 0 : -1;
    json_int_t id = json_integer_value(json_object_get(s, "id"));
    json_decref(s);
    q_read r = {0, 0, 0, json_array()};
    if (api_bad_paging(c, &r.offset, &r.limit)) return json_decref(r.rows), 0;
    dsms_err err = {""};
    if (!r.rows || dsms_store_each_quarantined(c->st, id, NULL, q_row, &r, &err)) {
        json_decref(r.rows);
        return api_store_error(c->resp, &err);
    }
    if (c->p->role != DSMS_ROLE_PUBLIC && r.total > 0) {
        char detail[64];
        snprintf(detail, sizeof detail, "quarantine of submission %lld", (long long)id);
        api_audit(c, "download", detail);
    }
    return api_json(c->resp, 200, json_pack("{sIsIsIsIso}", "submission", id, "total",
                                            (json_int_t)r.total, "offset", (json_int_t)r.offset,
                                            "limit", (json_int_t)r.limit, "rows", r.rows));
}

/* ---- the audit record ----------------------------------------------------------------- */

typedef struct {
    long offset, limit, total;
    json_t *events;
} audit_read;

static int audit_row(void *ctx, const dsms_audit_entry *e)
{
    audit_read *r = ctx;
    if (r->total++ < r->offset || (long)json_array_size(r->events) >= r->limit) return 0;
    json_t *o = json_pack("{sIssssssssss}", "id", (json_int_t)e->id, "at", e->at, "actor",
                          e->actor, "action", e->action, "detail", e->detail, "origin",
                          e->origin ? e->origin : "");
    return o && !json_array_append_new(r->events, o) ? 0 : -1;
}

int api_audit_list(api_call *c)
{
    audit_read r = {0, 0, 0, json_array()};
    if (api_bad_paging(c, &r.offset, &r.limit)) return json_decref(r.events), 0;
    const char *since = api_q(c, "since");
    if (since && !dsms_audit_time_ok(since)) {
        json_decref(r.events);
        return api_error(c->resp, 400, "parameter 'since': not a time (expected YYYY-MM-DD or "
                                       "YYYY-MM-DDTHH:MM:SSZ)");
    }
    dsms_err err = {""};
    if (!r.events ||
        dsms_audit_each(c->st, since, api_q(c, "user"), audit_row, &r, &err)) {
        json_decref(r.events);
        return api_store_error(c->resp, &err);
    }
    return api_json(c->resp, 200, json_pack("{sIsIsIso}", "total", (json_int_t)r.total,
                                            "offset", (json_int_t)r.offset, "limit",
                                            (json_int_t)r.limit, "events", r.events));
}

/* ---- the accounts ------------------------------------------------------------------------ */

typedef struct {
    long offset, limit, total;
    json_t *accounts; /* the page's */
    json_t *by_name;  /* the same objects by name, for their last login */
} users_read;

/* Codes separated by spaces, as an array. */
static json_t *codes_json(const char *text)
{
    json_t *a = json_array();
    for (const char *s = text ? text : ""; a && *s;) {
        size_t k = strcspn(s, " ");
        if (k && json_array_append_new(a, json_stringn(s, k))) {
            json_decref(a);
            return NULL;
        }
        s += k;
        s += strspn(s, " ");
    }
    return a;
}

/* An account as answered: what the national team needs to manage it, nothing secret (the
 * store's account has no token, and its password hash is not read here). */
static int user_row(void *ctx, const dsms_account *a)
{
    users_read *r = ctx;
    long at = r->total++;
    if (at < r->offset || at >= r->offset + r->limit) return 0;
    json_t *o = json_pack("{sssssosssnsbsI}", "name", a->name, "role", a->role, "scope",
                          codes_json(a->scope), "created_at", a->created_at, "last_login",
                          "locked", a->locked, "tokens", (json_int_t)a->tokens);
    if (!o || json_object_set(r->by_name, a->name, o)) {
        json_decref(o);
        return -1;
    }
    return json_array_append_new(r->accounts, o) ? -1 : 0;
}

static int user_login(void *ctx, const char *name, const char *at)
{
    users_read *r = ctx;
    json_t *o = json_object_get(r->by_name, name);
    return o && json_object_set_new(o, "last_login", json_string(at)) ? -1 : 0;
}

/* Not audited: the list is no figure about people, holds nothing secret, and is read only
 * by the national role, who may read the audit record itself unaudited. */
int api_users(api_call *c)
{
    users_read r = {0, 0, 0, json_array(), json_object()};
    dsms_err err = {""};
    int failed = !r.accounts || !r.by_name;
    if (!failed && api_bad_paging(c, &r.offset, &r.limit)) {
        json_decref(r.accounts);
        json_decref(r.by_name);
        return 0;
    }
    if (!failed) failed = dsms_account_each(c->st, NULL, user_row, &r, &err);
    /* the record read once, and only for a page that has an account */
    if (!failed && json_array_size(r.accounts))
        failed = dsms_account_last_logins(c->st, user_login, &r, &err);
    json_decref(r.by_name);
    if (failed) {
        json_decref(r.accounts);
        return err.msg[0] ? api_store_error(c->resp, &err) : api_error(c->resp, 500,
                                                                       "out of memory");
    }
    return api_json(c->resp, 200, json_pack("{sIsIsIso}", "total", (json_int_t)r.total,
                                            "offset", (json_int_t)r.offset, "limit",
                                            (json_int_t)r.limit, "accounts", r.accounts));
}
