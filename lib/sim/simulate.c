/* simulate.c — the simulated nation (simulate.h): the people are placed in
 * areas in proportion to each area's estimated need, each person's life is
 * lived from a stream of their own (sim_life.c), and each financial year is
 * written area by area, so memory holds one year's justice records and one
 * area's treatment records, whatever the number of years. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "dsms/simulate.h"

#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dsms/dataset.h"
#include "dsms/field.h"
#include "sim.h"

/* Share of the people in each substance group, and how each group is spread
 * over areas (see weight()). */
static const double group_share[G_N] = {0.281, 0.133, 0.142, 0.444};

/* ---- the world ------------------------------------------------------------ */

static void world_free(sim_world *w)
{
    const dsms_refdata *ref = w->ref;
    for (size_t i = 0; w->area_providers && i < ref->nareas; i++) free(w->area_providers[i]);
    for (size_t i = 0; w->region_prisons && i < ref->nregions; i++) free(w->region_prisons[i]);
    free(w->area_providers);
    free(w->area_nproviders);
    free(w->region_prisons);
    free(w->region_nprisons);
    free(w->prison_provider);
    free(w->adults);
    free(w->effect);
}

/* A multiplier with mean 1 and the given spread (the sigma of its logarithm). */
static double spread(sim_rng *r, double sigma)
{
    return exp(sim_normal(r, 0.0, sigma) - sigma * sigma / 2);
}

/* How much areas differ: the 2017 strategy notes successful completion rates
 * five times higher in the best areas than in the poorest. */
static void draw_effects(sim_world *w, uint64_t seed)
{
    for (size_t a = 0; a < w->ref->nareas; a++) {
        sim_rng r;
        sim_rng_init(&r, seed, 0xa4ea00000000ull | a, 0);
        w->effect[a].success = spread(&r, 0.35);
        w->effect[a].wait = spread(&r, 0.4);
        w->effect[a].continuity = spread(&r, 0.3);
    }
}

