/* qsync — checkpoints of a trajectory ensemble: resume a killed run.
 *
 * A checkpoint is OUT/checkpoint.h5: the raw sums of the totals after a
 * whole number of blocks (ensemble.h; the layout of run.h5's
 * /trajectory/raw, so the trajectory count says where to go on), the
 * index of the next trajectory, and a fingerprint of the run: a hash of
 * the run file's text and the overrides that change results, and the
 * version of qsync.  It is written as a whole or not at all: to
 * OUT/.checkpoint.h5.tmp, flushed to disk (fsync), renamed over the old
 * one, and the directory synced, so a kill at any moment (SIGKILL, a node
 * failure) leaves the previous checkpoint or the new one.
 *
 * Resuming (qs_ensemble_options.resume) copies the sums bit for bit and
 * runs the remaining blocks, so the final results equal an uninterrupted
 * run's for any number of threads or ranks before and after.
 *
 * Thread safety: no shared state; one writer per output directory (the
 * directory's lock, outdir.h).
 */
#ifndef QSYNC_CHECKPOINT_H
#define QSYNC_CHECKPOINT_H

#include <stddef.h>

#include "qsync/ensemble.h"

/* The checkpoint's file name inside the output directory. */
#define QS_CHECKPOINT_NAME "checkpoint.h5"

/* Room for a fingerprint: 16 hex digits, a space, the version. */
#define QS_CHECKPOINT_FINGERPRINT 64

/* Fingerprint of a run: FNV-1a (64 bit) over the n_parts strings (the run
 * file's text, then each override that changes results), each followed
 * by a NUL, then " " and QSYNC_VERSION.  parts[k] may be NULL (hashed as
 * empty). */
void qs_checkpoint_fingerprint(const char *const *parts, int n_parts,
                               char out[QS_CHECKPOINT_FINGERPRINT]);

/* How to run the same command again (`qsync resume OUT`): stored with the
 * checkpoint as string attributes of the same names.  Any field may be
 * NULL (stored as ""). */
typedef struct {
  const char *command;       /* "run" or "compare" */
  const char *run_file;      /* the run file's text */
  const char *run_file_path; /* its path as given (messages, run.h5) */
  const char *overrides;     /* the overrides that enter the fingerprint,
                                one "section.key=value" per line */
} qs_checkpoint_origin;

/* Write res (totals only: kept blocks are refused with QS_ERR_INVALID) and
 * `origin` (may be NULL) as the checkpoint of directory `dir` (existing),
 * replacing the previous one atomically.  QS_ERR_IO / QS_ERR_HDF5 with a
 * message naming the file; the previous checkpoint is then unchanged. */
qs_status qs_checkpoint_write(const char *dir, const qs_ensemble_result *res,
                              const char *fingerprint, const qs_checkpoint_origin *origin,
                              char *msg, size_t msglen);

/* The origin stored with the checkpoint of `dir`: each field a new string
 * (free each with free()), "" when absent.  QS_ERR_IO without a
 * checkpoint, QS_ERR_HDF5 when it cannot be read, QS_ERR_NOMEM. */
qs_status qs_checkpoint_read_origin(const char *dir, char **command, char **run_file,
                                    char **run_file_path, char **overrides, char *msg,
                                    size_t msglen);

/* Read the checkpoint of `dir` into *res (new; free with
 * qs_ensemble_result_destroy), refusing with QS_ERR_INVALID and a message
 * one written with another fingerprint (another run file, other
 * overrides, another qsync version).  QS_ERR_IO when there is no
 * checkpoint; QS_ERR_HDF5 when it cannot be read. */
qs_status qs_checkpoint_read(const char *dir, const char *fingerprint, qs_ensemble_result **res,
                             char *msg, size_t msglen);

/* Remove the checkpoint of `dir` and its temporary (after the final
 * results are in place); a missing one is not an error. */
void qs_checkpoint_remove(const char *dir);

#endif
