/* fuzz_refdata.c — libFuzzer target for reading the reference data
 * (lib/reference/refdata.c) and computing comparator groups (lib/reference/comparators.c): a user
 * may replace any file in data/ with one of their own, so every byte of it is
 * untrusted input.
 *
 * Input: the first byte chooses the reference file ((byte - '0') % number of
 * files, so that the ASCII digit names it, in the order of dsms_refdata_file:
 * 0 regions, 1 police_forces, 2 probation_regions, 3 areas, 4 population,
 * 5 esp2013, 6 prisons, 7 providers, 8 registers, 9 partnerships, ':' series); the rest is
 * written as
 * that file into an override directory (one per process, holding only that
 * file), and dsms_refdata_read reads the shipped data directory
 * (DSMS_DATADIR) with that override.
 *
 * On failure the message must be NUL-terminated, non-empty and start with the
 * path of the file it is about: the replacement itself, or a shipped file read
 * after it (a smaller areas.csv leaves rows of the shipped population.csv
 * without an area). On success what the rest of dsms relies on must hold:
 * at least one area; every index (an area's region, police force and probation
 * region, a prison's area, a provider's area and prison) in range; a prison
 * provider in its prison's area; a partnership's member area in range, each once,
 * and one name for each partnership; codes well formed and unique; names non-empty;
 * numbers finite, never negative, within their limits; every area with people;
 * the ESP adding up to 100,000; and each comparator group holding
 * min(15, areas - 1) distinct other areas, nearest first, then -1. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsms/refdata.h"

#ifndef DSMS_DATADIR
#error "DSMS_DATADIR must name the shipped data directory"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(c)                                                                             \
    do {                                                                                       \
        if (!(c)) {                                                                            \
            fprintf(stderr, "fuzz_refdata: %s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
                    #c);                                                                       \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

static char override_dir[64];
static int last_written = -1; /* the file now in override_dir, or -1 */

static void remove_override(void)
{
    if (!*override_dir) return;
    if (last_written >= 0) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", override_dir, dsms_refdata_file((size_t)last_written));
        unlink(path);
    }
    rmdir(override_dir);
}

static void make_override(void)
{
    if (*override_dir) return;
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp || strlen(tmp) > 32) tmp = "/tmp";
    snprintf(override_dir, sizeof override_dir, "%s/fuzz_refdata.XXXXXX", tmp);
    if (!mkdtemp(override_dir)) {
        fprintf(stderr, "fuzz_refdata: mkdtemp %s: %s\n", override_dir, strerror(errno));
        abort();
    }
    atexit(remove_override);
}

static void write_file(const char *path, const uint8_t *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "fuzz_refdata: %s: %s\n", path, strerror(errno));
        abort();
    }
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            fprintf(stderr, "fuzz_refdata: write %s: %s\n", path, strerror(errno));
            abort();
        }
        p += w;
        n -= (size_t)w;
    }
    REQUIRE(close(fd) == 0);
}

/* "PATH:" followed by a line number and ':' or by a space. */
static int names_path(const char *msg, const char *path)
{
    size_t n = strlen(path);
    if (strncmp(msg, path, n) != 0 || msg[n] != ':') return 0;
    const char *p = msg + n + 1;
    if (*p == ' ') return 1;
    if (*p < '1' || *p > '9') return 0;
    while (*p >= '0' && *p <= '9') p++;
    return *p == ':';
}

static void check_failure(const dsms_err *err, size_t nfiles, size_t chosen)
{
    REQUIRE(memchr(err->msg, 0, sizeof err->msg) != NULL);
    REQUIRE(err->msg[0] != '\0');
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", override_dir, dsms_refdata_file(chosen));
    if (names_path(err->msg, path)) return;
    /* The files before the chosen one are shipped and never fail; one after it
     * may refuse what the replacement left out. */
    for (size_t i = chosen + 1; i < nfiles; i++) {
        snprintf(path, sizeof path, "%s/%s", DSMS_DATADIR, dsms_refdata_file(i));
        if (names_path(err->msg, path)) return;
    }
    fprintf(stderr, "fuzz_refdata: message does not name the file it is about: %s\n", err->msg);
    abort();
}

