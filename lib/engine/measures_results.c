/* measures_results.c — a measure's tally turned into result rows.
 *
 * Areas add up into their region and into England (with the records whose
 * area is unknown, which count in England only). Each cell gets its value
 * and 95% and 99.8% limits by the measure's kind; an area or region is
 * compared with England, an area also with its comparator group pooled
 * (their numerators and denominators added, so larger areas weigh more,
 * as a group's own figure would); a proportion's financial years get the
 * recent-trend test. Rolling periods and quarters carry the "all" breakdown
 * only; single calendar years are for England and regions only (areas have
 * three pooled). A measure that belongs to an organisation has a row for
 * each one with any record (its numerator or denominator not 0), in the
 * financial years and rolling periods, "all" only, compared with England. A
 * row is flagged provisional when the measure looks past the data's end,
 * incomplete_history when it looks back before the first financial year,
 * and by_occurrence when it counts a record dated by a fallback date. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/dataset.h"
#include "dsms/grow.h"
#include "dsms/measures.h"
#include "engine.h"

typedef struct {
    double num, den, value, lo95, hi95, lo998, hi998;
} estimate;

static const char *const sex_names[3] = {"M", "F", "X"};
/* Unique among every breakdown's categories: a name says its breakdown. */
static const char *const ethnic_names[ENG_NETHNIC] = {"white", "mixed", "asian",
                                                  "black", "other_ethnic", "not_stated"};

/* The reason breakdown's categories: the discharge reason codes. */
static const char *reason_name(int i)
{
    const dsms_table *t = dsms_table_find("episodes");
    int f = t ? dsms_field_index(t, "discharge_reason") : -1;
    const dsms_codelist *cl = f >= 0 ? t->fields[f].codes : NULL;
    return cl && (size_t)i < cl->ncodes ? cl->codes[i].code : "reason_unknown";
}

const char *dsms_category_name(int cat)
{
    if (cat < 0 || cat >= ENG_NCATS_ALL) return NULL;
    if (cat == ENG_CAT_ALL) return "all";
    if (cat < ENG_CAT_SEX) return dsms_group_names[cat - ENG_CAT_GROUP];
    if (cat < ENG_CAT_AGE) return sex_names[cat - ENG_CAT_SEX];
    if (cat < ENG_CAT_ETHNIC) return dsms_age_breakdown_names[cat - ENG_CAT_AGE];
    if (cat < ENG_CAT_REASON) return ethnic_names[cat - ENG_CAT_ETHNIC];
    return reason_name(cat - ENG_CAT_REASON);
}

static int breakdown_of(int cat)
{
    return cat == ENG_CAT_ALL       ? ENG_BD_ALL
           : cat < ENG_CAT_SEX      ? ENG_BD_SUBSTANCE
           : cat < ENG_CAT_AGE      ? ENG_BD_SEX
           : cat < ENG_CAT_ETHNIC   ? ENG_BD_AGE
           : cat < ENG_CAT_REASON   ? ENG_BD_ETHNICITY
                                : ENG_BD_REASON;
}

static int allowed(const dsms_measure *m, const eng_period *p, int cat)
{
    static const unsigned need[ENG_NBREAKDOWNS] = {0, DSMS_BY_SUBSTANCE, DSMS_BY_SEX, DSMS_BY_AGE,
                                               DSMS_BY_ETHNICITY, DSMS_BY_REASON};
    int bd = breakdown_of(cat);
    if (bd == ENG_BD_ALL) return 1;
    return (p->financial_year || p->calendar) && !p->quarter && (m->breakdowns & need[bd]);
}

/* The median of a distribution of whole days held in bands. */
static double median(const double *count, size_t bands, double n)
{
    double lo = -1, hi = -1, seen = 0;
    double k1 = floor((n - 1) / 2), k2 = floor(n / 2); /* 0-based ranks of the middle */
    for (size_t b = 0; b < bands && hi < 0; b++) {
        seen += count[b];
        if (lo < 0 && seen > k1) lo = (double)b;
        if (seen > k2) hi = (double)b;
    }
    return (lo + hi) / 2;
}

static void limits(double lo95, double hi95, double lo998, double hi998, double scale, estimate *e)
{
    e->lo95 = lo95 * scale, e->hi95 = hi95 * scale;
    e->lo998 = lo998 * scale, e->hi998 = hi998 * scale;
}

/* Observed against expected (DSMS_KIND_RATIO): the events in every case-mix
 * cell, against what England's rate in that cell (rate, by band) gives the
 * cell's people; x 100, with the observed count's limits over the expected. */
