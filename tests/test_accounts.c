/* test_accounts.c — accounts, tokens, sessions and the audit record
 * (dsms/accounts.h), on a store with the shipped reference data. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dsms/accounts.h"
#include "support.h"

static const dsms_actor admin = {"admin", "cli"};
static const dsms_actor web = {"", "192.0.2.7"};
static const char pw[] = "correct horse battery";

/* Whether err holds text. */
static int says(const dsms_err *err, const char *text)
{
    if (strstr(err->msg, text)) return 1;
    fprintf(stderr, "  message: %s\n  (expected it to say: %s)\n", err->msg, text);
    return 0;
}

typedef struct {
    int n;
    char names[8][64];
    dsms_account last;
    char scope[256];
} seen;

static int see_account(void *ctx, const dsms_account *a)
{
    seen *s = ctx;
    if (s->n < 8) snprintf(s->names[s->n], 64, "%s", a->name);
    s->n++;
    s->last = *a;
    snprintf(s->scope, sizeof s->scope, "%s", a->scope);
    s->last.scope = s->scope;
    s->last.name = s->last.role = s->last.created_at = NULL;
    return 0;
}

static void test_add_and_refusals(dsms_store *st)
{
    dsms_err err = {""};
    const char *area[] = {"E06000001"};
    const char *org[] = {"E06000001"};
    const char *two[] = {"E06000001", "E06000001"};
    CHECK_INT(dsms_account_add(st, "ann", "area", area, 1, pw, &admin, &err), 0);
    CHECK_INT(dsms_account_add(st, "nat", "national", NULL, 0, pw, &admin, &err), 0);
    /* refusals, each said in words */
    CHECK_INT(dsms_account_add(st, "ann", "area", area, 1, pw, &admin, &err), -1);
    CHECK(says(&err, "the name 'ann' is taken"));
    CHECK_INT(dsms_account_add(st, "bad name", "area", area, 1, pw, &admin, &err), -1);
    CHECK(says(&err, "is not an account name"));
    CHECK_INT(dsms_account_add(st, "", "area", area, 1, pw, &admin, &err), -1);
    CHECK(says(&err, "is not an account name"));
    char longname[80];
    memset(longname, 'a', 64);
    longname[64] = '\0';
    CHECK_INT(dsms_account_add(st, longname, "national", NULL, 0, pw, &admin, &err), -1);
    CHECK(says(&err, "1 to 63"));
    CHECK_INT(dsms_account_add(st, "x", "public", NULL, 0, pw, &admin, &err), -1);
    CHECK(says(&err, "'public' is not a role"));
    CHECK_INT(dsms_account_add(st, "x", "admin", NULL, 0, pw, &admin, &err), -1);
    CHECK(says(&err, "expected national, area or provider"));
    CHECK_INT(dsms_account_add(st, "x", "national", area, 1, pw, &admin, &err), -1);
    CHECK(says(&err, "takes no scope"));
    CHECK_INT(dsms_account_add(st, "x", "area", NULL, 0, pw, &admin, &err), -1);
    CHECK(says(&err, "needs a scope"));
    CHECK_INT(dsms_account_add(st, "x", "provider", org, 1, pw, &admin, &err), -1);
    CHECK(says(&err, "'E06000001' is not an organisation code"));
    const char *unknown[] = {"E99999999"};
    CHECK_INT(dsms_account_add(st, "x", "area", unknown, 1, pw, &admin, &err), -1);
    CHECK(says(&err, "'E99999999' is not an area or partnership code"));
    CHECK_INT(dsms_account_add(st, "x", "area", two, 2, pw, &admin, &err), -1);
    CHECK(says(&err, "in the scope twice"));
    CHECK_INT(dsms_account_add(st, "x", "area", area, 1, "short", &admin, &err), -1);
    CHECK(says(&err, "too short: 5 bytes (expected at least 12)"));
    /* provider codes of each kind of organisation */
    const char *orgs[] = {"PH01", "HMP01", "F06", "PR01"};
    CHECK_INT(dsms_account_add(st, "pat", "provider", orgs, 4, pw, &admin, &err), 0);
    if (*err.msg) fprintf(stderr, "%s\n", err.msg);
    const char *cdp[] = {"CDP001", "E06000018"};
    CHECK_INT(dsms_account_add(st, "cat", "area", cdp, 2, pw, &admin, &err), 0);
    seen s = {0};
    CHECK_INT(dsms_account_each(st, NULL, see_account, &s, &err), 0);
    CHECK_INT(s.n, 4);
    CHECK_STR(s.names[0], "ann");
    CHECK_STR(s.names[3], "pat");
    memset(&s, 0, sizeof s);
    CHECK_INT(dsms_account_each(st, "cat", see_account, &s, &err), 0);
    CHECK_INT(s.n, 1);
    CHECK_STR(s.scope, "CDP001 E06000018");
    CHECK_INT(dsms_store_count(st, "users", &err), 4);
    /* no password in clear anywhere: the hash is Argon2id's text */
    CHECK_INT(dsms_account_remove(st, "nobody", &admin, &err), -1);
    CHECK(says(&err, "there is no account named 'nobody'"));
    CHECK_INT(dsms_account_remove(st, "ann", &admin, &err), 0);
    CHECK_INT(dsms_store_count(st, "users", &err), 3);
    CHECK_INT(dsms_account_passwd(st, "nat", "too short", &admin, &err), -1);
    CHECK(says(&err, "too short"));
    CHECK_INT(dsms_account_passwd(st, "ann", pw, &admin, &err), -1);
}

