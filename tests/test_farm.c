/* Tests of the task farm: every slot written once, the failure reported is
 * the lowest failing index for any thread count, progress counts to n. */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

typedef struct {
  long *slot;
  int *worker_busy; /* per worker: set while a task of that worker runs */
  long fail_from;   /* tasks with index >= fail_from and index % 3 == 0 fail */
  int clash;        /* a worker index used by two tasks at once */
} farm_data;

static qs_status square_task(long i, int worker, void *data)
{
  farm_data *d = data;
  int busy;
#pragma omp atomic capture
  busy = d->worker_busy[worker]++;
  if (busy)
    d->clash = 1;
  d->slot[i] = i * i;
#pragma omp atomic
  d->worker_busy[worker]--;
  return i >= d->fail_from && i % 3 == 0 ? QS_ERR_NUMERIC : QS_OK;
}

static void count_progress(long done, long total, void *data)
{
  long *last = data;
  CU_ASSERT(done >= 1 && done <= total);
  if (done > *last)
    *last = done;
}

static void test_farm_slots_and_progress(void)
{
  enum { N = 1000 };
  for (int threads = 1; threads <= 3; threads++) {
    long slot[N];
    int busy[8] = {0};
    farm_data d = {slot, busy, N, 0};
    for (long i = 0; i < N; i++)
      slot[i] = -1;
    long last = 0, failed = 7;
    qs_farm_options o = qs_farm_default_options();
    o.threads = threads;
    o.progress = count_progress;
    o.progress_data = &last;
    CU_ASSERT_EQUAL(qs_farm_workers(&o), threads);
    CU_ASSERT_EQUAL(qs_farm_run(N, square_task, &d, &o, &failed), QS_OK);
    CU_ASSERT_EQUAL(failed, -1);
    CU_ASSERT_EQUAL(last, N);
    CU_ASSERT_FALSE(d.clash);
    long wrong = 0;
    for (long i = 0; i < N; i++)
      wrong += slot[i] != i * i;
    CU_ASSERT_EQUAL(wrong, 0);
  }
}

static void test_farm_lowest_failure(void)
{
  enum { N = 500 };
  /* Tasks 102, 105, ... fail: 102 is reported whatever the thread count,
   * and every task below it ran. */
  for (int threads = 1; threads <= 4; threads++) {
    long slot[N];
    int busy[8] = {0};
    farm_data d = {slot, busy, 101, 0};
    for (long i = 0; i < N; i++)
      slot[i] = -1;
    qs_farm_options o = qs_farm_default_options();
    o.threads = threads;
    long failed = -5;
    CU_ASSERT_EQUAL(qs_farm_run(N, square_task, &d, &o, &failed), QS_ERR_NUMERIC);
    CU_ASSERT_EQUAL(failed, 102);
    long missing = 0;
    for (long i = 0; i <= 102; i++)
      missing += slot[i] != i * i;
    CU_ASSERT_EQUAL(missing, 0);
  }
  CU_ASSERT_EQUAL(qs_farm_run(-1, square_task, NULL, NULL, NULL), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_farm_run(3, NULL, NULL, NULL, NULL), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_farm_run(0, square_task, NULL, NULL, NULL), QS_OK);
}

static void test_farm_bytes(void)
{
  /* What is put comes back in order; the buffer grows past its first
   * allocation (3000 doubles); reading past the end is QS_ERR_IO and
   * leaves the target untouched. */
  qs_farm_bytes b = {0};
  double x[3000], y[3000];
  int tag = 7, tag_back = 0;
  for (int i = 0; i < 3000; i++)
    x[i] = 1.0 / (i + 1);
  qs_farm_put(&b, &tag, sizeof tag);
  qs_farm_put(&b, x, sizeof x);
  CU_ASSERT_EQUAL(b.st, QS_OK);
  CU_ASSERT_EQUAL(b.len, sizeof tag + sizeof x);
  qs_farm_get(&b, &tag_back, sizeof tag_back);
  qs_farm_get(&b, y, sizeof y);
  CU_ASSERT_EQUAL(b.st, QS_OK);
  CU_ASSERT_EQUAL(tag_back, 7);
  CU_ASSERT_EQUAL(memcmp(x, y, sizeof x), 0);
  double z = -1.0;
  qs_farm_get(&b, &z, sizeof z);
  CU_ASSERT_EQUAL(b.st, QS_ERR_IO);
  CU_ASSERT_EQUAL(z, -1.0);
  free(b.bytes);
}

static qs_status no_pack(long index, qs_farm_bytes *b, void *data)
{
  (void)index;
  (void)b;
  (void)data;
  return QS_ERR_INVALID; /* never called in one process */
}

static void test_farm_distribute_one_process(void)
{
  /* distribute in a process that is not part of an MPI job: the plain
   * farm (every slot here); without a codec: QS_ERR_INVALID. */
  enum { N = 50 };
  long slot[N];
  int busy[8] = {0};
  farm_data d = {slot, busy, N, 0};
  qs_farm_options o = qs_farm_default_options();
  o.distribute = 1;
  o.threads = 2;
  CU_ASSERT_EQUAL(qs_farm_run(N, square_task, &d, &o, NULL), QS_ERR_INVALID);
  o.pack = no_pack;
  o.unpack = no_pack;
  CU_ASSERT_EQUAL(qs_farm_distributed(&o), 0);
  CU_ASSERT_EQUAL(qs_farm_run(N, square_task, &d, &o, NULL), QS_OK);
  long wrong = 0;
  for (long i = 0; i < N; i++)
    wrong += slot[i] != i * i;
  CU_ASSERT_EQUAL(wrong, 0);
}

int qs_test_register_farm(void)
{
  static const test_case cases[] = {
    {"every slot written once, progress to n, threads 1-3", test_farm_slots_and_progress},
    {"lowest failing index reported for threads 1-4", test_farm_lowest_failure},
    {"slot bytes: put/get round trip, growth, read past the end", test_farm_bytes},
    {"distribute in one process: the plain farm; no codec refused",
     test_farm_distribute_one_process},
  };
  return test_add_suite("farm", cases, (int)(sizeof cases / sizeof cases[0]));
}
