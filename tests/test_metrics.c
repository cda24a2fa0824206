/* Metrics: spherical tensors, partial trace, entropy, spin Husimi Q and
 * phase distribution, synchronization measures, negativity and Bell-CHSH.
 *
 * Every expected value comes from a closed form derived in the comments or
 * from an independent method written here (matrix functions through
 * LAPACK's eigendecomposition, Golub-Welsch quadrature, brute-force
 * minimization).  Tolerances are a small multiple of the rounding error
 * of the computation they check, as argued at each assertion. */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

enum { MAXN = 21, MAXN2 = MAXN * MAXN };

static const double pi = 3.14159265358979323846;

#define TIDX(k, q) ((k) * (k) + (k) + (q))

/* ---- Dense helpers (column-major), the obviously-correct references ---- */

static void dense_adjoint(int n, const double complex *a, double complex *b)
{
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++)
      b[j + i * n] = conj(a[i + j * n]);
}

/* u a u^dag */
static void conjugate_by(int n, const double complex *u, const double complex *a,
                         double complex *out)
{
  double complex ud[MAXN2], t[MAXN2];
  dense_adjoint(n, u, ud);
  test_dense_mul(n, a, ud, t);
  test_dense_mul(n, u, t, out);
}

static void dense_op(const qs_op *op, double complex *d)
{
  qs_op_to_dense(op, d);
}

static void spin_dense(int two_s, qs_spin_component which, double complex *d)
{
  qs_op *op = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_op_spin(two_s, which, &op), QS_OK);
  dense_op(op, d);
  qs_op_destroy(&op);
}

static void tensor_dense(int two_s, int k, int q, double complex *d)
{
  qs_op *op = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_op_spin_tensor(two_s, k, q, &op), QS_OK);
  dense_op(op, d);
  qs_op_destroy(&op);
}

static double complex uniform_complex(qs_rng *rng)
{
  double re = qs_rng_uniform(rng) - 0.5;
  return CMPLX(re, qs_rng_uniform(rng) - 0.5);
}

/* Full-rank random density matrix A A^dag / Tr(A A^dag). */
static void random_density(int n, qs_rng *rng, double complex *rho)
{
  double complex a[MAXN2], ad[MAXN2];
  for (int i = 0; i < n * n; i++)
    a[i] = uniform_complex(rng);
  dense_adjoint(n, a, ad);
  test_dense_mul(n, a, ad, rho);
  double complex tr = 0;
  for (int i = 0; i < n; i++)
    tr += rho[i + i * n];
  for (int i = 0; i < n * n; i++)
    rho[i] /= creal(tr);
}

/* Eigenvectors (columns of v) and ascending eigenvalues of Hermitian a. */
static void eig_hermitian(int n, const double complex *a, double complex *v,
                          double *w)
{
  memcpy(v, a, (size_t)(n * n) * sizeof *v);
  CU_ASSERT_EQUAL_FATAL(LAPACKE_zheev(LAPACK_COL_MAJOR, 'V', 'U', n, v, n, w), 0);
}

/* Random unitary: the eigenvectors of a random Hermitian matrix. */
static void random_unitary(int n, qs_rng *rng, double complex *u)
{
  double complex a[MAXN2], h[MAXN2];
  double w[MAXN];
  for (int i = 0; i < n * n; i++)
    a[i] = uniform_complex(rng);
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++)
      h[i + j * n] = a[i + j * n] + conj(a[j + i * n]);
  eig_hermitian(n, h, u, w);
}

/* out = f(a) for Hermitian a, through its eigendecomposition. */
static void hermitian_function(int n, const double complex *a,
                               double complex (*f)(double, double), double param,
                               double complex *out)
{
  double complex v[MAXN2];
  double w[MAXN];
  eig_hermitian(n, a, v, w);
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++) {
      double complex s = 0;
      for (int k = 0; k < n; k++)
        s += v[i + k * n] * f(w[k], param) * conj(v[j + k * n]);
      out[i + j * n] = s;
    }
}

static double complex f_log(double x, double unused)
{
  (void)unused;
  return log(x);
}

static double complex f_rotation(double x, double angle)
{
  return cexp(-I * angle * x);
}

static double complex trace_product(int n, const double complex *a,
                                    const double complex *b)
{
  double complex s = 0;
  for (int i = 0; i < n; i++)
    for (int k = 0; k < n; k++)
      s += a[i + k * n] * b[k + i * n];
  return s;
}

/* Relative entropy S(rho||sigma) = Tr rho ln rho - Tr rho ln sigma,
 * both full rank, by matrix logarithms. */
static double relative_entropy(int n, const double complex *rho,
                               const double complex *sigma)
{
  double complex lr[MAXN2], ls[MAXN2];
  hermitian_function(n, rho, f_log, 0, lr);
  hermitian_function(n, sigma, f_log, 0, ls);
  return creal(trace_product(n, rho, lr) - trace_product(n, rho, ls));
}

/* Gauss-Legendre rule on [-1, 1] by Golub-Welsch (eigenvalues of the
 * Jacobi matrix, LAPACK dstev), independent of the library's Newton. */
static void golub_welsch(int n, double *x, double *w)
{
  double e[64], z[64 * 64];
  for (int k = 1; k < n; k++)
    e[k - 1] = k / sqrt(4.0 * k * k - 1.0);
  memset(x, 0, (size_t)n * sizeof *x);
  CU_ASSERT_EQUAL_FATAL(LAPACKE_dstev(LAPACK_COL_MAJOR, 'V', n, x, e, z, n), 0);
  for (int k = 0; k < n; k++)
    w[k] = 2.0 * z[0 + k * n] * z[0 + k * n];
}

/* ---- Spherical tensors -------------------------------------------------- */

static void test_tensor_spin_half(void)
{
  double complex t[4], sz[4], sp[4], sm[4];
  spin_dense(1, QS_SPIN_Z, sz);
  spin_dense(1, QS_SPIN_PLUS, sp);
  spin_dense(1, QS_SPIN_MINUS, sm);
  double complex ref[4];
  /* The CG coefficients of S = 1/2 are 1 or 1/sqrt2: a couple of rounding
   * errors of order 1e-16 at most. */
  tensor_dense(1, 0, 0, t);
  double complex id[4] = {sqrt(0.5), 0, 0, sqrt(0.5)};
  CU_ASSERT(test_max_diff(t, id, 4) < 1e-15);
  tensor_dense(1, 1, 0, t);
  for (int i = 0; i < 4; i++)
    ref[i] = sqrt(2.0) * sz[i];
  CU_ASSERT(test_max_diff(t, ref, 4) < 1e-15);
  tensor_dense(1, 1, 1, t);
  for (int i = 0; i < 4; i++)
    ref[i] = -sp[i];
  CU_ASSERT(test_max_diff(t, ref, 4) < 1e-15);
  tensor_dense(1, 1, -1, t);
  CU_ASSERT(test_max_diff(t, sm, 4) < 1e-15);

  qs_op *op = NULL;
  CU_ASSERT_EQUAL(qs_op_spin_tensor(1, 2, 0, &op), QS_ERR_INVALID);  /* k > 2S */
  CU_ASSERT_EQUAL(qs_op_spin_tensor(2, 1, 2, &op), QS_ERR_INVALID);  /* q > k */
  CU_ASSERT_EQUAL(qs_op_spin_tensor(2, 1, -2, &op), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_op_spin_tensor(2, -1, 0, &op), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_op_spin_tensor(0, 0, 0, &op), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_op_spin_tensor(QS_SPIN_TENSOR_MAX_TWO_S + 1, 0, 0, &op),
                  QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_op_spin_tensor(2, 1, 0, NULL), QS_ERR_INVALID);
  CU_ASSERT_PTR_NULL(op);
}

/* Tr(T^k_q^dag T^k'_q') = delta delta, for S = 1/2, 1, 3/2, 2 and the
 * largest supported spin S = 10.  Each entry is a sum of 2S+1 products of
 * CG coefficients from Racah sums in double precision: observed errors
 * ~1e-15; 1e-13 leaves margin for the cancellation in Racah's alternating
 * sum at S = 10. */
