/* Master-equation points and steady-state chains.
 *
 * Points: one spin relaxing (qubit_osc, g = eps = 0) has the closed form
 *   <Sz_A>(t) = s + (-1/2 - s) exp(-Gamma t),  s = (w - gamma) / (2 Gamma),
 * Gamma = w + gamma (dPe/dt = w Pg - gamma Pe), sampled at the documented
 * output times and at the midpoints of the averaging window; the farm's
 * result does not depend on the number of workers; the lowest failing
 * point is reported.  Chains: a warm-started Krylov solve lands on the
 * dense solution of the same point. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static double sz_exact(double w, double gamma, double t)
{
  double G = w + gamma, s = (w - gamma) / (2.0 * G);
  return s + (-0.5 - s) * exp(-G * t);
}

static qs_mesolve_point relaxing_point(double w_a, double gamma_a)
{
  const char *keys[] = {"g", "eps", "w_A", "gamma_A", NULL};
  const double vals[] = {0.0, 0.0, w_a, gamma_a};
  qs_mesolve_point pt;
  memset(&pt, 0, sizeof pt);
  pt.model = test_qubit_osc(keys, vals);
  memcpy(pt.values, pt.model->param_values,
         (size_t)pt.model->type->n_params * sizeof *pt.values);
  return pt;
}

static void test_points_closed_form(void)
{
  const double w[3] = {0.3, 0.5, 0.1}, gamma[3] = {0.7, 0.5, 0.9};
  double times[5];
  for (int t = 0; t < 5; t++)
    times[t] = 0.75 * t; /* t_end = 3 */
  for (int threads = 1; threads <= 2; threads++)
    for (int averaged = 0; averaged <= 1; averaged++) {
      qs_mesolve_point_options o = qs_mesolve_point_default_options();
      o.me.rtol = 1e-10;
      o.me.atol = 1e-12;
      o.t_end = 3.0;
      o.n_times = 5;
      o.avg_periods = averaged ? 2.0 : 0.0; /* period 1: window [1, 3] */
      o.avg_samples = 4;                    /* 8 midpoint samples */
      o.farm.threads = threads;
      qs_mesolve_point pts[3];
      for (int p = 0; p < 3; p++)
        pts[p] = relaxing_point(w[p], gamma[p]);
      long failed = 7;
      CU_ASSERT_EQUAL_FATAL(qs_mesolve_points_run(&o, times, pts, 3, &failed), QS_OK);
      CU_ASSERT_EQUAL(failed, -1);
      for (int p = 0; p < 3; p++) {
        int k = qs_model_obs_index(pts[p].model, "Sz_A");
        for (int t = 0; t < 5; t++)
          CU_ASSERT_DOUBLE_EQUAL(creal(pts[p].obs_t[t * pts[p].model->n_obs + k]),
                                 sz_exact(w[p], gamma[p], times[t]), 1e-7);
        double want = sz_exact(w[p], gamma[p], 3.0);
        if (averaged) {
          want = 0.0;
          for (int i = 0; i < 8; i++)
            want += sz_exact(w[p], gamma[p], 1.0 + (i + 0.5) * 2.0 / 8) / 8;
        }
        CU_ASSERT_DOUBLE_EQUAL(creal(pts[p].obs_avg[k]), want, 1e-7);
        CU_ASSERT_EQUAL(pts[p].st, QS_OK);
        qs_mesolve_point_release(&pts[p]);
      }
    }
}

/* Point 0 fine, 1 and 2 fail (no frame key for an RWA start): point 1 is
 * reported; a window longer than t_end fails before any integration. */
