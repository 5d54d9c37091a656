/* measures_treatment.c — treatment and recovery: who is in treatment, how
 * fast they got there, who left free of dependence and stayed out, who
 * moved from prison into treatment, who died in it.
 *
 * Each function walks every person once per period and counts them where
 * their latest episode in the period says: its area, substance group, sex
 * and age. The people in treatment are those in community treatment
 * (setting C), as England's adult statistics count them; treatment in
 * prison or a secure setting (setting P) is counted apart
 * (in_treatment_secure). Episodes that never started treatment (no first
 * intervention) count nowhere. docs/measures.md gives each definition and
 * the reasons for it. */
#include <stdlib.h>

#include "dsms/field.h"
#include "engine.h"

/* Days after a discharge within which a new episode is a re-presentation:
 * day 182 is one, day 183 is not. */
#define REPRESENT_6M 182
#define REPRESENT_12M 365
/* Treatment journeys retained this long are effective (12 weeks). */
#define EFFECTIVE_DAYS 84
/* A wait, and an engagement after release, within this many days. */
#define THREE_WEEKS 21
/* No episode open this long before a first intervention: a new presentation. */
#define NEW_GAP_DAYS 21

static int open_in(const eng_episode *e, int32_t start, int32_t end)
{
    return e->first_intervention != DAY_NONE && e->first_intervention <= end &&
           e->discharge >= start;
}

/* The person's latest episode of the setting (community or not) in
 * treatment in [start, end], or -1. */
static long latest_of(const eng_data *d, const eng_person *x, int32_t start, int32_t end,
                      int community)
{
    long latest = -1;
    for (ENG_EACH_EPISODE(d, x, e)) {
        if (e->community == community && open_in(e, start, end)) latest = (long)(e - d->episodes);
    }
    return latest;
}

long eng_latest_in(const eng_data *d, const eng_person *x, int32_t start, int32_t end)
{
    return latest_of(d, x, start, end, 1);
}

int32_t *eng_latest_table(const eng_data *d, const eng_period *periods, size_t n)
{
    size_t cells = n * d->npersons;
    int32_t *t = malloc((cells ? cells : 1) * sizeof *t);
    for (size_t x = 0; t && x < d->npersons; x++)
        for (size_t p = 0; p < n; p++)
            t[x * n + p] =
                (int32_t)eng_latest_in(d, &d->persons[x], periods[p].start, periods[p].end);
    return t;
}

/* Counted where the episode says, and at its provider. */
static void count_at_episode(eng_tally *t, size_t p, const eng_episode *e, double num, double den)
{
    eng_tally_episode(t, p, e, num, den);
    eng_tally_org(t, p, e->provider, num, den);
}

/* ENG_IV_* of the interventions open in [start, end] in the person's community
 * episodes in treatment then (treatment in prison counts in no measure of
 * the people in treatment). */
static unsigned interventions_in(const eng_data *d, const eng_person *x, int32_t start,
                                 int32_t end)
{
    unsigned kinds = 0;
    for (ENG_EACH_EPISODE(d, x, e)) {
        if (!e->community || !open_in(e, start, end)) continue;
        for (uint32_t k = e->intervention; k < e->intervention + e->nintervention; k++) {
            const eng_intervention *v = &d->interventions[k];
            if (v->start != DAY_NONE && v->start <= end && v->end >= start)
                kinds |= v->kind | (v->recovery_support ? ENG_IV_MUTUAL_AID : 0u);
        }
    }
    return kinds;
}

void eng_each_in_treatment(const eng_ctx *c, const eng_judged *m, size_t n)
{
    const eng_data *d = c->d;
    for (size_t x = 0; x < d->npersons; x++) {
        const eng_person *px = &d->persons[x];
        if (!px->nepisode) continue;
        for (size_t p = 0; p < c->nperiods; p++) {
            long i = eng_latest(c, x, p);
            if (i < 0) continue;
            const eng_period *per = &c->periods[p];
            eng_in in = {x, p, &d->episodes[i], interventions_in(d, px, per->start, per->end)};
            for (size_t k = 0; k < n; k++) {
                double num = 0, den = 0;
                if (p < m[k].t->nperiods && m[k].judge(c, m[k].variant, &in, &num, &den))
                    count_at_episode(m[k].t, p, in.e, num, den);
            }
        }
    }
}

