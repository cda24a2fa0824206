/* The steady and mesolve commands, and run over a [sweep]: every parameter
 * point of the sweep (one point without a sweep) gives one row of
 * summary.tsv whose first columns are the swept values; the photon
 * distributions of qubit 1 go to photon.tsv, mesolve's time series to
 * timeseries.tsv. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

long cli_sweep_points(const qs_runconfig *cfg)
{
  return qs_sweep_count(&cfg->sweep[0]) * qs_sweep_count(&cfg->sweep[1]);
}

void cli_sweep_point_values(const qs_runconfig *cfg, long p, double *values,
                            double sweep_x[2])
{
  long n0 = qs_sweep_count(&cfg->sweep[0]);
  double tmp[QS_MODEL_MAX_PARAMS];
  int n = cfg->model_type->n_params;
  sweep_x[0] = sweep_x[1] = NAN;
  memcpy(tmp, cfg->model_values, sizeof tmp);
  if (qs_sweep_active(&cfg->sweep[1])) {
    sweep_x[1] = qs_sweep_value(&cfg->sweep[1], p / n0);
    qs_sweep_apply(&cfg->sweep[1], cfg->model_values, n, sweep_x[1], tmp);
  }
  memcpy(values, tmp, sizeof tmp);
  if (qs_sweep_active(&cfg->sweep[0])) {
    sweep_x[0] = qs_sweep_value(&cfg->sweep[0], p % n0);
    qs_sweep_apply(&cfg->sweep[0], tmp, n, sweep_x[0], values);
  }
}

void cli_truncation_note(cli_truncation *t, const cli_context *ctx, const qs_model *model,
                         double p_top, const char *where)
{
  if (model->cavity_top_obs < 0)
    return;
  t->points++;
  t->over += p_top > ctx->cfg.truncation_tol;
  if (!(p_top > t->worst))
    return;
  t->worst = p_top;
  /* cavity_qubits: the cavity is subsystem 0 (ncav); transmon: the
   * resonators are subsystems 1 and 3 (levels_r). */
  int transmon = qs_model_param_index(model->type, "levels_r") >= 0;
  t->top_level = (long long)model->space.dims[transmon ? 1 : 0] - 1;
  t->levels_key = transmon ? "levels_r" : "ncav";
  snprintf(t->where, sizeof t->where, "%s", where);
}

int cli_truncation_report(const cli_context *ctx, const cli_truncation *t)
{
  if (!(t->worst > ctx->cfg.truncation_tol))
    return 0;
  char count[64] = "";
  if (t->points > 1)
    snprintf(count, sizeof count, " (over the tolerance at %ld of %ld points)", t->over,
             t->points);
  cli_error("%s: %s: the top cavity level n = %lld holds population %.3g > "
            "[checks] truncation_tol = %.3g%s%s%s; increase [model] %s",
            ctx->strict ? "error" : "warning", ctx->cfg.path, t->top_level, t->worst,
            ctx->cfg.truncation_tol, t->where[0] ? " " : "", t->where, count,
            t->levels_key ? t->levels_key : "ncav");
  return ctx->strict;
}

/* ---- tables ------------------------------------------------------------- */

#define MAX_COLS 512
#define COL_NAME 48

typedef struct {
  int n_cols;
  char names[MAX_COLS][COL_NAME];
  const char *name_ptr[MAX_COLS];
  long n_rows;
  double *data;      /* n_rows * n_cols, allocated by table_alloc */
} table;

static void table_col(table *t, const char *fmt, ...)
{
  if (t->n_cols == MAX_COLS)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(t->names[t->n_cols], COL_NAME, fmt, ap);
  va_end(ap);
  t->name_ptr[t->n_cols] = t->names[t->n_cols];
  t->n_cols++;
}

static int table_alloc(table *t, long n_rows)
{
  t->n_rows = n_rows;
  t->data = calloc((size_t)(n_rows * t->n_cols), sizeof *t->data);
  if (!t->data && n_rows * t->n_cols > 0) {
    cli_error("out of memory for a %ld x %d table", n_rows, t->n_cols);
    return EXIT_RUNTIME;
  }
  return EXIT_OK;
}

static double *table_row(const table *t, long r)
{
  return t->data + r * t->n_cols;
}

static qs_table table_view(const table *t, const char *name)
{
  return (qs_table){name, t->n_cols, t->name_ptr, t->n_rows, t->data};
}

