/* report_html.c — a report written as one HTML file (dsms/report.h) that
 * fetches nothing: its styles in one <style> element, its charts as inline
 * SVG, no script, no font or image from elsewhere, and no link that leaves
 * the page. It reads plainly on a screen of any width, in the calm style of
 * the public health profiles, and prints on A4 with each section on a new
 * page and tables' header rows repeated.
 *
 * Every text of the document is escaped, in elements and attributes alike,
 * and the markup is well-formed XML as well as HTML (every element closed,
 * empty ones written as <x/>), so that an XML parser reads it too.
 * Benchmark colours are never the only cue: a coloured cell carries the
 * benchmark's name in its title and in text that only a screen reader says. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/chart.h"
#include "dsms/report.h"
#include "dsms/text.h"

/* ---- escaping ------------------------------------------------------------------------ */


/* Text as HTML: &, <, >, " and ' as entities, so it is safe in an element
 * and in a quoted attribute alike; control bytes other than tab and line
 * ends (which neither HTML nor XML allows) left out, and a byte that is not
 * part of valid UTF-8 written as U+FFFD, the replacement character. */
void dsms_html_esc(FILE *f, const char *s)
{
    if (!s) return;
    size_t n = strlen(s);
    while (n > 0) {
        size_t good = dsms_utf8_check(s, n);
        for (size_t i = 0; i < good; i++) {
            unsigned char c = (unsigned char)s[i];
            switch (c) {
            case '&': fputs("&amp;", f); break;
            case '<': fputs("&lt;", f); break;
            case '>': fputs("&gt;", f); break;
            case '"': fputs("&quot;", f); break;
            case '\'': fputs("&#39;", f); break;
            default:
                if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') putc(c, f);
            }
        }
        if (good < n) {
            fputs("\xEF\xBF\xBD", f);
            good++;
        }
        s += good;
        n -= good;
    }
}

/* Text as the inside of a CSS string: every character that could end the
 * string, the rule or the <style> element (", ', \, <, >, &, line ends) as a
 * CSS hexadecimal escape, so the style sheet stays plain text in HTML and
 * XML, and a byte that is not part of valid UTF-8 as U+FFFD. */
static void esc_css(FILE *f, const char *s)
{
    if (!s) return;
    size_t n = strlen(s);
    while (n > 0) {
        size_t good = dsms_utf8_check(s, n);
        for (size_t i = 0; i < good; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c < 0x20 || c == '"' || c == '\'' || c == '\\' || c == '<' || c == '>' ||
                c == '&')
                fprintf(f, "\\%x ", c);
            else putc(c, f);
        }
        if (good < n) {
            fputs("\\fffd ", f);
            good++;
        }
        s += good;
        n -= good;
    }
}

/* ---- benchmark colours --------------------------------------------------------------- */

/* Each benchmark's class name, by dsms_bench. */
static const char *const bench_class[] = {
    [DSMS_BENCH_NONE] = "", [DSMS_BENCH_BETTER] = "better",
    [DSMS_BENCH_SIMILAR] = "similar", [DSMS_BENCH_WORSE] = "worse",
    [DSMS_BENCH_HIGHER] = "higher", [DSMS_BENCH_LOWER] = "lower",
    [DSMS_BENCH_SUPPRESSED] = "suppressed",
};

static int bench_known(dsms_bench b)
{
    return b > DSMS_BENCH_NONE && b <= DSMS_BENCH_SUPPRESSED;
}

/* A colour's relative luminance as WCAG 2 defines it. */
static double luminance(uint32_t rgb)
{
    double l = 0;
    static const double weight[3] = {0.2126, 0.7152, 0.0722};
    for (int i = 0; i < 3; i++) {
        double c = (double)((rgb >> (16 - 8 * i)) & 0xFF) / 255.0;
        c = c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
        l += weight[i] * c;
    }
    return l;
}

