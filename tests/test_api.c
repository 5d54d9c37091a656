/* test_api.c — the JSON API apart from HTTP (api.h), on a store built here:
 * episodes from two providers in two areas (P0001 in Hartlepool, P0003 in
 * Middlesbrough), a rejected row quarantined, every measure computed.
 *
 * A generated matrix: every route of the routes table x every role (the
 * public; national; an area account bound to Hartlepool; a provider account
 * bound to P0001) x the objects a route reaches (one's own submission and
 * another's, one that does not exist; a reference table and none), each
 * answer checked against the policy's table: allowed requests succeed with
 * the rows that role may see, forbidden ones answer 401, 403 or 404. Then
 * the results row by row for each role, bad input, the OpenAPI document and
 * docs/api.md against the table, CSV and paging, uploads, the requests
 * that come through authentication, the session cookie, and the accounts
 * listed. */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "api_int.h"
#include "check.h"
#include "dsms/accounts.h"
#include "dsms/framework.h"
#include "dsms/measures.h"
#include "support.h"

#define H "E06000001"
#define M "E06000002"

#define EPISODES_HEADER                                                                       \
    "provider_code,episode_ref,initials,date_of_birth,sex,consent,area_code,referral_date,"  \
    "referral_source,first_intervention_date,setting,substance_1,substance_2,"              \
    "injecting_status,mental_health_need,hep_c_tested,discharge_date,discharge_reason,"     \
    "ost_at_exit"

static char csv_text[1 << 16];

/* n episodes of a provider in an area, refs prefixed; bad adds a row with an
 * impossible date, quarantined. */
static const char *episodes(const char *name, const char *prov, const char *area,
                            const char *prefix, int n, int bad)
{
    size_t at = (size_t)snprintf(csv_text, sizeof csv_text, "%s\n", EPISODES_HEADER);
    for (int i = 0; i < n; i++)
        at += (size_t)snprintf(csv_text + at, sizeof csv_text - at,
                               "%s,%s%03d,%c%c,19%02d-0%d-1%d,%s,Y,%s,2024-0%d-1%d,gp,"
                               "2024-0%d-2%d,C,%s,,,,,%s,%s,\n",
                               prov, prefix, i, 'A' + i % 26, 'B' + i % 20, 60 + i % 30,
                               1 + i % 9, i % 10, i % 2 ? "F" : "M", area, 4 + i % 5, i % 9,
                               4 + i % 5, i % 9, i % 3 ? "heroin" : "cocaine",
                               i % 4 == 0 ? "2025-01-10" : "", i % 4 == 0 ? "completed_drug_free" : "");
    if (bad)
        snprintf(csv_text + at, sizeof csv_text - at,
                 "%s,%sBAD,QZ,1980-02-30,M,Y,%s,2024-05-01,gp,,C,heroin,,,,,,,\n", prov,
                 prefix, area);
    return support_file(name, csv_text);
}

static dsms_store *st;
static int64_t sub_own, sub_other; /* P0001's submission, P0003's */

static void build(void)
{
    st = support_store();
    dsms_import_result r;
    static diag_list d;
    const char *f = episodes("p1.csv", "P0001", H, "A", 40, 1);
    CHECK_INT(support_import(st, "P0001", &f, 1, &r, &d, 0), DSMS_PARTIAL);
    sub_own = r.submission;
    f = episodes("p3.csv", "P0003", M, "B", 30, 0);
    CHECK_INT(support_import(st, "P0003", &f, 1, &r, &d, 0), DSMS_OK);
    sub_other = r.submission;
    dsms_compute_report rep = {0};
    dsms_err err = {""};
    /* the national framework, its statuses stored by the computation */
    const char *fw = DSMS_TEST_DATADIR "/frameworks/national-2021.yaml";
    CHECK_INT(dsms_framework_load(st, &fw, 1, "tester", &err), 0);
    dsms_framework_attach(st);
    int rc = dsms_compute(st, NULL, 0, &rep, &err);
    if (rc) fprintf(stderr, "compute: %s\n", err.msg);
    CHECK_INT(rc, 0);
}

/* ---- principals and requests ------------------------------------------------------ */

enum { R_PUBLIC, R_NATIONAL, R_AREA, R_PROVIDER, NROLES };

static dsms_principal principal(int r)
{
    dsms_principal p = {0};
    if (r == R_NATIONAL) p.role = DSMS_ROLE_NATIONAL, strcpy(p.name, "nat");
    if (r == R_AREA) {
        p.role = DSMS_ROLE_AREA, strcpy(p.name, "hartlepool");
        p.nscope = 1, strcpy(p.scope[0], H);
    }
    if (r == R_PROVIDER) {
        p.role = DSMS_ROLE_PROVIDER, strcpy(p.name, "p0001");
        p.nscope = 1, strcpy(p.scope[0], "P0001");
    }
    p.user_id = r;
    return p;
}

static const char *role_label(int r)
{
    static const char *const n[] = {"public", "national", "area", "provider"};
    return n[r];
}

/* A request: "k=v&k=v" query text split in place into params. */
typedef struct {
    dsms_api_request req;
    char q[512];
} request;

static void make(request *rq, const char *method, const char *path, const char *query)
{
    memset(rq, 0, sizeof *rq);
    rq->req.method = method;
    rq->req.path = path;
    rq->req.upload_fd = -1;
    rq->req.origin = "test";
    rq->req.now = 1782777600; /* 2026-06-30 */
    rq->req.store_key = support_key();
    snprintf(rq->q, sizeof rq->q, "%s", query ? query : "");
    for (char *s = rq->q; *s && rq->req.nparams < DSMS_API_MAX_PARAMS;) {
        char *amp = strchr(s, '&');
        if (amp) *amp = 0;
        char *eq = strchr(s, '=');
        rq->req.key[rq->req.nparams] = s;
        rq->req.value[rq->req.nparams++] = eq ? (*eq = 0, eq + 1) : "";
        if (!amp) break;
        s = amp + 1;
    }
}

static dsms_api_response serve(int role, const char *method, const char *path,
                               const char *query)
{
    request rq;
    make(&rq, method, path, query);
    dsms_principal p = principal(role);
    dsms_api_response resp;
    CHECK_INT(dsms_api_serve_as(st, &rq.req, &p, &resp), 0);
    return resp;
}

static json_t *body_json(const dsms_api_response *r)
{
    return r->body ? json_loadb(r->body, r->len, 0, NULL) : NULL;
}

static int holds(const char *s, size_t n, const char *what)
{
    size_t k = strlen(what);
    for (size_t i = 0; s && i + k <= n; i++)
        if (memcmp(s + i, what, k) == 0) return 1;
    return 0;
}

static int is_route(const api_route *rt, const char *method, const char *path)
{
    return strcmp(rt->method, method) == 0 && strcmp(rt->path, path) == 0;
}

/* Nobody's answer names a person or a pseudonym, nor an attributor. */
static void no_person(const dsms_api_response *r, const char *what)
{
    const char *bad[] = {"pseudonym", "\"person\"", "\"initials\":", "\"date_of_birth\":"};
    for (size_t i = 0; r->body && i < sizeof bad / sizeof *bad; i++) {
        if (holds(r->body, r->len, bad[i])) {
            check_failed++;
            fprintf(stderr, "%s: answer holds %s\n", what, bad[i]);
        } else {
            check_passed++;
        }
    }
}

/* ---- the matrix ---------------------------------------------------------------------- */

typedef struct {
    const char *path;  /* with the parameter filled in */
    int own, exists;   /* the object is the role's own; it exists */
} object;

static int expected_status(const api_route *rt, int role, const object *o)
{
    dsms_principal p = principal(role);
    if (is_route(rt, "POST", "/api/v1/session")) return 401; /* the placeholder accounts know nobody */
    dsms_grant g = dsms_policy_grant(p.role, (dsms_resource)rt->res, rt->act);
    if (g == DSMS_GRANT_NONE) return role == R_PUBLIC ? 401 : 403;
    if (is_route(rt, "DELETE", "/api/v1/session")) return 400; /* no session cookie */
    if (rt->handler == api_upload) return o->own ? 201 : 403;
    if (!o->exists) return 404;
    if (g == DSMS_GRANT_SCOPE && !o->own) return 404; /* another's: as if none */
    return 200;
}

static int upload_fd(void)
{
    const char *f = episodes("up.csv", "P0001", H, "U", 3, 0);
    return open(f, O_RDONLY);
}

