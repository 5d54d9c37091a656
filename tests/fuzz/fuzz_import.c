/* fuzz_import.c — libFuzzer target for the import path short of the store:
 * CSV reader, header mapping, field parsing and the row rules (lib/collect/validate.c,
 * lib/core/field.c).
 *
 * Input: the first byte chooses the table (byte % number of tables) and, in
 * its high bit, whether the organisation and area checks are on (--source
 * P0001); in bit 0x40, whether they are on without a source, as validate
 * runs them without --source, so that each row's organisation code is looked
 * up in the reference list (a few known codes stand for it); the rest is
 * CSV whose first record is the header. Columns are matched to the table's
 * fields by name as the importer does; every later record that the reader
 * accepts is run through dsms_validate_row, with short rows giving NULL for the
 * columns they lack. Each diagnostic must be well formed: NUL-terminated
 * message and expected, the right file, line, table and a field and rule; the
 * tally must count exactly the diagnostics emitted; and a message must not
 * quote the value of a client attributor (initials, date of birth, sex).
 * Without a source, a row whose organisation code parsed must get exactly one
 * org_known diagnostic, naming the reference file, when the code is unknown,
 * and none when known; with a source, none at all. dsms_source_check, given
 * each row's organisation text (its first field for deaths) as the source,
 * must agree with the list and, refusing, name the file and what to do.
 *
 * Fields may hold NUL bytes (the reader keeps them; they are valid UTF-8):
 * corpus/import/regress-code-nul is the field "ost\0" that once made
 * dsms_code_find read past the end of the code "ost". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dsms/csv.h"
#include "dsms/dataset.h"
#include "dsms/field.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(c)                                                                            \
    do {                                                                                      \
        if (!(c)) {                                                                           \
            fprintf(stderr, "fuzz_import: %s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
                    #c);                                                                      \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

typedef struct {
    const dsms_table *table;
    long line;
    const char *const *raw; /* this row's field texts, by table field */
    const size_t *len;
    int errors, warnings;
    int org_diags; /* org_known diagnostics of this row */
} emit_ctx;

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t')) (*n)--;
}

static int contains(const char *hay, size_t hn, const char *needle, size_t nn)
{
    if (nn == 0 || nn > hn) return nn == 0;
    for (size_t i = 0; i + nn <= hn; i++)
        if (memcmp(hay + i, needle, nn) == 0) return 1;
    return 0;
}

static int same_text(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && strncasecmp(a, b, an) == 0;
}

/* Messages show a value as '...' (printable ASCII, at most 40 bytes, '?' for
 * anything else). An attributor's trimmed text r can be looked for as 'r' in a
 * message when it is 1 to 40 printable bytes without ' or ?, and no other field
 * of the row holds the same text and no code of the table reads the same (those
 * may rightly be quoted). Returns 0 when r cannot be told apart. */
static int checkable(const emit_ctx *e, size_t fi, const char *s, size_t n)
{
    if (n < 1 || n > 40) return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c >= 0x7f || c == '?' || c == '\'') return 0;
    }
    const dsms_table *t = e->table;
    for (size_t f = 0; f < t->nfields; f++) {
        const dsms_field *fd = &t->fields[f];
        /* Another field holding r anywhere ("x'r'y", "x'r") can put 'r' in a
         * message by itself. */
        if (f != fi && e->raw[f] && contains(e->raw[f], e->len[f], s, n)) return 0;
        for (size_t k = 0; fd->codes && k < fd->codes->ncodes; k++) {
            const char *code = fd->codes->codes[k].code;
            if (same_text(code, strlen(code), s, n)) return 0;
        }
    }
    return 1;
}

static void emit(void *ctx, const dsms_diag *d)
{
    emit_ctx *e = ctx;
    REQUIRE(memchr(d->message, 0, sizeof d->message) != NULL);
    REQUIRE(memchr(d->expected, 0, sizeof d->expected) != NULL);
    REQUIRE(d->message[0] != '\0');
    REQUIRE(d->file && strcmp(d->file, "fuzz") == 0);
    REQUIRE(d->line == e->line);
    REQUIRE(d->table && strcmp(d->table, e->table->name) == 0);
    REQUIRE(memchr(d->field, 0, sizeof d->field) != NULL);
    REQUIRE(d->rule && d->rule[0]);
    REQUIRE(d->severity == DSMS_ERROR || d->severity == DSMS_WARNING);
    if (d->severity == DSMS_ERROR) e->errors++;
    else e->warnings++;
    if (strcmp(d->rule, "org_known") == 0) {
        e->org_diags++;
        REQUIRE(strstr(d->message, e->table->org_ref) && strstr(d->expected, "reference load"));
    }

    /* The diagnostic formats without trouble. */
    char line[1024];
    REQUIRE(dsms_diag_format(d, line, sizeof line) >= 0);

    /* Never the text of a client attributor. */
    const dsms_table *t = e->table;
    for (size_t f = 0; f < t->nfields; f++) {
        if (!(t->fields[f].flags & DSMS_F_ATTRIBUTOR) || !e->raw[f]) continue;
        const char *s = e->raw[f];
        size_t n = e->len[f];
        trim(&s, &n);
        char quoted[48];
        if (!checkable(e, f, s, n)) continue;
        snprintf(quoted, sizeof quoted, "'%.*s'", (int)n, s);
        if (contains(d->message, strlen(d->message), quoted, n + 2)) {
            fprintf(stderr, "fuzz_import: message \"%s\" quotes attributor %s\n", d->message,
                    t->fields[f].name);
            abort();
        }
    }
}

