/* Exact steady states against each other and against closed forms; exact
 * time evolution against Rabi oscillations.  (The Appendix C comparison is
 * in tests/test_weakdrive.c.) */
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- driven cavity with qubits (DESIGN model 2), built by hand ------- */

/* *sum += alpha term (takes term). */
static void acc_term(qs_op **sum, double complex alpha, qs_op *term)
{
  qs_op *next = NULL;
  qs_status st = *sum ? qs_op_add(1.0, *sum, alpha, term, &next) : qs_op_scale(alpha, term, &next);
  CU_ASSERT_EQUAL(st, QS_OK);
  qs_op_destroy(&term);
  qs_op_destroy(sum);
  *sum = next;
}

static qs_op *embedded(const qs_space *space, int which, const qs_op *local)
{
  qs_op *out = NULL;
  CU_ASSERT_EQUAL(qs_op_embed(space, which, local, &out), QS_OK);
  return out;
}

/* Units lambda = 1, drive frame (driven-resonator paper Eq. 3):
 * H = -dw a^dag a + sum_l (Delta_l - dw)/2 sz_l + sum_l (a s+_l + a^dag s-_l)
 *     + F (a + a^dag),  c = sqrt(gamma) a, sqrt(gamma_s) s-_l;
 * subsystem 0 the cavity (ncav levels), then the qubits (index 0 = up).
 * Observable 0 is a. */
static qs_model *cavity_qubits(int ncav, int nq, const double *delta, double dw, double F,
                               double gamma, double gamma_s)
{
  qs_model *m = calloc(1, sizeof *m);
  qs_index dims[QS_MAX_SUBSYSTEMS] = {ncav};
  for (int l = 0; l < nq; l++)
    dims[1 + l] = 2;
  CU_ASSERT_EQUAL(qs_space_init(&m->space, 1 + nq, dims), QS_OK);
  qs_op *a = NULL, *ad = NULL, *num = NULL, *sz = NULL, *sp = NULL, *sm = NULL;
  CU_ASSERT_EQUAL(qs_op_destroy_boson(ncav, &a), QS_OK);
  CU_ASSERT_EQUAL(qs_op_adjoint(a, &ad), QS_OK);
  CU_ASSERT_EQUAL(qs_op_number(ncav, &num), QS_OK);
  CU_ASSERT_EQUAL(qs_op_pauli('z', &sz), QS_OK);
  CU_ASSERT_EQUAL(qs_op_spin(1, QS_SPIN_PLUS, &sp), QS_OK);
  CU_ASSERT_EQUAL(qs_op_spin(1, QS_SPIN_MINUS, &sm), QS_OK);
  qs_op *A = embedded(&m->space, 0, a), *Ad = embedded(&m->space, 0, ad);
  acc_term(&m->H, -dw, embedded(&m->space, 0, num));
  acc_term(&m->H, F, embedded(&m->space, 0, a));
  acc_term(&m->H, F, embedded(&m->space, 0, ad));
  m->n_c = 1 + nq;
  m->c = calloc((size_t)m->n_c, sizeof *m->c);
  m->c_names = calloc((size_t)m->n_c, sizeof *m->c_names);
  CU_ASSERT_EQUAL(qs_op_scale(sqrt(gamma), A, &m->c[0]), QS_OK);
  for (int l = 0; l < nq; l++) {
    qs_op *Sp = embedded(&m->space, 1 + l, sp), *Sm = embedded(&m->space, 1 + l, sm);
    qs_op *t = NULL;
    acc_term(&m->H, (delta[l] - dw) / 2, embedded(&m->space, 1 + l, sz));
    CU_ASSERT_EQUAL(qs_op_mul(A, Sp, &t), QS_OK);
    acc_term(&m->H, 1.0, t);
    CU_ASSERT_EQUAL(qs_op_mul(Ad, Sm, &t), QS_OK);
    acc_term(&m->H, 1.0, t);
    CU_ASSERT_EQUAL(qs_op_scale(sqrt(gamma_s), Sm, &m->c[1 + l]), QS_OK);
    qs_op_destroy(&Sp);
    qs_op_destroy(&Sm);
  }
  m->n_obs = 1;
  m->obs = calloc(1, sizeof *m->obs);
  m->obs_names = calloc(1, sizeof *m->obs_names);
  m->obs[0] = A;
  strcpy(m->obs_names[0], "a");
  qs_op_destroy(&Ad);
  qs_op_destroy(&a);
  qs_op_destroy(&ad);
  qs_op_destroy(&num);
  qs_op_destroy(&sz);
  qs_op_destroy(&sp);
  qs_op_destroy(&sm);
  return m;
}