/* Black or white, whichever has more contrast with the background bg. */
static uint32_t ink_on(uint32_t bg)
{
    double l = luminance(bg);
    double on_black = (l + 0.05) / 0.05, on_white = 1.05 / (l + 0.05);
    return on_black >= on_white ? 0x000000 : 0xFFFFFF;
}

/* ---- the style sheet ----------------------------------------------------------------- */

static const char style[] =
    "*,*::before,*::after{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
    "body{margin:0 auto;padding:1.5rem 1rem 3rem;max-width:60rem;color:#0b0c0c;"
    "background:#fff;font-family:\"DejaVu Sans\",system-ui,-apple-system,\"Segoe UI\","
    "Roboto,\"Helvetica Neue\",Arial,sans-serif;font-size:1rem;line-height:1.5}\n"
    "h1,h2,h3{line-height:1.25;margin:0}\n"
    "h1{font-size:1.9rem;margin-bottom:.25rem}\n"
    "h2{font-size:1.45rem;margin:2.5rem 0 1rem;padding-top:.75rem;"
    "border-top:1px solid #b1b4b6}\n"
    "h3{font-size:1.15rem;margin:1.75rem 0 .5rem}\n"
    "p,ul{margin:0 0 1rem;max-width:45rem}\n"
    "li{margin-bottom:.25rem}\n"
    "a{color:#1d70b8}\n"
    "a:focus{outline:3px solid #fd0;outline-offset:0;background:#fd0;color:#0b0c0c}\n"
    "header{padding-bottom:1rem}\n"
    ".subtitle{font-size:1.2rem;color:#0b0c0c;margin:0 0 .25rem}\n"
    ".as-at{color:#505a5f;margin:0 0 1rem}\n"
    ".banner{margin:0;padding:.6rem .9rem;border-left:5px solid #1d70b8;"
    "background:#f3f2f1;max-width:none}\n"
    ".banner.restricted{border-left-color:#d4351c;background:#fdf0ee;font-weight:bold}\n"
    "nav{margin:0 0 1rem;padding:.75rem 1rem;background:#f3f2f1}\n"
    "nav h2{font-size:1.1rem;margin:0 0 .4rem;padding:0;border:0}\n"
    "nav ol{margin:0;padding-left:1.5rem}\n"
    "nav li{margin:.15rem 0}\n"
    ".note{font-size:.875rem;color:#505a5f}\n"
    /* relative: what is hidden inside for screen readers stays inside, and
     * does not widen the page */
    ".table-wrap{overflow-x:auto;position:relative;margin:0 0 1.5rem}\n"
    ".table-wrap:focus{outline:3px solid #fd0}\n"
    "table{border-collapse:collapse;font-size:.9rem;min-width:50%}\n"
    "caption{text-align:left;font-weight:bold;padding:0 0 .5rem;caption-side:top}\n"
    "th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;"
    "border-bottom:1px solid #b1b4b6}\n"
    "th:first-child,td:first-child{padding-left:0}\n"
    "thead th{vertical-align:bottom;border-bottom:2px solid #0b0c0c}\n"
    "tbody th{font-weight:normal;min-width:8rem}\n"
    /* figures kept whole; headings may wrap, so that a long heading over a
     * column of short numbers does not crush the names beside it */
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "td.num{white-space:nowrap}\n"

    "td.bench{padding-left:.5rem}\n"
    ".unit{display:block;font-size:.8rem;font-weight:normal;color:#505a5f;"
    "white-space:nowrap}\n"
    "abbr[title]{text-decoration:none;cursor:help}\n"
    "figure{margin:0 0 1.5rem}\n"
    ".chart-wrap{overflow-x:auto}\n"
    "figure svg{display:block;max-width:100%;height:auto}\n"
    "figcaption{font-size:.875rem;color:#505a5f;margin-top:.5rem;max-width:45rem}\n"
    ".vh{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;"
    "clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap;border:0}\n"
    "@media (max-width:40rem){body{padding:1rem .75rem 2rem}h1{font-size:1.5rem}"
    "h2{font-size:1.25rem}.subtitle{font-size:1.05rem}table{font-size:.85rem}\n"
    /* a chart drawn wide would be shrunk past reading on a phone: it shrinks
     * to a point, then scrolls sideways as a table does */
    ".chart-wrap.wide svg{min-width:36rem}}\n"
    "@media print{\n"
    "body{max-width:none;padding:0;font-size:10pt;line-height:1.4}\n"
    "h1{font-size:20pt}h2{font-size:15pt;margin-top:0;border-top:0;padding-top:0}"
    "h3{font-size:12pt}\n"
    "h2,h3,caption{break-after:avoid}\n"
    "main>section+section{break-before:page}\n"
    "nav{background:none;padding:0}\n"
    "a{color:inherit;text-decoration:none}\n"
    ".table-wrap,.chart-wrap{overflow:visible}\n"
    "table{font-size:9pt}\n"
    "figcaption details{display:none}\n"
    ".note,figcaption{font-size:8.5pt}.unit{font-size:8pt}.subtitle{font-size:13pt}\n"
    "thead{display:table-header-group}\n"
    "tr,figure,.banner{break-inside:avoid}\n"
    "td.bench,.banner{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "}\n";

