/* cmd_warn.c — early warning on the command line (docs/early-warning.md):
 * dsms warn (find the signals, raise alerts, export notifications), dsms
 * alerts (list, show and move alerts through their states; where issued
 * alerts go) and dsms substance (the substance register, and what a
 * reported name matches). Thin over lib/warn and lib/reference. */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "dsms/field.h"
#include "dsms/substances_store.h"
#include "dsms/warn.h"

/* ---- dsms warn ---- */

static const char warn_help[] =
    "usage: dsms warn run|signals [--since DATE|all] [--json]\n"
    "       dsms warn export --format eu|unodc|json [--out FILE]\n"
    "\n"
    "Early warning of new substances and of spikes in harm, from the early-warning\n"
    "reports (table ew_reports) and the deaths in the store (docs/early-warning.md).\n"
    "\n"
    "  run       find every signal and raise an alert for each (dsms alerts): a\n"
    "            signal found again changes its alert, never adds one; audited\n"
    "  signals   print the signals, raising nothing\n"
    "  export    notifications of new substances for the EU Early Warning System's\n"
    "            reporting form (eu) or UNODC's Early Warning Advisory (unodc), as\n"
    "            CSV, or both as JSON: every issued alert of a substance identified\n"
    "            for the first time in the country\n"
    "\n"
    "Signals:\n"
    "  novelty     a substance identified for the first time in the country (not\n"
    "              known to the register before) or in a region, found in a new form\n"
    "              (matrix) or sold as something new; a name the register does not\n"
    "              know after matching (dsms substance match)\n"
    "  exceedance  a week's count of reports, hospital toxicology or deaths of a\n"
    "              substance family in an area, or England, above the Farrington\n"
    "              flexible threshold from its own history (Noufaily's settings)\n"
    "  cluster     severe or fatal reactions to one substance in one area or prison:\n"
    "              --cluster-size of them within --cluster-days of each other\n"
    "\n"
    "options:\n"
    "  --since DATE|all    signals that began on or after DATE (YYYY-MM-DD); default\n"
    "                      12 weeks before today; all: the whole history\n"
    "  --learning-weeks N  the data's first N weeks show what is known, not new (52)\n"
    "  --cluster-size N    reactions that make a cluster (3)\n"
    "  --cluster-days N    within this many days of each other (7)\n"
    "  --years-back B, --window W, --alpha A, --original\n"
    "                      the exceedance method's settings: years back, half-window in\n"
    "                      weeks, alpha (0.001 unless given: thousands of series are\n"
    "                      assessed each week); --original for Farrington's, not\n"
    "                      Noufaily's (dsms stats farrington runs the method on a file)\n"
    "  --json              as JSON\n"
    "  --out FILE          export: write FILE (whole or not at all) instead of stdout\n"
    "\n"
    "exit status: 0 done; 2 refused (bad arguments, no store, a failure).\n";

typedef struct {
    dsms_warn_opts o;
    int json, signal_options; /* an option of run and signals was given */
    const char *format, *out;
} warn_args;

static int positive(const char *name, const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == 0 || *end || v < 1 || v > 1000)
        return cli_error("%s: '%s' is not a whole number from 1 to 1000", name, s);
    *out = (int)v;
    return 0;
}

static int parse_day(const char *name, const char *s, int *day)
{
    int64_t d = dsms_date_parse(s, strlen(s));
    if (d == INT64_MIN) return cli_error("%s: '%s' is not a date (expected YYYY-MM-DD)", name, s);
    *day = (int)d;
    return 0;
}

