/* The Lindblad master equation in time with CVODE; see
 * include/qsync/mesolve.h.
 *
 * Storage: rho is CVODE's vector of 2 N^2 reals, read as N x N complex
 * column-major (C11 6.2.5: double complex has the layout of double[2]).
 * The kernels below work on the interleaved reals directly: ISO C complex
 * multiplication carries a NaN-recovery branch (Annex G) that keeps GCC
 * from vectorizing the inner loops. */
#include "qsync/mesolve.h"
#include "message_impl.h"
#include "nvector_qs_impl.h"

#include <cvode/cvode.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sundials/sundials_context.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>

/* Edge of the square tiles of the in-place M + M^dag pass: two 32 x 32
 * complex tiles (32 KiB) stay in L1/L2 while one is read by columns and
 * the other by rows. */
#define TILE 32

/* Element-wise loops are independent per element: let GCC vectorize them
 * (its -O2 cost model does not for unknown trip counts; the project
 * builds with -fopenmp, see src/nvector_qs.c). */
#define SIMD _Pragma("omp simd")

/* Largest N accepted: 16 N^2 bytes per vector must stay far from
 * overflow (N = 2^20 would already need 16 TiB per vector). */
#define MESOLVE_MAX_DIM ((qs_index)1 << 20)

typedef struct {
  const qs_model *model;
  qs_index n;
  /* -i H_eff(t) on one sparsity pattern for all t: the union of the
   * patterns of H_eff0 = H0 - (i/2) sum c^dag c and of every H_k. */
  qs_index nnz;
  qs_index *row_start; /* n + 1 */
  qs_index *col;       /* nnz, sorted within a row */
  double *base;        /* 2 nnz reals: -i H_eff0 on the pattern */
  double *val;         /* 2 nnz reals: -i H_eff(t) of the current evaluation */
  qs_index **td_pos;   /* n_td arrays: pattern position of each entry of H_k */
  double **td_val;     /* n_td arrays of 2 nnz(H_k) reals: -i H_k */
  qs_op **cs;          /* n_c: c_k / sqrt(2), so that M gets cs (rho cs^dag) */
  double *column;      /* 2 n reals: one column of rho cs^dag */
  int bad_coeff;       /* an f_k(t) was not finite */
  double bad_t;        /* ... at this time */
  char cvode_msg[256]; /* last error CVODE reported */
} mesolve_work;

qs_mesolve_options qs_mesolve_default_options(void)
{
  return (qs_mesolve_options){.rtol = 1e-8, .atol = 1e-10, .max_steps = 1000000,
                              .max_order = 12, .progress = NULL, .progress_data = NULL};
}

/* z = x A^dag (x Hermitian n x n, A in CSR with interleaved complex values,
 * x and z interleaved column-major, not overlapping), column by column:
 * z[:, r] = sum_k conj(A_rk) x[:, k], a combination of whole columns of x
 * along row r of A — contiguous, vectorized axpys.  With A = -i H_eff
 * this is (-i H_eff x)^dag: the same M + M^dag without the gathers of a
 * row-times-column product. */
static void dense_times_adjoint(qs_index n, const qs_index *row_start,
                                const qs_index *col, const double *val,
                                const double *x, double *z)
{
  for (qs_index r = 0; r < n; r++) {
    double *zr = z + 2 * n * r;
    if (row_start[r] == row_start[r + 1]) {
      memset(zr, 0, (size_t)(2 * n) * sizeof *zr);
      continue;
    }
    for (qs_index e = row_start[r]; e < row_start[r + 1]; e++) {
      const double ar = val[2 * e], ai = -val[2 * e + 1];
      const double *xk = x + 2 * n * col[e];
      if (e == row_start[r]) {
        SIMD for (qs_index i = 0; i < n; i++) {
          zr[2 * i] = ar * xk[2 * i] - ai * xk[2 * i + 1];
          zr[2 * i + 1] = ar * xk[2 * i + 1] + ai * xk[2 * i];
        }
      } else {
        SIMD for (qs_index i = 0; i < n; i++) {
          zr[2 * i] += ar * xk[2 * i] - ai * xk[2 * i + 1];
          zr[2 * i + 1] += ar * xk[2 * i + 1] + ai * xk[2 * i];
        }
      }
    }
  }
}

