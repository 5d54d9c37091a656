/* field.c — field parsing: text, codes, dates and whole numbers (see field.h). */
#include "dsms/field.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) (*s)++, (*len)--;
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t')) (*len)--;
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int64_t dsms_financial_year_start(int year) { return days_from_civil(year, 4, 1); }

static void civil_from_days(int64_t z, int64_t *year, unsigned *month, unsigned *day)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t y = (int64_t)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    *year = y + (m <= 2);
    *month = m;
    *day = d;
}

int64_t dsms_date_of(int year, int month, int day)
{
    return days_from_civil(year, (unsigned)month, (unsigned)day);
}

void dsms_date_parts(int64_t days, int *year, int *month, int *day)
{
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    *year = (int)y, *month = (int)m, *day = (int)d;
}

int64_t dsms_add_months(int64_t days, int months)
{
    static const unsigned char mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;
    dsms_date_parts(days, &y, &m, &d);
    int index = y * 12 + (m - 1) + months;
    y = index / 12, m = index % 12 + 1;
    int last = mdays[m - 1] + (m == 2 && is_leap(y));
    return days_from_civil(y, (unsigned)m, (unsigned)(d < last ? d : last));
}

void dsms_date_format(int64_t days, char *buf)
{
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    unsigned yy = (unsigned)(y < 0 ? 0 : y > 9999 ? 9999 : y);
    buf[0] = (char)('0' + yy / 1000);
    buf[1] = (char)('0' + yy / 100 % 10);
    buf[2] = (char)('0' + yy / 10 % 10);
    buf[3] = (char)('0' + yy % 10);
    buf[4] = buf[7] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = 0;
}

int64_t dsms_date_parse(const char *s, size_t len)
{
    static const unsigned char mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (len != 10 || s[4] != '-' || s[7] != '-') return INT64_MIN;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return INT64_MIN;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    if (y < 1900 || m < 1 || m > 12 || d < 1) return INT64_MIN;
    unsigned max = mdays[m - 1] + (m == 2 && is_leap(y));
    if (d > max) return INT64_MIN;
    return days_from_civil(y, m, d);
}

int dsms_age_years(int64_t born, int64_t on)
{
    int64_t by, oy;
    unsigned bm, bd, om, od;
    civil_from_days(born, &by, &bm, &bd);
    civil_from_days(on, &oy, &om, &od);
    int age = (int)(oy - by);
    /* Not yet had this year's birthday (29 February counts from 1 March). */
    if (om < bm || (om == bm && od < bd)) age--;
    return age;
}

