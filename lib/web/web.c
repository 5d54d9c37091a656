/* web.c — the dashboard's requests (dsms/web.h): who asks (the session's
 * cookie), which page or file, the frame every page shares, and the views
 * that are reports, built from a reading of the results kept between
 * requests for the public (one per year asked for, until the results are
 * computed again) and made afresh for anyone logged in. */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api_int.h"
#include "dsms/assets.h"
#include "dsms/refdata.h"
#include "web_int.h"

/* ---- the public's readings, kept ----------------------------------------------------- */

enum { KEPT = 6 }; /* readings kept at once: the public's and the national role's, a year each */

/* A reading of the results with the reference data it points into: on the
 * heap, never moved, since the source keeps a pointer to ref. */
typedef struct reading {
    dsms_report_source *src;
    dsms_refdata ref;
    int64_t computation;
    char key[32];    /* whose and which year: "public|", "national|2024-25" */
    int users;       /* requests building from it now */
    int kept;        /* in the table: freed by whoever puts another in its place */
    struct reading *borrowed; /* the kept reading this one was made from, held while in use */
    unsigned long used;
} reading;

struct dsms_web {
    pthread_mutex_t mu;
    pthread_mutex_t loading; /* one public reading made at a time: the others wait for it */
    reading *kept[KEPT];
    unsigned long clock;
};

dsms_web *dsms_web_new(void)
{
    dsms_web *w = calloc(1, sizeof *w);
    if (w) {
        pthread_mutex_init(&w->mu, NULL);
        pthread_mutex_init(&w->loading, NULL);
    }
    return w;
}

static void reading_free(reading *k)
{
    if (!k) return;
    dsms_report_source_close(k->src);
    dsms_refdata_free(&k->ref);
    free(k);
}

void dsms_web_free(dsms_web *w)
{
    if (!w) return;
    for (size_t i = 0; i < KEPT; i++) reading_free(w->kept[i]);
    pthread_mutex_destroy(&w->mu);
    pthread_mutex_destroy(&w->loading);
    free(w);
}

static reading *reading_new(dsms_store *st, const char *period, const dsms_principal *p,
                            dsms_err *err)
{
    reading *k = calloc(1, sizeof *k);
    if (!k) {
        dsms_err_set(err, "out of memory");
        return NULL;
    }
    if (dsms_refdata_fetch(&k->ref, st, err) != 0) {
        free(k);
        return NULL;
    }
    k->src = dsms_report_source_open_as(st, &k->ref, period, p, err);
    if (!k->src) {
        reading_free(k);
        return NULL;
    }
    k->users = 1;
    return k;
}

/* The public's reading for period: one kept, or a new one put in place of
 * the least recently used (a reading the results have outgrown is never
 * found again, and goes in its turn). One still in use when it is put out
 * is freed by its last user. */
/* The kept reading of key for computation, in use by one more; NULL if none. */
static reading *kept_reading(dsms_web *w, int64_t computation, const char *key)
{
    reading *found = NULL;
    pthread_mutex_lock(&w->mu);
    for (size_t i = 0; i < KEPT && !found; i++) {
        reading *k = w->kept[i];
        if (k && k->computation == computation && strcmp(k->key, key) == 0) {
            k->users++;
            k->used = ++w->clock;
            found = k;
        }
    }
    pthread_mutex_unlock(&w->mu);
    return found;
}

/* k into the table, in place of the least recently used (a reading the
 * results have outgrown is never found again, and goes in its turn); one
 * still in use when it is put out is freed by its last user. */
static void keep(dsms_web *w, reading *k)
{
    pthread_mutex_lock(&w->mu);
    size_t slot = 0;
    for (size_t i = 0; i < KEPT; i++)
        if (!w->kept[i] || (w->kept[slot] && w->kept[i]->used < w->kept[slot]->used)) slot = i;
    reading *out = w->kept[slot];
    if (out) {
        out->kept = 0;
        if (out->users > 0) out = NULL;
    }
    k->kept = 1;
    k->used = ++w->clock;
    w->kept[slot] = k;
    pthread_mutex_unlock(&w->mu);
    reading_free(out);
}

