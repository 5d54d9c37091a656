/* dsms/dataset.h — the record-level data set as code.
 *
 * One table-driven definition of every table, field, code list and cross-field
 * rule. It drives the CSV header matching, validation, the store schema and the
 * user documentation (docs/data-set.md is generated from it by `dsms dataset
 * --markdown`, and a test fails when the two differ).
 *
 * The definition is static data: every table, field, rule, code list, code
 * and string it hands out lives as long as the program and is never freed.
 * Functions here keep no pointer they are given beyond the call, and none can
 * fail: a look-up that finds nothing says so (NULL, or -1). */
#ifndef DSMS_DATASET_H
#define DSMS_DATASET_H

#include <stddef.h>

typedef enum {
    DSMS_TYPE_TEXT,  /* free identifier text: printable, max_len bytes */
    DSMS_TYPE_CODE,  /* one code from a code list */
    DSMS_TYPE_CODES, /* semicolon-separated codes from a code list */
    DSMS_TYPE_DATE,  /* YYYY-MM-DD, a real calendar date */
    DSMS_TYPE_INT    /* whole number in [min, max] */
} dsms_type;

/* Field flags. */
enum {
    DSMS_F_REQUIRED = 1 << 0, /* must be present in every row */
    DSMS_F_KEY = 1 << 1,      /* part of the record's key (resubmission replaces) */
    DSMS_F_ORG = 1 << 2,      /* the submitting organisation's code: must match --source
                                 and be in the table's reference list */
    DSMS_F_AREA = 1 << 3,     /* must be a reference area code */
    DSMS_F_INITIALS = 1 << 4, /* client attributor: initials (never stored) */
    DSMS_F_DOB = 1 << 5,      /* client attributor: date of birth (never stored) */
    DSMS_F_SEX = 1 << 6,      /* client attributor: sex (stored: a reporting breakdown) */
    DSMS_F_CONSENT = 1 << 7,  /* consent to share: N means no attributor */
    DSMS_F_EPISODE = 1 << 8,  /* with provider_code, names an episode that must exist */
    DSMS_F_ATTRIBUTOR = DSMS_F_INITIALS | DSMS_F_DOB | DSMS_F_SEX
};

typedef struct {
    const char *code;  /* canonical spelling, matched case-insensitively */
    const char *label; /* what it means, for people */
    const char *group; /* grouping used by measures (may be NULL) */
} dsms_code;

typedef struct {
    const char *name;
    const char *description;
    const dsms_code *codes;
    size_t ncodes;
} dsms_codelist;

typedef struct {
    const char *name; /* CSV header name and store column name */
    dsms_type type;
    unsigned flags;
    int min, max; /* INT: value range; TEXT: max is the maximum length */
    const dsms_codelist *codes;
    const char *description;
} dsms_field;

typedef enum { DSMS_ERROR, DSMS_WARNING } dsms_severity;

/* Cross-field and submission rules. Each is data: the validator interprets the
 * kind with the named fields, and the documentation prints the text. */
typedef enum {
    DSMS_RULE_DATE_ORDER,   /* a <= b when both are present */
    DSMS_RULE_NOT_FUTURE,   /* every date field is on or before today */
    DSMS_RULE_AGE_RANGE,    /* age on date b, born on a, within [min, max] */
    DSMS_RULE_CONSENT,      /* consent N: no attributor; otherwise one is required */
    DSMS_RULE_REQUIRES,     /* a present (and in values, if given) => b present */
    DSMS_RULE_FORBIDS,      /* a present (and in values, if given) => b empty, or N if yes/no */
    DSMS_RULE_UNIQUE_KEY,   /* key unique within the submission */
    DSMS_RULE_EPISODE_KNOWN, /* episode in this submission or the store */
    DSMS_RULE_AREA_KNOWN,   /* area code is a reference area */
    DSMS_RULE_ORG_MATCHES,  /* organisation code equals the submitting source */
    DSMS_RULE_ORG_KNOWN,    /* organisation code is in the table's reference list (org_ref) */
    DSMS_RULE_ONE_OF,       /* exactly one of a and b is present */
    DSMS_RULE_ANY_OF,       /* a or b or both are present */
    DSMS_RULE_WHOLE_ATTRIBUTOR, /* the attributor's fields all present or all empty */
    DSMS_RULE_REF_KNOWN     /* each of a's semicolon-separated codes is in the reference
                               list named by values (prisons, substances) */
} dsms_rule_kind;

typedef struct {
    const char *id; /* stable identifier, shown in reports */
    dsms_rule_kind kind;
    const char *a, *b;
    const char *values; /* comma-separated codes for REQUIRES/FORBIDS, or NULL */
    int min, max;       /* AGE_RANGE bounds */
    dsms_severity severity;
    const char *text;   /* the rule in words */
} dsms_rule;

typedef struct {
    const char *name;
    const char *description;
    const char *org_label;  /* who submits it, e.g. "treatment provider" */
    const char *org_ref;    /* the reference table listing them, e.g. "providers"; its
                               file is the same name with .csv */
    const dsms_field *fields;
    size_t nfields;
    const dsms_rule *rules;
    size_t nrules;
    const char *age_date; /* field whose date sets the stored age (or NULL) */
    int order;            /* import order: episodes before what refers to them */
} dsms_table;

/* All tables, in import order (*count of them); the table of that name, or
 * NULL when there is none; the index of t's field of that name. */
const dsms_table *dsms_tables(size_t *count);
const dsms_table *dsms_table_find(const char *name);
int dsms_field_index(const dsms_table *t, const char *name); /* -1 if none */

/* Code lookup, case-insensitive: cl's entry for s[0..len), or NULL when the code
 * is not in the list. */
const dsms_code *dsms_code_find(const dsms_codelist *cl, const char *s, size_t len);

/* 1 when code (canonical) is one of a comma-separated list, else 0. */
int dsms_code_in(const char *code, const char *list);

/* All code lists, for documentation: an array of *count of them. */
const dsms_codelist *const *dsms_codelists(size_t *count);

/* Best table for a CSV header of n names (a NULL name matches nothing): the
 * one whose key fields are all present, preferring the most matched columns;
 * NULL when none matches. */
const dsms_table *dsms_table_for_header(const char *const *names, size_t n);

/* What a field holds, in a word ("text", "code", "codes", "date", "integer");
 * "?" for a value that is no type. */
const char *dsms_type_name(dsms_type t);

#endif
