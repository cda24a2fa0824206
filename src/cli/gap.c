/* The gap command: the slowest relaxation rates of the Liouvillian
 * (gap.h) at every point of the [sweep]; one row per point in
 * summary.tsv, with a units line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Points printed on stdout (a sweep is read from summary.tsv). */
#define MAX_PRINTED_POINTS 10
#define MAX_COLS (2 + 2 * QS_GAP_MAX_NEV + 6)

typedef struct {
  int n;
  char names[MAX_COLS][48];
  const char *name_ptr[MAX_COLS];
  const char *units[MAX_COLS];
} columns;

static void col(columns *c, const char *unit, const char *name, int index)
{
  if (c->n == MAX_COLS)
    return;
  if (index > 0)
    snprintf(c->names[c->n], sizeof c->names[0], "%s%d%s", "mu", index, name);
  else
    snprintf(c->names[c->n], sizeof c->names[0], "%s", name);
  c->name_ptr[c->n] = c->names[c->n];
  c->units[c->n++] = unit;
}

/* The model's rate unit: that of its first frequency parameter (keys in
 * MHz or kHz are cyclic frequencies of a model working in rad/us). */
const char *cli_rate_unit(const qs_model_type *type)
{
  for (int i = 0; i < type->n_params; i++) {
    const char *u = type->params[i].unit;
    if (strcmp(u, "1") != 0 && strcmp(u, "-") != 0) {
      size_t len = strlen(u);
      return len >= 2 && strcmp(u + len - 2, "Hz") == 0 ? "rad/us" : u;
    }
  }
  return "1";
}

static void gap_columns(columns *c, const qs_runconfig *cfg, const char *unit, int nev)
{
  for (int a = 0; a < 2; a++)
    if (qs_sweep_active(&cfg->sweep[a]))
      col(c, cfg->model_type->params[cfg->sweep[a].param].unit, cfg->sweep[a].key, 0);
  col(c, unit, "gap", 0);
  for (int k = 1; k <= nev; k++) {
    col(c, unit, ".re", k);
    col(c, unit, ".im", k);
  }
  col(c, "1", "ratio", 0);
  col(c, unit, "im_window", 0);
  col(c, unit, "residual_max", 0);
  col(c, "1", "iterations", 0);
  col(c, unit, "sigma", 0);
}

static void gap_row(double *row, const qs_runconfig *cfg, const double sweep_x[2],
                    const qs_gap_result *r, int nev)
{
  for (int a = 0; a < 2; a++)
    if (qs_sweep_active(&cfg->sweep[a]))
      *row++ = sweep_x[a];
  *row++ = r->gap;
  for (int k = 0; k < nev; k++) {
    *row++ = k < r->nconv ? creal(r->mu[k]) : NAN;
    *row++ = k < r->nconv ? cimag(r->mu[k]) : NAN;
  }
  *row++ = r->ratio;
  *row++ = r->im_window;
  *row++ = r->residual_max;
  *row++ = r->iterations;
  *row = r->sigma;
}

/* One sweep point per farm task. */
typedef struct {
  const qs_model_type *type;
  const double *values;       /* n_points x QS_MODEL_MAX_PARAMS */
  qs_gap_options opt;
  qs_gap_result *res;
  char (*msg)[512];
} gap_farm;

static qs_status gap_task(long p, int worker, void *data)
{
  (void)worker;
  gap_farm *f = data;
  qs_model *m = NULL;
  qs_status st = qs_model_create(f->type, f->values + p * QS_MODEL_MAX_PARAMS, &m, f->msg[p],
                                 sizeof f->msg[p]);
  if (st == QS_OK)
    st = qs_liouvillian_gap(m, &f->opt, &f->res[p], f->msg[p], sizeof f->msg[p]);
  qs_model_destroy(&m);
  return st;
}

/* Slot codec of a distributed run (farm.h): the result and message as
 * bytes, but the method, a static string of the library, by its name. */
static qs_status gap_pack(long p, qs_farm_bytes *b, void *data)
{
  const gap_farm *f = data;
  char method[32] = "";
  if (f->res[p].method)
    snprintf(method, sizeof method, "%s", f->res[p].method);
  qs_farm_put(b, &f->res[p], sizeof f->res[p]);
  qs_farm_put(b, f->msg[p], sizeof f->msg[p]);
  qs_farm_put(b, method, sizeof method);
  return b->st;
}

static qs_status gap_unpack(long p, qs_farm_bytes *b, void *data)
{
  gap_farm *f = data;
  char method[32] = "";
  qs_farm_get(b, &f->res[p], sizeof f->res[p]);
  qs_farm_get(b, f->msg[p], sizeof f->msg[p]);
  qs_farm_get(b, method, sizeof method);
  method[sizeof method - 1] = '\0';
  int m = qs_gap_method_parse(method);
  f->res[p].method = m >= 0 ? qs_gap_method_name((qs_gap_method)m) : "unknown";
  return b->st;
}

static void print_point(const qs_gap_result *r, const char *where, const char *unit)
{
  printf("%s%sgap = %.10g %s (%s", where, where[0] ? ": " : "", r->gap, unit, r->method);
  if (strncmp(r->method, "arpack", 6) == 0)
    printf(", %d restarts, residual %.2e, exact for |Im| < %.4g", r->iterations,
           r->residual_max, r->im_window);
  printf(")\n");
  for (int k = 0; k < r->nconv; k++)
    printf("  mu%-3d = %+.10g %+.10gi\n", k + 1, creal(r->mu[k]), cimag(r->mu[k]));
  if (!isnan(r->ratio))
    printf("  ratio (next decay rate / gap) = %.6g\n", r->ratio);
}

