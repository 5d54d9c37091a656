/* warn_novelty.c — novelty signals: a substance identified for the first
 * time in the country (and not known to the register before), in a region,
 * in a new form (matrix) or sold as something new; and a name reported that
 * the register does not know even after matching. The reports are read in
 * the order they were sampled, and a first is a first only after the
 * learning weeks at the start of the data, which show what is already
 * about, not what is new. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/field.h"
#include "dsms/grow.h"
#include "warn_int.h"

/* How long a substance is new after its first identification in the
 * country: its firsts in regions are signals while it is. */
enum { NEW_FOR_DAYS = 365 };

/* The reports of substance sub (or of unregistered text) among idx[from..]
 * within four weeks of the first: the evidence of a first. */
static size_t gather(const ew_data *d, const size_t *idx, size_t n, size_t from, int sub,
                     int matrix, int region, int sold_as, size_t *out)
{
    size_t k = 0;
    int until = d->r[idx[from]].sampled + 28;
    for (size_t i = from; i < n && d->r[idx[i]].sampled <= until; i++) {
        const ew_report *r = &d->r[idx[i]];
        int has = 0;
        for (int j = 0; j < r->nsub; j++) has |= r->sub[j] == sub;
        if (!has || (matrix >= 0 && r->matrix != matrix) || (region >= 0 && r->region != region) ||
            (sold_as >= 0 && r->sold_as != sold_as))
            continue;
        out[k++] = idx[i];
    }
    return k;
}

static int severe_among(const ew_data *d, const size_t *idx, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (d->r[idx[i]].severity >= EW_SEVERE) return 1;
    return 0;
}

typedef struct {
    const ew_data *d;
    const size_t *idx;
    size_t n;
    size_t *tmp;
    ew_signals *out;
    int learned; /* the first day after the learning weeks */
    int *first;  /* the day each substance was first sampled */
} scan;

static int first(scan *sc, size_t at, const char *what, int sub, int matrix, int region,
                 int sold_as, const char *key, const char *title, int high)
{
    const ew_data *d = sc->d;
    const dsms_substance *s = &d->reg.items[sub];
    size_t k = gather(d, sc->idx, sc->n, at, sub, matrix, region, sold_as, sc->tmp);
    dsms_signal *g = ew_add(sc->out, DSMS_SIGNAL_NOVELTY, what);
    if (!g) return -1;
    g->day = d->r[sc->idx[at]].sampled;
    snprintf(g->key, sizeof g->key, "%s", key);
    snprintf(g->title, sizeof g->title, "%s", title);
    snprintf(g->substance, sizeof g->substance, "%s", s->code);
    snprintf(g->family, sizeof g->family, "%s", dsms_families[s->family].code);
    snprintf(g->severity, sizeof g->severity, "%s",
             high || ew_potent(s->family) || severe_among(d, sc->tmp, k) ? "high" : "medium");
    ew_areas(d, g, sc->tmp, k);
    return ew_evidence(d, g, sc->tmp, k, NULL);
}

/* First in the country: the register has no earlier identification. */
static int country(scan *sc, size_t at, int sub)
{
    const dsms_substance *s = &sc->d->reg.items[sub];
    int day = sc->d->r[sc->idx[at]].sampled;
    if (s->first_uk != DSMS_DAY_NONE && s->first_uk < day) return 0;
    char key[200], title[240];
    snprintf(key, sizeof key, "novelty|country|%s", s->code);
    snprintf(title, sizeof title, "First identification in the country: %s (%s)", s->name,
             dsms_families[s->family].name);
    return first(sc, at, "country", sub, -1, -1, -1, key, title, 1);
}

static int region(scan *sc, size_t at, int sub, int reg)
{
    const dsms_substance *s = &sc->d->reg.items[sub];
    const dsms_ref_org *r = &sc->d->ref.regions[reg];
    char key[200], title[240];
    snprintf(key, sizeof key, "novelty|region|%s|%s", s->code, r->code);
    snprintf(title, sizeof title, "First identification in %s: %s", r->name, s->name);
    return first(sc, at, "region", sub, -1, reg, -1, key, title, 0);
}

static int matrix(scan *sc, size_t at, int sub, int mx)
{
    const dsms_substance *s = &sc->d->reg.items[sub];
    char key[200], title[240];
    snprintf(key, sizeof key, "novelty|matrix|%s|%s", s->code, ew_code("matrix", mx));
    snprintf(title, sizeof title, "%s found as %s for the first time", s->name,
             ew_code("matrix", mx));
    return first(sc, at, "matrix", sub, mx, -1, -1, key, title, 0);
}

static int sold_as(scan *sc, size_t at, int sub, int as)
{
    const dsms_substance *s = &sc->d->reg.items[sub], *a = &sc->d->reg.items[as];
    char key[200], title[240];
    snprintf(key, sizeof key, "novelty|sold_as|%s|%s", s->code, a->code);
    snprintf(title, sizeof title, "%s sold as %s for the first time", s->name, a->name);
    return first(sc, at, "sold_as", sub, -1, -1, as, key, title, 0);
}

/* A reported name in its plain form for the key: lower case, single spaces. */
static void plain(const char *s, char *out, size_t n)
{
    size_t o = 0;
    int space = 0;
    for (; *s && o + 1 < n; s++) {
        if (isspace((unsigned char)*s)) {
            space = o > 0;
            continue;
        }
        if (space && o + 2 < n) out[o++] = ' ';
        space = 0;
        out[o++] = (char)tolower((unsigned char)*s);
    }
    out[o] = 0;
}

