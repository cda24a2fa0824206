/* Single trajectories: unitary limit against exact propagation, jump times
 * against the closed form of pure decay, reproducibility. */
#include <lapacke.h>
#include <math.h>
#include <string.h>

#include "test_util.h"

/* No collapse operators: the trajectory is Schroedinger evolution.  The
 * reference is psi(t) = V exp(-i E t) V^dag psi0 from the eigen-
 * decomposition of H (LAPACK zheev), independent of CVODE. */
static void test_unitary_limit(void)
{
  const char *keys[] = {"w_A", "gamma_A", "w_B", "gamma_B", "g", "eps", "delta_q", NULL};
  const double vals[] = {0, 0, 0, 0, 1.7, 0.9, 0.4};
  qs_model *m = test_qubit_osc(keys, vals);
  CU_ASSERT_EQUAL_FATAL(m->n_c, 0);
  double complex v[16];
  double e[4];
  qs_op_to_dense(m->H, v);
  CU_ASSERT_EQUAL_FATAL(LAPACKE_zheev(LAPACK_COL_MAJOR, 'V', 'U', 4, v, 4, e), 0);
  /* Start from a superposition so every eigenvector contributes. */
  double complex psi0[4] = {0.5, 0.5 * I, -0.5, 0.5};
  qs_traj_options opt = qs_traj_default_options();
  opt.rtol = 1e-10;
  opt.atol = 1e-12;
  qs_traj *tr = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_traj_create(m, &opt, &tr), QS_OK);
  CU_ASSERT_EQUAL(qs_traj_start(tr, psi0, 0.0, 1, 0), QS_OK);
  const double times[] = {0.3, 1.0, 4.5, 20.0};
  for (int k = 0; k < 4; k++) {
    CU_ASSERT_EQUAL(qs_traj_evolve_to(tr, times[k]), QS_OK);
    double complex psi[4], ref[4] = {0};
    qs_traj_state(tr, psi);
    for (int j = 0; j < 4; j++) {
      double complex c = 0; /* <v_j|psi0> */
      for (int i = 0; i < 4; i++)
        c += conj(v[i + 4 * j]) * psi0[i];
      c *= cexp(-I * e[j] * times[k]);
      for (int i = 0; i < 4; i++)
        ref[i] += v[i + 4 * j] * c;
    }
    CU_ASSERT(test_max_diff(psi, ref, 4) < 1e-8);
    CU_ASSERT(fabs(qs_traj_norm2(tr) - 1.0) < 1e-9);
  }
  qs_traj_stats st;
  qs_traj_get_stats(tr, &st);
  CU_ASSERT_EQUAL(st.jumps, 0);
  CU_ASSERT(st.steps > 0 && st.rhs_evals >= st.steps);
  qs_traj_destroy(&tr);
  CU_ASSERT_PTR_NULL(tr);
  qs_model_destroy(&m);
}

/* Pure decay of qubit A from |up, down> (only gamma_A > 0):
 * ||psi(t)||^2 = exp(-gamma_A t), so the first jump happens exactly at
 * t = -ln(r) / gamma_A with r the first uniform number of the trajectory's
 * stream, and it lands in |down, down>. */
static void test_jump_time_closed_form(void)
{
  const char *keys[] = {"w_A", "gamma_A", "w_B", "gamma_B", "g", "eps", NULL};
  const double vals[] = {0, 1.3, 0, 0, 0, 0};
  qs_model *m = test_qubit_osc(keys, vals);
  qs_traj_options opt = qs_traj_default_options();
  opt.rtol = 1e-9;
  opt.atol = 1e-11;
  qs_traj *tr = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_traj_create(m, &opt, &tr), QS_OK);
  double complex up_down[4] = {0, 1, 0, 0};
  double worst = 0.0;
  for (uint64_t index = 0; index < 50; index++) {
    qs_rng rng;
    qs_rng_seed(&rng, 77, index);
    double expected = -log(qs_rng_uniform(&rng)) / 1.3;
    CU_ASSERT_EQUAL(qs_traj_start(tr, up_down, 0.0, 77, index), QS_OK);
    double t_jump = 0, t_last = 0;
    int channel = 0;
    qs_traj_last_jump(tr, &t_last, &channel);
    CU_ASSERT(channel == -1 && isnan(t_last));
    qs_status st = qs_traj_step(tr, expected + 10.0, &t_jump);
    CU_ASSERT_EQUAL(st, QS_JUMPED);
    qs_traj_last_jump(tr, &t_last, &channel);
    CU_ASSERT(channel == 0 && t_last == t_jump);
    worst = fmax(worst, fabs(t_jump - expected));
    double complex psi[4];
    qs_traj_state(tr, psi);
    CU_ASSERT(cabs(psi[3]) > 1.0 - 1e-12);
  }
  /* The crossing is located on CVODE's solution, whose error in ||psi||^2
   * is a few rtol = 1e-9; the time error is that divided by the slope
   * gamma r >= 1.3 * 0.01 here, so 1e-6 has a factor ~10 of margin. */
  CU_ASSERT(worst < 1e-6);
  qs_traj_destroy(&tr);
  qs_model_destroy(&m);
}

