/* test_refdata.c — the reference data: the fixtures in tests/data/refdata
 * load; each kind of bad input is refused with its file:line: column message;
 * an override replaces one file; comparator groups, worked by hand on a small
 * example; the store's reference tables written and read back. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "dsms/refdata.h"
#include "support.h"

static const char fixtures[] = DSMS_TEST_FIXTURES;

/* A fixture file's text. */
static char *fixture(const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", fixtures, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

/* A fixture file with the first `from` replaced by `to`. */
static const char *variant(const char *name, const char *from, const char *to)
{
    static char out[65536];
    const char *text = fixture(name);
    const char *at = strstr(text, from);
    if (!at) {
        fprintf(stderr, "variant: no '%s' in %s\n", from, name);
        exit(2);
    }
    snprintf(out, sizeof out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    return out;
}

/* A new directory holding one file; returns the directory. */
static const char *override_dir(const char *name, const char *text)
{
    static int n;
    static char dir[4][600];
    char *d = dir[n % 4];
    snprintf(d, 600, "%s/override%d", support_dir(), n++);
    mkdir(d, 0700);
    char file[700];
    snprintf(file, sizeof file, "%s/%s", d, name);
    FILE *f = fopen(file, "wb");
    if (!f || fputs(text, f) < 0 || fclose(f)) {
        perror(file);
        exit(2);
    }
    return d;
}

/* Reading the fixtures with FILE replaced by TEXT is refused with a message
 * that is the override's path followed by WANT. */
static void refused_at(int line, const char *file, const char *text, const char *want)
{
    const char *dir = override_dir(file, text);
    dsms_refdata ref;
    dsms_err err = {""};
    char expected[1024];
    snprintf(expected, sizeof expected, "%s/%s", dir, want);
    int rc = dsms_refdata_read(&ref, fixtures, dir, &err);
    if (rc == -1 && strcmp(err.msg, expected) == 0) {
        check_passed++;
        return;
    }
    check_failed++;
    fprintf(stderr, "%s:%d: rc %d, message\n  %s\nexpected\n  %s\n", __FILE__, line, rc, err.msg,
            expected);
}
#define REFUSED(file, text, want) refused_at(__LINE__, file, text, want)

static void test_age_bands(void)
{
    CHECK_STR(dsms_age_band_label(0), "0-4");
    CHECK_STR(dsms_age_band_label(3), "15-19");
    CHECK_STR(dsms_age_band_label(18), "90+");
    CHECK(dsms_age_band_label(19) == NULL);
    CHECK(dsms_age_band_label(-1) == NULL);
    CHECK_INT(dsms_age_band_of(0), 0);
    CHECK_INT(dsms_age_band_of(4), 0);
    CHECK_INT(dsms_age_band_of(5), 1);
    CHECK_INT(dsms_age_band_of(24), 4);
    CHECK_INT(dsms_age_band_of(89), 17);
    CHECK_INT(dsms_age_band_of(90), 18);
    CHECK_INT(dsms_age_band_of(117), 18);
    CHECK_INT(dsms_age_band_of(-1), -1);
}

static void test_number_text(void)
{
    char buf[32];
    dsms_number_text(0.1, buf);
    CHECK_STR(buf, "0.1");
    dsms_number_text(1234, buf);
    CHECK_STR(buf, "1234");
    dsms_number_text(1.0 / 3, buf);
    CHECK(strtod(buf, NULL) == 1.0 / 3);
    dsms_number_text(sqrt(2) * 1e-7, buf);
    CHECK(strtod(buf, NULL) == sqrt(2) * 1e-7);
}

static void test_good(void)
{
    dsms_refdata ref;
    dsms_err err = {""};
    CHECK_INT(dsms_refdata_read(&ref, fixtures, NULL, &err), 0);
    if (*err.msg) fprintf(stderr, "%s\n", err.msg);
    CHECK_INT(ref.nregions, 3);
    CHECK_INT(ref.nforces, 4);
    CHECK_INT(ref.nprobation, 3);
    CHECK_INT(ref.nareas, 17);
    CHECK_INT(ref.nprisons, 2);
    CHECK_INT(ref.nproviders, 4);
    int hull = dsms_refdata_area(&ref, "E06000010");
    CHECK_INT(hull, 16);
    CHECK_INT(dsms_refdata_area(&ref, "E06000099"), -1);
    if (hull == 16) {
        const dsms_ref_area *a = &ref.areas[hull];
        CHECK_STR(a->name, "Kingston upon Hull, City of");
        CHECK_STR(ref.regions[a->region].code, "E12000003");
        CHECK_STR(ref.forces[a->force].code, "F04");
        CHECK_STR(ref.probation[a->probation].code, "PR03");
        CHECK(a->opiate_crack_per_1000 == 13.7);
        CHECK(a->deprivation == 40.6);
    }
    /* Hartlepool's first and last population rows. */
    CHECK(ref.areas[0].population[DSMS_SEX_M][0] == 3133);
    CHECK(ref.areas[0].population[DSMS_SEX_F][18] > 0);
    CHECK(fabs(dsms_area_population(&ref.areas[0]) - 93000) < 40);
    double esp = 0;
    for (int b = 0; b < DSMS_AGE_BANDS; b++) esp += ref.esp[b];
    CHECK(esp == 100000);
    CHECK(ref.esp[18] == 1000);
    CHECK_STR(ref.prisons[0].code, "DMI");
    CHECK_INT(ref.prisons[0].capacity, 985);
    CHECK_STR(ref.areas[ref.prisons[0].area].code, "E06000047");
    CHECK_INT(ref.providers[0].prison, -1);
    CHECK_INT(ref.providers[2].prison, 0);
    CHECK_INT(ref.providers[3].prison, 1);
    CHECK_STR(dsms_refdata_file(0), "regions.csv");
    CHECK_STR(dsms_refdata_file(7), "providers.csv");
    CHECK_STR(dsms_refdata_file(8), "registers.csv");
    CHECK_STR(dsms_refdata_file(9), "reporters.csv");
    CHECK_STR(dsms_refdata_file(10), "partnerships.csv");
    CHECK_STR(dsms_refdata_file(11), "series.csv");
    CHECK(dsms_refdata_file(12) == NULL);
    CHECK_INT(ref.nseries, 0); /* the fixtures have no series.csv: an optional file */
    CHECK_INT(ref.nregisters, 1);
    CHECK_STR(ref.registers[0].code, "ONS");
    dsms_refdata_free(&ref);
    CHECK(ref.areas == NULL && ref.nareas == 0);
}

/* Columns in another order, with one more, read the same. */
static void test_column_order(void)
{
    const char *dir = override_dir(
        "areas.csv",
        "deprivation_score,notes,opiate_crack_per_1000,probation_region_code,police_force_code,"
        "region_code,name,code\n35.0,x,14.2,PR01,F02,E12000001,Hartlepool,E06000001\n");
    dsms_refdata ref;
    dsms_err err = {""};
    /* Only one area now, so only its population rows may be there. */
    char pop[4096] = "age_band,population,sex,area_code\n";
    for (int s = 0; s < 2; s++)
        for (int b = 0; b < DSMS_AGE_BANDS; b++)
            snprintf(pop + strlen(pop), sizeof pop - strlen(pop), "%s,%d,%s,E06000001\n",
                     dsms_age_band_label(b), 100 + b, s ? "F" : "M");
    char path[700];
    snprintf(path, sizeof path, "%s/population.csv", dir);
    FILE *f = fopen(path, "w");
    fputs(pop, f);
    fclose(f);
    snprintf(path, sizeof path, "%s/prisons.csv", dir);
    f = fopen(path, "w");
    fputs("code,name,area_code,capacity\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/providers.csv", dir);
    f = fopen(path, "w");
    fputs("code,name,area_code,prison_code\nP0001,Tees,E06000001,\n", f);
    fclose(f);
    CHECK_INT(dsms_refdata_read(&ref, fixtures, dir, &err), 0);
    if (*err.msg) fprintf(stderr, "%s\n", err.msg);
    CHECK_INT(ref.nareas, 1);
    CHECK_INT(ref.nprisons, 0);
    if (ref.nareas == 1) {
        CHECK_STR(ref.areas[0].name, "Hartlepool");
        CHECK(ref.areas[0].deprivation == 35.0);
        CHECK(ref.areas[0].opiate_crack_per_1000 == 14.2);
        CHECK(ref.areas[0].population[DSMS_SEX_F][18] == 118);
        /* No other area: no comparators. */
        CHECK_INT(ref.areas[0].comparator[0], -1);
    }
    dsms_refdata_free(&ref);
}

/* An override replaces its own file and nothing else. */
static void test_override(void)
{
    const char *dir =
        override_dir("regions.csv", variant("regions.csv", "North West", "North-West"));
    dsms_refdata ref;
    dsms_err err = {""};
    CHECK_INT(dsms_refdata_read(&ref, fixtures, dir, &err), 0);
    CHECK_STR(ref.nregions == 3 ? ref.regions[1].name : "", "North-West");
    CHECK_INT(ref.nareas, 17);
    CHECK_INT(ref.nproviders, 4);
    dsms_refdata_free(&ref);
    /* A misspelt file name in an override is not ignored. */
    dir = override_dir("area.csv", fixture("areas.csv"));
    char want[800];
    snprintf(want, sizeof want,
             "%s/area.csv: file: not a reference file (expected one of regions.csv, "
             "police_forces.csv, probation_regions.csv, areas.csv, population.csv, esp2013.csv, "
             "prisons.csv, providers.csv, registers.csv, reporters.csv, partnerships.csv, "
             "series.csv, substances.csv)", dir);
    CHECK_INT(dsms_refdata_read(&ref, fixtures, dir, &err), -1);
    CHECK_STR(err.msg, want);
    /* A directory without a file refuses with the file's name. */
    dir = override_dir("regions.csv", fixture("regions.csv"));
    CHECK_INT(dsms_refdata_read(&ref, dir, NULL, &err), -1);
    snprintf(want, sizeof want, "%s/police_forces.csv: cannot open reference data: No such file "
                                "or directory", dir);
    CHECK_STR(err.msg, want);
    CHECK_INT(dsms_refdata_read(&ref, fixtures, "/nonexistent-dir", &err), -1);
    CHECK(strncmp(err.msg, "/nonexistent-dir: cannot read reference directory", 49) == 0);
}

static void test_bad_files(void)
{
    /* files and headers */
    REFUSED("regions.csv", "", "regions.csv: file: empty or unreadable (expected a header naming "
                               "its columns)");
    REFUSED("areas.csv", variant("areas.csv", "deprivation_score", "imd_score"),
            "areas.csv:1: deprivation_score: missing column (expected a header naming code, "
            "name, region_code, police_force_code, probation_region_code, "
            "opiate_crack_per_1000, deprivation_score)");
    REFUSED("regions.csv", "code,name,code\nE12000001,x,y\n",
            "regions.csv:1: code: named twice in the header (expected each column once)");
    REFUSED("regions.csv", variant("regions.csv", "North West", "North West,extra"),
            "regions.csv:3: row: row has 3 fields (expected 2 fields, as in the header)");
    REFUSED("regions.csv", variant("regions.csv", "North West", "North \"West\""),
            "regions.csv:3: row: malformed quoting (a quote inside an unquoted field, text after "
            "a closing quote, or a stray carriage return)");
    /* codes and names */
    REFUSED("regions.csv", variant("regions.csv", "E12000002", "E12000001"),
            "regions.csv:3: code: 'E12000001' is a duplicate of line 2 (expected each code once)");
    REFUSED("regions.csv", variant("regions.csv", "E12000001", "E13000001"),
            "regions.csv:2: code: 'E13000001' is not a region code (expected an ONS code such as "
            "E12000001)");
    REFUSED("regions.csv", variant("regions.csv", "North East", ""),
            "regions.csv:2: name: empty (expected a name)");
    REFUSED("police_forces.csv", variant("police_forces.csv", "F02", "F 02"),
            "police_forces.csv:3: code: 'F 02' is not a code (expected 1 to 15 letters, digits, "
            "'_' or '-')");
    REFUSED("probation_regions.csv",
            variant("probation_regions.csv", "North West",
                    "A name that goes on and on and on and on and far longer than any probation "
                    "region has been called"),
            "probation_regions.csv:3: name: 97 bytes long (expected at most 95)");
    REFUSED("areas.csv", variant("areas.csv", "E06000002", "E0600002"),
            "areas.csv:3: code: 'E0600002' is not an area code (expected an ONS code such as "
            "E08000025)");
    REFUSED("areas.csv", variant("areas.csv", "E06000002", "E06000001"),
            "areas.csv:3: code: 'E06000001' is a duplicate of line 2 (expected each code once)");
    /* references */
    REFUSED("areas.csv", variant("areas.csv", "E12000003,F04", "E12000009,F04"),
            "areas.csv:18: region_code: 'E12000009' is not in regions.csv (expected the code of a "
            "region listed there)");
    REFUSED("areas.csv", variant("areas.csv", "F04,PR03", "F09,PR03"),
            "areas.csv:18: police_force_code: 'F09' is not in police_forces.csv (expected the "
            "code of a police force listed there)");
    REFUSED("areas.csv", variant("areas.csv", "F04,PR03", "F04,PR9"),
            "areas.csv:18: probation_region_code: 'PR9' is not in probation_regions.csv "
            "(expected the code of a probation region listed there)");
    REFUSED("population.csv", variant("population.csv", "E06000001,M,0-4", "E06000099,M,0-4"),
            "population.csv:2: area_code: 'E06000099' is not in areas.csv (expected the code of "
            "an area listed there)");
    REFUSED("prisons.csv", variant("prisons.csv", "E06000047", "E06000048"),
            "prisons.csv:2: area_code: 'E06000048' is not in areas.csv (expected the code of an "
            "area listed there)");
    REFUSED("providers.csv", variant("providers.csv", "MNI", "XYZ"),
            "providers.csv:5: prison_code: 'XYZ' is not in prisons.csv (expected the code of a "
            "prison listed there, or empty for a community provider)");
    REFUSED("providers.csv", variant("providers.csv", "E08000003,MNI", "E08000001,MNI"),
            "providers.csv:5: area_code: 'E08000001' is not the area of prison MNI, E08000003 "
            "(expected the prison's area for a prison provider)");
    /* numbers */
    REFUSED("areas.csv", variant("areas.csv", "14.2,35.0", "101,35.0"),
            "areas.csv:2: opiate_crack_per_1000: '101' is more than 100 (expected estimated "
            "users per 1,000 aged 15-64, from 0 to 100)");
    REFUSED("areas.csv", variant("areas.csv", "14.2,35.0", "-0.5,35.0"),
            "areas.csv:2: opiate_crack_per_1000: '-0.5' is negative (expected estimated users "
            "per 1,000 aged 15-64, from 0 to 100)");
    REFUSED("areas.csv", variant("areas.csv", "14.2,35.0", "14.2,high"),
            "areas.csv:2: deprivation_score: 'high' is not a number (expected an index of "
            "multiple deprivation average score, 0 or more)");
    REFUSED("areas.csv", variant("areas.csv", "14.2,35.0", "14.2,nan"),
            "areas.csv:2: deprivation_score: 'nan' is not a number (expected an index of "
            "multiple deprivation average score, 0 or more)");
    REFUSED("areas.csv", variant("areas.csv", "14.2,35.0", "14.2, 35"),
            "areas.csv:2: deprivation_score: ' 35' is not a number (expected an index of "
            "multiple deprivation average score, 0 or more)");
    REFUSED("areas.csv", variant("areas.csv", "14.2,35.0", "0x1A,35.0"),
            "areas.csv:2: opiate_crack_per_1000: '0x1A' is not a number (expected estimated "
            "users per 1,000 aged 15-64, from 0 to 100)");
    REFUSED("population.csv",
            variant("population.csv", "E06000001,M,0-4,3133", "E06000001,M,0-4,-5"),
            "population.csv:2: population: '-5' is negative (expected a number of people, 0 or "
            "more)");
    REFUSED("prisons.csv", variant("prisons.csv", "985", "lots"),
            "prisons.csv:2: capacity: 'lots' is not a number (expected a whole number of people, "
            "0 or more)");
    REFUSED("prisons.csv", variant("prisons.csv", "985", "98.5"),
            "prisons.csv:2: capacity: '98.5' is not a whole number (expected a whole number of "
            "people, 0 or more)");
    /* population: sexes, bands, completeness */
    REFUSED("population.csv", variant("population.csv", "E06000001,M,0-4", "E06000001,X,0-4"),
            "population.csv:2: sex: 'X' is not a sex (expected M or F)");
    REFUSED("population.csv", variant("population.csv", "E06000001,M,0-4", "E06000001,M,0-5"),
            "population.csv:2: age_band: '0-5' is not an age band (expected an age band 0-4, "
            "5-9, ..., 85-89 or 90+)");
    REFUSED("population.csv", variant("population.csv", "E06000001,M,5-9", "E06000001,M,0-4"),
            "population.csv:3: area_code: E06000001 M 0-4 is a duplicate of line 2 (expected one "
            "row for each area, sex and age band)");
    REFUSED("population.csv", variant("population.csv", "E06000010,F,90+,", "#"),
            "population.csv:647: row: row has 1 field (expected 4 fields, as in the header)");
    char *pop = strdup(fixture("population.csv"));
    char *last = strstr(pop, "E06000010,F,90+,");
    if (last) *last = 0;
    REFUSED("population.csv", pop,
            "population.csv: area_code: no row for E06000010, sex F, age band 90+ (expected 38 "
            "rows for each area in areas.csv: sexes M and F, age bands 0-4 to 90+ each)");
    free(pop);
    /* every row of Hartlepool at 0 */
    char *zero = strdup(fixture("population.csv"));
    for (char *p = zero; (p = strstr(p, "E06000001,")); p++) {
        char *n = strchr(p, '\n');
        char *c = n;
        while (c[-1] != ',') c--;
        memmove(c + 1, n, strlen(n) + 1);
        *c = '0';
    }
    REFUSED("population.csv", zero,
            "population.csv: population: E06000001 has a population of 0 (expected people in "
            "every area)");
    free(zero);
    /* the standard population */
    REFUSED("esp2013.csv", variant("esp2013.csv", "90+,1000\n", ""),
            "esp2013.csv: age_band: no row for 90+ (expected the 19 bands 0-4, 5-9, ..., 90+, "
            "once each)");
    REFUSED("esp2013.csv", variant("esp2013.csv", "90+,1000", "90+,900"),
            "esp2013.csv: population: the bands add up to 99900 (expected 100000: the 2013 "
            "European Standard Population)");
    REFUSED("esp2013.csv", variant("esp2013.csv", "90+,1000", "95+,1000"),
            "esp2013.csv:20: age_band: '95+' is not an age band (expected an age band 0-4, 5-9, "
            "..., 85-89 or 90+)");
    REFUSED("esp2013.csv", variant("esp2013.csv", "90+,1000", "85-89,1000"),
            "esp2013.csv:20: age_band: '85-89' is a duplicate of line 19 (expected each band "
            "once)");
    REFUSED("areas.csv",
            "code,name,region_code,police_force_code,probation_region_code,"
            "opiate_crack_per_1000,deprivation_score\n",
            "areas.csv: code: no areas (expected at least one row)");
}

/* Rows of a made-up example: n areas E06000101..., all the same people, so
 * that only the opiate/crack rate and deprivation tell them apart. */
static void example(dsms_refdata *ref, dsms_ref_area *areas, size_t n, const double *rate,
                    const double *deprivation)
{
    memset(ref, 0, sizeof *ref);
    memset(areas, 0, n * sizeof *areas);
    ref->areas = areas;
    ref->nareas = n;
    for (size_t i = 0; i < n; i++) {
        snprintf(areas[i].code, sizeof areas[i].code, "E06000%03zu", 101 + i);
        areas[i].opiate_crack_per_1000 = rate[i];
        areas[i].deprivation = deprivation[i];
        for (int s = 0; s < 2; s++)
            for (int b = 0; b < DSMS_AGE_BANDS; b++) areas[i].population[s][b] = 1000;
    }
}

/* 17 areas with rates 0, 1, ..., 16 and the same deprivation: the rate's
 * standard deviation is sqrt((17^2 - 1) / 12) = sqrt(24), so areas k apart
 * are k / sqrt(24) apart; at equal distance the lower code comes first. */
static void test_comparators_by_hand(void)
{
    dsms_refdata ref;
    dsms_ref_area areas[17];
    double rate[17], dep[17];
    for (int i = 0; i < 17; i++) rate[i] = i, dep[i] = 25;
    example(&ref, areas, 17, rate, dep);
    CHECK_INT(dsms_comparators_compute(&ref), 0);
    static const int want0[15] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    static const int want8[15] = {7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15, 0};
    static const int want16[15] = {15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    int ok0 = 1, ok8 = 1, ok16 = 1, dist = 1;
    for (int k = 0; k < 15; k++) {
        ok0 &= areas[0].comparator[k] == want0[k];
        ok8 &= areas[8].comparator[k] == want8[k];
        ok16 &= areas[16].comparator[k] == want16[k];
        dist &= fabs(areas[0].comparator_distance[k] - (k + 1) / sqrt(24)) < 1e-12;
        dist &= fabs(areas[8].comparator_distance[k] - (k / 2 + 1) / sqrt(24)) < 1e-12;
    }
    CHECK(ok0);
    CHECK(ok8);
    CHECK(ok16);
    CHECK(dist);
    /* Area 8's last place: 0 and 16 are both 8 away; E06000101 comes before E06000117. */
    CHECK_INT(areas[8].comparator[14], 0);

    /* Two variables: five areas at the corners and middle of a square in
     * (rate, deprivation), and a sixth on top of the middle one. Rates
     * 0,2,0,2,1,1 and deprivations 0,0,2,2,1,1 have mean 1 and standard
     * deviation sqrt(2/3) each, so a corner is sqrt(2) * sqrt(3/2) = sqrt(3)
     * from the middle and sqrt(6) from a neighbouring corner. */
    double r2[6] = {0, 2, 0, 2, 1, 1}, d2[6] = {0, 0, 2, 2, 1, 1};
    example(&ref, areas, 6, r2, d2);
    CHECK_INT(dsms_comparators_compute(&ref), 0);
    /* The middle (4): its twin (5) at 0, then the corners in code order. */
    CHECK_INT(areas[4].comparator[0], 5);
    CHECK(areas[4].comparator_distance[0] == 0);
    CHECK_INT(areas[4].comparator[1], 0);
    CHECK_INT(areas[4].comparator[4], 3);
    CHECK(fabs(areas[4].comparator_distance[1] - sqrt(3)) < 1e-12);
    /* A corner (0): the two middles, then its neighbours 1 and 2, then 3. */
    CHECK_INT(areas[0].comparator[0], 4);
    CHECK_INT(areas[0].comparator[1], 5);
    CHECK_INT(areas[0].comparator[2], 1);
    CHECK_INT(areas[0].comparator[3], 2);
    CHECK_INT(areas[0].comparator[4], 3);
    CHECK(fabs(areas[0].comparator_distance[2] - sqrt(6)) < 1e-12);
    CHECK(fabs(areas[0].comparator_distance[4] - sqrt(12)) < 1e-12);
    /* Fewer than 16 areas: the places left over are empty. */
    CHECK_INT(areas[0].comparator[5], -1);
    CHECK_INT(areas[0].comparator[14], -1);
    for (int i = 0; i < 6; i++)
        for (int k = 0; k < 5; k++) CHECK(areas[i].comparator[k] != i);

    /* The age structure counts: equal rates, deprivation and size, and 50
     * more women aged 70-74 (and 50 fewer aged 30-34) in each area than in
     * the one before. */
    double flat[17] = {0};
    for (int i = 0; i < 17; i++) flat[i] = 10;
    example(&ref, areas, 17, flat, flat);
    for (int i = 0; i < 17; i++) {
        areas[i].population[DSMS_SEX_F][14] = 1000 + 50 * i;
        areas[i].population[DSMS_SEX_F][6] = 1000 - 50 * i;
    }
    CHECK_INT(dsms_comparators_compute(&ref), 0);
    CHECK_INT(areas[0].comparator[0], 1);
    CHECK_INT(areas[10].comparator[0], 9);
    CHECK_INT(areas[10].comparator[1], 11);
    double c[DSMS_CHARACTERISTICS];
    dsms_area_characteristics(&areas[1], c);
    CHECK(fabs(c[2] - log(38000)) < 1e-12);
    CHECK(fabs(c[3] - 4000.0 / 38000) < 1e-12);
    CHECK(fabs(c[4] - 12050.0 / 38000) < 1e-12);
    CHECK(fabs(areas[16].comparator_distance[0] - 1 / sqrt(24)) < 1e-12);
    CHECK_STR(dsms_characteristic_name(0), "opiate_crack_per_1000");
    CHECK_STR(dsms_characteristic_name(4), "share_aged_65_plus");
    CHECK(dsms_characteristic_name(5) == NULL);
}

/* On the fixtures: never the area itself, 15 different areas, nearest first,
 * ties by code; the same whatever order the areas come in. */
static void test_comparators_fixtures(void)
{
    dsms_refdata ref, again;
    dsms_err err = {""};
    if (dsms_refdata_read(&ref, fixtures, NULL, &err)) {
        CHECK(!"fixtures read");
        return;
    }
    int self = 0, full = 1, sorted = 1, distinct = 1;
    for (size_t i = 0; i < ref.nareas; i++) {
        const dsms_ref_area *a = &ref.areas[i];
        for (int k = 0; k < DSMS_COMPARATORS; k++) {
            self |= a->comparator[k] == (int)i;
            full &= a->comparator[k] >= 0;
            if (k > 0) {
                double p = a->comparator_distance[k - 1], d = a->comparator_distance[k];
                sorted &= p < d || (p == d && strcmp(ref.areas[a->comparator[k - 1]].code,
                                                     ref.areas[a->comparator[k]].code) < 0);
            }
            for (int j = 0; j < k; j++) distinct &= a->comparator[j] != a->comparator[k];
        }
    }
    CHECK(!self);
    CHECK(full);
    CHECK(sorted);
    CHECK(distinct);
    /* Middlesbrough (high need, high deprivation) is nearer Hartlepool than
     * Northumberland (low need, low deprivation) is. */
    const dsms_ref_area *hartlepool = &ref.areas[0];
    int mbro = -1, nland = -1;
    for (int k = 0; k < DSMS_COMPARATORS; k++) {
        if (hartlepool->comparator[k] == dsms_refdata_area(&ref, "E06000002")) mbro = k;
        if (hartlepool->comparator[k] == dsms_refdata_area(&ref, "E06000057")) nland = k;
    }
    CHECK(mbro >= 0 && (nland < 0 || mbro < nland));

    /* Read twice: the same groups, bit for bit. */
    CHECK_INT(dsms_refdata_read(&again, fixtures, NULL, &err), 0);
    int same = again.nareas == ref.nareas;
    for (size_t i = 0; same && i < ref.nareas; i++)
        same = memcmp(ref.areas[i].comparator, again.areas[i].comparator,
                      sizeof ref.areas[i].comparator) == 0 &&
               memcmp(ref.areas[i].comparator_distance, again.areas[i].comparator_distance,
                      sizeof ref.areas[i].comparator_distance) == 0;
    CHECK(same);
    dsms_refdata_free(&again);

    /* The areas in reverse order: every area keeps the same group. */
    char rev[8192], *text = strdup(fixture("areas.csv"));
    char *lines[32] = {""};
    int n = 0;
    for (char *p = strtok(text, "\n"); p && n < 32; p = strtok(NULL, "\n")) lines[n++] = p;
    CHECK(n > 1);
    snprintf(rev, sizeof rev, "%s\n", lines[0] ? lines[0] : "");
    for (int i = n - 1; i > 0; i--)
        snprintf(rev + strlen(rev), sizeof rev - strlen(rev), "%s\n", lines[i]);
    free(text);
    const char *dir = override_dir("areas.csv", rev);
    CHECK_INT(dsms_refdata_read(&again, fixtures, dir, &err), 0);
    same = again.nareas == ref.nareas;
    for (size_t i = 0; same && i < ref.nareas; i++) {
        const dsms_ref_area *a = &ref.areas[i];
        const dsms_ref_area *b = &again.areas[dsms_refdata_area(&again, a->code)];
        for (int k = 0; k < DSMS_COMPARATORS; k++)
            same &= strcmp(ref.areas[a->comparator[k]].code,
                           again.areas[b->comparator[k]].code) == 0 &&
                    fabs(a->comparator_distance[k] - b->comparator_distance[k]) < 1e-12;
    }
    CHECK(same);
    dsms_refdata_free(&again);
    dsms_refdata_free(&ref);
}

static int count_area(void *ctx, const char *code)
{
    (void)code;
    ++*(int *)ctx;
    return 0;
}

/* A callback that returns ctx's answer on its third call (diag.h, "Callbacks"),
 * and says why in err when it has words for it. */
typedef struct {
    int calls, answer;
    dsms_err *err;
    const char *why;
} third_call;

static int answer_third(void *ctx, const char *code)
{
    third_call *t = ctx;
    (void)code;
    if (++t->calls < 3) return 0;
    if (t->why) dsms_err_set(t->err, "%s", t->why);
    return t->answer;
}

/* The store's iterators: a positive answer stops them (not a failure), a
 * negative one fails them with the callback's words, or with what was being
 * read when it has none; a message left from before is not taken for one. */
static void test_callback_convention(dsms_store *st)
{
    dsms_err err = {"left from before"};
    third_call t = {0, 1, &err, NULL};
    CHECK_INT(dsms_store_each_area(st, answer_third, &t, &err), 0);
    CHECK_INT(t.calls, 3);
    t = (third_call){0, -1, &err, NULL};
    strcpy(err.msg, "left from before");
    CHECK_INT(dsms_store_each_area(st, answer_third, &t, &err), -1);
    CHECK_INT(t.calls, 3);
    CHECK_STR(err.msg, "out of memory reading the areas");
    t = (third_call){0, -7, &err, "areas.csv: not read"};
    CHECK_INT(dsms_store_each_area(st, answer_third, &t, &err), -1);
    CHECK_STR(err.msg, "areas.csv: not read");
}

static int same_refdata(const dsms_refdata *a, const dsms_refdata *b)
{
    if (a->nregions != b->nregions || a->nforces != b->nforces || a->nprobation != b->nprobation ||
        a->nareas != b->nareas || a->nprisons != b->nprisons || a->nproviders != b->nproviders ||
        memcmp(a->esp, b->esp, sizeof a->esp) != 0)
        return 0;
    for (size_t i = 0; i < a->nregions; i++)
        if (memcmp(&a->regions[i], &b->regions[i], sizeof a->regions[i])) return 0;
    for (size_t i = 0; i < a->nforces; i++)
        if (memcmp(&a->forces[i], &b->forces[i], sizeof a->forces[i])) return 0;
    for (size_t i = 0; i < a->nprobation; i++)
        if (memcmp(&a->probation[i], &b->probation[i], sizeof a->probation[i])) return 0;
    for (size_t i = 0; i < a->nareas; i++) {
        const dsms_ref_area *x = &a->areas[i], *y = &b->areas[i];
        if (strcmp(x->code, y->code) || strcmp(x->name, y->name) || x->region != y->region ||
            x->force != y->force || x->probation != y->probation ||
            x->opiate_crack_per_1000 != y->opiate_crack_per_1000 ||
            x->deprivation != y->deprivation ||
            memcmp(x->population, y->population, sizeof x->population) ||
            memcmp(x->comparator, y->comparator, sizeof x->comparator) ||
            memcmp(x->comparator_distance, y->comparator_distance, sizeof x->comparator_distance))
            return 0;
    }
    for (size_t i = 0; i < a->nprisons; i++)
        if (memcmp(&a->prisons[i], &b->prisons[i], sizeof a->prisons[i])) return 0;
    for (size_t i = 0; i < a->nproviders; i++)
        if (memcmp(&a->providers[i], &b->providers[i], sizeof a->providers[i])) return 0;
    return 1;
}

/* Written into a store and read back: the same, to the last bit; written
 * again: replaced, not added to. */
static void test_store(void)
{
    char path[700];
    snprintf(path, sizeof path, "%s/ref.db", support_dir());
    dsms_err err = {""};
    dsms_refdata ref, back;
    dsms_store *st = dsms_store_open(path, DSMS_STORE_CREATE, &err);
    CHECK(st != NULL);
    if (!st || dsms_refdata_read(&ref, fixtures, NULL, &err)) return;
    for (int round = 0; round < 2; round++) {
        CHECK_INT(dsms_store_begin(st, &err), 0);
        CHECK_INT(dsms_refdata_store(&ref, st, &err), 0);
        CHECK_INT(dsms_store_commit(st, &err), 0);
    }
    static const struct {
        const char *table;
        int rows;
    } want[] = {{"regions", 3},    {"police_forces", 4}, {"probation_regions", 3},
                {"areas", 17},     {"population", 646},  {"esp2013", 19},
                {"prisons", 2},    {"providers", 4},     {"registers", 1},
                {"partnerships", 0}, {"series", 0}, {"comparators", 17 * 15},
                {"reporters", 0}};
    size_t ntables;
    const char *const *tables = dsms_store_ref_tables(&ntables);
    CHECK_INT(ntables, 13);
    for (size_t i = 0; i < 13; i++) {
        CHECK_STR(tables[i], want[i].table);
        CHECK_INT(dsms_store_count(st, want[i].table, &err), want[i].rows);
    }
    int areas = 0;
    CHECK_INT(dsms_store_each_area(st, count_area, &areas, &err), 0);
    CHECK_INT(areas, 17);
    test_callback_convention(st);
    CHECK_INT(dsms_refdata_fetch(&back, st, &err), 0);
    if (*err.msg) fprintf(stderr, "%s\n", err.msg);
    CHECK(same_refdata(&ref, &back));
    dsms_refdata_free(&back);
    /* Only reference tables are reached by name. */
    CHECK_INT(dsms_store_ref_put(st, "episodes", 0, NULL, NULL, &err), -1);
    CHECK_STR(err.msg, "store: 'episodes' is not a reference table");
    dsms_refdata_free(&ref);
    dsms_store_close(st);

    /* dsms_refdata_load: read and store in one. */
    snprintf(path, sizeof path, "%s/load.db", support_dir());
    st = dsms_store_open(path, DSMS_STORE_CREATE, &err);
    CHECK_INT(dsms_refdata_load(st, fixtures, &err), 0);
    CHECK_INT(dsms_store_count(st, "population", &err), 646);
    dsms_store_close(st);
}

/* Prisons' opening and closing days: optional columns, both days included,
 * checked, and kept through the store. */
static void test_prison_dates(void)
{
    static const char text[] = "code,name,area_code,capacity,opened,closed\n"
                               "DMI,HMP Durham,E06000047,985,,2024-07-31\n"
                               "MNI,HMP Manchester,E08000003,1138,2023-05-29,\n";
    const char *dir = override_dir("prisons.csv", text);
    dsms_refdata ref, back;
    dsms_err err = {""};
    CHECK_INT(dsms_refdata_read(&ref, fixtures, dir, &err), 0);
    if (*err.msg) fprintf(stderr, "%s\n", err.msg);
    if (ref.nprisons != 2) return;
    const dsms_ref_prison *durham = &ref.prisons[0], *manchester = &ref.prisons[1];
    /* 2024-07-31 is day 19935; 2023-05-29 day 19506. */
    CHECK_INT(durham->opened, DSMS_OPEN_SINCE_EVER);
    CHECK_INT(durham->closed, 19935);
    CHECK_INT(manchester->opened, 19506);
    CHECK_INT(manchester->closed, DSMS_OPEN_STILL);
    CHECK_INT(dsms_prison_open_on(durham, 19935), 1);     /* its last day */
    CHECK_INT(dsms_prison_open_on(durham, 19936), 0);
    CHECK_INT(dsms_prison_open_on(durham, -5000), 1);
    CHECK_INT(dsms_prison_open_on(manchester, 19505), 0);
    CHECK_INT(dsms_prison_open_on(manchester, 19506), 1); /* its first day */
    CHECK_INT(dsms_prison_open_on(manchester, 40000), 1);
    /* The fixtures' prisons.csv has neither column: open on every day. */
    dsms_refdata plain;
    CHECK_INT(dsms_refdata_read(&plain, fixtures, NULL, &err), 0);
    CHECK_INT(plain.prisons[0].opened, DSMS_OPEN_SINCE_EVER);
    CHECK_INT(plain.prisons[0].closed, DSMS_OPEN_STILL);
    dsms_refdata_free(&plain);
    /* Through a store and back: the same days. */
    char path[700];
    snprintf(path, sizeof path, "%s/dates.db", support_dir());
    dsms_store *st = dsms_store_open(path, DSMS_STORE_CREATE, &err);
    CHECK(st != NULL);
    if (st) {
        CHECK_INT(dsms_refdata_store(&ref, st, &err), 0);
        CHECK_INT(dsms_refdata_fetch(&back, st, &err), 0);
        if (*err.msg) fprintf(stderr, "%s\n", err.msg);
        CHECK_INT(back.prisons[0].closed, 19935);
        CHECK_INT(back.prisons[1].opened, 19506);
        CHECK_INT(back.prisons[1].closed, DSMS_OPEN_STILL);
        dsms_refdata_free(&back);
        dsms_store_close(st);
    }
    dsms_refdata_free(&ref);

    REFUSED("prisons.csv",
            "code,name,area_code,capacity,opened,closed\nDMI,HMP Durham,E06000047,985,,"
            "2024-02-30\n",
            "prisons.csv:2: closed: '2024-02-30' is not a date (expected YYYY-MM-DD, or empty)");
    REFUSED("prisons.csv",
            "code,name,area_code,capacity,opened,closed\nDMI,HMP Durham,E06000047,985,,\n"
            "MNI,HMP Manchester,E08000003,1138,29/05/2023,\n",
            "prisons.csv:3: opened: '29/05/2023' is not a date (expected YYYY-MM-DD, or empty)");
    REFUSED("prisons.csv",
            "code,name,area_code,capacity,opened,closed\nDMI,HMP Durham,E06000047,985,"
            "2024-07-31,2024-07-30\n",
            "prisons.csv:2: closed: '2024-07-30' is before opened 2024-07-31 (expected the day "
            "the prison closed, on or after the day it opened)");
    REFUSED("prisons.csv",
            "code,name,area_code,capacity,closed\nDMI,HMP Durham,E06000047,985,2024\n",
            "prisons.csv:2: closed: '2024' is not a date (expected YYYY-MM-DD, or empty)");
    /* A missing required column still names only the required ones. */
    REFUSED("prisons.csv", "code,name,area_code,opened\nDMI,HMP Durham,E06000047,\n",
            "prisons.csv:1: capacity: missing column (expected a header naming code, name, "
            "area_code, capacity)");
}

int main(void)
{
    test_age_bands();
    test_number_text();
    test_good();
    test_column_order();
    test_override();
    test_bad_files();
    test_comparators_by_hand();
    test_comparators_fixtures();
    test_store();
    test_prison_dates();
    support_cleanup();
    return check_summary();
}
