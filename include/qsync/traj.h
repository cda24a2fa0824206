/* qsync — one Monte Carlo wavefunction (quantum-jump) trajectory.
 *
 * The unnormalized state obeys d psi/dt = -i H_eff(t) psi with
 * H_eff = H(t) - (i/2) sum_j c_j^dag c_j.  A jump happens when ||psi||^2
 * falls to a uniform random number r; the integrator locates that time
 * by root finding (no fixed steps).  The channel j is drawn with
 * probability proportional to ||c_j psi||^2, psi -> c_j psi / ||c_j psi||,
 * a new r is drawn and the integrator restarts at the jump time.
 *
 * Integrators (qs_traj_options.integrator; docs/benchmarks.md measures
 * them):
 *  - QS_INTEGRATOR_ADAMS: CVODE, Adams with fixed-point iteration, on the
 *    2N real components.  Output values between CVODE's internal steps
 *    come from its interpolant, so output times cost no restart; a jump
 *    restarts the multistep method at order 1 (CVodeReInit).
 *  - QS_INTEGRATOR_ERK: ARKODE's explicit Runge-Kutta (ERKStep), a one-step
 *    method with dense output and root finding: a jump costs no restart.
 *  - QS_INTEGRATOR_EXACT: models without time dependence only; psi(t) =
 *    V exp(-i Lambda (t - t0)) V^{-1} psi(t0) from the eigendecomposition
 *    H_eff = V Lambda V^{-1} (LAPACK zgeev) computed once per
 *    qs_traj_create, t0 the last start or jump; jump times by safeguarded
 *    Newton on ln ||psi(t)||^2 (no step error; the root to
 *    |ln ||psi||^2 - ln r| <= 1e-3 rtol; atol unused).  Every state costs
 *    a dense O(d^2) product and create an O(d^3) decomposition: measured
 *    5x faster than adams below dimension 40, 1.5x at 320 (crossover
 *    ~500; docs/methods.md, "Trajectory integrators").
 *    Refused at create (QS_ERR_NUMERIC) when the eigenvectors are too
 *    ill-conditioned for that accuracy: qs_traj_exact_check.
 *  - QS_INTEGRATOR_FLOQUET: models whose H(t) has a period (model->period
 *    > 0; or no time dependence): the no-jump propagators over the M
 *    intervals of a grid of each period, computed once per qs_traj_create
 *    (dense, dim^2 per interval, by Adams at 1000x tighter tolerances), move
 *    psi over whole intervals by one product each; intervals cut by a jump
 *    (located on ||psi||^2, which only decreases) or by an output time off
 *    the grid are integrated by CVODE Adams with the run's tolerances.  For
 *    fast periodic terms (transmon, 200 MHz in the pumps' frame) it takes
 *    one grid step where Adams takes ~130 (docs/benchmarks.md, "Transmon
 *    step size").
 * All of them draw the same random numbers in the same order; their
 * trajectories differ only by the integration error.
 *
 * Randomness: trajectory `index` of a run with `seed` draws from PCG64
 * stream `index` of that seed (qs_rng_seed(seed, index)), so any
 * trajectory can be replayed alone and ensembles do not depend on how
 * trajectories are spread over threads or ranks.
 *
 * Life cycle (as CVODE): qs_traj_create -> qs_traj_start -> qs_traj_step /
 * qs_traj_evolve_to ... -> qs_traj_get_stats -> qs_traj_destroy.
 * A qs_traj is used by one thread at a time; the model may be shared.
 */
#ifndef QSYNC_TRAJ_H
#define QSYNC_TRAJ_H

#include <stddef.h>
#include <stdint.h>

#include "qsync/model.h"
#include "qsync/rng.h"

typedef enum {
  QS_INTEGRATOR_ADAMS = 0,
  QS_INTEGRATOR_ERK = 1,
  QS_INTEGRATOR_EXACT = 2,
  QS_INTEGRATOR_FLOQUET = 3,
  QS_INTEGRATOR_AUTO = 4   /* one of the above by qs_traj_choose_integrator */
} qs_integrator;

typedef struct {
  qs_integrator integrator; /* see above. Default QS_INTEGRATOR_ADAMS */
  double rtol;        /* CVODE relative tolerance. Default 1e-6, range (0, 1e-1] */
  double atol;        /* CVODE absolute tolerance on each real component.
                         Default 1e-8, range (0, 1e-1] */
  long max_steps;     /* most CVODE steps between two outputs. Default 100000 */
  double restart_step; /* initial step after a jump, as a fraction of the
                         last step before it; 0: adams lets CVODE estimate
                         it, erk keeps the step its controller chose (see
                         docs/benchmarks.md, "Trajectory restart cost").
                         Default 0, range [0, 1] */
} qs_traj_options;

/* Work counters of one trajectory (since qs_traj_start). */
typedef struct {
  long steps;        /* internal steps (exact: states formed, one per
                        output time reached and one per root-finding
                        iterate) */
  long rhs_evals;    /* right-hand-side evaluations (exact: 0) */
  long root_evals;   /* evaluations of the jump condition ||psi||^2 - r
                        (exact: root-finding iterates only; the check at
                        an output time is free) */
  long jumps;        /* quantum jumps (each one a CVODE restart) */
} qs_traj_stats;

typedef struct qs_traj qs_traj;

/* Defaults documented in qs_traj_options. */
qs_traj_options qs_traj_default_options(void);

/* Name of an integrator ("adams", "erk", "exact", "floquet", "auto"); "?"
 * if out of range. */
const char *qs_integrator_name(qs_integrator integrator);

