/* The weak-damping rate-equation series (R) and (R)*; the derivation and
 * the notation (pairs, S, Q, d_nm, W_S) are in include/qsync/rateeq.h. */
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

/* Everything that does not change from order to order, in the eigenbasis
 * of H (all matrices n x n column-major unless said otherwise). */
typedef struct {
  int n, n_c;
  double *e;      /* eigenvalues of H, ascending */
  dcomplex *V;    /* eigenvectors (columns) */
  dcomplex **c;   /* V^dag c_k V */
  dcomplex *G;    /* sum_k c_k^dag c_k in the eigenbasis */
  dcomplex *d;    /* L_0 on the Q pairs, 0 on the S pairs */
  int *cluster;   /* degenerate cluster of each level */
  int m;          /* number of S pairs */
  int *pair_n, *pair_m;
  dcomplex *W;    /* W_S with the trace row, LU-factorised (m x m) */
  lapack_int *ipiv;
  dcomplex *tmp;  /* scratch */
} series_ws;

static double seconds_since(const struct timespec *t0)
{
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

static void ws_free(series_ws *w)
{
  for (int k = 0; w->c && k < w->n_c; k++)
    free(w->c[k]);
  free(w->c);
  free(w->e);
  free(w->V);
  free(w->G);
  free(w->d);
  free(w->cluster);
  free(w->pair_n);
  free(w->pair_m);
  free(w->W);
  free(w->ipiv);
  free(w->tmp);
}

static dcomplex *zalloc(size_t count)
{
  return calloc(count ? count : 1, sizeof(dcomplex));
}

/* C = op(A) op(B) + beta C for n x n matrices. */
static void mul(int n, CBLAS_TRANSPOSE ta, const dcomplex *A, CBLAS_TRANSPOSE tb,
                const dcomplex *B, dcomplex alpha, dcomplex beta, dcomplex *C)
{
  cblas_zgemm(CblasColMajor, ta, tb, n, n, n, &alpha, A, n, B, n, &beta, C, n);
}

/* The unitary change of basis: out = U^dag X U (to_eigen) or U X U^dag. */
static void change_basis(const series_ws *w, const dcomplex *X, dcomplex *out, int to_eigen)
{
  const int n = w->n;
  if (to_eigen) {
    mul(n, CblasNoTrans, X, CblasNoTrans, w->V, 1.0, 0.0, w->tmp);
    mul(n, CblasConjTrans, w->V, CblasNoTrans, w->tmp, 1.0, 0.0, out);
  } else {
    mul(n, CblasNoTrans, w->V, CblasNoTrans, X, 1.0, 0.0, w->tmp);
    mul(n, CblasNoTrans, w->tmp, CblasConjTrans, w->V, 1.0, 0.0, out);
  }
}

/* Y = L X in the eigenbasis: -i (e_n - e_m) X_nm + sum_k c X c^dag
 * - (G X + X G)/2. */
static void apply_liouvillian(series_ws *w, const dcomplex *X, dcomplex *Y)
{
  const int n = w->n;
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++)
      Y[i + (size_t)j * n] = -I * (w->e[i] - w->e[j]) * X[i + (size_t)j * n];
  for (int k = 0; k < w->n_c; k++) {
    mul(n, CblasNoTrans, w->c[k], CblasNoTrans, X, 1.0, 0.0, w->tmp);
    mul(n, CblasNoTrans, w->tmp, CblasConjTrans, w->c[k], 1.0, 1.0, Y);
  }
  mul(n, CblasNoTrans, w->G, CblasNoTrans, X, -0.5, 1.0, Y);
  mul(n, CblasNoTrans, X, CblasNoTrans, w->G, -0.5, 1.0, Y);
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

/* Eigenbasis of H and the collapse operators transformed into it. */
static qs_status setup_eigenbasis(series_ws *w, const qs_model *model)
{
  const int n = w->n;
  const size_t nn = (size_t)n * n;
  w->e = malloc((size_t)n * sizeof *w->e);
  w->V = zalloc(nn);
  w->G = zalloc(nn);
  w->tmp = zalloc(nn);
  w->c = calloc((size_t)(w->n_c ? w->n_c : 1), sizeof *w->c);
  if (!w->e || !w->V || !w->G || !w->tmp || !w->c)
    return QS_ERR_NOMEM;
  qs_op_to_dense(model->H, w->V);
  hermitize(n, w->V);
  if (LAPACKE_zheev(LAPACK_COL_MAJOR, 'V', 'U', n, w->V, n, w->e) != 0)
    return QS_ERR_LAPACK;
  dcomplex *dense = zalloc(nn);
  if (!dense)
    return QS_ERR_NOMEM;
  for (int k = 0; k < w->n_c; k++) {
    if (!(w->c[k] = zalloc(nn))) {
      free(dense);
      return QS_ERR_NOMEM;
    }
    qs_op_to_dense(model->c[k], dense);
    change_basis(w, dense, w->c[k], 1);
    mul(n, CblasConjTrans, w->c[k], CblasNoTrans, w->c[k], 1.0, 1.0, w->G);
  }
  free(dense);
  return QS_OK;
}

/* Clusters of (nearly) degenerate levels, the S pairs they span, L_0 on
 * the other pairs, and the smallest perturbative splitting. */
static qs_status setup_pairs(series_ws *w, int star, double degeneracy_tol,
                             qs_rateeq_result *r)
{
  const int n = w->n;
  double scale = 1.0;
  for (int i = 0; i < n; i++)
    scale = fmax(scale, fabs(w->e[i]));
  const double threshold = degeneracy_tol * scale;
  w->cluster = malloc((size_t)n * sizeof *w->cluster);
  if (!w->cluster)
    return QS_ERR_NOMEM;
  r->min_splitting = INFINITY;
  long m = n > 0 ? 1 : 0, size = 1;
  w->cluster[0] = 0;
  for (int i = 1; i < n; i++) {
    double gap = w->e[i] - w->e[i - 1];
    if (gap > threshold) {
      w->cluster[i] = w->cluster[i - 1] + 1;
      r->min_splitting = fmin(r->min_splitting, gap);
      size = 1;
    } else {
      w->cluster[i] = w->cluster[i - 1];
      size++;
    }
    m += 2 * size - 1; /* a cluster of size s has s^2 pairs */
  }
  if (m > MAX_DENSE_DIM)
    return QS_ERR_TOO_LARGE;
  w->m = (int)m;
  r->degenerate_pairs = w->m - n;
  w->pair_n = malloc((size_t)m * sizeof *w->pair_n);
  w->pair_m = malloc((size_t)m * sizeof *w->pair_m);
  w->d = zalloc((size_t)n * n);
  if (!w->pair_n || !w->pair_m || !w->d)
    return QS_ERR_NOMEM;
  /* Column-major over pairs so that (0, 0) comes first: its row carries
   * the trace condition. */
  int a = 0;
  for (int q = 0; q < n; q++)
    for (int p = 0; p < n; p++) {
      const size_t pq = p + (size_t)q * n;
      if (w->cluster[p] == w->cluster[q]) {
        w->pair_n[a] = p;
        w->pair_m[a] = q;
        a++;
        continue;
      }
      w->d[pq] = -I * (w->e[p] - w->e[q]);
      if (star) { /* Eq. 28: the part of L_g diagonal on the pairs */
        dcomplex D = -0.5 * (w->G[p + (size_t)p * n] + w->G[q + (size_t)q * n]);
        for (int k = 0; k < w->n_c; k++)
          D += w->c[k][p + (size_t)p * n] * conj(w->c[k][q + (size_t)q * n]);
        w->d[pq] += D;
      }
    }
  return QS_OK;
}

/* W_S = P_S L P_S on the S pairs:
 *   <n| L(|p><q|) |m> = -i (e_n - e_m) d_np d_mq
 *       + sum_k c_np conj(c_mq) - G_np d_mq / 2 - d_np G_qm / 2,
 * with row 0 (the pair (0, 0)) replaced by the trace, then LU. */
static qs_status setup_rate_matrix(series_ws *w)
{
  const int n = w->n, m = w->m;
  w->W = zalloc((size_t)m * m);
  w->ipiv = malloc((size_t)(m ? m : 1) * sizeof *w->ipiv);
  if (!w->W || !w->ipiv)
    return QS_ERR_NOMEM;
  for (int b = 0; b < m; b++) {
    const int p = w->pair_n[b], q = w->pair_m[b];
    for (int a = 0; a < m; a++) {
      const int i = w->pair_n[a], j = w->pair_m[a];
      dcomplex x = 0.0;
      for (int k = 0; k < w->n_c; k++)
        x += w->c[k][i + (size_t)p * n] * conj(w->c[k][j + (size_t)q * n]);
      if (j == q)
        x -= 0.5 * w->G[i + (size_t)p * n];
      if (i == p)
        x -= 0.5 * w->G[q + (size_t)j * n];
      if (a == b)
        x += -I * (w->e[i] - w->e[j]);
      w->W[a + (size_t)b * m] = x;
    }
    w->W[(size_t)b * m] = p == q ? 1.0 : 0.0;
  }
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

/* Sparse sum_j op applied to the columns of X (n x n): Y = op X. */
static void sparse_times(const qs_op *op, int n, const dcomplex *X, dcomplex *Y)
{
  for (int j = 0; j < n; j++)
    qs_op_apply(op, X + (size_t)j * n, Y + (size_t)j * n);
}

/* ||L rho||_F / ||rho||_F in the model's basis, from the sparse H and c_k
 * (rho Hermitian: rho H = (H rho)^dag, c rho c^dag = c (c rho)^dag). */
static qs_status model_residual(const qs_model *model, const dcomplex *rho, double *res)
{
  const int n = (int)model->space.total;
  const size_t nn = (size_t)n * n;
  dcomplex *A = zalloc(nn), *B = zalloc(nn), *Y = zalloc(nn);
  qs_status st = A && B && Y ? QS_OK : QS_ERR_NOMEM;
  if (st == QS_OK) {
    sparse_times(model->H, n, rho, A);
    for (int j = 0; j < n; j++)
      for (int i = 0; i < n; i++)
        Y[i + (size_t)j * n] = -I * (A[i + (size_t)j * n] - conj(A[j + (size_t)i * n]));
  }
  for (int k = 0; st == QS_OK && k < model->n_c; k++) {
    qs_op *cd = NULL;
    st = qs_op_adjoint(model->c[k], &cd);
    if (st != QS_OK)
      break;
    sparse_times(model->c[k], n, rho, A); /* c rho */
    for (int j = 0; j < n; j++)
      for (int i = 0; i < n; i++)
        B[i + (size_t)j * n] = conj(A[j + (size_t)i * n]); /* rho c^dag */
    sparse_times(model->c[k], n, B, A); /* c rho c^dag */
    for (size_t x = 0; x < nn; x++)
      Y[x] += A[x];
    sparse_times(model->c[k], n, rho, B);
    sparse_times(cd, n, B, A); /* c^dag c rho */
    for (int j = 0; j < n; j++)
      for (int i = 0; i < n; i++)
        Y[i + (size_t)j * n] -= 0.5 * (A[i + (size_t)j * n] + conj(A[j + (size_t)i * n]));
    qs_op_destroy(&cd);
  }
  if (st == QS_OK)
    *res = fnorm(n, Y) / fnorm(n, rho);
  free(A);
  free(B);
  free(Y);
  return st;
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
  return 16.0 * ((double)model->n_c + 14.0) * n * n;
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
  apply_liouvillian(w, X, s->l_term);
  dcomplex *rhs = s->term; /* rho_j is no longer needed */
  for (int a = 0; a < w->m; a++)
    rhs[a] = -s->l_term[w->pair_n[a] + (size_t)w->pair_m[a] * n];
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
    change_basis(w, sum, out, 0);
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
  series_ws w = {.n = (int)model->space.total, .n_c = model->n_c};
  const size_t nn = (size_t)w.n * w.n;
  series_state s = {zalloc(nn), zalloc(nn), zalloc(nn), zalloc(nn), zalloc(nn), zalloc(nn)};
  if (!s.term || !s.l_term || !s.sum || !s.l_sum || !s.best || !s.x)
    st = QS_ERR_NOMEM;
  if (st == QS_OK)
    st = setup_eigenbasis(&w, model);
  if (st == QS_OK)
    st = setup_pairs(&w, mode->star, o.degeneracy_tol, r);
  if (st == QS_OK) {
    st = setup_rate_matrix(&w);
    if (st == QS_ERR_SINGULAR)
      qs_set_message(msg, msglen,
                     "%s: the zeroth-order rate equations (Eq. 21) have no unique "
                     "solution: no damping, or several stationary populations (a "
                     "conserved quantity)", name);
  }
  if (st == QS_OK)
    st = sum_series(&w, &o, mode, &s, rho, r);
  if (st == QS_OK) {
    change_basis(&w, s.best, rho, 0);
    hermitize(w.n, rho);
    double complex trace = 0.0;
    for (int i = 0; i < w.n; i++)
      trace += rho[i + (size_t)i * w.n];
    cblas_zdscal(w.n * w.n, 1.0 / creal(trace), rho, 1);
    st = model_residual(model, rho, &r->residual);
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
