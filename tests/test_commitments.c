/* test_commitments.c — registers of commitments (dsms/commitments.h): the
 * shipped register of England reads, has every strand, and each of its lines
 * is a line of its strategy's text (when ../shared/policy is there to read);
 * each refusal says the file, the line, the field and what was expected, and
 * keeps nothing; due dates end on the days worked by hand below. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "dsms/commitments.h"
#include "dsms/measures.h"

/* ---- due dates ---------------------------------------------------------------------------- */

/* Days since 1970-01-01, worked by hand: 1970 to 2024 is 55 years with 14 leap
 * days (1972, 1976, ..., 2024), so 1 January 2025 is 55 x 365 + 14 = 20089;
 * 1 January 2024 is 20089 - 366 = 19723; 1 January 2000 is 30 x 365 + 7
 * (1972 to 1996) = 10957. */
static void due_days(void)
{
    CHECK_INT(dsms_commitment_due_day("1970-01-01"), 0);
    CHECK_INT(dsms_commitment_due_day("1970"), 364);
    /* 2024-25 ends 31 March 2025: 20089 + 31 (January) + 28 (February) + 30 */
    CHECK_INT(dsms_commitment_due_day("2024-25"), 20178);
    CHECK_INT(dsms_commitment_due_day("2025-03-31"), 20178);
    /* 2023-24 ends 31 March 2024, a leap year: 19723 + 31 + 29 + 30 */
    CHECK_INT(dsms_commitment_due_day("2023-24"), 19813);
    CHECK_INT(dsms_commitment_due_day("2025"), 20089 + 364);
    CHECK_INT(dsms_commitment_due_day("2024"), 19723 + 365);
    /* 29 February: 2024 and 2000 are leap years, 2023 and 2100 are not */
    CHECK_INT(dsms_commitment_due_day("2024-02-29"), 19723 + 31 + 28);
    CHECK_INT(dsms_commitment_due_day("2000-02-29"), 10957 + 31 + 28);
    CHECK_INT(dsms_commitment_due_day("2023-02-29"), -1);
    CHECK_INT(dsms_commitment_due_day("2100-02-29"), -1);
    CHECK_INT(dsms_commitment_due_day("2023-02-28"), 19723 - 365 + 31 + 27);
    /* 1999-00 ends 31 March 2000 (the century turns): 10957 + 31 + 29 + 30 */
    CHECK_INT(dsms_commitment_due_day("1999-00"), 11047);
    static const char *const bad[] = {"2024-26", "2024-2025", "2024-25-Q1", "2024/25", "25",
                                      "", "1969", "1969-70", "1969-12-31", "2025-13-01",
                                      "2025-00-10", "2025-04-31", "2025-4-1", " 2025",
                                      "2025 ", "abcd", "2025-03-31x", "20250", "0000"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (dsms_commitment_due_day(bad[i]) != -1) fprintf(stderr, "due '%s' read\n", bad[i]);
        CHECK_INT(dsms_commitment_due_day(bad[i]), -1);
    }
    CHECK_INT(dsms_commitment_due_day(NULL), -1);
}

static void names(void)
{
    CHECK_STR(dsms_strand_name(DSMS_STRAND_DEMAND), "reducing demand");
    CHECK_STR(dsms_strand_name(DSMS_STRAND_SUPPLY), "restricting supply");
    CHECK_STR(dsms_strand_name(DSMS_STRAND_RECOVERY), "building recovery");
    CHECK_STR(dsms_strand_name(DSMS_STRAND_GLOBAL), "global action");
    CHECK(dsms_strand_name(DSMS_STRAND_COUNT) == NULL);
    static const char *const want[] = {"achieved",  "on track",    "in progress",
                                       "off track", "not started", "dropped"};
    size_t n = 0;
    while (dsms_commitment_statuses[n]) n++;
    CHECK_INT(n, 6);
    for (size_t i = 0; i < n && i < 6; i++) CHECK_STR(dsms_commitment_statuses[i], want[i]);
}

/* ---- reading ------------------------------------------------------------------------------ */

static int parse(const char *text, dsms_register *reg, dsms_err *err)
{
    return dsms_register_parse(text, strlen(text), "in.yaml", reg, err);
}

