/* Liouvillian and exact steady states; see include/qsync/lindblad.h. */
#include "qsync/lindblad.h"
#include "qsync/rateeq.h"
#include "message_impl.h"
#include "steady_start_impl.h"
#include "steady_sylvester_impl.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <suitesparse/umfpack.h>

/* L += alpha * (B kron A) */
static qs_status add_kron(qs_op **L, double complex alpha, const qs_op *B,
                          const qs_op *A)
{
  qs_op *k = NULL, *sum = NULL;
  qs_status st = qs_op_kron(B, A, &k);
  if (st == QS_OK)
    st = *L ? qs_op_add(1.0, *L, alpha, k, &sum) : qs_op_scale(alpha, k, &sum);
  qs_op_destroy(&k);
  if (st == QS_OK) {
    qs_op_destroy(L);
    *L = sum;
  }
  return st;
}

/* Plain transpose (no conjugation): adjoint of the conjugate. */
static qs_status op_transpose(const qs_op *a, qs_op **out)
{
  qs_op *adj = NULL;
  qs_status st = qs_op_adjoint(a, &adj);
  if (st == QS_OK) {
    for (qs_index k = 0; k < adj->nnz; k++)
      adj->val[k] = conj(adj->val[k]);
    *out = adj;
  }
  return st;
}

static qs_status add_dissipator(qs_op **L, const qs_op *c, const qs_op *id)
{
  qs_op *cd = NULL, *cdc = NULL, *cdc_t = NULL, *c_conj = NULL;
  qs_status st = qs_op_adjoint(c, &cd);
  if (st == QS_OK)
    st = qs_op_mul(cd, c, &cdc);
  if (st == QS_OK)
    st = op_transpose(cdc, &cdc_t);
  if (st == QS_OK)
    st = op_transpose(cd, &c_conj); /* (c^dag)^T = conj(c) */
  if (st == QS_OK)
    st = add_kron(L, 1.0, c_conj, c);
  if (st == QS_OK)
    st = add_kron(L, -0.5, id, cdc);
  if (st == QS_OK)
    st = add_kron(L, -0.5, cdc_t, id);
  qs_op_destroy(&cd);
  qs_op_destroy(&cdc);
  qs_op_destroy(&cdc_t);
  qs_op_destroy(&c_conj);
  return st;
}

qs_status qs_liouvillian_build(const qs_model *model, qs_op **L)
{
  if (!model || !L)
    return QS_ERR_INVALID;
  *L = NULL;
  if (model->n_td > 0)
    return QS_ERR_INVALID;
  qs_op *id = NULL, *h_t = NULL;
  qs_status st = qs_op_identity(model->space.total, &id);
  if (st == QS_OK)
    st = op_transpose(model->H, &h_t);
  if (st == QS_OK)
    st = add_kron(L, -I, id, model->H);
  if (st == QS_OK)
    st = add_kron(L, I, h_t, id);
  for (int k = 0; k < model->n_c && st == QS_OK; k++)
    st = add_dissipator(L, model->c[k], id);
  qs_op_destroy(&id);
  qs_op_destroy(&h_t);
  if (st != QS_OK)
    qs_op_destroy(L);
  return st;
}

/* Triplets of L with the rho_00 row replaced by the trace condition.
 * With transpose = 1 the (row, col) roles are swapped, which turns the
 * CSR builder into a CSC builder (UMFPACK wants columns). */
static qs_status trace_constrained(const qs_op *L, qs_index n, int transpose,
                                   qs_op **out)
{
  qs_index cap = L->nnz + n, m = 0;
  qs_index *row = malloc((size_t)cap * sizeof *row);
  qs_index *col = malloc((size_t)cap * sizeof *col);
  double complex *val = malloc((size_t)cap * sizeof *val);
  qs_status st = QS_ERR_NOMEM;
  if (row && col && val) {
    for (qs_index r = 1; r < L->dim; r++)
      for (qs_index k = L->row_start[r]; k < L->row_start[r + 1]; k++) {
        row[m] = r;
        col[m] = L->col[k];
        val[m++] = L->val[k];
      }
    for (qs_index i = 0; i < n; i++) {
      row[m] = 0;
      col[m] = i * (n + 1); /* vec index of rho_ii */
      val[m++] = 1.0;
    }
    st = transpose ? qs_op_from_triplets(L->dim, m, col, row, val, out)
                   : qs_op_from_triplets(L->dim, m, row, col, val, out);
  }
  free(row);
  free(col);
  free(val);
  return st;
}

