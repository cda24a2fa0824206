/* Validity maps (validity.h): the comparison of approximate states with the
 * exact one, checked on states whose distances are known in closed form,
 * and the per-point call on limits where the answer is known. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

/* cavity_qubits values from the defaults with overrides (NULL-terminated). */
static void cavity_values(const char *const *keys, const double *v, double *values)
{
  const qs_model_type *type = qs_model_type_find("cavity_qubits");
  qs_model_defaults(type, values);
  for (int i = 0; keys[i]; i++)
    values[qs_model_param_index(type, keys[i])] = v[i];
}

static double complex *state_alloc(const qs_model *m)
{
  size_t n = (size_t)m->space.total;
  return malloc(n * n * sizeof(double complex));
}

/* D(rho, rho) = 0 and every difference 0. */
static void test_validity_self_distance(void)
{
  const char *keys[] = {"nqubits", "ncav", "displace", "domega", NULL};
  const double v[] = {2, 8, 1, 0.4};
  qs_model *m = test_cavity(keys, v);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  double complex *rho = state_alloc(m);
  const double bloch[2][3] = {{0.2, -0.5, 0.3}, {0.0, 0.6, -0.7}};
  CU_ASSERT_EQUAL_FATAL(qs_validity_product_state(m, 0.3 - 0.2 * I, bloch, rho, NULL, NULL, 0),
                        QS_OK);
  qs_validity_diff d;
  CU_ASSERT_EQUAL(qs_validity_compare(m, rho, rho, &d), QS_OK);
  CU_ASSERT(d.done);
  CU_ASSERT(fabs(d.trace_distance) < 1e-12);
  CU_ASSERT_EQUAL(d.d_a, 0.0);
  CU_ASSERT_EQUAL(d.d_n, 0.0);
  CU_ASSERT_EQUAL(d.d_sx, 0.0);
  CU_ASSERT_EQUAL(d.d_sz, 0.0);
  free(rho);
  qs_model_destroy(&m);
}

/* Same cavity state, qubit Bloch vectors b and c: D = |b - c| / 2 (trace
 * distance of two qubit states); and antipodal vectors are orthogonal. */
