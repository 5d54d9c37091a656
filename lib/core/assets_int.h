/* assets_int.h — the table of files built into the program, written at
 * build time by cmake/embed.cmake (dsms_assets.c in the build directory)
 * and read by dsms_asset (assets.c). */
#ifndef DSMS_ASSETS_INT_H
#define DSMS_ASSETS_INT_H

#include <stddef.h>

typedef struct {
    const char *name;           /* as in the source tree: "web/dsms.css" */
    const unsigned char *bytes; /* NUL-terminated */
    size_t len;                 /* not counting the NUL */
} dsms_asset_entry;

/* Ends with an entry whose name is NULL. */
extern const dsms_asset_entry dsms_assets[];

#endif