static int warn_options(int argc, char **argv, warn_args *a)
{
    static const struct option opts[] = {{"since", required_argument, NULL, 's'},
                                         {"learning-weeks", required_argument, NULL, 'l'},
                                         {"cluster-size", required_argument, NULL, 'c'},
                                         {"cluster-days", required_argument, NULL, 'd'},
                                         {"years-back", required_argument, NULL, 'b'},
                                         {"window", required_argument, NULL, 'w'},
                                         {"alpha", required_argument, NULL, 'a'},
                                         {"original", no_argument, NULL, 'o'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"out", required_argument, NULL, 'O'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    int c, b = 0, w = -1;
    double alpha = NAN;
    a->o.since = a->o.today - 84;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end;
        a->signal_options |= c != 'f' && c != 'O' && c != 'h';
        switch (c) {
        case 's':
            if (strcmp(optarg, "all") == 0) a->o.since = INT_MIN;
            else if (parse_day("--since", optarg, &a->o.since)) return -1;
            break;
        case 'l':
            if (positive("--learning-weeks", optarg, &a->o.learning_weeks)) return -1;
            break;
        case 'c':
            if (positive("--cluster-size", optarg, &a->o.cluster_size)) return -1;
            break;
        case 'd':
            if (positive("--cluster-days", optarg, &a->o.cluster_days)) return -1;
            break;
        case 'b':
            if (positive("--years-back", optarg, &b)) return -1;
            break;
        case 'w':
            w = (int)strtol(optarg, &end, 10);
            if (!*optarg || *end || w < 0 || w > 25)
                return cli_error("--window: '%s' is not a whole number from 0 to 25", optarg), -1;
            break;
        case 'a':
            alpha = strtod(optarg, &end);
            if (!*optarg || *end || !(alpha > 0 && alpha < 1))
                return cli_error("--alpha: '%s' is not a number between 0 and 1", optarg), -1;
            break;
        case 'o': dsms_farrington_original(&a->o.farrington); break;
        case 'f': a->format = optarg; break;
        case 'O': a->out = optarg; break;
        case 'j': a->json = 1; break;
        case 'h': fputs(warn_help, stdout); return 1;
        default: fputs(warn_help, stderr); return -1;
        }
    }
    if (b) a->o.farrington.b = b;
    if (w >= 0) a->o.farrington.w = w;
    if (!isnan(alpha)) a->o.farrington.alpha = alpha;
    /* -1 refused, as above: a positive value is --help's, which exits 0. */
    if (optind < argc) return cli_error("warn: unexpected '%s'", cli_esc(argv[optind])), -1;
    return 0;
}

static json_t *signal_json(const dsms_signal *s)
{
    json_t *ev = json_loads(s->evidence, 0, NULL);
    json_t *o = json_pack("{sssssssssssssssssssiso}", "kind", dsms_signal_kind_name(s->kind),
                          "what", s->what, "key", s->key, "severity", s->severity, "substance",
                          s->substance, "family", s->family, "areas", s->areas, "began", s->period,
                          "title", s->title, "reports", s->reports, "evidence",
                          ev ? ev : json_object());
    if (o && !isnan(s->threshold)) {
        json_object_set_new(o, "count", json_real(s->count));
        json_object_set_new(o, "expected", json_real(s->expected));
        json_object_set_new(o, "threshold", json_real(s->threshold));
    }
    return o;
}

static void print_signals(const dsms_signal *s, size_t n, int json)
{
    if (json) {
        json_t *all = json_array();
        for (size_t i = 0; i < n; i++) json_array_append_new(all, signal_json(&s[i]));
        json_dumpf(all, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
        json_decref(all);
        return;
    }
    if (n) printf("%-10s %-10s %-12s %-6s %s\n", "began", "kind", "what", "level", "title");
    for (size_t i = 0; i < n; i++)
        printf("%-10s %-10s %-12s %-6s %s\n", s[i].period, dsms_signal_kind_name(s[i].kind),
               s[i].what, s[i].severity, cli_esc(s[i].title));
}

static int warn_export(dsms_store *st, const char *store, const warn_args *a, dsms_err *err)
{
    if (!a->format) {
        dsms_err_set(err, "export: --format is required (eu, unodc or json)");
        return -1;
    }
    if (!a->out) return dsms_warn_export(st, a->format, stdout, err);
    dsms_protected protect[] = {{store, "the store", DSMS_PROTECT_STORE}};
    dsms_outfile *f = dsms_outfile_open(a->out, protect, 1, DSMS_MODE_PRIVATE, err);
    if (!f) return -1;
    if (dsms_warn_export(st, a->format, dsms_outfile_stream(f), err)) {
        dsms_outfile_abort(f);
        return -1;
    }
    return dsms_outfile_commit(f, err);
}

int cmd_warn(int argc, char **argv, cli_env *env)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return fputs(warn_help, argc < 2 ? stderr : stdout), argc < 2 ? DSMS_REFUSED : 0;
    const char *what = argv[1];
    int run = strcmp(what, "run") == 0, signals = strcmp(what, "signals") == 0;
    int export = strcmp(what, "export") == 0;
    if (!run && !signals && !export)
        return cli_error("warn: '%s' is not a subcommand (expected run, signals or export)", what);
    warn_args a = {0};
    int64_t today;
    if (cli_today(&today)) return DSMS_REFUSED;
    dsms_warn_opts_init(&a.o, (int)today);
    int rc = warn_options(argc - 1, argv + 1, &a);
    if (rc) return rc > 0 ? 0 : DSMS_REFUSED;
    if (export && a.signal_options)
        return cli_error("warn export: takes --format and --out only (the signals' options "
                         "belong to dsms warn run and signals)");
    if (!export && (a.format || a.out))
        return cli_error("warn %s: --format and --out belong to dsms warn export", what);
    dsms_err err = {""};
    dsms_store *st = dsms_store_open(env->store, run ? 0 : DSMS_STORE_READONLY, &err);
    if (!st) return cli_error("%s", err.msg);
    if (export) {
        rc = warn_export(st, env->store, &a, &err);
        dsms_store_close(st);
        return rc ? cli_error("%s", err.msg) : 0;
    }
    dsms_signal *s = NULL;
    size_t n = 0;
    dsms_warn_summary sum;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = dsms_warn_signals(st, &a.o, &s, &n, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!rc && run) rc = dsms_warn_raise(st, s, n, cli_user(), &sum, &err);
    dsms_store_close(st);
    if (rc) return dsms_signals_free(s, n), cli_error("%s", err.msg);
    if (signals || a.json) print_signals(s, n, a.json);
    if (run && !a.json)
        printf("%zu %s in %.2f s: %zu new %s, %zu found again\n", n,
               cli_plural((long long)n, "signal", "signals"),
               (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
               sum.created, cli_plural((long long)sum.created, "alert", "alerts"), sum.updated);
    dsms_signals_free(s, n);
    return 0;
}

/* ---- dsms alerts ---- */

static const char alerts_help[] =
    "usage: dsms alerts list [--state S] [--kind K] [--area CODE] [--json]\n"
    "       dsms alerts show ID [--json]\n"
    "       dsms alerts assess|issue|close ID --note TEXT\n"
    "       dsms alerts deliver ID\n"
    "       dsms alerts config [--outbox DIR] [--webhook URL]\n"
    "\n"
    "The alerts that dsms warn run raised, each with its evidence (the reports\n"
    "behind it), severity (low, medium, high), the areas it concerns and its state:\n"
    "new, assessed, issued or closed. Each change of state is kept in the alert's\n"
    "history and the audit record, by $DSMS_USER.\n"
    "\n"
    "  assess    new to assessed: someone has looked at the evidence\n"
    "  issue     new or assessed to issued: the alert goes to the roles concerned (the\n"
    "            server shows it to the national team and to the accounts of the areas\n"
    "            it concerns) and to the outbox directory and webhook set by config\n"
    "  close     to closed, with a note saying why (required)\n"
    "  deliver   send an issued alert to the outbox and webhook again\n"
    "  config    where issued alerts go: a directory that receives a JSON file an\n"
    "            alert (alert-ID.json, written whole or not at all), a web address\n"
    "            each is posted to; \"\" unsets. Without options, prints them.\n"
    "\n"
    "exit status: 0 done; 1 issued but not delivered (the outbox or webhook failed:\n"
    "dsms alerts deliver sends it again); 2 refused (bad arguments, no such alert, a\n"
    "move its state does not allow).\n";

typedef struct {
    int json;
    json_t *all;
    long n;
} alert_list;

static int list_row(void *ctx, const dsms_stored_alert *a)
{
    alert_list *l = ctx;
    l->n++;
    if (l->all)
        return json_array_append_new(
                   l->all, json_pack("{sIssssssssssssss}", "id", (json_int_t)a->id, "kind",
                                     a->kind, "state", a->state, "severity", a->severity, "began",
                                     a->period, "areas", a->areas, "substance", a->substance,
                                     "title", cli_json_text(a->title)))
                   ? -1
                   : 0;
    printf("%5" PRId64 "  %-10s %-10s %-8s %-6s %s\n", a->id, a->period, a->kind, a->state,
           a->severity, cli_esc(a->title));
    return 0;
}

typedef struct {
    dsms_store *st;
    int json, found;
    dsms_err *err;
} show;

static int history_line(void *ctx, const dsms_alert_event *e)
{
    (void)ctx;
    printf("  %s  %-8s -> %-8s by %s%s%s\n", e->at, e->from, e->to, cli_esc(e->actor),
           *e->note ? ": " : "", cli_esc(e->note));
    return 0;
}

static int show_row(void *ctx, const dsms_stored_alert *a)
{
    show *s = ctx;
    s->found = 1;
    if (s->json) {
        char *text = dsms_alert_json(s->st, a, s->err);
        if (!text) return -1;
        puts(text);
        free(text);
        return 1;
    }
    printf("alert %" PRId64 ": %s\n", a->id, cli_esc(a->title));
    printf("  kind      %s\n  state     %s\n  severity  %s\n  began     %s\n", a->kind, a->state,
           a->severity, a->period);
    if (*a->substance) printf("  substance %s\n", a->substance);
    printf("  family    %s\n  areas     %s\n  raised    %s\n  changed   %s\n", a->family,
           *a->areas ? a->areas : "-", a->raised_at, a->updated_at);
    json_t *ev = json_loads(a->evidence, 0, NULL), *r;
    json_t *reports = json_object_get(ev, "reports");
    printf("evidence: %lld %s\n", (long long)json_integer_value(json_object_get(ev, "total_reports")),
           "reports");
    size_t i;
    json_array_foreach(reports, i, r) {
        printf("  %s %s/%s %-22s %-10s %-8s %s\n",
               json_string_value(json_object_get(r, "sampled")),
               cli_esc(json_string_value(json_object_get(r, "reporter"))),
               cli_esc(json_string_value(json_object_get(r, "ref"))),
               json_string_value(json_object_get(r, "source")),
               json_string_value(json_object_get(r, "place")),
               json_string_value(json_object_get(r, "severity")),
               json_string_value(json_object_get(r, "matrix")));
    }
    json_decref(ev);
    printf("history:\n");
    return dsms_store_each_alert_event(s->st, a->id, history_line, NULL, s->err) ? -1 : 1;
}

static int alert_id(const char *s, int64_t *id)
{
    char *end;
    long long v = strtoll(s ? s : "", &end, 10);
    if (!s || !*s || *end || v < 1) return cli_error("'%s' is not an alert id (a whole number "
                                                     "from 1; dsms alerts list)", s ? s : "");
    *id = v;
    return 0;
}

static int alerts_config(dsms_store *st, int argc, char **argv, dsms_err *err)
{
    const char *keys[] = {"alert_outbox", "alert_webhook"};
    int set = 0;
    for (int i = 2; i < argc; i += 2) {
        int k = strcmp(argv[i], "--outbox") == 0 ? 0 : strcmp(argv[i], "--webhook") == 0 ? 1 : -1;
        if (k < 0 || i + 1 >= argc)
            return cli_error("alerts config: expected --outbox DIR or --webhook URL, not '%s'",
                             cli_esc(argv[i]));
        if (k == 1 && *argv[i + 1] && strncmp(argv[i + 1], "http://", 7) != 0 &&
            strncmp(argv[i + 1], "https://", 8) != 0)
            return cli_error("--webhook: '%s' is not a web address (expected http:// or "
                             "https://)", cli_esc(argv[i + 1]));
        if (dsms_store_meta_set(st, keys[k], argv[i + 1], err)) return cli_error("%s", err->msg);
        set = 1;
    }
    char buf[8192];
    dsms_alert_delivery d;
    if (dsms_alert_delivery_get(st, &d, buf, sizeof buf, err)) return cli_error("%s", err->msg);
    if (set) {
        json_t *j = json_pack("{ssss}", "outbox", d.outbox ? d.outbox : "", "webhook",
                              d.webhook ? d.webhook : "");
        char *detail = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        int bad = !detail || dsms_store_audit(st, cli_user(), "alerts.config", detail, err);
        free(detail);
        if (bad) return cli_error("%s", err->msg[0] ? err->msg : "out of memory");
    }
    printf("outbox  %s\nwebhook %s\n", d.outbox ? cli_esc(d.outbox) : "(none)",
           d.webhook ? cli_esc(d.webhook) : "(none)");
    return 0;
}

static int alerts_list(dsms_store *st, int argc, char **argv, dsms_err *err)
{
    static const struct option opts[] = {{"state", required_argument, NULL, 's'},
                                         {"kind", required_argument, NULL, 'k'},
                                         {"area", required_argument, NULL, 'a'},
                                         {"json", no_argument, NULL, 'j'},
                                         {0, 0, 0, 0}};
    dsms_alert_filter f = {0};
    alert_list l = {0};
    int c;
    while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
        switch (c) {
        case 's': f.state = optarg; break;
        case 'k': f.kind = optarg; break;
        case 'a': f.area = optarg; break;
        case 'j': l.json = 1; break;
        default: return fputs(alerts_help, stderr), DSMS_REFUSED;
        }
    }
    if (optind + 1 < argc)
        return cli_error("alerts list: unexpected '%s'", cli_esc(argv[optind + 1]));
    static const char *const states[] = {"new", "assessed", "issued", "closed"};
    int known = !f.state;
    for (int i = 0; i < 4 && f.state; i++) known |= strcmp(f.state, states[i]) == 0;
    if (!known)
        return cli_error("--state: '%s' is not a state (expected new, assessed, issued or "
                         "closed)", cli_esc(f.state));
    if (f.kind && strcmp(f.kind, "novelty") && strcmp(f.kind, "exceedance") &&
        strcmp(f.kind, "cluster"))
        return cli_error("--kind: '%s' is not a kind (expected novelty, exceedance or cluster)",
                         cli_esc(f.kind));
    if (l.json) l.all = json_array();
    else printf("%5s  %-10s %-10s %-8s %-6s %s\n", "id", "began", "kind", "state", "level",
                "title");
    if (dsms_store_each_alert(st, &f, list_row, &l, err)) {
        json_decref(l.all);
        return cli_error("%s", err->msg);
    }
    if (l.json) {
        json_dumpf(l.all, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
    } else {
        printf("%ld %s\n", l.n, cli_plural(l.n, "alert", "alerts"));
    }
    json_decref(l.all);
    return 0;
}

static int alerts_move(dsms_store *st, int action, int argc, char **argv, dsms_err *err)
{
    int64_t id = 0;
    const char *note = NULL;
    if (argc < 3 || alert_id(argv[2], &id)) return DSMS_REFUSED;
    for (int i = 3; i < argc; i += 2) {
        if (strcmp(argv[i], "--note") != 0 || i + 1 >= argc)
            return cli_error("alerts: expected --note TEXT, not '%s'", cli_esc(argv[i]));
        note = argv[i + 1];
    }
    int undelivered;
    int rc = dsms_alert_act(st, id, (dsms_alert_action)action, cli_user(), note, &undelivered,
                            err);
    if (rc <= 0) return cli_error("%s", err->msg);
    printf("alert %" PRId64 " %s\n", id, action == DSMS_ALERT_ASSESS ? "assessed"
                                          : action == DSMS_ALERT_ISSUE ? "issued"
                                                                        : "closed");
    if (undelivered) {
        cli_error("alert %" PRId64 " issued but not delivered: %s (dsms alerts deliver %" PRId64
                  " sends it again)", id, err->msg, id);
        return DSMS_PARTIAL;
    }
    return 0;
}

int cmd_alerts(int argc, char **argv, cli_env *env)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return fputs(alerts_help, argc < 2 ? stderr : stdout), argc < 2 ? DSMS_REFUSED : 0;
    const char *what = argv[1];
    int action = dsms_alert_action_find(what);
    int list = strcmp(what, "list") == 0, show_ = strcmp(what, "show") == 0;
    int deliver = strcmp(what, "deliver") == 0, config = strcmp(what, "config") == 0;
    if (action < 0 && !list && !show_ && !deliver && !config)
        return cli_error("alerts: '%s' is not a subcommand (expected list, show, assess, issue, "
                         "close, deliver or config)", cli_esc(what));
    int64_t id = 0;
    if ((show_ || deliver) && (argc < 3 || alert_id(argv[2], &id))) return DSMS_REFUSED;
    /* show takes only --json after the id, deliver nothing */
    if ((show_ && argc > 3 && (argc > 4 || strcmp(argv[3], "--json") != 0)) ||
        (deliver && argc > 3))
        return cli_error("alerts %s: unexpected '%s'", what, cli_esc(argv[3]));
    dsms_err err = {""};
    int ro = list || show_;
    dsms_store *st = dsms_store_open(env->store, ro ? DSMS_STORE_READONLY : 0, &err);
    if (!st) return cli_error("%s", err.msg);
    int rc;
    if (list) {
        rc = alerts_list(st, argc, argv, &err);
    } else if (show_) {
        show s = {st, argc > 3 && strcmp(argv[3], "--json") == 0, 0, &err};
        dsms_alert_filter f = {id, NULL, NULL, NULL};
        if (dsms_store_each_alert(st, &f, show_row, &s, &err)) rc = cli_error("%s", err.msg);
        else if (!s.found) rc = cli_error("no alert %" PRId64 " (dsms alerts list)", id);
        else rc = 0;
    } else if (deliver) {
        rc = dsms_alert_deliver(st, id, cli_user(), &err) ? cli_error("%s", err.msg) : 0;
        if (!rc) printf("alert %" PRId64 " delivered\n", id);
    } else if (config) {
        rc = alerts_config(st, argc, argv, &err);
    } else {
        rc = alerts_move(st, action, argc, argv, &err);
    }
    dsms_store_close(st);
    return rc;
}

/* ---- dsms substance ---- */

static const char substance_help[] =
    "usage: dsms substance list [--family F] [--json]\n"
    "       dsms substance show CODE\n"
    "       dsms substance match TEXT...\n"
    "       dsms substance add --code C --name N --family F [--synonyms S1;S2]\n"
    "                          [--legal STATUS:FROM[:TO];...] [--first-uk DATE]\n"
    "\n"
    "The substance register the early-warning reports are coded against: each\n"
    "substance's name, family, other names, legal status over time (class_a,\n"
    "class_b, class_c, tcdo, psa, uncontrolled, from a date, to a date) and its first\n"
    "identification in the UK. The store keeps it: dsms init and dsms reference load\n"
    "write data/substances.csv into it, keeping the substances added since.\n"
    "\n"
    "  list    every substance, or a family's\n"
    "  show    one substance, its legal status today, what the reports say of it and\n"
    "          the alerts about it\n"
    "  match   what a reported name matches in the register, as the early-warning\n"
    "          signals match it: exact, synonym, near (a spelling slip: did you mean),\n"
    "          ambiguous, or none (a name the register does not know)\n"
    "  add     add a substance (audited); the register's checks apply\n"
    "\n"
    "families: synthetic_cannabinoids, cathinones, nitazenes, other_synthetic_opioids,\n"
    "benzodiazepines, phenethylamines, tryptamines, arylcyclohexylamines,\n"
    "stimulants_other, depressants_other, opioids, cocaine, cannabis, other.\n"
    "\n"
    "exit status: 0 done (match: every name matched); 1 match: a name matched\n"
    "nothing, or more than one substance; 2 refused (bad arguments, a check failed).\n";

static void legal_now(const dsms_substance *s, int today, char *buf, size_t n)
{
    dsms_legal l = dsms_substance_legal_on(s, today);
    snprintf(buf, n, "%s", l == DSMS_LEGAL_UNKNOWN ? "not recorded" : dsms_legal_name(l));
}

static int substance_list(const dsms_substances *reg, int argc, char **argv, int today)
{
    const char *family = NULL;
    int json = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) json = 1;
        else if (strcmp(argv[i], "--family") == 0 && i + 1 < argc) family = argv[++i];
        else return cli_error("substance list: unexpected '%s'", cli_esc(argv[i]));
    }
    if (family && dsms_family_find(family) < 0)
        return cli_error("--family: '%s' is not a family (dsms substance --help lists them)",
                         cli_esc(family));
    json_t *all = json ? json_array() : NULL;
    size_t n = 0;
    if (!json) printf("%-28s %-28s %-24s %s\n", "code", "name", "family", "legal status today");
    for (size_t i = 0; i < reg->n; i++) {
        const dsms_substance *s = &reg->items[i];
        if (family && strcmp(dsms_families[s->family].code, family) != 0) continue;
        char legal[64];
        legal_now(s, today, legal, sizeof legal);
        n++;
        if (json)
            json_array_append_new(all, json_pack("{ssssssss}", "code", s->code, "name", s->name,
                                                 "family", dsms_families[s->family].code,
                                                 "legal_status", legal));
        else
            printf("%-28s %-28s %-24s %s\n", s->code, cli_esc(s->name),
                   dsms_families[s->family].code, legal);
    }
    if (json) {
        json_dumpf(all, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
        json_decref(all);
    } else {
        printf("%zu %s\n", n, cli_plural((long long)n, "substance", "substances"));
    }
    return 0;
}