/* In community treatment, counted by the latest such episode in the period. */
int eng_in_treatment(const eng_ctx *c, int variant, const eng_in *in, double *num, double *den)
{
    (void)c, (void)variant, (void)in, (void)den;
    *num = 1;
    return 1;
}

/* In treatment in a prison or secure setting, counted by the latest such
 * episode in the period. */
void eng_in_treatment_secure(const eng_ctx *c, int variant, eng_tally *t)
{
    (void)variant;
    const eng_data *d = c->d;
    for (size_t x = 0; x < d->npersons; x++) {
        if (!d->persons[x].nepisode) continue;
        for (size_t p = 0; p < c->nperiods; p++) {
            long i = latest_of(d, &d->persons[x], c->periods[p].start, c->periods[p].end, 0);
            if (i >= 0) count_at_episode(t, p, &d->episodes[i], 1, 0);
        }
    }
}

/* Whether episode i of person x is a new presentation: a community episode
 * that started, with no other episode of theirs (of either setting) in
 * treatment in the 21 days before its first intervention. An episode never
 * started blocks nothing. */
static int presents(const eng_data *d, const eng_person *x, uint32_t i)
{
    const eng_episode *e = &d->episodes[i];
    if (!e->community || e->first_intervention == DAY_NONE) return 0;
    for (ENG_EACH_EPISODE(d, x, f)) {
        if (f != e && f->first_intervention != DAY_NONE &&
            f->first_intervention < e->first_intervention &&
            f->discharge >= e->first_intervention - NEW_GAP_DAYS)
            return 0;
    }
    return 1;
}

void eng_mark_presentations(eng_data *d)
{
    for (size_t x = 0; x < d->npersons; x++) {
        const eng_person *px = &d->persons[x];
        for (uint32_t i = px->episode; i < px->episode + px->nepisode; i++)
            d->episodes[i].presentation = (uint8_t)presents(d, px, i);
    }
}

/* The person's first new presentation whose first intervention falls in
 * [start, end], or -1. */
long eng_new_presentation(const eng_data *d, const eng_person *x, int32_t start, int32_t end)
{
    for (ENG_EACH_EPISODE(d, x, e)) {
        if (e->presentation && e->first_intervention >= start && e->first_intervention <= end)
            return (long)(e - d->episodes);
    }
    return -1;
}

void eng_new_presentations(const eng_ctx *c, int variant, eng_tally *t)
{
    (void)variant;
    const eng_data *d = c->d;
    for (size_t x = 0; x < d->npersons; x++)
        for (size_t p = 0; p < c->nperiods; p++) {
            long e = eng_new_presentation(d, &d->persons[x], c->periods[p].start,
                                          c->periods[p].end);
            if (e >= 0) count_at_episode(t, p, &d->episodes[e], 1, 0);
        }
}

/* Waits of new presentations, referral to first intervention: variant 0 counts
 * those within three weeks (a proportion), variant 1 the distribution of days
 * (for the median). */
void eng_waiting(const eng_ctx *c, int variant, eng_tally *t)
{
    const eng_data *d = c->d;
    for (size_t x = 0; x < d->npersons; x++)
        for (size_t p = 0; p < c->nperiods; p++) {
            long i = eng_new_presentation(d, &d->persons[x], c->periods[p].start,
                                          c->periods[p].end);
            if (i < 0 || d->episodes[i].referral == DAY_NONE) continue;
            const eng_episode *e = &d->episodes[i];
            int32_t wait = e->first_intervention - e->referral;
            if (variant == 0) {
                count_at_episode(t, p, e, wait <= THREE_WEEKS, 1);
                continue;
            }
            size_t band = wait >= WAIT_BANDS - 1 ? WAIT_BANDS - 1 : (size_t)(wait < 0 ? 0 : wait);
            t->num[eng_tally_slot(t, p, e->area, ENG_CAT_ALL) + band] += 1;
            t->num[eng_tally_slot(t, p, e->area, ENG_CAT_GROUP + e->group) + band] += 1;
        }
}

