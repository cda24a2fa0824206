/* Effective two-level rates; see include/qsync/rates.h. */
#include "qsync/rates.h"
#include "qsync/transmon.h"
#include "message_impl.h"

#include <math.h>
#include <stdio.h>
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
  o.whole = 0;
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

/* ---- the decoupled model as two independent factors ------------------------
 *
 * At g = 0, eps = 0 every term of the model acts on one transmon and its
 * resonator (A: subsystems 0, 1; B: 2, 3), so from a product state rho(t) =
 * rho_A(t) (x) rho_B(t) exactly, each factor under its own master equation:
 * H = H_A (x) I + I (x) H_B (+ a multiple of I), c = c_A (x) I or I (x) c_B.
 * split_model finds H_A, H_B by partial traces and checks that they
 * rebuild H and every c exactly (to rounding); the two factors cost
 * (N_A^2 + N_B^2) instead of (N_A N_B)^2 per step (81 + 81 against 6561
 * for the default 3-level transmons and resonators). */

typedef struct {
  qs_model m;              /* space, H, c, obs (Pg, Pe) of one factor */
  qs_op *c_store[64];
  qs_op *obs_store[2];
  char obs_names_store[2][QS_MODEL_MAX_NAME];
} factor_model;

static void factor_free(factor_model *f)
{
  qs_op_destroy(&f->m.H);
  for (int k = 0; k < f->m.n_c; k++)
    qs_op_destroy(&f->c_store[k]);
  for (int k = 0; k < 2; k++)
    qs_op_destroy(&f->obs_store[k]);
}

/* Partial traces of op over the second factor (dim db) and the first
 * (dim da), divided by the traced dimension: dense column-major tA, tB. */
static void partial_traces(const qs_op *op, qs_index da, qs_index db, double complex *tA,
                           double complex *tB)
{
  memset(tA, 0, (size_t)(da * da) * sizeof *tA);
  memset(tB, 0, (size_t)(db * db) * sizeof *tB);
  for (qs_index i = 0; i < op->dim; i++)
    for (qs_index p = op->row_start[i]; p < op->row_start[i + 1]; p++) {
      qs_index j = op->col[p], ia = i / db, ib = i % db, ja = j / db, jb = j % db;
      if (ib == jb)
        tA[ia + ja * da] += op->val[p] / (double)db;
      if (ia == ja)
        tB[ib + jb * db] += op->val[p] / (double)da;
    }
}

/* Largest |entry| of alpha a + beta b (0 on failure to build: caller
 * treats a negative return as "cannot tell"). */
static double op_diff(const qs_op *a, double complex beta, const qs_op *b)
{
  qs_op *d = NULL;
  if (qs_op_add(1.0, a, beta, b, &d) != QS_OK)
    return -1.0;
  double worst = 0.0;
  for (qs_index p = 0; p < d->nnz; p++)
    worst = fmax(worst, cabs(d->val[p]));
  qs_op_destroy(&d);
  return worst;
}

static double op_max(const qs_op *a)
{
  double worst = 0.0;
  for (qs_index p = 0; p < a->nnz; p++)
    worst = fmax(worst, cabs(a->val[p]));
  return worst;
}

/* a (x) I_db (side 0) or I_da (x) a (side 1). */
static qs_status embed_factor(const qs_op *a, int side, qs_index other, qs_op **out)
{
  qs_op *id = NULL;
  qs_status st = qs_op_identity(other, &id);
  if (st == QS_OK)
    st = side == 0 ? qs_op_kron(a, id, out) : qs_op_kron(id, a, out);
  qs_op_destroy(&id);
  return st;
}

/* Diagonal projector on level `level` of the transmon (first subsystem of
 * a factor of dims nq x nr). */
static qs_status level_projector(qs_index nq, qs_index nr, int level, qs_op **out)
{
  qs_index n = nq * nr, *idx = malloc((size_t)nr * sizeof *idx);
  double complex *one = malloc((size_t)nr * sizeof *one);
  qs_status st = idx && one ? QS_OK : QS_ERR_NOMEM;
  for (qs_index a = 0; st == QS_OK && a < nr; a++) {
    idx[a] = level * nr + a;
    one[a] = 1.0;
  }
  if (st == QS_OK)
    st = qs_op_from_triplets(n, nr, idx, idx, one, out);
  free(idx);
  free(one);
  return st;
}

/* Split the decoupled model m into factors f[0] (A) and f[1] (B).
 * Returns QS_OK, or QS_ERR_INVALID when m is not such a sum (then the
 * caller integrates m whole), or an allocation failure. */
