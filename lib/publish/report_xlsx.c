/* report_xlsx.c — a report as an XLSX workbook (dsms/report.h), written by
 * libxlsxwriter: a "Contents" sheet (the title, the as-at date, whether
 * disclosure control was applied, and a link to each sheet), one sheet per
 * section, and the notes last.
 *
 * A section's blocks go down column A in order, one row each (nothing is
 * merged, so the sheet reads in order with a screen reader and sorts and
 * copies cleanly). A table is a caption, one header row whose headings
 * carry their units ("Value (%)": one row of names is what filters,
 * pivot tables and data tools take as the column names), then its rows:
 * numbers as numbers, with a number format of the cell's decimal places; a
 * suppressed figure as the text "*"; a figure that does not apply as an
 * empty cell (which SUM, AVERAGE and COUNT skip, where text "-" would make
 * arithmetic on the cell fail); a key column when rows carry keys. A chart
 * is not drawn: its title and its text alternative are written as text, so
 * that nothing it says is lost.
 *
 * A number is stored as it is shown: the value rounded to its decimal
 * places by the same printf as dsms_report_cell_show, so the workbook
 * publishes no more precision than the HTML and PDF (a disclosure matter),
 * a sum of the cells is the sum of what is shown, and Excel (which rounds
 * halves away from zero) cannot show a digit other than printf's.
 *
 * The workbook's creation time is the report's as-at date, so the same
 * report gives the same bytes (libxlsxwriter dates the zip entries 1980). */
#include "dsms/report.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "dsms/grow.h"

enum {
    NAME_UNITS = 31,                 /* Excel's limit on a sheet's name, in UTF-16 units */
    NAME_BYTES = NAME_UNITS * 4 + 1, /* room for that many characters as UTF-8 */
    WIDTH_MIN = 8,                   /* a column's width in characters */
    WIDTH_MAX = 60,
    DIGITS_MAX = 30                  /* Excel's limit on decimal places in a format */
};

#define SUPPRESSED_INK 0x595959 /* dark grey: 7:1 against white */

/* ---- sheet names ---------------------------------------------------------------------- */

/* The UTF-8 character at s as a code point, its length in bytes in *len;
 * an invalid sequence gives -1 with *len 1 (so a name cut short in the
 * middle of a character loses only the broken end). */
static long utf8_next(const unsigned char *s, size_t *len)
{
    unsigned c = s[0];
    size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
             : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    *len = 1;
    if (n == 0) return -1;
    long cp = n == 1 ? (long)c : n == 2 ? (long)(c & 0x1F) : n == 3 ? (long)(c & 0x0F)
            : (long)(c & 0x07);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return -1;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    *len = n;
    return cp;
}

/* A letter folded to lower case as Excel compares sheet names: ASCII,
 * Latin-1, Latin Extended-A, Greek and Cyrillic capitals (other scripts'
 * names are compared as they are). */
static long fold(long cp)
{
    if (cp >= 'A' && cp <= 'Z') return cp + 32;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;
    if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) return cp | 1;
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) return cp + (cp & 1);
    if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return cp + 32;
    if (cp >= 0x410 && cp <= 0x42F) return cp + 32;
    if (cp >= 0x400 && cp <= 0x40F) return cp + 80;
    return cp;
}

/* Whether two names are the same sheet's to Excel. */
static int same_name(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    while (*p && *q) {
        size_t lp, lq;
        long cp = utf8_next(p, &lp), cq = utf8_next(q, &lq);
        if (fold(cp) != fold(cq)) return 0;
        p += lp;
        q += lq;
    }
    return *p == *q;
}

/* The bytes of name's first `units` UTF-16 units (name is valid UTF-8). */
static size_t prefix_bytes(const char *name, size_t units)
{
    const unsigned char *p = (const unsigned char *)name;
    size_t at = 0, used = 0, len;
    while (p[at]) {
        long cp = utf8_next(p + at, &len);
        size_t u = cp >= 0x10000 ? 2 : 1;
        if (used + u > units) break;
        used += u;
        at += len;
    }
    return at;
}

/* in made a name Excel accepts, into out (NAME_BYTES): valid UTF-8 only,
 * []:*?/\ and control characters as spaces, runs of spaces as one, no
 * apostrophe or space at either end, at most 31 UTF-16 units. */
