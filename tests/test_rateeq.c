/* The rate-equation series (R) and (R)* (rateeq.h): zeroth orders in
 * closed form, agreement with the exact steady state within the bound the
 * reported residual gives, order-by-order decrease, degenerate levels,
 * (R)* against (R) at the paper's Fig. 3 and 4 parameters, the steady-state
 * integration and the error paths. */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "qsync/rateeq.h"
#include "test_util.h"

static double complex expect(const qs_model *m, const char *name, const double complex *rho)
{
  int k = qs_model_obs_index(m, name);
  CU_ASSERT_FATAL(k >= 0);
  return qs_op_trace_with(m->obs[k], rho);
}

static double frobenius_diff(long n, const double complex *a, const double complex *b)
{
  double s = 0.0;
  for (long i = 0; i < n; i++)
    s += creal((a[i] - b[i]) * conj(a[i] - b[i]));
  return sqrt(s);
}

static double frobenius(long n, const double complex *a)
{
  double s = 0.0;
  for (long i = 0; i < n; i++)
    s += creal(a[i] * conj(a[i]));
  return sqrt(s);
}

/* Single driven damped qubit, H = delta Sz + eps Sx, c = sqrt(gamma) S-,
 * sqrt(w) S+.  Eigenstates |+-> along n = (sin t, 0, cos t), tan t =
 * eps / delta, with energies +-Omega/2.  In that basis |<-|S-|+>|^2 =
 * cos^4(t/2), |<-|S+|+>|^2 = sin^4(t/2) (and the reverse for - -> +), so
 * Eq. 21 gives the rates
 *   + -> -: gamma cos^4(t/2) + w sin^4(t/2),  - -> +: gamma sin^4(t/2) + w cos^4(t/2),
 * P+ = rate(- -> +) / (sum of both), and rho_0 = P+ |+><+| + P- |-><-| has
 * <Sz> = (P+ - P-) cos(t)/2 and <S+> = <Sx> = (P+ - P-) sin(t)/2.  In
 * qubit_osc with g = 0 spin B (H_B = (delta + delta_q) Sz, undriven) is
 * independent: P(up) = w_B / (w_B + gamma_B).  The rates need not be small
 * for the zeroth order. */
static void test_zeroth_order_qubit(void)
{
  const double delta = 1.0, eps = 0.7, wa = 0.4, ga = 0.6, wb = 0.75, gb = 0.25;
  const char *keys[] = {"g", "delta_d", "delta_q", "eps", "w_A", "gamma_A", "w_B", "gamma_B",
                        NULL};
  const double vals[] = {0.0, delta, 1.5, eps, wa, ga, wb, gb};
  qs_model *m = test_qubit_osc(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  const double t = atan2(eps, delta), c4 = pow(cos(t / 2), 4), s4 = pow(sin(t / 2), 4);
  const double up = ga * s4 + wa * c4, down = ga * c4 + wa * s4;
  const double pol = (up - down) / (up + down); /* P+ - P- */
  qs_rateeq_options o = qs_rateeq_default_options();
  o.max_order = 0;
  for (int star = 0; star <= 1; star++) {
    double complex rho[16];
    qs_rateeq_result r;
    CU_ASSERT_EQUAL_FATAL(qs_rate_series(m, star, &o, rho, &r, NULL, 0), QS_OK);
    CU_ASSERT_EQUAL(r.order, 0);
    CU_ASSERT_EQUAL(r.degenerate_pairs, 0);
    CU_ASSERT(cabs(expect(m, "Sz_A", rho) - pol * cos(t) / 2) < 1e-12);
    CU_ASSERT(cabs(expect(m, "Sp_A", rho) - pol * sin(t) / 2) < 1e-12);
    CU_ASSERT(cabs(expect(m, "Sz_B", rho) - (wb - gb) / (wb + gb) / 2) < 1e-12);
    CU_ASSERT(cabs(expect(m, "Sp_B", rho)) < 1e-12);
    /* strong damping (rates ~ splittings): rho_0 is far from steady */
    CU_ASSERT(!r.converged && r.residual > 1e-3);
  }
  qs_model_destroy(&m);
}

/* Empty driven cavity, H = -domega a^dag a + F (a + a^dag)
 * = -domega (a^dag - b)(a - b) + const with b = F / domega: the
 * eigenstates are displaced number states D(b)|n>, energies -domega n, and
 * D^dag a D = a + b, so sqrt(gamma) a only connects n -> n - 1 (rate
 * gamma n).  The rate matrix's null vector is all population in n = 0:
 * rho_0 = |b><b|, whatever gamma.  The exact steady state is |alpha>,
 * alpha = -i F / (gamma/2 - i domega) (Eq. 36), which the series must sum
 * to at small gamma. */
static void coherent(int n, double complex amp, double complex *rho)
{
  double complex psi[64];
  psi[0] = cexp(-0.5 * creal(amp * conj(amp)));
  for (int k = 1; k < n; k++)
    psi[k] = psi[k - 1] * amp / sqrt((double)k);
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++)
      rho[i + j * n] = psi[i] * conj(psi[j]);
}

