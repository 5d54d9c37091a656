/* test_report_xlsx.c — a report as an XLSX workbook (dsms_report_xlsx):
 * written, then read back out of its zip with unzip(1) and checked in its
 * XML: the sheets' names (made valid and unique) and order, numbers stored
 * as numbers rounded as shown with a format of their decimal places,
 * suppressed figures as "*", benchmark fills, the key column, frozen
 * header rows, the contents' links, the notes last, the same bytes from the
 * same report, and the refusals: an incomplete report, a path that cannot
 * be written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "check.h"
#include "dsms/report.h"
#include "support.h"

/* ---- reading the workbook back -------------------------------------------------------- */

/* A member of the zip at path, as text (malloc'd; "" when absent). */
static char *unzip(const char *path, const char *member)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s' 2>/dev/null", path, member);
    FILE *p = popen(cmd, "r");
    size_t n = 0, cap = 4096;
    char *s = malloc(cap);
    if (!p || !s) {
        if (p) pclose(p);
        free(s);
        fprintf(stderr, "cannot run unzip\n");
        exit(1);
    }
    size_t got;
    while ((got = fread(s + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (cap - n < 2) s = realloc(s, cap *= 2);
        if (!s) exit(1);
    }
    s[n] = 0;
    pclose(p);
    return s;
}

static char *sheet_xml(const char *path, int n)
{
    char member[64];
    snprintf(member, sizeof member, "xl/worksheets/sheet%d.xml", n);
    return unzip(path, member);
}

/* The workbook's sheet names in order (each up to 255 bytes), their count. */
static int sheet_names(const char *path, char names[][256], int max)
{
    char *wb = unzip(path, "xl/workbook.xml");
    int n = 0;
    for (const char *p = wb; n < max && (p = strstr(p, "<sheet name=\"")); n++) {
        p += 13;
        size_t len = strcspn(p, "\"");
        snprintf(names[n], 256, "%.*s", (int)len, p);
    }
    free(wb);
    return n;
}

/* The element of cell ref ("B7") in a sheet's XML, up to its end, in buf;
 * NULL when the sheet has no such cell. */
static const char *cell(const char *xml, const char *ref, char *buf, size_t n)
{
    char start[32];
    snprintf(start, sizeof start, "<c r=\"%s\"", ref);
    const char *p = strstr(xml, start);
    if (!p) return NULL;
    const char *close = strstr(p, "</c>"), *empty = strstr(p, "/>");
    const char *end = empty && (!close || empty < close) && empty < strchr(p, '>') + 1
                          ? empty + 2 : close ? close + 4 : p + strlen(p);
    snprintf(buf, n, "%.*s", (int)(end - p), p);
    return buf;
}

/* An attribute's value in an element's opening tag, in buf ("" when absent). */
static const char *attr(const char *elem, const char *name, char *buf, size_t n)
{
    char key[64];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *gt = strchr(elem, '>'), *p = strstr(elem, key);
    buf[0] = 0;
    if (p && (!gt || p < gt)) {
        p += strlen(key);
        snprintf(buf, n, "%.*s", (int)strcspn(p, "\""), p);
    }
    return buf;
}

/* The text between <tag> and </tag> (first occurrence), in buf. */
static const char *inner(const char *xml, const char *tag, char *buf, size_t n)
{
    char open[32], close[32];
    snprintf(open, sizeof open, "<%s", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    buf[0] = 0;
    const char *p = xml ? strstr(xml, open) : NULL;
    if (!p || !(p = strchr(p, '>'))) return buf;
    const char *e = strstr(++p, close);
    if (e) snprintf(buf, n, "%.*s", (int)(e - p), p);
    return buf;
}

/* The i-th shared string, as XML text (escaped as it is stored). */
static const char *shared(const char *sst, long i, char *buf, size_t n)
{
    const char *p = sst;
    for (long k = 0; p && k <= i; k++)
        if ((p = strstr(p, "<si>"))) p += 4;
    buf[0] = 0;
    return p ? inner(p - 4, "t", buf, n) : buf;
}

/* The cell's text: its shared string, or its value. NULL: no such cell. */
static const char *text_at(const char *xml, const char *sst, const char *ref, char *buf,
                           size_t n)
{
    char c[4096], t[16], v[64];
    if (!cell(xml, ref, c, sizeof c)) return NULL;
    inner(c, "v", v, sizeof v);
    if (strcmp(attr(c, "t", t, sizeof t), "s") == 0) return shared(sst, atol(v), buf, n);
    snprintf(buf, n, "%s", v);
    return buf;
}

/* The n-th element starting `open` after the first `section` in xml. */
static const char *nth(const char *xml, const char *section, const char *open, long i)
{
    const char *p = strstr(xml, section);
    for (long k = 0; p && k <= i; k++)
        if ((p = strstr(p + 1, open)) == NULL) return NULL;
    return p;
}

/* The number format of cell ref ("General" when it has none). */
static const char *format_of(const char *xml, const char *styles, const char *ref, char *buf,
                             size_t n)
{
    char c[4096], s[16], id[16], key[64];
    snprintf(buf, n, "General");
    if (!cell(xml, ref, c, sizeof c) || !*attr(c, "s", s, sizeof s)) return buf;
    const char *xf = nth(styles, "<cellXfs", "<xf ", atol(s));
    if (!xf) return buf;
    attr(xf, "numFmtId", id, sizeof id);
    if (strcmp(id, "1") == 0) snprintf(buf, n, "0");
    if (strcmp(id, "2") == 0) snprintf(buf, n, "0.00");
    snprintf(key, sizeof key, "<numFmt numFmtId=\"%s\"", id);
    const char *f = strstr(styles, key);
    if (f) attr(f, "formatCode", buf, n);
    return buf;
}

/* The fill colour of cell ref as "FFRRGGBB" ("" when none). */
static const char *fill_of(const char *xml, const char *styles, const char *ref, char *buf,
                           size_t n)
{
    char c[4096], s[16], id[16];
    buf[0] = 0;
    if (!cell(xml, ref, c, sizeof c) || !*attr(c, "s", s, sizeof s)) return buf;
    const char *xf = nth(styles, "<cellXfs", "<xf ", atol(s));
    if (!xf) return buf;
    const char *fill = nth(styles, "<fills", "<fill>", atol(attr(xf, "fillId", id, sizeof id)));
    const char *fg = fill ? strstr(fill, "<fgColor ") : NULL;
    if (fg && fg < strstr(fill, "</fill>")) attr(fg, "rgb", buf, n);
    return buf;
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what)) n++;
    return n;
}

