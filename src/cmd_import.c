/* cmd_import.c — dsms import and dsms validate: one submission of CSV files.
 *
 * validate runs exactly the same checks against the store (or, with no store,
 * against the shipped reference data) and then rolls everything back. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "dsms/framework.h"
#include "dsms/csv.h"
#include "dsms/dataset.h"
#include "dsms/grow.h"
#include "dsms/import.h"
#include "dsms/key_store.h"
#include "dsms/refdata.h"
#include "dsms/series.h"
#include "dsms/store.h"
#include "progress.h"

static const char import_help[] =
    "usage: dsms import --source CODE [OPTIONS] FILE...\n"
    "       dsms import --tree DIR [OPTIONS]\n"
    "\n"
    "Take a submission from the organisation CODE: a treatment provider, prison,\n"
    "police force, probation region or mortality register listed in the reference\n"
    "data for each file's table (a source not listed refuses the submission). Each\n"
    "FILE is a CSV of one table of the data set, recognised by its header. Valid\n"
    "rows are stored, the client attributor replaced by a keyed pseudonym; rejected\n"
    "rows go to the quarantine with their diagnostics. All files land together in\n"
    "one transaction or not at all.\n"
    "A record whose key was stored before is replaced; a file identical to an earlier\n"
    "submission from the same source changes nothing.\n"
    "\n"
    "With --tree, every directory DIR/PERIOD/SOURCE/ holding CSV files is one submission\n"
    "from SOURCE (the layout dsms simulate writes), taken in order of PERIOD then SOURCE.\n"
    "A PERIOD's submissions land together in one transaction; a refused submission is\n"
    "left out of it alone. A line per PERIOD sums them up. A DIR with no\n"
    "PERIOD/SOURCE/*.csv is refused; every entry not imported is listed with why,\n"
    "but for DIR/manifest.csv, DIR/planted.csv, DIR/ew_outbreaks.csv and\n"
    "DIR/ew_outbreak_reports.csv, the lists dsms simulate writes.\n"
    "DIR/series.csv, published series (docs/series.md), is imported after the periods\n"
    "as dsms series import FILE would: stored whole, or refused whole.\n"
    "\n"
    "options:\n"
    "  --source CODE     the submitting organisation (required without --tree)\n"
    "  --tree DIR        import every submission under DIR\n"
    "  --table NAME      read every FILE as this table instead of recognising it\n"
    "  --by NAME         who is submitting (default $DSMS_USER or $USER)\n"
    "  --report FILE     write every diagnostic to FILE (.csv, or .json for JSON)\n"
    "  --max-errors N    print at most N diagnostics (default 50; 0 for none)\n"
    "  --quiet           print only diagnostics and errors: no summary lines, and no\n"
    "                    progress line (with --tree, drawn on stderr only when it is\n"
    "                    a terminal)\n"
    "\n"
    "FILE '-' is standard input (once): its table is recognised by its header as any\n"
    "file's, or named with --table; it is named '-' in diagnostics and the record.\n"
    "\n"
    "exit status: 0 every row accepted; 1 some rows quarantined; 2 refused, nothing stored.\n"
    "Diagnostics read FILE:LINE: FIELD: what is wrong (expected ...).\n";

static const char validate_help[] =
    "usage: dsms validate [OPTIONS] FILE...\n"
    "       dsms validate --tree DIR [OPTIONS]\n"
    "\n"
    "Check files exactly as dsms import would, and store nothing. Episodes referred to\n"
    "by interventions and reviews are looked up in the files and, when it exists, the\n"
    "store.\n"
    "\n"
    "options:\n"
    "  --source CODE     check that each row belongs to this organisation (without\n"
    "                    it, that each row's organisation is in the reference data)\n"
    "  --tree DIR        check every submission under DIR, as import --tree would\n"
    "  --table NAME      read every FILE as this table instead of recognising it\n"
    "  --report FILE     write every diagnostic to FILE (.csv, or .json for JSON)\n"
    "  --max-errors N    print at most N diagnostics (default 50; 0 for none)\n"
    "  --quiet           print only diagnostics and errors (no summary, no progress)\n"
    "\n"
    "FILE '-' is standard input (once).\n"
    "\n"
    "exit status: 0 every row valid; 1 some rows would be quarantined; 2 refused.\n";

typedef struct {
    dsms_import_opts o;
    const char *report;
    const char *tree;
    long max;
    int report_refused; /* --tree: the report would land on an input; none is written */
    int quiet;
    cli_progress bar;   /* --tree: files and bytes imported so far, of all */
    uint64_t files_done, files_total, bytes_done, bytes_total;
} import_args;