static void reads(void)
{
    const char *text = "id: small\n"
                       "title: A small register\n"
                       "commitments:\n"
                       "  - id: one\n"
                       "    strand: global action\n"
                       "    text: Do one thing\n"
                       "    owner: Home Office\n"
                       "    due: 2025-03-31\n"
                       "    status: on track\n"
                       "    strategy: 2017 Drug Strategy\n"
                       "    line: 792\n"
                       "    evidence: {measure: in_treatment, text: numbers in treatment}\n"
                       "  - id: two\n"
                       "    strand: restricting supply\n"
                       "    text: Do another\n"
                       "    owner: NCA\n"
                       "    due: 2024-25\n"
                       "    status: dropped\n"
                       "    strategy: 2021 From harm to hope\n"
                       "    evidence: {series: county_lines_closed}\n"
                       "  - id: three\n"
                       "    strand: building recovery\n"
                       "    text: And a third\n"
                       "    owner: local partnerships\n"
                       "    due: '2031'\n"
                       "    status: not started\n"
                       "    strategy: 2021 From harm to hope\n"
                       "    line: 1006\n"
                       "    evidence:\n"
                       "      text: the partnerships' annual reports\n";
    dsms_register reg;
    dsms_err err = {""};
    CHECK_INT(parse(text, &reg, &err), 0);
    CHECK_STR(err.msg, "");
    CHECK_STR(reg.id, "small");
    CHECK_STR(reg.title, "A small register");
    CHECK_INT(reg.n, 3);
    if (reg.n != 3) return dsms_register_free(&reg);
    const dsms_commitment *c = reg.items;
    CHECK_STR(c[0].id, "one");
    CHECK_INT(c[0].strand, DSMS_STRAND_GLOBAL);
    CHECK_STR(c[0].owner, "Home Office");
    CHECK_STR(c[0].due, "2025-03-31");
    CHECK_STR(c[0].status, "on track");
    CHECK_STR(c[0].strategy, "2017 Drug Strategy");
    CHECK_INT(c[0].line, 792);
    CHECK_INT(c[0].evidence, DSMS_EVIDENCE_MEASURE);
    CHECK_STR(c[0].evidence_ref, "in_treatment");
    CHECK_STR(c[0].evidence_text, "numbers in treatment");
    CHECK_INT(c[1].strand, DSMS_STRAND_SUPPLY);
    CHECK_INT(c[1].line, 0);
    CHECK_INT(c[1].evidence, DSMS_EVIDENCE_SERIES);
    CHECK_STR(c[1].evidence_ref, "county_lines_closed");
    CHECK(c[1].evidence_text == NULL);
    CHECK_INT(c[2].evidence, DSMS_EVIDENCE_TEXT);
    CHECK(c[2].evidence_ref == NULL);
    CHECK_STR(c[2].evidence_text, "the partnerships' annual reports");
    CHECK_STR(c[2].due, "2031");
    dsms_register_free(&reg);
    CHECK(reg.items == NULL && reg.n == 0 && reg.id == NULL && reg.title == NULL);
}

/* One commitment after the register's three lines: its "- id: one" is line
 * 4, the fields given from line 5. */
#define HEAD "id: t\ntitle: T\ncommitments:\n  - id: one\n"
#define GOOD_FROM_STRAND                                                                   \
    "    strand: reducing demand\n    text: Do a thing\n    owner: DfE\n"                  \
    "    due: 2024-25\n    status: in progress\n    strategy: 2021 From harm to hope\n"
/* the fields a commitment must have, after id, on lines 5 to 10 */

static void refused(const char *text, const char *want)
{
    dsms_register reg;
    dsms_err err = {""};
    CHECK_INT(parse(text, &reg, &err), -1);
    CHECK_STR(err.msg, want);
    CHECK(reg.items == NULL && reg.n == 0 && reg.id == NULL && reg.title == NULL);
}