static int world_build(sim_world *w, const dsms_refdata *ref, uint64_t seed, dsms_err *err)
{
    memset(w, 0, sizeof *w);
    w->ref = ref;
    size_t na = ref->nareas, nr = ref->nregions, np = ref->nprisons;
    w->area_providers = calloc(na, sizeof *w->area_providers);
    w->area_nproviders = calloc(na, sizeof *w->area_nproviders);
    w->region_prisons = calloc(nr, sizeof *w->region_prisons);
    w->region_nprisons = calloc(nr, sizeof *w->region_nprisons);
    w->prison_provider = malloc((np ? np : 1) * sizeof *w->prison_provider);
    w->adults = calloc(na, sizeof *w->adults);
    w->effect = calloc(na ? na : 1, sizeof *w->effect);
    int ok = w->area_providers && w->area_nproviders && w->region_prisons &&
             w->region_nprisons && w->prison_provider && w->adults && w->effect;
    for (size_t i = 0; ok && i < na; i++) {
        w->area_providers[i] = malloc(ref->nproviders * sizeof(int));
        /* Aged 18 and over: two-fifths of the 15-19 band, and all above it. */
        w->adults[i] = dsms_area_people(&ref->areas[i], 4, DSMS_AGE_BANDS - 1) +
                       0.4 * dsms_area_people(&ref->areas[i], 3, 3);
        ok = w->area_providers[i] != NULL;
    }
    for (size_t i = 0; ok && i < nr; i++)
        ok = (w->region_prisons[i] = malloc((np ? np : 1) * sizeof(int))) != NULL;
    if (!ok) {
        world_free(w);
        dsms_err_set(err, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < np; i++) {
        w->prison_provider[i] = -1;
        int r = ref->areas[ref->prisons[i].area].region;
        w->region_prisons[r][w->region_nprisons[r]++] = (int)i;
    }
    for (size_t i = 0; i < ref->nproviders; i++) {
        const dsms_ref_provider *p = &ref->providers[i];
        if (p->prison >= 0) w->prison_provider[p->prison] = (int)i;
        else w->area_providers[p->area][w->area_nproviders[p->area]++] = (int)i;
    }
    draw_effects(w, seed);
    for (size_t i = 0; i < na; i++)
        if (!w->area_nproviders[i]) {
            dsms_err_set(err, "providers.csv: area %s has no community provider (expected at "
                              "least one for every area)", ref->areas[i].code);
            world_free(w);
            return -1;
        }
    return 0;
}

/* How many of a group's people live in each area: opiate and crack users by
 * the estimated rate of use; other groups by adult population, more where
 * deprivation is higher. */
static double weight(const sim_world *w, int area, int g, double mean_deprivation)
{
    const dsms_ref_area *a = &w->ref->areas[area];
    double dep = a->deprivation / mean_deprivation;
    switch (g) {
    case G_OPIATE: return a->opiate_crack_per_1000 * dsms_area_people_15_64(a);
    case G_ALCOHOL: return w->adults[area] * (0.6 + 0.4 * dep);
    default: return w->adults[area] * (0.7 + 0.3 * dep);
    }
}

/* Whole numbers of people per area and group that add up exactly to the
 * group's share of n (largest remainder, ties to the earlier area). */
static long *allocate(const sim_world *w, long n, dsms_err *err)
{
    size_t na = w->ref->nareas;
    long *count = calloc(na * G_N, sizeof *count);
    double *frac = malloc(na * sizeof *frac);
    if (!count || !frac) {
        free(count);
        free(frac);
        dsms_err_set(err, "out of memory");
        return NULL;
    }
    double dep = 0;
    for (size_t a = 0; a < na; a++) dep += w->ref->areas[a].deprivation / (double)na;
    if (dep <= 0) dep = 1;
    for (int g = 0; g < G_N; g++) {
        long want = g == G_N - 1 ? n : lround(n * group_share[g]), got = 0;
        if (g == G_N - 1)
            for (int h = 0; h < g; h++) want -= lround(n * group_share[h]);
        double total = 0;
        for (size_t a = 0; a < na; a++) total += weight(w, (int)a, g, dep);
        for (size_t a = 0; a < na; a++) {
            double x = total > 0 ? want * weight(w, (int)a, g, dep) / total : 0;
            count[a * G_N + g] = (long)x;
            frac[a] = x - (double)(long)x;
            got += (long)x;
        }
        for (; got < want; got++) {
            size_t best = 0;
            for (size_t a = 1; a < na; a++)
                if (frac[a] > frac[best]) best = a;
            count[best * G_N + g]++;
            frac[best] = -1;
        }
    }
    free(frac);
    return count;
}

/* ---- files ---------------------------------------------------------------- */

typedef struct {
    char root[4096];          /* the temporary directory being filled */
    FILE *manifest;
    dsms_sim_summary *sum;
    dsms_err *err;
    int failed;
} files;

static int make_dir(const char *path, dsms_err *err)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST) return 0;
    dsms_err_set(err, "%s: cannot create directory: %s", path, strerror(errno));
    return -1;
}

static void write_header(FILE *f, int table)
{
    size_t n;
    const dsms_table *t = &dsms_tables(&n)[table];
    for (size_t i = 0; i < t->nfields; i++)
        fprintf(f, "%s%c", t->fields[i].name, i + 1 < t->nfields ? ',' : '\n');
}

