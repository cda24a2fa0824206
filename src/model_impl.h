/* qsync — private helpers shared by the built-in model constructors. */
#ifndef QSYNC_MODEL_IMPL_H
#define QSYNC_MODEL_IMPL_H

#include <stddef.h>

#include "qsync/model.h"

/* Append a collapse operator sqrt(rate) * op to m->c (takes ownership of
 * op; m->c must have room). */
qs_status qs_model_add_collapse(qs_model *m, double rate, qs_op *op,
                                const char *name);

/* Append sqrt(rate) * op, op copied (the caller keeps op); a rate <= 0
 * adds nothing (zero rates are dropped). */
qs_status qs_model_add_collapse_copy(qs_model *m, double rate, const qs_op *op,
                                     const char *name);

/* *acc += c x (creates *acc on first use). */
qs_status qs_op_accumulate(qs_op **acc, double complex c, const qs_op *x);

/* Append observable `op` (ownership passes to the model). */
void qs_model_add_observable(qs_model *m, qs_op *op, const char *name);

/* Spin component of size 2S embedded as subsystem j of space. */
qs_status qs_model_spin_op(const qs_space *space, int two_s, int j,
                           qs_spin_component comp, qs_op **out);

/* Parameter table and constructor of "cavity_qubits" (model_cavity.c). */
#define QS_CAVITY_MAX_QUBITS 8
#define QS_CAVITY_N_PARAMS (9 + QS_CAVITY_MAX_QUBITS)
extern const qs_param_spec qs_cavity_qubits_params[QS_CAVITY_N_PARAMS];
qs_status qs_cavity_qubits_build(const double *p, qs_model *m, char *msg,
                                 size_t msglen);

/* Parameter table, presets (Table II columns) and constructor of
 * "transmon" (model_transmon.c). */
#define QS_TRANSMON_N_PARAMS 26
#define QS_TRANSMON_N_PRESETS 3
extern const qs_param_spec qs_transmon_params[QS_TRANSMON_N_PARAMS];
extern const qs_model_preset qs_transmon_presets[QS_TRANSMON_N_PRESETS];
qs_status qs_transmon_build(const double *p, qs_model *m, char *msg, size_t msglen);

#endif
