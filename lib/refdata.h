/* refdata.h — the reference data shipped in data/ (regions, areas), loaded
 * into a store at init. A user may replace any file with one of the same shape. */
#ifndef DSMS_REFDATA_H
#define DSMS_REFDATA_H

#include "diag.h"
#include "store.h"

/* Load DIR/regions.csv and DIR/areas.csv; every row is checked and the first
 * bad one is reported as file:line: field: problem. */
int dsms_refdata_load(dsms_store *st, const char *dir, dsms_err *err);

#endif