static void clean_name(const char *in, char *out)
{
    const unsigned char *p = (const unsigned char *)(in ? in : "");
    size_t o = 0, units = 0, len;
    int space = 0;
    for (; *p; p += len) {
        long cp = utf8_next(p, &len);
        if (cp < 0 || cp == 0xFFFE || cp == 0xFFFF) continue; /* not text, or not XML */
        if (cp <= 0x20 || cp == 0x7F || (cp < 0x80 && strchr("[]:*?/\\", (int)cp))) {
            space = 1;
            continue;
        }
        size_t u = cp >= 0x10000 ? 2 : 1, gap = space && o > 0;
        if (units + gap + u > NAME_UNITS) break;
        if (gap) out[o++] = ' ', units++;
        space = 0;
        memcpy(out + o, p, len);
        o += len;
        units += u;
    }
    out[o] = 0;
    size_t start = 0;
    while (out[start] == '\'' || out[start] == ' ') start++;
    while (o > start && (out[o - 1] == '\'' || out[o - 1] == ' ')) o--;
    memmove(out, out + start, o - start);
    out[o - start] = 0;
}

/* Whether name is taken: by one of the n names given, or by "History",
 * which Excel keeps for itself. */
static int taken(char (*names)[NAME_BYTES], size_t n, const char *name)
{
    if (same_name(name, "History")) return 1;
    for (size_t i = 0; i < n; i++)
        if (same_name(names[i], name)) return 1;
    return 0;
}

/* names[n] set to the name wanted, cleaned, made unique among names[0..n)
 * by a number in brackets ("Outcomes (2)"), the name cut short to make
 * room for it. */
static void unique_name(char (*names)[NAME_BYTES], size_t n, const char *wanted)
{
    char base[NAME_BYTES];
    clean_name(wanted, base);
    if (!*base) strcpy(base, "Sheet");
    if (!taken(names, n, base)) {
        strcpy(names[n], base);
        return;
    }
    for (unsigned k = 2;; k++) {
        char suffix[16];
        int sl = snprintf(suffix, sizeof suffix, " (%u)", k);
        size_t keep = prefix_bytes(base, NAME_UNITS - (size_t)sl);
        while (keep > 0 && base[keep - 1] == ' ') keep--;
        snprintf(names[n], NAME_BYTES, "%.*s%s", (int)keep, base, suffix);
        if (!taken(names, n, names[n])) return;
    }
}

/* ---- the workbook and its sheets ------------------------------------------------------ */

/* A cell's format, made once for each kind, decimal places and fill. */
typedef struct {
    dsms_cell_kind kind;
    int digits;
    uint32_t fill;
    lxw_format *format;
} cell_style;

typedef struct {
    lxw_workbook *wb;
    lxw_error failed; /* libxlsxwriter's first error */
    int oom;          /* an allocation of ours failed */
    lxw_format *title, *bold, *header, *note;
    cell_style *styles;
    size_t nstyles, cap_styles;
} book;

typedef struct {
    book *b;
    lxw_worksheet *ws;
    lxw_row_t row;    /* the next row to write */
    int blank_above;  /* the row above `row` is empty */
    int frozen;       /* panes frozen below the first table's header row */
    double *width;    /* each column's width so far (0: left as it is) */
    size_t nwidth, cap_width;
} sheet;

static int stopped(const book *b) { return b->failed != LXW_NO_ERROR || b->oom; }

static void check(book *b, lxw_error e)
{
    if (e != LXW_NO_ERROR && b->failed == LXW_NO_ERROR) b->failed = e;
}

static lxw_format *new_format(book *b)
{
    lxw_format *f = stopped(b) ? NULL : workbook_add_format(b->wb);
    if (!f) check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
    return f;
}

/* Column col made wide enough for text (in characters, with a margin), up
 * to WIDTH_MAX: columns are sized from the cells of tables only, since
 * titles and paragraphs run on across the empty cells to their right. */
static void fit(sheet *s, size_t col, const char *text, int bold)
{
    if (stopped(s->b)) return;
    if (col >= s->nwidth) {
        if (dsms_room_for((void **)&s->width, &s->cap_width, col, sizeof *s->width, 8) != 0) {
            s->b->oom = 1;
            return;
        }
        for (size_t i = s->nwidth; i <= col; i++) s->width[i] = 0;
        s->nwidth = col + 1;
    }
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        chars += (*p & 0xC0) != 0x80;
    double w = (double)chars * (bold ? 1.1 : 1.0) + 2;
    if (w < WIDTH_MIN) w = WIDTH_MIN;
    if (w > WIDTH_MAX) w = WIDTH_MAX;
    if (w > s->width[col]) s->width[col] = w;
}

