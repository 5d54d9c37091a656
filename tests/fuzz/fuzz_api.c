/* fuzz_api.c — libFuzzer target for the JSON API apart from HTTP
 * (lib/serve/api*.c): requests made from the input, served by
 * dsms_api_serve_as on an in-memory store with the shipped reference data, a
 * few episodes from two providers and their computed results.
 *
 * Input: byte 0 chooses the principal (bits 0-1: public, national, an area
 * account bound to E06000001, a provider account bound to P0001) and, with
 * bit 0x40, that a POST carries the body as an upload; byte 1 the method
 * (bits 0-2: GET, POST, DELETE, HEAD, PUT, and GET again). The rest is
 * lines: the path, then query parameters as NAME=VALUE (at most 32), then,
 * after a line "--", the body. Every answer must have a status the API
 * gives; a JSON body that parses (an error with its "error" text); a CSV body
 * only from the results; no pseudonym, no attributor field and, for anyone
 * but the national role and the organisation's own provider, no row of an
 * organisation. An upload that lands rebuilds the store, so each input
 * meets the same store. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "dsms/api.h"
#include "dsms/import.h"
#include "dsms/measures.h"
#include "dsms/refdata.h"
#include "request_lines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(c)                                                                            \
    do {                                                                                      \
        if (!(c)) {                                                                           \
            fprintf(stderr, "fuzz_api: %s:%d: invariant failed: %s\n", __FILE__, __LINE__, #c); \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

static dsms_store *st;
static dsms_key key;

static const char episodes[] =
    "provider_code,episode_ref,initials,date_of_birth,sex,consent,area_code,referral_date,"
    "referral_source,first_intervention_date,setting,substance_1,substance_2,"
    "injecting_status,mental_health_need,hep_c_tested,discharge_date,discharge_reason,"
    "ost_at_exit\n"
    "%s,E1,AB,1980-01-02,M,Y,%s,2024-04-10,gp,2024-04-20,C,heroin,,,,,,,\n"
    "%s,E2,CD,1975-03-04,F,Y,%s,2024-05-10,gp,2024-05-20,C,cocaine,,,,,2025-01-10,"
    "completed_drug_free,\n"
    "%s,E3,EF,1990-13-01,M,Y,%s,2024-06-10,gp,,C,heroin,,,,,,,\n";

/* A temporary file holding text, open for reading from its start; -1 on failure. */
static int text_fd(const char *text, size_t n)
{
    FILE *f = tmpfile();
    if (!f) return -1;
    int fd = dup(fileno(f));
    int ok = fd >= 0 && fwrite(text, 1, n, f) == n && fflush(f) == 0;
    fclose(f);
    if (!ok || lseek(fd, 0, SEEK_SET) != 0) {
        if (fd >= 0) close(fd);
        return -1;
    }
    return fd;
}

static void add(const char *prov, const char *area)
{
    char text[2048];
    int n = snprintf(text, sizeof text, episodes, prov, area, prov, area, prov, area);
    int fd = text_fd(text, (size_t)n);
    REQUIRE(fd >= 0);
    dsms_import_opts o = {.source = prov, .by = "fuzz", .today = 20634, .fd = fd};
    const char *files[1] = {"seed.csv"};
    dsms_import_result r;
    dsms_err err = {""};
    REQUIRE(dsms_import(st, &key, files, 1, &o, &r, &err) != DSMS_REFUSED);
    close(fd);
}

static void build(void)
{
    dsms_err err = {""};
    dsms_store_close(st);
    st = dsms_store_open(":memory:", DSMS_STORE_CREATE, &err);
    REQUIRE(st);
    REQUIRE(dsms_refdata_load(st, DSMS_DATADIR, &err) == 0);
    add("P0001", "E06000001");
    add("P0003", "E06000002");
    dsms_compute_report rep = {0};
    REQUIRE(dsms_compute(st, NULL, 0, &rep, &err) == 0);
}

static int holds(const char *s, size_t n, const char *what)
{
    size_t k = strlen(what);
    for (size_t i = 0; s && i + k <= n; i++)
        if (memcmp(s + i, what, k) == 0) return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!st) {
        REQUIRE(dsms_key_random(&key) == 0);
        build();
    }
    if (size < 2) return 0;
    static const char *const methods[] = {"GET", "POST", "DELETE", "HEAD", "PUT", "GET",
                                          "GET", "GET"};
    dsms_principal p = {0};
    int role = data[0] & 3;
    if (role == 1) p.role = DSMS_ROLE_NATIONAL, strcpy(p.name, "nat");
    if (role == 2) p.role = DSMS_ROLE_AREA, p.nscope = 1, strcpy(p.scope[0], "E06000001");
    if (role == 3) p.role = DSMS_ROLE_PROVIDER, p.nscope = 1, strcpy(p.scope[0], "P0001");
    if (role) p.user_id = role, strcpy(p.name, "someone");

    char *text = malloc(size - 1);
    REQUIRE(text);
    memcpy(text, data + 2, size - 2);
    text[size - 2] = 0;
    dsms_api_request req = {.method = methods[data[1] & 7], .upload_fd = -1, .origin = "fuzz",
                            .now = 1782777600, .store_key = &key};
    request_lines(text, &req);
    if ((data[0] & 0x40) && req.body) req.upload_fd = text_fd(req.body, req.body_len);

    dsms_api_response r;
    int rc = dsms_api_serve_as(st, &req, &p, &r);
    if (req.upload_fd >= 0) close(req.upload_fd);
    REQUIRE(rc == 0);
    static const int statuses[] = {200, 201, 400, 401, 403, 404, 405, 413, 422, 429, 500, 503};
    int known = 0;
    for (size_t i = 0; i < sizeof statuses / sizeof *statuses; i++) known |= r.status == statuses[i];
    REQUIRE(known);
    REQUIRE(r.body && r.len == strlen(r.body) && r.content_type);
    REQUIRE(r.nheaders <= DSMS_API_MAX_HEADERS);
    if (strstr(r.content_type, "csv")) {
        REQUIRE(r.status == 200 && strcmp(req.path, "/api/v1/results") == 0);
    } else {
        json_t *j = json_loadb(r.body, r.len, 0, NULL);
        REQUIRE(j);
        if (r.status >= 400) REQUIRE(json_is_string(json_object_get(j, "error")));
        json_decref(j);
    }
    REQUIRE(!holds(r.body, r.len, "pseudonym"));
    REQUIRE(!holds(r.body, r.len, "\"initials\":") && !holds(r.body, r.len, "\"date_of_birth\":"));
    if (role != 1 && r.status == 200 && strcmp(req.path, "/api/v1/results") == 0) {
        static const char *const levels[] = {"provider", "prison", "police_force",
                                             "probation_region"};
        for (size_t i = 0; i < 4; i++) {
            char a[40], b[40];
            snprintf(a, sizeof a, "\"level\":\"%s\"", levels[i]);
            snprintf(b, sizeof b, ",%s,", levels[i]);
            if (role != 3) REQUIRE(!holds(r.body, r.len, a) && !holds(r.body, r.len, b));
        }
    }
    if (role == 0) REQUIRE(!(r.status < 300 && strncmp(req.path, "/api/v1/submissions", 19) == 0));
    int rebuild = r.recompute;
    dsms_api_response_free(&r);
    free(text);
    if (rebuild) build();
    return 0;
}