static int well_formed(const char *s, size_t size, char prefix)
{
    if (!memchr(s, 0, size) || strlen(s) != 9 || s[0] != prefix) return 0;
    for (int i = 1; i < 9; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

static int org_code(const char *s, size_t size)
{
    if (!memchr(s, 0, size)) return 0;
    size_t n = strlen(s);
    if (n < 1 || n > 15) return 0;
    for (size_t i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", s[i]))
            return 0;
    return 1;
}

static int name_ok(const char *s, size_t size)
{
    return memchr(s, 0, size) != NULL && s[0] != '\0';
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The codes at base + i * stride, i < n, are all different. */
static void require_unique(const void *base, size_t n, size_t stride)
{
    if (n < 2) return;
    const char **codes = malloc(n * sizeof *codes);
    REQUIRE(codes);
    for (size_t i = 0; i < n; i++) codes[i] = (const char *)base + i * stride;
    qsort(codes, n, sizeof *codes, cmp_str);
    for (size_t i = 1; i < n; i++) REQUIRE(strcmp(codes[i - 1], codes[i]) != 0);
    free(codes);
}

static void check_orgs(const dsms_ref_org *o, size_t n, int region)
{
    REQUIRE(n == 0 || o);
    for (size_t i = 0; i < n; i++) {
        REQUIRE(region ? well_formed(o[i].code, sizeof o[i].code, 'E') &&
                             strncmp(o[i].code, "E12", 3) == 0
                       : org_code(o[i].code, sizeof o[i].code));
        REQUIRE(name_ok(o[i].name, sizeof o[i].name));
    }
    require_unique(o, n, sizeof *o);
}

static int in_range(int i, size_t n)
{
    return i >= 0 && (size_t)i < n;
}

/* The series catalogue: codes unique, every text given and within its
 * array, a known unit and polarity, at least one level and no other bit. */
static void check_series(const dsms_refdata *ref)
{
    for (size_t i = 0; i < ref->nseries; i++) {
        const dsms_ref_series *x = &ref->series[i];
        REQUIRE(*x->code && *x->name && *x->source);
        REQUIRE(dsms_refdata_series(ref, x->code) == (int)i);
        int unit = 0;
        while (dsms_series_units[unit] && strcmp(dsms_series_units[unit], x->unit) != 0) unit++;
        REQUIRE(dsms_series_units[unit] != NULL);
        REQUIRE(strcmp(x->polarity, "high") == 0 || strcmp(x->polarity, "low") == 0 ||
                strcmp(x->polarity, "none") == 0);
        REQUIRE(x->levels != 0 && x->levels < (1u << DSMS_SERIES_LEVELS));
    }
}

/* Partnerships: codes of organisations, never an area's; member areas in
 * range, each once in a partnership; one name for each partnership. */
static void check_partnerships(const dsms_refdata *ref)
{
    for (size_t i = 0; i < ref->npartnerships; i++) {
        const dsms_ref_partnership *p = &ref->partnerships[i];
        REQUIRE(org_code(p->code, sizeof p->code));
        REQUIRE(dsms_refdata_area(ref, p->code) < 0);
        REQUIRE(name_ok(p->name, sizeof p->name));
        REQUIRE(p->area >= 0 && (size_t)p->area < ref->nareas);
        for (size_t k = 0; k < i; k++) {
            const dsms_ref_partnership *o = &ref->partnerships[k];
            if (strcmp(o->code, p->code) != 0) continue;
            REQUIRE(strcmp(o->name, p->name) == 0);
            REQUIRE(o->area != p->area);
        }
    }
}

static void check_success(const dsms_refdata *ref)
{
    check_orgs(ref->regions, ref->nregions, 1);
    check_orgs(ref->forces, ref->nforces, 0);
    check_orgs(ref->probation, ref->nprobation, 0);

    REQUIRE(ref->nareas > 0 && ref->areas);
    size_t want = ref->nareas - 1 < DSMS_COMPARATORS ? ref->nareas - 1 : DSMS_COMPARATORS;
    for (size_t i = 0; i < ref->nareas; i++) {
        const dsms_ref_area *a = &ref->areas[i];
        REQUIRE(well_formed(a->code, sizeof a->code, 'E'));
        REQUIRE(name_ok(a->name, sizeof a->name));
        REQUIRE(dsms_refdata_area(ref, a->code) == (int)i);
        REQUIRE(in_range(a->region, ref->nregions));
        REQUIRE(in_range(a->force, ref->nforces));
        REQUIRE(in_range(a->probation, ref->nprobation));
        REQUIRE(isfinite(a->opiate_crack_per_1000) && a->opiate_crack_per_1000 >= 0 &&
                a->opiate_crack_per_1000 <= 100);
        REQUIRE(isfinite(a->deprivation) && a->deprivation >= 0);
        for (int s = 0; s < 2; s++)
            for (int b = 0; b < DSMS_AGE_BANDS; b++)
                REQUIRE(isfinite(a->population[s][b]) && a->population[s][b] >= 0);
        REQUIRE(dsms_area_population(a) > 0);

        /* The group: `want` distinct other areas, nearest first, then -1. */
        for (size_t k = 0; k < DSMS_COMPARATORS; k++) {
            int c = a->comparator[k];
            if (k >= want) {
                REQUIRE(c == -1);
                continue;
            }
            REQUIRE(in_range(c, ref->nareas));
            REQUIRE((size_t)c != i);
            for (size_t j = 0; j < k; j++) REQUIRE(a->comparator[j] != c);
            double d = a->comparator_distance[k];
            REQUIRE(isfinite(d) && d >= 0);
            if (k > 0) REQUIRE(d >= a->comparator_distance[k - 1]);
        }
    }
    require_unique(ref->areas, ref->nareas, sizeof *ref->areas);

    for (size_t i = 0; i < ref->nprisons; i++) {
        const dsms_ref_prison *p = &ref->prisons[i];
        REQUIRE(org_code(p->code, sizeof p->code));
        REQUIRE(name_ok(p->name, sizeof p->name));
        REQUIRE(in_range(p->area, ref->nareas));
        REQUIRE(p->capacity >= 0);
        REQUIRE(p->opened <= p->closed);
    }
    require_unique(ref->prisons, ref->nprisons, sizeof *ref->prisons);

    for (size_t i = 0; i < ref->nproviders; i++) {
        const dsms_ref_provider *p = &ref->providers[i];
        REQUIRE(org_code(p->code, sizeof p->code));
        REQUIRE(name_ok(p->name, sizeof p->name));
        REQUIRE(in_range(p->area, ref->nareas));
        REQUIRE(p->prison == -1 || in_range(p->prison, ref->nprisons));
        if (p->prison >= 0) REQUIRE(p->area == ref->prisons[p->prison].area);
    }
    require_unique(ref->providers, ref->nproviders, sizeof *ref->providers);

    for (size_t i = 0; i < ref->nregisters; i++) {
        REQUIRE(org_code(ref->registers[i].code, sizeof ref->registers[i].code));
        REQUIRE(name_ok(ref->registers[i].name, sizeof ref->registers[i].name));
    }
    require_unique(ref->registers, ref->nregisters, sizeof *ref->registers);

    /* Summed in band order, as the check in refdata.c does. */
    double total = 0;
    for (int b = 0; b < DSMS_AGE_BANDS; b++) {
        REQUIRE(isfinite(ref->esp[b]) && ref->esp[b] >= 0);
        total += ref->esp[b];
    }
    REQUIRE(fabs(total - 100000) <= 1e-6);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    size_t nfiles = 0;
    while (dsms_refdata_file(nfiles)) nfiles++;
    REQUIRE(nfiles == 12);
    size_t chosen = (uint8_t)(data[0] - '0') % nfiles;

    make_override();
    char path[256];
    if (last_written >= 0 && (size_t)last_written != chosen) {
        snprintf(path, sizeof path, "%s/%s", override_dir, dsms_refdata_file((size_t)last_written));
        REQUIRE(unlink(path) == 0);
        last_written = -1;
    }
    snprintf(path, sizeof path, "%s/%s", override_dir, dsms_refdata_file(chosen));
    write_file(path, data + 1, size - 1);
    last_written = (int)chosen;

    dsms_refdata ref;
    dsms_err err;
    memset(err.msg, 'X', sizeof err.msg); /* so that a message left unterminated shows */
    int rc = dsms_refdata_read(&ref, DSMS_DATADIR, override_dir, &err);
    REQUIRE(rc == 0 || rc == -1);
    if (rc) {
        check_failure(&err, nfiles, chosen);
        /* A refused read leaves nothing to free. */
        REQUIRE(ref.areas == NULL && ref.nareas == 0 && ref.providers == NULL);
        return 0;
    }
    check_success(&ref);
    check_partnerships(&ref);
    check_series(&ref);
    dsms_refdata_free(&ref);
    REQUIRE(ref.areas == NULL && ref.nareas == 0);
    return 0;
}
