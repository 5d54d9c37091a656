/* dsms.c — the dsms command: one program, one subcommand per job.
 *
 * Thin over libdsms: it parses arguments, calls the library, prints what came
 * back and turns it into an exit status (0 all accepted, 1 some rows
 * quarantined, 2 refused: bad arguments, unreadable file, missing columns). */
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "dsms/csv.h"
#include "dsms/field.h"
#include "dsms/text.h"
#include "progress.h"

static const char usage[] =
    "usage: dsms COMMAND [OPTIONS]\n"
    "\n"
    "Drug Strategy Monitoring System.\n"
    "\n"
    "commands:\n"
    "  init [STORE]                   create a store and its pseudonymisation key\n"
    "  import --source CODE FILE...   take a submission: validate, pseudonymise, store\n"
    "  import --tree DIR              take every DIR/PERIOD/SOURCE/ as a submission\n"
    "  validate FILE...               check files as import would, storing nothing\n"
    "  status [--summary]             list submissions and their counts, or what landed\n"
    "  check [STORE]                  look for damage and broken invariants in a store\n"
    "  quarantine                     list rejected rows with their diagnostics\n"
    "  dataset [TABLE]                print the data set definition\n"
    "  reference list|show|area|check|load\n"
    "                                 the reference data and the comparator groups\n"
    "  simulate --out DIR             write a simulated nation's submissions\n"
    "  compute                        recompute every measure from the store\n"
    "  measures --area CODE           an area's measures, with intervals and comparisons\n"
    "  measures --measure ID          every area ranked on one measure\n"
    "  stats METHOD --input FILE      indicator statistics: limits, funnels, trend\n"
    "  framework check|load|list|remove|show\n"
    "                                 outcomes frameworks (YAML): checked, kept, and each\n"
    "                                 metric's status against its target\n"
    "  series catalogue|import|check|list\n"
    "                                 published series: their catalogue and values\n"
    "  allocate --formula FILE --budget AMOUNT\n"
    "                                 a grant shared out over the areas by need\n"
    "  incentive --tariff FILE --period P\n"
    "                                 payments to areas for outcomes achieved\n"
    "  report KIND [CODE] --out PATH  national, area, partnership, provider and review\n"
    "                                 reports as HTML, PDF and XLSX\n"
    "  warn run|signals|export        early warning: new substances, spikes in harm,\n"
    "                                 clusters of severe reactions; notifications\n"
    "  alerts list|show|assess|issue|close|deliver|config\n"
    "                                 the alerts raised, their states and delivery\n"
    "  substance list|show|match|add  the substance register and name matching\n"
    "  user add|remove|list|passwd|token\n"
    "                                 the server's accounts and their API tokens\n"
    "  audit [--since TIME]           the audit record: who did what, when, from where\n"
    "  serve [--listen ADDR:PORT]     the JSON API over HTTP (loopback by default)\n"
    "\n"
    "options for every command:\n"
    "  --store PATH   the store (default $DSMS_STORE, or dsms.db)\n"
    "  --key PATH     the key file (default $DSMS_KEY, or STORE.key)\n"
    "  --data DIR     reference data directory (default $DSMS_DATA, or the shipped data/)\n"
    "\n"
    "exit status: 0 done (import: every row accepted); 1 import: some rows quarantined,\n"
    "validate: some would be, check: problems found; 2 refused (bad arguments, an\n"
    "unreadable file, missing columns, no store): nothing was written. Each command's\n"
    "--help gives its own.\n"
    "Run dsms COMMAND --help for a command's options.\n";

/* A message quotes paths, codes and values from the user: escaped whole, so
 * that it stays one line and sends the terminal nothing but text. */
