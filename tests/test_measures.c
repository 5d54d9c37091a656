/* test_measures.c — every measure of the catalogue computed over small data
 * sets built by hand, with the right answers worked out from the definitions
 * in docs/measures.md (the working is beside each expected figure); the
 * edges the definitions draw (day 182 against 183, 21 against 22, 28 against
 * 29, 5 and 8 months against 4 and 9, 10 deaths against 9); regions and
 * England adding up their areas; and the results table replaced whole, each
 * row with its disclosure decided (test_disclosure.c tests the decisions).
 * On reference data of its own (seventeen areas whose comparator groups follow
 * from one characteristic), the comparison with the comparator group, the
 * recent trend, the provisional flag and the regions' and England's
 * standardised rates with their limits are worked by hand.
 *
 * Areas: H = E06000001 Hartlepool, M = E06000002 Middlesbrough, both in the
 * North East region E12000001. FY23 = 2023-24 (2023-04-01 to 2024-03-31),
 * FY24 = 2024-25 (2024-04-01 to 2025-03-31). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "dsms/measures.h"
#include "store_int.h" /* a backend whose operations fail on purpose */
#include "support.h"

#define H "E06000001"
#define M "E06000002"
#define NE "E12000001"
#define ENG "E92000001"
#define FY23 "2023-24"
#define FY24 "2024-25"
#define FY22 "2022-23"

/* z for two-sided 95% and 99.8% intervals. */
#define Z95 1.959963984540054
#define Z998 3.090232306167813

/* ---- building inputs ----------------------------------------------------------- */

typedef struct {
    char s[1 << 16];
    size_t n;
} buf;

static void add(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b->s + b->n, sizeof b->s - b->n, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= sizeof b->s - b->n) {
        fprintf(stderr, "test input too long\n");
        exit(2);
    }
    b->n += (size_t)k;
}

static void start(buf *b, const char *header)
{
    b->n = 0;
    b->s[0] = 0;
    add(b, "%s\n", header);
}

#define EPISODES_HEADER                                                                       \
    "provider_code,episode_ref,initials,date_of_birth,sex,consent,area_code,referral_date,"  \
    "referral_source,first_intervention_date,setting,substance_1,substance_2,"              \
    "injecting_status,mental_health_need,hep_c_tested,discharge_date,discharge_reason,"     \
    "ost_at_exit"

/* One episode; a NULL field is left empty, except: no initials means consent
 * N (and no attributor), initials with no date of birth or sex take
 * 1985-06-15 and M; the provider is P0001, the area H, the setting community
 * and the primary substance heroin unless given. */
typedef struct {
    const char *prov, *ref, *ini, *dob, *sex, *area, *referral, *fi, *setting, *s1, *s2, *inj,
        *mh, *hepc, *dis, *reason, *ost;
} ep_t;

#define S(x) ((x) ? (x) : "")

static void ep_row(buf *b, ep_t e)
{
    int consent = e.ini != NULL;
    add(b, "%s,%s,%s,%s,%s,%s,%s,%s,gp,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", e.prov ? e.prov : "P0001",
        e.ref, S(e.ini), consent ? (e.dob ? e.dob : "1985-06-15") : "",
        consent ? (e.sex ? e.sex : "M") : "", consent ? "Y" : "N", e.area ? e.area : H,
        e.referral, S(e.fi), e.setting ? e.setting : "C", e.s1 ? e.s1 : "heroin", S(e.s2),
        S(e.inj), S(e.mh), S(e.hepc), S(e.dis), S(e.reason), S(e.ost));
}
#define EP(b, ...) ep_row(b, (ep_t){__VA_ARGS__})

/* Import one file as source; every row must be accepted. */
static void load_at(int line, dsms_store *st, const char *source, const char *name, const buf *b)
{
    const char *f = support_file(name, b->s);
    dsms_import_result r;
    diag_list d;
    int rc = support_import(st, source, &f, 1, &r, &d, 0);
    if (rc != DSMS_OK)
        for (int i = 0; i < d.n; i++)
            fprintf(stderr, "line %d: %s: %ld: %s: %s %s\n", line, name, d.d[i].line,
                    d.d[i].field, d.d[i].rule, d.d[i].message);
    if (rc == DSMS_OK) check_passed++;
    else {
        check_failed++;
        fprintf(stderr, "%s:%d: import of %s failed (%d)\n", __FILE__, line, name, rc);
    }
}
#define LOAD(st, source, name, b) load_at(__LINE__, st, source, name, b)

static size_t compute(dsms_store *st)
{
    dsms_compute_report rep = {0};
    dsms_err err = {""};
    int rc = dsms_compute(st, NULL, 0, &rep, &err);
    if (rc) fprintf(stderr, "compute: %s\n", err.msg);
    CHECK_INT(rc, 0);
    return rep.results;
}

/* ---- reading results ------------------------------------------------------------- */

typedef struct {
    int found;
    double num, den, value, lo95, hi95, lo998, hi998;
    char vs_england[32], vs_comparators[32], trend[40];
    int has_vs_england, has_trend, by_occurrence;
    int incomplete_history, provisional;
    char level[24];
} got;

typedef struct {
    const char *category;
    got *g;
    size_t rows;
} seek;

static int take(void *ctx, const dsms_result *r)
{
    seek *s = ctx;
    s->rows++;
    if (!s->category || strcmp(r->category, s->category) != 0) return 0;
    got *g = s->g;
    g->found++;
    g->num = r->numerator, g->den = r->denominator, g->value = r->value;
    g->lo95 = r->lower95, g->hi95 = r->upper95, g->lo998 = r->lower99_8, g->hi998 = r->upper99_8;
    g->has_vs_england = r->vs_england != NULL;
    snprintf(g->vs_england, sizeof g->vs_england, "%s", S(r->vs_england));
    snprintf(g->vs_comparators, sizeof g->vs_comparators, "%s", S(r->vs_comparators));
    g->has_trend = r->trend != NULL;
    g->by_occurrence = r->by_occurrence;
    g->incomplete_history = r->incomplete_history;
    g->provisional = r->provisional;
    snprintf(g->level, sizeof g->level, "%s", r->level);
    snprintf(g->trend, sizeof g->trend, "%s", S(r->trend));
    return 0;
}

static got result(dsms_store *st, const char *measure, const char *area, const char *period,
                  const char *breakdown, const char *category)
{
    got g = {0};
    seek s = {category, &g, 0};
    dsms_result_filter f = {measure, area, period, breakdown};
    dsms_err err = {""};
    if (dsms_store_each_result(st, &f, take, &s, &err)) fprintf(stderr, "results: %s\n", err.msg);
    return g;
}

/* How many stored rows match (NULL matches anything). */
static size_t rows(dsms_store *st, const char *measure, const char *area, const char *period,
                   const char *breakdown)
{
    got g = {0};
    seek s = {NULL, &g, 0};
    dsms_result_filter f = {measure, area, period, breakdown};
    dsms_err err = {""};
    if (dsms_store_each_result(st, &f, take, &s, &err)) fprintf(stderr, "results: %s\n", err.msg);
    return s.rows;
}

static int near(double a, double b)
{
    return fabs(a - b) <= 1e-9 * (fabs(b) > 1 ? fabs(b) : 1);
}

static void fail_at(int line, const char *what, const char *measure, const char *area,
                    const char *period, const char *category, double g, double w)
{
    check_failed++;
    fprintf(stderr, "%s:%d: %s %s %s %s: %s is %.12g, expected %.12g\n", __FILE__, line, measure,
            area, period, category, what, g, w);
}

static void expect_num(int line, const char *what, const char *measure, const char *area,
                       const char *period, const char *category, double g, double w)
{
    if ((isnan(w) && isnan(g)) || (!isnan(w) && near(g, w))) check_passed++;
    else fail_at(line, what, measure, area, period, category, g, w);
}

/* A breakdown is named by its category: "all", a substance group, a sex or an
 * age band. */
static const char *breakdown_of(const char *cat)
{
    if (strcmp(cat, "all") == 0) return "all";
    if (!strcmp(cat, "M") || !strcmp(cat, "F") || !strcmp(cat, "X")) return "sex";
    if (cat[0] >= '0' && cat[0] <= '9') return "age";
    return "substance";
}

static got row_at(int line, dsms_store *st, const char *measure, const char *area,
                  const char *period, const char *cat)
{
    got g = result(st, measure, area, period, breakdown_of(cat), cat);
    if (g.found == 1) check_passed++;
    else {
        check_failed++;
        fprintf(stderr, "%s:%d: %s %s %s %s: %d rows, expected 1\n", __FILE__, line, measure,
                area, period, cat, g.found);
    }
    return g;
}

/* A percentage: numerator, denominator and value num / den * 100. */
static void prop_at(int line, dsms_store *st, const char *measure, const char *area,
                    const char *period, const char *cat, double num, double den)
{
    got g = row_at(line, st, measure, area, period, cat);
    expect_num(line, "numerator", measure, area, period, cat, g.num, num);
    expect_num(line, "denominator", measure, area, period, cat, g.den, den);
    expect_num(line, "value", measure, area, period, cat, g.value,
               den > 0 ? num / den * 100 : NAN);
}
#define PROP(st, m, area, period, cat, num, den) prop_at(__LINE__, st, m, area, period, cat, num, den)

/* A count of people: numerator and value, no denominator. */
static void count_at(int line, dsms_store *st, const char *measure, const char *area,
                     const char *period, const char *cat, double n)
{
    got g = row_at(line, st, measure, area, period, cat);
    expect_num(line, "numerator", measure, area, period, cat, g.num, n);
    expect_num(line, "value", measure, area, period, cat, g.value, n);
    expect_num(line, "denominator", measure, area, period, cat, g.den, NAN);
}
#define COUNT(st, m, area, period, cat, n) count_at(__LINE__, st, m, area, period, cat, n)

/* A rate per multiplier. */
static void rate_at(int line, dsms_store *st, const char *measure, const char *area,
                    const char *period, const char *cat, double num, double den, double per)
{
    got g = row_at(line, st, measure, area, period, cat);
    expect_num(line, "numerator", measure, area, period, cat, g.num, num);
    expect_num(line, "denominator", measure, area, period, cat, g.den, den);
    expect_num(line, "value", measure, area, period, cat, g.value, den > 0 ? num / den * per : NAN);
}
#define RATE(st, m, area, period, cat, num, den, per) \
    rate_at(__LINE__, st, m, area, period, cat, num, den, per)

/* A median in days. */
static void median_at(int line, dsms_store *st, const char *area, const char *period,
                      const char *cat, double n, double days)
{
    got g = row_at(line, st, "waiting_median_days", area, period, cat);
    expect_num(line, "numerator", "waiting_median_days", area, period, cat, g.num, n);
    expect_num(line, "value", "waiting_median_days", area, period, cat, g.value, days);
}
#define MEDIAN(st, area, period, cat, n, days) median_at(__LINE__, st, area, period, cat, n, days)

/* No row at all for this category. */
#define ABSENT(st, m, area, period, cat) \
    CHECK_INT(result(st, m, area, period, breakdown_of(cat), cat).found, 0)

/* Wilson score limits, from the formula (docs/statistics.md), as percentages. */
static void wilson(double x, double n, double z, double *lo, double *hi)
{
    double p = x / n, z2 = z * z;
    double mid = p + z2 / (2 * n), half = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    *lo = (mid - half) / (1 + z2 / n) * 100;
    *hi = (mid + half) / (1 + z2 / n) * 100;
}

/* ---- treatment: in treatment, new presentations, waits, effective treatment,
 * penetration, mutual aid, hepatitis C ------------------------------------------ */

/* The people of the first data set (all in H unless said):
 *  P1  AA M 1985-06-15 heroin, injects, hep C tested: referred 2023-05-01, first
 *      intervention 2023-05-15 (wait 14), still open. Mutual aid 2023-06-01..07-01.
 *  P2  BB F 1990-02-01 alcohol: 2023-06-01 -> 2023-06-22 (wait 21), dropped out 2023-07-31.
 *  P3  CC M 1970-03-10 cocaine + alcohol, injected before, not tested:
 *      2023-06-01 -> 2023-06-23 (wait 22), dropped out 2023-12-31. Housing support only.
 *  P4  consent N, cannabis: 2023-07-01 -> 2023-07-01 (wait 0), completed 2023-08-01.
 *  P5  consent N, cannabis: 2023-07-01 -> 2023-07-01 (wait 0), dropped out 2023-09-01.
 *  P6  DD M 1980-01-01 heroin: 2023-08-30 -> 2023-09-08 (wait 9), dropped out 2024-03-11;
 *      again 2024-03-25 -> 2024-04-01, open.
 *  P7  EE F 1980-01-01 heroin: 2023-09-01 -> 2023-09-08 (wait 7), dropped out 2024-03-10;
 *      again 2024-03-25 -> 2024-04-01 (wait 7), open; peer support from 2024-05-01.
 *  P8  FF M 1995-01-01 heroin, area M (provider P0003): 2023-09-20 -> 2023-10-01 (wait 11), open.
 *  P9  GG F 1960-01-01: referred 2023-10-01, never treated, closed 2023-11-01.
 *  P10 HH F 1985-06-15 cannabis: 2023-04-01 -> 2023-04-03 (wait 2), dropped out 2023-06-26.
 *  P11 JJ F 1985-06-15 cannabis: 2023-04-01 -> 2023-04-03 (wait 2), dropped out 2023-06-25. */
static dsms_store *treatment_store(void)
{
    dsms_store *st = support_store();
    buf b;
    start(&b, EPISODES_HEADER);
    EP(&b, .ref = "A1", .ini = "AA", .referral = "2023-05-01", .fi = "2023-05-15",
       .inj = "current", .hepc = "Y");
    EP(&b, .ref = "A2", .ini = "BB", .dob = "1990-02-01", .sex = "F", .referral = "2023-06-01",
       .fi = "2023-06-22", .s1 = "alcohol", .inj = "never", .dis = "2023-07-31",
       .reason = "dropped_out");
    EP(&b, .ref = "A3", .ini = "CC", .dob = "1970-03-10", .referral = "2023-06-01",
       .fi = "2023-06-23", .s1 = "cocaine", .s2 = "alcohol", .inj = "previous", .hepc = "N",
       .dis = "2023-12-31", .reason = "dropped_out");
    EP(&b, .ref = "A4", .referral = "2023-07-01", .fi = "2023-07-01", .s1 = "cannabis",
       .dis = "2023-08-01", .reason = "completed_drug_free", .ost = "N");
    EP(&b, .ref = "A5", .referral = "2023-07-01", .fi = "2023-07-01", .s1 = "cannabis",
       .dis = "2023-09-01", .reason = "dropped_out");
    EP(&b, .ref = "A6a", .ini = "DD", .dob = "1980-01-01", .referral = "2023-08-30",
       .fi = "2023-09-08", .dis = "2024-03-11", .reason = "dropped_out");
    EP(&b, .ref = "A6b", .ini = "DD", .dob = "1980-01-01", .referral = "2024-03-25",
       .fi = "2024-04-01");
    EP(&b, .ref = "A7a", .ini = "EE", .dob = "1980-01-01", .sex = "F", .referral = "2023-09-01",
       .fi = "2023-09-08", .dis = "2024-03-10", .reason = "dropped_out");
    EP(&b, .ref = "A7b", .ini = "EE", .dob = "1980-01-01", .sex = "F", .referral = "2024-03-25",
       .fi = "2024-04-01");
    EP(&b, .ref = "A9", .ini = "GG", .dob = "1960-01-01", .sex = "F", .referral = "2023-10-01",
       .dis = "2023-11-01", .reason = "dropped_out");
    EP(&b, .ref = "A10", .ini = "HH", .sex = "F", .referral = "2023-04-01", .fi = "2023-04-03",
       .s1 = "cannabis", .dis = "2023-06-26", .reason = "dropped_out");
    EP(&b, .ref = "A11", .ini = "JJ", .sex = "F", .referral = "2023-04-01", .fi = "2023-04-03",
       .s1 = "cannabis", .dis = "2023-06-25", .reason = "dropped_out");
    LOAD(st, "P0001", "p1-episodes.csv", &b);
    start(&b, "provider_code,episode_ref,intervention_ref,type,start_date,end_date,exit_reason");
    add(&b, "P0001,A1,I1,psychosocial,2023-05-15,,\n");
    add(&b, "P0001,A1,I2,mutual_aid,2023-06-01,2023-07-01,completed\n");
    add(&b, "P0001,A3,I1,housing_support,2023-07-01,,\n");
    add(&b, "P0001,A7b,I1,peer_support,2024-05-01,,\n");
    LOAD(st, "P0001", "p1-interventions.csv", &b);
    start(&b, EPISODES_HEADER);
    EP(&b, .prov = "P0003", .ref = "A8", .ini = "FF", .dob = "1995-01-01", .area = M,
       .referral = "2023-09-20", .fi = "2023-10-01");
    LOAD(st, "P0003", "p3-episodes.csv", &b);
    compute(st);
    return st;
}