static void ratio_of(const dsms_measure *m, const double *den, size_t bands, const double *rate,
                     estimate *e)
{
    e->den = 0;
    for (size_t b = 0; b < bands; b++) e->den += den[b] * rate[b];
    double lo95, hi95, lo998, hi998;
    if (!(e->den > 0) || dsms_isr(e->num, e->den, 0.95, &lo95, &hi95) ||
        dsms_isr(e->num, e->den, 0.998, &lo998, &hi998))
        return;
    e->value = e->num / e->den * m->multiplier;
    limits(lo95, hi95, lo998, hi998, m->multiplier, e);
}

/* A cell's figure from its bands: esp the standard population of a DSR,
 * rate England's rates by band for a ratio (else NULL). */
static void estimate_of(const dsms_measure *m, const double *num, const double *den, size_t bands,
                        const double *esp, const double *rate, estimate *e)
{
    *e = (estimate){0, 0, NAN, NAN, NAN, NAN, NAN};
    for (size_t b = 0; b < bands; b++) e->num += num[b], e->den += den[b];
    double lo95, hi95, lo998, hi998, v;
    switch (m->kind) {
    case DSMS_KIND_RATIO:
        ratio_of(m, den, bands, rate, e);
        break;
    case DSMS_KIND_COUNT:
        e->value = e->num;
        e->den = NAN;
        break;
    case DSMS_KIND_MEDIAN:
        if (e->num > 0) e->value = median(num, bands, e->num);
        e->den = NAN;
        break;
    case DSMS_KIND_PROPORTION:
        if (e->den <= 0) break;
        e->value = e->num / e->den * m->multiplier;
        dsms_wilson(e->num, e->den, 0.95, &lo95, &hi95);
        dsms_wilson(e->num, e->den, 0.998, &lo998, &hi998);
        limits(lo95, hi95, lo998, hi998, m->multiplier, e);
        break;
    case DSMS_KIND_RATE:
        if (e->den <= 0) break;
        e->value = e->num / e->den * m->multiplier;
        dsms_count_limits(e->num, 0.95, &lo95, &hi95);
        dsms_count_limits(e->num, 0.998, &lo998, &hi998);
        limits(lo95, hi95, lo998, hi998, m->multiplier / e->den, e);
        break;
    case DSMS_KIND_DSR:
        if (e->den <= 0) break;
        if (dsms_dsr(num, den, esp, bands, m->multiplier, 0.95, &v, &lo95, &hi95) == 0 &&
            dsms_dsr(num, den, esp, bands, m->multiplier, 0.998, &v, &lo998, &hi998) == 0) {
            e->value = v;
            limits(lo95, hi95, lo998, hi998, 1, e);
        }
        break;
    }
}

/* ---- the cells of every geography ----------------------------------------- */

typedef struct {
    const eng_ctx *c;
    const dsms_measure *m;
    const eng_tally *t;
    size_t ngeo, bands;
    int lookback;      /* dsms_measure_lookback, looked up once */
    double *num, *den; /* by period, geography, category, band */
    double *rate;      /* a ratio's: England's rate in each band, for the period in hand */
    estimate *est;     /* by period, geography, category */
    uint32_t *occurrence; /* by period, geography, category */
} cells;

static size_t cell(const cells *s, size_t p, size_t g, int cat)
{
    return (p * s->ngeo + g) * s->t->ncats + (size_t)cat;
}

static void add_bands(double *to, const double *from, size_t n)
{
    for (size_t b = 0; b < n; b++) to[b] += from[b];
}

/* Areas into their own cell, their region's and England's. */
static void aggregate(cells *s)
{
    const dsms_refdata *ref = s->c->d->ref;
    size_t england = ref->nareas + ref->nregions;
    for (size_t p = 0; p < s->c->nperiods; p++)
        for (size_t a = 0; a <= ref->nareas; a++)
            for (int cat = 0; cat < (int)s->t->ncats; cat++) {
                size_t from = eng_tally_slot(s->t, p, (int)a, cat);
                size_t to[3] = {a, a < ref->nareas ? ref->nareas + (size_t)ref->areas[a].region
                                                   : england, england};
                for (size_t k = a < ref->nareas ? 0 : 2; k < sizeof to / sizeof *to; k++) {
                    size_t at = cell(s, p, to[k], cat) * s->bands;
                    add_bands(s->num + at, s->t->num + from, s->bands);
                    add_bands(s->den + at, s->t->den + from, s->bands);
                    s->occurrence[at / s->bands] += s->t->occurrence[from / s->bands];
                }
            }
}

