/* measures_public.c — disclosure control: which results public output may show.
 *
 * dsms compute decides once, over every result of a measure and period
 * together, and the store keeps the decision with each row. Every public
 * view reads rows through dsms_each_public_result, which blanks the hidden
 * ones, so the views cannot differ, nor be combined to undo each other. The
 * method (primary rule, the relations, the safety condition, how secondary
 * cells are chosen) is described in docs/statistics.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/grow.h"
#include "dsms/measures.h"

/* ---- the rule ------------------------------------------------------------------ */

/* A number that cannot be a count (negative, infinite) is hidden: the safe side. */
static int bad(double x)
{
    return !isnan(x) && (!isfinite(x) || x < 0);
}

static int small(double x)
{
    return x > 0 && x <= DSMS_DISCLOSURE_MAX;
}

/* A denominator that counts people is a cell of the relations and is
 * hidden with its row; a population or an estimate is neither. A measure
 * not in the catalogue is taken to count: the safe side. */
static int counts_people(const dsms_measure *m)
{
    return !m || !m->estimated_denominator;
}

static int primary(const dsms_result *r, int counted)
{
    if (bad(r->numerator) || small(r->numerator)) return 1;
    return counted && (bad(r->denominator) || small(r->denominator));
}

/* ---- one (measure, period) on a grid of geography by category ---------------------- */

/* Geographies are numbered as in the results: the areas, the regions, England. */
typedef struct {
    const char *code;
    size_t geo;
} geo_code;

typedef struct {
    const dsms_refdata *ref;
    size_t ngeo, ncats;
    geo_code *codes; /* sorted by code, for bsearch */
    size_t ncodes;
} layout;

typedef struct {
    dsms_result *rows;
    const layout *lay;
    long *cell;     /* by geo * ncats + category: a row, or -1 (no row: 0 of 0) */
    int counted;    /* whether denominators are cells too */
    size_t *rel;    /* relations, each: its length k, its total's cell, k-1 parts' cells */
    size_t nrel, relcap;
    size_t secondary;
} group;

static int code_cmp(const void *a, const void *b)
{
    return strcmp(((const geo_code *)a)->code, ((const geo_code *)b)->code);
}

static int layout_init(layout *l, const dsms_refdata *ref)
{
    l->ref = ref;
    l->ngeo = ref->nareas + ref->nregions + 1;
    l->ncats = 0;
    while (dsms_category_name((int)l->ncats)) l->ncats++;
    l->ncodes = l->ngeo;
    l->codes = malloc(l->ngeo * sizeof *l->codes);
    if (!l->codes) return -1;
    for (size_t i = 0; i < ref->nareas; i++) l->codes[i] = (geo_code){ref->areas[i].code, i};
    for (size_t i = 0; i < ref->nregions; i++)
        l->codes[ref->nareas + i] = (geo_code){ref->regions[i].code, ref->nareas + i};
    l->codes[l->ngeo - 1] = (geo_code){DSMS_ENGLAND_CODE, l->ngeo - 1};
    qsort(l->codes, l->ncodes, sizeof *l->codes, code_cmp);
    return 0;
}

/* The grid cell of a row, or (size_t)-1 for a row on no grid (an unknown
 * area or category: it is hidden or not by the primary rule alone). */
static size_t cell_of(const layout *l, const dsms_result *r)
{
    geo_code key = {r->area_code, 0};
    const geo_code *g = bsearch(&key, l->codes, l->ncodes, sizeof key, code_cmp);
    if (!g) return (size_t)-1;
    for (size_t c = 0; c < l->ncats; c++)
        if (strcmp(dsms_category_name((int)c), r->category) == 0) return g->geo * l->ncats + c;
    return (size_t)-1;
}

static int is_hidden(const group *g, long row)
{
    return row >= 0 && g->rows[row].disclosure == DSMS_SUPPRESSED;
}

