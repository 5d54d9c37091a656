/* warn_alerts.c — alerts (dsms/warn.h): raised from signals, moved through
 * their states (new, assessed, issued, closed) with each move audited, and
 * delivered when issued: a JSON file in the outbox directory, written whole
 * or not at all, and a POST to the webhook, both named in the store's
 * settings. The outbox is written first, so that an alert whose webhook
 * cannot be reached is still delivered somewhere and can be sent again. */
#include <curl/curl.h>
#include <inttypes.h>
#include <string.h>

#include "dsms/outfile.h"
#include "warn_int.h"

#define META_OUTBOX "alert_outbox"
#define META_WEBHOOK "alert_webhook"

int dsms_warn_raise(dsms_store *st, const dsms_signal *s, size_t n, const char *actor,
                    dsms_warn_summary *sum, dsms_err *err)
{
    memset(sum, 0, sizeof *sum);
    sum->signals = n;
    if (dsms_store_begin(st, err)) return -1;
    for (size_t i = 0; i < n; i++) {
        dsms_stored_alert a = {0,           s[i].key,       dsms_signal_kind_name(s[i].kind),
                               "new",       s[i].severity,  s[i].substance,
                               s[i].family, s[i].areas,     s[i].period,
                               s[i].title,  s[i].evidence,  NULL,
                               NULL};
        int64_t id;
        int created;
        if (dsms_store_alert_raise(st, &a, &id, &created, err)) goto bad;
        if (created) sum->created++;
        else sum->updated++;
    }
    char detail[160];
    snprintf(detail, sizeof detail, "{\"signals\":%zu,\"new_alerts\":%zu,\"found_again\":%zu}",
             sum->signals, sum->created, sum->updated);
    if (dsms_store_audit(st, actor, "warn.run", detail, err) || dsms_store_commit(st, err))
        goto bad;
    return 0;
bad:
    dsms_store_rollback(st);
    return -1;
}

int dsms_alert_action_find(const char *name)
{
    static const char *const names[] = {"assess", "issue", "close"};
    for (int i = 0; i < 3; i++)
        if (name && strcmp(name, names[i]) == 0) return i;
    return -1;
}

int dsms_alert_delivery_get(dsms_store *st, dsms_alert_delivery *d, char *buf, size_t n,
                            dsms_err *err)
{
    memset(d, 0, sizeof *d);
    size_t half = n / 2;
    int o = dsms_store_meta_get(st, META_OUTBOX, buf, half, err);
    int w = o < 0 ? -1 : dsms_store_meta_get(st, META_WEBHOOK, buf + half, n - half, err);
    if (o < 0 || w < 0) return -1;
    if (o == 1 && buf[0]) d->outbox = buf;
    if (w == 1 && buf[half]) d->webhook = buf + half;
    return 0;
}

/* ---- one alert ---- */

/* What a move reads of its alert. */
typedef struct {
    int64_t id;
    char state[16], key[200], substance[48], period[12];
} found;

static int history_row(void *ctx, const dsms_alert_event *e)
{
    json_t *list = ctx;
    return json_array_append_new(list, json_pack("{ssssssssss}", "at", e->at, "by", e->actor,
                                                 "from", e->from, "to", e->to, "note", e->note))
               ? -1
               : 0;
}

static json_t *areas_json(const char *areas)
{
    json_t *a = json_array();
    for (const char *s = areas; a && s && *s;) {
        const char *semi = strchr(s, ';');
        size_t len = semi ? (size_t)(semi - s) : strlen(s);
        json_array_append_new(a, json_stringn(s, len));
        s = semi ? semi + 1 : s + len;
    }
    return a;
}