static void matrix(void)
{
    size_t n;
    const api_route *rt = api_routes(&n);
    char own[64], other[64], missing[64];
    long cases = 0;
    for (size_t i = 0; i < n; i++) {
        object objs[3];
        size_t nobj = 0;
        if (strncmp(rt[i].path, "/api/v1/frameworks/{id}", 23) == 0) {
            const char *tail = rt[i].path + 23;
            snprintf(own, sizeof own, "/api/v1/frameworks/national-2021%s", tail);
            snprintf(missing, sizeof missing, "/api/v1/frameworks/nosuch%s", tail);
            objs[nobj++] = (object){own, 1, 1};
            objs[nobj++] = (object){missing, 1, 0};
        } else if (strncmp(rt[i].path, "/api/v1/alerts/{id}", 19) == 0) {
            /* the fixture store has no alert: tests/warn.sh reads them by role */
            objs[nobj++] = (object){"/api/v1/alerts/999999", 1, 0};
        } else if (strstr(rt[i].path, "{id}")) {
            const char *tail = strstr(rt[i].path, "{id}") + 4;
            snprintf(own, sizeof own, "/api/v1/submissions/%lld%s", (long long)sub_own, tail);
            snprintf(other, sizeof other, "/api/v1/submissions/%lld%s", (long long)sub_other,
                     tail);
            snprintf(missing, sizeof missing, "/api/v1/submissions/999999%s", tail);
            objs[nobj++] = (object){own, 1, 1};
            objs[nobj++] = (object){other, 0, 1};
            objs[nobj++] = (object){missing, 0, 0};
        } else if (strstr(rt[i].path, "{table}")) {
            objs[nobj++] = (object){"/api/v1/reference/areas", 1, 1};
            objs[nobj++] = (object){"/api/v1/reference/providers", 1, 1};
            objs[nobj++] = (object){"/api/v1/reference/nosuch", 1, 0};
        } else {
            objs[nobj++] = (object){rt[i].path, 1, 1};
            /* an upload: for one's own organisation, then for another */
            if (rt[i].handler == api_upload) objs[nobj++] = (object){rt[i].path, 0, 1};
        }
        for (int role = 0; role < NROLES; role++)
            for (size_t k = 0; k < nobj; k++) {
                object o = objs[k];
                const char *query = NULL;
                request rq;
                if (rt[i].handler == api_upload) {
                    query = o.own ? "source=P0001" : "source=P0003";
                    o.own = role == R_PROVIDER && o.own;
                }
                make(&rq, rt[i].method, o.path, query);
                if (is_route(&rt[i], "POST", "/api/v1/session")) {
                    rq.req.body = "{\"name\":\"nat\",\"password\":\"a long password\"}";
                    rq.req.body_len = strlen(rq.req.body);
                }
                if (rt[i].handler == api_upload) rq.req.upload_fd = upload_fd();
                dsms_principal p = principal(role);
                dsms_api_response r;
                CHECK_INT(dsms_api_serve_as(st, &rq.req, &p, &r), 0);
                if (rq.req.upload_fd > 0) close(rq.req.upload_fd);
                int want = expected_status(&rt[i], role, &o);
                int got = r.status;
                if (want == 201 && got == 200) got = 201; /* the same file again: unchanged */
                if (got == want) check_passed++;
                else {
                    check_failed++;
                    fprintf(stderr, "%s %s as %s: %d, expected %d: %.*s\n", rt[i].method,
                            o.path, role_label(role), r.status, want, (int)r.len,
                            r.body ? r.body : "");
                }
                json_t *j = body_json(&r);
                CHECK(j != NULL || (r.content_type && strstr(r.content_type, "csv")));
                if (r.status >= 400) CHECK(json_is_string(json_object_get(j, "error")));
                json_decref(j);
                no_person(&r, o.path);
                dsms_api_response_free(&r);
                cases++;
            }
    }
    printf("matrix: %ld requests over %zu routes x %d roles\n", cases, n, NROLES);
}

/* ---- results by role ----------------------------------------------------------------- */

static void results_for(int role)
{
    dsms_api_response r = serve(role, "GET", "/api/v1/results", "limit=10000");
    CHECK_INT(r.status, 200);
    json_t *j = body_json(&r);
    CHECK(json_is_string(json_object_get(j, "as_of")));
    CHECK(json_is_string(json_object_get(j, "results_data_end")));
    json_t *rows = json_object_get(j, "rows");
    size_t i;
    json_t *row;
    long org = 0, own_unsup = 0, other_unsup = 0, hidden_values = 0, own_suppressed_shown = 0;
    json_array_foreach(rows, i, row) {
        const char *level = json_string_value(json_object_get(row, "level"));
        const char *code = json_string_value(json_object_get(row, "area_code"));
        int unsup = json_is_true(json_object_get(row, "unsuppressed_view"));
        int suppressed = json_is_true(json_object_get(row, "suppressed"));
        int has_num = json_is_number(json_object_get(row, "numerator"));
        int is_org = dsms_level_is_organisation(level);
        json_t *trend = json_object_get(row, "trend");
        if (!(json_is_string(trend) || json_is_null(trend))) hidden_values++;
        org += is_org;
        int own = (role == R_AREA && strcmp(code, H) == 0) ||
                  (role == R_PROVIDER && strcmp(code, "P0001") == 0) || role == R_NATIONAL;
        if (unsup) own ? own_unsup++ : other_unsup++;
        if (!unsup && suppressed && has_num) hidden_values++;
        if (unsup && suppressed && has_num) own_suppressed_shown++;
        if (is_org && role != R_NATIONAL && strcmp(code, "P0001") != 0) org += 1000000;
    }
    if (role == R_PUBLIC || role == R_AREA) CHECK_INT(org, 0);
    if (role == R_NATIONAL) CHECK(org > 0);
    if (role == R_PROVIDER) CHECK(org > 0 && org < 1000000);
    CHECK_INT(other_unsup, 0);
    CHECK_INT(hidden_values, 0);
    if (role == R_PUBLIC) CHECK_INT(own_unsup, 0);
    else CHECK(own_unsup > 0);
    if (role == R_AREA || role == R_NATIONAL) CHECK(own_suppressed_shown > 0);
    CHECK_INT(json_integer_value(json_object_get(j, "total")), (long long)json_array_size(rows));
    printf("results as %s: %zu rows, %ld of organisations, %ld unsuppressed\n",
           role_label(role), json_array_size(rows), org, own_unsup);
    json_decref(j);
    no_person(&r, "results");
    dsms_api_response_free(&r);
}

/* ---- bad input ------------------------------------------------------------------------- */

static void expect(int role, const char *method, const char *path, const char *query, int want,
                   const char *says)
{
    dsms_api_response r = serve(role, method, path, query);
    if (r.status == want && (!says || (r.body && strstr(r.body, says)))) check_passed++;
    else {
        check_failed++;
        fprintf(stderr, "%s %s?%s: %d %.*s, expected %d saying '%s'\n", method, path,
                query ? query : "", r.status, (int)r.len, r.body ? r.body : "", want,
                says ? says : "");
    }
    dsms_api_response_free(&r);
}

