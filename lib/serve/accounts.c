/* accounts.c — accounts, sessions and API tokens (accounts.h).
 *
 * The store keeps hashes only: a password's Argon2id text, a token's
 * BLAKE2b hash (32 bytes, of its 32 random bytes). A session's CSRF token is
 * derived from the session token (BLAKE2b keyed with it), so that only the
 * holder of the session can know it; the store keeps its hash beside the
 * session's. Every change, and every login, is written to the audit record
 * in the same savepoint as the change itself: one is never kept without the
 * other. */
#include "dsms/accounts.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { TOKEN_BYTES = 32, HASH_BYTES = 32, LABEL_MAX = 64, SCOPE_TEXT = DSMS_SCOPE_MAX * 17 };

static const char token_prefix[] = "dsms_";

static int ready(dsms_err *err)
{
    if (sodium_init() >= 0) return 0;
    dsms_err_set(err, "cannot start libsodium, which hashes passwords and tokens");
    return -1;
}

/* ---- checks of what the caller gives ---- */

static int name_ok(const char *name, dsms_err *err)
{
    size_t n = name ? strlen(name) : 0;
    int ok = n >= 1 && n < DSMS_NAME_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@",
                    name[i]) != NULL;
    if (ok) return 0;
    dsms_err_set(err, "'%s' is not an account name (expected 1 to %d letters, digits, '.', '_', "
                      "'-' or '@')",
                 name ? name : "", DSMS_NAME_MAX - 1);
    return -1;
}

static int password_ok(const char *password, dsms_err *err)
{
    size_t n = password ? strlen(password) : 0;
    if (n < DSMS_PASSWORD_MIN) {
        dsms_err_set(err, "the password is too short: %zu bytes (expected at least %d)", n,
                     DSMS_PASSWORD_MIN);
        return -1;
    }
    if (n > DSMS_PASSWORD_MAX) {
        dsms_err_set(err, "the password is too long: %zu bytes (expected at most %d)", n,
                     DSMS_PASSWORD_MAX);
        return -1;
    }
    return 0;
}

/* A label: 1 to 64 printable ASCII characters, spaces among them. */
static int label_ok(const char *label, dsms_err *err)
{
    size_t n = label ? strlen(label) : 0;
    int ok = n >= 1 && n <= LABEL_MAX;
    for (size_t i = 0; ok && i < n; i++) ok = label[i] >= 0x20 && label[i] < 0x7f;
    if (ok) return 0;
    dsms_err_set(err, "'%s' is not a token label (expected 1 to %d printable characters)",
                 label ? label : "", LABEL_MAX);
    return -1;
}

/* ---- the reference data a scope is checked against ---- */

typedef struct {
    const char *column; /* the column looked in */
    const char *code;   /* the code looked for */
    const char *want;   /* when not NULL: the column whose values are kept, of every match */
    int at, at_want;
    int found;
    dsms_principal *p;  /* where kept values go (partnerships' member areas) */
} ref_find;

static void scope_add(dsms_principal *p, const char *code)
{
    for (size_t i = 0; i < p->nscope; i++)
        if (strcmp(p->scope[i], code) == 0) return;
    if (p->nscope < DSMS_SCOPE_MAX && strlen(code) < sizeof p->scope[0])
        strcpy(p->scope[p->nscope++], code);
}

static int find_row(void *ctx, const dsms_ref_row *row)
{
    ref_find *f = ctx;
    if (!row->value) {
        f->at = f->at_want = -1;
        for (size_t i = 0; i < row->n; i++) {
            if (strcmp(row->name[i], f->column) == 0) f->at = (int)i;
            if (f->want && strcmp(row->name[i], f->want) == 0) f->at_want = (int)i;
        }
        return f->at < 0 ? 1 : 0;
    }
    if (strcmp(row->value[f->at], f->code) != 0) return 0;
    f->found = 1;
    if (!f->p || f->at_want < 0) return 1; /* one row says it is there */
    scope_add(f->p, row->value[f->at_want]);
    return 0;
}

/* Whether code is in a reference table's column: 1, 0, or -1 (err set). */
static int ref_has(dsms_store *st, const char *table, const char *column, const char *code,
                   dsms_err *err)
{
    ref_find f = {column, code, NULL, -1, -1, 0, NULL};
    if (dsms_store_ref_each(st, table, find_row, &f, err)) return -1;
    return f.found;
}

/* What an account of a role may be bound to: reference tables and columns. */
typedef struct {
    const char *table, *column;
} ref_kind;

