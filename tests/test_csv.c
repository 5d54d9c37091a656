/* test_csv.c — the streaming CSV reader (lib/core/csv.h): records from memory and
 * from a file descriptor (files larger than the 64 KiB input buffer, and a
 * socket that hands over one byte per read), every edge case of RFC 4180 as
 * csv.h describes it, error records and what follows them, and
 * dsms_utf8_valid at its boundaries. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "dsms/csv.h"
#include "dsms/dataset.h"
#include "support.h"

#define OK DSMS_CSV_OK
#define BAD_QUOTE DSMS_CSV_BAD_QUOTE
#define UNTERMINATED DSMS_CSV_UNTERMINATED
#define BAD_UTF8 DSMS_CSV_BAD_UTF8
#define TOO_LONG DSMS_CSV_TOO_LONG
#define MAX DSMS_CSV_MAX_RECORD
#define INBUF 65536 /* the reader's input buffer (csv.c) */

/* ---- helpers ---- */

static dsms_csv_row last; /* the row the last ROW() read */

static dsms_csv *mem(const char *s) { return dsms_csv_open_mem(s, strlen(s)); }

/* ROW(c, line, status, nfields, field...): the next record is there, starts on
 * that line, has that status and (unless nfields is -1) exactly these fields.
 * The fields are compared as text and by length, so a stray NUL or a kept CR
 * shows. */
#define ROW(c, line, status, ...) expect_row(__LINE__, c, line, status, __VA_ARGS__)

static void expect_row(int at, dsms_csv *c, long line, dsms_csv_status status, int nfields, ...)
{
    int before = check_failed;
    memset(&last, 0, sizeof last);
    int r = dsms_csv_next(c, &last);
    CHECK_INT(r, 1);
    if (r == 1) {
        CHECK_INT(last.line, line);
        CHECK_INT(last.status, status);
        if (nfields >= 0) {
            CHECK_INT(last.nfields, nfields);
            va_list ap;
            va_start(ap, nfields);
            for (int i = 0; i < nfields; i++) {
                const char *want = va_arg(ap, const char *);
                if ((size_t)i >= last.nfields) continue;
                CHECK_STR(last.field[i], want);
                CHECK_INT(last.len[i], strlen(want));
            }
            va_end(ap);
        }
    }
    if (check_failed != before) fprintf(stderr, "    (the row expected at test_csv.c:%d)\n", at);
}

#define END(c) expect_end(__LINE__, c)

static void expect_end(int at, dsms_csv *c)
{
    int before = check_failed;
    dsms_csv_row row;
    int r = dsms_csv_next(c, &row);
    CHECK_INT(r, 0);
    if (r == 1)
        fprintf(stderr, "    unexpected row at line %ld, %zu fields, first \"%s\"\n", row.line,
                row.nfields, row.nfields ? row.field[0] : "");
    CHECK_INT(dsms_csv_next(c, &row), 0); /* and it stays at the end */
    if (check_failed != before) fprintf(stderr, "    (the end expected at test_csv.c:%d)\n", at);
}

/* Bytes as text: n copies of ch. */
static char *repeat(char ch, size_t n)
{
    char *s = malloc(n + 1);
    if (!s) abort();
    memset(s, ch, n);
    s[n] = 0;
    return s;
}

typedef struct {
    unsigned char *p;
    size_t len, cap;
    long calls;
} bytes;

static void bytes_put(bytes *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1) cap *= 2;
        b->p = realloc(b->p, cap);
        if (!b->p) abort();
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void bytes_puts(bytes *b, const char *s) { bytes_put(b, s, strlen(s)); }

static void tap(void *ctx, const unsigned char *buf, size_t n)
{
    bytes *b = ctx;
    b->calls++;
    bytes_put(b, buf, n);
}

static const char *write_file(const char *name, const void *data, size_t n)
{
    static char path[8][600];
    static int next;
    char *p = path[next++ % 8];
    snprintf(p, 600, "%s/%s", support_dir(), name);
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
        perror(p);
        exit(2);
    }
    return p;
}

/* ---- memory: the plain cases ---- */

static void plain_rows(void)
{
    dsms_csv *c = mem("provider_code,episode_ref,date\nP1,E1,2025-01-01\nP22,E333,\n");
    ROW(c, 1, OK, 3, "provider_code", "episode_ref", "date");
    ROW(c, 2, OK, 3, "P1", "E1", "2025-01-01");
    ROW(c, 3, OK, 3, "P22", "E333", "");
    END(c);
    dsms_csv_close(c);

    c = mem("");
    END(c);
    dsms_csv_close(c);

    c = mem("single");
    ROW(c, 1, OK, 1, "single");
    END(c);
    dsms_csv_close(c);

    /* Spaces are data, not padding. */
    c = mem(" a , b \n \n");
    ROW(c, 1, OK, 2, " a ", " b ");
    ROW(c, 2, OK, 1, " ");
    END(c);
    dsms_csv_close(c);
}

static void quoted_fields(void)
{
    dsms_csv *c = mem("\"a\",\"b c\",d,\"\"\n\"x\"\n");
    ROW(c, 1, OK, 4, "a", "b c", "d", "");
    ROW(c, 2, OK, 1, "x");
    END(c);
    dsms_csv_close(c);

    /* Doubled quotes are one quote, wherever they fall in the field. */
    c = mem("\"say \"\"hi\"\"\",\"\"\"\",\"\"\"\"\"\",\"a\"\"\"\n");
    ROW(c, 1, OK, 4, "say \"hi\"", "\"", "\"\"", "a\"");
    END(c);
    dsms_csv_close(c);

    /* Commas inside quotes do not split. */
    c = mem("\"a,b\",c,\",\",\",,\"\n");
    ROW(c, 1, OK, 4, "a,b", "c", ",", ",,");
    END(c);
    dsms_csv_close(c);

    /* A carriage return inside quotes is data. */
    c = mem("\"a\rb\",c\n");
    ROW(c, 1, OK, 2, "a\rb", "c");
    END(c);
    dsms_csv_close(c);
}

