/* Telegraph analysis of bistable signals; see include/qsync/jumps.h. */
#include "qsync/jumps.h"
#include "message_impl.h"
#include "spectrum_impl.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TWO_PI (2.0 * 3.14159265358979323846)

/* ---- options -------------------------------------------------------- */

void qs_telegraph_options_default(qs_telegraph_options *o)
{
  if (!o)
    return;
  o->method = QS_TELEGRAPH_THRESHOLD;
  o->n_bins = 100;
  o->hysteresis = 0.2;
  o->min_dip = 0.5;
  o->hmm_max_iter = 200;
  o->hmm_tol = 1e-9;
  o->confidence = 0.95;
  o->peak_significance = 4.0;
}

const char *qs_telegraph_method_name(qs_telegraph_method m)
{
  return m == QS_TELEGRAPH_HMM ? "hmm" : "threshold";
}

int qs_telegraph_method_parse(const char *word)
{
  if (!word)
    return -1;
  if (strcmp(word, "threshold") == 0)
    return QS_TELEGRAPH_THRESHOLD;
  if (strcmp(word, "hmm") == 0)
    return QS_TELEGRAPH_HMM;
  return -1;
}

static qs_status check_options(const qs_telegraph_options *o, char *msg, size_t msglen)
{
  if (o->method != QS_TELEGRAPH_THRESHOLD && o->method != QS_TELEGRAPH_HMM) {
    qs_set_message(msg, msglen, "telegraph: unknown method %d", (int)o->method);
    return QS_ERR_INVALID;
  }
  if (o->n_bins < 8) {
    qs_set_message(msg, msglen, "telegraph: n_bins = %d; expected >= 8", o->n_bins);
    return QS_ERR_INVALID;
  }
  if (!(o->hysteresis >= 0.0 && o->hysteresis <= 0.9)) {
    qs_set_message(msg, msglen, "telegraph: hysteresis = %g; expected in [0, 0.9]",
                   o->hysteresis);
    return QS_ERR_INVALID;
  }
  if (!(o->min_dip > 0.0 && o->min_dip < 1.0)) {
    qs_set_message(msg, msglen, "telegraph: min_dip = %g; expected in (0, 1)", o->min_dip);
    return QS_ERR_INVALID;
  }
  if (o->hmm_max_iter < 1) {
    qs_set_message(msg, msglen, "telegraph: hmm_max_iter = %d; expected >= 1",
                   o->hmm_max_iter);
    return QS_ERR_INVALID;
  }
  if (!(o->hmm_tol >= 0.0) || !isfinite(o->hmm_tol)) {
    qs_set_message(msg, msglen, "telegraph: hmm_tol = %g; expected a finite value >= 0",
                   o->hmm_tol);
    return QS_ERR_INVALID;
  }
  if (!(o->confidence > 0.0 && o->confidence < 1.0)) {
    qs_set_message(msg, msglen, "telegraph: confidence = %g; expected in (0, 1)",
                   o->confidence);
    return QS_ERR_INVALID;
  }
  if (!(o->peak_significance >= 0.0) || !isfinite(o->peak_significance)) {
    qs_set_message(msg, msglen, "telegraph: peak_significance = %g; expected a finite "
                   "value >= 0", o->peak_significance);
    return QS_ERR_INVALID;
  }
  return QS_OK;
}

/* ---- normal quantile ------------------------------------------------- */

/* Standard normal quantile: Acklam's rational approximation (relative
 * error 1.15e-9), then one Halley step on Phi(z) = p with erfc, which
 * brings it to double precision.  p in (0, 1). */
static double normal_quantile(double p)
{
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                             -2.759285104469687e+02, 1.383577518672690e+02,
                             -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                             -1.556989798598866e+02, 6.680131188771972e+01,
                             -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                             -2.400758277161838e+00, -2.549732539343734e+00,
                             4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                             2.445134137142996e+00, 3.754408661907416e+00};
  const double p_low = 0.02425;
  double z;
  if (p < p_low) {
    double q = sqrt(-2.0 * log(p));
    z = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  } else if (p <= 1.0 - p_low) {
    double q = p - 0.5, r = q * q;
    z = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  } else {
    double q = sqrt(-2.0 * log1p(-p));
    z = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  double e = 0.5 * erfc(-z / sqrt(2.0)) - p;
  double u = e * sqrt(TWO_PI) * exp(0.5 * z * z);
  return z - u / (1.0 + 0.5 * z * u);
}

/* ---- histogram and bimodality --------------------------------------- */

typedef struct {
  double lo, width;   /* bin i covers [lo + i width, lo + (i + 1) width) */
  double *smooth;     /* (1, 2, 1)/4-smoothed counts, n_bins */
  int n_bins;
} histogram;

static double bin_centre(const histogram *h, double i)
{
  return h->lo + (i + 0.5) * h->width;
}

