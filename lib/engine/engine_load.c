/* engine_load.c — read the store into the engine's compact arrays.
 *
 * Each data table is scanned once, in key order, for the columns the
 * measures use. Codes arrive as their numbers in their code lists and are
 * turned here into what the measures ask (is this a successful completion,
 * an opiate, a positive test), by the code lists' own groups, so that no
 * second list of codes lives in the engine. Pseudonyms become numbers
 * through one hash table, and people are numbered once every table is read
 * (eng_finish). Interventions and TOP reviews, the largest tables, are read
 * on a second thread and joined to their episodes by merging, since both
 * come in the episodes' key order. Each table's rows are cut into segments,
 * one per organisation, and one organisation's rows can be read alone: the
 * records kept between computations (engine_keep.c) are read again so. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/grow.h"
#include "dsms/pseudo.h"
#include "engine.h"

/* Each table read starts with room for this many rows (dsms_room_for). */
#define FIRST_ROWS 65536

/* ---- code numbers ---------------------------------------------------------- */

static const dsms_codelist *codelist(const char *table, const char *field)
{
    const dsms_table *t = dsms_table_find(table);
    int f = t ? dsms_field_index(t, field) : -1;
    return f >= 0 ? t->fields[f].codes : NULL;
}

/* The number (1 for the first) of a code in a field's list, or -1. */
static int code_no(const char *table, const char *field, const char *code)
{
    const dsms_codelist *cl = codelist(table, field);
    const dsms_code *c = cl ? dsms_code_find(cl, code, strlen(code)) : NULL;
    return c ? (int)(c - cl->codes) + 1 : -1;
}

/* The group of code number n in a field's list, or "". */
static const char *code_group(const char *table, const char *field, int64_t n)
{
    const dsms_codelist *cl = codelist(table, field);
    if (!cl || n < 1 || (size_t)n > cl->ncodes || !cl->codes[n - 1].group) return "";
    return cl->codes[n - 1].group;
}

/* Most codes in a list the engine reads by number. */
#define CODE_MAX 64

/* The numbers the loaders compare against, found once. */
/* Reference codes sorted (each record's code is its first member), with
 * each one's index in the reference data, for look-up by binary search. */
typedef struct {
    const char **codes;
    int *index;
    size_t n;
} code_index;

typedef struct {
    int yes, community, custody_transfer, injecting_current, injecting_previous;
    int drr, order_completed, attended_no, referred, misuse_yes;
    int crack; /* the substance code crack; 0 when the list has none */
    int top_stage[ENG_TOP_STAGE_POST_EXIT + 1]; /* by ENG_TOP_STAGE_* */
    int mutual_aid, peer_support;
    /* By code number (1 for the first), what the code list's groups say. */
    uint8_t end[CODE_MAX];      /* discharge reason: ENG_END_* */
    uint8_t positive[CODE_MAX]; /* test result: positive */
    uint8_t ended[CODE_MAX];    /* order outcome: ended */
    uint8_t ethnic[CODE_MAX];   /* ethnicity: ENG_ETHNIC_* by the letter's ONS group */
    uint8_t cj[CODE_MAX];       /* referral source: in the criminal_justice group */
    uint8_t iv_kind[CODE_MAX];  /* intervention type: ENG_IV_* by its group */
    int nfa, housing_problem, lives_with_children;
} codes;

/* ENG_ETHNIC_* of an ethnicity code: A-C White, D-G Mixed, H-L Asian, M-P Black,
 * R-S Other (NHS data dictionary letters, in the ONS groups); Z not stated. */
static uint8_t ethnic_group(const char *code)
{
    static const char *const letters[] = {"ABC", "DEFG", "HJKL", "MNP", "RS"};
    for (int g = 0; code && code[0] && !code[1] && g < 5; g++)
        if (strchr(letters[g], code[0])) return (uint8_t)g;
    return ENG_ETHNIC_NOT_STATED;
}

/* The code-list-driven tables of the measures of needs (measures_needs.c). */
static int find_need_codes(codes *c)
{
    c->nfa = code_no("episodes", "housing_need", "nfa");
    c->housing_problem = code_no("episodes", "housing_need", "housing_problem");
    c->lives_with_children = code_no("episodes", "parent_status", "lives_with_children");
    const dsms_codelist *eth = codelist("episodes", "ethnicity");
    const dsms_codelist *reasons = codelist("episodes", "discharge_reason");
    for (int n = 1; n < CODE_MAX; n++) {
        c->ethnic[n] = eth && (size_t)n <= eth->ncodes ? ethnic_group(eth->codes[n - 1].code)
                                                       : ENG_ETHNIC_NOT_STATED;
        c->cj[n] = strcmp(code_group("episodes", "referral_source", n), "criminal_justice") == 0;
        const char *g = code_group("interventions", "type", n);
        c->iv_kind[n] = (uint8_t)(strcmp(g, "inpatient") == 0     ? ENG_IV_INPATIENT
                                  : strcmp(g, "residential") == 0 ? ENG_IV_RESIDENTIAL
                                  : strcmp(g, "recovery_support") == 0 ? ENG_IV_RECOVERY
                                                                       : 0);
    }
    return c->nfa < 0 || c->housing_problem < 0 || c->lives_with_children < 0 || !reasons ||
                   reasons->ncodes != ENG_NREASONS
               ? -1
               : 0;
}

