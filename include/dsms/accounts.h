/* dsms/accounts.h — accounts, sessions and API tokens, kept in the store.
 *
 * An account has a name, a role (policy.h) and, for the area and provider
 * roles, what it is bound to: area or partnership codes, or organisation
 * codes, each checked against the store's reference data. Passwords are
 * stored only as Argon2id hashes (libsodium crypto_pwhash_str); session and
 * API tokens are 32 random bytes given to the user once, as text, and stored
 * only as their hash, so a copy of the store logs nobody in. Failed logins
 * are counted per account: each one past the third waits a little longer
 * before answering, and the tenth locks the account for a quarter of an
 * hour. Every change and every login, failed or not, is written to the audit
 * record by the caller's actor and origin (dsms_audit_event).
 *
 * Functions return 0, or -1 with err set, unless said otherwise; strings
 * passed in are read during the call only. A refusal (a bad name, role,
 * scope or password, an unknown account or label) is -1 with err saying in
 * words what is wrong and what was expected; nothing is written then.
 *
 * The password hash costs libsodium's OPSLIMIT_INTERACTIVE and
 * MEMLIMIT_INTERACTIVE (64 MiB). With DSMS_PWHASH_FAST=1 in the environment
 * new hashes cost the least libsodium allows: for tests only, as such a hash
 * is quick to guess from. */
#ifndef DSMS_ACCOUNTS_H
#define DSMS_ACCOUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "dsms/diag.h"
#include "dsms/policy.h"
#include "dsms/store.h"

/* Shortest password accepted, in bytes. */
enum { DSMS_PASSWORD_MIN = 12, DSMS_PASSWORD_MAX = 1024 };
/* A token as text: "dsms_" and 64 hex digits, and a NUL. */
enum { DSMS_TOKEN_TEXT = 5 + 64 + 1 };
/* Failed logins before each further one waits, and before the lock. */
enum { DSMS_LOGIN_SLOW_AFTER = 3, DSMS_LOGIN_LOCK_AFTER = 10, DSMS_LOGIN_LOCK_SECONDS = 900 };
/* How long a session lasts without use, and at most. */
enum { DSMS_SESSION_IDLE_SECONDS = 3600, DSMS_SESSION_MAX_SECONDS = 12 * 3600 };

/* Who does something and from where, for the audit record: an account name
 * (or the login name on the command line) and a remote address ("cli" for
 * the command line). */
typedef struct {
    const char *actor;
    const char *origin;
} dsms_actor;

/* An account as listed: strings valid only during the callback. */
typedef struct {
    int64_t id;
    const char *name, *role, *scope; /* scope: codes separated by spaces, "" for none */
    const char *created_at;
    int failed_logins;
    int locked;   /* locked out now, for failed logins */
    long tokens;  /* API tokens not revoked */
} dsms_account;

typedef int (*dsms_account_fn)(void *ctx, const dsms_account *a);

/* Add an account: name of 1-63 (DSMS_NAME_MAX - 1) letters, digits, '.', '_', '-' or '@'; role
 * "national", "area" or "provider"; scope the codes it is bound to (none for
 * national, at least one for the others), each a code of the store's
 * reference data of the right kind; a password of DSMS_PASSWORD_MIN bytes or
 * more. Refuses a name already taken. */
int dsms_account_add(dsms_store *st, const char *name, const char *role,
                     const char *const *scope, size_t nscope, const char *password,
                     const dsms_actor *by, dsms_err *err);
/* Remove an account, its sessions and tokens (the audit record keeps what
 * it did). Refuses an unknown name. */
int dsms_account_remove(dsms_store *st, const char *name, const dsms_actor *by, dsms_err *err);
/* Set an account's password (and clear its lock), ending its sessions. */
int dsms_account_passwd(dsms_store *st, const char *name, const char *password,
                        const dsms_actor *by, dsms_err *err);
/* Calls fn for each account (only `name`'s when not NULL), by name (diag.h, "Callbacks"). */
int dsms_account_each(dsms_store *st, const char *name, dsms_account_fn fn, void *ctx,
                      dsms_err *err);
/* Calls fn, by name, for each account that has logged in with its password, with the time
 * of its latest login (ISO 8601, UTC), as the audit record has it; an account never logged
 * in is not called for. It reads the whole record: for a listing, not for every request. */
int dsms_account_last_logins(dsms_store *st, dsms_store_event_fn fn, void *ctx,
                             dsms_err *err);

/* A new API token for an account, under a label of the caller's (unique for
 * the account): its text in out, to be shown once; only its hash is kept. */
int dsms_token_new(dsms_store *st, const char *name, const char *label,
                   char out[DSMS_TOKEN_TEXT], const dsms_actor *by, dsms_err *err);
/* Revoke an account's token by its label: it authenticates nobody after. */
int dsms_token_revoke(dsms_store *st, const char *name, const char *label,
                      const dsms_actor *by, dsms_err *err);

/* The outcome of a login or an authentication. */
typedef enum {
    DSMS_AUTH_OK = 0,
    DSMS_AUTH_REFUSED, /* wrong name, password or token, an ended session: said alike */
    DSMS_AUTH_LOCKED   /* too many failed logins: try again later */
} dsms_auth;

/* Log in with a password at time now (seconds since 1970): on success, p is
 * the account's principal and session (a new session token) and csrf (the
 * token every request that changes state must carry) are filled in. A
 * failure is counted, and waits *delay_ms before it should be answered (the
 * caller waits: the server without holding the store). Returns the outcome,
 * or -1 with err set when the store fails. */
int dsms_login(dsms_store *st, const char *name, const char *password, int64_t now,
               dsms_principal *p, char session[DSMS_TOKEN_TEXT], char csrf[DSMS_TOKEN_TEXT],
               long *delay_ms, const dsms_actor *from, dsms_err *err);
/* The principal of a session token, if it is live at now (its idle time
 * renewed: st must be open for writing), and the session's CSRF token in
 * csrf. Outcome, or -1. */
int dsms_session_find(dsms_store *st, const char *session, int64_t now, dsms_principal *p,
                      char csrf[DSMS_TOKEN_TEXT], dsms_err *err);
/* End a session. */
int dsms_session_end(dsms_store *st, const char *session, dsms_err *err);
/* The principal of an API token that has not been revoked (its last use
 * recorded: st must be open for writing), with p->token_id set. Outcome, or
 * -1. */
int dsms_token_find(dsms_store *st, const char *token, dsms_principal *p, dsms_err *err);

/* Write an event to the audit record: who, what (action: "login",
 * "login failed", "upload", "download", "user add", "token use" ...), a
 * detail and from where; the time is the store's. */
int dsms_audit_event(dsms_store *st, const dsms_actor *by, const char *action,
                     const char *detail, dsms_err *err);

/* An event of the audit record is a dsms_audit_entry, handed to a
 * dsms_audit_fn (store.h, where the store reads it). */
/* Whether s is a time the audit record can be read from: YYYY-MM-DD or
 * YYYY-MM-DDTHH:MM:SSZ. Cannot fail. */
int dsms_audit_time_ok(const char *s);
/* Calls fn for each event at or after since (an ISO 8601 time; NULL for
 * all) by actor (NULL for anyone), oldest first (diag.h, "Callbacks"). */
int dsms_audit_each(dsms_store *st, const char *since, const char *actor, dsms_audit_fn fn,
                    void *ctx, dsms_err *err);

#endif
