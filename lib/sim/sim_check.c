/* sim_check.c — the calibration figures of a simulated tree (sim_check.h):
 * episodes, prison releases and deaths are read from every year's files into
 * plain arrays, keyed by a small string map, then counted year by year. The
 * targets and their tolerances are the table at the end of this file. */
#include "dsms/sim_check.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsms/csv.h"
#include "dsms/dataset.h"
#include "dsms/field.h"
#include "dsms/grow.h"
#include "dsms/simulate.h"

/* Each list of records starts with room for this many rows (dsms_room_for). */
#define FIRST_ROWS 4096

const char *const dsms_sim_group_names[DSMS_SIM_GROUPS] = {"opiate", "non_opiate",
                                                           "non_opiate_alcohol", "alcohol"};
enum { GR_OPIATE, GR_NON_OPIATE, GR_MIXED, GR_ALCOHOL };
enum { NO_DAY = INT_MIN, OPEN = INT_MAX };
enum { REPRESENT_DAYS = 182, WAIT_DAYS = 21, CONTINUITY_DAYS = 21 };

/* ---- a string map: each distinct key gets the next dense index ------------ */

typedef struct {
    uint64_t hash;
    size_t key;               /* offset of the key in text, plus 1; 0: empty slot */
    int value;
} slot;

typedef struct {
    char *text;               /* the keys, each NUL-terminated */
    size_t len, cap;
    slot *slots;
    size_t nslots;
    int n;
} strmap;

