/* csv.c — streaming RFC 4180 reader (see csv.h).
 *
 * The reader refills a fixed input buffer and copies each field, unquoted,
 * into a record buffer capped at DSMS_CSV_MAX_RECORD, so memory stays flat
 * however large the file. Errors are per record: the parser resynchronises at
 * the next line end outside quotes. */
#include "dsms/csv.h"
#include "dsms/text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define INBUF 65536

struct dsms_csv {
    int fd;
    const unsigned char *mem; /* memory input, or NULL */
    size_t memlen;
    unsigned char *in;
    size_t pos, end;
    int eof, started;
    long line;          /* current physical line */
    dsms_csv_tap tap;
    void *tap_ctx;
    char *rec;          /* field bytes, each NUL-terminated */
    size_t reclen, reccap;
    size_t *offs, *lens;
    const char **fields;
    size_t nfields, fieldcap;
    int out_of_memory;  /* a record's room could not be grown: a read error, not a long record */
};

static dsms_csv *csv_new(void)
{
    dsms_csv *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->fd = -1;
    c->line = 1;
    c->reccap = 4096;
    c->rec = malloc(c->reccap);
    c->fieldcap = 64;
    c->offs = malloc(c->fieldcap * sizeof *c->offs);
    c->lens = malloc(c->fieldcap * sizeof *c->lens);
    c->fields = malloc(c->fieldcap * sizeof *c->fields);
    if (!c->rec || !c->offs || !c->lens || !c->fields) {
        dsms_csv_close(c);
        return NULL;
    }
    return c;
}

dsms_csv *dsms_csv_open_fd(int fd, dsms_csv_tap tap, void *tap_ctx)
{
    dsms_csv *c = csv_new();
    if (!c) return NULL;
    c->in = malloc(INBUF);
    if (!c->in) {
        dsms_csv_close(c);
        return NULL;
    }
    c->fd = fd;
    c->tap = tap;
    c->tap_ctx = tap_ctx;
    return c;
}

dsms_csv *dsms_csv_open_mem(const char *buf, size_t len)
{
    dsms_csv *c = csv_new();
    if (!c) return NULL;
    c->mem = (const unsigned char *)buf;
    c->memlen = len;
    c->in = (unsigned char *)(uintptr_t)buf; /* read-only use */
    c->end = len;
    c->eof = 1;
    return c;
}

void dsms_csv_close(dsms_csv *c)
{
    if (!c) return;
    if (!c->mem) free(c->in);
    free(c->rec);
    free(c->offs);
    free(c->lens);
    free(c->fields);
    free(c);
}

/* Make at least one unread byte available. 1: ok, 0: end of input, -1: error. */
static int fill(dsms_csv *c)
{
    if (c->pos < c->end) return 1;
    if (c->eof) return 0;
    for (;;) {
        ssize_t n = read(c->fd, c->in, INBUF);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        if (n == 0) {
            c->eof = 1;
            return 0;
        }
        if (c->tap) c->tap(c->tap_ctx, c->in, (size_t)n);
        c->pos = 0;
        c->end = (size_t)n;
        return 1;
    }
}

/* Peek the next byte: 0..255, -2 at end of input, -1 on read error. */
static int peek(dsms_csv *c)
{
    int r = fill(c);
    if (r <= 0) return r == 0 ? -2 : -1;
    return c->in[c->pos];
}

/* Append to the record; its fields and their terminating NULs (one for each
 * separator in the file) may take DSMS_CSV_MAX_RECORD bytes. */
static int rec_put(dsms_csv *c, const unsigned char *p, size_t n)
{
    if (c->reclen + n > DSMS_CSV_MAX_RECORD) return 0;
    if (c->reclen + n > c->reccap) {
        size_t cap = c->reccap;
        while (cap < c->reclen + n) cap *= 2;
        if (cap > DSMS_CSV_MAX_RECORD) cap = DSMS_CSV_MAX_RECORD;
        char *r = realloc(c->rec, cap);
        if (!r) return c->out_of_memory = 1, 0;
        c->rec = r;
        c->reccap = cap;
    }
    memcpy(c->rec + c->reclen, p, n);
    c->reclen += n;
    return 1;
}