static qs_status solve_dense(const qs_op *A, double complex *x)
{
  qs_index n = A->dim;
  if (16.0 * (double)n * (double)n > QS_DENSE_MAX_BYTES || n > 46340)
    return QS_ERR_TOO_LARGE;
  double complex *dense = malloc((size_t)(n * n) * sizeof *dense);
  lapack_int *piv = malloc((size_t)n * sizeof *piv);
  qs_status st = QS_ERR_NOMEM;
  if (dense && piv) {
    qs_op_to_dense(A, dense);
    lapack_int info = LAPACKE_zgesv(LAPACK_COL_MAJOR, (lapack_int)n, 1, dense,
                                    (lapack_int)n, piv, x, (lapack_int)n);
    st = info == 0 ? QS_OK : info > 0 ? QS_ERR_SINGULAR : QS_ERR_LAPACK;
  }
  free(dense);
  free(piv);
  return st;
}

static qs_status solve_umfpack(const qs_op *A_csc, const double complex *b,
                               double complex *x)
{
  void *symbolic = NULL, *numeric = NULL;
  double control[UMFPACK_CONTROL], info[UMFPACK_INFO];
  umfpack_zl_defaults(control);
  /* UMFPACK's SuiteSparse_long is long; qs_index is int64_t (long on LP64). */
  long n = (long)A_csc->dim;
  const long *ap = (const long *)A_csc->row_start;
  const long *ai = (const long *)A_csc->col;
  const double *ax = (const double *)A_csc->val; /* interleaved re, im */
  long status = umfpack_zl_symbolic(n, n, ap, ai, ax, NULL, &symbolic, control, info);
  if (status == UMFPACK_OK)
    status = umfpack_zl_numeric(ap, ai, ax, NULL, symbolic, &numeric, control, info);
  if (status == UMFPACK_OK)
    status = umfpack_zl_solve(UMFPACK_A, ap, ai, ax, NULL, (double *)x, NULL,
                              (const double *)b, NULL, numeric, control, info);
  umfpack_zl_free_symbolic(&symbolic);
  umfpack_zl_free_numeric(&numeric);
  if (status == UMFPACK_WARNING_singular_matrix)
    return QS_ERR_SINGULAR;
  if (status == UMFPACK_ERROR_out_of_memory)
    return QS_ERR_NOMEM;
  return status == UMFPACK_OK ? QS_OK : QS_ERR_UMFPACK;
}

static double residual_norm(const qs_op *L, const double complex *x)
{
  double complex *y = malloc((size_t)L->dim * sizeof *y);
  if (!y)
    return NAN;
  qs_op_apply(L, x, y);
  double ry = 0.0, rx = 0.0;
  for (qs_index i = 0; i < L->dim; i++) {
    ry += creal(y[i] * conj(y[i]));
    rx += creal(x[i] * conj(x[i]));
  }
  free(y);
  return sqrt(ry / rx);
}

qs_steady_options qs_steady_default_options(void)
{
  qs_steady_options o = {QS_STEADY_AUTO, 1e-10, 1000, 30, NULL, 0.0, NULL, NULL, 60,
                         QS_STEADY_START_IDENTITY};
  return o;
}

/* MemAvailable of /proc/meminfo in bytes, or +inf if unreadable. */
static double mem_available(void)
{
  FILE *f = fopen("/proc/meminfo", "r");
  double bytes = INFINITY;
  if (!f)
    return bytes;
  char line[256];
  while (fgets(line, sizeof line, f)) {
    double kib;
    if (sscanf(line, "MemAvailable: %lf kB", &kib) == 1) {
      bytes = kib * 1024.0;
      break;
    }
  }
  fclose(f);
  return bytes;
}