static void embedded_newlines(void)
{
    /* The row's line is the one it starts on; the next row's line counts the
     * newlines inside the quotes. */
    dsms_csv *c = mem("id,note\n1,\"line one\nline two\"\n2,plain\n3,\"a\n\n\nb\",x\n4,end\n");
    ROW(c, 1, OK, 2, "id", "note");
    ROW(c, 2, OK, 2, "1", "line one\nline two");
    ROW(c, 4, OK, 2, "2", "plain");
    ROW(c, 5, OK, 3, "3", "a\n\n\nb", "x");
    ROW(c, 9, OK, 2, "4", "end");
    END(c);
    dsms_csv_close(c);

    /* CRLF inside quotes is kept as it is, and counted as one line. */
    c = mem("id,note\r\n1,\"crlf\r\ninside\"\r\n2,\"\r\n\"\r\n3,z\r\n");
    ROW(c, 1, OK, 2, "id", "note");
    ROW(c, 2, OK, 2, "1", "crlf\r\ninside");
    ROW(c, 4, OK, 2, "2", "\r\n");
    ROW(c, 6, OK, 2, "3", "z");
    END(c);
    dsms_csv_close(c);

    /* A newline as the whole field, first and last. */
    c = mem("\"\n\",\"\n\"\nnext\n");
    ROW(c, 1, OK, 2, "\n", "\n");
    ROW(c, 4, OK, 1, "next");
    END(c);
    dsms_csv_close(c);
}

static void line_ends(void)
{
    dsms_csv *c = mem("a,b\r\nc,d\r\n\"e\",\"f\"\r\n");
    ROW(c, 1, OK, 2, "a", "b");
    ROW(c, 2, OK, 2, "c", "d");
    ROW(c, 3, OK, 2, "e", "f");
    END(c);
    dsms_csv_close(c);

    /* The last line without a line end, plain, quoted, or with a lone CR. */
    c = mem("a,b\nc,d");
    ROW(c, 1, OK, 2, "a", "b");
    ROW(c, 2, OK, 2, "c", "d");
    END(c);
    dsms_csv_close(c);

    c = mem("a\n\"c\",\"d\"");
    ROW(c, 1, OK, 1, "a");
    ROW(c, 2, OK, 2, "c", "d");
    END(c);
    dsms_csv_close(c);

    c = mem("a,b\r\nc,d\r");
    ROW(c, 1, OK, 2, "a", "b");
    ROW(c, 2, OK, 2, "c", "d");
    END(c);
    dsms_csv_close(c);

    c = mem("x,\"y\"\r");
    ROW(c, 1, OK, 2, "x", "y");
    END(c);
    dsms_csv_close(c);

    /* Mixed LF and CRLF files still count lines. */
    c = mem("a\r\nb\nc\r\n\nd");
    ROW(c, 1, OK, 1, "a");
    ROW(c, 2, OK, 1, "b");
    ROW(c, 3, OK, 1, "c");
    ROW(c, 5, OK, 1, "d");
    END(c);
    dsms_csv_close(c);
}

static void byte_order_mark(void)
{
    /* At the start: skipped, so the first header name is clean. */
    dsms_csv *c = mem("\xEF\xBB\xBFname,value\nx,y\n");
    ROW(c, 1, OK, 2, "name", "value");
    ROW(c, 2, OK, 2, "x", "y");
    END(c);
    dsms_csv_close(c);

    c = mem("\xEF\xBB\xBF\"quoted\"\r\n");
    ROW(c, 1, OK, 1, "quoted");
    END(c);
    dsms_csv_close(c);

    /* A file that is only a BOM, or a BOM and blank lines, has no records. */
    c = mem("\xEF\xBB\xBF");
    END(c);
    dsms_csv_close(c);
    c = mem("\xEF\xBB\xBF\n\r\n");
    END(c);
    dsms_csv_close(c);

    /* Anywhere else it is data (U+FEFF is valid UTF-8), and only one is skipped. */
    c = mem("a\n\xEF\xBB\xBF" "b,c\xEF\xBB\xBF\n");
    ROW(c, 1, OK, 1, "a");
    ROW(c, 2, OK, 2, "\xEF\xBB\xBF" "b", "c\xEF\xBB\xBF");
    END(c);
    dsms_csv_close(c);

    c = mem("\xEF\xBB\xBF\xEF\xBB\xBF" "a\n");
    ROW(c, 1, OK, 1, "\xEF\xBB\xBF" "a");
    CHECK_INT(last.len[0], 4);
    END(c);
    dsms_csv_close(c);

    /* Not a BOM: a truncated one is invalid UTF-8, not skipped. */
    c = mem("\xEF\xBB,a\nb\n");
    ROW(c, 1, BAD_UTF8, -1);
    CHECK_INT(last.bad_field, 0);
    ROW(c, 2, OK, 1, "b");
    END(c);
    dsms_csv_close(c);

    /* A BOM before a newline at the start leaves line numbers alone. */
    c = mem("\xEF\xBB\xBF\nx\n");
    ROW(c, 2, OK, 1, "x");
    END(c);
    dsms_csv_close(c);
}

static void empty_fields(void)
{
    dsms_csv *c = mem(",\na,,b\n\"\"\na,b,\n,,\n\"\",\n");
    ROW(c, 1, OK, 2, "", "");
    ROW(c, 2, OK, 3, "a", "", "b");
    ROW(c, 3, OK, 1, "");
    ROW(c, 4, OK, 3, "a", "b", "");
    ROW(c, 5, OK, 3, "", "", "");
    ROW(c, 6, OK, 2, "", "");
    END(c);
    dsms_csv_close(c);

    /* A trailing comma at the very end of the input, and before CRLF. */
    c = mem("a,b,");
    ROW(c, 1, OK, 3, "a", "b", "");
    END(c);
    dsms_csv_close(c);
    c = mem("a,b,\r\nc,\r\n");
    ROW(c, 1, OK, 3, "a", "b", "");
    ROW(c, 2, OK, 2, "c", "");
    END(c);
    dsms_csv_close(c);
}