static void test_principals(dsms_store *st)
{
    dsms_err err = {""};
    dsms_principal p;
    char session[DSMS_TOKEN_TEXT], csrf[DSMS_TOKEN_TEXT];
    long delay = -1;
    CHECK_INT(dsms_login(st, "cat", pw, 1000, &p, session, csrf, &delay, &web, &err),
              DSMS_AUTH_OK);
    CHECK_INT(delay, 0);
    CHECK_INT(p.role, DSMS_ROLE_AREA);
    CHECK_STR(p.name, "cat");
    /* CDP001 is Tees Valley: five areas, then Nottingham */
    CHECK_INT(p.nscope, 6);
    CHECK_STR(p.scope[0], "E06000001");
    CHECK_STR(p.scope[4], "E06000005");
    CHECK_STR(p.scope[5], "E06000018");
    CHECK(dsms_policy_allows(&p, DSMS_RES_SELF, DSMS_ACT_READ, NULL));
    CHECK_INT(dsms_policy_unsuppressed(&p, "E06000003"), 1);
    CHECK_INT(dsms_policy_unsuppressed(&p, "E06000006"), 0);
    CHECK_INT(dsms_login(st, "pat", pw, 1000, &p, session, csrf, &delay, &web, &err),
              DSMS_AUTH_OK);
    CHECK_INT(p.role, DSMS_ROLE_PROVIDER);
    CHECK_INT(p.nscope, 4);
    CHECK_STR(p.scope[1], "HMP01");
    CHECK_INT(dsms_login(st, "nat", pw, 1000, &p, session, csrf, &delay, &web, &err),
              DSMS_AUTH_OK);
    CHECK_INT(p.role, DSMS_ROLE_NATIONAL);
    CHECK_INT(p.nscope, 0);
}

