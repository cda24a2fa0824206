/* The Liouvillian gap (gap.h): closed forms of a damped cavity and of
 * decaying qubits, ARPACK against dense zgeev, the |Im| window, errors.
 *
 * Tolerances: ARPACK runs at tol 1e-12 on (L - sigma)^{-1}, so the
 * eigenvalues of L carry ~1e-12 |mu - sigma| <~ 1e-11 here; 1e-8 is the
 * issue's agreement criterion.  zgeev's eigenvalues are backward stable
 * (~1e-15 ||L||) and the Liouvillians below are far from defective near
 * the gap, so 1e-8 holds for the dense path as well. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qsync/gap.h"
#include "test_util.h"

/* The ordering gap.h documents: |Re| ascending, a tie (to 1e-9 relative)
 * broken by Im descending. */
static int before(double complex a, double complex b)
{
  double ra = fabs(creal(a)), rb = fabs(creal(b));
  if (fabs(ra - rb) > 1e-9 * fmax(ra, rb))
    return ra < rb;
  return cimag(a) > cimag(b);
}

static void sort_eigenvalues(double complex *mu, int n)
{
  for (int i = 1; i < n; i++) {
    double complex x = mu[i];
    int j = i;
    for (; j > 0 && before(x, mu[j - 1]); j--)
      mu[j] = mu[j - 1];
    mu[j] = x;
  }
}

static qs_status gap_with(const qs_model *m, qs_gap_method method, int nev, qs_gap_result *r)
{
  qs_gap_options o;
  qs_gap_options_default(&o);
  o.method = method;
  o.nev = nev;
  char msg[256] = "";
  qs_status st = qs_liouvillian_gap(m, &o, r, msg, sizeof msg);
  if (st != QS_OK)
    fprintf(stderr, "gap: %s\n", msg);
  return st;
}

/* r's first nev eigenvalues against the expected sorted list. */
static void assert_eigenvalues(const qs_gap_result *r, const double complex *expect, int nev,
                               double tol)
{
  CU_ASSERT_EQUAL_FATAL(r->nconv, nev);
  for (int i = 0; i < nev; i++) {
    CU_ASSERT(cabs(r->mu[i] - expect[i]) < tol);
    if (cabs(r->mu[i] - expect[i]) >= tol)
      fprintf(stderr, "  mu[%d] = %.12g%+.12gi, expected %.12g%+.12gi\n", i,
              creal(r->mu[i]), cimag(r->mu[i]), creal(expect[i]), cimag(expect[i]));
  }
  CU_ASSERT(fabs(r->gap - fabs(creal(expect[0]))) < tol);
  /* the next decay rate after mu[0]'s: its conjugate partner is skipped */
  int next = cimag(expect[0]) != 0.0 && cabs(expect[1] - conj(expect[0])) < 1e-12 ? 2 : 1;
  CU_ASSERT(fabs(r->ratio - fabs(creal(expect[next])) / fabs(creal(expect[0]))) < 1e-6);
}

/* Damped empty cavity, H = -domega a^dag a, c = sqrt(gamma) a, on levels
 * 0..ncav-1: L |n><m| = [i domega (n - m) - gamma (n + m)/2] |n><m| + (a
 * term lowering n + m), so L is triangular in n + m and its eigenvalues
 * are exactly -gamma (n + m)/2 + i domega (n - m) in the truncation too
 * (-i[H, |n><m|] = -i(-domega n + domega m)|n><m|).  The drive F only
 * displaces (displace = on removes it exactly); gap gamma/2 at Im = +-domega. */
