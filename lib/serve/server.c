/* server.c — dsms serve: the API over HTTP/1.1 with libmicrohttpd (server.h).
 *
 * A thread per connection, so that a long upload or a login's delay holds up
 * nobody else; a request takes a store handle from a pool for as long as it
 * is served (SQLite: readers at once, one writer at a time). What reaches the
 * API has passed the limits: headers within max_header (libmicrohttpd
 * answers 431 itself), a body within max_body (413), no more than
 * requests_per_minute from one address (429), and connections idle past the
 * timeout are closed. A background thread recomputes the results after
 * uploads, one computation at a time, a burst of uploads making one. */
#define _GNU_SOURCE /* gettid */
#include "dsms/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dsms/api.h"
#include "dsms/framework.h"
#include "dsms/key_store.h"
#include "dsms/measures.h"
#include "dsms/store.h"

enum {
    DEFAULT_THREADS = 4,
    DEFAULT_TIMEOUT = 15,
    DEFAULT_RATE = 600,
    MAX_CONNECTIONS = 512,
    MAX_PER_ADDRESS = 64,
    SMALL_BODY = 64 << 10, /* a JSON body (a login) */
    RATE_SLOTS = 4096,     /* addresses the rate limiter tells apart at once */
    COMPUTE_NICE = 10,     /* the computing thread's priority, below the readers' 0 */
};
#define DEFAULT_MAX_BODY ((size_t)256 << 20)
#define DEFAULT_MAX_HEADER ((size_t)16 << 10)
#define DEFAULT_CACHE ((size_t)256 << 20)
#define SESSION_COOKIE "dsms_session"

/* ---- requests per minute per address ------------------------------------------------ */

/* A fixed table of addresses, each counting its requests in the current
 * minute. Two addresses that hash alike share a count: the limit is then
 * stricter for both, never looser, and the table's memory never grows. */
typedef struct {
    char addr[48];
    int64_t minute;
    unsigned count;
} rate_slot;

typedef struct {
    pthread_mutex_t mu;
    unsigned limit;
    rate_slot slot[RATE_SLOTS];
} rate_table;