/* The sweep's own columns, then each observable (re, im [, se]), then the
 * model's derived quantities. */
static void sweep_columns(table *t, const qs_runconfig *cfg)
{
  for (int a = 0; a < 2; a++)
    if (qs_sweep_active(&cfg->sweep[a]))
      table_col(t, "%s", cfg->sweep[a].key);
}

static void value_columns(table *t, const qs_model *model, int with_se)
{
  for (int k = 0; k < model->n_obs; k++) {
    table_col(t, "%s.re", model->obs_names[k]);
    table_col(t, "%s.im", model->obs_names[k]);
    if (with_se) {
      table_col(t, "%s.re_se", model->obs_names[k]);
      table_col(t, "%s.im_se", model->obs_names[k]);
    }
  }
  for (int k = 0; k < model->n_derived; k++)
    table_col(t, "%s", model->derived_names[k]);
}

/* Writes the sweep values, returns the next free slot of the row. */
static double *put_sweep(double *row, const qs_runconfig *cfg, const double sweep_x[2])
{
  for (int a = 0; a < 2; a++)
    if (qs_sweep_active(&cfg->sweep[a]))
      *row++ = sweep_x[a];
  return row;
}

static double *put_values(double *row, const qs_model *model, const double complex *obs,
                          const double complex *se)
{
  for (int k = 0; k < model->n_obs; k++) {
    *row++ = creal(obs[k]);
    *row++ = cimag(obs[k]);
    if (se) {
      *row++ = creal(se[k]);
      *row++ = cimag(se[k]);
    }
  }
  if (model->n_derived > 0)
    model->derived(model, obs, row);
  return row + model->n_derived;
}

/* photon.tsv: P_up(n), P_down(n) of qubit 1 (models with a cavity and a
 * qubit, when ncav is not swept). */
static int has_photon_table(const qs_runconfig *cfg, const qs_model *model)
{
  for (int a = 0; a < 2; a++)
    if (qs_sweep_active(&cfg->sweep[a]) && strcmp(cfg->sweep[a].key, "ncav") == 0)
      return 0;
  return strcmp(model->type->name, "cavity_qubits") == 0 && model->cavity_top_obs >= 0 &&
         model->space.n_sub >= 2 &&
         !(qs_model_param(model, "displace") > 0.0); /* displaced Fock states are not photon numbers */
}

static void photon_columns(table *t, const qs_runconfig *cfg)
{
  sweep_columns(t, cfg);
  table_col(t, "n");
  table_col(t, "P_up");
  table_col(t, "P_down");
}

static void put_photon_rows(const table *t, long first_row, const qs_runconfig *cfg,
                            const double sweep_x[2], const qs_model *model,
                            const double complex *rho)
{
  qs_index ncav = model->space.dims[0];
  double *up = malloc((size_t)ncav * sizeof *up), *down = malloc((size_t)ncav * sizeof *down);
  if (up && down && qs_cavity_photon_distribution(model, rho, up, down) == QS_OK)
    for (qs_index n = 0; n < ncav; n++) {
      double *row = put_sweep(table_row(t, first_row + n), cfg, sweep_x);
      row[0] = (double)n;
      row[1] = up[n];
      row[2] = down[n];
    }
  free(up);
  free(down);
}

static void describe_point(const qs_runconfig *cfg, const double sweep_x[2], char *buf,
                           size_t len)
{
  buf[0] = '\0';
  size_t used = 0;
  for (int a = 0; a < 2; a++)
    if (qs_sweep_active(&cfg->sweep[a]))
      used += (size_t)snprintf(buf + used, len - used, "%s%s = %g", used ? ", " : "at ",
                               cfg->sweep[a].key, sweep_x[a]);
}

static int write_tables(const cli_context *ctx, const char *command, const qs_model *model,
                        const qs_table *tables, int n_tables, const qs_output *single)
{
  qs_output out = single ? *single : (qs_output){0};
  out.command = command;
  out.cfg = &ctx->cfg;
  out.model = model;
  out.n_tables = n_tables;
  out.tables = tables;
  char msg[1024];
  if (qs_output_write(ctx->out_dir, &out, msg, sizeof msg) != QS_OK) {
    cli_error("%s", msg);
    return EXIT_RUNTIME;
  }
  if (!ctx->quiet) {
    printf("results: %s/run.h5", ctx->out_dir);
    for (int i = 0; i < n_tables; i++)
      printf(", %s/%s.tsv", ctx->out_dir, tables[i].name);
    printf("\n");
  }
  return EXIT_OK;
}

