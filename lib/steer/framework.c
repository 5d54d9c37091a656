/* framework.c — outcomes frameworks read from YAML (dsms/framework.h).
 *
 * libfyaml parses the file into a document; this walks it, field by field,
 * against the shape docs/frameworks.md gives, and stops at the first fault
 * with its line: an unknown field, a missing one, a measure or breakdown
 * that does not exist, a period that is not one, a target due before its
 * baseline. Nothing of a framework with a fault is kept. */
#include "dsms/framework.h"

#include <errno.h>
#include <libfyaml.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/field.h"
#include "dsms/grow.h"
#include "dsms/text.h"

typedef struct {
    const char *path;
    dsms_err *err;
    dsms_framework *fw;
    size_t cap;
} reading;

/* The line (from 1) a node begins on: its own for a scalar, its first
 * key's or item's otherwise; 0 when not known. */
static int line_of(struct fy_node *n)
{
    while (n && fy_node_get_type(n) != FYNT_SCALAR) {
        void *it = NULL;
        if (fy_node_get_type(n) == FYNT_MAPPING) {
            struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
            n = p ? fy_node_pair_key(p) : NULL;
        } else {
            n = fy_node_sequence_iterate(n, &it);
        }
    }
    struct fy_token *t = n ? fy_node_get_scalar_token(n) : NULL;
    const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
    return m ? m->line + 1 : 0;
}

static int fault(reading *r, struct fy_node *at, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fault(reading *r, struct fy_node *at, const char *field, const char *fmt, ...)
{
    char what[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    dsms_err_set(r->err, "%s:%d: %s: %s", r->path, line_of(at), field, what);
    return -1;
}

/* Every key of mapping m is one of the '|'-separated names in allowed. */
static int only_fields(reading *r, struct fy_node *m, const char *what, const char *allowed)
{
    void *it = NULL;
    for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(m, &it));) {
        size_t n;
        const char *k = fy_node_get_scalar(fy_node_pair_key(p), &n);
        const char *a = allowed;
        int known = 0;
        while (k && !known && *a) {
            size_t len = strcspn(a, "|");
            known = len == n && strncmp(a, k, n) == 0;
            a += len + (a[len] == '|');
        }
        if (!known) {
            char list[200];
            size_t o = 0;
            for (const char *a2 = allowed; *a2 && o + 3 < sizeof list; a2++)
                o += (size_t)snprintf(list + o, sizeof list - o, *a2 == '|' ? ", " : "%c", *a2);
            return fault(r, fy_node_pair_key(p), what, "unknown field '%.*s' (expected one of %s)",
                         k ? (int)(n > 60 ? 60 : n) : 1, k ? k : "?", list);
        }
    }
    return 0;
}

/* Field name of mapping m as text in buf (n bytes), or NULL when absent;
 * a fault when it is there but not text, or too long. */
static int text_of(reading *r, struct fy_node *m, const char *name, char *buf, size_t n,
                   int required, const char *what)
{
    struct fy_node *v = fy_node_mapping_lookup_by_string(m, name, FY_NT);
    buf[0] = 0;
    if (!v) return required ? fault(r, m, what, "no '%s' (it is required)", name) : 0;
    size_t len;
    const char *s = fy_node_get_type(v) == FYNT_SCALAR ? fy_node_get_scalar(v, &len) : NULL;
    if (!s) return fault(r, v, name, "expected text, not a list or a mapping");
    if (len >= n) return fault(r, v, name, "longer than %zu characters", n - 1);
    if (required && !len) return fault(r, v, name, "empty (it is required)");
    memcpy(buf, s, len);
    buf[len] = 0;
    return 0;
}

/* An identifier: letters, digits, '-' and '_'. */
static int is_id(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_'))
            return 0;
    return 1;
}

static int id_of(reading *r, struct fy_node *m, const char *name, char *buf, size_t n,
                 const char *what)
{
    if (text_of(r, m, name, buf, n, 1, what)) return -1;
    if (is_id(buf)) return 0;
    return fault(r, fy_node_mapping_lookup_by_string(m, name, FY_NT), name,
                 "'%s' is not an identifier (letters, digits, '-' and '_')", buf);
}

