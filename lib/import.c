/* import.c — one submission from CSV files to the store (import.h).
 *
 * For each file: match the header to a table, then stream the rows: parse
 * and validate, pseudonymise the attributor, and either store the record or
 * quarantine the row with its diagnostics. All files share one transaction;
 * each file has a savepoint so that a file identical to an earlier
 * submission can be undone on its own. */
#include "import.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "validate.h"

#define MAX_ROW_DIAGS 32
#define AREA_LEN 9

/* ---- reference areas, as a sorted array for binary search ---- */

typedef struct {
    char (*code)[AREA_LEN + 1];
    size_t n, cap;
} area_set;

static int area_add(void *ctx, const char *code)
{
    area_set *a = ctx;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 256;
        void *p = realloc(a->code, cap * sizeof *a->code);
        if (!p) return 1;
        a->code = p;
        a->cap = cap;
    }
    snprintf(a->code[a->n++], AREA_LEN + 1, "%s", code);
    return 0;
}

static int area_known(void *ctx, const char *s, size_t len)
{
    const area_set *a = ctx;
    if (len != AREA_LEN) return 0;
    size_t lo = 0, hi = a->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = memcmp(a->code[mid], s, AREA_LEN);
        if (c == 0) return 1;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return 0;
}

/* ---- the per-file state ---- */

typedef struct {
    dsms_diag d[MAX_ROW_DIAGS];
    int n;
} row_diags;

typedef struct {
    dsms_store *st;
    const dsms_key *key;
    const dsms_import_opts *o;
    dsms_rowcheck ck;
    dsms_import_result *res;
    row_diags rd;
    int col_of[DSMS_MAX_COLUMNS]; /* table field -> CSV column, -1 if absent */
    size_t ncols;                 /* columns in the header */
    char **header;                /* their names */
    crypto_hash_sha256_state sha;
    dsms_column cols[DSMS_MAX_COLUMNS];
    size_t ncells;
} file_job;

/* Every diagnostic goes to the caller and is kept for the row's quarantine record. */
static void collect(void *ctx, const dsms_diag *d)
{
    file_job *j = ctx;
    if (j->rd.n < MAX_ROW_DIAGS) j->rd.d[j->rd.n++] = *d;
    if (j->o->emit) j->o->emit(j->o->emit_ctx, d);
}

static void tap_sha(void *ctx, const unsigned char *buf, size_t n)
{
    crypto_hash_sha256_update(&((file_job *)ctx)->sha, buf, n);
}

static int open_csv(const char *path, dsms_csv **c, file_job *j, dsms_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        dsms_err_set(err, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    *c = dsms_csv_open_fd(fd, j ? tap_sha : NULL, j);
    if (!*c) {
        close(fd);
        dsms_err_set(err, "%s: out of memory", path);
        return -1;
    }
    return fd;
}

/* Read the header: which table, and which column holds each field. */
static char **copy_names(const dsms_csv_row *row)
{
    char **names = calloc(row->nfields + 1, sizeof *names);
    for (size_t i = 0; names && i < row->nfields; i++)
        if (!(names[i] = strdup(row->field[i]))) return names;
    return names;
}

static void free_names(char **names)
{
    for (size_t i = 0; names && names[i]; i++) free(names[i]);
    free(names);
}

static int read_header(const char *path, dsms_csv *c, const char *forced, const dsms_table **tp,
                       int *col_of, size_t *ncols, char ***names, dsms_err *err)
{
    dsms_csv_row row;
    int r = dsms_csv_next(c, &row);
    if (r != 1) {
        dsms_err_set(err, r == 0 ? "%s: empty file (expected a header row)" : "%s: read error",
                     path);
        return -1;
    }
    if (row.status != DSMS_CSV_OK) {
        dsms_err_set(err, "%s:%ld: header: %s", path, row.line, dsms_csv_status_text(row.status));
        return -1;
    }
    for (size_t i = 0; i < row.nfields; i++)
        for (size_t k = 0; k < i; k++)
            if (strcmp(row.field[i], row.field[k]) == 0) {
                dsms_err_set(err, "%s:1: %s: column named twice in the header", path,
                             row.field[i]);
                return -1;
            }
    const dsms_table *t = forced ? dsms_table_find(forced)
                                 : dsms_table_for_header(row.field, row.nfields);
    if (!t) {
        if (forced) dsms_err_set(err, "%s: no table named '%s' (see dsms dataset)", path, forced);
        else
            dsms_err_set(err, "%s:1: header: matches no table of the data set (expected the "
                              "key columns of one table, e.g. provider_code,episode_ref for "
                              "episodes; see dsms dataset)", path);
        return -1;
    }
    *tp = t;
    *ncols = row.nfields;
    if (names && !(*names = copy_names(&row))) {
        dsms_err_set(err, "out of memory");
        return -1;
    }
    size_t missing = 0;
    char list[400] = "";
    for (size_t f = 0; f < t->nfields; f++) {
        col_of[f] = -1;
        for (size_t i = 0; i < row.nfields; i++)
            if (strcmp(row.field[i], t->fields[f].name) == 0) col_of[f] = (int)i;
        if (col_of[f] < 0 && (t->fields[f].flags & (DSMS_F_REQUIRED | DSMS_F_KEY))) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof list - used, "%s%s", missing ? ", " : "",
                     t->fields[f].name);
            missing++;
        }
    }
    if (missing) {
        dsms_err_set(err, "%s:1: header: required column%s missing: %s (expected every "
                          "required column of %s; see dsms dataset %s)",
                     path, missing > 1 ? "s" : "", list, t->name, t->name);
        return -1;
    }
    return 0;
}