static uint64_t hash_of(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ull;  /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

static int map_rehash(strmap *m)
{
    size_t ns = m->nslots ? m->nslots * 2 : 1024;
    slot *s = calloc(ns, sizeof *s);
    if (!s) return -1;
    for (size_t i = 0; i < m->nslots; i++) {
        if (!m->slots[i].key) continue;
        size_t j = m->slots[i].hash & (ns - 1);
        while (s[j].key) j = (j + 1) & (ns - 1);
        s[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = s;
    m->nslots = ns;
    return 0;
}

static int map_keep(strmap *m, const char *k, size_t n)
{
    if (m->len + n + 1 > m->cap) {
        char *t = dsms_grow(m->text, &m->cap, m->len + n + 1, 1, 1 << 16);
        if (!t) return -1;
        m->text = t;
    }
    memcpy(m->text + m->len, k, n);
    m->text[m->len + n] = 0;
    m->len += n + 1;
    return 0;
}

/* The index of key k[0..n): with add, a new key gets the next index. Returns
 * -1 when absent (without add), -2 when out of memory. */
static int map_get(strmap *m, const char *k, size_t n, int add)
{
    if (add && (size_t)m->n * 2 >= m->nslots && map_rehash(m)) return -2;
    if (!m->nslots) return -1;
    uint64_t h = hash_of(k, n);
    size_t j = h & (m->nslots - 1);
    for (; m->slots[j].key; j = (j + 1) & (m->nslots - 1)) {
        const char *s = m->text + m->slots[j].key - 1;
        if (m->slots[j].hash == h && memcmp(s, k, n) == 0 && s[n] == 0) return m->slots[j].value;
    }
    if (!add) return -1;
    if (map_keep(m, k, n)) return -2;
    m->slots[j] = (slot){h, m->len - n, m->n};
    return m->n++;
}

static void map_free(strmap *m)
{
    free(m->text);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

/* ---- what is read from the files ------------------------------------------ */

typedef struct {
    int person, period, area;
    int referral, first, discharge;  /* first NO_DAY when none; discharge OPEN when open */
    unsigned char group, community, success, ost, transfer;
} episode;

typedef struct {
    int person, date, need;
} release;

typedef struct {
    int date, misuse; /* date: of registration, or of death when that is missing */
} death;

typedef struct {
    char period[16];
    char *file;
    int table;                /* index into used_tables */
} entry;

static const char *const used_tables[] = {"episodes", "prison_releases", "deaths"};
enum { U_EPISODES, U_RELEASES, U_DEATHS, U_N };

typedef struct {
    const dsms_refdata *ref;
    const char *dir;
    dsms_err *err;
    char (*periods)[16];
    int nperiods;
    strmap episode_keys, people;
    episode *ep;
    size_t nep, epcap;
    release *rel;
    size_t nrel, relcap;
    death *dth;
    size_t ndth, dthcap;
    int *by_person, *person_start;   /* episodes of each person: a CSR index */
    long rows, skipped;
    int area_cache;
} tree;

static void tree_free(tree *t)
{
    map_free(&t->episode_keys);
    map_free(&t->people);
    free(t->periods);
    free(t->ep);
    free(t->rel);
    free(t->dth);
    free(t->by_person);
    free(t->person_start);
}

/* A date field: its day, NO_DAY when empty, or 1 in *bad when not a date. */
static int day_of(const char *s, int *bad)
{
    if (!*s) return NO_DAY;
    int64_t d = dsms_date_parse(s, strlen(s));
    if (d == INT64_MIN || d < INT_MIN / 2 || d > INT_MAX / 2) {
        *bad = 1;
        return NO_DAY;
    }
    return (int)d;
}

static int area_index(tree *t, const char *code)
{
    const dsms_refdata *ref = t->ref;
    if (t->area_cache >= 0 && strcmp(ref->areas[t->area_cache].code, code) == 0)
        return t->area_cache;
    int a = dsms_refdata_area(ref, code);
    if (a >= 0) t->area_cache = a;
    return a;
}

/* A substance's group as the data set's code list gives it (opiate,
 * non_opiate, alcohol), or "" when the code is not in it. */
static const char *substance_group(const char *s)
{
    const dsms_table *t = dsms_table_find("episodes");
    const dsms_codelist *cl = t->fields[dsms_field_index(t, "substance_1")].codes;
    const dsms_code *c = dsms_code_find(cl, s, strlen(s));
    return c && c->group ? c->group : "";
}

/* The substance group of an episode from its up to three substances. */
static int group_of(const char *const s[3])
{
    int alcohol = 0, other = 0;
    for (int i = 0; i < 3; i++) {
        if (!*s[i]) continue;
        const char *g = substance_group(s[i]);
        if (strcmp(g, "opiate") == 0) return GR_OPIATE;
        if (strcmp(g, "alcohol") == 0) alcohol = 1;
        else other = 1;
    }
    return alcohol ? (other ? GR_MIXED : GR_ALCOHOL) : GR_NON_OPIATE;
}

/* A person's key: the attributor, or with no consent the provider's client. */
static int person_of(tree *t, int consent, const char *a, const char *b, const char *c)
{
    char k[256];
    int n = consent ? snprintf(k, sizeof k, "A%s\x1f%s\x1f%s", a, b, c)
                    : snprintf(k, sizeof k, "N%s\x1f%s", a, b);
    if (n < 0 || (size_t)n >= sizeof k) return -1;
    return map_get(&t->people, k, (size_t)n, 1);
}

/* ---- rows ------------------------------------------------------------------ */

static const char *const episode_cols[] = {
    "provider_code", "client_ref", "episode_ref", "initials", "date_of_birth", "sex",
    "consent", "area_code", "referral_date", "referral_source", "first_intervention_date",
    "setting", "substance_1", "substance_2", "substance_3", "discharge_date",
    "discharge_reason", "ost_at_exit", NULL};
enum { E_PROVIDER, E_CLIENT, E_EPISODE, E_INITIALS, E_DOB, E_SEX, E_CONSENT, E_AREA,
       E_REFERRAL, E_SOURCE, E_FIRST, E_SETTING, E_SUB1, E_SUB2, E_SUB3, E_DISCHARGE,
       E_REASON, E_OST };
static const char *const release_cols[] = {"initials", "date_of_birth", "sex", "release_date",
                                           "treatment_need", NULL};
static const char *const death_cols[] = {"date_of_death", "drug_misuse", "registration_date",
                                         NULL};
static const char *const *const table_cols[U_N] = {episode_cols, release_cols, death_cols};

static int oom(tree *t)
{
    dsms_err_set(t->err, "out of memory");
    return -1;
}

/* Each row function returns 0 when the row is taken (or superseded), 1 when
 * it cannot be read, -1 with t->err set when reading must stop. */
static int episode_row(tree *t, const char *const *v, void *ctx, long line)
{
    (void)line;
    int bad = 0, period = *(const int *)ctx;
    episode e = {0};
    e.period = period;
    e.referral = day_of(v[E_REFERRAL], &bad);
    e.first = day_of(v[E_FIRST], &bad);
    e.discharge = day_of(v[E_DISCHARGE], &bad);
    if (bad || e.referral == NO_DAY) return 1;
    if (e.discharge == NO_DAY) e.discharge = OPEN;
    char key[256];
    int n = snprintf(key, sizeof key, "%s\x1f%s", v[E_PROVIDER], v[E_EPISODE]);
    if (n < 0 || (size_t)n >= sizeof key) return 1;
    /* The latest period's version stands; a second row in one period is a duplicate. */
    int i = map_get(&t->episode_keys, key, (size_t)n, 0);
    if (i >= 0 && t->ep[i].period >= period) return 0;
    int consent = strcmp(v[E_CONSENT], "Y") == 0;
    e.person = consent ? person_of(t, 1, v[E_INITIALS], v[E_DOB], v[E_SEX])
                       : person_of(t, 0, v[E_PROVIDER], v[E_CLIENT], NULL);
    if (e.person == -2) return oom(t);
    if (e.person < 0) return 1;
    e.area = area_index(t, v[E_AREA]);
    e.group = (unsigned char)group_of((const char *const[]){v[E_SUB1], v[E_SUB2], v[E_SUB3]});
    e.community = strcmp(v[E_SETTING], "C") == 0;
    e.success = strncmp(v[E_REASON], "completed_", 10) == 0;
    e.ost = strcmp(v[E_OST], "Y") == 0;
    e.transfer = strcmp(v[E_SOURCE], "other_treatment") == 0;
    if (i < 0) {
        if (dsms_room_for((void **)&t->ep, &t->epcap, t->nep, sizeof *t->ep, FIRST_ROWS) ||
            (i = map_get(&t->episode_keys, key, (size_t)n, 1)) < 0)
            return oom(t);
        t->nep++;
    }
    t->ep[i] = e;
    return 0;
}

static int release_row(tree *t, const char *const *v, void *ctx, long line)
{
    (void)ctx, (void)line;
    int bad = 0;
    release r = {0, day_of(v[3], &bad), strcmp(v[4], "Y") == 0};
    if (bad || r.date == NO_DAY) return 1;
    r.person = person_of(t, 1, v[0], v[1], v[2]);
    if (r.person == -2 ||
        dsms_room_for((void **)&t->rel, &t->relcap, t->nrel, sizeof *t->rel, FIRST_ROWS))
        return oom(t);
    if (r.person < 0) return 1;
    t->rel[t->nrel++] = r;
    return 0;
}

static int death_row(tree *t, const char *const *v, void *ctx, long line)
{
    (void)ctx, (void)line;
    int bad = 0;
    int registered = day_of(v[2], &bad);
    death d = {registered != NO_DAY ? registered : day_of(v[0], &bad), strcmp(v[1], "Y") == 0};
    if (bad || d.date == NO_DAY) return 1;
    if (
        dsms_room_for((void **)&t->dth, &t->dthcap, t->ndth,
                      sizeof *t->dth, FIRST_ROWS)) return oom(t);
    t->dth[t->ndth++] = d;
    return 0;
}

typedef int (*row_fn)(tree *t, const char *const *v, void *ctx, long line);
static const row_fn table_row[U_N] = {episode_row, release_row, death_row};

/* ---- files ----------------------------------------------------------------- */

enum { MAX_COLS = 24 };

/* Where each wanted column is in a header; an error names the one missing. */
static int find_columns(const dsms_csv_row *h, const char *const *want, int *col,
                        const char *path, dsms_err *err)
{
    for (int k = 0; want[k]; k++) {
        col[k] = -1;
        for (size_t i = 0; i < h->nfields; i++)
            if (strcmp(h->field[i], want[k]) == 0) col[k] = (int)i;
        if (col[k] < 0) {
            dsms_err_set(err, "%s:1: header: no column %s (expected the header dsms simulate "
                              "writes)", path, want[k]);
            return -1;
        }
    }
    return 0;
}

/* Each row of path, its wanted columns in v, to fn; with count, the rows are
 * counted in t->rows and those unreadable in t->skipped. */
static int read_rows(tree *t, const char *path, const char *const *want, row_fn fn, void *ctx,
                     int count)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        dsms_err_set(t->err, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    dsms_csv *c = dsms_csv_open_fd(fd, NULL, NULL);
    dsms_csv_row row;
    int col[MAX_COLS], got = 0, rc = c ? 0 : oom(t);
    size_t nheader = 0;
    while (!rc && (got = dsms_csv_next(c, &row)) == 1) {
        if (!nheader) {
            nheader = row.nfields ? row.nfields : 1;
            rc = find_columns(&row, want, col, path, t->err);
            continue;
        }
        t->rows += count;
        if (row.status != DSMS_CSV_OK || row.nfields != nheader) {
            t->skipped += count;
            continue;
        }
        const char *v[MAX_COLS];
        for (int k = 0; want[k]; k++) v[k] = row.field[col[k]];
        int r = fn(t, v, ctx, row.line);
        if (r < 0) rc = -1;
        else if (count) t->skipped += r;
    }
    if (!rc && got < 0) dsms_err_set(t->err, "%s: read failed: %s", path, strerror(errno)), rc = -1;
    if (c) dsms_csv_close(c);
    close(fd);
    return rc;
}

/* ---- the manifest ---------------------------------------------------------- */

typedef struct {
    entry *v;
    size_t n, cap;
} entries;

static const char *const manifest_cols[] = {"period", "table", "file", NULL};

static int is_period(const char *p)
{
    static const char shape[] = "dddd-dd";
    for (size_t i = 0; i < sizeof shape - 1; i++)
        if (shape[i] == 'd' ? !(p[i] >= '0' && p[i] <= '9') : p[i] != shape[i]) return 0;
    return p[sizeof shape - 1] == 0;
}

static int manifest_row(tree *t, const char *const *v, void *ctx, long line)
{
    entries *l = ctx;
    if (!is_period(v[0])) {
        dsms_err_set(t->err, "%s/manifest.csv:%ld: period: '%.20s' is not a financial year "
                             "(expected YYYY-YY)", t->dir, line, v[0]);
        return -1;
    }
    int u = -1;
    for (int k = 0; k < U_N; k++)
        if (strcmp(v[1], used_tables[k]) == 0) u = k;
    if (u < 0) return 0;
    if (
        dsms_room_for((void **)&l->v, &l->cap, l->n,
                      sizeof *l->v, FIRST_ROWS) || !(l->v[l->n].file = strdup(v[2])))
        return oom(t);
    snprintf(l->v[l->n].period, sizeof l->v[l->n].period, "%s", v[0]);
    l->v[l->n++].table = u;
    return 0;
}

static int by_text(const void *a, const void *b) { return strcmp(a, b); }

/* The distinct periods of the entries, in order. */
static int collect_periods(tree *t, const entries *l)
{
    t->periods = malloc((l->n ? l->n : 1) * sizeof *t->periods);
    if (!t->periods) return dsms_err_set(t->err, "out of memory"), -1;
    for (size_t i = 0; i < l->n; i++) {
        int seen = 0;
        for (int k = 0; k < t->nperiods && !seen; k++)
            seen = strcmp(t->periods[k], l->v[i].period) == 0;
        if (!seen) memcpy(t->periods[t->nperiods++], l->v[i].period, 16);
    }
    qsort(t->periods, (size_t)t->nperiods, sizeof *t->periods, by_text);
    return 0;
}

static int period_index(const tree *t, const char *period)
{
    for (int k = 0; k < t->nperiods; k++)
        if (strcmp(t->periods[k], period) == 0) return k;
    return -1;
}

static int read_tree(tree *t)
{
    char path[8192];
    entries l = {0};
    snprintf(path, sizeof path, "%s/manifest.csv", t->dir);
    int rc = read_rows(t, path, manifest_cols, manifest_row, &l, 0);
    if (!rc) rc = collect_periods(t, &l);
    if (!rc && !t->nperiods)
        dsms_err_set(t->err, "%s: lists no episodes, releases or deaths", path), rc = -1;
    for (size_t i = 0; !rc && i < l.n; i++) {
        const entry *e = &l.v[i];
        int n = snprintf(path, sizeof path, "%s/%s", t->dir, e->file);
        if (n < 0 || (size_t)n >= sizeof path) {
            dsms_err_set(t->err, "%s/%.100s: path too long", t->dir, e->file);
            rc = -1;
            break;
        }
        int period = period_index(t, e->period);
        rc = read_rows(t, path, table_cols[e->table], table_row[e->table], &period, 1);
    }
    for (size_t i = 0; i < l.n; i++) free(l.v[i].file);
    free(l.v);
    return rc;
}

/* Each person's episodes, by_person[person_start[p] .. person_start[p + 1]). */
static int index_people(tree *t)
{
    size_t np = (size_t)t->people.n;
    t->person_start = calloc(np + 1, sizeof *t->person_start);
    t->by_person = malloc((t->nep ? t->nep : 1) * sizeof *t->by_person);
    if (!t->person_start || !t->by_person) return dsms_err_set(t->err, "out of memory"), -1;
    for (size_t i = 0; i < t->nep; i++) t->person_start[t->ep[i].person + 1]++;
    for (size_t p = 0; p < np; p++) t->person_start[p + 1] += t->person_start[p];
    int *fill = malloc((np ? np : 1) * sizeof *fill);
    if (!fill) return dsms_err_set(t->err, "out of memory"), -1;
    memcpy(fill, t->person_start, np * sizeof *fill);
    for (size_t i = 0; i < t->nep; i++) t->by_person[fill[t->ep[i].person]++] = (int)i;
    free(fill);
    return 0;
}

/* ---- one year's figures ---------------------------------------------------- */

/* In community treatment in the year, as dsms counts people in treatment. */
static int in_year(const episode *e, int ys, int ye)
{
    return e->community && e->referral <= ye && e->first != NO_DAY && e->first <= ye &&
           e->discharge >= ys;
}

/* Whether a is a later episode than b: referred later, then started later. */
static int later(const episode *a, int ia, const episode *b, int ib)
{
    if (a->referral != b->referral) return a->referral > b->referral;
    if (a->first != b->first) return a->first > b->first;
    return ia > ib;
}

/* A new referral within 1..182 days after day, in any period. */
static int represented(const tree *t, int person, int day)
{
    for (int k = t->person_start[person]; k < t->person_start[person + 1]; k++) {
        int r = t->ep[t->by_person[k]].referral;
        if (r > day && r <= day + REPRESENT_DAYS) return 1;
    }
    return 0;
}

/* In community treatment within 21 days of release, or already at release. */
static int continued(const tree *t, int person, int day)
{
    for (int k = t->person_start[person]; k < t->person_start[person + 1]; k++) {
        const episode *e = &t->ep[t->by_person[k]];
        if (e->community && e->first != NO_DAY && e->first <= day + CONTINUITY_DAYS &&
            e->discharge >= day)
            return 1;
    }
    return 0;
}

typedef struct {
    double v;
    size_t i;
} ranked;

static int by_value(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    return x->v < y->v ? -1 : x->v > y->v ? 1 : x->i < y->i ? -1 : x->i > y->i;
}

/* Ranks 1..n, ties given their average rank. */
static void rank(const double *v, size_t n, ranked *tmp, double *r)
{
    for (size_t i = 0; i < n; i++) tmp[i] = (ranked){v[i], i};
    qsort(tmp, n, sizeof *tmp, by_value);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && tmp[j + 1].v == tmp[i].v) j++;
        for (size_t k = i; k <= j; k++) r[tmp[k].i] = (double)(i + j) / 2 + 1;
        i = j + 1;
    }
}

static double pearson(const double *a, const double *b, size_t n)
{
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) ma += a[i] / (double)n, mb += b[i] / (double)n;
    for (size_t i = 0; i < n; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : NAN;
}

static int spearman(const double *a, const double *b, size_t n, double *out)
{
    double *ra = malloc((n ? n : 1) * sizeof *ra), *rb = malloc((n ? n : 1) * sizeof *rb);
    ranked *tmp = malloc((n ? n : 1) * sizeof *tmp);
    int rc = ra && rb && tmp ? 0 : -1;
    if (!rc) {
        rank(a, n, tmp, ra);
        rank(b, n, tmp, rb);
        *out = pearson(ra, rb, n);
    }
    free(ra);
    free(rb);
    free(tmp);
    return rc;
}

/* Who is in treatment: each person's latest episode in the year, and their
 * episode with the latest discharge in it. */
static void people_in_year(const tree *t, int ys, int ye, int *latest, int *discharged)
{
    for (size_t i = 0; i < t->nep; i++) {
        const episode *e = &t->ep[i];
        if (!in_year(e, ys, ye)) continue;
        int p = e->person, l = latest[p], d = discharged[p];
        if (l < 0 || later(e, (int)i, &t->ep[l], l)) latest[p] = (int)i;
        if (e->discharge >= ys && e->discharge <= ye &&
            (d < 0 || e->discharge > t->ep[d].discharge ||
             (e->discharge == t->ep[d].discharge && later(e, (int)i, &t->ep[d], d))))
            discharged[p] = (int)i;
    }
}

static void count_people(const tree *t, const int *latest, const int *discharged,
                         double *opiates, double *opiates_done, dsms_sim_year *y)
{
    for (int p = 0; p < t->people.n; p++) {
        if (latest[p] < 0) continue;
        const episode *l = &t->ep[latest[p]];
        int g = l->group;
        y->in_treatment++;
        y->group[g]++;
        if (g == GR_OPIATE && l->area >= 0) opiates[l->area]++;
        if (discharged[p] < 0) continue;
        const episode *d = &t->ep[discharged[p]];
        if (d->success && !(g == GR_OPIATE && d->ost) && !represented(t, p, d->discharge)) {
            y->completed[g]++;
            if (g == GR_OPIATE && l->area >= 0) opiates_done[l->area]++;
        }
    }
}

/* Areas of DSMS_SIM_SPREAD_MIN opiate people needed to compare them. */
#define SPREAD_AREAS 20

/* How far apart areas are: the best opiate completion rate over the poorest,
 * among areas large enough for the rate to mean something. */
static void area_spread(size_t nareas, const double *opiates, const double *done,
                        dsms_sim_year *y)
{
    double lo = INFINITY, hi = 0;
    y->spread_areas = 0;
    for (size_t a = 0; a < nareas; a++) {
        if (opiates[a] < DSMS_SIM_SPREAD_MIN) continue;
        double r = done[a] / opiates[a];
        y->spread_areas++;
        if (r < lo) lo = r;
        if (r > hi) hi = r;
    }
    y->spread = y->spread_areas >= SPREAD_AREAS && lo > 0 ? hi / lo : NAN;
}

static void count_events(const tree *t, int ys, int ye, dsms_sim_year *y)
{
    for (size_t i = 0; i < t->nep; i++) {
        const episode *e = &t->ep[i];
        if (e->first == NO_DAY || e->first < ys || e->first > ye || e->transfer) continue;
        y->new_episodes++;
        y->waited_3wk += e->first - e->referral <= WAIT_DAYS;
    }
    for (size_t i = 0; i < t->nrel; i++) {
        const release *r = &t->rel[i];
        if (r->date < ys || r->date > ye || !r->need) continue;
        y->releases_need++;
        y->continuity += continued(t, r->person, r->date);
    }
    for (size_t i = 0; i < t->ndth; i++) {
        if (t->dth[i].date < ys || t->dth[i].date > ye) continue;
        y->deaths++;
        y->drug_deaths += t->dth[i].misuse;
    }
}

/* Drug-misuse deaths registered in the calendar year that financial year k
 * starts in, when the files hold all of it (the year before's too). */
static void calendar_deaths(const tree *t, int k, dsms_sim_year *y)
{
    y->drug_deaths_calendar = -1;
    if (k == 0 || atoi(t->periods[k - 1]) != y->year - 1) return;
    int from = (int)dsms_date_of(y->year, 1, 1), to = (int)dsms_date_of(y->year + 1, 1, 1) - 1;
    y->drug_deaths_calendar = 0;
    for (size_t i = 0; i < t->ndth; i++)
        if (t->dth[i].date >= from && t->dth[i].date <= to)
            y->drug_deaths_calendar += t->dth[i].misuse;
}

static int area_rates(const tree *t, double *opiates, dsms_sim_year *y)
{
    const dsms_refdata *ref = t->ref;
    double *need = malloc((ref->nareas ? ref->nareas : 1) * sizeof *need);
    if (!need) return -1;
    for (size_t a = 0; a < ref->nareas; a++) {
        double pop = dsms_area_people_15_64(&ref->areas[a]);
        opiates[a] = pop > 0 ? opiates[a] * 1000 / pop : 0;
        need[a] = ref->areas[a].opiate_crack_per_1000;
    }
    int rc = spearman(opiates, need, ref->nareas, &y->spearman);
    free(need);
    y->opiate_rate = opiates;
    return rc;
}

static int year_figures(const tree *t, int k, int *latest, int *discharged, dsms_sim_year *y)
{
    memset(y, 0, sizeof *y);
    snprintf(y->period, sizeof y->period, "%s", t->periods[k]);
    y->year = atoi(y->period);
    int ys = (int)dsms_financial_year_start(y->year);
    int ye = (int)dsms_financial_year_start(y->year + 1) - 1;
    size_t np = (size_t)t->people.n;
    memset(latest, 0xff, np * sizeof *latest);         /* all -1 */
    memset(discharged, 0xff, np * sizeof *discharged);
    size_t na = t->ref->nareas ? t->ref->nareas : 1;
    double *opiates = calloc(na, sizeof *opiates), *done = calloc(na, sizeof *done);
    if (!opiates || !done) {
        free(opiates);
        free(done);
        return -1;
    }
    people_in_year(t, ys, ye, latest, discharged);
    count_people(t, latest, discharged, opiates, done, y);
    area_spread(t->ref->nareas, opiates, done, y);
    free(done);
    count_events(t, ys, ye, y);
    calendar_deaths(t, k, y);
    if (area_rates(t, opiates, y)) {
        free(opiates);
        y->opiate_rate = NULL;
        return -1;
    }
    return 0;
}

static int all_years(const tree *t, dsms_sim_figures *out)
{
    size_t np = t->people.n ? (size_t)t->people.n : 1;
    int *latest = malloc(np * sizeof *latest), *discharged = malloc(np * sizeof *discharged);
    out->year = calloc((size_t)t->nperiods, sizeof *out->year);
    int rc = latest && discharged && out->year ? 0 : -1;
    for (int k = 0; !rc && k < t->nperiods; k++) {
        rc = year_figures(t, k, latest, discharged, &out->year[k]);
        out->nyears = k + 1;
    }
    free(latest);
    free(discharged);
    if (rc) dsms_err_set(t->err, "out of memory");
    return rc;
}

int dsms_sim_calibration(const char *dir, const dsms_refdata *ref, long people,
                         dsms_sim_figures *out, dsms_err *err)
{
    memset(out, 0, sizeof *out);
    tree t;
    memset(&t, 0, sizeof t);
    t.ref = ref;
    t.dir = dir;
    t.err = err;
    t.area_cache = -1;
    int rc = read_tree(&t);
    if (!rc) rc = index_people(&t);
    if (!rc) {
        out->nareas = ref->nareas;
        out->people = people > 0 ? people : DSMS_SIM_DEFAULT_PEOPLE;
        out->rows = t.rows;
        out->skipped = t.skipped;
        rc = all_years(&t, out);
    }
    tree_free(&t);
    if (rc) dsms_sim_figures_free(out);
    return rc;
}

void dsms_sim_figures_free(dsms_sim_figures *f)
{
    for (int k = 0; f->year && k < f->nyears; k++) free(f->year[k].opiate_rate);
    free(f->year);
    memset(f, 0, sizeof *f);
}

/* ---- targets --------------------------------------------------------------- */

enum { T_OPIATE_SHARE, T_DONE_OPIATE, T_DONE_NON_OPIATE, T_DONE_MIXED, T_DONE_ALCOHOL,
       T_WAITS, T_CONTINUITY, T_DEATHS, T_SPEARMAN, T_SPREAD, T_N };

/* What England's monitoring reports, with room for a simulation's noise. The
 * Spearman bound is for a small nation; a national one should do better. */
static const dsms_sim_target targets[T_N] = {
    [T_OPIATE_SHARE] = {"opiate_share", "opiate share of people in treatment", 0.45, 0.55, "%.3f"},
    [T_DONE_OPIATE] = {"completion_opiate", "successful completion: opiate", 0.04, 0.08, "%.3f"},
    [T_DONE_NON_OPIATE] = {"completion_non_opiate", "successful completion: non_opiate", 0.28,
                           0.42, "%.3f"},
    [T_DONE_MIXED] = {"completion_non_opiate_alcohol",
                      "successful completion: non_opiate_alcohol", 0.26, 0.42, "%.3f"},
    [T_DONE_ALCOHOL] = {"completion_alcohol", "successful completion: alcohol", 0.28, 0.42,
                        "%.3f"},
    [T_WAITS] = {"waits_3wk", "new episodes started within 3 weeks", 0.85, 1, "%.3f"},
    [T_CONTINUITY] = {"continuity_of_care", "continuity of care after prison", 0.15, 0.49,
                      "%.3f"},
    [T_DEATHS] = {"drug_deaths_national", "drug-misuse deaths, scaled to the nation", 1500, 5000,
                  "%.0f"},
    [T_SPEARMAN] = {"opiate_rate_spearman", "opiate rate by area vs estimated use (Spearman)",
                    0.6, 1, "%.3f"},
    /* The 2017 strategy: success rates "vary by a factor of five between the best and
     * poorest performing local authorities". */
    [T_SPREAD] = {"completion_opiate_spread", "opiate completion, best area / poorest", 3, 10,
                  "%.1f"},
};

const dsms_sim_target *dsms_sim_targets(size_t *n)
{
    *n = T_N;
    return targets;
}

static double ratio(long a, long b) { return b > 0 ? (double)a / (double)b : NAN; }

double dsms_sim_value(const dsms_sim_figures *f, int y, size_t t)
{
    const dsms_sim_year *v = &f->year[y];
    switch (t) {
    case T_OPIATE_SHARE: return ratio(v->group[GR_OPIATE], v->in_treatment);
    case T_DONE_OPIATE: case T_DONE_NON_OPIATE: case T_DONE_MIXED: case T_DONE_ALCOHOL: {
        int g = (int)(t - T_DONE_OPIATE);
        return ratio(v->completed[g], v->group[g]);
    }
    case T_WAITS: return ratio(v->waited_3wk, v->new_episodes);
    case T_CONTINUITY: return ratio(v->continuity, v->releases_need);
    case T_DEATHS:
        return f->people > 0 ? (double)v->drug_deaths * DSMS_SIM_DEFAULT_PEOPLE / (double)f->people
                             : NAN;
    case T_SPEARMAN: return v->spearman;
    case T_SPREAD: return v->spread;
    default: return NAN;
    }
}

int dsms_sim_within(const dsms_sim_target *t, double v)
{
    return !isnan(v) && v >= t->lo && v <= t->hi;
}

int dsms_sim_assess(const dsms_sim_figures *f, int y, size_t t)
{
    if (t == T_SPREAD && f->year[y].spread_areas < SPREAD_AREAS) return -1;
    return dsms_sim_within(&targets[t], dsms_sim_value(f, y, t));
}
