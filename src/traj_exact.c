/* The exact back-end of a trajectory (traj.h, traj_impl.h): propagation
 * by the eigendecomposition of the non-Hermitian H_eff, jump times by
 * root finding on the closed form of ||psi(t)||^2.
 *
 * With H_eff = V diag(lambda) V^{-1} (LAPACK zgeev, once per
 * qs_traj_create) and c = V^{-1} psi(t0) at the last restart t0:
 *
 *   psi(t0 + tau) = V w(tau),   w_k(tau) = c_k exp(-i lambda_k tau),
 *   f(tau) = ||psi||^2,         f'(tau) = -sum_j ||c_j psi||^2.
 *
 * Every state is formed from the restart state, never from the previous
 * output, so the error does not grow with the number of outputs.
 *
 * f is non-increasing, so a jump happens in (t, t_out] exactly when
 * f(t_out) <= r: the state at t_out is formed first (needed anyway) and
 * root finding runs only then.  Each root-finding iterate forms the state
 * (O(d^2), as the Gram form w^H V^H V w of f would cost) and takes the
 * slope from the sparse collapse operators (O(nnz)), so the last iterate
 * is already the post-root state.  The first guess is the root of the
 * cubic Hermite interpolant of ln f from its values and slopes at both
 * ends (all known without a state more); Newton on ln f then needs 1-3
 * iterates, measured on qubit_osc and the cavity.
 *
 * Cost: every state is a dense O(d^2) product, against the O(nnz) sparse
 * products of an ODE integrator's steps, so the gain over adams falls
 * with the dimension (5x below 40, 1.5x at 320: docs/methods.md,
 * "Trajectory integrators").
 *
 * Reliability: the decomposition is only as good as V is conditioned.
 * Near an exceptional point (two eigenvalues and eigenvectors of H_eff
 * merging, e.g. a Rabi drive at a quarter of the decay rate) zgeev
 * returns almost parallel eigenvectors and V^{-1} amplifies rounding by
 * cond(V); a long driven damped boson ladder does the same.  Create
 * refuses such an H_eff (QS_ERR_NUMERIC) rather than returning a silently
 * wrong ensemble; the adams and erk integrators handle it. */
#include "traj_impl.h"

#include <cblas.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The rounding the decomposition adds to every state is about
 * cond(V) * DBL_EPSILON (relative), and a residual E of the reconstruction
 * H_eff ~ V diag(lambda) V^{-1} shifts psi by about tau ||E|| ||psi||.
 * Both are kept at EXACT_TOL_FRACTION of the requested relative tolerance
 * so that the exact integrator is never the less accurate one: with the
 * default rtol 1e-6, cond(V) <= 4.5e6 and ||E||_F / ||H_eff||_F <= 1e-9
 * (enough for tau ||H_eff|| up to 1e3 at 1e-6).  An exceptional point
 * gives cond(V) ~ 1/sqrt(DBL_EPSILON) ~ 1e8 and is refused.  Below
 * EXACT_TOL_FLOOR the bound stops following rtol: no double-precision
 * integrator gets there (an ODE solver's rounding accumulates over its
 * steps), and cond(V) up to 4.5e3 costs at most 1e-12. */
#define EXACT_TOL_FRACTION 1e-3
#define EXACT_TOL_FLOOR 1e-12

/* Root finding stops when |ln f - ln r| <= EXACT_TOL_FRACTION * rtol (the
 * jump time is then within that fraction of rtol, divided by the decay
 * rate, of the true one) or when the bracket is a few ulps of t wide.
 * Bisection alone would need at most ~1100 iterates to exhaust the
 * doubles, so the cap is only a guard. */
#define EXACT_MAX_ROOT_ITERATES 200

/* The cubic first guess is solved to 1e-9 of the bracket (far inside
 * Newton's quadratic range on the true ln f), in at most 40 iterates
 * (bisection alone reaches 1e-12 in 40). */
#define EXACT_GUESS_STEP 1e-9
#define EXACT_GUESS_ITERATES 40

