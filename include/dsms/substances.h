/* dsms/substances.h — the register of substances (data/substances.csv): each
 * substance's code, name, family, other names, legal status over time and
 * the day it was first identified in the UK; read, checked, added to and
 * written back; and the matching of a name as someone reported it (a
 * toxicology line, a seizure, a drug checking result) to the register, with
 * spelling slips forgiven but never a chemical difference. Functions here
 * keep no pointer they are given beyond the call. */
#ifndef DSMS_SUBSTANCES_H
#define DSMS_SUBSTANCES_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include "dsms/diag.h"

/* The register's file in the data directory, and its columns in order. */
#define DSMS_SUBSTANCES_FILE "substances.csv"
enum { DSMS_SUBSTANCE_COLUMNS = 6 };
extern const char *const dsms_substance_columns[DSMS_SUBSTANCE_COLUMNS];

/* The families a substance belongs to: a code and a display name each. */
typedef struct {
    const char *code; /* "nitazenes" */
    const char *name; /* "Nitazenes" */
} dsms_family;
enum { DSMS_FAMILIES = 14 };
extern const dsms_family dsms_families[DSMS_FAMILIES];
/* The index into dsms_families of a family's code, -1 for no such family.
 * Cannot fail. */
int dsms_family_find(const char *code);

/* A legal status under UK law. UNKNOWN is not written in the register: it is
 * what a day that no entry covers has. */
typedef enum {
    DSMS_LEGAL_UNKNOWN = 0,
    DSMS_LEGAL_CLASS_A,
    DSMS_LEGAL_CLASS_B,
    DSMS_LEGAL_CLASS_C,
    DSMS_LEGAL_TCDO,          /* a temporary class drug order */
    DSMS_LEGAL_PSA,           /* the Psychoactive Substances Act 2016 */
    DSMS_LEGAL_UNCONTROLLED,
    DSMS_LEGALS
} dsms_legal;
/* A status's code as the register writes it ("class_a", "tcdo", "psa", ...;
 * "unknown" for DSMS_LEGAL_UNKNOWN) and its display name ("Class A",
 * "Temporary class drug order", ...): static strings, NULL for a value out
 * of range. Neither can fail. */
const char *dsms_legal_code(dsms_legal status);
const char *dsms_legal_name(dsms_legal status);

/* Days since 1970-01-01: an entry without an end, and no day at all. */
enum { DSMS_DAY_OPEN = INT_MAX, DSMS_DAY_NONE = INT_MIN };

/* One legal status over a span of days: from `from`, the first day it
 * applies, to the day before `to`, the first day it no longer applies
 * (DSMS_DAY_OPEN: still applies). */
typedef struct {
    dsms_legal status;
    int from;
    int to;
} dsms_legal_entry;

enum { DSMS_SUBSTANCE_CODE_MAX = 48, DSMS_SUBSTANCE_NAME_MAX = 96 };

/* One substance. Its arrays are the register's. */
typedef struct {
    char code[DSMS_SUBSTANCE_CODE_MAX]; /* lower-case letters, digits, '_' */
    char name[DSMS_SUBSTANCE_NAME_MAX];
    int family;                         /* index into dsms_families */
    char **synonyms;                    /* nsynonyms strings, in the file's order */
    size_t nsynonyms;
    dsms_legal_entry *legal;            /* nlegal entries, in date order, none overlapping */
    size_t nlegal;
    int first_uk;                       /* first identified in the UK, or DSMS_DAY_NONE */
} dsms_substance;

/* The register: filled by dsms_substances_read, _parse or _add, emptied by
 * dsms_substances_free; a pointer into it (a substance, a name) is valid
 * until then or until the next add, which may move the array. Start with
 * one zeroed: dsms_substances reg = {0}. `keys` are the names in their
 * normal form for matching, kept by the register. Matching only reads the
 * register and keeps nothing between calls, so that several threads may
 * match against one register that none changes. */
typedef struct dsms_substance_key dsms_substance_key;
typedef struct {
    dsms_substance *items;
    size_t n;
    size_t cap;
    dsms_substance_key *keys;
    size_t nkeys, keycap;
} dsms_substances;

/* Read DIR/substances.csv, or OVERRIDE/substances.csv when OVERRIDE (may be
 * NULL) holds one. Every row is checked: the header names the six columns;
 * the code is 1 to 47 lower-case letters, digits or '_', starting with a
 * letter or digit, and unique; the name is given (at most 95 bytes); the
 * family is one of dsms_families; no name, code or synonym of one substance
 * reads, in its normal form for matching, as one of another's; each
 * synonym is given between ';'; each legal status is STATUS:FROM or
 * STATUS:FROM:TO with a known status and real dates, FROM before TO, in
 * date order without overlapping; first_uk is a date or empty. The first
 * problem is reported as file:line: column: problem (expected ...). 0, with
 * reg's arrays the caller's to free with dsms_substances_free; or -1 with
 * err set and reg empty. reg is overwritten: what it held is not freed. */
