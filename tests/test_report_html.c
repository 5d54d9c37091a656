/* test_report_html.c — a report written as one HTML file (dsms/report.h):
 * self-contained (no script, nothing fetched, no link off the page), every
 * text escaped in elements and attributes, each figure shown as the other
 * formats show it, suppressed figures as "*", rows' keys as data-key, the
 * contents linking to every section, benchmark colours readable and said in
 * words, markup that libxml2 parses as XML and as HTML without complaint,
 * and refusals of an incomplete report and of a stream that cannot be written.
 *
 * Run with a file name, it also leaves the report there to look at. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dsms/chart.h"
#include "dsms/report.h"
#include "support.h"

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what)) n++;
    return n;
}

/* The whole of a stream, from its start (malloc'd). */
static char *slurp(FILE *f)
{
    long n = ftell(f);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    rewind(f);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) n = 0;
    if (s) s[n] = 0;
    return s;
}

static const char *const KEYS[] = {
    "treat_complete|E06000001|2025-26|all|<&\">'",
    "treat_complete|E06000002|2025-26|all|plain",
    "treat_complete|W06000001|2025-26|all|Môn",
};

/* A report that exercises every kind of block and cell. */
static void build(dsms_report *r, int public)
{
    dsms_report_init(r, "area", "Drugs & alcohol <treatment>", "Northshire \"2025-26\"",
                     "2026-06-30 09:00", public);
    dsms_report_section *s = dsms_report_section_add(r, "Summary", NULL);
    dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH, "People in treatment rose by %d%% <b>; "
                     "fewer than 5 & more than 3.", 4);
    dsms_report_text(r, s, DSMS_BLOCK_BULLET, "Completions: 61.5%% (England 47.0%%)");
    dsms_report_text(r, s, DSMS_BLOCK_BULLET, "Ynys Môn — “quoted” ≤ 5 'single'");
    dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH, "Bad byte \xff here, control \x01 gone.");
    dsms_report_text(r, s, DSMS_BLOCK_BULLET, "A list of one");
    dsms_report_text(r, s, DSMS_BLOCK_NOTE, "Source: NDTMS-like returns; figures rounded.");

    s = dsms_report_section_add(r, "Treatment outcomes by area", "Outcomes");
    dsms_report_text(r, s, DSMS_BLOCK_HEADING, "Completions & re-presentations");
    const char *const heads[] = {"Area", "People", "Rate", "Completions", "Change", "Note"};
    const char *const units[] = {NULL, "", "per 100,000", "%", "pts", NULL};
    dsms_report_table *t =
        dsms_report_table_add(r, s, "Table 1: completions <by area> & rate", 6, heads, units);
    dsms_report_cell *c = dsms_report_row(r, t, KEYS[0]);
    dsms_report_cell_text(r, &c[0], "Hartlepool & <Co>");
    dsms_report_cell_number(&c[1], 12345, 0);
    dsms_report_cell_number(&c[2], 3.14159, 2);
    dsms_report_cell_number(&c[3], 61.5, 1);
    c[3].bench = DSMS_BENCH_BETTER;
    dsms_report_cell_number(&c[4], -2.25, 1);
    c[4].bench = DSMS_BENCH_HIGHER;
    dsms_report_cell_text(r, &c[5], "");
    c = dsms_report_row(r, t, KEYS[1]);
    dsms_report_cell_text(r, &c[0], "Middlesbrough");
    c[1].kind = DSMS_CELL_SUPPRESSED;
    c[1].bench = DSMS_BENCH_SUPPRESSED;
    dsms_report_cell_number(&c[2], 0.5, 3);
    dsms_report_cell_number(&c[3], 40.25, 1);
    c[3].bench = DSMS_BENCH_WORSE;
    dsms_report_cell_number(&c[4], NAN, 1); /* none: shown as "-" */
    dsms_report_cell_text(r, &c[5], "provisional");
    c = dsms_report_row(r, t, KEYS[2]);
    dsms_report_cell_text(r, &c[0], "Ynys Môn");
    dsms_report_cell_number(&c[1], 987654321, 0);
    dsms_report_cell_number(&c[2], 7, 0);
    dsms_report_cell_number(&c[3], 52.04, 2);
    c[3].bench = DSMS_BENCH_SIMILAR;
    dsms_report_cell_number(&c[4], 1.5, 1);
    c[4].bench = DSMS_BENCH_LOWER;
    c = dsms_report_row(r, t, NULL); /* a row with no key, and a number first */
    dsms_report_cell_number(&c[0], 2025, 0);
    dsms_report_cell_number(&c[1], 13000, 0);
    dsms_report_text(r, s, DSMS_BLOCK_NOTE, "* withheld; - not applicable.");

    dsms_bar bars[] = {{"Hartlepool & <Co>", 61.5, 55, 68, DSMS_BENCH_BETTER},
                       {"Middlesbrough", 40.25, 35, 45, DSMS_BENCH_WORSE},
                       {"Tiny", 3, 1, 9, DSMS_BENCH_SUPPRESSED}};
    dsms_bar_chart bc = {"Completions <2025-26>", "%", bars, 3, 47};
    dsms_drawing d;
    dsms_err err = {""};
    CHECK_INT(dsms_chart_bars(&bc, 640, &d, &err), 0);
    dsms_report_chart(r, s, &d);
    bc.title = "Completions again";
    CHECK_INT(dsms_chart_bars(&bc, 640, &d, &err), 0);
    dsms_report_chart(r, s, &d);

    s = dsms_report_section_add(r, "Empty section", NULL);
    (void)s;
    dsms_report_text(r, &r->notes, DSMS_BLOCK_PARAGRAPH, "Counts of 1 to 5 are withheld.");
    dsms_report_text(r, &r->notes, DSMS_BLOCK_NOTE, "Rates per 100,000 people aged 18+.");
}