typedef struct {
  lapack_int n;
  double complex *lambda; /* eigenvalues of H_eff */
  /* V (right eigenvectors, unit columns) and V^{-1}, column-major, as
   * real and imaginary planes: the products then vectorize without
   * shuffles (and without C's NaN-checking complex multiply). */
  double *v_re, *v_im, *v_inv_re, *v_inv_im;
  double complex *coef;   /* c = V^{-1} psi(t0) */
  double complex *w;      /* c .* exp(-i lambda tau) */
  double *acc_re, *acc_im; /* n each: the product's accumulators */
  double complex *c_psi;  /* n: c_j psi for the slope */
  double complex *psi_start; /* n: the state an advance starts from */
  double t0;              /* time of the last restart */
  long states;            /* states formed since the restart */
  long root_iterates;     /* of them, in root finding */
  double cond;            /* 1-norm condition number of V */
  double residual;        /* ||H - V diag(lambda) V^{-1}||_F / ||H||_F */
} exact;

/* y = A x, A dense column-major n x n given by its planes (n >= 1). */
static void dense_apply(exact *e, const double *a_re, const double *a_im,
                        const double complex *x, double complex *y)
{
  const lapack_int n = e->n;
  double *yr = e->acc_re, *yi = e->acc_im;
  for (lapack_int k = 0; k < n; k++) {
    const double *cr = a_re + (size_t)k * (size_t)n, *ci = a_im + (size_t)k * (size_t)n;
    const double xr = creal(x[k]), xi = cimag(x[k]);
    if (k == 0) {
#pragma omp simd
      for (lapack_int i = 0; i < n; i++) {
        yr[i] = cr[i] * xr - ci[i] * xi;
        yi[i] = cr[i] * xi + ci[i] * xr;
      }
      continue;
    }
#pragma omp simd
    for (lapack_int i = 0; i < n; i++) {
      yr[i] += cr[i] * xr - ci[i] * xi;
      yi[i] += cr[i] * xi + ci[i] * xr;
    }
  }
  for (lapack_int i = 0; i < n; i++)
    y[i] = CMPLX(yr[i], yi[i]);
}

/* psi(t0 + tau) = V (c .* exp(-i lambda tau)) into tr->psi. */
static void form_state(qs_traj *tr, exact *e, double tau)
{
  for (lapack_int k = 0; k < e->n; k++) {
    double decay = exp(cimag(e->lambda[k]) * tau);
    double phase = creal(e->lambda[k]) * tau;
    double er = decay * cos(phase), ei = -decay * sin(phase);
    double cr = creal(e->coef[k]), ci = cimag(e->coef[k]);
    e->w[k] = CMPLX(cr * er - ci * ei, cr * ei + ci * er);
  }
  dense_apply(e, e->v_re, e->v_im, e->w, tr->psi);
  e->states++;
}

/* d ln ||psi||^2 / dt = -sum_j ||c_j psi||^2 / ||psi||^2, f = ||psi||^2. */
static double log_norm_slope(const qs_traj *tr, exact *e, const double complex *psi, double f)
{
  const qs_model *m = tr->model;
  double s = 0.0;
  for (int j = 0; j < m->n_c; j++) {
    qs_op_apply(m->c[j], psi, e->c_psi);
    s += qs_traj_norm2_of(e->c_psi, tr->dim);
  }
  return -s / f;
}

static void exact_free(exact *e)
{
  free(e->lambda);
  free(e->v_re);
  free(e->v_im);
  free(e->v_inv_re);
  free(e->v_inv_im);
  free(e->coef);
  free(e->w);
  free(e->acc_re);
  free(e->acc_im);
  free(e->c_psi);
  free(e->psi_start);
  free(e);
}

static void exact_destroy(qs_traj *tr)
{
  if (!tr->backend)
    return;
  exact_free(tr->backend);
  free(tr->psi);
  tr->backend = NULL;
  tr->psi = NULL;
}

/* The back-end's state for dimension n, not yet decomposed (*out is set
 * even on failure, for exact_free). */
