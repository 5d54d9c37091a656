/* framework.c — outcomes frameworks read from YAML (dsms/framework.h).
 *
 * libfyaml parses the file into a document; this walks it, field by field,
 * against the shape docs/frameworks.md gives, and stops at the first fault
 * with its line: an unknown field, a missing one, a measure or breakdown
 * that does not exist, a period that is not one, a target due before its
 * baseline. Nothing of a framework with a fault is kept. */
#include "dsms/framework.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/field.h"
#include "dsms/grow.h"
#include "dsms/text.h"
#include "steer_yaml.h"

typedef struct {
    yaml_reading y;
    dsms_framework *fw;
    size_t cap;
} reading;

int64_t dsms_period_end(const char *p)
{
    size_t n = strlen(p);
    char date[24];
    for (size_t i = 0; i < 4; i++)
        if (n < 4 || p[i] < '0' || p[i] > '9') return -1;
    int year = atoi(p);
    if (n == 9 && p[4] == '-') { /* calendar years pooled: "2021-2023" */
        for (size_t i = 5; i < 9; i++)
            if (p[i] < '0' || p[i] > '9') return -1;
        int last = atoi(p + 5);
        if (last <= year || last - year > 9) return -1;
        year = last, n = 4;
    }
    if (n == 4) {
        snprintf(date, sizeof date, "%04d-12-31", year);
        return dsms_date_parse(date, 10);
    }
    if ((n != 7 && n != 10) || p[4] != '-' || p[5] < '0' || p[5] > '9' || p[6] < '0' ||
        p[6] > '9' || (p[5] - '0') * 10 + (p[6] - '0') != (year + 1) % 100)
        return -1;
    if (n == 7) {
        snprintf(date, sizeof date, "%04d-03-31", year + 1);
        return dsms_date_parse(date, 10);
    }
    if (p[7] != '-' || p[8] != 'Q' || p[9] < '1' || p[9] > '4') return -1;
    static const char *const ends[] = {"06-30", "09-30", "12-31", "03-31"};
    int q = p[9] - '1';
    snprintf(date, sizeof date, "%04d-%s", q == 3 ? year + 1 : year, ends[q]);
    return dsms_date_parse(date, 10);
}

static int period_of(reading *r, struct fy_node *m, const char *name, char *buf, int required,
                     const char *what)
{
    if (yaml_text(&r->y, m, name, buf, DSMS_PERIOD_LEN, required, what)) return -1;
    if (!buf[0] || dsms_period_end(buf) >= 0) return 0;
    return yaml_fault(&r->y, yaml_get(m, name), name,
                 "'%s' is not a period (expected a year 2024, a financial year 2024-25 or a "
                 "quarter 2024-25-Q1)",
                 buf);
}

/* ---- a metric's source -------------------------------------------------------------- */

static const struct {
    const char *name;
    unsigned flag;
} breakdowns[] = {{"substance", DSMS_BY_SUBSTANCE}, {"sex", DSMS_BY_SEX}, {"age", DSMS_BY_AGE},
                  {"ethnicity", DSMS_BY_ETHNICITY}, {"reason", DSMS_BY_REASON}};

static int breakdown_ok(const dsms_measure *m, const char *b)
{
    if (strcmp(b, "all") == 0) return 1;
    for (size_t i = 0; i < sizeof breakdowns / sizeof *breakdowns; i++)
        if (strcmp(b, breakdowns[i].name) == 0) return (m->breakdowns & breakdowns[i].flag) != 0;
    return 0;
}

static int measure_source(reading *r, struct fy_node *s, dsms_metric *x)
{
    if (yaml_only_fields(&r->y, s, "source", "measure|breakdown|category") ||
        yaml_id(&r->y, s, "measure", x->from, sizeof x->from, "source") ||
        yaml_text(&r->y, s, "breakdown", x->breakdown, sizeof x->breakdown, 0, "source") ||
        yaml_text(&r->y, s, "category", x->category, sizeof x->category, 0, "source"))
        return -1;
    const dsms_measure *m = dsms_measure_find(x->from);
    if (!m)
        return yaml_fault(&r->y, yaml_get(s, "measure"), "measure",
                     "'%s' is not a measure (dsms measures --list shows them)", x->from);
    if (!x->breakdown[0]) snprintf(x->breakdown, sizeof x->breakdown, "all");
    if (!x->category[0]) snprintf(x->category, sizeof x->category, "all");
    if (!breakdown_ok(m, x->breakdown))
        return yaml_fault(&r->y, yaml_get(s, "breakdown"), "breakdown",
                     "'%s' is not a breakdown of %s", x->breakdown, x->from);
    if (strcmp(x->breakdown, "all") == 0 && strcmp(x->category, "all") != 0)
        return yaml_fault(&r->y, yaml_get(s, "category"), "category",
                     "'%s' needs a breakdown ('all' has the one category 'all')", x->category);
    x->source = DSMS_FROM_MEASURE;
    x->polarity = m->polarity;
    return 0;
}

