/* Issue 14: stopping at a target error, error bars (element-wise rho
 * errors, jackknife of nonlinear functions) and the replay of one
 * trajectory.  Every expected value is computed here by a second route
 * (from kept block sums or from single-trajectory runs), never pasted. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define N_TIMES 21

static double times[N_TIMES];

static const double *output_times(void)
{
  for (int i = 0; i < N_TIMES; i++)
    times[i] = 20.0 * i / (N_TIMES - 1);
  return times;
}

static qs_ensemble_options options(long ntraj, int threads)
{
  qs_ensemble_options o = qs_ensemble_default_options();
  o.ntraj = ntraj;
  o.threads = threads;
  o.seed = 11;
  o.times = output_times();
  o.n_times = N_TIMES;
  o.burn_in = 8.0;
  return o;
}

static qs_ensemble_result *run(const qs_model *m, const qs_ensemble_options *o)
{
  qs_ensemble_result *r = NULL;
  char msg[256] = "";
  CU_ASSERT_EQUAL_FATAL(qs_ensemble_run(m, NULL, o, &r, msg, sizeof msg), QS_OK);
  return r;
}

static int type_index(const qs_ensemble_result *r, const char *name)
{
  for (int a = 0; a < r->n_accums; a++)
    if (strcmp(r->accums[a].type->name, name) == 0)
      return a;
  return -1;
}

/* Largest standard error of the time averages after the first b kept
 * blocks, summed here from the blocks' raw sums (not the run's totals). */
static double se_after_blocks(const qs_ensemble_result *r, long b)
{
  int a = type_index(r, "time_average");
  int n_obs = r->n_obs;
  double worst = 0.0;
  for (int k = 0; k < n_obs; k++) {
    double s_re = 0, s_im = 0, q_re = 0, q_im = 0;
    long n = 0;
    for (long i = 0; i < b; i++) {
      const qs_accum_moments *m = r->blocks[i * r->n_accums + a].state;
      s_re += creal(m->sum[k]);
      s_im += cimag(m->sum[k]);
      q_re += m->sq_re[k];
      q_im += m->sq_im[k];
      n += QS_ENSEMBLE_BLOCK;
    }
    double v_re = (q_re - s_re * s_re / n) / (n - 1) / n;
    double v_im = (q_im - s_im * s_im / n) / (n - 1) / n;
    worst = fmax(worst, fmax(sqrt(fmax(v_re, 0)), sqrt(fmax(v_im, 0))));
  }
  return worst;
}

/* target_stderr: a target between the errors after 2 and 3 blocks of a
 * reference run stops the run after the first block whose error is below
 * it, for 1 and 2 threads with the same bits; one block earlier the error
 * was not below it. */
static void test_target_stderr_stops_at_block(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  qs_ensemble_options o = options(6 * QS_ENSEMBLE_BLOCK, 2);
  o.keep_blocks = 1;
  qs_ensemble_result *ref = run(m, &o);
  double se[7];
  for (long b = 2; b <= 6; b++)
    se[b] = se_after_blocks(ref, b);
  double target = 0.5 * (se[2] + se[3]);
  long expect_blocks = 0;
  for (long b = 2; b <= 6 && !expect_blocks; b++)
    if (se[b] < target)
      expect_blocks = b;
  CU_ASSERT_TRUE_FATAL(expect_blocks >= 2 && expect_blocks < 6);
  /* after one block the error must not already be below the target for
   * the expected stop to be block expect_blocks */
  qs_ensemble_options one = options(QS_ENSEMBLE_BLOCK, 1);
  qs_ensemble_result *first = run(m, &one);
  CU_ASSERT_TRUE(!(qs_ensemble_target_stderr(first, NULL) < target) || expect_blocks == 1);
  qs_ensemble_result *res[2];
  for (int t = 0; t < 2; t++) {
    qs_ensemble_options ot = options(1000, t + 1);
    ot.target_stderr = target;
    res[t] = run(m, &ot);
    CU_ASSERT_EQUAL(res[t]->ntraj, expect_blocks * QS_ENSEMBLE_BLOCK);
    CU_ASSERT_EQUAL(res[t]->stop_reason, QS_STOP_TARGET);
    CU_ASSERT_TRUE(qs_ensemble_target_stderr(res[t], NULL) < target);
  }
  size_t n = (size_t)res[0]->n_obs;
  CU_ASSERT_EQUAL(memcmp(res[0]->avg_sum, res[1]->avg_sum, n * sizeof *res[0]->avg_sum), 0);
  CU_ASSERT_EQUAL(memcmp(res[0]->avg_sq_re, res[1]->avg_sq_re, n * sizeof(double)), 0);
  /* one block earlier: not yet below the target */
  qs_ensemble_options before = options((expect_blocks - 1) * QS_ENSEMBLE_BLOCK, 1);
  qs_ensemble_result *prev = run(m, &before);
  CU_ASSERT_FALSE(qs_ensemble_target_stderr(prev, NULL) < target);
  CU_ASSERT_EQUAL(prev->stop_reason, QS_STOP_NTRAJ);
  /* a target on one observable only stops no later than one on all */
  unsigned char mask[64] = {0};
  mask[qs_model_obs_index(m, "Sz_B")] = 1;
  qs_ensemble_options om = options(1000, 2);
  om.target_stderr = target;
  om.target_obs = mask;
  qs_ensemble_result *masked = run(m, &om);
  CU_ASSERT_TRUE(masked->ntraj <= res[0]->ntraj);
  qs_ensemble_result_destroy(&masked);
  qs_ensemble_result_destroy(&prev);
  qs_ensemble_result_destroy(&first);
  qs_ensemble_result_destroy(&res[0]);
  qs_ensemble_result_destroy(&res[1]);
  qs_ensemble_result_destroy(&ref);
  qs_model_destroy(&m);
}

