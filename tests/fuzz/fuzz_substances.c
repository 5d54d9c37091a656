/* fuzz_substances.c — libFuzzer target for the register of substances
 * (lib/reference/substances.c): a CSV file a user may put in place of
 * data/substances.csv, and the names people report, matched to a register.
 *
 * Input: the whole of it is a register's text, read by
 * dsms_substances_parse as "fuzz.csv". On failure the message must be
 * non-empty, NUL-terminated and begin "fuzz.csv:", with the register left
 * empty. On success, each substance must hold what the checks promise (a
 * well-formed code given once, a name, a family, synonyms not empty, legal
 * entries in date order without overlapping, each with its status on its
 * first and last day); its code, name and synonyms must match it and no
 * other; writing it and reading it back must give the same text again; and
 * adding its first substance again must be refused, the register unchanged.
 * Then the input, cut at line ends, commas and semicolons, gives up to 16
 * names, each matched both to that register and to the shipped one
 * (DSMS_DATADIR): the answer must be whole (a kind, a substance in range
 * for an exact, synonym or near match, distinct candidates for an
 * ambiguous one), and a near match must have the same digits, in order, as
 * the name it matched. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/substances.h"

#ifndef DSMS_DATADIR
#error "DSMS_DATADIR must name the shipped data directory"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(c)                                                                           \
    do {                                                                                     \
        if (!(c)) {                                                                          \
            fprintf(stderr, "fuzz_substances: %s:%d: invariant failed: %s\n", __FILE__,     \
                    __LINE__, #c);                                                           \
            abort();                                                                         \
        }                                                                                    \
    } while (0)

static dsms_substances shipped;

static void load_shipped(void)
{
    static int loaded;
    if (loaded) return;
    dsms_err err;
    if (dsms_substances_read(&shipped, DSMS_DATADIR, NULL, &err)) {
        fprintf(stderr, "fuzz_substances: %s\n", err.msg);
        abort();
    }
    loaded = 1;
}

static int code_ok(const char *s, size_t size)
{
    if (!memchr(s, 0, size) || !*s || *s == '_') return 0;
    for (; *s; s++)
        if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_", *s)) return 0;
    return 1;
}

/* The ASCII digits of s[0..n), in order, in out (256 bytes). */
static void digits(const char *s, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < 255; i++)
        if (s[i] >= '0' && s[i] <= '9') out[k++] = s[i];
    out[k] = 0;
}

static void check_match(const dsms_substances *reg, const char *text, size_t len)
{
    dsms_match m;
    dsms_match_kind k = dsms_substance_match_n(reg, text, len, &m);
    REQUIRE(k == m.kind && dsms_match_kind_name(k) != NULL);
    switch (k) {
    case DSMS_MATCH_EXACT:
    case DSMS_MATCH_SYNONYM:
    case DSMS_MATCH_NEAR:
        REQUIRE(m.substance >= 0 && (size_t)m.substance < reg->n);
        REQUIRE(m.matched != NULL && *m.matched);
        REQUIRE(m.ncandidates == 1 && m.candidates[0] == m.substance);
        if (k != DSMS_MATCH_NEAR) {
            REQUIRE(m.distance == 0);
            break;
        }
        REQUIRE(m.distance == 1 || m.distance == 2);
        char a[256], b[256];
        digits(text, len, a);
        digits(m.matched, strlen(m.matched), b);
        REQUIRE(strcmp(a, b) == 0);
        break;
    case DSMS_MATCH_AMBIGUOUS:
        REQUIRE(m.substance == -1 && m.matched == NULL);
        REQUIRE(m.ncandidates >= 2 && m.ncandidates <= DSMS_MATCH_CANDIDATES);
        REQUIRE(m.distance == 1 || m.distance == 2);
        for (size_t i = 0; i < m.ncandidates; i++) {
            REQUIRE(m.candidates[i] >= 0 && (size_t)m.candidates[i] < reg->n);
            for (size_t j = 0; j < i; j++) REQUIRE(m.candidates[j] < m.candidates[i]);
        }
        break;
    default:
        REQUIRE(m.substance == -1 && m.matched == NULL && m.ncandidates == 0);
        REQUIRE(m.distance == 0);
    }
}

/* A name of substance i matches it. */
static void matches_itself(const dsms_substances *reg, size_t i, const char *name)
{
    dsms_match m;
    dsms_match_kind k = dsms_substance_match(reg, name, &m);
    REQUIRE(k == DSMS_MATCH_EXACT || k == DSMS_MATCH_SYNONYM);
    REQUIRE(m.substance == (int)i);
}

