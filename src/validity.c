/* Validity maps: approximate pictures against the exact RWA steady state;
 * see include/qsync/validity.h. */
#include "qsync/validity.h"
#include "qsync/metrics.h"
#include "message_impl.h"
#include "qsync/rateeq.h"
#include "qsync/semiclassical.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

qs_validity_options qs_validity_default_options(void)
{
  qs_validity_options o = {
    .compare = QS_VALIDITY_SEMICLASSICAL | QS_VALIDITY_SERIES | QS_VALIDITY_GAP,
    .steady = qs_steady_default_options(),
    .lab = qs_mesolve_point_default_options(),
    .farm = qs_farm_default_options(),
  };
  qs_gap_options_default(&o.gap);
  o.semiclassical = qs_semiclassical_default_options();
  o.series = qs_rateeq_default_options();
  o.lab.t_end = 10.0;
  o.lab.avg_periods = 8.0;
  return o;
}

/* ---- observables and comparison ----------------------------------------- */

static double complex obs_value(const qs_model *model, const char *name,
                                const double complex *rho)
{
  int k = qs_model_obs_index(model, name);
  return k < 0 ? NAN : qs_op_trace_with(model->obs[k], rho);
}

void qs_validity_observables(const qs_model *model, const double complex *rho,
                             qs_validity_obs *out)
{
  out->a = obs_value(model, "a", rho);
  out->n = creal(obs_value(model, "n", rho));
  out->sx = creal(obs_value(model, "Sx", rho));
  out->sz = creal(obs_value(model, "Sz", rho));
}

static void diff_observables(qs_validity_diff *d, const qs_validity_obs *exact)
{
  d->d_a = cabs(d->value.a - exact->a);
  d->d_n = d->value.n - exact->n;
  d->d_sx = d->value.sx - exact->sx;
  d->d_sz = d->value.sz - exact->sz;
}

/* A comparison not made: every number NaN, the reason in note. */
static void diff_not_done(qs_validity_diff *d, const char *why)
{
  *d = (qs_validity_diff){.done = 0, .trace_distance = NAN,
                          .value = {NAN, NAN, NAN, NAN},
                          .d_a = NAN, .d_n = NAN, .d_sx = NAN, .d_sz = NAN};
  snprintf(d->note, sizeof d->note, "%s", why);
}

qs_status qs_validity_compare(const qs_model *model, const double complex *rho_exact,
                              const double complex *rho_approx, qs_validity_diff *d)
{
  qs_validity_obs exact;
  qs_validity_observables(model, rho_exact, &exact);
  qs_validity_observables(model, rho_approx, &d->value);
  diff_observables(d, &exact);
  d->note[0] = '\0';
  qs_status st = qs_trace_distance(model->space.total, rho_exact, rho_approx,
                                   &d->trace_distance);
  d->done = st == QS_OK;
  if (st != QS_OK)
    d->trace_distance = NAN;
  return st;
}

/* ---- the semiclassical product state -------------------------------------- */

/* The space is one boson (subsystem 0) and spin-1/2 subsystems after it. */
static qs_status check_boson_qubits(const qs_model *model, char *msg, size_t msglen)
{
  const qs_space *s = &model->space;
  int ok = s->n_sub >= 1 && s->role[0] == QS_ROLE_BOSON;
  for (int k = 1; ok && k < s->n_sub; k++)
    ok = s->role[k] == QS_ROLE_SPIN && s->dims[k] == 2;
  if (!ok || qs_model_obs_index(model, "a") < 0) {
    qs_set_message(msg, msglen, "model %s: a product state needs one boson mode followed by "
                   "spin-1/2 subsystems and an observable \"a\"", model->type->name);
    return QS_ERR_INVALID;
  }
  return QS_OK;
}

/* Truncated coherent state c_n = <n|beta> (n < levels), in log form so that
 * neither beta^n / sqrt(n!) nor exp(-|beta|^2 / 2) over- or underflows;
 * normalized, and the weight it lost returned. */
static double coherent_amplitudes(double complex beta, qs_index levels, double complex *c)
{
  double r = cabs(beta), phase = carg(beta), kept = 0.0;
  for (qs_index n = 0; n < levels; n++) {
    double log_mod = -0.5 * r * r - 0.5 * lgamma((double)n + 1.0) +
                     (n > 0 ? (double)n * log(r) : 0.0);
    double mod = r == 0.0 ? (n == 0 ? 1.0 : 0.0) : exp(log_mod);
    c[n] = mod * cexp(I * (double)n * phase);
    kept += mod * mod;
  }
  for (qs_index n = 0; kept > 0.0 && n < levels; n++)
    c[n] /= sqrt(kept);
  return fmax(0.0, 1.0 - kept);
}

