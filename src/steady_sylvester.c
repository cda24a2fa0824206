/* Steady states by the Sylvester splitting L = -L0 + L1 (driven-resonator
 * paper): L0 rho = A rho + rho A^dag with A = iH + (1/2) sum_k c_k^dag c_k,
 * L1 rho = sum_k c_k rho c_k^dag.  L0^{-1} is applied by Bartels-Stewart on
 * the Schur form A = Q T Q^dag (zgees once); the triangular equation
 * T Y + Y T^dag = C is solved by a recursive blocked solver on top of
 * level-3 BLAS (LAPACK ztrsyl of the OpenBLAS build crashes above N ~ 150
 * and its unblocked algorithm is slow).  See include/qsync/lindblad.h for
 * the fixed-point and GMRES formulations. */
#include "steady_sylvester_impl.h"
#include "density_impl.h"
#include "message_impl.h"
#include "qsync/gmres.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef double complex dcomplex;

/* Blocks of the triangular solver at or below this size are solved by the
 * column-by-column substitution kernel; larger ones are split in two and
 * the coupling is a zgemm/zhemm/zher2k update. */
#define SYLV_BASE 48

/* Largest N the splitting solvers accept: 2 N^2 doubles must fit in a
 * BLAS int (the real inner products run over 2 N^2 doubles). */
#define SPLIT_MAX_DIM 32000

/* Fixed-point steps over which the convergence factor is measured when
 * the fixed point stops unconverged. */
#define RATE_WINDOW 10

/* ---- triangular Sylvester and Lyapunov solvers -------------------------- */

/* y -= a x for n complex numbers, in real arithmetic (no complex-multiply
 * NaN recovery in the hot loop). */
static void zaxpy_minus(int n, dcomplex a, const dcomplex *x, dcomplex *y)
{
  const double ar = creal(a), ai = cimag(a);
  const double *xp = (const double *)x;
  double *yp = (double *)y;
  for (int i = 0; i < n; i++) {
    double xr = xp[2 * i], xi = xp[2 * i + 1];
    yp[2 * i] -= ar * xr - ai * xi;
    yp[2 * i + 1] -= ar * xi + ai * xr;
  }
}

/* A Y + Y B^H = C for small blocks, column by column from the last: column
 * j of Y B^H is sum_{k >= j} conj(B_jk) y_k, so y_j solves the upper
 * triangular (A + conj(B_jj)) y_j = c_j - sum_{k > j} conj(B_jk) y_k.
 * Returns -1 on a zero pivot (A and -B^H share an eigenvalue). */
static int sylv_base(int m, int n, const dcomplex *A, int lda, const dcomplex *B, int ldb,
                     dcomplex *C, int ldc)
{
  for (int j = n - 1; j >= 0; j--) {
    dcomplex *cj = C + (size_t)j * (size_t)ldc;
    for (int k = j + 1; k < n; k++) {
      dcomplex b = conj(B[j + (size_t)k * (size_t)ldb]);
      if (b != 0.0)
        zaxpy_minus(m, b, C + (size_t)k * (size_t)ldc, cj);
    }
    const dcomplex bjj = conj(B[j + (size_t)j * (size_t)ldb]);
    for (int i = m - 1; i >= 0; i--) {
      dcomplex d = A[i + (size_t)i * (size_t)lda] + bjj;
      if (d == 0.0)
        return -1;
      dcomplex y = cj[i] / d;
      cj[i] = y;
      zaxpy_minus(i, y, A + (size_t)i * (size_t)lda, cj);
    }
  }
  return 0;
}

/* A Y + Y B^H = C, A (m x m) and B (n x n) upper triangular; Y overwrites
 * C.  The larger dimension is halved:
 *   rows:    A22 Y2 + Y2 B^H = C2,  A11 Y1 + Y1 B^H = C1 - A12 Y2;
 *   columns: A Y2 + Y2 B22^H = C2,  A Y1 + Y1 B11^H = C1 - Y2 B12^H. */