static void bad_input(void)
{
    expect(R_PUBLIC, "GET", "/api/v1/results", "colour=red", 400, "unknown parameter 'colour'");
    expect(R_PUBLIC, "GET", "/api/v1/results", "limit=abc", 400, "'limit'");
    expect(R_PUBLIC, "GET", "/api/v1/results", "limit=0", 400, "'limit'");
    expect(R_PUBLIC, "GET", "/api/v1/results", "limit=10001", 400, "1 to 10000");
    expect(R_PUBLIC, "GET", "/api/v1/results", "offset=-1", 400, "'offset'");
    expect(R_PUBLIC, "GET", "/api/v1/results", "area=" H "&area=" M, 400, "twice");
    expect(R_PUBLIC, "GET", "/api/v1/results", "area=E06/../x", 400, "'area'");
    expect(R_PUBLIC, "GET", "/api/v1/results", "level=planet", 400, "'level'");
    expect(R_PUBLIC, "GET", "/api/v1/results", "measure=no_such", 400, "'measure'");
    expect(R_PUBLIC, "GET", "/api/v1/results", "area=" H "&organisation=P0001", 400, NULL);
    expect(R_PUBLIC, "GET", "/api/v1/results", "format=xml", 400, "json|csv");
    expect(R_PUBLIC, "GET", "/api/v1/measures", "x=1", 400, "expected none");
    expect(R_PUBLIC, "GET", "/api/v1/reference/../../etc/passwd", NULL, 400, NULL);
    expect(R_PUBLIC, "GET", "/api/v1/reference/areas%2f..", NULL, 400, NULL);
    expect(R_PUBLIC, "GET", "/api/v1/reference/.hidden", NULL, 400, NULL);
    expect(R_PUBLIC, "GET", "/api/v1/reference/abcdefghijklmnopq", NULL, 404, NULL);
    expect(R_PUBLIC, "GET", "/etc/passwd", NULL, 404, NULL);
    expect(R_PUBLIC, "GET", "/api/v1/nothing", NULL, 404, "no such resource");
    expect(R_PUBLIC, "GET", "/api/v2/results", NULL, 404, NULL);
    expect(R_PUBLIC, "GET", "", NULL, 404, NULL);
    expect(R_PUBLIC, "PUT", "/api/v1/results", NULL, 405, "allowed: GET");
    expect(R_NATIONAL, "GET", "/api/v1/submissions/12x", NULL, 400, "digits");
    expect(R_NATIONAL, "GET", "/api/v1/submissions/-1", NULL, 400, NULL);
    expect(R_NATIONAL, "GET", "/api/v1/submissions/0", NULL, 404, NULL);
    expect(R_NATIONAL, "GET", "/api/v1/submissions/1234567890123456789", NULL, 400, NULL);
    expect(R_NATIONAL, "GET", "/api/v1/submissions", "source=P0001&source=P0003", 400, "twice");
    expect(R_PROVIDER, "POST", "/api/v1/submissions", NULL, 400, "'source' is required");
    expect(R_PROVIDER, "POST", "/api/v1/submissions", "source=P0001", 400, "no file");
    expect(R_PUBLIC, "DELETE", "/api/v1/results", NULL, 405, NULL);
    expect(R_PUBLIC, "POST", "/api/v1/session", NULL, 400, "JSON");
    expect(R_PUBLIC, "GET", "/api/v1/frameworks", NULL, 200, "\"frameworks\":[{\"id\"");
    expect(R_PROVIDER, "GET", "/api/v1/reference/providers", "code=P0003", 200, "P0003");
    expect(R_PROVIDER, "GET", "/api/v1/reference/providers", "code=P9999", 404, NULL);
    /* HEAD answers as GET (the server sends no body) */
    expect(R_PUBLIC, "HEAD", "/api/v1/measures", NULL, 200, NULL);
}

/* ---- CSV and paging ---------------------------------------------------------------------- */

static size_t fields_in(const char *line, size_t n)
{
    size_t f = 1;
    int quoted = 0;
    for (size_t i = 0; i < n; i++) {
        if (line[i] == '"') quoted = !quoted;
        else if (line[i] == ',' && !quoted) f++;
    }
    return f;
}

static void csv_and_paging(void)
{
    dsms_api_response r = serve(R_AREA, "GET", "/api/v1/results", "format=csv&limit=10000");
    CHECK_INT(r.status, 200);
    CHECK(r.content_type && strstr(r.content_type, "text/csv"));
    size_t want = 0, lines = 0, bad = 0;
    for (const char *s = r.body, *end = r.body + r.len; s < end;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        if (!nl) break;
        size_t f = fields_in(s, (size_t)(nl - s));
        if (!want) want = f;
        bad += f != want;
        lines++;
        s = nl + 1;
    }
    CHECK(want == 21 && bad == 0 && lines > 1);
    int total_header = 0;
    for (size_t i = 0; i < r.nheaders; i++)
        if (strcmp(r.header[i][0], "X-Total-Count") == 0)
            total_header = atoi(r.header[i][1]) == (int)lines - 1;
    CHECK(total_header);
    dsms_api_response_free(&r);

    request rq;
    make(&rq, "GET", "/api/v1/results", "measure=in_treatment");
    rq.req.accept = "text/csv";
    dsms_principal p = {0};
    CHECK_INT(dsms_api_serve_as(st, &rq.req, &p, &r), 0);
    CHECK(r.content_type && strstr(r.content_type, "csv"));
    dsms_api_response_free(&r);

    /* pages of 7 add up to the total, each saying the next */
    long total = -1, seen = 0, pages = 0;
    char query[600] = "limit=7&breakdown=all&measure=in_treatment";
    for (;;) {
        r = serve(R_NATIONAL, "GET", "/api/v1/results", query);
        json_t *j = body_json(&r);
        if (r.status != 200 || !j) {
            CHECK_INT(r.status, 200);
            json_decref(j);
            dsms_api_response_free(&r);
            break;
        }
        long t = (long)json_integer_value(json_object_get(j, "total"));
        if (total < 0) total = t;
        CHECK_INT(t, total);
        seen += (long)json_array_size(json_object_get(j, "rows"));
        pages++;
        const char *next = json_string_value(json_object_get(j, "next"));
        if (next) {
            const char *qm = strchr(next, '?');
            CHECK(qm && strncmp(next, "/api/v1/results?", 16) == 0);
            snprintf(query, sizeof query, "%s", qm ? qm + 1 : "");
        }
        json_decref(j);
        dsms_api_response_free(&r);
        if (!next || pages > 100000) break;
    }
    CHECK(total > 7);
    CHECK_INT(seen, total);
    expect(R_NATIONAL, "GET", "/api/v1/results", "offset=999999999", 200, "\"rows\":[]");
}

/* ---- the table against the OpenAPI document and docs/api.md ----------------------------- */

static void described(void)
{
    char *text = dsms_api_openapi();
    json_t *doc = text ? json_loads(text, 0, NULL) : NULL;
    CHECK(doc != NULL);
    CHECK_STR(json_string_value(json_object_get(doc, "openapi")), "3.0.3");
    json_t *paths = json_object_get(doc, "paths");
    size_t n;
    const api_route *rt = api_routes(&n);
    FILE *f = fopen(DSMS_TEST_DOCS "/api.md", "r");
    CHECK(f != NULL);
    static char md[1 << 17];
    size_t mdn = f ? fread(md, 1, sizeof md - 1, f) : 0;
    md[mdn] = 0;
    if (f) fclose(f);
    for (size_t i = 0; i < n; i++) {
        char lower[8] = "";
        for (size_t k = 0; rt[i].method[k] && k < 7; k++) lower[k] = (char)(rt[i].method[k] | 32);
        json_t *op = json_object_get(json_object_get(paths, rt[i].path), lower);
        if (op) check_passed++;
        else check_failed++, fprintf(stderr, "openapi: %s %s missing\n", rt[i].method, rt[i].path);
        for (size_t k = 0; k < API_MAX_ROUTE_PARAMS && rt[i].params[k].name; k++) {
            json_t *ps = json_object_get(op, "parameters"), *pv;
            size_t x;
            int found = 0;
            json_array_foreach(ps, x, pv) found |= strcmp(json_string_value(json_object_get(
                                                          pv, "name")), rt[i].params[k].name) == 0;
            CHECK(found);
        }
        char heading[160];
        snprintf(heading, sizeof heading, "`%s %s`", rt[i].method, rt[i].path);
        if (strstr(md, heading)) check_passed++;
        else check_failed++, fprintf(stderr, "docs/api.md: no %s\n", heading);
        /* every query parameter named in the docs too */
        for (size_t k = 0; k < API_MAX_ROUTE_PARAMS && rt[i].params[k].name; k++) {
            char name[64];
            snprintf(name, sizeof name, "`%s`", rt[i].params[k].name);
            if (strstr(md, name)) check_passed++;
            else check_failed++, fprintf(stderr, "docs/api.md: no parameter %s\n", name);
        }
    }
    json_decref(doc);
    free(text);
    dsms_api_response r = serve(R_PUBLIC, "GET", "/api/v1/openapi.json", NULL);
    CHECK_INT(r.status, 200);
    dsms_api_response_free(&r);
}

/* ---- submissions, quarantine, uploads and the audit record ------------------------------- */

