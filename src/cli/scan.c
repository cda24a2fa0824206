/* The scan command: zero crossings of <S+_j> and extrema of R along one
 * parameter, for every point of an optional one- or two-axis [sweep]. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* OpenBLAS's own threads fight the scan's OpenMP threads over the small
 * LAPACK solves (3.5x slower); the symbol is weak so that any other BLAS
 * works too. */
extern void openblas_set_num_threads(int n) __attribute__((weak));

/* A number for a TSV column; NaN always as "nan" (printf may write -nan). */
static void print_number(FILE *f, const char *sep, double v)
{
  if (isnan(v))
    fprintf(f, "%snan", sep);
  else
    fprintf(f, "%s%.12g", sep, v);
}

static void print_complex(FILE *f, double complex z)
{
  print_number(f, "\t", creal(z));
  print_number(f, "\t", cimag(z));
}

/* Column names of the sweep axes ("" for none). */
static void sweep_header(FILE *f, const qs_runconfig *cfg)
{
  for (int a = 0; a < 2; a++)
    if (qs_sweep_active(&cfg->sweep[a]))
      fprintf(f, "%s\t", cfg->sweep[a].key);
}

static void sweep_columns(FILE *f, const qs_runconfig *cfg, const qs_scan_line_result *pt)
{
  for (int a = 0; a < 2; a++)
    if (qs_sweep_active(&cfg->sweep[a]))
      fprintf(f, "%.12g\t", pt->sweep_x[a]);
}

/* scan.tsv: every sample of every line. */
/* The observables after Sp_A and Sp_B: every other one, in table order. */
static int extra_observable(const qs_model *model, int k)
{
  return k != qs_model_obs_index(model, "Sp_A") && k != qs_model_obs_index(model, "Sp_B");
}

static void write_curves(FILE *f, const qs_runconfig *cfg, const qs_model *model,
                         const qs_scan_line_result *pt, const qs_scan_sample *s, int n, int header)
{
  double eps = cfg->model_values[qs_model_param_index(cfg->model_type,
                                                      cfg->model_type->drive_param)];
  if (header) {
    fputs("# ", f);
    sweep_header(f, cfg);
    fprintf(f, "%s\tabsSp_A_over_eps\tabsSp_B_over_eps\tSp_A.re\tSp_A.im\tSp_B.re\tSp_B.im"
            "\tSp_A_first.re\tSp_A_first.im\tSp_B_first.re\tSp_B_first.im\tOmega"
            "\tOmega_blocks\tR", cfg->scan_along.key);
    for (int k = 0; k < model->n_obs && !cfg->scan_first_order; k++)
      if (extra_observable(model, k))
        fprintf(f, "\t%s.re\t%s.im", model->obs_names[k], model->obs_names[k]);
    fputc('\n', f);
  }
  for (int i = 0; i < n; i++) {
    sweep_columns(f, cfg, pt);
    fprintf(f, "%.12g\t%.12g\t%.12g", s[i].x, cabs(s[i].sp[0]) / eps, cabs(s[i].sp[1]) / eps);
    print_complex(f, s[i].sp[0]);
    print_complex(f, s[i].sp[1]);
    print_complex(f, s[i].sp_first[0]);
    print_complex(f, s[i].sp_first[1]);
    print_number(f, "\t", s[i].exact.omega);
    print_number(f, "\t", s[i].exact.omega_blocks);
    print_number(f, "\t", s[i].r);
    for (int k = 0; k < model->n_obs && !cfg->scan_first_order; k++)
      if (extra_observable(model, k))
        print_complex(f, s[i].exact.obs[k]);
    fputc('\n', f);
  }
}

/* features.tsv: one row per sweep point. */
static void write_features(FILE *f, const qs_runconfig *cfg, const qs_scan_line_result *pts, long np)
{
  fputs("# ", f);
  sweep_header(f, cfg);
  fprintf(f, "g0_A\tg0_B\tn_zero_A\tn_zero_B\tn_slip_A\tn_slip_B\tmin_ratio_A\tmin_ratio_B"
          "\tOmega0\tR_max\tx_R_max\tR_min\tx_R_min\tn_local_max\tn_local_min");
  if (qs_sweep_active(&cfg->scan_restore))
    fprintf(f, "\trestore_%s\trestore_%s\trestore_ratio", cfg->scan_along.key,
            cfg->scan_restore.key);
  fputc('\n', f);
  for (long p = 0; p < np; p++) {
    const qs_scan_features *ft = &pts[p].f;
    sweep_columns(f, cfg, &pts[p]);
    print_number(f, "", ft->n_roots[0] ? ft->roots[0][0] : NAN);
    print_number(f, "\t", ft->n_roots[1] ? ft->roots[1][0] : NAN);
    fprintf(f, "\t%d\t%d\t%d\t%d", ft->n_roots[0], ft->n_roots[1], ft->n_slips[0],
            ft->n_slips[1]);
    const double rest[] = {ft->min_abs_ratio[0], ft->min_abs_ratio[1], ft->omega0, ft->r_max,
                           ft->x_r_max, ft->r_min, ft->x_r_min};
    for (size_t k = 0; k < sizeof rest / sizeof rest[0]; k++)
      print_number(f, "\t", rest[k]);
    fprintf(f, "\t%d\t%d", ft->n_max, ft->n_min);
    if (qs_sweep_active(&cfg->scan_restore)) {
      print_number(f, "\t", pts[p].restore_x);
      print_number(f, "\t", pts[p].restore_y);
      print_number(f, "\t", pts[p].restore_ratio);
    }
    fputc('\n', f);
  }
}

