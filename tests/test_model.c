/* qubit_osc against an explicit 4x4 construction of Eq. 4 and C1. */
#include <math.h>
#include <string.h>

#include "test_util.h"

/* Column-major 2x2 single-qubit matrices in the basis (up, down). */
static const double complex SZ[4] = {0.5, 0, 0, -0.5};
static const double complex SP[4] = {0, 0, 1, 0}; /* |up><down|: row 0, column 1 */
static const double complex SM[4] = {0, 1, 0, 0};
static const double complex ID[4] = {1, 0, 0, 1};

static void kron2(const double complex *a, const double complex *b, double complex *c)
{
  for (int ia = 0; ia < 2; ia++)
    for (int ja = 0; ja < 2; ja++)
      for (int ib = 0; ib < 2; ib++)
        for (int jb = 0; jb < 2; jb++)
          c[(ia * 2 + ib) + (ja * 2 + jb) * 4] = a[ia + ja * 2] * b[ib + jb * 2];
}

static void mul4(const double complex *a, const double complex *b, double complex *c)
{
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      c[i + 4 * j] = 0;
      for (int k = 0; k < 4; k++)
        c[i + 4 * j] += a[i + 4 * k] * b[k + 4 * j];
    }
}

static void test_hamiltonian_eq4(void)
{
  const char *keys[] = {"g", "delta_d", "delta_q", "eps", NULL};
  const double vals[] = {1.3, 0.2, -0.7, 0.15};
  qs_model *m = test_qubit_osc(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_EQUAL(m->space.total, 4);
  double complex szA[16], szB[16], spA[16], smA[16], spB[16], smB[16], t[16], h[16];
  kron2(SZ, ID, szA);
  kron2(ID, SZ, szB);
  kron2(SP, ID, spA);
  kron2(SM, ID, smA);
  kron2(ID, SP, spB);
  kron2(ID, SM, smB);
  for (int i = 0; i < 16; i++)
    h[i] = 0.2 * szA[i] + (0.2 - 0.7) * szB[i] + 0.075 * (spA[i] + smA[i]);
  mul4(spA, smB, t);
  for (int i = 0; i < 16; i++)
    h[i] += 0.65 * t[i];
  mul4(smA, spB, t);
  for (int i = 0; i < 16; i++)
    h[i] += 0.65 * t[i];
  double complex got[16];
  qs_op_to_dense(m->H, got);
  CU_ASSERT(test_max_diff(h, got, 16) < 1e-15);
  /* Gain and loss of each qubit; no dephasing by default. */
  CU_ASSERT_EQUAL(m->n_c, 4);
  qs_op_to_dense(m->c[0], got);
  for (int i = 0; i < 16; i++)
    t[i] = sqrt(0.4) * spA[i];
  CU_ASSERT(test_max_diff(t, got, 16) < 1e-15);
  CU_ASSERT_STRING_EQUAL(m->c_names[3], "loss_B");
  /* Observables and the initial state |down, down>. */
  CU_ASSERT_EQUAL(qs_model_obs_index(m, "Sp_A"), 0);
  CU_ASSERT_EQUAL(qs_model_obs_index(m, "Sz_B"), 3);
  CU_ASSERT_EQUAL(qs_model_obs_index(m, "nope"), -1);
  CU_ASSERT_DOUBLE_EQUAL(creal(m->psi0[3]), 1.0, 0);
  CU_ASSERT_DOUBLE_EQUAL(qs_model_param(m, "G"), 1.3, 0);
  qs_model_destroy(&m);
  CU_ASSERT_PTR_NULL(m);
}

static void test_dephasing_and_spin1(void)
{
  const char *keys[] = {"gamma_phi", "spin", "w_B", NULL};
  const double vals[] = {0.1, 1.0, 0.0};
  qs_model *m = test_qubit_osc(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_EQUAL(m->space.total, 9);
  /* gain_A, loss_A, deph_A, loss_B, deph_B (w_B = 0 is dropped) */
  CU_ASSERT_EQUAL(m->n_c, 5);
  CU_ASSERT_STRING_EQUAL(m->c_names[2], "dephasing_A");
  /* sqrt(2 gamma_phi) Sz for spin 1: top entry sqrt(0.2) * 1 */
  double complex d[81];
  qs_op_to_dense(m->c[2], d);
  CU_ASSERT_DOUBLE_EQUAL(creal(d[0]), sqrt(0.2), 1e-15);
  /* H is Hermitian. */
  qs_op_to_dense(m->H, d);
  CU_ASSERT(qs_hermiticity_error(9, d) < 1e-15);
  CU_ASSERT_DOUBLE_EQUAL(creal(m->psi0[8]), 1.0, 0);
  qs_model_destroy(&m);
}

static void test_invalid_parameters(void)
{
  const qs_model_type *type = qs_model_type_find("QUBIT_OSC");
  CU_ASSERT_PTR_NOT_NULL_FATAL(type);
  CU_ASSERT_PTR_NULL(qs_model_type_find("cavity"));
  double v[QS_RUNFILE_MAX_PARAMS];
  qs_model_defaults(type, v);
  char msg[256] = "";
  qs_model *m = NULL;
  v[qs_model_param_index(type, "spin")] = 0.7;
  CU_ASSERT_EQUAL(qs_model_create(type, v, &m, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "spin"));
  CU_ASSERT_PTR_NULL(m);
  qs_model_defaults(type, v);
  v[qs_model_param_index(type, "gamma_A")] = -1.0;
  CU_ASSERT_EQUAL(qs_model_create(type, v, &m, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "gamma_A"));
  v[qs_model_param_index(type, "gamma_A")] = NAN;
  CU_ASSERT_EQUAL(qs_model_create(type, v, &m, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_model_param_index(type, "unknown"), -1);
}

int qs_test_register_model(void)
{
  static const test_case cases[] = {
    {"qubit_osc H, c_ops, observables equal Eq. 4 built by hand", test_hamiltonian_eq4},
    {"dephasing channels and spin 1", test_dephasing_and_spin1},
    {"invalid parameters give messages", test_invalid_parameters},
  };
  return test_add_suite("model", cases, (int)(sizeof cases / sizeof cases[0]));
}