int64_t dsms_period_end(const char *p)
{
    size_t n = strlen(p);
    char date[24];
    for (size_t i = 0; i < 4; i++)
        if (n < 4 || p[i] < '0' || p[i] > '9') return -1;
    int year = atoi(p);
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
    if (text_of(r, m, name, buf, DSMS_PERIOD_LEN, required, what)) return -1;
    if (!buf[0] || dsms_period_end(buf) >= 0) return 0;
    return fault(r, fy_node_mapping_lookup_by_string(m, name, FY_NT), name,
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
    if (only_fields(r, s, "source", "measure|breakdown|category") ||
        id_of(r, s, "measure", x->from, sizeof x->from, "source") ||
        text_of(r, s, "breakdown", x->breakdown, sizeof x->breakdown, 0, "source") ||
        text_of(r, s, "category", x->category, sizeof x->category, 0, "source"))
        return -1;
    const dsms_measure *m = dsms_measure_find(x->from);
    if (!m)
        return fault(r, fy_node_mapping_lookup_by_string(s, "measure", FY_NT), "measure",
                     "'%s' is not a measure (dsms measures --list shows them)", x->from);
    if (!x->breakdown[0]) snprintf(x->breakdown, sizeof x->breakdown, "all");
    if (!x->category[0]) snprintf(x->category, sizeof x->category, "all");
    if (!breakdown_ok(m, x->breakdown))
        return fault(r, fy_node_mapping_lookup_by_string(s, "breakdown", FY_NT), "breakdown",
                     "'%s' is not a breakdown of %s", x->breakdown, x->from);
    if (strcmp(x->breakdown, "all") == 0 && strcmp(x->category, "all") != 0)
        return fault(r, fy_node_mapping_lookup_by_string(s, "category", FY_NT), "category",
                     "'%s' needs a breakdown ('all' has the one category 'all')", x->category);
    x->source = DSMS_FROM_MEASURE;
    x->polarity = m->polarity;
    return 0;
}

static int source_of(reading *r, struct fy_node *metric, dsms_metric *x)
{
    struct fy_node *s = fy_node_mapping_lookup_by_string(metric, "source", FY_NT);
    if (!s) return fault(r, metric, "metric", "no 'source' (a measure, a series, or none)");
    if (fy_node_get_type(s) != FYNT_MAPPING)
        return fault(r, s, "source", "expected measure:, series: or none:");
    int has_measure = fy_node_mapping_lookup_by_string(s, "measure", FY_NT) != NULL;
    int has_series = fy_node_mapping_lookup_by_string(s, "series", FY_NT) != NULL;
    int has_none = fy_node_mapping_lookup_by_string(s, "none", FY_NT) != NULL;
    if (has_measure + has_series + has_none != 1)
        return fault(r, s, "source", "give one of measure:, series: or none:");
    if (has_measure) return measure_source(r, s, x);
    if (has_series) {
        x->source = DSMS_FROM_SERIES;
        return only_fields(r, s, "source", "series") ||
               id_of(r, s, "series", x->from, sizeof x->from, "source");
    }
    x->source = DSMS_FROM_NONE;
    return only_fields(r, s, "source", "none") ||
           text_of(r, s, "none", x->why_none, sizeof x->why_none, 1, "source");
}

/* ---- polarity, baseline and target --------------------------------------------------- */

static int polarity_of(reading *r, struct fy_node *metric, dsms_metric *x)
{
    char p[16];
    if (text_of(r, metric, "polarity", p, sizeof p, x->source == DSMS_FROM_SERIES, "metric"))
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
                return fault(r, fy_node_mapping_lookup_by_string(metric, "polarity", FY_NT),
                             "polarity", "'%s' is not %s's (leave it out: the measure's is used)",
                             p, x->from);
            x->polarity = values[i];
            return 0;
        }
    return fault(r, fy_node_mapping_lookup_by_string(metric, "polarity", FY_NT), "polarity",
                 "'%s' is not a polarity (expected high, low or none)", p);
}