static int sylv_rec(int m, int n, const dcomplex *A, int lda, const dcomplex *B, int ldb,
                    dcomplex *C, int ldc)
{
  if (m <= SYLV_BASE && n <= SYLV_BASE)
    return sylv_base(m, n, A, lda, B, ldb, C, ldc);
  const dcomplex one = 1.0, mone = -1.0;
  const size_t la = (size_t)lda, lb = (size_t)ldb, lc = (size_t)ldc;
  if (m >= n) {
    int m1 = m / 2, m2 = m - m1;
    if (sylv_rec(m2, n, A + m1 + m1 * la, lda, B, ldb, C + m1, ldc))
      return -1;
    cblas_zgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, m1, n, m2, &mone, A + m1 * la, lda,
                C + m1, ldc, &one, C, ldc);
    return sylv_rec(m1, n, A, lda, B, ldb, C, ldc);
  }
  int n1 = n / 2, n2 = n - n1;
  if (sylv_rec(m, n2, A, lda, B + n1 + n1 * lb, ldb, C + n1 * lc, ldc))
    return -1;
  cblas_zgemm(CblasColMajor, CblasNoTrans, CblasConjTrans, m, n1, n2, &mone, C + n1 * lc, ldc,
              B + n1 * lb, ldb, &one, C, ldc);
  return sylv_rec(m, n1, A, lda, B, ldb, C, ldc);
}

/* Hermitian (Lyapunov) case T Y + Y T^H = C with C = C^H: only the upper
 * triangle of C is read and only the upper triangle of Y is defined on
 * return (the lower triangle is scratch).  With T = [T11 T12; 0 T22]:
 *   T22 Y22 + Y22 T22^H = C22,
 *   T11 Y12 + Y12 T22^H = C12 - T12 Y22        (general Sylvester),
 *   T11 Y11 + Y11 T11^H = C11 - T12 Y12^H - Y12 T12^H   (zher2k),
 * and Y21 = Y12^H is never formed: half the work of the general solver. */
static int lyap_rec(int n, const dcomplex *T, int ldt, dcomplex *C, int ldc)
{
  const size_t lt = (size_t)ldt, lc = (size_t)ldc;
  if (n <= SYLV_BASE) {
    for (int j = 0; j < n; j++)
      for (int i = j + 1; i < n; i++)
        C[i + j * lc] = conj(C[j + i * lc]);
    return sylv_base(n, n, T, ldt, T, ldt, C, ldc);
  }
  const dcomplex one = 1.0, mone = -1.0;
  int n1 = n / 2, n2 = n - n1;
  dcomplex *c12 = C + n1 * lc, *c22 = C + n1 + n1 * lc;
  const dcomplex *t12 = T + n1 * lt, *t22 = T + n1 + n1 * lt;
  if (lyap_rec(n2, t22, ldt, c22, ldc))
    return -1;
  cblas_zhemm(CblasColMajor, CblasRight, CblasUpper, n1, n2, &mone, c22, ldc, t12, ldt, &one,
              c12, ldc);
  if (sylv_rec(n1, n2, T, ldt, t22, ldt, c12, ldc))
    return -1;
  cblas_zher2k(CblasColMajor, CblasUpper, CblasNoTrans, n1, n2, &mone, t12, ldt, c12, ldc, 1.0,
               C, ldc);
  return lyap_rec(n1, T, ldt, C, ldc);
}

qs_status qs_sylvester_triangular(qs_index m, qs_index n, const double complex *A,
                                  qs_index lda, const double complex *B, qs_index ldb,
                                  double complex *C, qs_index ldc)
{
  if (m < 0 || n < 0 || !A || !B || !C || lda < (m > 1 ? m : 1) || ldb < (n > 1 ? n : 1) ||
      ldc < (m > 1 ? m : 1))
    return QS_ERR_INVALID;
  if (m > 46340 || n > 46340 || lda > INT32_MAX || ldb > INT32_MAX || ldc > INT32_MAX)
    return QS_ERR_TOO_LARGE;
  if (m == 0 || n == 0)
    return QS_OK;
  return sylv_rec((int)m, (int)n, A, (int)lda, B, (int)ldb, C, (int)ldc) ? QS_ERR_SINGULAR
                                                                         : QS_OK;
}

/* ---- dense Hermitian helpers ------------------------------------------- */

/* Copy the upper triangle onto the lower one (conjugated) and make the
 * diagonal real: X becomes exactly Hermitian. */
static void mirror_upper(int n, dcomplex *X)
{
  const size_t ln = (size_t)n;
  const int bs = 64;
  for (int jb = 0; jb < n; jb += bs)
    for (int ib = 0; ib <= jb; ib += bs)
      for (int j = jb; j < jb + bs && j < n; j++)
        for (int i = ib; i < ib + bs && i < j; i++)
          X[j + i * ln] = conj(X[i + j * ln]);
  for (int i = 0; i < n; i++)
    X[i + i * ln] = creal(X[i + i * ln]);
}

