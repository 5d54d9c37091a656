/* api.c — the JSON API (api.h): the routes table, matching a request to a
 * route, checking its parameters, the policy's first word on it, the
 * answers' helpers, authentication, the session routes and the OpenAPI
 * document made from the table. What each route serves is in api_data.c,
 * api_results.c and api_upload.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api_int.h"
#include "dsms/accounts.h"

static int api_openapi_route(api_call *c);
static int api_login(api_call *c);
static int api_logout(api_call *c);

#define COUNT_PARAMS                                                                      \
    {"limit", API_COUNT, 0, NULL, "most rows in the answer: 1 to 10000 (default 100)"},   \
        {"offset", API_COUNT, 0, NULL, "rows to skip first (default 0)"}

/* The one table of routes: the OpenAPI document and the routes docs/api.md
 * must describe are made from it, and the tests walk it. */
static const api_route routes[] = {
    {"GET", "/api/v1/openapi.json", DSMS_RES_REFERENCE, DSMS_ACT_READ, 0, NULL, {{0}},
     api_openapi_route, "This API described in OpenAPI 3", "the OpenAPI document"},
    {"GET", "/api/v1/reference", DSMS_RES_REFERENCE, DSMS_ACT_READ, 0, NULL, {{0}},
     api_reference_list, "The reference tables",
     "{\"tables\": [names]}: regions, police_forces, probation_regions, areas, population, "
     "esp2013, prisons, providers, registers, comparators"},
    {"GET", "/api/v1/reference/{table}", DSMS_RES_REFERENCE, DSMS_ACT_READ, API_CODE,
     "a reference table: areas, regions, providers, prisons, police_forces, probation_regions"
     " ...",
     {{"code", API_CODE, 0, NULL, "only the row of this code"}}, api_reference,
     "The rows of one reference table (areas, regions, organisations)",
     "{\"table\", \"columns\": [names], \"rows\": [{column: value}]}"},
    {"GET", "/api/v1/measures", DSMS_RES_MEASURES, DSMS_ACT_READ, 0, NULL, {{0}}, api_measures,
     "The measures catalogue",
     "{\"measures\": [{id, title, domain, unit, kind, polarity, multiplier, breakdowns, "
     "headline, organisation, quarterly}]}"},
    {"GET", "/api/v1/results", DSMS_RES_RESULTS, DSMS_ACT_READ, 0, NULL,
     {{"measure", API_TEXT, 0, NULL, "a measure's id (see /api/v1/measures)"},
      {"area", API_CODE, 0, NULL, "an area, region or England code"},
      {"level", API_ENUM, 0,
       "england|region|area|provider|prison|police_force|probation_region", "a level of rows"},
      {"organisation", API_CODE, 0, NULL, "an organisation's code (its rows only)"},
      {"period", API_TEXT, 0, NULL, "a period: 2024-25, 12m-2024-12, 2024-25-Q1, 2021-2023"},
      {"breakdown", API_ENUM, 0, "all|substance|sex|age|ethnicity|reason", "a breakdown"},
      {"category", API_TEXT, 0, NULL, "a category of the breakdown"},
      COUNT_PARAMS,
      {"format", API_ENUM, 0, "json|csv", "json (default) or csv; Accept: text/csv also"}},
     api_results, "The measures' results, as the caller may see them",
     "{\"as_of\", \"results_data_end\", \"total\", \"offset\", \"limit\", \"next\", "
     "\"rows\": [...]}, or CSV"},
    {"GET", "/api/v1/frameworks", DSMS_RES_FRAMEWORKS, DSMS_ACT_READ, 0, NULL, {{0}},
     api_frameworks, "The outcomes frameworks loaded (dsms framework load)",
     "{\"frameworks\": [{id, name, loaded_at, partnership, areas, outcomes, metrics}]}"},
    {"GET", "/api/v1/frameworks/{id}", DSMS_RES_FRAMEWORKS, DSMS_ACT_READ, API_TEXT,
     "a loaded framework's id", {{0}}, api_framework,
     "A framework's metrics: source, polarity, baseline, target and due period",
     "{id, name, partnership, outcomes, \"metrics\": [{id, name, outcome, where, source, from, "
     "breakdown, category, why_none, note, polarity, baseline_period, target_kind, target, due, "
     "line}]}"},
    {"GET", "/api/v1/frameworks/{id}/status", DSMS_RES_FRAMEWORKS, DSMS_ACT_READ, API_TEXT,
     "a loaded framework's id",
     {{"area", API_CODE, 0, NULL, "only this place: England, a region or an area"},
      {"period", API_TEXT, 0, NULL, "a financial or calendar year (default: each latest)"}},
     api_framework_status,
     "Each metric held against its target, as stored with the results",
     "{framework, as_of, period, \"rows\": [{area, metric, outcome, period, latest, value, "
     "lower95, upper95, baseline_period, baseline, target, due, trajectory, status, why, "
     "gap_people, trend, suppressed, unsuppressed_view}]}"},
    {"GET", "/api/v1/submissions", DSMS_RES_SUBMISSIONS, DSMS_ACT_READ, 0, NULL,
     {{"source", API_CODE, 0, NULL, "only this organisation's submissions"},
      {"since", API_TEXT, 0, NULL,
       "only those received at or after this day or time (2026-04-01, 2026-04-01T09:00:00Z)"},
      COUNT_PARAMS},
     api_submissions, "The submissions the caller may see",
     "{\"total\", \"submissions\": [{id, source, table, file, sha256, received_at, by, "
     "status, rows, accepted, quarantined, warnings}]}"},
    {"POST", "/api/v1/submissions", DSMS_RES_SUBMISSIONS, DSMS_ACT_WRITE, 0, NULL,
     {{"source", API_CODE, 1, NULL, "the submitting organisation's code"},
      {"name", API_TEXT, 0, NULL, "the file's name, for the record (default upload.csv)"}},
     api_upload, "Submit one CSV file (the body) as dsms import does",
     "201 {\"submission\", \"rows\", \"accepted\", \"quarantined\", \"diagnostics\": [...]};"
     " 422 when refused, nothing stored"},
    {"GET", "/api/v1/submissions/{id}", DSMS_RES_SUBMISSIONS, DSMS_ACT_READ, API_ID,
     "a submission's number", {{0}}, api_submission, "One submission", "a submission"},
    {"GET", "/api/v1/submissions/{id}/quarantine", DSMS_RES_SUBMISSIONS, DSMS_ACT_READ, API_ID,
     "a submission's number", {COUNT_PARAMS}, api_quarantine,
     "A submission's quarantined rows with their diagnostics",
     "{\"submission\", \"total\", \"rows\": [{line, table, record, diagnostics}]}"},
    {"GET", "/api/v1/alerts", DSMS_RES_ALERTS, DSMS_ACT_READ, 0, NULL,
     {{"state", API_ENUM, 0, "new|assessed|issued|closed", "only alerts in this state"},
      {"kind", API_ENUM, 0, "novelty|exceedance|cluster", "only alerts of this kind"},
      {"area", API_CODE, 0, NULL, "only alerts that concern this area"},
      COUNT_PARAMS},
     api_alerts,
     "Early-warning alerts: every one for the national role; the issued ones that concern "
     "its areas for an area or provider account (most recent first)",
     "{\"total\", \"offset\", \"limit\", \"alerts\": [{id, kind, state, severity, substance, "
     "family, areas, began, title, raised_at, updated_at}]}"},
    {"GET", "/api/v1/alerts/{id}", DSMS_RES_ALERTS, DSMS_ACT_READ, API_ID, "an alert's number",
     {{0}}, api_alert, "One alert with its evidence (the reports behind it) and history",
     "{id, key, kind, state, severity, substance, family, areas, began, title, raised_at, "
     "updated_at, evidence: {reports, total_reports, ...}, history: [{at, by, from, to, "
     "note}]}"},
    {"GET", "/api/v1/audit", DSMS_RES_AUDIT, DSMS_ACT_READ, 0, NULL,
     {{"since", API_TEXT, 0, NULL, "events at or after this time (2026-12-01T09:00:00Z)"},
      {"user", API_TEXT, 0, NULL, "only this account's events"},
      COUNT_PARAMS},
     api_audit_list, "The audit record: who did what, when, from where (oldest first)",
     "{\"total\", \"events\": [{id, at, actor, action, detail, origin}]}"},
    {"GET", "/api/v1/users", DSMS_RES_USERS, DSMS_ACT_READ, 0, NULL, {COUNT_PARAMS}, api_users,
     "The accounts, by name, without anything secret",
     "{\"total\", \"offset\", \"limit\", \"accounts\": [{name, role, scope, created_at, "
     "last_login, locked, tokens}]}"},
    {"GET", "/api/v1/me", DSMS_RES_SELF, DSMS_ACT_READ, 0, NULL, {{0}}, api_me,
     "The caller's account", "{\"name\", \"role\", \"scope\": [codes], \"token\": bool}"},
    {"POST", "/api/v1/session", -1, DSMS_ACT_WRITE, 0, NULL, {{0}}, api_login,
     "Log in: body {\"name\", \"password\"}",
     "{\"name\", \"role\", \"scope\", \"csrf\"} and the session cookie"},
    {"DELETE", "/api/v1/session", DSMS_RES_SELF, DSMS_ACT_WRITE, 0, NULL, {{0}}, api_logout,
     "Log out: end the session of the cookie", "{\"ended\": true}"},
};

