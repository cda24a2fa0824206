/* The Liouvillian gap; see include/qsync/gap.h. */
#include "qsync/gap.h"
#include "gap_impl.h"
#include "message_impl.h"
#include "qsync/lindblad.h"
#include "qsync/resources.h"
#include "qsync/rng.h"

#include <lapacke.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <suitesparse/umfpack.h>

/* ARPACK (Fortran 77, 32-bit INTEGER, gfortran's hidden string lengths
 * at the end).  Reverse communication: znaupd returns with ido = -1 or 1
 * when it wants y = OP x. */
void znaupd_(int *ido, const char *bmat, const int *n, const char *which, const int *nev,
             const double *tol, double complex *resid, const int *ncv, double complex *v,
             const int *ldv, int *iparam, int *ipntr, double complex *workd,
             double complex *workl, const int *lworkl, double *rwork, int *info,
             size_t bmat_len, size_t which_len);
void zneupd_(const int *rvec, const char *howmny, int *select, double complex *d,
             double complex *z, const int *ldz, const double complex *sigma,
             double complex *workev, const char *bmat, const int *n, const char *which,
             const int *nev, const double *tol, double complex *resid, const int *ncv,
             double complex *v, const int *ldv, int *iparam, int *ipntr,
             double complex *workd, double complex *workl, const int *lworkl,
             double *rwork, int *info, size_t howmny_len, size_t bmat_len,
             size_t which_len);

/* znaupd keeps its state between reverse-communication calls in SAVE
 * variables: one Arnoldi loop at a time in the process. */
static pthread_mutex_t arpack_lock = PTHREAD_MUTEX_INITIALIZER;

/* Shift as a fraction of the slowest single-quantum rate (gap.h). */
#define GAP_SIGMA_FRACTION 0.1

/* Room for the eigenvalues of every shift and their conjugates. */
#define QS_GAP_FOUND_MAX (2 * QS_GAP_MAX_SHIFTS * (2 * (QS_GAP_MAX_NEV + 1) + 4))

void qs_gap_options_default(qs_gap_options *o)
{
  if (!o)
    return;
  o->nev = 4;
  o->tol = 1e-12;
  o->max_iter = 1000;
  o->memory_limit = 0.0;
  o->method = QS_GAP_AUTO;
}

const char *qs_gap_method_name(qs_gap_method method)
{
  switch (method) {
  case QS_GAP_AUTO:
    return "auto";
  case QS_GAP_DENSE:
    return "dense";
  case QS_GAP_ARPACK:
    return "arpack";
  case QS_GAP_ARPACK_KRYLOV:
    return "arpack_krylov";
  }
  return "unknown";
}

int qs_gap_method_parse(const char *name)
{
  for (int m = QS_GAP_AUTO; m <= QS_GAP_ARPACK_KRYLOV; m++)
    if (name && strcasecmp(name, qs_gap_method_name((qs_gap_method)m)) == 0)
      return m;
  return -1;
}

/* Eigenvalues ARPACK is asked for: nev, the steady state's 0 and a margin
 * against eigenvalues with large |Im| (gap.h), capped by ARPACK's
 * K <= n - 2.  n2 = N^2. */
static int arpack_request(int nev, qs_index n2)
{
  qs_index k = 2 * ((qs_index)nev + 1) + 4;
  return (int)(k < n2 - 2 ? k : n2 - 2);
}

static int arpack_ncv(int k, qs_index n2)
{
  qs_index ncv = 2 * (qs_index)k + 2;
  return (int)(ncv < n2 ? ncv : n2);
}

/* Bytes of `method` (resolved) on `model`. */
static double method_memory(const qs_model *model, qs_gap_method method, int nev)
{
  double n = (double)model->space.total, n2 = n * n;
  double dense = qs_steady_memory_estimate(model, QS_STEADY_DENSE);
  if (method == QS_GAP_DENSE)
    return dense + 40.0 * n2;
  int k = arpack_request(nev, (qs_index)n2);
  int ncv = arpack_ncv(k > 1 ? k : 1, (qs_index)n2);
  double arnoldi = 16.0 * ((double)ncv + k + 4.0) * n2 + 48.0 * (double)ncv * ncv + 48.0 * n2;
  if (method == QS_GAP_ARPACK)
    return qs_steady_memory_estimate(model, QS_STEADY_SPARSE_LU) + arnoldi;
  /* the DENSE estimate is 16 N^4 + 72 nnz(L): nnz recovered from it; the
   * sparse L with its build temporaries takes ~160 bytes per nonzero */
  double nnz = (dense - 16.0 * n2 * n2) / 72.0;
  return 160.0 * nnz + qs_gap_krylov_memory(model->space.total) + arnoldi;
}