/* nnz of the Liouvillian without building it: I (x) A + conj(A) (x) I with
 * A = iH + (1/2) sum c^dag c overlap only where both diagonal entries are
 * nonzero; the jump terms conj(c) (x) c add nnz(c)^2 each (off-diagonal for
 * ladder operators).  Exact for the built-in models up to cancellations. */
static double liouvillian_nnz(const qs_model *model)
{
  double n = (double)model->space.total, jumps = 0.0;
  qs_op *A = NULL;
  if (qs_steady_build_A(model, &A) != QS_OK)
    return INFINITY;
  double ndiag = 0.0;
  for (qs_index r = 0; r < A->dim; r++)
    for (qs_index k = A->row_start[r]; k < A->row_start[r + 1]; k++)
      ndiag += A->col[k] == r;
  double nnz = 2.0 * n * (double)A->nnz - ndiag * ndiag;
  qs_op_destroy(&A);
  for (int k = 0; k < model->n_c; k++)
    jumps += (double)model->c[k]->nnz * (double)model->c[k]->nnz;
  return nnz + jumps;
}

/* UMFPACK on the trace-constrained Liouvillian (N^2 rows, r = nnz / N^2
 * per row): the Liouvillian and its CSC copy with their triplet scratch
 * (~160 bytes per nonzero with the build temporaries) plus UMFPACK's peak.  The peak was measured
 * (Info[UMFPACK_PEAK_MEMORY], default control) on the driven cavity with
 * ncav = 10..160 and 0..3 qubits (N = 10..160, r = 5.4..12.2, peak 0.1 MiB
 * to 0.9 GiB); a least-squares fit of log(peak) in log N and r gives
 * peak = 48 N^2.0 exp(0.53 r) bytes within a factor 0.7..1.6 on all of
 * them.  The fill per row grows exponentially with the coupling density
 * r (each qubit adds ~2 per row and multiplies the fill by ~2.9); the
 * estimate uses the fit times 1.6, so it bounds every measured case. */
static double sparse_lu_memory(const qs_model *model)
{
  double n = (double)model->space.total, nnz = liouvillian_nnz(model);
  double r = nnz / (n * n);
  return 160.0 * nnz + 1.6 * 48.0 * n * n * exp(0.53 * r);
}

double qs_steady_memory_estimate(const qs_model *model, qs_steady_method method)
{
  if (!model || !model->H)
    return -1.0;
  qs_steady_options def = qs_steady_default_options();
  double n = (double)model->space.total;
  switch (method) {
  case QS_STEADY_AUTO:
    break;
  case QS_STEADY_DENSE:
    return 16.0 * n * n * n * n + 72.0 * liouvillian_nnz(model);
  case QS_STEADY_SPARSE_LU:
    return sparse_lu_memory(model);
  case QS_STEADY_SYLVESTER:
  case QS_STEADY_KRYLOV:
    return qs_steady_splitting_memory(model, method, def.restart);
  case QS_STEADY_RATE_SERIES:
  case QS_STEADY_RATE_SERIES_STAR:
    return qs_rate_series_memory(model);
  default:
    return -1.0;
  }
  qs_index N = model->space.total;
  if (N <= QS_STEADY_DENSE_MAX_DIM)
    return qs_steady_memory_estimate(model, QS_STEADY_DENSE);
  double lu = sparse_lu_memory(model);
  if (N <= QS_STEADY_SPARSE_MAX_DIM && lu <= mem_available())
    return lu;
  return qs_steady_memory_estimate(model, QS_STEADY_KRYLOV);
}

static qs_status solve_direct(const qs_model *model, qs_steady_method method,
                              double complex *rho, double *residual)
{
  qs_index n = model->space.total;
  qs_op *L = NULL, *A = NULL;
  double complex *b = calloc((size_t)(n * n), sizeof *b);
  if (!b)
    return QS_ERR_NOMEM;
  b[0] = 1.0; /* Tr rho = 1 in the replaced row */
  qs_status st = qs_liouvillian_build(model, &L);
  if (st == QS_OK && method == QS_STEADY_DENSE) {
    st = trace_constrained(L, n, 0, &A);
    memcpy(rho, b, (size_t)(n * n) * sizeof *b);
    if (st == QS_OK)
      st = solve_dense(A, rho);
  } else if (st == QS_OK) {
    st = trace_constrained(L, n, 1, &A);
    if (st == QS_OK)
      st = solve_umfpack(A, b, rho);
  }
  if (st == QS_OK) {
    *residual = residual_norm(L, rho);
    if (!isfinite(*residual))
      st = QS_ERR_NUMERIC;
  }
  qs_op_destroy(&L);
  qs_op_destroy(&A);
  free(b);
  return st;
}

