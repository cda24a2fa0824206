/* Telegraph analysis (include/qsync/jumps.h) on synthetic two-state Markov
 * telegraphs with known rates, on deterministic square waves whose dwells
 * are known exactly, and batch means on AR(1) series with a closed-form
 * standard error of the mean.
 *
 * Every random input comes from the project's PCG streams with fixed
 * seeds, so each test is deterministic; each statistical bound below
 * states the probability that a correct implementation falls outside it. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qsync/jumps.h"
#include "qsync/rng.h"
#include "test_util.h"

#define TWO_PI (2.0 * 3.14159265358979323846)

/* Upper tail of the standard normal, Q(u) = P(N(0, 1) > u). */
static double normal_tail(double u)
{
  return 0.5 * erfc(u / sqrt(2.0));
}

static double gaussian(qs_rng *r)
{
  /* Box-Muller, one normal per two uniforms (u in (0, 1): log finite). */
  double u1 = qs_rng_uniform(r), u2 = qs_rng_uniform(r);
  return sqrt(-2.0 * log(u1)) * cos(TWO_PI * u2);
}

/* A continuous-time two-state Markov telegraph: rate k[s] out of state s,
 * level[s] + noise N(0, noise^2) sampled every dt. */
typedef struct {
  double k[2], level[2], noise, dt;
} telegraph_truth;

/* n samples of a stationary telegraph (the first state drawn from the
 * stationary law, dwells exponential by -log(u) / k) into x, the true
 * state at each sample time into truth. */
static void telegraph_generate(const telegraph_truth *tt, uint64_t stream, long n, double *x,
                               unsigned char *truth)
{
  qs_rng r;
  qs_rng_seed(&r, 20261203u, stream);
  double pi1 = tt->k[0] / (tt->k[0] + tt->k[1]);
  int s = qs_rng_uniform(&r) < pi1;
  double next = -log(qs_rng_uniform(&r)) / tt->k[s];
  for (long i = 0; i < n; i++) {
    double t = (double)i * tt->dt;
    while (next <= t) {
      s = 1 - s;
      next += -log(qs_rng_uniform(&r)) / tt->k[s];
    }
    truth[i] = (unsigned char)s;
    x[i] = tt->level[s] + tt->noise * gaussian(&r);
  }
}

static long count_changes(const unsigned char *s, long n)
{
  long c = 0;
  for (long i = 1; i < n; i++)
    c += s[i] != s[i - 1];
  return c;
}

/* The HMM's decoding of a telegraph with equal noise on both levels (gap
 * D = x1 - x0, noise s).  Switching out and back costs the penalty
 * P = log(1 / (p0 p1)) in log-likelihood; a sample of state 1 gains the
 * emission log ratio D (2x - x0 - x1) / (2 s^2) over state 0: mean
 * D^2 / (2 s^2), sd D / s.
 * Spurious pairs: one sample beyond u* = (s^2 P / D + D / 2) / s noise sd
 * from its level, E = n Q(u*).
 * Missed pairs: true dwells of L samples (a fraction k dt of the ~ changes
 * / 2 dwells of each state per L) whose summed log ratio (mean L D^2 /
 * (2 s^2), sd sqrt(L) D / s) stays below P. */
static double hmm_spurious_pairs(const telegraph_truth *tt, const qs_telegraph_params *p, long n)
{
  double gap = tt->level[1] - tt->level[0], var = tt->noise * tt->noise;
  double penalty = log(1.0 / (p->p_switch[0] * p->p_switch[1]));
  return (double)n * normal_tail((var * penalty / gap + 0.5 * gap) / tt->noise);
}

static double hmm_missed_pairs(const telegraph_truth *tt, const qs_telegraph_params *p,
                               long changes)
{
  double gap = tt->level[1] - tt->level[0], var = tt->noise * tt->noise;
  double penalty = log(1.0 / (p->p_switch[0] * p->p_switch[1])), e = 0.0;
  for (int len = 1; len <= 50; len++) {
    double mean = len * gap * gap / (2.0 * var), sd = sqrt((double)len) * gap / tt->noise;
    double miss = normal_tail((mean - penalty) / sd);
    e += 0.5 * (double)changes * (tt->k[0] + tt->k[1]) * tt->dt * miss;
  }
  return e;
}

/* Fit one signal, classify it, add its dwells to d. */
static qs_status detect(const double *x, long n, double dt, const qs_telegraph_options *o,
                        qs_telegraph_params *p, unsigned char *state, qs_dwells *d)
{
  char msg[256] = "";
  const double *xs[1] = {x};
  qs_status st = qs_telegraph_fit(xs, &n, 1, o, p, msg, sizeof msg);
  if (st != QS_OK) {
    fprintf(stderr, "telegraph fit: %s\n", msg);
    return st;
  }
  st = qs_telegraph_classify(x, n, p, state);
  if (st == QS_OK)
    st = qs_dwells_add(d, state, n, dt);
  return st;
}

/* ---- names and options ------------------------------------------------ */

static void test_method_names(void)
{
  CU_ASSERT_STRING_EQUAL(qs_telegraph_method_name(QS_TELEGRAPH_THRESHOLD), "threshold");
  CU_ASSERT_STRING_EQUAL(qs_telegraph_method_name(QS_TELEGRAPH_HMM), "hmm");
  CU_ASSERT_EQUAL(qs_telegraph_method_parse("threshold"), QS_TELEGRAPH_THRESHOLD);
  CU_ASSERT_EQUAL(qs_telegraph_method_parse("hmm"), QS_TELEGRAPH_HMM);
  CU_ASSERT_EQUAL(qs_telegraph_method_parse("HMM "), -1);
  CU_ASSERT_EQUAL(qs_telegraph_method_parse(""), -1);
  CU_ASSERT_EQUAL(qs_telegraph_method_parse(NULL), -1);
  qs_telegraph_options o;
  qs_telegraph_options_default(&o);
  CU_ASSERT_EQUAL(o.method, QS_TELEGRAPH_THRESHOLD);
  CU_ASSERT_EQUAL(o.n_bins, 100);
  CU_ASSERT_EQUAL(o.hysteresis, 0.2);
  CU_ASSERT_EQUAL(o.min_dip, 0.5);
  CU_ASSERT_EQUAL(o.hmm_max_iter, 200);
  CU_ASSERT_EQUAL(o.hmm_tol, 1e-9);
  CU_ASSERT_EQUAL(o.confidence, 0.95);
  CU_ASSERT_EQUAL(o.peak_significance, 4.0);
}

/* A clean two-level signal that every valid option set accepts. */
static void two_level(double *x, long n)
{
  for (long i = 0; i < n; i++)
    x[i] = (i / 50) % 2 ? 31.0 : 6.0;
}

static qs_status fit_with(const qs_telegraph_options *o, const double *x, long n, char *msg,
                          size_t len)
{
  qs_telegraph_params p;
  const double *xs[1] = {x};
  return qs_telegraph_fit(xs, &n, 1, o, &p, msg, len);
}

