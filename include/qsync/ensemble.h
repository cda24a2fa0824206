/* qsync — ensembles of trajectories and their accumulators.
 *
 * qs_ensemble_run integrates trajectories 0..ntraj-1 of a model (the task
 * farm, farm.h) and feeds each one to a set of accumulators (accum.h):
 * for every output time the sums of each observable
 * <O> = <psi|O|psi>/<psi|psi> and of its square (real and imaginary parts
 * separately), optionally the density-matrix sums sum |psi><psi|/<psi|psi>,
 * per-trajectory time averages over the output times t >= burn_in (a
 * steady-state estimate whose trajectories are independent, so its
 * standard error is honest), the jump counts per channel, optionally every
 * jump, and any accumulator the caller adds.  This file keeps only the
 * scheduling, the fixed-order reduction and progress.
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
 * and get the same bits as one process: a part that keeps its block sums
 * (keep_blocks) is merged block by block, which reproduces the one-process
 * order exactly; without them two totals are added, exact only when the
 * added part is a single block.
 *
 * Thread safety: qs_ensemble_run uses its own threads; a result is owned
 * by its caller.
 */
#ifndef QSYNC_ENSEMBLE_H
#define QSYNC_ENSEMBLE_H

#include "qsync/accum.h"
#include "qsync/farm.h"
#include "qsync/traj.h"

/* Most accumulator types in one run (9 built-in ones included). */
#define QS_ENSEMBLE_MAX_ACCUMS 32

/* Default largest Hilbert-space dimension for which the CLI keeps density
 * matrices ([run] max_rho_dim); the library itself has no such limit, the
 * memory estimate (resources.h) guards it. */
#define QS_ENSEMBLE_MAX_RHO_DIM 256

/* Why qs_ensemble_run stopped (qs_ensemble_result.stop_reason). */
typedef enum {
  QS_STOP_NTRAJ = 0,     /* all ntraj trajectories were run */
  QS_STOP_TARGET = 1,    /* target_stderr reached at a block boundary */
  QS_STOP_REQUESTED = 2  /* stop_requested said so (e.g. a wall-time limit) */
} qs_stop_reason;

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
  int store_rho;          /* 1: accumulate rho(t) and the time-averaged rho.
                             Default 0 */
  int rho_stderr;         /* 1 (with store_rho): also the sums of Re^2 and Im^2
                             of every element (accumulator "rho_squares"),
                             for element-wise standard errors; doubles the
                             memory of the rho sums. Default 0 */
  double burn_in;         /* time averages use output times >= burn_in
                             (same unit as times). Default 0 */
  int record_jumps;       /* 1: keep every jump as (trajectory, time, channel)
                             (accumulator "jump_records"). Default 0 */
  int keep_blocks;        /* 1: keep each block's sums, so that merging this
                             result into another is bitwise equal to one run
                             (memory: one copy of the sums per block). Default 0 */
  const qs_accum_type *const *accums; /* n_accums further accumulators (accum.h),
                             run after the built-in ones. Default NULL, 0 */
  int n_accums;
  qs_progress_fn progress;/* called on the calling thread after each block, may be NULL */
  void *progress_data;
  /* Stop at a target error (ntraj is then the maximum): after each block,
   * on the merged totals in block order, the run stops when every
   * targeted standard error of the time averages (real and imaginary
   * parts, qs_ensemble_target_stderr) is below target_stderr.  The
   * decision depends only on the trajectories, so the number of
   * trajectories and every bit are the same for any thread count. */
  double target_stderr;   /* > 0: the target; 0: off. Default 0 */
  const unsigned char *target_obs; /* n_obs flags of the targeted observables;
                             NULL: all. Default NULL */
  /* Called on the calling thread after each block (after the target
   * test); nonzero stops the run there with QS_STOP_REQUESTED.  May be
   * NULL.  Not reproducible by nature (a wall-time limit). */
  int (*stop_requested)(void *data);
  void *stop_data;
  /* Checkpoints (checkpoint.h).  resume: the totals of the first
   * resume->ntraj trajectories of this same run (a whole number of blocks;
   * same shape, accumulators, seed and first_index), read back from a
   * checkpoint: the run copies them bit for bit and goes on from the next
   * block, so the final sums equal an uninterrupted run's.  keep_blocks
   * cannot be resumed.  Default NULL */
  const struct qs_ensemble_result *resume;
  /* Called on the calling thread (of rank 0) after every block but the
   * last with the totals so far: QS_OK goes on, QS_STOPPED ends the run
   * at this block boundary (qs_ensemble_run then returns QS_STOPPED and
   * the partial result), an error ends it with that error.  Default NULL */
  qs_status (*checkpoint)(const struct qs_ensemble_result *res, void *data);
  void *checkpoint_data;
  /* 1: spread the blocks over the MPI ranks of a distributed run (dist.h):
   * every rank calls qs_ensemble_run with the same options; block b runs
   * on rank b mod R, rank 0 adds the blocks in block order (the same bits
   * as one process) and gets the result, progress and checkpoint calls;
   * the other ranks get a result without sums.  Every rank returns rank
   * 0's status.  Without MPI or with one rank: ignored.  Default 0 */
  int distribute;
} qs_ensemble_options;

/* The sums of an ensemble.  The accumulators own every sum; the fields
 * from ntraj to work are views of the built-in ones (refreshed by run,
 * merge and read), kept for the callers that read them directly. */
