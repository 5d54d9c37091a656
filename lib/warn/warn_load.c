/* warn_load.c — the early-warning reports and the deaths read from the store
 * into arrays (warn_int.h): places, substances and codes as indices, so that
 * the signals count and compare numbers. A report's substance_text is
 * matched against the register here: a name the register knows, spelt as
 * reported or a slip away, is that substance, not a new one. */
#include <stdlib.h>
#include <string.h>

#include "dsms/field.h"
#include "dsms/grow.h"
#include "dsms/substances_store.h"
#include "warn_int.h"

/* A code and its index, sorted by code for bsearch. */
typedef struct {
    const char *code;
    int index;
} code_index;

static int by_code(const void *a, const void *b)
{
    return strcmp(((const code_index *)a)->code, ((const code_index *)b)->code);
}

typedef struct {
    ew_data *d;
    code_index *places, *subs;
    size_t nplaces, nsubs;
    const dsms_table *t;
    int today;
    int tox_group[32], hospital, product[16], severe_code[8];
    dsms_err *err;
} loader;

static int find(const code_index *a, size_t n, const char *s, size_t len)
{
    char key[64];
    if (!s || len == 0 || len >= sizeof key) return -1;
    memcpy(key, s, len);
    key[len] = 0;
    code_index k = {key, 0}, *hit = n ? bsearch(&k, a, n, sizeof *a, by_code) : NULL;
    return hit ? hit->index : -1;
}

static int pool_add(ew_data *d, const char *s, size_t len)
{
    if (!s) return -1;
    void *p = dsms_grow(d->pool, &d->cappool, d->npool + len + 1, 1, 4096);
    if (!p) return -2;
    d->pool = p;
    int at = (int)d->npool;
    memcpy(d->pool + d->npool, s, len);
    d->pool[d->npool + len] = 0;
    d->npool += len + 1;
    return at;
}

const char *ew_text(const ew_data *d, int offset) { return offset < 0 ? "" : d->pool + offset; }

const char *ew_place_code(const ew_data *d, int place)
{
    if (place < 0) return "";
    if ((size_t)place < d->ref.nareas) return d->ref.areas[place].code;
    return d->ref.prisons[(size_t)place - d->ref.nareas].code;
}

const char *ew_place_name(const ew_data *d, int place)
{
    if (place < 0) return "";
    if ((size_t)place < d->ref.nareas) return d->ref.areas[place].name;
    return d->ref.prisons[(size_t)place - d->ref.nareas].name;
}

static int make_indices(loader *l)
{
    ew_data *d = l->d;
    d->nplaces = d->ref.nareas + d->ref.nprisons;
    l->places = malloc((d->nplaces + 1) * sizeof *l->places);
    l->subs = malloc((d->reg.n + 1) * sizeof *l->subs);
    if (!l->places || !l->subs) return -1;
    for (size_t i = 0; i < d->nplaces; i++)
        l->places[i] = (code_index){ew_place_code(d, (int)i), (int)i};
    for (size_t i = 0; i < d->reg.n; i++) l->subs[i] = (code_index){d->reg.items[i].code, (int)i};
    l->nplaces = d->nplaces;
    l->nsubs = d->reg.n;
    qsort(l->places, l->nplaces, sizeof *l->places, by_code);
    qsort(l->subs, l->nsubs, sizeof *l->subs, by_code);
    return 0;
}

/* The groups of the codes the signals ask about, by code number (1-based). */
static void code_groups(loader *l)
{
    const dsms_table *t = l->t;
    const dsms_codelist *src = t->fields[dsms_field_index(t, "source_type")].codes;
    const dsms_codelist *mx = t->fields[dsms_field_index(t, "matrix")].codes;
    for (size_t i = 0; i < src->ncodes && i < 31; i++)
        l->tox_group[i + 1] = src->codes[i].group && strcmp(src->codes[i].group, "toxicology") == 0;
    l->hospital = (int)(dsms_code_find(src, "toxicology_hospital", 19) - src->codes) + 1;
    for (size_t i = 0; i < mx->ncodes && i < 15; i++)
        l->product[i + 1] = mx->codes[i].group && strcmp(mx->codes[i].group, "product") == 0;
}

