/* Private helpers of the spectrum modules (spectrum_welch.c, spectrum_qrt.c). */
#ifndef QSYNC_SPECTRUM_IMPL_H
#define QSYNC_SPECTRUM_IMPL_H

/* complex.h first: FFTW then makes fftw_complex the C99 double complex in
 * every file that includes this header. */
#include <complex.h>
#include <fftw3.h>

/* Real-to-complex plan of size n made with FFTW_ESTIMATE under the
 * module's planner lock (FFTW planning is not thread-safe); NULL when
 * FFTW cannot make it. */
fftw_plan qs_fftw_plan_r2c(int n, double *in, fftw_complex *out);
/* Complex-to-complex forward plan, same rules. */
fftw_plan qs_fftw_plan_c2c(int n, fftw_complex *in, fftw_complex *out);
/* Destroys p (NULL allowed) under the planner lock. */
void qs_fftw_destroy(fftw_plan p);

#endif
