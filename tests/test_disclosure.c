/* test_disclosure.c — disclosure control (dsms_results_suppress) over result
 * sets built by hand: one hidden area in a region, one hidden region, a
 * residue from 1 to 5 spread over two hidden cells, a category cross, a
 * hidden total with every part published, denominators that count people
 * and those that do not, a quantity two measures share, bad numbers and rows
 * on no grid. Each case is
 * checked against the cells it must hide and by an attacker written here,
 * apart from the library: it lists the relations itself and tries each on
 * every hidden cell, exactly and by range.
 *
 * The nation: regions R1 (areas A1, A2, A3) and R2 (A4, A5); categories
 * "all" = M + F. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dsms/measures.h"

enum { NAREAS = 5, NREGIONS = 2, NGEO = NAREAS + NREGIONS + 1, NCAT = 3 };
enum { A1, A2, A3, A4, A5, R1, R2, ENG };
enum { ALL, M, F };

static const char *const codes[NGEO] = {"E06000001", "E06000002", "E06000003", "E06000004",
                                        "E06000005", "E12000001", "E12000002", DSMS_ENGLAND_CODE};
static const char *const levels[NGEO] = {"area", "area", "area", "area",
                                         "area", "region", "region", "england"};
static const char *const cats[NCAT] = {"all", "M", "F"};
static const char *const bds[NCAT] = {"all", "sex", "sex"};

static dsms_refdata nation(dsms_ref_area *areas, dsms_ref_org *regions)
{
    memset(areas, 0, NAREAS * sizeof *areas);
    memset(regions, 0, NREGIONS * sizeof *regions);
    for (int r = 0; r < NREGIONS; r++) snprintf(regions[r].code, 16, "%s", codes[R1 + r]);
    for (int a = 0; a < NAREAS; a++) {
        snprintf(areas[a].code, 16, "%s", codes[a]);
        areas[a].region = a < A4 ? 0 : 1;
    }
    dsms_refdata ref;
    memset(&ref, 0, sizeof ref);
    ref.areas = areas, ref.nareas = NAREAS;
    ref.regions = regions, ref.nregions = NREGIONS;
    return ref;
}

/* One measure and period over the nation: the areas' numerators (and
 * denominators) by category; regions and England their sums. A category
 * with nothing in it has no row, as dsms compute leaves it out. */
typedef struct {
    dsms_result r[NGEO * NCAT];
    int at[NGEO][NCAT]; /* row of each cell, -1 for none */
    size_t n;
} case_rows;

static void build(case_rows *c, const char *measure, double num[NAREAS][NCAT],
                  double den[NAREAS][NCAT], int with_den)
{
    double n[NGEO][NCAT] = {{0}}, d[NGEO][NCAT] = {{0}};
    for (int a = 0; a < NAREAS; a++)
        for (int k = 0; k < NCAT; k++) {
            int region = a < A4 ? R1 : R2;
            double x = num[a][k], y = with_den ? den[a][k] : 0;
            n[a][k] = x, n[region][k] += x, n[ENG][k] += x;
            d[a][k] = y, d[region][k] += y, d[ENG][k] += y;
        }
    c->n = 0;
    for (int g = 0; g < NGEO; g++)
        for (int k = 0; k < NCAT; k++) {
            c->at[g][k] = -1;
            if (k != ALL && n[g][k] == 0 && d[g][k] == 0) continue;
            c->at[g][k] = (int)c->n;
            c->r[c->n++] = (dsms_result){
                .measure = measure, .area_code = codes[g], .level = levels[g],
                .period = "2024-25", .breakdown = bds[k], .category = cats[k],
                .numerator = n[g][k], .denominator = with_den ? d[g][k] : NAN,
                .value = n[g][k], .lower95 = 0, .upper95 = 1, .vs_england = "similar"};
        }
}

static int hidden(const case_rows *c, int g, int k)
{
    return c->at[g][k] >= 0 && c->r[c->at[g][k]].disclosure == DSMS_SUPPRESSED;
}

/* ---- the attacker ---------------------------------------------------------------- */