static int source_of(reading *r, struct fy_node *metric, dsms_metric *x)
{
    struct fy_node *s = yaml_get(metric, "source");
    if (!s)
        return yaml_fault(&r->y, metric, "metric", "no 'source' (a measure, a series, or none)");
    if (fy_node_get_type(s) != FYNT_MAPPING)
        return yaml_fault(&r->y, s, "source", "expected measure:, series: or none:");
    int has_measure = yaml_get(s, "measure") != NULL;
    int has_series = yaml_get(s, "series") != NULL;
    int has_none = yaml_get(s, "none") != NULL;
    if (has_measure + has_series + has_none != 1)
        return yaml_fault(&r->y, s, "source", "give one of measure:, series: or none:");
    if (has_measure) return measure_source(r, s, x);
    if (has_series) {
        x->source = DSMS_FROM_SERIES;
        return yaml_only_fields(&r->y, s, "source", "series") ||
               yaml_id(&r->y, s, "series", x->from, sizeof x->from, "source");
    }
    x->source = DSMS_FROM_NONE;
    return yaml_only_fields(&r->y, s, "source", "none") ||
           yaml_text(&r->y, s, "none", x->why_none, sizeof x->why_none, 1, "source");
}

/* ---- polarity, baseline and target --------------------------------------------------- */

static int polarity_of(reading *r, struct fy_node *metric, dsms_metric *x)
{
    char p[16];
    if (yaml_text(&r->y, metric, "polarity", p, sizeof p, x->source == DSMS_FROM_SERIES, "metric"))
        return -1;
    if (!p[0]) return 0; /* a measure's own */
    static const char *const names[] = {"none", "high", "low"};
    static const dsms_polarity values[] = {DSMS_POLARITY_NONE, DSMS_POLARITY_HIGH_GOOD,
                                           DSMS_POLARITY_LOW_GOOD};
    for (int i = 0; i < 3; i++)
        if (strcmp(p, names[i]) == 0) {
            /* A measure without a polarity (numbers in treatment) may be
             * given one by a framework that wants it to rise or fall. */
            if (x->source == DSMS_FROM_MEASURE && x->polarity != DSMS_POLARITY_NONE &&
                x->polarity != values[i])
                return yaml_fault(&r->y, yaml_get(metric, "polarity"),
                             "polarity", "'%s' is not %s's (leave it out: the measure's is used)",
                             p, x->from);
            x->polarity = values[i];
            return 0;
        }
    return yaml_fault(&r->y, yaml_get(metric, "polarity"), "polarity",
                 "'%s' is not a polarity (expected high, low or none)", p);
}