/* The rate-equation series as a steady-state method: an approximation
 * whose non-convergence is reported in info, not as an error. */
static qs_status solve_rate_series(const qs_model *model, const qs_steady_options *o,
                                   double complex *rho, qs_steady_info *info, char *msg,
                                   size_t msglen)
{
  qs_rateeq_options ro = qs_rateeq_default_options();
  ro.tol = o->tol;
  ro.max_order = o->series_max_order;
  qs_rateeq_result r;
  qs_status st = qs_rate_series(model, o->method == QS_STEADY_RATE_SERIES_STAR, &ro, rho, &r,
                                msg, msglen);
  info->residual = r.residual;
  info->order = r.order;
  info->iterations = r.orders_computed;
  info->converged = r.converged;
  if (st == QS_OK && !r.converged)
    qs_set_message(msg, msglen,
                   "%s: the series %s (best partial sum at order %d of %d, residual %.3g "
                   "above tol %.3g; smallest level splitting %.3g)",
                   qs_steady_method_name(o->method),
                   r.outcome == QS_RATEEQ_MAX_ORDER
                       ? "was still converging at series_max_order"
                       : "diverged or stalled (residual no longer decreasing)",
                   r.order, r.orders_computed, r.residual, o->tol, r.min_splitting);
  return st;
}