/* ---- building the stored record ---- */

typedef struct {
    dsms_cell cells[DSMS_MAX_COLUMNS];
    char person[DSMS_PSEUDONYM_HEX + 1];
    char codes[1024]; /* canonical text of a multi-code field */
} record;

static void canonical_codes(const dsms_field *f, const dsms_value *v, char *out, size_t cap)
{
    size_t o = 0;
    const char *s = v->s;
    size_t len = v->len;
    out[0] = 0;
    while (len) {
        const char *semi = memchr(s, ';', len);
        size_t n = semi ? (size_t)(semi - s) : len;
        const char *item = s;
        size_t ilen = n;
        while (ilen && (*item == ' ' || *item == '\t')) item++, ilen--;
        while (ilen && (item[ilen - 1] == ' ' || item[ilen - 1] == '\t')) ilen--;
        const dsms_code *c = dsms_code_find(f->codes, item, ilen);
        if (c && o < cap) o += (size_t)snprintf(out + o, cap - o, "%s%s", o ? ";" : "", c->code);
        if (!semi) break;
        s = semi + 1;
        len -= n + 1;
    }
}

/* The attributor, when the row carries a whole valid one; NULL otherwise. */
static const char *pseudonymise(const dsms_table *t, const dsms_key *key, const dsms_value *v,
                                char *out)
{
    int ii = -1, di = -1, si = -1;
    for (size_t i = 0; i < t->nfields; i++) {
        unsigned fl = t->fields[i].flags;
        if (fl & DSMS_F_INITIALS) ii = (int)i;
        if (fl & DSMS_F_DOB) di = (int)i;
        if (fl & DSMS_F_SEX) si = (int)i;
    }
    if (ii < 0 || !v[ii].present || !v[di].present || !v[si].present) return NULL;
    dsms_pseudonym(key, v[ii].s, v[di].s, v[si].code->code[0], out);
    return out;
}

static void build_record(file_job *j, const dsms_value *v, record *rec)
{
    const dsms_table *t = j->ck.table;
    int dob = -1, on = t->age_date ? dsms_field_index(t, t->age_date) : -1;
    for (size_t i = 0; i < t->nfields; i++)
        if (t->fields[i].flags & DSMS_F_DOB) dob = (int)i;
    for (size_t c = 0; c < j->ncells; c++) {
        dsms_cell *cell = &rec->cells[c];
        *cell = (dsms_cell){NULL, 0, 0, 1};
        int f = j->cols[c].field;
        if (f == DSMS_COL_PERSON) {
            const char *p = pseudonymise(t, j->key, v, rec->person);
            if (p) *cell = (dsms_cell){p, DSMS_PSEUDONYM_HEX, 0, 0};
        } else if (f == DSMS_COL_AGE) {
            if (dob >= 0 && on >= 0 && v[dob].present && v[on].present)
                *cell = (dsms_cell){NULL, 0, dsms_age_years(v[dob].i, v[on].i), 0};
        } else if (v[f].present) {
            const dsms_field *fd = &t->fields[f];
            if (fd->type == DSMS_TYPE_INT) *cell = (dsms_cell){NULL, 0, v[f].i, 0};
            else if (fd->type == DSMS_TYPE_CODE)
                *cell = (dsms_cell){v[f].code->code, strlen(v[f].code->code), 0, 0};
            else if (fd->type == DSMS_TYPE_CODES) {
                canonical_codes(fd, &v[f], rec->codes, sizeof rec->codes);
                *cell = (dsms_cell){rec->codes, strlen(rec->codes), 0, 0};
            } else *cell = (dsms_cell){v[f].s, v[f].len, 0, 0};
        }
    }
}