/* The report written to a temporary file, returned as text (NULL on failure). */
static char *html_of(const dsms_report *r, int *rc, dsms_err *err)
{
    FILE *f = tmpfile();
    if (!f) return NULL;
    *rc = dsms_report_html(r, f, err);
    char *s = slurp(f);
    fclose(f);
    return s;
}

/* Every & begins one of the five entities, and every < a tag, an end tag
 * or the doctype: nothing of the document's text was left unescaped. */
static void all_escaped(const char *s)
{
    int bad = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '&' && strncmp(p, "&amp;", 5) && strncmp(p, "&lt;", 4) &&
            strncmp(p, "&gt;", 4) && strncmp(p, "&quot;", 6) && strncmp(p, "&#39;", 5))
            bad++;
        if (*p == '<' && !isalpha((unsigned char)p[1]) && p[1] != '/' && p[1] != '!') bad++;
    }
    CHECK_INT(bad, 0);
}

/* Every link stays on the page and finds its id; every id is unique. */
static void links_and_ids(const char *s)
{
    for (const char *p = s; (p = strstr(p, "href=\"")); p += 6) {
        CHECK(p[6] == '#');
        const char *end = strchr(p + 7, '"');
        char want[96];
        snprintf(want, sizeof want, "id=\"%.*s\"", (int)(end ? end - p - 7 : 0), p + 7);
        CHECK_INT((long)count(s, want), 1);
    }
    for (const char *p = s; (p = strstr(p, " id=\"")); p += 5) {
        const char *end = strchr(p + 5, '"');
        char want[96];
        snprintf(want, sizeof want, " id=\"%.*s\"", (int)(end ? end - p - 5 : 0), p + 5);
        if (count(s, want) != 1) fprintf(stderr, "id not unique: %s\n", want);
        CHECK_INT((long)count(s, want), 1);
    }
}

/* WCAG 2's contrast between two colours given as "RRGGBB". */
static double lum(unsigned rgb)
{
    double l = 0, w[3] = {0.2126, 0.7152, 0.0722};
    for (int i = 0; i < 3; i++) {
        double c = ((rgb >> (16 - 8 * i)) & 0xFF) / 255.0;
        l += w[i] * (c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4));
    }
    return l;
}

