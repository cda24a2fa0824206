/* The semiclassical functional (driven-resonator paper, Sec. 2.3, App. A):
 * the closed form against Tr[L(rho)^dag L(rho)] of the sparse Liouvillian
 * on the trial state in a large Fock truncation, the empty cavity's
 * Eqs. 35-36, the paper's one-qubit Eqs. 38-40, the gradient against
 * central differences, the model reader, and the minimiser (the empty
 * cavity's exact minimum, a bistable point with two minima). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "qsync/gap.h"
#include "test_util.h"

/* Uniform in [lo, hi) from a small LCG: deterministic inputs. */
static double draw(unsigned long long *state, double lo, double hi)
{
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  return lo + (hi - lo) * (double)(*state >> 11) / 9007199254740992.0;
}

static void random_point(unsigned long long *st, int n_spins, double amax,
                         qs_semiclassical_point *pt)
{
  memset(pt, 0, sizeof *pt);
  pt->alpha = draw(st, -amax, amax) + I * draw(st, -amax, amax);
  for (int l = 0; l < n_spins; l++) {
    double b[3], nb;
    do { /* inside the ball */
      for (int i = 0; i < 3; i++)
        b[i] = draw(st, -1, 1);
      nb = b[0] * b[0] + b[1] * b[1] + b[2] * b[2];
    } while (nb > 1.0);
    memcpy(pt->bloch[l], b, sizeof b);
  }
}

/* The cavity_qubits coefficients by hand (DESIGN.md Model 2, lambda = 1). */
static qs_semiclassical_problem cavity_problem(int nq, double domega, double F, double gamma,
                                               double gamma_s, const double *delta)
{
  qs_semiclassical_problem p;
  memset(&p, 0, sizeof p);
  p.n_spins = nq;
  p.cavity_frequency = -domega;
  p.drive = F;
  p.cavity_loss = gamma;
  for (int l = 0; l < nq; l++) {
    p.spin_frequency[l] = delta[l] - domega;
    p.coupling[l] = 1.0;
    p.spin_loss[l] = gamma_s;
  }
  return p;
}

static qs_model *cavity_model(int nq, int ncav, double domega, double F, double gamma,
                              double gamma_s, const double *delta)
{
  const char *keys[] = {"nqubits", "ncav", "domega", "F", "gamma", "gamma_s",
                        "delta_1", "delta_2", "delta_3", NULL};
  double vals[9] = {nq, ncav, domega, F, gamma, gamma_s, 2.0, 2.0, 2.0};
  for (int l = 0; l < nq; l++)
    vals[6 + l] = delta[l];
  return test_cavity(keys, vals);
}

/* rho = |alpha><alpha| (x) rho_1 (x) ... in the model's basis (cavity
 * slowest, qubit 1 next, index 0 = up), column-major. */
static void trial_rho(const qs_model *m, int nq, const qs_semiclassical_point *pt,
                      double complex *rho)
{
  qs_index ncav = m->space.dims[0], ns = (qs_index)1 << nq, n = m->space.total;
  double complex *psi = malloc((size_t)ncav * sizeof *psi);
  double complex c = cexp(-0.5 * creal(pt->alpha * conj(pt->alpha)));
  for (qs_index k = 0; k < ncav; k++) {
    psi[k] = c;
    c *= pt->alpha / sqrt((double)(k + 1));
  }
  double complex spin[1 << 3][1 << 3];
  for (qs_index i = 0; i < ns; i++)
    for (qs_index j = 0; j < ns; j++) {
      double complex v = 1.0;
      for (int l = 0; l < nq; l++) {
        int si = (int)(i >> (nq - 1 - l)) & 1, sj = (int)(j >> (nq - 1 - l)) & 1;
        const double *b = pt->bloch[l];
        double complex e; /* (1 + b.sigma)/2 in (up, down) */
        if (si == sj)
          e = 0.5 * (1.0 + (si == 0 ? b[2] : -b[2]));
        else
          e = 0.5 * (si == 0 ? b[0] - I * b[1] : b[0] + I * b[1]);
        v *= e;
      }
      spin[i][j] = v;
    }
  for (qs_index j = 0; j < n; j++)
    for (qs_index i = 0; i < n; i++)
      rho[i + j * n] = psi[i / ns] * conj(psi[j / ns]) * spin[i % ns][j % ns];
  free(psi);
}