/* Q = rho_1 (x) ... (x) rho_N (dimension 2^N, column-major), qubit 1 the
 * leading bit, basis index 0 = up: rho_l = [[1 + bz, bx - i by], [bx + i by, 1 - bz]] / 2. */
static void spin_product(int nq, const double (*bloch)[3], double complex *q)
{
  qs_index dim = (qs_index)1 << nq;
  for (qs_index r = 0; r < dim; r++)
    for (qs_index s = 0; s < dim; s++) {
      double complex v = 1.0;
      for (int l = 0; l < nq; l++) {
        int bit = nq - 1 - l, ur = (int)(r >> bit) & 1, us = (int)(s >> bit) & 1;
        const double *b = bloch[l];
        double complex e = ur == us ? 0.5 * (1.0 + (ur == 0 ? b[2] : -b[2]))
                           : ur == 0 ? 0.5 * (b[0] - I * b[1]) : 0.5 * (b[0] + I * b[1]);
        v *= e;
      }
      q[r + s * dim] = v;
    }
}

qs_status qs_validity_product_state(const qs_model *model, double complex alpha,
                                    const double (*bloch)[3], double complex *rho,
                                    double *truncation, char *msg, size_t msglen)
{
  qs_status st = check_boson_qubits(model, msg, msglen);
  if (st != QS_OK)
    return st;
  const qs_index total = model->space.total, levels = model->space.dims[0];
  const qs_index rest = total / levels;
  const int nq = model->space.n_sub - 1;
  /* alpha0: <a> in the basis state |0_b, up...> is alpha0 + <0|b|0> = alpha0 */
  memset(rho, 0, (size_t)(total * total) * sizeof *rho);
  rho[0] = 1.0;
  double complex alpha0 = obs_value(model, "a", rho);
  double complex *c = malloc((size_t)levels * sizeof *c);
  double complex *q = malloc((size_t)(rest * rest) * sizeof *q);
  if (!c || !q) {
    free(c);
    free(q);
    return QS_ERR_NOMEM;
  }
  double lost = coherent_amplitudes(alpha - alpha0, levels, c);
  spin_product(nq, bloch, q);
  for (qs_index m = 0; m < levels; m++)
    for (qs_index s = 0; s < rest; s++)
      for (qs_index n = 0; n < levels; n++) {
        double complex cnm = c[n] * conj(c[m]);
        for (qs_index r = 0; r < rest; r++)
          rho[(n * rest + r) + (m * rest + s) * total] = cnm * q[r + s * rest];
      }
  if (truncation)
    *truncation = lost;
  free(c);
  free(q);
  return QS_OK;
}

/* ---- the comparisons of one point ----------------------------------------- */

/* values with the model's choice key `key` set to `choice` (-1: no such key). */
static int with_choice(const qs_model_type *type, const double *values, const char *key,
                       double choice, double *out)
{
  memcpy(out, values, (size_t)type->n_params * sizeof *out);
  int k = qs_model_param_index(type, key);
  if (k >= 0)
    out[k] = choice;
  return k;
}

/* (c) the lab frame: integrate from the exact RWA state and average over
 * the last drive periods (the model reports in the drive frame). */