/* Columns per block of the triangle-only products: with K blocks the cost
 * is (K + 1) / (2K) of a full product. */
static int tri_block(int n)
{
  int nb = (n + 7) / 8;
  return nb < 64 ? 64 : nb;
}

/* Upper triangle of R = P^H W (all n x n). */
static void upper_ph_w(int n, const dcomplex *P, const dcomplex *W, dcomplex *R)
{
  const dcomplex one = 1.0, zero = 0.0;
  const int nb = tri_block(n);
  for (int j0 = 0; j0 < n; j0 += nb) {
    int jb = n - j0 < nb ? n - j0 : nb;
    cblas_zgemm(CblasColMajor, CblasConjTrans, CblasNoTrans, j0 + jb, jb, n, &one, P, n,
                W + (size_t)j0 * (size_t)n, n, &zero, R + (size_t)j0 * (size_t)n, n);
  }
}

/* Upper triangle of R = W P^H (all n x n). */
static void upper_w_ph(int n, const dcomplex *W, const dcomplex *P, dcomplex *R)
{
  const dcomplex one = 1.0, zero = 0.0;
  const int nb = tri_block(n);
  for (int j0 = 0; j0 < n; j0 += nb) {
    int jb = n - j0 < nb ? n - j0 : nb;
    cblas_zgemm(CblasColMajor, CblasNoTrans, CblasConjTrans, j0 + jb, jb, n, &one, W, n,
                P + j0, n, &zero, R + (size_t)j0 * (size_t)n, n);
  }
}

static double fnorm(int n, const dcomplex *x)
{
  return cblas_dnrm2(2 * n * n, (const double *)x, 1);
}

/* ---- sparse operator times dense matrix -------------------------------- */

/* Y = alpha a X (acc = 0) or Y += alpha a X (acc = 1); X, Y n x n. */
static void sp_left(const qs_op *a, dcomplex alpha, const dcomplex *X, dcomplex *Y, int acc)
{
  const int n = (int)a->dim;
#pragma omp parallel for schedule(static) if (n >= 256)
  for (int j = 0; j < n; j++) {
    const dcomplex *x = X + (size_t)j * (size_t)n;
    dcomplex *y = Y + (size_t)j * (size_t)n;
    for (int r = 0; r < n; r++) {
      dcomplex s = 0.0;
      for (qs_index k = a->row_start[r]; k < a->row_start[r + 1]; k++)
        s += a->val[k] * x[a->col[k]];
      y[r] = acc ? y[r] + alpha * s : alpha * s;
    }
  }
}

/* Y = alpha X a^H (acc = 0) or Y += alpha X a^H (acc = 1): column j of
 * X a^H is sum over row j of a of conj(a_jl) X[:, l]. */
static void sp_right_adj(const qs_op *a, dcomplex alpha, const dcomplex *X, dcomplex *Y, int acc)
{
  const int n = (int)a->dim;
#pragma omp parallel for schedule(static) if (n >= 256)
  for (int j = 0; j < n; j++) {
    dcomplex *y = Y + (size_t)j * (size_t)n;
    if (!acc)
      memset(y, 0, (size_t)n * sizeof *y);
    for (qs_index k = a->row_start[j]; k < a->row_start[j + 1]; k++)
      zaxpy_minus(n, -alpha * conj(a->val[k]), X + (size_t)a->col[k] * (size_t)n, y);
  }
}

/* ---- the splitting workspace ------------------------------------------- */

typedef struct {
  int n;
  const qs_model *model;
  qs_op *A;     /* sparse A = iH + (1/2) sum c^dag c */
  dcomplex *Q;  /* Schur vectors, A = Q T Q^H */
  dcomplex *T;  /* upper triangular Schur factor */
  dcomplex *W;  /* n x n scratch of the L0^{-1} solve */
  dcomplex *Z;  /* n x n scratch of L1 and L */
} split_ws;

static void split_free(split_ws *ws)
{
  qs_op_destroy(&ws->A);
  free(ws->Q);
  free(ws->T);
  free(ws->W);
  free(ws->Z);
}

