/* api_results.c — GET /api/v1/results: the measures' results as the caller
 * may see them, filtered and paged, as JSON or CSV.
 *
 * Every row goes past the policy: dsms_policy_sees_row decides whether it is
 * shown at all (an organisation's rows only to the national role and the
 * organisation's own provider accounts), dsms_policy_unsuppressed whether it
 * is shown as stored or as public output shows it. The public reads through
 * dsms_each_public_result itself; anyone else reads the stored rows, and a
 * row they may not see unsuppressed is treated exactly as that function
 * treats it: blanked when disclosure control suppressed it, refused when its
 * disclosure was never decided. A caller who was shown any row unsuppressed
 * has downloaded data that is not public, and the audit record says so. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "dsms/grow.h"
#include "dsms/measures.h"

typedef struct {
    api_call *c;
    const char *level, *category, *organisation;
    int csv;
    long offset, limit, total, unsuppressed;
    json_t *rows; /* JSON */
    char *text;   /* CSV */
    size_t len, cap;
    int oom;
    dsms_err *err;
} res_read;

static json_t *num(double x)
{
    return isnan(x) || !isfinite(x) ? json_null() : json_real(x);
}

static json_t *str(const char *s)
{
    return s ? json_string(s) : json_null();
}

static void put(res_read *r, const char *s, size_t n)
{
    if (r->oom) return;
    if (dsms_room_for((void **)&r->text, &r->cap, r->len + n + 1, 1, 4096)) {
        r->oom = 1;
        return;
    }
    memcpy(r->text + r->len, s, n);
    r->len += n;
    r->text[r->len] = 0;
}

static void put_field(res_read *r, const char *s, int last)
{
    if (s && strpbrk(s, ",\"\r\n")) {
        put(r, "\"", 1);
        for (const char *p = s; *p; p++) {
            put(r, p, 1);
            if (*p == '"') put(r, "\"", 1);
        }
        put(r, "\"", 1);
    } else if (s) {
        put(r, s, strlen(s));
    }
    put(r, last ? "\n" : ",", 1);
}

static void put_num(res_read *r, double x, int last)
{
    char buf[32] = "";
    if (!isnan(x) && isfinite(x)) dsms_number_text(x, buf);
    put_field(r, buf, last);
}

static const char csv_header[] =
    "measure,area_code,level,period,breakdown,category,numerator,denominator,value,lower95,"
    "upper95,lower99_8,upper99_8,vs_england,vs_comparators,trend,provisional,suppressed,"
    "unsuppressed_view,by_occurrence,incomplete_history\n";

static int shown_row(res_read *r, const dsms_result *x, int unsup)
{
    int suppressed = x->disclosure == DSMS_SUPPRESSED;
    if (r->csv) {
        put_field(r, x->measure, 0), put_field(r, x->area_code, 0), put_field(r, x->level, 0);
        put_field(r, x->period, 0), put_field(r, x->breakdown, 0), put_field(r, x->category, 0);
        put_num(r, x->numerator, 0), put_num(r, x->denominator, 0), put_num(r, x->value, 0);
        put_num(r, x->lower95, 0), put_num(r, x->upper95, 0), put_num(r, x->lower99_8, 0);
        put_num(r, x->upper99_8, 0), put_field(r, x->vs_england, 0);
        put_field(r, x->vs_comparators, 0), put_field(r, x->trend, 0);
        put_field(r, x->provisional ? "1" : "0", 0), put_field(r, suppressed ? "1" : "0", 0);
        put_field(r, unsup ? "1" : "0", 0), put_field(r, x->by_occurrence ? "1" : "0", 0);
        put_field(r, x->incomplete_history ? "1" : "0", 1);
        return r->oom ? -1 : 0;
    }
    json_t *o = json_pack(
        "{ssssssss soso soso sosososo sosososo sbsbsbsbsb}", "measure", x->measure, "area_code",
        x->area_code, "level", x->level, "period", x->period, "breakdown", str(x->breakdown),
        "category", str(x->category), "numerator", num(x->numerator), "denominator",
        num(x->denominator), "value", num(x->value), "lower95", num(x->lower95), "upper95",
        num(x->upper95), "lower99_8", num(x->lower99_8), "upper99_8", num(x->upper99_8),
        "vs_england", str(x->vs_england), "vs_comparators", str(x->vs_comparators), "trend",
        str(x->trend), "provisional", x->provisional, "suppressed", suppressed,
        "unsuppressed_view", unsup, "by_occurrence", x->by_occurrence, "incomplete_history",
        x->incomplete_history);
    return !o || json_array_append_new(r->rows, o) ? -1 : 0;
}

