/* cmd_quarantine.c — dsms quarantine: the rows a store has rejected, each with
 * its diagnostics, for a provider (or the national team) to work through
 * after the import's own report is gone. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dsms/store.h"

static const char help[] =
    "usage: dsms quarantine [--submission N] [--source CODE] [--json]\n"
    "\n"
    "List the quarantined rows: every row an import rejected, with its diagnostics\n"
    "(file:line: field: what is wrong (expected ...)). --json also gives each row's\n"
    "fields as they arrived, without the client attributor.\n"
    "\n"
    "exit status: 0 done; 2 refused (bad arguments, no store).\n";

typedef struct {
    int json;
    int64_t last_submission;
    long rows;
    json_t *all;
} listing;

static const char *text(json_t *diag, const char *key)
{
    const char *s = json_string_value(json_object_get(diag, key));
    return s ? s : "";
}

static void print_diagnostics(const dsms_quarantined *q, json_t *diags)
{
    size_t i;
    json_t *d;
    json_array_foreach(diags, i, d) {
        dsms_diag g = {q->file, q->line, q->table, "", "", DSMS_ERROR, "", ""};
        dsms_diag_set_field(&g, text(d, "field"));
        g.severity = strcmp(text(d, "severity"), "warning") == 0 ? DSMS_WARNING : DSMS_ERROR;
        snprintf(g.message, sizeof g.message, "%s", text(d, "message"));
        snprintf(g.expected, sizeof g.expected, "%s", text(d, "expected"));
        char line[1536];
        dsms_diag_format(&g, line, sizeof line);
        printf("  %s\n", line);
    }
}

/* -1: out of memory, said by the store (diag.h, "Callbacks"). */
static int one_row(void *ctx, const dsms_quarantined *q)
{
    listing *l = ctx;
    json_t *diags = json_loads(q->diagnostics_json, 0, NULL);
    l->rows++;
    if (l->json) {
        return json_array_append_new(
            l->all, json_pack("{s:I, s:s, s:s, s:s, s:I, s:o?, s:o?}", "submission",
                              (json_int_t)q->submission, "source", cli_json_text(q->source), "file",
                              cli_json_text(q->file), "table", cli_json_text(q->table), "line", (json_int_t)q->line, "record",
                              json_loads(q->record_json, 0, NULL), "diagnostics", diags))
                   ? -1
                   : 0;
    }
    if (q->submission != l->last_submission) {
        printf("submission %lld from %s (%s, %s):\n", (long long)q->submission,
               cli_esc(q->source), cli_esc(q->table), cli_esc(q->file));
        l->last_submission = q->submission;
    }
    if (diags) print_diagnostics(q, diags);
    json_decref(diags);
    return 0;
}

int cmd_quarantine(int argc, char **argv, cli_env *env)
{
    static const struct option opts[] = {{"submission", required_argument, NULL, 'n'},
                                         {"source", required_argument, NULL, 's'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    listing l = {0, 0, 0, NULL};
    int64_t submission = 0;
    const char *source = NULL;
    char *end;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            submission = strtoll(optarg, &end, 10);
            if (*end || submission <= 0)
                return cli_error("--submission: '%s' is not a submission number", optarg);
            break;
        case 's': source = optarg; break;
        case 'j': l.json = 1; break;
        case 'h': fputs(help, stdout); return 0;
        default: fputs(help, stderr); return DSMS_REFUSED;
        }
    }
    dsms_err err = {""};
    dsms_store *st = dsms_store_open(env->store, DSMS_STORE_READONLY, &err);
    if (!st) return cli_error("%s", err.msg);
    if (l.json) l.all = json_array();
    int rc = l.json && !l.all ? (dsms_err_set(&err, "out of memory"), -1)
                              : dsms_store_each_quarantined(st, submission, source, one_row, &l,
                                                            &err);
    dsms_store_close(st);
    if (!rc && l.json) {
        json_dumpf(l.all, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
    } else if (!rc) {
        printf("%ld row%s in quarantine\n", l.rows, l.rows == 1 ? "" : "s");
    }
    json_decref(l.all);
    return rc ? cli_error("%s", err.msg) : 0;
}
