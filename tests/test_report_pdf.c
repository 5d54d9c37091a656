/* test_report_pdf.c — a report written as a PDF (dsms_report_pdf), read back
 * with poppler's pdftotext and pdfinfo: the pages, their numbers and the
 * as-at date on each, the contents pointing at the page each section starts
 * on, a long table's heading row on every page it runs on to with each of
 * its figures as the report shows them, a wide table in parts, UTF-8 text, a word too long for a
 * line, an empty section, a report with no sections, and an incomplete
 * report refused.
 *
 * Set DSMS_REPORT_PDF_KEEP to a path to keep the crafted report's PDF there,
 * to look at it (pdftoppm -r 60 -png). */
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dsms/report.h"
#include "support.h"

#define ROWS 120
#define AS_AT "2026-06-30 14:05"

/* What a command prints (malloc'd; "" when it cannot be run). */
static char *run(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    size_t n = 0, cap = 4096;
    char *s = malloc(cap);
    if (!s) exit(2);
    s[0] = 0;
    if (!f) return s;
    size_t k;
    while ((k = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (cap - n < 2) {
            char *t = realloc(s, cap *= 2);
            if (!t) exit(2);
            s = t;
        }
    }
    s[n] = 0;
    pclose(f);
    return s;
}

/* The text of page k of the PDF at path, as laid out. */
static char *page_text(const char *path, int k)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "pdftotext -layout -f %d -l %d '%s' - 2>/dev/null", k, k, path);
    return run(cmd);
}

/* pdfinfo's value of field for the PDF at path, in buf (n bytes): "" when none. */
static const char *pdfinfo(const char *path, const char *field, char *buf, size_t n)
{
    char cmd[1200], name[64];
    snprintf(cmd, sizeof cmd, "pdfinfo '%s' 2>/dev/null", path);
    snprintf(name, sizeof name, "\n%s:", field);
    char *info = run(cmd), *with = malloc(strlen(info) + 2);
    if (!with) exit(2);
    sprintf(with, "\n%s", info);
    const char *at = strstr(with, name);
    buf[0] = 0;
    if (at) {
        at += strlen(name);
        at += strspn(at, " ");
        snprintf(buf, n, "%.*s", (int)strcspn(at, "\n"), at);
    }
    free(with);
    free(info);
    return buf;
}

/* Write r as a PDF at path: dsms_report_pdf's result. */
static int write_pdf(const dsms_report *r, const char *path, dsms_err *err)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -2;
    int rc = dsms_report_pdf(r, f, err);
    if (fclose(f) != 0) rc = -2;
    return rc;
}

/* The line of text holding what, copied into line (n bytes), or NULL. */
static const char *line_of(const char *text, const char *what, char *line, size_t n)
{
    const char *at = strstr(text, what);
    if (!at) return NULL;
    const char *b = at, *e = at;
    while (b > text && b[-1] != '\n') b--;
    while (*e && *e != '\n') e++;
    snprintf(line, n, "%.*s", (int)(e - b), b);
    return line;
}

static const char *const SECTIONS[] = {"Summary – what changed", "Completions by area",
                                       "Completions charted", "Nothing here yet", "Notes"};
#define NSECTIONS 5
#define LONG_NAME "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch" \
                  "AndTheNeighbouringUnitaryAuthorityOfNorthshireCombined"

static void area_name(size_t i, char *buf, size_t n)
{
    snprintf(buf, n, "Area %03zu – Northshire", i + 1);
}

/* A report of every kind of block: text with UTF-8 in it and a word longer
 * than a line, a table of ROWS rows (suppressed figures, figures that do not
 * apply, benchmark colours), a chart, an empty section and notes. */
