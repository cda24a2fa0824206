/* Spectra (spectrum.h): Welch PSDs of synthetic signals with known
 * spectra, the Lorentzian fit, and emission spectra against closed forms. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qsync/lindblad.h"
#include "qsync/model.h"
#include "qsync/rng.h"
#include "qsync/spectrum.h"
#include "test_util.h"

#define QS_SPECTRUM_PI 3.14159265358979323846

/* Standard normal deviate by Box-Muller (two uniforms per deviate: the
 * second of the pair is dropped to keep the stream simple). */
static double gaussian(qs_rng *r)
{
  double u1 = qs_rng_uniform(r), u2 = qs_rng_uniform(r);
  return sqrt(-2.0 * log(u1)) * cos(2.0 * QS_SPECTRUM_PI * u2);
}

/* ---- Welch ----------------------------------------------------------- */

static void test_welch_errors(void)
{
  qs_welch *w = (qs_welch *)1;
  CU_ASSERT_EQUAL(qs_welch_create(7, 0.1, 0.5, &w), QS_ERR_INVALID);
  CU_ASSERT_PTR_NULL(w);
  CU_ASSERT_EQUAL(qs_welch_create(64, 0.0, 0.5, &w), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_welch_create(64, 0.1, 0.8, &w), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_welch_create(64, 0.1, -0.1, &w), QS_ERR_INVALID);
  CU_ASSERT_EQUAL_FATAL(qs_welch_create(64, 0.1, 0.5, &w), QS_OK);
  CU_ASSERT_EQUAL(qs_welch_n_freq(w), 33);
  double x[100] = {0}, om[33], S[33], se[33];
  long nf = 0, ns = -1;
  CU_ASSERT_EQUAL(qs_welch_result(w, om, S, se, &nf, &ns), QS_ERR_INVALID); /* nothing added */
  CU_ASSERT_EQUAL(qs_welch_add(w, x, 50), QS_OK); /* shorter than a segment: nothing */
  CU_ASSERT_EQUAL(qs_welch_result(w, om, S, se, &nf, &ns), QS_ERR_INVALID);
  x[3] = NAN;
  CU_ASSERT_EQUAL(qs_welch_add(w, x, 100), QS_ERR_INVALID);
  x[3] = 0.0;
  /* 100 samples, segment 64, step 32: segments at 0 and 32 */
  CU_ASSERT_EQUAL(qs_welch_add(w, x, 100), QS_OK);
  CU_ASSERT_EQUAL(qs_welch_result(w, om, S, se, &nf, &ns), QS_OK);
  CU_ASSERT_EQUAL(nf, 33);
  CU_ASSERT_EQUAL(ns, 2);
  CU_ASSERT_DOUBLE_EQUAL(om[1], 2.0 * QS_SPECTRUM_PI / (64 * 0.1), 1e-14);
  qs_welch_destroy(&w);
  CU_ASSERT_PTR_NULL(w);
  qs_welch_destroy(&w);
}

/* A sinusoid x_j = a cos(omega_m t_j) at a bin frequency omega_m =
 * 2 pi m / (L dt): its variance a^2/2 must reappear as the integral
 * int S domega / 2 pi = (S_0 + 2 sum_{0<k<L/2} S_k + S_{L/2}) / (L dt),
 * with the periodic Hann window exactly (sum_j w_j^2 cos^2 = sum w^2 / 2
 * for 2m not a multiple of L, by the orthogonality of the DFT), and the
 * power sits in bins m-1, m, m+1 only (the Hann window's DFT has three
 * non-zero coefficients). */
static void test_welch_sinusoid(void)
{
  const long L = 256, m = 20, n = 4 * L;
  const double dt = 0.05, a = 1.7;
  double *x = malloc((size_t)n * sizeof *x);
  for (long j = 0; j < n; j++)
    x[j] = a * cos(2.0 * QS_SPECTRUM_PI * (double)(m * j) / (double)L);
  qs_welch *w = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_welch_create(L, dt, 0.5, &w), QS_OK);
  CU_ASSERT_EQUAL(qs_welch_add(w, x, n), QS_OK);
  long nf = qs_welch_n_freq(w);
  double om[129], S[129], se[129];
  CU_ASSERT_EQUAL_FATAL(qs_welch_result(w, om, S, se, NULL, NULL), QS_OK);
  double total = S[0] + S[nf - 1];
  for (long k = 1; k < nf - 1; k++)
    total += 2.0 * S[k];
  total /= (double)L * dt;
  CU_ASSERT_DOUBLE_EQUAL(total, a * a / 2.0, 1e-12);
  for (long k = 0; k < nf; k++)
    if (labs(k - m) > 1)
      CU_ASSERT(S[k] < 1e-20);
  /* the Hann DFT coefficients 1/2, -1/4, -1/4: power ratio 4:1 */
  CU_ASSERT_DOUBLE_EQUAL(S[m] / S[m + 1], 4.0, 1e-10);
  qs_welch_destroy(&w);
  free(x);
}

