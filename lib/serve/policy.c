/* policy.c — who may do what (policy.h): the table of role x resource x action,
 * and the scope that reaches the objects of a scoped grant. */
#include "dsms/policy.h"

#include <string.h>

#include "dsms/measures.h"

#define N DSMS_GRANT_NONE
#define S DSMS_GRANT_SCOPE
#define A DSMS_GRANT_ALL

/* [role][resource] = {read, write}. Reading results is open to all: what a
 * principal sees of them is decided row by row (dsms_policy_unsuppressed,
 * dsms_policy_sees_row). Submissions are written by the provider role for
 * its own organisations only; the national team reads all of them but
 * submits for no one. Everyone reads and ends their own session and
 * tokens (SELF); nobody but the national role reads the audit record, and
 * nobody writes it except by doing what it records. Early-warning alerts:
 * the national role reads all of them; an area or provider account the
 * issued ones that concern its areas (api_warn.c); the command line moves
 * them, not the API. */
static const dsms_grant table[DSMS_ROLES][DSMS_RESOURCES][DSMS_ACTIONS] = {
    [DSMS_ROLE_PUBLIC] = {
        [DSMS_RES_REFERENCE] = {A, N},   [DSMS_RES_MEASURES] = {A, N},
        [DSMS_RES_RESULTS] = {A, N},     [DSMS_RES_FRAMEWORKS] = {A, N},
        [DSMS_RES_SUBMISSIONS] = {N, N}, [DSMS_RES_USERS] = {N, N},
        [DSMS_RES_AUDIT] = {N, N},       [DSMS_RES_SELF] = {N, N},
        [DSMS_RES_ALERTS] = {N, N},
    },
    [DSMS_ROLE_NATIONAL] = {
        [DSMS_RES_REFERENCE] = {A, N},   [DSMS_RES_MEASURES] = {A, N},
        [DSMS_RES_RESULTS] = {A, N},     [DSMS_RES_FRAMEWORKS] = {A, N},
        [DSMS_RES_SUBMISSIONS] = {A, N}, [DSMS_RES_USERS] = {A, A},
        [DSMS_RES_AUDIT] = {A, N},       [DSMS_RES_SELF] = {A, A},
        [DSMS_RES_ALERTS] = {A, N},
    },
    [DSMS_ROLE_AREA] = {
        [DSMS_RES_REFERENCE] = {A, N},   [DSMS_RES_MEASURES] = {A, N},
        [DSMS_RES_RESULTS] = {A, N},     [DSMS_RES_FRAMEWORKS] = {A, N},
        [DSMS_RES_SUBMISSIONS] = {N, N}, [DSMS_RES_USERS] = {N, N},
        [DSMS_RES_AUDIT] = {N, N},       [DSMS_RES_SELF] = {A, A},
        [DSMS_RES_ALERTS] = {S, N},
    },
    [DSMS_ROLE_PROVIDER] = {
        [DSMS_RES_REFERENCE] = {A, N},   [DSMS_RES_MEASURES] = {A, N},
        [DSMS_RES_RESULTS] = {A, N},     [DSMS_RES_FRAMEWORKS] = {A, N},
        [DSMS_RES_SUBMISSIONS] = {S, S}, [DSMS_RES_USERS] = {N, N},
        [DSMS_RES_AUDIT] = {N, N},       [DSMS_RES_SELF] = {A, A},
        [DSMS_RES_ALERTS] = {S, N},
    },
};

#undef N
#undef S
#undef A

dsms_grant dsms_policy_grant(dsms_role role, dsms_resource res, dsms_action act)
{
    if ((unsigned)role >= DSMS_ROLES || (unsigned)res >= DSMS_RESOURCES ||
        (unsigned)act >= DSMS_ACTIONS)
        return DSMS_GRANT_NONE;
    return table[role][res][act];
}

static int in_scope(const dsms_principal *p, const char *code)
{
    if (!code) return 0;
    for (size_t i = 0; i < p->nscope && i < DSMS_SCOPE_MAX; i++)
        if (strcmp(p->scope[i], code) == 0) return 1;
    return 0;
}

int dsms_policy_allows(const dsms_principal *p, dsms_resource res, dsms_action act,
                       const char *code)
{
    switch (dsms_policy_grant(p->role, res, act)) {
    case DSMS_GRANT_ALL: return 1;
    case DSMS_GRANT_SCOPE: return in_scope(p, code);
    case DSMS_GRANT_NONE: break;
    }
    return 0;
}

int dsms_policy_unsuppressed(const dsms_principal *p, const char *area_code)
{
    if (p->role == DSMS_ROLE_NATIONAL) return 1;
    if (p->role == DSMS_ROLE_AREA || p->role == DSMS_ROLE_PROVIDER) return in_scope(p, area_code);
    return 0;
}

int dsms_policy_sees_row(const dsms_principal *p, const char *level, const char *area_code)
{
    if (!dsms_level_is_organisation(level)) return 1; /* restricted rows: below */
    if (p->role == DSMS_ROLE_NATIONAL) return 1;
    return p->role == DSMS_ROLE_PROVIDER && in_scope(p, area_code);
}

static const char *const role_names[DSMS_ROLES] = {
    [DSMS_ROLE_PUBLIC] = "public", [DSMS_ROLE_NATIONAL] = "national",
    [DSMS_ROLE_AREA] = "area", [DSMS_ROLE_PROVIDER] = "provider"};

const char *dsms_role_name(dsms_role r)
{
    return (unsigned)r < DSMS_ROLES ? role_names[r] : "?";
}

int dsms_role_parse(const char *name)
{
    for (int r = DSMS_ROLE_NATIONAL; name && r < DSMS_ROLES; r++)
        if (strcmp(name, role_names[r]) == 0) return r;
    return -1;
}
