/* cmd_stats.c — dsms stats: the public-health statistical methods over a CSV
 * file, as analysts use them for indicators (docs/statistics.md). Thin over
 * lib/stats/stats_table.c: it parses the options, opens the input and writes the
 * result; nothing is printed to stdout unless the whole input was good. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dsms/farrington.h"
#include "dsms/stats_table.h"
#include "dsms/text.h"

static const char help[] =
    "usage: dsms stats METHOD --input FILE.csv [OPTIONS]\n"
    "\n"
    "Public-health statistics for indicators: values with confidence limits at 95%\n"
    "and 99.8%, funnel-plot control limits, comparison with a benchmark and the\n"
    "recent trend, by the methods of PHE's Technical Guide, and outbreak detection\n"
    "in weekly counts (docs/statistics.md).\n"
    "The input is CSV with a header; columns are found by name, in any order.\n"
    "An empty cell is a missing value: that row's figures are left empty.\n"
    "Counts (numerator, count) are whole numbers from 0 to " DSMS_STR(DSMS_STATS_COUNT_MAX) "\n"
    "(2^53; 3.0 and 1e3 are whole); denominators and populations are at most\n"
    "that too. Numbers are plain decimals: no spaces, hexadecimal, inf or nan.\n"
    "Every output ends with a column note: where a figure is not given, it\n"
    "says why (numerator is empty, fewer than 10 events, ...).\n"
    "\n"
    "methods:\n"
    "  proportion  columns numerator,denominator. Wilson score limits.\n"
    "              Adds value,lower95,upper95,lower99_8,upper99_8, as a\n"
    "              percentage (--multiplier, default 100; 1 for a fraction).\n"
    "  rate        columns count,denominator. Exact Poisson limits below 10\n"
    "              events, Byar's from 10. Adds value and limits per\n"
    "              --multiplier (default 100000).\n"
    "  dsr         columns area,age_band,count,population: one row for each\n"
    "              age band of the 2013 European Standard Population (0-4,\n"
    "              5-9, ..., 85-89, 90+; built in) in each area; an empty count\n"
    "              is 0. Directly standardised rate with Dobson's limits per\n"
    "              --multiplier (default 100000). One row per area:\n"
    "              area,total_count,total_population,value,limits,note; below\n"
    "              10 events the rate is not published.\n"
    "  mean        columns area,value: one row per value. Student's t limits.\n"
    "              One row per area: area,count,sd,value,limits,note. Empty values\n"
    "              are left out; a mean of one value has no limits.\n"
    "  isr         columns area,age_band,count,population,ref_count,\n"
    "              ref_population: one row per area and age band, the band's\n"
    "              count and population in the area and in the reference; or\n"
    "              with --reference FILE columns area,age_band,count,population\n"
    "              and the reference's age_band,ref_count,ref_population in\n"
    "              FILE, joined by age_band (each area needs a row for every\n"
    "              band of it). An empty count is 0. Indirectly standardised\n"
    "              ratio: observed over expected, the events the area would\n"
    "              have at the reference's rates; limits of the observed count\n"
    "              (exact below 10 events, Byar's from 10) over expected. One\n"
    "              row per area: area,observed,expected,value,limits,note.\n"
    "              value x 100 (--multiplier, default 100; 1 for the plain\n"
    "              ratio); with --rate, the indirectly standardised rate: the\n"
    "              ratio x the reference's crude rate (its counts over its\n"
    "              populations, summed over the area's bands) per --multiplier\n"
    "              (default 100000).\n"
    "  funnel      columns numerator,denominator (--type proportion, the\n"
    "              default) or count,denominator (--type rate). The baseline is\n"
    "              the pooled value, sum of numerators over sum of\n"
    "              denominators (a proportion's numerator may have a fraction),\n"
    "              or --baseline. Adds value,baseline, the\n"
    "              control limits at the row's denominator and significance:\n"
    "              high (99.8%), high (95%), not significant, low (95%) or\n"
    "              low (99.8%). With --limits FROM:TO[:STEP], prints instead\n"
    "              the limits over a range of denominators (STEP omitted: 100\n"
    "              points evenly on a log scale, whole numbers from 1):\n"
    "              denominator,baseline,limits,note. --input may then be left out\n"
    "              if --baseline is given. Multiplier 100 for a proportion,\n"
    "              100000 for a rate.\n"
    "              --type ratio: columns observed,expected (counts of events,\n"
    "              as from isr). Baseline 1; value observed/expected, control\n"
    "              limits at the row's expected count, all x --multiplier\n"
    "              (default 1; 100 as for isr). significance: the observed\n"
    "              count's limits (exact below 10, Byar's from 10) over\n"
    "              expected, against 1. With --limits FROM:TO[:STEP] the\n"
    "              table is by observed count (whole, from 1): observed,\n"
    "              baseline and, for each level, expected_lowerL (the expected\n"
    "              count at which the observed one is on the lower limit),\n"
    "              lowerL, expected_upperL, upperL; no --input needed.\n"
    "              --type dsr --years N: columns count,rate, directly\n"
    "              standardised rates per --multiplier (default 100000)\n"
    "              pooled over N years, with their events. Each row's\n"
    "              population is count/rate (none for no events). Baseline:\n"
    "              sum of counts over sum of populations, or --baseline. Adds\n"
    "              population (per year), baseline, control limits at the\n"
    "              row's population and significance (the count's limits over\n"
    "              its population against the baseline; none below 10\n"
    "              events). With --limits FROM:TO[:STEP] the table is by number\n"
    "              of events: events,baseline and, for each level,\n"
    "              population_lowerL (per year), lowerL, population_upperL,\n"
    "              upperL.\n"
    "  compare     columns lower95,upper95 (the first --confidence level's\n"
    "              limits), optionally lower99_8,upper99_8, and benchmark\n"
    "              (or --benchmark X). Adds comparison: similar when the\n"
    "              benchmark lies inside the 95% interval, limits included;\n"
    "              else better or worse by --polarity high|low (higher or\n"
    "              lower with --polarity none, the default); not compared\n"
    "              without limits. With the 99.8% limits, comparison99_8 too.\n"
    "  trend       columns area,period,numerator,denominator. The chi-squared\n"
    "              test for linear trend over each area's last 5 periods (in\n"
    "              order by their text: 2019, 2019/20, 2019-06, 2019 Q1),\n"
    "              significant at 99.8%. One row per area: area,from,to,\n"
    "              trend,chi_squared,gradient,note. trend is increasing,\n"
    "              decreasing, no significant change, or cannot be calculated,\n"
    "              with the reason in note (fewer than 5 points, a point is\n"
    "              missing, a point has a denominator of 0, every point 0% or\n"
    "              every point 100%).\n"
    "              gradient: the change per period of the weighted\n"
    "              least-squares line, times --multiplier (default 100:\n"
    "              percentage points).\n"
    "  farrington  columns series,week,count: weekly counts of each series, a week\n"
    "              as an ISO week (2024-W07: its Monday) or a date (YYYY-MM-DD),\n"
    "              rows in any order but every week of a series there once,\n"
    "              without gaps (a week without cases has count 0). Outbreak\n"
    "              detection by the Farrington method, or Noufaily's\n"
    "              improvement of it (--noufaily), as farringtonFlexible of\n"
    "              R's surveillance: for each week, a quasi-Poisson model of\n"
    "              the same weeks of past years gives the expected count and\n"
    "              the threshold, the upper limit of its prediction interval;\n"
    "              alarm 1 when the count is above the threshold. One row per\n"
    "              week assessed: series,week (as given),count,expected,\n"
    "              threshold,alarm,note. With fewer than 5 cases in the last 4\n"
    "              weeks there is no threshold, and no alarm (alarm 0).\n"
    "              Options (the defaults are the method's):\n"
    "                --noufaily           Noufaily's settings: 10 seasonal\n"
    "                                     periods, 26 past weeks left out,\n"
    "                                     negative binomial threshold\n"
    "                --years-back B       years of history (default 4)\n"
    "                --window W           weeks either side of each past\n"
    "                                     week (default 3)\n"
    "                --alpha A            the threshold is the upper 1 - A\n"
    "                                     limit (default 0.05)\n"
    "                --weeks-to-assess N  the last N weeks of each series\n"
    "                                     (default: every week with B years\n"
    "                                     and W weeks of history)\n"
    "\n"
    "Other columns of the input are kept in the output of proportion, rate,\n"
    "funnel and compare; an input column with the name of an added column is\n"
    "refused.\n"
    "\n"
    "options:\n"
    "  --input FILE        the CSV input (- for standard input)\n"
    "  --confidence LIST   confidence levels in percent, comma-separated\n"
    "                      (default 95,99.8; for trend one level, default 99.8);\n"
    "                      columns are named lower95, upper99_8 and so on\n"
    "  --format csv|json   CSV (default), or a JSON array of objects with\n"
    "                      numbers as numbers and no value as null\n"
    "  --multiplier M      values per M (see each method), at most "
    DSMS_STR(DSMS_STATS_MULTIPLIER_MAX) "\n"
    "  --benchmark X       compare: the benchmark for every row\n"
    "  --polarity P        compare: high (higher is better), low, or none\n"
    "  --type T            funnel: proportion, rate, ratio or dsr\n"
    "  --years N           funnel --type dsr: years of data in each rate\n"
    "  --reference FILE    isr: the reference, age_band,ref_count,ref_population\n"
    "  --rate              isr: the indirectly standardised rate, not the ratio\n"
    "  --baseline B        funnel: the baseline, in the output's units\n"
    "  --limits FROM:TO[:STEP]\n"
    "                      funnel: a table of limits over denominators\n"
    "\n"
    "exit status: 0 done; 2 refused (bad options, unreadable file, missing\n"
    "column, a value that is not a number or out of range): a message names\n"
    "the file, line and column, and nothing is written to standard output.\n";

/* A number written as in the input files (dsms_stats_number): no spaces,
 * hexadecimal, infinity or NaN. */