static int parse_args(int argc, char **argv, import_args *a, const char *help)
{
    static const struct option opts[] = {{"source", required_argument, NULL, 's'},
                                         {"table", required_argument, NULL, 't'},
                                         {"by", required_argument, NULL, 'b'},
                                         {"report", required_argument, NULL, 'r'},
                                         {"tree", required_argument, NULL, 'T'},
                                         {"max-errors", required_argument, NULL, 'm'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': a->o.source = optarg; break;
        case 't': a->o.table = optarg; break;
        case 'b': a->o.by = optarg; break;
        case 'r': a->report = optarg; break;
        case 'T': a->tree = optarg; break;
        case 'q': a->quiet = 1; break;
        case 'm':
            a->max = strtol(optarg, &end, 10);
            if (*end || a->max < 0)
                return cli_error("--max-errors: '%s' is not a count (expected 0 or more)", optarg);
            break;
        case 'h': fputs(help, stdout); return -1;
        default: fputs(help, stderr); return DSMS_REFUSED;
        }
    }
    if (a->tree && optind < argc)
        return cli_error("--tree DIR takes no FILE arguments (see dsms %s --help)", argv[0]);
    if (a->tree && a->o.source)
        return cli_error("--tree takes each submission's source from its directory name");
    if (!a->tree && optind >= argc) return cli_error("no FILE given (see dsms %s --help)", argv[0]);
    return 0;
}

static void print_results(const dsms_import_result *res, size_t n, int dry_run)
{
    for (size_t i = 0; i < n; i++) {
        const dsms_import_result *r = &res[i];
        if (r->same_as > 0) {
            printf("%s: %s: identical to submission %lld: nothing changed (%ld row%s read)\n",
                   cli_esc(r->file), r->table, (long long)r->same_as, r->rows,
                   r->rows == 1 ? "" : "s");
            continue;
        }
        printf("%s: %s: %ld row%s read = %ld %s + %ld %s", cli_esc(r->file), r->table, r->rows,
               r->rows == 1 ? "" : "s",
               r->accepted, dry_run ? "valid" : "accepted", r->quarantined,
               dry_run ? "rejected" : "quarantined");
        if (r->warnings) printf(" (%ld warning%s)", r->warnings, r->warnings == 1 ? "" : "s");
        if (!dry_run) printf("; submission %lld", (long long)r->submission);
        putchar('\n');
    }
}

/* ---- --tree: many submissions ------------------------------------------ */

/* The tree is read whole before anything is imported: its layout is checked
 * first (a directory one level off is refused, saying what it holds), and
 * every entry that will not be imported is listed with the reason. */

typedef struct {
    char *dir;          /* DIR/PERIOD/SOURCE */
    const char *period; /* PERIOD/SOURCE, and SOURCE: the end of dir */
    const char *source;
    char **files;
    size_t nfiles;
} tree_sub;

typedef struct {
    tree_sub *subs;
    size_t nsubs, cap;
    char **notes; /* "PATH: not imported: REASON", in tree order */
    size_t nnotes, ncap;
    char *top_csv;      /* a CSV file directly in DIR */
    char *period_csv;   /* a DIR/PERIOD holding CSV files directly */
    char *empty_period; /* a DIR/PERIOD with no SOURCE directory */
    char *empty_source; /* a DIR/PERIOD/SOURCE with no CSV file */
    char *series;       /* DIR/series.csv: published series, imported after the periods */
    int periods;        /* directories in DIR */
    int failed;         /* out of memory, or a directory that cannot be read */
} tree_scan;