const api_route *api_routes(size_t *n)
{
    *n = sizeof routes / sizeof *routes;
    return routes;
}

/* ---- answers ---------------------------------------------------------------------- */

int api_bare_500(dsms_api_response *r)
{
    free(r->body);
    r->body = NULL;
    r->len = 0;
    r->status = 500;
    r->content_type = "text/plain";
    return -1;
}

int api_json(dsms_api_response *r, int status, json_t *j)
{
    if (!j) return api_bare_500(r);
    char *text = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(15));
    json_decref(j);
    if (!text) return api_bare_500(r);
    free(r->body);
    r->body = text;
    r->len = strlen(text);
    r->status = status;
    r->content_type = "application/json";
    return 0;
}

static int verror(dsms_api_response *r, int status, const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    return api_json(r, status, json_pack("{ss}", "error", msg));
}

int api_error(dsms_api_response *r, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = verror(r, status, fmt, ap);
    va_end(ap);
    return rc;
}

int api_store_error(dsms_api_response *r, const dsms_err *err)
{
    return api_error(r, 500, "the store failed: %s", err->msg);
}

int api_header(dsms_api_response *r, const char *name, const char *fmt, ...)
{
    if (r->nheaders >= DSMS_API_MAX_HEADERS) return -1;
    snprintf(r->header[r->nheaders][0], sizeof r->header[0][0], "%s", name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->header[r->nheaders][1], sizeof r->header[0][1], fmt, ap);
    va_end(ap);
    r->nheaders++;
    return 0;
}