static qs_status solve_with(const qs_model *m, qs_steady_method method, double complex *rho,
                            qs_steady_info *info)
{
  qs_steady_options o = qs_steady_default_options();
  o.method = method;
  char msg[256];
  return qs_steady_state_ex(m, &o, rho, info, msg, sizeof msg);
}

/* Cavity (ncav = 10) with two qubits, N = 40: the four methods agree. */
static void test_methods_agree(void)
{
  const double delta[2] = {1.0, 1.5};
  qs_model *m = cavity_qubits(10, 2, delta, 0.3, 0.5, 0.2, 0.2);
  qs_index n = m->space.total;
  const qs_steady_method methods[4] = {QS_STEADY_DENSE, QS_STEADY_SPARSE_LU,
                                       QS_STEADY_SYLVESTER, QS_STEADY_KRYLOV};
  double complex *rho[4];
  for (int k = 0; k < 4; k++) {
    rho[k] = malloc((size_t)(n * n) * sizeof *rho[k]);
    qs_steady_info info;
    CU_ASSERT_EQUAL(solve_with(m, methods[k], rho[k], &info), QS_OK);
    CU_ASSERT_EQUAL(info.method, methods[k]);
    CU_ASSERT(info.residual <= 1e-10);
    CU_ASSERT(info.memory_estimate > 0.0);
    CU_ASSERT(qs_hermiticity_error(n, rho[k]) < 1e-12);
    CU_ASSERT(cabs(qs_trace(n, rho[k]) - 1.0) < 1e-12);
    if (methods[k] >= QS_STEADY_SYLVESTER)
      CU_ASSERT(info.iterations > 0);
  }
  for (int k = 1; k < 4; k++)
    CU_ASSERT(test_max_diff(rho[0], rho[k], n * n) < 1e-8);
  double *ev = malloc((size_t)n * sizeof *ev);
  CU_ASSERT_EQUAL(qs_hermitian_eigenvalues(n, rho[3], ev), QS_OK);
  CU_ASSERT(ev[0] > -1e-10);
  free(ev);
  for (int k = 0; k < 4; k++)
    free(rho[k]);
  qs_model_destroy(&m);
}

/* The cavity alone relaxes to the coherent state |alpha>,
 * alpha = -i F / (gamma/2 - i dw) (d<a>/dt = (i dw - gamma/2)<a> - iF = 0),
 * with Poisson populations; |alpha|^2 = 1.23, 24 levels (tail < 1e-18). */
static void test_coherent_cavity(void)
{
  const double F = 0.4, gamma = 0.4, dw = 0.3;
  const int ncav = 24;
  const double complex alpha = -I * F / (gamma / 2 - I * dw);
  qs_model *m = cavity_qubits(ncav, 0, NULL, dw, F, gamma, 0.0);
  double complex rho[24 * 24];
  const qs_steady_method methods[2] = {QS_STEADY_SYLVESTER, QS_STEADY_KRYLOV};
  for (int k = 0; k < 2; k++) {
    qs_steady_info info;
    CU_ASSERT_EQUAL(solve_with(m, methods[k], rho, &info), QS_OK);
    CU_ASSERT(info.residual <= 1e-10);
    CU_ASSERT(cabs(qs_op_trace_with(m->obs[0], rho) - alpha) < 1e-9);
    double nbar = creal(alpha * conj(alpha)), p = exp(-nbar);
    double worst = 0.0;
    for (int j = 0; j < ncav; j++) {
      worst = fmax(worst, fabs(creal(rho[j + j * ncav]) - p));
      p *= nbar / (j + 1);
    }
    CU_ASSERT(worst < 1e-9);
  }
  qs_model_destroy(&m);
}

