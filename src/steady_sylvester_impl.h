/* Private: the Sylvester-splitting steady-state solvers (fixed point and
 * preconditioned GMRES) behind qs_steady_state_ex; see
 * include/qsync/lindblad.h for the formulation and src/steady_sylvester.c
 * for the implementation. */
#ifndef QSYNC_STEADY_SYLVESTER_IMPL_H
#define QSYNC_STEADY_SYLVESTER_IMPL_H

#include <stddef.h>

#include "qsync/lindblad.h"

/* Solve for the steady state with opt->method QS_STEADY_SYLVESTER or
 * QS_STEADY_KRYLOV (already resolved, memory already checked).  Fills
 * info->iterations and info->residual.  stall_cycles > 0: KRYLOV stops
 * (QS_ERR_NOT_CONVERGED) when GMRES stagnates (gmres.h); 0: only at
 * max_iter. */
qs_status qs_steady_splitting_solve(const qs_model *model, const qs_steady_options *opt,
                                    int stall_cycles, double complex *rho,
                                    qs_steady_info *info, char *msg, size_t msglen);

/* Bytes the splitting solver allocates for `method` (SYLVESTER or KRYLOV)
 * with GMRES restart length `restart`. */
double qs_steady_splitting_memory(const qs_model *model, qs_steady_method method, int restart);

/* Sparse A = iH + (1/2) sum_k c_k^dag c_k of the splitting. */
qs_status qs_steady_build_A(const qs_model *model, qs_op **A);

#endif
