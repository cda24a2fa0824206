/* The two-level rate fit (qs_rate_fit) against closed-form relaxation
 * curves, its error paths, and the transmon rates (qs_transmon_rates)
 * against the exact steady state of the same decoupled, undriven model. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

/* p(t0 + k dt) of dp/dt = w (1 - p) - gamma p from p(t0) = p0. */
static void two_level_curve(double w, double gamma, double p0, double t0, double dt, int n,
                            double *p)
{
  double G = w + gamma, pinf = w / G;
  for (int k = 0; k < n; k++)
    p[k] = pinf + (p0 - pinf) * exp(-G * (t0 + k * dt)) * exp(G * t0);
}

static void check_recovers(double w, double gamma, double p0, double dt, int n)
{
  double *p = malloc((size_t)n * sizeof *p);
  two_level_curve(w, gamma, p0, 0.7, dt, n, p);
  qs_rate_fit_result r;
  char msg[256] = "";
  CU_ASSERT_EQUAL_FATAL(qs_rate_fit_ex(n, dt, p, &r, msg, sizeof msg), QS_OK);
  double scale = w + gamma;
  CU_ASSERT(fabs(r.w - w) <= 1e-10 * scale);
  CU_ASSERT(fabs(r.gamma - gamma) <= 1e-10 * scale);
  CU_ASSERT(fabs(r.Gamma - (w + gamma)) <= 1e-10 * scale);
  CU_ASSERT(fabs(r.p_inf - w / (w + gamma)) <= 1e-10);
  CU_ASSERT(fabs(r.amplitude - (p0 - w / (w + gamma))) <= 1e-10);
  CU_ASSERT(r.rms <= 1e-12);
  double W, Gm, GG, pinf, rms;
  CU_ASSERT_EQUAL(qs_rate_fit(n, dt, p, &W, &Gm, &GG, &pinf, &rms), QS_OK);
  CU_ASSERT_EQUAL(W, r.w);
  CU_ASSERT_EQUAL(Gm, r.gamma);
  CU_ASSERT_EQUAL(qs_rate_fit(n, dt, p, NULL, NULL, NULL, NULL, NULL), QS_OK);
  free(p);
}

static void test_fit_exact(void)
{
  /* The paper's scale: rates in 1/us, samples every 0.05 us over 20 us. */
  check_recovers(1.2, 0.37, 1.0, 0.05, 391);
  check_recovers(0.09, 2.5, 1.0, 0.05, 391);
  check_recovers(3.0, 1.0, 0.0, 0.01, 50);   /* relaxing upwards */
  check_recovers(0.5, 0.5, 0.9, 1.0, 3);     /* the fewest samples */
}

static void test_fit_w_zero(void)
{
  double p[200];
  two_level_curve(0.0, 0.48, 1.0, 0.0, 0.05, 200, p);
  qs_rate_fit_result r;
  CU_ASSERT_EQUAL_FATAL(qs_rate_fit_ex(200, 0.05, p, &r, NULL, 0), QS_OK);
  CU_ASSERT(fabs(r.w) <= 1e-10 * 0.48);
  CU_ASSERT(fabs(r.gamma - 0.48) <= 1e-10 * 0.48);
  CU_ASSERT(fabs(r.p_inf) <= 1e-10);
  /* gamma = 0: pure gain. */
  two_level_curve(0.8, 0.0, 0.0, 0.0, 0.05, 200, p);
  CU_ASSERT_EQUAL_FATAL(qs_rate_fit_ex(200, 0.05, p, &r, NULL, 0), QS_OK);
  CU_ASSERT(fabs(r.gamma) <= 1e-10 * 0.8);
  CU_ASSERT(fabs(r.w - 0.8) <= 1e-10 * 0.8);
}

static void test_fit_residual(void)
{
  /* A second, faster exponential (the |f>-level transient) shows up in
   * the rms, and the fit of its tail alone is exact again. */
  double p[400];
  for (int k = 0; k < 400; k++) {
    double t = 0.05 * k;
    p[k] = 0.75 + 0.25 * exp(-0.4 * t) + 0.1 * exp(-20.0 * t);
  }
  qs_rate_fit_result all, tail;
  CU_ASSERT_EQUAL_FATAL(qs_rate_fit_ex(400, 0.05, p, &all, NULL, 0), QS_OK);
  CU_ASSERT(all.rms > 1e-4);
  CU_ASSERT_EQUAL_FATAL(qs_rate_fit_ex(400 - 40, 0.05, p + 40, &tail, NULL, 0), QS_OK);
  CU_ASSERT(tail.rms < 1e-10);
  CU_ASSERT(fabs(tail.Gamma - 0.4) < 1e-7);
  CU_ASSERT(fabs(tail.p_inf - 0.75) < 1e-7);
}

static void expect_error(int n, double dt, const double *p, qs_status want, const char *needle)
{
  qs_rate_fit_result r;
  char msg[256] = "";
  CU_ASSERT_EQUAL(qs_rate_fit_ex(n, dt, p, &r, msg, sizeof msg), want);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, needle));
  CU_ASSERT_EQUAL(qs_rate_fit(n, dt, p, NULL, NULL, NULL, NULL, NULL), want);
}