/* The reading of the public's or the national role's figures for period:
 * the one kept, or a new one. Requests that find none while one is being
 * read wait for it rather than each reading the results again. */
static reading *kept_or_new(dsms_web *w, dsms_store *st, const char *period, dsms_role role,
                            dsms_err *err)
{
    int64_t computation = 0;
    char when[40], key[32];
    if (dsms_store_computed_at(st, &computation, when, sizeof when, err) < 0) return NULL;
    snprintf(key, sizeof key, "%s|%s", dsms_role_name(role), period ? period : "");
    reading *k = kept_reading(w, computation, key);
    if (k) return k;
    pthread_mutex_lock(&w->loading);
    if (!(k = kept_reading(w, computation, key)) &&
        (k = reading_new(st, period, &(dsms_principal){.role = role}, err))) {
        k->computation = computation;
        snprintf(k->key, sizeof k->key, "%s", key);
        keep(w, k);
    }
    pthread_mutex_unlock(&w->loading);
    return k;
}

static void reading_done(dsms_web *w, reading *k)
{
    if (!k) return;
    if (k->borrowed) {
        reading *from = k->borrowed;
        dsms_report_source_close(k->src);
        free(k);
        reading_done(w, from);
        return;
    }
    int last = 0;
    if (w) pthread_mutex_lock(&w->mu);
    last = --k->users == 0 && !k->kept;
    if (w) pthread_mutex_unlock(&w->mu);
    if (last) reading_free(k);
}

int dsms_web_warm(dsms_web *w, dsms_store *st, dsms_err *err)
{
    reading *k = w ? kept_or_new(w, st, NULL, DSMS_ROLE_PUBLIC, err) : NULL;
    reading_done(w, k);
    return k ? 0 : -1;
}

/* The caller's reading: the public's or the national role's, kept; an
 * area's or provider's account's, made from the public's with its own
 * places read again. */
static reading *reading_open(web_call *c, dsms_err *err)
{
    if (!c->w) return reading_new(c->st, c->period, &c->p, err);
    if (c->p.role == DSMS_ROLE_PUBLIC || c->p.role == DSMS_ROLE_NATIONAL)
        return kept_or_new(c->w, c->st, c->period, c->p.role, err);
    reading *pub = kept_or_new(c->w, c->st, c->period, DSMS_ROLE_PUBLIC, err);
    if (!pub) return NULL;
    reading *own = calloc(1, sizeof *own);
    if (own && !(own->src = dsms_report_source_for(pub->src, c->st, &c->p, err))) {
        free(own);
        own = NULL;
    } else if (!own) {
        dsms_err_set(err, "out of memory");
    } else {
        own->users = 1;
        own->borrowed = pub; /* its reference data is the public reading's */
        return own;
    }
    reading_done(c->w, pub);
    return NULL;
}

/* ---- answers ------------------------------------------------------------------------- */

int web_send(web_call *c, int status, const char *type, char *body, size_t len)
{
    if (!body) return api_bare_500(c->resp);
    free(c->resp->body);
    c->resp->body = body;
    c->resp->len = len;
    c->resp->status = status;
    c->resp->content_type = type;
    return 0;
}

int web_redirect(web_call *c, const char *location)
{
    api_header(c->resp, "Location", "%s", location);
    char *body = strdup("");
    return web_send(c, 303, "text/plain", body, 0);
}

const char *web_q(const web_call *c, const char *name)
{
    for (size_t i = 0; i < c->req->nparams; i++)
        if (c->req->key[i] && strcmp(c->req->key[i], name) == 0) return c->req->value[i];
    return NULL;
}

void web_esc(FILE *f, const char *s)
{
    dsms_html_esc(f, s);
}