static const ref_kind area_kinds[] = {{"areas", "code"}, {"partnerships", "partnership_code"}};
static const ref_kind org_kinds[] = {{"providers", "code"},
                                     {"prisons", "code"},
                                     {"police_forces", "code"},
                                     {"probation_regions", "code"}};

static int code_known(dsms_store *st, dsms_role role, const char *code, dsms_err *err)
{
    const ref_kind *k = role == DSMS_ROLE_AREA ? area_kinds : org_kinds;
    size_t n = role == DSMS_ROLE_AREA ? 2 : 4;
    for (size_t i = 0; i < n; i++) {
        int has = ref_has(st, k[i].table, k[i].column, code, err);
        if (has) return has;
    }
    return 0;
}

/* The scope as stored: the codes checked, separated by spaces, into buf. */
static int scope_ok(dsms_store *st, dsms_role role, const char *const *scope, size_t nscope,
                    char buf[SCOPE_TEXT], dsms_err *err)
{
    const char *role_name = dsms_role_name(role);
    buf[0] = '\0';
    if (role == DSMS_ROLE_NATIONAL && nscope) {
        dsms_err_set(err, "the national role reaches everything: it takes no scope (expected "
                          "no area or organisation code)");
        return -1;
    }
    if (role != DSMS_ROLE_NATIONAL && !nscope) {
        dsms_err_set(err, "the %s role needs a scope (expected at least one %s code)",
                     role_name, role == DSMS_ROLE_AREA ? "area or partnership" : "organisation");
        return -1;
    }
    if (nscope > DSMS_SCOPE_MAX) {
        dsms_err_set(err, "%zu codes in the scope (expected at most %d)", nscope,
                     DSMS_SCOPE_MAX);
        return -1;
    }
    for (size_t i = 0; i < nscope; i++) {
        const char *c = scope[i] ? scope[i] : "";
        int known = *c && strlen(c) < 16 && !strpbrk(c, " \t\r\n")
                        ? code_known(st, role, c, err)
                        : 0;
        if (known < 0) return -1;
        if (!known) {
            dsms_err_set(err, "'%s' is not %s of the reference data (expected %s)", c,
                         role == DSMS_ROLE_AREA ? "an area or partnership code"
                                                : "an organisation code",
                         role == DSMS_ROLE_AREA
                             ? "a code of areas.csv or partnerships.csv, such as E06000001 or "
                               "CDP001"
                             : "a code of providers.csv, prisons.csv, police_forces.csv or "
                               "probation_regions.csv");
            return -1;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(scope[k], c) == 0) {
                dsms_err_set(err, "'%s' is in the scope twice (expected each code once)", c);
                return -1;
            }
        snprintf(buf + strlen(buf), SCOPE_TEXT - strlen(buf), "%s%s", i ? " " : "", c);
    }
    return 0;
}

/* ---- accounts ---- */

/* An account looked up: a copy of what the store gave. */
typedef struct {
    int64_t id;            /* 0 when not found */
    int64_t want_id;       /* look up by id instead of name, when not 0 */
    char name[DSMS_NAME_MAX], role[16], scope[SCOPE_TEXT];
    char hash[crypto_pwhash_STRBYTES];
    int failed_logins;
    int64_t locked_until;
} account;

static int keep_account(void *ctx, const dsms_store_user *u)
{
    account *a = ctx;
    if (a->want_id && u->id != a->want_id) return 0;
    a->id = u->id;
    snprintf(a->name, sizeof a->name, "%s", u->name);
    snprintf(a->role, sizeof a->role, "%s", u->role);
    snprintf(a->scope, sizeof a->scope, "%s", u->scope);
    snprintf(a->hash, sizeof a->hash, "%s", u->password_hash);
    a->failed_logins = u->failed_logins;
    a->locked_until = u->locked_until;
    return 1;
}

/* The account of a name: 1, 0 when there is none, -1 (err set). */
static int find_by_name(dsms_store *st, const char *name, account *a, dsms_err *err)
{
    memset(a, 0, sizeof *a);
    if (dsms_store_user_each(st, name, keep_account, a, err)) return -1;
    return a->id != 0;
}

static int find_by_id(dsms_store *st, int64_t id, account *a, dsms_err *err)
{
    memset(a, 0, sizeof *a);
    a->want_id = id;
    if (dsms_store_user_each(st, NULL, keep_account, a, err)) return -1;
    return a->id != 0;
}