static void lab_compare(const qs_validity_options *opt, const qs_model_type *type,
                        const double *values, const qs_model *rwa,
                        const double complex *rho_exact, qs_validity_point *out)
{
  double lab_values[QS_MODEL_MAX_PARAMS];
  if (with_choice(type, values, "frame", 1.0, lab_values) < 0) {
    diff_not_done(&out->lab, "the model has no lab frame (no key frame)");
    return;
  }
  qs_mesolve_point pt = {0};
  memcpy(pt.values, lab_values, sizeof pt.values);
  char msg[256] = "";
  qs_status st = qs_model_create(type, lab_values, &pt.model, msg, sizeof msg);
  qs_mesolve_point_options me = opt->lab;
  me.start = QS_MESOLVE_START_MODEL;
  double window = 0.0;
  size_t n = (size_t)rwa->space.total;
  double *times = NULL;
  if (st == QS_OK && pt.model->space.total != rwa->space.total)
    st = QS_ERR_DIMENSION;
  if (st == QS_OK)
    st = qs_mesolve_point_window(&me, pt.model, &window, msg, sizeof msg);
  if (st == QS_OK) {
    times = malloc((size_t)me.n_times * sizeof *times);
    pt.rho_start = malloc(n * n * sizeof *pt.rho_start);
    st = times && pt.rho_start ? QS_OK : QS_ERR_NOMEM;
  }
  if (st == QS_OK) {
    for (int k = 0; k < me.n_times; k++)
      times[k] = me.t_end * k / (me.n_times - 1);
    memcpy(pt.rho_start, rho_exact, n * n * sizeof *pt.rho_start);
    st = qs_mesolve_point_run(&me, times, &pt);
    if (st != QS_OK)
      snprintf(msg, sizeof msg, "%s", pt.msg);
  }
  if (st == QS_OK)
    st = qs_validity_compare(rwa, rho_exact, pt.rho, &out->lab);
  if (st != QS_OK) {
    char why[160];
    snprintf(why, sizeof why, "lab frame: %s%s%.100s", qs_strerror(st), msg[0] ? ": " : "", msg);
    diff_not_done(&out->lab, why);
  }
  free(times);
  qs_mesolve_point_release(&pt);
}

/* (a) the lowest semiclassical minimum as a product state in rwa's basis. */
static void semiclassical_compare(const qs_validity_options *opt, const qs_model *rwa,
                                  const double complex *rho_exact, qs_validity_point *out)
{
  qs_semiclassical_problem problem;
  qs_semiclassical_result res = {0};
  char msg[128] = "";
  size_t n = (size_t)rwa->space.total;
  double complex *rho = NULL;
  qs_status st = qs_semiclassical_problem_from_parameters(rwa, &problem, msg, sizeof msg);
  if (st == QS_OK)
    st = qs_semiclassical_minimize(&problem, &opt->semiclassical, &res, msg, sizeof msg);
  if (st == QS_OK) {
    rho = malloc(n * n * sizeof *rho);
    st = rho ? QS_OK : QS_ERR_NOMEM;
  }
  if (st == QS_OK) {
    const qs_semiclassical_minimum *low = &res.minima[0];
    out->n_minima = res.n_minima;
    out->eps = low->epsilon;
    out->eps_over_gamma = low->epsilon / out->gamma;
    out->eps_over_gap = low->epsilon / out->gap;
    st = qs_validity_product_state(rwa, low->point.alpha,
                                   (const double(*)[3])low->point.bloch, rho, NULL, msg,
                                   sizeof msg);
  }
  if (st == QS_OK)
    st = qs_validity_compare(rwa, rho_exact, rho, &out->semiclassical);
  if (st != QS_OK) {
    char why[160];
    snprintf(why, sizeof why, "semiclassical: %s%s%.100s", qs_strerror(st), msg[0] ? ": " : "",
             msg);
    diff_not_done(&out->semiclassical, why);
    out->n_minima = 0;
    out->eps = out->eps_over_gamma = out->eps_over_gap = NAN;
  }
  free(rho);
  qs_semiclassical_result_free(&res);
}

/* (b) the dressed rate series (R)* in rwa's own basis. */
static void series_compare(const qs_validity_options *opt, const qs_model *rwa,
                           const double complex *rho_exact, qs_validity_point *out)
{
  size_t n = (size_t)rwa->space.total;
  double complex *rho = malloc(n * n * sizeof *rho);
  qs_rateeq_result r;
  char msg[128] = "";
  qs_status st = rho ? qs_rate_series(rwa, 1, &opt->series, rho, &r, msg, sizeof msg)
                     : QS_ERR_NOMEM;
  if (st == QS_OK) {
    out->series_converged = r.converged;
    out->series_order = r.order;
    out->series_residual = r.residual;
    st = qs_validity_compare(rwa, rho_exact, rho, &out->series);
  }
  if (st != QS_OK) {
    char why[160];
    snprintf(why, sizeof why, "rate series: %s%s%.100s", qs_strerror(st), msg[0] ? ": " : "", msg);
    diff_not_done(&out->series, why);
    out->series_residual = NAN;
  }
  free(rho);
}

/* The Liouvillian gap |Re mu_1|. */
static void gap_compute(const qs_validity_options *opt, const qs_model *rwa,
                        qs_validity_point *out)
{
  qs_gap_result r;
  char msg[128] = "";
  qs_status st = qs_liouvillian_gap(rwa, &opt->gap, &r, msg, sizeof msg);
  if (st == QS_OK) {
    out->gap = r.gap;
    out->gap_note[0] = '\0';
  } else {
    snprintf(out->gap_note, sizeof out->gap_note, "%s%s%.100s", qs_strerror(st), msg[0] ? ": " : "",
             msg);
  }
}

