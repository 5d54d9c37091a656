/* test_substances.c — the register of substances: the shipped
 * data/substances.csv loads and passes its checks; each kind of bad row is
 * refused with its file:line: column message; a substance added through the
 * same checks; written and read back unchanged; legal status on a day; and
 * the matching of reported names, table by table: hits (exact, synonym,
 * spelling slips), near misses that must never match a different chemical,
 * ambiguity, and text that is no name at all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "dsms/field.h"
#include "dsms/substances.h"
#include "support.h"

static const char datadir[] = DSMS_TEST_DATADIR;

static int day(const char *ymd)
{
    return (int)dsms_date_parse(ymd, strlen(ymd));
}

/* ---- the shipped register ---- */

static dsms_substances shipped;

static void test_shipped(void)
{
    dsms_err err = {""};
    CHECK_INT(dsms_substances_read(&shipped, datadir, NULL, &err), 0);
    if (*err.msg) fprintf(stderr, "%s\n", err.msg);
    CHECK(shipped.n >= 80 && shipped.n <= 125);
    /* Every family has substances. */
    for (int f = 0; f < DSMS_FAMILIES; f++) {
        size_t n = 0;
        for (size_t i = 0; i < shipped.n; i++) n += shipped.items[i].family == f;
        if (n == 0) fprintf(stderr, "no substance of family %s\n", dsms_families[f].code);
        CHECK(n > 0);
    }
    static const char *const wanted[] = {
        "heroin", "cocaine", "crack", "cannabis", "mdma", "ketamine", "amphetamine", "methadone",
        "fentanyl", "isotonitazene", "metonitazene", "protonitazene", "etonitazene",
        "etonitazepyne", "n_desethyl_isotonitazene", "butonitazene", "flunitazene",
        "mdmb_4en_pinaca", "adb_butinaca", "5f_mdmb_pica", "amb_fubinaca", "4f_mdmb_binaca",
        "mephedrone", "3_mmc", "3_cmc", "alpha_pvp", "alpha_php", "n_ethylpentedrone",
        "eutylone", "etizolam", "flualprazolam", "bromazolam", "flubromazolam", "clonazolam",
        "methoxetamine", "2f_dck"};
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
        int at = dsms_substances_find(&shipped, wanted[i]);
        if (at < 0) fprintf(stderr, "not in the register: %s\n", wanted[i]);
        CHECK(at >= 0);
    }
    int iso = dsms_substances_find(&shipped, "isotonitazene");
    if (iso >= 0) {
        const dsms_substance *s = &shipped.items[iso];
        CHECK_STR(s->name, "Isotonitazene");
        CHECK_STR(dsms_families[s->family].code, "nitazenes");
        CHECK_INT(s->nsynonyms, 1);
        CHECK_INT(s->nlegal, 2);
        CHECK(s->first_uk == DSMS_DAY_NONE);
    }
    CHECK_INT(dsms_substances_find(&shipped, "Isotonitazene"), -1); /* codes exactly */
    CHECK_INT(dsms_substances_find(&shipped, "no_such"), -1);
}

/* Legal status on a day, from the shipped register. */
static void test_legal_on(void)
{
    static const struct {
        const char *code, *day;
        dsms_legal want;
    } cases[] = {
        {"isotonitazene", "2016-05-25", DSMS_LEGAL_UNKNOWN},
        {"isotonitazene", "2016-05-26", DSMS_LEGAL_PSA},
        {"isotonitazene", "2024-03-19", DSMS_LEGAL_PSA},
        {"isotonitazene", "2024-03-20", DSMS_LEGAL_CLASS_A},
        {"isotonitazene", "2099-12-31", DSMS_LEGAL_CLASS_A},
        {"methoxetamine", "2012-04-04", DSMS_LEGAL_UNKNOWN},
        {"methoxetamine", "2012-04-05", DSMS_LEGAL_TCDO},
        {"methoxetamine", "2013-02-25", DSMS_LEGAL_TCDO},
        {"methoxetamine", "2013-02-26", DSMS_LEGAL_CLASS_B},
        {"mephedrone", "2010-04-15", DSMS_LEGAL_UNKNOWN},
        {"mephedrone", "2010-04-16", DSMS_LEGAL_CLASS_B},
        {"ketamine", "2005-12-31", DSMS_LEGAL_UNKNOWN},
        {"ketamine", "2006-01-01", DSMS_LEGAL_CLASS_C},
        {"ketamine", "2014-06-09", DSMS_LEGAL_CLASS_C},
        {"ketamine", "2014-06-10", DSMS_LEGAL_CLASS_B},
        {"cannabis", "2003-06-01", DSMS_LEGAL_CLASS_B},
        {"cannabis", "2004-01-29", DSMS_LEGAL_CLASS_C},
        {"cannabis", "2009-01-25", DSMS_LEGAL_CLASS_C},
        {"cannabis", "2009-01-26", DSMS_LEGAL_CLASS_B},
        {"methamphetamine", "2007-01-17", DSMS_LEGAL_CLASS_B},
        {"methamphetamine", "2007-01-18", DSMS_LEGAL_CLASS_A},
        {"nitrous_oxide", "2023-11-07", DSMS_LEGAL_PSA},
        {"nitrous_oxide", "2023-11-08", DSMS_LEGAL_CLASS_C},
        {"bromazolam", "2024-01-01", DSMS_LEGAL_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int at = dsms_substances_find(&shipped, cases[i].code);
        CHECK(at >= 0);
        if (at < 0) continue;
        dsms_legal got = dsms_substance_legal_on(&shipped.items[at], day(cases[i].day));
        if (got != cases[i].want)
            fprintf(stderr, "%s on %s: %s, expected %s\n", cases[i].code, cases[i].day,
                    dsms_legal_code(got), dsms_legal_code(cases[i].want));
        CHECK_INT(got, cases[i].want);
    }
    CHECK_STR(dsms_legal_code(DSMS_LEGAL_PSA), "psa");
    CHECK_STR(dsms_legal_name(DSMS_LEGAL_PSA), "Psychoactive Substances Act 2016");
    CHECK_STR(dsms_legal_code(DSMS_LEGAL_UNKNOWN), "unknown");
    CHECK(dsms_legal_code(DSMS_LEGALS) == NULL);
    CHECK(dsms_legal_name((dsms_legal)-1) == NULL);
    CHECK_INT(dsms_family_find("nitazenes"), 2);
    CHECK_INT(dsms_family_find("Nitazenes"), -1);
    CHECK_INT(dsms_family_find(NULL), -1);
    CHECK_STR(dsms_families[dsms_family_find("other")].code, "other");
}

/* ---- writing and reading back ---- */

static char *written(const dsms_substances *reg, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f) exit(2);
    CHECK_INT(dsms_substances_write(reg, f), 0);
    fclose(f);
    return text;
}