int cli_error(const char *fmt, ...)
{
    char msg[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cli_progress_hide();
    fprintf(stderr, "dsms: %s\n", cli_esc(msg));
    return DSMS_REFUSED;
}

const char *cli_plural(long long n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

const char *cli_json_text(const char *s)
{
    if (!s) return "";
    return dsms_utf8_valid((const unsigned char *)s, strlen(s)) ? s : cli_esc(s);
}

/* A few buffers in turn, so that one printf can escape several values. Each
 * grows to the longest text it has held and is kept for the next call. */
const char *cli_esc(const char *s)
{
    static char *buf[8];
    static size_t cap[8];
    static unsigned next;
    unsigned k = next++ % 8;
    size_t need = dsms_escape(s ? s : "", (size_t)-1, NULL, 0) + 1;
    if (need > cap[k]) {
        char *p = realloc(buf[k], need);
        if (!p) return "(out of memory)";
        buf[k] = p;
        cap[k] = need;
    }
    dsms_escape(s ? s : "", (size_t)-1, buf[k], cap[k]);
    return buf[k];
}

void cli_env_init(cli_env *env)
{
    memset(env, 0, sizeof *env);
    env->store = getenv("DSMS_STORE") ? getenv("DSMS_STORE") : "dsms.db";
    env->key = getenv("DSMS_KEY");
    env->data = getenv("DSMS_DATA") ? getenv("DSMS_DATA") : DSMS_DATADIR;
}

const char *cli_key_path(cli_env *env)
{
    if (env->key) return env->key;
    snprintf(env->key_buf, sizeof env->key_buf, "%s.key", env->store);
    return env->key_buf;
}

int cli_today(int64_t *today)
{
    const char *s = getenv("DSMS_TODAY");
    char buf[16];
    if (!s) {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
        s = buf;
    }
    *today = dsms_date_parse(s, strlen(s));
    if (*today == INT64_MIN) return cli_error("DSMS_TODAY: '%s' is not a date (expected YYYY-MM-DD)", s);
    return 0;
}

const char *cli_user(void)
{
    const char *u = getenv("DSMS_USER");
    if (!u) u = getenv("USER");
    if (!u) {
        struct passwd *pw = getpwuid(getuid());
        u = pw ? pw->pw_name : "unknown";
    }
    return u;
}

/* Take --store/--key/--data wherever they appear, leaving the rest in order. */
static int take_common(int *argc, char **argv, cli_env *env)
{
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        const char **slot = strcmp(argv[i], "--store") == 0 ? &env->store
                            : strcmp(argv[i], "--key") == 0 ? &env->key
                            : strcmp(argv[i], "--data") == 0 ? &env->data
                                                             : NULL;
        if (!slot) {
            argv[out++] = argv[i];
            continue;
        }
        if (i + 1 >= *argc) return cli_error("%s needs a value", argv[i]);
        *slot = argv[++i];
    }
    *argc = out;
    argv[out] = NULL;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **, cli_env *);
    } commands[] = {{"init", cmd_init},         {"import", cmd_import},
                    {"validate", cmd_validate}, {"status", cmd_status},
                    {"quarantine", cmd_quarantine}, {"dataset", cmd_dataset},
                    {"reference", cmd_reference}, {"simulate", cmd_simulate},
                    {"compute", cmd_compute},     {"measures", cmd_measures},
                    {"stats", cmd_stats},         {"check", cmd_check},
                    {"user", cmd_user},           {"audit", cmd_audit},
                    {"serve", cmd_serve},         {"series", cmd_series},
                    {"framework", cmd_framework}, {"allocate", cmd_allocate},
                    {"incentive", cmd_incentive}, {"report", cmd_report},
                    {"warn", cmd_warn},           {"alerts", cmd_alerts},
                    {"substance", cmd_substance}};
    cli_env env;
    cli_env_init(&env);
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? DSMS_REFUSED : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("dsms %s\n", DSMS_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) != 0) continue;
        int sub_argc = argc - 1;
        char **sub_argv = argv + 1;
        if (take_common(&sub_argc, sub_argv, &env)) return DSMS_REFUSED;
        int rc = commands[i].run(sub_argc, sub_argv, &env);
        /* Output that did not all reach stdout (a full disk) is a failure too. */
        if (fflush(stdout) != 0 || ferror(stdout)) {
            cli_error("writing the output: %s", strerror(errno));
            return rc ? rc : DSMS_REFUSED;
        }
        return rc;
    }
    /* The commands named from the table itself, so that the list cannot drift. */
    char names[512] = "";
    for (size_t i = 0, o = 0; i < sizeof commands / sizeof commands[0] && o < sizeof names; i++)
        o += (size_t)snprintf(names + o, sizeof names - o, "%s%s", i ? ", " : "",
                              commands[i].name);
    cli_error("'%s' is not a command (expected one of %s)", argv[1], names);
    return DSMS_REFUSED;
}