/* Column j of rho c^dag: (rho c^dag)[:, j] = sum_k rho[:, k] conj(c_jk),
 * a combination of whole columns of rho along row j of c (contiguous,
 * vectorizable axpys). */
static void column_times_adjoint(qs_index n, const qs_op *c, qs_index j,
                                 const double *rho, double *out)
{
  const double *val = (const double *)c->val;
  memset(out, 0, (size_t)(2 * n) * sizeof *out);
  for (qs_index e = c->row_start[j]; e < c->row_start[j + 1]; e++) {
    const double ar = val[2 * e], ai = -val[2 * e + 1];
    const double *xk = rho + 2 * n * c->col[e];
    SIMD for (qs_index i = 0; i < n; i++) {
      out[2 * i] += ar * xk[2 * i] - ai * xk[2 * i + 1];
      out[2 * i + 1] += ar * xk[2 * i + 1] + ai * xk[2 * i];
    }
  }
}

/* m <- m + m^dag in place, tile by tile over the pairs (i <= j).  The
 * result is exactly Hermitian: the two entries of a pair are a + conj(b)
 * and b + conj(a), whose real parts are the same sum and whose imaginary
 * parts are exact negatives. */
static void add_adjoint_inplace(qs_index n, double *m)
{
  for (qs_index jb = 0; jb < n; jb += TILE) {
    const qs_index je = jb + TILE < n ? jb + TILE : n;
    for (qs_index ib = 0; ib <= jb; ib += TILE) {
      const qs_index ie = ib + TILE < n ? ib + TILE : n;
      for (qs_index j = jb; j < je; j++) {
        const qs_index iend = ib == jb ? j : ie; /* diagonal tile: i < j */
        for (qs_index i = ib; i < iend; i++) {
          double *a = m + 2 * (i + j * n), *b = m + 2 * (j + i * n);
          const double ar = a[0], ai = a[1], br = b[0], bi = b[1];
          a[0] = ar + br;
          a[1] = ai - bi;
          b[0] = br + ar;
          b[1] = bi - ai;
        }
        if (ib == jb) {
          double *d = m + 2 * (j + j * n);
          d[0] = d[0] + d[0];
          d[1] = 0.0;
        }
      }
    }
  }
}

/* d rho/dt = Z + Z^dag with Z = M^dag = i rho H_eff(t)^dag + sum_k
 * cs_k (rho cs_k^dag), cs_k = c_k / sqrt 2 (the collapse part is
 * Hermitian, so it may be added to M or to M^dag; see the header for why
 * this is the master equation). */
static int rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *data)
{
  mesolve_work *w = data;
  const qs_model *m = w->model;
  const qs_index n = w->n;
  const double *rho = N_VGetArrayPointer(y);
  double *d = N_VGetArrayPointer(ydot);
  const double *hv = w->base;
  if (m->n_td > 0) {
    memcpy(w->val, w->base, (size_t)(2 * w->nnz) * sizeof *w->val);
    for (int k = 0; k < m->n_td; k++) {
      const double complex f = m->f_td[k](t, m->f_data);
      const double fr = creal(f), fi = cimag(f);
      if (!isfinite(fr) || !isfinite(fi)) {
        w->bad_coeff = 1;
        w->bad_t = t;
        return -1;
      }
      const qs_index *pos = w->td_pos[k];
      const double *tv = w->td_val[k];
      for (qs_index e = 0; e < m->H_td[k]->nnz; e++) {
        const qs_index p = pos[e];
        w->val[2 * p] += fr * tv[2 * e] - fi * tv[2 * e + 1];
        w->val[2 * p + 1] += fr * tv[2 * e + 1] + fi * tv[2 * e];
      }
    }
    hv = w->val;
  }
  dense_times_adjoint(n, w->row_start, w->col, hv, rho, d);
  for (int k = 0; k < m->n_c; k++) {
    const qs_op *c = w->cs[k];
    for (qs_index j = 0; j < n; j++) {
      if (c->row_start[j] == c->row_start[j + 1])
        continue; /* column j of rho c^dag is zero */
      column_times_adjoint(n, c, j, rho, w->column);
      qs_op_apply_acc(c, (const double complex *)w->column, (double complex *)(d + 2 * n * j));
    }
  }
  add_adjoint_inplace(n, d);
  return 0;
}

