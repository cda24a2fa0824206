/* Resource estimates before work (resources.h): the memory and wall-time
 * model of every command, and the refusal message naming the keys. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "message_impl.h"
#include "qsync/ensemble.h"
#include "qsync/resources.h"
#include "qsync/rateeq.h"
#include "steady_sylvester_impl.h"

/* Vectors CVODE (Adams) and the integrators keep per integration. */
#define CVODE_VECTORS 25.0
/* Effective floating-point rate of the dense kernels (LAPACK, BLAS). */
#define FLOPS_PER_SECOND 1e10
/* Expected iterations of the splitting methods (an upper bound for most
 * points; warm-started sweeps need far fewer). */
#define SPLITTING_ITERATIONS 200.0
#define TWO_PI (2.0 * 3.14159265358979323846)

static const char *const task_names[] = {"run", "steady", "compare", "scan",
                                         "mesolve", "rates", "compare-model"};

int qs_task_parse(const char *command)
{
  for (int i = 0; command && i < (int)(sizeof task_names / sizeof *task_names); i++)
    if (strcmp(command, task_names[i]) == 0)
      return i;
  return -1;
}

/* ---- what one model costs ------------------------------------------------- */

/* What the estimate needs of one sampled point's model. */
typedef struct {
  double dim, n_obs;
  double op_bytes;   /* the model's sparse operators */
  double nnz;        /* nonzeros of H_eff, the time-dependent terms and the c_k */
  double rate;       /* fastest frequency (resources.h) */
  double steady_bytes;
  qs_steady_method steady_method;
  double steady_seconds;
  double photon_levels;
} point_cost;

static double op_bytes(const qs_op *op)
{
  return op ? 24.0 * (double)op->nnz + 8.0 * (double)(op->dim + 1) : 0.0;
}

/* Row-sum norm max_i sum_j |a_ij|: bounds every eigenvalue's modulus. */
static double row_sum_norm(const qs_op *op)
{
  double worst = 0.0;
  for (qs_index r = 0; op && r < op->dim; r++) {
    double s = 0.0;
    for (qs_index k = op->row_start[r]; k < op->row_start[r + 1]; k++)
      s += cabs(op->val[k]);
    worst = fmax(worst, s);
  }
  return worst;
}

static double available_memory(void)
{
  FILE *f = fopen("/proc/meminfo", "r");
  double bytes = NAN;
  char line[256];
  while (f && fgets(line, sizeof line, f)) {
    double kib;
    if (sscanf(line, "MemAvailable: %lf kB", &kib) == 1) {
      bytes = kib * 1024.0;
      break;
    }
  }
  if (f)
    fclose(f);
  if (isnan(bytes)) {
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    bytes = pages > 0 && size > 0 ? (double)pages * (double)size : INFINITY;
  }
  return bytes;
}

double qs_resources_default_memory_limit(void)
{
  return QS_RESOURCES_MEMORY_SAFETY * available_memory();
}

/* The method AUTO resolves to as qs_steady_state_ex does with the default
 * limit; its memory with the run file's restart. */