static uint32_t hash_text(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* 1 when one more request from addr is allowed now. */
static int rate_allows(rate_table *r, const char *addr, int64_t now)
{
    int64_t minute = now / 60;
    pthread_mutex_lock(&r->mu);
    rate_slot *s = &r->slot[hash_text(addr) % RATE_SLOTS];
    if (s->minute != minute || strcmp(s->addr, addr) != 0) {
        if (s->minute != minute) s->count = 0;
        snprintf(s->addr, sizeof s->addr, "%s", addr);
        s->minute = minute;
    }
    int ok = s->count < r->limit;
    if (ok) s->count++;
    pthread_mutex_unlock(&r->mu);
    return ok;
}

/* ---- the server's state ------------------------------------------------------------- */

/* Store handles kept open between requests: a request takes one (or opens
 * one when none is free) and gives it back, so that a new connection costs
 * no opening of the store. At most POOL_MAX are kept; more are closed. */
enum { POOL_MAX = 32 };

typedef struct {
    pthread_mutex_t mu;
    size_t n;
    dsms_store *free[POOL_MAX];
} store_pool;

typedef struct {
    const dsms_server_options *o;
    dsms_key key; /* the store's, for uploads */
    store_pool pool;
    size_t max_body, max_header;
    rate_table *rate;
    /* The background computation. */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int due, stopping;
    pthread_t computer;
    int computing_started;
    dsms_store *computing; /* the computing thread's handle */
    dsms_api_cache *cache; /* answers to the public */
    dsms_kept *kept;       /* the records, kept between computations */
} server;

static void logf_(const server *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(const server *sv, const char *fmt, ...)
{
    if (!sv->o->log) return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    sv->o->log(sv->o->log_ctx, line);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ---- fresh results after each submission ------------------------------------------- */

/* The dashboard's first page made ready: the public's reading of the
 * results, which the first page to need it would otherwise wait for. */
static void warm_pages(server *sv)
{
    if (!sv->o->pages_warm) return;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    dsms_err err = {""};
    if (sv->o->pages_warm(sv->o->pages_ctx, sv->computing, &err) == 0)
        logf_(sv, "read the public's results for the pages in %.1f s", seconds_since(&t0));
}

/* The computing thread, on the handle the server checked the store and its
 * key with at start (sv->computing). It reads the records into memory
 * first (dsms_kept_read), so that each computation after an upload reads
 * again only the records of the organisations that submitted. */
static void *compute_loop(void *arg)
{
    server *sv = arg;
    dsms_err err = {""};
    /* Readers first: the computation, and the threads it starts (which
     * inherit it), run at nice 10, so that a request waking up takes the CPU
     * from them at once. Not lower (SCHED_IDLE): the computation holds the
     * store's write lock while it stores, and uploads and logins wait for it. */
    if (setpriority(PRIO_PROCESS, (id_t)gettid(), COMPUTE_NICE))
        logf_(sv, "the computation runs at the readers' priority: %s", strerror(errno));
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    warm_pages(sv);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (dsms_kept_read(sv->kept, sv->computing, &err))
        logf_(sv, "reading the records failed (the first computation reads them): %s", err.msg);
    else
        logf_(sv, "read the records in %.1f s", seconds_since(&t0));
    pthread_mutex_lock(&sv->mu);
    for (;;) {
        while (!sv->due && !sv->stopping) pthread_cond_wait(&sv->cv, &sv->mu);
        if (sv->stopping) break;
        sv->due = 0; /* submissions landing from here on make the next computation */
        pthread_mutex_unlock(&sv->mu);
        dsms_compute_report rep = {0};
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int rc = dsms_compute_kept(sv->computing, sv->kept, NULL, 0, &rep, &err);
        double s = seconds_since(&t0);
        char read[64];
        if (rep.read_all) snprintf(read, sizeof read, "every record");
        else snprintf(read, sizeof read, "%zu organisations' records again", rep.reread);
        if (rc) logf_(sv, "recompute failed after %.1f s: %s", s, err.msg);
        else
            logf_(sv, "recomputed %zu results in %.1f s: read %s in %.2f s, linked in %.2f s, "
                      "measured in %.2f s, stored the rest in %.2f s",
                  rep.results, s, read, rep.load_seconds, rep.link_seconds, rep.measure_seconds,
                  rep.store_seconds);
        if (!rc) warm_pages(sv);
        pthread_mutex_lock(&sv->mu);
    }
    pthread_mutex_unlock(&sv->mu);
    return NULL;
}

static void recompute_due(server *sv)
{
    pthread_mutex_lock(&sv->mu);
    sv->due = 1;
    pthread_cond_signal(&sv->cv);
    pthread_mutex_unlock(&sv->mu);
}

/* ---- store handles ---------------------------------------------------------------------- */

static dsms_store *pool_take(server *sv, dsms_err *err)
{
    dsms_store *st = NULL;
    pthread_mutex_lock(&sv->pool.mu);
    if (sv->pool.n) st = sv->pool.free[--sv->pool.n];
    pthread_mutex_unlock(&sv->pool.mu);
    return st ? st : dsms_store_open(sv->o->store, DSMS_STORE_SERVED, err);
}

static void pool_give(server *sv, dsms_store *st)
{
    pthread_mutex_lock(&sv->pool.mu);
    if (sv->pool.n < POOL_MAX) sv->pool.free[sv->pool.n++] = st, st = NULL;
    pthread_mutex_unlock(&sv->pool.mu);
    dsms_store_close(st);
}

static void pool_close(server *sv)
{
    for (size_t i = 0; i < sv->pool.n; i++) dsms_store_close(sv->pool.free[i]);
    sv->pool.n = 0;
}

/* ---- one connection, one request ---------------------------------------------------- */

/* A request as it arrives: its query parameters, and its body, kept in
 * memory when small or spooled to an unnamed file when an upload. */
typedef struct {
    int upload;      /* the body is a submission, spooled */
    int fd;          /* the spool, or -1 */
    char *body;      /* a small body */
    size_t len;      /* bytes of body received */
    int too_large;
    int spool_failed;
    struct timespec start;
    dsms_api_request req;
    char addr[48];
} request;

static void request_free(request *r)
{
    if (!r) return;
    if (r->fd >= 0) close(r->fd);
    free(r->body);
    free(r);
}

static void completed(void *cls, struct MHD_Connection *c, void **req_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)c, (void)toe;
    request_free(*req_cls);
    *req_cls = NULL;
}

static void client_address(struct MHD_Connection *c, char *buf, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(buf, n, "?");
    if (!ci || !ci->client_addr) return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
                  (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf,
                  (socklen_t)n);
}

/* An unnamed file for an upload's body: gone when closed, whatever happens. */
static int spool_open(void)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/dsms-upload-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd >= 0) unlink(path);
    return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w, n -= (size_t)w;
    }
    return 0;
}

/* Take a piece of the body: into the spool or the small buffer, counting
 * what went past the limit instead of keeping it. */
