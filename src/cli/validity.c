/* The validity command: at every point of the [sweep], the exact RWA steady
 * state against the semiclassical minimum, the rate series (R)* and the
 * period-averaged lab-frame state (validity.h); one row per point in
 * validity.tsv (with a units line), the exact values in summary.tsv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_COLS 96
/* Points printed on stdout (a map is read from validity.tsv). */
#define MAX_PRINTED_POINTS 10

typedef struct {
  int n;
  const char *names[MAX_COLS];
  const char *units[MAX_COLS];
  char owned[MAX_COLS][48];   /* names built at run time (sweep keys) */
} columns;

static void col(columns *c, const char *name, const char *unit)
{
  if (c->n < MAX_COLS) {
    c->names[c->n] = name;
    c->units[c->n++] = unit;
  }
}

static void sweep_cols(columns *c, const qs_runconfig *cfg, const char *unit)
{
  for (int a = 0; a < 2; a++)
    if (qs_sweep_active(&cfg->sweep[a])) {
      snprintf(c->owned[c->n], sizeof c->owned[0], "%s", cfg->sweep[a].key);
      col(c, c->owned[c->n], unit);
    }
}

/* The columns of one comparison: prefix.D, its observables and differences. */
#define DIFF_COLS(P)                                                                  \
  col(c, P ".D", "1");                                                               \
  col(c, P ".a.re", "1");                                                            \
  col(c, P ".a.im", "1");                                                            \
  col(c, P ".n", "1");                                                               \
  col(c, P ".Sx", "1");                                                              \
  col(c, P ".Sz", "1");                                                              \
  col(c, P ".d_a", "1");                                                             \
  col(c, P ".d_n", "1");                                                             \
  col(c, P ".d_Sx", "1");                                                            \
  col(c, P ".d_Sz", "1")

static void validity_cols(columns *c, const qs_runconfig *cfg, const char *unit)
{
  sweep_cols(c, cfg, unit);
  col(c, "residual", "1");
  col(c, "P_top", "1");
  col(c, "a.re", "1");
  col(c, "a.im", "1");
  col(c, "n", "1");
  col(c, "Sx", "1");
  col(c, "Sz", "1");
  col(c, "gamma", unit);
  col(c, "gap", unit);
  col(c, "gap_over_gamma", "1");
  col(c, "sc.minima", "1");
  col(c, "sc.eps", unit);
  col(c, "sc.eps_over_gamma", "1");
  col(c, "sc.eps_over_gap", "1");
  DIFF_COLS("sc");
  col(c, "rs.converged", "1");
  col(c, "rs.order", "1");
  col(c, "rs.residual", "1");
  DIFF_COLS("rs");
  DIFF_COLS("lab");
  col(c, "seconds", "s");
}

static double *put_diff(double *row, const qs_validity_diff *d)
{
  const double v[] = {d->trace_distance, creal(d->value.a), cimag(d->value.a), d->value.n,
                      d->value.sx, d->value.sz, d->d_a, d->d_n, d->d_sx, d->d_sz};
  memcpy(row, v, sizeof v);
  return row + sizeof v / sizeof v[0];
}

static void validity_row(double *row, const qs_runconfig *cfg, const double sweep_x[2],
                         const qs_validity_point *p)
{
  for (int a = 0; a < 2; a++)
    if (qs_sweep_active(&cfg->sweep[a]))
      *row++ = sweep_x[a];
  const int sc = p->semiclassical.done, rs = p->series.done;
  const double v[] = {p->exact_residual, p->p_top, creal(p->exact.a), cimag(p->exact.a),
                      p->exact.n, p->exact.sx, p->exact.sz, p->gamma, p->gap,
                      p->gap / p->gamma, sc ? p->n_minima : NAN, p->eps, p->eps_over_gamma,
                      p->eps_over_gap};
  memcpy(row, v, sizeof v);
  row = put_diff(row + sizeof v / sizeof v[0], &p->semiclassical);
  *row++ = rs ? p->series_converged : NAN;
  *row++ = rs ? p->series_order : NAN;
  *row++ = p->series_residual;
  row = put_diff(row, &p->series);
  row = put_diff(row, &p->lab);
  *row = p->seconds;
}