static void test_empty_cavity(void)
{
  const double F = 0.5, domega = -1.0, gamma = 0.01;
  const int n = 40;
  const char *keys[] = {"nqubits", "ncav", "F", "gamma", "domega", NULL};
  const double vals[] = {0, n, F, gamma, domega};
  qs_model *m = test_cavity(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  double complex *rho = malloc((size_t)n * n * sizeof *rho);
  double complex *ref = malloc((size_t)n * n * sizeof *ref);
  qs_rateeq_options o = qs_rateeq_default_options();
  o.max_order = 0;
  qs_rateeq_result r;
  for (int star = 0; star <= 1; star++) {
    CU_ASSERT_EQUAL_FATAL(qs_rate_series(m, star, &o, rho, &r, NULL, 0), QS_OK);
    coherent(n, F / domega, ref);
    CU_ASSERT(test_max_diff(rho, ref, (long)n * n) < 1e-10);
    CU_ASSERT(fabs(r.min_splitting - fabs(domega)) < 1e-9); /* spacing |domega| */
  }
  o = qs_rateeq_default_options();
  o.tol = 1e-12;
  for (int star = 0; star <= 1; star++) {
    CU_ASSERT_EQUAL_FATAL(qs_rate_series(m, star, &o, rho, &r, NULL, 0), QS_OK);
    CU_ASSERT(r.converged && r.outcome == QS_RATEEQ_CONVERGED && r.residual <= 1e-12);
    CU_ASSERT(r.order >= 1);
    coherent(n, -I * F / (gamma / 2 - I * domega), ref);
    CU_ASSERT(test_max_diff(rho, ref, (long)n * n) < 1e-10);
  }
  free(rho);
  free(ref);
  qs_model_destroy(&m);
}

/* Smallest singular value of L on the traceless matrices T.  For trace-1
 * matrices rho_s and rho_ex with L rho_ex = 0, delta = rho_s - rho_ex lies
 * in T, L maps T into T, and ||L delta|| >= sigma ||delta||, so
 *   ||rho_s - rho_ex||_F <= ||L rho_s||_F / sigma
 *                         = residual ||rho_s||_F / sigma.
 * sigma is the second smallest singular value of L P, P = 1 - v v^dag,
 * v = vec(I)/sqrt(N) (P v = 0 adds one zero singular value; the others
 * are those of L restricted to T = v's orthogonal complement). */
static double traceless_sigma_min(const qs_model *m)
{
  qs_op *L = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_liouvillian_build(m, &L), QS_OK);
  const int n = (int)m->space.total, n2 = n * n;
  double complex *Ld = malloc((size_t)n2 * n2 * sizeof *Ld);
  double complex *LP = malloc((size_t)n2 * n2 * sizeof *LP);
  double *sv = malloc((size_t)n2 * sizeof *sv), *superb = malloc((size_t)n2 * sizeof *sv);
  qs_op_to_dense(L, Ld);
  /* (L P)_ij = L_ij - (sum_{k diag} L_ik) v_j / sqrt(N), v_j = [j diagonal] */
  for (int i = 0; i < n2; i++) {
    double complex rowsum = 0.0;
    for (int k = 0; k < n; k++)
      rowsum += Ld[i + (size_t)(k + k * n) * n2];
    for (int j = 0; j < n2; j++) {
      int diag = j % (n + 1) == 0;
      LP[i + (size_t)j * n2] = Ld[i + (size_t)j * n2] - (diag ? rowsum / n : 0.0);
    }
  }
  CU_ASSERT_EQUAL_FATAL(LAPACKE_zgesvd(LAPACK_COL_MAJOR, 'N', 'N', n2, n2, LP, n2, sv, NULL,
                                       1, NULL, 1, superb),
                        0);
  double sigma = sv[n2 - 2]; /* descending; sv[n2 - 1] ~ 0 from P */
  CU_ASSERT(sv[n2 - 1] < 1e-12 * sv[0]);
  free(Ld);
  free(LP);
  free(sv);
  free(superb);
  qs_op_destroy(&L);
  return sigma;
}

