/* fuzz_commitments.c — libFuzzer target for registers of commitments
 * (lib/steer/commitments.c over libfyaml): a file people edit, read field
 * by field against the shape docs/commitments.md gives.
 *
 * Input: the whole of it is the register's text. On failure the message
 * must be non-empty, NUL-terminated and name the file, with nothing kept.
 * On success: the register's id and title present; each commitment's id an
 * identifier given once, its strand one of the four, every required field
 * present and not empty, its due date one that reads, its status one of the
 * list, its strategy beginning with a year, its line not negative, and its
 * evidence a measure of the catalogue, a series code, or words. An input of
 * under 32 bytes is also read as a due date: a day that reads ends a
 * financial year (31 March), a year (31 December) or is the date given. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/commitments.h"
#include "dsms/field.h"
#include "dsms/measures.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(c)                                                                           \
    do {                                                                                     \
        if (!(c)) {                                                                          \
            fprintf(stderr, "fuzz_commitments: %s:%d: invariant failed: %s\n", __FILE__,    \
                    __LINE__, #c);                                                           \
            abort();                                                                         \
        }                                                                                    \
    } while (0)

static int is_id(const char *s)
{
    if (!s || !*s) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_'))
            return 0;
    return 1;
}

static int filled(const char *s)
{
    return s && *s;
}

static void due(const char *s)
{
    long day = dsms_commitment_due_day(s);
    REQUIRE(day >= -1);
    if (day < 0) return;
    char date[16];
    dsms_date_format(day, date);
    size_t n = strlen(s);
    REQUIRE(n == 4 || n == 7 || n == 10);
    if (n == 10) REQUIRE(strcmp(date, s) == 0);
    else REQUIRE(strcmp(date + 4, n == 4 ? "-12-31" : "-03-31") == 0);
    if (n == 4) REQUIRE(strncmp(date, s, 4) == 0);
}

static void commitment(const dsms_register *reg, size_t i)
{
    const dsms_commitment *c = &reg->items[i];
    REQUIRE(is_id(c->id));
    for (size_t k = 0; k < i; k++) REQUIRE(strcmp(reg->items[k].id, c->id) != 0);
    REQUIRE(dsms_strand_name(c->strand) != NULL);
    REQUIRE(filled(c->text) && filled(c->owner) && filled(c->due) && filled(c->status) &&
            filled(c->strategy));
    REQUIRE(dsms_commitment_due_day(c->due) >= 0);
    due(c->due);
    int known = 0;
    for (size_t k = 0; dsms_commitment_statuses[k]; k++)
        known |= strcmp(c->status, dsms_commitment_statuses[k]) == 0;
    REQUIRE(known);
    REQUIRE(strlen(c->strategy) > 5 && c->strategy[4] == ' ');
    for (int k = 0; k < 4; k++) REQUIRE(c->strategy[k] >= '0' && c->strategy[k] <= '9');
    REQUIRE(c->line >= 0);
    switch (c->evidence) {
    case DSMS_EVIDENCE_MEASURE:
        REQUIRE(dsms_measure_find(c->evidence_ref) != NULL);
        break;
    case DSMS_EVIDENCE_SERIES:
        REQUIRE(is_id(c->evidence_ref));
        break;
    case DSMS_EVIDENCE_TEXT:
        REQUIRE(c->evidence_ref == NULL && filled(c->evidence_text));
        break;
    default:
        REQUIRE(!"an evidence kind");
    }
    if (c->evidence_text) REQUIRE(*c->evidence_text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 32) {
        char s[32];
        memcpy(s, data, size);
        s[size] = 0;
        due(s);
    }
    dsms_register reg;
    dsms_err err;
    memset(err.msg, 'X', sizeof err.msg);
    if (dsms_register_parse((const char *)data, size, "in.yaml", &reg, &err)) {
        REQUIRE(memchr(err.msg, 0, sizeof err.msg) != NULL);
        REQUIRE(strncmp(err.msg, "in.yaml:", 8) == 0);
        REQUIRE(reg.items == NULL && reg.n == 0 && reg.id == NULL && reg.title == NULL);
        return 0;
    }
    REQUIRE(is_id(reg.id) && filled(reg.title) && reg.n > 0);
    for (size_t i = 0; i < reg.n; i++) commitment(&reg, i);
    dsms_register_free(&reg);
    REQUIRE(reg.items == NULL && reg.n == 0);
    return 0;
}
