/* Steady-state emission spectra by the quantum-regression theorem
 * (spectrum.h).
 *
 * For tau >= 0, <A^dag(tau) A(0)> = Tr[A^dag e^{L tau} (A rho_ss)], and
 * stationarity gives C(-tau) = conj(C(tau)), so
 *   S(omega) = 2 Re int_0^inf e^{-i omega tau} C(tau) dtau.
 * Splitting A rho_ss = <A> rho_ss + X with X = (A - <A>) rho_ss (Tr X = 0)
 * leaves the coherent part |<A>|^2 (e^{L tau} rho_ss = rho_ss: a delta
 * 2 pi |<A>|^2 delta(omega)) and
 *   S_inc(omega) = 2 Re Tr[A^dag Y(omega)],
 *   Y(omega) = int_0^inf e^{(L - i omega) tau} X dtau,
 * finite because e^{L tau} X -> rho_ss Tr X = 0 (unique steady state).
 *
 * RESOLVENT.  Y is the traceless solution of (L - i omega) Y = -X.  For
 * omega != 0 that system alone fixes Y, for omega = 0 it fixes Y up to a
 * multiple of rho_ss, removed by Tr Y = 0 (this is the "L - i omega +
 * rho_ss Tr" of the header acting on traceless Y).  Adding the rank-one
 * term to the matrix would fill the LU, so instead the equation of the
 * row of rho_00 is replaced by Tr Y = 0 (right-hand side 0), as the
 * steady-state solver replaces it by Tr rho = 1.  Why that loses nothing:
 * trace preservation makes the rho_00 row of L minus the sum of the other
 * diagonal rows, so for traceless Y the rho_00 row of (L - i omega) Y is
 * minus the sum of the other diagonal rows of (L - i omega) Y, and the
 * same holds for -X (Tr X = 0): the dropped equation follows from the
 * kept ones.  The bordered matrix M is nonsingular: M Y = 0 gives
 * (L - i omega) Y = 0 with Tr Y = 0, so Y = 0 unless i omega is an
 * eigenvalue of L other than the steady state's 0 (a purely oscillating
 * mode: then the spectrum itself has a delta there, QS_ERR_SINGULAR).
 * The pattern of M (L's plus the diagonal) does not depend on omega:
 * one symbolic analysis, one numeric LU per omega.
 *
 * FFT.  e^{L tau} X is integrated with the master-equation integrator,
 * which evolves Hermitian matrices: X = X1 + i X2 with the Hermitian
 * X1 = (X + X^dag)/2, X2 = (X - X^dag)/(2i), integrated apart (L is
 * linear).  C_inc(tau_j) = Tr[A^dag e^{L tau_j} X] on tau_j = j dtau,
 * j < n_tau, dtau = tau_max / (n_tau - 1); the integral by the trapezoid
 * rule with the Euler-Maclaurin end correction at tau = 0,
 *   int_0^tmax f = dtau [f_0/2 + f_1 + ... + f_{n-1}/2]
 *                  + dtau^2/12 (f'(0) - f'(tmax)) + O(dtau^4),
 * f = e^{-i omega tau} C_inc, f'(0) = Tr[A^dag L X] - i omega C_inc(0)
 * (Tr[A^dag L X] from sparse products, without the N^2 x N^2 L)
 * (f'(tmax) ~ C_inc(tmax) is dropped with the tail beyond tmax: tau_max
 * must be many decay times).  The sum over j is one FFTW transform of
 * the samples zero-padded to FFT_PAD n_tau points (frequency grid
 * 2 pi / (FFT_PAD tau_max)), interpolated to each requested omega by
 * 4-point Lagrange (the transform of samples confined to [0, tmax] is
 * sampled FFT_PAD times more finely than its oscillation e^{-i omega
 * tmax}: relative error ~ (2 pi / FFT_PAD)^4 / 100 at the far end of the
 * correlation, far smaller where C_inc lives).  omega must stay inside
 * the Nyquist band |omega| < pi / dtau. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <suitesparse/umfpack.h>

#include "message_impl.h"
#include "qsync/gap.h"
#include "qsync/lindblad.h"
#include "qsync/mesolve.h"
#include "qsync/spectrum.h"
#include "spectrum_impl.h"

/* Zero padding of the FFT path (see above). */
enum { FFT_PAD = 16 };
/* Default tau_max in units of 1 / gap: e^{-20} = 2e-9 of C_inc left. */
static const double TAU_MAX_GAPS = 20.0;