/* A neighbouring point's steady state as the guess cuts the iterations. */
static void test_warm_start(void)
{
  const double delta[1] = {1.0};
  qs_model *m0 = cavity_qubits(12, 1, delta, 0.3, 0.5, 0.2, 0.2);
  qs_model *m1 = cavity_qubits(12, 1, delta, 0.3, 0.52, 0.2, 0.2);
  qs_index n = m0->space.total;
  double complex *rho0 = malloc((size_t)(n * n) * sizeof *rho0);
  double complex *cold = malloc((size_t)(n * n) * sizeof *cold);
  double complex *warm = malloc((size_t)(n * n) * sizeof *warm);
  const qs_steady_method methods[2] = {QS_STEADY_SYLVESTER, QS_STEADY_KRYLOV};
  for (int k = 0; k < 2; k++) {
    qs_steady_options o = qs_steady_default_options();
    qs_steady_info i0, ic, iw;
    o.method = methods[k];
    CU_ASSERT_EQUAL(qs_steady_state_ex(m0, &o, rho0, &i0, NULL, 0), QS_OK);
    CU_ASSERT_EQUAL(qs_steady_state_ex(m1, &o, cold, &ic, NULL, 0), QS_OK);
    o.guess = rho0;
    CU_ASSERT_EQUAL(qs_steady_state_ex(m1, &o, warm, &iw, NULL, 0), QS_OK);
    CU_ASSERT(iw.iterations < ic.iterations);
    CU_ASSERT(test_max_diff(cold, warm, n * n) < 1e-8);
  }
  free(rho0);
  free(cold);
  free(warm);
  qs_model_destroy(&m0);
  qs_model_destroy(&m1);
}

/* Memory limit, singular L0, time-dependent model, bad options. */
static void test_splitting_errors(void)
{
  const double delta[1] = {1.0};
  qs_model *m = cavity_qubits(12, 1, delta, 0.3, 0.5, 0.2, 0.2);
  double complex *rho = malloc(24 * 24 * sizeof *rho);
  char msg[256] = "";
  qs_steady_options o = qs_steady_default_options();
  qs_steady_info info;
  o.memory_limit = 4096.0;
  const qs_steady_method methods[3] = {QS_STEADY_AUTO, QS_STEADY_SPARSE_LU, QS_STEADY_KRYLOV};
  for (int k = 0; k < 3; k++) {
    o.method = methods[k];
    msg[0] = '\0';
    CU_ASSERT_EQUAL(qs_steady_state_ex(m, &o, rho, &info, msg, sizeof msg), QS_ERR_TOO_LARGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "MiB"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, qs_steady_method_name(info.method)));
    CU_ASSERT(info.memory_estimate > 4096.0);
  }
  CU_ASSERT(qs_steady_memory_estimate(m, QS_STEADY_KRYLOV) > 0.0);
  CU_ASSERT(qs_steady_memory_estimate(m, QS_STEADY_SPARSE_LU) >
            qs_steady_memory_estimate(m, QS_STEADY_SYLVESTER));
  CU_ASSERT(qs_steady_memory_estimate(NULL, QS_STEADY_KRYLOV) < 0.0);
  o = qs_steady_default_options();
  o.tol = 0.0;
  CU_ASSERT_EQUAL(qs_steady_state_ex(m, &o, rho, NULL, msg, sizeof msg), QS_ERR_INVALID);
  o = qs_steady_default_options();
  o.method = QS_STEADY_KRYLOV;
  o.max_iter = 2;
  CU_ASSERT_EQUAL(qs_steady_state_ex(m, &o, rho, &info, msg, sizeof msg), QS_ERR_NOT_CONVERGED);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "max_iter"));
  m->n_td = 1; /* pretend: the check comes before any use of H_td */
  CU_ASSERT_EQUAL(qs_steady_state_ex(m, NULL, rho, NULL, msg, sizeof msg), QS_ERR_INVALID);
  m->n_td = 0;
  qs_model_destroy(&m);
  /* Undriven: |0, down> is dark, A has the eigenvalue 0, L0 is singular. */
  m = cavity_qubits(12, 1, delta, 0.3, 0.0, 0.2, 0.2);
  o = qs_steady_default_options();
  o.method = QS_STEADY_SYLVESTER;
  CU_ASSERT_EQUAL(qs_steady_state_ex(m, &o, rho, NULL, msg, sizeof msg), QS_ERR_SINGULAR);
  qs_model_destroy(&m);
  free(rho);
  CU_ASSERT_EQUAL(qs_steady_method_parse("sylvester"), QS_STEADY_SYLVESTER);
  CU_ASSERT_EQUAL(qs_steady_method_parse("Krylov"), QS_STEADY_KRYLOV);
  CU_ASSERT_STRING_EQUAL(qs_steady_method_name(QS_STEADY_KRYLOV), "krylov");
}

/* The benchmark cavity with one qubit at ncav = 40 (N = 80,
 * runs/bench_cavity_q1.ini): the smallest size where the splitting
 * solvers are slow.  GMRES(30) needs about 570 iterations here. */
static qs_model *slow_cavity(void)
{
  const double delta[1] = {1.0};
  return cavity_qubits(40, 1, delta, 0.0, 0.77, 0.2, 0.2);
}