static void refusals(void)
{
    /* the text as given is read, so each refusal below is of its one change */
    {
        dsms_register reg;
        dsms_err err = {""};
        CHECK_INT(parse(HEAD GOOD_FROM_STRAND "    line: 5\n    evidence: {text: words}\n", &reg,
                        &err),
                  0);
        CHECK_STR(err.msg, "");
        dsms_register_free(&reg);
    }
    refused(HEAD "    strand: reducing supply\n    text: x\n",
            "in.yaml:5: strand: 'reducing supply' is not a strand (expected reducing demand, "
            "restricting supply, building recovery or global action)");
    refused(HEAD "    strand: global action\n    text: Do a thing\n    owner: DfE\n"
                 "    due: 2024-25\n    status: done\n",
            "in.yaml:9: status: 'done' is not a status (expected achieved, on track, "
            "in progress, off track, not started or dropped)");
    refused(HEAD "    strand: global action\n    text: Do a thing\n    owner: DfE\n"
                 "    due: 2025-02-29\n",
            "in.yaml:8: due: '2025-02-29' is not a due date (expected a financial year "
            "2024-25, a year 2025 or a date 2025-03-31, from 1970)");
    refused(HEAD "    strand: global action\n    text: Do a thing\n    owner: DfE\n"
                 "    due: 2024-26\n",
            "in.yaml:8: due: '2024-26' is not a due date (expected a financial year "
            "2024-25, a year 2025 or a date 2025-03-31, from 1970)");
    refused(HEAD GOOD_FROM_STRAND "    evidence: {text: words}\n"
                                  "  - id: one\n" GOOD_FROM_STRAND "    evidence: {text: w}\n",
            "in.yaml:12: id: 'one' is given twice (as on line 4)");
    refused(HEAD GOOD_FROM_STRAND "    evidence: {measure: no_such_measure}\n",
            "in.yaml:11: measure: 'no_such_measure' is not a measure (dsms measures --list "
            "shows them)");
    refused(HEAD GOOD_FROM_STRAND "    colour: red\n    evidence: {text: words}\n",
            "in.yaml:11: commitment: unknown field 'colour' (expected one of id, strand, "
            "text, owner, due, status, strategy, line, evidence)");
    refused("id: t\ntitle: T\nowner: me\ncommitments:\n  - id: one\n",
            "in.yaml:3: register: unknown field 'owner' (expected one of id, title, "
            "commitments)");
    refused(HEAD GOOD_FROM_STRAND "    evidence: {measure: in_treatment, breakdown: sex}\n",
            "in.yaml:11: evidence: unknown field 'breakdown' (expected one of measure, "
            "series, text)");
    /* a missing field is said at the commitment's first line */
    refused(HEAD "    strand: global action\n    text: Do a thing\n    due: 2024-25\n",
            "in.yaml:4: commitment: no 'owner' (it is required)");
    refused(HEAD GOOD_FROM_STRAND, "in.yaml:4: commitment: no 'evidence' (it is required)");
    refused("id: t\ncommitments:\n  - id: one\n",
            "in.yaml:1: register: no 'title' (it is required)");
    refused(HEAD "    text: Do a thing\n", "in.yaml:4: commitment: no 'strand' (it is required)");
    static const char *const lines[] = {"12.5", "0", "-3", "twelve", "1e3", "0012", "12345678"};
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        char text[1024], want[256];
        snprintf(text, sizeof text, HEAD GOOD_FROM_STRAND "    line: %s\n    evidence: {text: w}\n",
                 lines[i]);
        snprintf(want, sizeof want,
                 "in.yaml:11: line: '%s' is not a line number (expected a whole number, 1 or "
                 "more)",
                 lines[i]);
        refused(text, want);
    }
    refused(HEAD GOOD_FROM_STRAND "    line: [1, 2]\n    evidence: {text: w}\n",
            "in.yaml:11: line: '?' is not a line number (expected a whole number, 1 or more)");
    refused(HEAD GOOD_FROM_STRAND "    evidence: {measure: in_treatment, series: x}\n",
            "in.yaml:11: evidence: give one of measure: or series:, not both");
    refused(HEAD GOOD_FROM_STRAND "    evidence: {}\n",
            "in.yaml:11: evidence: give measure:, series: or text:");
    refused(HEAD GOOD_FROM_STRAND "    evidence: in_treatment\n",
            "in.yaml:11: evidence: expected measure:, series: or text:");
    refused(HEAD "    strand: global action\n    text: Do a thing\n    owner: DfE\n"
                 "    due: 2024-25\n    status: dropped\n    strategy: From harm to hope\n",
            "in.yaml:10: strategy: 'From harm to hope' does not begin with the document's year "
            "(expected, for example, 2021 From harm to hope)");
    refused(HEAD "    strand: global action\n    text: [a, b]\n",
            "in.yaml:6: text: expected text, not a list or a mapping");
    refused("id: t\ntitle: T\ncommitments: []\n",
            "in.yaml:3: commitments: expected a list of one or more");
    refused("id: t\ntitle: T\ncommitments:\n  - just words\n",
            "in.yaml:4: commitments: expected a commitment");
    refused("- a list\n",
            "in.yaml:1: register: expected a mapping of id:, title: and commitments:");
    {
        /* libfyaml's own words, after the file and a line */
        dsms_register reg;
        dsms_err err = {""};
        CHECK_INT(parse("id: t\ntitle: [\n", &reg, &err), -1);
        CHECK(strncmp(err.msg, "in.yaml:", 8) == 0 && strstr(err.msg, ": not YAML: "));
        CHECK(reg.items == NULL && reg.n == 0 && reg.id == NULL);
    }
    dsms_register reg;
    dsms_err err = {""};
    CHECK_INT(dsms_register_read("/nonexistent/register.yaml", &reg, &err), -1);
    CHECK(strncmp(err.msg, "/nonexistent/register.yaml: cannot open it: ", 44) == 0);
    CHECK(reg.items == NULL && reg.n == 0);
}

