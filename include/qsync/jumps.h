/* qsync — telegraph analysis of bistable trajectory signals: two
 * metastable states, dwell times, switching rates.
 *
 * A long quantum trajectory of a bistable model (driven-resonator paper,
 * Sec. 3, Fig. 1) produces a signal x(t) — e.g. the conditional <n> —
 * that hops between two levels.  This module turns sampled signals into a
 * two-state record and the record into switching statistics:
 *
 *   qs_telegraph_fit       levels (and thresholds or HMM parameters) from
 *                          the pooled signals of all trajectories;
 *   qs_telegraph_classify  one signal -> one state (0 = low, 1 = high) per
 *                          sample;
 *   qs_dwells_add          the dwells of one classified record;
 *   qs_switching_rates     maximum-likelihood rates with confidence
 *                          intervals from all dwells.
 *
 * Detection (qs_telegraph_method):
 *   THRESHOLD  the pooled histogram must be bimodal: its two highest
 *              separated maxima are the levels x0 < x1, the threshold is
 *              the histogram minimum between them; a switch is declared
 *              only when the signal crosses the far edge of a hysteresis
 *              band around the threshold (width `hysteresis` (x1 - x0),
 *              split in proportion to the threshold's distances to x0 and
 *              x1 so the band never leaves [x0, x1]), so noise on the
 *              threshold does not count as switching.  Refused
 *              (QS_ERR_INVALID with a message) when the histogram is not
 *              bimodal.  The histogram is smoothed once with the binomial
 *              kernel (1, 2, 1)/4 before its maxima are searched, so that
 *              single-bin counting noise makes no maxima.
 *   HMM        a two-state hidden Markov model with Gaussian emissions
 *              (means, widths, per-sample switching probabilities) fitted
 *              by Baum-Welch on the pooled signals, started from the
 *              histogram levels; records decoded by Viterbi.
 *
 * Rates: dwells in state s are exponential with rate k_s (s -> other) for
 * a Markov switch.  With d_s observed switches out of s and total time T_s
 * in s the maximum likelihood estimate is k_s = d_s / T_s; its standard
 * error k_s / sqrt(d_s) and its confidence interval k_s exp(-/+ z /
 * sqrt(d_s)) (log-normal approximation, z the normal quantile of
 * `confidence`).  Censoring: the first and the last dwell of each record
 * (start, resp. end unknown) count in T_s.  The first dwell also counts in
 * d_s when it ends in a switch: the switch is observed and, the process
 * being memoryless, the observed part of that dwell is exponential with
 * the same k_s (likelihood k_s exp(-k_s t)); the last dwell contributes
 * its survival exp(-k_s t) only.  Neither is a complete dwell: both are
 * left out of the dwell lists, histograms and the CV, whose meaning needs
 * the whole dwell.  Times are in the model's time unit, rates in its rate
 * unit.
 *
 * Thread safety: reentrant; a qs_dwells is used by one thread at a time.
 */
#ifndef QSYNC_JUMPS_H
#define QSYNC_JUMPS_H

#include <stddef.h>

#include "qsync/error.h"

typedef enum { QS_TELEGRAPH_THRESHOLD = 0, QS_TELEGRAPH_HMM = 1 } qs_telegraph_method;

typedef struct {
  qs_telegraph_method method; /* Default THRESHOLD */
  int n_bins;                 /* histogram bins over [min, max] of the pooled
                                 signals, >= 8.  Default 100 */
  double hysteresis;          /* THRESHOLD: band width as a fraction of
                                 x1 - x0, in [0, 0.9].  Default 0.2 */
  double min_dip;             /* bimodality: the histogram minimum between
                                 the peaks must be below min_dip times the
                                 lower peak, in (0, 1).  Default 0.5 */
  int hmm_max_iter;           /* Baum-Welch iterations, >= 1.  Default 200 */
  double hmm_tol;             /* stop when the log-likelihood per sample
                                 changes less than this.  Default 1e-9 */
  double confidence;          /* confidence level of the rate intervals, in
                                 (0, 1).  Default 0.95 */
  double peak_significance;   /* bimodality: the lower peak must also exceed
                                 the dip by this many counting errors
                                 sqrt(peak + dip) (Poisson error of the raw
                                 histogram; the smoothed one fluctuates
                                 less), so sparse tail bins make no second
                                 peak, >= 0.  Default 4 */
} qs_telegraph_options;