/* ---- steady --------------------------------------------------------------- */

typedef struct {
  qs_model *model;         /* of the last point */
  double complex *rho;     /* its steady state (warm start of the next point) */
  double complex *obs;
  qs_index dim;
  qs_steady_info info;
  double sync[CLI_SYNC_N];
} steady_state_work;

static int steady_solve(const cli_context *ctx, const double *values, steady_state_work *w)
{
  qs_model_destroy(&w->model);
  w->model = cli_build_model(ctx, values);
  if (!w->model)
    return EXIT_BAD_INPUT;
  qs_index n = w->model->space.total;
  int warm = w->rho && n == w->dim;
  if (!warm) {
    free(w->rho);
    w->rho = malloc((size_t)(n * n) * sizeof *w->rho);
    w->dim = n;
  }
  free(w->obs);
  w->obs = malloc((size_t)w->model->n_obs * sizeof *w->obs);
  if (!w->rho || !w->obs) {
    cli_error("out of memory for the %lld x %lld density matrix", (long long)n, (long long)n);
    return EXIT_RUNTIME;
  }
  qs_steady_options opt = qs_steady_default_options();
  opt.method = ctx->cfg.steady_method;
  opt.tol = ctx->cfg.steady_tol;
  opt.max_iter = (int)ctx->cfg.steady_max_iter;
  opt.restart = (int)ctx->cfg.steady_restart;
  opt.guess = warm ? w->rho : NULL;
  char msg[512] = "";
  qs_status st = qs_steady_state_ex(w->model, &opt, w->rho, &w->info, msg, sizeof msg);
  if (st != QS_OK) {
    cli_error("%s: exact steady state (method %s) failed: %s%s%s", ctx->cfg.path,
              qs_steady_method_name(ctx->cfg.steady_method), qs_strerror(st),
              msg[0] ? ": " : "", msg);
    if (w->model->n_td > 0)
      cli_error("the lab frame is periodic, not stationary: use qsync mesolve (period "
                "averages) or frame = rwa");
    if (!warm)  /* a warm start reuses rho: keep it valid only on success */
      w->dim = 0;
    return st == QS_ERR_TOO_LARGE || st == QS_ERR_INVALID ? EXIT_BAD_INPUT : EXIT_RUNTIME;
  }
  for (int k = 0; k < w->model->n_obs; k++)
    w->obs[k] = qs_op_trace_with(w->model->obs[k], w->rho);
  if (cli_has_sync(w->model))
    return cli_sync_derived(ctx, values, w->sync);
  return EXIT_OK;
}

static void print_steady_point(const steady_state_work *w, const char *where, int verbose)
{
  const qs_model *m = w->model;
  printf("%s%ssteady state of %s (dimension %lld, method %s, %d iterations) in %.3g s, "
         "residual ||L rho||/||rho|| = %.2e\n", where, where[0] ? ": " : "", m->type->name,
         (long long)m->space.total, qs_steady_method_name(w->info.method), w->info.iterations,
         w->info.seconds, w->info.residual);
  if (!verbose)
    return;
  for (int k = 0; k < m->n_obs; k++)
    printf("  %-10s % .10f %+.10f i\n", m->obs_names[k], creal(w->obs[k]), cimag(w->obs[k]));
  double derived[8];
  if (m->n_derived > 0)
    m->derived(m, w->obs, derived);
  for (int k = 0; k < m->n_derived; k++)
    printf("  %-10s % .10f\n", m->derived_names[k], derived[k]);
  if (cli_has_sync(m))
    printf("  Omega    %.10g   (Eq. 11: S(rho_diag) - S(rho), nats)\n"
           "  Omega_blocks %.10g   (Appendix B: best block-diagonal limit cycle)\n"
           "  R        %.10g   (Omega / Omega at %s = 0)\n",
           w->sync[CLI_SYNC_OMEGA], w->sync[CLI_SYNC_OMEGA_BLOCKS], w->sync[CLI_SYNC_R],
           m->type->coupling_param ? m->type->coupling_param : "coupling");
}

static void steady_columns(table *t, const qs_runconfig *cfg, const qs_model *model)
{
  sweep_columns(t, cfg);
  table_col(t, "residual");
  value_columns(t, model, 0);
  if (cli_has_sync(model))
    for (int k = 0; k < CLI_SYNC_N; k++)
      table_col(t, "%s", cli_sync_names[k]);
}