static void treatment(void)
{
    dsms_store *st = treatment_store();

    /* In treatment in FY23, H: P1, P2, P3, P4, P5, P6 (A6a), P7 (A7a), P10, P11 = 9;
     * P9 was never treated. The consent-N P4 and P5 are two people. M: P8 = 1. */
    COUNT(st, "in_treatment", H, FY23, "all", 9);
    COUNT(st, "in_treatment", M, FY23, "all", 1);
    COUNT(st, "in_treatment", NE, FY23, "all", 9 + 1);
    COUNT(st, "in_treatment", ENG, FY23, "all", 10);
    /* By substance: opiate P1, P6, P7 = 3; alcohol P2 = 1; non-opiate and alcohol P3 = 1;
     * non-opiate P4, P5, P10, P11 = 4 (3 + 1 + 1 + 4 = 9). */
    COUNT(st, "in_treatment", H, FY23, "opiate", 3);
    COUNT(st, "in_treatment", H, FY23, "alcohol", 1);
    COUNT(st, "in_treatment", H, FY23, "non_opiate_alcohol", 1);
    COUNT(st, "in_treatment", H, FY23, "non_opiate", 4);
    COUNT(st, "in_treatment", NE, FY23, "opiate", 3 + 1);
    /* By sex: M P1, P3, P6 = 3; F P2, P7, P10, P11 = 4; the consent-N pair have none. */
    COUNT(st, "in_treatment", H, FY23, "M", 3);
    COUNT(st, "in_treatment", H, FY23, "F", 4);
    ABSENT(st, "in_treatment", H, FY23, "X");
    /* By age at referral: P1 37, P6 43, P7 43, P10 37, P11 37 -> 35-44 = 5; P2 33 -> 25-34;
     * P3 53 -> 45-54. */
    COUNT(st, "in_treatment", H, FY23, "35-44", 5);
    COUNT(st, "in_treatment", H, FY23, "25-34", 1);
    COUNT(st, "in_treatment", H, FY23, "45-54", 1);
    ABSENT(st, "in_treatment", H, FY23, "18-24");
    /* FY24, H: P1 (open since 2023), P6 (A6b), P7 (A7b) = 3; M: P8. P1 and P8 are in
     * treatment in both years. P6's latest episode A6b: referred at 44. */
    COUNT(st, "in_treatment", H, FY24, "all", 3);
    COUNT(st, "in_treatment", ENG, FY24, "all", 4);
    COUNT(st, "in_treatment", H, FY24, "35-44", 3);
    /* Rolling 12 months to June 2024 (2023-07-01..2024-06-30), H: P1, P2 (to 07-31), P3,
     * P4, P5, P6, P7 = 7; P10 and P11 left in June 2023. Rolling periods carry "all" only. */
    COUNT(st, "in_treatment", H, "12m-2024-06", "all", 7);
    CHECK_INT(rows(st, "in_treatment", H, "12m-2024-06", NULL), 1);
    CHECK_INT(rows(st, NULL, NULL, "12m-2024-06", "substance"), 0);
    CHECK_INT(rows(st, NULL, NULL, "12m-2024-12", "sex"), 0);
    CHECK_INT(rows(st, NULL, NULL, "12m-2024-09", "age"), 0);
    CHECK(rows(st, NULL, NULL, FY23, "age") > 0);

    /* New presentations, FY23, H: every one of the 9 started there with nothing open
     * before. FY24, H: A6b's first intervention 2024-04-01 comes 21 days after A6a's
     * discharge on 2024-03-11 (open on a day of the 21 before it): not new; A7b comes 22
     * days after A7a's discharge on 2024-03-10: new. */
    COUNT(st, "new_presentations", H, FY23, "all", 9);
    COUNT(st, "new_presentations", ENG, FY23, "all", 10);
    COUNT(st, "new_presentations", H, FY24, "all", 1);
    COUNT(st, "new_presentations", H, FY24, "F", 1);
    ABSENT(st, "new_presentations", H, FY24, "M");

    /* Waits, FY23, H: 14, 21, 22, 0, 0, 9, 7, 2, 2: within 21 days (day 21 counts, 22 does
     * not) 8 of 9. England adds P8's 11: 9 of 10. FY24: A7b waited 7 days: 1 of 1. */
    PROP(st, "waiting_3wk", H, FY23, "all", 8, 9);
    PROP(st, "waiting_3wk", ENG, FY23, "all", 9, 10);
    PROP(st, "waiting_3wk", H, FY23, "non_opiate_alcohol", 0, 1); /* P3, 22 days */
    PROP(st, "waiting_3wk", H, FY23, "alcohol", 1, 1);            /* P2, 21 days */
    PROP(st, "waiting_3wk", H, FY24, "all", 1, 1);
    /* Median, H FY23: 0 0 2 2 7 9 14 21 22 -> the 5th of 9 = 7. England: 0 0 2 2 7 9 11 14
     * 21 22 -> (7 + 9) / 2 = 8. Opiate, H: 7 9 14 -> 9; England 7 9 11 14 -> 10. */
    MEDIAN(st, H, FY23, "all", 9, 7);
    MEDIAN(st, ENG, FY23, "all", 10, 8);
    MEDIAN(st, H, FY23, "opiate", 3, 9);
    MEDIAN(st, ENG, FY23, "opiate", 4, 10);
    ABSENT(st, "waiting_median_days", H, FY23, "M"); /* by substance only */

    /* Effective treatment, FY23, H, journey start to min(end, 2024-03-31):
     * P1 2023-05-15.. open -> 321 days yes; P2 06-22..07-31 = 39 no; P3 06-23..12-31 = 191
     * yes; P4 31 days but completed in the year yes; P5 62 no; P6 09-08..2024-03-11 = 185
     * yes; P7 184 yes; P10 04-03..06-26 = 84 yes (12 weeks); P11 04-03..06-25 = 83 no.
     * 6 of 9. M: P8 2023-10-01..2024-03-31 = 182 yes. */
    PROP(st, "effective_treatment", H, FY23, "all", 6, 9);
    PROP(st, "effective_treatment", M, FY23, "all", 1, 1);
    PROP(st, "effective_treatment", NE, FY23, "all", 7, 10);
    PROP(st, "effective_treatment", ENG, FY23, "all", 7, 10);
    /* M: P1, P3, P6 all yes; F: P2 no, P7 yes, P10 yes, P11 no; non-opiate: P4 yes, P5 no,
     * P10 yes, P11 no. */
    PROP(st, "effective_treatment", H, FY23, "M", 3, 3);
    PROP(st, "effective_treatment", H, FY23, "F", 2, 4);
    PROP(st, "effective_treatment", H, FY23, "non_opiate", 2, 4);
    /* FY24: P1 (2023-05-15..2025-03-31), P6 and P7 (2024-04-01..2025-03-31, 364 days). */
    PROP(st, "effective_treatment", H, FY24, "all", 3, 3);

    /* Penetration, FY23, H: 3 opiate clients, no crack user. Estimated users: 20.63 per 1,000 (areas.csv)
     * x people aged 15-64 (population.csv, bands 15-19 .. 60-64):
     * M 2847+3125+3331+3468+3357+2853+2730+3020+3000+2604 = 30335,
     * F 2702+3027+3331+3510+3411+2910+2796+3106+3110+2732 = 30635; 60970 people,
     * 20.63 x 60970 / 1000 = 1257.8111 users; 3 / 1257.8111 = 0.2385%. */
    RATE(st, "penetration_opiate_crack", H, FY23, "all", 3, 20.63 * 60970 / 1000, 100);
    ABSENT(st, "penetration_opiate_crack", H, FY23, "opiate"); /* no breakdowns */

    /* Mutual aid, FY23, H: P1's mutual aid 2023-06-01..07-01; P3's housing support is not
     * mutual aid or peer support: 1 of 9. FY24: P7's peer support from 2024-05-01: 1 of 3. */
    PROP(st, "mutual_aid", H, FY23, "all", 1, 9);
    PROP(st, "mutual_aid", H, FY24, "all", 1, 3);
    PROP(st, "mutual_aid", H, FY24, "F", 1, 1);

    /* Hepatitis C, FY23, H: injecting now or before P1 (tested) and P3 (not): 1 of 2. */
    PROP(st, "hep_c_tested", H, FY23, "all", 1, 2);
    PROP(st, "hep_c_tested", H, FY23, "45-54", 0, 1);
    PROP(st, "hep_c_tested", H, FY24, "all", 1, 1);

    /* Deaths in treatment need the 36 months to the period's end: these data begin in
     * 2023-24, so no period has a value. */
    RATE(st, "deaths_in_treatment", ENG, FY24, "all", 0, 0, 1000);
    RATE(st, "deaths_in_treatment", H, FY23, "all", 0, 0, 1000);

    /* Financial years carry a trend (fewer than five: not calculable); rolling periods
     * none; an area is compared with England, England with nothing. */
    got g = result(st, "effective_treatment", H, FY23, "all", "all");
    CHECK(g.has_trend && strcmp(g.trend, "cannot be calculated") == 0);
    CHECK(g.has_vs_england);
    g = result(st, "effective_treatment", H, "12m-2024-06", "all", "all");
    CHECK(g.found == 1 && !g.has_trend);
    g = result(st, "effective_treatment", ENG, FY23, "all", "all");
    CHECK(g.found == 1 && !g.has_vs_england);
    g = result(st, "in_treatment", H, FY23, "all", "all");
    CHECK(g.found == 1 && !g.has_vs_england && !g.has_trend && isnan(g.lo95));
    dsms_store_close(st);
}

/* ---- exits: successful completion, re-presentation, journeys -------------------- */

/* All in H, M sex and heroin unless said:
 *  B1 KA: 2023-04-01 -> 04-05, completed 2023-06-01 (no OST); referred again 2023-11-30,
 *     day 182 after (June 29 + July 31 + Aug 31 + Sep 30 + Oct 31 + Nov 30 = 182): re-presented.
 *  B2 KB: the same, referred again 2023-12-01, day 183: not a re-presentation.
 *  B3 KC: completed drug-free 2023-09-01 but on OST at exit (opiate): not successful.
 *  B4 KD cocaine: completed drug-free 2023-09-01 with ost_at_exit Y: successful (not opiate).
 *  B5 consent N cannabis: completed 2023-06-01. B6 consent N cannabis: referred 2023-07-01,
 *     open: the same client by every sign, but unlinked, so B5 did not re-present.
 *  B7 KE: 2024-01-02 -> 2024-01-10, completed 2024-06-30: in treatment both years, exits
 *     in FY24.
 *  B8 KF (F): community 2023-04-01 -> 04-03, transferred in custody 2023-05-01; prison
 *     episode (PH01) referred 2023-05-22 (21 days), transferred out 2023-06-01; community
 *     again referred 2023-06-22 (21 days), dropped out 2023-07-10. One journey.
 *  B9 KG (X): community 2023-04-01 -> 04-03, transferred in custody 2023-05-01; prison
 *     episode referred 2023-05-23 (22 days), dropped out 2023-08-01. Two journeys. */
static void exits(void)
{
    dsms_store *st = support_store();
    buf b;
    start(&b, EPISODES_HEADER);
    EP(&b, .ref = "B1a", .ini = "KA", .referral = "2023-04-01", .fi = "2023-04-05",
       .dis = "2023-06-01", .reason = "completed_drug_free", .ost = "N");
    EP(&b, .ref = "B1b", .ini = "KA", .referral = "2023-11-30", .fi = "2023-11-30");
    EP(&b, .ref = "B2a", .ini = "KB", .referral = "2023-04-01", .fi = "2023-04-05",
       .dis = "2023-06-01", .reason = "completed_drug_free", .ost = "N");
    EP(&b, .ref = "B2b", .ini = "KB", .referral = "2023-12-01", .fi = "2023-12-01");
    EP(&b, .ref = "B3", .ini = "KC", .referral = "2023-04-01", .fi = "2023-04-05",
       .dis = "2023-09-01", .reason = "completed_drug_free", .ost = "Y");
    EP(&b, .ref = "B4", .ini = "KD", .referral = "2023-04-01", .fi = "2023-04-05",
       .s1 = "cocaine", .dis = "2023-09-01", .reason = "completed_drug_free", .ost = "Y");
    EP(&b, .ref = "B5", .referral = "2023-04-01", .fi = "2023-04-05", .s1 = "cannabis",
       .dis = "2023-06-01", .reason = "completed_drug_free", .ost = "N");
    EP(&b, .ref = "B6", .referral = "2023-07-01", .fi = "2023-07-01", .s1 = "cannabis");
    EP(&b, .ref = "B7", .ini = "KE", .referral = "2024-01-02", .fi = "2024-01-10",
       .dis = "2024-06-30", .reason = "completed_drug_free", .ost = "N");
    EP(&b, .ref = "B8a", .ini = "KF", .sex = "F", .referral = "2023-04-01", .fi = "2023-04-03",
       .dis = "2023-05-01", .reason = "transferred_custody");
    EP(&b, .ref = "B8c", .ini = "KF", .sex = "F", .referral = "2023-06-22", .fi = "2023-06-22",
       .dis = "2023-07-10", .reason = "dropped_out");
    EP(&b, .ref = "B9a", .ini = "KG", .sex = "X", .referral = "2023-04-01", .fi = "2023-04-03",
       .dis = "2023-05-01", .reason = "transferred_custody");
    LOAD(st, "P0001", "p1-episodes.csv", &b);
    start(&b, EPISODES_HEADER);
    EP(&b, .prov = "PH01", .ref = "B8b", .ini = "KF", .sex = "F", .referral = "2023-05-22",
       .fi = "2023-05-22", .setting = "P", .dis = "2023-06-01",
       .reason = "transferred_not_custody");
    EP(&b, .prov = "PH01", .ref = "B9b", .ini = "KG", .sex = "X", .referral = "2023-05-23",
       .fi = "2023-05-23", .setting = "P", .dis = "2023-08-01", .reason = "dropped_out");
    LOAD(st, "PH01", "ph1-episodes.csv", &b);
    compute(st);

    /* In (community) treatment FY23: B1..B9 = 9 (M: B1, B2, B3, B4, B7 = 5; F: B8; X: B9,
     * by its community episode B9a; B8 by B8c). */
    COUNT(st, "in_treatment", H, FY23, "all", 9);
    COUNT(st, "in_treatment", H, FY23, "X", 1);
    /* Successful completion FY23: B2 (day 183), B4 (non-opiate on OST), B5 (unlinked);
     * not B1 (day 182), B3 (opiate on OST), B6 (no exit), B7 (exits in FY24), B8 and B9
     * (dropped out). 3 of 9. Opiate: B1, B2, B3, B7, B8, B9 -> B2: 1 of 6; non-opiate B4,
     * B5, B6 -> 2 of 3. M: B2, B4 of 5. */
    PROP(st, "successful_completion", H, FY23, "all", 3, 9);
    PROP(st, "successful_completion", H, FY23, "opiate", 1, 6);
    PROP(st, "successful_completion", H, FY23, "non_opiate", 2, 3);
    PROP(st, "successful_completion", H, FY23, "M", 2, 5);
    PROP(st, "successful_completion", ENG, FY23, "all", 3, 9);
    /* FY24: in treatment B1 (B1b), B2 (B2b), B6, B7; B7 completed 2024-06-30: 1 of 4. */
    PROP(st, "successful_completion", H, FY24, "all", 1, 4);
    /* 12 months free: B2 came back on day 183, within 365: out. B4, B5 stay: 2 of 9. */
    PROP(st, "sustained_recovery_12m", H, FY23, "all", 2, 9);
    PROP(st, "sustained_recovery_12m", H, FY24, "all", 1, 4);
    /* Re-presentation within 6 months of the successful exits B1, B2, B4, B5: B1. */
    PROP(st, "representation_6m", H, FY23, "all", 1, 4);
    PROP(st, "representation_6m", H, FY23, "opiate", 1, 2);
    PROP(st, "representation_6m", H, FY24, "all", 0, 1);
    /* Rolling 12 months to June 2024: in community treatment B1, B2, B3, B4, B6, B7, B8
     * (B5 left 2023-06-01; B9 only in prison, B9b, after 2023-05-01); exits B3 (OST), B4
     * yes, B7 yes (2024-06-30), B8: 2 of 7. B9b's exit is in prison: no community exit. */
    PROP(st, "successful_completion", H, "12m-2024-06", "all", 2, 7);

    /* Effective treatment, FY23: B1 (B1b 2023-11-30..2024-03-31 = 122), B2 (121), B3 and
     * B4 (2023-04-05..09-01 = 149), B5 (57 days, completed), B6 yes; B7 2024-01-10..
     * 2024-03-31 = 21 + 29 + 31 = 81 no (it ends after the year, so not "left well").
     * B8: one journey 2023-04-03..07-10 = 98 yes (B8c alone is 18 days; B8b + B8c 49).
     * B9: counted by its community episode B9a, whose journey (the transfer not taken up
     * in 21 days ends it) is 2023-04-03..05-01 = 28 no (joined to B9b it would be 120).
     * 7 of 9. */
    PROP(st, "effective_treatment", H, FY23, "all", 7, 9);
    PROP(st, "effective_treatment", H, FY23, "F", 1, 1);
    PROP(st, "effective_treatment", H, FY23, "X", 0, 1);
    /* B7 in FY24: 2024-01-10..06-30 = 81 + 30 + 31 + 30 = 172. */
    PROP(st, "effective_treatment", H, FY24, "all", 4, 4);
    /* New presentations FY23: B8c follows B8b's discharge by 21 days (not new), and
     * B9b is a prison episode (no community presentation; B9a was new that year):
     * B1..B9 = 9. */
    COUNT(st, "new_presentations", H, FY23, "all", 9);
    dsms_store_close(st);
}