static size_t utf16_units(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xC0) != 0x80 ? (*p >= 0xF0 ? 2 : 1) : 0;
    return n;
}

/* ---- the report ------------------------------------------------------------------------ */

static void number(dsms_report_cell *c, double x, int digits, dsms_bench bench)
{
    dsms_report_cell_number(c, x, digits);
    c->bench = bench;
}

static void crafted(dsms_report *r)
{
    dsms_report_init(r, "profile", "Drug strategy \u2013 Testshire <&>", "Testshire, 2025/26",
                     "2026-06-30", 1);
    dsms_report_section *s = dsms_report_section_add(r, "Treatment: completions", NULL);
    dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH, "Completions \u2013 all <&> areas.");
    const char *heads[] = {"Area", "Value", "Count", "Rate"};
    const char *units[] = {NULL, "%", "", "per 100,000"};
    dsms_report_table *t = dsms_report_table_add(r, s, "Completions by area", 4, heads, units);
    dsms_report_cell *c = dsms_report_row(r, t, "completions|E06000001|2025/26|all|all");
    dsms_report_cell_text(r, &c[0], "Hartlepool");
    number(&c[1], 12.345, 3, DSMS_BENCH_BETTER);
    number(&c[2], 7, 0, DSMS_BENCH_NONE);
    number(&c[3], 45.678, 2, DSMS_BENCH_NONE);
    c = dsms_report_row(r, t, "completions|E06000002|2025/26|all|all");
    dsms_report_cell_text(r, &c[0], "Middlesbrough");
    c[1].kind = DSMS_CELL_SUPPRESSED;
    c[1].bench = DSMS_BENCH_SUPPRESSED;
    number(&c[3], 2.5, 0, DSMS_BENCH_NONE); /* shown "2" by printf: stored 2 */
    c = dsms_report_row(r, t, NULL);
    dsms_report_cell_text(r, &c[0], "England");
    number(&c[1], 50.05, 1, DSMS_BENCH_NONE); /* 50.0499...: shown and stored 50.0 */
    number(&c[2], 1234567, 0, DSMS_BENCH_WORSE);
    number(&c[3], -0.04, 1, DSMS_BENCH_NONE); /* "-0.0": stored as 0 */
    dsms_drawing d = {0};
    d.title = strdup("Completions by area");
    d.alt = strdup("A bar chart: Hartlepool 12.3% (better than England).");
    dsms_report_chart(r, s, &d);
    dsms_report_text(r, s, DSMS_BLOCK_HEADING, "About the figures");
    dsms_report_text(r, s, DSMS_BLOCK_BULLET, "First point");
    dsms_report_text(r, s, DSMS_BLOCK_NOTE, "Source: NDTMS.");
    const char *one[] = {"Other"};
    t = dsms_report_table_add(r, s, "A second table", 1, one, NULL);
    c = dsms_report_row(r, t, NULL);
    number(&c[0], 3, 0, DSMS_BENCH_NONE);

    dsms_report_section_add(r, "Outcomes", NULL);
    s = dsms_report_section_add(r, "Outcomes", NULL);
    dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH, "The same title twice.");
    dsms_report_section_add(r, "Deaths related to drug poisoning by area and year", NULL);
    dsms_report_section_add(r, "Harm", "Harm & deaths: [a/b\\c*?]'");
    dsms_report_section_add(r, "Quoted", "'Quoted'");
    dsms_report_section_add(r, "The contents again", "contents");
    /* 32 bytes cut to 31 in the middle of the last letter; then the same
     * name in small letters, which Excel takes for the same name */
    dsms_report_section_add(r, "\u00c9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
                               "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9", NULL);
    dsms_report_section_add(r, "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
                               "\u00e9\u00e9\u00e9\u00e9\u00e9", NULL);
    dsms_report_section_add(r, "History", NULL);

    dsms_report_text(r, &r->notes, DSMS_BLOCK_HEADING, "Definitions");
    dsms_report_text(r, &r->notes, DSMS_BLOCK_PARAGRAPH, "A completion ends treatment free.");
    dsms_report_text(r, &r->notes, DSMS_BLOCK_NOTE, "Figures from fewer than 5 are shown as *.");
}