static void crafted(dsms_report *r)
{
    dsms_report_init(r, "area", "Drug strategy monitoring – Northshire",
                     "Northshire, 2024–25", AS_AT, 1);
    dsms_report_section *s = dsms_report_section_add(r, SECTIONS[0], "Summary");
    dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH,
                     "Northshire's completions rose to 48.2%% in 2024–25, against "
                     "England's 46.9%%. Areas where completions were ≥ 50%% are shown "
                     "in the table that follows; this paragraph runs on long enough to "
                     "be wrapped over several lines of the page, as a paragraph should.");
    dsms_report_text(r, s, DSMS_BLOCK_BULLET, "Completions: 48.2%% (England 46.9%%)");
    dsms_report_text(r, s, DSMS_BLOCK_BULLET,
                     "Deaths in treatment: 1.3 per 100 people in treatment, similar to "
                     "England's figure and to the figure of the year before, which was 1.4");
    dsms_report_text(r, s, DSMS_BLOCK_BULLET, "Waiting times ≤ 3 weeks: 97%%");
    dsms_report_text(r, s, DSMS_BLOCK_HEADING, "A place with a very long name");
    dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH, "The area %s had no completions.",
                     LONG_NAME);
    dsms_report_text(r, s, DSMS_BLOCK_NOTE,
                     "Source: the treatment returns, as at %s. Figures are rounded.", AS_AT);

    s = dsms_report_section_add(r, SECTIONS[1], "Completions");
    dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH, "Each area's completions, with 95%% limits.");
    const char *heads[] = {"Area", "Value", "Lower limit", "Upper limit", "Count"};
    const char *units[] = {NULL, "%", "%", "%", "people"};
    dsms_report_table *t = dsms_report_table_add(r, s, "Completions by area, 2024–25", 5, heads,
                                                 units);
    static const dsms_bench benches[] = {DSMS_BENCH_BETTER, DSMS_BENCH_SIMILAR,
                                         DSMS_BENCH_WORSE, DSMS_BENCH_NONE};
    for (size_t i = 0; t && i < ROWS; i++) {
        char name[64], key[80];
        area_name(i, name, sizeof name);
        snprintf(key, sizeof key, "completions|E%03zu|2024-25||", i + 1);
        dsms_report_cell *c = dsms_report_row(r, t, key);
        if (!c) break;
        dsms_report_cell_text(r, &c[0], i == 7 ? LONG_NAME : name);
        if (i % 17 == 5) {
            c[1].kind = c[2].kind = c[3].kind = c[4].kind = DSMS_CELL_SUPPRESSED;
            c[1].bench = DSMS_BENCH_SUPPRESSED;
            continue;
        }
        double v = 30 + fmod((double)i * 7.31, 40);
        dsms_report_cell_number(&c[1], v, 1);
        c[1].bench = benches[i % 4];
        dsms_report_cell_number(&c[2], v - 3.456, 1);
        dsms_report_cell_number(&c[3], v + 3.21, 1);
        if (i % 11 == 3) dsms_report_cell_number(&c[4], NAN, 0); /* does not apply */
        else dsms_report_cell_number(&c[4], 100 + (double)i * 37, 0);
    }
    dsms_report_text(r, s, DSMS_BLOCK_NOTE, "* withheld by disclosure control; - not applicable.");

    s = dsms_report_section_add(r, SECTIONS[2], "Chart");
    dsms_bar b[] = {{"Northshire", 48.2, 45.1, 51.3, DSMS_BENCH_BETTER},
                    {"Southshire", 46.5, 43.0, 50.0, DSMS_BENCH_SIMILAR},
                    {"Eastshire", 39.9, 36.2, 43.6, DSMS_BENCH_WORSE},
                    {"Westshire", 2, 1, 4, DSMS_BENCH_SUPPRESSED}};
    dsms_bar_chart bc = {"Completions, 2024–25", "% of those in treatment", b, 4, 46.9};
    dsms_drawing d;
    dsms_err err = {""};
    CHECK_INT(dsms_chart_bars(&bc, 640, &d, &err), 0);
    dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH, "Completions in four neighbouring areas.");
    dsms_report_chart(r, s, &d);
    dsms_drawing_free(&d); /* emptied by dsms_report_chart: harmless */

    dsms_report_section_add(r, SECTIONS[3], NULL);

    dsms_report_text(r, &r->notes, DSMS_BLOCK_HEADING, "Definitions");
    dsms_report_text(r, &r->notes, DSMS_BLOCK_PARAGRAPH,
                     "A completion is an exit from treatment free of dependence.");
    dsms_report_text(r, &r->notes, DSMS_BLOCK_NOTE,
                     "Disclosure control: counts under 5 are withheld (*).");
}