static void write_style(const dsms_report *r, FILE *f)
{
    fputs("<style>\n", f);
    fputs(style, f);
    /* the benchmark colours, from the palette the charts use, with the ink of
     * more contrast on each */
    for (int b = DSMS_BENCH_BETTER; b <= DSMS_BENCH_SUPPRESSED; b++) {
        uint32_t bg = dsms_bench_colour((dsms_bench)b);
        if (bg == DSMS_NONE) bg = 0xFFFFFF;
        fprintf(f, "td.bench-%s{background:#%06X;color:#%06X}\n", bench_class[b],
                (unsigned)bg, (unsigned)ink_on(bg));
    }
    /* the printed page: A4 with margins, the report's title and as-at date at
     * the foot of every page and the page's number */
    fputs("@page{size:A4;margin:18mm 16mm 20mm;\n@bottom-left{content:\"", f);
    esc_css(f, r->title);
    if (r->as_at && *r->as_at) {
        fputs(" \\2014  Data as at ", f);
        esc_css(f, r->as_at);
    }
    fputs("\";font:8pt \"DejaVu Sans\",sans-serif;color:#505a5f}\n"
          "@bottom-right{content:\"Page \" counter(page) \" of \" counter(pages);"
          "font:8pt \"DejaVu Sans\",sans-serif;color:#505a5f}}\n",
          f);
    fputs("</style>\n", f);
}

/* ---- blocks -------------------------------------------------------------------------- */

/* Numbers on a page, for ids unique within it: tables and charts. */
typedef struct {
    unsigned tables, charts;
} counters;

static int column_numeric(const dsms_report_table *t, size_t col)
{
    int numbers = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        dsms_cell_kind k = t->cells[i * t->ncolumns + col].kind;
        if (k == DSMS_CELL_TEXT) return 0;
        numbers |= k == DSMS_CELL_NUMBER || k == DSMS_CELL_SUPPRESSED;
    }
    return numbers;
}