/* ---- deaths in treatment, three years pooled ------------------------------------ */

/* In H. A discharge in 2022-23 takes the data back to 2022-04-01, so 2024-25 (pooled
 * 2022-04-01..2025-03-31) is the one period with 36 months behind it.
 *  C1 DA: 2022-04-10 -> 04-20, dropped out 2022-05-01.
 *  C2 DB: 2023-05-01 -> 05-01, discharged as client_died 2023-08-01.
 *  C3 DC alcohol: 2023-06-01 -> 06-01, open; a linked death 2024-05-01 (not drug misuse).
 *  C4 DD: 2023-06-01, dropped out 2023-09-01; died 2023-12-01, out of treatment.
 *  C5 consent N: 2023-06-01, discharged as client_died 2023-07-01. */
static void deaths_in_treatment(void)
{
    dsms_store *st = support_store();
    buf b;
    start(&b, EPISODES_HEADER);
    EP(&b, .ref = "C1", .ini = "DA", .referral = "2022-04-10", .fi = "2022-04-20",
       .dis = "2022-05-01", .reason = "dropped_out");
    EP(&b, .ref = "C2", .ini = "DB", .referral = "2023-05-01", .fi = "2023-05-01",
       .dis = "2023-08-01", .reason = "client_died");
    EP(&b, .ref = "C3", .ini = "DC", .referral = "2023-06-01", .fi = "2023-06-01",
       .s1 = "alcohol");
    EP(&b, .ref = "C4", .ini = "DD", .referral = "2023-06-01", .fi = "2023-06-01",
       .dis = "2023-09-01", .reason = "dropped_out");
    EP(&b, .ref = "C5", .referral = "2023-06-01", .fi = "2023-06-01", .dis = "2023-07-01",
       .reason = "client_died");
    LOAD(st, "P0001", "p1-episodes.csv", &b);
    start(&b, "death_ref,initials,date_of_birth,sex,area_code,date_of_death,drug_misuse");
    add(&b, "D1,DC,1985-06-15,M," H ",2024-05-01,N\n");
    add(&b, "D2,DD,1985-06-15,M," H ",2023-12-01,Y\n");
    LOAD(st, "ONS", "deaths.csv", &b);
    compute(st);

    /* 2024-25 pooled: in treatment C1..C5 = 5; died in treatment C2, C3 (linked death
     * while open), C5 (discharge reason, though unlinked) = 3: 3 / 5 x 1000 = 600. */
    RATE(st, "deaths_in_treatment", H, FY24, "all", 3, 5, 1000);
    RATE(st, "deaths_in_treatment", ENG, FY24, "all", 3, 5, 1000);
    RATE(st, "deaths_in_treatment", H, FY24, "opiate", 2, 4, 1000); /* C1 C2 C4 C5; C2 C5 */
    RATE(st, "deaths_in_treatment", H, FY24, "alcohol", 1, 1, 1000);
    /* 2023-24 and 2022-23 would reach back to 2021 and 2020: no value. The rolling 12
     * months to December 2024 would need 2022-01-01: none either. */
    RATE(st, "deaths_in_treatment", H, FY23, "all", 0, 0, 1000);
    RATE(st, "deaths_in_treatment", H, FY22, "all", 0, 0, 1000);
    RATE(st, "deaths_in_treatment", ENG, "12m-2024-12", "all", 0, 0, 1000);
    /* Exact Poisson limits around 3 events (below 10): the value lies inside. */
    got g = result(st, "deaths_in_treatment", H, FY24, "all", "all");
    CHECK(g.lo95 < 600 && 600 < g.hi95 && g.lo998 < g.lo95 && g.hi95 < g.hi998);
    dsms_store_close(st);
}

/* ---- prison releases: continuity of care, deaths after release -------------------- */

/* Releases from HMP01 to H, 2023:
 *  R1 RA 06-01, opiate need: community first intervention 06-22 (day 21): engaged.
 *  R2 RB 06-01, opiate need: community first intervention 06-23 (day 22): not.
 *  R3 RC 06-01, non-opiate need: a community episode open since 05-01: engaged.
 *  R4 RD 06-01, opiate need: only a prison episode (setting P) from 06-05: not.
 *  R5 RE 06-01, no need: not in continuity; drug-misuse death 06-29 (day 28).
 *  R6 RB 09-01, opiate need: RB's community episode from 06-23 still open: engaged.
 *  R7 RF 07-01, alcohol need, no treatment: not; drug-misuse death 07-30 (day 29).
 * And three people in M, all referred 2023-04-01, who waited 5 days (W3), 100 (W1,
 * 2023-07-10) and 150 (W2, 2023-08-29). */
static void releases(void)
{
    dsms_store *st = support_store();
    buf b;
    start(&b, EPISODES_HEADER);
    EP(&b, .ref = "R1", .ini = "RA", .referral = "2023-06-10", .fi = "2023-06-22");
    EP(&b, .ref = "R2", .ini = "RB", .referral = "2023-06-10", .fi = "2023-06-23");
    EP(&b, .ref = "R3", .ini = "RC", .referral = "2023-05-01", .fi = "2023-05-01",
       .s1 = "cocaine");
    LOAD(st, "P0001", "p1-episodes.csv", &b);
    start(&b, EPISODES_HEADER);
    EP(&b, .prov = "PH01", .ref = "R4", .ini = "RD", .referral = "2023-06-05",
       .fi = "2023-06-05", .setting = "P");
    LOAD(st, "PH01", "ph1-episodes.csv", &b);
    start(&b, EPISODES_HEADER);
    EP(&b, .prov = "P0003", .ref = "W1", .ini = "WA", .area = M, .referral = "2023-04-01",
       .fi = "2023-07-10");
    EP(&b, .prov = "P0003", .ref = "W2", .ini = "WB", .area = M, .referral = "2023-04-01",
       .fi = "2023-08-29");
    EP(&b, .prov = "P0003", .ref = "W3", .ini = "WC", .area = M, .referral = "2023-04-01",
       .fi = "2023-04-06");
    LOAD(st, "P0003", "p3-episodes.csv", &b);
    start(&b, "prison_code,release_ref,initials,date_of_birth,sex,release_date,"
              "release_area_code,treatment_need,substance_group");
    add(&b, "HMP01,R1,RA,1985-06-15,M,2023-06-01," H ",Y,opiate\n");
    add(&b, "HMP01,R2,RB,1985-06-15,M,2023-06-01," H ",Y,opiate\n");
    add(&b, "HMP01,R3,RC,1985-06-15,M,2023-06-01," H ",Y,non_opiate\n");
    add(&b, "HMP01,R4,RD,1985-06-15,M,2023-06-01," H ",Y,opiate\n");
    add(&b, "HMP01,R5,RE,1985-06-15,F,2023-06-01," H ",N,\n");
    add(&b, "HMP01,R6,RB,1985-06-15,M,2023-09-01," H ",Y,opiate\n");
    add(&b, "HMP01,R7,RF,1985-06-15,F,2023-07-01," H ",Y,alcohol\n");
    LOAD(st, "HMP01", "releases.csv", &b);
    start(&b, "death_ref,initials,date_of_birth,sex,area_code,date_of_death,drug_misuse");
    add(&b, "D1,RE,1985-06-15,F," H ",2023-06-29,Y\n");
    add(&b, "D2,RF,1985-06-15,F," H ",2023-07-30,Y\n");
    LOAD(st, "ONS", "deaths.csv", &b);
    compute(st);

    /* Continuity: releases with a need R1 yes, R2 no, R3 yes, R4 no, R6 yes, R7 no: 3 of 6
     * (RB counts twice, once each way). Opiate R1, R2, R4, R6: 2 of 4; non-opiate R3 1 of
     * 1; alcohol R7 0 of 1. M: R1..R4, R6: 3 of 5. */
    PROP(st, "continuity_of_care", H, FY23, "all", 3, 6);
    PROP(st, "continuity_of_care", H, FY23, "opiate", 2, 4);
    PROP(st, "continuity_of_care", H, FY23, "non_opiate", 1, 1);
    PROP(st, "continuity_of_care", H, FY23, "alcohol", 0, 1);
    PROP(st, "continuity_of_care", H, FY23, "M", 3, 5);
    PROP(st, "continuity_of_care", NE, FY23, "all", 3, 6);
    /* Deaths within 28 days of release: R5 (day 28) of all 7 releases; R7's on day 29 is
     * not: 1 / 7 x 1000. F: R5, R7: 1 of 2. R5 had no need, hence no substance group. */
    RATE(st, "drug_deaths_post_release", H, FY23, "all", 1, 7, 1000);
    RATE(st, "drug_deaths_post_release", H, FY23, "F", 1, 2, 1000);
    RATE(st, "drug_deaths_post_release", H, FY23, "alcohol", 0, 1, 1000);
    RATE(st, "drug_deaths_post_release", H, FY23, "opiate", 0, 4, 1000);

    /* Waits in M: 5, 100 and 150 days; those of 91 or more count as 91: the median of 5,
     * 91, 91 is 91 (not 100). 1 of 3 within 3 weeks. England adds H's new presentations
     * R1 (referred 06-10, treated 06-22: 12 days), R2 (13), R3 (0); R4's prison episode is
     * no community presentation: 0 5 12 13 91 91 -> (12 + 13) / 2 = 12.5. */
    MEDIAN(st, M, FY23, "all", 3, 91);
    MEDIAN(st, M, FY23, "opiate", 3, 91);
    PROP(st, "waiting_3wk", M, FY23, "all", 1, 3);
    MEDIAN(st, ENG, FY23, "all", 6, 12.5);
    dsms_store_close(st);
}

/* ---- TOP outcomes ------------------------------------------------------------------ */

#define TOP_HEADER                                                                        \
    "provider_code,episode_ref,top_date,stage,days_alcohol,days_opiates,days_cocaine,"    \
    "days_cannabis,days_injected,days_shoplifting,days_selling_drugs,days_theft,"         \
    "psych_health,days_paid_work,acute_housing_problem"

/* Episodes in H, each with a start TOP:
 *  T1 TA heroin, MH need: start 2023-04-03 opiates 20, injected 10, housing Y, work 0,
 *     shoplifting 5, psych 8; review 2023-09-03 (5 months on) opiates 0, injected 0,
 *     housing N, work 4, shoplifting 0, psych 11 (+3).
 *  T2 TB cocaine, MH need: start 2023-04-03 cocaine 10, injected 0, housing N, work 0,
 *     crime 0 0 0, psych 10; review 2023-12-03 (8 months on) cocaine 3, work 0, psych 12.
 *  T3 TC alcohol: start 2023-04-03, review 2023-08-03 (4 months): no pair.
 *  T4 TD cannabis: start 2023-04-03, review 2024-01-03 (9 months): no pair.
 *  T5 TE heroin: start 2023-04-03 opiates 15; reviews 2023-09-03 opiates 5 and 2023-11-03
 *     opiates 0: the latest in the window is compared.
 *  T6 TF heroin: start 2023-08-31 opiates 10; review 2024-04-30 opiates 0 (8 months on
 *     from 31 August is 30 April, April being short).
 *  T7 TG heroin, no MH need: start 2023-04-10 psych 5; review 2023-10-10 psych 10.
 *  T10 TJ heroin, two episodes: T10a start 2023-04-03 opiates 10, review 2023-09-03
 *     opiates 0; T10b start 2023-05-01 opiates 10, review 2023-10-15 opiates 5. Counted
 *     once, by the later review (T10b's): not abstinent. */
static void top_outcomes(void)
{
    dsms_store *st = support_store();
    buf b;
    start(&b, EPISODES_HEADER);
    EP(&b, .ref = "T1", .ini = "TA", .referral = "2023-04-03", .fi = "2023-04-03", .mh = "Y");
    EP(&b, .ref = "T2", .ini = "TB", .sex = "F", .referral = "2023-04-03", .fi = "2023-04-03",
       .s1 = "cocaine", .mh = "Y");
    EP(&b, .ref = "T3", .ini = "TC", .referral = "2023-04-03", .fi = "2023-04-03",
       .s1 = "alcohol");
    EP(&b, .ref = "T4", .ini = "TD", .referral = "2023-04-03", .fi = "2023-04-03",
       .s1 = "cannabis");
    EP(&b, .ref = "T5", .ini = "TE", .referral = "2023-04-03", .fi = "2023-04-03");
    EP(&b, .ref = "T6", .ini = "TF", .referral = "2023-08-31", .fi = "2023-08-31");
    EP(&b, .ref = "T7", .ini = "TG", .referral = "2023-04-10", .fi = "2023-04-10", .mh = "N");
    /* A discharge early in 2023-24 makes it the first year held. */
    EP(&b, .ref = "T8", .ini = "TH", .referral = "2023-04-01", .fi = "2023-04-01",
       .dis = "2023-04-02", .reason = "dropped_out");
    EP(&b, .ref = "T10a", .ini = "TJ", .referral = "2023-04-03", .fi = "2023-04-03");
    EP(&b, .ref = "T10b", .ini = "TJ", .referral = "2023-05-01", .fi = "2023-05-01");
    /* And an episode begun in 2024-25 makes that the last (no TOP of its own). */
    EP(&b, .ref = "T9", .ini = "TI", .referral = "2024-05-01", .fi = "2024-05-01");
    LOAD(st, "P0001", "p1-episodes.csv", &b);
    start(&b, TOP_HEADER);
    /*              alc opi coc can inj shop sell theft psych work housing */
    add(&b, "P0001,T1,2023-04-03,start,,20,,,10,5,,,8,0,Y\n");
    add(&b, "P0001,T1,2023-09-03,review,,0,,,0,0,,,11,4,N\n");
    add(&b, "P0001,T2,2023-04-03,start,,,10,,0,0,0,0,10,0,N\n");
    add(&b, "P0001,T2,2023-12-03,exit,,,3,,,,,,12,0,\n");
    add(&b, "P0001,T3,2023-04-03,start,20,,,,,,,,,,\n");
    add(&b, "P0001,T3,2023-08-03,review,0,,,,,,,,,,\n");
    add(&b, "P0001,T4,2023-04-03,start,,,,20,,,,,,,\n");
    add(&b, "P0001,T4,2024-01-03,review,,,,0,,,,,,,\n");
    add(&b, "P0001,T5,2023-04-03,start,,15,,,,,,,,,\n");
    add(&b, "P0001,T5,2023-09-03,review,,5,,,,,,,,,\n");
    add(&b, "P0001,T5,2023-11-03,review,,0,,,,,,,,,\n");
    add(&b, "P0001,T6,2023-08-31,start,,10,,,,,,,,,\n");
    add(&b, "P0001,T6,2024-04-30,review,,0,,,,,,,,,\n");
    add(&b, "P0001,T7,2023-04-10,start,,,,,,,,,5,,\n");
    add(&b, "P0001,T7,2023-10-10,review,,,,,,,,,10,,\n");
    add(&b, "P0001,T10a,2023-04-03,start,,10,,,,,,,,,\n");
    add(&b, "P0001,T10a,2023-09-03,review,,0,,,,,,,,,\n");
    add(&b, "P0001,T10b,2023-05-01,start,,10,,,,,,,,,\n");
    add(&b, "P0001,T10b,2023-10-15,review,,5,,,,,,,,,\n");
    LOAD(st, "P0001", "p1-top.csv", &b);
    compute(st);

    /* Abstinent, FY23 (reviews in the year): T1 20 -> 0 yes, T2 cocaine 10 -> 3 no, T5 15
     * -> 0 (the 7-month review) yes; T10 by T10b 10 -> 5 no; T3 and T4 unpaired; T7
     * records no use: 2 of 4. FY24: T6 10 -> 0: 1 of 1. */
    PROP(st, "top_abstinent", H, FY23, "all", 2, 4);
    PROP(st, "top_abstinent", H, FY23, "opiate", 2, 3);
    PROP(st, "top_abstinent", H, FY23, "non_opiate", 0, 1);
    ABSENT(st, "top_abstinent", H, FY23, "alcohol");
    PROP(st, "top_abstinent", H, FY24, "all", 1, 1);
    /* Injecting at start: T1 only (T2 injected 0 days): stopped, 1 of 1. */
    PROP(st, "top_injecting_stopped", H, FY23, "all", 1, 1);
    /* Acute housing problem at start: T1 only, resolved: 1 of 1. */
    PROP(st, "top_housing_resolved", H, FY23, "all", 1, 1);
    /* No paid work at start: T1 (4 days at review) and T2 (0): 1 of 2. */
    PROP(st, "top_employment", H, FY23, "all", 1, 2);
    PROP(st, "top_employment", H, FY23, "F", 0, 1);
    /* Acquisitive crime at start: T1 (5 days shoplifting, 0 at review): 1 of 1. */
    PROP(st, "top_crime_stopped", H, FY23, "all", 1, 1);
    /* Mental-health need with both scores: T1 +3 yes, T2 +2 no; T7 (+5) has no need. */
    PROP(st, "top_mental_health", H, FY23, "all", 1, 2);
    PROP(st, "top_mental_health", ENG, FY23, "all", 1, 2);
    dsms_store_close(st);
}

