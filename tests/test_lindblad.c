/* Exact steady states against each other and against closed forms; exact
 * time evolution against Rabi oscillations.  (The Appendix C comparison is
 * in tests/test_weakdrive.c.) */
#include <math.h>
#include <stdlib.h>

#include "test_util.h"

static double complex expect(const qs_model *m, const char *name, const double complex *rho)
{
  return qs_op_trace_with(m->obs[qs_model_obs_index(m, name)], rho);
}

/* Steady states are Hermitian, unit-trace, positive semidefinite. */
static void check_density_matrix(qs_index n, const double complex *rho)
{
  CU_ASSERT(qs_hermiticity_error(n, rho) < 1e-12);
  CU_ASSERT(cabs(qs_trace(n, rho) - 1.0) < 1e-12);
  double ev[16];
  CU_ASSERT_EQUAL(qs_hermitian_eigenvalues(n, rho, ev), QS_OK);
  CU_ASSERT(ev[0] > -1e-12);
}

static void test_dense_equals_sparse(void)
{
  const char *keys[] = {"g", "eps", "gamma_phi", "delta_d", "spin", NULL};
  const double cases[][5] = {{1.0, 0.1, 0.0, 0.0, 0.5}, {2.5, 0.8, 0.2, 0.3, 0.5},
                             {0.7, 0.3, 0.05, -0.4, 1.0}, {0.0, 0.0, 0.0, 0.0, 0.5}};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    qs_model *m = test_qubit_osc(keys, cases[c]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    qs_index n = m->space.total;
    double complex *a = malloc((size_t)(n * n) * sizeof *a);
    double complex *b = malloc((size_t)(n * n) * sizeof *b);
    double ra = 1, rb = 1;
    CU_ASSERT_EQUAL(qs_steady_state(m, QS_STEADY_DENSE, a, &ra), QS_OK);
    CU_ASSERT_EQUAL(qs_steady_state(m, QS_STEADY_SPARSE_LU, b, &rb), QS_OK);
    CU_ASSERT(test_max_diff(a, b, n * n) < 1e-10);
    CU_ASSERT(ra < 1e-12 && rb < 1e-12);
    if (n <= 16)
      check_density_matrix(n, a);
    free(a);
    free(b);
    qs_model_destroy(&m);
  }
}

/* g = 0: qubit A is a driven two-level system with T1 rate Gamma and T2
 * rate Gamma/2.  The Bloch equations d<S+>/dt = (i Dd - Gamma/2)<S+> - i eps <Sz>,
 * d<Sz>/dt = eps Im<S+> - Gamma <Sz> + (w - gamma)/2 give in the steady state
 * <Sz> = (w - gamma) / (2 Gamma (1 + eps^2 / (2 (Dd^2 + Gamma^2/4)))),
 * <S+> = eps <Sz> (Dd - i Gamma/2) / (Dd^2 + Gamma^2/4), and qubit B is
 * thermal, <Sz_B> = (w_B - gamma_B) / (2 Gamma_B), <S+_B> = 0. */
static void test_uncoupled_closed_form(void)
{
  const double eps = 0.5, dd = 0.3, w = 0.4, gm = 0.6, gam = w + gm;
  const char *keys[] = {"g", "eps", "delta_d", NULL};
  const double vals[] = {0.0, eps, dd};
  qs_model *m = test_qubit_osc(keys, vals);
  double complex rho[16];
  CU_ASSERT_EQUAL(qs_steady_state(m, QS_STEADY_AUTO, rho, NULL), QS_OK);
  double den = dd * dd + gam * gam / 4;
  double z = (w - gm) / (2 * gam * (1 + eps * eps / (2 * den)));
  double complex sp = eps * z * (dd - I * gam / 2) / den;
  CU_ASSERT(cabs(expect(m, "Sz_A", rho) - z) < 1e-13);
  CU_ASSERT(cabs(expect(m, "Sp_A", rho) - sp) < 1e-13);
  CU_ASSERT(cabs(expect(m, "Sz_B", rho) - (0.75 - 0.25) / 2) < 1e-13);
  CU_ASSERT(cabs(expect(m, "Sp_B", rho)) < 1e-13);
  qs_model_destroy(&m);
}

