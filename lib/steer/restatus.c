/* restatus.c — outcomes frameworks loaded into the store, and their
 * statuses kept there (docs/frameworks.md, "Loaded frameworks").
 *
 * A framework is loaded whole, as its YAML text, once it reads and checks
 * against the reference data. Its statuses, for every place it is for and
 * every year each metric has a figure for, are worked out from the results
 * and the series in the same transaction that changes them: the store runs
 * dsms_framework_restatus before it commits new results (the derive hook set
 * by dsms_framework_attach), and a load or a series import runs it too. What
 * reads a status (dsms framework show, the API, reports) reads it from the
 * store and never works it out again. */
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/framework.h"
#include "dsms/grow.h"
#include "dsms/refdata.h"

static const char *polarity_name(dsms_polarity p)
{
    return p == DSMS_POLARITY_HIGH_GOOD ? "high" : p == DSMS_POLARITY_LOW_GOOD ? "low" : "none";
}

/* A series metric against the catalogue: the series is there, with the
 * polarity the framework gives it. */
static int series_known(const char *path, const dsms_metric *m, const dsms_refdata *ref,
                        dsms_err *err)
{
    for (size_t i = 0; i < ref->nseries; i++) {
        if (strcmp(ref->series[i].code, m->from) != 0) continue;
        if (strcmp(ref->series[i].polarity, polarity_name(m->polarity)) == 0) return 0;
        dsms_err_set(err, "%s:%d: polarity: '%s' is not the series %s's (%s)", path, m->line,
                     polarity_name(m->polarity), m->from, ref->series[i].polarity);
        return -1;
    }
    dsms_err_set(err, "%s:%d: series: '%s' is not in the series catalogue (series.csv; "
                      "dsms series catalogue lists it)",
                 path, m->line, m->from);
    return -1;
}

static int is_area(const dsms_refdata *ref, const char *code)
{
    for (size_t i = 0; i < ref->nareas; i++)
        if (strcmp(ref->areas[i].code, code) == 0) return 1;
    return 0;
}

/* Whether the framework's partnership and areas are in the reference data. */
static int scope_known(const char *path, const dsms_framework *fw, const dsms_refdata *ref,
                       dsms_err *err)
{
    int known = !fw->partnership[0];
    for (size_t i = 0; !known && i < ref->npartnerships; i++)
        known = strcmp(ref->partnerships[i].code, fw->partnership) == 0;
    if (!known) {
        dsms_err_set(err, "%s: for: '%s' is not a partnership of the reference data "
                          "(partnerships.csv)", path, fw->partnership);
        return -1;
    }
    for (size_t a = 0; a < fw->nareas; a++)
        if (!is_area(ref, fw->areas[a])) {
            dsms_err_set(err, "%s: for: '%s' is not an area of the reference data (areas.csv)",
                         path, fw->areas[a]);
            return -1;
        }
    return 0;
}

int dsms_framework_check_ref(const char *path, const dsms_framework *fw, const dsms_refdata *ref,
                             dsms_err *err)
{
    if (scope_known(path, fw, ref, err)) return -1;
    for (size_t i = 0; i < fw->nmetrics; i++)
        if (fw->metrics[i].source == DSMS_FROM_SERIES &&
            series_known(path, &fw->metrics[i], ref, err))
            return -1;
    return 0;
}

/* ---- statuses ------------------------------------------------------------------------ */

/* A status with the text it owns; its row's pointers are set at the end,
 * once the array has stopped moving. */
typedef struct {
    dsms_status_row row;
    char period[DSMS_PERIOD_LEN], trend[32];
} cell;

typedef struct {
    const dsms_framework *fw;
    const char *area;
    cell *c;
    size_t n, cap;
} statuses;