static void print_line_features(const qs_runconfig *cfg, const qs_scan_line_result *pt)
{
  const qs_scan_features *f = &pt->f;
  const char *name[2] = {"A", "B"};
  const char *x = cfg->scan_along.key;
  for (int j = 0; j < 2; j++) {
    printf("  <S+_%s>: ", name[j]);
    if (f->n_roots[j] == 0)
      printf("no zero crossing on [%g, %g]", cfg->scan_along.from, cfg->scan_along.to);
    for (int r = 0; r < f->n_roots[j]; r++)
      printf("%szero crossing at %s = %.10f", r ? ", " : "", x, f->roots[j][r]);
    if (f->n_slips[j])
      printf(" (%d phase slip%s without a zero; min |<S+>|/max = %.3g)", f->n_slips[j],
             f->n_slips[j] > 1 ? "s" : "", f->min_abs_ratio[j]);
    printf("\n");
  }
  if (!isnan(f->r_max))
    printf("  R = Omega/Omega(%s=0), Omega(%s=0) = %.6g: max R = %.6f at %s = %.6f\n",
           cfg->model_type->coupling_param, cfg->model_type->coupling_param, f->omega0,
           f->r_max, x, f->x_r_max);
  if (!isnan(f->r_max))
    printf("    %d interior local maxima, %d local minima%s", f->n_max, f->n_min,
           isnan(f->r_min) ? "\n" : "; ");
  if (!isnan(f->r_min))
    printf("deepest local minimum R = %.6f at %s = %.6f\n", f->r_min, x, f->x_r_min);
  if (qs_sweep_active(&cfg->scan_restore) && isnan(pt->restore_y))
    printf("  no zero of <S+_A> found with %s in [%g, %g] and %s in [%g, %g]\n", x,
           cfg->scan_along.from, cfg->scan_along.to, cfg->scan_restore.key,
           cfg->scan_restore.from, cfg->scan_restore.to);
  if (!isnan(pt->restore_y))
    printf("  zero crossing of <S+_A> restored at %s = %.8f, %s = %.8f (|<S+_A>|/max = %.1e)\n",
           x, pt->restore_x, cfg->scan_restore.key, pt->restore_y, pt->restore_ratio);
}

static double *axis_values(const qs_sweep_axis *axis)
{
  long n = qs_sweep_count(axis);
  double *v = malloc((size_t)n * sizeof *v);
  for (long i = 0; v && i < n; i++)
    v[i] = qs_sweep_value(axis, i);
  return v;
}

static int write_text_file(const cli_context *ctx, const char *name, char *text)
{
  char msg[1024];
  qs_status st = qs_output_write_text(ctx->out_dir, name, text, msg, sizeof msg);
  free(text);
  if (st != QS_OK) {
    cli_error("%s", msg);
    return EXIT_RUNTIME;
  }
  return EXIT_OK;
}

static qs_scan_problem scan_problem(const qs_runconfig *cfg, const qs_steady_options *steady)
{
  qs_scan_problem pb = {.type = cfg->model_type, .along = cfg->scan_along.param,
                        .method = cfg->steady_method,
                        .first_order = (int)cfg->scan_first_order, .tol = cfg->scan_tol,
                        .steady = steady};
  memcpy(pb.values, cfg->model_values, sizeof pb.values);
  return pb;
}

/* Run every line through the library's farm; curves (all samples) only
 * when there is at most one sweep axis, so that two-parameter maps stay
 * small. */