int cli_steady(cli_context *ctx)
{
  const qs_runconfig *cfg = &ctx->cfg;
  long n_points = cli_sweep_points(cfg);
  steady_state_work w = {0};
  table summary = {0}, photon = {0};
  int rc = EXIT_OK, photons = 0;
  cli_truncation trunc = {0};
  cli_progress progress;
  cli_progress_init(&progress, ctx->quiet || n_points == 1, "sweep points");
  for (long p = 0; p < n_points && rc == EXIT_OK; p++) {
    double values[QS_MODEL_MAX_PARAMS], sweep_x[2];
    char where[128];
    cli_sweep_point_values(cfg, p, values, sweep_x);
    describe_point(cfg, sweep_x, where, sizeof where);
    rc = steady_solve(ctx, values, &w);
    if (rc != EXIT_OK)
      break;
    if (p == 0) {
      steady_columns(&summary, cfg, w.model);
      photons = has_photon_table(cfg, w.model);
      if (photons)
        photon_columns(&photon, cfg);
      rc = table_alloc(&summary, n_points);
      if (rc == EXIT_OK && photons)
        rc = table_alloc(&photon, n_points * w.model->space.dims[0]);
      if (rc != EXIT_OK)
        break;
    }
    double *row = put_sweep(table_row(&summary, p), cfg, sweep_x);
    *row++ = w.info.residual;
    row = put_values(row, w.model, w.obs, NULL);
    if (cli_has_sync(w.model))
      memcpy(row, w.sync, sizeof w.sync);
    if (photons)
      put_photon_rows(&photon, p * w.model->space.dims[0], cfg, sweep_x, w.model, w.rho);
    if (w.model->cavity_top_obs >= 0)
      cli_truncation_note(&trunc, ctx, w.model, creal(w.obs[w.model->cavity_top_obs]), where);
    if (!ctx->quiet && !progress.enabled)
      print_steady_point(&w, where, n_points == 1);
    cli_progress_update(p + 1, n_points, &progress);
  }
  cli_progress_finish(&progress);
  if (rc == EXIT_OK && cli_truncation_report(ctx, &trunc))
    rc = EXIT_RUNTIME;
  if (rc == EXIT_OK) {
    qs_table tables[2] = {table_view(&summary, "summary"), table_view(&photon, "photon")};
    qs_output single = {0};
    if (n_points == 1) /* the full state of a single point goes to run.h5 */
      single = (qs_output){.exact_obs = w.obs, .exact_rho = w.rho,
                           .exact_residual = w.info.residual,
                           .n_derived = cli_has_sync(w.model) ? CLI_SYNC_N : 0,
                           .derived_names = cli_sync_names, .derived = w.sync};
    rc = write_tables(ctx, "steady", w.model, tables, photons ? 2 : 1, &single);
  }
  free(summary.data);
  free(photon.data);
  free(w.rho);
  free(w.obs);
  qs_model_destroy(&w.model);
  return rc;
}

/* ---- mesolve ---------------------------------------------------------------- */

/* Averaging window: the last avg_periods drive periods 2 pi / omega of a
 * model with a drive frequency omega = omega0 + domega, else the last
 * avg_periods time units. */
static double drive_period(const qs_model *model)
{
  double omega = qs_model_param(model, "omega0") + qs_model_param(model, "domega");
  return isfinite(omega) && omega > 0.0 ? 2.0 * acos(-1.0) / omega : 1.0;
}

typedef struct {
  double sweep_x[2];
  double values[QS_MODEL_MAX_PARAMS];
  qs_model *model;
  double complex *obs_t;     /* n_times * n_obs */
  double complex *obs_avg;   /* n_obs: time average, or the last time's values */
  double complex *rho;       /* averaged (or final) rho */
  qs_mesolve_stats stats;
  double seconds;
  qs_status st;
  char msg[256];
} mesolve_point;

/* The RWA steady state of the same parameters (frame = rwa): a start that
 * is already close to the lab frame's periodic state when omega0 >> lambda,
 * so that only the small non-RWA part has to relax. */
