/* The exact back-end of a trajectory (traj.h, traj_impl.h): propagation
 * by the eigendecomposition of the non-Hermitian H_eff, jump times by
 * root finding on the closed form of ||psi(t)||^2.
 *
 * With H_eff = V diag(lambda) V^{-1} (LAPACK zgeev, once per
 * qs_traj_create) and c = V^{-1} psi(t0) at the last restart t0:
 *
 *   psi(t0 + tau)      = V w(tau),   w_k(tau) = c_k exp(-i lambda_k tau),
 *   ||psi||^2 = f(tau) = w^H G w,    G = V^H V,
 *   f'(tau)            = 2 Re (w'^H G w),   w' = -i lambda .* w.
 *
 * Every state is formed from the restart state, never from the previous
 * output, so the error does not grow with the number of outputs.
 * f is non-increasing (f' = -sum_j ||c_j psi||^2), so a jump happens in
 * (t, t_out] exactly when f(t_out) <= r: the state at t_out is formed
 * first (one O(d^2) product, needed anyway) and root finding (one O(d^2)
 * Gram product per iterate, value and slope together) runs only then.
 *
 * Reliability: the decomposition is only as good as V is conditioned.
 * Near an exceptional point (two eigenvalues and eigenvectors of H_eff
 * merging, e.g. a Rabi drive at a quarter of the decay rate) zgeev
 * returns almost parallel eigenvectors and V^{-1} amplifies rounding by
 * cond(V).  Create refuses such an H_eff (QS_ERR_NUMERIC) rather than
 * returning a silently wrong ensemble; the adams and erk integrators
 * handle it. */
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
 * Safeguarded Newton converges in 2-4 iterates; bisection alone would need
 * at most ~1100 to exhaust the doubles, so the cap is only a guard. */
#define EXACT_MAX_ROOT_ITERATES 200

typedef struct {
  lapack_int n;
  double complex *lambda; /* eigenvalues of H_eff */
  double complex *V;      /* right eigenvectors, column-major, unit columns */
  double complex *V_inv;  /* V^{-1}, column-major */
  double complex *gram;   /* V^H V, column-major */
  double complex *coef;   /* c = V^{-1} psi(t0) */
  double complex *w;      /* c .* exp(-i lambda tau) at the last evaluation */
  double complex *gw;     /* G w at the last evaluation */
  double t0;              /* time of the last restart */
  long states;            /* states formed since the restart */
  long norm_evals;        /* Gram evaluations of f in root finding */
  double cond;            /* 1-norm condition number of V (for messages) */
  double residual;        /* ||H - V diag(lambda) V^{-1}||_F / ||H||_F */
} exact;

/* y = A x for a dense column-major n x n matrix, written with real
 * arithmetic: C's complex product checks for NaN/Inf operands (a library
 * call per product with GCC's default -fcx-fortran-rules off), which
 * would dominate at small n. */
static void dense_apply(lapack_int n, const double complex *A, const double complex *x,
                        double complex *y)
{
  double *yr = (double *)y;
  memset(yr, 0, 2 * (size_t)n * sizeof *yr);
  for (lapack_int k = 0; k < n; k++) {
    const double *col = (const double *)(A + (size_t)k * (size_t)n);
    double xr = creal(x[k]), xi = cimag(x[k]);
    for (lapack_int i = 0; i < n; i++) {
      yr[2 * i] += col[2 * i] * xr - col[2 * i + 1] * xi;
      yr[2 * i + 1] += col[2 * i] * xi + col[2 * i + 1] * xr;
    }
  }
}

/* w = c .* exp(-i lambda tau). */
static void modal_state(exact *e, double tau)
{
  for (lapack_int k = 0; k < e->n; k++) {
    double decay = exp(cimag(e->lambda[k]) * tau);
    double phase = creal(e->lambda[k]) * tau;
    double er = decay * cos(phase), ei = -decay * sin(phase);
    double cr = creal(e->coef[k]), ci = cimag(e->coef[k]);
    e->w[k] = CMPLX(cr * er - ci * ei, cr * ei + ci * er);
  }
}

/* psi(t0 + tau) into tr->psi. */
static void form_state(qs_traj *tr, exact *e, double tau)
{
  modal_state(e, tau);
  dense_apply(e->n, e->V, e->w, tr->psi);
  e->states++;
}

