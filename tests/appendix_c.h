/* qsync — analytic first-order (weak-drive) phase response of the driven
 * two-qubit oscillator, Appendix C of Vaidya et al. (two-qubit oscillator),
 * Eqs. (C1)-(C4).  Used by the tests as an independent reference for the
 * steady-state coherences <S+_A>, <S+_B>.
 *
 * Model (Eq. (4) with (C1)), qubits A and B (spin 1/2):
 *   H = Dd SzA + (Dd + Dq) SzB + (g/2)(S+A S-B + S-A S+B)
 *       + (eps/2)(S+A + S-A),
 *   dissipators D[sqrt(w_j) S+_j], D[sqrt(gamma_j) S-_j],
 *   D[sqrt(2 gamma_phi) Sz_j], j = A, B;  Gamma_j = w_j + gamma_j.
 * All rates and frequencies in the same (arbitrary) unit.
 */
#ifndef QSYNC_TESTS_APPENDIX_C_H
#define QSYNC_TESTS_APPENDIX_C_H

#include <complex.h>

typedef struct {
  double w_A, gamma_A; /* gain / loss rate of qubit A            */
  double w_B, gamma_B; /* gain / loss rate of qubit B            */
  double g;            /* exchange coupling (g/2)(S+A S-B + h.c.) */
  double delta_d;      /* drive detuning Delta_d                  */
  double delta_q;      /* qubit-qubit detuning Delta_q            */
  double gamma_phi;    /* dephasing rate (D[sqrt(2 gamma_phi) Sz]) */
} appendix_c_params;

/* First-order coefficients: <S+_A> ~ eps * (*sp_a1), <S+_B> ~ eps * (*sp_b1)
 * (<S+_j> is odd in eps -- conjugate by exp(i pi (SzA + SzB)) -- so the
 * next term is O(eps^3), i.e. a relative correction O(eps^2)).  Solves the
 * zeroth-order system (C3) and then the first-order system (C4) with LAPACK.
 *
 * Returns 0 on success; -1 if an argument is NULL or a parameter is not
 * finite; -2 if a rate is negative or the zeroth-order system cannot have a
 * unique solution (Gamma_A + Gamma_B == 0); > 0 (the LAPACK info) if a
 * linear system is exactly singular; -3 on any other LAPACK error or a
 * non-finite result.  On failure *sp_a1 and *sp_b1 are untouched. */
int appendix_c_first_order(const appendix_c_params *p, double complex *sp_a1,
                           double complex *sp_b1);

#endif /* QSYNC_TESTS_APPENDIX_C_H */
