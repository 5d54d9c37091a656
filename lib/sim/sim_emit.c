/* sim_emit.c — a simulated person's records as the CSV rows each organisation
 * submits for one financial year: what was known at the year's end, and, when
 * asked, realistic data errors planted in a chosen share of rows and listed in
 * planted.csv so that tests can check validation finds every one. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/dataset.h"
#include "dsms/field.h"
#include "dsms/grow.h"
#include "sim.h"

enum { MAX_FIELDS = 32, FIELD_LEN = 48 };

typedef struct {
    sim_out *o;
    const dsms_table *t;
    int table;
    char f[MAX_FIELDS][FIELD_LEN];
} row;

static const char *const table_names[] = {"episodes", "interventions", "top", "prison_releases",
                                          "drug_tests", "court_orders", "deaths",
                                          "ew_reports"};

static void row_start(sim_out *o, row *r, int table)
{
    if (!o->tables[table]) o->tables[table] = dsms_table_find(table_names[table]);
    r->o = o;
    r->table = table;
    r->t = o->tables[table];
    for (size_t i = 0; i < r->t->nfields; i++) r->f[i][0] = 0;
}

/* A field's column, remembered by the address of the name the caller passes
 * (always a string literal here): looking names up is most of the cost of
 * writing a row otherwise. */
static int column(const row *r, const char *name)
{
    sim_out *o = r->o;
    size_t h = (size_t)(((uintptr_t)name * 0x9e3779b97f4a7c15u) >> 56) % SIM_FIELD_SLOTS;
    for (;; h = (h + 1) % SIM_FIELD_SLOTS) {
        sim_field_slot *s = &o->field_slots[h];
        if (s->name == name && s->table == r->table) return s->index;
        if (!s->name) {
            s->name = name;
            s->table = r->table;
            s->index = dsms_field_index(r->t, name);
            return s->index;
        }
    }
}

static void set(row *r, const char *field, const char *value)
{
    int i = column(r, field);
    if (i < 0) return;
    size_t n = strlen(value);
    if (n >= FIELD_LEN) n = FIELD_LEN - 1;
    memcpy(r->f[i], value, n);
    r->f[i][n] = 0;
}

static void set_day(row *r, const char *field, int day)
{
    char b[16];
    dsms_date_format(day, b);
    set(r, field, b);
}

/* A date that may be absent (NO_DATE); a date of birth is always present. */
static void set_date(row *r, const char *field, int day)
{
    if (day != NO_DATE) set_day(r, field, day);
}

static void set_int(row *r, const char *field, long v)
{
    char b[24], *p = b + sizeof b - 1;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    *p = 0;
    do *--p = (char)('0' + u % 10); while (u /= 10);
    if (v < 0) *--p = '-';
    set(r, field, p);
}

static void set_yn(row *r, const char *field, int v) { set(r, field, v ? "Y" : "N"); }

static void set_attributor(row *r, const sim_person *p)
{
    set(r, "initials", p->initials);
    set_day(r, "date_of_birth", p->dob);
    set(r, "sex", p->sex == 0 ? "M" : p->sex == 1 ? "F" : "X");
}

/* ---- sinks ---------------------------------------------------------------- */

static int append(sim_out *o, sim_sink *s, const char *text, size_t n)
{
    if (s->len + n + 1 > s->cap) {
        char *b = dsms_grow(s->buf, &s->cap, s->len + n + 1, 1, 4096);
        if (!b) return o->failed = 1, -1;
        s->buf = b;
    }
    memcpy(s->buf + s->len, text, n);
    s->len += n;
    return 0;
}

static void write_line(sim_out *o, sim_sink *s, const row *r, size_t nfields)
{
    char line[MAX_FIELDS * FIELD_LEN + 2];
    size_t n = 0;
    for (size_t i = 0; i < nfields; i++) {
        size_t k = strlen(r->f[i]);
        memcpy(line + n, r->f[i], k);
        n += k;
        line[n++] = i + 1 < nfields ? ',' : '\n';
    }
    append(o, s, line, n);
    s->lines++;
}

