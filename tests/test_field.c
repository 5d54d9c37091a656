/* test_field.c — dsms_field_parse for every field type, the calendar helpers
 * (dsms_date_parse, dsms_date_format, dsms_age_years), and the rule that a
 * message about a client attributor never repeats its value. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "dsms/dataset.h"
#include "dsms/field.h"
#include "support.h"

/* ---- helpers ---- */

static const dsms_field *field_of(const char *table, const char *name)
{
    const dsms_table *t = dsms_table_find(table);
    if (!t) {
        fprintf(stderr, "no table %s\n", table);
        exit(2);
    }
    int i = dsms_field_index(t, name);
    if (i < 0) {
        fprintf(stderr, "no field %s.%s\n", table, name);
        exit(2);
    }
    return &t->fields[i];
}

typedef struct {
    int rc;
    dsms_value v;
    char message[256];
    char expected[480];
} parsed;

/* Parse with buffers pre-filled with a marker, so a message that is not
 * written on success (or is) can be seen. */
static parsed parse_n(const dsms_field *f, const char *s, size_t len)
{
    parsed p;
    memset(&p, 0, sizeof p);
    strcpy(p.message, "(unset)");
    strcpy(p.expected, "(unset)");
    p.rc = dsms_field_parse(f, s, len, &p.v, p.message, sizeof p.message, p.expected,
                            sizeof p.expected);
    return p;
}

static parsed parse(const dsms_field *f, const char *s) { return parse_n(f, s, strlen(s)); }

static int contains(const char *hay, const char *needle) { return strstr(hay, needle) != NULL; }

static int failures_before, caller_line;
static void begin(void) { failures_before = check_failed; }
static void explain(const char *what, const char *input, const parsed *p)
{
    if (check_failed > failures_before)
        fprintf(stderr, "    ^ from line %d: %s, input \"%s\": rc %d ok %d present %d "
                        "message \"%s\" expected \"%s\"\n",
                caller_line, what, input, p->rc, p->v.ok, p->v.present, p->message,
                p->expected);
}

/* The value parses: rc 1, ok, present, and the trimmed text is want_text. */
static void accepts_(const dsms_field *f, const char *input, const char *want_text)
{
    begin();
    parsed p = parse(f, input);
    CHECK_INT(p.rc, 1);
    CHECK_INT(p.v.ok, 1);
    CHECK_INT(p.v.present, 1);
    CHECK_INT((long long)p.v.len, (long long)strlen(want_text));
    CHECK(p.v.len == strlen(want_text) && memcmp(p.v.s, want_text, p.v.len) == 0);
    explain("should accept", input, &p);
}

/* The value is refused: rc 0, not ok, but present; the message and the
 * expectation contain the given fragments (either may be NULL). */
static void rejects_(const dsms_field *f, const char *input, const char *msg_part,
                    const char *expected_part)
{
    begin();
    parsed p = parse(f, input);
    CHECK_INT(p.rc, 0);
    CHECK_INT(p.v.ok, 0);
    CHECK_INT(p.v.present, 1);
    CHECK(strcmp(p.message, "(unset)") != 0 && p.message[0]);
    CHECK(strcmp(p.expected, "(unset)") != 0 && p.expected[0]);
    if (msg_part) CHECK(contains(p.message, msg_part));
    if (expected_part) CHECK(contains(p.expected, expected_part));
    explain("should reject", input, &p);
}

/* A refused attributor value: the message and the expectation never carry
 * the value itself (nor any 2+ character run of it, for short values). */
static void rejects_secret_(const dsms_field *f, const char *input, const char *expected_part)
{
    begin();
    parsed p = parse(f, input);
    CHECK_INT(p.rc, 0);
    CHECK_INT(p.v.ok, 0);
    CHECK(p.message[0] && strcmp(p.message, "(unset)") != 0);
    /* The trimmed value must not appear. */
    const char *s = input;
    size_t len = strlen(input);
    while (len && (*s == ' ' || *s == '\t')) s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    char trimmed[128];
    snprintf(trimmed, sizeof trimmed, "%.*s", (int)len, s);
    CHECK(!contains(p.message, trimmed));
    CHECK(!contains(p.expected, trimmed));
    CHECK(!contains(p.message, "'")); /* no quoted value at all */
    if (expected_part) CHECK(contains(p.expected, expected_part));
    explain("attributor should be rejected without echo", input, &p);
}