/* Options from the run file: [steady] (the exact solver; tol and
 * series_max_order for (R)*), [semiclassical] (starts, tol, seed), [gap],
 * [mesolve] (lab), [run] threads, [validity] flags. */
static qs_validity_options validity_options(const qs_runconfig *cfg)
{
  qs_validity_options o = qs_validity_default_options();
  o.steady = qs_runfile_steady_options(cfg);
  o.lab = cli_mesolve_options(cfg);
  o.semiclassical = qs_runfile_semiclassical_options(cfg);
  o.gap = qs_runfile_gap_options(cfg);
  o.series.tol = cfg->steady_tol;
  o.series.max_order = (int)cfg->steady_series_max_order;
  o.farm.threads = (int)cfg->threads;
  o.compare = (cfg->validity_semiclassical ? QS_VALIDITY_SEMICLASSICAL : 0u) |
              (cfg->validity_series ? QS_VALIDITY_SERIES : 0u) |
              (cfg->validity_lab ? QS_VALIDITY_LAB : 0u) |
              (cfg->validity_gap ? QS_VALIDITY_GAP : 0u);
  return o;
}

/* Every point's values, and a check that each model builds and that the
 * lab frame's averaging window fits (input errors before any work). */
static int prepare_points(const cli_context *ctx, const qs_validity_options *opt,
                          double *values, double (*sweep_x)[2], long n_points)
{
  for (long p = 0; p < n_points; p++) {
    double *v = values + p * QS_MODEL_MAX_PARAMS;
    cli_sweep_point_values(&ctx->cfg, p, v, sweep_x[p]);
    qs_model *m = cli_build_model(ctx, v);
    if (!m)
      return EXIT_BAD_INPUT;
    double window;
    char msg[256];
    int bad = (opt->compare & QS_VALIDITY_LAB) &&
              qs_mesolve_point_window(&opt->lab, m, &window, msg, sizeof msg) != QS_OK;
    qs_model_destroy(&m);
    if (bad) {
      cli_error("%s: [mesolve] %s (the lab-frame comparison of [validity] lab)",
                ctx->cfg.path, msg);
      return EXIT_BAD_INPUT;
    }
  }
  return EXIT_OK;
}

static void print_diff(const char *name, const qs_validity_diff *d)
{
  if (!d->done) {
    printf("  %-14s not compared: %s\n", name, d->note);
    return;
  }
  printf("  %-14s D = %.4g  d<a> = %.4g  d<n> = %+.4g  dSx = %+.4g  dSz = %+.4g\n", name,
         d->trace_distance, d->d_a, d->d_n, d->d_sx, d->d_sz);
}

static void print_point(const qs_validity_point *p, const char *where)
{
  printf("%s%sexact RWA steady state: <a> = %.6g%+.6gi, <n> = %.6g, Sx = %.6g, Sz = %.6g "
         "(residual %.2e)\n", where, where[0] ? ": " : "", creal(p->exact.a),
         cimag(p->exact.a), p->exact.n, p->exact.sx, p->exact.sz, p->exact_residual);
  if (isnan(p->gap))
    printf("  gap            not computed: %s\n", p->gap_note);
  else
    printf("  gap            |Re mu_1| = %.6g\n", p->gap);
  print_diff("semiclassical", &p->semiclassical);
  if (p->semiclassical.done)
    printf("  %-14s %d minim%s, eps = %.4g, eps/gamma = %.4g, eps/gap = %.4g\n", "", p->n_minima,
           p->n_minima == 1 ? "um" : "a", p->eps, p->eps_over_gamma, p->eps_over_gap);
  print_diff("series (R)*", &p->series);
  if (p->series.done)
    printf("  %-14s %s at order %d, residual %.3g\n", "",
           p->series_converged ? "converged" : "not converged", p->series_order,
           p->series_residual);
  print_diff("lab frame", &p->lab);
}