static void submissions(void)
{
    char path[80];
    snprintf(path, sizeof path, "/api/v1/submissions/%lld/quarantine", (long long)sub_own);
    dsms_api_response r = serve(R_PROVIDER, "GET", path, NULL);
    CHECK_INT(r.status, 200);
    json_t *j = body_json(&r);
    CHECK_INT(json_integer_value(json_object_get(j, "total")), 1);
    json_t *row = json_array_get(json_object_get(j, "rows"), 0);
    CHECK(json_is_object(json_object_get(row, "record")));
    CHECK(json_object_get(json_object_get(row, "record"), "initials") == NULL);
    CHECK(json_array_size(json_object_get(row, "diagnostics")) > 0 ||
          json_is_object(json_object_get(row, "diagnostics")));
    CHECK(!r.body || !strstr(r.body, "QZ"));
    json_decref(j);
    dsms_api_response_free(&r);

    /* a provider lists only its own */
    r = serve(R_PROVIDER, "GET", "/api/v1/submissions", NULL);
    j = body_json(&r);
    size_t i;
    json_t *s;
    int others = 0;
    json_array_foreach(json_object_get(j, "submissions"), i, s)
        others += strcmp(json_string_value(json_object_get(s, "source")), "P0001") != 0;
    CHECK_INT(others, 0);
    CHECK(json_integer_value(json_object_get(j, "total")) >= 1);
    json_decref(j);
    dsms_api_response_free(&r);
    expect(R_PROVIDER, "GET", "/api/v1/submissions", "source=P0003", 200, "\"total\":0");
    expect(R_NATIONAL, "GET", "/api/v1/submissions", "source=P0003", 200, "\"total\":1");

    /* an upload: rows read = accepted + quarantined; the results due again */
    int64_t before = dsms_store_count(st, "submissions", NULL);
    int64_t audit = dsms_store_count(st, "audit", NULL);
    request rq;
    make(&rq, "POST", "/api/v1/submissions", "source=P0001&name=new.csv");
    rq.req.upload_fd = open(episodes("new.csv", "P0001", H, "N", 5, 1), O_RDONLY);
    dsms_principal p = principal(R_PROVIDER);
    CHECK_INT(dsms_api_serve_as(st, &rq.req, &p, &r), 0);
    close(rq.req.upload_fd);
    CHECK_INT(r.status, 201);
    CHECK_INT(r.recompute, 1);
    j = body_json(&r);
    CHECK_INT(json_integer_value(json_object_get(j, "rows")), 6);
    CHECK_INT(json_integer_value(json_object_get(j, "accepted")) +
                  json_integer_value(json_object_get(j, "quarantined")), 6);
    CHECK(json_array_size(json_object_get(j, "diagnostics")) >= 1);
    CHECK(json_integer_value(json_object_get(j, "submission")) > 0);
    json_decref(j);
    dsms_api_response_free(&r);
    CHECK_INT(dsms_store_count(st, "submissions", NULL), before + 1);
    CHECK(dsms_store_count(st, "audit", NULL) > audit);

    /* refused whole: 422, nothing stored */
    before = dsms_store_count(st, "submissions", NULL);
    make(&rq, "POST", "/api/v1/submissions", "source=P0001");
    rq.req.upload_fd = open(support_file("junk.csv", "not,a,table\n1,2,3\n"), O_RDONLY);
    CHECK_INT(dsms_api_serve_as(st, &rq.req, &p, &r), 0);
    close(rq.req.upload_fd);
    CHECK_INT(r.status, 422);
    CHECK_INT(r.recompute, 0);
    dsms_api_response_free(&r);
    CHECK_INT(dsms_store_count(st, "submissions", NULL), before);

    /* no key: 503 */
    make(&rq, "POST", "/api/v1/submissions", "source=P0001");
    rq.req.store_key = NULL;
    rq.req.upload_fd = upload_fd();
    CHECK_INT(dsms_api_serve_as(st, &rq.req, &p, &r), 0);
    close(rq.req.upload_fd);
    CHECK_INT(r.status, 503);
    dsms_api_response_free(&r);

    /* a download of what is not public is audited; the public's is not */
    audit = dsms_store_count(st, "audit", NULL);
    expect(R_PUBLIC, "GET", "/api/v1/results", "area=" H, 200, NULL);
    CHECK_INT(dsms_store_count(st, "audit", NULL), audit);
    expect(R_AREA, "GET", "/api/v1/results", "area=" H, 200, NULL);
    CHECK_INT(dsms_store_count(st, "audit", NULL), audit + 1);

    /* the record read from a time, which must be one */
    expect(R_NATIONAL, "GET", "/api/v1/audit", "since=2020-01-01", 200, "\"action\":\"download\"");
    expect(R_NATIONAL, "GET", "/api/v1/audit", "since=2020-01-01T00:00:00Z", 200, "\"events\"");
    expect(R_NATIONAL, "GET", "/api/v1/audit", "since=2999-01-01", 200, "\"total\":0");
    const char *bad_times[] = {"yesterday", "2020-1-01", "2020-01-01 00:00:00", "2020-01-01T00:00Z",
                               "2020-01-01T00:00:00", "20200101"};
    for (size_t i = 0; i < sizeof bad_times / sizeof *bad_times; i++) {
        char q[80];
        snprintf(q, sizeof q, "since=%s", bad_times[i]);
        expect(R_NATIONAL, "GET", "/api/v1/audit", q, 400, "not a time");
    }

    /* received since a day or a time: all of them since long ago, none since the future */
    dsms_api_response all = serve(R_NATIONAL, "GET", "/api/v1/submissions", NULL);
    j = body_json(&all);
    json_int_t total = json_integer_value(json_object_get(j, "total"));
    json_t *last = json_array_get(json_object_get(j, "submissions"), total - 1);
    char q[96];
    snprintf(q, sizeof q, "since=%s", json_string_value(json_object_get(last, "received_at")));
    json_decref(j);
    dsms_api_response_free(&all);
    CHECK(total >= 3);
    char says[40];
    snprintf(says, sizeof says, "\"total\":%lld", (long long)total);
    expect(R_NATIONAL, "GET", "/api/v1/submissions", "since=2020-01-01", 200, says);
    expect(R_NATIONAL, "GET", "/api/v1/submissions", "since=2020-01-01T00:00:00Z", 200, says);
    expect(R_NATIONAL, "GET", "/api/v1/submissions", "since=2999-01-01", 200, "\"total\":0");
    expect(R_PROVIDER, "GET", "/api/v1/submissions", "since=2020-01-01&source=P0003", 200,
           "\"total\":0");
    /* at or after: the latest one's own time finds it, and none received before it */
    r = serve(R_NATIONAL, "GET", "/api/v1/submissions", q);
    j = body_json(&r);
    CHECK_INT(r.status, 200);
    CHECK(json_integer_value(json_object_get(j, "total")) >= 1);
    const char *from = strchr(q, '=') + 1;
    int before_since = 0;
    json_array_foreach(json_object_get(j, "submissions"), i, s)
        before_since += strcmp(json_string_value(json_object_get(s, "received_at")), from) < 0;
    CHECK_INT(before_since, 0);
    json_decref(j);
    dsms_api_response_free(&r);
    for (size_t k = 0; k < sizeof bad_times / sizeof *bad_times; k++) {
        snprintf(q, sizeof q, "since=%s", bad_times[k]);
        expect(R_NATIONAL, "GET", "/api/v1/submissions", q, 400, "not a time");
    }

    expect(R_NATIONAL, "GET", "/api/v1/me", NULL, 200, "\"role\":\"national\"");
    expect(R_AREA, "GET", "/api/v1/me", NULL, 200, "\"scope\":[\"" H "\"]");
}

/* ---- through authentication --------------------------------------------------------------- */

static void authenticated(void)
{
    request rq;
    dsms_api_response r;
    make(&rq, "GET", "/api/v1/measures", NULL);
    CHECK_INT(dsms_api_handle(st, &rq.req, &r), 0);
    CHECK_INT(r.status, 200);
    dsms_api_response_free(&r);
    rq.req.bearer = "dsms_nonsense";
    CHECK_INT(dsms_api_handle(st, &rq.req, &r), 0);
    CHECK_INT(r.status, 401);
    dsms_api_response_free(&r);
    rq.req.bearer = NULL;
    rq.req.session = "dsms_ended";
    CHECK_INT(dsms_api_handle(st, &rq.req, &r), 0);
    CHECK_INT(r.status, 401);
    dsms_api_response_free(&r);
    make(&rq, "POST", "/api/v1/session", NULL);
    rq.req.session = "dsms_stale";
    rq.req.body = "{\"name\":\"nobody\",\"password\":\"wrong password\"}";
    rq.req.body_len = strlen(rq.req.body);
    CHECK_INT(dsms_api_handle(st, &rq.req, &r), 0);
    CHECK_INT(r.status, 401);
    CHECK(r.body && strstr(r.body, "wrong name or password"));
    dsms_api_response_free(&r);
}

/* ---- the session cookie and the accounts ---------------------------------------------------- */

/* A header's value in r, or "". */
static const char *header_of(const dsms_api_response *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcmp(r->header[i][0], name) == 0) return r->header[i][1];
    return "";
}

