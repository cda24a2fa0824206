/* The weak-damping rate-equation series (R) and (R)*; the derivation and
 * the notation (pairs, S, Q, d_nm, W_S) are in include/qsync/rateeq.h.
 *
 * Cost.  The collapse operators are sparse in the model's basis and dense
 * in the eigenbasis, so the dissipator is applied in the model's basis:
 * L_g X (eigenbasis) = V^dag D(V X V^dag) V, four dense products whatever
 * the number of collapse operators, plus sparse-times-dense products.  The
 * transformed c_k are formed one at a time at set-up only, to fill the
 * rate matrix. */
#include "qsync/rateeq.h"
#include "message_impl.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef double complex dcomplex;

/* Largest dimension whose dim * dim element count fits LAPACK's int. */
#define MAX_DENSE_DIM 46340

/* Everything that does not change from order to order (matrices n x n
 * column-major unless said otherwise). */
typedef struct {
  const qs_model *model;
  qs_op **c_adj;     /* c_k^dag (sparse) */
  int n;
  double *e;         /* eigenvalues of H, ascending */
  dcomplex *V;       /* eigenvectors (columns) */
  dcomplex *d;       /* L_0 on the Q pairs, 0 on the S pairs (eigenbasis) */
  int *cluster;      /* degenerate cluster of each level */
  int n_clusters;
  int *start, *size, *offset; /* per cluster: first level, levels, first pair */
  int m;             /* number of S pairs (cluster by cluster, column-major) */
  int *pair_n, *pair_m;
  dcomplex *W;       /* W_S with the trace row, LU-factorised (m x m) */
  lapack_int *ipiv;
  dcomplex *t1, *t2, *t3, *t4; /* scratch */
} series_ws;

static double seconds_since(const struct timespec *t0)
{
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

static void ws_free(series_ws *w)
{
  for (int k = 0; w->c_adj && k < w->model->n_c; k++)
    qs_op_destroy(&w->c_adj[k]);
  free(w->c_adj);
  free(w->e);
  free(w->V);
  free(w->d);
  free(w->cluster);
  free(w->start);
  free(w->size);
  free(w->offset);
  free(w->pair_n);
  free(w->pair_m);
  free(w->W);
  free(w->ipiv);
  free(w->t1);
  free(w->t2);
  free(w->t3);
  free(w->t4);
}

static dcomplex *zalloc(size_t count)
{
  return calloc(count ? count : 1, sizeof(dcomplex));
}

/* C = alpha op(A) op(B) + beta C for n x n matrices. */
static void mul(int n, CBLAS_TRANSPOSE ta, const dcomplex *A, CBLAS_TRANSPOSE tb,
                const dcomplex *B, dcomplex alpha, dcomplex beta, dcomplex *C)
{
  cblas_zgemm(CblasColMajor, ta, tb, n, n, n, &alpha, A, n, B, n, &beta, C, n);
}

/* out = V X V^dag (eigenbasis to model basis); uses t1. */
static void to_model(series_ws *w, const dcomplex *X, dcomplex *out)
{
  mul(w->n, CblasNoTrans, w->V, CblasNoTrans, X, 1.0, 0.0, w->t1);
  mul(w->n, CblasNoTrans, w->t1, CblasConjTrans, w->V, 1.0, 0.0, out);
}

static double fnorm(int n, const dcomplex *X)
{
  return cblas_dznrm2(n * n, X, 1);
}

static void hermitize(int n, dcomplex *X)
{
  for (int j = 0; j < n; j++)
    for (int i = 0; i <= j; i++) {
      dcomplex x = 0.5 * (X[i + (size_t)j * n] + conj(X[j + (size_t)i * n]));
      X[i + (size_t)j * n] = x;
      X[j + (size_t)i * n] = conj(x);
    }
}

/* Y = op X column by column (op sparse, X and Y n x n). */
static void sparse_times(const qs_op *op, int n, const dcomplex *X, dcomplex *Y)
{
  for (int j = 0; j < n; j++)
    qs_op_apply(op, X + (size_t)j * n, Y + (size_t)j * n);
}

/* Z += op X column by column. */
static void sparse_times_acc(const qs_op *op, int n, const dcomplex *X, dcomplex *Z)
{
  for (int j = 0; j < n; j++)
    qs_op_apply_acc(op, X + (size_t)j * n, Z + (size_t)j * n);
}

/* Z += alpha (A + A^dag). */
static void add_hermitian_part(int n, dcomplex alpha, const dcomplex *A, dcomplex *Z)
{
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++)
      Z[i + (size_t)j * n] += alpha * (A[i + (size_t)j * n] + conj(A[j + (size_t)i * n]));
}

