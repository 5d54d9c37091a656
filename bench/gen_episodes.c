/* gen_episodes.c — writes N valid, distinct episode rows for the import
 * benchmark: realistic field widths and a spread of codes, areas and dates,
 * all made from a fixed seed so every run imports the same bytes. */
#include <stdio.h>
#include <stdlib.h>

static unsigned long long state = 0x9E3779B97F4A7C15ull;

static unsigned rnd(unsigned n)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (unsigned)(state % n);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_episodes ROWS > episodes.csv\n");
        return 2;
    }
    long rows = atol(argv[1]);
    static const char *areas[] = {"E08000025", "E08000035", "E09000012", "E06000018",
                                  "E10000016", "E08000003", "E06000023", "E09000028"};
    static const char *subs[] = {"heroin", "crack", "cannabis", "alcohol", "cocaine", "heroin"};
    static const char *src[] = {"self", "gp", "arrest_referral", "probation", "family_friends"};
    static const char *reasons[] = {"completed_drug_free", "dropped_out", "completed_alcohol_free",
                                    "transferred_not_custody", "withdrawn_by_provider"};
    puts("provider_code,client_ref,episode_ref,initials,date_of_birth,sex,consent,ethnicity,"
         "area_code,referral_date,referral_source,triage_date,first_intervention_date,setting,"
         "substance_1,substance_2,substance_3,age_first_use,injecting_status,housing_need,"
         "employment_status,parent_status,mental_health_need,hep_c_tested,hep_b_vaccinated,"
         "discharge_date,discharge_reason,ost_at_exit");
    for (long i = 0; i < rows; i++) {
        unsigned y = 1950 + rnd(50), m = 1 + rnd(12), d = 1 + rnd(28);
        unsigned rm = 1 + rnd(12), rd = 1 + rnd(20);
        int done = rnd(3) == 0;
        const char *s1 = subs[rnd(6)];
        printf("P0001,C%07ld,E%08ld,%c%c,%u-%02u-%02u,%c,Y,A,%s,2024-%02u-%02u,%s,2024-%02u-%02u,"
               "2024-%02u-%02u,C,%s,%s,,%u,never,no_problem,unemployed,not_parent,N,Y,N,",
               i, i, 'A' + rnd(26), 'A' + rnd(26), y, m, d, rnd(2) ? 'M' : 'F', areas[rnd(8)], rm,
               rd, src[rnd(5)], rm, rd + 2, rm, rd + 5, s1, rnd(2) ? "alcohol" : "", 12 + rnd(20));
        if (done) printf("2025-%02u-%02u,%s,N\n", 1 + rnd(12), 1 + rnd(28), reasons[rnd(5)]);
        else printf(",,\n");
    }
    return 0;
}