/* ---- the frame ------------------------------------------------------------------------ */

static void nav_link(FILE *f, const char *path, const char *words, int current)
{
    fprintf(f, "<li><a href=\"%s\"%s>", path, current ? " aria-current=\"page\"" : "");
    web_esc(f, words);
    fputs("</a></li>", f);
}

/* The account's own pages: its home (/home, which sends it on, so that a
 * page need not look up where that is) is the current page on any of them. */
static void account_nav(web_call *c, FILE *f)
{
    const char *here = c->req->path;
    if (c->p.role == DSMS_ROLE_PUBLIC) {
        nav_link(f, "/login", "Log in", strcmp(here, "/login") == 0);
        return;
    }
    static const char *const own[][2] = {{"/national", "National"},
                                         {"/partnership/", "My areas"},
                                         {"/provider/", "My submissions"}};
    size_t k = c->p.role == DSMS_ROLE_NATIONAL ? 0 : c->p.role == DSMS_ROLE_AREA ? 1 : 2;
    nav_link(f, "/home", own[k][1], strncmp(here, own[k][0], strlen(own[k][0])) == 0);
    fputs("<li><form method=\"post\" action=\"/logout\" class=\"logout\">"
          "<input type=\"hidden\" name=\"csrf\" value=\"", f);
    web_esc(f, c->csrf);
    fputs("\"/><button type=\"submit\">Log out ", f);
    web_esc(f, c->p.name);
    fputs("</button></form></li>", f);
}

int web_begin(web_call *c, web_page *pg, const char *title)
{
    pg->buf = NULL, pg->len = 0;
    pg->f = open_memstream(&pg->buf, &pg->len);
    if (!pg->f) return -1;
    FILE *f = pg->f;
    fputs("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\"/>\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>",
          f);
    web_esc(f, title);
    fputs(" \xE2\x80\x94 dsms</title>\n<link rel=\"stylesheet\" href=\"/static/dsms.css\"/>\n"
          "<link rel=\"icon\" href=\"data:,\"/>\n",
          f);
    if (c->p.role != DSMS_ROLE_PUBLIC) {
        fputs("<meta name=\"csrf-token\" content=\"", f);
        web_esc(f, c->csrf);
        fputs("\"/>\n", f);
    }
    fputs("<script src=\"/static/dsms.js\" defer=\"defer\"></script>\n</head>\n<body>\n"
          "<a class=\"skip\" href=\"#main\">Skip to the content</a>\n"
          "<header class=\"site\">\n<p class=\"brand\"><a href=\"/\">dsms</a> "
          "<span>Drug strategy monitoring</span></p>\n"
          "<nav aria-label=\"Site\"><ul>",
          f);
    const char *here = c->req->path;
    nav_link(f, "/", "England", strcmp(here, "/") == 0);
    nav_link(f, "/measures", "Measures", strcmp(here, "/measures") == 0);
    nav_link(f, "/framework", "Framework", strcmp(here, "/framework") == 0);
    account_nav(c, f);
    fputs("</ul></nav>\n</header>\n<main id=\"main\" tabindex=\"-1\">\n", f);
    return 0;
}

int web_end(web_call *c, web_page *pg)
{
    fputs("</main>\n<footer class=\"site\"><p>dsms: the results as ", pg->f);
    web_esc(pg->f, c->p.role == DSMS_ROLE_PUBLIC ? "published, disclosure-controlled"
                                                 : "your account may see them");
    fputs(". <a href=\"/api/v1/openapi.json\">The API</a>.</p></footer>\n</body>\n</html>\n",
          pg->f);
    int bad = ferror(pg->f);
    fclose(pg->f);
    if (bad) {
        free(pg->buf);
        return api_bare_500(c->resp);
    }
    return web_send(c, c->resp->status ? c->resp->status : 200, "text/html; charset=utf-8",
                    pg->buf, pg->len);
}

