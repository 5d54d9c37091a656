/* dsms/report.h — a report as a document: sections of headings, paragraphs,
 * lists, tables and charts, built once from the store (report_*.c) and
 * written in three formats by three back ends: one self-contained HTML file,
 * a paginated PDF drawn by cairo, and an XLSX workbook (docs/reports.md).
 *
 * A table's numbers stay numbers: each cell holds its value, the decimal
 * places it is shown to and whether disclosure control withheld it, so the
 * spreadsheet gets numbers, not text, and every format shows the same
 * figure rounded the same way as `dsms measures` shows it. */
#ifndef DSMS_REPORT_H
#define DSMS_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "dsms/chart.h"
#include "dsms/diag.h"
#include "dsms/policy.h"
#include "dsms/refdata.h"
#include "dsms/store.h"

/* ---- the document ------------------------------------------------------------------- */

typedef enum {
    DSMS_CELL_TEXT,       /* text */
    DSMS_CELL_NUMBER,     /* a number, shown to `digits` decimal places */
    DSMS_CELL_SUPPRESSED, /* withheld by disclosure control: shown as "*" */
    DSMS_CELL_NONE        /* does not apply: shown as "-" (an empty cell in XLSX) */
} dsms_cell_kind;

typedef struct {
    dsms_cell_kind kind;
    char *text;      /* DSMS_CELL_TEXT (owned) */
    double number;   /* DSMS_CELL_NUMBER */
    int digits;      /* decimal places shown */
    dsms_bench bench; /* a benchmark colour for the cell, or DSMS_BENCH_NONE */
    char *href;       /* a link within the dashboard ("/measure/x"), owned, or NULL: the
                         HTML of a page writes it; files, which stand alone, do not */
} dsms_report_cell;

/* A column: its heading and the unit its numbers are in ("" for none). */
typedef struct {
    char *heading, *unit;
} dsms_report_column;

/* A table: columns, then rows of exactly ncolumns cells each, row-major.
 * Each row may carry a key ("measure|area|period|breakdown|category" for a
 * row of results, NULL otherwise) that HTML writes as data-key and XLSX as
 * a last column, so that every figure can be traced to `dsms measures`. */
typedef struct {
    char *caption;
    dsms_report_column *columns;
    size_t ncolumns;
    dsms_report_cell *cells;
    char **keys;
    size_t nrows, cap_rows;
} dsms_report_table;

typedef enum {
    DSMS_BLOCK_HEADING,   /* a subheading within a section */
    DSMS_BLOCK_PARAGRAPH, /* text */
    DSMS_BLOCK_BULLET,    /* one item of a list (consecutive bullets make one list) */
    DSMS_BLOCK_TABLE,
    DSMS_BLOCK_CHART,     /* a laid-out chart, with its title and text alternative */
    DSMS_BLOCK_NOTE       /* small print: a table's or chart's notes, a source */
} dsms_block_kind;

typedef struct {
    dsms_block_kind kind;
    char *text;               /* HEADING, PARAGRAPH, BULLET, NOTE (owned) */
    dsms_report_table *table; /* TABLE (owned) */
    dsms_drawing *chart;      /* CHART (owned) */
} dsms_report_block;

/* A section: its title, a short name for a spreadsheet's sheet (at most 31
 * characters) and its blocks in order. */
typedef struct {
    char *title, *sheet;
    char anchor[24]; /* its id in a page ("compare"), or "" for "section-N" */
    dsms_report_block *blocks;
    size_t nblocks, cap_blocks;
} dsms_report_section;

/* The report: its title and subtitle (the place and the period), when the
 * data it was drawn from were computed and reach ("as at"), whether
 * disclosure control was applied, its sections and its notes (definitions,
 * sources, disclosure control: a notes sheet in XLSX, the last section in
 * HTML and PDF). All text is owned and UTF-8. */
