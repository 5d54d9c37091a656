/* web_account.c — the dashboard's pages for accounts: logging in and out
 * (through the API's session routes, in process), a provider's page (its
 * submissions, an upload with its diagnostics, its figures), a
 * submission's quarantined rows with what to fix, a partnership's page
 * with its reports to download, and the national team's (the national
 * report unsuppressed, submissions received by organisation and month,
 * the accounts and the audit record). Whoever may not see a page is sent
 * to log in (the public) or told it is not theirs; another provider's
 * submission does not exist for a provider, as in the API. */
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "api_int.h"
#include "dsms/refdata.h"
#include "web_int.h"

/* ---- the API, in process ------------------------------------------------------------- */

/* GET path?key=value... as the caller: its JSON, or NULL with *status set. */
static json_t *api_get(web_call *c, const char *path, const char *const *kv, size_t nkv,
                       int *status)
{
    dsms_api_request q = *c->req;
    q.method = "GET", q.path = path, q.nparams = 0, q.body = NULL, q.body_len = 0;
    q.upload_fd = -1, q.accept = NULL, q.cache = NULL;
    for (size_t i = 0; i + 1 < nkv && q.nparams < DSMS_API_MAX_PARAMS; i += 2) {
        q.key[q.nparams] = kv[i];
        q.value[q.nparams++] = kv[i + 1];
    }
    dsms_api_response r;
    dsms_api_serve_as(c->st, &q, &c->p, &r);
    *status = r.status;
    json_t *j = r.status == 200 && r.body ? json_loadb(r.body, r.len, 0, NULL) : NULL;
    dsms_api_response_free(&r);
    return j;
}

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static long long jint(json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

/* ---- forms ------------------------------------------------------------------------------ */

static int hex(int ch)
{
    return isdigit(ch) ? ch - '0' : isxdigit(ch) ? (tolower(ch) - 'a' + 10) : -1;
}

/* A field of an application/x-www-form-urlencoded body, decoded into buf. */
static const char *form_field(const web_call *c, const char *name, char *buf, size_t n)
{
    const char *b = c->req->body, *end = b ? b + c->req->body_len : NULL;
    size_t k = strlen(name);
    while (b && b < end) {
        const char *amp = memchr(b, '&', (size_t)(end - b));
        const char *stop = amp ? amp : end;
        if ((size_t)(stop - b) > k && strncmp(b, name, k) == 0 && b[k] == '=') {
            size_t o = 0;
            for (const char *s = b + k + 1; s < stop && o + 1 < n; s++) {
                if (*s == '+') buf[o++] = ' ';
                else if (*s == '%' && s + 2 < stop + 0 + 1 && hex(s[1]) >= 0 && hex(s[2]) >= 0) {
                    buf[o++] = (char)(hex(s[1]) * 16 + hex(s[2]));
                    s += 2;
                } else buf[o++] = *s;
            }
            buf[o] = 0;
            return buf;
        }
        b = stop + 1;
    }
    return NULL;
}

/* The session cookie the API set (logging in) or cleared (out), passed on
 * to the page's answer; the API's copy wiped. */
static void pass_cookie(web_call *c, dsms_api_response *r)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcmp(r->header[i][0], "Set-Cookie") == 0) {
            api_header(c->resp, "Set-Cookie", "%s", r->header[i][1]);
            sodium_memzero(r->header[i], sizeof r->header[i]);
        }
}

/* ---- logging in and out -------------------------------------------------------------------- */