static int cell_day(const dsms_cell *c) { return c->null ? DSMS_DAY_NONE : (int)c->i; }

/* The codes of a semicolon-separated list into r->sub. */
static void substances_of(loader *l, ew_report *r, const dsms_cell *c)
{
    if (c->null || !c->s) return;
    const char *s = c->s, *end = c->s + c->len;
    while (s < end && r->nsub < EW_SUBS) {
        const char *semi = memchr(s, ';', (size_t)(end - s)), *stop = semi ? semi : end;
        int k = find(l->subs, l->nsubs, s, (size_t)(stop - s)), dup = 0;
        /* a substance given twice is one of the report's, not two */
        for (int i = 0; i < r->nsub; i++) dup |= r->sub[i] == k;
        if (k >= 0 && !dup) r->sub[r->nsub++] = k;
        s = stop + 1;
    }
}

/* substance_text matched to the register: a substance it names, else kept
 * as text, an unregistered name. */
static int text_of(loader *l, ew_report *r, const dsms_cell *c)
{
    if (c->null || !c->s || c->len == 0) return 0;
    dsms_match m;
    dsms_substance_match_n(&l->d->reg, c->s, c->len, &m);
    if (m.kind == DSMS_MATCH_EXACT || m.kind == DSMS_MATCH_SYNONYM || m.kind == DSMS_MATCH_NEAR) {
        int dup = 0;
        for (int i = 0; i < r->nsub; i++) dup |= r->sub[i] == m.substance;
        if (!dup && r->nsub < EW_SUBS) r->sub[r->nsub++] = m.substance, r->matched = 1;
        return 0;
    }
    return (r->text = pool_add(l->d, c->s, c->len)) == -2 ? -1 : 0;
}

static const char *const report_columns[] = {
    "reporter_code", "report_ref", "source_type", "date_sampled", "date_reported",
    "area_code",     "prison_code", "substances", "substance_text", "matrix",
    "sold_as",       "severity"};

static int report_row(void *ctx, const dsms_cell *c)
{
    loader *l = ctx;
    ew_data *d = l->d;
    if (cell_day(&c[4]) > l->today) return 0; /* not yet reported on the day assessed */
    if (dsms_room_for((void **)&d->r, &d->capr, d->nr, sizeof *d->r, 4096)) return -1;
    ew_report r = {.sampled = cell_day(&c[3]), .reported = cell_day(&c[4]), .place = -1,
                   .area = -1, .region = -1, .sold_as = -1, .text = -1};
    r.place = find(l->places, l->nplaces, c[5].s, c[5].len);
    if (r.place < 0) r.place = find(l->places, l->nplaces, c[6].s, c[6].len);
    if (r.place >= 0)
        r.area = (size_t)r.place < d->ref.nareas
                     ? r.place
                     : d->ref.prisons[(size_t)r.place - d->ref.nareas].area;
    if (r.area >= 0) r.region = d->ref.areas[r.area].region;
    int src = c[2].null ? 0 : (int)c[2].i, mx = c[9].null ? 0 : (int)c[9].i;
    r.source = (unsigned char)(src > 0 ? src - 1 : 0);
    r.toxicology = src > 0 && src < 32 && l->tox_group[src];
    r.hospital = src == l->hospital;
    r.matrix = (unsigned char)(mx > 0 ? mx - 1 : 0);
    r.product = mx > 0 && mx < 16 && l->product[mx];
    r.severity = (unsigned char)(c[11].null ? 0 : c[11].i);
    substances_of(l, &r, &c[7]);
    if (text_of(l, &r, &c[8])) return -1;
    if (!c[10].null) r.sold_as = find(l->subs, l->nsubs, c[10].s, c[10].len);
    if ((r.reporter = pool_add(d, c[0].s, c[0].len)) < 0 ||
        (r.ref = pool_add(d, c[1].s, c[1].len)) < 0)
        return -1;
    d->r[d->nr++] = r;
    return 0;
}

