/* The semiclassical command: at every point of the [sweep], every local
 * minimum of the semiclassical functional (semiclassical.h) with its
 * observables and the error bound eps / gap (gap.h); one row per point and
 * minimum in minima.tsv, one row per point in summary.tsv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "qsync/gap.h"

/* Points printed on stdout (a sweep is read from minima.tsv). */
#define MAX_PRINTED_POINTS 10
#define MAX_COLS (16 + 3 * QS_SEMICLASSICAL_MAX_SPINS)
#define COL_NAME 32

typedef struct {
  qs_semiclassical_problem problem;
  qs_semiclassical_result result;
  double gap;          /* |Re mu_1|, NaN when not computed */
  char gap_note[256];  /* why not */
  double sweep_x[2];
} semi_point;

typedef struct {
  int n;
  char names[MAX_COLS][COL_NAME];
  const char *name_ptr[MAX_COLS];
  char units[MAX_COLS][COL_NAME];
  const char *unit_ptr[MAX_COLS];
} columns;

static void col(columns *c, const char *name, const char *unit)
{
  if (c->n >= MAX_COLS)
    return;
  snprintf(c->names[c->n], COL_NAME, "%s", name);
  snprintf(c->units[c->n], COL_NAME, "%s", unit);
  c->name_ptr[c->n] = c->names[c->n];
  c->unit_ptr[c->n] = c->units[c->n];
  c->n++;
}

/* The model's frequency unit: that of its first dimensioned parameter. */
static const char *frequency_unit(const qs_model_type *type)
{
  for (int i = 0; i < type->n_params; i++)
    if (strcmp(type->params[i].unit, "1") != 0 && strcmp(type->params[i].unit, "-") != 0)
      return type->params[i].unit;
  return "1";
}

static void point_cols(columns *c, const qs_runconfig *cfg, const char *unit)
{
  for (int a = 0; a < 2; a++)
    if (qs_sweep_active(&cfg->sweep[a]))
      col(c, cfg->sweep[a].key, unit);
}

static void minima_cols(columns *c, const qs_runconfig *cfg, const char *unit, int max_spins)
{
  char sq[COL_NAME];
  snprintf(sq, sizeof sq, "%.28s^2", unit);
  point_cols(c, cfg, unit);
  col(c, "branch", "1");
  col(c, "minima", "1");
  col(c, "S", sq);
  col(c, "eps", unit);
  col(c, "gap", unit);
  col(c, "bound", "1");
  col(c, "grad", sq);
  col(c, "hits", "1");
  col(c, "a.re", "1");
  col(c, "a.im", "1");
  col(c, "n", "1");
  col(c, "Sx", "1");
  col(c, "Sy", "1");
  col(c, "Sz", "1");
  const char *comp[3] = {"Sx", "Sy", "Sz"};
  for (int l = 0; l < max_spins; l++)
    for (int i = 0; i < 3; i++) {
      char name[COL_NAME];
      snprintf(name, sizeof name, "%s_%d", comp[i], l + 1);
      col(c, name, "1");
    }
}

static double *put_sweep(double *row, const qs_runconfig *cfg, const double sweep_x[2])
{
  for (int a = 0; a < 2; a++)
    if (qs_sweep_active(&cfg->sweep[a]))
      *row++ = sweep_x[a];
  return row;
}

static void minimum_row(double *row, const qs_runconfig *cfg, const semi_point *pt, int m,
                        int max_spins)
{
  const qs_semiclassical_minimum *mi = &pt->result.minima[m];
  qs_semiclassical_observables ob;
  qs_semiclassical_observables_of(&pt->problem, &mi->point, &ob);
  row = put_sweep(row, cfg, pt->sweep_x);
  const double v[] = {m, pt->result.n_minima, mi->S, mi->epsilon, pt->gap,
                      qs_semiclassical_error_bound(mi->epsilon, pt->gap), mi->grad_norm,
                      mi->hits, creal(ob.a), cimag(ob.a), ob.n, ob.total[0], ob.total[1],
                      ob.total[2]};
  memcpy(row, v, sizeof v);
  row += sizeof v / sizeof v[0];
  for (int l = 0; l < max_spins; l++)
    for (int i = 0; i < 3; i++)
      *row++ = l < pt->problem.n_spins ? ob.spin[l][i] : NAN;
}