/* ---- planted errors ------------------------------------------------------- */

enum { E_BAD_DATE, E_UNKNOWN_CODE, E_BROKEN_ORDER, E_DUPLICATE_KEY, E_RAGGED, E_KINDS };
static const char *const error_kinds[] = {"bad_date", "unknown_code", "broken_order",
                                          "duplicate_key", "ragged_row", "episode_rejected"};

/* Per table: the date to spoil, the code to spoil, and the pair whose order
 * to break (the later is moved before the earlier). */
static const char *const plant_date[] = {"referral_date", "start_date", "top_date",
                                         "release_date", "test_date", "start_date",
                                         "date_of_death", "date_sampled"};
static const char *const plant_code[] = {"referral_source", "type", "stage", "treatment_need",
                                         "result", "order_type", "drug_misuse", "matrix"};
static const char *const order_early[] = {"referral_date", "start_date", NULL, NULL,
                                          "arrest_date", "start_date", "date_of_death",
                                          "date_sampled"};
static const char *const order_late[] = {"first_intervention_date", "end_date", NULL, NULL,
                                         "test_date", "end_date", "registration_date",
                                         "date_reported"};

static void note_planted(sim_out *o, const sim_sink *s, long line, const char *field,
                         const char *kind)
{
    if (!o->planted) return;
    fprintf(o->planted, "%s/%s/%s.csv,%ld,%s,%s,%s\n", o->period, s->source,
            table_names[s->table], line, table_names[s->table], field, kind);
    o->nplanted++;
}

/* Whether the row with this identity gets an error in year, and which. */
static int planted_kind(const sim_out *o, int year, int table, uint64_t id, uint64_t seq)
{
    if (o->error_rate <= 0) return -1;
    uint64_t h = sim_hash(o->c->seed ^ 0xe550e550u, ((uint64_t)year << 8) | (uint64_t)table, id,
                          seq);
    if ((double)(h >> 11) * 0x1.0p-53 >= o->error_rate) return -1;
    return (int)((h & 0xff) % E_KINDS);
}

/* Spoil one field of r by *kind (changed to what was done when a table has no
 * date order to break); returns the field's name. */
static const char *spoil(row *r, int *kind, uint64_t id)
{
    static const char *const bad_dates[] = {"2023-02-30", "31/03/2023", "2023-13-01",
                                            "2023-04-31", "20230401"};
    static const char *const bad_codes[] = {"unknown", "herion", "?", "99", "n/a"};
    int table = r->table;
    if (*kind == E_BROKEN_ORDER && order_late[table]) {
        int e = dsms_field_index(r->t, order_early[table]);
        int l = dsms_field_index(r->t, order_late[table]);
        if (r->f[l][0] && r->f[e][0]) {
            int64_t d = dsms_date_parse(r->f[e], strlen(r->f[e]));
            dsms_date_format(d - 1 - (int64_t)(id % 30), r->f[l]);
            return order_late[table];
        }
    }
    if (*kind == E_BAD_DATE) {
        set(r, plant_date[table], bad_dates[id % 5]);
        return plant_date[table];
    }
    *kind = E_UNKNOWN_CODE;
    set(r, plant_code[table], bad_codes[id % 5]);
    return plant_code[table];
}

/* Write r to s; with error planting on, this row may be spoiled, doubled or
 * cut short. Returns 1 when the row as written will be rejected. */