static void steady_cost(const qs_runconfig *cfg, const qs_model *m, point_cost *c)
{
  qs_steady_method method = cfg->steady_method;
  double n = c->dim;
  if (method == QS_STEADY_AUTO) {
    if (m->space.total <= QS_STEADY_DENSE_MAX_DIM)
      method = QS_STEADY_DENSE;
    else if (m->space.total <= QS_STEADY_SPARSE_MAX_DIM &&
             qs_steady_memory_estimate(m, QS_STEADY_SPARSE_LU) <= available_memory())
      method = QS_STEADY_SPARSE_LU;
    else
      method = QS_STEADY_KRYLOV;
  }
  c->steady_method = method;
  if (method == QS_STEADY_SYLVESTER || method == QS_STEADY_KRYLOV) {
    c->steady_bytes = qs_steady_splitting_memory(m, method, (int)cfg->steady_restart);
    double iterations = fmin((double)cfg->steady_max_iter, SPLITTING_ITERATIONS);
    c->steady_seconds = 8.0 * (25.0 + 3.5 * iterations) * n * n * n / FLOPS_PER_SECOND;
  } else if (method == QS_STEADY_RATE_SERIES || method == QS_STEADY_RATE_SERIES_STAR) {
    /* zheev (~10 N^3), one product per c_k, 7 complex products per
     * order (8 N^3 flops each) */
    c->steady_bytes = qs_rate_series_memory(m);
    c->steady_seconds = (10.0 + 8.0 * m->n_c + 56.0 * (double)cfg->steady_series_max_order) *
                        n * n * n / FLOPS_PER_SECOND;
  } else {
    c->steady_bytes = qs_steady_memory_estimate(m, method);
    c->steady_seconds = method == QS_STEADY_DENSE
                            ? (8.0 / 3.0) * pow(n, 6.0) / FLOPS_PER_SECOND
                            : 1e-7 * c->steady_bytes / 16.0;
  }
}

static qs_status point_cost_of(const qs_runconfig *cfg, const qs_model *m, point_cost *c)
{
  memset(c, 0, sizeof *c);
  c->dim = (double)m->space.total;
  c->n_obs = m->n_obs + m->n_derived;
  c->photon_levels = (double)qs_model_photon_levels(m);
  qs_op *heff = NULL;
  qs_status st = qs_model_effective_hamiltonian(m, &heff);
  if (st != QS_OK)
    return st;
  c->rate = row_sum_norm(heff);
  c->nnz = (double)heff->nnz;
  qs_op_destroy(&heff);
  c->op_bytes = op_bytes(m->H);
  for (int k = 0; k < m->n_td; k++) {
    c->rate += row_sum_norm(m->H_td[k]);
    c->nnz += (double)m->H_td[k]->nnz;
    c->op_bytes += op_bytes(m->H_td[k]);
  }
  double period = qs_model_drive_period(m);
  if (m->n_td > 0 && period > 0.0)
    c->rate += 2.0 * (TWO_PI / period);
  for (int k = 0; k < m->n_c; k++) {
    c->nnz += 2.0 * (double)m->c[k]->nnz;
    c->op_bytes += op_bytes(m->c[k]);
  }
  for (int k = 0; k < m->n_obs; k++)
    c->op_bytes += op_bytes(m->obs[k]);
  if (m->n_td == 0)
    steady_cost(cfg, m, c);
  return QS_OK;
}

/* The largest cost of each kind over up to QS_RESOURCES_MAX_SAMPLES evenly
 * spaced sweep points. */
static qs_status sampled_cost(const qs_runconfig *cfg, long points, point_cost *worst,
                              char *msg, size_t msglen)
{
  memset(worst, 0, sizeof *worst);
  long samples = points < QS_RESOURCES_MAX_SAMPLES ? points : QS_RESOURCES_MAX_SAMPLES;
  for (long s = 0; s < samples; s++) {
    long p = samples > 1 ? (long)((double)s * (double)(points - 1) / (double)(samples - 1)) : 0;
    double values[QS_MODEL_MAX_PARAMS];
    qs_sweep_grid_point(cfg->sweep, cfg->model_values, cfg->model_type->n_params, p, values,
                        NULL);
    qs_model *m = NULL;
    point_cost c;
    qs_status st = qs_model_create(cfg->model_type, values, &m, msg, msglen);
    if (st == QS_OK)
      st = point_cost_of(cfg, m, &c);
    qs_model_destroy(&m);
    if (st != QS_OK)
      return st;
    if (c.dim > worst->dim)
      worst->steady_method = c.steady_method;
    worst->dim = fmax(worst->dim, c.dim);
    worst->n_obs = fmax(worst->n_obs, c.n_obs);
    worst->op_bytes = fmax(worst->op_bytes, c.op_bytes);
    worst->nnz = fmax(worst->nnz, c.nnz);
    worst->rate = fmax(worst->rate, c.rate);
    worst->steady_bytes = fmax(worst->steady_bytes, c.steady_bytes);
    worst->steady_seconds = fmax(worst->steady_seconds, c.steady_seconds);
    worst->photon_levels = fmax(worst->photon_levels, c.photon_levels);
  }
  return QS_OK;
}