/* What the reports say of one substance: how many, the first and last. */
typedef struct {
    const char *code;
    long n;
    int first, last;
} seen_in;

static int seen_row(void *ctx, const dsms_cell *c)
{
    seen_in *s = ctx;
    size_t len = strlen(s->code);
    for (const char *p = c[0].s, *end = c[0].s + c[0].len; p && p < end;) {
        const char *semi = memchr(p, ';', (size_t)(end - p)), *stop = semi ? semi : end;
        if ((size_t)(stop - p) == len && memcmp(p, s->code, len) == 0) {
            int day = (int)c[1].i;
            if (!s->n || day < s->first) s->first = day;
            if (!s->n || day > s->last) s->last = day;
            s->n++;
            break;
        }
        p = stop + 1;
    }
    return 0;
}

static int alert_line(void *ctx, const dsms_stored_alert *a)
{
    const char *code = ctx;
    if (strcmp(a->substance, code) == 0)
        printf("  %5" PRId64 " %-10s %-8s %s\n", a->id, a->period, a->state, cli_esc(a->title));
    return 0;
}

static int substance_show(dsms_store *st, const dsms_substances *reg, const char *code,
                          int today, dsms_err *err)
{
    int k = dsms_substances_find(reg, code);
    if (k < 0) {
        dsms_match m;
        dsms_substance_match(reg, code, &m);
        if (m.substance >= 0)
            return cli_error("'%s' is not a code of the register; did you mean %s (%s)?",
                             cli_esc(code), reg->items[m.substance].code,
                             reg->items[m.substance].name);
        return cli_error("'%s' is not a code of the register (dsms substance list)",
                         cli_esc(code));
    }
    const dsms_substance *s = &reg->items[k];
    char legal[64], first[11] = "-";
    legal_now(s, today, legal, sizeof legal);
    if (s->first_uk != DSMS_DAY_NONE) dsms_date_format(s->first_uk, first);
    printf("%s: %s\n  family         %s\n  other names    ", s->code, cli_esc(s->name),
           dsms_families[s->family].name);
    for (size_t i = 0; i < s->nsynonyms; i++)
        printf("%s%s", i ? "; " : "", cli_esc(s->synonyms[i]));
    printf("%s\n  legal today    %s\n  legal history  ", s->nsynonyms ? "" : "-", legal);
    for (size_t i = 0; i < s->nlegal; i++) {
        char from[11], to[11] = "";
        dsms_date_format(s->legal[i].from, from);
        if (s->legal[i].to != DSMS_DAY_OPEN) dsms_date_format(s->legal[i].to, to);
        printf("%s%s from %s%s%s", i ? "; " : "", dsms_legal_name(s->legal[i].status), from,
               *to ? " to " : "", to);
    }
    printf("%s\n  first in UK    %s\n", s->nlegal ? "" : "-", first);
    static const char *const cols[] = {"substances", "date_sampled"};
    seen_in seen = {s->code, 0, 0, 0};
    if (dsms_store_scan(st, dsms_table_find("ew_reports"), NULL, cols, 2, seen_row, &seen, err))
        return cli_error("%s", err->msg);
    char a[11] = "-", b[11] = "-";
    if (seen.n) dsms_date_format(seen.first, a), dsms_date_format(seen.last, b);
    printf("  reports        %ld (first sampled %s, latest %s)\nalerts:\n", seen.n, a, b);
    dsms_alert_filter f = {0};
    return dsms_store_each_alert(st, &f, alert_line, (void *)s->code, err) ? cli_error("%s",
                                                                                     err->msg)
                                                                          : 0;
}