/* f(tau) = ||psi||^2 by the Gram form, and f'(tau) into *slope. */
static double norm2_and_slope(exact *e, double tau, double *slope)
{
  modal_state(e, tau);
  dense_apply(e->n, e->gram, e->w, e->gw);
  double f = 0.0, df = 0.0;
  for (lapack_int k = 0; k < e->n; k++) {
    double wr = creal(e->w[k]), wi = cimag(e->w[k]);
    double gr = creal(e->gw[k]), gi = cimag(e->gw[k]);
    double lr = creal(e->lambda[k]), li = cimag(e->lambda[k]);
    /* conj(w_k) (G w)_k, and conj(w'_k) = i conj(lambda_k) conj(w_k) */
    double pr = wr * gr + wi * gi, pi = wr * gi - wi * gr;
    f += pr;
    df += 2.0 * (li * pr - lr * pi); /* Re(i conj(lambda) p) */
  }
  e->norm_evals++;
  *slope = df;
  return f;
}

static double frobenius(size_t len, const double complex *a)
{
  double s = 0.0;
  for (size_t i = 0; i < len; i++)
    s += creal(a[i]) * creal(a[i]) + cimag(a[i]) * cimag(a[i]);
  return sqrt(s);
}

/* V^{-1} by LU, with the 1-norm condition number of V. */
static qs_status invert_eigenvectors(exact *e, size_t nn)
{
  lapack_int n = e->n;
  lapack_int *ipiv = malloc((size_t)n * sizeof *ipiv);
  if (!ipiv)
    return QS_ERR_NOMEM;
  memcpy(e->V_inv, e->V, nn * sizeof *e->V);
  double anorm = LAPACKE_zlange(LAPACK_COL_MAJOR, '1', n, n, e->V, n);
  double rcond = 0.0;
  lapack_int info = LAPACKE_zgetrf(LAPACK_COL_MAJOR, n, n, e->V_inv, n, ipiv);
  qs_status st = QS_OK;
  if (info > 0) {
    rcond = 0.0; /* exactly singular: exactly parallel eigenvectors */
  } else if (info < 0 ||
             LAPACKE_zgecon(LAPACK_COL_MAJOR, '1', n, e->V_inv, n, anorm, &rcond) != 0 ||
             LAPACKE_zgetri(LAPACK_COL_MAJOR, n, e->V_inv, n, ipiv) != 0) {
    st = QS_ERR_LAPACK;
  }
  free(ipiv);
  e->cond = rcond > 0.0 ? 1.0 / rcond : INFINITY;
  return st;
}

/* ||H - V diag(lambda) V^{-1}||_F / ||H||_F, with H the dense H_eff in
 * `h` (overwritten), `scratch` nn entries; and G = V^H V. */
static void check_and_gram(exact *e, double complex *h, double complex *scratch, size_t nn)
{
  lapack_int n = e->n;
  double h_norm = frobenius(nn, h);
  for (lapack_int k = 0; k < n; k++)
    for (lapack_int i = 0; i < n; i++)
      scratch[i + (size_t)k * (size_t)n] = e->V[i + (size_t)k * (size_t)n] * e->lambda[k];
  const double complex one = 1.0, minus_one = -1.0, zero = 0.0;
  cblas_zgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, &one, scratch, n, e->V_inv,
              n, &minus_one, h, n);
  e->residual = h_norm > 0.0 ? frobenius(nn, h) / h_norm : frobenius(nn, h);
  cblas_zgemm(CblasColMajor, CblasConjTrans, CblasNoTrans, n, n, n, &one, e->V, n, e->V, n,
              &zero, e->gram, n);
}

static double exact_allowed_error(double rtol)
{
  return fmax(EXACT_TOL_FRACTION * rtol, EXACT_TOL_FLOOR);
}

/* Eigendecomposition of H_eff (dimension e->n), V^{-1}, G and the
 * reliability checks at relative tolerance rtol. */
static qs_status decompose(const qs_op *H_eff, double rtol, exact *e)
{
  size_t nn = (size_t)e->n * (size_t)e->n;
  double complex *h = malloc(nn * sizeof *h), *scratch = malloc(nn * sizeof *scratch);
  qs_status st = h && scratch ? QS_OK : QS_ERR_NOMEM;
  if (st == QS_OK) {
    qs_op_to_dense(H_eff, scratch);
    memcpy(h, scratch, nn * sizeof *h);
    /* zgeev balances (permutes and scales) H_eff first and returns each
     * eigenvector with unit 2-norm. */
    lapack_int info = LAPACKE_zgeev(LAPACK_COL_MAJOR, 'N', 'V', e->n, scratch, e->n, e->lambda,
                                    NULL, 1, e->V, e->n);
    st = info == 0 ? QS_OK : QS_ERR_LAPACK;
  }
  e->residual = INFINITY;
  if (st == QS_OK)
    st = invert_eigenvectors(e, nn);
  if (st == QS_OK && isfinite(e->cond))
    check_and_gram(e, h, scratch, nn);
  double allowed = exact_allowed_error(rtol);
  if (st == QS_OK && !(e->cond * DBL_EPSILON <= allowed && e->residual <= allowed))
    st = QS_ERR_NUMERIC;
  free(h);
  free(scratch);
  return st;
}