/* ---- the commands --------------------------------------------------------- */

static double expected_steps(double rate, double t_end, double n_times)
{
  return QS_RESOURCES_STEPS_PER_RADIAN * rate * t_end + 2.0 * n_times + 50.0;
}

static double workers_of(const qs_runconfig *cfg, double tasks)
{
  return fmax(1.0, fmin((double)cfg->threads, tasks));
}

/* A trajectory ensemble at every point, the points one after the other. */
static void estimate_run(const qs_runconfig *cfg, const point_cost *c, qs_resource_estimate *e)
{
  double d2 = c->dim * c->dim, nt = (double)cfg->n_times;
  double workers = workers_of(cfg, (double)cfg->ntraj);
  double slots = QS_ENSEMBLE_BLOCK + 2.0; /* per-trajectory slots, block, total */
  e->state_bytes += workers * (CVODE_VECTORS * 16.0 * c->dim + 24.0 * c->nnz) + c->op_bytes;
  e->stored_bytes += slots * (nt + 1.0) * c->n_obs * 48.0;
  if (cfg->store_rho && c->dim <= (double)cfg->max_rho_dim) {
    e->stored_bytes += 16.0 * d2 * (slots * (nt + 1.0) + QS_ENSEMBLE_GROUPS);
    if (cfg->rho_stderr) /* rho_squares: Re^2 and Im^2 sums, and one running average */
      e->stored_bytes += 16.0 * d2 * slots * (nt + 2.0);
  }
  e->table_bytes += (double)e->points * c->n_obs * 32.0 + nt * c->n_obs * 48.0;
  e->steps = expected_steps(c->rate, cfg->t_end, nt);
  e->integrations += (double)cfg->ntraj * (double)e->points;
  double step_seconds = 2e-6 + 2e-8 * (c->nnz + c->dim);
  e->seconds += e->integrations * e->steps * step_seconds / workers;
}

static void estimate_steady(const qs_runconfig *cfg, const point_cost *c, double solves,
                            qs_resource_estimate *e)
{
  double workers = e->task == QS_TASK_SCAN ? workers_of(cfg, (double)e->points) : 1.0;
  e->solver_bytes += workers * c->steady_bytes;
  e->stored_bytes += workers * 3.0 * 16.0 * c->dim * c->dim + c->op_bytes;
  e->table_bytes += (double)e->points * (2.0 * c->n_obs + 8.0 + 2.0 * c->photon_levels) * 8.0;
  e->seconds += solves * c->steady_seconds / workers;
}

/* Master-equation integrations: `per_point` of them over [0, t_end] with
 * n_times outputs at each point, the points in parallel. */
static void estimate_mesolve(const qs_runconfig *cfg, const point_cost *c, double t_end,
                             double n_times, double per_point, qs_resource_estimate *e)
{
  double d2 = c->dim * c->dim, points = (double)e->points;
  double workers = workers_of(cfg, points);
  e->state_bytes += workers * CVODE_VECTORS * 16.0 * d2 + c->op_bytes;
  e->stored_bytes += points * 2.0 * 16.0 * d2; /* each point's rho and start */
  e->table_bytes += points * (n_times + 1.0) * (c->n_obs * 16.0 + 8.0 * c->photon_levels);
  double samples = (double)cfg->me_avg_periods * (double)cfg->me_avg_samples;
  e->steps = expected_steps(c->rate, t_end, n_times + samples);
  e->integrations = points * per_point;
  double step_seconds = 1e-6 + 4e-9 * c->nnz * c->dim + 8e-8 * d2;
  e->seconds += e->integrations * e->steps * step_seconds / workers;
  if (cfg->me_initial == 2) { /* periodic: GMRES over one-period propagations */
    e->solver_bytes += workers * 33.0 * 16.0 * d2;
    e->seconds *= 30.0;
  } else if (cfg->me_initial == 1 && c->steady_bytes > 0.0) {
    e->solver_bytes += workers * c->steady_bytes;
    e->seconds += points * c->steady_seconds / workers;
  }
}

