/* Scans: Brent root/minimum on closed forms; zero crossings of the exact
 * steady state against the Appendix C first order; the restored crossing
 * of a detuned drive checked by an independent steady-state solve; refined
 * extrema of R against dense sampling. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static qs_status cosine(double x, double *fx, void *data)
{
  (void)data;
  *fx = cos(x);
  return QS_OK;
}

static qs_status parabola(double x, double *fx, void *data)
{
  (void)data;
  *fx = 1.0 + (x - 0.3) * (x - 0.3) * (2.0 + x);
  return QS_OK;
}

static void test_brent(void)
{
  double root, x, fx;
  CU_ASSERT_EQUAL(qs_root_brent(cosine, NULL, 1.0, 2.0, cos(1.0), cos(2.0), 1e-13, &root),
                  QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(root, 2.0 * atan(1.0), 1e-12);
  CU_ASSERT_EQUAL(qs_root_brent(cosine, NULL, 0.0, 1.0, 1.0, cos(1.0), 1e-10, &root),
                  QS_ERR_INVALID); /* no bracket */
  /* minimum of 1 + (x - 0.3)^2 (2 + x) on [0, 1] is at 0.3 (the cubic
   * factor keeps the parabola step honest); relative tolerance 1e-8 gives
   * |x - 0.3| ~ 1e-8, far inside 1e-6. */
  CU_ASSERT_EQUAL(qs_minimize_brent(parabola, NULL, 0.0, 1.0, 1e-8, &x, &fx), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(x, 0.3, 1e-6);
  CU_ASSERT_DOUBLE_EQUAL(fx, 1.0, 1e-12);
}

static qs_scan_problem problem(const char *const *keys, const double *vals, int first_order)
{
  qs_model *m = test_qubit_osc(keys, vals);
  qs_scan_problem pb = {.type = m->type, .along = qs_model_param_index(m->type, "g"),
                        .method = QS_STEADY_DENSE, .first_order = first_order, .tol = 1e-10};
  for (int i = 0; i < m->type->n_params; i++)
    pb.values[i] = m->param_values[i];
  qs_model_destroy(&m);
  return pb;
}

static double *grid(double from, double to, int n)
{
  double *x = malloc((size_t)n * sizeof *x);
  for (int i = 0; i < n; i++)
    x[i] = from + (to - from) * i / (n - 1);
  return x;
}

/* Fig. 3 parameters.  At eps = 1e-4 the exact crossings differ from the
 * eps -> 0 (Appendix C) ones by O(eps^2) relative (the crossing moves with
 * <S+>_3 eps^3 / slope), so 1e-6 is a bound with margin; both are found to
 * 1e-10.  <S+_B> = 0 at g = 0 (B is not coupled) must not count. */
