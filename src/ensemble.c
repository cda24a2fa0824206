/* Ensembles of trajectories; see include/qsync/ensemble.h. */
#include "qsync/ensemble.h"
#include "message_impl.h"

#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

qs_ensemble_options qs_ensemble_default_options(void)
{
  return (qs_ensemble_options){.ntraj = 1000, .seed = 1, .threads = 1};
}

void qs_ensemble_result_destroy(qs_ensemble_result **res)
{
  if (!res || !*res)
    return;
  qs_ensemble_result *r = *res;
  free(r->times);
  free(r->obs_sum);
  free(r->obs_sq_re);
  free(r->obs_sq_im);
  free(r->avg_sum);
  free(r->avg_sq_re);
  free(r->avg_sq_im);
  free(r->rho_sum);
  free(r->rho_avg_sum);
  free(r->rho_avg_group);
  free(r);
  *res = NULL;
}

/* One trajectory's (or one block's) contributions, the unit of summation. */
typedef struct {
  double complex *obs;    /* n_times * n_obs */
  double *obs_sq_re, *obs_sq_im;
  double complex *avg;    /* n_obs */
  double *avg_sq_re, *avg_sq_im;
  double complex *rho;    /* n_times * dim^2 or NULL */
  double complex *rho_avg;/* dim^2 or NULL */
  qs_traj_stats work;
  qs_status status;
} record;

typedef struct {
  size_t n_obs_t, n_obs, n_rho_t, n_rho;
} record_shape;

static void record_free(record *r)
{
  free(r->obs);
  free(r->obs_sq_re);
  free(r->obs_sq_im);
  free(r->avg);
  free(r->avg_sq_re);
  free(r->avg_sq_im);
  free(r->rho);
  free(r->rho_avg);
  memset(r, 0, sizeof *r);
}

static int record_alloc(record *r, const record_shape *s)
{
  memset(r, 0, sizeof *r);
  r->obs = calloc(s->n_obs_t, sizeof *r->obs);
  r->obs_sq_re = calloc(s->n_obs_t, sizeof *r->obs_sq_re);
  r->obs_sq_im = calloc(s->n_obs_t, sizeof *r->obs_sq_im);
  r->avg = calloc(s->n_obs, sizeof *r->avg);
  r->avg_sq_re = calloc(s->n_obs, sizeof *r->avg_sq_re);
  r->avg_sq_im = calloc(s->n_obs, sizeof *r->avg_sq_im);
  int ok = r->obs && r->obs_sq_re && r->obs_sq_im && r->avg && r->avg_sq_re &&
           r->avg_sq_im;
  if (s->n_rho > 0) {
    r->rho = calloc(s->n_rho_t, sizeof *r->rho);
    r->rho_avg = calloc(s->n_rho, sizeof *r->rho_avg);
    ok = ok && r->rho && r->rho_avg;
  }
  if (!ok)
    record_free(r);
  return ok;
}

static void record_zero(record *r, const record_shape *s)
{
  memset(r->obs, 0, s->n_obs_t * sizeof *r->obs);
  memset(r->obs_sq_re, 0, s->n_obs_t * sizeof *r->obs_sq_re);
  memset(r->obs_sq_im, 0, s->n_obs_t * sizeof *r->obs_sq_im);
  memset(r->avg, 0, s->n_obs * sizeof *r->avg);
  memset(r->avg_sq_re, 0, s->n_obs * sizeof *r->avg_sq_re);
  memset(r->avg_sq_im, 0, s->n_obs * sizeof *r->avg_sq_im);
  if (r->rho) {
    memset(r->rho, 0, s->n_rho_t * sizeof *r->rho);
    memset(r->rho_avg, 0, s->n_rho * sizeof *r->rho_avg);
  }
  memset(&r->work, 0, sizeof r->work);
  r->status = QS_OK;
}