static void test_round_trip(void)
{
    size_t n1, n2;
    char *one = written(&shipped, &n1);
    dsms_substances again;
    dsms_err err = {""};
    CHECK_INT(dsms_substances_parse(&again, "written", one, n1, &err), 0);
    if (*err.msg) fprintf(stderr, "%s\n", err.msg);
    CHECK_INT(again.n, shipped.n);
    char *two = written(&again, &n2);
    CHECK(n1 == n2 && memcmp(one, two, n1) == 0);
    /* A comma in a name is quoted, and comes back. */
    int bd = dsms_substances_find(&again, "1_4_butanediol");
    CHECK(bd >= 0);
    if (bd >= 0) CHECK_STR(again.items[bd].name, "1,4-butanediol");
    CHECK(strstr(one, "\n1_4_butanediol,\"1,4-butanediol\",depressants_other,\"1,4-BD\",") !=
          NULL);
    free(one);
    free(two);
    dsms_substances_free(&again);
    dsms_substances_free(&again); /* twice: harmless */
    CHECK(again.items == NULL && again.n == 0 && again.keys == NULL);
}

/* ---- bad registers ---- */

static const char good[] =
    "code,name,family,synonyms,legal_status,first_uk\n"
    "isotonitazene,Isotonitazene,nitazenes,iso,psa:2016-05-26:2024-03-20;class_a:2024-03-20,"
    "2019-07-01\n"
    "mephedrone,Mephedrone,cathinones,4-MMC;meow meow,class_b:2010-04-16,\n"
    "3_mmc,3-MMC,cathinones,,,\n";

/* good with the first `from` replaced by `to`. */
static const char *variant(const char *from, const char *to)
{
    static char out[4096];
    const char *at = strstr(good, from);
    if (!at) {
        fprintf(stderr, "variant: no '%s'\n", from);
        exit(2);
    }
    snprintf(out, sizeof out, "%.*s%s%s", (int)(at - good), good, to, at + strlen(from));
    return out;
}

static void refused_at(int line, const char *text, const char *want)
{
    dsms_substances reg;
    dsms_err err = {""};
    int rc = dsms_substances_parse(&reg, "t.csv", text, strlen(text), &err);
    if (rc == -1 && strcmp(err.msg, want) == 0 && reg.n == 0 && reg.items == NULL) {
        check_passed++;
        return;
    }
    check_failed++;
    fprintf(stderr, "%s:%d: rc %d, message\n  %s\nexpected\n  %s\n", __FILE__, line, rc, err.msg,
            want);
    if (rc == 0) dsms_substances_free(&reg);
}
#define REFUSED(text, want) refused_at(__LINE__, text, want)

static void test_good_fixture(void)
{
    dsms_substances reg;
    dsms_err err = {""};
    CHECK_INT(dsms_substances_parse(&reg, "t.csv", good, strlen(good), &err), 0);
    CHECK_INT(reg.n, 3);
    if (reg.n == 3) {
        CHECK_INT(reg.items[0].first_uk, day("2019-07-01"));
        CHECK_INT(reg.items[1].nsynonyms, 2);
        CHECK_STR(reg.items[1].synonyms[1], "meow meow");
        CHECK_INT(reg.items[0].legal[0].to, day("2024-03-20"));
        CHECK_INT(reg.items[0].legal[1].to, DSMS_DAY_OPEN);
        CHECK_INT(reg.items[2].nlegal, 0);
        CHECK_INT(dsms_substance_legal_on(&reg.items[2], day("2020-01-01")), DSMS_LEGAL_UNKNOWN);
    }
    dsms_substances_free(&reg);
    /* Columns in another order, an extra column, CRLF, spaces around synonyms. */
    static const char other[] =
        "family,note,code,name,first_uk,legal_status,synonyms\r\n"
        "nitazenes,x,metonitazene,Metonitazene,,, meto ; m-nitazene \r\n";
    CHECK_INT(dsms_substances_parse(&reg, "t.csv", other, strlen(other), &err), 0);
    CHECK_INT(reg.n, 1);
    if (reg.n == 1) {
        CHECK_INT(reg.items[0].nsynonyms, 2);
        CHECK_STR(reg.items[0].synonyms[0], "meto");
        CHECK_STR(reg.items[0].synonyms[1], "m-nitazene");
    }
    dsms_substances_free(&reg);
    /* A header alone: an empty register. */
    CHECK_INT(dsms_substances_parse(&reg, "t.csv", good, strcspn(good, "\n") + 1, &err), 0);
    CHECK_INT(reg.n, 0);
    dsms_substances_free(&reg);
}

