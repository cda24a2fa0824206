/* Model traits from the built-in models' names; see include/qsync/traits.h. */
#include "qsync/traits.h"

#include <math.h>
#include <strings.h>

double qs_traits_drive_period(const qs_model *model)
{
  double omega = qs_model_param(model, "omega0") + qs_model_param(model, "domega");
  return isfinite(omega) && omega > 0.0 ? 2.0 * acos(-1.0) / omega : 1.0;
}

int qs_traits_truncated_mode(const qs_model *model, int *subsystem, const char **levels_key,
                             long long *levels)
{
  if (!model || model->cavity_top_obs < 0)
    return 0;
  /* transmon: the resonators are subsystems 1 and 3 (levels_r); otherwise
   * the cavity is subsystem 0 (ncav). */
  int transmon = qs_model_param_index(model->type, "levels_r") >= 0;
  int sub = transmon ? 1 : 0;
  if (subsystem)
    *subsystem = sub;
  if (levels_key)
    *levels_key = transmon ? "levels_r" : "ncav";
  if (levels)
    *levels = (long long)model->space.dims[sub];
  return 1;
}

int qs_traits_is_cavity(const qs_model_type *type)
{
  return type && strcasecmp(type->name, "cavity_qubits") == 0;
}

int qs_traits_is_transmon(const qs_model_type *type)
{
  return type && strcasecmp(type->name, "transmon") == 0;
}
