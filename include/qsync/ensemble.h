/* qsync — ensembles of trajectories and their accumulators.
 *
 * qs_ensemble_run integrates trajectories 0..ntraj-1 of a model (OpenMP
 * threads) and accumulates, for every output time, the sums of each
 * observable <O> = <psi|O|psi>/<psi|psi> and of its square (real and
 * imaginary parts separately), optionally the density-matrix sums
 * sum |psi><psi|/<psi|psi>, and per-trajectory time averages over the
 * output times t >= burn_in (a steady-state estimate whose trajectories
 * are independent, so its standard error is honest).
 *
 * States are reported in the model's reporting frame: with frame_rate
 * set (model.h), psi_i *= exp(i t R_i) at each output time before the
 * observables and |psi><psi| are accumulated.
 *
 * Reproducibility: trajectory i draws from PCG64 stream i of the seed, and
 * sums are formed per block of QS_ENSEMBLE_BLOCK consecutive trajectories
 * in trajectory order, then the block sums are added in block order.  The
 * bits therefore do not depend on the number of threads; ranks that own
 * whole blocks can merge their block sums in block order (qs_ensemble_merge)
 * and get the same bits as one process.
 *
 * Thread safety: qs_ensemble_run uses its own threads; a result is owned
 * by its caller.
 */
#ifndef QSYNC_ENSEMBLE_H
#define QSYNC_ENSEMBLE_H

#include "qsync/farm.h"
#include "qsync/traj.h"

#define QS_ENSEMBLE_BLOCK 64

/* Jackknife groups of the time-averaged density matrix: block b (of
 * QS_ENSEMBLE_BLOCK trajectories, b counted from trajectory 0) belongs to
 * group b mod QS_ENSEMBLE_GROUPS, so groups are fixed by trajectory index
 * alone (thread- and rank-independent) and are of nearly equal size. */
#define QS_ENSEMBLE_GROUPS 64

/* Largest Hilbert-space dimension for which density matrices are kept. */
#define QS_ENSEMBLE_MAX_RHO_DIM 256

typedef struct {
  long ntraj;             /* number of trajectories, >= 1. Default 1000 */
  long first_index;       /* trajectories first_index .. first_index+ntraj-1
                             (a rank's share; a multiple of QS_ENSEMBLE_BLOCK
                             keeps merged sums bitwise equal). Default 0 */
  uint64_t seed;          /* run seed. Default 1 */
  int threads;            /* OpenMP threads, >= 1 (0: OpenMP's default). Default 1 */
  int n_times;            /* output times, >= 1 */
  const double *times;    /* strictly increasing, times[0] >= 0; all
                             trajectories start at t = 0 from model->psi0 */
  int store_rho;          /* 1: accumulate rho(t) and the time-averaged rho
                             (needs dim <= QS_ENSEMBLE_MAX_RHO_DIM). Default 0 */
  double burn_in;         /* time averages use output times >= burn_in
                             (same unit as times). Default 0 */
  qs_progress_fn progress;/* called on the calling thread after each block, may be NULL */
  void *progress_data;
} qs_ensemble_options;

typedef struct {
  long ntraj;             /* trajectories accumulated */
  uint64_t seed;
  int n_times, n_obs, n_avg;   /* n_avg: output times in the time average */
  qs_index dim;
  double *times;               /* n_times */
  double complex *obs_sum;     /* [t * n_obs + k] */
  double *obs_sq_re, *obs_sq_im;
  double complex *avg_sum;     /* [k]: sums over trajectories of time averages */
  double *avg_sq_re, *avg_sq_im;
  double complex *rho_sum;     /* [t * dim*dim + i + j*dim], NULL unless store_rho */
  double complex *rho_avg_sum; /* [i + j*dim], NULL unless store_rho */
  double complex *rho_avg_group; /* [g * dim*dim + i + j*dim]: rho_avg_sum split
                                    into QS_ENSEMBLE_GROUPS groups (store_rho) */
  long group_ntraj[QS_ENSEMBLE_GROUPS];
  qs_traj_stats work;          /* summed over trajectories */
} qs_ensemble_result;

qs_ensemble_options qs_ensemble_default_options(void);

/* Run the ensemble.  *out is a new result (free with
 * qs_ensemble_result_destroy).  QS_ERR_INVALID for bad options (message in
 * msg if not NULL), trajectory errors are passed on, QS_ERR_NUMERIC if a
 * sum is not finite. */
qs_status qs_ensemble_run(const qs_model *model, const qs_traj_options *traj_opt,
                          const qs_ensemble_options *opt,
                          qs_ensemble_result **out, char *msg, size_t msglen);

void qs_ensemble_result_destroy(qs_ensemble_result **res);

/* Add the sums of `other` (same shape) to `into`: how results of ranks or
 * checkpoints are combined. */
qs_status qs_ensemble_merge(qs_ensemble_result *into,
                            const qs_ensemble_result *other);

/* Mean sum/n, and standard error of the mean of n samples with sum S and
 * sum of squares Q, real and imaginary parts separately:
 * se = sqrt((Q - S^2/n) / (n - 1) / n).  NAN for n < 2. */
double complex qs_mean_of(double complex sum, long n);

/* Delete-a-group jackknife of a nonlinear function f of the time-averaged
 * density matrix (e.g. the synchronization measure Omega): with G
 * non-empty groups, theta_g = f(rho without group g), theta = f(rho),
 *   bias-corrected estimate  G theta - (G - 1) mean(theta_g),
 *   standard error           sqrt((G - 1)/G sum (theta_g - mean)^2).
 * The jackknife (not the bootstrap) because it needs only the G group sums
 * and is deterministic.  QS_ERR_INVALID without stored rho or with fewer
 * than 2 non-empty groups; errors of f are passed on. */
typedef qs_status (*qs_rho_function)(const double complex *rho, double *value,
                                     void *data);
qs_status qs_ensemble_jackknife(const qs_ensemble_result *res, qs_rho_function f,
                                void *data, double *plain, double *corrected,
                                double *se);
double complex qs_stderr_of(double complex sum, double sq_re, double sq_im, long n);

#endif
