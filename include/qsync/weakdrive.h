/* qsync — analytic first-order (weak-drive) phase response of the driven
 * two-qubit oscillator: Appendix C of the two-qubit-oscillator paper,
 * Eqs. (C1)-(C4).  A third method, independent of the Liouvillian solvers
 * and the trajectories, and fast enough (two 5x5 solves) to locate the zero
 * crossings g_{0,A}, g_{0,B} of <S+_j> over whole parameter maps (Fig. 4).
 *
 * Model (Eq. (4) with (C1)), qubits A and B (spin 1/2 only):
 *   H = Dd SzA + (Dd + Dq) SzB + (g/2)(S+A S-B + S-A S+B)
 *       + (eps/2)(S+A + S-A),
 *   dissipators D[sqrt(w_j) S+_j], D[sqrt(gamma_j) S-_j],
 *   D[sqrt(2 gamma_phi) Sz_j], j = A, B;  Gamma_j = w_j + gamma_j.
 * All rates and frequencies in the same unit (qubit_osc: units of Gamma).
 *
 * <S+_j> = eps <S+_j>_1 + O(eps^3): <S+_j> is odd in eps (conjugation by
 * exp(i pi (SzA + SzB)) flips the sign of eps), so the first-order value
 * has a relative error O(eps^2).
 *
 * Thread safety: reentrant.
 */
#ifndef QSYNC_WEAKDRIVE_H
#define QSYNC_WEAKDRIVE_H

#include <complex.h>

#include "qsync/error.h"
#include "qsync/model.h"

typedef struct {
  double w_A, gamma_A; /* gain / loss rate of qubit A              */
  double w_B, gamma_B; /* gain / loss rate of qubit B              */
  double g;            /* exchange coupling (g/2)(S+A S-B + h.c.)   */
  double delta_d;      /* drive detuning Delta_d                    */
  double delta_q;      /* qubit-qubit detuning Delta_q              */
  double gamma_phi;    /* dephasing rate (D[sqrt(2 gamma_phi) Sz])  */
} qs_weakdrive_params;

/* Parameters of a qubit_osc parameter vector (`values` in the order of the
 * type's parameter table).  QS_ERR_INVALID (message in msg) unless the
 * type has QS_MODEL_CAP_SPIN_PAIR (qubit_osc) with spin 1/2: Appendix C is
 * written for qubits. */
qs_status qs_weakdrive_params_from_model(const qs_model_type *type,
                                         const double *values,
                                         qs_weakdrive_params *p, char *msg,
                                         size_t msglen);

/* First-order coefficients <S+_A>_1 = lim <S+_A>/eps and <S+_B>_1: solves
 * the zeroth-order system (C3), then the first-order system (C4).
 * QS_ERR_INVALID for NULL arguments, non-finite parameters, negative rates
 * or Gamma_A + Gamma_B = 0; QS_ERR_SINGULAR if a system is exactly
 * singular; QS_ERR_NUMERIC for a non-finite result.  On failure the
 * outputs are untouched. */
qs_status qs_weakdrive_first_order(const qs_weakdrive_params *p,
                                   double complex *sp_a1, double complex *sp_b1);

#endif