static void test_validity_bloch_distance(void)
{
  const char *keys[] = {"nqubits", "ncav", NULL};
  const double v[] = {1, 6};
  qs_model *m = test_cavity(keys, v);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  double complex *rho = state_alloc(m), *sigma = state_alloc(m);
  const double b[1][3] = {{0.3, 0.4, 0.0}}, c[1][3] = {{0.0, 0.0, 0.5}};
  CU_ASSERT_EQUAL(qs_validity_product_state(m, 0.0, b, rho, NULL, NULL, 0), QS_OK);
  CU_ASSERT_EQUAL(qs_validity_product_state(m, 0.0, c, sigma, NULL, NULL, 0), QS_OK);
  qs_validity_diff d;
  CU_ASSERT_EQUAL(qs_validity_compare(m, rho, sigma, &d), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(d.trace_distance, sqrt(0.09 + 0.16 + 0.25) / 2.0, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(d.d_sx, -0.15, 1e-12); /* S = sigma / 2: (0 - 0.3) / 2 */
  CU_ASSERT_DOUBLE_EQUAL(d.d_sz, 0.25, 1e-12);
  const double up[1][3] = {{0, 0, 1}}, down[1][3] = {{0, 0, -1}};
  CU_ASSERT_EQUAL(qs_validity_product_state(m, 0.0, up, rho, NULL, NULL, 0), QS_OK);
  CU_ASSERT_EQUAL(qs_validity_product_state(m, 0.0, down, sigma, NULL, NULL, 0), QS_OK);
  CU_ASSERT_EQUAL(qs_validity_compare(m, rho, sigma, &d), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(d.trace_distance, 1.0, 1e-12);
  free(rho);
  free(sigma);
  qs_model_destroy(&m);
}

/* Two coherent states (pure): D = sqrt(1 - |<alpha|beta>|^2) =
 * sqrt(1 - exp(-|alpha - beta|^2)); in a displaced basis the product state
 * still has <a> = alpha, <n> = |alpha|^2 and S = b / 2. */
static void test_validity_coherent_distance(void)
{
  /* alpha0 = -i F / (gamma/2 - i domega) = -i; the states sit near it, so
   * 20 displaced levels hold them to 1e-15 (dimension 40: OpenBLAS
   * 0.3.21's zheev reads out of bounds under ASan from about 60 on) */
  const char *keys[] = {"nqubits", "ncav", "displace", "F", "gamma", "domega", NULL};
  const double v[] = {1, 20, 1, 0.5, 1.0, 0.0};
  qs_model *m = test_cavity(keys, v);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  double complex *rho = state_alloc(m), *sigma = state_alloc(m);
  const double b[1][3] = {{0.1, 0.2, -0.6}};
  const double complex alpha = 0.5 - 0.5 * I, beta = -0.3 - 1.2 * I;
  double lost = -1.0;
  CU_ASSERT_EQUAL(qs_validity_product_state(m, alpha, b, rho, &lost, NULL, 0), QS_OK);
  CU_ASSERT(lost >= 0.0 && lost < 1e-15);
  CU_ASSERT_EQUAL(qs_validity_product_state(m, beta, b, sigma, NULL, NULL, 0), QS_OK);
  qs_validity_obs o;
  qs_validity_observables(m, rho, &o);
  CU_ASSERT(cabs(o.a - alpha) < 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(o.n, 0.5, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(o.sx, 0.05, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(o.sz, -0.3, 1e-12);
  CU_ASSERT(fabs(creal(qs_trace(m->space.total, rho)) - 1.0) < 1e-13);
  qs_validity_diff d;
  CU_ASSERT_EQUAL(qs_validity_compare(m, rho, sigma, &d), QS_OK);
  double dist2 = cabs(alpha - beta) * cabs(alpha - beta);
  CU_ASSERT_DOUBLE_EQUAL(d.trace_distance, sqrt(1.0 - exp(-dist2)), 1e-10);
  free(rho);
  free(sigma);
  qs_model_destroy(&m);
}

/* A truncation that cuts the coherent state reports the lost weight
 * 1 - sum_{n<N} e^{-|a|^2} |a|^{2n} / n! (N = 2: 1 - e^{-x}(1 + x)). */
static void test_validity_truncated_coherent(void)
{
  const char *keys[] = {"nqubits", "ncav", NULL};
  const double v[] = {0, 2};
  qs_model *m = test_cavity(keys, v);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  double complex *rho = state_alloc(m);
  double lost = 0.0;
  CU_ASSERT_EQUAL(qs_validity_product_state(m, 1.5, NULL, rho, &lost, NULL, 0), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(lost, 1.0 - exp(-2.25) * (1.0 + 2.25), 1e-13);
  free(rho);
  qs_model_destroy(&m);
}

/* A model that is not one boson and qubits has no product state. */
static void test_validity_product_state_rejects(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  double complex *rho = state_alloc(m);
  char msg[256] = "";
  const double b[2][3] = {{0, 0, 0}, {0, 0, 0}};
  CU_ASSERT_EQUAL(qs_validity_product_state(m, 0.0, b, rho, NULL, msg, sizeof msg),
                  QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "boson"));
  free(rho);
  qs_model_destroy(&m);
}

/* The lab-frame comparison: the non-RWA corrections scale like lambda /
 * omega0 (Bloch-Siegert), so the distance to the RWA state shrinks as
 * omega0 grows; with the comparison off every lab number is NaN. */
static void test_validity_lab_frame(void)
{
  const char *keys[] = {"nqubits", "ncav", "displace", "F", "gamma", "gamma_s", "delta_1",
                        "domega", "omega0", NULL};
  double values[QS_MODEL_MAX_PARAMS];
  const double v10[] = {1, 6, 1, 0.3, 1.0, 1.0, 0.5, 0.2, 5};
  cavity_values(keys, v10, values);
  qs_validity_options opt = qs_validity_default_options();
  opt.compare = QS_VALIDITY_LAB;
  opt.lab.t_end = 6.0;
  opt.lab.n_times = 3;
  opt.lab.avg_periods = 2.0;
  qs_validity_point near, far, off;
  CU_ASSERT_EQUAL_FATAL(qs_validity_point_run(&opt, qs_model_type_find("cavity_qubits"),
                                              values, &near), QS_OK);
  values[qs_model_param_index(qs_model_type_find("cavity_qubits"), "omega0")] = 50;
  CU_ASSERT_EQUAL_FATAL(qs_validity_point_run(&opt, qs_model_type_find("cavity_qubits"),
                                              values, &far), QS_OK);
  CU_ASSERT(near.lab.done && far.lab.done);
  CU_ASSERT(near.lab.trace_distance > 0.0);
  CU_ASSERT(far.lab.trace_distance < 0.3 * near.lab.trace_distance);
  CU_ASSERT(fabs(far.lab.d_sz) < fabs(near.lab.d_sz));
  CU_ASSERT(near.exact_residual < 1e-10);
  opt.compare = 0;
  CU_ASSERT_EQUAL(qs_validity_point_run(&opt, qs_model_type_find("cavity_qubits"), values,
                                        &off), QS_OK);
  CU_ASSERT(!off.lab.done);
  CU_ASSERT(isnan(off.lab.trace_distance));
  CU_ASSERT(isnan(off.gap));
  CU_ASSERT(cabs(off.exact.a - far.exact.a) < 1e-12); /* the same exact RWA state */
}

/* The gap of the damped empty cavity: in the displaced basis (the drive
 * removed exactly) the truncated Liouvillian is triangular on |n><m| with
 * eigenvalues -gamma (n + m)/2 + i domega (n - m), so |Re mu_1| = gamma / 2. */
static void test_validity_gap_empty_cavity(void)
{
  const char *keys[] = {"nqubits", "ncav", "displace", "gamma", "domega", NULL};
  const double v[] = {0, 6, 1, 0.7, 0.4};
  double values[QS_MODEL_MAX_PARAMS];
  cavity_values(keys, v, values);
  qs_validity_options opt = qs_validity_default_options();
  opt.compare = QS_VALIDITY_GAP;
  qs_validity_point p;
  CU_ASSERT_EQUAL_FATAL(qs_validity_point_run(&opt, qs_model_type_find("cavity_qubits"),
                                              values, &p), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(p.gap, 0.35, 1e-10);
  CU_ASSERT(isnan(p.exact.sx)); /* no qubit: no S_x */
  CU_ASSERT_DOUBLE_EQUAL(p.gamma, 0.7, 0.0);
}

/* The driven empty cavity's steady state is the coherent state of Eq. 36,
 * which is a trial state: the semiclassical minimum is exact (S = 0, one
 * minimum, D = 0 up to the truncation of the exact solve). */
static void test_validity_semiclassical_empty_cavity(void)
{
  const char *keys[] = {"nqubits", "ncav", "F", "gamma", "domega", NULL};
  const double v[] = {0, 24, 1.0, 1.0, 0.5};
  double values[QS_MODEL_MAX_PARAMS];
  cavity_values(keys, v, values);
  qs_validity_options opt = qs_validity_default_options();
  opt.compare = QS_VALIDITY_SEMICLASSICAL;
  qs_validity_point p;
  CU_ASSERT_EQUAL_FATAL(qs_validity_point_run(&opt, qs_model_type_find("cavity_qubits"),
                                              values, &p), QS_OK);
  CU_ASSERT(p.semiclassical.done);
  CU_ASSERT_EQUAL(p.n_minima, 1);
  CU_ASSERT(p.eps < 1e-6);
  CU_ASSERT(p.semiclassical.trace_distance < 1e-8);
  /* alpha = -i F / (gamma/2 - i domega) = -i / (0.5 - 0.5 i) = 1 - i */
  CU_ASSERT(cabs(p.semiclassical.value.a - (1.0 - 1.0 * I)) < 1e-6);
  CU_ASSERT(isnan(p.eps_over_gap)); /* no gap asked */
}

/* Strong damping makes the state semiclassical (Sec. 5): the distance of
 * the semiclassical product state to the exact state shrinks as gamma =
 * gamma_s grows at fixed F and Delta, as does eps / gamma. */
static void test_validity_semiclassical_strong_damping(void)
{
  const char *keys[] = {"nqubits", "ncav", "displace", "F", "gamma", "gamma_s", "domega", NULL};
  double values[QS_MODEL_MAX_PARAMS];
  qs_validity_options opt = qs_validity_default_options();
  opt.compare = QS_VALIDITY_SEMICLASSICAL;
  double dist[2], ratio[2];
  const double rate[2] = {0.5, 20.0};
  for (int k = 0; k < 2; k++) {
    const double v[] = {1, 20, 1, 1.0, rate[k], rate[k], 0.5};
    cavity_values(keys, v, values);
    qs_validity_point p;
    CU_ASSERT_EQUAL_FATAL(qs_validity_point_run(&opt, qs_model_type_find("cavity_qubits"),
                                                values, &p), QS_OK);
    CU_ASSERT_FATAL(p.semiclassical.done);
    dist[k] = p.semiclassical.trace_distance;
    ratio[k] = p.eps_over_gamma;
  }
  CU_ASSERT(dist[1] < 0.1 * dist[0]);
  CU_ASSERT(dist[1] < 1e-2);
  CU_ASSERT(ratio[1] < ratio[0]);
}

/* Weak damping (Sec. 4): (R)* converges and its state is the exact one to
 * the residual it reports; with strong damping and drive (Sec. 5: "the rate
 * equation series are no longer converging") it does not converge and its
 * best partial sum is far from the exact state. */
static void test_validity_series_weak_damping(void)
{
  const char *keys[] = {"nqubits", "ncav", "F", "gamma", "gamma_s", "domega", NULL};
  double values[QS_MODEL_MAX_PARAMS];
  qs_validity_options opt = qs_validity_default_options();
  opt.compare = QS_VALIDITY_SERIES | QS_VALIDITY_GAP;
  const double weak[] = {1, 12, 0.1, 0.005, 0.005, 1.0};
  cavity_values(keys, weak, values);
  qs_validity_point p;
  CU_ASSERT_EQUAL_FATAL(qs_validity_point_run(&opt, qs_model_type_find("cavity_qubits"),
                                              values, &p), QS_OK);
  CU_ASSERT_FATAL(p.series.done);
  CU_ASSERT_EQUAL(p.series_converged, 1);
  CU_ASSERT(p.series_residual <= opt.series.tol);
  CU_ASSERT(p.series.trace_distance < 1e-7);
  CU_ASSERT(fabs(p.series.d_sx) < 1e-7);
  const double strong[] = {1, 20, 1.0, 2.0, 2.0, 1.0};
  cavity_values(keys, strong, values);
  qs_validity_point q;
  CU_ASSERT_EQUAL_FATAL(qs_validity_point_run(&opt, qs_model_type_find("cavity_qubits"),
                                              values, &q), QS_OK);
  CU_ASSERT_FATAL(q.series.done);
  CU_ASSERT_EQUAL(q.series_converged, 0);
  CU_ASSERT(q.series_residual > 1e3 * opt.series.tol);
  CU_ASSERT(q.series.trace_distance > 0.1);
}

/* The farm gives each point what a single call gives (any thread count);
 * a bad point fails with its index. */
static void test_validity_points_farm(void)
{
  const qs_model_type *type = qs_model_type_find("cavity_qubits");
  const char *keys[] = {"nqubits", "ncav", "displace", "domega", NULL};
  double values[3 * QS_MODEL_MAX_PARAMS];
  for (int p = 0; p < 3; p++) {
    const double v[] = {1, 10, 1, -1.0 + p};
    cavity_values(keys, v, values + p * QS_MODEL_MAX_PARAMS);
  }
  qs_validity_options opt = qs_validity_default_options();
  opt.compare = 0;
  opt.farm.threads = 2;
  qs_validity_point pts[3], one;
  long failed = 99;
  CU_ASSERT_EQUAL(qs_validity_points_run(&opt, type, values, 3, pts, &failed), QS_OK);
  CU_ASSERT_EQUAL(failed, -1);
  for (int p = 0; p < 3; p++) {
    CU_ASSERT_EQUAL(qs_validity_point_run(&opt, type, values + p * QS_MODEL_MAX_PARAMS, &one),
                    QS_OK);
    CU_ASSERT_EQUAL(creal(one.exact.a), creal(pts[p].exact.a));
    CU_ASSERT_EQUAL(one.exact.sz, pts[p].exact.sz);
  }
  values[1 * QS_MODEL_MAX_PARAMS + qs_model_param_index(type, "gamma")] = 0.0; /* no steady amplitude */
  values[1 * QS_MODEL_MAX_PARAMS + qs_model_param_index(type, "domega")] = 0.0;
  CU_ASSERT_EQUAL(qs_validity_points_run(&opt, type, values, 3, pts, &failed), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(failed, 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(pts[1].msg, "displace"));
}

int qs_test_register_validity(void)
{
  static const test_case cases[] = {
      {"trace distance of a state with itself is 0", test_validity_self_distance},
      {"qubit states: D = |b - c| / 2", test_validity_bloch_distance},
      {"coherent states: D = sqrt(1 - exp(-|a - b|^2)), displaced basis",
       test_validity_coherent_distance},
      {"truncated coherent state: lost weight", test_validity_truncated_coherent},
      {"product state needs one boson and qubits", test_validity_product_state_rejects},
      {"lab frame approaches RWA as omega0 grows", test_validity_lab_frame},
      {"gap of the damped empty cavity is gamma / 2", test_validity_gap_empty_cavity},
      {"semiclassical is exact for the empty cavity", test_validity_semiclassical_empty_cavity},
      {"semiclassical distance shrinks with strong damping",
       test_validity_semiclassical_strong_damping},
      {"(R)* is exact at weak damping", test_validity_series_weak_damping},
      {"points through the farm", test_validity_points_farm},
  };
  return test_add_suite("validity", cases, (int)(sizeof cases / sizeof cases[0]));
}