/* Show a value in a message: printable ASCII, at most 40 bytes; out holds 64. */
static const char *show(const char *s, size_t len, char *out)
{
    size_t n = 64;
    size_t o = 0, max = len > 40 ? 40 : len;
    for (size_t i = 0; i < max && o + 2 < n; i++) {
        unsigned char c = (unsigned char)s[i];
        out[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    if (len > max && o + 4 < n) out[o++] = '.', out[o++] = '.', out[o++] = '.';
    out[o] = 0;
    return out;
}

static void code_expectation(const dsms_codelist *cl, char *expected, size_t elen)
{
    size_t o = (size_t)snprintf(expected, elen, "a %s code:", cl->name);
    for (size_t i = 0; i < cl->ncodes && o < elen; i++)
        o += (size_t)snprintf(expected + o, elen - o, "%s %s", i ? "," : "", cl->codes[i].code);
}

/* The next item of a semicolon-separated list, trimmed; 0 after the last. */
static int next_item(const char **s, size_t *len, int *more, const char **item, size_t *ilen)
{
    if (!*more) return 0;
    const char *semi = memchr(*s, ';', *len);
    size_t n = semi ? (size_t)(semi - *s) : *len;
    *item = *s;
    *ilen = n;
    trim(item, ilen);
    *more = semi != NULL;
    if (semi) *s = semi + 1, *len -= n + 1;
    return 1;
}

static int parse_codes(const dsms_field *f, const char *s, size_t len, char *message,
                       size_t mlen, char *expected, size_t elen)
{
    /* Every item between semicolons must be a code: "a;;b" and "a;" are not. */
    const char *whole = s, *item;
    size_t whole_len = len, ilen;
    int more = 1;
    char shown[64];
    while (next_item(&s, &len, &more, &item, &ilen)) {
        if (dsms_code_find(f->codes, item, ilen)) continue;
        show(whole, whole_len, shown);
        if (ilen) snprintf(message, mlen, "'%s' holds an unknown code", shown);
        else snprintf(message, mlen, "'%s' has an empty item", shown);
        code_expectation(f->codes, expected, elen);
        strncat(expected, " (separated by semicolons)", elen - strlen(expected) - 1);
        return 0;
    }
    return 1;
}

void dsms_codes_canonical(const dsms_field *f, const dsms_value *v, char *out, size_t cap)
{
    const char *s = v->s, *item;
    size_t len = v->len, ilen, o = 0;
    int more = 1;
    out[0] = 0;
    while (next_item(&s, &len, &more, &item, &ilen)) {
        const dsms_code *c = dsms_code_find(f->codes, item, ilen);
        if (c && o < cap) o += (size_t)snprintf(out + o, cap - o, "%s%s", o ? ";" : "", c->code);
    }
}

static int parse_text(const dsms_field *f, const char *s, size_t len, char *message,
                      size_t mlen, char *expected, size_t elen)
{
    int secret = (f->flags & DSMS_F_ATTRIBUTOR) != 0, initials = (f->flags & DSMS_F_INITIALS) != 0;
    char shown[64];
    if ((int)len > f->max || (int)len < f->min) {
        if (secret) snprintf(message, mlen, "wrong length");
        else snprintf(message, mlen, "'%s' has %zu character%s", show(s, len, shown), len,
                      len == 1 ? "" : "s");
        if (f->min == f->max)
            snprintf(expected, elen, "exactly %d character%s", f->max, f->max == 1 ? "" : "s");
        else snprintf(expected, elen, "%d to %d characters", f->min, f->max);
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        int bad = initials ? !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
                           : (c < 0x20 || c == 0x7f || c >= 0x80);
        if (!bad) continue;
        if (secret) snprintf(message, mlen, "contains a character that is not a letter");
        else snprintf(message, mlen, "'%s' contains a control or non-ASCII character",
                      show(s, len, shown));
        snprintf(expected, elen, initials ? "two letters A-Z" : "printable ASCII");
        return 0;
    }
    return 1;
}

static int parse_int(const dsms_field *f, const char *s, size_t len, dsms_value *v,
                     char *message, size_t mlen, char *expected, size_t elen)
{
    char shown[64];
    int64_t x = 0;
    size_t i = 0;
    int neg = s[0] == '-', digits = 1;
    if (neg || s[0] == '+') i++;
    if (i == len) digits = 0;
    for (; i < len && digits; i++) {
        if (s[i] < '0' || s[i] > '9') digits = 0;
        else if (x < 1000000000) x = x * 10 + (s[i] - '0'); /* larger is out of range anyway */
    }
    if (digits) {
        v->i = neg ? -x : x;
        if (v->i >= f->min && v->i <= f->max) return 1;
        snprintf(message, mlen, "%s is out of range", show(s, len, shown));
    } else {
        snprintf(message, mlen, "'%s' is not a whole number", show(s, len, shown));
    }
    snprintf(expected, elen, "a whole number from %d to %d", f->min, f->max);
    return 0;
}

int dsms_field_parse(const dsms_field *f, const char *s, size_t len, dsms_value *v,
                     char *message, size_t mlen, char *expected, size_t elen)
{
    int secret = (f->flags & DSMS_F_ATTRIBUTOR) != 0;
    char shown[64];
    trim(&s, &len);
    memset(v, 0, sizeof *v);
    v->s = s;
    v->len = len;
    v->present = len > 0;
    v->ok = 1;
    if (!len) return 1;
    switch (f->type) {
    case DSMS_TYPE_TEXT: return v->ok = parse_text(f, s, len, message, mlen, expected, elen);
    case DSMS_TYPE_INT: return v->ok = parse_int(f, s, len, v, message, mlen, expected, elen);
    case DSMS_TYPE_CODES:
        return v->ok = parse_codes(f, s, len, message, mlen, expected, elen);
    case DSMS_TYPE_CODE:
        v->code = dsms_code_find(f->codes, s, len);
        if (v->code) return 1;
        if (secret) snprintf(message, mlen, "not a known code");
        else snprintf(message, mlen, "'%s' is not a known code", show(s, len, shown));
        code_expectation(f->codes, expected, elen);
        return v->ok = 0;
    case DSMS_TYPE_DATE:
        v->i = dsms_date_parse(s, len);
        if (v->i != INT64_MIN) return 1;
        if (secret) snprintf(message, mlen, "not a valid date");
        else snprintf(message, mlen, "'%s' is not a valid date", show(s, len, shown));
        snprintf(expected, elen, "a real date YYYY-MM-DD, 1900 or later");
        return v->ok = 0;
    }
    return 1;
}

int dsms_number_parse(const char *s, double *out)
{
    const char *p = *s == '-' ? s + 1 : s;
    if (*p < '0' || *p > '9' || strpbrk(s, "xX")) return -1;
    char *end;
    double d = strtod(s, &end);
    if (*end || !isfinite(d)) return -1;
    *out = d;
    return 0;
}
