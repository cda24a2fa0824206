/* Checkpoints (checkpoint.h) and resumed ensembles: a run stopped by its
 * checkpoint hook, written, read back and resumed (with another thread
 * count) has the bits of an uninterrupted run; fingerprints and runs that
 * do not fit are refused. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

#define N_TIMES 11

static double times[N_TIMES];

static qs_ensemble_options options(long ntraj, int threads)
{
  for (int t = 0; t < N_TIMES; t++)
    times[t] = 10.0 * t / (N_TIMES - 1);
  qs_ensemble_options o = qs_ensemble_default_options();
  o.ntraj = ntraj;
  o.threads = threads;
  o.seed = 11;
  o.times = times;
  o.n_times = N_TIMES;
  o.burn_in = 4.0;
  o.store_rho = 1;
  o.record_jumps = 1;
  return o;
}

/* The sums of the built-in accumulators and the jump records equal, bit
 * for bit. */
static int same_bits(const qs_ensemble_result *a, const qs_ensemble_result *b)
{
  size_t no = (size_t)a->n_times * (size_t)a->n_obs, n2 = (size_t)(a->dim * a->dim);
  const qs_accum_jump_records *ja = qs_ensemble_accum(a, "jump_records");
  const qs_accum_jump_records *jb = qs_ensemble_accum(b, "jump_records");
  return a->ntraj == b->ntraj && ja && jb && ja->n == jb->n &&
         memcmp(ja->t, jb->t, (size_t)ja->n * sizeof *ja->t) == 0 &&
         memcmp(ja->traj, jb->traj, (size_t)ja->n * sizeof *ja->traj) == 0 &&
         memcmp(a->obs_sum, b->obs_sum, no * sizeof *a->obs_sum) == 0 &&
         memcmp(a->obs_sq_re, b->obs_sq_re, no * sizeof(double)) == 0 &&
         memcmp(a->obs_sq_im, b->obs_sq_im, no * sizeof(double)) == 0 &&
         memcmp(a->avg_sum, b->avg_sum, (size_t)a->n_obs * sizeof *a->avg_sum) == 0 &&
         memcmp(a->rho_sum, b->rho_sum, (size_t)a->n_times * n2 * sizeof *a->rho_sum) == 0 &&
         memcmp(a->rho_avg_group, b->rho_avg_group,
                QS_ENSEMBLE_GROUPS * n2 * sizeof *a->rho_avg_group) == 0 &&
         memcmp(a->group_ntraj, b->group_ntraj, sizeof a->group_ntraj) == 0 &&
         a->work.jumps == b->work.jumps && a->work.steps == b->work.steps;
}

/* The hook: stop once `*(long *)data` trajectories are done. */
static qs_status stop_after(const qs_ensemble_result *res, void *data)
{
  return res->ntraj >= *(const long *)data ? QS_STOPPED : QS_OK;
}