qs_status qs_steady_build_A(const qs_model *model, qs_op **A)
{
  qs_op *h_eff = NULL;
  qs_status st = qs_model_effective_hamiltonian(model, &h_eff);
  *A = NULL;
  if (st == QS_OK)
    st = qs_op_scale(I, h_eff, A);  /* A = i H + (1/2) sum c^dag c = i H_eff */
  qs_op_destroy(&h_eff);
  return st;
}

/* Sparse A and the Schur form of the dense A (zgees, O(25 N^3)). */
static qs_status split_init(split_ws *ws, const qs_model *model, char *msg, size_t msglen)
{
  memset(ws, 0, sizeof *ws);
  const int n = (int)model->space.total;
  const size_t nn = (size_t)n * (size_t)n;
  ws->n = n;
  ws->model = model;
  qs_status st = qs_steady_build_A(model, &ws->A);
  if (st != QS_OK)
    return st;
  ws->Q = malloc(nn * sizeof *ws->Q);
  ws->T = malloc(nn * sizeof *ws->T);
  ws->W = malloc(nn * sizeof *ws->W);
  ws->Z = malloc(nn * sizeof *ws->Z);
  dcomplex *eig = malloc((size_t)n * sizeof *eig);
  if (!ws->Q || !ws->T || !ws->W || !ws->Z || !eig) {
    free(eig);
    return QS_ERR_NOMEM;
  }
  qs_op_to_dense(ws->A, ws->T);
  lapack_int sdim = 0;
  lapack_int info =
      LAPACKE_zgees(LAPACK_COL_MAJOR, 'V', 'N', NULL, n, ws->T, n, &sdim, eig, ws->Q, n);
  if (info != 0) {
    qs_set_message(msg, msglen, "Schur decomposition of A (zgees, N = %d) failed: info %d", n,
                   (int)info);
    free(eig);
    return QS_ERR_LAPACK;
  }
  /* L0 has the eigenvalues lambda_i + conj(lambda_j): invertible iff every
   * eigenvalue of A has Re > 0, i.e. no state is left alone by all c_k and
   * kept by H. */
  double min_re = INFINITY, max_abs = 0.0;
  for (int i = 0; i < n; i++) {
    min_re = fmin(min_re, creal(eig[i]));
    max_abs = fmax(max_abs, cabs(eig[i]));
  }
  free(eig);
  if (!(min_re > 1e-13 * max_abs)) {
    qs_set_message(msg, msglen,
                   "Sylvester splitting: L0 is singular (an eigenvalue of A = iH + "
                   "sum c^dag c / 2 has real part %.3g <= 1e-13 |A|): some state is "
                   "neither damped nor coupled out",
                   min_re);
    return QS_ERR_SINGULAR;
  }
  return QS_OK;
}

/* X <- L0^{-1} X for Hermitian X (only the upper triangle is read; X is
 * exactly Hermitian on return):  C~ = Q^H X Q,  T Y + Y T^H = C~,
 * X = Q Y Q^H.  Cost 3.5 N^3 complex multiply-adds (zhemm 1, triangle
 * products 2 x 0.56, Lyapunov 0.5). */
static qs_status l0_solve(split_ws *ws, dcomplex *X)
{
  const int n = ws->n;
  const dcomplex one = 1.0, zero = 0.0;
  cblas_zhemm(CblasColMajor, CblasLeft, CblasUpper, n, n, &one, X, n, ws->Q, n, &zero, ws->W, n);
  upper_ph_w(n, ws->Q, ws->W, X);
  if (lyap_rec(n, ws->T, n, X, n))
    return QS_ERR_SINGULAR;
  cblas_zhemm(CblasColMajor, CblasRight, CblasUpper, n, n, &one, X, n, ws->Q, n, &zero, ws->W, n);
  upper_w_ph(n, ws->W, ws->Q, X);
  mirror_upper(n, X);
  return QS_OK;
}

/* Y = L1 X = sum_k c_k X c_k^H, Hermitized. */
static void apply_l1(split_ws *ws, const dcomplex *X, dcomplex *Y)
{
  const qs_model *m = ws->model;
  memset(Y, 0, (size_t)ws->n * (size_t)ws->n * sizeof *Y);
  for (int k = 0; k < m->n_c; k++) {
    sp_left(m->c[k], 1.0, X, ws->Z, 0);
    sp_right_adj(m->c[k], 1.0, ws->Z, Y, 1);
  }
  qs_hermitize(ws->n, Y);
}