static int option_number(const char *s, double *out) { return dsms_stats_number(s, out); }

static int parse_levels(const char *s, dsms_stats_opts *o)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    o->nlevels = 0;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        double v;
        if (o->nlevels == DSMS_STATS_MAX_LEVELS || option_number(t, &v) || v <= 0 || v >= 100)
            return cli_error("--confidence: '%s' is not a list of levels (expected 1 to 4 "
                             "percentages between 0 and 100, such as 95,99.8)", s);
        o->level[o->nlevels++] = v;
    }
    if (!o->nlevels)
        return cli_error("--confidence: '%s' is not a list of levels (expected percentages such "
                         "as 95,99.8)", s);
    return 0;
}

static int parse_range(const char *s, dsms_stats_opts *o)
{
    char buf[256], *p[3] = {NULL, NULL, NULL};
    snprintf(buf, sizeof buf, "%s", s);
    size_t n = 0;
    for (char *q = buf; n < 3; n++) {
        p[n] = q;
        q = strchr(q, ':');
        if (!q) {
            n++;
            break;
        }
        *q++ = 0;
    }
    o->limits = 1;
    o->step = 0;
    if (n < 2 || strchr(p[n - 1], ':') || option_number(p[0], &o->from) ||
        option_number(p[1], &o->to) || (n == 3 && option_number(p[2], &o->step)) ||
        o->from <= 0 || o->to < o->from || o->to > (double)DSMS_STATS_COUNT_MAX || o->step < 0 ||
        (n == 3 && o->step == 0))
        return cli_error("--limits: '%s' is not a range (expected FROM:TO or FROM:TO:STEP, "
                         "denominators more than 0 and at most "
                         DSMS_STR(DSMS_STATS_COUNT_MAX) ", such as "
                         "1:100000 or 100:1000:100)", s);
    return 0;
}

