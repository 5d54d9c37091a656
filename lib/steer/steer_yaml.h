/* steer_yaml.h — what the readers of steer/'s YAML files share (frameworks,
 * need formulas, tariffs): the file read whole and checked to be text, the
 * document built by libfyaml, and field by field checks that stop at the
 * first fault as "path:line: field: what was expected". Internal to libdsms. */
#ifndef DSMS_STEER_YAML_H
#define DSMS_STEER_YAML_H

#include <libfyaml.h>
#include <stddef.h>

#include "dsms/diag.h"

/* One file being read: its name in messages, and where the first fault goes. */
typedef struct {
    const char *path;
    dsms_err *err;
} yaml_reading;

/* The line (from 1) a node begins on: its own for a scalar, its first key's
 * or item's otherwise; 0 when not known. */
int yaml_line_of(struct fy_node *n);
/* Set the fault "path:line: field: what" (line of node at); returns -1. */
int yaml_fault(yaml_reading *r, struct fy_node *at, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Every key of mapping m is one of the '|'-separated names in allowed; else
 * a fault naming field what. 0 or -1. */
int yaml_only_fields(yaml_reading *r, struct fy_node *m, const char *what, const char *allowed);
/* Field name of mapping m as text in buf (n bytes), "" when absent; a fault
 * when required and absent or empty, or when it is not text or too long. */
int yaml_text(yaml_reading *r, struct fy_node *m, const char *name, char *buf, size_t n,
              int required, const char *what);
/* An identifier: letters, digits, '-' and '_'. 1 or 0. */
int yaml_is_id(const char *s);
/* yaml_text of a required identifier. */
int yaml_id(yaml_reading *r, struct fy_node *m, const char *name, char *buf, size_t n,
            const char *what);
/* A scalar node as a finite number (strtod's whole text): 0, or a fault. */
int yaml_number(yaml_reading *r, struct fy_node *v, const char *field, double *out);
/* The key node of field name in mapping m (its line is the field's, where an
 * empty value has none of its own), or NULL. */
struct fy_node *yaml_key(struct fy_node *m, const char *name);
/* The value of field name in mapping m, or NULL. */
struct fy_node *yaml_get(struct fy_node *m, const char *name);
/* Field name of mapping m as a list of one or more in *out: 0, or a fault. */
int yaml_list(yaml_reading *r, struct fy_node *m, const char *name, const char *what,
              struct fy_node **out);
/* A parsed document and libfyaml's diagnostics about it. */
typedef struct {
    struct fy_document *doc;
    struct fy_diag *diag;
} yaml_doc;
/* Parse text (len bytes, not necessarily NUL-terminated) into d: 0, or -1
 * with the fault set when it is not UTF-8 text (libfyaml is given only text:
 * it can loop on a stray byte in a directive) or not YAML. yaml_close frees
 * d either way. */
int yaml_open(yaml_reading *r, const char *text, size_t len, yaml_doc *d);
void yaml_close(yaml_doc *d);
/* The whole of file path (at most max_bytes, said as what in the refusal)
 * in *text (malloc'd, NUL-terminated; the caller frees it) and *len: 0, or
 * -1 with err set. */
int yaml_slurp(const char *path, size_t max_bytes, const char *what, char **text, size_t *len,
               dsms_err *err);

#endif