static int need_account(dsms_store *st, const char *name, account *a, dsms_err *err)
{
    if (name_ok(name, err)) return -1;
    int found = find_by_name(st, name, a, err);
    if (found == 0) dsms_err_set(err, "there is no account named '%s'", name);
    return found == 1 ? 0 : -1;
}

/* The password's Argon2id text; DSMS_PWHASH_FAST=1 makes it cheap, for tests. */
static int hash_password(const char *password, char out[crypto_pwhash_STRBYTES], dsms_err *err)
{
    const char *fast = getenv("DSMS_PWHASH_FAST");
    int cheap = fast && strcmp(fast, "1") == 0;
    unsigned long long ops =
        cheap ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
    size_t mem = cheap ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
    if (crypto_pwhash_str(out, password, strlen(password), ops, mem) == 0) return 0;
    dsms_err_set(err, "cannot hash the password: out of memory");
    return -1;
}

/* A change and its audit line together: run inside a unit of the store. */
static int audited(dsms_store *st, int rc, const dsms_actor *by, const char *action,
                   const char *detail, dsms_err *err)
{
    if (!rc) rc = dsms_audit_event(st, by, action, detail, err);
    if (dsms_store_unnest(st, !rc, rc ? NULL : err)) rc = -1;
    return rc;
}

static const dsms_actor nobody = {"unknown", NULL};

int dsms_account_add(dsms_store *st, const char *name, const char *role,
                     const char *const *scope, size_t nscope, const char *password,
                     const dsms_actor *by, dsms_err *err)
{
    char codes[SCOPE_TEXT], hash[crypto_pwhash_STRBYTES];
    int r = dsms_role_parse(role);
    if (ready(err) || name_ok(name, err)) return -1;
    if (r < 0) {
        dsms_err_set(err, "'%s' is not a role (expected national, area or provider)",
                     role ? role : "");
        return -1;
    }
    if (scope_ok(st, (dsms_role)r, scope, nscope, codes, err) || password_ok(password, err) ||
        hash_password(password, hash, err))
        return -1;
    if (dsms_store_nest(st, err)) return -1;
    dsms_store_user u = {0, name, dsms_role_name((dsms_role)r), codes, hash, NULL, 0, 0, 0};
    int64_t id = dsms_store_user_add(st, &u, err);
    sodium_memzero(hash, sizeof hash);
    if (id == 0) dsms_err_set(err, "the name '%s' is taken (expected a new account's name)", name);
    char detail[SCOPE_TEXT + 64];
    snprintf(detail, sizeof detail, "%s role %s%s%s", name, u.role, *codes ? " scope " : "",
             codes);
    return audited(st, id > 0 ? 0 : -1, by ? by : &nobody, "user add", detail, err);
}

int dsms_account_remove(dsms_store *st, const char *name, const dsms_actor *by, dsms_err *err)
{
    account a;
    if (need_account(st, name, &a, err) || dsms_store_nest(st, err)) return -1;
    int removed = dsms_store_user_remove(st, a.id, err);
    if (removed == 0) dsms_err_set(err, "there is no account named '%s'", name);
    int rc = removed == 1 ? 0 : -1;
    return audited(st, rc, by ? by : &nobody, "user remove", name, err);
}

int dsms_account_passwd(dsms_store *st, const char *name, const char *password,
                        const dsms_actor *by, dsms_err *err)
{
    account a;
    char hash[crypto_pwhash_STRBYTES];
    if (ready(err) || need_account(st, name, &a, err) || password_ok(password, err) ||
        hash_password(password, hash, err))
        return -1;
    if (dsms_store_nest(st, err)) return -1;
    int changed = dsms_store_user_passwd(st, a.id, hash, err);
    if (changed == 0) dsms_err_set(err, "there is no account named '%s'", name);
    int rc = changed == 1 ? 0 : -1;
    sodium_memzero(hash, sizeof hash);
    return audited(st, rc, by ? by : &nobody, "user passwd", name, err);
}

typedef struct {
    dsms_account_fn fn;
    void *ctx;
    int64_t now;
} each_ctx;

static int each_account(void *ctx, const dsms_store_user *u)
{
    each_ctx *e = ctx;
    dsms_account a = {u->id,          u->name,       u->role,
                      u->scope,       u->created_at, u->failed_logins,
                      u->locked_until > e->now,      u->tokens};
    return e->fn(e->ctx, &a);
}

