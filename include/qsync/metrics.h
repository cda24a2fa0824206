/* qsync — metrics of density matrices.
 *
 * Density matrices are dense column-major dim x dim arrays.
 * Thread safety: reentrant.
 */
#ifndef QSYNC_METRICS_H
#define QSYNC_METRICS_H

#include "qsync/op.h"

/* Eigenvalues (ascending) of the Hermitian part (A + A^dag)/2 of a.
 * QS_ERR_LAPACK if zheev fails. */
qs_status qs_hermitian_eigenvalues(qs_index dim, const double complex *a,
                                   double *eigenvalues);

/* Trace distance D(a, b) = (1/2) ||a - b||_1 = (1/2) sum |eig(a - b)|
 * of two Hermitian matrices (their Hermitian parts are used). */
qs_status qs_trace_distance(qs_index dim, const double complex *a,
                            const double complex *b, double *distance);

/* Largest |a_ij - conj(a_ji)|: zero for a Hermitian matrix. */
double qs_hermiticity_error(qs_index dim, const double complex *a);

/* Trace. */
double complex qs_trace(qs_index dim, const double complex *a);

/* ---- Subsystems and entropy ------------------------------------------- */

/* Reduced density matrix of the subsystems whose bit is set in keep_mask.
 *   n_sub:     number of subsystems, 1..QS_MAX_SUBSYSTEMS.
 *   dims:      their dimensions (>= 1), ordered as in qs_space: subsystem 0
 *              is the leftmost, slowest-varying factor, so the basis index
 *              is ((i0 * d1 + i1) * d2 + i2) ... (as qs_op_kron/qs_op_embed).
 *   keep_mask: bit j set = keep subsystem j; 0 keeps nothing (out = Tr rho,
 *              a 1 x 1 matrix); bits >= n_sub are invalid.
 *   rho:       column-major D x D, D = product of all dims.
 *   out:       column-major d x d, d = product of the kept dims, kept
 *              subsystems in their original order; must not overlap rho.
 * QS_ERR_INVALID for NULL pointers or values out of range. */
qs_status qs_partial_trace(int n_sub, const qs_index *dims, unsigned keep_mask,
                           const double complex *rho, double complex *out);

/* von Neumann entropy S = -Tr rho ln rho (natural log, nats) of the
 * Hermitian part of rho.  Eigenvalues <= 0 (rounding noise of a positive
 * matrix) contribute 0.  QS_ERR_INVALID, QS_ERR_NOMEM, QS_ERR_LAPACK. */
qs_status qs_von_neumann_entropy(qs_index dim, const double complex *rho,
                                 double *entropy);

/* ---- Spin phase space (two-qubit-oscillator paper Sec. II C, App. A) -----
 *
 * Spin S = two_s / 2, two_s = 1..QS_SPIN_TENSOR_MAX_TWO_S, basis of
 * qs_op_spin (index i is m = S - i); rho is (2S+1) x (2S+1) column-major.
 *
 * Coherent state: |theta,phi> = exp(-i phi S^z) exp(-i theta S^y) |S,S>,
 * the state pointing along (sin th cos ph, sin th sin ph, cos th):
 *   <S,m|theta,phi> = sqrt(C(2S, S-m)) cos(th/2)^{S+m} sin(th/2)^{S-m} e^{-i m phi}.
 * With it the qubit Q function is exactly the paper's Eq. 7,
 *   Q = 1/2 + <S^z> cos th + Re[<S^+> e^{-i phi}] sin th.
 * (The paper's text defines |theta,phi> = e^{+i phi S^z} e^{+i theta S^y}|S,S>,
 * which points along phi' = pi - phi and would change the sign of the
 * <S^+> term; we follow the printed Eq. 7 and Eq. 8, as does DESIGN.md.)
 * Q is unnormalized as in the paper: integral of Q over the unit sphere is
 * 4 pi / (2S+1) Tr rho.
 *
 * Spherical-tensor expectations are stored as an array of (2S+1)^2 complex
 * numbers, <T^k_q> = Tr(rho T^k_q) at index k*k + k + q, k = 0..2S,
 * q = -k..k, with T^k_q from qs_op_spin_tensor. */

/* Q(theta, phi) = <theta,phi| rho |theta,phi> (paper Eq. 6) from the
 * coherent-state amplitudes; theta, phi in radians (any real value).
 * Returns the real part (rho is assumed Hermitian).  QS_ERR_INVALID. */