static void bench_contrast(const char *s)
{
    static const char *const names[] = {"better", "similar", "worse", "higher", "lower",
                                        "suppressed"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char rule[64];
        snprintf(rule, sizeof rule, "td.bench-%s{background:#", names[i]);
        const char *p = strstr(s, rule);
        unsigned bg = 0, ink = 0;
        CHECK(p && sscanf(p + strlen(rule), "%6x;color:#%6x}", &bg, &ink) == 2);
        double a = lum(bg), b = lum(ink);
        double ratio = (fmax(a, b) + 0.05) / (fmin(a, b) + 0.05);
        if (ratio < 4.5) fprintf(stderr, "%s: contrast %.2f\n", names[i], ratio);
        CHECK(ratio >= 4.5);
        if (i < 5) CHECK_INT(bg, dsms_bench_colour((dsms_bench)(DSMS_BENCH_BETTER + (int)i)));
    }
    /* blue is too dark for black text: white on it */
    CHECK(strstr(s, "td.bench-higher{background:#0072B2;color:#FFFFFF}") != NULL);
    CHECK(strstr(s, "td.bench-similar{background:#F0E442;color:#000000}") != NULL);
}

/* What a command prints to its standard output and error (malloc'd). */
static char *run(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    if (!p) return NULL;
    size_t n = 0, cap = 4096;
    char *s = malloc(cap);
    size_t k;
    while (s && (k = fread(s + n, 1, cap - n - 1, p)) > 0) {
        n += k;
        if (cap - n < 2) {
            char *t = realloc(s, cap * 2);
            if (!t) break;
            s = t, cap *= 2;
        }
    }
    if (s) s[n] = 0;
    *status = pclose(p);
    return s;
}

/* libxml2 reads the file as XML without a word, and as HTML with none but
 * that it does not know HTML5's and SVG's elements: its HTML parser (2.9)
 * knows HTML 4 only. Any other complaint fails. */
static void xmllint(const char *path)
{
    char cmd[700];
    int status = -1;
    snprintf(cmd, sizeof cmd, "xmllint --noout '%s' 2>&1", path);
    char *said = run(cmd, &status);
    CHECK(said && status == 0 && *said == 0);
    if (said && *said) fprintf(stderr, "xmllint (XML) said:\n%s", said);
    free(said);

    snprintf(cmd, sizeof cmd, "xmllint --html --noout '%s' 2>&1", path);
    said = run(cmd, &status);
    CHECK(said && status == 0);
    static const char *const html5[] = {"header",  "nav",        "main", "section", "figure",
                                        "details", "summary",    "figcaption", "svg", "rect",
                                        "line",    "circle",
                                        "polyline", "text", "desc"};
    int other = 0;
    for (char *line = said ? strtok(said, "\n") : NULL; line; line = strtok(NULL, "\n")) {
        char *e = strstr(line, "parser error : ");
        if (!e) continue; /* the source line and its caret, under each complaint */
        char tag[32] = "";
        int known = 0;
        if (sscanf(e, "parser error : Tag %31s invalid", tag) == 1)
            for (size_t i = 0; i < sizeof html5 / sizeof *html5; i++)
                known |= strcmp(tag, html5[i]) == 0;
        if (!known) {
            fprintf(stderr, "xmllint (HTML) said: %s\n", line);
            other++;
        }
    }
    CHECK_INT(other, 0);
    free(said);
}