int web_error(web_call *c, int status, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    web_page pg;
    c->resp->status = status;
    const char *title = status == 404 ? "Not found" : status == 403 ? "Not allowed"
                        : status == 400 ? "Not understood" : "Something went wrong";
    if (web_begin(c, &pg, title) != 0) return api_bare_500(c->resp);
    fputs("<h1>", pg.f);
    web_esc(pg.f, title);
    fputs("</h1>\n<p>", pg.f);
    web_esc(pg.f, msg);
    fputs("</p>\n<p><a href=\"/\">England's profile</a></p>\n", pg.f);
    return web_end(c, &pg);
}

/* ---- views that are reports ------------------------------------------------------------ */

static void period_form(web_call *c, FILE *f, const dsms_report_source *src)
{
    fputs("<form class=\"period\" method=\"get\"><label for=\"period\">Year</label> "
          "<select id=\"period\" name=\"period\">",
          f);
    const char *now = dsms_report_source_period(src);
    for (size_t i = 0; dsms_report_source_year(src, i); i++) {
        const char *y = dsms_report_source_year(src, i);
        fprintf(f, "<option%s>", strcmp(y, now) == 0 ? " selected=\"selected\"" : "");
        web_esc(f, y);
        fputs("</option>", f);
    }
    fputs("</select> <button type=\"submit\">Show</button></form>\n", f);
    fputs("<p class=\"download\"><a class=\"csv\" href=\"?format=csv&amp;period=", f);
    web_esc(f, now);
    fputs("\" download=\"\">Download these tables (CSV)</a></p>\n", f);
    (void)c;
}

int web_report(web_call *c, dsms_report_kind kind, const char *code, const web_hooks *h)
{
    dsms_err err = {""};
    reading *rd = reading_open(c, &err);
    if (!rd) return web_error(c, c->period ? 404 : 503, "%s", err.msg);
    const dsms_report_source *src = rd->src;
    dsms_report r;
    dsms_report_request q = {kind, code, NULL, NULL, 1};
    int rc = dsms_report_build_on(src, c->st, &q, &r, &err);
    if (rc != 0) {
        dsms_report_free(&r);
        reading_done(c->w, rd);
        return web_error(c, 404, "%s", err.msg);
    }
    if (h && h->more) h->more(c, &r, h->ctx);
    if (c->csv) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        rc = f ? dsms_report_csv(&r, f, &err) : -1;
        if (f) fclose(f);
        char disposition[128];
        snprintf(disposition, sizeof disposition, "attachment; filename=\"%s%s%s-%s.csv\"",
                 r.kind, code ? "-" : "", code ? code : "", dsms_report_source_period(src));
        dsms_report_free(&r);
        reading_done(c->w, rd);
        if (rc != 0) {
            free(buf);
            return api_bare_500(c->resp);
        }
        api_header(c->resp, "Content-Disposition", "%s", disposition);
        return web_send(c, 200, "text/csv; charset=utf-8", buf, len);
    }
    web_page pg;
    if (web_begin(c, &pg, r.title) != 0) {
        dsms_report_free(&r);
        reading_done(c->w, rd);
        return api_bare_500(c->resp);
    }
    period_form(c, pg.f, src);
    rc = dsms_report_html_part(&r, pg.f, DSMS_HTML_HEADER, &err);
    if (h && h->before) h->before(c, pg.f, h->ctx);
    if (rc == 0) rc = dsms_report_html_part(&r, pg.f, DSMS_HTML_SECTIONS, &err);
    dsms_report_free(&r);
    reading_done(c->w, rd);
    if (rc != 0) {
        fclose(pg.f);
        free(pg.buf);
        return api_bare_500(c->resp);
    }
    return web_end(c, &pg);
}

/* ---- files ---------------------------------------------------------------------------- */