/* A cell: a number (and "*" or "-" in a column of numbers) to the right. */
static void write_cell(FILE *f, const dsms_report_cell *c, int first, int numeric)
{
    char buf[64];
    const char *shown = dsms_report_cell_show(c, buf, sizeof buf);
    int header = first && c->kind == DSMS_CELL_TEXT;
    int coloured = bench_known(c->bench);
    int num = c->kind == DSMS_CELL_NUMBER || c->kind == DSMS_CELL_SUPPRESSED ||
              (c->kind == DSMS_CELL_NONE && numeric);
    fputs(header ? "<th scope=\"row\"" : "<td", f);
    if (num || coloured) {
        fputs(" class=\"", f);
        if (num) fputs("num", f);
        if (coloured) fprintf(f, "%sbench bench-%s", num ? " " : "", bench_class[c->bench]);
        fputs("\"", f);
    }
    if (coloured) {
        fputs(" title=\"", f);
        dsms_html_esc(f, dsms_bench_label(c->bench));
        fputs("\"", f);
    }
    fputs(">", f);
    if (c->kind == DSMS_CELL_SUPPRESSED) {
        fputs("<abbr title=\"withheld by disclosure control\">*</abbr>", f);
    } else if (c->href) {
        fputs("<a href=\"", f);
        dsms_html_esc(f, c->href);
        fputs("\">", f);
        dsms_html_esc(f, shown);
        fputs("</a>", f);
    } else {
        dsms_html_esc(f, shown);
    }
    /* the benchmark in words for those who cannot see the colour, unless the
     * cell already says it is withheld */
    if (coloured && !(c->bench == DSMS_BENCH_SUPPRESSED && c->kind == DSMS_CELL_SUPPRESSED)) {
        fputs("<span class=\"vh\"> (", f);
        dsms_html_esc(f, dsms_bench_label(c->bench));
        fputs(")</span>", f);
    }
    fputs(header ? "</th>" : "</td>", f);
}

static int write_table(FILE *f, const dsms_report_table *t, counters *n, dsms_err *err)
{
    /* which columns hold numbers, found once */
    char *numeric = malloc(t->ncolumns ? t->ncolumns : 1);
    if (!numeric) {
        dsms_err_set(err, "HTML report: out of memory writing a table");
        return -1;
    }
    for (size_t j = 0; j < t->ncolumns; j++) numeric[j] = (char)column_numeric(t, j);
    unsigned id = ++n->tables;
    fprintf(f, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\""
               " aria-labelledby=\"table-%u\">\n<table>\n<caption id=\"table-%u\">",
            id, id);
    dsms_html_esc(f, t->caption);
    fputs("</caption>\n<thead>\n<tr>", f);
    for (size_t j = 0; j < t->ncolumns; j++) {
        const dsms_report_column *col = &t->columns[j];
        fprintf(f, "<th scope=\"col\"%s>", numeric[j] ? " class=\"num\"" : "");
        dsms_html_esc(f, col->heading);
        if (col->unit && *col->unit) {
            fputs(" <span class=\"unit\">(", f);
            dsms_html_esc(f, col->unit);
            fputs(")</span>", f);
        }
        fputs("</th>", f);
    }
    fputs("</tr>\n</thead>\n<tbody>\n", f);
    for (size_t i = 0; i < t->nrows; i++) {
        fputs("<tr", f);
        if (t->keys[i]) {
            fputs(" data-key=\"", f);
            dsms_html_esc(f, t->keys[i]);
            fputs("\"", f);
        }
        fputs(">", f);
        for (size_t j = 0; j < t->ncolumns; j++)
            write_cell(f, &t->cells[i * t->ncolumns + j], j == 0, numeric[j]);
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n</div>\n", f);
    free(numeric);
    return 0;
}

static int write_chart(FILE *f, const dsms_drawing *d, counters *n, dsms_err *err)
{
    if (d->oom) {
        dsms_err_set(err, "HTML report: a chart is incomplete (out of memory laying it out)");
        return -1;
    }
    char name[32];
    unsigned id = ++n->charts;
    snprintf(name, sizeof name, "chart-%u", id);
    char *svg = dsms_chart_svg(d, name);
    if (!svg) {
        dsms_err_set(err, "HTML report: out of memory writing a chart as SVG");
        return -1;
    }
    /* wide: more than 36rem (432 points) across, the least a phone shows it at */
    /* a wide chart scrolls sideways on a phone: a region keyboard users can
     * reach and scroll, named by the chart's title */
    if (d->width > 432)
        fprintf(f, "<figure class=\"chart\">\n<div class=\"chart-wrap wide\" role=\"region\" "
                   "tabindex=\"0\" aria-labelledby=\"%s-title\">\n",
                name);
    else
        fputs("<figure class=\"chart\">\n<div class=\"chart-wrap\">\n", f);
    fputs(svg, f);
    free(svg);
    /* the chart in words: folded away, and left out of print, where the
     * tables beside it give the figures */
    fprintf(f, "</div>\n<figcaption><details><summary>The chart in words</summary>"
               "<p id=\"chart-%u-alt\">", id);
    dsms_html_esc(f, d->alt);
    fputs("</p></details></figcaption>\n</figure>\n", f);
    return 0;
}

static int write_section(FILE *f, const dsms_report_section *s, const char *id, counters *n,
                         dsms_err *err)
{
    fprintf(f, "<section id=\"%s\">\n<h2>", id);
    dsms_html_esc(f, s->title);
    fputs("</h2>\n", f);
    for (size_t i = 0; i < s->nblocks; i++) {
        const dsms_report_block *b = &s->blocks[i];
        switch (b->kind) {
        case DSMS_BLOCK_HEADING:
            fputs("<h3>", f);
            dsms_html_esc(f, b->text);
            fputs("</h3>\n", f);
            break;
        case DSMS_BLOCK_PARAGRAPH:
            fputs("<p>", f);
            dsms_html_esc(f, b->text);
            fputs("</p>\n", f);
            break;
        case DSMS_BLOCK_BULLET:
            /* consecutive bullets make one list */
            if (i == 0 || s->blocks[i - 1].kind != DSMS_BLOCK_BULLET) fputs("<ul>\n", f);
            fputs("<li>", f);
            dsms_html_esc(f, b->text);
            fputs("</li>\n", f);
            if (i + 1 == s->nblocks || s->blocks[i + 1].kind != DSMS_BLOCK_BULLET)
                fputs("</ul>\n", f);
            break;
        case DSMS_BLOCK_NOTE:
            fputs("<p class=\"note\">", f);
            dsms_html_esc(f, b->text);
            fputs("</p>\n", f);
            break;
        case DSMS_BLOCK_TABLE:
            if (b->table && write_table(f, b->table, n, err) != 0) return -1;
            break;
        case DSMS_BLOCK_CHART:
            if (b->chart && write_chart(f, b->chart, n, err) != 0) return -1;
            break;
        }
    }
    fputs("</section>\n", f);
    return 0;
}

/* ---- the page ------------------------------------------------------------------------ */

static void write_head(const dsms_report *r, FILE *f)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\"/>\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
          "<title>",
          f);
    dsms_html_esc(f, r->title);
    if (r->subtitle && *r->subtitle) {
        fputs(" \xE2\x80\x94 ", f); /* an em dash */
        dsms_html_esc(f, r->subtitle);
    }
    fputs("</title>\n", f);
    write_style(r, f);
    fputs("</head>\n", f);
}