qs_status qs_spin_husimi_q(int two_s, const double complex *rho, double theta,
                           double phi, double *q);

/* Fill tensor_expect[k*k + k + q] = Tr(rho T^k_q) for a single-spin rho.
 * QS_ERR_INVALID, QS_ERR_NOMEM. */
qs_status qs_spin_tensor_expectations(int two_s, const double complex *rho,
                                      double complex *tensor_expect);

/* The same Q as qs_spin_husimi_q, through the spherical-tensor expansion
 * (paper Eq. A1).  {T^k_q} is an orthonormal operator basis, so
 * rho = sum_{k,q} <T^k_q^dag> T^k_q and
 *   Q = sum_{k,q} <T^k_q^dag> <theta,phi|T^k_q|theta,phi>,
 *   <theta,phi|T^k_q|theta,phi> = t_k sqrt((k-q)!/(k+q)!) P_k^q(cos th) e^{i q phi},
 * because R^dag T^k_q R = sum_q' T^k_q' D^k_{q'q}(R^-1), only q' = 0 has a
 * diagonal element in |S,S> (namely t_k = <S S; S -S | k 0>), and
 * D^k_{0q}(R^-1) = conj(D^k_{q0}(phi, theta, 0)) is the normalized Legendre
 * function above (Condon-Shortley phase; P_k^{-q} = (-1)^q (k-q)!/(k+q)! P_k^q).
 * Racah's sum for m1 = S, m2 = -S has the single term s = 0, giving
 *   t_k = (2S)! sqrt(2k+1) / sqrt((2S-k)! (2S+k+1)!)
 * (t_0 = 1/sqrt(2S+1); the paper's weights are c_kq = t_k sqrt((k-q)!/(k+q)!)).
 * <T^k_q^dag> = conj(<T^k_q>) for Hermitian rho, so the paper's <T_k^{-q}>
 * carries an extra (-1)^q here; with it the qubit case reduces to Eq. 7.
 *   tensor_expect: (2S+1)^2 values as filled by qs_spin_tensor_expectations.
 * Returns the real part.  QS_ERR_INVALID. */
qs_status qs_spin_husimi_q_tensor(int two_s, const double complex *tensor_expect,
                                  double theta, double phi, double *q);

/* Points of the Gauss-Legendre rule in theta on [0, pi] used for the
 * theta integrals of P_k^q(cos th) sin th (trigonometric polynomials of
 * degree <= 2S + 1 <= 21): 64 points integrate them to ~1e-15. */
#define QS_PHASE_QUADRATURE_POINTS 64

/* Azimuthal phase distribution relative to uniform (paper Eq. 8):
 *   delta P(phi) = P(phi) - 1/(2 pi),
 *   P(phi) = (2S+1)/(4 pi) * integral_0^pi sin th Q(th, phi) dth,
 * normalized so that the integral of P over phi is Tr rho (= 1).  For
 * qubits delta P = Re[<S^+> e^{-i phi}] / 4.  Computed through the tensor
 * expansion: P = (2S+1)/(4 pi) sum_{k,q} conj<T^k_q> t_k
 * sqrt((k-q)!/(k+q)!) e^{i q phi} I_kq, I_kq = integral_{-1}^{1} P_k^q(x) dx
 * (zero for q = 0 < k; Gauss-Legendre in theta, QS_PHASE_QUADRATURE_POINTS).
 * Only the q != 0 terms vary with phi.  QS_ERR_INVALID, QS_ERR_NOMEM. */
qs_status qs_spin_phase_distribution(int two_s, const double complex *rho,
                                     double phi, double *delta_p);

/* ---- Synchronization measure (two-qubit-oscillator paper Sec. II D, App. B)
 *
 * charge[i] is the U(1) quantum number (e.g. twice the total S^z) of basis
 * state i; states with equal charge form one block.  charge == NULL means
 * a single block (no symmetry information). */

/* Eigenvalues of rho_u closer than QS_SYNC_DEGENERACY_TOL * max(1, |lambda|)
 * (consecutive, within one charge block) are treated as degenerate. */
#define QS_SYNC_DEGENERACY_TOL 1e-9

/* rho_u elements between different charges larger than this in modulus
 * make qs_sync_measure fail: rho_u is not U(1)-symmetric under `charge`. */
#define QS_SYNC_SYMMETRY_TOL 1e-8