/* AUTO resolved: DENSE where ARPACK cannot deliver nev + 1 eigenvalues or
 * the model is small, ARPACK where the LU fits `limit`, else
 * ARPACK_KRYLOV. */
static qs_gap_method resolve_method(const qs_model *model, const qs_gap_options *o,
                                    double limit)
{
  qs_index n2 = model->space.total * model->space.total;
  if (o->method != QS_GAP_AUTO)
    return o->method;
  if (n2 <= QS_GAP_DENSE_MAX_DIM2 || arpack_request(o->nev, n2) < o->nev + 1)
    return QS_GAP_DENSE;
  return method_memory(model, QS_GAP_ARPACK, o->nev) <= limit ? QS_GAP_ARPACK
                                                              : QS_GAP_ARPACK_KRYLOV;
}

static double memory_limit(const qs_gap_options *o)
{
  return o->memory_limit > 0.0 ? o->memory_limit : qs_resources_default_memory_limit();
}

double qs_gap_memory_estimate(const qs_model *model, const qs_gap_options *o)
{
  if (!model || !model->H)
    return -1.0;
  qs_gap_options def;
  qs_gap_options_default(&def);
  if (!o)
    o = &def;
  if ((int)o->method < (int)QS_GAP_AUTO || (int)o->method > (int)QS_GAP_ARPACK_KRYLOV)
    return -1.0;
  return method_memory(model, resolve_method(model, o, memory_limit(o)), o->nev);
}

/* The slowest single-quantum rate: the smallest |entry|^2 of any collapse
 * operator (sqrt(gamma) a has entries sqrt(gamma n)); without dissipation
 * a thousandth of the largest |H entry| (or 1), only to keep L - sigma
 * invertible. */
static double choose_sigma(const qs_model *model)
{
  double rate = INFINITY, hmax = 0.0;
  for (int k = 0; k < model->n_c; k++)
    for (qs_index i = 0; i < model->c[k]->nnz; i++) {
      double a = cabs(model->c[k]->val[i]);
      if (a > 0.0)
        rate = fmin(rate, a * a);
    }
  if (isfinite(rate))
    return GAP_SIGMA_FRACTION * rate;
  for (qs_index i = 0; i < model->H->nnz; i++)
    hmax = fmax(hmax, cabs(model->H->val[i]));
  return hmax > 0.0 ? 1e-3 * hmax : 1.0;
}

/* Order of the report: |Re| ascending; a conjugate pair (|Re| equal to
 * rounding) with the positive Im first, so the order is reproducible. */
static int before(double complex a, double complex b)
{
  double ra = fabs(creal(a)), rb = fabs(creal(b));
  if (fabs(ra - rb) > 1e-9 * fmax(ra, rb))
    return ra < rb;
  return cimag(a) > cimag(b);
}

/* Index of the eigenvalue that sets the next time scale after mu[0]:
 * mu[1], or mu[2] when mu[1] is mu[0]'s complex conjugate (the same decay
 * rate: the pair is one damped oscillation); -1 if there is none. */
static int next_rate(const double complex *mu, int n)
{
  if (n < 2)
    return -1;
  double tol = 1e-8 * (1.0 + cabs(mu[0]));
  int pair = fabs(cimag(mu[0])) > tol && cabs(mu[1] - conj(mu[0])) <= tol;
  return !pair ? 1 : n > 2 ? 2 : -1;
}

/* Drop the eigenvalue of smallest modulus (the steady state's 0) from
 * mu[0..n-1], sort the rest with `before` (insertion sort: n is small) and
 * copy the first nev into r.  *zero receives the dropped eigenvalue. */
