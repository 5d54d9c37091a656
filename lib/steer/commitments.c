/* commitments.c — a register of a strategy's commitments read from YAML
 * (dsms/commitments.h, docs/commitments.md), field by field as frameworks
 * and funding files are (steer_yaml.h): the first fault is said as
 * "file:line: field: what was expected", and nothing of a register with a
 * fault is kept. */
#include "dsms/commitments.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/field.h"
#include "dsms/grow.h"
#include "dsms/measures.h"
#include "steer_yaml.h"

/* Longest of each field, with its NUL: a register is written by people, and
 * a value past these is a mistake (a list pasted into a field, say). */
#define COMMIT_ID 64
#define COMMIT_TEXT 1024
#define COMMIT_NAME 160
#define COMMIT_DUE 16
#define COMMIT_STATUS 16

static const char *const strand_names[DSMS_STRAND_COUNT] = {
    "reducing demand", "restricting supply", "building recovery", "global action"};

const char *const dsms_commitment_statuses[] = {"achieved",    "on track", "in progress",
                                                "off track",   "not started", "dropped",
                                                NULL};

const char *dsms_strand_name(dsms_strand s)
{
    return (unsigned)s < DSMS_STRAND_COUNT ? strand_names[s] : NULL;
}

/* ---- due dates ----------------------------------------------------------------------------- */