static int stop_always(void *data)
{
  (*(int *)data)++;
  return 1;
}

/* stop_requested ends the run at the first block boundary. */
static void test_stop_requested(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  qs_ensemble_options o = options(3 * QS_ENSEMBLE_BLOCK, 1);
  int calls = 0;
  o.stop_requested = stop_always;
  o.stop_data = &calls;
  qs_ensemble_result *r = run(m, &o);
  CU_ASSERT_EQUAL(r->ntraj, QS_ENSEMBLE_BLOCK);
  CU_ASSERT_EQUAL(r->stop_reason, QS_STOP_REQUESTED);
  CU_ASSERT_EQUAL(calls, 1);
  CU_ASSERT_STRING_EQUAL(qs_stop_reason_name(r->stop_reason), "max_wall");
  qs_ensemble_result_destroy(&r);
  qs_model_destroy(&m);
}

/* Element-wise standard errors of rho(t) and the steady rho against the
 * sample standard deviation of single-trajectory runs (two-pass formula). */
static void test_rho_stderr_elements(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  enum { N = 12 };
  qs_ensemble_options o = options(N, 2);
  o.store_rho = 1;
  o.rho_stderr = 1;
  qs_ensemble_result *all = run(m, &o);
  size_t d2 = (size_t)(m->space.total * m->space.total), nt = N_TIMES * d2;
  double complex *se_t = malloc(nt * sizeof *se_t), *se_avg = malloc(d2 * sizeof *se_avg);
  double complex *one_t = malloc(N * nt * sizeof *one_t);
  double complex *one_avg = malloc(N * d2 * sizeof *one_avg);
  CU_ASSERT_EQUAL_FATAL(qs_ensemble_rho_stderr(all, se_t, se_avg), QS_OK);
  for (long i = 0; i < N; i++) {
    qs_ensemble_options oi = options(1, 1);
    oi.store_rho = 1;
    oi.first_index = i;
    qs_ensemble_result *r = run(m, &oi);
    memcpy(one_t + i * nt, r->rho_sum, nt * sizeof *one_t);
    memcpy(one_avg + i * d2, r->rho_avg_sum, d2 * sizeof *one_avg);
    qs_ensemble_result_destroy(&r);
  }
  double worst = 0.0, scale = 0.0;
  for (int which = 0; which < 2; which++) {
    size_t len = which ? d2 : nt;
    const double complex *x = which ? one_avg : one_t;
    const double complex *se = which ? se_avg : se_t;
    for (size_t e = 0; e < len; e++) {
      double complex mean = 0;
      for (int i = 0; i < N; i++)
        mean += x[i * len + e] / N;
      double v_re = 0, v_im = 0;
      for (int i = 0; i < N; i++) {
        double complex dx = x[i * len + e] - mean;
        v_re += creal(dx) * creal(dx) / (N - 1);
        v_im += cimag(dx) * cimag(dx) / (N - 1);
      }
      worst = fmax(worst, fabs(creal(se[e]) - sqrt(v_re / N)));
      worst = fmax(worst, fabs(cimag(se[e]) - sqrt(v_im / N)));
      scale = fmax(scale, sqrt(v_re / N));
    }
  }
  CU_ASSERT_TRUE(scale > 0.01);  /* the ensemble does fluctuate */
  /* one-pass sums of O(1) numbers against two passes: rounding ~1e-16
   * relative to the variance, a few 1e-8 in the square root of a ~0 one */
  CU_ASSERT_TRUE(worst < 1e-6);
  /* without rho_stderr there are no such errors */
  o.rho_stderr = 0;
  qs_ensemble_result *plain = run(m, &o);
  CU_ASSERT_EQUAL(qs_ensemble_rho_stderr(plain, se_t, se_avg), QS_ERR_INVALID);
  qs_ensemble_result_destroy(&plain);
  free(se_t);
  free(se_avg);
  free(one_t);
  free(one_avg);
  qs_ensemble_result_destroy(&all);
  qs_model_destroy(&m);
}

typedef struct {
  int k, square;
} obs_fn;

