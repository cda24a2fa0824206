/* Periodic steady state of a T-periodic master equation: GMRES on the
 * fixed point of the one-period propagator (see include/qsync/periodic.h). */
#include "qsync/periodic.h"

#include "message_impl.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef double complex dcomplex;

qs_periodic_options qs_periodic_default_options(void)
{
  qs_periodic_options o = {0.0, 1e-8, 300, 40, 0, NULL, NULL};
  return o;
}

typedef struct {
  qs_model model;          /* shallow copy without the reporting frame */
  qs_mesolve_options me;
  double period;
  size_t nn;               /* N^2 */
  long steps;
  char *msg;
  size_t msglen;
} propagator;

/* y = rho(n T) from rho(0) = x (x, y may not alias). */
static qs_status propagate(propagator *p, const dcomplex *x, int n_periods, dcomplex *y)
{
  double t = p->period * n_periods;
  qs_mesolve_stats stats = {0};
  qs_status st = qs_mesolve(&p->model, x, 1, &t, NULL, &p->me, NULL, y, NULL, NULL, &stats,
                            p->msg, p->msglen);
  p->steps += stats.steps;
  return st;
}

static double rdot(size_t nn, const dcomplex *x, const dcomplex *y)
{
  return cblas_ddot((int)(2 * nn), (const double *)x, 1, (const double *)y, 1);
}

static double fnorm(size_t nn, const dcomplex *x)
{
  return cblas_dnrm2((int)(2 * nn), (const double *)x, 1);
}

static void axpy(size_t nn, double a, const dcomplex *x, dcomplex *y)
{
  cblas_daxpy((int)(2 * nn), a, (const double *)x, 1, (double *)y, 1);
}

/* Hermitize and scale to unit trace. */
static qs_status normalize(int n, dcomplex *x)
{
  const size_t ln = (size_t)n;
  double tr = 0.0;
  for (int j = 0; j < n; j++) {
    for (int i = 0; i < j; i++) {
      dcomplex a = 0.5 * (x[i + j * ln] + conj(x[j + i * ln]));
      x[i + j * ln] = a;
      x[j + i * ln] = conj(a);
    }
    x[j + j * ln] = creal(x[j + j * ln]);
    tr += creal(x[j + j * ln]);
  }
  if (!isfinite(tr) || tr == 0.0)
    return QS_ERR_NUMERIC;
  cblas_zdscal(n * n, 1.0 / tr, x, 1);
  return QS_OK;
}

/* r = P x - x; returns ||r|| / ||x||. */
static qs_status residual(propagator *p, const dcomplex *x, dcomplex *r, double *res)
{
  qs_status st = propagate(p, x, 1, r);
  if (st == QS_OK) {
    axpy(p->nn, -1.0, x, r);
    *res = fnorm(p->nn, r) / fnorm(p->nn, x);
  }
  return st;
}

typedef struct {
  int m;
  dcomplex *V;        /* (m + 1) basis matrices */
  double *H, *cs, *sn, *g, *y;
} gmres_ws;

static qs_status gmres_alloc(gmres_ws *w, int m, size_t nn)
{
  w->m = m;
  w->V = malloc((size_t)(m + 1) * nn * sizeof *w->V);
  w->H = calloc((size_t)(m + 1) * (size_t)m, sizeof *w->H);
  w->cs = malloc((size_t)m * sizeof *w->cs);
  w->sn = malloc((size_t)m * sizeof *w->sn);
  w->g = malloc((size_t)(m + 1) * sizeof *w->g);
  w->y = malloc((size_t)m * sizeof *w->y);
  return w->V && w->H && w->cs && w->sn && w->g && w->y ? QS_OK : QS_ERR_NOMEM;
}

static void gmres_free(gmres_ws *w)
{
  free(w->V);
  free(w->H);
  free(w->cs);
  free(w->sn);
  free(w->g);
  free(w->y);
}

/* One GMRES(m) cycle on (I - P) delta = r from delta = 0; x += delta.
 * Stops early when the estimated residual falls to target.  *it counts
 * iterations (against max_iter). */