/* R = L X = L1 X - A X - X A^H; returns ||R||_F / ||X||_F. */
static double residual(split_ws *ws, const dcomplex *X, dcomplex *R)
{
  apply_l1(ws, X, R);
  sp_left(ws->A, -1.0, X, R, 1);
  sp_right_adj(ws->A, -1.0, X, R, 1);
  return fnorm(ws->n, R) / fnorm(ws->n, X);
}

static qs_status initial_state(int n, const dcomplex *guess, dcomplex *x)
{
  const size_t nn = (size_t)n * (size_t)n;
  if (guess) {
    memcpy(x, guess, nn * sizeof *x);
  } else {
    memset(x, 0, nn * sizeof *x);
    for (int i = 0; i < n; i++)
      x[i + (size_t)i * (size_t)n] = 1.0;
  }
  return qs_density_normalize(n, x);
}

/* Fixed point rho <- L0^{-1} L1 rho / Tr(...). */
static qs_status fixed_point(split_ws *ws, const qs_steady_options *opt, dcomplex *x,
                             qs_steady_info *info, char *msg, size_t msglen)
{
  const int n = ws->n;
  const size_t nn = (size_t)n * (size_t)n;
  dcomplex *r = malloc(nn * sizeof *r);
  if (!r)
    return QS_ERR_NOMEM;
  qs_status st = initial_state(n, opt->guess, x);
  double res = st == QS_OK ? residual(ws, x, r) : NAN;
  double recent[RATE_WINDOW + 1]; /* residuals of the last RATE_WINDOW steps */
  int it = 0;
  recent[0] = res;
  while (st == QS_OK && !(res <= opt->tol) && it < opt->max_iter) {
    apply_l1(ws, x, r);
    memcpy(x, r, nn * sizeof *x);
    st = l0_solve(ws, x);
    if (st == QS_OK)
      st = qs_density_normalize(n, x);
    if (st == QS_OK)
      res = residual(ws, x, r);
    it++;
    recent[it % (RATE_WINDOW + 1)] = res;
    if (opt->progress)
      opt->progress(it, res, opt->progress_data);
  }
  info->iterations = it;
  info->residual = res;
  free(r);
  if (st == QS_OK && !isfinite(res))
    st = QS_ERR_NUMERIC;
  if (st == QS_OK && !(res <= opt->tol)) {
    if (it >= RATE_WINDOW) {
      /* Linear convergence res_k ~ |mu_2|^k: the mean factor over the
       * last steps estimates the second eigenvalue of L0^{-1} L1. */
      double rate = pow(res / recent[(it - RATE_WINDOW) % (RATE_WINDOW + 1)], 1.0 / RATE_WINDOW);
      double more = rate < 1.0 ? log(opt->tol / res) / log(rate) : INFINITY;
      qs_set_message(msg, msglen,
                     "sylvester fixed point: residual %.3g > tol %.3g after max_iter = %d "
                     "iterations; it shrinks by a factor %.4f per step (|second eigenvalue| "
                     "of L0^-1 L1), so about %.3g more steps are needed; method krylov "
                     "converges much faster",
                     res, opt->tol, it, rate, ceil(more));
    } else {
      qs_set_message(msg, msglen,
                     "sylvester fixed point: residual %.3g > tol %.3g after max_iter = %d "
                     "iterations",
                     res, opt->tol, it);
    }
    st = QS_ERR_NOT_CONVERGED;
  }
  return st;
}

/* GMRES (gmres.h) on L x = 0, right-preconditioned by L0^{-1}: with
 * A = -L = L0 - L1 and M = L0 the preconditioned operator is
 * A M^{-1} = I - L1 L0^{-1}, applied as v - L1 (L0^{-1} v); the system
 * is B z = L x0 with x = x0 + L0^{-1} z (so that L x = L x0 - B z: the
 * GMRES residual is the true residual L x). */
typedef struct {
  split_ws *ws;
  dcomplex *u;  /* n x n scratch for L0^{-1} v: GMRES's residual vector,
                   free during a cycle (gmres.h) */
} krylov_data;

