/* test_funding.c — need formulas, allocations and payments (dsms/funding.h)
 * on four areas worked by hand: the need index and its ranks and tranches,
 * shares in pence by the largest remainder (ties to the lower code), the
 * minimum and the damping fixed in turns, budgets that cannot be shared;
 * amounts read strictly; a tariff's earnings, cap and pot. */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "dsms/funding.h"

#define CHECK_NEAR(got, want) CHECK(fabs((got) - (want)) < 1e-9)

static void amounts(void)
{
    int64_t p = -1;
    CHECK_INT(dsms_amount_parse("780000000", &p), 0);
    CHECK_INT(p, 78000000000LL);
    CHECK_INT(dsms_amount_parse("780,000,000.00", &p), 0);
    CHECK_INT(p, 78000000000LL);
    CHECK_INT(dsms_amount_parse("1.5", &p), 0);
    CHECK_INT(p, 150);
    CHECK_INT(dsms_amount_parse("0.07", &p), 0);
    CHECK_INT(p, 7);
    CHECK_INT(dsms_amount_parse("999,999,999,999.99", &p), 0);
    CHECK_INT(p, DSMS_AMOUNT_MAX - 1);
    static const char *const bad[] = {"£780m", "780m", "1,00", "1000,000", ",100", "12.",
                                      "1.234", "", "-5", " 5", "5 ", "1e6", "1,000,00",
                                      "1000000000000", ".5", "1,,000"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        p = -7;
        CHECK_INT(dsms_amount_parse(bad[i], &p), -1);
        CHECK_INT(p, -7);
    }
    char buf[32];
    dsms_amount_text(100001, buf);
    CHECK_STR(buf, "1000.01");
    dsms_amount_text(-5, buf);
    CHECK_STR(buf, "-0.05");
}

/* Four areas: people aged 15-64 100, 200, 300 and 400; a rate per head
 * (3, 1, 1, 0.5: of 1,000 in all, shares .3 .2 .3 .2) and a count (10, 10,
 * 40, 40: shares .1 .1 .4 .4), weighted equally: shares .2 .15 .35 .3, need
 * indices 2, 0.75, 1.1667 and 0.75 (B and D tie: B, the lower code, first). */
static const char *const codes[4] = {"E1", "E2", "E3", "E4"};
static const double values[8] = {3, 1, 1, 0.5, 10, 10, 40, 40};

static void four(dsms_formula *f, dsms_indicator ind[2], dsms_alloc_area a[4])
{
    memset(f, 0, sizeof *f);
    ind[0] = (dsms_indicator){.id = "rate", .weight = 1, .norm = DSMS_NORM_PER_HEAD};
    ind[1] = (dsms_indicator){.id = "count", .weight = 1, .norm = DSMS_NORM_SHARE};
    f->indicators = ind;
    f->nindicators = 2;
    for (int i = 0; i < 4; i++)
        a[i] = (dsms_alloc_area){.code = codes[i], .people = 100.0 * (i + 1), .previous = -1};
}

static int64_t sum(const dsms_alloc_area *a, size_t n)
{
    int64_t s = 0;
    for (size_t i = 0; i < n; i++) s += a[i].allocation;
    return s;
}

