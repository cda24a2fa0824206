/* Lorentzian fit of a spectrum and the spectrum options (spectrum.h).
 *
 * The fit minimizes chi^2 = sum_i ((S_i - f(omega_i)) / se_i)^2 with
 * f = A / (K^2 + omega^2) + B by Levenberg-Marquardt (Marquardt's scaling:
 * the damping adds lambda diag(J^T W J), so A ~ S(0) K^2 and B ~ 0 of very
 * different sizes need no rescaling).  The covariance is (J^T W J)^{-1} at
 * the minimum, multiplied by chi^2_reduced when that exceeds 1 (the errors
 * se then underestimate the scatter). */
#include <math.h>
#include <string.h>

#include "message_impl.h"
#include "qsync/spectrum.h"

/* Iteration limits of the fit: 500 steps; stop when chi^2 changes by
 * less than 1e-12 relative (round-off level of the sums). */
enum { FIT_MAX_ITER = 500 };
static const double FIT_REL_TOL = 1e-12;

void qs_spectrum_options_default(qs_spectrum_options *o)
{
  if (!o)
    return;
  memset(o, 0, sizeof *o);
  o->method = QS_SPECTRUM_RESOLVENT;
  o->tau_max = 0.0;
  o->n_tau = 4096;
  o->rtol = 1e-8;
  o->atol = 1e-10;
  o->threads = 1;
}

const char *qs_spectrum_method_name(qs_spectrum_method m)
{
  switch (m) {
  case QS_SPECTRUM_RESOLVENT:
    return "resolvent";
  case QS_SPECTRUM_FFT:
    return "fft";
  }
  return "unknown";
}

int qs_spectrum_method_parse(const char *word)
{
  if (!word)
    return -1;
  if (strcmp(word, "resolvent") == 0)
    return QS_SPECTRUM_RESOLVENT;
  if (strcmp(word, "fft") == 0)
    return QS_SPECTRUM_FFT;
  return -1;
}

typedef struct {
  const double *omega, *psd, *se;
  long n;
  double omega_max;
} fit_data;

static int fit_uses(const fit_data *d, long i)
{
  return d->omega[i] >= 0.0 && (d->omega_max <= 0.0 || d->omega[i] <= d->omega_max) &&
         d->se[i] > 0.0 && isfinite(d->se[i]) && isfinite(d->psd[i]);
}

/* chi^2 at p = (A, K, B); with alpha/beta non-NULL also the normal
 * equations J^T W J (3x3, row-major) and J^T W r. */
static double fit_chi2(const fit_data *d, const double p[3], double alpha[9], double beta[3])
{
  double chi2 = 0.0;
  if (alpha) {
    memset(alpha, 0, 9 * sizeof *alpha);
    memset(beta, 0, 3 * sizeof *beta);
  }
  for (long i = 0; i < d->n; i++) {
    if (!fit_uses(d, i))
      continue;
    double w2 = d->omega[i] * d->omega[i], den = p[1] * p[1] + w2;
    double r = d->psd[i] - (p[0] / den + p[2]);
    double wt = 1.0 / (d->se[i] * d->se[i]);
    chi2 += wt * r * r;
    if (!alpha)
      continue;
    double J[3] = {1.0 / den, -2.0 * p[0] * p[1] / (den * den), 1.0};
    for (int a = 0; a < 3; a++) {
      beta[a] += wt * J[a] * r;
      for (int b = 0; b < 3; b++)
        alpha[3 * a + b] += wt * J[a] * J[b];
    }
  }
  return chi2;
}

/* Solves the 3x3 system m x = b by Gaussian elimination with partial
 * pivoting; -1 if singular.  m and b are overwritten. */
static int solve3(double m[9], double b[3], double x[3])
{
  for (int c = 0; c < 3; c++) {
    int piv = c;
    for (int r = c + 1; r < 3; r++)
      if (fabs(m[3 * r + c]) > fabs(m[3 * piv + c]))
        piv = r;
    if (!(fabs(m[3 * piv + c]) > 0.0))
      return -1;
    if (piv != c) {
      for (int k = 0; k < 3; k++) {
        double t = m[3 * c + k];
        m[3 * c + k] = m[3 * piv + k];
        m[3 * piv + k] = t;
      }
      double t = b[c];
      b[c] = b[piv];
      b[piv] = t;
    }
    for (int r = c + 1; r < 3; r++) {
      double f = m[3 * r + c] / m[3 * c + c];
      for (int k = c; k < 3; k++)
        m[3 * r + k] -= f * m[3 * c + k];
      b[r] -= f * b[c];
    }
  }
  for (int r = 2; r >= 0; r--) {
    double s = b[r];
    for (int k = r + 1; k < 3; k++)
      s -= m[3 * r + k] * x[k];
    x[r] = s / m[3 * r + r];
  }
  return 0;
}

