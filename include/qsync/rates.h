/* qsync — effective two-level rates: the gain w and loss gamma of a qubit
 * fitted to a relaxation curve, and their extraction from the transmon
 * model (two-qubit-oscillator paper, Appendix E; `qsync rates`).
 *
 * ---- The fit (qs_rate_fit) ----------------------------------------------
 * Model: a two-level system with incoherent gain w (|g> -> |e>) and loss
 * gamma (|e> -> |g>); the excited population p obeys
 *     dp/dt = w (1 - p) - gamma p,
 * whose solution is p(t) = p_inf + (p(t0) - p_inf) exp(-Gamma (t - t0)) with
 *     Gamma = w + gamma,   p_inf = w / (w + gamma).
 * For samples p_k = p(t0 + k dt), k = 0..n-1, equally spaced by dt, the
 * exact solution satisfies the linear recursion
 *     p_{k+1} = r p_k + c,   r = exp(-Gamma dt),   c = p_inf (1 - r).
 * The fit is linear least squares of p_{k+1} on p_k over the n - 1 pairs
 * (slope r, intercept c; no iteration, no starting guess), then
 *     Gamma = -ln(r) / dt,  p_inf = c / (1 - r),
 *     w = Gamma p_inf,      gamma = Gamma (1 - p_inf).
 * For data that are exactly one exponential plus a constant the pairs lie
 * on a line, so the fit recovers w and gamma to rounding (any t0, any
 * starting value p_0 != p_inf, w = 0 included).  Assumptions: the samples
 * are equally spaced; the relaxation is a single exponential (transients
 * faster than a few dt, e.g. the decay of the transmon's |f> level or of
 * the auxiliary resonator, are cut off by starting the samples later:
 * t_skip below); the curve has visibly moved (a constant curve has no
 * slope: error).  Least squares on the recursion weighs the early, fast
 * moving part of the curve most; noise in p_k biases r slightly low (an
 * errors-in-variables effect), irrelevant for master-equation data.
 *
 * Quality: the fitted curve p_fit(t_k) = p_inf + A r^k, with the amplitude
 * A by least squares given r and p_inf, and rms = sqrt(mean (p_k -
 * p_fit_k)^2) — the departure of the data from the two-level model (0 to
 * rounding for exact exponential data).
 *
 * Units: Gamma, w, gamma in the inverse unit of dt (rate constants, i.e.
 * angular units: rad/us for dt in us; divide by 2 pi for the cyclic
 * rates the paper quotes as w/2pi).
 *
 * ---- The transmon rates (qs_transmon_rates) -----------------------------
 * As the paper (Appendix E): the transmons are decoupled (g = 0) and the
 * weak drive is off (eps = 0), so the model is time independent and the
 * two transmons relax independently; from |e>_A |e>_B with both resonators
 * in vacuum the master equation (the qs_me integrator of mesolve.h) gives
 * Pg_j(t), Pe_j(t) at t_k = t_end k / (n_times - 1); the qubit population
 * p_e,j = Pe_j / (Pg_j + Pe_j) (the {g, e} subspace, renormalized: the |f>
 * level and the resonator excitations are transients of the gain process)
 * over t_k >= t_skip is fitted per transmon.  Every other parameter
 * (pumps, shifts Delta_j, frequencies, gamma_phi) is the caller's.
 *
 * With g = eps = 0 every term acts on one transmon and its resonator, so
 * from the product initial state rho(t) = rho_A(t) (x) rho_B(t) exactly and
 * each factor obeys its own master equation.  qs_transmon_rates therefore
 * splits the model: H_A, H_B are the partial traces of H (divided by the
 * traced dimension), each collapse operator is assigned to the factor it
 * acts on, and the split is verified to rebuild H (up to a multiple of
 * the identity) and every c_k to 1e-12 relative; then the integrator
 * integrates the two factors (levels_q levels_r states each: 2 x 81
 * density-matrix entries instead of 6561 at the defaults, ~100 times
 * faster).  A model that does not split is integrated whole (as with
 * opt->whole = 1).  Both paths are the same master equation; the tests
 * check them against each other.
 *
 * Thread safety: reentrant.
 */
