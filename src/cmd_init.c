/* cmd_init.c — dsms init: a new store, its secret key file and the reference data.
 *
 * All or nothing: the reference files are checked before anything is created,
 * and if a later step fails, the key and the store are removed again. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "pseudo.h"
#include "refdata.h"
#include "store.h"

static const char help[] =
    "usage: dsms init [STORE] [--reference DIR] [--key PATH] [--data DIR]\n"
    "\n"
    "Create STORE (default dsms.db), a secret key file STORE.key (mode 0600) that\n"
    "pseudonymises client attributors, and load the reference data: regions.csv,\n"
    "police_forces.csv, probation_regions.csv, areas.csv, population.csv,\n"
    "esp2013.csv, prisons.csv, providers.csv and registers.csv from the data\n"
    "directory (--data, $DSMS_DATA, or the shipped data/), and each area's\n"
    "comparator group.\n"
    "Refuses to overwrite an existing store or key.\n"
    "\n"
    "  --reference DIR   files in DIR take the place of the shipped files of the\n"
    "                    same name, file by file (docs/reference-data.md)\n"
    "\n"
    "Every reference file is checked first; one bad row refuses the whole init\n"
    "(file:line: column: what is wrong) and nothing is created.\n"
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

/* The audit record of where the reference data came from. */
static char *detail(const cli_env *env, const char *reference)
{
    json_t *d = json_pack("{s:s, s:s?}", "data", env->data, "reference", reference);
    char *s = d ? json_dumps(d, JSON_COMPACT) : NULL;
    json_decref(d);
    return s;
}

int cmd_init(int argc, char **argv, cli_env *env)
{
    static const struct option opts[] = {{"reference", required_argument, NULL, 'r'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    const char *reference = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'r') reference = optarg;
        else if (c == 'h') return fputs(help, stdout), 0;
        else return fputs(help, stderr), DSMS_REFUSED;
    }
    if (argc - optind > 1) return cli_error("init takes one STORE (see dsms init --help)");
    if (optind < argc) env->store = argv[optind];
    const char *key = cli_key_path(env);
    dsms_err err = {""};
    if (access(env->store, F_OK) == 0)
        return cli_error("%s: already exists; refusing to overwrite a store", env->store);
    /* The files are read and checked before anything is created. */
    dsms_refdata ref;
    if (dsms_refdata_read(&ref, env->data, reference, &err)) return cli_error("%s", err.msg);
    char *audit = detail(env, reference);
    dsms_store *st = NULL;
    if (!audit || dsms_key_create(key, &err)) {
        dsms_refdata_free(&ref);
        free(audit);
        return cli_error("%s", audit ? err.msg : "out of memory");
    }
    st = dsms_store_open(env->store, DSMS_STORE_CREATE, &err);
    if (!st || dsms_store_begin(st, &err) || dsms_refdata_store(&ref, st, &err) ||
        dsms_store_audit(st, cli_user(), "init", audit, &err) || dsms_store_commit(st, &err)) {
        dsms_store_close(st);
        remove_store(env->store);
        unlink(key);
        dsms_refdata_free(&ref);
        free(audit);
        return cli_error("%s", err.msg);
    }
    dsms_store_close(st);
    char counts[256];
    cli_refdata_counts(&ref, counts, sizeof counts);
    printf("created store %s with %zu reference areas\n", env->store, ref.nareas);
    printf("reference data: %s\n", counts);
    printf("created key %s (mode 0600): keep it safe; every import needs it\n", key);
    dsms_refdata_free(&ref);
    free(audit);
    return 0;
}