static int area_known(void *ctx, const char *code, size_t len)
{
    (void)ctx;
    return len == 9 && code[0] == 'E';
}

/* The reference list of organisations, whatever the table. */
static int org_known(void *ctx, const char *code, size_t len)
{
    (void)ctx;
    static const char *const known[] = {"P0001", "HMP01", "F01", "PR01", "ONS"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strlen(known[i]) == len && memcmp(known[i], code, len) == 0) return 1;
    return 0;
}

/* The prisons and the substance register (REF_KNOWN rules): a few codes. */
static int ref_known(void *ctx, const char *list, const char *code, size_t len)
{
    (void)ctx;
    static const char *const known[] = {"HMP01", "heroin", "isotonitazene"};
    REQUIRE(strcmp(list, "prisons") == 0 || strcmp(list, "substances") == 0);
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strlen(known[i]) == len && memcmp(known[i], code, len) == 0) return 1;
    return 0;
}

/* The source check agrees with the list, and a refusal says what to do. */
static void check_source(const dsms_table *t, const char *source, size_t len)
{
    if (memchr(source, 0, len)) return; /* a source is a C string: it ends at a NUL */
    char msg[480];
    memset(msg, 'X', sizeof msg);
    int known = org_known(NULL, source, len);
    REQUIRE(dsms_source_check(t, source, org_known, NULL, msg, sizeof msg) == known);
    if (known) return;
    REQUIRE(memchr(msg, 0, sizeof msg) != NULL);
    REQUIRE(strstr(msg, t->org_ref) && strstr(msg, t->org_label) &&
            strstr(msg, "dsms reference load"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    size_t ntables;
    const dsms_table *tables = dsms_tables(&ntables);
    REQUIRE(ntables > 0);
    const dsms_table *t = &tables[data[0] % ntables];
    int checks_on = (data[0] & 0x80) != 0, org_rows = !checks_on && (data[0] & 0x40) != 0;

    dsms_csv *c = dsms_csv_open_mem((const char *)data + 1, size - 1);
    REQUIRE(c);
    dsms_csv_row row;
    if (dsms_csv_next(c, &row) != 1 || row.status != DSMS_CSV_OK) {
        dsms_csv_close(c);
        return 0;
    }

    /* Header: table field -> column (the last column of that name wins, as in
     * the importer; it refuses duplicates anyway). */
    int *col_of = malloc(t->nfields * sizeof *col_of);
    const char **raw = malloc(t->nfields * sizeof *raw);
    size_t *len = malloc(t->nfields * sizeof *len);
    dsms_value *v = malloc(t->nfields * sizeof *v);
    REQUIRE(col_of && raw && len && v);
    for (size_t f = 0; f < t->nfields; f++) {
        col_of[f] = -1;
        for (size_t i = 0; i < row.nfields; i++)
            if (strcmp(row.field[i], t->fields[f].name) == 0) col_of[f] = (int)i;
    }

    emit_ctx e = {t, 0, raw, len, 0, 0, 0};
    dsms_rowcheck ck = {.table = t,
                        .file = "fuzz",
                        .source = checks_on ? "P0001" : NULL,
                        .today = dsms_date_parse("2026-06-30", 10),
                        .area_known = checks_on || org_rows ? area_known : NULL,
                        .org_known = checks_on || org_rows ? org_known : NULL,
                        .ref_known = checks_on || org_rows ? ref_known : NULL,
                        .emit = emit,
                        .emit_ctx = &e};
    REQUIRE(ck.today != INT64_MIN);
    dsms_rowcheck_prepare(&ck);

    int r;
    while ((r = dsms_csv_next(c, &row)) == 1) {
        if (row.status != DSMS_CSV_OK) continue; /* the importer reports these itself */
        for (size_t f = 0; f < t->nfields; f++) {
            int col = col_of[f];
            int have = col >= 0 && (size_t)col < row.nfields;
            raw[f] = have ? row.field[col] : NULL;
            len[f] = have ? row.len[col] : 0;
        }
        e.line = row.line;
        e.errors = e.warnings = e.org_diags = 0;
        dsms_tally tally = {0, 0};
        memset(v, 0, t->nfields * sizeof *v);
        dsms_validate_row(&ck, row.line, raw, len, v, &tally);
        REQUIRE(tally.errors == e.errors && tally.warnings == e.warnings);
        int org_field = -1;
        for (size_t f = 0; f < t->nfields; f++)
            if (t->fields[f].flags & DSMS_F_ORG) org_field = (int)f;
        if (org_field >= 0 && org_rows && v[org_field].present && v[org_field].ok)
            REQUIRE(e.org_diags == !org_known(NULL, v[org_field].s, v[org_field].len));
        else REQUIRE(e.org_diags == 0);
        int sf = org_field >= 0 ? org_field : 0;
        if (raw[sf]) check_source(t, raw[sf], len[sf]);
        for (size_t f = 0; f < t->nfields; f++) {
            if (!v[f].present) continue;
            /* A parsed value's text lies within its field. */
            REQUIRE(raw[f] && v[f].s >= raw[f] && v[f].s + v[f].len <= raw[f] + len[f]);
            if (v[f].ok && t->fields[f].type == DSMS_TYPE_CODE) REQUIRE(v[f].code != NULL);
            if (v[f].ok && t->fields[f].type == DSMS_TYPE_INT)
                REQUIRE(v[f].i >= t->fields[f].min && v[f].i <= t->fields[f].max);
        }
    }
    REQUIRE(r == 0);
    free(col_of);
    free(raw);
    free(len);
    free(v);
    dsms_csv_close(c);
    return 0;
}
