/* dsms/field.h — parsing one CSV field against its definition in the data set.
 *
 * A parsed value keeps its trimmed text and, by type, a number (INT), a day
 * count (DATE: days since 1970-01-01) or the matched code. A parsed value
 * points into the text it was parsed from; otherwise functions here keep no
 * pointer they are given beyond the call. */
#ifndef DSMS_FIELD_H
#define DSMS_FIELD_H

#include <stddef.h>
#include <stdint.h>

#include "dsms/dataset.h"

typedef struct {
    const char *s; /* trimmed text (not NUL-terminated in general): points into the
                      text parsed, so valid as long as that is */
    size_t len;
    int present;   /* non-empty after trimming */
    int ok;        /* parsed and within its rules */
    int64_t i;     /* INT value, or DATE as days since 1970-01-01 */
    const dsms_code *code; /* CODE: the data set's entry (static), or NULL */
} dsms_value;

/* Parse s[0..len) as field f into *v; returns v->ok. On failure that is 0
 * and message/expected (mlen, elen bytes, cut short to fit) say why, without
 * quoting the text of attributor fields; on success they are not written.
 * Empty is ok here: whether a field is required is a row rule. */
int dsms_field_parse(const dsms_field *f, const char *s, size_t len, dsms_value *v,
                     char *message, size_t mlen, char *expected, size_t elen);

/* The canonical spelling of a valid multi-code value ("Heroin; crack" gives
 * "heroin;crack") in out, cap > 0 bytes, cut short to fit; an item that is no
 * code is left out. Cannot fail. */
void dsms_codes_canonical(const dsms_field *f, const dsms_value *v, char *out, size_t cap);

/* Dates as day counts; none of these can fail.
 * Days since 1970-01-01 for a valid YYYY-MM-DD, or INT64_MIN when invalid. */
int64_t dsms_date_parse(const char *s, size_t len);
/* Whole years between two day counts (birth, on): age on that day. */
int dsms_age_years(int64_t born, int64_t on);
/* YYYY-MM-DD for a day count (a year outside 0-9999 written as 0000 or
 * 9999); buf holds at least 11 bytes. */
void dsms_date_format(int64_t days, char *buf);
/* The first day (days since 1970-01-01) of financial year Y: 1 April Y. */
int64_t dsms_financial_year_start(int year);
/* Days since 1970-01-01 of a calendar date (month 1-12; a date that is no
 * date gives a day that means nothing, unchecked), and back. */
int64_t dsms_date_of(int year, int month, int day);
void dsms_date_parts(int64_t days, int *year, int *month, int *day);
/* The same day of the month `months` later (earlier when negative), or the
 * month's last day when it is shorter: 31 August plus 6 months is 28 or 29
 * February. */
int64_t dsms_add_months(int64_t days, int months);

/* A number as people write it in the reference files and series: digits, a
 * decimal point, an exponent, a leading minus (so that a negative number is
 * named as such); no spaces, hexadecimal, infinities or NaN. 0 with *out
 * set, or -1. Cannot fail otherwise. */
int dsms_number_parse(const char *s, double *out);

#endif
