/* cmd_import.c — dsms import and dsms validate: one submission of CSV files.
 *
 * validate runs exactly the same checks against the store (or, with no store,
 * against the shipped reference data) and then rolls everything back. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "import.h"
#include "key_store.h"
#include "refdata.h"
#include "store.h"

static const char import_help[] =
    "usage: dsms import --source CODE [OPTIONS] FILE...\n"
    "       dsms import --tree DIR [OPTIONS]\n"
    "\n"
    "Take a submission from the organisation CODE (a provider, prison, police force or\n"
    "probation region code; any name for deaths). Each FILE is a CSV of one table of\n"
    "the data set, recognised by its header. Valid rows are stored, the client\n"
    "attributor replaced by a keyed pseudonym; rejected rows go to the quarantine with\n"
    "their diagnostics. All files land together in one transaction or not at all.\n"
    "A record whose key was stored before is replaced; a file identical to an earlier\n"
    "submission from the same source changes nothing.\n"
    "\n"
    "With --tree, every directory DIR/PERIOD/SOURCE/ holding CSV files is one submission\n"
    "from SOURCE (the layout dsms simulate writes), taken in order of PERIOD then SOURCE.\n"
    "A PERIOD's submissions land together in one transaction; a refused submission is\n"
    "left out of it alone. A line per PERIOD sums them up.\n"
    "\n"
    "options:\n"
    "  --source CODE     the submitting organisation (required without --tree)\n"
    "  --tree DIR        import every submission under DIR\n"
    "  --table NAME      read every FILE as this table instead of recognising it\n"
    "  --by NAME         who is submitting (default $DSMS_USER or $USER)\n"
    "  --report FILE     write every diagnostic to FILE (.csv, or .json for JSON)\n"
    "  --max-errors N    print at most N diagnostics (default 50; 0 for none)\n"
    "\n"
    "exit status: 0 every row accepted; 1 some rows quarantined; 2 refused, nothing stored.\n"
    "Diagnostics read FILE:LINE: FIELD: what is wrong (expected ...).\n";

static const char validate_help[] =
    "usage: dsms validate [OPTIONS] FILE...\n"
    "\n"
    "Check files exactly as dsms import would, and store nothing. Episodes referred to\n"
    "by interventions and reviews are looked up in the files and, when it exists, the\n"
    "store.\n"
    "\n"
    "options:\n"
    "  --source CODE     check that each row belongs to this organisation\n"
    "  --table NAME      read every FILE as this table instead of recognising it\n"
    "  --report FILE     write every diagnostic to FILE (.csv, or .json for JSON)\n"
    "  --max-errors N    print at most N diagnostics (default 50; 0 for none)\n"
    "\n"
    "exit status: 0 every row valid; 1 some rows would be quarantined; 2 refused.\n";

typedef struct {
    dsms_import_opts o;
    const char *report;
    const char *tree;
    long max;
} import_args;

static int parse_args(int argc, char **argv, import_args *a, const char *help)
{
    static const struct option opts[] = {{"source", required_argument, NULL, 's'},
                                         {"table", required_argument, NULL, 't'},
                                         {"by", required_argument, NULL, 'b'},
                                         {"report", required_argument, NULL, 'r'},
                                         {"tree", required_argument, NULL, 'T'},
                                         {"max-errors", required_argument, NULL, 'm'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': a->o.source = optarg; break;
        case 't': a->o.table = optarg; break;
        case 'b': a->o.by = optarg; break;
        case 'r': a->report = optarg; break;
        case 'T': a->tree = optarg; break;
        case 'm':
            a->max = strtol(optarg, &end, 10);
            if (*end || a->max < 0)
                return cli_error("--max-errors: '%s' is not a count (expected 0 or more)", optarg);
            break;
        case 'h': fputs(help, stdout); return -1;
        default: fputs(help, stderr); return DSMS_REFUSED;
        }
    }
    if (a->tree && optind < argc)
        return cli_error("--tree DIR takes no FILE arguments (see dsms %s --help)", argv[0]);
    if (a->tree && a->o.source)
        return cli_error("--tree takes each submission's source from its directory name");
    if (!a->tree && optind >= argc) return cli_error("no FILE given (see dsms %s --help)", argv[0]);
    return 0;
}

static void print_results(const dsms_import_result *res, size_t n, int dry_run)
{
    for (size_t i = 0; i < n; i++) {
        const dsms_import_result *r = &res[i];
        if (r->same_as > 0) {
            printf("%s: %s: identical to submission %lld: nothing changed (%ld rows read)\n",
                   r->file, r->table, (long long)r->same_as, r->rows);
            continue;
        }
        printf("%s: %s: %ld rows read = %ld %s + %ld %s", r->file, r->table, r->rows,
               r->accepted, dry_run ? "valid" : "accepted", r->quarantined,
               dry_run ? "rejected" : "quarantined");
        if (r->warnings) printf(" (%ld warning%s)", r->warnings, r->warnings == 1 ? "" : "s");
        if (!dry_run) printf("; submission %lld", (long long)r->submission);
        putchar('\n');
    }
}

/* ---- --tree: many submissions ------------------------------------------ */

