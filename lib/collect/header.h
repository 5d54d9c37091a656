/* header.h — recognising a submitted file from its header row: which table
 * of the data set it holds, and which column carries each field. */
#ifndef DSMS_HEADER_H
#define DSMS_HEADER_H

#include <stddef.h>

#include "dsms/csv.h"
#include "dsms/dataset.h"
#include "dsms/diag.h"
#include "dsms/store.h"

typedef struct {
    const dsms_table *table;
    int col_of[DSMS_MAX_COLUMNS]; /* table field -> CSV column, -1 if absent */
    size_t ncols;                 /* columns in the header */
    char **names;                 /* their names, when asked for; NULL-terminated */
} dsms_header;

/* Read the first record of c as the header of path. The table is `forced`
 * when given, else the one the header matches (dsms_table_for_header).
 * Refused, with the reason in err: an empty file, a malformed header, a name
 * twice or holding a NUL, no matching table, a required column missing.
 * keep_names copies the column names into h->names. */
int dsms_header_read(dsms_csv *c, const char *path, const char *forced, int keep_names,
                     dsms_header *h, dsms_err *err);
void dsms_header_free(dsms_header *h);

#endif