/* Cell's numerator (k 0) or denominator (k 1); no row is 0. */
static double amount(const group *g, long row, int k)
{
    if (row < 0) return 0;
    double x = k ? g->rows[row].denominator : g->rows[row].numerator;
    return isnan(x) ? 0 : x;
}

/* ---- the relations: total = sum of parts --------------------------------------------- */

static int rel_add(group *g, size_t total, const size_t *parts, size_t nparts)
{
    if (g->nrel + nparts + 2 > g->relcap) {
        size_t *p = dsms_grow(g->rel, &g->relcap, g->nrel + nparts + 2, sizeof *p, 4096);
        if (!p) return -1;
        g->rel = p;
    }
    size_t *at = g->rel + g->nrel;
    at[0] = nparts + 1, at[1] = total;
    for (size_t i = 0; i < nparts; i++) at[2 + i] = parts[i];
    g->nrel += nparts + 2;
    return 0;
}

/* Each breakdown's categories within the "all" of their geography. The
 * breakdown of a category is read from its rows. */
static int category_relations(group *g, size_t *buf)
{
    enum { MAX_CATS = 64 };
    const layout *l = g->lay;
    const char *bd[MAX_CATS] = {0}, *names[MAX_CATS];
    size_t ncats = l->ncats < MAX_CATS ? l->ncats : MAX_CATS, nnames = 0;
    for (size_t geo = 0; geo < l->ngeo; geo++)
        for (size_t c = 1; c < ncats; c++) {
            long row = g->cell[geo * l->ncats + c];
            if (row >= 0 && !bd[c]) bd[c] = g->rows[row].breakdown;
        }
    for (size_t c = 1; c < ncats; c++) {
        size_t k = 0;
        while (bd[c] && k < nnames && strcmp(names[k], bd[c]) != 0) k++;
        if (bd[c] && k == nnames) names[nnames++] = bd[c];
    }
    for (size_t geo = 0; geo < l->ngeo; geo++)
        for (size_t b = 0; b < nnames; b++) {
            size_t k = 0;
            for (size_t c = 1; c < ncats; c++)
                if (bd[c] && strcmp(bd[c], names[b]) == 0) buf[k++] = geo * l->ncats + c;
            if (rel_add(g, geo * l->ncats, buf, k)) return -1;
        }
    return 0;
}

/* Whether any geography has a row in category c. */
static int has_rows(const group *g, size_t c)
{
    for (size_t geo = 0; geo < g->lay->ngeo; geo++)
        if (g->cell[geo * g->lay->ncats + c] >= 0) return 1;
    return 0;
}

/* For every category: areas within their region, regions within England,
 * and areas within England. A category no measure's breakdown has here (no
 * row anywhere: 0 = 0 + ... + 0) needs none. */
static int geography_relations(group *g, size_t *buf)
{
    const layout *l = g->lay;
    const dsms_refdata *ref = l->ref;
    size_t england = l->ngeo - 1;
    for (size_t c = 0; c < l->ncats; c++) {
        if (!has_rows(g, c)) continue;
        for (size_t r = 0; r < ref->nregions; r++) {
            size_t k = 0;
            for (size_t a = 0; a < ref->nareas; a++)
                if ((size_t)ref->areas[a].region == r) buf[k++] = a * l->ncats + c;
            if (rel_add(g, (ref->nareas + r) * l->ncats + c, buf, k)) return -1;
        }
        for (size_t r = 0; r < ref->nregions; r++) buf[r] = (ref->nareas + r) * l->ncats + c;
        if (rel_add(g, england * l->ncats + c, buf, ref->nregions)) return -1;
        for (size_t a = 0; a < ref->nareas; a++) buf[a] = a * l->ncats + c;
        if (rel_add(g, england * l->ncats + c, buf, ref->nareas)) return -1;
    }
    return 0;
}

/* ---- the safety condition -------------------------------------------------------------- */

/* Of the published parts, the one holding least: the smallest amount k
 * (above 0 when want_positive), then the smallest other amount, then the
 * first in the grid's order. -1 when there is none. */
