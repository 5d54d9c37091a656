/* measures_needs.c — who is in treatment and what they get: housing need
 * and no fixed abode, parents living with their children, inpatient
 * detoxification, residential rehabilitation, recovery support, hepatitis B
 * vaccination, long-term opiate clients, criminal-justice referrals; the
 * days from a drug rehabilitation requirement to treatment; and referrals
 * closed without treatment, by reason.
 *
 * The people in treatment are eng_each_in_treatment's, counted where their
 * latest episode says. docs/measures.md gives each definition and the
 * strategy lines that ask for it. */
#include "dsms/field.h"
#include "engine.h"

/* A DRR start to treatment: within three weeks (day 21 counts); a start
 * after WAIT_BANDS - 2 (90) days, or none, is "91 or more". */
#define THREE_WEEKS 21
/* Opiate clients in treatment this many months or more are long-term. */
#define LONG_TERM_MONTHS 24

/* What each eng_needs variant (variant: ENG_NEEDM_*) counts among the people in
 * treatment. */
int eng_needs(const eng_ctx *c, int variant, const eng_in *in, double *num, double *den)
{
    (void)c;
    static const int flag[] = {[ENG_NEEDM_HOUSING] = ENG_NEED_HOUSING,
                               [ENG_NEEDM_NFA] = ENG_NEED_NFA,
                               [ENG_NEEDM_PARENT] = ENG_NEED_PARENT,
                               [ENG_NEEDM_HEP_B] = ENG_NEED_HEP_B};
    static const int kind[] = {[ENG_NEEDM_INPATIENT] = ENG_IV_INPATIENT,
                               [ENG_NEEDM_RESIDENTIAL] = ENG_IV_RESIDENTIAL,
                               [ENG_NEEDM_RECOVERY] = ENG_IV_RECOVERY};
    *den = variant == ENG_NEEDM_HEP_B; /* the others are counts */
    if (variant == ENG_NEEDM_INPATIENT || variant == ENG_NEEDM_RESIDENTIAL ||
        variant == ENG_NEEDM_RECOVERY)
        *num = (in->interventions & (unsigned)kind[variant]) != 0;
    else
        *num = (in->e->needs & flag[variant]) != 0;
    return variant != ENG_NEEDM_HEP_B || in->e->injecting_ever;
}

/* Opiate clients in treatment whose journey began 24 months or more before
 * the period's last day. */
int eng_opiate_long_term(const eng_ctx *c, int variant, const eng_in *in, double *num, double *den)
{
    (void)variant;
    const eng_episode *e = in->e;
    int32_t cut = (int32_t)dsms_add_months(c->periods[in->period].end, -LONG_TERM_MONTHS);
    *num = e->journey_start != DAY_NONE && e->journey_start <= cut;
    *den = 1;
    return e->group == ENG_GROUP_OPIATE;
}

/* New presentations referred by a criminal-justice source (a count: as a
 * share, its denominator would be new_presentations' count, and each area
 * with 1 to 5 such referrals would hide that count too). */
void eng_cj_referrals(const eng_ctx *c, int variant, eng_tally *t)
{
    (void)variant;
    const eng_data *d = c->d;
    for (size_t x = 0; x < d->npersons; x++)
        for (size_t p = 0; p < c->nperiods; p++) {
            long i = eng_new_presentation(d, &d->persons[x], c->periods[p].start,
                                          c->periods[p].end);
            if (i < 0) continue;
            const eng_episode *e = &d->episodes[i];
            if (e->needs & ENG_NEED_CJ_REFERRAL) eng_tally_episode(t, p, e, 1, 0);
        }
}

/* Days from a DRR's start to the person's first intervention on or after it;
 * -1 when already in treatment on the start day; WAIT_BANDS - 1 when none
 * came within WAIT_BANDS - 2 days. */
static int drr_days(const eng_data *d, const eng_person *x, int32_t start)
{
    int32_t first = DAY_OPEN;
    for (ENG_EACH_EPISODE(d, x, e)) {
        if (e->first_intervention == DAY_NONE) continue;
        if (e->first_intervention < start && e->discharge >= start) return -1;
        if (e->first_intervention >= start && e->first_intervention < first)
            first = e->first_intervention;
    }
    if (first == DAY_OPEN || first - start >= WAIT_BANDS - 1) return WAIT_BANDS - 1;
    return first - start;
}

/* variant 0: DRRs whose person started treatment within 3 weeks (a
 * proportion); variant 1: the distribution of days (for the median). */
void eng_drr_to_treatment(const eng_ctx *c, int variant, eng_tally *t)
{
    const eng_data *d = c->d;
    for (size_t k = 0; k < d->norders; k++) {
        const eng_order *o = &d->orders[k];
        if (!o->drr || o->start == DAY_NONE) continue;
        int days = drr_days(d, &d->persons[o->person], o->start);
        if (days < 0) continue;
        if (variant == 0) {
            eng_tally_on(c, t, o->start, (eng_who){o->area, 255, o->sex, o->age},
                         days <= THREE_WEEKS, 1);
            continue;
        }
        for (size_t p = 0; p < c->nperiods; p++)
            if (o->start >= c->periods[p].start && o->start <= c->periods[p].end)
                t->num[eng_tally_slot(t, p, o->area, ENG_CAT_ALL) + (size_t)days] += 1;
    }
}

/* Episodes that never began treatment (no first intervention) and were
 * closed, by discharge date, with their reason. */
void eng_referrals_not_started(const eng_ctx *c, int variant, eng_tally *t)
{
    (void)variant;
    const eng_data *d = c->d;
    for (size_t i = 0; i < d->nepisodes; i++) {
        const eng_episode *e = &d->episodes[i];
        if (e->first_intervention != DAY_NONE || e->discharge == DAY_OPEN) continue;
        for (size_t p = 0; p < c->nperiods; p++) {
            if (e->discharge < c->periods[p].start || e->discharge > c->periods[p].end) continue;
            eng_tally_episode(t, p, e, 1, 0);
            eng_tally_org(t, p, e->provider, 1, 0);
            if (e->reason) eng_tally_cat(t, p, e->area, ENG_CAT_REASON + e->reason - 1, 1, 0);
        }
    }
}