static int run_lines(cli_context *ctx, const qs_model *model, qs_scan_line_result *pts,
                     long np, const double *xs, const double *ys, FILE *curves)
{
  const qs_runconfig *cfg = &ctx->cfg;
  int n = (int)qs_sweep_count(&cfg->scan_along);
  qs_steady_options steady = qs_runfile_steady_options(cfg);
  qs_scan_problem pb = scan_problem(cfg, &steady);
  cli_progress progress;
  cli_progress_init(&progress, ctx->quiet, "scan lines");
  if (openblas_set_num_threads)
    openblas_set_num_threads(1);
  qs_scan_sample *all = curves ? malloc((size_t)(np * n) * sizeof *all) : NULL;
  if (curves && !all)
    return EXIT_RUNTIME;
  qs_scan_grid grid = {.sweep = cfg->sweep, .xs = xs, .nx = n,
                       .restore = qs_sweep_active(&cfg->scan_restore) ? cfg->scan_restore.param
                                                                     : -1,
                       .ys = ys, .ny = (int)qs_sweep_count(&cfg->scan_restore),
                       .farm = qs_farm_default_options()};
  grid.farm.threads = (int)cfg->threads;
  grid.farm.distribute = ctx->distribute;
  grid.farm.progress = cli_progress_update;
  grid.farm.progress_data = &progress;
  long failed = -1;
  qs_status st = qs_scan_grid_run(&pb, &grid, pts, all, &failed);
  cli_progress_finish(&progress);
  if (st != QS_OK) {
    const char *msg = failed >= 0 ? pts[failed].msg : "";
    cli_error("%s: scan at sweep point %ld failed: %s%s%s", cfg->path, failed < 0 ? 0 : failed,
              qs_strerror(st), msg[0] ? ": " : "", msg);
    free(all);
    return st == QS_ERR_INVALID ? EXIT_BAD_INPUT : EXIT_RUNTIME;
  }
  for (long p = 0; curves && p < np; p++)
    write_curves(curves, cfg, model, &pts[p], all + p * n, n, p == 0);
  free(all);
  return EXIT_OK;
}

int cli_scan(cli_context *ctx)
{
  const qs_runconfig *cfg = &ctx->cfg;
  char msg[512];
  qs_model *model = NULL;
  if (!qs_sweep_active(&cfg->scan_along)) {
    cli_error("%s: [scan] key: name the parameter to scan (model %s has no default)",
              cfg->path, cfg->model_type->name);
    return EXIT_BAD_INPUT;
  }
  if (qs_model_create(cfg->model_type, cfg->model_values, &model, msg, sizeof msg) != QS_OK) {
    cli_error("%s: [model] %s", cfg->path, msg);
    return EXIT_BAD_INPUT;
  }
  qs_scan_problem check = scan_problem(cfg, NULL);
  if (qs_scan_check(&check, msg, sizeof msg) != QS_OK) {
    cli_error("%s: [model] name = %s: %s: a scan follows the phase responses <S+_A>, "
              "<S+_B>", cfg->path, cfg->model_type->name, msg);
    qs_model_destroy(&model);
    return EXIT_BAD_INPUT;
  }
  long np = cli_sweep_points(cfg);
  qs_scan_line_result *pts = calloc((size_t)np, sizeof *pts);
  double *xs = axis_values(&cfg->scan_along), *ys = axis_values(&cfg->scan_restore);
  char *curve_text = NULL, *feature_text = NULL;
  size_t curve_len = 0, feature_len = 0;
  FILE *curves = qs_sweep_active(&cfg->sweep[1]) ? NULL
                                                 : open_memstream(&curve_text, &curve_len);
  int rc = pts && xs && ys ? EXIT_OK : EXIT_RUNTIME;
  double start = cli_now();
  if (rc == EXIT_OK)
    rc = run_lines(ctx, model, pts, np, xs, ys, curves);
  if (curves)
    fclose(curves);
  if (rc == EXIT_OK && !ctx->quiet) {
    printf("scan of %s along %s in [%g, %g] (%ld points, method %s) at %ld sweep point%s "
           "in %.2f s\n", model->type->name, cfg->scan_along.key, cfg->scan_along.from,
           cfg->scan_along.to, qs_sweep_count(&cfg->scan_along),
           cfg->scan_first_order ? "first_order" : "exact", np, np > 1 ? "s" : "",
           cli_now() - start);
    for (long p = 0; p < np && p < 12; p++) {
      if (np > 1)
        printf("sweep point %ld (%s = %g%s):\n", p, cfg->sweep[0].key, pts[p].sweep_x[0],
               qs_sweep_active(&cfg->sweep[1]) ? ", ..." : "");
      print_line_features(cfg, &pts[p]);
    }
    if (np > 12)
      printf("... (%ld more sweep points in features.tsv)\n", np - 12);
  }
  /* distributed: only rank 0 holds every line (farm.h) and writes */
  FILE *features = rc == EXIT_OK && ctx->rank == 0 ? open_memstream(&feature_text, &feature_len)
                                                   : NULL;
  if (features) {
    write_features(features, cfg, pts, np);
    fclose(features);
    rc = write_text_file(ctx, "features.tsv", feature_text);
    feature_text = NULL;
  }
  if (rc == EXIT_OK && curve_text && ctx->rank == 0) {
    rc = write_text_file(ctx, "scan.tsv", curve_text);
    curve_text = NULL;
  }
  if (rc == EXIT_OK && !ctx->quiet)
    printf("results: %s/features.tsv%s\n", ctx->out_dir,
           qs_sweep_active(&cfg->sweep[1]) ? "" : ", scan.tsv");
  free(curve_text);
  free(feature_text);
  free(pts);
  free(xs);
  free(ys);
  qs_model_destroy(&model);
  return rc;
}