/* w = v - L1 L0^{-1} v. */
static qs_status krylov_apply(const dcomplex *v, dcomplex *w, void *data)
{
  krylov_data *k = data;
  const int n = k->ws->n;
  memcpy(k->u, v, (size_t)n * (size_t)n * sizeof *k->u);
  qs_status st = l0_solve(k->ws, k->u);
  if (st != QS_OK)
    return st;
  apply_l1(k->ws, k->u, w);
  cblas_dscal(2 * n * n, -1.0, (double *)w, 1);
  cblas_daxpy(2 * n * n, 1.0, (const double *)v, 1, (double *)w, 1);
  return QS_OK;
}

static qs_status krylov_precond(dcomplex *z, void *data)
{
  return l0_solve(((krylov_data *)data)->ws, z);
}

/* Back to trace 1, then r = L x. */
static qs_status krylov_residual(dcomplex *x, dcomplex *r, double *res, void *data)
{
  krylov_data *k = data;
  qs_status st = qs_density_normalize(k->ws->n, x);
  if (st == QS_OK)
    *res = residual(k->ws, x, r);
  return st;
}

static qs_status gmres(split_ws *ws, const qs_steady_options *opt, int stall_cycles,
                       dcomplex *x, qs_steady_info *info, char *msg, size_t msglen)
{
  const size_t nn = (size_t)ws->n * (size_t)ws->n;
  dcomplex *r = malloc(nn * sizeof *r);
  krylov_data kd = {ws, r};
  qs_gmres *solver = NULL;
  qs_status st = r ? qs_gmres_create((qs_index)nn, opt->restart, &solver) : QS_ERR_NOMEM;
  if (st == QS_OK)
    st = initial_state(ws->n, opt->guess, x);
  double res = st == QS_OK ? residual(ws, x, r) : NAN;
  int it = 0;
  if (st == QS_OK) {
    const qs_gmres_problem problem = {krylov_apply, krylov_precond, krylov_residual, &kd};
    const qs_gmres_options go = {opt->tol, opt->max_iter, opt->progress, opt->progress_data,
                                 stall_cycles};
    st = qs_gmres_solve(solver, &problem, &go, x, r, &res, &it);
  }
  info->iterations = it;
  info->residual = res;
  if (st == QS_OK && !isfinite(res))
    st = QS_ERR_NUMERIC;
  if (st == QS_OK && !(res <= opt->tol)) {
    if (it < opt->max_iter)
      qs_set_message(msg, msglen,
                     "krylov (GMRES(%d)): residual %.3g > tol %.3g stagnated: it did not halve "
                     "over %d restart cycles (%d iterations in all)",
                     opt->restart, res, opt->tol, stall_cycles, it);
    else
      qs_set_message(msg, msglen,
                     "krylov (GMRES): residual %.3g > tol %.3g after max_iter = %d iterations",
                     res, opt->tol, it);
    st = QS_ERR_NOT_CONVERGED;
  }
  qs_gmres_destroy(&solver);
  free(r);
  return st;
}

qs_status qs_steady_splitting_solve(const qs_model *model, const qs_steady_options *opt,
                                    int stall_cycles, double complex *rho,
                                    qs_steady_info *info, char *msg, size_t msglen)
{
  if (model->space.total > SPLIT_MAX_DIM) {
    qs_set_message(msg, msglen, "%s: N = %lld above the largest supported %d",
                   qs_steady_method_name(opt->method), (long long)model->space.total,
                   SPLIT_MAX_DIM);
    return QS_ERR_TOO_LARGE;
  }
  split_ws ws;
  qs_status st = split_init(&ws, model, msg, msglen);
  if (st == QS_OK)
    st = opt->method == QS_STEADY_KRYLOV ? gmres(&ws, opt, stall_cycles, rho, info, msg, msglen)
                                         : fixed_point(&ws, opt, rho, info, msg, msglen);
  split_free(&ws);
  return st;
}

double qs_steady_splitting_memory(const qs_model *model, qs_steady_method method, int restart)
{
  const double n = (double)model->space.total, mat = 16.0 * n * n;
  /* Q, T, W, Z always; the zgees workspace (eigenvalues, work of optimal
   * size ~ 65 N, rwork N) and the sparse A are O(N). */
  double bytes = 4.0 * mat + 16.0 * 70.0 * n;
  if (method == QS_STEADY_KRYLOV)
    bytes += (double)(restart + 3) * mat; /* GMRES: V (restart + 1), z; r */
  else
    bytes += mat; /* r */
  return bytes;
}