typedef struct {
    long submissions, unchanged, refused, rows, accepted, quarantined;
} tree_total;

static const char tree_layout[] =
    "expected DIR/PERIOD/SOURCE/*.csv, the layout dsms simulate writes";

static int not_dot(const struct dirent *d)
{
    return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
}

/* A CSV file by its name: .csv in any case, and something before it. */
static int csv_name(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcasecmp(name + n - 4, ".csv") == 0;
}

static int is_subdir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static void free_names(struct dirent **v, int n)
{
    for (int i = 0; i < n; i++) free(v[i]);
    free(v);
}

static char *join(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *p = malloc(len);
    if (p) snprintf(p, len, "%s/%s", dir, name);
    return p;
}

static void remember(tree_scan *s, char **slot, const char *path)
{
    if (!*slot && !(*slot = strdup(path))) s->failed = 1;
}

static void note(tree_scan *s, const char *path, const char *reason)
{
    if (s->nnotes == s->ncap) {
        size_t cap = s->ncap ? 2 * s->ncap : 16;
        char **p = realloc(s->notes, cap * sizeof *p);
        if (!p) {
            s->failed = 1;
            return;
        }
        s->notes = p;
        s->ncap = cap;
    }
    size_t len = strlen(path) + strlen(reason) + 20;
    char *line = malloc(len);
    if (!line) {
        s->failed = 1;
        return;
    }
    snprintf(line, len, "%s: not imported: %s", path, reason);
    s->notes[s->nnotes++] = line;
}

/* The entries of a directory, sorted; NULL (said in s) when it cannot be read. */
static int list_dir(tree_scan *s, const char *dir, struct dirent ***names)
{
    int n = scandir(dir, names, not_dot, alphasort);
    if (n < 0) {
        cli_error("%s: cannot read directory: %s", dir, strerror(errno));
        s->failed = 1;
    }
    return n;
}

/* Whether a CSV file's header names a table of the data set. A file that
 * cannot be read, or whose header is malformed, counts as recognised: the
 * import refuses its submission, saying why. */
static int table_recognised(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 1;
    dsms_csv *c = dsms_csv_open_fd(fd, NULL, NULL);
    dsms_csv_row row;
    int known = 1;
    if (c && dsms_csv_next(c, &row) == 1 && row.status == DSMS_CSV_OK)
        known = dsms_table_for_header(row.field, row.nfields) != NULL;
    dsms_csv_close(c);
    close(fd);
    return known;
}

/* DIR/PERIOD/SOURCE: its CSV files, in name order, make one submission. */
static void scan_source(tree_scan *s, const import_args *a, char *dir, const char *source)
{
    struct dirent **names;
    int n = list_dir(s, dir, &names);
    if (n < 0) {
        free(dir);
        return;
    }
    tree_sub sub = {dir, NULL, source, calloc((size_t)n + 1, sizeof(char *)), 0};
    if (!sub.files) s->failed = 1;
    for (int i = 0; sub.files && i < n; i++) {
        const char *name = names[i]->d_name;
        char *path = join(dir, name);
        if (!path) {
            s->failed = 1;
            break;
        }
        if (name[0] == '.') note(s, path, "hidden (its name starts with '.')");
        else if (is_subdir(path)) note(s, path, "a directory inside a SOURCE directory "
                                                "(expected CSV files only)");
        else if (!csv_name(name)) note(s, path, "not a CSV file (expected a name ending .csv)");
        else if (!a->o.table && !table_recognised(path))
            note(s, path, "table not recognised: its header names no table of the data set "
                          "(see dsms dataset)");
        else {
            sub.files[sub.nfiles++] = path;
            continue;
        }
        free(path);
    }
    free_names(names, n);
    if (!sub.nfiles) {
        remember(s, &s->empty_source, dir);
        note(s, dir, "no CSV file of the data set in it");
        free(sub.files);
        free(dir);
        return;
    }
    if (dsms_room_for((void **)&s->subs, &s->cap, s->nsubs, sizeof *s->subs, 16)) {
        s->failed = 1;
        for (size_t i = 0; i < sub.nfiles; i++) free(sub.files[i]);
        free(sub.files);
        free(dir);
        return;
    }
    s->subs[s->nsubs++] = sub;
}