static void blank_lines(void)
{
    dsms_csv *c = mem("\n\na\n\r\n\nb\n\n\r\n");
    ROW(c, 3, OK, 1, "a");
    ROW(c, 6, OK, 1, "b");
    END(c);
    dsms_csv_close(c);

    c = mem("\n\n\n");
    END(c);
    dsms_csv_close(c);

    /* A line holding only "" is a record with one empty field, not a blank line. */
    c = mem("\n\"\"\n");
    ROW(c, 2, OK, 1, "");
    END(c);
    dsms_csv_close(c);
}

static void ragged_rows(void)
{
    /* The reader returns what each record holds; judging it is the importer's job. */
    dsms_csv *c = mem("a,b,c\n1,2\n1,2,3,4\n5\n,,,,\n");
    ROW(c, 1, OK, 3, "a", "b", "c");
    ROW(c, 2, OK, 2, "1", "2");
    ROW(c, 3, OK, 4, "1", "2", "3", "4");
    ROW(c, 4, OK, 1, "5");
    ROW(c, 5, OK, 5, "", "", "", "", "");
    END(c);
    dsms_csv_close(c);
}

static void nul_bytes(void)
{
    /* A NUL is a byte like any other: len counts it, the text stops at it. */
    static const char in[] = "a\0b,\"c\0\"\n";
    dsms_csv *c = dsms_csv_open_mem(in, sizeof in - 1);
    ROW(c, 1, OK, -1);
    CHECK_INT(last.nfields, 2);
    CHECK_INT(last.len[0], 3);
    CHECK(memcmp(last.field[0], "a\0b", 4) == 0);
    CHECK_INT(last.len[1], 2);
    CHECK(memcmp(last.field[1], "c\0", 3) == 0);
    END(c);
    dsms_csv_close(c);
}

/* ---- UTF-8 ---- */

static void valid_utf8(void)
{
    dsms_csv *c = mem("caf\xC3\xA9,\xE2\x82\xAC" "5,\xF0\x9F\x98\x80,\"\xC3\xA9\n\xE2\x82\xAC\"\nnext\n");
    ROW(c, 1, OK, 4, "caf\xC3\xA9", "\xE2\x82\xAC" "5", "\xF0\x9F\x98\x80", "\xC3\xA9\n\xE2\x82\xAC");
    CHECK_INT(last.len[0], 5);
    CHECK_INT(last.len[1], 4);
    CHECK_INT(last.len[2], 4);
    ROW(c, 3, OK, 1, "next");
    END(c);
    dsms_csv_close(c);

    /* The extremes of each length. */
    c = mem("\xC2\x80,\xDF\xBF,\xE0\xA0\x80,\xED\x9F\xBF,\xEE\x80\x80,\xEF\xBF\xBF,"
            "\xF0\x90\x80\x80,\xF4\x8F\xBF\xBF,\x7F\n");
    ROW(c, 1, OK, 9, "\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF", "\xEE\x80\x80",
        "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF", "\x7F");
    END(c);
    dsms_csv_close(c);
}

static void invalid_utf8(void)
{
    /* Each bad row is returned with the index of its first bad field and its
     * line, and the next row reads normally. */
    dsms_csv *c = mem("h1,h2,h3\n"
                      "ok,\xC3\x28,x\n"               /* bad continuation byte */
                      "\xC0\x80,b,c\n"                /* overlong NUL */
                      "a,b,\xED\xA0\x80\n"            /* surrogate U+D800 */
                      "a,\xF4\x90\x80\x80,c\n"        /* U+110000 */
                      "a,b,\xE2\x82\n"                /* truncated at the end of the field */
                      "\xE2\x82,\xAC\n"               /* a character split by a comma */
                      "a,\"x\n\xFF\",c\n"             /* bad in a multi-line field */
                      "\xE0\x80\xAF,b\n"              /* overlong 3-byte */
                      "\xF0\x80\x80\xAF\n"            /* overlong 4-byte */
                      "\xED\xBF\xBF\n"                /* surrogate U+DFFF */
                      "\x80\n"                        /* lone continuation byte */
                      "\xF5\x80\x80\x80,\xF8,\xFF\n"  /* bytes that never start a character */
                      "fine,row,\xC3\xA9\n"
                      "last,\xF0\x9F\x98");           /* truncated at the end of the file */
    ROW(c, 1, OK, 3, "h1", "h2", "h3");
    ROW(c, 2, BAD_UTF8, 3, "ok", "\xC3\x28", "x");
    CHECK_INT(last.bad_field, 1);
    ROW(c, 3, BAD_UTF8, 3, "\xC0\x80", "b", "c");
    CHECK_INT(last.bad_field, 0);
    ROW(c, 4, BAD_UTF8, 3, "a", "b", "\xED\xA0\x80");
    CHECK_INT(last.bad_field, 2);
    ROW(c, 5, BAD_UTF8, 3, "a", "\xF4\x90\x80\x80", "c");
    CHECK_INT(last.bad_field, 1);
    ROW(c, 6, BAD_UTF8, 3, "a", "b", "\xE2\x82");
    CHECK_INT(last.bad_field, 2);
    ROW(c, 7, BAD_UTF8, 2, "\xE2\x82", "\xAC");
    CHECK_INT(last.bad_field, 0);
    ROW(c, 8, BAD_UTF8, 3, "a", "x\n\xFF", "c");
    CHECK_INT(last.bad_field, 1);
    ROW(c, 10, BAD_UTF8, -1);
    CHECK_INT(last.bad_field, 0);
    ROW(c, 11, BAD_UTF8, -1);
    CHECK_INT(last.bad_field, 0);
    ROW(c, 12, BAD_UTF8, -1);
    CHECK_INT(last.bad_field, 0);
    ROW(c, 13, BAD_UTF8, -1);
    CHECK_INT(last.bad_field, 0);
    ROW(c, 14, BAD_UTF8, 3, "\xF5\x80\x80\x80", "\xF8", "\xFF");
    CHECK_INT(last.bad_field, 0);
    ROW(c, 15, OK, 3, "fine", "row", "\xC3\xA9");
    ROW(c, 16, BAD_UTF8, 2, "last", "\xF0\x9F\x98");
    CHECK_INT(last.bad_field, 1);
    END(c);
    dsms_csv_close(c);
}