/* Z = L R in the model's basis for Hermitian R (the Hamiltonian part only
 * when with_h), using c R c^dag = c (c R)^dag, c^dag c R + R c^dag c =
 * K + K^dag with K = c^dag (c R), and -i (H R - R H) = -i (A - A^dag) with
 * A = H R.  A and B are n x n scratch. */
static void model_liouvillian(const qs_model *model, qs_op *const *c_adj, int with_h,
                              const dcomplex *R, dcomplex *Z, dcomplex *A, dcomplex *B)
{
  const int n = (int)model->space.total;
  memset(Z, 0, (size_t)n * n * sizeof *Z);
  if (with_h) {
    sparse_times(model->H, n, R, A);
    for (int j = 0; j < n; j++)
      for (int i = 0; i < n; i++)
        Z[i + (size_t)j * n] = -I * (A[i + (size_t)j * n] - conj(A[j + (size_t)i * n]));
  }
  for (int k = 0; k < model->n_c; k++) {
    sparse_times(model->c[k], n, R, A); /* c R */
    for (int j = 0; j < n; j++)
      for (int i = 0; i < n; i++)
        B[i + (size_t)j * n] = conj(A[j + (size_t)i * n]); /* R c^dag */
    sparse_times_acc(model->c[k], n, B, Z);                 /* + c R c^dag */
    sparse_times(c_adj[k], n, A, B);                        /* K */
    add_hermitian_part(n, -0.5, B, Z);
  }
}

/* Y = L X in the eigenbasis for Hermitian X:
 * -i (e_n - e_m) X_nm + V^dag D(V X V^dag) V. */
static void apply_liouvillian(series_ws *w, const dcomplex *X, dcomplex *Y)
{
  const int n = w->n;
  to_model(w, X, w->t2);
  model_liouvillian(w->model, w->c_adj, 0, w->t2, w->t3, w->t1, w->t4);
  mul(n, CblasConjTrans, w->V, CblasNoTrans, w->t3, 1.0, 0.0, w->t1);
  mul(n, CblasNoTrans, w->t1, CblasNoTrans, w->V, 1.0, 0.0, Y);
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++)
      Y[i + (size_t)j * n] += -I * (w->e[i] - w->e[j]) * X[i + (size_t)j * n];
}

/* (L X)_a on the S pairs a only, for Hermitian X: one product fewer. */
static void liouvillian_on_pairs(series_ws *w, const dcomplex *X, dcomplex *out)
{
  const int n = w->n;
  to_model(w, X, w->t2);
  model_liouvillian(w->model, w->c_adj, 0, w->t2, w->t3, w->t1, w->t4);
  mul(n, CblasNoTrans, w->t3, CblasNoTrans, w->V, 1.0, 0.0, w->t1); /* D V */
  for (int a = 0; a < w->m; a++) {
    const int i = w->pair_n[a], j = w->pair_m[a];
    dcomplex s;
    cblas_zdotc_sub(n, w->V + (size_t)i * n, 1, w->t1 + (size_t)j * n, 1, &s);
    out[a] = s - I * (w->e[i] - w->e[j]) * X[i + (size_t)j * n];
  }
}

/* Index of the S pair (i, j) (same cluster). */
static int pair_index(const series_ws *w, int i, int j)
{
  const int c = w->cluster[i];
  return w->offset[c] + (i - w->start[c]) + (j - w->start[c]) * w->size[c];
}

