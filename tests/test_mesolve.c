/* The time-dependent master equation (qs_mesolve) against the exact dense
 * propagator, closed forms (driven damped oscillator, Rabi oscillations
 * in a rotating field) and its own invariants; every error path. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

/* |psi><psi| column-major. */
static void projector(qs_index n, const double complex *psi, double complex *rho)
{
  for (qs_index j = 0; j < n; j++)
    for (qs_index i = 0; i < n; i++)
      rho[i + j * n] = psi[i] * conj(psi[j]);
}

/* A full-rank mixed state B B^dag / Tr(B B^dag) from a fixed, irregular B. */
static void mixed_state(qs_index n, double complex *rho)
{
  double complex *b = malloc((size_t)(n * n) * sizeof *b);
  for (qs_index j = 0; j < n; j++)
    for (qs_index i = 0; i < n; i++)
      b[i + j * n] = sin(1.3 * (double)i + 0.7 * (double)j + 0.2) +
                     I * cos(2.1 * (double)i - 0.4 * (double)j * (double)j);
  double tr = 0.0;
  for (qs_index j = 0; j < n; j++)
    for (qs_index i = 0; i < n; i++) {
      double complex s = 0.0;
      for (qs_index k = 0; k < n; k++)
        s += b[i + k * n] * conj(b[j + k * n]);
      rho[i + j * n] = s;
      if (i == j)
        tr += creal(s);
    }
  for (qs_index i = 0; i < n * n; i++)
    rho[i] /= tr;
  free(b);
}

/* ------------------------------------------------------------------ */
/* A hand-built model: the driven damped oscillator in the lab frame,  */
/*   H(t) = w0 a^dag a + 2F cos(w t) (a + a^dag),  c = sqrt(gamma) a.  */

typedef struct {
  double w0, w, F, gamma;
} oscillator;

static double complex drive_cos(double t, const void *data)
{
  const oscillator *p = data;
  return 2.0 * p->F * cos(p->w * t);
}

static qs_model *oscillator_model(const oscillator *p, qs_index ncav)
{
  qs_model *m = calloc(1, sizeof *m);
  qs_op *a = NULL, *ad = NULL;
  int ok = m && qs_space_init(&m->space, 1, &ncav) == QS_OK &&
           qs_op_destroy_boson(ncav, &a) == QS_OK && qs_op_adjoint(a, &ad) == QS_OK;
  if (!ok) {
    qs_op_destroy(&a);
    free(m);
    return NULL;
  }
  m->n_td = 1;
  m->H_td = calloc(1, sizeof *m->H_td);
  m->f_td = malloc(sizeof *m->f_td);
  m->f_data = p;
  m->n_c = 1;
  m->c = calloc(1, sizeof *m->c);
  m->c_names = calloc(1, sizeof *m->c_names);
  m->n_obs = 2;
  m->obs = calloc(2, sizeof *m->obs);
  m->obs_names = calloc(2, sizeof *m->obs_names);
  m->psi0 = calloc((size_t)ncav, sizeof *m->psi0);
  qs_op *num = NULL;
  ok = m->H_td && m->f_td && m->c && m->c_names && m->obs && m->obs_names && m->psi0 &&
       qs_op_number(ncav, &num) == QS_OK && qs_op_scale(p->w0, num, &m->H) == QS_OK &&
       qs_op_add(1.0, a, 1.0, ad, &m->H_td[0]) == QS_OK &&
       qs_op_scale(sqrt(p->gamma), a, &m->c[0]) == QS_OK && qs_op_copy(a, &m->obs[0]) == QS_OK &&
       qs_op_copy(num, &m->obs[1]) == QS_OK;
  if (ok) {
    m->f_td[0] = drive_cos;
    strcpy(m->c_names[0], "loss");
    strcpy(m->obs_names[0], "a");
    strcpy(m->obs_names[1], "n");
    m->psi0[0] = 1.0; /* vacuum */
  }
  qs_op_destroy(&num);
  qs_op_destroy(&a);
  qs_op_destroy(&ad);
  if (!ok)
    qs_model_destroy(&m);
  return m;
}

