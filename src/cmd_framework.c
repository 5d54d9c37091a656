/* cmd_framework.c — dsms framework check: outcomes frameworks read and
 * checked (dsms/framework.h), and with --results held against the store's
 * results: each measure metric's baseline has a figure, and no target is
 * already met there. */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dsms/framework.h"
#include "dsms/measures.h"
#include "dsms/store.h"

static const char help[] =
    "usage: dsms framework check FILE... [--results]\n"
    "       dsms framework show FILE [--area CODE] [--period P] [--format table|csv|json]\n"
    "\n"
    "Read each outcomes framework (YAML, docs/frameworks.md) and check it: its\n"
    "fields, every measure and breakdown named, every period, every target due\n"
    "after its baseline. A fault is said as FILE:LINE: FIELD: what was expected.\n"
    "\n"
    "  --results   also hold it against the store (--store): the partnership or\n"
    "              areas it is for are in the reference data, every series metric's\n"
    "              series in the catalogue with its polarity, and for each metric\n"
    "              drawn from a measure, England's figure for its baseline period is\n"
    "              in the results, and its target is not already met there\n"
    "\n"
    "show holds each metric of FILE against its target, from the store's results (--store),\n"
    "for England or --area CODE, in --period P (default: each metric's latest financial\n"
    "year): the latest figure with its 95% limits, the baseline, the target, the\n"
    "trajectory's value for the period, the status (achieved, on track, off track, or not\n"
    "yet assessable, and why), the direction of travel, and the gap in people to the\n"
    "trajectory.\n"
    "\n"
    "  --area CODE        an area, a region or England (default E92000001)\n"
    "  --period P         a financial year (2024-25) or any period the results have\n"
    "  --format F         table (default), csv or json\n"
    "\n"
    "exit status: 0 every framework is sound (shown); 2 a fault (the first of each file\n"
    "said), or no store.\n";

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

/* A series metric against the catalogue: the series is there, with the
 * polarity the framework gives it. 0 when sound, 1 with the fault said. */
