/* The CVODE Adams back-end of a trajectory (traj.h, traj_impl.h), and the
 * CVODE and SUNDIALS pieces the other ODE back-ends share. */
#include "traj_impl.h"
#include "nvector_qs_impl.h"

#include <cvode/cvode.h>
#include <stdlib.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>

int qs_traj_sundials_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *data)
{
  /* C11 6.2.5: double complex has the layout of double[2]. */
  qs_traj_derivative(data, t, (const double complex *)N_VGetArrayPointer(y),
                     (double complex *)N_VGetArrayPointer(ydot));
  return 0;
}

int qs_traj_sundials_jump(sunrealtype t, N_Vector y, sunrealtype *g, void *data)
{
  (void)t;
  const qs_traj *tr = data;
  g[0] = qs_traj_norm2_of((const double complex *)N_VGetArrayPointer(y), tr->dim) - tr->r;
  return 0;
}

void qs_traj_cvode_free(qs_traj_cvode *c)
{
  if (c->cvode)
    CVodeFree(&c->cvode);
  if (c->nls)
    SUNNonlinSolFree(c->nls);
  if (c->y)
    N_VDestroy(c->y);
  if (c->ctx)
    SUNContext_Free(&c->ctx);
  c->nls = NULL;
  c->y = NULL;
}

qs_status qs_traj_cvode_create(qs_traj *tr, qs_traj_cvode *c)
{
  if (SUNContext_Create(NULL, &c->ctx) != 0)
    return QS_ERR_CVODE;
  c->y = qs_nvector_new(2 * tr->dim, c->ctx);
  if (!c->y)
    return QS_ERR_CVODE;
  tr->psi = (double complex *)N_VGetArrayPointer(c->y);
  for (qs_index i = 0; i < tr->dim; i++)
    tr->psi[i] = tr->model->psi0[i];
  c->cvode = CVodeCreate(CV_ADAMS, c->ctx);
  if (!c->cvode || CVodeInit(c->cvode, qs_traj_sundials_rhs, 0.0, c->y) != CV_SUCCESS ||
      CVodeSStolerances(c->cvode, tr->opt.rtol, tr->opt.atol) != CV_SUCCESS ||
      CVodeSetUserData(c->cvode, tr) != CV_SUCCESS ||
      CVodeSetMaxNumSteps(c->cvode, tr->opt.max_steps) != CV_SUCCESS ||
      CVodeRootInit(c->cvode, 1, qs_traj_sundials_jump) != CV_SUCCESS)
    return QS_ERR_CVODE;
  /* Only a downward crossing of ||psi||^2 = r is a jump. */
  int direction = -1;
  if (CVodeSetRootDirection(c->cvode, &direction) != CV_SUCCESS)
    return QS_ERR_CVODE;
  /* Adams is non-stiff: fixed-point iteration needs no linear solver. */
  c->nls = SUNNonlinSol_FixedPoint(c->y, 0, c->ctx);
  if (!c->nls || CVodeSetNonlinearSolver(c->cvode, c->nls) != CV_SUCCESS)
    return QS_ERR_CVODE;
  /* The jump condition is checked many times per step; CVODE warns about
   * roots at the initial time of a restart, which cannot happen here
   * because ||psi||^2 = 1 > r there. */
  CVodeSetNoInactiveRootWarn(c->cvode);
  return QS_OK;
}

void qs_traj_cvode_counters(const qs_traj_cvode *c, qs_traj_stats *s)
{
  long nst = 0, nfe = 0, nge = 0;
  CVodeGetNumSteps(c->cvode, &nst);
  CVodeGetNumRhsEvals(c->cvode, &nfe);
  CVodeGetNumGEvals(c->cvode, &nge);
  *s = (qs_traj_stats){.steps = nst, .rhs_evals = nfe, .root_evals = nge};
}

/* ---- the adams back-end: one qs_traj_cvode ------------------------------ */

static void adams_destroy(qs_traj *tr)
{
  qs_traj_cvode *a = tr->backend;
  if (!a)
    return;
  qs_traj_cvode_free(a);
  free(a);
  tr->backend = NULL;
  tr->psi = NULL;
}

static qs_status adams_create(qs_traj *tr)
{
  qs_traj_cvode *a = calloc(1, sizeof *a);
  if (!a)
    return QS_ERR_NOMEM;
  tr->backend = a;
  return qs_traj_cvode_create(tr, a);
}

static qs_status adams_restart(qs_traj *tr, double h_init)
{
  qs_traj_cvode *a = tr->backend;
  if (CVodeReInit(a->cvode, tr->t, a->y) != CV_SUCCESS)
    return QS_ERR_CVODE;
  if (CVodeSetInitStep(a->cvode, h_init) != CV_SUCCESS)
    return QS_ERR_CVODE;
  return QS_OK;
}

static qs_status adams_advance(qs_traj *tr, double t_out, double *t_ret, int *root)
{
  qs_traj_cvode *a = tr->backend;
  sunrealtype t = tr->t;
  for (;;) {
    int flag = CVode(a->cvode, t_out, a->y, &t, CV_NORMAL);
    if (flag == CV_ROOT_RETURN && !tr->roots_on)
      continue; /* jumps disabled: CVODE goes on without a restart */
    if (flag < 0)
      return QS_ERR_CVODE;
    *t_ret = t;
    *root = flag == CV_ROOT_RETURN;
    return QS_OK;
  }
}

static double adams_last_step(const qs_traj *tr)
{
  const qs_traj_cvode *a = tr->backend;
  sunrealtype h = 0.0;
  CVodeGetLastStep(a->cvode, &h);
  return h;
}

static void adams_counters(const qs_traj *tr, qs_traj_stats *s)
{
  qs_traj_cvode_counters(tr->backend, s);
}

const qs_traj_backend qs_traj_adams = {"adams", adams_create, adams_destroy,
                                       adams_restart, adams_advance,
                                       adams_last_step, adams_counters};