int dsms_substances_read(dsms_substances *reg, const char *dir, const char *override,
                         dsms_err *err);
/* The same from the CSV text buf[0..len), named `path` in messages (such as
 * "store:substances"). 0, or -1 with err set and reg empty. */
int dsms_substances_parse(dsms_substances *reg, const char *path, const char *buf, size_t len,
                          dsms_err *err);
/* Frees what reg holds and empties it (not reg itself), so that freeing
 * twice is harmless. */
void dsms_substances_free(dsms_substances *reg);

/* Add one substance given as the text of its six columns in the order of
 * dsms_substance_columns (a synonyms or legal_status or first_uk value may
 * be "" or NULL), through the same checks as a row of the file, against what
 * reg holds already. A problem is reported as WHERE: column: problem
 * (expected ...), WHERE being what the caller names the values by (such as
 * "dsms substance add"). 0, or -1 with err set and reg as it was (out of
 * memory included). */
int dsms_substances_add(dsms_substances *reg, const char *const *values, const char *where,
                        dsms_err *err);

/* Write the register as CSV (the header, then a row a substance, in reg's
 * order), so that reading it back gives the same register. 0, or -1 when
 * writing to f failed (ferror). */
int dsms_substances_write(const dsms_substances *reg, FILE *f);

/* The index of the substance with this code (exactly), -1 when none.
 * Cannot fail. */
int dsms_substances_find(const dsms_substances *reg, const char *code);

/* A substance's legal status on a day (days since 1970-01-01): the entry
 * covering the day, DSMS_LEGAL_UNKNOWN when none does. Cannot fail. */
dsms_legal dsms_substance_legal_on(const dsms_substance *s, int day);

/* How a reported name matched. */
typedef enum {
    DSMS_MATCH_NONE = 0,  /* nothing near enough (or empty text) */
    DSMS_MATCH_EXACT,     /* a substance's code or name */
    DSMS_MATCH_SYNONYM,   /* one of a substance's synonyms */
    DSMS_MATCH_NEAR,      /* a slip away from one substance's name: "did you mean" */
    DSMS_MATCH_AMBIGUOUS, /* as near to two substances or more: no answer */
    DSMS_MATCH_INVALID    /* not text: not UTF-8, a control character, or too long */
} dsms_match_kind;
/* A kind's name ("none", "exact", "synonym", "near", "ambiguous",
 * "invalid"), a static string; NULL out of range. Cannot fail. */
const char *dsms_match_kind_name(dsms_match_kind kind);

/* The longest text matched, in bytes; longer is DSMS_MATCH_INVALID. */
enum { DSMS_MATCH_TEXT_MAX = 256 };
enum { DSMS_MATCH_CANDIDATES = 4 };

typedef struct {
    dsms_match_kind kind;
    int substance;      /* index into reg->items for EXACT, SYNONYM and NEAR; else -1 */
    int distance;       /* edits between the normal forms: 0 but for NEAR and AMBIGUOUS */
    const char *matched;/* the register's text that matched (a code, name or synonym),
                           reg's; NULL for NONE, AMBIGUOUS and INVALID */
    int candidates[DSMS_MATCH_CANDIDATES]; /* AMBIGUOUS: the equally near substances, in
                                              register order (the first few); NEAR: the one */
    size_t ncandidates;
} dsms_match;

/* Match a reported name to the register (matching rules in
 * lib/reference/substances.c, docs in data/README.md): the text in its
 * normal form (case folded, spaces, hyphens and other punctuation dropped,
 * Greek letters spelt out, "5-fluoro" read as "5F") is looked up among the
 * codes and names, then the synonyms; failing those, the substance whose
 * code, name or synonym is a spelling slip away (Damerau-Levenshtein, at
 * most 1 edit up to 10 characters, 2 beyond, none for a part of 4 or
 * fewer) is found, unless the difference could be a chemical one (a digit,
 * the first three letters of a part, a chemical stem such as -azolam
 * against -azepam) or another substance is as near. Returns the kind, also
 * in *out. Cannot fail. */
dsms_match_kind dsms_substance_match(const dsms_substances *reg, const char *text,
                                     dsms_match *out);
/* The same for text[0..len), which may hold NUL bytes (INVALID). */
dsms_match_kind dsms_substance_match_n(const dsms_substances *reg, const char *text, size_t len,
                                       dsms_match *out);

#endif