/* DIR/PERIOD: its directories are the sources. */
static int simulation_list(const char *name)
{
    static const char *const lists[] = {"manifest.csv", "planted.csv", "ew_outbreaks.csv",
                                        "ew_outbreak_reports.csv"};
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
        if (strcmp(name, lists[i]) == 0) return 1;
    return 0;
}

static void scan_period(tree_scan *s, const import_args *a, const char *dir)
{
    struct dirent **names;
    int n = list_dir(s, dir, &names), sources = 0;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        char *path = join(dir, name);
        if (!path) {
            s->failed = 1;
            break;
        }
        if (name[0] == '.') {
            note(s, path, "hidden (its name starts with '.')");
        } else if (!is_subdir(path)) {
            if (csv_name(name)) remember(s, &s->period_csv, dir);
            note(s, path, "not a directory (expected a SOURCE directory in a PERIOD directory)");
        } else {
            sources++;
            /* The names live as long as the submission: in its own path. */
            size_t plen = strlen(path);
            scan_source(s, a, path, path + plen - strlen(name));
            continue;
        }
        free(path);
    }
    if (n >= 0) free_names(names, n);
    if (n >= 0 && !sources) {
        remember(s, &s->empty_period, dir);
        note(s, dir, "no SOURCE directory in it");
    }
}

static void scan_tree(tree_scan *s, const import_args *a)
{
    struct dirent **names;
    int n = list_dir(s, a->tree, &names);
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        char *path = join(a->tree, name);
        if (!path) {
            s->failed = 1;
            break;
        }
        if (name[0] == '.') {
            note(s, path, "hidden (its name starts with '.')");
        } else if (simulation_list(name) && !is_subdir(path)) {
            /* the lists dsms simulate writes beside the submissions */
        } else if (strcmp(name, "series.csv") == 0 && !is_subdir(path)) {
            remember(s, &s->series, path);
        } else if (!is_subdir(path)) {
            if (csv_name(name)) remember(s, &s->top_csv, path);
            note(s, path, "not a directory (expected a PERIOD directory)");
        } else {
            s->periods++;
            size_t before = s->nsubs;
            scan_period(s, a, path);
            /* A period's submissions name it by its place in the path. */
            for (size_t k = before; k < s->nsubs; k++)
                s->subs[k].period = s->subs[k].dir + strlen(a->tree) + 1;
        }
        free(path);
    }
    if (n >= 0) free_names(names, n);
}

static void scan_free(tree_scan *s)
{
    for (size_t i = 0; i < s->nsubs; i++) {
        for (size_t k = 0; k < s->subs[i].nfiles; k++) free(s->subs[i].files[k]);
        free(s->subs[i].files);
        free(s->subs[i].dir);
    }
    for (size_t i = 0; i < s->nnotes; i++) free(s->notes[i]);
    free(s->subs);
    free(s->notes);
    free(s->top_csv);
    free(s->period_csv);
    free(s->empty_period);
    free(s->empty_source);
    free(s->series);
}

/* A tree with nothing to import: what it holds instead, and what to do. */
static int refuse_layout(const tree_scan *s, const char *dir)
{
    if (s->top_csv)
        return cli_error("%s holds CSV files directly, but --tree takes the directory above "
                         "the PERIOD directories (%s): give that one, or import these files with "
                         "--source", dir, tree_layout);
    if (s->period_csv)
        return cli_error("%s holds CSV files where SOURCE directories were expected (%s): %s "
                         "looks like one PERIOD directory; give its parent", s->period_csv,
                         tree_layout, dir);
    if (!s->periods) return cli_error("%s holds no PERIOD directories (%s)", dir, tree_layout);
    if (s->empty_source)
        return cli_error("%s holds no CSV file of the data set (%s)", s->empty_source,
                         tree_layout);
    return cli_error("%s holds no SOURCE directories (%s)", s->empty_period, tree_layout);
}

