/* test_needs.c — the measures of needs in treatment (measures_needs.c) and
 * the ethnicity and reason breakdowns, computed over a data set built by
 * hand, with the working beside each expected figure (docs/measures.md
 * defines them); and the edges: an intervention ending the day before a
 * period, a journey of exactly 24 months, a DRR start to treatment of day 0
 * and of 21 against 22 days, a referral closed in the next period, and
 * ethnicity not stated (Z) or missing.
 *
 * Area H = E06000001 Hartlepool. FY23 = 2023-24 (2023-04-01 to 2024-03-31),
 * FY24 = 2024-25 (2024-04-01 to 2025-03-31). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "dsms/measures.h"
#include "support.h"

#define H "E06000001"
#define FY23 "2023-24"
#define FY24 "2024-25"

static void load(dsms_store *st, const char *source, const char *name, const char *text)
{
    const char *f = support_file(name, text);
    dsms_import_result r;
    diag_list d;
    int rc = support_import(st, source, &f, 1, &r, &d, 0);
    for (int i = 0; rc != DSMS_OK && i < d.n; i++)
        fprintf(stderr, "%s: %ld: %s: %s %s\n", name, d.d[i].line, d.d[i].field, d.d[i].rule,
                d.d[i].message);
    CHECK_INT(rc, DSMS_OK);
}

typedef struct {
    int found;
    double num, den, value;
} got;

typedef struct {
    const char *category;
    got *g;
} seek;

static int take(void *ctx, const dsms_result *r)
{
    seek *s = ctx;
    if (strcmp(r->category, s->category) == 0) {
        s->g->found++;
        s->g->num = r->numerator, s->g->den = r->denominator, s->g->value = r->value;
    }
    return 0;
}

static got result(dsms_store *st, const char *measure, const char *period, const char *bd,
                  const char *cat)
{
    got g = {0, NAN, NAN, NAN};
    seek s = {cat, &g};
    dsms_result_filter f = {measure, H, period, bd};
    dsms_err err = {""};
    if (dsms_store_each_result(st, &f, take, &s, &err)) fprintf(stderr, "results: %s\n", err.msg);
    return g;
}

static int same(double a, double b)
{
    return (isnan(a) && isnan(b)) || fabs(a - b) < 1e-9;
}

/* One row of measure in H: its numerator, denominator (NAN: none) and value. */
static void expect_at(int line, dsms_store *st, const char *measure, const char *period,
                      const char *bd, const char *cat, double num, double den, double value)
{
    got g = result(st, measure, period, bd, cat);
    if (g.found == 1 && same(g.num, num) && same(g.den, den) && same(g.value, value)) {
        check_passed++;
        return;
    }
    check_failed++;
    fprintf(stderr, "%s:%d: %s %s %s %s: %d rows, %g / %g = %g; expected %g / %g = %g\n",
            __FILE__, line, measure, period, bd, cat, g.found, g.num, g.den, g.value, num, den,
            value);
}
/* A count of people (or referrals): no denominator. */
#define COUNT(st, m, period, bd, cat, n) expect_at(__LINE__, st, m, period, bd, cat, n, NAN, n)
/* A percentage. */
#define PROP(st, m, period, bd, cat, num, den)                                               \
    expect_at(__LINE__, st, m, period, bd, cat, num, den, (double)(num) / (den) * 100)
#define ABSENT(st, m, period, bd, cat) CHECK_INT(result(st, m, period, bd, cat).found, 0)

#define EPISODES                                                                               \
    "provider_code,episode_ref,initials,date_of_birth,sex,consent,ethnicity,area_code,"       \
    "referral_date,referral_source,first_intervention_date,setting,substance_1,"             \
    "injecting_status,housing_need,parent_status,hep_b_vaccinated,discharge_date,"           \
    "discharge_reason\n"