static void test_bad_registers(void)
{
    REFUSED("", "t.csv: file: empty or unreadable (expected a header naming its columns)");
    REFUSED("code,name,family,synonyms,legal_status\nx,X,other,,\n",
            "t.csv:1: first_uk: missing column (expected a header naming code, name, family, "
            "synonyms, legal_status, first_uk)");
    REFUSED("code,name,family,synonyms,legal_status,first_uk,code\n",
            "t.csv:1: code: named twice in the header (expected each column once)");
    REFUSED("code,\"name,family,synonyms,legal_status,first_uk\n",
            "t.csv:1: header: quoted field not closed before the end of the file");
    REFUSED(variant("3_mmc,3-MMC,cathinones,,,", "3_mmc,3-MMC,cathinones,,"),
            "t.csv:4: row: row has 5 fields (expected 6 fields, as in the header)");
    /* code */
    REFUSED(variant("3_mmc,", "3-MMC,"),
            "t.csv:4: code: '3-MMC' is not a substance code (expected 1 to 47 lower-case "
            "letters, digits or '_', not starting with '_', such as isotonitazene or 3_mmc)");
    REFUSED(variant("3_mmc,", ","),
            "t.csv:4: code: '' is not a substance code (expected 1 to 47 lower-case letters, "
            "digits or '_', not starting with '_', such as isotonitazene or 3_mmc)");
    REFUSED(variant("3_mmc,", "_mmc,"),
            "t.csv:4: code: '_mmc' is not a substance code (expected 1 to 47 lower-case "
            "letters, digits or '_', not starting with '_', such as isotonitazene or 3_mmc)");
    REFUSED(variant("3_mmc,", "mephedrone,"),
            "t.csv:4: code: 'mephedrone' is a duplicate of line 3 (expected each code once)");
    /* A code that reads as another's name. */
    REFUSED(variant("3_mmc,", "4_mmc,"),
            "t.csv:4: code: '4_mmc' reads as '4-MMC', which is a synonym of mephedrone (line 3) "
            "(expected each code, name and synonym to name one substance)");
    /* name */
    REFUSED(variant("3-MMC,", ","), "t.csv:4: name: empty (expected the substance's name)");
    REFUSED(variant("3-MMC,", "- -,"),
            "t.csv:4: name: '- -' has no letter or digit (expected a name)");
    REFUSED(variant("3-MMC,", "Meow-Meow,"),
            "t.csv:4: name: 'Meow-Meow' reads as 'meow meow', which is a synonym of mephedrone "
            "(line 3) (expected each code, name and synonym to name one substance)");
    char longname[200];
    snprintf(longname, sizeof longname, "%0100d,", 7);
    REFUSED(variant("3-MMC,", longname), "t.csv:4: name: 100 bytes long (expected at most 95)");
    REFUSED(variant("3-MMC,", "3-MMC\x1b[2J,"),
            "t.csv:4: name: '3-MMC\x1b[2J' is not UTF-8 text or holds a control character "
            "(expected a name as text)");
    REFUSED(variant("3-MMC,", "\"3-MMC\n(meta)\","),
            "t.csv:4: name: '3-MMC\n(meta)' is not UTF-8 text or holds a control character "
            "(expected a name as text)");
    REFUSED(variant("cathinones,,,", "cathinones,metaphedrone\t,,"),
            "t.csv:4: synonyms: 'metaphedrone\t' is not UTF-8 text or holds a control "
            "character (expected a name as text)");
    /* family */
    REFUSED(variant("3-MMC,cathinones", "3-MMC,cathinone"),
            "t.csv:4: family: 'cathinone' is not a family (expected synthetic_cannabinoids, "
            "cathinones, nitazenes, other_synthetic_opioids, benzodiazepines, phenethylamines, "
            "tryptamines, arylcyclohexylamines, stimulants_other, depressants_other, opioids, "
            "cocaine, cannabis or other)");
    REFUSED(variant("3-MMC,cathinones", "3-MMC,"),
            "t.csv:4: family: '' is not a family (expected synthetic_cannabinoids, "
            "cathinones, nitazenes, other_synthetic_opioids, benzodiazepines, phenethylamines, "
            "tryptamines, arylcyclohexylamines, stimulants_other, depressants_other, opioids, "
            "cocaine, cannabis or other)");
    /* synonyms: claimed by another substance after normalisation, empty, long */
    REFUSED(variant("cathinones,,,", "cathinones,metaphedrone;ISO,,"),
            "t.csv:4: synonyms: 'ISO' reads as 'iso', which is a synonym of isotonitazene "
            "(line 2) (expected each code, name and synonym to name one substance)");
    REFUSED(variant("cathinones,,,", "cathinones,Meph-Edrone,,"),
            "t.csv:4: synonyms: 'Meph-Edrone' reads as 'mephedrone', which is the code of "
            "mephedrone (line 3) (expected each code, name and synonym to name one substance)");
    REFUSED(variant("cathinones,,,", "cathinones,Iso-Tonitazene,,"),
            "t.csv:4: synonyms: 'Iso-Tonitazene' reads as 'isotonitazene', which is the code "
            "of isotonitazene (line 2) (expected each code, name and synonym to name one "
            "substance)");
    REFUSED(variant("4-MMC;meow meow", "4-MMC;;meow meow"),
            "t.csv:3: synonyms: '4-MMC;;meow meow' has an empty synonym (expected names with "
            "';' between them, none empty)");
    REFUSED(variant("4-MMC;meow meow", "4-MMC; "),
            "t.csv:3: synonyms: '4-MMC; ' has an empty synonym (expected names with ';' "
            "between them, none empty)");
    REFUSED(variant("cathinones,,,", "cathinones,--,,"),
            "t.csv:4: synonyms: '--' has no letter or digit (expected a name)");
    /* legal_status */
    REFUSED(variant("class_b:2010-04-16", "class_d:2010-04-16"),
            "t.csv:3: legal_status: 'class_d' is not a legal status (expected STATUS:FROM or "
            "STATUS:FROM:TO, ';' between entries, STATUS one of class_a, class_b, class_c, "
            "tcdo, psa or uncontrolled, dates YYYY-MM-DD)");
    REFUSED(variant("class_b:2010-04-16", "Class_B:2010-04-16"),
            "t.csv:3: legal_status: 'Class_B' is not a legal status (expected STATUS:FROM or "
            "STATUS:FROM:TO, ';' between entries, STATUS one of class_a, class_b, class_c, "
            "tcdo, psa or uncontrolled, dates YYYY-MM-DD)");
    REFUSED(variant("class_b:2010-04-16", "unknown:2010-04-16"),
            "t.csv:3: legal_status: 'unknown' is not a legal status (expected STATUS:FROM or "
            "STATUS:FROM:TO, ';' between entries, STATUS one of class_a, class_b, class_c, "
            "tcdo, psa or uncontrolled, dates YYYY-MM-DD)");
    REFUSED(variant("class_b:2010-04-16", "class_b"),
            "t.csv:3: legal_status: 'class_b' has no date it applies from (expected "
            "STATUS:FROM or STATUS:FROM:TO, ';' between entries, STATUS one of class_a, "
            "class_b, class_c, tcdo, psa or uncontrolled, dates YYYY-MM-DD)");
    REFUSED(variant("class_b:2010-04-16", "class_b:2010-02-30"),
            "t.csv:3: legal_status: '2010-02-30' in 'class_b:2010-02-30' is not a date "
            "(expected STATUS:FROM or STATUS:FROM:TO, ';' between entries, STATUS one of "
            "class_a, class_b, class_c, tcdo, psa or uncontrolled, dates YYYY-MM-DD)");
    REFUSED(variant("class_b:2010-04-16", "class_b:16/04/2010"),
            "t.csv:3: legal_status: '16/04/2010' in 'class_b:16/04/2010' is not a date "
            "(expected STATUS:FROM or STATUS:FROM:TO, ';' between entries, STATUS one of "
            "class_a, class_b, class_c, tcdo, psa or uncontrolled, dates YYYY-MM-DD)");
    REFUSED(variant("class_b:2010-04-16", "class_b:2010-04-16:"),
            "t.csv:3: legal_status: '' in 'class_b:2010-04-16:' is not a date (expected "
            "STATUS:FROM or STATUS:FROM:TO, ';' between entries, STATUS one of class_a, "
            "class_b, class_c, tcdo, psa or uncontrolled, dates YYYY-MM-DD)");
    REFUSED(variant("class_b:2010-04-16", "class_b:2010-04-16:2010-04-16"),
            "t.csv:3: legal_status: 'class_b:2010-04-16:2010-04-16' ends on or before the day "
            "it starts (expected the day it no longer applies after the day it starts)");
    REFUSED(variant("class_b:2010-04-16", "class_b:2010-04-16:2009-01-01"),
            "t.csv:3: legal_status: 'class_b:2010-04-16:2009-01-01' ends on or before the day "
            "it starts (expected the day it no longer applies after the day it starts)");
    /* Overlapping: an open entry before another, one starting before the other ends, and
     * entries out of order. */
    REFUSED(variant("psa:2016-05-26:2024-03-20", "psa:2016-05-26"),
            "t.csv:2: legal_status: 'class_a:2024-03-20' starts on 2024-03-20, while the entry "
            "before it still applies (expected entries in date order, each starting on or "
            "after the day the one before ends)");
    REFUSED(variant("psa:2016-05-26:2024-03-20", "psa:2016-05-26:2024-03-21"),
            "t.csv:2: legal_status: 'class_a:2024-03-20' starts on 2024-03-20, while the entry "
            "before it still applies (expected entries in date order, each starting on or "
            "after the day the one before ends)");
    REFUSED(variant("psa:2016-05-26:2024-03-20;class_a:2024-03-20",
                    "class_a:2024-03-20;psa:2016-05-26:2024-03-20"),
            "t.csv:2: legal_status: 'psa:2016-05-26:2024-03-20' starts on 2016-05-26, while the "
            "entry before it still applies (expected entries in date order, each starting on "
            "or after the day the one before ends)");
    REFUSED(variant("class_a:2024-03-20,", "class_a:2024-03-20;,"),
            "t.csv:2: legal_status: '' is not a legal status (expected STATUS:FROM or "
            "STATUS:FROM:TO, ';' between entries, STATUS one of class_a, class_b, class_c, "
            "tcdo, psa or uncontrolled, dates YYYY-MM-DD)");
    /* first_uk */
    REFUSED(variant("2019-07-01", "2019"),
            "t.csv:2: first_uk: '2019' is not a date (expected YYYY-MM-DD, or empty when not "
            "known)");
    /* Not CSV, or a NUL byte. */
    REFUSED(variant("3_mmc,3-MMC", "3_mmc,3-\"MMC"),
            "t.csv:4: row: malformed quoting (a quote inside an unquoted field, text after a "
            "closing quote, or a stray carriage return)");
    static const char nul[] = "code,name,family,synonyms,legal_status,first_uk\n"
                              "x,X\0Y,other,,,\n";
    dsms_substances reg;
    dsms_err err = {""};
    CHECK_INT(dsms_substances_parse(&reg, "t.csv", nul, sizeof nul - 1, &err), -1);
    CHECK_STR(err.msg, "t.csv:2: name: holds a NUL byte (expected text)");
}

