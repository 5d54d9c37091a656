/* header.c — recognising a submitted file from its header row (header.h). */
#include "header.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The header's names, NULL-terminated; NULL when memory runs out. */
static char **copy_names(const dsms_csv_row *row)
{
    char **names = calloc(row->nfields + 1, sizeof *names);
    for (size_t i = 0; names && i < row->nfields; i++) {
        if ((names[i] = strdup(row->field[i]))) continue;
        while (i-- > 0) free(names[i]);
        free(names);
        return NULL;
    }
    return names;
}

void dsms_header_free(dsms_header *h)
{
    for (size_t i = 0; h->names && h->names[i]; i++) free(h->names[i]);
    free(h->names);
    h->names = NULL;
}

/* The most columns a table of the data set has. */
static size_t widest_table(void)
{
    size_t n, most = 0;
    const dsms_table *t = dsms_tables(&n);
    for (size_t i = 0; i < n; i++)
        if (t[i].nfields > most) most = t[i].nfields;
    return most;
}

static int check_header_names(const char *path, const dsms_csv_row *row, dsms_err *err)
{
    if (row->status == DSMS_CSV_TOO_LONG && row->nfields >= DSMS_CSV_MAX_FIELDS) {
        dsms_err_set(err, "%s:%ld: header: more than %d columns, starting '%.40s,%.40s,%.40s,...' "
                          "(expected the columns of one table of the data set, at most %zu; "
                          "see dsms dataset)", path, row->line, DSMS_CSV_MAX_FIELDS,
                     row->field[0], row->field[1], row->field[2], widest_table());
        return -1;
    }
    if (row->status != DSMS_CSV_OK) {
        dsms_err_set(err, "%s:%ld: header: %s", path, row->line,
                     dsms_csv_status_text(row->status));
        return -1;
    }
    for (size_t i = 0; i < row->nfields; i++) {
        if (strlen(row->field[i]) != row->len[i]) {
            dsms_err_set(err, "%s:1: header: column %zu's name holds a NUL byte", path, i + 1);
            return -1;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(row->field[i], row->field[k]) == 0) {
                dsms_err_set(err, "%s:1: %.100s: column named twice in the header", path,
                             row->field[i]);
                return -1;
            }
    }
    return 0;
}

static int map_columns(const char *path, const dsms_table *t, const dsms_csv_row *row,
                       int *col_of, dsms_err *err)
{
    size_t missing = 0;
    char list[400] = "";
    for (size_t f = 0; f < t->nfields; f++) {
        col_of[f] = -1;
        for (size_t i = 0; i < row->nfields; i++)
            if (strcmp(row->field[i], t->fields[f].name) == 0) col_of[f] = (int)i;
        if (col_of[f] < 0 && (t->fields[f].flags & (DSMS_F_REQUIRED | DSMS_F_KEY))) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof list - used, "%s%s", missing ? ", " : "",
                     t->fields[f].name);
            missing++;
        }
    }
    if (missing)
        dsms_err_set(err, "%s:1: header: required column%s missing: %s (expected every "
                          "required column of %s; see dsms dataset %s)",
                     path, missing > 1 ? "s" : "", list, t->name, t->name);
    return missing ? -1 : 0;
}

int dsms_header_read(dsms_csv *c, const char *path, const char *forced, int keep_names,
                     dsms_header *h, dsms_err *err)
{
    h->names = NULL;
    h->table = NULL;
    dsms_csv_row row;
    int r = dsms_csv_next(c, &row);
    if (r == 0) return dsms_err_set(err, "%s: empty file (expected a header row)", path), -1;
    if (r < 0) return dsms_err_set(err, "%s: read error: %s", path, strerror(errno)), -1;
    if (check_header_names(path, &row, err)) return -1;
    const dsms_table *t = forced ? dsms_table_find(forced)
                                 : dsms_table_for_header(row.field, row.nfields);
    if (!t) {
        if (forced) dsms_err_set(err, "%s: no table named '%s' (see dsms dataset)", path, forced);
        else
            dsms_err_set(err, "%s:1: header: matches no table of the data set (expected the "
                              "key columns of one table, e.g. provider_code,episode_ref for "
                              "episodes; see dsms dataset)", path);
        return -1;
    }
    if (map_columns(path, t, &row, h->col_of, err)) return -1;
    h->table = t;
    h->ncols = row.nfields;
    if (keep_names && !(h->names = copy_names(&row))) {
        dsms_err_set(err, "out of memory");
        return -1;
    }
    return 0;
}
