/* api_steer.c — the API's outcomes frameworks: those loaded, one's
 * definition, and its statuses as the store keeps them (worked out with the
 * results, never here: docs/frameworks.md). A status drawn from a figure
 * that disclosure control withholds is shown only to whom
 * dsms_policy_unsuppressed allows for its area; anyone else gets it with its
 * figures and status blanked, as public output blanks the figure itself,
 * and the audit record notes who was shown what is not public. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "api_int.h"
#include "dsms/framework.h"
#include "dsms/policy.h"

static json_t *jnum(double x)
{
    return isnan(x) ? json_null() : json_real(x);
}

static int list_one(void *ctx, const dsms_stored_framework *f)
{
    dsms_framework fw;
    dsms_err err = {""};
    if (dsms_framework_parse(f->text, strlen(f->text), f->file, &fw, &err)) return 0;
    json_t *areas = json_array();
    for (size_t i = 0; areas && i < fw.nareas; i++)
        json_array_append_new(areas, json_string(fw.areas[i]));
    json_t *o = json_pack("{sssssssssIsIso}", "id", f->id, "name", f->name, "loaded_at",
                          f->loaded_at, "partnership", fw.partnership, "outcomes",
                          (json_int_t)fw.noutcomes, "metrics", (json_int_t)fw.nmetrics, "areas",
                          areas ? areas : json_array());
    dsms_framework_free(&fw);
    return o && json_array_append_new(ctx, o) == 0 ? 0 : -1;
}

int api_frameworks(api_call *c)
{
    json_t *list = json_array();
    dsms_err err = {""};
    if (!list || dsms_store_each_framework(c->st, NULL, list_one, list, &err)) {
        json_decref(list);
        return api_store_error(c->resp, &err);
    }
    return api_json(c->resp, 200, json_pack("{so}", "frameworks", list));
}

/* The framework c->arg as loaded: 0, or 1 with a 404 or 500 answered. */
static int fetch(api_call *c, dsms_framework *fw)
{
    dsms_err err = {""};
    int found = dsms_framework_fetch(c->st, c->arg, fw, &err);
    if (found < 0) return api_store_error(c->resp, &err), 1;
    if (!found)
        return api_error(c->resp, 404, "no framework '%s' is loaded (see /api/v1/frameworks)",
                         c->arg),
               1;
    return 0;
}

static const char *source_name(dsms_metric_source s)
{
    return s == DSMS_FROM_MEASURE ? "measure" : s == DSMS_FROM_SERIES ? "series" : "none";
}

static const char *polarity_name(dsms_polarity p)
{
    return p == DSMS_POLARITY_HIGH_GOOD ? "high" : p == DSMS_POLARITY_LOW_GOOD ? "low" : "none";
}

static const char *target_kind(const dsms_metric *m)
{
    if (!m->has_target) return "";
    return m->target_kind == DSMS_TARGET_VALUE    ? "value"
           : m->target_kind == DSMS_TARGET_CHANGE ? "change"
                                                  : "change_percent";
}

static json_t *metric_json(const dsms_metric *m)
{
    return json_pack("{sssssssssssssssssssssssssssosssi}", "id", m->id, "name", m->name, "outcome",
                     m->outcome, "where", m->where, "source", source_name(m->source), "from",
                     m->from, "breakdown", m->breakdown, "category", m->category, "why_none",
                     m->why_none, "note", m->note, "polarity", polarity_name(m->polarity),
                     "baseline_period", m->baseline, "target_kind", target_kind(m), "target",
                     m->has_target ? json_real(m->target) : json_null(), "due", m->due, "line",
                     m->line);
}

int api_framework(api_call *c)
{
    dsms_framework fw;
    if (fetch(c, &fw)) return 0;
    json_t *metrics = json_array();
    for (size_t i = 0; metrics && i < fw.nmetrics; i++)
        if (json_array_append_new(metrics, metric_json(&fw.metrics[i])))
            json_decref(metrics), metrics = NULL;
    int rc = metrics ? api_json(c->resp, 200,
                                json_pack("{sssssssIso}", "id", fw.id, "name", fw.name,
                                          "partnership", fw.partnership, "outcomes",
                                          (json_int_t)fw.noutcomes, "metrics", metrics))
                     : api_error(c->resp, 500, "out of memory");
    dsms_framework_free(&fw);
    return rc;
}