/* The people (all in H, provider P0001):
 *  Q1 AA M, white (A), heroin, injects, hep B Y, no fixed abode, lives with children,
 *     referred by police 2023-04-01, first intervention 2023-04-10, open. Inpatient
 *     detox 2023-05-01..05-20; housing support from 2023-06-01.
 *  Q2 BB F, ethnicity Z, alcohol, injected before, hep B N, housing problem, children
 *     elsewhere, GP 2023-05-01 -> 2023-05-02, dropped out 2023-12-01. Residential
 *     rehab 2023-06-01..08-01.
 *  Q3 CC M, ethnicity missing, heroin, never injected, housing missing, not a parent,
 *     court_drr 2023-06-01 -> 2023-06-05, open. Residential rehab 2023-06-05..2024-03-31
 *     (ends the day before FY24).
 *  Q4 DD F, black (N), heroin, self 2021-02-15 -> 2021-03-31, open. Mutual aid
 *     2022-01-01..2023-03-31 (ends the day before FY23).
 *  Q5 EE M, Asian (H), heroin, self 2022-03-01 -> 2022-03-31, open; also a prison
 *     episode Q5P from 2023-09-01, open, with an inpatient detox 2023-09-05..09-20 and
 *     peer support from 2023-09-05 (treatment in prison: counted in neither).
 *  Q6 FF M, other (R), heroin, self 2022-03-20 -> 2022-04-01, open.
 *  Q7 GG F, mixed (D), cannabis, injected before, hep B missing, no fixed abode,
 *     probation 2023-07-01 -> 2023-07-01, completed 2023-09-01.
 *  Q8 MM M, white (A), cannabis, court_drr 2023-08-01 -> 2023-08-23, open.
 *  Referrals never started: R1 HH F (A) 2023-10-01, closed 2023-11-01 commencement
 *  declined; R2 JJ M (B) 2024-03-01, closed 2024-04-02 (FY24) dropped out; R3 KK M
 *  2024-03-10, still open; R4 consent N 2023-05-01, closed 2023-06-01 referral refused.
 * Orders (probation PR01, all ongoing): DRR of Q3 from 2023-06-05 (treatment the same
 * day: 0 days); DRR of Q1 from 2023-05-01 (already in treatment: left out); DRR of LL M
 * (never treated: 91 or more) from 2023-07-01; DRR of Q7 from 2023-06-10 (21 days); DRR
 * of Q8 from 2023-08-01 (22 days); an ATR of Q2 from 2023-05-01 (not a DRR). */
static dsms_store *needs_store(void)
{
    dsms_store *st = support_store();
    load(st, "P0001", "episodes.csv",
         EPISODES
         "P0001,Q1,AA,1985-06-15,M,Y,A," H ",2023-04-01,police,2023-04-10,C,heroin,current,"
         "nfa,lives_with_children,Y,,\n"
         "P0001,Q2,BB,1990-01-01,F,Y,Z," H ",2023-05-01,gp,2023-05-02,C,alcohol,previous,"
         "housing_problem,children_elsewhere,N,2023-12-01,dropped_out\n"
         "P0001,Q3,CC,1980-01-01,M,Y,," H ",2023-06-01,court_drr,2023-06-05,C,heroin,never,,"
         "not_parent,,,\n"
         "P0001,Q4,DD,1975-01-01,F,Y,N," H ",2021-02-15,self,2021-03-31,C,heroin,,,,,,\n"
         "P0001,Q5,EE,1985-01-01,M,Y,H," H ",2022-03-01,self,2022-03-31,C,heroin,,,,,,\n"
         "P0001,Q5P,EE,1985-01-01,M,Y,H," H ",2023-09-01,prison,2023-09-01,P,heroin,,,,,,\n"
         "P0001,Q6,FF,1985-02-01,M,Y,R," H ",2022-03-20,self,2022-04-01,C,heroin,,,,,,\n"
         "P0001,Q7,GG,1995-01-01,F,Y,D," H ",2023-07-01,probation,2023-07-01,C,cannabis,"
         "previous,nfa,,,2023-09-01,completed_drug_free\n"
         "P0001,Q8,MM,1985-06-15,M,Y,A," H ",2023-08-01,court_drr,2023-08-23,C,cannabis,never,"
         "no_problem,,,,\n"
         "P0001,R1,HH,1990-01-01,F,Y,A," H ",2023-10-01,gp,,C,cannabis,,,,,2023-11-01,"
         "commencement_declined\n"
         "P0001,R2,JJ,1990-01-01,M,Y,B," H ",2024-03-01,gp,,C,cannabis,,,,,2024-04-02,"
         "dropped_out\n"
         "P0001,R3,KK,1990-01-01,M,Y,A," H ",2024-03-10,gp,,C,cannabis,,,,,,\n"
         "P0001,R4,,,,N,A," H ",2023-05-01,gp,,C,cannabis,,,,,2023-06-01,referral_refused\n");
    load(st, "P0001", "interventions.csv",
         "provider_code,episode_ref,intervention_ref,type,start_date,end_date,exit_reason\n"
         "P0001,Q1,I1,inpatient_detox,2023-05-01,2023-05-20,completed\n"
         "P0001,Q1,I2,housing_support,2023-06-01,,\n"
         "P0001,Q2,I1,residential_rehab,2023-06-01,2023-08-01,completed\n"
         "P0001,Q3,I1,residential_rehab,2023-06-05,2024-03-31,completed\n"
         "P0001,Q4,I1,mutual_aid,2022-01-01,2023-03-31,completed\n"
         "P0001,Q5P,I1,inpatient_detox,2023-09-05,2023-09-20,completed\n"
         "P0001,Q5P,I2,peer_support,2023-09-05,,\n");
    load(st, "PR01", "orders.csv",
         "probation_region,order_ref,initials,date_of_birth,sex,area_code,order_type,"
         "start_date,end_date,outcome\n"
         "PR01,O1,CC,1980-01-01,M," H ",drr,2023-06-05,,ongoing\n"
         "PR01,O2,AA,1985-06-15,M," H ",drr,2023-05-01,,ongoing\n"
         "PR01,O3,LL,1985-06-15,M," H ",drr,2023-07-01,,ongoing\n"
         "PR01,O4,GG,1995-01-01,F," H ",drr,2023-06-10,,ongoing\n"
         "PR01,O5,MM,1985-06-15,M," H ",drr,2023-08-01,,ongoing\n"
         "PR01,O6,BB,1990-01-01,F," H ",atr,2023-05-01,,ongoing\n");
    dsms_compute_report rep = {0};
    dsms_err err = {""};
    int rc = dsms_compute(st, NULL, 0, &rep, &err);
    if (rc) fprintf(stderr, "compute: %s\n", err.msg);
    CHECK_INT(rc, 0);
    return st;
}