/* Eigenbasis of H and the adjoint collapse operators.  zheevd (divide and
 * conquer) rather than zheev: faster for large N, and zheev's call
 * sequence made OpenBLAS 0.3.21's zgemv_n kernel read out of bounds
 * (AddressSanitizer SEGV at N = 60; OpenBLAS issue #4013). */
static qs_status setup_eigenbasis(series_ws *w)
{
  const qs_model *model = w->model;
  const int n = w->n;
  const size_t nn = (size_t)n * n;
  w->e = malloc((size_t)n * sizeof *w->e);
  w->V = zalloc(nn);
  w->t1 = zalloc(nn);
  w->t2 = zalloc(nn);
  w->t3 = zalloc(nn);
  w->t4 = zalloc(nn);
  w->c_adj = calloc((size_t)(model->n_c ? model->n_c : 1), sizeof *w->c_adj);
  if (!w->e || !w->V || !w->t1 || !w->t2 || !w->t3 || !w->t4 || !w->c_adj)
    return QS_ERR_NOMEM;
  for (int k = 0; k < model->n_c; k++) {
    qs_status st = qs_op_adjoint(model->c[k], &w->c_adj[k]);
    if (st != QS_OK)
      return st;
  }
  qs_op_to_dense(model->H, w->V);
  hermitize(n, w->V);
  return LAPACKE_zheevd(LAPACK_COL_MAJOR, 'V', 'U', n, w->V, n, w->e) == 0 ? QS_OK
                                                                          : QS_ERR_LAPACK;
}

/* Clusters of (nearly) degenerate levels, the S pairs they span (cluster
 * by cluster, column-major inside, so (0, 0) comes first: its row carries
 * the trace condition) and the smallest perturbative splitting. */
static qs_status setup_pairs(series_ws *w, double degeneracy_tol, qs_rateeq_result *r)
{
  const int n = w->n;
  double scale = 1.0;
  for (int i = 0; i < n; i++)
    scale = fmax(scale, fabs(w->e[i]));
  const double threshold = degeneracy_tol * scale;
  w->cluster = malloc((size_t)n * sizeof *w->cluster);
  w->start = malloc((size_t)n * sizeof *w->start);
  w->size = malloc((size_t)n * sizeof *w->size);
  w->offset = malloc((size_t)n * sizeof *w->offset);
  if (!w->cluster || !w->start || !w->size || !w->offset)
    return QS_ERR_NOMEM;
  r->min_splitting = INFINITY;
  int c = 0;
  w->cluster[0] = 0;
  w->start[0] = 0;
  w->size[0] = 1;
  for (int i = 1; i < n; i++) {
    double gap = w->e[i] - w->e[i - 1];
    if (gap > threshold) {
      r->min_splitting = fmin(r->min_splitting, gap);
      c++;
      w->start[c] = i;
      w->size[c] = 0;
    }
    w->cluster[i] = c;
    w->size[c]++;
  }
  w->n_clusters = c + 1;
  long m = 0;
  for (c = 0; c < w->n_clusters; c++) {
    w->offset[c] = (int)m;
    m += (long)w->size[c] * w->size[c];
    if (m > MAX_DENSE_DIM)
      return QS_ERR_TOO_LARGE;
  }
  w->m = (int)m;
  r->degenerate_pairs = w->m - n;
  w->pair_n = malloc((size_t)m * sizeof *w->pair_n);
  w->pair_m = malloc((size_t)m * sizeof *w->pair_m);
  if (!w->pair_n || !w->pair_m)
    return QS_ERR_NOMEM;
  for (c = 0; c < w->n_clusters; c++)
    for (int q = w->start[c]; q < w->start[c] + w->size[c]; q++)
      for (int p = w->start[c]; p < w->start[c] + w->size[c]; p++) {
        const int a = pair_index(w, p, q);
        w->pair_n[a] = p;
        w->pair_m[a] = q;
      }
  return QS_OK;
}

/* Add collapse operator k's share of W_S, of G = sum c^dag c on the S
 * pairs (g) and, for (R)*, of sum_k c_nn conj(c_mm) on the Q pairs (d):
 *   <i| L(|p><q|) |j> = -i (e_i - e_j) d_ip d_jq
 *       + sum_k c_ip conj(c_jq) - G_ip d_jq / 2 - d_ip G_qj / 2
 * for a = (i, j), b = (p, q), with c = V^dag c_k V (formed here, once). */