/* Reading from a directory, and an override directory's file in its place. */
static void test_read_dirs(void)
{
    const char *dir = support_dir();
    char over[600], path[700];
    snprintf(over, sizeof over, "%s/override", dir);
    mkdir(over, 0700);
    dsms_substances reg;
    dsms_err err = {""};
    /* No file in the override: the data directory's. */
    CHECK_INT(dsms_substances_read(&reg, datadir, over, &err), 0);
    CHECK_INT(reg.n, shipped.n);
    dsms_substances_free(&reg);
    snprintf(path, sizeof path, "%s/substances.csv", over);
    FILE *f = fopen(path, "wb");
    if (!f || fputs(good, f) < 0 || fclose(f)) exit(2);
    CHECK_INT(dsms_substances_read(&reg, datadir, over, &err), 0);
    CHECK_INT(reg.n, 3);
    dsms_substances_free(&reg);
    f = fopen(path, "wb");
    if (!f || fputs(variant("3_mmc,", "3-MMC,"), f) < 0 || fclose(f)) exit(2);
    CHECK_INT(dsms_substances_read(&reg, datadir, over, &err), -1);
    char want[1200];
    snprintf(want, sizeof want, "%s:4: code: '3-MMC' is not a substance code", path);
    CHECK(strncmp(err.msg, want, strlen(want)) == 0);
    CHECK(reg.n == 0 && reg.items == NULL);
    snprintf(want, sizeof want, "%s/none/substances.csv: cannot open the register of "
                                "substances: No such file or directory", dir);
    snprintf(path, sizeof path, "%s/none", dir);
    CHECK_INT(dsms_substances_read(&reg, path, NULL, &err), -1);
    CHECK_STR(err.msg, want);
}