int dsms_account_each(dsms_store *st, const char *name, dsms_account_fn fn, void *ctx,
                      dsms_err *err)
{
    each_ctx e = {fn, ctx, (int64_t)time(NULL)};
    return dsms_store_user_each(st, name, each_account, &e, err);
}

int dsms_account_last_logins(dsms_store *st, dsms_store_event_fn fn, void *ctx,
                             dsms_err *err)
{
    return dsms_store_user_last_event(st, "login", fn, ctx, err);
}

/* ---- tokens ---- */

static void token_text(const unsigned char bytes[TOKEN_BYTES], char out[DSMS_TOKEN_TEXT])
{
    memcpy(out, token_prefix, sizeof token_prefix - 1);
    sodium_bin2hex(out + sizeof token_prefix - 1, DSMS_TOKEN_TEXT - (sizeof token_prefix - 1),
                   bytes, TOKEN_BYTES);
}

/* A token's bytes from its text: 0, or -1 when it is not one. */
static int token_bytes(const char *text, unsigned char out[TOKEN_BYTES])
{
    size_t got = 0;
    if (!text || strlen(text) != DSMS_TOKEN_TEXT - 1 ||
        strncmp(text, token_prefix, sizeof token_prefix - 1) != 0)
        return -1;
    const char *hex = text + sizeof token_prefix - 1;
    if (sodium_hex2bin(out, TOKEN_BYTES, hex, 2 * TOKEN_BYTES, NULL, &got, NULL) != 0 ||
        got != TOKEN_BYTES)
        return -1;
    return 0;
}

static void token_hash(const unsigned char bytes[TOKEN_BYTES], unsigned char out[HASH_BYTES])
{
    crypto_generichash(out, HASH_BYTES, bytes, TOKEN_BYTES, NULL, 0);
}

int dsms_token_new(dsms_store *st, const char *name, const char *label,
                   char out[DSMS_TOKEN_TEXT], const dsms_actor *by, dsms_err *err)
{
    account a;
    unsigned char bytes[TOKEN_BYTES], hash[HASH_BYTES];
    if (ready(err) || label_ok(label, err) || need_account(st, name, &a, err)) return -1;
    randombytes_buf(bytes, sizeof bytes);
    token_hash(bytes, hash);
    if (dsms_store_nest(st, err)) return -1;
    int64_t id = dsms_store_token_add(st, a.id, label, hash, err);
    if (id == 0)
        dsms_err_set(err, "'%s' has a token labelled '%s' already, revoked or not (expected "
                          "a new label)", name, label);
    char detail[DSMS_NAME_MAX + LABEL_MAX + 16];
    snprintf(detail, sizeof detail, "%s label %s", name, label);
    int rc = audited(st, id > 0 ? 0 : -1, by ? by : &nobody, "token new", detail, err);
    if (!rc) token_text(bytes, out);
    sodium_memzero(bytes, sizeof bytes);
    return rc;
}

int dsms_token_revoke(dsms_store *st, const char *name, const char *label,
                      const dsms_actor *by, dsms_err *err)
{
    account a;
    if (label_ok(label, err) || need_account(st, name, &a, err) || dsms_store_nest(st, err))
        return -1;
    int done = dsms_store_token_revoke(st, a.id, label, err);
    if (done == 0)
        dsms_err_set(err, "'%s' has no token labelled '%s' that is not revoked already", name,
                     label);
    char detail[DSMS_NAME_MAX + LABEL_MAX + 16];
    snprintf(detail, sizeof detail, "%s label %s", name, label);
    return audited(st, done == 1 ? 0 : -1, by ? by : &nobody, "token revoke", detail, err);
}

/* ---- principals ---- */

/* The principal of an account: its role, and its scope with each
 * partnership resolved to its member areas. 0, or -1 (err set). */
static int principal_of(dsms_store *st, const account *a, dsms_principal *p, dsms_err *err)
{
    memset(p, 0, sizeof *p);
    int r = dsms_role_parse(a->role);
    if (r < 0) {
        dsms_err_set(err, "the account '%s' has the role '%s', which this dsms does not know",
                     a->name, a->role);
        return -1;
    }
    p->role = (dsms_role)r;
    p->user_id = a->id;
    snprintf(p->name, sizeof p->name, "%s", a->name);
    char codes[SCOPE_TEXT], *save = NULL;
    snprintf(codes, sizeof codes, "%s", a->scope);
    for (char *c = strtok_r(codes, " ", &save); c; c = strtok_r(NULL, " ", &save)) {
        if (p->role != DSMS_ROLE_AREA || ref_has(st, "areas", "code", c, err) == 1) {
            scope_add(p, c);
            continue;
        }
        ref_find f = {"partnership_code", c, "area_code", -1, -1, 0, p};
        if (dsms_store_ref_each(st, "partnerships", find_row, &f, err)) return -1;
    }
    return 0;
}