static long least(const group *g, const size_t *parts, size_t n, int k, int want_positive)
{
    long best = -1;
    for (size_t i = 0; i < n; i++) {
        long row = g->cell[parts[i]];
        if (row < 0 || is_hidden(g, row)) continue;
        double x = amount(g, row, k);
        if (want_positive && !(x > 0)) continue;
        if (best < 0) {
            best = row;
            continue;
        }
        double y = amount(g, best, k);
        double xo = g->counted ? amount(g, row, !k) : 0, yo = g->counted ? amount(g, best, !k) : 0;
        if (x < y || (x == y && xo < yo)) best = row;
    }
    return best;
}

static void hide_secondary(group *g, long row)
{
    g->rows[row].disclosure = DSMS_SUPPRESSED;
    g->secondary++;
}

/* One relation, amount k: 1 when a row had to be hidden to keep it from
 * giving a hidden cell away, 0 when it is safe. With the total published,
 * the total less the published parts must be 0 or more than
 * DSMS_DISCLOSURE_MAX, and if any part is hidden, two or more must be; with
 * the total hidden, a part must be hidden too. */
static int protect_once(group *g, const size_t *r, int k)
{
    size_t n = r[0] - 1;
    const size_t *parts = r + 2;
    long total = g->cell[r[1]];
    if (total < 0) return 0; /* no total published: nothing to subtract from */
    size_t hidden = 0;
    double published = 0;
    for (size_t i = 0; i < n; i++) {
        long row = g->cell[parts[i]];
        if (is_hidden(g, row)) hidden++;
        else published += amount(g, row, k);
    }
    if (is_hidden(g, total)) {
        if (hidden) return 0;
        long pick = least(g, parts, n, k, 0);
        if (pick < 0) return 0; /* no part to hide: no row at all, so 0 */
        hide_secondary(g, pick);
        return 1;
    }
    double rest = round(amount(g, total, k) - published);
    int within = rest >= 1 && rest <= DSMS_DISCLOSURE_MAX;
    /* Safe unless the rest is from 1 to 5 or one part alone is hidden. With
     * every part shown, the rest is what the total holds beyond them
     * (records whose sex, age band, substance group or area is not known):
     * a count too, which from 1 to 5 must not be had by subtraction. */
    if (hidden != 1 && !within) return 0;
    /* A part of 0 adds nothing to a residue from 1 to 5: only one above 0 helps. */
    long pick = least(g, parts, n, k, within);
    if (pick < 0) pick = total;
    hide_secondary(g, pick);
    return 1;
}

/* Until no relation gives a hidden cell away. Hiding only ever grows, so
 * this ends; each pass that hides nothing ends it. */
static void protect_all(group *g)
{
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t at = 0; at < g->nrel; at += g->rel[at] + 1)
            for (int k = 0; k <= g->counted; k++)
                while (protect_once(g, g->rel + at, k)) changed = 1;
    }
}

/* Rows idx[0..n) are one measure and period: the primary rule. */
static void primary_group(group *g, const size_t *idx, size_t n, size_t *primaries)
{
    int counted = counts_people(dsms_measure_find(g->rows[idx[0]].measure));
    for (size_t i = 0; i < n; i++) {
        dsms_result *r = &g->rows[idx[i]];
        int p = primary(r, counted);
        r->disclosure = p ? DSMS_SUPPRESSED : DSMS_PUBLISHED;
        *primaries += (size_t)p;
    }
}

/* The same rows on the grid, and every relation kept safe. Run again after
 * more rows are hidden (shared quantities, below), it keeps what was hidden
 * and hides only what the relations now need. */