void qs_telegraph_options_default(qs_telegraph_options *o);
/* "threshold" | "hmm" <-> method; parse returns -1 for an unknown word. */
const char *qs_telegraph_method_name(qs_telegraph_method m);
int qs_telegraph_method_parse(const char *word);

/* What the fit found (reported in the output). */
typedef struct {
  qs_telegraph_method method;
  double level[2];      /* x0 < x1: histogram peaks (THRESHOLD) or HMM means */
  double width[2];      /* HMM emission standard deviations; THRESHOLD: the
                           standard deviation of the samples on each side
                           of the threshold */
  double threshold;     /* histogram minimum between the levels (THRESHOLD);
                           HMM: the point between the means where the two
                           weighted Gaussians are equal */
  double lower, upper;  /* THRESHOLD: hysteresis band [lower, upper];
                           HMM: both = threshold */
  double dip;           /* histogram at the threshold / lower peak (the
                           bimodality margin; < min_dip) */
  double p_switch[2];   /* HMM: per-sample probability of leaving state s;
                           THRESHOLD: NAN */
  double log_likelihood;/* HMM: per sample at the end; THRESHOLD: NAN */
  int iterations;       /* HMM: Baum-Welch iterations used; THRESHOLD: 0 */
  int converged;        /* HMM: 1 when the log-likelihood per sample changed
                           less than hmm_tol before hmm_max_iter (0: the
                           parameters are the last iterate); THRESHOLD: 1 */
  long n_samples;       /* pooled samples */
} qs_telegraph_params;

/* Fit on n_signals signals x[i] of n[i] samples each (uniform sampling).
 * HMM: the emissions are N(mean_s, width_s^2), the per-sample transition
 * matrix has off-diagonal p_switch[s]; the initial-state probabilities of
 * every signal are the pooled state occupancies (not a free parameter: a
 * run has too few signals to estimate them).  Not converging within
 * hmm_max_iter is not an error (see `converged`).
 * QS_ERR_INVALID with a message (e.g. "the histogram of the signal is not
 * bimodal: ...") when no two states are found, an option is out of range
 * or a signal holds a non-finite value; QS_ERR_NOMEM. */
qs_status qs_telegraph_fit(const double *const *x, const long *n, int n_signals,
                           const qs_telegraph_options *o, qs_telegraph_params *p,
                           char *msg, size_t msglen);

/* Classify one signal of n samples into state[0..n-1] in {0, 1}.
 * THRESHOLD: the first sample's state is the side of the threshold it is
 * on; the state then changes only when the signal goes beyond the far edge
 * of the band (above `upper` from 0, below `lower` from 1).  HMM: the most
 * probable state path (Viterbi, in log space), the first sample weighted by
 * the stationary occupancies of the transition matrix.
 * QS_ERR_INVALID for n < 1, NULL pointers, a non-finite sample or (HMM) a
 * width <= 0 or p_switch outside [0, 1]; QS_ERR_NOMEM (HMM work arrays). */
qs_status qs_telegraph_classify(const double *x, long n, const qs_telegraph_params *p,
                                unsigned char *state);

/* Dwell times collected over any number of classified records. */
typedef struct qs_dwells qs_dwells;

qs_status qs_dwells_create(qs_dwells **d);
void qs_dwells_destroy(qs_dwells **d);
/* Add the dwells of one record of n states sampled every dt: each maximal
 * run of equal states is a dwell of length (run samples) * dt; the first
 * and the last run are censored.  QS_ERR_NOMEM. */
