/* qsync — the Lindblad master equation integrated in time, for models with
 * time-dependent Hamiltonians.
 *
 * qs_mesolve integrates
 *   d rho/dt = -i [H(t), rho] + sum_k D[c_k] rho,
 *   H(t) = H0 + sum_k f_k(t) H_k,   D[c] rho = c rho c^dag - {c^dag c, rho}/2,
 * (hbar = 1; time in the inverse of the model's frequency unit) from t = 0
 * with CVODE (Adams, non-stiff, fixed-point iteration, as the trajectories
 * of traj.h) on the 2 N^2 real components of vec(rho) (column stacking,
 * rho_ij = rho[i + j*N], see lindblad.h).  Unlike qs_lindblad_evolve_dense
 * it accepts time-dependent terms and never forms the Liouvillian: the
 * right-hand side applies the sparse operators to the dense rho,
 *   H_eff(t) = H0 + sum_k f_k(t) H_k - (i/2) sum_k c_k^dag c_k,
 *   M = -i H_eff(t) rho + (1/2) sum_k c_k (rho c_k^dag),
 *   d rho/dt = M + M^dag,
 * which equals the master equation when H(t) and rho are Hermitian
 * (c rho c^dag is then Hermitian, so (1/2)(c rho c^dag) + its adjoint is
 * c rho c^dag).  Every product is sparse times dense and is formed as
 * Hermitian rho allows, column by column from whole columns of rho:
 * M^dag = i rho H_eff(t)^dag + ... has column r = i sum_j conj(H_eff_rj)
 * rho[:, j] (contiguous, vectorized axpys), and c rho c^dag = c (rho
 * c^dag) takes one column of rho c^dag (same form) at a time and applies
 * c to it.  One evaluation costs O((nnz(H_eff(t)) + 2 sum_k nnz(c_k)) N)
 * plus one blocked N x N pass for M + M^dag; H0 - (i/2) sum c^dag c and
 * one sparsity pattern holding H_eff(t) for every t are built once per
 * integrator object (qs_me_create below; qs_mesolve makes one per call),
 * so a time-dependent term costs O(nnz(H_k)) per evaluation.  The result
 * of every evaluation is exactly Hermitian, and CVODE's operations
 * (element-wise linear combinations) keep rho exactly Hermitian; the
 * trace is a linear invariant, kept by the multistep method (and by the
 * fixed-point iteration) up to rounding.
 *
 * The model's contract: H0 and every f_k(t) H_k summed over k are
 * Hermitian at every t (e.g. pairs f H + conj(f) H^dag); the f_k are
 * called with the model's f_data from the calling thread, many times per
 * step, at times in [0, latest output time], not in increasing order.
 *
 * Reporting frame: a model with frame_rate (see model.h) is integrated in
 * its own frame and reported in another: at every output and sample time
 * rho_ij is multiplied by exp(i t (R_i - R_j)) (into a scratch copy, one
 * N^2 pass) before the observables, rho_final and the time average are
 * formed, so all of them are in the reporting frame.  The frames agree
 * at t = 0, so rho0 is the same in both.  Models without frame_rate pay
 * nothing.
 *
 * Output times are reached with CVode(CV_NORMAL) and CVODE's interpolant
 * (no restart, no step forced onto an output time); the integration stops
 * at the latest output or sample time (CVodeSetStopTime), so f_k is never
 * evaluated beyond it.
 *
 * Cost and memory: CVODE keeps about 20 vectors of 2 N^2 reals (16 N^2
 * bytes each: 0.64 MB at N = 200, 41 MB at N = 1600); the right-hand
 * side needs only O(nnz + N) more.  Adams steps are limited by the
 * largest rate in the Liouvillian (e.g. omega0 * ncav for a cavity in the
 * lab frame): such problems take many cheap steps (see max_order), and
 * CVODE's vector operations on the 2 N^2 reals cost about as much as the
 * right-hand side itself.
 *
 * Thread safety: reentrant; the model is only read (it may be shared by
 * threads if its f_k are reentrant).
 */
#ifndef QSYNC_MESOLVE_H
#define QSYNC_MESOLVE_H

#include <stddef.h>

#include "qsync/model.h"

/* Progress report: called on the calling thread after each output or
 * sample time t, with t_end the latest time the call integrates to. */
typedef void (*qs_mesolve_progress_fn)(double t, double t_end, void *data);

