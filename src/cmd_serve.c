/* cmd_serve.c — dsms serve: the JSON API over HTTP, until SIGTERM or SIGINT. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "dsms/chart.h"
#include "dsms/server.h"
#include "dsms/web.h"
#include "dsms/text.h"

static const char help[] =
    "usage: dsms serve [--listen ADDR:PORT] [--tls-cert FILE --tls-key FILE] [options]\n"
    "\n"
    "Serve the store's JSON API (docs/api.md) and the dashboard (docs/dashboard.md: open\n"
    "the URL in a browser) over HTTP/1.1 until stopped with SIGTERM or SIGINT (Ctrl-C):\n"
    "then requests in flight finish, and an upload either lands\n"
    "whole or not at all. After each upload the results are computed again in the\n"
    "background, at a lower priority (nice 10: requests are answered first), reading\n"
    "again only the submitting organisation's records; until they are, the API\n"
    "serves the last complete ones.\n"
    "\n"
    "  --listen ADDR:PORT   where to listen (default 127.0.0.1:8080, loopback only;\n"
    "                       PORT 0: any free port, said on the first line)\n"
    "  --tls-cert FILE      serve HTTPS with this PEM certificate (and --tls-key)\n"
    "  --tls-key FILE       the certificate's PEM private key\n"
    "  --max-upload-mib N   largest upload accepted (default 256)\n"
    "  --timeout S          close a connection idle for S seconds (default 15)\n"
    "  --rate N             requests a minute from one address (default 600)\n"
    "  --cache-mib N        MiB of the public's answers of /api/v1/results kept until\n"
    "                       the results are computed again, 1-4096 (default 256)\n"
    "  --quiet              no line on stderr for each request\n"
    "\n"
    "The first line on stdout is the URL served. Each request is logged on stderr:\n"
    "method, path, status, bytes, milliseconds and the client's address.\n"
    "\n"
    "exit status: 0 stopped by a signal; 2 refused (bad arguments, no store, the address\n"
    "or certificate refused).\n";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void ready(void *ctx, const char *url)
{
    (void)ctx;
    printf("%s\n", url);
    fflush(stdout);
}

static void log_line(void *ctx, const char *line)
{
    (void)ctx;
    char when[32];
    time_t t = time(NULL);
    struct tm tm;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
    fprintf(stderr, "%s %s\n", when, cli_esc(line));
}

/* The dashboard's pages, for the server (dsms/web.h). */
static int pages(void *ctx, dsms_store *st, const dsms_api_request *req, dsms_api_response *resp)
{
    return dsms_web_handle(ctx, st, req, resp);
}

static int pages_warm(void *ctx, dsms_store *st, dsms_err *err)
{
    return dsms_web_warm(ctx, st, err);
}

/* A whole number from lo to hi, or -1. */
static long bounded(const char *s, long lo, long hi)
{
    char *end;
    long v = strtol(s, &end, 10);
    return *s && !*end && v >= lo && v <= hi ? v : -1;
}

int cmd_serve(int argc, char **argv, cli_env *env)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'},   {"tls-cert", required_argument, NULL, 'c'},
        {"tls-key", required_argument, NULL, 'k'},  {"max-upload-mib", required_argument, NULL, 'm'},
        {"timeout", required_argument, NULL, 't'},  {"rate", required_argument, NULL, 'r'},
        {"cache-mib", required_argument, NULL, 'C'}, {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0}};
    dsms_server_options o = {.store = env->store, .log = log_line};
    int c;
    long v;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'l': o.listen = optarg; break;
        case 'c': o.tls_cert = optarg; break;
        case 'k': o.tls_key = optarg; break;
        case 'q': o.quiet = 1; break;
        case 'm':
            if ((v = bounded(optarg, 1, 4096)) < 0)
                return cli_error("--max-upload-mib %s: expected a whole number 1-4096", optarg);
            o.max_body = (size_t)v << 20;
            break;
        case 't':
            if ((v = bounded(optarg, 1, 3600)) < 0)
                return cli_error("--timeout %s: expected seconds, 1-3600", optarg);
            o.timeout_seconds = (unsigned)v;
            break;
        case 'r':
            if ((v = bounded(optarg, 1, 1000000000)) < 0)
                return cli_error("--rate %s: expected a whole number 1-1000000000", optarg);
            o.requests_per_minute = (unsigned)v;
            break;
        case 'C':
            if ((v = bounded(optarg, 1, 4096)) < 0)
                return cli_error("--cache-mib %s: expected a whole number 1-4096", optarg);
            o.cache_bytes = (size_t)v << 20;
            break;
        case 'h': return fputs(help, stdout), 0;
        default: return fputs(help, stderr), DSMS_REFUSED;
        }
    }
    if (optind < argc) return cli_error("serve takes no arguments (see dsms serve --help)");
    o.key = cli_key_path(env);
    o.ready = ready;
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    dsms_err err = {""};
    dsms_web *web = dsms_web_new();
    if (!web) return cli_error("out of memory starting the server");
    o.pages = pages, o.pages_warm = pages_warm, o.pages_ctx = web;
    int rc = dsms_serve(&o, &stop, &err);
    dsms_web_free(web);
    dsms_chart_fonts_release(); /* what the pages' charts kept, given back for the leak check */
    if (rc) return cli_error("%s", err.msg);
    return 0;
}