/* into += from (all sums, element by element). */
static void record_add(record *into, const record *from, const record_shape *s)
{
  for (size_t i = 0; i < s->n_obs_t; i++) {
    into->obs[i] += from->obs[i];
    into->obs_sq_re[i] += from->obs_sq_re[i];
    into->obs_sq_im[i] += from->obs_sq_im[i];
  }
  for (size_t i = 0; i < s->n_obs; i++) {
    into->avg[i] += from->avg[i];
    into->avg_sq_re[i] += from->avg_sq_re[i];
    into->avg_sq_im[i] += from->avg_sq_im[i];
  }
  if (into->rho) {
    for (size_t i = 0; i < s->n_rho_t; i++)
      into->rho[i] += from->rho[i];
    for (size_t i = 0; i < s->n_rho; i++)
      into->rho_avg[i] += from->rho_avg[i];
  }
  into->work.steps += from->work.steps;
  into->work.rhs_evals += from->work.rhs_evals;
  into->work.root_evals += from->work.root_evals;
  into->work.jumps += from->work.jumps;
}

/* Add |psi><psi| (psi normalized) to the column-major rho. */
static void add_projector(double complex *rho, const double complex *psi,
                          qs_index dim, double weight)
{
  /* Real arithmetic: C's complex product adds an Annex G NaN fix-up
   * branch per element (same values on finite data). */
  const double *p = (const double *)psi;
  for (qs_index j = 0; j < dim; j++) {
    const double cr = weight * p[2 * j], ci = -weight * p[2 * j + 1];
    double *col = (double *)(rho + j * dim);
    for (qs_index i = 0; i < dim; i++) {
      col[2 * i] += p[2 * i] * cr - p[2 * i + 1] * ci;
      col[2 * i + 1] += p[2 * i] * ci + p[2 * i + 1] * cr;
    }
  }
}

/* Integrate trajectory `index` and fill its record (sums over one). */
static void run_one(qs_traj *tr, const qs_model *m, const qs_ensemble_options *o,
                    long index, double complex *psi, record *rec,
                    const record_shape *s)
{
  record_zero(rec, s);
  qs_status st = qs_traj_start(tr, NULL, 0.0, o->seed, (uint64_t)index);
  qs_index dim = m->space.total;
  int n_avg = 0;
  for (int t = 0; t < o->n_times && st == QS_OK; t++)
    n_avg += o->times[t] >= o->burn_in;
  for (int t = 0; t < o->n_times && st == QS_OK; t++) {
    st = qs_traj_evolve_to(tr, o->times[t]);
    if (st != QS_OK)
      break;
    qs_traj_state(tr, psi);
    if (m->frame_rate)  /* report in the model's frame (see model.h) */
      qs_model_frame_state(m, o->times[t], psi);
    int in_avg = o->times[t] >= o->burn_in;
    for (int k = 0; k < m->n_obs; k++) {
      double complex v = qs_op_expect(m->obs[k], psi);
      rec->obs[(size_t)t * (size_t)m->n_obs + (size_t)k] = v;
      rec->obs_sq_re[(size_t)t * (size_t)m->n_obs + (size_t)k] = creal(v) * creal(v);
      rec->obs_sq_im[(size_t)t * (size_t)m->n_obs + (size_t)k] = cimag(v) * cimag(v);
      if (in_avg)
        rec->avg[k] += v / n_avg;
    }
    if (rec->rho) {
      add_projector(rec->rho + (size_t)t * s->n_rho, psi, dim, 1.0);
      if (in_avg)
        add_projector(rec->rho_avg, psi, dim, 1.0 / n_avg);
    }
  }
  for (int k = 0; k < m->n_obs; k++) {
    rec->avg_sq_re[k] = creal(rec->avg[k]) * creal(rec->avg[k]);
    rec->avg_sq_im[k] = cimag(rec->avg[k]) * cimag(rec->avg[k]);
  }
  qs_traj_get_stats(tr, &rec->work);
  rec->status = st;
}

