/* The task farm over OpenMP threads and, distributed, MPI ranks (farm.h). */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "qsync/dist.h"
#include "qsync/farm.h"

qs_farm_options qs_farm_default_options(void)
{
  qs_farm_options o = {.threads = 1, .progress = NULL, .progress_data = NULL,
                       .distribute = 0, .pack = NULL, .unpack = NULL};
  return o;
}

int qs_farm_workers(const qs_farm_options *opt)
{
  int threads = opt && opt->threads > 0 ? opt->threads : omp_get_max_threads();
  return threads > 0 ? threads : 1;
}

int qs_farm_distributed(const qs_farm_options *opt)
{
  return opt && opt->distribute && qs_dist_size() > 1;
}

void qs_farm_put(qs_farm_bytes *b, const void *p, size_t n)
{
  if (b->st != QS_OK || n == 0)
    return;
  if (b->len + n > b->cap) {
    size_t cap = 2 * (b->len + n);
    unsigned char *grown = realloc(b->bytes, cap);
    if (!grown) {
      b->st = QS_ERR_NOMEM;
      return;
    }
    b->bytes = grown;
    b->cap = cap;
  }
  memcpy(b->bytes + b->len, p, n);
  b->len += n;
}

void qs_farm_get(qs_farm_bytes *b, void *p, size_t n)
{
  if (b->st != QS_OK || n == 0)
    return;
  if (n > b->len - b->pos) {
    b->st = QS_ERR_IO;
    return;
  }
  memcpy(p, b->bytes + b->pos, n);
  b->pos += n;
}

/* The lowest failure this process knows of and the progress count: shared
 * by the threads of a wave (and by the receives on rank 0). */
typedef struct {
  long n;
  long first_failed; /* lowest failing index so far (n: none) */
  qs_status failed_status;
  long done;
  int report;        /* 1: call the progress callback (rank 0 alone) */
  const qs_farm_options *opt;
  qs_farm_task_fn task;
  void *data;
} farm_state;

/* Record task i's status (under the farm's lock) and count it. */
static void note_task(farm_state *s, long i, qs_status st)
{
  if (st < 0 && i < s->first_failed) {
#pragma omp atomic write
    s->first_failed = i;
    s->failed_status = st;
  }
  s->done++;
  if (s->opt->progress && s->report)
    s->opt->progress(s->done, s->n, s->opt->progress_data);
}

/* Tasks i = k * stride + offset for k in [k0, k1), started in the order
 * of k (schedule(dynamic, 1): the skip rule then never skips a task below
 * a failure), skipping those above a known failure; their statuses in
 * status[k - k0] (QS_STOPPED: skipped).  stride 1, offset 0: all tasks. */
static void run_tasks(farm_state *s, long k0, long k1, long stride, long offset,
                      qs_status *status)
{
  int workers = qs_farm_workers(s->opt);
#pragma omp parallel for num_threads(workers) schedule(dynamic, 1)
  for (long k = k0; k < k1; k++) {
    long i = k * stride + offset, stop;
#pragma omp atomic read
    stop = s->first_failed;
    qs_status st = QS_STOPPED;
    if (i <= stop) {
      st = s->task(i, omp_get_thread_num(), s->data);
#pragma omp critical(qs_farm_bookkeeping)
      note_task(s, i, st);
    }
    if (status)
      status[k - k0] = st;
  }
}

/* Rank > 0: each task of the wave to rank 0, in index order: its status
 * and its packed slot (nothing for a skipped task). */
static void send_wave(farm_state *s, long k0, long k1, long stride, long offset,
                      const qs_status *status)
{
  for (long k = k0; k < k1; k++) {
    long i = k * stride + offset;
    qs_farm_bytes b = {0};
    qs_status st = status[k - k0];
    if (st != QS_STOPPED) {
      qs_status packed = s->opt->pack(i, &b, s->data);
      if (packed == QS_OK)
        packed = b.st;
      if (st == QS_OK && packed != QS_OK) {
        st = packed;
        note_task(s, i, st); /* skip this rank's later tasks */
      }
    }
    qs_dist_send(st, b.bytes, st == QS_STOPPED ? 0 : b.len);
    free(b.bytes);
  }
}