/* ---- criminal justice --------------------------------------------------------------- */

/* Tests by force F06 on people living in H:
 *  J1 JA M 2023-05-01 opiates, assessed 05-10, referred; first intervention 06-07 (day 28);
 *     positive again 2024-06-06 (365 days after 2023-06-07, 2024 being a leap year).
 *  J2 JB F 2023-05-01 cocaine, assessed 05-10, referred; first intervention 06-08 (day 29);
 *     positive again 2024-06-08 (366 days after).
 *  J3 JC M 2023-05-01 both, assessment required, did not attend.
 *  J4 JD F 2023-05-01 negative.
 *  J5 JE M 2023-06-01 opiates, assessed 06-05, no further action (attended).
 *  J6 JF M 2023-06-01 opiates, no assessment required.
 *  J7 JG F 2023-04-10 opiates; first intervention 2024-04-09 (365 days after).
 *  J8 JH M 2023-04-10 opiates; first intervention 2024-04-10 (366 days after).
 * Orders (PR01): 10 DRRs for people in H all revoked in 2023-24; 20 in M all completed
 * (10 M, 10 F); an ATR completed and a DRR ongoing, neither counted. */
static void justice(void)
{
    dsms_store *st = support_store();
    buf b;
    start(&b, EPISODES_HEADER);
    EP(&b, .ref = "J1", .ini = "JA", .referral = "2023-06-01", .fi = "2023-06-07");
    EP(&b, .ref = "J2", .ini = "JB", .sex = "F", .referral = "2023-06-01", .fi = "2023-06-08");
    EP(&b, .ref = "J7", .ini = "JG", .sex = "F", .referral = "2024-04-01", .fi = "2024-04-09");
    EP(&b, .ref = "J8", .ini = "JH", .referral = "2024-04-01", .fi = "2024-04-10");
    LOAD(st, "P0001", "p1-episodes.csv", &b);
    start(&b, "force_code,test_ref,initials,date_of_birth,sex,area_code,arrest_date,"
              "trigger_offence,test_date,result,assessment_required,assessment_date,"
              "assessment_outcome");
#define TEST(ref, ini, sex, date, result, req, adate, outcome)                              \
    add(&b, "F06,%s,%s,1985-06-15,%s," H ",%s,theft,%s,%s,%s,%s,%s\n", ref, ini, sex, date, \
        date, result, req, adate, outcome)
    TEST("J1", "JA", "M", "2023-05-01", "opiates", "Y", "2023-05-10", "referred_to_treatment");
    TEST("J2", "JB", "F", "2023-05-01", "cocaine", "Y", "2023-05-10", "referred_to_treatment");
    TEST("J3", "JC", "M", "2023-05-01", "both", "Y", "", "did_not_attend");
    TEST("J4", "JD", "F", "2023-05-01", "negative", "N", "", "");
    TEST("J5", "JE", "M", "2023-06-01", "opiates", "Y", "2023-06-05", "no_further_action");
    TEST("J6", "JF", "M", "2023-06-01", "opiates", "N", "", "");
    TEST("J7", "JG", "F", "2023-04-10", "opiates", "N", "", "");
    TEST("J8", "JH", "M", "2023-04-10", "opiates", "N", "", "");
    TEST("J1b", "JA", "M", "2024-06-06", "opiates", "N", "", "");
    TEST("J2b", "JB", "F", "2024-06-08", "cocaine", "N", "", "");
#undef TEST
    LOAD(st, "F06", "tests.csv", &b);
    start(&b, "probation_region,order_ref,initials,date_of_birth,sex,area_code,order_type,"
              "start_date,end_date,outcome");
    for (int i = 0; i < 10; i++)
        add(&b, "PR01,OH%d,H%c,1985-06-15,M," H ",drr,2023-01-01,2023-06-%02d,%s\n", i,
            'A' + i, i + 1, i % 2 ? "revoked_breach" : "revoked_new_offence");
    for (int i = 0; i < 20; i++)
        add(&b, "PR01,OM%d,M%c,1985-06-15,%s," M ",drr,2023-01-01,2023-07-%02d,completed\n", i,
            'A' + i, i < 10 ? "M" : "F", i + 1);
    add(&b, "PR01,OX1,XA,1985-06-15,M," H ",atr,2023-01-01,2023-08-01,completed\n");
    add(&b, "PR01,OX2,XB,1985-06-15,M," H ",drr,2023-01-01,,ongoing\n");
    LOAD(st, "PR01", "orders.csv", &b);
    compute(st);

    /* Positive, FY23: tests J1..J8, positive all but J4: 7 of 8. M: J1 J3 J5 J6 J8, 5 of 5;
     * F: J2 J4 J7, 2 of 3. FY24: J1b, J2b: 2 of 2. No substance breakdown. */
    PROP(st, "test_positive_rate", H, FY23, "all", 7, 8);
    PROP(st, "test_positive_rate", H, FY23, "M", 5, 5);
    PROP(st, "test_positive_rate", H, FY23, "F", 2, 3);
    PROP(st, "test_positive_rate", H, FY24, "all", 2, 2);
    CHECK_INT(rows(st, "test_positive_rate", H, FY23, "substance"), 0);
    /* No polarity: compared as higher, lower or similar. */
    got g = result(st, "test_positive_rate", H, FY23, "all", "all");
    CHECK(strcmp(g.vs_england, "similar") == 0);
    /* Assessments required after positive tests J1, J2, J3, J5; attended J1, J2, J5. */
    PROP(st, "assessment_attended", H, FY23, "all", 3, 4);
    /* Referred at assessment: J1 (treated on day 28) and J2 (day 29): 1 of 2. */
    PROP(st, "cj_into_treatment", H, FY23, "all", 1, 2);
    PROP(st, "cj_into_treatment", H, FY23, "M", 1, 1);
    PROP(st, "cj_into_treatment", H, FY23, "F", 0, 1);
    /* Re-arrest proxy. FY23: in treatment J1 and J2, each began treatment within a year
     * after a positive test; J1 positive again within 365 days, J2 not: 1 of 2. FY24 adds
     * J7 (journey began 365 days after the test: in; no later test); J8 (366) is out:
     * 1 of 3. */
    PROP(st, "reoffending_proxy", H, FY23, "all", 1, 2);
    PROP(st, "reoffending_proxy", H, FY24, "all", 1, 3);
    PROP(st, "reoffending_proxy", H, FY24, "F", 0, 2);

    /* DRRs ended in FY23: H 0 of 10 (revoked), M 20 of 20; the ATR and the ongoing DRR
     * are not counted. England and the region: 20 of 30. */
    PROP(st, "drr_completion", H, FY23, "all", 0, 10);
    PROP(st, "drr_completion", M, FY23, "all", 20, 20);
    PROP(st, "drr_completion", NE, FY23, "all", 20, 30);
    PROP(st, "drr_completion", ENG, FY23, "all", 20, 30);
    PROP(st, "drr_completion", ENG, FY23, "M", 10, 20);
    PROP(st, "drr_completion", ENG, FY23, "F", 10, 10);
    /* Wilson limits of 0/10 at 95%: p = 0, so the lower is 0 and the upper
     * z^2 / (n + z^2) = 3.8415 / 13.8415 = 27.75%; of 20/30 from the formula. */
    g = result(st, "drr_completion", H, FY23, "all", "all");
    double lo, hi;
    wilson(0, 10, Z95, &lo, &hi);
    CHECK(fabs(g.lo95 - 0) < 1e-9 && fabs(g.hi95 - Z95 * Z95 / (10 + Z95 * Z95) * 100) < 1e-9);
    CHECK(fabs(g.hi95 - hi) < 1e-9);
    wilson(0, 10, Z998, &lo, &hi);
    CHECK(fabs(g.hi998 - hi) < 1e-9 && fabs(g.lo998) < 1e-9);
    /* England's 66.7% is above H's upper 27.75% (worse: higher is better); below M's
     * lower 20 / (20 + 3.8415) = 83.9% (better); the region's own figure is England's
     * (similar). */
    CHECK_STR(g.vs_england, "worse");
    g = result(st, "drr_completion", M, FY23, "all", "all");
    CHECK_STR(g.vs_england, "better");
    CHECK(fabs(g.lo95 - 20 / (20 + Z95 * Z95) * 100) < 1e-9);
    g = result(st, "drr_completion", NE, FY23, "all", "all");
    CHECK_STR(g.vs_england, "similar");
    g = result(st, "drr_completion", ENG, FY23, "all", "all");
    wilson(20, 30, Z95, &lo, &hi);
    CHECK(fabs(g.lo95 - lo) < 1e-9 && fabs(g.hi95 - hi) < 1e-9);
    wilson(20, 30, Z998, &lo, &hi);
    CHECK(fabs(g.lo998 - lo) < 1e-9 && fabs(g.hi998 - hi) < 1e-9);
    dsms_store_close(st);
}

/* ---- drug-misuse deaths, directly standardised ----------------------------------------- */

#define DEATHS_HEADER "death_ref,initials,date_of_birth,sex,area_code,date_of_death,drug_misuse"

/* Deaths (drug misuse unless said), by year of registration, of people living in H (men
 * born 1985-01-01, aged 36-38 at death: band 35-39; women born 1980-01-01, 41-43: band
 * 40-44):
 *  Z0 man died 2020-05-01, registered 2020-06-01: the data begin in 2020-21, so 2020 is
 *     not a whole calendar year held (the first is 2021);
 *  2021: A0-A3 men registered 2021; O1 man died 2021-05-05, submitted without a
 *     registration date (the old layout): counted by date of death, flagged;
 *  2022: B0-B2 women registered 2022; N1 man died 2022-11-20, registered 2023-04-03:
 *     counted in 2023; X1 man registered 2022, not drug misuse;
 *  2023: C0-C2 men registered 2023;
 *  L0 man died 2023-12-20, registered 2024-02-01: the data end there, so 2024 is not whole
 *     and not produced.
 * And in M: E0 man died 2023-03-01, registered 2023-09-01. */
static void drug_deaths(void)
{
    dsms_store *st = support_store();
    buf b;
    start(&b, DEATHS_HEADER ",substances,registration_date");
    add(&b, "Z0,ZA,1985-01-01,M," H ",2020-05-01,Y,,2020-06-01\n");
    for (int i = 0; i < 4; i++) /* died 2021-02..05-01, registered 2021-03..06-15 */
        add(&b, "A%d,A%c,1985-01-01,M," H ",2021-0%d-01,Y,,2021-0%d-15\n", i, 'A' + i, i + 2,
            i + 3);
    for (int i = 0; i < 3; i++) /* died 2022-01..03-01, registered 2022-04..06-20 */
        add(&b, "B%d,B%c,1980-01-01,F," H ",2022-0%d-01,Y,,2022-0%d-20\n", i, 'A' + i, i + 1,
            i + 4);
    add(&b, "N1,NA,1985-01-01,M," H ",2022-11-20,Y,,2023-04-03\n");
    add(&b, "X1,XA,1985-01-01,M," H ",2022-02-01,N,,2022-02-05\n");
    for (int i = 0; i < 3; i++) /* died 2023-01..03-01, registered 2023-05..07-10 */
        add(&b, "C%d,C%c,1985-01-01,M," H ",2023-0%d-01,Y,,2023-0%d-10\n", i, 'A' + i, i + 1,
            i + 5);
    add(&b, "L0,LA,1985-01-01,M," H ",2023-12-20,Y,,2024-02-01\n");
    add(&b, "E0,EA,1985-01-01,M," M ",2023-03-01,Y,,2023-09-01\n");
    LOAD(st, "ONS", "deaths.csv", &b);
    start(&b, DEATHS_HEADER); /* without registration_date: still taken */
    add(&b, "O1,OA,1985-01-01,M," H ",2021-05-05,Y\n");
    LOAD(st, "ONS", "deaths-old.csv", &b);
    compute(st);

    /* England and the region by single calendar year: 2021 A0-A3 and O1 = 5, flagged for
     * O1; 2022 B0-B2 = 3 (N1 died in 2022 but was registered in 2023; X1 is not drug
     * misuse), not flagged; 2023 C0-C2, N1 and M's E0 = 5. */
    got g = row_at(__LINE__, st, "drug_deaths_dsr", ENG, "2021", "all");
    CHECK(g.num == 5 && g.by_occurrence == 1);
    g = row_at(__LINE__, st, "drug_deaths_dsr", NE, "2021", "all");
    CHECK(g.num == 5 && g.by_occurrence == 1);
    g = row_at(__LINE__, st, "drug_deaths_dsr", ENG, "2022", "all");
    CHECK(g.num == 3 && g.by_occurrence == 0);
    g = row_at(__LINE__, st, "drug_deaths_dsr", ENG, "2023", "all");
    CHECK(g.num == 5 && g.by_occurrence == 0);
    g = row_at(__LINE__, st, "drug_deaths_dsr", NE, "2023", "M");
    CHECK(g.num == 5 && g.by_occurrence == 0);
    got e3 = row_at(__LINE__, st, "drug_deaths_dsr", ENG, "2021-2023", "all");
    /* Areas have only the pooled period; no 2020 (not whole at the start), no 2024 (not
     * whole at the end), so no pooled period but 2021-2023. */
    CHECK_INT(rows(st, "drug_deaths_dsr", H, "2023", NULL), 0);
    CHECK_INT(rows(st, "drug_deaths_dsr", NULL, "2020", NULL), 0);
    CHECK_INT(rows(st, "drug_deaths_dsr", NULL, "2024", NULL), 0);
    CHECK_INT(rows(st, "drug_deaths_dsr", NULL, "2022-2024", NULL), 0);
    CHECK_INT(rows(st, "drug_deaths_dsr", NULL, "2020-2022", NULL), 0);
    /* No financial years or rolling periods for this measure; and no calendar periods for
     * the others. */
    CHECK_INT(rows(st, "drug_deaths_dsr", NULL, FY22, NULL), 0);
    CHECK_INT(rows(st, "drug_deaths_dsr", NULL, FY23, NULL), 0);
    CHECK_INT(rows(st, "drug_deaths_dsr", NULL, "12m-2023-12", NULL), 0);
    CHECK(rows(st, NULL, NULL, FY23, NULL) > 0);
    CHECK_INT(rows(st, NULL, NULL, "2021-2023", NULL),
              rows(st, "drug_deaths_dsr", NULL, "2021-2023", NULL));
    CHECK_INT(rows(st, "drug_deaths_post_release", NULL, "2023", NULL), 0);

    /* H pooled 2021-2023: 5 + 3 + 4 = 12 deaths (9 men in 35-39, 3 women in 40-44) over
     * three years of H's population, 3 x (46420 + 47587) = 282021; bands 35-39 3 x 6768,
     * 40-44 3 x 5763; ESP 7000 each of 100,000:
     * DSR = (9 / 20304 x 7000 + 3 / 17289 x 7000) / 100000 x 100000 = 3.1028 + 1.2147. */
    double rate = 9.0 / (3 * 6768) * 7000 + 3.0 / (3 * 5763) * 7000;
    g = row_at(__LINE__, st, "drug_deaths_dsr", H, "2021-2023", "all");
    CHECK(g.num == 12 && g.den == 3 * (46420 + 47587.0));
    CHECK(fabs(g.value - rate) < 1e-9);
    CHECK(g.by_occurrence == 1); /* O1 */
    /* Compared with England's pooled rate, not a single year's. */
    CHECK(g.has_vs_england);
    /* By sex: 9 men (below 10, withheld) over 3 x 46420; 3 women over 3 x 47587. */
    g = row_at(__LINE__, st, "drug_deaths_dsr", H, "2021-2023", "M");
    CHECK(g.num == 9 && g.den == 3 * 46420.0 && isnan(g.value) && g.by_occurrence == 1);
    g = row_at(__LINE__, st, "drug_deaths_dsr", H, "2021-2023", "F");
    CHECK(g.num == 3 && g.den == 3 * 47587.0 && g.by_occurrence == 0);
    /* M pooled: E0 alone. England pooled: 12 + 1 = 13, three years of its population. */
    g = row_at(__LINE__, st, "drug_deaths_dsr", M, "2021-2023", "all");
    CHECK(g.num == 1 && g.by_occurrence == 0);
    CHECK(e3.num == 13 && e3.by_occurrence == 1);
    g = row_at(__LINE__, st, "drug_deaths_dsr", ENG, "2021", "all"); /* the population once */
    CHECK(g.den > 0 && near(e3.den, 3 * g.den));
    dsms_store_close(st);
}

/* ---- the results table replaced whole --------------------------------------------------- */