static int number_of(reading *r, struct fy_node *v, const char *field, double *out)
{
    size_t n;
    const char *s = fy_node_get_type(v) == FYNT_SCALAR ? fy_node_get_scalar(v, &n) : NULL;
    char buf[64];
    if (s && n < sizeof buf) {
        memcpy(buf, s, n);
        buf[n] = 0;
        char *end;
        *out = strtod(buf, &end);
        if (n && !*end && isfinite(*out)) return 0;
    }
    return fault(r, v, field, "expected a number");
}

static int target_of(reading *r, struct fy_node *metric, dsms_metric *x)
{
    struct fy_node *t = fy_node_mapping_lookup_by_string(metric, "target", FY_NT);
    if (!t) return 0;
    if (fy_node_get_type(t) != FYNT_MAPPING)
        return fault(r, t, "target", "expected value:, change: or percent:, and due:");
    if (only_fields(r, t, "target", "value|change|percent|due|trajectory")) return -1;
    static const char *const kinds[] = {"value", "change", "percent"};
    struct fy_node *v = NULL;
    for (int k = 0; k < 3; k++) {
        struct fy_node *here = fy_node_mapping_lookup_by_string(t, kinds[k], FY_NT);
        if (here && v) return fault(r, here, "target", "give one of value:, change: or percent:");
        if (here) v = here, x->target_kind = (dsms_target_kind)k;
    }
    if (!v) return fault(r, t, "target", "no value:, change: or percent:");
    if (number_of(r, v, kinds[x->target_kind], &x->target)) return -1;
    char how[16];
    if (text_of(r, t, "trajectory", how, sizeof how, 0, "target")) return -1;
    if (how[0] && strcmp(how, "linear") != 0)
        return fault(r, fy_node_mapping_lookup_by_string(t, "trajectory", FY_NT), "trajectory",
                     "'%s' is not a trajectory dsms draws (expected linear)", how);
    if (period_of(r, t, "due", x->due, 1, "target")) return -1;
    if (!x->baseline[0]) return fault(r, t, "target", "a target needs a baseline: period");
    if (dsms_period_end(x->due) <= dsms_period_end(x->baseline))
        return fault(r, fy_node_mapping_lookup_by_string(t, "due", FY_NT), "due",
                     "%s is not after the baseline %s", x->due, x->baseline);
    if (x->target_kind != DSMS_TARGET_VALUE && x->target == 0)
        return fault(r, v, kinds[x->target_kind], "a change of 0 is no target");
    x->has_target = 1;
    return 0;
}

/* ---- outcomes and metrics -------------------------------------------------------------- */

static int metric_of(reading *r, struct fy_node *n, const char *outcome)
{
    if (fy_node_get_type(n) != FYNT_MAPPING) return fault(r, n, "metrics", "expected a metric");
    dsms_framework *fw = r->fw;
    if (dsms_room_for((void **)&fw->metrics, &r->cap, fw->nmetrics, sizeof *fw->metrics, 16)) {
        dsms_err_set(r->err, "%s: out of memory", r->path);
        return -1;
    }
    dsms_metric *x = &fw->metrics[fw->nmetrics];
    *x = (dsms_metric){.line = line_of(n)};
    snprintf(x->outcome, sizeof x->outcome, "%s", outcome);
    if (only_fields(r, n, "metric", "id|name|line|note|source|polarity|baseline|target") ||
        id_of(r, n, "id", x->id, sizeof x->id, "metric") ||
        text_of(r, n, "name", x->name, sizeof x->name, 1, "metric") ||
        text_of(r, n, "note", x->note, sizeof x->note, 0, "metric") ||
        text_of(r, n, "line", x->where, sizeof x->where, 0, "metric") || source_of(r, n, x) ||
        polarity_of(r, n, x) || period_of(r, n, "baseline", x->baseline, 0, "metric") ||
        target_of(r, n, x))
        return -1;
    for (size_t i = 0; i < fw->nmetrics; i++)
        if (strcmp(fw->metrics[i].id, x->id) == 0)
            return fault(r, fy_node_mapping_lookup_by_string(n, "id", FY_NT), "id",
                         "'%s' is given twice (as on line %d)", x->id, fw->metrics[i].line);
    fw->nmetrics++;
    return 0;
}

