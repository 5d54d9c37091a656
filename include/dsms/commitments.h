/* dsms/commitments.h — a register of a strategy's commitments, kept as a
 * YAML file (docs/commitments.md): what was promised, under which strand,
 * by whom and by when, how far it has got, and what shows it (a measure, a
 * published series, or words). The annual review (`dsms report review`)
 * reads it strand by strand; data/commitments/ ships England's, drawn from
 * the 2017 and 2021 strategies with each commitment's line. */
#ifndef DSMS_COMMITMENTS_H
#define DSMS_COMMITMENTS_H

#include <stddef.h>

#include "dsms/diag.h"

/* The strands a commitment falls under, in the order a review gives them. */
typedef enum {
    DSMS_STRAND_DEMAND,   /* "reducing demand" */
    DSMS_STRAND_SUPPLY,   /* "restricting supply" */
    DSMS_STRAND_RECOVERY, /* "building recovery" */
    DSMS_STRAND_GLOBAL,   /* "global action" (2017) */
    DSMS_STRAND_COUNT
} dsms_strand;

/* Its name as a register writes it and a review heads it; static text, or
 * NULL for a value that is no strand. */
const char *dsms_strand_name(dsms_strand s);

typedef enum {
    DSMS_EVIDENCE_MEASURE, /* ref: a measure's id (dsms measures --list) */
    DSMS_EVIDENCE_SERIES,  /* ref: a published series' code (docs/series.md) */
    DSMS_EVIDENCE_TEXT     /* words only */
} dsms_evidence_kind;

/* One commitment. Text is owned by the register. `due` is a financial year
 * ("2024-25"), a year ("2025") or a date ("2025-03-31"); `status` is one of
 * dsms_commitment_statuses; `strategy` names the document it is from (e.g.
 * "2021 From harm to hope") and `line` the line of that document in
 * ../shared/policy's text, 0 where none. */
typedef struct {
    char *id, *text, *owner, *due, *status, *strategy;
    dsms_strand strand;
    int line;
    dsms_evidence_kind evidence;
    char *evidence_ref;  /* measure id or series code; NULL for text evidence */
    char *evidence_text; /* what the evidence says in words; may be NULL */
} dsms_commitment;

typedef struct {
    char *id, *title;
    dsms_commitment *items;
    size_t n;
} dsms_register;

/* The statuses a commitment may have, NULL-terminated: "achieved",
 * "on track", "in progress", "off track", "not started", "dropped". */
extern const char *const dsms_commitment_statuses[];

/* Read a register from a file, or from text of len bytes named `name` in
 * errors. 0, or -1 with err set as "file:line: field: what was expected"
 * and *reg left empty (as dsms_register_free leaves it). Each id is unique;
 * every measure named is in the catalogue (series codes are checked against
 * the store by the review). The caller frees what is read with
 * dsms_register_free. */
int dsms_register_read(const char *path, dsms_register *reg, dsms_err *err);
int dsms_register_parse(const char *text, size_t len, const char *name, dsms_register *reg,
                        dsms_err *err);
void dsms_register_free(dsms_register *reg);

/* The last day of a due date as days since 1970-01-01 (a financial year
 * ends on 31 March, a year on 31 December), or -1 when it does not read: a
 * year before 1970, a date that is no date (2025-02-29), a financial year
 * whose second part is not the next year's last two digits (2024-26), or
 * anything else. */
long dsms_commitment_due_day(const char *due);

#endif