qs_status qs_resources_estimate(const qs_runconfig *cfg, qs_task task,
                                qs_resource_estimate *est, char *msg, size_t msglen)
{
  if (est)
    memset(est, 0, sizeof *est);
  if (!cfg || !est || !cfg->model_type || (int)task < 0 || (int)task > QS_TASK_COMPARE_MODEL) {
    qs_set_message(msg, msglen, "resources: NULL argument or unknown task");
    return QS_ERR_INVALID;
  }
  est->task = task;
  est->points = qs_sweep_grid_count(cfg->sweep);
  point_cost c;
  qs_status st = sampled_cost(cfg, est->points, &c, msg, msglen);
  if (st != QS_OK)
    return st;
  est->dim = (qs_index)c.dim;
  est->rate = c.rate;
  est->steady_method = c.steady_method;
  double points = (double)est->points;
  switch (task) {
  case QS_TASK_RUN:
    estimate_run(cfg, &c, est);
    break;
  case QS_TASK_STEADY:
    estimate_steady(cfg, &c, points, est);
    break;
  case QS_TASK_COMPARE:
    estimate_steady(cfg, &c, 1.0, est);
    estimate_run(cfg, &c, est);
    break;
  case QS_TASK_SCAN: {
    /* every line's samples plus ~30 solves refining roots and extrema */
    double per_line = (double)qs_sweep_count(&cfg->scan_along) + 30.0;
    double lines = points * (double)qs_sweep_count(&cfg->scan_restore);
    est->table_bytes += lines * per_line * 16.0 * 8.0;
    estimate_steady(cfg, &c, lines * per_line, est);
    break;
  }
  case QS_TASK_MESOLVE:
    estimate_mesolve(cfg, &c, cfg->me_t_end, (double)cfg->me_n_times, 1.0, est);
    break;
  case QS_TASK_RATES:
    estimate_mesolve(cfg, &c, cfg->rates_t_end, (double)cfg->rates_n_times, 1.0, est);
    break;
  case QS_TASK_COMPARE_MODEL:
    estimate_mesolve(cfg, &c, cfg->me_t_end, (double)cfg->me_n_times, 2.0, est);
    break;
  }
  est->total_bytes = est->state_bytes + est->stored_bytes + est->solver_bytes + est->table_bytes;
  return QS_OK;
}

/* ---- limits and messages -------------------------------------------------- */

void qs_resources_format_bytes(double bytes, char *out, size_t len)
{
  static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 6) {
    bytes /= 1024.0;
    u++;
  }
  if (u == 0)
    snprintf(out, len, "%.0f B", bytes);
  else
    snprintf(out, len, "%.1f %s", bytes, units[u]);
}

static void format_seconds(double s, char *out, size_t len)
{
  if (s < 120.0)
    snprintf(out, len, "%.0f s", s);
  else if (s < 7200.0)
    snprintf(out, len, "%.0f min", s / 60.0);
  else if (s < 2.0 * 86400.0)
    snprintf(out, len, "%.1f h", s / 3600.0);
  else if (s < 1000.0 * 86400.0 * 365.0)
    snprintf(out, len, "%.3g days", s / 86400.0);
  else
    snprintf(out, len, "%.3g years", s / (86400.0 * 365.0));
}