/* Relative entropy of synchronization with diagonal limit-cycle states,
 * paper Eq. 11:  Omega = S(rho_diag) - S(rho), where rho_diag keeps only the
 * diagonal of rho in the eigenbasis {|lambda_j>} of the undriven steady
 * state rho_u, i.e. rho_diag_jj = <lambda_j|rho|lambda_j>.
 * Choice of the eigenbasis (it is not unique when rho_u is degenerate):
 *  1. rho_u commutes with the charge, so its eigenvectors are taken inside
 *     each charge block (LAPACK zheev on the block).  Degeneracies BETWEEN
 *     blocks (e.g. g = 0, or w = gamma) therefore never mix charges.
 *  2. Inside a block, a cluster of degenerate eigenvalues (span V_c) leaves
 *     the basis of that subspace free.  Eq. 10 asks for the minimum of the
 *     relative entropy over all admissible limit-cycle states; the diagonal
 *     of V_c^dag rho V_c in any basis is majorized by its eigenvalues, so by
 *     Schur concavity of the entropy the minimum is reached in the
 *     eigenbasis of the compression V_c^dag rho V_c: the cluster's vectors
 *     are rotated to diagonalize it.  (Example: g = 0 with equal baths,
 *     where the S^z = 0 block of rho_u is proportional to the identity.)
 * Then Omega = -sum_j p_j ln p_j - S(rho) with p_j = <lambda_j|rho|lambda_j>.
 * Omega >= 0 in exact arithmetic; values in (-1e-14, 0) are set to 0.
 * Hermitian parts of rho and rho_u are used.
 *   dim:    Hilbert-space dimension (>= 1).
 *   charge: dim labels, or NULL.
 *   rho:    driven state, rho_u: undriven steady state (both dim x dim).
 *   omega:  result in nats.
 * QS_ERR_INVALID for bad arguments or a rho_u that is not block diagonal
 * (QS_SYNC_SYMMETRY_TOL); QS_ERR_NOMEM; QS_ERR_LAPACK. */
qs_status qs_sync_measure(qs_index dim, const int *charge,
                          const double complex *rho,
                          const double complex *rho_u, double *omega);

/* Synchronization measure with partially coherent limit-cycle states
 * (paper App. B): Omega_B = min S(rho || sigma) over states sigma that are
 * block diagonal in the charge blocks (any coherence inside a block).
 * The minimizer is the pinching P(rho) = sum_b Pi_b rho Pi_b (Pi_b the
 * projector on block b), so Omega_B = S(P(rho)) - S(rho).  Proof: ln sigma
 * is block diagonal, hence Tr rho ln sigma = Tr P(rho) ln sigma, and
 *   S(rho||sigma) = -S(rho) - Tr P(rho) ln sigma
 *                 = S(P(rho)) - S(rho) + S(P(rho)||sigma)
 *                >= S(P(rho)) - S(rho),
 * with equality for sigma = P(rho) (Klein's inequality), which is itself
 * block diagonal.  (If sigma is singular the relative entropy is +inf or
 * the same bound holds on its support.)
 * Omega_B <= Omega of qs_sync_measure for the same charges, with equality
 * when rho has no coherence inside blocks in rho_u's eigenbasis.
 * Arguments and errors as qs_sync_measure (no rho_u). */
qs_status qs_sync_measure_blocks(qs_index dim, const int *charge,
                                 const double complex *rho, double *omega);

/* ---- Two-qubit entanglement and Bell nonlocality (driven-resonator paper)
 *
 * Basis conventions as qs_op_spin / qs_op_kron: qubit index 0 = spin up
 * (m = +1/2), 1 = spin down; a two-qubit state has index i1*2 + i2 with
 * qubit 1 the more significant factor, so rho4 is 4 x 4 column-major,
 * rho4[i + j*4] = rho_ij.  Pauli matrices in this basis: sigma_z =
 * diag(1, -1), sigma_x = |0><1| + |1><0|, sigma_y = -i|0><1| + i|1><0|.
 * Only the Hermitian part of rho enters (rounding noise in a computed
 * density matrix is not a physical asymmetry). */

