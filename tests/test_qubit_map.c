/* The transmon -> qubit_osc mapping: parameters against the closed-form
 * conversion (kHz -> rad/us, the factors of 2 between E1 and Eq. 4);
 * coherences against Tr(rho S+) with S+ built by Kronecker products; the
 * embedding of a two-qubit state into a transmon state read back by the
 * transmon model's own projection. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define TWO_PI (2.0 * 3.14159265358979323846)

static void test_map_values(void)
{
  const qs_model_type *tr = qs_model_type_find("transmon");
  const qs_model_type *qt = qs_model_type_find("qubit_osc");
  double tv[QS_MODEL_MAX_PARAMS], v[QS_MODEL_MAX_PARAMS];
  qs_model_defaults(tr, tv);
  tv[qs_model_param_index(tr, "gamma_phi_A")] = 3.0;  /* kHz */
  tv[qs_model_param_index(tr, "gamma_phi_B")] = 3.0;
  tv[qs_model_param_index(tr, "detuning_d")] = 40.0;  /* kHz */
  tv[qs_model_param_index(tr, "f_qA")] = 4.75;        /* MHz */
  tv[qs_model_param_index(tr, "f_qB")] = 4.80;
  const double rates[4] = {0.1, 0.2, 0.3, 0.4};
  char msg[256] = "";
  CU_ASSERT_EQUAL_FATAL(qs_qubit_map_values(tr, tv, rates, 100.0, 20.0, v, msg, sizeof msg),
                        QS_OK);
#define Q(key) v[qs_model_param_index(qt, key)]
  CU_ASSERT_EQUAL(Q("spin"), 0.5);
  CU_ASSERT_EQUAL(Q("w_A"), 0.1);
  CU_ASSERT_EQUAL(Q("gamma_A"), 0.2);
  CU_ASSERT_EQUAL(Q("w_B"), 0.3);
  CU_ASSERT_EQUAL(Q("gamma_B"), 0.4);
  /* g_spin = 2 g: 2 x 100 kHz = 0.2 MHz = 0.4 pi rad/us; eps likewise */
  CU_ASSERT_DOUBLE_EQUAL(Q("g"), 0.4 * 3.14159265358979323846, 1e-13);
  CU_ASSERT_DOUBLE_EQUAL(Q("eps"), 0.08 * 3.14159265358979323846, 1e-13);
  /* delta_d = -2 pi 0.04 MHz; delta_q = 2 pi 0.05 MHz; gamma_phi = pi 0.003 */
  CU_ASSERT_DOUBLE_EQUAL(Q("delta_d"), -0.08 * 3.14159265358979323846, 1e-13);
  CU_ASSERT_DOUBLE_EQUAL(Q("delta_q"), 0.1 * 3.14159265358979323846, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(Q("gamma_phi"), 0.003 * 3.14159265358979323846, 1e-15);
#undef Q
  /* one dephasing rate only; and only from a transmon */
  tv[qs_model_param_index(tr, "gamma_phi_B")] = 4.0;
  CU_ASSERT_EQUAL(qs_qubit_map_values(tr, tv, rates, 0, 0, v, msg, sizeof msg),
                  QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "gamma_phi_B = 4"));
  CU_ASSERT_EQUAL(qs_qubit_map_values(qt, tv, rates, 0, 0, v, msg, sizeof msg),
                  QS_ERR_INVALID);
  /* fitted rates below zero are zero rates */
  qs_transmon_rate_result fit;
  memset(&fit, 0, sizeof fit);
  fit.fit[0].w = -1e-12;
  fit.fit[0].gamma = 0.5;
  fit.fit[1].w = 0.25;
  fit.fit[1].gamma = -3.0;
  double r[4];
  qs_qubit_map_rates(&fit, r);
  CU_ASSERT(r[0] == 0.0 && r[1] == 0.5 && r[2] == 0.25 && r[3] == 0.0);
}

/* A Hermitian 4 x 4 test matrix with distinct entries. */
static void test_matrix(double complex rho[16])
{
  for (int r = 0; r < 4; r++)
    for (int c = 0; c < 4; c++)
      rho[r + 4 * c] = r == c ? 0.1 * (r + 1) : (r < c ? 0.01 * (r + 2 * c) + 0.03 * I * (c - r)
                                                       : 0.0);
  for (int r = 0; r < 4; r++)
    for (int c = 0; c < r; c++)
      rho[r + 4 * c] = conj(rho[c + 4 * r]);
}

static void test_map_coherences_and_symmetrize(void)
{
  /* S+ = |e><g| with |e> = index 0: the 2 x 2 matrix with a 1 at (0, 1) */
  const double complex sp[4] = {0, 0, 1, 0}, id[4] = {1, 0, 0, 1};
  double complex op_a[16], op_b[16], rho[16], got[2];
  test_dense_kron(2, sp, 2, id, op_a);
  test_dense_kron(2, id, 2, sp, op_b);
  test_matrix(rho);
  double complex want[2] = {0, 0};
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      want[0] += rho[j + 4 * i] * op_a[i + 4 * j]; /* Tr(rho O) */
      want[1] += rho[j + 4 * i] * op_b[i + 4 * j];
    }
  qs_qubit_map_coherences(rho, got);
  CU_ASSERT(cabs(got[0] - want[0]) < 1e-15);
  CU_ASSERT(cabs(got[1] - want[1]) < 1e-15);
  /* symmetrizing keeps exactly the blocks {ee}, {eg, ge}, {gg} */
  double complex sym[16];
  memcpy(sym, rho, sizeof sym);
  double dropped = qs_qubit_map_u1_symmetrize(sym), largest = 0.0;
  for (int r = 0; r < 4; r++)
    for (int c = 0; c < 4; c++) {
      int same_block = (r == c) || ((r == 1 || r == 2) && (c == 1 || c == 2));
      if (same_block) {
        CU_ASSERT_EQUAL(sym[r + 4 * c], rho[r + 4 * c]);
      } else {
        CU_ASSERT_EQUAL(sym[r + 4 * c], 0.0);
        largest = fmax(largest, cabs(rho[r + 4 * c]));
      }
    }
  CU_ASSERT_EQUAL(dropped, largest);
}