/* ---- the shipped register ------------------------------------------------------------------ */

/* Line n of the file in dir whose name begins with the year (the first four
 * characters of a commitment's strategy) and "-", in buf; 1 when the line
 * has a character other than a space, 0 when empty, -1 with no such file or
 * line. */
static int policy_line(const char *dir, const char *strategy, int n, char *buf, size_t cap)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    char path[4096] = "";
    for (struct dirent *e; (e = readdir(d));)
        if (strncmp(e->d_name, strategy, 4) == 0 && e->d_name[4] == '-' &&
            strstr(e->d_name, ".txt"))
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    closedir(d);
    FILE *f = path[0] ? fopen(path, "r") : NULL;
    if (!f) return -1;
    int line = 0, found = -1;
    /* a line longer than buf is read in pieces: only its first piece counts */
    int at_start = 1;
    while (fgets(buf, (int)cap, f)) {
        if (at_start && ++line == n) {
            found = strspn(buf, " \t\r\n") < strlen(buf);
            break;
        }
        at_start = strchr(buf, '\n') != NULL;
    }
    fclose(f);
    return found;
}

static void shipped(void)
{
    dsms_register reg;
    dsms_err err = {""};
    CHECK_INT(dsms_register_read(DSMS_TEST_DATADIR "/commitments/england.yaml", &reg, &err), 0);
    if (err.msg[0]) fprintf(stderr, "%s\n", err.msg);
    CHECK_STR(reg.id, "england");
    CHECK(reg.n >= 25 && reg.n <= 45);
    int strands[DSMS_STRAND_COUNT] = {0}, years[2] = {0};
    for (size_t i = 0; i < reg.n; i++) {
        const dsms_commitment *c = &reg.items[i];
        strands[c->strand]++;
        CHECK(c->line > 0);
        CHECK(dsms_commitment_due_day(c->due) > 0);
        int y2017 = strncmp(c->strategy, "2017 ", 5) == 0;
        int y2021 = strncmp(c->strategy, "2021 ", 5) == 0;
        CHECK(y2017 || y2021);
        years[0] += y2017, years[1] += y2021;
        /* global action is the 2017 strategy's fourth strand; 2021 has three */
        if (c->strand == DSMS_STRAND_GLOBAL) CHECK(y2017);
        if (c->evidence == DSMS_EVIDENCE_MEASURE) CHECK(dsms_measure_find(c->evidence_ref));
        if (c->evidence == DSMS_EVIDENCE_TEXT) CHECK(c->evidence_text && !c->evidence_ref);
    }
    for (int s = 0; s < DSMS_STRAND_COUNT; s++) {
        if (!strands[s]) fprintf(stderr, "no commitment of %s\n", dsms_strand_name(s));
        CHECK(strands[s] > 0);
    }
    CHECK(years[0] > 0 && years[1] > 0);

    /* each line is a line of its strategy's text, and not an empty one */
    const char *policy = DSMS_TEST_POLICY;
    struct stat st;
    if (stat(policy, &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("note: %s is not here: the shipped lines are not checked against the "
               "strategies' text\n",
               policy);
    } else {
        char buf[512];
        for (size_t i = 0; i < reg.n; i++) {
            const dsms_commitment *c = &reg.items[i];
            int got = policy_line(policy, c->strategy, c->line, buf, sizeof buf);
            if (got != 1)
                fprintf(stderr, "%s: line %d of %s is %s\n", c->id, c->line, c->strategy,
                        got ? "not in its text" : "empty");
            CHECK_INT(got, 1);
        }
    }
    dsms_register_free(&reg);
}

int main(void)
{
    due_days();
    names();
    reads();
    refusals();
    shipped();
    return check_summary();
}
