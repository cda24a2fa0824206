/* The task farm over OpenMP threads (farm.h). */
#include <omp.h>
#include <stddef.h>

#include "qsync/farm.h"

qs_farm_options qs_farm_default_options(void)
{
  qs_farm_options o = {.threads = 1, .progress = NULL, .progress_data = NULL};
  return o;
}

int qs_farm_workers(const qs_farm_options *opt)
{
  int threads = opt && opt->threads > 0 ? opt->threads : omp_get_max_threads();
  return threads > 0 ? threads : 1;
}

qs_status qs_farm_run(long n, qs_farm_task_fn task, void *data,
                      const qs_farm_options *opt, long *failed_index)
{
  if (failed_index)
    *failed_index = -1;
  if (n < 0 || !task)
    return QS_ERR_INVALID;
  qs_farm_options defaults = qs_farm_default_options();
  if (!opt)
    opt = &defaults;
  int workers = qs_farm_workers(opt);
  long first_failed = n; /* lowest failing index so far (n: none) */
  qs_status failed_status = QS_OK;
  long done = 0;
  /* schedule(dynamic, 1) starts tasks in index order: the skip rule below
   * then never skips a task whose index is below a failure. */
#pragma omp parallel for num_threads(workers) schedule(dynamic, 1)
  for (long i = 0; i < n; i++) {
    long stop;
#pragma omp atomic read
    stop = first_failed;
    if (i > stop)
      continue;
    qs_status st = task(i, omp_get_thread_num(), data);
#pragma omp critical(qs_farm_bookkeeping)
    {
      if (st < 0 && i < first_failed) {
#pragma omp atomic write
        first_failed = i;
        failed_status = st;
      }
      done++;
      if (opt->progress)
        opt->progress(done, n, opt->progress_data);
    }
  }
  if (first_failed < n && failed_index)
    *failed_index = first_failed;
  return first_failed < n ? failed_status : QS_OK;
}
