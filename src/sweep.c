/* Parameter sweeps; see include/qsync/sweep.h. */
#include "qsync/sweep.h"
#include "message_impl.h"

#include <math.h>
#include <string.h>
#include <strings.h>

int qs_sweep_active(const qs_sweep_axis *axis)
{
  return axis && axis->key[0] != '\0';
}

long qs_sweep_count(const qs_sweep_axis *axis)
{
  if (!qs_sweep_active(axis))
    return 1;
  return axis->n_values > 0 ? axis->n_values : axis->points;
}

double qs_sweep_value(const qs_sweep_axis *axis, long i)
{
  if (axis->n_values > 0)
    return axis->values[i];
  if (axis->points <= 1)
    return axis->from;
  /* from + i * step would drift; this hits `to` exactly at the end. */
  double f = (double)i / (double)(axis->points - 1);
  return (1.0 - f) * axis->from + f * axis->to;
}

static qs_status check_in_range(const qs_param_spec *p, double v, const char *where,
                                const char *role, char *msg, size_t msglen)
{
  if (v >= p->min && v <= p->max)
    return QS_OK;
  qs_set_message(msg, msglen, "%s: %s takes %s to %g, outside its range [%g, %g] (%s)",
                 where, role, p->key, v, p->min, p->max, p->help);
  return QS_ERR_RUNFILE;
}

qs_status qs_sweep_resolve(qs_sweep_axis *axis, const qs_model_type *type,
                           const double *base, const char *where, char *msg,
                           size_t msglen)
{
  axis->param = axis->partner = -1;
  if (!qs_sweep_active(axis))
    return QS_OK;
  axis->param = qs_model_param_index(type, axis->key);
  if (axis->param < 0) {
    qs_set_message(msg, msglen, "%s: model.%s is not a parameter of model %s",
                   where, axis->key, type->name);
    return QS_ERR_RUNFILE;
  }
  for (int p = 0; p < type->n_presets; p++)
    if (strcasecmp(type->presets[p].param, type->params[axis->param].key) == 0) {
      /* a preset is applied when the run file is read, not per sweep point */
      qs_set_message(msg, msglen, "%s: model.%s selects a preset and cannot be swept; "
                     "run one file per %s (or sweep the keys it sets)",
                     where, axis->key, axis->key);
      return QS_ERR_RUNFILE;
    }
  if (axis->keep_sum[0] != '\0') {
    axis->partner = qs_model_param_index(type, axis->keep_sum);
    if (axis->partner < 0 || axis->partner == axis->param) {
      qs_set_message(msg, msglen, "%s: keep_sum = model.%s: expected another parameter "
                     "of model %s", where, axis->keep_sum, type->name);
      return QS_ERR_RUNFILE;
    }
  }
  double values[QS_MODEL_MAX_PARAMS];
  for (long i = 0; i < qs_sweep_count(axis); i++) {
    qs_sweep_apply(axis, base, type->n_params, qs_sweep_value(axis, i), values);
    qs_status st = check_in_range(&type->params[axis->param], values[axis->param], where,
                                  "the sweep", msg, msglen);
    if (st == QS_OK && axis->partner >= 0)
      st = check_in_range(&type->params[axis->partner], values[axis->partner], where,
                          "keep_sum", msg, msglen);
    if (st != QS_OK)
      return st;
  }
  return QS_OK;
}

void qs_sweep_apply(const qs_sweep_axis *axis, const double *base, int n, double x,
                    double *values)
{
  memcpy(values, base, (size_t)n * sizeof *values);
  if (!qs_sweep_active(axis) || axis->param < 0)
    return;
  values[axis->param] = x;
  if (axis->partner >= 0)
    values[axis->partner] = base[axis->param] + base[axis->partner] - x;
}

long qs_sweep_grid_count(const qs_sweep_axis axes[2])
{
  return qs_sweep_count(&axes[0]) * qs_sweep_count(&axes[1]);
}

void qs_sweep_grid_point(const qs_sweep_axis axes[2], const double *base, int n, long p,
                         double *values, double sweep_x[2])
{
  long n0 = qs_sweep_count(&axes[0]);
  double outer[QS_MODEL_MAX_PARAMS], x[2] = {NAN, NAN};
  memcpy(outer, base, (size_t)n * sizeof *outer);
  if (qs_sweep_active(&axes[1])) {
    x[1] = qs_sweep_value(&axes[1], p / n0);
    qs_sweep_apply(&axes[1], base, n, x[1], outer);
  }
  memcpy(values, outer, (size_t)n * sizeof *values);
  if (qs_sweep_active(&axes[0])) {
    x[0] = qs_sweep_value(&axes[0], p % n0);
    qs_sweep_apply(&axes[0], outer, n, x[0], values);
  }
  if (sweep_x) {
    sweep_x[0] = x[0];
    sweep_x[1] = x[1];
  }
}