static qs_status gmres_cycle(propagator *p, gmres_ws *w, const qs_periodic_options *o,
                             const dcomplex *r, double xnorm, dcomplex *x, int *it)
{
  const size_t nn = p->nn;
  const int m = w->m;
  const double target = 0.5 * o->tol * xnorm;
  double beta = fnorm(nn, r);
  memcpy(w->V, r, nn * sizeof *w->V);
  cblas_zdscal((int)nn, 1.0 / beta, w->V, 1);
  memset(w->g, 0, (size_t)(m + 1) * sizeof *w->g);
  w->g[0] = beta;
  int k = 0;
  qs_status st = QS_OK;
  while (k < m && *it < o->max_iter) {
    dcomplex *vk = w->V + (size_t)k * nn, *vn = w->V + (size_t)(k + 1) * nn;
    double *h = w->H + (size_t)k * (size_t)(m + 1);
    st = propagate(p, vk, 1, vn);
    if (st != QS_OK)
      break;
    cblas_dscal((int)(2 * nn), -1.0, (double *)vn, 1); /* vn = v_k - P v_k */
    axpy(nn, 1.0, vk, vn);
    for (int i = 0; i <= k; i++)
      h[i] = 0.0;
    for (int pass = 0; pass < 2; pass++) /* Gram-Schmidt twice */
      for (int i = 0; i <= k; i++) {
        double hij = rdot(nn, w->V + (size_t)i * nn, vn);
        h[i] += hij;
        axpy(nn, -hij, w->V + (size_t)i * nn, vn);
      }
    h[k + 1] = fnorm(nn, vn);
    if (h[k + 1] > 0.0)
      cblas_zdscal((int)nn, 1.0 / h[k + 1], vn, 1);
    for (int i = 0; i < k; i++) {
      double t = w->cs[i] * h[i] + w->sn[i] * h[i + 1];
      h[i + 1] = -w->sn[i] * h[i] + w->cs[i] * h[i + 1];
      h[i] = t;
    }
    double den = hypot(h[k], h[k + 1]);
    w->cs[k] = den > 0.0 ? h[k] / den : 1.0;
    w->sn[k] = den > 0.0 ? h[k + 1] / den : 0.0;
    h[k] = den;
    h[k + 1] = 0.0;
    w->g[k + 1] = -w->sn[k] * w->g[k];
    w->g[k] *= w->cs[k];
    k++;
    (*it)++;
    if (o->progress)
      o->progress(*it, fabs(w->g[k]) / xnorm, o->progress_data);
    if (fabs(w->g[k]) <= target || den == 0.0)
      break;
  }
  /* y = H^{-1} g (upper triangular k x k), x += V y. */
  for (int i = k - 1; i >= 0; i--) {
    double s = w->g[i];
    for (int j = i + 1; j < k; j++)
      s -= w->H[i + (size_t)j * (size_t)(m + 1)] * w->y[j];
    double d = w->H[i + (size_t)i * (size_t)(m + 1)];
    w->y[i] = d != 0.0 ? s / d : 0.0;
  }
  for (int i = 0; i < k; i++)
    axpy(nn, w->y[i], w->V + (size_t)i * nn, x);
  return st;
}

static qs_status check_options(const qs_periodic_options *o, char *msg, size_t msglen)
{
  if (isfinite(o->period) && o->period > 0.0 && o->tol > 0.0 && o->max_iter >= 1 &&
      o->restart >= 1 && o->relax_periods >= 0)
    return QS_OK;
  qs_set_message(msg, msglen,
                 "periodic steady state: invalid options (period %g > 0, tol %g > 0, "
                 "max_iter %d >= 1, restart %d >= 1, relax_periods %d >= 0)",
                 o->period, o->tol, o->max_iter, o->restart, o->relax_periods);
  return QS_ERR_INVALID;
}

static qs_status initial_guess(propagator *p, const qs_model *model, const dcomplex *rho0,
                               int relax, dcomplex *x, dcomplex *scratch)
{
  const int n = (int)model->space.total;
  if (rho0) {
    memcpy(x, rho0, p->nn * sizeof *x);
  } else {
    for (int j = 0; j < n; j++)
      for (int i = 0; i < n; i++)
        x[i + (size_t)j * (size_t)n] = model->psi0[i] * conj(model->psi0[j]);
  }
  qs_status st = normalize(n, x);
  if (st == QS_OK && relax > 0) {
    st = propagate(p, x, relax, scratch);
    if (st == QS_OK)
      memcpy(x, scratch, p->nn * sizeof *x);
  }
  return st;
}

qs_status qs_mesolve_periodic(const qs_model *model, const double complex *rho0,
                              const qs_periodic_options *popt, const qs_mesolve_options *me,
                              double complex *rho, qs_periodic_info *info, char *msg,
                              size_t msglen)
{
  qs_periodic_info dummy;
  if (!info)
    info = &dummy;
  memset(info, 0, sizeof *info);
  info->residual = NAN;
  if (!model || !popt || !rho)
    return QS_ERR_INVALID;
  qs_status st = check_options(popt, msg, msglen);
  if (st != QS_OK)
    return st;
  const int n = (int)model->space.total;
  propagator p = {*model, me ? *me : qs_mesolve_default_options(), popt->period,
                  (size_t)n * (size_t)n, 0, msg, msglen};
  p.model.frame_rate = NULL; /* integrate and report in the model's own frame */
  p.me.progress = NULL;
  dcomplex *r = malloc(p.nn * sizeof *r);
  gmres_ws w;
  memset(&w, 0, sizeof w);
  st = r ? gmres_alloc(&w, popt->restart, p.nn) : QS_ERR_NOMEM;
  if (st == QS_OK)
    st = initial_guess(&p, model, rho0, popt->relax_periods, rho, r);
  double res = NAN;
  if (st == QS_OK)
    st = residual(&p, rho, r, &res);
  int it = 0;
  while (st == QS_OK && !(res <= popt->tol) && it < popt->max_iter) {
    st = gmres_cycle(&p, &w, popt, r, fnorm(p.nn, rho), rho, &it);
    if (st == QS_OK)
      st = normalize(n, rho);
    if (st == QS_OK)
      st = residual(&p, rho, r, &res);
  }
  info->iterations = it;
  info->residual = res;
  info->steps = p.steps;
  if (st == QS_OK && !isfinite(res))
    st = QS_ERR_NUMERIC;
  if (st == QS_OK && !(res <= popt->tol)) {
    qs_set_message(msg, msglen,
                   "periodic steady state: residual ||P rho - rho|| / ||rho|| = %.3g > tol %.3g "
                   "after max_iter = %d one-period integrations (the integrator's rtol %.3g "
                   "limits the reachable residual)",
                   res, popt->tol, it, p.me.rtol);
    st = QS_ERR_NOT_CONVERGED;
  }
  gmres_free(&w);
  free(r);
  return st;
}