static int take(void *ctx, const char *area, const dsms_metric_status *s, int latest)
{
    statuses *t = ctx;
    t->area = area;
    if (dsms_room_for((void **)&t->c, &t->cap, t->n, sizeof *t->c, 256)) return -1;
    cell *c = &t->c[t->n++];
    const dsms_standing *g = &s->standing;
    c->row = (dsms_status_row){t->fw->id, t->area, NULL, s->metric->id,
                               (int)(s->metric - t->fw->metrics), latest, s->baseline,
                               s->value, s->lower95, s->upper95, g->target, g->trajectory,
                               g->gap_people, dsms_status_name(g->status), NULL, s->why,
                               s->suppressed};
    snprintf(c->period, sizeof c->period, "%s", s->period);
    snprintf(c->trend, sizeof c->trend, "%s", s->trend);
    return 0;
}

/* The places a framework is for: England, each region and each area when
 * it names none; else its partnership's areas, or the areas it names. At
 * most n are put in codes; returns how many there are. */
static size_t places(const dsms_framework *fw, const dsms_refdata *ref, const char **codes,
                     size_t n)
{
    size_t k = 0;
    if (!fw->partnership[0] && !fw->nareas) {
        if (k < n) codes[k] = DSMS_ENGLAND_CODE;
        k++;
        for (size_t i = 0; i < ref->nregions; i++, k++)
            if (k < n) codes[k] = ref->regions[i].code;
        for (size_t i = 0; i < ref->nareas; i++, k++)
            if (k < n) codes[k] = ref->areas[i].code;
        return k;
    }
    for (size_t i = 0; i < ref->npartnerships; i++)
        if (strcmp(ref->partnerships[i].code, fw->partnership) == 0) {
            if (k < n) codes[k] = ref->areas[ref->partnerships[i].area].code;
            k++;
        }
    for (size_t i = 0; i < fw->nareas; i++, k++)
        if (k < n) codes[k] = fw->areas[i];
    return k;
}

/* Every status of fw, metric by metric, each metric's figures read once for
 * all its places. */
static int each_status(dsms_store *st, const dsms_framework *fw, const dsms_refdata *ref,
                       statuses *t, dsms_err *err)
{
    size_t n = places(fw, ref, NULL, 0);
    const char **codes = malloc((n ? n : 1) * sizeof *codes);
    if (!codes) return dsms_err_set(err, "out of memory working out the statuses"), -1;
    places(fw, ref, codes, n);
    int rc = 0;
    for (size_t m = 0; !rc && m < fw->nmetrics; m++)
        rc = dsms_metric_each_place_status(st, &fw->metrics[m], codes, n, take, t, err);
    free(codes);
    return rc;
}

static int restatus_one(dsms_store *st, const dsms_framework *fw, const dsms_refdata *ref,
                        dsms_err *err)
{
    statuses t = {fw, NULL, NULL, 0, 0};
    int rc = each_status(st, fw, ref, &t, err);
    dsms_status_row *rows = rc ? NULL : malloc((t.n ? t.n : 1) * sizeof *rows);
    if (!rc && !rows) rc = -1, dsms_err_set(err, "out of memory storing the statuses");
    for (size_t i = 0; rows && i < t.n; i++) {
        rows[i] = t.c[i].row;
        rows[i].period = t.c[i].period;
        rows[i].trend = t.c[i].trend;
    }
    if (!rc) rc = dsms_store_statuses_put(st, fw->id, rows, t.n, err);
    free(rows);
    free(t.c);
    return rc;
}

/* The stored frameworks, each parsed: read whole before any status is
 * written. One that no longer reads (a measure it names has gone from this
 * dsms) is left out, and its statuses with it: it must not stop every
 * computation; dsms framework show and list say what is wrong with it. */
typedef struct {
    dsms_store *st;
    dsms_framework *fw;
    size_t n, cap;
    dsms_err *err;
} loaded;

