/* qsync — the weak-damping rate-equation series (R) and its dissipatively
 * dressed variant (R)* (driven-resonator paper, Section 2.2, Eqs. 15-30).
 *
 * The steady state of L = L_H + L_g,
 *   L_H rho = -i [H, rho],
 *   L_g rho = sum_k c_k rho c_k^dag - (G rho + rho G)/2,  G = sum_k c_k^dag c_k,
 * is expanded in powers of the damping, rho = rho_0 + rho_1 + rho_2 + ...,
 * in the eigenbasis H = sum_n e_n |n><n| (LAPACK zheevd on the dense H).
 * In that basis L_H is diagonal on the "pairs" |n><m|:
 *   L_H(|n><m|) = -i (e_n - e_m) |n><m|    (Eq. 27).
 *
 * Splitting.  Let S be the set of pairs (n, m) whose levels are degenerate
 * (the same cluster, below), always containing the diagonal n = m, P_S the
 * projection onto them and Q = 1 - P_S.  The unperturbed part is the
 * diagonal superoperator on the Q pairs
 *   L_0(|n><m|) = d_nm |n><m|,
 *   (R):   d_nm = -i (e_n - e_m),
 *   (R)*:  d_nm = -i (e_n - e_m) + D_nm,  D_nm = <n| L_g(|n><m|) |m>
 *          = sum_k (c_k)_nn conj((c_k)_mm) - (G_nn + G_mm)/2     (Eqs. 28-30),
 * and the perturbation is L_1 = L - L_0 (for (R) without degeneracies,
 * L_1 = L_g: the paper's Eq. 16).  Re D_nm <= 0 by Cauchy-Schwarz, so
 * |d_nm| >= |e_n - e_m| > 0 on every Q pair.
 *
 * Orders (Eqs. 20, 22-24).  Inserting the expansion in L rho = 0 and
 * collecting orders:
 *   order 0:  Q rho_0 = 0 and P_S L rho_0 = 0, Tr rho_0 = 1.  Without
 *     degeneracies P_S L P_S is the rate matrix of Eq. 21,
 *     W_mn = <m| L_g(|n><n|) |m> = sum_k |(c_k)_mn|^2 (m != n),
 *     W_nn = -sum_{m != n} W_mn, and rho_0 = diag(p) with W p = 0.
 *     (The columns of W sum to zero, Tr L = 0, which is why a non-zero p
 *     exists; the paper writes it as <1,...,1| K = 0.)
 *   order j+1, coherences (Eq. 22):  L_0 Q rho_{j+1} + Q L_1 rho_j = 0, i.e.
 *     (rho_{j+1})_nm = -[(L rho_j)_nm - d_nm (rho_j)_nm] / d_nm  on Q pairs;
 *   order j+1, populations (Eq. 23):  P_S L rho_{j+1} = 0, i.e.
 *     W_S x = -P_S L (Q rho_{j+1})  with W_S = P_S L P_S;
 *     W_S is singular (its kernel is rho_0) and the system is consistent
 *     (the diagonal rows of any L X sum to Tr L X = 0), and the kernel
 *     component is fixed by Tr rho_{j+1} = 0 — the paper's Eq. 24, which
 *     subtracts rho_0 Tr rho_{j+1}.
 * Implementation: W_S (M x M, M = number of S pairs; M = N without
 * degeneracies) is LU-factorised once with the row of the pair (0, 0)
 * replaced by the trace condition, as the dense steady-state solver does.
 * The dissipator is applied in the model's basis, where the c_k are
 * sparse: L_g X = V^dag D(V X V^dag) V.  Set-up: zheevd (~10 N^3 flops)
 * and one dense product per collapse operator (V^dag c_k V, formed once
 * for W_S and D_nm); each order: 7 dense N x N products (8 N^3 flops
 * each) whatever the number of collapse operators, plus sparse products.
 *
 * Residual.  Because P_S L rho_j = 0 and L_0 rho_{j+1} = -Q L_1 rho_j,
 * the partial sum S_J = rho_0 + ... + rho_J has L S_J = Q L_1 rho_J: the
 * residual of order J is the size of the next correction's source.
 * qsync accumulates L S_J = sum_j L rho_j explicitly (so rounding is
 * seen) and reports ||L S_J||_F / ||S_J||_F, which the eigenbasis does not
 * change (unitary invariance of the Frobenius norm).  The summation stops
 * at the first order with residual <= tol (converged), or when
 * QS_RATEEQ_PATIENCE successive orders have not lowered the best residual
 * (the series diverges or has reached its rounding floor; the paper stops
 * "when the residual error starts to increase"), or at max_order.  The
 * partial sum with the smallest residual is returned, transformed back to
 * the model's basis, and its residual recomputed there from the sparse H
 * and c_k (an independent check of the eigenbasis arithmetic).
 *
 * Degeneracies.  The paper's (R) needs gamma << min |e_n - e_m| (Eq. 26)
 * and is undefined for degenerate levels (division by e_n - e_m = 0).
 * qsync groups the sorted eigenvalues into clusters whose neighbours are
 * at most degeneracy_tol * max(1, max_n |e_n|) apart and puts every pair
 * inside a cluster into S: degenerate perturbation theory, where the
 * zeroth order is a block-diagonal density matrix (populations and the
 * coherences within each degenerate block) solving the block rate
 * equations P_S L P_S rho_0 = 0, with the small splittings inside a block
 * kept exactly in W_S.  Without degeneracies this is the paper's (R) and
 * (R)* unchanged.  The result reports how many pairs were grouped and the
 * smallest splitting left in the perturbative part, so a user can compare
 * it with the damping rates (Eq. 26).  Raising degeneracy_tol above the
 * damping rates resums nearly degenerate levels into the zeroth order.
 *
 * Memory: about 16 N^2 + M^2 complex numbers (16 bytes each), so N up to
 * a few thousand.
 *
 * Thread safety: reentrant (uses the BLAS threads).
 */