static void utf8_valid_direct(void)
{
#define V(lit) dsms_utf8_valid((const unsigned char *)(lit), sizeof(lit) - 1)
    CHECK_INT(dsms_utf8_valid((const unsigned char *)"", 0), 1);
    CHECK_INT(V("\x00"), 1);
    CHECK_INT(V("\x7F"), 1);
    CHECK_INT(V("\x80"), 0);         /* continuation byte alone */
    CHECK_INT(V("\xBF"), 0);
    CHECK_INT(V("\xC0\x80"), 0);     /* overlong */
    CHECK_INT(V("\xC1\xBF"), 0);     /* overlong U+007F */
    CHECK_INT(V("\xC2\x80"), 1);     /* U+0080 */
    CHECK_INT(V("\xDF\xBF"), 1);     /* U+07FF */
    CHECK_INT(V("\xC2"), 0);         /* truncated */
    CHECK_INT(V("\xC2\x7F"), 0);     /* bad continuation */
    CHECK_INT(V("\xC2\xC0"), 0);
    CHECK_INT(V("\xE0\x9F\xBF"), 0); /* overlong U+07FF */
    CHECK_INT(V("\xE0\xA0\x80"), 1); /* U+0800 */
    CHECK_INT(V("\xED\x9F\xBF"), 1); /* U+D7FF */
    CHECK_INT(V("\xED\xA0\x80"), 0); /* U+D800 */
    CHECK_INT(V("\xED\xBF\xBF"), 0); /* U+DFFF */
    CHECK_INT(V("\xEE\x80\x80"), 1); /* U+E000 */
    CHECK_INT(V("\xEF\xBF\xBF"), 1); /* U+FFFF */
    CHECK_INT(V("\xEF\xBB\xBF"), 1); /* U+FEFF */
    CHECK_INT(V("\xE2\x82"), 0);     /* truncated */
    CHECK_INT(V("\xE2\x28\xAC"), 0);
    CHECK_INT(V("\xE2\x82\x28"), 0);
    CHECK_INT(V("\xF0\x8F\xBF\xBF"), 0); /* overlong U+FFFF */
    CHECK_INT(V("\xF0\x90\x80\x80"), 1); /* U+10000 */
    CHECK_INT(V("\xF0\x9F\x98\x80"), 1); /* U+1F600 */
    CHECK_INT(V("\xF4\x8F\xBF\xBF"), 1); /* U+10FFFF */
    CHECK_INT(V("\xF4\x90\x80\x80"), 0); /* U+110000 */
    CHECK_INT(V("\xF5\x80\x80\x80"), 0);
    CHECK_INT(V("\xF7\xBF\xBF\xBF"), 0);
    CHECK_INT(V("\xF8\x88\x80\x80\x80"), 0);
    CHECK_INT(V("\xFE"), 0);
    CHECK_INT(V("\xFF"), 0);
    CHECK_INT(V("\xF0\x9F\x98"), 0);     /* truncated */
    CHECK_INT(V("\xF0\x28\x98\x80"), 0);
    CHECK_INT(V("\xF0\x9F\x28\x80"), 0);
    CHECK_INT(V("\xF0\x9F\x98\x28"), 0);
    /* Around the eight-bytes-at-a-time ASCII scan. */
    CHECK_INT(V("abcdefgh"), 1);
    CHECK_INT(V("abcdefghijklmnop"), 1);
    CHECK_INT(V("abcdefg\xC3\xA9"), 1);             /* é straddles bytes 7 and 8 */
    CHECK_INT(V("abcdefgh\xC3\xA9"), 1);
    CHECK_INT(V("abcdefg\xC3"), 0);
    CHECK_INT(V("abcdefgh\xC3"), 0);
    CHECK_INT(V("abcdefghijklmno\xFF"), 0);
    CHECK_INT(V("abcdefghijklmnop\xFF"), 0);
    CHECK_INT(V("\xFF" "bcdefghijklmnop"), 0);
    CHECK_INT(V("abcdefghijklmn\xE2\x82\xAC" "abcdefgh"), 1);
    CHECK_INT(V("abcdefghijklmn\xE2\x82" "abcdefgh"), 0);
    /* n is the limit, not the NUL. */
    CHECK_INT(dsms_utf8_valid((const unsigned char *)"\xC3\xA9", 1), 0);
    CHECK_INT(dsms_utf8_valid((const unsigned char *)"a\xFF", 1), 1);
    CHECK_INT(dsms_utf8_valid((const unsigned char *)"abcdefgh\xFF", 8), 1);
#undef V
}

/* ---- malformed records ---- */

static void bad_quotes(void)
{
    /* Text after a closing quote. */
    dsms_csv *c = mem("h\n\"a\"b,c\nx,y\n");
    ROW(c, 1, OK, 1, "h");
    ROW(c, 2, BAD_QUOTE, -1);
    ROW(c, 3, OK, 2, "x", "y");
    END(c);
    dsms_csv_close(c);

    c = mem("\"a\" ,b\r\nx,y\r\n");
    ROW(c, 1, BAD_QUOTE, -1);
    ROW(c, 2, OK, 2, "x", "y");
    END(c);
    dsms_csv_close(c);

    /* A quote inside an unquoted field, with a balanced pair: the rest of the
     * line goes with the bad record. */
    c = mem("a,b\"c\"d,e\nx,y\n");
    ROW(c, 1, BAD_QUOTE, -1);
    ROW(c, 2, OK, 2, "x", "y");
    END(c);
    dsms_csv_close(c);

    /* A multi-line record after a bad one keeps its line number. */
    c = mem("\"a\"x\n\"b\nc\"\nz\n");
    ROW(c, 1, BAD_QUOTE, -1);
    ROW(c, 2, OK, 1, "b\nc");
    ROW(c, 4, OK, 1, "z");
    END(c);
    dsms_csv_close(c);
}

/* A single stray quote in an unquoted field (a height in inches, a typo) must
 * cost one record, not every record up to the next quote in the file. */
