/* qsync — the Lindblad master equation: Liouvillian, exact steady state,
 * exact time evolution for small systems.
 *
 * Vectorization is column stacking, vec(A rho B) = (B^T kron A) vec(rho),
 * so vec(rho)[i + j*N] = rho_ij and a density matrix is stored as a dense
 * column-major N x N array.  The Liouvillian of a model with Hamiltonian H
 * and collapse operators c_k is
 *   L = -i (I kron H - H^T kron I)
 *       + sum_k [ conj(c_k) kron c_k - (1/2) I kron c_k^dag c_k
 *                 - (1/2) (c_k^dag c_k)^T kron I ].
 *
 * Thread safety: reentrant.
 */
#ifndef QSYNC_LINDBLAD_H
#define QSYNC_LINDBLAD_H

#include "qsync/model.h"

typedef enum {
  QS_STEADY_AUTO,      /* dense below QS_STEADY_DENSE_MAX_DIM, else sparse LU */
  QS_STEADY_DENSE,     /* LAPACK zgesv on the dense N^2 x N^2 system */
  QS_STEADY_SPARSE_LU  /* UMFPACK on the sparse system */
} qs_steady_method;

/* Largest Hilbert-space dimension N for which AUTO picks the dense solver
 * (dense memory 16 N^4 bytes: 16 MiB at N = 32). */
#define QS_STEADY_DENSE_MAX_DIM 32

/* Largest dense Liouvillian the dense methods accept, in bytes. */
#define QS_DENSE_MAX_BYTES ((double)(2u << 30))

/* Build the Liouvillian (dimension N^2) of the time-independent part of
 * `model`.  QS_ERR_INVALID if the model has time-dependent terms. */
qs_status qs_liouvillian_build(const qs_model *model, qs_op **L);

/* Solve L vec(rho) = 0 with Tr rho = 1 (the row of L for rho_00 is
 * replaced by the trace condition; valid because the diagonal rows of L
 * sum to zero by trace preservation).  rho: N*N entries, column-major.
 * residual (may be NULL) receives ||L vec(rho)||_2 / ||vec(rho)||_2.
 * Errors: QS_ERR_TOO_LARGE (dense beyond QS_DENSE_MAX_BYTES),
 * QS_ERR_SINGULAR (no unique steady state), QS_ERR_LAPACK/UMFPACK. */
qs_status qs_steady_state(const qs_model *model, qs_steady_method method,
                          double complex *rho, double *residual);

/* Exact rho(t) = exp(L t) rho0 for small systems, by scaling and squaring
 * of a Taylor series of the dense Liouvillian (error ~1e-14 relative).
 * rho0: N*N; rho_t: n_times*N*N, times >= 0 in any order. */
qs_status qs_lindblad_evolve_dense(const qs_model *model,
                                   const double complex *rho0, int n_times,
                                   const double *times, double complex *rho_t);

/* Name of a method ("auto", "dense", "sparse_lu") and its inverse
 * (returns -1 for an unknown name). */
const char *qs_steady_method_name(qs_steady_method method);
int qs_steady_method_parse(const char *name);

#endif