/* ---- shared -------------------------------------------------------------- */

/* X = (A - <A>) rho (dense N x N, column-major) and <A> = Tr(A rho). */
static void centred_product(const qs_op *A, const double complex *rho, qs_index N,
                            double complex *X, double complex *mean)
{
  *mean = qs_op_trace_with(A, rho);
  for (qs_index j = 0; j < N; j++) {
    qs_op_apply(A, rho + j * N, X + j * N);
    for (qs_index i = 0; i < N; i++)
      X[i + j * N] -= *mean * rho[i + j * N];
  }
}

/* ---- RESOLVENT ----------------------------------------------------------- */

/* M(omega): L with the rho_00 row replaced by the trace row and every
 * diagonal entry present (CSR); diag[r] is the position of M_rr (-1 in
 * row 0).  Values are L's; resolvent_set subtracts i omega. */
typedef struct {
  qs_op *M;
  qs_index *diag;
  double complex *L_val; /* M's values at omega = 0 */
} bordered;

static void bordered_free(bordered *b)
{
  qs_op_destroy(&b->M);
  free(b->diag);
  free(b->L_val);
}

static qs_status bordered_build(const qs_op *L, qs_index N, bordered *b)
{
  memset(b, 0, sizeof *b);
  qs_index n = L->dim, cap = L->nnz + n + N;
  qs_op *M = calloc(1, sizeof *M);
  if (!M)
    return QS_ERR_NOMEM;
  b->M = M;
  M->dim = n;
  M->row_start = malloc((size_t)(n + 1) * sizeof *M->row_start);
  M->col = malloc((size_t)cap * sizeof *M->col);
  M->val = malloc((size_t)cap * sizeof *M->val);
  b->diag = malloc((size_t)n * sizeof *b->diag);
  if (!M->row_start || !M->col || !M->val || !b->diag)
    return QS_ERR_NOMEM;
  qs_index m = 0;
  M->row_start[0] = 0;
  for (qs_index i = 0; i < N; i++) { /* row 0: Tr Y = sum_i Y_ii (vec index i (N + 1)) */
    M->col[m] = i * (N + 1);
    M->val[m++] = 1.0;
  }
  b->diag[0] = -1;
  for (qs_index r = 1; r < n; r++) {
    M->row_start[r] = m;
    b->diag[r] = -1;
    for (qs_index k = L->row_start[r]; k < L->row_start[r + 1]; k++) {
      if (b->diag[r] < 0 && L->col[k] > r) { /* insert the missing diagonal */
        b->diag[r] = m;
        M->col[m] = r;
        M->val[m++] = 0.0;
      }
      if (L->col[k] == r)
        b->diag[r] = m;
      M->col[m] = L->col[k];
      M->val[m++] = L->val[k];
    }
    if (b->diag[r] < 0) {
      b->diag[r] = m;
      M->col[m] = r;
      M->val[m++] = 0.0;
    }
  }
  M->row_start[n] = m;
  M->nnz = m;
  b->L_val = malloc((size_t)m * sizeof *b->L_val);
  if (!b->L_val)
    return QS_ERR_NOMEM;
  memcpy(b->L_val, M->val, (size_t)m * sizeof *b->L_val);
  return QS_OK;
}

/* vals = M(omega)'s values: L's, minus i omega on the diagonal below row 0. */
static void bordered_values(const bordered *b, double omega, double complex *vals)
{
  memcpy(vals, b->L_val, (size_t)b->M->nnz * sizeof *vals);
  for (qs_index r = 1; r < b->M->dim; r++)
    vals[b->diag[r]] -= I * omega;
}

