/* The master equation at many points; see include/qsync/mesolve_points.h. */
#include "qsync/mesolve_points.h"
#include "qsync/periodic.h"
#include "message_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The unit of the averaging window: the drive period, or one time unit
 * for a model without a drive frequency. */
static double window_period(const qs_model *model)
{
  double period = qs_model_drive_period(model);
  return period > 0.0 ? period : 1.0;
}

qs_mesolve_point_options qs_mesolve_point_default_options(void)
{
  qs_mesolve_point_options o = {.me = qs_mesolve_default_options(),
                                .t_end = 1.0,
                                .n_times = 2,
                                .avg_periods = 0.0,
                                .avg_samples = 20,
                                .start = QS_MESOLVE_START_MODEL,
                                .periodic = qs_periodic_default_options(),
                                .steady = qs_steady_default_options(),
                                .farm = qs_farm_default_options()};
  return o;
}

qs_status qs_mesolve_point_window(const qs_mesolve_point_options *opt,
                                  const qs_model *model, double *window, char *msg,
                                  size_t msglen)
{
  *window = opt->avg_periods * window_period(model);
  if (*window <= opt->t_end)
    return QS_OK;
  qs_set_message(msg, msglen, "avg_periods = %g: the averaging window %g exceeds t_end = %g",
                 opt->avg_periods, *window, opt->t_end);
  return QS_ERR_INVALID;
}

/* The periodic steady state at t = 0. */
static qs_status periodic_start(const qs_mesolve_point_options *opt, const qs_model *m,
                                double complex **rho0, char *msg, size_t msglen)
{
  if (!(m->period > 0.0)) {
    qs_set_message(msg, msglen, "[mesolve] initial = periodic needs a time-periodic model "
                   "(model %s at these parameters has no common period: e.g. transmon "
                   "frequencies that are not whole numbers of Hz, or a time-independent model)",
                   m->type->name);
    return QS_ERR_INVALID;
  }
  size_t n = (size_t)m->space.total;
  *rho0 = malloc(n * n * sizeof **rho0);
  if (!*rho0)
    return QS_ERR_NOMEM;
  qs_periodic_options po = opt->periodic;
  po.period = m->period;
  qs_status st = qs_mesolve_periodic(m, NULL, &po, &opt->me, *rho0, NULL, msg, msglen);
  if (st != QS_OK) {
    free(*rho0);
    *rho0 = NULL;
  }
  return st;
}

/* The RWA steady state of the same parameters (frame = rwa). */
static qs_status rwa_start(const qs_mesolve_point_options *opt, const double *values,
                           const qs_model *m, double complex **rho0, char *msg, size_t msglen)
{
  int frame = qs_model_param_index(m->type, "frame");
  if (frame < 0) {
    qs_set_message(msg, msglen, "[mesolve] initial = rwa_steady needs a model with a frame key");
    return QS_ERR_INVALID;
  }
  double rwa[QS_MODEL_MAX_PARAMS];
  memcpy(rwa, values, (size_t)m->type->n_params * sizeof *rwa);
  rwa[frame] = 0.0;
  qs_model *mr = NULL;
  qs_status st = qs_model_create(m->type, rwa, &mr, msg, msglen);
  size_t n = (size_t)m->space.total;
  *rho0 = st == QS_OK ? malloc(n * n * sizeof **rho0) : NULL;
  if (st == QS_OK && !*rho0)
    st = QS_ERR_NOMEM;
  if (st == QS_OK)
    st = qs_steady_state_ex(mr, &opt->steady, *rho0, NULL, msg, msglen);
  qs_model_destroy(&mr);
  if (st != QS_OK) {
    free(*rho0);
    *rho0 = NULL;
  }
  return st;
}

/* Initial state of a point: a copy of rho_start, or the option's start
 * (*rho0 = NULL: the model's own psi0). */
static qs_status start_state(const qs_mesolve_point_options *opt, qs_mesolve_point *pt,
                             double complex **rho0)
{
  size_t n = (size_t)pt->model->space.total;
  *rho0 = NULL;
  if (pt->rho_start) {
    *rho0 = malloc(n * n * sizeof **rho0);
    if (!*rho0)
      return QS_ERR_NOMEM;
    memcpy(*rho0, pt->rho_start, n * n * sizeof **rho0);
    return QS_OK;
  }
  if (opt->start == QS_MESOLVE_START_RWA_STEADY)
    return rwa_start(opt, pt->values, pt->model, rho0, pt->msg, sizeof pt->msg);
  if (opt->start == QS_MESOLVE_START_PERIODIC)
    return periodic_start(opt, pt->model, rho0, pt->msg, sizeof pt->msg);
  return QS_OK;
}

