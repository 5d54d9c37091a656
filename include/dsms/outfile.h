/* dsms/outfile.h — the one way dsms writes a file for its user: reports now,
 * result exports and downloads later.
 *
 * A file is refused when it would overwrite what the command must not
 * touch: the store and SQLite's files beside it, the key, or the command's
 * own inputs (the same file by device and inode, or by resolved path when
 * the target does not exist yet). It is written beside its target under a
 * unique temporary name and renamed into place only after it is on disk, so
 * that the target is either as it was or complete; an aborted file leaves
 * nothing behind. The target's name is copied; the protected paths are read
 * only during the call that is given them. */
#ifndef DSMS_OUTFILE_H
#define DSMS_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

#include "dsms/diag.h"

typedef enum {
    DSMS_PROTECT_FILE,  /* this file */
    DSMS_PROTECT_STORE, /* a store: the file and its -wal, -shm and -journal */
    DSMS_PROTECT_TREE   /* a directory and everything under it */
} dsms_protect_kind;

/* A path a written file must not land on, and what it is in words
 * ("the store", "the key file", "an input file") for the refusal. */
typedef struct {
    const char *path;
    const char *what;
    dsms_protect_kind kind;
} dsms_protected;

/* Modes: anything derived from record-level data (a diagnostics report
 * holds record values) is the owner's alone. */
#define DSMS_MODE_PRIVATE 0600
#define DSMS_MODE_PUBLIC 0644

typedef struct dsms_outfile dsms_outfile;

/* 0 when target may be written; -1 with err naming the target and what it
 * would have overwritten (or that it is a directory). Writes nothing. */
int dsms_outfile_check(const char *target, const dsms_protected *protect, size_t n,
                       dsms_err *err);
/* Check target, then start writing it with the given mode: NULL (err set)
 * on refusal or failure, with nothing left on disk. The handle is the
 * caller's, ended (and freed) by exactly one of dsms_outfile_commit and
 * dsms_outfile_abort. */
dsms_outfile *dsms_outfile_open(const char *target, const dsms_protected *protect, size_t n,
                                unsigned mode, dsms_err *err);
/* Where to write the content: the handle's stream, valid until commit or
 * abort, which close it (the caller never closes it). Cannot fail. */
FILE *dsms_outfile_stream(dsms_outfile *f);
/* The temporary file's name (for tests and messages): the handle's, valid
 * until commit or abort. Cannot fail. */
const char *dsms_outfile_temp(const dsms_outfile *f);
/* Put the file in place (flushed and synced first); frees f, either way.
 * 0, or -1 with err set, the target as it was and the temporary gone (a
 * write error met earlier on the stream fails it too). */
int dsms_outfile_commit(dsms_outfile *f, dsms_err *err);
/* Give up: the temporary is removed, the target untouched; frees f (NULL:
 * nothing). Cannot fail. */
void dsms_outfile_abort(dsms_outfile *f);

#endif
