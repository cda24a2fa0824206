/* The ARKODE explicit Runge-Kutta back-end of a trajectory (traj.h,
 * traj_impl.h).  Not written yet: qs_traj_create refuses it. */
#include "traj_impl.h"

static qs_status erk_create(qs_traj *tr)
{
  (void)tr;
  return QS_ERR_INVALID;
}

static void erk_destroy(qs_traj *tr)
{
  tr->backend = NULL;
}

const qs_traj_backend qs_traj_erk = {"erk", erk_create, erk_destroy, NULL, NULL, NULL, NULL};
