/* cmd_user.c — dsms user: the accounts of the server and their API tokens,
 * kept in the store (dsms/accounts.h). A password is read from standard
 * input (or $DSMS_PASSWORD), never from the command line, where other users
 * of the machine could see it; a generated password and a new token are
 * printed once, and only their hashes are kept. Every change is written to
 * the audit record as the user running the command, from "cli". */
#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "dsms/accounts.h"

static const char help[] =
    "usage: dsms user add NAME --role ROLE [--scope CODE]... [--generate-password]\n"
    "       dsms user remove NAME\n"
    "       dsms user list [--json]\n"
    "       dsms user passwd NAME [--generate-password]\n"
    "       dsms user token NAME --label LABEL\n"
    "       dsms user token NAME --revoke LABEL\n"
    "\n"
    "The accounts of the server, kept in the store: add one, remove one (with its\n"
    "sessions and tokens), list them, set a password (which also lifts a lock for\n"
    "failed logins and ends the account's sessions), give an account an API token or\n"
    "revoke one. The password is read from standard input (one line), or from\n"
    "$DSMS_PASSWORD when set; it must be 12 bytes or more.\n"
    "\n"
    "  --role ROLE           national (everything), area (its areas) or provider\n"
    "                        (its organisations)\n"
    "  --scope CODE          what an area or provider account is bound to, once per\n"
    "                        code: an area or partnership code (area role), or a\n"
    "                        provider, prison, police force or probation region code\n"
    "                        (provider role); none for the national role\n"
    "  --generate-password   make a random password and print it, once\n"
    "  --label LABEL         a new token under this label, printed once: keep it, as\n"
    "                        only its hash is stored\n"
    "  --revoke LABEL        revoke the account's token of this label\n"
    "  --json                list as JSON\n"
    "\n"
    "exit status: 0 done; 2 refused (bad arguments, a bad name, role, scope or\n"
    "password, an unknown account or label, no store): nothing was changed.\n";

static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/* 20 characters of 57: some 116 bits. */
static void generate(char *out, size_t n)
{
    for (size_t i = 0; i + 1 < n && i < 20; i++) {
        out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
        out[i + 1] = '\0';
    }
}

/* The password: $DSMS_PASSWORD, or one line of standard input (not echoed
 * when it is a terminal). 0, or DSMS_REFUSED with the reason printed. */
static int read_password(char *buf, size_t n)
{
    const char *env = getenv("DSMS_PASSWORD");
    if (env) {
        if (strlen(env) >= n) return cli_error("$DSMS_PASSWORD is too long");
        snprintf(buf, n, "%s", env);
        return 0;
    }
    int tty = isatty(STDIN_FILENO);
    struct termios old, quiet;
    if (tty && tcgetattr(STDIN_FILENO, &old) == 0) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        fputs("password: ", stderr);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    } else {
        tty = 0;
    }
    char *got = fgets(buf, (int)n, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (!got) return cli_error("no password: give it on standard input, one line, or in "
                               "$DSMS_PASSWORD, or use --generate-password");
    size_t len = strlen(buf);
    if (len && buf[len - 1] != '\n' && !feof(stdin))
        return cli_error("the password is too long (expected at most %d bytes)",
                         DSMS_PASSWORD_MAX);
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r')) buf[--len] = '\0';
    return 0;
}

typedef struct {
    int json;
    json_t *all;
    long n;
} listing;

static int list_one(void *ctx, const dsms_account *a)
{
    listing *l = ctx;
    l->n++;
    if (l->json)
        return json_array_append_new(
                   l->all, json_pack("{s:s, s:s, s:s, s:s, s:i, s:b, s:I}", "name",
                                     cli_json_text(a->name), "role", a->role, "scope",
                                     cli_json_text(a->scope), "created_at", a->created_at,
                                     "failed_logins", a->failed_logins, "locked", a->locked,
                                     "tokens", (json_int_t)a->tokens))
                   ? -1
                   : 0;
    printf("%-24s %-9s %-20s %s%s, %ld %s\n", cli_esc(a->name), a->role,
           *a->scope ? cli_esc(a->scope) : "-", a->created_at, a->locked ? ", locked" : "",
           a->tokens, cli_plural(a->tokens, "token", "tokens"));
    return 0;
}