/* Adding one substance, as dsms substance add does. */
static void test_add(void)
{
    dsms_substances reg;
    dsms_err err = {""};
    CHECK_INT(dsms_substances_parse(&reg, "t.csv", good, strlen(good), &err), 0);
    const char *ok[] = {"protonitazene", "Protonitazene", "nitazenes", "proto",
                        "psa:2016-05-26:2024-03-20;class_a:2024-03-20", NULL};
    CHECK_INT(dsms_substances_add(&reg, ok, "dsms substance add", &err), 0);
    CHECK_INT(reg.n, 4);
    dsms_match m;
    CHECK_INT(dsms_substance_match(&reg, "PROTO", &m), DSMS_MATCH_SYNONYM);
    CHECK_INT(m.substance, 3);
    CHECK_INT(reg.items[3].first_uk, DSMS_DAY_NONE);
    /* Refused, the register unchanged. */
    const char *again[] = {"protonitazene", "Protonitazene", "nitazenes", "", "", ""};
    CHECK_INT(dsms_substances_add(&reg, again, "dsms substance add", &err), -1);
    CHECK_STR(err.msg, "dsms substance add: code: 'protonitazene' is already in the register "
                       "(expected a new code)");
    const char *claimed[] = {"meow", "Meow", "cathinones", "M-Cat;meow meow", "", ""};
    CHECK_INT(dsms_substances_add(&reg, claimed, "dsms substance add", &err), -1);
    CHECK_STR(err.msg, "dsms substance add: synonyms: 'meow meow' reads as 'meow meow', which "
                       "is a synonym of mephedrone (expected each code, name and synonym to "
                       "name one substance)");
    const char *badday[] = {"x1", "X1", "other", "", "", "2026-13-01"};
    CHECK_INT(dsms_substances_add(&reg, badday, "dsms substance add", &err), -1);
    CHECK_STR(err.msg, "dsms substance add: first_uk: '2026-13-01' is not a date (expected "
                       "YYYY-MM-DD, or empty when not known)");
    const char *notutf8[] = {"x2", "X\xff", "other", "", "", ""};
    CHECK_INT(dsms_substances_add(&reg, notutf8, NULL, &err), -1);
    CHECK_STR(err.msg, "substance: name: 'X\xff' is not UTF-8 text or holds a control character "
                       "(expected a name as text)");
    CHECK_INT(reg.n, 4);
    CHECK_INT(dsms_substance_match(&reg, "meow", &m), DSMS_MATCH_NONE);
    CHECK_INT(dsms_substance_match(&reg, "M-Cat", &m), DSMS_MATCH_NONE);
    dsms_substances_free(&reg);
}

/* ---- matching ---- */

typedef struct {
    int line;
    const char *text;
    dsms_match_kind kind;
    const char *code;    /* the substance for EXACT, SYNONYM and NEAR */
    int distance;
} match_case;

static void run_cases(const dsms_substances *reg, const match_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        dsms_match m;
        dsms_match_kind k = dsms_substance_match(reg, c[i].text, &m);
        const char *got = m.substance >= 0 ? reg->items[m.substance].code : "-";
        int ok = k == c[i].kind && m.kind == k &&
                 strcmp(got, c[i].code ? c[i].code : "-") == 0 &&
                 m.distance == c[i].distance;
        if (ok) {
            check_passed++;
            continue;
        }
        check_failed++;
        fprintf(stderr, "%s:%d: '%s' matched %s %s at %d, expected %s %s at %d\n", __FILE__,
                c[i].line, c[i].text, dsms_match_kind_name(k), got, m.distance,
                dsms_match_kind_name(c[i].kind), c[i].code ? c[i].code : "-", c[i].distance);
    }
}
#define HIT(text, kind, code, d) {__LINE__, text, DSMS_MATCH_##kind, code, d}
#define MISS(text) {__LINE__, text, DSMS_MATCH_NONE, NULL, 0}

