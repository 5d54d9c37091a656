/* load.c — an open-loop HTTP/1.1 load generator for dsms serve (bench/serve.sh).
 *
 * Request i is due at start + i / rate, whatever became of the requests before
 * it: each of the keep-alive connections takes the next request due, waits
 * for its time (or sends at once when behind), and reads the whole answer.
 * Latency runs from the time the request was due, not the time it was sent,
 * so a server that stalls is charged for every request that queued behind the
 * stall (without this, a slow answer hides the requests it held back: the
 * coordinated-omission error). Paths are taken round-robin from a file.
 *
 * The run is bounded: rate x seconds requests at most, none sent once the
 * schedule is more than the request timeout behind, and each request given up
 * after the timeout (5 s), so the whole run ends within seconds + twice the
 * timeout. A connection the server closed is opened again; a GET that found
 * its reused connection closed before any answer is sent once more on a new
 * one. Plain HTTP only; the answer's length from Content-Length, chunked
 * encoding, or the connection closing.
 *
 * Exit status: 0 the run was made (errors are in the report); 1 nothing could
 * connect; 2 bad arguments or an unreadable paths file. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
    MAX_HEADERS = 8,
    MAX_CONNECTIONS = 1024,
    BUF_SIZE = 64 << 10, /* the largest response header block accepted */
    MAX_REQUESTS = 50 * 1000 * 1000,
};

/* What became of a request that got no answer (its status slot, negative). */
enum {
    F_CONNECT = 1, /* no connection could be made */
    F_SEND,        /* the request could not be written */
    F_RESET,       /* the connection failed while reading */
    F_DROPPED,     /* the server closed the connection before any answer */
    F_CLOSED,      /* the server closed the connection before the whole answer */
    F_TIMEOUT,     /* no whole answer within the timeout */
    F_PARSE,       /* the answer was not HTTP/1.x as understood here */
    F_COUNT
};
static const char *const failure_name[F_COUNT] = {
    "", "connect failed", "send failed", "connection reset", "closed before answering",
    "closed mid-answer", "timed out", "malformed answer"};

/* ---- the run's settings and shared state ------------------------------------------- */

static struct {
    char host[256], port[16], base[1024];
    double rate, seconds, timeout;
    unsigned connections;
    char **request; /* the whole request text for each path */
    size_t *request_len;
    size_t npaths;
    struct sockaddr_storage addr;
    socklen_t addr_len;
    int64_t start_ns; /* CLOCK_MONOTONIC, when request 0 is due */
    int64_t cutoff_ns; /* nothing is sent after this */
    size_t total;      /* requests scheduled */
} run;

static atomic_size_t next_request;
/* Per request: its latency in microseconds from when it was due, its status
 * (HTTP status, or -F_* when it failed; 0 when never sent), and how late it
 * was sent. Each slot is written by the one thread that took the request. */
static uint32_t *latency_us, *send_delay_us;
static int16_t *status;

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void sleep_until(int64_t t_ns)
{
    struct timespec t = {(time_t)(t_ns / 1000000000), (long)(t_ns % 1000000000)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR) {
    }
}

static int64_t due_ns(size_t i)
{
    return run.start_ns + (int64_t)((double)i * 1e9 / run.rate);
}

/* ---- one connection ------------------------------------------------------------------ */

typedef struct {
    int fd;
    int used;          /* requests answered on it: a closed reused connection is retried */
    char buf[BUF_SIZE];
    size_t off, have;  /* unread bytes are buf[off..have) */
    unsigned long opened;
    unsigned long retries;
} conn;

static void conn_close(conn *c)
{
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
    c->used = 0;
    c->off = c->have = 0;
}

/* Connect with the time left before deadline; 0, or -1. */
static int conn_open(conn *c, int64_t deadline)
{
    conn_close(c);
    int fd = socket(run.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&run.addr, run.addr_len) != 0) {
        if (errno != EINPROGRESS) goto fail;
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int64_t left = deadline - now_ns();
        if (left <= 0 || poll(&p, 1, (int)(left / 1000000) + 1) != 1) {
            errno = ETIMEDOUT;
            goto fail;
        }
        int e = 0;
        socklen_t len = sizeof e;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0) goto fail;
        if (e != 0) {
            errno = e;
            goto fail;
        }
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->fd = fd;
    c->opened++;
    return 0;