static int protect_group(group *g, const size_t *idx, size_t n, size_t *buf)
{
    const layout *l = g->lay;
    g->counted = counts_people(dsms_measure_find(g->rows[idx[0]].measure));
    g->nrel = 0;
    for (size_t i = 0; i < l->ngeo * l->ncats; i++) g->cell[i] = -1;
    for (size_t i = 0; i < n; i++) {
        size_t c = cell_of(l, &g->rows[idx[i]]);
        if (c == (size_t)-1) continue;
        if (g->cell[c] >= 0) { /* the same cell twice: show neither */
            if (!is_hidden(g, g->cell[c])) hide_secondary(g, g->cell[c]);
            if (!is_hidden(g, (long)idx[i])) hide_secondary(g, (long)idx[i]);
            continue;
        }
        g->cell[c] = (long)idx[i];
    }
    if (category_relations(g, buf) || geography_relations(g, buf)) return -1;
    protect_all(g);
    return 0;
}

/* ---- counts shared between measures ------------------------------------------------ */

/* qsort has no context argument; each thread deciding disclosure control
 * sorts rows of its own. */
static _Thread_local const dsms_result *sort_rows;

/* Some measures publish the same count of people, or counts one of which
 * gives another away:
 * - the people in treatment: in_treatment's count, the denominator of four
 *   proportions, and (its opiate category) opiate_long_term's denominator;
 * - the new presentations: new_presentations' count, the 3-week wait's
 *   denominator and the people behind the median wait;
 * - the people in treatment who inject or have injected: the hepatitis C
 *   and B measures' denominator;
 * - the DRRs started: drr_treatment_3wk's denominator and the orders behind
 *   the median days to treatment;
 * - the successful exits: those not re-presenting (successful completion's
 *   numerator) and those re-presenting (representation_6m's numerator) add
 *   up to representation_6m's denominator;
 * - the observed counts of the measures against expected: the numerators of
 *   successful completion, continuity of care and deaths in treatment, all
 *   categories.
 * A row hidden in one but shown in another would be read off the other, and
 * with it, through a relation, the cell it was hidden to protect; so the
 * same cell of a shared count is hidden in all of its measures or in none.
 * The successful exits go one way only: a hidden successful completion
 * would come back as representation_6m's denominator less its numerator,
 * but a hidden representation_6m row leaves two unknowns behind one shown
 * difference, and gives nothing away.
 * docs/statistics.md lists them; the disclosure audit (tests/disclosure.sh)
 * finds the equal ones from public output by itself. */
static const struct {
    const char *measure;
    const char *category; /* only this category of the measure (NULL: each one) */
    const char *as;       /* which is this category of the count (NULL: the same) */
    const char *count;
    int follows; /* hidden when another is, but hiding no other */
} shared[] = {
    {"in_treatment", NULL, NULL, "in treatment", 0},
    {"effective_treatment", NULL, NULL, "in treatment", 0},
    {"mutual_aid", NULL, NULL, "in treatment", 0},
    {"successful_completion", NULL, NULL, "in treatment", 0},
    {"sustained_recovery_12m", NULL, NULL, "in treatment", 0},
    {"new_presentations", NULL, NULL, "new presentations", 0},
    {"waiting_3wk", NULL, NULL, "new presentations", 0},
    {"waiting_median_days", NULL, NULL, "new presentations", 0},
    {"successful_completion", NULL, NULL, "successful exits", 0},
    {"representation_6m", NULL, NULL, "successful exits", 1},
    {"opiate_long_term", "all", "opiate", "in treatment", 0},
    {"hep_c_tested", NULL, NULL, "injecting in treatment", 0},
    {"hep_b_vaccinated", NULL, NULL, "injecting in treatment", 0},
    {"drr_treatment_3wk", NULL, NULL, "DRR starts", 0},
    {"drr_treatment_median_days", NULL, NULL, "DRR starts", 0},
    {"successful_completion", "all", NULL, "completions not re-presenting", 0},
    {"successful_completion_vs_expected", NULL, NULL, "completions not re-presenting", 0},
    {"continuity_of_care", "all", NULL, "engaged after release", 0},
    {"continuity_of_care_vs_expected", NULL, NULL, "engaged after release", 0},
    {"deaths_in_treatment", "all", NULL, "deaths in treatment", 0},
    {"deaths_in_treatment_vs_expected", NULL, NULL, "deaths in treatment", 0},
};
#define NSHARED (sizeof shared / sizeof *shared)