static void test_match_hits(void)
{
    static const match_case cases[] = {
        /* Codes and names, in any case and spacing. */
        HIT("isotonitazene", EXACT, "isotonitazene", 0),
        HIT("ISOTONITAZENE", EXACT, "isotonitazene", 0),
        HIT("Mephedrone ", EXACT, "mephedrone", 0),
        HIT("  mephedrone\t", EXACT, "mephedrone", 0),
        HIT("3-MMC", EXACT, "3_mmc", 0),
        HIT("3 mmc", EXACT, "3_mmc", 0),
        HIT("3MMC", EXACT, "3_mmc", 0),
        HIT("3_mmc", EXACT, "3_mmc", 0),
        HIT("4-CMC", EXACT, "4_cmc", 0),
        HIT("MDMB-4en-PINACA", EXACT, "mdmb_4en_pinaca", 0),
        HIT("mdmb4en pinaca", EXACT, "mdmb_4en_pinaca", 0),
        HIT("MDMB 4EN PINACA", EXACT, "mdmb_4en_pinaca", 0),
        HIT("5F-MDMB-PICA", EXACT, "5f_mdmb_pica", 0),
        HIT("5-fluoro-MDMB-PICA", EXACT, "5f_mdmb_pica", 0),
        HIT("5 Fluoro MDMB PICA", EXACT, "5f_mdmb_pica", 0),
        HIT("4F-MDMB-BINACA", EXACT, "4f_mdmb_binaca", 0),
        HIT("4-fluoro-MDMB-BINACA", EXACT, "4f_mdmb_binaca", 0),
        HIT("alpha-PVP", EXACT, "alpha_pvp", 0),
        HIT("alpha pvp", EXACT, "alpha_pvp", 0),
        HIT("α-PVP", EXACT, "alpha_pvp", 0),
        HIT("αPVP", EXACT, "alpha_pvp", 0),
        HIT("a-PVP", EXACT, "alpha_pvp", 0),
        HIT("Α-PHP", EXACT, "alpha_php", 0), /* a capital Greek alpha */
        HIT("N-ethylpentedrone", EXACT, "n_ethylpentedrone", 0),
        HIT("N ethylpentedrone", EXACT, "n_ethylpentedrone", 0),
        HIT("Nethylpentedrone", EXACT, "n_ethylpentedrone", 0),
        HIT("N-Ethyl-Pentedrone", EXACT, "n_ethylpentedrone", 0),
        HIT("N-desethyl isotonitazene", EXACT, "n_desethyl_isotonitazene", 0),
        HIT("2-fluorodeschloroketamine", EXACT, "2f_dck", 0),
        HIT("Crack cocaine", EXACT, "crack", 0),
        HIT("crack", EXACT, "crack", 0),
        HIT("Méphédrone", EXACT, "mephedrone", 0),
        HIT("3‐MMC", EXACT, "3_mmc", 0),   /* U+2010 hyphen */
        HIT("3–MMC", EXACT, "3_mmc", 0),   /* en dash */
        HIT("1,4-butanediol", EXACT, "1_4_butanediol", 0),
        HIT("1.4 butanediol", EXACT, "1_4_butanediol", 0),
        HIT("(Etizolam)", EXACT, "etizolam", 0),
        HIT("etizol\u00ADam", EXACT, "etizolam", 0), /* a soft hyphen */
        /* Synonyms. */
        HIT("iso", SYNONYM, "isotonitazene", 0),
        HIT("4-MMC", SYNONYM, "mephedrone", 0),
        HIT("4mmc", SYNONYM, "mephedrone", 0),
        HIT("meow meow", SYNONYM, "mephedrone", 0),
        HIT("Meow-Meow", SYNONYM, "mephedrone", 0),
        HIT("mcat", SYNONYM, "mephedrone", 0),
        HIT("Flakka", SYNONYM, "alpha_pvp", 0),
        HIT("MXE", SYNONYM, "methoxetamine", 0),
        HIT("2F-DCK", EXACT, "2f_dck", 0), /* reads as the code */
        HIT("2-FDCK", EXACT, "2f_dck", 0),
        HIT("fluoroketamine", SYNONYM, "2f_dck", 0),
        HIT("etonitazepyne", EXACT, "etonitazepyne", 0),
        HIT("N-pyrrolidino etonitazene", SYNONYM, "etonitazepyne", 0),
        HIT("5F-MDMB-PINACA", SYNONYM, "5f_adb", 0),
        HIT("5-methoxy-DMT", EXACT, "5_meo_dmt", 0), /* reads as the name */
        HIT("5-MeO-DMT", EXACT, "5_meo_dmt", 0),
        HIT("diviners sage", SYNONYM, "salvia", 0),
        HIT("Diviner’s Sage", SYNONYM, "salvia", 0),
        HIT("ecstasy", SYNONYM, "mdma", 0),
        HIT("diamorphine", SYNONYM, "heroin", 0),
        HIT("Spice", EXACT, "spice", 0), /* a code that is also a synonym: the code */
        /* Spelling slips. */
        HIT("isotonitazine", NEAR, "isotonitazene", 1),
        HIT("isotonitazen", NEAR, "isotonitazene", 1),
        HIT("isotonitazenne", NEAR, "isotonitazene", 1),
        HIT("isotonitzaene", NEAR, "isotonitazene", 1),
        HIT("isotonitasine", NEAR, "isotonitazene", 2),
        HIT("mephedrome", NEAR, "mephedrone", 1),
        HIT("mephadrone", NEAR, "mephedrone", 1),
        HIT("mephedrne", NEAR, "mephedrone", 1),
        HIT("mepedrone", NONE, NULL, 0), /* a slip in a stem (meph): a miss */
        HIT("ketamin", NEAR, "ketamine", 1),
        HIT("ketamne", NEAR, "ketamine", 1),
        HIT("heroine", NEAR, "heroin", 1),
        HIT("cocain", NEAR, "cocaine", 1),
        HIT("ecstacy", NEAR, "mdma", 1),
        HIT("methadon", NEAR, "methadone", 1),
        HIT("amphetamin", NEAR, "amphetamine", 1),
        HIT("fentanil", NEAR, "fentanyl", 1),
        HIT("protonitazine", NEAR, "protonitazene", 1),
        HIT("metonitazine", NEAR, "metonitazene", 1),
        HIT("etizzolam", NEAR, "etizolam", 1),
        HIT("brommazolam", NEAR, "bromazolam", 1),
        HIT("flualprazzolam", NEAR, "flualprazolam", 1),
        HIT("alprazolamm", NEAR, "alprazolam", 1),
        HIT("ADB-BUTINACCA", NEAR, "adb_butinaca", 1),
        HIT("ADB-BUTNACA", NEAR, "adb_butinaca", 1),
        HIT("MDMB-4en-PINACCA", NEAR, "mdmb_4en_pinaca", 1),
        HIT("methoxetamin", NEAR, "methoxetamine", 1),
        HIT("N-ethylpentedorne", NEAR, "n_ethylpentedrone", 1),
        HIT("alpah-PVP", NEAR, "alpha_pvp", 1),
        HIT("Pregabalinn", NEAR, "pregabalin", 1),
        HIT("cannabiss", NEAR, "cannabis", 1),
        HIT("marjuana", NEAR, "cannabis", 1),
        HIT("Xylazne", NEAR, "xylazine", 1),
    };
    run_cases(&shipped, cases, sizeof cases / sizeof cases[0]);
    /* The text that matched, for "did you mean". */
    dsms_match m;
    dsms_substance_match(&shipped, "ecstacy", &m);
    CHECK_STR(m.matched, "ecstasy");
    CHECK_INT(m.ncandidates, 1);
    dsms_substance_match(&shipped, "3 mmc", &m);
    CHECK_STR(m.matched, "3-MMC");
    dsms_substance_match(&shipped, "3_mmc", &m); /* the code: the name shown */
    CHECK_STR(m.matched, "3-MMC");
    dsms_substance_match(&shipped, "meow-meow", &m);
    CHECK_STR(m.matched, "meow meow");
}

/* Near misses in the shipped register: each names a different chemical
 * from the substance it is nearest, or none in the register at all. */
static void test_match_misses_shipped(void)
{
    static const match_case cases[] = {
        HIT("3-MMC", EXACT, "3_mmc", 0),
        HIT("4-MMC", SYNONYM, "mephedrone", 0),
        HIT("3-CMC", EXACT, "3_cmc", 0),
        HIT("4-CMC", EXACT, "4_cmc", 0),
        HIT("metonitazene", EXACT, "metonitazene", 0),
        HIT("etonitazene", EXACT, "etonitazene", 0),
        HIT("flualprazolam", EXACT, "flualprazolam", 0),
        HIT("alprazolam", EXACT, "alprazolam", 0),
        HIT("bromazepam", EXACT, "bromazepam", 0),
        HIT("clonazepam", EXACT, "clonazepam", 0),
        MISS("2-MMC"),
        MISS("2-CMC"),
        MISS("3-MEC"),
        MISS("MDMB-PICA"),
        MISS("5F-MDMB-BINACA"),
        MISS("4F-MDMB-PICA"),
        MISS("MDMB-5en-PINACA"),
        MISS("ADB-FUBINACA"),
        MISS("AB-BUTINACA"),
        MISS("alpha-PiHP"),
        MISS("alpha-PBP"),
        MISS("alpha-PPP"),
        MISS("25B-NBOMe"),
        MISS("2C-E"),
        MISS("3-MeO-PCE"),
        MISS("N-methylpentedrone"),
        MISS("isotonitazepyne"),
        MISS("N-desethyl etonitazene"),
        MISS("N-desethyl protonitazene"),
        MISS("pentylone"),
        MISS("butylone"),
        MISS("ethylone"),
        MISS("hexedrone"),
        MISS("fluclotizolam"),
        MISS("flunitrazolam"),
        MISS("nitrazolam"),
        MISS("deschloroetizolam"),
        MISS("meclonazepam"),
        MISS("flunitazepyne"),
        MISS("butyrfentanyl"),
        MISS("valerylfentanyl"),
        MISS("methoxphenidine"),
        MISS("3-FPM"),
        MISS("4-MPD"),
        MISS("O-desmethyltramadol"),
        MISS("2-CMC"),
        MISS("clyphedrone"),     /* a slip or another isomer's name: not guessed */
        MISS("U-47701"),         /* a digit in a long number is still never a slip */
        MISS("U-4770"),
        MISS("U-477000"),
    };
    run_cases(&shipped, cases, sizeof cases / sizeof cases[0]);
}

