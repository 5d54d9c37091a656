/* import.c — one submission from CSV files to the store (import.h).
 *
 * Each file is taken by two threads, so both cores work: a reader parses,
 * validates and pseudonymises rows into batches of ready-to-store records;
 * the calling thread writes them (store writes stay on the thread that owns
 * the store), applies the rules that need the store (known episodes, keys
 * unique within the submission) and quarantines rejected rows. Diagnostics
 * reach the caller on the calling thread, in row order. All files share one
 * transaction; each has a savepoint so that a file identical to an earlier
 * submission can be undone on its own. */
#include "dsms/import.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checksum.h"
#include "dsms/csv.h"
#include "dsms/grow.h"
#include "header.h"
#include "validate.h"

#define BATCH_ROWS 1024
#define BATCH_DIAGS 512
#define ROW_DIAGS_MAX 64 /* a row reports at most one per field and rule */
#define NBATCH 3
/* The reader thread's stack: ample for what it holds (its deepest frames
 * are the CSV reader's and the row checks', a few KiB), and one thread is
 * started per file, so a small stack is cheap to make and give back where
 * the default (8 MiB) is not. */
#define READER_STACK (512 * 1024)

/* ---- reference codes (areas, organisations), sorted for binary search ---- */

#define CODE_LEN 40 /* the longest code: areas have 9, organisations 16, substances 40 */

typedef struct {
    char (*code)[CODE_LEN + 1]; /* zero-padded, so whole entries compare as strings */
    size_t n, cap;
} code_set;

static int code_add(void *ctx, const char *code)
{
    code_set *a = ctx;
    if (strlen(code) > CODE_LEN) return 0; /* no row can hold it: never matched */
    if (a->n == a->cap) {
        void *p = dsms_grow(a->code, &a->cap, a->n + 1, sizeof *a->code, 256);
        if (!p) return -1; /* out of memory: the store says so (diag.h) */
        a->code = p;
    }
    memset(a->code[a->n], 0, sizeof *a->code);
    memcpy(a->code[a->n++], code, strlen(code));
    return 0;
}

static int code_cmp(const void *x, const void *y) { return memcmp(x, y, CODE_LEN + 1); }

static int code_known(void *ctx, const char *s, size_t len)
{
    const code_set *a = ctx;
    char key[CODE_LEN + 1] = {0};
    if (len < 1 || len > CODE_LEN || memchr(s, 0, len)) return 0;
    memcpy(key, s, len);
    return a->n && bsearch(key, a->code, a->n, sizeof *a->code, code_cmp) != NULL;
}

/* The organisations of a reference table, as rows of its "code" column. */
typedef struct {
    code_set *set;
    int at; /* the code column */
} org_load;

static int org_row(void *ctx, const dsms_ref_row *row)
{
    org_load *l = ctx;
    if (!row->value) {
        l->at = -1;
        for (size_t i = 0; i < row->n; i++)
            if (strcmp(row->name[i], "code") == 0) l->at = (int)i;
        return l->at < 0;
    }
    return code_add(l->set, row->value[l->at]);
}

static int substance_add(void *ctx, const dsms_stored_substance *s)
{
    return code_add(ctx, s->code);
}

/* The reference lists an import checks against: the areas, and the
 * organisations (or prisons, or substances) of each kind its files need,
 * loaded once each. */
typedef struct {
    code_set areas;
    const char *org_table[12];
    code_set orgs[12];
    size_t norgs;
} ref_codes;

static code_set *codes_of(ref_codes *r, dsms_store *st, const char *table, dsms_err *err)
{
    for (size_t i = 0; i < r->norgs; i++)
        if (strcmp(r->org_table[i], table) == 0) return &r->orgs[i];
    if (r->norgs == sizeof r->orgs / sizeof r->orgs[0]) {
        dsms_err_set(err, "too many kinds of organisation");
        return NULL;
    }
    code_set *set = &r->orgs[r->norgs];
    r->org_table[r->norgs++] = table;
    org_load l = {set, -1};
    if (strcmp(table, "substances") == 0) {
        if (dsms_store_each_substance(st, NULL, substance_add, set, err)) return NULL;
    } else if (dsms_store_ref_each(st, table, org_row, &l, err)) {
        return NULL;
    } else if (l.at < 0) {
        dsms_err_set(err, "store: %s: no code column", table);
        return NULL;
    }
    if (set->n) qsort(set->code, set->n, sizeof *set->code, code_cmp);
    return set;
}

