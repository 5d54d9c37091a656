/* diag.c — formatting of diagnostics and errors (see diag.h). */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int dsms_diag_format(const dsms_diag *d, char *buf, size_t n)
{
    const char *sev = d->severity == DSMS_WARNING ? "warning: " : "";
    const char *field = *d->field ? d->field : "row";
    if (d->line > 0) {
        if (*d->expected)
            return snprintf(buf, n, "%s:%ld: %s: %s%s (expected %s)", d->file, d->line, field,
                            sev, d->message, d->expected);
        return snprintf(buf, n, "%s:%ld: %s: %s%s", d->file, d->line, field, sev, d->message);
    }
    if (*d->expected)
        return snprintf(buf, n, "%s: %s: %s%s (expected %s)", d->file,
                        *d->field ? d->field : "file", sev, d->message, d->expected);
    return snprintf(buf, n, "%s: %s: %s%s", d->file, *d->field ? d->field : "file",
                    sev, d->message);
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