static void put_text(sheet *s, size_t col, const char *text, lxw_format *f)
{
    if (stopped(s->b)) return;
    if (col >= LXW_COL_MAX || s->row >= LXW_ROW_MAX) {
        check(s->b, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE);
        return;
    }
    check(s->b, worksheet_write_string(s->ws, s->row, (lxw_col_t)col, text, f));
}

/* One row of text in column A. */
static void put_line(sheet *s, const char *text, lxw_format *f)
{
    put_text(s, 0, text ? text : "", f);
    s->row++;
    s->blank_above = 0;
}

/* An empty row, unless the row above is one already. */
static void space(sheet *s)
{
    if (!s->blank_above) s->row++;
    s->blank_above = 1;
}

/* A number format showing exactly `digits` decimal places: "0", "0.0"... */
static void number_code(int digits, char *code)
{
    strcpy(code, "0");
    if (digits > 0) {
        code[1] = '.';
        memset(code + 2, '0', (size_t)digits);
        code[2 + digits] = 0;
    }
}

/* The decimal places a number is written to: its own, as printf takes them
 * (a negative count is printf's default of 6), up to Excel's limit. */
static int places(const dsms_report_cell *c)
{
    return c->digits < 0 ? 6 : c->digits > DIGITS_MAX ? DIGITS_MAX : c->digits;
}

/* The format of a table's cell (NULL: the default), made on first use. */
static lxw_format *cell_format(book *b, const dsms_report_cell *c)
{
    uint32_t fill = c->bench == DSMS_BENCH_NONE ? DSMS_NONE : dsms_bench_colour(c->bench);
    int digits = c->kind == DSMS_CELL_NUMBER && isfinite(c->number) ? places(c) : -1;
    dsms_cell_kind kind = c->kind == DSMS_CELL_NUMBER && digits < 0 ? DSMS_CELL_TEXT : c->kind;
    if (fill == DSMS_NONE && (kind == DSMS_CELL_TEXT || kind == DSMS_CELL_NONE)) return NULL;
    for (size_t i = 0; i < b->nstyles; i++)
        if (b->styles[i].kind == kind && b->styles[i].digits == digits &&
            b->styles[i].fill == fill)
            return b->styles[i].format;
    lxw_format *f = new_format(b);
    if (!f) return NULL;
    if (kind == DSMS_CELL_NUMBER) {
        char code[DIGITS_MAX + 3];
        number_code(digits, code);
        format_set_num_format(f, code);
    }
    if (kind == DSMS_CELL_SUPPRESSED || kind == DSMS_CELL_NONE)
        format_set_align(f, LXW_ALIGN_RIGHT); /* in line with the numbers */
    if (fill != DSMS_NONE) {
        format_set_bg_color(f, (lxw_color_t)fill);
        format_set_pattern(f, LXW_PATTERN_SOLID);
        format_set_font_color(f, LXW_COLOR_BLACK);
    } else if (kind == DSMS_CELL_SUPPRESSED) {
        format_set_font_color(f, SUPPRESSED_INK);
    }
    if (dsms_room_for((void **)&b->styles, &b->cap_styles, b->nstyles, sizeof *b->styles,
                      16) == 0)
        b->styles[b->nstyles++] = (cell_style){kind, digits, fill, f};
    /* else: the format serves this cell uncached (libxlsxwriter keeps it) */
    return f;
}

static void put_cell(sheet *s, size_t col, const dsms_report_cell *c)
{
    book *b = s->b;
    lxw_format *f = cell_format(b, c);
    char shown[DIGITS_MAX + 340]; /* 1e308 to 30 places, and a sign */
    if (stopped(b)) return;
    if (col >= LXW_COL_MAX || s->row >= LXW_ROW_MAX) {
        check(b, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE);
        return;
    }
    switch (c->kind) {
    case DSMS_CELL_NUMBER:
        snprintf(shown, sizeof shown, "%.*f", places(c), c->number);
        fit(s, col, shown, 0);
        if (!isfinite(c->number)) { /* Excel has no infinity: the words, as shown */
            put_text(s, col, shown, f);
        } else {
            double x = strtod(shown, NULL);
            if (x == 0) x = 0; /* "-0" is 0 */
            check(b, worksheet_write_number(s->ws, s->row, (lxw_col_t)col, x, f));
        }
        break;
    case DSMS_CELL_SUPPRESSED: put_text(s, col, "*", f); break;
    case DSMS_CELL_TEXT:
        fit(s, col, c->text ? c->text : "", 0);
        put_text(s, col, c->text ? c->text : "", f);
        break;
    case DSMS_CELL_NONE:
        if (f) check(b, worksheet_write_blank(s->ws, s->row, (lxw_col_t)col, f));
        break;
    }
}

