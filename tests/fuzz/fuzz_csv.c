/* fuzz_csv.c — libFuzzer target for the streaming CSV reader (lib/core/csv.c).
 *
 * Each input is read three ways and the results are held against each other:
 *   1. from memory (dsms_csv_open_mem), checking the invariants every record
 *      must satisfy whatever the input: status in range, fields NUL-terminated
 *      with len equal to strlen unless the field holds a NUL, line numbers
 *      never decreasing and within the file, bad_field naming an invalid field;
 *   2. by a small reference parser written from the RFC and csv.h, which must
 *      agree record for record: status, line, fields and lengths (for a bad
 *      record, the fields read before the error), bad_field, and where reading
 *      resumes after an error;
 *   3. from a file descriptor (dsms_csv_open_fd) fed by a thread in packets of
 *      1 to a few hundred bytes, so that every field, quote, CRLF and UTF-8
 *      sequence can straddle a refill of the input buffer; the records must be
 *      identical to those read from memory, and the tap must see every byte
 *      exactly once, in order.
 * dsms_utf8_valid is also compared with an independent validator (Unicode
 * table 3-7) on the whole input at each of eight alignments. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dsms/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(c)                                                                         \
    do {                                                                                   \
        if (!(c)) {                                                                        \
            fprintf(stderr, "fuzz_csv: %s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
                    #c);                                                                   \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

/* ---- independent UTF-8 validator (Unicode 15, table 3-7) ---- */

static int ref_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned b = s[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        unsigned lo = 0x80, hi = 0xBF;
        size_t k;
        if (b >= 0xC2 && b <= 0xDF) k = 1;
        else if (b == 0xE0) k = 2, lo = 0xA0;
        else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) k = 2;
        else if (b == 0xED) k = 2, hi = 0x9F;
        else if (b == 0xF0) k = 3, lo = 0x90;
        else if (b >= 0xF1 && b <= 0xF3) k = 3;
        else if (b == 0xF4) k = 3, hi = 0x8F;
        else return 0;
        if (n - i <= k) return 0;
        if (s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (size_t j = 2; j <= k; j++)
            if (s[i + j] < 0x80 || s[i + j] > 0xBF) return 0;
        i += k + 1;
    }
    return 1;
}

/* ---- growable byte buffer ---- */

typedef struct {
    unsigned char *p;
    size_t len, cap;
} buf;

static void put(buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n) cap *= 2;
        b->p = realloc(b->p, cap);
        REQUIRE(b->p);
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void put_u64(buf *b, uint64_t v) { put(b, &v, sizeof v); }

/* ---- reference parser ---- */

typedef struct {
    dsms_csv_status status;
    long line;
    size_t bad_field, nfields;
    size_t first; /* index of the first field in the field arrays */
} ref_rec;

typedef struct {
    ref_rec *rec;
    size_t nrec, reccap;
    size_t *off, *len; /* field bytes in text */
    size_t nfld, fldcap;
    buf text;
} ref_out;

static void ref_field(ref_out *o, size_t off)
{
    if (o->nfld == o->fldcap) {
        o->fldcap = o->fldcap ? o->fldcap * 2 : 64;
        o->off = realloc(o->off, o->fldcap * sizeof *o->off);
        o->len = realloc(o->len, o->fldcap * sizeof *o->len);
        REQUIRE(o->off && o->len);
    }
    o->off[o->nfld] = off;
    o->len[o->nfld] = o->text.len - off;
    o->nfld++;
}

static ref_rec *ref_new(ref_out *o, long line)
{
    if (o->nrec == o->reccap) {
        o->reccap = o->reccap ? o->reccap * 2 : 16;
        o->rec = realloc(o->rec, o->reccap * sizeof *o->rec);
        REQUIRE(o->rec);
    }
    ref_rec *r = &o->rec[o->nrec++];
    *r = (ref_rec){DSMS_CSV_OK, line, 0, 0, o->nfld};
    return r;
}

/* Skip the rest of a bad record as the reader does: to the end of the physical
 * line ignoring quotes (in_quotes -1), or honouring them from in_quotes 0 / 1. */
static size_t ref_skip(const unsigned char *d, size_t n, size_t p, long *line, int in_quotes)
{
    while (p < n) {
        unsigned char ch = d[p++];
        if (ch == '"' && in_quotes >= 0) {
            in_quotes = !in_quotes;
        } else if (ch == '\n') {
            (*line)++;
            if (in_quotes <= 0) break;
        }
    }
    return p;
}

/* The same grammar as csv.h promises, written the obvious way over the whole
 * input: optional BOM; blank lines (LF, CRLF, or a lone CR before a record)
 * skipped; fields quoted ("" for a quote, anything else literal including
 * newlines) or unquoted (no , " CR LF); a record ends at LF, CRLF, or a CR or
 * nothing at the end of the input. After a quoting error (a quote in an
 * unquoted field, text after a closing quote, a CR not before LF) reading
 * resumes after the end of that physical line; after too many fields, at the
 * next line end outside quotes; an unterminated quote ends the input. */