/* England's rate in each band of period p, for a ratio's expected figures
 * (0 where England has no one in the band: no one anywhere is expected
 * there). */
static void england_rates(cells *s, size_t p)
{
    size_t at = cell(s, p, s->ngeo - 1, ENG_CAT_ALL) * s->bands;
    for (size_t b = 0; b < s->bands; b++)
        s->rate[b] = s->den[at + b] > 0 ? s->num[at + b] / s->den[at + b] : 0;
}

static void estimate_all(cells *s)
{
    for (size_t p = 0; p < s->c->nperiods; p++) {
        if (s->m->kind == DSMS_KIND_RATIO) england_rates(s, p);
        for (size_t g = 0; g < s->ngeo; g++)
            for (int cat = 0; cat < (int)s->t->ncats; cat++) {
                size_t at = cell(s, p, g, cat);
                estimate_of(s->m, s->num + at * s->bands, s->den + at * s->bands, s->bands,
                            s->c->d->ref->esp, s->rate, &s->est[at]);
            }
    }
}

/* The comparator group of area a pooled, for period p and a category. */
static void comparators(cells *s, size_t p, size_t a, int cat, estimate *e)
{
    const dsms_ref_area *area = &s->c->d->ref->areas[a];
    enum { MOST = ENG_MIX_CELLS * ENG_MIX_TIME_BANDS };
    _Static_assert((int)MOST >= (int)DSMS_AGE_BANDS && (int)MOST >= (int)WAIT_BANDS,
                   "room for every band");
    double num[MOST] = {0}, den[MOST] = {0};
    for (int k = 0; k < DSMS_COMPARATORS; k++) {
        if (area->comparator[k] < 0) continue;
        size_t at = cell(s, p, (size_t)area->comparator[k], cat) * s->bands;
        add_bands(num, s->num + at, s->bands);
        add_bands(den, s->den + at, s->bands);
    }
    if (s->m->kind == DSMS_KIND_RATIO) england_rates(s, p);
    estimate_of(s->m, num, den, s->bands, s->c->d->ref->esp, s->rate, e);
}

static const char *compare(const cells *s, const estimate *e, double benchmark)
{
    if (s->m->kind == DSMS_KIND_COUNT || s->m->kind == DSMS_KIND_MEDIAN) return NULL;
    if (isnan(e->lo95) || isnan(e->hi95) || isnan(benchmark))
        return dsms_comparison_name(DSMS_CMP_NOT_COMPARED);
    return dsms_comparison_name(dsms_compare(e->lo95, e->hi95, benchmark, s->m->polarity));
}

/* The recent trend of a proportion over the financial years up to p. */
static const char *trend(const cells *s, size_t p, size_t g, int cat)
{
    if (s->m->kind != DSMS_KIND_PROPORTION || !s->c->periods[p].financial_year) return NULL;
    double num[64], den[64];
    size_t n = 0;
    for (size_t q = 0; q <= p && n < 64; q++) {
        if (!s->c->periods[q].financial_year) continue;
        const estimate *e = &s->est[cell(s, q, g, cat)];
        num[n] = e->num, den[n] = e->den, n++;
    }
    dsms_trend tr;
    dsms_trend_proportions(num, den, n, 0.998, &tr);
    return dsms_trend_name(tr.kind);
}

static const char *level_of(const dsms_refdata *ref, size_t g)
{
    return g < ref->nareas ? "area" : g < ref->nareas + ref->nregions ? "region" : "england";
}

static const char *code_of(const dsms_refdata *ref, size_t g)
{
    if (g < ref->nareas) return ref->areas[g].code;
    if (g < ref->nareas + ref->nregions) return ref->regions[g - ref->nareas].code;
    return DSMS_ENGLAND_CODE;
}

static int provisional(const cells *s, size_t p)
{
    return s->m->lookahead && s->c->d->last_day < s->c->periods[p].end + s->m->lookahead;
}

static int incomplete(const cells *s, size_t p)
{
    return s->lookback > 0 && s->c->periods[p].start - s->lookback < s->c->data_start;
}