static qs_status rwa_initial_state(const double *values, const qs_runconfig *cfg,
                                   const qs_model *m, double complex **rho0, char *msg,
                                   size_t msglen)
{
  int frame = qs_model_param_index(m->type, "frame");
  if (frame < 0) {
    snprintf(msg, msglen, "[mesolve] initial = rwa_steady needs a model with a frame key");
    return QS_ERR_INVALID;
  }
  double rwa[QS_MODEL_MAX_PARAMS];
  memcpy(rwa, values, sizeof rwa);
  rwa[frame] = 0.0;
  qs_model *mr = NULL;
  qs_status st = qs_model_create(m->type, rwa, &mr, msg, msglen);
  size_t n = (size_t)m->space.total;
  *rho0 = st == QS_OK ? malloc(n * n * sizeof **rho0) : NULL;
  if (st == QS_OK && !*rho0)
    st = QS_ERR_NOMEM;
  qs_steady_options opt = qs_steady_default_options();
  opt.method = cfg->steady_method;
  opt.tol = cfg->steady_tol;
  opt.max_iter = (int)cfg->steady_max_iter;
  opt.restart = (int)cfg->steady_restart;
  if (st == QS_OK)
    st = qs_steady_state_ex(mr, &opt, *rho0, NULL, msg, msglen);
  qs_model_destroy(&mr);
  if (st != QS_OK) {
    free(*rho0);
    *rho0 = NULL;
  }
  return st;
}

static void mesolve_one(const cli_context *ctx, const double *times, mesolve_point *pt)
{
  const qs_runconfig *cfg = &ctx->cfg;
  qs_model *m = pt->model;
  size_t n = (size_t)m->space.total;
  pt->obs_t = malloc((size_t)cfg->me_n_times * (size_t)m->n_obs * sizeof *pt->obs_t);
  pt->obs_avg = malloc((size_t)m->n_obs * sizeof *pt->obs_avg);
  pt->rho = malloc(n * n * sizeof *pt->rho);
  if (!pt->obs_t || !pt->obs_avg || !pt->rho) {
    pt->st = QS_ERR_NOMEM;
    return;
  }
  qs_mesolve_options opt = qs_mesolve_default_options();
  opt.rtol = cfg->me_rtol;
  opt.atol = cfg->me_atol;
  opt.max_order = (int)cfg->me_max_order;
  qs_time_average avg = {0};
  int averaging = cfg->me_avg_periods > 0.0;
  if (averaging) {
    double window = cfg->me_avg_periods * drive_period(m);
    avg = (qs_time_average){cfg->me_t_end - window, cfg->me_t_end,
                            (int)fmin(1e6, ceil(cfg->me_avg_periods) * (double)cfg->me_avg_samples)};
  }
  double start = cli_now();
  double complex *rho0 = NULL;
  if (cfg->me_initial == 1 && (pt->st = rwa_initial_state(pt->values, cfg, m, &rho0,
                                                          pt->msg, sizeof pt->msg)) != QS_OK)
    return;
  pt->st = qs_mesolve(m, rho0, (int)cfg->me_n_times, times, averaging ? &avg : NULL, &opt,
                      pt->obs_t, averaging ? NULL : pt->rho, averaging ? pt->rho : NULL,
                      averaging ? pt->obs_avg : NULL, &pt->stats, pt->msg, sizeof pt->msg);
  pt->seconds = cli_now() - start;
  free(rho0);
  if (pt->st == QS_OK && !averaging)
    memcpy(pt->obs_avg, pt->obs_t + (cfg->me_n_times - 1) * m->n_obs,
           (size_t)m->n_obs * sizeof *pt->obs_avg);
}

static void mesolve_point_free(mesolve_point *pt)
{
  qs_model_destroy(&pt->model);
  free(pt->obs_t);
  free(pt->obs_avg);
  free(pt->rho);
}

static int mesolve_check_window(const cli_context *ctx, const qs_model *model)
{
  double window = ctx->cfg.me_avg_periods * drive_period(model);
  if (window <= ctx->cfg.me_t_end)
    return EXIT_OK;
  cli_error("%s: [mesolve] avg_periods = %g: the averaging window %g exceeds t_end = %g",
            ctx->cfg.path, ctx->cfg.me_avg_periods, window, ctx->cfg.me_t_end);
  return EXIT_BAD_INPUT;
}

/* Build every point's model first (bad parameters are input errors before
 * any work), then integrate the points in parallel. */
