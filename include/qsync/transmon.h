/* qsync — helpers of the built-in model "transmon" (two-qubit-oscillator
 * paper, Appendix E; see include/qsync/model.h and docs/models.md).
 *
 * Space: subsystem 0 transmon A (levels_q levels, |g> = 0, |e> = 1, ...),
 * 1 resonator A (levels_r), 2 transmon B, 3 resonator B, so
 *   index = ((nbA * levels_r + naA) * levels_q + nbB) * levels_r + naB.
 *
 * Thread safety: reentrant; the model is only read.
 */
#ifndef QSYNC_TRANSMON_H
#define QSYNC_TRANSMON_H

#include "qsync/model.h"

/* Basis index of |nbA, naA, nbB, naB> in a transmon model, or -1 when a
 * number is outside its levels or the model is not a transmon (its type
 * lacks QS_MODEL_CAP_TRANSMON_PAIR). */
qs_index qs_transmon_index(const qs_model *m, int nbA, int naA, int nbB, int naB);

/* Two-qubit state of a transmon density matrix rho (dim x dim,
 * column-major, already in the reporting frame as qs_mesolve and the
 * ensembles report it): the resonators traced out, each transmon projected
 * on {|g>, |e>}, renormalized.  rho2 (4 x 4, column-major) is in the basis
 * of model qubit_osc with S = 1/2: index iA * 2 + iB, 0 = up = |e>,
 * 1 = down = |g>.  *p_qubit (may be NULL) receives the trace before
 * renormalizing (the population left in the qubit subspace).
 * QS_ERR_INVALID for NULL arguments or a model that is not a transmon
 * (no QS_MODEL_CAP_TRANSMON_PAIR);
 * QS_ERR_NUMERIC if that trace is not positive (rho2 is then zero). */
qs_status qs_transmon_qubit_state(const qs_model *m, const double complex *rho,
                                  double complex rho2[16], double *p_qubit);

#endif