static void test_tensor_orthonormal(void)
{
  static double complex t[MAXN2][MAXN2];
  int spins[] = {1, 2, 3, 4, QS_SPIN_TENSOR_MAX_TWO_S};
  for (size_t s = 0; s < sizeof spins / sizeof spins[0]; s++) {
    int two_s = spins[s], n = two_s + 1, nt = n * n;
    for (int k = 0; k <= two_s; k++)
      for (int q = -k; q <= k; q++)
        tensor_dense(two_s, k, q, t[TIDX(k, q)]);
    double worst = 0;
    for (int a = 0; a < nt; a++)
      for (int b = a; b < nt; b++) {
        double complex g = 0;
        for (int i = 0; i < n * n; i++)
          g += conj(t[a][i]) * t[b][i];
        worst = fmax(worst, cabs(g - (a == b ? 1.0 : 0.0)));
      }
    CU_ASSERT(worst < 1e-13);
  }
}

/* Rank 1 is the spin vector: <S m; S -m | 1 0> = (-1)^{S-m} m
 * sqrt(3/(S(S+1)(2S+1))), so T^1_0 = S^z / sqrt(Tr S^z^2) and, by the
 * Wigner-Eckart theorem with the same reduced element,
 * T^1_{+1} = -S^+ / sqrt(2 Tr S^z^2), Tr S^z^2 = S(S+1)(2S+1)/3.
 * Entries are O(1) with a few roundings: 1e-14. */
static void test_tensor_rank_one(void)
{
  for (int two_s = 1; two_s <= 10; two_s++) {
    int n = two_s + 1;
    double s = 0.5 * two_s, trz2 = s * (s + 1) * (2 * s + 1) / 3;
    double complex t[MAXN2], sz[MAXN2], sp[MAXN2], ref[MAXN2];
    tensor_dense(two_s, 1, 0, t);
    spin_dense(two_s, QS_SPIN_Z, sz);
    for (int i = 0; i < n * n; i++)
      ref[i] = sz[i] * sqrt(3.0 / (s * (s + 1) * (2 * s + 1)));
    CU_ASSERT(test_max_diff(t, ref, n * n) < 1e-14);
    tensor_dense(two_s, 1, 1, t);
    spin_dense(two_s, QS_SPIN_PLUS, sp);
    for (int i = 0; i < n * n; i++)
      ref[i] = -sp[i] / sqrt(2 * trz2);
    CU_ASSERT(test_max_diff(t, ref, n * n) < 1e-14);
  }
}

/* Racah's definition of a standard tensor, independent of any CG table:
 * [S^z, T^k_q] = q T^k_q, [S^+-, T^k_q] = sqrt(k(k+1) - q(q+-1)) T^k_{q+-1}.
 * This pins the CG phase convention.  Entries O(S^2): 1e-13. */
static void test_tensor_commutators(void)
{
  for (int two_s = 1; two_s <= 5; two_s++) {
    int n = two_s + 1, nn = n * n;
    double complex sz[MAXN2], sp[MAXN2], sm[MAXN2];
    spin_dense(two_s, QS_SPIN_Z, sz);
    spin_dense(two_s, QS_SPIN_PLUS, sp);
    spin_dense(two_s, QS_SPIN_MINUS, sm);
    double worst = 0;
    for (int k = 0; k <= two_s; k++)
      for (int q = -k; q <= k; q++) {
        double complex t[MAXN2], a[MAXN2], b[MAXN2], next[MAXN2] = {0};
        tensor_dense(two_s, k, q, t);
        const double complex *ladder[3] = {sz, sp, sm};
        for (int l = 0; l < 3; l++) {
          int dq = l == 0 ? 0 : (l == 1 ? 1 : -1);
          double coef = l == 0 ? q : sqrt(k * (k + 1.0) - q * (q + (double)dq));
          if (l == 0)
            memcpy(next, t, sizeof next);
          else if (abs(q + dq) <= k)
            tensor_dense(two_s, k, q + dq, next);
          else
            memset(next, 0, sizeof next);
          test_dense_mul(n, ladder[l], t, a);
          test_dense_mul(n, t, ladder[l], b);
          for (int i = 0; i < nn; i++)
            worst = fmax(worst, cabs(a[i] - b[i] - coef * next[i]));
        }
      }
    CU_ASSERT(worst < 1e-13);
  }
}

/* ---- Partial trace and entropy ----------------------------------------- */

/* Tr_B(rho_A (x) rho_B) = rho_A Tr rho_B: sums of 2-3 products, 1e-15. */
static void test_partial_trace_product(void)
{
  qs_rng rng;
  qs_rng_seed(&rng, 101, 0);
  int shapes[2][2] = {{2, 3}, {3, 2}};
  for (int s = 0; s < 2; s++) {
    int na = shapes[s][0], nb = shapes[s][1], n = na * nb;
    double complex ra[9], rb[9], rho[36], out[36];
    random_density(na, &rng, ra);
    random_density(nb, &rng, rb);
    test_dense_kron(na, ra, nb, rb, rho);
    qs_index dims[2] = {na, nb};
    CU_ASSERT_EQUAL(qs_partial_trace(2, dims, 1u, rho, out), QS_OK);
    CU_ASSERT(test_max_diff(out, ra, na * na) < 1e-15);
    CU_ASSERT_EQUAL(qs_partial_trace(2, dims, 2u, rho, out), QS_OK);
    CU_ASSERT(test_max_diff(out, rb, nb * nb) < 1e-15);
    CU_ASSERT_EQUAL(qs_partial_trace(2, dims, 3u, rho, out), QS_OK);
    CU_ASSERT(test_max_diff(out, rho, n * n) < 1e-16);
    CU_ASSERT_EQUAL(qs_partial_trace(2, dims, 0u, rho, out), QS_OK);
    CU_ASSERT(cabs(out[0] - 1.0) < 1e-15);
  }
  /* Non-adjacent kept subsystems: Tr_1(rho0 (x) rho1 (x) rho2) = rho0 (x) rho2. */
  double complex r0[4], r1[9], r2[4], r01[36], rho[144], ref[16], out[16];
  random_density(2, &rng, r0);
  random_density(3, &rng, r1);
  random_density(2, &rng, r2);
  test_dense_kron(2, r0, 3, r1, r01);
  test_dense_kron(6, r01, 2, r2, rho);
  test_dense_kron(2, r0, 2, r2, ref);
  qs_index dims3[3] = {2, 3, 2};
  CU_ASSERT_EQUAL(qs_partial_trace(3, dims3, 5u, rho, out), QS_OK);
  CU_ASSERT(test_max_diff(out, ref, 16) < 1e-15);

  CU_ASSERT_EQUAL(qs_partial_trace(3, dims3, 8u, rho, out), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_partial_trace(0, dims3, 0u, rho, out), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_partial_trace(2, dims3, 1u, NULL, out), QS_ERR_INVALID);
  qs_index bad[2] = {2, 0};
  CU_ASSERT_EQUAL(qs_partial_trace(2, bad, 1u, rho, out), QS_ERR_INVALID);
}

/* Bell state (|00> + |11>)/sqrt2: each qubit is I/2 exactly. */
static void test_partial_trace_bell(void)
{
  double complex psi[4] = {sqrt(0.5), 0, 0, sqrt(0.5)}, rho[16], out[4];
  for (int j = 0; j < 4; j++)
    for (int i = 0; i < 4; i++)
      rho[i + j * 4] = psi[i] * conj(psi[j]);
  double complex half[4] = {0.5, 0, 0, 0.5};
  qs_index dims[2] = {2, 2};
  for (unsigned mask = 1; mask <= 2; mask++) {
    CU_ASSERT_EQUAL(qs_partial_trace(2, dims, mask, rho, out), QS_OK);
    CU_ASSERT(test_max_diff(out, half, 4) < 1e-15);
  }
}

