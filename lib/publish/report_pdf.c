/* report_pdf.c — a report as a PDF (dsms/report.h): A4 portrait pages drawn
 * by cairo in DejaVu Sans. A title page with the contents, then each section
 * from a new page, the notes last (when there are any); every page but the
 * title page has the report's title at the top and its number ("Page 3 of
 * 9", counting the title page as 1, as a PDF reader does) and the as-at date
 * at the foot. The contents' entries link to their pages, and the PDF's
 * outline has an entry a section.
 *
 * The pages are laid out twice by the same code: the first time onto a PDF
 * that goes nowhere, to learn on which page each section starts and how many
 * pages there are; the second time into the file, with those numbers in the
 * contents, the footers and the outline. Nothing the first pass does not know
 * (a page number) changes where anything goes, so both passes break the
 * pages in the same places. Text is measured with cairo's own metrics and
 * wrapped at spaces; a word wider than its line is broken between
 * characters. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart_paint.h"
#include "dsms/grow.h"
#include "dsms/report.h"

/* A4 in points, and the text area within it. */
#define PAGE_W 595.28
#define PAGE_H 841.89
#define LEFT 56.0
#define RIGHT (PAGE_W - 56.0)
#define TEXT_W (RIGHT - LEFT)
#define TOP 68.0
#define BOTTOM (PAGE_H - 64.0)

/* Sizes of text (points) and the height of its lines. */
#define BODY 10.0
#define BODY_LH 14.0
#define NOTE 8.0
#define NOTE_LH 10.5
#define CELL 8.5
#define CELL_LH 11.0
#define PAD_X 4.0 /* a table cell's padding */
#define PAD_Y 2.5
#define MARK 6.5 /* the side of a benchmark's square */
#define MARK_GAP 3.0

#define INK 0.13  /* grey levels: text, */
#define SOFT 0.38 /* notes and the page's furniture, */
#define RULE 0.6  /* rules */

typedef struct {
    size_t start, len;
} span;

typedef struct {
    const dsms_report *r;
    cairo_t *cr;
    int final;         /* the second pass: page numbers are known */
    int page, pages;   /* the page being drawn (1: the title page); how many (final) */
    int *starts;       /* the page each part starts on (sections, then the notes) */
    size_t nparts;
    double y;          /* the top of what is drawn next */
    char *buf;         /* text cut out to draw or to measure */
    size_t cap;
    span *lines;       /* text wrapped: wrap() */
    size_t nlines, cap_lines;
    int oom;
} pdf;

static const char *str(const char *s)
{
    return s ? s : "";
}

/* The parts in order: each section, then the notes when there are any. */
static const dsms_report_section *part(const pdf *p, size_t i)
{
    return i < p->r->nsections ? &p->r->sections[i] : &p->r->notes;
}

/* ---- text ----------------------------------------------------------------------------- */

/* The length of the well-formed UTF-8 character at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0], cp, min;
    size_t k;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) k = 2, cp = c & 0x1F, min = 0x80;
    else if ((c & 0xF0) == 0xE0) k = 3, cp = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) k = 4, cp = c & 0x07, min = 0x10000;
    else return 0;
    if (k > n) return 0;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return k;
}

/* The bytes from s to the next character (a stray byte counts as one). */
static size_t step(const char *s, size_t n)
{
    size_t k = utf8_len((const unsigned char *)s, n);
    return k ? k : 1;
}

/* len bytes of s as a string cairo accepts (p->buf, valid until the next
 * call): a byte that is not UTF-8 becomes "?", a control character a space,
 * since cairo refuses the one and has no glyph for the other. */
static const char *slice(pdf *p, const char *s, size_t len)
{
    char *b = dsms_grow(p->buf, &p->cap, len + 1, 1, 256);
    if (!b) {
        p->oom = 1;
        return "";
    }
    p->buf = b;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t k = utf8_len((const unsigned char *)s + i, len - i);
        if (!k) b[o++] = '?', i++;
        else if (k == 1 && (unsigned char)s[i] < 0x20) b[o++] = ' ', i++;
        else while (k--) b[o++] = s[i++];
    }
    b[o] = 0;
    return b;
}

