/* Every trajectory integrator (traj.h: adams, erk, exact) against
 * references that do not use it: the same checks for each entry of
 * `integrators` below (a new back-end adds its line).
 *
 *  - no jumps: psi(t) against exp(-i H_eff t) psi0 from the adams
 *    integrator at rtol 1e-11 (for adams itself: against the unitary
 *    closed form of test_traj.c, so here adams is only checked against
 *    itself at a tighter tolerance — a consistency check);
 *  - pure decay: the first jump at t = -ln(r) / gamma exactly;
 *  - rho(t) of the qubit oscillator against exp(L t) rho0 (dense
 *    Liouvillian, lindblad.h) at 4 times, 16 elements, real and imaginary
 *    parts: 128 z-scores from 1500 trajectories.  |z| < 4 fails a correct
 *    integrator with probability 6.3e-5 each, < 1% for all 128;
 *  - cavity + 1 qubit (RWA, ncav 10): time averages against the exact
 *    steady state, |z| < 4 over every observable.
 * Statistical tests use fixed seeds, so their outcome is deterministic. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define Z_MAX 4.0

static const qs_integrator integrators[] = {
    QS_INTEGRATOR_ADAMS,
    QS_INTEGRATOR_ERK,
    QS_INTEGRATOR_EXACT,
    QS_INTEGRATOR_FLOQUET,
};
enum { N_INTEGRATORS = sizeof integrators / sizeof integrators[0] };

static qs_traj *make(const qs_model *m, qs_integrator integ, double rtol, double atol)
{
  qs_traj_options o = qs_traj_default_options();
  o.integrator = integ;
  o.rtol = rtol;
  o.atol = atol;
  qs_traj *tr = NULL;
  CU_ASSERT_EQUAL(qs_traj_create(m, &o, &tr), QS_OK);
  return tr;
}

static double z_of(double est, double se, double exact)
{
  return (est - exact) / sqrt(se * se + 1e-20);
}

/* Non-Hermitian evolution without jumps, against tight adams. */
static void test_no_jump_propagation(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  const double complex psi0[4] = {0.5, 0.5 * I, -0.5, 0.5};
  const double times[] = {0.3, 1.0, 4.5, 12.0};
  qs_traj *ref = make(m, QS_INTEGRATOR_ADAMS, 1e-11, 1e-13);
  CU_ASSERT_FATAL(ref != NULL);
  qs_traj_set_jumps_enabled(ref, 0);
  for (int i = 0; i < N_INTEGRATORS; i++) {
    qs_traj *tr = make(m, integrators[i], 1e-8, 1e-10);
    CU_ASSERT_FATAL(tr != NULL);
    qs_traj_set_jumps_enabled(tr, 0);
    qs_traj_start(tr, psi0, 0.0, 1, 0);
    qs_traj_start(ref, psi0, 0.0, 1, 0);
    double worst = 0.0;
    for (int k = 0; k < 4; k++) {
      CU_ASSERT_EQUAL(qs_traj_evolve_to(tr, times[k]), QS_OK);
      CU_ASSERT_EQUAL(qs_traj_evolve_to(ref, times[k]), QS_OK);
      worst = fmax(worst, fabs(qs_traj_norm2(tr) - qs_traj_norm2(ref)));
      double complex a[4], b[4];
      qs_traj_state(tr, a);
      qs_traj_state(ref, b);
      worst = fmax(worst, test_max_diff(a, b, 4));
    }
    /* rtol 1e-8 per step over ~1e2-1e3 steps: 1e-6 leaves a margin. */
    printf("\n    %s: max |psi - psi_ref| = %.1e ", qs_integrator_name(integrators[i]), worst);
    CU_ASSERT(worst < 1e-6);
    qs_traj_destroy(&tr);
  }
  qs_traj_destroy(&ref);
  qs_model_destroy(&m);
}

/* Pure decay of qubit A from |up, down>: ||psi||^2 = exp(-gamma_A t), the
 * first jump at -ln(r)/gamma_A with r the stream's first number. */
static void test_jump_time(void)
{
  const char *keys[] = {"w_A", "gamma_A", "w_B", "gamma_B", "g", "eps", NULL};
  const double vals[] = {0, 1.3, 0, 0, 0, 0};
  qs_model *m = test_qubit_osc(keys, vals);
  double complex up_down[4] = {0, 1, 0, 0};
  for (int i = 0; i < N_INTEGRATORS; i++) {
    qs_traj *tr = make(m, integrators[i], 1e-9, 1e-11);
    CU_ASSERT_FATAL(tr != NULL);
    double worst = 0.0;
    for (uint64_t index = 0; index < 50; index++) {
      qs_rng rng;
      qs_rng_seed(&rng, 77, index);
      double expected = -log(qs_rng_uniform(&rng)) / 1.3, t_jump = 0;
      qs_traj_start(tr, up_down, 0.0, 77, index);
      CU_ASSERT_EQUAL(qs_traj_step(tr, expected + 10.0, &t_jump), QS_JUMPED);
      worst = fmax(worst, fabs(t_jump - expected));
    }
    /* error in ||psi||^2 of a few rtol, divided by the slope >= 0.013 */
    CU_ASSERT(worst < 1e-6);
    qs_traj_destroy(&tr);
  }
  qs_model_destroy(&m);
}