static void add_collapse(series_ws *w, int k, int star, dcomplex *g)
{
  const int n = w->n, m = w->m;
  dcomplex *ct = w->t2;
  sparse_times(w->model->c[k], n, w->V, w->t1);
  mul(n, CblasConjTrans, w->V, CblasNoTrans, w->t1, 1.0, 0.0, ct);
  for (int b = 0; b < m; b++) {
    const int p = w->pair_n[b], q = w->pair_m[b];
    for (int a = 0; a < m; a++)
      w->W[a + (size_t)b * m] +=
          ct[w->pair_n[a] + (size_t)p * n] * conj(ct[w->pair_m[a] + (size_t)q * n]);
    dcomplex s;
    cblas_zdotc_sub(n, ct + (size_t)p * n, 1, ct + (size_t)q * n, 1, &s);
    g[b] += s;
  }
  if (star)
    for (int j = 0; j < n; j++)
      for (int i = 0; i < n; i++)
        if (w->cluster[i] != w->cluster[j])
          w->d[i + (size_t)j * n] += ct[i + (size_t)i * n] * conj(ct[j + (size_t)j * n]);
}

/* W_S with the trace row, LU-factorised, and L_0 on the Q pairs. */
static qs_status setup_rate_matrix(series_ws *w, int star)
{
  const int n = w->n, m = w->m;
  w->W = zalloc((size_t)m * m);
  w->ipiv = malloc((size_t)(m ? m : 1) * sizeof *w->ipiv);
  w->d = zalloc((size_t)n * n);
  dcomplex *g = zalloc((size_t)m);
  if (!w->W || !w->ipiv || !w->d || !g) {
    free(g);
    return QS_ERR_NOMEM;
  }
  for (int k = 0; k < w->model->n_c; k++)
    add_collapse(w, k, star, g);
  for (int b = 0; b < m; b++) {
    const int p = w->pair_n[b], q = w->pair_m[b];
    for (int a = 0; a < m; a++) {
      const int i = w->pair_n[a], j = w->pair_m[a];
      dcomplex *x = &w->W[a + (size_t)b * m];
      if (j == q)
        *x -= 0.5 * g[pair_index(w, i, p)];
      if (i == p)
        *x -= 0.5 * g[pair_index(w, q, j)];
      if (a == b)
        *x += -I * (w->e[i] - w->e[j]);
    }
    w->W[(size_t)b * m] = p == q ? 1.0 : 0.0;
  }
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++) {
      if (w->cluster[i] == w->cluster[j])
        continue;
      dcomplex *d = &w->d[i + (size_t)j * n];
      if (star) /* Eq. 28: D_ij = sum_k c_ii conj(c_jj) - (G_ii + G_jj)/2 */
        *d -= 0.5 * (g[pair_index(w, i, i)] + g[pair_index(w, j, j)]);
      *d += -I * (w->e[i] - w->e[j]);
    }
  free(g);
  lapack_int info = LAPACKE_zgetrf(LAPACK_COL_MAJOR, m, m, w->W, m, w->ipiv);
  if (info > 0)
    return QS_ERR_SINGULAR;
  return info == 0 ? QS_OK : QS_ERR_LAPACK;
}

/* Solve W_S x = rhs (in place, m entries). */
static qs_status solve_rate(const series_ws *w, dcomplex *x)
{
  lapack_int info = LAPACKE_zgetrs(LAPACK_COL_MAJOR, 'N', w->m, 1, w->W, w->m, w->ipiv, x,
                                   w->m);
  return info == 0 ? QS_OK : QS_ERR_LAPACK;
}

/* ||L rho||_F / ||rho||_F in the model's basis, from the sparse H and c_k. */
static qs_status model_residual(series_ws *w, const dcomplex *rho, double *res)
{
  model_liouvillian(w->model, w->c_adj, 1, rho, w->t3, w->t1, w->t2);
  *res = fnorm(w->n, w->t3) / fnorm(w->n, rho);
  return QS_OK;
}