static int login_form(web_call *c, const char *problem)
{
    web_page pg;
    if (web_begin(c, &pg, "Log in") != 0) return -1;
    FILE *f = pg.f;
    fputs("<h1>Log in</h1>\n", f);
    if (problem) {
        fputs("<p class=\"problem\" role=\"alert\">", f);
        web_esc(f, problem);
        fputs("</p>\n", f);
    }
    fputs("<form class=\"login\" method=\"post\" action=\"/login\">\n"
          "<p><label for=\"name\">Account name</label>"
          "<input id=\"name\" name=\"name\" autocomplete=\"username\" required=\"required\"/></p>\n"
          "<p><label for=\"password\">Password</label>"
          "<input id=\"password\" name=\"password\" type=\"password\" "
          "autocomplete=\"current-password\" required=\"required\"/></p>\n"
          "<p><button type=\"submit\">Log in</button></p>\n</form>\n"
          "<p>Accounts are for providers, local partnerships and the national team. "
          "Everyone else can see every public figure without one.</p>\n",
          f);
    return web_end(c, &pg);
}

int web_login_page(web_call *c)
{
    if (c->p.role != DSMS_ROLE_PUBLIC) {
        char home[64];
        web_home(c, home, sizeof home);
        return web_redirect(c, home);
    }
    return login_form(c, NULL);
}

int web_login(web_call *c)
{
    char name[DSMS_NAME_MAX], password[1100];
    if (!form_field(c, "name", name, sizeof name) ||
        !form_field(c, "password", password, sizeof password)) {
        c->resp->status = 400;
        return login_form(c, "Give your account name and password.");
    }
    json_t *body = json_pack("{ssss}", "name", name, "password", password);
    sodium_memzero(password, sizeof password);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text) return web_error(c, 500, "Out of memory.");
    dsms_api_request q = *c->req;
    q.method = "POST", q.path = "/api/v1/session", q.nparams = 0, q.session = NULL;
    q.body = text, q.body_len = strlen(text), q.upload_fd = -1;
    dsms_api_response r;
    dsms_api_handle(c->st, &q, &r);
    sodium_memzero(text, strlen(text));
    free(text);
    c->resp->delay_ms = r.delay_ms;
    int status = r.status;
    if (status == 200) pass_cookie(c, &r);
    dsms_api_response_free(&r);
    if (status == 200) return web_redirect(c, "/home");
    c->resp->status = status == 429 ? 429 : 401;
    return login_form(c, status == 429 ? "Too many failed attempts: the account is locked for a "
                                         "while. Try again later."
                                       : "That name and password do not match an account.");
}

int web_logout(web_call *c)
{
    char csrf[DSMS_TOKEN_TEXT];
    if (c->p.role == DSMS_ROLE_PUBLIC) return web_redirect(c, "/");
    if (!form_field(c, "csrf", csrf, sizeof csrf) || strlen(csrf) != strlen(c->csrf) ||
        sodium_memcmp(csrf, c->csrf, strlen(csrf)) != 0)
        return web_error(c, 403, "The form was not this session's: log out from a page of it.");
    dsms_api_request q = *c->req;
    q.method = "DELETE", q.path = "/api/v1/session", q.nparams = 0, q.csrf = c->csrf;
    q.body = NULL, q.body_len = 0, q.upload_fd = -1;
    dsms_api_response r;
    dsms_api_handle(c->st, &q, &r);
    pass_cookie(c, &r);
    dsms_api_response_free(&r);
    return web_redirect(c, "/");
}

/* ---- homes and who may see what -------------------------------------------------------------- */

static int in_scope(const dsms_principal *p, const char *code)
{
    for (size_t i = 0; i < p->nscope && i < DSMS_SCOPE_MAX; i++)
        if (strcmp(p->scope[i], code) == 0) return 1;
    return 0;
}

/* Whether p may see partnership id's page: the national role, or an area
 * account bound to every one of its areas. -1: no such partnership. */
static int partnership_allowed(const web_call *c, const dsms_refdata *ref, const char *id)
{
    int members = 0, mine = 0;
    for (size_t i = 0; i < ref->npartnerships; i++) {
        if (strcmp(ref->partnerships[i].code, id) != 0) continue;
        members++;
        mine += in_scope(&c->p, ref->areas[ref->partnerships[i].area].code);
    }
    if (!members) return -1;
    return c->p.role == DSMS_ROLE_NATIONAL || (c->p.role == DSMS_ROLE_AREA && mine == members);
}