static void exact_free(exact *e)
{
  free(e->lambda);
  free(e->V);
  free(e->V_inv);
  free(e->gram);
  free(e->coef);
  free(e->w);
  free(e->gw);
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
  /* n^2 must fit LAPACK's int (leading dimensions times columns). */
  if (n > (qs_index)(1 << 15))
    return QS_ERR_TOO_LARGE;
  exact *e = calloc(1, sizeof *e);
  *out = e;
  if (!e)
    return QS_ERR_NOMEM;
  e->n = (lapack_int)n;
  size_t nn = (size_t)n * (size_t)n;
  e->lambda = malloc((size_t)n * sizeof *e->lambda);
  e->V = malloc(nn * sizeof *e->V);
  e->V_inv = malloc(nn * sizeof *e->V_inv);
  e->gram = malloc(nn * sizeof *e->gram);
  e->coef = malloc((size_t)n * sizeof *e->coef);
  e->w = malloc((size_t)n * sizeof *e->w);
  e->gw = malloc((size_t)n * sizeof *e->gw);
  if (!e->lambda || !e->V || !e->V_inv || !e->gram || !e->coef || !e->w || !e->gw)
    return QS_ERR_NOMEM;
  return QS_OK;
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
  dense_apply(e->n, e->V_inv, tr->psi, e->coef);
  e->t0 = tr->t;
  e->states = 0;
  e->norm_evals = 0;
  return QS_OK;
}

/* The first tau in (a, b] with f(tau) = r, given f(a) = fa > r >= f(b) =
 * fb: safeguarded Newton on g = ln f - ln r (a single decay exp(-k tau)
 * makes g linear, so the first secant guess is then already the root),
 * bisecting whenever Newton leaves the bracket.  Returns the root. */
static double find_jump(exact *e, double r, double rtol, double a, double fa, double b,
                        double fb)
{
  const double tol_g = EXACT_TOL_FRACTION * rtol, log_r = log(r);
  double ga = log(fa) - log_r, gb = fb > 0.0 ? log(fb) - log_r : -INFINITY;
  double x = isfinite(gb) && ga - gb > 0.0 ? a + (b - a) * ga / (ga - gb) : 0.5 * (a + b);
  for (int it = 0; it < EXACT_MAX_ROOT_ITERATES; it++) {
    if (!(x > a && x < b))
      x = 0.5 * (a + b);
    double slope = 0.0, f = norm2_and_slope(e, x, &slope);
    double g = f > 0.0 ? log(f) - log_r : -INFINITY;
    if (fabs(g) <= tol_g)
      return x;
    if (g > 0.0)
      a = x;
    else
      b = x;
    if (b - a <= 4.0 * DBL_EPSILON * fabs(e->t0 + b))
      return b;
    double dg = slope / f; /* d ln f / d tau */
    x = isfinite(g) && dg < 0.0 ? x - g / dg : 0.5 * (a + b);
  }
  return b;
}

static qs_status exact_advance(qs_traj *tr, double t_out, double *t_ret, int *root)
{
  exact *e = tr->backend;
  double tau_now = tr->t - e->t0, tau_out = t_out - e->t0;
  double f_now = qs_traj_norm2_of(tr->psi, tr->dim);
  form_state(tr, e, tau_out);
  double f_out = qs_traj_norm2_of(tr->psi, tr->dim);
  if (!isfinite(f_out))
    return QS_ERR_NUMERIC;
  *t_ret = t_out;
  *root = 0;
  /* f is non-increasing: no crossing if it ends above r (or already
   * started at or below it, as CVODE's downward-only root finding). */
  if (!tr->roots_on || f_out > tr->r || !(f_now > tr->r))
    return QS_OK;
  double tau = find_jump(e, tr->r, tr->opt.rtol, tau_now, f_now, tau_out, f_out);
  if (tau < tau_out) {
    form_state(tr, e, tau);
    *t_ret = e->t0 + tau;
  }
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
  *s = (qs_traj_stats){.steps = e->states, .rhs_evals = 0, .root_evals = e->norm_evals};
}

const qs_traj_backend qs_traj_exact = {"exact", exact_create, exact_destroy,
                                       exact_restart, exact_advance,
                                       exact_last_step, exact_counters};