static qs_status umfpack_status(long status)
{
  if (status == UMFPACK_OK)
    return QS_OK;
  if (status == UMFPACK_WARNING_singular_matrix)
    return QS_ERR_SINGULAR;
  if (status == UMFPACK_ERROR_out_of_memory)
    return QS_ERR_NOMEM;
  return QS_ERR_UMFPACK;
}

/* One frequency: numeric LU of M(omega) (values in vals, the shared
 * symbolic analysis), solve, S = 2 Re Tr[A^dag Y].  Returns UMFPACK's
 * status. */
static long resolvent_at(const bordered *b, void *symbolic, const double complex *rhs,
                         const qs_op *Adag, double omega, double complex *vals,
                         double complex *Y, double *S)
{
  double control[UMFPACK_CONTROL], info[UMFPACK_INFO];
  umfpack_zl_defaults(control);
  /* CSR of M read as CSC is M^T: UMFPACK_Aat solves (M^T)^T Y = M Y = rhs.
   * SuiteSparse_long is long; qs_index is int64_t (long on LP64). */
  const long *ap = (const long *)b->M->row_start, *ai = (const long *)b->M->col;
  bordered_values(b, omega, vals);
  void *numeric = NULL;
  long status = umfpack_zl_numeric(ap, ai, (const double *)vals, NULL, symbolic, &numeric,
                                   control, info);
  if (status == UMFPACK_OK)
    status = umfpack_zl_solve(UMFPACK_Aat, ap, ai, (const double *)vals, NULL, (double *)Y,
                              NULL, (const double *)rhs, NULL, numeric, control, info);
  umfpack_zl_free_numeric(&numeric);
  if (status == UMFPACK_OK)
    *S = 2.0 * creal(qs_op_trace_with(Adag, Y));
  return status;
}

/* The frequencies over `threads` OpenMP threads, each with its own values,
 * LU and solution (the symbolic analysis is shared, read only): every
 * frequency's arithmetic is the same for any thread count.  On failure
 * *first_bad is the lowest failing index (a deterministic message). */
static long resolvent_loop(const bordered *b, void *symbolic, const double complex *rhs,
                           const qs_op *Adag, const double *omega, long n_omega, int threads,
                           double *S, long *first_bad)
{
  qs_index n = b->M->dim;
  long bad_status = UMFPACK_OK;
  *first_bad = -1;
#pragma omp parallel num_threads(threads)
  {
    double complex *vals = malloc((size_t)b->M->nnz * sizeof *vals);
    double complex *Y = malloc((size_t)n * sizeof *Y);
#pragma omp for schedule(dynamic, 1)
    for (long i = 0; i < n_omega; i++) {
      long status = vals && Y ? resolvent_at(b, symbolic, rhs, Adag, omega[i], vals, Y, &S[i])
                              : UMFPACK_ERROR_out_of_memory;
      if (status != UMFPACK_OK) {
#pragma omp critical(qs_spectrum_resolvent_error)
        if (*first_bad < 0 || i < *first_bad) {
          *first_bad = i;
          bad_status = status;
        }
      }
    }
    free(vals);
    free(Y);
  }
  return bad_status;
}

