/* report_csv.c — a report's tables as one CSV file (dsms/report.h): what a
 * page of the dashboard shows, to download. Each table is a block: a line
 * with its caption, a line of its headings (with their units) and "Key",
 * then its rows as shown (numbers to the places shown, "*" withheld, empty
 * where nothing applies) with each row's key, and an empty line after.
 * Text that a spreadsheet would take for a formula (=, +, @ or a tab
 * first) is written after an apostrophe, so that opening the file runs
 * nothing. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dsms/csv.h"
#include "dsms/report.h"

static void put_text(FILE *f, const char *s)
{
    if (s && strchr("=+@\t\r", s[0]) && s[0]) {
        char buf[1024];
        snprintf(buf, sizeof buf, "'%s", s);
        dsms_csv_put(f, buf);
        return;
    }
    dsms_csv_put(f, s ? s : "");
}

static void put_cell(FILE *f, const dsms_report_cell *c)
{
    char buf[64];
    if (c->kind == DSMS_CELL_NONE) return;
    if (c->kind == DSMS_CELL_TEXT) put_text(f, c->text);
    else dsms_csv_put(f, dsms_report_cell_show(c, buf, sizeof buf));
}

static void put_table(FILE *f, const dsms_report_table *t)
{
    put_text(f, t->caption);
    fputs("\r\n", f);
    for (size_t j = 0; j < t->ncolumns; j++) {
        const dsms_report_column *col = &t->columns[j];
        char head[512];
        if (col->unit && *col->unit)
            snprintf(head, sizeof head, "%s (%s)", col->heading, col->unit);
        else
            snprintf(head, sizeof head, "%s", col->heading);
        put_text(f, head);
        fputs(",", f);
    }
    fputs("Key\r\n", f);
    for (size_t i = 0; i < t->nrows; i++) {
        for (size_t j = 0; j < t->ncolumns; j++) {
            put_cell(f, &t->cells[i * t->ncolumns + j]);
            fputs(",", f);
        }
        put_text(f, t->keys[i] ? t->keys[i] : "");
        fputs("\r\n", f);
    }
    fputs("\r\n", f);
}

static void put_section(FILE *f, const dsms_report_section *s)
{
    for (size_t i = 0; i < s->nblocks; i++)
        if (s->blocks[i].kind == DSMS_BLOCK_TABLE && s->blocks[i].table)
            put_table(f, s->blocks[i].table);
}

int dsms_report_csv(const dsms_report *r, FILE *out, dsms_err *err)
{
    if (r->oom) {
        dsms_err_set(err, "CSV: the report is incomplete (out of memory building it)");
        return -1;
    }
    errno = 0;
    for (size_t i = 0; i < r->nsections; i++) put_section(out, &r->sections[i]);
    put_section(out, &r->notes);
    if (fflush(out) != 0 || ferror(out)) {
        dsms_err_set(err, "CSV: could not write it (%s)", errno ? strerror(errno) : "write error");
        return -1;
    }
    return 0;
}