/* In treatment in FY23: Q1-Q8 = 8; in FY24: Q1, Q3, Q4, Q5, Q6, Q8 = 6 (Q2 and Q7
 * were discharged in FY23; the referrals were never treated). */
static void needs(dsms_store *st)
{
    COUNT(st, "in_treatment", FY23, "all", "all", 8);
    COUNT(st, "in_treatment", FY24, "all", "all", 6);
    COUNT(st, "in_treatment_secure", FY23, "all", "all", 1); /* Q5P */
    /* Housing need: Q1 nfa, Q2 housing problem, Q7 nfa; Q3's is missing, Q8 none. */
    COUNT(st, "housing_need", FY23, "all", "all", 3);
    COUNT(st, "housing_nfa", FY23, "all", "all", 2);
    COUNT(st, "housing_nfa", FY23, "sex", "F", 1);      /* Q7 */
    COUNT(st, "housing_nfa", FY23, "ethnicity", "mixed", 1); /* Q7 */
    COUNT(st, "housing_need", FY24, "all", "all", 1); /* Q1 */
    COUNT(st, "housing_nfa", FY24, "all", "all", 1);
    /* Parents living with their children: Q1 only (Q2's live elsewhere). */
    COUNT(st, "parents_with_children", FY23, "all", "all", 1);
    COUNT(st, "parents_with_children", FY23, "ethnicity", "white", 1);
    /* Inpatient detox: Q1 (May 2023). Residential rehab: Q2 and Q3 in FY23; in FY24
     * Q3's ended 2024-03-31, the day before the year: 0 (the "all" row is kept). */
    COUNT(st, "inpatient_detox", FY23, "all", "all", 1);
    COUNT(st, "inpatient_detox", FY24, "all", "all", 0);
    COUNT(st, "residential_rehab", FY23, "all", "all", 2);
    COUNT(st, "residential_rehab", FY23, "substance", "alcohol", 1); /* Q2 */
    COUNT(st, "residential_rehab", FY24, "all", "all", 0);
    /* Recovery support: Q1's housing support (FY23, FY24); Q4's mutual aid ended
     * 2023-03-31, the day before FY23, so neither it nor mutual_aid counts her. */
    COUNT(st, "recovery_support", FY23, "all", "all", 1);
    COUNT(st, "recovery_support", FY24, "all", "all", 1);
    PROP(st, "mutual_aid", FY23, "all", "all", 0, 8);
    /* Hepatitis B: of those who inject or have injected (Q1 current, Q2 and Q7
     * previous), Q1 is vaccinated (Q2 N, Q7 not recorded): 1 / 3, the same
     * denominator as hepatitis C's. */
    PROP(st, "hep_b_vaccinated", FY23, "all", "all", 1, 3);
    PROP(st, "hep_c_tested", FY23, "all", "all", 0, 3);
    PROP(st, "hep_b_vaccinated", FY23, "ethnicity", "not_stated", 0, 1); /* Q2 (Z) */
    /* FY24: Q1 alone injects among those in treatment. */
    PROP(st, "hep_b_vaccinated", FY24, "all", "all", 1, 1);
}

