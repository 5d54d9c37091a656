/* cmd_series.c — dsms series: published series beside the record-level data
 * (docs/series.md): the catalogue the store holds, importing a file of
 * values whole or not at all, and listing what is stored. */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dsms/framework.h"
#include "dsms/csv.h"
#include "dsms/refdata.h"
#include "dsms/series.h"
#include "dsms/store.h"

static const char help[] =
    "usage: dsms series COMMAND [OPTIONS]\n"
    "\n"
    "Published series (docs/series.md): aggregate statistics from the Crime Survey,\n"
    "NHS Digital, the Home Office, the NCA, HMPPS and ONS, held beside the\n"
    "record-level data, each value for a series, a period and a place.\n"
    "\n"
    "commands:\n"
    "  catalogue [--format csv|json]   the series the store may hold (series.csv)\n"
    "  import FILE [--source TEXT]     check a file of values and store it whole, or\n"
    "                                  refuse it whole, storing nothing\n"
    "  check FILE                      the same checks, storing nothing\n"
    "  list [--series CODE] [--area CODE] [--format csv|json]\n"
    "                                  the stored values\n"
    "\n"
    "A file of values is CSV with the header\n"
    "  series,period,level,code,value,numerator,denominator,lower,upper,unit,source,as_at\n"
    "(numerator to as_at may be absent or empty). A diagnostic reads\n"
    "file:line: field: what is wrong (expected ...). --source names the submission's\n"
    "source in dsms status (default: published).\n"
    "\n"
    "exit status: 0 done; 1 check or import: the file has errors (nothing stored);\n"
    "2 refused (bad arguments, no store, an unreadable file).\n";

/* Diagnostics to stderr, the first MAX_PRINTED of them. */
enum { MAX_PRINTED = 50 };
typedef struct {
    long n;
} printer;

static void print_diag(void *ctx, const dsms_diag *d)
{
    printer *p = ctx;
    if (p->n++ >= MAX_PRINTED) return;
    char line[1536];
    dsms_diag_format(d, line, sizeof line);
    fprintf(stderr, "%s\n", cli_esc(line));
}

static int fetch(dsms_store *st, dsms_refdata *ref)
{
    dsms_err err = {""};
    if (dsms_refdata_fetch(ref, st, &err)) return cli_error("%s", err.msg);
    if (ref->nseries == 0) {
        dsms_refdata_free(ref);
        return cli_error("the store holds no series catalogue (a store made before schema "
                         "version 7): load it with dsms reference load");
    }
    return 0;
}

static int import(const char *file, const char *source, int store, cli_env *env)
{
    dsms_err err = {""};
    dsms_store *st = dsms_store_open(env->store, store ? 0 : DSMS_STORE_READONLY, &err);
    if (!st) return cli_error("%s", err.msg);
    dsms_framework_attach(st); /* the frameworks' statuses are stored with the series */
    dsms_refdata ref;
    if (fetch(st, &ref)) {
        dsms_store_close(st);
        return DSMS_REFUSED;
    }
    printer p = {0};
    dsms_series_opts o = {file, source, cli_user(), 0, store, print_diag, &p};
    dsms_series_result res;
    int rc = cli_today(&o.today) ? -2 : dsms_series_import(st, &ref, &o, &res, &err);
    dsms_refdata_free(&ref);
    dsms_store_close(st);
    if (rc == -2) return DSMS_REFUSED;
    if (rc < 0) return cli_error("%s", err.msg);
    if (p.n > MAX_PRINTED) fprintf(stderr, "... and %ld more\n", p.n - MAX_PRINTED);
    if (rc == 1) {
        fprintf(stderr, "%s: series: %ld %s read, %ld with errors: the file is refused, "
                        "nothing was stored\n",
                cli_esc(file), res.rows, cli_plural(res.rows, "row", "rows"), res.refused);
        return 1;
    }
    if (store)
        printf("%s: series: %ld %s read = %ld stored; submission %lld\n", cli_esc(file),
               res.rows, cli_plural(res.rows, "row", "rows"), res.stored,
               (long long)res.submission);
    else
        printf("%s: series: %ld %s read, all good\n", cli_esc(file), res.rows,
               cli_plural(res.rows, "row", "rows"));
    return 0;
}

static int format_of(const char *s, int *json)
{
    if (strcmp(s, "csv") == 0) *json = 0;
    else if (strcmp(s, "json") == 0) *json = 1;
    else return cli_error("--format: '%s' is not a format (expected csv or json)", s);
    return 0;
}