/* Pooled histogram over [min, max] of all samples, smoothed. */
static qs_status histogram_make(const double *const *x, const long *n, int n_signals,
                                int n_bins, histogram *h, char *msg, size_t msglen)
{
  double lo = INFINITY, hi = -INFINITY;
  for (int i = 0; i < n_signals; i++)
    for (long k = 0; k < n[i]; k++) {
      lo = fmin(lo, x[i][k]);
      hi = fmax(hi, x[i][k]);
    }
  if (!(hi > lo)) {
    qs_set_message(msg, msglen, "the histogram of the signal is not bimodal: the signal is "
                   "constant (%g)", lo);
    return QS_ERR_INVALID;
  }
  double *raw = calloc((size_t)n_bins, sizeof *raw);
  h->smooth = malloc((size_t)n_bins * sizeof *h->smooth);
  if (!raw || !h->smooth) {
    free(raw);
    free(h->smooth);
    h->smooth = NULL;
    return QS_ERR_NOMEM;
  }
  h->lo = lo;
  h->width = (hi - lo) / n_bins;
  h->n_bins = n_bins;
  for (int i = 0; i < n_signals; i++)
    for (long k = 0; k < n[i]; k++) {
      long b = (long)((x[i][k] - lo) / h->width);
      raw[b < n_bins ? b : n_bins - 1] += 1.0;
    }
  /* At the ends the kernel is renormalised over the bins that exist. */
  for (int b = 0; b < n_bins; b++) {
    double left = b > 0 ? raw[b - 1] : 0.0, right = b < n_bins - 1 ? raw[b + 1] : 0.0;
    double norm = 2.0 + (b > 0) + (b < n_bins - 1);
    h->smooth[b] = (left + 2.0 * raw[b] + right) / norm;
  }
  free(raw);
  return QS_OK;
}

/* Two peaks i < j of the smoothed histogram and the minimum between them
 * (a flat minimum: the middle of its first and last bin); dip is the
 * minimum over the lower peak. */
typedef struct {
  int peak[2];
  double dip_bin;  /* fractional bin index of the threshold */
  double dip;      /* minimum / lower peak */
  double lower_peak, minimum;
} peak_pair;

static int pair_separated(const peak_pair *q, const qs_telegraph_options *o)
{
  return q->dip < o->min_dip &&
         q->lower_peak - q->minimum > o->peak_significance * sqrt(q->lower_peak + q->minimum);
}

/* Local maxima of the smoothed histogram (a plateau counts once, at its
 * middle); returns their number. */
static int find_maxima(const histogram *h, int *peaks)
{
  int count = 0, nb = h->n_bins;
  const double *s = h->smooth;
  for (int b = 0; b < nb;) {
    int e = b;
    while (e + 1 < nb && s[e + 1] == s[b])
      e++;
    int rises = b == 0 || s[b - 1] < s[b];
    int falls = e == nb - 1 || s[e + 1] < s[b];
    if (rises && falls && s[b] > 0.0)
      peaks[count++] = (b + e) / 2;
    b = e + 1;
  }
  return count;
}

/* The two highest separated maxima: the separated pair whose lower peak is
 * highest.  For each left peak the minimum is carried along to the right,
 * so the search costs (maxima x bins).  QS_ERR_INVALID with the best
 * candidate when no pair is separated. */
static qs_status find_levels(const histogram *h, const qs_telegraph_options *o,
                             peak_pair *best, char *msg, size_t msglen)
{
  int *peaks = malloc((size_t)h->n_bins * sizeof *peaks);
  if (!peaks)
    return QS_ERR_NOMEM;
  const double *sm = h->smooth;
  int np = find_maxima(h, peaks);
  int found = 0, have_closest = 0;
  int top = np > 0 ? peaks[0] : 0;
  peak_pair closest = {{top, top}, 0.0, 1.0, 0.0, 0.0};
  for (int a = 0; a < np; a++) {
    int i = peaks[a], first = i, last = i;
    double minimum = sm[i];
    for (int c = a + 1, b = i + 1; c < np; c++) {
      for (; b <= peaks[c]; b++) {
        if (sm[b] < minimum) {
          minimum = sm[b];
          first = last = b;
        } else if (sm[b] == minimum) {
          last = b;
        }
      }
      peak_pair q = {{i, peaks[c]}, 0.5 * (first + last), 0.0,
                     fmin(sm[i], sm[peaks[c]]), minimum};
      q.dip = q.minimum / q.lower_peak;
      if (pair_separated(&q, o)) {
        if (!found || q.lower_peak > best->lower_peak) {
          *best = q;
          found = 1;
        }
      } else if (!have_closest || q.lower_peak > closest.lower_peak) {
        closest = q;
        have_closest = 1;
      }
    }
  }
  free(peaks);
  if (found)
    return QS_OK;
  if (np < 2)
    qs_set_message(msg, msglen, "the histogram of the signal is not bimodal: one peak at %g "
                   "(%d bins over [%g, %g])", bin_centre(h, closest.peak[0]), h->n_bins,
                   h->lo, h->lo + h->n_bins * h->width);
  else
    qs_set_message(msg, msglen, "the histogram of the signal is not bimodal: no two maxima "
                   "are separated by a dip below min_dip = %g of the lower peak and %g "
                   "counting errors under it (peaks at %g and %g, dip %.3g)", o->min_dip,
                   o->peak_significance, bin_centre(h, closest.peak[0]),
                   bin_centre(h, closest.peak[1]), closest.dip);
  return QS_ERR_INVALID;
}