/* d alpha/dt = -lambda alpha - iF (e^{iwt} + e^{-iwt}), lambda = i w0 +
 * gamma/2.  Particular solution A e^{iwt} + B e^{-iwt} with
 * (lambda + i w) A = -iF and (lambda - i w) B = -iF; alpha(0) = 0 fixes
 * the homogeneous part -(A + B) e^{-lambda t}. */
static void oscillator_amplitudes(const oscillator *p, double complex *A, double complex *B)
{
  const double complex lambda = I * p->w0 + 0.5 * p->gamma;
  *A = -I * p->F / (lambda + I * p->w);
  *B = -I * p->F / (lambda - I * p->w);
}

static double complex oscillator_alpha(const oscillator *p, double t)
{
  double complex A, B;
  oscillator_amplitudes(p, &A, &B);
  const double complex lambda = I * p->w0 + 0.5 * p->gamma;
  return A * cexp(I * p->w * t) + B * cexp(-I * p->w * t) - (A + B) * cexp(-lambda * t);
}

static const oscillator osc = {.w0 = 5.0, .w = 5.3, .F = 0.2, .gamma = 0.5};

/* The vacuum stays a coherent state |alpha(t)>: <a> = alpha, <n> = |alpha|^2. */
static void test_driven_oscillator(void)
{
  qs_model *m = oscillator_model(&osc, 20);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  const double times[] = {0.0, 0.37, 1.1, 2.9, 6.2, 13.0, 24.4};
  const int nt = (int)(sizeof times / sizeof times[0]);
  double complex obs[2 * 7], rho[400];
  qs_mesolve_stats stats;
  char msg[256];
  CU_ASSERT_EQUAL_FATAL(
      qs_mesolve(m, NULL, nt, times, NULL, NULL, obs, rho, NULL, NULL, &stats, msg, sizeof msg),
      QS_OK);
  CU_ASSERT(cabs(obs[0]) < 1e-14 && cabs(obs[1]) < 1e-14);
  for (int k = 1; k < nt; k++) {
    const double complex alpha = oscillator_alpha(&osc, times[k]);
    const double n = creal(alpha * conj(alpha));
    CU_ASSERT(cabs(obs[2 * k] - alpha) < 1e-6 * cabs(alpha));
    CU_ASSERT(fabs(creal(obs[2 * k + 1]) - n) < 1e-6 * n);
  }
  CU_ASSERT(cabs(qs_trace(20, rho) - 1.0) < 1e-10);
  CU_ASSERT(qs_hermiticity_error(20, rho) < 1e-10);
  /* Still a pure coherent state: rho = |alpha><alpha|, so rho_01 =
   * e^{-|alpha|^2} alpha^* (the n = 0, 1 coefficients). */
  const double complex alpha = oscillator_alpha(&osc, times[nt - 1]);
  const double complex rho01 = exp(-creal(alpha * conj(alpha))) * conj(alpha);
  CU_ASSERT(cabs(rho[0 + 1 * 20] - rho01) < 1e-6 * cabs(rho01));
  CU_ASSERT(stats.steps > 0 && stats.rhs_evals >= stats.steps);
  /* A lower Adams order reaches the same state. */
  qs_mesolve_options o = qs_mesolve_default_options();
  o.max_order = 3;
  CU_ASSERT_EQUAL(qs_mesolve(m, NULL, nt, times, NULL, &o, obs, NULL, NULL, NULL, NULL, NULL, 0),
                  QS_OK);
  CU_ASSERT(cabs(obs[2 * (nt - 1)] - alpha) < 1e-6 * cabs(alpha));
  qs_model_destroy(&m);
}

/* The periodic state alpha_p = A e^{iwt} + B e^{-iwt} has <n> averaging to
 * |A|^2 + |B|^2 and <a> to 0 over whole periods.  After 80 periods the
 * transient (|A + B| e^{-gamma t/2} ~ 5e-11) is gone; K = 4 periods with
 * 32 samples average the harmonics m = 1, 2 of w exactly. */