/* Add a block's time-averaged rho to its jackknife group. */
static void add_to_group(qs_ensemble_result *res, const record *block,
                         const record_shape *s, long block_index, long n)
{
  long g = block_index % QS_ENSEMBLE_GROUPS;
  res->group_ntraj[g] += n;
  if (!res->rho_avg_group)
    return;
  double complex *dst = res->rho_avg_group + (size_t)g * s->n_rho;
  for (size_t i = 0; i < s->n_rho; i++)
    dst[i] += block->rho_avg[i];
}

static qs_status check_options(const qs_model *m, const qs_ensemble_options *o,
                               char *msg, size_t msglen)
{
  if (o->ntraj < 1) {
    qs_set_message(msg, msglen, "ntraj = %ld: expected ntraj >= 1", o->ntraj);
    return QS_ERR_INVALID;
  }
  if (o->first_index < 0) {
    qs_set_message(msg, msglen, "first_index = %ld: expected >= 0", o->first_index);
    return QS_ERR_INVALID;
  }
  if (o->threads < 0) {
    qs_set_message(msg, msglen, "threads = %d: expected threads >= 1", o->threads);
    return QS_ERR_INVALID;
  }
  if (o->n_times < 1 || !o->times || !(o->times[0] >= 0.0)) {
    qs_set_message(msg, msglen, "expected at least one output time, the first >= 0");
    return QS_ERR_INVALID;
  }
  for (int t = 1; t < o->n_times; t++)
    if (!(o->times[t] > o->times[t - 1])) {
      qs_set_message(msg, msglen, "output times must increase strictly");
      return QS_ERR_INVALID;
    }
  if (!(o->burn_in <= o->times[o->n_times - 1]) || !(o->burn_in >= 0.0)) {
    qs_set_message(msg, msglen, "burn_in = %g: expected 0 <= burn_in <= last output time %g",
            o->burn_in, o->times[o->n_times - 1]);
    return QS_ERR_INVALID;
  }
  if (o->store_rho && m->space.total > QS_ENSEMBLE_MAX_RHO_DIM) {
    qs_set_message(msg, msglen, "store_rho needs dimension <= %d, the model has %lld",
            QS_ENSEMBLE_MAX_RHO_DIM, (long long)m->space.total);
    return QS_ERR_INVALID;
  }
  return QS_OK;
}

static qs_status result_alloc(const qs_model *m, const qs_ensemble_options *o,
                              const record_shape *s, qs_ensemble_result **out)
{
  qs_ensemble_result *r = calloc(1, sizeof *r);
  if (!r)
    return QS_ERR_NOMEM;
  r->seed = o->seed;
  r->n_times = o->n_times;
  r->n_obs = m->n_obs;
  r->dim = m->space.total;
  for (int t = 0; t < o->n_times; t++)
    r->n_avg += o->times[t] >= o->burn_in;
  r->times = malloc((size_t)o->n_times * sizeof *r->times);
  record acc;
  if (!r->times || !record_alloc(&acc, s)) {
    qs_ensemble_result_destroy(&r);
    return QS_ERR_NOMEM;
  }
  memcpy(r->times, o->times, (size_t)o->n_times * sizeof *r->times);
  /* The result takes over the record's arrays. */
  r->obs_sum = acc.obs;
  r->obs_sq_re = acc.obs_sq_re;
  r->obs_sq_im = acc.obs_sq_im;
  r->avg_sum = acc.avg;
  r->avg_sq_re = acc.avg_sq_re;
  r->avg_sq_im = acc.avg_sq_im;
  r->rho_sum = acc.rho;
  r->rho_avg_sum = acc.rho_avg;
  if (s->n_rho > 0 &&
      !(r->rho_avg_group = calloc(QS_ENSEMBLE_GROUPS * s->n_rho, sizeof *r->rho_avg_group))) {
    qs_ensemble_result_destroy(&r);
    return QS_ERR_NOMEM;
  }
  *out = r;
  return QS_OK;
}

static record result_as_record(qs_ensemble_result *r)
{
  return (record){r->obs_sum, r->obs_sq_re, r->obs_sq_im, r->avg_sum,
                  r->avg_sq_re, r->avg_sq_im, r->rho_sum, r->rho_avg_sum,
                  r->work, QS_OK};
}

