/* The CVODE Adams back-end of a trajectory (traj.h, traj_impl.h). */
#include "traj_impl.h"
#include "nvector_qs_impl.h"

#include <cvode/cvode.h>
#include <stdlib.h>
#include <sundials/sundials_context.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>

typedef struct {
  SUNContext ctx;
  void *cvode;
  N_Vector y;              /* 2*dim reals = dim complex: tr->psi */
  SUNNonlinearSolver nls;
} adams;

static int rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *data)
{
  /* C11 6.2.5: double complex has the layout of double[2]. */
  qs_traj_derivative(data, t, (const double complex *)N_VGetArrayPointer(y),
                     (double complex *)N_VGetArrayPointer(ydot));
  return 0;
}

/* The jump happens where ||psi||^2 - r changes sign. */
static int jump_condition(sunrealtype t, N_Vector y, sunrealtype *g, void *data)
{
  (void)t;
  const qs_traj *tr = data;
  g[0] = qs_traj_norm2_of((const double complex *)N_VGetArrayPointer(y), tr->dim) - tr->r;
  return 0;
}

static void adams_destroy(qs_traj *tr)
{
  adams *a = tr->backend;
  if (!a)
    return;
  if (a->cvode)
    CVodeFree(&a->cvode);
  if (a->nls)
    SUNNonlinSolFree(a->nls);
  if (a->y)
    N_VDestroy(a->y);
  if (a->ctx)
    SUNContext_Free(&a->ctx);
  free(a);
  tr->backend = NULL;
  tr->psi = NULL;
}

static qs_status adams_create(qs_traj *tr)
{
  adams *a = calloc(1, sizeof *a);
  if (!a)
    return QS_ERR_NOMEM;
  tr->backend = a;
  if (SUNContext_Create(NULL, &a->ctx) != 0)
    return QS_ERR_CVODE;
  a->y = qs_nvector_new(2 * tr->dim, a->ctx);
  if (!a->y)
    return QS_ERR_CVODE;
  tr->psi = (double complex *)N_VGetArrayPointer(a->y);
  for (qs_index i = 0; i < tr->dim; i++)
    tr->psi[i] = tr->model->psi0[i];
  a->cvode = CVodeCreate(CV_ADAMS, a->ctx);
  if (!a->cvode || CVodeInit(a->cvode, rhs, 0.0, a->y) != CV_SUCCESS ||
      CVodeSStolerances(a->cvode, tr->opt.rtol, tr->opt.atol) != CV_SUCCESS ||
      CVodeSetUserData(a->cvode, tr) != CV_SUCCESS ||
      CVodeSetMaxNumSteps(a->cvode, tr->opt.max_steps) != CV_SUCCESS ||
      CVodeRootInit(a->cvode, 1, jump_condition) != CV_SUCCESS)
    return QS_ERR_CVODE;
  /* Only a downward crossing of ||psi||^2 = r is a jump. */
  int direction = -1;
  if (CVodeSetRootDirection(a->cvode, &direction) != CV_SUCCESS)
    return QS_ERR_CVODE;
  /* Adams is non-stiff: fixed-point iteration needs no linear solver. */
  a->nls = SUNNonlinSol_FixedPoint(a->y, 0, a->ctx);
  if (!a->nls || CVodeSetNonlinearSolver(a->cvode, a->nls) != CV_SUCCESS)
    return QS_ERR_CVODE;
  /* The jump condition is checked many times per step; CVODE warns about
   * roots at the initial time of a restart, which cannot happen here
   * because ||psi||^2 = 1 > r there. */
  CVodeSetNoInactiveRootWarn(a->cvode);
  return QS_OK;
}

static qs_status adams_restart(qs_traj *tr, double h_init)
{
  adams *a = tr->backend;
  if (CVodeReInit(a->cvode, tr->t, a->y) != CV_SUCCESS)
    return QS_ERR_CVODE;
  if (CVodeSetInitStep(a->cvode, h_init) != CV_SUCCESS)
    return QS_ERR_CVODE;
  return QS_OK;
}

static qs_status adams_advance(qs_traj *tr, double t_out, double *t_ret, int *root)
{
  adams *a = tr->backend;
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
  const adams *a = tr->backend;
  sunrealtype h = 0.0;
  CVodeGetLastStep(a->cvode, &h);
  return h;
}

static void adams_counters(const qs_traj *tr, qs_traj_stats *s)
{
  const adams *a = tr->backend;
  long nst = 0, nfe = 0, nge = 0;
  CVodeGetNumSteps(a->cvode, &nst);
  CVodeGetNumRhsEvals(a->cvode, &nfe);
  CVodeGetNumGEvals(a->cvode, &nge);
  *s = (qs_traj_stats){.steps = nst, .rhs_evals = nfe, .root_evals = nge};
}

const qs_traj_backend qs_traj_adams = {"adams", adams_create, adams_destroy,
                                       adams_restart, adams_advance,
                                       adams_last_step, adams_counters};