static void write_header(const dsms_report *r, FILE *f)
{
    fputs("<header>\n<h1>", f);
    dsms_html_esc(f, r->title);
    fputs("</h1>\n", f);
    if (r->subtitle && *r->subtitle) {
        fputs("<p class=\"subtitle\">", f);
        dsms_html_esc(f, r->subtitle);
        fputs("</p>\n", f);
    }
    if (r->as_at && *r->as_at) {
        fputs("<p class=\"as-at\">Data as at ", f);
        dsms_html_esc(f, r->as_at);
        fputs("</p>\n", f);
    }
    if (r->public) {
        fputs("<p class=\"banner public\">Disclosure control applied: counts of 1 to 5 and "
              "figures that would reveal them are withheld (*)</p>\n",
              f);
    } else {
        fputs("<p class=\"banner restricted\">", f);
        dsms_html_esc(f, dsms_report_restriction(r));
        fputs("</p>\n", f);
    }
    fputs("</header>\n", f);
}

/* A section's own id: its anchor, else its short name in lower case with
 * '-' between words ("Data quality": "data-quality"), else "section-N". */
static void own_id(const dsms_report *r, size_t i, char *id, size_t n)
{
    const dsms_report_section *s = &r->sections[i];
    if (s->anchor[0]) {
        snprintf(id, n, "%s", s->anchor);
        return;
    }
    size_t o = 0;
    for (const char *c = s->sheet ? s->sheet : ""; *c && o + 1 < n; c++) {
        char ch = *c;
        if (ch >= 'A' && ch <= 'Z') ch = (char)(ch - 'A' + 'a');
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) id[o++] = ch;
        else if (o && id[o - 1] != '-') id[o++] = '-';
    }
    while (o && id[o - 1] == '-') o--;
    id[o] = 0;
    if (!o || !(id[0] >= 'a' && id[0] <= 'z')) snprintf(id, n, "section-%zu", i + 1);
}