/* Log in name through authentication (tls or not): the answer, its session and CSRF token. */
static dsms_api_response log_in(const char *name, const char *password, int tls,
                                char session[DSMS_TOKEN_TEXT], char csrf[DSMS_TOKEN_TEXT])
{
    char body[160];
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"password\":\"%s\"}", name, password);
    request rq;
    make(&rq, "POST", "/api/v1/session", NULL);
    rq.req.body = body;
    rq.req.body_len = strlen(body);
    rq.req.tls = tls;
    dsms_api_response r;
    CHECK_INT(dsms_api_handle(st, &rq.req, &r), 0);
    CHECK_INT(r.status, 200);
    const char *cookie = header_of(&r, "Set-Cookie");
    const char *value = cookie && strncmp(cookie, "dsms_session=", 13) == 0 ? cookie + 13 : "";
    snprintf(session, DSMS_TOKEN_TEXT, "%.*s", (int)strcspn(value, ";"), value);
    json_t *j = body_json(&r);
    snprintf(csrf, DSMS_TOKEN_TEXT, "%s", json_string_value(json_object_get(j, "csrf")));
    json_decref(j);
    return r;
}

/* The cookie reaches every path of the server (its pages outside /api too), HttpOnly,
 * SameSite=Strict, Secure over TLS; logging out clears it at the same path. */
static void session_cookie(void)
{
    char session[DSMS_TOKEN_TEXT], csrf[DSMS_TOKEN_TEXT];
    dsms_api_response r = log_in("zoe", "a long password 1", 0, session, csrf);
    const char *cookie = header_of(&r, "Set-Cookie");
    CHECK(strncmp(cookie, "dsms_session=dsms_", 18) == 0);
    CHECK(strstr(cookie, "; Path=/;") != NULL);
    CHECK(strstr(cookie, "Path=/api") == NULL);
    CHECK(strstr(cookie, "; HttpOnly") != NULL);
    CHECK(strstr(cookie, "; SameSite=Strict") != NULL);
    CHECK(strstr(cookie, "Secure") == NULL);
    dsms_api_response_free(&r);

    request rq;
    make(&rq, "DELETE", "/api/v1/session", NULL);
    rq.req.session = session;
    rq.req.csrf = csrf;
    CHECK_INT(dsms_api_handle(st, &rq.req, &r), 0);
    CHECK_INT(r.status, 200);
    cookie = header_of(&r, "Set-Cookie");
    CHECK(strncmp(cookie, "dsms_session=;", 14) == 0);
    CHECK(strstr(cookie, "; Path=/;") != NULL && strstr(cookie, "Max-Age=0") != NULL);
    dsms_api_response_free(&r);

    r = log_in("zoe", "a long password 1", 1, session, csrf);
    cookie = header_of(&r, "Set-Cookie");
    CHECK(strstr(cookie, "; Path=/;") != NULL);
    CHECK(strlen(cookie) > 8 && strcmp(cookie + strlen(cookie) - 8, "; Secure") == 0);
    dsms_api_response_free(&r);
}

static int keep_hash(void *ctx, const dsms_store_user *u)
{
    snprintf(ctx, 256, "%s", u->password_hash);
    return 1;
}

/* The account of a name in a list of accounts, or NULL. */
static json_t *account_in(json_t *list, const char *name)
{
    size_t i;
    json_t *a;
    json_array_foreach(list, i, a)
        if (strcmp(json_string_value(json_object_get(a, "name")), name) == 0) return a;
    return NULL;
}

static void users(void)
{
    setenv("DSMS_PWHASH_FAST", "1", 1);
    dsms_err err = {""};
    dsms_actor by = {"tester", "test"};
    const char *area[] = {H}, *orgs[] = {"P0001", "P0003"};
    CHECK_INT(dsms_account_add(st, "zoe", "national", NULL, 0, "a long password 1", &by, &err),
              0);
    CHECK_INT(dsms_account_add(st, "amy.area", "area", area, 1, "a long password 2", &by, &err),
              0);
    CHECK_INT(dsms_account_add(st, "mo@prov", "provider", orgs, 2, "a long password 3", &by,
                               &err), 0);
    char token[DSMS_TOKEN_TEXT], revoked[DSMS_TOKEN_TEXT], hash[256] = "";
    CHECK_INT(dsms_token_new(st, "mo@prov", "script", token, &by, &err), 0);
    CHECK_INT(dsms_token_new(st, "mo@prov", "old", revoked, &by, &err), 0);
    CHECK_INT(dsms_token_revoke(st, "mo@prov", "old", &by, &err), 0);
    CHECK_INT(dsms_store_user_each(st, "mo@prov", keep_hash, hash, &err), 0);
    CHECK(strlen(hash) > 20);
    /* amy.area locked by failed logins, now */
    for (int k = 0; k < DSMS_LOGIN_LOCK_AFTER; k++) {
        dsms_principal p;
        char s[DSMS_TOKEN_TEXT], c[DSMS_TOKEN_TEXT];
        long delay;
        CHECK_INT(dsms_login(st, "amy.area", "a wrong password", (int64_t)time(NULL), &p, s, c,
                             &delay, &by, &err), DSMS_AUTH_REFUSED);
    }
    session_cookie(); /* zoe logs in */

    /* each role: only the national one lists the accounts */
    expect(R_PUBLIC, "GET", "/api/v1/users", NULL, 401, "log in");
    expect(R_AREA, "GET", "/api/v1/users", NULL, 403, "area role");
    expect(R_PROVIDER, "GET", "/api/v1/users", NULL, 403, "provider role");
    request rq;
    dsms_api_response r;
    make(&rq, "GET", "/api/v1/users", NULL);
    rq.req.bearer = token; /* the provider's own token, authenticated */
    CHECK_INT(dsms_api_handle(st, &rq.req, &r), 0);
    CHECK_INT(r.status, 403);
    dsms_api_response_free(&r);

    int64_t audit = dsms_store_count(st, "audit", NULL);
    r = serve(R_NATIONAL, "GET", "/api/v1/users", NULL);
    CHECK_INT(dsms_store_count(st, "audit", NULL), audit); /* reading them is not audited */
    CHECK_INT(r.status, 200);
    json_t *j = body_json(&r);
    json_t *list = json_object_get(j, "accounts");
    CHECK_INT(json_integer_value(json_object_get(j, "total")), 3);
    CHECK_INT((long)json_array_size(list), 3);
    CHECK_STR(json_string_value(json_object_get(json_array_get(list, 0), "name")), "amy.area");
    CHECK_STR(json_string_value(json_object_get(json_array_get(list, 1), "name")), "mo@prov");
    CHECK_STR(json_string_value(json_object_get(json_array_get(list, 2), "name")), "zoe");
    size_t i;
    json_t *a;
    json_array_foreach(list, i, a) {
        CHECK_INT((long)json_object_size(a), 7);
        CHECK(json_is_string(json_object_get(a, "role")));
        CHECK(json_is_array(json_object_get(a, "scope")));
        CHECK(json_is_string(json_object_get(a, "created_at")));
        CHECK(json_is_boolean(json_object_get(a, "locked")));
        CHECK(json_is_integer(json_object_get(a, "tokens")));
        CHECK(json_object_get(a, "last_login") != NULL);
    }
    json_t *zoe = account_in(list, "zoe"), *amy = account_in(list, "amy.area");
    json_t *mo = account_in(list, "mo@prov");
    CHECK_STR(json_string_value(json_object_get(zoe, "role")), "national");
    CHECK_INT((long)json_array_size(json_object_get(zoe, "scope")), 0);
    CHECK(json_is_string(json_object_get(zoe, "last_login")));
    CHECK(json_is_false(json_object_get(zoe, "locked")));
    CHECK_INT(json_integer_value(json_object_get(zoe, "tokens")), 0);
    CHECK_STR(json_string_value(json_object_get(amy, "role")), "area");
    CHECK_STR(json_string_value(json_array_get(json_object_get(amy, "scope"), 0)), H);
    CHECK(json_is_null(json_object_get(amy, "last_login"))); /* failed logins are none */
    CHECK(json_is_true(json_object_get(amy, "locked")));
    CHECK_STR(json_string_value(json_object_get(mo, "role")), "provider");
    CHECK_INT((long)json_array_size(json_object_get(mo, "scope")), 2);
    CHECK_STR(json_string_value(json_array_get(json_object_get(mo, "scope"), 1)), "P0003");
    CHECK(json_is_null(json_object_get(mo, "last_login")));
    CHECK(json_is_false(json_object_get(mo, "locked")));
    CHECK_INT(json_integer_value(json_object_get(mo, "tokens")), 1); /* the revoked one not */
    json_decref(j);
    /* nothing secret: no hash, no token, not even their marks */
    CHECK(!holds(r.body, r.len, hash));
    CHECK(!holds(r.body, r.len, "$argon2"));
    CHECK(!holds(r.body, r.len, token) && !holds(r.body, r.len, token + 5));
    CHECK(!holds(r.body, r.len, revoked) && !holds(r.body, r.len, "dsms_"));
    CHECK(!holds(r.body, r.len, "hash") && !holds(r.body, r.len, "password"));
    CHECK(!holds(r.body, r.len, "script"));
    dsms_api_response_free(&r);

    /* paged, by name */
    expect(R_NATIONAL, "GET", "/api/v1/users", "limit=1&offset=1", 200,
           "{\"total\":3,\"offset\":1,\"limit\":1,\"accounts\":[{\"name\":\"mo@prov\"");
    expect(R_NATIONAL, "GET", "/api/v1/users", "limit=2", 200, "\"name\":\"amy.area\"");
    r = serve(R_NATIONAL, "GET", "/api/v1/users", "limit=2&offset=2");
    j = body_json(&r);
    CHECK_INT((long)json_array_size(json_object_get(j, "accounts")), 1);
    json_t *third = json_array_get(json_object_get(j, "accounts"), 0);
    CHECK_STR(json_string_value(json_object_get(third, "name")), "zoe");
    CHECK(json_is_string(json_object_get(third, "last_login")));
    json_decref(j);
    dsms_api_response_free(&r);
    expect(R_NATIONAL, "GET", "/api/v1/users", "offset=3", 200,
           "{\"total\":3,\"offset\":3,\"limit\":100,\"accounts\":[]}");

    /* bad input */
    expect(R_NATIONAL, "GET", "/api/v1/users", "limit=0", 400, "'limit'");
    expect(R_NATIONAL, "GET", "/api/v1/users", "limit=10001", 400, "1 to 10000");
    expect(R_NATIONAL, "GET", "/api/v1/users", "offset=abc", 400, "'offset'");
    expect(R_NATIONAL, "GET", "/api/v1/users", "offset=-1", 400, "'offset'");
    expect(R_NATIONAL, "GET", "/api/v1/users", "name=zoe", 400, "unknown parameter 'name'");
    expect(R_NATIONAL, "GET", "/api/v1/users", "limit=1&limit=2", 400, "twice");

    /* a name removed and given again: the new account has not logged in */
    sleep(1); /* the record's times are to the second */
    CHECK_INT(dsms_account_remove(st, "zoe", &by, &err), 0);
    CHECK_INT(dsms_account_add(st, "zoe", "national", NULL, 0, "a long password 4", &by, &err),
              0);
    r = serve(R_NATIONAL, "GET", "/api/v1/users", NULL);
    j = body_json(&r);
    CHECK(json_is_null(json_object_get(account_in(json_object_get(j, "accounts"), "zoe"),
                                       "last_login")));
    json_decref(j);
    dsms_api_response_free(&r);
}