void dsms_api_response_free(dsms_api_response *resp)
{
    if (!resp) return;
    free(resp->body);
    resp->body = NULL;
    resp->len = 0;
}

const char *api_actor(const dsms_principal *p)
{
    return p->role == DSMS_ROLE_PUBLIC || !p->name[0] ? "public" : p->name;
}

int api_audit(api_call *c, const char *action, const char *detail)
{
    dsms_actor by = {api_actor(c->p), c->req->origin ? c->req->origin : "?"};
    dsms_err err = {""};
    return dsms_audit_event(c->st, &by, action, detail, &err);
}

/* ---- parameters --------------------------------------------------------------------- */

static int is_code_char(int ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '-';
}

/* Whether v is of type t; when not, what was expected, in words. */
static const char *type_check(api_type t, const char *choices, const char *v)
{
    size_t n = strlen(v);
    switch (t) {
    case API_CODE:
        if (n < 1 || n > 16) return "a code of 1 to 16 letters, digits, '_' or '-'";
        for (size_t i = 0; i < n; i++)
            if (!is_code_char((unsigned char)v[i]))
                return "a code of 1 to 16 letters, digits, '_' or '-'";
        return NULL;
    case API_ID:
    case API_COUNT: {
        size_t most = t == API_ID ? 18 : 9;
        const char *what = t == API_ID ? "a number (digits only)" : "a count (digits only)";
        if (n < 1 || n > most) return what;
        for (size_t i = 0; i < n; i++)
            if (v[i] < '0' || v[i] > '9') return what;
        return NULL;
    }
    case API_ENUM:
        for (const char *s = choices; s && *s;) {
            size_t k = strcspn(s, "|");
            if (k == n && strncmp(s, v, n) == 0) return NULL;
            s += k + (s[k] == '|');
        }
        return "one of the words listed";
    case API_TEXT:
        if (n < 1 || n > 64) return "text of 1 to 64 characters";
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e)
                return "text of printable ASCII characters";
        return NULL;
    }
    return "a value";
}

