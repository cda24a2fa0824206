/* The model registry and what every model type shares; see
 * include/qsync/model.h.  Each type lives in its own model_<name>.c. */
#include "qsync/model.h"
#include "message_impl.h"
#include "model_impl.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the registry ---------------------------------------------------- */

/* The built-in model types, one line each. */
static const qs_model_type *const builtin_types[] = {
  &qs_qubit_osc_type,
  &qs_cavity_qubits_type,
  &qs_transmon_type,
};

#define N_BUILTIN ((int)(sizeof builtin_types / sizeof builtin_types[0]))
_Static_assert(N_BUILTIN <= QS_MODEL_MAX_TYPES, "QS_MODEL_MAX_TYPES too small");

/* Types added by qs_model_type_register, in order (see model.h for why this
 * one piece of process-wide state is acceptable). */
static const qs_model_type *registered_types[QS_MODEL_MAX_TYPES - N_BUILTIN];
static int n_registered;

int qs_model_type_count(void)
{
  return N_BUILTIN + n_registered;
}

const qs_model_type *qs_model_type_get(int i)
{
  if (i < 0 || i >= qs_model_type_count())
    return NULL;
  return i < N_BUILTIN ? builtin_types[i] : registered_types[i - N_BUILTIN];
}

const qs_model_type *qs_model_type_find(const char *name)
{
  for (int i = 0; name && i < qs_model_type_count(); i++)
    if (strcasecmp(qs_model_type_get(i)->name, name) == 0)
      return qs_model_type_get(i);
  return NULL;
}

int qs_model_type_has(const qs_model_type *type, unsigned caps)
{
  return type && (type->capabilities & caps) == caps;
}

/* A key the type names (drive, coupling, truncation, preset) must be one
 * of its parameters. */
static int key_ok(const qs_model_type *type, const char *what, const char *key, char *msg,
                  size_t msglen)
{
  if (!key || qs_model_param_index(type, key) >= 0)
    return 1;
  qs_set_message(msg, msglen, "model type %s: %s '%s' is not one of its parameters",
                 type->name, what, key);
  return 0;
}

static int params_ok(const qs_model_type *type, char *msg, size_t msglen)
{
  if (type->n_params < 0 || type->n_params > QS_MODEL_MAX_PARAMS ||
      (type->n_params > 0 && !type->params)) {
    qs_set_message(msg, msglen, "model type %s: n_params = %d: expected a table of 0..%d "
                   "parameters", type->name, type->n_params, QS_MODEL_MAX_PARAMS);
    return 0;
  }
  for (int i = 0; i < type->n_params; i++) {
    const qs_param_spec *s = &type->params[i];
    if (!s->key || qs_model_param_index(type, s->key) != i) {
      qs_set_message(msg, msglen, "model type %s: parameter %d has no key or repeats '%s'",
                     type->name, i, s->key ? s->key : "");
      return 0;
    }
    if (!(s->min <= s->default_value && s->default_value <= s->max)) {
      qs_set_message(msg, msglen, "model type %s: default %s = %g is outside %g..%g",
                     type->name, s->key, s->default_value, s->min, s->max);
      return 0;
    }
  }
  return 1;
}

static int presets_ok(const qs_model_type *type, char *msg, size_t msglen)
{
  if (type->n_presets < 0 || (type->n_presets > 0 && !type->presets)) {
    qs_set_message(msg, msglen, "model type %s: n_presets = %d without a preset table",
                   type->name, type->n_presets);
    return 0;
  }
  for (int p = 0; p < type->n_presets; p++) {
    const qs_model_preset *pre = &type->presets[p];
    if (pre->n_values < 1 || pre->n_values > QS_PRESET_MAX_VALUES) {
      qs_set_message(msg, msglen, "model type %s: preset %d sets %d values: expected 1..%d",
                     type->name, p, pre->n_values, QS_PRESET_MAX_VALUES);
      return 0;
    }
    if (!key_ok(type, "preset selector", pre->param, msg, msglen))
      return 0;
    for (int k = 0; k < pre->n_values; k++)
      if (!key_ok(type, "preset key", pre->keys[k], msg, msglen))
        return 0;
  }
  return 1;
}