static void test_option_errors(void)
{
  enum { N = 1000 };
  double x[N];
  two_level(x, N);
  char msg[256];
  qs_telegraph_options o;
  qs_telegraph_options_default(&o);
  CU_ASSERT_EQUAL(fit_with(&o, x, N, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(fit_with(NULL, x, N, msg, sizeof msg), QS_OK);
  /* Each option out of range in turn; the message names it. */
  const char *names[] = {"n_bins",     "hysteresis",        "min_dip", "hmm_max_iter",
                         "hmm_tol",    "confidence",        "peak_significance", "method"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    qs_telegraph_options_default(&o);
    switch (i) {
    case 0: o.n_bins = 7; break;
    case 1: o.hysteresis = 0.95; break;
    case 2: o.min_dip = 1.0; break;
    case 3: o.hmm_max_iter = 0; break;
    case 4: o.hmm_tol = NAN; break;
    case 5: o.confidence = 1.0; break;
    case 6: o.peak_significance = -1.0; break;
    default: o.method = (qs_telegraph_method)7; break;
    }
    msg[0] = '\0';
    CU_ASSERT_EQUAL(fit_with(&o, x, N, msg, sizeof msg), QS_ERR_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, names[i]));
  }
  /* Non-finite samples, NULL arguments. */
  qs_telegraph_options_default(&o);
  x[123] = NAN;
  CU_ASSERT_EQUAL(fit_with(&o, x, N, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "non-finite value at sample 123"));
  x[123] = INFINITY;
  CU_ASSERT_EQUAL(fit_with(&o, x, N, msg, sizeof msg), QS_ERR_INVALID);
  x[123] = 6.0;
  qs_telegraph_params p;
  long n = N;
  CU_ASSERT_EQUAL(qs_telegraph_fit(NULL, &n, 1, &o, &p, msg, sizeof msg), QS_ERR_INVALID);
  const double *xs[1] = {x};
  CU_ASSERT_EQUAL(qs_telegraph_fit(xs, &n, 0, &o, &p, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_telegraph_fit(xs, &n, 1, &o, NULL, msg, sizeof msg), QS_ERR_INVALID);
  n = -1;
  CU_ASSERT_EQUAL(qs_telegraph_fit(xs, &n, 1, &o, &p, msg, sizeof msg), QS_ERR_INVALID);
  /* classify: bad arguments and a non-finite sample. */
  n = N;
  CU_ASSERT_EQUAL_FATAL(qs_telegraph_fit(xs, &n, 1, &o, &p, msg, sizeof msg), QS_OK);
  unsigned char state[N];
  CU_ASSERT_EQUAL(qs_telegraph_classify(x, 0, &p, state), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_telegraph_classify(NULL, N, &p, state), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_telegraph_classify(x, N, NULL, state), QS_ERR_INVALID);
  qs_telegraph_params bad = p;
  bad.method = QS_TELEGRAPH_HMM;
  bad.p_switch[0] = bad.p_switch[1] = 0.01;
  bad.width[0] = 0.0;
  bad.width[1] = 1.0;
  CU_ASSERT_EQUAL(qs_telegraph_classify(x, N, &bad, state), QS_ERR_INVALID);
  bad.width[0] = 1.0;
  CU_ASSERT_EQUAL(qs_telegraph_classify(x, N, &bad, state), QS_OK);
  bad.p_switch[1] = NAN;
  CU_ASSERT_EQUAL(qs_telegraph_classify(x, N, &bad, state), QS_ERR_INVALID);
  x[7] = NAN;
  CU_ASSERT_EQUAL(qs_telegraph_classify(x, N, &p, state), QS_ERR_INVALID);
}

/* ---- bimodality --------------------------------------------------------- */

/* Gaussian noise around one level is refused, by both methods, with the
 * message; so is a constant signal.  (A false second peak needs a tail bin
 * 4 counting errors above a dip at half its height: with 1e5 samples the
 * tail bins hold a few counts and the bulk bins fluctuate by ~2 %.) */
static void test_unimodal_refused(void)
{
  enum { N = 100000 };
  double *x = malloc(N * sizeof *x);
  qs_rng r;
  qs_rng_seed(&r, 77u, 1u);
  for (long i = 0; i < N; i++)
    x[i] = 6.0 + 2.0 * gaussian(&r);
  qs_telegraph_options o;
  qs_telegraph_options_default(&o);
  char msg[256] = "";
  CU_ASSERT_EQUAL(fit_with(&o, x, N, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "the histogram of the signal is not bimodal"));
  o.method = QS_TELEGRAPH_HMM;
  msg[0] = '\0';
  CU_ASSERT_EQUAL(fit_with(&o, x, N, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "not bimodal"));
  for (long i = 0; i < N; i++)
    x[i] = 6.0;
  msg[0] = '\0';
  CU_ASSERT_EQUAL(fit_with(&o, x, N, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "constant"));
  /* Two overlapping Gaussians (levels 1 sd apart) make no dip either. */
  for (long i = 0; i < N; i++)
    x[i] = (i / 1000) % 2 ? 6.0 + 2.0 * gaussian(&r) : 8.0 + 2.0 * gaussian(&r);
  o.method = QS_TELEGRAPH_THRESHOLD;
  CU_ASSERT_EQUAL(fit_with(&o, x, N, msg, sizeof msg), QS_ERR_INVALID);
  free(x);
}

/* ---- rates recovered, with coverage ------------------------------------- */

/* The brief's telegraph: k0 = 1e-3, k1 = 2e-3, levels 6 and 31, noise 2,
 * dt = 1.  Levels 12.5 noise sd apart: the band edges (threshold ~ 18.5,
 * hysteresis 0.2: [16, 21]) are >= 5 sd from either level, so a sample is
 * misread with probability <= Q(5) = 2.9e-7, and only at a switch (Q(7.5)
 * ~ 3e-14 elsewhere): over 200 x 3e4 samples with ~ 5000 switches the
 * expected number of misread samples is ~ 1e-3.  The detected states must
 * equal the true sampled states, sample by sample, for both methods (the
 * HMM too: one misread sample would need an emission log ratio below the
 * ~ 2 x 6 of two switches, i.e. a 6-sd excursion).
 *
 * Coverage: each stream gives about d = 3e4 x 2/3 x 1e-3 = 20 switches out
 * of each state.  For a Poisson count of mean 20 the log-normal 95 %
 * interval covers with probability 0.944 (exact sum over the Poisson law).
 * Over 200 streams the covered count is binomial(200, ~0.945), sd 3.2;
 * accepted 180..198 (0.90..0.99): P(fail) = 0.006 at p = 0.944, 0.0015
 * at p = 0.95.  An interval with the wrong z (1.645 or 2.576) would cover
 * ~ 0.90 or ~ 0.99 and sit at the edge.
 *
 * Pooled over the 200 streams (~ 4000 switches per state, se ~ 1.6 % per
 * rate) the z-scores of k0, k1 and k0 + k1 against the truth must be < 4
 * (P = 6e-5 each).  Counting the first dwell's switch matters here:
 * dropping it would bias each rate by -2.5 %, z ~ -2 for the sum. */
static void coverage_run(double noise, double hysteresis, uint64_t first_stream)
{
  enum { STREAMS = 200 };
  const long n = 30000;
  const telegraph_truth tt = {{1e-3, 2e-3}, {6.0, 31.0}, noise, 1.0};
  double *x = malloc((size_t)n * sizeof *x);
  unsigned char *truth = malloc((size_t)n), *state = malloc((size_t)n);
  qs_dwells *pool[2] = {NULL, NULL};
  long covered[2][2] = {{0, 0}, {0, 0}}, misread[2] = {0, 0};
  double dev2[2] = {0.0, 0.0}, se2[2] = {0.0, 0.0};
  const double p0 = tt.k[1] / (tt.k[0] + tt.k[1]);
  int failures = 0;
  for (int m = 0; m < 2; m++)
    CU_ASSERT_EQUAL_FATAL(qs_dwells_create(&pool[m]), QS_OK);
  for (int j = 0; j < STREAMS; j++) {
    telegraph_generate(&tt, first_stream + (uint64_t)j, n, x, truth);
    for (int m = 0; m < 2; m++) {
      qs_telegraph_options o;
      qs_telegraph_options_default(&o);
      o.method = m ? QS_TELEGRAPH_HMM : QS_TELEGRAPH_THRESHOLD;
      o.hysteresis = hysteresis;
      qs_telegraph_params p;
      qs_dwells *d = NULL;
      qs_dwells_create(&d);
      if (detect(x, n, tt.dt, &o, &p, state, d) != QS_OK ||
          qs_dwells_add(pool[m], state, n, tt.dt) != QS_OK) {
        failures++;
        qs_dwells_destroy(&d);
        continue;
      }
      for (long i = 0; i < n; i++)
        misread[m] += state[i] != truth[i];
      qs_switching r;
      qs_switching_rates(d, &o, &r);
      for (int s = 0; s < 2; s++)
        covered[m][s] += r.rate_lo[s] <= tt.k[s] && tt.k[s] <= r.rate_hi[s];
      dev2[m] += (r.p_state[0] - p0) * (r.p_state[0] - p0) / STREAMS;
      se2[m] += r.p_state_se * r.p_state_se / STREAMS;
      qs_dwells_destroy(&d);
    }
  }
  CU_ASSERT_EQUAL(failures, 0);
  for (int m = 0; m < 2; m++) {
    /* Noise 4: a switch is seen late when the first sample after it falls
     * short of the far band edge, Q((31 - 25) / 4) ~ 7 %, a sample lost
     * per ~ 15 switches; spurious excursions: ~ 8 in all (see
     * test_hysteresis_noise).  Noise 2: none expected (above). */
    if (noise <= 2.0)
      CU_ASSERT_EQUAL(misread[m], 0);
    qs_switching r;
    qs_switching_rates(pool[m], NULL, &r);
    double z0 = (r.rate[0] - tt.k[0]) / r.rate_se[0];
    double z1 = (r.rate[1] - tt.k[1]) / r.rate_se[1];
    double zs = (r.rate_sum - (tt.k[0] + tt.k[1])) / r.rate_sum_se;
    printf("\n  noise %g, %s: covered %ld, %ld of %d; pooled k0 %.4g (z %.2f) k1 %.4g "
           "(z %.2f) sum z %.2f, %ld misread", noise, m ? "hmm" : "threshold", covered[m][0],
           covered[m][1], STREAMS, r.rate[0], z0, r.rate[1], z1, zs, misread[m]);
    for (int s = 0; s < 2; s++) {
      CU_ASSERT(covered[m][s] >= 180 && covered[m][s] <= 198);
    }
    CU_ASSERT(fabs(z0) < 4.0);
    CU_ASSERT(fabs(z1) < 4.0);
    CU_ASSERT(fabs(zs) < 4.0);
    /* Occupation: the mean squared deviation of p_state[0] from
     * k1 / (k0 + k1) over the 200 records against the mean p_state_se^2.
     * The deviations are ~ normal, so their mean square has relative sd
     * sqrt(2 / 200) = 0.1: the ratio is accepted in 0.6 .. 1.4.  (The
     * formula is asymptotic in K T = 90 per record; the exact finite-T
     * variance is 1 - 1/(K T) = 1.1 % lower.)  A se off by 30 % gives
     * 1.7 or 0.6. */
    printf(", var(p_state) / se^2 %.3f", dev2[m] / se2[m]);
    CU_ASSERT(fabs(dev2[m] / se2[m] - 1.0) < 0.4);
    qs_dwells_destroy(&pool[m]);
  }
  free(x);
  free(truth);
  free(state);
}

static void test_rates_coverage(void)
{
  coverage_run(2.0, 0.2, 0);
}

/* The noisier telegraph (noise 4, hysteresis 0.5; see
 * test_hysteresis_noise): the same coverage and pooled z bounds, the few
 * late or spurious samples do not change the ~ 20 switches per record. */
static void test_rates_coverage_noisy(void)
{
  coverage_run(4.0, 0.5, 10000);
}

/* The HMM's parameters against the truth on one long record (2e6 samples,
 * ~ 1300 switches per state): the means and widths of ~ 1e6 samples per
 * state have standard errors ~ 2 / sqrt(6e5) = 0.003 and ~ 0.002, the
 * per-sample switching probability 1 - exp(-k dt) a relative error
 * 1 / sqrt(1300) = 2.8 %; all within 4 standard errors. */
static void test_hmm_parameters(void)
{
  const long n = 2000000;
  const telegraph_truth tt = {{1e-3, 2e-3}, {6.0, 31.0}, 2.0, 1.0};
  double *x = malloc((size_t)n * sizeof *x);
  unsigned char *truth = malloc((size_t)n);
  telegraph_generate(&tt, 1000u, n, x, truth);
  qs_telegraph_options o;
  qs_telegraph_options_default(&o);
  o.method = QS_TELEGRAPH_HMM;
  qs_telegraph_params p;
  char msg[256] = "";
  const double *xs[1] = {x};
  CU_ASSERT_EQUAL_FATAL(qs_telegraph_fit(xs, &n, 1, &o, &p, msg, sizeof msg), QS_OK);
  long in1 = 0;
  for (long i = 0; i < n; i++)
    in1 += truth[i];
  long in[2] = {n - in1, in1};
  long changes = count_changes(truth, n);
  printf("\n  hmm: means %.4f %.4f widths %.4f %.4f p_switch %.4g %.4g, %d iterations, "
         "loglik %.6f", p.level[0], p.level[1], p.width[0], p.width[1], p.p_switch[0],
         p.p_switch[1], p.iterations, p.log_likelihood);
  CU_ASSERT_EQUAL(p.method, QS_TELEGRAPH_HMM);
  CU_ASSERT(p.converged);
  for (int s = 0; s < 2; s++) {
    CU_ASSERT(fabs(p.level[s] - tt.level[s]) < 4.0 * tt.noise / sqrt((double)in[s]));
    CU_ASSERT(fabs(p.width[s] - tt.noise) < 4.0 * tt.noise / sqrt(2.0 * (double)in[s]));
    double q = -expm1(-tt.k[s] * tt.dt);
    CU_ASSERT(fabs(p.p_switch[s] / q - 1.0) < 4.0 / sqrt(0.5 * (double)changes));
  }
  /* Log-likelihood per sample of a perfectly separated mixture: the
   * Gaussian entropy -(1/2) log(2 pi e sigma^2) (the transition terms are
   * O(k) per sample, 1e-2 here); within 1e-2 + sampling error 1e-3. */
  double entropy = -0.5 * log(TWO_PI * exp(1.0) * tt.noise * tt.noise);
  CU_ASSERT(fabs(p.log_likelihood - entropy) < 2e-2);
  CU_ASSERT(p.threshold > 15.0 && p.threshold < 22.0);
  free(x);
  free(truth);
}

/* Baum-Welch is an EM algorithm: the log-likelihood never decreases from
 * one iteration to the next (checked for 1 .. 6 iterations on a record with
 * noise 6, where the start from the histogram is off by ~ 0.2); one
 * iteration reports the starting point (the histogram levels), unconverged. */
static void test_hmm_monotone(void)
{
  const long n = 30000;
  const telegraph_truth tt = {{1e-3, 2e-3}, {6.0, 31.0}, 6.0, 1.0};
  double *x = malloc((size_t)n * sizeof *x);
  unsigned char *truth = malloc((size_t)n);
  telegraph_generate(&tt, 5000u, n, x, truth);
  const double *xs[1] = {x};
  qs_telegraph_options o;
  qs_telegraph_options_default(&o);
  qs_telegraph_params start, p;
  char msg[256] = "";
  CU_ASSERT_EQUAL_FATAL(qs_telegraph_fit(xs, &n, 1, &o, &start, msg, sizeof msg), QS_OK);
  o.method = QS_TELEGRAPH_HMM;
  double previous = -INFINITY;
  for (int k = 1; k <= 6; k++) {
    o.hmm_max_iter = k;
    CU_ASSERT_EQUAL_FATAL(qs_telegraph_fit(xs, &n, 1, &o, &p, msg, sizeof msg), QS_OK);
    /* k iterations unless converged before (here after ~ 5) */
    CU_ASSERT(p.iterations == k || (p.converged && p.iterations < k));
    if (k == 1)
      CU_ASSERT(!p.converged);
    CU_ASSERT(p.log_likelihood >= previous - 1e-12);
    if (k == 1) {
      CU_ASSERT_EQUAL(p.level[0], start.level[0]);
      CU_ASSERT_EQUAL(p.level[1], start.level[1]);
    }
    previous = p.log_likelihood;
  }
  o.hmm_max_iter = 200;
  CU_ASSERT_EQUAL_FATAL(qs_telegraph_fit(xs, &n, 1, &o, &p, msg, sizeof msg), QS_OK);
  CU_ASSERT(p.converged);
  CU_ASSERT(p.iterations > 1 && p.iterations < 200);
  CU_ASSERT(p.log_likelihood >= previous - 1e-12);
  free(x);
  free(truth);
}

/* ---- hysteresis against noise ------------------------------------------ */

/* Noise 4 (levels 6.25 sd apart), 1e6 samples.  With hysteresis 0.5 the
 * band edges are ~ 4.7 sd from the far level: the expected number of
 * spurious excursions is E = T0 Q((upper - 6)/4) + T1 Q((31 - lower)/4)
 * ~ 1.4, each adding 2 switches, so detected - true (true = changes of
 * the sampled true state) must be <= 2 (E + 4 sqrt(E) + 1); below: true
 * dwells of one sample whose sample misses the far band edge, M ~ 0.1
 * expected pairs, >= -2 (M + 4 sqrt(M) + 1).  The HMM: E ~ 0.1, M ~ 0.3
 * (hmm_spurious_pairs, hmm_missed_pairs), same bounds.  Without hysteresis the
 * threshold ~ 18.9 lies ~ 3.1 sd from each level: ~ 1600 spurious
 * switches are predicted; at least 500 must be seen (the test can tell). */
static void test_hysteresis_noise(void)
{
  const long n = 1000000;
  const telegraph_truth tt = {{1e-3, 2e-3}, {6.0, 31.0}, 4.0, 1.0};
  double *x = malloc((size_t)n * sizeof *x);
  unsigned char *truth = malloc((size_t)n), *state = malloc((size_t)n);
  telegraph_generate(&tt, 2000u, n, x, truth);
  long changes = count_changes(truth, n);
  long in1 = 0;
  for (long i = 0; i < n; i++)
    in1 += truth[i];
  for (int m = 0; m < 3; m++) {
    qs_telegraph_options o;
    qs_telegraph_options_default(&o);
    o.method = m == 1 ? QS_TELEGRAPH_HMM : QS_TELEGRAPH_THRESHOLD;
    o.hysteresis = m == 2 ? 0.0 : 0.5;
    qs_telegraph_params p;
    qs_dwells *d = NULL;
    qs_dwells_create(&d);
    CU_ASSERT_EQUAL_FATAL(detect(x, n, tt.dt, &o, &p, state, d), QS_OK);
    qs_switching r;
    qs_switching_rates(d, &o, &r);
    long extra = r.n_switches - changes;
    double e, missed;
    if (m == 1) {
      e = hmm_spurious_pairs(&tt, &p, n);
      missed = hmm_missed_pairs(&tt, &p, changes);
    } else {
      e = (double)(n - in1) * normal_tail((p.upper - tt.level[0]) / tt.noise) +
          (double)in1 * normal_tail((tt.level[1] - p.lower) / tt.noise);
      /* a one-sample dwell is missed when its sample misses the far edge */
      missed = 0.5 * (double)changes * (tt.k[0] + tt.k[1]) * tt.dt *
               normal_tail((tt.level[1] - p.upper) / tt.noise);
    }
    printf("\n  noise 4, %s, hysteresis %.1f: band [%.2f, %.2f], %ld switches, true %ld, "
           "expected %.2g spurious, %.2g missed pairs", m == 1 ? "hmm" : "threshold",
           o.hysteresis, p.lower, p.upper, r.n_switches, changes, e, missed);
    if (m == 2) {
      CU_ASSERT(extra > 500);
    } else {
      CU_ASSERT(extra >= -2.0 * (missed + 4.0 * sqrt(missed) + 1.0));
      CU_ASSERT(extra <= 2.0 * (e + 4.0 * sqrt(e) + 1.0));
      for (int s = 0; s < 2; s++)
        CU_ASSERT(fabs(r.rate[s] - tt.k[s]) < 4.0 * r.rate_se[s]);
    }
    qs_dwells_destroy(&d);
  }
  free(x);
  free(truth);
  free(state);
}

/* Noise 6 (levels 4.2 sd apart): the hysteresis band (0.5) now lies
 * ~ 3.2 sd from the levels, so a sample crosses it with probability
 * ~ 7e-4 and the threshold method sees thousands of spurious switches in
 * 1e6 samples (at least 500 required).  The HMM's penalty for a one-sample
 * excursion still puts it u* = (36 log(1/(p0 p1)) / 25 + 12.5) / 6 ~ 5.2 sd
 * out: E = n Q(u*) ~ 0.1 spurious pairs; but a true dwell of one sample
 * (log ratio 8.7 +- 4.2 against the penalty 13.1) is now mostly missed,
 * two samples a quarter of the time: M ~ 2.3 missed pairs
 * (hmm_missed_pairs).  detected - true within [-2 (M + 4 sqrt(M) + 1),
 * 2 (E + 4 sqrt(E) + 1)], and the rates within 4 se of the truth (the
 * missed dwells are 0.2 % of them). */
static void test_hmm_noisy(void)
{
  const long n = 1000000;
  const telegraph_truth tt = {{1e-3, 2e-3}, {6.0, 31.0}, 6.0, 1.0};
  double *x = malloc((size_t)n * sizeof *x);
  unsigned char *truth = malloc((size_t)n), *state = malloc((size_t)n);
  telegraph_generate(&tt, 6000u, n, x, truth);
  long changes = count_changes(truth, n);
  for (int m = 0; m < 2; m++) {
    qs_telegraph_options o;
    qs_telegraph_options_default(&o);
    o.method = m ? QS_TELEGRAPH_HMM : QS_TELEGRAPH_THRESHOLD;
    o.hysteresis = 0.5;
    qs_telegraph_params p;
    qs_dwells *d = NULL;
    qs_dwells_create(&d);
    CU_ASSERT_EQUAL_FATAL(detect(x, n, tt.dt, &o, &p, state, d), QS_OK);
    qs_switching r;
    qs_switching_rates(d, &o, &r);
    long extra = r.n_switches - changes;
    printf("\n  noise 6, %s: %ld switches, true %ld, k0 %.4g k1 %.4g", m ? "hmm" : "threshold",
           r.n_switches, changes, r.rate[0], r.rate[1]);
    if (m == 0) {
      CU_ASSERT(extra > 500);
    } else {
      double e = hmm_spurious_pairs(&tt, &p, n), missed = hmm_missed_pairs(&tt, &p, changes);
      printf(" (expected: %.2g spurious, %.2g missed pairs)", e, missed);
      CU_ASSERT(extra >= -2.0 * (missed + 4.0 * sqrt(missed) + 1.0));
      CU_ASSERT(extra <= 2.0 * (e + 4.0 * sqrt(e) + 1.0));
      for (int s = 0; s < 2; s++)
        CU_ASSERT(fabs(r.rate[s] - tt.k[s]) < 4.0 * r.rate_se[s]);
    }
    qs_dwells_destroy(&d);
  }
  free(x);
  free(truth);
  free(state);
}

/* ---- dwell statistics ----------------------------------------------------- */

/* Exponential dwells: CV = 1.  The sample CV of n exponential dwells has
 * sd 1/sqrt(n) (delta method: var(s^2) = 8/n, cov(m, s^2) = 2/n, var(m)
 * = 1/n in units of the mean), ~ 0.027 for the ~ 1300 complete dwells per
 * state of one record of 2e6 samples; accepted within 4/sqrt(n).  The mean
 * dwell is 1/k within 4 (1/k)/sqrt(n).  The exponential fit of the
 * histogram recovers k within 4 of its standard errors plus 1 %: its bias
 * at ~ 1300 dwells is +0.5 % +- 0.15 % (Monte Carlo of the same binning
 * and reweighting, 400 samples of 1362 exponential dwells, in Python). */
static void test_cv_exponential(void)
{
  const long n = 2000000;
  const telegraph_truth tt = {{1e-3, 2e-3}, {6.0, 31.0}, 2.0, 1.0};
  double *x = malloc((size_t)n * sizeof *x);
  unsigned char *truth = malloc((size_t)n), *state = malloc((size_t)n);
  telegraph_generate(&tt, 3000u, n, x, truth);
  qs_telegraph_options o;
  qs_telegraph_options_default(&o);
  qs_telegraph_params p;
  qs_dwells *d = NULL;
  qs_dwells_create(&d);
  CU_ASSERT_EQUAL_FATAL(detect(x, n, tt.dt, &o, &p, state, d), QS_OK);
  qs_switching r;
  qs_switching_rates(d, &o, &r);
  for (int s = 0; s < 2; s++) {
    double nd = (double)r.n_dwell[s];
    printf("\n  state %d: %ld dwells, CV %.4f, mean %.2f, fit rate %.4g +- %.2g", s,
           r.n_dwell[s], r.cv[s], r.mean_dwell[s], r.fit_rate[s], r.fit_rate_se[s]);
    CU_ASSERT(nd > 1000);
    CU_ASSERT(fabs(r.cv[s] - 1.0) < 4.0 / sqrt(nd));
    CU_ASSERT(fabs(r.mean_dwell[s] * tt.k[s] - 1.0) < 4.0 / sqrt(nd));
    CU_ASSERT(fabs(r.fit_rate[s] - tt.k[s]) < 4.0 * r.fit_rate_se[s] + 0.01 * tt.k[s]);
    long count;
    const double *dw = qs_dwells_get(d, s, &count);
    CU_ASSERT_EQUAL(count, r.n_dwell[s]);
    CU_ASSERT_PTR_NOT_NULL(dw);
  }
  qs_dwells_destroy(&d);
  free(x);
  free(truth);
  free(state);
}

/* A noiseless square wave through the whole pipeline: first run of 17
 * low samples, then alternately 60 high and 40 low samples, K = 9 full
 * blocks (high, low, ..., high), then 25 low samples; dt = 0.5.
 *   complete dwells: high 5 x 30, low 4 x 20;
 *   censored: low 2 (first and last);
 *   switches out of low: 1 (first) + 4 = 5, out of high: 5;
 *   time low = (17 + 4 x 40 + 25) x 0.5 = 101, high = 5 x 60 x 0.5 = 150;
 *   rates 5/101 and 5/150; CV 0; 10 switches. */
static void test_square_wave(void)
{
  enum { N = 17 + 5 * 60 + 4 * 40 + 25 };
  double x[N];
  long i = 0;
  for (; i < 17; i++)
    x[i] = 6.0;
  for (int b = 0; b < 9; b++)
    for (int k = 0; k < (b % 2 ? 40 : 60); k++)
      x[i++] = b % 2 ? 6.0 : 31.0;
  for (; i < N; i++)
    x[i] = 6.0;
  unsigned char state[N];
  qs_dwells *d = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_dwells_create(&d), QS_OK);
  for (int m = 0; m < 2; m++) {
    qs_telegraph_options o;
    qs_telegraph_options_default(&o);
    o.method = m ? QS_TELEGRAPH_HMM : QS_TELEGRAPH_THRESHOLD;
    qs_telegraph_params p;
    qs_dwells *dm = NULL;
    qs_dwells_create(&dm);
    CU_ASSERT_EQUAL_FATAL(detect(x, N, 0.5, &o, &p, state, m ? dm : d), QS_OK);
    CU_ASSERT_EQUAL(count_changes(state, N), 10);
    for (long t = 0; t < N; t++)
      if (state[t] != (x[t] > 18.0)) {
        CU_FAIL("square wave misread");
        break;
      }
    if (m == 0) {
      /* Levels and threshold: the peaks are the end bins of the 100 bins over
       * [6, 31] (centres 6.125, 30.875), the empty bins 2..97 between put
       * the threshold at the centre of (2 + 97) / 2, 18.5. */
      CU_ASSERT_DOUBLE_EQUAL(p.level[0], 6.125, 1e-12);
      CU_ASSERT_DOUBLE_EQUAL(p.level[1], 30.875, 1e-12);
      CU_ASSERT_DOUBLE_EQUAL(p.threshold, 18.5, 1e-12);
      CU_ASSERT_EQUAL(p.dip, 0.0);
      CU_ASSERT_DOUBLE_EQUAL(p.lower, 18.5 - 0.2 * (18.5 - 6.125), 1e-12);
      CU_ASSERT_DOUBLE_EQUAL(p.upper, 18.5 + 0.2 * (30.875 - 18.5), 1e-12);
      CU_ASSERT_EQUAL(p.width[0], 0.0);
      CU_ASSERT_EQUAL(p.width[1], 0.0);
    }
    qs_dwells_destroy(&dm);
  }
  qs_switching r;
  qs_switching_rates(d, NULL, &r);
  CU_ASSERT_EQUAL(r.n_dwell[0], 4);
  CU_ASSERT_EQUAL(r.n_dwell[1], 5);
  CU_ASSERT_EQUAL(r.n_censored[0], 2);
  CU_ASSERT_EQUAL(r.n_censored[1], 0);
  CU_ASSERT_EQUAL(r.n_exit[0], 5);
  CU_ASSERT_EQUAL(r.n_exit[1], 5);
  CU_ASSERT_EQUAL(r.n_switches, 10);
  CU_ASSERT_DOUBLE_EQUAL(r.time[0], 101.0, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(r.time[1], 150.0, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(r.rate[0], 5.0 / 101.0, 1e-15);
  CU_ASSERT_DOUBLE_EQUAL(r.rate[1], 5.0 / 150.0, 1e-15);
  CU_ASSERT_DOUBLE_EQUAL(r.rate_se[0], 5.0 / 101.0 / sqrt(5.0), 1e-15);
  CU_ASSERT_DOUBLE_EQUAL(r.rate_sum, 5.0 / 101.0 + 5.0 / 150.0, 1e-15);
  CU_ASSERT_DOUBLE_EQUAL(r.mean_dwell[0], 20.0, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(r.mean_dwell[1], 30.0, 1e-12);
  CU_ASSERT_EQUAL(r.cv[0], 0.0);
  CU_ASSERT_EQUAL(r.cv[1], 0.0);
  CU_ASSERT(isnan(r.fit_rate[0])); /* one occupied bin: no slope */
  CU_ASSERT_DOUBLE_EQUAL(r.p_state[0], 101.0 / 251.0, 1e-15);
  CU_ASSERT_DOUBLE_EQUAL(r.p_state[1], 150.0 / 251.0, 1e-15);
  double p_se = sqrt(2.0 * (101.0 / 251.0) * (150.0 / 251.0) /
                     ((5.0 / 101.0 + 5.0 / 150.0) * 251.0));
  CU_ASSERT_DOUBLE_EQUAL(r.p_state_se, p_se, 1e-15);
  long count;
  const double *dw = qs_dwells_get(d, 1, &count);
  CU_ASSERT_EQUAL(count, 5);
  for (long k = 0; k < count; k++)
    CU_ASSERT_EQUAL(dw[k], 30.0);
  qs_dwells_destroy(&d);
}

/* Pooling: the THRESHOLD fit of three signals (one empty) is the fit of
 * their concatenation (the histogram is pooled); a fine histogram (5000
 * bins) finds the same threshold on a square wave: the empty bins 2 ..
 * 4997 of width 0.005 over [6, 31] centre it at 6 + 2500 x 0.005 = 18.5. */
static void test_pooled_signals(void)
{
  enum { N = 60000 };
  const telegraph_truth tt = {{1e-3, 2e-3}, {6.0, 31.0}, 2.0, 1.0};
  double *x = malloc(N * sizeof *x);
  unsigned char *truth = malloc(N);
  telegraph_generate(&tt, 4000u, N, x, truth);
  const double *parts[3] = {x, x + 25000, x + 25000};
  long lengths[3] = {25000, 0, N - 25000};
  qs_telegraph_options o;
  qs_telegraph_options_default(&o);
  qs_telegraph_params pooled, whole;
  char msg[256] = "";
  CU_ASSERT_EQUAL_FATAL(qs_telegraph_fit(parts, lengths, 3, &o, &pooled, msg, sizeof msg),
                        QS_OK);
  long n = N;
  const double *xs[1] = {x};
  CU_ASSERT_EQUAL_FATAL(qs_telegraph_fit(xs, &n, 1, &o, &whole, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(pooled.n_samples, N);
  CU_ASSERT_EQUAL(pooled.threshold, whole.threshold);
  CU_ASSERT_EQUAL(pooled.level[0], whole.level[0]);
  CU_ASSERT_EQUAL(pooled.level[1], whole.level[1]);
  CU_ASSERT_EQUAL(pooled.upper, whole.upper);
  CU_ASSERT(fabs(pooled.width[0] - whole.width[0]) < 1e-12);
  o.method = QS_TELEGRAPH_HMM;
  CU_ASSERT_EQUAL(qs_telegraph_fit(parts, lengths, 3, &o, &pooled, msg, sizeof msg), QS_OK);
  for (long i = 0; i < N; i++)
    x[i] = (i / 100) % 2 ? 31.0 : 6.0;
  o.method = QS_TELEGRAPH_THRESHOLD;
  o.n_bins = 5000;
  CU_ASSERT_EQUAL_FATAL(qs_telegraph_fit(xs, &n, 1, &o, &whole, msg, sizeof msg), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(whole.threshold, 18.5, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL(whole.level[1], 31.0 - 0.0025, 1e-9);
  free(x);
  free(truth);
}

/* A record that never switches: rate 0, upper bound and se infinite, the
 * one run censored; the state never visited has no time. */
static void test_never_switches(void)
{
  enum { N = 1000 };
  unsigned char state[N];
  memset(state, 0, sizeof state);
  qs_dwells *d = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_dwells_create(&d), QS_OK);
  CU_ASSERT_EQUAL(qs_dwells_add(d, state, N, 2.0), QS_OK);
  qs_switching r;
  qs_switching_rates(d, NULL, &r);
  CU_ASSERT_EQUAL(r.rate[0], 0.0);
  CU_ASSERT_EQUAL(r.rate_lo[0], 0.0);
  CU_ASSERT(isinf(r.rate_hi[0]));
  CU_ASSERT(isinf(r.rate_se[0]));
  CU_ASSERT(isinf(r.rate_sum_se));
  CU_ASSERT_EQUAL(r.n_censored[0], 1);
  CU_ASSERT_EQUAL(r.n_dwell[0], 0);
  CU_ASSERT_EQUAL(r.n_switches, 0);
  CU_ASSERT_EQUAL(r.time[0], 2000.0);
  CU_ASSERT_EQUAL(r.time[1], 0.0);
  CU_ASSERT_EQUAL(r.p_state[0], 1.0);
  CU_ASSERT_EQUAL(r.rate[1], 0.0);
  CU_ASSERT(isinf(r.rate_hi[1]));
  CU_ASSERT(isnan(r.cv[0]) && isnan(r.mean_dwell[0]) && isnan(r.fit_rate[0]));
  CU_ASSERT(isnan(r.p_state_se));
  /* One switch halfway: out of 0 one observed switch in 1000 time units;
   * out of 1 none (its only run is censored at the end). */
  memset(state + N / 2, 1, N / 2);
  qs_dwells *one = NULL;
  qs_dwells_create(&one);
  CU_ASSERT_EQUAL(qs_dwells_add(one, state, N, 2.0), QS_OK);
  qs_switching_rates(one, NULL, &r);
  CU_ASSERT_EQUAL(r.rate[0], 1.0 / 1000.0);
  CU_ASSERT_EQUAL(r.rate[1], 0.0);
  CU_ASSERT(isinf(r.rate_hi[1]));
  CU_ASSERT_EQUAL(r.n_dwell[0] + r.n_dwell[1], 0);
  CU_ASSERT_EQUAL(r.n_censored[0] + r.n_censored[1], 2);
  /* Errors: invalid states, dt, histogram of nothing. */
  state[3] = 2;
  CU_ASSERT_EQUAL(qs_dwells_add(d, state, N, 1.0), QS_ERR_INVALID);
  state[3] = 0;
  CU_ASSERT_EQUAL(qs_dwells_add(d, state, N, 0.0), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_dwells_add(d, state, N, NAN), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_dwells_add(NULL, state, N, 1.0), QS_ERR_INVALID);
  double edges[5];
  long counts[4];
  CU_ASSERT_EQUAL(qs_dwells_histogram(d, 0, 4, edges, counts), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_dwells_histogram(d, 2, 4, edges, counts), QS_ERR_INVALID);
  CU_ASSERT_PTR_NULL(qs_dwells_get(d, 2, NULL));
  qs_dwells_destroy(&d);
  qs_dwells_destroy(&one);
  CU_ASSERT_PTR_NULL(one);
  qs_dwells_destroy(NULL);
}

/* Histogram of hand-made dwells: record 1 | 0 0 0 | 1 1 1 1 1 | 0 x 7 |
 * 1 1 | 0 (dt = 1): complete dwells state 0: 3, 7; state 1: 5, 2.
 * Two bins over [0, 7]: edges 0, 3.5, 7; state 0 counts 1 (3), 1 (7, the
 * longest, in the last bin); state 1 (edges 0, 2.5, 5): 1 (2), 1 (5). */
static void test_histogram(void)
{
  const unsigned char rec[] = {1, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0};
  qs_dwells *d = NULL;
  qs_dwells_create(&d);
  CU_ASSERT_EQUAL(qs_dwells_add(d, rec, sizeof rec, 1.0), QS_OK);
  double edges[3];
  long counts[2];
  CU_ASSERT_EQUAL(qs_dwells_histogram(d, 0, 2, edges, counts), QS_OK);
  CU_ASSERT_EQUAL(edges[0], 0.0);
  CU_ASSERT_EQUAL(edges[1], 3.5);
  CU_ASSERT_EQUAL(edges[2], 7.0);
  CU_ASSERT_EQUAL(counts[0], 1);
  CU_ASSERT_EQUAL(counts[1], 1);
  CU_ASSERT_EQUAL(qs_dwells_histogram(d, 1, 2, edges, counts), QS_OK);
  CU_ASSERT_EQUAL(edges[1], 2.5);
  CU_ASSERT_EQUAL(edges[2], 5.0);
  CU_ASSERT_EQUAL(counts[0], 1);
  CU_ASSERT_EQUAL(counts[1], 1);
  long count;
  const double *dw = qs_dwells_get(d, 0, &count);
  CU_ASSERT_EQUAL(count, 2);
  CU_ASSERT(dw[0] == 3.0 && dw[1] == 7.0);
  qs_switching r;
  qs_switching_rates(d, NULL, &r);
  /* Switches out of 0: after the runs of 3 and 7 (the last run is
   * censored); out of 1: after the first run, 5 and 2; times 11 and 8. */
  CU_ASSERT_EQUAL(r.n_exit[0], 2);
  CU_ASSERT_EQUAL(r.n_exit[1], 3);
  CU_ASSERT_EQUAL(r.time[0], 11.0);
  CU_ASSERT_EQUAL(r.time[1], 8.0);
  CU_ASSERT_EQUAL(r.n_switches, 5);
  qs_dwells_destroy(&d);
}

/* The interval uses the normal quantile z of (1 + confidence) / 2:
 * z = sqrt(d) log(hi / k) must satisfy Phi(z) = (1 + confidence) / 2
 * (checked with erfc, independent of the quantile code), the interval is
 * symmetric in log, and z(0.975) = 1.959963984540054 (tabulated). */
static void test_confidence(void)
{
  enum { N = 10000 };
  unsigned char state[N];
  for (long i = 0; i < N; i++)
    state[i] = (i / 50) % 2;
  qs_dwells *d = NULL;
  qs_dwells_create(&d);
  CU_ASSERT_EQUAL(qs_dwells_add(d, state, N, 1.0), QS_OK);
  const double levels[] = {0.5, 0.6826894921370859, 0.95, 0.99, 0.999999, 1e-6};
  for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
    qs_telegraph_options o;
    qs_telegraph_options_default(&o);
    o.confidence = levels[i];
    qs_switching r;
    qs_switching_rates(d, &o, &r);
    double e = (double)r.n_exit[0];
    double z = sqrt(e) * log(r.rate_hi[0] / r.rate[0]);
    double phi = 0.5 * erfc(-z / sqrt(2.0));
    CU_ASSERT(fabs(phi - 0.5 * (1.0 + levels[i])) < 1e-13);
    CU_ASSERT(fabs(log(r.rate[0] / r.rate_lo[0]) * sqrt(e) - z) < 1e-12);
    if (levels[i] == 0.95)
      CU_ASSERT(fabs(z - 1.959963984540054) < 1e-12);
  }
  qs_dwells_destroy(&d);
}

/* ---- batch means ---------------------------------------------------------- */

/* AR(1): x_{t+1} = mu + a (x_t - mu) + s xi, stationary start. */
static void ar1(qs_rng *r, double mu, double a, double s, long n, double *x)
{
  double v = s / sqrt(1.0 - a * a);
  x[0] = mu + v * gaussian(r);
  for (long t = 1; t < n; t++)
    x[t] = mu + a * (x[t - 1] - mu) + s * gaussian(r);
}

/* Exact variance of the mean of n stationary AR(1) samples:
 * sigma^2 / n [(1 + a)/(1 - a) - 2 a (1 - a^n) / (n (1 - a)^2)]. */
static double ar1_var_mean(double a, double s, long n)
{
  double var = s * s / (1.0 - a * a), dn = (double)n;
  return var / dn * ((1.0 + a) / (1.0 - a) - 2.0 * a * (1.0 - pow(a, dn)) /
                                                 (dn * (1.0 - a) * (1.0 - a)));
}

/* tau_int = (1 + a)/(1 - a) for AR(1).  Sokal's estimate with window M has
 * relative sd sqrt(2 (2M + 1) / n) (M ~ 6 tau): a = 0.5 (tau 3, M ~ 18),
 * n = 1e6: 0.86 %; a = 0.9 (tau 19, M ~ 114), n = 2e6: 1.5 %; accepted
 * within 4 of these.  The truncation bias 2 a^(M+1)/(1 - a) is < 1e-4.
 *
 * Standard error: over R = 20 series of n = 1e5 (a = 0.9, B = 50 batches
 * of 2000 >> tau), se_bm^2 / var_exact is ~ chi^2_{B-1}/(B-1), so its mean
 * over R has sd sqrt(2/(B-1)/R) = 0.045; accepted within 4 of it (0.18).
 * The batch-length bias of the batch variance, 2a/(b (1-a)^2 tau), is
 * 0.5 %. */
static void test_batch_means_ar1(void)
{
  const double mu = 3.0, s = 0.7;
  qs_rng r;
  qs_rng_seed(&r, 4242u, 1u);
  const struct {
    double a;
    long n;
  } cases[] = {{0.5, 1000000}, {0.9, 2000000}};
  double *x = malloc(2000000 * sizeof *x);
  for (int c = 0; c < 2; c++) {
    double a = cases[c].a;
    long n = cases[c].n;
    ar1(&r, mu, a, s, n, x);
    double mean, se, tau;
    CU_ASSERT_EQUAL_FATAL(qs_batch_means(x, n, 100, &mean, &se, &tau), QS_OK);
    double tau_exact = (1.0 + a) / (1.0 - a);
    double rel = sqrt(2.0 * (2.0 * 6.0 * tau_exact + 1.0) / (double)n);
    printf("\n  AR(1) a = %.1f: tau_int %.4f (exact %.4f, rel sd %.3g), mean %.5f +- %.2g",
           a, tau, tau_exact, rel, mean, se);
    CU_ASSERT(fabs(tau / tau_exact - 1.0) < 4.0 * rel);
    CU_ASSERT(fabs(mean - mu) < 4.0 * sqrt(ar1_var_mean(a, s, n)));
  }
  enum { R = 20, B = 50 };
  const long n = 100000;
  double ratio = 0.0;
  for (int k = 0; k < R; k++) {
    ar1(&r, mu, 0.9, s, n, x);
    double mean, se;
    CU_ASSERT_EQUAL_FATAL(qs_batch_means(x, n, B, &mean, &se, NULL), QS_OK);
    ratio += se * se / ar1_var_mean(0.9, s, n) / R;
  }
  printf("\n  AR(1) a = 0.9: <se_bm^2 / var_exact> = %.4f over %d series", ratio, R);
  CU_ASSERT(fabs(ratio - 1.0) < 4.0 * sqrt(2.0 / (B - 1) / R));
  free(x);
}

/* Sokal's tau_int by the obvious O(n M) sums, the reference for the
 * library's FFT autocovariance. */
static double tau_direct(const double *x, long n)
{
  double mean = 0.0;
  for (long i = 0; i < n; i++)
    mean += x[i] / (double)n;
  double c0 = 0.0;
  for (long i = 0; i < n; i++)
    c0 += (x[i] - mean) * (x[i] - mean);
  double tau = 1.0;
  for (long m = 1; m < n; m++) {
    double cm = 0.0;
    for (long i = 0; i + m < n; i++)
      cm += (x[i] - mean) * (x[i + m] - mean);
    tau += 2.0 * cm / c0;
    if ((double)m >= 6.0 * tau)
      break;
  }
  return tau;
}

/* The FFT route agrees with the direct sums to rounding, on a short AR(1)
 * series, on a slowly switching telegraph (window of hundreds of lags) and
 * on a trend, whose window never closes (M runs to n - 1). */
static void test_tau_reference(void)
{
  enum { N = 5000 };
  double *x = malloc(N * sizeof *x);
  unsigned char *truth = malloc(N);
  qs_rng r;
  qs_rng_seed(&r, 99u, 5u);
  for (int c = 0; c < 3; c++) {
    if (c == 0) {
      ar1(&r, 1.0, 0.8, 1.0, N, x);
    } else if (c == 1) {
      const telegraph_truth tt = {{2e-2, 3e-2}, {0.0, 1.0}, 0.1, 1.0};
      telegraph_generate(&tt, 7u, N, x, truth);
    } else {
      for (long i = 0; i < N; i++)
        x[i] = (double)i;
    }
    double mean, se, tau;
    CU_ASSERT_EQUAL_FATAL(qs_batch_means(x, N, 10, &mean, &se, &tau), QS_OK);
    double ref = tau_direct(x, N);
    CU_ASSERT(fabs(tau - ref) < 1e-9 * fabs(ref));
  }
  free(x);
  free(truth);
}

/* Errors, the exact se of uncorrelated equal-size batches, a constant. */
static void test_batch_means_exact(void)
{
  double x[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  double mean, se, tau;
  /* Batches {1..4}, {5..8}, {9..12}: means 2.5, 6.5, 10.5, sd 4, se 4/sqrt(3). */
  CU_ASSERT_EQUAL(qs_batch_means(x, 12, 3, &mean, &se, &tau), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(mean, 6.5, 1e-14);
  CU_ASSERT_DOUBLE_EQUAL(se, 4.0 / sqrt(3.0), 1e-14);
  CU_ASSERT(isfinite(tau));
  /* Remainder dropped from the batches, kept in the mean: 11 samples, 2
   * batches of 5: means 3 and 8, sd 5/sqrt(2), se 2.5; mean 6. */
  CU_ASSERT_EQUAL(qs_batch_means(x, 11, 2, &mean, &se, NULL), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(mean, 6.0, 1e-14);
  CU_ASSERT_DOUBLE_EQUAL(se, 2.5, 1e-14);
  CU_ASSERT_EQUAL(qs_batch_means(x, 12, 1, &mean, &se, NULL), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_batch_means(x, 7, 4, &mean, &se, NULL), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_batch_means(NULL, 12, 3, &mean, &se, NULL), QS_ERR_INVALID);
  x[5] = NAN;
  CU_ASSERT_EQUAL(qs_batch_means(x, 12, 3, &mean, &se, NULL), QS_ERR_INVALID);
  for (int i = 0; i < 12; i++)
    x[i] = 2.0;
  CU_ASSERT_EQUAL(qs_batch_means(x, 12, 3, &mean, &se, &tau), QS_OK);
  CU_ASSERT_EQUAL(mean, 2.0);
  CU_ASSERT_EQUAL(se, 0.0);
  CU_ASSERT(isnan(tau));
}

int qs_test_register_jumps(void)
{
  static const test_case cases[] = {
      {"method names and default options", test_method_names},
      {"option, argument and non-finite errors", test_option_errors},
      {"unimodal and constant signals refused", test_unimodal_refused},
      {"rates within their CIs at the stated coverage (200 streams)", test_rates_coverage},
      {"the same with noise 4 and hysteresis 0.5", test_rates_coverage_noisy},
      {"HMM parameters against the truth", test_hmm_parameters},
      {"Baum-Welch never lowers the likelihood", test_hmm_monotone},
      {"hysteresis: no spurious switches in a noisy record", test_hysteresis_noise},
      {"noise 6: the HMM still counts the true switches", test_hmm_noisy},
      {"CV = 1 and exponential fit for Markov dwells", test_cv_exponential},
      {"square wave: exact dwells, rates, CV = 0", test_square_wave},
      {"censoring: a record that never switches", test_never_switches},
      {"dwell histogram by hand", test_histogram},
      {"confidence intervals use the normal quantile", test_confidence},
      {"batch means and tau_int on AR(1)", test_batch_means_ar1},
      {"batch means: exact cases and errors", test_batch_means_exact},
      {"tau_int by FFT equals the direct sums", test_tau_reference},
      {"pooled signals and a fine histogram", test_pooled_signals},
  };
  return test_add_suite("jumps", cases, (int)(sizeof cases / sizeof cases[0]));
}