static void check_register(const dsms_substances *reg)
{
    REQUIRE(reg->n == 0 || reg->items);
    for (size_t i = 0; i < reg->n; i++) {
        const dsms_substance *s = &reg->items[i];
        REQUIRE(code_ok(s->code, sizeof s->code));
        REQUIRE(dsms_substances_find(reg, s->code) == (int)i);
        REQUIRE(memchr(s->name, 0, sizeof s->name) && *s->name);
        REQUIRE(s->family >= 0 && s->family < DSMS_FAMILIES);
        REQUIRE(s->nsynonyms <= 64 && (s->nsynonyms == 0 || s->synonyms));
        for (size_t k = 0; k < s->nsynonyms; k++) {
            REQUIRE(*s->synonyms[k]);
            matches_itself(reg, i, s->synonyms[k]);
        }
        matches_itself(reg, i, s->code);
        matches_itself(reg, i, s->name);
        for (size_t k = 0; k < s->nlegal; k++) {
            const dsms_legal_entry *e = &s->legal[k];
            REQUIRE(e->status > DSMS_LEGAL_UNKNOWN && e->status < DSMS_LEGALS);
            REQUIRE(e->from < e->to);
            if (k > 0)
                REQUIRE(s->legal[k - 1].to != DSMS_DAY_OPEN && e->from >= s->legal[k - 1].to);
            REQUIRE(dsms_substance_legal_on(s, e->from) == e->status);
            if (e->to != DSMS_DAY_OPEN)
                REQUIRE(dsms_substance_legal_on(s, e->to - 1) == e->status);
        }
        if (s->nlegal)
            REQUIRE(dsms_substance_legal_on(s, s->legal[0].from - 1) == DSMS_LEGAL_UNKNOWN);
    }
}

static char *written(const dsms_substances *reg, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    REQUIRE(f != NULL);
    REQUIRE(dsms_substances_write(reg, f) == 0);
    REQUIRE(fclose(f) == 0);
    return text;
}

static void round_trip(const dsms_substances *reg)
{
    size_t n1, n2;
    char *one = written(reg, &n1);
    dsms_substances again;
    dsms_err err;
    REQUIRE(dsms_substances_parse(&again, "written", one, n1, &err) == 0);
    REQUIRE(again.n == reg->n);
    char *two = written(&again, &n2);
    REQUIRE(n1 == n2 && memcmp(one, two, n1) == 0);
    free(one);
    free(two);
    dsms_substances_free(&again);
}

/* The first substance once more: refused, nothing changed. */
static void add_again(dsms_substances *reg)
{
    if (reg->n == 0) return;
    size_t n = reg->n, nkeys = reg->nkeys;
    const dsms_substance *s = &reg->items[0];
    const char *v[DSMS_SUBSTANCE_COLUMNS] = {s->code, s->name, dsms_families[s->family].code,
                                             NULL, NULL, NULL};
    dsms_err err;
    memset(err.msg, 'X', sizeof err.msg);
    REQUIRE(dsms_substances_add(reg, v, "again", &err) == -1);
    REQUIRE(memchr(err.msg, 0, sizeof err.msg) && strncmp(err.msg, "again: ", 7) == 0);
    REQUIRE(reg->n == n && reg->nkeys == nkeys);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load_shipped();
    const char *text = (const char *)data;
    dsms_substances reg;
    dsms_err err;
    memset(err.msg, 'X', sizeof err.msg); /* so that a message left unterminated shows */
    int rc = dsms_substances_parse(&reg, "fuzz.csv", text, size, &err);
    REQUIRE(rc == 0 || rc == -1);
    if (rc) {
        REQUIRE(memchr(err.msg, 0, sizeof err.msg) != NULL);
        REQUIRE(strncmp(err.msg, "fuzz.csv:", 9) == 0);
        REQUIRE(reg.items == NULL && reg.n == 0 && reg.keys == NULL);
    } else {
        check_register(&reg);
        round_trip(&reg);
        add_again(&reg);
    }
    /* Names cut from the input, matched to both registers. */
    size_t at = 0;
    for (int k = 0; k < 16 && at <= size; k++) {
        size_t end = at;
        while (end < size && text[end] != '\n' && text[end] != ',' && text[end] != ';') end++;
        check_match(&shipped, text + at, end - at);
        check_match(&reg, text + at, end - at);
        at = end + 1;
    }
    dsms_substances_free(&reg);
    return 0;
}
