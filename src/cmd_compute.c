/* cmd_compute.c — dsms compute: recompute every measure from the store and
 * say what was done and how long each step took. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dsms/framework.h"
#include "dsms/measures.h"
#include "dsms/store.h"
#include "progress.h"

static const char help[] =
    "usage: dsms compute [--measures ID,...] [--quiet]\n"
    "\n"
    "Recompute every measure (docs/measures.md) from the records in the store: read\n"
    "them, link each person's records by pseudonym, build treatment journeys, and\n"
    "count each measure for England, every region and every area, for each financial\n"
    "year and the rolling 12 months to each quarter's end, with its breakdowns,\n"
    "95% and 99.8% limits, comparison with England and with the area's comparator\n"
    "group, and the recent trend; then decide, once, which results public output\n"
    "hides (disclosure control over every result of a measure and period together,\n"
    "docs/statistics.md), so that every public view hides the same cells. The\n"
    "results replace the store's earlier results in one transaction: a computation\n"
    "that fails leaves the earlier results as they were. Read them with dsms measures.\n"
    "\n"
    "  --measures ID,...   recompute only these measures (dsms measures --list), with\n"
    "                      those that share a count with them (their disclosure control\n"
    "                      is decided together), keeping the others' results as they were\n"
    "  --quiet             print nothing but errors, and no progress line (the progress\n"
    "                      line is drawn on stderr only when it is a terminal)\n"
    "\n"
    "exit status: 0 the results replaced; 2 refused or failed (no store, a damaged\n"
    "store, an unknown measure, out of memory): the earlier results stay as they were.\n";

/* 1234567 as "1,234,567". */
static const char *grouped(size_t n, char *buf)
{
    char tmp[32];
    int len = snprintf(tmp, sizeof tmp, "%zu", n), o = 0;
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = 0;
    return buf;
}

static void report(const dsms_compute_report *r)
{
    char a[32], b[32], c[32], d[32], e[32], f[32], g[32];
    double total = r->load_seconds + r->link_seconds + r->measure_seconds + r->store_seconds;
    if (!r->periods) {
        printf("nothing to compute: the store holds no records (%.1f s)\n", total);
        return;
    }
    char span[96];
    if (strcmp(r->first_period, r->last_period) == 0) /* one year: no rolling 12 months */
        snprintf(span, sizeof span, "%s", r->first_period);
    else
        snprintf(span, sizeof span, "%s to %s, and rolling 12 months", r->first_period,
                 r->last_period);
    char quarters[48] = "";
    if (r->quarters)
        snprintf(quarters, sizeof quarters, " and %zu quarter%s", r->quarters,
                 r->quarters == 1 ? "" : "s");
    printf("computed %zu measure%s over %zu period%s (%s)%s: %s result%s in %.1f s\n",
           r->measures, r->measures == 1 ? "" : "s", r->periods, r->periods == 1 ? "" : "s",
           span, quarters, grouped(r->results, a), r->results == 1 ? "" : "s", total);
    printf("  read     %s %s, %s %s, %s %s,\n"
           "           %s %s, %s %s, %s %s, %s %s   %6.2f s\n",
           grouped(r->episodes, a), cli_plural((long long)r->episodes, "episode", "episodes"),
           grouped(r->interventions, b),
           cli_plural((long long)r->interventions, "intervention", "interventions"),
           grouped(r->tops, c), cli_plural((long long)r->tops, "TOP review", "TOP reviews"),
           grouped(r->tests, d), cli_plural((long long)r->tests, "test on arrest", "tests on arrest"),
           grouped(r->releases, e),
           cli_plural((long long)r->releases, "prison release", "prison releases"),
           grouped(r->orders, f), cli_plural((long long)r->orders, "court order", "court orders"),
           grouped(r->deaths, g), cli_plural((long long)r->deaths, "death", "deaths"),
           r->load_seconds);
    printf("  linked   %s %s (%s by pseudonym, the rest unlinked consent-N records)"
           "   %6.2f s\n",
           grouped(r->persons, a), cli_plural((long long)r->persons, "person", "people"),
           grouped(r->linked, b), r->link_seconds);
    printf("  measured England, regions and areas, with intervals and comparisons, and\n"
           "           decided disclosure control, storing the results as they came   %6.2f s\n",
           r->measure_seconds);
    printf("  hid      %s %s from public output (%s with a count from 1 to 5, %s more\n"
           "           so that no total gives those away; %.2f s of the above)\n",
           grouped(r->primary + r->secondary, a),
           cli_plural((long long)(r->primary + r->secondary), "result", "results"),
           grouped(r->primary, b), grouped(r->secondary, c), r->disclosure_seconds);
    printf("  stored   the last results, replacing the earlier ones   %6.2f s\n",
           r->store_seconds);
}

/* The library's stages, as the progress line says them. */
static void step(void *ctx, const char *stage, size_t done, size_t total)
{
    static const char *const names[][2] = {{"load", "computing: reading the records"},
                                           {"link", "computing: linking people"},
                                           {"measures", "computing: measures"},
                                           {"store", "computing: storing the results"}};
    const char *what = stage;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(names[i][0], stage) == 0) what = names[i][1];
    cli_progress_show(ctx, stage, what, done, total, total ? "measures" : "", 0, 0);
}

/* Split "a,b,c" in place into at most max names; -1 for an empty name. */
static int split(char *s, char **names, size_t max, size_t *n)
{
    *n = 0;
    for (char *tok = s, *next; tok; tok = next) {
        next = strchr(tok, ',');
        if (next) *next++ = 0;
        if (!*tok || *n == max) return -1;
        names[(*n)++] = tok;
    }
    return 0;
}

int cmd_compute(int argc, char **argv, cli_env *env)
{
    static const struct option opts[] = {{"quiet", no_argument, NULL, 'q'},
                                         {"measures", required_argument, NULL, 'm'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    int c, quiet = 0;
    char *list = NULL, *names[64];
    size_t n = 0;
    while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
        if (c == 'q') quiet = 1;
        else if (c == 'm') list = optarg;
        else if (c == 'h') return fputs(help, stdout), 0;
        else return fputs(help, stderr), DSMS_REFUSED;
    }
    if (optind < argc) return cli_error("compute: unexpected argument '%s'", argv[optind]);
    char copy[1024];
    if (list && (snprintf(copy, sizeof copy, "%s", list) >= (int)sizeof copy ||
                 split(copy, names, sizeof names / sizeof *names, &n)))
        return cli_error("compute: --measures '%s' (expected measure IDs separated by commas)",
                         list);
    dsms_err err = {""};
    /* Checked for damage while the records are read (dsms_compute). */
    dsms_store *st = dsms_store_open(env->store, DSMS_STORE_CHECK_LATER, &err);
    if (!st) return cli_error("%s", err.msg);
    dsms_framework_attach(st); /* the frameworks' statuses are stored with the results */
    cli_progress bar;
    cli_progress_init(&bar, quiet);
    dsms_compute_report rep = {.progress = step, .progress_ctx = &bar};
    int rc = dsms_compute(st, list ? (const char *const *)names : NULL, n, &rep, &err);
    cli_progress_clear(&bar);
    if (!rc) {
        char detail[128];
        snprintf(detail, sizeof detail, "%zu results over %zu periods", rep.results, rep.periods);
        rc = dsms_store_audit_from(st, cli_user(), "cli", "compute", detail, &err);
    }
    dsms_store_close(st);
    if (rc) return cli_error("%s", err.msg);
    if (!quiet) report(&rep);
    return 0;
}