typedef struct {
  double rtol;   /* CVODE relative tolerance. Default 1e-8, range (0, 1e-1] */
  double atol;   /* CVODE absolute tolerance on each real component of rho.
                    Default 1e-10, range (0, 1e-1] */
  long max_steps; /* most CVODE steps between two consecutive output or
                    sample times (QS_ERR_CVODE beyond). Default 1000000,
                    range >= 1 */
  int max_order;  /* highest Adams order CVODE may use, 1..12. Default 12.
                    Where steps are limited by stability rather than
                    accuracy (large frequencies: big cavities, lab frames)
                    CVODE's order choice is poor and 3 was measured to
                    halve the cost (cavity + qubit, N = 200) */
  qs_mesolve_progress_fn progress; /* may be NULL. Default NULL */
  void *progress_data;             /* passed to progress. Default NULL */
} qs_mesolve_options;

/* Time average of rho(t) over [t_from, t_to] from n_samples equally
 * spaced samples at the midpoints
 *   t_i = t_from + (i + 1/2) (t_to - t_from) / n_samples,  i = 0..n-1,
 * i.e. the midpoint rule.  For a periodic steady state with period P and
 * t_to - t_from = K P (K whole periods) the rule is exact for every
 * Fourier component exp(i m 2 pi t / P) with m K not a multiple of
 * n_samples (the samples of such a harmonic sum to zero, as does its
 * exact average), in particular for all harmonics |m| < n_samples / K,
 * and for the constant part (m = 0): choose n_samples
 * above K times the highest harmonic present (n_samples = 16 K for a
 * state with harmonics up to 15 per period).  For a state that is not
 * periodic the error is the midpoint rule's, O((t_to - t_from)^2 /
 * n_samples^2) times the second derivative. */
typedef struct {
  double t_from;  /* start of the interval, >= 0 */
  double t_to;    /* end of the interval, > t_from */
  int n_samples;  /* number of samples, >= 1 */
} qs_time_average;

/* Work counters of one qs_mesolve call or of a qs_me object. */
typedef struct {
  long steps;         /* CVODE internal steps */
  long rhs_evals;     /* right-hand-side evaluations */
  long nonlin_iters;  /* fixed-point iterations */
  long nonlin_fails;  /* fixed-point convergence failures (step retried) */
  long err_fails;     /* local error test failures (step retried) */
} qs_mesolve_stats;

/* Defaults documented in qs_mesolve_options. */
qs_mesolve_options qs_mesolve_default_options(void);

/* ---- the integrator object ------------------------------------------------
 *
 * The master equation as an integrator with the trajectory's life cycle
 * (traj.h): qs_me_create (CVODE memory, vectors, the sparsity pattern of
 * H_eff(t): made once) -> qs_me_start (from a rho, CVodeReInit) ->
 * qs_me_evolve_to ... -> qs_me_get_rho / qs_me_get_observables ->
 * qs_me_get_stats -> qs_me_destroy.  Start again from another rho as
 * often as needed: each start re-initializes CVODE from the given state
 * (CVodeReInit), so a run after a start has the same bits as the first
 * run of a new object.  qs_mesolve is one start and a walk over its
 * output and sample times; the periodic steady state (periodic.h)
 * starts one object once per application of the one-period propagator.
 *
 * Intermediate outputs do not change the integration: output times are
 * reached with CVode(CV_NORMAL) and CVODE's interpolant, without
 * restarting or forcing a step onto them, so t1 -> t2 -> t3 gives the same
 * bits as t1 -> t3.  Only the first target after a start matters: CVODE
 * sizes its first step from the distance to it.
 *
 * A qs_me is used by one thread at a time; the model is kept by pointer
 * (it must outlive the object) and only read. */
typedef struct qs_me qs_me;

/* Make an integrator for `model` with options opt (NULL: defaults; the
 * progress fields are not used).  Returns QS_OK; QS_ERR_INVALID (NULL
 * model or out, a model with a missing or mis-sized operator, bad
 * options); QS_ERR_TOO_LARGE (N above 2^20); QS_ERR_NOMEM; QS_ERR_CVODE
 * (CVODE could not be set up).  msg (msglen bytes, may be NULL) names the
 * problem.  On failure *out is NULL. */
qs_status qs_me_create(const qs_model *model, const qs_mesolve_options *opt, qs_me **out,
                       char *msg, size_t msglen);

/* Free; accepts NULL and NULLs *me. */
void qs_me_destroy(qs_me **me);