/* ---- the public's answers kept ------------------------------------------------------------ */

/* GET /api/v1/results as role, with the cache c (or none): the query as make() takes it,
 * except that in a value '^' stands for '&' and '~' for '=' (as %26 and %3D decoded). */
static dsms_api_response ask(int role, const char *query, const char *accept, dsms_api_cache *c)
{
    request rq;
    make(&rq, "GET", "/api/v1/results", query);
    for (size_t i = 0; i < rq.req.nparams; i++)
        for (char *s = (char *)rq.req.value[i]; *s; s++)
            *s = *s == '^' ? '&' : *s == '~' ? '=' : *s;
    rq.req.accept = accept;
    rq.req.cache = c;
    dsms_principal p = principal(role);
    dsms_api_response r;
    CHECK_INT(dsms_api_serve_as(st, &rq.req, &p, &r), 0);
    return r;
}

/* The same answer, byte for byte: status, type, headers and body. */
static int same_answer(const dsms_api_response *a, const dsms_api_response *b)
{
    if (a->status != b->status || a->len != b->len || a->nheaders != b->nheaders) return 0;
    if (!a->content_type != !b->content_type ||
        (a->content_type && strcmp(a->content_type, b->content_type) != 0))
        return 0;
    if (a->len && memcmp(a->body, b->body, a->len) != 0) return 0;
    for (size_t i = 0; i < a->nheaders; i++)
        if (strcmp(a->header[i][0], b->header[i][0]) || strcmp(a->header[i][1], b->header[i][1]))
            return 0;
    return 1;
}

static void same_at(int line, const dsms_api_response *got, const dsms_api_response *want,
                    const char *what)
{
    if (same_answer(got, want)) {
        check_passed++;
        return;
    }
    check_failed++;
    fprintf(stderr, "%s:%d: %s: answer %d of %zu bytes (%.80s), expected %d of %zu (%.80s)\n",
            __FILE__, line, what, got->status, got->len, got->body ? got->body : "",
            want->status, want->len, want->body ? want->body : "");
}
#define SAME(got, want, what) same_at(__LINE__, got, want, what)

/* The cache's figures are as expected: entries (-1: any), hits and misses. */
static void figures_at(int line, dsms_api_cache *c, long entries, unsigned long hits,
                       unsigned long misses)
{
    dsms_api_cache_figures f;
    dsms_api_cache_stats(c, &f);
    if ((entries < 0 || f.entries == (size_t)entries) && f.hits == hits && f.misses == misses)
        check_passed++;
    else {
        check_failed++;
        fprintf(stderr, "%s:%d: cache: %zu entries, %lu hits, %lu misses; expected %ld, %lu, %lu\n",
                __FILE__, line, f.entries, f.hits, f.misses, entries, hits, misses);
    }
}
#define FIGURES(c, entries, hits, misses) figures_at(__LINE__, c, entries, hits, misses)

static dsms_api_cache_figures figures_now(dsms_api_cache *c)
{
    dsms_api_cache_figures f;
    dsms_api_cache_stats(c, &f);
    return f;
}

/* The public's answer kept is the answer made afresh, byte for byte, in JSON and CSV,
 * the first time (made and kept) and the second (taken from the cache). */
static void cache_same_answers(void)
{
    dsms_api_cache *c = dsms_api_cache_new(64u << 20);
    CHECK(c != NULL);
    FIGURES(c, 0, 0, 0);
    static const struct {
        const char *query, *accept;
    } asks[] = {
        {"limit=10000", NULL},
        {"format=csv&limit=10000", NULL},
        {"limit=10000", "text/csv"},
        {"measure=in_treatment&area=" H, NULL},
        {"measure=in_treatment&area=" H, "text/csv"},
        {"period=2024-25&breakdown=sex&format=csv", "application/json"},
        {NULL, NULL},
    };
    size_t n = sizeof asks / sizeof *asks;
    for (size_t i = 0; i < n; i++) {
        dsms_api_response plain = ask(R_PUBLIC, asks[i].query, asks[i].accept, NULL);
        CHECK_INT(plain.status, 200);
        CHECK(plain.len > 100);
        dsms_api_response first = ask(R_PUBLIC, asks[i].query, asks[i].accept, c);
        FIGURES(c, (long)i + 1, i, i + 1);
        dsms_api_response second = ask(R_PUBLIC, asks[i].query, asks[i].accept, c);
        FIGURES(c, (long)i + 1, i + 1, i + 1);
        SAME(&first, &plain, asks[i].query ? asks[i].query : "(no query)");
        SAME(&second, &plain, asks[i].query ? asks[i].query : "(no query)");
        int csv = plain.content_type && strstr(plain.content_type, "text/csv");
        CHECK_INT(csv, (asks[i].query && strstr(asks[i].query, "format=csv")) ||
                           (asks[i].accept && strstr(asks[i].accept, "text/csv")));
        dsms_api_response_free(&plain);
        dsms_api_response_free(&first);
        dsms_api_response_free(&second);
    }
    dsms_api_cache_figures f = figures_now(c);
    CHECK(f.bytes > 0);

    /* Through dsms_api_handle, with no credentials: the public, served from the cache. */
    request rq;
    make(&rq, "GET", "/api/v1/results", "limit=10000");
    rq.req.cache = c;
    dsms_api_response r, plain = ask(R_PUBLIC, "limit=10000", NULL, NULL);
    CHECK_INT(dsms_api_handle(st, &rq.req, &r), 0);
    SAME(&r, &plain, "dsms_api_handle");
    FIGURES(c, (long)n, n + 1, n);
    dsms_api_response_free(&r);
    dsms_api_response_free(&plain);
    dsms_api_cache_free(c);
}

/* Different queries, different answers: each gets its own, never another's, kept or not;
 * a value holding '&' or '=' is not read as two parameters. */
