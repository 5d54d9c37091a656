/* cmd_audit.c — dsms audit: the audit record, oldest first: who did what,
 * when and from where (the command line, or the server's remote address). */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dsms/accounts.h"

static const char help[] =
    "usage: dsms audit [--since TIME] [--user NAME] [--json]\n"
    "\n"
    "List the audit record, oldest first: when (UTC), who, from where (cli, or the\n"
    "remote address of a request to the server), what and its detail: the store's\n"
    "creation, imports, every change to an account or token, every login and failed\n"
    "login. The record is append-only: the store refuses to change a line of it.\n"
    "\n"
    "  --since TIME   only what happened at or after TIME: YYYY-MM-DD, or\n"
    "                 YYYY-MM-DDTHH:MM:SSZ (UTC)\n"
    "  --user NAME    only what NAME did\n"
    "  --json         as JSON\n"
    "\n"
    "exit status: 0 done; 2 refused (bad arguments, no store).\n";

/* YYYY-MM-DD, optionally followed by THH:MM:SSZ. */
typedef struct {
    json_t *all;
    long n;
} listing;

static int one(void *ctx, const dsms_audit_entry *e)
{
    listing *l = ctx;
    l->n++;
    if (l->all)
        return json_array_append_new(
                   l->all, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)e->id,
                                     "at", e->at, "actor", cli_json_text(e->actor), "origin",
                                     cli_json_text(e->origin), "action",
                                     cli_json_text(e->action), "detail",
                                     cli_json_text(e->detail)))
                   ? -1
                   : 0;
    printf("%s  %-16s %-15s %s%s%s\n", e->at, cli_esc(e->actor),
           *e->origin ? cli_esc(e->origin) : "-", cli_esc(e->action), *e->detail ? ": " : "",
           cli_esc(e->detail));
    return 0;
}

int cmd_audit(int argc, char **argv, cli_env *env)
{
    static const struct option opts[] = {{"since", required_argument, NULL, 's'},
                                         {"user", required_argument, NULL, 'u'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    const char *since = NULL, *user = NULL;
    int json = 0, c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': since = optarg; break;
        case 'u': user = optarg; break;
        case 'j': json = 1; break;
        case 'h': fputs(help, stdout); return 0;
        default: fputs(help, stderr); return DSMS_REFUSED;
        }
    }
    if (optind < argc) return cli_error("audit: unexpected '%s'", argv[optind]);
    if (since && !dsms_audit_time_ok(since))
        return cli_error("--since: '%s' is not a time (expected YYYY-MM-DD or "
                         "YYYY-MM-DDTHH:MM:SSZ)", since);
    dsms_err err = {""};
    dsms_store *st = dsms_store_open(env->store, DSMS_STORE_READONLY, &err);
    if (!st) return cli_error("%s", err.msg);
    listing l = {json ? json_array() : NULL, 0};
    int rc = json && !l.all ? (dsms_err_set(&err, "out of memory"), -1)
                            : dsms_audit_each(st, since, user, one, &l, &err);
    dsms_store_close(st);
    if (!rc && json) {
        json_dumpf(l.all, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
    } else if (!rc) {
        printf("%ld %s\n", l.n, cli_plural(l.n, "event", "events"));
    }
    json_decref(l.all);
    return rc ? cli_error("%s", err.msg) : 0;
}
