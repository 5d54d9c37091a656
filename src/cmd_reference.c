/* cmd_reference.c — dsms reference: the reference data a store holds (list,
 * show, area) and replacing it (check, load), with the comparator groups.
 * docs/reference-data.md describes the files and the groups. */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dsms/csv.h"
#include "dsms/refdata.h"
#include "dsms/store.h"

/* Numbers to 15 significant digits: 14.2, as written, not 14.199999999999999. */
#define JSON_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

static const char help[] =
    "usage: dsms reference COMMAND [OPTIONS]\n"
    "\n"
    "The reference data: regions, police forces, probation regions, areas (with\n"
    "opiate/crack need and deprivation), population by sex and age band, the 2013\n"
    "European Standard Population, prisons, providers, mortality registers,\n"
    "partnerships, the catalogue of published series (dsms series), and each\n"
    "area's comparator group of the 15 most similar areas.\n"
    "\n"
    "commands:\n"
    "  list [--json]          each reference table in the store with its row count\n"
    "  show TABLE [--json]    a table's rows, as CSV in its file's shape, or JSON\n"
    "  area CODE [--json]     an area: its characteristics, population and comparators\n"
    "  check [DIR]            check the reference files, storing nothing\n"
    "  load [DIR]             replace the store's reference data in one transaction\n"
    "\n"
    "check and load read the data directory (--data, $DSMS_DATA, or the shipped\n"
    "data/), with the files in DIR taking the place of those of the same name.\n"
    "Run dsms reference COMMAND --help for a command's options.\n"
    "\n"
    "exit status: 0 done; 2 refused (bad arguments, no store, a reference file with\n"
    "errors, each named with its line and field): load then changes nothing.\n";

static const char list_help[] =
    "usage: dsms reference list [--json]\n"
    "\n"
    "List the reference tables of the store, each with its file and its number of\n"
    "rows. comparators has no file: it is computed from the others.\n";

static const char show_help[] =
    "usage: dsms reference show TABLE [--json]\n"
    "\n"
    "Print a reference table of the store (areas, or areas.csv; dsms reference list\n"
    "names them all) as CSV with the columns of its file, so that the output can be\n"
    "edited and loaded again with dsms reference load; --json prints an array of\n"
    "objects instead.\n";

static const char area_help[] =
    "usage: dsms reference area CODE [--json]\n"
    "\n"
    "Show one area of the store: its region, police force and probation region, its\n"
    "opiate/crack users per 1,000 aged 15-64, its deprivation score, its population\n"
    "and age structure, the prisons and providers in it, and its comparator group:\n"
    "the 15 most similar areas, nearest first, with their distances\n"
    "(docs/reference-data.md says how they are chosen).\n";

static const char check_help[] =
    "usage: dsms reference check [DIR]\n"
    "\n"
    "Read and check every reference file of the data directory, with the files in\n"
    "DIR in place of those of the same name, as load would; store nothing. Prints\n"
    "what the files hold, or the first problem as file:line: column: what is wrong\n"
    "(expected ...) and exits with status 2.\n";

static const char load_help[] =
    "usage: dsms reference load [DIR]\n"
    "\n"
    "Replace the reference data of the store with the files of the data directory,\n"
    "the files in DIR in place of those of the same name, and compute the\n"
    "comparator groups again: all in one transaction. If any file has a problem, the\n"
    "store is left exactly as it was. Stored records keep the codes they hold.\n";

void cli_refdata_counts(const dsms_refdata *ref, char *buf, size_t n)
{
    const struct {
        size_t n;
        const char *one, *many;
    } k[] = {{ref->nregions, "region", "regions"},
             {ref->nforces, "police force", "police forces"},
             {ref->nprobation, "probation region", "probation regions"},
             {ref->nareas, "area", "areas"},
             {ref->nprisons, "prison", "prisons"},
             {ref->nproviders, "provider", "providers"},
             {ref->nregisters, "mortality register", "mortality registers"},
             {ref->nreporters, "early-warning reporter", "early-warning reporters"},
             {ref->substances.n, "substance", "substances"}};
    size_t o = 0;
    buf[0] = 0;
    for (size_t i = 0; i < sizeof k / sizeof *k && o < n; i++)
        if (k[i].n || i < 7) /* reporters and substances: files a store may lack */
            o += (size_t)snprintf(buf + o, n - o, "%s%zu %s", i ? ", " : "", k[i].n,
                              cli_plural((long long)k[i].n, k[i].one, k[i].many));
}

