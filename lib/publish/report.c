/* report.c — building a report as a document (dsms/report.h): sections of
 * blocks, tables of cells that keep numbers as numbers. A failed allocation
 * marks the report incomplete (r->oom), which every writer refuses, so the
 * builders need not check each call. */
#include "dsms/report.h"

#include <math.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/grow.h"

static char *copy(dsms_report *r, const char *s)
{
    if (!s) return NULL;
    char *c = strdup(s);
    if (!c) r->oom = 1;
    return c;
}

void dsms_report_init(dsms_report *r, const char *kind, const char *title,
                      const char *subtitle, const char *as_at, int public)
{
    memset(r, 0, sizeof *r);
    r->kind = copy(r, kind);
    r->title = copy(r, title);
    r->subtitle = copy(r, subtitle ? subtitle : "");
    r->as_at = copy(r, as_at ? as_at : "");
    r->public = public;
    r->notes.title = copy(r, "Notes");
    r->notes.sheet = copy(r, "Notes");
}

static void table_free(dsms_report_table *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->ncolumns; i++) {
        free(t->columns[i].heading);
        free(t->columns[i].unit);
    }
    for (size_t i = 0; i < t->nrows * t->ncolumns; i++) {
        free(t->cells[i].text);
        free(t->cells[i].href);
    }
    for (size_t i = 0; i < t->nrows; i++) free(t->keys[i]);
    free(t->columns);
    free(t->cells);
    free(t->keys);
    free(t->caption);
    free(t);
}

static void section_free(dsms_report_section *s)
{
    for (size_t i = 0; i < s->nblocks; i++) {
        free(s->blocks[i].text);
        table_free(s->blocks[i].table);
        if (s->blocks[i].chart) dsms_drawing_free(s->blocks[i].chart);
        free(s->blocks[i].chart);
    }
    free(s->blocks);
    free(s->title);
    free(s->sheet);
}

void dsms_report_free(dsms_report *r)
{
    for (size_t i = 0; i < r->nsections; i++) section_free(&r->sections[i]);
    section_free(&r->notes);
    free(r->sections);
    free(r->title);
    free(r->subtitle);
    free(r->as_at);
    free(r->kind);
    memset(r, 0, sizeof *r);
}

dsms_report_section *dsms_report_section_add(dsms_report *r, const char *title,
                                             const char *sheet)
{
    if (dsms_room_for((void **)&r->sections, &r->cap_sections, r->nsections,
                      sizeof *r->sections, 8) != 0) {
        r->oom = 1;
        return NULL;
    }
    dsms_report_section *s = &r->sections[r->nsections++];
    memset(s, 0, sizeof *s);
    s->title = copy(r, title);
    char name[32];
    snprintf(name, sizeof name, "%s", sheet ? sheet : title);
    s->sheet = copy(r, name);
    return s;
}

static dsms_report_block *block_add(dsms_report *r, dsms_report_section *s,
                                    dsms_block_kind kind)
{
    if (!s || dsms_room_for((void **)&s->blocks, &s->cap_blocks, s->nblocks,
                            sizeof *s->blocks, 8) != 0) {
        r->oom = 1;
        return NULL;
    }
    dsms_report_block *b = &s->blocks[s->nblocks++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

void dsms_report_text(dsms_report *r, dsms_report_section *s, dsms_block_kind kind,
                      const char *fmt, ...)
{
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (text) vsnprintf(text, (size_t)n + 1, fmt, again);
    va_end(again);
    if (!text) {
        r->oom = 1;
        return;
    }
    dsms_report_block *b = block_add(r, s, kind);
    if (b) b->text = text;
    else free(text);
}

dsms_report_table *dsms_report_table_add(dsms_report *r, dsms_report_section *s,
                                         const char *caption, size_t n,
                                         const char *const *headings,
                                         const char *const *units)
{
    dsms_report_table *t = calloc(1, sizeof *t);
    dsms_report_column *cols = calloc(n ? n : 1, sizeof *cols);
    dsms_report_block *b = t && cols ? block_add(r, s, DSMS_BLOCK_TABLE) : NULL;
    if (!b) {
        free(t);
        free(cols);
        r->oom = 1;
        return NULL;
    }
    b->table = t;
    t->columns = cols;
    t->ncolumns = n;
    t->caption = copy(r, caption);
    for (size_t i = 0; i < n; i++) {
        cols[i].heading = copy(r, headings[i]);
        cols[i].unit = copy(r, units && units[i] ? units[i] : "");
    }
    return t;
}

dsms_report_cell *dsms_report_row(dsms_report *r, dsms_report_table *t, const char *key)
{
    /* a row of cells is one item of the cells array, beside its key */
    size_t width = (t->ncolumns ? t->ncolumns : 1) * sizeof *t->cells;
    if (dsms_room_for_pair((void **)&t->keys, sizeof *t->keys, (void **)&t->cells, width,
                           &t->cap_rows, t->nrows, 16) != 0) {
        r->oom = 1;
        return NULL;
    }
    dsms_report_cell *row = &t->cells[t->nrows * t->ncolumns];
    for (size_t i = 0; i < t->ncolumns; i++)
        row[i] = (dsms_report_cell){.kind = DSMS_CELL_NONE, .bench = DSMS_BENCH_NONE};
    t->keys[t->nrows++] = copy(r, key);
    return row;
}

void dsms_report_cell_text(dsms_report *r, dsms_report_cell *c, const char *text)
{
    free(c->text);
    c->kind = DSMS_CELL_TEXT;
    c->text = copy(r, text ? text : "");
}

void dsms_report_cell_link(dsms_report *r, dsms_report_cell *c, const char *path)
{
    if (!r->links || !c) return;
    free(c->href);
    c->href = copy(r, path);
}

void dsms_report_cell_number(dsms_report_cell *c, double x, int digits)
{
    if (isnan(x)) {
        c->kind = DSMS_CELL_NONE;
        return;
    }
    c->kind = DSMS_CELL_NUMBER;
    c->number = x;
    c->digits = digits;
}

void dsms_report_chart(dsms_report *r, dsms_report_section *s, dsms_drawing *d)
{
    dsms_drawing *kept = malloc(sizeof *kept);
    dsms_report_block *b = kept ? block_add(r, s, DSMS_BLOCK_CHART) : NULL;
    if (!b) {
        free(kept);
        dsms_drawing_free(d);
        r->oom = 1;
        return;
    }
    *kept = *d;
    memset(d, 0, sizeof *d);
    b->chart = kept;
}

const char *dsms_report_cell_show(const dsms_report_cell *c, char *buf, size_t n)
{
    switch (c->kind) {
    case DSMS_CELL_TEXT: return c->text ? c->text : "";
    case DSMS_CELL_NUMBER: snprintf(buf, n, "%.*f", c->digits, c->number); return buf;
    case DSMS_CELL_SUPPRESSED: return "*";
    case DSMS_CELL_NONE: break;
    }
    return "-";
}