/* No dissipation, resonant drive eps on A from |down, down>:
 * <Sz_A>(t) = -cos(eps t)/2 and, since d<Sy>/dt = -eps <Sz>,
 * <Sy_A>(t) = Im<S+_A> = +sin(eps t)/2; B stays down. */
static void test_evolution_rabi(void)
{
  const char *keys[] = {"w_A", "gamma_A", "w_B", "gamma_B", "g", "eps", NULL};
  const double vals[] = {0, 0, 0, 0, 0, 0.8};
  qs_model *m = test_qubit_osc(keys, vals);
  double complex rho0[16] = {0};
  rho0[15] = 1.0;
  double times[4] = {0.0, 0.5, 3.0, 11.0};
  double complex rho_t[4 * 16];
  CU_ASSERT_EQUAL(qs_lindblad_evolve_dense(m, rho0, 4, times, rho_t), QS_OK);
  for (int k = 0; k < 4; k++) {
    const double complex *r = rho_t + 16 * k;
    CU_ASSERT(cabs(expect(m, "Sz_A", r) + 0.5 * cos(0.8 * times[k])) < 1e-12);
    CU_ASSERT(fabs(cimag(expect(m, "Sp_A", r)) - 0.5 * sin(0.8 * times[k])) < 1e-12);
    CU_ASSERT(cabs(expect(m, "Sz_B", r) + 0.5) < 1e-12);
  }
  qs_model_destroy(&m);
}

/* With dissipation: trace preserved, and rho(t) -> steady state. */
static void test_evolution_relaxes(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  double complex rho0[16] = {0}, rho_t[2 * 16], rho_ss[16];
  rho0[15] = 1.0;
  double times[2] = {2.0, 200.0};
  CU_ASSERT_EQUAL(qs_lindblad_evolve_dense(m, rho0, 2, times, rho_t), QS_OK);
  CU_ASSERT(cabs(qs_trace(4, rho_t) - 1.0) < 1e-12);
  check_density_matrix(4, rho_t);
  CU_ASSERT_EQUAL(qs_steady_state(m, QS_STEADY_DENSE, rho_ss, NULL), QS_OK);
  CU_ASSERT(test_max_diff(rho_t + 16, rho_ss, 16) < 1e-10);
  double bad[1] = {-1.0};
  CU_ASSERT_EQUAL(qs_lindblad_evolve_dense(m, rho0, 1, bad, rho_t), QS_ERR_INVALID);
  qs_model_destroy(&m);
}

/* Without gain/loss the steady state is not unique: a clear error. */
static void test_errors(void)
{
  const char *keys[] = {"w_A", "gamma_A", "w_B", "gamma_B", NULL};
  const double vals[] = {0, 0, 0, 0};
  qs_model *m = test_qubit_osc(keys, vals);
  double complex rho[16];
  CU_ASSERT_EQUAL(qs_steady_state(m, QS_STEADY_DENSE, rho, NULL), QS_ERR_SINGULAR);
  CU_ASSERT_EQUAL(qs_steady_state(m, QS_STEADY_SPARSE_LU, rho, NULL), QS_ERR_SINGULAR);
  qs_model_destroy(&m);
  CU_ASSERT_EQUAL(qs_steady_method_parse("SPARSE_LU"), QS_STEADY_SPARSE_LU);
  CU_ASSERT_EQUAL(qs_steady_method_parse("magic"), -1);
  CU_ASSERT_EQUAL(qs_steady_state(NULL, QS_STEADY_DENSE, rho, NULL), QS_ERR_INVALID);
}

int qs_test_register_lindblad(void)
{
  static const test_case cases[] = {
    {"dense LU and UMFPACK agree to 1e-10", test_dense_equals_sparse},
    {"g = 0: driven qubit Bloch-equation closed form", test_uncoupled_closed_form},
    {"exact evolution: Rabi oscillation", test_evolution_rabi},
    {"exact evolution: trace kept, relaxes to steady state", test_evolution_relaxes},
    {"non-unique steady state and bad arguments", test_errors},
  };
  return test_add_suite("lindblad", cases, (int)(sizeof cases / sizeof cases[0]));
}
