/* cmd_framework.c — dsms framework: outcomes frameworks (dsms/framework.h)
 * checked, loaded into the store, listed and removed, and their statuses
 * shown: a loaded framework's as the store keeps them (worked out with the
 * results), a file's worked out from the results there and then. */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dsms/framework.h"
#include "dsms/measures.h"
#include "dsms/store.h"

static const char help[] =
    "usage: dsms framework check FILE... [--results]\n"
    "       dsms framework load FILE...\n"
    "       dsms framework list\n"
    "       dsms framework remove ID\n"
    "       dsms framework show ID|FILE [--area CODE|--partnership CODE] [--period P]\n"
    "                               [--format table|csv|json]\n"
    "\n"
    "check reads each outcomes framework (YAML, docs/frameworks.md) and checks it: its\n"
    "fields, every measure and breakdown named, every period, every target due after\n"
    "its baseline. A fault is said as FILE:LINE: FIELD: what was expected.\n"
    "\n"
    "  --results   also hold it against the store (--store): the partnership or\n"
    "              areas it is for are in the reference data, every series metric's\n"
    "              series in the catalogue with its polarity, and for each metric\n"
    "              drawn from a measure, England's figure for its baseline period is\n"
    "              in the results, and its target is not already met there\n"
    "\n"
    "load checks each FILE as check does (against the reference data) and keeps it in\n"
    "the store, replacing a framework of the same id; all or none are loaded. From then\n"
    "on its statuses are worked out and stored whenever the results or the series\n"
    "change (dsms compute, dsms series import). dsms init loads the frameworks for\n"
    "England shipped in the data directory's frameworks/. list names the loaded\n"
    "frameworks; remove takes one and its statuses out of the store.\n"
    "\n"
    "show holds each metric against its target, for England, --area CODE or each area of\n"
    "--partnership CODE (default: each area the framework is for, or England), in --period\n"
    "P (default: each metric's latest financial year): the latest figure with its 95%\n"
    "limits, the baseline, the target, the trajectory's value for the period, the status\n"
    "(achieved, on track, off track, or not yet assessable, and why), the direction of\n"
    "travel, and the gap in people to the trajectory. A loaded framework's ID shows the\n"
    "statuses stored with the results; a FILE's are worked out from the store's results.\n"
    "\n"
    "  --area CODE        an area, a region or England (E92000001)\n"
    "  --partnership CODE each area of a partnership (partnerships.csv)\n"
    "  --period P         a financial year (2024-25), or a calendar year (2024)\n"
    "  --format F         table (default), csv or json\n"
    "\n"
    "exit status: 0 done; 2 a fault (the first of each file said), no such framework or\n"
    "area, or no store.\n";

/* England's figure of a measure metric in a period, NaN when the results
 * have none; 0, or -1 on a store error. The category is not one of the
 * store's filters: the breakdown's few rows are looked through for it. */
typedef struct {
    const char *category;
    double value;
} pick;

static int take(void *ctx, const dsms_result *r)
{
    pick *p = ctx;
    if (!r->category || strcmp(r->category, p->category) != 0) return 0;
    p->value = r->value;
    return 1;
}

static int england(dsms_store *st, const dsms_metric *m, const char *period, double *value,
                   dsms_err *err)
{
    pick p = {m->category, NAN};
    dsms_result_filter q = {m->from, DSMS_ENGLAND_CODE, period, m->breakdown};
    if (dsms_store_each_result(st, &q, take, &p, err)) return -1;
    *value = p.value;
    return 0;
}

/* A metric's baseline and target against the results; 0 when sound, 1 with
 * the fault said. */
static int against_results(dsms_store *st, const char *path, const dsms_metric *m, int *bad,
                           dsms_err *err)
{
    if (m->source != DSMS_FROM_MEASURE || !m->baseline[0]) return 0;
    double base;
    if (england(st, m, m->baseline, &base, err)) return -1;
    if (isnan(base)) {
        fprintf(stderr, "dsms: %s:%d: baseline: no figure of %s for England in %s in the store's "
                        "results (compute them, or choose a period they have)\n",
                path, m->line, m->from, m->baseline);
        return *bad = 1, 0;
    }
    if (!m->has_target) return 0;
    dsms_goal g = {base, 0, m->target_kind, m->target, 1};
    double target = dsms_target_value(&g);
    int met = m->polarity == DSMS_POLARITY_HIGH_GOOD ? base >= target
              : m->polarity == DSMS_POLARITY_LOW_GOOD ? base <= target
                                                      : base == target;
    if (met) {
        fprintf(stderr, "dsms: %s:%d: target: %g is already met at the baseline (%s: %g)\n",
                path, m->line, target, m->baseline, base);
        *bad = 1;
    }
    return 0;
}