static int series_known(const char *path, const dsms_metric *m, const dsms_refdata *ref)
{
    static const char *const names[] = {[DSMS_POLARITY_NONE] = "none",
                                        [DSMS_POLARITY_HIGH_GOOD] = "high",
                                        [DSMS_POLARITY_LOW_GOOD] = "low"};
    for (size_t i = 0; i < ref->nseries; i++) {
        if (strcmp(ref->series[i].code, m->from) != 0) continue;
        if (strcmp(ref->series[i].polarity, names[m->polarity]) == 0) return 0;
        fprintf(stderr, "dsms: %s:%d: polarity: '%s' is not the series %s's (%s)\n", path,
                m->line, names[m->polarity], m->from, ref->series[i].polarity);
        return 1;
    }
    fprintf(stderr, "dsms: %s:%d: series: '%s' is not in the series catalogue (series.csv; "
                    "dsms series catalogue lists it)\n",
            path, m->line, m->from);
    return 1;
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

/* Whether the framework's partnership and areas are in the reference data;
 * 0 when they are, 1 with the fault said. */
static int scope_known(const char *path, const dsms_framework *fw, const dsms_refdata *ref)
{
    int known = !fw->partnership[0];
    for (size_t i = 0; !known && i < ref->npartnerships; i++)
        known = strcmp(ref->partnerships[i].code, fw->partnership) == 0;
    if (!known) {
        fprintf(stderr, "dsms: %s: for: '%s' is not a partnership of the reference data "
                        "(partnerships.csv)\n", path, cli_esc(fw->partnership));
        return 1;
    }
    for (size_t a = 0; a < fw->nareas; a++) {
        known = 0;
        for (size_t i = 0; !known && i < ref->nareas; i++)
            known = strcmp(ref->areas[i].code, fw->areas[a]) == 0;
        if (!known) {
            fprintf(stderr, "dsms: %s: for: '%s' is not an area of the reference data "
                            "(areas.csv)\n", path, cli_esc(fw->areas[a]));
            return 1;
        }
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
    int bad = ref && scope_known(path, &fw, ref);
    size_t from[3] = {0}, targets = 0;
    for (size_t i = 0; !bad && i < fw.nmetrics; i++) {
        from[fw.metrics[i].source]++;
        targets += fw.metrics[i].has_target;
        if (ref && fw.metrics[i].source == DSMS_FROM_SERIES)
            bad = series_known(path, &fw.metrics[i], ref);
        if (!bad && st && against_results(st, path, &fw.metrics[i], &bad, &err)) {
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

/* A figure as a table shows it: whole from 100 up, else to one decimal. */
static void shown(char *buf, size_t n, double x)
{
    if (isnan(x)) snprintf(buf, n, "-");
    else snprintf(buf, n, fabs(x) >= 100 ? "%.0f" : "%.1f", x);
}

static void show_table(const dsms_framework *fw, const dsms_metric_status *s)
{
    printf("%-26s %-8s %-30s %-12s %-18s %-12s %-19s %-10s %s\n", "metric", "period",
           "value (95% limits)", "baseline", "target (due)", "trajectory", "status", "gap",
           "trend");
    for (size_t i = 0; i < fw->nmetrics; i++) {
        const dsms_metric *m = s[i].metric;
        const dsms_standing *t = &s[i].standing;
        char v[32], lo[32], hi[32], b[32], tg[32], tr[32], gap[32], value[100], target[64];
        shown(v, sizeof v, s[i].value), shown(lo, sizeof lo, s[i].lower95);
        shown(hi, sizeof hi, s[i].upper95), shown(b, sizeof b, s[i].baseline);
        shown(tg, sizeof tg, t->target), shown(tr, sizeof tr, t->trajectory);
        snprintf(gap, sizeof gap, isnan(t->gap_people) ? "-" : "%.0f", t->gap_people);
        snprintf(value, sizeof value, isnan(s[i].lower95) ? "%s" : "%s (%s-%s)", v, lo, hi);
        snprintf(target, sizeof target, m->has_target ? "%s (%s)" : "-", tg, m->due);
        const char *status = s[i].why[0] && t->status == DSMS_STATUS_NOT_ASSESSABLE
                                 ? s[i].why
                                 : dsms_status_name(t->status);
        printf("%-26s %-8s %-30s %-12s %-18s %-12s %-19s %-10s %s\n", m->id,
               s[i].period[0] ? s[i].period : "-", value, b, target, tr, status, gap,
               s[i].trend[0] ? s[i].trend : "-");
    }
}

static void show_csv(const dsms_framework *fw, const dsms_metric_status *s)
{
    printf("framework,outcome,metric,source,period,value,lower95,upper95,baseline_period,"
           "baseline,target,due,trajectory,status,why,gap_people,trend\n");
    for (size_t i = 0; i < fw->nmetrics; i++) {
        const dsms_metric *m = s[i].metric;
        const dsms_standing *t = &s[i].standing;
        char v[32], lo[32], hi[32], b[32], tg[32], tr[32], gap[32];
        num(v, sizeof v, s[i].value), num(lo, sizeof lo, s[i].lower95);
        num(hi, sizeof hi, s[i].upper95), num(b, sizeof b, s[i].baseline);
        num(tg, sizeof tg, t->target), num(tr, sizeof tr, t->trajectory);
        num(gap, sizeof gap, t->gap_people);
        printf("%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,\"%s\",%s,%s\n", fw->id, m->outcome,
               m->id, m->from, s[i].period, v, lo, hi, m->baseline, b, tg, m->due, tr,
               dsms_status_name(t->status), s[i].why, gap, s[i].trend);
    }
}

static int show_json(const dsms_framework *fw, const dsms_metric_status *s)
{
    json_t *rows = json_array();
    for (size_t i = 0; rows && i < fw->nmetrics; i++) {
        const dsms_metric *m = s[i].metric;
        const dsms_standing *t = &s[i].standing;
        json_array_append_new(
            rows, json_pack("{ssssssssss sososo ssso soss sosssssoss}", "framework", fw->id,
                            "outcome", m->outcome, "metric", m->id, "source", m->from, "period",
                            s[i].period, "value", jnum(s[i].value), "lower95",
                            jnum(s[i].lower95), "upper95", jnum(s[i].upper95),
                            "baseline_period", m->baseline, "baseline", jnum(s[i].baseline),
                            "target", jnum(t->target), "due", m->due, "trajectory",
                            jnum(t->trajectory), "status", dsms_status_name(t->status), "why",
                            s[i].why, "gap_people", jnum(t->gap_people), "trend",
                            s[i].trend));
    }
    char *text = rows ? json_dumps(rows, JSON_INDENT(2)) : NULL;
    json_decref(rows);
    if (!text) return cli_error("out of memory");
    puts(text);
    free(text);
    return DSMS_OK;
}

static int show(int argc, char **argv, cli_env *env)
{
    static const struct option opts[] = {{"area", required_argument, NULL, 'a'},
                                         {"period", required_argument, NULL, 'p'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    const char *area = NULL, *period = NULL, *format = "table";
    int c;
    optind = 2;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'a') area = optarg;
        else if (c == 'p') period = optarg;
        else if (c == 'f') format = optarg;
        else if (c == 'h') return fputs(help, stdout), DSMS_OK;
        else return fputs(help, stderr), DSMS_REFUSED;
    }
    if (strcmp(format, "table") != 0 && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
        return cli_error("--format %s: expected table, csv or json", format);
    if (optind + 1 != argc) return cli_error("framework show: give one framework file");
    dsms_framework fw;
    dsms_err err = {""};
    if (dsms_framework_read(argv[optind], &fw, &err)) return cli_error("%s", err.msg);
    dsms_store *st = dsms_store_open(env->store, DSMS_STORE_READONLY, &err);
    dsms_metric_status *s = st ? calloc(fw.nmetrics, sizeof *s) : NULL;
    int rc = DSMS_REFUSED;
    if (!st) cli_error("%s", err.msg);
    else if (!s) cli_error("out of memory");
    else if (dsms_framework_status(st, &fw, area, period, s, &err)) cli_error("%s", err.msg);
    else if (strcmp(format, "json") == 0) rc = show_json(&fw, s);
    else {
        if (strcmp(format, "csv") == 0) show_csv(&fw, s);
        else {
            printf("%s: %s, %s\n\n", fw.id, fw.name, area ? area : "England");
            show_table(&fw, s);
        }
        rc = DSMS_OK;
    }
    free(s);
    dsms_store_close(st);
    dsms_framework_free(&fw);
    return rc;
}

int cmd_framework(int argc, char **argv, cli_env *env)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return fputs(help, argc < 2 ? stderr : stdout), argc < 2 ? DSMS_REFUSED : DSMS_OK;
    if (strcmp(argv[1], "show") == 0) return show(argc, argv, env);
    if (strcmp(argv[1], "check") != 0)
        return cli_error("framework: '%s' is not a subcommand (expected check or show)", argv[1]);
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
