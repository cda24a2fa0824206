/* qsync — one Monte Carlo wavefunction (quantum-jump) trajectory.
 *
 * The unnormalized state obeys d psi/dt = -i H_eff(t) psi with
 * H_eff = H(t) - (i/2) sum_j c_j^dag c_j, integrated by CVODE (Adams,
 * fixed-point iteration) on the 2N real components.  A jump happens when
 * ||psi||^2 falls to a uniform random number r; CVODE's root finder
 * locates that time (no fixed steps).  The channel j is drawn with
 * probability proportional to ||c_j psi||^2, psi -> c_j psi / ||c_j psi||,
 * a new r is drawn and CVODE restarts (CVodeReInit) at the jump time.
 * Output values between CVODE's internal steps come from CVODE's
 * interpolant, so output times cost no restart.
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

#include <stdint.h>

#include "qsync/model.h"
#include "qsync/rng.h"

typedef struct {
  double rtol;        /* CVODE relative tolerance. Default 1e-6, range (0, 1e-1] */
  double atol;        /* CVODE absolute tolerance on each real component.
                         Default 1e-8, range (0, 1e-1] */
  long max_steps;     /* most CVODE steps between two outputs. Default 100000 */
  double restart_step; /* initial CVODE step after a jump, as a fraction of
                         the last step before it; 0 lets CVODE estimate it
                         (see docs/benchmarks.md, "Trajectory restart cost"). Default 0, range [0, 1] */
} qs_traj_options;

/* Work counters of one trajectory (since qs_traj_start). */
typedef struct {
  long steps;        /* CVODE internal steps */
  long rhs_evals;    /* right-hand-side evaluations */
  long root_evals;   /* evaluations of the jump condition ||psi||^2 - r */
  long jumps;        /* quantum jumps (each one a CVODE restart) */
} qs_traj_stats;

typedef struct qs_traj qs_traj;

/* Defaults documented in qs_traj_options. */
qs_traj_options qs_traj_default_options(void);

/* Make a trajectory integrator for `model` (kept by pointer: it must
 * outlive the trajectory).  opt may be NULL for the defaults.  Allocates
 * CVODE memory and all work arrays once.  QS_ERR_INVALID for bad options,
 * QS_ERR_CVODE if CVODE cannot be set up. */
qs_status qs_traj_create(const qs_model *model, const qs_traj_options *opt,
                         qs_traj **out);

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