void web_home(web_call *c, char *buf, size_t n)
{
    const dsms_principal *p = &c->p;
    if (p->role == DSMS_ROLE_NATIONAL) {
        snprintf(buf, n, "/national");
        return;
    }
    if (p->role == DSMS_ROLE_PROVIDER && p->nscope) {
        snprintf(buf, n, "/provider/%s", p->scope[0]);
        return;
    }
    if (p->role != DSMS_ROLE_AREA || !p->nscope) {
        snprintf(buf, n, "/");
        return;
    }
    snprintf(buf, n, "/area/%s", p->scope[0]);
    dsms_refdata ref = {0};
    dsms_err err = {""};
    if (dsms_refdata_fetch(&ref, c->st, &err) != 0) return;
    for (size_t i = 0; i < ref.npartnerships; i++)
        if (partnership_allowed(c, &ref, ref.partnerships[i].code) == 1) {
            snprintf(buf, n, "/partnership/%s", ref.partnerships[i].code);
            break;
        }
    dsms_refdata_free(&ref);
}

static int must_log_in(web_call *c)
{
    return web_redirect(c, "/login");
}

/* ---- a provider ------------------------------------------------------------------------------ */

static void upload_form(web_call *c, FILE *f, void *ctx)
{
    const char *code = ctx;
    if (c->p.role != DSMS_ROLE_PROVIDER) return;
    fputs("<section id=\"upload\" aria-labelledby=\"upload-h\">\n"
          "<h2 id=\"upload-h\">Submit a file</h2>\n"
          "<form id=\"upload-form\" class=\"upload\" data-source=\"", f);
    web_esc(f, code);
    fputs("\">\n<div id=\"drop\" class=\"drop\">\n<p>Drop a CSV file here, or choose one.</p>\n"
          "<p><label for=\"upload-file\">CSV file to submit</label> "
          "<input type=\"file\" id=\"upload-file\" name=\"file\" accept=\".csv,text/csv\"/></p>\n"
          "</div>\n<p><button type=\"submit\" id=\"upload-send\">Submit the file</button></p>\n"
          "<progress id=\"upload-progress\" max=\"100\" value=\"0\" hidden=\"hidden\">"
          "</progress>\n<p id=\"upload-status\" role=\"status\" aria-live=\"polite\"></p>\n"
          "<div id=\"upload-result\"></div>\n"
          "<noscript><p>Submitting from this page needs JavaScript. Without it, submit with "
          "<code>dsms import</code> or the API (POST /api/v1/submissions).</p></noscript>\n"
          "</form>\n</section>\n",
          f);
}

static void provider_alerts(web_call *c, dsms_report *r, void *ctx)
{
    web_alerts_provider(c, r, ctx);
}

int web_provider_page(web_call *c, const char *code)
{
    if (c->p.role == DSMS_ROLE_PUBLIC) return must_log_in(c);
    if (c->p.role != DSMS_ROLE_NATIONAL && !(c->p.role == DSMS_ROLE_PROVIDER &&
                                             in_scope(&c->p, code)))
        return web_error(c, 404, "There is no such provider among yours.");
    web_hooks h = {upload_form, provider_alerts, (void *)code};
    return web_report(c, DSMS_REPORT_PROVIDER, code, &h);
}

/* ---- a submission ------------------------------------------------------------------------ */

static void cell(FILE *f, const char *s)
{
    fputs("<td>", f);
    web_esc(f, s);
    fputs("</td>", f);
}

