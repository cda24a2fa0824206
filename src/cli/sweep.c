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
#include <strings.h>

#include "cli.h"

long cli_sweep_points(const qs_runconfig *cfg)
{
  return qs_sweep_grid_count(cfg->sweep);
}

void cli_sweep_point_values(const qs_runconfig *cfg, long p, double *values,
                            double sweep_x[2])
{
  qs_sweep_grid_point(cfg->sweep, cfg->model_values, cfg->model_type->n_params, p, values,
                      sweep_x);
}

void cli_describe_point(const qs_runconfig *cfg, const double sweep_x[2], char *buf,
                        size_t len)
{
  buf[0] = '\0';
  size_t used = 0;
  for (int a = 0; a < 2; a++)
    if (qs_sweep_active(&cfg->sweep[a]))
      used += (size_t)snprintf(buf + used, len - used, "%s%s = %g", used ? ", " : "at ",
                               cfg->sweep[a].key, sweep_x[a]);
}

int cli_truncation_report(const cli_context *ctx, const qs_truncation *t)
{
  if (!qs_truncation_exceeded(t))
    return 0;
  char where[128] = "", count[64] = "";
  if (t->worst_point >= 0) {
    double values[QS_MODEL_MAX_PARAMS], sweep_x[2];
    cli_sweep_point_values(&ctx->cfg, t->worst_point, values, sweep_x);
    cli_describe_point(&ctx->cfg, sweep_x, where, sizeof where);
  }
  if (t->points > 1)
    snprintf(count, sizeof count, " (over the tolerance at %ld of %ld points)", t->over,
             t->points);
  cli_error("%s: %s: the top cavity level n = %lld holds population %.3g > "
            "[checks] truncation_tol = %.3g%s%s%s; increase [model] %s",
            ctx->strict ? "error" : "warning", ctx->cfg.path, t->top_level, t->worst,
            t->tol, where[0] ? " " : "", where, count, t->levels_key);
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
    cli_error("out of memory for a %ld x %d table ([sweep] points, points2)", n_rows, t->n_cols);
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
  return (qs_table){name, t->n_cols, t->name_ptr, t->n_rows, t->data, NULL};
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

/* photon.tsv: P_up(n), P_down(n) of the first qubit, for models with
 * photon numbers (qs_model_photon_levels) when their truncation is not
 * swept (the table has one block of rows per point). */
static int has_photon_table(const qs_runconfig *cfg, const qs_model *model)
{
  const char *levels_key = model->type->truncation_key;
  for (int a = 0; a < 2; a++)
    if (qs_sweep_active(&cfg->sweep[a]) && levels_key &&
        strcasecmp(cfg->sweep[a].key, levels_key) == 0)
      return 0;
  return qs_model_photon_levels(model) > 0;
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
  qs_index ncav = qs_model_photon_levels(model);
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

int cli_write_tables(const cli_context *ctx, const char *command, const qs_model *model,
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

/* The steady sweep: the points run through the farm in index order on one
 * worker, because each is warm-started from the previous one (the chain);
 * the tables are laid out when the first point's model is known. */
typedef struct {
  const cli_context *ctx;
  long n_points;
  qs_steady_chain *chain;
  cli_progress *progress;
  cli_iteration_progress iteration; /* of the solve in progress */
  qs_model *model;             /* of the last point */
  const double complex *rho;   /* its steady state (the chain's) */
  double complex *obs;
  qs_steady_info info;
  double sync[QS_SYNC_N];
  table summary, photon;
  int photons;
  qs_truncation trunc;
  int rc;
} steady_sweep;

static int steady_solve(steady_sweep *w, const double *values)
{
  const cli_context *ctx = w->ctx;
  qs_model_destroy(&w->model);
  w->model = cli_build_model(ctx, values);
  if (!w->model)
    return EXIT_BAD_INPUT;
  qs_index n = w->model->space.total;
  free(w->obs);
  w->obs = malloc((size_t)w->model->n_obs * sizeof *w->obs);
  cli_iteration_progress_init(&w->iteration, ctx->quiet,
                              qs_steady_method_name(ctx->cfg.steady_method));
  char msg[512] = "";
  qs_status st = w->obs ? qs_steady_chain_solve(w->chain, w->model, &w->rho, &w->info, NULL,
                                                msg, sizeof msg)
                        : QS_ERR_NOMEM;
  cli_iteration_progress_finish(&w->iteration);
  if (st == QS_ERR_NOMEM) {
    cli_error("%s: out of memory for the %lld x %lld density matrix (the [model] size "
              "parameters set the dimension; [steady] method)", ctx->cfg.path, (long long)n,
              (long long)n);
    return EXIT_RUNTIME;
  }
  if (st != QS_OK) {
    cli_error("%s: exact steady state (method %s) failed: %s%s%s", ctx->cfg.path,
              qs_steady_method_name(ctx->cfg.steady_method), qs_strerror(st),
              msg[0] ? ": " : "", msg);
    if (w->model->n_td > 0)
      cli_error("the lab frame is periodic, not stationary: use qsync mesolve (period "
                "averages) or frame = rwa");
    return st == QS_ERR_TOO_LARGE || st == QS_ERR_INVALID ? EXIT_BAD_INPUT : EXIT_RUNTIME;
  }
  if (w->info.note[0])
    cli_error("note: %s: method auto used %s (attempt %d, %d iterations in all) after: %s",
              ctx->cfg.path, qs_steady_method_name(w->info.method), w->info.attempts,
              w->info.total_iterations, w->info.note);
  if (!w->info.converged) /* a rate series above tol: an approximation, said so */
    cli_error("warning: %s: %s", ctx->cfg.path, msg);
  for (int k = 0; k < w->model->n_obs; k++)
    w->obs[k] = qs_op_trace_with(w->model->obs[k], w->rho);
  if (qs_sync_has_measure(w->model))
    return cli_sync_derived(ctx, values, w->sync);
  return EXIT_OK;
}

static int is_rate_series(qs_steady_method method)
{
  return method == QS_STEADY_RATE_SERIES || method == QS_STEADY_RATE_SERIES_STAR;
}

static void print_steady_point(const steady_sweep *w, const char *where, int verbose)
{
  const qs_model *m = w->model;
  if (is_rate_series(w->info.method))
    printf("%s%ssteady state of %s (dimension %lld, method %s) in %.3g s: series order %d "
           "(%s), residual ||L rho||/||rho|| = %.2e\n", where, where[0] ? ": " : "",
           m->type->name, (long long)m->space.total, qs_steady_method_name(w->info.method),
           w->info.seconds, w->info.order, w->info.converged ? "converged" : "NOT converged",
           w->info.residual);
  else
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
  if (qs_sync_has_measure(m))
    printf("  Omega    %.10g   (Eq. 11: S(rho_diag) - S(rho), nats)\n"
           "  Omega_blocks %.10g   (Appendix B: best block-diagonal limit cycle)\n"
           "  R        %.10g   (Omega / Omega at %s = 0)\n",
           w->sync[QS_SYNC_OMEGA], w->sync[QS_SYNC_OMEGA_BLOCKS], w->sync[QS_SYNC_R],
           m->type->coupling_param ? m->type->coupling_param : "coupling");
}

static int steady_tables(steady_sweep *w)
{
  const qs_runconfig *cfg = &w->ctx->cfg;
  sweep_columns(&w->summary, cfg);
  table_col(&w->summary, "residual");
  if (is_rate_series(cfg->steady_method)) {
    table_col(&w->summary, "series_order");
    table_col(&w->summary, "series_converged");
  }
  value_columns(&w->summary, w->model, 0);
  if (qs_sync_has_measure(w->model))
    for (int k = 0; k < QS_SYNC_N; k++)
      table_col(&w->summary, "%s", cli_sync_names[k]);
  w->photons = has_photon_table(cfg, w->model);
  if (w->photons)
    photon_columns(&w->photon, cfg);
  int rc = table_alloc(&w->summary, w->n_points);
  if (rc == EXIT_OK && w->photons)
    rc = table_alloc(&w->photon, w->n_points * qs_model_photon_levels(w->model));
  return rc;
}

static int steady_point(steady_sweep *w, long p)
{
  const qs_runconfig *cfg = &w->ctx->cfg;
  double values[QS_MODEL_MAX_PARAMS], sweep_x[2];
  char where[128];
  cli_sweep_point_values(cfg, p, values, sweep_x);
  cli_describe_point(cfg, sweep_x, where, sizeof where);
  int rc = steady_solve(w, values);
  if (rc == EXIT_OK && p == 0)
    rc = steady_tables(w);
  if (rc != EXIT_OK)
    return rc;
  double *row = put_sweep(table_row(&w->summary, p), cfg, sweep_x);
  *row++ = w->info.residual;
  if (is_rate_series(cfg->steady_method)) {
    *row++ = w->info.order;
    *row++ = w->info.converged;
  }
  row = put_values(row, w->model, w->obs, NULL);
  if (qs_sync_has_measure(w->model))
    memcpy(row, w->sync, sizeof w->sync);
  if (w->photons)
    put_photon_rows(&w->photon, p * qs_model_photon_levels(w->model), cfg, sweep_x, w->model,
                    w->rho);
  if (w->model->cavity_top_obs >= 0)
    qs_truncation_note(&w->trunc, w->model, creal(w->obs[w->model->cavity_top_obs]), p);
  if (!w->ctx->quiet && !w->progress->enabled)
    print_steady_point(w, where, w->n_points == 1);
  return EXIT_OK;
}

static qs_status steady_task(long index, int worker, void *data)
{
  (void)worker;
  steady_sweep *w = data;
  w->rc = steady_point(w, index);
  return w->rc == EXIT_OK ? QS_OK : QS_ERR_INVALID;
}

static int steady_write(steady_sweep *w)
{
  const cli_context *ctx = w->ctx;
  qs_table tables[2] = {table_view(&w->summary, "summary"), table_view(&w->photon, "photon")};
  qs_output single = {0};
  if (w->n_points == 1) /* the full state of a single point goes to run.h5 */
    single = (qs_output){.exact_obs = w->obs, .exact_rho = w->rho,
                         .exact_residual = w->info.residual,
                         .n_derived = qs_sync_has_measure(w->model) ? QS_SYNC_N : 0,
                         .derived_names = cli_sync_names, .derived = w->sync};
  return cli_write_tables(ctx, "steady", w->model, tables, w->photons ? 2 : 1, &single);
}

int cli_steady(cli_context *ctx)
{
  const qs_runconfig *cfg = &ctx->cfg;
  steady_sweep w = {.ctx = ctx, .n_points = cli_sweep_points(cfg),
                    .trunc = qs_truncation_start(cfg->truncation_tol)};
  cli_progress progress;
  cli_progress_init(&progress, ctx->quiet || w.n_points == 1, "sweep points");
  w.progress = &progress;
  qs_steady_options opt = qs_runfile_steady_options(cfg);
  opt.progress = cli_iteration_progress_update;
  opt.progress_data = &w.iteration;
  if (qs_steady_chain_create(&opt, &w.chain) != QS_OK) {
    cli_error("%s: out of memory for the steady-state solver ([steady] method)", cfg->path);
    return EXIT_RUNTIME;
  }
  qs_farm_options farm = qs_farm_default_options(); /* one worker: the chain is ordered */
  farm.progress = cli_progress_update;
  farm.progress_data = &progress;
  qs_farm_run(w.n_points, steady_task, &w, &farm, NULL);
  cli_progress_finish(&progress);
  int rc = w.rc;
  if (rc == EXIT_OK && cli_truncation_report(ctx, &w.trunc))
    rc = EXIT_RUNTIME;
  if (rc == EXIT_OK)
    rc = steady_write(&w);
  free(w.summary.data);
  free(w.photon.data);
  free(w.obs);
  qs_steady_chain_destroy(&w.chain);
  qs_model_destroy(&w.model);
  return rc;
}

/* ---- mesolve ---------------------------------------------------------------- */

qs_mesolve_point_options cli_mesolve_options(const qs_runconfig *cfg)
{
  qs_mesolve_point_options o = qs_mesolve_point_default_options();
  o.me = qs_runfile_mesolve_options(cfg);
  o.t_end = cfg->me_t_end;
  o.n_times = (int)cfg->me_n_times;
  o.avg_periods = cfg->me_avg_periods;
  o.avg_samples = cfg->me_avg_samples;
  o.start = (qs_mesolve_start)cfg->me_initial;
  o.periodic = qs_runfile_periodic_options(cfg);
  o.steady = qs_runfile_steady_options(cfg);
  o.farm.threads = (int)cfg->threads;
  return o;
}

int cli_mesolve_integrate(const cli_context *ctx, qs_mesolve_point *pts, long n_points,
                          const double *times)
{
  qs_mesolve_point_options opt = cli_mesolve_options(&ctx->cfg);
  cli_progress progress;
  long failed = -1;
  for (long p = 0; p < n_points; p++) {
    double window;
    char msg[256];
    if (qs_mesolve_point_window(&opt, pts[p].model, &window, msg, sizeof msg) != QS_OK) {
      cli_error("%s: [mesolve] %s", ctx->cfg.path, msg);
      return EXIT_BAD_INPUT;
    }
  }
  cli_progress_init(&progress, ctx->quiet, "master equation");
  opt.farm.distribute = ctx->distribute;
  opt.farm.progress = cli_progress_update;
  opt.farm.progress_data = &progress;
  opt.me.progress = cli_wall_guard_at;
  qs_status st = qs_mesolve_points_run(&opt, times, pts, n_points, &failed);
  cli_progress_finish(&progress);
  if (st == QS_OK)
    return EXIT_OK;
  cli_error("%s: master equation failed at point %ld: %s%s%s", ctx->cfg.path, failed,
            qs_strerror(st), pts[failed].msg[0] ? ": " : "", pts[failed].msg);
  return EXIT_RUNTIME;
}

/* Build every point's model first (bad parameters are input errors before
 * any work), then integrate the points in parallel. */
static int mesolve_points(const cli_context *ctx, qs_mesolve_point *pts, long n_points,
                          const double *times)
{
  for (long p = 0; p < n_points; p++) {
    cli_sweep_point_values(&ctx->cfg, p, pts[p].values, pts[p].sweep_x);
    pts[p].model = cli_build_model(ctx, pts[p].values);
    if (!pts[p].model)
      return EXIT_BAD_INPUT;
  }
  return cli_mesolve_integrate(ctx, pts, n_points, times);
}

static int mesolve_tables(const cli_context *ctx, const qs_mesolve_point *pts, long n_points,
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
    rc = table_alloc(&photon, n_points * qs_model_photon_levels(m0));
  qs_truncation trunc = qs_truncation_start(cfg->truncation_tol);
  for (long p = 0; p < n_points && rc == EXIT_OK; p++) {
    const qs_mesolve_point *pt = &pts[p];
    put_values(put_sweep(table_row(&summary, p), cfg, pt->sweep_x), pt->model, pt->obs_avg,
               NULL);
    for (long t = 0; t < cfg->me_n_times; t++) {
      double *row = put_sweep(table_row(&series, p * cfg->me_n_times + t), cfg, pt->sweep_x);
      *row++ = times[t];
      put_values(row, pt->model, pt->obs_t + t * pt->model->n_obs, NULL);
    }
    if (photons)
      put_photon_rows(&photon, p * qs_model_photon_levels(m0), cfg, pt->sweep_x, pt->model,
                      pt->rho);
    if (pt->model->cavity_top_obs >= 0)
      qs_truncation_note(&trunc, pt->model, creal(pt->obs_avg[pt->model->cavity_top_obs]), p);
  }
  if (rc == EXIT_OK && cli_truncation_report(ctx, &trunc))
    rc = EXIT_RUNTIME;
  if (rc == EXIT_OK) {
    qs_table tables[3] = {table_view(&summary, "summary"), table_view(&series, "timeseries"),
                          table_view(&photon, "photon")};
    rc = cli_write_tables(ctx, "mesolve", m0, tables, photons ? 3 : 2, NULL);
  }
  free(summary.data);
  free(series.data);
  free(photon.data);
  return rc;
}

static void print_mesolve_summary(const cli_context *ctx, const qs_mesolve_point *pts,
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
  qs_mesolve_point *pts = calloc((size_t)n_points, sizeof *pts);
  double *times = cli_output_times(ctx->cfg.me_t_end, ctx->cfg.me_n_times);
  int rc = pts && times ? EXIT_OK : EXIT_RUNTIME;
  if (rc != EXIT_OK)
    cli_error("%s: out of memory for %ld sweep points and %ld output times ([sweep] points, "
              "[mesolve] n_times)", ctx->cfg.path, n_points, ctx->cfg.me_n_times);
  if (rc == EXIT_OK)
    rc = mesolve_points(ctx, pts, n_points, times);
  if (rc == EXIT_OK && !ctx->quiet)
    print_mesolve_summary(ctx, pts, n_points);
  if (rc == EXIT_OK && ctx->rank == 0) /* distributed: rank 0 holds every point */
    rc = mesolve_tables(ctx, pts, n_points, times);
  for (long p = 0; pts && p < n_points; p++)
    qs_mesolve_point_release(&pts[p]);
  free(pts);
  free(times);
  return rc;
}

/* ---- run over a sweep ------------------------------------------------------ */

/* Each point is a whole trajectory ensemble, itself parallel over [run]
 * threads and, under MPI, over the ranks (its blocks, as a single run's):
 * the points go through the farm on one worker, in order. */
typedef struct {
  const cli_context *ctx;
  table summary;
  table derived;     /* the derived quantities' jackknife errors (derived.tsv) */
  qs_truncation trunc;
  qs_model *model;   /* of the last point */
  int rc;
} run_sweep;

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

/* derived.tsv of a run sweep: the swept values, then NAME, NAME_se and
 * NAME_jackknife of each derived quantity and, for a model with a
 * synchronization measure and store_rho, of Omega (from the point's
 * trajectory rho, as a single run's derived.tsv; summary.tsv keeps its
 * columns). */
static int sweep_has_omega(const qs_runconfig *cfg, const qs_model *model)
{
  return qs_sync_has_measure(model) && cfg->store_rho;
}

static void derived_columns(table *t, const qs_runconfig *cfg, const qs_model *model)
{
  sweep_columns(t, cfg);
  for (int k = 0; k <= model->n_derived; k++) {
    if (k == model->n_derived && !sweep_has_omega(cfg, model))
      break;
    const char *name = k < model->n_derived ? model->derived_names[k] : "Omega";
    table_col(t, "%s", name);
    table_col(t, "%s_se", name);
    table_col(t, "%s_jackknife", name);
  }
}

static void derived_row(const table *t, long p, const cli_context *ctx,
                        const double sweep_x[2], const qs_model *model,
                        const qs_ensemble_result *r)
{
  /* Omega's row: NaN where rho was not stored (max_rho_dim) */
  cli_derived_row omega = {"Omega", NAN, NAN, NAN, NAN};
  cli_derived set;
  double *row = put_sweep(table_row(t, p), &ctx->cfg, sweep_x);
  int has_omega = sweep_has_omega(&ctx->cfg, model);
  cli_derived_errors(ctx, model, r, NULL, NULL, has_omega && r->rho_avg_group ? NULL : &omega,
                     &set);
  for (int k = 0; k < set.n; k++)
    if (strcmp(set.rows[k].name, "Omega") == 0)
      omega = set.rows[k];
  for (int k = 0; k < model->n_derived && k < set.n; k++) {
    *row++ = set.rows[k].plain;
    *row++ = set.rows[k].se;
    *row++ = set.rows[k].corrected;
  }
  if (has_omega) {
    *row++ = omega.plain;
    *row++ = omega.se;
    *row = omega.corrected;
  }
}

static int run_point(run_sweep *w, long p, long n_points)
{
  const cli_context *ctx = w->ctx;
  const qs_runconfig *cfg = &ctx->cfg;
  double values[QS_MODEL_MAX_PARAMS], sweep_x[2];
  char where[128];
  cli_sweep_point_values(cfg, p, values, sweep_x);
  cli_describe_point(cfg, sweep_x, where, sizeof where);
  qs_model_destroy(&w->model);
  w->model = cli_build_model(ctx, values);
  if (!w->model)
    return EXIT_BAD_INPUT;
  int rc = EXIT_OK;
  if (p == 0) {
    sweep_columns(&w->summary, cfg);
    value_columns(&w->summary, w->model, 1);
    rc = table_alloc(&w->summary, n_points);
    if (rc == EXIT_OK && (w->model->n_derived > 0 || sweep_has_omega(cfg, w->model))) {
      derived_columns(&w->derived, cfg, w->model);
      rc = table_alloc(&w->derived, n_points);
    }
  }
  qs_ensemble_result *res = NULL;
  if (!ctx->quiet)
    printf("%s: ", where);
  if (rc == EXIT_OK)
    rc = cli_run_ensemble(ctx, w->model, &res);
  if (rc == EXIT_OK && ctx->rank == 0) { /* the other ranks hold a share of the sums */
    double p_top = ensemble_row(&w->summary, p, cfg, sweep_x, w->model, res);
    if (w->derived.data)
      derived_row(&w->derived, p, ctx, sweep_x, w->model, res);
    qs_truncation_note(&w->trunc, w->model, p_top, p);
  }
  qs_ensemble_result_destroy(&res);
  return rc;
}

typedef struct {
  run_sweep *w;
  long n_points;
} run_job;

static qs_status run_task(long index, int worker, void *data)
{
  (void)worker;
  const run_job *job = data;
  job->w->rc = run_point(job->w, index, job->n_points);
  return job->w->rc == EXIT_OK ? QS_OK : QS_ERR_INVALID;
}

int cli_run_sweep(cli_context *ctx)
{
  const qs_runconfig *cfg = &ctx->cfg;
  run_sweep w = {.ctx = ctx, .trunc = qs_truncation_start(cfg->truncation_tol)};
  run_job job = {&w, cli_sweep_points(cfg)};
  qs_farm_options farm = qs_farm_default_options(); /* one worker; ensembles are parallel */
  qs_farm_run(job.n_points, run_task, &job, &farm, NULL);
  int rc = w.rc;
  /* rank 0 holds the sums, writes and reports */
  if (rc == EXIT_OK && ctx->rank == 0 && cli_truncation_report(ctx, &w.trunc))
    rc = EXIT_RUNTIME;
  if (rc == EXIT_OK && ctx->rank == 0) {
    qs_table tables[2] = {table_view(&w.summary, "summary"), table_view(&w.derived, "derived")};
    rc = cli_write_tables(ctx, "run", w.model, tables, w.derived.data ? 2 : 1, NULL);
  }
  free(w.summary.data);
  free(w.derived.data);
  qs_model_destroy(&w.model);
  return rc;
}
