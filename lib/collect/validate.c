/* validate.c — field parsing and the row rules of the data set (validate.h).
 *
 * Each rule kind in dataset.h is interpreted here once; the tables only name
 * the fields a rule applies to. Messages never quote attributor values. */
#include "validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A message cut to fit its buffer may end inside a character, which JSON
 * (the report, the quarantine) cannot hold: drop the broken character. */
static void trim_utf8(char *s)
{
    size_t n = strlen(s), start = n;
    while (start > 0 && ((unsigned char)s[start - 1] & 0xC0) == 0x80) start--;
    if (start == 0) return;
    unsigned char lead = (unsigned char)s[start - 1];
    size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (n - (start - 1) < want) s[start - 1] = '\0';
}

void dsms_report(const dsms_rowcheck *ck, dsms_tally *tally, long line, const char *field,
                 const char *rule, dsms_severity sev, const char *expected, const char *fmt, ...)
{
    dsms_diag d = {ck->file, line, ck->table->name, "", rule, sev, "", ""};
    dsms_diag_set_field(&d, field);
    va_list ap;
    va_start(ap, fmt);
    if (vsnprintf(d.message, sizeof d.message, fmt, ap) >= (int)sizeof d.message)
        trim_utf8(d.message);
    va_end(ap);
    if (expected) snprintf(d.expected, sizeof d.expected, "%s", expected);
    if (sev == DSMS_ERROR) tally->errors++;
    else tally->warnings++;
    if (ck->emit) ck->emit(ck->emit_ctx, &d);
}

static const char *code_of(const dsms_value *v) { return v->code ? v->code->code : ""; }

static int in_values(const dsms_rule *r, const dsms_value *v)
{
    return !r->values || (v->code && dsms_code_in(v->code->code, r->values));
}

/* A yes/no field saying no is as good as empty for FORBIDS. */
static int is_no(const dsms_field *f, const dsms_value *v)
{
    return f->codes && strcmp(f->codes->name, "yes_no") == 0 && v->code &&
           strcmp(v->code->code, "N") == 0;
}

static int secret(const dsms_field *f) { return (f->flags & DSMS_F_ATTRIBUTOR) != 0; }

void dsms_rowcheck_prepare(dsms_rowcheck *ck)
{
    const dsms_table *t = ck->table;
    for (size_t i = 0; i < t->nrules && i < 64; i++) {
        ck->rule_a[i] = t->rules[i].a ? dsms_field_index(t, t->rules[i].a) : -1;
        ck->rule_b[i] = t->rules[i].b ? dsms_field_index(t, t->rules[i].b) : -1;
    }
}

static void check_dates_not_future(const dsms_rowcheck *ck, long line, const dsms_value *v,
                                   const dsms_rule *r, dsms_tally *tally)
{
    const dsms_table *t = ck->table;
    for (size_t i = 0; i < t->nfields; i++) {
        const dsms_field *f = &t->fields[i];
        if (f->type != DSMS_TYPE_DATE || !v[i].present || !v[i].ok || v[i].i <= ck->today)
            continue;
        char today[11], expected[64];
        dsms_date_format(ck->today, today);
        snprintf(expected, sizeof expected, "a date on or before %s", today);
        if (secret(f))
            dsms_report(ck, tally, line, f->name, r->id, r->severity, expected, "in the future");
        else
            dsms_report(ck, tally, line, f->name, r->id, r->severity, expected,
                        "'%.*s' is in the future", (int)v[i].len, v[i].s);
    }
}

static void check_consent(const dsms_rowcheck *ck, long line, const dsms_value *v,
                          const dsms_rule *r, int ci, dsms_tally *tally)
{
    const dsms_table *t = ck->table;
    if (ci < 0 || !v[ci].code) return; /* consent itself is missing or bad: reported already */
    int refused = dsms_code_in(v[ci].code->code, r->values);
    for (size_t i = 0; i < t->nfields; i++) {
        const dsms_field *f = &t->fields[i];
        if (!secret(f)) continue;
        if (refused && v[i].present)
            dsms_report(ck, tally, line, f->name, r->id, r->severity,
                        "empty when consent is N", "given although consent is N");
        else if (!refused && !v[i].present)
            dsms_report(ck, tally, line, f->name, r->id, r->severity,
                        "initials, date_of_birth and sex when consent is Y",
                        "empty although consent is Y");
    }
}

