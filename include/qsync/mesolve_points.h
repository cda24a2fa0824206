/* qsync — the master equation at many parameter points (a sweep): each
 * point integrated from its initial state to t_end, time-averaged over
 * the last drive periods, with the points run through the task farm.
 *
 * A point is one model (built by the caller) and its results.  The
 * initial state is, in this order: the caller's rho_start; else the
 * options' `start` (the model's psi0, the RWA steady state of the same
 * parameters, or the periodic steady state at t = 0).  With avg_periods
 * > 0 the reported rho and observables are averages over the window
 * [t_end - avg_periods T, t_end], T = qs_model_drive_period(model) (one
 * time unit for a model without a drive frequency),
 * sampled ceil(avg_periods) * avg_samples times (at most 1e6); otherwise
 * the final ones.
 *
 * Thread safety: reentrant; points are independent.
 */
#ifndef QSYNC_MESOLVE_POINTS_H
#define QSYNC_MESOLVE_POINTS_H

#include "qsync/farm.h"
#include "qsync/lindblad.h"
#include "qsync/mesolve.h"
#include "qsync/periodic.h"

/* Where a point starts when the caller gives no rho_start. */
typedef enum {
  QS_MESOLVE_START_MODEL = 0,       /* the model's psi0 */
  QS_MESOLVE_START_RWA_STEADY = 1,  /* steady state of the same values with
                                       the model's `frame` key set to 0 (rwa):
                                       close to the lab frame's periodic state
                                       when omega0 >> lambda, so only the
                                       non-RWA part has to relax */
  QS_MESOLVE_START_PERIODIC = 2     /* the periodic steady state at t = 0
                                       (qs_mesolve_periodic; needs
                                       model->period > 0) */
} qs_mesolve_start;

typedef struct {
  qs_mesolve_options me;    /* integrator.  Default: qs_mesolve_default_options() */
  double t_end;             /* end of the integration, > 0.  Default: 1 */
  int n_times;              /* output times (times[] of qs_mesolve_point_run), >= 2.
                               Default: 2 */
  double avg_periods;       /* averaging window in drive periods, >= 0 (0: no
                               average).  Default: 0 */
  long avg_samples;         /* samples per drive period in the window, >= 1.
                               Default: 20 */
  qs_mesolve_start start;   /* Default: QS_MESOLVE_START_MODEL */
  qs_periodic_options periodic; /* solver of START_PERIODIC (its period is set
                               from each model).  Default:
                               qs_periodic_default_options() */
  qs_steady_options steady; /* solver of START_RWA_STEADY.  Default:
                               qs_steady_default_options() */
  qs_farm_options farm;     /* workers and progress of qs_mesolve_points_run
                               (progress counts points).  Default: one thread.
                               With farm.distribute the points spread over the
                               MPI ranks and their results reach rank 0 alone
                               (farm.h; the codec is this module's) */
} qs_mesolve_point_options;

qs_mesolve_point_options qs_mesolve_point_default_options(void);

typedef struct {
  /* set by the caller */
  double sweep_x[2];                  /* the point's sweep-axis values (not read) */
  double values[QS_MODEL_MAX_PARAMS]; /* the model's parameter values */
  qs_model *model;                    /* owned by the point */
  double complex *rho_start;          /* initial state (dim*dim, owned), or NULL */
  /* results (allocated by the run, freed by qs_mesolve_point_release) */
  double complex *obs_t;     /* n_times * n_obs */
  double complex *obs_avg;   /* n_obs: time average, or the last time's values */
  double complex *rho;       /* averaged (or final) rho, dim*dim column-major */
  qs_mesolve_stats stats;
  double seconds;            /* wall-clock time of the point */
  qs_status st;              /* the point's status */
  char msg[256];             /* its message on failure */
} qs_mesolve_point;

/* The averaging window avg_periods * drive period of `model`; QS_OK if it
 * fits in [0, t_end], else QS_ERR_INVALID with msg naming both. */
qs_status qs_mesolve_point_window(const qs_mesolve_point_options *opt,
                                  const qs_model *model, double *window, char *msg,
                                  size_t msglen);

/* Integrate one point (pt->model set) at output times times[0..n_times-1];
 * the status also goes to pt->st, a message to pt->msg. */
qs_status qs_mesolve_point_run(const qs_mesolve_point_options *opt, const double *times,
                               qs_mesolve_point *pt);

/* Check every point's window (QS_ERR_INVALID, *failed = that point, before
 * any integration), then run points 0..n-1 through the farm.  Returns the
 * status of the lowest failing point (its index in *failed, may be NULL;
 * -1 when all succeeded). */
qs_status qs_mesolve_points_run(const qs_mesolve_point_options *opt, const double *times,
                                qs_mesolve_point *pts, long n, long *failed);

/* Free what the point owns (model, rho_start, results); accepts NULL. */
void qs_mesolve_point_release(qs_mesolve_point *pt);

#endif