static int emit(sim_out *o, sim_sink *s, row *r, uint64_t id, uint64_t seq, int cascade)
{
    size_t n = r->t->nfields;
    int kind = planted_kind(o, o->year, r->table, id, seq);
    long line = s->lines + 2;
    if (kind < 0) {
        write_line(o, s, r, n);
        if (cascade) note_planted(o, s, line, "episode_ref", error_kinds[E_KINDS]);
        return cascade;
    }
    if (kind == E_DUPLICATE_KEY) {
        write_line(o, s, r, n);
        write_line(o, s, r, n);
        if (cascade) note_planted(o, s, line, "episode_ref", error_kinds[E_KINDS]);
        note_planted(o, s, line + 1, r->t->fields[0].name, error_kinds[kind]);
        return cascade;
    }
    if (kind == E_RAGGED) {
        write_line(o, s, r, n - 1);
        note_planted(o, s, line, r->t->fields[n - 1].name, error_kinds[kind]);
        return 1;
    }
    const char *field = spoil(r, &kind, id + seq);
    write_line(o, s, r, n);
    note_planted(o, s, line, field, error_kinds[kind]);
    return 1;
}

/* ---- one financial year of a person ---------------------------------------- */

static int visible(int start, int end, int ys, int ye)
{
    return start <= ye && (end == NO_DATE || end >= ys);
}

static int as_at(int day, int ye) { return day != NO_DATE && day <= ye ? day : NO_DATE; }

static uint64_t episode_id(const sim_person *p, const sim_episode *e)
{
    return p->id * 256 + (uint64_t)e->seq;
}

/* Whether an episode reached the store in an earlier year's submission. */
static int stored_before(const sim_out *o, const sim_person *p, const sim_episode *e)
{
    for (int y = o->start_year; y < o->year; y++) {
        if (e->referral > (int)dsms_financial_year_start(y + 1) - 1) continue;
        int kind = planted_kind(o, y, T_EPISODES, episode_id(p, e), 0);
        if (kind < 0 || kind == E_DUPLICATE_KEY) return 1;
    }
    return 0;
}

static void episode_row(sim_out *o, const sim_person *p, const sim_episode *e, row *r)
{
    const dsms_ref_provider *pv = &o->w->ref->providers[e->provider];
    char ref[40];
    row_start(o, r, T_EPISODES);
    set(r, "provider_code", pv->code);
    snprintf(ref, sizeof ref, "C%llu", (unsigned long long)p->id);
    set(r, "client_ref", ref);
    snprintf(ref, sizeof ref, "E%llu-%d", (unsigned long long)p->id, e->seq);
    set(r, "episode_ref", ref);
    if (p->consent) set_attributor(r, p);
    set_yn(r, "consent", p->consent);
    static const char ethnic[] = "ABCDEFGHJKLMNPRSZ";
    set(r, "ethnicity", (char[]){ethnic[p->ethnicity], 0});
    set(r, "area_code", o->w->ref->areas[p->area].code);
    set_date(r, "referral_date", e->referral);
    set(r, "referral_source", sim_referral_sources[e->source]);
    set_date(r, "triage_date", as_at(e->triage, o->ye));
    set_date(r, "first_intervention_date", as_at(e->first, o->ye));
    set(r, "setting", pv->prison >= 0 ? "P" : "C");
    static const char *const slot[] = {"substance_1", "substance_2", "substance_3"};
    for (size_t i = 0; i < sizeof slot / sizeof *slot; i++)
        if (e->substance[i] != 255) set(r, slot[i], sim_substances[e->substance[i]]);
    set_int(r, "age_first_use", e->age_first_use);
    static const char *const inj[] = {"current", "previous", "never", "declined"};
    static const char *const housing[] = {"nfa", "housing_problem", "no_problem"};
    static const char *const work[] = {"employed", "student", "unemployed", "long_term_sick",
                                       "homemaker", "retired", "voluntary", "other"};
    static const char *const parent[] = {"lives_with_children", "children_elsewhere",
                                         "not_parent", "declined"};
    set(r, "injecting_status", inj[e->injecting]);
    set(r, "housing_need", housing[e->housing]);
    set(r, "employment_status", work[e->employment]);
    set(r, "parent_status", parent[e->parent]);
    set_yn(r, "mental_health_need", e->mh_need);
    if (e->hep_c) set_yn(r, "hep_c_tested", e->hep_c == 1);
    if (e->hep_b) set_yn(r, "hep_b_vaccinated", e->hep_b == 1);
    int end = as_at(e->discharge, o->ye);
    if (end != NO_DATE) {
        set_date(r, "discharge_date", end);
        set(r, "discharge_reason", sim_discharge_reasons[e->reason]);
        set_yn(r, "ost_at_exit", e->ost_at_exit);
    }
}

