/* qsync — the transmon model (two-qubit-oscillator paper, Appendix E)
 * mapped onto the qubit model qubit_osc (Eq. 4) with S = 1/2, for
 * comparing the two (Figs. 10 and 11).
 *
 * Parameters (qubit_osc works in rad/us when fed from a transmon, whose
 * keys are cyclic frequencies in MHz or kHz):
 *   w_j, gamma_j = the effective rates fitted by qs_transmon_rates (1/us,
 *                  angular; a fitted value below 0 is a zero rate),
 *   g_spin   = 2 g    (E1 couples with g (bA^dag bB + h.c.), Eq. 4 with
 *                      (g/2)(S+S- + h.c.)),
 *   eps_spin = 2 eps  (E1 drives with eps (bA + bA^dag), Eq. 4 with
 *                      (eps/2)(S+ + S-)),
 *   delta_d  = -2 pi detuning_d   (qubit A minus drive),
 *   delta_q  =  2 pi (f_qB - f_qA) (the shifted qubit frequencies),
 *   gamma_phi = gamma_phi_A / 2   (D[sqrt(gphi) b^dag b] = D[sqrt(2 gphi/2) Sz]
 *                                  on {g, e}; qubit_osc has one dephasing
 *                                  rate, so A and B must agree),
 *   with g, eps, detuning_d, gamma_phi in kHz x 2 pi / 1000 -> rad/us.
 *
 * Two-qubit states are 4 x 4, column-major, in qubit_osc's basis: index
 * iA * 2 + iB with 0 = up = |e>, 1 = down = |g> (qs_transmon_qubit_state
 * projects a transmon state into it).
 *
 * Thread safety: reentrant.
 */
#ifndef QSYNC_QUBIT_MAP_H
#define QSYNC_QUBIT_MAP_H

#include "qsync/model.h"
#include "qsync/rates.h"
#include "qsync/sync.h"

/* U(1) charges of the basis ee, eg, ge, gg (total S^z + 1 = 2S - iA - iB). */
extern const int qs_qubit_map_charge[4];

/* rates[4] = w_A, gamma_A, w_B, gamma_B (1/us) of a fit, negatives -> 0. */
void qs_qubit_map_rates(const qs_transmon_rate_result *fit, double rates[4]);

/* qubit_osc parameter values (qubit_osc's n_params, table order; defaults
 * for the keys not listed above) for transmon values tv at coupling g_khz
 * and drive eps_khz (both kHz), with the fitted rates.  QS_ERR_INVALID if
 * `transmon` lacks QS_MODEL_CAP_TRANSMON_PAIR or gamma_phi_A != gamma_phi_B (the
 * message says which). */
qs_status qs_qubit_map_values(const qs_model_type *transmon, const double *tv,
                              const double rates[4], double g_khz, double eps_khz,
                              double *qubit_values, char *msg, size_t msglen);

/* The exact steady state of qubit_osc at qubit_values (dense solver: the
 * model is 4 x 4): pt receives its observables and Omega, rho2 (may be
 * NULL) the state, sp its <S+_A>, <S+_B> (the observables Sp_A, Sp_B,
 * found by name).  Errors of qs_steady_point_eval with the message. */
qs_status qs_qubit_map_steady(const double *qubit_values, qs_steady_point *pt,
                              double complex *rho2, double complex sp[2], char *msg,
                              size_t msglen);

/* <S+_A>, <S+_B> of a two-qubit state: <S+> = Tr(rho |e><g|) = <g|rho|e>. */
void qs_qubit_map_coherences(const double complex rho2[16], double complex sp[2]);

/* Zero the elements of rho2 between different charges; returns the
 * largest modulus dropped.  The undriven qubit model is U(1) symmetric,
 * and so is the undriven transmon state averaged over infinite time (the
 * pumps' coherences rotate in the drive frame); Omega's eigenbasis is then
 * taken inside the S^z blocks, as for the qubit model, which matters when
 * the undriven state is degenerate. */
double qs_qubit_map_u1_symmetrize(double complex rho2[16]);

/* Projected two-qubit quantities of a driven transmon state rho (with its
 * undriven counterpart rho_u, each of its own model): sp = <S+_A>,
 * <S+_B>, Omega (qs_sync_measure of rho2 against the symmetrized rho2_u),
 * p_qubit (population left in the qubit subspace) and *dropped (what the
 * symmetrization removed; a large value means the time average did not
 * remove the pumps' rotating coherences).  Errors of
 * qs_transmon_qubit_state and qs_sync_measure. */
typedef struct {
  double complex sp[2];
  double omega, p_qubit, dropped;
} qs_qubit_map_projection;
qs_status qs_qubit_map_project(const qs_model *model, const double complex *rho,
                               const qs_model *model_u, const double complex *rho_u,
                               qs_qubit_map_projection *out);

/* Transmon state rho = rho_base + E(rho2 - rho2_ref), where E puts a
 * two-qubit matrix on {g, e} x {g, e} of a transmon model with the
 * resonators empty (rho: dim*dim column-major, written whole).  Used as
 * the start of the transmon master equation with rho_base the exact
 * steady state at g = 0, eps = 0 and rho2, rho2_ref the qubit model's
 * states at the point and at g = eps = 0: only the difference between the
 * two models then has to relax.  QS_ERR_INVALID for a model that is not a
 * transmon. */
qs_status qs_qubit_map_embed(const qs_model *model, const double complex *rho_base,
                             const double complex rho2[16], const double complex rho2_ref[16],
                             double complex *rho);

#endif