static int find_codes(codes *c, dsms_err *err)
{
    *c = (codes){
        .yes = code_no("episodes", "ost_at_exit", "Y"),
        .community = code_no("episodes", "setting", "C"),
        .custody_transfer = code_no("episodes", "discharge_reason", "transferred_custody"),
        .injecting_current = code_no("episodes", "injecting_status", "current"),
        .injecting_previous = code_no("episodes", "injecting_status", "previous"),
        .drr = code_no("court_orders", "order_type", "drr"),
        .order_completed = code_no("court_orders", "outcome", "completed"),
        .attended_no = code_no("drug_tests", "assessment_outcome", "did_not_attend"),
        .referred = code_no("drug_tests", "assessment_outcome", "referred_to_treatment"),
        .misuse_yes = code_no("deaths", "drug_misuse", "Y"),
        .crack = code_no("episodes", "substance_1", "crack"),
        .mutual_aid = code_no("interventions", "type", "mutual_aid"),
        .peer_support = code_no("interventions", "type", "peer_support"),
    };
    const char *stages[] = {"start", "review", "exit", "post_exit"};
    for (size_t i = 0; i < sizeof stages / sizeof *stages; i++)
        c->top_stage[i + 1] = code_no("top", "stage", stages[i]);
    for (int n = 1; n < CODE_MAX; n++) {
        const char *g = code_group("episodes", "discharge_reason", n);
        c->end[n] = strcmp(g, "successful") == 0 ? ENG_END_SUCCESS
                    : strcmp(g, "transfer") == 0 ? ENG_END_TRANSFER
                    : strcmp(g, "died") == 0     ? ENG_END_DIED
                                                 : ENG_END_UNSUCCESSFUL;
        c->positive[n] = strcmp(code_group("drug_tests", "result", n), "positive") == 0;
        c->ended[n] = strcmp(code_group("court_orders", "outcome", n), "ended") == 0;
    }
    const int found[] = {c->yes, c->community, c->custody_transfer, c->injecting_current,
                         c->injecting_previous, c->drr, c->order_completed, c->attended_no,
                         c->referred, c->misuse_yes, c->top_stage[1], c->top_stage[2],
                         c->top_stage[3], c->top_stage[4], c->mutual_aid, c->peer_support};
    for (size_t i = 0; i < sizeof found / sizeof *found; i++)
        if (found[i] < 0) {
            dsms_err_set(err, "engine: the data set lacks a code the measures use");
            return -1;
        }
    if (find_need_codes(c)) {
        dsms_err_set(err, "engine: the data set lacks a code the measures use, or has not "
                          "%d discharge reasons", ENG_NREASONS);
        return -1;
    }
    return 0;
}

/* ---- growing arrays and the person table ------------------------------------ */

/* Open addressing over the pseudonyms' first 8 bytes: they are HMAC output,
 * as good as random, so they need no hashing of their own. */
static size_t first_slot(const uint8_t *key, size_t nslots)
{
    uint64_t h;
    memcpy(&h, key, 8);
    return h & (nslots - 1);
}

static int people_grow(eng_people *p)
{
    size_t n = p->nslots ? p->nslots * 2 : 1 << 20;
    int32_t *s = calloc(n, sizeof *s);
    if (!s) return -1;
    for (size_t i = 0; i < p->nkeys; i++) {
        size_t j = first_slot(p->keys[i].key, n);
        while (s[j]) j = (j + 1) & (n - 1);
        s[j] = (int32_t)i + 1;
    }
    free(p->slots);
    p->slots = s;
    p->nslots = n;
    return 0;
}

/* The number of a pseudonym in p (ENG_UNLINKED for a record without one:
 * consent N), in *pid; -1 when out of memory. */
static int pid_of(eng_people *p, const dsms_cell *c, int32_t *pid)
{
    *pid = ENG_UNLINKED;
    if (c->null || c->len != DSMS_PSEUDONYM_BYTES) return 0;
    if ((p->nkeys + 1) * 2 > p->nslots && people_grow(p)) return -1;
    const uint8_t *key = (const uint8_t *)c->s;
    size_t j = first_slot(key, p->nslots);
    for (int32_t v; (v = p->slots[j]); j = (j + 1) & (p->nslots - 1))
        if (memcmp(p->keys[v - 1].key, key, DSMS_PSEUDONYM_BYTES) == 0) {
            *pid = v - 1;
            return 0;
        }
    if (dsms_room_for((void **)&p->keys, &p->keycap, p->nkeys, sizeof *p->keys, FIRST_ROWS))
        return -1;
    memcpy(p->keys[p->nkeys].key, key, DSMS_PSEUDONYM_BYTES);
    *pid = (int32_t)p->nkeys;
    p->slots[j] = (int32_t)++p->nkeys;
    return 0;
}

void eng_people_free(eng_people *p)
{
    free(p->keys);
    free(p->slots);
    memset(p, 0, sizeof *p);
}

/* ---- episode keys ---------------------------------------------------------------- */

/* Keys "provider\0episode_ref\0", in the store's key order, so that two
 * lists of them can be merged. */
typedef struct {
    char *text;
    size_t len, cap;
    uint32_t *at;
    size_t n, atcap;
} keyset;

static int keyset_add(keyset *k, const dsms_cell *provider, const dsms_cell *ref)
{
    size_t need = provider->len + ref->len + 2;
    if (dsms_room_for((void **)&k->at, &k->atcap, k->n, sizeof *k->at, FIRST_ROWS)) return -1;
    char *text = dsms_grow(k->text, &k->cap, k->len + need, 1, (size_t)1 << 22);
    if (!text) return -1;
    k->text = text;
    char *at = k->text + k->len;
    k->at[k->n++] = (uint32_t)k->len;
    memcpy(at, provider->s, provider->len);
    at[provider->len] = 0;
    memcpy(at + provider->len + 1, ref->s, ref->len);
    at[need - 1] = 0;
    k->len += need;
    return 0;
}