/* The integrator QS_INTEGRATOR_AUTO stands for, from the measurements in
 * docs/benchmarks.md ("Which integrator"): for a Hamiltonian without time
 * dependence, exact up to dimension QS_AUTO_EXACT_MAX_DIM when its
 * eigenvectors pass qs_traj_exact_check at opt's rtol (2-6x adams), else
 * erk (1.3-2x adams: no restart at jumps); for a periodic H(t) whose
 * static part turns the state by more than QS_AUTO_FLOQUET_MIN_PHASE
 * radians per period (||H_eff||_inf * period: Adams then needs many steps
 * per period, floquet one product per grid interval; transmon: ~120,
 * 50x), floquet; else erk.  Any other `opt->integrator` is returned as
 * is.  opt NULL: the defaults.  One line saying why goes to why[0..n-1]
 * (if why is not NULL). */
#define QS_AUTO_EXACT_MAX_DIM 160
#define QS_AUTO_FLOQUET_MIN_PHASE 30.0
qs_integrator qs_traj_choose_integrator(const qs_model *model, const qs_traj_options *opt,
                                        char *why, size_t n);

/* 1 when `integrator` can integrate `model`, else 0 with a one-line reason
 * in why[0..n-1] (if why is not NULL): the exact propagator needs a
 * Hamiltonian without time dependence. */
int qs_traj_integrator_supported(qs_integrator integrator, const qs_model *model,
                                 char *why, size_t n);

/* Make a trajectory integrator for `model` (kept by pointer: it must
 * outlive the trajectory).  opt may be NULL for the defaults.  Allocates
 * the integrator's memory and all work arrays once.  QS_ERR_INVALID for
 * bad options (also QS_INTEGRATOR_EXACT with a time-dependent model:
 * qs_traj_integrator_supported), QS_ERR_CVODE if SUNDIALS cannot be set
 * up, QS_ERR_LAPACK if the eigendecomposition fails, QS_ERR_NUMERIC if it
 * is unreliable (qs_traj_exact_check), QS_ERR_TOO_LARGE for exact beyond
 * dimension 32768; QS_ERR_INVALID for QS_INTEGRATOR_FLOQUET with a
 * time-dependent model without period. */
qs_status qs_traj_create(const qs_model *model, const qs_traj_options *opt,
                         qs_traj **out);

/* The check QS_INTEGRATOR_EXACT makes at create, for a message before a
 * run: the 1-norm condition number of H_eff's eigenvector matrix V
 * (*cond), the relative reconstruction residual
 * ||H_eff - V Lambda V^{-1}||_F / ||H_eff||_F (*residual) and the
 * relative error allowed at opt->rtol (*allowed = max(1e-3 rtol, 1e-12):
 * far below the requested accuracy, but not below what any double
 * precision integrator reaches); any pointer may be NULL, NAN when not
 * computed, *cond = INFINITY for exactly dependent eigenvectors.  QS_OK
 * when cond * DBL_EPSILON <= allowed and residual <= allowed;
 * QS_ERR_NUMERIC when not (H_eff defective or nearly so: an exceptional
 * point, a long damped and driven boson ladder); QS_ERR_INVALID for a
 * time-dependent model or a bad rtol (opt NULL: the defaults);
 * QS_ERR_LAPACK, QS_ERR_NOMEM, QS_ERR_TOO_LARGE as create.  O(d^3) time,
 * 5 d^2 complex numbers of memory while it runs. */
qs_status qs_traj_exact_check(const qs_model *model, const qs_traj_options *opt,
                              double *cond, double *residual, double *allowed);

/* Free; accepts NULL and NULLs *traj. */
void qs_traj_destroy(qs_traj **traj);

/* Start (or restart) at time t0 from psi0 (NULL: the model's initial
 * state; normalized internally) with the random stream (seed, index). */
qs_status qs_traj_start(qs_traj *traj, const double complex *psi0, double t0,
                        uint64_t seed, uint64_t index);

/* Integrate towards t_out >= current time.  Returns QS_OK with
 * *t_reached = t_out, or QS_JUMPED with *t_reached < t_out the time of a
 * jump (the state is then the post-jump state; qs_traj_last_jump gives
 * the jump's time and channel).  QS_ERR_CVODE on integration failure. */
qs_status qs_traj_step(qs_traj *traj, double t_out, double *t_reached);

/* Integrate to t_out through any number of jumps. */
qs_status qs_traj_evolve_to(qs_traj *traj, double t_out);

/* The last jump since qs_traj_start: its time (*t, the model's time
 * unit) and the index of the collapse operator that fired (*channel,
 * 0..model->n_c-1).  Before the first jump *channel = -1 and *t = NAN.
 * Either pointer may be NULL. */
void qs_traj_last_jump(const qs_traj *traj, double *t, int *channel);

/* Current time. */
double qs_traj_time(const qs_traj *traj);

/* Normalized current state (model->space.total entries), in the frame
 * the model is integrated in.  For a model with frame_rate the ensembles
 * (ensemble.h) report psi_i exp(i t R_i) instead (qs_model_frame_state)
 * before forming observables and density matrices; a caller of this
 * function applies it itself. */
void qs_traj_state(const qs_traj *traj, double complex *psi);

/* ||psi||^2 of the unnormalized state: 1 after a start or a jump, then
 * decaying (it stays 1 without collapse operators). */
double qs_traj_norm2(const qs_traj *traj);

/* Work counters since the last qs_traj_start. */
void qs_traj_get_stats(const qs_traj *traj, qs_traj_stats *stats);

/* Disable jumps (pure non-Hermitian evolution without collapse, used to
 * check the integrator against exact propagation): 1 disables, 0 enables. */
void qs_traj_set_jumps_enabled(qs_traj *traj, int enabled);

#endif