static qs_status spectrum_resolvent(const qs_model *model, const qs_op *Adag,
                                    const double complex *X, const double *omega,
                                    long n_omega, int threads, double *S, char *msg,
                                    size_t msglen)
{
  qs_index N = model->space.total, n = N * N;
  qs_op *L = NULL;
  bordered b;
  memset(&b, 0, sizeof b);
  void *symbolic = NULL;
  double control[UMFPACK_CONTROL], info[UMFPACK_INFO];
  double complex *rhs = malloc((size_t)n * sizeof *rhs), *vals = NULL;
  qs_status st = rhs ? qs_liouvillian_build(model, &L) : QS_ERR_NOMEM;
  if (st == QS_OK)
    st = bordered_build(L, N, &b);
  qs_op_destroy(&L);
  if (st == QS_OK && !(vals = malloc((size_t)b.M->nnz * sizeof *vals)))
    st = QS_ERR_NOMEM;
  if (st != QS_OK) {
    qs_set_message(msg, msglen, "spectrum (resolvent): building L - i omega: %s",
                   qs_strerror(st));
    goto done;
  }
  for (qs_index k = 0; k < n; k++)
    rhs[k] = -X[k];
  rhs[0] = 0.0; /* the trace row: Tr Y = 0 */
  umfpack_zl_defaults(control);
  bordered_values(&b, omega[0], vals);
  long status = umfpack_zl_symbolic((long)n, (long)n, (const long *)b.M->row_start,
                                    (const long *)b.M->col, (const double *)vals, NULL,
                                    &symbolic, control, info);
  long bad = -1;
  if (status == UMFPACK_OK)
    status = resolvent_loop(&b, symbolic, rhs, Adag, omega, n_omega, threads, S, &bad);
  if (status != UMFPACK_OK && bad >= 0)
    qs_set_message(msg, msglen,
                   "spectrum (resolvent): UMFPACK status %ld at omega = %g (singular: "
                   "L has an undamped mode at i omega, or the steady state is not unique)",
                   status, omega[bad]);
  else if (status != UMFPACK_OK)
    qs_set_message(msg, msglen, "spectrum (resolvent): UMFPACK symbolic analysis status %ld",
                   status);
  st = umfpack_status(status);
  umfpack_zl_free_symbolic(&symbolic);
done:
  bordered_free(&b);
  free(rhs);
  free(vals);
  return st;
}

/* ---- FFT ------------------------------------------------------------------ */

/* Undo the reporting frame of qs_me_get_rho (model.h, frame_rate): the
 * spectrum is in the integration frame, the frame of L. */
static void to_integration_frame(const qs_model *model, double tau, qs_index N,
                                 double complex *Y)
{
  if (!model->frame_rate)
    return;
  for (qs_index j = 0; j < N; j++)
    for (qs_index i = 0; i < N; i++)
      Y[i + j * N] *= cexp(-I * tau * (model->frame_rate[i] - model->frame_rate[j]));
}

/* Tr[B (L X)] for the model's Liouvillian without forming it:
 *   L X = -i (H X - X H) + sum_k (c X c^dag - (K X + X K)/2),  K = c^dag c,
 * so with the cyclic trace:
 *   Tr[B L X] = -i Tr[(B H - H B) X]
 *               + sum_k Tr[c^dag B c X] - Tr[(B K + K B) X]/2,
 * every term Tr[M X] = sum_ij M_ij X_ji.  M is built from sparse products
 * (no N^2 x N^2 matrix, O(nnz N) work: the fft route is for large models).
 * QS_ERR_NOMEM. */