static void test_damped_cavity(void)
{
  const double gamma = 0.5, domega = 0.7;
  const int ncav = 7, nev = 6;
  double complex expect[49];
  int n = 0;
  for (int a = 0; a < ncav; a++)
    for (int b = 0; b < ncav; b++)
      if (a + b > 0)
        expect[n++] = -gamma * (a + b) / 2 + I * domega * (a - b);
  sort_eigenvalues(expect, n);
  CU_ASSERT(cabs(expect[0] - (-gamma / 2 + I * domega)) < 1e-15);
  const double F[] = {0.0, 1.3};
  for (int c = 0; c < 2; c++) {
    const char *keys[] = {"nqubits", "ncav", "gamma", "domega", "F", "displace", NULL};
    const double vals[] = {0, ncav, gamma, domega, F[c], c};
    qs_model *m = test_cavity(keys, vals);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    for (int method = QS_GAP_DENSE; method <= QS_GAP_ARPACK_KRYLOV; method++) {
      qs_gap_result r;
      CU_ASSERT_EQUAL_FATAL(gap_with(m, (qs_gap_method)method, nev, &r), QS_OK);
      assert_eigenvalues(&r, expect, nev, 1e-8);
      CU_ASSERT(fabs(r.gap - gamma / 2) < 1e-8);
      CU_ASSERT(fabs(r.ratio - 2.0) < 1e-8); /* -gamma/2 +- i domega, then -gamma */
      if (method == QS_GAP_ARPACK) {
        CU_ASSERT_STRING_EQUAL(r.method, "arpack");
        CU_ASSERT(r.residual_max < 1e-8);
        CU_ASSERT(r.iterations >= 1);
        CU_ASSERT(fabs(r.sigma - 0.1 * gamma) < 1e-15); /* gap.h: a tenth of gamma */
      } else {
        CU_ASSERT_STRING_EQUAL(r.method, qs_gap_method_name((qs_gap_method)method));
      }
    }
    qs_model_destroy(&m);
  }
}

/* Two uncoupled, undriven spins 1/2 (qubit_osc, g = eps = 0): L = L_A + L_B
 * and its eigenvalues are sums of one spin's.  A spin with H = delta S^z,
 * loss gamma, gain w and dephasing sqrt(2 gamma_phi) S^z has eigenvalues
 * 0, -(w + gamma) (T1) and -(w + gamma)/2 - gamma_phi -+ i delta (T2: the
 * coherence |up><down| rotates as -i(E_up - E_down) = -i delta, and
 * D[sqrt(2 gamma_phi) S^z] multiplies it by 2 gamma_phi (-1/4 - 1/4)). */
static void spin_eigenvalues(double w, double gamma, double gphi, double delta,
                             double complex out[4])
{
  out[0] = 0;
  out[1] = -(w + gamma);
  out[2] = -(w + gamma) / 2 - gphi - I * delta;
  out[3] = -(w + gamma) / 2 - gphi + I * delta;
}

static void test_decaying_qubits(void)
{
  const double gA = 0.6, gB = 2.0, wB = 0.5, gphi = 0.05, dd = 0.3, dq = 0.9;
  const char *keys[] = {"w_A", "gamma_A", "w_B", "gamma_B", "g", "eps", "gamma_phi",
                        "delta_d", "delta_q", NULL};
  const double vals[] = {0.0, gA, wB, gB, 0.0, 0.0, gphi, dd, dq};
  qs_model *m = test_qubit_osc(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  double complex a[4], b[4], expect[15];
  spin_eigenvalues(0.0, gA, gphi, dd, a);
  spin_eigenvalues(wB, gB, gphi, dd + dq, b);
  int n = 0;
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++)
      if (i + j > 0)
        expect[n++] = a[i] + b[j];
  sort_eigenvalues(expect, n);
  /* the decaying qubit A: T2 rate gA/2 + gphi first, then its T1 rate gA */
  CU_ASSERT(cabs(expect[0] - (-(gA / 2 + gphi) + I * dd)) < 1e-15);
  CU_ASSERT(cabs(expect[2] - (-gA)) < 1e-15);
  /* so ratio = T2 / T1 time = gA / (gA/2 + gphi) */
  for (int method = QS_GAP_DENSE; method <= QS_GAP_ARPACK_KRYLOV; method++) {
    qs_gap_result r;
    int nev = method == QS_GAP_DENSE ? 15 : 5;
    CU_ASSERT_EQUAL_FATAL(gap_with(m, (qs_gap_method)method, nev, &r), QS_OK);
    assert_eigenvalues(&r, expect, nev, 1e-8);
    CU_ASSERT(fabs(r.ratio - gA / (gA / 2 + gphi)) < 1e-8);
  }
  qs_model_destroy(&m);
}