static void test_time_average(void)
{
  qs_model *m = oscillator_model(&osc, 20);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  const double period = 2.0 * acos(-1.0) / osc.w;
  const qs_time_average avg = {.t_from = 80.0 * period, .t_to = 84.0 * period,
                               .n_samples = 32};
  const double times[] = {50.0};
  double complex obs[2], obs_avg[2], rho_avg[400];
  CU_ASSERT_EQUAL_FATAL(qs_mesolve(m, NULL, 1, times, &avg, NULL, obs, NULL, rho_avg, obs_avg,
                                   NULL, NULL, 0),
                        QS_OK);
  double complex A, B;
  oscillator_amplitudes(&osc, &A, &B);
  const double n_avg = creal(A * conj(A) + B * conj(B));
  CU_ASSERT(fabs(creal(obs_avg[1]) - n_avg) < 1e-6 * n_avg);
  CU_ASSERT(cabs(obs_avg[0]) < 1e-6 * sqrt(n_avg));
  CU_ASSERT(cabs(obs_avg[1] - qs_op_trace_with(m->obs[1], rho_avg)) < 1e-14);
  CU_ASSERT(cabs(qs_trace(20, rho_avg) - 1.0) < 1e-10);
  CU_ASSERT(qs_hermiticity_error(20, rho_avg) < 1e-10);
  /* The output time before the averaging interval is still reported. */
  const double complex alpha = oscillator_alpha(&osc, 50.0);
  CU_ASSERT(cabs(obs[0] - alpha) < 1e-6 * cabs(alpha));
  qs_model_destroy(&m);
}