/* A row's place in one shared count. */
typedef struct {
    size_t row;
    size_t entry; /* into shared[] */
} share;

static int shares(const dsms_result *r, size_t e)
{
    return strcmp(shared[e].measure, r->measure) == 0 &&
           (!shared[e].category || strcmp(shared[e].category, r->category) == 0);
}

/* The count's cell: the count, then period, area and category (a category
 * name belongs to one breakdown alone, so it says which). */
static int share_cmp(const void *a, const void *b)
{
    const share *x = a, *y = b;
    const dsms_result *r = &sort_rows[x->row], *t = &sort_rows[y->row];
    int c = strcmp(shared[x->entry].count, shared[y->entry].count);
    if (!c) c = strcmp(r->period, t->period);
    if (!c) c = strcmp(r->area_code, t->area_code);
    if (!c) c = strcmp(shared[x->entry].as ? shared[x->entry].as : r->category,
                       shared[y->entry].as ? shared[y->entry].as : t->category);
    return c;
}

/* The shares of rows[0..n), sorted by cell; NULL when out of memory. */
static share *shares_of(const dsms_result *rows, size_t n, size_t *nsh)
{
    size_t cap = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t e = 0; e < NSHARED; e++) cap += (size_t)shares(&rows[i], e);
    share *sh = malloc((cap ? cap : 1) * sizeof *sh);
    if (!sh) return NULL;
    *nsh = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t e = 0; e < NSHARED; e++)
            if (shares(&rows[i], e)) sh[(*nsh)++] = (share){i, e};
    sort_rows = rows;
    qsort(sh, *nsh, sizeof *sh, share_cmp);
    return sh;
}

/* Hide, in every measure of a shared count, each cell hidden in any of
 * them. Returns how many rows it hid. */
static size_t hide_shared(dsms_result *rows, const share *sh, size_t n)
{
    size_t hidden = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        int any = 0;
        for (; j < n && share_cmp(&sh[i], &sh[j]) == 0; j++)
            any |= !shared[sh[j].entry].follows &&
                   rows[sh[j].row].disclosure == DSMS_SUPPRESSED;
        for (size_t k = i; any && k < j; k++)
            if (rows[sh[k].row].disclosure != DSMS_SUPPRESSED) {
                rows[sh[k].row].disclosure = DSMS_SUPPRESSED;
                hidden++;
            }
        i = j;
    }
    return hidden;
}

int dsms_measures_share(const char *a, const char *b)
{
    for (size_t i = 0; i < NSHARED; i++)
        for (size_t k = 0; k < NSHARED; k++)
            if (strcmp(shared[i].measure, a) == 0 && strcmp(shared[k].measure, b) == 0 &&
                strcmp(shared[i].count, shared[k].count) == 0)
                return 1;
    return 0;
}

/* ---- every group ------------------------------------------------------------------- */

static int group_order(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(sort_rows[i].measure, sort_rows[j].measure);
    if (!c) c = strcmp(sort_rows[i].period, sort_rows[j].period);
    return c ? c : (i > j) - (i < j);
}

static int same_group(const dsms_result *a, const dsms_result *b)
{
    return strcmp(a->measure, b->measure) == 0 && strcmp(a->period, b->period) == 0;
}

/* Rows idx[0..n) sorted into (measure, period) groups: calls fn on each. */
static int each_group(group *g, const size_t *idx, size_t n, size_t *buf, size_t *primaries)
{
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && same_group(&g->rows[idx[i]], &g->rows[idx[j]])) j++;
        if (primaries) primary_group(g, idx + i, j - i, primaries);
        else if (protect_group(g, idx + i, j - i, buf)) return -1;
        i = j;
    }
    return 0;
}

