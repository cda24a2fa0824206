/* Private: making a square complex matrix a density matrix (exactly
 * Hermitian, unit trace), shared by the steady-state solvers
 * (steady_sylvester.c) and the periodic steady state (periodic.c), whose
 * GMRES iterates are projected back after every restart. */
#ifndef QSYNC_DENSITY_IMPL_H
#define QSYNC_DENSITY_IMPL_H

#include <complex.h>

#include "qsync/error.h"

/* X = (X + X^H) / 2 for n x n column-major X: exactly Hermitian (the
 * lower triangle is the conjugate of the upper, the diagonal real). */
void qs_hermitize(int n, double complex *x);

/* Hermitize, then scale to unit trace.  QS_ERR_NUMERIC (x Hermitized but
 * not scaled) if the trace is 0 or not finite. */
qs_status qs_density_normalize(int n, double complex *x);

#endif