static void report_eigenvalues(double complex *mu, int n, int nev, qs_gap_result *r,
                               double complex *zero)
{
  int z = 0;
  for (int i = 1; i < n; i++)
    if (cabs(mu[i]) < cabs(mu[z]))
      z = i;
  *zero = mu[z];
  mu[z] = mu[n - 1];
  n--;
  for (int i = 1; i < n; i++) {
    double complex x = mu[i];
    int j = i;
    for (; j > 0 && before(x, mu[j - 1]); j--)
      mu[j] = mu[j - 1];
    mu[j] = x;
  }
  r->nconv = n < nev ? n : nev;
  for (int i = 0; i < r->nconv; i++)
    r->mu[i] = mu[i];
  r->gap = r->nconv > 0 ? fabs(creal(r->mu[0])) : NAN;
  int next = next_rate(mu, n); /* from all found, also beyond nev */
  r->ratio = next < 0 ? NAN : r->gap > 0.0 ? fabs(creal(mu[next])) / r->gap : INFINITY;
}

/* Every eigenvalue by zgeev on the dense Liouvillian. */
static qs_status gap_dense(const qs_op *L, int nev, qs_gap_result *r, char *msg,
                           size_t msglen)
{
  qs_index n2 = L->dim;
  double complex *dense = malloc((size_t)(n2 * n2) * sizeof *dense);
  double complex *mu = malloc((size_t)n2 * sizeof *mu);
  qs_status st = QS_ERR_NOMEM;
  if (dense && mu) {
    qs_op_to_dense(L, dense);
    double norm = 0.0;
    for (qs_index i = 0; i < n2 * n2; i++)
      norm += creal(dense[i] * conj(dense[i]));
    lapack_int info = LAPACKE_zgeev(LAPACK_COL_MAJOR, 'N', 'N', (lapack_int)n2, dense,
                                    (lapack_int)n2, mu, NULL, 1, NULL, 1);
    st = info == 0 ? QS_OK : QS_ERR_LAPACK;
    if (st != QS_OK) {
      qs_set_message(msg, msglen, "gap (dense): zgeev failed with info %d", (int)info);
    } else {
      double complex zero;
      report_eigenvalues(mu, (int)n2, nev, r, &zero);
      /* rounding of zgeev: a few eps ||L||_F; a Lindbladian always has 0 */
      if (cabs(zero) > 1e-8 * sqrt(norm)) {
        qs_set_message(msg, msglen,
                       "gap (dense): smallest |eigenvalue| %g is not 0 to rounding "
                       "(||L||_F = %g): not a trace-preserving Liouvillian?",
                       cabs(zero), sqrt(norm));
        st = QS_ERR_NUMERIC;
      }
    }
  }
  free(dense);
  free(mu);
  return st;
}

/* (L - sigma)^{-1} by one UMFPACK factorisation.  UMFPACK wants columns:
 * the CSR arrays of M = L - sigma read as CSC are M^T, whose factors solve
 * M y = x with sys = UMFPACK_Aat (plain transpose).  With `krylov` set
 * (ARPACK_KRYLOV) the solves go to its GMRES instead (gap_impl.h). */
typedef struct {
  gap_krylov *krylov; /* borrowed; NULL: UMFPACK */
  double krylov_tol;
  qs_op *M;
  void *numeric;
  double control[UMFPACK_CONTROL], info[UMFPACK_INFO];
  long *Wi;  /* wsolve workspace: no allocation per application */
  double *W;
} shift_invert;

static void shift_invert_free(shift_invert *si)
{
  qs_op_destroy(&si->M);
  umfpack_zl_free_numeric(&si->numeric);
  free(si->Wi);
  free(si->W);
  si->Wi = NULL;
  si->W = NULL;
}

