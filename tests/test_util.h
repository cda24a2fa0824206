/* Shared helpers of the CUnit suites. */
#ifndef QSYNC_TEST_UTIL_H
#define QSYNC_TEST_UTIL_H

#include <CUnit/CUnit.h>

#include "qsync/qsync.h"

/* Register functions, one per suite (tests/test_<module>.c). */
int qs_test_register_rng(void);
int qs_test_register_farm(void);
int qs_test_register_op(void);
int qs_test_register_model(void);
int qs_test_register_model_example(void);
int qs_test_register_lindblad(void);
int qs_test_register_traj(void);
int qs_test_register_ensemble(void);
int qs_test_register_accum(void);
int qs_test_register_accum_example(void);
int qs_test_register_runfile(void);
int qs_test_register_output(void);
int qs_test_register_metrics(void);
int qs_test_register_weakdrive(void);
int qs_test_register_scan(void);
int qs_test_register_mesolve(void);
int qs_test_register_cavity(void);
int qs_test_register_transmon(void);
int qs_test_register_rates(void);
int qs_test_register_sweep(void);
int qs_test_register_truncation(void);
int qs_test_register_qubit_map(void);
int qs_test_register_mesolve_points(void);
int qs_test_register_gmres(void);
int qs_test_register_resources(void);
int qs_test_register_validity(void);
int qs_test_register_gap(void);
int qs_test_register_semiclassical(void);
int qs_test_register_rateeq(void);
int qs_test_register_signals(void);
int qs_test_register_jumps(void);
int qs_test_register_spectrum(void);
int qs_test_register_ensemble_errors(void);
int qs_test_register_checkpoint(void);
int qs_test_register_integrators(void);
int qs_test_register_traj_exact(void);
int qs_test_register_nvector(void);
int qs_test_register_erk(void);

/* Build the cavity_qubits model from the defaults with overrides (as
 * test_qubit_osc). */
qs_model *test_cavity(const char *const *keys, const double *values);

/* Build model `name` from its defaults with some overrides
 * (NULL-terminated key list, values in order); test_qubit_osc and
 * test_cavity for the two built-in models. */
qs_model *test_model(const char *name, const char *const *keys, const double *values);
qs_model *test_qubit_osc(const char *const *keys, const double *values);

/* Dense column-major reference arithmetic: c = a b (n x n) and
 * c = a kron b (a: na x na, b: nb x nb). */
void test_dense_mul(int n, const double complex *a, const double complex *b,
                    double complex *c);
void test_dense_kron(int na, const double complex *a, int nb, const double complex *b,
                     double complex *c);

/* Largest |a_i - b_i| over n complex numbers. */
double test_max_diff(const double complex *a, const double complex *b, long n);

/* Add a suite with tests; returns 0 or -1. */
typedef struct {
  const char *name;
  CU_TestFunc fn;
} test_case;
int test_add_suite(const char *name, const test_case *cases, int n);

#endif
