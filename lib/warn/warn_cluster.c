/* warn_cluster.c — cluster signals: several severe or fatal reactions to one
 * substance in one place (an area, or a prison) within a few days of each
 * other; a report that names several substances is put down to one (lead).
 * Severe reports are taken in order of the day sampled, for each
 * substance and place; a cluster starts where cluster_size of them fall
 * within cluster_days, and goes on while each next one follows within
 * cluster_days of the one before, so that one outbreak is one signal. */
#include <stdlib.h>
#include <string.h>

#include "dsms/field.h"
#include "warn_int.h"

typedef struct {
    int sub, place, day;
    size_t report;
} severe;

static int by_what_where_when(const void *a, const void *b)
{
    const severe *x = a, *y = b;
    if (x->sub != y->sub) return x->sub < y->sub ? -1 : 1;
    if (x->place != y->place) return x->place < y->place ? -1 : 1;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return x->report < y->report ? -1 : x->report > y->report;
}

static int emit(const ew_data *d, const severe *v, size_t n, size_t *tmp, ew_signals *out)
{
    const dsms_substance *s = &d->reg.items[v[0].sub];
    int fatal = 0;
    for (size_t i = 0; i < n; i++) {
        tmp[i] = v[i].report;
        fatal |= d->r[v[i].report].severity >= EW_FATAL;
    }
    dsms_signal *g = ew_add(out, DSMS_SIGNAL_CLUSTER, "severe");
    if (!g) return -1;
    char first[11];
    g->day = v[0].day;
    dsms_date_format(g->day, first);
    snprintf(g->key, sizeof g->key, "cluster|%s|%s|%s", s->code, ew_place_code(d, v[0].place),
             first);
    int days = v[n - 1].day - v[0].day + 1;
    char over[32] = "on one day";
    if (days > 1) snprintf(over, sizeof over, "over %d days", days);
    snprintf(g->title, sizeof g->title, "%zu severe reactions to %s in %s %s%s", n, s->name,
             ew_place_name(d, v[0].place), over, fatal ? ", deaths among them" : "");
    snprintf(g->substance, sizeof g->substance, "%s", s->code);
    snprintf(g->family, sizeof g->family, "%s", dsms_families[s->family].code);
    snprintf(g->severity, sizeof g->severity, "%s",
             fatal || ew_potent(s->family) ? "high" : "medium");
    ew_areas(d, g, tmp, n);
    return ew_evidence(d, g, tmp, n, NULL);
}

/* The clusters in v[0..n), one substance's severe reports in one place. */
static int runs(const ew_data *d, const dsms_warn_opts *o, const severe *v, size_t n,
                size_t *tmp, ew_signals *out)
{
    size_t k = (size_t)(o->cluster_size > 1 ? o->cluster_size : 1);
    for (size_t i = 0; i + k <= n;) {
        if (v[i + k - 1].day - v[i].day > o->cluster_days) {
            i++;
            continue;
        }
        size_t end = i + k;
        while (end < n && v[end].day - v[end - 1].day <= o->cluster_days) end++;
        if (emit(d, v + i, end - i, tmp, out)) return -1;
        i = end;
    }
    return 0;
}

/* The substance a reaction is put down to when a report names several: a
 * potent one (nitazenes, fentanyls) first, then a new psychoactive one,
 * then the first named; so that heroin cut with a nitazene is one cluster,
 * the nitazene's, not two. */
static int lead(const ew_data *d, const ew_report *r)
{
    static const char *const established[] = {"opioids", "cocaine", "cannabis"};
    int best = r->sub[0], rank = 3;
    for (int j = 0; j < r->nsub; j++) {
        int f = d->reg.items[r->sub[j]].family, k = ew_potent(f) ? 0 : 1;
        for (size_t e = 0; e < 3 && k == 1; e++)
            if (f == dsms_family_find(established[e])) k = 2;
        if (k < rank) best = r->sub[j], rank = k;
    }
    return best;
}

int ew_clusters(const ew_data *d, const dsms_warn_opts *o, ew_signals *out)
{
    size_t n = 0;
    for (size_t i = 0; i < d->nr; i++)
        if (d->r[i].severity >= EW_SEVERE && d->r[i].place >= 0 && d->r[i].nsub) n++;
    severe *v = malloc((n ? n : 1) * sizeof *v);
    size_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
    int rc = -1;
    if (!v || !tmp) goto done;
    n = 0;
    for (size_t i = 0; i < d->nr; i++) {
        const ew_report *r = &d->r[i];
        if (r->severity < EW_SEVERE || r->place < 0 || !r->nsub) continue;
        v[n++] = (severe){lead(d, r), r->place, r->sampled, i};
    }
    qsort(v, n, sizeof *v, by_what_where_when);
    rc = 0;
    for (size_t i = 0, j; i < n && !rc; i = j) {
        for (j = i + 1; j < n && v[j].sub == v[i].sub && v[j].place == v[i].place;) j++;
        rc = runs(d, o, v + i, j - i, tmp, out);
    }
done:
    free(v);
    free(tmp);
    return rc;
}
