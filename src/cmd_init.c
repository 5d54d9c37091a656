/* cmd_init.c — dsms init: a new store, its secret key file and the reference data.
 *
 * All or nothing: if any step fails, the key and the store are removed again. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "pseudo.h"
#include "refdata.h"
#include "store.h"

static const char help[] =
    "usage: dsms init [STORE] [--key PATH] [--data DIR]\n"
    "\n"
    "Create STORE (default dsms.db), a secret key file STORE.key (mode 0600) that\n"
    "pseudonymises client attributors, and load the reference data from DIR\n"
    "(regions.csv, areas.csv). Refuses to overwrite an existing store or key.\n"
    "Keep the key file safe and apart from copies of the store: the same key must be\n"
    "used for every import so that people link across submissions.\n";

static void remove_store(const char *path)
{
    char p[4200];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

int cmd_init(int argc, char **argv, cli_env *env)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') return fputs(help, stdout), 0;
        fputs(help, stderr);
        return DSMS_REFUSED;
    }
    if (argc - optind > 1) return cli_error("init takes one STORE (see dsms init --help)");
    if (optind < argc) env->store = argv[optind];
    const char *key = cli_key_path(env);
    dsms_err err = {""};
    if (access(env->store, F_OK) == 0)
        return cli_error("%s: already exists; refusing to overwrite a store", env->store);
    if (dsms_key_create(key, &err)) return cli_error("%s", err.msg);
    dsms_store *st = dsms_store_open(env->store, DSMS_STORE_CREATE, &err);
    if (!st || dsms_store_begin(st, &err) || dsms_refdata_load(st, env->data, &err) ||
        dsms_store_audit(st, cli_user(), "init", "{}", &err) || dsms_store_commit(st, &err)) {
        dsms_store_close(st);
        remove_store(env->store);
        unlink(key);
        return cli_error("%s", err.msg);
    }
    int64_t areas = dsms_store_count(st, "areas", &err);
    dsms_store_close(st);
    printf("created store %s with %lld reference areas\n", env->store, (long long)areas);
    printf("created key %s (mode 0600): keep it safe; every import needs it\n", key);
    return 0;
}