static void quarantine_rows(FILE *f, json_t *rows)
{
    fputs("<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-labelledby=\"q-cap\">"
          "<table>\n<caption id=\"q-cap\">Rows held back, and what to fix</caption>\n<thead><tr>"
          "<th scope=\"col\">Line</th><th scope=\"col\">Field</th><th scope=\"col\">What was "
          "wrong</th><th scope=\"col\">What is expected</th><th scope=\"col\">Severity</th>"
          "</tr></thead>\n<tbody>\n", f);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        size_t k;
        json_t *dg;
        json_array_foreach(json_object_get(row, "diagnostics"), k, dg) {
            fprintf(f, "<tr><td class=\"num\">%lld</td>", jint(row, "line"));
            cell(f, jstr(dg, "field"));
            cell(f, jstr(dg, "message"));
            cell(f, jstr(dg, "expected"));
            cell(f, jstr(dg, "severity"));
            fputs("</tr>\n", f);
        }
    }
    fputs("</tbody>\n</table></div>\n", f);
}

int web_submission_page(web_call *c, const char *id)
{
    if (c->p.role == DSMS_ROLE_PUBLIC) return must_log_in(c);
    char path[96];
    int status;
    snprintf(path, sizeof path, "/api/v1/submissions/%s", id);
    json_t *sub = api_get(c, path, NULL, 0, &status);
    if (!sub) return web_error(c, status == 403 ? 403 : 404, "There is no such submission "
                                                             "among those you may see.");
    snprintf(path, sizeof path, "/api/v1/submissions/%s/quarantine", id);
    static const char *const kv[] = {"limit", "1000"};
    json_t *q = api_get(c, path, kv, 2, &status);
    web_page pg;
    char title[160];
    snprintf(title, sizeof title, "Submission %s", id);
    if (web_begin(c, &pg, title) != 0) {
        json_decref(sub);
        json_decref(q);
        return -1;
    }
    FILE *f = pg.f;
    fprintf(f, "<h1>Submission %s: ", id);
    web_esc(f, jstr(sub, "file"));
    fputs("</h1>\n<dl class=\"facts\">", f);
    static const char *const facts[][2] = {{"source", "Organisation"}, {"table", "Kind of data"},
                                           {"received_at", "Received"}, {"by", "By"},
                                           {"status", "Status"}};
    for (size_t i = 0; i < sizeof facts / sizeof *facts; i++) {
        fprintf(f, "<dt>%s</dt><dd>", facts[i][1]);
        web_esc(f, jstr(sub, facts[i][0]));
        fputs("</dd>", f);
    }
    fprintf(f, "<dt>Rows</dt><dd>%lld read: %lld accepted, %lld held back, %lld warnings</dd>"
               "</dl>\n",
            jint(sub, "rows"), jint(sub, "accepted"), jint(sub, "quarantined"),
            jint(sub, "warnings"));
    fputs("<section id=\"quarantine\" aria-labelledby=\"q-h\"><h2 id=\"q-h\">Held back</h2>\n", f);
    json_t *rows = json_object_get(q, "rows");
    if (json_array_size(rows)) quarantine_rows(f, rows);
    else fputs("<p>No row was held back.</p>\n", f);
    fprintf(f, "<p><a href=\"/provider/");
    web_esc(f, jstr(sub, "source"));
    fputs("\">Back to the organisation's page</a></p>\n</section>\n", f);
    json_decref(sub);
    json_decref(q);
    return web_end(c, &pg);
}

/* ---- a partnership ----------------------------------------------------------------------- */

static void downloads(web_call *c, FILE *f, void *ctx)
{
    (void)c;
    const char *id = ctx;
    fputs("<section id=\"reports\" aria-labelledby=\"reports-h\"><h2 id=\"reports-h\">"
          "Reports to download</h2>\n<ul class=\"downloads\">", f);
    static const char *const formats[][2] = {{"pdf", "PDF"}, {"xlsx", "spreadsheet (XLSX)"},
                                             {"html", "web page (HTML)"}};
    for (size_t i = 0; i < 3; i++) {
        fputs("<li><a href=\"/reports/partnership/", f);
        web_esc(f, id);
        fprintf(f, ".%s\">The partnership's annual report, %s</a></li>", formats[i][0],
                formats[i][1]);
    }
    fputs("</ul>\n</section>\n", f);
}

