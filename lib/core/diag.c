/* diag.c — formatting of diagnostics and errors (see diag.h). */
#include "dsms/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dsms/text.h"

/* Everything a diagnostic quotes can come from the user (the file name, a
 * header name, a value in the message): each part is escaped (text.h), so
 * that a line never prints a control character or splits in two. */
int dsms_diag_format(const dsms_diag *d, char *buf, size_t n)
{
    char file[1024], field[256], message[1400], expected[2000];
    dsms_escape(d->file ? d->file : "", (size_t)-1, file, sizeof file);
    dsms_escape(*d->field ? d->field : d->line > 0 ? "row" : "file", (size_t)-1, field,
                sizeof field);
    dsms_escape(d->message, (size_t)-1, message, sizeof message);
    dsms_escape(d->expected, (size_t)-1, expected, sizeof expected);
    const char *sev = d->severity == DSMS_WARNING ? "warning: " : "";
    char line[32] = "";
    if (d->line > 0) snprintf(line, sizeof line, ":%ld", d->line);
    if (*expected)
        return snprintf(buf, n, "%s%s: %s: %s%s (expected %s)", file, line, field, sev, message,
                        expected);
    return snprintf(buf, n, "%s%s: %s: %s%s", file, line, field, sev, message);
}

void dsms_diag_set_field(dsms_diag *d, const char *field)
{
    size_t n = strlen(field);
    if (n >= sizeof d->field) {
        n = sizeof d->field - 1;
        /* Do not cut a multi-byte character in two: back up to its first byte. */
        while (n > 0 && ((unsigned char)field[n] & 0xC0) == 0x80) n--;
    }
    memcpy(d->field, field, n);
    d->field[n] = 0;
}

void dsms_err_set(dsms_err *e, const char *fmt, ...)
{
    if (!e) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}

void dsms_err_clear(dsms_err *e)
{
    if (e) e->msg[0] = 0;
}

int dsms_callback_failed(dsms_err *e, const char *what_fmt, ...)
{
    if (!e || e->msg[0]) return -1;
    char what[256];
    va_list ap;
    va_start(ap, what_fmt);
    vsnprintf(what, sizeof what, what_fmt, ap);
    va_end(ap);
    dsms_err_set(e, "out of memory reading %s", what);
    return -1;
}