/* A linked person is optional, but whole: the pseudonym needs all three fields. */
static void check_whole_attributor(const dsms_rowcheck *ck, long line, const dsms_value *v,
                                   const dsms_rule *r, dsms_tally *tally)
{
    const dsms_table *t = ck->table;
    int given = 0, fields = 0;
    for (size_t i = 0; i < t->nfields; i++)
        if (secret(&t->fields[i])) fields++, given += v[i].present;
    if (given == 0 || given == fields) return;
    for (size_t i = 0; i < t->nfields; i++)
        if (secret(&t->fields[i]) && !v[i].present)
            dsms_report(ck, tally, line, t->fields[i].name, r->id, r->severity, r->text,
                        "empty although part of the attributor is given");
}

/* Each semicolon-separated code of field a in the reference list r->values. */
static void check_ref_known(const dsms_rowcheck *ck, long line, const dsms_value *v, int a,
                            const dsms_rule *r, dsms_tally *tally)
{
    if (!v[a].present || !v[a].ok || !ck->ref_known) return;
    const char *s = v[a].s, *end = v[a].s + v[a].len;
    while (s < end) {
        const char *semi = memchr(s, ';', (size_t)(end - s)), *stop = semi ? semi : end;
        size_t len = (size_t)(stop - s);
        if (!ck->ref_known(ck->ref_ctx, r->values, s, len)) {
            int register_ = strcmp(r->values, "substances") == 0;
            char expected[200];
            if (register_)
                snprintf(expected, sizeof expected, "codes of the substance register (dsms "
                         "substance list), separated by semicolons; a name not there goes in "
                         "substance_text");
            else
                snprintf(expected, sizeof expected, "a code listed in the reference data "
                         "(%s.csv)", r->values);
            dsms_report(ck, tally, line, r->a, r->id, r->severity, expected,
                        "'%.*s' is not %s", (int)(len > 64 ? 64 : len), s,
                        register_ ? "in the substance register" : "in the reference data");
        }
        s = stop + 1;
    }
}