static void ref_parse(const unsigned char *d, size_t n, ref_out *o)
{
    size_t p = 0;
    long line = 1;
    put(&o->text, "", 1); /* allocate, so that text.p + offset is always defined */
    o->text.len = 0;
    if (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) p = 3;
    for (;;) {
        while (p < n) {
            if (d[p] == '\n') {
                p++, line++;
            } else if (d[p] == '\r') {
                p++;
                if (p < n && d[p] == '\n') p++, line++;
            } else {
                break;
            }
        }
        if (p >= n) break;
        ref_rec *r = ref_new(o, line);
        for (;;) {
            size_t off = o->text.len;
            if (p < n && d[p] == '"') {
                p++;
                for (;;) {
                    if (p >= n) {
                        r->status = DSMS_CSV_UNTERMINATED;
                        break;
                    }
                    unsigned char ch = d[p++];
                    if (ch == '"') {
                        if (p < n && d[p] == '"') {
                            p++;
                            put(&o->text, "\"", 1);
                            continue;
                        }
                        break;
                    }
                    if (ch == '\n') line++;
                    put(&o->text, &ch, 1);
                }
            } else {
                while (p < n && d[p] != ',' && d[p] != '"' && d[p] != '\r' && d[p] != '\n')
                    put(&o->text, &d[p++], 1);
            }
            if (r->status == DSMS_CSV_UNTERMINATED) break;
            if (r->nfields == DSMS_CSV_MAX_FIELDS) {
                r->status = DSMS_CSV_TOO_LONG;
                p = ref_skip(d, n, p, &line, 0);
                break;
            }
            ref_field(o, off);
            r->nfields++;
            if (p >= n) break;
            unsigned char ch = d[p++];
            if (ch == ',') continue; /* "a," at the very end: a last, empty field */
            if (ch == '\n') {
                line++;
                break;
            }
            if (ch == '\r' && p < n && d[p] == '\n') {
                p++, line++;
                break;
            }
            if (ch == '\r' && p >= n) break;
            r->status = DSMS_CSV_BAD_QUOTE;
            r->bad_field = r->nfields - 1;
            p = ref_skip(d, n, p, &line, -1);
            break;
        }
        if (r->status != DSMS_CSV_OK) continue;
        for (size_t i = 0; i < r->nfields; i++) {
            size_t f = r->first + i;
            if (!ref_utf8(o->text.p + o->off[f], o->len[f])) {
                r->status = DSMS_CSV_BAD_UTF8;
                r->bad_field = i;
                break;
            }
        }
    }
}

static void ref_free(ref_out *o)
{
    free(o->rec);
    free(o->off);
    free(o->len);
    free(o->text.p);
}

/* ---- reading with the library ---- */

static size_t count_newlines(const uint8_t *d, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += d[i] == '\n';
    return k;
}

/* Invariants of one record, whatever the input. */
static void check_row(const dsms_csv_row *row, long prev_line, long max_line)
{
    REQUIRE((int)row->status >= (int)DSMS_CSV_OK && (int)row->status <= (int)DSMS_CSV_TOO_LONG);
    REQUIRE(row->line >= 1 && row->line >= prev_line && row->line <= max_line);
    REQUIRE(row->nfields <= DSMS_CSV_MAX_FIELDS);
    /* A record that parsed (even if a field is not UTF-8, or quoting went wrong
     * after a field) has at least one field; an unterminated quote or an
     * overlong record in the first field leaves none. */
    if (row->status == DSMS_CSV_OK || row->status == DSMS_CSV_BAD_UTF8 ||
        row->status == DSMS_CSV_BAD_QUOTE)
        REQUIRE(row->nfields >= 1);
    REQUIRE(row->status == DSMS_CSV_OK || dsms_csv_status_text(row->status)[0]);
    for (size_t i = 0; i < row->nfields; i++) {
        const char *f = row->field[i];
        REQUIRE(f != NULL);
        REQUIRE(f[row->len[i]] == '\0');
        if (!memchr(f, 0, row->len[i])) REQUIRE(strlen(f) == row->len[i]);
    }
    if (row->status == DSMS_CSV_OK) {
        for (size_t i = 0; i < row->nfields; i++)
            REQUIRE(ref_utf8((const unsigned char *)row->field[i], row->len[i]));
    } else if (row->status == DSMS_CSV_BAD_UTF8) {
        REQUIRE(row->bad_field < row->nfields);
        for (size_t i = 0; i < row->bad_field; i++)
            REQUIRE(ref_utf8((const unsigned char *)row->field[i], row->len[i]));
        REQUIRE(!ref_utf8((const unsigned char *)row->field[row->bad_field],
                          row->len[row->bad_field]));
    }
}

/* One record as bytes, for comparing the memory and descriptor readings. The
 * content of an overlong record depends on where the refills fell, so only its
 * status and line are kept. */