static int parse_stored(void *ctx, const dsms_stored_framework *f)
{
    loaded *l = ctx;
    dsms_err why = {""};
    if (dsms_room_for((void **)&l->fw, &l->cap, l->n, sizeof *l->fw, 4)) return -1;
    if (dsms_framework_parse(f->text, strlen(f->text), f->file, &l->fw[l->n], &why) == 0)
        return l->n++, 0;
    return dsms_store_statuses_put(l->st, f->id, NULL, 0, l->err);
}

static void loaded_free(loaded *l)
{
    for (size_t i = 0; i < l->n; i++) dsms_framework_free(&l->fw[i]);
    free(l->fw);
}

int dsms_framework_restatus(void *ctx, dsms_store *st, dsms_err *err)
{
    (void)ctx;
    loaded l = {st, NULL, 0, 0, err};
    if (dsms_store_each_framework(st, NULL, parse_stored, &l, err)) return loaded_free(&l), -1;
    dsms_refdata ref = {0};
    int rc = l.n ? dsms_refdata_fetch(&ref, st, err) : 0;
    for (size_t i = 0; !rc && i < l.n; i++) rc = restatus_one(st, &l.fw[i], &ref, err);
    dsms_refdata_free(&ref);
    loaded_free(&l);
    return rc;
}

typedef struct {
    dsms_framework *fw;
    dsms_err *err;
} fetching;

static int take_text(void *ctx, const dsms_stored_framework *f)
{
    fetching *g = ctx;
    dsms_err why = {""};
    if (dsms_framework_parse(f->text, strlen(f->text), f->file, g->fw, &why) == 0) return 1;
    dsms_err_set(g->err, "the framework %s as loaded no longer reads (%s): load it again once "
                         "mended, or take it out with dsms framework remove %s",
                 f->id, why.msg, f->id);
    return -1;
}

int dsms_framework_fetch(dsms_store *st, const char *id, dsms_framework *fw, dsms_err *err)
{
    memset(fw, 0, sizeof *fw);
    fetching g = {fw, err};
    if (dsms_store_each_framework(st, id, take_text, &g, err)) return -1;
    return fw->id[0] != 0;
}

/* Read path and check it against ref, then store it, unless england_only
 * is set and it is not for England: 1 stored, 0 not, or -1 with err set. */
static int load_one(dsms_store *st, const char *path, const dsms_refdata *ref, const char *by,
                    int england_only, dsms_err *err)
{
    char *text;
    size_t len;
    if (dsms_framework_text(path, &text, &len, err)) return -1;
    dsms_framework fw;
    int rc = dsms_framework_parse(text, len, path, &fw, err);
    if (!rc && england_only && (fw.partnership[0] || fw.nareas)) {
        dsms_framework_free(&fw);
        return free(text), 0;
    }
    if (!rc) {
        rc = dsms_framework_check_ref(path, &fw, ref, err);
        dsms_stored_framework f = {fw.id, fw.name, path, text, NULL, by};
        if (!rc) rc = dsms_store_framework_put(st, &f, err);
        char detail[300];
        snprintf(detail, sizeof detail, "%s from %s", fw.id, path);
        if (!rc) rc = dsms_store_audit(st, by, "framework load", detail, err);
        dsms_framework_free(&fw);
    }
    free(text);
    return rc ? -1 : 1;
}