static void partnership_alerts(web_call *c, dsms_report *r, void *ctx)
{
    web_alerts_partnership(c, r, ctx);
}

int web_partnership_page(web_call *c, const char *id)
{
    if (c->p.role == DSMS_ROLE_PUBLIC) return must_log_in(c);
    dsms_refdata ref = {0};
    dsms_err err = {""};
    if (dsms_refdata_fetch(&ref, c->st, &err) != 0) return web_error(c, 503, "%s", err.msg);
    int ok = partnership_allowed(c, &ref, id);
    dsms_refdata_free(&ref);
    if (ok != 1) return web_error(c, 404, "There is no such partnership among yours.");
    web_hooks h = {downloads, partnership_alerts, (void *)id};
    return web_report(c, DSMS_REPORT_PARTNERSHIP, id, &h);
}

/* ---- reports to download ----------------------------------------------------------------- */

int web_download(web_call *c, const char *kind, const char *code, const char *format)
{
    if (c->p.role == DSMS_ROLE_PUBLIC) return must_log_in(c);
    if (strcmp(kind, "partnership") != 0)
        return web_error(c, 404, "There is no such report to download.");
    dsms_refdata ref = {0};
    dsms_err err = {""};
    if (dsms_refdata_fetch(&ref, c->st, &err) != 0) return web_error(c, 503, "%s", err.msg);
    int ok = partnership_allowed(c, &ref, code);
    if (ok != 1) {
        dsms_refdata_free(&ref);
        return web_error(c, 404, "There is no such partnership among yours.");
    }
    int pdf = strcmp(format, "pdf") == 0, xlsx = strcmp(format, "xlsx") == 0;
    if (!pdf && !xlsx && strcmp(format, "html") != 0) {
        dsms_refdata_free(&ref);
        return web_error(c, 404, "Reports come as .pdf, .xlsx or .html.");
    }
    dsms_report_source *src = dsms_report_source_open_as(c->st, &ref, c->period, &c->p, &err);
    dsms_report r;
    dsms_report_request q = {DSMS_REPORT_PARTNERSHIP, code, NULL, NULL, 0};
    int rc = src ? dsms_report_build_on(src, c->st, &q, &r, &err) : -1;
    char *buf = NULL;
    size_t len = 0;
    if (rc == 0 && xlsx) {
        char path[] = "/tmp/dsms-report-XXXXXX";
        int fd = mkstemp(path);
        rc = fd < 0 ? -1 : dsms_report_xlsx(&r, path, &err);
        FILE *in = rc == 0 ? fdopen(fd, "rb") : NULL;
        FILE *out = in ? open_memstream(&buf, &len) : NULL;
        char chunk[65536];
        size_t got;
        while (in && out && (got = fread(chunk, 1, sizeof chunk, in)) > 0)
            fwrite(chunk, 1, got, out);
        if (out) fclose(out);
        if (in) fclose(in);
        else if (fd >= 0) close(fd);
        if (fd >= 0) unlink(path);
        if (!out) rc = -1;
    } else if (rc == 0) {
        FILE *out = open_memstream(&buf, &len);
        rc = !out ? -1 : pdf ? dsms_report_pdf(&r, out, &err) : dsms_report_html(&r, out, &err);
        if (out) fclose(out);
    }
    if (src) dsms_report_free(&r);
    dsms_report_source_close(src);
    dsms_refdata_free(&ref);
    if (rc != 0) {
        free(buf);
        return web_error(c, 500, "The report could not be made: %s", err.msg);
    }
    api_header(c->resp, "Content-Disposition", "attachment; filename=\"partnership-%s.%s\"", code,
               format);
    return web_send(c, 200, pdf ? "application/pdf" : xlsx ? "application/vnd.openxmlformats-"
                                                             "officedocument.spreadsheetml.sheet"
                                                           : "text/html; charset=utf-8",
                    buf, len);
}