/* " for partnership X", " for areas A, B", or "" for England. */
static void scope_text(const dsms_framework *fw, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = 0;
    if (fw->partnership[0]) snprintf(buf, n, " for partnership %s", fw->partnership);
    for (size_t a = 0; a < fw->nareas && o < n; a++)
        o += (size_t)snprintf(buf + o, n - o, "%s%s", a ? ", " : " for areas ", fw->areas[a]);
}

static int check_one(const char *path, dsms_store *st, const dsms_refdata *ref)
{
    dsms_framework fw;
    dsms_err err = {""};
    if (dsms_framework_read(path, &fw, &err)) {
        fprintf(stderr, "dsms: %s\n", cli_esc(err.msg));
        return DSMS_REFUSED;
    }
    int bad = ref && dsms_framework_check_ref(path, &fw, ref, &err);
    if (bad) fprintf(stderr, "dsms: %s\n", cli_esc(err.msg));
    size_t from[3] = {0}, targets = 0;
    for (size_t i = 0; !bad && i < fw.nmetrics; i++) {
        from[fw.metrics[i].source]++;
        targets += fw.metrics[i].has_target;
        if (st && against_results(st, path, &fw.metrics[i], &bad, &err)) {
            fprintf(stderr, "dsms: %s\n", cli_esc(err.msg));
            bad = 1;
            break;
        }
    }
    char scope[1200];
    scope_text(&fw, scope, sizeof scope);
    if (!bad)
        printf("%s: %s (%s)%s: %zu outcomes, %zu metrics: %zu from measures, %zu from series, "
               "%zu with no source yet; %zu with a target\n",
               path, fw.id, cli_esc(fw.name), scope, fw.noutcomes, fw.nmetrics,
               from[DSMS_FROM_MEASURE], from[DSMS_FROM_SERIES], from[DSMS_FROM_NONE], targets);
    dsms_framework_free(&fw);
    return bad ? DSMS_REFUSED : DSMS_OK;
}

/* ---- show ---------------------------------------------------------------------------- */

static void num(char *buf, size_t n, double x)
{
    if (isnan(x)) snprintf(buf, n, "-");
    else dsms_number_text(x, buf);
}

static json_t *jnum(double x)
{
    return isnan(x) ? json_null() : json_real(x);
}

/* A figure as a table shows it (dsms_metric_digits). */
static void shown(char *buf, size_t n, double x)
{
    if (isnan(x)) snprintf(buf, n, "-");
    else snprintf(buf, n, "%.*f", dsms_metric_digits(x), x);
}

static void show_table(const dsms_framework *fw, const char *area, const dsms_metric_status *s)
{
    static const char row[] = "%-24s %-9s %9s %-13s %9s %9s %-7s %10s %7s %-10s %s\n";
    printf("%s: %s, %s\n\n", fw->id, fw->name, area);
    printf(row, "metric", "period", "value", "95% limits", "baseline", "target", "due",
           "trajectory", "gap", "trend", "status");
    for (size_t i = 0; i < fw->nmetrics; i++) {
        const dsms_metric *m = s[i].metric;
        const dsms_standing *t = &s[i].standing;
        char v[32], lo[32], hi[32], b[32], tg[32], tr[32], gap[32], limits[70];
        shown(v, sizeof v, s[i].value), shown(lo, sizeof lo, s[i].lower95);
        shown(hi, sizeof hi, s[i].upper95), shown(b, sizeof b, s[i].baseline);
        shown(tg, sizeof tg, t->target), shown(tr, sizeof tr, t->trajectory);
        snprintf(gap, sizeof gap, isnan(t->gap_people) ? "-" : "%.0f", t->gap_people);
        snprintf(limits, sizeof limits, isnan(s[i].lower95) ? "-" : "%s-%s", lo, hi);
        printf(row, m->id, s[i].period[0] ? s[i].period : "-", v, limits, b, tg,
               m->has_target ? m->due : "-", tr, gap, dsms_metric_travel(s[i].trend),
               dsms_metric_status_text(&s[i]));
    }
}

