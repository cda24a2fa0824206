/* qsync — the Liouvillian gap: the slowest relaxation rates of a model.
 *
 * The eigenvalues mu of the Liouvillian L (lindblad.h) of a
 * time-independent model all have Re mu <= 0; one of them is 0 (the
 * steady state).  The few nonzero eigenvalues with the smallest |Re mu|
 * set how slowly the steady state is reached: a deviation along the
 * eigenvector of mu decays as exp(Re mu t) and rotates as exp(i Im mu t).
 * The gap |Re mu_0| bounds the error of an approximate steady state
 * rho_s in the driven-resonator paper's Appendix A.3 (|rho_s,perp| <=
 * eps / |lambda_1| with eps = ||L rho_s||; the paper's |lambda_1| is the
 * smallest |mu|, which is >= |Re mu_0|, so eps / gap is the looser and
 * safer bound).  Units: those of the model's rates (time^-1 in the
 * model's time unit).
 *
 * Methods:
 *   DENSE   LAPACK zgeev on the dense N^2 x N^2 Liouvillian: every
 *           eigenvalue, exact up to rounding; 16 N^4 bytes and O(N^6)
 *           work, for small models and as the independent check.
 *   ARPACK  implicitly restarted Arnoldi (ARPACK znaupd/zneupd) on
 *           (L - sigma)^{-1}, with L - sigma factorised once (per shift,
 *           below) by UMFPACK.
 *           The shift sigma is real and positive: every eigenvalue of L has
 *           Re mu <= 0 < sigma, so L - sigma is nonsingular although L is
 *           not; the eigenvalues 1/(mu - sigma) of largest modulus are
 *           those of L nearest sigma, the steady state's 0 first.  sigma is
 *           a tenth of the slowest single-quantum rate of the model (the
 *           smallest |c_k entry|^2 over all collapse operators: gamma_s for
 *           a decaying qubit, gamma for a damped cavity), so that the
 *           ordering by distance |mu - sigma| is close to the ordering by
 *           |mu| near the gap, while L - sigma stays well conditioned.
 *           Nearest to sigma is not smallest |Re mu|: an eigenvalue with a
 *           small |Re mu| and a large |Im mu| (e.g. a coherence between
 *           vacuum-Rabi-split states) lies far from sigma.  So ARPACK is
 *           run at several shifts sigma_j = sigma + i omega_j (one LU
 *           each, at most QS_GAP_MAX_SHIFTS), each time for K = 2 (nev +
 *           1) + 4 eigenvalues nearest sigma_j, and the results (with
 *           their complex conjugates: the spectrum is symmetric about the
 *           real axis) are merged.  omega_0 = 0; each next omega
 *           lies just beyond the |Im| range covered so far (im_window
 *           below), so the discs tile the imaginary axis, until the
 *           window reaches the largest |Im| of a predicted eigenvalue with
 *           |Re| <= 4 a, a being the |Re| of the nev-th eigenvalue found.
 *           The prediction is the spectrum -i (E_a - conj(E_b)) of the
 *           no-jump part of L (E_a the eigenvalues of H_eff, zgeev on
 *           N x N, for N <= QS_GAP_PREDICT_MAX_DIM; exact for the damped
 *           cavity; without it only omega = 0 is searched).  What is
 *           guaranteed: disc j (radius R_j = the largest |mu - sigma_j| it
 *           returned) holds every eigenvalue nearer sigma_j, so the list is
 *           exact among the eigenvalues with |Im mu| < im_window, the
 *           extent from 0 of the |Im| range over which one disc covers the
 *           whole segment -a <= Re mu <= 0.  An eigenvalue with a smaller
 *           |Re| than the last reported one and |Im| >= im_window (beyond
 *           the prediction's extent, or beyond QS_GAP_MAX_SHIFTS discs) is
 *           missed; a larger nev widens the discs.
 *   ARPACK_KRYLOV  as ARPACK, but each (L - sigma_j)^{-1} b is solved by
 *           GMRES (gmres.h) right-preconditioned with -(L0 + sigma_j)^{-1}
 *           of the Sylvester splitting L = -L0 + L1 (lindblad.h): L0 +
 *           sigma is a Sylvester equation on the Schur form of A = iH +
 *           (1/2) sum c^dag c (zgees once, ~10 s at N = 1600).  Memory
 *           O(N^2) (no LU); each solve is several GMRES iterations of
 *           ~3.5 N^3 multiply-adds, to relative accuracy max(tol, 1e-10):
 *           ~10 times slower than ARPACK where the LU fits (cavity with
 *           2 qubits, N = 80: 196 s against 17 s on a loaded machine).
 *   AUTO    DENSE for N^2 <= QS_GAP_DENSE_MAX_DIM2 (or when N^2 is too small
 *           for ARPACK's K), else ARPACK if its memory estimate fits the
 *           limit, else ARPACK_KRYLOV.
 *
 * Thread safety: reentrant for DENSE.  ARPACK keeps its reverse-
 * communication state in Fortran SAVE variables, so the ARPACK path holds
 * a process-wide lock around its Arnoldi loop: concurrent calls (a sweep
 * on several threads) are safe but their Arnoldi loops run one at a time.
 */