/* Tr[L(rho)^dag L(rho)] with the sparse Liouvillian of lindblad.c. */
static double liouvillian_norm2(const qs_model *m, const double complex *rho)
{
  qs_op *L = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_liouvillian_build(m, &L), QS_OK);
  qs_index n2 = L->dim;
  double complex *out = malloc((size_t)n2 * sizeof *out);
  qs_op_apply(L, rho, out);
  double s = 0.0;
  for (qs_index i = 0; i < n2; i++)
    s += creal(out[i] * conj(out[i]));
  free(out);
  qs_op_destroy(&L);
  return s;
}

/* Closed form = sparse Liouvillian on the truncated trial state, N = 1..3,
 * several random alpha, b (|alpha| <= 1.5: the coherent state's weight
 * beyond 40 levels is < 1e-30). */
static void test_closed_form_vs_liouvillian(void)
{
  unsigned long long st = 12345;
  const double delta[3] = {2.0, -1.0, 0.5};
  for (int nq = 1; nq <= 3; nq++) {
    double domega = draw(&st, -2, 2), F = draw(&st, 0.2, 2), gamma = draw(&st, 0.1, 1.5),
           gamma_s = draw(&st, 0.1, 1.0);
    qs_model *m = cavity_model(nq, 40, domega, F, gamma, gamma_s, delta);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    qs_semiclassical_problem hand = cavity_problem(nq, domega, F, gamma, gamma_s, delta);
    qs_semiclassical_problem read;
    char msg[256] = "";
    CU_ASSERT_EQUAL_FATAL(qs_semiclassical_problem_from_model(m, &read, msg, sizeof msg), QS_OK);
    qs_index n = m->space.total;
    double complex *rho = malloc((size_t)(n * n) * sizeof *rho);
    for (int trial = 0; trial < 3; trial++) {
      qs_semiclassical_point pt;
      random_point(&st, nq, 1.0, &pt);
      trial_rho(m, nq, &pt, rho);
      double ref = liouvillian_norm2(m, rho);
      double s_hand = qs_semiclassical_functional(&hand, &pt, NULL);
      double s_read = qs_semiclassical_functional(&read, &pt, NULL);
      CU_ASSERT(fabs(s_hand - ref) <= 1e-10 * ref);
      CU_ASSERT(fabs(s_read - ref) <= 1e-10 * ref);
    }
    free(rho);
    qs_model_destroy(&m);
  }
}

/* No qubits: S_0 of Eq. 35 everywhere and S = 0 at Eq. 36's alpha; the
 * minimiser finds that single minimum. */