static record_shape shape_of(const qs_model *m, int n_times, int store_rho)
{
  size_t dim2 = store_rho ? (size_t)(m->space.total * m->space.total) : 0;
  return (record_shape){(size_t)n_times * (size_t)m->n_obs, (size_t)m->n_obs,
                        (size_t)n_times * dim2, dim2};
}

static int result_finite(const qs_ensemble_result *r, const record_shape *s)
{
  for (size_t i = 0; i < s->n_obs_t; i++)
    if (!isfinite(creal(r->obs_sum[i])) || !isfinite(cimag(r->obs_sum[i])))
      return 0;
  for (size_t i = 0; i < s->n_obs; i++)
    if (!isfinite(creal(r->avg_sum[i])) || !isfinite(cimag(r->avg_sum[i])))
      return 0;
  return 1;
}

qs_status qs_ensemble_run(const qs_model *model, const qs_traj_options *traj_opt,
                          const qs_ensemble_options *opt,
                          qs_ensemble_result **out, char *msg, size_t msglen)
{
  if (!model || !opt || !out)
    return QS_ERR_INVALID;
  *out = NULL;
  qs_status st = check_options(model, opt, msg, msglen);
  if (st != QS_OK)
    return st;
  int threads = opt->threads > 0 ? opt->threads : omp_get_max_threads();
  record_shape s = shape_of(model, opt->n_times, opt->store_rho);
  qs_ensemble_result *res = NULL;
  st = result_alloc(model, opt, &s, &res);
  if (st != QS_OK)
    return st;

  qs_traj **trajs = calloc((size_t)threads, sizeof *trajs);
  double complex *psi = calloc((size_t)threads * (size_t)model->space.total, sizeof *psi);
  record *recs = calloc(QS_ENSEMBLE_BLOCK, sizeof *recs);
  record block = {0};
  int have_block = record_alloc(&block, &s);
  if (!trajs || !psi || !recs || !have_block)
    st = QS_ERR_NOMEM;
  for (int k = 0; k < QS_ENSEMBLE_BLOCK && st == QS_OK; k++)
    if (!record_alloc(&recs[k], &s))
      st = QS_ERR_NOMEM;
  for (int k = 0; k < threads && st == QS_OK; k++)
    st = qs_traj_create(model, traj_opt, &trajs[k]);

  record total = result_as_record(res);
  for (long first = 0; first < opt->ntraj && st == QS_OK; first += QS_ENSEMBLE_BLOCK) {
    long n = opt->ntraj - first < QS_ENSEMBLE_BLOCK ? opt->ntraj - first : QS_ENSEMBLE_BLOCK;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (long k = 0; k < n; k++) {
      int tid = omp_get_thread_num();
      run_one(trajs[tid], model, opt, opt->first_index + first + k,
              psi + (size_t)tid * (size_t)model->space.total, &recs[k], &s);
    }
    /* Sum the block in trajectory order, then add it to the total. */
    record_zero(&block, &s);
    for (long k = 0; k < n && st == QS_OK; k++) {
      st = recs[k].status;
      record_add(&block, &recs[k], &s);
    }
    record_add(&total, &block, &s);
    add_to_group(res, &block, &s, (opt->first_index + first) / QS_ENSEMBLE_BLOCK, n);
    res->ntraj += n;
    if (opt->progress)
      opt->progress(res->ntraj, opt->ntraj, opt->progress_data);
  }
  res->work = total.work;
  if (st == QS_OK && !result_finite(res, &s))
    st = QS_ERR_NUMERIC;

  for (int k = 0; trajs && k < threads; k++)
    qs_traj_destroy(&trajs[k]);
  for (int k = 0; recs && k < QS_ENSEMBLE_BLOCK; k++)
    record_free(&recs[k]);
  record_free(&block);
  free(recs);
  free(trajs);
  free(psi);
  if (st != QS_OK) {
    qs_ensemble_result_destroy(&res);
    return st;
  }
  *out = res;
  return QS_OK;
}

