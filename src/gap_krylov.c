/* (L - sigma)^{-1} b without a sparse LU: see src/gap_impl.h.
 *
 * L - sigma = -(L0 + sigma) + L1 with L0 rho = A rho + rho A^dag (the
 * splitting of lindblad.h), and (L0 + sigma) rho = (A + sigma/2) rho +
 * rho (A + conj(sigma)/2)^dag is a Sylvester equation: on the Schur form
 * A = Q T Q^dag it is (T + sigma/2) Y + Y (T + conj(sigma)/2)^H = Q^dag C Q,
 * solved by qs_sylvester_triangular.  GMRES (gmres.h) solves
 * (L - sigma) x = b right-preconditioned by M = -(L0 + sigma): the operator
 * is (L - sigma) M^{-1}, applied with the sparse Liouvillian.  The real
 * inner product of gmres.h is valid for this complex-linear operator (GMRES
 * on R^{2n}). */
#include "gap_impl.h"
#include "message_impl.h"
#include "steady_sylvester_impl.h"
#include "qsync/gmres.h"
#include "qsync/lindblad.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GAP_KRYLOV_RESTART 30
#define GAP_KRYLOV_MAX_ITER 2000

struct gap_krylov {
  int n;                   /* N */
  const qs_op *L;          /* N^2 x N^2, borrowed */
  double complex sigma;
  double complex *Q, *T;   /* Schur form of A */
  double complex *Ta, *Tb; /* T + sigma/2, T + conj(sigma)/2 */
  double complex *W, *Y;   /* N x N scratch */
  const double complex *b; /* right-hand side of the current solve */
  qs_gmres *gmres;
  long iterations;
};

double qs_gap_krylov_memory(qs_index n)
{
  return 16.0 * (double)n * (double)n * (6.0 + GAP_KRYLOV_RESTART + 2.0);
}

void qs_gap_krylov_destroy(gap_krylov **k)
{
  if (!k || !*k)
    return;
  gap_krylov *g = *k;
  free(g->Q);
  free(g->T);
  free(g->Ta);
  free(g->Tb);
  free(g->W);
  free(g->Y);
  qs_gmres_destroy(&g->gmres);
  free(g);
  *k = NULL;
}

qs_status qs_gap_krylov_create(const qs_model *model, const qs_op *L, gap_krylov **out,
                               char *msg, size_t msglen)
{
  *out = NULL;
  const int n = (int)model->space.total;
  const size_t nn = (size_t)n * (size_t)n;
  gap_krylov *k = calloc(1, sizeof *k);
  qs_op *A = NULL;
  double complex *eig = malloc((size_t)n * sizeof *eig);
  qs_status st = k && eig ? QS_OK : QS_ERR_NOMEM;
  if (st == QS_OK) {
    k->n = n;
    k->L = L;
    k->Q = malloc(nn * sizeof *k->Q);
    k->T = malloc(nn * sizeof *k->T);
    k->Ta = malloc(nn * sizeof *k->Ta);
    k->Tb = malloc(nn * sizeof *k->Tb);
    k->W = malloc(nn * sizeof *k->W);
    k->Y = malloc(nn * sizeof *k->Y);
    if (!k->Q || !k->T || !k->Ta || !k->Tb || !k->W || !k->Y)
      st = QS_ERR_NOMEM;
  }
  if (st == QS_OK)
    st = qs_gmres_create((qs_index)nn, GAP_KRYLOV_RESTART, &k->gmres);
  if (st == QS_OK)
    st = qs_steady_build_A(model, &A);
  if (st == QS_OK) {
    qs_op_to_dense(A, k->T);
    lapack_int sdim = 0;
    lapack_int info =
        LAPACKE_zgees(LAPACK_COL_MAJOR, 'V', 'N', NULL, n, k->T, n, &sdim, eig, k->Q, n);
    if (info != 0) {
      st = QS_ERR_LAPACK;
      qs_set_message(msg, msglen, "gap (arpack_krylov): Schur form of A (zgees, N = %d) "
                     "failed: info %d", n, (int)info);
    }
  } else {
    qs_set_message(msg, msglen, "gap (arpack_krylov): workspace for N = %d: %s", n,
                   qs_strerror(st));
  }
  qs_op_destroy(&A);
  free(eig);
  if (st != QS_OK)
    qs_gap_krylov_destroy(&k);
  *out = k;
  return st;
}