static void bad_quote_single_stray(void)
{
    dsms_csv *c = mem("a,b\"c\nx,y\nz,w\n");
    ROW(c, 1, BAD_QUOTE, -1);
    ROW(c, 2, OK, 2, "x", "y");
    ROW(c, 3, OK, 2, "z", "w");
    END(c);
    dsms_csv_close(c);

    c = mem("id,height\n1,5'11\"\n2,6'0\n3,5'8\n");
    ROW(c, 1, OK, 2, "id", "height");
    ROW(c, 2, BAD_QUOTE, -1);
    ROW(c, 3, OK, 2, "2", "6'0");
    ROW(c, 4, OK, 2, "3", "5'8");
    END(c);
    dsms_csv_close(c);
}

/* csv.h: bad_field says which field, for BAD_QUOTE as for BAD_UTF8. */
static void bad_quote_field_index(void)
{
    dsms_csv *c = mem("a,b\"c\n");
    ROW(c, 1, BAD_QUOTE, -1);
    CHECK_INT(last.bad_field, 1); /* the quote is in field 1, "b\"c" */
    dsms_csv_close(c);

    c = mem("\"a\"b,c\n");
    ROW(c, 1, BAD_QUOTE, -1);
    CHECK_INT(last.bad_field, 0); /* the text follows field 0's closing quote */
    dsms_csv_close(c);

    c = mem("x,y,z\"\n");
    ROW(c, 1, BAD_QUOTE, -1);
    CHECK_INT(last.bad_field, 2);
    dsms_csv_close(c);
}

static void bare_cr(void)
{
    /* A CR that does not end a line is malformed; the record is dropped up to the
     * next LF and the next one reads. */
    dsms_csv *c = mem("a\rb,c\nx,y\n");
    ROW(c, 1, BAD_QUOTE, -1);
    ROW(c, 2, OK, 2, "x", "y");
    END(c);
    dsms_csv_close(c);

    c = mem("a\r,b\nx\n");
    ROW(c, 1, BAD_QUOTE, -1);
    ROW(c, 2, OK, 1, "x");
    END(c);
    dsms_csv_close(c);

    c = mem("a\r\r\nb\n");
    ROW(c, 1, BAD_QUOTE, -1);
    ROW(c, 2, OK, 1, "b");
    END(c);
    dsms_csv_close(c);

    c = mem("\"q\"\rz\nb\n");
    ROW(c, 1, BAD_QUOTE, -1);
    ROW(c, 2, OK, 1, "b");
    END(c);
    dsms_csv_close(c);

    /* Old Mac line ends: no LF at all, so the whole input is one bad record. */
    c = mem("a,b\rc,d\r");
    ROW(c, 1, BAD_QUOTE, -1);
    END(c);
    dsms_csv_close(c);
}

static void unterminated(void)
{
    dsms_csv *c = mem("a,b\n1,\"never closed\n2,3\n4,5\n");
    ROW(c, 1, OK, 2, "a", "b");
    ROW(c, 2, UNTERMINATED, -1);
    END(c);
    dsms_csv_close(c);

    /* The line is where the record starts, after multi-line records before it. */
    c = mem("\"a\nb\",c\r\n\r\nx,\"open\n\n");
    ROW(c, 1, OK, 2, "a\nb", "c");
    ROW(c, 4, UNTERMINATED, -1);
    END(c);
    dsms_csv_close(c);

    c = mem("\"");
    ROW(c, 1, UNTERMINATED, -1);
    END(c);
    dsms_csv_close(c);

    /* A doubled quote at the very end is a quote, not the close. */
    c = mem("x\n\"abc\"\"");
    ROW(c, 1, OK, 1, "x");
    ROW(c, 2, UNTERMINATED, -1);
    END(c);
    dsms_csv_close(c);
}

static void too_long(void)
{
    char *big = repeat('x', MAX + 10);
    bytes in = {0};

    /* An unquoted record past the limit, then the next one. */
    bytes_puts(&in, "h\n");
    bytes_puts(&in, big);
    bytes_puts(&in, "\nnext,row\n");
    dsms_csv *c = dsms_csv_open_mem((char *)in.p, in.len);
    ROW(c, 1, OK, 1, "h");
    ROW(c, 2, TOO_LONG, -1);
    ROW(c, 3, OK, 2, "next", "row");
    END(c);
    dsms_csv_close(c);

    /* Many fields adding up past the limit. */
    in.len = 0;
    for (int i = 0; i < 3; i++) {
        bytes_put(&in, big, MAX / 2);
        bytes_puts(&in, ",");
    }
    bytes_puts(&in, "\r\nnext\r\n");
    c = dsms_csv_open_mem((char *)in.p, in.len);
    ROW(c, 1, TOO_LONG, -1);
    ROW(c, 2, OK, 1, "next");
    END(c);
    dsms_csv_close(c);

    /* The longest single field the reader keeps (its buffer holds the field's
     * NUL and one more byte). */
    in.len = 0;
    bytes_put(&in, big, MAX - 2);
    bytes_puts(&in, "\nnext\n");
    c = dsms_csv_open_mem((char *)in.p, in.len);
    ROW(c, 1, OK, -1);
    CHECK_INT(last.nfields, 1);
    CHECK_INT(last.len[0], MAX - 2);
    CHECK_INT(strlen(last.field[0]), MAX - 2);
    ROW(c, 2, OK, 1, "next");
    END(c);
    dsms_csv_close(c);
    free(big);
    free(in.p);
}

/* csv.h: TOO_LONG is "longer than DSMS_CSV_MAX_RECORD bytes"; a record one
 * byte shorter than that is not. */
static void too_long_boundary(void)
{
    bytes in = {0};
    char *big = repeat('x', MAX - 1);
    bytes_puts(&in, big);
    bytes_puts(&in, "\nnext\n");
    dsms_csv *c = dsms_csv_open_mem((char *)in.p, in.len);
    ROW(c, 1, OK, -1);
    CHECK_INT(last.nfields, 1);
    CHECK_INT(last.len[0], MAX - 1);
    ROW(c, 2, OK, 1, "next");
    END(c);
    dsms_csv_close(c);
    free(big);
    free(in.p);
}