#ifndef QSYNC_RATES_H
#define QSYNC_RATES_H

#include <stddef.h>

#include "qsync/mesolve.h"
#include "qsync/model.h"

/* Everything qs_rate_fit_ex finds. */
typedef struct {
  double w, gamma;     /* gain and loss rates (1/unit of dt) */
  double Gamma;        /* w + gamma = -ln(r) / dt */
  double p_inf;        /* stationary population w / (w + gamma) */
  double r, c;         /* the recursion p_{k+1} = r p_k + c */
  double amplitude;    /* A of the fitted curve p_inf + A r^k */
  double rms;          /* rms of p_k - p_fit_k over the n samples */
} qs_rate_fit_result;

/* Fit n >= 3 finite samples p[0..n-1] spaced by dt > 0 (see above).
 * QS_ERR_INVALID (message in msg): n < 3, dt not finite and > 0, NULL p,
 * a non-finite sample, a constant curve (no variation of p_k), or a slope
 * r outside (0, 1 - 1e-10) — no decay: r >= 1 - 1e-10 (growth, a straight
 * line, or no relaxation within the window) or r <= 0 (faster than dt,
 * oscillating).  QS_ERR_NUMERIC
 * if a result is not finite. */
qs_status qs_rate_fit_ex(int n, double dt, const double *p, qs_rate_fit_result *res,
                         char *msg, size_t msglen);

/* The same without a message; any output pointer may be NULL. */
qs_status qs_rate_fit(int n, double dt, const double *p, double *w, double *gamma,
                      double *Gamma, double *p_inf, double *rms);

/* Options of qs_transmon_rates (times in us). */
typedef struct {
  double t_end;          /* last time. Default 20 us, > t_skip */
  int n_times;           /* samples on [0, t_end]. Default 401, >= 2 */
  double t_skip;         /* fit only t >= t_skip. Default 0.5 us, >= 0 */
  qs_mesolve_options me; /* integrator: default rtol 1e-8, atol 1e-10 */
  int whole;             /* 1: integrate the full model even when it splits
                            into two independent factors (checks). Default 0 */
} qs_rates_options;

qs_rates_options qs_rates_default_options(void);

/* Transmon index j: 0 = A, 1 = B. */
typedef struct {
  qs_rate_fit_result fit[2];  /* rates in 1/us (angular); kHz: x 1000 / (2 pi) */
  int n_times;                /* samples of the relaxation curve */
  int first;                  /* first fitted sample (t_first >= t_skip) */
  double *times;              /* n_times times (owned; qs_transmon_rates_release) */
  double *p_e[2];             /* n_times values Pe/(Pg+Pe) (owned) */
  double leak[2];             /* largest 1 - Pg - Pe (|f> and higher) over the
                                 fitted samples */
  int factorized;             /* 1 if integrated as two factors */
  qs_mesolve_stats stats;     /* work of the master equation (both factors) */
} qs_transmon_rate_result;

/* The effective rates of the transmon model at parameter values `values`
 * (type->n_params, table order; g and eps are overridden with 0).
 * QS_ERR_INVALID with a message: type is not "transmon", bad options
 * (fewer than 3 samples at t >= t_skip), invalid parameters, or a curve
 * that cannot be fitted (the message names the transmon); otherwise the
 * statuses of qs_model_create and of the integrator (qs_me_create,
 * qs_me_start, qs_me_evolve_to).  On success release the
 * arrays with qs_transmon_rates_release (also safe after a failure). */
qs_status qs_transmon_rates(const qs_model_type *type, const double *values,
                            const qs_rates_options *opt, qs_transmon_rate_result *res,
                            char *msg, size_t msglen);

void qs_transmon_rates_release(qs_transmon_rate_result *res);

/* Rate in 1/us (angular) -> cyclic kHz (rate / 2 pi, the paper's w/2pi). */
double qs_rate_to_khz(double rate_per_us);

#endif
