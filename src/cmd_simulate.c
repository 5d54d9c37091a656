/* cmd_simulate.c — dsms simulate: write a simulated nation's submissions, or
 * with --calibration, print the figures of one already written beside the
 * targets the simulation is calibrated to. */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "dsms/dataset.h"
#include "dsms/field.h"
#include "dsms/refdata.h"
#include "dsms/sim_check.h"
#include "dsms/simulate.h"
#include "progress.h"

static const char help[] =
    "usage: dsms simulate --out DIR [OPTIONS]\n"
    "       dsms simulate --calibration DIR [--people N]\n"
    "\n"
    "Write a simulated nation as the submissions its organisations would send: one CSV\n"
    "per table, one submission per treatment provider, prison, police force and\n"
    "probation region per financial year, the year's deaths, and each early-warning\n"
    "reporter's reports, with outbreaks planted in them. The same people appear across\n"
    "sources with the same client attributor. Same options and seed, same bytes.\n"
    "\n"
    "  DIR/YYYY-YY/SOURCE/TABLE.csv   each submission (import with --source SOURCE)\n"
    "  DIR/manifest.csv               period,source,table,file,rows for every file\n"
    "  DIR/planted.csv                with --error-rate: file,line,table,field,kind\n"
    "  DIR/ew_outbreaks.csv           the early-warning outbreaks planted: where, the\n"
    "                                 first week, and the reports they added (listed\n"
    "                                 in DIR/ew_outbreak_reports.csv)\n"
    "  DIR/series.csv                 the nation's published series (docs/series.md),\n"
    "                                 every row's source \"Simulated by dsms: not real\n"
    "                                 data\"; import --tree imports it too\n"
    "\n"
    "options:\n"
    "  --out DIR          directory to create (must not exist)\n"
    "  --people N         people with a treatment need at any one time (default 800000:\n"
    "                     about 300,000 in treatment a year, England's adult system)\n"
    "  --years Y          financial years to write (default 1)\n"
    "  --start-year YYYY  first year, e.g. 2021 for April 2021 to March 2022 (default:\n"
    "                     the years ending with the last complete one before today)\n"
    "  --seed S           random seed (default 1)\n"
    "  --error-rate R     plant a realistic data error in this share of rows (default 0)\n"
    "  --no-outbreaks     early-warning reports without the planted outbreaks\n"
    "  --no-early-warning write no early-warning reports (ew_reports) at all\n"
    "  --quiet            print nothing but errors, and no progress line (the progress\n"
    "                     line is drawn on stderr only when it is a terminal)\n"
    "  --calibration DIR  simulate nothing: read the tree DIR written before and print,\n"
    "                     for each year in it, people in treatment by substance group,\n"
    "                     successful completions, waits, continuity of care after\n"
    "                     prison, deaths and the opiate rate by area, beside the targets\n"
    "                     the simulation is calibrated to and whether each is within its\n"
    "                     tolerance; give --people N when DIR was simulated with other\n"
    "                     than the default, to scale deaths to the nation\n"
    "\n"
    "Reference data (areas, providers, prisons, forces) comes from --data (the shipped\n"
    "data/ by default). How the simulation is calibrated: docs/simulation.md.\n"
    "\n"
    "exit status: 0 the tree written (or the calibration shown); 2 refused or failed,\n"
    "with a message saying why.\n";

static int ranged_number(const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    *out = 0;
    if (!*s || *end || !(v >= lo && v <= hi))
        return cli_error("%s: '%s' is not a number from %g to %g", opt, s, lo, hi);
    *out = v;
    return 0;
}

static int whole(const char *opt, const char *s, double lo, double hi, double *out)
{
    if (ranged_number(opt, s, lo, hi, out)) return DSMS_REFUSED;
    if (*out != (double)(long long)*out)
        return cli_error("%s: '%s' is not a whole number", opt, s);
    return 0;
}

/* The financial year that ended most recently before today. */
static int last_complete_year(int64_t today)
{
    char d[16];
    dsms_date_format(today, d);
    int y = atoi(d), month = atoi(d + 5);
    return month >= 4 ? y - 1 : y - 2;
}

