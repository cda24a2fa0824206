/* Ensembles: trajectory averages against exact steady states and exact
 * rho(t) within statistical error; thread-count independence; merging.
 *
 * Statistical thresholds: every comparison is a z-score
 * z = (estimate - exact) / sqrt(se^2 + 1e-10^2), the 1e-10 floor only
 * matters for quantities that vanish identically (Im<Sz>).  Estimates are
 * means over >= 800 independent trajectories, so z is standard normal to a
 * good approximation and P(|z| >= 4) = 6.3e-5.  The suite makes fewer than
 * 300 such comparisons, so the chance that a correct program fails any of
 * them is below 300 * 6.3e-5 = 2%; with the fixed seeds below the outcome
 * is deterministic.  A real error of a few standard errors (0.005 in <Sz>
 * for the steady-state cases) fails. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define Z_MAX 4.0

static double z_of(double est, double se, double exact)
{
  return (est - exact) / sqrt(se * se + 1e-20);
}

static double *linspace(double t_end, int n)
{
  double *t = malloc((size_t)n * sizeof *t);
  for (int i = 0; i < n; i++)
    t[i] = t_end * i / (n - 1);
  return t;
}

static qs_ensemble_result *run(const qs_model *m, long ntraj, int threads, long first,
                               uint64_t seed, const double *times, int n_times,
                               double burn_in)
{
  qs_ensemble_options o = qs_ensemble_default_options();
  o.ntraj = ntraj;
  o.threads = threads;
  o.first_index = first;
  o.seed = seed;
  o.times = times;
  o.n_times = n_times;
  o.burn_in = burn_in;
  o.store_rho = 1;
  qs_ensemble_result *r = NULL;
  char msg[256];
  CU_ASSERT_EQUAL(qs_ensemble_run(m, NULL, &o, &r, msg, sizeof msg), QS_OK);
  return r;
}

/* Late-time values and time averages against the exact steady state, for
 * g = 0.5, 1, 2 (qubits) and a spin-1 case with dephasing. */
static void test_steady_state_z_scores(void)
{
  const char *keys[] = {"g", "eps", "spin", "gamma_phi", NULL};
  const double cases[][4] = {{0.5, 0.5, 0.5, 0}, {1, 0.5, 0.5, 0}, {2, 0.5, 0.5, 0},
                             {1, 0.5, 1, 0.05}};
  const int n_times = 81;
  const double t_end = 40.0, burn_in = 15.0;
  double *times = linspace(t_end, n_times);
  double worst = 0;
  for (int c = 0; c < 4; c++) {
    qs_model *m = test_qubit_osc(keys, cases[c]);
    qs_index n = m->space.total;
    double complex *rho = malloc((size_t)(n * n) * sizeof *rho);
    double complex *rho_t = malloc((size_t)(n * n) * sizeof *rho_t);
    CU_ASSERT_EQUAL(qs_steady_state(m, QS_STEADY_AUTO, rho, NULL), QS_OK);
    /* Precondition of the test: relaxation is complete by burn_in
     * (exact evolution from the initial state). */
    double complex *rho0 = calloc((size_t)(n * n), sizeof *rho0);
    rho0[n * n - 1] = 1.0;
    CU_ASSERT_EQUAL(qs_lindblad_evolve_dense(m, rho0, 1, &burn_in, rho_t), QS_OK);
    CU_ASSERT(test_max_diff(rho, rho_t, n * n) < 1e-4);
    qs_ensemble_result *r = run(m, 800, 2, 0, 1000 + (uint64_t)c, times, n_times, burn_in);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    for (int k = 0; k < m->n_obs; k++) {
      double complex exact = qs_op_trace_with(m->obs[k], rho);
      size_t last = (size_t)(n_times - 1) * (size_t)m->n_obs + (size_t)k;
      double complex mean = qs_mean_of(r->obs_sum[last], r->ntraj);
      double complex se = qs_stderr_of(r->obs_sum[last], r->obs_sq_re[last],
                                       r->obs_sq_im[last], r->ntraj);
      double complex amean = qs_mean_of(r->avg_sum[k], r->ntraj);
      double complex ase = qs_stderr_of(r->avg_sum[k], r->avg_sq_re[k], r->avg_sq_im[k],
                                        r->ntraj);
      double z[4] = {z_of(creal(mean), creal(se), creal(exact)),
                     z_of(cimag(mean), cimag(se), cimag(exact)),
                     z_of(creal(amean), creal(ase), creal(exact)),
                     z_of(cimag(amean), cimag(ase), cimag(exact))};
      for (int i = 0; i < 4; i++) {
        CU_ASSERT(fabs(z[i]) < Z_MAX);
        worst = fmax(worst, fabs(z[i]));
      }
      /* The time average must beat a single time: it is a real estimator. */
      CU_ASSERT(creal(ase) <= creal(se) || creal(se) < 1e-12);
    }
    qs_ensemble_result_destroy(&r);
    free(rho);
    free(rho_t);
    free(rho0);
    qs_model_destroy(&m);
  }
  free(times);
  CU_ASSERT(worst > 0.0); /* the comparison really ran */
}

