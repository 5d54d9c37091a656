/* cmd_report.c — dsms report: the national, local, provider and review
 * reports as HTML, PDF and XLSX (docs/reports.md), each written whole or
 * not at all through the one safe writer (dsms/outfile.h). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "dsms/chart.h"
#include "dsms/outfile.h"
#include "dsms/refdata.h"
#include "dsms/report.h"
#include "dsms/store.h"

static const char help[] =
    "usage: dsms report KIND [CODE] [--period P] [--format F[,F...]] --out PATH [--public]\n"
    "                   [--framework ID] [--commitments FILE]\n"
    "\n"
    "Writes a report from the store's results (docs/reports.md). KIND is one of:\n"
    "  national              England's annual report on the national framework\n"
    "  area CODE|all         an area's annual report and profile; several areas' codes\n"
    "                        comma-separated, or all: every area\n"
    "  partnership ID        a partnership's areas\n"
    "  provider CODE         a provider's submissions and figures (restricted)\n"
    "  review                the annual review of the commitments, strand by strand\n"
    "  measure ID            one measure across England's areas: compared, ranked, mapped\n"
    "  definitions           every measure's definition\n"
    "  framework             the national framework's status, with its trajectories\n"
    "\n"
    "  --period P            the financial year (default: the latest the records complete)\n"
    "  --format F            html, pdf or xlsx, or several, comma-separated (default: from\n"
    "                        the --out file's extension)\n"
    "  --out PATH            the file to write; a directory for several formats or for\n"
    "                        'area all', which then holds KIND[-CODE]-PERIOD[-public].FORMAT\n"
    "  --public              disclosure control, exactly as dsms measures --public applies it\n"
    "  --framework ID        the national framework (default national-2021)\n"
    "  --commitments FILE    the register a review reads (default: the reference data's\n"
    "                        commitments/england.yaml)\n"
    "\n"
    "A file is written whole or not at all, never over the store, its key or an input.\n"
    "Each path written is printed.\n"
    "\n"
    "exit status: 0 every report written; 2 refused (a bad request, or a report that could\n"
    "not be built or written: nothing of it is left behind).\n";

/* A refusal of the command line, said: -1. */
static int refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

enum { FMT_HTML = 1, FMT_PDF = 2, FMT_XLSX = 4 };

static const struct {
    const char *name;
    unsigned bit;
} formats[] = {{"html", FMT_HTML}, {"pdf", FMT_PDF}, {"xlsx", FMT_XLSX}};

typedef struct {
    dsms_report_request q;
    const char *period, *format, *out;
    int public;
    unsigned formats;
    int all_areas, to_dir;
} request;

static int refuse(const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cli_error("%s", msg);
    return -1;
}