static qs_status trace_with_liouvillian(const qs_model *model, const qs_op *B,
                                        const double complex *X, double complex *out)
{
  qs_op *M = NULL, *t1 = NULL, *t2 = NULL, *t3 = NULL;
  qs_status st = qs_op_mul(B, model->H, &t1);
  if (st == QS_OK)
    st = qs_op_mul(model->H, B, &t2);
  if (st == QS_OK)
    st = qs_op_add(-I, t1, I, t2, &M);
  qs_op_destroy(&t1);
  qs_op_destroy(&t2);
  for (int k = 0; k < model->n_c && st == QS_OK; k++) {
    qs_op *cd = NULL, *K = NULL, *sum = NULL;
    st = qs_op_adjoint(model->c[k], &cd);
    if (st == QS_OK)
      st = qs_op_mul(cd, model->c[k], &K);
    if (st == QS_OK)
      st = qs_op_mul(B, model->c[k], &t1); /* B c */
    if (st == QS_OK)
      st = qs_op_mul(cd, t1, &t2); /* c^dag B c */
    qs_op_destroy(&t1);
    if (st == QS_OK)
      st = qs_op_mul(B, K, &t1);
    if (st == QS_OK)
      st = qs_op_mul(K, B, &t3);
    if (st == QS_OK)
      st = qs_op_add(1.0, t2, -0.5, t1, &sum);
    qs_op_destroy(&t1);
    qs_op_destroy(&t2);
    if (st == QS_OK)
      st = qs_op_add(1.0, sum, -0.5, t3, &t1);
    qs_op_destroy(&t3);
    qs_op_destroy(&sum);
    if (st == QS_OK)
      st = qs_op_add(1.0, M, 1.0, t1, &t2);
    qs_op_destroy(&t1);
    if (st == QS_OK) {
      qs_op_destroy(&M);
      M = t2;
      t2 = NULL;
    }
    qs_op_destroy(&cd);
    qs_op_destroy(&K);
  }
  if (st == QS_OK)
    *out = qs_op_trace_with(M, X);
  qs_op_destroy(&M);
  return st;
}

/* c[j] += weight Tr[A^dag e^{L tau_j} H] for a Hermitian H, j < n_tau. */
static qs_status correlate_hermitian(qs_me *me, const qs_model *model, const qs_op *Adag,
                                     const double complex *H, double dtau, long n_tau,
                                     double complex weight, double complex *c,
                                     double complex *Y, char *msg, size_t msglen)
{
  qs_index N = model->space.total;
  double tau_max = dtau * (double)(n_tau - 1);
  qs_status st = qs_me_start(me, H, 0.0, tau_max, msg, msglen);
  for (long j = 0; j < n_tau && st == QS_OK; j++) {
    /* the last time exactly at tau_max (t_stop), not (n_tau - 1) * dtau
     * rounded */
    double tau = j == n_tau - 1 ? tau_max : dtau * (double)j;
    st = qs_me_evolve_to(me, tau, msg, msglen);
    if (st != QS_OK)
      break;
    qs_me_get_rho(me, Y);
    to_integration_frame(model, tau, N, Y);
    c[j] += weight * qs_op_trace_with(Adag, Y);
  }
  return st;
}

/* 4-point Lagrange interpolation of the periodic sequence F (length m) at
 * the fractional index u. */
static double complex interpolate(const fftw_complex *F, long m, double u)
{
  double fl = floor(u), t = u - fl;
  long k0 = (long)fl - 1;
  double w[4] = {-t * (t - 1.0) * (t - 2.0) / 6.0, (t + 1.0) * (t - 1.0) * (t - 2.0) / 2.0,
                 -(t + 1.0) * t * (t - 2.0) / 2.0, (t + 1.0) * t * (t - 1.0) / 6.0};
  double complex s = 0.0;
  for (int q = 0; q < 4; q++) {
    long k = ((k0 + q) % m + m) % m;
    s += w[q] * F[k];
  }
  return s;
}

static qs_status fft_tau_max(const qs_model *model, const qs_spectrum_options *o,
                             double *tau_max, char *msg, size_t msglen)
{
  if (o->tau_max > 0.0) {
    *tau_max = o->tau_max;
    return QS_OK;
  }
  qs_gap_options go;
  qs_gap_options_default(&go);
  go.nev = 1;
  qs_gap_result r;
  qs_status st = qs_liouvillian_gap(model, &go, &r, msg, msglen);
  if (st == QS_OK && !(r.gap > 0.0)) {
    qs_set_message(msg, msglen, "spectrum (fft): the Liouvillian gap is %g; set tau_max",
                   r.gap);
    st = QS_ERR_INVALID;
  }
  if (st == QS_OK)
    *tau_max = TAU_MAX_GAPS / r.gap;
  return st;
}