static void summary_row(double *row, const qs_runconfig *cfg, const semi_point *pt)
{
  const qs_semiclassical_minimum *lo = &pt->result.minima[0];
  row = put_sweep(row, cfg, pt->sweep_x);
  const double v[] = {pt->result.n_minima, lo->S, lo->epsilon, pt->gap,
                      qs_semiclassical_error_bound(lo->epsilon, pt->gap)};
  memcpy(row, v, sizeof v);
}

static int write_results(const cli_context *ctx, const qs_model *model, const semi_point *pts,
                         long n_points)
{
  const qs_runconfig *cfg = &ctx->cfg;
  const char *unit = frequency_unit(model->type);
  int max_spins = 0;
  long rows = 0;
  for (long p = 0; p < n_points; p++) {
    max_spins = pts[p].problem.n_spins > max_spins ? pts[p].problem.n_spins : max_spins;
    rows += pts[p].result.n_minima;
  }
  static columns c, s; /* large: off the stack */
  memset(&c, 0, sizeof c);
  memset(&s, 0, sizeof s);
  minima_cols(&c, cfg, unit, max_spins);
  point_cols(&s, cfg, unit);
  char sq[COL_NAME];
  snprintf(sq, sizeof sq, "%.28s^2", unit);
  col(&s, "minima", "1");
  col(&s, "S", sq);
  col(&s, "eps", unit);
  col(&s, "gap", unit);
  col(&s, "bound", "1");
  double *data = calloc((size_t)(rows * c.n), sizeof *data);
  double *sdata = calloc((size_t)(n_points * s.n), sizeof *sdata);
  int rc = data && sdata ? EXIT_OK : EXIT_RUNTIME;
  long r = 0;
  for (long p = 0; rc == EXIT_OK && p < n_points; p++) {
    summary_row(sdata + p * s.n, cfg, &pts[p]);
    for (int m = 0; m < pts[p].result.n_minima; m++)
      minimum_row(data + (r++) * c.n, cfg, &pts[p], m, max_spins);
  }
  if (rc != EXIT_OK) {
    cli_error("out of memory for the %ld-row minima table", rows);
  } else {
    qs_table tables[2] = {{"minima", c.n, c.name_ptr, rows, data, c.unit_ptr},
                          {"summary", s.n, s.name_ptr, n_points, sdata, s.unit_ptr}};
    rc = cli_write_tables(ctx, "semiclassical", model, tables, 2, NULL);
  }
  free(data);
  free(sdata);
  return rc;
}

/* The gap of the model at its own truncation; NaN and a note on failure
 * (the bound is then missing, the minima are still reported). */
static void point_gap(const cli_context *ctx, const qs_model *model, semi_point *pt)
{
  pt->gap = NAN;
  if (!ctx->cfg.semi_gap) {
    snprintf(pt->gap_note, sizeof pt->gap_note, "[semiclassical] gap = false");
    return;
  }
  qs_gap_options o = qs_runfile_gap_options(&ctx->cfg);
  o.memory_limit = ctx->max_memory;
  qs_gap_result g;
  char msg[256] = "";
  qs_status st = qs_liouvillian_gap(model, &o, &g, msg, sizeof msg);
  if (st == QS_OK)
    pt->gap = g.gap;
  else
    snprintf(pt->gap_note, sizeof pt->gap_note, "%s", msg[0] ? msg : qs_strerror(st));
}

/* The functional's coefficients do not depend on the cavity truncation:
 * read them from a 3-level copy of the model (cheap), keep the full model
 * for the gap. */
static qs_model *small_model(const cli_context *ctx, const double *values)
{
  const qs_model_type *type = ctx->cfg.model_type;
  double v[QS_MODEL_MAX_PARAMS];
  memcpy(v, values, (size_t)type->n_params * sizeof *v);
  int k = type->truncation_key ? qs_model_param_index(type, type->truncation_key) : -1;
  if (k >= 0 && type->params[k].min <= 3.0 && type->params[k].max >= 3.0)
    v[k] = 3.0;
  return cli_build_model(ctx, v);
}