static int mesolve_points(const cli_context *ctx, mesolve_point *pts, long n_points,
                          const double *times)
{
  for (long p = 0; p < n_points; p++) {
    double values[QS_MODEL_MAX_PARAMS];
    cli_sweep_point_values(&ctx->cfg, p, values, pts[p].sweep_x);
    memcpy(pts[p].values, values, sizeof values);
    pts[p].model = cli_build_model(ctx, values);
    if (!pts[p].model)
      return EXIT_BAD_INPUT;
    int rc = mesolve_check_window(ctx, pts[p].model);
    if (rc != EXIT_OK)
      return rc;
  }
  cli_progress progress;
  cli_progress_init(&progress, ctx->quiet, "master equation");
  long done = 0;
#pragma omp parallel for schedule(dynamic, 1) num_threads((int)ctx->cfg.threads)
  for (long p = 0; p < n_points; p++) {
    mesolve_one(ctx, times, &pts[p]);
#pragma omp critical(mesolve_progress)
    cli_progress_update(++done, n_points, &progress);
  }
  cli_progress_finish(&progress);
  for (long p = 0; p < n_points; p++)
    if (pts[p].st != QS_OK) {
      cli_error("%s: master equation failed at point %ld: %s%s%s", ctx->cfg.path, p,
                qs_strerror(pts[p].st), pts[p].msg[0] ? ": " : "", pts[p].msg);
      return EXIT_RUNTIME;
    }
  return EXIT_OK;
}

static int mesolve_tables(const cli_context *ctx, const mesolve_point *pts, long n_points,
                          const double *times)
{
  const qs_runconfig *cfg = &ctx->cfg;
  const qs_model *m0 = pts[0].model;
  table summary = {0}, series = {0}, photon = {0};
  sweep_columns(&summary, cfg);
  value_columns(&summary, m0, 0);
  sweep_columns(&series, cfg);
  table_col(&series, "t");
  value_columns(&series, m0, 0);
  int photons = has_photon_table(cfg, m0);
  if (photons)
    photon_columns(&photon, cfg);
  int rc = table_alloc(&summary, n_points);
  if (rc == EXIT_OK)
    rc = table_alloc(&series, n_points * cfg->me_n_times);
  if (rc == EXIT_OK && photons)
    rc = table_alloc(&photon, n_points * m0->space.dims[0]);
  cli_truncation trunc = {0};
  for (long p = 0; p < n_points && rc == EXIT_OK; p++) {
    const mesolve_point *pt = &pts[p];
    put_values(put_sweep(table_row(&summary, p), cfg, pt->sweep_x), pt->model, pt->obs_avg,
               NULL);
    for (long t = 0; t < cfg->me_n_times; t++) {
      double *row = put_sweep(table_row(&series, p * cfg->me_n_times + t), cfg, pt->sweep_x);
      *row++ = times[t];
      put_values(row, pt->model, pt->obs_t + t * pt->model->n_obs, NULL);
    }
    if (photons)
      put_photon_rows(&photon, p * m0->space.dims[0], cfg, pt->sweep_x, pt->model, pt->rho);
    char where[128];
    describe_point(cfg, pt->sweep_x, where, sizeof where);
    if (pt->model->cavity_top_obs >= 0)
      cli_truncation_note(&trunc, ctx, pt->model, creal(pt->obs_avg[pt->model->cavity_top_obs]),
                          where);
  }
  if (rc == EXIT_OK && cli_truncation_report(ctx, &trunc))
    rc = EXIT_RUNTIME;
  if (rc == EXIT_OK) {
    qs_table tables[3] = {table_view(&summary, "summary"), table_view(&series, "timeseries"),
                          table_view(&photon, "photon")};
    rc = write_tables(ctx, "mesolve", m0, tables, photons ? 3 : 2, NULL);
  }
  free(summary.data);
  free(series.data);
  free(photon.data);
  return rc;
}

static void print_mesolve_summary(const cli_context *ctx, const mesolve_point *pts,
                                  long n_points)
{
  double seconds = 0.0, steps = 0.0;
  for (long p = 0; p < n_points; p++) {
    seconds += pts[p].seconds;
    steps += (double)pts[p].stats.steps;
  }
  const qs_model *m = pts[0].model;
  printf("master equation of %s (dimension %lld, %s) at %ld point%s: %.3g s of integration, "
         "%.0f CVODE steps per point\n", m->type->name, (long long)m->space.total,
         m->n_td ? "time-dependent H" : "time-independent H", n_points,
         n_points > 1 ? "s" : "", seconds, steps / (double)n_points);
  if (n_points > 1)
    return;
  printf("%s at t = %g:\n", ctx->cfg.me_avg_periods > 0 ? "time average over the last "
         "drive periods ending" : "values", ctx->cfg.me_t_end);
  for (int k = 0; k < m->n_obs; k++)
    printf("  %-10s % .10f %+.10f i\n", m->obs_names[k], creal(pts[0].obs_avg[k]),
           cimag(pts[0].obs_avg[k]));
  double derived[8];
  if (m->n_derived > 0)
    m->derived(m, pts[0].obs_avg, derived);
  for (int k = 0; k < m->n_derived; k++)
    printf("  %-10s % .10f\n", m->derived_names[k], derived[k]);
}