/* What public output shows of a cell: -1 hidden, else the amount (no row: 0). */
static double shown(const case_rows *c, int g, int k, int use_den)
{
    if (hidden(c, g, k)) return -1;
    if (c->at[g][k] < 0) return 0;
    const dsms_result *r = &c->r[c->at[g][k]];
    return use_den ? r->denominator : r->numerator;
}

/* Relation total = parts: 1 when it gives a hidden cell away (exactly, or
 * as at most 5 from a residue of 1 to 5), naming it. */
static int attack(const case_rows *c, int tg, int tk, const int (*parts)[2], int np,
                  int use_den, const char *what)
{
    if (c->at[tg][tk] < 0) return 0;
    double t = shown(c, tg, tk, use_den), published = 0;
    int nh = 0, last = -1;
    for (int i = 0; i < np; i++) {
        double x = shown(c, parts[i][0], parts[i][1], use_den);
        if (x < 0) nh++, last = i;
        else published += x;
    }
    double rest = t - published;
    int leak = 0;
    if (t < 0) leak = nh == 0 && published != 0;
    else if (nh == 1) leak = rest != 0;
    else if (nh >= 2) leak = rest >= 1 && rest <= DSMS_DISCLOSURE_MAX;
    if (leak)
        fprintf(stderr, "  %s: %s %s gives away a hidden %s (total %g, %d hidden, rest %g)\n",
                what, codes[tg], cats[tk], use_den ? "denominator" : "numerator", t, nh, rest);
    (void)last;
    return leak;
}

/* Every relation the public output holds, listed here by hand. */
static int leaks(const case_rows *c, int with_den, const char *what)
{
    int n = 0;
    for (int d = 0; d <= with_den; d++) {
        for (int g = 0; g < NGEO; g++) {
            const int sex[2][2] = {{g, M}, {g, F}};
            n += attack(c, g, ALL, sex, 2, d, what);
        }
        for (int k = 0; k < NCAT; k++) {
            const int r1[3][2] = {{A1, k}, {A2, k}, {A3, k}}, r2[2][2] = {{A4, k}, {A5, k}};
            const int regions[2][2] = {{R1, k}, {R2, k}};
            const int areas[5][2] = {{A1, k}, {A2, k}, {A3, k}, {A4, k}, {A5, k}};
            n += attack(c, R1, k, r1, 3, d, what);
            n += attack(c, R2, k, r2, 2, d, what);
            n += attack(c, ENG, k, regions, 2, d, what);
            n += attack(c, ENG, k, areas, 5, d, what);
        }
    }
    return n;
}

/* Decide, then check the hidden cells against want (cells listed as
 * geo * NCAT + category, ending with -1) and the attacker against none. */
static void expect(case_rows *c, const dsms_refdata *ref, int with_den, const int *want,
                   size_t secondary, const char *what)
{
    dsms_disclosure_report rep;
    CHECK_INT(dsms_results_suppress(c->r, c->n, ref, &rep), 0);
    int should[NGEO][NCAT] = {{0}};
    for (const int *w = want; *w >= 0; w++) should[*w / NCAT][*w % NCAT] = 1;
    for (int g = 0; g < NGEO; g++)
        for (int k = 0; k < NCAT; k++) {
            if (c->at[g][k] < 0) continue;
            if (hidden(c, g, k) == should[g][k]) check_passed++;
            else {
                check_failed++;
                fprintf(stderr, "%s: %s %s is %s, expected %s\n", what, codes[g], cats[k],
                        hidden(c, g, k) ? "hidden" : "shown", should[g][k] ? "hidden" : "shown");
            }
        }
    CHECK_INT(rep.secondary, secondary);
    CHECK_INT(rep.rows, c->n);
    CHECK_INT(leaks(c, with_den, what), 0);
    for (size_t i = 0; i < c->n; i++) CHECK(c->r[i].disclosure != DSMS_UNDECIDED);
}

#define CELL(g, k) ((g) * NCAT + (k))

/* ---- the cases ---------------------------------------------------------------------- */

