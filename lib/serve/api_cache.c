/* api_cache.c — answers to the public kept between requests.
 *
 * What the public may see of the results changes only when they are computed
 * again, and the public asks the same questions over and over (a dashboard's
 * rankings, an area's profile). So the results route's answers to the public
 * are kept, keyed by the query, for as long as the latest computation is the
 * one they were made from: an answer is kept with that computation's number,
 * and the first request that finds a newer one empties the cache. Bodies are
 * bounded in bytes; the least recently used answer goes first. Every other
 * caller is served from the store each time, and audited as such. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

enum { BUCKETS = 4096 };

typedef struct entry {
    struct entry *next_in_bucket;
    struct entry *newer, *older; /* the use order: newest first */
    char *key;
    uint32_t hash;
    dsms_api_response resp; /* its body owned here */
} entry;

struct dsms_api_cache {
    pthread_mutex_t mu;
    size_t max_bytes, bytes, entries;
    unsigned long hits, misses;
    int64_t computation; /* the computation the answers were made from; 0 none */
    entry *bucket[BUCKETS];
    entry *newest, *oldest;
};

dsms_api_cache *dsms_api_cache_new(size_t max_bytes)
{
    dsms_api_cache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    if (pthread_mutex_init(&c->mu, NULL)) {
        free(c);
        return NULL;
    }
    c->max_bytes = max_bytes;
    return c;
}

static uint32_t hash_key(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static size_t cost(const entry *e)
{
    return e->resp.len + strlen(e->key) + sizeof *e;
}

static void unlink_use(dsms_api_cache *c, entry *e)
{
    if (e->newer) e->newer->older = e->older;
    else c->newest = e->older;
    if (e->older) e->older->newer = e->newer;
    else c->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void link_newest(dsms_api_cache *c, entry *e)
{
    e->older = c->newest;
    e->newer = NULL;
    if (c->newest) c->newest->newer = e;
    c->newest = e;
    if (!c->oldest) c->oldest = e;
}

static void drop(dsms_api_cache *c, entry *e)
{
    entry **p = &c->bucket[e->hash % BUCKETS];
    while (*p != e) p = &(*p)->next_in_bucket;
    *p = e->next_in_bucket;
    unlink_use(c, e);
    c->bytes -= cost(e);
    c->entries--;
    free(e->resp.body);
    free(e->key);
    free(e);
}

static void empty(dsms_api_cache *c)
{
    while (c->oldest) drop(c, c->oldest);
}

/* Whether answers made from computation may be served and kept: those of
 * an earlier computation go when a later one is first seen, and a request
 * that read an earlier one than the cache has seen (it began before the
 * computation landed) neither uses the cache nor fills it. Held with mu. */
static int at_computation(dsms_api_cache *c, int64_t computation)
{
    if (computation > c->computation) {
        empty(c);
        c->computation = computation;
    }
    return computation == c->computation;
}

static entry *find(dsms_api_cache *c, const char *key, uint32_t h)
{
    for (entry *e = c->bucket[h % BUCKETS]; e; e = e->next_in_bucket)
        if (e->hash == h && strcmp(e->key, key) == 0) return e;
    return NULL;
}

/* A copy of a kept answer into resp: 1, 0 when none is kept, -1 when out of
 * memory (resp untouched). */
int api_cache_get(dsms_api_cache *c, int64_t computation, const char *key,
                  dsms_api_response *resp)
{
    if (!c) return 0;
    uint32_t h = hash_key(key);
    pthread_mutex_lock(&c->mu);
    entry *e = at_computation(c, computation) ? find(c, key, h) : NULL;
    char *body = e ? malloc(e->resp.len + 1) : NULL;
    if (body) {
        memcpy(body, e->resp.body, e->resp.len + 1);
        *resp = e->resp;
        resp->body = body;
        unlink_use(c, e);
        link_newest(c, e);
        c->hits++;
    } else if (!e) {
        c->misses++;
    }
    pthread_mutex_unlock(&c->mu);
    return body ? 1 : e ? -1 : 0;
}

/* Keep a copy of resp (a 200 answer, its body NUL-terminated) as the answer
 * to key, made from computation. Nothing is kept when out of memory, when
 * the answer alone is over the bound, or when a newer computation has been
 * seen since it was made. */
void api_cache_put(dsms_api_cache *c, int64_t computation, const char *key,
                   const dsms_api_response *resp)
{
    if (!c || resp->status != 200 || !resp->body) return;
    entry *e = calloc(1, sizeof *e);
    if (!e || !(e->key = strdup(key)) || !(e->resp.body = malloc(resp->len + 1))) {
        if (e) free(e->key);
        free(e);
        return;
    }
    e->hash = hash_key(key);
    char *body = e->resp.body;
    e->resp = *resp;
    e->resp.body = body;
    memcpy(body, resp->body, resp->len);
    body[resp->len] = 0;
    pthread_mutex_lock(&c->mu);
    int keep = computation == c->computation && cost(e) <= c->max_bytes &&
               !find(c, key, e->hash);
    while (keep && c->oldest && c->bytes + cost(e) > c->max_bytes) drop(c, c->oldest);
    if (keep) {
        e->next_in_bucket = c->bucket[e->hash % BUCKETS];
        c->bucket[e->hash % BUCKETS] = e;
        link_newest(c, e);
        c->bytes += cost(e);
        c->entries++;
    }
    pthread_mutex_unlock(&c->mu);
    if (!keep) {
        free(e->resp.body);
        free(e->key);
        free(e);
    }
}

void dsms_api_cache_stats(dsms_api_cache *c, dsms_api_cache_figures *f)
{
    pthread_mutex_lock(&c->mu);
    *f = (dsms_api_cache_figures){c->entries, c->bytes, c->hits, c->misses};
    pthread_mutex_unlock(&c->mu);
}

void dsms_api_cache_free(dsms_api_cache *c)
{
    if (!c) return;
    empty(c);
    pthread_mutex_destroy(&c->mu);
    free(c);
}