static void need(void)
{
    dsms_formula f;
    dsms_indicator ind[2];
    dsms_alloc_area a[4];
    dsms_err err = {""};
    four(&f, ind, a);
    f.tranches[0] = (dsms_tranche){.name = "1", .areas = 2, .from = "2022-23"};
    f.tranches[1] = (dsms_tranche){.name = "2", .areas = 0, .from = "2023-24"};
    f.ntranches = 2;
    CHECK_INT(dsms_need_combine(&f, values, a, 4, &err), 0);
    CHECK_NEAR(a[0].share, 0.2);
    CHECK_NEAR(a[1].share, 0.15);
    CHECK_NEAR(a[2].share, 0.35);
    CHECK_NEAR(a[3].share, 0.3);
    CHECK_NEAR(a[0].need_index, 2);
    CHECK_NEAR(a[1].need_index, 0.75);
    CHECK_NEAR(a[2].need_index, 0.35 / 0.3);
    CHECK_NEAR(a[3].need_index, 0.75);
    CHECK_INT(a[0].rank, 1);
    CHECK_INT(a[2].rank, 2);
    CHECK_INT(a[1].rank, 3);
    CHECK_INT(a[3].rank, 4);
    CHECK_INT(a[0].tranche, 0);
    CHECK_INT(a[2].tranche, 0);
    CHECK_INT(a[1].tranche, 1);
    CHECK_INT(a[3].tranche, 1);
    /* 2022-23: only tranche 1 (A and C) shares what the minimums leave:
     * 100,001 - 2 x 100 = 99,801 pence, A .2/.55 of it = 36,291.27, C
     * 63,509.73; the penny left over to C, the larger remainder. */
    f.minimum = 100;
    CHECK_INT(dsms_allocate(&f, "2022-23", 100001, a, 4, &err), 0);
    CHECK_INT(a[0].allocation, 36291);
    CHECK_INT(a[1].allocation, 100);
    CHECK_INT(a[2].allocation, 63510);
    CHECK_INT(a[3].allocation, 100);
    CHECK_INT(a[0].funded + a[1].funded + a[2].funded + a[3].funded, 2);
    CHECK_INT(sum(a, 4), 100001);
    /* 2023-24: every tranche; three pence shared .6 .45 1.05 .9: C's one,
     * then D (.9) and A (.6) the two left over */
    f.minimum = 0;
    CHECK_INT(dsms_allocate(&f, "2023-24", 3, a, 4, &err), 0);
    CHECK_INT(a[0].allocation, 1);
    CHECK_INT(a[1].allocation, 0);
    CHECK_INT(a[2].allocation, 1);
    CHECK_INT(a[3].allocation, 1);
    /* indicator values that cannot be shared */
    double neg[8] = {3, 1, 1, -0.5, 10, 10, 40, 40}, zero[8] = {0, 0, 0, 0, 10, 10, 40, 40};
    CHECK_INT(dsms_need_combine(&f, neg, a, 4, &err), -1);
    CHECK(strstr(err.msg, "indicator rate: area E4's value -0.5") != NULL);
    CHECK_INT(dsms_need_combine(&f, zero, a, 4, &err), -1);
    CHECK(strstr(err.msg, "indicator rate: every area's value is 0") != NULL);
}

/* Three areas of equal need, two pence: one each to the two lower codes,
 * whatever the order they come in. */
static void ties(void)
{
    dsms_formula f = {0};
    dsms_indicator ind = {.id = "n", .weight = 1, .norm = DSMS_NORM_SHARE};
    f.indicators = &ind;
    f.nindicators = 1;
    dsms_alloc_area a[3] = {{.code = "E3", .people = 1, .previous = -1},
                            {.code = "E1", .people = 1, .previous = -1},
                            {.code = "E2", .people = 1, .previous = -1}};
    double v[3] = {5, 5, 5};
    dsms_err err = {""};
    CHECK_INT(dsms_need_combine(&f, v, a, 3, &err), 0);
    CHECK_INT(a[1].rank, 1);
    CHECK_INT(a[2].rank, 2);
    CHECK_INT(a[0].rank, 3);
    CHECK_INT(dsms_allocate(&f, NULL, 2, a, 3, &err), 0);
    CHECK_INT(a[0].allocation, 0);
    CHECK_INT(a[1].allocation, 1);
    CHECK_INT(a[2].allocation, 1);
    CHECK_INT(dsms_allocate(&f, NULL, 100000000001LL, a, 3, &err), 0);
    CHECK_INT(a[0].allocation, 33333333333LL);
    CHECK_INT(a[1].allocation, 33333333334LL);
    CHECK_INT(a[2].allocation, 33333333334LL);
}

/* The minimum, in turns: of 1,000.00, B's .15 (150.00) is under the minimum
 * of 200.00; B fixed at it, the 800.00 left gives A .2/.85 = 188.24, under
 * it too; A fixed, the 600.00 left is C's 323.0769 and D's 276.9231, C's the
 * penny left over. One pass would have left A at 188.24. */