static void serialise(buf *b, const dsms_csv_row *row)
{
    put_u64(b, (uint64_t)row->status);
    put_u64(b, (uint64_t)row->line);
    if (row->status == DSMS_CSV_TOO_LONG) return;
    put_u64(b, row->bad_field);
    put_u64(b, row->nfields);
    for (size_t i = 0; i < row->nfields; i++) {
        put_u64(b, row->len[i]);
        put(b, row->field[i], row->len[i]);
    }
}

/* Records from memory: invariants, agreement with the reference parser. */
static void read_mem(const uint8_t *data, size_t size, buf *out)
{
    ref_out ref = {0};
    int use_ref = size < DSMS_CSV_MAX_RECORD / 2; /* no record can reach the size limit */
    if (use_ref) ref_parse(data, size, &ref);

    dsms_csv *c = dsms_csv_open_mem((const char *)data, size);
    REQUIRE(c);
    dsms_csv_row row;
    long prev = 1, max_line = 1 + (long)count_newlines(data, size);
    size_t k = 0;
    int r;
    while ((r = dsms_csv_next(c, &row)) == 1) {
        check_row(&row, prev, max_line);
        prev = row.line;
        serialise(out, &row);
        if (use_ref) {
            REQUIRE(k < ref.nrec);
            const ref_rec *e = &ref.rec[k];
            REQUIRE(row.status == e->status);
            REQUIRE(row.line == e->line);
            if (e->status != DSMS_CSV_TOO_LONG) {
                /* Fields read so far, even for a bad record. */
                REQUIRE(row.nfields == e->nfields);
                if (e->status == DSMS_CSV_BAD_UTF8 || e->status == DSMS_CSV_BAD_QUOTE)
                    REQUIRE(row.bad_field == e->bad_field);
                for (size_t i = 0; i < row.nfields; i++) {
                    size_t f = e->first + i;
                    REQUIRE(row.len[i] == ref.len[f]);
                    REQUIRE(memcmp(row.field[i], ref.text.p + ref.off[f], ref.len[f]) == 0);
                }
            }
        }
        k++;
    }
    REQUIRE(r == 0); /* memory cannot fail to read */
    if (use_ref) REQUIRE(k == ref.nrec);
    /* After the end, the end again. */
    REQUIRE(dsms_csv_next(c, &row) == 0);
    dsms_csv_close(c);
    ref_free(&ref);
}

typedef struct {
    int fd;
    const uint8_t *data;
    size_t size;
    uint64_t seed;
} writer_arg;

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Send the input in packets whose sizes come from a hash of the input (so a
 * crash reproduces from the input alone). A SOCK_SEQPACKET read returns one
 * packet, so each packet is one refill of the reader's buffer (a byte-order
 * mark split over the first reads included). */
static void *writer(void *p)
{
    writer_arg *w = p;
    uint64_t s = w->seed;
    size_t off = 0;
    while (off < w->size) {
        uint64_t x = next_rand(&s);
        size_t n = (x & 7) == 0 ? 1 + (x >> 3) % 400 : 1 + (x >> 3) % 8;
        if (n > w->size - off) n = w->size - off;
        ssize_t k = send(w->fd, w->data + off, n, MSG_NOSIGNAL);
        if (k <= 0) break; /* the reader has gone */
        off += (size_t)k;
    }
    close(w->fd);
    return NULL;
}

static void tap(void *ctx, const unsigned char *b, size_t n) { put(ctx, b, n); }

static void read_fd(const uint8_t *data, size_t size, buf *out)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
    uint64_t seed = 1469598103934665603ull;
    for (size_t i = 0; i < size; i++) seed = (seed ^ data[i]) * 1099511628211ull;
    if (!seed) seed = 1;
    writer_arg w = {sv[0], data, size, seed};
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, writer, &w) == 0);

    buf tapped = {0};
    dsms_csv *c = dsms_csv_open_fd(sv[1], tap, &tapped);
    REQUIRE(c);
    dsms_csv_row row;
    int r;
    while ((r = dsms_csv_next(c, &row)) == 1) serialise(out, &row);
    REQUIRE(r == 0);
    dsms_csv_close(c);
    close(sv[1]);
    pthread_join(t, NULL);
    REQUIRE(tapped.len == size);
    REQUIRE(size == 0 || memcmp(tapped.p, data, size) == 0);
    free(tapped.p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t a = 0; a < 8 && a <= size; a++)
        REQUIRE(dsms_utf8_valid(data + a, size - a) == ref_utf8(data + a, size - a));

    buf mem = {0}, fd = {0};
    read_mem(data, size, &mem);
    if (size <= 1 << 16) { /* keep the slow path to inputs of fuzzing size */
        read_fd(data, size, &fd);
        REQUIRE(mem.len == fd.len);
        REQUIRE(mem.len == 0 || memcmp(mem.p, fd.p, mem.len) == 0);
    }
    free(mem.p);
    free(fd.p);
    return 0;
}
