/* qsync — long quantum trajectories as sampled signals (bistability jump
 * statistics, driven-resonator paper Sec. 3 and Fig. 1).
 *
 * One trajectory (traj.h) runs from t = 0 in the model's initial state.
 * The first `burn_in` time units are dropped; after them the signals
 * x_s(t) = Re <O_s>(t) of chosen observables (e.g. "n", "Sz_1", "Sx_1" of
 * cavity_qubits: the conditional expectation values in the state of the
 * trajectory, reported in the model's frame as the ensembles do,
 * qs_model_frame_state) are sampled on the uniform grid
 *   t_k = burn_in + k dt,  k = 0 .. n_samples - 1,
 *   n_samples = floor(t_end / dt) + 1  (so the record spans t_end),
 * and every quantum jump with burn_in <= t <= t_{n_samples-1} is recorded
 * (time, channel = index of the collapse operator).  Samples and jumps go
 * to a caller's sink in chunks of at most `chunk` samples and `chunk`
 * jumps: the memory used does not depend on t_end, and the concatenated
 * chunks are the same whatever the chunk size.
 *
 * Randomness: trajectory `index` of a run with `seed` draws from PCG64
 * stream `index` (as the ensembles): any trajectory can be replayed alone
 * and a run does not depend on how trajectories are spread over threads.
 *
 * Photon distributions (optional, models with qs_model_photon_levels > 0):
 * the time averages over the samples of the photon-number distributions
 * with the first qubit up and down, P+(n) and P-(n) (paper Fig. 1 top).
 * For a pure state the distribution is linear in the populations
 * |psi_i|^2, so the populations are summed over the samples of each batch
 * and split once per batch with qs_model_photon_distribution; the record
 * is cut into `photon_batches` consecutive batches of equal length (the
 * remainder samples go to the last batch) so that a caller can give the
 * single trajectory's time average a batch-means error bar.
 *
 * Life cycle: qs_signals_create -> qs_signals_run (any number of times,
 * any trajectory indices) -> qs_signals_photon / qs_signals_get_stats ->
 * qs_signals_destroy.  A qs_signals is used by one thread at a time (give
 * each worker its own); the model may be shared.
 */
#ifndef QSYNC_SIGNALS_H
#define QSYNC_SIGNALS_H

#include <stdint.h>

#include "qsync/model.h"
#include "qsync/traj.h"

/* Most signals per trajectory. */
#define QS_SIGNALS_MAX 16

typedef struct {
  double burn_in;      /* time dropped before the first sample, >= 0 (model
                          time units).  Default 0 */
  double t_end;        /* length of the sampled record after burn_in, > 0.
                          Default 100 */
  double dt;           /* sampling interval, 0 < dt <= t_end.  Default 1 */
  int n_signals;       /* 1 .. QS_SIGNALS_MAX.  Default 1 */
  int obs[QS_SIGNALS_MAX]; /* observable index of signal s (model->obs;
                          qs_model_require_obs finds it by name).
                          Default obs[0] = 0 */
  long chunk;          /* most samples (and most jumps) per chunk handed to
                          the sink, >= 1.  Default 4096 */
  int photon;          /* 1: accumulate P+(n), P-(n) (QS_ERR_INVALID at
                          create for a model without photon numbers).
                          Default 0 */
  int photon_batches;  /* batches of the photon time average, 1 .. 1000,
                          at most n_samples.  Default 20 */
  qs_traj_options traj;/* integrator options.  Default qs_traj_default_options */
} qs_signals_options;

qs_signals_options qs_signals_default_options(void);

/* Samples per trajectory for options o: floor(t_end / dt) + 1 (a ratio
 * within 1e-9 of an integer counts as that integer, so t_end = 100,
 * dt = 0.1 gives 1001 samples).  0 for invalid t_end or dt. */
long qs_signals_sample_count(const qs_signals_options *o);

/* One piece of one trajectory's record, valid during the sink call only. */
typedef struct {
  long trajectory;      /* its index */
  long first_sample;    /* index of values' first row in the whole record */
  long n_samples;       /* rows in this chunk, 0 .. chunk */
  int n_signals;
  const double *values; /* n_samples x n_signals, row-major: signal s of
                           sample first_sample + r at values[r n_signals + s] */
  long first_jump;      /* index of this chunk's first jump in the record */
  long n_jumps;         /* 0 .. chunk */
  const double *jump_time;  /* n_jumps times, increasing (model time) */
  const int *jump_channel;  /* n_jumps collapse-operator indices */
  int last;             /* 1 on the trajectory's final chunk (possibly empty) */
} qs_signals_chunk;

/* Receives the chunks of a trajectory in record order.  A status other
 * than QS_OK stops the trajectory and is returned by qs_signals_run. */
typedef qs_status (*qs_signals_sink)(const qs_signals_chunk *chunk, void *data);

typedef struct qs_signals qs_signals;

/* Check the options against the model and allocate the trajectory and the
 * chunk buffers once.  QS_ERR_INVALID with a message naming the bad option
 * (and its allowed range) or the model without photon numbers;
 * QS_ERR_NOMEM; QS_ERR_CVODE.  The model must outlive the object. */