/* Counts with no breakdown but "all" (M and F empty). */
static void areas_only(case_rows *c, double a1, double a2, double a3, double a4, double a5)
{
    double num[NAREAS][NCAT] = {{a1}, {a2}, {a3}, {a4}, {a5}};
    build(c, "in_treatment", num, NULL, 0);
}

static void one_hidden_area(const dsms_refdata *ref)
{
    /* A1 3 beside A2 20, A3 30 in R1 (53): R1 less the others gives A1, so the
     * smallest other, A2, goes too; then R1 less A3 is 23, which says nothing. */
    case_rows c;
    areas_only(&c, 3, 20, 30, 40, 50);
    const int want[] = {CELL(A1, ALL), CELL(A2, ALL), -1};
    expect(&c, ref, 0, want, 1, "one hidden area");
}

static void one_hidden_region(const dsms_refdata *ref)
{
    /* R1 = 1 + 2 + 0 = 3 is hidden with A1 and A2. England less R2 would give R1:
     * R2 goes too, and with R2 hidden and both its areas shown, A4 (the smaller). */
    case_rows c;
    areas_only(&c, 1, 2, 0, 40, 50);
    const int want[] = {CELL(A1, ALL), CELL(A2, ALL), CELL(R1, ALL), CELL(R2, ALL),
                        CELL(A4, ALL), -1};
    expect(&c, ref, 0, want, 2, "one hidden region");
}

static void residue_over_two(const dsms_refdata *ref)
{
    /* A1 2 and A2 3 are hidden; R1 (35) less A3 (30) is 5: both are at most 5.
     * Hiding A3 makes the residue 35. A zero beside them would not help. */
    case_rows c;
    areas_only(&c, 2, 3, 30, 40, 50);
    const int want[] = {CELL(A1, ALL), CELL(A2, ALL), CELL(A3, ALL), -1};
    expect(&c, ref, 0, want, 1, "residue over two");

    areas_only(&c, 2, 3, 0, 40, 50); /* R1 = 5, hidden itself: nothing more in R1 */
    expect(&c, ref, 0, (const int[]){CELL(A1, ALL), CELL(A2, ALL), CELL(R1, ALL), CELL(R2, ALL),
                                     CELL(A4, ALL), -1},
           2, "residue over two, region hidden");
}

static void category_cross(const dsms_refdata *ref)
{
    /* A1's F is 4: hidden. Within A1, all (16) less M (12) gives it: M goes.
     * Within R1's F (4 + 10 + 10) A1 F is the only hidden area, so another goes,
     * and so on across the cross: the attacker below checks all of it. */
    double num[NAREAS][NCAT] = {{16, 12, 4}, {30, 20, 10}, {40, 30, 10}, {50, 25, 25}, {60, 30, 30}};
    case_rows c;
    build(&c, "in_treatment", num, NULL, 0);
    dsms_disclosure_report rep;
    CHECK_INT(dsms_results_suppress(c.r, c.n, ref, &rep), 0);
    CHECK(hidden(&c, A1, F) && hidden(&c, A1, M));
    CHECK(!hidden(&c, ENG, ALL) && !hidden(&c, R2, ALL) && !hidden(&c, A5, ALL));
    CHECK_INT(rep.primary, 1);
    CHECK(rep.secondary >= 3);
    CHECK_INT(leaks(&c, 0, "category cross"), 0);
}

static void hidden_total_parts_shown(const dsms_refdata *ref)
{
    /* A2 3 in R1 hides with the smallest other, A1 (12, below A3 100); A1's
     * total is then hidden with both its sexes (6 and 6) shown, which would
     * give it back: M (the first of equals) goes too, and so on. */
    double num[NAREAS][NCAT] = {{12, 6, 6}, {3, 3, 0}, {100, 50, 50}, {40, 20, 20}, {50, 25, 25}};
    case_rows c;
    build(&c, "in_treatment", num, NULL, 0);
    dsms_disclosure_report rep;
    CHECK_INT(dsms_results_suppress(c.r, c.n, ref, &rep), 0);
    CHECK(hidden(&c, A2, ALL) && hidden(&c, A2, M) && hidden(&c, A1, ALL));
    CHECK(hidden(&c, A1, M) || hidden(&c, A1, F));
    CHECK_INT(leaks(&c, 0, "hidden total"), 0);
}