static qs_status split_model(const qs_model *m, factor_model f[2])
{
  memset(f, 0, 2 * sizeof *f);
  if (m->n_td != 0 || m->space.n_sub != 4 || m->n_c > 64)
    return QS_ERR_INVALID;
  const qs_index *dims = m->space.dims;
  qs_index d[2] = {dims[0] * dims[1], dims[2] * dims[3]};
  double complex *t[2] = {malloc((size_t)(d[0] * d[0]) * sizeof(double complex)),
                          malloc((size_t)(d[1] * d[1]) * sizeof(double complex))};
  qs_op *part[2] = {NULL, NULL}, *emb[2] = {NULL, NULL}, *sum = NULL;
  qs_status st = t[0] && t[1] ? QS_OK : QS_ERR_NOMEM;
  for (int j = 0; j < 2 && st == QS_OK; j++) {
    qs_index sd[2] = {dims[2 * j], dims[2 * j + 1]};
    st = qs_space_init(&f[j].m.space, 2, sd);
  }
  /* H = H_A (x) I + I (x) H_B - (Tr H / N) I, with H_j the partial traces. */
  if (st == QS_OK) {
    partial_traces(m->H, d[0], d[1], t[0], t[1]);
    double complex trace = 0.0;
    for (qs_index i = 0; i < d[0]; i++)
      trace += t[0][i + i * d[0]];   /* Tr_B(H)/d_B traced = Tr H / d_B */
    for (int j = 0; j < 2 && st == QS_OK; j++) {
      st = qs_op_from_dense(d[j], t[j], &f[j].m.H);
      if (st == QS_OK)
        st = embed_factor(f[j].m.H, j, d[1 - j], &emb[j]);
    }
    qs_op *id = NULL;
    if (st == QS_OK)
      st = qs_op_add(1.0, emb[0], 1.0, emb[1], &part[0]);
    if (st == QS_OK)
      st = qs_op_identity(m->space.total, &id);
    if (st == QS_OK)
      st = qs_op_add(1.0, part[0], -trace / (double)d[0], id, &sum);
    qs_op_destroy(&id);
    double scale = op_max(m->H), diff = st == QS_OK ? op_diff(m->H, -1.0, sum) : -1.0;
    if (st == QS_OK && !(diff >= 0.0 && diff <= 1e-12 * fmax(scale, 1.0)))
      st = QS_ERR_INVALID;
  }
  qs_op_destroy(&sum);
  for (int j = 0; j < 2; j++) {
    qs_op_destroy(&part[j]);
    qs_op_destroy(&emb[j]);
  }
  /* Each collapse operator acts on one factor: c = c_A (x) I or I (x) c_B. */
  for (int k = 0; k < m->n_c && st == QS_OK; k++) {
    partial_traces(m->c[k], d[0], d[1], t[0], t[1]);
    double scale = op_max(m->c[k]);
    int placed = 0;
    for (int j = 0; j < 2 && st == QS_OK && !placed; j++) {
      qs_op *cj = NULL, *e = NULL;
      st = qs_op_from_dense(d[j], t[j], &cj);
      if (st == QS_OK)
        st = embed_factor(cj, j, d[1 - j], &e);
      double diff = st == QS_OK ? op_diff(m->c[k], -1.0, e) : -1.0;
      if (st == QS_OK && diff >= 0.0 && diff <= 1e-12 * fmax(scale, 1e-300)) {
        f[j].c_store[f[j].m.n_c++] = cj;
        cj = NULL;
        placed = 1;
      }
      qs_op_destroy(&cj);
      qs_op_destroy(&e);
    }
    if (st == QS_OK && !placed)
      st = QS_ERR_INVALID;
  }
  for (int j = 0; j < 2 && st == QS_OK; j++) {
    f[j].m.c = f[j].c_store;
    for (int l = 0; l < 2 && st == QS_OK; l++)
      st = level_projector(dims[2 * j], dims[2 * j + 1], l, &f[j].obs_store[l]);
    snprintf(f[j].obs_names_store[0], QS_MODEL_MAX_NAME, "Pg_%c", "AB"[j]);
    snprintf(f[j].obs_names_store[1], QS_MODEL_MAX_NAME, "Pe_%c", "AB"[j]);
    f[j].m.obs = f[j].obs_store;
    f[j].m.obs_names = f[j].obs_names_store;
    f[j].m.n_obs = 2;
    f[j].m.type = m->type;
    f[j].m.cavity_top_obs = -1;
  }
  free(t[0]);
  free(t[1]);
  if (st != QS_OK) {
    factor_free(&f[0]);
    factor_free(&f[1]);
  }
  return st;
}

/* pop[i][k] = Tr(rho(times[k]) O) for the model's observables O = obs[i],
 * i < n_pop (level populations), from rho(0) the basis state `excited`;
 * the integrator's work is added to *stats. */
