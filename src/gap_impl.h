/* Private: (L - sigma)^{-1} b by GMRES preconditioned with the shifted
 * Sylvester splitting, for qs_liouvillian_gap where the sparse LU of
 * L - sigma does not fit (see include/qsync/gap.h and src/gap_krylov.c). */
#ifndef QSYNC_GAP_IMPL_H
#define QSYNC_GAP_IMPL_H

#include <stddef.h>

#include "qsync/model.h"

typedef struct gap_krylov gap_krylov;

/* Schur form of A = iH + (1/2) sum c^dag c (zgees once) and the GMRES
 * workspace; L is the model's sparse Liouvillian (borrowed: it must
 * outlive the object).  Errors: QS_ERR_NOMEM, QS_ERR_LAPACK (msg says). */
qs_status qs_gap_krylov_create(const qs_model *model, const qs_op *L, gap_krylov **out,
                               char *msg, size_t msglen);

/* Set the shift sigma (Re sigma > 0 keeps L0 + sigma invertible). */
void qs_gap_krylov_set_shift(gap_krylov *k, double complex sigma);

/* x = (L - sigma)^{-1} b to relative accuracy ~tol: GMRES stops at
 * ||b - (L - sigma) x|| / ||x|| <= tol Re sigma (the error of x is at most
 * about ||r|| / Re sigma); QS_ERR_NOT_CONVERGED when it stops above.  b and
 * x do not alias. */
qs_status qs_gap_krylov_solve(gap_krylov *k, const double complex *b, double complex *x,
                              double tol);

/* GMRES iterations done by all solves so far. */
long qs_gap_krylov_iterations(const gap_krylov *k);

/* Free; accepts NULL and NULLs *k. */
void qs_gap_krylov_destroy(gap_krylov **k);

/* Bytes qs_gap_krylov_create allocates for an N-dimensional model
 * (Q, T, two shifted T, two scratch matrices and the GMRES basis). */
double qs_gap_krylov_memory(qs_index n);

#endif