/* Options of a subcommand: --json and --help only. Returns -1 after --help. */
static int options(int argc, char **argv, const char *usage, int *json)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'j' && json) *json = 1;
        else if (c == 'h') return fputs(usage, stdout), -1;
        else return fputs(usage, stderr), DSMS_REFUSED;
    }
    return 0;
}

/* The file a reference table is loaded from, or NULL (comparators). */
static const char *file_of(const char *table)
{
    for (size_t i = 0; dsms_refdata_file(i); i++) {
        const char *f = dsms_refdata_file(i);
        if (strncmp(f, table, strlen(table)) == 0 && strcmp(f + strlen(table), ".csv") == 0)
            return f;
    }
    return NULL;
}

/* ---- list ---- */

static int list(int argc, char **argv, cli_env *env)
{
    int json = 0, rc = options(argc, argv, list_help, &json);
    if (rc) return rc < 0 ? 0 : rc;
    if (optind < argc) return cli_error("list takes no arguments (see dsms reference list --help)");
    dsms_err err = {""};
    dsms_store *st = dsms_store_open(env->store, DSMS_STORE_READONLY, &err);
    if (!st) return cli_error("%s", err.msg);
    size_t n;
    const char *const *tables = dsms_store_ref_tables(&n);
    json_t *all = json ? json_array() : NULL;
    if (!json) printf("%-18s  %-22s  %8s\n", "table", "file", "rows");
    for (size_t i = 0; i < n && !rc; i++) {
        int64_t rows = dsms_store_count(st, tables[i], &err);
        const char *file = file_of(tables[i]);
        if (rows < 0) rc = cli_error("%s", err.msg);
        else if (json)
            json_array_append_new(all, json_pack("{s:s, s:s?, s:I}", "table", tables[i], "file",
                                                 file, "rows", (json_int_t)rows));
        else
            printf("%-18s  %-22s  %8lld\n", tables[i], file ? file : "(computed)",
                   (long long)rows);
    }
    if (json && !rc) json_dumpf(all, stdout, JSON_FLAGS), putchar('\n');
    json_decref(all);
    dsms_store_close(st);
    return rc;
}

/* ---- show ---- */


static json_t *json_value(const char *s, dsms_ref_kind kind)
{
    if (kind == DSMS_REF_NULL) return json_null();
    if (kind == DSMS_REF_TEXT) return json_string(s);
    if (strpbrk(s, ".eE")) return json_real(strtod(s, NULL));
    return json_integer(strtoll(s, NULL, 10));
}

static int show_row(void *ctx, const dsms_ref_row *row)
{
    json_t *all = ctx;
    if (all && !row->value) return 0;
    if (all) { /* -1: out of memory, said by the store (diag.h, "Callbacks") */
        json_t *o = json_object();
        int bad = !o;
        for (size_t i = 0; i < row->n; i++)
            bad |= json_object_set_new(o, row->name[i], json_value(row->value[i], row->kind[i]));
        bad |= json_array_append_new(all, o);
        return bad ? -1 : 0;
    }
    for (size_t i = 0; i < row->n; i++) {
        if (i) putchar(',');
        dsms_csv_put(stdout, row->value ? row->value[i] : row->name[i]);
    }
    putchar('\n');
    return 0;
}

static int show(int argc, char **argv, cli_env *env)
{
    int json = 0, rc = options(argc, argv, show_help, &json);
    if (rc) return rc < 0 ? 0 : rc;
    if (argc - optind != 1)
        return cli_error("show takes one TABLE (see dsms reference show --help)");
    char table[64];
    snprintf(table, sizeof table, "%s", argv[optind]);
    size_t len = strlen(table), n;
    if (len > 4 && strcmp(table + len - 4, ".csv") == 0) table[len - 4] = 0;
    const char *const *tables = dsms_store_ref_tables(&n);
    int known = 0;
    for (size_t i = 0; i < n; i++) known |= strcmp(tables[i], table) == 0;
    if (!known)
        return cli_error("'%s' is not a reference table (expected one of regions, police_forces, "
                         "probation_regions, areas, population, esp2013, prisons, providers, "
                         "comparators)", argv[optind]);
    dsms_err err = {""};
    dsms_store *st = dsms_store_open(env->store, DSMS_STORE_READONLY, &err);
    if (!st) return cli_error("%s", err.msg);
    json_t *all = json ? json_array() : NULL;
    if (json && !all) {
        dsms_store_close(st);
        return cli_error("out of memory");
    }
    rc = dsms_store_ref_each(st, table, show_row, all, &err) ? cli_error("%s", err.msg) : 0;
    if (json && !rc) json_dumpf(all, stdout, JSON_FLAGS), putchar('\n');
    json_decref(all);
    dsms_store_close(st);
    return rc;
}