static void counted_denominators(const dsms_refdata *ref)
{
    /* A proportion: A1's denominator 4 (numerator 0) hides it. R1's numerator
     * less A2's and A3's would give A1's 0, and its denominator likewise: the
     * smallest other, A2 (10 of 20), goes, which covers both. */
    double num[NAREAS][NCAT] = {{0}, {10}, {15}, {20}, {25}};
    double den[NAREAS][NCAT] = {{4}, {20}, {30}, {40}, {50}};
    case_rows c;
    build(&c, "successful_completion", num, den, 1);
    const int want[] = {CELL(A1, ALL), CELL(A2, ALL), -1};
    expect(&c, ref, 1, want, 1, "counted denominators");

    /* An estimated denominator (penetration's) is no cell: 3.5 hides nothing,
     * and a hidden row keeps it. */
    double pnum[NAREAS][NCAT] = {{7}, {10}, {15}, {20}, {25}};
    double pden[NAREAS][NCAT] = {{3.5}, {200}, {300}, {400}, {500}};
    build(&c, "penetration_opiate_crack", pnum, pden, 1);
    expect(&c, ref, 0, (const int[]){-1}, 0, "estimated denominators");
    dsms_result p = c.r[c.at[A1][ALL]];
    dsms_result_hide(&p);
    CHECK(isnan(p.numerator) && p.denominator == 3.5 && isnan(p.value) && isnan(p.lower95) &&
          !p.vs_england && !p.vs_comparators);
    dsms_result q = c.r[c.at[A2][ALL]];
    q.measure = "successful_completion";
    dsms_result_hide(&q);
    CHECK(isnan(q.numerator) && isnan(q.denominator) && isnan(q.value));
}

static void shared_quantity(const dsms_refdata *ref)
{
    /* The people in treatment are in_treatment's count and successful
     * completion's denominator. Alone, in_treatment hides A1 (3) and A2 (20),
     * and successful completion hides A1 (its denominator 3) and A3 (the
     * smaller numerator, 8 against 15), publishing A2's denominator 20: R1
     * (53) less 20 and 30 would give in_treatment's A1 back. Decided
     * together, each hides what the other hides: A1, A2 and A3 in both. */
    double people[NAREAS][NCAT] = {{3}, {20}, {30}, {40}, {50}};
    double done[NAREAS][NCAT] = {{0}, {15}, {8}, {20}, {25}};
    case_rows count, prop;
    build(&count, "in_treatment", people, NULL, 0);
    build(&prop, "successful_completion", done, people, 1);
    dsms_result both[2 * NGEO * NCAT];
    memcpy(both, count.r, count.n * sizeof *both);
    memcpy(both + count.n, prop.r, prop.n * sizeof *both);
    dsms_disclosure_report rep;
    CHECK_INT(dsms_results_suppress(both, count.n + prop.n, ref, &rep), 0);
    memcpy(count.r, both, count.n * sizeof *both);
    memcpy(prop.r, both + count.n, prop.n * sizeof *both);
    for (int g = 0; g < NGEO; g++) {
        int want = g == A1 || g == A2 || g == A3;
        CHECK_INT(hidden(&count, g, ALL), want);
        CHECK_INT(hidden(&prop, g, ALL), want);
    }
    CHECK_INT(rep.primary, 2);
    CHECK_INT(rep.secondary, 4);
    CHECK_INT(leaks(&count, 0, "shared quantity: count"), 0);
    CHECK_INT(leaks(&prop, 1, "shared quantity: proportion"), 0);

    /* Decided apart, the proportion publishes a cell the count hides. */
    build(&count, "in_treatment", people, NULL, 0);
    build(&prop, "successful_completion", done, people, 1);
    CHECK_INT(dsms_results_suppress(count.r, count.n, ref, &rep), 0);
    CHECK_INT(dsms_results_suppress(prop.r, prop.n, ref, &rep), 0);
    CHECK(hidden(&count, A2, ALL) && !hidden(&prop, A2, ALL));
}