const char *api_q(const api_call *c, const char *name)
{
    for (size_t i = 0; i < API_MAX_ROUTE_PARAMS && c->route->params[i].name; i++)
        if (strcmp(c->route->params[i].name, name) == 0) return c->q[i];
    return NULL;
}

long api_count(const api_call *c, const char *name, long dflt)
{
    const char *v = api_q(c, name);
    return v ? strtol(v, NULL, 10) : dflt;
}

/* The route's parameters from the request: 0, or 1 with a 400 answered. */
static int take_params(api_call *c)
{
    const api_route *rt = c->route;
    const dsms_api_request *req = c->req;
    size_t n = req->nparams < DSMS_API_MAX_PARAMS ? req->nparams : DSMS_API_MAX_PARAMS;
    char names[512] = "";
    for (size_t k = 0, at = 0; k < API_MAX_ROUTE_PARAMS && rt->params[k].name; k++)
        at += (size_t)snprintf(names + at, at < sizeof names ? sizeof names - at : 0, "%s%s",
                               k ? ", " : "", rt->params[k].name);
    for (size_t i = 0; i < n; i++) {
        const char *key = req->key[i] ? req->key[i] : "", *v = req->value[i] ? req->value[i] : "";
        size_t k = 0;
        while (k < API_MAX_ROUTE_PARAMS && rt->params[k].name && strcmp(rt->params[k].name, key))
            k++;
        char shown[40];
        snprintf(shown, sizeof shown, "%s", key);
        for (char *s = shown; *s; s++)
            if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e || *s == '"') *s = '?';
        if (k == API_MAX_ROUTE_PARAMS || !rt->params[k].name) {
            api_error(c->resp, 400, "unknown parameter '%s' (expected %s%s)", shown,
                      names[0] ? "one of: " : "none", names);
            return 1;
        }
        if (c->q[k]) {
            api_error(c->resp, 400, "parameter '%s' given twice (expected it once)", shown);
            return 1;
        }
        const api_param *p = &rt->params[k];
        const char *bad = type_check(p->type, p->choices, v);
        if (bad) {
            api_error(c->resp, 400, "parameter '%s': not valid (expected %s%s%s)", p->name, bad,
                      p->type == API_ENUM ? ": " : "", p->type == API_ENUM ? p->choices : "");
            return 1;
        }
        c->q[k] = v;
    }
    for (size_t k = 0; k < API_MAX_ROUTE_PARAMS && rt->params[k].name; k++)
        if (rt->params[k].required && !c->q[k]) {
            api_error(c->resp, 400, "parameter '%s' is required (%s)", rt->params[k].name,
                      rt->params[k].description);
            return 1;
        }
    return 0;
}

/* ---- routing ------------------------------------------------------------------------ */

/* Whether path matches the route's pattern; *arg then points at the
 * parameter's segment (copied into argbuf). */
static int path_matches(const char *pattern, const char *path, char *argbuf, size_t argsize,
                        const char **arg)
{
    *arg = NULL;
    while (*pattern && *path) {
        if (*pattern == '{') {
            const char *pend = strchr(pattern, '}');
            size_t k = strcspn(path, "/");
            if (!pend || k == 0) return 0;
            if (k >= argsize) k = argsize - 1; /* too long: the type check refuses it */
            memcpy(argbuf, path, k);
            argbuf[k] = 0;
            *arg = argbuf;
            pattern = pend + 1;
            path += strcspn(path, "/");
            continue;
        }
        if (*pattern != *path) return 0;
        pattern++, path++;
    }
    return !*pattern && !*path;
}

/* A path only of what the routes use: no "..", no empty segment, no byte
 * outside letters, digits, '/', '_', '-', '.'. */
static int path_clean(const char *path)
{
    if (path[0] != '/' || strstr(path, "//") || strstr(path, "/.")) return 0;
    for (const char *s = path; *s; s++)
        if (!is_code_char((unsigned char)*s) && *s != '/' && *s != '.') return 0;
    return 1;
}

static int state_changing(const char *method)
{
    return strcmp(method, "POST") == 0 || strcmp(method, "DELETE") == 0 ||
           strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0;
}