/* Ornstein-Uhlenbeck process of rate K and variance v sampled every dt
 * exactly (x' = r x + sqrt(v (1 - r^2)) xi, r = e^{-K dt}): autocovariance
 * v e^{-K |tau|}, so spectrum.h's S = 2 v K / (K^2 + omega^2).
 * Corrections, all far below the statistical error (~1% on K here):
 * sampling turns the Lorentzian into dt v (1 - r^2) / ((1-r)^2 + 4 r
 * sin^2(omega dt / 2)), a Lorentzian in 2 sin(omega dt/2)/dt of width
 * 2 sinh(K dt/2)/dt = K (1 + (K dt)^2/24): relative 2e-5 in K, 4e-4 in
 * omega at the fit's edge omega = 5 K; the Hann window smooths S over
 * sigma_omega^2 = 4 pi^2 / (3 T^2) (T = L dt), lowering the top by
 * sigma^2 / K^2 = 5e-4 relative.  Hence |K_fit - K| / se < 4 for a
 * correct estimator and error bar (fixed seed: the test is deterministic,
 * 4 sigma leaves room for an unlucky stream), and Parseval holds to the
 * variance estimator's own error sqrt(2 / (K T_total)) ~ 0.8%. */
static void test_welch_ornstein_uhlenbeck(void)
{
  const double K = 1.0, v = 2.5, dt = 0.02;
  const long L = 8192, n = 200 * L;
  double *x = malloc((size_t)n * sizeof *x);
  CU_ASSERT_PTR_NOT_NULL_FATAL(x);
  qs_rng rng;
  qs_rng_seed(&rng, 20261203, 7);
  double r = exp(-K * dt), kick = sqrt(v * (1.0 - r * r));
  x[0] = sqrt(v) * gaussian(&rng);
  double mean = x[0];
  for (long j = 1; j < n; j++) {
    x[j] = r * x[j - 1] + kick * gaussian(&rng);
    mean += x[j];
  }
  mean /= (double)n;
  double var = 0.0;
  for (long j = 0; j < n; j++)
    var += (x[j] - mean) * (x[j] - mean);
  var /= (double)(n - 1);

  qs_welch *w = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_welch_create(L, dt, 0.5, &w), QS_OK);
  CU_ASSERT_EQUAL(qs_welch_add(w, x, n), QS_OK);
  long nf = qs_welch_n_freq(w), ns = 0;
  double *om = malloc(3 * (size_t)nf * sizeof *om), *S = om + nf, *se = S + nf;
  CU_ASSERT_EQUAL_FATAL(qs_welch_result(w, om, S, se, NULL, &ns), QS_OK);
  CU_ASSERT_EQUAL(ns, 399);

  double total = S[0] + S[nf - 1];
  for (long k = 1; k < nf - 1; k++)
    total += 2.0 * S[k];
  total /= (double)L * dt;
  double rel_se = sqrt(2.0 / (K * (double)n * dt));
  CU_ASSERT(fabs(total - v) < 4.0 * rel_se * v);
  /* same data, different weights: much closer to the sample variance */
  CU_ASSERT(fabs(total - var) < rel_se * v);

  qs_lorentzian fit;
  char msg[256] = "";
  qs_status st = qs_lorentzian_fit(om, S, se, nf, 5.0 * K, &fit, msg, sizeof msg);
  CU_ASSERT_EQUAL_FATAL(st, QS_OK);
  double z = (fit.width - K) / fit.width_se;
  fprintf(stderr, "\n  OU: K = %.5f +- %.5f (z = %.2f), A = %.4f (2vK = %.4f), chi2_red = %.3f, "
                  "int S = %.4f (v = %.4f, sample %.4f)\n",
          fit.width, fit.width_se, z, fit.amplitude, 2.0 * v * K, fit.chi2_reduced, total, v,
          var);
  CU_ASSERT(fabs(z) < 4.0);
  CU_ASSERT(fit.width_se < 0.05 * K); /* an error bar that can detect a wrong width */
  CU_ASSERT(fabs(fit.amplitude - 2.0 * v * K) < 0.05 * 2.0 * v * K);
  CU_ASSERT(fit.chi2_reduced < 2.0);
  qs_welch_destroy(&w);
  free(om);
  free(x);
}

/* Symmetric random telegraph +-1 with switching rate k each way, sampled
 * every dt (a switch in each step with probability (1 - e^{-2k dt})/2
 * gives exactly the autocovariance e^{-2k|tau|} at the sample times: the
 * two-state chain's relaxation rate is k12 + k21 = 2k).  The Welch PSD's
 * fitted width must be 2k; the error bar is checked for calibration too:
 * over 10 seeds each |z| < 4 and the rms z in [0.5, 1.7] (the rms of 10
 * standard normals lies there with probability > 0.99: 10 rms^2 is
 * chi^2 with 10 degrees of freedom, P(< 2.5) = 0.009, P(> 28.9) = 0.001).
 * The neighbouring Welch bins are correlated (Hann window) while the
 * errors count only non-overlapping segments; the two effects cancel
 * in width_se (rms z ~ 1) though chi2_reduced comes out ~ 0.5. */