static int substance_match(const dsms_substances *reg, int argc, char **argv)
{
    int missed = 0;
    for (int i = 2; i < argc; i++) {
        dsms_match m;
        dsms_substance_match(reg, argv[i], &m);
        printf("'%s': %s", cli_esc(argv[i]), dsms_match_kind_name(m.kind));
        if (m.substance >= 0)
            printf(" %s (%s)%s%s", reg->items[m.substance].code, reg->items[m.substance].name,
                   m.kind == DSMS_MATCH_NEAR ? ", did you mean it?" : "",
                   m.kind == DSMS_MATCH_SYNONYM ? ", as another name of it" : "");
        for (size_t k = 0; m.kind == DSMS_MATCH_AMBIGUOUS && k < m.ncandidates; k++)
            printf("%s%s", k ? " or " : ": as near to ", reg->items[m.candidates[k]].code);
        putchar('\n');
        missed |= m.substance < 0;
    }
    return argc < 3 ? cli_error("substance match: give a name to match") : missed;
}

static int substance_add(dsms_store *st, dsms_substances *reg, int argc, char **argv,
                         dsms_err *err)
{
    static const char *const flags[] = {"--code",  "--name",  "--family",
                                        "--synonyms", "--legal", "--first-uk"};
    const char *v[DSMS_SUBSTANCE_COLUMNS] = {0};
    for (int i = 2; i < argc; i += 2) {
        int k = -1;
        for (int j = 0; j < DSMS_SUBSTANCE_COLUMNS; j++)
            if (strcmp(argv[i], flags[j]) == 0) k = j;
        if (k < 0 || i + 1 >= argc)
            return cli_error("substance add: unexpected '%s' (expected --code, --name, --family, "
                             "--synonyms, --legal or --first-uk, each with a value)",
                             cli_esc(argv[i]));
        v[k] = argv[i + 1];
    }
    for (int j = 0; j < 3; j++)
        if (!v[j]) return cli_error("substance add: %s is required", flags[j]);
    int64_t today, first = v[5] && *v[5] ? dsms_date_parse(v[5], strlen(v[5])) : INT64_MIN;
    if (first != INT64_MIN && !cli_today(&today) && first > today)
        return cli_error("--first-uk: '%s' is in the future (expected a day on or before today)",
                         cli_esc(v[5]));
    if (dsms_substances_add(reg, v, "dsms substance add", err)) return cli_error("%s", err->msg);
    const dsms_substance *s = &reg->items[reg->n - 1];
    char detail[160];
    snprintf(detail, sizeof detail, "{\"substance\":\"%s\"}", s->code);
    if (dsms_store_begin(st, err) || dsms_substance_store(s, st, cli_user(), err) ||
        dsms_store_audit(st, cli_user(), "substance.add", detail, err) ||
        dsms_store_commit(st, err)) {
        dsms_store_rollback(st);
        return cli_error("%s", err->msg);
    }
    printf("added %s (%s) to the register\n", s->code, cli_esc(s->name));
    return 0;
}

