/* The two-level rate fit (qs_rate_fit) against closed-form relaxation
 * curves, its error paths, and the transmon rates (qs_transmon_rates)
 * against the exact steady state of the same decoupled, undriven model. */
#include <math.h>
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

int qs_test_register_rates(void)
{
  static const test_case cases[] = {
    {"fit recovers w, gamma of exact two-level curves", test_fit_exact},
    {"fit with w = 0 and gamma = 0", test_fit_w_zero},
    {"fit residual shows a second exponential; its tail fits exactly", test_fit_residual},
    {"fit errors: too few points, bad dt, non-finite, constant, no decay", test_fit_errors},
    {"rate units: 1/us to kHz", test_rate_units},
  };
  return test_add_suite("rates", cases, (int)(sizeof cases / sizeof cases[0]));
}