typedef struct {
    long submissions, unchanged, refused, rows, accepted, quarantined;
} tree_total;

static int is_dir_entry(const struct dirent *d) { return d->d_name[0] != '.'; }

static int is_csv(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return d->d_name[0] != '.' && n > 4 && strcmp(d->d_name + n - 4, ".csv") == 0;
}

static int is_subdir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static void free_names(struct dirent **v, int n)
{
    for (int i = 0; i < n; i++) free(v[i]);
    free(v);
}

/* One submission: every CSV file in dir, from source. */
static int import_dir(dsms_store *st, const dsms_key *key, import_args *a, const char *dir,
                      const char *source, tree_total *t)
{
    struct dirent **names;
    int n = scandir(dir, &names, is_csv, alphasort);
    if (n <= 0) {
        if (n == 0) free(names);
        return DSMS_OK;
    }
    char **files = calloc((size_t)n, sizeof *files);
    dsms_import_result *res = calloc((size_t)n, sizeof *res);
    int rc = DSMS_REFUSED, ok = files && res;
    for (int i = 0; ok && i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]->d_name) + 2;
        if ((ok = (files[i] = malloc(len)) != NULL))
            snprintf(files[i], len, "%s/%s", dir, names[i]->d_name);
    }
    dsms_err err = {""};
    dsms_import_opts o = a->o;
    o.source = source;
    if (ok) rc = dsms_import(st, key, (const char *const *)files, (size_t)n, &o, res, &err);
    else dsms_err_set(&err, "out of memory");
    if (rc == DSMS_REFUSED) {
        cli_error("%s: submission refused, nothing stored: %s", dir, err.msg);
        t->refused++;
    }
    for (int i = 0; rc != DSMS_REFUSED && i < n; i++) {
        t->unchanged += res[i].same_as > 0;
        t->rows += res[i].rows;
        t->accepted += res[i].same_as > 0 ? 0 : res[i].accepted;
        t->quarantined += res[i].same_as > 0 ? 0 : res[i].quarantined;
    }
    t->submissions++;
    for (int i = 0; files && i < n; i++) free(files[i]);
    free(files);
    free(res);
    free_names(names, n);
    return rc;
}

/* Each PERIOD's submissions land together in one transaction, each one a
 * savepoint in it, so that a refused submission is left out alone. */
static int import_tree(dsms_store *st, const dsms_key *key, import_args *a)
{
    a->o.nested = 1;
    struct dirent **periods;
    int np = scandir(a->tree, &periods, is_dir_entry, alphasort), worst = DSMS_OK;
    if (np < 0) return cli_error("%s: cannot read directory: %s", a->tree, strerror(errno));
    for (int i = 0; i < np; i++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", a->tree, periods[i]->d_name);
        struct dirent **sources;
        int ns = is_subdir(dir) ? scandir(dir, &sources, is_dir_entry, alphasort) : -1;
        if (ns < 0) continue;
        tree_total t = {0};
        dsms_err err = {""};
        if (dsms_store_begin(st, &err)) {
            free_names(sources, ns);
            free_names(periods, np);
            return cli_error("%s", err.msg);
        }
        for (int k = 0; k < ns; k++) {
            char sub[8192];
            snprintf(sub, sizeof sub, "%s/%s", dir, sources[k]->d_name);
            if (!is_subdir(sub)) continue;
            int rc = import_dir(st, key, a, sub, sources[k]->d_name, &t);
            if (rc > worst) worst = rc;
        }
        free_names(sources, ns);
        if (a->o.dry_run) {
            dsms_store_rollback(st);
        } else if (dsms_store_commit(st, &err)) {
            dsms_store_rollback(st);
            cli_error("%s: nothing of this period was stored: %s", dir, err.msg);
            worst = DSMS_REFUSED;
            continue;
        }
        if (!t.submissions) continue;
        printf("%s: %ld submissions: %ld rows read = %ld %s + %ld %s", periods[i]->d_name,
               t.submissions, t.rows, t.accepted, a->o.dry_run ? "valid" : "accepted",
               t.quarantined, a->o.dry_run ? "rejected" : "quarantined");
        if (t.unchanged) printf("; %ld files unchanged", t.unchanged);
        if (t.refused) printf("; %ld refused", t.refused);
        putchar('\n');
        fflush(stdout); /* a period's line is progress: show it as it lands */
    }
    free_names(periods, np);
    return worst;
}