static void font(pdf *p, double size, int bold)
{
    cairo_select_font_face(p->cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(p->cr, size);
}

static void grey(pdf *p, double g)
{
    cairo_set_source_rgb(p->cr, g, g, g);
}

static void rgb(pdf *p, uint32_t c)
{
    cairo_set_source_rgb(p->cr, ((c >> 16) & 0xFF) / 255.0, ((c >> 8) & 0xFF) / 255.0,
                         (c & 0xFF) / 255.0);
}

/* The width of len bytes of s in the current font. */
static double width(pdf *p, const char *s, size_t len)
{
    cairo_text_extents_t e;
    cairo_text_extents(p->cr, slice(p, s, len), &e);
    return e.x_advance;
}

/* Show len bytes of s with its baseline at y, starting at x or ending at x. */
static void show(pdf *p, double x, double y, const char *s, size_t len, int right)
{
    if (right) x -= width(p, s, len);
    cairo_move_to(p->cr, x, y);
    cairo_show_text(p->cr, slice(p, s, len));
    cairo_new_path(p->cr);
}

/* The baseline of text of this size on a line of height lh whose top is y,
 * the glyphs (DejaVu's ascent 0.93 em, descent 0.24 em) centred in it. */
static double baseline(double y, double lh, double size)
{
    return y + (lh - 1.164 * size) / 2 + 0.928 * size;
}

static void push_line(pdf *p, size_t start, size_t len)
{
    if (dsms_room_for((void **)&p->lines, &p->cap_lines, p->nlines, sizeof *p->lines, 16)) {
        p->oom = 1;
        return;
    }
    p->lines[p->nlines++] = (span){start, len};
}

/* Lines of t[pos, end) (no newline in it) at most w wide in the current font. */
static void wrap_part(pdf *p, const char *t, size_t pos, size_t end, double w)
{
    size_t before = p->nlines;
    for (;;) {
        while (pos < end && t[pos] == ' ') pos++;
        if (pos >= end) break;
        size_t fit = pos; /* the end of the most whole words that fit */
        size_t word = pos; /* the start of the first word that does not fit */
        for (size_t k = pos; k < end;) {
            size_t e = k;
            while (e < end && t[e] != ' ') e++;
            word = k;
            if (width(p, t + pos, e - pos) > w) break;
            fit = e;
            for (k = e; k < end && t[k] == ' '; k++) {}
        }
        size_t e = word;
        while (e < end && t[e] != ' ') e++;
        if (fit < end && (fit == pos || width(p, t + word, e - word) > w)) {
            /* a word wider than a line, broken wherever it falls: as many of its
             * characters as fit on this line (one at least when the line is empty) */
            size_t go = fit == pos ? pos + step(t + pos, end - pos) : word;
            while (go < end && t[go] != ' ') {
                size_t next = go + step(t + go, end - go);
                if (width(p, t + pos, next - pos) > w) break;
                go = next;
            }
            if (go > word) fit = go;
        }
        push_line(p, pos, fit - pos);
        pos = fit;
    }
    if (p->nlines == before) push_line(p, pos, 0); /* an empty line is still a line */
}

/* t wrapped to lines at most w wide in the current font (p->lines; the
 * count is returned); a newline in t starts a new line. */
static size_t wrap(pdf *p, const char *t, double w)
{
    p->nlines = 0;
    size_t n = strlen(t), pos = 0;
    for (;;) {
        size_t end = pos;
        while (end < n && t[end] != '\n') end++;
        wrap_part(p, t, pos, end, w);
        if (end >= n) break;
        pos = end + 1;
    }
    return p->nlines;
}

/* The widest word of t in the current font. */
static double widest_word(pdf *p, const char *t)
{
    double most = 0;
    for (size_t i = 0, n = strlen(t); i < n;) {
        size_t e = i;
        while (e < n && t[e] != ' ' && t[e] != '\n') e++;
        if (e > i) most = fmax(most, width(p, t + i, e - i));
        i = e + 1;
    }
    return most;
}

/* ---- pages ---------------------------------------------------------------------------- */

static void line_across(pdf *p, double x0, double x1, double y, double w, double g)
{
    cairo_set_line_width(p->cr, w);
    grey(p, g);
    cairo_move_to(p->cr, x0, y);
    cairo_line_to(p->cr, x1, y);
    cairo_stroke(p->cr);
}

/* The report's title at the top, cut short with "…" when it is too wide; the
 * as-at date and the page number at the foot. */
static void furniture(pdf *p)
{
    cairo_save(p->cr);
    font(p, NOTE, 0);
    grey(p, SOFT);
    const char *t = str(p->r->title);
    size_t n = strlen(t), keep = n;
    if (width(p, t, n) > TEXT_W) {
        double room = TEXT_W - width(p, "…", strlen("…"));
        for (keep = 0; keep < n;) {
            size_t next = keep + step(t + keep, n - keep);
            if (width(p, t, next) > room) break;
            keep = next;
        }
    }
    show(p, LEFT, 44, t, keep, 0);
    if (keep < n) show(p, LEFT + width(p, t, keep), 44, "…", strlen("…"), 0);
    line_across(p, LEFT, RIGHT, 50, 0.5, RULE);

    line_across(p, LEFT, RIGHT, PAGE_H - 50, 0.5, RULE);
    font(p, NOTE, 0);
    grey(p, SOFT);
    char s[96];
    snprintf(s, sizeof s, "Data as at %s", str(p->r->as_at));
    show(p, LEFT, PAGE_H - 38, s, strlen(s), 0);
    if (p->final) snprintf(s, sizeof s, "Page %d of %d", p->page, p->pages);
    else snprintf(s, sizeof s, "Page %d", p->page);
    show(p, RIGHT, PAGE_H - 38, s, strlen(s), 1);
    cairo_restore(p->cr);
}

static void new_page(pdf *p)
{
    if (p->page) cairo_show_page(p->cr);
    p->page++;
    p->y = TOP;
    if (p->page > 1) furniture(p);
}

/* Room for h more points on this page, or a new page (unless this one is
 * still empty: what does not fit on an empty page goes on it all the same). */
static void need(pdf *p, double h)
{
    if (p->y + h > BOTTOM && p->y > TOP + 0.5) new_page(p);
}

/* t wrapped within [x, x + w], line by line across pages as it needs. */
static void text_block(pdf *p, const char *t, double x, double w, double size, int bold,
                       double lh, double g)
{
    font(p, size, bold);
    size_t n = wrap(p, t, w);
    for (size_t i = 0; i < n; i++) {
        need(p, lh);
        font(p, size, bold);
        grey(p, g);
        show(p, x, baseline(p->y, lh, size), t + p->lines[i].start, p->lines[i].len, 0);
        p->y += lh;
    }
}

/* The height t takes wrapped within w. */
static double text_height(pdf *p, const char *t, double w, double size, int bold, double lh)
{
    font(p, size, bold);
    return (double)wrap(p, t, w) * lh;
}

/* ---- tables --------------------------------------------------------------------------- */

/* A table as drawn: some of its columns (all of them, unless it is too wide
 * for a page and drawn in parts) and what is known of each. */
typedef struct {
    const dsms_report_table *t;
    const size_t *col; /* the table's columns drawn, in order */
    size_t n;
    const char *label; /* the caption, or "" */
    char **heads;   /* each column's heading with its unit: "Value (%)" */
    double *w;      /* each column's width */
    int *right;     /* numbers: right-aligned */
    double *figure; /* the widest of a column's figures, its squares just left of them */
    int *mark;      /* some cell has a benchmark square */
    int used[DSMS_BENCH_SUPPRESSED + 1]; /* the benchmarks shown, for the key */
} table;

static const dsms_report_cell *cell(const dsms_report_table *t, size_t row, size_t col)
{
    return &t->cells[row * t->ncolumns + col];
}

static const dsms_report_cell *at(const table *tb, size_t row, size_t k)
{
    return cell(tb->t, row, tb->col[k]);
}

/* The room a column's text has, inside its padding and beside its square. */
static double inner(const table *tb, size_t j)
{
    return fmax(1, tb->w[j] - 2 * PAD_X - (tb->mark[j] ? MARK + MARK_GAP : 0));
}

/* The widths w of n columns that would each like want[j] and need at least
 * least[j], in the text width: what they like when it fits; else as even
 * as can be, none narrower than its least nor wider than it likes (each
 * min(want, max(least, c)) for the c that fills the width, so that narrow
 * columns are whole and the wide ones share the rest); 1 when even their
 * least does not fit (and then w is their least, scaled). */
static int share(const double *want, const double *least, size_t n, double *w)
{
    double sum_want = 0, sum_least = 0, lo = 0, hi = 0;
    for (size_t j = 0; j < n; j++) sum_want += want[j], sum_least += least[j];
    for (size_t j = 0; j < n; j++) hi = fmax(hi, want[j]);
    if (sum_want <= TEXT_W || sum_least > TEXT_W) {
        for (size_t j = 0; j < n; j++)
            w[j] = sum_want <= TEXT_W ? want[j] : least[j] * TEXT_W / sum_least;
        return sum_least > TEXT_W;
    }
    for (int k = 0; k < 60; k++) {
        double c = (lo + hi) / 2, sum = 0;
        for (size_t j = 0; j < n; j++) sum += fmin(want[j], fmax(least[j], c));
        if (sum > TEXT_W) hi = c;
        else lo = c;
    }
    for (size_t j = 0; j < n; j++) w[j] = fmin(want[j], fmax(least[j], lo));
    return 0;
}

static double row_height(pdf *p, const table *tb, long i);

/* How tall the table would be, its heading row on each page it takes. */
static double table_height(pdf *p, const table *tb)
{
    double rows = 0, head = row_height(p, tb, -1);
    for (size_t i = 0; i < tb->t->nrows; i++) rows += row_height(p, tb, (long)i);
    return rows + head * ceil(rows / fmax(1, BOTTOM - TOP - 40 - head));
}

/* Each column as wide as its widest content when the table fits the text
 * width. Else narrower, in one of two ways, whichever makes the table the
 * shorter (the first when they are even): the columns of figures whole and
 * those of text wrapped; or the headings of the columns of figures wrapped
 * too, those columns as wide as their widest figure or word of heading, and
 * the columns of text then wrapped only as they need. Columns of text are
 * wrapped as evenly as can be, to their widest word at least (at most 40% of
 * the width), or when that is not enough to 72 points, their longest words
 * broken. A number is never broken. */
/* Measure tb's columns into m (6 arrays of tb->n): what each would like;
 * the least each may have: the figures' narrowed, then the text's, then the
 * text's further, then the text's with the figures whole, then further. */
static void measure(pdf *p, table *tb, double *m)
{
    const dsms_report_table *t = tb->t;
    size_t n = tb->n;
    double *want = m, *narrow = m + n, *text = m + 2 * n, *broken = m + 3 * n,
           *whole = m + 4 * n, *whole_broken = m + 5 * n;
    char buf[128];
    for (size_t j = 0; j < n; j++) {
        font(p, CELL, 1);
        want[j] = width(p, tb->heads[j], strlen(tb->heads[j]));
        double word = widest_word(p, tb->heads[j]), number = 0;
        font(p, CELL, 0);
        int texts = 0, numbers = 0;
        for (size_t i = 0; i < t->nrows; i++) {
            const dsms_report_cell *c = at(tb, i, j);
            const char *s = dsms_report_cell_show(c, buf, sizeof buf);
            double cw = width(p, s, strlen(s));
            want[j] = fmax(want[j], cw);
            if (c->kind == DSMS_CELL_TEXT) word = fmax(word, widest_word(p, s));
            else number = fmax(number, cw);
            texts |= c->kind == DSMS_CELL_TEXT;
            numbers |= c->kind == DSMS_CELL_NUMBER;
            if (c->bench != DSMS_BENCH_NONE && c->bench <= DSMS_BENCH_SUPPRESSED) {
                tb->mark[j] = 1;
                tb->used[c->bench] = 1;
            }
        }
        tb->right[j] = numbers && !texts;
        tb->figure[j] = number;
        double pad = 2 * PAD_X + (tb->mark[j] ? MARK + MARK_GAP : 0);
        want[j] += pad;
        double some = fmax(number, fmin(word, 0.4 * TEXT_W)) + pad;
        narrow[j] = tb->right[j] ? fmax(number, word) + pad : want[j];
        text[j] = tb->right[j] ? narrow[j] : some;
        broken[j] = tb->right[j] ? narrow[j] : fmin(some, fmax(number, 72) + pad);
        whole[j] = tb->right[j] ? want[j] : text[j];
        whole_broken[j] = tb->right[j] ? want[j] : broken[j];
    }
}

static void size_columns(pdf *p, table *tb)
{
    size_t n = tb->n;
    double *want = calloc(7 * n, sizeof *want);
    if (!want) {
        p->oom = 1;
        for (size_t j = 0; j < n; j++) tb->w[j] = TEXT_W / (double)n;
        return;
    }
    double *narrow = want + n, *text = want + 2 * n, *broken = want + 3 * n,
           *whole = want + 4 * n, *whole_broken = want + 5 * n, *w = want + 6 * n;
    measure(p, tb, want);
    /* the figures whole, if they can be; the widths that gives in w */
    int figures_whole = !share(want, whole, n, w) || !share(want, whole_broken, n, w);
    /* the figures' columns narrowed, and widened again with any room left; or
     * else the text's columns narrowed too, the figures' as narrow as they go */
    if (share(want, narrow, n, tb->w)) {
        memcpy(want, narrow, n * sizeof *want);
        if (share(want, text, n, tb->w)) share(want, broken, n, tb->w);
    }
    if (figures_whole) {
        double h = table_height(p, tb);
        double *other = calloc(n, sizeof *other);
        if (other) {
            memcpy(other, tb->w, n * sizeof *other);
            memcpy(tb->w, w, n * sizeof *w);
            if (table_height(p, tb) > h) memcpy(tb->w, other, n * sizeof *other);
        } else p->oom = 1;
        free(other);
    }
    free(want);
}

static double table_width(const table *tb)
{
    double w = 0;
    for (size_t j = 0; j < tb->n; j++) w += tb->w[j];
    return w;
}

/* The height of the heading row, or of row i. */
static double row_height(pdf *p, const table *tb, long i)
{
    size_t most = 1;
    char buf[128];
    font(p, CELL, i < 0);
    for (size_t j = 0; j < tb->n; j++) {
        const char *s = i < 0 ? tb->heads[j]
                              : dsms_report_cell_show(at(tb, (size_t)i, j), buf, sizeof buf);
        size_t n = wrap(p, s, inner(tb, j));
        if (n > most) most = n;
    }
    return (double)most * CELL_LH + 2 * PAD_Y;
}

static void square(pdf *p, double x, double y, dsms_bench b)
{
    uint32_t c = dsms_bench_colour(b);
    cairo_rectangle(p->cr, x, y, MARK, MARK);
    if (c == DSMS_NONE) cairo_set_source_rgb(p->cr, 1, 1, 1);
    else rgb(p, c);
    cairo_fill_preserve(p->cr);
    cairo_set_line_width(p->cr, 0.5);
    grey(p, 0.25);
    cairo_stroke(p->cr);
}

/* The heading row (i < 0: bold, on a grey ground, its text at the foot of
 * the row) or row i (its figures at the top, every other row shaded). */
static void draw_row(pdf *p, const table *tb, long i, double h)
{
    double x = LEFT, tw = table_width(tb);
    if (i < 0 || i % 2) {
        cairo_rectangle(p->cr, LEFT, p->y, tw, h);
        grey(p, i < 0 ? 0.89 : 0.955);
        cairo_fill(p->cr);
    }
    char buf[128];
    for (size_t j = 0; j < tb->n; j++) {
        const dsms_report_cell *c = i < 0 ? NULL : at(tb, (size_t)i, j);
        const char *s = c ? dsms_report_cell_show(c, buf, sizeof buf) : tb->heads[j];
        font(p, CELL, !c);
        size_t n = wrap(p, s, inner(tb, j));
        double top = p->y + PAD_Y + (c ? 0 : h - 2 * PAD_Y - (double)n * CELL_LH);
        double left = x + PAD_X + (tb->mark[j] ? MARK + MARK_GAP : 0);
        if (c && c->bench != DSMS_BENCH_NONE && c->bench <= DSMS_BENCH_SUPPRESSED) {
            double at = tb->right[j] ? x + tb->w[j] - PAD_X - tb->figure[j] - MARK_GAP - MARK
                                     : x + PAD_X;
            square(p, fmax(at, x + PAD_X), top + (CELL_LH - MARK) / 2, c->bench);
        }
        grey(p, INK);
        for (size_t k = 0; k < n; k++) {
            span l = p->lines[k];
            double base = baseline(top + (double)k * CELL_LH, CELL_LH, CELL);
            if (tb->right[j]) show(p, x + tb->w[j] - PAD_X, base, s + l.start, l.len, 1);
            else show(p, left, base, s + l.start, l.len, 0);
        }
        x += tb->w[j];
    }
    if (i < 0) line_across(p, LEFT, LEFT + tw, p->y + h, 0.8, 0.3);
    p->y += h;
}

/* What each benchmark square means, in a line (or more) under the table,
 * drawn (draw set) or only measured: its height. */
static double bench_key(pdf *p, const table *tb, int draw)
{
    double x = LEFT, lh = NOTE_LH + 1, h = 0, y = p->y;
    for (int b = DSMS_BENCH_BETTER; b <= DSMS_BENCH_SUPPRESSED; b++) {
        if (!tb->used[b]) continue;
        const char *label = dsms_bench_label((dsms_bench)b);
        font(p, NOTE, 0);
        double w = MARK + MARK_GAP + width(p, label, strlen(label));
        if (h == 0 || x + w > RIGHT) {
            y += h > 0 ? lh : 0;
            h += lh;
            x = LEFT;
        }
        if (draw) {
            font(p, NOTE, 0);
            square(p, x, y + (lh - MARK) / 2, (dsms_bench)b);
            grey(p, SOFT);
            show(p, x + MARK + MARK_GAP, baseline(y, lh, NOTE), label, strlen(label), 0);
        }
        x += w + 12;
    }
    if (draw) p->y += h;
    return h;
}

static void caption(pdf *p, const table *tb, int continued)
{
    if (!continued) {
        text_block(p, tb->label, LEFT, TEXT_W, 9.5, 1, 13, INK);
        p->y += 3;
        return;
    }
    char *s = malloc(strlen(tb->label) + 16);
    if (!s) {
        p->oom = 1;
        return;
    }
    sprintf(s, "%s (continued)", tb->label);
    text_block(p, s, LEFT, TEXT_W, NOTE, 0, NOTE_LH, SOFT);
    free(s);
    p->y += 2;
}

static void table_close(table *tb)
{
    for (size_t j = 0; tb->heads && j < tb->n; j++) free(tb->heads[j]);
    free(tb->heads), free(tb->w), free(tb->right), free(tb->mark), free(tb->figure);
}

/* tb made ready to draw n of t's columns (col), with label for its caption:
 * 0, or -1 when out of memory (then closed). */
static int table_open(pdf *p, table *tb, const dsms_report_table *t, const size_t *col,
                      size_t n, const char *label)
{
    *tb = (table){.t = t, .col = col, .n = n, .label = label};
    tb->heads = calloc(n, sizeof *tb->heads);
    tb->w = calloc(n, sizeof *tb->w);
    tb->right = calloc(n, sizeof *tb->right);
    tb->mark = calloc(n, sizeof *tb->mark);
    tb->figure = calloc(n, sizeof *tb->figure);
    int ok = tb->heads && tb->w && tb->right && tb->mark && tb->figure;
    for (size_t j = 0; ok && j < n; j++) {
        const char *h = str(t->columns[col[j]].heading), *u = str(t->columns[col[j]].unit);
        ok = (tb->heads[j] = malloc(strlen(h) + strlen(u) + 4)) != NULL;
        if (ok && *u) sprintf(tb->heads[j], "%s (%s)", h, u);
        else if (ok) strcpy(tb->heads[j], h);
    }
    if (ok) return 0;
    p->oom = 1;
    table_close(tb);
    return -1;
}

/* n of a table's columns (col): the caption (label), the heading row, and
 * the rows, the heading row again at the top of each page it runs on to. */
static void draw_part(pdf *p, const dsms_report_table *t, const size_t *col, size_t n,
                      const char *label)
{
    table tb;
    if (table_open(p, &tb, t, col, n, label)) return;
    size_columns(p, &tb);

    /* the caption and the heading row are kept with the first rows, and the
     * last rows with the key to the squares under them: no row alone on a page */
    enum { KEEP = 3 };
    double head = row_height(p, &tb, -1), first = 0;
    for (size_t i = 0; i < t->nrows && i < KEEP; i++) first += row_height(p, &tb, (long)i);
    double cap = *label ? text_height(p, label, TEXT_W, 9.5, 1, 13) + 3 : 0;
    double key = bench_key(p, &tb, 0), foot = 4 + key;
    need(p, cap + head + first + (t->nrows <= KEEP ? foot : 0));
    if (cap > 0) caption(p, &tb, 0);
    draw_row(p, &tb, -1, head);
    size_t tail = t->nrows > KEEP ? t->nrows - KEEP : 0;
    for (size_t i = 0; i < t->nrows; i++) {
        double h = row_height(p, &tb, (long)i), room = h;
        if (i == tail && i > 0) {
            room = foot;
            for (size_t k = i; k < t->nrows; k++) room += row_height(p, &tb, (long)k);
        }
        if (p->y + room > BOTTOM) {
            new_page(p);
            if (cap > 0) caption(p, &tb, 1);
            draw_row(p, &tb, -1, head);
        }
        draw_row(p, &tb, (long)i, h);
    }
    line_across(p, LEFT, LEFT + table_width(&tb), p->y, 0.8, 0.3);
    p->y += 4;
    need(p, key);
    bench_key(p, &tb, 1);
    p->y += 8;
    table_close(&tb);
}

/* The end of the part of a table too wide for a page that starts at column
 * start: as many columns as fit beside the first (of width first; 0 when
 * it is not repeated), at most most of them, one at least. */
static size_t part_end(const double *least, size_t n, double first, size_t start, size_t most)
{
    size_t end = start;
    double w = first;
    while (end < n && (end == start || (w + least[end] <= TEXT_W && end - start < most)))
        w += least[end++];
    return end;
}

/* A table, whole when its columns fit the text width with no figure broken;
 * else in parts, one under the other, of as many columns each as fit (and
 * as even in number as can be), the first column, the rows' names when it
 * is text, in every part and kept whole when it is not too wide. */
static void draw_table(pdf *p, const dsms_report_table *t)
{
    size_t n = t->ncolumns;
    if (!n) return;
    size_t *col = malloc(n * sizeof *col);
    double *m = calloc(6 * n, sizeof *m);
    table all;
    if (!col || !m) {
        p->oom = 1;
        free(col), free(m);
        return;
    }
    for (size_t j = 0; j < n; j++) col[j] = j;
    if (table_open(p, &all, t, col, n, str(t->caption))) {
        free(col), free(m);
        return;
    }
    measure(p, &all, m);
    const double *least = m + 3 * n; /* figures whole, text broken */
    double sum = 0;
    for (size_t j = 0; j < n; j++) sum += least[j];
    size_t stub = n > 1 && !all.right[0];
    if (sum <= TEXT_W || n - stub < 2) {
        draw_part(p, t, col, n, str(t->caption));
    } else {
        double first = stub ? fmax(least[0], fmin(m[0], 0.3 * TEXT_W)) : 0;
        /* how many parts as many columns as fit make; then no more columns a
         * part than an even share of them, which may take a part more */
        size_t parts = 0, most = n;
        for (size_t start = stub; start < n; parts++)
            start = part_end(least, n, first, start, most);
        most = (n - stub + parts - 1) / parts;
        parts = 0;
        for (size_t start = stub; start < n; parts++)
            start = part_end(least, n, first, start, most);
        char *label = malloc(strlen(str(t->caption)) + 64);
        if (!label) p->oom = 1;
        for (size_t start = stub, nth = 1; label && start < n; nth++) {
            size_t end = part_end(least, n, first, start, most), k = 0;
            if (stub) col[k++] = 0;
            for (size_t j = start; j < end; j++) col[k++] = j;
            sprintf(label, "%s%s(part %zu of %zu)", str(t->caption), *str(t->caption) ? " " : "",
                    nth, parts);
            draw_part(p, t, col, k, label);
            start = end;
        }
        free(label);
    }
    table_close(&all);
    free(col), free(m);
}

/* ---- blocks and sections -------------------------------------------------------------- */

/* A chart as wide as the text at most (and no taller than a page), kept whole
 * on one page with the first line of its text alternative; the rest of that
 * text under it in small print. */
static void draw_chart(pdf *p, const dsms_drawing *d)
{
    if (!(d->width > 0 && d->height > 0)) return;
    double alt = d->alt && *d->alt ? NOTE_LH + 4 : 0;
    double scale = fmin(1, TEXT_W / d->width);
    scale = fmin(scale, (BOTTOM - TOP - alt) / d->height);
    double w = d->width * scale, h = d->height * scale;
    need(p, h + alt);
    cairo_save(p->cr);
    cairo_translate(p->cr, LEFT + (TEXT_W - w) / 2, p->y);
    cairo_scale(p->cr, scale, scale);
    dsms_chart_paint(p->cr, d);
    cairo_restore(p->cr);
    p->y += h + 4;
    if (alt > 0) text_block(p, d->alt, LEFT, TEXT_W, NOTE, 0, NOTE_LH, SOFT);
    p->y += 8;
}

static void draw_block(pdf *p, const dsms_report_block *b, const dsms_report_block *next)
{
    const char *t = str(b->text);
    switch (b->kind) {
    case DSMS_BLOCK_HEADING:
        if (p->y > TOP + 0.5) p->y += 6;
        /* a heading is not left alone at the foot of a page */
        need(p, text_height(p, t, TEXT_W, 12, 1, 16) + 3 * BODY_LH);
        text_block(p, t, LEFT, TEXT_W, 12, 1, 16, INK);
        p->y += 3;
        break;
    case DSMS_BLOCK_PARAGRAPH:
        text_block(p, t, LEFT, TEXT_W, BODY, 0, BODY_LH, INK);
        p->y += 6;
        break;
    case DSMS_BLOCK_BULLET: {
        need(p, BODY_LH);
        font(p, BODY, 0);
        grey(p, INK);
        show(p, LEFT + 5, baseline(p->y, BODY_LH, BODY), "•", strlen("•"), 0);
        text_block(p, t, LEFT + 16, TEXT_W - 16, BODY, 0, BODY_LH, INK);
        p->y += next && next->kind == DSMS_BLOCK_BULLET ? 2 : 6;
        break;
    }
    case DSMS_BLOCK_NOTE:
        text_block(p, t, LEFT, TEXT_W, NOTE, 0, NOTE_LH, SOFT);
        p->y += 4;
        break;
    case DSMS_BLOCK_TABLE:
        if (b->table) draw_table(p, b->table);
        break;
    case DSMS_BLOCK_CHART:
        if (b->chart) draw_chart(p, b->chart);
        break;
    }
}

static void draw_section(pdf *p, size_t index)
{
    const dsms_report_section *s = part(p, index);
    new_page(p);
    p->starts[index] = p->page;
    text_block(p, str(s->title), LEFT, TEXT_W, 17, 1, 22, INK);
    p->y += 3;
    line_across(p, LEFT, RIGHT, p->y, 0.8, 0.3);
    p->y += 12;
    if (!s->nblocks)
        text_block(p, "Nothing to show in this section.", LEFT, TEXT_W, BODY, 0, BODY_LH, SOFT);
    for (size_t i = 0; i < s->nblocks; i++)
        draw_block(p, &s->blocks[i], i + 1 < s->nblocks ? &s->blocks[i + 1] : NULL);
}

/* The title page: the report's title, subtitle, date and whether its figures
 * are disclosure-controlled; then the contents, each part's title with the
 * page it starts on (a link to it), dotted out to the number. */
static void title_page(pdf *p)
{
    const dsms_report *r = p->r;
    p->y = 150;
    text_block(p, str(r->title), LEFT, TEXT_W, 24, 1, 30, INK);
    p->y += 6;
    if (r->subtitle && *r->subtitle) text_block(p, r->subtitle, LEFT, TEXT_W, 14, 0, 19, 0.25);
    p->y += 14;
    char *s = malloc(strlen(str(r->as_at)) + 16);
    if (s) {
        sprintf(s, "Data as at %s", str(r->as_at));
        text_block(p, s, LEFT, TEXT_W, 11, 0, 15, INK);
        free(s);
    } else p->oom = 1;
    if (r->public) {
        text_block(p, "Disclosure control applied", LEFT, TEXT_W, 10, 0, 14, 0.25);
    } else {
        /* in dark red, so that a restricted report is not mistaken for a public one */
        const char *w = dsms_report_restriction(r);
        font(p, 10, 1);
        size_t n = wrap(p, w, TEXT_W);
        for (size_t i = 0; i < n; i++) {
            need(p, 14);
            font(p, 10, 1);
            cairo_set_source_rgb(p->cr, 0.6, 0.05, 0.05);
            show(p, LEFT, baseline(p->y, 14, 10), w + p->lines[i].start, p->lines[i].len, 0);
            p->y += 14;
        }
    }
    p->y += 36;
    need(p, 24 + 17);
    text_block(p, "Contents", LEFT, TEXT_W, 14, 1, 20, INK);
    line_across(p, LEFT, RIGHT, p->y + 2, 0.5, RULE);
    p->y += 10;
    if (!p->nparts) text_block(p, "This report has no sections.", LEFT, TEXT_W, 10.5, 0, 17,
                               SOFT);
    for (size_t i = 0; i < p->nparts; i++) {
        const char *t = str(part(p, i)->title);
        char num[24];
        snprintf(num, sizeof num, "%d", p->final ? p->starts[i] : 0);
        font(p, 10.5, 0);
        size_t n = wrap(p, t, TEXT_W - 48);
        need(p, (double)n * 17);
        char link[40];
        snprintf(link, sizeof link, "page=%d pos=[0 0]", p->starts[i]);
        if (p->final) cairo_tag_begin(p->cr, CAIRO_TAG_LINK, link);
        double end = LEFT;
        for (size_t k = 0; k < n; k++) {
            font(p, 10.5, 0);
            grey(p, INK);
            double base = baseline(p->y, 17, 10.5);
            show(p, LEFT, base, t + p->lines[k].start, p->lines[k].len, 0);
            end = LEFT + width(p, t + p->lines[k].start, p->lines[k].len);
            if (k + 1 < n) p->y += 17;
        }
        double base = baseline(p->y, 17, 10.5);
        double start = RIGHT - width(p, num, strlen(num)) - 6;
        if (end + 6 < start) {
            static const double dots[] = {0.01, 3.5};
            cairo_save(p->cr);
            cairo_set_dash(p->cr, dots, 2, 0);
            cairo_set_line_cap(p->cr, CAIRO_LINE_CAP_ROUND);
            line_across(p, end + 6, start, base, 0.9, 0.55);
            cairo_restore(p->cr);
        }
        grey(p, INK);
        show(p, RIGHT, base, num, strlen(num), 1);
        if (p->final) cairo_tag_end(p->cr, CAIRO_TAG_LINK);
        p->y += 17;
    }
}

/* The whole document onto cr, once. */
static void render(pdf *p)
{
    p->page = 0;
    new_page(p);
    title_page(p);
    for (size_t i = 0; i < p->nparts; i++) draw_section(p, i);
    cairo_show_page(p->cr);
}

/* ---- writing -------------------------------------------------------------------------- */

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int length)
{
    return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS
                                                      : CAIRO_STATUS_WRITE_ERROR;
}

