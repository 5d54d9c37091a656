/* cli.h — what the dsms command's subcommands share: options common to all,
 * and the diagnostic printer and report writer. */
#ifndef DSMS_CLI_H
#define DSMS_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "dsms/diag.h"
#include "dsms/outfile.h"
#include "dsms/refdata.h"

typedef struct {
    const char *store;    /* --store, $DSMS_STORE, or dsms.db */
    const char *key;      /* --key, $DSMS_KEY, or STORE.key */
    const char *data;     /* --data, $DSMS_DATA, or the compiled-in data directory */
    char key_buf[4096];
} cli_env;

void cli_env_init(cli_env *env);
/* Key path for a store: STORE.key unless given. */
const char *cli_key_path(cli_env *env);
/* Today as days since 1970-01-01: $DSMS_TODAY (YYYY-MM-DD) or the local date. */
int cli_today(int64_t *today);
/* Who is running the command: $DSMS_USER, $USER or the login name. */
const char *cli_user(void);
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* s with control characters escaped (text.h), for printing text that came
 * from the user; valid until eight more calls. */
const char *cli_esc(const char *s);
/* s as it is when it is valid UTF-8 (JSON escapes control characters
 * itself), else escaped: jansson refuses a string that is not UTF-8. */
const char *cli_json_text(const char *s);

/* Diagnostics: the first max are printed to stderr; all go to the report file. */
typedef struct {
    dsms_outfile *out;
    FILE *report;
    int json;
    long printed, total, max, errors, warnings;
    const char *path;
} cli_diags;

/* Refuses (message printed, DSMS_REFUSED) a report_path that is one of the
 * protected paths: the store, its key, the inputs. */
int cli_diags_open(cli_diags *d, const char *report_path, long max, const dsms_protected *protect,
                   size_t nprotect);
void cli_diags_emit(void *ctx, const dsms_diag *diag);
/* Finish the report (renamed into place only when keep is set). */
int cli_diags_close(cli_diags *d, int keep);

/* one when n is 1, else many: "1 episode", "2 episodes", "1 person". */
const char *cli_plural(long long n, const char *one, const char *many);

/* "3 regions, 4 police forces, ..., 4 providers": what reference data holds. */
void cli_refdata_counts(const dsms_refdata *ref, char *buf, size_t n);

int cmd_init(int argc, char **argv, cli_env *env);
int cmd_serve(int argc, char **argv, cli_env *env);
int cmd_framework(int argc, char **argv, cli_env *env);
int cmd_import(int argc, char **argv, cli_env *env);
int cmd_validate(int argc, char **argv, cli_env *env);
int cmd_status(int argc, char **argv, cli_env *env);
int cmd_quarantine(int argc, char **argv, cli_env *env);
int cmd_dataset(int argc, char **argv, cli_env *env);
int cmd_reference(int argc, char **argv, cli_env *env);
int cmd_simulate(int argc, char **argv, cli_env *env);
int cmd_stats(int argc, char **argv, cli_env *env);
int cmd_compute(int argc, char **argv, cli_env *env);
int cmd_measures(int argc, char **argv, cli_env *env);
int cmd_check(int argc, char **argv, cli_env *env);
int cmd_user(int argc, char **argv, cli_env *env);
int cmd_audit(int argc, char **argv, cli_env *env);
int cmd_series(int argc, char **argv, cli_env *env);
int cmd_allocate(int argc, char **argv, cli_env *env);
int cmd_incentive(int argc, char **argv, cli_env *env);
int cmd_report(int argc, char **argv, cli_env *env);
int cmd_warn(int argc, char **argv, cli_env *env);
int cmd_alerts(int argc, char **argv, cli_env *env);
int cmd_substance(int argc, char **argv, cli_env *env);

#endif