static void error_handler(int error_code, const char *module,
                          const char *function, char *msg, void *data)
{
  mesolve_work *w = data;
  if (error_code < 0)
    qs_set_message(w->cvode_msg, sizeof w->cvode_msg, "%s: %s: %s", module,
                   function, msg);
}


static int compare_index(const void *a, const void *b)
{
  const qs_index x = *(const qs_index *)a, y = *(const qs_index *)b;
  return (x > y) - (x < y);
}

/* Position of (r, c) in the pattern (present by construction). */
static qs_index pattern_find(const mesolve_work *w, qs_index r, qs_index c)
{
  const qs_index *first = w->col + w->row_start[r];
  const qs_index *hit = bsearch(&c, first, (size_t)(w->row_start[r + 1] - w->row_start[r]),
                                sizeof *first, compare_index);
  return w->row_start[r] + (hit - first);
}

/* Scatter -i * op onto the pattern: values into out (2 nnz(op) reals in
 * op's order), positions into pos (NULL: add into dense pattern values
 * `dest` instead). */
static void scatter_minus_i(const mesolve_work *w, const qs_op *op,
                            qs_index *pos, double *out, double *dest)
{
  for (qs_index r = 0; r < op->dim; r++)
    for (qs_index e = op->row_start[r]; e < op->row_start[r + 1]; e++) {
      const qs_index p = pattern_find(w, r, op->col[e]);
      /* -i (x + i y) = y - i x */
      const double vr = cimag(op->val[e]), vi = -creal(op->val[e]);
      if (pos) {
        pos[e] = p;
        out[2 * e] = vr;
        out[2 * e + 1] = vi;
      } else {
        dest[2 * p] += vr;
        dest[2 * p + 1] += vi;
      }
    }
}

/* The union pattern of H_eff0 and the H_k, and -i times their values. */
static qs_status build_pattern(mesolve_work *w, const qs_op *h0)
{
  const qs_model *m = w->model;
  const qs_index n = w->n;
  qs_index cap = h0->nnz;
  for (int k = 0; k < m->n_td; k++)
    cap += m->H_td[k]->nnz;
  w->row_start = malloc((size_t)(n + 1) * sizeof *w->row_start);
  w->col = malloc((size_t)(cap > 0 ? cap : 1) * sizeof *w->col);
  if (!w->row_start || !w->col)
    return QS_ERR_NOMEM;
  qs_index nnz = 0;
  w->row_start[0] = 0;
  for (qs_index r = 0; r < n; r++) {
    const qs_index start = nnz;
    for (int k = -1; k < m->n_td; k++) {
      const qs_op *op = k < 0 ? h0 : m->H_td[k];
      for (qs_index e = op->row_start[r]; e < op->row_start[r + 1]; e++)
        w->col[nnz++] = op->col[e];
    }
    qsort(w->col + start, (size_t)(nnz - start), sizeof *w->col, compare_index);
    qs_index u = start;
    for (qs_index e = start; e < nnz; e++)
      if (u == start || w->col[e] != w->col[u - 1])
        w->col[u++] = w->col[e];
    nnz = u;
    w->row_start[r + 1] = nnz;
  }
  w->nnz = nnz;
  const size_t vals = (size_t)(2 * (nnz > 0 ? nnz : 1));
  w->base = calloc(vals, sizeof *w->base);
  w->val = malloc(vals * sizeof *w->val);
  if (!w->base || !w->val)
    return QS_ERR_NOMEM;
  scatter_minus_i(w, h0, NULL, NULL, w->base);
  if (m->n_td > 0) {
    w->td_pos = calloc((size_t)m->n_td, sizeof *w->td_pos);
    w->td_val = calloc((size_t)m->n_td, sizeof *w->td_val);
    if (!w->td_pos || !w->td_val)
      return QS_ERR_NOMEM;
    for (int k = 0; k < m->n_td; k++) {
      const qs_index nk = m->H_td[k]->nnz > 0 ? m->H_td[k]->nnz : 1;
      w->td_pos[k] = malloc((size_t)nk * sizeof *w->td_pos[k]);
      w->td_val[k] = malloc((size_t)(2 * nk) * sizeof *w->td_val[k]);
      if (!w->td_pos[k] || !w->td_val[k])
        return QS_ERR_NOMEM;
      scatter_minus_i(w, m->H_td[k], w->td_pos[k], w->td_val[k], NULL);
    }
  }
  return QS_OK;
}