/* Starting point: B = 0; S(0) from the lowest frequency used; K where the
 * spectrum first falls to half of it (the half-width); A = S(0) K^2. */
static void fit_start(const fit_data *d, double p[3])
{
  long i0 = -1;
  for (long i = 0; i < d->n; i++)
    if (fit_uses(d, i) && (i0 < 0 || d->omega[i] < d->omega[i0]))
      i0 = i;
  double s0 = d->psd[i0], K = -1.0, wmax = 0.0;
  for (long i = 0; i < d->n; i++) {
    if (!fit_uses(d, i))
      continue;
    wmax = fmax(wmax, d->omega[i]);
    if (d->psd[i] <= 0.5 * s0 && (K < 0.0 || d->omega[i] < K))
      K = d->omega[i];
  }
  if (!(K > 0.0))
    K = wmax > 0.0 ? wmax : 1.0;
  p[0] = s0 * K * K;
  p[1] = K;
  p[2] = 0.0;
}

qs_status qs_lorentzian_fit(const double *omega, const double *psd, const double *se,
                            long n, double omega_max, qs_lorentzian *fit, char *msg,
                            size_t msglen)
{
  if (!omega || !psd || !se || !fit || n < 0) {
    qs_set_message(msg, msglen, "lorentzian fit: NULL argument or n = %ld < 0", n);
    return QS_ERR_INVALID;
  }
  memset(fit, 0, sizeof *fit);
  fit_data d = {omega, psd, se, n, omega_max};
  int used = 0;
  for (long i = 0; i < n; i++)
    used += fit_uses(&d, i);
  if (used < 4) {
    qs_set_message(msg, msglen,
                   "lorentzian fit: %d usable points (0 <= omega <= %g, se > 0), need >= 4",
                   used, omega_max);
    return QS_ERR_INVALID;
  }
  double p[3], alpha[9], beta[3], lambda = 1e-3;
  fit_start(&d, p);
  double chi2 = fit_chi2(&d, p, alpha, beta);
  int converged = 0;
  for (int it = 0; it < FIT_MAX_ITER && !converged; it++) {
    double m[9], b[3], step[3], trial[3];
    memcpy(m, alpha, sizeof m);
    memcpy(b, beta, sizeof b);
    for (int a = 0; a < 3; a++)
      m[4 * a] *= 1.0 + lambda;
    if (solve3(m, b, step) != 0)
      break;
    for (int a = 0; a < 3; a++)
      trial[a] = p[a] + step[a];
    trial[1] = fabs(trial[1]); /* f depends on K^2 only */
    double c2 = fit_chi2(&d, trial, NULL, NULL);
    if (isfinite(c2) && c2 <= chi2) {
      converged = chi2 - c2 <= FIT_REL_TOL * chi2;
      memcpy(p, trial, sizeof p);
      chi2 = fit_chi2(&d, p, alpha, beta);
      lambda = fmax(lambda * 0.1, 1e-12);
    } else {
      lambda *= 10.0;
      converged = lambda > 1e12; /* no downhill step left: at the minimum */
    }
  }
  double cov[9], id[3], col[3];
  int dof = used - 3;
  double red = chi2 / dof, scale = red > 1.0 ? red : 1.0;
  /* the K-K element of (J^T W J)^{-1}: solve alpha x = e_K */
  memcpy(cov, alpha, sizeof cov);
  id[0] = 0.0, id[1] = 1.0, id[2] = 0.0;
  if (!converged || !(p[1] > 0.0) || solve3(cov, id, col) != 0 || !(col[1] > 0.0)) {
    qs_set_message(msg, msglen,
                   "lorentzian fit did not converge (K = %g, chi2_reduced = %g, %d points)",
                   p[1], red, used);
    return QS_ERR_INVALID;
  }
  fit->amplitude = p[0];
  fit->width = p[1];
  fit->background = p[2];
  fit->width_se = sqrt(col[1] * scale);
  fit->chi2_reduced = red;
  fit->n_points = used;
  return QS_OK;
}