/* rows a then b decided together; the flags copied back. */
static void decide_two(case_rows *a, case_rows *b, const dsms_refdata *ref)
{
    dsms_result both[2 * NGEO * NCAT];
    memcpy(both, a->r, a->n * sizeof *both);
    memcpy(both + a->n, b->r, b->n * sizeof *both);
    dsms_disclosure_report rep;
    CHECK_INT(dsms_results_suppress(both, a->n + b->n, ref, &rep), 0);
    memcpy(a->r, both, a->n * sizeof *both);
    memcpy(b->r, both + a->n, b->n * sizeof *both);
}

static void successful_exits_one_way(const dsms_refdata *ref)
{
    /* Successful completions (not re-presenting) and re-presentations add up
     * to representation_6m's denominator. A hidden completion would come back
     * as that denominator less the re-presentations, so it hides the
     * re-presentation row too; a hidden re-presentation row hides nothing
     * more of the completions. */
    double done[NAREAS][NCAT] = {{3}, {20}, {30}, {40}, {50}};
    double exits[NAREAS][NCAT] = {{13}, {30}, {40}, {50}, {60}};
    double again[NAREAS][NCAT] = {{10}, {10}, {10}, {10}, {10}};
    double people[NAREAS][NCAT] = {{100}, {100}, {100}, {100}, {100}};
    case_rows sc, rep;
    build(&sc, "successful_completion", done, people, 1);
    build(&rep, "representation_6m", again, exits, 1);
    decide_two(&sc, &rep, ref);
    CHECK(hidden(&sc, A1, ALL) && hidden(&rep, A1, ALL));
    for (int g = 0; g < NGEO; g++) CHECK_INT(hidden(&rep, g, ALL), hidden(&sc, g, ALL));

    double few[NAREAS][NCAT] = {{2}, {10}, {10}, {10}, {10}};
    double many[NAREAS][NCAT] = {{30}, {20}, {30}, {40}, {50}};
    build(&sc, "successful_completion", many, people, 1);
    build(&rep, "representation_6m", few, exits, 1);
    decide_two(&sc, &rep, ref);
    CHECK(hidden(&rep, A1, ALL));
    for (int g = 0; g < NGEO; g++) CHECK(!hidden(&sc, g, ALL));
}

static void penetration_is_not_opiate_in_treatment(const dsms_refdata *ref)
{
    /* Penetration counts opiate and crack users (crack users of the
     * non-opiate group too), so its numerator is not in_treatment's opiate
     * category and shares no count with it: an area's non-opiate 3 is
     * hidden, and with it its opiate 40, but penetration's 40 (opiate and
     * crack users, which may be 37 opiate and 3 crack) stays shown. */
    dsms_result rows[4];
    const char *const cat[3] = {"all", "opiate", "non_opiate"};
    const double count[3] = {43, 40, 3};
    for (int i = 0; i < 3; i++)
        rows[i] = (dsms_result){.measure = "in_treatment", .area_code = "E06000001",
                                .level = "area", .period = "2024-25",
                                .breakdown = i ? "substance" : "all", .category = cat[i],
                                .numerator = count[i], .denominator = NAN};
    rows[3] = (dsms_result){.measure = "penetration_opiate_crack", .area_code = "E06000001",
                            .level = "area", .period = "2024-25", .breakdown = "all",
                            .category = "all", .numerator = 40, .denominator = 300};
    dsms_disclosure_report rep;
    CHECK_INT(dsms_results_suppress(rows, 4, ref, &rep), 0);
    CHECK(rows[0].disclosure == DSMS_PUBLISHED);
    CHECK(rows[1].disclosure == DSMS_SUPPRESSED && rows[2].disclosure == DSMS_SUPPRESSED);
    CHECK(rows[3].disclosure == DSMS_PUBLISHED);
    CHECK(!dsms_measures_share("penetration_opiate_crack", "mutual_aid"));
    CHECK(!dsms_measures_share("penetration_opiate_crack", "in_treatment"));
    CHECK(!dsms_measures_share("in_treatment_secure", "in_treatment"));
    CHECK(dsms_measures_share("mutual_aid", "in_treatment"));
    CHECK(dsms_measures_share("representation_6m", "successful_completion"));
    CHECK(!dsms_measures_share("top_abstinent", "in_treatment"));
}