fail: {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
}
}

static int send_all(conn *c, const char *p, size_t n, int64_t deadline)
{
    while (n) {
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
        if (w > 0) {
            p += w, n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pf = {.fd = c->fd, .events = POLLOUT};
            int64_t left = deadline - now_ns();
            if (left <= 0 || poll(&pf, 1, (int)(left / 1000000) + 1) < 0) return -1;
            continue;
        }
        return -1;
    }
    return 0;
}

/* More bytes into the buffer: > 0 read, 0 closed, -F_RESET, -F_TIMEOUT, or
 * -F_PARSE when the buffer is full of what could not be parsed. */
static int fill(conn *c, int64_t deadline)
{
    if (c->off > 0) {
        memmove(c->buf, c->buf + c->off, c->have - c->off);
        c->have -= c->off;
        c->off = 0;
    }
    if (c->have == sizeof c->buf) return -F_PARSE;
    for (;;) {
        ssize_t r = recv(c->fd, c->buf + c->have, sizeof c->buf - c->have, 0);
        if (r > 0) {
            c->have += (size_t)r;
            return (int)r;
        }
        if (r == 0) return 0;
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return -F_RESET;
        int64_t left = deadline - now_ns();
        if (left <= 0) return -F_TIMEOUT;
        struct pollfd p = {.fd = c->fd, .events = POLLIN};
        int n = poll(&p, 1, (int)(left / 1000000) + 1);
        if (n == 0) return -F_TIMEOUT;
        if (n < 0 && errno != EINTR) return -F_RESET;
    }
}

static char *find_crlf(char *p, size_t n)
{
    for (char *e = p + n; (p = memchr(p, '\r', (size_t)(e - p))) && p + 1 < e; p++)
        if (p[1] == '\n') return p;
    return NULL;
}

/* A whole line ending in CRLF at buf[off]: its length without the CRLF (the
 * line is consumed), or a negative failure (-F_CLOSED when the connection
 * closed first). */
static long read_line(conn *c, int64_t deadline, char **line)
{
    for (;;) {
        char *start = c->buf + c->off;
        char *end = find_crlf(start, c->have - c->off);
        if (end) {
            *line = start;
            c->off += (size_t)(end - start) + 2;
            return end - start;
        }
        int r = fill(c, deadline);
        if (r == 0) return -F_CLOSED;
        if (r < 0) return r;
    }
}

/* Consume n bytes of body: 0, or a negative failure. */
static int skip(conn *c, uint64_t n, int64_t deadline)
{
    while (n) {
        if (c->off == c->have) {
            c->off = c->have = 0;
            int r = fill(c, deadline);
            if (r == 0) return -F_CLOSED;
            if (r < 0) return r;
        }
        size_t take = c->have - c->off;
        if (take > n) take = (size_t)n;
        c->off += take;
        n -= take;
    }
    return 0;
}

/* Does a header's value hold token (case aside), as in "Connection: close"? */
static int has_token(const char *value, size_t len, const char *token)
{
    size_t t = strlen(token);
    for (size_t i = 0; i + t <= len; i++)
        if (strncasecmp(value + i, token, t) == 0) return 1;
    return 0;
}

/* Read one whole answer: its HTTP status, or a negative failure; *must_close
 * when the connection cannot carry another request. *any is set once any
 * byte of the answer has arrived. */