/* A quoted field past the limit: the reader must skip the rest of the quoted
 * field as quoted, so that its closing quote does not open a new one and
 * swallow the records after it. */
static void too_long_quoted(void)
{
    char *big = repeat('x', MAX + 10);
    bytes in = {0};
    bytes_puts(&in, "h\n\"");
    bytes_puts(&in, big);
    bytes_puts(&in, "\"\nnext,row\nlast\n");
    dsms_csv *c = dsms_csv_open_mem((char *)in.p, in.len);
    ROW(c, 1, OK, 1, "h");
    ROW(c, 2, TOO_LONG, -1);
    ROW(c, 3, OK, 2, "next", "row");
    ROW(c, 4, OK, 1, "last");
    END(c);
    dsms_csv_close(c);

    /* With a newline inside the quotes after the limit: the text after it is
     * still inside the field, not a record. */
    in.len = 0;
    bytes_puts(&in, "\"");
    bytes_puts(&in, big);
    bytes_puts(&in, "\nfoo,bar\"\nnext,row\n");
    c = dsms_csv_open_mem((char *)in.p, in.len);
    ROW(c, 1, TOO_LONG, -1);
    ROW(c, 3, OK, 2, "next", "row");
    END(c);
    dsms_csv_close(c);
    free(big);
    free(in.p);
}

static void too_many_fields(void)
{
    /* DSMS_CSV_MAX_FIELDS fields are fine; one more is refused. */
    bytes in = {0};
    char *commas = repeat(',', DSMS_CSV_MAX_FIELDS - 1);
    bytes_puts(&in, commas);
    bytes_puts(&in, "\n");
    bytes_puts(&in, commas);
    bytes_puts(&in, ",\nnext\n");
    dsms_csv *c = dsms_csv_open_mem((char *)in.p, in.len);
    ROW(c, 1, OK, -1);
    CHECK_INT(last.nfields, DSMS_CSV_MAX_FIELDS);
    CHECK_INT(last.len[DSMS_CSV_MAX_FIELDS - 1], 0);
    ROW(c, 2, TOO_LONG, -1);
    ROW(c, 3, OK, 1, "next");
    END(c);
    dsms_csv_close(c);
    free(commas);
    free(in.p);
}

static void status_text(void)
{
    CHECK_STR(dsms_csv_status_text(OK), "ok");
    const char *t[5];
    for (int s = 0; s < 5; s++) {
        t[s] = dsms_csv_status_text((dsms_csv_status)s);
        CHECK(t[s] && t[s][0] && strcmp(t[s], "?") != 0);
        for (int k = 0; k < s; k++) CHECK(strcmp(t[s], t[k]) != 0);
    }
    CHECK(strstr(dsms_csv_status_text(BAD_UTF8), "UTF-8") != NULL);
    CHECK(strstr(dsms_csv_status_text(UNTERMINATED), "quote") != NULL);
}

/* ---- file descriptors ---- */

/* Every record of a reader as text, for comparing two readings. */
static void dump(dsms_csv *c, bytes *out)
{
    dsms_csv_row row;
    int r;
    char head[96];
    while ((r = dsms_csv_next(c, &row)) == 1) {
        snprintf(head, sizeof head, "[%ld %d %zu %zu]", row.line, (int)row.status, row.bad_field,
                 row.nfields);
        bytes_puts(out, head);
        for (size_t i = 0; i < row.nfields; i++) {
            snprintf(head, sizeof head, "<%zu>", row.len[i]);
            bytes_puts(out, head);
            bytes_put(out, row.field[i], row.len[i]);
        }
    }
    snprintf(head, sizeof head, "{end %d}", r);
    bytes_puts(out, head);
}

static void fd_small(void)
{
    static const char text[] = "\xEF\xBB\xBFh1,h2\r\n1,\"a\nb\"\r\n\n2,\xC3\xA9\r\n";
    const char *path = write_file("small.csv", text, sizeof text - 1);
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    bytes seen = {0};
    dsms_csv *c = dsms_csv_open_fd(fd, tap, &seen);
    ROW(c, 1, OK, 2, "h1", "h2");
    ROW(c, 2, OK, 2, "1", "a\nb");
    ROW(c, 5, OK, 2, "2", "\xC3\xA9");
    END(c);
    dsms_csv_close(c);
    close(fd);
    CHECK_INT(seen.len, sizeof text - 1);
    CHECK(memcmp(seen.p, text, sizeof text - 1) == 0);
    CHECK_INT(seen.calls, 1);
    free(seen.p);

    /* An empty file: no records, nothing tapped. A NULL tap is allowed. */
    path = write_file("empty.csv", "", 0);
    fd = open(path, O_RDONLY);
    seen = (bytes){0};
    c = dsms_csv_open_fd(fd, tap, &seen);
    END(c);
    dsms_csv_close(c);
    close(fd);
    CHECK_INT(seen.len, 0);
    CHECK_INT(seen.calls, 0);

    fd = open(write_file("notap.csv", "a\n", 2), O_RDONLY);
    c = dsms_csv_open_fd(fd, NULL, NULL);
    ROW(c, 1, OK, 1, "a");
    END(c);
    dsms_csv_close(c);
    close(fd);
}

static void fd_read_error(void)
{
    /* Reading a directory fails: -1 with errno set, not end of input. */
    int fd = open(support_dir(), O_RDONLY);
    CHECK(fd >= 0);
    dsms_csv *c = dsms_csv_open_fd(fd, NULL, NULL);
    dsms_csv_row row;
    errno = 0;
    CHECK_INT(dsms_csv_next(c, &row), -1);
    CHECK_INT(errno, EISDIR);
    dsms_csv_close(c);
    close(fd);
}