/* The substance families a death certificate's substances (the data set's
 * substance codes) belong to. */
static unsigned death_families(const char *s, size_t len)
{
    static const struct {
        const char *code, *family;
    } map[] = {{"heroin", "opioids"},
               {"methadone_illicit", "opioids"},
               {"other_opiates", "opioids"},
               {"buprenorphine_illicit", "opioids"},
               {"crack", "cocaine"},
               {"cocaine", "cocaine"},
               {"amphetamines", "stimulants_other"},
               {"ecstasy", "phenethylamines"},
               {"cannabis", "cannabis"},
               {"synthetic_cannabinoids", "synthetic_cannabinoids"},
               {"other_nps", "other"},
               {"ketamine", "arylcyclohexylamines"},
               {"ghb_gbl", "depressants_other"},
               {"benzodiazepines", "benzodiazepines"},
               {"hallucinogens", "tryptamines"}};
    unsigned bits = 0;
    const char *end = s + len;
    while (s && s < end) {
        const char *semi = memchr(s, ';', (size_t)(end - s)), *stop = semi ? semi : end;
        for (size_t i = 0; i < sizeof map / sizeof *map; i++)
            if (strlen(map[i].code) == (size_t)(stop - s) && memcmp(map[i].code, s, stop - s) == 0)
                bits |= 1u << dsms_family_find(map[i].family);
        s = stop + 1;
    }
    return bits;
}

static const char *const death_columns[] = {"area_code", "date_of_death", "registration_date",
                                            "substances"};

static int death_row(void *ctx, const dsms_cell *c)
{
    loader *l = ctx;
    ew_data *d = l->d;
    int day = cell_day(&c[1]), reg = cell_day(&c[2]);
    int known = reg == DSMS_DAY_NONE ? day : reg;
    unsigned fam = c[3].null ? 0 : death_families(c[3].s, c[3].len);
    if (!fam || known > l->today) return 0;
    if (dsms_room_for((void **)&d->d, &d->capd, d->nd, sizeof *d->d, 1024)) return -1;
    int place = find(l->places, l->nplaces, c[0].s, c[0].len);
    d->d[d->nd++] = (ew_death){day, known, place, fam};
    return 0;
}

/* The days the reports span, and those the reports and deaths span. */
static void span(ew_data *d)
{
    d->first_report = d->first_day = DSMS_DAY_OPEN;
    d->last_day = DSMS_DAY_NONE;
    for (size_t i = 0; i < d->nr; i++) {
        if (d->r[i].sampled < d->first_report) d->first_report = d->r[i].sampled;
        if (d->r[i].sampled > d->last_day) d->last_day = d->r[i].sampled;
    }
    d->first_day = d->first_report;
    for (size_t i = 0; i < d->nd; i++) {
        if (d->d[i].day < d->first_day) d->first_day = d->d[i].day;
        if (d->d[i].day > d->last_day) d->last_day = d->d[i].day;
    }
}

int ew_load(dsms_store *st, int today, ew_data *d, dsms_err *err)
{
    memset(d, 0, sizeof *d);
    loader l = {.d = d, .t = dsms_table_find("ew_reports"), .today = today, .err = err};
    int rc = -1;
    if (dsms_refdata_fetch(&d->ref, st, err) || dsms_substances_fetch(&d->reg, st, err))
        goto done;
    if (make_indices(&l)) {
        dsms_err_set(err, "out of memory");
        goto done;
    }
    code_groups(&l);
    if (dsms_store_scan(st, l.t, NULL, report_columns, 12, report_row, &l, err) ||
        dsms_store_scan(st, dsms_table_find("deaths"), NULL, death_columns, 4, death_row, &l,
                        err))
        goto done;
    span(d);
    rc = 0;
done:
    free(l.places);
    free(l.subs);
    if (rc) ew_free(d);
    return rc;
}

void ew_free(ew_data *d)
{
    dsms_refdata_free(&d->ref);
    dsms_substances_free(&d->reg);
    free(d->r);
    free(d->d);
    free(d->pool);
    memset(d, 0, sizeof *d);
}