static int solve_point(const cli_context *ctx, const double *values, semi_point *pt)
{
  const qs_runconfig *cfg = &ctx->cfg;
  char where[128], msg[512] = "";
  cli_describe_point(cfg, pt->sweep_x, where, sizeof where);
  qs_model *small = small_model(ctx, values);
  if (!small)
    return EXIT_BAD_INPUT;
  qs_status st = qs_semiclassical_problem_from_model(small, &pt->problem, msg, sizeof msg);
  qs_model_destroy(&small);
  if (st != QS_OK) {
    cli_error("%s: %s%s%s", cfg->path, where, where[0] ? ": " : "", msg);
    return st == QS_ERR_INVALID ? EXIT_BAD_INPUT : EXIT_RUNTIME;
  }
  qs_semiclassical_options o = qs_runfile_semiclassical_options(cfg);
  st = qs_semiclassical_minimize(&pt->problem, &o, &pt->result, msg, sizeof msg);
  if (st != QS_OK) {
    cli_error("%s: %s%s%s", cfg->path, where, where[0] ? ": " : "",
              msg[0] ? msg : qs_strerror(st));
    return EXIT_RUNTIME;
  }
  qs_model *model = cli_build_model(ctx, values);
  if (!model)
    return EXIT_BAD_INPUT;
  point_gap(ctx, model, pt);
  qs_model_destroy(&model);
  return EXIT_OK;
}

static void print_point(const qs_runconfig *cfg, const semi_point *pt)
{
  char where[128];
  cli_describe_point(cfg, pt->sweep_x, where, sizeof where);
  printf("%s%s%d semiclassical minim%s", where, where[0] ? ": " : "", pt->result.n_minima,
         pt->result.n_minima == 1 ? "um" : "a");
  if (isnan(pt->gap))
    printf(" (gap not computed: %s)\n", pt->gap_note);
  else
    printf(", gap |Re mu_1| = %.6g\n", pt->gap);
  printf("  %-3s %-11s %-10s %-10s %-22s %-9s %-9s %-9s %-9s %s\n", "br", "S", "eps",
         "eps/gap", "<a>", "<n>", "Sx", "Sy", "Sz", "hits");
  for (int m = 0; m < pt->result.n_minima; m++) {
    const qs_semiclassical_minimum *mi = &pt->result.minima[m];
    qs_semiclassical_observables ob;
    qs_semiclassical_observables_of(&pt->problem, &mi->point, &ob);
    printf("  %-3d %-11.4e %-10.4g %-10.4g %+10.5f%+10.5fi %-9.5g %-+9.5f %-+9.5f %-+9.5f %d\n",
           m, mi->S, mi->epsilon, qs_semiclassical_error_bound(mi->epsilon, pt->gap),
           creal(ob.a), cimag(ob.a), ob.n, ob.total[0], ob.total[1], ob.total[2], mi->hits);
  }
}

int cli_semiclassical(cli_context *ctx)
{
  const qs_runconfig *cfg = &ctx->cfg;
  long n_points = cli_sweep_points(cfg);
  semi_point *pts = calloc((size_t)n_points, sizeof *pts);
  double *values = malloc(QS_MODEL_MAX_PARAMS * sizeof *values);
  int rc = pts && values ? EXIT_OK : EXIT_RUNTIME;
  if (rc != EXIT_OK)
    cli_error("%s: out of memory for %ld sweep points", cfg->path, n_points);
  cli_progress progress;
  cli_progress_init(&progress, ctx->quiet || n_points == 1, "semiclassical points");
  for (long p = 0; rc == EXIT_OK && p < n_points; p++) {
    cli_sweep_point_values(cfg, p, values, pts[p].sweep_x);
    rc = solve_point(ctx, values, &pts[p]);
    cli_progress_update(p + 1, n_points, &progress);
  }
  cli_progress_finish(&progress);
  if (rc == EXIT_OK && !ctx->quiet && n_points <= MAX_PRINTED_POINTS)
    for (long p = 0; p < n_points; p++)
      print_point(cfg, &pts[p]);
  if (rc == EXIT_OK) {
    qs_model *model = cli_build_model(ctx, NULL);
    rc = model ? write_results(ctx, model, pts, n_points) : EXIT_BAD_INPUT;
    qs_model_destroy(&model);
  }
  for (long p = 0; pts && p < n_points; p++)
    qs_semiclassical_result_free(&pts[p].result);
  free(pts);
  free(values);
  return rc;
}