static void point_reset(qs_validity_point *out)
{
  *out = (qs_validity_point){.exact = {NAN, NAN, NAN, NAN}, .exact_residual = NAN,
                             .p_top = NAN, .gamma = NAN, .eps = NAN, .eps_over_gamma = NAN,
                             .eps_over_gap = NAN, .series_residual = NAN, .gap = NAN};
  diff_not_done(&out->semiclassical, "off");
  diff_not_done(&out->series, "off");
  diff_not_done(&out->lab, "off");
  snprintf(out->gap_note, sizeof out->gap_note, "off");
}

qs_status qs_validity_point_run(const qs_validity_options *opt, const qs_model_type *type,
                                const double *values, qs_validity_point *out)
{
  double start = now_seconds();
  point_reset(out);
  if (!opt || !type || !values) {
    qs_set_message(out->msg, sizeof out->msg, "qs_validity_point_run: NULL argument");
    return QS_ERR_INVALID;
  }
  double rwa_values[QS_MODEL_MAX_PARAMS];
  with_choice(type, values, "frame", 0.0, rwa_values);
  qs_model *rwa = NULL;
  qs_status st = qs_model_create(type, rwa_values, &rwa, out->msg, sizeof out->msg);
  size_t n = st == QS_OK ? (size_t)rwa->space.total : 0;
  double complex *rho = st == QS_OK ? malloc(n * n * sizeof *rho) : NULL;
  if (st == QS_OK && !rho)
    st = QS_ERR_NOMEM;
  qs_steady_info info = {0};
  if (st == QS_OK)
    st = qs_steady_state_ex(rwa, &opt->steady, rho, &info, out->msg, sizeof out->msg);
  if (st == QS_OK) {
    out->exact_residual = info.residual;
    qs_validity_observables(rwa, rho, &out->exact);
    int top = -1;
    if (qs_model_truncation(rwa, &top, NULL) >= 0 && top >= 0)
      out->p_top = creal(qs_op_trace_with(rwa->obs[top], rho));
    int g = qs_model_param_index(type, "gamma");
    out->gamma = g >= 0 ? rwa_values[g] : NAN;
    if (opt->compare & QS_VALIDITY_GAP)
      gap_compute(opt, rwa, out);
    if (opt->compare & QS_VALIDITY_SEMICLASSICAL)
      semiclassical_compare(opt, rwa, rho, out);
    if (opt->compare & QS_VALIDITY_SERIES)
      series_compare(opt, rwa, rho, out);
    if (opt->compare & QS_VALIDITY_LAB)
      lab_compare(opt, type, values, rwa, rho, out);
  }
  free(rho);
  qs_model_destroy(&rwa);
  out->seconds = now_seconds() - start;
  return st;
}

typedef struct {
  const qs_validity_options *opt;
  const qs_model_type *type;
  const double *values;
  qs_validity_point *out;
} points_job;

static qs_status point_task(long index, int worker, void *data)
{
  (void)worker;
  const points_job *job = data;
  return qs_validity_point_run(job->opt, job->type, job->values + index * QS_MODEL_MAX_PARAMS,
                               &job->out[index]);
}

/* Slot codec of a distributed run (farm.h): a point is plain data. */
static qs_status point_pack(long index, qs_farm_bytes *b, void *data)
{
  const points_job *job = data;
  qs_farm_put(b, &job->out[index], sizeof job->out[index]);
  return b->st;
}

static qs_status point_unpack(long index, qs_farm_bytes *b, void *data)
{
  const points_job *job = data;
  qs_farm_get(b, &job->out[index], sizeof job->out[index]);
  return b->st;
}

qs_status qs_validity_points_run(const qs_validity_options *opt, const qs_model_type *type,
                                 const double *values, long n, qs_validity_point *out,
                                 long *failed)
{
  if (failed)
    *failed = -1;
  if (!opt || !type || !values || !out || n < 0)
    return QS_ERR_INVALID;
  points_job job = {opt, type, values, out};
  qs_farm_options farm = opt->farm;
  farm.pack = point_pack;
  farm.unpack = point_unpack;
  return qs_farm_run(n, point_task, &job, &farm, failed);
}