static void take_body(server *sv, request *r, const char *data, size_t n)
{
    size_t limit = r->upload ? sv->max_body : SMALL_BODY;
    if (r->too_large || n > limit - r->len) {
        r->too_large = 1;
        return;
    }
    if (r->upload) {
        if (!r->spool_failed && write_all(r->fd, data, n)) r->spool_failed = 1;
    } else {
        char *b = realloc(r->body, r->len + n);
        if (!b) {
            r->spool_failed = 1;
            return;
        }
        memcpy(b + r->len, data, n);
        r->body = b;
    }
    r->len += n;
}

static enum MHD_Result collect_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void)kind;
    dsms_api_request *q = cls;
    if (q->nparams == DSMS_API_MAX_PARAMS) return MHD_NO;
    q->key[q->nparams] = key;
    q->value[q->nparams] = value ? value : "";
    q->nparams++;
    return MHD_YES;
}

/* An answer the server makes itself (a limit, a failure), as the API's are. */
static enum MHD_Result answer_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
    char body[512];
    int n = snprintf(body, sizeof body, "{\"error\":\"%s\"}\n", msg);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer((size_t)n, body, MHD_RESPMEM_MUST_COPY);
    if (!resp) return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (status == MHD_HTTP_TOO_MANY_REQUESTS) MHD_add_response_header(resp, "Retry-After", "60");
    enum MHD_Result rc = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* The dashboard's pages load their styles and script from the server
 * alone, run no inline script, post forms only to it, and are framed by
 * nobody; the API's answers (JSON, CSV) may load nothing at all. */
static const char page_policy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