void qs_gap_krylov_set_shift(gap_krylov *k, double complex sigma)
{
  const size_t nn = (size_t)k->n * (size_t)k->n;
  k->sigma = sigma;
  memcpy(k->Ta, k->T, nn * sizeof *k->T);
  memcpy(k->Tb, k->T, nn * sizeof *k->T);
  for (int i = 0; i < k->n; i++) {
    k->Ta[i + (size_t)i * k->n] += sigma / 2;
    k->Tb[i + (size_t)i * k->n] += conj(sigma) / 2;
  }
}

/* z <- M^{-1} z = -(L0 + sigma)^{-1} z (z an N x N column-major matrix). */
static qs_status apply_minv(gap_krylov *k, double complex *z)
{
  const int n = k->n;
  const double complex one = 1.0, zero = 0.0, minus = -1.0;
  /* W = Q^dag z, z = W Q: z becomes Q^dag C Q */
  cblas_zgemm(CblasColMajor, CblasConjTrans, CblasNoTrans, n, n, n, &one, k->Q, n, z, n,
              &zero, k->W, n);
  cblas_zgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, &one, k->W, n, k->Q, n,
              &zero, z, n);
  qs_status st = qs_sylvester_triangular(n, n, k->Ta, n, k->Tb, n, z, n);
  if (st != QS_OK)
    return st;
  /* z = -Q Y Q^dag */
  cblas_zgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, &one, k->Q, n, z, n, &zero,
              k->W, n);
  cblas_zgemm(CblasColMajor, CblasNoTrans, CblasConjTrans, n, n, n, &minus, k->W, n, k->Q, n,
              &zero, z, n);
  return QS_OK;
}

/* w = (L - sigma) y. */
static void apply_shifted(const gap_krylov *k, const double complex *y, double complex *w)
{
  qs_op_apply(k->L, y, w);
  for (qs_index i = 0; i < k->L->dim; i++)
    w[i] -= k->sigma * y[i];
}

static qs_status op_apply(const double complex *v, double complex *w, void *data)
{
  gap_krylov *k = data;
  memcpy(k->Y, v, (size_t)k->L->dim * sizeof *k->Y);
  qs_status st = apply_minv(k, k->Y);
  if (st == QS_OK)
    apply_shifted(k, k->Y, w);
  return st;
}

static qs_status op_precond(double complex *z, void *data)
{
  return apply_minv(data, z);
}

/* res = ||b - (L - sigma) x|| / ||x||, gmres.h's convention (its in-cycle
 * test compares with tol ||x||). */
static qs_status op_residual(double complex *x, double complex *r, double *res, void *data)
{
  gap_krylov *k = data;
  apply_shifted(k, x, r);
  double s = 0.0, sx = 0.0;
  for (qs_index i = 0; i < k->L->dim; i++) {
    r[i] = k->b[i] - r[i];
    s += creal(r[i] * conj(r[i]));
    sx += creal(x[i] * conj(x[i]));
  }
  *res = sx > 0.0 ? sqrt(s / sx) : 1e300;
  return QS_OK;
}

qs_status qs_gap_krylov_solve(gap_krylov *k, const double complex *b, double complex *x,
                              double tol)
{
  const qs_index n2 = k->L->dim;
  double s = 0.0;
  for (qs_index i = 0; i < n2; i++)
    s += creal(b[i] * conj(b[i]));
  memset(x, 0, (size_t)n2 * sizeof *x);
  if (s == 0.0)
    return QS_OK;
  k->b = b;
  /* x = 0: r = b and res as large as finite (gmres.h stops on non-finite
   * res); r is scratch of the callbacks until rewritten */
  double complex *r = malloc((size_t)n2 * sizeof *r);
  if (!r)
    return QS_ERR_NOMEM;
  memcpy(r, b, (size_t)n2 * sizeof *r);
  double res = 1e300;
  int its = 0;
  qs_gmres_problem p = {op_apply, op_precond, op_residual, k};
  qs_gmres_options o = qs_gmres_default_options();
  /* the error of x is ||(L - sigma)^{-1} r|| <~ ||r|| / Re sigma (sigma is
   * as near the spectrum as any point): relative accuracy tol of x needs
   * ||r|| / ||x|| <= tol Re sigma */
  o.tol = tol * creal(k->sigma);
  o.max_iter = GAP_KRYLOV_MAX_ITER;
  qs_status st = qs_gmres_solve(k->gmres, &p, &o, x, r, &res, &its);
  k->iterations += its;
  free(r);
  if (st == QS_OK && !(res <= tol))
    st = QS_ERR_NOT_CONVERGED;
  return st;
}

long qs_gap_krylov_iterations(const gap_krylov *k)
{
  return k ? k->iterations : 0;
}
