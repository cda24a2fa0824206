/* The Appendix C first-order solution against the exact steady state and
 * against the uncoupled (g = 0) Bloch equations. */
#include <math.h>
#include <string.h>

#include "test_util.h"

static double complex expect(const qs_model *m, const char *name, const double complex *rho)
{
  return qs_op_trace_with(m->obs[qs_model_obs_index(m, name)], rho);
}

static qs_weakdrive_params params_of(const qs_model *m)
{
  qs_weakdrive_params p;
  char msg[256];
  CU_ASSERT_EQUAL(qs_weakdrive_params_from_model(m->type, m->param_values, &p, msg,
                                                 sizeof msg), QS_OK);
  return p;
}

/* <S+_j> = eps <S+_j>_1 + O(eps^3).  At eps = 1e-4 the relative correction
 * is O(eps^2) = 1e-8 times coefficients of order one (they grow only as
 * Gamma -> 0, not here), so 1e-6 on <S+>/eps is a bound with two decades
 * of margin that still catches any O(1) or O(eps) error.  Resonant and
 * detuned drives, with and without dephasing, both exact solvers. */
static void test_first_order_matches_exact(void)
{
  const double eps = 1e-4;
  const double detunings[][2] = {{0.0, 0.0}, {0.3, -0.2}, {-0.5, 0.9}};
  for (int d = 0; d < 3; d++)
    for (int deph = 0; deph < 2; deph++)
      for (int k = 0; k <= 40; k++) {
        const char *keys[] = {"g", "eps", "gamma_phi", "delta_d", "delta_q", NULL};
        const double vals[] = {0.1 * k, eps, deph ? 0.1 : 0.0, detunings[d][0],
                               detunings[d][1]};
        qs_model *m = test_qubit_osc(keys, vals);
        CU_ASSERT_PTR_NOT_NULL_FATAL(m);
        double complex rho_d[16], rho_s[16], a1, b1;
        CU_ASSERT_EQUAL(qs_steady_state(m, QS_STEADY_DENSE, rho_d, NULL), QS_OK);
        CU_ASSERT_EQUAL(qs_steady_state(m, QS_STEADY_SPARSE_LU, rho_s, NULL), QS_OK);
        qs_weakdrive_params p = params_of(m);
        CU_ASSERT_EQUAL(qs_weakdrive_first_order(&p, &a1, &b1), QS_OK);
        const double complex *rhos[2] = {rho_d, rho_s};
        for (int r = 0; r < 2; r++) {
          CU_ASSERT(cabs(expect(m, "Sp_A", rhos[r]) / eps - a1) < 1e-6);
          CU_ASSERT(cabs(expect(m, "Sp_B", rhos[r]) / eps - b1) < 1e-6);
        }
        qs_model_destroy(&m);
      }
}

/* g = 0: qubit A alone obeys the Bloch equations
 * d<S+>/dt = (i Dd - (Gamma + 2 gamma_phi)/2) <S+> - i eps <Sz>, so to first
 * order <S+_A>_1 = i <Sz_A>_0 / (i Dd - (Gamma_A + 2 gamma_phi)/2) with
 * <Sz_A>_0 = (w_A - gamma_A) / (2 Gamma_A); qubit B stays incoherent. */
static void test_uncoupled_bloch(void)
{
  qs_weakdrive_params p = {0.3, 0.5, 0.75, 0.25, 0.0, 0.4, 0.7, 0.15};
  double complex a1, b1;
  CU_ASSERT_EQUAL(qs_weakdrive_first_order(&p, &a1, &b1), QS_OK);
  double z0 = (p.w_A - p.gamma_A) / (2.0 * (p.w_A + p.gamma_A));
  double complex expected = I * z0 / (I * p.delta_d - (p.w_A + p.gamma_A + 2 * p.gamma_phi) / 2);
  CU_ASSERT(cabs(a1 - expected) < 1e-14);
  CU_ASSERT(cabs(b1) < 1e-15);
}

static void test_errors(void)
{
  double complex a1 = 7.0, b1 = 7.0;
  qs_weakdrive_params p = {-0.1, 0.5, 0.75, 0.25, 1.0, 0.0, 0.0, 0.0};
  CU_ASSERT_EQUAL(qs_weakdrive_first_order(&p, &a1, &b1), QS_ERR_INVALID);
  p = (qs_weakdrive_params){0, 0, 0, 0, 1.0, 0.0, 0.0, 0.0};
  CU_ASSERT_EQUAL(qs_weakdrive_first_order(&p, &a1, &b1), QS_ERR_INVALID);
  p = (qs_weakdrive_params){0.4, 0.6, 0.75, 0.25, NAN, 0.0, 0.0, 0.0};
  CU_ASSERT_EQUAL(qs_weakdrive_first_order(&p, &a1, &b1), QS_ERR_INVALID);
  CU_ASSERT(a1 == 7.0 && b1 == 7.0);
  const char *keys[] = {"spin", NULL};
  const double vals[] = {1.0};
  qs_model *m = test_qubit_osc(keys, vals);
  char msg[256] = "";
  CU_ASSERT_EQUAL(qs_weakdrive_params_from_model(m->type, m->param_values, &p, msg,
                                                 sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "spin"));
  qs_model_destroy(&m);
}

int qs_test_register_weakdrive(void)
{
  static const test_case cases[] = {
    {"Appendix C first order matches exact steady states at eps=1e-4 (detuned, dephased)",
     test_first_order_matches_exact},
    {"Appendix C at g = 0 equals the Bloch-equation first order", test_uncoupled_bloch},
    {"Appendix C rejects bad parameters and spin != 1/2", test_errors},
  };
  return test_add_suite("weakdrive", cases, (int)(sizeof cases / sizeof cases[0]));
}
