/* measures_harm.c — drug-misuse deaths: the standardised rate by area of
 * residence, and deaths in the four weeks after release from prison.
 *
 * The standardised rate's tally holds, for each area, calendar period and
 * sex, the deaths registered in it and the population in each of the 19 age
 * bands of the 2013 European Standard Population (once for each year
 * pooled); the results stage standardises them. A death with no
 * registration date counts by its date of death, and is tallied as such so
 * that the rows it is in are flagged. Deaths after release count by date
 * of death. */
#include "engine.h"

/* Release to death within this many days: the four weeks after release. */
#define POST_RELEASE_DAYS 28

static void population(const eng_ctx *c, eng_tally *t)
{
    const dsms_refdata *ref = c->d->ref;
    for (size_t a = 0; a < ref->nareas; a++)
        for (size_t p = 0; p < c->nperiods; p++)
            for (int b = 0; b < DSMS_AGE_BANDS; b++) {
                const double *m = ref->areas[a].population[DSMS_SEX_M];
                const double *f = ref->areas[a].population[DSMS_SEX_F];
                double years = c->periods[p].calendar ? c->periods[p].calendar : 1;
                t->den[eng_tally_slot(t, p, (int)a, ENG_CAT_ALL) + (size_t)b] =
                    (m[b] + f[b]) * years;
                t->den[eng_tally_slot(t, p, (int)a, ENG_CAT_SEX) + (size_t)b] = m[b] * years;
                t->den[eng_tally_slot(t, p, (int)a, ENG_CAT_SEX + 1) + (size_t)b] = f[b] * years;
            }
}

static void count_death(eng_tally *t, size_t p, int area, int cat, int band, int occurred)
{
    size_t at = eng_tally_slot(t, p, area, cat);
    t->num[at + (size_t)band] += 1;
    t->occurrence[at / t->nbands] += (uint32_t)occurred;
}

/* Drug-misuse deaths by date of registration (of death when none), age
 * band and sex, over the population by band (t has DSMS_AGE_BANDS bands). */
void eng_drug_deaths(const eng_ctx *c, int variant, eng_tally *t)
{
    (void)variant;
    const eng_data *d = c->d;
    population(c, t);
    for (size_t k = 0; k < d->ndeaths; k++) {
        const eng_death *x = &d->deaths[k];
        int band = x->age == 255 ? -1 : dsms_age_band_of(x->age);
        if (!x->misuse || band < 0) continue;
        int occurred = x->registered == DAY_NONE;
        int32_t day = occurred ? x->date : x->registered;
        for (size_t p = 0; p < c->nperiods; p++) {
            if (day < c->periods[p].start || day > c->periods[p].end) continue;
            count_death(t, p, x->area, ENG_CAT_ALL, band, occurred);
            if (x->sex == 1 || x->sex == 2)
                count_death(t, p, x->area, ENG_CAT_SEX + x->sex - 1, band, occurred);
        }
    }
}

static int died_after(const eng_data *d, const eng_person *x, int32_t release)
{
    for (uint32_t k = x->death; k < x->death + x->ndeath; k++) {
        const eng_death *y = &d->deaths[k];
        if (y->misuse && y->date >= release && y->date - release <= POST_RELEASE_DAYS) return 1;
    }
    return 0;
}

/* Of releases from prison, those followed by a drug-misuse death within
 * four weeks, counted where the person was released to. */
void eng_post_release_deaths(const eng_ctx *c, int variant, eng_tally *t)
{
    (void)variant;
    const eng_data *d = c->d;
    for (size_t k = 0; k < d->nreleases; k++) {
        const eng_release *r = &d->releases[k];
        eng_tally_on(c, t, r->date, (eng_who){r->area, r->group, r->sex, r->age},
                     died_after(d, &d->persons[r->person], r->date), 1);
    }
}