static qs_status decay_populations(const qs_model *m, qs_index excited, int n_pop,
                                   const int *obs, int nt, const double *times,
                                   const qs_mesolve_options *me_opt, double *const *pop,
                                   qs_mesolve_stats *stats, char *msg, size_t msglen)
{
  const size_t n = (size_t)m->space.total;
  double complex *rho0 = calloc(n * n, sizeof *rho0);
  double complex *val = malloc((size_t)m->n_obs * sizeof *val);
  qs_me *me = NULL;
  qs_status st = rho0 && val ? qs_me_create(m, me_opt, &me, msg, msglen) : QS_ERR_NOMEM;
  if (st == QS_OK) {
    rho0[(size_t)excited * (n + 1)] = 1.0;
    st = qs_me_start(me, rho0, 0.0, times[nt - 1], msg, msglen);
  }
  for (int k = 0; st == QS_OK && k < nt; k++) {
    st = qs_me_evolve_to(me, times[k], msg, msglen);
    if (st == QS_OK) {
      qs_me_get_observables(me, val);
      for (int i = 0; i < n_pop; i++)
        pop[i][k] = creal(val[obs[i]]);
    }
  }
  if (me) {
    qs_mesolve_stats s;
    qs_me_get_stats(me, &s);
    stats->steps += s.steps;
    stats->rhs_evals += s.rhs_evals;
    stats->nonlin_iters += s.nonlin_iters;
    stats->nonlin_fails += s.nonlin_fails;
    stats->err_fails += s.err_fails;
  }
  qs_me_destroy(&me);
  free(rho0);
  free(val);
  return st;
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
  if (!qs_model_type_has(type, QS_MODEL_CAP_TRANSMON_PAIR)) {
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
  int nt = o.n_times;
  res->times = malloc((size_t)nt * sizeof *res->times);
  res->p_e[0] = malloc((size_t)nt * sizeof(double));
  res->p_e[1] = malloc((size_t)nt * sizeof(double));
  double *pop[2][2] = {{malloc((size_t)nt * sizeof(double)), malloc((size_t)nt * sizeof(double))},
                       {malloc((size_t)nt * sizeof(double)), malloc((size_t)nt * sizeof(double))}};
  factor_model f[2];
  int split = 0;
  if (!res->times || !res->p_e[0] || !res->p_e[1] || !pop[0][0] || !pop[0][1] ||
      !pop[1][0] || !pop[1][1]) {
    st = QS_ERR_NOMEM;
    goto done;
  }
  res->n_times = nt;
  res->first = first;
  for (int k = 0; k < nt; k++)
    res->times[k] = o.t_end * (double)k / (double)(nt - 1);
  if (!o.whole) {
    st = split_model(m, f);
    split = st == QS_OK;
    if (st != QS_OK && st != QS_ERR_INVALID)
      goto done;
  }
  res->factorized = split;
  if (split) {
    /* Each factor from |e>|0> (level 1 of the transmon, resonator empty). */
    for (int j = 0; j < 2 && st == QS_OK; j++)
      st = decay_populations(&f[j].m, f[j].m.space.dims[1], 2, (const int[2]){0, 1}, nt,
                             res->times, &o.me, pop[j], &res->stats, msg, msglen);
    factor_free(&f[0]);
    factor_free(&f[1]);
  } else {
    static const char *const names[2][2] = {{"Pg_A", "Pe_A"}, {"Pg_B", "Pe_B"}};
    int obs[4];
    for (int j = 0; j < 2; j++)
      for (int l = 0; l < 2; l++)
        if ((obs[2 * j + l] = qs_model_obs_index(m, names[j][l])) < 0) {
          qs_set_message(msg, msglen, "transmon rates: the model has no observable %s",
                         names[j][l]);
          st = QS_ERR_INVALID;
          goto done;
        }
    const qs_index ee = qs_transmon_index(m, 1, 0, 1, 0); /* |e>_A |0> |e>_B |0> */
    double *const all[4] = {pop[0][0], pop[0][1], pop[1][0], pop[1][1]};
    st = decay_populations(m, ee, 4, obs, nt, res->times, &o.me, all, &res->stats, msg,
                           msglen);
  }
  for (int j = 0; j < 2 && st == QS_OK; j++) {
    res->leak[j] = 0.0;
    for (int k = 0; k < nt; k++) {
      double pg = pop[j][0][k], pe = pop[j][1][k];
      res->p_e[j][k] = pe / (pg + pe);
      if (k >= first)
        res->leak[j] = fmax(res->leak[j], 1.0 - pg - pe);
    }
    char fit_msg[256] = "";
    st = qs_rate_fit_ex(nt - first, dt, res->p_e[j] + first, &res->fit[j], fit_msg,
                        sizeof fit_msg);
    if (st != QS_OK)
      qs_set_message(msg, msglen, "transmon %c: %s", "AB"[j], fit_msg);
  }
done:
  for (int j = 0; j < 2; j++)
    for (int l = 0; l < 2; l++)
      free(pop[j][l]);
  qs_model_destroy(&m);
  return st;
}