static int write_validity(const cli_context *ctx, const qs_model *model,
                          const qs_validity_point *pts, double (*sweep_x)[2], long n_points)
{
  const qs_runconfig *cfg = &ctx->cfg;
  int g = qs_model_param_index(model->type, "gamma");
  const char *unit = g >= 0 ? model->type->params[g].unit : "1";
  columns c = {0}, s = {0};
  validity_cols(&c, cfg, unit);
  sweep_cols(&s, cfg, unit);
  col(&s, "residual", "1");
  col(&s, "a.re", "1");
  col(&s, "a.im", "1");
  col(&s, "n", "1");
  col(&s, "Sx", "1");
  col(&s, "Sz", "1");
  double *data = calloc((size_t)(n_points * c.n), sizeof *data);
  double *sdata = calloc((size_t)(n_points * s.n), sizeof *sdata);
  int rc = data && sdata ? EXIT_OK : EXIT_RUNTIME;
  for (long p = 0; rc == EXIT_OK && p < n_points; p++) {
    double *row = data + p * c.n;
    validity_row(row, cfg, sweep_x[p], &pts[p]);
    double *srow = sdata + p * s.n;
    int k = s.n - 5; /* the sweep columns and the residual, as in row */
    memcpy(srow, row, (size_t)k * sizeof *srow);
    const double v[] = {creal(pts[p].exact.a), cimag(pts[p].exact.a), pts[p].exact.n,
                        pts[p].exact.sx, pts[p].exact.sz};
    memcpy(srow + k, v, sizeof v);
  }
  if (rc != EXIT_OK) {
    cli_error("out of memory for the %ld-row validity table", n_points);
  } else {
    qs_table tables[2] = {{"validity", c.n, c.names, n_points, data, c.units},
                          {"summary", s.n, s.names, n_points, sdata, s.units}};
    rc = cli_write_tables(ctx, "validity", model, tables, 2, NULL);
  }
  free(data);
  free(sdata);
  return rc;
}

int cli_validity(cli_context *ctx)
{
  const qs_runconfig *cfg = &ctx->cfg;
  long n_points = cli_sweep_points(cfg);
  qs_validity_options opt = validity_options(cfg);
  opt.farm.distribute = ctx->distribute;
  double *values = malloc((size_t)n_points * QS_MODEL_MAX_PARAMS * sizeof *values);
  double(*sweep_x)[2] = malloc((size_t)n_points * sizeof *sweep_x);
  qs_validity_point *pts = calloc((size_t)n_points, sizeof *pts);
  qs_model *model = NULL;
  int rc = values && sweep_x && pts ? EXIT_OK : EXIT_RUNTIME;
  if (rc != EXIT_OK)
    cli_error("%s: out of memory for %ld sweep points", cfg->path, n_points);
  if (rc == EXIT_OK)
    rc = prepare_points(ctx, &opt, values, sweep_x, n_points);
  if (rc == EXIT_OK) {
    cli_progress progress;
    cli_progress_init(&progress, ctx->quiet || n_points == 1, "validity points");
    opt.farm.progress = cli_progress_update;
    opt.farm.progress_data = &progress;
    opt.lab.me.progress = cli_wall_guard_at;
    long failed = -1;
    qs_status st = qs_validity_points_run(&opt, cfg->model_type, values, n_points, pts, &failed);
    cli_progress_finish(&progress);
    if (st != QS_OK) {
      char where[128] = "";
      if (failed >= 0)
        cli_describe_point(cfg, sweep_x[failed], where, sizeof where);
      cli_error("%s: validity %s%sfailed: %s%s%s", cfg->path, where, where[0] ? " " : "",
                qs_strerror(st), failed >= 0 && pts[failed].msg[0] ? ": " : "",
                failed >= 0 ? pts[failed].msg : "");
      rc = st == QS_ERR_TOO_LARGE || st == QS_ERR_INVALID ? EXIT_BAD_INPUT : EXIT_RUNTIME;
    }
  }
  if (rc == EXIT_OK && !ctx->quiet && n_points <= MAX_PRINTED_POINTS)
    for (long p = 0; p < n_points; p++) {
      char where[128];
      cli_describe_point(cfg, sweep_x[p], where, sizeof where);
      print_point(&pts[p], where);
    }
  if (rc == EXIT_OK && ctx->rank == 0) { /* distributed: rank 0 holds every point */
    model = cli_build_model(ctx, values);
    rc = model ? write_validity(ctx, model, pts, sweep_x, n_points) : EXIT_BAD_INPUT;
  }
  qs_model_destroy(&model);
  free(values);
  free(sweep_x);
  free(pts);
  return rc;
}