static void test_empty_cavity(void)
{
  const double F = 0.9, gamma = 0.6, domegas[] = {0.0, 0.7, -1.3};
  for (int c = 0; c < 3; c++) {
    double wr = -domegas[c]; /* omega_r = omega0 - omega */
    qs_semiclassical_problem p = cavity_problem(0, domegas[c], F, gamma, 0.0, NULL);
    unsigned long long st = 99 + (unsigned long long)c;
    for (int k = 0; k < 5; k++) {
      qs_semiclassical_point pt;
      random_point(&st, 0, 3.0, &pt);
      double ax = creal(pt.alpha), ay = cimag(pt.alpha), a2 = ax * ax + ay * ay;
      double s0 = 2.0 * (F * F + 2.0 * F * ax * wr + a2 * wr * wr) + 2.0 * F * ay * gamma
                  + gamma * gamma * a2 / 2.0;
      CU_ASSERT(fabs(qs_semiclassical_functional(&p, &pt, NULL) - s0) <= 1e-12 * (1 + s0));
    }
    double den = gamma * gamma + 4.0 * wr * wr;
    qs_semiclassical_point exact = {.alpha = -4.0 * F * wr / den - I * 2.0 * F * gamma / den};
    CU_ASSERT(qs_semiclassical_functional(&p, &exact, NULL) < 1e-28);
    qs_semiclassical_options o = qs_semiclassical_default_options();
    o.starts = 8;
    qs_semiclassical_result r;
    char msg[256] = "";
    CU_ASSERT_EQUAL_FATAL(qs_semiclassical_minimize(&p, &o, &r, msg, sizeof msg), QS_OK);
    CU_ASSERT_EQUAL(r.n_minima, 1);
    CU_ASSERT_EQUAL(r.minima[0].hits, 8);
    CU_ASSERT(cabs(r.minima[0].point.alpha - exact.alpha) < 1e-8);
    CU_ASSERT(r.minima[0].S < 1e-16);
    qs_semiclassical_result_free(&r);
  }
}

/* One qubit: the paper's Eqs. 38-40 (lambda = 1, omega_r = omega0 - omega,
 * Omega_r = Omega - omega = Delta - domega, real F). */
static double paper_eq38(double wr, double Wr, double F, double g, double gs,
                         const qs_semiclassical_point *pt)
{
  double ax = creal(pt->alpha), ay = cimag(pt->alpha), a2 = ax * ax + ay * ay;
  double bx = pt->bloch[0][0], by = pt->bloch[0][1], bz = pt->bloch[0][2];
  double s0 = 2.0 * (F * F + 2.0 * F * ax * wr + a2 * wr * wr) + 2.0 * F * ay * g + g * g * a2 / 2.0;
  double sl = 2.0 * (F * bx + (ax * bx - ay * by) * (wr - bz * Wr)) + g * (ay * bx + ax * by)
              + 0.5 * (4.0 * bz * bz * a2 + (4.0 * ax * ax + 1.0) * by * by
                       + 8.0 * ax * ay * bx * by + (4.0 * ay * ay + 1.0) * bx * bx
                       + (bz + 1.0) * (bz + 1.0));
  double sg = gs * gs * (bx * bx + by * by + 4.0 * (1.0 + bz) * (1.0 + bz)) / 8.0
              - gs * (ay * bx + ax * by) * (2.0 + bz);
  return (1.0 + bx * bx + by * by + bz * bz) / 2.0 * s0 + Wr * Wr * (bx * bx + by * by) / 2.0
         + sl + sg;
}

static void test_paper_one_qubit(void)
{
  unsigned long long st = 2024;
  for (int k = 0; k < 20; k++) {
    double domega = draw(&st, -3, 3), F = draw(&st, 0, 3), gamma = draw(&st, 0, 2),
           gamma_s = draw(&st, 0, 2), delta = draw(&st, -3, 3);
    qs_semiclassical_problem p = cavity_problem(1, domega, F, gamma, gamma_s, &delta);
    qs_semiclassical_point pt;
    random_point(&st, 1, 2.0, &pt);
    double ref = paper_eq38(-domega, delta - domega, F, gamma, gamma_s, &pt);
    CU_ASSERT(fabs(qs_semiclassical_functional(&p, &pt, NULL) - ref) <= 1e-12 * (1 + ref));
  }
}

/* Analytic gradient against central differences (step 1e-6: truncation
 * error ~1e-12 S''', rounding ~1e-16 S / 1e-6), general complex couplings
 * and drive, N = 0..4, inside the ball and on its boundary. */