/* The section's id in the page: its own, with "-N" when an earlier
 * section's is the same, so that every id is one section's. */
static void section_id(const dsms_report *r, size_t i, char *id, size_t n)
{
    own_id(r, i, id, n);
    char other[32];
    for (size_t k = 0; k < i; k++) {
        own_id(r, k, other, sizeof other);
        if (strcmp(other, id) == 0) {
            char suffix[24];
            int k = snprintf(suffix, sizeof suffix, "-%u", (unsigned)(i + 1) % 100000u);
            size_t len = strlen(id), room = n - (size_t)k - 1;
            memcpy(id + (len < room ? len : room), suffix, (size_t)k + 1);
            return;
        }
    }
}

static void write_nav(const dsms_report *r, FILE *f)
{
    if (r->nsections == 0 && r->notes.nblocks == 0) return; /* nothing to list */
    fputs("<nav aria-labelledby=\"contents\">\n<h2 id=\"contents\">Contents</h2>\n<ol>\n", f);
    for (size_t i = 0; i < r->nsections; i++) {
        char id[32];
        section_id(r, i, id, sizeof id);
        fprintf(f, "<li><a href=\"#%s\">", id);
        dsms_html_esc(f, r->sections[i].title);
        fputs("</a></li>\n", f);
    }
    if (r->notes.nblocks > 0) {
        fputs("<li><a href=\"#notes\">", f);
        dsms_html_esc(f, r->notes.title);
        fputs("</a></li>\n", f);
    }
    fputs("</ol>\n</nav>\n", f);
}

/* The sections, and the notes last; each section's id its anchor, else
 * "section-N", as the contents list links them. */
static int write_sections(const dsms_report *r, FILE *out, counters *n, dsms_err *err)
{
    for (size_t i = 0; i < r->nsections && !ferror(out); i++) {
        char id[32];
        section_id(r, i, id, sizeof id);
        if (write_section(out, &r->sections[i], id, n, err) != 0) return -1;
    }
    if (r->notes.nblocks > 0 && write_section(out, &r->notes, "notes", n, err) != 0) return -1;
    return 0;
}

static int written(FILE *out, dsms_err *err)
{
    if (fflush(out) != 0 || ferror(out)) {
        dsms_err_set(err, "HTML report: could not write it (%s)",
                     errno ? strerror(errno) : "write error");
        return -1;
    }
    return 0;
}

static int complete(const dsms_report *r, dsms_err *err)
{
    if (!r->oom) return 0;
    dsms_err_set(err, "HTML report: the report is incomplete (out of memory building it); "
                      "nothing written");
    return -1;
}

int dsms_report_html(const dsms_report *r, FILE *out, dsms_err *err)
{
    if (complete(r, err)) return -1;
    counters n = {0, 0};
    errno = 0;
    write_head(r, out);
    fputs("<body>\n", out);
    write_header(r, out);
    write_nav(r, out);
    fputs("<main>\n", out);
    if (write_sections(r, out, &n, err) != 0) return -1;
    fputs("</main>\n</body>\n</html>\n", out);
    return written(out, err);
}

int dsms_report_html_part(const dsms_report *r, FILE *out, int parts, dsms_err *err)
{
    if (complete(r, err)) return -1;
    counters n = {0, 0};
    errno = 0;
    if (parts & DSMS_HTML_HEADER) {
        write_header(r, out);
        write_nav(r, out);
    }
    if ((parts & DSMS_HTML_SECTIONS) && write_sections(r, out, &n, err) != 0) return -1;
    return written(out, err);
}
