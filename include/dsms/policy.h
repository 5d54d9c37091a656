/* dsms/policy.h — who may do what: the one place every access decision is made.
 *
 * A principal is whoever makes a request: the public (no account), or a user
 * with a role and, for the area and provider roles, the areas or organisations
 * the account is bound to. The policy is a table of role x resource x action
 * (policy.c), which the tests enumerate; on top of it, a scope decides which
 * objects of a resource the role's permission reaches, and how results are
 * shown: unsuppressed for one's own areas or organisations (and, for the
 * national role, everywhere), disclosure-controlled elsewhere. Nobody is ever
 * shown a pseudonym: no resource holds one. Functions here allocate nothing
 * and cannot fail. */
#ifndef DSMS_POLICY_H
#define DSMS_POLICY_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    DSMS_ROLE_PUBLIC = 0, /* no account: the zero principal */
    DSMS_ROLE_NATIONAL,
    DSMS_ROLE_AREA,     /* bound to areas, directly or through partnerships */
    DSMS_ROLE_PROVIDER, /* bound to organisations: providers, prisons, forces, probation */
    DSMS_ROLES
} dsms_role;

/* Most areas or organisations one account is bound to. */
enum { DSMS_SCOPE_MAX = 64, DSMS_NAME_MAX = 64 };

/* Whoever makes a request. scope holds the area codes (an area role, its
 * partnerships resolved to their areas) or organisation codes (a provider
 * role) it is bound to. The zero value is the public. */
typedef struct {
    dsms_role role;
    int64_t user_id;          /* 0 for the public */
    char name[DSMS_NAME_MAX]; /* the account's name, "" for the public */
    size_t nscope;
    char scope[DSMS_SCOPE_MAX][16];
    int64_t token_id;         /* the API token the request came with, else 0 */
    int token_first_use;      /* its first use in a minute or more: the one audited */
} dsms_principal;

typedef enum {
    DSMS_RES_REFERENCE,   /* areas, regions, organisations, partnerships */
    DSMS_RES_MEASURES,    /* the measures catalogue */
    DSMS_RES_RESULTS,     /* the measures' results */
    DSMS_RES_FRAMEWORKS,  /* framework status and series */
    DSMS_RES_SUBMISSIONS, /* submissions and their quarantine, with diagnostics */
    DSMS_RES_USERS,       /* accounts and their tokens */
    DSMS_RES_AUDIT,       /* the audit record */
    DSMS_RES_SELF,        /* the caller's own account: /me, their own tokens */
    DSMS_RES_ALERTS,      /* early-warning alerts: scoped to those that concern one's areas */
    DSMS_RESOURCES
} dsms_resource;

typedef enum { DSMS_ACT_READ, DSMS_ACT_WRITE, DSMS_ACTIONS } dsms_action;

/* What the table grants a role on a resource: no access, access within the
 * principal's scope only, or access to all of it. */
typedef enum { DSMS_GRANT_NONE = 0, DSMS_GRANT_SCOPE, DSMS_GRANT_ALL } dsms_grant;

/* The table's grant; NONE for a value outside the enumerations. */
dsms_grant dsms_policy_grant(dsms_role role, dsms_resource res, dsms_action act);

/* Whether p may act on one object of res: the grant, and for a scoped grant
 * whether `code` (an area or organisation code; NULL for an object of no
 * area) is in p's scope. Results are the exception: any principal with read
 * may read any area's results, as dsms_policy_unsuppressed then says how. */
int dsms_policy_allows(const dsms_principal *p, dsms_resource res, dsms_action act,
                       const char *code);

/* Whether p sees a result row unsuppressed (1) or only as the public does,
 * disclosure-controlled (0): by the row's area code, or for a row of an
 * organisation, the organisation's code. Restricted rows (organisations)
 * that p may not see unsuppressed are not shown at all: see
 * dsms_policy_sees_row. */
int dsms_policy_unsuppressed(const dsms_principal *p, const char *area_code);

/* Whether p sees a result row at all: every row of an area, region or
 * England; a row of an organisation only for the national role and for a
 * provider bound to that organisation. */
int dsms_policy_sees_row(const dsms_principal *p, const char *level, const char *area_code);

/* The role's name ("national", "area", "provider", "public"); static. */
const char *dsms_role_name(dsms_role r);
/* The role of a name, or -1 for none (the public has no account, so
 * "public" is none here). */
int dsms_role_parse(const char *name);

#endif