/* ---- quarantine ---- */

/* The row's fields as JSON, without the attributor; "{}" when the row could
 * not be split into trustworthy fields. */
static char *record_json(const file_job *j, const dsms_csv_row *row, int fields_ok)
{
    json_t *o = json_object();
    const dsms_table *t = j->ck.table;
    for (size_t f = 0; fields_ok && f < t->nfields; f++) {
        if ((t->fields[f].flags & DSMS_F_ATTRIBUTOR) || j->col_of[f] < 0) continue;
        int c = j->col_of[f];
        json_object_set_new(o, t->fields[f].name,
                            json_stringn(row->field[c], row->len[c]));
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}

static char *diags_json(const row_diags *rd)
{
    json_t *a = json_array();
    for (int i = 0; i < rd->n; i++) {
        const dsms_diag *d = &rd->d[i];
        json_array_append_new(
            a, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", (json_int_t)d->line, "field", d->field,
                         "rule", d->rule, "severity",
                         d->severity == DSMS_ERROR ? "error" : "warning", "message", d->message,
                         "expected", d->expected));
    }
    char *s = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return s;
}

static int quarantine_row(file_job *j, const dsms_csv_row *row, int fields_ok, dsms_err *err)
{
    char *rec = record_json(j, row, fields_ok), *diags = diags_json(&j->rd);
    int rc = rec && diags
                 ? dsms_store_quarantine(j->st, j->res->submission, j->ck.table->name, row->line,
                                         rec, diags, err)
                 : (dsms_err_set(err, "out of memory"), -1);
    free(rec);
    free(diags);
    j->res->quarantined++;
    return rc;
}

/* ---- one row ---- */

static int episode_known(file_job *j, long line, const dsms_value *v, dsms_tally *tally,
                         dsms_err *err)
{
    const dsms_table *t = j->ck.table;
    int p = dsms_field_index(t, "provider_code"), e = dsms_field_index(t, "episode_ref");
    int known = dsms_store_episode_exists(j->st, v[p].s, v[p].len, v[e].s, v[e].len, err);
    if (known < 0) return -1;
    if (!known)
        dsms_report(&j->ck, tally, line, "episode_ref", "episode_known", DSMS_ERROR,
                    "an episode of this provider in this submission or already in the store",
                    "'%.*s' is not a known episode of provider '%.*s'", (int)v[e].len, v[e].s,
                    (int)v[p].len, v[p].s);
    return 0;
}

static int has_episode_rule(const dsms_table *t)
{
    for (size_t i = 0; i < t->nrules; i++)
        if (t->rules[i].kind == DSMS_RULE_EPISODE_KNOWN) return 1;
    return 0;
}

static int store_row(file_job *j, long line, const dsms_value *v, dsms_tally *tally,
                     dsms_err *err)
{
    record rec;
    long first = 0;
    build_record(j, v, &rec);
    int rc = dsms_store_put(j->st, j->ck.table, j->res->submission, line, rec.cells, &first, err);
    if (rc == DSMS_PUT_DUPLICATE) {
        char expected[160];
        snprintf(expected, sizeof expected, "a key not already used at line %ld", first);
        dsms_report(&j->ck, tally, line, "", "unique_key", DSMS_ERROR, expected,
                    "duplicate key: the same record is at line %ld of this submission", first);
    }
    return rc == DSMS_PUT_ERROR ? -1 : 0;
}