/* AUTO never fails where a method works: with sparse LU kept out by the
 * memory limit and max_iter below what GMRES(30) needs, the first Krylov
 * attempt stops unconverged and AUTO continues from its last iterate with
 * the long restart; the state agrees with sparse LU.  The warm second
 * attempt needs fewer iterations than the same solver from I/N. */
static void test_auto_falls_back(void)
{
  qs_model *m = slow_cavity();
  qs_index n = m->space.total;
  double complex *lu = malloc((size_t)(n * n) * sizeof *lu);
  double complex *rho = malloc((size_t)(n * n) * sizeof *rho);
  qs_steady_info info;
  CU_ASSERT_EQUAL_FATAL(solve_with(m, QS_STEADY_SPARSE_LU, lu, &info), QS_OK);
  qs_steady_options o = qs_steady_default_options();
  o.max_iter = 400;
  /* room for Krylov with the long restart, not for the LU nor dense */
  o.memory_limit = qs_steady_memory_estimate(m, QS_STEADY_KRYLOV) +
                   (QS_STEADY_AUTO_RESTART - 30) * 16.0 * (double)(n * n); /* basis grows */
  CU_ASSERT_FATAL(qs_steady_memory_estimate(m, QS_STEADY_SPARSE_LU) > o.memory_limit);
  char msg[512] = "";
  CU_ASSERT_EQUAL(qs_steady_state_ex(m, &o, rho, &info, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(info.method, QS_STEADY_KRYLOV);
  CU_ASSERT_EQUAL(info.attempts, 2);
  CU_ASSERT(info.residual <= o.tol);
  CU_ASSERT_PTR_NOT_NULL(strstr(info.note, "krylov (restart 30) failed"));
  CU_ASSERT(info.total_iterations == o.max_iter + info.iterations);
  CU_ASSERT(test_max_diff(lu, rho, n * n) < 1e-8);
  qs_steady_options cold = qs_steady_default_options();
  qs_steady_info ci;
  cold.method = QS_STEADY_KRYLOV;
  cold.restart = QS_STEADY_AUTO_RESTART;
  CU_ASSERT_EQUAL(qs_steady_state_ex(m, &cold, rho, &ci, NULL, 0), QS_OK);
  CU_ASSERT(info.iterations < ci.iterations);
  printf("\n    N = 80: krylov(30) stopped at %d, krylov(%d) then %d iterations (cold: %d) ",
         o.max_iter, QS_STEADY_AUTO_RESTART, info.iterations, ci.iterations);
  /* Nothing fits: the first choice's estimate is reported. */
  o.memory_limit = 4096.0;
  CU_ASSERT_EQUAL(qs_steady_state_ex(m, &o, rho, &info, msg, sizeof msg), QS_ERR_TOO_LARGE);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "krylov"));
  free(lu);
  free(rho);
  qs_model_destroy(&m);
}

/* The fixed point converges linearly at the rate |mu_2| of the second
 * eigenvalue of L0^-1 L1 (a trace-preserving positive map: |mu| <= 1,
 * mu_1 = 1 for the steady state).  Stopped early it reports the measured
 * factor and the steps still needed; with that many more steps it
 * converges, to the sparse LU state. */
static void test_sylvester_rate(void)
{
  qs_model *m = slow_cavity();
  qs_index n = m->space.total;
  double complex *lu = malloc((size_t)(n * n) * sizeof *lu);
  double complex *rho = malloc((size_t)(n * n) * sizeof *rho);
  qs_steady_info info;
  CU_ASSERT_EQUAL_FATAL(solve_with(m, QS_STEADY_SPARSE_LU, lu, &info), QS_OK);
  qs_steady_options o = qs_steady_default_options();
  o.method = QS_STEADY_SYLVESTER;
  o.max_iter = 300;
  char msg[512] = "";
  CU_ASSERT_EQUAL(qs_steady_state_ex(m, &o, rho, &info, msg, sizeof msg),
                  QS_ERR_NOT_CONVERGED);
  double rate = 0.0, more = 0.0;
  const char *f = strstr(msg, "by a factor "), *p = strstr(msg, "about ");
  CU_ASSERT_FATAL(f && p);
  rate = strtod(f + strlen("by a factor "), NULL);
  more = strtod(p + strlen("about "), NULL);
  CU_ASSERT(rate > 0.9 && rate < 1.0);
  /* the prediction, with 10% margin for the not yet asymptotic start */
  o.max_iter = 300 + (int)(1.1 * more);
  CU_ASSERT_EQUAL(qs_steady_state_ex(m, &o, rho, &info, msg, sizeof msg), QS_OK);
  CU_ASSERT(info.residual <= o.tol);
  CU_ASSERT(test_max_diff(lu, rho, n * n) < 1e-8);
  printf("\n    N = 80: factor %.4f per step, %d steps to 1e-10 ", rate, info.iterations);
  free(lu);
  free(rho);
  qs_model_destroy(&m);
}