static qs_status shift_invert_create(const qs_op *L, double complex sigma, gap_krylov *krylov,
                                     double krylov_tol, shift_invert *si, char *msg,
                                     size_t msglen)
{
  memset(si, 0, sizeof *si);
  if (krylov) {
    si->krylov = krylov;
    si->krylov_tol = krylov_tol;
    qs_gap_krylov_set_shift(krylov, sigma);
    return QS_OK;
  }
  qs_op *id = NULL;
  qs_status st = qs_op_identity(L->dim, &id);
  if (st == QS_OK)
    st = qs_op_add(1.0, L, -sigma, id, &si->M);
  qs_op_destroy(&id);
  si->Wi = malloc((size_t)L->dim * sizeof *si->Wi);
  si->W = malloc((size_t)L->dim * 10 * sizeof *si->W);
  if (st == QS_OK && (!si->Wi || !si->W))
    st = QS_ERR_NOMEM;
  if (st != QS_OK) {
    shift_invert_free(si);
    qs_set_message(msg, msglen, "gap (arpack): building L - sigma: %s", qs_strerror(st));
    return st;
  }
  umfpack_zl_defaults(si->control);
  /* no iterative refinement: it doubles the cost of every solve, and the
   * eigenpairs are checked against L itself afterwards (residual_max) */
  si->control[UMFPACK_IRSTEP] = 0;
  long n = (long)si->M->dim;
  const long *ap = (const long *)si->M->row_start, *ai = (const long *)si->M->col;
  const double *ax = (const double *)si->M->val;
  void *symbolic = NULL;
  long status = umfpack_zl_symbolic(n, n, ap, ai, ax, NULL, &symbolic, si->control, si->info);
  if (status == UMFPACK_OK)
    status = umfpack_zl_numeric(ap, ai, ax, NULL, symbolic, &si->numeric, si->control,
                                si->info);
  umfpack_zl_free_symbolic(&symbolic);
  if (status == UMFPACK_OK)
    return QS_OK;
  st = status == UMFPACK_WARNING_singular_matrix ? QS_ERR_SINGULAR
       : status == UMFPACK_ERROR_out_of_memory   ? QS_ERR_NOMEM
                                                 : QS_ERR_UMFPACK;
  qs_set_message(msg, msglen, "gap (arpack): UMFPACK factorisation of L - sigma "
                 "(sigma = %g%+gi) failed with status %ld", creal(sigma), cimag(sigma), status);
  shift_invert_free(si);
  return st;
}

/* y = (L - sigma)^{-1} x. */
static qs_status shift_invert_apply(shift_invert *si, const double complex *x,
                                    double complex *y)
{
  if (si->krylov)
    return qs_gap_krylov_solve(si->krylov, x, y, si->krylov_tol);
  const long *ap = (const long *)si->M->row_start, *ai = (const long *)si->M->col;
  long status = umfpack_zl_wsolve(UMFPACK_Aat, ap, ai, (const double *)si->M->val, NULL,
                                  (double *)y, NULL, (const double *)x, NULL, si->numeric,
                                  si->control, si->info, si->Wi, si->W);
  return status == UMFPACK_OK ? QS_OK : status == UMFPACK_WARNING_singular_matrix
                                            ? QS_ERR_SINGULAR
                                            : QS_ERR_UMFPACK;
}

/* What the Arnoldi loop returns: k Ritz pairs of L (mu = sigma + 1/theta,
 * transformed back by zneupd). */
typedef struct {
  int k, ncv, n;     /* requested, basis size, N^2 */
  int nconv, iterations;
  double complex *d; /* ncv eigenvalues (nconv valid) */
  double complex *z; /* n x k eigenvectors */
} arnoldi_out;

/* Deterministic start vector (ARPACK's own random start depends on earlier
 * calls in the process): PCG64 seed 0, stream 0, entries in the unit
 * square, so every eigenvector has a component almost surely (vec(I)
 * would miss every coherence sector of a U(1)-symmetric model). */
static void start_vector(double complex *resid, int n)
{
  qs_rng rng;
  qs_rng_seed(&rng, 0, 0);
  for (int i = 0; i < n; i++) {
    double re = qs_rng_uniform(&rng) - 0.5;
    resid[i] = re + I * (qs_rng_uniform(&rng) - 0.5);
  }
}