qs_status qs_signals_create(const qs_model *model, const qs_signals_options *o,
                            qs_signals **out, char *msg, size_t msglen);

/* Free; accepts NULL and NULLs *s. */
void qs_signals_destroy(qs_signals **s);

/* Run trajectory `index` of `seed`, handing its record to sink(chunk,
 * data) (sink may be NULL: only the photon averages and the statistics).
 * QS_OK, the sink's status, or QS_ERR_CVODE with a message naming the
 * trajectory and the time. */
qs_status qs_signals_run(qs_signals *s, uint64_t seed, long index, qs_signals_sink sink,
                         void *data, char *msg, size_t msglen);

/* Number of photon-number entries (0 when o.photon = 0). */
qs_index qs_signals_photon_levels(const qs_signals *s);

/* Time-averaged P+(n), P-(n) over batch b (0 .. photon_batches - 1) of
 * the last run (qs_signals_photon_levels entries each; the average of the
 * batches weighted by their sample counts is the whole record's).
 * QS_ERR_INVALID when photon is off, b is out of range or nothing ran. */
qs_status qs_signals_photon(const qs_signals *s, int batch, double *p_up, double *p_down);

/* Samples in batch b of the photon average (0 outside the range). */
long qs_signals_photon_batch_samples(const qs_signals *s, int batch);

/* Work of the last run (steps, jumps, ... from t = 0, burn-in included). */
void qs_signals_get_stats(const qs_signals *s, qs_traj_stats *stats);

/* Probability that a measurement of the observable O in the state rho
 * (dim x dim, column-major, e.g. the exact steady state) gives a value >=
 * threshold: Tr[rho P], P the projector onto the eigenvectors of the
 * Hermitian part (O + O^dag)/2 whose eigenvalue is >= threshold (LAPACK
 * zheev on the dense matrix: 16 dim^2 bytes).  For the photon number in
 * the undisplaced Fock basis this is P(n >= threshold) of the diagonal.
 * The occupation of the high state of a telegraph classification,
 * against the trajectories' (qsync jumps: p_state1_exact = 1 - this).
 * QS_ERR_INVALID (NULL arguments), QS_ERR_NOMEM, QS_ERR_NUMERIC (zheev
 * failed). */
qs_status qs_observable_probability_above(const qs_op *O, const double complex *rho,
                                          double threshold, double *p);

/* ---- records on disk ------------------------------------------------------
 * An HDF5 file holding the records of ntraj trajectories, written chunk by
 * chunk as they are produced (a sink for qs_signals_run) and read back one
 * trajectory at a time.  Layout (group GROUP, e.g. /signals, or
 * /signals/point_0003 for one point of a sweep):
 *   attributes  names (comma-separated signal names), n_signals,
 *               n_samples, ntraj, burn_in, t_end, dt, seed (text),
 *               channels (comma-separated collapse-operator names)
 *   GROUP/traj_<i>  (i zero-padded to 6 digits, one group each)
 *     values        [n_samples][n_signals] double, chunked (chunk rows)
 *     jump_time     [n_jumps] double, chunked and extendible
 *     jump_channel  [n_jumps] int, chunked and extendible
 *     attribute n_jumps
 * Times in the model's unit; sample k is at burn_in + k dt.
 *
 * Thread safety: qs_signals_file_write may be called by several threads
 * at once (the HDF5 library is not thread-safe: the writes are serialized
 * here, under the same lock as every other call of this file); the other
 * functions from one thread. */
typedef struct qs_signals_file qs_signals_file;

/* Open `path` for the records of trajectories 0..ntraj-1 made with
 * options o of `model` (observable and channel names from it) and `seed`,
 * in the new group `group` (created with its parents).  A path that is not
 * an HDF5 file yet (absent or empty) is created, an HDF5 file is opened for
 * adding the group.  QS_ERR_HDF5 with a message naming the path (also for
 * a group that exists already), QS_ERR_INVALID. */
qs_status qs_signals_file_create(const char *path, const char *group, const qs_model *model,
                                 const qs_signals_options *o, long ntraj, uint64_t seed,
                                 qs_signals_file **out, char *msg, size_t msglen);

/* The sink: append chunk c (of trajectory c->trajectory < ntraj) to the
 * file; `data` is the qs_signals_file.  QS_ERR_HDF5 on a failed write. */
qs_status qs_signals_file_write(const qs_signals_chunk *c, void *data);

/* Read signal s of trajectory i (all n_samples values) into x.
 * QS_ERR_INVALID for i or s out of range, QS_ERR_HDF5. */
qs_status qs_signals_file_read(qs_signals_file *f, long i, int s, double *x);

/* Jumps of trajectory i: *n_jumps, and (when time / channel are not NULL)
 * up to max of them.  QS_ERR_INVALID, QS_ERR_HDF5. */
qs_status qs_signals_file_read_jumps(qs_signals_file *f, long i, long max, double *time,
                                     int *channel, long *n_jumps);

/* Samples per trajectory of the file. */
long qs_signals_file_samples(const qs_signals_file *f);

/* Close (flushing everything); accepts NULL and NULLs *f.  QS_OK, or
 * QS_ERR_HDF5 when the file could not be completed. */
qs_status qs_signals_file_close(qs_signals_file **f);

#endif