static void test_stop_write_read_resume(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  char dir[] = "/tmp/qs_ckpt_XXXXXX", msg[512] = "";
  CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
  /* 200 trajectories: 3 full blocks and one of 8. */
  qs_ensemble_options o = options(200, 1);
  qs_ensemble_result *whole = NULL, *part = NULL, *back = NULL, *resumed = NULL;
  CU_ASSERT_EQUAL(qs_ensemble_run(m, NULL, &o, &whole, msg, sizeof msg), QS_OK);
  long stop = 2 * QS_ENSEMBLE_BLOCK;
  o.checkpoint = stop_after;
  o.checkpoint_data = &stop;
  CU_ASSERT_EQUAL(qs_ensemble_run(m, NULL, &o, &part, msg, sizeof msg), QS_STOPPED);
  CU_ASSERT_EQUAL_FATAL(part->ntraj, 2 * QS_ENSEMBLE_BLOCK);
  qs_checkpoint_origin origin = {"run", "[model]\n", "a/b.ini", "run.seed=11\n"};
  CU_ASSERT_EQUAL(qs_checkpoint_write(dir, part, "fp 1", &origin, msg, sizeof msg), QS_OK);
  char *command = NULL, *text = NULL, *path = NULL, *overrides = NULL;
  CU_ASSERT_EQUAL(qs_checkpoint_read_origin(dir, &command, &text, &path, &overrides, msg,
                                            sizeof msg), QS_OK);
  CU_ASSERT(command && strcmp(command, origin.command) == 0);
  CU_ASSERT(text && strcmp(text, origin.run_file) == 0);
  CU_ASSERT(path && strcmp(path, origin.run_file_path) == 0);
  CU_ASSERT(overrides && strcmp(overrides, origin.overrides) == 0);
  free(command);
  free(text);
  free(path);
  free(overrides);
  CU_ASSERT_EQUAL(qs_checkpoint_read(dir, "fp 1", &back, msg, sizeof msg), QS_OK);
  CU_ASSERT_PTR_NOT_NULL_FATAL(back);
  CU_ASSERT(same_bits(part, back));
  /* Resumed on two threads: the remaining blocks only, the whole run's bits. */
  qs_ensemble_options o2 = options(200, 2);
  o2.resume = back;
  CU_ASSERT_EQUAL(qs_ensemble_run(m, NULL, &o2, &resumed, msg, sizeof msg), QS_OK);
  CU_ASSERT_PTR_NOT_NULL_FATAL(resumed);
  CU_ASSERT(same_bits(whole, resumed));
  qs_ensemble_result_destroy(&resumed);
  qs_ensemble_result_destroy(&back);
  /* Another fingerprint (another run file, another version): refused. */
  CU_ASSERT_EQUAL(qs_checkpoint_read(dir, "fp 2", &back, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT(strstr(msg, "refused") != NULL);
  CU_ASSERT_PTR_NULL(back);
  /* A checkpoint that is not a prefix of this run (another seed): refused. */
  o2 = options(200, 1);
  o2.seed = 12;
  o2.resume = part;
  CU_ASSERT_EQUAL(qs_ensemble_run(m, NULL, &o2, &resumed, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NULL(resumed);
  /* ... or longer than this run. */
  o2 = options(100, 1);
  o2.resume = part;
  CU_ASSERT_EQUAL(qs_ensemble_run(m, NULL, &o2, &resumed, msg, sizeof msg), QS_ERR_INVALID);
  qs_checkpoint_remove(dir);
  CU_ASSERT_EQUAL(qs_checkpoint_read(dir, "fp 1", &back, msg, sizeof msg), QS_ERR_IO);
  CU_ASSERT_EQUAL(rmdir(dir), 0); /* nothing else was left in it */
  qs_ensemble_result_destroy(&part);
  qs_ensemble_result_destroy(&whole);
  qs_model_destroy(&m);
}

/* A checkpoint that already holds every trajectory: the run ends at once
 * with the same bits. */
static void test_resume_complete(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  char msg[512] = "";
  qs_ensemble_options o = options(70, 2);
  qs_ensemble_result *whole = NULL, *again = NULL;
  CU_ASSERT_EQUAL(qs_ensemble_run(m, NULL, &o, &whole, msg, sizeof msg), QS_OK);
  o.resume = whole;
  CU_ASSERT_EQUAL(qs_ensemble_run(m, NULL, &o, &again, msg, sizeof msg), QS_OK);
  CU_ASSERT_PTR_NOT_NULL_FATAL(again);
  CU_ASSERT(same_bits(whole, again));
  qs_ensemble_result_destroy(&again);
  qs_ensemble_result_destroy(&whole);
  qs_model_destroy(&m);
}

int qs_test_register_checkpoint(void)
{
  static const test_case cases[] = {
    {"stopped, written (with its origin), read back, resumed on 2 threads: the "
     "uninterrupted run's bits; refusals", test_stop_write_read_resume},
    {"resuming a complete checkpoint gives its bits", test_resume_complete},
  };
  return test_add_suite("checkpoint", cases, (int)(sizeof cases / sizeof cases[0]));
}
