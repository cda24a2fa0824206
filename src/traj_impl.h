/* qsync — private: the integrator back-ends of a trajectory (traj.h).
 *
 * src/traj.c owns what every integrator shares: the state's meaning, the
 * random stream, the jump (channel choice and collapse), the counters and
 * the public API.  A back-end (src/traj_adams.c, traj_erk.c, traj_exact.c,
 * traj_floquet.c)
 * only moves tr->psi in time from tr->t and finds the first downward
 * crossing of ||psi||^2 = tr->r on the way, as CVODE's root finder does.
 *
 * Contract of a back-end (all functions get the trajectory):
 *  - create: allocate its state into tr->backend and point tr->psi at
 *    tr->dim complex entries it integrates in place (the CVODE back-end's
 *    N_Vector data; others may malloc).  tr->H_eff, tr->minus_i_H_eff and
 *    the options are set before.  Return QS_OK or an error; on error
 *    destroy is still called.
 *  - destroy: free tr->backend (it may be NULL or half-made); NULL it.
 *  - restart: tr->psi was changed outside the back-end (a start or a
 *    jump); forget the history and continue from (tr->t, tr->psi).
 *    h_init > 0 is a suggested first step (0: choose one).  Zero the
 *    counters returned by `counters`.
 *  - advance: integrate from tr->t towards t_out > tr->t.  On reaching
 *    t_out set *t_ret = t_out, *root = 0 and leave psi(t_out) in tr->psi.
 *    If ||psi||^2 crosses tr->r downwards first (only looked for when
 *    tr->roots_on), set *t_ret to the crossing time, *root = 1 and leave
 *    the state at that time in tr->psi.  tr->t is set by the caller from
 *    *t_ret.  Errors: QS_ERR_CVODE (integration failed), QS_ERR_NUMERIC.
 *    A back-end that keeps integrating past the last returned time (CVODE
 *    returns interpolated values) must give the same results as one
 *    that does not: traj.c never changes tr->psi between advances except
 *    through restart.
 *  - last_step: size of the last internal step (0 if none or meaningless).
 *  - counters: steps, rhs_evals and root_evals since the last restart
 *    (jumps are counted by traj.c).
 */
#ifndef QSYNC_TRAJ_IMPL_H
#define QSYNC_TRAJ_IMPL_H

#include "qsync/traj.h"

#include <sundials/sundials_context.h>
#include <sundials/sundials_nonlinearsolver.h>
#include <sundials/sundials_nvector.h>

typedef struct {
  const char *name;
  qs_status (*create)(qs_traj *tr);
  void (*destroy)(qs_traj *tr);
  qs_status (*restart)(qs_traj *tr, double h_init);
  qs_status (*advance)(qs_traj *tr, double t_out, double *t_ret, int *root);
  double (*last_step)(const qs_traj *tr);
  void (*counters)(const qs_traj *tr, qs_traj_stats *since_restart);
} qs_traj_backend;

extern const qs_traj_backend qs_traj_adams;
extern const qs_traj_backend qs_traj_erk;
extern const qs_traj_backend qs_traj_exact;
extern const qs_traj_backend qs_traj_floquet;

struct qs_traj {
  const qs_model *model;
  qs_traj_options opt;
  qs_index dim;
  qs_op *H_eff;            /* H0 - (i/2) sum c^dag c */
  qs_op *minus_i_H_eff;    /* -i H_eff: the right-hand side in one product */
  const qs_traj_backend *integrator;
  void *backend;           /* the back-end's own state */
  double complex *psi;     /* dim entries, the unnormalized state (owned by the back-end) */
  int roots_on;            /* 1: advance stops at ||psi||^2 = r (jumps enabled and n_c > 0) */
  double complex *work;    /* dim entries, scratch for c_j psi */
  double *weight;          /* n_c entries: ||c_j psi||^2 at a jump */
  qs_rng rng;
  double r;                /* jump threshold for ||psi||^2 */
  double t;
  qs_traj_stats base;      /* counters of the back-end before its last restart */
  long jumps;
  double last_jump_time;   /* time and channel of the last jump (channel -1: none) */
  int last_jump_channel;
};

/* CVODE Adams (fixed-point iteration, root finding on ||psi||^2 = r,
 * downward crossings only) integrating tr->psi in place: the adams
 * back-end, and floquet's intervals cut by a jump or an output time. */
typedef struct {
  SUNContext ctx;
  void *cvode;
  N_Vector y;              /* 2*dim reals = dim complex: tr->psi */
  SUNNonlinearSolver nls;
} qs_traj_cvode;

/* Make c (zeroed by the caller) for tr with tr->opt's tolerances and
 * max_steps; points tr->psi at c->y's data, holding the model's psi0.
 * QS_ERR_CVODE on failure (free c with qs_traj_cvode_free even then). */
qs_status qs_traj_cvode_create(qs_traj *tr, qs_traj_cvode *c);
void qs_traj_cvode_free(qs_traj_cvode *c);
/* CVODE's steps, rhs and root evaluations since its last (re)init. */
void qs_traj_cvode_counters(const qs_traj_cvode *c, qs_traj_stats *s);

/* The SUNDIALS callbacks of every ODE back-end (user data: the qs_traj):
 * d psi/dt, and ||psi||^2 - r whose sign change is a jump. */
int qs_traj_sundials_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *data);
int qs_traj_sundials_jump(sunrealtype t, N_Vector y, sunrealtype *g, void *data);

/* d psi/dt = -i H_eff(t) psi at time t (for the ODE back-ends). */
void qs_traj_derivative(const qs_traj *tr, double t, const double complex *psi,
                        double complex *dpsi);

/* sum |psi_i|^2 over n entries. */
double qs_traj_norm2_of(const double complex *psi, qs_index n);

#endif
