/* funding.c — need formulas and tariffs read from YAML
 * (dsms/funding.h, docs/funding.md), field by field as frameworks are
 * (steer_yaml.h), and amounts of money read strictly: pounds and pence, no
 * shorthand, so that a grant is never misread by a factor. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/framework.h"
#include "dsms/funding.h"
#include "dsms/measures.h"
#include "dsms/series.h"
#include "steer_yaml.h"

/* ---- amounts ----------------------------------------------------------------------------- */

int dsms_amount_parse(const char *s, int64_t *pence)
{
    int64_t pounds = 0;
    size_t digits = 0, group = 0;
    int commas = 0;
    const char *p = s;
    for (; *p && *p != '.'; p++) {
        if (*p == ',') {
            /* a comma only between groups of three, the first of one to three */
            if (!group || (commas && group != 3) || (!commas && group > 3)) return -1;
            commas = 1, group = 0;
            continue;
        }
        if (*p < '0' || *p > '9' || ++digits > 12) return -1;
        pounds = pounds * 10 + (*p - '0');
        group++;
    }
    if (!digits || (commas && group != 3)) return -1;
    int64_t p100 = 0;
    if (*p == '.') {
        p++;
        size_t d = 0;
        for (; *p >= '0' && *p <= '9' && d < 2; p++, d++) p100 = p100 * 10 + (*p - '0');
        if (!d || *p) return -1;
        if (d == 1) p100 *= 10;
    }
    *pence = pounds * 100 + p100;
    return 0;
}

void dsms_amount_text(int64_t pence, char *buf)
{
    uint64_t a = pence < 0 ? (uint64_t)0 - (uint64_t)pence : (uint64_t)pence;
    snprintf(buf, 32, "%s%llu.%02llu", pence < 0 ? "-" : "", (unsigned long long)(a / 100),
             (unsigned long long)(a % 100));
}

/* ---- shared field readers ---------------------------------------------------------------- */

static int amount_of(yaml_reading *r, struct fy_node *m, const char *name, int required,
                     int64_t *out)
{
    char buf[48];
    if (yaml_text(r, m, name, buf, sizeof buf, required, name)) return -1;
    if (!buf[0]) return 0;
    if (dsms_amount_parse(buf, out) == 0) return 0;
    return yaml_fault(r, yaml_get(m, name), name,
                      "'%s' is not an amount (expected pounds: digits, commas between "
                      "thousands, up to two decimals, as 780000000 or 780,000,000.00)",
                      buf);
}

static int period_of(yaml_reading *r, struct fy_node *m, const char *name, char *buf,
                     int required, const char *what)
{
    if (yaml_text(r, m, name, buf, DSMS_PERIOD_LEN, required, what)) return -1;
    if (!buf[0] || dsms_period_end(buf) >= 0 || dsms_series_period_ok(buf)) return 0;
    return yaml_fault(r, yaml_get(m, name), name,
                      "'%s' is not a period (expected a year 2024, a financial year 2024-25, "
                      "a quarter 2024-25-Q1 or years 2021-2023)",
                      buf);
}

/* A measure, its breakdown and category (steer's frameworks' rule: a
 * breakdown the measure has, a category only under a breakdown). */
static int measure_of(yaml_reading *r, struct fy_node *m, char *id, char *breakdown,
                      char *category, const dsms_measure **me)
{
    if (yaml_id(r, m, "measure", id, DSMS_FUND_ID, "measure") ||
        yaml_text(r, m, "breakdown", breakdown, DSMS_FUND_ID, 0, "measure") ||
        yaml_text(r, m, "category", category, DSMS_FUND_ID, 0, "measure"))
        return -1;
    *me = dsms_measure_find(id);
    if (!*me)
        return yaml_fault(r, yaml_get(m, "measure"), "measure",
                          "'%s' is not a measure (dsms measures --list shows them)", id);
    if (!breakdown[0]) snprintf(breakdown, DSMS_FUND_ID, "all");
    if (!category[0]) snprintf(category, DSMS_FUND_ID, "all");
    static const struct {
        const char *name;
        unsigned flag;
    } bds[] = {{"substance", DSMS_BY_SUBSTANCE}, {"sex", DSMS_BY_SEX}, {"age", DSMS_BY_AGE},
               {"ethnicity", DSMS_BY_ETHNICITY}, {"reason", DSMS_BY_REASON}};
    int ok = strcmp(breakdown, "all") == 0;
    for (size_t i = 0; !ok && i < sizeof bds / sizeof *bds; i++)
        ok = strcmp(breakdown, bds[i].name) == 0 && ((*me)->breakdowns & bds[i].flag);
    if (!ok)
        return yaml_fault(r, yaml_get(m, "breakdown"), "breakdown",
                          "'%s' is not a breakdown of %s", breakdown, id);
    if (strcmp(breakdown, "all") == 0 && strcmp(category, "all") != 0)
        return yaml_fault(r, yaml_get(m, "category"), "category",
                          "'%s' needs a breakdown ('all' has the one category 'all')", category);
    return 0;
}