static void zeros_and_bad_numbers(const dsms_refdata *ref)
{
    /* Zeros are shown and need no protecting. */
    case_rows c;
    areas_only(&c, 0, 0, 0, 0, 0);
    expect(&c, ref, 0, (const int[]){-1}, 0, "all zero");
    /* Six or more alone are shown. */
    areas_only(&c, 6, 6, 6, 6, 6);
    expect(&c, ref, 0, (const int[]){-1}, 0, "all six");
    /* A negative or infinite count is hidden, the safe side. */
    areas_only(&c, -1, 20, 30, 40, 50);
    dsms_disclosure_report rep;
    CHECK_INT(dsms_results_suppress(c.r, c.n, ref, &rep), 0);
    CHECK(hidden(&c, A1, ALL));
    areas_only(&c, INFINITY, 20, 30, 40, 50);
    CHECK_INT(dsms_results_suppress(c.r, c.n, ref, &rep), 0);
    CHECK(hidden(&c, A1, ALL));
    /* A row of an area the reference data does not know: the primary rule alone. */
    dsms_result odd[2] = {
        {.measure = "in_treatment", .area_code = "X99", .level = "area", .period = "2024-25",
         .breakdown = "all", .category = "all", .numerator = 2, .denominator = NAN},
        {.measure = "in_treatment", .area_code = "X98", .level = "area", .period = "2024-25",
         .breakdown = "all", .category = "all", .numerator = 9, .denominator = NAN}};
    CHECK_INT(dsms_results_suppress(odd, 2, ref, &rep), 0);
    CHECK(odd[0].disclosure == DSMS_SUPPRESSED && odd[1].disclosure == DSMS_PUBLISHED);
    CHECK_INT(rep.primary, 1);
    /* No rows. */
    CHECK_INT(dsms_results_suppress(NULL, 0, ref, &rep), 0);
    CHECK_INT(rep.rows, 0);
}

static void groups_apart_and_in_any_order(const dsms_refdata *ref)
{
    /* Two periods interleaved and reversed decide as each alone. */
    case_rows a, b;
    areas_only(&a, 3, 20, 30, 40, 50);
    areas_only(&b, 3, 20, 30, 40, 50);
    dsms_result mixed[2 * NGEO * NCAT];
    size_t n = 0;
    for (size_t i = a.n; i-- > 0;) {
        mixed[n] = a.r[i], mixed[n++].period = "2023-24";
        mixed[n++] = b.r[i];
    }
    dsms_disclosure_report rep;
    CHECK_INT(dsms_results_suppress(mixed, n, ref, &rep), 0);
    CHECK_INT(rep.groups, 2);
    CHECK_INT(rep.primary, 2);
    CHECK_INT(rep.secondary, 2);
    size_t hidden_rows = 0;
    for (size_t i = 0; i < n; i++) hidden_rows += mixed[i].disclosure == DSMS_SUPPRESSED;
    CHECK_INT(hidden_rows, 4);
}

int main(void)
{
    dsms_ref_area areas[NAREAS];
    dsms_ref_org regions[NREGIONS];
    dsms_refdata ref = nation(areas, regions);
    one_hidden_area(&ref);
    one_hidden_region(&ref);
    residue_over_two(&ref);
    category_cross(&ref);
    hidden_total_parts_shown(&ref);
    counted_denominators(&ref);
    shared_quantity(&ref);
    successful_exits_one_way(&ref);
    penetration_is_not_opiate_in_treatment(&ref);
    zeros_and_bad_numbers(&ref);
    groups_apart_and_in_any_order(&ref);
    return check_summary();
}
