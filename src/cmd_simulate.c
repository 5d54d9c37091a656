/* cmd_simulate.c — dsms simulate: write a simulated nation's submissions. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "dataset.h"
#include "field.h"
#include "refdata.h"
#include "simulate.h"

static const char help[] =
    "usage: dsms simulate --out DIR [OPTIONS]\n"
    "\n"
    "Write a simulated nation as the submissions its organisations would send: one CSV\n"
    "per table, one submission per treatment provider, prison, police force and\n"
    "probation region per financial year, and the year's deaths. The same people appear\n"
    "across sources with the same client attributor. Same options and seed, same bytes.\n"
    "\n"
    "  DIR/YYYY-YY/SOURCE/TABLE.csv   each submission (import with --source SOURCE)\n"
    "  DIR/manifest.csv               period,source,table,file,rows for every file\n"
    "  DIR/planted.csv                with --error-rate: file,line,table,field,kind\n"
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
    "\n"
    "Reference data (areas, providers, prisons, forces) comes from --data (the shipped\n"
    "data/ by default). How the simulation is calibrated: docs/simulation.md.\n";

static int number(const char *opt, const char *s, double lo, double hi, double *out)
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
    if (number(opt, s, lo, hi, out)) return DSMS_REFUSED;
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

static int parse(int argc, char **argv, dsms_sim_options *o)
{
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'},    {"people", required_argument, NULL, 'p'},
        {"years", required_argument, NULL, 'y'},  {"start-year", required_argument, NULL, 's'},
        {"seed", required_argument, NULL, 'S'},   {"error-rate", required_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},         {0, 0, 0, 0}};
    int c;
    double v = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
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
            if (number("--error-rate", optarg, 0, 1, &v)) return DSMS_REFUSED;
            o->error_rate = v;
            break;
        case 'h': fputs(help, stdout); return -1;
        default: fputs(help, stderr); return DSMS_REFUSED;
        }
    }
    if (optind < argc) return cli_error("unexpected argument '%s' (see dsms simulate --help)",
                                        argv[optind]);
    if (!o->out) return cli_error("--out DIR is required (see dsms simulate --help)");
    return 0;
}

int cmd_simulate(int argc, char **argv, cli_env *env)
{
    dsms_sim_options o = {DSMS_SIM_DEFAULT_PEOPLE, 1, 0, 1, 0.0, NULL};
    int rc = parse(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
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
    rc = dsms_simulate(&ref, &o, &s, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    dsms_refdata_free(&ref);
    if (rc) return cli_error("%s", err.msg);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("simulated %ld people over %d year%s from %d-%02d (seed %llu) in %.1f s\n", o.people,
           o.years, o.years == 1 ? "" : "s", o.start_year, (o.start_year + 1) % 100,
           (unsigned long long)o.seed, secs);
    size_t n;
    const dsms_table *t = dsms_tables(&n);
    for (size_t i = 0; i < n && i < DSMS_SIM_TABLES; i++)
        printf("  %-16s %10ld rows\n", t[i].name, s.table_rows[i]);
    printf("wrote %ld rows in %ld files to %s (list: %s/manifest.csv)\n", s.rows, s.files, o.out,
           o.out);
    if (o.error_rate > 0)
        printf("planted %ld errors (list: %s/planted.csv)\n", s.planted, o.out);
    return 0;
}
