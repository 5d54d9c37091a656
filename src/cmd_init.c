/* cmd_init.c — dsms init: a new store, its secret key file and the reference data.
 *
 * All or nothing: the reference files are checked, and the store and key
 * paths found free, before anything is created; if a later step fails, the
 * key and the store's files that init made (and only those) are removed. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "dsms/framework.h"
#include "dsms/key_store.h"
#include "dsms/outfile.h"
#include "dsms/pseudo.h"
#include "dsms/refdata.h"
#include "dsms/store.h"

static const char help[] =
    "usage: dsms init [STORE] [--reference DIR] [--key PATH] [--data DIR]\n"
    "\n"
    "Create STORE (default dsms.db), a secret key file STORE.key (mode 0600) that\n"
    "pseudonymises client attributors, and load the reference data: regions.csv,\n"
    "police_forces.csv, probation_regions.csv, areas.csv, population.csv,\n"
    "esp2013.csv, prisons.csv, providers.csv and registers.csv from the data\n"
    "directory (--data, $DSMS_DATA, or the shipped data/), and each area's\n"
    "comparator group.\n"
    "Refuses to overwrite an existing store or key; the store records the key's\n"
    "fingerprint, and every command that loads a key checks it against that.\n"
    "\n"
    "  --reference DIR   files in DIR take the place of the shipped files of the\n"
    "                    same name, file by file (docs/reference-data.md)\n"
    "\n"
    "Every reference file is checked first; one bad row refuses the whole init\n"
    "(file:line: column: what is wrong) and nothing is created.\n"
    "Keep the key file safe and apart from copies of the store: the same key must be\n"
    "used for every import so that people link across submissions. Back it up: a\n"
    "lost key cannot be made again, and later submissions could not be linked to\n"
    "earlier ones (docs/store.md).\n"
    "\n"
    "exit status: 0 the store and its key made, or the reference data loaded; 2 refused:\n"
    "nothing was written.\n";

/* The store's files that did not exist before init: only those are
 * removed again when init fails, so that nothing init did not make is lost. */
typedef struct {
    char path[3][4200];
    int existed[3];
} made_files;

static void note_files(made_files *m, const char *store)
{
    static const char *const suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(m->path[i], sizeof m->path[i], "%s%s", store, suffix[i]);
        struct stat sb;
        m->existed[i] = lstat(m->path[i], &sb) == 0;
    }
}

static void remove_made(const made_files *m)
{
    for (int i = 0; i < 3; i++)
        if (!m->existed[i]) unlink(m->path[i]);
}

/* A path that exists in any form, a dangling link too. */
static int exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
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
    /* Both are checked before anything is made: a store is never made for
     * a key that is not its own, and an existing key is never replaced. The
     * key is never one of the store's own files, which SQLite would take. */
    dsms_protected store = {env->store, "the store", DSMS_PROTECT_STORE};
    if (dsms_outfile_check(key, &store, 1, &err))
        return cli_error("--key %s", err.msg);
    if (exists(env->store))
        return cli_error("%s: already exists; refusing to overwrite a store", env->store);
    if (exists(key))
        return cli_error("%s: a key file already exists there; refusing to overwrite it (it "
                         "may be the key of another store, and records pseudonymised under it "
                         "can be linked only with it). Name another with --key PATH, or move "
                         "it away if it belongs to no store",
                         key);
    /* The files are read and checked before anything is created. */
    dsms_refdata ref;
    if (dsms_refdata_read(&ref, env->data, reference, &err)) return cli_error("%s", err.msg);
    char *audit = detail(env, reference);
    made_files made;
    note_files(&made, env->store);
    dsms_key k;
    if (!audit || dsms_key_create(key, &err)) {
        dsms_refdata_free(&ref);
        free(audit);
        return cli_error("%s", audit ? err.msg : "out of memory");
    }
    /* From here on the key is ours, and removed again if init fails. */
    dsms_store *st = NULL;
    size_t frameworks = 0;
    int bad = dsms_key_load(key, &k, &err);
    if (!bad) {
        st = dsms_store_open(env->store, DSMS_STORE_CREATE, &err);
        bad = !st || dsms_store_begin(st, &err) || dsms_refdata_store(&ref, st, &err) ||
              dsms_framework_load_shipped(st, env->data, &ref, cli_user(), &frameworks, &err) ||
              dsms_key_bind(st, &k, &err) ||
              dsms_store_audit_from(st, cli_user(), "cli", "init", audit, &err) ||
              dsms_store_commit(st, &err);
    }
    char fp[DSMS_FINGERPRINT_HEX + 1] = "";
    if (!bad) dsms_key_fingerprint(&k, fp);
    dsms_key_wipe(&k);
    dsms_store_close(st);
    free(audit);
    if (bad) {
        remove_made(&made);
        unlink(key);
        dsms_refdata_free(&ref);
        return cli_error("%s", err.msg);
    }
    char counts[256];
    cli_refdata_counts(&ref, counts, sizeof counts);
    printf("created store %s with %zu reference %s\n", env->store, ref.nareas,
           cli_plural((long long)ref.nareas, "area", "areas"));
    printf("reference data: %s\n", counts);
    printf("outcomes frameworks loaded: %zu (dsms framework list)\n", frameworks);
    printf("created key %s (mode 0600, fingerprint %s): keep it safe and back it up apart "
           "from the store; every import needs it, and a lost key cannot be replaced "
           "(docs/store.md)\n",
           key, fp);
    dsms_refdata_free(&ref);
    return 0;
}