static int parse(int argc, char **argv, dsms_sim_options *o, const char **calibration,
                 int *quiet)
{
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'},    {"people", required_argument, NULL, 'p'},
        {"years", required_argument, NULL, 'y'},  {"start-year", required_argument, NULL, 's'},
        {"seed", required_argument, NULL, 'S'},   {"error-rate", required_argument, NULL, 'e'},
        {"calibration", required_argument, NULL, 'c'}, {"quiet", no_argument, NULL, 'q'},
        {"no-early-warning", no_argument, NULL, 'W'},
        {"no-outbreaks", no_argument, NULL, 'B'},
        {"help", no_argument, NULL, 'h'},         {0, 0, 0, 0}};
    int c, shaping = 0;  /* an option only a simulation takes was given */
    double v = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        shaping |= c == 'y' || c == 's' || c == 'S' || c == 'e' || c == 'W' || c == 'B';
        switch (c) {
        case 'c': *calibration = optarg; break;
        case 'q': *quiet = 1; break;
        case 'W': o->no_early_warning = 1; break;
        case 'B': o->no_outbreaks = 1; break;
        case 'o': o->out = optarg; break;
        case 'p':
            if (whole("--people", optarg, 1, 1e8, &v)) return DSMS_REFUSED;
            o->people = (long)v;
            break;
        case 'y':
            if (whole("--years", optarg, 1, 50, &v)) return DSMS_REFUSED;
            o->years = (int)v;
            break;
        case 's':
            if (whole("--start-year", optarg, 1950, 2100, &v)) return DSMS_REFUSED;
            o->start_year = (int)v;
            break;
        case 'S':
            if (whole("--seed", optarg, 0, 9007199254740992.0, &v)) return DSMS_REFUSED;
            o->seed = (uint64_t)v;
            break;
        case 'e':
            if (ranged_number("--error-rate", optarg, 0, 1, &v)) return DSMS_REFUSED;
            o->error_rate = v;
            break;
        case 'h': fputs(help, stdout); return -1;
        default: fputs(help, stderr); return DSMS_REFUSED;
        }
    }
    if (optind < argc) return cli_error("unexpected argument '%s' (see dsms simulate --help)",
                                        argv[optind]);
    if (*calibration && (o->out || shaping))
        return cli_error("--calibration DIR reads a tree already written: it takes only "
                         "--people (see dsms simulate --help)");
    if (!o->out && !*calibration)
        return cli_error("--out DIR is required (see dsms simulate --help)");
    return 0;
}