#ifndef QSYNC_GAP_H
#define QSYNC_GAP_H

#include <complex.h>
#include <stddef.h>

#include "qsync/model.h"

/* Most eigenvalues (besides 0) one call reports. */
#define QS_GAP_MAX_NEV 32

/* Most shifts (UMFPACK factorisations) of one ARPACK call. */
#define QS_GAP_MAX_SHIFTS 8

/* Largest N for which the shifts are placed by the H_eff prediction
 * (zgeev on N x N: 16 N^2 bytes, seconds at N = 2000); above it only
 * sigma on the real axis is used. */
#define QS_GAP_PREDICT_MAX_DIM 2500

/* Largest Liouvillian dimension N^2 for which AUTO picks DENSE (N = 20:
 * zgeev on a 400 x 400 matrix, 2.6 MB). */
#define QS_GAP_DENSE_MAX_DIM2 400

typedef enum {
  QS_GAP_AUTO,   /* DENSE for small models, else ARPACK (see above) */
  QS_GAP_DENSE,  /* LAPACK zgeev on the dense Liouvillian */
  QS_GAP_ARPACK, /* ARPACK shift-invert, one UMFPACK factorisation per shift */
  QS_GAP_ARPACK_KRYLOV /* the same with (L - sigma)^{-1} applied by GMRES
                          preconditioned with the Sylvester splitting (no LU) */
} qs_gap_method;

/* Options of qs_liouvillian_gap; qs_gap_options_default fills the
 * defaults. */
typedef struct {
  int nev;             /* eigenvalues besides 0 wanted, 1..QS_GAP_MAX_NEV.
                          Default: 4 */
  double tol;          /* ARPACK: relative accuracy of the Ritz values of
                          (L - sigma)^{-1} (ARPACK's tol), > 0 and < 1; the
                          eigenvalues of L then carry an error ~ tol
                          |mu - sigma|.  Default: 1e-12 */
  int max_iter;        /* ARPACK: most implicit restarts, >= 1.
                          Default: 1000 */
  double memory_limit; /* bytes the method may use; 0 =
                          qs_resources_default_memory_limit().  Default: 0 */
  qs_gap_method method; /* Default: QS_GAP_AUTO */
} qs_gap_options;

/* The defaults listed in qs_gap_options. */
void qs_gap_options_default(qs_gap_options *o);

