/* Private: first iterates of the iterative steady-state solvers
 * (qs_steady_options.start, include/qsync/lindblad.h). */
#ifndef QSYNC_STEADY_START_IMPL_H
#define QSYNC_STEADY_START_IMPL_H

#include <stddef.h>

#include "qsync/lindblad.h"

/* *rho (allocated here, N*N column-major, trace 1; free() it) = the state
 * `start` names for `model` (tol: the rate series' target).  QS_ERR_INVALID with a message when the model
 * does not fit the start; QS_ERR_NOMEM; the semiclassical minimizer's
 * errors. */
qs_status qs_steady_start_state(const qs_model *model, qs_steady_start start, double tol,
                                double complex **rho, char *msg, size_t msglen);

#endif