static void names_and_order(const char *path)
{
    char names[32][256];
    int n = sheet_names(path, names, 32);
    static const char *const want[] = {
        "Contents", "Treatment completions", "Outcomes", "Outcomes (2)",
        "Deaths related to drug poisonin", "Harm &amp; deaths a b c", "Quoted", "contents (2)",
        "\u00c9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
        "\u00e9",
        "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
        "\u00e9 (2)",
        "History (2)", "Notes"};
    CHECK_INT(n, 12);
    for (int i = 0; i < n && i < 12; i++) CHECK_STR(names[i], want[i]);
}

static void contents(const char *path)
{
    char *xml = sheet_xml(path, 1), *sst = unzip(path, "xl/sharedStrings.xml"), buf[512];
    CHECK_STR(text_at(xml, sst, "A1", buf, sizeof buf),
              "Drug strategy \u2013 Testshire &lt;&amp;&gt;");
    CHECK_STR(text_at(xml, sst, "A2", buf, sizeof buf), "Testshire, 2025/26");
    CHECK_STR(text_at(xml, sst, "A3", buf, sizeof buf), "Data as at 2026-06-30");
    CHECK(strncmp(text_at(xml, sst, "A4", buf, sizeof buf), "Disclosure control applied", 26)
          == 0);
    CHECK_STR(text_at(xml, sst, "A6", buf, sizeof buf), "Sheet");
    CHECK_STR(text_at(xml, sst, "A7", buf, sizeof buf), "Treatment completions");
    CHECK_STR(text_at(xml, sst, "B7", buf, sizeof buf), "Treatment: completions");
    CHECK_STR(text_at(xml, sst, "C7", buf, sizeof buf), "2 tables, 1 chart (as text)");
    CHECK_STR(text_at(xml, sst, "C8", buf, sizeof buf), "its title only");
    CHECK_STR(text_at(xml, sst, "A17", buf, sizeof buf), "Notes");
    CHECK(strstr(xml, "<hyperlink ref=\"A7\" location=\"'Treatment completions'!A1\"") != NULL);
    CHECK(strstr(xml, "location=\"'Harm &amp; deaths a b c'!A1\"") != NULL);
    CHECK(strstr(xml, "location=\"'Notes'!A1\"") != NULL);
    CHECK_INT((long)count(xml, "<hyperlink "), 11);
    free(xml);
    free(sst);
}

