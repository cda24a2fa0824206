/* Steady states with synchronization measures; see include/qsync/sync.h. */
#include "qsync/sync.h"
#include "qsync/metrics.h"
#include "message_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static qs_status build(const qs_model_type *type, const double *values, qs_model **model,
                       char *msg, size_t msglen)
{
  qs_status st = qs_model_create(type, values, model, msg, msglen);
  if (st == QS_OK && (*model)->n_obs > QS_STEADY_POINT_MAX_OBS) {
    qs_set_message(msg, msglen, "model %s has %d observables; at most %d are supported",
                   type->name, (*model)->n_obs, QS_STEADY_POINT_MAX_OBS);
    qs_model_destroy(model);
    st = QS_ERR_INVALID;
  }
  return st;
}

int qs_sync_has_measure(const qs_model *model)
{
  const qs_model_type *type = model->type;
  return type->drive_param && qs_model_param_index(type, type->drive_param) >= 0 &&
         model->u1_charge;
}

/* The undriven steady state rho_u of `model` (a new dim*dim array). */
static qs_status undriven_state(const qs_model *model, const qs_steady_options *opt,
                                double complex **rho_u, char *msg, size_t msglen)
{
  const qs_model_type *type = model->type;
  double values[QS_MODEL_MAX_PARAMS];
  memcpy(values, model->param_values, (size_t)type->n_params * sizeof *values);
  values[qs_model_param_index(type, type->drive_param)] = 0.0;
  qs_index n = model->space.total;
  qs_model *undriven = NULL;
  *rho_u = malloc((size_t)(n * n) * sizeof **rho_u);
  qs_status st = *rho_u ? build(type, values, &undriven, msg, msglen) : QS_ERR_NOMEM;
  qs_steady_options cold = *opt;
  cold.guess = NULL; /* a guess of the driven state is no start for this one */
  if (st == QS_OK)
    st = qs_steady_state_ex(undriven, &cold, *rho_u, NULL, NULL, 0);
  qs_model_destroy(&undriven);
  if (st != QS_OK) {
    free(*rho_u);
    *rho_u = NULL;
  }
  return st;
}

/* Omega and the block measure of rho; rho_u from the undriven model. */
static qs_status sync_measures(const qs_model *model, const qs_steady_options *opt,
                               const double complex *rho, qs_steady_point *pt,
                               char *msg, size_t msglen)
{
  pt->omega = pt->omega_blocks = NAN;
  if (!qs_sync_has_measure(model))
    return QS_OK;
  qs_index n = model->space.total;
  double complex *rho_u = NULL;
  qs_status st = qs_sync_measure_blocks(n, model->u1_charge, rho, &pt->omega_blocks);
  if (st == QS_OK)
    st = undriven_state(model, opt, &rho_u, msg, msglen);
  if (st == QS_OK)
    st = qs_sync_measure(n, model->u1_charge, rho, rho_u, &pt->omega);
  free(rho_u);
  return st;
}

typedef struct {
  qs_index dim;
  const int *charge;
  const double complex *rho_u;
} omega_data;

static qs_status omega_of(const double complex *rho, double *value, void *data)
{
  const omega_data *d = data;
  return qs_sync_measure(d->dim, d->charge, rho, d->rho_u, value);
}

qs_status qs_sync_omega_jackknife(const qs_model *model, const qs_ensemble_result *res,
                                  qs_steady_method method, double *plain,
                                  double *corrected, double *se, int *groups,
                                  char *msg, size_t msglen)
{
  qs_steady_options opt = qs_steady_default_options();
  opt.method = method;
  return qs_sync_omega_jackknife_ex(model, res, &opt, plain, corrected, se, groups, msg,
                                    msglen);
}