qs_status qs_dwells_add(qs_dwells *d, const unsigned char *state, long n, double dt);
/* Complete dwells in state s (0, 1), in the order added; *count set. */
const double *qs_dwells_get(const qs_dwells *d, int s, long *count);

typedef struct {
  long n_dwell[2];       /* complete dwells in state s */
  long n_censored[2];    /* censored dwells in state s */
  long n_exit[2];        /* observed switches out of s (d_s of the rate):
                            complete dwells + first dwells ending in a
                            switch */
  double time[2];        /* total time in s, complete + censored */
  double rate[2];        /* k_0 = rate 0 -> 1 (k_12 of the summary: state
                            1 there is the low state), k_1 = rate 1 -> 0 */
  double rate_se[2];     /* INFINITY when n_exit[s] = 0 */
  double rate_lo[2], rate_hi[2]; /* confidence interval */
  double rate_sum, rate_sum_se;  /* k_0 + k_1 and its standard error
                                    (independent errors added in quadrature) */
  double mean_dwell[2];  /* mean complete dwell, NAN without one */
  double cv[2];          /* coefficient of variation of the complete dwells
                            (1 for an exponential), NAN with < 2 dwells */
  double fit_rate[2];    /* rate of an exponential fitted to the histogram
                            of complete dwells (weighted least squares on
                            log counts, bins with counts > 0, weights the
                            fitted counts, iterated from the observed ones;
                            ceil(sqrt(dwells)) bins, at least 4, at most
                            50), an independent check of rate[]; NAN with
                            fewer than 2 occupied bins */
  double fit_rate_se[2]; /* its least-squares standard error */
  double p_state[2];     /* fraction of the time in s */
  double p_state_se;     /* its standard error for a Markov switch:
                            sqrt(2 p0 p1 / ((k_0 + k_1) T)), T the total
                            time (the occupation indicator has the
                            autocovariance p0 p1 exp(-(k_0 + k_1) |t|));
                            NAN when a rate is 0 */
  long n_switches;       /* state changes seen */
} qs_switching;

/* Rates from all dwells added so far (confidence from o, NULL: defaults).
 * A state without an observed switch out of it gets rate 0 and an infinite
 * upper bound and standard error.  Never fails. */
void qs_switching_rates(const qs_dwells *d, const qs_telegraph_options *o, qs_switching *r);

/* Histogram of the complete dwells in state s: n_bins bins of equal width
 * from 0 to the longest dwell (edges n_bins + 1, counts n_bins).
 * QS_ERR_INVALID when s has no complete dwell. */
qs_status qs_dwells_histogram(const qs_dwells *d, int s, int n_bins, double *edges,
                              long *counts);

/* ---- error bars of time averages of one correlated signal ---------------
 * Batch means: the n samples are cut into n_batches equal consecutive
 * batches (the remainder dropped from the end); *mean is the mean of all
 * n samples, *se the standard deviation of the batch means over
 * sqrt(n_batches).  Valid when a batch is much longer than the signal's
 * correlation time; *tau_int (may be NULL) receives the integrated
 * autocorrelation time tau_int = 1 + 2 sum_{t=1}^{M} rho(t) (in samples;
 * the variance of the mean of n samples is tau_int var(x) / n, so an AR(1)
 * signal with coefficient a has tau_int = (1 + a) / (1 - a)), rho the
 * empirical autocorrelation and M Sokal's self-consistent window, the
 * smallest M >= c tau_int(M) with c = 6 (at most n - 1), so the caller can
 * check n / n_batches >> tau_int; NAN for a constant signal.  The
 * autocovariance is computed by FFT (FFTW, zero-padded to a power of two
 * >= 2 n: O(n log n) time, 3 n doubles of work space).
 * QS_ERR_INVALID for n_batches < 2, n < 2 n_batches, NULL pointers or a
 * non-finite sample; QS_ERR_NOMEM; QS_ERR_TOO_LARGE when tau_int is asked
 * for n > 2^30 samples. */
qs_status qs_batch_means(const double *x, long n, int n_batches, double *mean, double *se,
                         double *tau_int);

#endif