#ifndef QSYNC_RATEEQ_H
#define QSYNC_RATEEQ_H

#include <stddef.h>

#include "qsync/model.h"

/* Orders without a new smallest residual after which the summation stops
 * (a convergent series whose terms shrink irregularly may stall for an
 * order or two; a divergent one keeps growing). */
#define QS_RATEEQ_PATIENCE 3

/* Options of qs_rate_series; qs_rateeq_default_options() fills the
 * defaults. */
typedef struct {
  int max_order;          /* highest order summed, 0 .. 10000 (0: the rate
                             equation's populations only).  Default: 60 */
  double tol;             /* converged when ||L rho||_F / ||rho||_F <= tol,
                             > 0.  Default: 1e-10 */
  double degeneracy_tol;  /* levels closer than degeneracy_tol * max(1,
                             max |e_n|) (model's energy unit) are treated
                             as degenerate, >= 0.  Default: 1e-9 */
  int all_orders;         /* 1: sum every order up to max_order without
                             stopping early (residual-vs-order curves; the
                             best partial sum is still returned), 0: stop
                             as described above.  Default: 0 */
  void (*each_order)(int order, double residual, const double complex *rho,
                     void *data);
                          /* called on the calling thread after every order
                             with the partial sum's residual and the partial
                             sum itself (N*N, column-major, the model's
                             basis; valid during the call only), or NULL
                             (then no per-order back-transformation is done).
                             Default: NULL */
  void *each_order_data;  /* passed to each_order.  Default: NULL */
} qs_rateeq_options;

/* Why the summation stopped. */
typedef enum {
  QS_RATEEQ_CONVERGED, /* residual <= tol */
  QS_RATEEQ_DIVERGED,  /* QS_RATEEQ_PATIENCE orders without improvement, or
                          a non-finite term: the series diverges here (or
                          stalled at its rounding floor above tol) */
  QS_RATEEQ_MAX_ORDER  /* max_order reached with the residual above tol */
} qs_rateeq_outcome;

/* What a summation did. */
typedef struct {
  int order;                 /* order J of the returned partial sum */
  int orders_computed;       /* highest order computed */
  double residual;           /* ||L rho||_F / ||rho||_F of the returned rho,
                                recomputed in the model's basis */
  double zeroth_residual;    /* the same for rho_0 alone */
  int converged;             /* 1 when residual <= tol */
  qs_rateeq_outcome outcome;
  int degenerate_pairs;      /* pairs (n, m), n != m, treated as degenerate
                                (counted both ways; 0 without degeneracies) */
  double min_splitting;      /* smallest |e_n - e_m| over the perturbative
                                pairs (+inf when there are none) */
  double seconds;            /* wall-clock time */
} qs_rateeq_result;

/* The defaults listed in qs_rateeq_options. */
qs_rateeq_options qs_rateeq_default_options(void);

/* Sum the rate-equation series of `model`'s time-independent part:
 * star = 0 the paper's (R), star = 1 its (R)* (Eqs. 28-30).  opt NULL =
 * defaults.  rho (N*N, column-major, Hermitian, trace 1) receives the
 * partial sum with the smallest residual; r (may be NULL) what was done.
 * A series that does not converge is not an error: the status is QS_OK
 * with r->converged = 0 and r->outcome saying why (callers should warn).
 * Errors (msg, msglen bytes, says which value and what is allowed):
 *   QS_ERR_INVALID   NULL model/rho, time-dependent terms, star not 0/1,
 *                    an option out of range;
 *   QS_ERR_TOO_LARGE N above 46340 (LAPACK's int);
 *   QS_ERR_SINGULAR  the zeroth-order rate equations have no unique
 *                    solution (e.g. no damping, or several stationary
 *                    populations: a conserved quantity);
 *   QS_ERR_NUMERIC   a non-finite zeroth order or final state;
 *   QS_ERR_NOMEM, QS_ERR_LAPACK. */
qs_status qs_rate_series(const qs_model *model, int star, const qs_rateeq_options *opt,
                         double complex *rho, qs_rateeq_result *r, char *msg,
                         size_t msglen);

/* Residual ||L S_J||_F / ||S_J||_F of every partial sum S_J, J = 0 ..
 * opt->max_order (all orders, no early stop; the curves of the paper's
 * Figs. 3 and 4): residuals (opt->max_order + 1 entries) receives them,
 * *n_orders (may be NULL) how many were computed (fewer when a term became
 * non-finite; the rest are NaN).  rho (may be NULL) and r as in
 * qs_rate_series.  Errors as qs_rate_series, and QS_ERR_INVALID for NULL
 * residuals. */
qs_status qs_rate_series_residuals(const qs_model *model, int star,
                                   const qs_rateeq_options *opt, double *residuals,
                                   int *n_orders, double complex *rho, qs_rateeq_result *r,
                                   char *msg, size_t msglen);

/* Estimated peak bytes of qs_rate_series for `model` (M = N assumed:
 * degenerate blocks add their size squared), -1 for a NULL model. */
double qs_rate_series_memory(const qs_model *model);

/* Name of an outcome ("converged", "diverged", "max_order"). */
const char *qs_rateeq_outcome_name(qs_rateeq_outcome outcome);

#endif