static int take_row(file_job *j, const dsms_csv_row *row, dsms_err *err)
{
    const dsms_table *t = j->ck.table;
    dsms_tally tally = {0, 0};
    j->rd.n = 0;
    j->res->rows++;
    if (row->status != DSMS_CSV_OK) {
        const char *field = row->status == DSMS_CSV_BAD_UTF8 && row->bad_field < j->ncols
                                ? j->header[row->bad_field] : "";
        dsms_report(&j->ck, &tally, row->line, field, "csv", DSMS_ERROR,
                    "RFC 4180 CSV in UTF-8", "%s", dsms_csv_status_text(row->status));
        return quarantine_row(j, row, 0, err);
    }
    if (row->nfields != j->ncols) {
        char expected[64];
        snprintf(expected, sizeof expected, "%zu fields, as in the header", j->ncols);
        dsms_report(&j->ck, &tally, row->line, "", "csv", DSMS_ERROR, expected,
                    "row has %zu fields", row->nfields);
        return quarantine_row(j, row, 0, err);
    }
    const char *raw[DSMS_MAX_COLUMNS];
    size_t len[DSMS_MAX_COLUMNS];
    dsms_value v[DSMS_MAX_COLUMNS];
    for (size_t f = 0; f < t->nfields; f++) {
        int c = j->col_of[f];
        raw[f] = c >= 0 ? row->field[c] : NULL;
        len[f] = c >= 0 ? row->len[c] : 0;
    }
    dsms_validate_row(&j->ck, row->line, raw, len, v, &tally);
    if (!tally.errors && has_episode_rule(t) && episode_known(j, row->line, v, &tally, err))
        return -1;
    if (!tally.errors && store_row(j, row->line, v, &tally, err)) return -1;
    j->res->warnings += tally.warnings;
    if (tally.errors) return quarantine_row(j, row, 1, err);
    j->res->accepted++;
    return 0;
}

/* ---- one file ---- */

static void sha_hex(file_job *j)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&j->sha, h);
    sodium_bin2hex(j->res->sha256, sizeof j->res->sha256, h, sizeof h);
}

static int finish_file(file_job *j, dsms_err *err)
{
    dsms_import_result *r = j->res;
    dsms_submission sub = {r->submission, j->o->source ? j->o->source : "", r->table, r->file, r->sha256, NULL,
                           j->o->by, r->quarantined ? "partial" : "accepted",
                           r->rows, r->accepted, r->quarantined, r->warnings};
    r->same_as = dsms_store_same_submission(j->st, &sub, err);
    if (r->same_as < 0) return -1;
    if (r->same_as > 0) {
        /* Identical to what was taken before: undo this file's writes, and
         * record only that it arrived. */
        dsms_store_rollback_savepoint(j->st);
        if (dsms_store_add_submission(j->st, &sub, err)) return -1;
        r->submission = sub.id;
        sub.status = "unchanged";
        return dsms_store_finish_submission(j->st, &sub, err);
    }
    if (dsms_store_finish_submission(j->st, &sub, err)) return -1;
    return dsms_store_release(j->st, err);
}

static void report_unknown_columns(file_job *j)
{
    dsms_tally tally = {0, 0};
    for (size_t i = 0; i < j->ncols; i++) {
        if (dsms_field_index(j->ck.table, j->header[i]) >= 0) continue;
        char name[64];
        snprintf(name, sizeof name, "%.60s", j->header[i]);
        dsms_report(&j->ck, &tally, 1, name, "header", DSMS_WARNING,
                    "a column of the data set; this one is ignored", "unknown column");
    }
    j->res->warnings += tally.warnings;
}

static int import_file(file_job *j, dsms_err *err)
{
    dsms_csv *c = NULL;
    crypto_hash_sha256_init(&j->sha);
    int fd = open_csv(j->res->file, &c, j, err);
    if (fd < 0) return -1;
    int rc = -1;
    dsms_csv_row row;
    const dsms_table *t;
    j->header = NULL;
    if (read_header(j->res->file, c, j->o->table, &t, j->col_of, &j->ncols, &j->header, err))
        goto done;
    if (dsms_store_savepoint(j->st, err)) goto done;
    dsms_submission sub = {0, j->o->source ? j->o->source : "", t->name, j->res->file, "", NULL, j->o->by,
                           "importing", 0, 0, 0, 0};
    if (dsms_store_add_submission(j->st, &sub, err)) goto done;
    j->res->submission = sub.id;
    j->ncells = dsms_store_columns(t, j->cols);
    report_unknown_columns(j);
    int r;
    while ((r = dsms_csv_next(c, &row)) == 1)
        if (take_row(j, &row, err)) goto done;
    if (r < 0) {
        dsms_err_set(err, "%s: read error: %s", j->res->file, strerror(errno));
        goto done;
    }
    sha_hex(j);
    rc = finish_file(j, err);
done:
    free_names(j->header);
    j->header = NULL;
    dsms_csv_close(c);
    close(fd);
    return rc;
}

