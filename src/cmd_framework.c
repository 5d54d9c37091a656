/* cmd_framework.c — dsms framework check: outcomes frameworks read and
 * checked (dsms/framework.h), and with --results held against the store's
 * results: each measure metric's baseline has a figure, and no target is
 * already met there. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dsms/framework.h"
#include "dsms/measures.h"
#include "dsms/store.h"

static const char help[] =
    "usage: dsms framework check FILE... [--results]\n"
    "\n"
    "Read each outcomes framework (YAML, docs/frameworks.md) and check it: its\n"
    "fields, every measure and breakdown named, every period, every target due\n"
    "after its baseline. A fault is said as FILE:LINE: FIELD: what was expected.\n"
    "\n"
    "  --results   also hold it against the store (--store): the partnership or\n"
    "              areas it is for are in the reference data, and for each metric\n"
    "              drawn from a measure, England's figure for its baseline period is\n"
    "              in the results, and its target is not already met there\n"
    "\n"
    "exit status: 0 every framework is sound; 2 a fault (the first of each file said).\n";

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

int cmd_framework(int argc, char **argv, cli_env *env)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return fputs(help, argc < 2 ? stderr : stdout), argc < 2 ? DSMS_REFUSED : DSMS_OK;
    if (strcmp(argv[1], "check") != 0)
        return cli_error("framework: '%s' is not a subcommand (expected check)", argv[1]);
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