/* Negativity N = (||rho^{T_B}||_1 - 1)/2 of a bipartite state, computed as
 * the sum of |negative eigenvalues| of the partial transpose
 *   (rho^{T_B})_{(i1 i2),(j1 j2)} = rho_{(i1 j2),(j1 i2)},
 * which equals the trace-norm form for Tr rho = 1 and does not depend on
 * the normalization otherwise.  rho^{T_A} = (rho^{T_B})^T has the same
 * spectrum, so N is the same for either choice (DESIGN.md writes T_A).
 * 0 for separable states (up to rounding, ~1e-16), 1/2 for a Bell state,
 * (d - 1)/2 for a maximally entangled d x d state.
 *   dim_a, dim_b: subsystem dimensions (>= 1), subsystem A the more
 *                 significant factor (index i1 * dim_b + i2).
 *   rho:          column-major D x D, D = dim_a * dim_b.
 *   negativity:   result (>= 0).
 * QS_ERR_INVALID for NULL pointers, a dimension < 1 or D too large for
 * LAPACK; QS_ERR_NOMEM; QS_ERR_LAPACK if zheev fails. */
qs_status qs_negativity(qs_index dim_a, qs_index dim_b,
                        const double complex *rho, double *negativity);

/* Directions passed to qs_chsh_value must have | |a| - 1 | <= this. */
#define QS_CHSH_UNIT_TOL 1e-9

/* Bell-CHSH value of one measurement setting,
 *   <A B> + <A B'> + <A' B> - <A' B'>,
 * A = a.sigma (x) I, A' = a2.sigma (x) I on qubit 1 and B = I (x) b.sigma,
 * B' = I (x) b2.sigma on qubit 2.  Computed as a^T T (b + b2) +
 * a2^T T (b - b2) with the correlation matrix T_ij = Re Tr(rho
 * sigma_i (x) sigma_j), i, j = x, y, z.  Local realism bounds it by 2 in
 * modulus; quantum states by 2 sqrt 2 (Tsirelson).
 *   rho4:  4 x 4 two-qubit density matrix.
 *   a, a2, b, b2: unit vectors (x, y, z), within QS_CHSH_UNIT_TOL.
 *   value: result.
 * QS_ERR_INVALID for NULL pointers or a direction that is not a unit
 * vector. */
qs_status qs_chsh_value(const double complex *rho4, const double a[3],
                        const double a2[3], const double b[3],
                        const double b2[3], double *value);

/* Maximal CHSH value over all measurement directions, Horodecki closed
 * form (R. Horodecki, P. Horodecki, M. Horodecki, Phys. Lett. A 200, 340
 * (1995)): with T as in qs_chsh_value and u1 >= u2 the two largest
 * eigenvalues of M = T^T T,
 *   chsh = 2 sqrt(u1 + u2).
 * Why: for fixed b, b2 the best a, a2 are T(b + b2) and T(b - b2)
 * normalized; b + b2 = 2 cos(t) c, b - b2 = 2 sin(t) c' with c, c' orthogonal unit
 * vectors, so chsh = 2 max (cos t |T c| + sin t |T c'|) = 2 sqrt(u1 + u2),
 * reached for c, c' the top eigenvectors of M.
 * 2 sqrt 2 for every Bell state, 2 sqrt 2 p for the Werner state
 * p |psi-><psi-| + (1 - p) I/4, <= 2 for every separable state (> 2
 * certifies entanglement; the converse does not hold).
 *   rho4: 4 x 4 two-qubit density matrix.
 *   chsh: result (>= 0).
 * QS_ERR_INVALID for NULL pointers; QS_ERR_LAPACK if dsyev fails. */
qs_status qs_chsh_max(const double complex *rho4, double *chsh);

/* qs_chsh_max together with measurement directions that reach it:
 * qs_chsh_value(rho4, a, a2, b, b2) = chsh up to rounding.  Construction
 * (see qs_chsh_max): e1, e2 top eigenvectors of M, tan t = sqrt(u2/u1),
 *   b = cos t e1 + sin t e2,  b2 = cos t e1 - sin t e2,
 *   a = T e1 / |T e1|,        a2 = T e2 / |T e2|
 * (an arbitrary unit vector, z, where T e_k = 0 and the term vanishes).
 * The optimum is not unique (degenerate M, e.g. Bell states, or the sign
 * of each eigenvector); this is one of them.  In general it is rotated
 * away from the textbook settings with 45 degrees between a and b.
 *   a, a2, b, b2: unit vectors (x, y, z), written.
 * Errors as qs_chsh_max. */
qs_status qs_chsh_optimal_settings(const double complex *rho4, double a[3],
                                   double a2[3], double b[3], double b2[3],
                                   double *chsh);

#endif