static enum MHD_Result answer(struct MHD_Connection *c, dsms_api_response *ar, int page)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(ar->len, ar->body ? ar->body : (void *)"",
                                        ar->body ? MHD_RESPMEM_MUST_FREE
                                                 : MHD_RESPMEM_PERSISTENT);
    if (!resp) return MHD_NO;
    ar->body = NULL; /* libmicrohttpd frees it now */
    if (ar->content_type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ar->content_type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "Referrer-Policy", page ? "same-origin" : "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            page ? page_policy : "default-src 'none'");
    if (page) MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    for (size_t i = 0; i < ar->nheaders && i < DSMS_API_MAX_HEADERS; i++)
        MHD_add_response_header(resp, ar->header[i][0], ar->header[i][1]);
    enum MHD_Result rc = MHD_queue_response(c, (unsigned)ar->status, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* The first call of a request: its limits, then a place for its body. */
static enum MHD_Result begin(server *sv, struct MHD_Connection *c, const char *url,
                             const char *method, void **req_cls)
{
    request *r = calloc(1, sizeof *r);
    if (!r) return MHD_NO;
    r->fd = -1;
    clock_gettime(CLOCK_MONOTONIC, &r->start);
    client_address(c, r->addr, sizeof r->addr);
    *req_cls = r;
    if (!rate_allows(sv->rate, r->addr, (int64_t)time(NULL))) {
        r->too_large = -1; /* answered at the end, once the body is drained */
        return MHD_YES;
    }
    const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
    r->upload = strcmp(method, "POST") == 0 && strcmp(url, "/api/v1/submissions") == 0;
    size_t limit = r->upload ? sv->max_body : SMALL_BODY;
    if (length && strtoull(length, NULL, 10) > limit) r->too_large = 1;
    if (r->upload && !r->too_large && (r->fd = spool_open()) < 0) r->spool_failed = 1;
    return MHD_YES;
}

static enum MHD_Result serve_request(server *sv, struct MHD_Connection *c, request *r,
                                     const char *url, const char *method)
{
    dsms_api_request *q = &r->req;
    q->method = strcmp(method, "HEAD") == 0 ? "GET" : method;
    q->path = url;
    if (MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_param, q) < 0 ||
        q->nparams == DSMS_API_MAX_PARAMS)
        return answer_error(c, 400, "too many query parameters");
    q->session = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, SESSION_COOKIE);
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_AUTHORIZATION);
    q->bearer = auth && strncmp(auth, "Bearer ", 7) == 0 ? auth + 7 : NULL;
    q->csrf = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
    q->accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
    q->host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    q->sent_from = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    q->body = r->body;
    q->body_len = r->upload ? 0 : r->len;
    q->upload_fd = r->upload ? r->fd : -1;
    if (q->upload_fd >= 0 && lseek(q->upload_fd, 0, SEEK_SET) != 0)
        return answer_error(c, 500, "the upload could not be read back");
    q->origin = r->addr;
    q->store_key = &sv->key;
    q->cache = sv->cache;
    q->tls = sv->o->tls_cert != NULL;
    q->now = (int64_t)time(NULL);
    dsms_err err = {""};
    dsms_store *st = pool_take(sv, &err);
    if (!st) {
        logf_(sv, "cannot open the store: %s", err.msg);
        return answer_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "the store is unavailable");
    }
    dsms_api_response ar;
    int page = sv->o->pages && strncmp(url, "/api/", 5) != 0;
    if (page) sv->o->pages(sv->o->pages_ctx, st, q, &ar);
    else dsms_api_handle(st, q, &ar);
    pool_give(sv, st);
    if (ar.delay_ms > 0) {
        struct timespec d = {ar.delay_ms / 1000, (ar.delay_ms % 1000) * 1000000L};
        nanosleep(&d, NULL);
    }
    if (ar.recompute) recompute_due(sv);
    if (!sv->o->quiet)
        logf_(sv, "%s %s %d %zu %.1f ms %s", method, url, ar.status, ar.len,
              seconds_since(&r->start) * 1e3, r->addr);
    enum MHD_Result rc = answer(c, &ar, page);
    dsms_api_response_free(&ar);
    return rc;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **req_cls)
{
    (void)version;
    server *sv = cls;
    request *r = *req_cls;
    if (!r) return begin(sv, c, url, method, req_cls);
    if (*upload_data_size) {
        if (r->too_large == 0) take_body(sv, r, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (r->too_large < 0) {
        if (!sv->o->quiet) logf_(sv, "%s %s 429 %s", method, url, r->addr);
        return answer_error(c, MHD_HTTP_TOO_MANY_REQUESTS, "too many requests: wait a minute");
    }
    if (r->too_large) {
        if (!sv->o->quiet) logf_(sv, "%s %s 413 %s", method, url, r->addr);
        return answer_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "the request body is too large");
    }
    if (r->spool_failed)
        return answer_error(c, MHD_HTTP_SERVICE_UNAVAILABLE,
                            "the upload could not be kept: try again");
    return serve_request(sv, c, r, url, method);
}

/* ---- starting and stopping ----------------------------------------------------------- */

/* ADDR:PORT, [IPV6]:PORT or PORT alone (loopback) into *sa. */
static int parse_listen(const char *s, struct sockaddr_storage *sa, dsms_err *err)
{
    char host[256] = "127.0.0.1", port[16];
    const char *colon = strrchr(s, ':');
    if (!colon) snprintf(port, sizeof port, "%s", s);
    else {
        size_t n = (size_t)(colon - s);
        if (s[0] == '[' && n >= 2 && s[n - 1] == ']') s++, n -= 2;
        if (n == 0 || n >= sizeof host) goto bad;
        memcpy(host, s, n), host[n] = 0;
        snprintf(port, sizeof port, "%s", colon + 1);
    }
    char *end;
    long p = strtol(port, &end, 10);
    if (!*port || *end || p < 0 || p > 65535) goto bad;
    struct addrinfo hints = {.ai_flags = AI_NUMERICSERV, .ai_socktype = SOCK_STREAM}, *ai;
    if (getaddrinfo(host, port, &hints, &ai) != 0 || !ai) {
        dsms_err_set(err, "--listen %s: no such address (expected ADDR:PORT)", s);
        return -1;
    }
    memset(sa, 0, sizeof *sa);
    memcpy(sa, ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(ai);
    return 0;
bad:
    dsms_err_set(err, "--listen %s: expected ADDR:PORT (127.0.0.1:8080, [::1]:8080) or PORT",
                 s);
    return -1;
}

/* The whole of a small file (a certificate), NUL-terminated; NULL, err set, if not. */
static char *read_pem(const char *path, dsms_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        dsms_err_set(err, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    int bad = !buf || ferror(f) || n == 0;
    fclose(f);
    if (bad) {
        free(buf);
        dsms_err_set(err, "%s: cannot read a PEM file from it", path);
        return NULL;
    }
    buf[n] = 0;
    return buf;
}

static void url_of(struct MHD_Daemon *d, const struct sockaddr_storage *sa, int tls, char *buf,
                   size_t n)
{
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = di ? di->port : 0;
    char host[64] = "?";
    if (sa->ss_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, host,
                  sizeof host);
    else if (sa->ss_family == AF_INET6) {
        host[0] = '[';
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                  host + 1, sizeof host - 2);
        strcat(host, "]");
    }
    snprintf(buf, n, "%s://%s:%u/", tls ? "https" : "http", host, port);
}

static struct MHD_Daemon *start(server *sv, const struct sockaddr_storage *sa, const char *cert,
                                const char *key)
{
    const dsms_server_options *o = sv->o;
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (sa->ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    if (cert) flags |= MHD_USE_TLS;
    struct MHD_OptionItem tls[] = {
        {cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, (void *)cert},
        {cert ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, (void *)key},
        {MHD_OPTION_END, 0, NULL}};
    return MHD_start_daemon(
        flags, 0, NULL, NULL, handle, sv, MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)sa,
        MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_seconds ? o->timeout_seconds : DEFAULT_TIMEOUT,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, sv->max_header,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)MAX_PER_ADDRESS,
        MHD_OPTION_NOTIFY_COMPLETED, completed, sv,
        MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
}

int dsms_serve(const dsms_server_options *o, volatile sig_atomic_t *stop, dsms_err *err)
{
    struct sockaddr_storage sa;
    if (parse_listen(o->listen ? o->listen : "127.0.0.1:8080", &sa, err)) return -1;
    if (!o->tls_cert != !o->tls_key) {
        dsms_err_set(err, "--tls-cert and --tls-key go together: give both or neither");
        return -1;
    }
    server sv = {.o = o,
                 .max_body = o->max_body ? o->max_body : DEFAULT_MAX_BODY,
                 .max_header = o->max_header ? o->max_header : DEFAULT_MAX_HEADER};
    /* The store (checked for damage, once) and its key must open before
     * anyone is told the server is ready: the key is the store's, checked as
     * dsms import checks it. That handle is then the computing thread's. */
    if (!(sv.computing = dsms_store_open(o->store, 0, err))) return -1;
    dsms_framework_attach(sv.computing); /* statuses stored with each computation's results */
    char *cert = NULL, *key = NULL;
    int rc = -1;
    if (dsms_key_load(o->key, &sv.key, err) ||
        dsms_key_verify(sv.computing, &sv.key, o->key, o->store, 0, err))
        goto done;
    if (o->tls_cert && (!(cert = read_pem(o->tls_cert, err)) || !(key = read_pem(o->tls_key, err))))
        goto done;
    sv.cache = dsms_api_cache_new(o->cache_bytes ? o->cache_bytes : DEFAULT_CACHE);
    sv.kept = dsms_kept_new();
    if (!sv.cache || !sv.kept || !(sv.rate = calloc(1, sizeof *sv.rate))) {
        dsms_err_set(err, "out of memory starting the server");
        goto done;
    }
    pthread_mutex_init(&sv.rate->mu, NULL);
    sv.rate->limit = o->requests_per_minute ? o->requests_per_minute : DEFAULT_RATE;
    pthread_mutex_init(&sv.mu, NULL);
    pthread_cond_init(&sv.cv, NULL);
    pthread_mutex_init(&sv.pool.mu, NULL);
    sv.computing_started = pthread_create(&sv.computer, NULL, compute_loop, &sv) == 0;
    struct MHD_Daemon *d = start(&sv, &sa, cert, key);
    if (!d) {
        dsms_err_set(err, "cannot listen on %s: %s", o->listen ? o->listen : "127.0.0.1:8080",
                     errno ? strerror(errno) : "the address or certificate was refused");
    } else {
        char url[128];
        url_of(d, &sa, cert != NULL, url, sizeof url);
        if (o->ready) o->ready(o->ready_ctx, url);
        while (!*stop) {
            struct timespec tick = {0, 100 * 1000000L};
            nanosleep(&tick, NULL);
        }
        logf_(&sv, "stopping: finishing the requests in flight");
        MHD_quiesce_daemon(d);
        MHD_stop_daemon(d); /* waits for each connection's thread */
        rc = 0;
    }
    pthread_mutex_lock(&sv.mu);
    sv.stopping = 1;
    pthread_cond_signal(&sv.cv);
    pthread_mutex_unlock(&sv.mu);
    if (sv.computing_started) pthread_join(sv.computer, NULL);
    pool_close(&sv);
    pthread_mutex_destroy(&sv.pool.mu);
    pthread_cond_destroy(&sv.cv);
    pthread_mutex_destroy(&sv.mu);
    pthread_mutex_destroy(&sv.rate->mu);
done:
    dsms_store_close(sv.computing);
    free(sv.rate);
    dsms_api_cache_free(sv.cache);
    dsms_kept_free(sv.kept);
    dsms_key_wipe(&sv.key);
    free(cert);
    if (key) sodium_memzero(key, strlen(key));
    free(key);
    return rc;
}