static int list(dsms_store *st, int json, dsms_err *err)
{
    listing l = {json, json ? json_array() : NULL, 0};
    if (json && !l.all) return dsms_err_set(err, "out of memory"), -1;
    int rc = dsms_account_each(st, NULL, list_one, &l, err);
    if (!rc && json) {
        json_dumpf(l.all, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
    } else if (!rc) {
        printf("%ld %s\n", l.n, cli_plural(l.n, "account", "accounts"));
    }
    json_decref(l.all);
    return rc;
}

typedef struct {
    const char *sub, *name, *role, *label, *revoke;
    const char *scope[DSMS_SCOPE_MAX + 1];
    size_t nscope;
    int json, generate;
} args;

static int parse(int argc, char **argv, args *a)
{
    static const struct option opts[] = {{"role", required_argument, NULL, 'r'},
                                         {"scope", required_argument, NULL, 's'},
                                         {"generate-password", no_argument, NULL, 'g'},
                                         {"label", required_argument, NULL, 'l'},
                                         {"revoke", required_argument, NULL, 'v'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': a->role = optarg; break;
        case 's':
            if (a->nscope > DSMS_SCOPE_MAX)
                return cli_error("--scope: too many codes (expected at most %d)",
                                 DSMS_SCOPE_MAX);
            a->scope[a->nscope++] = optarg;
            break;
        case 'g': a->generate = 1; break;
        case 'l': a->label = optarg; break;
        case 'v': a->revoke = optarg; break;
        case 'j': a->json = 1; break;
        case 'h': fputs(help, stdout); return -1;
        default: fputs(help, stderr); return DSMS_REFUSED;
        }
    }
    if (optind >= argc) return fputs(help, stderr), DSMS_REFUSED;
    a->sub = argv[optind++];
    if (optind < argc) a->name = argv[optind++];
    if (optind < argc) return cli_error("user %s: unexpected '%s'", a->sub, argv[optind]);
    return 0;
}

/* What each subcommand takes, so that an option given to the wrong one is
 * refused rather than ignored. */
static int fits(const args *a)
{
    int list = strcmp(a->sub, "list") == 0, add = strcmp(a->sub, "add") == 0;
    int passwd = strcmp(a->sub, "passwd") == 0, token = strcmp(a->sub, "token") == 0;
    if (!list && !add && !passwd && !token && strcmp(a->sub, "remove") != 0)
        return cli_error("user: '%s' is not a subcommand (expected add, remove, list, passwd "
                         "or token)", a->sub);
    if (list == !!a->name)
        return cli_error(list ? "user list: takes no name" : "user %s: needs an account's name",
                         a->sub);
    if ((a->role || a->nscope) && !add)
        return cli_error("user %s: --role and --scope are for user add", a->sub);
    if (add && !a->role) return cli_error("user add: needs --role (national, area or provider)");
    if (a->generate && !add && !passwd)
        return cli_error("user %s: --generate-password is for user add and user passwd",
                         a->sub);
    if ((a->label || a->revoke) && !token)
        return cli_error("user %s: --label and --revoke are for user token", a->sub);
    if (token && !a->label == !a->revoke)
        return cli_error("user token: needs either --label LABEL (a new token) or --revoke "
                         "LABEL");
    if (a->json && !list) return cli_error("user %s: --json is for user list", a->sub);
    return 0;
}

static int change(dsms_store *st, const args *a, dsms_err *err)
{
    const dsms_actor by = {cli_user(), "cli"};
    char password[DSMS_PASSWORD_MAX + 2] = "";
    int rc = 0;
    if (strcmp(a->sub, "remove") == 0) {
        if (dsms_account_remove(st, a->name, &by, err)) return -1;
        printf("account %s removed\n", cli_esc(a->name));
        return 0;
    }
    if (strcmp(a->sub, "token") == 0) {
        char token[DSMS_TOKEN_TEXT];
        if (a->revoke) {
            if (dsms_token_revoke(st, a->name, a->revoke, &by, err)) return -1;
            printf("token %s of %s revoked\n", cli_esc(a->revoke), cli_esc(a->name));
            return 0;
        }
        if (dsms_token_new(st, a->name, a->label, token, &by, err)) return -1;
        fprintf(stderr, "dsms: a new token for %s, labelled %s: it is shown this once\n",
                cli_esc(a->name), cli_esc(a->label));
        printf("%s\n", token);
        sodium_memzero(token, sizeof token);
        return 0;
    }
    if (a->generate) generate(password, sizeof password);
    else if (read_password(password, sizeof password)) return 1;
    if (strcmp(a->sub, "add") == 0)
        rc = dsms_account_add(st, a->name, a->role, a->scope, a->nscope, password, &by, err);
    else rc = dsms_account_passwd(st, a->name, password, &by, err);
    if (!rc) {
        printf("account %s %s\n", cli_esc(a->name),
               strcmp(a->sub, "add") == 0 ? "added" : "given a new password");
        if (a->generate) printf("password: %s\n", password);
    }
    sodium_memzero(password, sizeof password);
    return rc;
}

int cmd_user(int argc, char **argv, cli_env *env)
{
    args a = {0};
    int rc = parse(argc, argv, &a);
    if (rc) return rc < 0 ? 0 : rc;
    if (fits(&a)) return DSMS_REFUSED;
    if (sodium_init() < 0) return cli_error("cannot start libsodium");
    int listing_only = strcmp(a.sub, "list") == 0;
    dsms_err err = {""};
    dsms_store *st = dsms_store_open(env->store, listing_only ? DSMS_STORE_READONLY : 0, &err);
    if (!st) return cli_error("%s", err.msg);
    rc = listing_only ? list(st, a.json, &err) : change(st, &a, &err);
    dsms_store_close(st);
    if (rc > 0) return DSMS_REFUSED; /* said already */
    return rc ? cli_error("%s", err.msg) : 0;
}