static void intervention_row(sim_out *o, const sim_person *p, const sim_episode *e, int k,
                             row *r)
{
    const sim_intervention *v = &p->iv.v[e->i0 + k];
    char ref[40];
    row_start(o, r, T_INTERVENTIONS);
    set(r, "provider_code", o->w->ref->providers[e->provider].code);
    snprintf(ref, sizeof ref, "E%llu-%d", (unsigned long long)p->id, e->seq);
    set(r, "episode_ref", ref);
    snprintf(ref, sizeof ref, "I%d", k + 1);
    set(r, "intervention_ref", ref);
    set(r, "type", sim_intervention_types[v->type]);
    set_date(r, "start_date", v->start);
    if (as_at(v->end, o->ye) != NO_DATE) {
        set_date(r, "end_date", v->end);
        set(r, "exit_reason", sim_intervention_exits[v->exit]);
    }
}

static const char *primary_days_field(int substance)
{
    switch (substance) {
    case 0: case 1: case 2: case 3: return "days_opiates";
    case 4: return "days_crack";
    case 5: return "days_cocaine";
    case 6: return "days_amphetamines";
    case 8: case 9: return "days_cannabis";
    case 13: return "days_alcohol";
    default: return "days_other";
    }
}

static void top_row(sim_out *o, const sim_person *p, const sim_episode *e, const sim_top *t,
                    row *r)
{
    static const char *const stage[] = {"start", "review", "exit"};
    char ref[40];
    row_start(o, r, T_TOP);
    set(r, "provider_code", o->w->ref->providers[e->provider].code);
    snprintf(ref, sizeof ref, "E%llu-%d", (unsigned long long)p->id, e->seq);
    set(r, "episode_ref", ref);
    set_date(r, "top_date", t->date);
    set(r, "stage", stage[t->stage]);
    if (e->substance[0] != 13) set_int(r, "days_alcohol", t->alcohol_days);
    if (e->substance[0] != 4) set_int(r, "days_crack", t->crack_days);
    set_int(r, primary_days_field(e->substance[0]), t->primary_days);
    set_int(r, "days_injected", t->injected_days);
    if (t->injected_days) set_yn(r, "shared_equipment", t->shared);
    set_int(r, "days_shoplifting", t->shoplifting);
    set_int(r, "days_selling_drugs", t->selling);
    set_int(r, "days_theft", t->theft);
    set_int(r, "days_assault", t->assault);
    set_int(r, "psych_health", t->psych);
    set_int(r, "phys_health", t->phys);
    set_int(r, "quality_of_life", t->qol);
    set_int(r, "days_paid_work", t->work);
    set_yn(r, "acute_housing_problem", t->housing_problem);
    set_yn(r, "risk_of_eviction", t->eviction);
}

static void emit_episodes(sim_out *o, const sim_person *p)
{
    row r;
    for (int i = 0; i < p->ep.n; i++) {
        const sim_episode *e = &p->ep.v[i];
        if (!visible(e->referral, e->discharge, o->ys, o->ye)) continue;
        uint64_t id = episode_id(p, e);
        episode_row(o, p, e, &r);
        int rejected = emit(o, &o->sinks[T_EPISODES][e->provider], &r, id, 0, 0);
        int orphans = rejected && !stored_before(o, p, e);
        for (int k = 0; k < e->ni; k++) {
            const sim_intervention *v = &p->iv.v[e->i0 + k];
            if (!visible(v->start, v->end, o->ys, o->ye)) continue;
            intervention_row(o, p, e, k, &r);
            emit(o, &o->sinks[T_INTERVENTIONS][e->provider], &r, id, (uint64_t)k + 1, orphans);
        }
        for (int k = 0; k < e->nt; k++) {
            const sim_top *t = &p->top.v[e->t0 + k];
            if (t->date < o->ys || t->date > o->ye) continue;
            top_row(o, p, e, t, &r);
            emit(o, &o->sinks[T_TOP][e->provider], &r, id, (uint64_t)k + 1, orphans);
        }
    }
}

