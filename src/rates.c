/* Effective two-level rates; see include/qsync/rates.h. */
#include "qsync/rates.h"
#include "message_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

qs_status qs_rate_fit_ex(int n, double dt, const double *p, qs_rate_fit_result *res,
                         char *msg, size_t msglen)
{
  if (!p || !res) {
    qs_set_message(msg, msglen, "rate fit: NULL samples or result");
    return QS_ERR_INVALID;
  }
  if (n < 3) {
    qs_set_message(msg, msglen, "rate fit: %d samples; at least 3 are needed", n);
    return QS_ERR_INVALID;
  }
  if (!isfinite(dt) || !(dt > 0.0)) {
    qs_set_message(msg, msglen, "rate fit: sample spacing dt = %g; expected a finite dt > 0",
                   dt);
    return QS_ERR_INVALID;
  }
  for (int k = 0; k < n; k++)
    if (!isfinite(p[k])) {
      qs_set_message(msg, msglen, "rate fit: sample %d is not finite (%g)", k, p[k]);
      return QS_ERR_INVALID;
    }
  /* Least squares of y = p[k+1] on x = p[k], k = 0..n-2, with centered sums. */
  int m = n - 1;
  double mx = 0.0, my = 0.0;
  for (int k = 0; k < m; k++) {
    mx += p[k];
    my += p[k + 1];
  }
  mx /= m;
  my /= m;
  double sxx = 0.0, sxy = 0.0;
  for (int k = 0; k < m; k++) {
    double dx = p[k] - mx;
    sxx += dx * dx;
    sxy += dx * (p[k + 1] - my);
  }
  double scale = fmax(fabs(mx), 1.0);
  if (!(sxx > (double)m * 1e-30 * scale * scale)) {
    qs_set_message(msg, msglen, "rate fit: the %d samples are constant (%g); no relaxation "
                   "to fit", n, p[0]);
    return QS_ERR_INVALID;
  }
  double r = sxy / sxx;
  double c = my - r * mx;
  /* r within rounding of 1 (a straight line) is no decay either. */
  if (!(r > 0.0 && r < 1.0 - 1e-10)) {
    qs_set_message(msg, msglen, "rate fit: no decay: the step ratio r = %.6g per dt = %g is "
                   "outside (0, 1) (%s)", r, dt,
                   r > 0.5 ? "the curve does not relax within the window"
                            : "relaxation faster than the sampling, or oscillating");
    return QS_ERR_INVALID;
  }
  double Gamma = -log(r) / dt;
  double p_inf = c / (1.0 - r);
  /* Amplitude of the fitted curve p_inf + A r^k by least squares. */
  double num = 0.0, den = 0.0, rk = 1.0;
  for (int k = 0; k < n; k++) {
    num += (p[k] - p_inf) * rk;
    den += rk * rk;
    rk *= r;
  }
  double A = num / den, ss = 0.0;
  rk = 1.0;
  for (int k = 0; k < n; k++) {
    double e = p[k] - (p_inf + A * rk);
    ss += e * e;
    rk *= r;
  }
  *res = (qs_rate_fit_result){.w = Gamma * p_inf, .gamma = Gamma * (1.0 - p_inf),
                              .Gamma = Gamma, .p_inf = p_inf, .r = r, .c = c,
                              .amplitude = A, .rms = sqrt(ss / n)};
  if (!isfinite(res->w) || !isfinite(res->gamma) || !isfinite(res->amplitude) ||
      !isfinite(res->rms)) {
    qs_set_message(msg, msglen, "rate fit: non-finite result (r = %g, c = %g)", r, c);
    return QS_ERR_NUMERIC;
  }
  return QS_OK;
}

qs_status qs_rate_fit(int n, double dt, const double *p, double *w, double *gamma,
                      double *Gamma, double *p_inf, double *rms)
{
  qs_rate_fit_result res;
  qs_status st = qs_rate_fit_ex(n, dt, p, &res, NULL, 0);
  if (st != QS_OK)
    return st;
  if (w)
    *w = res.w;
  if (gamma)
    *gamma = res.gamma;
  if (Gamma)
    *Gamma = res.Gamma;
  if (p_inf)
    *p_inf = res.p_inf;
  if (rms)
    *rms = res.rms;
  return QS_OK;
}

double qs_rate_to_khz(double rate_per_us)
{
  return rate_per_us * 1000.0 / (2.0 * acos(-1.0));
}

qs_rates_options qs_rates_default_options(void)
{
  qs_rates_options o;
  o.t_end = 20.0;
  o.n_times = 401;
  o.t_skip = 0.5;
  o.me = qs_mesolve_default_options();
  return o;
}

void qs_transmon_rates_release(qs_transmon_rate_result *res)
{
  if (!res)
    return;
  free(res->times);
  free(res->p_e[0]);
  free(res->p_e[1]);
  res->times = res->p_e[0] = res->p_e[1] = NULL;
}

/* Basis index of |nbA, naA, nbB, naB> (subsystems A, resonator A, B,
 * resonator B; the last fastest, qs_space convention). */
