/* dsms/grow.h — the one way a dynamic array grows: to hold at least `need` items,
 * doubling its capacity (from `first` items) so that n appends cost O(n)
 * copying in all, with the byte count checked against overflow. */
#ifndef DSMS_GROW_H
#define DSMS_GROW_H
#include <stddef.h>

/* The array `items` (*cap items of `size` bytes; NULL with *cap 0 at first)
 * made to hold at least need > 0 items: returns it, perhaps moved (realloc),
 * and sets *cap. Returns NULL when out of memory or when the size would
 * overflow: then `items` is still valid and *cap unchanged. */
void *dsms_grow(void *items, size_t *cap, size_t need, size_t size, size_t first);
/* dsms_grow for an array held in *items (the address of the caller's
 * pointer, as void **): room for item n. 0, or -1 as dsms_grow fails. */
int dsms_room_for(void **items, size_t *cap, size_t n, size_t size, size_t first);
/* dsms_room_for for two arrays that share one count and one capacity (*a of
 * items of asize bytes, *b of bsize): room for item n in both. 0, or -1 as
 * dsms_grow fails: then both are still valid (*a perhaps moved and larger)
 * and *cap unchanged. */
int dsms_room_for_pair(void **a, size_t asize, void **b, size_t bsize, size_t *cap, size_t n,
                       size_t first);

#endif