static void test_row(sim_out *o, const sim_person *p, const sim_test *t, row *r)
{
    static const char *const offences[] = {"theft", "burglary", "robbery", "vehicle_crime",
                                           "fraud", "handling", "begging", "drug_possession",
                                           "drug_supply", "inspector_authority"};
    static const char *const results[] = {"negative", "opiates", "cocaine", "both"};
    static const char *const outcomes[] = {"", "referred_to_treatment", "no_further_action",
                                           "did_not_attend"};
    char ref[40];
    row_start(o, r, T_TESTS);
    set(r, "force_code", o->w->ref->forces[t->force].code);
    snprintf(ref, sizeof ref, "T%llu-%d", (unsigned long long)p->id, t->seq);
    set(r, "test_ref", ref);
    set_attributor(r, p);
    set(r, "area_code", o->w->ref->areas[p->area].code);
    set_date(r, "arrest_date", t->arrest);
    set(r, "trigger_offence", offences[t->offence]);
    set_date(r, "test_date", t->test);
    set(r, "result", results[t->result]);
    set_yn(r, "assessment_required", t->required);
    /* What was known at the year's end: a later assessment is not yet known. */
    int at = as_at(t->assessment, o->ye);
    if (t->outcome == 3) set(r, "assessment_outcome", outcomes[3]);
    else if (at != NO_DATE) {
        set_date(r, "assessment_date", at);
        set(r, "assessment_outcome", outcomes[t->outcome]);
    }
}

/* A test is submitted in the year of the test and again in the year its
 * assessment took place, if that is later: the year's end found it waiting
 * for the assessment, and the later record, with the same key, replaces it.
 * Tests from before the first year written are not written at all. */
static int test_in_year(const sim_out *o, const sim_test *t)
{
    if (t->test > o->ye || t->test < (int)dsms_financial_year_start(o->start_year)) return 0;
    return t->test >= o->ys || (t->assessment != NO_DATE && t->assessment >= o->ys &&
                                t->assessment <= o->ye);
}