/* The key node of field name in mapping m (its line is the field's, where
 * an empty value has none of its own), or NULL. */
static struct fy_node *key_of(struct fy_node *m, const char *name)
{
    void *it = NULL;
    for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(m, &it));) {
        size_t n;
        const char *k = fy_node_get_scalar(fy_node_pair_key(p), &n);
        if (k && n == strlen(name) && strncmp(k, name, n) == 0) return fy_node_pair_key(p);
    }
    return NULL;
}

static int list_of(reading *r, struct fy_node *m, const char *name, const char *what,
                   struct fy_node **out)
{
    *out = fy_node_mapping_lookup_by_string(m, name, FY_NT);
    if (!*out) return fault(r, m, what, "no '%s' (it is required)", name);
    if (fy_node_get_type(*out) != FYNT_SEQUENCE || !fy_node_sequence_item_count(*out))
        return fault(r, key_of(m, name), name, "expected a list of one or more");
    return 0;
}

static int outcome_of(reading *r, struct fy_node *n)
{
    if (fy_node_get_type(n) != FYNT_MAPPING) return fault(r, n, "outcomes", "expected an outcome");
    char id[DSMS_FW_ID], name[DSMS_FW_TEXT], kind[32];
    struct fy_node *metrics;
    if (only_fields(r, n, "outcome", "id|name|kind|line|metrics") ||
        id_of(r, n, "id", id, sizeof id, "outcome") ||
        text_of(r, n, "name", name, sizeof name, 1, "outcome") ||
        text_of(r, n, "kind", kind, sizeof kind, 0, "outcome") ||
        text_of(r, n, "line", name, sizeof name, 0, "outcome") ||
        list_of(r, n, "metrics", "outcome", &metrics))
        return -1;
    if (kind[0] && strcmp(kind, "long-term") != 0 && strcmp(kind, "intermediate") != 0 &&
        strcmp(kind, "local") != 0)
        return fault(r, fy_node_mapping_lookup_by_string(n, "kind", FY_NT), "kind",
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
    struct fy_node *f = fy_node_mapping_lookup_by_string(root, "for", FY_NT);
    if (!f) return 0;
    if (fy_node_get_type(f) != FYNT_MAPPING || fy_node_mapping_item_count(f) != 1)
        return fault(r, key_of(root, "for"), "for", "expected partnership: CODE or areas: [CODE, ...]");
    if (only_fields(r, f, "for", "partnership|areas")) return -1;
    dsms_framework *fw = r->fw;
    struct fy_node *areas = fy_node_mapping_lookup_by_string(f, "areas", FY_NT);
    if (!areas) return id_of(r, f, "partnership", fw->partnership, sizeof fw->partnership, "for");
    if (fy_node_get_type(areas) != FYNT_SEQUENCE || !fy_node_sequence_item_count(areas))
        return fault(r, key_of(f, "areas"), "areas", "expected a list of one or more area codes");
    void *it = NULL;
    for (struct fy_node *a; (a = fy_node_sequence_iterate(areas, &it));) {
        size_t n;
        const char *s = fy_node_get_type(a) == FYNT_SCALAR ? fy_node_get_scalar(a, &n) : NULL;
        char code[16];
        if (!s || !n || n >= sizeof code) return fault(r, a, "areas", "expected an area code");
        memcpy(code, s, n);
        code[n] = 0;
        if (!is_id(code)) return fault(r, a, "areas", "'%s' is not an area code", code);
        for (size_t i = 0; i < fw->nareas; i++)
            if (strcmp(fw->areas[i], code) == 0)
                return fault(r, a, "areas", "%s is given twice", code);
        if (fw->nareas == DSMS_FW_MAX_AREAS)
            return fault(r, a, "areas", "more than %d areas", DSMS_FW_MAX_AREAS);
        memcpy(fw->areas[fw->nareas++], code, n + 1);
    }
    return 0;
}

/* libfyaml's first error, as path:line: message. */
static int parse_fault(reading *r, struct fy_diag *diag)
{
    void *it = NULL;
    struct fy_diag_error *e = diag ? fy_diag_errors_iterate(diag, &it) : NULL;
    if (e) dsms_err_set(r->err, "%s:%d: not YAML: %s", r->path, e->line + 1, e->msg);
    else dsms_err_set(r->err, "%s: cannot read it as YAML", r->path);
    return -1;
}

/* The framework in text (len bytes, valid UTF-8), named path in messages. */
static int framework_from(const char *path, const char *text, size_t len, dsms_framework *fw,
                          dsms_err *err)
{
    memset(fw, 0, sizeof *fw);
    reading r = {path, err, fw, 0};
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = NULL;
    struct fy_diag *diag = fy_diag_create(&dc);
    if (diag) fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG, .diag = diag};
    struct fy_document *doc = diag ? fy_document_build_from_string(&cfg, text, len) : NULL;
    struct fy_node *root = doc ? fy_document_root(doc) : NULL, *outcomes = NULL;
    int rc = !doc ? parse_fault(&r, diag)
             : !root || fy_node_get_type(root) != FYNT_MAPPING
                 ? fault(&r, root, "framework", "expected a mapping of id:, name: and outcomes:")
             : only_fields(&r, root, "framework", "id|name|source|for|outcomes") ||
                     id_of(&r, root, "id", fw->id, sizeof fw->id, "framework") ||
                     text_of(&r, root, "name", fw->name, sizeof fw->name, 1, "framework") ||
                     scope_of(&r, root) || list_of(&r, root, "outcomes", "framework", &outcomes)
                 ? -1
                 : 0;
    void *it = NULL;
    for (struct fy_node *o; !rc && (o = fy_node_sequence_iterate(outcomes, &it));)
        rc = outcome_of(&r, o);
    fy_document_destroy(doc);
    fy_diag_destroy(diag);
    if (rc) dsms_framework_free(fw);
    return rc;
}