/* The size of a submission's files, for the progress line's rate. */
static uint64_t sub_bytes(const tree_sub *sub)
{
    uint64_t n = 0;
    struct stat sb;
    for (size_t i = 0; i < sub->nfiles; i++)
        if (stat(sub->files[i], &sb) == 0) n += (uint64_t)sb.st_size;
    return n;
}

/* One submission: its CSV files, from its source. */
static int import_sub(dsms_store *st, const dsms_key *key, import_args *a, const tree_sub *sub,
                      tree_total *t)
{
    dsms_import_result *res = calloc(sub->nfiles, sizeof *res);
    dsms_err err = {""};
    dsms_import_opts o = a->o;
    o.source = sub->source;
    char what[4096 + 16];
    snprintf(what, sizeof what, "importing %s", cli_esc(sub->period));
    cli_progress_show(&a->bar, "import", what, a->files_done, a->files_total, "files",
                      a->bytes_done, a->bytes_total);
    int rc = res ? dsms_import(st, key, (const char *const *)sub->files, sub->nfiles, &o, res,
                               &err)
                 : (dsms_err_set(&err, "out of memory"), DSMS_REFUSED);
    if (rc == DSMS_REFUSED) {
        cli_error("%s: submission refused, nothing stored: %s", sub->dir, err.msg);
        t->refused++;
    }
    for (size_t i = 0; rc != DSMS_REFUSED && i < sub->nfiles; i++) {
        t->unchanged += res[i].same_as > 0;
        t->rows += res[i].rows;
        t->accepted += res[i].same_as > 0 ? 0 : res[i].accepted;
        t->quarantined += res[i].same_as > 0 ? 0 : res[i].quarantined;
    }
    t->submissions++;
    a->files_done += sub->nfiles;
    if (a->bar.on) a->bytes_done += sub_bytes(sub);
    free(res);
    return rc;
}

/* A period's transaction made durable: on a terminal, the progress line says
 * so while it takes. */
static int commit_said(dsms_store *st, import_args *a, const char *period, size_t plen,
                       dsms_err *err)
{
    char name[4096], what[4096 + 32];
    snprintf(name, sizeof name, "%.*s", (int)plen, period);
    snprintf(what, sizeof what, "storing %s", cli_esc(name));
    cli_progress_show(&a->bar, "commit", what, 0, 0, "", 0, 0);
    return dsms_store_commit(st, err);
}

/* The period of subs[from], and its submissions subs[from, to) in one
 * transaction, each a savepoint in it, so that a refused submission is left
 * out alone. */
static int import_period(dsms_store *st, const dsms_key *key, import_args *a,
                         const tree_scan *s, size_t from, size_t to)
{
    const char *period = s->subs[from].period;
    size_t plen = strcspn(period, "/");
    tree_total t = {0};
    int worst = DSMS_OK;
    dsms_err err = {""};
    if (dsms_store_begin(st, &err)) return cli_error("%s", err.msg);
    for (size_t k = from; k < to; k++) {
        int rc = import_sub(st, key, a, &s->subs[k], &t);
        if (rc > worst) worst = rc;
    }
    if (a->o.dry_run) {
        dsms_store_rollback(st);
    } else if (commit_said(st, a, period, plen, &err)) {
        dsms_store_rollback(st);
        return cli_error("%s/%.*s: nothing of this period was stored: %s", a->tree, (int)plen,
                         period, err.msg);
    }
    if (a->quiet) return worst;
    char name[4096];
    snprintf(name, sizeof name, "%.*s", (int)plen, period);
    cli_progress_hide();
    printf("%s: %ld submission%s: %ld row%s read = %ld %s + %ld %s", cli_esc(name),
           t.submissions, t.submissions == 1 ? "" : "s", t.rows, t.rows == 1 ? "" : "s",
           t.accepted, a->o.dry_run ? "valid" : "accepted", t.quarantined,
           a->o.dry_run ? "rejected" : "quarantined");
    if (t.unchanged) printf("; %ld file%s unchanged", t.unchanged, t.unchanged == 1 ? "" : "s");
    if (t.refused) printf("; %ld refused", t.refused);
    putchar('\n');
    fflush(stdout); /* a period's line is progress: show it as it lands */
    return worst;
}