qs_rateeq_options qs_rateeq_default_options(void)
{
  qs_rateeq_options o = {60, 1e-10, 1e-9, 0, NULL, NULL};
  return o;
}

const char *qs_rateeq_outcome_name(qs_rateeq_outcome outcome)
{
  switch (outcome) {
  case QS_RATEEQ_CONVERGED:
    return "converged";
  case QS_RATEEQ_DIVERGED:
    return "diverged";
  case QS_RATEEQ_MAX_ORDER:
    return "max_order";
  }
  return "unknown";
}

double qs_rate_series_memory(const qs_model *model)
{
  if (!model || !model->H)
    return -1.0;
  double n = (double)model->space.total;
  return 16.0 * 17.0 * n * n; /* 12 n^2 here, W ~ n^2, zheevd's work ~3 n^2 */
}

/* The state of the summation: the order-j term, its L, the partial sum,
 * its L, the best partial sum. */
typedef struct {
  dcomplex *term, *l_term, *sum, *l_sum, *best, *x;
} series_state;

/* rho_{j+1} from rho_j and L rho_j (header: Eqs. 22-24), and its L. */
static qs_status next_order(series_ws *w, series_state *s)
{
  const int n = w->n;
  dcomplex *X = s->x; /* the new term */
  /* coherences on the Q pairs */
  for (size_t i = 0; i < (size_t)n * n; i++)
    X[i] = w->d[i] != 0.0 ? -(s->l_term[i] - w->d[i] * s->term[i]) / w->d[i] : 0.0;
  /* populations (and degenerate-block coherences) from P_S L X */
  dcomplex *rhs = s->term; /* rho_j is no longer needed */
  liouvillian_on_pairs(w, X, rhs);
  for (int a = 0; a < w->m; a++)
    rhs[a] = -rhs[a];
  rhs[0] = 0.0; /* Tr rho_{j+1} = 0 (Eq. 24) */
  qs_status st = solve_rate(w, rhs);
  if (st != QS_OK)
    return st;
  for (int a = 0; a < w->m; a++)
    X[w->pair_n[a] + (size_t)w->pair_m[a] * n] = rhs[a];
  hermitize(n, X);
  memcpy(s->term, X, (size_t)n * n * sizeof *X);
  apply_liouvillian(w, s->term, s->l_term);
  return QS_OK;
}

typedef struct {
  int star, all_orders;
  double *residuals; /* max_order + 1 entries or NULL */
} run_mode;

static qs_status check_inputs(const qs_model *model, int star, const qs_rateeq_options *o,
                              const dcomplex *rho, char *msg, size_t msglen)
{
  if (!model || !rho) {
    qs_set_message(msg, msglen, "rate series: model and rho must not be NULL");
    return QS_ERR_INVALID;
  }
  if (model->n_td > 0) {
    qs_set_message(msg, msglen,
                   "rate series: the model has %d time-dependent terms; the series needs a "
                   "time-independent Hamiltonian (frame = rwa)",
                   model->n_td);
    return QS_ERR_INVALID;
  }
  if (star != 0 && star != 1) {
    qs_set_message(msg, msglen, "rate series: star = %d, expected 0 (R) or 1 (R)*", star);
    return QS_ERR_INVALID;
  }
  if (o->max_order < 0 || o->max_order > 10000 || !(o->tol > 0.0) ||
      !(o->degeneracy_tol >= 0.0) || (o->all_orders != 0 && o->all_orders != 1)) {
    qs_set_message(msg, msglen,
                   "rate series: invalid options (max_order %d in 0..10000, tol %g > 0, "
                   "degeneracy_tol %g >= 0, all_orders %d in 0..1)",
                   o->max_order, o->tol, o->degeneracy_tol, o->all_orders);
    return QS_ERR_INVALID;
  }
  if (model->space.total > MAX_DENSE_DIM) {
    qs_set_message(msg, msglen, "rate series: dimension %lld above %d",
                   (long long)model->space.total, MAX_DENSE_DIM);
    return QS_ERR_TOO_LARGE;
  }
  return QS_OK;
}