/* Pure state: 0; I/d: ln d; U diag(p, 1-p, 0) U^dag: binary entropy.
 * zheev returns the zero eigenvalues of a rank-deficient matrix as
 * +-1e-16, contributing at most ~4e-15 each: tolerance 1e-13. */
static void test_entropy(void)
{
  qs_rng rng;
  qs_rng_seed(&rng, 102, 0);
  int n = 5;
  double complex psi[5], rho[25];
  double norm = 0;
  for (int i = 0; i < n; i++) {
    psi[i] = uniform_complex(&rng);
    norm += creal(conj(psi[i]) * psi[i]);
  }
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++)
      rho[i + j * n] = psi[i] * conj(psi[j]) / norm;
  double s = -1;
  CU_ASSERT_EQUAL(qs_von_neumann_entropy(n, rho, &s), QS_OK);
  CU_ASSERT(fabs(s) < 1e-13);

  memset(rho, 0, sizeof rho);
  for (int i = 0; i < n; i++)
    rho[i + i * n] = 1.0 / n;
  CU_ASSERT_EQUAL(qs_von_neumann_entropy(n, rho, &s), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(s, log(n), 1e-14);

  double p = 0.3;
  double complex d[9] = {p, 0, 0, 0, 1 - p, 0, 0, 0, 0}, u[9], r3[9];
  random_unitary(3, &rng, u);
  conjugate_by(3, u, d, r3);
  CU_ASSERT_EQUAL(qs_von_neumann_entropy(3, r3, &s), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(s, -p * log(p) - (1 - p) * log(1 - p), 1e-13);

  CU_ASSERT_EQUAL(qs_von_neumann_entropy(0, rho, &s), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_von_neumann_entropy(3, NULL, &s), QS_ERR_INVALID);
}

/* ---- Husimi Q and phase distribution ------------------------------------ */

static double complex expect(int n, const double complex *op, const double complex *rho)
{
  return trace_product(n, op, rho);
}

/* Paper Eq. 7 at 20 x 20 angles for a random qubit rho.  Q is O(1) and
 * computed with a dozen flops: 1e-14. */
static void test_husimi_qubit_eq7(void)
{
  qs_rng rng;
  qs_rng_seed(&rng, 201, 0);
  double complex rho[4], sz[4], sp[4];
  random_density(2, &rng, rho);
  spin_dense(1, QS_SPIN_Z, sz);
  spin_dense(1, QS_SPIN_PLUS, sp);
  double complex ez = expect(2, sz, rho), ep = expect(2, sp, rho);
  double worst = 0;
  for (int a = 0; a < 20; a++)
    for (int b = 0; b < 20; b++) {
      double th = pi * a / 19.0, ph = 2 * pi * b / 20.0 - 0.3, q = 0;
      CU_ASSERT_EQUAL(qs_spin_husimi_q(1, rho, th, ph, &q), QS_OK);
      double eq7 = 0.5 + creal(ez) * cos(th) + creal(ep * cexp(-I * ph)) * sin(th);
      worst = fmax(worst, fabs(q - eq7));
    }
  CU_ASSERT(worst < 1e-14);
  double q;
  CU_ASSERT_EQUAL(qs_spin_husimi_q(0, rho, 0, 0, &q), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_spin_husimi_q(1, NULL, 0, 0, &q), QS_ERR_INVALID);
}

/* Tensor expansion (Eq. A1) against the coherent-state amplitudes for
 * S = 1/2 .. 2 and 5, including theta outside [0, pi].  Both are sums of
 * (2S+1)^2 terms of size <= 1: 1e-12. */
static void test_husimi_tensor_vs_direct(void)
{
  qs_rng rng;
  qs_rng_seed(&rng, 202, 0);
  int spins[] = {1, 2, 3, 4, 10};
  for (size_t s = 0; s < sizeof spins / sizeof spins[0]; s++) {
    int two_s = spins[s], n = two_s + 1;
    double complex rho[MAXN2], te[MAXN2];
    random_density(n, &rng, rho);
    CU_ASSERT_EQUAL_FATAL(qs_spin_tensor_expectations(two_s, rho, te), QS_OK);
    double worst = 0;
    for (int a = 0; a < 17; a++)
      for (int b = 0; b < 13; b++) {
        double th = -pi + 3 * pi * a / 16.0, ph = 2 * pi * b / 13.0 + 0.1;
        double qd = 0, qt = 0;
        CU_ASSERT_EQUAL(qs_spin_husimi_q(two_s, rho, th, ph, &qd), QS_OK);
        CU_ASSERT_EQUAL(qs_spin_husimi_q_tensor(two_s, te, th, ph, &qt), QS_OK);
        worst = fmax(worst, fabs(qd - qt));
      }
    CU_ASSERT(worst < 1e-12);
  }
  double complex te[4] = {0};
  double q;
  CU_ASSERT_EQUAL(qs_spin_husimi_q_tensor(1, NULL, 0, 0, &q), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_spin_husimi_q_tensor(-1, te, 0, 0, &q), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_spin_tensor_expectations(1, NULL, te), QS_ERR_INVALID);
}

/* (2S+1)/(4 pi) times the sphere integral of Q is Tr rho = 1.  The rule is
 * exact: a uniform phi grid of 24 points removes every e^{i q phi}, |q| <= 4,
 * and the remaining q = 0 terms are polynomials of degree <= 2S in
 * cos theta, integrated exactly by 12-point Gauss-Legendre.  Only rounding
 * of ~300 terms remains: 1e-12. */
static void test_husimi_normalization(void)
{
  qs_rng rng;
  qs_rng_seed(&rng, 203, 0);
  enum { NX = 12, NPHI = 24 };
  double x[NX], w[NX];
  golub_welsch(NX, x, w);
  for (int two_s = 1; two_s <= 4; two_s++) {
    double complex rho[MAXN2];
    random_density(two_s + 1, &rng, rho);
    double integral = 0;
    for (int a = 0; a < NX; a++)
      for (int b = 0; b < NPHI; b++) {
        double q = 0;
        qs_spin_husimi_q(two_s, rho, acos(x[a]), 2 * pi * b / NPHI, &q);
        integral += w[a] * (2 * pi / NPHI) * q;
      }
    CU_ASSERT_DOUBLE_EQUAL((two_s + 1) / (4 * pi) * integral, 1.0, 1e-12);
  }
}

/* The coherent state built independently, exp(-i phi S^z) exp(-i theta S^y)
 * |S,S> through eigendecompositions, has <S> = S n0; its Q is the overlap
 * |<n|n0>|^2 = ((1 + n.n0)/2)^{2S}, maximal (= 1) at n = n0.  O(1)
 * quantities through two 5x5 eigendecompositions: 1e-13. */
static void test_husimi_coherent_state(void)
{
  double th0 = 1.1, ph0 = 2.3;
  double n0[3] = {sin(th0) * cos(ph0), sin(th0) * sin(ph0), cos(th0)};
  for (int two_s = 1; two_s <= 4; two_s++) {
    int n = two_s + 1;
    double s = 0.5 * two_s;
    double complex sx[MAXN2], sy[MAXN2], sz[MAXN2], ry[MAXN2], rz[MAXN2];
    double complex rot[MAXN2], psi[MAXN], rho[MAXN2];
    spin_dense(two_s, QS_SPIN_X, sx);
    spin_dense(two_s, QS_SPIN_Y, sy);
    spin_dense(two_s, QS_SPIN_Z, sz);
    hermitian_function(n, sy, f_rotation, th0, ry);
    hermitian_function(n, sz, f_rotation, ph0, rz);
    test_dense_mul(n, rz, ry, rot);
    for (int i = 0; i < n; i++)
      psi[i] = rot[i + 0 * n]; /* column of |S,S> (index 0) */
    for (int j = 0; j < n; j++)
      for (int i = 0; i < n; i++)
        rho[i + j * n] = psi[i] * conj(psi[j]);
    CU_ASSERT_DOUBLE_EQUAL(creal(expect(n, sx, rho)), s * n0[0], 1e-13);
    CU_ASSERT_DOUBLE_EQUAL(creal(expect(n, sy, rho)), s * n0[1], 1e-13);
    CU_ASSERT_DOUBLE_EQUAL(creal(expect(n, sz, rho)), s * n0[2], 1e-13);
    double q = 0, worst = 0, qmax = 0;
    CU_ASSERT_EQUAL(qs_spin_husimi_q(two_s, rho, th0, ph0, &q), QS_OK);
    CU_ASSERT_DOUBLE_EQUAL(q, 1.0, 1e-13);
    for (int a = 0; a <= 20; a++)
      for (int b = 0; b < 20; b++) {
        double th = pi * a / 20.0, ph = 2 * pi * b / 20.0;
        double dot = sin(th) * cos(ph) * n0[0] + sin(th) * sin(ph) * n0[1] +
                     cos(th) * n0[2];
        qs_spin_husimi_q(two_s, rho, th, ph, &q);
        worst = fmax(worst, fabs(q - pow(0.5 * (1 + dot), two_s)));
        qmax = fmax(qmax, q);
      }
    CU_ASSERT(worst < 1e-13);
    CU_ASSERT(qmax <= 1.0 + 1e-13);
  }
}

/* Qubit delta P against Eq. 8, Re[<S+> e^{-i phi}]/4.  The library's
 * 64-point theta quadrature sums terms <= 1: rounding ~1e-14, so 1e-13. */
static void test_phase_distribution_qubit(void)
{
  qs_rng rng;
  qs_rng_seed(&rng, 204, 0);
  double complex rho[4], sp[4];
  random_density(2, &rng, rho);
  spin_dense(1, QS_SPIN_PLUS, sp);
  double complex ep = expect(2, sp, rho);
  double worst = 0;
  for (int b = 0; b < 50; b++) {
    double ph = 2 * pi * b / 50.0 - 1.0, dp = 0;
    CU_ASSERT_EQUAL(qs_spin_phase_distribution(1, rho, ph, &dp), QS_OK);
    worst = fmax(worst, fabs(dp - 0.25 * creal(ep * cexp(-I * ph))));
  }
  CU_ASSERT(worst < 1e-13);
  double dp;
  CU_ASSERT_EQUAL(qs_spin_phase_distribution(0, rho, 0, &dp), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_spin_phase_distribution(1, rho, 0, NULL), QS_ERR_INVALID);
}

/* S = 1 and 3/2: delta P against the direct double integral
 * (2S+1)/(4 pi) int_0^pi sin th Q dth - 1/(2 pi), with a 40-point
 * Golub-Welsch rule in theta (the integrand is a trigonometric polynomial
 * of degree <= 2S + 1, integrated to machine precision); and the phi
 * integral of delta P is zero (rectangle rule on 16 points, exact for
 * harmonics |q| <= 3).  Both sides are sums of O(1) terms: 1e-13. */
static void test_phase_distribution_spin(void)
{
  qs_rng rng;
  qs_rng_seed(&rng, 205, 0);
  enum { NT = 40, NPHI = 16 };
  double x[NT], w[NT];
  golub_welsch(NT, x, w);
  for (int two_s = 2; two_s <= 3; two_s++) {
    double complex rho[16];
    random_density(two_s + 1, &rng, rho);
    double worst = 0, total = 0;
    for (int b = 0; b < NPHI; b++) {
      double ph = 2 * pi * b / NPHI, dp = 0, integral = 0;
      CU_ASSERT_EQUAL(qs_spin_phase_distribution(two_s, rho, ph, &dp), QS_OK);
      for (int a = 0; a < NT; a++) {
        double th = 0.5 * pi * (x[a] + 1), q = 0;
        qs_spin_husimi_q(two_s, rho, th, ph, &q);
        integral += 0.5 * pi * w[a] * sin(th) * q;
      }
      double direct = (two_s + 1) / (4 * pi) * integral - 1 / (2 * pi);
      worst = fmax(worst, fabs(dp - direct));
      total += dp * 2 * pi / NPHI;
    }
    CU_ASSERT(worst < 1e-13);
    CU_ASSERT(fabs(total) < 1e-13);
  }
}

/* ---- Synchronization measures ------------------------------------------ */

static const int two_qubit_charge[4] = {1, 0, 0, -1}; /* |uu>,|ud>,|du>,|dd> */

static double sync_measure(int n, const int *charge, const double complex *rho,
                           const double complex *rho_u)
{
  double omega = NAN;
  CU_ASSERT_EQUAL(qs_sync_measure(n, charge, rho, rho_u, &omega), QS_OK);
  return omega;
}

static double sync_blocks(int n, const int *charge, const double complex *rho)
{
  double omega = NAN;
  CU_ASSERT_EQUAL(qs_sync_measure_blocks(n, charge, rho, &omega), QS_OK);
  return omega;
}

static void diagonal(int n, const double *p, double complex *d)
{
  memset(d, 0, (size_t)(n * n) * sizeof *d);
  for (int i = 0; i < n; i++)
    d[i + i * n] = p[i];
}

/* Unitary acting as u2 on the two charge-0 states (1, 2), identity else. */
static void embed_middle(const double complex *u2, double complex *u)
{
  double p1[4] = {1, 1, 1, 1};
  diagonal(4, p1, u);
  u[1 + 1 * 4] = u2[0];
  u[2 + 1 * 4] = u2[1];
  u[1 + 2 * 4] = u2[2];
  u[2 + 2 * 4] = u2[3];
}

/* Omega(rho_u; rho_u) = 0 for block-diagonal rho_u, degenerate or not:
 * the limit state is rho_u itself.  Entropies O(1): rounding 1e-15, and
 * Omega is a difference of two of them: 1e-13. */
static void test_sync_zero_at_undriven(void)
{
  qs_rng rng;
  qs_rng_seed(&rng, 301, 0);
  double complex ru[16], u2[4], u[16], t[16];
  double flat[4] = {0.25, 0.25, 0.25, 0.25}, deg[4] = {0.4, 0.25, 0.25, 0.1};
  diagonal(4, flat, ru);
  CU_ASSERT(fabs(sync_measure(4, two_qubit_charge, ru, ru)) < 1e-13);
  diagonal(4, deg, ru);
  CU_ASSERT(fabs(sync_measure(4, two_qubit_charge, ru, ru)) < 1e-13);
  /* In-block coherence in the charge-0 block (eigenvalues 0.3, 0.2). */
  double nd[4] = {0.4, 0.3, 0.2, 0.1};
  diagonal(4, nd, t);
  random_unitary(2, &rng, u2);
  embed_middle(u2, u);
  conjugate_by(4, u, t, ru);
  CU_ASSERT(fabs(sync_measure(4, two_qubit_charge, ru, ru)) < 1e-13);
  CU_ASSERT(fabs(sync_blocks(4, two_qubit_charge, ru)) < 1e-13);
  /* No symmetry information: one block. */
  random_density(4, &rng, ru);
  CU_ASSERT(fabs(sync_measure(4, NULL, ru, ru)) < 1e-13);
  CU_ASSERT(fabs(sync_blocks(4, NULL, ru)) < 1e-13);
}

/* rho = |++><++| (both qubits along x), rho_u = I/4.  rho_u is degenerate
 * everywhere; the charge-0 compression of rho is [[1,1],[1,1]]/4 with
 * eigenvalues 1/2, 0 (triplet, singlet), so p = (1/4, 1/2, 0, 1/4) and
 * Omega = S(p) - 0 = (3/2) ln 2 (not ln 4, the value in the product basis).
 * The pinching has the same spectrum, so Omega_blocks = (3/2) ln 2 too. */
static void test_sync_plus_state(void)
{
  double complex rho[16], ru[16];
  double flat[4] = {0.25, 0.25, 0.25, 0.25};
  diagonal(4, flat, ru);
  for (int i = 0; i < 16; i++)
    rho[i] = 0.25;
  CU_ASSERT_DOUBLE_EQUAL(sync_measure(4, two_qubit_charge, rho, ru), 1.5 * log(2), 1e-13);
  CU_ASSERT_DOUBLE_EQUAL(sync_blocks(4, two_qubit_charge, rho), 1.5 * log(2), 1e-13);
}

/* Second order.  rho = D + x, D = diag(p), x Hermitian with zero diagonal.
 * rho_diag = D, so Omega = S(D) - S(D + x) = Tr f(D + x) - Tr f(D) with
 * f(t) = t ln t.  The Daleckii-Krein expansion gives
 *   Tr f(D + x) = Tr f(D) + sum_i f'(p_i) x_ii
 *               + (1/2) sum_{i != j} |x_ij|^2 f'[p_i, p_j] + O(x^3),
 * f'[a, b] = (f'(a) - f'(b))/(a - b) = (ln a - ln b)/(a - b) (1/a if a = b);
 * the first-order term vanishes (x_ii = 0), hence
 *   Omega = sum_{i<j} |x_ij|^2 (ln p_i - ln p_j)/(p_i - p_j) + O(x^3).
 * Here x couples only charges differing by 1 (as the drive does), so the
 * coupling graph is bipartite (odd/even charge), every cycle x_ij x_jk x_ki
 * vanishes and the error is fourth order: relative ~ (|x|/p_min)^2 ~ 1e-4
 * at |x| = 1e-3, p_min = 0.1.  Tolerance: relative 1e-3. */
static void test_sync_second_order(void)
{
  qs_rng rng;
  qs_rng_seed(&rng, 302, 0);
  double p[4] = {0.4, 0.3, 0.2, 0.1};
  double complex ru[16], rho[16];
  diagonal(4, p, ru);
  memcpy(rho, ru, sizeof rho);
  double expected = 0;
  int pairs[4][2] = {{0, 1}, {0, 2}, {1, 3}, {2, 3}}; /* charge 1-0 and 0-(-1) */
  for (int k = 0; k < 4; k++) {
    int i = pairs[k][0], j = pairs[k][1];
    double complex x = 1e-3 * cexp(2 * pi * I * qs_rng_uniform(&rng));
    rho[i + j * 4] = x;
    rho[j + i * 4] = conj(x);
    expected += 1e-6 * (log(p[i]) - log(p[j])) / (p[i] - p[j]);
  }
  double omega = sync_measure(4, two_qubit_charge, rho, ru);
  CU_ASSERT(omega > 0);
  CU_ASSERT(fabs(omega / expected - 1) < 1e-3);
  /* rho has coherence only between blocks and rho_u is non-degenerate
   * inside them: the pinching is rho_diag, both measures coincide
   * (the same matrix goes through the same eigensolver: 1e-15). */
  CU_ASSERT_DOUBLE_EQUAL(sync_blocks(4, two_qubit_charge, rho), omega, 1e-15);
}

/* Brute-force min of S(rho_diag) over the bases (cos a, e^{ib} sin a),
 * (-e^{-ib} sin a, cos a) of the degenerate charge-0 pair of rho_u =
 * diag(0.4, 0.25, 0.25, 0.1): the other diagonal entries do not depend on
 * the basis.  Returns min S(rho_diag) - S(rho). */
static double brute_force_degenerate(const double complex *rho)
{
  double best = INFINITY, s_rho = 0;
  qs_von_neumann_entropy(4, rho, &s_rho);
  double a11 = creal(rho[1 + 1 * 4]), a22 = creal(rho[2 + 2 * 4]);
  double complex a12 = rho[1 + 2 * 4];
  for (int ia = 0; ia <= 400; ia++)
    for (int ib = 0; ib < 400; ib++) {
      double a = 0.5 * pi * ia / 400, b = 2 * pi * ib / 400;
      double c = cos(a), s = sin(a);
      /* v = c|1> + e^{ib} s|2>: <v|A|v> = c^2 A11 + s^2 A22 + 2 c s Re(e^{ib} A12) */
      double d1 = c * c * a11 + s * s * a22 + 2 * c * s * creal(cexp(I * b) * a12);
      double p[4] = {creal(rho[0]), d1, a11 + a22 - d1, creal(rho[15])};
      double h = 0;
      for (int i = 0; i < 4; i++)
        h -= p[i] > 0 ? p[i] * log(p[i]) : 0;
      best = fmin(best, h);
    }
  return best - s_rho;
}

/* Degenerate block: Omega does not depend on the basis chosen inside it
 * (rotating rho by a unitary of the degenerate charge-0 pair, and rho_u
 * with it, which only adds rounding noise to rho_u), and equals the
 * brute-force minimum of Eq. 10.  Invariance: 1e-13 (rounding of two
 * entropies).  Brute force on a 400 x 400 grid of the Bloch sphere of the
 * pair: the entropy is quadratic near its minimum and the grid step is
 * ~4e-3, so the grid minimum lies above the true one by < 1e-4. */
static void test_sync_degenerate_invariance(void)
{
  qs_rng rng;
  qs_rng_seed(&rng, 303, 0);
  double deg[4] = {0.4, 0.25, 0.25, 0.1};
  double complex ru[16], rho[16], u2[4], u[16], rho2[16], ru2[16];
  diagonal(4, deg, ru);
  random_density(4, &rng, rho);
  random_unitary(2, &rng, u2);
  embed_middle(u2, u);
  conjugate_by(4, u, rho, rho2);
  conjugate_by(4, u, ru, ru2);
  double omega = sync_measure(4, two_qubit_charge, rho, ru);
  CU_ASSERT(omega > 0);
  CU_ASSERT_DOUBLE_EQUAL(sync_measure(4, two_qubit_charge, rho2, ru), omega, 1e-13);
  CU_ASSERT_DOUBLE_EQUAL(sync_measure(4, two_qubit_charge, rho2, ru2), omega, 1e-13);
  double brute = brute_force_degenerate(rho);
  CU_ASSERT(brute >= omega - 1e-13);
  CU_ASSERT(brute - omega < 1e-4);

  /* Non-degenerate rho_u with in-block coherence: rotating both rho_u and
   * rho by the same block unitary leaves Omega unchanged; Omega_blocks is
   * smaller (rho has coherence inside the charge-0 block). */
  double nd[4] = {0.4, 0.3, 0.2, 0.1};
  diagonal(4, nd, ru);
  omega = sync_measure(4, two_qubit_charge, rho, ru);
  conjugate_by(4, u, ru, ru2);
  CU_ASSERT_DOUBLE_EQUAL(sync_measure(4, two_qubit_charge, rho2, ru2), omega, 1e-13);
  CU_ASSERT(sync_blocks(4, two_qubit_charge, rho) < omega);
}

/* Appendix B: no block-diagonal sigma beats the pinching.  200 states
 * sigma = t P(rho) + (1 - t) tau, tau random block diagonal, for a two-qubit
 * and a two-qutrit rho (charge = total 2 S^z label).  The relative
 * entropies are computed here by matrix logarithms (independent of the
 * library); they are O(1) with rounding ~1e-14: margin 1e-12. */
static void test_sync_blocks_minimum(void)
{
  qs_rng rng;
  qs_rng_seed(&rng, 304, 0);
  int qutrit_charge[9];
  for (int ia = 0; ia < 3; ia++)
    for (int ib = 0; ib < 3; ib++)
      qutrit_charge[ia * 3 + ib] = 2 - ia - ib;
  const int *charges[2] = {two_qubit_charge, qutrit_charge};
  int dims[2] = {4, 9};
  for (int c = 0; c < 2; c++) {
    int n = dims[c];
    const int *charge = charges[c];
    double complex rho[81], pinched[81], tau[81], sigma[81];
    random_density(n, &rng, rho);
    for (int i = 0; i < n * n; i++)
      pinched[i] = charge[i % n] == charge[i / n] ? rho[i] : 0;
    double omega_b = sync_blocks(n, charge, rho);
    CU_ASSERT(omega_b > 0);
    CU_ASSERT_DOUBLE_EQUAL(relative_entropy(n, rho, pinched), omega_b, 1e-12);
    double worst = INFINITY;
    for (int draw = 0; draw < 200; draw++) {
      random_density(n, &rng, tau);
      double tr = 0;
      for (int i = 0; i < n * n; i++) {
        tau[i] = charge[i % n] == charge[i / n] ? tau[i] : 0;
        tr += (i % n == i / n) ? creal(tau[i]) : 0;
      }
      double t = qs_rng_uniform(&rng);
      for (int i = 0; i < n * n; i++)
        sigma[i] = t * pinched[i] + (1 - t) * tau[i] / tr;
      worst = fmin(worst, relative_entropy(n, rho, sigma));
    }
    CU_ASSERT(worst >= omega_b - 1e-12);
  }
}

static void test_sync_errors(void)
{
  double complex ru[16] = {0}, rho[16] = {0};
  double omega;
  for (int i = 0; i < 4; i++)
    ru[i + i * 4] = rho[i + i * 4] = 0.25;
  CU_ASSERT_EQUAL(qs_sync_measure(0, NULL, rho, ru, &omega), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_sync_measure(4, NULL, NULL, ru, &omega), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_sync_measure(4, NULL, rho, NULL, &omega), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_sync_measure(4, NULL, rho, ru, NULL), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_sync_measure_blocks(4, NULL, rho, NULL), QS_ERR_INVALID);
  /* rho_u with a coherence between charges 1 and 0 is not U(1) symmetric. */
  ru[0 + 1 * 4] = ru[1 + 0 * 4] = 0.01;
  CU_ASSERT_EQUAL(qs_sync_measure(4, two_qubit_charge, rho, ru, &omega), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_sync_measure(4, NULL, rho, ru, &omega), QS_OK);
}

/* ---- Negativity and Bell-CHSH --------------------------------------------
 *
 * References here are built from dense Kronecker products of the Pauli
 * matrices of qs_op_pauli (the library's basis convention) and traces,
 * not from the correlation matrix the library uses. */

static const double sqrt2 = 1.41421356237309504880;

static void pauli_dense(int k, double complex *d)
{
  qs_op *op = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_op_pauli("xyz"[k], &op), QS_OK);
  dense_op(op, d);
  qs_op_destroy(&op);
}