static double seconds_since(const struct timespec *t0)
{
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

/* Bytes `method` needs with the options' restart length. */
static double method_memory(const qs_model *model, qs_steady_method method, int restart)
{
  return method == QS_STEADY_KRYLOV || method == QS_STEADY_SYLVESTER
             ? qs_steady_splitting_memory(model, method, restart)
             : qs_steady_memory_estimate(model, method);
}

/* One method (o->method resolved): memory check, then the solve. */
static qs_status solve_method(const qs_model *model, const qs_steady_options *o, double limit,
                              int stall_cycles, double complex *rho, qs_steady_info *info,
                              char *msg, size_t msglen)
{
  const qs_index n = model->space.total;
  info->method = o->method;
  info->iterations = 0;
  info->residual = NAN;
  double need = method_memory(model, o->method, o->restart);
  info->memory_estimate = need;
  if (need > limit) {
    qs_set_message(msg, msglen,
                   "steady state: method %s needs an estimated %.1f MiB for N = %lld, above "
                   "the memory limit of %.1f MiB",
                   qs_steady_method_name(o->method), need / 1048576.0, (long long)n,
                   limit / 1048576.0);
    return QS_ERR_TOO_LARGE;
  }
  qs_status st;
  if (o->method == QS_STEADY_DENSE || o->method == QS_STEADY_SPARSE_LU) {
    st = solve_direct(model, o->method, rho, &info->residual);
    if (st != QS_OK)
      qs_set_message(msg, msglen, "steady state (%s, N = %lld): %s",
                     qs_steady_method_name(o->method), (long long)n, qs_strerror(st));
    info->converged = st == QS_OK;
  } else if (o->method == QS_STEADY_RATE_SERIES || o->method == QS_STEADY_RATE_SERIES_STAR) {
    st = solve_rate_series(model, o, rho, info, msg, msglen);
  } else {
    st = qs_steady_splitting_solve(model, o, stall_cycles, rho, info, msg, msglen);
    info->converged = st == QS_OK;
  }
  info->total_iterations += info->iterations;
  return st;
}

/* The method AUTO tries first. */
static qs_steady_method auto_first(const qs_model *model, double limit)
{
  const qs_index n = model->space.total;
  if (n <= QS_STEADY_DENSE_MAX_DIM)
    return QS_STEADY_DENSE;
  if (n <= QS_STEADY_SPARSE_MAX_DIM && sparse_lu_memory(model) <= limit)
    return QS_STEADY_SPARSE_LU;
  return QS_STEADY_KRYLOV;
}

/* Largest restart length <= want whose Krylov memory fits the limit (0:
 * none does). */
static int fitting_restart(const qs_model *model, int want, double limit)
{
  while (want > 0 && qs_steady_splitting_memory(model, QS_STEADY_KRYLOV, want) > limit)
    want = want > 8 ? want * 3 / 4 : want - 1;
  return want;
}

typedef struct {
  qs_steady_method method;
  int restart;
  int warm; /* start from the previous attempt's last iterate */
} auto_step;

/* AUTO's chain (see lindblad.h); returns the number of steps. */
static int auto_chain(const qs_model *model, const qs_steady_options *o, double limit,
                      auto_step steps[6])
{
  const double n = (double)model->space.total;
  int k = 0, tried[QS_STEADY_KRYLOV + 1] = {0};
  qs_steady_method first = auto_first(model, limit);
  steps[k++] = (auto_step){first, o->restart, 0};
  tried[first] = 1;
  if (first != QS_STEADY_KRYLOV)
    steps[k++] = (auto_step){QS_STEADY_KRYLOV, o->restart, 0};
  int big = fitting_restart(model, QS_STEADY_AUTO_RESTART, limit);
  if (big > o->restart)
    steps[k++] = (auto_step){QS_STEADY_KRYLOV, big, 1};
  if (!tried[QS_STEADY_SPARSE_LU])
    steps[k++] = (auto_step){QS_STEADY_SPARSE_LU, o->restart, 0};
  if (!tried[QS_STEADY_DENSE] && 16.0 * n * n * n * n <= QS_DENSE_MAX_BYTES)
    steps[k++] = (auto_step){QS_STEADY_DENSE, o->restart, 0};
  return k;
}

/* Append "what: why; " to the note. */
static void note_failure(qs_steady_info *info, const auto_step *s, qs_status st,
                         const char *why)
{
  size_t used = strlen(info->note);
  char what[48];
  if (s->method == QS_STEADY_KRYLOV)
    snprintf(what, sizeof what, "krylov (restart %d%s)", s->restart, s->warm ? ", warm" : "");
  else
    snprintf(what, sizeof what, "%s", qs_steady_method_name(s->method));
  snprintf(info->note + used, sizeof info->note - used, "%s%s failed (%s)%s%s",
           used ? "; " : "", what, qs_strerror(st), why[0] ? ": " : "", why);
}

/* AUTO: the first method of the chain that succeeds. */
static qs_status solve_auto(const qs_model *model, const qs_steady_options *opt, double limit,
                            double complex *rho, qs_steady_info *info, char *msg,
                            size_t msglen)
{
  auto_step steps[6];
  const int n_steps = auto_chain(model, opt, limit, steps);
  const size_t nn = (size_t)model->space.total * (size_t)model->space.total;
  double complex *last = NULL; /* last iterate of a failed iterative solve */
  qs_status st = QS_ERR_INVALID, first_st = QS_OK;
  char first_msg[QS_STEADY_NOTE_LEN] = "", why[QS_STEADY_NOTE_LEN];
  int ran = 0;
  for (int i = 0; i < n_steps; i++) {
    qs_steady_options o = *opt;
    o.method = steps[i].method;
    o.restart = steps[i].restart;
    if (steps[i].warm && !last)
      continue; /* nothing to continue from */
    if (steps[i].warm)
      o.guess = last;
    why[0] = '\0';
    st = solve_method(model, &o, limit, QS_STEADY_AUTO_STALL_CYCLES, rho, info, why,
                      sizeof why);
    ran += st != QS_ERR_TOO_LARGE;
    info->attempts = i + 1;
    if (st == QS_OK || st == QS_ERR_INVALID)
      break;
    if (i == 0) {
      first_st = st;
      snprintf(first_msg, sizeof first_msg, "%s", why);
    }
    note_failure(info, &steps[i], st, why);
    if (st == QS_ERR_NOT_CONVERGED && isfinite(info->residual)) {
      if (!last)
        last = malloc(nn * sizeof *last);
      if (last)
        memcpy(last, rho, nn * sizeof *last);
    }
  }
  free(last);
  if (st == QS_OK || st == QS_ERR_INVALID)
    return st;
  if (!ran) { /* nothing fitted: report the first choice's estimate */
    qs_set_message(msg, msglen, "%s", first_msg);
    info->method = steps[0].method;
    info->memory_estimate = method_memory(model, steps[0].method, opt->restart);
    return first_st;
  }
  qs_set_message(msg, msglen, "auto: every method failed: %s", info->note);
  return st;
}

qs_status qs_steady_state_ex(const qs_model *model, const qs_steady_options *opt,
                             double complex *rho, qs_steady_info *info, char *msg,
                             size_t msglen)
{
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  qs_steady_options o = opt ? *opt : qs_steady_default_options();
  qs_steady_info local;
  if (!info)
    info = &local;
  memset(info, 0, sizeof *info);
  info->method = o.method;
  info->residual = NAN;
  if (!model || !rho) {
    qs_set_message(msg, msglen, "steady state: model and rho must not be NULL");
    return QS_ERR_INVALID;
  }
  if (model->n_td > 0) {
    qs_set_message(msg, msglen,
                   "steady state: the model has %d time-dependent terms; only "
                   "time-independent models have a steady state",
                   model->n_td);
    return QS_ERR_INVALID;
  }
  if ((int)o.method < (int)QS_STEADY_AUTO ||
      (int)o.method > (int)QS_STEADY_RATE_SERIES_STAR || !(o.tol > 0.0) || o.max_iter < 1 ||
      o.restart < 1 || !(o.memory_limit >= 0.0) || o.series_max_order < 0 ||
      o.series_max_order > 10000 || (int)o.start < (int)QS_STEADY_START_IDENTITY ||
      (int)o.start > (int)QS_STEADY_START_RATE_SERIES_STAR) {
    qs_set_message(msg, msglen,
                   "steady state: invalid options (method %d, tol %g > 0, max_iter %d >= 1, "
                   "restart %d >= 1, memory_limit %g >= 0 bytes, series_max_order %d in "
                   "0..10000, start %d)",
                   (int)o.method, o.tol, o.max_iter, o.restart, o.memory_limit,
                   o.series_max_order, (int)o.start);
    return QS_ERR_INVALID;
  }
  const double limit = o.memory_limit > 0.0 ? o.memory_limit : mem_available();
  double complex *start = NULL;
  qs_status st = QS_OK;
  if (!o.guess && o.start != QS_STEADY_START_IDENTITY &&
      (o.method == QS_STEADY_AUTO || o.method == QS_STEADY_SYLVESTER ||
       o.method == QS_STEADY_KRYLOV)) {
    st = qs_steady_start_state(model, o.start, o.tol, &start, msg, msglen);
    o.guess = start;
  }
  if (st != QS_OK) {
    free(start);
    return st;
  }
  if (o.method == QS_STEADY_AUTO) {
    st = solve_auto(model, &o, limit, rho, info, msg, msglen);
  } else {
    info->attempts = 1;
    st = solve_method(model, &o, limit, 0, rho, info, msg, msglen);
  }
  free(start);
  info->seconds = seconds_since(&t0);
  return st;
}

qs_status qs_steady_state(const qs_model *model, qs_steady_method method,
                          double complex *rho, double *residual)
{
  qs_steady_options o = qs_steady_default_options();
  qs_steady_info info;
  o.method = method;
  qs_status st = qs_steady_state_ex(model, &o, rho, &info, NULL, 0);
  if (residual)
    *residual = info.residual;
  return st;
}

/* y = exp(M) x for a dense n x n column-major M, by scaling and squaring:
 * exp(M) = (exp(M / 2^s))^{2^s} with ||M / 2^s||_1 <= 1/2 and a Taylor
 * series of order 18 (truncation error < 0.5^19 / 19! ~ 1e-23). */
static qs_status expm_dense(qs_index n, const double complex *M, double complex *E)
{
  double norm1 = 0.0;
  for (qs_index c = 0; c < n; c++) {
    double s = 0.0;
    for (qs_index r = 0; r < n; r++)
      s += cabs(M[r + c * n]);
    norm1 = fmax(norm1, s);
  }
  int squarings = norm1 > 0.5 ? (int)ceil(log2(norm1 / 0.5)) : 0;
  double scale = ldexp(1.0, -squarings);
  size_t bytes = (size_t)(n * n) * sizeof(double complex);
  double complex *term = malloc(bytes), *tmp = malloc(bytes);
  if (!term || !tmp) {
    free(term);
    free(tmp);
    return QS_ERR_NOMEM;
  }
  const double complex one = 1.0, zero = 0.0;
  /* E = I, term = I; term <- term * (scale M) / k; E += term */
  memset(E, 0, bytes);
  memset(term, 0, bytes);
  for (qs_index i = 0; i < n; i++)
    E[i + i * n] = term[i + i * n] = 1.0;
  for (int k = 1; k <= 18; k++) {
    double complex factor = scale / k;
    cblas_zgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n,
                &factor, term, (int)n, M, (int)n, &zero, tmp, (int)n);
    memcpy(term, tmp, bytes);
    for (qs_index i = 0; i < n * n; i++)
      E[i] += term[i];
  }
  for (int s = 0; s < squarings; s++) {
    cblas_zgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n,
                &one, E, (int)n, E, (int)n, &zero, tmp, (int)n);
    memcpy(E, tmp, bytes);
  }
  free(term);
  free(tmp);
  return QS_OK;
}