int cmd_substance(int argc, char **argv, cli_env *env)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return fputs(substance_help, argc < 2 ? stderr : stdout), argc < 2 ? DSMS_REFUSED : 0;
    const char *what = argv[1];
    int list = strcmp(what, "list") == 0, show_ = strcmp(what, "show") == 0;
    int match = strcmp(what, "match") == 0, add = strcmp(what, "add") == 0;
    if (!list && !show_ && !match && !add)
        return cli_error("substance: '%s' is not a subcommand (expected list, show, match or "
                         "add)", cli_esc(what));
    if (show_ && argc != 3) return cli_error("substance show: give one code");
    int64_t today;
    if (cli_today(&today)) return DSMS_REFUSED;
    dsms_err err = {""};
    dsms_store *st = dsms_store_open(env->store, add ? 0 : DSMS_STORE_READONLY, &err);
    if (!st) return cli_error("%s", err.msg);
    dsms_substances reg;
    int rc;
    if (dsms_substances_fetch(&reg, st, &err)) {
        rc = cli_error("%s", err.msg);
    } else {
        rc = list    ? substance_list(&reg, argc, argv, (int)today)
             : show_ ? substance_show(st, &reg, argv[2], (int)today, &err)
             : match ? substance_match(&reg, argc, argv)
                     : substance_add(st, &reg, argc, argv, &err);
        dsms_substances_free(&reg);
    }
    dsms_store_close(st);
    return rc;
}