static void section(const char *path)
{
    char *xml = sheet_xml(path, 2), *sst = unzip(path, "xl/sharedStrings.xml");
    char *styles = unzip(path, "xl/styles.xml");
    char buf[512], c[4096];
    CHECK_STR(text_at(xml, sst, "A1", buf, sizeof buf), "Treatment: completions");
    CHECK_STR(text_at(xml, sst, "A3", buf, sizeof buf),
              "Completions \u2013 all &lt;&amp;&gt; areas.");
    CHECK_STR(text_at(xml, sst, "A5", buf, sizeof buf), "Completions by area");
    /* the header row, units in the headings, and the key column */
    CHECK_STR(text_at(xml, sst, "A6", buf, sizeof buf), "Area");
    CHECK_STR(text_at(xml, sst, "B6", buf, sizeof buf), "Value (%)");
    CHECK_STR(text_at(xml, sst, "C6", buf, sizeof buf), "Count");
    CHECK_STR(text_at(xml, sst, "D6", buf, sizeof buf), "Rate (per 100,000)");
    CHECK_STR(text_at(xml, sst, "E6", buf, sizeof buf), "Key");
    CHECK_STR(text_at(xml, sst, "E7", buf, sizeof buf), "completions|E06000001|2025/26|all|all");
    CHECK_STR(text_at(xml, sst, "E8", buf, sizeof buf), "completions|E06000002|2025/26|all|all");
    CHECK(cell(xml, "E9", c, sizeof c) == NULL); /* a row with no key */
    /* frozen below the first table's header row, once */
    CHECK(strstr(xml, "<pane ySplit=\"6\" topLeftCell=\"A7\" activePane=\"bottomLeft\" "
                      "state=\"frozen\"/>") != NULL);
    CHECK_INT((long)count(xml, "<pane "), 1);
    /* numbers as numbers, rounded as shown, formatted to their places */
    CHECK(cell(xml, "B7", c, sizeof c) && !strstr(c, " t=") && strstr(c, "><v>12.345</v></c>"));
    CHECK_STR(format_of(xml, styles, "B7", buf, sizeof buf), "0.000");
    CHECK_STR(fill_of(xml, styles, "B7", buf, sizeof buf), "FF009E73");
    CHECK(cell(xml, "C7", c, sizeof c) && !strstr(c, " t=") && strstr(c, "<v>7</v>"));
    CHECK_STR(format_of(xml, styles, "C7", buf, sizeof buf), "0");
    CHECK(cell(xml, "D7", c, sizeof c) && !strstr(c, " t=") && strstr(c, "<v>45.68</v>"));
    CHECK_STR(format_of(xml, styles, "D7", buf, sizeof buf), "0.00");
    CHECK(cell(xml, "D8", c, sizeof c) && strstr(c, "<v>2</v>"));
    CHECK(cell(xml, "B9", c, sizeof c) && !strstr(c, " t=") && strstr(c, "<v>50</v>"));
    CHECK_STR(format_of(xml, styles, "B9", buf, sizeof buf), "0.0");
    CHECK(cell(xml, "C9", c, sizeof c) && strstr(c, "<v>1234567</v>"));
    CHECK_STR(fill_of(xml, styles, "C9", buf, sizeof buf), "FFD55E00");
    CHECK(cell(xml, "D9", c, sizeof c) && strstr(c, "<v>0</v>"));
    /* suppressed: the text "*", not filled; not applicable: no cell */
    CHECK(cell(xml, "B8", c, sizeof c) && strstr(c, " t=\"s\""));
    CHECK_STR(text_at(xml, sst, "B8", buf, sizeof buf), "*");
    CHECK_STR(fill_of(xml, styles, "B8", buf, sizeof buf), "");
    CHECK(cell(xml, "C8", c, sizeof c) == NULL);
    /* the colours named, the chart as text, then the text blocks */
    CHECK_STR(text_at(xml, sst, "A11", buf, sizeof buf), "better than England");
    CHECK_STR(fill_of(xml, styles, "A11", buf, sizeof buf), "FF009E73");
    CHECK_STR(text_at(xml, sst, "A12", buf, sizeof buf), "worse than England");
    CHECK_STR(text_at(xml, sst, "A14", buf, sizeof buf), "Chart: Completions by area");
    CHECK_STR(text_at(xml, sst, "A15", buf, sizeof buf),
              "A bar chart: Hartlepool 12.3% (better than England).");
    CHECK_STR(text_at(xml, sst, "A17", buf, sizeof buf), "About the figures");
    CHECK_STR(text_at(xml, sst, "A18", buf, sizeof buf), "\u2022 First point");
    CHECK_STR(text_at(xml, sst, "A19", buf, sizeof buf), "Source: NDTMS.");
    CHECK_STR(text_at(xml, sst, "A21", buf, sizeof buf), "A second table");
    CHECK(cell(xml, "A23", c, sizeof c) && strstr(c, "<v>3</v>"));
    /* each of the table's columns sized; the key's wide enough for a key */
    const char *col = strstr(xml, "<col min=\"5\" max=\"5\" width=\"");
    CHECK(strstr(xml, "<cols>") && col && atof(col + 28) > 37);
    /* the number formats in the styles */
    CHECK(strstr(styles, "formatCode=\"0.000\"") && strstr(styles, "formatCode=\"0.0\""));
    free(xml);
    free(sst);
    free(styles);

    /* a section with no table has no frozen pane; the notes are last */
    xml = sheet_xml(path, 3);
    CHECK(strstr(xml, "<sheetData") && !strstr(xml, "<pane "));
    free(xml);
    xml = sheet_xml(path, 12);
    sst = unzip(path, "xl/sharedStrings.xml");
    CHECK_STR(text_at(xml, sst, "A1", buf, sizeof buf), "Notes");
    CHECK_STR(text_at(xml, sst, "A3", buf, sizeof buf), "Definitions");
    CHECK_STR(text_at(xml, sst, "A4", buf, sizeof buf), "A completion ends treatment free.");
    free(xml);
    free(sst);
}