/* Time-independent model: the same rho(t) as the exact dense propagator. */
static void test_qubit_osc_vs_dense(void)
{
  const char *keys[] = {"g", "eps", "gamma_phi", "delta_d", NULL};
  const double vals[] = {1.3, 0.6, 0.1, 0.4};
  qs_model *m = test_qubit_osc(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  const qs_index n = m->space.total;
  CU_ASSERT_EQUAL_FATAL(n, 4);
  const double times[] = {0.0, 0.25, 1.0, 3.7, 9.0};
  const int nt = 5;
  double complex rho0[16], rho_t[5 * 16], rho_final[16];
  projector(n, m->psi0, rho0);
  CU_ASSERT_EQUAL_FATAL(qs_lindblad_evolve_dense(m, rho0, nt, times, rho_t), QS_OK);
  double complex *obs = malloc((size_t)(nt * m->n_obs) * sizeof *obs);
  CU_ASSERT_EQUAL(qs_mesolve(m, NULL, nt, times, NULL, NULL, obs, rho_final, NULL, NULL, NULL,
                             NULL, 0),
                  QS_OK);
  CU_ASSERT(test_max_diff(rho_final, rho_t + 4 * 16, 16) < 1e-7);
  for (int k = 0; k < nt; k++)
    for (int o = 0; o < m->n_obs; o++)
      CU_ASSERT(cabs(obs[k * m->n_obs + o] - qs_op_trace_with(m->obs[o], rho_t + 16 * k)) <
                1e-7);
  /* Each time separately as the final state, from an explicit rho0. */
  for (int k = 1; k < nt; k++) {
    CU_ASSERT_EQUAL(qs_mesolve(m, rho0, 1, times + k, NULL, NULL, NULL, rho_final, NULL, NULL,
                               NULL, NULL, 0),
                    QS_OK);
    CU_ASSERT(test_max_diff(rho_final, rho_t + 16 * k, 16) < 1e-7);
    CU_ASSERT(cabs(qs_trace(n, rho_final) - 1.0) < 1e-10);
    CU_ASSERT(qs_hermiticity_error(n, rho_final) < 1e-10);
  }
  free(obs);
  qs_model_destroy(&m);
}

/* No collapse operators: a mixed rho0 evolves unitarily, as the dense
 * propagator says, and Tr rho^2 is conserved.  Without damping the
 * global error is not forgotten (~8e-8 here at the default rtol = 1e-8),
 * so this test asks for rtol = 1e-10 and checks 1e-8. */
static void test_unitary(void)
{
  const char *keys[] = {"w_A", "gamma_A", "w_B", "gamma_B", "g", "eps", "delta_d", "spin", NULL};
  const double vals[] = {0, 0, 0, 0, 0.9, 0.7, -0.3, 1.0};
  qs_model *m = test_qubit_osc(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_EQUAL_FATAL(m->n_c, 0);
  const qs_index n = m->space.total; /* two qutrits: 9 */
  double complex *rho0 = malloc((size_t)(n * n) * sizeof *rho0);
  double complex *exact = malloc((size_t)(n * n) * sizeof *exact);
  double complex *rho = malloc((size_t)(n * n) * sizeof *rho);
  double complex *sq = malloc((size_t)(n * n) * sizeof *sq);
  mixed_state(n, rho0);
  const double t = 6.5;
  CU_ASSERT_EQUAL(qs_lindblad_evolve_dense(m, rho0, 1, &t, exact), QS_OK);
  qs_mesolve_options o = qs_mesolve_default_options();
  o.rtol = 1e-10;
  o.atol = 1e-12;
  CU_ASSERT_EQUAL(qs_mesolve(m, rho0, 1, &t, NULL, &o, NULL, rho, NULL, NULL, NULL, NULL, 0),
                  QS_OK);
  CU_ASSERT(test_max_diff(rho, exact, n * n) < 1e-8);
  test_dense_mul((int)n, rho0, rho0, sq);
  const double purity0 = creal(qs_trace(n, sq));
  test_dense_mul((int)n, rho, rho, sq);
  CU_ASSERT(fabs(creal(qs_trace(n, sq)) - purity0) < 1e-8);
  CU_ASSERT(cabs(qs_trace(n, rho) - 1.0) < 1e-10);
  CU_ASSERT(qs_hermiticity_error(n, rho) < 1e-10);
  free(rho0);
  free(exact);
  free(rho);
  free(sq);
  qs_model_destroy(&m);
}

/* ------------------------------------------------------------------ */
/* A spin 1/2 in a rotating field, time dependent through complex      */
/* coefficients: H = (w0/2) sz + (Omega/2)(e^{-iwt} s+ + e^{iwt} s-).   */

typedef struct {
  double w0, w, omega;
} rotating;

static double complex rot_plus(double t, const void *data)
{
  const rotating *p = data;
  return 0.5 * p->omega * cexp(-I * p->w * t);
}

static double complex rot_minus(double t, const void *data)
{
  const rotating *p = data;
  return 0.5 * p->omega * cexp(I * p->w * t);
}

static double complex not_finite(double t, const void *data)
{
  (void)data;
  return t > 0.5 ? NAN : 0.0;
}

static qs_model *rotating_model(const rotating *p)
{
  qs_model *m = calloc(1, sizeof *m);
  const qs_index two = 2;
  if (!m || qs_space_init(&m->space, 1, &two) != QS_OK) {
    free(m);
    return NULL;
  }
  m->n_td = 2;
  m->H_td = calloc(2, sizeof *m->H_td);
  m->f_td = malloc(2 * sizeof *m->f_td);
  m->f_data = p;
  m->n_obs = 1;
  m->obs = calloc(1, sizeof *m->obs);
  m->obs_names = calloc(1, sizeof *m->obs_names);
  m->psi0 = calloc(2, sizeof *m->psi0);
  qs_op *sz = NULL;
  int ok = m->H_td && m->f_td && m->obs && m->obs_names && m->psi0 &&
           qs_op_spin(1, QS_SPIN_Z, &sz) == QS_OK && qs_op_scale(p->w0, sz, &m->H) == QS_OK &&
           qs_op_spin(1, QS_SPIN_PLUS, &m->H_td[0]) == QS_OK &&
           qs_op_spin(1, QS_SPIN_MINUS, &m->H_td[1]) == QS_OK && qs_op_copy(sz, &m->obs[0]) == QS_OK;
  qs_op_destroy(&sz);
  if (!ok) {
    qs_model_destroy(&m);
    return NULL;
  }
  m->f_td[0] = rot_plus;
  m->f_td[1] = rot_minus;
  strcpy(m->obs_names[0], "Sz");
  m->psi0[1] = 1.0; /* down */
  return m;
}

/* Rabi: from down, P_up(t) = Omega^2/W^2 sin^2(W t / 2), W^2 = Omega^2 +
 * (w - w0)^2, and <Sz> = P_up - 1/2. */
static void test_rotating_field(void)
{
  const rotating p = {.w0 = 3.0, .w = 3.4, .omega = 0.9};
  qs_model *m = rotating_model(&p);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  const double times[] = {0.3, 1.7, 4.0, 9.5, 20.0};
  double complex obs[5];
  CU_ASSERT_EQUAL_FATAL(
      qs_mesolve(m, NULL, 5, times, NULL, NULL, obs, NULL, NULL, NULL, NULL, NULL, 0), QS_OK);
  const double d = p.w - p.w0, W = sqrt(p.omega * p.omega + d * d);
  for (int k = 0; k < 5; k++) {
    const double s = sin(0.5 * W * times[k]);
    const double pup = p.omega * p.omega / (W * W) * s * s;
    CU_ASSERT(cabs(obs[k] - (pup - 0.5)) < 1e-7);
  }
  qs_model_destroy(&m);
}

/* Progress is reported once per output or sample time, in order. */
typedef struct {
  int calls;
  double last_t, t_end;
  int ordered;
} progress_log;

static void log_progress(double t, double t_end, void *data)
{
  progress_log *log = data;
  log->ordered = log->ordered && t > log->last_t;
  log->last_t = t;
  log->t_end = t_end;
  log->calls++;
}

static void test_progress(void)
{
  const rotating p = {.w0 = 1.0, .w = 1.0, .omega = 0.5};
  qs_model *m = rotating_model(&p);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  qs_mesolve_options o = qs_mesolve_default_options();
  progress_log log = {0, -1.0, 0.0, 1};
  o.progress = log_progress;
  o.progress_data = &log;
  const double times[] = {0.0, 1.0, 2.0};
  const qs_time_average avg = {.t_from = 1.5, .t_to = 3.5, .n_samples = 4};
  CU_ASSERT_EQUAL(qs_mesolve(m, NULL, 3, times, &avg, &o, NULL, NULL, NULL, NULL, NULL, NULL, 0),
                  QS_OK);
  CU_ASSERT_EQUAL(log.calls, 7);
  CU_ASSERT(log.ordered);
  CU_ASSERT_DOUBLE_EQUAL(log.t_end, 3.25, 1e-15);
  qs_model_destroy(&m);
}

static void test_errors(void)
{
  const rotating p = {.w0 = 1.0, .w = 1.0, .omega = 0.5};
  qs_model *m = rotating_model(&p);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  char msg[256];
  double complex rho[4];
  const double good[] = {1.0, 2.0};
  const double decreasing[] = {2.0, 1.0}, negative[] = {-1.0}, nan_t[] = {NAN};
  CU_ASSERT_EQUAL(qs_mesolve(NULL, NULL, 2, good, NULL, NULL, NULL, NULL, NULL, NULL, NULL, msg,
                             sizeof msg),
                  QS_ERR_INVALID);
  CU_ASSERT_EQUAL(
      qs_mesolve(m, NULL, 0, good, NULL, NULL, NULL, NULL, NULL, NULL, NULL, msg, sizeof msg),
      QS_ERR_INVALID);
  CU_ASSERT_EQUAL(
      qs_mesolve(m, NULL, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, msg, sizeof msg),
      QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_mesolve(m, NULL, 2, decreasing, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                             msg, sizeof msg),
                  QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "times[1] = 1"));
  CU_ASSERT_EQUAL(qs_mesolve(m, NULL, 1, negative, NULL, NULL, NULL, NULL, NULL, NULL, NULL, msg,
                             sizeof msg),
                  QS_ERR_INVALID);
  CU_ASSERT_EQUAL(
      qs_mesolve(m, NULL, 1, nan_t, NULL, NULL, NULL, NULL, NULL, NULL, NULL, msg, sizeof msg),
      QS_ERR_INVALID);
  /* Options. */
  qs_mesolve_options o = qs_mesolve_default_options();
  o.rtol = 0.0;
  CU_ASSERT_EQUAL(
      qs_mesolve(m, NULL, 2, good, NULL, &o, NULL, NULL, NULL, NULL, NULL, msg, sizeof msg),
      QS_ERR_INVALID);
  o = qs_mesolve_default_options();
  o.atol = 1.0;
  CU_ASSERT_EQUAL(
      qs_mesolve(m, NULL, 2, good, NULL, &o, NULL, NULL, NULL, NULL, NULL, msg, sizeof msg),
      QS_ERR_INVALID);
  o = qs_mesolve_default_options();
  o.max_order = 13;
  CU_ASSERT_EQUAL(
      qs_mesolve(m, NULL, 2, good, NULL, &o, NULL, NULL, NULL, NULL, NULL, msg, sizeof msg),
      QS_ERR_INVALID);
  o = qs_mesolve_default_options();
  o.max_steps = 0;
  CU_ASSERT_EQUAL(
      qs_mesolve(m, NULL, 2, good, NULL, &o, NULL, NULL, NULL, NULL, NULL, msg, sizeof msg),
      QS_ERR_INVALID);
  /* Averaging interval. */
  const qs_time_average empty = {.t_from = 2.0, .t_to = 2.0, .n_samples = 4};
  const qs_time_average no_samples = {.t_from = 0.0, .t_to = 2.0, .n_samples = 0};
  CU_ASSERT_EQUAL(qs_mesolve(m, NULL, 2, good, &empty, NULL, NULL, NULL, NULL, NULL, NULL, msg,
                             sizeof msg),
                  QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_mesolve(m, NULL, 2, good, &no_samples, NULL, NULL, NULL, NULL, NULL, NULL,
                             msg, sizeof msg),
                  QS_ERR_INVALID);
  /* rho0 not Hermitian, not finite. */
  const double complex skew[4] = {0.5, 0.1 + 0.2 * I, 0.1 + 0.2 * I, 0.5};
  CU_ASSERT_EQUAL(
      qs_mesolve(m, skew, 2, good, NULL, NULL, NULL, NULL, NULL, NULL, NULL, msg, sizeof msg),
      QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "Hermitian"));
  const double complex inf_rho[4] = {INFINITY, 0, 0, 0.5};
  CU_ASSERT_EQUAL(qs_mesolve(m, inf_rho, 2, good, NULL, NULL, NULL, NULL, NULL, NULL, NULL, msg,
                             sizeof msg),
                  QS_ERR_INVALID);
  /* Too few steps allowed: CVODE's failure, with its message. */
  o = qs_mesolve_default_options();
  o.max_steps = 3;
  CU_ASSERT_EQUAL(
      qs_mesolve(m, NULL, 2, good, NULL, &o, NULL, rho, NULL, NULL, NULL, msg, sizeof msg),
      QS_ERR_CVODE);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "CV_TOO_MUCH_WORK"));
  /* A coefficient that turns NaN. */
  m->f_td[1] = not_finite;
  CU_ASSERT_EQUAL(
      qs_mesolve(m, NULL, 2, good, NULL, NULL, NULL, rho, NULL, NULL, NULL, msg, sizeof msg),
      QS_ERR_NUMERIC);
  /* An operator of the wrong dimension. */
  m->f_td[1] = rot_minus;
  qs_op *big = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_op_identity(3, &big), QS_OK);
  qs_op *keep = m->H_td[1];
  m->H_td[1] = big;
  CU_ASSERT_EQUAL(
      qs_mesolve(m, NULL, 2, good, NULL, NULL, NULL, NULL, NULL, NULL, NULL, msg, sizeof msg),
      QS_ERR_INVALID);
  m->H_td[1] = keep;
  qs_op_destroy(&big);
  qs_model_destroy(&m);
}