/* The lists a table's REF_KNOWN rules name, loaded before its rows are read. */
static int load_rule_lists(ref_codes *r, dsms_store *st, const dsms_table *t, dsms_err *err)
{
    for (size_t i = 0; i < t->nrules; i++)
        if (t->rules[i].kind == DSMS_RULE_REF_KNOWN && !codes_of(r, st, t->rules[i].values, err))
            return -1;
    return 0;
}

static int ref_known(void *ctx, const char *list, const char *s, size_t len)
{
    ref_codes *r = ctx;
    for (size_t i = 0; i < r->norgs; i++)
        if (strcmp(r->org_table[i], list) == 0) return code_known(&r->orgs[i], s, len);
    return 0;
}

static void ref_codes_free(ref_codes *r)
{
    free(r->areas.code);
    for (size_t i = 0; i < r->norgs; i++) free(r->orgs[i].code);
}

/* ---- batches: rows staged by the reader for the writer ---- */

typedef struct {
    long line;
    int rejected;     /* the reader rejected it: quarantine with json */
    int warnings;
    int first_diag, ndiags;
    size_t first_cell;
    char *json;       /* rejected rows: the fields, without the attributor */
} staged;

typedef struct batch {
    staged rows[BATCH_ROWS];
    size_t nrows;
    dsms_cell *cells;
    char *arena;
    size_t used, arena_cap;
    dsms_diag diags[BATCH_DIAGS];
    int ndiags;
    int end;          /* the file's last batch */
    int failed;       /* the reader could not read the file: errno */
    struct batch *next;
} batch;

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    batch *free, *full, *full_tail;
    int cancel;
} queue;

static batch *queue_take(queue *q, batch **list)
{
    pthread_mutex_lock(&q->mu);
    while (!*list && !q->cancel) pthread_cond_wait(&q->cv, &q->mu);
    batch *b = *list;
    if (b) {
        *list = b->next;
        if (list == &q->full && !q->full) q->full_tail = NULL;
    }
    pthread_mutex_unlock(&q->mu);
    return b;
}