static void keyset_free(keyset *k)
{
    free(k->text);
    free(k->at);
}

/* Text as the store orders it: bytes, then length. */
static int text_cmp(const char *a, const char *b, size_t lb)
{
    size_t la = strlen(a), n = la < lb ? la : lb;
    int r = memcmp(a, b, n);
    return r ? r : (la > lb) - (la < lb);
}

static int key_cmp(const char *a, const char *b)
{
    int r = text_cmp(a, b, strlen(b));
    if (r) return r;
    b += strlen(b) + 1;
    return text_cmp(a + strlen(a) + 1, b, strlen(b));
}

/* Whether key i is (provider, ref). */
static int keyset_is(const keyset *k, size_t i, const dsms_cell *provider, const dsms_cell *ref)
{
    const char *a = k->text + k->at[i];
    return text_cmp(a, provider->s, provider->len) == 0 &&
           text_cmp(a + strlen(a) + 1, ref->s, ref->len) == 0;
}

/* ---- the loader --------------------------------------------------------------- */

typedef struct {
    eng_data *d;
    codes c;
    eng_people *people;
    size_t cap_ep, cap_test, cap_rel, cap_ord, cap_death;
    keyset episode_keys; /* in the store's key order, as the episodes */
    /* Area codes sorted, for look-up by binary search. */
    code_index areas, providers, prisons, forces, probation;
    uint8_t substance_kind[64]; /* code number -> 1 opiate, 2 non-opiate, 3 alcohol */
    int8_t substance_top[64];   /* code number -> the TOP field of its use */
} loader;

static int32_t day(const dsms_cell *c)
{
    return c->null ? DAY_NONE : (int32_t)c->i;
}

static uint8_t small(const dsms_cell *c, uint8_t none)
{
    return c->null || c->i < 0 || c->i > 254 ? none : (uint8_t)c->i;
}

