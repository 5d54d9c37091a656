/* progress.h — a progress line for long commands, drawn on stderr in place
 * (carriage return, line cleared) when stderr is a terminal and the command
 * was not asked to be quiet; otherwise nothing at all is written. */
#ifndef DSMS_PROGRESS_H
#define DSMS_PROGRESS_H

#include <stdint.h>

typedef struct {
    int on;           /* drawing: stderr is a terminal, and not --quiet */
    int drawn;        /* a line is on the screen */
    double start;     /* when the current task began (seconds, monotonic) */
    double last;      /* when the line was last drawn */
    char task[64];    /* the task the rate and time left belong to */
    uint64_t base_done, base_bytes; /* how far it had got when the task began */
} cli_progress;

/* Off when quiet, or when stderr is not a terminal. */
void cli_progress_init(cli_progress *p, int quiet);

/* "WHAT  DONE/TOTAL UNIT  RATE  M:SS left": at most ten times a second (the
 * last step always). task names what the rate is of; a new task restarts the
 * clock. With bytes_total > 0 the rate is in MB/s of bytes_done, and the time
 * left follows the bytes; else it follows done. */
void cli_progress_show(cli_progress *p, const char *task, const char *what, uint64_t done,
                       uint64_t total, const char *unit, uint64_t bytes_done,
                       uint64_t bytes_total);

/* Take the line off the screen: before any other output, and when done. */
void cli_progress_clear(cli_progress *p);
/* Take off whichever line is drawn (cli_error and the diagnostics do). */
void cli_progress_hide(void);

#endif