static void work_free(mesolve_work *w)
{
  const qs_model *m = w->model;
  free(w->row_start);
  free(w->col);
  free(w->base);
  free(w->val);
  for (int k = 0; k < m->n_td; k++) {
    if (w->td_pos)
      free(w->td_pos[k]);
    if (w->td_val)
      free(w->td_val[k]);
  }
  free(w->td_pos);
  free(w->td_val);
  if (w->cs)
    for (int k = 0; k < m->n_c; k++)
      qs_op_destroy(&w->cs[k]);
  free(w->cs);
  free(w->column);
}

static qs_status work_init(mesolve_work *w, const qs_model *m)
{
  memset(w, 0, sizeof *w);
  w->model = m;
  w->n = m->space.total;
  qs_op *h0 = NULL;
  qs_status st = qs_model_effective_hamiltonian(m, &h0);
  if (st == QS_OK)
    st = build_pattern(w, h0);
  qs_op_destroy(&h0);
  if (st != QS_OK)
    return st;
  w->cs = calloc((size_t)(m->n_c > 0 ? m->n_c : 1), sizeof *w->cs);
  w->column = malloc((size_t)(2 * w->n) * sizeof *w->column);
  if (!w->cs || !w->column)
    return QS_ERR_NOMEM;
  for (int k = 0; k < m->n_c && st == QS_OK; k++)
    st = qs_op_scale(sqrt(0.5), m->c[k], &w->cs[k]);
  return st;
}

static int op_ok(const qs_op *op, qs_index n)
{
  return op && op->dim == n;
}

/* Check the model's arrays and dimensions; a message names the problem. */
static qs_status check_model(const qs_model *m, char *msg, size_t msglen)
{
  const qs_index n = m->space.total;
  if (n < 1 || n > MESOLVE_MAX_DIM) {
    qs_set_message(msg, msglen, "mesolve: dimension %lld outside 1..%lld",
                   (long long)n, (long long)MESOLVE_MAX_DIM);
    return n < 1 ? QS_ERR_INVALID : QS_ERR_TOO_LARGE;
  }
  int ok = op_ok(m->H, n) && m->n_td >= 0 && m->n_c >= 0 && m->n_obs >= 0 &&
           (m->n_td == 0 || (m->H_td && m->f_td)) && (m->n_c == 0 || m->c) &&
           (m->n_obs == 0 || m->obs);
  for (int k = 0; ok && k < m->n_td; k++)
    ok = op_ok(m->H_td[k], n) && m->f_td[k];
  for (int k = 0; ok && k < m->n_c; k++)
    ok = op_ok(m->c[k], n);
  for (int k = 0; ok && k < m->n_obs; k++)
    ok = op_ok(m->obs[k], n);
  if (!ok) {
    qs_set_message(msg, msglen,
                   "mesolve: model with a missing operator or coefficient, or "
                   "an operator whose dimension is not %lld",
                   (long long)n);
    return QS_ERR_INVALID;
  }
  return QS_OK;
}

static double sample_time(const qs_time_average *avg, int i)
{
  return avg->t_from + (i + 0.5) * (avg->t_to - avg->t_from) / avg->n_samples;
}

static qs_status check_options(const qs_mesolve_options *o, char *msg, size_t msglen)
{
  if (!(o->rtol > 0.0 && o->rtol <= 0.1) || !(o->atol > 0.0 && o->atol <= 0.1) ||
      o->max_steps < 1 || o->max_order < 1 || o->max_order > 12) {
    qs_set_message(msg, msglen,
                   "mesolve: options rtol = %g, atol = %g (each in (0, 0.1]), "
                   "max_steps = %ld (>= 1), max_order = %d (1..12)",
                   o->rtol, o->atol, o->max_steps, o->max_order);
    return QS_ERR_INVALID;
  }
  return QS_OK;
}