static void minimum(void)
{
    dsms_formula f;
    dsms_indicator ind[2];
    dsms_alloc_area a[4];
    dsms_err err = {""};
    four(&f, ind, a);
    CHECK_INT(dsms_need_combine(&f, values, a, 4, &err), 0);
    f.minimum = 20000;
    CHECK_INT(dsms_allocate(&f, NULL, 100000, a, 4, &err), 0);
    CHECK_INT(a[0].allocation, 20000);
    CHECK_INT(a[1].allocation, 20000);
    CHECK_INT(a[2].allocation, 32308);
    CHECK_INT(a[3].allocation, 27692);
    CHECK_INT(sum(a, 4), 100000);
    /* the minimums alone are more than the budget */
    f.minimum = 30000;
    CHECK_INT(dsms_allocate(&f, NULL, 100000, a, 4, &err), -1);
    CHECK_STR(err.msg, "the budget 1000.00 is less than 4 areas' minimum (1200.00 in all)");
    /* exactly the minimums */
    f.minimum = 25000;
    CHECK_INT(dsms_allocate(&f, NULL, 100000, a, 4, &err), 0);
    for (int i = 0; i < 4; i++) CHECK_INT(a[i].allocation, 25000);
}

/* Damping: last year A and B 300.00, C and D 200.00; floor -10%, ceiling
 * +20%: A and B within 270.00-360.00, C and D 180.00-240.00. Of 1,000.00 by
 * need A would have 200, B 150 (19,000 pence under their floors in all), C
 * 350 and D 300 (17,000 over their ceilings): the floors first, A and B at
 * 270.00; the 460.00 left gives C 247.69, over its ceiling: C at 240.00, D
 * the 220.00 left. */
static void damping(void)
{
    dsms_formula f;
    dsms_indicator ind[2];
    dsms_alloc_area a[4];
    dsms_err err = {""};
    four(&f, ind, a);
    CHECK_INT(dsms_need_combine(&f, values, a, 4, &err), 0);
    f.damping = 1, f.floor_bp = -1000, f.ceiling_bp = 2000;
    int64_t prev[4] = {30000, 30000, 20000, 20000};
    for (int i = 0; i < 4; i++) a[i].previous = prev[i];
    CHECK_INT(dsms_allocate(&f, NULL, 100000, a, 4, &err), 0);
    CHECK_INT(a[0].allocation, 27000);
    CHECK_INT(a[1].allocation, 27000);
    CHECK_INT(a[2].allocation, 24000);
    CHECK_INT(a[3].allocation, 22000);
    /* more than every ceiling together (1,200.00) cannot be paid */
    CHECK_INT(dsms_allocate(&f, NULL, 120001, a, 4, &err), -1);
    CHECK(strstr(err.msg, "is more than the formula can pay (1200.00") != NULL);
    CHECK_INT(dsms_allocate(&f, NULL, 120000, a, 4, &err), 0);
    CHECK_INT(a[0].allocation, 36000);
    /* less than every floor together (900.00) neither */
    CHECK_INT(dsms_allocate(&f, NULL, 89999, a, 4, &err), -1);
    CHECK(strstr(err.msg, "less than the minimums and the floors of the damping (900.00") != NULL);
    /* a minimum above a ceiling wins: C and D at least 250.00 */
    f.minimum = 25000;
    CHECK_INT(dsms_allocate(&f, NULL, 110000, a, 4, &err), 0);
    CHECK_INT(a[2].allocation, 25000);
    CHECK_INT(a[3].allocation, 25000);
    CHECK_INT(a[0].allocation + a[1].allocation, 60000);
    CHECK_INT(sum(a, 4), 110000);
}

/* A tariff: 100.00 a person, at most 250.00 an area; 1,000.00 a point of
 * improvement from 2 points up. E1: 3 people (300.00, capped at 250.00),
 * 45.1 to 47.3 (2.2 points: 2,200.00); E2: 1 person (100.00), 45 to 46 (1
 * point: under the threshold). */