static qs_index transmon_basis(const qs_model *m, int nbA, int naA, int nbB, int naB)
{
  const qs_index *d = m->space.dims;
  return ((nbA * d[1] + naA) * d[2] + nbB) * d[3] + naB;
}

qs_status qs_transmon_rates(const qs_model_type *type, const double *values,
                            const qs_rates_options *opt, qs_transmon_rate_result *res,
                            char *msg, size_t msglen)
{
  if (res)
    memset(res, 0, sizeof *res);
  if (!type || !values || !res) {
    qs_set_message(msg, msglen, "transmon rates: NULL model type, values or result");
    return QS_ERR_INVALID;
  }
  if (strcasecmp(type->name, "transmon") != 0) {
    qs_set_message(msg, msglen, "rates need model transmon (this run file's model is %s)",
                   type->name);
    return QS_ERR_INVALID;
  }
  qs_rates_options o = opt ? *opt : qs_rates_default_options();
  if (!(o.t_end > 0.0) || !isfinite(o.t_end) || o.n_times < 2 || !(o.t_skip >= 0.0) ||
      !(o.t_skip < o.t_end)) {
    qs_set_message(msg, msglen, "transmon rates: expected t_end > t_skip >= 0 and n_times >= "
                   "2 (t_end = %g, t_skip = %g, n_times = %d)", o.t_end, o.t_skip, o.n_times);
    return QS_ERR_INVALID;
  }
  double dt = o.t_end / (double)(o.n_times - 1);
  int first = (int)ceil(o.t_skip / dt - 1e-9);
  if (o.n_times - first < 3) {
    qs_set_message(msg, msglen, "transmon rates: only %d samples at t >= t_skip = %g (t_end = "
                   "%g, n_times = %d); the fit needs at least 3", o.n_times - first,
                   o.t_skip, o.t_end, o.n_times);
    return QS_ERR_INVALID;
  }
  int ig = qs_model_param_index(type, "g"), ie = qs_model_param_index(type, "eps");
  if (ig < 0 || ie < 0) {
    qs_set_message(msg, msglen, "transmon rates: model %s lacks parameter g or eps",
                   type->name);
    return QS_ERR_INVALID;
  }
  double v[QS_MODEL_MAX_PARAMS];
  memcpy(v, values, (size_t)type->n_params * sizeof *v);
  v[ig] = 0.0;
  v[ie] = 0.0;
  qs_model *m = NULL;
  qs_status st = qs_model_create(type, v, &m, msg, msglen);
  if (st != QS_OK)
    return st;
  static const char *const names[2][2] = {{"Pg_A", "Pe_A"}, {"Pg_B", "Pe_B"}};
  int obs[2][2];
  for (int j = 0; j < 2; j++)
    for (int l = 0; l < 2; l++)
      if ((obs[j][l] = qs_model_obs_index(m, names[j][l])) < 0) {
        qs_set_message(msg, msglen, "transmon rates: the model has no observable %s",
                       names[j][l]);
        qs_model_destroy(&m);
        return QS_ERR_INVALID;
      }
  size_t n = (size_t)m->space.total;
  int nt = o.n_times;
  double complex *rho0 = calloc(n * n, sizeof *rho0);
  double complex *obs_t = malloc((size_t)nt * (size_t)m->n_obs * sizeof *obs_t);
  res->times = malloc((size_t)nt * sizeof *res->times);
  res->p_e[0] = malloc((size_t)nt * sizeof(double));
  res->p_e[1] = malloc((size_t)nt * sizeof(double));
  if (!rho0 || !obs_t || !res->times || !res->p_e[0] || !res->p_e[1]) {
    st = QS_ERR_NOMEM;
    goto done;
  }
  res->n_times = nt;
  res->first = first;
  for (int k = 0; k < nt; k++)
    res->times[k] = o.t_end * (double)k / (double)(nt - 1);
  qs_index ee = transmon_basis(m, 1, 0, 1, 0);
  rho0[ee + ee * (qs_index)n] = 1.0;
  st = qs_mesolve(m, rho0, nt, res->times, NULL, &o.me, obs_t, NULL, NULL, NULL,
                  &res->stats, msg, msglen);
  if (st != QS_OK)
    goto done;
  for (int j = 0; j < 2; j++) {
    res->leak[j] = 0.0;
    for (int k = 0; k < nt; k++) {
      double pg = creal(obs_t[(size_t)k * (size_t)m->n_obs + (size_t)obs[j][0]]);
      double pe = creal(obs_t[(size_t)k * (size_t)m->n_obs + (size_t)obs[j][1]]);
      res->p_e[j][k] = pe / (pg + pe);
      if (k >= first)
        res->leak[j] = fmax(res->leak[j], 1.0 - pg - pe);
    }
    char fit_msg[256] = "";
    st = qs_rate_fit_ex(nt - first, dt, res->p_e[j] + first, &res->fit[j], fit_msg,
                        sizeof fit_msg);
    if (st != QS_OK) {
      qs_set_message(msg, msglen, "transmon %c: %s", "AB"[j], fit_msg);
      goto done;
    }
  }
done:
  free(rho0);
  free(obs_t);
  qs_model_destroy(&m);
  return st;
}