static int write_gap(const cli_context *ctx, const qs_model *model, const qs_gap_result *res,
                     double (*sweep_x)[2], long n_points, int nev, const char *unit)
{
  const qs_runconfig *cfg = &ctx->cfg;
  columns c = {0};
  gap_columns(&c, cfg, unit, nev);
  double *data = calloc((size_t)(n_points * c.n), sizeof *data);
  if (!data) {
    cli_error("out of memory for the %ld-row gap table", n_points);
    return EXIT_RUNTIME;
  }
  for (long p = 0; p < n_points; p++)
    gap_row(data + p * c.n, cfg, sweep_x[p], &res[p], nev);
  qs_table table = {"summary", c.n, c.name_ptr, n_points, data, c.units};
  int rc = cli_write_tables(ctx, "gap", model, &table, 1, NULL);
  free(data);
  return rc;
}

/* Every point's parameter values; each model must build (input errors
 * before any work). */
static int prepare_points(const cli_context *ctx, double *values, double (*sweep_x)[2],
                          long n_points)
{
  for (long p = 0; p < n_points; p++) {
    double *v = values + p * QS_MODEL_MAX_PARAMS;
    cli_sweep_point_values(&ctx->cfg, p, v, sweep_x[p]);
    qs_model *m = cli_build_model(ctx, v);
    if (!m)
      return EXIT_BAD_INPUT;
    int td = m->n_td;
    qs_model_destroy(&m);
    if (td > 0) {
      cli_error("%s: the Liouvillian gap needs a time-independent model (%d time-dependent "
                "terms; cavity_qubits: frame = rwa)", ctx->cfg.path, td);
      return EXIT_BAD_INPUT;
    }
  }
  return EXIT_OK;
}

static int run_points(const cli_context *ctx, gap_farm *f, double (*sweep_x)[2],
                      long n_points)
{
  const qs_runconfig *cfg = &ctx->cfg;
  cli_progress progress;
  cli_progress_init(&progress, ctx->quiet || n_points == 1, "gap points");
  qs_farm_options farm = qs_farm_default_options();
  farm.threads = (int)cfg->threads;
  farm.distribute = ctx->distribute;
  farm.pack = gap_pack;
  farm.unpack = gap_unpack;
  farm.progress = cli_progress_update;
  farm.progress_data = &progress;
  long failed = -1;
  qs_status st = qs_farm_run(n_points, gap_task, f, &farm, &failed);
  cli_progress_finish(&progress);
  if (st == QS_OK)
    return EXIT_OK;
  char where[128] = "";
  if (failed >= 0)
    cli_describe_point(cfg, sweep_x[failed], where, sizeof where);
  cli_error("%s: gap %s%sfailed: %s%s%s", cfg->path, where, where[0] ? " " : "",
            qs_strerror(st), failed >= 0 && f->msg[failed][0] ? ": " : "",
            failed >= 0 ? f->msg[failed] : "");
  return st == QS_ERR_TOO_LARGE || st == QS_ERR_INVALID ? EXIT_BAD_INPUT : EXIT_RUNTIME;
}

int cli_gap(cli_context *ctx)
{
  const qs_runconfig *cfg = &ctx->cfg;
  long n_points = cli_sweep_points(cfg);
  gap_farm f = {.type = cfg->model_type, .opt = qs_runfile_gap_options(cfg)};
  f.opt.memory_limit = ctx->max_memory;
  double *values = malloc((size_t)n_points * QS_MODEL_MAX_PARAMS * sizeof *values);
  double(*sweep_x)[2] = malloc((size_t)n_points * sizeof *sweep_x);
  f.res = calloc((size_t)n_points, sizeof *f.res);
  f.msg = calloc((size_t)n_points, sizeof *f.msg);
  f.values = values;
  qs_model *model = NULL;
  int rc = values && sweep_x && f.res && f.msg ? EXIT_OK : EXIT_RUNTIME;
  if (rc != EXIT_OK)
    cli_error("%s: out of memory for %ld sweep points", cfg->path, n_points);
  if (rc == EXIT_OK)
    rc = prepare_points(ctx, values, sweep_x, n_points);
  if (rc == EXIT_OK)
    rc = run_points(ctx, &f, sweep_x, n_points);
  const char *unit = cli_rate_unit(cfg->model_type);
  if (rc == EXIT_OK && !ctx->quiet && n_points <= MAX_PRINTED_POINTS)
    for (long p = 0; p < n_points; p++) {
      char where[128];
      cli_describe_point(cfg, sweep_x[p], where, sizeof where);
      print_point(&f.res[p], where, unit);
    }
  if (rc == EXIT_OK && ctx->rank == 0) { /* distributed: rank 0 holds every point */
    model = cli_build_model(ctx, values);
    rc = model ? write_gap(ctx, model, f.res, sweep_x, n_points, f.opt.nev, unit)
               : EXIT_BAD_INPUT;
  }
  qs_model_destroy(&model);
  free(values);
  free(sweep_x);
  free(f.res);
  free(f.msg);
  return rc;
}