/* Start (or restart) at time t0 from rho0 (N*N column-major, Hermitian to
 * 1e-12 of its largest element, made exactly Hermitian; NULL: the
 * model's |psi0><psi0|), integrating never beyond t_stop (CVODE's stop
 * time: f_k(t) is not evaluated past it).  t0 and t_stop are model times
 * (the f_k are functions of absolute time), finite, t0 <= t_stop.  The
 * work counters keep adding up over starts.  Returns QS_OK;
 * QS_ERR_INVALID (bad times, rho0 not finite or not Hermitian, NULL rho0
 * without psi0); QS_ERR_CVODE. */
qs_status qs_me_start(qs_me *me, const double complex *rho0, double t0, double t_stop,
                      char *msg, size_t msglen);

/* Integrate to t in [current time, t_stop] (t = current time: nothing to
 * do) and check that rho(t) is finite.  Returns QS_OK; QS_ERR_INVALID (not
 * started, or t outside that range); QS_ERR_CVODE (more than max_steps
 * steps, or repeated error-test / convergence failures: the problem may
 * be too stiff for Adams); QS_ERR_NUMERIC (a non-finite f_k(t) or rho).
 * After a failure the object must be started again. */
qs_status qs_me_evolve_to(qs_me *me, double t, char *msg, size_t msglen);

/* Current time. */
double qs_me_time(const qs_me *me);

/* rho at the current time (N*N), in the model's reporting frame (see
 * frame_rate in model.h; without it, the integration frame). */
void qs_me_get_rho(const qs_me *me, double complex *rho);

/* Tr(rho O_k) for the model's n_obs observables, rho as qs_me_get_rho
 * reports it (a model with frame_rate uses the object's scratch: hence
 * not const). */
void qs_me_get_observables(qs_me *me, double complex *obs);

/* Work counters summed over every start since qs_me_create. */
void qs_me_get_stats(const qs_me *me, qs_mesolve_stats *stats);

/* ---- the one-shot solve ------------------------------------------------ */

/* Integrate the master equation of `model` from rho(0) = rho0 and report
 * observables at output times, the final state and a time average.
 *
 *   model     the model (N = model->space.total); with n_td > 0 the
 *             arrays H_td and f_td must hold n_td entries.
 *   rho0      N*N column-major initial density matrix, Hermitian (to
 *             1e-12 times its largest element; it is made exactly
 *             Hermitian as (rho0 + rho0^dag)/2), finite; its trace is
 *             kept (normally 1).  NULL: |psi0><psi0| with the model's
 *             psi0.
 *   n_times   number of output times, >= 1.
 *   times     n_times output times, strictly increasing, times[0] >= 0
 *             (t = 0 is the initial time: an output at 0 is rho0).
 *   avg       time average to accumulate, or NULL; its samples may lie
 *             before, between or after the output times.
 *   opt       options, NULL for the defaults.
 *   obs_t     n_times * n_obs entries or NULL: obs_t[t * n_obs + k] =
 *             Tr(rho(times[t]) O_k) for the model's observables O_k.
 *   rho_final N*N entries or NULL: rho(times[n_times - 1]).
 *   rho_avg   N*N entries or NULL: the average over avg's samples of
 *             rho(t_i) (ignored when avg is NULL).
 *   obs_avg   n_obs entries or NULL: Tr(rho_avg O_k) (ignored when avg
 *             is NULL).
 *   stats     work counters, or NULL.
 *   msg       if not NULL (msglen bytes), a message on failure naming the
 *             bad value or CVODE's complaint.
 *
 * Every output and sample rho is checked to be finite.  Returns QS_OK;
 * QS_ERR_INVALID (NULL model or times, n_times < 1, times not strictly
 * increasing from >= 0 or not finite, rho0 not Hermitian or not finite,
 * bad options or average interval); QS_ERR_NOMEM; QS_ERR_CVODE (CVODE
 * could not be set up, more than max_steps steps between two outputs, or
 * repeated error-test / convergence failures — the problem may be too
 * stiff for Adams); QS_ERR_NUMERIC (a non-finite f_k(t) or a non-finite
 * rho at an output or sample time).  On failure the outputs hold
 * whatever was computed before the failure (obs_t rows up to it). */
qs_status qs_mesolve(const qs_model *model, const double complex *rho0,
                     int n_times, const double *times,
                     const qs_time_average *avg, const qs_mesolve_options *opt,
                     double complex *obs_t, double complex *rho_final,
                     double complex *rho_avg, double complex *obs_avg,
                     qs_mesolve_stats *stats, char *msg, size_t msglen);

#endif