/* What an integrator needs: a model and options. */
static qs_status check_setup(const qs_model *model, const qs_mesolve_options *o, char *msg,
                             size_t msglen)
{
  if (!model) {
    qs_set_message(msg, msglen, "mesolve: model is NULL");
    return QS_ERR_INVALID;
  }
  qs_status st = check_model(model, msg, msglen);
  return st == QS_OK ? check_options(o, msg, msglen) : st;
}

static qs_status check_times(int n_times, const double *times, const qs_time_average *avg,
                             char *msg, size_t msglen)
{
  if (n_times < 1 || !times) {
    qs_set_message(msg, msglen, "mesolve: n_times = %d, needs >= 1 output times",
                   n_times);
    return QS_ERR_INVALID;
  }
  for (int i = 0; i < n_times; i++)
    if (!isfinite(times[i]) || !(times[i] >= 0.0) || (i > 0 && !(times[i] > times[i - 1]))) {
      qs_set_message(msg, msglen,
                     "mesolve: times[%d] = %g: output times must be finite, >= 0 "
                     "and strictly increasing",
                     i, times[i]);
      return QS_ERR_INVALID;
    }
  if (avg && (!isfinite(avg->t_from) || !isfinite(avg->t_to) || !(avg->t_from >= 0.0) ||
              !(avg->t_to > avg->t_from) || avg->n_samples < 1)) {
    qs_set_message(msg, msglen,
                   "mesolve: time average over [%g, %g] with %d samples: needs "
                   "0 <= t_from < t_to and n_samples >= 1",
                   avg->t_from, avg->t_to, avg->n_samples);
    return QS_ERR_INVALID;
  }
  return QS_OK;
}

/* rho0 finite and Hermitian, or the model's psi0 to fall back on. */
static qs_status check_rho0(const qs_model *m, const double complex *rho0, char *msg,
                            size_t msglen)
{
  const qs_index n = m->space.total;
  if (!rho0) {
    if (!m->psi0) {
      qs_set_message(msg, msglen, "mesolve: rho0 is NULL and the model has no psi0");
      return QS_ERR_INVALID;
    }
    return QS_OK;
  }
  double largest = 0.0, asym = 0.0;
  for (qs_index j = 0; j < n; j++)
    for (qs_index i = 0; i < n; i++) {
      const double complex a = rho0[i + j * n];
      if (!isfinite(creal(a)) || !isfinite(cimag(a))) {
        qs_set_message(msg, msglen, "mesolve: rho0[%lld, %lld] is not finite",
                       (long long)i, (long long)j);
        return QS_ERR_INVALID;
      }
      largest = fmax(largest, cabs(a));
      asym = fmax(asym, cabs(a - conj(rho0[j + i * n])));
    }
  if (asym > 1e-12 * largest) {
    qs_set_message(msg, msglen,
                   "mesolve: rho0 is not Hermitian: max |rho_ij - conj(rho_ji)| "
                   "= %g > 1e-12 * max |rho_ij| = %g",
                   asym, 1e-12 * largest);
    return QS_ERR_INVALID;
  }
  return QS_OK;
}

/* rho <- rho0 made exactly Hermitian ((rho0 + rho0^dag)/2), or
 * |psi0><psi0|. */
static void initial_state(const qs_model *m, const double complex *rho0,
                          double complex *rho)
{
  const qs_index n = m->space.total;
  for (qs_index j = 0; j < n; j++)
    for (qs_index i = 0; i <= j; i++) {
      double complex a;
      if (rho0)
        a = 0.5 * (rho0[i + j * n] + conj(rho0[j + i * n]));
      else
        a = m->psi0[i] * conj(m->psi0[j]);
      if (i == j)
        a = creal(a);
      rho[i + j * n] = a;
      rho[j + i * n] = conj(a);
    }
}

static int all_finite(const double *x, qs_index len)
{
  for (qs_index i = 0; i < len; i++)
    if (!isfinite(x[i]))
      return 0;
  return 1;
}