static qs_status exact_alloc(qs_index n, exact **out)
{
  *out = NULL;
  /* n^2 must fit LAPACK's int (leading dimension times columns). */
  if (n > (qs_index)(1 << 15))
    return QS_ERR_TOO_LARGE;
  exact *e = calloc(1, sizeof *e);
  *out = e;
  if (!e)
    return QS_ERR_NOMEM;
  e->n = (lapack_int)n;
  size_t nn = (size_t)n * (size_t)n;
  e->lambda = malloc((size_t)n * sizeof *e->lambda);
  e->v_re = malloc(nn * sizeof *e->v_re);
  e->v_im = malloc(nn * sizeof *e->v_im);
  e->v_inv_re = malloc(nn * sizeof *e->v_inv_re);
  e->v_inv_im = malloc(nn * sizeof *e->v_inv_im);
  e->coef = malloc((size_t)n * sizeof *e->coef);
  e->w = malloc((size_t)n * sizeof *e->w);
  e->acc_re = malloc((size_t)n * sizeof *e->acc_re);
  e->acc_im = malloc((size_t)n * sizeof *e->acc_im);
  e->c_psi = malloc((size_t)n * sizeof *e->c_psi);
  e->psi_start = malloc((size_t)n * sizeof *e->psi_start);
  if (!e->lambda || !e->v_re || !e->v_im || !e->v_inv_re || !e->v_inv_im || !e->coef ||
      !e->w || !e->acc_re || !e->acc_im || !e->c_psi || !e->psi_start)
    return QS_ERR_NOMEM;
  return QS_OK;
}

static double frobenius(size_t len, const double complex *a)
{
  double s = 0.0;
  for (size_t i = 0; i < len; i++)
    s += creal(a[i]) * creal(a[i]) + cimag(a[i]) * cimag(a[i]);
  return sqrt(s);
}

/* v_inv = V^{-1} by LU (v_inv holds a copy of V on entry); *cond = the
 * 1-norm condition number of V, INFINITY when V is exactly singular. */
static qs_status invert(lapack_int n, const double complex *v, double complex *v_inv,
                        double *cond)
{
  lapack_int *ipiv = malloc((size_t)n * sizeof *ipiv);
  if (!ipiv)
    return QS_ERR_NOMEM;
  double anorm = LAPACKE_zlange(LAPACK_COL_MAJOR, '1', n, n, v, n);
  double rcond = 0.0;
  lapack_int info = LAPACKE_zgetrf(LAPACK_COL_MAJOR, n, n, v_inv, n, ipiv);
  qs_status st = QS_OK;
  if (info < 0 ||
      (info == 0 &&
       (LAPACKE_zgecon(LAPACK_COL_MAJOR, '1', n, v_inv, n, anorm, &rcond) != 0 ||
        LAPACKE_zgetri(LAPACK_COL_MAJOR, n, v_inv, n, ipiv) != 0)))
    st = QS_ERR_LAPACK;
  free(ipiv);
  *cond = rcond > 0.0 ? 1.0 / rcond : INFINITY; /* info > 0: exactly singular */
  return st;
}

/* ||H - V diag(lambda) V^{-1}||_F / ||H||_F; h is overwritten, scratch
 * holds n^2 entries. */
static double reconstruction_residual(lapack_int n, const double complex *lambda,
                                      const double complex *v, const double complex *v_inv,
                                      double complex *h, double complex *scratch)
{
  size_t nn = (size_t)n * (size_t)n;
  double h_norm = frobenius(nn, h);
  for (lapack_int k = 0; k < n; k++)
    for (lapack_int i = 0; i < n; i++)
      scratch[i + (size_t)k * (size_t)n] = v[i + (size_t)k * (size_t)n] * lambda[k];
  const double complex one = 1.0, minus_one = -1.0;
  cblas_zgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, &one, scratch, n, v_inv, n,
              &minus_one, h, n);
  double r = frobenius(nn, h);
  return h_norm > 0.0 ? r / h_norm : r;
}

static double exact_allowed_error(double rtol)
{
  return fmax(EXACT_TOL_FRACTION * rtol, EXACT_TOL_FLOOR);
}

/* Eigendecomposition of H_eff (dimension e->n) into e, with the
 * reliability checks at relative tolerance rtol.  Uses 4 n^2 complex
 * numbers of scratch while it runs. */