typedef struct {
    char *title, *subtitle, *as_at, *kind;
    int public;
    int links; /* cells link to the dashboard's pages (a page, not a file) */
    dsms_report_section *sections;
    size_t nsections, cap_sections;
    dsms_report_section notes;
    int oom; /* something could not be added: the report is incomplete */
} dsms_report;

/* Building (each records failure to allocate in r->oom, which the writers
 * refuse; text arguments are copied; fmt is printf's). */
void dsms_report_init(dsms_report *r, const char *kind, const char *title,
                      const char *subtitle, const char *as_at, int public);
void dsms_report_free(dsms_report *r);
/* A new section at the end (NULL when out of memory). */
dsms_report_section *dsms_report_section_add(dsms_report *r, const char *title,
                                             const char *sheet);
void dsms_report_text(dsms_report *r, dsms_report_section *s, dsms_block_kind kind,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A new table in s with n columns (headings and units copied; units may be
 * NULL), or NULL when out of memory. */
dsms_report_table *dsms_report_table_add(dsms_report *r, dsms_report_section *s,
                                         const char *caption, size_t n,
                                         const char *const *headings,
                                         const char *const *units);
/* A new row; key may be NULL. Returns the row's cells (ncolumns of them,
 * each DSMS_CELL_NONE) or NULL when out of memory. */
dsms_report_cell *dsms_report_row(dsms_report *r, dsms_report_table *t, const char *key);
void dsms_report_cell_text(dsms_report *r, dsms_report_cell *c, const char *text);
void dsms_report_cell_number(dsms_report_cell *c, double x, int digits);
/* Link the cell to a page of the dashboard (path, copied), when r->links. */
void dsms_report_cell_link(dsms_report *r, dsms_report_cell *c, const char *path);
/* The chart d is moved into the report (d is left empty). */
void dsms_report_chart(dsms_report *r, dsms_report_section *s, dsms_drawing *d);

/* A cell as it is shown: "*", "-", its text, or its number to its digits
 * (buf of n bytes). Cannot fail. */
const char *dsms_report_cell_show(const dsms_report_cell *c, char *buf, size_t n);

/* The definition of the measure id as docs/measures.md gives it: fn is
 * called with each heading of its table ("numerator", "denominator", ...)
 * and the measure's text under it. 1, or 0 when the document defines no
 * such measure (definitions.c). */
int dsms_measure_definition(const char *id,
                            void (*fn)(void *ctx, const char *heading, const char *text),
                            void *ctx);

/* ---- building it from the store (report_build.c) ---- */

typedef enum {
    DSMS_REPORT_NATIONAL,    /* England: the annual report on the national framework */
    DSMS_REPORT_AREA,        /* a local area's annual report and profile */
    DSMS_REPORT_PARTNERSHIP, /* a partnership's areas */
    DSMS_REPORT_PROVIDER,    /* a provider's submissions and figures (restricted) */
    DSMS_REPORT_REVIEW,      /* the annual review of the commitments, strand by strand */
    DSMS_REPORT_MEASURE,     /* one measure across England's areas, regions and years */
    DSMS_REPORT_DEFINITIONS, /* every measure's definition */
    DSMS_REPORT_FRAMEWORK    /* the national framework's status, with its trajectories */
} dsms_report_kind;

/* The kind named ("national", "area", ...): 0 and *kind set, or -1. */
int dsms_report_kind_named(const char *name, dsms_report_kind *kind);

typedef struct {
    dsms_report_kind kind;
    const char *code;        /* the area's, partnership's or provider's code */
    const char *framework;   /* the national framework's id; NULL: "national-2021" */
    const char *commitments; /* the register a review reads (a file) */
    int links;               /* for a page of the dashboard: cells link to its pages */
} dsms_report_request;

/* What reports are built from: the store's results for one financial year,
 * read once, so that many reports can be built from one reading. period:
 * NULL for the latest complete year. public: figures as `dsms measures
 * --public` gives them. NULL with err set when the store has no results,
 * or none for period; st and ref must outlive it. */
typedef struct dsms_report_source dsms_report_source;
dsms_report_source *dsms_report_source_open(dsms_store *st, const dsms_refdata *ref,
                                            const char *period, int public, dsms_err *err);
/* The same, shown to viewer: the public (as public), the national role (every
 * figure), or an area or provider account: its own places or organisations
 * unsuppressed and the rest as the public sees them, row for row as the API
 * shows them to it (policy.h). */
dsms_report_source *dsms_report_source_open_as(dsms_store *st, const dsms_refdata *ref,
                                               const char *period, const dsms_principal *viewer,
                                               dsms_err *err);
/* The public's source (opened for the public, kept) as viewer, an area's or
 * a provider's account, sees it: the same rows as dsms_report_source_open_as
 * would give it, made from the public's with only the viewer's own places
 * and organisations read again (through st), so that an account's page
 * does not wait for every result to be read. NULL with err set. */
dsms_report_source *dsms_report_source_for(const dsms_report_source *public_src, dsms_store *st,
                                           const dsms_principal *viewer, dsms_err *err);
void dsms_report_source_close(dsms_report_source *src);
/* The financial year the source's reports are for ("2025-26"). */
const char *dsms_report_source_period(const dsms_report_source *src);

/* Build the report q asks for into r (initialised here; the caller frees
 * it, whatever is returned). 0, or -1 with err set: an unknown area,
 * partnership or provider, a framework that is not loaded, a register that
 * does not read, a provider's report asked for in public. */
int dsms_report_build(dsms_report_source *src, const dsms_report_request *q, dsms_report *r,
                      dsms_err *err);
/* The same, reading what is not in the source (breakdowns, statuses,
 * submissions) through st, a handle on the same store: many threads may
 * build from one source at once, each with its own handle. */
int dsms_report_build_on(const dsms_report_source *src, dsms_store *st,
                         const dsms_report_request *q, dsms_report *r, dsms_err *err);
/* The source's i-th financial year, oldest first; NULL past the last. */
const char *dsms_report_source_year(const dsms_report_source *src, size_t i);

/* ---- writing it ---------------------------------------------------------------------- */

/* One HTML file, self-contained (styles inline, charts as inline SVG, no
 * script, nothing fetched), that prints well. 0, or -1 with err set. */
int dsms_report_html(const dsms_report *r, FILE *out, dsms_err *err);
/* Text as HTML, safe in an element and in a quoted attribute alike: &, <, >,
 * " and ' as entities, control bytes other than tab and line ends left out,
 * a byte not of valid UTF-8 as U+FFFD. Every writer of HTML uses it. */
void dsms_html_esc(FILE *f, const char *s);
/* The same report as part of a page (the dashboard's), without the document
 * around it or its styles: its header (title, subtitle, as-at, banner) and
 * contents, its sections (and notes), or both (parts: DSMS_HTML_*). */
enum { DSMS_HTML_HEADER = 1, DSMS_HTML_SECTIONS = 2 };
int dsms_report_html_part(const dsms_report *r, FILE *out, int parts, dsms_err *err);
/* Its tables as CSV, one block each: the caption, the headings and "Key",
 * the rows as shown with their keys, an empty line (report_csv.c). */
int dsms_report_csv(const dsms_report *r, FILE *out, dsms_err *err);
/* A PDF, A4 portrait, paginated: a title page with contents, then each
 * section, with page numbers and the as-at date on every page. 0, or -1
 * with err set. */
int dsms_report_pdf(const dsms_report *r, FILE *out, dsms_err *err);
/* An XLSX workbook written at path (which must not exist yet, or is
 * replaced): a sheet per section holding its tables, numbers as numbers
 * with frozen header rows, and a notes sheet. 0, or -1 with err set. */
int dsms_report_xlsx(const dsms_report *r, const char *path, dsms_err *err);

#endif