/* n . sigma for a 3-vector n. */
static void direction_dense(const double *n, double complex *d)
{
  double complex s[4];
  memset(d, 0, 4 * sizeof *d);
  for (int k = 0; k < 3; k++) {
    pauli_dense(k, s);
    for (int i = 0; i < 4; i++)
      d[i] += n[k] * s[i];
  }
}

/* <A (x) B> = Tr(rho4 (A (x) B)) for 2 x 2 matrices A, B. */
static double two_qubit_expect(const double complex *rho4, const double complex *a,
                               const double complex *b)
{
  double complex ab[16];
  test_dense_kron(2, a, 2, b, ab);
  return creal(trace_product(4, ab, rho4));
}

static void pure_density(int n, const double complex *psi, double complex *rho)
{
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++)
      rho[i + j * n] = psi[i] * conj(psi[j]);
}

/* Random normalized vector of n complex amplitudes. */
static void random_pure(int n, qs_rng *rng, double complex *psi)
{
  double norm = 0;
  for (int i = 0; i < n; i++) {
    psi[i] = uniform_complex(rng);
    norm += creal(conj(psi[i]) * psi[i]);
  }
  for (int i = 0; i < n; i++)
    psi[i] /= sqrt(norm);
}

/* <S^2> with S = (sigma_1 + sigma_2)/2: sum_k Tr(rho S_k S_k),
 * S_k = (sigma_k (x) I + I (x) sigma_k)/2, all dense. */
