/* replay.c — a plain main for a fuzz target, so that its seed corpus runs as
 * an ordinary test in every build, without clang or libFuzzer: each file
 * named on the command line (for a directory, each file in it, in name order)
 * is read whole and fed once to the target's LLVMFuzzerTestOneInput, as
 * libFuzzer replays a corpus. A target's invariant that fails aborts, as it
 * does under the fuzzer. A file that cannot be read, a directory with no
 * files, no inputs at all or a target returning other than 0 fails with a
 * message and exit status 1. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feed one file to the target; 0, or -1 with a message. */
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return fprintf(stderr, "replay: %s: %s\n", path, strerror(errno)), -1;
    size_t cap = 4096, n = 0;
    uint8_t *data = malloc(cap);
    while (data) {
        n += fread(data + n, 1, cap - n, f);
        if (n < cap) break;
        uint8_t *more = realloc(data, cap *= 2);
        if (!more) free(data);
        data = more;
    }
    int bad = !data || ferror(f);
    fclose(f);
    if (bad) {
        free(data);
        return fprintf(stderr, "replay: %s: cannot be read\n", path), -1;
    }
    /* Exactly n bytes, as libFuzzer gives them, so a read past the end shows. */
    uint8_t *exact = malloc(n ? n : 1);
    if (!exact) return free(data), fprintf(stderr, "replay: out of memory\n"), -1;
    memcpy(exact, data, n);
    free(data);
    int rc = LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    if (rc != 0) return fprintf(stderr, "replay: %s: the target returned %d\n", path, rc), -1;
    return 0;
}

static int not_hidden(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* Feed each file of a directory, in name order; the number fed, or -1. */
static long replay_dir(const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, not_hidden, alphasort);
    if (n < 0) return fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno)), -1;
    long done = 0;
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        if (done >= 0) done = replay_file(path) ? -1 : done + 1;
        free(names[i]);
    }
    free(names);
    if (done == 0) fprintf(stderr, "replay: %s: no files\n", dir), done = -1;
    return done;
}

int main(int argc, char **argv)
{
    long total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            return 1;
        }
        long n = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : replay_file(argv[i]) ? -1 : 1;
        if (n < 0) return 1;
        total += n;
    }
    if (total == 0) {
        fprintf(stderr, "usage: %s FILE|DIR... (no inputs given)\n", argv[0]);
        return 1;
    }
    printf("%ld inputs replayed\n", total);
    return 0;
}