static void properties(const char *path)
{
    char *core = unzip(path, "docProps/core.xml"), buf[256];
    CHECK_STR(inner(core, "dc:title", buf, sizeof buf),
              "Drug strategy \u2013 Testshire &lt;&amp;&gt;");
    CHECK_STR(inner(core, "dc:subject", buf, sizeof buf), "Testshire, 2025/26");
    CHECK_STR(inner(core, "dc:creator", buf, sizeof buf), "dsms");
    CHECK_STR(inner(core, "dcterms:created", buf, sizeof buf), "2026-06-30T00:00:00Z");
    free(core);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *s = malloc(1 << 20);
    *n = f && s ? fread(s, 1, 1 << 20, f) : 0;
    if (f) fclose(f);
    return s;
}

static void written(void)
{
    dsms_report r;
    dsms_err err = {{0}};
    crafted(&r);
    CHECK_INT(r.oom, 0);
    char a[600], b[600];
    snprintf(a, sizeof a, "%s/a.xlsx", support_dir());
    snprintf(b, sizeof b, "%s/b.xlsx", support_dir());
    CHECK_INT(dsms_report_xlsx(&r, a, &err), 0);
    CHECK_STR(err.msg, "");
    names_and_order(a);
    contents(a);
    section(a);
    properties(a);
    /* the same report, the same bytes */
    CHECK_INT(dsms_report_xlsx(&r, b, &err), 0);
    size_t na, nb;
    char *da = slurp(a, &na), *db = slurp(b, &nb);
    CHECK(na > 0 && na == nb && memcmp(da, db, na) == 0);
    free(da);
    free(db);
    dsms_report_free(&r);
}

