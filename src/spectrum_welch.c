/* Welch power spectral density of sampled real signals (spectrum.h).
 *
 * Normalization: for a segment x_j (j < L) with Hann window w_j and its
 * DFT X_k = sum_j w_j x_j e^{-2 pi i jk/L}, Parseval gives
 * sum_{k<L} |X_k|^2 = L sum_j w_j^2 x_j^2.  With P_k = dt |X_k|^2 / sum w^2
 * and the bin width domega = 2 pi / (L dt),
 *   sum_{k<L} P_k domega / (2 pi) = sum_j w_j^2 x_j^2 / sum_j w_j^2,
 * the window-weighted mean square of the segment: the two-sided density
 * of spectrum.h with int S domega / 2 pi = variance.  Only k <= L/2 is
 * kept (P_{L-k} = P_k for a real signal). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "qsync/spectrum.h"
#include "spectrum_impl.h"

#define QS_SPECTRUM_PI 3.14159265358979323846

struct qs_welch {
  long segment, step;
  double dt;
  double *window;       /* Hann, periodic: w_j = sin^2(pi j / L) */
  double window_sq_sum; /* sum_j w_j^2 */
  double *in;           /* fftw_malloc'd, segment */
  fftw_complex *out;    /* fftw_malloc'd, segment/2 + 1 */
  fftw_plan plan;
  double *sum, *sum_sq; /* per frequency: sum of P_k and of P_k^2 */
  long n_segments;      /* segments added */
  long n_independent;   /* non-overlapping segments: sum over signals of n / L */
};

fftw_plan qs_fftw_plan_r2c(int n, double *in, fftw_complex *out)
{
  fftw_plan p;
  /* FFTW's planner is not thread-safe; FFTW_ESTIMATE picks the plan
   * without timing, so the result does not depend on the machine's load
   * (bit-reproducible runs). */
#pragma omp critical(qs_fftw_planner)
  p = fftw_plan_dft_r2c_1d(n, in, out, FFTW_ESTIMATE);
  return p;
}

fftw_plan qs_fftw_plan_c2c(int n, fftw_complex *in, fftw_complex *out)
{
  fftw_plan p;
#pragma omp critical(qs_fftw_planner)
  p = fftw_plan_dft_1d(n, in, out, FFTW_FORWARD, FFTW_ESTIMATE);
  return p;
}

void qs_fftw_destroy(fftw_plan p)
{
  if (!p)
    return;
#pragma omp critical(qs_fftw_planner)
  fftw_destroy_plan(p);
}

long qs_welch_n_freq(const qs_welch *w)
{
  return w ? w->segment / 2 + 1 : 0;
}

void qs_welch_destroy(qs_welch **w)
{
  if (!w || !*w)
    return;
  qs_welch *p = *w;
  qs_fftw_destroy(p->plan);
  fftw_free(p->in);
  fftw_free(p->out);
  free(p->window);
  free(p->sum);
  free(p->sum_sq);
  free(p);
  *w = NULL;
}

qs_status qs_welch_create(long segment, double dt, double overlap, qs_welch **w)
{
  if (!w)
    return QS_ERR_INVALID;
  *w = NULL;
  if (segment < 8 || segment > (1L << 30) || !(dt > 0.0) || !isfinite(dt) ||
      !(overlap >= 0.0 && overlap <= 0.75))
    return QS_ERR_INVALID;
  qs_welch *p = calloc(1, sizeof *p);
  if (!p)
    return QS_ERR_NOMEM;
  long nf = segment / 2 + 1;
  p->segment = segment;
  p->dt = dt;
  p->step = segment - (long)floor(overlap * (double)segment);
  if (p->step < 1)
    p->step = 1;
  p->window = malloc((size_t)segment * sizeof *p->window);
  p->in = fftw_malloc((size_t)segment * sizeof *p->in);
  p->out = fftw_malloc((size_t)nf * sizeof *p->out);
  p->sum = calloc((size_t)nf, sizeof *p->sum);
  p->sum_sq = calloc((size_t)nf, sizeof *p->sum_sq);
  if (!p->window || !p->in || !p->out || !p->sum || !p->sum_sq)
    goto fail;
  for (long j = 0; j < segment; j++) {
    double s = sin(QS_SPECTRUM_PI * (double)j / (double)segment);
    p->window[j] = s * s;
    p->window_sq_sum += p->window[j] * p->window[j];
  }
  p->plan = qs_fftw_plan_r2c((int)segment, p->in, p->out);
  if (!p->plan)
    goto fail;
  *w = p;
  return QS_OK;
fail:
  qs_welch_destroy(&p);
  return QS_ERR_NOMEM;
}

/* One windowed periodogram of x[0..L) - mean into the running sums. */
static void add_segment(qs_welch *w, const double *x, double mean)
{
  long L = w->segment, nf = L / 2 + 1;
  for (long j = 0; j < L; j++)
    w->in[j] = w->window[j] * (x[j] - mean);
  fftw_execute(w->plan);
  double scale = w->dt / w->window_sq_sum;
  for (long k = 0; k < nf; k++) {
    double re = creal(w->out[k]), im = cimag(w->out[k]);
    double P = scale * (re * re + im * im);
    w->sum[k] += P;
    w->sum_sq[k] += P * P;
  }
  w->n_segments++;
}

qs_status qs_welch_add(qs_welch *w, const double *x, long n)
{
  if (!w || (n > 0 && !x) || n < 0)
    return QS_ERR_INVALID;
  double mean = 0.0;
  for (long i = 0; i < n; i++) {
    if (!isfinite(x[i]))
      return QS_ERR_INVALID;
    mean += x[i];
  }
  if (n < w->segment)
    return QS_OK;
  mean /= (double)n;
  for (long start = 0; start + w->segment <= n; start += w->step)
    add_segment(w, x + start, mean);
  w->n_independent += n / w->segment;
  return QS_OK;
}

qs_status qs_welch_result(const qs_welch *w, double *omega, double *psd, double *psd_se,
                          long *n_freq, long *n_segments)
{
  if (!w || w->n_segments == 0)
    return QS_ERR_INVALID;
  long nf = w->segment / 2 + 1;
  double m = (double)w->n_segments;
  double domega = 2.0 * QS_SPECTRUM_PI / ((double)w->segment * w->dt);
  for (long k = 0; k < nf; k++) {
    double mean = w->sum[k] / m;
    if (omega)
      omega[k] = domega * (double)k;
    if (psd)
      psd[k] = mean;
    if (psd_se) {
      /* sample variance of the segment periodograms; one segment has no
       * spread to measure: its periodogram's relative error is 1 (chi^2
       * with two degrees of freedom), the error used then. */
      double var = w->n_segments > 1 ? (w->sum_sq[k] - m * mean * mean) / (m - 1.0) : mean * mean;
      psd_se[k] = sqrt(fmax(var, 0.0) / (double)w->n_independent);
    }
  }
  if (n_freq)
    *n_freq = nf;
  if (n_segments)
    *n_segments = w->n_segments;
  return QS_OK;
}
