/* qsync — spectra: power spectral densities of trajectory signals (Welch,
 * FFTW) and steady-state emission spectra (quantum regression).
 *
 * Conventions (stated once, used by every output):
 *   angular frequency omega in the model's rate unit (rad per time unit);
 *   two-sided densities S(omega) = int C(tau) e^{-i omega tau} dtau, so a
 *   signal with autocovariance C(tau) = v e^{-K |tau|} (a telegraph with
 *   switching rates k12 + k21 = K, v its variance) has the Lorentzian
 *   S(omega) = 2 v K / (K^2 + omega^2) of half-width K, and
 *   int S(omega) domega / (2 pi) = v.
 *
 * Welch PSD: a signal sampled every dt, minus its own mean, is cut into
 * segments of `segment` samples overlapping by `overlap`; each is
 * multiplied by the periodic Hann window w_j = sin^2(pi j / segment) and its
 * periodogram
 * P_k = dt |FFT(w x)_k|^2 / sum w^2 taken at omega_k = 2 pi k / (segment dt),
 * k = 0 .. segment/2 (real-to-complex FFTW plan made once per segment
 * size).  The estimate is the mean over all segments of all signals added,
 * its standard error the standard deviation of the segment periodograms
 * over sqrt(number of non-overlapping segments) (overlapping segments are
 * not independent; with a single segment, its periodogram's relative error
 * 1 of a chi^2 with two degrees of freedom).  The segment must be much longer than 1/K for the
 * Lorentzian's top to be resolved (the Hann window smooths S over
 * sigma_omega^2 = 4 pi^2 / (3 T^2), T = segment dt, lowering a
 * Lorentzian's top by sigma_omega^2 / K^2 relative).  Neighbouring bins
 * are correlated by the window, so a fit's chi2_reduced is ~ 0.5 with
 * overlap 0.5 while its width_se is calibrated (tests/test_spectrum.c).
 *
 * Emission spectrum of an operator A (e.g. the cavity field a; sigma_- of
 * a qubit) in the steady state rho_ss of L (quantum-regression theorem):
 *   S(omega) = int <A^dag(tau) A(0)> e^{-i omega tau} dtau
 *            = 2 pi |<A>|^2 delta(omega) + S_inc(omega),
 *   S_inc(omega) = 2 Re int_0^inf e^{-i omega tau}
 *                  Tr[A^dag e^{L tau} ((A - <A>) rho_ss)] dtau,
 * with the sign convention of QuTiP's spectrum() (A^dag(tau) ~ e^{i w0 tau}
 * for A ~ e^{-i w0 t}: a peak at omega = +w0 of the frame).  The coherent
 * weight |<A>|^2 is returned apart; S_inc is computed
 *   RESOLVENT  by one sparse LU (UMFPACK) per omega of L - i omega with
 *              the rho_00 equation replaced by Tr Y = 0 (exact; equivalent
 *              to L - i omega + rho_ss Tr on traceless arguments, which
 *              removes L's zero mode, without the rank-one fill-in: see
 *              src/spectrum_qrt.c), or
 *   FFT        by integrating the regression equation to tau_max with the
 *              master-equation integrator (two Hermitian parts of X) and
 *              transforming with FFTW (trapezoid rule with its end
 *              correction, zero-padded 16x and interpolated to each
 *              omega; |omega| < pi (n_tau - 1) / tau_max required).
 * S_inc is in the frame of the model's time-independent H0 (the frame the
 * steady-state solvers use; a model's reporting frame_rate is undone).
 * Time-independent models only (QS_ERR_INVALID otherwise).  The
 * steady state must be unique (QS_ERR_SINGULAR otherwise).
 *
 * Lorentzian fit: S(omega) = A / (K^2 + omega^2) + B by weighted least
 * squares (weights 1/se^2, Levenberg-Marquardt from K at the half maximum)
 * over omega in [0, omega_max]; K with its
 * standard error from the fit's covariance (scaled by the reduced chi^2
 * when it exceeds 1).
 *
 * Thread safety: FFTW plan creation is serialized inside this module; a
 * qs_welch is used by one thread at a time; qs_lorentzian_fit and
 * qs_emission_spectrum are reentrant (the model is only read).
 */