static void recompute(void)
{
    dsms_store *st = support_store();
    buf b;
    start(&b, EPISODES_HEADER);
    EP(&b, .ref = "X1", .ini = "XA", .referral = "2023-05-01", .fi = "2023-05-01",
       .dis = "2024-06-01", .reason = "dropped_out");
    LOAD(st, "P0001", "x1.csv", &b);
    size_t n1 = compute(st);
    /* The data begin with the discharge (a referral may predate the first year held):
     * 2024-25 only. */
    CHECK_INT(rows(st, NULL, NULL, NULL, NULL), n1);
    COUNT(st, "in_treatment", H, FY24, "opiate", 1);
    CHECK_INT(rows(st, NULL, NULL, FY23, NULL), 0);
    /* Resubmitted: alcohol now, and discharged in 2023-24: the opiate rows and every row
     * of 2024-25 no longer apply. */
    start(&b, EPISODES_HEADER);
    EP(&b, .ref = "X1", .ini = "XA", .referral = "2023-05-01", .fi = "2023-05-01",
       .s1 = "alcohol", .dis = "2023-12-01", .reason = "dropped_out");
    LOAD(st, "P0001", "x1-again.csv", &b);
    size_t n2 = compute(st);
    CHECK_INT(rows(st, NULL, NULL, NULL, NULL), n2);
    ABSENT(st, "in_treatment", H, FY23, "opiate");
    COUNT(st, "in_treatment", H, FY23, "alcohol", 1);
    CHECK_INT(rows(st, "in_treatment", H, NULL, "substance"), 1);
    CHECK_INT(rows(st, NULL, NULL, FY24, NULL), 0);
    /* Every row is of 2023-24 or, for the counts, one of its quarters. */
    CHECK_INT(rows(st, NULL, NULL, FY23, NULL) + rows(st, NULL, NULL, "2023-24-Q1", NULL) +
                  rows(st, NULL, NULL, "2023-24-Q2", NULL) +
                  rows(st, NULL, NULL, "2023-24-Q3", NULL) +
                  rows(st, NULL, NULL, "2023-24-Q4", NULL),
              n2);
    dsms_store_close(st);
}

/* ---- storing as the measures are counted ------------------------------------------- */

/* A store whose storing fails part of the way: after `batches` batches, the
 * source itself fails (as a computation out of memory would), or the store
 * gives up (as a full disk would). */
static const struct dsms_store_ops *real_ops;
static struct {
    size_t batches, seen;
    int source_fails;
} failing;

static int failing_source_next(void *ctx, const dsms_result **rows, size_t *n)
{
    void **pass = ctx;
    if (failing.seen++ == failing.batches && failing.source_fails) return -1;
    return ((dsms_result_source)pass[0])(pass[1], rows, n);
}

static int failing_put(dsms_store *st, dsms_result_source next, void *ctx,
                       const char *const *measures, size_t nmeasures,
                       const dsms_computation *log, dsms_err *err)
{
    void *pass[2] = {(void *)next, ctx};
    if (failing.source_fails)
        return real_ops->put_results(st, failing_source_next, pass, measures, nmeasures, log,
                                     err);
    const dsms_result *rows;
    size_t n = 1;
    for (size_t k = 0; k < failing.batches && n; k++)
        if (next(ctx, &rows, &n)) return -1;
    dsms_err_set(err, "disk full");
    return -1;
}

/* Every stored result, as a count and a checksum (to compare before and after). */
typedef struct {
    size_t rows;
    uint64_t sum;
} digest;

static int digest_result(void *ctx, const dsms_result *r)
{
    digest *d = ctx;
    char line[512];
    int k = snprintf(line, sizeof line, "%s|%s|%s|%s|%s|%.17g|%.17g|%.17g|%d\n", r->measure,
                     r->area_code, r->period, r->breakdown, r->category, r->numerator,
                     r->denominator, r->value, r->disclosure);
    for (int i = 0; i < k && i < (int)sizeof line; i++)
        d->sum = (d->sum ^ (unsigned char)line[i]) * 1099511628211u; /* FNV-1a */
    d->rows++;
    return 0;
}

static digest results_digest(dsms_store *st)
{
    digest d = {0, 14695981039346656037u};
    dsms_result_filter all = {NULL, NULL, NULL, NULL};
    dsms_err err = {""};
    CHECK_INT(dsms_store_each_result(st, &all, digest_result, &d, &err), 0);
    return d;
}

static void storing_fails(void)
{
    dsms_store *st = treatment_store();
    size_t n = compute(st);
    CHECK(n > 1000);
    digest before = results_digest(st);
    CHECK_INT(before.rows, n);
    char end[16], marked[16];
    dsms_err merr = {""};
    CHECK_INT(dsms_store_meta_get(st, DSMS_META_DATA_END, end, sizeof end, &merr), 1);
    CHECK_INT(dsms_store_meta_set(st, DSMS_META_DATA_END, "2000-01-01", &merr), 0);
    struct dsms_store_ops ops = *st->ops;
    real_ops = st->ops;
    ops.put_results = failing_put;
    st->ops = &ops;
    for (int source_fails = 0; source_fails <= 1; source_fails++)
        for (size_t batches = 0; batches <= 20; batches += 5) {
            failing.batches = batches, failing.seen = 0, failing.source_fails = source_fails;
            dsms_compute_report rep = {0};
            dsms_err err = {""};
            CHECK_INT(dsms_compute(st, NULL, 0, &rep, &err), -1);
            CHECK_STR(err.msg, source_fails ? "the results were not computed: nothing was stored"
                                            : "disk full");
            /* Storing failed, the counting stopped: the earlier results stand. */
            digest after = results_digest(st);
            CHECK_INT(after.rows, before.rows);
            CHECK(after.sum == before.sum);
            /* The date the records reached goes with the results, or not at all. */
            CHECK_INT(dsms_store_meta_get(st, DSMS_META_DATA_END, marked, sizeof marked, &merr),
                      1);
            CHECK_STR(marked, "2000-01-01");
        }
    st->ops = real_ops;
    /* And the store computes again as before. */
    CHECK_INT(compute(st), n);
    CHECK_INT(dsms_store_meta_get(st, DSMS_META_DATA_END, marked, sizeof marked, &merr), 1);
    CHECK_STR(marked, end);
    digest again = results_digest(st);
    CHECK(again.sum == before.sum);
    dsms_store_close(st);
}

/* ---- the years the data cover ------------------------------------------------------- */

/* The financial years produced are those the data cover. */
static void years_covered(void)
{
    /* Nobody discharged yet and nothing but episodes: the year of the latest date held
     * (2024-25) is still produced, with the one client in treatment. */
    dsms_store *st = support_store();
    buf b;
    start(&b, EPISODES_HEADER);
    EP(&b, .ref = "Y1", .ini = "YA", .referral = "2024-05-01", .fi = "2024-05-01");
    LOAD(st, "P0001", "y1.csv", &b);
    compute(st);
    COUNT(st, "in_treatment", H, FY24, "all", 1);
    COUNT(st, "new_presentations", ENG, FY24, "all", 1);
    dsms_store_close(st);

    /* A test in 2023-24 and orders that ended in 2024-25: the later year is covered
     * too, and its DRR counted (1 completed of 2 ended). */
    st = support_store();
    start(&b, "force_code,test_ref,initials,date_of_birth,sex,area_code,arrest_date,"
              "trigger_offence,test_date,result,assessment_required,assessment_date,"
              "assessment_outcome");
    add(&b, "F06,Y1,YA,1985-06-15,M," H ",2023-06-01,theft,2023-06-01,negative,N,,\n");
    LOAD(st, "F06", "y-tests.csv", &b);
    start(&b, "probation_region,order_ref,initials,date_of_birth,sex,area_code,order_type,"
              "start_date,end_date,outcome");
    add(&b, "PR01,Y1,YB,1985-06-15,M," H ",drr,2023-09-01,2024-06-01,completed\n");
    add(&b, "PR01,Y2,YC,1985-06-15,F," H ",drr,2023-09-01,2024-07-01,revoked_breach\n");
    LOAD(st, "PR01", "y-orders.csv", &b);
    compute(st);
    PROP(st, "drr_completion", H, FY24, "all", 1, 2);
    PROP(st, "test_positive_rate", H, FY23, "all", 0, 1);
    dsms_store_close(st);
}

/* ---- England's definitions: community and secure treatment, opiate and crack,
 * referrals never treated, people moved into treatment from custody suites ------- */

/* All in H on P0001 (community), heroin and M unless said; PH01 is a prison:
 *  E1 EA: 2023-04-01 -> 04-05, open (opiate).
 *  E2 EB crack: 2023-04-01 -> 04-05, open (non-opiate group, crack).
 *  E3 EC cocaine + crack: the same (non-opiate group, crack named second).
 *  E4 ED cannabis: the same (neither).
 *  S1 SA F, area M: only a prison episode, 2023-05-01 -> 05-01, open.
 *  S2 SB: community 2023-04-01 -> 04-05, transferred in custody 2023-06-01; prison episode
 *     (area M) 2023-06-10 -> 06-10, completed drug-free 2023-09-01 (no OST). One journey,
 *     ending in prison.
 *  S3 SC: community 2023-04-01 -> 04-05, transferred in custody 2023-04-20; prison episode
 *     2023-04-25 -> 04-25, completed drug-free 2023-05-10 (no OST). One journey of 35 days,
 *     ending successfully in prison.
 *  N1 NA cocaine: 2023-04-01 -> 04-05, completed 2023-06-01; referred again 2023-06-10,
 *     never started (commencement declined 2023-06-20).
 *  N2 NB cocaine: 2023-04-01 -> 04-05, completed 2023-06-01; referred 2023-05-20 while
 *     in treatment, never started (referral refused 2023-06-15, after the completion).
 *  N3 NC cannabis: referred 2023-07-01, never started (declined 2023-08-01); referred
 *     again 2023-08-05 -> 08-10, open (9 days after the declined referral closed).
 *  N4 ND cocaine: 2023-04-01 -> 04-05, completed 2023-06-01; a prison episode (area H)
 *     2023-08-01 -> 08-01, dropped out 2023-09-01. */
static void england_definitions(void)
{
    dsms_store *st = support_store();
    buf b;
    start(&b, EPISODES_HEADER);
#define OPEN(r_, i_, a_, b_)                                                                \
    EP(&b, .ref = r_, .ini = i_, .referral = "2023-04-01", .fi = "2023-04-05", .s1 = a_, \
       .s2 = b_)
#define DONE(r_, i_)                                                                       \
    EP(&b, .ref = r_, .ini = i_, .referral = "2023-04-01", .fi = "2023-04-05",            \
       .s1 = "cocaine", .dis = "2023-06-01", .reason = "completed_drug_free", .ost = "N")
    OPEN("E1", "EA", NULL, NULL);
    OPEN("E2", "EB", "crack", NULL);
    OPEN("E3", "EC", "cocaine", "crack");
    OPEN("E4", "ED", "cannabis", NULL);
    EP(&b, .ref = "S2a", .ini = "SB", .referral = "2023-04-01", .fi = "2023-04-05",
       .dis = "2023-06-01", .reason = "transferred_custody");
    EP(&b, .ref = "S3a", .ini = "SC", .referral = "2023-04-01", .fi = "2023-04-05",
       .dis = "2023-04-20", .reason = "transferred_custody");
    DONE("N1a", "NA");
    EP(&b, .ref = "N1b", .ini = "NA", .referral = "2023-06-10", .s1 = "cocaine",
       .dis = "2023-06-20", .reason = "commencement_declined");
    DONE("N2a", "NB");
    EP(&b, .ref = "N2b", .ini = "NB", .referral = "2023-05-20", .s1 = "cocaine",
       .dis = "2023-06-15", .reason = "referral_refused");
    EP(&b, .ref = "N3a", .ini = "NC", .referral = "2023-07-01", .s1 = "cannabis",
       .dis = "2023-08-01", .reason = "commencement_declined");
    EP(&b, .ref = "N3b", .ini = "NC", .referral = "2023-08-05", .fi = "2023-08-10",
       .s1 = "cannabis");
    DONE("N4a", "ND");
#undef OPEN
#undef DONE
    LOAD(st, "P0001", "p1-episodes.csv", &b);
    start(&b, EPISODES_HEADER);
    EP(&b, .prov = "PH01", .ref = "S1", .ini = "SA", .sex = "F", .area = M,
       .referral = "2023-05-01", .fi = "2023-05-01", .setting = "P");
    EP(&b, .prov = "PH01", .ref = "S2b", .ini = "SB", .area = M, .referral = "2023-06-10",
       .fi = "2023-06-10", .setting = "P", .dis = "2023-09-01",
       .reason = "completed_drug_free", .ost = "N");
    EP(&b, .prov = "PH01", .ref = "S3b", .ini = "SC", .referral = "2023-04-25",
       .fi = "2023-04-25", .setting = "P", .dis = "2023-05-10",
       .reason = "completed_drug_free", .ost = "N");
    EP(&b, .prov = "PH01", .ref = "N4b", .ini = "ND", .s1 = "cocaine",
       .referral = "2023-08-01", .fi = "2023-08-01", .setting = "P", .dis = "2023-09-01",
       .reason = "dropped_out");
    LOAD(st, "PH01", "ph1-episodes.csv", &b);
    compute(st);

    /* In (community) treatment FY23, H: E1..E4, S2 (by S2a), S3 (by S3a), N1..N4 = 10; S1
     * was treated only in prison. The prison episodes S2b, S3b and N4b move no one. */
    COUNT(st, "in_treatment", H, FY23, "all", 10);
    COUNT(st, "in_treatment", ENG, FY23, "all", 10);
    ABSENT(st, "in_treatment", ENG, FY23, "F");
    /* In prison or secure treatment, where each prison episode's area says: S1 and S2 in
     * M, S3 and N4 in H; England 4. F: S1. Opiate: S1, S2, S3 (N4 cocaine). */
    COUNT(st, "in_treatment_secure", ENG, FY23, "all", 4);
    COUNT(st, "in_treatment_secure", M, FY23, "all", 2);
    COUNT(st, "in_treatment_secure", H, FY23, "all", 2);
    COUNT(st, "in_treatment_secure", M, FY23, "F", 1);
    COUNT(st, "in_treatment_secure", ENG, FY23, "opiate", 3);
    /* Penetration, H: opiate E1, S2, S3 (heroin), crack E2 and E3 = 5 (E4 and the cocaine
     * and cannabis clients are neither), over 20.63 x 60970 / 1000 estimated users. */
    RATE(st, "penetration_opiate_crack", H, FY23, "all", 5, 20.63 * 60970 / 1000, 100);
    /* Successful completion FY23, of the 10: N1 (the declined referral after it is no exit
     * and no re-presentation), N2 (the refused referral, discharged after the completion,
     * does not end the journey), N4 (the prison episode is no community re-presentation).
     * S2's and S3's journeys end in prison: no community exit. 3 of 10; none re-presented. */
    PROP(st, "successful_completion", H, FY23, "all", 3, 10);
    PROP(st, "successful_completion", H, FY23, "non_opiate", 3, 7); /* E2 E3 E4 N1..N4 */
    PROP(st, "representation_6m", H, FY23, "all", 0, 3);
    /* Effective: E1..E4 and N3 retained past 84 days; N1, N2, N4 left well in the year
     * (57 days); S2's journey runs 2023-04-05..09-01 across custody = 149 days; S3's 35
     * days ended well, but in prison: no community exit, not effective. 9 of 10. */
    PROP(st, "effective_treatment", H, FY23, "all", 9, 10);
    /* New presentations FY23: all 10, N3 by N3b (the declined N3a blocks nothing); the
     * prison-only S1 is none. */
    COUNT(st, "new_presentations", H, FY23, "all", 10);
    COUNT(st, "new_presentations", ENG, FY23, "all", 10);
    COUNT(st, "new_presentations", H, FY23, "opiate", 3); /* E1, S2, S3; the other 7 not */
    dsms_store_close(st);
}

/* People moved into treatment after an assessment in custody (all tests positive for
 * opiates, assessment required, referred to treatment):
 *  K1 KA (H): assessed 2023-05-10 and 2023-09-05; first intervention 2023-06-01 (day 22
 *     after the first): yes, once.
 *  K2 KB F: assessed 2023-05-10 in H and 2023-10-10 in M; never treated: counted in M.
 *  K3 KC (H): assessed 2023-05-10, started 2023-05-20; assessed again 2024-02-05, nothing
 *     after: yes (one of the assessments was followed within 28 days).
 *  K4 KD (H): assessed 2024-03-25 and 2024-04-10, started 2024-04-20 (day 26, day 10):
 *     yes in FY23 and in FY24. */