/* Everything qs_model_type_register promises about a registered type. */
static int type_ok(const qs_model_type *type, char *msg, size_t msglen)
{
  if (!type || !type->name || !type->name[0] || strlen(type->name) >= QS_MODEL_MAX_NAME) {
    qs_set_message(msg, msglen, "model type: expected a name of 1..%d characters",
                   QS_MODEL_MAX_NAME - 1);
    return 0;
  }
  if (!type->build) {
    qs_set_message(msg, msglen, "model type %s: no build function", type->name);
    return 0;
  }
  return params_ok(type, msg, msglen) && presets_ok(type, msg, msglen) &&
         key_ok(type, "drive_param", type->drive_param, msg, msglen) &&
         key_ok(type, "coupling_param", type->coupling_param, msg, msglen) &&
         key_ok(type, "truncation_key", type->truncation_key, msg, msglen);
}

qs_status qs_model_type_register(const qs_model_type *type, char *msg, size_t msglen)
{
  if (!type_ok(type, msg, msglen))
    return QS_ERR_INVALID;
  if (qs_model_type_find(type->name)) {
    qs_set_message(msg, msglen, "model type %s: a model of that name is already registered",
                   type->name);
    return QS_ERR_INVALID;
  }
  if (qs_model_type_count() >= QS_MODEL_MAX_TYPES) {
    qs_set_message(msg, msglen, "model type %s: the registry is full (%d types)", type->name,
                   QS_MODEL_MAX_TYPES);
    return QS_ERR_INVALID;
  }
  registered_types[n_registered++] = type;
  return QS_OK;
}

qs_status qs_model_type_unregister(const qs_model_type *type)
{
  for (int i = 0; i < n_registered; i++)
    if (registered_types[i] == type) {
      memmove(&registered_types[i], &registered_types[i + 1],
              (size_t)(n_registered - i - 1) * sizeof registered_types[0]);
      n_registered--;
      return QS_OK;
    }
  return QS_ERR_INVALID;
}

/* ---- parameters and models -------------------------------------------- */

int qs_model_param_index(const qs_model_type *type, const char *key)
{
  for (int i = 0; type && key && i < type->n_params; i++)
    if (strcasecmp(type->params[i].key, key) == 0)
      return i;
  return -1;
}

void qs_model_defaults(const qs_model_type *type, double *values)
{
  for (int i = 0; i < type->n_params; i++)
    values[i] = type->params[i].default_value;
}

void qs_model_destroy(qs_model **model)
{
  if (!model || !*model)
    return;
  qs_model *m = *model;
  qs_op_destroy(&m->H);
  for (int k = 0; k < m->n_td; k++)
    qs_op_destroy(&m->H_td[k]);
  for (int k = 0; k < m->n_c; k++)
    qs_op_destroy(&m->c[k]);
  for (int k = 0; k < m->n_obs; k++)
    qs_op_destroy(&m->obs[k]);
  free(m->H_td);
  free(m->f_td);
  free(m->c);
  free(m->c_names);
  free(m->obs);
  free(m->obs_names);
  free(m->psi0);
  free(m->u1_charge);
  free(m->derived_names);
  free(m->frame_rate);
  free(m->param_values);
  free(m);
  *model = NULL;
}

qs_status qs_model_add_collapse(qs_model *m, double rate, qs_op *op,
                                const char *name)
{
  qs_op *scaled = NULL;
  qs_status st = qs_op_scale(sqrt(rate), op, &scaled);
  qs_op_destroy(&op);
  if (st != QS_OK)
    return st;
  m->c[m->n_c] = scaled;
  snprintf(m->c_names[m->n_c], QS_MODEL_MAX_NAME, "%s", name);
  m->n_c++;
  return QS_OK;
}

qs_status qs_model_check_integer(const qs_param_spec *params, const double *p, int which,
                                 char *msg, size_t msglen)
{
  if (p[which] != floor(p[which])) {
    qs_set_message(msg, msglen, "%s = %g: expected an integer", params[which].key, p[which]);
    return QS_ERR_INVALID;
  }
  return QS_OK;
}

qs_status qs_model_add_collapse_copy(qs_model *m, double rate, const qs_op *op,
                                     const char *name)
{
  if (rate <= 0.0)
    return QS_OK;
  qs_op *copy = NULL;
  qs_status st = qs_op_copy(op, &copy);
  return st == QS_OK ? qs_model_add_collapse(m, rate, copy, name) : st;
}

qs_status qs_op_accumulate(qs_op **acc, double complex c, const qs_op *x)
{
  qs_op *sum = NULL;
  qs_status st = *acc ? qs_op_add(1.0, *acc, c, x, &sum) : qs_op_scale(c, x, &sum);
  if (st != QS_OK)
    return st;
  qs_op_destroy(acc);
  *acc = sum;
  return QS_OK;
}