/* The partial sum S_J in the model's basis into out. */
static void report_order(series_ws *w, const qs_rateeq_options *o, const run_mode *mode,
                         int order, double res, const dcomplex *sum, dcomplex *out)
{
  if (mode->residuals)
    mode->residuals[order] = res;
  if (o->each_order) {
    to_model(w, sum, out);
    o->each_order(order, res, out, o->each_order_data);
  }
}

/* Order 0, then orders 1.. until the stopping rule; s->best receives the
 * best partial sum. */
static qs_status sum_series(series_ws *w, const qs_rateeq_options *o, const run_mode *mode,
                            series_state *s, dcomplex *out, qs_rateeq_result *r)
{
  const int n = w->n;
  const size_t nn = (size_t)n * n;
  dcomplex *x = s->term;
  memset(x, 0, nn * sizeof *x);
  x[0] = 1.0; /* the trace row */
  qs_status st = solve_rate(w, x);
  if (st != QS_OK)
    return st;
  memset(s->sum, 0, nn * sizeof *s->sum);
  for (int a = 0; a < w->m; a++)
    s->sum[w->pair_n[a] + (size_t)w->pair_m[a] * n] = x[a];
  hermitize(n, s->sum);
  memcpy(s->term, s->sum, nn * sizeof *s->sum);
  apply_liouvillian(w, s->term, s->l_term);
  memcpy(s->l_sum, s->l_term, nn * sizeof *s->l_sum);
  double best = fnorm(n, s->l_sum) / fnorm(n, s->sum);
  if (!isfinite(best))
    return QS_ERR_NUMERIC;
  r->zeroth_residual = best;
  memcpy(s->best, s->sum, nn * sizeof *s->sum);
  report_order(w, o, mode, 0, best, s->sum, out);
  int since_best = 0;
  r->outcome = best <= o->tol ? QS_RATEEQ_CONVERGED : QS_RATEEQ_MAX_ORDER;
  for (int j = 1; j <= o->max_order; j++) {
    if (!mode->all_orders && r->outcome == QS_RATEEQ_CONVERGED)
      break;
    if ((st = next_order(w, s)) != QS_OK)
      return st;
    for (size_t i = 0; i < nn; i++) {
      s->sum[i] += s->term[i];
      s->l_sum[i] += s->l_term[i];
    }
    double res = fnorm(n, s->l_sum) / fnorm(n, s->sum);
    r->orders_computed = j;
    if (!isfinite(res)) {
      r->outcome = best <= o->tol ? QS_RATEEQ_CONVERGED : QS_RATEEQ_DIVERGED;
      break;
    }
    report_order(w, o, mode, j, res, s->sum, out);
    if (res < best) {
      best = res;
      r->order = j;
      since_best = 0;
      memcpy(s->best, s->sum, nn * sizeof *s->sum);
      if (best <= o->tol)
        r->outcome = QS_RATEEQ_CONVERGED;
    } else if (++since_best >= QS_RATEEQ_PATIENCE && !mode->all_orders) {
      r->outcome = QS_RATEEQ_DIVERGED;
      break;
    }
  }
  if (r->outcome != QS_RATEEQ_CONVERGED && since_best >= QS_RATEEQ_PATIENCE)
    r->outcome = QS_RATEEQ_DIVERGED;
  return QS_OK;
}