static void show_csv(const dsms_framework *fw, const char *area, const dsms_metric_status *s)
{
    for (size_t i = 0; i < fw->nmetrics; i++) {
        const dsms_metric *m = s[i].metric;
        const dsms_standing *t = &s[i].standing;
        char v[32], lo[32], hi[32], b[32], tg[32], tr[32], gap[32];
        num(v, sizeof v, s[i].value), num(lo, sizeof lo, s[i].lower95);
        num(hi, sizeof hi, s[i].upper95), num(b, sizeof b, s[i].baseline);
        num(tg, sizeof tg, t->target), num(tr, sizeof tr, t->trajectory);
        num(gap, sizeof gap, t->gap_people);
        printf("%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,\"%s\",%s,%s\n", fw->id, area,
               m->outcome, m->id, m->from, s[i].period, v, lo, hi, m->baseline, b, tg, m->due,
               tr, dsms_status_name(t->status), s[i].why, gap, s[i].trend);
    }
}

static int add_json(json_t *rows, const dsms_framework *fw, const char *area,
                    const dsms_metric_status *s)
{
    for (size_t i = 0; i < fw->nmetrics; i++) {
        const dsms_metric *m = s[i].metric;
        const dsms_standing *t = &s[i].standing;
        json_t *row = json_pack(
            "{ssssssssssss sososo ssso soss sosssssoss}", "framework", fw->id, "area", area,
            "outcome", m->outcome, "metric", m->id, "source", m->from, "period", s[i].period,
            "value", jnum(s[i].value), "lower95", jnum(s[i].lower95), "upper95",
            jnum(s[i].upper95), "baseline_period", m->baseline, "baseline", jnum(s[i].baseline),
            "target", jnum(t->target), "due", m->due, "trajectory", jnum(t->trajectory),
            "status", dsms_status_name(t->status), "why", s[i].why, "gap_people",
            jnum(t->gap_people), "trend", s[i].trend);
        if (!row || json_array_append_new(rows, row)) return -1;
    }
    return 0;
}

/* ---- show ---- */

typedef struct {
    const char *area, *partnership, *period, *format, *name;
} show_opts;

/* The framework name: a loaded one's id (*is_stored set), else a file. */
static int find_framework(dsms_store *st, const char *name, dsms_framework *fw, int *is_stored,
                          dsms_err *err)
{
    int found = dsms_framework_fetch(st, name, fw, err);
    if (found < 0) return -1;
    if ((*is_stored = found)) return 0;
    if (access(name, F_OK) == 0) return dsms_framework_read(name, fw, err);
    dsms_err_set(err, "framework show: '%s' is no loaded framework and no file (dsms framework "
                      "list names those loaded)", name);
    return -1;
}

/* The places to show: --area, --partnership's areas, the framework's own,
 * or England. n places are put in codes (room for DSMS_FW_MAX_AREAS). */
static int places(const show_opts *o, const dsms_framework *fw, const dsms_refdata *ref,
                  const char **codes, size_t *n)
{
    *n = 0;
    const char *partnership = o->partnership ? o->partnership : fw->partnership;
    if (o->area) {
        if (!dsms_refdata_place(ref, DSMS_LEVEL_ENGLAND, o->area) &&
            !dsms_refdata_place(ref, DSMS_LEVEL_REGION, o->area) &&
            !dsms_refdata_place(ref, DSMS_LEVEL_AREA, o->area))
            return cli_error("--area %s: not England, a region or an area of the reference data",
                             cli_esc(o->area));
        codes[(*n)++] = o->area;
    } else if (*partnership) {
        for (size_t i = 0; *n < DSMS_FW_MAX_AREAS && i < ref->npartnerships; i++)
            if (strcmp(ref->partnerships[i].code, partnership) == 0)
                codes[(*n)++] = ref->areas[ref->partnerships[i].area].code;
        if (!*n)
            return cli_error("--partnership %s: not a partnership of the reference data "
                             "(partnerships.csv)", cli_esc(partnership));
    } else {
        for (size_t i = 0; i < fw->nareas; i++) codes[(*n)++] = fw->areas[i];
        if (!*n) codes[(*n)++] = DSMS_ENGLAND_CODE;
    }
    return DSMS_OK;
}

