/* test_kept.c — the records kept between computations (engine_keep.c):
 * after every kind of submission, what the kept records give a computation
 * must be, byte for byte, what reading every record gives (eng_load), and
 * the results the same to the last digit.
 *
 * A small simulated nation is imported organisation by organisation: a
 * first year without three providers (the first, one in the middle and the
 * last, so that their records later arrive before, among and after the
 * others') and without the deaths (a table with no rows), then those, a provider's files one table at a time, a
 * force's tests, a prison's releases, a region's orders and the deaths, a
 * resubmission, a submission naming no organisation, and a whole year at
 * once (more organisations than are read one by one). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "dsms/measures.h"
#include "dsms/refdata.h"
#include "dsms/simulate.h"
#include "engine.h"
#include "support.h"

static char sim[512];

static void simulate(dsms_store *st)
{
    dsms_refdata ref;
    dsms_err err = {""};
    CHECK_INT(dsms_refdata_fetch(&ref, st, &err), 0);
    snprintf(sim, sizeof sim, "%s/sim", support_dir());
    dsms_sim_options o = {.people = 2000, .years = 2, .start_year = 2021, .seed = 7, .out = sim,
                          .no_early_warning = 1};
    dsms_sim_summary sum;
    CHECK_INT(dsms_simulate(&ref, &o, &sum, &err), 0);
    if (err.msg[0]) fprintf(stderr, "simulate: %s\n", err.msg);
    dsms_refdata_free(&ref);
}

/* The organisations (directories) of a year, sorted. */
static size_t sources(const char *year, char names[][32], size_t most)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", sim, year);
    DIR *d = opendir(path);
    size_t n = 0;
    for (struct dirent *e; d && (e = readdir(d)) && n < most;)
        if (e->d_name[0] != '.' && strlen(e->d_name) < 32) strcpy(names[n++], e->d_name);
    if (d) closedir(d);
    qsort(names, n, 32, (int (*)(const void *, const void *))strcmp);
    return n;
}

/* Whether the organisation has a file of the table in the year. */
static int has(const char *year, const char *org, const char *table)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s/%s/%s.csv", sim, year, org, table);
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Import the organisation's files of a year, the named tables only (NULL:
 * all), as the organisation (or as nobody: source NULL). */
static void import_org(dsms_store *st, const char *year, const char *org, const char *only,
                       int as_org)
{
    static const char *const tables[] = {"episodes", "interventions", "top", "drug_tests",
                                         "prison_releases", "court_orders", "deaths"};
    char paths[7][700];
    const char *files[7];
    size_t n = 0;
    for (size_t t = 0; t < 7; t++) {
        if (only && strcmp(only, tables[t]) != 0) continue;
        snprintf(paths[n], sizeof paths[n], "%s/%s/%s/%s.csv", sim, year, org, tables[t]);
        struct stat sb;
        if (stat(paths[n], &sb) == 0) files[n] = paths[n], n++;
    }
    if (!n) return;
    dsms_import_result res[7];
    int rc = support_import(st, as_org ? org : NULL, files, n, res, NULL, 0);
    CHECK(rc != DSMS_REFUSED);
}

/* Rows compared field by field: their padding is nobody's. */
#define F(x) (a->x == b->x)
static int same_episode(const eng_episode *a, const eng_episode *b)
{
    return F(person) && F(area) && F(provider) && F(sex) && F(age) && F(group) && F(end) &&
           F(community) && F(crack) && F(custody_transfer) && F(ost_at_exit) &&
           F(injecting_ever) && F(hep_c_tested) && F(mental_health_need) && F(primary) &&
           F(journey_success) && F(referral) && F(first_intervention) && F(discharge) &&
           F(journey_start) && F(journey_end) && F(intervention) && F(nintervention) &&
           F(top) && F(ntop) && F(seq) && F(top_start) && F(top_review) && F(ethnic) &&
           F(reason) && F(needs) && F(presentation);
}
static int same_intervention(const eng_intervention *a, const eng_intervention *b)
{
    return F(start) && F(end) && F(recovery_support) && F(kind);
}
static int same_top(const eng_top *a, const eng_top *b)
{
    return F(date) && F(stage) && memcmp(a->v, b->v, sizeof a->v) == 0;
}
static int same_test(const eng_test *a, const eng_test *b)
{
    return F(person) && F(date) && F(assessment) && F(area) && F(force) && F(sex) && F(age) &&
           F(positive) && F(assessment_required) && F(attended) && F(referred);
}
static int same_release(const eng_release *a, const eng_release *b)
{
    return F(person) && F(date) && F(area) && F(prison) && F(sex) && F(age) && F(need) &&
           F(group);
}
static int same_order(const eng_order *a, const eng_order *b)
{
    return F(person) && F(end) && F(area) && F(probation) && F(sex) && F(age) && F(drr) &&
           F(ended) && F(completed) && F(start);
}
static int same_death(const eng_death *a, const eng_death *b)
{
    return F(person) && F(date) && F(registered) && F(area) && F(sex) && F(age) && F(misuse);
}
#undef F