static qs_status decompose(const qs_op *H_eff, double rtol, exact *e)
{
  const lapack_int n = e->n;
  size_t nn = (size_t)n * (size_t)n;
  double complex *h = malloc(nn * sizeof *h), *scratch = malloc(nn * sizeof *scratch);
  double complex *v = malloc(nn * sizeof *v), *v_inv = malloc(nn * sizeof *v_inv);
  qs_status st = h && scratch && v && v_inv ? QS_OK : QS_ERR_NOMEM;
  e->cond = e->residual = INFINITY;
  if (st == QS_OK) {
    qs_op_to_dense(H_eff, scratch);
    memcpy(h, scratch, nn * sizeof *h);
    /* zgeev balances (permutes and scales) H_eff first and returns each
     * eigenvector with unit 2-norm. */
    lapack_int info =
        LAPACKE_zgeev(LAPACK_COL_MAJOR, 'N', 'V', n, scratch, n, e->lambda, NULL, 1, v, n);
    st = info == 0 ? QS_OK : QS_ERR_LAPACK;
  }
  if (st == QS_OK) {
    memcpy(v_inv, v, nn * sizeof *v);
    st = invert(n, v, v_inv, &e->cond);
  }
  if (st == QS_OK && isfinite(e->cond))
    e->residual = reconstruction_residual(n, e->lambda, v, v_inv, h, scratch);
  double allowed = exact_allowed_error(rtol);
  if (st == QS_OK && !(e->cond * DBL_EPSILON <= allowed && e->residual <= allowed))
    st = QS_ERR_NUMERIC;
  for (size_t i = 0; st == QS_OK && i < nn; i++) {
    e->v_re[i] = creal(v[i]);
    e->v_im[i] = cimag(v[i]);
    e->v_inv_re[i] = creal(v_inv[i]);
    e->v_inv_im[i] = cimag(v_inv[i]);
  }
  free(h);
  free(scratch);
  free(v);
  free(v_inv);
  return st;
}

static qs_status exact_create(qs_traj *tr)
{
  exact *e = NULL;
  qs_status st = exact_alloc(tr->dim, &e);
  tr->backend = e;
  if (st != QS_OK)
    return st;
  tr->psi = malloc((size_t)tr->dim * sizeof *tr->psi);
  if (!tr->psi)
    return QS_ERR_NOMEM;
  memcpy(tr->psi, tr->model->psi0, (size_t)tr->dim * sizeof *tr->psi);
  return decompose(tr->H_eff, tr->opt.rtol, e);
}

qs_status qs_traj_exact_check(const qs_model *model, const qs_traj_options *opt, double *cond,
                              double *residual, double *allowed)
{
  if (cond)
    *cond = NAN;
  if (residual)
    *residual = NAN;
  if (allowed)
    *allowed = NAN;
  qs_traj_options o = opt ? *opt : qs_traj_default_options();
  if (!model || model->n_td > 0 || !(o.rtol > 0.0 && o.rtol <= 0.1))
    return QS_ERR_INVALID;
  if (allowed)
    *allowed = exact_allowed_error(o.rtol);
  qs_op *H_eff = NULL;
  exact *e = NULL;
  qs_status st = qs_model_effective_hamiltonian(model, &H_eff);
  if (st == QS_OK)
    st = exact_alloc(model->space.total, &e);
  if (st == QS_OK)
    st = decompose(H_eff, o.rtol, e);
  if (e && cond)
    *cond = e->cond;
  if (e && residual)
    *residual = e->residual;
  if (e)
    exact_free(e);
  qs_op_destroy(&H_eff);
  return st;
}

static qs_status exact_restart(qs_traj *tr, double h_init)
{
  (void)h_init; /* no steps */
  exact *e = tr->backend;
  dense_apply(e, e->v_inv_re, e->v_inv_im, tr->psi, e->coef);
  e->t0 = tr->t;
  e->states = 0;
  e->root_iterates = 0;
  return QS_OK;
}

/* ln f on a bracket [a, b]: values g (minus ln r) and slopes d at both
 * ends, the cubic Hermite interpolant's root as the first guess. */
typedef struct {
  double a, b, ga, gb, da, db;
} bracket;

static double hermite_root(const bracket *k)
{
  const double h = k->b - k->a;
  if (!isfinite(k->gb) || !isfinite(k->da) || !isfinite(k->db))
    return 0.5 * (k->a + k->b); /* f(b) underflowed */
  /* p(s), s in [0, 1]: p(0) = ga > 0 >= gb = p(1).  Newton from the
   * secant root, bisecting when it leaves [lo, hi]: scalar work, a few
   * iterates (bisection alone cost as much as a state at d = 4). */
  const double ga = k->ga, gb = k->gb, ma = h * k->da, mb = h * k->db;
  double lo = 0.0, hi = 1.0, s = ga / (ga - gb);
  for (int i = 0; i < EXACT_GUESS_ITERATES; i++) {
    double s2 = s * s, s3 = s2 * s;
    double p = (2 * s3 - 3 * s2 + 1) * ga + (s3 - 2 * s2 + s) * ma + (3 * s2 - 2 * s3) * gb +
               (s3 - s2) * mb;
    double dp = (6 * s2 - 6 * s) * (ga - gb) + (3 * s2 - 4 * s + 1) * ma + (3 * s2 - 2 * s) * mb;
    *(p > 0.0 ? &lo : &hi) = s;
    double next = dp < 0.0 ? s - p / dp : 0.5 * (lo + hi);
    if (!(next > lo && next < hi))
      next = 0.5 * (lo + hi);
    double step = fabs(next - s);
    s = next;
    if (step <= EXACT_GUESS_STEP)
      break;
  }
  return k->a + s * h;
}