/* The benchmark colours a table uses, each named beside its colour in a
 * row of its own below the table, so the colours are read in words too. */
static void put_legend(sheet *s, const dsms_report_table *t)
{
    int first = 1;
    for (int want = DSMS_BENCH_BETTER; want <= DSMS_BENCH_SUPPRESSED; want++) {
        uint32_t fill = dsms_bench_colour((dsms_bench)want);
        int used = 0;
        for (size_t i = 0; i < t->nrows * t->ncolumns && !used; i++)
            used = t->cells[i].bench == (dsms_bench)want;
        if (!used || fill == DSMS_NONE) continue;
        dsms_report_cell c = {.kind = DSMS_CELL_TEXT, .bench = (dsms_bench)want};
        if (first) space(s);
        first = 0;
        lxw_format *f = cell_format(s->b, &c);
        put_line(s, dsms_bench_label((dsms_bench)want), f);
    }
}

static void put_table(sheet *s, const dsms_report_table *t)
{
    book *b = s->b;
    int keyed = 0;
    for (size_t i = 0; i < t->nrows && !keyed; i++) keyed = t->keys[i] != NULL;
    if (t->caption && *t->caption) put_line(s, t->caption, b->bold);

    for (size_t j = 0; j < t->ncolumns && !stopped(b); j++) {
        const dsms_report_column *col = &t->columns[j];
        const char *heading = col->heading ? col->heading : "";
        const char *unit = col->unit ? col->unit : "";
        size_t n = strlen(heading) + strlen(unit) + 4;
        char *text = malloc(n);
        if (!text) {
            b->oom = 1;
            break;
        }
        if (*unit) snprintf(text, n, "%s (%s)", heading, unit);
        else snprintf(text, n, "%s", heading);
        fit(s, j, text, 1);
        put_text(s, j, text, b->header);
        free(text);
    }
    if (keyed) {
        fit(s, t->ncolumns, "Key", 1);
        put_text(s, t->ncolumns, "Key", b->header);
    }
    if (!s->frozen && !stopped(b)) {
        worksheet_freeze_panes(s->ws, s->row + 1, 0);
        s->frozen = 1;
    }
    s->row++;
    for (size_t i = 0; i < t->nrows && !stopped(b); i++, s->row++) {
        for (size_t j = 0; j < t->ncolumns; j++) put_cell(s, j, &t->cells[i * t->ncolumns + j]);
        if (t->keys[i]) {
            fit(s, t->ncolumns, t->keys[i], 0);
            put_text(s, t->ncolumns, t->keys[i], NULL);
        }
    }
    s->blank_above = 0;
    put_legend(s, t);
}

static void put_chart(sheet *s, const dsms_drawing *d)
{
    const char *title = d->title && *d->title ? d->title : "";
    size_t n = strlen(title) + 8;
    char *text = malloc(n);
    if (!text) {
        s->b->oom = 1;
        return;
    }
    snprintf(text, n, "Chart%s%s", *title ? ": " : "", title);
    put_line(s, text, s->b->bold);
    free(text);
    if (d->alt && *d->alt) put_line(s, d->alt, NULL);
}

static void put_bullet(sheet *s, const char *item)
{
    size_t n = strlen(item ? item : "") + 5;
    char *text = malloc(n);
    if (!text) {
        s->b->oom = 1;
        return;
    }
    snprintf(text, n, "\u2022 %s", item ? item : "");
    put_line(s, text, NULL);
    free(text);
}

/* A section's sheet: its title, then its blocks in order, an empty row
 * before each heading, table and chart and after each table and chart. */