static void flush(files *fs, sim_out *o, sim_sink *s)
{
    if (!s->lines || fs->failed || o->failed) { /* nothing to write, or no use writing it */
        free(s->buf);
        s->buf = NULL, s->len = s->cap = 0, s->lines = 0;
        return;
    }
    char path[4096 + 64];
    snprintf(path, sizeof path, "%s/%s", fs->root, o->period);
    int bad = make_dir(path, fs->err);
    snprintf(path, sizeof path, "%s/%s/%s", fs->root, o->period, s->source);
    bad = bad || make_dir(path, fs->err);
    size_t n;
    const char *table = dsms_tables(&n)[s->table].name;
    snprintf(path, sizeof path, "%s/%s/%s/%s.csv", fs->root, o->period, s->source, table);
    FILE *f = bad ? NULL : fopen(path, "wb");
    if (f) {
        write_header(f, s->table);
        fwrite(s->buf, 1, s->len, f);
        bad = ferror(f) != 0;
        bad = fclose(f) != 0 || bad;
        if (bad) dsms_err_set(fs->err, "%s: write failed: %s", path, strerror(errno));
    } else if (!bad) {
        dsms_err_set(fs->err, "%s: cannot create: %s", path, strerror(errno));
        bad = 1;
    }
    fprintf(fs->manifest, "%s,%s,%s,%s/%s/%s.csv,%ld\n", o->period, s->source, table, o->period,
            s->source, table, s->lines);
    fs->sum->files++;
    fs->sum->rows += s->lines;
    fs->sum->table_rows[s->table] += s->lines;
    fs->failed |= bad;
    free(s->buf);
    s->buf = NULL, s->len = s->cap = 0, s->lines = 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

/* ---- the years ------------------------------------------------------------ */

/* How many organisations submit each table: one sink each. */
static size_t sink_count(const dsms_refdata *ref, int table)
{
    switch (table) {
    case T_RELEASES: return ref->nprisons;
    case T_TESTS: return ref->nforces;
    case T_ORDERS: return ref->nprobation;
    case T_DEATHS: return 1;
    case T_EW: return ref->nreporters;
    default: return ref->nproviders;
    }
}

static const char *sink_source(const dsms_refdata *ref, int table, size_t i)
{
    switch (table) {
    case T_RELEASES: return ref->prisons[i].code;
    case T_TESTS: return ref->forces[i].code;
    case T_ORDERS: return ref->probation[i].code;
    case T_DEATHS: return "ONS";
    case T_EW: return ref->reporters[i].code;
    default: return ref->providers[i].code;
    }
}

static int sinks_make(sim_out *o, const dsms_refdata *ref)
{
    for (int t = 0; t < T_N; t++) {
        size_t n = sink_count(ref, t);
        if (!(o->sinks[t] = calloc(n ? n : 1, sizeof(sim_sink)))) return -1;
        for (size_t i = 0; i < n; i++) {
            o->sinks[t][i].table = t;
            o->sinks[t][i].source = sink_source(ref, t, i);
        }
    }
    return 0;
}

static void sinks_free(sim_out *o, const dsms_refdata *ref)
{
    for (int t = 0; t < T_N; t++) {
        for (size_t i = 0; o->sinks[t] && i < sink_count(ref, t); i++) free(o->sinks[t][i].buf);
        free(o->sinks[t]);
    }
}

static void write_year(files *fs, sim_out *o, const sim_ctx *c, const long *count,
                       const dsms_sim_options *opt)
{
    const dsms_refdata *ref = c->w->ref;
    sim_person p;
    memset(&p, 0, sizeof p);
    uint64_t slot = 0;
    long total = 0;
    for (size_t i = 0; i < ref->nareas * G_N; i++) total += count[i];
    for (size_t a = 0; !o->failed && a < ref->nareas; a++) {
        if (opt->progress) opt->progress(opt->progress_ctx, o->period, (long)slot, total);
        for (int g = 0; g < G_N; g++)
            for (long k = 0; !o->failed && k < count[a * G_N + g]; k++)
                if (sim_live(c, ++slot, (int)a, g, &p, o->ye, sim_emit_person, o)) o->failed = 1;
        sim_emit_background(o, (int)a);
        /* This area's community providers are complete for the year. */
        for (int i = 0; i < c->w->area_nproviders[a]; i++)
            for (int t = T_EPISODES; t <= T_TOP; t++)
                flush(fs, o, &o->sinks[t][c->w->area_providers[a][i]]);
    }
    sim_person_free(&p);
    if (o->ew) sim_ew_year(o);
    for (int t = 0; t < T_N; t++)
        for (size_t i = 0; i < sink_count(ref, t); i++) flush(fs, o, &o->sinks[t][i]);
}

static int simulate_into(files *fs, const dsms_refdata *ref, const dsms_sim_options *opt,
                         sim_world *w)
{
    long *count = allocate(w, opt->people, fs->err);
    if (!count) return -1;
    sim_ctx c = {opt->seed, w, (int)dsms_financial_year_start(opt->start_year)};
    sim_out o;
    memset(&o, 0, sizeof o);
    o.w = w;
    o.c = &c;
    o.start_year = opt->start_year;
    o.error_rate = opt->error_rate;
    o.scale = (double)opt->people / DSMS_SIM_DEFAULT_PEOPLE;
    char path[4096 + 32];
    snprintf(path, sizeof path, "%s/planted.csv", fs->root);
    if (opt->error_rate > 0 && !(o.planted = fopen(path, "wb"))) {
        dsms_err_set(fs->err, "%s: cannot create: %s", path, strerror(errno));
        free(count);
        return -1;
    }
    if (o.planted) fputs("file,line,table,field,kind\n", o.planted);
    /* The calendar years registrations fall in: the first year's to the last's. */
    sim_deaths deaths;
    if (sim_deaths_init(&deaths, ref->nareas, opt->start_year, opt->years + 1)) {
        dsms_err_set(fs->err, "out of memory");
        fs->failed = 1;
    }
    o.deaths = &deaths;
    if (sinks_make(&o, ref)) {
        dsms_err_set(fs->err, "out of memory");
        fs->failed = 1;
    }
    if (!fs->failed && sim_ew_start(&o, opt, fs->root, fs->err)) fs->failed = 1;
    for (int y = opt->start_year; !fs->failed && y < opt->start_year + opt->years; y++) {
        o.year = y;
        o.ys = (int)dsms_financial_year_start(y);
        o.ye = (int)dsms_financial_year_start(y + 1) - 1;
        snprintf(o.period, sizeof o.period, "%04d-%02d", (y % 10000 + 10000) % 10000,
                 ((y + 1) % 100 + 100) % 100);
        write_year(fs, &o, &c, count, opt);
        if (o.failed && !fs->failed) dsms_err_set(fs->err, "out of memory"), fs->failed = 1;
    }
    fs->sum->planted = o.nplanted;
    if (sim_ew_finish(&o, !fs->failed, &fs->sum->outbreaks, fs->err) && !fs->failed) fs->failed = 1;
    snprintf(path, sizeof path, "%s/series.csv", fs->root);
    if (!fs->failed && sim_series_write(path, ref, opt, &deaths, &fs->sum->series, fs->err))
        fs->failed = 1;
    sim_deaths_free(&deaths);
    if (o.planted && fclose(o.planted) && !fs->failed) {
        dsms_err_set(fs->err, "%s: write failed", path);
        fs->failed = 1;
    }
    sinks_free(&o, ref);
    free(count);
    return fs->failed ? -1 : 0;
}

int dsms_simulate(const dsms_refdata *ref, const dsms_sim_options *opt, dsms_sim_summary *sum,
                  dsms_err *err)
{
    memset(sum, 0, sizeof *sum);
    if (opt->people < 1 || opt->years < 1 || opt->start_year < 1900 || opt->start_year > 9000 ||
        !(opt->error_rate >= 0 && opt->error_rate <= 1)) {
        dsms_err_set(err, "simulate: people and years must be at least 1, the start year "
                          "1900-9000 and the error rate 0-1");
        return -1;
    }
    if (access(opt->out, F_OK) == 0) {
        dsms_err_set(err, "%s: already exists (expected a new directory)", opt->out);
        return -1;
    }
    sim_world w;
    if (world_build(&w, ref, opt->seed, err)) return -1;
    files fs = {.sum = sum, .err = err};
    snprintf(fs.root, sizeof fs.root, "%s.partial-%ld", opt->out, (long)getpid());
    char path[4096 + 32];
    /* The temporary directory must be new: one left by another run is not
     * ours to fill, nor to remove. */
    int rc = mkdir(fs.root, 0777) ? -1 : 0;
    if (rc) {
        dsms_err_set(err, "%s: cannot create directory: %s", fs.root, strerror(errno));
        world_free(&w);
        return -1;
    }
    snprintf(path, sizeof path, "%s/manifest.csv", fs.root);
    if (!rc && !(fs.manifest = fopen(path, "wb"))) {
        dsms_err_set(err, "%s: cannot create: %s", path, strerror(errno));
        rc = -1;
    }
    if (!rc) {
        fputs("period,source,table,file,rows\n", fs.manifest);
        rc = simulate_into(&fs, ref, opt, &w);
        if (fclose(fs.manifest) && !rc) dsms_err_set(err, "%s: write failed", path), rc = -1;
    }
    if (!rc && rename(fs.root, opt->out)) {
        dsms_err_set(err, "%s: cannot rename into place: %s", opt->out, strerror(errno));
        rc = -1;
    }
    if (rc) nftw(fs.root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    world_free(&w);
    return rc;
}