typedef struct qs_ensemble_result {
  long ntraj;             /* trajectories accumulated */
  uint64_t seed;
  long first_index;       /* first trajectory (qs_ensemble_options) */
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
  long *jump_count;            /* [j]: jumps through collapse operator j */
  int n_channels;              /* collapse operators of the model */
  qs_accum_shape shape;        /* of the totals (shape.times = times) */
  int n_accums;
  qs_accum *accums;            /* the totals, built-in types first */
  qs_stop_reason stop_reason;  /* why qs_ensemble_run stopped */
  long n_blocks;               /* kept block sums (keep_blocks), else 0 */
  qs_accum *blocks;            /* [b * n_accums + a] (QS_ACCUM_BLOCK instances) */
} qs_ensemble_result;

qs_ensemble_options qs_ensemble_default_options(void);

/* Run the ensemble.  *out is a new result (free with
 * qs_ensemble_result_destroy).  QS_ERR_INVALID for bad options or a resume
 * that does not fit (message in msg if not NULL), trajectory errors are
 * passed on (in a distributed run with "rank R: " before the message of
 * the rank where they happened), QS_ERR_NUMERIC if a sum is not finite,
 * QS_ERR_IO when MPI fails; QS_STOPPED (with the partial result) when the
 * checkpoint hook stopped the run. */
qs_status qs_ensemble_run(const qs_model *model, const qs_traj_options *traj_opt,
                          const qs_ensemble_options *opt,
                          qs_ensemble_result **out, char *msg, size_t msglen);

void qs_ensemble_result_destroy(qs_ensemble_result **res);

/* Add the sums of `other` (same shape and accumulators, in the same
 * order) to `into`: how results of ranks or checkpoints are combined.
 * When `other` kept its block sums they are added one by one, and also
 * appended to into's kept blocks if into keeps blocks; when other's
 * trajectories directly follow into's, the merged sums are then bitwise
 * those of one run over both.  QS_ERR_DIMENSION for a different shape or
 * accumulator list, QS_ERR_NOMEM. */
qs_status qs_ensemble_merge(qs_ensemble_result *into,
                            const qs_ensemble_result *other);

/* The state of accumulator `name` in res (layouts of the built-in ones in
 * accum.h), or NULL when res has no such accumulator. */
const void *qs_ensemble_accum(const qs_ensemble_result *res, const char *name);

/* Write res's times and raw sums to a new HDF5 file `path` (replaced if
 * it exists) in the layout of run.h5 (/times, /trajectory/raw; see
 * output.h), e.g. a checkpoint or one rank's share.  QS_ERR_HDF5 with a
 * message naming the file, or an accumulator's error. */
qs_status qs_ensemble_write(const char *path, const qs_ensemble_result *res, char *msg,
                            size_t msglen);

/* Read back the raw sums that qs_output_write or qs_ensemble_write stored
 * (group /trajectory/raw: every accumulator's total and, if kept, block
 * sums).  Accumulators other than the built-in ones are found in
 * extra[0..n_extra-1] by name.  *out is a new result (free with
 * qs_ensemble_result_destroy) equal bit for bit to the one written.
 * QS_ERR_HDF5 (no such file or group; message in msg), QS_ERR_INVALID for
 * an accumulator of unknown name, QS_ERR_DIMENSION, QS_ERR_NOMEM. */
qs_status qs_ensemble_read(const char *path, const qs_accum_type *const *extra, int n_extra,
                           qs_ensemble_result **out, char *msg, size_t msglen);

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

/* The same jackknife for a nonlinear function f of the means of the
 * time-averaged observables (obs_mean: n_obs values, e.g. a model's
 * derived quantities, model.h), over the groups of the accumulator
 * "time_average_groups".  QS_ERR_INVALID without it or with fewer than 2
 * non-empty groups; errors of f are passed on. */
typedef qs_status (*qs_obs_function)(const double complex *obs_mean, double *value,
                                     void *data);
qs_status qs_ensemble_jackknife_obs(const qs_ensemble_result *res, qs_obs_function f,
                                    void *data, double *plain, double *corrected,
                                    double *se);

/* Jackknife groups that the jackknife uses: non-empty and not all of res. */
int qs_ensemble_groups_used(const qs_ensemble_result *res);

/* Element-wise standard errors of the stored rho(t) ([t * dim*dim + i +
 * j*dim], real and imaginary parts as qs_stderr_of) into se_t (n_times
 * dim^2 values) and of the time-averaged rho into se_avg (dim^2); either
 * may be NULL.  QS_ERR_INVALID unless the run had store_rho and
 * rho_stderr. */
qs_status qs_ensemble_rho_stderr(const qs_ensemble_result *res, double complex *se_t,
                                 double complex *se_avg);

/* The largest standard error of the time averages (real or imaginary
 * part) over the observables flagged in target_obs (NULL: all): what
 * target_stderr is compared with.  NAN with fewer than 2 trajectories. */
double qs_ensemble_target_stderr(const qs_ensemble_result *res,
                                 const unsigned char *target_obs);

/* "ntraj", "target_stderr", "max_wall" (QS_STOP_REQUESTED: the CLI's only
 * use of it), "unknown". */
const char *qs_stop_reason_name(qs_stop_reason reason);

#endif