void qs_model_add_observable(qs_model *m, qs_op *op, const char *name)
{
  m->obs[m->n_obs] = op;
  snprintf(m->obs_names[m->n_obs], QS_MODEL_MAX_NAME, "%s", name);
  m->n_obs++;
}

qs_status qs_model_spin_op(const qs_space *space, int two_s, int j,
                           qs_spin_component comp, qs_op **out)
{
  qs_op *local = NULL;
  qs_status st = qs_op_spin(two_s, comp, &local);
  if (st == QS_OK)
    st = qs_op_embed(space, j, local, out);
  qs_op_destroy(&local);
  return st;
}

/* Generic code relies on roles: a constructor that leaves one unset is a
 * bug of that model type, reported rather than guessed around. */
static qs_status check_roles(const qs_model *m, char *msg, size_t msglen)
{
  for (int j = 0; j < m->space.n_sub; j++)
    if (m->space.role[j] == QS_ROLE_UNSET) {
      qs_set_message(msg, msglen, "model type %s: its constructor left the role of "
                     "subsystem %d unset", m->type->name, j);
      return QS_ERR_INVALID;
    }
  return QS_OK;
}

qs_status qs_model_create(const qs_model_type *type, const double *values,
                          qs_model **out, char *msg, size_t msglen)
{
  if (!type || !values || !out || !type->build)
    return QS_ERR_INVALID;
  *out = NULL;
  for (int i = 0; i < type->n_params; i++) {
    const qs_param_spec *s = &type->params[i];
    if (!isfinite(values[i]) || values[i] < s->min || values[i] > s->max) {
      qs_set_message(msg, msglen, "%s = %g is out of range: expected %g <= %s <= %g (%s)",
              s->key, values[i], s->min, s->key, s->max, s->help);
      return QS_ERR_INVALID;
    }
  }
  qs_model *m = calloc(1, sizeof *m);
  if (!m)
    return QS_ERR_NOMEM;
  m->type = type;
  m->cavity_top_obs = -1;
  /* at least one entry: malloc(0) may return NULL */
  m->param_values = malloc((size_t)(type->n_params > 0 ? type->n_params : 1) *
                           sizeof *m->param_values);
  if (!m->param_values) {
    free(m);
    return QS_ERR_NOMEM;
  }
  memcpy(m->param_values, values, (size_t)type->n_params * sizeof *values);
  qs_status st = type->build(values, m, msg, msglen);
  if (st == QS_OK)
    st = check_roles(m, msg, msglen);
  if (st != QS_OK) {
    qs_model_destroy(&m);
    return st;
  }
  *out = m;
  return QS_OK;
}

qs_status qs_model_effective_hamiltonian(const qs_model *m, qs_op **out)
{
  qs_op *sum = NULL;
  qs_status st = qs_op_copy(m->H, &sum);
  for (int j = 0; j < m->n_c && st == QS_OK; j++) {
    qs_op *cd = NULL, *cdc = NULL, *next = NULL;
    st = qs_op_adjoint(m->c[j], &cd);
    if (st == QS_OK)
      st = qs_op_mul(cd, m->c[j], &cdc);
    if (st == QS_OK)
      st = qs_op_add(1.0, sum, -0.5 * I, cdc, &next);
    qs_op_destroy(&cd);
    qs_op_destroy(&cdc);
    qs_op_destroy(&sum);
    sum = next;
  }
  if (st != QS_OK)
    qs_op_destroy(&sum);
  *out = sum;
  return st;
}

int qs_model_obs_index(const qs_model *model, const char *name)
{
  for (int k = 0; model && name && k < model->n_obs; k++)
    if (strcmp(model->obs_names[k], name) == 0)
      return k;
  return -1;
}

qs_status qs_model_require_obs(const qs_model *model, const char *name, int *index,
                               char *msg, size_t msglen)
{
  int k = qs_model_obs_index(model, name);
  if (index)
    *index = k;
  if (k >= 0)
    return QS_OK;
  qs_set_message(msg, msglen, "model %s has no observable %s",
                 model && model->type ? model->type->name : "(none)", name ? name : "(null)");
  return QS_ERR_INVALID;
}

int qs_model_find_role(const qs_model *model, qs_role role, int k)
{
  for (int j = 0; model && j < model->space.n_sub; j++)
    if (model->space.role[j] == role && k-- == 0)
      return j;
  return -1;
}

int qs_model_count_role(const qs_model *model, qs_role role)
{
  int n = 0;
  while (qs_model_find_role(model, role, n) >= 0)
    n++;
  return n;
}