/* ARPACK (LU and GMRES solves) against every eigenvalue of the dense
 * Liouvillian (zgeev) on driven, coupled models where no closed form
 * exists. */
static void compare_methods(qs_model *m, int nev)
{
  qs_gap_result dense, arpack;
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_EQUAL_FATAL(gap_with(m, QS_GAP_DENSE, nev, &dense), QS_OK);
  for (int method = QS_GAP_ARPACK; method <= QS_GAP_ARPACK_KRYLOV; method++) {
    CU_ASSERT_EQUAL_FATAL(gap_with(m, (qs_gap_method)method, nev, &arpack), QS_OK);
    CU_ASSERT_STRING_EQUAL(arpack.method, qs_gap_method_name((qs_gap_method)method));
    CU_ASSERT_EQUAL(arpack.nconv, nev);
    for (int i = 0; i < nev && i < arpack.nconv; i++) {
      CU_ASSERT(cabs(arpack.mu[i] - dense.mu[i]) < 1e-8);
      if (cabs(arpack.mu[i] - dense.mu[i]) >= 1e-8)
        fprintf(stderr, "  %s %d: %.12g%+.12gi dense %.12g%+.12gi\n", arpack.method, i,
                creal(arpack.mu[i]), cimag(arpack.mu[i]), creal(dense.mu[i]),
                cimag(dense.mu[i]));
    }
    CU_ASSERT(fabs(arpack.gap - dense.gap) < 1e-8);
    CU_ASSERT(fabs(arpack.ratio - dense.ratio) < 1e-6);
    CU_ASSERT(arpack.residual_max < 1e-8);
  }
  qs_model_destroy(&m);
}

/* AUTO takes the GMRES path when the LU does not fit the memory limit but
 * the Krylov workspace does. */
static void test_auto_krylov(void)
{
  const char *keys[] = {"nqubits", "ncav", "gamma", "gamma_s", NULL};
  const double vals[] = {2, 6, 0.5, 0.3};
  qs_model *m = test_cavity(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  qs_gap_options o;
  qs_gap_options_default(&o);
  o.method = QS_GAP_ARPACK;
  double lu = qs_gap_memory_estimate(m, &o);
  o.method = QS_GAP_ARPACK_KRYLOV;
  double kry = qs_gap_memory_estimate(m, &o);
  CU_ASSERT_FATAL(kry < lu); /* 160 nnz + 38 N^2 16 < the LU fit at N = 24 */
  o.method = QS_GAP_AUTO;
  o.memory_limit = 0.5 * (kry + lu);
  CU_ASSERT_EQUAL(qs_gap_memory_estimate(m, &o), kry);
  qs_gap_result r, dense;
  char msg[256];
  CU_ASSERT_EQUAL_FATAL(qs_liouvillian_gap(m, &o, &r, msg, sizeof msg), QS_OK);
  CU_ASSERT_STRING_EQUAL(r.method, "arpack_krylov");
  CU_ASSERT_EQUAL_FATAL(gap_with(m, QS_GAP_DENSE, 4, &dense), QS_OK);
  CU_ASSERT(fabs(r.gap - dense.gap) < 1e-8);
  o.method = QS_GAP_ARPACK; /* explicit: refused, and told what to use */
  CU_ASSERT_EQUAL(qs_liouvillian_gap(m, &o, &r, msg, sizeof msg), QS_ERR_TOO_LARGE);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "arpack_krylov"));
  qs_model_destroy(&m);
}

