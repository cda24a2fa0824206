/* qsync — what generic code needs to know about a model beyond its
 * operators: the drive period, the truncated bosonic mode, and which
 * built-in family a model type belongs to.
 *
 * Today these are read from the parameter names of the built-in models
 * (omega0/domega, levels_r/ncav) and the type names.  They are gathered
 * here, in one place, so that the model table's own hooks (drive period,
 * truncated mode and its key, subsystem roles) can replace the bodies
 * without touching any caller.
 *
 * Thread safety: reentrant; models and types are only read.
 */
#ifndef QSYNC_TRAITS_H
#define QSYNC_TRAITS_H

#include "qsync/model.h"

/* Drive period 2 pi / omega of a model with a drive frequency omega =
 * omega0 + domega > 0 (cavity_qubits), in the model's time unit; 1 (one
 * time unit) for every other model.  The averaging window of qs_mesolve
 * sweeps is a number of these periods. */
double qs_traits_drive_period(const qs_model *model);

/* The truncated bosonic mode whose top-level population the observable
 * model->cavity_top_obs measures: its subsystem index, the [model] key
 * that sets its number of levels, and that number.  Returns 0 (outputs
 * untouched) when the model has no such observable.
 *   cavity_qubits: subsystem 0, key "ncav";
 *   transmon:      subsystem 1 (resonator A; B has the same levels), "levels_r". */
int qs_traits_truncated_mode(const qs_model *model, int *subsystem, const char **levels_key,
                             long long *levels);

/* Is the type the cavity-QED model (cavity_qubits) / the circuit model
 * (transmon)?  NULL gives 0. */
int qs_traits_is_cavity(const qs_model_type *type);
int qs_traits_is_transmon(const qs_model_type *type);

#endif