/* "[model] ncav = 2000 and nqubits = 5 give dimension 64000" (the size
 * keys: the model's parameters with unit "1"). */
static size_t describe_dimension(const qs_runconfig *cfg, const qs_resource_estimate *e,
                                 char *out, size_t len)
{
  const qs_model_type *t = cfg->model_type;
  size_t n = (size_t)snprintf(out, len, "[model]");
  int keys = 0;
  for (int i = 0; i < t->n_params && n < len; i++) {
    if (strcmp(t->params[i].unit, "1") != 0 || t->params[i].choices)
      continue;
    char v[32];
    qs_runfile_format_number(cfg->model_values[i], v, sizeof v);
    n += (size_t)snprintf(out + n, len - n, "%s %s = %s", keys ? " and" : "", t->params[i].key, v);
    keys++;
  }
  if (n < len)
    n += (size_t)snprintf(out + n, len - n, "%s%s give%s dimension %lld",
                          keys ? "" : " name = ", keys ? "" : t->name, keys == 1 ? "s" : "",
                          (long long)e->dim);
  if (n < len && (cfg->sweep[0].key[0] || cfg->sweep[1].key[0]))
    n += (size_t)snprintf(out + n, len - n, " (largest over the [sweep])");
  return n < len ? n : len - 1;
}

/* Which run-file keys make the dominant part of the memory large. */
static void memory_drivers(const qs_runconfig *cfg, const qs_resource_estimate *e, char *out,
                           size_t len)
{
  double parts[4] = {e->state_bytes, e->stored_bytes, e->solver_bytes, e->table_bytes};
  int top = 0;
  for (int i = 1; i < 4; i++)
    if (parts[i] > parts[top])
      top = i;
  char nt[32];
  switch (top) {
  case 0:
    snprintf(out, len, "%s with [run] threads = %ld",
             e->task == QS_TASK_RUN || e->task == QS_TASK_COMPARE ? "the trajectories' states"
                                                                  : "the master equation's states",
             cfg->threads);
    break;
  case 1:
    if (e->task == QS_TASK_RUN || e->task == QS_TASK_COMPARE) {
      char size[32];
      qs_runfile_format_number((double)cfg->n_times, nt, sizeof nt);
      qs_resources_format_bytes(e->stored_bytes, size, sizeof size);
      snprintf(out, len, "the stored rho(t) and sums, ~%s ([run] store_rho = %s, n_times = %s, "
               "rho_stderr = %s; store_rho = false or a smaller [run] max_rho_dim drops rho)",
               size, cfg->store_rho ? "true" : "false", nt, cfg->rho_stderr ? "true" : "false");
    } else {
      snprintf(out, len, "the density matrices of %ld point%s ([sweep] points)", e->points,
               e->points == 1 ? "" : "s");
    }
    break;
  case 2:
    snprintf(out, len, "[steady] method = %s%s%s", qs_steady_method_name(cfg->steady_method),
             cfg->steady_method == QS_STEADY_AUTO ? " (resolving to " : "",
             cfg->steady_method == QS_STEADY_AUTO ? qs_steady_method_name(e->steady_method)
                                                  : "");
    if (cfg->steady_method == QS_STEADY_AUTO && strlen(out) + 2 < len)
      strcat(out, ")");
    break;
  default:
    snprintf(out, len, "the output tables ([sweep] points: %ld, n_times)", e->points);
  }
}