/* The crafted report's PDF, page by page. */
static void whole_report(void)
{
    dsms_report r;
    crafted(&r);
    CHECK(!r.oom);
    const char *keep = getenv("DSMS_REPORT_PDF_KEEP");
    char path[700];
    snprintf(path, sizeof path, "%s", keep && *keep ? keep : "");
    if (!*path) snprintf(path, sizeof path, "%s/report.pdf", support_dir());
    dsms_err err = {""};
    CHECK_INT(write_pdf(&r, path, &err), 0);
    if (*err.msg) fprintf(stderr, "%s\n", err.msg);

    char info[200];
    int n = atoi(pdfinfo(path, "Pages", info, sizeof info));
    CHECK(n >= 7 && n < 20);
    if (n < 1 || n > 40) {
        dsms_report_free(&r);
        return;
    }
    CHECK_STR(pdfinfo(path, "Title", info, sizeof info), "Drug strategy monitoring – Northshire");
    CHECK_STR(pdfinfo(path, "Subject", info, sizeof info), "Northshire, 2024–25");
    CHECK_STR(pdfinfo(path, "Creator", info, sizeof info), "dsms");
    CHECK_STR(pdfinfo(path, "Page size", info, sizeof info), "595.28 x 841.89 pts (A4)");

    char **pages = calloc((size_t)n + 1, sizeof *pages);
    if (!pages) exit(2);
    for (int k = 1; k <= n; k++) pages[k] = page_text(path, k);

    /* the title page: title, subtitle, date, disclosure; no page number */
    CHECK(strstr(pages[1], "Drug strategy monitoring –") != NULL); /* wrapped, in large type */
    CHECK(strstr(pages[1], "Northshire, 2024–25") != NULL);
    CHECK(strstr(pages[1], "Disclosure control applied") != NULL);
    CHECK(strstr(pages[1], "Contents") != NULL);
    CHECK(strstr(pages[1], "Page 1 of") == NULL);

    /* every page has the date; every page after the first its number of n and the title */
    char want[64];
    for (int k = 1; k <= n; k++) {
        CHECK(strstr(pages[k], "Data as at " AS_AT) != NULL);
        if (k == 1) continue;
        snprintf(want, sizeof want, "Page %d of %d", k, n);
        if (!strstr(pages[k], want)) fprintf(stderr, "page %d: no \"%s\"\n", k, want);
        CHECK(strstr(pages[k], want) != NULL);
        CHECK(strncmp(pages[k] + strspn(pages[k], " \n"), "Drug strategy monitoring – Northshire",
                      strlen("Drug strategy monitoring – Northshire")) == 0);
    }
    snprintf(want, sizeof want, "Page %d of %d", n, n);
    CHECK(strstr(pages[n], want) != NULL);

    /* the contents: each section with the page it starts on, in order, the notes last */
    int last = 1;
    for (size_t i = 0; i < NSECTIONS; i++) {
        char line[400];
        const char *l = line_of(pages[1], SECTIONS[i], line, sizeof line);
        CHECK(l != NULL);
        if (!l) continue;
        const char *end = l + strlen(l);
        while (end > l && end[-1] == ' ') end--;
        const char *num = end;
        while (num > l && num[-1] >= '0' && num[-1] <= '9') num--;
        int at = atoi(num);
        CHECK(at > last && at <= n);
        if (at <= last || at > n) continue;
        /* the section's title on that page, under the page's header, and on none before */
        CHECK(strstr(pages[at], SECTIONS[i]) != NULL);
        for (int k = 2; k < at; k++) CHECK(strstr(pages[k], SECTIONS[i]) == NULL);
        last = at;
    }
    CHECK(strstr(pages[1], "Notes") > strstr(pages[1], SECTIONS[3]));

    /* the text: UTF-8 as written, the long word broken (its pieces on the page), the
     * empty section saying so */
    int summary = 0, table_pages = 0, rows_seen = 0;
    for (int k = 2; k <= n; k++) {
        if (strstr(pages[k], SECTIONS[0])) summary = k;
        if (strstr(pages[k], "Nothing here yet"))
            CHECK(strstr(pages[k], "Nothing to show in this section.") != NULL);
    }
    CHECK(summary > 0);
    if (summary) {
        CHECK(strstr(pages[summary], "≥ 50%") != NULL);
        CHECK(strstr(pages[summary], "• Completions: 48.2% (England 46.9%)") != NULL);
        CHECK(strstr(pages[summary], "Llanfairpwllgwyngyll") != NULL);
        CHECK(strstr(pages[summary], LONG_NAME) == NULL); /* too long for a line */
        CHECK(strstr(pages[summary], "Source: the treatment returns") != NULL);
    }

    /* the table: its heading row on every page it runs on to, each row's figures on
     * the row's line as dsms_report_cell_show shows them, "*" where suppressed */
    const dsms_report_table *t = r.sections[1].blocks[1].table;
    for (int k = 2; k <= n; k++) {
        int has_rows = 0;
        for (size_t i = 0; i < ROWS; i++) {
            char name[64];
            area_name(i, name, sizeof name);
            if (strstr(pages[k], name)) has_rows = 1;
        }
        if (!has_rows) continue;
        table_pages++;
        CHECK(strstr(pages[k], "Value (%)") && strstr(pages[k], "Count (people)") &&
              strstr(pages[k], "Area"));
        CHECK(table_pages == 1 || strstr(pages[k], "Completions by area, 2024–25 (continued)"));
        for (size_t i = 0; i < ROWS; i++) {
            char name[64], line[600], buf[64];
            area_name(i, name, sizeof name);
            if (i == 7) snprintf(name, sizeof name, "%.20s", LONG_NAME); /* broken: its start */
            if (!line_of(pages[k], name, line, sizeof line)) continue;
            rows_seen++;
            const char *at = strstr(line, name) + strlen(name);
            for (size_t j = 1; j < t->ncolumns; j++) {
                const char *shown = dsms_report_cell_show(&t->cells[i * t->ncolumns + j], buf,
                                                          sizeof buf);
                char spaced[80];
                snprintf(spaced, sizeof spaced, " %s", shown);
                const char *found = strstr(at, spaced);
                if (!found) fprintf(stderr, "row %zu: no \"%s\" in \"%s\"\n", i, shown, line);
                CHECK(found != NULL);
                if (found) at = found + strlen(spaced);
            }
            if (t->cells[i * t->ncolumns + 1].kind == DSMS_CELL_SUPPRESSED)
                CHECK(strstr(line, " *") != NULL);
        }
    }
    CHECK(table_pages >= 2);
    CHECK_INT(rows_seen, ROWS);

    /* the chart: its title drawn, its text alternative under it */
    int chart = 0;
    for (int k = 2; k <= n; k++)
        if (strstr(pages[k], "Completions in four neighbouring areas.")) chart = k;
    CHECK(chart > 0);
    if (chart) {
        CHECK(strstr(pages[chart], "Completions, 2024–25") != NULL);
        CHECK(strstr(pages[chart], "Northshire") && strstr(pages[chart], "Westshire"));
    }
    const dsms_drawing *d = r.sections[2].blocks[1].chart;
    CHECK(d && d->alt && *d->alt);
    if (chart && d && d->alt) {
        char first[24];
        snprintf(first, sizeof first, "%.20s", d->alt);
        CHECK(strstr(pages[chart], first) != NULL);
    }

    for (int k = 1; k <= n; k++) free(pages[k]);
    free(pages);
    dsms_report_free(&r);
}