static void into_treatment_people(void)
{
    dsms_store *st = support_store();
    buf b;
    start(&b, EPISODES_HEADER);
    EP(&b, .ref = "K1", .ini = "KA", .referral = "2023-06-01", .fi = "2023-06-01");
    EP(&b, .ref = "K3", .ini = "KC", .referral = "2023-05-20", .fi = "2023-05-20");
    EP(&b, .ref = "K4", .ini = "KD", .referral = "2024-04-20", .fi = "2024-04-20");
    LOAD(st, "P0001", "p1-episodes.csv", &b);
    start(&b, "force_code,test_ref,initials,date_of_birth,sex,area_code,arrest_date,"
              "trigger_offence,test_date,result,assessment_required,assessment_date,"
              "assessment_outcome");
#define TEST(ref, ini, sex, area, date, adate)                                                \
    add(&b, "F06,%s,%s,1985-06-15,%s,%s,%s,theft,%s,opiates,Y,%s,referred_to_treatment\n", \
        ref, ini, sex, area, date, date, adate)
    TEST("T1", "KA", "M", H, "2023-05-01", "2023-05-10");
    TEST("T2", "KA", "M", H, "2023-09-01", "2023-09-05");
    TEST("T3", "KB", "F", H, "2023-05-01", "2023-05-10");
    TEST("T4", "KB", "F", M, "2023-10-01", "2023-10-10");
    TEST("T5", "KC", "M", H, "2023-05-01", "2023-05-10");
    TEST("T6", "KC", "M", H, "2024-02-01", "2024-02-05");
    TEST("T7", "KD", "M", H, "2024-03-20", "2024-03-25");
    TEST("T8", "KD", "M", H, "2024-04-05", "2024-04-10");
#undef TEST
    LOAD(st, "F06", "tests.csv", &b);
    compute(st);
    /* FY23: H K1, K3, K4 (3 of 3, not 3 of 6 assessments); M K2 (0 of 1); England 3 of 4;
     * F: K2 alone. FY24: K4 (1 of 1). */
    PROP(st, "cj_into_treatment", H, FY23, "all", 3, 3);
    PROP(st, "cj_into_treatment", M, FY23, "all", 0, 1);
    PROP(st, "cj_into_treatment", ENG, FY23, "all", 3, 4);
    PROP(st, "cj_into_treatment", ENG, FY23, "F", 0, 1);
    PROP(st, "cj_into_treatment", H, FY24, "all", 1, 1);
    dsms_store_close(st);
}

/* ---- expected against actual ---------------------------------------------------------- */

/* An observed / expected x 100 row: observed, expected, the ratio and its 95%
 * limits (the exact Poisson limits of the observed count, from tables: 0:
 * 0-3.6889, 1: 0.0253-5.5716, 2: 0.2422-7.2247, over the expected). */
static void ratio_at(int line, dsms_store *st, const char *measure, const char *area,
                     const char *period, double observed, double expected, double lo, double hi)
{
    got g = row_at(line, st, measure, area, period, "all");
    if (g.found != 1) return;
    expect_num(line, "observed", measure, area, period, "all", g.num, observed);
    expect_num(line, "expected", measure, area, period, "all", g.den, expected);
    expect_num(line, "ratio", measure, area, period, "all", g.value, observed / expected * 100);
    double wlo = lo / expected * 100, whi = hi / expected * 100; /* tables give 4 decimals */
    if (fabs(g.lo95 - wlo) <= 1e-4 / expected * 100 && fabs(g.hi95 - whi) <= 1e-4 / expected * 100)
        check_passed++;
    else fail_at(line, "95% limits", measure, area, period, "all", g.lo95, wlo);
}
#define RATIO(st, m, area, period, o, e, lo, hi) ratio_at(__LINE__, st, m, area, period, o, e, lo, hi)

static void expected_against_actual(void)
{
    dsms_store *st = support_store();
    buf b;
    /* Completions, case mix by time in treatment: all opiate, male, 38. In H, A1 left
     * drug free after 57 days; A2 and A5 are still in treatment at the year's end (361
     * days). In M, A4 dropped out after 82 days; A3 is still in treatment. */
    start(&b, EPISODES_HEADER);
    EP(&b, .ref = "A1", .ini = "AA", .referral = "2023-04-05", .fi = "2023-04-05",
       .dis = "2023-06-01", .reason = "completed_drug_free", .ost = "N");
    EP(&b, .ref = "A2", .ini = "AB", .referral = "2023-04-05", .fi = "2023-04-05");
    EP(&b, .ref = "A5", .ini = "AE", .referral = "2023-04-05", .fi = "2023-04-05");
    EP(&b, .ref = "R1", .ini = "RA", .referral = "2023-06-10", .fi = "2023-06-22");
    EP(&b, .ref = "R3", .ini = "RC", .referral = "2023-05-01", .fi = "2023-05-01",
       .s1 = "cocaine");
    LOAD(st, "P0001", "p1-episodes.csv", &b);
    start(&b, EPISODES_HEADER);
    EP(&b, .prov = "P0003", .ref = "A3", .ini = "AC", .area = M, .referral = "2023-04-05",
       .fi = "2023-04-05");
    EP(&b, .prov = "P0003", .ref = "A4", .ini = "AD", .area = M, .referral = "2023-04-10",
       .fi = "2023-04-10", .dis = "2023-07-01", .reason = "dropped_out");
    EP(&b, .prov = "P0003", .ref = "W1", .ini = "WA", .area = M, .referral = "2023-06-05",
       .fi = "2023-06-05", .s1 = "cocaine");
    LOAD(st, "P0003", "p3-episodes.csv", &b);
    /* Continuity, case mix by substance: to H, opiate R1 engaged (day 21), R2 not; non-
     * opiate R3 engaged. To M, non-opiate W1 engaged (day 4), W2 not. */
    start(&b, "prison_code,release_ref,initials,date_of_birth,sex,release_date,"
              "release_area_code,treatment_need,substance_group");
    add(&b, "HMP01,R1,RA,1985-06-15,M,2023-06-01," H ",Y,opiate\n");
    add(&b, "HMP01,R2,RB,1985-06-15,M,2023-06-01," H ",Y,opiate\n");
    add(&b, "HMP01,R3,RC,1985-06-15,M,2023-04-20," H ",Y,non_opiate\n");
    add(&b, "HMP01,W1,WA,1985-06-15,M,2023-06-01," M ",Y,non_opiate\n");
    add(&b, "HMP01,W2,WB,1985-06-15,M,2023-06-01," M ",Y,non_opiate\n");
    LOAD(st, "HMP01", "releases.csv", &b);
    compute(st);

    /* Completions: under 6 months, 1 of 2 (A1 yes, A4 no); 6 to 12 months, 0 of 3 (A2,
     * A5, A3). H expects 1 x 1/2 + 2 x 0 = 0.5 and has 1: 200. M expects 0.5, has 0. The
     * crude proportions (1 of 3, 0 of 2; the releases' engagers count too) say less. */
    RATIO(st, "successful_completion_vs_expected", H, FY23, 1, 0.5, 0.0253, 5.5716);
    RATIO(st, "successful_completion_vs_expected", M, FY23, 0, 0.5, 0, 3.6889);
    RATIO(st, "successful_completion_vs_expected", ENG, FY23, 1, 1, 0.0253, 5.5716);
    /* Continuity: opiate 1 of 2, non-opiate 2 of 3. H expects 2 x 1/2 + 1 x 2/3 = 5/3 and
     * has 2: 120. M expects 2 x 2/3 = 4/3 and has 1: 75. England 3 of 3 expected. */
    RATIO(st, "continuity_of_care_vs_expected", H, FY23, 2, 5.0 / 3, 0.2422, 7.2247);
    RATIO(st, "continuity_of_care_vs_expected", M, FY23, 1, 4.0 / 3, 0.0253, 5.5716);
    got g = row_at(__LINE__, st, "continuity_of_care_vs_expected", ENG, FY23, "all");
    CHECK(g.num == 3 && fabs(g.den - 3) < 1e-9 && fabs(g.value - 100) < 1e-9);
    CHECK(strcmp(g.vs_england, "") == 0); /* England is its own benchmark */
    g = row_at(__LINE__, st, "continuity_of_care_vs_expected", H, FY23, "all");
    CHECK(strcmp(g.vs_england, "similar") == 0);
    CHECK(g.lo998 < g.lo95 && g.hi998 > g.hi95);
    /* New presentations against need: opiate or crack users presenting (H: A1, A2, A5,
     * R1; M: A3, A4), over the estimated users: England's rate gives each its share. */
    got h = row_at(__LINE__, st, "new_presentations_vs_need", H, FY23, "all");
    got m = row_at(__LINE__, st, "new_presentations_vs_need", M, FY23, "all");
    got e = row_at(__LINE__, st, "new_presentations_vs_need", ENG, FY23, "all");
    CHECK(h.num == 4 && m.num == 2 && e.num == 6);
    CHECK(fabs(e.den - 6) < 1e-9 && fabs(e.value - 100) < 1e-9);
    CHECK(h.den > 0 && m.den > 0 && h.den + m.den < 6); /* other areas have need, no one */
    CHECK(fabs(h.value - 400 / h.den) < 1e-9 && fabs(m.value - 200 / m.den) < 1e-9);
    /* "all" only; no organisation's rows */
    CHECK_INT((long)rows(st, "successful_completion_vs_expected", H, FY23, "substance"), 0);
    CHECK_INT((long)rows(st, "continuity_of_care_vs_expected", "HMP01", FY23, NULL), 0);
    dsms_store_close(st);
}

/* ---- the catalogue ------------------------------------------------------------------------ */

static void catalogue(void)
{
    static const char *const ids[] = {
        "in_treatment", "in_treatment_secure", "new_presentations", "effective_treatment", "waiting_3wk",
        "waiting_median_days", "penetration_opiate_crack", "successful_completion",
        "sustained_recovery_12m", "representation_6m", "deaths_in_treatment",
        "continuity_of_care", "mutual_aid", "top_abstinent", "top_injecting_stopped",
        "top_housing_resolved", "top_employment", "top_crime_stopped", "top_mental_health",
        "test_positive_rate", "assessment_attended", "cj_into_treatment", "drr_completion",
        "reoffending_proxy", "drug_deaths_dsr", "drug_deaths_post_release", "hep_c_tested",
        /* tested in test_needs.c */
        "housing_need", "housing_nfa", "parents_with_children", "opiate_long_term",
        "inpatient_detox", "residential_rehab", "recovery_support", "cj_referrals",
        "drr_treatment_3wk", "drr_treatment_median_days", "referrals_not_started",
        "hep_b_vaccinated",
        /* expected_against_actual() above; deaths in treatment in tests/measures.sh */
        "successful_completion_vs_expected", "continuity_of_care_vs_expected",
        "deaths_in_treatment_vs_expected", "new_presentations_vs_need"};
    size_t n = sizeof ids / sizeof *ids;
    CHECK_INT(dsms_measure_count(), n); /* every measure has its test above */
    for (size_t i = 0; i < n; i++) CHECK(dsms_measure_find(ids[i]) != NULL);
    CHECK(dsms_measure_at(n) == NULL);
}

/* ---- incomplete history, quarters, organisations ------------------------------------- */

/* Whether a row is flagged incomplete_history (-1 when there is no such row). */
static int history_at(int line, dsms_store *st, const char *measure, const char *area,
                      const char *period)
{
    got g = row_at(line, st, measure, area, period, "all");
    return g.found == 1 ? g.incomplete_history : -1;
}
#define HISTORY(st, m, area, period, want) CHECK_INT(history_at(__LINE__, st, m, area, period), want)

/* The data begin in 2023-24 (a discharge on 2023-04-02): its first day, 2023-04-01, is the
 * store's first data. A TOP pair reaches 245 days back (a start up to 8 months before its
 * review), a new presentation 21 days, so:
 *  - 2023-24 (from 2023-04-01) is incomplete for both; 2024-25 (from 2024-04-01) for neither;
 *  - 12 months to June 2024 (from 2023-07-01): 2023-07-01 - 245 days is before the data,
 *    incomplete for the TOP; - 21 days is not, complete for new presentations;
 *  - 12 months to December 2024 (from 2024-01-01 - 245 = 2023-05-01): complete;
 *  - quarter 2023-24-Q1 (from 2023-04-01) incomplete for new presentations, Q2 (from
 *    2023-07-01) complete. In treatment looks back on nothing: never flagged.
 * K1's pair (start 2023-04-03, review 2023-09-03) counts in 2023-24, K2's (start
 * 2024-04-03, review 2024-09-03) in 2024-25. */
static void incomplete_history(void)
{
    dsms_store *st = support_store();
    buf b;
    start(&b, EPISODES_HEADER);
    EP(&b, .ref = "K0", .ini = "KZ", .referral = "2023-04-01", .fi = "2023-04-01",
       .dis = "2023-04-02", .reason = "dropped_out");
    EP(&b, .ref = "K1", .ini = "KA", .referral = "2023-04-03", .fi = "2023-04-03");
    EP(&b, .ref = "K2", .ini = "KB", .referral = "2024-04-03", .fi = "2024-04-03");
    EP(&b, .ref = "K3", .ini = "KC", .referral = "2025-01-10", .fi = "2025-01-10");
    LOAD(st, "P0001", "k-episodes.csv", &b);
    start(&b, TOP_HEADER);
    add(&b, "P0001,K1,2023-04-03,start,,20,,,,,,,,,\n");
    add(&b, "P0001,K1,2023-09-03,review,,0,,,,,,,,,\n");
    add(&b, "P0001,K2,2024-04-03,start,,20,,,,,,,,,\n");
    add(&b, "P0001,K2,2024-09-03,review,,5,,,,,,,,,\n");
    LOAD(st, "P0001", "k-top.csv", &b);
    compute(st);
    PROP(st, "top_abstinent", H, FY23, "all", 1, 1);
    PROP(st, "top_abstinent", H, FY24, "all", 0, 1);
    HISTORY(st, "top_abstinent", H, FY23, 1);
    HISTORY(st, "top_abstinent", ENG, FY23, 1);
    HISTORY(st, "top_abstinent", H, FY24, 0);
    HISTORY(st, "top_abstinent", H, "12m-2024-06", 1);
    HISTORY(st, "top_abstinent", H, "12m-2024-12", 0);
    HISTORY(st, "new_presentations", H, FY23, 1);
    HISTORY(st, "new_presentations", H, FY24, 0);
    HISTORY(st, "new_presentations", H, "12m-2024-06", 0);
    HISTORY(st, "new_presentations", H, "2023-24-Q1", 1);
    HISTORY(st, "new_presentations", H, "2023-24-Q2", 0);
    HISTORY(st, "waiting_3wk", H, FY23, 1);
    HISTORY(st, "in_treatment", H, FY23, 0);
    HISTORY(st, "in_treatment", H, "2023-24-Q1", 0);
    dsms_store_close(st);
}

/* Financial quarters of the counts, in H:
 *  Q1 QA treated 2023-05-01 to 2023-08-15: in treatment in Q1 and Q2 (new in Q1);
 *  Q2 QB treated from 2023-08-01, open: Q2, Q3, Q4 and 2024-25-Q1 (new in Q2);
 *  Q3 QC treated 2023-04-01 to 2024-04-05 (the last date held: 2024-25 has begun, its Q1
 *     too, its Q2 not).
 * 2023-24: in treatment QA, QB, QC = 3, not the 2 + 3 + 2 + 2 = 9 of its quarters. */
static void quarters(void)
{
    dsms_store *st = support_store();
    buf b;
    start(&b, EPISODES_HEADER);
    EP(&b, .ref = "Q1", .ini = "QA", .referral = "2023-05-01", .fi = "2023-05-01",
       .dis = "2023-08-15", .reason = "dropped_out");
    EP(&b, .ref = "Q2", .ini = "QB", .referral = "2023-08-01", .fi = "2023-08-01");
    EP(&b, .ref = "Q3", .ini = "QC", .referral = "2023-04-01", .fi = "2023-04-01",
       .dis = "2024-04-05", .reason = "dropped_out");
    LOAD(st, "P0001", "q-episodes.csv", &b);
    compute(st);
    COUNT(st, "in_treatment", H, FY23, "all", 3);
    COUNT(st, "in_treatment", H, "2023-24-Q1", "all", 2);
    COUNT(st, "in_treatment", H, "2023-24-Q2", "all", 3);
    COUNT(st, "in_treatment", H, "2023-24-Q3", "all", 2);
    COUNT(st, "in_treatment", H, "2023-24-Q4", "all", 2);
    COUNT(st, "in_treatment", ENG, "2023-24-Q4", "all", 2);
    COUNT(st, "in_treatment", H, "2024-25-Q1", "all", 2);
    COUNT(st, "new_presentations", H, "2023-24-Q1", "all", 2);
    COUNT(st, "new_presentations", H, "2023-24-Q2", "all", 1);
    COUNT(st, "new_presentations", H, "2023-24-Q3", "all", 0);
    /* Quarters have begun up to the last date held; they carry "all" only, and only the
     * counts have them. */
    CHECK_INT(rows(st, NULL, NULL, "2024-25-Q2", NULL), 0);
    CHECK_INT(rows(st, "in_treatment", H, "2023-24-Q1", "substance"), 0);
    CHECK_INT(rows(st, "effective_treatment", NULL, "2023-24-Q1", NULL), 0);
    CHECK(rows(st, "in_treatment", H, FY23, "substance") > 0);
    /* A quarter is its own group for disclosure control: 2 people, hidden. */
    got g = {0};
    seek k = {"all", &g, 0};
    dsms_err err = {""};
    CHECK_INT(dsms_each_public_result(st, &(dsms_result_filter){"in_treatment", H, "2023-24-Q1", "all"},
                                      take, &k, &err), 0);
    CHECK_INT(g.found, 1);
    CHECK(isnan(g.num));
    dsms_store_close(st);
}