static void put_section(book *b, const dsms_report_section *sec, const char *name)
{
    sheet s = {.b = b};
    if (stopped(b)) return;
    s.ws = workbook_add_worksheet(b->wb, name);
    if (!s.ws) {
        check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    put_line(&s, sec->title, b->title);
    space(&s);
    int after_figure = 0;
    for (size_t i = 0; i < sec->nblocks && !stopped(b); i++) {
        const dsms_report_block *blk = &sec->blocks[i];
        int figure = blk->kind == DSMS_BLOCK_TABLE || blk->kind == DSMS_BLOCK_CHART;
        if (figure || after_figure || blk->kind == DSMS_BLOCK_HEADING) space(&s);
        after_figure = figure;
        switch (blk->kind) {
        case DSMS_BLOCK_HEADING: put_line(&s, blk->text, b->bold); break;
        case DSMS_BLOCK_PARAGRAPH: put_line(&s, blk->text, NULL); break;
        case DSMS_BLOCK_BULLET: put_bullet(&s, blk->text); break;
        case DSMS_BLOCK_NOTE: put_line(&s, blk->text, b->note); break;
        case DSMS_BLOCK_TABLE:
            if (blk->table) put_table(&s, blk->table);
            break;
        case DSMS_BLOCK_CHART:
            if (blk->chart) put_chart(&s, blk->chart);
            break;
        }
    }
    for (size_t j = 0; j < s.nwidth && !stopped(b); j++)
        if (s.width[j] > 0)
            check(b, worksheet_set_column(s.ws, (lxw_col_t)j, (lxw_col_t)j, s.width[j], NULL));
    free(s.width);
}

/* What a section's sheet holds, in a few words: "2 tables, 1 chart". */
static void holds(const dsms_report_section *sec, char *buf, size_t n)
{
    size_t tables = 0, charts = 0;
    for (size_t i = 0; i < sec->nblocks; i++) {
        tables += sec->blocks[i].kind == DSMS_BLOCK_TABLE;
        charts += sec->blocks[i].kind == DSMS_BLOCK_CHART;
    }
    if (!tables && !charts) {
        snprintf(buf, n, "%s", sec->nblocks ? "text" : "its title only");
        return;
    }
    char t[64] = "", c[64] = "";
    if (tables) snprintf(t, sizeof t, "%zu table%s", tables, tables == 1 ? "" : "s");
    if (charts) snprintf(c, sizeof c, "%zu chart%s (as text)", charts, charts == 1 ? "" : "s");
    snprintf(buf, n, "%s%s%s", t, tables && charts ? ", " : "", c);
}

/* A link to a sheet's cell A1, its name quoted ('' for an apostrophe). */
static void put_link(sheet *s, const char *name)
{
    char url[16 + 2 * NAME_BYTES];
    size_t o = (size_t)snprintf(url, sizeof url, "internal:'");
    for (const char *p = name; *p; p++) {
        if (*p == '\'') url[o++] = '\'';
        url[o++] = *p;
    }
    snprintf(url + o, sizeof url - o, "'!A1");
    if (stopped(s->b)) return;
    check(s->b, worksheet_write_url_opt(s->ws, s->row, 0, url, NULL, name, NULL));
}

static void put_contents(book *b, const dsms_report *r, char (*names)[NAME_BYTES])
{
    sheet s = {.b = b};
    if (stopped(b)) return;
    s.ws = workbook_add_worksheet(b->wb, names[0]);
    if (!s.ws) {
        check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    put_line(&s, r->title, b->title);
    if (r->subtitle && *r->subtitle) put_line(&s, r->subtitle, NULL);
    char line[160];
    snprintf(line, sizeof line, "Data as at %s", r->as_at && *r->as_at ? r->as_at : "(not given)");
    put_line(&s, line, NULL);
    put_line(&s, r->public ? "Disclosure control applied: figures from small numbers are "
                             "withheld and shown as *."
                           : dsms_report_restriction(r), NULL);
    space(&s);
    static const char *const head[] = {"Sheet", "Section", "Holds"};
    for (size_t j = 0; j < 3; j++) {
        fit(&s, j, head[j], 1);
        put_text(&s, j, head[j], b->header);
    }
    s.row++;
    /* names: [0] this sheet, [1] the notes, then the sections in order */
    for (size_t i = 0; i <= r->nsections && !stopped(b); i++, s.row++) {
        const dsms_report_section *sec = i < r->nsections ? &r->sections[i] : &r->notes;
        const char *name = names[i < r->nsections ? i + 2 : 1];
        char what[160];
        holds(sec, what, sizeof what);
        fit(&s, 0, name, 0);
        put_link(&s, name);
        fit(&s, 1, sec->title ? sec->title : "", 0);
        put_text(&s, 1, sec->title ? sec->title : "", NULL);
        fit(&s, 2, what, 0);
        put_text(&s, 2, what, NULL);
    }
    for (size_t j = 0; j < s.nwidth && !stopped(b); j++)
        check(b, worksheet_set_column(s.ws, (lxw_col_t)j, (lxw_col_t)j, s.width[j], NULL));
    free(s.width);
}

/* The as-at date ("YYYY-MM-DD", perhaps with "THH:MM[:SS]") as a time, or 0
 * (libxlsxwriter's "now") when it is not one. */
static time_t as_at_time(const char *as_at)
{
    struct tm tm = {0};
    int y, mo, d, h = 0, mi = 0, sec = 0, used = 0;
    if (!as_at || sscanf(as_at, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10)
        return 0;
    if (as_at[10] == 'T' || as_at[10] == ' ')
        if (sscanf(as_at + 11, "%2d:%2d:%2d", &h, &mi, &sec) < 2) h = mi = sec = 0;
    if (y < 1980 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
        mi > 59 || sec < 0 || sec > 60)
        return 0;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    return t == (time_t)-1 ? 0 : t;
}

static void make_formats(book *b)
{
    if ((b->title = new_format(b))) {
        format_set_bold(b->title);
        format_set_font_size(b->title, 14);
    }
    if ((b->bold = new_format(b))) format_set_bold(b->bold);
    if ((b->header = new_format(b))) {
        format_set_bold(b->header);
        format_set_bottom(b->header, LXW_BORDER_THIN);
    }
    if ((b->note = new_format(b))) format_set_italic(b->note);
}

int dsms_report_xlsx(const dsms_report *r, const char *path, dsms_err *err)
{
    if (!r || !path || !*path) {
        dsms_err_set(err, "no report or no path to write it to");
        return -1;
    }
    if (r->oom) {
        dsms_err_set(err, "the report is incomplete (memory ran out while it was built): "
                          "%s not written", path);
        return -1;
    }
    /* libxlsxwriter opens the file only at the end, and then prints its
     * complaint: open it first, to say why it cannot be written. */
    FILE *probe = fopen(path, "wb");
    if (!probe || fclose(probe) != 0) {
        dsms_err_set(err, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }

    size_t nsheets = r->nsections + 2;
    char(*names)[NAME_BYTES] = calloc(nsheets, sizeof *names);
    lxw_workbook *wb = names ? workbook_new(path) : NULL;
    if (!wb) {
        free(names);
        unlink(path);
        dsms_err_set(err, "out of memory writing %s", path);
        return -1;
    }
    unique_name(names, 0, "Contents");
    unique_name(names, 1, r->notes.sheet ? r->notes.sheet : "Notes");
    for (size_t i = 0; i < r->nsections; i++)
        unique_name(names, i + 2, r->sections[i].sheet ? r->sections[i].sheet
                                                        : r->sections[i].title);

    book b = {.wb = wb};
    static char author[] = "dsms";
    lxw_doc_properties props = {
        .title = r->title,
        .subject = r->subtitle && *r->subtitle ? r->subtitle : NULL,
        .author = author,
        .category = r->kind,
        .created = as_at_time(r->as_at),
    };
    if (workbook_set_properties(wb, &props) != LXW_NO_ERROR) {
        /* it has freed the old properties and left the pointer to them,
         * which freeing the workbook would free again */
        wb->properties = NULL;
        check(&b, LXW_ERROR_MEMORY_MALLOC_FAILED);
    }
    make_formats(&b);
    put_contents(&b, r, names);
    for (size_t i = 0; i < r->nsections; i++) put_section(&b, &r->sections[i], names[i + 2]);
    put_section(&b, &r->notes, names[1]);

    int rc = 0;
    if (stopped(&b)) {
        lxw_workbook_free(wb);
        if (b.oom) dsms_err_set(err, "out of memory writing %s", path);
        else dsms_err_set(err, "cannot write %s: %s", path, lxw_strerror(b.failed));
        rc = -1;
    } else {
        lxw_error e = workbook_close(wb);
        if (e != LXW_NO_ERROR) {
            dsms_err_set(err, "cannot write %s: %s", path, lxw_strerror(e));
            rc = -1;
        }
    }
    if (rc != 0) unlink(path); /* no half-written workbook left behind */
    free(b.styles);
    free(names);
    return rc;
}