static int target_of(reading *r, struct fy_node *metric, dsms_metric *x)
{
    struct fy_node *t = yaml_get(metric, "target");
    if (!t) return 0;
    if (fy_node_get_type(t) != FYNT_MAPPING)
        return yaml_fault(&r->y, t, "target", "expected value:, change: or percent:, and due:");
    if (yaml_only_fields(&r->y, t, "target", "value|change|percent|due|trajectory")) return -1;
    static const char *const kinds[] = {"value", "change", "percent"};
    struct fy_node *v = NULL;
    for (int k = 0; k < 3; k++) {
        struct fy_node *here = yaml_get(t, kinds[k]);
        if (here && v)
            return yaml_fault(&r->y, here, "target", "give one of value:, change: or percent:");
        if (here) v = here, x->target_kind = (dsms_target_kind)k;
    }
    if (!v) return yaml_fault(&r->y, t, "target", "no value:, change: or percent:");
    if (yaml_number(&r->y, v, kinds[x->target_kind], &x->target)) return -1;
    char how[16];
    if (yaml_text(&r->y, t, "trajectory", how, sizeof how, 0, "target")) return -1;
    if (how[0] && strcmp(how, "linear") != 0)
        return yaml_fault(&r->y, yaml_get(t, "trajectory"), "trajectory",
                     "'%s' is not a trajectory dsms draws (expected linear)", how);
    if (period_of(r, t, "due", x->due, 1, "target")) return -1;
    if (!x->baseline[0]) return yaml_fault(&r->y, t, "target", "a target needs a baseline: period");
    if (dsms_period_end(x->due) <= dsms_period_end(x->baseline))
        return yaml_fault(&r->y, yaml_get(t, "due"), "due",
                     "%s is not after the baseline %s", x->due, x->baseline);
    if (x->target_kind != DSMS_TARGET_VALUE && x->target == 0)
        return yaml_fault(&r->y, v, kinds[x->target_kind], "a change of 0 is no target");
    x->has_target = 1;
    return 0;
}

/* ---- outcomes and metrics -------------------------------------------------------------- */

static int metric_of(reading *r, struct fy_node *n, const char *outcome)
{
    if (fy_node_get_type(n) != FYNT_MAPPING)
        return yaml_fault(&r->y, n, "metrics", "expected a metric");
    dsms_framework *fw = r->fw;
    if (dsms_room_for((void **)&fw->metrics, &r->cap, fw->nmetrics, sizeof *fw->metrics, 16)) {
        dsms_err_set(r->y.err, "%s: out of memory", r->y.path);
        return -1;
    }
    dsms_metric *x = &fw->metrics[fw->nmetrics];
    *x = (dsms_metric){.line = yaml_line_of(n)};
    snprintf(x->outcome, sizeof x->outcome, "%s", outcome);
    if (yaml_only_fields(&r->y, n, "metric", "id|name|line|note|source|polarity|baseline|target") ||
        yaml_id(&r->y, n, "id", x->id, sizeof x->id, "metric") ||
        yaml_text(&r->y, n, "name", x->name, sizeof x->name, 1, "metric") ||
        yaml_text(&r->y, n, "note", x->note, sizeof x->note, 0, "metric") ||
        yaml_text(&r->y, n, "line", x->where, sizeof x->where, 0, "metric") || source_of(r, n, x) ||
        polarity_of(r, n, x) || period_of(r, n, "baseline", x->baseline, 0, "metric") ||
        target_of(r, n, x))
        return -1;
    for (size_t i = 0; i < fw->nmetrics; i++)
        if (strcmp(fw->metrics[i].id, x->id) == 0)
            return yaml_fault(&r->y, yaml_get(n, "id"), "id",
                         "'%s' is given twice (as on line %d)", x->id, fw->metrics[i].line);
    fw->nmetrics++;
    return 0;
}

static int outcome_of(reading *r, struct fy_node *n)
{
    if (fy_node_get_type(n) != FYNT_MAPPING)
        return yaml_fault(&r->y, n, "outcomes", "expected an outcome");
    char id[DSMS_FW_ID], name[DSMS_FW_TEXT], kind[32];
    struct fy_node *metrics;
    if (yaml_only_fields(&r->y, n, "outcome", "id|name|kind|line|metrics") ||
        yaml_id(&r->y, n, "id", id, sizeof id, "outcome") ||
        yaml_text(&r->y, n, "name", name, sizeof name, 1, "outcome") ||
        yaml_text(&r->y, n, "kind", kind, sizeof kind, 0, "outcome") ||
        yaml_text(&r->y, n, "line", name, sizeof name, 0, "outcome") ||
        yaml_list(&r->y, n, "metrics", "outcome", &metrics))
        return -1;
    if (kind[0] && strcmp(kind, "long-term") != 0 && strcmp(kind, "intermediate") != 0 &&
        strcmp(kind, "local") != 0)
        return yaml_fault(&r->y, yaml_get(n, "kind"), "kind",
                     "'%s' is not a kind of outcome (expected long-term, intermediate or local)",
                     kind);
    void *it = NULL;
    for (struct fy_node *m; (m = fy_node_sequence_iterate(metrics, &it));)
        if (metric_of(r, m, id)) return -1;
    r->fw->noutcomes++;
    return 0;
}