static int res_row(void *ctx, const dsms_result *x)
{
    res_read *r = ctx;
    const dsms_principal *p = r->c->p;
    if (r->level && strcmp(x->level, r->level) != 0) return 0;
    if (r->category && (!x->category || strcmp(x->category, r->category) != 0)) return 0;
    if (r->organisation && !dsms_level_is_organisation(x->level)) return 0;
    if (!dsms_policy_sees_row(p, x->level, x->area_code)) return 0;
    int unsup = dsms_policy_unsuppressed(p, x->area_code);
    dsms_result shown = *x;
    int k = unsup ? 1 : dsms_result_public(x, &shown);
    if (k < 0)
        dsms_err_set(r->err,
                     "the stored results of '%s' for %s were computed before disclosure "
                     "control was kept with them; they are shown again once computed anew",
                     x->measure, x->period);
    if (k <= 0) return k;
    long at = r->total++;
    if (at < r->offset || at >= r->offset + r->limit) return 0;
    r->unsuppressed += unsup && (x->disclosure != DSMS_PUBLISHED ||
                                 dsms_level_is_organisation(x->level));
    return shown_row(r, &shown, unsup);
}

/* Append to out (n bytes) at *at, never past its end: *at counts what the
 * whole text takes, so *at >= n says it was cut short. */
static void append(char *out, size_t n, size_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *out, size_t n, size_t *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(*at < n ? out + *at : NULL, *at < n ? n - *at : 0, fmt, ap);
    va_end(ap);
    if (w > 0) *at += (size_t)w;
}

/* head, then the query's parameters in the route's order, each value
 * percent-encoded (all of them, or all but offset) and each followed by '&'.
 * Where the text ends in out (n bytes): n or more when it was cut short. */