static void check_rule(const dsms_rowcheck *ck, long line, const dsms_value *v, size_t ri,
                       dsms_tally *tally)
{
    const dsms_table *t = ck->table;
    const dsms_rule *r = &t->rules[ri];
    int a = ck->rule_a[ri], b = ck->rule_b[ri];
    switch (r->kind) {
    case DSMS_RULE_DATE_ORDER:
        if (v[a].present && v[a].ok && v[b].present && v[b].ok && v[a].i > v[b].i) {
            char expected[96];
            snprintf(expected, sizeof expected, "on or after %s", r->a);
            dsms_report(ck, tally, line, r->b, r->id, r->severity, expected,
                        "'%.*s' is before %s '%.*s'", (int)v[b].len, v[b].s, r->a, (int)v[a].len,
                        v[a].s);
        }
        break;
    case DSMS_RULE_NOT_FUTURE:
        check_dates_not_future(ck, line, v, r, tally);
        break;
    case DSMS_RULE_AGE_RANGE:
        if (v[a].present && v[a].ok && v[b].present && v[b].ok) {
            int age = dsms_age_years(v[a].i, v[b].i);
            if (age < r->min || age > r->max) {
                char expected[64];
                snprintf(expected, sizeof expected, "an age from %d to %d", r->min, r->max);
                dsms_report(ck, tally, line, r->a, r->id, r->severity, expected,
                            "gives an age of %d on %s", age, r->b);
            }
        }
        break;
    case DSMS_RULE_CONSENT:
        check_consent(ck, line, v, r, a, tally);
        break;
    case DSMS_RULE_REQUIRES:
        if (v[a].present && v[a].ok && in_values(r, &v[a]) && !v[b].present) {
            if (r->values)
                dsms_report(ck, tally, line, r->b, r->id, r->severity, r->text,
                            "empty although %s is '%s'", r->a, code_of(&v[a]));
            else
                dsms_report(ck, tally, line, r->b, r->id, r->severity, r->text,
                            "empty although %s is given", r->a);
        }
        break;
    case DSMS_RULE_FORBIDS:
        if (v[a].present && v[a].ok && in_values(r, &v[a]) && v[b].present &&
            !is_no(&t->fields[b], &v[b]))
            dsms_report(ck, tally, line, r->b, r->id, r->severity, r->text,
                        "'%.*s' although %s is '%s'", (int)v[b].len, v[b].s, r->a, code_of(&v[a]));
        break;
    case DSMS_RULE_AREA_KNOWN:
        if (v[a].present && v[a].ok && ck->area_known &&
            !ck->area_known(ck->area_ctx, v[a].s, v[a].len))
            dsms_report(ck, tally, line, r->a, r->id, r->severity,
                        "the ONS code of an English upper-tier local authority, as listed in the "
                        "reference areas",
                        "'%.*s' is not a reference area", (int)v[a].len, v[a].s);
        break;
    case DSMS_RULE_ORG_MATCHES:
        if (ck->source && v[a].present &&
            (v[a].len != strlen(ck->source) || memcmp(v[a].s, ck->source, v[a].len) != 0)) {
            char expected[96];
            snprintf(expected, sizeof expected, "'%s', the organisation given by --source",
                     ck->source);
            dsms_report(ck, tally, line, r->a, r->id, r->severity, expected,
                        "'%.*s' is not the submitting organisation", (int)v[a].len, v[a].s);
        }
        break;
    case DSMS_RULE_ORG_KNOWN:
        if (!ck->source && ck->org_known && v[a].present && v[a].ok &&
            !ck->org_known(ck->org_ctx, v[a].s, v[a].len)) {
            char expected[160];
            snprintf(expected, sizeof expected, "the code of a %s listed in %s.csv; add it there "
                     "and run dsms reference load", t->org_label, t->org_ref);
            dsms_report(ck, tally, line, r->a, r->id, r->severity, expected,
                        "'%.*s' is not a %s in the reference data (%s.csv)", (int)v[a].len,
                        v[a].s, t->org_label, t->org_ref);
        }
        break;
    case DSMS_RULE_ONE_OF:
        if (v[a].present && v[b].present)
            dsms_report(ck, tally, line, r->b, r->id, r->severity, r->text,
                        "given although %s is given too", r->a);
        /* fall through */
    case DSMS_RULE_ANY_OF:
        if (!v[a].present && !v[b].present)
            dsms_report(ck, tally, line, r->a, r->id, r->severity, r->text,
                        "empty, and so is %s", r->b);
        break;
    case DSMS_RULE_WHOLE_ATTRIBUTOR:
        check_whole_attributor(ck, line, v, r, tally);
        break;
    case DSMS_RULE_REF_KNOWN:
        check_ref_known(ck, line, v, a, r, tally);
        break;
    case DSMS_RULE_UNIQUE_KEY:
    case DSMS_RULE_EPISODE_KNOWN:
        break; /* submission rules: import.c */
    }
}

void dsms_validate_row(const dsms_rowcheck *ck, long line, const char *const *raw,
                       const size_t *len, dsms_value *v, dsms_tally *tally)
{
    const dsms_table *t = ck->table;
    for (size_t i = 0; i < t->nfields; i++) {
        const dsms_field *f = &t->fields[i];
        char message[256], expected[480];
        if (!dsms_field_parse(f, raw[i] ? raw[i] : "", raw[i] ? len[i] : 0, &v[i], message,
                              sizeof message, expected, sizeof expected))
            dsms_report(ck, tally, line, f->name, "type", DSMS_ERROR, expected, "%s", message);
        else if (!v[i].present && (f->flags & DSMS_F_REQUIRED))
            dsms_report(ck, tally, line, f->name, "required", DSMS_ERROR,
                        f->type == DSMS_TYPE_CODE ? "a code (see dsms dataset)" : "a value",
                        "required but empty");
    }
    for (size_t i = 0; i < t->nrules; i++) check_rule(ck, line, v, i, tally);
}

int dsms_source_check(const dsms_table *t, const char *source,
                      int (*known)(void *ctx, const char *code, size_t len), void *ctx,
                      char *msg, size_t n)
{
    if (known(ctx, source, strlen(source))) return 1;
    snprintf(msg, n, "'%.64s' is not a %s in the reference data (%s.csv); add it there and "
             "run dsms reference load, or check --source (with --tree: the directory name)",
             source, t->org_label, t->org_ref);
    return 0;
}
