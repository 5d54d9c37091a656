/* api_int.h — what the API's files share, internal to libdsms: the routes
 * table's shape, one request being served, and the answers' helpers. */
#ifndef DSMS_API_INT_H
#define DSMS_API_INT_H

#include <jansson.h>

#include "dsms/api.h"

/* How a query or path parameter is checked: a code ([A-Za-z0-9_-], 1 to 16),
 * an id (digits, 1 to 18), a count (digits, 1 to 9), one of a list of words,
 * or text (1 to 64 printable ASCII characters). */
typedef enum { API_CODE, API_ID, API_COUNT, API_ENUM, API_TEXT } api_type;

typedef struct {
    const char *name;
    api_type type;
    int required;
    const char *choices; /* API_ENUM: the words, separated by '|' */
    const char *description;
} api_param;

enum { API_MAX_ROUTE_PARAMS = 12 };

struct api_call;
typedef int (*api_handler)(struct api_call *c);

/* One route: its method and path (a {name} segment is a path parameter,
 * checked as path_type), what the policy is asked about it (res < 0: nothing,
 * anyone may), its query parameters, and who serves it. */
typedef struct {
    const char *method, *path;
    int res;
    dsms_action act;
    api_type path_type;
    const char *path_description;
    api_param params[API_MAX_ROUTE_PARAMS];
    api_handler handler;
    const char *summary;
    const char *answers; /* what a success answers, for people and the OpenAPI text */
} api_route;

/* One request being served. */
typedef struct api_call {
    dsms_store *st;
    const dsms_api_request *req;
    const dsms_principal *p;
    dsms_api_response *resp;
    const api_route *route;
    const char *arg;                         /* the path parameter's value, or NULL */
    const char *q[API_MAX_ROUTE_PARAMS];     /* by the route's params; NULL when not given */
} api_call;

/* The routes, in the order the OpenAPI document and docs/api.md list them. */
const api_route *api_routes(size_t *n);

/* A query parameter's value by name, or NULL. */
const char *api_q(const api_call *c, const char *name);
/* A count parameter's value, or dflt when not given. */
long api_count(const api_call *c, const char *name, long dflt);
/* The limit (default 100) and offset of a listing: 0, or 1 with a 400
 * answered when the limit is out of range. */
int api_bad_paging(api_call *c, long *offset, long *limit);

/* Answers: each fills in resp and returns 0, or -1 when out of memory (resp
 * then a bare 500). api_json takes j (freed whatever happens). */
int api_error(dsms_api_response *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int api_json(dsms_api_response *r, int status, json_t *j);
int api_header(dsms_api_response *r, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A bare 500, no body: for when not even an error could be written. -1. */
int api_bare_500(dsms_api_response *r);
/* A store error: 500, with the store's words. */
int api_store_error(dsms_api_response *r, const dsms_err *err);

/* The public's answers kept between requests (api_cache.c), by the query's
 * key and the computation they were made from: api_cache_get copies a kept
 * answer into resp (1), 0 when none is kept, -1 when out of memory;
 * api_cache_put keeps a copy of a 200 answer. c may be NULL: none kept. */
int api_cache_get(dsms_api_cache *c, int64_t computation, const char *key,
                  dsms_api_response *resp);
void api_cache_put(dsms_api_cache *c, int64_t computation, const char *key,
                   const dsms_api_response *resp);

/* Write an event to the audit record as the caller, from the request's origin. */
int api_audit(api_call *c, const char *action, const char *detail);
/* The caller's name for the record: the account's, or "public". */
const char *api_actor(const dsms_principal *p);

/* The handlers (api_data.c, api_results.c, api_upload.c). */
int api_reference_list(api_call *c);
int api_reference(api_call *c);
int api_measures(api_call *c);
int api_results(api_call *c);
int api_frameworks(api_call *c);
int api_framework(api_call *c);
int api_framework_status(api_call *c);
int api_submissions(api_call *c);
int api_submission(api_call *c);
int api_quarantine(api_call *c);
int api_upload(api_call *c);
int api_me(api_call *c);
int api_audit_list(api_call *c);
int api_users(api_call *c);
int api_alerts(api_call *c);
int api_alert(api_call *c);

#endif