int dsms_api_serve_as(dsms_store *st, const dsms_api_request *req, const dsms_principal *p,
                      dsms_api_response *resp)
{
    memset(resp, 0, sizeof *resp);
    const char *method = req->method ? req->method : "", *path = req->path ? req->path : "";
    if (strlen(path) > 256) return api_error(resp, 404, "no such resource (the path is too long)");
    if (!path_clean(path))
        return api_error(resp, strncmp(path, "/api/", 5) == 0 ? 400 : 404,
                         "no such resource: a path has letters, digits, '_', '-' and '/' only, "
                         "and no '.' segment");
    int head = strcmp(method, "HEAD") == 0;
    char argbuf[64], allow[64] = "";
    const char *arg = NULL;
    const api_route *rt = NULL;
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        if (!path_matches(routes[i].path, path, argbuf, sizeof argbuf, &arg)) continue;
        size_t at = strlen(allow);
        snprintf(allow + at, sizeof allow - at, "%s%s", at ? ", " : "", routes[i].method);
        if (strcmp(routes[i].method, method) == 0 ||
            (head && strcmp(routes[i].method, "GET") == 0)) {
            rt = &routes[i];
            break;
        }
    }
    if (!rt && allow[0]) {
        api_header(resp, "Allow", "%s", allow);
        return api_error(resp, 405, "method not allowed here (allowed: %s)", allow);
    }
    if (!rt) return api_error(resp, 404, "no such resource (see /api/v1/openapi.json)");
    path_matches(rt->path, path, argbuf, sizeof argbuf, &arg);
    api_call c = {st, req, p, resp, rt, arg, {0}};
    if (arg) {
        const char *bad = type_check(rt->path_type, NULL, arg);
        if (bad) return api_error(resp, rt->path_type == API_ID ? 400 : 404,
                                  "not valid in the path (expected %s)", bad);
    }
    if (rt->res >= 0 && dsms_policy_grant(p->role, (dsms_resource)rt->res, rt->act) ==
                            DSMS_GRANT_NONE) {
        if (p->role == DSMS_ROLE_PUBLIC)
            return api_error(resp, 401, "log in first (a session or an API token)");
        return api_error(resp, 403, "the %s role may not do this", dsms_role_name(p->role));
    }
    if (take_params(&c)) return resp->body ? 0 : -1;
    int rc = rt->handler(&c);
    if (rc == 0 && !resp->body) return api_bare_500(resp);
    return rc;
}

/* ---- authentication and the session routes ---------------------------------------- */

static int is_login(const dsms_api_request *req)
{
    return req->method && req->path && strcmp(req->method, "POST") == 0 &&
           strcmp(req->path, "/api/v1/session") == 0;
}

/* Who makes the request: 0 with *p set (the public when no credential came),
 * or 1 when resp holds the answer (a credential refused, a missing or wrong
 * CSRF token), or -1 when not even that could be written. */
static int authenticate(dsms_store *st, const dsms_api_request *req, dsms_principal *p,
                        dsms_api_response *resp)
{
    memset(p, 0, sizeof *p);
    dsms_err err = {""};
    if (req->bearer) {
        int rc = dsms_token_find(st, req->bearer, p, &err);
        if (rc < 0) return api_store_error(resp, &err) ? -1 : 1;
        if (rc != DSMS_AUTH_OK) {
            memset(p, 0, sizeof *p);
            return api_error(resp, 401, "the API token is not valid (revoked, or never given)")
                       ? -1 : 1;
        }
        /* Token use is recorded once a minute a token, not per request. */
        if (p->token_first_use) {
            dsms_actor by = {p->name, req->origin};
            char detail[64];
            snprintf(detail, sizeof detail, "token %lld", (long long)p->token_id);
            dsms_audit_event(st, &by, "token use", detail, &err);
        }
        return 0;
    }
    if (req->session) {
        char csrf[DSMS_TOKEN_TEXT];
        int rc = dsms_session_find(st, req->session, req->now, p, csrf, &err);
        if (rc < 0) return api_store_error(resp, &err) ? -1 : 1;
        if (rc != DSMS_AUTH_OK) {
            memset(p, 0, sizeof *p);
            if (is_login(req)) return 0; /* a stale cookie does not stand in a login's way */
            return api_error(resp, 401, "the session has ended: log in again") ? -1 : 1;
        }
        if (req->method && state_changing(req->method)) {
            size_t n = strlen(csrf);
            int ok = req->csrf && strlen(req->csrf) == n &&
                     sodium_memcmp(req->csrf, csrf, n) == 0;
            sodium_memzero(csrf, sizeof csrf);
            if (!ok) {
                memset(p, 0, sizeof *p);
                return api_error(resp, 403, "X-CSRF-Token is missing or wrong: a request that "
                                            "changes something must carry the session's token")
                           ? -1 : 1;
            }
        }
        sodium_memzero(csrf, sizeof csrf);
    }
    return 0;
}