static void test_tokens(dsms_store *st)
{
    dsms_err err = {""};
    dsms_principal p;
    char tok[DSMS_TOKEN_TEXT], other[DSMS_TOKEN_TEXT];
    CHECK_INT(dsms_token_new(st, "pat", "uploads", tok, &admin, &err), 0);
    CHECK_INT(strlen(tok), DSMS_TOKEN_TEXT - 1);
    CHECK_INT(strncmp(tok, "dsms_", 5), 0);
    CHECK_INT(dsms_token_new(st, "pat", "uploads", other, &admin, &err), -1);
    CHECK(says(&err, "has a token labelled 'uploads' already"));
    CHECK_INT(dsms_token_new(st, "nobody", "x", other, &admin, &err), -1);
    CHECK_INT(dsms_token_new(st, "pat", "", other, &admin, &err), -1);
    CHECK(says(&err, "is not a token label"));
    CHECK_INT(dsms_token_new(st, "pat", "second", other, &admin, &err), 0);
    CHECK(strcmp(tok, other) != 0);
    CHECK_INT(dsms_token_find(st, tok, &p, &err), DSMS_AUTH_OK);
    CHECK_INT(p.role, DSMS_ROLE_PROVIDER);
    CHECK_STR(p.name, "pat");
    CHECK(p.token_id > 0);
    int64_t first = p.token_id;
    CHECK_INT(dsms_token_find(st, other, &p, &err), DSMS_AUTH_OK);
    CHECK(p.token_id != first);
    /* the store holds the hash, never the token */
    seen s = {0};
    CHECK_INT(dsms_account_each(st, "pat", see_account, &s, &err), 0);
    CHECK_INT(s.last.tokens, 2);
    /* a token changed in one digit, or not a token at all */
    char bent[DSMS_TOKEN_TEXT];
    memcpy(bent, tok, sizeof bent);
    bent[10] = bent[10] == '0' ? '1' : '0';
    CHECK_INT(dsms_token_find(st, bent, &p, &err), DSMS_AUTH_REFUSED);
    CHECK_INT(p.role, DSMS_ROLE_PUBLIC);
    CHECK_INT(dsms_token_find(st, "dsms_xyz", &p, &err), DSMS_AUTH_REFUSED);
    CHECK_INT(dsms_token_find(st, "", &p, &err), DSMS_AUTH_REFUSED);
    CHECK_INT(dsms_token_revoke(st, "pat", "uploads", &admin, &err), 0);
    CHECK_INT(dsms_token_find(st, tok, &p, &err), DSMS_AUTH_REFUSED);
    CHECK_INT(dsms_token_revoke(st, "pat", "uploads", &admin, &err), -1);
    CHECK(says(&err, "no token labelled 'uploads'"));
    CHECK_INT(dsms_token_find(st, other, &p, &err), DSMS_AUTH_OK);
    memset(&s, 0, sizeof s);
    CHECK_INT(dsms_account_each(st, "pat", see_account, &s, &err), 0);
    CHECK_INT(s.last.tokens, 1);
}

static void test_sessions(dsms_store *st)
{
    dsms_err err = {""};
    dsms_principal p;
    char session[DSMS_TOKEN_TEXT], csrf[DSMS_TOKEN_TEXT], c2[DSMS_TOKEN_TEXT];
    long delay;
    int64_t t0 = 2000000;
    CHECK_INT(dsms_login(st, "nat", pw, t0, &p, session, csrf, &delay, &web, &err),
              DSMS_AUTH_OK);
    CHECK_INT(strncmp(session, "dsms_", 5), 0);
    CHECK(strcmp(session, csrf) != 0);
    CHECK_INT(dsms_session_find(st, session, t0 + 10, &p, c2, &err), DSMS_AUTH_OK);
    CHECK_STR(c2, csrf);
    CHECK_STR(p.name, "nat");
    /* used within the idle time, again and again: alive until the maximum */
    int64_t t = t0;
    for (int i = 0; i < 12; i++) {
        t += DSMS_SESSION_IDLE_SECONDS - 60;
        CHECK_INT(dsms_session_find(st, session, t, &p, c2, &err), DSMS_AUTH_OK);
    }
    t += DSMS_SESSION_IDLE_SECONDS - 60; /* past twelve hours since the login */
    CHECK(t >= t0 + DSMS_SESSION_MAX_SECONDS);
    CHECK_INT(dsms_session_find(st, session, t, &p, c2, &err), DSMS_AUTH_REFUSED);
    /* idle too long */
    CHECK_INT(dsms_login(st, "nat", pw, t0, &p, session, csrf, &delay, &web, &err),
              DSMS_AUTH_OK);
    CHECK_INT(dsms_session_find(st, session, t0 + DSMS_SESSION_IDLE_SECONDS + 1, &p, c2, &err),
              DSMS_AUTH_REFUSED);
    CHECK_INT(dsms_session_find(st, session, t0 + 5, &p, c2, &err), DSMS_AUTH_REFUSED);
    /* ended */
    CHECK_INT(dsms_login(st, "nat", pw, t0, &p, session, csrf, &delay, &web, &err),
              DSMS_AUTH_OK);
    CHECK_INT(dsms_session_end(st, session, &err), 0);
    CHECK_INT(dsms_session_find(st, session, t0 + 5, &p, c2, &err), DSMS_AUTH_REFUSED);
    CHECK_INT(dsms_session_find(st, "not a token", t0, &p, c2, &err), DSMS_AUTH_REFUSED);
    CHECK_INT(dsms_session_end(st, "not a token", &err), 0);
    /* a new password ends the account's sessions */
    CHECK_INT(dsms_login(st, "nat", pw, t0, &p, session, csrf, &delay, &web, &err),
              DSMS_AUTH_OK);
    CHECK_INT(dsms_account_passwd(st, "nat", "another long password", &admin, &err), 0);
    CHECK_INT(dsms_session_find(st, session, t0 + 5, &p, c2, &err), DSMS_AUTH_REFUSED);
    CHECK_INT(dsms_login(st, "nat", pw, t0, &p, session, csrf, &delay, &web, &err),
              DSMS_AUTH_REFUSED);
    CHECK_INT(dsms_account_passwd(st, "nat", pw, &admin, &err), 0);
}