static qs_status run_series(const qs_model *model, const qs_rateeq_options *opt,
                            const run_mode *mode, dcomplex *rho, qs_rateeq_result *r,
                            char *msg, size_t msglen)
{
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  qs_rateeq_options o = opt ? *opt : qs_rateeq_default_options();
  qs_rateeq_result local;
  if (!r)
    r = &local;
  memset(r, 0, sizeof *r);
  r->residual = NAN;
  r->zeroth_residual = NAN;
  r->min_splitting = NAN;
  r->outcome = QS_RATEEQ_MAX_ORDER;
  qs_status st = check_inputs(model, mode->star, &o, rho, msg, msglen);
  if (st != QS_OK)
    return st;
  if (mode->all_orders)
    o.all_orders = 1;
  const char *name = mode->star ? "rate series (R)*" : "rate series (R)";
  series_ws w = {.model = model, .n = (int)model->space.total};
  const size_t nn = (size_t)w.n * w.n;
  series_state s = {zalloc(nn), zalloc(nn), zalloc(nn), zalloc(nn), zalloc(nn), zalloc(nn)};
  if (!s.term || !s.l_term || !s.sum || !s.l_sum || !s.best || !s.x)
    st = QS_ERR_NOMEM;
  if (st == QS_OK)
    st = setup_eigenbasis(&w);
  if (st == QS_OK)
    st = setup_pairs(&w, o.degeneracy_tol, r);
  if (st == QS_OK) {
    st = setup_rate_matrix(&w, mode->star);
    if (st == QS_ERR_SINGULAR)
      qs_set_message(msg, msglen,
                     "%s: the zeroth-order rate equations (Eq. 21) have no unique "
                     "solution: no damping, or several stationary populations (a "
                     "conserved quantity)", name);
  }
  if (st == QS_OK)
    st = sum_series(&w, &o, mode, &s, rho, r);
  if (st == QS_OK) {
    to_model(&w, s.best, rho);
    hermitize(w.n, rho);
    double complex trace = 0.0;
    for (int i = 0; i < w.n; i++)
      trace += rho[i + (size_t)i * w.n];
    cblas_zdscal(w.n * w.n, 1.0 / creal(trace), rho, 1);
    st = model_residual(&w, rho, &r->residual);
    if (st == QS_OK && !isfinite(r->residual))
      st = QS_ERR_NUMERIC;
    r->converged = st == QS_OK && r->residual <= o.tol;
    if (r->outcome == QS_RATEEQ_CONVERGED && !r->converged)
      r->outcome = QS_RATEEQ_DIVERGED; /* rounding in the change of basis */
  }
  if (st != QS_OK && st != QS_ERR_SINGULAR)
    qs_set_message(msg, msglen, "%s (N = %d): %s", name, w.n, qs_strerror(st));
  ws_free(&w);
  free(s.term);
  free(s.l_term);
  free(s.sum);
  free(s.l_sum);
  free(s.best);
  free(s.x);
  r->seconds = seconds_since(&t0);
  return st;
}

qs_status qs_rate_series(const qs_model *model, int star, const qs_rateeq_options *opt,
                         double complex *rho, qs_rateeq_result *r, char *msg, size_t msglen)
{
  run_mode mode = {star, 0, NULL};
  return run_series(model, opt, &mode, rho, r, msg, msglen);
}

qs_status qs_rate_series_residuals(const qs_model *model, int star,
                                   const qs_rateeq_options *opt, double *residuals,
                                   int *n_orders, double complex *rho, qs_rateeq_result *r,
                                   char *msg, size_t msglen)
{
  qs_rateeq_options o = opt ? *opt : qs_rateeq_default_options();
  if (n_orders)
    *n_orders = 0;
  if (!residuals) {
    qs_set_message(msg, msglen, "rate series: residuals must not be NULL");
    return QS_ERR_INVALID;
  }
  const int count = o.max_order >= 0 && o.max_order <= 10000 ? o.max_order + 1 : 0;
  for (int i = 0; i < count; i++)
    residuals[i] = NAN;
  dcomplex *work = rho;
  if (!work && model)
    work = zalloc((size_t)model->space.total * (size_t)model->space.total);
  if (!work && model) {
    qs_set_message(msg, msglen, "rate series: out of memory");
    return QS_ERR_NOMEM;
  }
  run_mode mode = {star, 1, residuals};
  qs_rateeq_result local;
  qs_rateeq_result *res = r ? r : &local;
  qs_status st = run_series(model, &o, &mode, work, res, msg, msglen);
  if (n_orders && st == QS_OK)
    *n_orders = res->orders_computed + (isnan(residuals[res->orders_computed]) ? 0 : 1);
  if (work != rho)
    free(work);
  return st;
}