/* Leave one out: with a shipped substance taken out of the register, none of
 * its names (code, name, synonyms) may match another substance, near or
 * otherwise: each is a different chemical or preparation. */
static void test_leave_one_out(void)
{
    size_t len;
    char *all = written(&shipped, &len);
    char *line = all;
    for (size_t i = 0; i < shipped.n; i++) {
        line = strchr(line, '\n') + 1; /* row i (names hold no line break) */
        size_t row = strchr(line, '\n') + 1 - line;
        char *without = malloc(len);
        if (!without) exit(2);
        size_t head = (size_t)(line - all);
        memcpy(without, all, head);
        memcpy(without + head, line + row, len - head - row);
        dsms_substances reg;
        dsms_err err = {""};
        CHECK_INT(dsms_substances_parse(&reg, "without", without, len - row, &err), 0);
        const dsms_substance *s = &shipped.items[i];
        for (size_t k = 0; k < s->nsynonyms + 2; k++) {
            const char *name = k == 0 ? s->code : k == 1 ? s->name : s->synonyms[k - 2];
            dsms_match m;
            dsms_match_kind got = dsms_substance_match(&reg, name, &m);
            if (got == DSMS_MATCH_NONE) {
                check_passed++;
                continue;
            }
            check_failed++;
            fprintf(stderr, "%s:%d: '%s' of %s, left out, matched %s %s ('%s') at %d\n",
                    __FILE__, __LINE__, name, s->code, dsms_match_kind_name(got),
                    m.substance >= 0 ? reg.items[m.substance].code : "-",
                    m.matched ? m.matched : "-", m.distance);
        }
        dsms_substances_free(&reg);
        free(without);
    }
    free(all);
}

/* Near misses where the nearest substance in the register is a chemical
 * sibling and the reported one is not there: a small register of siblings. */
static const char siblings[] =
    "code,name,family,synonyms,legal_status,first_uk\n"
    "mephedrone,Mephedrone,cathinones,4-MMC,,\n"
    "4_cmc,4-CMC,cathinones,clephedrone,,\n"
    "etonitazene,Etonitazene,nitazenes,,,\n"
    "etonitazepyne,Etonitazepyne,nitazenes,,,\n"
    "isotonitazene,Isotonitazene,nitazenes,,,\n"
    "alprazolam,Alprazolam,benzodiazepines,,,\n"
    "bromazepam,Bromazepam,benzodiazepines,,,\n"
    "clonazepam,Clonazepam,benzodiazepines,,,\n"
    "flubromazolam,Flubromazolam,benzodiazepines,,,\n"
    "etizolam,Etizolam,benzodiazepines,,,\n"
    "5f_mdmb_pica,5F-MDMB-PICA,synthetic_cannabinoids,,,\n"
    "amb_fubinaca,AMB-FUBINACA,synthetic_cannabinoids,,,\n"
    "25i_nbome,25I-NBOMe,phenethylamines,,,\n"
    "eutylone,Eutylone,cathinones,,,\n"
    "methylone,Methylone,cathinones,,,\n"
    "acetylfentanyl,Acetylfentanyl,other_synthetic_opioids,,,\n"
    "alpha_php,alpha-PHP,cathinones,,,\n"
    "methylphenidate,Methylphenidate,stimulants_other,,,\n"
    "3_meo_pcp,3-MeO-PCP,arylcyclohexylamines,,,\n"
    "methamphetamine,Methamphetamine,stimulants_other,,,\n";

static void test_match_misses_siblings(void)
{
    dsms_substances reg;
    dsms_err err = {""};
    CHECK_INT(dsms_substances_parse(&reg, "siblings", siblings, strlen(siblings), &err), 0);
    if (*err.msg) fprintf(stderr, "%s\n", err.msg);
    static const match_case cases[] = {
        MISS("3-MMC"),           /* a digit is never a slip */
        MISS("3 mmc"),
        MISS("2-MMC"),
        MISS("3-CMC"),
        MISS("4-MEC"),
        MISS("metonitazene"),    /* a prefix that is a chemical modifier */
        MISS("protonitazene"),
        MISS("butonitazene"),
        MISS("etodesnitazene"),
        MISS("etonitazepine"),
        MISS("metonitazepyne"),
        MISS("isotonitazepyne"),
        MISS("flualprazolam"),
        MISS("bromazolam"),      /* -azolam is not -azepam */
        MISS("clonazolam"),
        MISS("flubromazepam"),
        MISS("metizolam"),
        MISS("MDMB-PICA"),
        MISS("5F-MDMB-PINACA"),
        MISS("4F-MDMB-BINACA"),
        MISS("4F-MDMB-PICA"),
        MISS("ADB-FUBINACA"),
        MISS("MMB-FUBINACA"),
        MISS("25C-NBOMe"),
        MISS("25B-NBOMe"),
        MISS("methedrone"),      /* meth- is not meph- */
        MISS("butylone"),
        MISS("ethylone"),
        MISS("acrylfentanyl"),
        MISS("alpha-PVP"),
        MISS("alpha-PiHP"),
        MISS("ethylphenidate"),
        MISS("3-MeO-PCE"),
        MISS("amphetamine"),
        MISS("ethamphetamine"),
        MISS("N-methylmephedrone"),
        /* Slips of the same names still match. */
        HIT("mephedron", NEAR, "mephedrone", 1),
        HIT("etonitazine", NEAR, "etonitazene", 1),
        HIT("etonitazepine", NONE, NULL, 0),
        HIT("alprazolem", NONE, NULL, 0), /* a slip inside the stem: a miss, not a guess */
        HIT("alprazzolam", NEAR, "alprazolam", 1),
        HIT("methylfenidate", NEAR, "methylphenidate", 2),
        HIT("metamphetamine", NONE, NULL, 0),
        HIT("methamfetamine", NEAR, "methamphetamine", 2),
    };
    run_cases(&reg, cases, sizeof cases / sizeof cases[0]);
    dsms_substances_free(&reg);
}