static size_t query_text(const api_call *c, const char *head, int offset, char *out, size_t n)
{
    size_t at = 0;
    append(out, n, &at, "%s", head);
    for (size_t k = 0; k < API_MAX_ROUTE_PARAMS && c->route->params[k].name; k++) {
        const char *name = c->route->params[k].name;
        if (!c->q[k] || (!offset && strcmp(name, "offset") == 0)) continue;
        append(out, n, &at, "%s=", name);
        for (const unsigned char *v = (const unsigned char *)c->q[k]; *v; v++) {
            int plain = (*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') ||
                        (*v >= '0' && *v <= '9') || *v == '-' || *v == '_' || *v == '.';
            append(out, n, &at, plain ? "%c" : "%%%02X", *v);
        }
        append(out, n, &at, "&");
    }
    return at;
}

/* The query again, with offset set to the next page's. */
static void next_link(const api_call *c, long offset, char *out, size_t n)
{
    char head[300];
    snprintf(head, sizeof head, "%s?", c->route->path);
    size_t at = query_text(c, head, 0, out, n);
    append(out, n, &at, "offset=%ld", offset);
}

/* The key of the public's kept answer: the format and the query, each value
 * percent-encoded so that a value holding '&' or '=' cannot pass for two
 * parameters (period=2024-25%26category%3Dall, matching nothing, would
 * otherwise be kept as the answer to period=2024-25&category=all). 0, or -1
 * when the key would not fit in out: the answer is not kept then. */
static int query_key(const api_call *c, int csv, char *out, size_t n)
{
    return query_text(c, csv ? "csv?" : "json?", 1, out, n) < n ? 0 : -1;
}

/* The answer, once the rows are read: CSV with the figures in headers, or
 * JSON. */
static int answer(api_call *c, res_read *r, const char *as_of, const char *data_end)
{
    char next[1024] = "";
    int more = r->offset + r->limit < r->total;
    if (more) next_link(c, r->offset + r->limit, next, sizeof next);
    if (r->csv) {
        api_header(c->resp, "X-DSMS-As-Of", "%s", as_of ? as_of : "never");
        api_header(c->resp, "X-DSMS-Data-End", "%s", data_end ? data_end : "none");
        api_header(c->resp, "X-Total-Count", "%ld", r->total);
        if (more) api_header(c->resp, "Link", "<%s>; rel=\"next\"", next);
        c->resp->body = r->text ? r->text : strdup(csv_header);
        if (!c->resp->body) return api_error(c->resp, 500, "out of memory");
        c->resp->len = strlen(c->resp->body);
        c->resp->status = 200;
        c->resp->content_type = "text/csv; charset=utf-8";
        return 0;
    }
    return api_json(c->resp, 200,
                    json_pack("{sosososIsIsIso}", "as_of", as_of ? json_string(as_of) : json_null(),
                              "results_data_end", data_end ? json_string(data_end) : json_null(),
                              "next", more ? json_string(next) : json_null(), "total",
                              (json_int_t)r->total, "offset", (json_int_t)r->offset, "limit",
                              (json_int_t)r->limit, "rows", r->rows));
}

int api_results(api_call *c)
{
    const char *area = api_q(c, "area"), *org = api_q(c, "organisation");
    if (area && org)
        return api_error(c->resp, 400, "parameters 'area' and 'organisation': give one or the "
                                       "other (expected one code)");
    const char *measure = api_q(c, "measure");
    if (measure && !dsms_measure_find(measure))
        return api_error(c->resp, 400, "parameter 'measure': no such measure (expected an id "
                                       "from /api/v1/measures)");
    const char *format = api_q(c, "format");
    const char *accept = c->req->accept;
    int csv = format ? strcmp(format, "csv") == 0 : accept && strstr(accept, "text/csv") != NULL;
    dsms_err err = {""};
    res_read r = {c, api_q(c, "level"), api_q(c, "category"), org, csv, 0, 100, 0, 0,
                  NULL, NULL, 0, 0, 0, &err};
    r.limit = api_count(c, "limit", 100);
    r.offset = api_count(c, "offset", 0);
    if (r.limit < 1 || r.limit > 10000)
        return api_error(c->resp, 400, "parameter 'limit': not valid (expected 1 to 10000)");
    char as_of[40] = "", data_end[16] = "";
    int64_t computation = 0;
    int has_as_of = dsms_store_computed_at(c->st, &computation, as_of, sizeof as_of, &err);
    int has_end = has_as_of < 0 ? -1 : dsms_store_meta_get(c->st, DSMS_META_DATA_END, data_end,
                                                           sizeof data_end, &err);
    if (has_as_of < 0 || has_end < 0) return api_store_error(c->resp, &err);
    /* The public's answers are the same for everyone until the next computation. */
    dsms_api_cache *cache = c->p->role == DSMS_ROLE_PUBLIC ? c->req->cache : NULL;
    char key[1024] = "";
    if (cache && query_key(c, csv, key, sizeof key)) cache = NULL;
    int kept = api_cache_get(cache, computation, key, c->resp);
    if (kept) return kept > 0 ? 0 : api_error(c->resp, 500, "out of memory");
    if (csv) put(&r, csv_header, sizeof csv_header - 1);
    else r.rows = json_array();
    dsms_result_filter f = {measure, area ? area : org, api_q(c, "period"), api_q(c, "breakdown")};
    int rc = r.oom || (!csv && !r.rows) ? -1
             : c->p->role == DSMS_ROLE_PUBLIC ? dsms_each_public_result(c->st, &f, res_row, &r, &err)
                                              : dsms_store_each_result(c->st, &f, res_row, &r, &err);
    if (rc) {
        free(r.text);
        json_decref(r.rows);
        return api_error(c->resp, strstr(err.msg, "disclosure") ? 503 : 500, "%s",
                         err.msg[0] ? err.msg : "out of memory");
    }
    if (r.unsuppressed) {
        char detail[200];
        snprintf(detail, sizeof detail, "results: %ld rows not public (measure %s, area %s)",
                 r.unsuppressed, measure ? measure : "any", f.area_code ? f.area_code : "any");
        api_audit(c, "download", detail);
    }
    rc = answer(c, &r, has_as_of ? as_of : NULL, has_end ? data_end : NULL);
    if (!rc) api_cache_put(cache, computation, key, c->resp);
    return rc;
}
