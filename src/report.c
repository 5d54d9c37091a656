/* report.c — the dsms command's diagnostic printer and --report writer.
 *
 * Diagnostics stream to the report as they come (CSV or JSON by the file's
 * extension), so a report of a million rows needs no memory; the report goes
 * through the library's one file writer (outfile.h): never over the store,
 * its key or an input, and renamed into place when complete. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "progress.h"

/* Quoted, and escaped as everything printed is (cli_esc): a cell never holds
 * a line break, so a row never splits in a spreadsheet. */
static void csv_cell(FILE *f, const char *s)
{
    s = cli_esc(s);
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int cli_diags_open(cli_diags *d, const char *path, long max, const dsms_protected *protect,
                   size_t nprotect)
{
    memset(d, 0, sizeof *d);
    d->max = max;
    d->path = path;
    if (!path) return 0;
    size_t n = strlen(path);
    d->json = n >= 5 && strcmp(path + n - 5, ".json") == 0;
    /* A report holds record values: the owner's alone. */
    dsms_err err = {""};
    d->out = dsms_outfile_open(path, protect, nprotect, DSMS_MODE_PRIVATE, &err);
    if (!d->out) return cli_error("%s", err.msg);
    d->report = dsms_outfile_stream(d->out);
    if (d->json) fputs("[\n", d->report);
    else fputs("file,line,table,field,rule,severity,message,expected\n", d->report);
    return 0;
}

static void write_json(FILE *f, const dsms_diag *g, int first)
{
    json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "file",
                          cli_json_text(g->file), "line",
                          (json_int_t)g->line, "table", g->table ? g->table : "", "field",
                          cli_json_text(g->field), "rule", g->rule, "severity",
                          g->severity == DSMS_ERROR ? "error" : "warning", "message",
                          cli_json_text(g->message), "expected", cli_json_text(g->expected));
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (s) fprintf(f, "%s%s", first ? "" : ",\n", s);
    free(s);
    json_decref(o);
}

void cli_diags_emit(void *ctx, const dsms_diag *g)
{
    cli_diags *d = ctx;
    if (g->severity == DSMS_ERROR) d->errors++;
    else d->warnings++;
    if (d->printed < d->max) {
        char line[1536];
        dsms_diag_format(g, line, sizeof line);
        cli_progress_hide();
        fprintf(stderr, "%s\n", line);
        d->printed++;
    }
    d->total++;
    if (!d->report) return;
    if (d->json) {
        write_json(d->report, g, d->total == 1);
        return;
    }
    csv_cell(d->report, g->file);
    fprintf(d->report, ",%ld,", g->line);
    csv_cell(d->report, g->table ? g->table : "");
    fputc(',', d->report);
    csv_cell(d->report, g->field);
    fputc(',', d->report);
    csv_cell(d->report, g->rule);
    fprintf(d->report, ",%s,", g->severity == DSMS_ERROR ? "error" : "warning");
    csv_cell(d->report, g->message);
    fputc(',', d->report);
    csv_cell(d->report, g->expected);
    fputc('\n', d->report);
}

int cli_diags_close(cli_diags *d, int keep)
{
    int failed = 0;
    if (d->report) {
        if (d->json) fputs(d->total ? "\n]\n" : "]\n", d->report);
        d->report = NULL;
        dsms_err err = {""};
        if (!keep) dsms_outfile_abort(d->out);
        else if (dsms_outfile_commit(d->out, &err)) failed = cli_error("report %s", err.msg);
        keep = keep && !failed;
    }
    /* Said after the report is in place (or not), so that it is true. */
    cli_progress_hide();
    if (d->total > d->printed)
        fprintf(stderr, "... and %ld more diagnostic%s%s\n", d->total - d->printed,
                d->total - d->printed == 1 ? "" : "s",
                !d->path ? " (write them all with --report FILE)"
                : keep   ? " (all are in the report)"
                         : " (the report was not written)");
    return failed;
}