static int read_response(conn *c, int64_t deadline, int *must_close, int *any)
{
    char *line;
    long n;
    *must_close = 0;
    *any = 0;
    if (c->off == c->have) {
        int r = fill(c, deadline);
        if (r == 0) return -F_CLOSED;
        if (r < 0) return r;
    }
    *any = 1;
    if ((n = read_line(c, deadline, &line)) < 0) return (int)n;
    if (n < 12 || strncmp(line, "HTTP/1.", 7) != 0 || line[8] != ' ') return -F_PARSE;
    int code = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    if (code < 100 || code > 599) return -F_PARSE;
    if (line[7] == '0') *must_close = 1; /* HTTP/1.0: one request a connection */
    int64_t length = -1;
    int chunked = 0;
    for (;;) {
        if ((n = read_line(c, deadline, &line)) < 0) return (int)n;
        if (n == 0) break;
        char *colon = memchr(line, ':', (size_t)n);
        if (!colon) return -F_PARSE;
        size_t name = (size_t)(colon - line);
        char *value = colon + 1;
        size_t vlen = (size_t)(line + n - value);
        if (name == 14 && strncasecmp(line, "Content-Length", 14) == 0) {
            char tmp[24];
            if (vlen >= sizeof tmp) return -F_PARSE;
            memcpy(tmp, value, vlen), tmp[vlen] = 0;
            char *end;
            long long v = strtoll(tmp, &end, 10);
            if (v < 0 || end == tmp) return -F_PARSE;
            length = v;
        } else if (name == 17 && strncasecmp(line, "Transfer-Encoding", 17) == 0) {
            chunked = has_token(value, vlen, "chunked");
        } else if (name == 10 && strncasecmp(line, "Connection", 10) == 0) {
            if (has_token(value, vlen, "close")) *must_close = 1;
        }
    }
    /* No body: 1xx, 204, 304 (HEAD is never sent). */
    if (code < 200 || code == 204 || code == 304) return code;
    if (chunked) {
        for (;;) {
            if ((n = read_line(c, deadline, &line)) < 0) return (int)n;
            char tmp[32];
            size_t k = (size_t)n < sizeof tmp - 1 ? (size_t)n : sizeof tmp - 1;
            memcpy(tmp, line, k), tmp[k] = 0;
            char *end;
            unsigned long long size = strtoull(tmp, &end, 16);
            if (end == tmp) return -F_PARSE;
            if (size == 0) break;
            int r = skip(c, size, deadline);
            if (r < 0) return r;
            if ((n = read_line(c, deadline, &line)) < 0) return (int)n;
            if (n != 0) return -F_PARSE;
        }
        do { /* trailers, up to the empty line */
            if ((n = read_line(c, deadline, &line)) < 0) return (int)n;
        } while (n > 0);
        return code;
    }
    if (length >= 0) {
        int r = skip(c, (uint64_t)length, deadline);
        return r < 0 ? r : code;
    }
    /* Neither: the body runs to the connection's end. */
    *must_close = 1;
    for (;;) {
        c->off = c->have = 0;
        int r = fill(c, deadline);
        if (r == 0) return code;
        if (r < 0) return r;
    }
}

/* ---- the sending threads ------------------------------------------------------------- */

