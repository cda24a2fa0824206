/* Periodic steady state of a T-periodic master equation: GMRES on the
 * fixed point of the one-period propagator (see include/qsync/periodic.h). */
#include "qsync/periodic.h"

#include "density_impl.h"
#include "message_impl.h"
#include "qsync/gmres.h"

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
  qs_me *integrator;       /* of `model`, made once, started per application */
  double period;
  int n;                   /* N */
  size_t nn;               /* N^2 */
  char *msg;
  size_t msglen;
} propagator;

/* y = rho(n T) from rho(0) = x (x, y may not alias): a fresh start of the
 * integrator from x at t = 0 (CVodeReInit), so each application of P is
 * the same map whatever came before. */
static qs_status propagate(propagator *p, const dcomplex *x, int n_periods, dcomplex *y)
{
  const double t = p->period * n_periods;
  qs_status st = qs_me_start(p->integrator, x, 0.0, t, p->msg, p->msglen);
  if (st == QS_OK)
    st = qs_me_evolve_to(p->integrator, t, p->msg, p->msglen);
  if (st == QS_OK)
    qs_me_get_rho(p->integrator, y);
  return st;
}

static double fnorm(size_t nn, const dcomplex *x)
{
  return cblas_dnrm2((int)(2 * nn), (const double *)x, 1);
}

static void axpy(size_t nn, double a, const dcomplex *x, dcomplex *y)
{
  cblas_daxpy((int)(2 * nn), a, (const double *)x, 1, (double *)y, 1);
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

/* GMRES (gmres.h) on (I - P) delta = P x - x, without preconditioner. */

/* w = v - P v. */
static qs_status periodic_apply(const dcomplex *v, dcomplex *w, void *data)
{
  propagator *p = data;
  qs_status st = propagate(p, v, 1, w);
  if (st != QS_OK)
    return st;
  cblas_dscal((int)(2 * p->nn), -1.0, (double *)w, 1);
  axpy(p->nn, 1.0, v, w);
  return QS_OK;
}

/* Back to a Hermitian unit-trace state, then r = P x - x. */
static qs_status periodic_residual(dcomplex *x, dcomplex *r, double *res, void *data)
{
  propagator *p = data;
  qs_status st = qs_density_normalize(p->n, x);
  if (st == QS_OK)
    st = residual(p, x, r, res);
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
  qs_status st = qs_density_normalize(n, x);
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
  const qs_mesolve_options me_opt = me ? *me : qs_mesolve_default_options();
  propagator p = {*model, NULL, popt->period, n, (size_t)n * (size_t)n, msg, msglen};
  p.model.frame_rate = NULL; /* integrate and report in the model's own frame */
  dcomplex *r = malloc(p.nn * sizeof *r);
  qs_gmres *solver = NULL;
  st = r ? qs_gmres_create((qs_index)p.nn, popt->restart, &solver) : QS_ERR_NOMEM;
  if (st == QS_OK)
    st = qs_me_create(&p.model, &me_opt, &p.integrator, msg, msglen);
  if (st == QS_OK)
    st = initial_guess(&p, model, rho0, popt->relax_periods, rho, r);
  double res = NAN;
  if (st == QS_OK)
    st = residual(&p, rho, r, &res);
  int it = 0;
  if (st == QS_OK) {
    const qs_gmres_problem problem = {periodic_apply, NULL, periodic_residual, &p};
    const qs_gmres_options go = {popt->tol, popt->max_iter, popt->progress,
                                 popt->progress_data, 0};
    st = qs_gmres_solve(solver, &problem, &go, rho, r, &res, &it);
  }
  info->iterations = it;
  info->residual = res;
  if (p.integrator) {
    qs_mesolve_stats stats;
    qs_me_get_stats(p.integrator, &stats);
    info->steps = stats.steps;
  }
  if (st == QS_OK && !isfinite(res))
    st = QS_ERR_NUMERIC;
  if (st == QS_OK && !(res <= popt->tol)) {
    qs_set_message(msg, msglen,
                   "periodic steady state: residual ||P rho - rho|| / ||rho|| = %.3g > tol %.3g "
                   "after max_iter = %d one-period integrations (the integrator's rtol %.3g "
                   "limits the reachable residual)",
                   res, popt->tol, it, me_opt.rtol);
    st = QS_ERR_NOT_CONVERGED;
  }
  qs_gmres_destroy(&solver);
  qs_me_destroy(&p.integrator);
  free(r);
  return st;
}