/* qs_sylvester_triangular against the direct product A Y + Y B^H on
 * random triangular A (m x m) and B (n x n), sizes above the recursion
 * base and above where LAPACK ztrsyl crashes. */
static void test_triangular_sylvester(void)
{
  const int sizes[3][2] = {{256, 256}, {300, 210}, {37, 290}};
  qs_rng rng;
  qs_rng_seed(&rng, 7, 0);
  for (int s = 0; s < 3; s++) {
    int m = sizes[s][0], n = sizes[s][1];
    double complex *A = calloc((size_t)m * m, sizeof *A), *B = calloc((size_t)n * n, sizeof *B);
    double complex *C = malloc((size_t)m * n * sizeof *C), *Y = malloc((size_t)m * n * sizeof *Y);
    for (int j = 0; j < m; j++)
      for (int i = 0; i <= j; i++)
        A[i + (size_t)j * m] = (qs_rng_uniform(&rng) - 0.5 + I * (qs_rng_uniform(&rng) - 0.5)) /
                               sqrt(m) + (i == j ? 0.5 + qs_rng_uniform(&rng) : 0.0);
    for (int j = 0; j < n; j++)
      for (int i = 0; i <= j; i++)
        B[i + (size_t)j * n] = (qs_rng_uniform(&rng) - 0.5 + I * (qs_rng_uniform(&rng) - 0.5)) /
                               sqrt(n) + (i == j ? 0.5 + 2.0 * I * qs_rng_uniform(&rng) : 0.0);
    for (long k = 0; k < (long)m * n; k++)
      Y[k] = C[k] = qs_rng_uniform(&rng) - 0.5 + I * (qs_rng_uniform(&rng) - 0.5);
    CU_ASSERT_EQUAL(qs_sylvester_triangular(m, n, A, m, B, n, Y, m), QS_OK);
    double err = 0.0, cn = 0.0;
    for (int j = 0; j < n; j++)
      for (int i = 0; i < m; i++) {
        double complex s2 = 0.0;
        for (int k = i; k < m; k++)
          s2 += A[i + (size_t)k * m] * Y[k + (size_t)j * m];
        for (int k = j; k < n; k++)
          s2 += Y[i + (size_t)k * m] * conj(B[j + (size_t)k * n]);
        err = fmax(err, cabs(s2 - C[i + (size_t)j * m]));
        cn = fmax(cn, cabs(C[i + (size_t)j * m]));
      }
    CU_ASSERT(err < 1e-12 * cn);
    free(A);
    free(B);
    free(C);
    free(Y);
  }
  double complex one = 1.0, mone = -1.0, c = 1.0;
  CU_ASSERT_EQUAL(qs_sylvester_triangular(1, 1, &one, 1, &mone, 1, &c, 1), QS_ERR_SINGULAR);
  CU_ASSERT_EQUAL(qs_sylvester_triangular(2, 1, &one, 1, &one, 1, &c, 2), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_sylvester_triangular(1, 1, NULL, 1, &one, 1, &c, 1), QS_ERR_INVALID);
}

int qs_test_register_lindblad(void)
{
  static const test_case cases[] = {
    {"dense LU and UMFPACK agree to 1e-10", test_dense_equals_sparse},
    {"g = 0: driven qubit Bloch-equation closed form", test_uncoupled_closed_form},
    {"exact evolution: Rabi oscillation", test_evolution_rabi},
    {"exact evolution: trace kept, relaxes to steady state", test_evolution_relaxes},
    {"non-unique steady state and bad arguments", test_errors},
    {"cavity + 2 qubits: dense, sparse_lu, sylvester, krylov agree to 1e-8", test_methods_agree},
    {"cavity alone: coherent state <a> and Poisson populations", test_coherent_cavity},
    {"warm start from a neighbouring point cuts iterations", test_warm_start},
    {"splitting: memory limit, singular L0, time dependence, options", test_splitting_errors},
    {"triangular Sylvester solver against A Y + Y B^H = C", test_triangular_sylvester},
    {"auto falls back: krylov(30) stops, long restart from its iterate converges",
     test_auto_falls_back},
    {"sylvester fixed point: measured factor predicts the steps needed", test_sylvester_rate},
  };
  return test_add_suite("lindblad", cases, (int)(sizeof cases / sizeof cases[0]));
}
