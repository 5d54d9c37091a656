/* fuzz_funding.c — libFuzzer target for need formulas and tariffs
 * (lib/steer/funding.c over libfyaml): files people edit, read field by
 * field against their shapes.
 *
 * Input: the first byte chooses (even: a formula, odd: a tariff), the rest
 * is the file's text. On failure the message must be non-empty,
 * NUL-terminated and name the file, with nothing kept. On success: ids and
 * names present and unique, weights above 0, amounts within the largest,
 * only the last tranche without a count, the damping's ceiling not below
 * its floor; every outcome paying something, a baseline with a payment
 * for improvement. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/funding.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(c)                                                                           \
    do {                                                                                     \
        if (!(c)) {                                                                          \
            fprintf(stderr, "fuzz_funding: %s:%d: invariant failed: %s\n", __FILE__,        \
                    __LINE__, #c);                                                           \
            abort();                                                                         \
        }                                                                                    \
    } while (0)

static void formula(const char *text, size_t len)
{
    dsms_formula f;
    dsms_err err = {""};
    if (dsms_formula_parse(text, len, "in.yaml", &f, &err)) {
        REQUIRE(memchr(err.msg, 0, sizeof err.msg) != NULL);
        REQUIRE(strncmp(err.msg, "in.yaml:", 8) == 0);
        REQUIRE(f.nindicators == 0 && f.indicators == NULL);
        return;
    }
    REQUIRE(f.id[0] && f.name[0] && f.nindicators > 0);
    REQUIRE(f.minimum >= 0 && f.minimum < DSMS_AMOUNT_MAX);
    for (size_t i = 0; i < f.nindicators; i++) {
        REQUIRE(f.indicators[i].id[0] && f.indicators[i].weight > 0);
        for (size_t k = 0; k < i; k++)
            REQUIRE(strcmp(f.indicators[k].id, f.indicators[i].id) != 0);
    }
    for (size_t t = 0; t + 1 < f.ntranches; t++) REQUIRE(f.tranches[t].areas > 0);
    if (f.damping) REQUIRE(f.floor_bp <= f.ceiling_bp);
    dsms_formula_free(&f);
}

static void tariff(const char *text, size_t len)
{
    dsms_tariff t;
    dsms_err err = {""};
    if (dsms_tariff_parse(text, len, "in.yaml", &t, &err)) {
        REQUIRE(memchr(err.msg, 0, sizeof err.msg) != NULL);
        REQUIRE(strncmp(err.msg, "in.yaml:", 8) == 0);
        REQUIRE(t.noutcomes == 0 && t.outcomes == NULL);
        return;
    }
    REQUIRE(t.id[0] && t.name[0] && t.noutcomes > 0 && t.pot < DSMS_AMOUNT_MAX);
    for (size_t i = 0; i < t.noutcomes; i++) {
        const dsms_outcome_tariff *o = &t.outcomes[i];
        REQUIRE(o->per_person > 0 || o->per_point > 0);
        REQUIRE(!o->per_point == !o->baseline[0]);
        REQUIRE(o->threshold_micro >= 0);
    }
    dsms_tariff_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) return 0;
    if (data[0] % 2) tariff((const char *)data + 1, size - 1);
    else formula((const char *)data + 1, size - 1);
    return 0;
}