/* Many varied rows over several refills; every row and line checked. */
static void fd_large_file(void)
{
    bytes in = {0};
    char buf[512];
    long line = 1;
    long lines[6000];
    int nrows = 6000;
    for (int i = 0; i < nrows; i++) {
        if (i % 97 == 0) { /* a blank line now and then */
            bytes_puts(&in, i % 2 ? "\n" : "\r\n");
            line++;
        }
        lines[i] = line;
        int plain = (i * 37) % 200;
        snprintf(buf, sizeof buf, "%d,\"q\"\"x\r\nz\",", i);
        bytes_puts(&in, buf);
        for (int k = 0; k < i % 5; k++) bytes_puts(&in, "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
        bytes_puts(&in, ",");
        for (int k = 0; k < plain; k++) bytes_puts(&in, "p");
        bytes_puts(&in, i % 3 ? "\r\n" : "\n");
        line += 2;
    }
    CHECK(in.len > 4 * INBUF);
    const char *path = write_file("large.csv", in.p, in.len);
    int fd = open(path, O_RDONLY);
    bytes seen = {0};
    dsms_csv *c = dsms_csv_open_fd(fd, tap, &seen);
    dsms_csv_row row;
    int bad = 0, r, n = 0;
    while ((r = dsms_csv_next(c, &row)) == 1) {
        int i = n++;
        char want0[32];
        snprintf(want0, sizeof want0, "%d", i);
        int ok = i < nrows && row.status == OK && row.line == lines[i] && row.nfields == 4 &&
                 strcmp(row.field[0], want0) == 0 && row.len[1] == 6 &&
                 memcmp(row.field[1], "q\"x\r\nz", 7) == 0 && row.len[2] == (size_t)(i % 5) * 9 &&
                 row.len[3] == (size_t)((i * 37) % 200) && strspn(row.field[3], "p") == row.len[3];
        if (!ok && bad++ < 5)
            fprintf(stderr, "fd_large_file: row %d at line %ld (expected %ld) is wrong\n", i,
                    row.line, i < nrows ? lines[i] : -1L);
    }
    CHECK_INT(r, 0);
    CHECK_INT(bad, 0);
    CHECK_INT(n, nrows);
    dsms_csv_close(c);
    close(fd);
    /* The tap saw every byte once, in order. */
    CHECK_INT(seen.len, in.len);
    CHECK(seen.len == in.len && memcmp(seen.p, in.p, in.len) == 0);
    CHECK(seen.calls >= 5);
    free(seen.p);
    free(in.p);
}

/* Put each byte of a tricky tail in turn at the first refill boundary: a doubled
 * quote, an embedded CRLF, multi-byte characters, a record end in CRLF. */
static void fd_refill_boundary(void)
{
    static const char tail[] = ",\"a\"\"b\r\nc\",\xE2\x82\xAC,\xF0\x9F\x98\x80\r\n\"next\",row\r\n";
    size_t tlen = sizeof tail - 1;
    int bad = 0;
    for (size_t lead = INBUF - tlen; lead <= INBUF; lead++) {
        bytes in = {0};
        char *x = repeat('x', lead);
        bytes_put(&in, x, lead);
        bytes_put(&in, tail, tlen);
        const char *path = write_file("boundary.csv", in.p, in.len);
        int fd = open(path, O_RDONLY);
        bytes seen = {0};
        dsms_csv *c = dsms_csv_open_fd(fd, tap, &seen);
        int before = check_failed;
        ROW(c, 1, OK, 4, x, "a\"b\r\nc", "\xE2\x82\xAC", "\xF0\x9F\x98\x80");
        ROW(c, 3, OK, 2, "next", "row");
        END(c);
        CHECK(seen.len == in.len && memcmp(seen.p, in.p, in.len) == 0);
        if (check_failed != before && bad++ < 3)
            fprintf(stderr, "fd_refill_boundary: tail byte %zu at the boundary\n", INBUF - lead);
        dsms_csv_close(c);
        close(fd);
        free(seen.p);
        free(x);
        free(in.p);
    }
    CHECK_INT(bad, 0);
}

/* One field bigger than the input buffer, quoted, with doubled quotes and
 * newlines all along, and one unquoted. */
static void fd_huge_field(void)
{
    bytes in = {0}, want = {0};
    bytes_puts(&in, "\"");
    for (int i = 0; i < 30000; i++) {
        bytes_puts(&in, i % 10 == 9 ? "\"\"\n" : "abcdef");
        bytes_puts(&want, i % 10 == 9 ? "\"\n" : "abcdef");
    }
    bytes_puts(&in, "\",");
    char *plain = repeat('u', 3 * INBUF + 7);
    bytes_puts(&in, plain);
    bytes_puts(&in, "\nend\n");
    const char *path = write_file("huge.csv", in.p, in.len);
    int fd = open(path, O_RDONLY);
    bytes seen = {0};
    dsms_csv *c = dsms_csv_open_fd(fd, tap, &seen);
    ROW(c, 1, OK, 2, (char *)want.p, plain);
    ROW(c, 3002, OK, 1, "end");
    END(c);
    dsms_csv_close(c);
    close(fd);
    CHECK(seen.len == in.len && memcmp(seen.p, in.p, in.len) == 0);
    free(seen.p);
    free(plain);
    free(in.p);
    free(want.p);
}

/* ---- a source that hands over one packet per read ---- */

typedef struct {
    int fd;
    const char *data;
    const size_t *sizes; /* packet sizes, 0-terminated; NULL for one byte each */
    size_t len;
} sender;

static void *send_packets(void *p)
{
    sender *s = p;
    size_t off = 0;
    for (size_t k = 0; off < s->len; k++) {
        size_t n = s->sizes ? s->sizes[k] : 1;
        if (!n || n > s->len - off) n = s->len - off;
        if (send(s->fd, s->data + off, n, MSG_NOSIGNAL) != (ssize_t)n) break;
        off += n;
    }
    close(s->fd);
    return NULL;
}

/* Read data through a SOCK_SEQPACKET socket, whose reads return one packet. */
static void read_packets(const char *data, size_t len, const size_t *sizes, bytes *out,
                         bytes *seen)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0) {
        perror("socketpair");
        exit(2);
    }
    sender s = {sv[0], data, sizes, len};
    pthread_t t;
    if (pthread_create(&t, NULL, send_packets, &s) != 0) exit(2);
    dsms_csv *c = dsms_csv_open_fd(sv[1], tap, seen);
    dump(c, out);
    dsms_csv_close(c);
    close(sv[1]);
    pthread_join(t, NULL);
}