static int static_file(web_call *c, const char *name)
{
    static const struct {
        const char *path, *asset, *type;
    } files[] = {{"/static/dsms.css", "web/dsms.css", "text/css; charset=utf-8"},
                 {"/static/dsms.js", "web/dsms.js", "text/javascript; charset=utf-8"}};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        if (strcmp(files[i].path, name) != 0) continue;
        size_t len;
        const unsigned char *bytes = dsms_asset(files[i].asset, &len);
        char *body = bytes ? malloc(len + 1) : NULL;
        if (body) memcpy(body, bytes, len + 1);
        return web_send(c, 200, files[i].type, body, len);
    }
    return web_error(c, 404, "There is no such file.");
}

/* ---- who asks -------------------------------------------------------------------------- */

/* The session's account, or the public (a session that has ended is the
 * public's: its pages, and the login page, still open). */
static void who_asks(web_call *c)
{
    memset(&c->p, 0, sizeof c->p);
    c->csrf[0] = 0;
    if (!c->req->session) return;
    dsms_err err = {""};
    if (dsms_session_find(c->st, c->req->session, c->req->now, &c->p, c->csrf, &err) !=
        DSMS_AUTH_OK) {
        memset(&c->p, 0, sizeof c->p);
        sodium_memzero(c->csrf, sizeof c->csrf);
    }
}

/* ---- routing --------------------------------------------------------------------------- */

/* The segment of path after prefix, when it is a code (letters, digits,
 * '_' and '-', 1 to 48: a measure's id is the longest) and the last: into buf. */
static const char *segment(const char *path, const char *prefix, char *buf, size_t n)
{
    size_t k = strlen(prefix);
    if (strncmp(path, prefix, k) != 0) return NULL;
    const char *s = path + k;
    size_t len = strlen(s);
    if (len == 0 || len >= n || len > 48) return NULL;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '-'))
            return NULL;
    }
    memcpy(buf, s, len + 1);
    return buf;
}

static int period_ok(const char *p)
{
    return strlen(p) == 7 && p[4] == '-' && strspn(p, "0123456789-") == 7;
}

static int take_query(web_call *c)
{
    const char *period = web_q(c, "period"), *format = web_q(c, "format");
    if (period && *period && !period_ok(period))
        return web_error(c, 400, "period %s: expected a financial year such as 2024-25",
                         period) == 0 ? 1 : -1;
    c->period = period && *period ? period : NULL;
    if (format && strcmp(format, "csv") != 0 && strcmp(format, "html") != 0)
        return web_error(c, 400, "format: expected csv or html") == 0 ? 1 : -1;
    c->csv = format && strcmp(format, "csv") == 0;
    return 0;
}

static int route_get(web_call *c, const char *path)
{
    char code[64];
    if (strcmp(path, "/") == 0) return web_report(c, DSMS_REPORT_NATIONAL, NULL, NULL);
    if (strncmp(path, "/static/", 8) == 0) return static_file(c, path);
    if (strcmp(path, "/measures") == 0)
        return web_report(c, DSMS_REPORT_DEFINITIONS, NULL, NULL);
    if (strcmp(path, "/framework") == 0)
        return web_report(c, DSMS_REPORT_FRAMEWORK, NULL, NULL);
    if (segment(path, "/area/", code, sizeof code)) {
        if (strcmp(code, "E92000001") == 0) return web_redirect(c, "/");
        return web_report(c, DSMS_REPORT_AREA, code, NULL);
    }
    if (segment(path, "/measure/", code, sizeof code))
        return web_report(c, DSMS_REPORT_MEASURE, code, NULL);
    if (strcmp(path, "/login") == 0) return web_login_page(c);
    if (strcmp(path, "/home") == 0) {
        char home[64];
        web_home(c, home, sizeof home);
        return web_redirect(c, c->p.role == DSMS_ROLE_PUBLIC ? "/login" : home);
    }
    if (strcmp(path, "/national") == 0) return web_national_page(c);
    if (segment(path, "/provider/", code, sizeof code)) return web_provider_page(c, code);
    if (segment(path, "/partnership/", code, sizeof code)) return web_partnership_page(c, code);
    if (segment(path, "/submissions/", code, sizeof code)) return web_submission_page(c, code);
    if (strncmp(path, "/reports/", 9) == 0) {
        char kind[32], rest[64];
        const char *slash = strchr(path + 9, '/');
        if (slash && (size_t)(slash - path - 9) < sizeof kind) {
            memcpy(kind, path + 9, (size_t)(slash - path - 9));
            kind[slash - path - 9] = 0;
            snprintf(rest, sizeof rest, "%s", slash + 1);
            char *dot = strrchr(rest, '.');
            if (dot) {
                *dot = 0;
                return web_download(c, kind, rest, dot + 1);
            }
        }
    }
    return web_error(c, 404, "There is no such page.");
}

