/* Accumulators: merging parts of a run read back from disk is bitwise one
 * run; jump counts against the exact rate integral and against the
 * observables; read-back errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

static qs_ensemble_result *run_part(const qs_model *m, long first, long ntraj, int keep_blocks,
                                    const double *times, int n_times)
{
  qs_ensemble_options o = qs_ensemble_default_options();
  o.ntraj = ntraj;
  o.first_index = first;
  o.threads = 2;
  o.seed = 31;
  o.times = times;
  o.n_times = n_times;
  o.burn_in = 4.0;
  o.store_rho = 1;
  o.record_jumps = 1;
  o.keep_blocks = keep_blocks;
  qs_ensemble_result *r = NULL;
  char msg[256] = "";
  CU_ASSERT_EQUAL(qs_ensemble_run(m, NULL, &o, &r, msg, sizeof msg), QS_OK);
  return r;
}

static int same_bytes(const void *a, const void *b, size_t n)
{
  return (a == NULL) == (b == NULL) && (!a || memcmp(a, b, n) == 0);
}

/* Every total of a and b, bit for bit. */
static int same_totals(const qs_ensemble_result *a, const qs_ensemble_result *b)
{
  size_t no = (size_t)a->n_times * (size_t)a->n_obs, n2 = (size_t)(a->dim * a->dim);
  const qs_accum_jump_records *ja = qs_ensemble_accum(a, "jump_records");
  const qs_accum_jump_records *jb = qs_ensemble_accum(b, "jump_records");
  int ok = a->ntraj == b->ntraj && a->n_times == b->n_times && a->n_obs == b->n_obs &&
           a->dim == b->dim && ja && jb && ja->n == jb->n &&
           memcmp(&a->work, &b->work, sizeof a->work) == 0 &&
           memcmp(a->group_ntraj, b->group_ntraj, sizeof a->group_ntraj) == 0;
  return ok && same_bytes(a->obs_sum, b->obs_sum, no * sizeof *a->obs_sum) &&
         same_bytes(a->obs_sq_re, b->obs_sq_re, no * sizeof(double)) &&
         same_bytes(a->obs_sq_im, b->obs_sq_im, no * sizeof(double)) &&
         same_bytes(a->avg_sum, b->avg_sum, (size_t)a->n_obs * sizeof *a->avg_sum) &&
         same_bytes(a->avg_sq_re, b->avg_sq_re, (size_t)a->n_obs * sizeof(double)) &&
         same_bytes(a->avg_sq_im, b->avg_sq_im, (size_t)a->n_obs * sizeof(double)) &&
         same_bytes(a->rho_sum, b->rho_sum, (size_t)a->n_times * n2 * sizeof *a->rho_sum) &&
         same_bytes(a->rho_avg_sum, b->rho_avg_sum, n2 * sizeof *a->rho_avg_sum) &&
         same_bytes(a->rho_avg_group, b->rho_avg_group,
                    QS_ENSEMBLE_GROUPS * n2 * sizeof *a->rho_avg_group) &&
         same_bytes(a->jump_count, b->jump_count, (size_t)a->n_channels * sizeof(long)) &&
         same_bytes(ja->traj, jb->traj, (size_t)ja->n * sizeof(long)) &&
         same_bytes(ja->t, jb->t, (size_t)ja->n * sizeof(double)) &&
         same_bytes(ja->channel, jb->channel, (size_t)ja->n * sizeof(long));
}

static qs_ensemble_result *write_and_read(const qs_ensemble_result *r, const char *dir,
                                          const char *name)
{
  char path[256], msg[256] = "";
  snprintf(path, sizeof path, "%s/%s", dir, name);
  CU_ASSERT_EQUAL(qs_ensemble_write(path, r, msg, sizeof msg), QS_OK);
  qs_ensemble_result *back = NULL;
  CU_ASSERT_EQUAL(qs_ensemble_read(path, NULL, 0, &back, msg, sizeof msg), QS_OK);
  remove(path);
  return back;
}