/* ---- the integrator object ---------------------------------------------- */

struct qs_me {
  mesolve_work w;
  const qs_model *model;
  SUNContext ctx;
  N_Vector y;               /* rho in the integration frame (CVODE's state) */
  void *cvode;
  SUNNonlinearSolver nls;
  double complex *frame;    /* N^2 scratch for the reporting frame, or NULL */
  double t;                 /* time of y */
  double t_stop;            /* integration never beyond this */
  int started;
  qs_mesolve_stats earlier; /* counters of the runs before the last start */
};

void qs_me_destroy(qs_me **me)
{
  if (!me || !*me)
    return;
  qs_me *e = *me;
  if (e->cvode)
    CVodeFree(&e->cvode);
  if (e->nls)
    SUNNonlinSolFree(e->nls);
  if (e->y)
    N_VDestroy(e->y);
  if (e->ctx)
    SUNContext_Free(&e->ctx);
  free(e->frame);
  if (e->model)
    work_free(&e->w);
  free(e);
  *me = NULL;
}

/* CVODE memory, its vector and solver, made once: CVodeInit allocates
 * for the problem size (from a zero state: each start re-initializes). */
static qs_status cvode_setup(qs_me *e, const qs_mesolve_options *o)
{
  const qs_index n2 = e->model->space.total * e->model->space.total;
  if (SUNContext_Create(NULL, &e->ctx) != 0)
    return QS_ERR_CVODE;
  e->y = qs_nvector_new(2 * n2, e->ctx);
  if (!e->y)
    return QS_ERR_NOMEM;
  memset(N_VGetArrayPointer(e->y), 0, (size_t)(2 * n2) * sizeof(double));
  e->cvode = CVodeCreate(CV_ADAMS, e->ctx);
  if (!e->cvode || CVodeSetErrHandlerFn(e->cvode, error_handler, &e->w) != CV_SUCCESS ||
      CVodeInit(e->cvode, rhs, 0.0, e->y) != CV_SUCCESS ||
      CVodeSStolerances(e->cvode, o->rtol, o->atol) != CV_SUCCESS ||
      CVodeSetUserData(e->cvode, &e->w) != CV_SUCCESS ||
      CVodeSetMaxNumSteps(e->cvode, o->max_steps) != CV_SUCCESS ||
      CVodeSetMaxOrd(e->cvode, o->max_order) != CV_SUCCESS)
    return QS_ERR_CVODE;
  /* Adams is non-stiff: fixed-point iteration needs no linear solver. */
  e->nls = SUNNonlinSol_FixedPoint(e->y, 0, e->ctx);
  if (!e->nls || CVodeSetNonlinearSolver(e->cvode, e->nls) != CV_SUCCESS)
    return QS_ERR_CVODE;
  return QS_OK;
}

qs_status qs_me_create(const qs_model *model, const qs_mesolve_options *opt, qs_me **out,
                       char *msg, size_t msglen)
{
  qs_set_message(msg, msglen, "%s", "");
  if (!out)
    return QS_ERR_INVALID;
  *out = NULL;
  const qs_mesolve_options o = opt ? *opt : qs_mesolve_default_options();
  qs_status st = check_setup(model, &o, msg, msglen);
  if (st != QS_OK)
    return st;
  qs_me *e = calloc(1, sizeof *e);
  if (!e)
    return QS_ERR_NOMEM;
  st = work_init(&e->w, model);
  e->model = model; /* work_init has set up w: work_free may run */
  if (st == QS_OK && model->frame_rate) {
    const qs_index n = model->space.total;
    e->frame = malloc((size_t)(n * n) * sizeof *e->frame);
    if (!e->frame)
      st = QS_ERR_NOMEM;
  }
  if (st == QS_OK)
    st = cvode_setup(e, &o);
  if (st == QS_ERR_CVODE)
    qs_set_message(msg, msglen, "mesolve: CVODE setup failed: %s", e->w.cvode_msg);
  if (st != QS_OK) {
    qs_me_destroy(&e);
    return st;
  }
  *out = e;
  return QS_OK;
}