static int same_period(const tree_sub *x, const tree_sub *y)
{
    size_t n = strcspn(x->period, "/");
    return strncmp(x->period, y->period, n) == 0 && y->period[n] == '/';
}

/* The report must not land on a file of the tree, even one reached through
 * a link out of it (the tree's own directory is refused before the scan). */
static int report_over_input(import_args *a, const tree_scan *s)
{
    if (!a->report) return 0;
    size_t n = 1;
    for (size_t i = 0; i < s->nsubs; i++) n += s->subs[i].nfiles;
    dsms_protected *inputs = calloc(n, sizeof *inputs);
    if (!inputs) return cli_error("out of memory");
    n = 0;
    if (s->series)
        inputs[n++] = (dsms_protected){s->series, "an input file", DSMS_PROTECT_FILE};
    for (size_t i = 0; i < s->nsubs; i++)
        for (size_t k = 0; k < s->subs[i].nfiles; k++)
            inputs[n++] = (dsms_protected){s->subs[i].files[k], "an input file",
                                           DSMS_PROTECT_FILE};
    dsms_err err = {""};
    int refused = dsms_outfile_check(a->report, inputs, n, &err);
    free(inputs);
    if (!refused) return 0;
    cli_error("%s", err.msg);
    a->report_refused = 1;
    return cli_error("%s: nothing was imported", a->tree);
}

/* DIR/series.csv, after the periods: checked and stored whole or refused
 * whole, as dsms series import does (docs/series.md). */
static int import_series(dsms_store *st, import_args *a, const char *path)
{
    dsms_err err = {""};
    dsms_refdata ref;
    if (dsms_refdata_fetch(&ref, st, &err)) return cli_error("%s: %s", path, err.msg);
    if (!ref.nseries) {
        dsms_refdata_free(&ref);
        return cli_error("%s: not imported: the store holds no series catalogue (a store made "
                         "before schema version 7): load it with dsms reference load", path);
    }
    dsms_series_opts o = {path, NULL, a->o.by, a->o.today, !a->o.dry_run, a->o.emit,
                          a->o.emit_ctx};
    dsms_framework_attach(st); /* the frameworks' statuses are stored with the series */
    dsms_series_result res;
    int rc = dsms_series_import(st, &ref, &o, &res, &err);
    dsms_refdata_free(&ref);
    if (rc < 0) return cli_error("%s: series: nothing was stored: %s", path, err.msg);
    if (rc == 1) {
        return cli_error("%s: series: %ld %s read, %ld with errors: the file is refused, "
                         "nothing was stored", cli_esc(path), res.rows,
                         cli_plural(res.rows, "row", "rows"), res.refused);
    }
    if (a->quiet) return DSMS_OK;
    if (a->o.dry_run)
        printf("%s: series: %ld %s read, all good\n", cli_esc(path), res.rows,
               cli_plural(res.rows, "row", "rows"));
    else
        printf("%s: series: %ld %s read = %ld stored; submission %lld\n", cli_esc(path),
               res.rows, cli_plural(res.rows, "row", "rows"), res.stored,
               (long long)res.submission);
    return DSMS_OK;
}