static void test_gradient(void)
{
  unsigned long long st = 777;
  for (int nq = 0; nq <= 4; nq++)
    for (int trial = 0; trial < 4; trial++) {
      qs_semiclassical_problem p;
      memset(&p, 0, sizeof p);
      p.n_spins = nq;
      p.cavity_frequency = draw(&st, -2, 2);
      p.drive = draw(&st, -1, 1) + I * draw(&st, -1, 1);
      p.cavity_loss = draw(&st, 0, 1);
      for (int l = 0; l < nq; l++) {
        p.spin_frequency[l] = draw(&st, -2, 2);
        p.coupling[l] = draw(&st, -1, 1) + I * draw(&st, -1, 1);
        p.spin_loss[l] = draw(&st, 0, 1);
      }
      qs_semiclassical_point pt, g;
      random_point(&st, nq, 1.5, &pt);
      if (trial == 3 && nq > 0) { /* a pure state */
        double *b = pt.bloch[0], nb = sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
        for (int i = 0; i < 3; i++)
          b[i] /= nb;
      }
      double S = qs_semiclassical_functional(&p, &pt, &g);
      const double h = 1e-6;
      double tol = 1e-7 * (1.0 + S);
      qs_semiclassical_point a = pt, b = pt;
      a.alpha += h, b.alpha -= h;
      double fd = (qs_semiclassical_functional(&p, &a, NULL)
                   - qs_semiclassical_functional(&p, &b, NULL)) / (2 * h);
      CU_ASSERT(fabs(fd - creal(g.alpha)) < tol);
      a = pt, b = pt;
      a.alpha += I * h, b.alpha -= I * h;
      fd = (qs_semiclassical_functional(&p, &a, NULL)
            - qs_semiclassical_functional(&p, &b, NULL)) / (2 * h);
      CU_ASSERT(fabs(fd - cimag(g.alpha)) < tol);
      for (int l = 0; l < nq; l++)
        for (int i = 0; i < 3; i++) {
          a = pt, b = pt;
          a.bloch[l][i] += h, b.bloch[l][i] -= h;
          fd = (qs_semiclassical_functional(&p, &a, NULL)
                - qs_semiclassical_functional(&p, &b, NULL)) / (2 * h);
          CU_ASSERT(fabs(fd - g.bloch[l][i]) < tol);
        }
    }
}