static void cache_different_queries(void)
{
    static const struct {
        const char *query, *accept;
    } asks[] = {
        {"measure=in_treatment", NULL},
        {"measure=in_treatment&offset=5", NULL},
        {"measure=in_treatment&offset=5&limit=3", NULL},
        {"measure=in_treatment&limit=3&offset=6", NULL},
        {"measure=in_treatment&limit=3", NULL},
        {"measure=in_treatment&limit=3", "text/csv"},
        {"measure=in_treatment&limit=3&format=csv", NULL},
        {"measure=in_treatment&limit=3&format=json", "text/csv"},
        {"measure=in_treatment&limit=3&area=" M, NULL},
        {"measure=in_treatment&limit=3&level=region", NULL},
        {"period=2024-25^breakdown~sex&limit=7", NULL},
        {"period=2024-25&breakdown=sex&limit=7", NULL},
        {"period=2024-25^category~all&limit=8", NULL},
        {"period=2024-25&category=all&limit=8", NULL},
        {"period=2024-25&category=all^limit~1", NULL},
        {"period=2024-25&category=all&limit=1", NULL},
    };
    enum { N = sizeof asks / sizeof *asks };
    dsms_api_response plain[N];
    for (size_t i = 0; i < N; i++) {
        plain[i] = ask(R_PUBLIC, asks[i].query, asks[i].accept, NULL);
        CHECK_INT(plain[i].status, 200);
    }
    /* the answers differ, so that one taken for another is seen */
    size_t alike = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t k = i + 1; k < N; k++) alike += same_answer(&plain[i], &plain[k]);
    CHECK_INT(alike, 0);
    dsms_api_cache *c = dsms_api_cache_new(64u << 20);
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < N; i++) {
            dsms_api_response r = ask(R_PUBLIC, asks[i].query, asks[i].accept, c);
            SAME(&r, &plain[i], asks[i].query);
            dsms_api_response_free(&r);
        }
    FIGURES(c, N, N, N);
    for (size_t i = 0; i < N; i++) dsms_api_response_free(&plain[i]);
    dsms_api_cache_free(c);
}

/* Anyone else is answered from the store, with what they may see, and audited: the cache
 * is neither read nor written for them. */
static void cache_other_roles(void)
{
    dsms_api_cache *c = dsms_api_cache_new(64u << 20);
    static const char *const queries[] = {"limit=10000", "area=" H "&limit=10000",
                                          "organisation=P0001&limit=10000"};
    enum { N = sizeof queries / sizeof *queries };
    dsms_api_response pub[N];
    for (size_t i = 0; i < N; i++) {
        pub[i] = ask(R_PUBLIC, queries[i], NULL, c);
        CHECK_INT(pub[i].status, 200);
    }
    FIGURES(c, N, 0, N);
    dsms_api_cache_figures before = figures_now(c);
    for (int role = R_NATIONAL; role < NROLES; role++)
        for (size_t i = 0; i < N; i++) {
            dsms_api_response plain = ask(role, queries[i], NULL, NULL);
            int64_t audit = dsms_store_count(st, "audit", NULL);
            dsms_api_response r = ask(role, queries[i], NULL, c);
            int64_t audited = dsms_store_count(st, "audit", NULL) - audit;
            char what[120];
            snprintf(what, sizeof what, "%s: %s", role_label(role), queries[i]);
            SAME(&r, &plain, what);
            /* its own answer, not the public's: figures not public, and audited */
            int own = plain.status == 200 &&
                      holds(plain.body, plain.len, "\"unsuppressed_view\":true");
            if (own) {
                CHECK(!same_answer(&r, &pub[i]));
                CHECK_INT(audited, 1);
            } else {
                CHECK_INT(audited, 0);
            }
            /* The area's and national's own figures include cells hidden from the public. */
            if (strstr(queries[i], "area=") && role != R_PROVIDER) {
                CHECK(own);
                CHECK(holds(pub[i].body, pub[i].len, "\"suppressed\":true"));
            }
            dsms_api_response_free(&plain);
            dsms_api_response_free(&r);
        }
    dsms_api_cache_figures after = figures_now(c);
    CHECK(after.entries == before.entries && after.bytes == before.bytes &&
          after.hits == before.hits && after.misses == before.misses);
    /* and the public's kept answers are still its own */
    for (size_t i = 0; i < N; i++) {
        dsms_api_response r = ask(R_PUBLIC, queries[i], NULL, c);
        SAME(&r, &pub[i], queries[i]);
        dsms_api_response_free(&r);
        dsms_api_response_free(&pub[i]);
    }
    FIGURES(c, N, N, N);
    dsms_api_cache_free(c);
}

static const char *as_of_of(const dsms_api_response *r, char *buf, size_t n)
{
    json_t *j = body_json(r);
    snprintf(buf, n, "%s", json_string_value(json_object_get(j, "as_of")) ?
                               json_string_value(json_object_get(j, "as_of")) : "");
    json_decref(j);
    return buf;
}

/* Computed again: the answers kept go, and the next is made from the new results. */
static void cache_new_computation(void)
{
    dsms_api_cache *c = dsms_api_cache_new(64u << 20);
    dsms_err err = {""};
    char at1[40] = "", at2[40] = "", got[40];
    int64_t id1 = 0, id2 = 0;
    CHECK_INT(dsms_store_computed_at(st, &id1, at1, sizeof at1, &err), 1);
    dsms_api_response old = ask(R_PUBLIC, "limit=10000", NULL, c);
    dsms_api_response old_csv = ask(R_PUBLIC, "limit=10000&format=csv", NULL, c);
    dsms_api_response r = ask(R_PUBLIC, "limit=10000", NULL, c);
    SAME(&r, &old, "before computing again");
    dsms_api_response_free(&r);
    FIGURES(c, 2, 1, 2);
    CHECK_STR(as_of_of(&old, got, sizeof got), at1);

    /* A second later (the time is kept to the second), with the upload of submissions()
     * counted too. */
    time_t t0 = time(NULL);
    while (time(NULL) == t0) usleep(20000);
    dsms_compute_report rep = {0};
    int rc = dsms_compute(st, NULL, 0, &rep, &err);
    if (rc) fprintf(stderr, "compute: %s\n", err.msg);
    CHECK_INT(rc, 0);
    CHECK_INT(dsms_store_computed_at(st, &id2, at2, sizeof at2, &err), 1);
    CHECK(id2 > id1);
    CHECK(strcmp(at2, at1) > 0);

    dsms_api_response fresh = ask(R_PUBLIC, "limit=10000", NULL, NULL);
    r = ask(R_PUBLIC, "limit=10000", NULL, c);
    FIGURES(c, 1, 1, 3);
    SAME(&r, &fresh, "computed again");
    CHECK(!same_answer(&r, &old));
    CHECK_STR(as_of_of(&r, got, sizeof got), at2);
    dsms_api_response_free(&r);
    r = ask(R_PUBLIC, "limit=10000", NULL, c);
    FIGURES(c, 1, 2, 3);
    SAME(&r, &fresh, "computed again, kept");
    dsms_api_response_free(&r);
    /* the CSV kept before went with the rest: made afresh, with the new time */
    r = ask(R_PUBLIC, "limit=10000&format=csv", NULL, c);
    FIGURES(c, 2, 2, 4);
    CHECK(!same_answer(&r, &old_csv));
    int as_of_header = 0;
    for (size_t i = 0; i < r.nheaders; i++)
        if (strcmp(r.header[i][0], "X-DSMS-As-Of") == 0)
            as_of_header = strcmp(r.header[i][1], at2) == 0;
    CHECK(as_of_header);
    dsms_api_response_free(&r);
    dsms_api_response_free(&fresh);
    dsms_api_response_free(&old);
    dsms_api_response_free(&old_csv);
    dsms_api_cache_free(c);
}

/* The bound: the bytes kept stay within it, the least recently used answer going first; an
 * answer over the bound alone is answered but not kept; a cache of 0 bytes keeps nothing. */
