/* measures_outcomes.c — outcomes during treatment, from the Treatment
 * Outcomes Profile.
 *
 * Each episode's start TOP is compared with its latest review or exit TOP
 * taken at least 5 and at most 8 calendar months later. Only community
 * episodes count, as for the people in treatment. A pair counts in the
 * period its review falls in; a person with pairs in more than one episode
 * counts once, by the latest review. Each outcome has its own denominator:
 * those with the problem at start (using their primary substance, injecting,
 * with an acute housing problem, without paid work, committing acquisitive
 * crime, with a mental-health need). */
#include "dsms/field.h"
#include "engine.h"

typedef struct {
    const eng_episode *episode;
    const eng_top *start, *review;
} top_pair;

/* The episode's start TOP and its latest review or exit 5 to 8 months on. */
static void pair_of(const eng_data *d, eng_episode *e)
{
    e->top_start = e->top_review = -1;
    uint32_t k = e->top, end = e->top + e->ntop;
    while (k < end && d->tops[k].stage != ENG_TOP_STAGE_START) k++;
    if (k == end) return;
    const eng_top *start = &d->tops[k];
    int32_t from = (int32_t)dsms_add_months(start->date, 5);
    int32_t to = (int32_t)dsms_add_months(start->date, 8);
    for (k = e->top; k < end; k++) {
        const eng_top *t = &d->tops[k];
        int later = t->stage == ENG_TOP_STAGE_REVIEW || t->stage == ENG_TOP_STAGE_EXIT;
        if (later && t->date >= from && t->date <= to) e->top_review = (int32_t)k; /* by date */
    }
    if (e->top_review >= 0) e->top_start = (int32_t)(start - d->tops);
}

void eng_top_pairs(eng_data *d)
{
    for (size_t i = 0; i < d->nepisodes; i++) pair_of(d, &d->episodes[i]);
}

/* Acquisitive crime days; -1 when none of them is recorded. */
static int crime(const eng_top *t)
{
    int sum = -1;
    const int f[] = {ENG_TOP_SHOPLIFTING, ENG_TOP_SELLING, ENG_TOP_THEFT};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        if (t->v[f[i]] >= 0) sum = (sum < 0 ? 0 : sum) + t->v[f[i]];
    return sum;
}

/* Whether the pair is in the outcome's denominator (*in) and numerator. */
static int outcome(const top_pair *p, int which, int *in)
{
    const int8_t *s = p->start->v, *r = p->review->v;
    int field = which == ENG_TOPM_ABSTINENT ? p->episode->primary : ENG_TOP_INJECTED;
    switch (which) {
    case ENG_TOPM_ABSTINENT:
    case ENG_TOPM_INJECTING:
        *in = s[field] > 0 && r[field] >= 0;
        return r[field] == 0;
    case ENG_TOPM_HOUSING:
        *in = s[ENG_TOP_ACUTE_HOUSING] == 1 && r[ENG_TOP_ACUTE_HOUSING] >= 0;
        return r[ENG_TOP_ACUTE_HOUSING] == 0;
    case ENG_TOPM_EMPLOYMENT:
        *in = s[ENG_TOP_PAID_WORK] == 0 && r[ENG_TOP_PAID_WORK] >= 0;
        return r[ENG_TOP_PAID_WORK] > 0;
    case ENG_TOPM_CRIME:
        *in = crime(p->start) > 0 && crime(p->review) >= 0;
        return crime(p->review) == 0;
    default: /* ENG_TOPM_MENTAL */
        *in = p->episode->mental_health_need && s[ENG_TOP_PSYCH] >= 0 && r[ENG_TOP_PSYCH] >= 0;
        return r[ENG_TOP_PSYCH] - s[ENG_TOP_PSYCH] >= 3;
    }
}

void eng_top_outcome(const eng_ctx *c, int variant, eng_tally *t)
{
    const eng_data *d = c->d;
    for (size_t x = 0; x < d->npersons; x++) {
        const eng_person *px = &d->persons[x];
        int paired = 0;
        for (ENG_EACH_EPISODE(d, px, e)) paired |= e->top_review >= 0 && e->community;
        for (size_t p = 0; paired && p < c->nperiods; p++) {
            const eng_period *per = &c->periods[p];
            top_pair best = {0};
            for (ENG_EACH_EPISODE(d, px, e)) {
                if (e->top_review < 0 || !e->community) continue;
                const eng_top *review = &d->tops[e->top_review];
                if (review->date >= per->start && review->date <= per->end &&
                    (!best.review || review->date >= best.review->date))
                    best = (top_pair){e, &d->tops[e->top_start], review};
            }
            if (!best.review) continue;
            int in, yes = outcome(&best, variant, &in);
            const eng_episode *e = best.episode;
            if (in) eng_tally_add(t, p, e->area, e->group, e->sex, e->age, yes, 1);
        }
    }
}