static uint32_t clamp_us(int64_t ns)
{
    if (ns < 0) return 0;
    int64_t us = ns / 1000;
    return us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

/* Send one request and read its answer on c, opening c when closed: the
 * HTTP status, or a negative failure. */
static int exchange(conn *c, size_t path, int64_t deadline)
{
    for (int attempt = 0;; attempt++) {
        if (c->fd < 0 && conn_open(c, deadline) != 0) return -F_CONNECT;
        int reused = c->used > 0;
        int rc, must_close = 0, any = 0;
        if (send_all(c, run.request[path], run.request_len[path], deadline) != 0) {
            rc = -F_SEND;
        } else {
            rc = read_response(c, deadline, &must_close, &any);
        }
        if (rc > 0) {
            c->used++;
            if (must_close) conn_close(c);
            return rc;
        }
        conn_close(c);
        /* A kept-alive connection the server had already closed: once more, afresh. */
        if (reused && !any && attempt == 0 && rc != -F_TIMEOUT) {
            c->retries++;
            continue;
        }
        return !any && (rc == -F_CLOSED || rc == -F_RESET) ? -F_DROPPED : rc;
    }
}

typedef struct {
    pthread_t thread;
    conn *c;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    conn *c = w->c;
    int64_t timeout_ns = (int64_t)(run.timeout * 1e9);
    for (;;) {
        size_t i = atomic_fetch_add(&next_request, 1);
        if (i >= run.total) break;
        int64_t due = due_ns(i);
        sleep_until(due);
        int64_t sent = now_ns();
        if (sent > run.cutoff_ns) break; /* too far behind: the rest stay unsent */
        send_delay_us[i] = clamp_us(sent - due);
        int rc = exchange(c, i % run.npaths, sent + timeout_ns);
        latency_us[i] = clamp_us(now_ns() - due);
        status[i] = (int16_t)rc;
        if (rc == -F_CONNECT) sleep_until(now_ns() + 100000000); /* not in a tight loop */
    }
    conn_close(c);
    return NULL;
}

/* ---- setting up ---------------------------------------------------------------------- */

static void usage(FILE *f)
{
    fputs("usage: load_client --url http://HOST:PORT[/BASE] --paths FILE [options]\n"
          "\n"
          "Send GET requests for the paths in FILE (one a line, each starting with '/',\n"
          "taken in turn; blank lines and lines starting with '#' skipped) at a fixed\n"
          "rate over keep-alive connections, and report latency from each request's\n"
          "due time, errors by status and the rate achieved.\n"
          "\n"
          "  --rate N          requests a second (default 100)\n"
          "  --seconds S       length of the schedule (default 10)\n"
          "  --connections C   keep-alive connections, one request in flight on each\n"
          "                    (default 8)\n"
          "  --timeout S       give a request up after S seconds (default 5)\n"
          "  --header 'N: V'   add a header to every request (up to 8 times)\n"
          "\n"
          "exit status: 0 run made (see the report for errors); 1 could not connect;\n"
          "2 bad arguments.\n",
          f);
}

static int bad_arg(const char *what, const char *value)
{
    fprintf(stderr, "load_client: %s: %s\n", what, value ? value : "(missing)");
    return 2;
}

/* http://HOST[:PORT][/BASE] into run.host, run.port and run.base (no trailing '/'). */
static int parse_url(const char *url)
{
    if (strncmp(url, "http://", 7) != 0) return -1;
    const char *h = url + 7, *slash = strchr(h, '/');
    size_t hl = slash ? (size_t)(slash - h) : strlen(h);
    const char *hend = h + hl, *colon = NULL;
    if (hl && *h == '[') { /* [IPv6]:PORT */
        const char *rb = memchr(h, ']', hl);
        if (!rb) return -1;
        if (rb + 1 < hend && rb[1] == ':') colon = rb + 1;
        snprintf(run.host, sizeof run.host, "%.*s", (int)(rb - h - 1), h + 1);
    } else {
        colon = memchr(h, ':', hl);
        size_t n = colon ? (size_t)(colon - h) : hl;
        if (n == 0 || n >= sizeof run.host) return -1;
        snprintf(run.host, sizeof run.host, "%.*s", (int)n, h);
    }
    if (colon) {
        size_t n = (size_t)(hend - colon - 1);
        if (n == 0 || n >= sizeof run.port) return -1;
        snprintf(run.port, sizeof run.port, "%.*s", (int)n, colon + 1);
    } else {
        snprintf(run.port, sizeof run.port, "80");
    }
    snprintf(run.base, sizeof run.base, "%s", slash ? slash : "");
    size_t bl = strlen(run.base);
    while (bl && run.base[bl - 1] == '/') run.base[--bl] = 0;
    return 0;
}

static int read_paths(const char *file, const char *headers)
{
    FILE *f = fopen(file, "r");
    if (!f) return -1;
    char *line = NULL;
    size_t cap = 0, have = 0;
    ssize_t n;
    char host_header[300];
    if (strchr(run.host, ':'))
        snprintf(host_header, sizeof host_header, "[%s]:%s", run.host, run.port);
    else snprintf(host_header, sizeof host_header, "%s:%s", run.host, run.port);
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
        if (n == 0 || line[0] == '#') continue;
        if (line[0] != '/' || strpbrk(line, " \t")) {
            fprintf(stderr, "load_client: %s: not a path: %s\n", file, line);
            goto fail;
        }
        if (run.npaths == have) {
            have = have ? 2 * have : 256;
            char **r = realloc(run.request, have * sizeof *r);
            size_t *l = r ? realloc(run.request_len, have * sizeof *l) : NULL;
            if (r) run.request = r;
            if (!l) goto fail;
            run.request_len = l;
        }
        size_t len = strlen(run.base) + (size_t)n + strlen(host_header) + strlen(headers) + 128;
        char *req = malloc(len);
        if (!req) goto fail;
        int w = snprintf(req, len,
                         "GET %s%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: dsms-load\r\n"
                         "Accept: application/json\r\n%s\r\n",
                         run.base, line, host_header, headers);
        run.request[run.npaths] = req;
        run.request_len[run.npaths++] = (size_t)w;
    }
    free(line);
    fclose(f);
    return run.npaths ? 0 : -1;
fail:
    free(line);
    fclose(f);
    return -1;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The q-quantile of n sorted values, in milliseconds. */
static double quantile_ms(const uint32_t *v, size_t n, double q)
{
    if (!n) return 0;
    size_t k = (size_t)(q * (double)n + 0.999999);
    if (k < 1) k = 1;
    if (k > n) k = n;
    return v[k - 1] / 1e3;
}

int main(int argc, char **argv)
{
    const char *url = NULL, *paths = NULL;
    char headers[4096] = "";
    int nheaders = 0;
    run.rate = 100, run.seconds = 10, run.timeout = 5, run.connections = 8;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) return usage(stdout), 0;
        if (!v) return bad_arg("expected a value after", a);
        i++;
        char *end = NULL;
        if (strcmp(a, "--url") == 0) url = v;
        else if (strcmp(a, "--paths") == 0) paths = v;
        else if (strcmp(a, "--rate") == 0) {
            run.rate = strtod(v, &end);
            if (*end || !(run.rate > 0 && run.rate <= 1e6)) return bad_arg("--rate", v);
        } else if (strcmp(a, "--seconds") == 0) {
            run.seconds = strtod(v, &end);
            if (*end || !(run.seconds > 0 && run.seconds <= 86400)) return bad_arg("--seconds", v);
        } else if (strcmp(a, "--timeout") == 0) {
            run.timeout = strtod(v, &end);
            if (*end || !(run.timeout > 0 && run.timeout <= 600)) return bad_arg("--timeout", v);
        } else if (strcmp(a, "--connections") == 0) {
            long c = strtol(v, &end, 10);
            if (*end || c < 1 || c > MAX_CONNECTIONS) return bad_arg("--connections", v);
            run.connections = (unsigned)c;
        } else if (strcmp(a, "--header") == 0) {
            size_t used = strlen(headers);
            if (nheaders == MAX_HEADERS || !strchr(v, ':') || strpbrk(v, "\r\n") ||
                used + strlen(v) + 3 > sizeof headers)
                return bad_arg("--header", v);
            snprintf(headers + used, sizeof headers - used, "%s\r\n", v);
            nheaders++;
        } else {
            usage(stderr);
            return bad_arg("unknown option", a);
        }
    }
    if (!url || parse_url(url) != 0) return bad_arg("--url: expected http://HOST:PORT", url);
    if (!paths) return bad_arg("--paths", NULL);
    if (read_paths(paths, headers) != 0) return bad_arg("--paths: no paths read from", paths);
    double total = run.rate * run.seconds;
    if (total < 1 || total > MAX_REQUESTS) return bad_arg("--rate x --seconds", "out of range");
    run.total = (size_t)total;

    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *ai;
    int g = getaddrinfo(run.host, run.port, &hints, &ai);
    if (g != 0) {
        fprintf(stderr, "load_client: %s: %s\n", run.host, gai_strerror(g));
        return 1;
    }
    memcpy(&run.addr, ai->ai_addr, ai->ai_addrlen);
    run.addr_len = ai->ai_addrlen;
    freeaddrinfo(ai);

    /* One connection first: a server that is not there fails the run at once. */
    conn *probe = calloc(1, sizeof *probe);
    if (!probe) return 1;
    probe->fd = -1;
    if (conn_open(probe, now_ns() + (int64_t)(run.timeout * 1e9)) != 0) {
        fprintf(stderr, "load_client: cannot connect to %s:%s: %s\n", run.host, run.port,
                strerror(errno));
        return 1;
    }
    conn_close(probe);
    free(probe);

    latency_us = calloc(run.total, sizeof *latency_us);
    send_delay_us = calloc(run.total, sizeof *send_delay_us);
    status = calloc(run.total, sizeof *status);
    worker *w = calloc(run.connections, sizeof *w);
    if (!latency_us || !send_delay_us || !status || !w) {
        fprintf(stderr, "load_client: out of memory\n");
        return 2;
    }
    run.start_ns = now_ns() + 50000000; /* time for the threads to start */
    int64_t timeout_ns = (int64_t)(run.timeout * 1e9);
    run.cutoff_ns = run.start_ns + (int64_t)(run.seconds * 1e9) + timeout_ns;
    unsigned started = 0;
    for (; started < run.connections; started++) {
        w[started].c = calloc(1, sizeof(conn));
        if (!w[started].c) break;
        w[started].c->fd = -1;
        if (pthread_create(&w[started].thread, NULL, work, &w[started]) != 0) {
            free(w[started].c);
            break;
        }
    }
    if (!started) {
        fprintf(stderr, "load_client: cannot start a thread\n");
        return 2;
    }
    unsigned long opened = 0, retries = 0;
    for (unsigned k = 0; k < started; k++) {
        pthread_join(w[k].thread, NULL);
        opened += w[k].c->opened;
        retries += w[k].c->retries;
        free(w[k].c);
    }
    int64_t end_ns = now_ns();

    /* ---- the report ---- */
    size_t sent = 0, answered = 0, ok = 0, failed[F_COUNT] = {0}, by_status[600] = {0};
    uint32_t *lat = malloc((run.total ? run.total : 1) * sizeof *lat);
    uint32_t *delay = malloc((run.total ? run.total : 1) * sizeof *delay);
    if (!lat || !delay) return 2;
    uint32_t last_us = 0;
    for (size_t i = 0; i < run.total; i++) {
        if (status[i] == 0) continue;
        if (status[i] != -F_CONNECT) delay[sent++] = send_delay_us[i];
        if (status[i] < 0) {
            failed[-status[i]]++;
            continue;
        }
        by_status[status[i]]++;
        if (status[i] >= 200 && status[i] < 300) ok++;
        lat[answered++] = latency_us[i];
        /* When the last answer came, for the rate achieved. */
        uint32_t done = clamp_us(due_ns(i) - run.start_ns) + latency_us[i];
        if (done > last_us) last_us = done;
    }
    qsort(lat, answered, sizeof *lat, cmp_u32);
    qsort(delay, sent, sizeof *delay, cmp_u32);
    size_t errors = answered - ok;
    for (int k = 1; k < F_COUNT; k++) errors += failed[k];
    /* Over the schedule's length at least: the last answers due at its end. */
    double span = last_us / 1e6 > run.seconds ? last_us / 1e6 : run.seconds;
    printf("target: http://%s:%s%s, %zu paths, %u connections, %.0f req/s for %.0f s\n",
           run.host, run.port, run.base, run.npaths, run.connections, run.rate, run.seconds);
    printf("scheduled: %zu\n", run.total);
    printf("sent: %zu\n", sent);
    if (failed[F_CONNECT])
        printf("not sent (no connection): %zu\n", failed[F_CONNECT]);
    if (sent + failed[F_CONNECT] < run.total)
        printf("not sent (schedule over %.0f s behind): %zu\n", run.timeout,
               run.total - sent - failed[F_CONNECT]);
    printf("completed: %zu\n", answered);
    printf("ok (2xx): %zu\n", ok);
    printf("errors: %zu\n", errors);
    for (int s = 0; s < 600; s++)
        if (by_status[s] && (s < 200 || s >= 300)) printf("  status %d: %zu\n", s, by_status[s]);
    for (int k = 1; k < F_COUNT; k++)
        if (failed[k]) printf("  %s: %zu\n", failure_name[k], failed[k]);
    printf("connections opened: %lu (requests sent again on a fresh one: %lu)\n", opened,
           retries);
    printf("achieved rate: %.1f req/s (completed over %.2f s)\n",
           span > 0 ? (double)answered / span : 0.0, span);
    printf("latency ms from due time: p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f max %.3f\n",
           quantile_ms(lat, answered, 0.5), quantile_ms(lat, answered, 0.9),
           quantile_ms(lat, answered, 0.99), quantile_ms(lat, answered, 0.999),
           answered ? lat[answered - 1] / 1e3 : 0.0);
    printf("sent late ms (queued behind busy connections): p99 %.3f max %.3f\n",
           quantile_ms(delay, sent, 0.99), sent ? delay[sent - 1] / 1e3 : 0.0);
    printf("wall time: %.2f s\n", (double)(end_ns - run.start_ns) / 1e9);
    free(lat);
    free(delay);
    free(latency_us);
    free(send_delay_us);
    free(status);
    free(w);
    for (size_t i = 0; i < run.npaths; i++) free(run.request[i]);
    free(run.request);
    free(run.request_len);
    return answered || opened ? 0 : 1;
}