/* Which keys make the work large: the integration time and count. */
static void work_drivers(const qs_runconfig *cfg, const qs_resource_estimate *e, char *out,
                         size_t len)
{
  char t[32], n[32];
  switch (e->task) {
  case QS_TASK_RUN:
  case QS_TASK_COMPARE:
    qs_runfile_format_number(cfg->t_end, t, sizeof t);
    qs_runfile_format_number((double)cfg->ntraj, n, sizeof n);
    snprintf(out, len, "[run] t_end = %s, ntraj = %s", t, n);
    break;
  case QS_TASK_MESOLVE:
  case QS_TASK_COMPARE_MODEL:
    qs_runfile_format_number(cfg->me_t_end, t, sizeof t);
    snprintf(out, len, "[mesolve] t_end = %s", t);
    break;
  case QS_TASK_RATES:
    qs_runfile_format_number(cfg->rates_t_end, t, sizeof t);
    snprintf(out, len, "[rates] t_end = %s", t);
    break;
  default:
    snprintf(out, len, "[steady] method = %s", qs_steady_method_name(e->steady_method));
  }
  size_t used = strlen(out);
  if (e->points > 1 && used < len)
    snprintf(out + used, len - used, " over %ld [sweep] points", e->points);
  used = strlen(out);
  if (e->steps > 0.0 && used < len)
    snprintf(out + used, len - used, " (~%.2g CVODE steps per integration at the model's "
             "fastest rate %.3g)", e->steps, e->rate);
}

qs_status qs_resources_check(const qs_runconfig *cfg, const qs_resource_estimate *est,
                             const qs_resource_limits *lim, char *msg, size_t msglen)
{
  if (!cfg || !est || !lim) {
    qs_set_message(msg, msglen, "resources: NULL argument");
    return QS_ERR_INVALID;
  }
  double max_bytes = lim->max_bytes > 0.0 ? lim->max_bytes : qs_resources_default_memory_limit();
  char dim[256], drivers[256], need[32], have[32];
  if (est->total_bytes > max_bytes) {
    describe_dimension(cfg, est, dim, sizeof dim);
    memory_drivers(cfg, est, drivers, sizeof drivers);
    qs_resources_format_bytes(est->total_bytes, need, sizeof need);
    qs_resources_format_bytes(max_bytes, have, sizeof have);
    qs_set_message(msg, msglen,
                   "%s; %s needs ~%s of memory (mostly %s), above the limit of %s (%s)",
                   dim, task_names[est->task], need, drivers, have,
                   lim->max_bytes > 0.0 ? "--max-memory"
                                       : "80% of the available memory; set it with --max-memory SIZE");
    return QS_ERR_TOO_LARGE;
  }
  if (lim->max_seconds > 0.0 && est->seconds > lim->max_seconds) {
    describe_dimension(cfg, est, dim, sizeof dim);
    work_drivers(cfg, est, drivers, sizeof drivers);
    format_seconds(est->seconds, need, sizeof need);
    have[0] = '\0';
    if (lim->max_seconds >= 120.0) {
      char text[24];
      format_seconds(lim->max_seconds, text, sizeof text);
      snprintf(have, sizeof have, " (%s)", text);
    }
    qs_set_message(msg, msglen,
                   "%s would take ~%s by a coarse estimate, above [run] max_wall = %g s"
                   "%s; driven by %s and %s; raise [run] max_wall (--set run.max_wall=SECONDS) "
                   "if that is intended",
                   task_names[est->task], need, lim->max_seconds, have, drivers, dim);
    return QS_ERR_TOO_LARGE;
  }
  return QS_OK;
}

qs_status qs_resources_parse_size(const char *text, double *bytes)
{
  if (!text || !bytes)
    return QS_ERR_INVALID;
  char *end;
  double v = strtod(text, &end);
  if (end == text || !isfinite(v) || !(v > 0.0))
    return QS_ERR_INVALID;
  static const char units[] = "KMGTP";
  double scale = 1.0;
  if (*end) {
    const char *u = strchr(units, *end >= 'a' && *end <= 'z' ? *end - 'a' + 'A' : *end);
    if (u && *end != '\0') {
      scale = pow(1024.0, (double)(u - units + 1));
      end++;
      if (*end == 'i')
        end++;
    }
    if (*end == 'B')
      end++;
  }
  if (*end != '\0' || !isfinite(v * scale))
    return QS_ERR_INVALID;
  *bytes = v * scale;
  return QS_OK;
}