/* No section, no notes, restricted; then 45 sections of one long title. */
static void sheets(void)
{
    dsms_report r;
    dsms_err err = {{0}};
    char path[600], names[64][256], buf[256];
    snprintf(path, sizeof path, "%s/empty.xlsx", support_dir());
    dsms_report_init(&r, "profile", "Empty", NULL, "", 0);
    CHECK_INT(dsms_report_xlsx(&r, path, &err), 0);
    CHECK_INT(sheet_names(path, names, 64), 2);
    CHECK_STR(names[0], "Contents");
    CHECK_STR(names[1], "Notes");
    char *xml = sheet_xml(path, 1), *sst = unzip(path, "xl/sharedStrings.xml");
    CHECK_STR(text_at(xml, sst, "A2", buf, sizeof buf), "Data as at (not given)");
    CHECK(strncmp(text_at(xml, sst, "A3", buf, sizeof buf), "Restricted", 10) == 0);
    free(xml);
    free(sst);
    dsms_report_free(&r);

    snprintf(path, sizeof path, "%s/many.xlsx", support_dir());
    dsms_report_init(&r, "profile", "Many", NULL, "2026-06-30", 1);
    for (int i = 0; i < 45; i++) {
        dsms_report_section *s =
            dsms_report_section_add(&r, "Area profile for a very long place name", NULL);
        const char *h[] = {"n"};
        dsms_report_cell *c = dsms_report_row(&r, dsms_report_table_add(&r, s, "", 1, h, NULL),
                                              NULL);
        number(c, i, 0, DSMS_BENCH_NONE);
    }
    CHECK_INT(dsms_report_xlsx(&r, path, &err), 0);
    int n = sheet_names(path, names, 64);
    CHECK_INT(n, 47);
    int bad = 0;
    for (int i = 0; i < n; i++) {
        bad += utf16_units(names[i]) > 31;
        for (int j = 0; j < i; j++) bad += strcasecmp(names[i], names[j]) == 0;
    }
    CHECK_INT(bad, 0);
    CHECK_STR(names[1], "Area profile for a very long pl");
    CHECK_STR(names[2], "Area profile for a very lon (2)");
    CHECK_STR(names[45], "Area profile for a very lo (45)");
    CHECK_STR(names[46], "Notes");
    xml = sheet_xml(path, 46);
    char c[256]; /* no caption: the header in row 3 */
    CHECK(cell(xml, "A4", c, sizeof c) && strstr(c, "<v>44</v>") && !strstr(c, " t="));
    free(xml);
    dsms_report_free(&r);
}

static void refusals(void)
{
    dsms_report r;
    dsms_err err = {{0}};
    char path[600];
    crafted(&r);
    r.oom = 1;
    snprintf(path, sizeof path, "%s/oom.xlsx", support_dir());
    CHECK_INT(dsms_report_xlsx(&r, path, &err), -1);
    CHECK(strstr(err.msg, "the report is incomplete") != NULL);
    CHECK(access(path, F_OK) != 0);
    r.oom = 0;
    err.msg[0] = 0;
    CHECK_INT(dsms_report_xlsx(&r, "/nonexistent-dsms-dir/r.xlsx", &err), -1);
    CHECK_STR(err.msg, "cannot write /nonexistent-dsms-dir/r.xlsx: No such file or directory");
    CHECK_INT(dsms_report_xlsx(&r, support_dir(), &err), -1);
    CHECK(strstr(err.msg, "Is a directory") != NULL);
    dsms_report_free(&r);

    /* text longer than a cell holds: libxlsxwriter's words, and no file */
    dsms_report_init(&r, "profile", "Long", NULL, "2026-06-30", 1);
    dsms_report_text(&r, &r.notes, DSMS_BLOCK_PARAGRAPH, "%040000d", 0);
    snprintf(path, sizeof path, "%s/long.xlsx", support_dir());
    CHECK_INT(dsms_report_xlsx(&r, path, &err), -1);
    CHECK(strncmp(err.msg, "cannot write ", 13) == 0 && strstr(err.msg, "/long.xlsx: ") &&
          strstr(err.msg, "32,767 characters"));
    CHECK(access(path, F_OK) != 0);
    dsms_report_free(&r);
}

int main(void)
{
    written();
    sheets();
    refusals();
    support_cleanup();
    return check_summary();
}