char *dsms_alert_json(dsms_store *st, const dsms_stored_alert *a, dsms_err *err)
{
    json_t *history = json_array();
    if (!history) return dsms_err_set(err, "out of memory"), NULL;
    if (dsms_store_each_alert_event(st, a->id, history_row, history, err)) {
        json_decref(history);
        return NULL;
    }
    json_t *evidence = json_loads(a->evidence, 0, NULL);
    json_t *o = json_pack("{sIsssssssssssssosssssssssoso}", "id", (json_int_t)a->id, "key",
                          a->key, "kind", a->kind, "state", a->state, "severity", a->severity,
                          "substance", a->substance, "family", a->family, "areas",
                          areas_json(a->areas), "began", a->period, "title", a->title,
                          "raised_at", a->raised_at, "updated_at", a->updated_at, "evidence",
                          evidence ? evidence : json_object(), "history", history);
    char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    if (!text) dsms_err_set(err, "out of memory");
    return text;
}

static int find_row(void *ctx, const dsms_stored_alert *a)
{
    found *f = ctx;
    f->id = a->id;
    snprintf(f->state, sizeof f->state, "%s", a->state);
    snprintf(f->key, sizeof f->key, "%s", a->key);
    snprintf(f->substance, sizeof f->substance, "%s", a->substance);
    snprintf(f->period, sizeof f->period, "%s", a->period);
    return 1;
}

/* Alert id into f: 1 found, 0 not, -1 with err set. */
static int find_alert(dsms_store *st, int64_t id, found *f, dsms_err *err)
{
    memset(f, 0, sizeof *f);
    dsms_alert_filter filter = {id, NULL, NULL, NULL};
    if (dsms_store_each_alert(st, &filter, find_row, f, err)) return -1;
    return f->id == id;
}

/* ---- delivery ---- */

static int write_outbox(const char *dir, int64_t id, const char *text, dsms_err *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%.4000s/alert-%" PRId64 ".json", dir, id);
    dsms_outfile *f = dsms_outfile_open(path, NULL, 0, DSMS_MODE_PRIVATE, err);
    if (!f) return -1;
    if (fputs(text, dsms_outfile_stream(f)) == EOF || fputc('\n', dsms_outfile_stream(f)) == EOF) {
        dsms_outfile_abort(f);
        dsms_err_set(err, "%s: cannot write the alert", path);
        return -1;
    }
    return dsms_outfile_commit(f, err);
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p, (void)ctx;
    return size * n;
}

static int post_webhook(const char *url, const char *text, dsms_err *err)
{
    CURL *c = curl_easy_init();
    if (!c) return dsms_err_set(err, "webhook: cannot start a request"), -1;
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, text);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK)
        return dsms_err_set(err, "webhook %s: %s", url, curl_easy_strerror(rc)), -1;
    if (status < 200 || status > 299)
        return dsms_err_set(err, "webhook %s: answered HTTP %ld (expected 2xx)", url, status), -1;
    return 0;
}

typedef struct {
    dsms_store *st;
    char *text;
    char state[16];
    dsms_err *err;
} render;

static int render_row(void *ctx, const dsms_stored_alert *a)
{
    render *r = ctx;
    snprintf(r->state, sizeof r->state, "%s", a->state);
    r->text = dsms_alert_json(r->st, a, r->err);
    return r->text ? 1 : -1;
}

/* Deliver as dsms_alert_deliver; with nowhere set, 0 unless required. */
static int deliver(dsms_store *st, int64_t id, const char *actor, int required, dsms_err *err)
{
    char buf[8192];
    dsms_alert_delivery d;
    render r = {st, NULL, "", err};
    dsms_alert_filter filter = {id, NULL, NULL, NULL};
    if (dsms_alert_delivery_get(st, &d, buf, sizeof buf, err) ||
        dsms_store_each_alert(st, &filter, render_row, &r, err))
        return -1;
    if (!r.text) return dsms_err_set(err, "no alert %" PRId64, id), -1;
    int rc = -1;
    if (strcmp(r.state, "issued") != 0)
        dsms_err_set(err, "alert %" PRId64 " is %s: only an issued alert is delivered", id,
                     r.state);
    else if (!d.outbox && !d.webhook && required)
        dsms_err_set(err, "no outbox or webhook is set for alerts (dsms alerts config)");
    else
        rc = 0;
    if (!rc && !d.outbox && !d.webhook) {
        free(r.text);
        return 0;
    }
    if (!rc && d.outbox) rc = write_outbox(d.outbox, id, r.text, err);
    if (!rc && d.webhook) rc = post_webhook(d.webhook, r.text, err);
    free(r.text);
    if (rc) return -1;
    json_t *detail = json_pack("{sIssss}", "alert", (json_int_t)id, "outbox",
                               d.outbox ? d.outbox : "", "webhook", d.webhook ? d.webhook : "");
    char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
    json_decref(detail);
    rc = text ? dsms_store_audit(st, actor, "alert.deliver", text, err) : -1;
    if (!text) dsms_err_set(err, "out of memory");
    free(text);
    return rc;
}

