/* test_text.c — dsms_escape (lib/core/text.c): what is escaped and how, that the
 * output is never cut inside an escape or a character, and that diagnostics
 * are formatted through it. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "dsms/diag.h"
#include "dsms/text.h"

static const char *esc(const char *s, size_t n)
{
    static char out[256];
    size_t need = dsms_escape(s, n, out, sizeof out);
    CHECK_INT(need, strlen(out));
    return out;
}

static void test_escapes(void)
{
    CHECK_STR(esc("plain text, 'quoted' & done", (size_t)-1), "plain text, 'quoted' & done");
    CHECK_STR(esc("a\nb\tc\rd", (size_t)-1), "a\\nb\\tc\\rd");
    CHECK_STR(esc("\x1b[2J", (size_t)-1), "\\x1b[2J");
    CHECK_STR(esc("back\\slash", (size_t)-1), "back\\\\slash");
    CHECK_STR(esc("\a\b\f\v\x7f\x01", (size_t)-1), "\\a\\b\\f\\v\\x7f\\x01");
    CHECK_STR(esc("nul\0byte", 8), "nul\\0byte");
    /* UTF-8 passes, its controls and direction marks do not */
    CHECK_STR(esc("caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80", (size_t)-1),
              "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80");
    CHECK_STR(esc("\xc2\x9b" "31m", (size_t)-1), "\\u009b31m");     /* C1 CSI */
    CHECK_STR(esc("a\xe2\x80\xae" "b", (size_t)-1), "a\\u202eb");    /* right-to-left override */
    CHECK_STR(esc("\xe2\x80\xa8", (size_t)-1), "\\u2028");           /* line separator */
    /* not UTF-8: each byte on its own */
    CHECK_STR(esc("\xff\xfe", (size_t)-1), "\\xff\\xfe");
    CHECK_STR(esc("\xc3", (size_t)-1), "\\xc3");                     /* cut short */
    CHECK_STR(esc("\xc0\xaf", (size_t)-1), "\\xc0\\xaf");            /* overlong '/' */
    CHECK_STR(esc("\xed\xa0\x80", (size_t)-1), "\\xed\\xa0\\x80");   /* a surrogate */
    CHECK_STR(esc("\xf4\x90\x80\x80", (size_t)-1), "\\xf4\\x90\\x80\\x80"); /* past U+10FFFF */
    CHECK(!dsms_needs_escape("P0001 episodes.csv"));
    CHECK(dsms_needs_escape("a\nb"));
    CHECK(dsms_needs_escape("\\"));
}

/* A short buffer holds whole pieces only, and the length needed is right. */
static void test_short_buffer(void)
{
    char out[8];
    CHECK_INT(dsms_escape("ab\x1b" "cd", (size_t)-1, out, sizeof out), 8);
    CHECK_STR(out, "ab\\x1bc");
    CHECK_INT(dsms_escape("abcd\x1b", (size_t)-1, out, 8), 8);
    CHECK_STR(out, "abcd"); /* "\x1b" does not fit whole */
    CHECK_INT(dsms_escape("abcdef\xc3\xa9", (size_t)-1, out, 8), 8);
    CHECK_STR(out, "abcdef"); /* nor does half of an e-acute */
    CHECK_INT(dsms_escape("a\nb", (size_t)-1, NULL, 0), 4);
    char one[1] = {'x'};
    CHECK_INT(dsms_escape("abc", (size_t)-1, one, 1), 3);
    CHECK_INT(one[0], 0);
}

/* Every byte value alone: never a control byte out, always NUL-terminated. */
static void test_every_byte(void)
{
    for (int b = 0; b < 256; b++) {
        char in[1] = {(char)b}, out[16];
        size_t n = dsms_escape(in, 1, out, sizeof out);
        CHECK(n == strlen(out));
        int clean = 1;
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] >= 0x7f) clean = 0;
        CHECK(clean);
    }
}

static void test_diag_format(void)
{
    dsms_diag d = {"ep\x1b[2J\nx.csv", 3, "episodes", "", "area_known", DSMS_ERROR, "", ""};
    dsms_diag_set_field(&d, "col\tour");
    snprintf(d.message, sizeof d.message, "'E0\n' is not a reference area");
    snprintf(d.expected, sizeof d.expected, "an ONS code");
    char line[512];
    dsms_diag_format(&d, line, sizeof line);
    CHECK_STR(line, "ep\\x1b[2J\\nx.csv:3: col\\tour: 'E0\\n' is not a reference area "
                    "(expected an ONS code)");
    d.line = 0;
    d.field[0] = 0;
    d.expected[0] = 0;
    d.severity = DSMS_WARNING;
    dsms_diag_format(&d, line, sizeof line);
    CHECK_STR(line, "ep\\x1b[2J\\nx.csv: file: warning: 'E0\\n' is not a reference area");
}

int main(void)
{
    test_escapes();
    test_short_buffer();
    test_every_byte();
    test_diag_format();
    return check_summary();
}