qs_status qs_lindblad_evolve_dense(const qs_model *model,
                                   const double complex *rho0, int n_times,
                                   const double *times, double complex *rho_t)
{
  if (!model || !rho0 || n_times < 0 || (n_times > 0 && (!times || !rho_t)))
    return QS_ERR_INVALID;
  qs_index n = model->space.total, n2 = n * n;
  if (16.0 * (double)n2 * (double)n2 > QS_DENSE_MAX_BYTES)
    return QS_ERR_TOO_LARGE;
  qs_op *L = NULL;
  qs_status st = qs_liouvillian_build(model, &L);
  size_t bytes = (size_t)(n2 * n2) * sizeof(double complex);
  double complex *Ld = malloc(bytes), *Lt = malloc(bytes), *E = malloc(bytes);
  if (st == QS_OK && (!Ld || !Lt || !E))
    st = QS_ERR_NOMEM;
  if (st == QS_OK)
    qs_op_to_dense(L, Ld);
  for (int k = 0; k < n_times && st == QS_OK; k++) {
    if (!(times[k] >= 0.0) || !isfinite(times[k])) {
      st = QS_ERR_INVALID;
      break;
    }
    for (qs_index i = 0; i < n2 * n2; i++)
      Lt[i] = Ld[i] * times[k];
    st = expm_dense(n2, Lt, E);
    if (st == QS_OK) {
      const double complex one = 1.0, zero = 0.0;
      cblas_zgemv(CblasColMajor, CblasNoTrans, (int)n2, (int)n2, &one, E,
                  (int)n2, rho0, 1, &zero, rho_t + (size_t)k * (size_t)n2, 1);
    }
  }
  qs_op_destroy(&L);
  free(Ld);
  free(Lt);
  free(E);
  return st;
}

const char *qs_steady_method_name(qs_steady_method method)
{
  switch (method) {
  case QS_STEADY_AUTO:
    return "auto";
  case QS_STEADY_DENSE:
    return "dense";
  case QS_STEADY_SPARSE_LU:
    return "sparse_lu";
  case QS_STEADY_SYLVESTER:
    return "sylvester";
  case QS_STEADY_KRYLOV:
    return "krylov";
  case QS_STEADY_RATE_SERIES:
    return "rate_series";
  case QS_STEADY_RATE_SERIES_STAR:
    return "rate_series_star";
  }
  return "unknown";
}

int qs_steady_method_parse(const char *name)
{
  for (int m = QS_STEADY_AUTO; m <= QS_STEADY_RATE_SERIES_STAR; m++)
    if (name && strcasecmp(name, qs_steady_method_name((qs_steady_method)m)) == 0)
      return m;
  return -1;
}