int dsms_alert_deliver(dsms_store *st, int64_t id, const char *actor, dsms_err *err)
{
    return deliver(st, id, actor, 1, err);
}

/* ---- moves ---- */

typedef struct {
    const char *first;
    dsms_store *st;
    dsms_err *err;
} first_uk;

static int set_first(void *ctx, const dsms_stored_substance *s)
{
    first_uk *f = ctx;
    if (*s->first_uk) return 1;
    dsms_stored_substance row = *s;
    row.first_uk = f->first;
    return dsms_store_substance_put(f->st, &row, f->err) ? -1 : 1;
}

/* An issued first identification in the country is the register's first
 * identification in the UK, when it has none. */
static int record_first(dsms_store *st, const found *a, dsms_err *err)
{
    if (strncmp(a->key, "novelty|country|", 16) != 0) return 0;
    first_uk fu = {a->period, st, err};
    return dsms_store_each_substance(st, a->substance, set_first, &fu, err);
}

static const char *const action_name[] = {"assess", "issue", "close"};
static const char *const action_to[] = {"assessed", "issued", "closed"};

static int allowed(dsms_alert_action a, const char *state)
{
    switch (a) {
    case DSMS_ALERT_ASSESS: return strcmp(state, "new") == 0;
    case DSMS_ALERT_ISSUE: return strcmp(state, "new") == 0 || strcmp(state, "assessed") == 0;
    case DSMS_ALERT_CLOSE: return strcmp(state, "closed") != 0;
    }
    return 0;
}

int dsms_alert_act(dsms_store *st, int64_t id, dsms_alert_action action, const char *actor,
                   const char *note, int *undelivered, dsms_err *err)
{
    *undelivered = 0;
    found f;
    if (action == DSMS_ALERT_CLOSE && (!note || !*note))
        return dsms_err_set(err, "closing an alert needs a note saying why"), 0;
    if (dsms_store_begin(st, err)) return -1;
    int rc = find_alert(st, id, &f, err);
    if (rc <= 0) {
        if (rc == 0) dsms_err_set(err, "no alert %" PRId64, id);
        dsms_store_rollback(st);
        return rc;
    }
    if (!allowed(action, f.state)) {
        dsms_store_rollback(st);
        dsms_err_set(err, "alert %" PRId64 " is %s: it cannot be %s", id, f.state,
                     action_to[action]);
        return 0;
    }
    json_t *detail = json_pack("{sIssssss}", "alert", (json_int_t)id, "from", f.state, "to",
                               action_to[action], "note", note ? note : "");
    char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
    json_decref(detail);
    char action_text[32];
    snprintf(action_text, sizeof action_text, "alert.%s", action_name[action]);
    if (!text || dsms_store_alert_move(st, id, f.state, action_to[action], actor, note, err) != 1 ||
        dsms_store_audit(st, actor, action_text, text, err) ||
        (action == DSMS_ALERT_ISSUE && record_first(st, &f, err)) || dsms_store_commit(st, err)) {
        if (!text) dsms_err_set(err, "out of memory");
        free(text);
        dsms_store_rollback(st);
        return -1;
    }
    free(text);
    if (action == DSMS_ALERT_ISSUE && deliver(st, id, actor, 0, err)) *undelivered = 1;
    return 1;
}