int dsms_api_handle(dsms_store *st, const dsms_api_request *req, dsms_api_response *resp)
{
    memset(resp, 0, sizeof *resp);
    dsms_principal p;
    int rc = authenticate(st, req, &p, resp);
    if (rc) return rc < 0 ? -1 : 0;
    return dsms_api_serve_as(st, req, &p, resp);
}

static json_t *scope_json(const dsms_principal *p)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < p->nscope && i < DSMS_SCOPE_MAX; i++)
        json_array_append_new(a, json_stringn(p->scope[i], strnlen(p->scope[i], 16)));
    return a;
}

int api_me(api_call *c)
{
    return api_json(c->resp, 200,
                    json_pack("{sssssosb}", "name", c->p->name, "role",
                              dsms_role_name(c->p->role), "scope", scope_json(c->p), "token",
                              c->p->token_id != 0));
}

/* The body's JSON member name as a string of at most most bytes, or NULL. */
static const char *member(json_t *j, const char *name, size_t most)
{
    json_t *v = json_object_get(j, name);
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    return s && strlen(s) == json_string_length(v) && strlen(s) <= most ? s : NULL;
}

static int api_login(api_call *c)
{
    const dsms_api_request *req = c->req;
    if (!req->body || req->body_len == 0)
        return api_error(c->resp, 400, "the body must be JSON: {\"name\": ..., \"password\": ...}");
    if (req->body_len > 4096) return api_error(c->resp, 413, "the body is too long (4 KiB at most)");
    json_error_t jerr;
    json_t *j = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    const char *name = member(j, "name", 64), *password = member(j, "password", DSMS_PASSWORD_MAX);
    if (!json_is_object(j) || !name || !password) {
        json_decref(j);
        return api_error(c->resp, 400,
                         "the body must be JSON: {\"name\": \"...\", \"password\": \"...\"}");
    }
    dsms_principal p;
    char session[DSMS_TOKEN_TEXT], csrf[DSMS_TOKEN_TEXT];
    long delay = 0;
    dsms_actor from = {name, req->origin ? req->origin : "?"};
    dsms_err err = {""};
    int rc = dsms_login(c->st, name, password, req->now, &p, session, csrf, &delay, &from, &err);
    json_decref(j);
    c->resp->delay_ms = delay;
    if (rc < 0) return api_store_error(c->resp, &err);
    if (rc == DSMS_AUTH_LOCKED) {
        api_header(c->resp, "Retry-After", "%d", DSMS_LOGIN_LOCK_SECONDS);
        return api_error(c->resp, 429, "too many failed logins: the account is locked for a "
                                       "while; try again later");
    }
    if (rc != DSMS_AUTH_OK) return api_error(c->resp, 401, "wrong name or password");
    /* Path=/: the server's pages outside /api (the dashboard) are read with the session too. */
    api_header(c->resp, "Set-Cookie",
               "dsms_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", session,
               DSMS_SESSION_MAX_SECONDS, req->tls ? "; Secure" : "");
    rc = api_json(c->resp, 200,
                  json_pack("{sssssoss}", "name", p.name, "role", dsms_role_name(p.role), "scope",
                            scope_json(&p), "csrf", csrf));
    sodium_memzero(session, sizeof session);
    sodium_memzero(csrf, sizeof csrf);
    return rc;
}

static int api_logout(api_call *c)
{
    if (!c->req->session || c->p->token_id)
        return api_error(c->resp, 400, "no session to end: logging out ends the session of "
                                       "the cookie (an API token is revoked instead)");
    dsms_err err = {""};
    if (dsms_session_end(c->st, c->req->session, &err)) return api_store_error(c->resp, &err);
    api_audit(c, "logout", "");
    api_header(c->resp, "Set-Cookie",
               "dsms_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
               c->req->tls ? "; Secure" : "");
    return api_json(c->resp, 200, json_pack("{sb}", "ended", 1));
}

/* ---- the OpenAPI document ----------------------------------------------------------- */

