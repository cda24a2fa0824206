/* The transmon model (two-qubit-oscillator paper, Appendix E): units and
 * the Hamiltonian against independently written formulas, the reporting
 * (drive) frame against the closed-form steady state of a driven damped
 * two-level atom, the qubit projection, the Table II presets of the run
 * file, and trajectories against the master equation for this
 * time-dependent model.
 *
 * Statistical threshold (trajectories vs qs_mesolve): z-scores of means
 * over 320 independent trajectories, |z| < 4 (P = 6.3e-5 per comparison
 * for a normal z); 32 comparisons, so a correct program fails with
 * probability < 32 * 6.3e-5 = 0.2% (and deterministically not, with the
 * fixed seed).  A z-score is only normal once the jumps are well sampled:
 * shortly after the start most trajectories have not jumped and the mean
 * hinges on a few rare early jumps (which, e.g., put transmon A in |e>
 * at once), so the sample standard error understates the spread (seen:
 * z = 14 at 0.1 us with 4-5x smaller loss and dephasing rates).  Comparisons therefore start
 * at 0.3 us, by which the trajectories have jumped 1.4 times on average
 * (the no-jump branch, probability ~ e^{-1.4} = 0.25, holds ~80 of the
 * 320).  The z denominator adds the integrators' tolerance 1e-5 in
 * quadrature to the standard error (both solvers are accurate to ~1e-6,
 * which matters only where the spread across trajectories is tiny).
 * The floquet integrator (traj.h) runs the same comparison with 1000
 * trajectories (same threshold: the bound above does not depend on the
 * count), and is checked without jumps against Adams at rtol 1e-11. */
#include <lapacke.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define TWO_PI 6.283185307179586476925286766559

static qs_model *transmon(const char *const *keys, const double *values)
{
  return test_model("transmon", keys, values);
}

static double complex entry(const qs_op *op, qs_index r, qs_index c)
{
  for (qs_index e = op->row_start[r]; e < op->row_start[r + 1]; e++)
    if (op->col[e] == c)
      return op->val[e];
  return 0.0;
}

/* max |A - A^dag| over a dense n x n column-major matrix */
static double anti_hermitian_part(const double complex *a, qs_index n)
{
  double worst = 0.0;
  for (qs_index j = 0; j < n; j++)
    for (qs_index i = 0; i < n; i++)
      worst = fmax(worst, cabs(a[i + j * n] - conj(a[j + i * n])));
  return worst;
}

/* ---- parameters, units, Hamiltonian ------------------------------------- */