/* Two channels from |A down, B up> with only gain on A (w_A, channel 0)
 * and loss on B (gamma_B, channel 1): ||c_j psi||^2 = w_A, gamma_B stay
 * constant until the first jump, so that jump goes through channel 0 with
 * probability p = w_A / (w_A + gamma_B), into |up, up> (channel 0) or
 * |down, down> (channel 1).  The reported channel must match the state
 * after the jump, and the count of channel 0 over n trajectories is
 * binomial: |z| < 4 fails a correct program with probability 6.3e-5. */
static void test_last_jump_channel(void)
{
  const char *keys[] = {"w_A", "gamma_A", "w_B", "gamma_B", "g", "eps", NULL};
  const double vals[] = {0.7, 0, 0, 1.1, 0, 0};
  qs_model *m = test_qubit_osc(keys, vals);
  CU_ASSERT_EQUAL_FATAL(m->n_c, 2);
  qs_traj *tr = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_traj_create(m, NULL, &tr), QS_OK);
  double complex down_up[4] = {0, 0, 1, 0};
  const int n = 400;
  int through_gain = 0, consistent = 1;
  for (int index = 0; index < n; index++) {
    double t_jump = 0, t_last = 0;
    int channel = -1;
    qs_traj_start(tr, down_up, 0.0, 9, (uint64_t)index);
    CU_ASSERT_EQUAL(qs_traj_step(tr, 1e3, &t_jump), QS_JUMPED);
    qs_traj_last_jump(tr, &t_last, &channel);
    double complex psi[4];
    qs_traj_state(tr, psi);
    consistent = consistent && t_last == t_jump &&
                 cabs(psi[channel == 0 ? 0 : 3]) > 1.0 - 1e-12;
    through_gain += channel == 0;
  }
  double p = 0.7 / 1.8;
  double z = (through_gain - n * p) / sqrt(n * p * (1.0 - p));
  CU_ASSERT(consistent);
  CU_ASSERT(fabs(z) < 4.0);
  qs_traj_destroy(&tr);
  qs_model_destroy(&m);
}

static void test_reproducible_streams(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  qs_traj *tr = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_traj_create(m, NULL, &tr), QS_OK);
  double complex a[4], b[4], c[4];
  qs_traj_stats sa, sb;
  qs_traj_start(tr, NULL, 0.0, 5, 3);
  CU_ASSERT_EQUAL(qs_traj_evolve_to(tr, 15.0), QS_OK);
  qs_traj_state(tr, a);
  qs_traj_get_stats(tr, &sa);
  qs_traj_start(tr, NULL, 0.0, 5, 4);
  qs_traj_evolve_to(tr, 15.0);
  qs_traj_state(tr, c);
  qs_traj_start(tr, NULL, 0.0, 5, 3);
  qs_traj_evolve_to(tr, 15.0);
  qs_traj_state(tr, b);
  qs_traj_get_stats(tr, &sb);
  CU_ASSERT(memcmp(a, b, sizeof a) == 0);
  CU_ASSERT_EQUAL(sa.jumps, sb.jumps);
  CU_ASSERT_EQUAL(sa.steps, sb.steps);
  CU_ASSERT(sa.jumps > 5); /* jump rate ~ Gamma per spin */
  CU_ASSERT(memcmp(a, c, sizeof a) != 0);
  qs_traj_destroy(&tr);
  qs_model_destroy(&m);
}

static void test_errors(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  qs_traj *tr = NULL;
  qs_traj_options bad = qs_traj_default_options();
  bad.rtol = 0.0;
  CU_ASSERT_EQUAL(qs_traj_create(m, &bad, &tr), QS_ERR_INVALID);
  CU_ASSERT_PTR_NULL(tr);
  CU_ASSERT_EQUAL_FATAL(qs_traj_create(m, NULL, &tr), QS_OK);
  double complex zero[4] = {0};
  CU_ASSERT_EQUAL(qs_traj_start(tr, zero, 0.0, 1, 0), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_traj_start(tr, NULL, 1.0, 1, 0), QS_OK);
  CU_ASSERT_EQUAL(qs_traj_step(tr, 0.5, NULL), QS_ERR_INVALID); /* backwards */
  qs_traj_destroy(&tr);
  qs_model_destroy(&m);
}

int qs_test_register_traj(void)
{
  static const test_case cases[] = {
    {"no collapse operators: norm kept, equals exp(-iHt) psi0", test_unitary_limit},
    {"pure decay: jump at t = -ln(r)/gamma", test_jump_time_closed_form},
    {"last jump: time and channel match the state (|z| < 4)", test_last_jump_channel},
    {"same stream same trajectory, other stream differs", test_reproducible_streams},
    {"bad options and arguments", test_errors},
  };
  return test_add_suite("traj", cases, (int)(sizeof cases / sizeof cases[0]));
}