static int unregistered(scan *sc, size_t at, const char *name)
{
    const ew_data *d = sc->d;
    size_t k = 0;
    for (size_t i = at; i < sc->n && d->r[sc->idx[i]].sampled <= d->r[sc->idx[at]].sampled + 28;
         i++) {
        char other[128];
        plain(ew_text(d, d->r[sc->idx[i]].text), other, sizeof other);
        if (d->r[sc->idx[i]].text >= 0 && strcmp(other, name) == 0) sc->tmp[k++] = sc->idx[i];
    }
    dsms_signal *g = ew_add(sc->out, DSMS_SIGNAL_NOVELTY, "unregistered");
    if (!g) return -1;
    g->day = d->r[sc->idx[at]].sampled;
    snprintf(g->key, sizeof g->key, "novelty|unregistered|%.100s", name);
    snprintf(g->title, sizeof g->title, "A substance the register does not know: '%.100s'", name);
    snprintf(g->family, sizeof g->family, "other");
    snprintf(g->severity, sizeof g->severity, "%s", severe_among(d, sc->tmp, k) ? "high" : "low");
    ew_areas(d, g, sc->tmp, k);
    return ew_evidence(d, g, sc->tmp, k, NULL);
}

/* Firsts are tracked with a byte per substance and what it is first in, and
 * the unregistered names in their plain form. */
typedef struct {
    unsigned char *any, *region, *matrix, *sold;
    size_t nsub, nreg, nmx;
    char (*names)[128];
    size_t nnames, capnames;
} seen;

/* 1 when the name was seen before; 0 when not, and now it is; -1 out of memory. */
static int seen_name(seen *sn, const char *name)
{
    for (size_t i = 0; i < sn->nnames; i++)
        if (strcmp(sn->names[i], name) == 0) return 1;
    if (dsms_room_for((void **)&sn->names, &sn->capnames, sn->nnames, sizeof *sn->names, 64))
        return -1;
    snprintf(sn->names[sn->nnames++], sizeof *sn->names, "%s", name);
    return 0;
}

static int one_report(scan *sc, seen *sn, size_t at)
{
    const ew_report *r = &sc->d->r[sc->idx[at]];
    int late = r->sampled >= sc->learned;
    for (int j = 0; j < r->nsub; j++) {
        int s = r->sub[j];
        int was = sn->any[s];
        if (!was) sc->first[s] = r->sampled;
        sn->any[s] = 1;
        if (!was && late && country(sc, at, s)) return -1;
        /* A region's first matters while the substance is new: its spread. */
        int spreading = r->sampled - sc->first[s] < NEW_FOR_DAYS;
        if (r->region >= 0 && !sn->region[(size_t)s * sn->nreg + (size_t)r->region]) {
            sn->region[(size_t)s * sn->nreg + (size_t)r->region] = 1;
            if (was && late && spreading && region(sc, at, s, r->region)) return -1;
        }
        if (r->product && !sn->matrix[(size_t)s * sn->nmx + r->matrix]) {
            sn->matrix[(size_t)s * sn->nmx + r->matrix] = 1;
            if (was && late && matrix(sc, at, s, r->matrix)) return -1;
        }
        /* Sold as a drug of another family: what the buyer did not expect, found in
         * the product itself (a body's sample holds what else the person took). */
        if (r->product && r->sold_as >= 0 && sc->d->reg.items[r->sold_as].family != sc->d->reg.items[s].family &&
            !sn->sold[(size_t)s * sn->nsub + (size_t)r->sold_as]) {
            sn->sold[(size_t)s * sn->nsub + (size_t)r->sold_as] = 1;
            if (was && late && sold_as(sc, at, s, r->sold_as)) return -1;
        }
    }
    if (r->text >= 0) {
        char name[128];
        plain(ew_text(sc->d, r->text), name, sizeof name);
        int was = seen_name(sn, name);
        if (was < 0 || (!was && late && unregistered(sc, at, name))) return -1;
    }
    return 0;
}

int ew_novelty(const ew_data *d, const dsms_warn_opts *o, ew_signals *out)
{
    size_t n = d->nr, ns = d->reg.n ? d->reg.n : 1;
    const dsms_table *t = dsms_table_find("ew_reports");
    seen sn = {.nsub = ns, .nreg = d->ref.nregions ? d->ref.nregions : 1,
               .nmx = t->fields[dsms_field_index(t, "matrix")].codes->ncodes};
    size_t *idx = malloc((n ? n : 1) * sizeof *idx), *tmp = malloc((n ? n : 1) * sizeof *tmp);
    int *first = malloc(ns * sizeof *first);
    sn.any = calloc(ns, 1);
    sn.region = calloc(ns * sn.nreg, 1);
    sn.matrix = calloc(ns * sn.nmx, 1);
    sn.sold = calloc(ns * ns, 1);
    int rc = -1;
    if (!idx || !tmp || !first || !sn.any || !sn.region || !sn.matrix || !sn.sold) goto done;
    for (size_t i = 0; i < n; i++) idx[i] = i;
    ew_sort_by_day(d, idx, n);
    scan sc = {d, idx, n, tmp, out, n ? d->first_report + 7 * o->learning_weeks : 0, first};
    rc = 0;
    for (size_t i = 0; i < n && !rc; i++) rc = one_report(&sc, &sn, i);
done:
    free(idx);
    free(tmp);
    free(first);
    free(sn.any);
    free(sn.region);
    free(sn.matrix);
    free(sn.sold);
    free(sn.names);
    return rc;
}
