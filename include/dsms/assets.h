/* dsms/assets.h — files built into the program (cmake/embed.cmake): the
 * dashboard's styles and script (web/) and the measures' definitions
 * (docs/measures.md), so that it needs nothing beside it where it is
 * installed. */
#ifndef DSMS_ASSETS_H
#define DSMS_ASSETS_H

#include <stddef.h>

/* The bytes of the file named as in the source tree ("web/dsms.css",
 * "docs/measures.md"), NUL-terminated, with their length in *len (not
 * counting the NUL); NULL and *len 0 when there is none. */
const unsigned char *dsms_asset(const char *name, size_t *len);

#endif