/* 200 trajectories (blocks 64, 64, 64, 8) against their first 128 and
 * last 72 run separately, each written to disk, read back and merged.  The
 * second part has two blocks, so only its kept block sums, added one by
 * one, reproduce the one-run order of floating-point additions. */
static void test_merge_halves_from_disk(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  double times[17];
  for (int i = 0; i < 17; i++)
    times[i] = 0.5 * i;
  qs_ensemble_result *whole = run_part(m, 0, 200, 0, times, 17);
  qs_ensemble_result *lo = run_part(m, 0, 128, 0, times, 17);
  qs_ensemble_result *hi = run_part(m, 128, 72, 1, times, 17);
  CU_ASSERT_FATAL(whole && lo && hi);
  CU_ASSERT_EQUAL(hi->n_blocks, 2);
  char dir[] = "/tmp/qsync_accum_XXXXXX";
  CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
  qs_ensemble_result *lo_back = write_and_read(lo, dir, "lo.h5");
  qs_ensemble_result *hi_back = write_and_read(hi, dir, "hi.h5");
  rmdir(dir);
  CU_ASSERT_FATAL(lo_back && hi_back);
  CU_ASSERT(same_totals(lo, lo_back));
  CU_ASSERT_EQUAL(hi_back->n_blocks, 2);
  CU_ASSERT_EQUAL(hi_back->first_index, 128);
  CU_ASSERT_EQUAL(qs_ensemble_merge(lo_back, hi_back), QS_OK);
  CU_ASSERT(same_totals(whole, lo_back));
  CU_ASSERT(memcmp(whole->times, lo_back->times, 17 * sizeof *whole->times) == 0);
  /* A different shape does not merge. */
  qs_ensemble_result *short_run = run_part(m, 0, 10, 0, times, 9);
  CU_ASSERT_EQUAL(qs_ensemble_merge(lo_back, short_run), QS_ERR_DIMENSION);
  qs_ensemble_result_destroy(&short_run);
  qs_ensemble_result_destroy(&whole);
  qs_ensemble_result_destroy(&lo);
  qs_ensemble_result_destroy(&hi);
  qs_ensemble_result_destroy(&lo_back);
  qs_ensemble_result_destroy(&hi_back);
  qs_model_destroy(&m);
}

/* Jump counts of two uncoupled, undriven qubits (g = eps = 0), each
 * starting down with gain w and loss gamma (Gamma = w + gamma).  Its
 * up-population is P(t) = (w/Gamma)(1 - exp(-Gamma t)), so the expected
 * numbers of gain and loss jumps by T are the rate integrals
 *   E N_gain = w (T - J),  E N_loss = gamma J,
 *   J = int_0^T P dt = (w/Gamma)(T - (1 - exp(-Gamma T))/Gamma).
 * The standard error of each mean comes from the per-trajectory counts in
 * the jump records; z = (mean - E) / se is standard normal by the central
 * limit theorem (640 independent trajectories, counts with all moments
 * finite), so |z| < 4 fails a correct program with probability below
 * 4 * 6.3e-5 for the four channels.  Exact checks on the same run: the
 * records add up to the counts, each qubit's jumps alternate gain, loss,
 * gain, ... (it starts down), and gains minus losses of qubit A over all
 * trajectories equal the trajectories that end with A up, sum (Sz_A(T) +
 * 1/2), exactly (Sz_A is +-1/2 in a basis state). */