static int field_end(dsms_csv *c, size_t start)
{
    if (c->nfields == c->fieldcap) {
        if (c->fieldcap >= DSMS_CSV_MAX_FIELDS) return 0;
        size_t cap = c->fieldcap * 2;
        size_t *o = realloc(c->offs, cap * sizeof *o);
        if (o) c->offs = o;
        size_t *l = realloc(c->lens, cap * sizeof *l);
        if (l) c->lens = l;
        const char **f = realloc(c->fields, cap * sizeof *f);
        if (f) c->fields = f;
        if (!o || !l || !f) return c->out_of_memory = 1, 0;
        c->fieldcap = cap;
    }
    c->offs[c->nfields] = start;
    c->lens[c->nfields] = c->reclen - start;
    c->nfields++;
    return rec_put(c, (const unsigned char *)"", 1); /* the terminating NUL */
}

/* Consume the rest of a record after an error, so that the next call starts
 * at a record boundary: honouring quotes (in_quotes 0 or 1), or, with -1,
 * ignoring them up to the end of the physical line. */
static int skip_record(dsms_csv *c, int in_quotes)
{
    for (;;) {
        int ch = peek(c);
        if (ch == -1) return -1;
        if (ch == -2) return 0;
        c->pos++;
        if (ch == '"' && in_quotes >= 0) in_quotes = !in_quotes;
        else if (ch == '\n') {
            c->line++;
            if (in_quotes <= 0) return 0;
        }
    }
}

/* Bytes that end an unquoted run. */
static const unsigned char special[256] = {[','] = 1, ['\n'] = 1, ['"'] = 1, ['\r'] = 1};

/* Read an unquoted run of bytes up to a delimiter, quickly. */
static int read_plain(dsms_csv *c)
{
    for (;;) {
        if (fill(c) <= 0) return 1;
        const unsigned char *p = c->in + c->pos, *e = c->in + c->end, *s = p;
        while (p < e && !special[*p]) p++;
        if (!rec_put(c, s, (size_t)(p - s))) return 0;
        c->pos += (size_t)(p - s);
        if (p < e) return 1;
    }
}

typedef enum { READ_FINE, READ_FAILED } read_result;

static dsms_csv_status parse_record(dsms_csv *c, read_result *rr)
{
    int quoted = 0; /* inside a quoted field: where skipping resumes after an error */
    *rr = READ_FINE;
    for (;;) {
        size_t start = c->reclen;
        int ch = peek(c);
        if (ch == '"') {
            c->pos++;
            quoted = 1;
            for (;;) {
                ch = peek(c);
                if (ch == -1) { *rr = READ_FAILED; return DSMS_CSV_OK; }
                if (ch == -2) return DSMS_CSV_UNTERMINATED;
                c->pos++;
                if (ch == '"') {
                    if (peek(c) == '"') {
                        c->pos++;
                        if (!rec_put(c, (const unsigned char *)"\"", 1)) goto too_long;
                        continue;
                    }
                    quoted = 0;
                    break;
                }
                if (ch == '\n') c->line++;
                unsigned char b = (unsigned char)ch;
                if (!rec_put(c, &b, 1)) goto too_long;
            }
        } else {
            if (!read_plain(c)) goto too_long;
        }
        if (!field_end(c, start)) goto too_long;
        ch = peek(c);
        if (ch == -1) { *rr = READ_FAILED; return DSMS_CSV_OK; }
        if (ch == -2) return DSMS_CSV_OK;
        c->pos++;
        if (ch == ',') continue;
        if (ch == '\n') {
            c->line++;
            return DSMS_CSV_OK;
        }
        if (ch == '\r') {
            int nx = peek(c);
            if (nx == '\n') {
                c->pos++;
                c->line++;
                return DSMS_CSV_OK;
            }
            if (nx == -2) return DSMS_CSV_OK;
        }
        /* A quote in an unquoted field, text after a closing quote, or a bare CR.
         * Quotes are no longer trusted on this line: resume after its end, so
         * that one typo costs one record. */
        if (skip_record(c, -1) < 0) *rr = READ_FAILED;
        return DSMS_CSV_BAD_QUOTE;
    }
too_long:
    if (c->out_of_memory) {
        errno = ENOMEM;
        *rr = READ_FAILED;
        return DSMS_CSV_OK;
    }
    if (skip_record(c, quoted) < 0) *rr = READ_FAILED;
    return DSMS_CSV_TOO_LONG;
}

