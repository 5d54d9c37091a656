/* failalloc.c — an allocation that fails on demand, for tests/alloc.sh.
 *
 * Preloaded (LD_PRELOAD) into a program, it counts every call of malloc,
 * calloc, realloc, posix_memalign, aligned_alloc, memalign, strdup and
 * strndup (glibc's fopen, qsort and the rest allocate through malloc and
 * count with it; strdup and strndup are made here through malloc, as
 * AddressSanitizer's own would not be counted) from the moment the library
 * is loaded, before main, and makes the Nth one return NULL (errno ENOMEM),
 * N taken from $DSMS_FAIL_ALLOC (none when unset or 0). Only that one call
 * fails. The calls before main are the same few on every run of the same
 * binary, so N picks the same point of a single-threaded run each time. When
 * $DSMS_ALLOC_COUNT names a file, the number of calls counted is written
 * there at exit: the range of N worth walking.
 *
 * The real functions are found with dlsym(RTLD_NEXT): glibc's, or the
 * sanitizer runtime's when the program is built with AddressSanitizer. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_long calls;
static long fail_at;
static int ready;

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);
static void (*real_free)(void *);

/* dlsym may itself allocate (calloc) before the real functions are known:
 * that comes from here, and is never freed (free ignores it). */
static _Alignas(16) unsigned char early[4096];
static size_t early_used;

static void *early_alloc(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (early_used + n > sizeof early) return NULL;
    void *p = early + early_used;
    early_used += n;
    return p;
}

static int is_early(const void *p)
{
    return (const unsigned char *)p >= early && (const unsigned char *)p < early + sizeof early;
}

static void find_real(void)
{
    static int finding;
    if (real_malloc || finding) return;
    finding = 1;
    real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    real_posix_memalign = (int (*)(void **, size_t, size_t))dlsym(RTLD_NEXT, "posix_memalign");
    real_aligned_alloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "aligned_alloc");
    real_memalign = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "memalign");
    real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    finding = 0;
}

/* 1 when this call is the one to fail. */
static int fails(void)
{
    long n = atomic_fetch_add(&calls, 1) + 1;
    return ready && fail_at > 0 && n == fail_at;
}

__attribute__((constructor)) static void start(void)
{
    find_real();
    const char *n = getenv("DSMS_FAIL_ALLOC");
    fail_at = n ? atol(n) : 0;
    atomic_store(&calls, 0);
    ready = 1;
}

__attribute__((destructor)) static void finish(void)
{
    const char *path = getenv("DSMS_ALLOC_COUNT");
    if (!path) return;
    char buf[32];
    int len = snprintf(buf, sizeof buf, "%ld\n", atomic_load(&calls));
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return;
    if (write(fd, buf, (size_t)len) != len) (void)0;
    close(fd);
}

void *malloc(size_t n)
{
    find_real();
    if (!real_malloc) return early_alloc(n);
    if (fails()) return errno = ENOMEM, NULL;
    return real_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    find_real();
    if (!real_calloc) return early_alloc(n * size); /* zero: static storage */
    if (fails()) return errno = ENOMEM, NULL;
    return real_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    find_real();
    if (is_early(p)) {
        void *q = malloc(n);
        size_t have = (size_t)(early + sizeof early - (unsigned char *)p);
        if (q) memcpy(q, p, n < have ? n : have);
        return q;
    }
    if (fails()) return errno = ENOMEM, NULL;
    return real_realloc(p, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    find_real();
    if (fails()) return ENOMEM;
    return real_posix_memalign(out, align, n);
}

void *aligned_alloc(size_t align, size_t n)
{
    find_real();
    if (fails()) return errno = ENOMEM, NULL;
    return real_aligned_alloc(align, n);
}

void *memalign(size_t align, size_t n)
{
    find_real();
    if (fails()) return errno = ENOMEM, NULL;
    return real_memalign(align, n);
}

/* AddressSanitizer's strdup allocates without malloc: these count it here. */
char *strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = malloc(len + 1);
    if (!p) return NULL;
    memcpy(p, s, len);
    p[len] = 0;
    return p;
}

char *strdup(const char *s) { return strndup(s, (size_t)-1); }

void free(void *p)
{
    if (!p || is_early(p)) return;
    find_real();
    if (real_free) real_free(p); /* else freed while the real ones are found: kept */
}
