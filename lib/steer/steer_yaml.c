/* steer_yaml.c — the checks steer/'s YAML readers share (steer_yaml.h): a
 * fault is said once, with the file, the line and the field, and nothing of
 * a file with a fault is kept by its reader. */
#include "steer_yaml.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/text.h"

int yaml_line_of(struct fy_node *n)
{
    while (n && fy_node_get_type(n) != FYNT_SCALAR) {
        void *it = NULL;
        if (fy_node_get_type(n) == FYNT_MAPPING) {
            struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
            n = p ? fy_node_pair_key(p) : NULL;
        } else {
            n = fy_node_sequence_iterate(n, &it);
        }
    }
    struct fy_token *t = n ? fy_node_get_scalar_token(n) : NULL;
    const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
    return m ? m->line + 1 : 0;
}

int yaml_fault(yaml_reading *r, struct fy_node *at, const char *field, const char *fmt, ...)
{
    char what[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    dsms_err_set(r->err, "%s:%d: %s: %s", r->path, yaml_line_of(at), field, what);
    return -1;
}

int yaml_only_fields(yaml_reading *r, struct fy_node *m, const char *what, const char *allowed)
{
    void *it = NULL;
    for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(m, &it));) {
        size_t n;
        const char *k = fy_node_get_scalar(fy_node_pair_key(p), &n);
        const char *a = allowed;
        int known = 0;
        while (k && !known && *a) {
            size_t len = strcspn(a, "|");
            known = len == n && strncmp(a, k, n) == 0;
            a += len + (a[len] == '|');
        }
        if (!known) {
            char list[200];
            size_t o = 0;
            for (const char *a2 = allowed; *a2 && o + 3 < sizeof list; a2++)
                o += (size_t)snprintf(list + o, sizeof list - o, *a2 == '|' ? ", " : "%c", *a2);
            return yaml_fault(r, fy_node_pair_key(p), what,
                              "unknown field '%.*s' (expected one of %s)",
                              k ? (int)(n > 60 ? 60 : n) : 1, k ? k : "?", list);
        }
    }
    return 0;
}

struct fy_node *yaml_get(struct fy_node *m, const char *name)
{
    return fy_node_mapping_lookup_by_string(m, name, FY_NT);
}

int yaml_text(yaml_reading *r, struct fy_node *m, const char *name, char *buf, size_t n,
              int required, const char *what)
{
    struct fy_node *v = yaml_get(m, name);
    buf[0] = 0;
    if (!v) return required ? yaml_fault(r, m, what, "no '%s' (it is required)", name) : 0;
    size_t len;
    const char *s = fy_node_get_type(v) == FYNT_SCALAR ? fy_node_get_scalar(v, &len) : NULL;
    if (!s) return yaml_fault(r, v, name, "expected text, not a list or a mapping");
    if (len >= n) return yaml_fault(r, v, name, "longer than %zu characters", n - 1);
    if (required && !len) return yaml_fault(r, v, name, "empty (it is required)");
    memcpy(buf, s, len);
    buf[len] = 0;
    return 0;
}

int yaml_is_id(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_'))
            return 0;
    return 1;
}

int yaml_id(yaml_reading *r, struct fy_node *m, const char *name, char *buf, size_t n,
            const char *what)
{
    if (yaml_text(r, m, name, buf, n, 1, what)) return -1;
    if (yaml_is_id(buf)) return 0;
    return yaml_fault(r, yaml_get(m, name), name,
                      "'%s' is not an identifier (letters, digits, '-' and '_')", buf);
}

int yaml_number(yaml_reading *r, struct fy_node *v, const char *field, double *out)
{
    size_t n;
    const char *s = fy_node_get_type(v) == FYNT_SCALAR ? fy_node_get_scalar(v, &n) : NULL;
    char buf[64];
    if (s && n < sizeof buf) {
        memcpy(buf, s, n);
        buf[n] = 0;
        char *end;
        *out = strtod(buf, &end);
        if (n && !*end && isfinite(*out)) return 0;
    }
    return yaml_fault(r, v, field, "expected a number");
}

struct fy_node *yaml_key(struct fy_node *m, const char *name)
{
    void *it = NULL;
    for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(m, &it));) {
        size_t n;
        const char *k = fy_node_get_scalar(fy_node_pair_key(p), &n);
        if (k && n == strlen(name) && strncmp(k, name, n) == 0) return fy_node_pair_key(p);
    }
    return NULL;
}

int yaml_list(yaml_reading *r, struct fy_node *m, const char *name, const char *what,
              struct fy_node **out)
{
    *out = yaml_get(m, name);
    if (!*out) return yaml_fault(r, m, what, "no '%s' (it is required)", name);
    if (fy_node_get_type(*out) != FYNT_SEQUENCE || !fy_node_sequence_item_count(*out))
        return yaml_fault(r, yaml_key(m, name), name, "expected a list of one or more");
    return 0;
}

/* The line (from 1) of byte at in text. */
static int line_at(const char *text, size_t at)
{
    int line = 1;
    for (size_t i = 0; i < at; i++) line += text[i] == '\n';
    return line;
}

int yaml_open(yaml_reading *r, const char *text, size_t len, yaml_doc *d)
{
    *d = (yaml_doc){NULL, NULL};
    size_t bad = dsms_utf8_check(text, len);
    if (bad < len) {
        dsms_err_set(r->err, "%s:%d: not text: byte %zu is not UTF-8 (expected a YAML text file)",
                     r->path, line_at(text, bad), bad + 1);
        return -1;
    }
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = NULL;
    d->diag = fy_diag_create(&dc);
    if (d->diag) fy_diag_set_collect_errors(d->diag, true);
    struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG, .diag = d->diag};
    d->doc = d->diag ? fy_document_build_from_string(&cfg, text, len) : NULL;
    if (d->doc) return 0;
    /* libfyaml's first error, as path:line: message. */
    void *it = NULL;
    struct fy_diag_error *e = d->diag ? fy_diag_errors_iterate(d->diag, &it) : NULL;
    if (e) dsms_err_set(r->err, "%s:%d: not YAML: %s", r->path, e->line + 1, e->msg);
    else dsms_err_set(r->err, "%s: cannot read it as YAML", r->path);
    return -1;
}

void yaml_close(yaml_doc *d)
{
    fy_document_destroy(d->doc);
    fy_diag_destroy(d->diag);
    *d = (yaml_doc){NULL, NULL};
}

int yaml_slurp(const char *path, size_t max_bytes, const char *what, char **text, size_t *len,
               dsms_err *err)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        dsms_err_set(err, "%s: cannot open it: %s", path, strerror(errno));
        return -1;
    }
    char *buf = malloc(max_bytes + 1);
    size_t n = buf ? fread(buf, 1, max_bytes + 1, f) : 0;
    int failed = !buf || ferror(f);
    fclose(f);
    if (failed) {
        dsms_err_set(err, "%s: cannot read it: %s", path, buf ? strerror(errno) : "out of memory");
    } else if (n > max_bytes) {
        dsms_err_set(err, "%s: over %zu MiB: not %s", path, max_bytes >> 20, what);
    } else {
        buf[n] = 0;
        *text = buf;
        *len = n;
        return 0;
    }
    free(buf);
    return -1;
}