/* A table too wide for a page, drawn in parts: each part's columns as many
 * as fit, the areas' names in every part, every figure shown once. */
static void wide_table(void)
{
    dsms_report r;
    dsms_report_init(&r, "area", "Wide", NULL, AS_AT, 1);
    dsms_report_section *s = dsms_report_section_add(&r, "Over the years", NULL);
    enum { YEARS = 16, AREAS = 6 };
    const char *heads[YEARS + 1];
    char years[YEARS][16];
    heads[0] = "Area";
    for (int y = 0; y < YEARS; y++) {
        snprintf(years[y], sizeof years[y], "%d-%02d", 2009 + y, (10 + y) % 100);
        heads[y + 1] = years[y];
    }
    dsms_report_table *t = dsms_report_table_add(&r, s, "Rates over the years", YEARS + 1, heads,
                                                 NULL);
    for (int a = 0; t && a < AREAS; a++) {
        dsms_report_cell *c = dsms_report_row(&r, t, NULL);
        if (!c) break;
        char name[32];
        snprintf(name, sizeof name, "Place %c", 'A' + a);
        dsms_report_cell_text(&r, &c[0], name);
        for (int y = 0; y < YEARS; y++) {
            dsms_report_cell_number(&c[y + 1], 100000 + a * 1000 + y + 0.25, 2);
            c[y + 1].bench = (dsms_bench)(1 + y % 3);
        }
    }
    char path[700];
    snprintf(path, sizeof path, "%s/wide.pdf", support_dir());
    dsms_err err = {""};
    CHECK_INT(write_pdf(&r, path, &err), 0);
    char *text = page_text(path, 2);
    CHECK(strstr(text, "Rates over the years (part 1 of ") != NULL);
    CHECK(strstr(text, "Rates over the years (part 2 of ") != NULL);
    CHECK(strstr(text, "2009-10") && strstr(text, "2024-25"));
    for (int a = 0; a < AREAS; a++) {
        char want[48];
        snprintf(want, sizeof want, "Place %c", 'A' + a);
        const char *first = strstr(text, want);
        CHECK(first && strstr(first + 1, want)); /* in each part */
        for (int y = 0; y < YEARS; y++) {
            snprintf(want, sizeof want, " %d.25", 100000 + a * 1000 + y);
            const char *at = strstr(text, want);
            CHECK(at && !strstr(at + 1, want)); /* once, whole */
        }
    }
    free(text);
    dsms_report_free(&r);
}