static void test_arpack_equals_dense(void)
{
  {
    const char *keys[] = {"nqubits", "ncav", "F", "gamma", "gamma_s", "domega", NULL};
    const double vals[] = {1, 8, 0.7, 0.4, 0.3, -0.3};
    compare_methods(test_cavity(keys, vals), 6);
  }
  {
    const char *keys[] = {"nqubits", "ncav", "F", "gamma", "gamma_s", "Delta_2", NULL};
    const double vals[] = {2, 5, 0.5, 1.0 / 3, 0.2, -0.5};
    compare_methods(test_cavity(keys, vals), 4);
  }
  {
    const char *keys[] = {"spin", NULL};
    const double vals[] = {1.0};
    compare_methods(test_qubit_osc(keys, vals), 8);
  }
  compare_methods(test_qubit_osc(NULL, NULL), 4);
}

/* gap.h's guarantee, checked against every eigenvalue: each eigenvalue
 * with |Im| < im_window and |Re| below the last reported one's is in the
 * list.  exact: the closed-form spectrum (all of it, 0 included). */
static void assert_window(const qs_gap_result *r, const double complex *exact, int n)
{
  double last = fabs(creal(r->mu[r->nconv - 1]));
  for (int i = 0; i < n; i++) {
    if (cabs(exact[i]) < 1e-12 || fabs(cimag(exact[i])) >= r->im_window ||
        fabs(creal(exact[i])) >= last - 1e-9)
      continue;
    int hit = 0;
    for (int k = 0; k < r->nconv; k++)
      hit |= cabs(r->mu[k] - exact[i]) < 1e-8;
    CU_ASSERT(hit);
  }
}

/* With domega >> gamma the eigenvalues nearest sigma are the real
 * -gamma n (n = m) and the gap (-gamma/2 +- i domega) lies far away (one
 * real shift finds -gamma first): the shifts along the imaginary axis must
 * reach it.  Checked for nev = 1 and 3 against the closed form. */