/* The n digits at s as a number, or -1 when one is not a digit. */
static int digits(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

long dsms_commitment_due_day(const char *due)
{
    if (!due) return -1;
    size_t n = strlen(due);
    int year = n >= 4 ? digits(due, 4) : -1;
    /* Years from 1970: a day before it has no count of days since then. */
    if (year < 1970) return -1;
    if (n == 4) return (long)dsms_date_of(year, 12, 31);
    if (n == 7 && due[4] == '-') { /* a financial year, 1 April to 31 March */
        int next = digits(due + 5, 2);
        if (next < 0 || next != (year + 1) % 100) return -1;
        return (long)dsms_date_of(year + 1, 3, 31);
    }
    if (n == 10) {
        int64_t day = dsms_date_parse(due, n);
        return day == INT64_MIN ? -1 : (long)day;
    }
    return -1;
}

/* ---- the register --------------------------------------------------------------------------- */

typedef struct {
    yaml_reading y;
    dsms_register *reg;
    int *lines; /* each commitment's line, for a duplicate's message */
    size_t cap;
} reading;

static void commitment_free(dsms_commitment *c)
{
    free(c->id);
    free(c->text);
    free(c->owner);
    free(c->due);
    free(c->status);
    free(c->strategy);
    free(c->evidence_ref);
    free(c->evidence_text);
    memset(c, 0, sizeof *c);
}

/* A copy of buf in *out (NULL for "" when empty_is_null): 0, or a fault. */
static int keep(reading *r, const char *buf, int empty_is_null, char **out)
{
    if (empty_is_null && !buf[0]) return 0;
    *out = strdup(buf);
    if (*out) return 0;
    dsms_err_set(r->y.err, "%s: out of memory", r->y.path);
    return -1;
}

/* yaml_text of field name into a new string in *out. */
static int text_of(reading *r, struct fy_node *m, const char *name, size_t max, int required,
                   char **out)
{
    char buf[COMMIT_TEXT];
    if (max > sizeof buf) max = sizeof buf;
    return yaml_text(&r->y, m, name, buf, max, required, "commitment") ||
           keep(r, buf, !required, out);
}

static int strand_of(reading *r, struct fy_node *m, dsms_strand *s)
{
    char buf[COMMIT_NAME];
    if (yaml_text(&r->y, m, "strand", buf, sizeof buf, 1, "commitment")) return -1;
    for (int i = 0; i < DSMS_STRAND_COUNT; i++)
        if (strcmp(buf, strand_names[i]) == 0) return *s = (dsms_strand)i, 0;
    return yaml_fault(&r->y, yaml_get(m, "strand"), "strand",
                      "'%s' is not a strand (expected reducing demand, restricting supply, "
                      "building recovery or global action)",
                      buf);
}

static int status_of(reading *r, struct fy_node *m, char **out)
{
    char buf[COMMIT_NAME];
    if (yaml_text(&r->y, m, "status", buf, sizeof buf, 1, "commitment")) return -1;
    for (size_t i = 0; dsms_commitment_statuses[i]; i++)
        if (strcmp(buf, dsms_commitment_statuses[i]) == 0) return keep(r, buf, 0, out);
    return yaml_fault(&r->y, yaml_get(m, "status"), "status",
                      "'%s' is not a status (expected achieved, on track, in progress, "
                      "off track, not started or dropped)",
                      buf);
}

static int due_of(reading *r, struct fy_node *m, char **out)
{
    char buf[COMMIT_NAME];
    if (yaml_text(&r->y, m, "due", buf, sizeof buf, 1, "commitment")) return -1;
    if (dsms_commitment_due_day(buf) >= 0) return keep(r, buf, 0, out);
    return yaml_fault(&r->y, yaml_get(m, "due"), "due",
                      "'%s' is not a due date (expected a financial year 2024-25, a year "
                      "2025 or a date 2025-03-31, from 1970)",
                      buf);
}

/* The document a commitment is from, its year first: the review finds the
 * document's text by that year (docs/commitments.md). */
static int strategy_of(reading *r, struct fy_node *m, char **out)
{
    char buf[COMMIT_NAME];
    if (yaml_text(&r->y, m, "strategy", buf, sizeof buf, 1, "commitment")) return -1;
    if (digits(buf, 4) >= 0 && buf[4] == ' ' && buf[5] && buf[5] != ' ')
        return keep(r, buf, 0, out);
    return yaml_fault(&r->y, yaml_get(m, "strategy"), "strategy",
                      "'%s' does not begin with the document's year (expected, for example, "
                      "2021 From harm to hope)",
                      buf);
}

/* line: a whole number from 1, or no line (0). */
static int line_of(reading *r, struct fy_node *m, int *line)
{
    struct fy_node *v = yaml_get(m, "line");
    *line = 0;
    if (!v) return 0;
    size_t n = 0;
    const char *s = fy_node_get_type(v) == FYNT_SCALAR ? fy_node_get_scalar(v, &n) : NULL;
    long x = 0;
    int ok = s && n > 0 && n <= 7 && s[0] != '0';
    for (size_t i = 0; ok && i < n; i++) {
        ok = s[i] >= '0' && s[i] <= '9';
        x = x * 10 + (s[i] - '0');
    }
    if (ok) return *line = (int)x, 0;
    return yaml_fault(&r->y, v, "line",
                      "'%.*s' is not a line number (expected a whole number, 1 or more)",
                      s ? (int)(n > 40 ? 40 : n) : 1, s ? s : "?");
}

/* evidence: {measure: ID} or {series: CODE}, either with text:, or {text:}. */
static int evidence_of(reading *r, struct fy_node *m, dsms_commitment *c)
{
    struct fy_node *e = yaml_get(m, "evidence");
    if (!e) return yaml_fault(&r->y, m, "commitment", "no 'evidence' (it is required)");
    if (fy_node_get_type(e) != FYNT_MAPPING)
        return yaml_fault(&r->y, yaml_key(m, "evidence"), "evidence",
                          "expected measure:, series: or text:");
    if (yaml_only_fields(&r->y, e, "evidence", "measure|series|text")) return -1;
    struct fy_node *me = yaml_get(e, "measure"), *se = yaml_get(e, "series");
    if (!me && !se && !yaml_get(e, "text"))
        return yaml_fault(&r->y, yaml_key(m, "evidence"), "evidence",
                          "give measure:, series: or text:");
    if (me && se)
        return yaml_fault(&r->y, se, "evidence", "give one of measure: or series:, not both");
    char ref[COMMIT_ID] = "";
    if (me) {
        if (yaml_id(&r->y, e, "measure", ref, sizeof ref, "evidence")) return -1;
        if (!dsms_measure_find(ref))
            return yaml_fault(&r->y, me, "measure",
                              "'%s' is not a measure (dsms measures --list shows them)", ref);
        c->evidence = DSMS_EVIDENCE_MEASURE;
    } else if (se) {
        if (yaml_id(&r->y, e, "series", ref, sizeof ref, "evidence")) return -1;
        c->evidence = DSMS_EVIDENCE_SERIES;
    } else {
        c->evidence = DSMS_EVIDENCE_TEXT;
    }
    char words[COMMIT_TEXT];
    /* words are what text evidence is: required there, optional beside a reference */
    if (yaml_text(&r->y, e, "text", words, sizeof words, c->evidence == DSMS_EVIDENCE_TEXT,
                  "evidence"))
        return -1;
    return (c->evidence != DSMS_EVIDENCE_TEXT && keep(r, ref, 0, &c->evidence_ref)) ||
                   keep(r, words, 1, &c->evidence_text)
               ? -1
               : 0;
}

static int commitment_of(reading *r, struct fy_node *n)
{
    if (fy_node_get_type(n) != FYNT_MAPPING)
        return yaml_fault(&r->y, n, "commitments", "expected a commitment");
    dsms_register *reg = r->reg;
    if (dsms_room_for_pair((void **)&reg->items, sizeof *reg->items, (void **)&r->lines,
                           sizeof *r->lines, &r->cap, reg->n, 16)) {
        dsms_err_set(r->y.err, "%s: out of memory", r->y.path);
        return -1;
    }
    /* counted at once, so that dsms_register_free frees what a fault leaves */
    dsms_commitment *c = &reg->items[reg->n];
    memset(c, 0, sizeof *c);
    r->lines[reg->n++] = yaml_line_of(n);
    char id[COMMIT_ID];
    if (yaml_only_fields(&r->y, n, "commitment",
                         "id|strand|text|owner|due|status|strategy|line|evidence") ||
        yaml_id(&r->y, n, "id", id, sizeof id, "commitment") || keep(r, id, 0, &c->id))
        return -1;
    for (size_t i = 0; i + 1 < reg->n; i++)
        if (strcmp(reg->items[i].id, id) == 0)
            return yaml_fault(&r->y, yaml_get(n, "id"), "id",
                              "'%s' is given twice (as on line %d)", id, r->lines[i]);
    return strand_of(r, n, &c->strand) || text_of(r, n, "text", COMMIT_TEXT, 1, &c->text) ||
                   text_of(r, n, "owner", COMMIT_NAME, 1, &c->owner) || due_of(r, n, &c->due) ||
                   status_of(r, n, &c->status) || strategy_of(r, n, &c->strategy) ||
                   line_of(r, n, &c->line) || evidence_of(r, n, c)
               ? -1
               : 0;
}

int dsms_register_parse(const char *text, size_t len, const char *name, dsms_register *reg,
                        dsms_err *err)
{
    memset(reg, 0, sizeof *reg);
    reading r = {{name, err}, reg, NULL, 0};
    yaml_doc d;
    char id[COMMIT_ID], title[COMMIT_TEXT];
    int rc = yaml_open(&r.y, text, len, &d);
    struct fy_node *root = rc ? NULL : fy_document_root(d.doc), *list = NULL;
    if (!rc)
        rc = !root || fy_node_get_type(root) != FYNT_MAPPING
                 ? yaml_fault(&r.y, root, "register",
                              "expected a mapping of id:, title: and commitments:")
             : yaml_only_fields(&r.y, root, "register", "id|title|commitments") ||
                     yaml_id(&r.y, root, "id", id, sizeof id, "register") ||
                     yaml_text(&r.y, root, "title", title, sizeof title, 1, "register") ||
                     keep(&r, id, 0, &reg->id) || keep(&r, title, 0, &reg->title) ||
                     yaml_list(&r.y, root, "commitments", "register", &list)
                 ? -1
                 : 0;
    void *it = NULL;
    for (struct fy_node *n; !rc && (n = fy_node_sequence_iterate(list, &it));)
        rc = commitment_of(&r, n);
    yaml_close(&d);
    free(r.lines);
    if (rc) dsms_register_free(reg);
    return rc ? -1 : 0;
}

/* A register is small: past this it is not one. */
#define REGISTER_MAX_BYTES (1 << 20)

int dsms_register_read(const char *path, dsms_register *reg, dsms_err *err)
{
    memset(reg, 0, sizeof *reg);
    char *text;
    size_t n;
    if (yaml_slurp(path, REGISTER_MAX_BYTES, "a register of commitments", &text, &n, err))
        return -1;
    int rc = dsms_register_parse(text, n, path, reg, err);
    free(text);
    return rc;
}

void dsms_register_free(dsms_register *reg)
{
    for (size_t i = 0; i < reg->n; i++) commitment_free(&reg->items[i]);
    free(reg->items);
    free(reg->id);
    free(reg->title);
    memset(reg, 0, sizeof *reg);
}
