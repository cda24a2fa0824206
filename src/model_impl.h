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

/* QS_ERR_INVALID, with a message naming the key, unless parameter `which`
 * of `params` has an integer value p[which]. */
qs_status qs_model_check_integer(const qs_param_spec *params, const double *p, int which,
                                 char *msg, size_t msglen);

/* Spin component of size 2S embedded as subsystem j of space. */
qs_status qs_model_spin_op(const qs_space *space, int two_s, int j,
                           qs_spin_component comp, qs_op **out);

/* The built-in model types, one per source file (model_qubit_osc.c,
 * model_cavity.c, model_transmon.c); model.c lists them in its registry. */
extern const qs_model_type qs_qubit_osc_type;
extern const qs_model_type qs_cavity_qubits_type;
extern const qs_model_type qs_transmon_type;

#endif