static void test_lockout(dsms_store *st)
{
    dsms_err err = {""};
    dsms_principal p;
    char session[DSMS_TOKEN_TEXT], csrf[DSMS_TOKEN_TEXT];
    long delay, last = 0;
    int64_t now = 3000000;
    for (int i = 1; i < DSMS_LOGIN_LOCK_AFTER; i++) {
        CHECK_INT(dsms_login(st, "pat", "wrong password!", now, &p, session, csrf, &delay, &web,
                             &err),
                  DSMS_AUTH_REFUSED);
        if (i <= DSMS_LOGIN_SLOW_AFTER) CHECK_INT(delay, 0);
        else CHECK(delay > 0 && delay >= last);
        last = delay;
    }
    CHECK(last > 1000);
    seen s = {0};
    CHECK_INT(dsms_account_each(st, "pat", see_account, &s, &err), 0);
    CHECK_INT(s.last.failed_logins, DSMS_LOGIN_LOCK_AFTER - 1);
    CHECK_INT(s.last.locked, 0);
    /* the tenth locks: then even the right password is refused */
    CHECK_INT(dsms_login(st, "pat", "wrong password!", now, &p, session, csrf, &delay, &web,
                         &err),
              DSMS_AUTH_REFUSED);
    CHECK_INT(dsms_login(st, "pat", pw, now + 60, &p, session, csrf, &delay, &web, &err),
              DSMS_AUTH_LOCKED);
    CHECK_INT(p.role, DSMS_ROLE_PUBLIC);
    /* a quarter of an hour later it opens again */
    CHECK_INT(dsms_login(st, "pat", pw, now + DSMS_LOGIN_LOCK_SECONDS + 1, &p, session, csrf,
                         &delay, &web, &err),
              DSMS_AUTH_OK);
    /* a success resets the count */
    memset(&s, 0, sizeof s);
    CHECK_INT(dsms_account_each(st, "pat", see_account, &s, &err), 0);
    CHECK_INT(s.last.failed_logins, 0);
    /* lock again, then a new password unlocks at once */
    for (int i = 0; i < DSMS_LOGIN_LOCK_AFTER; i++)
        dsms_login(st, "pat", "wrong password!", now, &p, session, csrf, &delay, &web, &err);
    CHECK_INT(dsms_login(st, "pat", pw, now + 1, &p, session, csrf, &delay, &web, &err),
              DSMS_AUTH_LOCKED);
    CHECK_INT(dsms_account_passwd(st, "pat", pw, &admin, &err), 0);
    CHECK_INT(dsms_login(st, "pat", pw, now + 2, &p, session, csrf, &delay, &web, &err),
              DSMS_AUTH_OK);
    /* an unknown name is answered as a wrong password */
    CHECK_INT(dsms_login(st, "nobody", pw, now, &p, session, csrf, &delay, &web, &err),
              DSMS_AUTH_REFUSED);
    CHECK_INT(dsms_login(st, "bad name!", pw, now, &p, session, csrf, &delay, &web, &err),
              DSMS_AUTH_REFUSED);
}

typedef struct {
    int n, logins, failed, secret;
    char last_action[64], origin[64];
} audit_seen;

static int see_audit(void *ctx, const dsms_audit_entry *e)
{
    audit_seen *a = ctx;
    a->n++;
    a->logins += strcmp(e->action, "login") == 0;
    a->failed += strcmp(e->action, "login failed") == 0;
    a->secret += strstr(e->detail, "horse") != NULL || strstr(e->detail, "dsms_") != NULL ||
                 strstr(e->actor, "horse") != NULL;
    snprintf(a->last_action, sizeof a->last_action, "%s", e->action);
    snprintf(a->origin, sizeof a->origin, "%s", e->origin);
    return 0;
}