typedef struct {
  const double complex *exact;
  long nn;
  double sigma;
  int checked, violations;
} bound_check;

static void check_order(int order, double residual, const double complex *rho, void *data)
{
  bound_check *b = data;
  (void)order;
  double err = frobenius_diff(b->nn, rho, b->exact);
  /* 1e-12: the exact solver's own error and rounding of rho */
  if (!(err <= residual * frobenius(b->nn, rho) / b->sigma * (1 + 1e-6) + 1e-12))
    b->violations++;
  b->checked++;
}

/* One qubit in a cavity at weak damping (gamma = gamma_s = 0.01 << the
 * level spacings): at every order, the partial sum is within the bound
 * residual * ||rho|| / sigma of the exact (dense LU) steady state; the
 * series converges; and the residual falls order by order until it
 * reaches the rounding floor (here the ratio of successive terms is about
 * gamma / min splitting < 1). */
static void test_agrees_within_residual(void)
{
  const char *keys[] = {"nqubits", "ncav", "F", "gamma", "gamma_s", "domega", NULL};
  const double vals[] = {1, 6, 0.3, 0.01, 0.01, -0.7};
  qs_model *m = test_cavity(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  const int n = (int)m->space.total;
  const long nn = (long)n * n;
  double complex *exact = malloc((size_t)nn * sizeof *exact);
  double complex *rho = malloc((size_t)nn * sizeof *rho);
  CU_ASSERT_EQUAL_FATAL(qs_steady_state(m, QS_STEADY_DENSE, exact, NULL), QS_OK);
  bound_check b = {exact, nn, traceless_sigma_min(m), 0, 0};
  for (int star = 0; star <= 1; star++) {
    qs_rateeq_options o = qs_rateeq_default_options();
    o.max_order = 20;
    o.each_order = check_order;
    o.each_order_data = &b;
    double res[21];
    int n_orders = 0;
    qs_rateeq_result r;
    b.checked = b.violations = 0;
    CU_ASSERT_EQUAL_FATAL(
        qs_rate_series_residuals(m, star, &o, res, &n_orders, rho, &r, NULL, 0), QS_OK);
    CU_ASSERT_EQUAL(n_orders, 21);
    CU_ASSERT_EQUAL(b.checked, 21);
    CU_ASSERT_EQUAL(b.violations, 0);
    CU_ASSERT(r.converged);
    CU_ASSERT(frobenius_diff(nn, rho, exact) <=
              r.residual * frobenius(nn, rho) / b.sigma * (1 + 1e-6) + 1e-12);
    CU_ASSERT(r.min_splitting > 10 * 0.01);
    int j = 1;
    for (; j < n_orders && res[j - 1] > 1e-13; j++)
      CU_ASSERT(res[j] < 0.5 * res[j - 1]);
    CU_ASSERT(j >= 3); /* the test checked several orders */
  }
  free(exact);
  free(rho);
  qs_model_destroy(&m);
}

/* Two undriven, uncoupled spins (qubit_osc, g = 0, eps = 0, delta_q =
 * 1e-12): levels delta + dq/2, dq/2, -dq/2, -delta - dq/2 with |up,down>
 * and |down,up> split by 1e-12 only, where the paper's (R) divides by
 * (nearly) zero.  Grouped into one block (2 pairs), the series still sums
 * to the exact steady state. */
static void test_degenerate_levels(void)
{
  const char *keys[] = {"g", "eps", "delta_d", "delta_q", "w_A", "gamma_A", "w_B", "gamma_B",
                        NULL};
  const double vals[] = {0.0, 0.0, 1.0, 1e-12, 0.004, 0.006, 0.0075, 0.0025};
  qs_model *m = test_qubit_osc(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  double complex rho[16], exact[16];
  CU_ASSERT_EQUAL_FATAL(qs_steady_state(m, QS_STEADY_DENSE, exact, NULL), QS_OK);
  for (int star = 0; star <= 1; star++) {
    qs_rateeq_result r;
    CU_ASSERT_EQUAL_FATAL(qs_rate_series(m, star, NULL, rho, &r, NULL, 0), QS_OK);
    CU_ASSERT_EQUAL(r.degenerate_pairs, 2);
    CU_ASSERT(fabs(r.min_splitting - 1.0) < 1e-12);
    CU_ASSERT(r.converged);
    CU_ASSERT(test_max_diff(rho, exact, 16) < 1e-9);
  }
  qs_model_destroy(&m);
}

/* First order against the definition, computed independently: with the
 * eigenvectors v_n of H (zheev here) and the dense Liouvillian, the pair
 * |n><m| has vec = conj(v_m) kron v_n and <nm| L |nm> = -i (e_n - e_m) +
 * D_nm (Eq. 28).  Eq. 22 gives the order-1 coherences
 *   (rho_1)_nm = -(L rho_0)_nm / d_nm,  d_nm = -i (e_n - e_m) for (R),
 *   d_nm = <nm| L |nm> for (R)* (Eqs. 29-30),
 * and rho_0 is diagonal, so the off-diagonal part of S_1 in the eigenbasis
 * is rho_1's. */
typedef struct {
  int n;
  double complex *s0, *s1;
} first_orders;

static void keep_first_orders(int order, double residual, const double complex *rho,
                              void *data)
{
  first_orders *f = data;
  (void)residual;
  if (order <= 1)
    memcpy(order == 0 ? f->s0 : f->s1, rho, (size_t)f->n * f->n * sizeof *rho);
}

/* out = V^dag X V for n x n matrices (plain loops). */
static void to_eigenbasis(int n, const double complex *V, const double complex *X,
                          double complex *out)
{
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++) {
      double complex s = 0.0;
      for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
          s += conj(V[a + i * n]) * X[a + b * n] * V[b + j * n];
      out[i + j * n] = s;
    }
}

/* The check on one model (dimension n <= 8). */
static void check_first_order(qs_model *m)
{
  enum { NMAX = 8 };
  const int n = (int)m->space.total, n2 = n * n;
  CU_ASSERT_FATAL(n <= NMAX);
  double complex V[NMAX * NMAX], s0[NMAX * NMAX], s1[NMAX * NMAX], l0[NMAX * NMAX],
      e0[NMAX * NMAX], e1[NMAX * NMAX], le[NMAX * NMAX], rho[NMAX * NMAX];
  double complex pair[NMAX * NMAX], lpair[NMAX * NMAX];
  double e[NMAX];
  qs_op_to_dense(m->H, V);
  CU_ASSERT_EQUAL_FATAL(LAPACKE_zheev(LAPACK_COL_MAJOR, 'V', 'U', n, V, n, e), 0);
  qs_op *L = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_liouvillian_build(m, &L), QS_OK);
  for (int star = 0; star <= 1; star++) {
    first_orders f = {n, s0, s1};
    qs_rateeq_options o = qs_rateeq_default_options();
    o.max_order = 1;
    o.all_orders = 1;
    o.each_order = keep_first_orders;
    o.each_order_data = &f;
    CU_ASSERT_EQUAL_FATAL(qs_rate_series(m, star, &o, rho, NULL, NULL, 0), QS_OK);
    qs_op_apply(L, s0, l0);
    to_eigenbasis(n, V, s0, e0);
    to_eigenbasis(n, V, s1, e1);
    to_eigenbasis(n, V, l0, le);
    for (int mm = 0; mm < n; mm++)
      for (int nn = 0; nn < n; nn++) {
        if (nn == mm)
          continue;
        CU_ASSERT(cabs(e0[nn + mm * n]) < 1e-13); /* rho_0 diagonal */
        double complex d = -I * (e[nn] - e[mm]);
        for (int j = 0; j < n; j++)
          for (int i = 0; i < n; i++)
            pair[i + j * n] = V[i + nn * n] * conj(V[j + mm * n]);
        if (star) {
          qs_op_apply(L, pair, lpair);
          d = 0.0;
          for (int i = 0; i < n2; i++)
            d += conj(pair[i]) * lpair[i];
        }
        CU_ASSERT(cabs(e1[nn + mm * n] + le[nn + mm * n] / d) < 1e-12);
      }
  }
  qs_op_destroy(&L);
}

