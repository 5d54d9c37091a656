/* engine_tally.c — the periods the measures are produced for, and the
 * tallies they count into.
 *
 * Periods are financial years (1 April to 31 March) and rolling 12 months
 * to the end of each quarter, as far as the data reach, then the financial
 * quarters (for the counts only); a measure by calendar year (drug-misuse
 * deaths) has whole calendar years and three pooled instead. A tally holds a
 * numerator and a denominator for each period, area and category of each
 * breakdown; regions and England are added up from the areas afterwards,
 * so a record is counted once, where its area says. */
#include <stdio.h>
#include <stdlib.h>

#include "dsms/field.h"
#include "dsms/measures.h"
#include "engine.h"

const char *const dsms_group_names[ENG_NGROUPS] = {"opiate", "non_opiate", "non_opiate_alcohol",
                                               "alcohol"};
const char *const dsms_age_breakdown_names[ENG_NAGE_BANDS] = {"18-24", "25-34", "35-44",
                                                          "45-54", "55-64", "65+"};
const char *const dsms_breakdown_names[ENG_NBREAKDOWNS] = {"all", "substance", "sex",
                                                       "age", "ethnicity", "reason"};

/* Adult treatment's age bands; the few under 18 are counted with 18-24. */
int dsms_age_breakdown(int age)
{
    if (age < 0 || age > 150) return -1;
    if (age < 25) return 0;
    if (age >= 65) return 5;
    return (age - 15) / 10;
}

static int year_of(int32_t day)
{
    int y, m, d;
    dsms_date_parts(day, &y, &m, &d);
    return m >= 4 ? y : y - 1;
}

size_t eng_periods(const eng_data *d, eng_period *out, size_t max, size_t *nmain)
{
    *nmain = 0;
    if (d->last_day == DAY_NONE) return 0;
    /* With no discharge or event yet, the data cover the latest year only. */
    int first = year_of(d->first_day == DAY_OPEN ? d->last_day : d->first_day);
    int last = year_of(d->last_day);
    size_t n = 0;
    for (int y = first; y <= last && n < max; y++) {
        eng_period *p = &out[n++];
        p->start = (int32_t)dsms_financial_year_start(y);
        p->end = (int32_t)dsms_financial_year_start(y + 1) - 1;
        p->financial_year = y;
        p->calendar = 0;
        snprintf(p->label, sizeof p->label, "%d-%02d", y, (y + 1) % 100);
    }
    /* 12 months to the end of June, September and December, once a year of
     * data lies behind them: those to March are the financial years. */
    for (int y = first + 1; y <= last; y++)
        for (int month = 6; month <= 12 && n < max; month += 3) {
            eng_period *p = &out[n++];
            p->end = (int32_t)dsms_add_months(dsms_date_of(y, month, 1), 1) - 1;
            p->start = (int32_t)dsms_add_months(p->end + 1, -12);
            p->financial_year = p->calendar = 0;
            snprintf(p->label, sizeof p->label, "12m-%04d-%02d", y, month);
        }
    *nmain = n;
    /* Financial quarters that have begun: 2024-25-Q1 is April to June 2024. */
    for (int y = first; y <= last; y++)
        for (int q = 0; q < 4 && n < max; q++) {
            int32_t start = (int32_t)dsms_add_months(dsms_financial_year_start(y), 3 * q);
            if (start > d->last_day) break;
            eng_period *p = &out[n++];
            *p = (eng_period){.start = start, .quarter = q + 1};
            p->end = (int32_t)dsms_add_months(start, 3) - 1;
            snprintf(p->label, sizeof p->label, "%d-%02d-Q%d", y, (y + 1) % 100, q + 1);
        }
    return n;
}

/* A calendar period: years first to last, labelled "2023" or "2021-2023". */
static void calendar_period(eng_period *p, int first, int last)
{
    p->start = (int32_t)dsms_date_of(first, 1, 1);
    p->end = (int32_t)dsms_date_of(last + 1, 1, 1) - 1;
    p->financial_year = 0;
    p->calendar = last - first + 1;
    if (first == last) snprintf(p->label, sizeof p->label, "%d", first);
    else snprintf(p->label, sizeof p->label, "%d-%d", first, last);
}

size_t eng_calendar_periods(const eng_data *d, int32_t data_start, eng_period *out, size_t max)
{
    if (d->last_day == DAY_NONE) return 0;
    int y, m, day;
    dsms_date_parts(data_start, &y, &m, &day);
    int first = m == 1 && day == 1 ? y : y + 1;
    dsms_date_parts(d->last_day, &y, &m, &day);
    int last = m == 12 && day == 31 ? y : y - 1; /* a year counts once the data reach its end */
    size_t n = 0;
    for (int k = first; k <= last && n < max; k++) calendar_period(&out[n++], k, k);
    for (int k = first + 2; k <= last && n < max; k++) calendar_period(&out[n++], k - 2, k);
    return n;
}

size_t eng_tally_cats(unsigned breakdowns)
{
    return breakdowns & DSMS_BY_REASON      ? ENG_NCATS_ALL
           : breakdowns & DSMS_BY_ETHNICITY ? ENG_NCATS_ETHNIC
           : breakdowns & DSMS_BY_AGE       ? ENG_NCATS
           : breakdowns & DSMS_BY_SEX       ? ENG_CAT_AGE
           : breakdowns & DSMS_BY_SUBSTANCE ? ENG_CAT_SEX
                                            : ENG_CAT_GROUP;
}