/* One pass onto sf (then finished): cairo's status. */
static cairo_status_t pass(pdf *p, cairo_surface_t *sf)
{
    p->cr = cairo_create(sf);
    render(p);
    cairo_status_t st = cairo_status(p->cr);
    cairo_destroy(p->cr);
    p->cr = NULL;
    cairo_surface_finish(sf);
    if (!st) st = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
    return st;
}

int dsms_report_pdf(const dsms_report *r, FILE *out, dsms_err *err)
{
    if (r->oom) {
        dsms_err_set(err, "the report is incomplete (memory ran out while it was built): "
                          "no PDF written");
        return -1;
    }
    pdf p = {.r = r, .nparts = r->nsections + (r->notes.nblocks > 0)};
    p.starts = calloc(p.nparts + 1, sizeof *p.starts);
    if (!p.starts) {
        dsms_err_set(err, "out of memory writing the report's PDF");
        return -1;
    }
    /* the first pass, onto a PDF that goes nowhere: where each part starts */
    cairo_status_t st = pass(&p, cairo_pdf_surface_create_for_stream(NULL, NULL, PAGE_W, PAGE_H));
    if (!st && !p.oom) {
        p.pages = p.page;
        p.final = 1;
        cairo_surface_t *sf = cairo_pdf_surface_create_for_stream(write_out, out, PAGE_W, PAGE_H);
        /* cairo copies what it is given; slice() makes it text cairo accepts */
        const char *t = str(r->title), *sub = str(r->subtitle);
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, slice(&p, t, strlen(t)));
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_SUBJECT,
                                       slice(&p, sub, strlen(sub)));
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "dsms");
        char link[40];
        for (size_t i = 0; i < p.nparts; i++) {
            snprintf(link, sizeof link, "page=%d pos=[0 0]", p.starts[i]);
            const char *name = str(part(&p, i)->title);
            cairo_pdf_surface_add_outline(sf, CAIRO_PDF_OUTLINE_ROOT, slice(&p, name, strlen(name)),
                                          link, 0);
        }
        st = pass(&p, sf);
    }
    if (!st && fflush(out) != 0) st = CAIRO_STATUS_WRITE_ERROR;
    free(p.starts);
    free(p.buf);
    free(p.lines);
    if (p.oom) {
        dsms_err_set(err, "out of memory writing the report's PDF");
        return -1;
    }
    if (st) {
        dsms_err_set(err, "cannot write the report's PDF: %s", cairo_status_to_string(st));
        return -1;
    }
    return 0;
}