static int parse_formats(const char *text, unsigned *bits)
{
    *bits = 0;
    char buf[64];
    snprintf(buf, sizeof buf, "%s", text);
    for (char *save = NULL, *f = strtok_r(buf, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        while (i < 3 && strcmp(f, formats[i].name) != 0) i++;
        if (i == 3) return -1;
        *bits |= formats[i].bit;
    }
    return *bits ? 0 : -1;
}

static int is_dir(const char *path)
{
    struct stat s;
    return stat(path, &s) == 0 && S_ISDIR(s.st_mode);
}

/* 0, 1 when help was asked for (printed), -1 when refused (said). */
static int parse(int argc, char **argv, request *o)
{
    static const struct option opts[] = {{"period", required_argument, NULL, 'p'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"public", no_argument, NULL, 'P'},
                                         {"framework", required_argument, NULL, 'w'},
                                         {"commitments", required_argument, NULL, 'c'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'p') o->period = optarg;
        else if (c == 'f') o->format = optarg;
        else if (c == 'o') o->out = optarg;
        else if (c == 'P') o->public = 1;
        else if (c == 'w') o->q.framework = optarg;
        else if (c == 'c') o->q.commitments = optarg;
        else if (c == 'h') return fputs(help, stdout), 1;
        else return fputs(help, stderr), -1;
    }
    if (optind >= argc) return refuse("report: name the kind of report (dsms report --help)");
    if (dsms_report_kind_named(argv[optind], &o->q.kind) != 0)
        return refuse("report: '%s' is not a kind of report (expected national, area, "
                         "partnership, provider, review, measure, definitions or framework)",
                      argv[optind]);
    int coded = o->q.kind == DSMS_REPORT_AREA || o->q.kind == DSMS_REPORT_PARTNERSHIP ||
                o->q.kind == DSMS_REPORT_PROVIDER || o->q.kind == DSMS_REPORT_MEASURE;
    if (coded && optind + 1 < argc) o->q.code = argv[optind + 1];
    if (optind + 1 + coded < argc)
        return refuse("report: '%s' is not an option", argv[optind + 1 + coded]);
    if (coded && !o->q.code)
        return refuse("report %s: give its code (dsms report %s CODE)", argv[optind],
                         argv[optind]);
    o->all_areas = o->q.kind == DSMS_REPORT_AREA &&
                   (strcmp(o->q.code, "all") == 0 || strchr(o->q.code, ','));
    if (!o->out) return refuse("report: give --out PATH, the file (or directory) to write");
    o->to_dir = is_dir(o->out);
    if (o->format) {
        if (parse_formats(o->format, &o->formats) != 0)
            return refuse("--format %s: expected html, pdf or xlsx, or several of them "
                             "comma-separated", o->format);
    } else {
        const char *dot = strrchr(o->out, '.');
        if (o->to_dir || !dot || parse_formats(dot + 1, &o->formats) != 0)
            return refuse("--out %s: give --format (html, pdf or xlsx), or a file ending in "
                             ".html, .pdf or .xlsx", o->out);
    }
    int several = (o->formats & (o->formats - 1)) != 0 || o->all_areas;
    if (several && !o->to_dir)
        return refuse("--out %s: %s, --out must be an existing directory", o->out,
                         o->all_areas ? "for several areas' reports" : "for several formats");
    return 0;
}

/* ---- writing ---- */

static int write_one(const dsms_report *r, unsigned format, const char *path,
                     const dsms_protected *protect, size_t np)
{
    dsms_err err = {""};
    unsigned mode = r->public ? DSMS_MODE_PUBLIC : DSMS_MODE_PRIVATE;
    dsms_outfile *f = dsms_outfile_open(path, protect, np, mode, &err);
    if (!f) return refuse("%s", err.msg);
    int rc = format == FMT_HTML  ? dsms_report_html(r, dsms_outfile_stream(f), &err)
             : format == FMT_PDF ? dsms_report_pdf(r, dsms_outfile_stream(f), &err)
                                 /* libxlsxwriter writes the file by its name: the
                                  * temporary one, put in place as the others are */
                                 : dsms_report_xlsx(r, dsms_outfile_temp(f), &err);
    if (rc != 0) {
        dsms_outfile_abort(f);
        return refuse("%s: %s", path, err.msg);
    }
    if (dsms_outfile_commit(f, &err) != 0) return refuse("%s", err.msg);
    printf("%s\n", path);
    return 0;
}

static int write_all(const request *o, const dsms_report *r, const char *name,
                     const dsms_protected *protect, size_t np)
{
    for (size_t i = 0; i < 3; i++) {
        if (!(o->formats & formats[i].bit)) continue;
        char path[4096];
        if (o->to_dir)
            snprintf(path, sizeof path, "%s/%s.%s", o->out, name, formats[i].name);
        else
            snprintf(path, sizeof path, "%s", o->out);
        if (write_one(r, formats[i].bit, path, protect, np) != 0) return -1;
    }
    return 0;
}

static int build_and_write(const request *o, dsms_report_source *src, const char *code,
                           const dsms_protected *protect, size_t np)
{
    dsms_report_request q = o->q;
    q.code = code;
    dsms_report r;
    dsms_err err = {""};
    int rc = dsms_report_build(src, &q, &r, &err);
    if (rc != 0) cli_error("%s", err.msg);
    char name[160];
    snprintf(name, sizeof name, "%s%s%s-%s%s", r.kind ? r.kind : "report", code ? "-" : "",
             code ? code : "", dsms_report_source_period(src), o->public ? "-public" : "");
    if (rc == 0) rc = write_all(o, &r, name, protect, np);
    dsms_report_free(&r);
    return rc;
}

int cmd_report(int argc, char **argv, cli_env *env)
{
    request o = {0};
    int p = parse(argc, argv, &o);
    if (p) return p > 0 ? DSMS_OK : DSMS_REFUSED;
    char commitments[4096];
    if (o.q.kind == DSMS_REPORT_REVIEW && !o.q.commitments) {
        snprintf(commitments, sizeof commitments, "%s/commitments/england.yaml", env->data);
        o.q.commitments = commitments;
    }
    dsms_err err = {""};
    dsms_store *st = dsms_store_open(env->store, DSMS_STORE_READONLY, &err);
    if (!st) return refuse("%s", err.msg), DSMS_REFUSED;
    dsms_refdata ref = {0};
    dsms_report_source *src = NULL;
    int rc = -1;
    if (dsms_refdata_fetch(&ref, st, &err) != 0 ||
        !(src = dsms_report_source_open(st, &ref, o.period, o.public, &err))) {
        cli_error("%s", err.msg);
    } else {
        dsms_protected protect[] = {
            {env->store, "the store", DSMS_PROTECT_STORE},
            {cli_key_path(env), "the key file", DSMS_PROTECT_FILE},
            {o.q.commitments ? o.q.commitments : env->store, "the register of commitments",
             DSMS_PROTECT_FILE}};
        rc = 0;
        if (o.all_areas && strcmp(o.q.code, "all") == 0) {
            for (size_t i = 0; rc == 0 && i < ref.nareas; i++)
                rc = build_and_write(&o, src, ref.areas[i].code, protect, 3);
        } else if (o.all_areas) {
            char *codes = strdup(o.q.code), *save = NULL;
            for (char *c = codes ? strtok_r(codes, ",", &save) : NULL; rc == 0 && c;
                 c = strtok_r(NULL, ",", &save))
                rc = build_and_write(&o, src, c, protect, 3);
            if (!codes) rc = cli_error("out of memory");
            free(codes);
        } else {
            rc = build_and_write(&o, src, o.q.code, protect, 3);
        }
    }
    dsms_report_source_close(src);
    dsms_refdata_free(&ref);
    dsms_store_close(st);
    dsms_chart_fonts_release();
    return rc == 0 ? DSMS_OK : DSMS_REFUSED;
}
