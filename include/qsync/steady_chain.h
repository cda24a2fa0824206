/* qsync — steady states along a chain of parameter points (a sweep), each
 * warm-started from the previous point's state.
 *
 * Neighbouring points of a sweep have close steady states, so the
 * iterative methods (SYLVESTER, KRYLOV) converge in far fewer steps from
 * the previous solution than from I/N.  A chain keeps the last successful
 * state and passes it as opt.guess to the next solve when the dimension
 * is the same (a swept truncation changes it: then the solve starts cold).
 * Direct methods ignore the guess, so a chain gives the same states as
 * independent solves there.  The order of the points matters, so a chain
 * runs its points one after the other, in index order.
 *
 * Life cycle: qs_steady_chain_create -> qs_steady_chain_solve per point ->
 * qs_steady_chain_destroy.  Thread safety: one chain per thread.
 */
#ifndef QSYNC_STEADY_CHAIN_H
#define QSYNC_STEADY_CHAIN_H

#include "qsync/lindblad.h"

typedef struct qs_steady_chain qs_steady_chain;

/* A chain solving with `opt` (copied; NULL = defaults; opt->guess is
 * ignored: the chain supplies it).  QS_ERR_NOMEM or QS_OK; *out NULL on
 * failure. */
qs_status qs_steady_chain_create(const qs_steady_options *opt, qs_steady_chain **out);

/* Steady state of `model`, warm-started from the previous successful
 * solve of the same dimension.  *rho (may be NULL) receives the chain's
 * copy of the state (dim*dim column-major, valid until the next solve or
 * destroy); info and msg as in qs_steady_state_ex, and *warm (may be NULL)
 * whether the solve was warm-started.  Errors: those of
 * qs_steady_state_ex, QS_ERR_NOMEM; after an error the next solve starts
 * cold. */
qs_status qs_steady_chain_solve(qs_steady_chain *chain, const qs_model *model,
                                const double complex **rho, qs_steady_info *info, int *warm,
                                char *msg, size_t msglen);

/* Free; accepts NULL and NULLs *chain. */
void qs_steady_chain_destroy(qs_steady_chain **chain);

#endif