static double total_spin2(const double complex *rho4)
{
  double complex s[4], eye[4] = {1, 0, 0, 1}, s1[16], s2[16], sk[16], sq[16];
  double sum = 0;
  for (int k = 0; k < 3; k++) {
    pauli_dense(k, s);
    test_dense_kron(2, s, 2, eye, s1);
    test_dense_kron(2, eye, 2, s, s2);
    for (int i = 0; i < 16; i++)
      sk[i] = 0.5 * (s1[i] + s2[i]);
    test_dense_mul(4, sk, sk, sq);
    sum += creal(trace_product(4, sq, rho4));
  }
  return sum;
}

/* Singlet |psi-> = (|ud> - |du>)/sqrt2, basis |uu>, |ud>, |du>, |dd>. */
static const double complex singlet[4] = {0, 0.70710678118654752440,
                                          -0.70710678118654752440, 0};

/* <psi-|rho|psi-> */
static double singlet_probability(const double complex *rho4)
{
  double complex s = 0;
  for (int j = 0; j < 4; j++)
    for (int i = 0; i < 4; i++)
      s += conj(singlet[i]) * rho4[i + j * 4] * singlet[j];
  return creal(s);
}

static double negativity(int na, int nb, const double complex *rho)
{
  double n = -1;
  CU_ASSERT_EQUAL(qs_negativity(na, nb, rho, &n), QS_OK);
  return n;
}