/* Opiate clients in treatment: FY23 Q1, Q3, Q4, Q5, Q6 = 5 (Q2 alcohol; Q7, Q8
 * cannabis). Long-term: a journey begun on or before 2022-03-31, 24 months before
 * 2024-03-31: Q4 (2021-03-31) and Q5 (exactly 2022-03-31); not Q6 (2022-04-01):
 * 2 / 5. FY24 (on or before 2023-03-31): Q4, Q5, Q6 of the same 5: 3 / 5. */
static void long_term(dsms_store *st)
{
    PROP(st, "opiate_long_term", FY23, "all", "all", 2, 5);
    PROP(st, "opiate_long_term", FY24, "all", "all", 3, 5);
    COUNT(st, "in_treatment", FY23, "substance", "opiate", 5); /* the shared count */
    PROP(st, "opiate_long_term", FY23, "sex", "F", 1, 1);       /* Q4 */
    PROP(st, "opiate_long_term", FY23, "ethnicity", "asian", 1, 1); /* Q5 */
    PROP(st, "opiate_long_term", FY23, "ethnicity", "other_ethnic", 0, 1); /* Q6 */
    ABSENT(st, "opiate_long_term", FY23, "substance", "opiate");
}

/* New presentations in FY23: Q1, Q2, Q3, Q7, Q8 (Q4-Q6 began before). Referred by
 * criminal justice: Q1 police, Q3 court_drr, Q7 probation, Q8 court_drr = 4. */
static void cj_referrals(dsms_store *st)
{
    COUNT(st, "new_presentations", FY23, "all", "all", 5);
    COUNT(st, "cj_referrals", FY23, "all", "all", 4);
    COUNT(st, "cj_referrals", FY23, "ethnicity", "white", 2);      /* Q1, Q8 */
    COUNT(st, "cj_referrals", FY23, "ethnicity", "not_stated", 1); /* Q3: missing */
    COUNT(st, "cj_referrals", FY23, "substance", "opiate", 2);     /* Q1, Q3 */
    ABSENT(st, "cj_referrals", FY23, "ethnicity", "black");
    COUNT(st, "cj_referrals", FY24, "all", "all", 0);
}

/* DRRs started in FY23, counted: Q3's (day 0), LL's (none: 91), Q7's (21), Q8's
 * (22); Q1's is left out (in treatment on the day); the ATR is not a DRR. Within
 * 3 weeks: 0 and 21: 2 / 4; by sex M: Q3, LL, Q8: 1 / 3; F: Q7: 1 / 1. Median of
 * 0, 21, 22, 91: (21 + 22) / 2 = 21.5. */
static void drr(dsms_store *st)
{
    PROP(st, "drr_treatment_3wk", FY23, "all", "all", 2, 4);
    PROP(st, "drr_treatment_3wk", FY23, "sex", "M", 1, 3);
    PROP(st, "drr_treatment_3wk", FY23, "sex", "F", 1, 1);
    got g = result(st, "drr_treatment_median_days", FY23, "all", "all");
    CHECK_INT(g.found, 1);
    CHECK(same(g.num, 4) && same(g.value, 21.5));
    ABSENT(st, "drr_treatment_3wk", FY24, "sex", "M");
}

