/* grow.c — dynamic arrays' growth (grow.h). */
#include "dsms/grow.h"

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

int dsms_room_for(void **items, size_t *cap, size_t n, size_t size, size_t first)
{
    if (n < *cap) return 0;
    void *p = dsms_grow(*items, cap, n + 1, size, first);
    if (!p) return -1;
    *items = p;
    return 0;
}

int dsms_room_for_pair(void **a, size_t asize, void **b, size_t bsize, size_t *cap, size_t n,
                       size_t first)
{
    size_t acap = *cap, bcap = *cap;
    if (dsms_room_for(a, &acap, n, asize, first) || dsms_room_for(b, &bcap, n, bsize, first))
        return -1;
    *cap = bcap;
    return 0;
}
