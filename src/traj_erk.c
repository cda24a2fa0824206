/* The ARKODE explicit Runge-Kutta back-end of a trajectory (traj.h,
 * traj_impl.h): ERKStep with the Dormand-Prince 5(4) pair.
 *
 * Why this pair: it is first-same-as-last (the last stage is f at the
 * new solution, which the next step and the Hermite interpolant reuse),
 * and among the tables that SUNDIALS 6.4.1 integrates correctly it was
 * the most accurate per RHS evaluation.  6.4.1 reuses the last stage as
 * f(y_n+1) whenever its node c_s is 1 without checking that the table is
 * FSAL, so the 6(5) Verner and the ARK*-ERK tables start every step from
 * a wrong f (llnl/sundials#311, fixed later).  docs/benchmarks.md, "erk",
 * has the measurements.
 *
 * Output values and jump times come from ARKODE's Hermite interpolant of
 * degree 4 (its default for this table).  It costs one f evaluation per
 * use (output time, root check, root-finding iterate); the free cubic is
 * 25-80x less accurate, worse than adams at the same rtol.
 *
 * A jump costs no restart of the method: ERKStepReset keeps the step
 * size the controller chose last (restart_step > 0 replaces it by that
 * fraction of the last step, as for adams).  A start (qs_traj_start)
 * forgets everything (ERKStepReInit), so a trajectory does not depend
 * on the one integrated before it with the same qs_traj. */
#include "traj_impl.h"
#include "nvector_qs_impl.h"

#include <arkode/arkode_erkstep.h>
#include <stdlib.h>
#include <sundials/sundials_context.h>

enum { INTERPOLANT_DEGREE = 4 };

typedef struct {
  SUNContext ctx;
  void *arkode;
  N_Vector y;                /* 2*dim reals = dim complex: tr->psi */
  qs_traj_stats at_restart;  /* steps and rhs: ERKStepReset keeps counting */
  int evolved;               /* ERKStepEvolve called since the last restart */
} erk;

/* ARKODE's counters.  Steps and rhs evaluations go on through
 * ERKStepReset; the root function count starts again at the first
 * ERKStepEvolve after a reset or reinit (arkRootCheck1 sets it to 1). */
static void arkode_counters(const erk *e, qs_traj_stats *s)
{
  long nst = 0, nfe = 0, nge = 0;
  ERKStepGetNumSteps(e->arkode, &nst);
  ERKStepGetNumRhsEvals(e->arkode, &nfe);
  ERKStepGetNumGEvals(e->arkode, &nge);
  *s = (qs_traj_stats){.steps = nst, .rhs_evals = nfe, .root_evals = nge};
}

static void erk_destroy(qs_traj *tr)
{
  erk *e = tr->backend;
  if (!e)
    return;
  if (e->arkode)
    ERKStepFree(&e->arkode);
  if (e->y)
    N_VDestroy(e->y);
  if (e->ctx)
    SUNContext_Free(&e->ctx);
  free(e);
  tr->backend = NULL;
  tr->psi = NULL;
}

static qs_status erk_create(qs_traj *tr)
{
  erk *e = calloc(1, sizeof *e);
  if (!e)
    return QS_ERR_NOMEM;
  tr->backend = e;
  if (SUNContext_Create(NULL, &e->ctx) != 0)
    return QS_ERR_CVODE;
  e->y = qs_nvector_new(2 * tr->dim, e->ctx);
  if (!e->y)
    return QS_ERR_CVODE;
  tr->psi = (double complex *)N_VGetArrayPointer(e->y);
  for (qs_index i = 0; i < tr->dim; i++)
    tr->psi[i] = tr->model->psi0[i];
  e->arkode = ERKStepCreate(qs_traj_sundials_rhs, 0.0, e->y, e->ctx);
  if (!e->arkode ||
      ERKStepSetTableNum(e->arkode, ARKODE_DORMAND_PRINCE_7_4_5) != ARK_SUCCESS ||
      ERKStepSetInterpolantDegree(e->arkode, INTERPOLANT_DEGREE) != ARK_SUCCESS ||
      ERKStepSStolerances(e->arkode, tr->opt.rtol, tr->opt.atol) != ARK_SUCCESS ||
      ERKStepSetUserData(e->arkode, tr) != ARK_SUCCESS ||
      ERKStepSetMaxNumSteps(e->arkode, tr->opt.max_steps) != ARK_SUCCESS ||
      ERKStepRootInit(e->arkode, 1, qs_traj_sundials_jump) != ARK_SUCCESS)
    return QS_ERR_CVODE;
  /* Only a downward crossing of ||psi||^2 = r is a jump. */
  int direction = -1;
  if (ERKStepSetRootDirection(e->arkode, &direction) != ARK_SUCCESS)
    return QS_ERR_CVODE;
  /* ||psi||^2 = 1 > r at every (re)start: no root can be inactive there. */
  ERKStepSetNoInactiveRootWarn(e->arkode);
  return QS_OK;
}

static qs_status erk_restart(qs_traj *tr, double h_init)
{
  erk *e = tr->backend;
  int flag;
  if (tr->jumps == 0) {
    /* qs_traj_start: a new trajectory, nothing kept from the last one
     * (also not an initial step set at its last jump). */
    flag = ERKStepSetInitStep(e->arkode, 0.0);
    if (flag == ARK_SUCCESS)
      flag = ERKStepReInit(e->arkode, qs_traj_sundials_rhs, tr->t, e->y);
  } else {
    /* A jump: the one-step method continues with its step size unless
     * told otherwise (ERKStepSetInitStep also clears the error history). */
    flag = h_init > 0.0 ? ERKStepSetInitStep(e->arkode, h_init) : ARK_SUCCESS;
    if (flag == ARK_SUCCESS)
      flag = ERKStepReset(e->arkode, tr->t, e->y);
  }
  if (flag != ARK_SUCCESS)
    return QS_ERR_CVODE;
  arkode_counters(e, &e->at_restart);
  e->evolved = 0;
  return QS_OK;
}

static qs_status erk_advance(qs_traj *tr, double t_out, double *t_ret, int *root)
{
  erk *e = tr->backend;
  sunrealtype t = tr->t;
  e->evolved = 1;
  for (;;) {
    int flag = ERKStepEvolve(e->arkode, t_out, e->y, &t, ARK_NORMAL);
    if (flag == ARK_ROOT_RETURN && !tr->roots_on)
      continue; /* jumps disabled: ARKODE goes on from its own state */
    if (flag < 0)
      return QS_ERR_CVODE;
    *t_ret = t;
    *root = flag == ARK_ROOT_RETURN;
    return QS_OK;
  }
}

static double erk_last_step(const qs_traj *tr)
{
  const erk *e = tr->backend;
  sunrealtype h = 0.0;
  ERKStepGetLastStep(e->arkode, &h);
  return h;
}

static void erk_counters(const qs_traj *tr, qs_traj_stats *s)
{
  const erk *e = tr->backend;
  qs_traj_stats now;
  arkode_counters(e, &now);
  *s = (qs_traj_stats){.steps = now.steps - e->at_restart.steps,
                       .rhs_evals = now.rhs_evals - e->at_restart.rhs_evals,
                       .root_evals = e->evolved ? now.root_evals : 0};
}

const qs_traj_backend qs_traj_erk = {"erk", erk_create, erk_destroy, erk_restart,
                                     erk_advance, erk_last_step, erk_counters};
