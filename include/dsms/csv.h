/* dsms/csv.h — a streaming RFC 4180 reader.
 *
 * Reads one record at a time from a file descriptor or memory with bounded
 * memory: quoted fields, doubled quotes, embedded newlines, CRLF, a leading
 * UTF-8 byte-order mark. A malformed record (bad quoting, invalid UTF-8, too
 * long) is returned with an error code and the line it starts on, and reading
 * goes on with the next record, so one bad row never hides the rest. Besides
 * what a reader keeps (dsms_csv_open_fd), functions here keep no pointer they
 * are given beyond the call. */
#ifndef DSMS_CSV_H
#define DSMS_CSV_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

typedef enum {
    DSMS_CSV_OK = 0,
    DSMS_CSV_BAD_QUOTE,    /* a quote inside an unquoted field, or text after a closing quote */
    DSMS_CSV_UNTERMINATED, /* a quoted field still open at the end of the file */
    DSMS_CSV_BAD_UTF8,     /* a field is not valid UTF-8 */
    DSMS_CSV_TOO_LONG      /* the record is longer than DSMS_CSV_MAX_RECORD bytes */
} dsms_csv_status;

#define DSMS_CSV_MAX_RECORD_MIB 1
#define DSMS_CSV_MAX_RECORD ((unsigned)DSMS_CSV_MAX_RECORD_MIB << 20)
#define DSMS_CSV_MAX_FIELDS 4096

typedef struct {
    size_t nfields;
    const char *const *field; /* NUL-terminated, quotes removed; valid until the next call */
    const size_t *len;       /* each field's length; valid as field is */
    long line;               /* line on which the record starts (the header is line 1) */
    dsms_csv_status status;
    size_t bad_field;        /* for DSMS_CSV_BAD_UTF8 and DSMS_CSV_BAD_QUOTE: which field */
} dsms_csv_row;

typedef struct dsms_csv dsms_csv;

/* Called with every byte read, in order (for a file checksum); may be NULL.
 * buf is valid only during the call. */
typedef void (*dsms_csv_tap)(void *ctx, const unsigned char *buf, size_t n);

/* A reader of fd, or of buf[0..len): NULL when out of memory. The caller
 * keeps fd (dsms_csv_close does not close it) and buf, which must outlive the
 * reader; tap, when not NULL, sees every byte read from fd, and tap_ctx is
 * kept as long too. The reader is the caller's, to free with dsms_csv_close. */
dsms_csv *dsms_csv_open_fd(int fd, dsms_csv_tap tap, void *tap_ctx);
dsms_csv *dsms_csv_open_mem(const char *buf, size_t len);
/* 1: a record in *row, its fields the reader's until the next call (or
 * dsms_csv_close); 0: end of input; -1: a read error, or no memory for the
 * record (errno set: ENOMEM), *row not to be used. A malformed record is a
 * record (1) with its status set. */
int dsms_csv_next(dsms_csv *c, dsms_csv_row *row);
/* Frees the reader (NULL: nothing), not its file descriptor or buffer. */
void dsms_csv_close(dsms_csv *c);

/* The status in words, for a diagnostic: a static string, never NULL. */
const char *dsms_csv_status_text(dsms_csv_status s);
/* 1 when s[0..n) is valid UTF-8 (no overlongs, surrogates or values past
 * U+10FFFF), else 0. */
int dsms_utf8_valid(const unsigned char *s, size_t n);

/* Write s as one RFC 4180 field: as it is, or quoted (quotes doubled) when it
 * holds a comma, quote or line break, or starts with a byte-order mark. A
 * write error is not returned: it stays in f, for the caller's ferror. */
void dsms_csv_put(FILE *f, const char *s);

#endif