static void whole_report(const char *keep)
{
    dsms_report r;
    build(&r, 1);
    CHECK_INT(r.oom, 0);
    dsms_err err = {""};
    int rc = -1;
    char *s = html_of(&r, &rc, &err);
    CHECK_INT(rc, 0);
    CHECK(s != NULL);
    if (!s) {
        dsms_report_free(&r);
        return;
    }
    if (keep) {
        FILE *f = fopen(keep, "w");
        if (f) fputs(s, f), fclose(f);
    }
    /* one document, UTF-8, for any screen */
    CHECK(strncmp(s, "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\"/>",
                  64) == 0);
    CHECK(strstr(s, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"));
    CHECK(strstr(s, "</body>\n</html>\n") && strstr(s, "</html>\n")[8] == 0);
    /* self-contained: one style element, no script, nothing fetched, no link away */
    CHECK_INT((long)count(s, "<style>"), 1);
    CHECK_INT((long)count(s, "</style>"), 1);
    CHECK(!strstr(s, "<script") && !strstr(s, "<SCRIPT") && !strstr(s, "<link") &&
          !strstr(s, "<img") && !strstr(s, "@import") && !strstr(s, "url(") &&
          !strstr(s, "src=") && !strstr(s, "@font-face") && !strstr(s, " style=\""));
    CHECK_INT((long)count(s, "http://"), (long)count(s, "xmlns=\"http://www.w3.org/2000/svg\""));
    CHECK_INT((long)count(s, "https://"), 0);
    CHECK_INT((long)count(s, "<svg "), 2);
    /* every text escaped */
    all_escaped(s);
    CHECK(strstr(s, "<title>Drugs &amp; alcohol &lt;treatment&gt; \xE2\x80\x94 Northshire "
                    "&quot;2025-26&quot;</title>"));
    CHECK(strstr(s, "<h1>Drugs &amp; alcohol &lt;treatment&gt;</h1>"));
    CHECK(strstr(s, "<p class=\"subtitle\">Northshire &quot;2025-26&quot;</p>"));
    CHECK(strstr(s, "<p class=\"as-at\">Data as at 2026-06-30 09:00</p>"));
    CHECK(strstr(s, "rose by 4% &lt;b&gt;; fewer than 5 &amp; more than 3.</p>"));
    CHECK(!strstr(s, "<b>"));
    CHECK(strstr(s, "<li>Ynys Môn — “quoted” ≤ 5 &#39;single&#39;</li>"));
    CHECK(strstr(s, "<p>Bad byte \xEF\xBF\xBD here, control  gone.</p>"));
    CHECK(!strstr(s, "\x01") && !strstr(s, "\xff"));
    CHECK(strstr(s, "<caption id=\"table-1\">Table 1: completions &lt;by area&gt; &amp; "
                    "rate</caption>"));
    CHECK(strstr(s, "<th scope=\"row\">Hartlepool &amp; &lt;Co&gt;</th>"));
    CHECK(strstr(s, "<text") && strstr(s, ">Hartlepool &amp; &lt;Co&gt;</text>"));
    /* the banner */
    CHECK(strstr(s, "<p class=\"banner public\">Disclosure control applied: counts of 1 to 5 "
                    "and figures that would reveal them are withheld (*)</p>"));
    CHECK(!strstr(s, "Restricted:"));
    /* the contents: a link to each section, and each section an id */
    CHECK(strstr(s, "<li><a href=\"#summary\">Summary</a></li>\n"
                    "<li><a href=\"#outcomes\">Treatment outcomes by area</a></li>\n"
                    "<li><a href=\"#empty-section\">Empty section</a></li>\n"
                    "<li><a href=\"#notes\">Notes</a></li>\n</ol>\n</nav>"));
    CHECK(strstr(s, "<section id=\"summary\">\n<h2>Summary</h2>"));
    CHECK(strstr(s, "<section id=\"empty-section\">\n<h2>Empty section</h2>\n</section>"));
    CHECK(strstr(s, "<section id=\"notes\">\n<h2>Notes</h2>\n<p>Counts of 1 to 5 are withheld."
                    "</p>\n<p class=\"note\">Rates per 100,000 people aged 18+.</p>\n"
                    "</section>\n</main>"));
    links_and_ids(s);
    /* blocks: consecutive bullets one list, headings, notes */
    CHECK_INT((long)count(s, "<ul>"), 2);
    CHECK_INT((long)count(s, "</ul>"), 2);
    CHECK(strstr(s, "<ul>\n<li>Completions: 61.5% (England 47.0%)</li>\n<li>Ynys"));
    CHECK(strstr(s, "<ul>\n<li>A list of one</li>\n</ul>\n<p class=\"note\">Source:"));
    CHECK(strstr(s, "<h3>Completions &amp; re-presentations</h3>"));
    /* the table: headings with units, rows with keys, each figure as shown elsewhere */
    CHECK(strstr(s, "<thead>\n<tr><th scope=\"col\">Area</th><th scope=\"col\" class=\"num\">"
                    "People</th><th scope=\"col\" class=\"num\">Rate <span class=\"unit\">"
                    "(per 100,000)</span></th><th scope=\"col\" class=\"num\">Completions "
                    "<span class=\"unit\">(%)</span></th>"));
    CHECK(strstr(s, "<th scope=\"col\">Note</th></tr>\n</thead>\n<tbody>\n"));
    CHECK_INT((long)count(s, "<tr data-key="), 3);
    CHECK(strstr(s, "<tr data-key=\"treat_complete|E06000001|2025-26|all|&lt;&amp;&quot;&gt;"
                    "&#39;\"><th scope=\"row\">"));
    CHECK(strstr(s, "<tr data-key=\"treat_complete|W06000001|2025-26|all|Môn\">"));
    CHECK(strstr(s, "<tr><td class=\"num\">2025</td><td class=\"num\">13000</td>"
                    "<td class=\"num\">-</td>"));
    CHECK(strstr(s, "<td class=\"num\">12345</td>"));
    CHECK(strstr(s, "<td class=\"num\">3.14</td>"));
    CHECK(strstr(s, "<td class=\"num\">0.500</td>"));
    CHECK(strstr(s, "<td class=\"num\">987654321</td>"));
    CHECK(strstr(s, "<td class=\"num\">7</td>"));
    CHECK(strstr(s, "<td class=\"num bench bench-better\" title=\"better than England\">61.5"
                    "<span class=\"vh\"> (better than England)</span></td>"));
    CHECK(strstr(s, "<td class=\"num bench bench-higher\" title=\"higher than England\">-2.2"
                    "<span class=\"vh\"> (higher than England)</span></td>"));
    CHECK(strstr(s, "<td class=\"num bench bench-worse\" title=\"worse than England\">40.2"));
    CHECK(strstr(s, "<td class=\"num bench bench-similar\" title=\"similar to England\">52.04"));
    CHECK(strstr(s, "<td class=\"num bench bench-lower\" title=\"lower than England\">1.5"));
    CHECK(strstr(s, "<td>provisional</td>"));
    /* "-" to the right in a column of numbers, to the left in one of text */
    CHECK(strstr(s, "<td>provisional</td></tr>\n<tr data-key="));
    CHECK(strstr(s, "(lower than England)</span></td><td>-</td></tr>"));
    CHECK(strstr(s, "<td></td></tr>")); /* an empty text cell stays empty */
    /* every number the table holds is on the page as the other formats show it */
    const dsms_report_table *t = r.sections[1].blocks[1].table;
    for (size_t i = 0; t && i < t->nrows * t->ncolumns; i++) {
        char buf[64], want[80];
        if (t->cells[i].kind != DSMS_CELL_NUMBER) continue;
        snprintf(want, sizeof want, ">%s<", dsms_report_cell_show(&t->cells[i], buf, sizeof buf));
        CHECK(strstr(s, want) != NULL);
    }
    /* suppressed: "*", said to be withheld, never a number */
    CHECK_INT((long)count(s, "<abbr title=\"withheld by disclosure control\">*</abbr>"), 1);
    CHECK(strstr(s, "<td class=\"num bench bench-suppressed\" title=\"suppressed (small numbers)"
                    "\"><abbr title=\"withheld by disclosure control\">*</abbr></td>"));
    /* the benchmark colours, each readable with its ink */
    bench_contrast(s);
    /* charts: figures with their text alternative, ids unique on the page */
    CHECK_INT((long)count(s, "<figure class=\"chart\">"), 2);
    CHECK(strstr(s, "<title id=\"chart-1-title\">Completions &lt;2025-26&gt;</title>"));
    CHECK(strstr(s, "aria-labelledby=\"chart-2-title\" aria-describedby=\"chart-2-desc\""));
    CHECK(strstr(s, "<summary>The chart in words</summary><p id=\"chart-1-alt\">Completions "
                   "&lt;2025-26&gt;: 3 areas as bars"));
    CHECK(!strstr(s, "id=\"t\"") && !strstr(s, "\"t d\""));
    /* drawn in points, shown in points; wide enough to scroll on a phone */
    CHECK_INT((long)count(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
                             "width=\"640pt\" height=\""), 2);
    CHECK_INT((long)count(s, "<div class=\"chart-wrap wide\" role=\"region\" tabindex=\"0\" "
                                "aria-labelledby=\"chart-"), 2);
    /* printing and narrow screens */
    CHECK(strstr(s, "@media print{"));
    CHECK(strstr(s, "main>section+section{break-before:page}"));
    CHECK(strstr(s, "thead{display:table-header-group}"));
    CHECK(strstr(s, "tr,figure,.banner{break-inside:avoid}"));
    CHECK(strstr(s, "@page{size:A4;margin:"));
    CHECK(strstr(s, "@bottom-left{content:\"Drugs \\26  alcohol \\3c treatment\\3e  \\2014  "
                    "Data as at 2026-06-30 09:00\";"));
    CHECK(strstr(s, ".table-wrap{overflow-x:auto;"));
    CHECK(strstr(s, "figure svg{display:block;max-width:100%;height:auto}"));
    CHECK(strstr(s, "font-variant-numeric:tabular-nums"));
    CHECK(strstr(s, "\"DejaVu Sans\",system-ui"));
    CHECK(strstr(s, "max-width:60rem"));

    /* libxml2 reads it as XML and as HTML */
    char path[600];
    snprintf(path, sizeof path, "%s/report.html", support_dir());
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(s, f);
        fclose(f);
        xmllint(path);
    }
    free(s);
    dsms_report_free(&r);
}

static void restricted(void)
{
    dsms_report r;
    build(&r, 0);
    dsms_err err = {""};
    int rc = -1;
    char *s = html_of(&r, &rc, &err);
    CHECK_INT(rc, 0);
    CHECK(s && strstr(s, "<p class=\"banner restricted\">Restricted: not for publication, "
                         "figures are not disclosure-controlled</p>"));
    CHECK(s && !strstr(s, "Disclosure control applied"));
    free(s);
    /* restricted for one reader: says whose figures are whole */
    r.own_only = 1;
    s = html_of(&r, &rc, &err);
    CHECK(s && strstr(s, "<p class=\"banner restricted\">Restricted: not for publication; the "
                         "figures of the reader&#39;s own areas and organisations are not "
                         "disclosure-controlled, every other place&#39;s are as published (*)"
                         "</p>"));
    free(s);
    dsms_report_free(&r);

    /* the title and date in the printed page's foot, as a CSS string that
     * nothing in them can end, nor the style element */
    dsms_report_init(&r, "area", "A\"b\\c</style>\xff\n", NULL, "x'y", 0);
    s = html_of(&r, &rc, &err);
    CHECK_INT(rc, 0);
    CHECK(s && strstr(s, "@bottom-left{content:\"A\\22 b\\5c c\\3c /style\\3e \\fffd \\a  "
                         "\\2014  Data as at x\\27 y\";"));
    CHECK(s && count(s, "</style>") == 1 && count(s, "<style>") == 1);
    CHECK(s && strstr(s, "<h1>A&quot;b\\c&lt;/style&gt;\xEF\xBF\xBD\n</h1>"));
    free(s);
    dsms_report_free(&r);

    /* a bare report: no subtitle, no date, no notes, no sections */
    dsms_report_init(&r, "area", "Bare", NULL, NULL, 0);
    s = html_of(&r, &rc, &err);
    CHECK_INT(rc, 0);
    CHECK(s && strstr(s, "<title>Bare</title>") && !strstr(s, "as-at\"") &&
          !strstr(s, "subtitle\"") && !strstr(s, "<nav") && !strstr(s, "<section"));
    free(s);
    dsms_report_free(&r);
}

static void refusals(void)
{
    /* an incomplete report: refused, and nothing written */
    dsms_report r;
    build(&r, 1);
    r.oom = 1;
    dsms_err err = {""};
    int rc = 0;
    char *s = html_of(&r, &rc, &err);
    CHECK_INT(rc, -1);
    CHECK(strstr(err.msg, "incomplete") != NULL);
    CHECK(s && *s == 0);
    free(s);
    r.oom = 0;

    /* an incomplete chart: refused */
    r.sections[1].blocks[3].chart->oom = 1;
    err.msg[0] = 0;
    s = html_of(&r, &rc, &err);
    CHECK_INT(rc, -1);
    CHECK(strstr(err.msg, "chart") != NULL);
    free(s);
    r.sections[1].blocks[3].chart->oom = 0;

    /* a stream that cannot be written: refused */
    FILE *f = fopen(support_file("readonly.html", "x"), "r");
    CHECK(f != NULL);
    if (f) {
        err.msg[0] = 0;
        CHECK_INT(dsms_report_html(&r, f, &err), -1);
        CHECK(strstr(err.msg, "could not write") != NULL);
        fclose(f);
    }
    /* a full device, where there is one */
    f = fopen("/dev/full", "w");
    if (f) {
        err.msg[0] = 0;
        CHECK_INT(dsms_report_html(&r, f, &err), -1);
        CHECK(strstr(err.msg, "could not write") != NULL);
        fclose(f);
    }
    dsms_report_free(&r);
}

/* The report's tables as CSV (report_csv.c), its links in a dashboard's
 * page, and ids made from the sections' short names, each one section's. */
static void as_csv_and_part(void)
{
    dsms_report r;
    build(&r, 1);
    r.links = 1;
    dsms_report_table *t = r.sections[1].blocks[1].table;
    dsms_report_cell_link(&r, &t->cells[0], "/area/E06000001?x=\"<y>\"");
    dsms_report_cell_text(&r, &t->cells[5], "=HYPERLINK(\"x\")");
    dsms_report_section *again = dsms_report_section_add(&r, "Outcomes again", "Outcomes");
    dsms_report_text(&r, again, DSMS_BLOCK_PARAGRAPH, "Twice.");
    char *buf = NULL;
    size_t len = 0;
    dsms_err err = {""};
    FILE *f = open_memstream(&buf, &len);
    CHECK_INT(dsms_report_csv(&r, f, &err), 0);
    fclose(f);
    /* the caption, the headings with their units and Key; numbers as shown,
     * "*" withheld, nothing where nothing applies; a formula made harmless */
    CHECK(buf && strstr(buf, "Table 1: completions <by area> & rate\r\nArea,People,\"Rate (per "
                             "100,000)\",Completions (%),Change (pts),Note,Key\r\n"));
    CHECK(buf && strstr(buf, "Hartlepool & <Co>,12345,3.14,61.5,-2.2,\"'=HYPERLINK(\"\"x\"\")\","
                             "\"treat_complete|E06000001|2025-26|all|<&\"\">'\"\r\n"));
    CHECK(buf && strstr(buf, "Middlesbrough,*,0.500,40.2,,provisional,"
                             "treat_complete|E06000002|2025-26|all|plain\r\n"));
    CHECK(buf && strstr(buf, "\r\n2025,13000,,,,,\r\n\r\n"));
    CHECK(buf && !strstr(buf, "\n=") && !strstr(buf, ",=HYPERLINK"));
    free(buf);
    buf = NULL;
    f = open_memstream(&buf, &len);
    CHECK_INT(dsms_report_html_part(&r, f, DSMS_HTML_HEADER | DSMS_HTML_SECTIONS, &err), 0);
    fclose(f);
    CHECK(buf && !strstr(buf, "<html") && !strstr(buf, "<style") && strstr(buf, "<h1>"));
    CHECK(buf && strstr(buf, "<a href=\"/area/E06000001?x=&quot;&lt;y&gt;&quot;\">Hartlepool "
                             "&amp; &lt;Co&gt;</a>"));
    CHECK(buf && strstr(buf, "<section id=\"outcomes\">") &&
          strstr(buf, "<section id=\"outcomes-4\">"));
    free(buf);
    buf = NULL;
    f = open_memstream(&buf, &len);
    CHECK_INT(dsms_report_html_part(&r, f, DSMS_HTML_SECTIONS, &err), 0);
    fclose(f);
    CHECK(buf && !strstr(buf, "<h1>") && strstr(buf, "<section id=\"summary\">"));
    free(buf);
    r.links = 0;
    dsms_report_cell_link(&r, &t->cells[6], "/nowhere");
    CHECK(t->cells[6].href == NULL);
    dsms_report_free(&r);
}

int main(int argc, char **argv)
{
    whole_report(argc > 1 ? argv[1] : NULL);
    as_csv_and_part();
    restricted();
    refusals();
    support_cleanup();
    return check_summary();
}