int dsms_framework_load(dsms_store *st, const char *const *paths, size_t n, const char *by,
                        dsms_err *err)
{
    dsms_refdata ref = {0};
    if (dsms_store_begin(st, err)) return -1;
    int rc = dsms_refdata_fetch(&ref, st, err);
    for (size_t i = 0; !rc && i < n; i++) rc = load_one(st, paths[i], &ref, by, 0, err) < 0;
    if (!rc) rc = dsms_framework_restatus(NULL, st, err);
    if (!rc) rc = dsms_store_commit(st, err);
    else dsms_store_rollback(st);
    dsms_refdata_free(&ref);
    return rc ? -1 : 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int dsms_framework_load_shipped(dsms_store *st, const char *dir, const dsms_refdata *ref,
                                const char *by, size_t *loaded, dsms_err *err)
{
    char pattern[4096];
    snprintf(pattern, sizeof pattern, "%s/frameworks/*.yaml", dir);
    glob_t g;
    int found = glob(pattern, 0, NULL, &g);
    *loaded = 0;
    if (found == GLOB_NOMATCH) return 0;
    if (found) {
        dsms_err_set(err, "%s: cannot list the frameworks", pattern);
        return -1;
    }
    qsort(g.gl_pathv, g.gl_pathc, sizeof *g.gl_pathv, by_name);
    int rc = 0;
    for (size_t i = 0; rc >= 0 && i < g.gl_pathc; i++)
        if ((rc = load_one(st, g.gl_pathv[i], ref, by, 1, err)) > 0) ++*loaded;
    globfree(&g);
    return rc < 0 ? -1 : dsms_framework_restatus(NULL, st, err);
}

/* ---- statuses as the store keeps them ---- */

static dsms_status status_named(const char *name)
{
    for (int k = DSMS_STATUS_ACHIEVED; k <= DSMS_STATUS_OFF_TRACK; k++)
        if (strcmp(name, dsms_status_name((dsms_status)k)) == 0) return (dsms_status)k;
    return DSMS_STATUS_NOT_ASSESSABLE;
}

/* What take_status fills: one status per metric, by seq; the text they
 * point to is kept in why and trend. */
typedef struct {
    const dsms_framework *fw;
    dsms_metric_status *s;
    char (*why)[DSMS_FW_TEXT];
    size_t rows;
} stored;

static int take_status(void *ctx, const dsms_status_row *r)
{
    stored *t = ctx;
    t->rows++;
    if (r->seq < 0 || (size_t)r->seq >= t->fw->nmetrics) return 0;
    dsms_metric_status *s = &t->s[r->seq];
    snprintf(s->period, sizeof s->period, "%s", r->period);
    s->baseline = r->baseline, s->value = r->value;
    s->lower95 = r->lower95, s->upper95 = r->upper95;
    snprintf(s->trend, sizeof s->trend, "%s", r->trend);
    s->standing = (dsms_standing){status_named(r->status), r->target, r->trajectory, 0, 0,
                                  r->gap_people, ""};
    snprintf(t->why[r->seq], sizeof t->why[r->seq], "%s", r->why);
    s->why = t->why[r->seq];
    s->suppressed = r->suppressed;
    return 0;
}

int dsms_framework_stored(dsms_store *st, const dsms_framework *fw, const char *area,
                          const char *period, dsms_metric_status *s, char (*why)[DSMS_FW_TEXT],
                          dsms_err *err)
{
    for (size_t i = 0; i < fw->nmetrics; i++) {
        s[i] = (dsms_metric_status){.metric = &fw->metrics[i], .baseline = NAN, .value = NAN,
                                    .lower95 = NAN, .upper95 = NAN,
                                    .why = fw->metrics[i].source == DSMS_FROM_NONE
                                               ? "no source yet"
                                           : period ? "no figure in the period"
                                                    : ""};
        s[i].standing = (dsms_standing){.target = NAN, .trajectory = NAN, .gap_people = NAN,
                                        .reason = ""};
    }
    stored t = {fw, s, why, 0};
    if (dsms_store_each_status(st, fw->id, area, period, take_status, &t, err)) return -1;
    /* Every place the framework is for has a row for each metric's latest:
     * none at all, and the place is not one of its own. */
    if (!t.rows && !period && fw->nmetrics) {
        dsms_err_set(err, "no statuses of %s are stored for %s: it is for %s%s", fw->id, area,
                     fw->partnership[0] ? "partnership " : "",
                     fw->partnership[0] ? fw->partnership
                     : fw->nareas       ? "the areas it names"
                                        : "England, its regions and areas");
        return -1;
    }
    return 0;
}

void dsms_framework_attach(dsms_store *st)
{
    dsms_store_set_derive(st, dsms_framework_restatus, NULL);
}