static int emit(cells *s, size_t p, size_t g, int cat, eng_rows *rows)
{
    const dsms_refdata *ref = s->c->d->ref;
    const estimate *e = &s->est[cell(s, p, g, cat)];
    if (cat != ENG_CAT_ALL && !(e->num > 0) && !(e->den > 0)) return 0;
    size_t england = ref->nareas + ref->nregions;
    dsms_result r = {
        .measure = s->m->id, .area_code = code_of(ref, g), .level = level_of(ref, g),
        .period = s->c->periods[p].label, .breakdown = dsms_breakdown_names[breakdown_of(cat)],
        .category = dsms_category_name(cat), .numerator = e->num, .denominator = e->den,
        .value = e->value, .lower95 = e->lo95, .upper95 = e->hi95, .lower99_8 = e->lo998,
        .upper99_8 = e->hi998, .trend = trend(s, p, g, cat),
        .provisional = provisional(s, p),
        .incomplete_history = incomplete(s, p),
        .by_occurrence = s->occurrence[cell(s, p, g, cat)] > 0};
    if (g != england) r.vs_england = compare(s, e, s->est[cell(s, p, england, cat)].value);
    if (g < ref->nareas) {
        estimate group;
        comparators(s, p, g, cat, &group);
        r.vs_comparators = compare(s, e, group.value);
    }
    return eng_rows_add(rows, &r);
}

/* A single calendar year is for England and regions: areas have it pooled. */
static int shown(const eng_ctx *c, size_t p, size_t g)
{
    return c->periods[p].calendar != 1 || g >= c->d->ref->nareas;
}

/* Each organisation's rows, beside the geographies' (s estimated). */
static int organisation_rows(cells *s, eng_rows *rows)
{
    const dsms_refdata *ref = s->c->d->ref;
    const char *level = dsms_measure_organisation(s->m);
    size_t england = ref->nareas + ref->nregions;
    int rc = 0;
    for (size_t p = 0; !rc && level && p < s->c->nperiods; p++) {
        if (s->c->periods[p].quarter) continue;
        if (s->m->kind == DSMS_KIND_RATIO) england_rates(s, p);
        for (size_t o = 0; !rc && o < s->t->norgs; o++) {
            size_t at = (p * s->t->norgs + o) * s->bands;
            estimate e;
            estimate_of(s->m, s->t->onum + at, s->t->oden + at, s->bands, ref->esp, s->rate,
                        &e);
            if (!(e.num > 0) && !(e.den > 0)) continue;
            dsms_result r = {
                .measure = s->m->id, .area_code = dsms_refdata_org_code(ref, level, o),
                .level = level,
                .period = s->c->periods[p].label, .breakdown = "all", .category = "all",
                .numerator = e.num, .denominator = e.den, .value = e.value, .lower95 = e.lo95,
                .upper95 = e.hi95, .lower99_8 = e.lo998, .upper99_8 = e.hi998,
                .vs_england = compare(s, &e, s->est[cell(s, p, england, ENG_CAT_ALL)].value),
                .provisional = provisional(s, p),
                .incomplete_history = incomplete(s, p)};
            rc = eng_rows_add(rows, &r);
        }
    }
    return rc;
}

int eng_results(const eng_ctx *c, const dsms_measure *m, const eng_tally *t, eng_rows *rows)
{
    const dsms_refdata *ref = c->d->ref;
    cells s = {c, m, t, ref->nareas + ref->nregions + 1, t->nbands, dsms_measure_lookback(m),
               NULL, NULL, NULL, NULL, NULL};
    size_t n = c->nperiods * s.ngeo * t->ncats;
    s.num = calloc(n * s.bands + 1, sizeof *s.num);
    s.den = calloc(n * s.bands + 1, sizeof *s.den);
    s.est = calloc(n + 1, sizeof *s.est);
    s.rate = calloc(s.bands + 1, sizeof *s.rate);
    s.occurrence = calloc(n + 1, sizeof *s.occurrence);
    int rc = s.num && s.den && s.est && s.occurrence && s.rate ? 0 : -1;
    if (!rc) {
        aggregate(&s);
        estimate_all(&s);
    }
    for (size_t p = 0; !rc && p < c->nperiods; p++)
        for (size_t g = 0; !rc && g < s.ngeo; g++)
            for (int cat = 0; !rc && cat < (int)t->ncats; cat++)
                if (allowed(m, &c->periods[p], cat) && shown(c, p, g))
                    rc = emit(&s, p, g, cat, rows);
    if (!rc && t->norgs) rc = organisation_rows(&s, rows);
    free(s.num);
    free(s.occurrence);
    free(s.den);
    free(s.est);
    free(s.rate);
    return rc;
}

int eng_rows_add(eng_rows *rows, const dsms_result *r)
{
    if (rows->n == rows->cap) {
        dsms_result *p = dsms_grow(rows->r, &rows->cap, rows->n + 1, sizeof *p, 4096);
        if (!p) return -1;
        rows->r = p;
    }
    rows->r[rows->n++] = *r;
    return 0;
}