/* Counters of CVODE's current run (since the last CVodeReInit). */
static void current_stats(const qs_me *e, qs_mesolve_stats *s)
{
  long v = 0;
  memset(s, 0, sizeof *s);
  if (CVodeGetNumSteps(e->cvode, &v) == CV_SUCCESS)
    s->steps = v;
  if (CVodeGetNumRhsEvals(e->cvode, &v) == CV_SUCCESS)
    s->rhs_evals = v;
  if (CVodeGetNumNonlinSolvIters(e->cvode, &v) == CV_SUCCESS)
    s->nonlin_iters = v;
  if (CVodeGetNumNonlinSolvConvFails(e->cvode, &v) == CV_SUCCESS)
    s->nonlin_fails = v;
  if (CVodeGetNumErrTestFails(e->cvode, &v) == CV_SUCCESS)
    s->err_fails = v;
}

void qs_me_get_stats(const qs_me *me, qs_mesolve_stats *stats)
{
  current_stats(me, stats);
  stats->steps += me->earlier.steps;
  stats->rhs_evals += me->earlier.rhs_evals;
  stats->nonlin_iters += me->earlier.nonlin_iters;
  stats->nonlin_fails += me->earlier.nonlin_fails;
  stats->err_fails += me->earlier.err_fails;
}

qs_status qs_me_start(qs_me *me, const double complex *rho0, double t0, double t_stop,
                      char *msg, size_t msglen)
{
  qs_set_message(msg, msglen, "%s", "");
  if (!me)
    return QS_ERR_INVALID;
  if (!isfinite(t0) || !isfinite(t_stop) || !(t_stop >= t0)) {
    qs_set_message(msg, msglen, "mesolve: start at t0 = %g with stop time %g: needs "
                   "finite t0 <= t_stop", t0, t_stop);
    return QS_ERR_INVALID;
  }
  qs_status st = check_rho0(me->model, rho0, msg, msglen);
  if (st != QS_OK)
    return st;
  qs_mesolve_stats total;
  qs_me_get_stats(me, &total);
  me->earlier = total; /* CVodeReInit zeroes CVODE's counters */
  initial_state(me->model, rho0, (double complex *)N_VGetArrayPointer(me->y));
  me->w.bad_coeff = 0;
  me->started = 0;
  if (CVodeReInit(me->cvode, t0, me->y) != CV_SUCCESS ||
      CVodeSetStopTime(me->cvode, t_stop) != CV_SUCCESS) {
    qs_set_message(msg, msglen, "mesolve: CVODE restart failed: %s", me->w.cvode_msg);
    return QS_ERR_CVODE;
  }
  me->t = t0;
  me->t_stop = t_stop;
  me->started = 1;
  return QS_OK;
}

qs_status qs_me_evolve_to(qs_me *me, double t, char *msg, size_t msglen)
{
  if (!me || !me->started || !(t >= me->t) || !(t <= me->t_stop)) {
    if (me)
      qs_set_message(msg, msglen,
                     "mesolve: evolve to t = %g outside [%g, %g] (current time, stop time)%s",
                     t, me->t, me->t_stop, me->started ? "" : " or not started");
    return QS_ERR_INVALID;
  }
  if (t > me->t) {
    sunrealtype t_ret = 0.0;
    const int flag = CVode(me->cvode, t, me->y, &t_ret, CV_NORMAL);
    if (flag < 0) {
      me->started = 0; /* the state is unusable until the next start */
      if (me->w.bad_coeff) {
        qs_set_message(msg, msglen,
                       "mesolve: a time-dependent coefficient f_k(%g) is not finite",
                       me->w.bad_t);
        return QS_ERR_NUMERIC;
      }
      char *name = CVodeGetReturnFlagName(flag); /* malloc'd by CVODE */
      qs_set_message(msg, msglen, "mesolve: CVODE failed before t = %g (%s): %s", t,
                     name ? name : "?", me->w.cvode_msg);
      free(name);
      return QS_ERR_CVODE;
    }
    me->t = t;
  }
  const qs_index n = me->model->space.total;
  if (!all_finite(N_VGetArrayPointer(me->y), 2 * n * n)) {
    me->started = 0;
    qs_set_message(msg, msglen, "mesolve: rho(%g) is not finite", t);
    return QS_ERR_NUMERIC;
  }
  return QS_OK;
}