static qs_status arnoldi(shift_invert *si, double complex sigma, const qs_gap_options *o,
                         arnoldi_out *out, char *msg, size_t msglen)
{
  const int n = out->n, k = out->k, ncv = out->ncv, lworkl = 3 * ncv * ncv + 5 * ncv;
  int iparam[11] = {0}, ipntr[14] = {0}, ido = 0, info = 1, rvec = 1;
  double complex *resid = malloc((size_t)n * sizeof *resid);
  double complex *v = malloc((size_t)n * (size_t)ncv * sizeof *v);
  double complex *workd = malloc(3 * (size_t)n * sizeof *workd);
  double complex *workl = malloc((size_t)lworkl * sizeof *workl);
  double complex *workev = malloc(2 * (size_t)ncv * sizeof *workev);
  double *rwork = malloc((size_t)ncv * sizeof *rwork);
  int *select = calloc((size_t)ncv, sizeof *select);
  qs_status st = QS_OK;
  if (!resid || !v || !workd || !workl || !workev || !rwork || !select) {
    st = QS_ERR_NOMEM;
    qs_set_message(msg, msglen, "gap (arpack): out of memory for the Arnoldi basis");
    goto done;
  }
  start_vector(resid, n);
  iparam[0] = 1; /* exact shifts */
  iparam[2] = o->max_iter;
  iparam[6] = 3; /* shift-invert: zneupd maps theta back to sigma + 1/theta */
  const double complex csigma = sigma;
  pthread_mutex_lock(&arpack_lock);
  for (;;) {
    znaupd_(&ido, "I", &n, "LM", &k, &o->tol, resid, &ncv, v, &n, iparam, ipntr, workd,
            workl, &lworkl, rwork, &info, 1, 2);
    if (ido != -1 && ido != 1)
      break;
    st = shift_invert_apply(si, workd + ipntr[0] - 1, workd + ipntr[1] - 1);
    if (st != QS_OK)
      break;
  }
  out->iterations = iparam[2];
  if (st != QS_OK) {
    qs_set_message(msg, msglen, "gap (arpack): UMFPACK solve failed: %s", qs_strerror(st));
  } else if (info == 1) {
    st = QS_ERR_NOT_CONVERGED;
    qs_set_message(msg, msglen,
                   "gap (arpack): %d of %d eigenvalues converged within max_iter = %d "
                   "restarts (tol %g); raise [gap] max_iter or tol",
                   iparam[4], k, o->max_iter, o->tol);
  } else if (info != 0) {
    st = QS_ERR_LAPACK;
    qs_set_message(msg, msglen, "gap (arpack): znaupd failed with info %d", info);
  } else {
    zneupd_(&rvec, "A", select, out->d, out->z, &n, &csigma, workev, "I", &n, "LM", &k,
            &o->tol, resid, &ncv, v, &n, iparam, ipntr, workd, workl, &lworkl, rwork,
            &info, 1, 1, 2);
    out->nconv = iparam[4];
    if (info != 0) {
      st = QS_ERR_LAPACK;
      qs_set_message(msg, msglen, "gap (arpack): zneupd failed with info %d", info);
    }
  }
  pthread_mutex_unlock(&arpack_lock);
done:
  free(resid);
  free(v);
  free(workd);
  free(workl);
  free(workev);
  free(rwork);
  free(select);
  return st;
}

/* ||L z - mu z|| / ||z|| for one eigenpair; y: scratch of L->dim. */
static double eigen_residual(const qs_op *L, double complex mu, const double complex *z,
                             double complex *y)
{
  qs_op_apply(L, z, y);
  double ry = 0.0, rz = 0.0;
  for (qs_index i = 0; i < L->dim; i++) {
    double complex e = y[i] - mu * z[i];
    ry += creal(e * conj(e));
    rz += creal(z[i] * conj(z[i]));
  }
  return sqrt(ry / rz);
}

/* ---- several shifts along the imaginary axis ---------------------------
 * The eigenvalues found near each shift sigma_j = s + i omega_j are merged
 * into one list (with their conjugates: L maps rho^dag to (L rho)^dag, so
 * the spectrum is symmetric about the real axis and omega_j >= 0
 * suffices).  Where the next shift goes is predicted by the no-jump part
 * L0 rho = -i (H_eff rho - rho H_eff^dag), whose eigenvalues
 * -i (E_a - conj(E_b)) (E_a those of H_eff) are exact for the damped
 * cavity and close for weak jumps. */

typedef struct {
  double complex *mu;  /* eigenvalues found so far */
  double *residual;    /* ||L v - mu v|| / ||v|| of each */
  int n, cap;
  double omega[QS_GAP_MAX_SHIFTS], radius[QS_GAP_MAX_SHIFTS];
  int shifts;
} found_list;

/* Add the eigenvalues of one run (and their conjugates), each unless an
 * entry of the list within rounding is not yet matched in this merge:
 * multiplicities found by two runs are not doubled. */
static void merge_found(found_list *f, const double complex *mu, const double *res, int n,
                        int conjugate)
{
  const int old = f->n;
  unsigned char matched[QS_GAP_FOUND_MAX] = {0};
  for (int i = 0; i < n && f->n < f->cap; i++) {
    double complex x = conjugate ? conj(mu[i]) : mu[i];
    int hit = -1;
    for (int j = 0; j < old && hit < 0; j++)
      if (!matched[j] && cabs(f->mu[j] - x) <= 1e-8 * (1.0 + cabs(x)))
        hit = j;
    if (hit >= 0) {
      matched[hit] = 1;
      continue;
    }
    f->mu[f->n] = x;
    f->residual[f->n++] = res[i];
  }
}