qs_index qs_model_truncation(const qs_model *model, int *p_top_obs, const char **levels_key)
{
  const int mode = qs_model_find_role(model, QS_ROLE_BOSON, 0);
  const int truncated = mode >= 0 && model->cavity_top_obs >= 0 && model->type &&
                        model->type->truncation_key;
  if (p_top_obs)
    *p_top_obs = truncated ? model->cavity_top_obs : -1;
  if (levels_key)
    *levels_key = truncated ? model->type->truncation_key : NULL;
  return truncated ? model->space.dims[mode] - 1 : -1;
}

double qs_model_drive_period(const qs_model *model)
{
  return model && model->type && model->type->drive_period ? model->type->drive_period(model)
                                                           : 0.0;
}

qs_index qs_model_photon_levels(const qs_model *model)
{
  const int mode = qs_model_find_role(model, QS_ROLE_BOSON, 0);
  if (mode < 0 || !model->type->photon_distribution ||
      model->type->photon_distribution(model, NULL, NULL, NULL) != QS_OK)
    return 0;
  return model->space.dims[mode];
}

qs_status qs_model_photon_distribution(const qs_model *model, const double complex *rho,
                                       double *p_up, double *p_down)
{
  if (!rho || !p_up || !p_down || qs_model_photon_levels(model) == 0)
    return QS_ERR_INVALID;
  return model->type->photon_distribution(model, rho, p_up, p_down);
}

qs_status qs_cavity_photon_distribution(const qs_model *model, const double complex *rho,
                                        double *p_up, double *p_down)
{
  return qs_model_photon_distribution(model, rho, p_up, p_down);
}

void qs_model_frame_state(const qs_model *model, double t, double complex *psi)
{
  if (!model->frame_rate)
    return;
  for (qs_index i = 0; i < model->space.total; i++)
    psi[i] *= CMPLX(cos(t * model->frame_rate[i]), sin(t * model->frame_rate[i]));
}

void qs_model_frame_rho(const qs_model *model, double t, const double complex *rho,
                        double complex *out)
{
  const qs_index n = model->space.total;
  if (!model->frame_rate) {
    if (out != rho)
      memcpy(out, rho, (size_t)(n * n) * sizeof *out);
    return;
  }
  /* exp(i t (R_i - R_j)) = e_i conj(e_j) with e_i = exp(i t R_i): n cos/sin
   * pairs per call instead of n^2. */
  double *e = malloc((size_t)(2 * n) * sizeof *e);
  if (!e) {  /* no scratch: the slow, allocation-free way */
    for (qs_index j = 0; j < n; j++)
      for (qs_index i = 0; i < n; i++) {
        const double ph = t * (model->frame_rate[i] - model->frame_rate[j]);
        out[i + j * n] = rho[i + j * n] * CMPLX(cos(ph), sin(ph));
      }
    return;
  }
  for (qs_index i = 0; i < n; i++) {
    e[2 * i] = cos(t * model->frame_rate[i]);
    e[2 * i + 1] = sin(t * model->frame_rate[i]);
  }
  /* Real arithmetic (C's complex product carries an Annex G branch). */
  const double *r = (const double *)rho;
  double *o = (double *)out;
  for (qs_index j = 0; j < n; j++) {
    const double cr = e[2 * j], ci = -e[2 * j + 1];
    for (qs_index i = 0; i < n; i++) {
      const double pr = e[2 * i] * cr - e[2 * i + 1] * ci;
      const double pi = e[2 * i] * ci + e[2 * i + 1] * cr;
      const double xr = r[2 * (i + j * n)], xi = r[2 * (i + j * n) + 1];
      o[2 * (i + j * n)] = xr * pr - xi * pi;
      o[2 * (i + j * n) + 1] = xr * pi + xi * pr;
    }
  }
  free(e);
}

void qs_model_apply_preset(const qs_model_type *type, int param_index, int choice,
                           double *values, const unsigned char *explicit_keys)
{
  if (!type || param_index < 0 || param_index >= type->n_params)
    return;
  const char *param = type->params[param_index].key;
  for (int p = 0; p < type->n_presets; p++) {
    const qs_model_preset *pre = &type->presets[p];
    if (strcasecmp(pre->param, param) != 0 || pre->choice != choice)
      continue;
    for (int k = 0; k < pre->n_values; k++) {
      int i = qs_model_param_index(type, pre->keys[k]);
      if (i >= 0 && !(explicit_keys && explicit_keys[i]))
        values[i] = pre->values[k];
    }
  }
}

double qs_model_param(const qs_model *model, const char *key)
{
  int i = qs_model_param_index(model->type, key);
  return i < 0 ? NAN : model->param_values[i];
}
