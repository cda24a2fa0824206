/* qsync — parameter sweeps: the points of one swept model parameter.
 *
 * An axis sweeps one model parameter over `points` evenly spaced values
 * from `from` to `to` (inclusive), or over an explicit list of values.
 * `keep_sum` names a second parameter that moves with it so that the sum
 * of the two stays at its run-file value: sweeping w_A with keep_sum =
 * gamma_A keeps the total rate Gamma_A = w_A + gamma_A fixed, as every
 * parameter map of the two-qubit-oscillator paper does.
 *
 * Thread safety: axes are plain data; the functions are reentrant.
 */
#ifndef QSYNC_SWEEP_H
#define QSYNC_SWEEP_H

#include <stddef.h>

#include "qsync/model.h"

#define QS_SWEEP_MAX_VALUES 4096

typedef struct {
  char key[QS_MODEL_MAX_NAME];      /* swept parameter; "" = no sweep */
  char keep_sum[QS_MODEL_MAX_NAME]; /* partner parameter; "" = none */
  double from, to;
  long points;                      /* >= 1 (1: just `from`) */
  long n_values;                    /* > 0: use values[] instead of from/to/points */
  double values[QS_SWEEP_MAX_VALUES];
  int param, partner;               /* indices resolved by qs_sweep_resolve; -1 = none */
} qs_sweep_axis;

/* Is the axis in use? */
int qs_sweep_active(const qs_sweep_axis *axis);

/* Number of points (1 for an inactive axis) and the i-th swept value. */
long qs_sweep_count(const qs_sweep_axis *axis);
double qs_sweep_value(const qs_sweep_axis *axis, long i);

/* Look up key and keep_sum in the model type's parameter table and check
 * that every point keeps both parameters inside their ranges with `base`
 * as the other values.  QS_ERR_RUNFILE with a message that starts with
 * `where` (e.g. "run.ini: [sweep]") otherwise. */
qs_status qs_sweep_resolve(qs_sweep_axis *axis, const qs_model_type *type,
                           const double *base, const char *where, char *msg,
                           size_t msglen);

/* values := base with the swept parameter set to x (and the partner moved
 * so that the pair's sum is that of base).  n = type->n_params. */
void qs_sweep_apply(const qs_sweep_axis *axis, const double *base, int n, double x,
                    double *values);

/* ---- the grid of a run: up to two axes ------------------------------------
 * axes[0] is the inner axis (fastest), axes[1] the outer one; an inactive
 * axis counts as one point.  Point p of the grid is (p % n0, p / n0) with
 * n0 = qs_sweep_count(&axes[0]): the outer axis is applied to base first,
 * then the inner one to the result, so an inner keep_sum partner moves
 * relative to the outer axis' values. */

/* Number of points of the grid (>= 1). */
long qs_sweep_grid_count(const qs_sweep_axis axes[2]);

/* Parameter vector of point p (0 <= p < qs_sweep_grid_count) of the grid
 * over base (n = type->n_params values in, n out); sweep_x (may be NULL)
 * receives the two axes' values, NAN for an inactive axis. */
void qs_sweep_grid_point(const qs_sweep_axis axes[2], const double *base, int n, long p,
                         double *values, double sweep_x[2]);

#endif
