/* dsms/substances_store.h — the substance register (dsms/substances.h) kept
 * in a store (schema 9): written when the reference data is loaded and by
 * dsms substance add, read by early warning and validation. */
#ifndef DSMS_SUBSTANCES_STORE_H
#define DSMS_SUBSTANCES_STORE_H

#include "dsms/field.h"
#include "dsms/store.h"
#include "dsms/substances.h"

/* Store one substance, replacing one of the same code, in the caller's
 * transaction: added by `by` now, or shipped (by NULL). 0, or -1 with err. */
int dsms_substance_store(const dsms_substance *s, dsms_store *st, const char *by, dsms_err *err);
/* Store every substance of reg as shipped. 0, or -1 with err set. */
int dsms_substances_store(const dsms_substances *reg, dsms_store *st, dsms_err *err);
/* Read the store's register into reg through the register's checks. 0, or
 * -1 with err set and reg empty. */
int dsms_substances_fetch(dsms_substances *reg, dsms_store *st, dsms_err *err);

#endif