/* Retained 12 weeks, to the journey's end or the period's, or left successfully. */
int eng_effective(const eng_ctx *c, int variant, const eng_in *in, double *num, double *den)
{
    (void)variant;
    const eng_period *per = &c->periods[in->period];
    const eng_episode *e = in->e;
    int32_t to = e->journey_end < per->end ? e->journey_end : per->end;
    int left_well = e->journey_end <= per->end && e->journey_success;
    *num = to - e->journey_start >= EFFECTIVE_DAYS || left_well;
    *den = 1;
    return 1;
}

/* People in treatment for opiates and/or crack (the latest episode is in
 * the opiate group or names crack) over the estimated opiate and/or crack
 * users aged 15-64 living in the area; ENG_PEN_NEW: those who presented
 * newly instead of those in treatment. */
void eng_penetration(const eng_ctx *c, int variant, eng_tally *t)
{
    const eng_data *d = c->d;
    for (size_t x = 0; x < d->npersons; x++)
        for (size_t p = 0; p < c->nperiods; p++) {
            long i = variant == ENG_PEN_NEW ? eng_new_presentation(d, &d->persons[x],
                                                                   c->periods[p].start,
                                                                   c->periods[p].end)
                                            : eng_latest(c, x, p);
            if (i >= 0 && (d->episodes[i].group == ENG_GROUP_OPIATE || d->episodes[i].crack))
                t->num[eng_tally_slot(t, p, d->episodes[i].area, ENG_CAT_ALL)] += 1;
        }
    for (size_t a = 0; a < d->ref->nareas; a++) {
        const dsms_ref_area *ar = &d->ref->areas[a];
        double users = ar->opiate_crack_per_1000 * dsms_area_people_15_64(ar) / 1000;
        for (size_t p = 0; p < c->nperiods; p++)
            t->den[eng_tally_slot(t, p, (int)a, ENG_CAT_ALL)] = users;
    }
}

/* The person's latest exit from community treatment in [start, end]: the
 * last episode of a journey that ended then, when it is a community one (a
 * journey that ends in prison is no community exit). Never-started episodes
 * are in no journey (journey_end DAY_NONE) and so are no exit. */
static long exit_in(const eng_data *d, const eng_person *x, int32_t start, int32_t end)
{
    long last = -1;
    for (ENG_EACH_EPISODE(d, x, e)) {
        if (e->community && e->journey_end != DAY_NONE && e->journey_end >= start &&
            e->journey_end <= end && e->discharge == e->journey_end)
            last = (long)(e - d->episodes);
    }
    return last;
}

static int successful(const eng_episode *e)
{
    return e->end == ENG_END_SUCCESS && !(e->group == ENG_GROUP_OPIATE && e->ost_at_exit);
}

/* A new community episode that started treatment, referred within `days`
 * after day. */
static int represented(const eng_data *d, const eng_person *x, int32_t day, int days)
{
    for (ENG_EACH_EPISODE(d, x, e)) {
        int32_t r = e->referral;
        if (e->community && e->first_intervention != DAY_NONE && r != DAY_NONE && r > day &&
            r - day <= days)
            return 1;
    }
    return 0;
}

/* Successful completions without re-presentation within 6 months (variant
 * ENG_EXIT_SUCCESS_6M) or 12 (ENG_EXIT_SUCCESS_12M), of everyone in treatment; or
 * re-presentations within 6 months, of successful completions. */