static double chsh_max(const double complex *rho4)
{
  double c = -1;
  CU_ASSERT_EQUAL(qs_chsh_max(rho4, &c), QS_OK);
  return c;
}

/* CHSH value from four dense expectation values. */
static double chsh_dense(const double complex *rho4, const double *a,
                         const double *a2, const double *b, const double *b2)
{
  double complex da[4], da2[4], db[4], db2[4];
  direction_dense(a, da);
  direction_dense(a2, da2);
  direction_dense(b, db);
  direction_dense(b2, db2);
  return two_qubit_expect(rho4, da, db) + two_qubit_expect(rho4, da, db2) +
         two_qubit_expect(rho4, da2, db) - two_qubit_expect(rho4, da2, db2);
}

static double norm3(const double *v)
{
  return sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
}

/* The four Bell states Phi+, Phi-, Psi+, Psi- (the singlet, last).
 * Each is maximally entangled: reduced states I/2, N = 1/2 (the partial
 * transpose of a Bell projector has eigenvalues 1/2 (x3) and -1/2).
 * Their correlation matrices are diagonal with entries +-1, so M = I and
 * chsh = 2 sqrt 2.  Phi+- and Psi+ lie in the triplet S = 1, S^2 = 2;
 * Psi- is the singlet, S^2 = 0.  The settings' values are reproduced to
 * rounding (~1e-15 on O(1) sums): tolerance 1e-13. */