static void test_points_failures(void)
{
  double times[2] = {0.0, 1.0};
  qs_mesolve_point_options o = qs_mesolve_point_default_options();
  o.t_end = 1.0;
  o.farm.threads = 2;
  qs_mesolve_point pts[3];
  for (int p = 0; p < 3; p++)
    pts[p] = relaxing_point(0.4, 0.6);
  o.start = QS_MESOLVE_START_RWA_STEADY;
  size_t n = (size_t)pts[0].model->space.total;
  pts[0].rho_start = calloc(n * n, sizeof *pts[0].rho_start); /* the caller's start wins */
  pts[0].rho_start[n * n - 1] = 1.0;
  long failed = -1;
  CU_ASSERT_EQUAL(qs_mesolve_points_run(&o, times, pts, 3, &failed), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(failed, 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(pts[1].msg, "frame"));
  for (int p = 0; p < 3; p++)
    qs_mesolve_point_release(&pts[p]);
  o.start = QS_MESOLVE_START_MODEL;
  o.avg_periods = 2.0; /* 2 time units > t_end = 1 */
  for (int p = 0; p < 3; p++)
    pts[p] = relaxing_point(0.4, 0.6);
  CU_ASSERT_EQUAL(qs_mesolve_points_run(&o, times, pts, 3, &failed), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(failed, 0);
  CU_ASSERT_PTR_NULL(pts[0].obs_t); /* nothing integrated */
  CU_ASSERT_PTR_NOT_NULL(strstr(pts[0].msg, "exceeds t_end"));
  for (int p = 0; p < 3; p++)
    qs_mesolve_point_release(&pts[p]);
}

/* Two neighbouring drives of a cavity with one qubit: the second Krylov
 * solve starts from the first state and reaches the dense state of its own
 * point; a changed truncation starts cold. */
static void test_steady_chain(void)
{
  const char *keys[] = {"ncav", "F", NULL};
  double vals[2] = {8, 0.30};
  qs_model *a = test_cavity(keys, vals);
  vals[1] = 0.32;
  qs_model *b = test_cavity(keys, vals);
  vals[0] = 9;
  qs_model *c = test_cavity(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(a);
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  qs_steady_options o = qs_steady_default_options();
  o.method = QS_STEADY_KRYLOV;
  o.tol = 1e-12;
  qs_steady_chain *chain = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_steady_chain_create(&o, &chain), QS_OK);
  const double complex *rho = NULL;
  qs_steady_info info_a, info_b, info_c;
  int warm = -1;
  CU_ASSERT_EQUAL(qs_steady_chain_solve(chain, a, &rho, &info_a, &warm, NULL, 0), QS_OK);
  CU_ASSERT_EQUAL(warm, 0);
  CU_ASSERT_EQUAL(qs_steady_chain_solve(chain, b, &rho, &info_b, &warm, NULL, 0), QS_OK);
  CU_ASSERT_EQUAL(warm, 1);
  size_t n = (size_t)b->space.total;
  double complex *dense = malloc(n * n * sizeof *dense);
  CU_ASSERT_EQUAL_FATAL(qs_steady_state(b, QS_STEADY_DENSE, dense, NULL), QS_OK);
  CU_ASSERT(test_max_diff(rho, dense, (long)(n * n)) < 1e-9);
  /* the nearby start needs fewer Arnoldi steps than I/N did */
  CU_ASSERT(info_b.iterations < info_a.iterations);
  CU_ASSERT_EQUAL(qs_steady_chain_solve(chain, c, &rho, &info_c, &warm, NULL, 0), QS_OK);
  CU_ASSERT_EQUAL(warm, 0);
  free(dense);
  qs_steady_chain_destroy(&chain);
  CU_ASSERT_PTR_NULL(chain);
  qs_steady_chain_destroy(&chain);
  qs_model_destroy(&a);
  qs_model_destroy(&b);
  qs_model_destroy(&c);
}

int qs_test_register_mesolve_points(void)
{
  static const test_case cases[] = {
      {"points against the closed-form relaxation", test_points_closed_form},
      {"lowest failing point, window before work", test_points_failures},
      {"steady chain warm start", test_steady_chain},
  };
  return test_add_suite("mesolve_points", cases, (int)(sizeof cases / sizeof cases[0]));
}