int eng_tally_init(eng_tally *t, size_t nperiods, size_t nareas, size_t ncats, size_t nbands)
{
    size_t n = nperiods * (nareas + 1) * ncats * nbands;
    t->ncats = ncats;
    t->nperiods = nperiods;
    t->nareas = nareas;
    t->nbands = nbands;
    t->norgs = 0;
    t->onum = t->oden = NULL;
    t->mix = t->mix_time = 0;
    t->num = calloc(n ? n : 1, sizeof *t->num);
    t->den = calloc(n ? n : 1, sizeof *t->den);
    t->occurrence = calloc(n / nbands + 1, sizeof *t->occurrence);
    if (t->num && t->den && t->occurrence) return 0;
    eng_tally_free(t);
    return -1;
}

void eng_tally_free(eng_tally *t)
{
    free(t->num);
    free(t->den);
    free(t->occurrence);
    free(t->onum);
    free(t->oden);
    t->num = t->den = t->onum = t->oden = NULL;
    t->occurrence = NULL;
}

int eng_tally_orgs(eng_tally *t, size_t norgs)
{
    size_t n = t->nperiods * norgs * t->nbands;
    t->onum = calloc(n ? n : 1, sizeof *t->onum);
    t->oden = calloc(n ? n : 1, sizeof *t->oden);
    t->norgs = t->onum && t->oden ? norgs : 0;
    return t->onum && t->oden ? 0 : -1;
}

void eng_tally_org(eng_tally *t, size_t period, int org, double num, double den)
{
    if (org < 0 || (size_t)org >= t->norgs || (num == 0 && den == 0)) return;
    size_t at = (period * t->norgs + (size_t)org) * t->nbands;
    t->onum[at] += num;
    t->oden[at] += den;
}

void eng_tally_org_on(const eng_ctx *c, eng_tally *t, int32_t day, int org, double num, double den)
{
    if (org < 0 || (size_t)org >= t->norgs) return;
    for (size_t p = 0; p < c->nperiods; p++)
        if (day >= c->periods[p].start && day <= c->periods[p].end)
            eng_tally_org(t, p, org, num, den);
}

size_t eng_tally_slot(const eng_tally *t, size_t period, int area, int cat)
{
    size_t a = area < 0 ? t->nareas : (size_t)area;
    return ((period * (t->nareas + 1) + a) * t->ncats + (size_t)cat) * t->nbands;
}

int eng_mix_time(int32_t days)
{
    return days < 182 ? 0 : days < 365 ? 1 : days < 730 ? 2 : 3;
}

/* The case-mix cell (ENG_MIX_CELLS) of a record, in its time band when the
 * tally has them. */
static size_t mix_cell(const eng_tally *t, int group, int sex, int age)
{
    int band = age == 255 ? -1 : dsms_age_breakdown(age);
    size_t c = ENG_MIX_CELLS - 1; /* not known */
    if (group >= 0 && group < ENG_NGROUPS && (sex == 1 || sex == 2) && band >= 0)
        c = ((size_t)group * 2 + (size_t)(sex - 1)) * ENG_NAGE_BANDS + (size_t)band;
    if (t->nbands == (size_t)ENG_MIX_CELLS * ENG_MIX_TIME_BANDS)
        c += (size_t)t->mix_time * ENG_MIX_CELLS;
    return c < t->nbands ? c : t->nbands - 1;
}

void eng_tally_add(eng_tally *t, size_t period, int area, int group, int sex, int age, double num,
                   double den)
{
    if (num == 0 && den == 0) return; /* most people count in most measures' numerators as 0 */
    size_t base = eng_tally_slot(t, period, area, ENG_CAT_ALL), step = t->nbands;
    if (t->mix) {
        size_t at = base + mix_cell(t, group, sex, age);
        t->num[at] += num;
        t->den[at] += den;
        return;
    }
    size_t at[4], n = 0, ncats = t->ncats;
    at[n++] = base;
    if (ncats > ENG_CAT_GROUP && group >= 0 && group < ENG_NGROUPS)
        at[n++] = base + (size_t)(ENG_CAT_GROUP + group) * step;
    if (ncats > ENG_CAT_SEX && sex >= 1 && sex <= 3)
        at[n++] = base + (size_t)(ENG_CAT_SEX + sex - 1) * step;
    int band = age == 255 || ncats <= ENG_CAT_AGE ? -1 : dsms_age_breakdown(age);
    if (band >= 0) at[n++] = base + (size_t)(ENG_CAT_AGE + band) * step;
    for (size_t i = 0; i < n; i++) {
        t->num[at[i]] += num;
        t->den[at[i]] += den;
    }
}

void eng_tally_cat(eng_tally *t, size_t period, int area, int cat, double num, double den)
{
    if (cat < 0 || (size_t)cat >= t->ncats || (num == 0 && den == 0)) return;
    size_t at = eng_tally_slot(t, period, area, cat);
    t->num[at] += num;
    t->den[at] += den;
}

void eng_tally_episode(eng_tally *t, size_t period, const eng_episode *e, double num, double den)
{
    eng_tally_add(t, period, e->area, e->group, e->sex, e->age, num, den);
    if (t->ncats >= ENG_NCATS_ETHNIC && e->ethnic < ENG_NETHNIC)
        eng_tally_cat(t, period, e->area, ENG_CAT_ETHNIC + e->ethnic, num, den);
}

void eng_tally_on(const eng_ctx *c, eng_tally *t, int32_t day, eng_who w, double num, double den)
{
    for (size_t p = 0; p < c->nperiods; p++)
        if (day >= c->periods[p].start && day <= c->periods[p].end)
            eng_tally_add(t, p, w.area, w.group, w.sex, w.age, num, den);
}