/* Largest w such that every eigenvalue with -a <= Re mu <= 0 and
 * |Im mu| < w lies inside a searched disc: disc j (centre s + i omega_j,
 * radius R_j) holds the whole segment [-a, 0] + i y when
 * |y - omega_j| <= sqrt(R_j^2 - (s + a)^2); mirrored for -omega_j. */
static double covered_window(const found_list *f, double s, double a)
{
  double w = 0.0;
  for (int grown = 1; grown;) {
    grown = 0;
    for (int j = 0; j < f->shifts; j++) {
      double h2 = f->radius[j] * f->radius[j] - (s + a) * (s + a);
      if (h2 <= 0.0)
        continue;
      double h = sqrt(h2);
      for (int sign = -1; sign <= 1; sign += 2) {
        double lo = sign * f->omega[j] - h, hi = sign * f->omega[j] + h;
        if (lo <= w && hi > w) {
          w = hi;
          grown = 1;
        }
      }
    }
  }
  return w;
}

/* The report of the list so far (the smallest |mu| removed as the steady
 * state), its |Re| threshold a and window. */
static void report_found(const found_list *f, double s, int nev, qs_gap_result *r,
                         double complex *zero, double complex *scratch)
{
  memcpy(scratch, f->mu, (size_t)f->n * sizeof *scratch);
  report_eigenvalues(scratch, f->n, nev, r, zero);
  double a = r->nconv > 0 ? fabs(creal(r->mu[r->nconv - 1])) : 0.0;
  r->im_window = covered_window(f, s, a);
  r->residual_max = 0.0;
  for (int k = 0; k < r->nconv; k++)
    for (int i = 0; i < f->n; i++)
      if (f->mu[i] == r->mu[k] || f->mu[i] == conj(r->mu[k]))
        r->residual_max = fmax(r->residual_max, f->residual[i]);
}

/* Eigenvalues -i (E_a - conj(E_b)) of L0 from those of H_eff (zgeev on
 * the dense N x N matrix); *pred is NULL (no prediction) above
 * QS_GAP_PREDICT_MAX_DIM. */
static qs_status predict(const qs_model *model, double complex **pred, qs_index *npred)
{
  qs_index n = model->space.total;
  *pred = NULL;
  *npred = 0;
  if (n > QS_GAP_PREDICT_MAX_DIM)
    return QS_OK;
  qs_op *heff = NULL;
  qs_status st = qs_model_effective_hamiltonian(model, &heff);
  double complex *dense = malloc((size_t)(n * n) * sizeof *dense);
  double complex *e = malloc((size_t)n * sizeof *e);
  double complex *p = malloc((size_t)(n * n) * sizeof *p);
  if (st == QS_OK && (!dense || !e || !p))
    st = QS_ERR_NOMEM;
  if (st == QS_OK) {
    qs_op_to_dense(heff, dense);
    lapack_int info = LAPACKE_zgeev(LAPACK_COL_MAJOR, 'N', 'N', (lapack_int)n, dense,
                                    (lapack_int)n, e, NULL, 1, NULL, 1);
    st = info == 0 ? QS_OK : QS_ERR_LAPACK;
  }
  if (st == QS_OK) {
    for (qs_index a = 0; a < n; a++)
      for (qs_index b = 0; b < n; b++)
        p[a * n + b] = -I * (e[a] - conj(e[b]));
    *pred = p;
    *npred = n * n;
    p = NULL;
  }
  qs_op_destroy(&heff);
  free(dense);
  free(e);
  free(p);
  return st;
}

/* Where slow eigenvalues may still hide: the largest |Im| of a predicted
 * eigenvalue with |Re| <= 4 a (the jumps move Re: for a driven cavity in
 * the photon-number basis the no-jump part's Re is 2-3 times too negative
 * near the gap); 0 without a prediction. */
static double im_extent(const double complex *pred, qs_index npred, double a)
{
  double extent = 0.0;
  for (qs_index i = 0; i < npred; i++)
    if (fabs(creal(pred[i])) <= 4.0 * a)
      extent = fmax(extent, fabs(cimag(pred[i])));
  return extent;
}

/* The next shift tiles the |Im| axis: just beyond the window, overlapping
 * it by a tenth of the last disc's half-width on the segment (or half its
 * radius when it did not cover the segment); -1 when the window already
 * reaches the predicted extent. */
