/* measures_justice.c — criminal-justice pathways: tests on arrest, the
 * assessments they lead to and the treatment that follows, drug
 * rehabilitation requirements, and re-arrest of people in treatment.
 *
 * Tests and orders count where their own area_code says; treatment links
 * to them through the person. */
#include "engine.h"

/* An episode begun within this many days of the assessment that referred
 * the person counts as moving into treatment. */
#define INTO_TREATMENT_DAYS 28
/* A positive test this long before or after the journey's start. */
#define YEAR_DAYS 365

static int started_within(const eng_data *d, const eng_person *x, int32_t day, int days)
{
    for (ENG_EACH_EPISODE(d, x, e)) {
        int32_t f = e->first_intervention;
        if (f != DAY_NONE && f >= day && f - day <= days) return 1;
    }
    return 0;
}

/* An assessment that referred the person to treatment, in [start, end]. */
static int referred_in(const eng_test *s, int32_t start, int32_t end)
{
    return s->referred && s->assessment != DAY_NONE && s->assessment >= start &&
           s->assessment <= end;
}

/* People referred to treatment at an assessment in each period, and of
 * them those who started an episode 0-28 days after one of those
 * assessments; each person once, where and as their latest such assessment
 * says. */
static void into_treatment(const eng_ctx *c, eng_tally *t)
{
    const eng_data *d = c->d;
    for (size_t x = 0; x < d->npersons; x++) {
        const eng_person *px = &d->persons[x];
        for (size_t p = 0; px->ntest && p < c->nperiods; p++) {
            const eng_test *last = NULL;
            int yes = 0;
            for (uint32_t k = px->test; k < px->test + px->ntest; k++) {
                const eng_test *s = &d->tests[k];
                if (!referred_in(s, c->periods[p].start, c->periods[p].end)) continue;
                if (!last || s->assessment >= last->assessment) last = s;
                yes = yes || started_within(d, px, s->assessment, INTO_TREATMENT_DAYS);
            }
            if (!last) continue;
            eng_tally_add(t, p, last->area, 255, last->sex, last->age, yes, 1);
            eng_tally_org(t, p, last->force, yes, 1);
        }
    }
}

/* Tests on arrest: the share positive (ENG_TEST_POSITIVE); of positive tests
 * requiring an assessment, the share attended (ENG_TEST_ATTENDED); people
 * referred to treatment at assessment who started within 28 days
 * (ENG_TEST_INTO_TREATMENT, into_treatment above). */
void eng_tests(const eng_ctx *c, int variant, eng_tally *t)
{
    const eng_data *d = c->d;
    if (variant == ENG_TEST_INTO_TREATMENT) {
        into_treatment(c, t);
        return;
    }
    for (size_t x = 0; x < d->npersons; x++) {
        const eng_person *px = &d->persons[x];
        for (uint32_t k = px->test; k < px->test + px->ntest; k++) {
            const eng_test *s = &d->tests[k];
            int in = variant == ENG_TEST_POSITIVE ? 1 : s->positive && s->assessment_required;
            if (!in || s->date == DAY_NONE) continue;
            int yes = variant == ENG_TEST_POSITIVE ? s->positive : s->attended;
            eng_tally_on(c, t, s->date, (eng_who){s->area, 255, s->sex, s->age}, yes, 1);
            eng_tally_org_on(c, t, s->date, s->force, yes, 1);
        }
    }
}

void eng_drr(const eng_ctx *c, int variant, eng_tally *t)
{
    (void)variant;
    const eng_data *d = c->d;
    for (size_t k = 0; k < d->norders; k++) {
        const eng_order *o = &d->orders[k];
        if (!o->drr || !o->ended || o->end == DAY_NONE) continue;
        eng_tally_on(c, t, o->end, (eng_who){o->area, 255, o->sex, o->age}, o->completed, 1);
        eng_tally_org_on(c, t, o->end, o->probation, o->completed, 1);
    }
}

/* Positive tests in (from, to]. */
static int positive_between(const eng_data *d, const eng_person *x, int32_t from, int32_t to)
{
    for (uint32_t k = x->test; k < x->test + x->ntest; k++) {
        const eng_test *s = &d->tests[k];
        if (s->positive && s->date > from && s->date <= to) return 1;
    }
    return 0;
}

/* Of people in treatment with a positive test in the year before their
 * journey began, those with another in the year after it began. */
int eng_reoffending(const eng_ctx *c, int variant, const eng_in *in, double *num, double *den)
{
    (void)variant;
    const eng_person *px = &c->d->persons[in->person];
    int32_t start = in->e->journey_start;
    if (!px->ntest || !positive_between(c->d, px, start - YEAR_DAYS - 1, start)) return 0;
    *num = positive_between(c->d, px, start, start + YEAR_DAYS);
    *den = 1;
    return 1;
}