int dsms_results_suppress(dsms_result *rows, size_t n, const dsms_refdata *ref,
                          dsms_disclosure_report *rep)
{
    memset(rep, 0, sizeof *rep);
    rep->rows = n;
    layout l = {0};
    group g = {rows, &l, NULL, 0, NULL, 0, 0, 0};
    size_t *idx = malloc((n ? n : 1) * sizeof *idx), *buf = NULL, nsh = 0, npub = 0;
    share *sh = shares_of(rows, n, &nsh);
    int rc = idx && sh && layout_init(&l, ref) == 0 ? 0 : -1;
    if (!rc) {
        g.cell = malloc(l.ngeo * l.ncats * sizeof *g.cell);
        buf = malloc((l.ngeo + l.ncats) * sizeof *buf);
        rc = g.cell && buf ? 0 : -1;
    }
    if (!rc) { /* an organisation's rows are never public: no relation holds them */
        sort_rows = rows;
        for (size_t i = 0; i < n; i++)
            if (dsms_level_is_organisation(rows[i].level)) rows[i].disclosure = DSMS_SUPPRESSED;
            else idx[npub++] = i;
        qsort(idx, npub, sizeof *idx, group_order);
        for (size_t i = 0; i < npub; i++)
            rep->groups += i == 0 || !same_group(&rows[idx[i - 1]], &rows[idx[i]]);
        rc = each_group(&g, idx, npub, buf, &rep->primary);
    }
    /* Each measure's relations, then the shared counts, until hiding a
     * shared cell asks nothing more of any relation. Hiding only grows. */
    for (size_t more = 1; !rc && more;) {
        rc = each_group(&g, idx, npub, buf, NULL);
        more = rc ? 0 : hide_shared(rows, sh, nsh);
        g.secondary += more;
    }
    rep->secondary = g.secondary;
    if (rc) { /* hide the lot rather than risk showing a small number */
        for (size_t i = 0; i < n; i++) rows[i].disclosure = DSMS_SUPPRESSED;
        rep->primary = n, rep->secondary = 0;
    }
    free(idx);
    free(sh);
    free(buf);
    free(g.cell);
    free(g.rel);
    free(l.codes);
    return rc;
}

/* ---- what public output shows --------------------------------------------------------- */

void dsms_result_hide(dsms_result *r)
{
    const dsms_measure *m = dsms_measure_find(r->measure);
    r->numerator = NAN;
    if (counts_people(m)) r->denominator = NAN;
    r->value = r->lower95 = r->upper95 = r->lower99_8 = r->upper99_8 = NAN;
    r->vs_england = r->vs_comparators = r->trend = NULL;
}

typedef struct {
    dsms_result_fn fn;
    void *ctx;
    dsms_err *err;
} public_read;

int dsms_result_public(const dsms_result *r, dsms_result *shown)
{
    if (dsms_level_is_organisation(r->level)) return 0; /* restricted: never public */
    if (r->disclosure == DSMS_UNDECIDED) return -1;
    *shown = *r;
    if (shown->disclosure == DSMS_SUPPRESSED) dsms_result_hide(shown);
    return 1;
}

static int publish(void *ctx, const dsms_result *r)
{
    public_read *p = ctx;
    dsms_result shown;
    int k = dsms_result_public(r, &shown);
    if (k < 0)
        dsms_err_set(p->err,
                     "the stored results of '%s' for %s were computed before disclosure control "
                     "was kept with them, so none can be shown in public; run dsms compute, then "
                     "ask again",
                     r->measure, r->period);
    return k <= 0 ? k : p->fn(p->ctx, &shown);
}

int dsms_each_public_result(dsms_store *st, const dsms_result_filter *f, dsms_result_fn fn,
                            void *ctx, dsms_err *err)
{
    public_read p = {fn, ctx, err};
    return dsms_store_each_result(st, f, publish, &p, err);
}
