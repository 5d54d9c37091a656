/* dsms/server.h — dsms serve: the API (api.h) over HTTP/1.1, with libmicrohttpd.
 *
 * A pool of threads answers requests, each with a store handle of its own:
 * any number read at once, and SQLite lets one write at a time (uploads,
 * logins). Limits are enforced before the API sees a request: the size of
 * the headers and of the body, the time a request may take, and the
 * requests per minute from one address. An upload is spooled whole to an
 * unnamed temporary file before it is imported, so a connection dropped
 * mid-upload stores nothing. After a submission lands, one background
 * computation brings the results up to date, a burst of submissions making
 * one computation; readers see the last complete results meanwhile. It
 * listens on loopback unless told otherwise. */
#ifndef DSMS_SERVER_H
#define DSMS_SERVER_H

#include <signal.h>
#include <stddef.h>

#include "dsms/api.h"
#include "dsms/diag.h"

typedef struct {
    const char *store;           /* the store's location */
    const char *key;             /* the store's key file, for pseudonymising uploads */
    const char *listen;          /* "ADDR:PORT" ("127.0.0.1:0": any free port) */
    const char *tls_cert;        /* PEM files, both or neither */
    const char *tls_key;
    unsigned threads;            /* answering threads (0: 4) */
    size_t max_body;             /* bytes of an upload (0: 256 MiB) */
    size_t max_header;           /* bytes of a request's headers (0: 16 KiB) */
    unsigned timeout_seconds;    /* a connection idle this long is closed (0: 15) */
    unsigned requests_per_minute; /* from one address (0: 600) */
    size_t cache_bytes;          /* answers to the public kept between requests, until the
                                    results are computed again (0: 256 MiB) */
    /* Called once the server listens, with its URL ("http://127.0.0.1:8080/");
     * the string is valid during the call only. NULL for none. */
    void (*ready)(void *ctx, const char *url);
    void *ready_ctx;
    /* Logs one line per request and event (no secrets in it); NULL for none. */
    void (*log)(void *ctx, const char *line);
    void *log_ctx;
    int quiet; /* log events only (start, computations, stopping), not requests */
    /* What answers a path outside /api/ (the dashboard, dsms/web.h), as
     * dsms_api_handle answers the API's, or NULL (the API's 404); and what
     * reads ahead what its first page will need, at start and after each
     * computation (NULL: nothing), on the computing thread's handle. */
    int (*pages)(void *ctx, dsms_store *st, const dsms_api_request *req,
                 dsms_api_response *resp);
    int (*pages_warm)(void *ctx, dsms_store *st, dsms_err *err);
    void *pages_ctx;
} dsms_server_options;

/* Serve until *stop is set (by a signal handler: SIGTERM, SIGINT), then
 * stop accepting, let requests in flight finish (an upload either lands
 * whole or not at all) and return 0; -1 with err set when the server cannot
 * start (the store, the address, the certificate). o and stop are read
 * during the call. */
int dsms_serve(const dsms_server_options *o, volatile sig_atomic_t *stop, dsms_err *err);

#endif
