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

#endif