/* The reader refuses what the functional does not describe. */
static void test_model_reader_refusals(void)
{
  char msg[256] = "";
  qs_semiclassical_problem p;
  const char *lab_keys[] = {"nqubits", "frame", NULL};
  const double lab_vals[] = {1, 1};
  qs_model *m = test_cavity(lab_keys, lab_vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_EQUAL(qs_semiclassical_problem_from_model(m, &p, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "time-dependent"));
  qs_model_destroy(&m);
  const char *disp_keys[] = {"nqubits", "displace", NULL};
  const double disp_vals[] = {1, 1};
  m = test_cavity(disp_keys, disp_vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_EQUAL(qs_semiclassical_problem_from_model(m, &p, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "Hamiltonian"));
  qs_model_destroy(&m);
  m = test_qubit_osc(NULL, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_EQUAL(qs_semiclassical_problem_from_model(m, &p, msg, sizeof msg), QS_ERR_INVALID);
  qs_model_destroy(&m);
  qs_semiclassical_problem ok = cavity_problem(0, 0.0, 1.0, 1.0, 0.0, NULL);
  qs_semiclassical_options o = qs_semiclassical_default_options();
  qs_semiclassical_result r;
  o.starts = 0;
  CU_ASSERT_EQUAL(qs_semiclassical_minimize(&ok, &o, &r, msg, sizeof msg), QS_ERR_INVALID);
  o = qs_semiclassical_default_options();
  ok.cavity_loss = -1.0;
  CU_ASSERT_EQUAL(qs_semiclassical_minimize(&ok, &o, &r, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT(isnan(qs_semiclassical_error_bound(1.0, 0.0)));
  CU_ASSERT(isnan(qs_semiclassical_error_bound(1.0, INFINITY)));
  CU_ASSERT(fabs(qs_semiclassical_error_bound(1.0, 5.0) - 0.2) < 1e-15);
}

/* S at pt + h e_i + k e_j over the 2 + 3N real coordinates. */
static double shifted(const qs_semiclassical_problem *p, const qs_semiclassical_point *pt,
                      int i, double hi, int j, double hj)
{
  qs_semiclassical_point q = *pt;
  double *coord[2 + 3 * QS_SEMICLASSICAL_MAX_SPINS];
  double re = creal(q.alpha), im = cimag(q.alpha);
  coord[0] = &re, coord[1] = &im;
  for (int l = 0; l < p->n_spins; l++)
    for (int c = 0; c < 3; c++)
      coord[2 + 3 * l + c] = &q.bloch[l][c];
  *coord[i] += hi;
  *coord[j] += hj;
  q.alpha = re + I * im;
  return qs_semiclassical_functional(p, &q, NULL);
}

/* 1 when pt is a strict local minimum of S, checked without the library's
 * gradient: central-difference gradient ~ 0 and a central-difference
 * Hessian that Cholesky accepts (b inside the ball). */
static int is_local_minimum(const qs_semiclassical_problem *p, const qs_semiclassical_point *pt)
{
  const int n = 2 + 3 * p->n_spins;
  const double h = 1e-4;
  double H[(2 + 3 * 3) * (2 + 3 * 3)];
  for (int l = 0; l < p->n_spins; l++) {
    const double *b = pt->bloch[l];
    if (b[0] * b[0] + b[1] * b[1] + b[2] * b[2] > 1.0 - 1e-6)
      return 0;
  }
  double S0 = qs_semiclassical_functional(p, pt, NULL);
  for (int i = 0; i < n; i++) {
    double gi = (shifted(p, pt, i, h, i, 0) - shifted(p, pt, i, -h, i, 0)) / (2 * h);
    if (fabs(gi) > 1e-6)
      return 0;
    for (int j = 0; j < n; j++)
      H[i + n * j] = i == j ? (shifted(p, pt, i, h, i, 0) - 2 * S0 + shifted(p, pt, i, -h, i, 0)) / (h * h)
                            : (shifted(p, pt, i, h, j, h) - shifted(p, pt, i, h, j, -h)
                               - shifted(p, pt, i, -h, j, h) + shifted(p, pt, i, -h, j, -h))
                                  / (4 * h * h);
  }
  for (int k = 0; k < n; k++) { /* Cholesky in place: fails unless positive definite */
    for (int m = 0; m < k; m++)
      H[k + n * k] -= H[k + n * m] * H[k + n * m];
    if (!(H[k + n * k] > 1e-8))
      return 0;
    H[k + n * k] = sqrt(H[k + n * k]);
    for (int i = k + 1; i < n; i++) {
      for (int m = 0; m < k; m++)
        H[i + n * k] -= H[i + n * m] * H[k + n * m];
      H[i + n * k] /= H[k + n * k];
    }
  }
  return 1;
}

/* A bistable point: one qubit at the parameters of the paper's Fig. 11
 * (Delta_1 = lambda, gamma = gamma_s = 0.2 lambda, F = 0.77 lambda), whose
 * Fig. A5 names semiclassical bistability in that figure's range; at
 * domega = 0.6 lambda two minima with opposite <S_x> exist.  Each reported
 * minimum is checked independently (difference gradient and Hessian), and
 * they are distinct. */
static void test_bistable_point(void)
{
  const double delta = 1.0;
  qs_semiclassical_problem p = cavity_problem(1, 0.6, 0.77, 0.2, 0.2, &delta);
  qs_semiclassical_result r;
  char msg[256] = "";
  CU_ASSERT_EQUAL_FATAL(qs_semiclassical_minimize(&p, NULL, &r, msg, sizeof msg), QS_OK);
  CU_ASSERT_FATAL(r.n_minima >= 2);
  int hits = 0;
  for (int m = 0; m < r.n_minima; m++) {
    CU_ASSERT(is_local_minimum(&p, &r.minima[m].point));
    CU_ASSERT(r.minima[m].grad_norm < 1e-6);
    CU_ASSERT(fabs(r.minima[m].epsilon - sqrt(r.minima[m].S)) < 1e-15);
    hits += r.minima[m].hits;
    if (m > 0)
      CU_ASSERT(r.minima[m].S >= r.minima[m - 1].S);
  }
  CU_ASSERT_EQUAL(hits, r.n_starts);
  /* opposite synchronisation: the two lowest minima's b_x differ in sign */
  CU_ASSERT(r.minima[0].point.bloch[0][0] * r.minima[1].point.bloch[0][0] < 0.0);
  qs_semiclassical_result_free(&r);
}

/* Strong damping (the regime of the paper's Fig. 5: gamma = gamma_s =
 * 2 lambda, two qubits with Delta = 2, -1, F = lambda), where the paper
 * finds the semiclassical state almost exact: the lowest minimum's <a>,
 * S_x, S_z against the exact steady state (sparse LU, 14 levels: Poisson weight of
 * n >= 14 at <n> = 0.4 below 1e-15) within Appendix A.3's scale eps / gap (gap.h). */
static void test_strong_damping_vs_exact(void)
{
  const double delta[2] = {2.0, -1.0};
  qs_model *m = cavity_model(2, 14, 0.5, 1.0, 2.0, 2.0, delta);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  qs_semiclassical_problem p;
  char msg[256] = "";
  CU_ASSERT_EQUAL_FATAL(qs_semiclassical_problem_from_model(m, &p, msg, sizeof msg), QS_OK);
  qs_semiclassical_result r;
  CU_ASSERT_EQUAL_FATAL(qs_semiclassical_minimize(&p, NULL, &r, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL_FATAL(r.n_minima, 1);
  qs_index n = m->space.total;
  double complex *rho = malloc((size_t)(n * n) * sizeof *rho);
  double residual;
  CU_ASSERT_EQUAL_FATAL(qs_steady_state(m, QS_STEADY_SPARSE_LU, rho, &residual), QS_OK);
  qs_gap_result g;
  CU_ASSERT_EQUAL_FATAL(qs_liouvillian_gap(m, NULL, &g, msg, sizeof msg), QS_OK);
  double bound = qs_semiclassical_error_bound(r.minima[0].epsilon, g.gap);
  CU_ASSERT(bound > 0.0 && bound < 0.5);
  qs_semiclassical_observables ob;
  qs_semiclassical_observables_of(&p, &r.minima[0].point, &ob);
  double complex a = qs_op_trace_with(m->obs[qs_model_obs_index(m, "a")], rho);
  double sx = creal(qs_op_trace_with(m->obs[qs_model_obs_index(m, "Sx")], rho));
  double sz = creal(qs_op_trace_with(m->obs[qs_model_obs_index(m, "Sz")], rho));
  CU_ASSERT(cabs(ob.a - a) < bound);
  CU_ASSERT(fabs(ob.total[0] - sx) < bound);
  CU_ASSERT(fabs(ob.total[2] - sz) < bound);
  free(rho);
  qs_semiclassical_result_free(&r);
  qs_model_destroy(&m);
}

int qs_test_register_semiclassical(void)
{
  static const test_case cases[] = {
    {"closed form = sparse Liouvillian on the trial state", test_closed_form_vs_liouvillian},
    {"empty cavity: Eq. 35 and Eq. 36", test_empty_cavity},
    {"one qubit: Eqs. 38-40", test_paper_one_qubit},
    {"gradient against central differences", test_gradient},
    {"model reader and option refusals", test_model_reader_refusals},
    {"bistable point: two verified minima", test_bistable_point},
    {"strong damping: the exact steady state within eps/gap", test_strong_damping_vs_exact},
  };
  return test_add_suite("semiclassical", cases, (int)(sizeof cases / sizeof cases[0]));
}
