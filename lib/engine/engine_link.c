/* engine_link.c — each person's records together, and their treatment journeys.
 *
 * Episodes are put in person and date order, as are tests, releases and
 * deaths, and each person gets the ranges of their records. Episodes then
 * form journeys: an episode continues the journey before it when it starts
 * while that journey is still open (concurrent or overlapping episodes), or
 * within 21 days of a transfer out of it (the client moved provider, into
 * or out of custody, and stayed in treatment). Anything else — a discharge
 * that was not a transfer, or a transfer not taken up within 21 days —
 * ends the journey, and a later episode is a new presentation. An episode
 * that never started treatment (no first intervention: declined, refused,
 * still waiting) is in no journey: it neither continues nor ends one. */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* How long after a transfer out the next episode still continues the journey. */
#define TRANSFER_DAYS 21

static int episode_order(const void *a, const void *b)
{
    const eng_episode *x = a, *y = b;
    if (x->person != y->person) return x->person < y->person ? -1 : 1;
    if (x->referral != y->referral) return x->referral < y->referral ? -1 : 1;
    if (x->first_intervention != y->first_intervention)
        return x->first_intervention < y->first_intervention ? -1 : 1;
    if (x->discharge != y->discharge) return x->discharge < y->discharge ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq); /* the store's key order */
}

#define BY_PERSON_AND_DATE(name, type, field)                     \
    static int name(const void *a, const void *b)                 \
    {                                                             \
        const type *x = a, *y = b;                                \
        if (x->person != y->person) return x->person < y->person ? -1 : 1; \
        return (x->field > y->field) - (x->field < y->field);     \
    }
BY_PERSON_AND_DATE(test_order, eng_test, date)
BY_PERSON_AND_DATE(release_order, eng_release, date)
BY_PERSON_AND_DATE(death_order, eng_death, date)

/* Set each person's range [start, start + count) of an array sorted by
 * person; persons_of gives the person of element i. */
#define RANGES(d, arr, n, first, count)                                  \
    for (size_t i_ = 0; i_ < (n);) {                                     \
        size_t j_ = i_;                                                  \
        while (j_ < (n) && (arr)[j_].person == (arr)[i_].person) j_++;   \
        (d)->persons[(arr)[i_].person].first = (uint32_t)i_;             \
        (d)->persons[(arr)[i_].person].count = (uint32_t)(j_ - i_);      \
        i_ = j_;                                                         \
    }

static int started(const eng_episode *e) { return e->first_intervention != DAY_NONE; }

/* Give every started episode of the journey [from, to) its start and end. */
static void close_journey(eng_episode *e, size_t from, size_t to, int32_t start, int32_t end,
                          int last)
{
    for (size_t i = from; i < to; i++) {
        if (!started(&e[i])) continue;
        e[i].journey_start = start;
        e[i].journey_end = end;
        e[i].journey_success =
            end != DAY_OPEN && e[last].end == ENG_END_SUCCESS && e[last].community;
    }
}

static int32_t min_day(int32_t a, int32_t b)
{
    if (a == DAY_NONE) return b;
    if (b == DAY_NONE) return a;
    return a < b ? a : b;
}

/* The journeys of one person's episodes e[0..n), in date order. */
static void journeys(eng_episode *e, size_t n)
{
    size_t from = 0, last = 0; /* the journey's first episode, and its latest ending */
    int32_t start = DAY_NONE, end = DAY_NONE;
    int any = 0; /* a started episode seen: a journey is being built */
    for (size_t i = 0; i < n; i++) {
        if (!started(&e[i])) {
            e[i].journey_start = e[i].journey_end = DAY_NONE;
            e[i].journey_success = 0;
            continue;
        }
        int continues = 0;
        if (any) {
            int transfer = e[last].end == ENG_END_TRANSFER;
            int32_t reach = end == DAY_OPEN ? DAY_OPEN : end + (transfer ? TRANSFER_DAYS : 0);
            continues = e[i].referral == DAY_NONE || end == DAY_OPEN || e[i].referral <= reach;
        }
        if (any && !continues) {
            close_journey(e, from, i, start, end, (int)last);
            from = i;
        }
        if (!any || i == from) {
            any = 1;
            from = i;
            start = e[i].first_intervention;
            end = e[i].discharge;
            last = i;
            continue;
        }
        start = min_day(start, e[i].first_intervention);
        if (e[i].discharge >= end) {
            end = e[i].discharge;
            last = i;
        }
    }
    if (any) close_journey(e, from, n, start, end, (int)last);
}

/* qsort, but an empty table may be NULL, which qsort may not be given. */
static void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n) qsort(base, n, size, cmp);
}

int eng_link(eng_data *d, dsms_err *err)
{
    d->persons = calloc(d->npersons ? d->npersons : 1, sizeof *d->persons);
    if (!d->persons) {
        dsms_err_set(err, "engine: out of memory linking %zu people", d->npersons);
        return -1;
    }
    sort(d->episodes, d->nepisodes, sizeof *d->episodes, episode_order);
    sort(d->tests, d->ntests, sizeof *d->tests, test_order);
    sort(d->releases, d->nreleases, sizeof *d->releases, release_order);
    sort(d->deaths, d->ndeaths, sizeof *d->deaths, death_order);
    RANGES(d, d->episodes, d->nepisodes, episode, nepisode)
    RANGES(d, d->tests, d->ntests, test, ntest)
    RANGES(d, d->releases, d->nreleases, release, nrelease)
    RANGES(d, d->deaths, d->ndeaths, death, ndeath)
    for (size_t p = 0; p < d->npersons; p++) {
        const eng_person *x = &d->persons[p];
        journeys(d->episodes + x->episode, x->nepisode);
    }
    eng_top_pairs(d);
    eng_mark_presentations(d);
    return 0;
}
