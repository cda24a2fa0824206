/* Private: the set of files being written into the output directory
 * (outdir.c), used by output.c.  One set at a time per process:
 * begin, add each file, then commit (rename all) or discard (remove all). */
#ifndef QSYNC_OUTDIR_IMPL_H
#define QSYNC_OUTDIR_IMPL_H

#include <stddef.h>

#include "qsync/outdir.h"
#include "qsync/runfile.h"

/* Room for a temporary path: the directory, '/', '.', the name, the suffix. */
#define QS_OUTSET_PATH (QS_RUNFILE_MAX_PATH + 128)

/* Lock `dir` (checked and created as by qs_outdir_claim) for the duration
 * of one write unless the process holds it; *taken tells whether to call
 * qs_outset_unlock afterwards. */
qs_status qs_outset_lock(const char *dir, int *taken, char *msg, size_t msglen);
void qs_outset_unlock(void);

/* Start a set of files in the existing directory `dir`: the set staged
 * since the claim when the process holds dir (qs_outdir_claim), else a set
 * of its own (an unfinished earlier one is discarded). */
void qs_outset_begin(const char *dir);

/* Create the unique temporary DIR/.NAME.XXXXXX for the final file
 * DIR/NAME (mode 0666 minus the umask), registered for removal on
 * discard or signal.  Returns a descriptor open for writing with its path
 * in tmp, or -1 with a message (a name with '/' or too long a path, too
 * many files, or the creation failed). */
int qs_outset_add(const char *name, char *tmp, size_t tmplen, char *msg, size_t msglen);

/* Flush the complete file `path` to the disk; 0, or -1 with errno set. */
int qs_outset_sync_path(const char *path);

/* End the writes begun by qs_outset_begin, with `st` their status.  A set
 * of its own is renamed into place when st is QS_OK (a final name that is a
 * directory fails before any rename; QS_ERR_IO with a message) and removed
 * otherwise.  The claimed directory's set waits for qs_outdir_commit; a
 * failure marks it failed.  Returns the set's status. */
qs_status qs_outset_end(qs_status st, char *msg, size_t msglen);

#endif
