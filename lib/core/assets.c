/* assets.c — the files built into the program (dsms/assets.h), looked up by
 * the name they have in the source tree. */
#include "dsms/assets.h"

#include <string.h>

#include "assets_int.h"

const unsigned char *dsms_asset(const char *name, size_t *len)
{
    for (const dsms_asset_entry *a = dsms_assets; name && a->name; a++)
        if (strcmp(a->name, name) == 0) {
            *len = a->len;
            return a->bytes;
        }
    *len = 0;
    return NULL;
}
