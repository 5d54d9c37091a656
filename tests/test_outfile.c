/* test_outfile.c — the one output writer: files it must not overwrite,
 * found by inode and by resolved path (through a symbolic link to a
 * directory, for a file not yet written); the mode; nothing half-written
 * and no temporary left behind. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "dsms/outfile.h"
#include "support.h"

static char path_buf[16][700];
static int path_next;

/* DIR/name, in one of a few static slots. */
static const char *at(const char *name)
{
    char *p = path_buf[path_next++ % 16];
    snprintf(p, 700, "%s/%s", support_dir(), name);
    return p;
}

static int read_back(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t got = fread(buf, 1, n - 1, f);
    buf[got] = '\0';
    fclose(f);
    return 0;
}

/* Hidden entries of the scratch directory: the writer's temporaries. */
static int temporaries(void)
{
    DIR *d = opendir(support_dir());
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d) closedir(d);
    return n;
}

static void by_inode(void)
{
    dsms_err err = {""};
    const char *input = support_file("in.csv", "a,b\n1,2\n");
    const char *other = at("other-name.csv");
    CHECK_INT(link(input, other), 0);
    dsms_protected p[] = {{input, "an input file", DSMS_PROTECT_FILE}};
    /* The same file under another name (a hard link) is still the input. */
    CHECK(dsms_outfile_open(other, p, 1, DSMS_MODE_PRIVATE, &err) == NULL);
    CHECK(strstr(err.msg, "refusing to write there") != NULL);
    CHECK(strstr(err.msg, "an input file") != NULL);
    CHECK(strstr(err.msg, input) != NULL);
    char buf[64];
    read_back(input, buf, sizeof buf);
    CHECK_STR(buf, "a,b\n1,2\n");
    /* And under its own name, by a path with "..". */
    char dotted[700];
    snprintf(dotted, sizeof dotted, "%s/../%s/in.csv", support_dir(),
             strrchr(support_dir(), '/') + 1);
    CHECK_INT(dsms_outfile_check(dotted, p, 1, &err), -1);
    CHECK_INT(temporaries(), 0);
}

static void by_resolved_path(void)
{
    dsms_err err = {""};
    const char *real = at("real"), *link = at("link");
    CHECK_INT(mkdir(real, 0700), 0);
    CHECK_INT(symlink(real, link), 0);
    char store[700], through[700], wal[700], journal[700];
    snprintf(store, sizeof store, "%s/s.db", real);
    snprintf(through, sizeof through, "%s/s.db", link);
    snprintf(wal, sizeof wal, "%s/s.db-wal", link);
    snprintf(journal, sizeof journal, "%s/s.db-journal", link);
    /* Nothing exists yet: the paths are compared resolved. */
    dsms_protected p[] = {{store, "the store", DSMS_PROTECT_STORE}};
    CHECK_INT(dsms_outfile_check(through, p, 1, &err), -1);
    CHECK(strstr(err.msg, "the store") != NULL);
    CHECK_INT(dsms_outfile_check(wal, p, 1, &err), -1);
    CHECK(strstr(err.msg, "write-ahead log") != NULL);
    CHECK_INT(dsms_outfile_check(journal, p, 1, &err), -1);
    /* A plain file is only itself: its "-wal" is another file. */
    dsms_protected f[] = {{store, "the key file", DSMS_PROTECT_FILE}};
    CHECK_INT(dsms_outfile_check(through, f, 1, &err), -1);
    CHECK_INT(dsms_outfile_check(wal, f, 1, &err), 0);
    /* A tree: nothing under it, by any path. */
    char inside[700], beside[700];
    snprintf(inside, sizeof inside, "%s/2025/report.csv", link);
    snprintf(beside, sizeof beside, "%s-not/report.csv", real);
    dsms_protected t[] = {{real, "the input directory", DSMS_PROTECT_TREE}};
    CHECK_INT(dsms_outfile_check(inside, t, 1, &err), -1);
    CHECK(strstr(err.msg, "inside the input directory") != NULL);
    CHECK_INT(dsms_outfile_check(beside, t, 1, &err), 0);
    /* A directory is never a target. */
    CHECK_INT(dsms_outfile_check(real, NULL, 0, &err), -1);
    CHECK(strstr(err.msg, "a directory") != NULL);
}

static void writes_whole(void)
{
    dsms_err err = {""};
    const char *target = at("report.csv");
    mode_t old = umask(022);
    dsms_outfile *o = dsms_outfile_open(target, NULL, 0, DSMS_MODE_PRIVATE, &err);
    CHECK(o != NULL);
    if (!o) return;
    /* Until committed, the target does not exist; the temporary is beside it. */
    CHECK(access(target, F_OK) != 0);
    CHECK_INT(temporaries(), 1);
    fputs("line 1\n", dsms_outfile_stream(o));
    CHECK_INT(dsms_outfile_commit(o, &err), 0);
    umask(old);
    struct stat sb;
    CHECK(stat(target, &sb) == 0 && (sb.st_mode & 0777) == 0600);
    char buf[64];
    read_back(target, buf, sizeof buf);
    CHECK_STR(buf, "line 1\n");
    CHECK_INT(temporaries(), 0);
    /* Replaced whole; an existing file readable by others becomes private. */
    chmod(target, 0644);
    o = dsms_outfile_open(target, NULL, 0, DSMS_MODE_PRIVATE, &err);
    CHECK(o != NULL);
    if (!o) return;
    fputs("line 2\n", dsms_outfile_stream(o));
    CHECK_INT(dsms_outfile_commit(o, &err), 0);
    read_back(target, buf, sizeof buf);
    CHECK_STR(buf, "line 2\n");
    CHECK(stat(target, &sb) == 0 && (sb.st_mode & 0777) == 0600);
    /* Aborted: the target as it was, no temporary left. */
    o = dsms_outfile_open(target, NULL, 0, DSMS_MODE_PRIVATE, &err);
    CHECK(o != NULL);
    if (!o) return;
    fputs("half a line", dsms_outfile_stream(o));
    char temp[700];
    snprintf(temp, sizeof temp, "%s", dsms_outfile_temp(o));
    CHECK(access(temp, F_OK) == 0);
    dsms_outfile_abort(o);
    CHECK(access(temp, F_OK) != 0);
    read_back(target, buf, sizeof buf);
    CHECK_STR(buf, "line 2\n");
    CHECK_INT(temporaries(), 0);
    /* A public mode when asked for. */
    const char *pub = at("public.csv");
    o = dsms_outfile_open(pub, NULL, 0, DSMS_MODE_PUBLIC, &err);
    CHECK(o != NULL);
    if (!o) return;
    CHECK_INT(dsms_outfile_commit(o, &err), 0);
    CHECK(stat(pub, &sb) == 0 && (sb.st_mode & 0777) == 0644);
    /* A directory that does not exist: refused at open, nothing made. */
    CHECK(dsms_outfile_open(at("no/such/dir.csv"), NULL, 0, DSMS_MODE_PRIVATE, &err) == NULL);
    CHECK(strstr(err.msg, "cannot write") != NULL);
}

int main(void)
{
    by_inode();
    by_resolved_path();
    writes_whole();
    support_cleanup();
    return check_summary();
}