#define SAME_ROWS(a, b, arr, n, same)                                                         \
    do {                                                                                      \
        CHECK_INT((a)->n, (b)->n);                                                            \
        size_t i_ = 0;                                                                        \
        while (i_ < (a)->n && i_ < (b)->n && same(&(a)->arr[i_], &(b)->arr[i_])) i_++;        \
        if (i_ < (a)->n && i_ < (b)->n) fprintf(stderr, #arr " %zu differs\n", i_);           \
        CHECK(i_ == (a)->n);                                                                  \
    } while (0)

/* The kept records, brought up to date, against a reading of every record:
 * returns the report of the kept reading. */
static dsms_compute_report same_as_read(dsms_store *st, dsms_kept *k, const char *when)
{
    dsms_refdata ref;
    dsms_err err = {""};
    dsms_compute_report rep = {0};
    eng_data a, b;
    CHECK_INT(dsms_refdata_fetch(&ref, st, &err), 0);
    int ra = eng_load(st, &ref, &a, &err), rb = eng_kept_load(k, st, &ref, &b, &rep, &err);
    CHECK_INT(ra, 0);
    CHECK_INT(rb, 0);
    if (ra || rb) {
        fprintf(stderr, "%s: %s\n", when, err.msg);
        return rep;
    }
    int before = check_failed;
    SAME_ROWS(&a, &b, episodes, nepisodes, same_episode);
    SAME_ROWS(&a, &b, interventions, ninterventions, same_intervention);
    SAME_ROWS(&a, &b, tops, ntops, same_top);
    SAME_ROWS(&a, &b, tests, ntests, same_test);
    SAME_ROWS(&a, &b, releases, nreleases, same_release);
    SAME_ROWS(&a, &b, orders, norders, same_order);
    SAME_ROWS(&a, &b, deaths, ndeaths, same_death);
    CHECK_INT(a.npersons, b.npersons);
    CHECK_INT(a.linked, b.linked);
    CHECK_INT(a.first_day, b.first_day);
    CHECK_INT(a.last_day, b.last_day);
    if (check_failed != before) fprintf(stderr, "  ... after %s\n", when);
    eng_free(&a);
    eng_kept_return(k, &b); /* its arrays hold the next copy, as in a computation */
    dsms_refdata_free(&ref);
    return rep;
}

typedef struct {
    unsigned char sum[32];
    size_t n;
} digest;

static int add_result(void *ctx, const dsms_result *r)
{
    digest *d = ctx;
    char line[512];
    int len = snprintf(line, sizeof line, "%s|%s|%s|%s|%s|%.17g|%.17g|%.17g|%.17g|%s|%s|%d",
                       r->measure, r->area_code, r->period, r->breakdown ? r->breakdown : "",
                       r->category ? r->category : "", r->numerator, r->denominator, r->value,
                       r->lower95, r->vs_england ? r->vs_england : "", r->trend ? r->trend : "",
                       (int)r->disclosure);
    for (int i = 0; i < len; i++) d->sum[i % 32] = (unsigned char)(d->sum[i % 32] * 31 + line[i]);
    d->n++;
    return 0;
}

static digest results(dsms_store *st)
{
    digest d = {{0}, 0};
    dsms_err err = {""};
    CHECK_INT(dsms_store_each_result(st, NULL, add_result, &d, &err), 0);
    return d;
}

/* The results of a computation through k equal those of dsms_compute. */
static void same_results(dsms_store *st, dsms_kept *k)
{
    dsms_compute_report rep = {0};
    dsms_err err = {""};
    CHECK_INT(dsms_compute_kept(st, k, NULL, 0, &rep, &err), 0);
    digest kept = results(st);
    CHECK_INT(rep.read_all, 0);
    memset(&rep, 0, sizeof rep);
    CHECK_INT(dsms_compute(st, NULL, 0, &rep, &err), 0);
    digest read = results(st);
    CHECK(kept.n > 1000);
    CHECK_INT(kept.n, read.n);
    CHECK(memcmp(kept.sum, read.sum, sizeof kept.sum) == 0);
}

int main(void)
{
    dsms_store *st = support_store();
    simulate(st);
    static char orgs[2048][32];
    size_t n = sources("2021-22", orgs, 2048);
    CHECK(n > 20);
    /* Three providers held back: the first, one in the middle, the last. */
    size_t first = n, last = 0;
    for (size_t i = 0; i < n; i++)
        if (has("2021-22", orgs[i], "episodes")) {
            if (first == n) first = i;
            last = i;
        }
    size_t middle = (first + last) / 2, deaths = n;
    for (size_t i = 0; i < n; i++)
        if (has("2021-22", orgs[i], "deaths")) deaths = i;
    CHECK(deaths < n);
    for (size_t i = 0; i < n; i++)
        if (i != first && i != middle && i != last && i != deaths)
            import_org(st, "2021-22", orgs[i], NULL, 1);
    dsms_kept *k = dsms_kept_new();
    CHECK(k != NULL);
    dsms_err err = {""};
    CHECK_INT(dsms_kept_read(k, st, &err), 0); /* as the server starts */
    dsms_compute_report rep = same_as_read(st, k, "the first year, without four organisations");
    CHECK_INT(rep.read_all, 0);
    CHECK_INT(rep.reread, 0);
    rep = same_as_read(st, k, "nothing new");
    CHECK_INT(rep.read_all, 0);
    CHECK_INT(rep.reread, 0);

    const size_t held[] = {middle, first, last, deaths};
    for (size_t i = 0; i < 4; i++) {
        import_org(st, "2021-22", orgs[held[i]], NULL, 1);
        rep = same_as_read(st, k, orgs[held[i]]);
        CHECK_INT(rep.read_all, 0);
        CHECK_INT(rep.reread, 1);
    }
    /* One provider's next year, a table at a time; then a force, a prison, a
     * region and the deaths, each alone. */
    static char next[2048][32];
    size_t m = sources("2022-23", next, 2048);
    const char *provider = next[middle < m ? middle : 0];
    const char *tables[] = {"interventions", "episodes", "top"};
    for (size_t t = 0; t < 3; t++) {
        import_org(st, "2022-23", provider, tables[t], 1);
        rep = same_as_read(st, k, tables[t]);
        CHECK_INT(rep.read_all, 0);
        CHECK_INT(rep.reread, 1);
    }
    const char *kinds[] = {"drug_tests", "prison_releases", "court_orders", "deaths"};
    for (size_t x = 0; x < 4; x++)
        for (size_t i = 0; i < m; i++)
            if (has("2022-23", next[i], kinds[x])) {
                import_org(st, "2022-23", next[i], NULL, 1);
                rep = same_as_read(st, k, next[i]);
                CHECK_INT(rep.read_all, 0);
                break;
            }
    /* A resubmission of the first year's file changes nothing, but is read. */
    import_org(st, "2021-22", orgs[first], "episodes", 1);
    same_as_read(st, k, "a resubmission");
    /* A submission naming no organisation: any may have changed. */
    import_org(st, "2022-23", next[0], NULL, 0);
    rep = same_as_read(st, k, "no organisation named");
    CHECK_INT(rep.read_all, 1);
    /* Two providers at once, then the rest of the year. */
    import_org(st, "2022-23", next[first], NULL, 1);
    import_org(st, "2022-23", next[last], NULL, 1);
    rep = same_as_read(st, k, "two providers");
    CHECK_INT(rep.reread, 2);
    for (size_t i = 0; i < m; i++) import_org(st, "2022-23", next[i], NULL, 1);
    same_as_read(st, k, "the whole second year");
    same_results(st, k);
    dsms_kept_free(k);
    dsms_store_close(st);
    support_cleanup();
    return check_summary();
}