/* ---- logins and sessions ---- */

static void csrf_of(const unsigned char session[TOKEN_BYTES], unsigned char out[TOKEN_BYTES])
{
    static const unsigned char what[] = "dsms csrf";
    crypto_generichash(out, TOKEN_BYTES, what, sizeof what - 1, session, TOKEN_BYTES);
}

/* How long the n-th failed login in a row waits: nothing for the first
 * DSMS_LOGIN_SLOW_AFTER, then half a second doubling each time, to 8 s. */
static long delay_for(int failed)
{
    if (failed <= DSMS_LOGIN_SLOW_AFTER) return 0;
    int k = failed - DSMS_LOGIN_SLOW_AFTER - 1;
    return k >= 4 ? 8000 : 500L << k;
}

static int login_failed(dsms_store *st, const account *a, int64_t now, long *delay_ms,
                        const dsms_actor *from, dsms_err *err)
{
    int failed = a->failed_logins + 1;
    int64_t until = 0;
    char detail[96];
    *delay_ms = delay_for(failed);
    if (failed >= DSMS_LOGIN_LOCK_AFTER) {
        until = now + DSMS_LOGIN_LOCK_SECONDS;
        snprintf(detail, sizeof detail, "wrong password, %d in a row: locked for %d s", failed,
                 DSMS_LOGIN_LOCK_SECONDS);
        failed = 0; /* after the lock, the count starts again */
    } else {
        snprintf(detail, sizeof detail, "wrong password, %d in a row", failed);
    }
    dsms_actor who = {a->name, from ? from->origin : NULL};
    if (dsms_store_nest(st, err)) return -1;
    int rc = dsms_store_user_logins(st, a->id, failed, until, err);
    return audited(st, rc, &who, "login failed", detail, err) ? -1 : DSMS_AUTH_REFUSED;
}

int dsms_login(dsms_store *st, const char *name, const char *password, int64_t now,
               dsms_principal *p, char session[DSMS_TOKEN_TEXT], char csrf[DSMS_TOKEN_TEXT],
               long *delay_ms, const dsms_actor *from, dsms_err *err)
{
    account a;
    *delay_ms = 0;
    memset(p, 0, sizeof *p);
    if (ready(err)) return -1;
    int found = name && name_ok(name, NULL) == 0 ? find_by_name(st, name, &a, err) : 0;
    if (found < 0) return -1;
    const char *pw = password ? password : "";
    if (!found) {
        /* The same work as a wrong password, so that the answer's time does
         * not tell which names are accounts; the name is not recorded, as a
         * password typed in its place would be. */
        char waste[crypto_pwhash_STRBYTES];
        hash_password(pw, waste, NULL);
        dsms_actor who = {"(unknown)", from ? from->origin : NULL};
        return dsms_audit_event(st, &who, "login failed", "no such account", err)
                   ? -1
                   : DSMS_AUTH_REFUSED;
    }
    dsms_actor who = {a.name, from ? from->origin : NULL};
    if (a.locked_until > now) {
        char detail[64];
        snprintf(detail, sizeof detail, "locked for %lld s more",
                 (long long)(a.locked_until - now));
        return dsms_audit_event(st, &who, "login refused", detail, err) ? -1 : DSMS_AUTH_LOCKED;
    }
    if (strlen(pw) > DSMS_PASSWORD_MAX ||
        crypto_pwhash_str_verify(a.hash, pw, strlen(pw)) != 0)
        return login_failed(st, &a, now, delay_ms, from, err);
    unsigned char bytes[TOKEN_BYTES], c[TOKEN_BYTES];
    dsms_store_session s = {.user_id = a.id, .created = now, .last_used = now,
                            .expires = now + DSMS_SESSION_MAX_SECONDS};
    randombytes_buf(bytes, sizeof bytes);
    token_hash(bytes, s.hash);
    csrf_of(bytes, c);
    token_hash(c, s.csrf);
    if (principal_of(st, &a, p, err) || dsms_store_nest(st, err)) return -1;
    int rc = (a.failed_logins || a.locked_until) ? dsms_store_user_logins(st, a.id, 0, 0, err)
                                                  : 0;
    if (!rc) rc = dsms_store_session_remove(st, s.hash, now, err); /* the expired ones */
    if (!rc) rc = dsms_store_session_add(st, &s, err);
    if (audited(st, rc, &who, "login", "new session", err)) {
        memset(p, 0, sizeof *p);
        return -1;
    }
    token_text(bytes, session);
    token_text(c, csrf);
    sodium_memzero(bytes, sizeof bytes);
    return DSMS_AUTH_OK;
}