static const char *place_name(const dsms_refdata *ref, const char *code)
{
    int a = dsms_refdata_area(ref, code);
    if (a >= 0) return ref->areas[a].name;
    for (size_t i = 0; i < ref->nregions; i++)
        if (strcmp(ref->regions[i].code, code) == 0) return ref->regions[i].name;
    return "England";
}

static int show_places(dsms_store *st, const show_opts *o, const dsms_framework *fw,
                       int is_stored, const dsms_refdata *ref, dsms_err *err)
{
    const char *codes[DSMS_FW_MAX_AREAS];
    size_t n;
    if (places(o, fw, ref, codes, &n) != DSMS_OK) return DSMS_REFUSED;
    dsms_metric_status *s = calloc(fw->nmetrics, sizeof *s);
    char(*why)[DSMS_FW_TEXT] = calloc(fw->nmetrics, sizeof *why);
    json_t *rows = json_array();
    int rc = s && why && rows ? DSMS_OK : cli_error("out of memory");
    if (!rc && strcmp(o->format, "csv") == 0)
        printf("framework,area,outcome,metric,source,period,value,lower95,upper95,"
               "baseline_period,baseline,target,due,trajectory,status,why,gap_people,trend\n");
    for (size_t p = 0; !rc && p < n; p++) {
        if (is_stored ? dsms_framework_stored(st, fw, codes[p], o->period, s, why, err)
                      : dsms_framework_status(st, fw, codes[p], o->period, s, err)) {
            rc = cli_error("%s", err->msg);
            break;
        }
        char label[160];
        snprintf(label, sizeof label, "%s (%s)", place_name(ref, codes[p]), codes[p]);
        if (strcmp(o->format, "table") == 0) {
            if (p) putchar('\n');
            show_table(fw, label, s);
        } else if (strcmp(o->format, "csv") == 0) show_csv(fw, codes[p], s);
        else if (add_json(rows, fw, codes[p], s)) rc = cli_error("out of memory");
    }
    char *text = !rc && strcmp(o->format, "json") == 0 ? json_dumps(rows, JSON_INDENT(2)) : NULL;
    if (text) puts(text);
    else if (!rc && strcmp(o->format, "json") == 0) rc = cli_error("out of memory");
    free(text);
    json_decref(rows);
    free(why);
    free(s);
    return rc;
}

static int show(int argc, char **argv, cli_env *env)
{
    static const struct option opts[] = {{"area", required_argument, NULL, 'a'},
                                         {"partnership", required_argument, NULL, 'P'},
                                         {"framework", required_argument, NULL, 'F'},
                                         {"period", required_argument, NULL, 'p'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    show_opts o = {NULL, NULL, NULL, "table", NULL};
    int c;
    optind = 2;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'a') o.area = optarg;
        else if (c == 'P') o.partnership = optarg;
        else if (c == 'F') o.name = optarg;
        else if (c == 'p') o.period = optarg;
        else if (c == 'f') o.format = optarg;
        else if (c == 'h') return fputs(help, stdout), DSMS_OK;
        else return fputs(help, stderr), DSMS_REFUSED;
    }
    if (strcmp(o.format, "table") != 0 && strcmp(o.format, "csv") != 0 &&
        strcmp(o.format, "json") != 0)
        return cli_error("--format %s: expected table, csv or json", o.format);
    if (o.area && o.partnership) return cli_error("give --area or --partnership, not both");
    if (!o.name && optind < argc) o.name = argv[optind++];
    if (!o.name || optind != argc)
        return cli_error("framework show: give one framework: a loaded one's id (dsms framework "
                         "list) or a file");
    dsms_err err = {""};
    dsms_store *st = dsms_store_open(env->store, DSMS_STORE_READONLY, &err);
    if (!st) return cli_error("%s", err.msg);
    dsms_framework fw = {0};
    dsms_refdata ref = {0};
    int is_stored = 0, rc = DSMS_REFUSED;
    if (dsms_refdata_fetch(&ref, st, &err) || find_framework(st, o.name, &fw, &is_stored, &err))
        cli_error("%s", cli_esc(err.msg));
    else rc = show_places(st, &o, &fw, is_stored, &ref, &err);
    dsms_framework_free(&fw);
    dsms_refdata_free(&ref);
    dsms_store_close(st);
    return rc;
}

/* ---- load, list, remove ---- */