static json_t *schema_of(api_type t, const char *choices)
{
    switch (t) {
    case API_CODE: return json_pack("{ssss}", "type", "string", "pattern", "^[A-Za-z0-9_-]{1,16}$");
    case API_ID: return json_pack("{sssi}", "type", "integer", "minimum", 1);
    case API_COUNT: return json_pack("{sssi}", "type", "integer", "minimum", 0);
    case API_TEXT: return json_pack("{sssisi}", "type", "string", "minLength", 1, "maxLength", 64);
    case API_ENUM: {
        json_t *e = json_array();
        for (const char *s = choices; e && s && *s;) {
            size_t k = strcspn(s, "|");
            json_array_append_new(e, json_stringn(s, k));
            s += k + (s[k] == '|');
        }
        return json_pack("{ssso}", "type", "string", "enum", e);
    }
    }
    return json_object();
}

static json_t *operation(const api_route *rt)
{
    json_t *params = json_array();
    const char *brace = strchr(rt->path, '{');
    if (brace) {
        json_t *name = json_stringn(brace + 1, strcspn(brace + 1, "}"));
        json_array_append_new(params, json_pack("{sosssbssso}", "name", name, "in", "path",
                                                "required", 1, "description",
                                                rt->path_description, "schema",
                                                schema_of(rt->path_type, NULL)));
    }
    for (size_t k = 0; k < API_MAX_ROUTE_PARAMS && rt->params[k].name; k++) {
        const api_param *p = &rt->params[k];
        json_array_append_new(params,
                              json_pack("{sssssbssso}", "name", p->name, "in", "query", "required",
                                        p->required, "description", p->description, "schema",
                                        schema_of(p->type, p->choices)));
    }
    const char *ok = strcmp(rt->method, "POST") == 0 && rt->res >= 0 ? "201" : "200";
    json_t *responses = json_pack("{s{ss}s{ss}s{ss}s{ss}}", ok, "description", rt->answers,
                                  "400", "description", "a malformed request: which parameter, "
                                  "and what was expected", "401", "description",
                                  "not logged in, or a credential refused", "404", "description",
                                  "no such resource, or one the caller may not know of");
    if (rt->res >= 0)
        json_object_set_new(responses, "403",
                            json_pack("{ss}", "description", "the role may not do this"));
    if (rt->handler == api_upload)
        json_object_set_new(responses, "422",
                            json_pack("{ss}", "description", "refused: nothing stored"));
    json_t *op = json_pack("{sssoso}", "summary", rt->summary, "parameters", params, "responses",
                           responses);
    if (op && rt->res >= 0) {
        char grant[80];
        snprintf(grant, sizeof grant, "%s", rt->act == DSMS_ACT_WRITE ? "write" : "read");
        json_object_set_new(op, "x-dsms-action", json_string(grant));
    }
    return op;
}

char *dsms_api_openapi(void)
{
    json_t *paths = json_object();
    for (size_t i = 0; paths && i < sizeof routes / sizeof *routes; i++) {
        json_t *item = json_object_get(paths, routes[i].path);
        if (!item) {
            item = json_object();
            json_object_set_new(paths, routes[i].path, item);
        }
        char lower[8];
        size_t k = 0;
        for (; routes[i].method[k] && k < sizeof lower - 1; k++)
            lower[k] = (char)(routes[i].method[k] - 'A' + 'a');
        lower[k] = 0;
        json_object_set_new(item, lower, operation(&routes[i]));
    }
    json_t *doc = json_pack(
        "{sss{ssssss}so s{s{s{ssssss}s{ssss}}}}", "openapi", "3.0.3", "info", "title",
        "dsms API", "version", "1", "description",
        "The drug strategy monitoring system's results, reference data and submissions. "
        "Errors answer {\"error\": \"...\"}.",
        "paths", paths, "components", "securitySchemes", "session", "type", "apiKey", "in",
        "cookie", "name", "dsms_session", "token", "type", "http", "scheme", "bearer");
    if (!doc) return NULL;
    char *text = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(doc);
    return text;
}

static int api_openapi_route(api_call *c)
{
    char *text = dsms_api_openapi();
    if (!text) return api_error(c->resp, 500, "out of memory");
    c->resp->body = text;
    c->resp->len = strlen(text);
    c->resp->status = 200;
    c->resp->content_type = "application/json";
    return 0;
}