/* ---- the submission ---- */

typedef struct {
    const char *file;
    const dsms_table *table;
    size_t index;
} plan;

static int plan_order(const void *a, const void *b)
{
    const plan *x = a, *y = b;
    if (x->table->order != y->table->order) return x->table->order - y->table->order;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Recognise every file's table before anything is written, so a file that
 * cannot be read refuses the submission at once, and episodes go first. */
static int make_plan(const char *const *files, size_t n, const dsms_import_opts *o, plan *p,
                     dsms_err *err)
{
    for (size_t i = 0; i < n; i++) {
        dsms_csv *c = NULL;
        int col_of[DSMS_MAX_COLUMNS];
        size_t ncols;
        int fd = open_csv(files[i], &c, NULL, err);
        if (fd < 0) return -1;
        int rc = read_header(files[i], c, o->table, &p[i].table, col_of, &ncols, NULL, err);
        dsms_csv_close(c);
        close(fd);
        if (rc) return -1;
        p[i].file = files[i];
        p[i].index = i;
    }
    qsort(p, n, sizeof *p, plan_order);
    return 0;
}

static int audit_import(dsms_store *st, const dsms_import_opts *o, const dsms_import_result *res,
                        size_t n, dsms_err *err)
{
    json_t *files = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            files, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "file", res[i].file, "table",
                             res[i].table, "submission", (json_int_t)res[i].submission, "rows",
                             (json_int_t)res[i].rows, "accepted", (json_int_t)res[i].accepted,
                             "quarantined", (json_int_t)res[i].quarantined, "same_as",
                             (json_int_t)res[i].same_as));
    json_t *detail = json_pack("{s:s, s:o}", "source", o->source, "files", files);
    char *s = json_dumps(detail, JSON_COMPACT);
    json_decref(detail);
    int rc = s ? dsms_store_audit(st, o->by, "import", s, err) : -1;
    free(s);
    return rc;
}

int dsms_import(dsms_store *st, const dsms_key *key, const char *const *files, size_t n,
                const dsms_import_opts *o, dsms_import_result *results, dsms_err *err)
{
    area_set areas = {NULL, 0, 0};
    plan *p = calloc(n ? n : 1, sizeof *p);
    file_job *j = calloc(1, sizeof *j);
    int rc = DSMS_REFUSED, in_tx = 0;
    if (!p || !j) {
        dsms_err_set(err, "out of memory");
        goto done;
    }
    if (dsms_store_each_area(st, area_add, &areas, err) || make_plan(files, n, o, p, err))
        goto done;
    if (dsms_store_begin(st, err)) goto done;
    in_tx = 1;
    for (size_t i = 0; i < n; i++) {
        dsms_import_result *r = &results[p[i].index];
        memset(r, 0, sizeof *r);
        r->file = p[i].file;
        r->table = p[i].table->name;
        memset(j, 0, sizeof *j);
        j->st = st;
        j->key = key;
        j->o = o;
        j->res = r;
        j->ck = (dsms_rowcheck){p[i].table, p[i].file, o->source, o->today, area_known, &areas,
                                collect, j};
        if (import_file(j, err)) goto done;
    }
    if (!o->dry_run && audit_import(st, o, results, n, err)) goto done;
    if (o->dry_run) dsms_store_rollback(st);
    else if (dsms_store_commit(st, err)) goto done;
    in_tx = 0;
    rc = DSMS_OK;
    for (size_t i = 0; i < n; i++)
        if (results[i].quarantined) rc = DSMS_PARTIAL;
done:
    if (in_tx) dsms_store_rollback(st);
    free(areas.code);
    free(p);
    free(j);
    return rc;
}