static void cache_bound(void)
{
    /* The room three answers of one size take, measured in a large cache. */
    dsms_api_cache *big = dsms_api_cache_new(64u << 20);
    for (int i = 0; i < 3; i++) {
        char q[80];
        snprintf(q, sizeof q, "measure=in_treatment&limit=5&offset=%d", 10 + i);
        dsms_api_response r = ask(R_PUBLIC, q, NULL, big);
        dsms_api_response_free(&r);
    }
    size_t three = figures_now(big).bytes;
    dsms_api_cache_free(big);
    CHECK(three > 1000);

    size_t max = three + three / 10;
    dsms_api_cache *c = dsms_api_cache_new(max);
    const char *a = "measure=in_treatment&limit=5&offset=20";
    const char *b = "measure=in_treatment&limit=5&offset=21";
    const char *d = "measure=in_treatment&limit=5&offset=22";
    const char *e = "measure=in_treatment&limit=5&offset=23";
    dsms_api_response r;
    const char *order[] = {a, b, d, a, e}; /* a used again before e comes */
    for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
        r = ask(R_PUBLIC, order[i], NULL, c);
        CHECK_INT(r.status, 200);
        dsms_api_response_free(&r);
        CHECK(figures_now(c).bytes <= max);
    }
    FIGURES(c, 3, 1, 4); /* b went, the least recently used */
    r = ask(R_PUBLIC, a, NULL, c);
    dsms_api_response_free(&r);
    FIGURES(c, -1, 2, 4);
    r = ask(R_PUBLIC, b, NULL, c);
    dsms_api_response_free(&r);
    FIGURES(c, -1, 2, 5);

    /* many different queries: each answered as made afresh, the bytes within the bound */
    size_t most_entries = 0, over = 0, wrong = 0;
    for (int i = 0; i < 60; i++) {
        char q[80];
        snprintf(q, sizeof q, "measure=in_treatment&limit=%d&offset=%d", 4 + i % 3, i);
        dsms_api_response plain = ask(R_PUBLIC, q, NULL, NULL);
        r = ask(R_PUBLIC, q, NULL, c);
        wrong += !same_answer(&r, &plain);
        dsms_api_response_free(&r);
        dsms_api_response_free(&plain);
        dsms_api_cache_figures f = figures_now(c);
        over += f.bytes > max;
        if (f.entries > most_entries) most_entries = f.entries;
    }
    CHECK_INT(wrong, 0);
    CHECK_INT(over, 0);
    CHECK(most_entries >= 2 && most_entries <= 4);

    /* an answer larger than the bound: answered as ever, not kept, nothing put out for it */
    dsms_api_cache_figures before = figures_now(c);
    dsms_api_response plain = ask(R_PUBLIC, "limit=10000", NULL, NULL);
    CHECK(plain.len > max);
    for (int i = 0; i < 2; i++) {
        r = ask(R_PUBLIC, "limit=10000", NULL, c);
        SAME(&r, &plain, "larger than the bound");
        dsms_api_response_free(&r);
    }
    dsms_api_cache_figures after = figures_now(c);
    CHECK(after.entries == before.entries && after.bytes == before.bytes);
    CHECK(after.misses == before.misses + 2 && after.hits == before.hits);
    dsms_api_response_free(&plain);
    dsms_api_cache_free(c);

    /* no room at all: nothing kept, every answer made afresh */
    c = dsms_api_cache_new(0);
    for (int i = 0; i < 2; i++) {
        r = ask(R_PUBLIC, a, NULL, c);
        CHECK_INT(r.status, 200);
        dsms_api_response_free(&r);
    }
    FIGURES(c, 0, 0, 2);
    CHECK_INT(figures_now(c).bytes, 0);
    dsms_api_cache_free(c);
}

/* Refusals are never kept: each is made again, and the cache stays empty. */
static void cache_errors(void)
{
    dsms_api_cache *c = dsms_api_cache_new(64u << 20);
    static const char *const bad[] = {"limit=0", "limit=10001", "limit=abc", "measure=no_such",
                                      "format=xml", "area=" H "&organisation=P0001"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        dsms_api_response plain = ask(R_PUBLIC, bad[i], NULL, NULL);
        CHECK_INT(plain.status, 400);
        for (int k = 0; k < 2; k++) {
            dsms_api_response r = ask(R_PUBLIC, bad[i], NULL, c);
            SAME(&r, &plain, bad[i]);
            dsms_api_response_free(&r);
        }
        dsms_api_response_free(&plain);
    }
    dsms_api_cache_figures f = figures_now(c);
    CHECK(f.entries == 0 && f.bytes == 0 && f.hits == 0);
    dsms_api_cache_free(c);
}

static void cache(void)
{
    cache_same_answers();
    cache_different_queries();
    cache_other_roles();
    cache_bound();
    cache_errors();
    cache_new_computation(); /* last: the results change */
}

/* ---- framework statuses ------------------------------------------------------------- */

typedef struct {
    size_t n, suppressed;
    double value[64];
    int seq[64];
} stored_statuses;

static int note_status(void *ctx, const dsms_status_row *r)
{
    stored_statuses *s = ctx;
    if (s->n < 64) s->value[s->n] = r->value, s->seq[s->n] = r->seq;
    s->n++;
    s->suppressed += r->suppressed != 0;
    return 0;
}

/* The statuses of H as role sees them against what the store holds: the
 * same rows in the same order; a withheld one blanked for whom its area is
 * not unsuppressed, and shown to whom it is (and audited). */
static void statuses_for(int role, const stored_statuses *want)
{
    dsms_api_response r = serve(role, "GET", "/api/v1/frameworks/national-2021/status",
                                "area=" H);
    CHECK_INT(r.status, 200);
    json_t *j = body_json(&r), *rows = json_object_get(j, "rows");
    CHECK_INT((long)json_array_size(rows), (long)want->n);
    int unsup = role == R_NATIONAL || role == R_AREA;
    size_t i, blanked = 0, shown = 0;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (i >= 64) break;
        int suppressed = json_is_true(json_object_get(row, "suppressed"));
        json_t *v = json_object_get(row, "value");
        CHECK(strcmp(json_string_value(json_object_get(row, "area")), H) == 0);
        if (suppressed && !unsup) {
            blanked++;
            CHECK(json_is_null(v));
            CHECK(json_is_null(json_object_get(row, "gap_people")));
            CHECK(json_is_null(json_object_get(row, "baseline")));
            CHECK(json_is_null(json_object_get(row, "trend")));
            CHECK(strstr(json_string_value(json_object_get(row, "why")), "withheld") != NULL);
        } else if (!isnan(want->value[i])) {
            shown += suppressed;
            double got = json_number_value(v); /* the API gives 15 significant figures */
            CHECK(json_is_number(v) && fabs(got - want->value[i]) <= 1e-12 * fabs(got));
        }
        CHECK_INT(json_is_true(json_object_get(row, "unsuppressed_view")), suppressed && unsup);
    }
    CHECK_INT((long)(unsup ? shown : blanked), (long)want->suppressed);
    json_decref(j);
    dsms_api_response_free(&r);
}

static void framework_statuses(void)
{
    stored_statuses want = {0};
    dsms_err err = {""};
    CHECK_INT(dsms_store_each_status(st, "national-2021", H, NULL, note_status, &want, &err), 0);
    CHECK_INT((long)want.n, 27); /* one latest status for each metric, in order */
    for (size_t i = 0; i < want.n && i < 64; i++) CHECK_INT(want.seq[i], (long)i);
    CHECK(want.suppressed > 0); /* a small store: some figures are withheld */
    for (int role = 0; role < NROLES; role++) statuses_for(role, &want);
    dsms_api_response r = serve(R_PUBLIC, "GET", "/api/v1/frameworks", NULL);
    json_t *j = body_json(&r);
    json_t *first = json_array_get(json_object_get(j, "frameworks"), 0);
    CHECK(first && strcmp(json_string_value(json_object_get(first, "id")), "national-2021") == 0);
    CHECK_INT(json_integer_value(json_object_get(first, "metrics")), 27);
    json_decref(j);
    dsms_api_response_free(&r);
    r = serve(R_PUBLIC, "GET", "/api/v1/frameworks/national-2021", NULL);
    j = body_json(&r);
    json_t *m = json_array_get(json_object_get(j, "metrics"), 19);
    CHECK(m && strcmp(json_string_value(json_object_get(m, "id")), "in-treatment") == 0);
    CHECK(json_number_value(json_object_get(m, "target")) == 54500);
    json_decref(j);
    dsms_api_response_free(&r);
    expect(R_PUBLIC, "GET", "/api/v1/frameworks/national-2021/status", "area=E0600000;1", 400,
           "area");
    expect(R_PUBLIC, "GET", "/api/v1/frameworks/nosuch/status", NULL, 404, "no framework");
    r = serve(R_PUBLIC, "GET", "/api/v1/frameworks/national-2021/status", "period=1999-00");
    j = body_json(&r);
    CHECK_INT((long)json_array_size(json_object_get(j, "rows")), 0);
    json_decref(j);
    dsms_api_response_free(&r);
}

int main(void)
{
    build();
    matrix();
    for (int role = 0; role < NROLES; role++) results_for(role);
    bad_input();
    csv_and_paging();
    described();
    submissions();
    authenticated();
    users();
    framework_statuses();
    cache();
    dsms_store_close(st);
    support_cleanup();
    return check_summary();
}
