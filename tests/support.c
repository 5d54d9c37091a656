/* support.c — shared test helpers (see support.h). */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsms/field.h"
#include "dsms/refdata.h"

static char dir[512];
static dsms_key key;

const char *support_dir(void)
{
    if (!*dir) {
        const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
        snprintf(dir, sizeof dir, "%s/dsms-test-XXXXXX", tmp);
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            exit(2);
        }
    }
    return dir;
}

const char *support_file(const char *name, const char *text)
{
    static char paths[8][600];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 600, "%s/%s", support_dir(), name);
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(text, 1, strlen(text), f) != strlen(text) || fclose(f) != 0) {
        perror(p);
        exit(2);
    }
    return p;
}

/* Copy the file at from to to (a closed store: one file, its log checkpointed). */
static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[65536];
    size_t n;
    int bad = !in || !out;
    while (!bad && (n = fread(buf, 1, sizeof buf, in)) > 0) bad = fwrite(buf, 1, n, out) != n;
    bad |= in && ferror(in);
    if (in) fclose(in);
    if ((out && fclose(out) != 0) || bad) {
        perror(to);
        exit(2);
    }
}

/* A store with the shipped reference data. Reading and storing that data is
 * done once, into a template the later stores are copies of: the tests make
 * hundreds of stores. */
dsms_store *support_store(void)
{
    static int n;
    static char template_path[600];
    char path[600];
    dsms_err err = {""};
    if (!*template_path) {
        snprintf(template_path, sizeof template_path, "%s/template.db", support_dir());
        dsms_store *t = dsms_store_open(template_path, DSMS_STORE_CREATE, &err);
        if (!t || dsms_refdata_load(t, DSMS_TEST_DATADIR, &err)) {
            fprintf(stderr, "support_store: %s\n", err.msg);
            exit(2);
        }
        dsms_store_close(t);
    }
    snprintf(path, sizeof path, "%s/store%d.db", support_dir(), n++);
    copy_file(template_path, path);
    dsms_store *st = dsms_store_open(path, 0, &err);
    if (!st) {
        fprintf(stderr, "support_store: %s\n", err.msg);
        exit(2);
    }
    return st;
}

const dsms_key *support_key(void)
{
    if (!key.k[0]) {
        memset(key.k, 0x5a, sizeof key.k);
        crypto_auth_hmacsha256_init(&key.keyed, key.k, sizeof key.k);
    }
    return &key;
}

static void keep(void *ctx, const dsms_diag *d)
{
    diag_list *l = ctx;
    if (l && l->n < SUPPORT_MAX_DIAGS) l->d[l->n++] = *d;
}

int support_import(dsms_store *st, const char *source, const char *const *files, size_t n,
                   dsms_import_result *res, diag_list *diags, int dry_run)
{
    dsms_err err = {""};
    if (diags) diags->n = 0;
    dsms_import_opts o = {.source = source, .by = "test", .dry_run = dry_run,
                          .today = dsms_date_parse("2026-06-30", 10), .emit = keep,
                          .emit_ctx = diags};
    int rc = dsms_import(st, support_key(), files, n, &o, res, &err);
    if (rc == DSMS_REFUSED && diags && diags->n < SUPPORT_MAX_DIAGS) {
        dsms_diag *d = &diags->d[diags->n++];
        memset(d, 0, sizeof *d);
        d->file = "";
        d->rule = "refused";
        snprintf(d->message, sizeof d->message, "%.300s", err.msg);
    }
    return rc;
}

const dsms_diag *support_find(const diag_list *d, const char *rule, const char *field)
{
    for (int i = 0; i < d->n; i++)
        if (strcmp(d->d[i].rule, rule) == 0 && (!field || strcmp(d->d[i].field, field) == 0))
            return &d->d[i];
    return NULL;
}

void support_cleanup(void)
{
    if (!*dir) return;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    *dir = 0;
}