/* Skip a UTF-8 byte-order mark, even when the first reads are very short. */
static void skip_bom(dsms_csv *c)
{
    c->started = 1;
    if (fill(c) <= 0) return;
    while (!c->mem && !c->eof && c->end - c->pos < 3) {
        /* Top up the buffer (no bytes have been consumed yet). */
        memmove(c->in, c->in + c->pos, c->end - c->pos);
        c->end -= c->pos;
        c->pos = 0;
        ssize_t n = read(c->fd, c->in + c->end, INBUF - c->end);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            c->eof = n == 0; /* a read error shows again on the next fill */
            break;
        }
        if (c->tap) c->tap(c->tap_ctx, c->in + c->end, (size_t)n);
        c->end += (size_t)n;
    }
    if (c->end - c->pos >= 3 && memcmp(c->in + c->pos, "\xEF\xBB\xBF", 3) == 0) c->pos += 3;
}

int dsms_csv_next(dsms_csv *c, dsms_csv_row *row)
{
    if (!c->started) skip_bom(c);
    for (;;) {
        int ch = peek(c);
        if (ch == -1) return -1;
        if (ch == -2) return 0;
        /* Blank lines are not records. */
        if (ch == '\n') {
            c->pos++;
            c->line++;
            continue;
        }
        if (ch == '\r') {
            c->pos++;
            if (peek(c) == '\n') {
                c->pos++;
                c->line++;
            }
            continue;
        }
        break;
    }
    c->reclen = 0;
    c->nfields = 0;
    row->line = c->line;
    read_result rr;
    dsms_csv_status st = parse_record(c, &rr);
    if (rr == READ_FAILED) return -1;
    /* A quoting error is in the field just ended (or begun, if none ended). */
    row->bad_field = st == DSMS_CSV_BAD_QUOTE && c->nfields ? c->nfields - 1 : c->nfields;
    if (st == DSMS_CSV_OK) {
        for (size_t i = 0; i < c->nfields; i++) {
            if (!dsms_utf8_valid((const unsigned char *)c->rec + c->offs[i], c->lens[i])) {
                st = DSMS_CSV_BAD_UTF8;
                row->bad_field = i;
                break;
            }
        }
    }
    for (size_t i = 0; i < c->nfields; i++) c->fields[i] = c->rec + c->offs[i];
    row->status = st;
    row->nfields = c->nfields;
    row->field = c->fields;
    row->len = c->lens;
    return 1;
}

const char *dsms_csv_status_text(dsms_csv_status s)
{
    switch (s) {
    case DSMS_CSV_OK: return "ok";
    case DSMS_CSV_BAD_QUOTE: return "malformed quoting (a quote inside an unquoted field, text after a closing quote, or a stray carriage return)";
    case DSMS_CSV_UNTERMINATED: return "quoted field not closed before the end of the file";
    case DSMS_CSV_BAD_UTF8: return "invalid UTF-8";
    case DSMS_CSV_TOO_LONG:
        return "record longer than " DSMS_STR(DSMS_CSV_MAX_RECORD_MIB) " MiB or of more than "
            DSMS_STR(DSMS_CSV_MAX_FIELDS) " fields";
    }
    return "?";
}

int dsms_utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    /* Most fields are ASCII: check eight bytes at a time. */
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080ull) break;
    }
    while (i < n) {
        unsigned char b = s[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned cp;
        if (b >= 0xC2 && b <= 0xDF) need = 1, cp = b & 0x1F;
        else if (b >= 0xE0 && b <= 0xEF) need = 2, cp = b & 0x0F;
        else if (b >= 0xF0 && b <= 0xF4) need = 3, cp = b & 0x07;
        else return 0;
        if (n - i <= need) return 0;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        i += need + 1;
    }
    return 1;
}

void dsms_csv_put(FILE *f, const char *s)
{
    /* A field that starts with a byte-order mark is quoted too: first in a
     * file, it would be read back as the mark and lost. */
    if (!strpbrk(s, ",\"\r\n") && strncmp(s, "\xEF\xBB\xBF", 3) != 0) {
        fputs(s, f);
        return;
    }
    putc('"', f);
    for (; *s; s++) {
        if (*s == '"') putc('"', f);
        putc(*s, f);
    }
    putc('"', f);
}