static void test_crossings_exact_vs_first_order(void)
{
  const char *keys[] = {"eps", NULL};
  const double vals[] = {1e-4};
  qs_scan_problem exact = problem(keys, vals, 0), first = problem(keys, vals, 1);
  const int n = 41;
  double *xs = grid(0.0, 4.0, n);
  qs_scan_sample *s = malloc((size_t)n * sizeof *s);
  qs_scan_features fe, ff;
  char msg[256];
  CU_ASSERT_EQUAL_FATAL(qs_scan_line(&exact, xs, n, s, &fe, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL_FATAL(qs_scan_line(&first, xs, n, s, &ff, msg, sizeof msg), QS_OK);
  for (int j = 0; j < 2; j++) {
    CU_ASSERT_EQUAL(fe.n_roots[j], 1);
    CU_ASSERT_EQUAL(ff.n_roots[j], 1);
    CU_ASSERT_DOUBLE_EQUAL(fe.roots[j][0], ff.roots[j][0], 1e-6);
    /* independently: the exact <S+_j> vanishes at the root */
    qs_scan_sample at;
    CU_ASSERT_EQUAL(qs_scan_sample_at(&exact, fe.roots[j][0], &at, msg, sizeof msg), QS_OK);
    CU_ASSERT(cabs(at.sp[j]) < 1e-9 * 1e-4);
  }
  CU_ASSERT(fe.roots[0][0] > 0.5 && fe.roots[0][0] < fe.roots[1][0]);
  free(xs);
  free(s);
}

/* Detuned drive (Fig. 5): with delta_q = 0 the phase of <S+_A> slips past
 * the axis without a zero; tuning delta_q restores a true zero, which an
 * independent steady-state evaluation at the returned point confirms. */
static void test_detuned_and_restored(void)
{
  const char *keys[] = {"w_A", "gamma_A", "w_B", "gamma_B", "delta_d", "eps", NULL};
  const double vals[] = {0.25, 0.75, 0.75, 0.25, 0.2, 1e-3};
  qs_scan_problem pb = problem(keys, vals, 0);
  const int n = 61;
  double *xs = grid(0.0, 3.0, n), *ys = grid(-1.0, 1.0, 21);
  qs_scan_sample *s = malloc((size_t)n * sizeof *s);
  qs_scan_features f;
  char msg[256] = "";
  CU_ASSERT_EQUAL_FATAL(qs_scan_line(&pb, xs, n, s, &f, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(f.n_roots[0], 0);
  CU_ASSERT(f.min_abs_ratio[0] > 1e-3);
  double x0, y0, ratio;
  int dq = qs_model_param_index(pb.type, "delta_q");
  CU_ASSERT_EQUAL_FATAL(qs_scan_restore(&pb, dq, xs, n, ys, 21, &x0, &y0, &ratio, msg,
                                        sizeof msg), QS_OK);
  qs_steady_point pt;
  pb.values[pb.along] = x0;
  pb.values[dq] = y0;
  CU_ASSERT_EQUAL(qs_steady_point_eval(pb.type, pb.values, QS_STEADY_SPARSE_LU, &pt, NULL,
                                       msg, sizeof msg), QS_OK);
  double largest = 0.0;
  for (int i = 0; i < n; i++)
    largest = fmax(largest, cabs(s[i].sp[0]));
  CU_ASSERT(cabs(pt.obs[0]) < 1e-6 * largest);
  CU_ASSERT(fabs(y0) > 1e-3); /* delta_q = 0 had no zero */
  free(xs);
  free(ys);
  free(s);
}

/* The refined extrema of R are the extrema of densely sampled R (to the
 * sampling's resolution), and R(g = 0) = 1 by definition. */
static void test_extrema_of_r(void)
{
  qs_scan_problem pb = problem(NULL, NULL, 0);
  const int n = 21, dense = 2001;
  double *xs = grid(0.0, 4.0, n), *xd = grid(0.0, 4.0, dense);
  qs_scan_sample *s = malloc((size_t)dense * sizeof *s);
  qs_scan_features f, fd;
  char msg[256];
  CU_ASSERT_EQUAL_FATAL(qs_scan_line(&pb, xs, n, s, &f, msg, sizeof msg), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(s[0].r, 1.0, 1e-12);
  CU_ASSERT_EQUAL_FATAL(qs_scan_line(&pb, xd, dense, s, &fd, msg, sizeof msg), QS_OK);
  CU_ASSERT(f.n_min >= 1);
  /* R -> 0 for g >> Gamma, so the interior local minimum is the lowest
   * dense sample that is lower than both neighbours. */
  int imin = -1;
  for (int i = 1; i + 1 < dense; i++)
    if (s[i].r < s[i - 1].r && s[i].r <= s[i + 1].r && (imin < 0 || s[i].r < s[imin].r))
      imin = i;
  CU_ASSERT_FATAL(imin > 0);
  /* the refined minimum is at least as low as the dense samples around it,
   * and within one dense grid step (0.002) of the lowest */
  CU_ASSERT(f.r_min <= s[imin].r + 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(f.x_r_min, s[imin].x, 0.002);
  CU_ASSERT_DOUBLE_EQUAL(f.r_min, fd.r_min, 1e-9);
  free(xs);
  free(xd);
  free(s);
}

static qs_steady_point point(const char *const *keys, const double *vals)
{
  qs_model *m = test_qubit_osc(keys, vals);
  qs_steady_point pt;
  char msg[256] = "";
  CU_ASSERT_EQUAL(qs_steady_point_eval(m->type, m->param_values, QS_STEADY_DENSE, &pt, NULL,
                                       msg, sizeof msg), QS_OK);
  qs_model_destroy(&m);
  return pt;
}

/* Omega of the model's steady states: zero without drive; positive with
 * it; Appendix B's block measure agrees with it for weak drive, the
 * relative difference falling as eps^2 (rho_diag and the pinching differ
 * only by in-block coherences of order eps^2, whose entropy effect is
 * O(eps^4) against Omega = O(eps^2)); degenerate baths are handled. */
static void test_sync_measure_of_model(void)
{
  const char *keys[] = {"eps", NULL};
  double eps0 = 0.0, eps1 = 0.1, eps2 = 0.01;
  CU_ASSERT(fabs(point(keys, &eps0).omega) < 1e-14);
  qs_steady_point p1 = point(keys, &eps1), p2 = point(keys, &eps2);
  CU_ASSERT(p1.omega > 1e-6 && p2.omega > 1e-8);
  double d1 = fabs(p1.omega - p1.omega_blocks) / p1.omega;
  double d2 = fabs(p2.omega - p2.omega_blocks) / p2.omega;
  CU_ASSERT(d1 < 0.05);
  CU_ASSERT(d2 < d1 / 50.0); /* eps^2 scaling: 100x, with a factor 2 margin */
  /* Omega / eps^2 has a finite weak-drive limit: the two differ by O(eps^2). */
  CU_ASSERT_DOUBLE_EQUAL(p1.omega / 0.01, p2.omega / 1e-4, 0.05 * p2.omega / 1e-4);

  /* w_A = gamma_A, g = 0: qubit A is at infinite temperature, <Sz_A> = 0,
   * so the drive creates no coherence at all (Bloch equations) and the
   * steady state is the undriven one: Omega = 0 exactly, and R's
   * reference vanishes (the paper's R_max -> infinity). */
  const char *inf_keys[] = {"w_A", "gamma_A", "g", "eps", NULL};
  const double inf_vals[] = {0.5, 0.5, 0.0, 0.3};
  qs_steady_point pinf = point(inf_keys, inf_vals);
  CU_ASSERT(fabs(pinf.omega) < 1e-14);
  CU_ASSERT(cabs(pinf.obs[0]) < 1e-15);
  /* Equal bath temperatures at g = 0: the Sz = 0 block of rho_u is a
   * multiple of the identity (degenerate); and both at infinite
   * temperature (rho_u = I/4).  Omega is finite, >= 0, and equals the
   * single-qubit value of A: B stays in its undriven state. */
  const char *deg_keys[] = {"w_A", "gamma_A", "w_B", "gamma_B", "g", "eps", NULL};
  const double same_temp[] = {0.4, 0.6, 0.4, 0.6, 0.0, 0.3};
  const double both_inf[] = {0.5, 0.5, 0.5, 0.5, 0.0, 0.3};
  qs_steady_point pd = point(deg_keys, same_temp), pb = point(deg_keys, both_inf);
  CU_ASSERT(isfinite(pd.omega) && pd.omega > 0.0);
  CU_ASSERT(fabs(pb.omega) < 1e-14);
  /* A alone: rho_A = diag populations + coherence, rho_uA diagonal, so
   * Omega = S(diag rho_A) - S(rho_A) (B factorizes out at g = 0). */
  double pz = creal(pd.obs[2]), sp = cabs(pd.obs[0]);
  double up = 0.5 + pz, dn = 0.5 - pz;
  double r = sqrt(pz * pz + sp * sp), l1 = 0.5 + r, l2 = 0.5 - r;
  double expected = -(up * log(up) + dn * log(dn)) + (l1 * log(l1) + l2 * log(l2));
  CU_ASSERT_DOUBLE_EQUAL(pd.omega, expected, 1e-12);
}

/* A model without the observables Sp_A, Sp_B is refused by name. */
static void test_refuses_model_without_phase_responses(void)
{
  qs_model *m = test_cavity(NULL, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  qs_scan_problem pb = {.type = m->type, .along = qs_model_param_index(m->type, "F"),
                        .method = QS_STEADY_DENSE, .tol = 1e-8};
  memcpy(pb.values, m->param_values, (size_t)m->type->n_params * sizeof *pb.values);
  qs_model_destroy(&m);
  char msg[256] = "";
  CU_ASSERT_EQUAL(qs_scan_check(&pb, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "Sp_A"));
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "cavity_qubits"));
  double xs[3] = {0.1, 0.2, 0.3};
  qs_scan_sample s[3];
  qs_scan_features f;
  CU_ASSERT_EQUAL(qs_scan_line(&pb, xs, 3, s, &f, NULL, 0), QS_ERR_INVALID);
  qs_scan_problem ok = problem(NULL, NULL, 0);
  CU_ASSERT_EQUAL(qs_scan_check(&ok, msg, sizeof msg), QS_OK);
}

/* The steady-state options reach the exact solves: Krylov limited to one
 * Arnoldi step cannot converge to 1e-14. */
static void test_steady_options_reach_the_solver(void)
{
  qs_scan_problem pb = problem(NULL, NULL, 0);
  qs_steady_options o = qs_steady_default_options();
  o.tol = 1e-14;
  o.max_iter = 1;
  pb.method = QS_STEADY_KRYLOV;
  pb.steady = &o;
  qs_scan_sample s;
  CU_ASSERT_EQUAL(qs_scan_sample_at(&pb, 1.0, &s, NULL, 0), QS_ERR_NOT_CONVERGED);
  o.max_iter = 1000;
  o.tol = 1e-12;
  CU_ASSERT_EQUAL(qs_scan_sample_at(&pb, 1.0, &s, NULL, 0), QS_OK);
  qs_steady_point pt;
  o.max_iter = 1;
  o.tol = 1e-14;
  o.method = QS_STEADY_KRYLOV;
  CU_ASSERT_EQUAL(qs_steady_point_eval_ex(pb.type, pb.values, &o, &pt, NULL, NULL, 0),
                  QS_ERR_NOT_CONVERGED);
}

/* The lines of a grid (delta_d over {0, 0.2}) equal the lines scanned one
 * by one through the same points, for one and two workers, with and
 * without the caller's sample array. */
static void test_grid_equals_single_lines(void)
{
  qs_scan_problem pb = problem(NULL, NULL, 0);
  const int n = 11;
  double *xs = grid(0.0, 4.0, n);
  qs_sweep_axis axes[2];
  memset(axes, 0, sizeof axes);
  snprintf(axes[0].key, sizeof axes[0].key, "delta_d");
  axes[0].n_values = 2;
  axes[0].values[0] = 0.0;
  axes[0].values[1] = 0.2;
  char msg[256] = "";
  CU_ASSERT_EQUAL_FATAL(qs_sweep_resolve(&axes[0], pb.type, pb.values, "test", msg,
                                         sizeof msg), QS_OK);
  qs_scan_features want[2];
  qs_scan_sample *s = malloc(2 * (size_t)n * sizeof *s);
  for (int p = 0; p < 2; p++) {
    qs_scan_problem line = pb;
    line.values[axes[0].param] = axes[0].values[p];
    CU_ASSERT_EQUAL_FATAL(qs_scan_line(&line, xs, n, s, &want[p], msg, sizeof msg), QS_OK);
  }
  for (int threads = 1; threads <= 2; threads++)
    for (int keep = 0; keep <= 1; keep++) {
      qs_scan_grid g = {.sweep = axes, .xs = xs, .nx = n, .restore = -1,
                        .farm = qs_farm_default_options()};
      g.farm.threads = threads;
      qs_scan_line_result lines[2];
      long failed = 5;
      CU_ASSERT_EQUAL_FATAL(qs_scan_grid_run(&pb, &g, lines, keep ? s : NULL, &failed), QS_OK);
      CU_ASSERT_EQUAL(failed, -1);
      for (int p = 0; p < 2; p++) {
        CU_ASSERT_EQUAL(memcmp(&lines[p].f, &want[p], sizeof want[p]), 0);
        CU_ASSERT_EQUAL(lines[p].sweep_x[0], axes[0].values[p]);
        CU_ASSERT(isnan(lines[p].sweep_x[1]) && isnan(lines[p].restore_x));
      }
      if (keep) /* line 1's samples: delta_d = 0.2 along g */
        CU_ASSERT_EQUAL(s[n + 3].x, xs[3]);
    }
  free(xs);
  free(s);
}

/* R of a point is Omega over Omega at g = 0, both from independent
 * steady-point evaluations; at g = 0 it is 1. */
static void test_sync_point_measures(void)
{
  qs_scan_problem pb = problem(NULL, NULL, 0);
  double m[QS_SYNC_N], ref[QS_MODEL_MAX_PARAMS];
  qs_steady_options o = qs_steady_default_options();
  o.method = QS_STEADY_DENSE;
  CU_ASSERT_EQUAL_FATAL(qs_sync_point_measures(pb.type, pb.values, &o, m, NULL, 0), QS_OK);
  qs_steady_point pt, pt0;
  CU_ASSERT_EQUAL(qs_steady_point_eval(pb.type, pb.values, QS_STEADY_SPARSE_LU, &pt, NULL,
                                       NULL, 0), QS_OK);
  memcpy(ref, pb.values, sizeof ref);
  ref[qs_model_param_index(pb.type, "g")] = 0.0;
  CU_ASSERT_EQUAL(qs_steady_point_eval(pb.type, ref, QS_STEADY_SPARSE_LU, &pt0, NULL, NULL, 0),
                  QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(m[QS_SYNC_OMEGA], pt.omega, 1e-10 * pt.omega);
  CU_ASSERT_DOUBLE_EQUAL(m[QS_SYNC_OMEGA_BLOCKS], pt.omega_blocks, 1e-10 * pt.omega);
  CU_ASSERT_DOUBLE_EQUAL(m[QS_SYNC_R], pt.omega / pt0.omega, 1e-9);
  CU_ASSERT_EQUAL_FATAL(qs_sync_point_measures(pb.type, ref, &o, m, NULL, 0), QS_OK);
  CU_ASSERT_EQUAL(m[QS_SYNC_R], 1.0);
  qs_model *qo = test_qubit_osc(NULL, NULL), *cav = test_cavity(NULL, NULL);
  CU_ASSERT(qs_sync_has_measure(qo));
  CU_ASSERT(!qs_sync_has_measure(cav)); /* no weak-drive parameter */
  qs_model_destroy(&qo);
  qs_model_destroy(&cav);
}

int qs_test_register_scan(void)
{
  static const test_case cases[] = {
    {"Brent root and minimum on closed forms", test_brent},
    {"zero crossings: exact (eps=1e-4) = Appendix C to 1e-6; <S+> vanishes there",
     test_crossings_exact_vs_first_order},
    {"detuned drive: no zero; restored by delta_q, confirmed independently",
     test_detuned_and_restored},
    {"refined extrema of R match dense sampling; R(0) = 1", test_extrema_of_r},
    {"model Omega: 0 undriven, >0 driven, = Appendix B for weak drive, degenerate baths",
     test_sync_measure_of_model},
    {"a model without Sp_A/Sp_B is refused by name", test_refuses_model_without_phase_responses},
    {"[steady] options reach the exact solves", test_steady_options_reach_the_solver},
    {"grid lines through the farm = single lines", test_grid_equals_single_lines},
    {"Omega, Omega_blocks, R of a point", test_sync_point_measures},
  };
  return test_add_suite("scan", cases, (int)(sizeof cases / sizeof cases[0]));
}