/* Referrals closed without treatment, by discharge date: FY23 R1 (declined) and
 * R4 (refused; consent N still counts) = 2; FY24 R2 (closed 2024-04-02, referred
 * in FY23) = 1; R3 is open and not counted. Episodes, not people. */
static void not_started(dsms_store *st)
{
    COUNT(st, "referrals_not_started", FY23, "all", "all", 2);
    COUNT(st, "referrals_not_started", FY23, "reason", "commencement_declined", 1);
    COUNT(st, "referrals_not_started", FY23, "reason", "referral_refused", 1);
    ABSENT(st, "referrals_not_started", FY23, "reason", "dropped_out");
    COUNT(st, "referrals_not_started", FY24, "all", "all", 1);
    COUNT(st, "referrals_not_started", FY24, "reason", "dropped_out", 1);
    /* 12 months to June 2024 (2023-07-01 to 2024-06-30): R1 and R2; "all" only. */
    COUNT(st, "referrals_not_started", "12m-2024-06", "all", "all", 2);
    ABSENT(st, "referrals_not_started", "12m-2024-06", "reason", "dropped_out");
    ABSENT(st, "referrals_not_started", FY23, "sex", "F");
    ABSENT(st, "referrals_not_started", FY23, "ethnicity", "white");
}

/* The ethnicity breakdown adds up to "all": white Q1, Q8; mixed Q7; Asian Q5; black
 * Q4; other Q6; not stated Q2 (Z) and Q3 (missing). Only measures produced by it
 * have it; the reason breakdown belongs to referrals_not_started alone. */
static void breakdowns(dsms_store *st)
{
    COUNT(st, "in_treatment", FY23, "ethnicity", "white", 2);
    COUNT(st, "in_treatment", FY23, "ethnicity", "mixed", 1);
    COUNT(st, "in_treatment", FY23, "ethnicity", "asian", 1);
    COUNT(st, "in_treatment", FY23, "ethnicity", "black", 1);
    COUNT(st, "in_treatment", FY23, "ethnicity", "other_ethnic", 1);
    COUNT(st, "in_treatment", FY23, "ethnicity", "not_stated", 2);
    PROP(st, "effective_treatment", FY23, "ethnicity", "black", 1, 1); /* Q4: years in */
    ABSENT(st, "in_treatment", "12m-2024-06", "ethnicity", "white");
    ABSENT(st, "drr_completion", FY23, "ethnicity", "white");
    ABSENT(st, "top_abstinent", FY23, "ethnicity", "white");
    ABSENT(st, "in_treatment", FY23, "reason", "dropped_out");
    /* Every category name is unique, so that it says its breakdown. */
    int dup = 0, n = 0;
    for (const char *a; (a = dsms_category_name(n)); n++)
        for (int k = 0; k < n; k++) dup += strcmp(a, dsms_category_name(k)) == 0;
    CHECK_INT(dup, 0);
    CHECK_INT(n, 1 + 4 + 3 + 6 + 6 + 11);
    CHECK_STR(dsms_category_name(14), "white");
    CHECK_STR(dsms_category_name(19), "not_stated");
    CHECK_STR(dsms_category_name(20), "completed_drug_free");
    CHECK_STR(dsms_category_name(30), "client_died");
}

/* The new measures' counts are shared for disclosure control where they are
 * another measure's: hepatitis B's denominator with hepatitis C's, the DRR
 * starts between the 3-week share and the median; the counts of people
 * (housing need...) share nothing. */
static void shared(void)
{
    CHECK(dsms_measures_share("hep_b_vaccinated", "hep_c_tested"));
    CHECK(dsms_measures_share("drr_treatment_3wk", "drr_treatment_median_days"));
    CHECK(dsms_measures_share("opiate_long_term", "in_treatment"));
    CHECK(!dsms_measures_share("housing_need", "in_treatment"));
    CHECK(!dsms_measures_share("cj_referrals", "new_presentations"));
    CHECK(!dsms_measures_share("referrals_not_started", "in_treatment"));
}

int main(void)
{
    dsms_store *st = needs_store();
    needs(st);
    long_term(st);
    cj_referrals(st);
    drr(st);
    not_started(st);
    breakdowns(st);
    dsms_store_close(st);
    shared();
    support_cleanup();
    return check_summary();
}