/* ---- HMM (Baum-Welch) ----------------------------------------------- */

typedef struct {
  double mean[2], sd[2];
  double a[2][2];   /* per-sample transition probabilities */
  double pi[2];     /* initial-state probabilities (pooled occupancies) */
} hmm;

/* log of the Gaussian emission densities without the 1/sqrt(2 pi). */
static void log_emission(const hmm *m, double x, double *lb)
{
  for (int s = 0; s < 2; s++) {
    double u = (x - m->mean[s]) / m->sd[s];
    lb[s] = -0.5 * u * u - log(m->sd[s]);
  }
}

typedef struct {
  double occ[2], sx[2], sxx[2];  /* sums of gamma, gamma (x - x_ref), ^2 */
  double xi[2][2];               /* sums of xi_t(r, s) */
  double loglik;
} hmm_sums;

/* Scaled forward-backward on one signal; adds its expected counts to
 * sums.  alpha, b: 2 n work doubles each; c: n.  Emissions are divided by
 * their larger value per sample (added back to the log-likelihood) so that
 * samples far from both means do not underflow. */
static void hmm_estep(const hmm *m, const double *x, long n, double x_ref, double *alpha,
                      double *b, double *c, hmm_sums *sums)
{
  for (long t = 0; t < n; t++) {
    double lb[2];
    log_emission(m, x[t], lb);
    double top = fmax(lb[0], lb[1]);
    b[2 * t] = exp(lb[0] - top);
    b[2 * t + 1] = exp(lb[1] - top);
    sums->loglik += top;
    double f0, f1;
    if (t == 0) {
      f0 = m->pi[0] * b[0];
      f1 = m->pi[1] * b[1];
    } else {
      const double *ap = alpha + 2 * (t - 1);
      f0 = (ap[0] * m->a[0][0] + ap[1] * m->a[1][0]) * b[2 * t];
      f1 = (ap[0] * m->a[0][1] + ap[1] * m->a[1][1]) * b[2 * t + 1];
    }
    c[t] = f0 + f1;
    alpha[2 * t] = f0 / c[t];
    alpha[2 * t + 1] = f1 / c[t];
    sums->loglik += log(c[t]);
  }
  double beta[2] = {1.0, 1.0};
  for (long t = n - 1; t >= 0; t--) {
    double dx = x[t] - x_ref;
    for (int s = 0; s < 2; s++) {
      double g = alpha[2 * t + s] * beta[s];
      sums->occ[s] += g;
      sums->sx[s] += g * dx;
      sums->sxx[s] += g * dx * dx;
    }
    if (t == 0)
      break;
    /* xi_{t-1}(r, s) = alpha_{t-1}(r) a_rs b_t(s) beta_t(s) / c_t */
    double w[2] = {b[2 * t] * beta[0] / c[t], b[2 * t + 1] * beta[1] / c[t]};
    const double *ap = alpha + 2 * (t - 1);
    for (int r = 0; r < 2; r++)
      for (int s = 0; s < 2; s++)
        sums->xi[r][s] += ap[r] * m->a[r][s] * w[s];
    beta[0] = m->a[0][0] * w[0] + m->a[0][1] * w[1];
    beta[1] = m->a[1][0] * w[0] + m->a[1][1] * w[1];
  }
}

/* M-step; returns 0 when a state has lost all its weight. */
static int hmm_mstep(hmm *m, const hmm_sums *s, double x_ref, double var_floor)
{
  for (int k = 0; k < 2; k++) {
    if (!(s->occ[k] > 0.0))
      return 0;
    double mu = s->sx[k] / s->occ[k];
    double var = s->sxx[k] / s->occ[k] - mu * mu;
    m->mean[k] = x_ref + mu;
    m->sd[k] = sqrt(fmax(var, var_floor));
    double out = s->xi[k][0] + s->xi[k][1];
    if (out > 0.0) {
      m->a[k][1 - k] = s->xi[k][1 - k] / out;
      m->a[k][k] = 1.0 - m->a[k][1 - k];
    }
  }
  double total = s->occ[0] + s->occ[1];
  m->pi[0] = s->occ[0] / total;
  m->pi[1] = s->occ[1] / total;
  return 1;
}