static int import_tree(dsms_store *st, const dsms_key *key, import_args *a)
{
    a->o.nested = 1;
    struct stat sb;
    if (stat(a->tree, &sb) != 0)
        return cli_error("%s: cannot read directory: %s (%s)", a->tree, strerror(errno),
                         tree_layout);
    if (!S_ISDIR(sb.st_mode)) return cli_error("%s: not a directory (%s)", a->tree, tree_layout);
    tree_scan s;
    memset(&s, 0, sizeof s);
    scan_tree(&s, a);
    int worst = DSMS_OK;
    if (s.failed) {
        worst = cli_error("%s: the tree could not be read whole: nothing was imported", a->tree);
    } else if (!s.nsubs) {
        worst = refuse_layout(&s, a->tree);
    } else if (report_over_input(a, &s)) {
        worst = DSMS_REFUSED;
    } else {
        for (size_t i = 0; i < s.nnotes; i++) fprintf(stderr, "dsms: %s\n", cli_esc(s.notes[i]));
        cli_progress_init(&a->bar, a->quiet);
        for (size_t i = 0; a->bar.on && i < s.nsubs; i++) {
            a->files_total += s.subs[i].nfiles;
            a->bytes_total += sub_bytes(&s.subs[i]);
        }
        for (size_t from = 0, to; from < s.nsubs; from = to) {
            for (to = from + 1; to < s.nsubs && same_period(&s.subs[from], &s.subs[to]);) to++;
            int rc = import_period(st, key, a, &s, from, to);
            if (rc > worst) worst = rc;
        }
        cli_progress_clear(&a->bar);
        if (s.series) {
            int rc = import_series(st, a, s.series);
            if (rc > worst) worst = rc;
        }
    }
    scan_free(&s);
    return worst;
}

/* The report is refused where it would overwrite the store, its key or an
 * input: for --tree, anything under the tree. */
static int open_report(cli_diags *d, const import_args *a, cli_env *env, int nfiles,
                       char **files)
{
    if (!a->report) return cli_diags_open(d, NULL, a->max, NULL, 0);
    size_t n = 0, cap = (size_t)nfiles + 3;
    dsms_protected *p = calloc(cap, sizeof *p);
    if (!p) return cli_error("out of memory");
    p[n++] = (dsms_protected){env->store, "the store", DSMS_PROTECT_STORE};
    p[n++] = (dsms_protected){cli_key_path(env), "the key file", DSMS_PROTECT_FILE};
    if (a->tree) p[n++] = (dsms_protected){a->tree, "the input directory", DSMS_PROTECT_TREE};
    for (int i = 0; i < nfiles; i++)
        p[n++] = (dsms_protected){files[i], "an input file", DSMS_PROTECT_FILE};
    int rc = cli_diags_open(d, a->report, a->max, p, n);
    free(p);
    return rc;
}

/* The store's key: loaded, and checked against the fingerprint the store
 * records (a store made before fingerprints takes this key's, once). */
static int load_key(dsms_store *st, cli_env *env, dsms_key *key, dsms_err *err)
{
    const char *path = cli_key_path(env);
    if (dsms_key_load(path, key, err)) return -1;
    int rc = dsms_key_verify(st, key, path, env->store, 1, err);
    if (rc < 0) {
        dsms_key_wipe(key);
        return -1;
    }
    if (rc == DSMS_KEY_RECORDED) {
        char fp[DSMS_FINGERPRINT_HEX + 1];
        dsms_key_fingerprint(key, fp);
        fprintf(stderr,
                "dsms: %s: the store recorded no key fingerprint (it was made before dsms "
                "recorded one); it now records %s, the fingerprint of %s, and every later "
                "import checks its key against it\n",
                env->store, fp, path);
    }
    return 0;
}

/* Finish the report. One that cannot be finished (a full disk) is said and
 * makes the exit non-zero, but does not undo a submission that has landed:
 * validate exits 2, import at least 1. */
static int report_done(cli_diags *d, int rc, int dry_run)
{
    if (!cli_diags_close(d, 1)) return rc;
    if (dry_run) return DSMS_REFUSED;
    if (rc != DSMS_REFUSED)
        fprintf(stderr, "dsms: the submission was stored; only its report is missing (run "
                        "dsms validate with --report to write it)\n");
    return rc > 1 ? rc : 1;
}

/* FILE '-': standard input, once. A pipe is copied first into an unnamed
 * temporary file (mode 0600, gone when the command ends) put in its place,
 * since the import reads each file twice; it lands whole or not at all as
 * any file does. */