static void queue_give_full(queue *q, batch *b)
{
    pthread_mutex_lock(&q->mu);
    b->next = NULL;
    if (q->full_tail) q->full_tail->next = b;
    else q->full = b;
    q->full_tail = b;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

static void queue_give_free(queue *q, batch *b)
{
    pthread_mutex_lock(&q->mu);
    b->next = q->free;
    q->free = b;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

static void queue_cancel(queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->cancel = 1;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

static void batch_reset(batch *b)
{
    for (size_t i = 0; i < b->nrows; i++) free(b->rows[i].json);
    b->nrows = 0;
    b->used = 0;
    b->ndiags = 0;
    b->end = b->failed = 0;
}

/* ---- the per-file job ---- */

typedef struct {
    dsms_store *st;
    const dsms_key *key;
    const dsms_import_opts *o;
    dsms_rowcheck ck;
    dsms_import_result *res;
    dsms_csv *csv;
    dsms_header hdr;              /* the file's table and where its fields are */
    dsms_column cols[DSMS_MAX_COLUMNS];
    size_t ncells;
    int initials, dob, sex, age_on; /* attributor fields and the age's date, or -1 */
    int episode_rule;
    const char *last_key; /* the key field that names a duplicate */
    int64_t since;        /* the first submission of this import */
    const dsms_import_result *all; /* every file of this import */
    size_t nall;
    dsms_checksum sha;
    queue q;
    batch *batches[NBATCH];
    batch *cur; /* reader: the batch being filled */
} file_job;

/* Reader side: every diagnostic is staged with its row. */
static void stage_diag(void *ctx, const dsms_diag *d)
{
    file_job *j = ctx;
    batch *b = j->cur;
    if (b->ndiags < BATCH_DIAGS) b->diags[b->ndiags++] = *d;
}

static void tap_sha(void *ctx, const unsigned char *buf, size_t n)
{
    dsms_checksum_add(&((file_job *)ctx)->sha, buf, n);
}

/* ---- opening a file ---- */

/* "-" is standard input, read from its start each time it is opened: it
 * must be a file (the command copies a pipe into one first). So is the
 * caller's descriptor from (when > 0), whatever path names it. */
static int open_csv(const char *path, int from, dsms_csv **c, file_job *j, dsms_err *err)
{
    int in = from > 0 || strcmp(path, "-") == 0;
    int fd = in ? fcntl(from > 0 ? from : STDIN_FILENO, F_DUPFD_CLOEXEC, 3)
                : open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && in && lseek(fd, 0, SEEK_SET) != 0) {
        dsms_err_set(err, "%s: %s cannot be read from its start (expected a file)", path,
                     from > 0 ? "the upload" : "standard input");
        close(fd);
        return -1;
    }
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

/* ---- reader: rows to staged records ---- */

static void *arena_copy(batch *b, const void *p, size_t n)
{
    char *dst = b->arena + b->used;
    memcpy(dst, p, n);
    b->used += n;
    return dst;
}

/* The pseudonym, when the row carries a whole attributor; 0 otherwise. */
static int pseudonymise(const file_job *j, const dsms_value *v, unsigned char *out)
{
    if (j->initials < 0 || !v[j->initials].present || !v[j->dob].present || !v[j->sex].present)
        return 0;
    dsms_pseudonym(j->key, v[j->initials].s, v[j->dob].s, v[j->sex].code->code[0], out);
    return 1;
}

static dsms_cell field_cell(batch *b, const dsms_field *f, const dsms_value *v)
{
    char codes[1024];
    switch (f->type) {
    case DSMS_TYPE_INT:
    case DSMS_TYPE_DATE: return (dsms_cell){NULL, 0, v->i, 0, 0};
    case DSMS_TYPE_CODE: return (dsms_cell){NULL, 0, v->code - f->codes->codes + 1, 0, 0};
    case DSMS_TYPE_CODES:
        dsms_codes_canonical(f, v, codes, sizeof codes);
        return (dsms_cell){arena_copy(b, codes, strlen(codes)), strlen(codes), 0, 0, 0};
    case DSMS_TYPE_TEXT: break;
    }
    return (dsms_cell){arena_copy(b, v->s, v->len), v->len, 0, 0, 0};
}

static void stage_record(file_job *j, batch *b, staged *s, const dsms_value *v)
{
    const dsms_table *t = j->ck.table;
    s->first_cell = b->nrows * j->ncells;
    dsms_cell *cells = b->cells + s->first_cell;
    for (size_t c = 0; c < j->ncells; c++) {
        int f = j->cols[c].field;
        cells[c] = (dsms_cell){NULL, 0, 0, 1, 0};
        if (f == DSMS_COL_PERSON) {
            unsigned char p[DSMS_PSEUDONYM_BYTES];
            if (pseudonymise(j, v, p))
                cells[c] = (dsms_cell){arena_copy(b, p, sizeof p), sizeof p, 0, 0, 1};
        } else if (f == DSMS_COL_AGE) {
            if (j->dob >= 0 && j->age_on >= 0 && v[j->dob].present && v[j->age_on].present)
                cells[c] = (dsms_cell){NULL, 0, dsms_age_years(v[j->dob].i, v[j->age_on].i), 0, 0};
        } else if (v[f].present) {
            cells[c] = field_cell(b, &t->fields[f], &v[f]);
        }
    }
}

/* The row's fields as JSON, without the attributor; "{}" when the row could
 * not be split into trustworthy fields. */
static char *raw_json(const file_job *j, const dsms_csv_row *row, int fields_ok)
{
    json_t *o = json_object();
    const dsms_table *t = j->ck.table;
    for (size_t f = 0; fields_ok && f < t->nfields; f++) {
        if ((t->fields[f].flags & DSMS_F_ATTRIBUTOR) || j->hdr.col_of[f] < 0) continue;
        int c = j->hdr.col_of[f];
        json_object_set_new(o, t->fields[f].name, json_stringn(row->field[c], row->len[c]));
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}

static void stage_row(file_job *j, batch *b, const dsms_csv_row *row)
{
    const dsms_table *t = j->ck.table;
    staged *s = &b->rows[b->nrows];
    dsms_tally tally = {0, 0};
    *s = (staged){row->line, 0, 0, b->ndiags, 0, 0, NULL};
    if (row->status != DSMS_CSV_OK) {
        const char *field = row->status == DSMS_CSV_BAD_UTF8 && row->bad_field < j->hdr.ncols
                                ? j->hdr.names[row->bad_field] : "";
        dsms_report(&j->ck, &tally, row->line, field, "csv", DSMS_ERROR, "RFC 4180 CSV in UTF-8",
                    "%s", dsms_csv_status_text(row->status));
        s->json = raw_json(j, row, 0);
    } else if (row->nfields != j->hdr.ncols) {
        char expected[64];
        snprintf(expected, sizeof expected, "%zu fields, as in the header", j->hdr.ncols);
        dsms_report(&j->ck, &tally, row->line, "", "csv", DSMS_ERROR, expected,
                    "row has %zu field%s", row->nfields, row->nfields == 1 ? "" : "s");
        s->json = raw_json(j, row, 0);
    } else {
        const char *raw[DSMS_MAX_COLUMNS];
        size_t len[DSMS_MAX_COLUMNS];
        dsms_value v[DSMS_MAX_COLUMNS];
        for (size_t f = 0; f < t->nfields; f++) {
            int c = j->hdr.col_of[f];
            raw[f] = c >= 0 ? row->field[c] : NULL;
            len[f] = c >= 0 ? row->len[c] : 0;
        }
        dsms_validate_row(&j->ck, row->line, raw, len, v, &tally);
        if (!tally.errors) stage_record(j, b, s, v);
        else s->json = raw_json(j, row, 1);
    }
    s->rejected = tally.errors > 0;
    s->warnings = tally.warnings;
    s->ndiags = b->ndiags - s->first_diag;
    b->nrows++;
}

static int batch_full(const batch *b)
{
    return b->nrows == BATCH_ROWS || b->ndiags + ROW_DIAGS_MAX > BATCH_DIAGS ||
           b->used + DSMS_CSV_MAX_RECORD + 1024 > b->arena_cap;
}

static void *reader_main(void *arg)
{
    file_job *j = arg;
    dsms_csv_row row;
    int r = 1;
    while (r == 1) {
        batch *b = queue_take(&j->q, &j->q.free);
        if (!b) break; /* cancelled */
        batch_reset(b);
        j->cur = b;
        while (!batch_full(b) && (r = dsms_csv_next(j->csv, &row)) == 1) stage_row(j, b, &row);
        b->end = r != 1;
        b->failed = r < 0 ? (errno ? errno : EIO) : 0;
        queue_give_full(&j->q, b);
    }
    return NULL;
}

/* ---- writer: staged records to the store ---- */

static char *diags_json(const dsms_diag *d, int n, const dsms_diag *extra)
{
    json_t *a = json_array();
    for (int i = 0; i <= n; i++) {
        const dsms_diag *g = i < n ? &d[i] : extra;
        if (!g) break;
        json_array_append_new(
            a, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "line", (json_int_t)g->line, "field",
                         g->field, "rule", g->rule, "severity",
                         g->severity == DSMS_ERROR ? "error" : "warning", "message", g->message,
                         "expected", g->expected));
    }
    char *s = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return s;
}

/* A stored-form record back to text, for quarantining a row the writer rejects
 * (a duplicate key, an unknown episode): like raw_json, without any part of
 * the attributor, so not the sex that the stored record keeps either, nor
 * the pseudonym and age (columns with no field). */
static char *cells_json(const file_job *j, const dsms_cell *cells)
{
    const dsms_table *t = j->ck.table;
    json_t *o = json_object();
    for (size_t c = 0; c < j->ncells; c++) {
        int f = j->cols[c].field;
        if (f < 0 || cells[c].null || (t->fields[f].flags & DSMS_F_ATTRIBUTOR)) continue;
        const dsms_field *fd = &t->fields[f];
        char buf[32];
        json_t *v;
        if (fd->type == DSMS_TYPE_CODE) v = json_string(fd->codes->codes[cells[c].i - 1].code);
        else if (fd->type == DSMS_TYPE_DATE) dsms_date_format(cells[c].i, buf), v = json_string(buf);
        else if (fd->type == DSMS_TYPE_INT)
            snprintf(buf, sizeof buf, "%lld", (long long)cells[c].i), v = json_string(buf);
        else v = json_stringn(cells[c].s, cells[c].len);
        json_object_set_new(o, fd->name, v);
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}

static void make_diag(const file_job *j, dsms_diag *d, long line, const char *field,
                      const char *rule, const char *expected, const char *message)
{
    *d = (dsms_diag){j->ck.file, line, j->ck.table->name, "", rule, DSMS_ERROR, "", ""};
    dsms_diag_set_field(d, field);
    snprintf(d->message, sizeof d->message, "%s", message);
    snprintf(d->expected, sizeof d->expected, "%s", expected);
}

/* The file of another submission of this import, or NULL when it is this file. */
static const char *file_of(const file_job *j, int64_t submission)
{
    if (submission == j->res->submission) return NULL;
    for (size_t i = 0; i < j->nall; i++)
        if (j->all[i].submission == submission) return j->all[i].file;
    return "an earlier file";
}

/* The writer's verdict on one row of a chunk. */
typedef struct {
    int rejected;    /* by the reader, or by a store-side rule */
    int has_extra;   /* a store-side diagnostic in extra */
    dsms_diag extra;
} verdict;

/* The episode an intervention or review names must exist. */
static int check_episode(file_job *j, const staged *s, const dsms_cell *cells, verdict *v,
                         dsms_err *err)
{
    /* provider_code and episode_ref are the first two columns of these tables. */
    int known = dsms_store_episode_exists(j->st, cells[0].s, cells[0].len, cells[1].s,
                                          cells[1].len, err);
    if (known < 0) return -1;
    if (!known) {
        char msg[256];
        snprintf(msg, sizeof msg, "'%.*s' is not a known episode of provider '%.*s'",
                 (int)cells[1].len, cells[1].s, (int)cells[0].len, cells[0].s);
        make_diag(j, &v->extra, s->line, "episode_ref", "episode_known",
                  "an episode of this provider in this submission or already in the store", msg);
        v->rejected = v->has_extra = 1;
    }
    return 0;
}

/* A row the store did not write was a duplicate: say of which row. */
static int check_written(file_job *j, const staged *s, const dsms_cell *cells, verdict *v,
                         dsms_err *err)
{
    dsms_origin first;
    if (dsms_store_origin(j->st, j->ck.table, cells, &first, err)) return -1;
    if (first.submission == j->res->submission && first.line == s->line) return 0;
    char msg[320], expected[160];
    const char *other = file_of(j, first.submission);
    if (other)
        snprintf(msg, sizeof msg, "duplicate key: the same record is at line %ld of %.150s in "
                                  "this submission", first.line, other);
    else
        snprintf(msg, sizeof msg, "duplicate key: the same record is at line %ld of this "
                                  "submission", first.line);
    snprintf(expected, sizeof expected, "a key not already used at line %ld", first.line);
    make_diag(j, &v->extra, s->line, j->last_key, "unique_key", expected, msg);
    v->rejected = v->has_extra = 1;
    return 0;
}

/* Count, report and, if rejected, quarantine one row, in row order. */
static int settle_row(file_job *j, batch *b, const staged *s, const verdict *v, dsms_err *err)
{
    const dsms_diag *diags = &b->diags[s->first_diag];
    dsms_import_result *r = j->res;
    r->rows++;
    r->warnings += s->warnings;
    if (j->o->emit) {
        for (int i = 0; i < s->ndiags; i++) j->o->emit(j->o->emit_ctx, &diags[i]);
        if (v->has_extra) j->o->emit(j->o->emit_ctx, &v->extra);
    }
    if (!v->rejected) {
        r->accepted++;
        return 0;
    }
    r->quarantined++;
    char *rec = s->rejected ? s->json : cells_json(j, b->cells + s->first_cell);
    char *dj = diags_json(diags, s->ndiags, v->has_extra ? &v->extra : NULL);
    int rc = rec && dj ? dsms_store_quarantine(j->st, r->submission, j->ck.table->name, s->line,
                                               rec, dj, err)
                       : (dsms_err_set(err, "out of memory"), -1);
    if (!s->rejected) free(rec);
    free(dj);
    return rc;
}

/* Rows [from, to) of a batch: the store-side rules, one multi-record write of
 * the rows that pass them, then each row settled in order. */
static int write_chunk(file_job *j, batch *b, size_t from, size_t to, dsms_err *err)
{
    verdict v[DSMS_PUT_MAX];
    const dsms_cell *rows[DSMS_PUT_MAX];
    long lines[DSMS_PUT_MAX];
    size_t n = 0;
    for (size_t i = from; i < to; i++) {
        const staged *s = &b->rows[i];
        verdict *vi = &v[i - from];
        vi->rejected = s->rejected;
        vi->has_extra = 0;
        if (!vi->rejected && j->episode_rule &&
            check_episode(j, s, b->cells + s->first_cell, vi, err))
            return -1;
        if (vi->rejected) continue;
        rows[n] = b->cells + s->first_cell;
        lines[n++] = s->line;
    }
    int written = n ? dsms_store_put(j->st, j->ck.table, j->res->submission, j->since, n, lines,
                                     rows, err)
                    : 0;
    if (written < 0) return -1;
    for (size_t i = from; written < (int)n && i < to; i++)
        if (!v[i - from].rejected &&
            check_written(j, &b->rows[i], b->cells + b->rows[i].first_cell, &v[i - from], err))
            return -1;
    for (size_t i = from; i < to; i++)
        if (settle_row(j, b, &b->rows[i], &v[i - from], err)) return -1;
    return 0;
}

static int write_batches(file_job *j, dsms_err *err)
{
    for (;;) {
        batch *b = queue_take(&j->q, &j->q.full);
        if (!b) return -1; /* cancelled: not reached, the writer is the one that cancels */
        for (size_t i = 0; i < b->nrows; i += DSMS_PUT_MAX) {
            size_t to = i + DSMS_PUT_MAX < b->nrows ? i + DSMS_PUT_MAX : b->nrows;
            if (write_chunk(j, b, i, to, err)) return -1;
        }
        int end = b->end, failed = b->failed;
        queue_give_free(&j->q, b);
        if (failed) {
            dsms_err_set(err, "%s: read error: %s", j->res->file, strerror(failed));
            return -1;
        }
        if (end) return 0;
    }
}

/* ---- one file ---- */

static int job_setup(file_job *j, const dsms_table *t)
{
    j->ncells = dsms_store_columns(t, j->cols);
    j->initials = j->dob = j->sex = j->age_on = -1;
    for (size_t i = 0; i < t->nfields; i++) {
        if (t->fields[i].flags & DSMS_F_INITIALS) j->initials = (int)i;
        if (t->fields[i].flags & DSMS_F_DOB) j->dob = (int)i;
        if (t->fields[i].flags & DSMS_F_SEX) j->sex = (int)i;
        if (t->fields[i].flags & DSMS_F_KEY) j->last_key = t->fields[i].name;
    }
    if (t->age_date) j->age_on = dsms_field_index(t, t->age_date);
    for (size_t i = 0; i < t->nrules; i++)
        if (t->rules[i].kind == DSMS_RULE_EPISODE_KNOWN) j->episode_rule = 1;
    dsms_rowcheck_prepare(&j->ck);
    for (int i = 0; i < NBATCH; i++) {
        batch *b = calloc(1, sizeof *b);
        j->batches[i] = b;
        if (!b) return -1;
        b->arena_cap = (size_t)BATCH_ROWS * 256 + DSMS_CSV_MAX_RECORD + 4096;
        b->arena = malloc(b->arena_cap);
        b->cells = malloc(sizeof *b->cells * BATCH_ROWS * (j->ncells ? j->ncells : 1));
        if (!b->arena || !b->cells) return -1;
        queue_give_free(&j->q, b);
    }
    return 0;
}

static void job_teardown(file_job *j)
{
    for (int i = 0; i < NBATCH; i++) {
        batch *b = j->batches[i];
        if (!b) continue;
        batch_reset(b);
        free(b->arena);
        free(b->cells);
        free(b);
    }
    pthread_mutex_destroy(&j->q.mu);
    pthread_cond_destroy(&j->q.cv);
    dsms_header_free(&j->hdr);
}

static int finish_file(file_job *j, dsms_err *err)
{
    dsms_import_result *r = j->res;
    dsms_submission sub = {r->submission, j->o->source ? j->o->source : "", r->table, r->file,
                           r->sha256, NULL, j->o->by, r->quarantined ? "partial" : "accepted",
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
    dsms_rowcheck ck = j->ck;
    ck.emit = j->o->emit;
    ck.emit_ctx = j->o->emit_ctx;
    for (size_t i = 0; i < j->hdr.ncols; i++) {
        if (dsms_field_index(j->ck.table, j->hdr.names[i]) >= 0) continue;
        dsms_report(&ck, &tally, 1, j->hdr.names[i], "header", DSMS_WARNING,
                    "a column of the data set; this one is ignored", "unknown column");
    }
    j->res->warnings += tally.warnings;
}

/* Stream the rows through the reader thread into the store. */
static int pump(file_job *j, dsms_err *err)
{
    pthread_t reader;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, READER_STACK);
    int started = pthread_create(&reader, &attr, reader_main, j) == 0;
    pthread_attr_destroy(&attr);
    if (!started) {
        dsms_err_set(err, "cannot start the reader thread");
        return -1;
    }
    int rc = write_batches(j, err);
    if (rc) queue_cancel(&j->q);
    pthread_join(reader, NULL);
    return rc;
}

static int import_file(file_job *j, const dsms_table *t, dsms_err *err)
{
    pthread_mutex_init(&j->q.mu, NULL);
    pthread_cond_init(&j->q.cv, NULL);
    dsms_checksum_init(&j->sha);
    int fd = open_csv(j->res->file, j->o->fd, &j->csv, j, err);
    if (fd < 0) return -1;
    int rc = -1;
    if (dsms_header_read(j->csv, j->res->file, j->o->table, 1, &j->hdr, err)) goto done;
    t = j->hdr.table;
    if (job_setup(j, t)) {
        dsms_err_set(err, "out of memory");
        goto done;
    }
    if (dsms_store_savepoint(j->st, err)) goto done;
    dsms_submission sub = {0, j->o->source ? j->o->source : "", t->name, j->res->file, "", NULL,
                           j->o->by, "importing", 0, 0, 0, 0};
    if (dsms_store_add_submission(j->st, &sub, err)) goto done;
    j->res->submission = sub.id;
    if (!j->since) j->since = sub.id;
    report_unknown_columns(j);
    if (pump(j, err)) goto done;
    dsms_checksum_hex(&j->sha, j->res->sha256);
    rc = finish_file(j, err);
done:
    job_teardown(j);
    dsms_csv_close(j->csv);
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
        dsms_header h;
        int fd = open_csv(files[i], o->fd, &c, NULL, err);
        if (fd < 0) return -1;
        int rc = dsms_header_read(c, files[i], o->table, 0, &h, err);
        p[i].table = h.table;
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
    json_t *detail = json_pack("{s:s, s:o}", "source", o->source ? o->source : "", "files", files);
    char *s = json_dumps(detail, JSON_COMPACT);
    json_decref(detail);
    int rc = s ? dsms_store_audit(st, o->by ? o->by : "", "import", s, err)
               : (dsms_err_set(err, "out of memory"), -1);
    free(s);
    return rc;
}

/* Commit (keep) or roll back the submission: the transaction, or when nested
 * in the caller's, its savepoint. */
static int end_transaction(dsms_store *st, const dsms_import_opts *o, int keep, dsms_err *err)
{
    if (o->nested) return dsms_store_unnest(st, keep, err);
    if (keep) return dsms_store_commit(st, err);
    dsms_store_rollback(st);
    return 0;
}

/* The reference lists the plan's files need; and, for a named source, that it
 * may submit every file's table: one that may not refuses the submission
 * whole, before anything is written. */
static int load_refs(dsms_store *st, const plan *p, size_t n, const dsms_import_opts *o,
                     ref_codes *r, code_set **orgs, dsms_err *err)
{
    if (dsms_store_each_area(st, code_add, &r->areas, err)) return -1;
    if (r->areas.n) qsort(r->areas.code, r->areas.n, sizeof *r->areas.code, code_cmp);
    for (size_t i = 0; i < n; i++) {
        if (!(orgs[i] = codes_of(r, st, p[i].table->org_ref, err)) ||
            load_rule_lists(r, st, p[i].table, err))
            return -1;
        char msg[480];
        if (o->source && !dsms_source_check(p[i].table, o->source, code_known, orgs[i], msg,
                                            sizeof msg)) {
            dsms_err_set(err, "%s: %s: %s", p[i].file, p[i].table->name, msg);
            return -1;
        }
    }
    return 0;
}

int dsms_import(dsms_store *st, const dsms_key *key, const char *const *files, size_t n,
                const dsms_import_opts *o, dsms_import_result *results, dsms_err *err)
{
    ref_codes refs;
    memset(&refs, 0, sizeof refs);
    plan *p = calloc(n ? n : 1, sizeof *p);
    code_set **orgs = calloc(n ? n : 1, sizeof *orgs);
    file_job *j = calloc(1, sizeof *j);
    int rc = DSMS_REFUSED, in_tx = 0;
    if (!p || !j || !orgs) {
        dsms_err_set(err, "out of memory");
        goto done;
    }
    if (make_plan(files, n, o, p, err) || load_refs(st, p, n, o, &refs, orgs, err)) goto done;
    if (o->nested ? dsms_store_nest(st, err) : dsms_store_begin(st, err)) goto done;
    in_tx = 1;
    memset(results, 0, n * sizeof *results);
    int64_t since = 0;
    for (size_t i = 0; i < n; i++) {
        dsms_import_result *r = &results[p[i].index];
        r->file = p[i].file;
        r->table = p[i].table->name;
        memset(j, 0, sizeof *j);
        j->since = since;
        j->all = results;
        j->nall = n;
        j->st = st;
        j->key = key;
        j->o = o;
        j->res = r;
        j->ck = (dsms_rowcheck){.table = p[i].table, .file = p[i].file, .source = o->source,
                                .today = o->today, .area_known = code_known,
                                .area_ctx = &refs.areas, .org_known = code_known,
                                .org_ctx = orgs[i], .ref_known = ref_known, .ref_ctx = &refs,
                                .emit = stage_diag, .emit_ctx = j};
        if (import_file(j, p[i].table, err)) goto done;
        since = j->since;
    }
    if (!o->dry_run && audit_import(st, o, results, n, err)) goto done;
    if (o->dry_run) end_transaction(st, o, 0, err);
    else if (end_transaction(st, o, 1, err)) goto done;
    in_tx = 0;
    rc = DSMS_OK;
    for (size_t i = 0; i < n; i++)
        if (results[i].quarantined) rc = DSMS_PARTIAL;
done:
    if (in_tx) end_transaction(st, o, 0, err);
    ref_codes_free(&refs);
    free(orgs);
    free(p);
    free(j);
    return rc;
}