static void test_bell_states(void)
{
  const double h = 0.70710678118654752440;
  const double complex bell[4][4] = {
    {h, 0, 0, h}, {h, 0, 0, -h}, {0, h, h, 0}, {0, h, -h, 0}};
  for (int s = 0; s < 4; s++) {
    double complex rho[16];
    pure_density(4, bell[s], rho);
    CU_ASSERT_DOUBLE_EQUAL(negativity(2, 2, rho), 0.5, 1e-13);
    CU_ASSERT_DOUBLE_EQUAL(chsh_max(rho), 2 * sqrt2, 1e-13);
    CU_ASSERT_DOUBLE_EQUAL(total_spin2(rho), s == 3 ? 0.0 : 2.0, 1e-13);
    CU_ASSERT_DOUBLE_EQUAL(singlet_probability(rho), s == 3 ? 1.0 : 0.0, 1e-13);
    double a[3], a2[3], b[3], b2[3], c = -1, v = -1;
    CU_ASSERT_EQUAL(qs_chsh_optimal_settings(rho, a, a2, b, b2, &c), QS_OK);
    CU_ASSERT_DOUBLE_EQUAL(c, 2 * sqrt2, 1e-13);
    CU_ASSERT_EQUAL(qs_chsh_value(rho, a, a2, b, b2, &v), QS_OK);
    CU_ASSERT_DOUBLE_EQUAL(v, 2 * sqrt2, 1e-13);
  }
  /* Textbook singlet setting: E(a, b) = -a.b; a = z, a2 = x,
   * b = -(z + x)/sqrt2, b2 = (x - z)/sqrt2 gives 4 / sqrt2 = 2 sqrt2. */
  double complex rho[16];
  pure_density(4, singlet, rho);
  double a[3] = {0, 0, 1}, a2[3] = {1, 0, 0}, b[3] = {-h, 0, -h},
         b2[3] = {h, 0, -h}, v = 0;
  CU_ASSERT_EQUAL(qs_chsh_value(rho, a, a2, b, b2, &v), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(v, 2 * sqrt2, 1e-13);
}

/* Bloch vector r_k = Tr(rho sigma_k) of a qubit. */
static void bloch_vector(const double complex *rho2, double *r)
{
  double complex s[4];
  for (int k = 0; k < 3; k++) {
    pauli_dense(k, s);
    r[k] = creal(trace_product(2, s, rho2));
  }
}

/* Products rho1 (x) rho2 have T = r1 r2^T (rank 1), so M has the single
 * nonzero eigenvalue |r1|^2 |r2|^2 and chsh = 2 |r1| |r2| <= 2; the
 * partial transpose is rho1 (x) rho2^T >= 0, N = 0.  |u>|d>: r1 = z,
 * r2 = -z, chsh = 2; S^2 = 1 and singlet probability 1/2, since
 * |ud> = (|T0> + |S>)/sqrt2.  |uu>: S^2 = 2, singlet probability 0.
 * zheev returns zero eigenvalues as ~1e-16: N < 1e-12 as asked. */
static void test_product_states(void)
{
  double complex up[2] = {1, 0}, down[2] = {0, 1}, r1[4], r2[4], rho[16];
  pure_density(2, up, r1);
  pure_density(2, down, r2);
  test_dense_kron(2, r1, 2, r2, rho);
  CU_ASSERT(negativity(2, 2, rho) < 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(chsh_max(rho), 2.0, 1e-13);
  CU_ASSERT_DOUBLE_EQUAL(total_spin2(rho), 1.0, 1e-13);
  CU_ASSERT_DOUBLE_EQUAL(singlet_probability(rho), 0.5, 1e-13);
  test_dense_kron(2, r1, 2, r1, rho);
  CU_ASSERT_DOUBLE_EQUAL(total_spin2(rho), 2.0, 1e-13);
  CU_ASSERT_DOUBLE_EQUAL(singlet_probability(rho), 0.0, 1e-13);

  qs_rng rng;
  qs_rng_seed(&rng, 401, 0);
  for (int draw = 0; draw < 20; draw++) {
    if (draw % 2 == 0) { /* pure product */
      double complex p1[2], p2[2];
      random_pure(2, &rng, p1);
      random_pure(2, &rng, p2);
      pure_density(2, p1, r1);
      pure_density(2, p2, r2);
    } else {
      random_density(2, &rng, r1);
      random_density(2, &rng, r2);
    }
    test_dense_kron(2, r1, 2, r2, rho);
    double b1[3], b2[3];
    bloch_vector(r1, b1);
    bloch_vector(r2, b2);
    double c = chsh_max(rho);
    CU_ASSERT(negativity(2, 2, rho) < 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(c, 2 * norm3(b1) * norm3(b2), 1e-13);
    CU_ASSERT(c <= 2.0 + 1e-13);
  }
}

/* Werner state p |psi-><psi-| + (1 - p) I/4.  Partial transpose: the
 * singlet's has eigenvalues 1/2 (x3), -1/2, so rho^{T_B} has (1 + p)/4
 * (x3) and (1 - 3p)/4: N = max(0, (3p - 1)/4).  T = -p I: chsh =
 * 2 sqrt(2 p^2) = 2 sqrt2 p.  Singlet probability p + (1 - p)/4; S^2 =
 * (1 - p) (3/4) 2 (three triplet states of weight (1 - p)/4 each). */
static void test_werner(void)
{
  const double ps[] = {0.0, 0.2, 1.0 / 3.0, 0.5, 0.8, 1.0};
  for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
    double p = ps[k];
    double complex rho[16];
    pure_density(4, singlet, rho);
    for (int i = 0; i < 16; i++)
      rho[i] = p * rho[i] + (i % 5 == 0 ? (1 - p) / 4 : 0);
    CU_ASSERT_DOUBLE_EQUAL(negativity(2, 2, rho), fmax(0.0, (3 * p - 1) / 4), 1e-13);
    CU_ASSERT_DOUBLE_EQUAL(chsh_max(rho), 2 * sqrt2 * p, 1e-13);
    CU_ASSERT_DOUBLE_EQUAL(singlet_probability(rho), p + (1 - p) / 4, 1e-13);
    CU_ASSERT_DOUBLE_EQUAL(total_spin2(rho), 1.5 * (1 - p), 1e-13);
  }
}

/* Unit vector at polar angle th, azimuth ph. */
static void unit_vector(double th, double ph, double *n)
{
  n[0] = sin(th) * cos(ph);
  n[1] = sin(th) * sin(ph);
  n[2] = cos(th);
}

/* qs_chsh_value against the dense four-term sum for random states and
 * directions (O(1) sums of 16-term traces: 1e-13); error paths. */
static void test_chsh_value(void)
{
  qs_rng rng;
  qs_rng_seed(&rng, 402, 0);
  double complex rho[16];
  double d[4][3], v = 0;
  for (int draw = 0; draw < 10; draw++) {
    random_density(4, &rng, rho);
    for (int k = 0; k < 4; k++)
      unit_vector(pi * qs_rng_uniform(&rng), 2 * pi * qs_rng_uniform(&rng), d[k]);
    CU_ASSERT_EQUAL(qs_chsh_value(rho, d[0], d[1], d[2], d[3], &v), QS_OK);
    CU_ASSERT_DOUBLE_EQUAL(v, chsh_dense(rho, d[0], d[1], d[2], d[3]), 1e-13);
  }
  double long_vector[3] = {0, 0, 1.001};
  CU_ASSERT_EQUAL(qs_chsh_value(rho, d[0], d[1], long_vector, d[3], &v), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_chsh_value(rho, d[0], NULL, d[2], d[3], &v), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_chsh_value(NULL, d[0], d[1], d[2], d[3], &v), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_chsh_value(rho, d[0], d[1], d[2], d[3], NULL), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_chsh_max(NULL, &v), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_chsh_max(rho, NULL), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_chsh_optimal_settings(rho, d[0], d[1], NULL, d[3], &v),
                  QS_ERR_INVALID);
}

/* CHSH of the four directions at angles x[0..7] (theta, phi pairs); the
 * largest value ever evaluated is kept in *seen. */
static double chsh_at(const double complex *rho4, const double *x, double *seen)
{
  double d[4][3], v = -INFINITY;
  for (int k = 0; k < 4; k++)
    unit_vector(x[2 * k], x[2 * k + 1], d[k]);
  CU_ASSERT_EQUAL(qs_chsh_value(rho4, d[0], d[1], d[2], d[3], &v), QS_OK);
  *seen = fmax(*seen, v);
  return v;
}

/* Compass search: try +-step on each angle, accept improvements, halve the
 * step after a sweep without one, stop below 1e-10 rad.  Near the maximum
 * the value error is quadratic in the angle error, far below 1e-6. */
static double compass_maximize(const double complex *rho4, double *x, double *seen)
{
  double best = chsh_at(rho4, x, seen);
  for (double step = 0.5; step > 1e-10;) {
    int improved = 0;
    for (int k = 0; k < 8; k++)
      for (int sign = -1; sign <= 1; sign += 2) {
        double keep = x[k];
        x[k] = keep + sign * step;
        double v = chsh_at(rho4, x, seen);
        if (v > best) {
          best = v;
          improved = 1;
        } else {
          x[k] = keep;
        }
      }
    if (!improved)
      step *= 0.5;
  }
  return best;
}

/* Closed form against a direct maximization over the four directions for
 * random mixed, random pure and partly entangled mixed states: the best of
 * 12 starts equals chsh_max to 1e-6, no evaluation exceeds it (beyond
 * rounding, 1e-12), and the settings of qs_chsh_optimal_settings are unit
 * vectors reaching it (1e-12). */
static void test_chsh_vs_optimization(void)
{
  qs_rng rng;
  qs_rng_seed(&rng, 403, 0);
  for (int draw = 0; draw < 8; draw++) {
    double complex rho[16], psi[4], mix[16];
    if (draw < 3) {
      random_density(4, &rng, rho);
    } else if (draw < 6) {
      random_pure(4, &rng, psi);
      pure_density(4, psi, rho);
    } else { /* 0.8 random pure + 0.2 random mixed */
      random_pure(4, &rng, psi);
      pure_density(4, psi, rho);
      random_density(4, &rng, mix);
      for (int i = 0; i < 16; i++)
        rho[i] = 0.8 * rho[i] + 0.2 * mix[i];
    }
    double closed = chsh_max(rho), seen = -INFINITY, best = -INFINITY;
    for (int start = 0; start < 12; start++) {
      double x[8];
      for (int k = 0; k < 8; k++)
        x[k] = 2 * pi * qs_rng_uniform(&rng);
      best = fmax(best, compass_maximize(rho, x, &seen));
    }
    CU_ASSERT_DOUBLE_EQUAL(best, closed, 1e-6);
    CU_ASSERT(seen <= closed + 1e-12);

    double a[3], a2[3], b[3], b2[3], c = -1, v = -1;
    CU_ASSERT_EQUAL(qs_chsh_optimal_settings(rho, a, a2, b, b2, &c), QS_OK);
    CU_ASSERT_DOUBLE_EQUAL(c, closed, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(chsh_dense(rho, a, a2, b, b2), closed, 1e-12);
    CU_ASSERT_EQUAL(qs_chsh_value(rho, a, a2, b, b2, &v), QS_OK);
    CU_ASSERT(fabs(norm3(a) - 1) < 1e-12 && fabs(norm3(a2) - 1) < 1e-12);
    CU_ASSERT(fabs(norm3(b) - 1) < 1e-12 && fabs(norm3(b2) - 1) < 1e-12);
  }
}

/* Reference negativity: partial transpose on A, block by block (block
 * (i1, j1) of size nb x nb moves to (j1, i1)), then the trace norm as the
 * sum of singular values (LAPACK zgesvd, not an eigensolver):
 * N = (||rho^{T_A}||_1 - Tr rho)/2.  rho^{T_A} is the transpose of
 * rho^{T_B}, so the spectra agree. */
static double negativity_reference(int na, int nb, const double complex *rho)
{
  int n = na * nb;
  double complex pt[MAXN2], u[1], vt[1];
  double sv[MAXN], superb[MAXN], sum = 0;
  for (int j1 = 0; j1 < na; j1++)
    for (int i1 = 0; i1 < na; i1++)
      for (int j2 = 0; j2 < nb; j2++)
        for (int i2 = 0; i2 < nb; i2++)
          pt[(j1 * nb + i2) + (i1 * nb + j2) * n] =
              rho[(i1 * nb + i2) + (j1 * nb + j2) * n];
  CU_ASSERT_EQUAL_FATAL(LAPACKE_zgesvd(LAPACK_COL_MAJOR, 'N', 'N', n, n, pt, n, sv,
                                       u, 1, vt, 1, superb), 0);
  for (int i = 0; i < n; i++)
    sum += sv[i];
  return 0.5 * (sum - creal(qs_trace(n, rho)));
}

/* Random states of 2x2, 2x3, 3x2, 3x3 against the reference (O(1)
 * spectra from two LAPACK routes: 1e-13).  Pure states with Schmidt
 * coefficients cos t, sin t under random local unitaries: rho^{T_B} has
 * the eigenvalues cos^2 t, sin^2 t, cos t sin t, -cos t sin t (and zeros),
 * so N = sin(2t)/2, independent of the local unitaries. */
static void test_negativity(void)
{
  qs_rng rng;
  qs_rng_seed(&rng, 404, 0);
  const int shapes[4][2] = {{2, 2}, {2, 3}, {3, 2}, {3, 3}};
  for (int s = 0; s < 4; s++) {
    int na = shapes[s][0], nb = shapes[s][1], n = na * nb;
    double complex rho[81], psi[9], ua[9], ub[9], u[81], schmidt[81];
    random_pure(n, &rng, psi); /* pure: entangled, N > 0 */
    pure_density(n, psi, rho);
    double ref = negativity_reference(na, nb, rho);
    CU_ASSERT(ref > 0.01);
    CU_ASSERT_DOUBLE_EQUAL(negativity(na, nb, rho), ref, 1e-13);
    random_density(n, &rng, rho);
    CU_ASSERT_DOUBLE_EQUAL(negativity(na, nb, rho), negativity_reference(na, nb, rho),
                           1e-13);

    double t = 0.3 + 0.2 * s;
    memset(psi, 0, sizeof psi);
    psi[0] = cos(t);            /* |0>|0> */
    psi[1 * nb + 1] = sin(t);   /* |1>|1> */
    pure_density(n, psi, schmidt);
    random_unitary(na, &rng, ua);
    random_unitary(nb, &rng, ub);
    test_dense_kron(na, ua, nb, ub, u);
    conjugate_by(n, u, schmidt, rho);
    CU_ASSERT_DOUBLE_EQUAL(negativity(na, nb, rho), 0.5 * sin(2 * t), 1e-13);
  }
  /* Maximally entangled 3x3: N = (3 - 1)/2. */
  double complex psi[9] = {0}, rho[81];
  psi[0] = psi[4] = psi[8] = 1 / sqrt(3.0);
  pure_density(9, psi, rho);
  CU_ASSERT_DOUBLE_EQUAL(negativity(3, 3, rho), 1.0, 1e-13);

  double out;
  CU_ASSERT_EQUAL(qs_negativity(0, 2, rho, &out), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_negativity(2, 0, rho, &out), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_negativity(2, 2, NULL, &out), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_negativity(2, 2, rho, NULL), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_negativity(50000, 50000, rho, &out), QS_ERR_INVALID);
}

int qs_test_register_metrics(void)
{
  static const test_case cases[] = {
    {"spin tensors: S=1/2 identities, error paths", test_tensor_spin_half},
    {"spin tensors: orthonormal for S=1/2..2 and S=10", test_tensor_orthonormal},
    {"spin tensors: rank 1 is the spin vector", test_tensor_rank_one},
    {"spin tensors: Racah commutators with S^z, S^+-", test_tensor_commutators},
    {"partial trace of products (2x3, 3x2, 2x3x2)", test_partial_trace_product},
    {"partial trace of a Bell state is I/2", test_partial_trace_bell},
    {"von Neumann entropy: pure, maximally mixed, binary", test_entropy},
    {"Husimi Q of a qubit is Eq. 7", test_husimi_qubit_eq7},
    {"Husimi Q: tensor expansion equals coherent-state overlap", test_husimi_tensor_vs_direct},
    {"Husimi Q integrates to 4 pi/(2S+1)", test_husimi_normalization},
    {"Husimi Q of a coherent state", test_husimi_coherent_state},
    {"phase distribution of a qubit is Eq. 8", test_phase_distribution_qubit},
    {"phase distribution S=1, 3/2 against a double integral", test_phase_distribution_spin},
    {"sync measure vanishes at the undriven state", test_sync_zero_at_undriven},
    {"sync measure of |++> with rho_u = I/4 is (3/2) ln 2", test_sync_plus_state},
    {"sync measure: second-order formula", test_sync_second_order},
    {"sync measure: degenerate block, basis invariance, brute force", test_sync_degenerate_invariance},
    {"block measure: pinching is the minimizer", test_sync_blocks_minimum},
    {"sync measure error paths", test_sync_errors},
    {"Bell states: N = 1/2, CHSH = 2 sqrt2, S^2, singlet", test_bell_states},
    {"product states: N = 0, CHSH = 2 |r1||r2| <= 2", test_product_states},
    {"Werner state: N = (3p-1)/4, CHSH = 2 sqrt2 p", test_werner},
    {"CHSH value against dense expectations, error paths", test_chsh_value},
    {"CHSH closed form against direct maximization", test_chsh_vs_optimization},
    {"negativity: SVD reference, Schmidt states, 2x3, 3x3", test_negativity},
  };
  return test_add_suite("metrics", cases, (int)(sizeof cases / sizeof cases[0]));
}
