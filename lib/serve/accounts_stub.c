/* accounts_stub.c — a placeholder for accounts.h until its implementation
 * lands, so that the API links and its tests run: it knows no account, so
 * every login, session and token is refused, and audit events go straight to
 * the store's audit record. It is replaced whole by the real accounts. */
#include <stdio.h>
#include <string.h>

#include "dsms/accounts.h"

int dsms_login(dsms_store *st, const char *name, const char *password, int64_t now,
               dsms_principal *p, char session[DSMS_TOKEN_TEXT], char csrf[DSMS_TOKEN_TEXT],
               long *delay_ms, const dsms_actor *from, dsms_err *err)
{
    (void)name, (void)password, (void)now, (void)session, (void)csrf, (void)err;
    memset(p, 0, sizeof *p);
    *delay_ms = 0;
    dsms_err e = {""};
    dsms_audit_event(st, from, "login failed", "", &e);
    return DSMS_AUTH_REFUSED;
}

int dsms_session_find(dsms_store *st, const char *session, int64_t now, dsms_principal *p,
                      char csrf[DSMS_TOKEN_TEXT], dsms_err *err)
{
    (void)st, (void)session, (void)now, (void)err;
    memset(p, 0, sizeof *p);
    csrf[0] = 0;
    return DSMS_AUTH_REFUSED;
}

int dsms_session_end(dsms_store *st, const char *session, dsms_err *err)
{
    (void)st, (void)session, (void)err;
    return 0;
}

int dsms_token_find(dsms_store *st, const char *token, dsms_principal *p, dsms_err *err)
{
    (void)st, (void)token, (void)err;
    memset(p, 0, sizeof *p);
    return DSMS_AUTH_REFUSED;
}

int dsms_audit_event(dsms_store *st, const dsms_actor *by, const char *action,
                     const char *detail, dsms_err *err)
{
    char actor[200];
    snprintf(actor, sizeof actor, "%s@%s", by && by->actor ? by->actor : "?",
             by && by->origin ? by->origin : "?");
    return dsms_store_audit(st, actor, action, detail ? detail : "", err);
}