/* rho(t) from 1500 trajectories against exp(L t) rho0. */
static void test_rho_t(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  const double times[] = {0.5, 2.0, 5.0, 10.0};
  enum { NT = 4, NTRAJ = 1500 };
  double complex rho0[16] = {0}, exact[NT * 16];
  rho0[15] = 1.0;
  CU_ASSERT_EQUAL_FATAL(qs_lindblad_evolve_dense(m, rho0, NT, times, exact), QS_OK);
  for (int i = 0; i < N_INTEGRATORS; i++) {
    double complex sum[NT * 16] = {0};
    double sq_re[NT * 16] = {0}, sq_im[NT * 16] = {0};
    qs_traj *tr = make(m, integrators[i], 1e-6, 1e-8);
    CU_ASSERT_FATAL(tr != NULL);
    for (int k = 0; k < NTRAJ; k++) {
      qs_traj_start(tr, NULL, 0.0, 99, (uint64_t)k);
      for (int t = 0; t < NT; t++) {
        CU_ASSERT_EQUAL(qs_traj_evolve_to(tr, times[t]), QS_OK);
        double complex psi[4];
        qs_traj_state(tr, psi);
        for (int a = 0; a < 16; a++) {
          double complex e = psi[a % 4] * conj(psi[a / 4]);
          sum[16 * t + a] += e;
          sq_re[16 * t + a] += creal(e) * creal(e);
          sq_im[16 * t + a] += cimag(e) * cimag(e);
        }
      }
    }
    qs_traj_destroy(&tr);
    double worst = 0.0;
    for (int a = 0; a < NT * 16; a++) {
      double complex mean = qs_mean_of(sum[a], NTRAJ);
      double complex se = qs_stderr_of(sum[a], sq_re[a], sq_im[a], NTRAJ);
      worst = fmax(worst, fabs(z_of(creal(mean), creal(se), creal(exact[a]))));
      worst = fmax(worst, fabs(z_of(cimag(mean), cimag(se), cimag(exact[a]))));
    }
    printf("\n    %s: rho(t) max |z| = %.2f over 128 ", qs_integrator_name(integrators[i]),
           worst);
    CU_ASSERT(worst > 0.0 && worst < Z_MAX);
  }
  qs_model_destroy(&m);
}