/* The first tau in (a, b] with f(tau) = r: safeguarded Newton on
 * g = ln f - ln r from the Hermite guess, bisecting whenever Newton
 * leaves the bracket.  Leaves psi(tau) in tr->psi; returns tau. */
static double find_jump(qs_traj *tr, exact *e, bracket k)
{
  const double tol_g = EXACT_TOL_FRACTION * tr->opt.rtol, log_r = log(tr->r);
  double x = hermite_root(&k), at = NAN; /* at: the time of tr->psi */
  for (int it = 0; it < EXACT_MAX_ROOT_ITERATES; it++) {
    if (!(x > k.a && x < k.b))
      x = 0.5 * (k.a + k.b);
    form_state(tr, e, x);
    e->root_iterates++;
    at = x;
    double f = qs_traj_norm2_of(tr->psi, tr->dim);
    double g = f > 0.0 ? log(f) - log_r : -INFINITY;
    if (fabs(g) <= tol_g)
      return x;
    *(g > 0.0 ? &k.a : &k.b) = x;
    if (k.b - k.a <= 4.0 * DBL_EPSILON * fabs(e->t0 + k.b))
      break;
    double d = isfinite(g) ? log_norm_slope(tr, e, tr->psi, f) : NAN;
    x = d < 0.0 ? x - g / d : 0.5 * (k.a + k.b);
  }
  if (at != k.b)
    form_state(tr, e, k.b);
  return k.b;
}

static qs_status exact_advance(qs_traj *tr, double t_out, double *t_ret, int *root)
{
  exact *e = tr->backend;
  bracket k = {.a = tr->t - e->t0, .b = t_out - e->t0};
  double f_now = qs_traj_norm2_of(tr->psi, tr->dim);
  /* f is non-increasing: no crossing if it already started at or below r
   * (as CVODE's downward-only root finding).  The start state is kept
   * for the slope there, needed only if a jump follows (most advances
   * reach t_out: the copy is cheaper than the slope). */
  int may_jump = tr->roots_on && f_now > tr->r;
  if (may_jump)
    memcpy(e->psi_start, tr->psi, (size_t)tr->dim * sizeof *tr->psi);
  form_state(tr, e, k.b);
  double f_out = qs_traj_norm2_of(tr->psi, tr->dim);
  if (!isfinite(f_out))
    return QS_ERR_NUMERIC;
  *t_ret = t_out;
  *root = 0;
  if (!may_jump || f_out > tr->r)
    return QS_OK;
  const double log_r = log(tr->r);
  k.ga = log(f_now) - log_r;
  k.da = log_norm_slope(tr, e, e->psi_start, f_now);
  k.gb = f_out > 0.0 ? log(f_out) - log_r : -INFINITY;
  k.db = f_out > 0.0 ? log_norm_slope(tr, e, tr->psi, f_out) : NAN;
  double tau = find_jump(tr, e, k);
  if (tau < k.b)
    *t_ret = e->t0 + tau;
  *root = 1;
  return QS_OK;
}

static double exact_last_step(const qs_traj *tr)
{
  (void)tr;
  return 0.0; /* no steps: restart_step has no meaning here */
}

static void exact_counters(const qs_traj *tr, qs_traj_stats *s)
{
  const exact *e = tr->backend;
  *s = (qs_traj_stats){.steps = e->states, .rhs_evals = 0, .root_evals = e->root_iterates};
}

const qs_traj_backend qs_traj_exact = {"exact", exact_create, exact_destroy,
                                       exact_restart, exact_advance,
                                       exact_last_step, exact_counters};