static int load(int argc, char **argv, cli_env *env)
{
    if (argc < 3) return cli_error("framework load: give one or more framework files");
    dsms_err err = {""};
    dsms_store *st = dsms_store_open(env->store, 0, &err);
    if (!st) return cli_error("%s", err.msg);
    int rc = dsms_framework_load(st, (const char *const *)argv + 2, (size_t)argc - 2,
                                 cli_user(), &err);
    dsms_store_close(st);
    if (rc) return cli_error("%s (nothing was loaded)", cli_esc(err.msg));
    for (int i = 2; i < argc; i++) printf("loaded %s\n", argv[i]);
    return DSMS_OK;
}

static int list_one(void *ctx, const dsms_stored_framework *f)
{
    (void)ctx;
    printf("%-24s %-20s %-12s %s (%s)\n", f->id, f->loaded_at, f->loaded_by, cli_esc(f->name),
           cli_esc(f->file));
    return 0;
}

static int list(cli_env *env)
{
    dsms_err err = {""};
    dsms_store *st = dsms_store_open(env->store, DSMS_STORE_READONLY, &err);
    if (!st) return cli_error("%s", err.msg);
    printf("%-24s %-20s %-12s %s\n", "id", "loaded", "by", "name (file)");
    int rc = dsms_store_each_framework(st, NULL, list_one, NULL, &err);
    dsms_store_close(st);
    return rc ? cli_error("%s", err.msg) : DSMS_OK;
}

static int remove_one(const char *id, cli_env *env)
{
    dsms_err err = {""};
    dsms_store *st = dsms_store_open(env->store, 0, &err);
    if (!st) return cli_error("%s", err.msg);
    int rc = dsms_store_begin(st, &err);
    if (!rc) rc = dsms_store_framework_remove(st, id, &err);
    if (rc == 1) rc = dsms_store_audit(st, cli_user(), "framework remove", id, &err);
    else if (rc == 0) rc = 2;
    if (!rc) rc = dsms_store_commit(st, &err);
    else dsms_store_rollback(st);
    dsms_store_close(st);
    if (rc == 2) return cli_error("framework remove: no framework '%s' is loaded", cli_esc(id));
    if (rc) return cli_error("%s", err.msg);
    printf("removed %s\n", id);
    return DSMS_OK;
}

static int check(int argc, char **argv, cli_env *env)
{
    static const struct option opts[] = {{"results", no_argument, NULL, 'r'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    int c, results = 0;
    optind = 2;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'r') results = 1;
        else if (c == 'h') return fputs(help, stdout), DSMS_OK;
        else return fputs(help, stderr), DSMS_REFUSED;
    }
    if (optind >= argc) return cli_error("framework check: give one or more framework files");
    dsms_err err = {""};
    dsms_store *st = results ? dsms_store_open(env->store, DSMS_STORE_READONLY, &err) : NULL;
    if (results && !st) return cli_error("%s", err.msg);
    dsms_refdata ref;
    if (st && dsms_refdata_fetch(&ref, st, &err)) {
        dsms_store_close(st);
        return cli_error("%s", err.msg);
    }
    int rc = DSMS_OK;
    for (int i = optind; i < argc; i++)
        if (check_one(argv[i], st, st ? &ref : NULL) != DSMS_OK) rc = DSMS_REFUSED;
    if (st) dsms_refdata_free(&ref);
    dsms_store_close(st);
    return rc;
}

int cmd_framework(int argc, char **argv, cli_env *env)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return fputs(help, argc < 2 ? stderr : stdout), argc < 2 ? DSMS_REFUSED : DSMS_OK;
    if (strcmp(argv[1], "show") == 0) return show(argc, argv, env);
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return fputs(help, stdout), DSMS_OK;
    if (strcmp(argv[1], "check") == 0) return check(argc, argv, env);
    if (strcmp(argv[1], "load") == 0) return load(argc, argv, env);
    if (strcmp(argv[1], "list") == 0 && argc == 2) return list(env);
    if (strcmp(argv[1], "remove") == 0 && argc == 3) return remove_one(argv[2], env);
    if (strcmp(argv[1], "list") == 0 || strcmp(argv[1], "remove") == 0)
        return cli_error("usage: dsms framework list | dsms framework remove ID");
    return cli_error("framework: '%s' is not a subcommand (expected check, load, list, remove "
                     "or show)", cli_esc(argv[1]));
}