static void emit_justice(sim_out *o, const sim_person *p)
{
    row r;
    char ref[40];
    for (int i = 0; i < p->test.n; i++) {
        const sim_test *t = &p->test.v[i];
        if (!test_in_year(o, t)) continue;
        test_row(o, p, t, &r);
        emit(o, &o->sinks[T_TESTS][t->force], &r, p->id, (uint64_t)t->seq, 0);
    }
    static const char *const types[] = {"drr", "atr", "mhtr"};
    static const char *const outcomes[] = {"completed", "revoked_breach", "revoked_new_offence"};
    int probation = o->w->ref->areas[p->area].probation;
    for (int i = 0; i < p->order.n; i++) {
        const sim_order *d = &p->order.v[i];
        if (!visible(d->start, d->end, o->ys, o->ye)) continue;
        row_start(o, &r, T_ORDERS);
        set(&r, "probation_region", o->w->ref->probation[probation].code);
        snprintf(ref, sizeof ref, "O%llu-%d", (unsigned long long)p->id, d->seq);
        set(&r, "order_ref", ref);
        set_attributor(&r, p);
        set(&r, "area_code", o->w->ref->areas[p->area].code);
        set(&r, "order_type", types[d->type]);
        set_date(&r, "start_date", d->start);
        int ended = d->end <= o->ye;
        if (ended) set_date(&r, "end_date", d->end);
        set(&r, "outcome", ended ? outcomes[d->outcome] : "ongoing");
        emit(o, &o->sinks[T_ORDERS][probation], &r, p->id, (uint64_t)d->seq, 0);
    }
    for (int i = 0; i < p->rel.n; i++) {
        const sim_release *x = &p->rel.v[i];
        if (x->release < o->ys || x->release > o->ye) continue;
        row_start(o, &r, T_RELEASES);
        set(&r, "prison_code", o->w->ref->prisons[x->prison].code);
        snprintf(ref, sizeof ref, "R%llu-%d", (unsigned long long)p->id, x->seq);
        set(&r, "release_ref", ref);
        set_attributor(&r, p);
        set_date(&r, "release_date", x->release);
        set(&r, "release_area_code", o->w->ref->areas[p->area].code);
        set_yn(&r, "treatment_need", x->need);
        if (x->need) {
            set(&r, "substance_group", sim_groups[x->group]);
            set_yn(&r, "in_treatment_at_release", x->in_treatment);
        }
        emit(o, &o->sinks[T_RELEASES][x->prison], &r, p->id, (uint64_t)x->seq, 0);
    }
}

/* The day a death is registered. A drug-poisoning death waits for an
 * inquest: a median of about five and a half months, one in ten more than
 * a year; a few, and most other deaths, are registered within days. Drawn
 * apart from the person's life, so that every year's run gives the death
 * the same day: it is written in the file of the year it is registered. */
static int registration_of(const sim_out *o, const sim_person *p)
{
    sim_rng r;
    sim_rng_init(&r, o->c->seed, p->id, 0xde47ull);
    if (sim_chance(&r, p->death.misuse ? 0.05 : 0.6)) return p->death.date + sim_int(&r, 1, 7);
    double delay = sim_lognormal(&r, 165, 0.6);
    return p->death.date + (delay < 1500 ? (int)delay : 1500);
}

/* The codes of a list joined by semicolons. */
static void set_list(row *r, const char *field, const char *const *v, int n)
{
    char list[FIELD_LEN] = "";
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        size_t k = strlen(v[i]);
        if (len + k + 2 >= sizeof list) break;
        if (len) list[len++] = ';';
        memcpy(list + len, v[i], k + 1);
        len += k;
    }
    if (len) set(r, field, list);
}

long sim_emit_report(sim_out *o, const sim_ew_report *e)
{
    const dsms_refdata *ref = o->w->ref;
    row r;
    char id[24];
    row_start(o, &r, T_EW);
    set(&r, "reporter_code", ref->reporters[e->reporter].code);
    sim_ew_ref(e->id, id, sizeof id);
    set(&r, "report_ref", id);
    set(&r, "source_type", e->source);
    set_day(&r, "date_sampled", e->sampled);
    set_day(&r, "date_reported", e->reported);
    if (e->area >= 0) set(&r, "area_code", ref->areas[e->area].code);
    if (e->prison >= 0) set(&r, "prison_code", ref->prisons[e->prison].code);
    set_list(&r, "substances", e->substances, e->nsubstances);
    set(&r, "matrix", e->matrix);
    if (e->sold_as) set(&r, "sold_as", e->sold_as);
    set_list(&r, "adverse_effects", e->effects, e->neffects);
    if (e->severity) set(&r, "severity", e->severity);
    if (e->person) {
        set(&r, "initials", e->initials);
        set_day(&r, "date_of_birth", e->dob);
        set(&r, "sex", e->sex == 0 ? "M" : e->sex == 1 ? "F" : "X");
    }
    sim_sink *s = &o->sinks[T_EW][e->reporter];
    long line = s->lines + 2;
    return emit(o, s, &r, e->id, 0, 0) ? -1 : line;
}

