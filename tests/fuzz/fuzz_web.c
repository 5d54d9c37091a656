/* fuzz_web.c — libFuzzer target for the dashboard's pages (lib/web/):
 * requests made from the input, answered by dsms_web_handle on an in-memory
 * store with the shipped reference data, a few episodes from two providers,
 * their computed results, and an account of each role logged in.
 *
 * Input: byte 0 chooses who asks (bits 0-1: the public, or the session of a
 * national account, of an area account bound to E06000001, of a provider
 * account bound to P0001) and byte 1 the method (bits 0-1: GET, POST, DELETE,
 * HEAD). The rest is lines, as fuzz_api.c reads them: the path, then query
 * parameters as NAME=VALUE, then, after a line "--", the body (a form). Every
 * answer must have a status the pages give and a body of its kind; a page
 * must hold no inline script, no date of birth submitted, no figure of an
 * organisation for the public or an area's account, and no markup of the
 * request's written back as markup (a tag or an attribute named zz, which
 * the seeds carry and no page has). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsms/accounts.h"
#include "dsms/chart.h"
#include "dsms/import.h"
#include "dsms/measures.h"
#include "dsms/refdata.h"
#include "dsms/web.h"
#include "request_lines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(c)                                                                            \
    do {                                                                                      \
        if (!(c)) {                                                                           \
            fprintf(stderr, "fuzz_web: %s:%d: invariant failed: %s\n", __FILE__, __LINE__, #c); \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

enum { NOW = 1782777600 };

static dsms_store *st;
static dsms_web *web;
static char session[4][DSMS_TOKEN_TEXT];

static const char episodes[] =
    "provider_code,episode_ref,initials,date_of_birth,sex,consent,area_code,referral_date,"
    "referral_source,first_intervention_date,setting,substance_1,discharge_date,"
    "discharge_reason\n"
    "%s,E1,AB,1980-01-02,M,Y,%s,2024-04-10,gp,2024-04-20,C,heroin,,\n"
    "%s,E2,CD,1975-03-04,F,Y,%s,2024-05-10,gp,2024-05-20,C,cocaine,2025-01-10,"
    "completed_drug_free\n";

static void add(const dsms_key *key, const char *prov, const char *area)
{
    char text[1024];
    int n = snprintf(text, sizeof text, episodes, prov, area, prov, area);
    FILE *f = tmpfile();
    REQUIRE(f && fwrite(text, 1, (size_t)n, f) == (size_t)n && fflush(f) == 0);
    int fd = dup(fileno(f));
    fclose(f);
    REQUIRE(fd >= 0 && lseek(fd, 0, SEEK_SET) == 0);
    dsms_import_opts o = {.source = prov, .by = "fuzz", .today = 20634, .fd = fd};
    const char *files[1] = {"seed.csv"};
    dsms_import_result r;
    dsms_err err = {""};
    REQUIRE(dsms_import(st, key, files, 1, &o, &r, &err) != DSMS_REFUSED);
    close(fd);
}

static void account(int i, const char *name, const char *role, const char *scope)
{
    dsms_err err = {""};
    dsms_actor by = {"fuzz", "fuzz"};
    const char *codes[1] = {scope};
    REQUIRE(dsms_account_add(st, name, role, codes, scope ? 1 : 0, "fuzz-password-1234", &by,
                             &err) == 0);
    dsms_principal p;
    char csrf[DSMS_TOKEN_TEXT];
    long delay = 0;
    REQUIRE(dsms_login(st, name, "fuzz-password-1234", NOW, &p, session[i], csrf, &delay, &by,
                       &err) == DSMS_AUTH_OK);
}

/* What the target holds, given back at exit so that the leak check sees
 * only what a request left behind. */
static void release(void)
{
    dsms_web_free(web);
    dsms_store_close(st);
    dsms_chart_fonts_release();
}

static void build(void)
{
    static int registered;
    if (!registered) registered = atexit(release) == 0;
    dsms_err err = {""};
    dsms_key key;
    setenv("DSMS_PWHASH_FAST", "1", 1);
    REQUIRE(dsms_key_random(&key) == 0);
    st = dsms_store_open(":memory:", DSMS_STORE_CREATE, &err);
    REQUIRE(st);
    REQUIRE(dsms_refdata_load(st, DSMS_DATADIR, &err) == 0);
    add(&key, "P0001", "E06000001");
    add(&key, "P0003", "E06000002");
    dsms_compute_report rep = {0};
    REQUIRE(dsms_compute(st, NULL, 0, &rep, &err) == 0);
    account(1, "nat", "national", NULL);
    account(2, "local", "area", "E06000001");
    account(3, "prov", "provider", "P0001");
    web = dsms_web_new();
    REQUIRE(web);
}

static int holds(const char *s, size_t n, const char *what)
{
    size_t k = strlen(what);
    for (size_t i = 0; s && k && i + k <= n; i++)
        if (memcmp(s + i, what, k) == 0) return 1;
    return 0;
}

static void check(const dsms_api_request *req, const dsms_api_response *r, int who,
                  const uint8_t *data, size_t size)
{
    static const int statuses[] = {200, 303, 400, 401, 403, 404, 405, 429, 500, 503};
    int known = 0;
    for (size_t i = 0; i < sizeof statuses / sizeof *statuses; i++)
        known |= r->status == statuses[i];
    REQUIRE(known);
    REQUIRE(r->content_type && r->nheaders <= DSMS_API_MAX_HEADERS);
    REQUIRE(r->body && r->len == strlen(r->body));
    if (r->status == 303) return;
    /* the attributor's fields of the records submitted: never shown (unless
     * the request itself said them: a code in the path is said back) */
    static const char *const births[] = {"1980-01-02", "1975-03-04"};
    for (size_t i = 0; i < 2; i++)
        if (!holds((const char *)data, size, births[i]))
            REQUIRE(!holds(r->body, r->len, births[i]));
    if (strncmp(r->content_type, "text/html", 9) != 0) {
        REQUIRE(r->status == 200 || r->status == 500);
        return;
    }
    REQUIRE(!holds(r->body, r->len, "<script>"));
    REQUIRE(holds(r->body, r->len, "<main id=\"main\""));
    /* an organisation's row: never to the public or an area's account */
    if (who == 0 || who == 2) REQUIRE(!holds(r->body, r->len, "|P0001|"));
    /* markup sent in the request comes back escaped: a tag or attribute
     * named zz, which no page has, never appears as markup */
    (void)req;
    static const char *const markup[] = {"<zz", "\"zz", "'zz"};
    for (size_t i = 0; i < 3; i++) REQUIRE(!holds(r->body, r->len, markup[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!st) build();
    if (size < 2) return 0;
    static const char *const methods[] = {"GET", "POST", "DELETE", "HEAD"};
    int who = data[0] & 3;
    char *text = malloc(size - 1);
    REQUIRE(text);
    memcpy(text, data + 2, size - 2);
    text[size - 2] = 0;
    dsms_api_request req = {.method = methods[data[1] & 3], .upload_fd = -1, .origin = "fuzz",
                            .now = NOW, .session = who ? session[who] : NULL};
    request_lines(text, &req);
    dsms_api_response r;
    int rc = dsms_web_handle(web, st, &req, &r);
    REQUIRE(rc == 0);
    check(&req, &r, who, data, size);
    dsms_api_response_free(&r);
    int logout = strcmp(req.path, "/logout") == 0;
    free(text);
    /* a logout ends a session: the next input gets the store as it began */
    if (logout) {
        dsms_web_free(web);
        dsms_store_close(st);
        st = NULL;
        build();
    }
    return 0;
}