/* ------------------------------------------------------------------ */
/* The integrator object (qs_me_*).                                   */

/* The oscillator truncated to 2 levels without drive is a decaying qubit,
 * H = w0 |1><1|, c = sqrt(gamma) |0><1|:
 *   rho_11(t) = rho_11(0) e^{-gamma t},
 *   rho_01(t) = rho_01(0) e^{(i w0 - gamma/2) t}  (-i[H, rho]_01 = i w0 rho_01),
 *   rho_00 = 1 - rho_11. */
static void test_me_decaying_qubit(void)
{
  const oscillator p = {2.0, 1.0, 0.0, 0.5};
  qs_model *m = oscillator_model(&p, 2);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  const double complex rho0[4] = {0.3, 0.2 - 0.25 * I, 0.2 + 0.25 * I, 0.7};
  qs_mesolve_options o = qs_mesolve_default_options();
  o.rtol = 1e-10;
  o.atol = 1e-12;
  qs_me *me = NULL;
  char msg[256];
  CU_ASSERT_EQUAL_FATAL(qs_me_create(m, &o, &me, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL_FATAL(qs_me_start(me, rho0, 0.0, 4.0, msg, sizeof msg), QS_OK);
  const double times[] = {0.0, 0.5, 1.0, 2.5, 4.0};
  for (int k = 0; k < 5; k++) {
    const double t = times[k];
    CU_ASSERT_EQUAL_FATAL(qs_me_evolve_to(me, t, msg, sizeof msg), QS_OK);
    CU_ASSERT_EQUAL(qs_me_time(me), t);
    double complex rho[4], obs[2];
    qs_me_get_rho(me, rho);
    qs_me_get_observables(me, obs);
    const double p11 = 0.7 * exp(-p.gamma * t);
    const double complex c01 = rho0[2] * cexp((I * p.w0 - 0.5 * p.gamma) * t);
    CU_ASSERT(cabs(rho[3] - p11) < 1e-8);
    CU_ASSERT(cabs(rho[0] - (1.0 - p11)) < 1e-8);
    CU_ASSERT(cabs(rho[2] - c01) < 1e-8);
    CU_ASSERT(cabs(rho[1] - conj(c01)) < 1e-8);
    /* observables a and n: Tr(rho a) = rho_10, Tr(rho n) = rho_11 */
    CU_ASSERT(cabs(obs[0] - rho[1]) < 1e-15);
    CU_ASSERT(cabs(obs[1] - rho[3]) < 1e-15);
  }
  qs_mesolve_stats st;
  qs_me_get_stats(me, &st);
  CU_ASSERT(st.steps > 0 && st.rhs_evals >= st.steps);
  qs_me_destroy(&me);
  CU_ASSERT_PTR_NULL(me);
  qs_me_destroy(&me); /* NULL is fine */
  qs_model_destroy(&m);
}

/* Evolving in pieces (CV_NORMAL outputs on the interpolant) takes the
 * same internal steps as evolving at once: the same bits, once the first
 * target after the start is the same (CVODE sizes its first step from the
 * distance to it).  A restart from the same state repeats the first run
 * bit for bit (CVodeReInit forgets everything), and the counters add up
 * over starts. */
static void test_me_pieces_and_restart(void)
{
  const oscillator p = {1.3, 1.1, 0.4, 0.2};
  qs_model *m = oscillator_model(&p, 6);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  const qs_index n = 6, n2 = n * n;
  double complex *rho0 = malloc((size_t)n2 * sizeof *rho0);
  double complex *a = malloc((size_t)n2 * sizeof *a), *b = malloc((size_t)n2 * sizeof *b);
  double complex *c = malloc((size_t)n2 * sizeof *c);
  mixed_state(n, rho0);
  qs_me *me = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_me_create(m, NULL, &me, NULL, 0), QS_OK);
  const double t_end = 7.0;
  CU_ASSERT_EQUAL(qs_me_start(me, rho0, 0.0, t_end, NULL, 0), QS_OK);
  for (int k = 1; k <= 10; k++)
    CU_ASSERT_EQUAL(qs_me_evolve_to(me, t_end * k / 10.0, NULL, 0), QS_OK);
  qs_me_get_rho(me, a);
  qs_mesolve_stats first;
  qs_me_get_stats(me, &first);

  /* Another state in between, then the first again: same bits as at once. */
  CU_ASSERT_EQUAL(qs_me_start(me, NULL, 0.0, 2.0, NULL, 0), QS_OK);
  CU_ASSERT_EQUAL(qs_me_evolve_to(me, 2.0, NULL, 0), QS_OK);
  CU_ASSERT_EQUAL(qs_me_start(me, rho0, 0.0, t_end, NULL, 0), QS_OK);
  CU_ASSERT_EQUAL(qs_me_evolve_to(me, t_end / 10.0, NULL, 0), QS_OK);
  CU_ASSERT_EQUAL(qs_me_evolve_to(me, t_end, NULL, 0), QS_OK);
  qs_me_get_rho(me, b);
  CU_ASSERT_EQUAL(memcmp(a, b, (size_t)n2 * sizeof *a), 0);
  qs_mesolve_stats total;
  qs_me_get_stats(me, &total);
  CU_ASSERT(total.steps > 2 * first.steps); /* both long runs plus the short one */

  /* The one-shot qs_mesolve is the same integration. */
  const double two[] = {t_end / 10.0, t_end};
  CU_ASSERT_EQUAL(qs_mesolve(m, rho0, 2, two, NULL, NULL, NULL, c, NULL, NULL, NULL, NULL, 0),
                  QS_OK);
  CU_ASSERT_EQUAL(memcmp(a, c, (size_t)n2 * sizeof *a), 0);
  qs_me_destroy(&me);
  free(rho0);
  free(a);
  free(b);
  free(c);
  qs_model_destroy(&m);
}

static void test_me_errors(void)
{
  const oscillator p = {1.0, 1.0, 0.1, 0.3};
  qs_model *m = oscillator_model(&p, 3);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  char msg[256];
  qs_me *me = NULL;
  CU_ASSERT_EQUAL(qs_me_create(NULL, NULL, &me, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_me_create(m, NULL, NULL, msg, sizeof msg), QS_ERR_INVALID);
  qs_mesolve_options o = qs_mesolve_default_options();
  o.max_order = 13;
  CU_ASSERT_EQUAL(qs_me_create(m, &o, &me, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "max_order = 13"));
  CU_ASSERT_PTR_NULL(me);
  CU_ASSERT_EQUAL_FATAL(qs_me_create(m, NULL, &me, msg, sizeof msg), QS_OK);
  /* Not started yet. */
  CU_ASSERT_EQUAL(qs_me_evolve_to(me, 1.0, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_me_start(me, NULL, 1.0, 0.5, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_me_start(me, NULL, 0.0, INFINITY, msg, sizeof msg), QS_ERR_INVALID);
  double complex bad[9] = {0.5, 0.1, 0, 0.3, 0.5, 0, 0, 0, 0}; /* rho_10 != conj(rho_01) */
  CU_ASSERT_EQUAL(qs_me_start(me, bad, 0.0, 1.0, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "not Hermitian"));
  CU_ASSERT_EQUAL(qs_me_start(me, NULL, 0.0, 1.0, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(qs_me_evolve_to(me, 1.5, msg, sizeof msg), QS_ERR_INVALID); /* > t_stop */
  CU_ASSERT_EQUAL(qs_me_evolve_to(me, 0.5, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(qs_me_evolve_to(me, 0.25, msg, sizeof msg), QS_ERR_INVALID); /* back */
  CU_ASSERT_EQUAL(qs_me_evolve_to(me, 0.5, msg, sizeof msg), QS_OK); /* no move */
  qs_me_destroy(&me);
  /* Too few steps: CVODE's failure; the object must be started again. */
  o = qs_mesolve_default_options();
  o.max_steps = 3;
  CU_ASSERT_EQUAL_FATAL(qs_me_create(m, &o, &me, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(qs_me_start(me, NULL, 0.0, 50.0, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(qs_me_evolve_to(me, 50.0, msg, sizeof msg), QS_ERR_CVODE);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "CV_TOO_MUCH_WORK"));
  CU_ASSERT_EQUAL(qs_me_evolve_to(me, 50.0, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_me_start(me, NULL, 0.0, 1e-10, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(qs_me_evolve_to(me, 1e-10, msg, sizeof msg), QS_OK);
  qs_me_destroy(&me);
  qs_model_destroy(&m);
}

int qs_test_register_mesolve(void)
{
  const test_case cases[] = {
      {"driven damped oscillator = coherent closed form", test_driven_oscillator},
      {"period average = closed-form average", test_time_average},
      {"qubit_osc = dense propagator", test_qubit_osc_vs_dense},
      {"no collapse: unitary evolution of a mixed state", test_unitary},
      {"rotating field (complex coefficients) = Rabi formula", test_rotating_field},
      {"progress callback", test_progress},
      {"errors", test_errors},
      {"integrator object: decaying qubit closed form", test_me_decaying_qubit},
      {"integrator object: pieces = at once, restart = fresh", test_me_pieces_and_restart},
      {"integrator object: errors", test_me_errors},
  };
  return test_add_suite("mesolve", cases, (int)(sizeof cases / sizeof cases[0]));
}