static void test_jump_counts_vs_rate_integral(void)
{
  const char *keys[] = {"w_A", "gamma_A", "w_B", "gamma_B", "g", "eps", NULL};
  const double rates[] = {0.4, 0.6, 0.75, 0.25, 0.0, 0.0};
  qs_model *m = test_qubit_osc(keys, rates);
  CU_ASSERT_EQUAL_FATAL(m->n_c, 4); /* gain_A, loss_A, gain_B, loss_B */
  CU_ASSERT_STRING_EQUAL(m->c_names[1], "loss_A");
  const double T = 6.0;
  const long ntraj = 640;
  double times[2] = {0.0, T};
  qs_ensemble_options o = qs_ensemble_default_options();
  o.ntraj = ntraj;
  o.threads = 2;
  o.seed = 2024;
  o.times = times;
  o.n_times = 2;
  o.record_jumps = 1;
  qs_ensemble_result *r = NULL;
  char msg[256] = "";
  CU_ASSERT_EQUAL_FATAL(qs_ensemble_run(m, NULL, &o, &r, msg, sizeof msg), QS_OK);
  const qs_accum_jump_records *rec = qs_ensemble_accum(r, "jump_records");
  CU_ASSERT_FATAL(rec != NULL && r->jump_count != NULL);

  long *per_traj = calloc((size_t)ntraj * 4, sizeof *per_traj);
  long from_records[4] = {0};
  int alternates = 1, ordered = 1;
  for (long i = 0; i < rec->n; i++) {
    long k = rec->traj[i], c = rec->channel[i];
    ordered = ordered && (i == 0 || rec->traj[i - 1] < k ||
                          (rec->traj[i - 1] == k && rec->t[i - 1] <= rec->t[i]));
    long *n = per_traj + 4 * k;
    /* Channel 2q is qubit q's gain, 2q + 1 its loss: a gain needs as many
     * earlier gains as losses, a loss one gain more. */
    long q = c / 2;
    alternates = alternates && (n[2 * q] - n[2 * q + 1] == (c % 2 == 0 ? 0 : 1));
    n[c]++;
    from_records[c]++;
  }
  CU_ASSERT(ordered);
  CU_ASSERT(alternates);
  CU_ASSERT(memcmp(from_records, r->jump_count, sizeof from_records) == 0);
  long a_up = from_records[0] - from_records[1];
  int sz_a = qs_model_obs_index(m, "Sz_A");
  CU_ASSERT_FATAL(sz_a >= 0);
  CU_ASSERT_EQUAL(creal(r->obs_sum[1 * r->n_obs + sz_a]) + 0.5 * (double)ntraj, (double)a_up);

  for (int q = 0; q < 2; q++) {
    double w = rates[2 * q], gamma = rates[2 * q + 1], Gamma = w + gamma;
    double integral = (w / Gamma) * (T - (1.0 - exp(-Gamma * T)) / Gamma);
    double expected[2] = {w * (T - integral), gamma * integral};
    for (int s = 0; s < 2; s++) {
      int c = 2 * q + s;
      double sum = 0.0, sq = 0.0;
      for (long k = 0; k < ntraj; k++) {
        sum += (double)per_traj[4 * k + c];
        sq += (double)per_traj[4 * k + c] * (double)per_traj[4 * k + c];
      }
      double se = creal(qs_stderr_of(sum, sq, 0.0, ntraj));
      double z = (sum / (double)ntraj - expected[s]) / se;
      CU_ASSERT(fabs(z) < 4.0);
    }
  }
  free(per_traj);
  qs_ensemble_result_destroy(&r);
  qs_model_destroy(&m);
}

/* Reading: a missing file, a file without raw sums. */
static void test_read_errors(void)
{
  qs_ensemble_result *r = NULL;
  char msg[256] = "";
  CU_ASSERT_EQUAL(qs_ensemble_read("/nonexistent/run.h5", NULL, 0, &r, msg, sizeof msg),
                  QS_ERR_HDF5);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "/nonexistent/run.h5"));
  CU_ASSERT_PTR_NULL(r);
  CU_ASSERT_EQUAL(qs_ensemble_read(NULL, NULL, 0, &r, msg, sizeof msg), QS_ERR_INVALID);
}

int qs_test_register_accum(void)
{
  static const test_case cases[] = {
    {"halves written, read back and merged = one run, bit for bit",
     test_merge_halves_from_disk},
    {"jump counts vs exact rate integrals (|z| < 4); records, alternation, Sz",
     test_jump_counts_vs_rate_integral},
    {"read errors", test_read_errors},
  };
  return test_add_suite("accum", cases, (int)(sizeof cases / sizeof cases[0]));
}
