/* dataset.c — look-ups over the data set definition in dataset_tables.c:
 * tables by name or by CSV header, fields by name, codes by spelling. */
#include "dsms/dataset.h"

#include <string.h>
#include <strings.h>

const dsms_table *dsms_table_find(const char *name)
{
    size_t n;
    const dsms_table *t = dsms_tables(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, name) == 0) return &t[i];
    return NULL;
}

int dsms_field_index(const dsms_table *t, const char *name)
{
    for (size_t i = 0; i < t->nfields; i++)
        if (strcmp(t->fields[i].name, name) == 0) return (int)i;
    return -1;
}

const dsms_code *dsms_code_find(const dsms_codelist *cl, const char *s, size_t len)
{
    if (!len) return NULL;
    for (size_t i = 0; i < cl->ncodes; i++) {
        const char *c = cl->codes[i].code;
        /* Reject on the first letter before comparing the rest. */
        if ((c[0] | 0x20) != (s[0] | 0x20)) continue;
        /* strncasecmp stops at a NUL in either; the length check rejects "Y\0". */
        if (strncasecmp(c, s, len) == 0 && strlen(c) == len) return &cl->codes[i];
    }
    return NULL;
}

int dsms_code_in(const char *code, const char *list)
{
    size_t len = strlen(code);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && memcmp(p, code, n) == 0) return 1;
        if (!end) break;
        p = end + 1;
    }
    return 0;
}

static int header_has(const char *const *names, size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && strcmp(names[i], want) == 0) return 1;
    return 0;
}

const dsms_table *dsms_table_for_header(const char *const *names, size_t n)
{
    size_t ntables, best_score = 0;
    const dsms_table *tables = dsms_tables(&ntables), *best = NULL;
    for (size_t i = 0; i < ntables; i++) {
        const dsms_table *t = &tables[i];
        size_t score = 0;
        int keys_ok = 1;
        for (size_t f = 0; f < t->nfields; f++) {
            int has = header_has(names, n, t->fields[f].name);
            if ((t->fields[f].flags & DSMS_F_KEY) && !has) keys_ok = 0;
            score += (size_t)has;
        }
        if (keys_ok && score > best_score) {
            best = t;
            best_score = score;
        }
    }
    return best;
}

const char *dsms_type_name(dsms_type t)
{
    switch (t) {
    case DSMS_TYPE_TEXT: return "text";
    case DSMS_TYPE_CODE: return "code";
    case DSMS_TYPE_CODES: return "codes";
    case DSMS_TYPE_DATE: return "date";
    case DSMS_TYPE_INT: return "integer";
    }
    return "?";
}