/* The report is refused where it would overwrite the store, its key or an
 * input: for --tree, anything under the tree. */
static int open_report(cli_diags *d, const import_args *a, cli_env *env, int nfiles,
                       char **files)
{
    if (!a->report) return cli_diags_open(d, NULL, a->max, NULL, 0);
    size_t n = 0, cap = (size_t)nfiles + 3;
    dsms_protected *p = calloc(cap, sizeof *p);
    if (!p) return cli_error("out of memory");
    p[n++] = (dsms_protected){env->store, "the store", DSMS_PROTECT_STORE};
    p[n++] = (dsms_protected){cli_key_path(env), "the key file", DSMS_PROTECT_FILE};
    if (a->tree) p[n++] = (dsms_protected){a->tree, "the input directory", DSMS_PROTECT_TREE};
    for (int i = 0; i < nfiles; i++)
        p[n++] = (dsms_protected){files[i], "an input file", DSMS_PROTECT_FILE};
    int rc = cli_diags_open(d, a->report, a->max, p, n);
    free(p);
    return rc;
}

/* The store's key: loaded, and checked against the fingerprint the store
 * records (a store made before fingerprints takes this key's, once). */
static int load_key(dsms_store *st, cli_env *env, dsms_key *key, dsms_err *err)
{
    const char *path = cli_key_path(env);
    if (dsms_key_load(path, key, err)) return -1;
    int rc = dsms_key_verify(st, key, path, env->store, 1, err);
    if (rc < 0) {
        dsms_key_wipe(key);
        return -1;
    }
    if (rc == DSMS_KEY_RECORDED) {
        char fp[DSMS_FINGERPRINT_HEX + 1];
        dsms_key_fingerprint(key, fp);
        fprintf(stderr,
                "dsms: %s: the store recorded no key fingerprint (it was made before dsms "
                "recorded one); it now records %s, the fingerprint of %s, and every later "
                "import checks its key against it\n",
                env->store, fp, path);
    }
    return 0;
}

static int run(int argc, char **argv, cli_env *env, int dry_run)
{
    import_args a = {.o = {.by = cli_user(), .dry_run = dry_run, .emit = cli_diags_emit},
                     .max = 50};
    int rc = parse_args(argc, argv, &a, dry_run ? validate_help : import_help);
    if (rc) return rc < 0 ? 0 : rc;
    if (!dry_run && !a.o.source && !a.tree)
        return cli_error("--source CODE is required (the submitting organisation)");
    if (cli_today(&a.o.today)) return DSMS_REFUSED;
    cli_diags diags;
    if (open_report(&diags, &a, env, a.tree ? 0 : argc - optind, argv + optind))
        return DSMS_REFUSED;
    dsms_err err = {""};
    dsms_key key;
    dsms_store *st = NULL;
    if (dry_run) {
        /* Nothing is stored, so no secret is needed: a throwaway key. Without a
         * store, check against the shipped reference data. */
        dsms_key_random(&key);
        if (access(env->store, F_OK) == 0) st = dsms_store_open(env->store, 0, &err);
        else if ((st = dsms_store_open(":memory:", DSMS_STORE_CREATE, &err)) &&
                 dsms_refdata_load(st, env->data, &err))
            dsms_store_close(st), st = NULL;
    } else {
        st = dsms_store_open(env->store, 0, &err);
        if (st && load_key(st, env, &key, &err)) dsms_store_close(st), st = NULL;
    }
    if (!st) {
        cli_diags_close(&diags, 0);
        return cli_error("%s", err.msg);
    }
    a.o.emit_ctx = &diags;
    if (a.tree) {
        rc = import_tree(st, &key, &a);
        dsms_key_wipe(&key);
        dsms_store_close(st);
        cli_diags_close(&diags, 1);
        return rc;
    }
    size_t n = (size_t)(argc - optind);
    dsms_import_result *res = calloc(n, sizeof *res);
    rc = res ? dsms_import(st, &key, (const char *const *)argv + optind, n, &a.o, res, &err)
             : DSMS_REFUSED;
    dsms_key_wipe(&key);
    dsms_store_close(st);
    /* The report was opened before the import; a failure to finish it (disk
     * full) is said, but does not undo a submission that has landed. */
    cli_diags_close(&diags, 1);
    if (rc == DSMS_REFUSED) {
        cli_error("%s", res ? err.msg : "out of memory");
        fprintf(stderr, "dsms: submission refused: nothing was stored\n");
    } else {
        print_results(res, n, dry_run);
    }
    free(res);
    return rc;
}

int cmd_import(int argc, char **argv, cli_env *env) { return run(argc, argv, env, 0); }
int cmd_validate(int argc, char **argv, cli_env *env) { return run(argc, argv, env, 1); }