/* A percentage with at most two decimals, as hundredths of a percent. */
static int percent_of(yaml_reading *r, struct fy_node *m, const char *name, int32_t *bp)
{
    struct fy_node *v = yaml_get(m, name);
    double x;
    if (!v) return yaml_fault(r, m, "damping", "no '%s' (it is required)", name);
    if (yaml_number(r, v, name, &x)) return -1;
    double h = x * 100;
    if (fabs(h - round(h)) > 1e-6 || x < -100 || x > 1000)
        return yaml_fault(r, v, name, "%g is not a percentage from -100 to 1000 with at most "
                                      "two decimals", x);
    *bp = (int32_t)lround(h);
    return 0;
}

static int root_of(yaml_reading *r, yaml_doc *d, const char *what, const char *expected,
                   struct fy_node **root)
{
    *root = fy_document_root(d->doc);
    if (*root && fy_node_get_type(*root) == FYNT_MAPPING) return 0;
    return yaml_fault(r, *root, what, "expected a mapping of %s", expected);
}

/* ---- need formulas ----------------------------------------------------------------------- */

static const char *const reference_fields[] = {"deprivation_score", "opiate_crack_per_1000",
                                               "population", "population_15_64"};

static int indicator_from(yaml_reading *r, struct fy_node *n, dsms_indicator *x)
{
    struct fy_node *s = yaml_get(n, "from");
    if (!s) return yaml_fault(r, n, "indicator", "no 'from' (reference:, measure: or series:)");
    if (fy_node_get_type(s) != FYNT_MAPPING)
        return yaml_fault(r, s, "from", "expected reference:, measure: or series:");
    int has[3] = {yaml_get(s, "reference") != NULL, yaml_get(s, "measure") != NULL,
                  yaml_get(s, "series") != NULL};
    if (has[0] + has[1] + has[2] != 1)
        return yaml_fault(r, s, "from", "give one of reference:, measure: or series:");
    if (has[0]) {
        x->source = DSMS_NEED_REFERENCE;
        if (yaml_only_fields(r, s, "from", "reference") ||
            yaml_text(r, s, "reference", x->from, sizeof x->from, 1, "from"))
            return -1;
        for (size_t i = 0; i < sizeof reference_fields / sizeof *reference_fields; i++)
            if (strcmp(x->from, reference_fields[i]) == 0) return 0;
        return yaml_fault(r, yaml_get(s, "reference"), "reference",
                          "'%s' is not in the reference data (expected deprivation_score, "
                          "opiate_crack_per_1000, population or population_15_64)",
                          x->from);
    }
    if (has[1]) {
        const dsms_measure *me;
        x->source = DSMS_NEED_MEASURE;
        return yaml_only_fields(r, s, "from", "measure|breakdown|category|period") ||
               measure_of(r, s, x->from, x->breakdown, x->category, &me) ||
               period_of(r, s, "period", x->period, 0, "from");
    }
    x->source = DSMS_NEED_SERIES;
    char level[16];
    if (yaml_only_fields(r, s, "from", "series|level|period") ||
        yaml_id(r, s, "series", x->from, sizeof x->from, "from") ||
        yaml_text(r, s, "level", level, sizeof level, 0, "from") ||
        period_of(r, s, "period", x->period, 0, "from"))
        return -1;
    x->level = !level[0] || strcmp(level, "area") == 0 ? DSMS_LEVEL_AREA
               : strcmp(level, "force") == 0           ? DSMS_LEVEL_FORCE
                                                       : 0;
    if (!x->level)
        return yaml_fault(r, yaml_get(s, "level"), "level",
                          "'%s' is not a level an area's value is taken at (expected area or "
                          "force)",
                          level);
    return 0;
}