static void test_fit_errors(void)
{
  double p[20];
  two_level_curve(0.3, 0.7, 1.0, 0.0, 0.1, 20, p);
  expect_error(2, 0.1, p, QS_ERR_INVALID, "at least 3");
  expect_error(0, 0.1, p, QS_ERR_INVALID, "at least 3");
  expect_error(20, 0.0, p, QS_ERR_INVALID, "dt");
  expect_error(20, -1.0, p, QS_ERR_INVALID, "dt");
  expect_error(20, NAN, p, QS_ERR_INVALID, "dt");
  expect_error(20, 0.1, NULL, QS_ERR_INVALID, "NULL");
  double bad[20];
  memcpy(bad, p, sizeof bad);
  bad[7] = NAN;
  expect_error(20, 0.1, bad, QS_ERR_INVALID, "sample 7");
  bad[7] = INFINITY;
  expect_error(20, 0.1, bad, QS_ERR_INVALID, "sample 7");
  for (int k = 0; k < 20; k++)
    bad[k] = 0.25;
  expect_error(20, 0.1, bad, QS_ERR_INVALID, "constant");
  for (int k = 0; k < 20; k++)
    bad[k] = 0.1 * exp(0.3 * k);            /* growth: r > 1 */
  expect_error(20, 0.1, bad, QS_ERR_INVALID, "no decay");
  for (int k = 0; k < 20; k++)
    bad[k] = 0.5 + 0.1 * k;                 /* linear: r = 1 */
  expect_error(20, 0.1, bad, QS_ERR_INVALID, "no decay");
  for (int k = 0; k < 20; k++)
    bad[k] = 0.5 + 0.3 * (k % 2 ? 1 : -1) * exp(-0.1 * k);  /* r < 0 */
  expect_error(20, 0.1, bad, QS_ERR_INVALID, "no decay");
  CU_ASSERT_EQUAL(qs_rate_fit_ex(20, 0.1, p, NULL, NULL, 0), QS_ERR_INVALID);
}

static void test_rate_units(void)
{
  /* 2 pi * 53 kHz = 0.333 /us (spec, "Units"). */
  CU_ASSERT(fabs(qs_rate_to_khz(2.0 * acos(-1.0) * 0.053) - 53.0) < 1e-12);
}

/* ---- the transmon model ------------------------------------------------ */

/* Table II column fig11b (moderate rates on both transmons), resonator B on
 * B's e-f transition and the pumps on the two-photon resonance, as
 * runs/transmon_rates_fig11b.ini; g and eps nonzero on purpose (the rates
 * must switch them off). */
static void fig11b_values(const qs_model_type *type, double *v)
{
  qs_model_defaults(type, v);
  static const char *const keys[] = {"eps", "Omega_pA", "Omega_pB", "Delta_A", "Delta_B",
                                     "f_aB", "f_pA", "f_pB", "g"};
  const double vals[] = {40, 7, 4.1, 1135, 300, 4500, 4798.865, 4749.7, 100};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    int k = qs_model_param_index(type, keys[i]);
    CU_ASSERT_FATAL(k >= 0);
    v[k] = vals[i];
  }
}

/* The master-equation steady state of the decoupled, undriven model has
 * p_e = Pe/(Pg+Pe) = w/(w+gamma) of the fitted rates.  The relaxation
 * curve tends to that steady state, and the fitted asymptote p_inf =
 * w/(w+gamma) differs from it only by what the single exponential does
 * not describe: the fit's own residual (rms; the |f>-level transient of
 * the gain process that t_skip does not cut entirely) plus the
 * integrator's tolerance (rtol 1e-8).  Tolerance: 5 rms + 1e-6; measured
 * 3.4e-4 = 0.5 rms (A) and 6.5e-5 = 0.4 rms (B) at t_end = 10 us. */
