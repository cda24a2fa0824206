/* Restarted GMRES(m) in the real inner product Re(x^H y); see
 * include/qsync/gmres.h. */
#include "qsync/gmres.h"

#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef double complex dcomplex;

struct qs_gmres {
  qs_index n;   /* complex entries per vector */
  int len;      /* 2 n: reals per vector, the BLAS length */
  int m;        /* restart length */
  dcomplex *V;  /* m + 1 basis vectors */
  dcomplex *z;  /* the correction V y before M^{-1} */
  double *H;    /* (m + 1) x m Hessenberg matrix, column-major */
  double *cs, *sn; /* Givens rotations */
  double *g;    /* rotated right-hand side beta e_1 */
  double *y;    /* the least-squares solution */
};

qs_gmres_options qs_gmres_default_options(void)
{
  return (qs_gmres_options){.tol = 1e-10, .max_iter = 1000, .progress = NULL,
                            .progress_data = NULL, .stall_cycles = 0};
}

void qs_gmres_destroy(qs_gmres **gmres)
{
  if (!gmres || !*gmres)
    return;
  qs_gmres *g = *gmres;
  free(g->V);
  free(g->z);
  free(g->H);
  free(g->cs);
  free(g->sn);
  free(g->g);
  free(g->y);
  free(g);
  *gmres = NULL;
}

qs_status qs_gmres_create(qs_index n, int restart, qs_gmres **out)
{
  if (!out)
    return QS_ERR_INVALID;
  *out = NULL;
  if (n < 1 || restart < 1)
    return QS_ERR_INVALID;
  if (n > INT_MAX / 2)
    return QS_ERR_TOO_LARGE;
  qs_gmres *g = calloc(1, sizeof *g);
  if (!g)
    return QS_ERR_NOMEM;
  const size_t m = (size_t)restart, nn = (size_t)n;
  g->n = n;
  g->len = (int)(2 * n);
  g->m = restart;
  g->V = malloc((m + 1) * nn * sizeof *g->V);
  g->z = malloc(nn * sizeof *g->z);
  g->H = calloc((m + 1) * m, sizeof *g->H);
  g->cs = malloc(m * sizeof *g->cs);
  g->sn = malloc(m * sizeof *g->sn);
  g->g = malloc((m + 1) * sizeof *g->g);
  g->y = malloc(m * sizeof *g->y);
  if (!g->V || !g->z || !g->H || !g->cs || !g->sn || !g->g || !g->y) {
    qs_gmres_destroy(&g);
    return QS_ERR_NOMEM;
  }
  *out = g;
  return QS_OK;
}

static double rdot(const qs_gmres *g, const dcomplex *x, const dcomplex *y)
{
  return cblas_ddot(g->len, (const double *)x, 1, (const double *)y, 1);
}

static double norm(const qs_gmres *g, const dcomplex *x)
{
  return cblas_dnrm2(g->len, (const double *)x, 1);
}

static void axpy(const qs_gmres *g, double a, const dcomplex *x, dcomplex *y)
{
  cblas_daxpy(g->len, a, (const double *)x, 1, (double *)y, 1);
}

static dcomplex *basis(const qs_gmres *g, int i)
{
  return g->V + (size_t)i * (size_t)g->n;
}

/* Column k of H: the new basis vector w = A M^{-1} v_k orthogonalized
 * against v_0..v_k (modified Gram-Schmidt, twice), its norm h[k+1], and
 * w normalized into v_{k+1}. */
static void orthogonalize(qs_gmres *g, int k, double *h)
{
  dcomplex *w = basis(g, k + 1);
  for (int i = 0; i <= k; i++)
    h[i] = 0.0;
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i <= k; i++) {
      const double hij = rdot(g, basis(g, i), w);
      h[i] += hij;
      axpy(g, -hij, basis(g, i), w);
    }
  h[k + 1] = norm(g, w);
  if (h[k + 1] > 0.0)
    cblas_zdscal((int)g->n, 1.0 / h[k + 1], w, 1);
}

/* Apply the earlier rotations to column k of H, make the rotation that
 * zeroes h[k+1], and rotate g; returns the new diagonal h[k] (0 on a
 * breakdown). */