int cli_mesolve(cli_context *ctx)
{
  long n_points = cli_sweep_points(&ctx->cfg);
  mesolve_point *pts = calloc((size_t)n_points, sizeof *pts);
  double *times = cli_output_times(ctx->cfg.me_t_end, ctx->cfg.me_n_times);
  int rc = pts && times ? EXIT_OK : EXIT_RUNTIME;
  if (rc != EXIT_OK)
    cli_error("out of memory");
  if (rc == EXIT_OK)
    rc = mesolve_points(ctx, pts, n_points, times);
  if (rc == EXIT_OK && !ctx->quiet)
    print_mesolve_summary(ctx, pts, n_points);
  if (rc == EXIT_OK)
    rc = mesolve_tables(ctx, pts, n_points, times);
  for (long p = 0; pts && p < n_points; p++)
    mesolve_point_free(&pts[p]);
  free(pts);
  free(times);
  return rc;
}

/* ---- run over a sweep ------------------------------------------------------ */

static void run_columns(table *t, const qs_runconfig *cfg, const qs_model *model)
{
  sweep_columns(t, cfg);
  value_columns(t, model, 1);
}

/* One row: the steady-state estimate (time average after burn_in) of each
 * observable with its standard error; derived quantities of the means. */
static double ensemble_row(const table *t, long p, const qs_runconfig *cfg,
                           const double sweep_x[2], const qs_model *model,
                           const qs_ensemble_result *r)
{
  double complex mean[QS_STEADY_POINT_MAX_OBS], se[QS_STEADY_POINT_MAX_OBS];
  for (int k = 0; k < model->n_obs; k++) {
    mean[k] = qs_mean_of(r->avg_sum[k], r->ntraj);
    se[k] = qs_stderr_of(r->avg_sum[k], r->avg_sq_re[k], r->avg_sq_im[k], r->ntraj);
  }
  put_values(put_sweep(table_row(t, p), cfg, sweep_x), model, mean, se);
  return model->cavity_top_obs >= 0 ? creal(mean[model->cavity_top_obs]) : 0.0;
}

int cli_run_sweep(cli_context *ctx)
{
  const qs_runconfig *cfg = &ctx->cfg;
  long n_points = cli_sweep_points(cfg);
  table summary = {0};
  int rc = EXIT_OK;
  cli_truncation trunc = {0};
  qs_model *model = NULL;
  for (long p = 0; p < n_points && rc == EXIT_OK; p++) {
    double values[QS_MODEL_MAX_PARAMS], sweep_x[2];
    char where[128];
    cli_sweep_point_values(cfg, p, values, sweep_x);
    describe_point(cfg, sweep_x, where, sizeof where);
    qs_model_destroy(&model);
    model = cli_build_model(ctx, values);
    if (!model) {
      rc = EXIT_BAD_INPUT;
      break;
    }
    if (p == 0) {
      run_columns(&summary, cfg, model);
      rc = table_alloc(&summary, n_points);
    }
    qs_ensemble_result *res = NULL;
    if (!ctx->quiet)
      printf("%s: ", where);
    if (rc == EXIT_OK)
      rc = cli_run_ensemble(ctx, model, &res);
    if (rc == EXIT_OK) {
      double p_top = ensemble_row(&summary, p, cfg, sweep_x, model, res);
      cli_truncation_note(&trunc, ctx, model, p_top, where);
    }
    qs_ensemble_result_destroy(&res);
  }
  if (rc == EXIT_OK && cli_truncation_report(ctx, &trunc))
    rc = EXIT_RUNTIME;
  if (rc == EXIT_OK) {
    qs_table tables[1] = {table_view(&summary, "summary")};
    rc = write_tables(ctx, "run", model, tables, 1, NULL);
  }
  free(summary.data);
  qs_model_destroy(&model);
  return rc;
}
