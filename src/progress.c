/* progress.c — the progress line (progress.h): what is being done, how far it
 * has got, the rate and the time left, redrawn in place on a terminal. */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static cli_progress *drawn_now; /* the line on the screen, if any */

void cli_progress_init(cli_progress *p, int quiet)
{
    memset(p, 0, sizeof *p);
    p->on = !quiet && isatty(STDERR_FILENO);
}

/* 1234567 as "1,234,567". */
static void grouped(uint64_t n, char *buf, size_t size)
{
    char tmp[32];
    int len = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)n);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < size; i++) {
        if (i && (len - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = 0;
}

static int columns(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
    return 80;
}

/* The rate and time left, once there is something to measure them by. */
static void pace(char *buf, size_t n, double elapsed, uint64_t done, uint64_t total,
                 const char *unit, uint64_t bytes_done, uint64_t bytes_total)
{
    buf[0] = 0;
    double part = bytes_total ? (double)bytes_done : (double)done;
    double whole = bytes_total ? (double)bytes_total : (double)total;
    if (elapsed < 0.5 || part <= 0) return;
    double rate = part / elapsed, left = whole > part ? (whole - part) / rate : 0;
    long secs = (long)(left + 0.5);
    char r[32];
    grouped((uint64_t)(rate + 0.5), r, sizeof r);
    if (bytes_total) snprintf(buf, n, "  %.1f MB/s", rate / 1e6);
    else snprintf(buf, n, "  %s %s/s", r, unit);
    if (total) {
        size_t len = strlen(buf);
        snprintf(buf + len, n - len, "  %ld:%02ld left", secs / 60, secs % 60);
    }
}

void cli_progress_show(cli_progress *p, const char *task, const char *what, uint64_t done,
                       uint64_t total, const char *unit, uint64_t bytes_done,
                       uint64_t bytes_total)
{
    if (!p->on) return;
    double t = now();
    if (strcmp(p->task, task) != 0) { /* the rate is of this task since it began */
        snprintf(p->task, sizeof p->task, "%s", task);
        p->start = t;
        p->last = 0;
        p->base_done = done, p->base_bytes = bytes_done;
    }
    int last_step = total && done >= total;
    if (p->drawn && t - p->last < 0.1 && !last_step) return;
    p->last = t;
    char d[32], w[32], rate[64], line[512];
    grouped(done, d, sizeof d);
    grouped(total, w, sizeof w);
    pace(rate, sizeof rate, t - p->start, done - p->base_done,
         total > p->base_done ? total - p->base_done : 0, unit, bytes_done - p->base_bytes,
         bytes_total > p->base_bytes ? bytes_total - p->base_bytes : 0);
    if (total) snprintf(line, sizeof line, "%s  %s/%s%s%s%s", what, d, w, *unit ? " " : "", unit, rate);
    else snprintf(line, sizeof line, "%s%s", what, rate);
    /* One line, never wrapped: a wrapped line could not be redrawn in place. */
    int width = columns() - 1;
    fprintf(stderr, "\r\033[K%.*s", width, line);
    fflush(stderr);
    p->drawn = 1;
    drawn_now = p;
}

void cli_progress_clear(cli_progress *p)
{
    if (!p->on || !p->drawn) return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    p->drawn = 0;
    if (drawn_now == p) drawn_now = NULL;
}

void cli_progress_hide(void)
{
    if (drawn_now) cli_progress_clear(drawn_now);
}