static qs_status run_point(const qs_mesolve_point_options *opt, const double *times,
                           qs_mesolve_point *pt)
{
  const qs_model *m = pt->model;
  size_t n = (size_t)m->space.total;
  pt->obs_t = malloc((size_t)opt->n_times * (size_t)m->n_obs * sizeof *pt->obs_t);
  pt->obs_avg = malloc((size_t)m->n_obs * sizeof *pt->obs_avg);
  pt->rho = malloc(n * n * sizeof *pt->rho);
  if (!pt->obs_t || !pt->obs_avg || !pt->rho)
    return QS_ERR_NOMEM;
  qs_time_average avg = {0};
  int averaging = opt->avg_periods > 0.0;
  if (averaging) {
    double window = opt->avg_periods * window_period(m);
    avg = (qs_time_average){opt->t_end - window, opt->t_end,
                            (int)fmin(1e6, ceil(opt->avg_periods) * (double)opt->avg_samples)};
  }
  double start = now_seconds();
  double complex *rho0 = NULL;
  qs_status st = start_state(opt, pt, &rho0);
  if (st != QS_OK)
    return st;
  st = qs_mesolve(m, rho0, opt->n_times, times, averaging ? &avg : NULL, &opt->me, pt->obs_t,
                  averaging ? NULL : pt->rho, averaging ? pt->rho : NULL,
                  averaging ? pt->obs_avg : NULL, &pt->stats, pt->msg, sizeof pt->msg);
  pt->seconds = now_seconds() - start;
  free(rho0);
  if (st == QS_OK && !averaging)
    memcpy(pt->obs_avg, pt->obs_t + (opt->n_times - 1) * m->n_obs,
           (size_t)m->n_obs * sizeof *pt->obs_avg);
  return st;
}

qs_status qs_mesolve_point_run(const qs_mesolve_point_options *opt, const double *times,
                               qs_mesolve_point *pt)
{
  if (!opt || !times || !pt || !pt->model || opt->n_times < 1)
    return QS_ERR_INVALID;
  pt->st = run_point(opt, times, pt);
  return pt->st;
}

typedef struct {
  const qs_mesolve_point_options *opt;
  const double *times;
  qs_mesolve_point *pts;
} points_job;

static qs_status point_task(long index, int worker, void *data)
{
  (void)worker;
  const points_job *job = data;
  return qs_mesolve_point_run(job->opt, job->times, &job->pts[index]);
}

/* Slot codec of a distributed run (farm.h): the status, message and work,
 * and after a success the three result arrays (sizes from the options and
 * the point's model, which every rank built alike). */
static void point_sizes(const points_job *job, const qs_mesolve_point *pt, size_t size[3])
{
  size_t n_obs = (size_t)pt->model->n_obs, dim = (size_t)pt->model->space.total;
  size[0] = (size_t)job->opt->n_times * n_obs * sizeof *pt->obs_t;
  size[1] = n_obs * sizeof *pt->obs_avg;
  size[2] = dim * dim * sizeof *pt->rho;
}

static qs_status point_pack(long index, qs_farm_bytes *b, void *data)
{
  const points_job *job = data;
  const qs_mesolve_point *pt = &job->pts[index];
  size_t size[3];
  point_sizes(job, pt, size);
  qs_farm_put(b, &pt->st, sizeof pt->st);
  qs_farm_put(b, pt->msg, sizeof pt->msg);
  qs_farm_put(b, &pt->stats, sizeof pt->stats);
  qs_farm_put(b, &pt->seconds, sizeof pt->seconds);
  if (pt->st == QS_OK) {
    qs_farm_put(b, pt->obs_t, size[0]);
    qs_farm_put(b, pt->obs_avg, size[1]);
    qs_farm_put(b, pt->rho, size[2]);
  }
  return b->st;
}

static qs_status point_unpack(long index, qs_farm_bytes *b, void *data)
{
  const points_job *job = data;
  qs_mesolve_point *pt = &job->pts[index];
  size_t size[3];
  point_sizes(job, pt, size);
  qs_farm_get(b, &pt->st, sizeof pt->st);
  qs_farm_get(b, pt->msg, sizeof pt->msg);
  qs_farm_get(b, &pt->stats, sizeof pt->stats);
  qs_farm_get(b, &pt->seconds, sizeof pt->seconds);
  if (b->st != QS_OK || pt->st != QS_OK)
    return b->st;
  pt->obs_t = malloc(size[0]);
  pt->obs_avg = malloc(size[1]);
  pt->rho = malloc(size[2]);
  if (!pt->obs_t || !pt->obs_avg || !pt->rho)
    return QS_ERR_NOMEM;
  qs_farm_get(b, pt->obs_t, size[0]);
  qs_farm_get(b, pt->obs_avg, size[1]);
  qs_farm_get(b, pt->rho, size[2]);
  return b->st;
}

qs_status qs_mesolve_points_run(const qs_mesolve_point_options *opt, const double *times,
                                qs_mesolve_point *pts, long n, long *failed)
{
  if (failed)
    *failed = -1;
  if (!opt || !times || (n > 0 && !pts) || n < 0)
    return QS_ERR_INVALID;
  for (long p = 0; p < n; p++) {
    double window;
    qs_status st = qs_mesolve_point_window(opt, pts[p].model, &window, pts[p].msg,
                                           sizeof pts[p].msg);
    if (st != QS_OK) {
      pts[p].st = st;
      if (failed)
        *failed = p;
      return st;
    }
  }
  points_job job = {opt, times, pts};
  qs_farm_options farm = opt->farm;
  farm.pack = point_pack;
  farm.unpack = point_unpack;
  return qs_farm_run(n, point_task, &job, &farm, failed);
}

void qs_mesolve_point_release(qs_mesolve_point *pt)
{
  if (!pt)
    return;
  qs_model_destroy(&pt->model);
  free(pt->obs_t);
  free(pt->obs_avg);
  free(pt->rho);
  free(pt->rho_start);
  pt->obs_t = pt->obs_avg = pt->rho = pt->rho_start = NULL;
}