/* Cavity + 1 qubit: time averages against the exact steady state. */
static void test_cavity_steady(void)
{
  const char *keys[] = {"nqubits", "ncav", "F", "gamma", "gamma_s", "delta_1", "domega", NULL};
  const double vals[] = {1, 10, 0.6, 0.8, 0.3, 1.0, 0.3};
  qs_model *m = test_cavity(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  qs_index n = m->space.total;
  double complex *rho = malloc((size_t)(n * n) * sizeof *rho);
  CU_ASSERT_EQUAL_FATAL(qs_steady_state(m, QS_STEADY_SPARSE_LU, rho, NULL), QS_OK);
  enum { NT = 61 };
  double times[NT];
  for (int t = 0; t < NT; t++)
    times[t] = 60.0 * t / (NT - 1);
  for (int i = 0; i < N_INTEGRATORS; i++) {
    qs_traj_options to = qs_traj_default_options();
    to.integrator = integrators[i];
    qs_ensemble_options o = qs_ensemble_default_options();
    o.ntraj = 400;
    o.seed = 21;
    o.threads = 2;
    o.times = times;
    o.n_times = NT;
    o.burn_in = 15.0;
    qs_ensemble_result *r = NULL;
    char msg[256];
    CU_ASSERT_EQUAL_FATAL(qs_ensemble_run(m, &to, &o, &r, msg, sizeof msg), QS_OK);
    double worst = 0.0;
    for (int k = 0; k < m->n_obs; k++) {
      double complex exact = qs_op_trace_with(m->obs[k], rho);
      double complex mean = qs_mean_of(r->avg_sum[k], r->ntraj);
      double complex se = qs_stderr_of(r->avg_sum[k], r->avg_sq_re[k], r->avg_sq_im[k],
                                       r->ntraj);
      worst = fmax(worst, fabs(z_of(creal(mean), creal(se), creal(exact))));
      worst = fmax(worst, fabs(z_of(cimag(mean), cimag(se), cimag(exact))));
    }
    printf("\n    %s: cavity steady max |z| = %.2f over %d observables ",
           qs_integrator_name(integrators[i]), worst, m->n_obs);
    CU_ASSERT(worst > 0.0 && worst < Z_MAX);
    qs_ensemble_result_destroy(&r);
  }
  free(rho);
  qs_model_destroy(&m);
}

/* Names, and the exact integrator refused for a time-dependent model. */
static void test_names_and_support(void)
{
  CU_ASSERT_STRING_EQUAL(qs_integrator_name(QS_INTEGRATOR_ADAMS), "adams");
  CU_ASSERT_STRING_EQUAL(qs_integrator_name(QS_INTEGRATOR_ERK), "erk");
  CU_ASSERT_STRING_EQUAL(qs_integrator_name(QS_INTEGRATOR_EXACT), "exact");
  CU_ASSERT_STRING_EQUAL(qs_integrator_name(QS_INTEGRATOR_FLOQUET), "floquet");
  CU_ASSERT_STRING_EQUAL(qs_integrator_name((qs_integrator)7), "?");
  const char *keys[] = {"frame", NULL};
  const double lab[] = {1};
  qs_model *m = test_cavity(keys, lab);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_FATAL(m->n_td > 0);
  char why[200] = "";
  CU_ASSERT(!qs_traj_integrator_supported(QS_INTEGRATOR_EXACT, m, why, sizeof why));
  CU_ASSERT(why[0] != '\0');
  CU_ASSERT(qs_traj_integrator_supported(QS_INTEGRATOR_ADAMS, m, NULL, 0));
  qs_traj_options o = qs_traj_default_options();
  o.integrator = QS_INTEGRATOR_EXACT;
  qs_traj *tr = NULL;
  CU_ASSERT_EQUAL(qs_traj_create(m, &o, &tr), QS_ERR_INVALID);
  CU_ASSERT_PTR_NULL(tr);
  o.integrator = (qs_integrator)7;
  CU_ASSERT_EQUAL(qs_traj_create(m, &o, &tr), QS_ERR_INVALID);
  qs_model_destroy(&m);
}


/* integrator = auto follows its documented rules (traj.h), whose
 * thresholds come from the measurements in docs/benchmarks.md. */
static void test_auto_choice(void)
{
  char why[200] = "";
  qs_traj_options o = qs_traj_default_options();
  o.integrator = QS_INTEGRATOR_AUTO;
  /* dimension 4, no time dependence, eigenvectors well conditioned */
  qs_model *m = test_qubit_osc(NULL, NULL);
  CU_ASSERT_EQUAL(qs_traj_choose_integrator(m, &o, why, sizeof why), QS_INTEGRATOR_EXACT);
  CU_ASSERT(strstr(why, "dimension 4") != NULL);
  qs_traj *tr = NULL; /* create resolves auto the same way */
  CU_ASSERT_EQUAL(qs_traj_create(m, &o, &tr), QS_OK);
  qs_traj_destroy(&tr);
  qs_traj_options explicit_adams = o;
  explicit_adams.integrator = QS_INTEGRATOR_ADAMS;
  CU_ASSERT_EQUAL(qs_traj_choose_integrator(m, &explicit_adams, NULL, 0), QS_INTEGRATOR_ADAMS);
  qs_model_destroy(&m);
  /* dimension 2 x 100 = 200 > 160 */
  const char *ck[] = {"nqubits", "ncav", NULL};
  const double big[] = {1, 100};
  m = test_cavity(ck, big);
  CU_ASSERT_EQUAL(qs_traj_choose_integrator(m, &o, why, sizeof why), QS_INTEGRATOR_ERK);
  qs_model_destroy(&m);
  /* lab frame, omega = 10: period pi/10 against a drive-frame H_eff of a
   * few lambda times sqrt(ncav): phase per period well below 30 */
  const char *lk[] = {"frame", "ncav", NULL};
  const double lab[] = {1, 10};
  m = test_cavity(lk, lab);
  CU_ASSERT_FATAL(m->n_td > 0 && m->period > 0.0);
  CU_ASSERT_EQUAL(qs_traj_choose_integrator(m, &o, why, sizeof why), QS_INTEGRATOR_ERK);
  qs_model_destroy(&m);
  /* transmon, Table II fig10b: period 2 pi / (omega_pA - omega_pB) = 20 ns
   * against level energies of hundreds of MHz (alpha_A = 400 MHz alone:
   * 2 pi 400 / us * 0.02 us = 50 rad > 30) */
  const char *tk[] = {"column", "g", NULL};
  const double tv[] = {2, 200};
  m = test_model("transmon", tk, tv);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_EQUAL(qs_traj_choose_integrator(m, &o, why, sizeof why), QS_INTEGRATOR_FLOQUET);
  qs_model_destroy(&m);
  CU_ASSERT_STRING_EQUAL(qs_integrator_name(QS_INTEGRATOR_AUTO), "auto");
}

int qs_test_register_integrators(void)
{
  static const test_case cases[] = {
    {"each integrator: no-jump propagation vs tight adams", test_no_jump_propagation},
    {"each integrator: pure decay jumps at -ln(r)/gamma", test_jump_time},
    {"each integrator: rho(t) vs exact Liouvillian evolution (|z| < 4)", test_rho_t},
    {"each integrator: cavity time averages vs exact steady state (|z| < 4)",
     test_cavity_steady},
    {"names; exact refused for time-dependent models", test_names_and_support},
    {"auto: exact / erk / floquet by the documented rules", test_auto_choice},
  };
  return test_add_suite("integrators", cases, (int)(sizeof cases / sizeof cases[0]));
}