qs_status qs_sync_omega_jackknife_ex(const qs_model *model, const qs_ensemble_result *res,
                                     const qs_steady_options *opt, double *plain,
                                     double *corrected, double *se, int *groups,
                                     char *msg, size_t msglen)
{
  qs_steady_options defaults = qs_steady_default_options();
  if (!opt)
    opt = &defaults;
  if (!model || !res || !res->rho_avg_group || !qs_sync_has_measure(model))
    return QS_ERR_INVALID;
  *groups = 0;
  for (int g = 0; g < QS_ENSEMBLE_GROUPS; g++)
    *groups += res->group_ntraj[g] > 0;
  double complex *rho_u = NULL;
  qs_status st = undriven_state(model, opt, &rho_u, msg, msglen);
  omega_data d = {model->space.total, model->u1_charge, rho_u};
  if (st == QS_OK)
    st = qs_ensemble_jackknife(res, omega_of, &d, plain, corrected, se);
  free(rho_u);
  return st;
}

qs_status qs_steady_point_eval(const qs_model_type *type, const double *values,
                               qs_steady_method method, qs_steady_point *pt,
                               double complex *rho, char *msg, size_t msglen)
{
  qs_steady_options opt = qs_steady_default_options();
  opt.method = method;
  return qs_steady_point_eval_ex(type, values, &opt, pt, rho, msg, msglen);
}

qs_status qs_steady_point_eval_ex(const qs_model_type *type, const double *values,
                                  const qs_steady_options *opt, qs_steady_point *pt,
                                  double complex *rho, char *msg, size_t msglen)
{
  if (!type || !values || !pt)
    return QS_ERR_INVALID;
  qs_steady_options defaults = qs_steady_default_options();
  if (!opt)
    opt = &defaults;
  memset(pt, 0, sizeof *pt);
  qs_model *model = NULL;
  qs_status st = build(type, values, &model, msg, msglen);
  if (st != QS_OK)
    return st;
  qs_index n = model->space.total;
  double complex *work = rho ? rho : malloc((size_t)(n * n) * sizeof *work);
  qs_steady_info info;
  st = work ? qs_steady_state_ex(model, opt, work, &info, msg, msglen) : QS_ERR_NOMEM;
  pt->residual = info.residual;
  if (st == QS_OK) {
    pt->n_obs = model->n_obs;
    for (int k = 0; k < model->n_obs; k++)
      pt->obs[k] = qs_op_trace_with(model->obs[k], work);
    st = sync_measures(model, opt, work, pt, msg, msglen);
  }
  if (work != rho)
    free(work);
  qs_model_destroy(&model);
  return st;
}

qs_status qs_sync_point_measures(const qs_model_type *type, const double *values,
                                 const qs_steady_options *opt, double measures[QS_SYNC_N],
                                 char *msg, size_t msglen)
{
  double ref[QS_MODEL_MAX_PARAMS];
  qs_steady_point pt, pt0;
  qs_status st = qs_steady_point_eval_ex(type, values, opt, &pt, NULL, msg, msglen);
  if (st == QS_OK && qs_sync_reference_values(type, values, ref) == QS_OK)
    st = qs_steady_point_eval_ex(type, ref, opt, &pt0, NULL, msg, msglen);
  else
    pt0.omega = NAN;
  if (st != QS_OK)
    return st;
  measures[QS_SYNC_OMEGA] = pt.omega;
  measures[QS_SYNC_OMEGA_BLOCKS] = pt.omega_blocks;
  /* Omega(coupling = 0) vanishes without a drive (eps = 0): the ratio is
   * then undefined, not infinite. */
  measures[QS_SYNC_R] = pt0.omega > QS_SYNC_R_MIN_REFERENCE ? pt.omega / pt0.omega : NAN;
  return QS_OK;
}

qs_status qs_sync_reference_values(const qs_model_type *type, const double *values,
                                   double *values_out)
{
  int coupling = type->coupling_param ? qs_model_param_index(type, type->coupling_param)
                                      : -1;
  if (coupling < 0)
    return QS_ERR_INVALID;
  memcpy(values_out, values, (size_t)type->n_params * sizeof *values);
  values_out[coupling] = 0.0;
  return QS_OK;
}