static void emit_death(sim_out *o, const sim_person *p)
{
    if (!p->died) return;
    int registered = registration_of(o, p);
    if (registered < o->ys || registered > o->ye) return;
    row r;
    char ref[48];
    row_start(o, &r, T_DEATHS);
    snprintf(ref, sizeof ref, "D%llu", (unsigned long long)p->id);
    set(&r, "death_ref", ref);
    set_attributor(&r, p);
    set(&r, "area_code", o->w->ref->areas[p->area].code);
    set_date(&r, "date_of_death", p->death.date);
    set_yn(&r, "drug_misuse", p->death.misuse);
    char list[FIELD_LEN] = "";
    size_t n = 0;
    for (int i = 0; sim_substances[i]; i++)
        if (p->death.substances & (1u << i)) {
            size_t k = strlen(sim_substances[i]);
            if (n + k + 2 >= sizeof list) break;
            if (n) list[n++] = ';';
            memcpy(list + n, sim_substances[i], k + 1);
            n += k;
        }
    set(&r, "substances", list);
    set_date(&r, "registration_date", registered);
    emit(o, &o->sinks[T_DEATHS][0], &r, p->id, 0, 0);
    /* ONS counts the death as registered, whatever becomes of its row. */
    if (p->death.misuse && o->deaths)
        sim_deaths_count(o->deaths, p->area, registered, p->dob, p->death.date);
}

void sim_emit_person(void *out, sim_person *p)
{
    sim_out *o = out;
    emit_episodes(o, p);
    emit_justice(o, p);
    emit_death(o, p);
}

/* The background tests of one area drawn in financial year `year` (from
 * ys to ye), written when they belong in the year being written. */
static void background_year(sim_out *o, int area, int year, int ys, int ye)
{
    sim_rng r;
    sim_rng_init(&r, o->c->seed, 0x7e57ull << 32 | (uint64_t)area, (uint64_t)year);
    int n = sim_poisson(&r, o->w->adults[area] * 2e-4 * o->scale);
    sim_person p;
    memset(&p, 0, sizeof p);
    sim_test t;
    row rw;
    for (int i = 0; i < n; i++) {
        /* Someone arrested once and never seen again in these data. */
        p.id = (0xbull << 56) | ((uint64_t)area << 32) | ((uint64_t)year << 20) | (uint64_t)i;
        p.area = area;
        p.sex = sim_chance(&r, 0.82) ? 0 : 1;
        p.dob = ys + sim_int(&r, 0, 364) - (int)(sim_normal(&r, 31, 9) * 365.25);
        if (p.dob > ys - 18 * 365) p.dob = ys - 18 * 365 - sim_int(&r, 0, 999);
        p.initials[0] = (char)('A' + sim_int(&r, 0, 25));
        p.initials[1] = (char)('A' + sim_int(&r, 0, 25));
        memset(&t, 0, sizeof t);
        t.force = o->w->ref->areas[area].force;
        t.seq = 1;
        t.arrest = t.test = ys + sim_int(&r, 0, ye - ys);
        t.offence = (uint8_t)sim_int(&r, 0, 6);
        t.result = sim_chance(&r, 0.1) ? 2 : 0;
        t.required = t.result && sim_chance(&r, 0.5);
        t.assessment = NO_DATE;
        if (t.required) {
            t.assessment = t.test + sim_int(&r, 1, 7);
            t.outcome = 2;
        }
        if (!test_in_year(o, &t)) continue;
        test_row(o, &p, &t, &rw);
        emit(o, &o->sinks[T_TESTS][t.force], &rw, p.id, 1, 0);
    }
}

void sim_emit_background(sim_out *o, int area)
{
    /* Last year's tests still waiting for their assessment at its end first. */
    if (o->year > o->start_year)
        background_year(o, area, o->year - 1, (int)dsms_financial_year_start(o->year - 1),
                        o->ys - 1);
    background_year(o, area, o->year, o->ys, o->ye);
}
