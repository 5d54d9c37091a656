/* dsms/api.h — the JSON API under /api/v1, apart from HTTP.
 *
 * A request comes in as plain values (method, path, query, the session
 * cookie, the bearer token, the CSRF header, a small body or a spooled
 * upload); the API authenticates it (accounts.h), asks the policy
 * (policy.h) whether it may be served, serves it from the store, writes what
 * must be audited, and answers with a status and a body. The HTTP server
 * (server.h) only carries requests to it and answers back, so the whole of
 * the API, and every role x endpoint x object, can be tested without a
 * socket. The routes, their parameters and their answers are one table
 * (api.c), from which the OpenAPI document is made; docs/api.md describes
 * them for people. */
#ifndef DSMS_API_H
#define DSMS_API_H

#include <stddef.h>
#include <stdint.h>

#include "dsms/diag.h"
#include "dsms/policy.h"
#include "dsms/pseudo.h"
#include "dsms/store.h"

/* Answers to the public kept between requests (the server's, shared by its
 * threads): the results route's answers to the public, each until the results
 * are computed again, bodies up to a bound in bytes, the least recently used
 * going first. Any other caller is answered from the store every time. */
typedef struct dsms_api_cache dsms_api_cache;

/* A cache keeping at most max_bytes of answers (0: keeps none); NULL when
 * out of memory. dsms_api_cache_free frees it. */
dsms_api_cache *dsms_api_cache_new(size_t max_bytes);
void dsms_api_cache_free(dsms_api_cache *c);

typedef struct {
    size_t entries, bytes;       /* answers kept, and their bytes with their keys */
    unsigned long hits, misses;  /* requests answered from it, and not */
} dsms_api_cache_figures;
/* The cache's figures now. Cannot fail. */
void dsms_api_cache_stats(dsms_api_cache *c, dsms_api_cache_figures *f);

/* Most query parameters a request may carry. */
enum { DSMS_API_MAX_PARAMS = 32 };

typedef struct {
    const char *method; /* "GET", "POST", "DELETE", "HEAD" ... */
    const char *path;   /* decoded, without the query: "/api/v1/results" */
    size_t nparams;     /* query parameters, decoded, in order */
    const char *key[DSMS_API_MAX_PARAMS], *value[DSMS_API_MAX_PARAMS];
    const char *session; /* the session cookie's value, or NULL */
    const char *bearer;  /* the token of "Authorization: Bearer ...", or NULL */
    const char *csrf;    /* the X-CSRF-Token header, or NULL */
    const char *accept;  /* the Accept header, or NULL */
    const char *host;    /* the Host header, or NULL */
    const char *sent_from; /* the Origin header (the site a form or script was on), or NULL */
    const char *body;    /* a small body (JSON), or NULL; not NUL-terminated */
    size_t body_len;
    int upload_fd;       /* an upload's body, spooled whole, read from its start; -1 (or
                            0: standard input is never one) for none */
    const char *origin;  /* the remote address, for the audit record */
    int tls;             /* the connection is TLS: cookies are Secure */
    int64_t now;         /* seconds since 1970 */
    const dsms_key *store_key; /* the store's key (STORE.key, loaded and checked
                                  against the store), for pseudonymising uploads;
                                  NULL: uploads are refused (503) */
    dsms_api_cache *cache;     /* answers to the public kept between requests, or NULL */
} dsms_api_request;

/* Most headers an answer adds of its own (Set-Cookie, Location ...). */
enum { DSMS_API_MAX_HEADERS = 6 };

typedef struct {
    int status;               /* HTTP status */
    const char *content_type; /* static */
    char *body;               /* malloc'd; dsms_api_response_free frees it */
    size_t len;
    size_t nheaders;
    char header[DSMS_API_MAX_HEADERS][2][320]; /* name, value */
    long delay_ms;            /* wait this long before answering (a failed login) */
    int recompute;            /* a submission landed: the results are due again */
} dsms_api_response;

/* Serve one request from st (a handle of the caller's thread): resp is
 * filled in, whatever happens; an error is an answer too (a JSON body
 * {"error": "..."} with its status: 400 bad request, 401 not logged in, 403
 * forbidden, 404 not found, or 404 where 403 would say that something
 * exists, 405, 413, 422 a submission refused (nothing stored), 429 an
 * account locked, 500, 503 not possible here now). docs/api.md lists the
 * routes and their answers. Returns 0, or -1 when not even the error could be
 * written (out of memory): then resp is a bare 500. */
int dsms_api_handle(dsms_store *st, const dsms_api_request *req, dsms_api_response *resp);
void dsms_api_response_free(dsms_api_response *resp);

/* Serve one request as the principal p, already authenticated (tests call it
 * for each role): what dsms_api_handle does once it knows who asks. The
 * session's CSRF check is dsms_api_handle's: it is not made here. Returns as
 * dsms_api_handle. */
int dsms_api_serve_as(dsms_store *st, const dsms_api_request *req, const dsms_principal *p,
                      dsms_api_response *resp);

/* The OpenAPI 3 document of the routes, as JSON text: malloc'd, the caller
 * frees it; NULL when out of memory. */
char *dsms_api_openapi(void);

#endif