static int indicator_of(yaml_reading *r, struct fy_node *n, dsms_formula *f, size_t *cap)
{
    if (fy_node_get_type(n) != FYNT_MAPPING)
        return yaml_fault(r, n, "indicators", "expected an indicator");
    if (f->nindicators == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        dsms_indicator *p = realloc(f->indicators, c * sizeof *p);
        if (!p) return dsms_err_set(r->err, "%s: out of memory", r->path), -1;
        f->indicators = p, *cap = c;
    }
    dsms_indicator *x = &f->indicators[f->nindicators];
    *x = (dsms_indicator){.line = yaml_line_of(n)};
    char norm[16], missing[16], note[DSMS_FUND_TEXT];
    struct fy_node *w = yaml_get(n, "weight");
    if (yaml_only_fields(r, n, "indicator", "id|name|note|from|weight|normalise|missing") ||
        yaml_id(r, n, "id", x->id, sizeof x->id, "indicator") ||
        yaml_text(r, n, "name", note, sizeof note, 0, "indicator") ||
        yaml_text(r, n, "note", note, sizeof note, 0, "indicator") || indicator_from(r, n, x))
        return -1;
    if (!w) return yaml_fault(r, n, "indicator", "no 'weight' (it is required)");
    if (yaml_number(r, w, "weight", &x->weight)) return -1;
    if (!(x->weight > 0) || x->weight > 1e6)
        return yaml_fault(r, w, "weight", "%g is not a weight (expected a number above 0)",
                          x->weight);
    if (yaml_text(r, n, "normalise", norm, sizeof norm, 1, "indicator") ||
        yaml_text(r, n, "missing", missing, sizeof missing, 0, "indicator"))
        return -1;
    if (strcmp(norm, "per_head") == 0) x->norm = DSMS_NORM_PER_HEAD;
    else if (strcmp(norm, "share") == 0) x->norm = DSMS_NORM_SHARE;
    else
        return yaml_fault(r, yaml_get(n, "normalise"), "normalise",
                          "'%s' is not a normalisation (expected per_head or share)", norm);
    if (missing[0] && strcmp(missing, "error") != 0 && strcmp(missing, "england") != 0)
        return yaml_fault(r, yaml_get(n, "missing"), "missing",
                          "'%s' is not a rule for a missing value (expected error or england)",
                          missing);
    x->missing_england = strcmp(missing, "england") == 0;
    if (x->missing_england && x->source == DSMS_NEED_REFERENCE)
        return yaml_fault(r, yaml_get(n, "missing"), "missing",
                          "the reference data has every area's %s: no rule is needed",
                          x->from);
    for (size_t i = 0; i < f->nindicators; i++)
        if (strcmp(f->indicators[i].id, x->id) == 0)
            return yaml_fault(r, yaml_get(n, "id"), "id", "'%s' is given twice (as on line %d)",
                              x->id, f->indicators[i].line);
    f->nindicators++;
    return 0;
}

static int tranches_of(yaml_reading *r, struct fy_node *root, dsms_formula *f)
{
    struct fy_node *list = yaml_get(root, "tranches");
    if (!list) return 0;
    if (yaml_list(r, root, "tranches", "formula", &list)) return -1;
    void *it = NULL;
    for (struct fy_node *n; (n = fy_node_sequence_iterate(list, &it));) {
        if (fy_node_get_type(n) != FYNT_MAPPING)
            return yaml_fault(r, n, "tranches", "expected a tranche");
        if (f->ntranches == DSMS_FUND_TRANCHES)
            return yaml_fault(r, n, "tranches", "more than %d tranches", DSMS_FUND_TRANCHES);
        dsms_tranche *t = &f->tranches[f->ntranches];
        *t = (dsms_tranche){.line = yaml_line_of(n)};
        struct fy_node *areas = yaml_get(n, "areas");
        if (yaml_only_fields(r, n, "tranche", "name|areas|from") ||
            yaml_text(r, n, "name", t->name, sizeof t->name, 0, "tranche") ||
            period_of(r, n, "from", t->from, 0, "tranche"))
            return -1;
        if (t->from[0] && dsms_period_end(t->from) < 0)
            return yaml_fault(r, yaml_get(n, "from"), "from",
                              "'%s' is not a year, financial year or quarter", t->from);
        if (!t->name[0]) snprintf(t->name, sizeof t->name, "%zu", f->ntranches + 1);
        if (areas) {
            double k;
            if (yaml_number(r, areas, "areas", &k)) return -1;
            if (k < 1 || k > 100000 || k != floor(k))
                return yaml_fault(r, areas, "areas", "expected a whole number of areas, 1 or more");
            t->areas = (int)k;
        }
        if (!areas && fy_node_sequence_item_count(list) != (int)f->ntranches + 1)
            return yaml_fault(r, n, "tranche",
                              "no 'areas' (only the last tranche may take every area left)");
        if (f->ntranches && t->from[0] && f->tranches[f->ntranches - 1].from[0] &&
            dsms_period_end(t->from) < dsms_period_end(f->tranches[f->ntranches - 1].from))
            return yaml_fault(r, yaml_get(n, "from"), "from",
                              "%s is before the tranche before's (%s)", t->from,
                              f->tranches[f->ntranches - 1].from);
        f->ntranches++;
    }
    return 0;
}