static qs_status obs_value(const double complex *mean, double *value, void *data)
{
  const obs_fn *f = data;
  double x = creal(mean[f->k]);
  *value = f->square ? x * x : x;
  return QS_OK;
}

/* Jackknife over G equal groups: for a linear f it is the standard error of
 * the G group means, sqrt(sum (m_g - m)^2 / (G (G - 1))); for f = x^2 the
 * delta method gives |2 x| times that, and the two differ by at most
 * 2 sqrt(G - 1) max_g d_g^2 (d_g: the leave-one-group-out mean minus the
 * mean), since theta_g - mean(theta) = 2 x d_g + (d_g^2 - mean d^2). */
static void test_jackknife_delta_method(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  enum { G = 8 };
  qs_ensemble_options o = options(G * QS_ENSEMBLE_BLOCK, 2);
  o.keep_blocks = 1;
  qs_ensemble_result *r = run(m, &o);
  int a = type_index(r, "time_average");
  obs_fn f = {qs_model_obs_index(m, "Sz_B"), 0};
  double gm[G], mean = 0.0;
  for (int g = 0; g < G; g++) {
    const qs_accum_moments *b = r->blocks[g * r->n_accums + a].state;
    gm[g] = creal(b->sum[f.k]) / QS_ENSEMBLE_BLOCK;
    mean += gm[g] / G;
  }
  double ss = 0.0, max_d = 0.0;
  for (int g = 0; g < G; g++) {
    ss += (gm[g] - mean) * (gm[g] - mean);
    max_d = fmax(max_d, fabs((G * mean - gm[g]) / (G - 1) - mean));
  }
  double se_linear = sqrt(ss / (G * (G - 1.0)));
  double plain, corrected, se;
  CU_ASSERT_EQUAL_FATAL(qs_ensemble_jackknife_obs(r, obs_value, &f, &plain, &corrected, &se),
                        QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(se, se_linear, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(plain, mean, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(corrected, mean, 1e-12); /* no bias for a linear f */
  f.square = 1;
  CU_ASSERT_EQUAL_FATAL(qs_ensemble_jackknife_obs(r, obs_value, &f, &plain, &corrected, &se),
                        QS_OK);
  double delta = 2.0 * fabs(mean) * se_linear;
  CU_ASSERT_TRUE(fabs(mean) > 4.0 * se_linear); /* the delta method's regime */
  CU_ASSERT_TRUE(fabs(se - delta) <= 2.0 * sqrt(G - 1.0) * max_d * max_d + 1e-12);
  CU_ASSERT_EQUAL(qs_ensemble_groups_used(r), G);
  qs_ensemble_result_destroy(&r);
  qs_model_destroy(&m);
}

/* Trajectory I run alone (first_index = I, ntraj = 1) has the jumps of
 * trajectory I inside a full run on 2 threads, bit for bit. */
static void test_replay_one_trajectory(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  qs_ensemble_options o = options(2 * QS_ENSEMBLE_BLOCK + 3, 2);
  o.record_jumps = 1;
  qs_ensemble_result *full = run(m, &o);
  const qs_accum_jump_records *fj = qs_ensemble_accum(full, "jump_records");
  const long picks[] = {0, 67, 2 * QS_ENSEMBLE_BLOCK + 2};
  for (int p = 0; p < 3; p++) {
    qs_ensemble_options oi = options(1, 1);
    oi.record_jumps = 1;
    oi.first_index = picks[p];
    qs_ensemble_result *one = run(m, &oi);
    const qs_accum_jump_records *oj = qs_ensemble_accum(one, "jump_records");
    long k = 0;
    while (k < fj->n && fj->traj[k] != picks[p])
      k++;
    CU_ASSERT_TRUE(oj->n > 0);
    for (long j = 0; j < oj->n; j++, k++) {
      CU_ASSERT_TRUE_FATAL(k < fj->n);
      CU_ASSERT_EQUAL(fj->traj[k], picks[p]);
      CU_ASSERT_EQUAL(memcmp(&fj->t[k], &oj->t[j], sizeof(double)), 0);
      CU_ASSERT_EQUAL(fj->channel[k], oj->channel[j]);
    }
    CU_ASSERT_TRUE(k == fj->n || fj->traj[k] != picks[p]); /* no jump left over */
    qs_ensemble_result_destroy(&one);
  }
  qs_ensemble_result_destroy(&full);
  qs_model_destroy(&m);
}

int qs_test_register_ensemble_errors(void)
{
  static const test_case cases[] = {
      {"target_stderr stops at the same block for 1 and 2 threads",
       test_target_stderr_stops_at_block},
      {"stop_requested stops at a block boundary", test_stop_requested},
      {"rho element errors = sample standard deviation / sqrt(n)", test_rho_stderr_elements},
      {"jackknife: linear exact, square within the delta-method bound",
       test_jackknife_delta_method},
      {"replay: trajectory I alone has the full run's jumps", test_replay_one_trajectory},
  };
  return test_add_suite("ensemble_errors", cases, (int)(sizeof cases / sizeof cases[0]));
}
