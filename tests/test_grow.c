/* test_grow.c — dsms_grow, dsms_room_for and dsms_room_for_pair (lib/core/grow.c):
 * growth by doubling from the first capacity, enough room whatever the need,
 * the array kept when it fails, and sizes that would overflow refused. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dsms/grow.h"

static void doubling(void)
{
    int *a = NULL;
    size_t cap = 0;
    a = dsms_grow(a, &cap, 1, sizeof *a, 8);
    CHECK(a != NULL);
    CHECK_INT(cap, 8);
    for (int i = 0; i < 8; i++) a[i] = i;
    int *b = dsms_grow(a, &cap, 8, sizeof *a, 8); /* room already: the same array */
    CHECK(b == a);
    CHECK_INT(cap, 8);
    a = dsms_grow(a, &cap, 9, sizeof *a, 8);
    CHECK(a != NULL);
    CHECK_INT(cap, 16);
    a = dsms_grow(a, &cap, 100, sizeof *a, 8); /* doubles until it holds the need */
    CHECK(a != NULL);
    CHECK_INT(cap, 128);
    for (int i = 0; i < 8; i++) CHECK_INT(a[i], i); /* kept across the moves */
    free(a);
    size_t one = 0;
    char *c = dsms_grow(NULL, &one, 3, 1, 0); /* no first capacity: from 1 */
    CHECK(c != NULL);
    CHECK_INT(one, 4);
    free(c);
}

static void refused(void)
{
    char *a = NULL;
    size_t cap = 0;
    a = dsms_grow(a, &cap, 10, 1, 16);
    CHECK(a != NULL);
    memcpy(a, "kept", 5);
    /* bytes that would overflow size_t: refused, the array and capacity as they were */
    CHECK(dsms_grow(a, &cap, SIZE_MAX / 4 + 1, 8, 16) == NULL);
    CHECK_INT(cap, 16);
    CHECK(dsms_grow(a, &cap, SIZE_MAX, 1, 16) == NULL);
    CHECK_INT(cap, 16);
    CHECK_STR(a, "kept");
    CHECK(dsms_grow(a, &cap, 17, 0, 16) == NULL); /* items of no size */
    free(a);
}

/* dsms_room_for: room for item n of an array held through a pointer. */
static void room(void)
{
    long *a = NULL;
    size_t cap = 0;
    CHECK_INT(dsms_room_for((void **)&a, &cap, 0, sizeof *a, 4), 0);
    CHECK(a != NULL);
    CHECK_INT(cap, 4);
    long *before = a;
    CHECK_INT(dsms_room_for((void **)&a, &cap, 3, sizeof *a, 4), 0); /* room already */
    CHECK(a == before);
    CHECK_INT(dsms_room_for((void **)&a, &cap, 4, sizeof *a, 4), 0);
    CHECK_INT(cap, 8);
    CHECK_INT(dsms_room_for((void **)&a, &cap, SIZE_MAX / 4, sizeof *a, 4), -1);
    CHECK_INT(cap, 8);
    free(a);
}

/* dsms_room_for_pair: two arrays, one count, one capacity. */
static void pair(void)
{
    char **names = NULL;
    long *lines = NULL;
    size_t cap = 0;
    for (size_t n = 0; n < 40; n++) {
        CHECK_INT(dsms_room_for_pair((void **)&names, sizeof *names, (void **)&lines,
                                     sizeof *lines, &cap, n, 4), 0);
        names[n] = NULL, lines[n] = (long)n; /* room for item n in both */
    }
    CHECK_INT(cap, 64);
    CHECK_INT(lines[39], 39);
    /* The second cannot grow: the first may have, the capacity stays. */
    CHECK_INT(dsms_room_for_pair((void **)&names, sizeof *names, (void **)&lines,
                                 SIZE_MAX / 64, &cap, 64, 4), -1);
    CHECK_INT(cap, 64);
    CHECK_INT(lines[39], 39);
    free(names);
    free(lines);
}

int main(void)
{
    doubling();
    refused();
    room();
    pair();
    return check_summary();
}
