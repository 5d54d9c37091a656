/* substances_store.c — the substance register kept in a store: written from
 * data/substances.csv when the reference data is loaded (the file's
 * substances replace those of the same code; those added since with dsms
 * substance add stay), and read back through the same checks as the file. */
#include <string.h>

#include "dsms/substances_store.h"

/* A legal status list or first_uk as the register writes them. */
static void legal_text(const dsms_substance *s, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = 0;
    for (size_t i = 0; i < s->nlegal && o < n; i++) {
        char from[11], to[11];
        dsms_date_format(s->legal[i].from, from);
        if (s->legal[i].to != DSMS_DAY_OPEN) dsms_date_format(s->legal[i].to, to);
        o += (size_t)snprintf(buf + o, n - o, "%s%s:%s%s%s", i ? ";" : "",
                              dsms_legal_code(s->legal[i].status), from,
                              s->legal[i].to != DSMS_DAY_OPEN ? ":" : "",
                              s->legal[i].to != DSMS_DAY_OPEN ? to : "");
    }
}

static void synonyms_text(const dsms_substance *s, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = 0;
    for (size_t i = 0; i < s->nsynonyms && o < n; i++)
        o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? ";" : "", s->synonyms[i]);
}

int dsms_substance_store(const dsms_substance *s, dsms_store *st, const char *by, dsms_err *err)
{
    char synonyms[2048], legal[1024], first[11] = "";
    synonyms_text(s, synonyms, sizeof synonyms);
    legal_text(s, legal, sizeof legal);
    if (s->first_uk != DSMS_DAY_NONE) dsms_date_format(s->first_uk, first);
    dsms_stored_substance row = {s->code,  s->name, dsms_families[s->family].code, synonyms,
                                 legal,    first,   by ? NULL : "",                 by ? by : ""};
    return dsms_store_substance_put(st, &row, err);
}

int dsms_substances_store(const dsms_substances *reg, dsms_store *st, dsms_err *err)
{
    for (size_t i = 0; i < reg->n; i++)
        if (dsms_substance_store(&reg->items[i], st, NULL, err)) return -1;
    return 0;
}

typedef struct {
    dsms_substances *reg;
    dsms_err *err;
} fetch;

static int fetch_row(void *ctx, const dsms_stored_substance *s)
{
    fetch *f = ctx;
    const char *v[DSMS_SUBSTANCE_COLUMNS] = {s->code,     s->name,         s->family,
                                             s->synonyms, s->legal_status, s->first_uk};
    char where[96];
    snprintf(where, sizeof where, "store: substance %.48s", s->code);
    return dsms_substances_add(f->reg, v, where, f->err) ? 1 : 0;
}

int dsms_substances_fetch(dsms_substances *reg, dsms_store *st, dsms_err *err)
{
    memset(reg, 0, sizeof *reg);
    dsms_err bad = {""};
    fetch f = {reg, &bad};
    int rc = dsms_store_each_substance(st, NULL, fetch_row, &f, err);
    if (rc == 0 && bad.msg[0]) {
        *err = bad;
        rc = -1;
    }
    if (rc) dsms_substances_free(reg);
    return rc;
}