/* E(rho2) into a transmon with 3 levels and empty 2-level resonators,
 * then the transmon model's projection: rho2 comes back, all population
 * in the qubit subspace; Omega of the symmetrized pair is that of
 * qs_sync_measure. */
static void test_map_embed_and_project(void)
{
  const char *keys[] = {"levels_q", "levels_r", NULL};
  const double vals[] = {3, 2};
  qs_model *m = test_model("transmon", keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  size_t n = (size_t)m->space.total;
  double complex *zero = calloc(n * n, sizeof *zero), *rho = malloc(n * n * sizeof *rho),
                 *rho_u = malloc(n * n * sizeof *rho_u);
  double complex rho2[16], back[16], none[16] = {0}, diag[16] = {0};
  test_matrix(rho2);
  double tr = 0.0;
  for (int k = 0; k < 4; k++)
    tr += creal(rho2[5 * k]);
  for (int k = 0; k < 16; k++)
    rho2[k] /= tr;
  for (int k = 0; k < 4; k++)
    diag[5 * k] = 0.25;
  CU_ASSERT_EQUAL_FATAL(qs_qubit_map_embed(m, zero, rho2, none, rho), QS_OK);
  CU_ASSERT_EQUAL_FATAL(qs_qubit_map_embed(m, zero, diag, none, rho_u), QS_OK);
  double p = 0.0;
  CU_ASSERT_EQUAL_FATAL(qs_transmon_qubit_state(m, rho, back, &p), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(p, 1.0, 1e-14);
  CU_ASSERT(test_max_diff(back, rho2, 16) < 1e-14);
  qs_qubit_map_projection q;
  CU_ASSERT_EQUAL_FATAL(qs_qubit_map_project(m, rho, m, rho_u, &q), QS_OK);
  double complex sp[2];
  qs_qubit_map_coherences(rho2, sp);
  CU_ASSERT(cabs(q.sp[0] - sp[0]) < 1e-14 && cabs(q.sp[1] - sp[1]) < 1e-14);
  double omega = NAN;
  CU_ASSERT_EQUAL(qs_sync_measure(4, qs_qubit_map_charge, rho2, diag, &omega), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(q.omega, omega, 1e-12);
  CU_ASSERT_EQUAL(q.dropped, 0.0);
  /* the embedding of the difference to a reference adds to the base */
  CU_ASSERT_EQUAL(qs_qubit_map_embed(m, rho, rho2, rho2, rho_u), QS_OK);
  CU_ASSERT(test_max_diff(rho_u, rho, (long)(n * n)) == 0.0);
  qs_model *qo = test_qubit_osc(NULL, NULL);
  CU_ASSERT_EQUAL(qs_qubit_map_embed(qo, zero, rho2, none, rho), QS_ERR_INVALID);
  qs_model_destroy(&qo);
  free(zero);
  free(rho);
  free(rho_u);
  qs_model_destroy(&m);
}

/* The qubit model's steady state: <S+> read from the observables Sp_A,
 * Sp_B equals the coherences of its state by index (two paths). */
static void test_map_steady(void)
{
  const qs_model_type *tr = qs_model_type_find("transmon");
  double tv[QS_MODEL_MAX_PARAMS], v[QS_MODEL_MAX_PARAMS];
  qs_model_defaults(tr, tv);
  const double rates[4] = {0.02, 0.03, 0.03, 0.02};
  CU_ASSERT_EQUAL_FATAL(qs_qubit_map_values(tr, tv, rates, 5.0, 2.0, v, NULL, 0), QS_OK);
  qs_steady_point pt;
  double complex rho2[16], sp[2], by_index[2];
  CU_ASSERT_EQUAL_FATAL(qs_qubit_map_steady(v, &pt, rho2, sp, NULL, 0), QS_OK);
  qs_qubit_map_coherences(rho2, by_index);
  CU_ASSERT(cabs(sp[0]) > 1e-3);
  CU_ASSERT(cabs(sp[0] - by_index[0]) < 1e-12 && cabs(sp[1] - by_index[1]) < 1e-12);
  CU_ASSERT(isfinite(pt.omega) && pt.omega > 0.0);
}

int qs_test_register_qubit_map(void)
{
  static const test_case cases[] = {
      {"transmon -> qubit_osc parameters", test_map_values},
      {"coherences and U(1) symmetrization", test_map_coherences_and_symmetrize},
      {"embedding read back by the transmon projection", test_map_embed_and_project},
      {"qubit model steady state: observables = coherences", test_map_steady},
  };
  return test_add_suite("qubit_map", cases, (int)(sizeof cases / sizeof cases[0]));
}