int dsms_session_find(dsms_store *st, const char *session, int64_t now, dsms_principal *p,
                      char csrf[DSMS_TOKEN_TEXT], dsms_err *err)
{
    unsigned char bytes[TOKEN_BYTES], hash[HASH_BYTES], c[TOKEN_BYTES];
    dsms_store_session s;
    account a;
    memset(p, 0, sizeof *p);
    if (ready(err)) return -1;
    if (token_bytes(session, bytes)) return DSMS_AUTH_REFUSED;
    token_hash(bytes, hash);
    int found = dsms_store_session_find(st, hash, &s, err);
    if (found <= 0) return found < 0 ? -1 : DSMS_AUTH_REFUSED;
    if (now >= s.expires || now - s.last_used >= DSMS_SESSION_IDLE_SECONDS) {
        if (dsms_store_session_remove(st, hash, now, err)) return -1;
        return DSMS_AUTH_REFUSED;
    }
    found = find_by_id(st, s.user_id, &a, err);
    if (found <= 0) return found < 0 ? -1 : DSMS_AUTH_REFUSED;
    /* Renewed at most once a minute, so that a session's requests are reads. */
    if (principal_of(st, &a, p, err) ||
        (now - s.last_used >= DSMS_LAST_USE_SECONDS &&
         dsms_store_session_touch(st, hash, now, err))) {
        memset(p, 0, sizeof *p);
        return -1;
    }
    csrf_of(bytes, c);
    token_text(c, csrf);
    sodium_memzero(bytes, sizeof bytes);
    return DSMS_AUTH_OK;
}

int dsms_session_end(dsms_store *st, const char *session, dsms_err *err)
{
    unsigned char bytes[TOKEN_BYTES], hash[HASH_BYTES];
    if (ready(err)) return -1;
    if (token_bytes(session, bytes)) return 0; /* no such session: nothing to end */
    token_hash(bytes, hash);
    return dsms_store_session_remove(st, hash, (int64_t)time(NULL), err);
}

int dsms_token_find(dsms_store *st, const char *token, dsms_principal *p, dsms_err *err)
{
    unsigned char bytes[TOKEN_BYTES], hash[HASH_BYTES];
    int64_t user_id = 0;
    int recorded = 0;
    account a;
    memset(p, 0, sizeof *p);
    if (ready(err)) return -1;
    if (token_bytes(token, bytes)) return DSMS_AUTH_REFUSED;
    token_hash(bytes, hash);
    int64_t id = dsms_store_token_use(st, hash, &user_id, &recorded, err);
    if (id <= 0) return id < 0 ? -1 : DSMS_AUTH_REFUSED;
    int found = find_by_id(st, user_id, &a, err);
    if (found <= 0) return found < 0 ? -1 : DSMS_AUTH_REFUSED;
    if (principal_of(st, &a, p, err)) return -1;
    p->token_id = id;
    p->token_first_use = recorded;
    return DSMS_AUTH_OK;
}

/* ---- the audit record ---- */

int dsms_audit_event(dsms_store *st, const dsms_actor *by, const char *action,
                     const char *detail, dsms_err *err)
{
    if (!by) by = &nobody;
    return dsms_store_audit_from(st, by->actor ? by->actor : "unknown", by->origin, action,
                                 detail ? detail : "", err);
}

int dsms_audit_time_ok(const char *s)
{
    static const char date[] = "9999-99-99", full[] = "9999-99-99T99:99:99Z";
    size_t n = strlen(s);
    if (n != sizeof date - 1 && n != sizeof full - 1) return 0;
    for (size_t i = 0; i < n; i++)
        if (full[i] == '9' ? s[i] < '0' || s[i] > '9' : s[i] != full[i]) return 0;
    return 1;
}

int dsms_audit_each(dsms_store *st, const char *since, const char *actor, dsms_audit_fn fn,
                    void *ctx, dsms_err *err)
{
    return dsms_store_audit_each(st, since, actor, fn, ctx, err);
}