/* A framework file is small: past this it is not one. */
#define FRAMEWORK_MAX_BYTES (4 << 20)

int dsms_framework_text(const char *path, char **text, size_t *len, dsms_err *err)
{
    *text = NULL, *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        dsms_err_set(err, "%s: cannot open it: %s", path, strerror(errno));
        return -1;
    }
    char *buf = malloc(FRAMEWORK_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, FRAMEWORK_MAX_BYTES + 1, f) : 0;
    int failed = !buf || ferror(f);
    fclose(f);
    if (failed)
        dsms_err_set(err, "%s: cannot read it: %s", path, buf ? strerror(errno) : "out of memory");
    else if (n > FRAMEWORK_MAX_BYTES)
        dsms_err_set(err, "%s: over %d MiB: not a framework", path, FRAMEWORK_MAX_BYTES >> 20);
    if (failed || n > FRAMEWORK_MAX_BYTES) return free(buf), -1;
    buf[n] = 0;
    *text = buf, *len = n;
    return 0;
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

/* The line (from 1) of byte at in text. */
static int line_at(const char *text, size_t at)
{
    int line = 1;
    for (size_t i = 0; i < at; i++) line += text[i] == '\n';
    return line;
}

int dsms_framework_parse(const char *text, size_t len, const char *name, dsms_framework *fw,
                         dsms_err *err)
{
    /* YAML is text; libfyaml is given only what is (it can loop on a stray
     * byte in a directive). */
    size_t bad = dsms_utf8_check(text, len);
    if (bad < len) {
        memset(fw, 0, sizeof *fw);
        dsms_err_set(err, "%s:%d: not text: byte %zu is not UTF-8 (expected a YAML text file)",
                     name, line_at(text, bad), bad + 1);
        return -1;
    }
    return framework_from(name, text, len, fw, err);
}

void dsms_framework_free(dsms_framework *fw)
{
    free(fw->metrics);
    memset(fw, 0, sizeof *fw);
}
