/* qsync — accumulators: what an ensemble records per trajectory.
 *
 * An accumulator type is an ops table (as SUNDIALS' N_Vector ops or GSL's
 * type tables): the ensemble (ensemble.h) calls, for every trajectory,
 *   reset -> (sample at each output time | jump at each jump)* -> finish
 * on a per-trajectory instance, then adds the trajectory instances of a
 * block of QS_ENSEMBLE_BLOCK trajectories into a block instance in
 * trajectory order and the block instances into the total in block order
 * (add).  Everything an accumulator keeps is a raw sum (or a list), so the
 * totals of two parts of a run can be merged and written to and read back
 * from run.h5 (write, read) without losing a bit.
 *
 * A new accumulator is a qs_accum_type value passed in
 * qs_ensemble_options.accums; the ensemble core does not change.  The
 * built-in types are listed below with the layout of their state, which
 * callers may read (qs_ensemble_accum) but not modify.
 *
 * Floating-point sums are not associative: an add op must add element by
 * element (into[i] += from[i]) so that the fixed order of the reduction
 * fixes the bits.
 *
 * Thread safety: an instance is used by one thread at a time; types are
 * immutable and shared.
 */
#ifndef QSYNC_ACCUM_H
#define QSYNC_ACCUM_H

#include <complex.h>

#include "qsync/error.h"
#include "qsync/op.h"
#include "qsync/traj.h"

/* Trajectories per block: the unit of the fixed-order reduction. */
#define QS_ENSEMBLE_BLOCK 64

/* Jackknife groups of the time-averaged density matrix: block b (of
 * QS_ENSEMBLE_BLOCK trajectories, b counted from trajectory 0) belongs to
 * group b mod QS_ENSEMBLE_GROUPS, so groups are fixed by trajectory index
 * alone (thread- and rank-independent) and are of nearly equal size. */
#define QS_ENSEMBLE_GROUPS 64

/* What an instance holds: one trajectory or the sums of one block
 * (QS_ACCUM_BLOCK), or the sums of any number of blocks (QS_ACCUM_TOTAL).
 * Only accumulators whose layout depends on the block (the jackknife
 * groups) distinguish them. */
typedef enum { QS_ACCUM_BLOCK = 0, QS_ACCUM_TOTAL = 1 } qs_accum_scope;

/* The shape of a run, given to alloc. */
typedef struct {
  int n_times;            /* output times, >= 1 */
  const double *times;    /* n_times, strictly increasing (may be NULL after a read) */
  int n_avg;              /* output times t >= burn_in (time averages), >= 1 */
  int n_obs;              /* observables of the model */
  qs_index dim;           /* Hilbert-space dimension */
  int n_channels;         /* collapse operators (jump channels) */
  qs_accum_scope scope;
} qs_accum_shape;

/* The state at output time times[t_index]: psi normalized and in the
 * model's reporting frame (ensemble.h), obs[k] = <psi|O_k|psi>. */
typedef struct {
  int t_index;
  double t;
  int in_avg;                   /* 1 when t >= burn_in */
  const double complex *psi;    /* dim entries */
  const double complex *obs;    /* n_obs entries */
} qs_accum_sample;

/* The end of a trajectory. */
typedef struct {
  long index;                   /* trajectory index (its random stream) */
  long block;                   /* index of its block, counted from trajectory 0 */
  const qs_traj_stats *work;    /* its work counters */
} qs_accum_end;

/* Where write and read put raw sums: a group of run.h5 (opaque). */
typedef struct qs_accum_io qs_accum_io;

typedef struct qs_accum_type {
  const char *name;   /* unique; the HDF5 group of its raw sums */
  /* New zeroed instance for `shape`; QS_ERR_NOMEM, QS_ERR_INVALID. */
  qs_status (*alloc)(const qs_accum_shape *shape, void **state);
  /* Back to zero (the start of a trajectory or block). */
  void (*reset)(void *state);
  /* Record the state at one output time (NULL: not needed). */
  void (*sample)(void *state, const qs_accum_sample *sample);
  /* Record a jump of trajectory `index` at time t through collapse
   * operator `channel` (NULL: not needed). */
  void (*jump)(void *state, long index, double t, int channel);
  /* End of one trajectory (NULL: not needed). */
  void (*finish)(void *state, const qs_accum_end *end);
  /* into += from, element by element (from: same shape, any scope).
   * QS_ERR_NOMEM (growing lists), QS_ERR_DIMENSION. */
  qs_status (*add)(void *into, const void *from);
  /* Raw sums to io / back from io (into an instance of the same shape).
   * QS_ERR_HDF5, QS_ERR_DIMENSION when the stored shape differs. */
  qs_status (*write)(const void *state, qs_accum_io *io);
  qs_status (*read)(void *state, qs_accum_io *io);
  /* Free; accepts NULL. */
  void (*destroy)(void *state);
} qs_accum_type;

/* An instance: its type and state. */
typedef struct {
  const qs_accum_type *type;
  void *state;
} qs_accum;

/* ---- Raw-sum input/output for write and read ------------------------------
 * One-dimensional arrays named within the accumulator's group; complex
 * arrays are written as 2n doubles (re, im).  Each returns QS_OK or
 * QS_ERR_HDF5; the readers return QS_ERR_DIMENSION when the stored length
 * is not n. */