static void test_window(void)
{
  const double gamma = 1.0, domega = 50.0;
  const int ncav = 8;
  const char *keys[] = {"nqubits", "ncav", "gamma", "domega", "F", NULL};
  const double vals[] = {0, ncav, gamma, domega, 0.0};
  qs_model *m = test_cavity(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  double complex exact[64];
  int n = 0;
  for (int a = 0; a < ncav; a++)
    for (int b = 0; b < ncav; b++)
      exact[n++] = -gamma * (a + b) / 2 + I * domega * (a - b);
  qs_gap_result dense, arpack;
  CU_ASSERT_EQUAL_FATAL(gap_with(m, QS_GAP_DENSE, 1, &dense), QS_OK);
  CU_ASSERT(fabs(dense.gap - gamma / 2) < 1e-8);
  CU_ASSERT(isinf(dense.im_window));
  const int nevs[] = {1, 3};
  for (int c = 0; c < 2; c++) {
    CU_ASSERT_EQUAL_FATAL(gap_with(m, QS_GAP_ARPACK, nevs[c], &arpack), QS_OK);
    CU_ASSERT(arpack.im_window > 0.0);
    assert_window(&arpack, exact, n);
    /* the no-jump prediction is exact here, so the shifts reach Im = 50 */
    CU_ASSERT(arpack.im_window > domega);
    CU_ASSERT(fabs(arpack.gap - gamma / 2) < 1e-8);
    CU_ASSERT(cabs(arpack.mu[0] - (-gamma / 2 + I * domega)) < 1e-8);
  }
  qs_model_destroy(&m);
}

static void test_errors(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  qs_gap_options def, o;
  qs_gap_options_default(&def);
  CU_ASSERT_EQUAL(def.nev, 4);
  CU_ASSERT_EQUAL(def.method, QS_GAP_AUTO);
  qs_gap_result r;
  char msg[256];
  CU_ASSERT_EQUAL(qs_liouvillian_gap(NULL, NULL, &r, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_liouvillian_gap(m, NULL, NULL, msg, sizeof msg), QS_ERR_INVALID);
  o = def, o.nev = 0;
  CU_ASSERT_EQUAL(qs_liouvillian_gap(m, &o, &r, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "nev 0"));
  o = def, o.nev = QS_GAP_MAX_NEV + 1;
  CU_ASSERT_EQUAL(qs_liouvillian_gap(m, &o, &r, msg, sizeof msg), QS_ERR_INVALID);
  o = def, o.tol = 0.0;
  CU_ASSERT_EQUAL(qs_liouvillian_gap(m, &o, &r, msg, sizeof msg), QS_ERR_INVALID);
  o = def, o.tol = NAN;
  CU_ASSERT_EQUAL(qs_liouvillian_gap(m, &o, &r, msg, sizeof msg), QS_ERR_INVALID);
  o = def, o.max_iter = 0;
  CU_ASSERT_EQUAL(qs_liouvillian_gap(m, &o, &r, msg, sizeof msg), QS_ERR_INVALID);
  o = def, o.memory_limit = -1.0;
  CU_ASSERT_EQUAL(qs_liouvillian_gap(m, &o, &r, msg, sizeof msg), QS_ERR_INVALID);
  o = def, o.method = (qs_gap_method)7;
  CU_ASSERT_EQUAL(qs_liouvillian_gap(m, &o, &r, msg, sizeof msg), QS_ERR_INVALID);
  /* N^2 = 16: ARPACK can return at most 14 of the 16 eigenvalues */
  o = def, o.method = QS_GAP_ARPACK, o.nev = 14;
  CU_ASSERT_EQUAL(qs_liouvillian_gap(m, &o, &r, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "method = dense"));
  o.method = QS_GAP_AUTO; /* AUTO takes the dense path: all 15 */
  CU_ASSERT_EQUAL(qs_liouvillian_gap(m, &o, &r, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(r.nconv, 14);
  CU_ASSERT_STRING_EQUAL(r.method, "dense");
  for (int method = QS_GAP_DENSE; method <= QS_GAP_ARPACK_KRYLOV; method++) {
    o = def, o.method = (qs_gap_method)method, o.memory_limit = 4096.0;
    CU_ASSERT_EQUAL(qs_liouvillian_gap(m, &o, &r, msg, sizeof msg), QS_ERR_TOO_LARGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "memory limit"));
    CU_ASSERT(qs_gap_memory_estimate(m, &o) > 4096.0);
  }
  CU_ASSERT(qs_gap_memory_estimate(NULL, NULL) < 0.0);
  qs_model_destroy(&m);
  /* the lab frame has time-dependent terms: no Liouvillian gap */
  const char *keys[] = {"frame", "ncav", NULL};
  const double vals[] = {1, 4};
  m = test_cavity(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_EQUAL(qs_liouvillian_gap(m, NULL, &r, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "time-dependent"));
  qs_model_destroy(&m);
  CU_ASSERT_EQUAL(qs_gap_method_parse("ARPACK"), QS_GAP_ARPACK);
  CU_ASSERT_EQUAL(qs_gap_method_parse("dense"), QS_GAP_DENSE);
  CU_ASSERT_EQUAL(qs_gap_method_parse("arpack_krylov"), QS_GAP_ARPACK_KRYLOV);
  CU_ASSERT_EQUAL(qs_gap_method_parse("lu"), -1);
  CU_ASSERT_STRING_EQUAL(qs_gap_method_name(QS_GAP_AUTO), "auto");
}

int qs_test_register_gap(void)
{
  static const test_case cases[] = {
    {"damped cavity: -gamma(n+m)/2 + i domega(n-m), every method", test_damped_cavity},
    {"uncoupled decaying qubits: T1, T2 sums, every method", test_decaying_qubits},
    {"arpack and arpack_krylov equal dense zgeev to 1e-8",
     test_arpack_equals_dense},
    {"large |Im|: shifts reach the gap, the window holds", test_window},
    {"auto: GMRES instead of the LU under a memory limit", test_auto_krylov},
    {"bad options, memory limit, time dependence", test_errors},
  };
  return test_add_suite("gap", cases, (int)(sizeof cases / sizeof cases[0]));
}