/* A whole number from lo to hi, as an option's value. */
static int option_whole(const char *s, long lo, long hi, long *out)
{
    double v;
    if (option_number(s, &v) || v != floor(v) || v < (double)lo || v > (double)hi) return -1;
    *out = (long)v;
    return 0;
}

/* dsms stats farrington: its own options, over lib/stats/farrington_table.c. */
static int farrington(int argc, char **argv)
{
    static const struct option opts[] = {
        {"input", required_argument, NULL, 'i'},      {"format", required_argument, NULL, 'f'},
        {"years-back", required_argument, NULL, 'b'}, {"window", required_argument, NULL, 'w'},
        {"alpha", required_argument, NULL, 'a'},      {"noufaily", no_argument, NULL, 'n'},
        {"weeks-to-assess", required_argument, NULL, 'N'},
        {"help", no_argument, NULL, 'h'},             {0, 0, 0, 0}};
    const char *input = NULL;
    int json = 0, noufaily = 0, c;
    long b = -1, w = -1, last = 0;
    double alpha = NAN;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'i': input = optarg; break;
        case 'f':
            if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "json") != 0)
                return cli_error("--format: '%s' is not a format (expected csv or json)", optarg);
            json = strcmp(optarg, "json") == 0;
            break;
        case 'b':
            if (option_whole(optarg, 1, 30, &b))
                return cli_error("--years-back: '%s' is not a number of years (expected a whole "
                                 "number from 1 to 30, such as 4)", optarg);
            break;
        case 'w':
            if (option_whole(optarg, 0, 25, &w))
                return cli_error("--window: '%s' is not a half-window (expected a whole number "
                                 "of weeks from 0 to 25, such as 3)", optarg);
            break;
        case 'a':
            if (option_number(optarg, &alpha) || !(alpha > 0 && alpha < 1))
                return cli_error("--alpha: '%s' is not a level (expected a number between 0 "
                                 "and 1, such as 0.05)", optarg);
            break;
        case 'n': noufaily = 1; break;
        case 'N':
            if (option_whole(optarg, 1, 100000, &last))
                return cli_error("--weeks-to-assess: '%s' is not a number of weeks (expected a "
                                 "whole number from 1 to 100000, such as 1)", optarg);
            break;
        case 'h': return fputs(help, stdout), 0;
        default: return fputs(help, stderr), DSMS_REFUSED;
        }
    }
    if (optind < argc)
        return cli_error("stats takes one METHOD and options, not '%s' (see dsms stats --help)",
                         argv[optind]);
    if (!input) return cli_error("stats farrington needs --input FILE.csv (see dsms stats --help)");
    dsms_farrington_opts o;
    if (noufaily) dsms_farrington_noufaily(&o);
    else dsms_farrington_original(&o);
    if (b >= 0) o.b = (int)b;
    if (w >= 0) o.w = (int)w;
    if (!isnan(alpha)) o.alpha = alpha;
    dsms_err err = {""};
    if (dsms_farrington_check(&o, &err))
        return cli_error("%s (see dsms stats --help)", err.msg);
    int fd = 0;
    const char *path = "(standard input)";
    if (strcmp(input, "-") != 0) {
        if ((fd = open(input, O_RDONLY | O_CLOEXEC)) < 0)
            return cli_error("%s: cannot open: %s", input, strerror(errno));
        path = input;
    }
    dsms_csv *csv = dsms_csv_open_fd(fd, NULL, NULL);
    if (!csv) {
        if (fd > 0) close(fd);
        return cli_error("out of memory");
    }
    dsms_stats_table t;
    int rc = dsms_farrington_run(&o, (size_t)last, path, csv, &t, &err);
    dsms_csv_close(csv);
    if (fd > 0) close(fd);
    if (rc) return cli_error("%s", err.msg);
    rc = json ? dsms_stats_write_json(&t, stdout) : dsms_stats_write_csv(&t, stdout);
    if (!rc && fflush(stdout)) rc = -1;
    dsms_stats_table_free(&t);
    if (rc) return cli_error("cannot write the output: %s", strerror(errno));
    return 0;
}