static void test_welch_telegraph(void)
{
  const double k = 0.25, dt = 0.05;
  const long L = 4096, n = 100 * L;
  const int n_seeds = 10;
  double *x = malloc((size_t)n * sizeof *x);
  CU_ASSERT_PTR_NOT_NULL_FATAL(x);
  double p_flip = 0.5 * (1.0 - exp(-2.0 * k * dt)), z2 = 0.0;
  for (int seed = 0; seed < n_seeds; seed++) {
    qs_rng rng;
    qs_rng_seed(&rng, 20261203, 100 + (uint64_t)seed);
    x[0] = 1.0;
    for (long j = 1; j < n; j++)
      x[j] = qs_rng_uniform(&rng) < p_flip ? -x[j - 1] : x[j - 1];
    qs_welch *w = NULL;
    CU_ASSERT_EQUAL_FATAL(qs_welch_create(L, dt, 0.5, &w), QS_OK);
    CU_ASSERT_EQUAL(qs_welch_add(w, x, n), QS_OK);
    long nf = qs_welch_n_freq(w);
    double *om = malloc(3 * (size_t)nf * sizeof *om), *S = om + nf, *se = S + nf;
    CU_ASSERT_EQUAL_FATAL(qs_welch_result(w, om, S, se, NULL, NULL), QS_OK);
    qs_lorentzian fit;
    char msg[256] = "";
    CU_ASSERT_EQUAL_FATAL(qs_lorentzian_fit(om, S, se, nf, 10.0 * k, &fit, msg, sizeof msg),
                          QS_OK);
    double z = (fit.width - 2.0 * k) / fit.width_se;
    z2 += z * z;
    CU_ASSERT(fabs(z) < 4.0);
    CU_ASSERT(fit.width_se < 0.05 * 2.0 * k);
    qs_welch_destroy(&w);
    free(om);
  }
  double rms = sqrt(z2 / n_seeds);
  fprintf(stderr, "  telegraph: rms z of the width over %d seeds = %.2f\n", n_seeds, rms);
  CU_ASSERT(rms > 0.5 && rms < 1.7);
  free(x);
}


/* ---- emission spectra ---------------------------------------------------- */

/* The model's steady state (dense or sparse LU: exact to round-off). */
static double complex *steady(const qs_model *m)
{
  qs_index N = m->space.total;
  double complex *rho = malloc((size_t)(N * N) * sizeof *rho);
  double res = 1.0;
  CU_ASSERT_EQUAL_FATAL(qs_steady_state(m, QS_STEADY_AUTO, rho, &res), QS_OK);
  CU_ASSERT(res < 1e-12);
  return rho;
}

/* The operator of observable `name`, or its adjoint (a new operator). */
static qs_op *observable_op(const qs_model *m, const char *name, int adjoint)
{
  int k = qs_model_obs_index(m, name);
  CU_ASSERT_FATAL(k >= 0);
  qs_op *A = NULL;
  CU_ASSERT_EQUAL_FATAL(adjoint ? qs_op_adjoint(m->obs[k], &A) : qs_op_copy(m->obs[k], &A),
                        QS_OK);
  return A;
}

static qs_status spectrum_at(const qs_model *m, const qs_op *A, const double complex *rho,
                             qs_spectrum_method method, const double *om, long n, double *S,
                             double complex *mean)
{
  qs_spectrum_options o;
  qs_spectrum_options_default(&o);
  o.method = method;
  char msg[256] = "";
  qs_status st = qs_emission_spectrum(m, A, rho, om, n, &o, S, mean, msg, sizeof msg);
  if (st != QS_OK)
    fprintf(stderr, "spectrum: %s\n", msg);
  return st;
}

/* Driven damped cavity, H = -domega a^dag a + F (a + a^dag), c = sqrt(gamma)
 * a (cavity_qubits, nqubits = 0): the steady state is the coherent state
 * |alpha>, d alpha/dt = i domega alpha - i F - gamma alpha / 2 = 0, so
 * alpha = -i F / (gamma/2 - i domega), and (a - alpha) rho_ss = 0: the
 * spectrum is the coherent delta of weight |alpha|^2 and S_inc = 0.  The
 * truncation to ncav = 15 levels with |alpha|^2 = 0.18 leaves a Poisson
 * tail ~ 0.18^15 / 15! < 1e-23, so S_inc vanishes to the steady state's
 * round-off: 1e-10 against the scale 4 |alpha|^2 / gamma = 0.72 a Lorentzian
 * of that weight would have. */
