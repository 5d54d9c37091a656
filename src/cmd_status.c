/* cmd_status.c — dsms status: the submissions a store holds, with their counts,
 * or (--summary) what has landed: records per table and the submissions' totals. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "dsms/dataset.h"
#include "dsms/store.h"

static const char help[] =
    "usage: dsms status [--json] [--summary]\n"
    "\n"
    "List every submission in the store: when it arrived, from which source, the file,\n"
    "its table, rows read, accepted and quarantined, and its status (accepted, partial:\n"
    "some rows quarantined, unchanged: identical to an earlier submission).\n"
    "\n"
    "  --summary   instead, what has landed: the submissions' totals and the records\n"
    "              held in each table of the data set\n"
    "\n"
    "exit status: 0 done; 2 refused (bad arguments, no store): nothing was written.\n";

typedef struct {
    long files, partial, unchanged, rows, accepted, quarantined;
} totals;

static int add_total(void *ctx, const dsms_submission *s)
{
    totals *t = ctx;
    t->files++;
    t->partial += s->quarantined > 0;
    t->unchanged += s->status[0] == 'u';
    t->rows += s->rows;
    t->accepted += s->accepted;
    t->quarantined += s->quarantined;
    return 0;
}

static int summary(dsms_store *st, const char *path, dsms_err *err)
{
    totals t = {0};
    if (dsms_store_each_submission(st, add_total, &t, err)) return -1;
    printf("store %s\n", path);
    printf("%ld %s submitted (%ld with rows quarantined, %ld unchanged %s)\n", t.files,
           cli_plural(t.files, "file", "files"), t.partial, t.unchanged,
           cli_plural(t.unchanged, "resubmission", "resubmissions"));
    printf("%ld %s read = %ld accepted + %ld quarantined\n", t.rows,
           cli_plural(t.rows, "row", "rows"), t.accepted, t.quarantined);
    size_t n;
    const dsms_table *tables = dsms_tables(&n);
    printf("records held:\n");
    for (size_t i = 0; i < n; i++) {
        int64_t k = dsms_store_count(st, tables[i].name, err);
        if (k < 0) return -1;
        printf("  %-16s %10lld\n", tables[i].name, (long long)k);
    }
    return 0;
}

static int print_row(void *ctx, const dsms_submission *s)
{
    (void)ctx;
    printf("%6lld  %-20s  %-10s  %-15s  %9ld  %9ld  %11ld  %-9s  %s\n", (long long)s->id,
           s->received_at, cli_esc(s->source), cli_esc(s->table), s->rows, s->accepted,
           s->quarantined, s->status, cli_esc(s->file));
    return 0;
}

/* -1: out of memory, said by the store (diag.h, "Callbacks"). */
static int add_json(void *ctx, const dsms_submission *s)
{
    return json_array_append_new(
        ctx, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:s}", "id",
                       (json_int_t)s->id, "received_at", s->received_at, "source",
                       cli_json_text(s->source), "submitted_by", cli_json_text(s->by), "table",
                       cli_json_text(s->table), "file", cli_json_text(s->file), "sha256",
                       s->sha256, "rows_read", (json_int_t)s->rows, "accepted",
                       (json_int_t)s->accepted, "quarantined", (json_int_t)s->quarantined,
                       "warnings", (json_int_t)s->warnings, "status", s->status))
               ? -1
               : 0;
}

int cmd_status(int argc, char **argv, cli_env *env)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {"summary", no_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0}};
    int c, json = 0, sum = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'j') json = 1;
        else if (c == 's') sum = 1;
        else if (c == 'h') return fputs(help, stdout), 0;
        else return fputs(help, stderr), DSMS_REFUSED;
    }
    dsms_err err = {""};
    dsms_store *st = dsms_store_open(env->store, DSMS_STORE_READONLY, &err);
    if (!st) return cli_error("%s", err.msg);
    int rc;
    if (sum) {
        rc = summary(st, env->store, &err);
    } else if (json) {
        json_t *a = json_array();
        rc = a ? dsms_store_each_submission(st, add_json, a, &err)
               : (dsms_err_set(&err, "out of memory"), -1);
        if (!rc) json_dumpf(a, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER), putchar('\n');
        json_decref(a);
    } else {
        printf("%6s  %-20s  %-10s  %-15s  %9s  %9s  %11s  %-9s  %s\n", "id", "received (UTC)",
               "source", "table", "rows", "accepted", "quarantined", "status", "file");
        rc = dsms_store_each_submission(st, print_row, NULL, &err);
    }
    dsms_store_close(st);
    return rc ? cli_error("%s", err.msg) : 0;
}