static void incentive(void)
{
    dsms_outcome_tariff o[2] = {
        {.id = "people", .per_person = 10000, .cap = 25000, .higher_better = 1},
        {.id = "better", .per_point = 100000, .threshold_micro = 2000000, .cap = -1,
         .higher_better = 1}};
    dsms_tariff t = {.outcomes = o, .noutcomes = 2, .pot = -1};
    dsms_payment p[4] = {{"E1", 0, 3, 60, NAN, 0, 0, 0, 0, ""},
                         {"E1", 1, 40, 47.3, 45.1, 0, 0, 0, 0, ""},
                         {"E2", 0, 1, 20, NAN, 0, 0, 0, 0, ""},
                         {"E2", 1, 30, 46, 45, 0, 0, 0, 0, ""}};
    CHECK_INT(dsms_incentive_pay(&t, p, 4), 0);
    CHECK_INT(p[0].earned, 30000);
    CHECK_INT(p[0].capped, 25000);
    CHECK_INT(p[1].improvement_micro, 2200000);
    CHECK_INT(p[1].earned, 220000);
    CHECK_INT(p[2].paid, 10000);
    CHECK_INT(p[3].paid, 0);
    CHECK_STR(p[3].note, "improvement below the threshold");
    /* a pot of 1,000.01 against 2,550.00 earned: 100,001 x 250/2,550 =
     * 9,804.02, x 2,200/2,550 = 86,275.37 and x 100/2,550 = 3,921.61 pence;
     * the one penny left to E2's .61, the largest remainder */
    t.pot = 100001;
    CHECK_INT(dsms_incentive_pay(&t, p, 4), 0);
    CHECK_INT(p[0].paid, 9804);
    CHECK_INT(p[1].paid, 86275);
    CHECK_INT(p[2].paid, 3922);
    CHECK_INT(p[3].paid, 0);
    /* a fall in a measure where lower is better is the improvement */
    o[1].higher_better = 0, o[1].threshold_micro = 0;
    t.pot = -1;
    p[1].value = 45.1, p[1].baseline = 47.3;
    CHECK_INT(dsms_incentive_pay(&t, p, 4), 0);
    CHECK_INT(p[1].paid, 220000);
    CHECK_INT(p[3].paid, 0);
    CHECK_STR(p[3].note, "no improvement");
    /* what no sum may overflow: an outcome earns at most the largest amount */
    o[0].per_person = DSMS_AMOUNT_MAX - 1, o[0].cap = -1;
    p[0].numerator = 1e7;
    CHECK_INT(dsms_incentive_pay(&t, p, 4), 0);
    CHECK_INT(p[0].earned, DSMS_AMOUNT_MAX);
}

static void formulas(void)
{
    const char *text = "id: f\nname: F\nindicators:\n"
                       "  - {id: d, from: {reference: deprivation_score}, weight: 2,"
                       " normalise: per_head}\n"
                       "minimum: '1,000.50'\ntranches:\n  - {areas: 50, from: 2022-23}\n"
                       "  - {from: 2023-24}\ndamping: {floor: -2.5, ceiling: 10}\n";
    dsms_formula f;
    dsms_err err = {""};
    CHECK_INT(dsms_formula_parse(text, strlen(text), "f.yaml", &f, &err), 0);
    CHECK_INT(f.nindicators, 1);
    CHECK_INT(f.minimum, 100050);
    CHECK_INT(f.ntranches, 2);
    CHECK_INT(f.tranches[0].areas, 50);
    CHECK_INT(f.floor_bp, -250);
    CHECK_INT(f.ceiling_bp, 1000);
    dsms_formula_free(&f);
    const char *bad = "id: f\nname: F\nindicators:\n"
                      "  - {id: d, from: {reference: deprivation}, weight: 2, normalise: x}\n";
    CHECK_INT(dsms_formula_parse(bad, strlen(bad), "f.yaml", &f, &err), -1);
    CHECK(strncmp(err.msg, "f.yaml:4: reference: 'deprivation' is not in the reference data",
                  62) == 0);
    CHECK(f.indicators == NULL && f.nindicators == 0);
}

int main(void)
{
    amounts();
    need();
    ties();
    minimum();
    damping();
    incentive();
    formulas();
    return check_summary();
}