static int catalogue(int json, cli_env *env)
{
    dsms_err err = {""};
    dsms_store *st = dsms_store_open(env->store, DSMS_STORE_READONLY, &err);
    if (!st) return cli_error("%s", err.msg);
    dsms_refdata ref;
    int rc = fetch(st, &ref);
    dsms_store_close(st);
    if (rc) return DSMS_REFUSED;
    json_t *all = json ? json_array() : NULL;
    if (!json) printf("code,name,unit,polarity,source,levels\n");
    for (size_t i = 0; i < ref.nseries; i++) {
        const dsms_ref_series *x = &ref.series[i];
        char levels[64] = "";
        for (int k = 0; k < DSMS_SERIES_LEVELS; k++)
            if (x->levels & (1u << k))
                snprintf(levels + strlen(levels), sizeof levels - strlen(levels), "%s%s",
                         *levels ? ";" : "", dsms_series_levels[k]);
        if (json) {
            json_array_append_new(all, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "code",
                                                 x->code, "name", x->name, "unit", x->unit,
                                                 "polarity", x->polarity, "source",
                                                 x->source, "levels", levels));
            continue;
        }
        const char *v[] = {x->code, x->name, x->unit, x->polarity, x->source, levels};
        for (int k = 0; k < 6; k++) {
            if (k) putchar(',');
            dsms_csv_put(stdout, v[k]);
        }
        putchar('\n');
    }
    dsms_refdata_free(&ref);
    if (json) {
        json_dumpf(all, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
        json_decref(all);
    }
    return 0;
}

typedef struct {
    int json;
    json_t *all;
    long n;
} listing;

static void put_number(double x)
{
    char buf[32];
    if (isnan(x)) return;
    dsms_number_text(x, buf);
    fputs(buf, stdout);
}

static json_t *json_number(double x)
{
    return isnan(x) ? json_null() : json_real(x);
}

/* -1: out of memory, said by the store (diag.h, "Callbacks"). */
static int one_value(void *ctx, const dsms_series_value *v)
{
    listing *l = ctx;
    l->n++;
    if (l->json) {
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:s?, "
                              "s:I, s:I}",
                              "series", v->series, "period", v->period, "level", v->level,
                              "code", v->code, "value", json_number(v->value), "numerator",
                              json_number(v->numerator), "denominator",
                              json_number(v->denominator), "lower", json_number(v->lower),
                              "upper", json_number(v->upper), "unit", v->unit, "source",
                              cli_json_text(v->source), "as_at", *v->as_at ? v->as_at : NULL,
                              "submission", (json_int_t)v->submission, "line",
                              (json_int_t)v->line);
        return o && json_array_append_new(l->all, o) == 0 ? 0 : -1;
    }
    printf("%s,%s,%s,%s,", v->series, v->period, v->level, v->code);
    const double num[] = {v->value, v->numerator, v->denominator, v->lower, v->upper};
    for (int k = 0; k < 5; k++) {
        put_number(num[k]);
        putchar(',');
    }
    printf("%s,", v->unit);
    dsms_csv_put(stdout, v->source);
    printf(",%s,%lld,%ld\n", v->as_at, (long long)v->submission, v->line);
    return 0;
}

static int list(const char *series, const char *area, int json, cli_env *env)
{
    dsms_err err = {""};
    dsms_store *st = dsms_store_open(env->store, DSMS_STORE_READONLY, &err);
    if (!st) return cli_error("%s", err.msg);
    listing l = {json, json ? json_array() : NULL, 0};
    if (!json)
        printf("series,period,level,code,value,numerator,denominator,lower,upper,unit,source,"
               "as_at,submission,line\n");
    int rc = dsms_store_each_series(st, series, area, one_value, &l, &err);
    dsms_store_close(st);
    if (!rc && json) {
        json_dumpf(l.all, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
        putchar('\n');
    }
    json_decref(l.all);
    return rc ? cli_error("%s", err.msg) : 0;
}

int cmd_series(int argc, char **argv, cli_env *env)
{
    static const struct option opts[] = {{"source", required_argument, NULL, 's'},
                                         {"series", required_argument, NULL, 'S'},
                                         {"area", required_argument, NULL, 'a'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    const char *source = NULL, *series = NULL, *area = NULL;
    int json = 0, c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': source = optarg; break;
        case 'S': series = optarg; break;
        case 'a': area = optarg; break;
        case 'f':
            if (format_of(optarg, &json)) return DSMS_REFUSED;
            break;
        case 'h': fputs(help, stdout); return 0;
        default: fputs(help, stderr); return DSMS_REFUSED;
        }
    }
    const char *what = optind < argc ? argv[optind] : NULL;
    int rest = argc - optind - 1;
    if (!what) {
        fputs(help, stderr);
        return DSMS_REFUSED;
    }
    if (strcmp(what, "import") == 0 || strcmp(what, "check") == 0) {
        if (rest != 1) return cli_error("series %s: expected one FILE", what);
        return import(argv[optind + 1], source, what[0] == 'i', env);
    }
    if (rest != 0) return cli_error("series %s: unexpected argument '%s'", what,
                                    cli_esc(argv[optind + 1]));
    if (strcmp(what, "catalogue") == 0) return catalogue(json, env);
    if (strcmp(what, "list") == 0) {
        if (area && strcmp(area, "england") == 0) area = DSMS_ENGLAND_CODE;
        return list(series, area, json, env);
    }
    return cli_error("series: '%s' is not a command (expected catalogue, import, check or "
                     "list)", cli_esc(what));
}