/* How many times what occurs in the n bytes at s. */
static size_t occurs(const char *s, size_t n, const char *what)
{
    size_t k = strlen(what), count = 0;
    for (size_t i = 0; i + k <= n; i++) count += memcmp(s + i, what, k) == 0;
    return count;
}

/* The PDF's outline, an entry a section, and the contents' entries links to
 * their pages (cairo writes these objects uncompressed). */
static void outline(void)
{
    dsms_report r;
    crafted(&r);
    char path[700];
    snprintf(path, sizeof path, "%s/outline.pdf", support_dir());
    dsms_err err = {""};
    CHECK_INT(write_pdf(&r, path, &err), 0);
    FILE *f = fopen(path, "rb");
    char *pdf = malloc(1 << 20);
    size_t n = f && pdf ? fread(pdf, 1, 1 << 20, f) : 0;
    if (f) fclose(f);
    CHECK(n > 1000);
    if (pdf) {
        CHECK_INT(occurs(pdf, n, "/Subtype /Link"), NSECTIONS);
        CHECK_INT(occurs(pdf, n, "/Outlines "), 1);
        CHECK_INT(occurs(pdf, n, "/Title (Completions by area)"), 1);
        CHECK_INT(occurs(pdf, n, "/Title (Notes)"), 1);
    }
    free(pdf);
    dsms_report_free(&r);
}

/* A report with no sections and no notes: the title page alone, saying so; a
 * restricted report says it is. */
static void empty_report(void)
{
    dsms_report r;
    dsms_report_init(&r, "area", "Nothing at all", NULL, AS_AT, 0);
    char path[700];
    snprintf(path, sizeof path, "%s/empty.pdf", support_dir());
    dsms_err err = {""};
    CHECK_INT(write_pdf(&r, path, &err), 0);
    char info[64];
    CHECK_INT(atoi(pdfinfo(path, "Pages", info, sizeof info)), 1);
    char *text = page_text(path, 1);
    CHECK(strstr(text, "This report has no sections.") != NULL);
    CHECK(strstr(text, "Restricted: not for publication, figures are not "
                       "disclosure-controlled") != NULL);
    CHECK(strstr(text, "Data as at " AS_AT) != NULL);
    free(text);
    dsms_report_free(&r);
}

/* A report that could not be built whole is refused, and nothing is written. */
static void incomplete_report(void)
{
    dsms_report r;
    dsms_report_init(&r, "area", "Incomplete", NULL, AS_AT, 1);
    dsms_report_section *s = dsms_report_section_add(&r, "Something", NULL);
    dsms_report_text(&r, s, DSMS_BLOCK_PARAGRAPH, "Text.");
    r.oom = 1;
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f) return;
    dsms_err err = {""};
    CHECK_INT(dsms_report_pdf(&r, f, &err), -1);
    CHECK(strstr(err.msg, "incomplete") != NULL);
    CHECK_INT(ftell(f), 0);
    fclose(f);

    /* a stream that cannot be written: cairo's error, in words */
    r.oom = 0;
    char path[700];
    snprintf(path, sizeof path, "%s/read-only.pdf", support_dir());
    FILE *made = fopen(path, "wb");
    if (made) fclose(made);
    f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f) {
        CHECK_INT(dsms_report_pdf(&r, f, &err), -1);
        CHECK(strstr(err.msg, "cannot write the report's PDF: ") != NULL);
        fclose(f);
    }
    dsms_report_free(&r);
}

int main(void)
{
    whole_report();
    outline();
    wide_table();
    empty_report();
    incomplete_report();
    support_cleanup();
    dsms_chart_fonts_release(); /* for the leak check */
    return check_summary();
}