qs_status qs_accum_io_put(qs_accum_io *io, const char *name, long n, const double *data);
qs_status qs_accum_io_put_long(qs_accum_io *io, const char *name, long n, const long *data);
qs_status qs_accum_io_get(qs_accum_io *io, const char *name, long n, double *data);
qs_status qs_accum_io_get_long(qs_accum_io *io, const char *name, long n, long *data);
/* Stored length of array `name` (for lists whose length is not the shape's). */
qs_status qs_accum_io_length(qs_accum_io *io, const char *name, long *n);

/* ---- Built-in types and the layout of their states ------------------------ */

/* "trajectories": the number of trajectories, per jackknife group, and the
 * summed work counters.  Always present. */
typedef struct {
  long ntraj;
  long group_ntraj[QS_ENSEMBLE_GROUPS];
  qs_traj_stats work;
} qs_accum_trajectories;
extern const qs_accum_type qs_accum_type_trajectories;

/* "moments": per output time t and observable k ([t * n_obs + k]) the sums
 * over trajectories of <O_k>, Re<O_k>^2 and Im<O_k>^2 (n_rows = n_times).
 * "time_average": the same layout with one row, [k]: the sums over
 * trajectories of the time average a_k = (1/n_avg) sum_{t >= burn_in}
 * <O_k>(t) (a steady-state estimate whose samples are independent) and of
 * Re a_k^2, Im a_k^2.  Both always present. */
typedef struct {
  int n_rows, n_obs, n_avg;
  double complex *sum;
  double *sq_re, *sq_im;
} qs_accum_moments;
extern const qs_accum_type qs_accum_type_moments;
extern const qs_accum_type qs_accum_type_time_average;

/* "rho": per output time the sum over trajectories of |psi><psi|,
 * [t * dim*dim + i + j*dim] (column-major).  With store_rho. */
typedef struct {
  int n_times;
  qs_index dim;
  double complex *sum;
} qs_accum_rho;
extern const qs_accum_type qs_accum_type_rho;

/* "rho_average": the sum over trajectories of the time-averaged density
 * matrix (1/n_avg) sum_{t >= burn_in} |psi><psi| ([i + j*dim]) and its
 * split into the jackknife groups (ensemble.h, qs_ensemble_jackknife).
 * One accumulator, not two, because a group sum is a sum of the same
 * block sums: adding each block once to both keeps their bits equal to
 * the unsplit run's.  A QS_ACCUM_BLOCK instance holds only its block's
 * sum (groups NULL, `group` its group, -1 before the first trajectory);
 * a QS_ACCUM_TOTAL one has groups [g * dim*dim + i + j*dim].  With
 * store_rho. */
typedef struct {
  qs_index dim;
  qs_accum_scope scope;
  int n_avg;
  int group;
  double complex *sum;
  double complex *groups;
} qs_accum_rho_average;
extern const qs_accum_type qs_accum_type_rho_average;

/* "jump_counts": per collapse operator j the number of jumps through it,
 * summed over trajectories.  Always present. */
typedef struct {
  int n_channels;
  long *count;
} qs_accum_jump_counts;
extern const qs_accum_type qs_accum_type_jump_counts;

/* "jump_records": every jump as (trajectory, time, channel), in trajectory
 * order and within a trajectory in time order.  With record_jumps. */
typedef struct {
  int n_channels;
  long n, capacity;
  long *traj;
  double *t;
  long *channel;
} qs_accum_jump_records;
extern const qs_accum_type qs_accum_type_jump_records;

/* ---- Error-bar accumulators (accum_errors.c) ------------------------------ */

/* "time_average_groups": the sums of the time averages of "time_average"
 * ([k]) split into the jackknife groups as rho_average splits its sum:
 * a QS_ACCUM_TOTAL instance has groups [g * n_obs + k], a QS_ACCUM_BLOCK
 * one only its block's sum and `group`.  For the jackknife errors of
 * nonlinear functions of the observable means (qs_ensemble_jackknife_obs).
 * Always present (64 n_obs complex numbers). */
typedef struct {
  int n_obs, n_avg;
  qs_accum_scope scope;
  int group;
  double complex *sum;
  double complex *groups;
} qs_accum_time_average_groups;
extern const qs_accum_type qs_accum_type_time_average_groups;

/* "rho_squares": per output time and element ([t * dim*dim + i + j*dim])
 * the sums over trajectories of (Re rho_ij)^2 and (Im rho_ij)^2 with
 * rho = |psi><psi|, and ([i + j*dim]) those of the trajectory's
 * time-averaged rho (output times t >= burn_in): with the sums of "rho"
 * and "rho_average" the element-wise standard errors of rho(t) and of
 * the steady-state rho.  `avg` is one trajectory's running time average
 * (zero in block and total instances).  With store_rho and rho_stderr:
 * as much memory again as "rho". */
typedef struct {
  int n_times, n_avg;
  qs_index dim;
  double *sq_re, *sq_im;
  double *avg_sq_re, *avg_sq_im;
  double complex *avg;
} qs_accum_rho_squares;
extern const qs_accum_type qs_accum_type_rho_squares;

#endif