/* Public output's rows of a measure: how many, and how many of an organisation. */
typedef struct {
    size_t rows, organisation;
} public_count;

static int count_public(void *ctx, const dsms_result *r)
{
    public_count *c = ctx;
    c->rows++;
    c->organisation += dsms_level_is_organisation(r->level);
    return 0;
}

/* Organisations, 2023-24:
 *  O1 OA at P0001 (area H); O2 OB at P0001 then, later, at P0003 (area M): counted at P0003,
 *  its latest episode; O3 OC at P0002 (area H). In treatment: P0001 1, P0002 1, P0003 1.
 *  Releases with a need: O1 from HMP01, engaged (P0001 open at release); O4 OD from HMP02,
 *  not engaged: continuity HMP01 1 of 1, HMP02 0 of 1; England 1 of 2.
 *  Tests: F06 O1 positive, O3 negative; F01 O4 positive: positive F06 1 of 2, F01 1 of 1.
 *  Orders: see below. */
static void organisations(void)
{
    dsms_store *st = support_store();
    buf b;
    start(&b, EPISODES_HEADER);
    EP(&b, .ref = "O1", .ini = "OA", .referral = "2023-05-01", .fi = "2023-05-01");
    EP(&b, .ref = "O2", .ini = "OB", .referral = "2023-05-01", .fi = "2023-05-01",
       .dis = "2023-06-01", .reason = "dropped_out");
    LOAD(st, "P0001", "o1-episodes.csv", &b);
    start(&b, EPISODES_HEADER);
    EP(&b, .prov = "P0002", .ref = "O3", .ini = "OC", .referral = "2023-05-01", .fi = "2023-05-01");
    LOAD(st, "P0002", "o2-episodes.csv", &b);
    start(&b, EPISODES_HEADER);
    EP(&b, .prov = "P0003", .ref = "O2b", .ini = "OB", .area = M, .referral = "2023-09-01",
       .fi = "2023-09-01");
    LOAD(st, "P0003", "o3-episodes.csv", &b);
    start(&b, "prison_code,release_ref,initials,date_of_birth,sex,release_date,"
              "release_area_code,treatment_need,substance_group");
    add(&b, "HMP01,OR1,OA,1985-06-15,M,2023-06-01," H ",Y,opiate\n");
    LOAD(st, "HMP01", "o-releases1.csv", &b);
    start(&b, "prison_code,release_ref,initials,date_of_birth,sex,release_date,"
              "release_area_code,treatment_need,substance_group");
    add(&b, "HMP02,OR4,OD,1985-06-15,M,2023-06-01," H ",Y,opiate\n");
    LOAD(st, "HMP02", "o-releases2.csv", &b);
    const char *tests_header = "force_code,test_ref,initials,date_of_birth,sex,area_code,"
                               "arrest_date,trigger_offence,test_date,result,"
                               "assessment_required,assessment_date,assessment_outcome";
    start(&b, tests_header);
    add(&b, "F06,OT1,OA,1985-06-15,M," H ",2023-07-01,theft,2023-07-01,opiates,N,,\n");
    add(&b, "F06,OT3,OC,1985-06-15,M," H ",2023-07-01,theft,2023-07-01,negative,N,,\n");
    LOAD(st, "F06", "o-tests6.csv", &b);
    start(&b, tests_header);
    add(&b, "F01,OT4,OD,1985-06-15,M," H ",2023-07-01,theft,2023-07-01,opiates,N,,\n");
    LOAD(st, "F01", "o-tests1.csv", &b);
    const char *orders_header = "probation_region,order_ref,initials,date_of_birth,sex,"
                                "area_code,order_type,start_date,end_date,outcome";
    start(&b, orders_header);
    add(&b, "PR01,OO1,OA,1985-06-15,M," H ",drr,2023-01-01,2023-07-01,completed\n");
    add(&b, "PR01,OO3,OC,1985-06-15,M," H ",drr,2023-01-01,2023-08-01,revoked_breach\n");
    LOAD(st, "PR01", "o-orders1.csv", &b);
    start(&b, orders_header);
    add(&b, "PR02,OO4,OD,1985-06-15,M," H ",drr,2023-01-01,2023-07-01,completed\n");
    LOAD(st, "PR02", "o-orders2.csv", &b);
    compute(st);
    COUNT(st, "in_treatment", "P0001", FY23, "all", 1);
    COUNT(st, "in_treatment", "P0002", FY23, "all", 1);
    COUNT(st, "in_treatment", "P0003", FY23, "all", 1);
    COUNT(st, "in_treatment", ENG, FY23, "all", 3);
    got g = result(st, "in_treatment", "P0001", FY23, "all", "all");
    CHECK(strcmp(g.level, "provider") == 0);
    PROP(st, "continuity_of_care", "HMP01", FY23, "all", 1, 1);
    PROP(st, "continuity_of_care", "HMP02", FY23, "all", 0, 1);
    PROP(st, "continuity_of_care", ENG, FY23, "all", 1, 2);
    g = result(st, "continuity_of_care", "HMP02", FY23, "all", "all");
    CHECK(strcmp(g.level, "prison") == 0);
    CHECK(g.has_vs_england);
    CHECK(strcmp(g.vs_comparators, "") == 0);
    PROP(st, "test_positive_rate", "F06", FY23, "all", 1, 2);
    PROP(st, "test_positive_rate", "F01", FY23, "all", 1, 1);
    g = result(st, "test_positive_rate", "F01", FY23, "all", "all");
    CHECK(strcmp(g.level, "police_force") == 0);
    /* Orders: PR01 OA completed, OC revoked: 1 of 2; PR02 OD completed: 1 of 1. */
    PROP(st, "drr_completion", "PR01", FY23, "all", 1, 2);
    PROP(st, "drr_completion", "PR02", FY23, "all", 1, 1);
    PROP(st, "drr_completion", H, FY23, "all", 2, 3);
    g = result(st, "drr_completion", "PR02", FY23, "all", "all");
    CHECK(strcmp(g.level, "probation_region") == 0);
    /* "all" only, in years and rolling periods, not quarters; none with no record (P0004),
     * none for a measure of no organisation. */
    CHECK_INT(rows(st, "in_treatment", "P0001", NULL, "substance"), 0);
    CHECK_INT(rows(st, "in_treatment", "P0001", "2023-24-Q1", NULL), 0);
    CHECK_INT(rows(st, NULL, "P0004", NULL, NULL), 0);
    CHECK_INT(rows(st, "top_abstinent", "P0001", NULL, NULL), 0);
    /* Restricted: no public view shows them, nor counts them hidden. */
    public_count pc = {0};
    dsms_err err = {""};
    CHECK_INT(dsms_each_public_result(st, &(dsms_result_filter){0}, count_public, &pc, &err), 0);
    CHECK(pc.rows > 0);
    CHECK_INT(pc.organisation, 0);
    pc = (public_count){0};
    CHECK_INT(dsms_each_public_result(st, &(dsms_result_filter){"in_treatment", "P0001", NULL, NULL},
                                      count_public, &pc, &err), 0);
    CHECK_INT(pc.rows, 0);
    dsms_store_close(st);
}

/* ---- comparator groups, trends, provisional rows and standardised rates, on reference
 * data of their own ------------------------------------------------------------------ */

/* Seventeen areas A1..A17 (codes E06000101..E06000117) alike in every characteristic of
 * docs/reference-data.md but their opiate and crack users per 1,000, which is k in Ak:
 * every area has the same deprivation score (30) and the same population, so size and
 * the two age shares are the same everywhere and count as 0; the distance between Aj and
 * Ak is |j - k| over the standard deviation. A1's comparator group is then A2 (rank 1,
 * nearest) .. A16 (rank 15); A17, the farthest, is not in it. A1..A16 are in region
 * E12000001, A17 alone in E12000002. Each area's population in each age band is that of
 * PHEindicatormethods' testdata_small (tests/stats_vectors.h), halved between men and
 * women (the odd one to women): 8,970 people. */
#define A1 "E06000101"
#define A17 "E06000117"
#define R1 "E12000001"
#define R2 "E12000002"
#define FY19 "2019-20"
#define FY20 "2020-21"
#define FY21 "2021-22"
#define FY25 "2025-26"

static const double small_pop[19] = {636, 558, 609, 543, 384, 594, 669, 843, 660, 576,
                                     606, 522, 426, 273, 300, 288, 153, 123, 207};
static const double small_count[19] = {12, 4, 3, 2, 3, 4, 8, 2, 2, 3,
                                       4, 5, 6, 8, 5, 6, 5, 5, 4}; /* its deaths: 91 */

/* The reference files, in a directory of the scratch directory. */
static const char *results_refdata(void)
{
    static char dir[600];
    snprintf(dir, sizeof dir, "%s/ref-results", support_dir());
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        perror(dir);
        exit(2);
    }
    static buf b;
    start(&b, "code,name,region_code,police_force_code,probation_region_code,"
              "opiate_crack_per_1000,deprivation_score");
    for (int k = 1; k <= 17; k++)
        add(&b, "E06%06d,Area %d,%s,F01,PR01,%d,30\n", 100 + k, k, k < 17 ? R1 : R2, k);
    support_file("ref-results/areas.csv", b.s);
    start(&b, "area_code,sex,age_band,population");
    for (int k = 1; k <= 17; k++)
        for (int band = 0; band < DSMS_AGE_BANDS; band++) {
            int men = (int)small_pop[band] / 2;
            add(&b, "E06%06d,M,%s,%d\n", 100 + k, dsms_age_band_label(band), men);
            add(&b, "E06%06d,F,%s,%d\n", 100 + k, dsms_age_band_label(band),
                (int)small_pop[band] - men);
        }
    support_file("ref-results/population.csv", b.s);
    start(&b, "age_band,population");
    for (int band = 0; band < DSMS_AGE_BANDS; band++)
        add(&b, "%s,%.17g\n", dsms_age_band_label(band), dsms_esp2013[band]);
    support_file("ref-results/esp2013.csv", b.s);
    support_file("ref-results/regions.csv", "code,name\n" R1 ",North\n" R2 ",South\n");
    support_file("ref-results/police_forces.csv", "code,name\nF01,Police\n");
    support_file("ref-results/probation_regions.csv", "code,name\nPR01,Probation\n");
    support_file("ref-results/prisons.csv", "code,name,area_code,capacity\n");
    support_file("ref-results/providers.csv", "code,name,area_code,prison_code\n"
                                              "P0001,Provider," A1 ",\n");
    support_file("ref-results/registers.csv", "code,name\nONS,Office for National Statistics\n");
    return dir;
}

#define ORDERS_HEADER                                                                     \
    "probation_region,order_ref,initials,date_of_birth,sex,area_code,order_type,"       \
    "start_date,end_date,outcome"

/* n drug rehabilitation requirements in area Ak, started on 1 April of financial year fy
 * and ended on 1 October: the first `done` completed, the others revoked. */
static void orders(buf *b, int k, int fy, int done, int n)
{
    for (int i = 0; i < n; i++)
        add(b, "PR01,R%d-%d-%d,%c%c,1985-06-15,M,E06%06d,drr,%d-04-01,%d-10-01,%s\n", k, fy, i,
            'A' + i % 26, 'A' + i / 26, 100 + k, fy, fy,
            i < done ? "completed" : "revoked_breach");
}

/* The data, all of drug rehabilitation requirements ended (drr_completion) and deaths:
 *  A1: 2019-20 0 of 20 completed; 2020-21 3 of 10; 2021-22 4 of 10; 2022-23 5 of 10;
 *      2023-24 6 of 10; 2024-25 7 of 10.
 *  2024-25 also: A2 10 of 10; A16 0 of 30; A17 73 of 100.
 *  A17: one more, started 2025-04-01 and completed on last_end, the last day of the
 *      data (2025-04-20 or 2025-04-21).
 *  A17: 75 drug-misuse deaths registered in 2023, testdata_small's count in each band
 *      from 10-14 up (died 2023-06-01 aged 12, 17, .. 92, born on 1 January; registered
 *      2023-07-01).
 * The data begin in 2019-20: whole calendar years 2020 .. 2024. */
static dsms_store *results_store(const char *last_end)
{
    static int n;
    char path[600];
    dsms_err err = {""};
    snprintf(path, sizeof path, "%s/results%d.db", support_dir(), n++);
    dsms_store *st = dsms_store_open(path, DSMS_STORE_CREATE, &err);
    if (!st || dsms_refdata_load(st, results_refdata(), &err)) {
        fprintf(stderr, "results_store: %s\n", err.msg);
        exit(2);
    }
    static buf b;
    start(&b, ORDERS_HEADER);
    static const int a1_done[6] = {0, 3, 4, 5, 6, 7}, a1_n[6] = {20, 10, 10, 10, 10, 10};
    for (int y = 0; y < 6; y++) orders(&b, 1, 2019 + y, a1_done[y], a1_n[y]);
    orders(&b, 2, 2024, 10, 10);
    orders(&b, 16, 2024, 0, 30);
    orders(&b, 17, 2024, 73, 100);
    add(&b, "PR01,LAST,ZZ,1985-06-15,M," A17 ",drr,2025-04-01,%s,completed\n", last_end);
    LOAD(st, "PR01", "orders.csv", &b);
    start(&b, DEATHS_HEADER ",substances,registration_date");
    for (int band = 2, i = 0; band < DSMS_AGE_BANDS; band++)
        for (int j = 0; j < (int)small_count[band]; j++, i++)
            add(&b, "D%d,%c%c,%d-01-01,%s," A17 ",2023-06-01,Y,,2023-07-01\n", i, 'A' + i % 26,
                'A' + i / 26, 2023 - (5 * band + 2), i % 2 ? "F" : "M");
    LOAD(st, "ONS", "deaths.csv", &b);
    compute(st);
    return st;
}

static void comparisons_and_trends(void)
{
    dsms_store *st = results_store("2025-04-21");
    /* 2024-25. A1: 7 of 10, 95% Wilson limits 39.68% and 89.22% (the formula). Its
     * comparator group A2..A16 pooled, numerators and denominators added: A2 10 of 10 and
     * A16 0 of 30 (the rest have none) = 10 of 40 = 25%, below A1's lower limit: better
     * (higher is better). Without A16, the 15th, the group would be A2's 100%, above A1's
     * upper limit: worse. England adds A17's 73 of 100, which is no comparator of A1:
     * 7 + 10 + 0 + 73 = 90 of 10 + 10 + 30 + 100 = 150 = 60%, inside: similar. (The
     * group's values averaged, (100 + 0) / 2 = 50%, would be similar too.) */
    PROP(st, "drr_completion", A1, FY24, "all", 7, 10);
    PROP(st, "drr_completion", ENG, FY24, "all", 90, 150);
    PROP(st, "drr_completion", R1, FY24, "all", 17, 50);
    got g = result(st, "drr_completion", A1, FY24, "all", "all");
    double lo, hi;
    wilson(7, 10, Z95, &lo, &hi);
    CHECK(fabs(g.lo95 - lo) < 1e-9 && fabs(g.hi95 - hi) < 1e-9);
    CHECK(lo > 25 && lo < 60 && hi > 60 && hi < 100);
    CHECK_STR(g.vs_comparators, "better");
    CHECK_STR(g.vs_england, "similar");
    /* A region and England have no comparator group. */
    g = result(st, "drr_completion", R1, FY24, "all", "all");
    CHECK(g.found == 1 && strcmp(g.vs_comparators, "") == 0);

    /* A1's recent trend, the chi-squared test for trend over the last five financial years
     * (scores x = 1..5, oldest first), at 99.8% (chi-squared > 9.5495).
     * 2024-25: 2020-21 .. 2024-25, 3 4 5 6 7 of 10 each: R = 25, N = 50, p = 0.5,
     *   sum r x = 3 + 8 + 15 + 24 + 35 = 85, sum n x = 150, T = 85 - 25 x 150 / 50 = 10;
     *   Sxx = sum n x^2 - (sum n x)^2 / N = 550 - 450 = 100; V = 0.25 x 100 = 25;
     *   chi-squared = 100 / 25 = 4: no significant change (at 95%, above 3.8415, it would
     *   be increasing).
     * 2023-24: 2019-20 .. 2023-24, 0 of 20, then 3 4 5 6 of 10: R = 18, N = 60, p = 0.3,
     *   sum r x = 0 + 6 + 12 + 20 + 30 = 68, sum n x = 20 + 20 + 30 + 40 + 50 = 160,
     *   T = 68 - 18 x 160 / 60 = 20; Sxx = 20 + 40 + 90 + 160 + 250 - 160^2 / 60
     *   = 133.33; V = 0.21 x 133.33 = 28; chi-squared = 400 / 28 = 14.29: increasing.
     * 2022-23 has four years behind it: cannot be calculated. */
    g = result(st, "drr_completion", A1, FY24, "all", "all");
    CHECK_STR(g.trend, "no significant change");
    g = result(st, "drr_completion", A1, FY23, "all", "all");
    PROP(st, "drr_completion", A1, FY23, "all", 6, 10);
    CHECK_STR(g.trend, "increasing");
    g = result(st, "drr_completion", A1, FY22, "all", "all");
    CHECK_STR(g.trend, "cannot be calculated");
    PROP(st, "drr_completion", A1, FY19, "all", 0, 20);

    /* Provisional: drr_treatment_3wk looks 21 days past the period's end. 2024-25 ends
     * 2025-03-31; 21 days on is 2025-04-21, the data's last day: not provisional (the data
     * reach that far); 2025-26 is. drr_completion looks past nothing: never provisional. */
    g = row_at(__LINE__, st, "drr_treatment_3wk", A1, FY24, "all");
    CHECK_INT(g.provisional, 0);
    g = row_at(__LINE__, st, "drr_treatment_3wk", A17, FY25, "all");
    CHECK_INT(g.provisional, 1);
    g = row_at(__LINE__, st, "drr_treatment_3wk", ENG, FY23, "all");
    CHECK_INT(g.provisional, 0);
    g = row_at(__LINE__, st, "drr_completion", ENG, FY25, "all");
    CHECK(g.num == 1 && g.provisional == 0);
    dsms_store_close(st);

    /* The same data ending a day sooner, on 2025-04-20: 2024-25 is provisional. */
    st = results_store("2025-04-20");
    g = row_at(__LINE__, st, "drr_treatment_3wk", A1, FY24, "all");
    CHECK_INT(g.provisional, 1);
    g = row_at(__LINE__, st, "drr_treatment_3wk", ENG, FY24, "all");
    CHECK_INT(g.provisional, 1);
    g = row_at(__LINE__, st, "drr_treatment_3wk", ENG, FY23, "all");
    CHECK_INT(g.provisional, 0);
    dsms_store_close(st);
}