static int damping_of(yaml_reading *r, struct fy_node *root, dsms_formula *f)
{
    struct fy_node *d = yaml_get(root, "damping");
    if (!d) return 0;
    if (fy_node_get_type(d) != FYNT_MAPPING)
        return yaml_fault(r, yaml_key(root, "damping"), "damping",
                          "expected floor: and ceiling:, in percent");
    if (yaml_only_fields(r, d, "damping", "floor|ceiling") ||
        percent_of(r, d, "floor", &f->floor_bp) || percent_of(r, d, "ceiling", &f->ceiling_bp))
        return -1;
    if (f->ceiling_bp < f->floor_bp)
        return yaml_fault(r, yaml_get(d, "ceiling"), "ceiling", "below the floor");
    f->damping = 1;
    return 0;
}

int dsms_formula_parse(const char *text, size_t len, const char *name, dsms_formula *f,
                       dsms_err *err)
{
    memset(f, 0, sizeof *f);
    yaml_reading r = {name, err};
    yaml_doc d;
    struct fy_node *root = NULL, *list = NULL;
    size_t cap = 0;
    int rc = yaml_open(&r, text, len, &d) ||
             root_of(&r, &d, "formula", "id:, name:, indicators: and minimum:", &root) ||
             yaml_only_fields(&r, root, "formula",
                              "id|name|source|indicators|minimum|tranches|damping") ||
             yaml_id(&r, root, "id", f->id, sizeof f->id, "formula") ||
             yaml_text(&r, root, "name", f->name, sizeof f->name, 1, "formula") ||
             yaml_text(&r, root, "source", f->source, sizeof f->source, 0, "formula") ||
             yaml_list(&r, root, "indicators", "formula", &list);
    void *it = NULL;
    for (struct fy_node *n; !rc && (n = fy_node_sequence_iterate(list, &it));)
        rc = indicator_of(&r, n, f, &cap);
    if (!rc)
        rc = amount_of(&r, root, "minimum", 0, &f->minimum) || tranches_of(&r, root, f) ||
             damping_of(&r, root, f);
    yaml_close(&d);
    if (rc) dsms_formula_free(f);
    return rc ? -1 : 0;
}

/* A formula or tariff file is small: past this it is not one. */
#define FUNDING_MAX_BYTES (1 << 20)

int dsms_formula_read(const char *path, dsms_formula *f, dsms_err *err)
{
    memset(f, 0, sizeof *f);
    char *text;
    size_t n;
    if (yaml_slurp(path, FUNDING_MAX_BYTES, "a need formula", &text, &n, err)) return -1;
    int rc = dsms_formula_parse(text, n, path, f, err);
    free(text);
    return rc;
}

void dsms_formula_free(dsms_formula *f)
{
    free(f->indicators);
    memset(f, 0, sizeof *f);
}

/* ---- tariffs ----------------------------------------------------------------------------- */

