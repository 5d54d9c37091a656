/* cmd_check.c — dsms check: is a store sound? SQLite's integrity check and
 * dsms's own invariants (dsms_store_check), each finding in words. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cli.h"
#include "dsms/pseudo.h"
#include "dsms/store.h"

static const char help[] =
    "usage: dsms check [STORE] [--json]\n"
    "\n"
    "Check a store (default dsms.db) and print each problem found, in words:\n"
    "  integrity  SQLite's full integrity check of the file (damaged pages, indexes)\n"
    "  tables     every table dsms keeps is there\n"
    "  schema     the store is of the schema version this dsms reads\n"
    "  counts     each submission's rows read = accepted + quarantined\n"
    "  orphans    every record and quarantined row belongs to a submission that exists\n"
    "  key        the store records its key's fingerprint, and the key file (STORE.key,\n"
    "             or --key PATH), when there is one, is the store's key\n"
    "  results    the results were computed after the latest submission arrived\n"
    "Nothing is changed.\n"
    "\n"
    "  --json   the findings as JSON: {\"store\", \"problems\", \"findings\": [{\"check\",\n"
    "           \"message\"}]}\n"
    "\n"
    "exit status: 0 no problems found; 1 problems found; 2 the store cannot be opened.\n";

typedef struct {
    json_t *json; /* the findings, with --json */
    int nomem;    /* a finding could not be kept */
} sink;

/* -1: out of memory, said by the check (diag.h, "Callbacks"). */
static int print_finding(void *ctx, const dsms_finding *f)
{
    sink *k = ctx;
    if (k->json)
        return json_array_append_new(k->json, json_pack("{s:s, s:s}", "check", f->check, "message",
                                                        cli_json_text(f->message)))
                   ? -1
                   : 0;
    printf("%s: %s\n", f->check, cli_esc(f->message));
    return 0;
}

/* The key file's fingerprint, when there is a key file to compare; a key
 * that cannot be loaded is said, and the rest of the check goes on. */
static const char *key_fingerprint(cli_env *env, char *fp, sink *k, long *problems)
{
    const char *path = cli_key_path(env);
    struct stat sb;
    if (stat(path, &sb) != 0) return NULL;
    dsms_key key;
    dsms_err err = {""};
    if (dsms_key_load(path, &key, &err)) {
        if (print_finding(k, &(dsms_finding){"key", err.msg})) k->nomem = 1;
        (*problems)++;
        return NULL;
    }
    dsms_key_fingerprint(&key, fp);
    dsms_key_wipe(&key);
    return fp;
}

int cmd_check(int argc, char **argv, cli_env *env)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    int c, json = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'j') json = 1;
        else if (c == 'h') return fputs(help, stdout), 0;
        else return fputs(help, stderr), DSMS_REFUSED;
    }
    if (argc - optind > 1) return cli_error("check takes one STORE (see dsms check --help)");
    if (optind < argc) env->store = argv[optind];
    dsms_err err = {""};
    dsms_store *st = dsms_store_open(env->store, DSMS_STORE_INSPECT, &err);
    if (!st) return cli_error("%s", err.msg);
    sink k = {json ? json_array() : NULL, 0};
    if (json && !k.json) {
        dsms_store_close(st);
        return cli_error("out of memory");
    }
    long problems = 0;
    char fp[DSMS_FINGERPRINT_HEX + 1];
    const char *have = key_fingerprint(env, fp, &k, &problems);
    long found = dsms_store_check(st, have, print_finding, &k, &err);
    dsms_store_close(st);
    if (found < 0 || k.nomem) {
        json_decref(k.json);
        return cli_error("%s", found < 0 ? err.msg : "out of memory");
    }
    problems += found;
    if (json) {
        json_t *o = json_pack("{s:s, s:I, s:o}", "store", cli_json_text(env->store), "problems",
                              (json_int_t)problems, "findings", k.json);
        if (!o) return cli_error("out of memory");
        json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
        json_decref(o);
    } else if (problems) {
        printf("%s: %ld problem%s found\n", cli_esc(env->store), problems,
               problems == 1 ? "" : "s");
    } else {
        printf("%s: no problems found\n", cli_esc(env->store));
    }
    return problems ? 1 : 0;
}