#define accepts(...) (caller_line = __LINE__, accepts_(__VA_ARGS__))
#define rejects(...) (caller_line = __LINE__, rejects_(__VA_ARGS__))
#define rejects_secret(...) (caller_line = __LINE__, rejects_secret_(__VA_ARGS__))

/* Run fn in a child process: 1 when it returned normally (exit 0), 0 when it
 * crashed or a sanitizer stopped it. Keeps a memory error from ending the
 * whole test, so the failing check is counted like any other. */
static int survives(void (*fn)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return 0;
    if (pid == 0) {
        fn();
        _exit(0);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return 0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* ---- TEXT ---- */

static void test_text(void)
{
    const dsms_field *client = field_of("episodes", "client_ref");    /* 1..40, optional */
    const dsms_field *provider = field_of("episodes", "provider_code"); /* 1..16, required */
    const dsms_field *area = field_of("episodes", "area_code");       /* 1..9 */

    CHECK_INT(client->type, DSMS_TYPE_TEXT);
    CHECK_INT(client->max, 40);
    CHECK_INT(provider->max, 16);
    CHECK_INT(area->max, 9);

    accepts(client, "C100", "C100");
    accepts(client, "a", "a");
    accepts(client, "  C100\t", "C100");        /* trimmed both sides */
    accepts(client, "C 100", "C 100");          /* inner space kept */
    accepts(client, "A-b_c.d/e:f~!@#$%^&*()", "A-b_c.d/e:f~!@#$%^&*()");

    char s40[41], s41[42], s100[101];
    memset(s40, 'x', 40), s40[40] = 0;
    memset(s41, 'x', 41), s41[41] = 0;
    memset(s100, 'y', 100), s100[100] = 0;
    accepts(client, s40, s40);
    rejects(client, s41, "41 characters", "1 to 40 characters");
    {
        /* A long value is shown cut to 40 characters with "...". */
        parsed p = parse(client, s100);
        CHECK_INT(p.rc, 0);
        CHECK(contains(p.message, "100 characters"));
        CHECK(contains(p.message, "..."));
        char y41[42];
        memset(y41, 'y', 41), y41[41] = 0;
        CHECK(!contains(p.message, y41));
    }
    {
        /* Spaces around a 40-character value do not count. */
        char padded[50];
        snprintf(padded, sizeof padded, "  %s  ", s40);
        accepts(client, padded, s40);
    }

    char p16[17], p17[18];
    memset(p16, 'P', 16), p16[16] = 0;
    memset(p17, 'P', 17), p17[17] = 0;
    accepts(provider, p16, p16);
    rejects(provider, p17, "17 characters", "1 to 16 characters");
    accepts(area, "E08000025", "E08000025");
    rejects(area, "E080000251", "10 characters", "1 to 9 characters");

    /* Control characters, DEL and anything outside ASCII are refused. */
    rejects(client, "C\x01" "00", "control or non-ASCII", "printable ASCII");
    rejects(client, "C\x1f", "control or non-ASCII", "printable ASCII");
    rejects(client, "C\x7f", "control or non-ASCII", "printable ASCII");
    rejects(client, "a\tb", "control or non-ASCII", "printable ASCII"); /* inner tab */
    rejects(client, "a\nb", "control or non-ASCII", "printable ASCII");
    rejects(client, "a\rb", "control or non-ASCII", "printable ASCII");
    rejects(client, "caf\xc3\xa9", "control or non-ASCII", "printable ASCII"); /* café */
    rejects(client, "\xe2\x82\xac" "5", "control or non-ASCII", "printable ASCII"); /* €5 */
    rejects(client, "\xff", "control or non-ASCII", "printable ASCII");
    {
        /* The shown value replaces the bad byte: no raw control or high byte. */
        parsed p = parse(client, "ab\x01" "cd\xc3\xa9");
        CHECK_INT(p.rc, 0);
        CHECK(!contains(p.message, "\x01"));
        CHECK(!contains(p.message, "\xc3"));
        CHECK(contains(p.message, "ab?cd??"));
    }
    {
        /* An embedded NUL is a control character, not the end of the value. */
        parsed p = parse_n(client, "ab\0cd", 5);
        CHECK_INT(p.rc, 0);
        CHECK_INT(p.v.ok, 0);
    }

    /* Empty (or only spaces) is not a parse error: required is a row rule. */
    {
        parsed p = parse(provider, "");
        CHECK_INT(p.rc, 1);
        CHECK_INT(p.v.ok, 1);
        CHECK_INT(p.v.present, 0);
        p = parse(provider, "   \t ");
        CHECK_INT(p.rc, 1);
        CHECK_INT(p.v.ok, 1);
        CHECK_INT(p.v.present, 0);
        CHECK_INT((long long)p.v.len, 0);
    }

    /* Initials: exactly two letters A-Z, either case; never echoed. */
    const dsms_field *ini = field_of("episodes", "initials");
    CHECK(ini->flags & DSMS_F_INITIALS);
    accepts(ini, "AB", "AB");
    accepts(ini, "ab", "ab");
    accepts(ini, "zZ", "zZ");
    accepts(ini, " JS ", "JS");
    rejects_secret(ini, "Q", "exactly 2 characters");
    rejects_secret(ini, "QWE", "exactly 2 characters");
    rejects_secret(ini, "QWERTYUIOP", "exactly 2 characters");
    rejects_secret(ini, "Q1", "two letters");
    rejects_secret(ini, "Q.", "two letters");
    rejects_secret(ini, "Q-", "two letters");
    rejects_secret(ini, "Q ", "exactly 2 characters"); /* trimmed to one letter */
    rejects_secret(ini, "Q W", "exactly 2 characters");
    rejects_secret(ini, "\xc3\x89", "two letters");   /* É: two bytes, not letters */
    rejects_secret(ini, "Q\x01", "two letters");
    rejects_secret(ini, "@[", "two letters");          /* just outside A-Z */
    rejects_secret(ini, "`{", "two letters");          /* just outside a-z */
    /* The same rule in the tables where initials are required. */
    rejects_secret(field_of("deaths", "initials"), "K9", "two letters");
}

/* ---- CODE ---- */

static void test_code(void)
{
    const dsms_field *consent = field_of("episodes", "consent");
    const dsms_field *source = field_of("episodes", "referral_source");
    const dsms_field *eth = field_of("episodes", "ethnicity");
    const dsms_field *reason = field_of("episodes", "discharge_reason");

    parsed p = parse(consent, "Y");
    CHECK_INT(p.rc, 1);
    CHECK(p.v.code != NULL);
    CHECK_STR(p.v.code ? p.v.code->code : NULL, "Y");

    /* Case-insensitive; the canonical spelling comes back. */
    p = parse(consent, "y");
    CHECK_INT(p.rc, 1);
    CHECK_STR(p.v.code ? p.v.code->code : NULL, "Y");
    p = parse(consent, " n\t");
    CHECK_INT(p.rc, 1);
    CHECK_STR(p.v.code ? p.v.code->code : NULL, "N");
    CHECK_INT((long long)p.v.len, 1);
    p = parse(source, "A_AND_E");
    CHECK_INT(p.rc, 1);
    CHECK_STR(p.v.code ? p.v.code->code : NULL, "a_and_e");
    p = parse(source, "Arrest_Referral");
    CHECK_STR(p.v.code ? p.v.code->code : NULL, "arrest_referral");
    CHECK_STR(p.v.code && p.v.code->group ? p.v.code->group : NULL, "criminal_justice");
    p = parse(eth, "h");
    CHECK_STR(p.v.code ? p.v.code->code : NULL, "H");
    p = parse(reason, "COMPLETED_DRUG_FREE");
    CHECK_STR(p.v.code ? p.v.code->code : NULL, "completed_drug_free");
    CHECK_STR(p.v.code && p.v.code->group ? p.v.code->group : NULL, "successful");

    /* Every code of every code list used by a field parses to itself. */
    size_t nt, bad = 0, tried = 0;
    const dsms_table *t = dsms_tables(&nt);
    for (size_t i = 0; i < nt; i++)
        for (size_t k = 0; k < t[i].nfields; k++) {
            const dsms_field *f = &t[i].fields[k];
            if (f->type != DSMS_TYPE_CODE) continue;
            for (size_t c = 0; c < f->codes->ncodes; c++) {
                parsed q = parse(f, f->codes->codes[c].code);
                tried++;
                if (!q.rc || q.v.code != &f->codes->codes[c]) {
                    bad++;
                    fprintf(stderr, "    %s.%s: code %s does not parse to itself\n",
                            t[i].name, f->name, f->codes->codes[c].code);
                }
            }
        }
    CHECK(tried > 100);
    CHECK_INT(bad, 0);

    /* Unknown codes, near misses and prefixes are refused with the list. */
    rejects(consent, "Q", "'Q' is not a known code", "a yes_no code: Y, N");
    {
        parsed q = parse(consent, "Q");
        CHECK_STR(q.expected, "a yes_no code: Y, N");
        CHECK_STR(q.message, "'Q' is not a known code");
        CHECK(q.v.code == NULL);
    }
    rejects(consent, "YES", "not a known code", "Y, N");
    rejects(consent, "Yy", "not a known code", "Y, N");
    rejects(consent, "1", "not a known code", "Y, N");
    rejects(source, "gpx", "not a known code", "a referral_source code: self, family_friends");
    rejects(source, "g", "not a known code", NULL);          /* a prefix of gp */
    rejects(source, "a and e", "not a known code", NULL);
    rejects(source, "a_and_e;gp", "not a known code", NULL); /* one code only */
    rejects(source, "\xc3\xa9", "not a known code", NULL);
    {
        parsed q = parse(source, "nope");
        CHECK(contains(q.expected, "a_and_e"));
        CHECK(contains(q.expected, "other_treatment, other"));
        CHECK(!contains(q.expected, "criminal_justice")); /* codes, not groups */
    }
    {
        /* The expectation list is cut to the buffer, never past it. */
        char m[8], e[20];
        dsms_value v;
        memset(e, '#', sizeof e);
        int rc = dsms_field_parse(source, "zzz", 3, &v, m, sizeof m, e, sizeof e);
        CHECK_INT(rc, 0);
        CHECK(memchr(e, 0, sizeof e) != NULL);
        CHECK(memchr(m, 0, sizeof m) != NULL);
        CHECK(strncmp(e, "a referral_source", 17) == 0);
    }

    /* Empty is fine (required is a row rule), and has no code. */
    p = parse(consent, "");
    CHECK_INT(p.rc, 1);
    CHECK_INT(p.v.present, 0);
    CHECK(p.v.code == NULL);
    p = parse(consent, "  ");
    CHECK_INT(p.rc, 1);
    CHECK_INT(p.v.present, 0);

    /* Sex is an attributor: never echoed, though the code list is shown. */
    const dsms_field *sex = field_of("episodes", "sex");
    p = parse(sex, "f");
    CHECK_STR(p.v.code ? p.v.code->code : NULL, "F");
    rejects_secret(sex, "Female", "a sex code: M, F, X");
    rejects_secret(sex, "Zebra", NULL);
    rejects_secret(field_of("prison_releases", "sex"), "Unknown", "M, F, X");
}

/* An embedded NUL after a valid code ("Y\0"): a CSV field can carry one. The
 * value is not the code Y, and looking it up must stay inside the code text. */
static void parse_code_with_nul(void)
{
    const dsms_field *consent = field_of("episodes", "consent");
    parsed p = parse_n(consent, "Y\0", 2);
    _exit(p.rc == 0 && p.v.code == NULL ? 0 : 3);
}

static void parse_code_with_nuls(void)
{
    const dsms_field *src = field_of("episodes", "referral_source");
    parsed p = parse_n(src, "gp\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 32);
    _exit(p.rc == 0 && p.v.code == NULL ? 0 : 3);
}

static void test_code_nul(void)
{
    /* Both fail today: dsms_code_find (lib/core/dataset.c) reads c[len] past the
     * end of the code text when the input has a NUL where the code ends. */
    CHECK(survives(parse_code_with_nul));
    CHECK(survives(parse_code_with_nuls));
}

/* ---- CODES ---- */

static void test_codes(void)
{
    const dsms_field *subs = field_of("deaths", "substances");
    CHECK_INT(subs->type, DSMS_TYPE_CODES);

    accepts(subs, "heroin", "heroin");
    accepts(subs, "heroin;benzodiazepines", "heroin;benzodiazepines");
    accepts(subs, "heroin ; crack", "heroin ; crack");
    accepts(subs, "  heroin;\tcrack ;alcohol  ", "heroin;\tcrack ;alcohol");
    accepts(subs, "HEROIN;Crack", "HEROIN;Crack");
    accepts(subs, "heroin;heroin", "heroin;heroin");

    const char *list_part = "a substance code: heroin, methadone_illicit";
    rejects(subs, "zzz", "unknown code", list_part);
    rejects(subs, "heroin;zzz", "unknown code", list_part);
    rejects(subs, "zzz;heroin", "unknown code", "(separated by semicolons)");
    rejects(subs, "heroin;crack;cocain", "unknown code", "(separated by semicolons)");
    rejects(subs, "heroin,crack", "unknown code", NULL);   /* commas are not separators */
    rejects(subs, "heroin crack", "unknown code", NULL);
    rejects(subs, "heroin;;crack", "empty item", NULL);
    rejects(subs, ";heroin", "empty item", NULL);
    rejects(subs, ";", "empty item", NULL);
    rejects(subs, "heroin; ;crack", "empty item", NULL);
    /* A trailing separator leaves an empty last item, as ";heroin" leaves an
     * empty first one. */
    rejects(subs, "heroin;", "empty item", "(separated by semicolons)");
    rejects(subs, "heroin;crack;", "empty item", NULL);
    {
        parsed p = parse(subs, "heroin;zzz");
        CHECK(contains(p.message, "heroin;zzz"));
        CHECK(contains(p.expected, "alcohol, other (separated by semicolons)"));
    }
    parsed p = parse(subs, "");
    CHECK_INT(p.rc, 1);
    CHECK_INT(p.v.present, 0);
}

/* ---- DATE ---- */

static void test_date_field(void)
{
    const dsms_field *ref = field_of("episodes", "referral_date");
    CHECK_INT(ref->type, DSMS_TYPE_DATE);

    accepts(ref, "2025-01-03", "2025-01-03");
    parsed p = parse(ref, "2025-01-03");
    CHECK_INT(p.v.i, dsms_date_parse("2025-01-03", 10));
    accepts(ref, "2024-02-29", "2024-02-29");
    p = parse(ref, "2024-02-29");
    CHECK_INT(p.v.i, 19782);
    accepts(ref, "2000-02-29", "2000-02-29"); /* divisible by 400 */
    accepts(ref, "1900-01-01", "1900-01-01");
    accepts(ref, "2025-12-31", "2025-12-31");
    accepts(ref, "2025-04-30", "2025-04-30");
    accepts(ref, "2025-01-31", "2025-01-31");
    accepts(ref, "  2025-06-30  ", "2025-06-30"); /* trailing and leading spaces trimmed */
    accepts(ref, "2025-06-30\t", "2025-06-30");
    p = parse(ref, "2025-06-30   ");
    CHECK_INT(p.v.i, dsms_date_parse("2025-06-30", 10));

    const char *want = "a real date YYYY-MM-DD, 1900 or later";
    rejects(ref, "2025-02-29", "'2025-02-29' is not a valid date", want);
    rejects(ref, "2025-04-31", "not a valid date", want);
    rejects(ref, "2025-06-31", "not a valid date", want);
    rejects(ref, "2025-13-01", "not a valid date", want);
    rejects(ref, "2025-00-10", "not a valid date", want);
    rejects(ref, "2025-01-00", "not a valid date", want);
    rejects(ref, "2025-01-32", "not a valid date", want);
    rejects(ref, "1900-02-29", "not a valid date", want); /* 1900 is not a leap year */
    rejects(ref, "2100-02-29", "not a valid date", want);
    rejects(ref, "1899-12-31", "not a valid date", want);
    rejects(ref, "0000-01-01", "not a valid date", want);
    rejects(ref, "2025-1-01", "not a valid date", want);
    rejects(ref, "2025-01-1", "not a valid date", want);
    rejects(ref, "01/02/2025", "not a valid date", want);
    rejects(ref, "2025/01/02", "not a valid date", want);
    rejects(ref, "20250102", "not a valid date", want);
    rejects(ref, "2025-01-02x", "not a valid date", want);
    rejects(ref, "2025-01-02T00:00", "not a valid date", want);
    rejects(ref, "2025 01 02", "not a valid date", want);
    rejects(ref, "2025-0a-02", "not a valid date", want);
    rejects(ref, "+025-01-02", "not a valid date", want);
    rejects(ref, "-2025-01-0", "not a valid date", want);
    rejects(ref, "2025-01- 2", "not a valid date", want);
    rejects(ref, "yesterday", "not a valid date", want);

    /* Date of birth is an attributor: never echoed. */
    const dsms_field *dob = field_of("episodes", "date_of_birth");
    accepts(dob, "1965-01-01", "1965-01-01");
    rejects_secret(dob, "1965-02-29", want);
    rejects_secret(dob, "1899-12-31", want);
    rejects_secret(dob, "01/02/1965", want);
    rejects_secret(dob, "1965-1-1", want);
    rejects_secret(field_of("drug_tests", "date_of_birth"), "1968-13-03", want);
}

/* ---- INT ---- */

static void test_int(void)
{
    const dsms_field *afu = field_of("episodes", "age_first_use"); /* 5..100 */
    const dsms_field *days = field_of("top", "days_alcohol");      /* 0..28 */
    const dsms_field *score = field_of("top", "psych_health");     /* 0..20 */
    static const dsms_field signed_f = {"delta", DSMS_TYPE_INT, 0, -10, 10, NULL, "test"};
    const dsms_field *sg = &signed_f;

    CHECK_INT(afu->min, 5);
    CHECK_INT(afu->max, 100);

    parsed p = parse(afu, "5");
    CHECK_INT(p.rc, 1);
    CHECK_INT(p.v.i, 5);
    p = parse(afu, "100");
    CHECK_INT(p.rc, 1);
    CHECK_INT(p.v.i, 100);
    p = parse(afu, "+50");
    CHECK_INT(p.rc, 1);
    CHECK_INT(p.v.i, 50);
    p = parse(afu, "007");
    CHECK_INT(p.rc, 1);
    CHECK_INT(p.v.i, 7);
    p = parse(afu, " 14 ");
    CHECK_INT(p.rc, 1);
    CHECK_INT(p.v.i, 14);
    accepts(days, "0", "0");
    accepts(days, "28", "28");
    accepts(score, "20", "20");

    const char *afu_range = "a whole number from 5 to 100";
    rejects(afu, "4", "4 is out of range", afu_range);
    rejects(afu, "101", "out of range", afu_range);
    rejects(afu, "0", "out of range", afu_range);
    rejects(afu, "-5", "out of range", afu_range);
    rejects(afu, "+4", "out of range", afu_range);
    rejects(days, "29", "out of range", "a whole number from 0 to 28");
    rejects(days, "-1", "out of range", "a whole number from 0 to 28");
    rejects(score, "21", "out of range", "a whole number from 0 to 20");

    rejects(afu, "1.5", "'1.5' is not a whole number", afu_range);
    rejects(afu, "14.0", "not a whole number", afu_range);
    rejects(afu, "5a", "not a whole number", afu_range);
    rejects(afu, "a5", "not a whole number", afu_range);
    rejects(afu, "abc", "not a whole number", afu_range);
    rejects(afu, "-", "not a whole number", afu_range);
    rejects(afu, "+", "not a whole number", afu_range);
    rejects(afu, "--5", "not a whole number", afu_range);
    rejects(afu, "+-5", "not a whole number", afu_range);
    rejects(afu, "1e2", "not a whole number", afu_range);
    rejects(afu, "0x10", "not a whole number", afu_range);
    rejects(afu, "1 000", "not a whole number", afu_range);
    rejects(afu, "1,000", "not a whole number", afu_range);
    rejects(afu, "\xd9\xa3", "not a whole number", afu_range); /* Arabic-Indic three */
    {
        parsed q = parse_n(afu, "1\0", 2);
        CHECK_INT(q.rc, 0);
    }

    /* Huge numbers are refused without overflow (UBSan would stop here). */
    rejects(afu, "1000000000", NULL, afu_range);
    rejects(afu, "2147483648", NULL, afu_range);
    rejects(afu, "9223372036854775807", NULL, afu_range);
    rejects(afu, "9223372036854775808", NULL, afu_range);
    rejects(afu, "99999999999999999999999999999999999999999999", NULL, afu_range);
    rejects(afu, "-99999999999999999999999999999999999999999999", NULL, afu_range);
    rejects(afu, "00000000000000000000000000000000000000000000101", NULL, afu_range);

    /* Signs, on a field whose range crosses zero. */
    p = parse(sg, "-10");
    CHECK_INT(p.rc, 1);
    CHECK_INT(p.v.i, -10);
    p = parse(sg, "+10");
    CHECK_INT(p.rc, 1);
    CHECK_INT(p.v.i, 10);
    p = parse(sg, "-0");
    CHECK_INT(p.rc, 1);
    CHECK_INT(p.v.i, 0);
    p = parse(sg, "0");
    CHECK_INT(p.rc, 1);
    CHECK_INT(p.v.i, 0);
    rejects(sg, "-11", "out of range", "a whole number from -10 to 10");
    rejects(sg, "11", "out of range", "a whole number from -10 to 10");
    rejects(sg, "- 1", "not a whole number", NULL);

    p = parse(afu, "");
    CHECK_INT(p.rc, 1);
    CHECK_INT(p.v.present, 0);
}

/* ---- calendar ---- */

static void test_calendar(void)
{
    CHECK_INT(dsms_date_parse("1970-01-01", 10), 0);
    CHECK_INT(dsms_date_parse("1970-01-02", 10), 1);
    CHECK_INT(dsms_date_parse("1969-12-31", 10), -1);
    CHECK_INT(dsms_date_parse("2000-03-01", 10), 11017);
    CHECK_INT(dsms_date_parse("2000-02-29", 10), 11016);
    CHECK_INT(dsms_date_parse("2000-01-01", 10), 10957);
    CHECK_INT(dsms_date_parse("1900-01-01", 10), -25567);
    CHECK_INT(dsms_date_parse("2024-02-29", 10), 19782);
    CHECK_INT(dsms_date_parse("2026-06-30", 10), 20634);
    CHECK_INT(dsms_date_parse("2025-02-29", 10), INT64_MIN);
    CHECK_INT(dsms_date_parse("1899-12-31", 10), INT64_MIN);
    CHECK_INT(dsms_date_parse("2025-01-01", 9), INT64_MIN); /* length is part of the form */
    CHECK_INT(dsms_date_parse("", 0), INT64_MIN);

    char buf[11];
    dsms_date_format(0, buf);
    CHECK_STR(buf, "1970-01-01");
    dsms_date_format(11017, buf);
    CHECK_STR(buf, "2000-03-01");
    dsms_date_format(11016, buf);
    CHECK_STR(buf, "2000-02-29");
    dsms_date_format(-1, buf);
    CHECK_STR(buf, "1969-12-31");
    dsms_date_format(-25567, buf);
    CHECK_STR(buf, "1900-01-01");
    dsms_date_format(19782, buf);
    CHECK_STR(buf, "2024-02-29");
    dsms_date_format(19783, buf);
    CHECK_STR(buf, "2024-03-01");
    /* A financial year starts on 1 April; the day before is 31 March. */
    for (int y = 1965; y <= 2100; y += 5) {
        int64_t d = dsms_financial_year_start(y);
        char want[16];
        snprintf(want, sizeof want, "%04d-04-01", y);
        CHECK_INT(d, dsms_date_parse(want, 10));
        dsms_date_format(d - 1, buf);
        snprintf(want, sizeof want, "%04d-03-31", y);
        CHECK_STR(buf, want);
    }
    dsms_date_format(-25509, buf); /* 1900 has no 29 February */
    CHECK_STR(buf, "1900-02-28");
    dsms_date_format(-25508, buf);
    CHECK_STR(buf, "1900-03-01");

    /* Round trip every day from 1900-01-01 to 2200-12-31: format, parse back,
     * the text increases, and only real leap days are 29 February. */
    int64_t first = dsms_date_parse("1900-01-01", 10), last = dsms_date_parse("2200-12-31", 10);
    CHECK(first != INT64_MIN && last != INT64_MIN);
    long mismatches = 0, disorder = 0, leapdays = 0, badleap = 0;
    char prev[11] = "";
    for (int64_t d = first; d <= last; d++) {
        dsms_date_format(d, buf);
        if (strlen(buf) != 10 || dsms_date_parse(buf, 10) != d) {
            if (mismatches++ < 5)
                fprintf(stderr, "    day %lld formats as %s, parses as %lld\n", (long long)d, buf,
                        (long long)dsms_date_parse(buf, 10));
        }
        if (*prev && strcmp(prev, buf) >= 0) disorder++;
        if (strcmp(buf + 4, "-02-29") == 0) {
            leapdays++;
            int y = atoi(buf);
            if (!((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) badleap++;
        }
        memcpy(prev, buf, sizeof prev);
    }
    CHECK_INT(mismatches, 0);
    CHECK_INT(disorder, 0);
    CHECK_INT(badleap, 0);
    /* Leap years 1900..2200: 1904..2196 by four, less 2100 (1900, 2200 are not). */
    CHECK_INT(leapdays, 73);
    CHECK_INT(last - first + 1, 301L * 365 + 73);

    /* Ages: the day before a birthday, on it, and 29 February birthdays. */
    int64_t born = dsms_date_parse("1990-06-15", 10);
    CHECK_INT(dsms_age_years(born, dsms_date_parse("2025-06-14", 10)), 34);
    CHECK_INT(dsms_age_years(born, dsms_date_parse("2025-06-15", 10)), 35);
    CHECK_INT(dsms_age_years(born, dsms_date_parse("2025-06-16", 10)), 35);
    CHECK_INT(dsms_age_years(born, dsms_date_parse("2025-12-31", 10)), 35);
    CHECK_INT(dsms_age_years(born, dsms_date_parse("2026-01-01", 10)), 35);
    CHECK_INT(dsms_age_years(born, born), 0);
    CHECK_INT(dsms_age_years(born, born - 1), -1);
    CHECK_INT(dsms_age_years(dsms_date_parse("2015-01-03", 10), dsms_date_parse("2025-01-03", 10)),
              10);
    CHECK_INT(dsms_age_years(dsms_date_parse("2015-01-04", 10), dsms_date_parse("2025-01-03", 10)),
              9);
    CHECK_INT(dsms_age_years(dsms_date_parse("1924-12-31", 10), dsms_date_parse("2025-01-01", 10)),
              100);
    CHECK_INT(dsms_age_years(dsms_date_parse("1969-12-31", 10), 0), 0);
    CHECK_INT(dsms_age_years(dsms_date_parse("1900-01-01", 10), dsms_date_parse("2000-01-01", 10)),
              100);

    int64_t leap = dsms_date_parse("2000-02-29", 10);
    CHECK_INT(dsms_age_years(leap, dsms_date_parse("2001-02-28", 10)), 0);
    CHECK_INT(dsms_age_years(leap, dsms_date_parse("2001-03-01", 10)), 1);
    CHECK_INT(dsms_age_years(leap, dsms_date_parse("2004-02-28", 10)), 3);
    CHECK_INT(dsms_age_years(leap, dsms_date_parse("2004-02-29", 10)), 4);
    CHECK_INT(dsms_age_years(leap, dsms_date_parse("2004-03-01", 10)), 4);
    CHECK_INT(dsms_age_years(leap, dsms_date_parse("2018-02-28", 10)), 17);
    CHECK_INT(dsms_age_years(leap, dsms_date_parse("2018-03-01", 10)), 18);
    /* Someone born on 1 March is a day older than someone born 29 February
     * in a leap year, and turns a year older on 1 March every year. */
    int64_t march = dsms_date_parse("2000-03-01", 10);
    CHECK_INT(dsms_age_years(march, dsms_date_parse("2001-02-28", 10)), 0);
    CHECK_INT(dsms_age_years(march, dsms_date_parse("2001-03-01", 10)), 1);
    CHECK_INT(dsms_age_years(march, dsms_date_parse("2004-02-29", 10)), 3);
}

/* ---- every field of every table, with a bad value: secrets stay secret ---- */

static void test_no_echo_anywhere(void)
{
    size_t nt;
    const dsms_table *t = dsms_tables(&nt);
    long attrib = 0;
    for (size_t i = 0; i < nt; i++)
        for (size_t k = 0; k < t[i].nfields; k++) {
            const dsms_field *f = &t[i].fields[k];
            if (!(f->flags & DSMS_F_ATTRIBUTOR)) continue;
            attrib++;
            /* Values that are wrong for every attributor type. */
            const char *bad[] = {"Secretvalue", "Q7", "1999-99-99", "Zz Top", "\xc3\x89\xc3\x89"};
            for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
                if (f->type == DSMS_TYPE_TEXT && strcmp(bad[b], "Zz Top") == 0) continue;
                begin();
                parsed p = parse(f, bad[b]);
                CHECK_INT(p.rc, 0);
                CHECK(!contains(p.message, bad[b]));
                CHECK(!contains(p.expected, bad[b]));
                CHECK(!contains(p.message, "'"));
                if (check_failed > failures_before)
                    fprintf(stderr, "    ^ %s.%s with \"%s\": \"%s\" (expected %s)\n", t[i].name,
                            f->name, bad[b], p.message, p.expected);
            }
        }
    CHECK_INT(attrib, 18); /* three in each of the six tables with an attributor */
}

/* Multi-code values are stored in canonical spelling, in the order given. */
static void test_codes_canonical(void)
{
    const dsms_field *subs = field_of("deaths", "substances");
    const char *in[] = {"heroin", " Heroin ; CRACK;alcohol", "GHB_GBL;other_nps", "ecstasy ; ecstasy"};
    const char *want[] = {"heroin", "heroin;crack;alcohol", "ghb_gbl;other_nps", "ecstasy;ecstasy"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        dsms_value v;
        char msg[256], exp[512], out[128];
        CHECK_INT(dsms_field_parse(subs, in[i], strlen(in[i]), &v, msg, sizeof msg, exp, sizeof exp), 1);
        dsms_codes_canonical(subs, &v, out, sizeof out);
        CHECK_STR(out, want[i]);
    }
}

int main(void)
{
    test_codes_canonical();
    test_text();
    test_code();
    test_code_nul();
    test_codes();
    test_date_field();
    test_int();
    test_calendar();
    test_no_echo_anywhere();
    support_cleanup();
    return check_summary();
}