static double next_omega(const found_list *f, double s, double a, double window,
                         double extent)
{
  if (window >= extent)
    return -1.0;
  double r = f->radius[f->shifts - 1], h2 = r * r - (s + a) * (s + a);
  double step = h2 > 0.0 ? 0.9 * sqrt(h2) : 0.5 * r;
  return window + step;
}

/* One shift: factorise L - sigma, run ARPACK, merge what it found. */
static qs_status run_shift(const qs_op *L, double complex sigma, gap_krylov *krylov,
                           const qs_gap_options *o, arnoldi_out *a, found_list *f,
                           double complex *y, double *res, int *iterations, char *msg,
                           size_t msglen)
{
  shift_invert si;
  /* GMRES cannot reach ARPACK's default 1e-12 on every model (the residual
   * of L x rounds at ~1e-16 ||L|| ||x||): 1e-10 at the finest */
  qs_status st =
      shift_invert_create(L, sigma, krylov, fmax(o->tol, 1e-10), &si, msg, msglen);
  if (st == QS_OK) {
    st = arnoldi(&si, sigma, o, a, msg, msglen);
    shift_invert_free(&si);
  }
  *iterations += a->iterations;
  if (st != QS_OK)
    return st;
  double radius = 0.0;
  for (int i = 0; i < a->nconv; i++) {
    radius = fmax(radius, cabs(a->d[i] - sigma));
    res[i] = eigen_residual(L, a->d[i], a->z + (size_t)i * a->n, y);
  }
  f->omega[f->shifts] = cimag(sigma);
  f->radius[f->shifts++] = radius;
  merge_found(f, a->d, res, a->nconv, 0);
  merge_found(f, a->d, res, a->nconv, 1);
  return QS_OK;
}

static qs_status gap_arpack(const qs_model *model, const qs_op *L, double s, int use_krylov,
                            const qs_gap_options *o, qs_gap_result *r, char *msg, size_t msglen)
{
  arnoldi_out a = {0};
  a.n = (int)L->dim;
  a.k = arpack_request(o->nev, L->dim);
  a.ncv = arpack_ncv(a.k, L->dim);
  found_list f = {0};
  f.cap = QS_GAP_FOUND_MAX;
  f.mu = malloc((size_t)f.cap * sizeof *f.mu);
  f.residual = malloc((size_t)f.cap * sizeof *f.residual);
  a.d = malloc((size_t)a.ncv * sizeof *a.d);
  a.z = malloc((size_t)a.n * (size_t)a.k * sizeof *a.z);
  double complex *y = malloc((size_t)a.n * sizeof *y), *scratch = malloc((size_t)f.cap * sizeof *scratch);
  double *res = malloc((size_t)a.ncv * sizeof *res);
  double complex *pred = NULL, zero = 0.0;
  qs_index npred = 0;
  qs_status st = QS_ERR_NOMEM;
  gap_krylov *krylov = NULL;
  if (f.mu && f.residual && a.d && a.z && y && scratch && res)
    st = predict(model, &pred, &npred);
  if (st != QS_OK)
    qs_set_message(msg, msglen, "gap (arpack): predicting the shifts: %s", qs_strerror(st));
  if (st == QS_OK && use_krylov)
    st = qs_gap_krylov_create(model, L, &krylov, msg, msglen);
  int iterations = 0;
  for (double omega = 0.0; st == QS_OK && omega >= 0.0;) {
    st = run_shift(L, s + I * omega, krylov, o, &a, &f, y, res, &iterations, msg, msglen);
    if (st != QS_OK)
      break;
    report_found(&f, s, o->nev, r, &zero, scratch);
    double last = r->nconv > 0 ? fabs(creal(r->mu[r->nconv - 1])) : 0.0;
    omega = f.shifts < QS_GAP_MAX_SHIFTS && f.n + 2 * a.k <= f.cap
                ? next_omega(&f, s, last, r->im_window, im_extent(pred, npred, last))
                : -1.0;
  }
  r->iterations = iterations;
  r->sigma = s;
  if (st == QS_OK && cabs(zero) > sqrt(o->tol) * s) {
    st = QS_ERR_NUMERIC;
    qs_set_message(msg, msglen,
                   "gap (arpack): the eigenvalue nearest 0 is %g%+gi, not 0 to within "
                   "sqrt(tol) sigma = %g", creal(zero), cimag(zero), sqrt(o->tol) * s);
  }
  qs_gap_krylov_destroy(&krylov);
  free(f.mu);
  free(f.residual);
  free(a.d);
  free(a.z);
  free(y);
  free(scratch);
  free(res);
  free(pred);
  return st;
}

