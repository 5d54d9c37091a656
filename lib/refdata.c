/* refdata.c — loading the shipped reference data into the store (refdata.h). */
#include "refdata.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"

typedef int (*row_fn)(dsms_store *st, const char *path, long line, const char **v,
                      dsms_err *err);

static int well_formed_code(const char *s, char prefix)
{
    if (strlen(s) != 9 || s[0] != prefix) return 0;
    for (int i = 1; i < 9; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

static int region_row(dsms_store *st, const char *path, long line, const char **v, dsms_err *err)
{
    if (!well_formed_code(v[0], 'E') || !*v[1]) {
        dsms_err_set(err, "%s:%ld: code: '%s' is not a region (expected an ONS code E12000001 "
                          "and a name)", path, line, v[0]);
        return -1;
    }
    return dsms_store_put_region(st, v[0], v[1], err);
}

static int area_row(dsms_store *st, const char *path, long line, const char **v, dsms_err *err)
{
    if (!well_formed_code(v[0], 'E') || !*v[1]) {
        dsms_err_set(err, "%s:%ld: code: '%s' is not an area (expected an ONS code such as "
                          "E08000025 and a name)", path, line, v[0]);
        return -1;
    }
    if (dsms_store_put_area(st, v[0], v[1], v[2], err)) {
        dsms_err_set(err, "%s:%ld: region_code: '%s' is not in regions.csv", path, line, v[2]);
        return -1;
    }
    return 0;
}

/* Read DIR/NAME with the given columns and hand each row to fn. */
static int load_file(dsms_store *st, const char *dir, const char *name, const char *const *cols,
                     size_t ncols, row_fn fn, dsms_err *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        dsms_err_set(err, "%s: cannot open reference data", path);
        return -1;
    }
    dsms_csv *c = dsms_csv_open_fd(fd, NULL, NULL);
    dsms_csv_row row;
    int at[8], rc = -1;
    if (!c || dsms_csv_next(c, &row) != 1) {
        dsms_err_set(err, "%s: empty or unreadable", path);
        goto done;
    }
    for (size_t k = 0; k < ncols; k++) {
        at[k] = -1;
        for (size_t i = 0; i < row.nfields; i++)
            if (strcmp(row.field[i], cols[k]) == 0) at[k] = (int)i;
        if (at[k] < 0) {
            dsms_err_set(err, "%s:1: %s: missing column", path, cols[k]);
            goto done;
        }
    }
    int r;
    while ((r = dsms_csv_next(c, &row)) == 1) {
        const char *v[8];
        if (row.status != DSMS_CSV_OK || row.nfields < ncols) {
            dsms_err_set(err, "%s:%ld: row: malformed", path, row.line);
            goto done;
        }
        for (size_t k = 0; k < ncols; k++) v[k] = row.field[at[k]];
        if (fn(st, path, row.line, v, err)) goto done;
    }
    rc = r == 0 ? 0 : -1;
    if (rc) dsms_err_set(err, "%s: read error", path);
done:
    dsms_csv_close(c);
    close(fd);
    return rc;
}

int dsms_refdata_load(dsms_store *st, const char *dir, dsms_err *err)
{
    static const char *const region_cols[] = {"code", "name"};
    static const char *const area_cols[] = {"code", "name", "region_code"};
    return load_file(st, dir, "regions.csv", region_cols, 2, region_row, err) ||
                   load_file(st, dir, "areas.csv", area_cols, 3, area_row, err)
               ? -1
               : 0;
}