/* ---- area ---- */

/* 1234567 as "1,234,567". */
static const char *thousands(double x, char *buf, size_t n)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", x);
    size_t len = strlen(digits), o = 0;
    for (size_t i = 0; i < len && o + 2 < n; i++) {
        if (i && (len - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = 0;
    return buf;
}

static double sex_total(const dsms_ref_area *a, int sex)
{
    double n = 0;
    for (int b = 0; b < DSMS_AGE_BANDS; b++) n += a->population[sex][b];
    return n;
}

static void print_org(const char *label, const dsms_ref_org *o)
{
    printf("  %-30s %s  %s\n", label, o->code, o->name);
}

static void print_area(const dsms_refdata *ref, int i)
{
    const dsms_ref_area *a = &ref->areas[i];
    double c[DSMS_CHARACTERISTICS];
    char t[3][32];
    dsms_area_characteristics(a, c);
    printf("%s  %s\n", a->code, a->name);
    print_org("region", &ref->regions[a->region]);
    print_org("police force", &ref->forces[a->force]);
    print_org("probation region", &ref->probation[a->probation]);
    printf("  %-30s %g\n", "opiate/crack users per 1,000", a->opiate_crack_per_1000);
    printf("  %-30s %g\n", "deprivation score", a->deprivation);
    printf("  %-30s %s (male %s, female %s)\n", "population",
           thousands(dsms_area_population(a), t[0], sizeof t[0]),
           thousands(sex_total(a, DSMS_SEX_M), t[1], sizeof t[1]),
           thousands(sex_total(a, DSMS_SEX_F), t[2], sizeof t[2]));
    printf("  %-30s %.1f%%\n", "aged 15-24", 100 * c[3]);
    printf("  %-30s %.1f%%\n", "aged 65 and over", 100 * c[4]);
    for (size_t k = 0; k < ref->nprisons; k++)
        if (ref->prisons[k].area == i)
            printf("  %-30s %s  %s (capacity %d)\n", "prison", ref->prisons[k].code,
                   ref->prisons[k].name, ref->prisons[k].capacity);
    for (size_t k = 0; k < ref->nproviders; k++)
        if (ref->providers[k].area == i)
            printf("  %-30s %s  %s\n", "provider", ref->providers[k].code, ref->providers[k].name);
    printf("\ncomparators (most similar first; distance in standard deviations):\n");
    for (int k = 0; k < DSMS_COMPARATORS && a->comparator[k] >= 0; k++) {
        const dsms_ref_area *o = &ref->areas[a->comparator[k]];
        printf("  %2d  %-9s  %-40s  %6.3f\n", k + 1, o->code, o->name, a->comparator_distance[k]);
    }
}

static json_t *org_json(const dsms_ref_org *o)
{
    return json_pack("{s:s, s:s}", "code", o->code, "name", o->name);
}

static json_t *area_json(const dsms_refdata *ref, int i)
{
    const dsms_ref_area *a = &ref->areas[i];
    double c[DSMS_CHARACTERISTICS];
    dsms_area_characteristics(a, c);
    json_t *chars = json_object(), *prisons = json_array(), *providers = json_array(),
           *comparators = json_array();
    for (int k = 0; k < DSMS_CHARACTERISTICS; k++)
        json_object_set_new(chars, dsms_characteristic_name(k), json_real(c[k]));
    for (size_t k = 0; k < ref->nprisons; k++)
        if (ref->prisons[k].area == i)
            json_array_append_new(prisons, json_string(ref->prisons[k].code));
    for (size_t k = 0; k < ref->nproviders; k++)
        if (ref->providers[k].area == i)
            json_array_append_new(providers, json_string(ref->providers[k].code));
    for (int k = 0; k < DSMS_COMPARATORS && a->comparator[k] >= 0; k++) {
        const dsms_ref_area *o = &ref->areas[a->comparator[k]];
        json_array_append_new(comparators,
                              json_pack("{s:i, s:s, s:s, s:f}", "rank", k + 1, "code", o->code,
                                        "name", o->name, "distance", a->comparator_distance[k]));
    }
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:f, s:f, s:{s:f, s:f, s:f}, s:o, s:o, s:o, s:o}",
                     "code", a->code, "name", a->name, "region", org_json(&ref->regions[a->region]),
                     "police_force", org_json(&ref->forces[a->force]), "probation_region",
                     org_json(&ref->probation[a->probation]), "opiate_crack_per_1000",
                     a->opiate_crack_per_1000, "deprivation_score", a->deprivation, "population",
                     "total", dsms_area_population(a), "male", sex_total(a, DSMS_SEX_M), "female",
                     sex_total(a, DSMS_SEX_F), "characteristics", chars, "prisons", prisons,
                     "providers", providers, "comparators", comparators);
}

