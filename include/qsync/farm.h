/* qsync — the task farm: every parallel loop of the library runs here.
 *
 * A farm runs tasks 0..n-1 of one kind.  Task i writes only its own result
 * slot (chosen by the caller from i), so the results do not depend on the
 * number of workers or on the order in which tasks finish; any reduction
 * over the slots is done by the caller afterwards, in index order.  Today
 * the workers are the OpenMP threads of one process or, with `distribute`,
 * the threads of every MPI rank of a distributed run (see below).
 *
 * Errors: a task returns a qs_status.  When task k fails, tasks with an
 * index above k that have not started are skipped; tasks are started in
 * index order, so every task below k has run, and the failure reported
 * (the lowest failing index) is the same for any number of workers.
 *
 * Life cycle (FFTW's plan/execute in miniature): fill qs_farm_options
 * (qs_farm_default_options), ask qs_farm_workers how many per-worker
 * workspaces to allocate, then qs_farm_run.
 *
 * Distributed (opt->distribute = 1 in a run of R > 1 MPI ranks, dist.h;
 * every rank calls qs_farm_run with the same n): task i runs on rank
 * i mod R (round-robin, as the ensemble's blocks: neighbouring points of a
 * sweep, whose cost is alike, land on different ranks), on that rank's
 * OpenMP threads.  A rank takes its tasks in waves of one task per worker;
 * after each wave the other ranks pack each finished slot (opt->pack) and
 * send it to rank 0, which unpacks it into its own slot (opt->unpack) in
 * index order and counts it in the progress.  So after qs_farm_run, rank 0
 * holds every slot exactly as one process would have left it; the other
 * ranks hold only their own, and should skip what follows (rank 0 writes
 * and prints).  A failed task's slot is sent too (its message travels in
 * it), so rank 0 reports the failure as one process would.  The error
 * contract is the same (lowest failing index, for any R and threads): a
 * rank skips its tasks above its own lowest failure, rank 0 its tasks
 * above any failure it knows of, and once rank 0 has every task below a
 * failure it stops the other ranks, which answer their later waves (all
 * above the failure) as skipped; every rank returns rank 0's verdict.
 */
#ifndef QSYNC_FARM_H
#define QSYNC_FARM_H

#include <stddef.h>

#include "qsync/error.h"

/* Progress callback: `done` of `total` units finished.  Called by the farm
 * under a lock, from whichever worker finished a task. */
typedef void (*qs_progress_fn)(long done, long total, void *data);

/* Task `index`, run by worker `worker` (0..qs_farm_workers()-1: the index
 * of a per-worker workspace that no other task uses at the same time). */
typedef qs_status (*qs_farm_task_fn)(long index, int worker, void *data);

/* The bytes of one slot on their way from a rank to rank 0: pack appends
 * with qs_farm_put, unpack reads them back in the same order with
 * qs_farm_get.  A failed put or get is recorded in st (and later calls do
 * nothing), so a codec may check st once at its end. */
typedef struct {
  unsigned char *bytes;
  size_t len, cap;  /* bytes written (pack) or available (unpack), allocated */
  size_t pos;       /* unpack: bytes read so far */
  qs_status st;     /* QS_OK; QS_ERR_NOMEM (put) or QS_ERR_IO (get past the end) */
} qs_farm_bytes;

/* Append n bytes from p. */
void qs_farm_put(qs_farm_bytes *b, const void *p, size_t n);
/* Read the next n bytes into p. */
void qs_farm_get(qs_farm_bytes *b, void *p, size_t n);

/* Slot codec of a distributed farm, called on the main thread: pack task
 * `index`'s slot (after it ran, failed or not) into b on the rank that ran
 * it; unpack it into rank 0's slot `index`.  Return QS_OK or an error
 * (that task then counts as failed with it). */
typedef qs_status (*qs_farm_pack_fn)(long index, qs_farm_bytes *b, void *data);
typedef qs_status (*qs_farm_unpack_fn)(long index, qs_farm_bytes *b, void *data);

typedef struct {
  int threads;              /* OpenMP threads, >= 0 (0: OpenMP's default). Default 1 */
  qs_progress_fn progress;  /* called after each task with (tasks done, n), may be NULL;
                               distributed: on rank 0 only, counting every rank's tasks */
  void *progress_data;
  int distribute;           /* 1: spread the tasks over the MPI ranks when there are
                               several (needs pack and unpack).  Default 0 */
  qs_farm_pack_fn pack;     /* slot codec of a distributed run (`data` of qs_farm_run) */
  qs_farm_unpack_fn unpack;
} qs_farm_options;

qs_farm_options qs_farm_default_options(void);

/* Number of workers a run with these options uses (for n >= that many tasks). */
int qs_farm_workers(const qs_farm_options *opt);

/* 1 when a run with these options spreads its tasks over several MPI ranks
 * (distribute set and R > 1): the caller's slots then reach rank 0 only. */
int qs_farm_distributed(const qs_farm_options *opt);

/* Run tasks 0..n-1 (n >= 0).  Returns QS_OK, or the status of the failed
 * task with the lowest index, whose index goes to *failed_index (if not
 * NULL; -1 when all succeeded).  QS_ERR_INVALID for n < 0, a NULL task, or
 * distribute without pack/unpack (on every rank alike).  Distributed, the
 * same on every rank (a collective call), QS_ERR_IO for a lost message. */
qs_status qs_farm_run(long n, qs_farm_task_fn task, void *data,
                      const qs_farm_options *opt, long *failed_index);

#endif