static void test_emission_coherent_cavity(void)
{
  const double F = 0.3, gamma = 1.0, domega = 0.5;
  const char *keys[] = {"nqubits", "ncav", "F", "gamma", "domega", NULL};
  const double vals[] = {0, 15, F, gamma, domega};
  qs_model *m = test_cavity(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  double complex *rho = steady(m);
  qs_op *A = observable_op(m, "a", 0);
  double complex alpha = -I * F / (gamma / 2.0 - I * domega), mean = 0.0;
  enum { n = 41 };
  double om[n], S[n];
  for (int i = 0; i < n; i++)
    om[i] = -4.0 + 0.2 * i;
  for (int method = 0; method < 2; method++) {
    CU_ASSERT_EQUAL_FATAL(spectrum_at(m, A, rho, method, om, n, S, &mean), QS_OK);
    CU_ASSERT(cabs(mean - alpha) < 1e-10);
    double worst = 0.0;
    for (int i = 0; i < n; i++)
      worst = fmax(worst, fabs(S[i]));
    fprintf(stderr, "\n  cavity (%s): |<a>|^2 = %.12f (|alpha|^2 = %.12f), max |S_inc| = %.2e",
            qs_spectrum_method_name(method), creal(mean * conj(mean)),
            creal(alpha * conj(alpha)), worst);
    CU_ASSERT(worst < 1e-10);
  }
  fprintf(stderr, "\n");
  qs_op_destroy(&A);
  free(rho);
  qs_model_destroy(&m);
}

/* Qubit A of qubit_osc with gain w, loss gamma, dephasing gamma_phi, no
 * drive and no coupling (eps = g = 0), H_A = delta_d Sz: rho_ss is
 * diagonal with p_up = w / (w + gamma) and <sigma_-> = 0.  The coherence
 * obeys d rho_ud/dt = (-i delta_d - Gamma_2) rho_ud with
 * Gamma_2 = (w + gamma)/2 + gamma_phi (D[sqrt(w) s+] and D[sqrt(gamma) s-]
 * damp it at w/2 and gamma/2; D[sqrt(2 gamma_phi) Sz] at
 * 2 gamma_phi (1/4 + 1/4) = gamma_phi since Sz = sigma_z / 2), so
 * <sigma_+(tau) sigma_-> = p_up e^{(i delta_d - Gamma_2) tau} and
 *   S_inc(omega) = 2 p_up Gamma_2 / (Gamma_2^2 + (omega - delta_d)^2),
 * a Lorentzian of half-width Gamma_2 at +delta_d of weight p_up =
 * <sigma_+ sigma_->.  Spin B is decoupled and only adds modes that
 * never enter the correlation. */
static void test_emission_qubit_lorentzian(void)
{
  const double w = 0.3, gamma = 0.5, gphi = 0.1, delta = 0.7;
  const char *keys[] = {"w_A", "gamma_A", "gamma_phi", "delta_d", "g", "eps", NULL};
  const double vals[] = {w, gamma, gphi, delta, 0.0, 0.0};
  qs_model *m = test_qubit_osc(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  double complex *rho = steady(m);
  qs_op *A = observable_op(m, "Sp_A", 1); /* sigma_- of A */
  double G2 = 0.5 * (w + gamma) + gphi, p = w / (w + gamma);
  enum { n = 4001 };
  const double W = 40.0; /* omega in delta +- W */
  double *om = malloc(2 * n * sizeof *om), *S = om + n;
  for (int i = 0; i < n; i++)
    om[i] = delta - W + 2.0 * W * i / (n - 1);
  double complex mean = 1.0;
  CU_ASSERT_EQUAL_FATAL(spectrum_at(m, A, rho, QS_SPECTRUM_RESOLVENT, om, n, S, &mean), QS_OK);
  CU_ASSERT(cabs(mean) < 1e-12);
  double worst = 0.0, peak = 2.0 * p / G2;
  for (int i = 0; i < n; i++) {
    double d = om[i] - delta, expect = 2.0 * p * G2 / (G2 * G2 + d * d);
    worst = fmax(worst, fabs(S[i] - expect));
  }
  /* weight: trapezoid on [delta - W, delta + W] (error h^2/12 [S']_ends,
   * negligible) plus the tails 2 int_W^inf 2 p G2 / x^2 dx / 2 pi =
   * 2 p G2 / (pi W) (next order G2^3 / W^3) */
  double h = om[1] - om[0], integral = 0.5 * (S[0] + S[n - 1]);
  for (int i = 1; i < n - 1; i++)
    integral += S[i];
  double weight = integral * h / (2.0 * QS_SPECTRUM_PI) + 2.0 * p * G2 / (QS_SPECTRUM_PI * W);
  fprintf(stderr, "\n  qubit: max |S - Lorentzian| = %.2e (peak %.4f), weight %.8f "
                  "(<s+ s-> = %.8f)\n",
          worst, peak, weight, p);
  CU_ASSERT(worst < 1e-10 * peak);
  CU_ASSERT(fabs(weight - p) < 1e-6);
  free(om);
  qs_op_destroy(&A);
  free(rho);
  qs_model_destroy(&m);
}


/* Mollow-triplet helpers: S_inc at one omega; the peak near x0 by golden
 * section on [x0 - r, x0 + r]; the half width at half maximum as the mean
 * of the two half-maximum distances (bisection on [0, 10 r]). */
typedef struct {
  const qs_model *m;
  const qs_op *A;
  const double complex *rho;
} spectrum_fn;

static double spectrum_one(const spectrum_fn *f, double omega)
{
  double S = NAN;
  double complex mean;
  CU_ASSERT_EQUAL(spectrum_at(f->m, f->A, f->rho, QS_SPECTRUM_RESOLVENT, &omega, 1, &S, &mean),
                  QS_OK);
  return S;
}

static double peak_position(const spectrum_fn *f, double x0, double r)
{
  const double g = 0.5 * (sqrt(5.0) - 1.0);
  double a = x0 - r, b = x0 + r;
  for (int it = 0; it < 80 && b - a > 1e-9 * r; it++) {
    double c = b - g * (b - a), d = a + g * (b - a);
    if (spectrum_one(f, c) > spectrum_one(f, d))
      b = d;
    else
      a = c;
  }
  return 0.5 * (a + b);
}

static double half_width(const spectrum_fn *f, double x, double r)
{
  double half = 0.5 * spectrum_one(f, x), sum = 0.0;
  for (int side = -1; side <= 1; side += 2) {
    double lo = 0.0, hi = 10.0 * r;
    for (int it = 0; it < 60; it++) {
      double mid = 0.5 * (lo + hi);
      if (spectrum_one(f, x + side * mid) > half)
        lo = mid;
      else
        hi = mid;
    }
    sum += 0.5 * (lo + hi);
  }
  return 0.5 * sum;
}

/* Qubit A of qubit_osc with decay gamma only (w_A = gamma_phi = 0), driven
 * on resonance (delta_d = 0) by H = (eps/2)(S+ + S-) = (Omega/2) sigma_x,
 * Omega = eps; B decoupled (g = 0).  Strong-drive limit Omega >> gamma
 * (dressed states, Mollow 1969): in the steady state rho_uu -> 1/2,
 * <sigma_-> = O(gamma/Omega), and the correlation is
 *   <sigma_+(tau) sigma_-> -> 1/4 e^{-gamma tau/2}
 *                            + 1/8 e^{(-3 gamma/4 + i Omega) tau} + c.c. part,
 * (the Bloch equations' eigenvalues are exactly -gamma/2 and
 * -3 gamma/4 +- i Omega', Omega' = sqrt(Omega^2 - gamma^2/16)), so by
 * 2 Re int_0^inf w e^{(i w0 - G) tau} e^{-i omega tau} = 2 w G / (G^2 +
 * (omega - w0)^2): peaks at 0 and +-Omega, half-widths gamma/2 and
 * 3 gamma/4, heights 2 (1/4) / (gamma/2) = 1/gamma and 2 (1/8) / (3
 * gamma/4) = 1/(3 gamma): 1 : 3 : 1.  Corrections: positions Omega' -
 * Omega = -gamma^2/(32 Omega) plus the shifts from the dispersive parts of
 * the amplitudes (O(gamma/Omega) relative, odd about each peak: they move a
 * maximum by O(gamma^2/Omega)), so |position - prediction| < gamma^2/Omega
 * (an independent dense numpy evaluation of the two-level formula, as in
 * analysis/spectrum_mollow.py, puts the maximum at Omega - gamma^2/(2 Omega)
 * + O(gamma^4/Omega^3) for Omega = 20 .. 160 gamma: inside the bound);
 * widths and heights agree to O(gamma/Omega), tested at 2 gamma/Omega
 * (Omega = 40 gamma: 5%).  The total incoherent weight is exactly
 * rho_uu - |<sigma_->|^2, with rho_uu = Omega^2 / (gamma^2 + 2 Omega^2) and
 * <sigma_-> = i gamma Omega / (gamma^2 + 2 Omega^2) (Bloch steady state;
 * its sign is the frame's and only |.|^2 enters), checked through
 * <sigma_-> here and through the weights in the FFT comparison. */
static void test_emission_mollow(void)
{
  const double gamma = 1.0, Omega = 40.0;
  const char *keys[] = {"w_A", "gamma_A", "gamma_phi", "delta_d", "g", "eps", "w_B", "gamma_B",
                        NULL};
  const double vals[] = {0.0, gamma, 0.0, 0.0, 0.0, Omega, 0.0, 1.0};
  qs_model *m = test_qubit_osc(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  double complex *rho = steady(m);
  qs_op *A = observable_op(m, "Sp_A", 1);
  spectrum_fn f = {m, A, rho};
  double complex mean;
  double S0;
  double om0 = 0.0;
  CU_ASSERT_EQUAL_FATAL(spectrum_at(m, A, rho, QS_SPECTRUM_RESOLVENT, &om0, 1, &S0, &mean),
                        QS_OK);
  CU_ASSERT(fabs(cabs(mean) - gamma * Omega / (gamma * gamma + 2.0 * Omega * Omega)) < 1e-12);
  double x[3], hw[3], h[3];
  const double x0[3] = {-Omega, 0.0, Omega}, hw0[3] = {0.75 * gamma, 0.5 * gamma, 0.75 * gamma};
  const double h0[3] = {1.0 / (3.0 * gamma), 1.0 / gamma, 1.0 / (3.0 * gamma)};
  const double tol = 2.0 * gamma / Omega;
  for (int k = 0; k < 3; k++) {
    x[k] = peak_position(&f, x0[k], gamma);
    h[k] = spectrum_one(&f, x[k]);
    hw[k] = half_width(&f, x[k], gamma);
    fprintf(stderr, "%s  Mollow peak %d: at %+.5f (%+.1f), half-width %.5f (%.3f), height "
                    "%.5f (%.5f)",
            k ? "" : "\n", k, x[k], x0[k], hw[k], hw0[k], h[k], h0[k]);
    CU_ASSERT(fabs(x[k] - x0[k]) < gamma * gamma / Omega);
    CU_ASSERT(fabs(hw[k] / hw0[k] - 1.0) < tol);
    CU_ASSERT(fabs(h[k] / h0[k] - 1.0) < tol);
    fprintf(stderr, "\n");
  }
  fprintf(stderr, "  height ratio %.4f : %.4f : 1\n", h[0] / h[2], h[1] / h[2]);
  CU_ASSERT(fabs(h[1] / h[0] - 3.0) < 3.0 * 2.0 * tol);
  CU_ASSERT(fabs(h[1] / h[2] - 3.0) < 3.0 * 2.0 * tol);
  qs_op_destroy(&A);
  free(rho);
  qs_model_destroy(&m);
}

/* Solves the 3x3 complex system m x = b (row-major) by Cramer's rule. */
static void solve3c(const double complex m[9], const double complex b[3], double complex x[3])
{
  double complex det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
                       m[2] * (m[3] * m[7] - m[4] * m[6]);
  for (int k = 0; k < 3; k++) {
    double complex c[9];
    memcpy(c, m, sizeof c);
    for (int r = 0; r < 3; r++)
      c[3 * r + k] = b[r];
    x[k] = (c[0] * (c[4] * c[8] - c[5] * c[7]) - c[1] * (c[3] * c[8] - c[5] * c[6]) +
            c[2] * (c[3] * c[7] - c[4] * c[6])) / det;
  }
}

/* The whole quantum-regression route against an independent derivation
 * from the Heisenberg (adjoint master) equations of a two-level system:
 * qubit A of qubit_osc with H_A = (Delta/2) sigma_z + (Omega/2) sigma_x
 * (Delta = delta_d, Omega = eps), loss gamma, gain w, dephasing gamma_phi
 * (coherence rate gamma_phi, as derived above).  With v = (<s->, <s+>,
 * <sz>), i[H, s-] = -i Delta s- + i (Omega/2) sz, i[H, sz] = i Omega (s- -
 * s+), D[sqrt(gamma) s-]^dag sz = -gamma (1 + sz), D[sqrt(w) s+]^dag sz =
 * w (1 - sz), and the coherences decay at G2 = (gamma + w)/2 + gamma_phi:
 *   dv/dt = M v + b,  M = [[-(i Delta + G2), 0, i Omega/2],
 *                          [0, i Delta - G2, -i Omega/2],
 *                          [i Omega, -i Omega, -(gamma + w)]],
 *   b = (0, 0, w - gamma);  v_ss = -M^{-1} b.
 * By the regression theorem g(tau) = <v(tau) s-(0)> obeys the same
 * equation with b <s->, from g(0) = (<s- s->, <s+ s->, <sz s->) =
 * (0, (1 + <sz>)/2, -<s->); its deviation from g_inf = v_ss <s->
 * decays as e^{M tau}, so
 *   S_inc(omega) = 2 Re [-(M - i omega)^{-1} (g(0) - g_inf)]_2,
 * one 3x3 solve per omega: no Liouvillian, no steady-state solver.  The
 * two agree to round-off (1e-10 of the peak); <s-> too. */
static void test_emission_bloch_equations(void)
{
  const double gamma = 1.0, w = 0.2, gphi = 0.15, Delta = 0.8, Omega = 3.0;
  const char *keys[] = {"w_A", "gamma_A", "gamma_phi", "delta_d", "g", "eps", NULL};
  const double vals[] = {w, gamma, gphi, Delta, 0.0, Omega};
  qs_model *m = test_qubit_osc(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  double complex *rho = steady(m);
  qs_op *A = observable_op(m, "Sp_A", 1);
  const double G2 = 0.5 * (gamma + w) + gphi;
  const double complex M[9] = {-(I * Delta + G2), 0.0, 0.5 * I * Omega,
                               0.0, I * Delta - G2, -0.5 * I * Omega,
                               I * Omega, -I * Omega, -(gamma + w)};
  double complex minus_b[3] = {0.0, 0.0, -(w - gamma)}, v[3];
  solve3c(M, minus_b, v);
  double complex dg[3] = {0.0 - v[0] * v[0], 0.5 * (1.0 + v[2]) - v[1] * v[0],
                          -v[0] - v[2] * v[0]};
  enum { n = 201 };
  double om[n], S[n];
  for (int i = 0; i < n; i++)
    om[i] = -8.0 + 16.0 * i / (n - 1);
  double complex mean;
  CU_ASSERT_EQUAL_FATAL(spectrum_at(m, A, rho, QS_SPECTRUM_RESOLVENT, om, n, S, &mean), QS_OK);
  CU_ASSERT(cabs(mean - v[0]) < 1e-12);
  double worst = 0.0, peak = 0.0;
  for (int i = 0; i < n; i++) {
    double complex Mw[9], y[3];
    memcpy(Mw, M, sizeof Mw);
    for (int k = 0; k < 3; k++)
      Mw[4 * k] -= I * om[i];
    solve3c(Mw, dg, y);
    double expect = -2.0 * creal(y[1]);
    worst = fmax(worst, fabs(S[i] - expect));
    peak = fmax(peak, fabs(expect));
  }
  fprintf(stderr, "\n  Bloch equations: <s-> = %.10f%+.10fi, max |S - S_Bloch| = %.2e of peak "
                  "%.4f\n",
          creal(v[0]), cimag(v[0]), worst, peak);
  CU_ASSERT(peak > 0.1);
  CU_ASSERT(worst < 1e-10 * peak);
  qs_op_destroy(&A);
  free(rho);
  qs_model_destroy(&m);
}

/* RESOLVENT against FFT (two independent routes: a sparse LU in frequency,
 * CVODE + FFTW in time) on a Mollow triplet of moderate drive and on a
 * driven cavity with one qubit (Jaynes-Cummings, not coherent: S_inc != 0).
 * The FFT route's errors: CVODE's tolerances (rtol 1e-8), the trapezoid
 * rule after the end correction (omega dtau)^4 / 720 < 1e-7 here, the
 * truncation at tau_max = 20 / gap (e^{-20}), the interpolation (see
 * spectrum_qrt.c): all below 1e-6 of the peak, the tolerance.  Both
 * spectra also integrate to the same weight <A^dag A> - |<A>|^2. */
static void compare_methods(const qs_model *m, const qs_op *A, double om_lo, double om_hi,
                            const char *what)
{
  double complex *rho = steady(m);
  enum { n = 401 };
  double *om = malloc(3 * n * sizeof *om), *Sr = om + n, *Sf = Sr + n;
  for (int i = 0; i < n; i++)
    om[i] = om_lo + (om_hi - om_lo) * i / (n - 1);
  double complex mr, mf;
  CU_ASSERT_EQUAL_FATAL(spectrum_at(m, A, rho, QS_SPECTRUM_RESOLVENT, om, n, Sr, &mr), QS_OK);
  CU_ASSERT_EQUAL_FATAL(spectrum_at(m, A, rho, QS_SPECTRUM_FFT, om, n, Sf, &mf), QS_OK);
  CU_ASSERT(cabs(mr - mf) == 0.0);
  /* the frequencies over two threads: the same bits */
  double *S2 = malloc(n * sizeof *S2);
  qs_spectrum_options o;
  qs_spectrum_options_default(&o);
  o.threads = 2;
  char msg[256] = "";
  CU_ASSERT_EQUAL_FATAL(qs_emission_spectrum(m, A, rho, om, n, &o, S2, &mf, msg, sizeof msg),
                        QS_OK);
  CU_ASSERT(memcmp(S2, Sr, n * sizeof *S2) == 0);
  free(S2);
  double worst = 0.0, peak = 0.0;
  for (int i = 0; i < n; i++) {
    worst = fmax(worst, fabs(Sr[i] - Sf[i]));
    peak = fmax(peak, fabs(Sr[i]));
  }
  fprintf(stderr, "\n  %s: max |S_resolvent - S_fft| = %.2e of peak %.4f", what, worst, peak);
  CU_ASSERT(peak > 0.1);
  CU_ASSERT(worst < 1e-6 * peak);
  free(om);
  free(rho);
}

static void test_emission_resolvent_vs_fft(void)
{
  const char *qkeys[] = {"w_A", "gamma_A", "delta_d", "g", "eps", "w_B", "gamma_B", NULL};
  const double qvals[] = {0.0, 1.0, 0.3, 0.0, 5.0, 0.0, 1.0};
  qs_model *m = test_qubit_osc(qkeys, qvals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  qs_op *A = observable_op(m, "Sp_A", 1);
  compare_methods(m, A, -12.0, 12.0, "Mollow, Omega = 5 gamma, detuned 0.3");
  qs_op_destroy(&A);
  qs_model_destroy(&m);

  /* A reporting frame (model.h frame_rate) only relabels what the
   * integrator reports: the spectrum stays in the frame of L.  Rates with
   * R_up != R_down for qubit A would shift the fft route's peaks by
   * R_up - R_down = 0.9 if the rotation were not undone. */
  m = test_qubit_osc(qkeys, qvals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  m->frame_rate = malloc(4 * sizeof *m->frame_rate);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m->frame_rate);
  const double rates[4] = {0.4, 1.3, -0.5, 0.2}; /* index iA * 2 + iB, 0 = up */
  memcpy(m->frame_rate, rates, sizeof rates);
  A = observable_op(m, "Sp_A", 1);
  compare_methods(m, A, -12.0, 12.0, "Mollow with a reporting frame");
  qs_op_destroy(&A);
  qs_model_destroy(&m);

  const char *ckeys[] = {"nqubits", "ncav", "F", "gamma", "domega", "delta_1", NULL};
  const double cvals[] = {1, 12, 0.4, 0.5, 0.2, 0.1};
  m = test_cavity(ckeys, cvals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  A = observable_op(m, "a", 0);
  compare_methods(m, A, -4.0, 4.0, "cavity + 1 qubit, a");
  fprintf(stderr, "\n");
  qs_op_destroy(&A);
  qs_model_destroy(&m);
}

static void test_emission_errors(void)
{
  const char *keys[] = {"nqubits", "ncav", NULL};
  const double vals[] = {0, 6};
  qs_model *m = test_cavity(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  double complex *rho = steady(m), mean;
  qs_op *A = observable_op(m, "a", 0), *small = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_op_identity(3, &small), QS_OK);
  double om[2] = {0.0, 1.0}, S[2];
  qs_spectrum_options o;
  qs_spectrum_options_default(&o);
  char msg[256] = "";
  CU_ASSERT_EQUAL(qs_emission_spectrum(m, small, rho, om, 2, &o, S, &mean, msg, sizeof msg),
                  QS_ERR_INVALID);
  CU_ASSERT(strstr(msg, "dimension 3") != NULL);
  CU_ASSERT_EQUAL(qs_emission_spectrum(m, A, rho, om, 0, &o, S, &mean, msg, sizeof msg),
                  QS_ERR_INVALID);
  om[1] = NAN;
  CU_ASSERT_EQUAL(qs_emission_spectrum(m, A, rho, om, 2, &o, S, &mean, msg, sizeof msg),
                  QS_ERR_INVALID);
  om[1] = 1.0;
  o.method = QS_SPECTRUM_FFT;
  o.n_tau = 8;
  CU_ASSERT_EQUAL(qs_emission_spectrum(m, A, rho, om, 2, &o, S, &mean, msg, sizeof msg),
                  QS_ERR_INVALID);
  CU_ASSERT(strstr(msg, "n_tau = 8") != NULL);
  /* outside the Nyquist band pi / dtau = pi (n_tau - 1) / tau_max */
  o.n_tau = 16;
  o.tau_max = 15.0 * QS_SPECTRUM_PI;
  om[1] = 1.5;
  CU_ASSERT_EQUAL(qs_emission_spectrum(m, A, rho, om, 2, &o, S, &mean, msg, sizeof msg),
                  QS_ERR_INVALID);
  CU_ASSERT(strstr(msg, "outside the band") != NULL);
  o.threads = 0;
  CU_ASSERT_EQUAL(qs_emission_spectrum(m, A, rho, om, 2, &o, S, &mean, msg, sizeof msg),
                  QS_ERR_INVALID);
  CU_ASSERT(strstr(msg, "threads = 0") != NULL);
  o.threads = 1;
  CU_ASSERT_EQUAL(qs_spectrum_method_parse("fft"), QS_SPECTRUM_FFT);
  CU_ASSERT_EQUAL(qs_spectrum_method_parse("resolvent"), QS_SPECTRUM_RESOLVENT);
  CU_ASSERT_EQUAL(qs_spectrum_method_parse("lu"), -1);
  CU_ASSERT_STRING_EQUAL(qs_spectrum_method_name(QS_SPECTRUM_FFT), "fft");
  qs_op_destroy(&A);
  qs_op_destroy(&small);
  free(rho);
  qs_model_destroy(&m);
  /* a time-dependent model (the lab frame) is refused */
  const char *lkeys[] = {"nqubits", "ncav", "frame", NULL};
  const double lvals[] = {1, 4, 1};
  m = test_cavity(lkeys, lvals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_FATAL(m->n_td > 0);
  qs_index N = m->space.total;
  rho = calloc((size_t)(N * N), sizeof *rho);
  rho[0] = 1.0;
  A = observable_op(m, "a", 0);
  o.method = QS_SPECTRUM_RESOLVENT;
  CU_ASSERT_EQUAL(qs_emission_spectrum(m, A, rho, om, 2, &o, S, &mean, msg, sizeof msg),
                  QS_ERR_INVALID);
  CU_ASSERT(strstr(msg, "time-dependent") != NULL);
  qs_op_destroy(&A);
  free(rho);
  qs_model_destroy(&m);
}

/* ---- Lorentzian fit ------------------------------------------------------ */

/* Noise-free Lorentzian plus background: the fit returns the parameters
 * to round-off (chi^2 = 0 at the true parameters, a unique minimum). */
static void test_lorentzian_exact(void)
{
  const double A = 3.0, K = 0.37, B = 0.02;
  double om[60], S[60], se[60];
  for (int i = 0; i < 60; i++) {
    om[i] = 0.05 * i;
    S[i] = A / (K * K + om[i] * om[i]) + B;
    se[i] = 0.01 * S[i];
  }
  qs_lorentzian fit;
  char msg[256] = "";
  CU_ASSERT_EQUAL_FATAL(qs_lorentzian_fit(om, S, se, 60, 0.0, &fit, msg, sizeof msg), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(fit.width, K, 1e-9);
  CU_ASSERT_DOUBLE_EQUAL(fit.amplitude, A, 1e-8);
  CU_ASSERT_DOUBLE_EQUAL(fit.background, B, 1e-9);
  CU_ASSERT_EQUAL(fit.n_points, 60);
  CU_ASSERT(fit.width_se > 0.0 && fit.width_se < 1e-2 * K);
  /* omega_max restricts the points */
  CU_ASSERT_EQUAL(qs_lorentzian_fit(om, S, se, 60, 1.0, &fit, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(fit.n_points, 21);
}

static void test_lorentzian_errors(void)
{
  double om[3] = {0, 1, 2}, S[3] = {1, 0.5, 0.2}, se[3] = {0.1, 0.1, 0.1};
  qs_lorentzian fit;
  char msg[256] = "";
  CU_ASSERT_EQUAL(qs_lorentzian_fit(om, S, se, 3, 0.0, &fit, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT(strstr(msg, "need >= 4") != NULL);
  CU_ASSERT_EQUAL(qs_lorentzian_fit(NULL, S, se, 3, 0.0, &fit, msg, sizeof msg),
                  QS_ERR_INVALID);
  /* zero errors exclude points */
  double om4[5] = {0, 1, 2, 3, 4}, S4[5] = {1, 0.5, 0.2, 0.1, 0.05}, se4[5] = {0.1, 0, 0.1, 0.1, 0};
  CU_ASSERT_EQUAL(qs_lorentzian_fit(om4, S4, se4, 5, 0.0, &fit, msg, sizeof msg), QS_ERR_INVALID);
}

int qs_test_register_spectrum(void)
{
  static const test_case cases[] = {
      {"welch errors", test_welch_errors},
      {"welch sinusoid: Parseval, Hann leakage", test_welch_sinusoid},
      {"welch Ornstein-Uhlenbeck: Lorentzian width, Parseval", test_welch_ornstein_uhlenbeck},
      {"welch telegraph: width k12 + k21", test_welch_telegraph},
      {"lorentzian fit exact", test_lorentzian_exact},
      {"lorentzian fit errors", test_lorentzian_errors},
      {"emission: coherent driven cavity", test_emission_coherent_cavity},
      {"emission: qubit gain/loss/dephasing Lorentzian", test_emission_qubit_lorentzian},
      {"emission: Mollow triplet", test_emission_mollow},
      {"emission: driven qubit against its Bloch equations", test_emission_bloch_equations},
      {"emission: resolvent against FFT", test_emission_resolvent_vs_fft},
      {"emission: errors", test_emission_errors},
  };
  return test_add_suite("spectrum", cases, (int)(sizeof cases / sizeof cases[0]));
}