/* for: {partnership: CODE} or {areas: [CODE, ...]}, or nothing: England. */
static int scope_of(reading *r, struct fy_node *root)
{
    struct fy_node *f = yaml_get(root, "for");
    if (!f) return 0;
    if (fy_node_get_type(f) != FYNT_MAPPING || fy_node_mapping_item_count(f) != 1)
        return yaml_fault(&r->y, yaml_key(root, "for"), "for",
                          "expected partnership: CODE or areas: [CODE, ...]");
    if (yaml_only_fields(&r->y, f, "for", "partnership|areas")) return -1;
    dsms_framework *fw = r->fw;
    struct fy_node *areas = yaml_get(f, "areas");
    if (!areas)
        return yaml_id(&r->y, f, "partnership", fw->partnership, sizeof fw->partnership, "for");
    if (fy_node_get_type(areas) != FYNT_SEQUENCE || !fy_node_sequence_item_count(areas))
        return yaml_fault(&r->y, yaml_key(f, "areas"), "areas",
                          "expected a list of one or more area codes");
    void *it = NULL;
    for (struct fy_node *a; (a = fy_node_sequence_iterate(areas, &it));) {
        size_t n;
        const char *s = fy_node_get_type(a) == FYNT_SCALAR ? fy_node_get_scalar(a, &n) : NULL;
        char code[16];
        if (!s || !n || n >= sizeof code)
            return yaml_fault(&r->y, a, "areas", "expected an area code");
        memcpy(code, s, n);
        code[n] = 0;
        if (!yaml_is_id(code))
            return yaml_fault(&r->y, a, "areas", "'%s' is not an area code", code);
        for (size_t i = 0; i < fw->nareas; i++)
            if (strcmp(fw->areas[i], code) == 0)
                return yaml_fault(&r->y, a, "areas", "%s is given twice", code);
        if (fw->nareas == DSMS_FW_MAX_AREAS)
            return yaml_fault(&r->y, a, "areas", "more than %d areas", DSMS_FW_MAX_AREAS);
        memcpy(fw->areas[fw->nareas++], code, n + 1);
    }
    return 0;
}

/* A framework file is small: past this it is not one. */
#define FRAMEWORK_MAX_BYTES (4 << 20)

int dsms_framework_text(const char *path, char **text, size_t *len, dsms_err *err)
{
    return yaml_slurp(path, FRAMEWORK_MAX_BYTES, "a framework", text, len, err);
}

int dsms_framework_read(const char *path, dsms_framework *fw, dsms_err *err)
{
    memset(fw, 0, sizeof *fw);
    char *text;
    size_t n;
    if (dsms_framework_text(path, &text, &n, err)) return -1;
    int rc = dsms_framework_parse(text, n, path, fw, err);
    free(text);
    return rc;
}

int dsms_framework_parse(const char *text, size_t len, const char *name, dsms_framework *fw,
                         dsms_err *err)
{
    memset(fw, 0, sizeof *fw);
    reading r = {{name, err}, fw, 0};
    yaml_doc d;
    int rc = yaml_open(&r.y, text, len, &d);
    struct fy_node *root = rc ? NULL : fy_document_root(d.doc), *outcomes = NULL;
    if (!rc)
        rc = !root || fy_node_get_type(root) != FYNT_MAPPING
                 ? yaml_fault(&r.y, root, "framework",
                              "expected a mapping of id:, name: and outcomes:")
             : yaml_only_fields(&r.y, root, "framework", "id|name|source|for|outcomes") ||
                     yaml_id(&r.y, root, "id", fw->id, sizeof fw->id, "framework") ||
                     yaml_text(&r.y, root, "name", fw->name, sizeof fw->name, 1, "framework") ||
                     scope_of(&r, root) ||
                     yaml_list(&r.y, root, "outcomes", "framework", &outcomes)
                 ? -1
                 : 0;
    void *it = NULL;
    for (struct fy_node *o; !rc && (o = fy_node_sequence_iterate(outcomes, &it));)
        rc = outcome_of(&r, o);
    yaml_close(&d);
    if (rc) dsms_framework_free(fw);
    return rc;
}

void dsms_framework_free(dsms_framework *fw)
{
    free(fw->metrics);
    memset(fw, 0, sizeof *fw);
}