double qs_me_time(const qs_me *me)
{
  return me->t;
}

void qs_me_get_rho(const qs_me *me, double complex *rho)
{
  qs_model_frame_rho(me->model, me->t, (const double complex *)N_VGetArrayPointer(me->y), rho);
}

void qs_me_get_observables(qs_me *me, double complex *obs)
{
  const double complex *rep = (const double complex *)N_VGetArrayPointer(me->y);
  if (me->frame) {
    qs_model_frame_rho(me->model, me->t, rep, me->frame);
    rep = me->frame;
  }
  for (int k = 0; k < me->model->n_obs; k++)
    obs[k] = qs_op_trace_with(me->model->obs[k], rep);
}

/* ---- the one-shot solve --------------------------------------------------- */

qs_status qs_mesolve(const qs_model *model, const double complex *rho0,
                     int n_times, const double *times,
                     const qs_time_average *avg, const qs_mesolve_options *opt,
                     double complex *obs_t, double complex *rho_final,
                     double complex *rho_avg, double complex *obs_avg,
                     qs_mesolve_stats *stats, char *msg, size_t msglen)
{
  if (stats)
    memset(stats, 0, sizeof *stats);
  qs_set_message(msg, msglen, "%s", "");
  const qs_mesolve_options o = opt ? *opt : qs_mesolve_default_options();
  qs_status st = check_setup(model, &o, msg, msglen);
  if (st == QS_OK)
    st = check_times(n_times, times, avg, msg, msglen);
  if (st == QS_OK)
    st = check_rho0(model, rho0, msg, msglen);
  if (st != QS_OK)
    return st;

  const qs_index n = model->space.total, n2 = n * n;
  const int n_samples = avg ? avg->n_samples : 0;
  double t_end = times[n_times - 1];
  if (avg)
    t_end = fmax(t_end, sample_time(avg, n_samples - 1));
  qs_me *me = NULL;
  double complex *rep = malloc((size_t)n2 * sizeof *rep);
  double complex *acc = avg ? calloc((size_t)n2, sizeof *acc) : NULL;
  st = rep && (acc || !avg) ? qs_me_create(model, &o, &me, msg, msglen) : QS_ERR_NOMEM;
  if (st == QS_OK)
    st = qs_me_start(me, rho0, 0.0, t_end, msg, msglen);

  /* Walk the merged, increasing sequence of output and sample times. */
  int it = 0, is = 0;
  while (st == QS_OK && (it < n_times || is < n_samples)) {
    const double tt = it < n_times ? times[it] : INFINITY;
    const double ts = is < n_samples ? sample_time(avg, is) : INFINITY;
    const double te = fmin(tt, ts);
    st = qs_me_evolve_to(me, te, msg, msglen);
    if (st != QS_OK)
      break;
    qs_me_get_rho(me, rep); /* in the reporting frame */
    if (tt == te) {
      if (obs_t)
        for (int k = 0; k < model->n_obs; k++)
          obs_t[(size_t)it * (size_t)model->n_obs + (size_t)k] =
              qs_op_trace_with(model->obs[k], rep);
      if (rho_final && it == n_times - 1)
        memcpy(rho_final, rep, (size_t)n2 * sizeof *rep);
      it++;
    }
    if (ts == te) {
      for (qs_index i = 0; i < n2; i++)
        acc[i] += rep[i];
      is++;
    }
    if (o.progress)
      o.progress(te, t_end, o.progress_data);
  }
  if (st == QS_OK && avg) {
    for (qs_index i = 0; i < n2; i++)
      acc[i] /= n_samples;
    if (rho_avg)
      memcpy(rho_avg, acc, (size_t)n2 * sizeof *acc);
    if (obs_avg)
      for (int k = 0; k < model->n_obs; k++)
        obs_avg[k] = qs_op_trace_with(model->obs[k], acc);
  }
  if (stats && me)
    qs_me_get_stats(me, stats);
  qs_me_destroy(&me);
  free(acc);
  free(rep);
  return st;
}
