/* CUnit driver: one suite per module. */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"

qs_model *test_model(const char *name, const char *const *keys, const double *values)
{
  const qs_model_type *type = qs_model_type_find(name);
  double v[QS_RUNFILE_MAX_PARAMS];
  qs_model_defaults(type, v);
  for (int i = 0; keys && keys[i]; i++)
    v[qs_model_param_index(type, keys[i])] = values[i];
  qs_model *m = NULL;
  char msg[256];
  if (qs_model_create(type, v, &m, msg, sizeof msg) != QS_OK)
    fprintf(stderr, "test model %s: %s\n", name, msg);
  return m;
}

qs_model *test_qubit_osc(const char *const *keys, const double *values)
{
  return test_model("qubit_osc", keys, values);
}

qs_model *test_cavity(const char *const *keys, const double *values)
{
  return test_model("cavity_qubits", keys, values);
}

void test_dense_mul(int n, const double complex *a, const double complex *b,
                    double complex *c)
{
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++) {
      double complex s = 0;
      for (int k = 0; k < n; k++)
        s += a[i + k * n] * b[k + j * n];
      c[i + j * n] = s;
    }
}

void test_dense_kron(int na, const double complex *a, int nb, const double complex *b,
                     double complex *c)
{
  int n = na * nb;
  for (int ia = 0; ia < na; ia++)
    for (int ja = 0; ja < na; ja++)
      for (int ib = 0; ib < nb; ib++)
        for (int jb = 0; jb < nb; jb++)
          c[(ia * nb + ib) + (ja * nb + jb) * n] = a[ia + ja * na] * b[ib + jb * nb];
}

double test_max_diff(const double complex *a, const double complex *b, long n)
{
  double worst = 0.0;
  for (long i = 0; i < n; i++)
    worst = fmax(worst, cabs(a[i] - b[i]));
  return worst;
}

int test_add_suite(const char *name, const test_case *cases, int n)
{
  CU_pSuite suite = CU_add_suite(name, NULL, NULL);
  if (!suite)
    return -1;
  for (int i = 0; i < n; i++)
    if (!CU_add_test(suite, cases[i].name, cases[i].fn))
      return -1;
  return 0;
}

int main(void)
{
  if (CU_initialize_registry() != CUE_SUCCESS)
    return 1;
  int (*suites[])(void) = {qs_test_register_rng,      qs_test_register_farm,
                           qs_test_register_op,
                           qs_test_register_model,    qs_test_register_lindblad,
                           qs_test_register_traj,     qs_test_register_ensemble,
                           qs_test_register_accum,
                           qs_test_register_accum_example,
                           qs_test_register_runfile,  qs_test_register_output,
                           qs_test_register_metrics,  qs_test_register_weakdrive,
                           qs_test_register_scan,     qs_test_register_mesolve,
                           qs_test_register_cavity,   qs_test_register_transmon,
                           qs_test_register_rates,    qs_test_register_gmres,
                           qs_test_register_model_example,
                           qs_test_register_sweep,    qs_test_register_truncation,
                           qs_test_register_qubit_map, qs_test_register_mesolve_points,
                           qs_test_register_resources, qs_test_register_validity,
                           qs_test_register_gap, qs_test_register_semiclassical,
                           qs_test_register_rateeq, qs_test_register_spectrum,
                           qs_test_register_jumps, qs_test_register_signals,
                           qs_test_register_checkpoint, qs_test_register_ensemble_errors,
                           qs_test_register_integrators, qs_test_register_traj_exact,
                           qs_test_register_nvector, qs_test_register_erk};
  for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
    if (suites[i]() != 0) {
      fprintf(stderr, "cannot register suite %zu: %s\n", i, CU_get_error_msg());
      CU_cleanup_registry();
      return 1;
    }
  CU_basic_set_mode(CU_BRM_VERBOSE);
  /* QS_TEST_SUITE=name runs one suite (while developing). */
  const char *only = getenv("QS_TEST_SUITE");
  CU_pSuite suite = only ? CU_get_suite(only) : NULL;
  if (only && !suite) {
    fprintf(stderr, "no suite '%s'\n", only);
    CU_cleanup_registry();
    return 1;
  }
  if (suite)
    CU_basic_run_suite(suite);
  else
    CU_basic_run_tests();
  unsigned failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
  CU_cleanup_registry();
  return failures == 0 ? 0 : 1;
}