static int area(int argc, char **argv, cli_env *env)
{
    int json = 0, rc = options(argc, argv, area_help, &json);
    if (rc) return rc < 0 ? 0 : rc;
    if (argc - optind != 1)
        return cli_error("area takes one CODE (see dsms reference area --help)");
    dsms_err err = {""};
    dsms_store *st = dsms_store_open(env->store, DSMS_STORE_READONLY, &err);
    if (!st) return cli_error("%s", err.msg);
    dsms_refdata ref;
    rc = dsms_refdata_fetch(&ref, st, &err);
    dsms_store_close(st);
    if (rc) return cli_error("%s", err.msg);
    int i = dsms_refdata_area(&ref, argv[optind]);
    if (i < 0) {
        cli_error("'%s' is not a reference area (expected an area code such as %s; dsms reference "
                  "show areas lists them)", argv[optind], ref.areas[0].code);
    } else if (json) {
        json_t *o = area_json(&ref, i);
        json_dumpf(o, stdout, JSON_FLAGS);
        putchar('\n');
        json_decref(o);
    } else {
        print_area(&ref, i);
    }
    dsms_refdata_free(&ref);
    return i < 0 ? DSMS_REFUSED : 0;
}

/* ---- check and load ---- */

static int read_files(int argc, char **argv, cli_env *env, const char *usage, dsms_refdata *ref,
                      const char **dir)
{
    int rc = options(argc, argv, usage, NULL);
    if (rc) return rc;
    if (argc - optind > 1)
        return cli_error("%s takes at most one DIR (see dsms reference %s --help)", argv[0],
                         argv[0]);
    *dir = optind < argc ? argv[optind] : NULL;
    dsms_err err = {""};
    if (dsms_refdata_read(ref, env->data, *dir, &err)) return cli_error("%s", err.msg);
    return 0;
}

static int check(int argc, char **argv, cli_env *env)
{
    dsms_refdata ref;
    const char *dir = NULL;
    int rc = read_files(argc, argv, env, check_help, &ref, &dir);
    if (rc) return rc < 0 ? 0 : rc;
    char counts[256];
    cli_refdata_counts(&ref, counts, sizeof counts);
    printf("reference data is good: %s\n", counts);
    dsms_refdata_free(&ref);
    return 0;
}

static int load(int argc, char **argv, cli_env *env)
{
    dsms_refdata ref;
    const char *dir = NULL;
    int rc = read_files(argc, argv, env, load_help, &ref, &dir);
    if (rc) {
        if (rc > 0) fprintf(stderr, "dsms: reference data refused: nothing was changed\n");
        return rc < 0 ? 0 : rc;
    }
    dsms_err err = {""};
    json_t *d = json_pack("{s:s, s:s?}", "data", env->data, "reference", dir);
    char *detail = d ? json_dumps(d, JSON_COMPACT) : NULL;
    json_decref(d);
    dsms_store *st = detail ? dsms_store_open(env->store, 0, &err) : NULL;
    if (!detail) dsms_err_set(&err, "out of memory");
    if (!st || dsms_store_begin(st, &err)) rc = -1;
    else if (dsms_refdata_store(&ref, st, &err) ||
             dsms_store_audit_from(st, cli_user(), "cli", "reference load", detail, &err) ||
             dsms_store_commit(st, &err)) {
        dsms_store_rollback(st);
        rc = -1;
    }
    dsms_store_close(st);
    free(detail);
    if (rc) {
        dsms_refdata_free(&ref);
        cli_error("%s", err.msg);
        fprintf(stderr, "dsms: reference data refused: nothing was changed\n");
        return DSMS_REFUSED;
    }
    char counts[256];
    cli_refdata_counts(&ref, counts, sizeof counts);
    printf("replaced the reference data of %s: %s\n", env->store, counts);
    dsms_refdata_free(&ref);
    return 0;
}

int cmd_reference(int argc, char **argv, cli_env *env)
{
    static const struct {
        const char *name;
        int (*run)(int, char **, cli_env *);
    } sub[] = {{"list", list}, {"show", show}, {"area", area}, {"check", check}, {"load", load}};
    if (argc < 2) return fputs(help, stderr), DSMS_REFUSED;
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return fputs(help, stdout), 0;
    for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++)
        if (strcmp(argv[1], sub[i].name) == 0) return sub[i].run(argc - 1, argv + 1, env);
    return cli_error("'%s' is not a reference command (expected list, show, area, check or load)",
                     argv[1]);
}