static qs_status spectrum_fft(const qs_model *model, const qs_op *Adag,
                              const double complex *X, const double *omega, long n_omega,
                              const qs_spectrum_options *o, double *S, char *msg,
                              size_t msglen)
{
  qs_index N = model->space.total, n = N * N;
  long n_tau = o->n_tau, m = FFT_PAD * n_tau;
  double tau_max = 0.0;
  qs_status st = fft_tau_max(model, o, &tau_max, msg, msglen);
  if (st != QS_OK)
    return st;
  double dtau = tau_max / (double)(n_tau - 1), nyquist = acos(-1.0) / dtau;
  for (long i = 0; i < n_omega; i++)
    if (!(fabs(omega[i]) < nyquist * (1.0 - 4.0 / (double)m))) {
      qs_set_message(msg, msglen,
                     "spectrum (fft): omega = %g outside the band |omega| < pi / dtau = %g "
                     "(dtau = tau_max / (n_tau - 1) = %g): raise n_tau or lower tau_max",
                     omega[i], nyquist, dtau);
      return QS_ERR_INVALID;
    }
  double complex *H = malloc((size_t)n * sizeof *H), *Y = malloc((size_t)n * sizeof *Y);
  double complex *c = calloc((size_t)n_tau, sizeof *c);
  fftw_complex *in = fftw_malloc((size_t)m * sizeof *in);
  fftw_complex *out = fftw_malloc((size_t)m * sizeof *out);
  fftw_plan plan = NULL;
  qs_me *me = NULL;
  if (!H || !Y || !c || !in || !out) {
    st = QS_ERR_NOMEM;
    goto done;
  }
  qs_mesolve_options mo = qs_mesolve_default_options();
  mo.rtol = o->rtol;
  mo.atol = o->atol;
  st = qs_me_create(model, &mo, &me, msg, msglen);
  /* X1 = (X + X^dag)/2 with weight 1, X2 = (X - X^dag)/(2i) with weight i */
  for (int part = 0; part < 2 && st == QS_OK; part++) {
    for (qs_index j = 0; j < N; j++)
      for (qs_index i = 0; i < N; i++) {
        double complex x = X[i + j * N], xt = conj(X[j + i * N]);
        H[i + j * N] = part == 0 ? 0.5 * (x + xt) : -0.5 * I * (x - xt);
      }
    st = correlate_hermitian(me, model, Adag, H, dtau, n_tau, part == 0 ? 1.0 : I, c, Y,
                             msg, msglen);
  }
  /* C_inc'(0) = Tr[A^dag L X] for the end correction */
  double complex dc0 = 0.0;
  if (st == QS_OK)
    st = trace_with_liouvillian(model, Adag, X, &dc0);
  if (st != QS_OK)
    goto done;
  for (long j = 0; j < m; j++) {
    double complex v = j < n_tau ? c[j] * (j == 0 || j == n_tau - 1 ? 0.5 : 1.0) : 0.0;
    in[j] = v;
  }
  plan = qs_fftw_plan_c2c((int)m, in, out);
  if (!plan) {
    st = QS_ERR_NOMEM;
    goto done;
  }
  fftw_execute(plan);
  double domega = 2.0 * acos(-1.0) / ((double)m * dtau);
  for (long i = 0; i < n_omega; i++) {
    double complex F = dtau * interpolate(out, m, omega[i] / domega) +
                       dtau * dtau / 12.0 * (dc0 - I * omega[i] * c[0]);
    S[i] = 2.0 * creal(F);
  }
done:
  if (st == QS_ERR_NOMEM)
    qs_set_message(msg, msglen, "spectrum (fft): out of memory (%ld correlation samples)",
                   n_tau);
  qs_fftw_destroy(plan);
  fftw_free(in);
  fftw_free(out);
  qs_me_destroy(&me);
  free(H);
  free(Y);
  free(c);
  return st;
}

/* ---- the entry point ----------------------------------------------------- */

