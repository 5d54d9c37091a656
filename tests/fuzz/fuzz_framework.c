/* fuzz_framework.c — libFuzzer target for outcomes frameworks
 * (lib/steer/framework.c over libfyaml): a framework is a file people edit,
 * read field by field against its shape.
 *
 * Input: the framework's text. On failure the message must be non-empty,
 * NUL-terminated and name the file ("in.yaml:" and, past the opening, a
 * line), with no metric kept. On success: the framework has an id and a
 * name and at least one outcome; every metric an id (unique), a name and an
 * outcome; a measure metric a measure of the catalogue; a target a due
 * period after its baseline, both periods reading back to a day. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/framework.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(c)                                                                           \
    do {                                                                                     \
        if (!(c)) {                                                                          \
            fprintf(stderr, "fuzz_framework: %s:%d: invariant failed: %s\n", __FILE__,      \
                    __LINE__, #c);                                                           \
            abort();                                                                         \
        }                                                                                    \
    } while (0)

static void sound(const dsms_framework *fw)
{
    REQUIRE(fw->id[0] && fw->name[0] && fw->noutcomes > 0 && fw->nmetrics > 0);
    for (size_t i = 0; i < fw->nmetrics; i++) {
        const dsms_metric *m = &fw->metrics[i];
        REQUIRE(m->id[0] && m->name[0] && m->outcome[0] && m->line > 0);
        for (size_t k = 0; k < i; k++) REQUIRE(strcmp(fw->metrics[k].id, m->id) != 0);
        if (m->source == DSMS_FROM_MEASURE) REQUIRE(dsms_measure_find(m->from) != NULL);
        if (m->source == DSMS_FROM_NONE) REQUIRE(m->why_none[0]);
        if (m->baseline[0]) REQUIRE(dsms_period_end(m->baseline) >= 0);
        if (m->has_target)
            REQUIRE(m->baseline[0] && dsms_period_end(m->due) > dsms_period_end(m->baseline));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dsms_framework fw;
    dsms_err err = {""};
    int rc = dsms_framework_parse((const char *)data, size, "in.yaml", &fw, &err);
    if (rc) {
        REQUIRE(memchr(err.msg, 0, sizeof err.msg) != NULL);
        REQUIRE(strncmp(err.msg, "in.yaml:", 8) == 0);
        REQUIRE(fw.nmetrics == 0 && fw.metrics == NULL);
        return 0;
    }
    sound(&fw);
    dsms_framework_free(&fw);
    return 0;
}