void eng_exits(const eng_ctx *c, int variant, eng_tally *t)
{
    const eng_data *d = c->d;
    int days = variant == ENG_EXIT_SUCCESS_12M ? REPRESENT_12M : REPRESENT_6M;
    for (size_t x = 0; x < d->npersons; x++) {
        const eng_person *px = &d->persons[x];
        for (size_t p = 0; p < c->nperiods; p++) {
            const eng_period *per = &c->periods[p];
            long i = eng_latest(c, x, p);
            if (i < 0) continue;
            long o = exit_in(d, px, per->start, per->end);
            int success = o >= 0 && successful(&d->episodes[o]);
            int again = success && represented(d, px, d->episodes[o].discharge, days);
            const eng_episode *e = &d->episodes[i];
            /* Time in treatment: the journey that ended in the period, start to end;
             * else the one under way, from its start to the period's end. */
            const eng_episode *j = o >= 0 ? &d->episodes[o] : e;
            if (t->mix)
                t->mix_time = eng_mix_time(j->journey_start == DAY_NONE ? 0
                                           : (o >= 0 ? j->discharge : per->end) -
                                                 j->journey_start);
            if (variant == ENG_EXIT_REPRESENTED) {
                if (success) count_at_episode(t, p, &d->episodes[o], again, 1);
            } else
                count_at_episode(t, p, e, success && !again, 1);
        }
    }
}

/* Three financial years (or 36 months) to the period's end, when the data
 * reach back that far. */
static int pooled(const eng_ctx *c, const eng_period *p, int32_t *start)
{
    *start = (int32_t)dsms_add_months(p->end + 1, -36);
    return *start >= c->data_start;
}

/* Died while in community treatment: a community episode discharged as
 * died, or a death linked to them while one was open. */
static int died_in_treatment(const eng_data *d, const eng_person *x, int32_t start, int32_t end)
{
    for (ENG_EACH_EPISODE(d, x, e)) {
        if (!e->community) continue;
        if (e->end == ENG_END_DIED && e->first_intervention != DAY_NONE && e->discharge >= start &&
            e->discharge <= end)
            return 1;
        for (uint32_t k = x->death; k < x->death + x->ndeath; k++) {
            int32_t day = d->deaths[k].date;
            if (day >= start && day <= end && open_in(e, day, day)) return 1;
        }
    }
    return 0;
}

void eng_deaths_in_treatment(const eng_ctx *c, int variant, eng_tally *t)
{
    (void)variant;
    const eng_data *d = c->d;
    for (size_t p = 0; p < c->nperiods; p++) {
        int32_t start, end = c->periods[p].end;
        if (!pooled(c, &c->periods[p], &start)) continue;
        for (size_t x = 0; x < d->npersons; x++) {
            long i = eng_latest_in(d, &d->persons[x], start, end);
            if (i >= 0)
                count_at_episode(t, p, &d->episodes[i],
                                 died_in_treatment(d, &d->persons[x], start, end), 1);
        }
    }
}

/* In community treatment within three weeks of release: a community episode
 * open at release, or one whose first intervention came within 21 days. */
static int engaged(const eng_data *d, const eng_person *x, int32_t release)
{
    for (ENG_EACH_EPISODE(d, x, e)) {
        if (!e->community || e->first_intervention == DAY_NONE) continue;
        if (e->first_intervention <= release ? e->discharge >= release
                                             : e->first_intervention - release <= THREE_WEEKS)
            return 1;
    }
    return 0;
}

void eng_continuity(const eng_ctx *c, int variant, eng_tally *t)
{
    (void)variant;
    const eng_data *d = c->d;
    for (size_t k = 0; k < d->nreleases; k++) {
        const eng_release *r = &d->releases[k];
        if (!r->need) continue;
        int yes = engaged(d, &d->persons[r->person], r->date);
        eng_tally_on(c, t, r->date, (eng_who){r->area, r->group, r->sex, r->age}, yes, 1);
        eng_tally_org_on(c, t, r->date, r->prison, yes, 1);
    }
}

/* In treatment with mutual aid or peer support. */
int eng_mutual_aid(const eng_ctx *c, int variant, const eng_in *in, double *num, double *den)
{
    (void)c, (void)variant;
    *num = (in->interventions & ENG_IV_MUTUAL_AID) != 0;
    *den = 1;
    return 1;
}

int eng_hep_c(const eng_ctx *c, int variant, const eng_in *in, double *num, double *den)
{
    (void)c, (void)variant;
    *num = in->e->hep_c_tested;
    *den = 1;
    return in->e->injecting_ever;
}