static qs_status check_arguments(const qs_model *model, const qs_op *A,
                                 const double complex *rho_ss, const double *omega,
                                 long n_omega, const qs_spectrum_options *o, const double *S,
                                 const double complex *mean_A, char *msg, size_t msglen)
{
  if (!model || !A || !rho_ss || !omega || !o || !S || !mean_A || n_omega < 1) {
    qs_set_message(msg, msglen, "spectrum: NULL argument or n_omega = %ld < 1", n_omega);
    return QS_ERR_INVALID;
  }
  if (model->n_td > 0) {
    qs_set_message(msg, msglen,
                   "spectrum: the model has %d time-dependent terms; the emission spectrum "
                   "needs a time-independent Liouvillian (e.g. frame = rwa)",
                   model->n_td);
    return QS_ERR_INVALID;
  }
  if (A->dim != model->space.total) {
    qs_set_message(msg, msglen, "spectrum: operator of dimension %lld, the model's is %lld",
                   (long long)A->dim, (long long)model->space.total);
    return QS_ERR_INVALID;
  }
  for (long i = 0; i < n_omega; i++)
    if (!isfinite(omega[i])) {
      qs_set_message(msg, msglen, "spectrum: omega[%ld] is not finite", i);
      return QS_ERR_INVALID;
    }
  if (o->method != QS_SPECTRUM_RESOLVENT && o->method != QS_SPECTRUM_FFT) {
    qs_set_message(msg, msglen, "spectrum: unknown method %d (resolvent or fft)",
                   (int)o->method);
    return QS_ERR_INVALID;
  }
  if (o->threads < 1 || o->threads > 1024) {
    qs_set_message(msg, msglen, "spectrum: threads = %d (1 .. 1024)", o->threads);
    return QS_ERR_INVALID;
  }
  if (o->method == QS_SPECTRUM_FFT &&
      (!(o->tau_max >= 0.0) || !isfinite(o->tau_max) || o->n_tau < 16 ||
       o->n_tau > (1L << 24) || !(o->rtol > 0.0 && o->rtol <= 0.1) ||
       !(o->atol > 0.0 && o->atol <= 0.1))) {
    qs_set_message(msg, msglen,
                   "spectrum (fft): tau_max = %g (>= 0, 0 = 20 / gap), n_tau = %ld (16 .. "
                   "2^24), rtol = %g, atol = %g (each in (0, 0.1])",
                   o->tau_max, o->n_tau, o->rtol, o->atol);
    return QS_ERR_INVALID;
  }
  return QS_OK;
}

qs_status qs_emission_spectrum(const qs_model *model, const qs_op *A,
                               const double complex *rho_ss, const double *omega,
                               long n_omega, const qs_spectrum_options *o, double *S,
                               double complex *mean_A, char *msg, size_t msglen)
{
  qs_spectrum_options defaults;
  qs_spectrum_options_default(&defaults);
  if (!o)
    o = &defaults;
  qs_status st =
      check_arguments(model, A, rho_ss, omega, n_omega, o, S, mean_A, msg, msglen);
  if (st != QS_OK)
    return st;
  qs_index N = model->space.total;
  double complex *X = malloc((size_t)(N * N) * sizeof *X);
  qs_op *Adag = NULL;
  st = X ? qs_op_adjoint(A, &Adag) : QS_ERR_NOMEM;
  if (st != QS_OK) {
    qs_set_message(msg, msglen, "spectrum: %s", qs_strerror(st));
    free(X);
    return st;
  }
  centred_product(A, rho_ss, N, X, mean_A);
  st = o->method == QS_SPECTRUM_RESOLVENT
           ? spectrum_resolvent(model, Adag, X, omega, n_omega, o->threads, S, msg, msglen)
           : spectrum_fft(model, Adag, X, omega, n_omega, o, S, msg, msglen);
  for (long i = 0; i < n_omega && st == QS_OK; i++)
    if (!isfinite(S[i])) {
      qs_set_message(msg, msglen, "spectrum: S(%g) is not finite", omega[i]);
      st = QS_ERR_NUMERIC;
    }
  qs_op_destroy(&Adag);
  free(X);
  return st;
}