static void test_transmon_steady(void)
{
  const qs_model_type *type = qs_model_type_find("transmon");
  CU_ASSERT_PTR_NOT_NULL_FATAL(type);
  double v[QS_MODEL_MAX_PARAMS];
  fig11b_values(type, v);
  qs_rates_options opt = qs_rates_default_options();
  opt.t_end = 10.0;
  opt.n_times = 201;
  qs_transmon_rate_result r;
  char msg[512] = "";
  qs_status st = qs_transmon_rates(type, v, &opt, &r, msg, sizeof msg);
  if (st != QS_OK)
    fprintf(stderr, "rates: %s\n", msg);
  CU_ASSERT_EQUAL_FATAL(st, QS_OK);
  CU_ASSERT(r.factorized);
  /* Steady state of the same model (g = eps = 0: no time-dependent terms). */
  v[qs_model_param_index(type, "g")] = 0.0;
  v[qs_model_param_index(type, "eps")] = 0.0;
  qs_model *m = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_model_create(type, v, &m, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL_FATAL(m->n_td, 0);
  size_t n = (size_t)m->space.total;
  double complex *rho = malloc(n * n * sizeof *rho);
  double residual = 1.0;
  CU_ASSERT_EQUAL_FATAL(qs_steady_state(m, QS_STEADY_AUTO, rho, &residual), QS_OK);
  CU_ASSERT(residual < 1e-10);
  const char *names[2][2] = {{"Pg_A", "Pe_A"}, {"Pg_B", "Pe_B"}};
  for (int j = 0; j < 2; j++) {
    double pg = creal(qs_op_trace_with(m->obs[qs_model_obs_index(m, names[j][0])], rho));
    double pe = creal(qs_op_trace_with(m->obs[qs_model_obs_index(m, names[j][1])], rho));
    const qs_rate_fit_result *f = &r.fit[j];
    double fitted = f->w / (f->w + f->gamma), tol = 5.0 * f->rms + 1e-6;
    printf("\n    transmon %c: steady p_e = %.8f, fitted w/(w+gamma) = %.8f, diff %.2e, "
           "rms %.2e, w/gamma = %.4f", "AB"[j], pe / (pg + pe), fitted,
           fabs(pe / (pg + pe) - fitted), f->rms, f->w / f->gamma);
    CU_ASSERT(fabs(pe / (pg + pe) - fitted) <= tol);
    CU_ASSERT(f->w > 0.0 && f->gamma > 0.0);
  }
  free(rho);
  qs_model_destroy(&m);
  qs_transmon_rates_release(&r);
}

/* The two factors integrate the same master equation as the whole model. */
static void test_transmon_factors(void)
{
  const qs_model_type *type = qs_model_type_find("transmon");
  double v[QS_MODEL_MAX_PARAMS];
  fig11b_values(type, v);
  qs_rates_options opt = qs_rates_default_options();
  opt.t_end = 0.3;
  opt.n_times = 31;
  opt.t_skip = 0.05;
  qs_transmon_rate_result split, whole;
  CU_ASSERT_EQUAL_FATAL(qs_transmon_rates(type, v, &opt, &split, NULL, 0), QS_OK);
  opt.whole = 1;
  CU_ASSERT_EQUAL_FATAL(qs_transmon_rates(type, v, &opt, &whole, NULL, 0), QS_OK);
  CU_ASSERT(split.factorized && !whole.factorized);
  double worst = 0.0;
  for (int j = 0; j < 2; j++)
    for (int k = 0; k < split.n_times; k++)
      worst = fmax(worst, fabs(split.p_e[j][k] - whole.p_e[j][k]));
  CU_ASSERT(worst < 1e-7);
  qs_transmon_rates_release(&split);
  qs_transmon_rates_release(&whole);
}

static void test_transmon_errors(void)
{
  double v[QS_MODEL_MAX_PARAMS];
  const qs_model_type *qo = qs_model_type_find("qubit_osc");
  qs_model_defaults(qo, v);
  qs_transmon_rate_result r;
  char msg[256] = "";
  CU_ASSERT_EQUAL(qs_transmon_rates(qo, v, NULL, &r, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "transmon"));
  const qs_model_type *type = qs_model_type_find("transmon");
  qs_model_defaults(type, v);
  qs_rates_options opt = qs_rates_default_options();
  opt.t_skip = 25.0;
  CU_ASSERT_EQUAL(qs_transmon_rates(type, v, &opt, &r, msg, sizeof msg), QS_ERR_INVALID);
  opt = qs_rates_default_options();
  opt.n_times = 4;
  opt.t_skip = 10.0;
  CU_ASSERT_EQUAL(qs_transmon_rates(type, v, &opt, &r, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "at least 3"));
  /* Without pumps nothing relaxes from the ground... but from |e> the loss
   * alone is a clean decay: w = 0 on both transmons. */
  opt = qs_rates_default_options();
  opt.t_end = 2.0;
  opt.n_times = 41;
  CU_ASSERT_EQUAL_FATAL(qs_transmon_rates(type, v, &opt, &r, msg, sizeof msg), QS_OK);
  for (int j = 0; j < 2; j++) {
    CU_ASSERT(fabs(r.fit[j].w) < 1e-6 * r.fit[j].gamma);
    /* gamma0 = 53 kHz plus the Purcell decay through the resonator. */
    CU_ASSERT(qs_rate_to_khz(r.fit[j].gamma) > 53.0);
  }
  qs_transmon_rates_release(&r);
  qs_transmon_rates_release(NULL);
}

int qs_test_register_rates(void)
{
  static const test_case cases[] = {
    {"fit recovers w, gamma of exact two-level curves", test_fit_exact},
    {"fit with w = 0 and gamma = 0", test_fit_w_zero},
    {"fit residual shows a second exponential; its tail fits exactly", test_fit_residual},
    {"fit errors: too few points, bad dt, non-finite, constant, no decay", test_fit_errors},
    {"rate units: 1/us to kHz", test_rate_units},
    {"transmon: steady-state p_e = w/(w+gamma) of the fitted rates", test_transmon_steady},
    {"transmon: the two factors match the whole model", test_transmon_factors},
    {"transmon: errors; no pumps gives w = 0", test_transmon_errors},
  };
  return test_add_suite("rates", cases, (int)(sizeof cases / sizeof cases[0]));
}