static int take_stdin(int n, char **files)
{
    int dashes = 0;
    for (int i = 0; i < n; i++) dashes += strcmp(files[i], "-") == 0;
    if (!dashes) return 0;
    if (dashes > 1) return cli_error("'-' (standard input) is given %d times (expected once)", dashes);
    if (isatty(STDIN_FILENO))
        return cli_error("'-' reads standard input, which is a terminal (expected a CSV file "
                         "piped or redirected in, e.g. dsms import --source CODE - < FILE)");
    if (lseek(STDIN_FILENO, 0, SEEK_CUR) >= 0) return 0;
    FILE *tmp = tmpfile();
    if (!tmp) return cli_error("-: cannot make a temporary file for standard input: %s",
                               strerror(errno));
    char buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, stdin)) > 0)
        if (fwrite(buf, 1, got, tmp) != got) break;
    int failed = ferror(stdin) || ferror(tmp) || fflush(tmp) != 0;
    if (failed || dup2(fileno(tmp), STDIN_FILENO) < 0) {
        fclose(tmp);
        return cli_error("-: cannot copy standard input to a temporary file: %s",
                         strerror(errno ? errno : EIO));
    }
    return 0; /* tmp stays open: it is standard input now */
}

static int import_or_validate(int argc, char **argv, cli_env *env, int dry_run)
{
    import_args a = {.o = {.by = cli_user(), .dry_run = dry_run, .emit = cli_diags_emit},
                     .max = 50};
    int rc = parse_args(argc, argv, &a, dry_run ? validate_help : import_help);
    if (rc) return rc < 0 ? 0 : rc;
    if (!dry_run && !a.o.source && !a.tree)
        return cli_error("--source CODE is required (the submitting organisation)");
    if (cli_today(&a.o.today)) return DSMS_REFUSED;
    if (!a.tree && take_stdin(argc - optind, argv + optind)) return DSMS_REFUSED;
    cli_diags diags;
    if (open_report(&diags, &a, env, a.tree ? 0 : argc - optind, argv + optind))
        return DSMS_REFUSED;
    dsms_err err = {""};
    dsms_key key;
    dsms_store *st = NULL;
    if (dry_run) {
        /* Nothing is stored, so no secret is needed: a throwaway key. Without a
         * store, check against the shipped reference data. */
        if (dsms_key_random(&key))
            dsms_err_set(&err, "cannot start libsodium for the throwaway key of a dry run");
        else if (access(env->store, F_OK) == 0) st = dsms_store_open(env->store, 0, &err);
        else if ((st = dsms_store_open(":memory:", DSMS_STORE_CREATE, &err)) &&
                 dsms_refdata_load(st, env->data, &err))
            dsms_store_close(st), st = NULL;
    } else {
        st = dsms_store_open(env->store, 0, &err);
        if (st && load_key(st, env, &key, &err)) dsms_store_close(st), st = NULL;
    }
    if (!st) {
        cli_diags_close(&diags, 0);
        return cli_error("%s", err.msg);
    }
    a.o.emit_ctx = &diags;
    if (a.tree) {
        rc = import_tree(st, &key, &a);
        dsms_key_wipe(&key);
        dsms_store_close(st);
        if (a.report_refused) return cli_diags_close(&diags, 0), rc;
        return report_done(&diags, rc, dry_run);
    }
    size_t n = (size_t)(argc - optind);
    dsms_import_result *res = calloc(n, sizeof *res);
    rc = res ? dsms_import(st, &key, (const char *const *)argv + optind, n, &a.o, res, &err)
             : DSMS_REFUSED;
    dsms_key_wipe(&key);
    dsms_store_close(st);
    if (rc == DSMS_REFUSED) {
        cli_error("%s", res ? err.msg : "out of memory");
        fprintf(stderr, "dsms: submission refused: nothing was stored\n");
    } else if (!a.quiet) {
        print_results(res, n, dry_run);
    }
    free(res);
    return report_done(&diags, rc, dry_run);
}

int cmd_import(int argc, char **argv, cli_env *env)
{
    return import_or_validate(argc, argv, env, 0);
}
int cmd_validate(int argc, char **argv, cli_env *env)
{
    return import_or_validate(argc, argv, env, 1);
}