static void test_hamiltonian_units(void)
{
  /* No couplings, no pumps: H0 is diagonal with entries written here from
   * the spec's formula, in rad/us from MHz / kHz. */
  const char *keys[] = {"levels_q", "levels_r", "g_A", "g_B", "f_qA", "f_qB", "Delta_A",
                        "Delta_B", "f_aA", "f_aB", "alpha_A", "alpha_B", "f_pA", "f_pB",
                        "eps", NULL};
  const double vals[] = {3, 2, 0, 0, 5001, 4999.5, 160, -250, 4600, 4610, 400, 500,
                         4800, 4750, 20};
  qs_model *m = transmon(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_EQUAL(m->space.total, 3 * 2 * 3 * 2);
  double wq[2] = {TWO_PI * (5001 - 0.160), TWO_PI * (4999.5 + 0.250)};
  double wp[2] = {TWO_PI * 4800, TWO_PI * 4750};
  double wa[2] = {TWO_PI * 4600, TWO_PI * 4610};
  double al[2] = {TWO_PI * 400, TWO_PI * 500};
  double wd = TWO_PI * 5001;
  double worst = 0.0, worst_frame = 0.0;
  for (int nbA = 0; nbA < 3; nbA++)
    for (int naA = 0; naA < 2; naA++)
      for (int nbB = 0; nbB < 3; nbB++)
        for (int naB = 0; naB < 2; naB++) {
          qs_index i = qs_transmon_index(m, nbA, naA, nbB, naB);
          CU_ASSERT_EQUAL(i, ((nbA * 2 + naA) * 3 + nbB) * 2 + naB);
          double e = (wq[0] - wp[0]) * nbA - 0.5 * al[0] * nbA * (nbA - 1) +
                     (wa[0] - wp[0]) * naA + (wq[1] - wp[1]) * nbB -
                     0.5 * al[1] * nbB * (nbB - 1) + (wa[1] - wp[1]) * naB;
          worst = fmax(worst, cabs(entry(m->H, i, i) - e));
          double r = (wd - wp[0]) * (nbA + naA) + (wd - wp[1]) * (nbB + naB);
          worst_frame = fmax(worst_frame, fabs(m->frame_rate[i] - r));
        }
  /* H0 entries ~ 1e4 rad/us: rounding of 2 pi f products ~ 1e-11 */
  CU_ASSERT(worst < 1e-9);
  CU_ASSERT(worst_frame < 1e-9);
  for (qs_index r = 0; r < m->space.total; r++)  /* nothing off the diagonal */
    for (qs_index e = m->H->row_start[r]; e < m->H->row_start[r + 1]; e++)
      CU_ASSERT_EQUAL(m->H->col[e], r);
  CU_ASSERT_EQUAL(qs_transmon_index(m, 3, 0, 0, 0), -1);
  CU_ASSERT_EQUAL(qs_transmon_index(m, 0, 0, 0, 2), -1);
  /* g = 0: only the drive pair, eps e^{+-i dd t} with eps = 2 pi 20 / 1000 */
  CU_ASSERT_EQUAL_FATAL(m->n_td, 2);
  double t = 0.37, dd = wd - wp[0], eps = TWO_PI * 0.020;
  CU_ASSERT(cabs(m->f_td[0](t, m->f_data) - eps * cexp(I * dd * t)) < 1e-12);
  CU_ASSERT(cabs(m->f_td[1](t, m->f_data) - eps * cexp(-I * dd * t)) < 1e-12);
  /* H_0 = bA: <g..|bA|e..> = 1 */
  CU_ASSERT(cabs(entry(m->H_td[0], qs_transmon_index(m, 0, 1, 2, 0),
                       qs_transmon_index(m, 1, 1, 2, 0)) - 1.0) < 1e-15);
  /* collapse operators: sqrt(kappa) a with kappa = 2 pi 60 /us, sqrt(gamma0) b
   * with gamma0 = 2 pi 53 / 1000 /us, no dephasing at gamma_phi = 0 */
  CU_ASSERT_EQUAL(m->n_c, 4);
  for (int k = 0; k < m->n_c; k++) {
    const char *name = m->c_names[k];
    double rate = strncmp(name, "resonator", 9) == 0 ? TWO_PI * 60 : TWO_PI * 0.053;
    qs_index hi = strstr(name, "_A") ? qs_transmon_index(m, 1, 1, 0, 0)
                                     : qs_transmon_index(m, 0, 0, 1, 1);
    qs_index lo = strncmp(name, "resonator", 9) == 0
                      ? (strstr(name, "_A") ? qs_transmon_index(m, 1, 0, 0, 0)
                                            : qs_transmon_index(m, 0, 0, 1, 0))
                      : (strstr(name, "_A") ? qs_transmon_index(m, 0, 1, 0, 0)
                                            : qs_transmon_index(m, 0, 0, 0, 1));
    CU_ASSERT(fabs(cabs(entry(m->c[k], lo, hi)) - sqrt(rate)) < 1e-12 * sqrt(rate));
  }
  /* observables, Pf_* present at levels_q = 3 */
  const char *names[] = {"Sp_A", "Sp_B", "Pg_A", "Pe_A", "Pf_A", "Pg_B", "Pe_B", "Pf_B",
                         "na_A", "na_B", "P_top"};
  CU_ASSERT_EQUAL(m->n_obs, 11);
  for (int k = 0; k < 11; k++)
    CU_ASSERT(qs_model_obs_index(m, names[k]) >= 0);
  CU_ASSERT_EQUAL(m->cavity_top_obs, qs_model_obs_index(m, "P_top"));
  CU_ASSERT(cabs(m->psi0[0] - 1.0) < 1e-15);
  qs_model_destroy(&m);

  /* Two-level transmons, no resonators: no Pf, no resonator loss, a P_top
   * that is identically zero, and the frame through the transmons only. */
  const char *k2[] = {"levels_q", "levels_r", NULL};
  const double v2[] = {2, 1};
  m = transmon(k2, v2);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_EQUAL(m->space.total, 4);
  CU_ASSERT_EQUAL(qs_model_obs_index(m, "Pf_A"), -1);
  CU_ASSERT_EQUAL(m->n_c, 2);
  CU_ASSERT_EQUAL(m->obs[m->cavity_top_obs]->nnz, 0);
  qs_model_destroy(&m);
}

/* H0 and sum_k f_k(t) H_k Hermitian, with every term switched on. */
static void test_hermiticity(void)
{
  const char *keys[] = {"Omega_pA", "Omega_pB", "g", "eps", "gamma_phi_A", "detuning_d", NULL};
  const double vals[] = {5.5, 9.0, 250, 40, 53, 30};
  qs_model *m = transmon(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_EQUAL(m->space.total, 81);
  CU_ASSERT_EQUAL(m->n_td, 4);
  CU_ASSERT_EQUAL(m->n_c, 5);
  qs_index n = m->space.total;
  double complex *h = calloc((size_t)(n * n), sizeof *h);
  double complex *sum = calloc((size_t)(n * n), sizeof *sum);
  qs_op_to_dense(m->H, h);
  CU_ASSERT(anti_hermitian_part(h, n) < 1e-12);
  const double ts[3] = {0.0, 0.123, 7.77};
  double worst = 0.0, largest = 0.0;
  for (int it = 0; it < 3; it++) {
    memset(sum, 0, (size_t)(n * n) * sizeof *sum);
    for (int k = 0; k < m->n_td; k++) {
      qs_op_to_dense(m->H_td[k], h);
      double complex f = m->f_td[k](ts[it], m->f_data);
      for (qs_index i = 0; i < n * n; i++)
        sum[i] += f * h[i];
    }
    worst = fmax(worst, anti_hermitian_part(sum, n));
    for (qs_index i = 0; i < n * n; i++)
      largest = fmax(largest, cabs(sum[i]));
  }
  CU_ASSERT(largest > 0.1);  /* the terms are there: g sqrt2 ~ 2.2 rad/us */
  CU_ASSERT(worst < 1e-12);
  free(h);
  free(sum);
  qs_model_destroy(&m);
}

/* ---- reporting frame: the driven damped two-level atom ------------------ */

/* Optical Bloch equations of H = D |e><e| + eps (s + s^dag), s = |g><e|,
 * collapse sqrt(gamma) s.  With u = <s>, z = <sz>:
 *   du/dt = -(gamma/2 + i D) u + i eps z,
 *   dz/dt = -2 i eps (u* - u) - gamma (1 + z),
 * steady: u = i eps z / (gamma/2 + i D), and with Im u = eps z (gamma/2)/Q,
 * Q = gamma^2/4 + D^2, gamma (1 + z) = -4 eps Im u gives
 * z = -Q / (Q + 2 eps^2).  Sp = <|e><g|> = <s^dag> = conj(u). */
static double complex bloch_sp(double eps, double gamma, double D)
{
  double Q = 0.25 * gamma * gamma + D * D;
  double z = -Q / (Q + 2.0 * eps * eps);
  return conj(I * eps * z / (0.5 * gamma + I * D));
}

static void frame_case(double detuning_khz, double delta_a_khz)
{
  /* Transmon A alone driven (B decays to |g> and stays): levels_q = 2,
   * no resonators, no pumps, no coupling.  gamma0 and eps larger than
   * Table I's for a fast approach to the steady state. */
  const char *keys[] = {"levels_q", "levels_r", "Omega_pA", "Omega_pB", "g", "gamma_phi_A",
                        "gamma0_A", "eps", "detuning_d", "Delta_A", NULL};
  const double vals[] = {2, 1, 0, 0, 0, 0, 1000, 500, detuning_khz, delta_a_khz};
  qs_model *m = transmon(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  const double gamma = TWO_PI * 1.0, eps = TWO_PI * 0.5;
  /* drive frame: D = w_qA(bare) - w_d = -2 pi (Delta_A + detuning_d) / 1000 */
  const double D = -TWO_PI * (delta_a_khz + detuning_khz) / 1000.0;
  const double complex exact = bloch_sp(eps, gamma, D);
  const double start = omp_get_wtime();
  const int sp = qs_model_obs_index(m, "Sp_A");
  /* Transient ~ exp(-gamma t / 2): below 1e-8 after t = 6 us; outputs and
   * the average over [6, 10] us.  1500 samples: the pump-frame rotation
   * e^{-i dd t} (dd = 2 pi 200 MHz) is not aliased (dd * dt = 4.19 rad),
   * its sampled mean is below 1 / (1500 sin(2.09)) = 8e-4 of |Sp|. */
  enum { NT = 5 };
  /* Not whole microseconds: at those, dd t is a multiple of 2 pi in the
   * resonant case and the two frames would agree by accident. */
  const double times[NT] = {6.0011, 7.0023, 8.0037, 9.0041, 9.9953};
  qs_time_average avg = {6.0, 10.0, 1500};
  qs_mesolve_options o = qs_mesolve_default_options();
  o.rtol = 1e-10;
  o.atol = 1e-12;
  double complex obs[NT * 16], obs_avg[16];
  char msg[256];
  CU_ASSERT_EQUAL_FATAL(qs_mesolve(m, NULL, NT, times, &avg, &o, obs, NULL, NULL, obs_avg,
                                   NULL, msg, sizeof msg), QS_OK);
  double worst = 0.0;
  for (int t = 0; t < NT; t++)
    worst = fmax(worst, cabs(obs[t * m->n_obs + sp] - exact));
  double err_avg = cabs(obs_avg[sp] - exact);
  CU_ASSERT(worst < 1e-6);
  CU_ASSERT(err_avg < 1e-6);
  CU_ASSERT(cabs(exact) > 0.1);
  /* The same run reported in the pumps' frame (no rotation): |Sp_A| is the
   * same at every time but its phase turns with dd, so its time average
   * nearly vanishes.  (frame_rate is read-only for users; the test swaps
   * it to show the rotation is what makes the drive-frame value right.) */
  double *rate = m->frame_rate;
  m->frame_rate = NULL;
  double complex pobs[NT * 16], pobs_avg[16];
  CU_ASSERT_EQUAL_FATAL(qs_mesolve(m, NULL, NT, times, &avg, &o, pobs, NULL, NULL, pobs_avg,
                                   NULL, msg, sizeof msg), QS_OK);
  m->frame_rate = rate;
  /* Sp_A = rho_ge: rho_d,ge = exp(i t (R_g - R_e)) rho_p,ge = exp(-i dd t)
   * rho_p,ge, so the pump frame holds exact * exp(+i dd t). */
  const double dd = TWO_PI * (200.0 + detuning_khz / 1000.0);
  double worst_rot = 0.0, worst_pump = 0.0;
  for (int t = 0; t < NT; t++) {
    double complex v = pobs[t * m->n_obs + sp];
    worst_rot = fmax(worst_rot, cabs(v - exact * cexp(I * dd * times[t])));
    worst_pump = fmax(worst_pump, cabs(v - exact));
  }
  CU_ASSERT(worst_rot < 1e-6);
  CU_ASSERT(cabs(pobs_avg[sp]) < 1e-2 * cabs(exact));
  printf("\n    detuning_d = %g kHz, Delta_A = %g kHz: Sp_A exact %.8f%+.8fi, drive frame "
         "max err %.1e (outputs), %.1e (average); pump frame |avg| = %.1e, max |Sp - "
         "exact| = %.2f, max |Sp - exact e^{i dd t}| = %.1e (%.1f s) ",
         detuning_khz, delta_a_khz, creal(exact), cimag(exact), worst, err_avg,
         cabs(pobs_avg[sp]), worst_pump, worst_rot, omp_get_wtime() - start);
  qs_model_destroy(&m);
}

static void test_frame_resonant(void)
{
  frame_case(0.0, 0.0);
}

static void test_frame_detuned(void)
{
  frame_case(300.0, 0.0);
  frame_case(-200.0, 450.0);  /* D = -2 pi 0.25 rad/us */
}

/* ---- qubit projection ----------------------------------------------------- */

static void test_qubit_state(void)
{
  const char *keys[] = {"levels_q", "levels_r", NULL};
  const double vals[] = {3, 2};
  qs_model *m = transmon(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  qs_index n = m->space.total;
  /* product psi_A (x) r_A (x) psi_B (x) r_B */
  const double complex a[3] = {0.6, 0.3 + 0.4 * I, 0.2 - 0.1 * I};
  const double complex b[3] = {0.5 * I, 0.7, 0.1 + 0.3 * I};
  const double complex ra[2] = {0.8, 0.6 * I}, rb[2] = {0.6, -0.8};
  double complex *psi = calloc((size_t)n, sizeof *psi);
  double complex *rho = calloc((size_t)(n * n), sizeof *rho);
  for (int i0 = 0; i0 < 3; i0++)
    for (int i1 = 0; i1 < 2; i1++)
      for (int i2 = 0; i2 < 3; i2++)
        for (int i3 = 0; i3 < 2; i3++)
          psi[qs_transmon_index(m, i0, i1, i2, i3)] = a[i0] * ra[i1] * b[i2] * rb[i3];
  for (qs_index j = 0; j < n; j++)
    for (qs_index i = 0; i < n; i++)
      rho[i + j * n] = psi[i] * conj(psi[j]);
  double complex rho2[16];
  double p = 0.0;
  CU_ASSERT_EQUAL_FATAL(qs_transmon_qubit_state(m, rho, rho2, &p), QS_OK);
  /* qubit_osc order: index 0 = |e> (level 1), 1 = |g> (level 0) */
  double na = cabs(a[0]) * cabs(a[0]) + cabs(a[1]) * cabs(a[1]);
  double nb = cabs(b[0]) * cabs(b[0]) + cabs(b[1]) * cabs(b[1]);
  CU_ASSERT(fabs(p - na * nb) < 1e-14);
  const double complex qa[2] = {a[1], a[0]}, qb[2] = {b[1], b[0]};
  double worst = 0.0;
  for (int r = 0; r < 4; r++)
    for (int c = 0; c < 4; c++) {
      double complex e = qa[r / 2] * conj(qa[c / 2]) * qb[r % 2] * conj(qb[c % 2]) / (na * nb);
      worst = fmax(worst, cabs(rho2[r + 4 * c] - e));
    }
  CU_ASSERT(worst < 1e-14);
  /* Transmon-resonator entanglement: (|g,0> + |e,1>)/sqrt2 for A, B in |e>:
   * the trace over the resonator removes A's g-e coherence. */
  memset(psi, 0, (size_t)n * sizeof *psi);
  psi[qs_transmon_index(m, 0, 0, 1, 0)] = sqrt(0.5);
  psi[qs_transmon_index(m, 1, 1, 1, 0)] = sqrt(0.5);
  for (qs_index j = 0; j < n; j++)
    for (qs_index i = 0; i < n; i++)
      rho[i + j * n] = psi[i] * conj(psi[j]);
  CU_ASSERT_EQUAL_FATAL(qs_transmon_qubit_state(m, rho, rho2, &p), QS_OK);
  double complex expect[16] = {0};
  expect[0 + 4 * 0] = 0.5;  /* |e e> */
  expect[2 + 4 * 2] = 0.5;  /* |g e> */
  CU_ASSERT(fabs(p - 1.0) < 1e-15);
  CU_ASSERT(test_max_diff(rho2, expect, 16) < 1e-15);
  /* only |f> populated: nothing in the qubit subspace */
  memset(rho, 0, (size_t)(n * n) * sizeof *rho);
  qs_index f = qs_transmon_index(m, 2, 0, 2, 0);
  rho[f + f * n] = 1.0;
  CU_ASSERT_EQUAL(qs_transmon_qubit_state(m, rho, rho2, &p), QS_ERR_NUMERIC);
  CU_ASSERT_EQUAL(p, 0.0);
  qs_model *q = test_qubit_osc(NULL, NULL);
  CU_ASSERT_EQUAL(qs_transmon_qubit_state(q, rho, rho2, &p), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_transmon_index(q, 0, 0, 0, 0), -1);
  qs_model_destroy(&q);
  free(psi);
  free(rho);
  qs_model_destroy(&m);
}

/* ---- run file: Table II presets ------------------------------------------ */

static int load(const char *text, qs_runconfig *cfg, char *msg, size_t msglen)
{
  char path[] = "/tmp/qsync_transmon_XXXXXX";
  int fd = mkstemp(path);
  CU_ASSERT_FATAL(fd >= 0);
  FILE *f = fdopen(fd, "w");
  fputs(text, f);
  fclose(f);
  int st = qs_runfile_load(path, cfg, msg, msglen);
  remove(path);
  return st;
}

static double value(const qs_runconfig *cfg, const char *key)
{
  return cfg->model_values[qs_model_param_index(cfg->model_type, key)];
}

static void test_column_presets(void)
{
  qs_runconfig cfg;
  char msg[512];
  /* the preset alone: Table II column Fig. 10(b) */
  CU_ASSERT_EQUAL_FATAL(load("[model]\nname = transmon\ncolumn = fig10b\n", &cfg, msg,
                             sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(value(&cfg, "eps"), 20);
  CU_ASSERT_EQUAL(value(&cfg, "Omega_pA"), 5.5);
  CU_ASSERT_EQUAL(value(&cfg, "Omega_pB"), 9.0);
  CU_ASSERT_EQUAL(value(&cfg, "Delta_A"), 763.3);
  CU_ASSERT_EQUAL(value(&cfg, "Delta_B"), 1230);
  qs_runfile_release(&cfg);
  /* explicit keys win before and after the column key */
  const char *texts[2] = {"[model]\nname = transmon\neps = 7\ncolumn = fig11b\nDelta_B = 5\n",
                          "[model]\nname = transmon\nDelta_B = 5\ncolumn = fig11b\neps = 7\n"};
  for (int i = 0; i < 2; i++) {
    CU_ASSERT_EQUAL_FATAL(load(texts[i], &cfg, msg, sizeof msg), QS_OK);
    CU_ASSERT_EQUAL(value(&cfg, "eps"), 7);
    CU_ASSERT_EQUAL(value(&cfg, "Delta_B"), 5);
    CU_ASSERT_EQUAL(value(&cfg, "Omega_pA"), 7);
    CU_ASSERT_EQUAL(value(&cfg, "Omega_pB"), 4.1);
    CU_ASSERT_EQUAL(value(&cfg, "Delta_A"), 1135);
    /* a later --set of the column keeps the explicit keys, too */
    CU_ASSERT_EQUAL(qs_runfile_override(&cfg, "model.column=fig10a", msg, sizeof msg), QS_OK);
    CU_ASSERT_EQUAL(value(&cfg, "eps"), 7);
    CU_ASSERT_EQUAL(value(&cfg, "Delta_B"), 5);
    CU_ASSERT_EQUAL(value(&cfg, "Omega_pA"), 0.0);
    CU_ASSERT_EQUAL(value(&cfg, "Omega_pB"), 8.0);
    CU_ASSERT_EQUAL(value(&cfg, "Delta_A"), 160);
    qs_runfile_release(&cfg);
  }
  /* unknown column: an error naming the choices */
  CU_ASSERT_EQUAL(load("[model]\nname = transmon\ncolumn = fig12\n", &cfg, msg, sizeof msg),
                  QS_ERR_RUNFILE);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "none|fig10a|fig10b|fig11b"));
  printf("\n    unknown column: %s ", msg);
  /* a preset is applied when the file is read: sweeping it is an error */
  CU_ASSERT_EQUAL_FATAL(load("[model]\nname = transmon\n[sweep]\nkey = model.column\n"
                             "from = 0\nto = 3\npoints = 4\n", &cfg, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(qs_runfile_finish(&cfg, msg, sizeof msg), QS_ERR_RUNFILE);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "cannot be swept"));
  qs_runfile_release(&cfg);
}

/* ---- trajectories vs master equation ------------------------------------- */

/* Fig. 10(b)-like pumps, with a stronger drive, transmon loss and
 * dephasing and a transmon-transmon coupling, so that every term of the
 * model (both rotating pairs) acts within 1 us; period 20 ns (50 and 200
 * MHz rotating terms). */
static qs_model *every_term_model(void)
{
  const char *keys[] = {"levels_q", "levels_r", "Omega_pA", "Omega_pB", "Delta_A", "Delta_B",
                        "eps", "g", "gamma0_A", "gamma0_B", "gamma_phi_A", "gamma_phi_B",
                        NULL};
  const double vals[] = {3, 2, 5.5, 9.0, 763.3, 1230, 1000, 300, 2000, 2000, 1000, 1000};
  return transmon(keys, vals);
}

/* An ensemble of `ntraj` trajectories with `integrator` against
 * qs_mesolve (see the top of the file for the statistics). */
static void trajectories_vs_mesolve(qs_integrator integrator, long ntraj)
{
  qs_model *m = every_term_model();
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_EQUAL(m->n_td, 4);
  enum { NT = 11 };
  double times[NT];
  for (int t = 0; t < NT; t++)
    times[t] = 1.0 * t / (NT - 1);
  double complex exact[NT * 16];
  char msg[256];
  const double start = omp_get_wtime();
  qs_mesolve_options mo = qs_mesolve_default_options();
  CU_ASSERT_EQUAL_FATAL(qs_mesolve(m, NULL, NT, times, NULL, &mo, exact, NULL, NULL, NULL,
                                   NULL, msg, sizeof msg), QS_OK);
  qs_ensemble_options o = qs_ensemble_default_options();
  o.ntraj = ntraj;
  o.seed = 5;
  o.threads = 2;
  o.times = times;
  o.n_times = NT;
  qs_traj_options to = qs_traj_default_options();
  to.integrator = integrator;
  qs_ensemble_result *r = NULL;
  const double me_seconds = omp_get_wtime() - start;
  CU_ASSERT_EQUAL_FATAL(qs_ensemble_run(m, &to, &o, &r, msg, sizeof msg), QS_OK);
  const double traj_seconds = omp_get_wtime() - start - me_seconds;
  const char *names[3] = {"Sp_A", "Pe_A", "Pe_B"};
  double worst = 0.0;
  int comparisons = 0;
  for (int c = 0; c < 3; c++) {
    int k = qs_model_obs_index(m, names[c]);
    for (int t = 3; t < NT; t++) {  /* t >= 0.3 us, see the top of the file */
      size_t at = (size_t)t * (size_t)m->n_obs + (size_t)k;
      double complex mean = qs_mean_of(r->obs_sum[at], r->ntraj);
      double complex se = qs_stderr_of(r->obs_sum[at], r->obs_sq_re[at], r->obs_sq_im[at],
                                       r->ntraj);
      double zr = (creal(mean) - creal(exact[at])) / sqrt(creal(se) * creal(se) + 1e-10);
      worst = fmax(worst, fabs(zr));
      comparisons++;
      if (c == 0) {  /* Sp_A is complex: both parts */
        double zi = (cimag(mean) - cimag(exact[at])) / sqrt(cimag(se) * cimag(se) + 1e-10);
        worst = fmax(worst, fabs(zi));
        comparisons++;
      }
    }
  }
  size_t last = (size_t)(NT - 1) * (size_t)m->n_obs;
  int sp = qs_model_obs_index(m, "Sp_A"), pa = qs_model_obs_index(m, "Pe_A"),
      pb = qs_model_obs_index(m, "Pe_B");
  printf("\n    %s: %ld trajectories (%.1f jumps, %.0f steps each), %d comparisons: max |z| = "
         "%.2f; at t = 1 us: Sp_A %.4f%+.4fi (me) vs %.4f%+.4fi, Pe_A %.4f vs %.4f, Pe_B "
         "%.4f vs %.4f (mesolve %.1f s, trajectories %.1f s) ",
         qs_integrator_name(integrator), r->ntraj, (double)r->work.jumps / r->ntraj,
         (double)r->work.steps / r->ntraj, comparisons, worst,
         creal(exact[last + sp]), cimag(exact[last + sp]),
         creal(r->obs_sum[last + sp]) / r->ntraj, cimag(r->obs_sum[last + sp]) / r->ntraj,
         creal(exact[last + pa]), creal(r->obs_sum[last + pa]) / r->ntraj,
         creal(exact[last + pb]), creal(r->obs_sum[last + pb]) / r->ntraj, me_seconds,
         traj_seconds);
  CU_ASSERT_EQUAL(comparisons, 32);
  CU_ASSERT(worst < 4.0);
  /* the observables are not trivially zero */
  CU_ASSERT(cabs(exact[last + sp]) > 0.02);
  CU_ASSERT(creal(exact[last + pb]) > 0.02);
  qs_ensemble_result_destroy(&r);
  qs_model_destroy(&m);
}

/* Adams: the pump frame keeps frequencies of ~2 pi 400 MHz, so it takes
 * ~1e4 steps per us and trajectory (~30 s of CPU for the ensemble). */
static void test_trajectories_vs_mesolve(void)
{
  trajectories_vs_mesolve(QS_INTEGRATOR_ADAMS, 320);
}

/* floquet: one dense product per grid interval (~1/100 of Adams' work
 * here), so 1000 trajectories cost about a second. */
static void test_floquet_vs_mesolve(void)
{
  trajectories_vs_mesolve(QS_INTEGRATOR_FLOQUET, 1000);
}

/* No jumps: psi(t) of `integrator` at (rtol, atol) against `ref` (states
 * at times[] of Adams at rtol 1e-11): the largest difference of the
 * normalized states and of ||psi|| (relative; it decays), over times[]. */
enum { NJ_TIMES = 7 };
static const double nj_times[NJ_TIMES] = {0.003, 0.02, 0.0371, 0.1, 0.3337, 0.5, 1.0};

static double no_jump_error(const qs_model *m, const double complex *psi0,
                            qs_integrator integrator, double rtol, double atol,
                            const double complex *ref, const double *ref_norm, long *steps)
{
  const qs_index n = m->space.total;
  qs_traj_options o = qs_traj_default_options();
  o.integrator = integrator;
  o.rtol = rtol;
  o.atol = atol;
  qs_traj *tr = NULL;
  double complex *psi = malloc((size_t)n * sizeof *psi);
  CU_ASSERT_FATAL(psi != NULL);
  CU_ASSERT_EQUAL_FATAL(qs_traj_create(m, &o, &tr), QS_OK);
  qs_traj_set_jumps_enabled(tr, 0);
  CU_ASSERT_EQUAL(qs_traj_start(tr, psi0, 0.0, 1, 0), QS_OK);
  double worst = 0.0;
  for (int k = 0; k < NJ_TIMES; k++) {
    CU_ASSERT_EQUAL(qs_traj_evolve_to(tr, nj_times[k]), QS_OK);
    CU_ASSERT_DOUBLE_EQUAL(qs_traj_time(tr), nj_times[k], 0.0);
    qs_traj_state(tr, psi);
    worst = fmax(worst, fabs(sqrt(qs_traj_norm2(tr)) / ref_norm[k] - 1.0));
    for (qs_index i = 0; i < n; i++)
      worst = fmax(worst, cabs(psi[i] - ref[(size_t)k * (size_t)n + i]));
  }
  qs_traj_stats s;
  qs_traj_get_stats(tr, &s);
  *steps = s.steps;
  qs_traj_destroy(&tr);
  free(psi);
  return worst;
}

/* floquet without jumps, on the benchmark's model (runs/bench_transmon.ini),
 * at times on the grid (multiples of 20 ns), off it and across many
 * periods, from a state on every transmon level (every fast phase of the
 * pump frame present), against Adams at rtol 1e-11.  Two checks that need
 * no error model: at the run's tolerances floquet is at least as accurate
 * as Adams (the cut intervals are Adams' own work, the grid intervals are
 * 1000x tighter), and its error falls with the tolerance (1000x tighter
 * tolerances, at least 10x smaller error: Adams' error is not linear in
 * the tolerance; seen: 73x). */
static void test_floquet_no_jump_propagation(void)
{
  const char *keys[] = {"eps", "Omega_pA", "Omega_pB", "Delta_A", "Delta_B", "g", NULL};
  const double vals[] = {20, 5.5, 9.0, 763.3, 1230, 200};
  qs_model *m = transmon(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT(m->period > 0.0);
  const qs_index n = m->space.total;
  double complex *psi0 = calloc((size_t)n, sizeof *psi0);
  double complex *ref = malloc((size_t)NJ_TIMES * (size_t)n * sizeof *ref);
  CU_ASSERT_FATAL(psi0 && ref);
  for (int ba = 0; ba < 3; ba++)  /* resonators empty: they would decay within ns */
    for (int bb = 0; bb < 3; bb++)
      psi0[qs_transmon_index(m, ba, 0, bb, 0)] =
          CMPLX(cos(0.7 * (3 * ba + bb)), sin(1.3 * (3 * ba + bb))) / 3.0;
  qs_traj_options o = qs_traj_default_options();
  o.rtol = 1e-11;
  o.atol = 1e-13;
  qs_traj *tr = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_traj_create(m, &o, &tr), QS_OK);
  qs_traj_set_jumps_enabled(tr, 0);
  CU_ASSERT_EQUAL(qs_traj_start(tr, psi0, 0.0, 1, 0), QS_OK);
  double ref_norm[NJ_TIMES];
  for (int k = 0; k < NJ_TIMES; k++) {
    CU_ASSERT_EQUAL(qs_traj_evolve_to(tr, nj_times[k]), QS_OK);
    qs_traj_state(tr, ref + (size_t)k * (size_t)n);
    ref_norm[k] = sqrt(qs_traj_norm2(tr));
  }
  qs_traj_destroy(&tr);
  long steps_a = 0, steps_f = 0, steps_t = 0;
  const double adams = no_jump_error(m, psi0, QS_INTEGRATOR_ADAMS, 1e-6, 1e-8, ref, ref_norm,
                                     &steps_a);
  const double floquet = no_jump_error(m, psi0, QS_INTEGRATOR_FLOQUET, 1e-6, 1e-8, ref,
                                       ref_norm, &steps_f);
  const double tight = no_jump_error(m, psi0, QS_INTEGRATOR_FLOQUET, 1e-9, 1e-11, ref,
                                     ref_norm, &steps_t);
  printf("\n    without jumps to 1 us (||psi||^2 -> %.2f), max error vs Adams at rtol 1e-11: "
         "Adams %.1e (%ld steps), floquet %.1e (%ld steps), floquet at rtol 1e-9 %.1e ",
         ref_norm[NJ_TIMES - 1] * ref_norm[NJ_TIMES - 1], adams, steps_a, floquet, steps_f,
         tight);
  CU_ASSERT(floquet <= adams);
  CU_ASSERT(tight < floquet / 10.0);
  CU_ASSERT(ref_norm[NJ_TIMES - 1] < 0.99);  /* the decay was integrated too */
  free(psi0);
  free(ref);
  qs_model_destroy(&m);
}

/* floquet refuses a time-dependent model without period (incommensurate
 * frequencies: f_pB = 4750.0001 MHz). */
static void test_floquet_needs_period(void)
{
  const char *keys[] = {"f_pB", "g", NULL};
  const double vals[] = {4750.0001, 300};
  qs_model *m = transmon(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_EQUAL(m->period, 0.0);
  char why[256] = "";
  CU_ASSERT(!qs_traj_integrator_supported(QS_INTEGRATOR_FLOQUET, m, why, sizeof why));
  CU_ASSERT_PTR_NOT_NULL(strstr(why, "period"));
  qs_traj_options o = qs_traj_default_options();
  o.integrator = QS_INTEGRATOR_FLOQUET;
  qs_traj *tr = NULL;
  CU_ASSERT_EQUAL(qs_traj_create(m, &o, &tr), QS_ERR_INVALID);
  CU_ASSERT_PTR_NULL(tr);
  qs_model_destroy(&m);
}

/* ---- physics sanity: the resonator's dispersive shift -------------------- */

/* With Omega_pA = 0 the g-e transition of A is pushed up by the resonator
 * by g_A^2 / (w_qA - w_aA) = 64 / 400 MHz = 160 kHz (second order; the
 * next order is ~ g^4 / D^3 ~ 0.1 kHz), which Table II's Delta_A = 160 kHz
 * of Fig. 10(a) compensates: with it the drive at f_qA is resonant. */
static void test_dispersive_shift(void)
{
  const char *keys[] = {"Omega_pA", "Omega_pB", "eps", "g", "Delta_A", NULL};
  const double vals[] = {0, 0, 0, 0, 160};
  qs_model *m = transmon(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_EQUAL(m->n_td, 0);
  lapack_int n = (lapack_int)m->space.total;
  double complex *h = calloc((size_t)n * (size_t)n, sizeof *h);
  double *w = malloc((size_t)n * sizeof *w);
  qs_op_to_dense(m->H, h);
  CU_ASSERT_EQUAL_FATAL(LAPACKE_zheev(LAPACK_COL_MAJOR, 'V', 'U', n, h, n, w), 0);
  /* the eigenvectors with the largest overlap on |g0 g0> and |e0 g0> */
  qs_index ig = qs_transmon_index(m, 0, 0, 0, 0), ie = qs_transmon_index(m, 1, 0, 0, 0);
  int kg = 0, ke = 0;
  for (int k = 0; k < n; k++) {
    if (cabs(h[ig + (size_t)k * n]) > cabs(h[ig + (size_t)kg * n]))
      kg = k;
    if (cabs(h[ie + (size_t)k * n]) > cabs(h[ie + (size_t)ke * n]))
      ke = k;
  }
  /* pump frame: the bare transition is w_qA(bare) - w_pA */
  double bare = TWO_PI * (5000 - 0.160 - 4800);
  double shift_khz = (w[ke] - w[kg] - bare) / TWO_PI * 1000.0;
  double dressed_mhz = (w[ke] - w[kg]) / TWO_PI + 4800;
  printf("\n    dispersive shift of A's g-e transition: %.3f kHz (g^2/(w_q - w_a) = 160); "
         "dressed f_ge = %.6f MHz with Delta_A = 160 (drive at f_qA = 5000) ",
         shift_khz, dressed_mhz);
  CU_ASSERT(fabs(shift_khz - 160.0) < 1.0);
  CU_ASSERT(fabs(dressed_mhz - 5000.0) < 1e-3);
  free(h);
  free(w);
  qs_model_destroy(&m);
}

/* The periodic steady state (periodic.h) of the resonantly driven atom of
 * frame_case: with Table I's pumps the rotating terms turn at 50 and 200
 * MHz, so H(t) has the period T = 20 ns, and at t = 0 (mod T) the drive
 * frame coincides with the pump frame: <g|rho(0)|e> must be the Bloch
 * closed form.  The GMRES fixed point of the one-period propagator needs
 * only a few periods although the relaxation takes ~100 of them
 * (gamma T = 0.126). */
static void test_periodic_steady_state(void)
{
  const char *keys[] = {"levels_q", "levels_r", "Omega_pA", "Omega_pB", "g", "gamma0_A",
                        "eps", NULL};
  const double vals[] = {2, 1, 0, 0, 0, 1000, 500};
  qs_model *m = transmon(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_DOUBLE_EQUAL(m->period, 0.02, 1e-15);
  const double complex exact = bloch_sp(TWO_PI * 0.5, TWO_PI * 1.0, 0.0);
  const qs_index n = m->space.total;
  double complex *rho = malloc((size_t)(n * n) * sizeof *rho);
  qs_periodic_options po = qs_periodic_default_options();
  po.period = m->period;
  po.tol = 1e-9;
  qs_mesolve_options me = qs_mesolve_default_options();
  me.rtol = 1e-11;
  me.atol = 1e-13;
  qs_periodic_info info;
  char msg[256];
  CU_ASSERT_EQUAL_FATAL(qs_mesolve_periodic(m, NULL, &po, &me, rho, &info, msg, sizeof msg),
                        QS_OK);
  qs_index g = qs_transmon_index(m, 0, 0, 0, 0), e = qs_transmon_index(m, 1, 0, 0, 0);
  double err = cabs(rho[g + e * n] - exact);
  CU_ASSERT(err < 1e-6);
  CU_ASSERT(info.residual <= 1e-9);
  CU_ASSERT(info.iterations < 100); /* plain integration: ~150 periods to 1e-8 */
  printf("\n    periodic steady state: %d GMRES iterations (periods), residual %.1e, "
         "|Sp_A(0) - Bloch| = %.1e ", info.iterations, info.residual, err);
  po.period = 0.0;
  CU_ASSERT_EQUAL(qs_mesolve_periodic(m, NULL, &po, &me, rho, &info, msg, sizeof msg),
                  QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "period"));
  po.period = m->period;
  po.max_iter = 1;
  CU_ASSERT_EQUAL(qs_mesolve_periodic(m, NULL, &po, &me, rho, &info, msg, sizeof msg),
                  QS_ERR_NOT_CONVERGED);
  free(rho);
  qs_model_destroy(&m);
}

/* Transmons are their own (anharmonic) levels, the resonators the
 * truncated bosons ("levels_r"). */
static void test_roles_and_hooks(void)
{
  const char *keys[] = {"levels_r", NULL};
  const double vals[] = {4};
  qs_model *m = transmon(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  const qs_role want[4] = {QS_ROLE_OTHER, QS_ROLE_BOSON, QS_ROLE_OTHER, QS_ROLE_BOSON};
  for (int j = 0; j < 4; j++)
    CU_ASSERT_EQUAL(m->space.role[j], want[j]);
  CU_ASSERT_EQUAL(qs_model_find_role(m, QS_ROLE_BOSON, 1), 3);
  CU_ASSERT_EQUAL(qs_model_count_role(m, QS_ROLE_SPIN), 0);
  int top = -1;
  const char *key = NULL;
  CU_ASSERT_EQUAL(qs_model_truncation(m, &top, &key), 3);
  CU_ASSERT_EQUAL(top, qs_model_obs_index(m, "P_top"));
  CU_ASSERT_STRING_EQUAL(key, "levels_r");
  CU_ASSERT(qs_model_type_has(m->type, QS_MODEL_CAP_TRANSMON_PAIR));
  CU_ASSERT(!qs_model_type_has(m->type, QS_MODEL_CAP_SPIN_PAIR));
  CU_ASSERT_EQUAL(qs_model_drive_period(m), 0.0);
  CU_ASSERT_EQUAL(qs_model_photon_levels(m), 0);
  CU_ASSERT_STRING_EQUAL(m->type->drive_param, "eps");
  CU_ASSERT_STRING_EQUAL(m->type->coupling_param, "g");
  qs_model_destroy(&m);
}

int qs_test_register_transmon(void)
{
  static const test_case cases[] = {
    {"units: H0 diagonal, frame rates, coefficients, collapse rates", test_hamiltonian_units},
    {"H0 and the time-dependent sum are Hermitian", test_hermiticity},
    {"drive frame: resonant driven atom vs Bloch closed form", test_frame_resonant},
    {"drive frame: detuned driven atom vs Bloch closed form", test_frame_detuned},
    {"qubit projection (qubit_osc basis order)", test_qubit_state},
    {"run file: Table II column presets, explicit keys win", test_column_presets},
    {"trajectories vs master equation (time-dependent H)", test_trajectories_vs_mesolve},
    {"floquet trajectories vs master equation", test_floquet_vs_mesolve},
    {"floquet without jumps vs tight Adams (on and off the grid), convergence",
     test_floquet_no_jump_propagation},
    {"floquet needs a period", test_floquet_needs_period},
    {"dispersive shift of A's g-e transition (160 kHz)", test_dispersive_shift},
    {"periodic steady state (GMRES on one period) vs Bloch closed form",
     test_periodic_steady_state},
    {"roles: transmons other, resonators bosons (levels_r); capability",
     test_roles_and_hooks},
  };
  return test_add_suite("transmon", cases, (int)(sizeof cases / sizeof cases[0]));
}