/* A directly standardised rate per 100,000 and its limits at z, by the formulas of
 * docs/statistics.md, written out here: DSR = sum w x / n / sum w, var = sum w^2 x / n^2 /
 * (sum w)^2, limits DSR + sqrt(var / O) (O_limit - O) with Byar's limits of O = sum x
 * (10 events or more); w the 2013 ESP. */
static void dobson(const double *x, const double *n, double z, double out[3])
{
    double sw = 0, rate = 0, var = 0, o = 0;
    for (int b = 0; b < DSMS_AGE_BANDS; b++) {
        double w = dsms_esp2013[b];
        sw += w, o += x[b];
        if (n[b] > 0) rate += w * x[b] / n[b], var += w * w * x[b] / (n[b] * n[b]);
    }
    rate /= sw, var /= sw * sw;
    double lo = o * pow(1 - 1 / (9 * o) - z / (3 * sqrt(o)), 3);
    double hi = (o + 1) * pow(1 - 1 / (9 * (o + 1)) + z / (3 * sqrt(o + 1)), 3);
    out[0] = rate * 1e5;
    out[1] = (rate + sqrt(var / o) * (lo - o)) * 1e5;
    out[2] = (rate + sqrt(var / o) * (hi - o)) * 1e5;
}

/* One figure of a drug_deaths_dsr row against its expected value. */
#define DSR_FIGURE(what, got_, want) \
    expect_num(line, what, "drug_deaths_dsr", area, period, "all", got_, want)

/* A row's rate and limits at 95% and 99.8% against dobson() over the deaths by band and
 * testdata_small's population by band times `times`. */
static void dsr_at(int line, dsms_store *st, const char *area, const char *period,
                   const double *deaths, double times)
{
    double pop[DSMS_AGE_BANDS], total = 0, d95[3], d998[3];
    for (int b = 0; b < DSMS_AGE_BANDS; b++) pop[b] = small_pop[b] * times, total += deaths[b];
    dobson(deaths, pop, Z95, d95);
    dobson(deaths, pop, Z998, d998);
    got g = row_at(line, st, "drug_deaths_dsr", area, period, "all");
    DSR_FIGURE("numerator", g.num, total);
    DSR_FIGURE("denominator", g.den, 8970 * times);
    DSR_FIGURE("value", g.value, d95[0]);
    DSR_FIGURE("lower95", g.lo95, d95[1]);
    DSR_FIGURE("upper95", g.hi95, d95[2]);
    DSR_FIGURE("lower99_8", g.lo998, d998[1]);
    DSR_FIGURE("upper99_8", g.hi998, d998[2]);
}
#define DSR_AT(st, area, period, deaths, times) dsr_at(__LINE__, st, area, period, deaths, times)

/* Drug-misuse deaths registered in 2023, all in A17, alone in region E12000002: its
 * population by age band is testdata_small's, its deaths are testdata_small's from 10-14
 * up (a death under 10 is refused): 75. dobson() is first held to the published figures
 * of testdata_small (tests/stats_vectors.h, per 100,000: 1103.212, 95% 877.456 to
 * 1367.088, 99.8% 763.642 to 1530.033), then gives the region's figures. England's
 * population is 17 areas', 17 times A17's in every band, with the same deaths: each
 * x / n is a 17th, so the rate is a 17th, the variance a 289th, sqrt(var / O) a 17th,
 * and each limit a 17th (the test checks that too). Pooled over 2021-2023 the population
 * is three years': the region's figures a third, England's a 51st. Region E12000001 has
 * no deaths: fewer than 10, no rate. */
static void standardised_rates(void)
{
    double published[3], deaths[DSMS_AGE_BANDS], d17[3], d1[3], pop17[DSMS_AGE_BANDS];
    dobson(small_count, small_pop, Z998, published);
    CHECK(near(published[0], 1103.212025300104) && near(published[1], 763.64203579398793) &&
          near(published[2], 1530.0328948244762));
    dobson(small_count, small_pop, Z95, published);
    CHECK(near(published[1], 877.455767536709) && near(published[2], 1367.0882227251795));
    for (int b = 0; b < DSMS_AGE_BANDS; b++)
        deaths[b] = b < 2 ? 0 : small_count[b], pop17[b] = 17 * small_pop[b];
    dobson(deaths, small_pop, Z998, d1);
    dobson(deaths, pop17, Z998, d17);
    CHECK(near(d17[0], d1[0] / 17) && near(d17[1], d1[1] / 17) && near(d17[2], d1[2] / 17));

    dsms_store *st = results_store("2025-04-21");
    DSR_AT(st, R2, "2023", deaths, 1);
    DSR_AT(st, ENG, "2023", deaths, 17);
    DSR_AT(st, R2, "2021-2023", deaths, 3);
    DSR_AT(st, ENG, "2021-2023", deaths, 3 * 17);
    got g = row_at(__LINE__, st, "drug_deaths_dsr", R1, "2023", "all");
    CHECK(g.num == 0 && g.den == 16 * 8970 && isnan(g.value) && isnan(g.lo998));
    dsms_store_close(st);
}

/* ---- reading results by any filter ----------------------------------------------------- */

/* The store reads a filter through the results' key (measure, area, period, breakdown,
 * category), walking a measure's areas, or the measures, when a leading column of the key
 * is not given. Whatever the path, the rows must be those a plain filter over every row
 * keeps, in the key's order: checked here for each of the 16 ways of giving or leaving out
 * the four, with values that are stored (the first row's, a middle row's, the last row's,
 * so taken together as well as apart) and values that match nothing (sorting between stored
 * ones, before all and after all). */

typedef struct {
    char *measure, *area_code, *level, *period, *breakdown, *category;
    char *vs_england, *vs_comparators, *trend;
    double num[7];
    int provisional, disclosure, by_occurrence, incomplete_history;
} kept_row;

typedef struct {
    kept_row *rows;
    size_t n, cap;
    size_t stop_after; /* stop (return 1) after this many rows; 0 never */
} kept;

static char *dup_or_null(const char *s)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d) exit(2);
    return d;
}

static int keep_row(void *ctx, const dsms_result *r)
{
    kept *k = ctx;
    if (k->n == k->cap) {
        k->cap = k->cap ? 2 * k->cap : 1024;
        k->rows = realloc(k->rows, k->cap * sizeof *k->rows);
        if (!k->rows) exit(2);
    }
    kept_row *x = &k->rows[k->n++];
    x->measure = dup_or_null(r->measure), x->area_code = dup_or_null(r->area_code);
    x->level = dup_or_null(r->level), x->period = dup_or_null(r->period);
    x->breakdown = dup_or_null(r->breakdown), x->category = dup_or_null(r->category);
    x->vs_england = dup_or_null(r->vs_england);
    x->vs_comparators = dup_or_null(r->vs_comparators), x->trend = dup_or_null(r->trend);
    double v[7] = {r->numerator, r->denominator, r->value, r->lower95,
                   r->upper95,   r->lower99_8,  r->upper99_8};
    memcpy(x->num, v, sizeof v);
    x->provisional = r->provisional, x->disclosure = (int)r->disclosure;
    x->by_occurrence = r->by_occurrence, x->incomplete_history = r->incomplete_history;
    return k->stop_after && k->n >= k->stop_after ? 1 : 0;
}

static void kept_free(kept *k)
{
    for (size_t i = 0; i < k->n; i++) {
        kept_row *x = &k->rows[i];
        char *s[] = {x->measure,    x->area_code,  x->level,          x->period, x->breakdown,
                     x->category,   x->vs_england, x->vs_comparators, x->trend};
        for (size_t j = 0; j < sizeof s / sizeof *s; j++) free(s[j]);
    }
    free(k->rows);
    memset(k, 0, sizeof *k);
}

static int same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* The same row: every field, a number NaN in both or equal. */
static int same_row(const kept_row *a, const kept_row *b)
{
    for (int i = 0; i < 7; i++)
        if (!(isnan(a->num[i]) ? isnan(b->num[i]) : a->num[i] == b->num[i])) return 0;
    return same_text(a->measure, b->measure) && same_text(a->area_code, b->area_code) &&
           same_text(a->level, b->level) && same_text(a->period, b->period) &&
           same_text(a->breakdown, b->breakdown) && same_text(a->category, b->category) &&
           same_text(a->vs_england, b->vs_england) &&
           same_text(a->vs_comparators, b->vs_comparators) && same_text(a->trend, b->trend) &&
           a->provisional == b->provisional && a->disclosure == b->disclosure &&
           a->by_occurrence == b->by_occurrence && a->incomplete_history == b->incomplete_history;
}

/* The key's order, column by column (the store compares bytes, as strcmp does). */
static int key_cmp(const kept_row *a, const kept_row *b)
{
    const char *x[] = {a->measure, a->area_code, a->period, a->breakdown, a->category};
    const char *y[] = {b->measure, b->area_code, b->period, b->breakdown, b->category};
    for (int i = 0; i < 5; i++) {
        int c = strcmp(x[i], y[i]);
        if (c) return c;
    }
    return 0;
}

static int filter_keeps(const dsms_result_filter *f, const kept_row *r)
{
    return (!f->measure || strcmp(f->measure, r->measure) == 0) &&
           (!f->area_code || strcmp(f->area_code, r->area_code) == 0) &&
           (!f->period || strcmp(f->period, r->period) == 0) &&
           (!f->breakdown || strcmp(f->breakdown, r->breakdown) == 0);
}

/* One filter read against the plain filter over all rows; the number of rows. */
static size_t read_as_filtered(dsms_store *st, const kept *all, const dsms_result_filter *f)
{
    kept got = {0};
    dsms_err err = {""};
    int rc = dsms_store_each_result(st, f, keep_row, &got, &err);
    if (rc) fprintf(stderr, "results: %s\n", err.msg);
    CHECK_INT(rc, 0);
    size_t want = 0, bad = 0;
    for (size_t i = 0; i < all->n; i++) {
        if (!filter_keeps(f, &all->rows[i])) continue;
        if (want >= got.n || !same_row(&got.rows[want], &all->rows[i])) bad++;
        want++;
    }
    if (want == got.n && bad == 0) check_passed++;
    else {
        check_failed++;
        fprintf(stderr, "filter measure %s area %s period %s breakdown %s: %zu rows, %zu wanted,"
                        " %zu not as wanted\n",
                f->measure ? f->measure : "-", f->area_code ? f->area_code : "-",
                f->period ? f->period : "-", f->breakdown ? f->breakdown : "-", got.n, want, bad);
    }
    /* Stopped by the callback after 3 rows: the first 3 of them, and no more. */
    if (want > 3) {
        kept first = {.stop_after = 3};
        CHECK_INT(dsms_store_each_result(st, f, keep_row, &first, &err), 0);
        CHECK_INT(first.n, 3);
        for (size_t i = 0; i < first.n && i < got.n; i++)
            CHECK(same_row(&first.rows[i], &got.rows[i]));
        kept_free(&first);
    }
    kept_free(&got);
    return want;
}

static void filters_over(dsms_store *st, const char *what)
{
    kept all = {0};
    dsms_err err = {""};
    dsms_result_filter none = {NULL, NULL, NULL, NULL};
    CHECK_INT(dsms_store_each_result(st, &none, keep_row, &all, &err), 0);
    CHECK(all.n > 200);
    if (all.n < 3) {
        kept_free(&all);
        return;
    }
    /* The full read is in the key's order, each key once. */
    size_t out_of_order = 0;
    for (size_t i = 1; i < all.n; i++) out_of_order += key_cmp(&all.rows[i - 1], &all.rows[i]) >= 0;
    CHECK_INT(out_of_order, 0);

    /* For each column: stored values (the first, a middle and the last row's) and values
     * stored nowhere: "" before all, "~" after all, a stored value with "!" added (between
     * it and the next one up). The first stored value with a "0" added too: an area code's
     * neighbour. */
    enum { NV = 7 };
    const kept_row *pick[3] = {&all.rows[0], &all.rows[all.n / 2], &all.rows[all.n - 1]};
    char between[4][80], next_to[4][80];
    const char *vals[4][NV];
    for (int c = 0; c < 4; c++) {
        const char *v[3];
        for (int p = 0; p < 3; p++)
            v[p] = c == 0 ? pick[p]->measure : c == 1 ? pick[p]->area_code
                   : c == 2 ? pick[p]->period : pick[p]->breakdown;
        snprintf(between[c], sizeof between[c], "%s!", v[1]);
        snprintf(next_to[c], sizeof next_to[c], "%s0", v[0]);
        const char *list[NV] = {v[0], v[1], v[2], "", "~", between[c], next_to[c]};
        memcpy(vals[c], list, sizeof list);
    }
    /* The values meant to match nothing match nothing. */
    for (size_t i = 0; i < all.n; i++) {
        const kept_row *r = &all.rows[i];
        const char *col[4] = {r->measure, r->area_code, r->period, r->breakdown};
        for (int c = 0; c < 4; c++)
            for (int k = 3; k < NV; k++)
                if (strcmp(col[c], vals[c][k]) == 0) {
                    check_failed++;
                    fprintf(stderr, "%s: '%s' is stored\n", what, vals[c][k]);
                }
    }

    long queries = 0;
    for (int mask = 0; mask < 16; mask++) {
        /* for each column given, each of its values in turn */
        int given[4], ngiven = 0;
        for (int c = 0; c < 4; c++)
            if (mask & (1 << c)) given[ngiven++] = c;
        int combos = 1;
        for (int g = 0; g < ngiven; g++) combos *= NV;
        size_t most = 0, empty = 0;
        for (int k = 0; k < combos; k++) {
            const char *v[4] = {NULL, NULL, NULL, NULL};
            for (int g = 0, rest = k; g < ngiven; g++, rest /= NV)
                v[given[g]] = vals[given[g]][rest % NV];
            dsms_result_filter f = {v[0], v[1], v[2], v[3]};
            size_t n = read_as_filtered(st, &all, &f);
            if (n > most) most = n;
            empty += n == 0;
            queries++;
        }
        /* Each way of filtering finds rows with the stored values, and none with the others
         * (every combination with a value stored nowhere is empty). */
        CHECK(most > 0);
        if (ngiven) CHECK(empty > 0);
        /* One column given alone (or none) selects many rows. */
        if (ngiven <= 1) CHECK(most >= 20);
        printf("filters of %s, measure %s area %s period %s breakdown %s: %d reads, "
               "at most %zu rows, %zu empty\n",
               what, mask & 1 ? "given" : "-", mask & 2 ? "given" : "-", mask & 4 ? "given" : "-",
               mask & 8 ? "given" : "-", combos, most, empty);
    }
    printf("filters of %s: %ld reads over %zu rows\n", what, queries, all.n);
    kept_free(&all);
}

static void filtered_reads(void)
{
    dsms_store *st = results_store("2025-04-21");
    filters_over(st, "seventeen areas");
    dsms_store_close(st);
    st = treatment_store();
    filters_over(st, "two areas");
    dsms_store_close(st);
}

int main(void)
{
    expected_against_actual();
    catalogue();
    treatment();
    exits();
    deaths_in_treatment();
    releases();
    top_outcomes();
    justice();
    england_definitions();
    into_treatment_people();
    drug_deaths();
    recompute();
    storing_fails();
    years_covered();
    incomplete_history();
    quarters();
    organisations();
    comparisons_and_trends();
    standardised_rates();
    filtered_reads();
    support_cleanup();
    return check_summary();
}