/* ---- --calibration ---------------------------------------------------------- */

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void count_line(const dsms_sim_figures *f, const char *label, size_t offset)
{
    printf("%-46s", label);
    for (int y = 0; y < f->nyears; y++) {
        long v = *(const long *)((const char *)&f->year[y] + offset);
        if (v < 0) printf(" %15s", "-"); /* not known from these files */
        else printf(" %15ld", v);
    }
    putchar('\n');
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The median of the areas' opiate rates, and their range. */
static void rate_line(const dsms_sim_figures *f)
{
    double *v = malloc((f->nareas ? f->nareas : 1) * sizeof *v);
    if (!v || !f->nareas) {
        free(v);
        return;
    }
    printf("%-46s", "opiate per 1,000 aged 15-64: area median");
    for (int y = 0; y < f->nyears; y++) {
        memcpy(v, f->year[y].opiate_rate, f->nareas * sizeof *v);
        qsort(v, f->nareas, sizeof *v, by_double);
        char b[48];
        snprintf(b, sizeof b, "%.2f (%.2f-%.2f)", v[f->nareas / 2], v[0], v[f->nareas - 1]);
        printf(" %15s", b);
    }
    putchar('\n');
    free(v);
}

static void print_counts(const dsms_sim_figures *f)
{
    printf("%-46s", "");
    for (int y = 0; y < f->nyears; y++) printf(" %15s", f->year[y].period);
    putchar('\n');
    count_line(f, "people in treatment", offsetof(dsms_sim_year, in_treatment));
    for (int g = 0; g < DSMS_SIM_GROUPS; g++) {
        char label[64];
        snprintf(label, sizeof label, "  %s", dsms_sim_group_names[g]);
        count_line(f, label, offsetof(dsms_sim_year, group) + (size_t)g * sizeof(long));
    }
    for (int g = 0; g < DSMS_SIM_GROUPS; g++) {
        char label[64];
        snprintf(label, sizeof label, "successful completions: %s", dsms_sim_group_names[g]);
        count_line(f, label, offsetof(dsms_sim_year, completed) + (size_t)g * sizeof(long));
    }
    count_line(f, "new episodes (not transfers)", offsetof(dsms_sim_year, new_episodes));
    count_line(f, "  started within 3 weeks", offsetof(dsms_sim_year, waited_3wk));
    count_line(f, "prison releases with a treatment need", offsetof(dsms_sim_year, releases_need));
    count_line(f, "  in community treatment within 3 weeks", offsetof(dsms_sim_year, continuity));
    count_line(f, "deaths", offsetof(dsms_sim_year, deaths));
    count_line(f, "  drug misuse", offsetof(dsms_sim_year, drug_deaths));
    count_line(f, "drug misuse, calendar year it starts in",
               offsetof(dsms_sim_year, drug_deaths_calendar));
    rate_line(f);
}

/* Prints the figure against target beside each year; counts how many could be
 * assessed and how many of those are outside. */
static void print_targets(const dsms_sim_figures *f, int *assessed, int *outside)
{
    size_t n;
    const dsms_sim_target *t = dsms_sim_targets(&n);
    *assessed = *outside = 0;
    printf("\n%-46s %11s", "figure", "target");
    for (int y = 0; y < f->nyears; y++) printf(" %12s", f->year[y].period);
    putchar('\n');
    for (size_t i = 0; i < n; i++) {
        char range[32];
        if (t[i].hi == 1) snprintf(range, sizeof range, ">= %g", t[i].lo);
        else snprintf(range, sizeof range, "%g-%g", t[i].lo, t[i].hi);
        printf("%-46s %11s", t[i].label, range);
        for (int y = 0; y < f->nyears; y++) {
            double v = dsms_sim_value(f, y, i);
            char b[32];
            snprintf(b, sizeof b, t[i].format, v);
            int ok = dsms_sim_assess(f, y, i);
            *outside += ok == 0;
            *assessed += ok >= 0;
            printf(" %8s %3s", ok < 0 ? "n/a" : b, ok > 0 ? "ok" : ok < 0 ? "" : "OUT");
        }
        putchar('\n');
    }
}

static int calibrate(const char *dir, long people, cli_env *env)
{
    dsms_err err = {""};
    dsms_refdata ref;
    if (dsms_refdata_read(&ref, env->data, NULL, &err)) return cli_error("%s", err.msg);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    dsms_sim_figures f;
    int rc = dsms_sim_calibration(dir, &ref, people, &f, &err);
    double secs = seconds_since(&t0);
    dsms_refdata_free(&ref);
    if (rc) return cli_error("%s", err.msg);
    printf("calibration of %s: %d year%s, %ld %s read (%ld unreadable) in %.1f s; deaths "
           "scaled to the nation from %ld %s\n\n",
           dir, f.nyears, f.nyears == 1 ? "" : "s", f.rows, cli_plural(f.rows, "row", "rows"),
           f.skipped, secs, f.people, cli_plural(f.people, "person", "people"));
    print_counts(&f);
    int assessed, outside;
    size_t n;
    dsms_sim_targets(&n);
    print_targets(&f, &assessed, &outside);
    printf("\n%d of %d %s outside %s target", outside, assessed,
           cli_plural(assessed, "figure", "figures"), cli_plural(assessed, "its", "their"));
    if ((size_t)assessed < n * (size_t)f.nyears)
        printf(" (n/a: too few areas this small to compare)");
    putchar('\n');
    dsms_sim_figures_free(&f);
    return 0;
}

/* One year's people as they are lived. */
static void step(void *ctx, const char *period, long done, long total)
{
    char what[64];
    snprintf(what, sizeof what, "simulating %s", period);
    cli_progress_show(ctx, period, what, (uint64_t)done, (uint64_t)total, "people", 0, 0);
}

int cmd_simulate(int argc, char **argv, cli_env *env)
{
    dsms_sim_options o = {.people = DSMS_SIM_DEFAULT_PEOPLE, .years = 1, .seed = 1};
    const char *calibration = NULL;
    int quiet = 0;
    int rc = parse(argc, argv, &o, &calibration, &quiet);
    if (rc) return rc < 0 ? 0 : rc;
    if (calibration) return calibrate(calibration, o.people, env);
    int64_t today;
    if (cli_today(&today)) return DSMS_REFUSED;
    int last = last_complete_year(today);
    if (!o.start_year) o.start_year = last - o.years + 1;
    if (o.start_year + o.years - 1 > last)
        return cli_error("--start-year %d with --years %d reaches past the last complete "
                         "financial year (%d-%02d): its records would be dated in the future",
                         o.start_year, o.years, last, (last + 1) % 100);
    dsms_err err = {""};
    dsms_refdata ref;
    if (dsms_refdata_read(&ref, env->data, NULL, &err)) return cli_error("%s", err.msg);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    dsms_sim_summary s;
    cli_progress bar;
    cli_progress_init(&bar, quiet);
    o.progress = step, o.progress_ctx = &bar;
    rc = dsms_simulate(&ref, &o, &s, &err);
    cli_progress_clear(&bar);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    dsms_refdata_free(&ref);
    if (rc) return cli_error("%s", err.msg);
    if (quiet) return 0;
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("simulated %ld %s over %d year%s from %d-%02d (seed %llu) in %.1f s\n", o.people,
           cli_plural(o.people, "person", "people"), o.years, o.years == 1 ? "" : "s",
           o.start_year, (o.start_year + 1) % 100, (unsigned long long)o.seed, secs);
    size_t n;
    const dsms_table *t = dsms_tables(&n);
    for (size_t i = 0; i < n && i < DSMS_SIM_TABLES; i++)
        printf("  %-16s %10ld row%s\n", t[i].name, s.table_rows[i],
               s.table_rows[i] == 1 ? "" : "s");
    printf("wrote %ld row%s in %ld file%s to %s (list: %s/manifest.csv)\n", s.rows,
           s.rows == 1 ? "" : "s", s.files, s.files == 1 ? "" : "s", o.out, o.out);
    printf("wrote %ld published series value%s, simulated, to %s/series.csv\n", s.series,
           s.series == 1 ? "" : "s", o.out);
    if (s.outbreaks)
        printf("planted %d early-warning outbreak%s (list: %s/ew_outbreaks.csv)\n", s.outbreaks,
               s.outbreaks == 1 ? "" : "s", o.out);
    if (o.error_rate > 0)
        printf("planted %ld error%s (list: %s/planted.csv)\n", s.planted,
               s.planted == 1 ? "" : "s", o.out);
    return 0;
}