/* The point between the means where pi_0 N_0 = pi_1 N_1 (bisection on the
 * log ratio); the midpoint when the weighted densities do not cross there. */
static double hmm_crossing(const hmm *m)
{
  double lo = m->mean[0], hi = m->mean[1];
  double lb[2];
  log_emission(m, lo, lb);
  double flo = log(m->pi[0]) + lb[0] - log(m->pi[1]) - lb[1];
  log_emission(m, hi, lb);
  double fhi = log(m->pi[0]) + lb[0] - log(m->pi[1]) - lb[1];
  if (!(flo > 0.0 && fhi < 0.0))
    return 0.5 * (lo + hi);
  for (int it = 0; it < 200 && hi - lo > 1e-14 * (fabs(lo) + fabs(hi)); it++) {
    double mid = 0.5 * (lo + hi);
    log_emission(m, mid, lb);
    if (log(m->pi[0]) + lb[0] - log(m->pi[1]) - lb[1] > 0.0)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

/* Starting point of Baum-Welch: the histogram levels, the widths of the
 * two sides, the switching probabilities and occupancies of the hysteresis
 * classification (state: work space of the longest signal). */
static void hmm_start(const double *const *x, const long *n, int n_signals,
                      const qs_telegraph_params *p, double var_floor, unsigned char *state,
                      hmm *m)
{
  long in[2] = {0, 0}, exits[2] = {0, 0};
  for (int i = 0; i < n_signals; i++) {
    if (n[i] == 0)
      continue;
    qs_telegraph_classify(x[i], n[i], p, state);
    for (long t = 0; t < n[i]; t++) {
      in[state[t]]++;
      if (t > 0 && state[t] != state[t - 1])
        exits[state[t - 1]]++;
    }
  }
  for (int k = 0; k < 2; k++) {
    m->mean[k] = p->level[k];
    m->sd[k] = fmax(p->width[k], sqrt(var_floor));
    double q = in[k] > 0 ? (double)(exits[k] > 0 ? exits[k] : 1) / (double)in[k] : 0.5;
    m->a[k][1 - k] = fmin(q, 0.5);
    m->a[k][k] = 1.0 - m->a[k][1 - k];
    m->pi[k] = (double)(in[k] > 0 ? in[k] : 1) / (double)(p->n_samples + 1);
  }
}

static qs_status hmm_fit(const double *const *x, const long *n, int n_signals,
                         const qs_telegraph_options *o, qs_telegraph_params *p, char *msg,
                         size_t msglen)
{
  long longest = 0;
  for (int i = 0; i < n_signals; i++)
    longest = n[i] > longest ? n[i] : longest;
  double *alpha = malloc((size_t)longest * 2 * sizeof *alpha);
  double *b = malloc((size_t)longest * 2 * sizeof *b);
  double *c = malloc((size_t)longest * sizeof *c);
  unsigned char *state = malloc((size_t)longest);
  if (!alpha || !b || !c || !state) {
    free(alpha);
    free(b);
    free(c);
    free(state);
    return QS_ERR_NOMEM;
  }
  /* The variance floor only stops a state collapsing onto repeated equal
   * values (a quantised signal); x_ref keeps the second moments small. */
  double range = p->level[1] - p->level[0];
  double var_floor = 1e-12 * range * range;
  double x_ref = 0.5 * (p->level[0] + p->level[1]);
  hmm m;
  hmm_start(x, n, n_signals, p, var_floor, state, &m);
  double previous = -INFINITY, per_sample = NAN;
  int iter, converged = 0, lost = 0;
  for (iter = 1; iter <= o->hmm_max_iter; iter++) {
    hmm_sums sums;
    memset(&sums, 0, sizeof sums);
    for (int i = 0; i < n_signals; i++)
      if (n[i] > 0)
        hmm_estep(&m, x[i], n[i], x_ref, alpha, b, c, &sums);
    per_sample = sums.loglik / (double)p->n_samples - 0.5 * log(TWO_PI);
    if (fabs(per_sample - previous) < o->hmm_tol) {
      converged = 1;
      break;
    }
    if (iter == o->hmm_max_iter)
      break; /* the parameters stay those of the last log-likelihood */
    previous = per_sample;
    if (!hmm_mstep(&m, &sums, x_ref, var_floor)) {
      lost = 1;
      break;
    }
  }
  free(alpha);
  free(b);
  free(c);
  free(state);
  if (lost || !(m.mean[0] < m.mean[1]) || !isfinite(per_sample)) {
    qs_set_message(msg, msglen, "hidden Markov model: the two states merged (means %g and "
                   "%g) starting from the histogram levels %g and %g", m.mean[0], m.mean[1],
                   p->level[0], p->level[1]);
    return QS_ERR_INVALID;
  }
  for (int k = 0; k < 2; k++) {
    p->level[k] = m.mean[k];
    p->width[k] = m.sd[k];
    p->p_switch[k] = m.a[k][1 - k];
  }
  p->threshold = hmm_crossing(&m);
  p->lower = p->upper = p->threshold;
  p->log_likelihood = per_sample;
  p->iterations = iter;
  p->converged = converged;
  return QS_OK;
}

/* ---- fit and classify ----------------------------------------------- */

/* Standard deviation of the samples on each side of the threshold. */
static void side_widths(const double *const *x, const long *n, int n_signals, double thr,
                        const double *level, double *width)
{
  double s1[2] = {0, 0}, s2[2] = {0, 0};
  long count[2] = {0, 0};
  for (int i = 0; i < n_signals; i++)
    for (long k = 0; k < n[i]; k++) {
      int s = x[i][k] >= thr;
      double d = x[i][k] - level[s];
      s1[s] += d;
      s2[s] += d * d;
      count[s]++;
    }
  for (int s = 0; s < 2; s++) {
    double m = s1[s] / (double)count[s];
    width[s] = count[s] > 1 ? sqrt(fmax(s2[s] / (double)count[s] - m * m, 0.0) *
                                   (double)count[s] / (double)(count[s] - 1))
                            : 0.0;
  }
}

qs_status qs_telegraph_fit(const double *const *x, const long *n, int n_signals,
                           const qs_telegraph_options *o, qs_telegraph_params *p,
                           char *msg, size_t msglen)
{
  qs_telegraph_options defaults;
  if (!o) {
    qs_telegraph_options_default(&defaults);
    o = &defaults;
  }
  if (!x || !n || !p || n_signals < 1) {
    qs_set_message(msg, msglen, "telegraph fit: NULL signals or parameters, or %d signals",
                   n_signals);
    return QS_ERR_INVALID;
  }
  qs_status st = check_options(o, msg, msglen);
  if (st != QS_OK)
    return st;
  long total = 0;
  for (int i = 0; i < n_signals; i++) {
    if (n[i] < 0 || (n[i] > 0 && !x[i])) {
      qs_set_message(msg, msglen, "telegraph fit: signal %d has %ld samples%s", i, n[i],
                     n[i] < 0 ? "" : " and no data");
      return QS_ERR_INVALID;
    }
    for (long k = 0; k < n[i]; k++)
      if (!isfinite(x[i][k])) {
        qs_set_message(msg, msglen, "telegraph fit: signal %d holds a non-finite value at "
                       "sample %ld (%g)", i, k, x[i][k]);
        return QS_ERR_INVALID;
      }
    total += n[i];
  }
  if (total < 2) {
    qs_set_message(msg, msglen, "telegraph fit: %ld samples in all; a histogram needs more",
                   total);
    return QS_ERR_INVALID;
  }
  histogram h = {0};
  st = histogram_make(x, n, n_signals, o->n_bins, &h, msg, msglen);
  if (st != QS_OK)
    return st;
  peak_pair best = {{0, 0}, 0.0, 0.0, 0.0, 0.0};
  st = find_levels(&h, o, &best, msg, msglen);
  if (st == QS_OK) {
    memset(p, 0, sizeof *p);
    p->method = QS_TELEGRAPH_THRESHOLD;
    p->n_samples = total;
    p->level[0] = bin_centre(&h, best.peak[0]);
    p->level[1] = bin_centre(&h, best.peak[1]);
    p->threshold = bin_centre(&h, best.dip_bin);
    p->dip = best.dip;
    /* Band of total width hysteresis (x1 - x0), split in proportion to
     * the threshold's distances to the levels: never beyond a level. */
    p->lower = p->threshold - o->hysteresis * (p->threshold - p->level[0]);
    p->upper = p->threshold + o->hysteresis * (p->level[1] - p->threshold);
    side_widths(x, n, n_signals, p->threshold, p->level, p->width);
    p->p_switch[0] = p->p_switch[1] = NAN;
    p->log_likelihood = NAN;
    p->iterations = 0;
    p->converged = 1;
  }
  free(h.smooth);
  if (st == QS_OK && o->method == QS_TELEGRAPH_HMM) {
    st = hmm_fit(x, n, n_signals, o, p, msg, msglen);
    if (st == QS_OK)
      p->method = QS_TELEGRAPH_HMM;
  }
  return st;
}

static qs_status viterbi(const double *x, long n, const qs_telegraph_params *p,
                         unsigned char *state)
{
  unsigned char *back = malloc((size_t)n * 2);
  if (!back)
    return QS_ERR_NOMEM;
  hmm m = {{p->level[0], p->level[1]}, {p->width[0], p->width[1]}, {{0}}, {0}};
  double la[2][2];
  for (int k = 0; k < 2; k++) {
    la[k][1 - k] = log(p->p_switch[k]);
    la[k][k] = log1p(-p->p_switch[k]);
  }
  /* Initial weights: the stationary occupancies of the transition matrix. */
  double out = p->p_switch[0] + p->p_switch[1];
  double pi0 = out > 0.0 ? p->p_switch[1] / out : 0.5;
  double delta[2], lb[2];
  log_emission(&m, x[0], lb);
  delta[0] = log(pi0) + lb[0];
  delta[1] = log1p(-pi0) + lb[1];
  for (long t = 1; t < n; t++) {
    log_emission(&m, x[t], lb);
    double next[2];
    for (int s = 0; s < 2; s++) {
      double stay = delta[s] + la[s][s], come = delta[1 - s] + la[1 - s][s];
      back[2 * t + s] = (unsigned char)(come > stay ? 1 - s : s);
      next[s] = fmax(stay, come) + lb[s];
    }
    /* Shift so the values stay O(1) however long the signal. */
    double top = fmax(next[0], next[1]);
    delta[0] = next[0] - top;
    delta[1] = next[1] - top;
  }
  int s = delta[1] > delta[0];
  for (long t = n - 1; t >= 0; t--) {
    state[t] = (unsigned char)s;
    if (t > 0)
      s = back[2 * t + s];
  }
  free(back);
  return QS_OK;
}

qs_status qs_telegraph_classify(const double *x, long n, const qs_telegraph_params *p,
                                unsigned char *state)
{
  if (!x || !p || !state || n < 1)
    return QS_ERR_INVALID;
  for (long t = 0; t < n; t++)
    if (!isfinite(x[t]))
      return QS_ERR_INVALID;
  if (p->method == QS_TELEGRAPH_HMM) {
    for (int k = 0; k < 2; k++)
      if (!(p->width[k] > 0.0) || !(p->p_switch[k] >= 0.0 && p->p_switch[k] <= 1.0))
        return QS_ERR_INVALID;
    return viterbi(x, n, p, state);
  }
  unsigned char s = x[0] >= p->threshold;
  for (long t = 0; t < n; t++) {
    if (s == 0 && x[t] > p->upper)
      s = 1;
    else if (s == 1 && x[t] < p->lower)
      s = 0;
    state[t] = s;
  }
  return QS_OK;
}

/* ---- dwells and rates ------------------------------------------------ */

struct qs_dwells {
  double *dwell[2];   /* complete dwells per state */
  long count[2], capacity[2];
  long n_censored[2], n_exit[2];
  double time[2];
  long n_switches;
};

qs_status qs_dwells_create(qs_dwells **d)
{
  if (!d)
    return QS_ERR_INVALID;
  *d = calloc(1, sizeof **d);
  return *d ? QS_OK : QS_ERR_NOMEM;
}

void qs_dwells_destroy(qs_dwells **d)
{
  if (!d || !*d)
    return;
  free((*d)->dwell[0]);
  free((*d)->dwell[1]);
  free(*d);
  *d = NULL;
}

static qs_status dwell_push(qs_dwells *d, int s, double length)
{
  if (d->count[s] == d->capacity[s]) {
    long cap = d->capacity[s] ? 2 * d->capacity[s] : 64;
    double *grown = realloc(d->dwell[s], (size_t)cap * sizeof *grown);
    if (!grown)
      return QS_ERR_NOMEM;
    d->dwell[s] = grown;
    d->capacity[s] = cap;
  }
  d->dwell[s][d->count[s]++] = length;
  return QS_OK;
}

qs_status qs_dwells_add(qs_dwells *d, const unsigned char *state, long n, double dt)
{
  if (!d || (!state && n > 0) || n < 0 || !(dt > 0.0) || !isfinite(dt))
    return QS_ERR_INVALID;
  for (long t = 0; t < n; t++)
    if (state[t] > 1)
      return QS_ERR_INVALID;
  long start = 0;
  int first = 1;
  for (long t = 1; t <= n; t++) {
    if (t < n && state[t] == state[start])
      continue;
    int s = state[start];
    double length = (double)(t - start) * dt;
    d->time[s] += length;
    if (t < n) {  /* the run ends in an observed switch */
      d->n_exit[s]++;
      d->n_switches++;
    }
    if (first || t == n) {
      d->n_censored[s]++;
    } else {
      qs_status st = dwell_push(d, s, length);
      if (st != QS_OK)
        return st;
    }
    first = 0;
    start = t;
  }
  return QS_OK;
}

const double *qs_dwells_get(const qs_dwells *d, int s, long *count)
{
  if (!d || s < 0 || s > 1) {
    if (count)
      *count = 0;
    return NULL;
  }
  if (count)
    *count = d->count[s];
  return d->dwell[s];
}

qs_status qs_dwells_histogram(const qs_dwells *d, int s, int n_bins, double *edges,
                              long *counts)
{
  if (!d || s < 0 || s > 1 || n_bins < 1 || !edges || !counts || d->count[s] == 0)
    return QS_ERR_INVALID;
  double longest = 0.0;
  for (long i = 0; i < d->count[s]; i++)
    longest = fmax(longest, d->dwell[s][i]);
  double width = longest / n_bins;
  for (int b = 0; b <= n_bins; b++)
    edges[b] = b * width;
  edges[n_bins] = longest;
  memset(counts, 0, (size_t)n_bins * sizeof *counts);
  for (long i = 0; i < d->count[s]; i++) {
    long b = (long)(d->dwell[s][i] / width);
    counts[b < n_bins ? b : n_bins - 1]++;
  }
  return QS_OK;
}

/* Weighted least-squares line y = a + b t through m points; se of b. */
static void weighted_line(const double *t, const double *y, const double *w, int m,
                          double *a, double *b, double *se)
{
  double sw = 0, st = 0, sy = 0;
  for (int i = 0; i < m; i++) {
    sw += w[i];
    st += w[i] * t[i];
    sy += w[i] * y[i];
  }
  double tm = st / sw, ym = sy / sw, stt = 0, sty = 0;
  for (int i = 0; i < m; i++) {
    stt += w[i] * (t[i] - tm) * (t[i] - tm);
    sty += w[i] * (t[i] - tm) * (y[i] - ym);
  }
  *b = stt > 0.0 ? sty / stt : NAN;
  *a = ym - *b * tm;
  *se = stt > 0.0 ? 1.0 / sqrt(stt) : NAN;
}

/* Exponential fit to the dwell histogram: log counts against bin centres,
 * bins with counts > 0, weighted by the expected counts (var log c ~ 1/mu).
 * The weights start as the counts and are then the fitted counts: weights
 * taken from the observed counts favour upward fluctuations and bias the
 * rate low (by ~ 5 % at 1000 dwells, 14 % at 100; reweighted: < 1 % and
 * ~ 2 %, Monte Carlo of this binning). */
enum { FIT_MAX_BINS = 50, FIT_REWEIGHTINGS = 5 };

static void exponential_fit(const qs_dwells *d, int s, double *rate, double *se)
{
  *rate = *se = NAN;
  long nd = d->count[s];
  if (nd < 2)
    return;
  int nb = (int)ceil(sqrt((double)nd));
  nb = nb < 4 ? 4 : nb > FIT_MAX_BINS ? FIT_MAX_BINS : nb;
  double edges[FIT_MAX_BINS + 1], t[FIT_MAX_BINS], y[FIT_MAX_BINS], w[FIT_MAX_BINS];
  long counts[FIT_MAX_BINS];
  if (qs_dwells_histogram(d, s, nb, edges, counts) != QS_OK)
    return;
  int m = 0;
  for (int b = 0; b < nb; b++)
    if (counts[b] > 0) {
      t[m] = 0.5 * (edges[b] + edges[b + 1]);
      y[m] = log((double)counts[b]);
      w[m] = (double)counts[b];
      m++;
    }
  if (m < 2)
    return;
  double a, slope, err;
  weighted_line(t, y, w, m, &a, &slope, &err);
  for (int it = 0; it < FIT_REWEIGHTINGS && isfinite(slope); it++) {
    for (int i = 0; i < m; i++)
      w[i] = exp(a + slope * t[i]);
    weighted_line(t, y, w, m, &a, &slope, &err);
  }
  *rate = -slope;
  *se = err;
}

void qs_switching_rates(const qs_dwells *d, const qs_telegraph_options *o, qs_switching *r)
{
  if (!r)
    return;
  memset(r, 0, sizeof *r);
  if (!d)
    return;
  double conf = o && o->confidence > 0.0 && o->confidence < 1.0 ? o->confidence : 0.95;
  double z = normal_quantile(0.5 * (1.0 + conf));
  double total = d->time[0] + d->time[1];
  for (int s = 0; s < 2; s++) {
    r->n_dwell[s] = d->count[s];
    r->n_censored[s] = d->n_censored[s];
    r->n_exit[s] = d->n_exit[s];
    r->time[s] = d->time[s];
    long e = d->n_exit[s];
    if (e > 0) {
      r->rate[s] = (double)e / d->time[s];
      r->rate_se[s] = r->rate[s] / sqrt((double)e);
      r->rate_lo[s] = r->rate[s] * exp(-z / sqrt((double)e));
      r->rate_hi[s] = r->rate[s] * exp(z / sqrt((double)e));
    } else {
      r->rate[s] = r->rate_lo[s] = 0.0;
      r->rate_se[s] = r->rate_hi[s] = INFINITY;
    }
    long nd = d->count[s];
    double sum = 0.0, sq = 0.0;
    for (long i = 0; i < nd; i++)
      sum += d->dwell[s][i];
    double mean = nd > 0 ? sum / (double)nd : NAN;
    for (long i = 0; i < nd; i++)
      sq += (d->dwell[s][i] - mean) * (d->dwell[s][i] - mean);
    r->mean_dwell[s] = mean;
    r->cv[s] = nd >= 2 ? sqrt(sq / (double)(nd - 1)) / mean : NAN;
    exponential_fit(d, s, &r->fit_rate[s], &r->fit_rate_se[s]);
    r->p_state[s] = total > 0.0 ? d->time[s] / total : NAN;
  }
  r->rate_sum = r->rate[0] + r->rate[1];
  r->p_state_se = r->rate[0] > 0.0 && r->rate[1] > 0.0
                      ? sqrt(2.0 * r->p_state[0] * r->p_state[1] / (r->rate_sum * total))
                      : NAN;
  r->rate_sum_se = hypot(r->rate_se[0], r->rate_se[1]);
  r->n_switches = d->n_switches;
}

/* ---- batch means ------------------------------------------------------ */

/* Autocovariance sums c[t] = sum_i (x_i - mean)(x_{i+t} - mean), t = 0 ..
 * n - 1, by FFT: zero-padded to a power of two L >= 2 n (no wrap-around),
 * |X_k|^2, and a second forward real transform (|X_k|^2 is real and even,
 * so its forward transform is L times the inverse one). */
static qs_status autocovariance(const double *x, long n, double mean, double *c)
{
  long size = 1;
  while (size < 2 * n)
    size *= 2;
  if (size > INT_MAX)
    return QS_ERR_TOO_LARGE;
  double *in = fftw_malloc((size_t)size * sizeof *in);
  fftw_complex *out = fftw_malloc((size_t)(size / 2 + 1) * sizeof *out);
  fftw_plan plan = in && out ? qs_fftw_plan_r2c((int)size, in, out) : NULL;
  if (!plan) {
    fftw_free(in);
    fftw_free(out);
    return QS_ERR_NOMEM;
  }
  for (long i = 0; i < size; i++)
    in[i] = i < n ? x[i] - mean : 0.0;
  fftw_execute(plan);
  /* (re, im) pairs: FFTW's layout, whether fftw_complex is double[2] or
   * the C99 complex (spectrum_impl.h includes complex.h first). */
  const double *re_im = (const double *)out;
  for (long k = 0; k <= size / 2; k++) {
    double power = re_im[2 * k] * re_im[2 * k] + re_im[2 * k + 1] * re_im[2 * k + 1];
    in[k] = power;
    if (k > 0 && k < size / 2)
      in[size - k] = power;
  }
  fftw_execute(plan);
  for (long t = 0; t < n; t++)
    c[t] = re_im[2 * t] / (double)size;
  qs_fftw_destroy(plan);
  fftw_free(in);
  fftw_free(out);
  return QS_OK;
}

/* Sokal's integrated autocorrelation time tau_int = 1 + 2 sum rho(t) with
 * the self-consistent window: the smallest M >= 6 tau_int(M). */
static qs_status integrated_time(const double *x, long n, double mean, double *tau_int)
{
  const double window_factor = 6.0;
  double *c = malloc((size_t)n * sizeof *c);
  if (!c)
    return QS_ERR_NOMEM;
  qs_status st = autocovariance(x, n, mean, c);
  if (st != QS_OK) {
    free(c);
    return st;
  }
  double tau = NAN, lo = x[0], hi = x[0];
  for (long i = 1; i < n; i++) {
    lo = fmin(lo, x[i]);
    hi = fmax(hi, x[i]);
  }
  if (hi > lo) {  /* a constant signal has no autocorrelation */
    tau = 1.0;
    for (long m = 1; m < n; m++) {
      tau += 2.0 * c[m] / c[0];
      if ((double)m >= window_factor * tau)
        break;
    }
  }
  free(c);
  *tau_int = tau;
  return QS_OK;
}

qs_status qs_batch_means(const double *x, long n, int n_batches, double *mean, double *se,
                         double *tau_int)
{
  if (!x || !mean || !se || n_batches < 2 || n < 2L * n_batches)
    return QS_ERR_INVALID;
  double sum = 0.0;
  for (long i = 0; i < n; i++) {
    if (!isfinite(x[i]))
      return QS_ERR_INVALID;
    sum += x[i];
  }
  double m = sum / (double)n;
  long size = n / n_batches;
  double s2 = 0.0, bsum = 0.0;
  double *bm = malloc((size_t)n_batches * sizeof *bm);
  if (!bm)
    return QS_ERR_NOMEM;
  for (int b = 0; b < n_batches; b++) {
    double acc = 0.0;
    for (long i = 0; i < size; i++)
      acc += x[b * size + i];
    bm[b] = acc / (double)size;
    bsum += bm[b];
  }
  double bmean = bsum / n_batches;
  for (int b = 0; b < n_batches; b++)
    s2 += (bm[b] - bmean) * (bm[b] - bmean);
  free(bm);
  *mean = m;
  *se = sqrt(s2 / (n_batches - 1)) / sqrt((double)n_batches);
  return tau_int ? integrated_time(x, n, m, tau_int) : QS_OK;
}