/* What qs_liouvillian_gap found. */
typedef struct {
  int nconv;                        /* eigenvalues reported in mu (= nev on
                                       success; fewer when the model has
                                       fewer than nev + 1 eigenvalues) */
  double complex mu[QS_GAP_MAX_NEV]; /* sorted by |Re| ascending (ties: by
                                       Im descending), the zero eigenvalue
                                       removed; model rate units */
  double gap;                       /* |Re mu[0]| */
  double ratio;                     /* time-scale separation |Re mu[k]| /
                                       |Re mu[0]| with k = 1, or k = 2 when
                                       mu[1] = conj(mu[0]) (a pair is one
                                       damped oscillation: one decay
                                       rate), taken from every eigenvalue
                                       found (also beyond nev); NAN
                                       without one, +inf if the gap is 0 */
  int iterations;                   /* ARPACK restarts, summed over the
                                       shifts (0 for DENSE) */
  double residual_max;              /* ARPACK: max over the reported k of
                                       ||L v_k - mu_k v_k|| / ||v_k|| (rate
                                       units); DENSE: 0 (not computed) */
  const char *method;               /* "dense", "arpack" or "arpack_krylov"
                                       (static string) */
  double sigma;                     /* real part of ARPACK's shifts (0 for
                                       DENSE) */
  double im_window;                 /* the list holds every eigenvalue with
                                       |Im mu| < im_window whose |Re| is
                                       below the last one's (see above);
                                       +inf for DENSE */
} qs_gap_result;

/* The nev nonzero eigenvalues of the Liouvillian of `model` with the
 * smallest |Re| (see the methods above).  o may be NULL (defaults); msg
 * (msglen bytes) may be NULL.  Exactly one eigenvalue, the one of smallest
 * modulus, is taken as the steady state's 0 and removed; further
 * (near-)zero eigenvalues (several steady states) stay in mu and give
 * gap = 0.
 * Errors (msg names the value and what is allowed):
 *   QS_ERR_INVALID   NULL model or r, time-dependent terms, an option out
 *                    of range;
 *   QS_ERR_TOO_LARGE the method's memory estimate (qs_gap_memory_estimate)
 *                    exceeds the limit (msg: method, estimate and limit in
 *                    MiB, and what to change); nothing is allocated;
 *   QS_ERR_NOT_CONVERGED  ARPACK did not converge within max_iter;
 *   QS_ERR_NUMERIC   no eigenvalue near 0 (|mu| above sqrt(tol) sigma for
 *                    ARPACK) or non-finite values;
 *   QS_ERR_LAPACK    zgeev failed, or ARPACK returned an error (its info
 *                    code in msg);
 *   QS_ERR_UMFPACK, QS_ERR_SINGULAR (L - sigma singular), QS_ERR_NOMEM.
 * r is zeroed first and filled only on success. */
qs_status qs_liouvillian_gap(const qs_model *model, const qs_gap_options *o,
                             qs_gap_result *r, char *msg, size_t msglen);

/* Estimated peak bytes of `method` on `model` (AUTO: the method AUTO
 * picks):
 *   DENSE   16 N^4 (the matrix) + 40 N^2 (zgeev's eigenvalues and work)
 *           plus the sparse Liouvillian;
 *   ARPACK_KRYLOV  the sparse Liouvillian (160 bytes per nonzero), Q, T,
 *           the shifted T's, scratch and the GMRES basis (restart 30):
 *           38 N^2 16 bytes, plus the Arnoldi part below;
 *   ARPACK  the sparse-LU estimate of qs_steady_memory_estimate
 *           (QS_STEADY_SPARSE_LU: one factorisation lives at a time) plus
 *           (ncv + K + 4) N^2 16 bytes for the Arnoldi basis, ARPACK's
 *           work vectors and the eigenvectors (ncv = 2 K + 2 capped at
 *           N^2, K as above) plus 48 N^2 for the H_eff prediction.
 * Returns -1 for a NULL model or an unknown method. */
double qs_gap_memory_estimate(const qs_model *model, const qs_gap_options *o);

/* "auto", "dense", "arpack", "arpack_krylov" and the inverse
 * (case-insensitive; -1 for an unknown name). */
const char *qs_gap_method_name(qs_gap_method method);
int qs_gap_method_parse(const char *name);

#endif