int cmd_stats(int argc, char **argv, cli_env *env)
{
    (void)env;
    static const struct option opts[] = {
        {"input", required_argument, NULL, 'i'},      {"confidence", required_argument, NULL, 'c'},
        {"format", required_argument, NULL, 'f'},     {"multiplier", required_argument, NULL, 'm'},
        {"benchmark", required_argument, NULL, 'b'},  {"polarity", required_argument, NULL, 'p'},
        {"type", required_argument, NULL, 't'},       {"baseline", required_argument, NULL, 'B'},
        {"limits", required_argument, NULL, 'l'},     {"help", no_argument, NULL, 'h'},
        {"reference", required_argument, NULL, 'r'},  {"rate", no_argument, NULL, 'R'},
        {"years", required_argument, NULL, 'y'},      {0, 0, 0, 0}};
    if (argc < 2) return fputs(help, stderr), DSMS_REFUSED;
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) return fputs(help, stdout), 0;
    if (strcmp(argv[1], "farrington") == 0) return farrington(argc - 1, argv + 1);
    int m = dsms_stats_method_find(argv[1]);
    if (m < 0)
        return cli_error("'%s' is not a statistical method (expected proportion, rate, dsr, "
                         "mean, funnel, compare, trend, isr or farrington)", argv[1]);
    dsms_stats_opts o;
    dsms_stats_opts_init(&o, (dsms_stats_method)m);
    const char *input = NULL, *type = NULL, *reference = NULL;
    int json = 0, c;
    optind = 1;
    argc--, argv++;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'i': input = optarg; break;
        case 'c':
            if (parse_levels(optarg, &o)) return DSMS_REFUSED;
            break;
        case 'f':
            if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "json") != 0)
                return cli_error("--format: '%s' is not a format (expected csv or json)", optarg);
            json = strcmp(optarg, "json") == 0;
            break;
        case 'm':
            if (option_number(optarg, &o.multiplier) || o.multiplier <= 0 ||
                o.multiplier > DSMS_STATS_MULTIPLIER_MAX)
                return cli_error("--multiplier: '%s' is not a multiplier (expected a number more "
                                 "than 0 and at most " DSMS_STR(DSMS_STATS_MULTIPLIER_MAX)
                                 ", such as 100 or 100000)",
                                 optarg);
            break;
        case 'b':
            if (option_number(optarg, &o.benchmark))
                return cli_error("--benchmark: '%s' is not a number (expected the benchmark "
                                 "value, such as 54.2)", optarg);
            break;
        case 'p':
            if (strcmp(optarg, "high") == 0) o.polarity = DSMS_POLARITY_HIGH_GOOD;
            else if (strcmp(optarg, "low") == 0) o.polarity = DSMS_POLARITY_LOW_GOOD;
            else if (strcmp(optarg, "none") == 0) o.polarity = DSMS_POLARITY_NONE;
            else return cli_error("--polarity: '%s' is not a polarity (expected high, low or "
                                  "none)", optarg);
            break;
        case 't':
            if (strcmp(optarg, "proportion") != 0 && strcmp(optarg, "rate") != 0 &&
                strcmp(optarg, "ratio") != 0 && strcmp(optarg, "dsr") != 0)
                return cli_error("--type: '%s' is not a funnel type (expected proportion, rate, "
                                 "ratio or dsr)", optarg);
            type = optarg;
            o.funnel_rate = strcmp(optarg, "rate") == 0;
            o.funnel_ratio = strcmp(optarg, "ratio") == 0;
            o.funnel_dsr = strcmp(optarg, "dsr") == 0;
            break;
        case 'y':
            if (option_number(optarg, &o.years) || o.years <= 0 || o.years > 1000)
                return cli_error("--years: '%s' is not a number of years (expected a number more "
                                 "than 0 and at most 1000, such as 3)", optarg);
            break;
        case 'r': reference = optarg; break;
        case 'R': o.isr_rate = 1; break;
        case 'B':
            if (option_number(optarg, &o.baseline) || o.baseline < 0)
                return cli_error("--baseline: '%s' is not a baseline (expected a number, 0 or "
                                 "more, in the output's units)", optarg);
            break;
        case 'l':
            if (parse_range(optarg, &o)) return DSMS_REFUSED;
            break;
        case 'h': return fputs(help, stdout), 0;
        default: return fputs(help, stderr), DSMS_REFUSED;
        }
    }
    if (optind < argc)
        return cli_error("stats takes one METHOD and options, not '%s' (see dsms stats --help)",
                         argv[optind]);
    int funnel = m == DSMS_STATS_FUNNEL;
    if (!funnel && (type || o.limits || !isnan(o.baseline)))
        return cli_error("--type, --baseline and --limits are for funnel (see dsms stats --help)");
    if (o.years != 0 && !o.funnel_dsr)
        return cli_error("--years is for funnel --type dsr (see dsms stats --help)");
    if (o.funnel_dsr && o.years == 0)
        return cli_error("funnel --type dsr needs --years N, the years of data in each rate "
                         "(see dsms stats --help)");
    if (o.funnel_ratio && !isnan(o.baseline))
        return cli_error("--baseline is not for --type ratio: its baseline is 1 (see dsms stats "
                         "--help)");
    if (m != DSMS_STATS_ISR && (reference || o.isr_rate))
        return cli_error("--reference and --rate are for isr (see dsms stats --help)");
    if (m != DSMS_STATS_COMPARE && (!isnan(o.benchmark) || o.polarity != DSMS_POLARITY_NONE))
        return cli_error("--benchmark and --polarity are for compare (see dsms stats --help)");
    if ((m == DSMS_STATS_COMPARE || m == DSMS_STATS_MEAN) && !isnan(o.multiplier))
        return cli_error("--multiplier is not for %s (see dsms stats --help)", argv[0]);
    if (!input && !(funnel && o.limits && (!isnan(o.baseline) || o.funnel_ratio)))
        return cli_error("stats %s needs --input FILE.csv (see dsms stats --help)", argv[0]);

    int fd = -1;
    const char *path = input ? input : "(no input)";
    if (input && strcmp(input, "-") == 0) {
        fd = 0;
        path = "(standard input)";
    } else if (input && (fd = open(input, O_RDONLY | O_CLOEXEC)) < 0) {
        return cli_error("%s: cannot open: %s", input, strerror(errno));
    }
    dsms_csv *csv = fd >= 0 ? dsms_csv_open_fd(fd, NULL, NULL) : NULL;
    if (fd >= 0 && !csv) {
        if (fd > 0) close(fd);
        return cli_error("out of memory");
    }
    /* The reference for isr: read as the input is, through its own file. */
    int rfd = -1;
    if (reference) {
        if (strcmp(reference, "-") == 0) {
            dsms_csv_close(csv);
            if (fd > 0) close(fd);
            return cli_error("--reference: standard input is not a reference file (expected a "
                             "file name)");
        }
        rfd = open(reference, O_RDONLY | O_CLOEXEC);
        o.reference = rfd >= 0 ? dsms_csv_open_fd(rfd, NULL, NULL) : NULL;
        o.reference_path = reference;
        if (!o.reference) {
            int e = errno;
            dsms_csv_close(csv);
            if (fd > 0) close(fd);
            if (rfd >= 0) return close(rfd), cli_error("out of memory");
            return cli_error("%s: cannot open: %s", reference, strerror(e));
        }
    }
    dsms_stats_table t;
    dsms_err err = {""};
    int rc = dsms_stats_run(&o, path, csv, &t, &err);
    dsms_csv_close(csv);
    if (fd > 0) close(fd);
    dsms_csv_close(o.reference);
    if (rfd >= 0) close(rfd);
    if (rc) return cli_error("%s", err.msg);
    rc = json ? dsms_stats_write_json(&t, stdout) : dsms_stats_write_csv(&t, stdout);
    if (!rc && fflush(stdout)) rc = -1;
    dsms_stats_table_free(&t);
    if (rc) return cli_error("cannot write the output: %s", strerror(errno));
    return 0;
}