/* rho(t) from trajectories against exp(L t) rho0 at several times.  The
 * standard error of each element comes from this test's own accumulation
 * of |psi><psi| and its squares over the same trajectories, which also
 * checks the ensemble's sums. */
static void test_rho_t_against_exact(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  const double times[] = {0.5, 2.0, 5.0, 10.0};
  const int nt = 4, ntraj = 1500;
  double complex rho0[16] = {0}, exact[4 * 16];
  rho0[15] = 1.0;
  CU_ASSERT_EQUAL(qs_lindblad_evolve_dense(m, rho0, nt, times, exact), QS_OK);
  double complex sum[4 * 16] = {0};
  double sq_re[4 * 16] = {0}, sq_im[4 * 16] = {0};
  qs_traj *tr = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_traj_create(m, NULL, &tr), QS_OK);
  for (int i = 0; i < ntraj; i++) {
    qs_traj_start(tr, NULL, 0.0, 99, (uint64_t)i);
    for (int t = 0; t < nt; t++) {
      CU_ASSERT_EQUAL(qs_traj_evolve_to(tr, times[t]), QS_OK);
      double complex psi[4];
      qs_traj_state(tr, psi);
      for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++) {
          double complex e = psi[a] * conj(psi[b]);
          sum[16 * t + a + 4 * b] += e;
          sq_re[16 * t + a + 4 * b] += creal(e) * creal(e);
          sq_im[16 * t + a + 4 * b] += cimag(e) * cimag(e);
        }
    }
  }
  qs_traj_destroy(&tr);
  double worst = 0;
  for (int i = 0; i < nt * 16; i++) {
    double complex mean = qs_mean_of(sum[i], ntraj);
    double complex se = qs_stderr_of(sum[i], sq_re[i], sq_im[i], ntraj);
    double zr = z_of(creal(mean), creal(se), creal(exact[i]));
    double zi = z_of(cimag(mean), cimag(se), cimag(exact[i]));
    CU_ASSERT(fabs(zr) < Z_MAX && fabs(zi) < Z_MAX);
    worst = fmax(worst, fmax(fabs(zr), fabs(zi)));
  }
  CU_ASSERT(worst > 0.0);
  /* The ensemble's rho sums at the same times are the same numbers. */
  double out_times[5] = {0.0, 0.5, 2.0, 5.0, 10.0};
  qs_ensemble_result *r = run(m, ntraj, 2, 0, 99, out_times, 5, 0.0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(r);
  CU_ASSERT(test_max_diff(r->rho_sum + 16, sum, nt * 16) < 1e-9);
  /* Density-matrix estimates are Hermitian, unit trace and positive. */
  for (int t = 0; t < 5; t++) {
    double complex rho[16];
    double ev[4];
    for (int i = 0; i < 16; i++)
      rho[i] = r->rho_sum[16 * t + i] / (double)r->ntraj;
    CU_ASSERT(qs_hermiticity_error(4, rho) < 1e-14);
    CU_ASSERT(cabs(qs_trace(4, rho) - 1.0) < 1e-12);
    qs_hermitian_eigenvalues(4, rho, ev);
    CU_ASSERT(ev[0] > -1e-12);
  }
  qs_ensemble_result_destroy(&r);
  qs_model_destroy(&m);
}

static int same_sums(const qs_ensemble_result *a, const qs_ensemble_result *b)
{
  size_t no = (size_t)a->n_times * (size_t)a->n_obs, n2 = (size_t)(a->dim * a->dim);
  return a->ntraj == b->ntraj &&
         memcmp(a->obs_sum, b->obs_sum, no * sizeof *a->obs_sum) == 0 &&
         memcmp(a->obs_sq_re, b->obs_sq_re, no * sizeof(double)) == 0 &&
         memcmp(a->obs_sq_im, b->obs_sq_im, no * sizeof(double)) == 0 &&
         memcmp(a->avg_sum, b->avg_sum, (size_t)a->n_obs * sizeof *a->avg_sum) == 0 &&
         memcmp(a->rho_sum, b->rho_sum, (size_t)a->n_times * n2 * sizeof *a->rho_sum) == 0 &&
         memcmp(a->rho_avg_sum, b->rho_avg_sum, n2 * sizeof *a->rho_avg_sum) == 0 &&
         a->work.jumps == b->work.jumps;
}

