/* qsync — the output directory of a run: checked, created and locked
 * before the work starts, and written as one set of files.
 *
 * A process claims one output directory (qs_outdir_claim): the name is
 * checked (not empty, shorter than QS_RUNFILE_MAX_PATH), the directory and
 * its parents are created, and the advisory lock OUT/.qsync.lock (flock) is
 * taken, which also proves that the directory is writable.  A second
 * process claiming the same directory is refused until the first releases
 * it (qs_outdir_release, or its exit).
 *
 * qs_output_write and qs_output_write_text (output.h) into the claimed
 * directory stage their files: all of them, from every write since the
 * claim, are one set, renamed into place together by qs_outdir_commit.
 * Into any other directory, such a write locks it for its duration and is
 * a set of its own.
 *
 * Files are written under unique temporary names OUT/.NAME.XXXXXX (a set
 * of them at a time), flushed to disk (fsync), and renamed to their final
 * names only when all of them are complete; the directory is then synced.
 * A failure before the renames removes every temporary and changes no
 * final file.
 *
 * Thread safety: call from one thread; qs_outdir_abandon may be called
 * from a signal handler.
 */
#ifndef QSYNC_OUTDIR_H
#define QSYNC_OUTDIR_H

#include <stddef.h>

#include "qsync/error.h"

/* Name of the lock file inside the output directory. */
#define QS_OUTDIR_LOCK_NAME ".qsync.lock"

/* Check, create (with parents) and lock `dir` for this process.
 * QS_ERR_INVALID: empty or too long a name; QS_ERR_IO: the directory cannot
 * be created, is not a directory, is not writable, or another process holds
 * its lock — with a message naming the path.  Claiming the directory the
 * process already holds is QS_OK; claiming a second one releases the first. */
qs_status qs_outdir_claim(const char *dir, char *msg, size_t msglen);

/* 1 when this process holds the lock of `dir` (same directory, whatever the
 * spelling of the path), else 0. */
int qs_outdir_holds(const char *dir);

/* Rename every file staged in the claimed directory into place, then
 * sync the directory.  When one of the writes since the claim failed,
 * remove them all instead: QS_ERR_IO with a message, and no result file
 * changed.  QS_OK when nothing is staged or claimed. */
qs_status qs_outdir_commit(char *msg, size_t msglen);

/* A scratch file of the claimed directory: DIR/.NAME.XXXXXX is created
 * (mode 0600) and its path written to path[pathlen]; it is removed by
 * qs_outdir_commit, qs_outdir_release and qs_outdir_abandon (a signal),
 * never renamed into place.  For data written during a run and copied
 * into a result file at its end (qsync jumps streams its trajectory
 * records into one).  Returns a descriptor open for writing, or -1 with a
 * message (no directory claimed, a name with '/', too many scratch files,
 * the creation failed). */
int qs_outdir_scratch(const char *name, char *path, size_t pathlen, char *msg, size_t msglen);

/* Remove the files staged and not committed, the temporaries of an
 * unfinished write and the lock file, and release the lock.  Safe to call
 * when nothing is claimed. */
void qs_outdir_release(void);

/* For a SIGINT/SIGTERM handler: the same as qs_outdir_release with
 * async-signal-safe calls only (unlink, rmdir), then 1: the handler may
 * _exit.  While a set is being renamed into place it does nothing but note
 * `sig` and returns 0: the handler returns, and the program exits after
 * the renames when qs_outdir_pending_signal says so. */
int qs_outdir_abandon(int sig);

/* The signal noted by qs_outdir_abandon during the renames, or 0. */
int qs_outdir_pending_signal(void);

#endif
