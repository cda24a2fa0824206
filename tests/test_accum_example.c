/* An accumulator added from outside the library: the largest number of
 * jumps in one trajectory.  This file and the suite's registration are all
 * it takes (the type goes to qs_ensemble_options.accums and to
 * qs_ensemble_read); the ensemble core is not touched. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

typedef struct {
  long in_trajectory; /* jumps of the current trajectory */
  long max;           /* largest number of jumps in one trajectory */
} max_jumps;

static qs_status max_jumps_alloc(const qs_accum_shape *shape, void **state)
{
  (void)shape;
  *state = calloc(1, sizeof(max_jumps));
  return *state ? QS_OK : QS_ERR_NOMEM;
}

static void max_jumps_reset(void *state)
{
  memset(state, 0, sizeof(max_jumps));
}

static void max_jumps_jump(void *state, long index, double t, int channel)
{
  (void)index;
  (void)t;
  (void)channel;
  ((max_jumps *)state)->in_trajectory++;
}

static void max_jumps_finish(void *state, const qs_accum_end *end)
{
  (void)end;
  max_jumps *a = state;
  a->max = a->in_trajectory;
}

static qs_status max_jumps_add(void *into, const void *from)
{
  max_jumps *a = into;
  const max_jumps *b = from;
  if (b->max > a->max)
    a->max = b->max;
  return QS_OK;
}

static qs_status max_jumps_write(const void *state, qs_accum_io *io)
{
  return qs_accum_io_put_long(io, "max", 1, &((const max_jumps *)state)->max);
}

static qs_status max_jumps_read(void *state, qs_accum_io *io)
{
  return qs_accum_io_get_long(io, "max", 1, &((max_jumps *)state)->max);
}

static const qs_accum_type max_jumps_type = {
    "max_jumps",      max_jumps_alloc, max_jumps_reset, NULL,           max_jumps_jump,
    max_jumps_finish, max_jumps_add,   max_jumps_write, max_jumps_read, free};

/* The maximum against the one found in the jump records of the same run;
 * then written, and read back with and without the type. */
static void test_max_jumps(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  double times[3] = {0.0, 2.0, 5.0};
  const qs_accum_type *extra[] = {&max_jumps_type};
  qs_ensemble_options o = qs_ensemble_default_options();
  o.ntraj = 150;
  o.threads = 2;
  o.times = times;
  o.n_times = 3;
  o.record_jumps = 1;
  o.accums = extra;
  o.n_accums = 1;
  qs_ensemble_result *r = NULL;
  char msg[256] = "";
  CU_ASSERT_EQUAL_FATAL(qs_ensemble_run(m, NULL, &o, &r, msg, sizeof msg), QS_OK);
  const max_jumps *got = qs_ensemble_accum(r, "max_jumps");
  const qs_accum_jump_records *rec = qs_ensemble_accum(r, "jump_records");
  CU_ASSERT_FATAL(got && rec);
  long expected = 0, run_length = 0;
  for (long i = 0; i < rec->n; i++) {
    run_length = i > 0 && rec->traj[i] == rec->traj[i - 1] ? run_length + 1 : 1;
    expected = run_length > expected ? run_length : expected;
  }
  CU_ASSERT(expected > 1);
  CU_ASSERT_EQUAL(got->max, expected);

  char path[] = "/tmp/qsync_accum_example_XXXXXX";
  int fd = mkstemp(path);
  CU_ASSERT_FATAL(fd >= 0);
  close(fd);
  CU_ASSERT_EQUAL(qs_ensemble_write(path, r, msg, sizeof msg), QS_OK);
  qs_ensemble_result *back = NULL;
  CU_ASSERT_EQUAL(qs_ensemble_read(path, extra, 1, &back, msg, sizeof msg), QS_OK);
  const max_jumps *read = qs_ensemble_accum(back, "max_jumps");
  CU_ASSERT(read && read->max == expected);
  qs_ensemble_result_destroy(&back);
  CU_ASSERT_EQUAL(qs_ensemble_read(path, NULL, 0, &back, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "max_jumps"));
  CU_ASSERT_PTR_NULL(back);
  remove(path);
  qs_ensemble_result_destroy(&r);
  qs_model_destroy(&m);
}

int qs_test_register_accum_example(void)
{
  static const test_case cases[] = {
    {"an accumulator from outside the library: max jumps per trajectory", test_max_jumps},
  };
  return test_add_suite("accum_example", cases, (int)(sizeof cases / sizeof cases[0]));
}