/* Byte-identical sums for 1 and 2 threads (150 trajectories: two full
 * blocks and a partial one), and merging of block-aligned shares. */
static void test_threads_and_merge(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  double *times = linspace(10.0, 21);
  qs_ensemble_result *one = run(m, 150, 1, 0, 7, times, 21, 5.0);
  qs_ensemble_result *two = run(m, 150, 2, 0, 7, times, 21, 5.0);
  CU_ASSERT_FATAL(one && two);
  CU_ASSERT(same_sums(one, two));
  qs_ensemble_result *all = run(m, 128, 2, 0, 7, times, 21, 5.0);
  qs_ensemble_result *lo = run(m, 64, 1, 0, 7, times, 21, 5.0);
  qs_ensemble_result *hi = run(m, 64, 2, 64, 7, times, 21, 5.0);
  CU_ASSERT_EQUAL(qs_ensemble_merge(lo, hi), QS_OK);
  CU_ASSERT(same_sums(all, lo));
  qs_ensemble_result *other_seed = run(m, 150, 2, 0, 8, times, 21, 5.0);
  CU_ASSERT(!same_sums(one, other_seed));
  qs_ensemble_result_destroy(&one);
  qs_ensemble_result_destroy(&two);
  qs_ensemble_result_destroy(&all);
  qs_ensemble_result_destroy(&lo);
  qs_ensemble_result_destroy(&hi);
  qs_ensemble_result_destroy(&other_seed);
  free(times);
  qs_model_destroy(&m);
}

static int progress_calls;
static void count_progress(long done, long total, void *data)
{
  (void)data;
  progress_calls += done <= total;
}

