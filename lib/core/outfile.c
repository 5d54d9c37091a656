/* outfile.c — the one writer of users' files (see outfile.h): refuses to
 * overwrite what it must not, writes a temporary beside the target and
 * renames it into place when it is safely on disk. */
#include "dsms/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct dsms_outfile {
    FILE *f;
    char *target, *temp;
};

/* The directory part of path ("." when none) and its last part. */
static void split(const char *path, char *dir, size_t n, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, n, ".");
        *base = path;
    } else {
        snprintf(dir, n, "%.*s", slash == path ? 1 : (int)(slash - path), path);
        *base = slash + 1;
    }
}

/* path with every symbolic link and "..", resolved: realpath itself when
 * the file exists, else its nearest existing directory resolved and the
 * rest appended, so that a file not yet written is recognised through any
 * link to a directory above it. */
static void resolve(const char *path, char *out, size_t n)
{
    char head[PATH_MAX], buf[PATH_MAX];
    snprintf(head, sizeof head, "%s", path);
    size_t cut = strlen(head);
    for (;;) {
        if (realpath(cut ? head : ".", buf)) break;
        char *slash = strrchr(head, '/');
        if (!slash) {
            cut = 0;
            if (!realpath(".", buf)) {
                snprintf(out, n, "%s", path);
                return;
            }
            break;
        }
        /* "/x" whose "/" is all that exists */
        cut = slash == head ? 1 : (size_t)(slash - head);
        *slash = '\0';
        if (slash == head) snprintf(head, sizeof head, "/");
    }
    const char *rest = path + cut;
    while (*rest == '/') rest++;
    if (!*rest) snprintf(out, n, "%s", buf);
    else snprintf(out, n, "%s%s%s", buf, strcmp(buf, "/") ? "/" : "", rest);
}

/* The same file: one inode when both exist, else one resolved path. */
static int same_file(const struct stat *tsb, int texists, const char *tres, const char *other)
{
    struct stat osb;
    if (texists && stat(other, &osb) == 0)
        return tsb->st_dev == osb.st_dev && tsb->st_ino == osb.st_ino;
    char ores[PATH_MAX + 16];
    resolve(other, ores, sizeof ores);
    return strcmp(tres, ores) == 0;
}

static int inside(const char *tres, const char *dir)
{
    char dres[PATH_MAX + 16];
    resolve(dir, dres, sizeof dres);
    size_t n = strlen(dres);
    return strncmp(tres, dres, n) == 0 && (tres[n] == '/' || dres[n - 1] == '/');
}

/* A store's companions, and what each is, in words. */
static const struct {
    const char *suffix, *says;
} store_files[] = {{"", "%s %s"},
                   {"-wal", "SQLite's write-ahead log of %s %s"},
                   {"-shm", "SQLite's shared-memory file of %s %s"},
                   {"-journal", "SQLite's journal of %s %s"}};

static int refuse(const char *target, const char *said, dsms_err *err)
{
    dsms_err_set(err, "%s: refusing to write there: that is %s; nothing was written (choose "
                      "another file name)",
                 target, said);
    return -1;
}

int dsms_outfile_check(const char *target, const dsms_protected *protect, size_t n,
                       dsms_err *err)
{
    struct stat tsb;
    int texists = stat(target, &tsb) == 0;
    if (texists && S_ISDIR(tsb.st_mode)) {
        dsms_err_set(err, "%s: a directory; nothing was written (name a file)", target);
        return -1;
    }
    char tres[PATH_MAX + 16], said[PATH_MAX + 200];
    resolve(target, tres, sizeof tres);
    for (size_t i = 0; i < n; i++) {
        const dsms_protected *p = &protect[i];
        if (p->kind == DSMS_PROTECT_TREE) {
            if (!inside(tres, p->path)) continue;
            dsms_err_set(err, "%s: refusing to write inside %s %s; nothing was written "
                              "(choose a file outside it)",
                         target, p->what, p->path);
            return -1;
        }
        size_t kinds = p->kind == DSMS_PROTECT_STORE ? 4 : 1;
        /* SQLite keeps a store's companions beside the file a link leads
         * to, so both names' companions are protected. */
        char real[PATH_MAX];
        const char *base[2] = {p->path, realpath(p->path, real) ? real : p->path};
        for (size_t b = 0; b < 2; b++)
            for (size_t k = 0; k < kinds; k++) {
                char other[PATH_MAX + 16];
                snprintf(other, sizeof other, "%s%s", base[b], store_files[k].suffix);
                if (!same_file(&tsb, texists, tres, other)) continue;
                snprintf(said, sizeof said, store_files[k].says, p->what, p->path);
                return refuse(target, said, err);
            }
    }
    return 0;
}

dsms_outfile *dsms_outfile_open(const char *target, const dsms_protected *protect, size_t n,
                                unsigned mode, dsms_err *err)
{
    if (dsms_outfile_check(target, protect, n, err)) return NULL;
    char dir[PATH_MAX];
    const char *base;
    split(target, dir, sizeof dir, &base);
    dsms_outfile *o = calloc(1, sizeof *o);
    size_t len = strlen(dir) + strlen(base) + 16;
    if (!o || !(o->target = strdup(target)) || !(o->temp = malloc(len))) {
        if (o) free(o->target);
        free(o);
        dsms_err_set(err, "out of memory");
        return NULL;
    }
    /* A hidden, unique name beside the target: same file system, so the
     * rename is atomic; mkstemp creates it with O_CREAT|O_EXCL. */
    snprintf(o->temp, len, "%s/.%s.XXXXXX", dir, base);
    int fd = mkstemp(o->temp);
    if (fd < 0 || fchmod(fd, (mode_t)mode) != 0 || !(o->f = fdopen(fd, "w"))) {
        dsms_err_set(err, "%s: cannot write: %s", target, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(o->temp);
        }
        free(o->temp);
        free(o->target);
        free(o);
        return NULL;
    }
    return o;
}

FILE *dsms_outfile_stream(dsms_outfile *f) { return f->f; }

const char *dsms_outfile_temp(const dsms_outfile *f) { return f->temp; }

static void release(dsms_outfile *f)
{
    free(f->temp);
    free(f->target);
    free(f);
}

/* The rename is durable only once the directory is synced too. */
static void sync_dir(const char *target)
{
    char dir[PATH_MAX];
    const char *base;
    split(target, dir, sizeof dir, &base);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    fsync(fd);
    close(fd);
}

int dsms_outfile_commit(dsms_outfile *f, dsms_err *err)
{
    int bad = ferror(f->f) || fflush(f->f) != 0 || fsync(fileno(f->f)) != 0;
    int saved = errno;
    if (fclose(f->f) != 0 && !bad) bad = 1, saved = errno;
    if (!bad && rename(f->temp, f->target) != 0) bad = 1, saved = errno;
    if (bad) {
        unlink(f->temp);
        dsms_err_set(err, "%s: cannot write: %s; nothing was written", f->target,
                     strerror(saved ? saved : EIO));
        release(f);
        return -1;
    }
    sync_dir(f->target);
    release(f);
    return 0;
}

void dsms_outfile_abort(dsms_outfile *f)
{
    if (!f) return;
    fclose(f->f);
    unlink(f->temp);
    release(f);
}