/* ---- statuses ------------------------------------------------------------------------ */

typedef struct {
    const api_call *c;
    const dsms_framework *fw;
    json_t *rows;
    long unsuppressed;
} status_read;

static json_t *jtext(const char *t)
{
    return t && *t ? json_string(t) : json_null();
}

/* One status as the caller may see it: with its figures, or blanked. */
static json_t *status_json(const dsms_status_row *r, const dsms_metric *m, int shown)
{
    json_t *o = json_object();
    struct {
        const char *name;
        json_t *v;
    } f[] = {{"area", json_string(r->area_code)},
             {"metric", json_string(r->metric)},
             {"outcome", json_string(m->outcome)},
             {"period", jtext(r->period)},
             {"latest", json_boolean(r->latest)},
             {"value", jnum(shown ? r->value : NAN)},
             {"lower95", jnum(shown ? r->lower95 : NAN)},
             {"upper95", jnum(shown ? r->upper95 : NAN)},
             {"baseline_period", jtext(m->baseline)},
             {"baseline", jnum(shown ? r->baseline : NAN)},
             {"target", jnum(shown ? r->target : NAN)},
             {"due", jtext(m->due)},
             {"trajectory", jnum(shown ? r->trajectory : NAN)},
             {"status", json_string(shown ? r->status : "not yet assessable")},
             {"why", json_string(shown ? r->why : "withheld by disclosure control")},
             {"gap_people", jnum(shown ? r->gap_people : NAN)},
             {"trend", jtext(shown ? r->trend : NULL)},
             {"suppressed", json_boolean(r->suppressed)},
             {"unsuppressed_view", json_boolean(r->suppressed && shown)}};
    int bad = !o;
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        if (!o) json_decref(f[i].v);
        else if (json_object_set_new(o, f[i].name, f[i].v)) bad = 1;
    if (bad) json_decref(o);
    return bad ? NULL : o;
}

static int status_row(void *ctx, const dsms_status_row *r)
{
    status_read *s = ctx;
    if (r->seq < 0 || (size_t)r->seq >= s->fw->nmetrics) return 0;
    int shown = !r->suppressed || dsms_policy_unsuppressed(s->c->p, r->area_code);
    s->unsuppressed += r->suppressed && shown;
    json_t *o = status_json(r, &s->fw->metrics[r->seq], shown);
    return o && json_array_append_new(s->rows, o) == 0 ? 0 : -1;
}

int api_framework_status(api_call *c)
{
    dsms_framework fw;
    if (fetch(c, &fw)) return 0;
    const char *area = api_q(c, "area"), *period = api_q(c, "period");
    char as_of[40] = "";
    int64_t computation = 0;
    dsms_err err = {""};
    status_read s = {c, &fw, json_array(), 0};
    int has_as_of = dsms_store_computed_at(c->st, &computation, as_of, sizeof as_of, &err);
    int rc = has_as_of < 0 || !s.rows ||
             dsms_store_each_status(c->st, fw.id, area, period, status_row, &s, &err);
    if (!rc && s.unsuppressed) {
        char detail[200];
        snprintf(detail, sizeof detail, "framework %s: %ld statuses not public (area %s)", fw.id,
                 s.unsuppressed, area ? area : "any");
        api_audit(c, "download", detail);
    }
    if (rc) {
        json_decref(s.rows);
        rc = api_store_error(c->resp, &err);
    } else {
        rc = api_json(c->resp, 200,
                      json_pack("{sssososo}", "framework", fw.id, "as_of",
                                has_as_of ? json_string(as_of) : json_null(), "period",
                                period ? json_string(period) : json_string("latest"), "rows",
                                s.rows));
    }
    dsms_framework_free(&fw);
    return rc;
}