static void test_options_and_progress(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  double times[3] = {0.0, 1.0, 2.0}, unsorted[3] = {0.0, 2.0, 1.0};
  qs_ensemble_options o = qs_ensemble_default_options();
  o.times = times;
  o.n_times = 3;
  o.ntraj = 100;
  o.progress = count_progress;
  qs_ensemble_result *r = NULL;
  char msg[256] = "";
  CU_ASSERT_EQUAL(qs_ensemble_run(m, NULL, &o, &r, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(progress_calls, 2); /* blocks of 64: 64, 100 */
  CU_ASSERT_PTR_NULL(r->rho_sum);
  qs_ensemble_result_destroy(&r);
  o.ntraj = 0;
  CU_ASSERT_EQUAL(qs_ensemble_run(m, NULL, &o, &r, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "ntraj"));
  o.ntraj = 10;
  o.times = unsorted;
  CU_ASSERT_EQUAL(qs_ensemble_run(m, NULL, &o, &r, msg, sizeof msg), QS_ERR_INVALID);
  o.times = times;
  o.burn_in = 5.0;
  CU_ASSERT_EQUAL(qs_ensemble_run(m, NULL, &o, &r, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "burn_in"));
  CU_ASSERT_PTR_NULL(r);
  /* Standard error helpers: samples 1, 2, 3 -> mean 2, se = 1/sqrt(3). */
  CU_ASSERT_DOUBLE_EQUAL(creal(qs_stderr_of(6.0, 14.0, 0.0, 3)), 1.0 / sqrt(3.0), 1e-15);
  CU_ASSERT(isnan(creal(qs_stderr_of(1.0, 1.0, 0.0, 1))));
  qs_model_destroy(&m);
}

/* A synthetic result: dim 1, groups of 10 "trajectories" whose rho
 * averages are x_g, so the jackknife can be checked against closed forms.
 * Only the fields the jackknife reads are set; free with synthetic_free. */
static qs_ensemble_result synthetic(const double *x, int groups)
{
  qs_ensemble_result r = {.dim = 1};
  r.rho_avg_sum = calloc(1, sizeof *r.rho_avg_sum);
  r.rho_avg_group = calloc(QS_ENSEMBLE_GROUPS, sizeof *r.rho_avg_group);
  for (int g = 0; g < groups; g++) {
    r.group_ntraj[g] = 10;
    r.rho_avg_group[g] = 10.0 * x[g];
    r.rho_avg_sum[0] += 10.0 * x[g];
    r.ntraj += 10;
  }
  return r;
}

static void synthetic_free(qs_ensemble_result *r)
{
  free(r->rho_avg_sum);
  free(r->rho_avg_group);
}

static qs_status linear(const double complex *rho, double *v, void *data)
{
  (void)data;
  *v = creal(rho[0]);
  return QS_OK;
}

static qs_status square(const double complex *rho, double *v, void *data)
{
  (void)data;
  *v = creal(rho[0]) * creal(rho[0]);
  return QS_OK;
}

/* Closed forms for G equal groups with means x_g, mean m, S^2 = sum (x_g -
 * m)^2 / (G - 1): for f linear the jackknife gives back m with standard
 * error S / sqrt(G); for f(x) = x^2 its bias-corrected estimate is the
 * unbiased m^2 - S^2 / G. */
static void test_jackknife_closed_forms(void)
{
  const double x[8] = {0.3, 0.1, 0.7, 0.2, 0.5, 0.45, 0.9, 0.05};
  const int G = 8;
  double m = 0.0, ss = 0.0;
  for (int g = 0; g < G; g++)
    m += x[g] / G;
  for (int g = 0; g < G; g++)
    ss += (x[g] - m) * (x[g] - m);
  double S2 = ss / (G - 1);
  qs_ensemble_result r = synthetic(x, G);
  double plain, corrected, se;
  CU_ASSERT_EQUAL(qs_ensemble_jackknife(&r, linear, NULL, &plain, &corrected, &se), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(plain, m, 1e-15);
  CU_ASSERT_DOUBLE_EQUAL(corrected, m, 1e-14);
  CU_ASSERT_DOUBLE_EQUAL(se, sqrt(S2 / G), 1e-14);
  CU_ASSERT_EQUAL(qs_ensemble_jackknife(&r, square, NULL, &plain, &corrected, &se), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(plain, m * m, 1e-15);
  CU_ASSERT_DOUBLE_EQUAL(corrected, m * m - S2 / G, 1e-14);
  synthetic_free(&r);
  r = synthetic(x, 1); /* one group: no error bar */
  CU_ASSERT_EQUAL(qs_ensemble_jackknife(&r, linear, NULL, &plain, &corrected, &se),
                  QS_ERR_INVALID);
  synthetic_free(&r);
}

/* Omega of the trajectory steady-state estimate (jackknife over 40 groups
 * of 64 trajectories, bias-corrected) against the exact Omega.  With 40
 * groups the jackknife z follows Student's t with 39 degrees of freedom,
 * whose two-sided 6.3e-5 quantile (the normal 4-sigma level used in this
 * suite) is 4.6: that is the threshold. */
static void test_trajectory_omega(void)
{
  const char *keys[] = {"eps", NULL};
  const double vals[] = {0.5};
  qs_model *m = test_qubit_osc(keys, vals);
  qs_steady_point pt;
  char msg[256];
  CU_ASSERT_EQUAL_FATAL(qs_steady_point_eval(m->type, m->param_values, QS_STEADY_DENSE, &pt,
                                             NULL, msg, sizeof msg), QS_OK);
  double *times = linspace(40.0, 81);
  qs_ensemble_result *r = run(m, 40 * QS_ENSEMBLE_BLOCK, 2, 0, 4242, times, 81, 15.0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(r);
  double plain, corrected, se;
  int groups;
  CU_ASSERT_EQUAL(qs_sync_omega_jackknife(m, r, QS_STEADY_DENSE, &plain, &corrected, &se,
                                          &groups, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(groups, 40);
  double z = z_of(corrected, se, pt.omega);
  CU_ASSERT(fabs(z) < 4.6);
  CU_ASSERT(se < 0.2 * pt.omega); /* the estimate is informative */
  if (fabs(z) >= 4.6)
    fprintf(stderr, "\n  Omega: trajectories %g ± %g, exact %g\n", corrected, se, pt.omega);
  qs_ensemble_result_destroy(&r);
  free(times);
  qs_model_destroy(&m);
}

int qs_test_register_ensemble(void)
{
  static const test_case cases[] = {
    {"late-time and time-averaged observables vs exact steady state (|z| < 4)",
     test_steady_state_z_scores},
    {"rho(t) vs exact Liouvillian evolution (|z| < 4); rho Hermitian, trace 1, positive",
     test_rho_t_against_exact},
    {"1 and 2 threads byte-identical; block-aligned merge", test_threads_and_merge},
    {"option errors and progress callback", test_options_and_progress},
    {"jackknife: closed forms for linear and quadratic functions", test_jackknife_closed_forms},
    {"Omega from trajectory rho (jackknife) vs exact (|t| < 4.6, 39 dof)",
     test_trajectory_omega},
  };
  return test_add_suite("ensemble", cases, (int)(sizeof cases / sizeof cases[0]));
}
