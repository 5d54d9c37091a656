/* grow.c — dynamic arrays' growth (grow.h). */
#include "grow.h"

#include <stdint.h>
#include <stdlib.h>

void *dsms_grow(void *items, size_t *cap, size_t need, size_t size, size_t first)
{
    if (need <= *cap && items) return items;
    size_t c = *cap ? *cap : (first ? first : 1);
    while (c < need) {
        if (c > SIZE_MAX / 2) return NULL;
        c *= 2;
    }
    if (!size || c > SIZE_MAX / size) return NULL;
    void *p = realloc(items, c * size);
    if (p) *cap = c;
    return p;
}
