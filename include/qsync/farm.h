/* qsync — the task farm: every parallel loop of the library runs here.
 *
 * A farm runs tasks 0..n-1 of one kind.  Task i writes only its own result
 * slot (chosen by the caller from i), so the results do not depend on the
 * number of workers or on the order in which tasks finish; any reduction
 * over the slots is done by the caller afterwards, in index order.  Today
 * the workers are OpenMP threads; MPI ranks (contiguous index ranges, slots
 * gathered to rank 0) plug in here without touching the callers.
 *
 * Errors: a task returns a qs_status.  When task k fails, tasks with an
 * index above k that have not started are skipped; tasks are started in
 * index order, so every task below k has run, and the failure reported
 * (the lowest failing index) is the same for any number of workers.
 *
 * Life cycle (FFTW's plan/execute in miniature): fill qs_farm_options
 * (qs_farm_default_options), ask qs_farm_workers how many per-worker
 * workspaces to allocate, then qs_farm_run.
 */
#ifndef QSYNC_FARM_H
#define QSYNC_FARM_H

#include "qsync/error.h"

/* Progress callback: `done` of `total` units finished.  Called by the farm
 * under a lock, from whichever worker finished a task. */
typedef void (*qs_progress_fn)(long done, long total, void *data);

/* Task `index`, run by worker `worker` (0..qs_farm_workers()-1: the index
 * of a per-worker workspace that no other task uses at the same time). */
typedef qs_status (*qs_farm_task_fn)(long index, int worker, void *data);

typedef struct {
  int threads;              /* OpenMP threads, >= 0 (0: OpenMP's default). Default 1 */
  qs_progress_fn progress;  /* called after each task with (tasks done, n), may be NULL */
  void *progress_data;
} qs_farm_options;

qs_farm_options qs_farm_default_options(void);

/* Number of workers a run with these options uses (for n >= that many tasks). */
int qs_farm_workers(const qs_farm_options *opt);

/* Run tasks 0..n-1 (n >= 0).  Returns QS_OK, or the status of the failed
 * task with the lowest index, whose index goes to *failed_index (if not
 * NULL; -1 when all succeeded).  QS_ERR_INVALID for n < 0 or a NULL task. */
qs_status qs_farm_run(long n, qs_farm_task_fn task, void *data,
                      const qs_farm_options *opt, long *failed_index);

#endif