static double rotate(qs_gmres *g, int k, double *h)
{
  for (int i = 0; i < k; i++) {
    const double t = g->cs[i] * h[i] + g->sn[i] * h[i + 1];
    h[i + 1] = -g->sn[i] * h[i] + g->cs[i] * h[i + 1];
    h[i] = t;
  }
  const double den = hypot(h[k], h[k + 1]);
  g->cs[k] = den > 0.0 ? h[k] / den : 1.0;
  g->sn[k] = den > 0.0 ? h[k + 1] / den : 0.0;
  h[k] = den;
  h[k + 1] = 0.0;
  g->g[k + 1] = -g->sn[k] * g->g[k];
  g->g[k] *= g->cs[k];
  return den;
}

/* x += M^{-1} V y with y = H^{-1} g (upper triangular k x k). */
static qs_status correct(qs_gmres *g, const qs_gmres_problem *p, int k, dcomplex *x)
{
  const size_t ldh = (size_t)g->m + 1;
  for (int i = k - 1; i >= 0; i--) {
    double s = g->g[i];
    for (int j = i + 1; j < k; j++)
      s -= g->H[i + (size_t)j * ldh] * g->y[j];
    const double d = g->H[i + (size_t)i * ldh];
    g->y[i] = d != 0.0 ? s / d : 0.0;
  }
  if (!p->precond) { /* no M^{-1}: add V y into x directly */
    for (int i = 0; i < k; i++)
      axpy(g, g->y[i], basis(g, i), x);
    return QS_OK;
  }
  memset(g->z, 0, (size_t)g->n * sizeof *g->z);
  for (int i = 0; i < k; i++)
    axpy(g, g->y[i], basis(g, i), g->z);
  qs_status st = p->precond(g->z, p->data);
  if (st == QS_OK)
    axpy(g, 1.0, g->z, x);
  return st;
}

/* One cycle on (A M^{-1}) z = r from z = 0; *it counts iterations. */
static qs_status cycle(qs_gmres *g, const qs_gmres_problem *p, const qs_gmres_options *o,
                       const dcomplex *r, dcomplex *x, int *it)
{
  const int m = g->m;
  const double xnorm = norm(g, x), target = QS_GMRES_CYCLE_MARGIN * o->tol * xnorm;
  const double beta = norm(g, r);
  memcpy(g->V, r, (size_t)g->n * sizeof *g->V);
  cblas_zdscal((int)g->n, 1.0 / beta, g->V, 1);
  memset(g->g, 0, (size_t)(m + 1) * sizeof *g->g);
  g->g[0] = beta;
  int k = 0;
  while (k < m && *it < o->max_iter) {
    double *h = g->H + (size_t)k * (size_t)(m + 1);
    qs_status st = p->apply(basis(g, k), basis(g, k + 1), p->data);
    if (st != QS_OK)
      return st;
    orthogonalize(g, k, h);
    const double den = rotate(g, k, h);
    k++;
    (*it)++;
    if (o->progress)
      o->progress(*it, fabs(g->g[k]) / xnorm, o->progress_data);
    if (fabs(g->g[k]) <= target || den == 0.0)
      break;
  }
  return correct(g, p, k, x);
}

qs_status qs_gmres_solve(qs_gmres *gmres, const qs_gmres_problem *problem,
                         const qs_gmres_options *opt, double complex *x, double complex *r,
                         double *res, int *iterations)
{
  int it = 0;
  if (iterations)
    *iterations = 0;
  if (!gmres || !problem || !problem->apply || !problem->residual || !opt || !x || !r ||
      !res || !(opt->tol > 0.0) || opt->max_iter < 1)
    return QS_ERR_INVALID;
  qs_status st = QS_OK;
  double *recent = NULL; /* true residuals of the last stall_cycles + 1 cycles */
  if (opt->stall_cycles > 0 && !(recent = malloc(((size_t)opt->stall_cycles + 1) * sizeof *recent)))
    return QS_ERR_NOMEM;
  int cycles = 0;
  if (recent)
    recent[0] = *res;
  while (st == QS_OK && isfinite(*res) && !(*res <= opt->tol) && it < opt->max_iter) {
    st = cycle(gmres, problem, opt, r, x, &it);
    if (st == QS_OK)
      st = problem->residual(x, r, res, problem->data);
    if (!recent)
      continue;
    cycles++;
    const int k = opt->stall_cycles + 1;
    if (cycles >= opt->stall_cycles &&
        !(*res < QS_GMRES_STALL_FACTOR * recent[(cycles - opt->stall_cycles) % k]))
      break; /* stagnated */
    recent[cycles % k] = *res;
  }
  free(recent);
  if (iterations)
    *iterations = it;
  return st;
}