static int code_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int16_t index_of(const code_index *x, const dsms_cell *c)
{
    if (c->null || !c->s) return -1;
    size_t lo = 0, hi = x->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int r = strncmp(x->codes[mid], c->s, c->len);
        if (r == 0 && x->codes[mid][c->len]) r = 1;
        if (r == 0) return (int16_t)x->index[mid];
        if (r < 0) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

static int16_t area_of(const loader *l, const dsms_cell *c) { return index_of(&l->areas, c); }

/* n records of size bytes from base, each beginning with its code. */
static int index_codes(code_index *x, const void *base, size_t n, size_t size)
{
    x->n = n;
    x->codes = malloc((n ? n : 1) * sizeof *x->codes);
    x->index = malloc((n ? n : 1) * sizeof *x->index);
    if (!x->codes || !x->index) return -1;
    for (size_t i = 0; i < n; i++) x->codes[i] = (const char *)base + i * size;
    qsort(x->codes, n, sizeof *x->codes, code_cmp);
    for (size_t i = 0; i < n; i++)
        x->index[i] = (int)((size_t)(x->codes[i] - (const char *)base) / size);
    return 0;
}

static void index_free(code_index *x)
{
    free(x->codes);
    free(x->index);
}

static int codes_sorted(loader *l)
{
    const dsms_refdata *ref = l->d->ref;
    return index_codes(&l->areas, ref->areas, ref->nareas, sizeof *ref->areas) ||
           index_codes(&l->providers, ref->providers, ref->nproviders, sizeof *ref->providers) ||
           index_codes(&l->prisons, ref->prisons, ref->nprisons, sizeof *ref->prisons) ||
           index_codes(&l->forces, ref->forces, ref->nforces, sizeof *ref->forces) ||
           index_codes(&l->probation, ref->probation, ref->nprobation, sizeof *ref->probation);
}

/* Substances by their code list's groups, and the TOP field that counts
 * days of each one's use. */
static void substances(loader *l)
{
    static const struct {
        const char *code;
        int field;
    } top_of[] = {{"heroin", ENG_TOP_OPIATES},           {"methadone_illicit", ENG_TOP_OPIATES},
                  {"other_opiates", ENG_TOP_OPIATES},    {"buprenorphine_illicit", ENG_TOP_OPIATES},
                  {"crack", ENG_TOP_CRACK},              {"cocaine", ENG_TOP_COCAINE},
                  {"amphetamines", ENG_TOP_AMPHETAMINES}, {"cannabis", ENG_TOP_CANNABIS},
                  {"alcohol", ENG_TOP_ALCOHOL}};
    const dsms_codelist *cl = codelist("episodes", "substance_1");
    for (size_t i = 0; cl && i < cl->ncodes && i + 1 < 64; i++) {
        const char *g = cl->codes[i].group ? cl->codes[i].group : "";
        l->substance_kind[i + 1] = strcmp(g, "opiate") == 0    ? 1
                                   : strcmp(g, "alcohol") == 0 ? 3
                                                               : 2;
        l->substance_top[i + 1] = ENG_TOP_OTHER;
        for (size_t k = 0; k < sizeof top_of / sizeof *top_of; k++)
            if (strcmp(cl->codes[i].code, top_of[k].code) == 0)
                l->substance_top[i + 1] = (int8_t)top_of[k].field;
    }
}

/* The substance group of an episode from its up to three substances. */
static uint8_t group_of(const loader *l, const dsms_cell *s)
{
    int opiate = 0, other = 0, alcohol = 0;
    for (int i = 0; i < 3; i++) {
        if (s[i].null || s[i].i < 1 || s[i].i > 63) continue;
        int k = l->substance_kind[s[i].i];
        opiate |= k == 1, other |= k == 2, alcohol |= k == 3;
    }
    if (opiate) return ENG_GROUP_OPIATE;
    if (alcohol) return other ? ENG_GROUP_NON_OPIATE_ALCOHOL : ENG_GROUP_ALCOHOL;
    return ENG_GROUP_NON_OPIATE;
}

/* Whether any of the up to three substances is code. */
static uint8_t names(const dsms_cell *s, int code)
{
    for (int i = 0; i < 3; i++)
        if (code && !s[i].null && s[i].i == code) return 1;
    return 0;
}

/* A code's entry in one of the codes tables; 0 for a null or unknown code. */
static uint8_t by_code(const uint8_t *table, const dsms_cell *c)
{
    return c->null || c->i < 1 || c->i >= CODE_MAX ? 0 : table[c->i];
}

enum {
    E_PROVIDER, E_REF, E_PERSON, E_SEX, E_AGE, E_AREA, E_REFERRAL, E_FIRST, E_SETTING, E_SUB1,
    E_SUB2, E_SUB3, E_INJECTING, E_MENTAL, E_HEPC, E_DISCHARGE, E_REASON, E_OST, E_ETHNICITY,
    E_SOURCE, E_HOUSING, E_PARENT, E_HEPB, E_N
};
static const char *const episode_columns[E_N] = {
    "provider_code", "episode_ref", "person", "sex", "age", "area_code", "referral_date",
    "first_intervention_date", "setting", "substance_1", "substance_2", "substance_3",
    "injecting_status", "mental_health_need", "hep_c_tested", "discharge_date",
    "discharge_reason", "ost_at_exit", "ethnicity", "referral_source", "housing_need",
    "parent_status", "hep_b_vaccinated"};

/* Is cell c code number n (n found: above 0)? */
static int is_code(const dsms_cell *c, int n)
{
    return !c->null && n > 0 && c->i == n;
}

/* ENG_NEED_* of an episode row. */
static uint8_t needs_of(const codes *k, const dsms_cell *c)
{
    int nfa = is_code(&c[E_HOUSING], k->nfa);
    int housing = nfa || is_code(&c[E_HOUSING], k->housing_problem);
    return (uint8_t)((nfa ? ENG_NEED_NFA : 0) | (housing ? ENG_NEED_HOUSING : 0) |
                     (is_code(&c[E_PARENT], k->lives_with_children) ? ENG_NEED_PARENT : 0) |
                     (is_code(&c[E_HEPB], k->yes) ? ENG_NEED_HEP_B : 0) |
                     (by_code(k->cj, &c[E_SOURCE]) ? ENG_NEED_CJ_REFERRAL : 0));
}

static int episode_row(void *ctx, const dsms_cell *c)
{
    loader *l = ctx;
    eng_data *d = l->d;
    int32_t person;
    if (pid_of(l->people, &c[E_PERSON], &person) ||
        dsms_room_for((void **)&d->episodes, &l->cap_ep, d->nepisodes,
                      sizeof *d->episodes, FIRST_ROWS) ||
        keyset_add(&l->episode_keys, &c[E_PROVIDER], &c[E_REF]))
        return -1; /* out of memory: the store says so (diag.h) */
    const codes *k = &l->c;
    eng_episode e = {
        .person = person,
        .area = area_of(l, &c[E_AREA]),
        .provider = index_of(&l->providers, &c[E_PROVIDER]),
        .sex = small(&c[E_SEX], 0),
        .age = small(&c[E_AGE], 255),
        .group = group_of(l, &c[E_SUB1]),
        .crack = names(&c[E_SUB1], k->crack),
        .end = c[E_REASON].null ? ENG_END_OPEN : by_code(k->end, &c[E_REASON]),
        .community = !c[E_SETTING].null && c[E_SETTING].i == k->community,
        .custody_transfer = !c[E_REASON].null && c[E_REASON].i == k->custody_transfer,
        .ost_at_exit = !c[E_OST].null && c[E_OST].i == k->yes,
        .injecting_ever = !c[E_INJECTING].null && (c[E_INJECTING].i == k->injecting_current ||
                                                   c[E_INJECTING].i == k->injecting_previous),
        .hep_c_tested = !c[E_HEPC].null && c[E_HEPC].i == k->yes,
        .mental_health_need = !c[E_MENTAL].null && c[E_MENTAL].i == k->yes,
        .primary = (uint8_t)(c[E_SUB1].null || c[E_SUB1].i < 1 || c[E_SUB1].i > 63
                                 ? ENG_TOP_OTHER
                                 : l->substance_top[c[E_SUB1].i]),
        .referral = day(&c[E_REFERRAL]),
        .first_intervention = day(&c[E_FIRST]),
        .discharge = c[E_DISCHARGE].null ? DAY_OPEN : (int32_t)c[E_DISCHARGE].i,
        .seq = (uint32_t)d->nepisodes,
        .ethnic = c[E_ETHNICITY].null || c[E_ETHNICITY].i < 1 || c[E_ETHNICITY].i >= CODE_MAX
                      ? ENG_ETHNIC_NOT_STATED
                      : k->ethnic[c[E_ETHNICITY].i],
        .reason = c[E_REASON].null || c[E_REASON].i < 1 || c[E_REASON].i > ENG_NREASONS
                      ? 0
                      : (uint8_t)c[E_REASON].i,
        .needs = needs_of(k, c),
    };
    if (e.sex > 3) e.sex = 0;
    d->episodes[d->nepisodes++] = e;
    return 0;
}

/* ---- interventions and TOP reviews ---------------------------------------------- */

/* A table of records that belong to episodes, read in the episodes' key
 * order: the records of one episode are a group, and each group keeps its
 * episode's key and its first record, to be matched to the episodes by
 * merging once both are read. It is read on a thread of its own. */
typedef struct {
    keyset keys;
    uint32_t *first;
    size_t firstcap, cap, n; /* records read */
    const codes *c;
    eng_data *d;
} children;

/* Start a new group when (provider, ref) is not the last group's episode. */
static int group(children *ch, const dsms_cell *provider, const dsms_cell *ref)
{
    size_t g = ch->keys.n;
    if (g && keyset_is(&ch->keys, g - 1, provider, ref)) return 0;
    if (dsms_room_for((void **)&ch->first, &ch->firstcap, g, sizeof *ch->first, FIRST_ROWS) ||
        keyset_add(&ch->keys, provider, ref))
        return -1;
    ch->first[g] = (uint32_t)ch->n;
    return 0;
}

enum { I_PROVIDER, I_REF, I_TYPE, I_START, I_END, I_N };
static const char *const intervention_columns[I_N] = {"provider_code", "episode_ref", "type",
                                                      "start_date", "end_date"};

static int intervention_row(void *ctx, const dsms_cell *c)
{
    children *ch = ctx;
    eng_data *d = ch->d;
    if (group(ch, &c[I_PROVIDER], &c[I_REF]) ||
        dsms_room_for((void **)&d->interventions, &ch->cap, ch->n,
                      sizeof *d->interventions, FIRST_ROWS))
        return -1; /* out of memory: the store says so (diag.h) */
    int64_t type = c[I_TYPE].null ? 0 : c[I_TYPE].i;
    d->interventions[ch->n++] = (eng_intervention){
        day(&c[I_START]), c[I_END].null ? DAY_OPEN : (int32_t)c[I_END].i,
        (uint8_t)(type == ch->c->mutual_aid || type == ch->c->peer_support),
        (uint8_t)(type >= 1 && type < CODE_MAX ? ch->c->iv_kind[type] : 0)};
    d->ninterventions = ch->n;
    return 0;
}

static const char *const top_columns[] = {
    "provider_code", "episode_ref", "top_date", "stage", "days_alcohol", "days_opiates",
    "days_crack", "days_cocaine", "days_amphetamines", "days_cannabis", "days_other",
    "days_injected", "days_shoplifting", "days_selling_drugs", "days_theft", "psych_health",
    "days_paid_work", "acute_housing_problem"};
enum { T_FIELDS = 4, T_N = T_FIELDS + ENG_NTOP_FIELDS };

static int top_row(void *ctx, const dsms_cell *c)
{
    children *ch = ctx;
    eng_data *d = ch->d;
    if (group(ch, &c[0], &c[1]) ||
        dsms_room_for((void **)&d->tops, &ch->cap, ch->n, sizeof *d->tops, FIRST_ROWS))
        return -1; /* out of memory: the store says so (diag.h) */
    eng_top t = {.date = day(&c[2]), .stage = 0};
    for (int s = ENG_TOP_STAGE_START; s <= ENG_TOP_STAGE_POST_EXIT; s++)
        if (!c[3].null && c[3].i == ch->c->top_stage[s]) t.stage = (uint8_t)s;
    for (int f = 0; f < ENG_NTOP_FIELDS; f++) {
        const dsms_cell *v = &c[T_FIELDS + f];
        t.v[f] = v->null || v->i < 0 || v->i > 100 ? -1 : (int8_t)v->i;
    }
    /* acute_housing_problem is a yes/no code: 1 for yes, 0 for no. */
    const dsms_cell *h = &c[T_FIELDS + ENG_TOP_ACUTE_HOUSING];
    t.v[ENG_TOP_ACUTE_HOUSING] = h->null ? -1 : (int8_t)(h->i == ch->c->yes);
    d->tops[ch->n++] = t;
    d->ntops = ch->n;
    return 0;
}

/* Give each episode its group's records: both lists are in key order. A
 * group whose episode is not held (never, after validation) is left out. */
static void attach(eng_data *d, const keyset *episodes, const children *ch, int tops)
{
    size_t e = 0, g = 0;
    while (e < episodes->n && g < ch->keys.n) {
        int r = key_cmp(episodes->text + episodes->at[e], ch->keys.text + ch->keys.at[g]);
        if (r < 0) {
            e++;
            continue;
        }
        if (r == 0) {
            uint32_t first = ch->first[g];
            uint32_t count = (g + 1 < ch->keys.n ? ch->first[g + 1] : (uint32_t)ch->n) - first;
            eng_episode *ep = &d->episodes[e++];
            if (tops) ep->top = first, ep->ntop = count;
            else ep->intervention = first, ep->nintervention = count;
        }
        g++;
    }
}

static void children_free(children *ch)
{
    keyset_free(&ch->keys);
    free(ch->first);
}

/* The person, sex and age that every non-episode table carries. */
typedef struct {
    int32_t person;
    uint8_t sex, age;
} who;

static int who_of(loader *l, const dsms_cell *c, who *w)
{
    w->sex = small(&c[1], 0);
    if (w->sex > 3) w->sex = 0;
    w->age = small(&c[2], 255);
    return pid_of(l->people, &c[0], &w->person);
}

static const char *const test_columns[] = {"person", "sex", "age", "area_code", "test_date",
                                           "result", "assessment_required", "assessment_date",
                                           "assessment_outcome", "force_code"};

static int test_row(void *ctx, const dsms_cell *c)
{
    loader *l = ctx;
    eng_data *d = l->d;
    who w;
    if (who_of(l, c, &w) ||
        dsms_room_for((void **)&d->tests, &l->cap_test, d->ntests, sizeof *d->tests, FIRST_ROWS))
        return -1; /* out of memory: the store says so (diag.h) */
    const dsms_cell *outcome = &c[8];
    eng_test t = {
        .person = w.person, .date = day(&c[4]), .assessment = day(&c[7]),
        .area = area_of(l, &c[3]), .force = index_of(&l->forces, &c[9]), .sex = w.sex,
        .age = w.age, .positive = by_code(l->c.positive, &c[5]),
        .assessment_required = !c[6].null && c[6].i == l->c.yes,
        .attended = !outcome->null && outcome->i != l->c.attended_no,
        .referred = !outcome->null && outcome->i == l->c.referred,
    };
    d->tests[d->ntests++] = t;
    return 0;
}

static const char *const release_columns[] = {"person", "sex", "age", "release_date",
                                              "release_area_code", "treatment_need",
                                              "substance_group", "prison_code"};

static int release_row(void *ctx, const dsms_cell *c)
{
    loader *l = ctx;
    eng_data *d = l->d;
    who w;
    if (who_of(l, c, &w) ||
        dsms_room_for((void **)&d->releases, &l->cap_rel, d->nreleases,
                      sizeof *d->releases, FIRST_ROWS))
        return -1; /* out of memory: the store says so (diag.h) */
    /* The substance_group code list is in the order of ENG_GROUP_*. */
    int64_t g = c[6].null ? 0 : c[6].i;
    eng_release r = {.person = w.person, .date = day(&c[3]), .area = area_of(l, &c[4]),
                     .prison = index_of(&l->prisons, &c[7]),
                     .sex = w.sex, .age = w.age, .need = !c[5].null && c[5].i == l->c.yes,
                     .group = (uint8_t)(g >= 1 && g <= ENG_NGROUPS ? g - 1 : 255)};
    d->releases[d->nreleases++] = r;
    return 0;
}

static const char *const order_columns[] = {"person", "sex", "age", "area_code",
                                            "order_type", "end_date", "outcome", "start_date",
                                            "probation_region"};

static int order_row(void *ctx, const dsms_cell *c)
{
    loader *l = ctx;
    eng_data *d = l->d;
    who w;
    if (who_of(l, c, &w) ||
        dsms_room_for((void **)&d->orders, &l->cap_ord, d->norders, sizeof *d->orders, FIRST_ROWS))
        return -1; /* out of memory: the store says so (diag.h) */
    eng_order o = {.person = w.person, .end = day(&c[5]), .area = area_of(l, &c[3]),
                   .sex = w.sex, .age = w.age, .drr = !c[4].null && c[4].i == l->c.drr,
                   .ended = by_code(l->c.ended, &c[6]),
                   .completed = !c[6].null && c[6].i == l->c.order_completed,
                   .start = day(&c[7]),
                   .probation = index_of(&l->probation, &c[8])};
    d->orders[d->norders++] = o;
    return 0;
}

static const char *const death_columns[] = {"person", "sex", "age", "area_code", "date_of_death",
                                            "drug_misuse", "registration_date"};

static int death_row(void *ctx, const dsms_cell *c)
{
    loader *l = ctx;
    eng_data *d = l->d;
    who w;
    if (who_of(l, c, &w) ||
        dsms_room_for((void **)&d->deaths, &l->cap_death, d->ndeaths,
                      sizeof *d->deaths, FIRST_ROWS))
        return -1; /* out of memory: the store says so (diag.h) */
    eng_death x = {.person = w.person, .date = day(&c[4]), .registered = day(&c[6]),
                   .area = area_of(l, &c[3]), .sex = w.sex, .age = w.age,
                   .misuse = !c[5].null && c[5].i == l->c.misuse_yes};
    d->deaths[d->ndeaths++] = x;
    return 0;
}

typedef struct {
    const char *table;
    const char *const *columns;
    size_t ncolumns;
    dsms_scan_fn row;
    int org; /* the column of the table's first key field, the submitting
              * organisation's code; -1 when that is not the first key field */
} table_reader;

#define READER(t, cols, fn, org) {t, cols, sizeof cols / sizeof *cols, fn, org}
/* The episodes first: the other tables' people join the episodes'. */
static const table_reader readers[ENG_NTABLES] = {
    [ENG_T_EPISODES] = READER("episodes", episode_columns, episode_row, E_PROVIDER),
    [ENG_T_INTERVENTIONS] =
        READER("interventions", intervention_columns, intervention_row, I_PROVIDER),
    [ENG_T_TOPS] = READER("top", top_columns, top_row, 0),
    [ENG_T_TESTS] = READER("drug_tests", test_columns, test_row, 9),
    [ENG_T_RELEASES] = READER("prison_releases", release_columns, release_row, 7),
    [ENG_T_ORDERS] = READER("court_orders", order_columns, order_row, 8),
    [ENG_T_DEATHS] = READER("deaths", death_columns, death_row, -1),
};

const char *eng_table_name(int t)
{
    return readers[t].table;
}

/* Whether the reader's organisation column is its table's first key field,
 * as the store's order and one organisation's reading need it to be. */
static int org_column_is_first_key(const table_reader *r)
{
    const dsms_table *t = dsms_table_find(r->table);
    size_t f = 0;
    while (t && f < t->nfields && !(t->fields[f].flags & DSMS_F_KEY)) f++;
    if (!t || f == t->nfields) return 0;
    int org = (t->fields[f].flags & DSMS_F_ORG) != 0;
    return r->org < 0 ? !org : org && strcmp(r->columns[r->org], t->fields[f].name) == 0;
}

int eng_table_by_org(int t)
{
    return readers[t].org >= 0;
}

/* One table's scan: each row goes to the reader's row function, and each
 * run of one organisation's rows (they come in key order) is a segment. */
typedef struct {
    const table_reader *r;
    void *ctx;
    eng_segments *segs;
    const size_t *count; /* the table's rows read so far */
} scan_job;

static int org_is(const eng_segment *g, const dsms_cell *org)
{
    return !org || (strlen(g->code) == org->len && memcmp(g->code, org->s, org->len) == 0);
}

static int scan_row(void *ctx, const dsms_cell *c)
{
    scan_job *j = ctx;
    const dsms_cell *org = j->r->org >= 0 ? &c[j->r->org] : NULL;
    eng_segments *s = j->segs;
    if (!s->n || !org_is(&s->at[s->n - 1], org)) {
        if ((org && (org->null || org->len >= sizeof s->at->code)) ||
            dsms_room_for((void **)&s->at, &s->cap, s->n, sizeof *s->at, 64))
            return -1;
        eng_segment *g = &s->at[s->n++];
        memset(g, 0, sizeof *g);
        if (org) memcpy(g->code, org->s, org->len);
        g->start = *j->count;
    }
    int rc = j->r->row(j->ctx, c);
    if (!rc) s->at[s->n - 1].n++;
    return rc;
}

/* A row function returns -1 when memory runs out, and the scan then fails
 * with "out of memory reading the TABLE" (diag.h, "Callbacks"). */
static int read_table(dsms_store *st, int t, const char *first_key, void *ctx,
                      const size_t *count, eng_segments *segs, dsms_err *err)
{
    scan_job j = {&readers[t], ctx, &segs[t], count};
    return dsms_store_scan(st, dsms_table_find(readers[t].table), first_key, readers[t].columns,
                           readers[t].ncolumns, scan_row, &j, err);
}

/* The interventions and TOP reviews, on a connection of their own when
 * every record is read. */
typedef struct {
    dsms_store *st;
    const char *first_key;
    unsigned mask;
    children ch[2];
    eng_segments *segs;
    dsms_err err;
    int rc;
} child_job;

static void *read_children(void *arg)
{
    child_job *j = arg;
    for (int i = 0; i < 2 && !j->rc; i++)
        if (j->mask & (1u << (ENG_T_INTERVENTIONS + i)))
            j->rc = read_table(j->st, ENG_T_INTERVENTIONS + i, j->first_key, &j->ch[i],
                               &j->ch[i].n, j->segs, &j->err);
    return NULL;
}

static int read_people(dsms_store *st, loader *l, const char *first_key, unsigned mask,
                       eng_segments *segs, dsms_err *err)
{
    const eng_data *d = l->d;
    const size_t *count[] = {[ENG_T_EPISODES] = &d->nepisodes, [ENG_T_TESTS] = &d->ntests,
                             [ENG_T_RELEASES] = &d->nreleases, [ENG_T_ORDERS] = &d->norders,
                             [ENG_T_DEATHS] = &d->ndeaths};
    static const int order[] = {ENG_T_EPISODES, ENG_T_TESTS, ENG_T_RELEASES, ENG_T_ORDERS,
                                ENG_T_DEATHS};
    int rc = 0;
    for (size_t i = 0; !rc && i < sizeof order / sizeof *order; i++)
        if (mask & (1u << order[i]))
            rc = read_table(st, order[i], first_key, l, count[order[i]], segs, err);
    return rc;
}

/* Read the tables in mask (1 << ENG_T_*): every record, or one
 * organisation's (first_key). The children of the episodes go on a second
 * thread when every record is read and the store can be opened twice (a
 * file can, ":memory:" cannot); then they are joined to their episodes. */
static int read_all(dsms_store *st, loader *l, const char *first_key, unsigned mask,
                    eng_segments *segs, dsms_err *err)
{
    unsigned kids = mask & ((1u << ENG_T_INTERVENTIONS) | (1u << ENG_T_TOPS));
    child_job job = {.st = !first_key && kids ? dsms_store_reopen(st, err) : NULL,
                     .first_key = first_key, .mask = mask, .segs = segs};
    for (int i = 0; i < 2; i++) job.ch[i] = (children){.c = &l->c, .d = l->d};
    pthread_t thread;
    int threaded = job.st && pthread_create(&thread, NULL, read_children, &job) == 0;
    if (!threaded) job.st = job.st ? job.st : st;
    int rc = read_people(st, l, first_key, mask, segs, err);
    if (threaded) pthread_join(thread, NULL);
    else if (!rc && kids) read_children(&job);
    if (!rc && job.rc) {
        *err = job.err;
        rc = -1;
    }
    if (job.st != st) dsms_store_close(job.st);
    if (!rc && (mask & (1u << ENG_T_INTERVENTIONS))) attach(l->d, &l->episode_keys, &job.ch[0], 0);
    if (!rc && (mask & (1u << ENG_T_TOPS))) attach(l->d, &l->episode_keys, &job.ch[1], 1);
    children_free(&job.ch[0]);
    children_free(&job.ch[1]);
    return rc;
}

int eng_read(dsms_store *st, const dsms_refdata *ref, eng_people *people, unsigned mask,
             const char *first_key, eng_data *d, eng_segments *segs, dsms_err *err)
{
    memset(d, 0, sizeof *d);
    d->ref = ref;
    loader l = {.d = d, .people = people};
    int rc = find_codes(&l.c, err);
    for (int t = 0; !rc && t < ENG_NTABLES; t++)
        if (!org_column_is_first_key(&readers[t])) {
            dsms_err_set(err, "engine: %s is not read by its first key field", readers[t].table);
            rc = -1;
        }
    if (!rc && codes_sorted(&l)) {
        dsms_err_set(err, "engine: out of memory");
        rc = -1;
    }
    substances(&l);
    if (!rc) rc = read_all(st, &l, first_key, mask, segs, err);
    keyset_free(&l.episode_keys);
    index_free(&l.areas);
    index_free(&l.providers);
    index_free(&l.prisons);
    index_free(&l.forces);
    index_free(&l.probation);
    if (rc) eng_free(d);
    return rc;
}

/* ---- what the whole of the records gives ---------------------------------------------- */

static void span(eng_data *d, int32_t day)
{
    if (day == DAY_NONE || day == DAY_OPEN) return;
    if (day < d->first_day) d->first_day = day;
    if (day > d->last_day) d->last_day = day;
}

static void latest(eng_data *d, int32_t day)
{
    if (day != DAY_NONE && day != DAY_OPEN && day > d->last_day) d->last_day = day;
}

/* The span of dates in the data. A referral or first intervention may
 * predate the first year submitted (an episode open at its start), and so
 * may a TOP review; discharges and events may not. A register's extract
 * holds the deaths registered in its time; a death with no registration
 * date (an extract of the older format) may have occurred long before the
 * extract: it never moves the data's first day. */
static void days(eng_data *d)
{
    d->first_day = DAY_OPEN;
    d->last_day = DAY_NONE;
    for (size_t i = 0; i < d->nepisodes; i++) {
        latest(d, d->episodes[i].referral);
        latest(d, d->episodes[i].first_intervention);
        span(d, d->episodes[i].discharge);
    }
    for (size_t i = 0; i < d->ntops; i++) latest(d, d->tops[i].date);
    for (size_t i = 0; i < d->ntests; i++) span(d, d->tests[i].date);
    for (size_t i = 0; i < d->nreleases; i++) span(d, d->releases[i].date);
    for (size_t i = 0; i < d->norders; i++) span(d, d->orders[i].end);
    for (size_t i = 0; i < d->ndeaths; i++) {
        if (d->deaths[i].registered != DAY_NONE) span(d, d->deaths[i].registered);
        else latest(d, d->deaths[i].date);
    }
}

/* Number the records' people in the order first read: the episodes', then
 * the tests', releases', orders' and deaths', each table in key order. A
 * record without a pseudonym is a person of its own: counted, never linked. */
#define NUMBER(rows, n)                                                  \
    for (size_t i_ = 0; i_ < (n); i_++) {                                \
        int32_t pid_ = (rows)[i_].person;                                \
        if (pid_ == ENG_UNLINKED) {                                      \
            (rows)[i_].person = (int32_t)next++;                         \
            continue;                                                    \
        }                                                                \
        if (map[pid_] < 0) map[pid_] = (int32_t)next++, linked++;        \
        (rows)[i_].person = map[pid_];                                   \
    }

int eng_finish(eng_data *d, size_t npids, dsms_err *err)
{
    int32_t *map = malloc((npids ? npids : 1) * sizeof *map);
    if (!map) {
        dsms_err_set(err, "engine: out of memory numbering %zu people", npids);
        return -1;
    }
    memset(map, 0xff, (npids ? npids : 1) * sizeof *map); /* -1: not yet numbered */
    size_t next = 0, linked = 0;
    NUMBER(d->episodes, d->nepisodes)
    NUMBER(d->tests, d->ntests)
    NUMBER(d->releases, d->nreleases)
    NUMBER(d->orders, d->norders)
    NUMBER(d->deaths, d->ndeaths)
    free(map);
    d->npersons = next;
    d->linked = linked;
    days(d);
    return 0;
}

void eng_segments_free(eng_segments *segs)
{
    for (int t = 0; t < ENG_NTABLES; t++) free(segs[t].at);
    memset(segs, 0, ENG_NTABLES * sizeof *segs);
}

int eng_load(dsms_store *st, const dsms_refdata *ref, eng_data *d, dsms_err *err)
{
    eng_people people = {0};
    eng_segments segs[ENG_NTABLES] = {{0}};
    int rc = eng_read(st, ref, &people, ENG_ALL_TABLES, NULL, d, segs, err);
    if (!rc && (rc = eng_finish(d, people.nkeys, err))) eng_free(d);
    eng_people_free(&people);
    eng_segments_free(segs);
    return rc;
}

void eng_free(eng_data *d)
{
    free(d->episodes);
    free(d->interventions);
    free(d->tops);
    free(d->tests);
    free(d->releases);
    free(d->orders);
    free(d->deaths);
    free(d->persons);
    const dsms_refdata *ref = d->ref;
    memset(d, 0, sizeof *d);
    d->ref = ref;
}