/* As near to two substances: no answer, with both named. */
static void test_match_ambiguous(void)
{
    static const char text[] =
        "code,name,family,synonyms,legal_status,first_uk\n"
        "tilamine,Tilamine,other,,,\n"
        "tilemine,Tilemine,other,,,\n"
        "tilamide,Tilamide,other,,,\n"
        "dolamine,Dolamine,other,dolamine hydrochloride,,\n"
        "dolamide,Dolamide,other,,,\n"
        "koramine,Koramine,other,koramine base,,\n"
        "koremine,Koremine,other,,,\n"
        "korimine,Korimine,other,,,\n"
        "koromine,Koromine,other,,,\n"
        "korumine,Korumine,other,,,\n";
    dsms_substances reg;
    dsms_err err = {""};
    CHECK_INT(dsms_substances_parse(&reg, "t.csv", text, strlen(text), &err), 0);
    if (*err.msg) fprintf(stderr, "%s\n", err.msg);
    dsms_match m;
    /* tilamine and tilemine, both one edit away. */
    CHECK_INT(dsms_substance_match(&reg, "tilimine", &m), DSMS_MATCH_AMBIGUOUS);
    CHECK_INT(m.substance, -1);
    CHECK_INT(m.distance, 1);
    CHECK_INT(m.ncandidates, 2);
    CHECK_INT(m.candidates[0], 0);
    CHECK_INT(m.candidates[1], 1);
    CHECK(m.matched == NULL);
    /* Nearer to one than the other: that one. */
    CHECK_INT(dsms_substance_match(&reg, "tilamide", &m), DSMS_MATCH_EXACT);
    CHECK_INT(dsms_substance_match(&reg, "tilamida", &m), DSMS_MATCH_NEAR);
    CHECK_INT(m.substance, 2);
    /* A slip of a synonym names its substance. */
    CHECK_INT(dsms_substance_match(&reg, "dolamine hydrochlorid", &m), DSMS_MATCH_NEAR);
    CHECK_INT(m.substance, 3);
    /* Five equally near: the first four listed, all five counted out. */
    CHECK_INT(dsms_substance_match(&reg, "korymine", &m), DSMS_MATCH_AMBIGUOUS);
    CHECK_INT(m.ncandidates, DSMS_MATCH_CANDIDATES);
    CHECK_INT(m.candidates[0], 5);
    CHECK_INT(m.candidates[3], 8);
    CHECK_STR(dsms_match_kind_name(m.kind), "ambiguous");
    dsms_substances_free(&reg);
}

/* Text that is no name: no crash, a clear answer. */
static void test_match_odd_text(void)
{
    static const match_case cases[] = {
        MISS(""),
        MISS("   "),
        MISS("---"),
        MISS(",;'"),
        MISS("кетамин"),             /* another script: kept, and nothing like it */
        MISS("\xF0\x9F\x92\x8A"),    /* an emoji */
        MISS("a"),
        MISS("unknown white powder"),
        MISS("mdma mdma"),
        {__LINE__, "\xff\xfe", DSMS_MATCH_INVALID, NULL, 0},
        {__LINE__, "keta\xc3mine", DSMS_MATCH_INVALID, NULL, 0},
        {__LINE__, "\x1b[31mketamine", DSMS_MATCH_INVALID, NULL, 0},
        {__LINE__, "ketamine\xe2\x80\xae", DSMS_MATCH_INVALID, NULL, 0}, /* right-to-left */
        {__LINE__, "\xc2\x85", DSMS_MATCH_INVALID, NULL, 0},             /* a C1 control */
    };
    run_cases(&shipped, cases, sizeof cases / sizeof cases[0]);

    dsms_match m;
    CHECK_INT(dsms_substance_match(&shipped, NULL, &m), DSMS_MATCH_NONE);
    CHECK_INT(dsms_substance_match_n(&shipped, "ketamine\0x", 10, &m), DSMS_MATCH_INVALID);
    CHECK_INT(dsms_substance_match_n(&shipped, "ketamine\0x", 8, &m), DSMS_MATCH_EXACT);
    /* Long text: up to the limit is read, beyond it is not a name. */
    char text[DSMS_MATCH_TEXT_MAX + 2];
    memset(text, 'k', sizeof text - 1);
    text[sizeof text - 1] = 0;
    CHECK_INT(dsms_substance_match(&shipped, text, &m), DSMS_MATCH_INVALID);
    text[DSMS_MATCH_TEXT_MAX] = 0;
    CHECK_INT(dsms_substance_match(&shipped, text, &m), DSMS_MATCH_NONE);
    /* The longest normal form: every character a Greek letter spelt out. */
    char greek[DSMS_MATCH_TEXT_MAX + 1];
    for (size_t i = 0; i + 1 < sizeof greek; i += 2) memcpy(greek + i, "\xce\xb1", 2);
    greek[DSMS_MATCH_TEXT_MAX] = 0;
    CHECK_INT(dsms_substance_match(&shipped, greek, &m), DSMS_MATCH_NONE);
    strcpy(text + DSMS_MATCH_TEXT_MAX - 8, "ketamine");
    memset(text, ' ', DSMS_MATCH_TEXT_MAX - 8);
    CHECK_INT(dsms_substance_match(&shipped, text, &m), DSMS_MATCH_EXACT);
    /* An empty register matches nothing. */
    dsms_substances none = {0};
    CHECK_INT(dsms_substance_match(&none, "ketamine", &m), DSMS_MATCH_NONE);
    CHECK_INT(m.substance, -1);
    CHECK_STR(dsms_match_kind_name(DSMS_MATCH_NEAR), "near");
    CHECK(dsms_match_kind_name((dsms_match_kind)99) == NULL);
}

int main(void)
{
    test_shipped();
    test_legal_on();
    test_round_trip();
    test_good_fixture();
    test_bad_registers();
    test_read_dirs();
    test_add();
    test_match_hits();
    test_match_misses_shipped();
    test_leave_one_out();
    test_match_misses_siblings();
    test_match_ambiguous();
    test_match_odd_text();
    dsms_substances_free(&shipped);
    support_cleanup();
    return check_summary();
}