/* The key of a public page's answer kept between requests: its path and
 * query as asked. */
static void page_key(const dsms_api_request *req, char *buf, size_t n)
{
    size_t o = (size_t)snprintf(buf, n, "page %s", req->path ? req->path : "");
    for (size_t i = 0; i < req->nparams && o < n; i++)
        o += (size_t)snprintf(buf + o, n - o, "%c%s=%s", i ? '&' : '?',
                              req->key[i] ? req->key[i] : "", req->value[i] ? req->value[i] : "");
}

/* A public page, answered from those kept (the API's cache: the same for
 * everyone until the results are computed again), or made and kept. */
static int public_page(web_call *c, const char *path)
{
    int64_t computation = 0;
    char when[40], key[1024];
    dsms_err err = {""};
    int kept = c->req->cache && dsms_store_computed_at(c->st, &computation, when, sizeof when,
                                                       &err) >= 0;
    page_key(c->req, key, sizeof key);
    if (kept && api_cache_get(c->req->cache, computation, key, c->resp) == 1) return 0;
    int rc = route_get(c, path);
    if (kept && rc == 0) api_cache_put(c->req->cache, computation, key, c->resp);
    return rc;
}

/* Whether a form was posted from a page of this server: a browser says
 * where a form was (Origin) with every POST; a form on another site that
 * posts here (to log someone in as another, or out) is refused. A request
 * that says nothing (curl, a script) is let through: it carries no one's
 * cookie but its own. */
static int same_site(const dsms_api_request *req)
{
    const char *o = req->sent_from;
    if (!o) return 1;
    const char *h = strstr(o, "://");
    return h && req->host && strcmp(h + 3, req->host) == 0;
}

int dsms_web_handle(dsms_web *w, dsms_store *st, const dsms_api_request *req,
                    dsms_api_response *resp)
{
    memset(resp, 0, sizeof *resp);
    web_call c = {.w = w, .st = st, .req = req, .resp = resp};
    const char *method = req->method ? req->method : "", *path = req->path ? req->path : "";
    who_asks(&c);
    int rc = take_query(&c);
    if (rc) {
        sodium_memzero(c.csrf, sizeof c.csrf);
        return rc < 0 ? -1 : 0;
    }
    if (strcmp(method, "POST") == 0 && !same_site(req))
        rc = web_error(&c, 403, "A form from another site may not post here.");
    else if (strcmp(method, "GET") == 0)
        rc = c.p.role == DSMS_ROLE_PUBLIC ? public_page(&c, path) : route_get(&c, path);
    else if (strcmp(method, "POST") == 0 && strcmp(path, "/login") == 0) rc = web_login(&c);
    else if (strcmp(method, "POST") == 0 && strcmp(path, "/logout") == 0) rc = web_logout(&c);
    else {
        api_header(resp, "Allow", "GET");
        rc = web_error(&c, 405, "Pages are read with GET; forms post to /login and /logout.");
    }
    sodium_memzero(c.csrf, sizeof c.csrf);
    return rc;
}