/* Rank 0: task i from rank `from` into the caller's slot (a failed task's
 * slot too: it carries the message), counted as if it ran here. */
static void receive_task(farm_state *s, long i, int from)
{
  qs_status st = QS_ERR_IO;
  qs_farm_bytes b = {0};
  void *bytes = NULL;
  if (qs_dist_recv(from, &st, &bytes, &b.len) != QS_OK)
    st = QS_ERR_IO;
  b.bytes = bytes;
  b.cap = b.len;
  if (st != QS_STOPPED && st != QS_ERR_IO) {
    qs_status unpacked = s->opt->unpack(i, &b, s->data);
    if (unpacked == QS_OK)
      unpacked = b.st;
    if (st == QS_OK)
      st = unpacked;
  }
  free(bytes);
  if (st != QS_STOPPED)
    note_task(s, i, st);
}

/* This rank's tasks i = k R + rank in waves of one per worker; after each
 * wave rank 0 collects the other ranks' tasks of the same wave, in index
 * order (every rank sends in its own index order, so the messages of one
 * rank arrive in the order rank 0 asks for them). */
static void run_distributed(farm_state *s)
{
  long R = qs_dist_size(), rank = qs_dist_rank(), n = s->n;
  long mine = rank < n ? (n - rank + R - 1) / R : 0; /* this rank's tasks */
  long wave = qs_farm_workers(s->opt);
  qs_status *status = malloc((size_t)wave * sizeof *status);
  int stop_sent = 0;
  for (long k0 = 0; k0 < mine; k0 += wave) {
    long k1 = k0 + wave < mine ? k0 + wave : mine;
    if (!status) { /* every task still has to be answered: as failed */
      for (long k = k0; k < k1; k++)
        note_task(s, k * R + rank, QS_ERR_NOMEM);
    } else if (rank > 0 && qs_dist_stop_requested()) {
      for (long k = k0; k < k1; k++) /* above rank 0's failure: answered as skipped */
        status[k - k0] = QS_STOPPED;
    } else {
      run_tasks(s, k0, k1, R, rank, status);
    }
    if (rank > 0 && status) {
      send_wave(s, k0, k1, R, rank, status);
    } else if (rank > 0) {
      for (long k = k0; k < k1; k++)
        qs_dist_send(QS_ERR_NOMEM, NULL, 0);
    } else {
      for (long i = k0 * R + 1; i < k1 * R && i < n; i++)
        if (i % R != 0)
          receive_task(s, i, (int)(i % R));
      /* A failure at k is final once every task below k is in: the other
       * ranks skip their later waves, whose tasks all lie above k. */
      if (s->first_failed < n && !stop_sent) {
        qs_dist_stop_others();
        stop_sent = 1;
      }
    }
  }
  free(status);
  /* End the exchange: a stop still on its way is consumed (dist.h). */
  if (rank > 0)
    qs_dist_send_done();
  else
    qs_dist_drain();
}

qs_status qs_farm_run(long n, qs_farm_task_fn task, void *data,
                      const qs_farm_options *opt, long *failed_index)
{
  if (failed_index)
    *failed_index = -1;
  qs_farm_options defaults = qs_farm_default_options();
  if (!opt)
    opt = &defaults;
  if (n < 0 || !task || (opt->distribute && (!opt->pack || !opt->unpack)))
    return QS_ERR_INVALID;
  farm_state s = {.n = n, .first_failed = n, .failed_status = QS_OK, .done = 0, .opt = opt,
                  .report = !qs_farm_distributed(opt) || qs_dist_rank() == 0,
                  .task = task, .data = data};
  if (qs_farm_distributed(opt)) {
    run_distributed(&s);
    /* every rank returns rank 0's verdict */
    s.first_failed = qs_dist_share(s.first_failed);
    s.failed_status = (qs_status)qs_dist_share(s.failed_status);
  } else {
    run_tasks(&s, 0, n, 1, 0, NULL);
  }
  if (s.first_failed < n && failed_index)
    *failed_index = s.first_failed;
  return s.first_failed < n ? s.failed_status : QS_OK;
}