#ifndef QSYNC_SPECTRUM_H
#define QSYNC_SPECTRUM_H

#include <complex.h>
#include <stddef.h>

#include "qsync/model.h"

/* ---- Welch PSD of sampled real signals --------------------------------- */

typedef struct qs_welch qs_welch;

/* segment 8 .. 2^30 samples, dt > 0 (model time units), overlap in
 * [0, 0.75] (fraction of a segment).  *w is NULL on failure.
 * QS_ERR_INVALID, QS_ERR_NOMEM (also when FFTW cannot make the plan). */
qs_status qs_welch_create(long segment, double dt, double overlap, qs_welch **w);
/* Free; accepts NULL and NULLs *w. */
void qs_welch_destroy(qs_welch **w);
/* Add the segments of one signal of n samples (its own mean removed);
 * a signal shorter than one segment adds nothing.  QS_ERR_INVALID for a
 * non-finite sample. */
qs_status qs_welch_add(qs_welch *w, const double *x, long n);
/* Frequencies omega_k (segment/2 + 1 of them), the PSD and its standard
 * error.  *n_freq receives segment/2 + 1; *n_segments (may be NULL) the
 * segments averaged.  QS_ERR_INVALID when no segment was added. */
qs_status qs_welch_result(const qs_welch *w, double *omega, double *psd, double *psd_se,
                          long *n_freq, long *n_segments);
/* segment / 2 + 1 */
long qs_welch_n_freq(const qs_welch *w);

/* ---- Lorentzian fit ------------------------------------------------------ */

typedef struct {
  double width, width_se;  /* K, half-width at half maximum (rate units) */
  double amplitude;        /* A */
  double background;       /* B */
  double chi2_reduced;
  int n_points;            /* points used */
} qs_lorentzian;

/* Fit over the points with 0 <= omega <= omega_max (omega_max <= 0: all)
 * and se > 0.  QS_ERR_INVALID with a message when fewer than 4 points or
 * the fit does not converge. */
qs_status qs_lorentzian_fit(const double *omega, const double *psd, const double *se,
                            long n, double omega_max, qs_lorentzian *fit, char *msg,
                            size_t msglen);

/* ---- emission spectrum by quantum regression ---------------------------- */

typedef enum { QS_SPECTRUM_RESOLVENT = 0, QS_SPECTRUM_FFT = 1 } qs_spectrum_method;

typedef struct {
  qs_spectrum_method method; /* Default RESOLVENT */
  double tau_max;            /* FFT: integration length, > 0 (model time
                                units); 0 = 20 / (the Liouvillian gap).
                                Default 0 */
  long n_tau;                /* FFT: samples of the correlation on
                                [0, tau_max], >= 16.  Default 4096 */
  double rtol, atol;         /* FFT: master-equation tolerances.  Default
                                1e-8, 1e-10 */
  int threads;               /* RESOLVENT: OpenMP threads over the
                                frequencies (each holds its own LU: memory
                                grows with it); the result does not depend
                                on it.  1 .. 1024.  Default 1 */
} qs_spectrum_options;

void qs_spectrum_options_default(qs_spectrum_options *o);
const char *qs_spectrum_method_name(qs_spectrum_method m);
int qs_spectrum_method_parse(const char *word);   /* -1 if unknown */

/* S_inc(omega[i]) for i < n_omega into S (real, >= 0 up to round-off) and
 * <A> into *mean_A (the coherent part is 2 pi |<A>|^2 delta(omega)).
 * rho_ss: the steady state (dim x dim column-major, qs_steady_state).
 * QS_ERR_INVALID (time-dependent model, A of the wrong dimension, bad
 * options) with a message, QS_ERR_NOMEM, QS_ERR_CVODE (FFT). */
qs_status qs_emission_spectrum(const qs_model *model, const qs_op *A,
                               const double complex *rho_ss, const double *omega,
                               long n_omega, const qs_spectrum_options *o, double *S,
                               double complex *mean_A, char *msg, size_t msglen);

#endif