/* Two coupled driven spins (real H) and a displaced cavity with a qubit
 * (complex H: the drive alpha0 s+ + h.c. with complex alpha0, so the
 * <n|c|n> of Eq. 28 are complex). */
static void test_first_order_coherences(void)
{
  const char *keys[] = {"g", "delta_d", "delta_q", "eps", NULL};
  const double vals[] = {0.3, 1.0, 0.5, 0.4};
  qs_model *m = test_qubit_osc(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  check_first_order(m);
  qs_model_destroy(&m);
  const char *ckeys[] = {"nqubits", "ncav", "displace", "F", "gamma", "gamma_s", "domega",
                         NULL};
  const double cvals[] = {1, 4, 1, 0.7, 0.3, 0.2, -0.8};
  m = test_cavity(ckeys, cvals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  check_first_order(m);
  qs_model_destroy(&m);
}

/* Paper Section 4, Fig. 3 (F = lambda, Delta = 2 lambda, gamma = gamma_s =
 * 0.3 lambda, one qubit): "(R) ... fails to converge" over most of the
 * range, while "(R)* reproduces multiphoton resonance accurately" except
 * close to the cavity resonance; at (omega - omega0)/lambda = -1.5 (between
 * the k = 1 and k = 2 multiphoton resonances omega_r = Delta / k) (R)*
 * must converge and be at least as close to the exact state as (R).
 * Fig. 4 (gamma = gamma_s = 0.005 lambda, F = 0.2 lambda): "the rate
 * equation series (R) ... converges", and so must (R)*.  ncav = 30 holds
 * the cavity (|alpha| ~ F / |omega_r| < 1). */
static void test_fig3_fig4_star_vs_plain(void)
{
  const char *keys[] = {"nqubits", "ncav", "F", "gamma", "gamma_s", "domega", "delta_1", NULL};
  const double fig3[] = {1, 30, 1.0, 0.3, 0.3, -1.5, 2.0};
  const double fig4[] = {1, 30, 0.2, 0.005, 0.005, -1.5, 2.0};
  const double *cases[2] = {fig3, fig4};
  for (int c = 0; c < 2; c++) {
    qs_model *m = test_cavity(keys, cases[c]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    const long nn = (long)m->space.total * m->space.total;
    double complex *exact = malloc((size_t)nn * sizeof *exact);
    double complex *plain = malloc((size_t)nn * sizeof *plain);
    double complex *star = malloc((size_t)nn * sizeof *star);
    CU_ASSERT_EQUAL_FATAL(qs_steady_state(m, QS_STEADY_SPARSE_LU, exact, NULL), QS_OK);
    qs_rateeq_result rp, rs;
    CU_ASSERT_EQUAL_FATAL(qs_rate_series(m, 0, NULL, plain, &rp, NULL, 0), QS_OK);
    CU_ASSERT_EQUAL_FATAL(qs_rate_series(m, 1, NULL, star, &rs, NULL, 0), QS_OK);
    CU_ASSERT(rs.converged);
    CU_ASSERT(rs.residual <= rp.residual);
    double dp = frobenius_diff(nn, plain, exact), ds = frobenius_diff(nn, star, exact);
    CU_ASSERT(ds <= dp || ds < 1e-10);
    if (c == 0)
      CU_ASSERT(!rp.converged && rp.outcome == QS_RATEEQ_DIVERGED);
    if (c == 1)
      CU_ASSERT(rp.converged);
    free(exact);
    free(plain);
    free(star);
    qs_model_destroy(&m);
  }
}

/* [steady] method = rate_series / rate_series_star through the steady-state
 * API: the info reports order, residual and convergence. */
static void test_steady_methods(void)
{
  CU_ASSERT_EQUAL(qs_steady_method_parse("rate_series"), QS_STEADY_RATE_SERIES);
  CU_ASSERT_EQUAL(qs_steady_method_parse("RATE_SERIES_STAR"), QS_STEADY_RATE_SERIES_STAR);
  CU_ASSERT_STRING_EQUAL(qs_steady_method_name(QS_STEADY_RATE_SERIES_STAR), "rate_series_star");
  const char *keys[] = {"nqubits", "ncav", "F", "gamma", "gamma_s", "domega", NULL};
  const double vals[] = {1, 6, 0.3, 0.01, 0.01, -0.7};
  qs_model *m = test_cavity(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  double complex rho[144], exact[144];
  CU_ASSERT_EQUAL_FATAL(qs_steady_state(m, QS_STEADY_DENSE, exact, NULL), QS_OK);
  qs_steady_options o = qs_steady_default_options();
  qs_steady_info info;
  o.method = QS_STEADY_RATE_SERIES_STAR;
  CU_ASSERT_EQUAL_FATAL(qs_steady_state_ex(m, &o, rho, &info, NULL, 0), QS_OK);
  CU_ASSERT_EQUAL(info.method, QS_STEADY_RATE_SERIES_STAR);
  CU_ASSERT(info.converged == 1 && info.order >= 1 && info.residual <= o.tol);
  CU_ASSERT(test_max_diff(rho, exact, 144) < 1e-7);
  /* max order 0: the populations only, not converged, still QS_OK */
  o.method = QS_STEADY_RATE_SERIES;
  o.series_max_order = 0;
  CU_ASSERT_EQUAL_FATAL(qs_steady_state_ex(m, &o, rho, &info, NULL, 0), QS_OK);
  CU_ASSERT(info.converged == 0 && info.order == 0 && info.residual > o.tol);
  /* the exact methods report convergence too */
  o.method = QS_STEADY_DENSE;
  CU_ASSERT_EQUAL_FATAL(qs_steady_state_ex(m, &o, rho, &info, NULL, 0), QS_OK);
  CU_ASSERT(info.converged == 1 && info.order == 0);
  qs_model_destroy(&m);
}

static void test_errors(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  double complex rho[16];
  double res[4];
  char msg[256] = "";
  qs_rateeq_options o = qs_rateeq_default_options();
  CU_ASSERT_EQUAL(qs_rate_series(NULL, 0, NULL, rho, NULL, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT(strstr(msg, "NULL") != NULL);
  CU_ASSERT_EQUAL(qs_rate_series(m, 0, NULL, NULL, NULL, NULL, 0), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_rate_series(m, 2, NULL, rho, NULL, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT(strstr(msg, "star = 2") != NULL);
  o.max_order = -1;
  CU_ASSERT_EQUAL(qs_rate_series(m, 0, &o, rho, NULL, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT(strstr(msg, "max_order -1") != NULL);
  o = qs_rateeq_default_options();
  o.tol = 0.0;
  CU_ASSERT_EQUAL(qs_rate_series(m, 0, &o, rho, NULL, NULL, 0), QS_ERR_INVALID);
  o = qs_rateeq_default_options();
  o.degeneracy_tol = -1.0;
  CU_ASSERT_EQUAL(qs_rate_series(m, 1, &o, rho, NULL, NULL, 0), QS_ERR_INVALID);
  o = qs_rateeq_default_options();
  o.max_order = 3;
  CU_ASSERT_EQUAL(qs_rate_series_residuals(m, 0, &o, NULL, NULL, rho, NULL, NULL, 0),
                  QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_rate_series_residuals(m, 0, &o, res, NULL, NULL, NULL, NULL, 0), QS_OK);
  qs_model_destroy(&m);
  /* no damping at all: every population is stationary */
  const char *keys[] = {"w_A", "gamma_A", "w_B", "gamma_B", NULL};
  const double zero[] = {0, 0, 0, 0};
  m = test_qubit_osc(keys, zero);
  CU_ASSERT_EQUAL(qs_rate_series(m, 0, NULL, rho, NULL, msg, sizeof msg), QS_ERR_SINGULAR);
  CU_ASSERT(strstr(msg, "unique") != NULL);
  qs_model_destroy(&m);
  /* the lab frame is time dependent */
  const char *lab_keys[] = {"ncav", "frame", NULL};
  const double lab[] = {4, 1};
  m = test_cavity(lab_keys, lab);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_EQUAL(qs_rate_series(m, 0, NULL, rho, NULL, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT(strstr(msg, "time-dependent") != NULL);
  qs_model_destroy(&m);
  CU_ASSERT_STRING_EQUAL(qs_rateeq_outcome_name(QS_RATEEQ_MAX_ORDER), "max_order");
  CU_ASSERT_EQUAL(qs_rate_series_memory(NULL), -1.0);
}

int qs_test_register_rateeq(void)
{
  static const test_case cases[] = {
    {"zeroth order: driven damped qubit rate equation (closed form)", test_zeroth_order_qubit},
    {"empty cavity: rho_0 = |F/domega>, sum = |alpha> (Eq. 36)", test_empty_cavity},
    {"partial sums within residual/sigma of the exact state", test_agrees_within_residual},
    {"degenerate levels grouped into a block", test_degenerate_levels},
    {"first-order coherences (Eqs. 22, 28-30) from the dense Liouvillian",
     test_first_order_coherences},
    {"Figs. 3, 4: (R)* at least as accurate as (R)", test_fig3_fig4_star_vs_plain},
    {"steady-state methods rate_series, rate_series_star", test_steady_methods},
    {"error paths", test_errors},
  };
  return test_add_suite("rateeq", cases, (int)(sizeof cases / sizeof cases[0]));
}
