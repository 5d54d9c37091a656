/* warn.c — finding the signals (dsms/warn.h): the store's reports and
 * deaths read once (warn_load.c), then novelty, clusters and exceedance
 * each add theirs; what they share is here: a signal's evidence, its
 * areas, the ISO week, and the order of reports by day. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/field.h"
#include "dsms/grow.h"
#include "warn_int.h"

const char *dsms_signal_kind_name(dsms_signal_kind k)
{
    static const char *const names[] = {"novelty", "exceedance", "cluster"};
    return (unsigned)k < 3 ? names[k] : NULL;
}

void dsms_warn_opts_init(dsms_warn_opts *o, int today)
{
    memset(o, 0, sizeof *o);
    o->today = today;
    o->since = INT_MIN;
    o->learning_weeks = 52;
    o->cluster_size = 3;
    o->cluster_days = 7;
    dsms_farrington_noufaily(&o->farrington);
    /* Some 6,500 series (three counts, fourteen families, every area and
     * England) are assessed each week: at the method's 0.05 a nation has
     * well over a hundred false alarms a year (bench/README.md). */
    o->farrington.alpha = 0.001;
}

int ew_monday(int day)
{
    /* 1970-01-01 was a Thursday: day 0 is weekday 3 counting Monday as 0. */
    int wd = ((day % 7) + 7 + 3) % 7;
    return day - wd;
}

int ew_potent(int family)
{
    return family == dsms_family_find("nitazenes") ||
           family == dsms_family_find("other_synthetic_opioids");
}

static const ew_data *sorting;

static int by_day(const void *a, const void *b)
{
    const ew_report *x = &sorting->r[*(const size_t *)a], *y = &sorting->r[*(const size_t *)b];
    if (x->sampled != y->sampled) return x->sampled < y->sampled ? -1 : 1;
    if (x->reported != y->reported) return x->reported < y->reported ? -1 : 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

void ew_sort_by_day(const ew_data *d, size_t *idx, size_t n)
{
    sorting = d;
    qsort(idx, n, sizeof *idx, by_day);
    sorting = NULL;
}

dsms_signal *ew_add(ew_signals *out, dsms_signal_kind kind, const char *what)
{
    if (dsms_room_for((void **)&out->s, &out->cap, out->n, sizeof *out->s, 64)) return NULL;
    dsms_signal *s = &out->s[out->n++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    snprintf(s->what, sizeof s->what, "%s", what);
    s->count = s->expected = s->threshold = NAN;
    return s;
}

const char *ew_code(const char *field, int i)
{
    const dsms_table *t = dsms_table_find("ew_reports");
    const dsms_codelist *cl = t->fields[dsms_field_index(t, field)].codes;
    return i >= 0 && (size_t)i < cl->ncodes ? cl->codes[i].code : "";
}

static json_t *report_json(const ew_data *d, const ew_report *r)
{
    char sampled[11], reported[11];
    dsms_date_format(r->sampled, sampled);
    dsms_date_format(r->reported, reported);
    json_t *subs = json_array();
    for (int i = 0; i < r->nsub; i++)
        json_array_append_new(subs, json_string(d->reg.items[r->sub[i]].code));
    json_t *o = json_pack("{sssssssssssssssosssssb}", "reporter", ew_text(d, r->reporter),
                          "ref", ew_text(d, r->ref), "source", ew_code("source_type", r->source),
                          "sampled", sampled, "reported", reported, "place",
                          ew_place_code(d, r->place), "matrix", ew_code("matrix", r->matrix),
                          "substances", subs, "sold_as",
                          r->sold_as >= 0 ? d->reg.items[r->sold_as].code : "", "severity",
                          r->severity ? ew_code("severity", r->severity - 1) : "",
                          "matched_from_text", r->matched);
    if (o && r->text >= 0) json_object_set_new(o, "text", json_string(ew_text(d, r->text)));
    return o;
}

int ew_evidence(const ew_data *d, dsms_signal *s, const size_t *idx, size_t n, json_t *extra)
{
    json_t *reports = json_array(), *o = json_object();
    if (!reports || !o) goto oom;
    s->reports = (int)n;
    s->known = DSMS_DAY_NONE;
    for (size_t i = 0; i < n; i++) {
        const ew_report *r = &d->r[idx[i]];
        if (r->reported > s->known) s->known = r->reported;
        if (i < DSMS_SIGNAL_EVIDENCE && json_array_append_new(reports, report_json(d, r)))
            goto oom;
    }
    json_object_set_new(o, "reports", reports);
    reports = NULL;
    json_object_set_new(o, "total_reports", json_integer((json_int_t)n));
    if (extra) json_object_update(o, extra);
    json_decref(extra);
    s->evidence = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s->evidence ? 0 : -1;
oom:
    json_decref(reports);
    json_decref(o);
    json_decref(extra);
    return -1;
}

int dsms_alert_concerns(const char *areas, const char *code)
{
    size_t len = strlen(code);
    for (const char *p = len ? strstr(areas, code) : NULL; p; p = strstr(p + 1, code))
        if ((p == areas || p[-1] == ';') && (p[len] == 0 || p[len] == ';')) return 1;
    return 0;
}

void ew_areas(const ew_data *d, dsms_signal *s, const size_t *idx, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *code = d->r[idx[i]].area >= 0 ? d->ref.areas[d->r[idx[i]].area].code : NULL;
        size_t have = strlen(s->areas);
        if (!code || dsms_alert_concerns(s->areas, code) ||
            have + strlen(code) + 2 > sizeof s->areas)
            continue;
        snprintf(s->areas + have, sizeof s->areas - have, "%s%s", have ? ";" : "", code);
    }
}

static int by_begin(const void *a, const void *b)
{
    const dsms_signal *x = a, *y = b;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return strcmp(x->key, y->key);
}

void dsms_signals_free(dsms_signal *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++) free(s[i].evidence);
    free(s);
}

/* Keep the signals that begin on or after since, in order. */
static void keep_since(ew_signals *out, int since)
{
    size_t k = 0;
    for (size_t i = 0; i < out->n; i++) {
        if (out->s[i].day >= since) out->s[k++] = out->s[i];
        else free(out->s[i].evidence);
    }
    out->n = k;
    if (k) qsort(out->s, k, sizeof *out->s, by_begin);
}

int dsms_warn_signals(dsms_store *st, const dsms_warn_opts *o, dsms_signal **res, size_t *n,
                      dsms_err *err)
{
    ew_data d;
    ew_signals out = {0};
    *res = NULL;
    *n = 0;
    if (ew_load(st, o->today, &d, err)) return -1;
    int rc = ew_novelty(&d, o, &out) || ew_clusters(&d, o, &out);
    if (rc) dsms_err_set(err, "out of memory");
    else rc = ew_exceedance(&d, o, &out, err);
    ew_free(&d);
    if (rc) {
        dsms_signals_free(out.s, out.n);
        return -1;
    }
    keep_since(&out, o->since);
    for (size_t i = 0; i < out.n; i++) dsms_date_format(out.s[i].day, out.s[i].period);
    *res = out.s;
    *n = out.n;
    return 0;
}