static qs_status check_options(const qs_model *model, const qs_gap_options *o,
                               qs_gap_result *r, char *msg, size_t msglen)
{
  if (!model || !r) {
    qs_set_message(msg, msglen, "gap: model and result must not be NULL");
    return QS_ERR_INVALID;
  }
  if (model->n_td > 0) {
    qs_set_message(msg, msglen,
                   "gap: the model has %d time-dependent terms; the Liouvillian gap "
                   "needs a time-independent model (frame = rwa)", model->n_td);
    return QS_ERR_INVALID;
  }
  if (o->nev < 1 || o->nev > QS_GAP_MAX_NEV || !(o->tol > 0.0 && o->tol < 1.0) ||
      o->max_iter < 1 || !(o->memory_limit >= 0.0) ||
      (int)o->method < (int)QS_GAP_AUTO || (int)o->method > (int)QS_GAP_ARPACK_KRYLOV) {
    qs_set_message(msg, msglen,
                   "gap: invalid options (nev %d in 1..%d, tol %g in (0, 1), max_iter %d >= 1, "
                   "memory_limit %g >= 0 bytes, method %d in 0..3)",
                   o->nev, QS_GAP_MAX_NEV, o->tol, o->max_iter, o->memory_limit,
                   (int)o->method);
    return QS_ERR_INVALID;
  }
  return QS_OK;
}

qs_status qs_liouvillian_gap(const qs_model *model, const qs_gap_options *opt,
                             qs_gap_result *r, char *msg, size_t msglen)
{
  qs_gap_options o;
  qs_gap_options_default(&o);
  if (opt)
    o = *opt;
  if (r)
    memset(r, 0, sizeof *r);
  qs_status st = check_options(model, &o, r, msg, msglen);
  if (st != QS_OK)
    return st;
  const double limit = memory_limit(&o);
  const qs_gap_method method = resolve_method(model, &o, limit);
  const qs_index n = model->space.total, n2 = n * n;
  const double need = method_memory(model, method, o.nev);
  if (method != QS_GAP_DENSE && arpack_request(o.nev, n2) < o.nev + 1) {
    qs_set_message(msg, msglen,
                   "gap: arpack needs N^2 >= nev + 3 = %d (N = %lld); use method = dense",
                   o.nev + 3, (long long)n);
    return QS_ERR_INVALID;
  }
  if (need > limit || n2 > INT_MAX || (method == QS_GAP_DENSE && n2 > 46340)) {
    qs_set_message(msg, msglen,
                   "gap: method %s needs an estimated %.3g MiB for N = %lld (Liouvillian "
                   "dimension %lld), above the memory limit of %.3g MiB%s",
                   qs_gap_method_name(method), need / 1048576.0, (long long)n,
                   (long long)n2, limit / 1048576.0,
                   method == QS_GAP_DENSE    ? "; use method = arpack"
                   : method == QS_GAP_ARPACK ? "; use method = arpack_krylov (no LU)"
                                             : "; reduce the truncation (e.g. ncav)");
    return QS_ERR_TOO_LARGE;
  }
  qs_op *L = NULL;
  st = qs_liouvillian_build(model, &L);
  if (st != QS_OK) {
    qs_set_message(msg, msglen, "gap: building the Liouvillian: %s", qs_strerror(st));
    return st;
  }
  if (method == QS_GAP_DENSE) {
    st = gap_dense(L, o.nev, r, msg, msglen);
    r->method = "dense";
    r->im_window = INFINITY;
  } else {
    st = gap_arpack(model, L, choose_sigma(model), method == QS_GAP_ARPACK_KRYLOV, &o, r, msg,
                    msglen);
    r->method = qs_gap_method_name(method);
  }
  qs_op_destroy(&L);
  for (int i = 0; i < r->nconv && st == QS_OK; i++)
    if (!isfinite(creal(r->mu[i])) || !isfinite(cimag(r->mu[i]))) {
      st = QS_ERR_NUMERIC;
      qs_set_message(msg, msglen, "gap (%s): non-finite eigenvalue", r->method);
    }
  if (st != QS_OK)
    memset(r, 0, sizeof *r);
  return st;
}