qs_status qs_ensemble_merge(qs_ensemble_result *into, const qs_ensemble_result *other)
{
  if (!into || !other)
    return QS_ERR_INVALID;
  if (into->n_times != other->n_times || into->n_obs != other->n_obs ||
      into->dim != other->dim || (into->rho_sum == NULL) != (other->rho_sum == NULL))
    return QS_ERR_DIMENSION;
  size_t dim2 = into->rho_sum ? (size_t)(into->dim * into->dim) : 0;
  record_shape s = {(size_t)into->n_times * (size_t)into->n_obs, (size_t)into->n_obs,
                    (size_t)into->n_times * dim2, dim2};
  record a = result_as_record(into);
  record b = result_as_record((qs_ensemble_result *)other);
  record_add(&a, &b, &s);
  for (int g = 0; g < QS_ENSEMBLE_GROUPS; g++) {
    into->group_ntraj[g] += other->group_ntraj[g];
    for (size_t i = 0; into->rho_avg_group && i < dim2; i++)
      into->rho_avg_group[(size_t)g * dim2 + i] += other->rho_avg_group[(size_t)g * dim2 + i];
  }
  into->work = a.work;
  into->ntraj += other->ntraj;
  return QS_OK;
}

qs_status qs_ensemble_jackknife(const qs_ensemble_result *res, qs_rho_function f,
                                void *data, double *plain, double *corrected,
                                double *se)
{
  if (!res || !f || !res->rho_avg_group || !plain || !corrected || !se)
    return QS_ERR_INVALID;
  size_t dim2 = (size_t)(res->dim * res->dim);
  double complex *rho = malloc(dim2 * sizeof *rho);
  double theta_g[QS_ENSEMBLE_GROUPS];
  int n_groups = 0;
  qs_status st = rho ? QS_OK : QS_ERR_NOMEM;
  for (size_t i = 0; st == QS_OK && i < dim2; i++)
    rho[i] = res->rho_avg_sum[i] / (double)res->ntraj;
  if (st == QS_OK)
    st = f(rho, plain, data);
  for (int g = 0; st == QS_OK && g < QS_ENSEMBLE_GROUPS; g++) {
    long rest = res->ntraj - res->group_ntraj[g];
    if (res->group_ntraj[g] == 0 || rest == 0)
      continue;
    const double complex *grp = res->rho_avg_group + (size_t)g * dim2;
    for (size_t i = 0; i < dim2; i++)
      rho[i] = (res->rho_avg_sum[i] - grp[i]) / (double)rest;
    st = f(rho, &theta_g[n_groups++], data);
  }
  free(rho);
  if (st == QS_OK && n_groups < 2)
    st = QS_ERR_INVALID;
  if (st != QS_OK)
    return st;
  double mean = 0.0, ss = 0.0;
  for (int g = 0; g < n_groups; g++)
    mean += theta_g[g] / n_groups;
  for (int g = 0; g < n_groups; g++)
    ss += (theta_g[g] - mean) * (theta_g[g] - mean);
  *corrected = n_groups * *plain - (n_groups - 1) * mean;
  *se = sqrt((double)(n_groups - 1) / n_groups * ss);
  return QS_OK;
}

double complex qs_mean_of(double complex sum, long n)
{
  return n > 0 ? sum / (double)n : NAN;
}

/* Standard error of the mean of n samples with sum S and sum of squares Q:
 * sample variance (Q - S^2/n)/(n-1), divided by n. */
static double stderr_part(double s, double q, long n)
{
  if (n < 2)
    return NAN;
  double var = (q - s * s / (double)n) / (double)(n - 1);
  return sqrt(fmax(var, 0.0) / (double)n);
}

double complex qs_stderr_of(double complex sum, double sq_re, double sq_im, long n)
{
  return CMPLX(stderr_part(creal(sum), sq_re, n), stderr_part(cimag(sum), sq_im, n));
}