static void fd_one_byte_reads(void)
{
    /* Every byte its own read: the records are those read from memory. */
    static const char text[] =
        "h1,h2,h3\r\n\"q\"\"uote\",\"a,b\",\"x\r\ny\"\r\n\r\n\n\xC3\xA9,\xE2\x82\xAC,"
        "\xF0\x9F\x98\x80\nbad,\xC3\x28,z\n\"a\"b,c\nafter,x,\nlast,\"\",\"\"\"\"\r";
    size_t len = sizeof text - 1;
    bytes from_mem = {0}, from_fd = {0}, seen = {0};
    dsms_csv *c = dsms_csv_open_mem(text, len);
    dump(c, &from_mem);
    dsms_csv_close(c);
    read_packets(text, len, NULL, &from_fd, &seen);
    CHECK_INT(from_fd.len, from_mem.len);
    CHECK_STR((char *)from_fd.p, (char *)from_mem.p);
    CHECK_INT(seen.calls, (long)len);
    CHECK(seen.len == len && memcmp(seen.p, text, len) == 0);
    /* And the reading is the one expected. */
    CHECK(strstr((char *)from_mem.p, "[7 3 1 3]<3>bad<2>\xC3(<1>z[8 1 ") != NULL);
    CHECK(strstr((char *)from_mem.p, "[10 0 3 3]<4>last<0><1>\"{end 0}") != NULL);
    free(from_mem.p);
    free(from_fd.p);
    free(seen.p);
}

/* A byte-order mark split over the first reads (a pipe, a slow network file
 * system) is still the byte-order mark at the start of the file. */
static void bom_split_across_reads(void)
{
    static const char text[] = "\xEF\xBB\xBF" "a,b\n";
    static const size_t one[] = {1, 1, 1, 0};
    static const size_t two[] = {2, 0};
    const size_t *splits[] = {one, two};
    for (int k = 0; k < 2; k++) {
        bytes out = {0}, seen = {0};
        read_packets(text, sizeof text - 1, splits[k], &out, &seen);
        CHECK_STR((char *)out.p, "[1 0 2 2]<1>a<1>b{end 0}");
        CHECK_INT(seen.len, sizeof text - 1);
        free(out.p);
        free(seen.p);
    }
}

/* ---- found by fuzz_import ---- */

/* A field read as "ost" followed by a NUL byte (the reader keeps NULs: they are
 * valid UTF-8) is not the code "ost". dsms_code_find used to compare with
 * strncasecmp(code, s, len), which stops at the NUL, and then look at
 * code[len], one byte past the end of the literal "ost". With the real code
 * lists that was an out-of-bounds read (AddressSanitizer: global-buffer-overflow
 * in dsms_code_find; reproducer tests/fuzz/corpus/import/regress-code-nul).
 * Where that byte happened to be 0, the field matched. The list here keeps its
 * code in a larger zeroed array, so that a wrong match shows without the
 * overflow. */
static void nul_in_code_field(void)
{
    static const char in[] = "type\nost\0\n";
    dsms_csv *c = dsms_csv_open_mem(in, sizeof in - 1);
    ROW(c, 1, OK, 1, "type");
    ROW(c, 2, OK, -1);
    CHECK_INT(last.nfields, 1);
    CHECK_INT(last.len[0], 4);
    static const char ost[8] = "ost"; /* "ost" and five NULs */
    static const dsms_code codes[] = {{ost, "opioid substitution therapy", NULL}};
    static const dsms_codelist list = {"test", "test", codes, 1};
    CHECK(dsms_code_find(&list, last.field[0], last.len[0]) == NULL);
    CHECK(dsms_code_find(&list, last.field[0], 3) == &codes[0]); /* "ost" itself matches */
    END(c);
    dsms_csv_close(c);
}

/* dsms_csv_put writes fields that read back as written: plain ones as they
 * are, and quoted those with a comma, quote or line break, or that start with
 * a byte-order mark (first in a file, it would be taken for the mark). */
static void put_round_trip(void)
{
    /* The first field is a byte-order mark (in octal), then "area". */
    const char *fields[] = {"\357\273\277area", "plain", "a,b", "say \"hi\"", "two\nlines",
                            "", "cr\r"};
    size_t n = sizeof fields / sizeof *fields;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    CHECK(f != NULL);
    if (!f) return;
    for (size_t i = 0; i < n; i++) {
        if (i) putc(',', f);
        dsms_csv_put(f, fields[i]);
    }
    putc('\n', f);
    fclose(f);
    CHECK(strncmp(text, "\"\xEF\xBB\xBF" "area\",plain,\"a,b\",\"say \"\"hi\"\"\"", 24) == 0);
    dsms_csv *c = dsms_csv_open_mem(text, len);
    dsms_csv_row row;
    CHECK(dsms_csv_next(c, &row) == 1 && row.status == DSMS_CSV_OK);
    CHECK_INT(row.nfields, n);
    for (size_t i = 0; i < n && i < row.nfields; i++) CHECK_STR(row.field[i], fields[i]);
    dsms_csv_close(c);
    free(text);
}

int main(void)
{
    plain_rows();
    quoted_fields();
    embedded_newlines();
    line_ends();
    byte_order_mark();
    empty_fields();
    blank_lines();
    ragged_rows();
    nul_bytes();
    valid_utf8();
    invalid_utf8();
    utf8_valid_direct();
    bad_quotes();
    bad_quote_single_stray();
    bad_quote_field_index();
    bare_cr();
    unterminated();
    too_long();
    too_long_boundary();
    too_long_quoted();
    too_many_fields();
    status_text();
    fd_small();
    fd_read_error();
    fd_large_file();
    fd_refill_boundary();
    fd_huge_field();
    fd_one_byte_reads();
    bom_split_across_reads();
    nul_in_code_field();
    put_round_trip();
    support_cleanup();
    return check_summary();
}