static void test_audit(dsms_store *st, const char *path)
{
    dsms_err err = {""};
    audit_seen a = {0};
    CHECK_INT(dsms_audit_each(st, NULL, NULL, see_audit, &a, &err), 0);
    CHECK(a.n > 30);
    CHECK(a.logins >= 8);
    CHECK(a.failed >= 20);
    CHECK_INT(a.secret, 0);
    memset(&a, 0, sizeof a);
    CHECK_INT(dsms_audit_each(st, NULL, "admin", see_audit, &a, &err), 0);
    CHECK_STR(a.origin, "cli");
    CHECK_STR(a.last_action, "user passwd");
    memset(&a, 0, sizeof a);
    CHECK_INT(dsms_audit_each(st, NULL, "(unknown)", see_audit, &a, &err), 0);
    CHECK_INT(a.failed, 2);
    CHECK_STR(a.origin, "192.0.2.7");
    memset(&a, 0, sizeof a);
    CHECK_INT(dsms_audit_each(st, "2999-01-01", NULL, see_audit, &a, &err), 0);
    CHECK_INT(a.n, 0);
    dsms_actor me = {"tester", "198.51.100.1"};
    CHECK_INT(dsms_audit_event(st, &me, "download", "results.csv", &err), 0);
    memset(&a, 0, sizeof a);
    CHECK_INT(dsms_audit_each(st, "2000-01-01", "tester", see_audit, &a, &err), 0);
    CHECK_INT(a.n, 1);
    CHECK_STR(a.last_action, "download");
    /* append-only, whoever asks: SQLite itself refuses */
    sqlite3 *db = NULL;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    CHECK(sqlite3_exec(db, "UPDATE audit SET actor = 'someone else'", NULL, NULL, &msg) !=
          SQLITE_OK);
    CHECK(msg && strstr(msg, "the audit record cannot be changed"));
    sqlite3_free(msg);
    msg = NULL;
    CHECK(sqlite3_exec(db, "DELETE FROM audit", NULL, NULL, &msg) != SQLITE_OK);
    CHECK(msg && strstr(msg, "the audit record cannot be changed"));
    sqlite3_free(msg);
    /* and nothing in clear: no password, no token */
    sqlite3_stmt *q = NULL;
    CHECK_INT(sqlite3_prepare_v2(db,
                                 "SELECT count(*) FROM users WHERE password_hash NOT LIKE"
                                 " '$argon2id$%' OR password_hash LIKE '%horse%'",
                                 -1, &q, NULL),
              SQLITE_OK);
    CHECK_INT(sqlite3_step(q), SQLITE_ROW);
    CHECK_INT(sqlite3_column_int(q, 0), 0);
    sqlite3_finalize(q);
    CHECK_INT(sqlite3_prepare_v2(db, "SELECT count(*) FROM tokens WHERE length(hash) <> 32", -1,
                                 &q, NULL),
              SQLITE_OK);
    CHECK_INT(sqlite3_step(q), SQLITE_ROW);
    CHECK_INT(sqlite3_column_int(q, 0), 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
}

static int stop_at_first(void *ctx, const dsms_audit_entry *e)
{
    (void)e;
    return ++*(int *)ctx >= 1 ? 1 : 0;
}

static int fail_at_first(void *ctx, const dsms_audit_entry *e)
{
    (void)ctx, (void)e;
    return -1;
}

static void test_callbacks(dsms_store *st)
{
    dsms_err err = {""};
    int n = 0;
    CHECK_INT(dsms_audit_each(st, NULL, NULL, stop_at_first, &n, &err), 0);
    CHECK_INT(n, 1);
    CHECK_INT(dsms_audit_each(st, NULL, NULL, fail_at_first, NULL, &err), -1);
    CHECK(says(&err, "out of memory reading the audit record"));
}

int main(void)
{
    setenv("DSMS_PWHASH_FAST", "1", 1);
    dsms_store *st = support_store();
    char path[700];
    snprintf(path, sizeof path, "%s/store0.db", support_dir());
    test_add_and_refusals(st);
    test_principals(st);
    test_tokens(st);
    test_sessions(st);
    test_lockout(st);
    test_audit(st, path);
    test_callbacks(st);
    dsms_store_close(st);
    support_cleanup();
    return check_summary();
}