static int outcome_of(yaml_reading *r, struct fy_node *n, dsms_tariff *t, size_t *cap)
{
    if (fy_node_get_type(n) != FYNT_MAPPING)
        return yaml_fault(r, n, "outcomes", "expected an outcome");
    if (t->noutcomes == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        dsms_outcome_tariff *p = realloc(t->outcomes, c * sizeof *p);
        if (!p) return dsms_err_set(r->err, "%s: out of memory", r->path), -1;
        t->outcomes = p, *cap = c;
    }
    dsms_outcome_tariff *o = &t->outcomes[t->noutcomes];
    *o = (dsms_outcome_tariff){.line = yaml_line_of(n), .cap = -1};
    char note[DSMS_FUND_TEXT];
    const dsms_measure *me;
    if (yaml_only_fields(r, n, "outcome",
                         "id|name|note|measure|breakdown|category|per_person|per_point|"
                         "baseline|threshold|cap") ||
        yaml_id(r, n, "id", o->id, sizeof o->id, "outcome") ||
        yaml_text(r, n, "name", note, sizeof note, 0, "outcome") ||
        yaml_text(r, n, "note", note, sizeof note, 0, "outcome") ||
        measure_of(r, n, o->measure, o->breakdown, o->category, &me) ||
        amount_of(r, n, "per_person", 0, &o->per_person) ||
        amount_of(r, n, "per_point", 0, &o->per_point) ||
        period_of(r, n, "baseline", o->baseline, 0, "outcome") ||
        amount_of(r, n, "cap", 0, &o->cap))
        return -1;
    if (!o->per_person && !o->per_point)
        return yaml_fault(r, n, "outcome", "no payment (give per_person:, per_point: or both)");
    if (o->per_person && me->kind != DSMS_KIND_PROPORTION && me->kind != DSMS_KIND_COUNT &&
        me->kind != DSMS_KIND_RATE)
        return yaml_fault(r, yaml_get(n, "per_person"), "per_person",
                          "%s counts no people (a median or a standardised rate)", o->measure);
    if (o->per_point && !o->baseline[0])
        return yaml_fault(r, yaml_get(n, "per_point"), "per_point",
                          "a payment for improvement needs a baseline: period");
    if (o->baseline[0] && !o->per_point)
        return yaml_fault(r, yaml_get(n, "baseline"), "baseline",
                          "a baseline is for per_point: (no payment for improvement is given)");
    if (o->per_point && me->polarity == DSMS_POLARITY_NONE)
        return yaml_fault(r, yaml_get(n, "per_point"), "per_point",
                          "%s has no polarity: no direction is an improvement", o->measure);
    o->higher_better = me->polarity == DSMS_POLARITY_HIGH_GOOD;
    struct fy_node *th = yaml_get(n, "threshold");
    if (th) {
        double x;
        if (yaml_number(r, th, "threshold", &x)) return -1;
        if (!o->per_point)
            return yaml_fault(r, th, "threshold", "a threshold is for per_point:");
        if (x < 0 || x > 1e6) return yaml_fault(r, th, "threshold", "expected 0 or more");
        o->threshold_micro = llround(x * 1e6);
    }
    for (size_t i = 0; i < t->noutcomes; i++)
        if (strcmp(t->outcomes[i].id, o->id) == 0)
            return yaml_fault(r, yaml_get(n, "id"), "id", "'%s' is given twice (as on line %d)",
                              o->id, t->outcomes[i].line);
    t->noutcomes++;
    return 0;
}

int dsms_tariff_parse(const char *text, size_t len, const char *name, dsms_tariff *t,
                      dsms_err *err)
{
    memset(t, 0, sizeof *t);
    t->pot = -1;
    yaml_reading r = {name, err};
    yaml_doc d;
    struct fy_node *root = NULL, *list = NULL;
    size_t cap = 0;
    int rc = yaml_open(&r, text, len, &d) ||
             root_of(&r, &d, "tariff", "id:, name: and outcomes:", &root) ||
             yaml_only_fields(&r, root, "tariff", "id|name|source|pot|outcomes") ||
             yaml_id(&r, root, "id", t->id, sizeof t->id, "tariff") ||
             yaml_text(&r, root, "name", t->name, sizeof t->name, 1, "tariff") ||
             yaml_text(&r, root, "source", t->source, sizeof t->source, 0, "tariff") ||
             amount_of(&r, root, "pot", 0, &t->pot) ||
             yaml_list(&r, root, "outcomes", "tariff", &list);
    void *it = NULL;
    for (struct fy_node *n; !rc && (n = fy_node_sequence_iterate(list, &it));)
        rc = outcome_of(&r, n, t, &cap);
    yaml_close(&d);
    if (rc) dsms_tariff_free(t);
    return rc ? -1 : 0;
}

int dsms_tariff_read(const char *path, dsms_tariff *t, dsms_err *err)
{
    memset(t, 0, sizeof *t);
    t->pot = -1;
    char *text;
    size_t n;
    if (yaml_slurp(path, FUNDING_MAX_BYTES, "a tariff", &text, &n, err)) return -1;
    int rc = dsms_tariff_parse(text, n, path, t, err);
    free(text);
    return rc;
}

void dsms_tariff_free(dsms_tariff *t)
{
    free(t->outcomes);
    memset(t, 0, sizeof *t);
    t->pot = -1;
}
